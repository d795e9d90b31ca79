"""Lesson 02 (notebooks/02_backpropagation.ipynb): backpropagation's experiments and figures.

Notation and checking (notation_table, backward_without_f_prime, count_forward_passes), the digits
network of section 8 (digits, digits_net, lr_grid, plot_history, confusion_matrix) and vanishing
signals (deep_net, scale_weights, delta_sizes, spreads, train_recording_deltas: the one deep network and
per-layer statistics, which lessonlib.initialization builds on).  The lesson's loops (the descent
step, the backward pass, the training loop) are written in the notebook's cells, not here.  Plot
helpers take ``ax=None`` and return the Axes; they never train.
"""
from functools import lru_cache

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator

from . import data, optimizers, text
from .network import Gradients, Network
from .plots import BLACK, SET_COLORS, axes_or_new
from .training import evaluate, train


# ---- notation ----------------------------------------------------------------------------
def notation_table(net, X, Y):
    """symbol → meaning → code → shape, the shapes read off one forward and backward pass of ``net`` on
    (X, Y).  Everything is indexed by the layer number m, as in the lesson."""
    cache = net.forward(X)
    grads = net.backward(cache, Y)
    L, shape = net.L, lambda A: str(tuple(A.shape))  # noqa: E731
    rows = [("L", "number of layers with weights", "net.L", f"{L}"),
            ("B", "number of examples in the batch", "X.shape[1]", f"{X.shape[1]}"),
            ("a^0 = x", "the input batch", "cache.a[0]", shape(cache.a[0]))]
    for m in range(1, L + 1):
        rows += [(f"W^{m}", f"weights into layer {m}", f"net.W[{m}]", shape(net.W[m])),
                 (f"b^{m}", f"biases of layer {m}", f"net.b[{m}]", shape(net.b[m])),
                 (f"z^{m}", f"weighted sums of layer {m}", f"cache.z[{m}]", shape(cache.z[m])),
                 (f"a^{m}", f"activations of layer {m}", f"cache.a[{m}]", shape(cache.a[m]))]
    rows += [("f, f'", "activation, its derivative", "net.f.f, net.f.f_prime", "shape of z"),
             ("J", "cost, averaged over the batch", "net.cost(X, Y)", "a number")]
    for m in range(L, 0, -1):
        rows += [(f"δ^{m}", f"error ∂J/∂z^{m}", f"grads.delta[{m}]", shape(grads.delta[m])),
                 (f"∂J/∂W^{m}", f"gradient for W^{m}", f"grads.dW[{m}]", shape(grads.dW[m])),
                 (f"∂J/∂b^{m}", f"gradient for b^{m}", f"grads.db[{m}]", shape(grads.db[m]))]
    n_params = sum(p.size for p in net.params)
    rows += [("θ", "all the parameters", "net.params", f"{len(net.params)} arrays, {n_params} numbers"),
             ("α", "learning rate", "lr", "a number")]
    return text.table(rows, ("symbol", "meaning", "code", "shape"))


# ---- gradient checking: a broken backward, and what the check costs ---------------------------
def backward_without_f_prime(net, X, Y):
    """Backprop with a classic bug: δ^m = (W^{m+1})^T δ^{m+1}, the factor f'(z^m) forgotten in hidden layers."""
    cache = net.forward(X)
    right = net.backward(cache, Y)                  # δ^L and everything in layer L are still right
    L, W, a = net.L, net.W, cache.a
    delta, dW, db = {L: right.delta[L]}, {L: right.dW[L]}, {L: right.db[L]}
    for m in range(L - 1, 0, -1):
        delta[m] = W[m + 1].T @ delta[m + 1]        # BUG: should be f'(z^m) ⊙ (W^{m+1})^T δ^{m+1}
        dW[m] = delta[m] @ a[m - 1].T
        db[m] = delta[m].sum(axis=1, keepdims=True)
    layers = range(1, L + 1)
    return Gradients([dW[m] for m in layers], [db[m] for m in layers], [delta[m] for m in layers])


def count_forward_passes(net, compute):
    """(result of compute(), number of forward passes through ``net`` it made)."""
    calls = [0]
    inner = net._forward

    def counted(X):
        calls[0] += 1
        return inner(X)

    net._forward = counted                          # the instance's own attribute shadows the method
    try:
        result = compute()
    finally:
        del net._forward
    return result, calls[0]


def outer_product_demo():
    """A small δ (3 neurons) and a^{m-1} (4 inputs) for the picture of ∂J/∂W^m = δ^m (a^{m-1})^T."""
    return np.array([[0.5], [-0.25], [1.0]]), np.array([[1.0], [0.0], [0.5], [0.8]])


def plot_outer_product(delta, a_prev, ax=None):
    """δ (a column, n_m × 1) times (a^{m-1})^T (a row, 1 × n_{m-1}) drawn as the n_m × n_{m-1} grid of products."""
    ax = axes_or_new(ax, figsize=(9.5, 4.8))
    D = delta @ a_prev.T
    n_out, n_in = D.shape
    lim = np.abs(D).max()
    for A, extent in ((D, (0, n_in, n_out, 0)), (a_prev.T, (0, n_in, -0.4, -1.4)), (delta, (-1.4, -0.4, n_out, 0))):
        ax.imshow(A, cmap="PuOr_r", vmin=-lim, vmax=lim, extent=extent)      # orange: positive, purple: negative

    def write(x, y, v, fmt):
        ax.text(x, y, format(v, fmt), ha="center", va="center", fontsize=13,
                color="white" if abs(v) > 0.6 * lim else "black")

    for i in range(n_out):
        write(-0.9, i + 0.5, delta[i, 0], "+.2f")
        for j in range(n_in):
            write(j + 0.5, i + 0.5, D[i, j], "+.2f")
    for j in range(n_in):
        write(j + 0.5, -0.9, a_prev[j, 0], ".2f")
    ax.text(-0.9, -0.9, "×", ha="center", va="center", fontsize=22)
    ax.set(xlim=(-1.5, n_in), ylim=(n_out, -1.5), xticks=[], yticks=[],
           title=(rf"$\delta^m (a^{{m-1}})^T$: a {n_out}×1 column times a 1×{n_in} row"
                  rf" = a {n_out}×{n_in} grid, the shape of $W^m$"))
    ax.set_xlabel(r"top row: $(a^{m-1})^T$, input $j$;   cell $(i, j)$: $\delta_i\, a_j$")
    ax.set_ylabel(r"left column: $\delta^m$, neuron $i$")
    ax.grid(False)
    for side in ax.spines.values():
        side.set_visible(False)
    return ax


# ---- the digits --------------------------------------------------------------------------
def standardize(X_train, X_test, eps=0.1):
    """Each pixel shifted by its training mean and divided by (its training std + eps): inputs of size ~1."""
    mu = X_train.mean(axis=1, keepdims=True)
    sd = X_train.std(axis=1, keepdims=True) + eps
    return (X_train - mu) / sd, (X_test - mu) / sd


@lru_cache(maxsize=None)
def digits():
    """(X_train, X_test, Y_train, Y_test, X_test_pixels): standardized inputs, plus raw test pixels to draw."""
    X_train, X_test, Y_train, Y_test = data.load_digits()
    Xs_train, Xs_test = standardize(X_train, X_test)
    return Xs_train, Xs_test, Y_train, Y_test, X_test


def digits_net(hidden=64, activation="relu", seed=0):
    """64 → hidden (``activation``) → 10 (softmax), cross-entropy cost."""
    return Network([64, int(hidden), 10], activation=activation, output="softmax", loss="cross_entropy", seed=seed)


def before_training(net, X, Y, X_test, Y_test):
    """{"train_cost", "test_cost", "train_accuracy", "test_accuracy"} of ``net`` as it is: epoch 0 of a History."""
    (J, acc), (J_test, acc_test) = evaluate(net, X, Y), evaluate(net, X_test, Y_test)
    return {"train_cost": J, "test_cost": J_test, "train_accuracy": acc, "test_accuracy": acc_test}


def history_curve(history, start, key):
    """Epochs 0..E and the values of ``key`` (e.g. "train_cost"), epoch 0 from ``start`` (before_training)."""
    values = [start[key]] + list(getattr(history, key))
    return np.arange(len(values)), np.asarray(values, dtype=float)


def plot_history(history, start, target=0.97, axes=None):
    """Cost (log scale) and accuracy per epoch, train and test, from epoch 0 (``start``), with the target line."""
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(13, 4.5))
    ax_cost, ax_acc = axes
    for ax, key, name in ((ax_cost, "cost", "cost J"), (ax_acc, "accuracy", "accuracy")):
        for part, style in (("train", "o-"), ("test", "s--")):
            ax.plot(*history_curve(history, start, f"{part}_{key}"), style, color=SET_COLORS[part],
                    markersize=4, label=part)
        ax.set(xlabel="epoch", ylabel=name, title=f"{name.split()[0].capitalize()} per epoch")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax_cost.set_yscale("log")
    ax_acc.axhline(target, color=BLACK, linewidth=1.2, linestyle=":", label=f"{target:.0%}")
    ax_acc.set_ylim(0.0, 1.02)
    ax_cost.legend(loc="upper right")
    ax_acc.legend(loc="lower right")
    return axes


LR_EXPONENTS = tuple(np.round(np.arange(-3.0, 0.5 + 1e-9, 0.25), 2))
HIDDEN_SIZES = (8, 32, 128)


def lr_grid(epochs=10, batch_size=128, seed=0):
    """{(exponent, hidden): History} for plain SGD with α = 10^exponent on LR_EXPONENTS and n_1 in
    HIDDEN_SIZES, each a fresh digits_net trained ``epochs`` epochs, plus {hidden: before_training}
    (cached: the dashboard's slider is a lookup)."""
    return _lr_grid(int(epochs), int(batch_size), int(seed))


@lru_cache(maxsize=None)
def _lr_grid(epochs, batch_size, seed):
    X, X_test, Y, Y_test, _ = digits()
    runs = {(e, h): train(digits_net(h, seed=seed), X, Y, optimizers.SGD(10.0 ** e), epochs,
                          batch_size=batch_size, X_test=X_test, Y_test=Y_test, seed=seed)
            for h in HIDDEN_SIZES for e in LR_EXPONENTS}
    starts = {h: before_training(digits_net(h, seed=seed), X, Y, X_test, Y_test) for h in HIDDEN_SIZES}
    return runs, starts


def confusion_matrix(net, X, Y):
    """C[i, j] = how many examples of class i the network calls j (rows: true digit, columns: predicted)."""
    true, pred = data.labels_of(Y), net.predict(X).argmax(axis=0)
    K = Y.shape[0]
    return np.bincount(true * K + pred, minlength=K * K).reshape(K, K)


def misclassified(net, X, Y):
    """(indices, predicted, true) of the columns of X the network gets wrong."""
    true, pred = data.labels_of(Y), net.predict(X).argmax(axis=0)
    wrong = np.flatnonzero(pred != true)
    return wrong, pred[wrong], true[wrong]


def plot_confusion(C, ax=None):
    """The confusion matrix as an image with every count written in its cell."""
    ax = axes_or_new(ax, figsize=(6.5, 5.5))
    K = C.shape[0]
    ax.imshow(np.log1p(C), cmap="Blues")
    for i in range(K):
        for j in range(K):
            if C[i, j]:
                ax.text(j, i, str(C[i, j]), ha="center", va="center", fontsize=11,
                        color="white" if C[i, j] > C.max() / 3 else ("#D55E00" if i != j else "black"))
    ax.set(xticks=range(K), yticks=range(K), xlabel="predicted digit", ylabel="true digit",
           title=f"Confusion matrix: {np.trace(C)} of {C.sum()} right")
    ax.grid(False)
    return ax


def plot_first_layer(W1, n=32, ncols=8, ax=None,
                     title="Rows of W¹ as 8×8 images (orange: positive weight, purple: negative)"):
    """The first ``n`` rows of W^1 (or of a change in W^1) as 8×8 tiles, each scaled to its own largest |weight|."""
    n = min(n, W1.shape[0])
    nrows = int(np.ceil(n / ncols))
    ax = axes_or_new(ax, figsize=(1.3 * ncols, 1.3 * nrows + 0.6))
    mosaic = np.full((9 * nrows + 1, 9 * ncols + 1), np.nan)          # 1-pixel white gaps between tiles
    for k in range(n):
        r, c = divmod(k, ncols)
        tile = W1[k].reshape(8, 8)
        mosaic[1 + 9 * r:9 + 9 * r, 1 + 9 * c:9 + 9 * c] = tile / max(np.abs(tile).max(), 1e-300)
    cmap = plt.get_cmap("PuOr_r").copy()
    cmap.set_bad("white")
    ax.imshow(mosaic, cmap=cmap, vmin=-1, vmax=1)
    ax.set(xticks=[], yticks=[], title=title)
    ax.set_xlabel(f"hidden neurons 1–{n}, left to right and top to bottom")
    ax.grid(False)
    return ax


# ---- vanishing signals, forward and backward ----------------------------------------------
N_PROBE = 500                                  # training digits every per-layer statistic of §7 is measured on
INIT_SCHEMES = {                               # name → std of W^m's entries, from (n_in, n_out)
    "zeros": lambda n_in, n_out: 0.0,
    "too small": lambda n_in, n_out: 0.01,
    "Xavier": lambda n_in, n_out: np.sqrt(2.0 / (n_in + n_out)),
    "He": lambda n_in, n_out: np.sqrt(2.0 / n_in),
    "too large": lambda n_in, n_out: 1.0,
}


def scale_weights(net, init_std, seed=0):
    """W^m = s · (standard-normal draws from ``seed``), b^m = 0, for m = 1 … L, in place; s is the number
    ``init_std`` or, for a scheme name of INIT_SCHEMES, that scheme's std for (n_{m-1}, n_m).  Every
    scale multiplies the SAME draws, so two choices differ only in the size of the weights."""
    if isinstance(init_std, str) and init_std not in INIT_SCHEMES:
        raise ValueError(f"scheme must be one of {list(INIT_SCHEMES)}; got {init_std!r}")
    rng = np.random.default_rng(seed)
    for m in range(1, net.L + 1):
        n_out, n_in = net.W[m].shape
        s = INIT_SCHEMES[init_std](n_in, n_out) if isinstance(init_std, str) else float(init_std)
        net.W[m] = s * rng.standard_normal((n_out, n_in))
        net.b[m] = np.zeros((n_out, 1))
    return net


def deep_net(activation, depth=6, width=32, seed=0, init_std=None):
    """64 → ``depth`` hidden layers of ``width`` (``activation``) → 10 (softmax), cross-entropy cost.
    init_std: a scheme name of INIT_SCHEMES ("He", "too small", …) or a number s (every W^m from N(0, s²));
    None: the default rule, He for ReLU and Xavier otherwise, on every layer.  All from the same draws."""
    if init_std is None:
        init_std = "He" if activation in ("relu", "leaky_relu") else "Xavier"
    net = Network([64] + [width] * depth + [10], activation=activation, output="softmax",
                  loss="cross_entropy", seed=seed)
    return scale_weights(net, init_std, seed)


def delta_sizes(net, X, Y, grads=None):
    """The typical size of δ^m in each layer m = 1 … L: the root-mean-square entry of B·δ^m.

    The factor B undoes the batch average inside ∂J/∂a, so this is one neuron's error on one example.
    ``grads``: net's gradients on (X, Y) if already computed."""
    grads = net.gradients(X, Y) if grads is None else grads
    B = X.shape[1]
    return np.array([float(np.sqrt(np.mean((B * d) ** 2))) for d in grads.delta])


def spreads(net, X, cache=None):
    """How much a^m differs from example to example, layer m = 1 … L: each neuron's std across the
    columns of X, averaged over the neurons.  Near 0: every example looks the same to that layer.
    ``cache``: net.forward(X) if already computed."""
    cache = net.forward(X) if cache is None else cache
    return np.array([float(cache.a[m].std(axis=1).mean()) for m in range(1, net.L + 1)])


@lru_cache(maxsize=None)
def train_recording_deltas(activation, depth=6, epochs=15, lr=0.3, batch_size=64, n_probe=N_PROBE, seed=0,
                           init_std=None):
    """Train deep_net(activation, depth) with plain SGD; (History, sizes), sizes[k] = delta_sizes after
    k epochs on the first ``n_probe`` training examples (row 0: before training)."""
    X, X_test, Y, Y_test, _ = digits()
    Xp, Yp = X[:, :n_probe], Y[:, :n_probe]
    net = deep_net(activation, depth, seed=seed, init_std=init_std)
    sizes = [delta_sizes(net, Xp, Yp)]

    def record(epoch, history):
        sizes.append(delta_sizes(net, Xp, Yp))

    history = train(net, X, Y, optimizers.SGD(lr), epochs, batch_size=batch_size, X_test=X_test,
                    Y_test=Y_test, seed=seed, callback=record)
    return history, np.array(sizes)


def plot_delta_sizes(sizes, ax=None, label="", color=None, **line_kw):
    """δ size per layer m = 1 … L on a log scale (the output layer on the right)."""
    ax = axes_or_new(ax)
    line_kw = {"marker": "o", "linestyle": "-", **line_kw}
    ax.semilogy(np.arange(1, len(sizes) + 1), sizes, color=color, label=label, **line_kw)
    ax.set(xlabel=r"layer $m$ (input side → output side)", ylabel=r"size of $\delta^m$ (rms of $B\,\delta^m$)",
           title=r"How big the error $\delta^m$ is in each layer")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    return ax


def plot_first_to_last(sizes_by_epoch, ax=None, label="", color=None):
    """size(δ^1) / size(δ^L) from epoch 0 (before training): how much of the output error reaches layer 1."""
    ax = axes_or_new(ax)
    ratio = sizes_by_epoch[:, 0] / sizes_by_epoch[:, -1]
    ax.semilogy(np.arange(len(ratio)), ratio, "o-", color=color, label=label, markersize=4)
    ax.set(xlabel="epoch", ylabel=r"size($\delta^1$) / size($\delta^L$)", title="Error reaching layer 1, during training")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    return ax
