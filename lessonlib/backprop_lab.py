"""Lesson 02 (notebooks/02_backpropagation.ipynb): backpropagation's experiments and figures.

Notation (shape_table, notation_table), the graph of §4 (plot_neuron_graph, from backprop_graph), gradient
checking (one_weight, one_sided_errors, plot_step_errors, plot_shifted, backward_without_f_prime,
count_forward_passes, from gradcheck_lab), your backward training the digits network (OwnBackward,
with_backward), and section 8's digits (digits, split_validation, lr_grid, edge_runs, plot_costs,
confusion_matrix).  Vanishing signals (§7) live in lessonlib.initialization.  The lesson's loops (the
backward pass, the difference quotients, the descent step, the training loop) are written in the
notebook's cells, not here.  Plot helpers take ``ax=None`` and return the Axes; they never train.
"""
from functools import lru_cache

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator

from . import data, optimizers, text
from .backprop_graph import (neuron_graph, plot_neuron_graph, show_worked_backward,  # noqa: F401  (reached here)
                             worked_backward)
from .gradcheck_lab import (backward_without_f_prime, count_forward_passes, one_sided_errors,  # noqa: F401
                            one_weight, plot_shifted, plot_step_errors)
from .network import Gradients, Network
from .plots import MIN_TEXT_PT, SET_COLORS, axes_or_new
from .batched import train_many
from .training import evaluate, train  # noqa: F401  (train: reachable here, so Exercise 5 switches it off here too)

# where each name the notebook's cells share is made (sections.explain_missing: run that section first)
SECTIONS = {
    "§3 A worked example": ("make_tiny", "tiny", "x", "y", "B", "W1", "b1", "W2", "b2", "z1", "a1", "z2", "a2",
                            "hand", "grads"),
    "Exercise 1 (§4)": ("backward", "backprop"),
    "Exercise 2 (§5)": ("best_step", "find_step", "steps", "J_of", "w0", "exact", "best", "discrepancies"),
    "§5 Your backward, checked by measured slopes": ("net", "X5", "Y5", "yours", "g", "cost"),
    "Exercise 3 (§5, optional)": ("numerical_gradient", "numgrad"),
    "§6 Why the cost goes down": ("descent_step", "squared_norm"),
    "Exercise 4 (§8)": ("delta_softmax_ce", "delta_out"),
    "§8 Training on the digits": ("X_fit", "X_val", "Y_fit", "Y_val", "mine", "ours", "runs", "history", "start"),
    "Exercise 5 (§8, optional)": ("train_sgd", "train_loop"),
}
NAMES_BY_SECTION = {name: section for section, names in SECTIONS.items() for name in names}


# ---- the worked example of §3 --------------------------------------------------------------
W1, B1, W2, B2 = [[0.5, -0.3], [0.2, 0.8]], [[0.1], [-0.2]], [[1.0, -1.5]], [[0.3]]
X_TINY, Y_TINY = [[1.0], [0.5]], [[0.7]]                    # one example and its target


def worked_example():
    """(net, x, y): the 2–2–1 sigmoid network of §3 with its hand-set weights, and its one example (B = 1)."""
    net = Network([2, 2, 1], activation="sigmoid", loss="mse", seed=0)
    net.W[1], net.b[1] = np.array(W1), np.array(B1)
    net.W[2], net.b[2] = np.array(W2), np.array(B2)
    return net, np.array(X_TINY), np.array(Y_TINY)


# ---- notation ----------------------------------------------------------------------------
def shape_table(net, X, Y):
    """The symbols of the backward pass, their code and their shapes (read off one forward and backward pass
    of ``net`` on (X, Y), layers m = 1 … L in order): a short table that shows each gradient shaped like its
    parameter.  Raises if a gradient's shape is not its parameter's (it never is, for a lessonlib Network)."""
    cache = net.forward(X)
    grads = net.backward(cache, Y)
    layers = range(1, net.L + 1)

    def shapes(*arrays_by_layer):
        per_layer = []
        for m in layers:
            found = {tuple(arrays[m].shape) for arrays in arrays_by_layer}
            if len(found) != 1:
                raise ValueError(f"layer {m}: these arrays should share a shape; got {sorted(found)}")
            per_layer.append(str(found.pop()))
        return ", ".join(per_layer)

    rows = [("a^0 = x", "cache.a[0]", str(tuple(cache.a[0].shape))),
            ("W^m, ∂J/∂W^m", "net.W[m], grads.dW[m]", shapes(net.W, grads.dW)),
            ("b^m, ∂J/∂b^m", "net.b[m], grads.db[m]", shapes(net.b, grads.db)),
            ("z^m, a^m, δ^m", "cache.z[m], cache.a[m], grads.delta[m]", shapes(cache.z, cache.a, grads.delta)),
            ("f, f'", "net.f_of[m].f, net.f_of[m].f_prime", "those of z^m")]
    return text.table(rows, ("symbol", "code", f"shape, m = {', '.join(map(str, layers))}"))


def named_params(net, grads):
    """[(name, parameter array, its gradient)] for W^1, b^1, …, W^L, b^L of ``net`` and ``grads`` (anything with
    layer-numbered ``dW`` and ``db``, like net.gradients(X, Y))."""
    return [(f"{kind}^{m}", param, grad) for m in range(1, net.L + 1)
            for kind, param, grad in (("W", net.W[m], grads.dW[m]), ("b", net.b[m], grads.db[m]))]


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
    rows += [("f, f'", "layer m's activation, derivative", "net.f_of[m].f, .f_prime", "shape of z^m"),
             ("J", "cost, averaged over the batch", "net.cost(X, Y)", "a number")]
    for m in range(L, 0, -1):
        rows += [(f"δ^{m}", f"error ∂J/∂z^{m}", f"grads.delta[{m}]", shape(grads.delta[m])),
                 (f"∂J/∂W^{m}", f"gradient for W^{m}", f"grads.dW[{m}]", shape(grads.dW[m])),
                 (f"∂J/∂b^{m}", f"gradient for b^{m}", f"grads.db[{m}]", shape(grads.db[m]))]
    n_params = sum(p.size for p in net.params)
    rows += [("θ", "all the parameters", "net.params", f"{len(net.params)} arrays, {n_params} numbers"),
             ("α", "learning rate", "lr", "a number")]
    return text.table(rows, ("symbol", "meaning", "code", "shape"))


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
        ax.text(x, y, format(v, fmt), ha="center", va="center", fontsize=MIN_TEXT_PT,
                color="white" if abs(v) > 0.6 * lim else "black")

    for r in range(n_out):
        write(-0.9, r + 0.5, delta[r, 0], "+.2f")
        for c in range(n_in):
            write(c + 0.5, r + 0.5, D[r, c], "+.2f")
    for c in range(n_in):
        write(c + 0.5, -0.9, a_prev[c, 0], ".2f")
    ax.text(-0.9, -0.9, "×", ha="center", va="center", fontsize=MIN_TEXT_PT + 6)
    ax.set(xlim=(-1.5, n_in), ylim=(n_out, -1.5), xticks=[], yticks=[],
           title=(rf"$\delta^m (a^{{m-1}})^T$: a {n_out}×1 column times a 1×{n_in} row"
                  rf" = a {n_out}×{n_in} grid, the shape of $W^m$"))
    ax.set_xlabel(r"top row: $(a^{m-1})^T$, input $c$;   cell $(r, c)$: $\delta_r\, a_c$")
    ax.set_ylabel(r"left column: $\delta^m$, neuron $r$")
    ax.grid(False)
    for side in ax.spines.values():
        side.set_visible(False)
    return ax


# ---- the digits --------------------------------------------------------------------------
VALIDATION_SHARE, SPLIT_SEED = 0.2, 1
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


def split_validation(X, Y):
    """(X_fit, X_val, Y_fit, Y_val): the training set split once more, stratified, VALIDATION_SHARE of each
    digit held out as the validation set (to watch during training and to choose settings by; the test set
    is for the finished network only)."""
    return data.train_test_split(X, Y, test_size=VALIDATION_SHARE, seed=SPLIT_SEED)


@lru_cache(maxsize=None)
def digits_split():
    """(X_fit, X_val, Y_fit, Y_val) of ``digits()``'s training set (cached)."""
    X, _, Y, _, _ = digits()
    return split_validation(X, Y)


def digits_net(hidden=64, activation="relu", seed=0):
    """64 → hidden (``activation``) → 10 (softmax), cross-entropy cost."""
    return Network([64, int(hidden), 10], activation=activation, output="softmax", loss="cross_entropy", seed=seed)


class OwnBackward(Network):
    """A Network whose backward pass is yours: ``backward(net, cache, Y, delta_L)`` gives (dW, db), with
    δ^L = ``delta_L(z^L, Y)`` (e.g. your δ^L for softmax + cross-entropy), or None to let your backward
    compute it.  ``net.backward``, ``net.gradients`` and ``lessonlib.train`` then all run your code.
    (No L2 term: keep ``l2 = 0``.)"""

    def __init__(self, sizes, backward, delta_L=None, **network_kw):
        super().__init__(sizes, **network_kw)
        if not callable(backward) or (delta_L is not None and not callable(delta_L)):
            raise TypeError("backward (and delta_L, if given) must be functions, e.g. your backward")
        self.own_backward, self.own_delta_L = backward, delta_L

    def _backward(self, cache, Y):
        start = None if self.own_delta_L is None else self.own_delta_L(cache.z[self.L], Y)
        dW, db = self.own_backward(self, cache, Y, delta_L=start)
        dW, db = (list(g)[1:] if len(g) == self.L + 1 else list(g) for g in (dW, db))   # dW[m] = ∂J/∂W^m
        return Gradients(dW, db, [None] * self.L)


def with_backward(net, backward, delta_L=None):
    """A copy of ``net`` (same sizes, functions and parameters) whose backward pass is ``backward``: an
    OwnBackward network, so its .backward, .gradients and lessonlib.train all run your code."""
    if net.l2:
        raise ValueError(f"with_backward needs net.l2 = 0 (your backward has no L2 term); got {net.l2}")
    own = OwnBackward(net.sizes, backward, delta_L, activation=net.f.name, output=net.f_out.name,
                      loss=net.loss.name, seed=0)
    own.weights, own.biases = [W.copy() for W in net.weights], [b.copy() for b in net.biases]
    return own


def before_training(net, X, Y, X_val, Y_val):
    """{"train_cost", "val_cost", "train_accuracy", "val_accuracy"} of ``net`` as it is: epoch 0 of a History
    trained with X_val, Y_val."""
    (J, acc), (J_val, acc_val) = evaluate(net, X, Y), evaluate(net, X_val, Y_val)
    return {"train_cost": J, "val_cost": J_val, "train_accuracy": acc, "val_accuracy": acc_val}


def history_curve(history, start, key):
    """Epochs 0..E and the values of ``key`` (e.g. "train_cost"), epoch 0 from ``start`` (before_training)."""
    values = [start[key]] + list(getattr(history, key))
    return np.arange(len(values)), np.asarray(values, dtype=float)


def plot_costs(history, start, ax=None):
    """Train and validation cost per epoch (History's train_cost, val_cost), log scale, from epoch 0
    (``start``, see before_training)."""
    ax = axes_or_new(ax, figsize=(9, 3.7))
    for part, name, style in (("train", "train", "o-"), ("val", "validation", "s--")):
        ax.plot(*history_curve(history, start, f"{part}_cost"), style, color=SET_COLORS[name], markersize=4,
                label=name)
    ax.set(yscale="log", xlabel="epoch", ylabel="cost J", title="Cost per epoch, train and validation")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(loc="upper right")
    return ax


LR_EXPONENTS = tuple(np.round(np.arange(-3.0, 0.75 + 1e-9, 0.25), 2))     # α = 0.001 … 5.62
HIDDEN_SIZES = (8, 32, 128)


def lr_grid(epochs=10, batch_size=128, seed=0):
    """{(exponent, hidden): History} for plain SGD with α = 10^exponent on LR_EXPONENTS and n_1 in
    HIDDEN_SIZES, each a fresh digits_net trained ``epochs`` epochs on digits_split()'s training part and
    watched on its validation part (the History's "val" entries), plus {hidden: before_training}
    (cached: the dashboard's slider is a lookup)."""
    return _lr_grid(int(epochs), int(batch_size), int(seed))


@lru_cache(maxsize=None)
def _lr_grid(epochs, batch_size, seed):
    X, X_val, Y, Y_val = digits_split()
    runs = {}
    for h in HIDDEN_SIZES:                          # one batch of networks per size (train_many: = train's runs)
        histories = train_many([digits_net(h, seed=seed) for _ in LR_EXPONENTS], X, Y,
                               [optimizers.SGD(10.0 ** e) for e in LR_EXPONENTS], epochs, batch_size=batch_size,
                               X_val=X_val, Y_val=Y_val, seed=seed)
        runs.update({(e, h): history for e, history in zip(LR_EXPONENTS, histories)})
    starts = {h: before_training(digits_net(h, seed=seed), X, Y, X_val, Y_val) for h in HIDDEN_SIZES}
    return runs, starts


def edge_runs(exponents=(0.25, 0.5, 0.75), seeds=(0, 1, 2), epochs=10, batch_size=128):
    """{(exponent, hidden): [History per seed]}: the top of lr_grid's α range, trained from each seed
    (network and shuffles), to tell a limit that depends on n_1 from one that depends on the draw.
    Seed 0's runs are lr_grid's own (the same runs, not trained twice); the others, one batch per size.
    Like lr_grid, on digits_split(): the "val" entries are the validation part's."""
    X, X_val, Y, Y_val = digits_split()
    grid = _lr_grid(int(epochs), int(batch_size), 0)[0]
    runs = {}
    for h in HIDDEN_SIZES:
        todo = [(e, s) for e in exponents for s in seeds if not (s == 0 and (e, h) in grid)]
        histories = train_many([digits_net(h, seed=s) for _, s in todo], X, Y,
                               [optimizers.SGD(10.0 ** e) for e, _ in todo], epochs, batch_size=batch_size,
                               X_val=X_val, Y_val=Y_val, seed=[s for _, s in todo]) if todo else []
        runs.update(dict(zip(((e, h, s) for e, s in todo), histories)))
    return {(e, h): [grid[e, h] if (e, h, s) not in runs else runs[e, h, s] for s in seeds]
            for h in HIDDEN_SIZES for e in exponents}


def confusion_matrix(net, X, Y):
    """C[r, c] = how many examples of class r the network calls c (rows: true digit, columns: predicted)."""
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
                ax.text(j, i, str(C[i, j]), ha="center", va="center", fontsize=MIN_TEXT_PT,
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
