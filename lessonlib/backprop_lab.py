"""Lesson 02 (notebooks/02_backpropagation.ipynb): backpropagation, derived, checked and used.

    notation_table, forward_source      the notation the notebook keeps to, and the code it maps to
    source_of                            any lessonlib function's source, to print beside its equations
    show                                 a matrix printed with a fixed number of decimals
    backward_without_f_prime             a deliberately broken backward for the gradient check to catch
    delta_sizes, train_recording_deltas  the size of δ^m per layer, before and during training
    standardize, train_digits, lr_grid   the digits network of section 8 (cached)
    plot_history                         its cost and accuracy per epoch, with the 97 % target
    confusion_matrix, misclassified      what the trained network gets wrong
    DASHBOARDS                           α × hidden size on the digits; δ per layer against depth
    check_backward_2layer, check_delta_softmax   the exercises' checks

Plot helpers take ``ax=None`` and return the Axes; they never train.  Left out: the optimizers
beyond plain and momentum SGD (notebook 03), regularization and overfitting (notebook 04).
"""
import inspect
import textwrap
from functools import lru_cache

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator

from . import data, optimizers
from .activations import sigmoid, sigmoid_prime, softmax
from .dashboards.machinery import Dashboard, dropdown, int_slider, log_slider, new_figure
from .network import Gradients, Network
from .plots import COLORS, TEST_COLOR, TRAIN_COLOR, axes_or_new
from .training import train

from threadpoolctl import threadpool_limits   # small matrices: one BLAS thread is fastest and steadiest

SIGMOID_COLOR, RELU_COLOR, TANH_COLOR = COLORS[1], COLORS[0], COLORS[2]
ACTIVATION_COLORS = {"sigmoid": SIGMOID_COLOR, "relu": RELU_COLOR, "tanh": TANH_COLOR}


# ---- notation ----------------------------------------------------------------------------
def notation_table(net, X, Y):
    """The notebook's notation as text: symbol → meaning → code name → shape, the shapes read off the
    arrays of one forward and backward pass of ``net`` on the batch (X, Y)."""
    cache = net.forward(X)
    grads = net.backward(cache, Y)
    L, shape = net.L, lambda A: str(tuple(A.shape))  # noqa: E731
    rows = [("L", "number of layers with weights", "net.L", f"{L}"),
            ("B", "number of examples in the batch", "X.shape[1]", f"{X.shape[1]}")]
    for m in range(1, L + 1):
        rows += [(f"W^{m}", f"weights into layer {m}", f"net.weights[{m - 1}]", shape(net.weights[m - 1])),
                 (f"b^{m}", f"biases of layer {m}", f"net.biases[{m - 1}]", shape(net.biases[m - 1]))]
    rows.append(("a^0 = x", "the input batch", "cache.a[0]", shape(cache.a[0])))
    for m in range(1, L + 1):
        rows += [(f"z^{m}", f"weighted sums of layer {m}", f"cache.z[{m - 1}]", shape(cache.z[m - 1])),
                 (f"a^{m}", f"activations of layer {m}", f"cache.a[{m}]", shape(cache.a[m]))]
    rows += [("f, f'", "activation, its derivative", "net.f.f, net.f.f_prime", "shape of z"),
             ("J", "cost, averaged over the batch", "net.cost(X, Y)", "a number")]
    for m in range(L, 0, -1):
        rows += [(f"δ^{m}", f"error ∂J/∂z^{m}", f"grads.delta[{m - 1}]", shape(grads.delta[m - 1])),
                 (f"∂J/∂W^{m}", f"gradient for W^{m}", f"grads.dW[{m - 1}]", shape(grads.dW[m - 1])),
                 (f"∂J/∂b^{m}", f"gradient for b^{m}", f"grads.db[{m - 1}]", shape(grads.db[m - 1]))]
    n_params = sum(p.size for p in net.params)
    rows += [("θ", "all the parameters", "net.params", f"{len(net.params)} arrays, {n_params} numbers"),
             ("∇J", "the gradient, arranged like θ", "grads.dW, grads.db", "like θ"),
             ("α", "learning rate", "lr", "a number")]
    head = ("symbol", "meaning", "code", "shape")
    widths = [max(len(r[i]) for r in rows + [head]) for i in range(4)]
    line = lambda r: "  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip()  # noqa: E731
    return "\n".join([line(head), line(["-" * w for w in widths])] + [line(r) for r in rows])


def source_of(obj):
    """The source code of a function, dedented, for printing in the notebook."""
    return textwrap.dedent(inspect.getsource(obj)).rstrip()


def forward_source():
    """The source of ``Network._forward``: the two lines of forward propagation, with their equations."""
    return textwrap.dedent(inspect.getsource(Network._forward)).rstrip()


def backward_source():
    """The source of ``Network._backward``: one line per backpropagation equation."""
    return textwrap.dedent(inspect.getsource(Network._backward)).rstrip()


def show(name, A, digits=4):
    """Print a vector or matrix with ``digits`` decimals, one row per line (stable across machines)."""
    A = np.atleast_2d(np.asarray(A, dtype=np.float64))
    cells = [[f"{v + 0.0:.{digits}f}" for v in row] for row in A]
    width = max(len(c) for row in cells for c in row)
    rows = ["[" + "  ".join(c.rjust(width) for c in row) + "]" for row in cells]
    pad = " " * (len(name) + 3)
    print(f"{name} = " + ("\n" + pad).join(rows))


# ---- gradient checking: a broken backward ------------------------------------------------
def backward_without_f_prime(net, X, Y):
    """Backprop with a classic bug: δ^m = (W^{m+1})^T δ^{m+1}, the factor f'(z^m) forgotten in hidden layers."""
    cache = net.forward(X)
    right = net.backward(cache, Y)                  # δ^L and everything in layer L are still right
    L, W, a = net.L, net.weights, cache.a
    delta, dW, db = list(right.delta), list(right.dW), list(right.db)
    for m in range(L - 1, 0, -1):                   # layers L−1 … 1 (list index m − 1)
        delta[m - 1] = W[m].T @ delta[m]            # BUG: should be f'(z^m) ⊙ (W^{m+1})^T δ^{m+1}
        dW[m - 1] = delta[m - 1] @ a[m - 1].T + (2 * net.l2 * W[m - 1] if net.l2 else 0.0)
        db[m - 1] = delta[m - 1].sum(axis=1, keepdims=True)
    return Gradients(dW, db, delta)


def descent_step(net, grads, lr):
    """One gradient-descent update in place: W^m ← W^m − α ∂J/∂W^m, b^m ← b^m − α ∂J/∂b^m."""
    for W, b, dW, db in zip(net.weights, net.biases, grads.dW, grads.db):
        W -= lr * dW
        b -= lr * db


def outer_product_demo():
    """A small δ (3 neurons) and a^{m-1} (4 inputs) for the picture of ∂J/∂W^m = δ^m (a^{m-1})^T."""
    delta = np.array([[0.5], [-0.25], [1.0]])
    a_prev = np.array([[1.0], [0.0], [0.5], [0.8]])
    return delta, a_prev


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


def train_digits(net, lr=0.05, momentum=0.9, epochs=20, batch_size=32, seed=0, callback=None):
    """Train ``net`` in place on the standardized digits with SGD(lr, momentum); returns the History."""
    X, X_test, Y, Y_test, _ = digits()
    with threadpool_limits(1):
        return train(net, X, Y, optimizers.SGD(lr, momentum=momentum), epochs, batch_size=batch_size,
                     X_test=X_test, Y_test=Y_test, seed=seed, callback=callback)


def plot_history(history, target=0.97, axes=None):
    """Cost (log scale) and accuracy per epoch, train and test, with a dotted line at the ``target`` accuracy."""
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(13, 4.5))
    ax_cost, ax_acc = axes
    epochs = np.arange(1, history.epochs + 1)
    for ax, key, name in ((ax_cost, "cost", "cost J"), (ax_acc, "accuracy", "accuracy")):
        ax.plot(epochs, getattr(history, f"train_{key}"), "o-", color=TRAIN_COLOR, markersize=4, label="train")
        ax.plot(epochs, getattr(history, f"test_{key}"), "s--", color=TEST_COLOR, markersize=4, label="test")
        ax.set(xlabel="epoch", ylabel=name, title=f"{name.split()[0].capitalize()} per epoch")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax_cost.set_yscale("log")
    lo = min(min(history.test_accuracy), target)
    ax_acc.axhline(target, color=COLORS[7], linewidth=1.2, linestyle=":", label=f"{target:.0%}")
    ax_acc.set_ylim(max(0.0, lo - 0.02), 1.005)
    ax_cost.legend(loc="upper right")
    ax_acc.legend(loc="lower right")
    return axes


LR_EXPONENTS = tuple(np.round(np.arange(-3.0, 0.5 + 1e-9, 0.25), 2))
HIDDEN_SIZES = (8, 32, 128)


def lr_grid(epochs=10, batch_size=128, seed=0):
    """{(exponent, hidden): History} for α = 10^exponent on LR_EXPONENTS and n_1 in HIDDEN_SIZES,
    each a fresh digits_net trained ``epochs`` epochs (cached: the dashboard's slider is a lookup)."""
    return _lr_grid(int(epochs), int(batch_size), int(seed))


@lru_cache(maxsize=None)
def _lr_grid(epochs, batch_size, seed):
    return {(e, h): train_digits(digits_net(h, seed=seed), 10.0 ** e, epochs=epochs, batch_size=batch_size, seed=seed)
            for h in HIDDEN_SIZES for e in LR_EXPONENTS}


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


def plot_misclassified(X_pixels, indices, predicted, true, ncols=8, axes=None):
    """The wrongly classified digits (columns of X_pixels), titled 'said p / is t'."""
    n = len(indices)
    nrows = max(1, int(np.ceil(n / ncols)))
    if axes is None:
        fig, axes = plt.subplots(nrows, ncols, figsize=(1.5 * ncols, 1.75 * nrows + 0.5), squeeze=False)
        fig.suptitle("Test digits the network gets wrong (said / is)")
    for k, ax in enumerate(np.ravel(axes)):
        ax.axis("off")
        if k < n:
            ax.imshow(X_pixels[:, indices[k]].reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
            ax.set_title(f"said {predicted[k]} / is {true[k]}", fontsize=11)
    return axes


def plot_first_layer(W1, n=32, ncols=8, ax=None,
                     title="Rows of W¹ as 8×8 images (orange: positive weight, purple: negative)"):
    """The first ``n`` rows of W^1 (or of a change in W^1) as 8×8 tiles in one image, each tile scaled
    to its own largest |weight|: the pattern of pixels each hidden neuron weighs."""
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


# ---- vanishing gradients -------------------------------------------------------------------
def delta_sizes(net, X, Y):
    """The typical size of δ^m in each layer m = 1 … L: the root-mean-square entry of B·δ^m.

    The factor B undoes the batch average inside ∂J/∂a, so this is one neuron's error on one example."""
    grads = net.gradients(X, Y)
    B = X.shape[1]
    return np.array([float(np.sqrt(np.mean((B * d) ** 2))) for d in grads.delta])


def deep_net(activation, depth=6, width=32, seed=0):
    """64 → ``depth`` hidden layers of ``width`` (``activation``) → 10 (softmax), cross-entropy cost."""
    return Network([64] + [width] * depth + [10], activation=activation, output="softmax",
                   loss="cross_entropy", seed=seed)


@lru_cache(maxsize=None)
def train_recording_deltas(activation, depth=6, epochs=15, lr=0.05, batch_size=64, n_probe=200, seed=0):
    """Train deep_net(activation, depth) on the digits; (History, sizes) with sizes[k] = delta_sizes after
    k epochs on the first ``n_probe`` training examples (row 0: before training)."""
    X, _, Y, _, _ = digits()
    Xp, Yp = X[:, :n_probe], Y[:, :n_probe]
    net = deep_net(activation, depth, seed=seed)
    sizes = [delta_sizes(net, Xp, Yp)]

    def record(epoch, history):
        sizes.append(delta_sizes(net, Xp, Yp))

    history = train_digits(net, lr=lr, epochs=epochs, batch_size=batch_size, seed=seed, callback=record)
    return history, np.array(sizes)


def plot_delta_sizes(sizes, ax=None, label="", color=None, **line_kw):
    """δ size per layer m = 1 … L on a log scale (the output layer on the right)."""
    ax = axes_or_new(ax)
    line_kw = {"marker": "o", "linestyle": "-", **line_kw}
    ax.semilogy(np.arange(1, len(sizes) + 1), sizes, color=color, label=label, **line_kw)
    ax.set(xlabel=r"layer $m$ (input side → output side)", ylabel=r"size of $\delta^m$ (rms of $B\,\delta^m$)",
           title=r"How big the error $\delta^m$ is in each layer")
    return ax


def plot_first_to_last(sizes_by_epoch, ax=None, label="", color=None):
    """size(δ^1) / size(δ^L) after each epoch: how much of the output error reaches the first layer."""
    ax = axes_or_new(ax)
    ratio = sizes_by_epoch[:, 0] / sizes_by_epoch[:, -1]
    ax.semilogy(np.arange(len(ratio)), ratio, "o-", color=color, label=label, markersize=4)
    ax.set(xlabel="epoch", ylabel=r"size($\delta^1$) / size($\delta^L$)", title="Error reaching layer 1, during training")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    return ax


# ---- dashboards ----------------------------------------------------------------------------
def learning_rate_dashboard(lr=0.1, hidden=32, epochs=10, batch_size=128, seed=0):
    """Sliders for α and the hidden size n_1; the digits' cost and accuracy curves for that pair (precomputed)."""
    grid = lr_grid(epochs=epochs, batch_size=batch_size, seed=seed)
    step = LR_EXPONENTS[1] - LR_EXPONENTS[0]
    fig, (ax_cost, ax_acc) = new_figure(figsize=(11, 4.2), ncols=2)
    epochs_axis = np.arange(1, epochs + 1)
    ax_cost.set(xlim=(0.5, epochs + 0.5), ylim=(1e-4, 3e3), yscale="log", xlabel="epoch", ylabel="cost J",
                title="Cost per epoch")
    ax_acc.set(xlim=(0.5, epochs + 0.5), ylim=(0.0, 1.02), xlabel="epoch", ylabel="accuracy",
               title="Accuracy per epoch")
    ax_acc.axhline(0.97, color=COLORS[7], linewidth=1.2, linestyle=":", label="97%")
    lines = {}
    for ax, key in ((ax_cost, "cost"), (ax_acc, "accuracy")):
        lines[key, "train"], = ax.plot([], [], "o-", color=TRAIN_COLOR, markersize=4, animated=True, label="train")
        lines[key, "test"], = ax.plot([], [], "s--", color=TEST_COLOR, markersize=4, animated=True, label="test")
        ax.legend(loc="upper right" if key == "cost" else "lower right")
    readout = ax_acc.text(0.03, 0.05, "", transform=ax_acc.transAxes, fontsize=13, animated=True)

    def largest_stable(h):
        ok = [e for e in LR_EXPONENTS if not grid[e, h].diverged]
        return 10.0 ** max(ok) if ok else None

    def update(lr, hidden):
        e = LR_EXPONENTS[int(np.clip(round((np.log10(lr) - LR_EXPONENTS[0]) / step), 0, len(LR_EXPONENTS) - 1))]
        history = grid[e, hidden]
        k = history.epochs
        clean = lambda v: np.clip(np.nan_to_num(np.asarray(v, dtype=float), nan=1e3, posinf=1e3), 1e-6, 1e3)  # noqa: E731
        lines["cost", "train"].set_data(epochs_axis[:k], clean(history.train_cost))
        lines["cost", "test"].set_data(epochs_axis[:k], clean(history.test_cost))
        lines["accuracy", "train"].set_data(epochs_axis[:k], history.train_accuracy)
        lines["accuracy", "test"].set_data(epochs_axis[:k], history.test_accuracy)
        readout.set_text(rf"$\alpha$ = {10.0 ** e:.3g}, $n_1$ = {hidden}: test accuracy {history.test_accuracy[-1]:.1%}")
        if history.diverged:
            return (f"α = {10.0 ** e:.3g} diverged at epoch {k}: the cost blew up. "
                    f"With n_1 = {hidden}, try α at most {largest_stable(hidden):.3g}.")
        return None

    controls = {"lr": log_slider("learning rate α", lr, LR_EXPONENTS[0], LR_EXPONENTS[-1], step=step),
                "hidden": dropdown("hidden units n_1", list(HIDDEN_SIZES), hidden)}
    return Dashboard(controls, update, fig,
                     title=f"Digits, 64 → n_1 (ReLU) → 10 (softmax): SGD with momentum 0.9, B = {batch_size}")


def vanishing_dashboard(depth=6, activation="sigmoid", width=32, n_probe=200, seed=0):
    """A slider for the number of hidden layers and a choice of f: the size of δ^m per layer at initialisation."""
    X, _, Y, _, _ = digits()
    Xp, Yp = X[:, :n_probe], Y[:, :n_probe]
    max_depth = 12
    fig, ax = new_figure(figsize=(11, 4.2))
    ax.set(xlim=(0.5, max_depth + 1.5), ylim=(1e-9, 1e1), yscale="log", xticks=range(1, max_depth + 2),
           xlabel=r"layer $m$ (input side → output side)", ylabel=r"size of $\delta^m$ (rms of $B\,\delta^m$)",
           title=r"The error $\delta^m$ in each layer of a fresh network")
    line, = ax.plot([], [], "o-", color=SIGMOID_COLOR, animated=True, markersize=7)
    readout = ax.text(0.02, 0.06, "", transform=ax.transAxes, fontsize=13, animated=True)
    sizes_of = lru_cache(maxsize=None)(
        lambda d, f: delta_sizes(deep_net(f, d, width, seed), Xp, Yp))

    def update(depth, activation):
        with threadpool_limits(1):
            sizes = sizes_of(depth, activation)
        line.set_data(np.arange(1, depth + 2), sizes)
        line.set_color(ACTIVATION_COLORS[activation])
        readout.set_text(rf"{activation}, $L$ = {depth + 1}: size($\delta^1$) / size($\delta^L$) = {sizes[0] / sizes[-1]:.1e}")
        return None

    controls = {"depth": int_slider("hidden layers", depth, 1, max_depth),
                "activation": dropdown("hidden f", ["sigmoid", "tanh", "relu"], activation)}
    return Dashboard(controls, update, fig, title=f"Vanishing gradients: 64 → {width} × depth → 10, at initialisation")


DASHBOARDS = {"learning_rate": learning_rate_dashboard, "vanishing": vanishing_dashboard}


# ---- exercise 1: the backward pass of a 2-layer network -------------------------------------
def _backward_2layer(W1, b1, W2, b2, X, Y, lam, mistake=None):
    """Reference backward of J = 1/(2B) Σ||a² − y||² + λ(||W¹||² + ||W²||²), sigmoid layers, with a catalogued mistake."""
    B = X.shape[1]
    z1 = W1 @ X + b1
    a1 = sigmoid(z1)
    z2 = W2 @ a1 + b2
    a2 = sigmoid(z2)
    dJ_da = {"no_1_over_B": a2 - Y, "sign": (Y - a2) / B}.get(mistake, (a2 - Y) / B)
    fp = (lambda z: sigmoid_prime(sigmoid(z))) if mistake == "f_prime_of_a" else sigmoid_prime
    delta2 = dJ_da if mistake == "no_f_prime_L" else fp(z2) * dJ_da
    back = W2 @ delta2 if mistake == "W_not_transposed" else W2.T @ delta2
    delta1 = back if mistake == "no_f_prime_hidden" else fp(z1) * back
    reg = {"no_penalty": 0.0, "penalty_no_2": lam}.get(mistake, 2 * lam)
    dW2, dW1 = delta2 @ a1.T + reg * W2, delta1 @ X.T + reg * W1
    pool = (lambda d: d.mean(axis=1, keepdims=True)) if mistake == "db_mean" else (lambda d: d.sum(axis=1, keepdims=True))
    db2, db1 = pool(delta2), pool(delta1)
    if mistake == "bias_regularised":
        db2, db1 = db2 + 2 * lam * b2, db1 + 2 * lam * b1
    if mistake == "negated":
        return -dW1, -db1, -dW2, -db2
    return dW1, db1, dW2, db2


BACKWARD_MISTAKES = {
    "no_f_prime_L": "δ² is missing the factor f'(z²): δ^L = f'(z^L) ⊙ ∂J/∂a, not ∂J/∂a alone.",
    "no_f_prime_hidden": "δ¹ is missing the factor f'(z¹): δ¹ = f'(z¹) ⊙ (W²)^T δ², element-wise.",
    "f_prime_of_a": "f' is evaluated at a instead of z: use sigmoid_prime(z), not sigmoid_prime(a).",
    "W_not_transposed": "δ¹ uses W² δ² where it needs the transpose (W²)^T δ²: the error travels back "
                        "along the same weights, so rows and columns swap.",
    "no_1_over_B": "every data gradient is B times too big: J is an average over the batch, so ∂J/∂a = (a² − y)/B.",
    "db_mean": "∂J/∂b is B times too small: the 1/B is already inside δ, so sum δ over the batch, don't average it.",
    "sign": "the data gradients have the wrong sign: ∂J/∂a = (a² − y)/B, prediction minus target.",
    "negated": "every gradient has the wrong sign: you return −∂J/∂θ, the step direction, not the gradient.",
    "bias_regularised": "the biases are being regularised: the penalty λ(||W¹||² + ||W²||²) has no b in it, "
                        "so ∂Ĵ/∂b gets no 2λb.",
    "no_penalty": "∂Ĵ/∂W is missing the penalty's gradient 2λW.",
    "penalty_no_2": "the penalty's gradient is λW; the derivative of λ||W||² is 2λW.",
}


def _backward_cases():
    """(description, arguments) of the cases the check runs: non-square and square W², λ > 0 and λ = 0."""
    cases = []
    for seed, (n0, n1, n2, B, lam) in enumerate([(3, 4, 4, 6, 0.05), (3, 4, 2, 5, 0.1), (2, 3, 3, 1, 0.0)]):
        rng = np.random.default_rng(100 + seed)
        args = dict(W1=rng.normal(0, 1, (n1, n0)), b1=rng.normal(0, 0.5, (n1, 1)),
                    W2=rng.normal(0, 1, (n2, n1)), b2=rng.normal(0, 0.5, (n2, 1)),
                    X=rng.normal(0, 1, (n0, B)), Y=rng.random((n2, B)), lam=lam)
        cases.append((f"n_0 = {n0}, n_1 = {n1}, n_2 = {n2}, B = {B}, λ = {lam}", args))
    return cases


def _copy(args):
    return {k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in args.items()}


def _close(a, b):
    return a.shape == b.shape and np.allclose(a, b, rtol=1e-6, atol=1e-10)


def check_backward_2layer(backward_2layer):
    """Exercise 1: ``backward_2layer(W1, b1, W2, b2, X, Y, lam) -> (dW1, db1, dW2, db2)``; prints ✓ or what is off."""
    names = ("∂Ĵ/∂W¹", "∂Ĵ/∂b¹", "∂Ĵ/∂W²", "∂Ĵ/∂b²")
    answers = []
    for description, args in _backward_cases():
        try:
            out = backward_2layer(**_copy(args))
        except NameError as err:
            print(f"✗ {err}: compute every array your function uses and returns (dW1, db1, dW2, db2) "
                  f"inside the function.")
            return False
        except Exception as err:
            for mistake, message in BACKWARD_MISTAKES.items():   # e.g. W² δ² runs only while W² is square
                if answers and all(all(_close(g, w) for g, w in zip(o, _backward_2layer(**a, mistake=mistake)))
                                   for a, o, _ in answers):
                    print(f"✗ {message}")
                    return False
            print(f"✗ your function raised {type(err).__name__}: {err}\n  (case {description}). "
                  f"Check each product's shapes: W² is (n_2, n_1), so (W²)^T δ² is (n_1, B).")
            return False
        if out is None:
            print("✗ your function returned None: end it with  return dW1, db1, dW2, db2.")
            return False
        if not isinstance(out, (tuple, list)) or len(out) != 4:
            print("✗ return four arrays: dW1, db1, dW2, db2 (in that order).")
            return False
        out = [np.asarray(g, dtype=np.float64) for g in out]
        ref = _backward_2layer(**args)
        for name, g, r in zip(names, out, ref):
            if g.shape != r.shape:
                if g.shape == r.shape[::-1] and r.shape[1] != 1:
                    hint = "the outer product is δ (a^{m−1})^T, a column times a row, in that order."
                elif r.shape[1] == 1 and g.ndim == 2 and g.shape[1] == args["X"].shape[1]:
                    hint = "∂J/∂b is δ summed over the batch (axis=1, keepdims=True)."
                elif g.ndim != 2:
                    hint = "keep it 2-D: a column (n, 1) for a bias, use keepdims=True."
                else:
                    hint = "compare with the shape of the parameter it belongs to."
                print(f"✗ {name} has shape {g.shape}; it must match its parameter, {r.shape} "
                      f"(case {description}): {hint}")
                return False
        answers.append((args, out, ref))
    if all(_close(g, r) for _, out, ref in answers for g, r in zip(out, ref)):
        print("✓ all four gradients match backpropagation on 3 networks (square and non-square W², λ = 0 and λ > 0).")
        return True
    for mistake, message in BACKWARD_MISTAKES.items():
        if all(all(_close(g, w) for g, w in zip(out, _backward_2layer(**args, mistake=mistake)))
               for args, out, _ in answers):
            print(f"✗ {message}")
            return False
    wrong = [name for name, k in zip(names, range(4))
             if not all(_close(out[k], ref[k]) for _, out, ref in answers)]
    if "∂J/∂b²" in wrong:
        where = "δ² = f'(z²) ⊙ ∂J/∂a²  (∂Ĵ/∂b² = Σ_batch δ² is already off)"
    elif "∂J/∂W²" in wrong:
        where = "∂Ĵ/∂W² = δ² (a¹)^T + 2λW²  (δ² itself looks right: ∂Ĵ/∂b² matches)"
    elif "∂J/∂b¹" in wrong:
        where = "δ¹ = f'(z¹) ⊙ (W²)^T δ²  (layer 2 is right; ∂Ĵ/∂b¹ = Σ_batch δ¹ is off)"
    else:
        where = "∂Ĵ/∂W¹ = δ¹ (a⁰)^T + 2λW¹  (δ¹ looks right: ∂Ĵ/∂b¹ matches)"
    print(f"✗ {', '.join(wrong)} {'is' if len(wrong) == 1 else 'are'} off. Look first at {where}.")
    return False


# ---- exercise 2: δ^L for softmax + cross-entropy ---------------------------------------------
def _delta_softmax(z, Y, mistake=None):
    B = z.shape[1]
    if mistake == "rows":
        e = np.exp(z - z.max(axis=1, keepdims=True))
        a = e / e.sum(axis=1, keepdims=True)
    else:
        a = softmax(z)
    return {"no_1_over_B": a - Y, "sign": (Y - a) / B, "z_not_a": (z - Y) / B,
            "extra_f_prime": a * (1 - a) * (a - Y) / B, "over_K": (a - Y) / (B * z.shape[0]),
            "sigmoid": (sigmoid(z) - Y) / B}.get(mistake, (a - Y) / B)


SOFTMAX_MISTAKES = {
    "no_1_over_B": "δ^L is B times too big: J averages over the batch, so δ^L = (a^L − y)/B.",
    "sign": "δ^L has the wrong sign: it is (a^L − y)/B, prediction minus target.",
    "z_not_a": "you used z^L where you need a^L = softmax(z^L).",
    "extra_f_prime": "there is an extra factor a ⊙ (1 − a): with softmax and cross-entropy the f'(z^L) "
                     "is already folded into (a^L − y)/B.",
    "over_K": "δ^L is divided by the number of classes too: divide by B only.",
    "sigmoid": "a^L came from a sigmoid; this layer's f is softmax (each column sums to 1).",
    "rows": "the softmax normalises along the wrong axis: each column (one example) must sum to 1 (axis=0).",
}


def check_delta_softmax(delta_softmax):
    """Exercise 2: ``delta_softmax(z, Y) -> δ^L`` for a softmax output and the cross-entropy cost."""
    rng = np.random.default_rng(7)
    cases = [(rng.normal(0, 2, (4, 5)), data.one_hot(rng.integers(0, 4, 5), 4)),
             (rng.normal(0, 2, (3, 3)), data.one_hot(rng.integers(0, 3, 3), 3))]
    big = np.array([[1000.0, -5.0], [990.0, 3.0], [-20.0, 2.0]])
    answers = []
    for z, Y in cases:
        try:
            with np.errstate(all="ignore"):
                d = delta_softmax(z.copy(), Y.copy())
            if d is None:
                print("✗ your function returned None: end it with  return <your δ^L array>.")
                return False
            d = np.asarray(d, dtype=np.float64)
        except NameError as err:
            print(f"✗ {err}: compute every array your function uses inside it (you get only z and Y).")
            return False
        except Exception as err:
            print(f"✗ your function raised {type(err).__name__}: {err} (z of shape {z.shape}).")
            return False
        if d.shape != z.shape:
            print(f"✗ δ^L has shape {d.shape}; it must be shaped like z^L, {z.shape} (one column per example).")
            return False
        answers.append((z, Y, d))
    if not all(_close(d, _delta_softmax(z, Y)) for z, Y, d in answers):
        for mistake, message in SOFTMAX_MISTAKES.items():
            if all(_close(d, _delta_softmax(z, Y, mistake)) for z, Y, d in answers):
                print(f"✗ {message}")
                return False
        print("✗ δ^L is off. It should be (softmax(z^L) − y)/B, computed column by column.")
        return False
    with np.errstate(all="ignore"):
        d = np.asarray(delta_softmax(big.copy(), np.eye(3)[:, :2]), dtype=np.float64)
    if not (d.shape == big.shape and np.all(np.isfinite(d)) and _close(d, _delta_softmax(big, np.eye(3)[:, :2]))):
        print("✗ right on small numbers, but e^z overflows when z^L is large (z = 1000): subtract each "
              "column's max from z before exponentiating; softmax does not change.")
        return False
    print("✓ δ^L = (a^L − y)/B, also for huge z^L.")
    return True
