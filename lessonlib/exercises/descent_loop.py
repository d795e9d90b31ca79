"""Notebook 01's Exercise 4: the mini-batch loop, returning θ before training and after every update.

    minibatch_descent(theta, x, y, lr, batch_size, epochs, seed) → array (1 + epochs·⌈N/B⌉, 2)

The exact contract (the check compares draws): one rng = np.random.default_rng(seed) before the loop over
epochs; each epoch draws order = rng.permutation(N), cuts it into consecutive slices of B (the last one
shorter) and takes one step θ ← θ − α ∇J_batch per slice, on that slice's examples.
"""
import numpy as np

from .. import descent_lab
from .descent_data import LIBRARY, x4, x7, x30, y4, y7, y30
from .harness import Case, Exercise, Mistake, OffLimits


def _mean_gradient(theta, x, y):
    r = theta[0] + theta[1] * x - y
    return np.array([r.mean(), (r * x).mean()])


def minibatch_descent_reference(theta, x, y, lr, batch_size, epochs, seed):
    """θ before training and after every update; every epoch cuts its own rng.permutation(N), drawn in turn from
    rng = default_rng(seed), into slices order[start:start+B] (the last one shorter) and steps on each."""
    rng = np.random.default_rng(seed)
    theta = np.array(theta, dtype=np.float64)
    path = [theta]
    for epoch in range(epochs):
        order = rng.permutation(len(x))
        for start in range(0, len(x), batch_size):
            batch = order[start:start + batch_size]
            theta = theta - lr * _mean_gradient(theta, x[batch], y[batch])
            path.append(theta)
    return np.array(path)


def _slices(order, B):
    return [order[start:start + B] for start in range(0, len(order), B)]


def _run(theta, x, y, lr, batch_size, epochs, seed, slices=_slices, grad=_mean_gradient, sign=1.0,
         orders=None, targets=None):
    """The loop with the pieces a mistake changes: how an order is cut, the gradient, the sign, the orders
    (default: a fresh rng.permutation(N) each epoch from one generator) and which y go with a batch."""
    rng = np.random.default_rng(seed)
    theta = np.array(theta, dtype=np.float64)
    path = [theta]
    for k in range(epochs):
        order = rng.permutation(len(x)) if orders is None else orders(k, rng)
        for j, batch in enumerate(slices(order, batch_size)):
            yb = y[batch] if targets is None else targets(j, batch)
            theta = theta - sign * lr * grad(theta, x[batch], yb)
            path.append(theta)
    return np.array(path)


def _dropped(theta, x, y, lr, batch_size, epochs, seed):
    full = len(x) // batch_size * batch_size               # stops before the last, shorter slice
    return _run(theta, x, y, lr, batch_size, epochs, seed, lambda o, B: [o[k:k + B] for k in range(0, full, B)])


def _padded(theta, x, y, lr, batch_size, epochs, seed):
    N = len(x)                                              # fills the last slice up from the start again
    return _run(theta, x, y, lr, batch_size, epochs, seed,
                lambda o, B: [o[np.arange(k, k + B) % N] for k in range(0, N, B)])


def _divided_by_B(theta, x, y, lr, batch_size, epochs, seed):
    def grad(t, xb, yb):
        r = t[0] + t[1] * xb - yb
        return np.array([r.sum(), (r * xb).sum()]) / batch_size      # a short last batch divided by the full B
    return _run(theta, x, y, lr, batch_size, epochs, seed, grad=grad)


def _batch_sum(theta, x, y, lr, batch_size, epochs, seed):
    return _run(theta, x, y, lr, batch_size, epochs, seed,
                grad=lambda t, xb, yb: len(xb) * _mean_gradient(t, xb, yb))


def _whole_set(theta, x, y, lr, batch_size, epochs, seed):
    return _run(theta, x, y, lr, batch_size, epochs, seed, grad=lambda t, xb, yb: _mean_gradient(t, x, y))


def _y_by_position(theta, x, y, lr, batch_size, epochs, seed):
    return _run(theta, x, y, lr, batch_size, epochs, seed,           # x[batch] but y[start:start+B]
                targets=lambda j, batch: y[j * batch_size:j * batch_size + len(batch)])


def _no_shuffle(theta, x, y, lr, batch_size, epochs, seed):
    return _run(theta, x, y, lr, batch_size, epochs, seed, orders=lambda k, rng: np.arange(len(x)))


def _same_order(theta, x, y, lr, batch_size, epochs, seed):
    first = np.random.default_rng(seed).permutation(len(x))      # drawn once (or the generator re-seeded)
    return _run(theta, x, y, lr, batch_size, epochs, seed, orders=lambda k, rng: first)


def _with_replacement(theta, x, y, lr, batch_size, epochs, seed):
    def draws(order, B):                                          # rng.choice(N, size) for every slice
        return [rng.choice(len(x), size=len(s)) for s in _slices(order, B)]
    rng = np.random.default_rng(seed)
    return _run(theta, x, y, lr, batch_size, epochs, seed, slices=draws, orders=lambda k, _: np.arange(len(x)))


def _one_epoch(theta, x, y, lr, batch_size, epochs, seed):
    return _run(theta, x, y, lr, batch_size, 1, seed)


def _frozen(theta, x, y, lr, batch_size, epochs, seed):
    rng = np.random.default_rng(seed)                       # every batch's gradient taken at the epoch's start
    theta = np.array(theta, dtype=np.float64)
    path = [theta]
    for k in range(epochs):
        start = theta
        for batch in _slices(rng.permutation(len(x)), batch_size):
            theta = theta - lr * _mean_gradient(start, x[batch], y[batch])
            path.append(theta)
    return np.array(path)


def _one_per_example(theta, x, y, lr, batch_size, epochs, seed):
    return _run(theta, x, y, lr, 1, epochs, seed)


def _uphill(theta, x, y, lr, batch_size, epochs, seed):
    return _run(theta, x, y, lr, batch_size, epochs, seed, sign=-1.0)


def _aliased(theta, x, y, lr, batch_size, epochs, seed):
    path = _run(theta, x, y, lr, batch_size, epochs, seed)      # θ updated in place, the same array appended
    return np.array([path[-1]] * len(path))


def _start_missing(theta, x, y, lr, batch_size, epochs, seed):
    return _run(theta, x, y, lr, batch_size, epochs, seed)[1:]


def _per_epoch(theta, x, y, lr, batch_size, epochs, seed):
    path = _run(theta, x, y, lr, batch_size, epochs, seed)
    per = -(-len(x) // batch_size)
    return path[::per]


def _descent_library(theta, x, y, lr, batch_size, epochs, seed):
    return descent_lab.minibatch_thetas(theta, x, y, lr, batch_size, epochs, seed)


minibatch_descent = Exercise(
    "minibatch_descent", minibatch_descent_reference,
    cases=[Case("7 examples, B = 3 (slices of 3, 3, 1), 2 epochs", (np.array([0.0, 0.0]), x7, y7, 0.02, 3, 2, 0)),
           Case("7 examples, B = 7 (full batch), 2 epochs", (np.array([1.0, 0.5]), x7, y7, 0.05, 7, 2, 1)),
           Case("4 examples, B = 2, 3 epochs", (np.array([0.5, -1.0]), x4, y4, 0.1, 2, 3, 5)),
           Case("4 examples, B = 1, 1 epoch", (np.array([0.0, 1.0]), x4, y4, 0.1, 1, 1, 3)),
           Case("30 examples, B = 4 (7 slices of 4, then 2), 3 epochs",
                (np.array([-1.5, 2.0]), x30, y30, 0.01, 4, 3, 0))],
    outputs=("θ path",),
    mistakes=[
        Mistake("last batch dropped", "the last, shorter slice is skipped: when B does not divide N, the final "
                "order[start:start+B] holds the N mod B examples left over; it still gets its own step.", _dropped),
        Mistake("last batch padded", "the last slice is filled up with examples from the start of the order, so "
                "those examples count twice in the epoch; order[start:start+B] is simply shorter at the end.", _padded),
        Mistake("divided by the full B", "the last, shorter slice is divided by B instead of its own size: take "
                "the mean over the examples the slice holds (len(batch) of them).", _divided_by_B),
        Mistake("sum instead of mean", "each batch's gradient is a sum, B times too large: ∇J_batch is the mean "
                "over the batch's examples.", _batch_sum),
        Mistake("whole set", "each step uses the gradient of the whole set: compute it on the batch only, "
                "x[batch] and y[batch].", _whole_set),
        Mistake("y by position", "the inputs come from the shuffled batch, x[batch], but the targets from "
                "their position, y[start:start+B]: each x is paired with another example's y. Index both with the "
                "same batch: x[batch], y[batch].", _y_by_position),
        Mistake("order ignored", "the slices follow the examples' stored order: shuffle every epoch, "
                "order = rng.permutation(N), then batch = order[start:start+B] and x[batch], y[batch].", _no_shuffle),
        Mistake("same order every epoch", "every epoch visits the examples in the same order: make ONE "
                "rng = np.random.default_rng(seed) before the loop over epochs and draw a new "
                "rng.permutation(N) at the start of each epoch (not once, and without re-seeding).", _same_order),
        Mistake("drew with replacement", "each batch draws its examples with replacement (rng.choice), so in "
                "an epoch some examples come twice and others not at all; shuffle once per epoch with "
                "rng.permutation(N) and cut that order into slices.", _with_replacement),
        Mistake("epochs ignored", "your path stops after the first epoch: repeat the epoch `epochs` times, "
                "each with a new shuffle.", _one_epoch),
        Mistake("θ not updated between batches", "every batch's gradient is taken at the θ the epoch started "
                "from: compute each gradient at the current θ, after the previous step.", _frozen),
        Mistake("batch size ignored", "you took one step per example: each step should use a slice of "
                "batch_size examples.", _one_per_example),
        Mistake("moved uphill", "each step goes uphill, θ + α∇J: step against the gradient, θ − α∇J.", _uphill),
        Mistake("rows alias one array", "every row of your path is the final θ: an in-place update "
                "(theta -= …) changes the one array you appended each time. Build a new array each step, "
                "theta = theta - lr * g, or append theta.copy().", _aliased),
        Mistake("start missing", "the first row should be the θ you started from, before any update; your "
                "path begins after the first step.", _start_missing),
        Mistake("one row per epoch", "your path has one row per epoch; record θ after every update (every "
                "batch), as the figures below draw each step.", _per_epoch),
    ],
    off_limits=OffLimits(
        Mistake("used the library", "Exercise 4 asks you to write the loop over epochs and batches "
                "yourself, not to call lessonlib's: shuffle, slice, and step with `grad`", _descent_library),
        objects=LIBRARY),
    success="minibatch_descent is right on every case: a new shuffle every epoch, one step per slice "
            "(the last one shorter), θ recorded after every update.",
    fallback=descent_lab.minibatch_thetas)
