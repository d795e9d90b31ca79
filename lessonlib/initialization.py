"""Vanishing signals and the starting weights, notebook 02 §7 (its optional part, and the dashboards).

    deep_net, scale_weights, INIT_SCHEMES   64 → width × depth → 10 (softmax), every W^m from the SAME draws
    delta_sizes, spreads                    per layer m = 1 … L: the size of δ^m and the spread of a^m
    train_recording_deltas                  plain SGD, with the δ sizes recorded after every epoch
    layer_statistics, verdict               both per-layer numbers for one scheme, and what they say in words
    symmetry_after_training                 train from equal weights: the units of a layer stay identical

Every per-layer statistic is measured on the same N_PROBE training digits.  Every scheme scales the SAME
standard-normal draws, so two schemes differ only in scale.  Left out: biases other than 0, batch norm,
residual connections, orthogonal init.
"""
from functools import lru_cache

import numpy as np
from matplotlib.ticker import MaxNLocator

from . import optimizers
from .activations import get_activation
from .backprop_lab import digits, digits_split
from .network import Network
from .plots import axes_or_new
from .training import one_blas_thread, train

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
    """Train deep_net(activation, depth) with plain SGD on digits_split()'s training part, watched on its
    validation part (the History's "val" entries: the test digits stay unused); (History, sizes),
    sizes[k] = delta_sizes after k epochs on the first ``n_probe`` training examples (row 0: before training)."""
    X_all, _, Y_all, _, _ = digits()
    Xp, Yp = X_all[:, :n_probe], Y_all[:, :n_probe]          # §7's probe, as the dashboards measure it
    X, X_val, Y, Y_val = digits_split()
    net = deep_net(activation, depth, seed=seed, init_std=init_std)
    sizes = [delta_sizes(net, Xp, Yp)]

    def record(epoch, history):
        sizes.append(delta_sizes(net, Xp, Yp))

    history = train(net, X, Y, optimizers.SGD(lr), epochs, batch_size=batch_size, X_val=X_val,
                    Y_val=Y_val, seed=seed, callback=record)
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


SCHEME_LABELS = {"zeros": "zeros", "too small": "too small: N(0, 0.01²)", "Xavier": "Xavier: N(0, 2/(n_in + n_out))",
                 "He": "He: N(0, 2/n_in)", "too large": "too large: N(0, 1)"}
ACTIVATIONS = ("sigmoid", "tanh", "relu")


SCHEMES = INIT_SCHEMES


def initialize(net, scheme, seed=0):
    """W^m = std_scheme(n_{m-1}, n_m) · (standard-normal draws from ``seed``), b^m = 0, for m = 1 … L."""
    if scheme not in SCHEMES:
        raise ValueError(f"scheme must be one of {list(SCHEMES)}; got {scheme!r}")
    return scale_weights(net, scheme, seed)


class LayerStatistics:
    """spread[m-1]: std of a^m across the examples, averaged over the units of layer m;
    delta[m-1]: rms entry of B·δ^m (one unit's error on one example), for m = 1 … L."""

    def __init__(self, scheme, activation, spread, delta, identical, slope):
        self.scheme, self.activation = scheme, activation
        self.spread, self.delta, self.identical = spread, delta, identical
        self.slope = slope              # mean f'(z^m) over units and examples, hidden layers m = 1 … L−1

    @property
    def L(self):
        return len(self.delta)

    @property
    def delta_ratio(self):
        """size(δ¹) / size(δ^L): how much of the output error reaches layer 1 (0 when none does)."""
        return self.delta[0] / self.delta[-1] if self.delta[-1] > 0 else np.nan

    @property
    def spread_ratio(self):
        """spread(a^{L-1}) / spread(a^1): how much of layer 1's variety reaches the last hidden layer."""
        return self.spread[-2] / self.spread[0] if self.spread[0] > 0 else np.nan

    def table(self):
        rows = [f"{'layer m':>8}{'spread of a^m':>16}{'size of δ^m':>14}"]
        rows += [f"{m:>8}{s:>16.2e}{d:>14.2e}" for m, (s, d) in enumerate(zip(self.spread, self.delta), 1)]
        return "\n".join(rows)

    def __repr__(self):
        return f"LayerStatistics({self.scheme!r}, {self.activation!r}, L={self.L})"


def layer_statistics(scheme, activation, depth=6, width=32, seed=0):
    """Forward and backward once through a fresh deep network, initialized by ``scheme``, on N_PROBE
    standardized training digits: the per-layer spread of a^m and size of δ^m (a LayerStatistics)."""
    return _layer_statistics(scheme, activation, int(depth), int(width), int(seed))


@lru_cache(maxsize=None)
def _layer_statistics(scheme, activation, depth, width, seed):
    X, _, Y, _, _ = digits()
    X, Y = X[:, :N_PROBE], Y[:, :N_PROBE]
    net = deep_net(activation, depth, width, seed, init_std=scheme)
    with one_blas_thread():
        cache = net.forward(X)
        grads = net.backward(cache, Y)
    spread, delta = spreads(net, X, cache), delta_sizes(net, X, Y, grads)
    identical = [bool(np.all(a == a[:1])) for a in list(cache.a)[1:-1]]   # every unit of layer m the same?
    slope = np.array([float(np.mean(net.f.f_prime(z))) for z in list(cache.z)[:-1]])
    return LayerStatistics(scheme, activation, spread, delta, identical, slope)


def init_slope(activation):
    """f'(0), the largest slope of sigmoid (1/4) and tanh (1)."""
    return get_activation(activation).f_prime(np.zeros(1))[0]


def superscript(n):
    """7 → '⁷', 11 → '¹¹' (layer numbers written as in the lesson)."""
    return str(n).translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))


def verdict(stats):
    """What the numbers say, in words: forward (a^m's spread) then backward (δ^m's size)."""
    L, s, sup = stats.L, stats.spread, superscript
    if stats.scheme == "zeros":
        hidden = "exactly 0" if np.all(stats.delta[:-1] == 0) else f"as small as {stats.delta[:-1].min():.1e}"
        same = "computes the same thing" if all(stats.identical) else "starts alike"
        return (f"All-zero weights: every hidden unit of a layer {same} (symmetry), and the hidden δ are {hidden}: "
                f"the first step moves only the output layer, and the units of a layer, updated alike, stay identical.")
    first, last = s[0], s[-2]                          # layer 1 and the last hidden layer L − 1
    if last < 1e-2 * first:
        forward = f"aᵐ's spread across examples collapses from {first:.2g} (layer 1) to {last:.1e} (layer {L - 1})"
    elif last > 1e2 * first:
        forward = f"aᵐ's spread explodes from {first:.2g} (layer 1) to {last:.1e} (layer {L - 1})"
    else:
        forward = f"aᵐ's spread goes from {first:.2g} (layer 1) to {last:.2g} (layer {L - 1})"
    if stats.activation != "relu" and np.mean(stats.slope) < 0.2 * init_slope(stats.activation):
        share = np.mean(stats.slope) / init_slope(stats.activation)
        forward += f", and the units saturate (f'(z) averages {share:.0%} of its peak f'(0))"
    ratio = stats.delta_ratio
    if ratio < 1e-2:
        backward = f"δ¹ is {ratio:.0e} × δ{sup(L)}: the gradient vanishes"
    elif ratio > 1e2:
        backward = f"δ¹ is {ratio:,.0f} times δ{sup(L)}: the gradient explodes"
    else:
        backward = f"δ¹ is {ratio:.2g} × δ{sup(L)}: the error reaches layer 1"
    return f"Forward, {forward}; backward, {backward}."


def symmetry_after_training(scheme="zeros", activation="sigmoid", epochs=100, lr=0.5, depth=2, width=16, seed=0):
    """Full-batch SGD (``lessonlib.train``) from ``scheme``'s weights on digits_split()'s training part, watched
    on its validation part. Returns (history, distinct, largest): for each hidden layer m = 1 … L−1,
    distinct[m] = how many different rows (units) W^m has after training (1: all alike) and largest[m] = its
    largest |entry|."""
    X, X_val, Y, Y_val = digits_split()
    net = deep_net(activation, depth, width, seed, init_std=scheme)
    history = train(net, X, Y, optimizers.SGD(lr), epochs, X_val=X_val, Y_val=Y_val, seed=seed)
    distinct = {m: len(np.unique(net.W[m], axis=0)) for m in range(1, net.L)}
    largest = {m: float(np.abs(net.W[m]).max()) for m in range(1, net.L)}
    return history, distinct, largest


def symmetry_table(schemes=("zeros", "Xavier"), activation="sigmoid", width=16, **kwargs):
    """Per scheme and hidden layer: distinct units after training, the largest |weight|; and the validation
    accuracy."""
    lines = []
    for scheme in schemes:
        history, distinct, largest = symmetry_after_training(scheme, activation, width=width, **kwargs)
        units = "; ".join(f"W^{m}: {distinct[m]} distinct of {width} units, largest |w| {largest[m]:.1e}"
                          for m in distinct)
        lines.append(f"{scheme}: {units}; validation accuracy {history.val_accuracy[-1]:.1%}")
    return "\n".join(lines)
