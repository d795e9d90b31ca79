"""Notebook 01's exercises, on the harness: the gradient of the regression cost, one epoch of mini-batches.

    check_gradient(gradient)              gradient(theta, x, y) → ∇J = [mean of r, mean of r·x], r = ŷ − y
    check_minibatch_epoch(minibatch_epoch)
        minibatch_epoch(theta, x, y, lr, batch_size, order) → θ after one epoch: the examples in the order
        given, in slices of B (the last one shorter), one step θ ← θ − α ∇J_batch per slice

Each Mistake is a wrong implementation with the student's signature; the cases are chosen so that every
mistake differs from the reference and from every other mistake on at least one case.
"""
import numpy as np

from ..descent_lab import regression_gradient
from .harness import Case, Exercise, Mistake

# ---- the data of the cases --------------------------------------------------------------------
_rng = np.random.default_rng(2026)
_x7 = np.array([0.5, 1.0, 2.5, 3.0, 4.5, 6.0, 7.5])
_y7 = np.array([2.0, 2.5, 4.0, 4.5, 6.5, 7.0, 9.5])
_x4 = np.array([-1.0, 0.0, 2.0, 3.0])
_y4 = np.array([1.0, 0.5, 3.0, 2.0])
_x30 = np.round(_rng.uniform(0.1, 8.0, 30), 1)
_y30 = np.round(2.0 + 0.7 * _x30 + _rng.normal(0, 1, 30), 1)


# ---- Exercise 1: ∇J of the regression ----------------------------------------------------------
def _residual(theta, x, y):
    return theta[0] + theta[1] * x - y


def _grad_sign(theta, x, y):
    r = y - (theta[0] + theta[1] * x)                       # r = y − ŷ: the gradient points downhill
    return np.array([r.mean(), (r * x).mean()])


def _grad_sum(theta, x, y):
    r = _residual(theta, x, y)
    return np.array([r.sum(), (r * x).sum()])


def _grad_no_x(theta, x, y):
    r = _residual(theta, x, y)
    return np.array([r.mean(), r.mean()])


def _grad_twice(theta, x, y):
    r = _residual(theta, x, y)
    return np.array([2 * r.mean(), 2 * (r * x).mean()])


def _grad_half(theta, x, y):
    r = _residual(theta, x, y)
    return np.array([r.mean() / 2, (r * x).mean() / 2])


def _grad_swapped(theta, x, y):
    r = _residual(theta, x, y)
    return np.array([(r * x).mean(), r.mean()])


def _grad_no_intercept(theta, x, y):
    r = theta[1] * x - y                                     # ŷ without θ₀
    return np.array([r.mean(), (r * x).mean()])


gradient = Exercise(
    "gradient", regression_gradient,
    cases=[Case("θ = (0.5, −1), 4 examples", (np.array([0.5, -1.0]), _x4, _y4)),
           Case("θ = (2, 0.3), 7 examples", (np.array([2.0, 0.3]), _x7, _y7)),
           Case("θ = (−1.5, 2), 30 examples", (np.array([-1.5, 2.0]), _x30, _y30))],
    outputs=("∇J",),
    mistakes=[
        Mistake("sign of r", "your gradient points downhill: with r = y − ŷ every component has the wrong sign. "
                "Use r = ŷ − y = θ₀ + θ₁x − y (J grows when ŷ moves away from y).", _grad_sign),
        Mistake("sum instead of mean", "your gradient is N times too large: you summed over the examples. "
                "J is a mean (the 1/N in front), so ∇J is a mean too: np.mean, or sum / N.", _grad_sum),
        Mistake("slope without x", "∂J/∂θ₁ is missing the factor x: ŷ = θ₀ + θ₁x changes by x when θ₁ changes "
                "by 1, so ∂J/∂θ₁ = mean of r·x.", _grad_no_x),
        Mistake("factor 2", "your gradient is twice too large: J = 1/(2N) Σ r², half the mean squared error; "
                "the ½ cancels the 2 from differentiating r².", _grad_twice),
        Mistake("extra ½", "your gradient is half the right one: the ½ in J is already cancelled by the 2 from "
                "differentiating r², so no ½ is left in ∇J.", _grad_half),
        Mistake("components swapped", "your two components are swapped: the first is ∂J/∂θ₀ = mean of r, the "
                "second ∂J/∂θ₁ = mean of r·x.", _grad_swapped),
        Mistake("no intercept in ŷ", "your prediction leaves out θ₀: ŷ = θ₀ + θ₁x, so r = θ₀ + θ₁x − y.",
                _grad_no_intercept),
    ],
    success="gradient is right: ∇J = [mean of r, mean of r·x] with r = ŷ − y, on every case.")


# ---- Exercise 2: one epoch of mini-batch descent ----------------------------------------------
def minibatch_epoch_reference(theta, x, y, lr, batch_size, order):
    """θ after one epoch: for each slice order[i:i+B] (the last one shorter), θ ← θ − α ∇J_batch."""
    theta = np.array(theta, dtype=np.float64)
    for i in range(0, len(order), batch_size):
        batch = order[i:i + batch_size]
        theta = theta - lr * regression_gradient(theta, x[batch], y[batch])
    return theta


def _epoch(theta, x, y, lr, batch_size, order, slices, grad=regression_gradient, sign=1.0):
    theta = np.array(theta, dtype=np.float64)
    for batch in slices(order, batch_size):
        theta = theta - sign * lr * grad(theta, x[batch], y[batch])
    return theta


def _dropped(theta, x, y, lr, batch_size, order):
    full = len(order) // batch_size * batch_size            # stops before the last, shorter slice
    return _epoch(theta, x, y, lr, batch_size, order, lambda o, B: [o[i:i + B] for i in range(0, full, B)])


def _padded(theta, x, y, lr, batch_size, order):
    N = len(order)                                           # fills the last slice up from the start again
    return _epoch(theta, x, y, lr, batch_size, order,
                  lambda o, B: [o[np.arange(i, i + B) % N] for i in range(0, N, B)])


def _slices(order, B):
    return [order[i:i + B] for i in range(0, len(order), B)]


def _divided_by_B(theta, x, y, lr, batch_size, order):
    def grad(t, xb, yb):
        r = t[0] + t[1] * xb - yb
        return np.array([r.sum(), (r * xb).sum()]) / batch_size      # a short last batch divided by the full B
    return _epoch(theta, x, y, lr, batch_size, order, _slices, grad)


def _batch_sum(theta, x, y, lr, batch_size, order):
    return _epoch(theta, x, y, lr, batch_size, order, _slices, _grad_sum)


def _whole_set(theta, x, y, lr, batch_size, order):
    return _epoch(theta, x, y, lr, batch_size, order, _slices, lambda t, xb, yb: regression_gradient(t, x, y))


def _order_ignored(theta, x, y, lr, batch_size, order):
    return _epoch(theta, x, y, lr, batch_size, np.arange(len(order)), _slices)


def _frozen(theta, x, y, lr, batch_size, order):
    start = np.array(theta, dtype=np.float64)               # every batch's gradient taken at the starting θ
    total = sum(regression_gradient(start, x[b], y[b]) for b in _slices(order, batch_size))
    return start - lr * total


def _one_per_example(theta, x, y, lr, batch_size, order):
    return _epoch(theta, x, y, lr, 1, order, _slices)


def _uphill(theta, x, y, lr, batch_size, order):
    return _epoch(theta, x, y, lr, batch_size, order, _slices, sign=-1.0)


_order7 = np.array([3, 6, 0, 5, 2, 1, 4])
minibatch_epoch = Exercise(
    "minibatch_epoch", minibatch_epoch_reference,
    cases=[Case("7 examples, B = 3 (slices of 3, 3, 1)", (np.array([0.0, 0.0]), _x7, _y7, 0.02, 3, _order7)),
           Case("7 examples, B = 7 (full batch)", (np.array([1.0, 0.5]), _x7, _y7, 0.05, 7, _order7)),
           Case("4 examples, B = 2", (np.array([0.5, -1.0]), _x4, _y4, 0.1, 2, np.array([2, 0, 3, 1]))),
           Case("4 examples, B = 1", (np.array([0.0, 1.0]), _x4, _y4, 0.1, 1, np.array([1, 3, 0, 2]))),
           Case("30 examples, B = 4 (7 slices of 4, then 2)",
                (np.array([-1.5, 2.0]), _x30, _y30, 0.01, 4, np.random.default_rng(0).permutation(30)))],
    outputs=("θ",),
    mistakes=[
        Mistake("last batch dropped", "the last, shorter slice is skipped: when B does not divide N, the final "
                "order[i:i+B] holds the N mod B examples left over; it still gets its own step.", _dropped),
        Mistake("last batch padded", "the last slice is filled up with examples from the start of the order, so "
                "those examples count twice in the epoch; order[i:i+B] is simply shorter at the end.", _padded),
        Mistake("divided by the full B", "the last, shorter slice is divided by B instead of its own size: take "
                "the mean over the examples the slice holds (len(batch) of them).", _divided_by_B),
        Mistake("sum instead of mean", "each batch's gradient is a sum, B times too large: ∇J_batch is the mean "
                "over the batch's examples.", _batch_sum),
        Mistake("whole set", "each step uses the gradient of the whole set: compute it on the batch only, "
                "x[batch] and y[batch].", _whole_set),
        Mistake("order ignored", "the slices follow the examples' stored order: take them from `order`, "
                "batch = order[i:i+B], then x[batch], y[batch].", _order_ignored),
        Mistake("θ not updated between batches", "every batch's gradient is taken at the θ the epoch started "
                "from: update θ after each batch, and compute the next gradient at the new θ.", _frozen),
        Mistake("batch size ignored", "you took one step per example: each step should use a slice of "
                "batch_size examples.", _one_per_example),
        Mistake("moved uphill", "each step goes uphill, θ + α∇J: step against the gradient, θ − α∇J.", _uphill),
    ],
    success="minibatch_epoch is right: one step per slice of `order`, the last slice shorter, on every case.")

EXERCISES = {"gradient": gradient, "minibatch_epoch": minibatch_epoch}
check_gradient = gradient.check
check_minibatch_epoch = minibatch_epoch.check
