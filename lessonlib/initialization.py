"""How the starting weights decide whether signals survive a deep network.  Notebook 02 (§7).

    SCHEMES              zeros, too small N(0, 0.01²), Xavier/Glorot, He, too large N(0, 1): std of W^m
    initialize           set every W^m of a network by a scheme (biases 0), from one seed
    layer_statistics     per layer m = 1 … L: the spread of a^m across examples and the size of δ^m
    verdict              those numbers in words (vanishing / exploding, forward / backward, symmetry)
    symmetry_after_training, symmetry_table   train from all-zero weights: the units of a layer stay identical

The network, the schemes and the per-layer statistics are backprop_lab's (deep_net, INIT_SCHEMES,
spreads, delta_sizes, on its N_PROBE digits): one deep network for §7's table, its figures and this
dashboard.  Every scheme scales the SAME standard-normal draws, so two schemes differ only in scale.  Left out: biases other than 0, batch norm,
residual connections, orthogonal init.
"""
from functools import lru_cache

import numpy as np

from . import optimizers
from .activations import get_activation
from .backprop_lab import INIT_SCHEMES as SCHEMES
from .backprop_lab import N_PROBE, deep_net, delta_sizes, digits, scale_weights, spreads
from .training import one_blas_thread, train

SCHEME_LABELS = {"zeros": "zeros", "too small": "too small: N(0, 0.01²)", "Xavier": "Xavier: N(0, 2/(n_in + n_out))",
                 "He": "He: N(0, 2/n_in)", "too large": "too large: N(0, 1)"}
ACTIVATIONS = ("sigmoid", "tanh", "relu")


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
    """Full-batch SGD (``lessonlib.train``) on the standardized digits from ``scheme``'s weights.
    Returns (history, distinct, largest): for each hidden layer m = 1 … L−1, distinct[m] = how many
    different rows (units) W^m has after training (1: all alike) and largest[m] = its largest |entry|."""
    X, X_test, Y, Y_test, _ = digits()
    net = deep_net(activation, depth, width, seed, init_std=scheme)
    history = train(net, X, Y, optimizers.SGD(lr), epochs, X_test=X_test, Y_test=Y_test, seed=seed)
    distinct = {m: len(np.unique(net.W[m], axis=0)) for m in range(1, net.L)}
    largest = {m: float(np.abs(net.W[m]).max()) for m in range(1, net.L)}
    return history, distinct, largest


def symmetry_table(schemes=("zeros", "Xavier"), activation="sigmoid", width=16, **kwargs):
    """Per scheme and hidden layer: distinct units after training, the largest |weight|; and the test accuracy."""
    lines = []
    for scheme in schemes:
        history, distinct, largest = symmetry_after_training(scheme, activation, width=width, **kwargs)
        units = "; ".join(f"W^{m}: {distinct[m]} distinct of {width} units, largest |w| {largest[m]:.1e}"
                          for m in distinct)
        lines.append(f"{scheme}: {units}; test accuracy {history.test_accuracy[-1]:.1%}")
    return "\n".join(lines)
