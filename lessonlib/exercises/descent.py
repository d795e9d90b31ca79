"""Notebook 01's exercises, on the harness: the regression cost's gradient, mini-batch descent, 2/h_max.

    check_gradient(gradient)              gradient(theta, x, y) → ∇J = [mean of r, mean of r·x], r = ŷ − y
    check_minibatch_descent(minibatch_descent)
        minibatch_descent(theta, x, y, lr, batch_size, epochs, seed) → θ after ``epochs`` epochs: each epoch
        draws rng.permutation(N) from one rng = np.random.default_rng(seed), cuts it into slices of B (the
        last one shorter) and takes one step θ ← θ − α ∇J_batch per slice
    check_max_stable_lr(max_stable_lr)    max_stable_lr(x) → 2/h_max of H = [[1, x̄], [x̄, mean of x²]]

Each Mistake is a wrong implementation with the student's signature; the cases are chosen so that every
mistake differs from the reference and from every other mistake on at least one case.  While a check
runs, the library modules that would do the exercise in one line (lessonlib.descent_lab, .surfaces,
.optimizers) are replaced by stubs in the student's function's globals ("used the library").
"""
import numpy as np

from .. import descent_lab, optimizers, surfaces
from .harness import Case, Exercise, Mistake, OffLimits

LIBRARY = (descent_lab, surfaces, optimizers)     # switched off inside the student's function during a check


# ---- the data of the cases --------------------------------------------------------------------
_rng = np.random.default_rng(2026)
_x7 = np.array([0.5, 1.0, 2.5, 3.0, 4.5, 6.0, 7.5])
_y7 = np.array([2.0, 2.5, 4.0, 4.5, 6.5, 7.0, 9.5])
_x4 = np.array([-1.0, 0.0, 2.0, 3.0])
_y4 = np.array([1.0, 0.5, 3.0, 2.0])
_x30 = np.round(_rng.uniform(0.1, 8.0, 30), 1)
_y30 = np.round(2.0 + 0.7 * _x30 + _rng.normal(0, 1, 30), 1)


# ---- Exercise 1: ∇J of the regression ----------------------------------------------------------
def gradient_reference(theta, x, y):
    """∇J over the examples (x, y) given: [mean of r, mean of r·x] with r = θ₀ + θ₁ x − y = ŷ − y."""
    r = theta[0] + theta[1] * x - y
    return np.array([r.mean(), (r * x).mean()])


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


def _grad_library(theta, x, y):
    return descent_lab.regression_gradient(theta, x, y)     # the library's ∇J, not the student's own


gradient = Exercise(
    "gradient", gradient_reference,
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
    off_limits=OffLimits(
        Mistake("used the library", "Exercise 1 asks you to write ∇J yourself with NumPy, not to call "
                "lessonlib's: compute the residuals r = θ₀ + θ₁x − y, then the two means", _grad_library),
        objects=LIBRARY),
    success="gradient is right: ∇J = [mean of r, mean of r·x] with r = ŷ − y, on every case.")


# ---- Exercise 2: mini-batch descent over several epochs -------------------------------------------
def _slices(order, B):
    return [order[i:i + B] for i in range(0, len(order), B)]


def _run(theta, x, y, lr, batch_size, epochs, seed, slices=_slices, grad=gradient_reference, sign=1.0,
         orders=None):
    """The epochs' loop, with the pieces a mistake changes: how an order is cut, the gradient, the sign and
    the orders (default: a fresh rng.permutation(N) every epoch from one generator)."""
    rng = np.random.default_rng(seed)
    theta = np.array(theta, dtype=np.float64)
    for k in range(epochs):
        order = rng.permutation(len(x)) if orders is None else orders(k, rng)
        for batch in slices(order, batch_size):
            theta = theta - sign * lr * grad(theta, x[batch], y[batch])
    return theta


def minibatch_descent_reference(theta, x, y, lr, batch_size, epochs, seed):
    """θ after ``epochs`` epochs; epoch k cuts the k-th rng.permutation(N) of rng = default_rng(seed) into
    slices order[i:i+B] (the last one shorter) and steps θ ← θ − α ∇J_batch on each."""
    rng = np.random.default_rng(seed)
    theta = np.array(theta, dtype=np.float64)
    for epoch in range(epochs):
        order = rng.permutation(len(x))
        for i in range(0, len(x), batch_size):
            batch = order[i:i + batch_size]
            theta = theta - lr * gradient_reference(theta, x[batch], y[batch])
    return theta


def _dropped(theta, x, y, lr, batch_size, epochs, seed):
    full = len(x) // batch_size * batch_size               # stops before the last, shorter slice
    return _run(theta, x, y, lr, batch_size, epochs, seed, lambda o, B: [o[i:i + B] for i in range(0, full, B)])


def _padded(theta, x, y, lr, batch_size, epochs, seed):
    N = len(x)                                              # fills the last slice up from the start again
    return _run(theta, x, y, lr, batch_size, epochs, seed,
                lambda o, B: [o[np.arange(i, i + B) % N] for i in range(0, N, B)])


def _divided_by_B(theta, x, y, lr, batch_size, epochs, seed):
    def grad(t, xb, yb):
        r = t[0] + t[1] * xb - yb
        return np.array([r.sum(), (r * xb).sum()]) / batch_size      # a short last batch divided by the full B
    return _run(theta, x, y, lr, batch_size, epochs, seed, grad=grad)


def _batch_sum(theta, x, y, lr, batch_size, epochs, seed):
    return _run(theta, x, y, lr, batch_size, epochs, seed, grad=_grad_sum)


def _whole_set(theta, x, y, lr, batch_size, epochs, seed):
    return _run(theta, x, y, lr, batch_size, epochs, seed, grad=lambda t, xb, yb: gradient_reference(t, x, y))


def _no_shuffle(theta, x, y, lr, batch_size, epochs, seed):
    return _run(theta, x, y, lr, batch_size, epochs, seed, orders=lambda k, rng: np.arange(len(x)))


def _same_order(theta, x, y, lr, batch_size, epochs, seed):
    first = np.random.default_rng(seed).permutation(len(x))      # drawn once (or the generator re-seeded)
    return _run(theta, x, y, lr, batch_size, epochs, seed, orders=lambda k, rng: first)


def _one_epoch(theta, x, y, lr, batch_size, epochs, seed):
    return _run(theta, x, y, lr, batch_size, 1, seed)


def _frozen(theta, x, y, lr, batch_size, epochs, seed):
    rng = np.random.default_rng(seed)                       # every batch's gradient taken at the epoch's start
    theta = np.array(theta, dtype=np.float64)
    for k in range(epochs):
        start = theta
        theta = start - lr * sum(gradient_reference(start, x[b], y[b]) for b in _slices(rng.permutation(len(x)),
                                                                                        batch_size))
    return theta


def _one_per_example(theta, x, y, lr, batch_size, epochs, seed):
    return _run(theta, x, y, lr, 1, epochs, seed)


def _uphill(theta, x, y, lr, batch_size, epochs, seed):
    return _run(theta, x, y, lr, batch_size, epochs, seed, sign=-1.0)


def _descent_library(theta, x, y, lr, batch_size, epochs, seed):
    return descent_lab.minibatch_descent(x, y, lr, epochs, batch_size, seed, start=theta).theta[-1]


minibatch_descent = Exercise(
    "minibatch_descent", minibatch_descent_reference,
    cases=[Case("7 examples, B = 3 (slices of 3, 3, 1), 2 epochs", (np.array([0.0, 0.0]), _x7, _y7, 0.02, 3, 2, 0)),
           Case("7 examples, B = 7 (full batch), 2 epochs", (np.array([1.0, 0.5]), _x7, _y7, 0.05, 7, 2, 1)),
           Case("4 examples, B = 2, 3 epochs", (np.array([0.5, -1.0]), _x4, _y4, 0.1, 2, 3, 5)),
           Case("4 examples, B = 1, 1 epoch", (np.array([0.0, 1.0]), _x4, _y4, 0.1, 1, 1, 3)),
           Case("30 examples, B = 4 (7 slices of 4, then 2), 3 epochs",
                (np.array([-1.5, 2.0]), _x30, _y30, 0.01, 4, 3, 0))],
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
        Mistake("order ignored", "the slices follow the examples' stored order: shuffle every epoch, "
                "order = rng.permutation(N), then batch = order[i:i+B] and x[batch], y[batch].", _no_shuffle),
        Mistake("same order every epoch", "every epoch visits the examples in the same order: make ONE "
                "rng = np.random.default_rng(seed) before the loop over epochs and draw a new "
                "rng.permutation(N) at the start of each epoch (not once, and without re-seeding).", _same_order),
        Mistake("epochs ignored", "your θ is the one after the first epoch: repeat the epoch `epochs` times, "
                "each with a new shuffle.", _one_epoch),
        Mistake("θ not updated between batches", "every batch's gradient is taken at the θ the epoch started "
                "from: update θ after each batch, and compute the next gradient at the new θ.", _frozen),
        Mistake("batch size ignored", "you took one step per example: each step should use a slice of "
                "batch_size examples.", _one_per_example),
        Mistake("moved uphill", "each step goes uphill, θ + α∇J: step against the gradient, θ − α∇J.", _uphill),
    ],
    off_limits=OffLimits(
        Mistake("used the library", "Exercise 2 asks you to write the loop over epochs and batches "
                "yourself, not to call lessonlib's minibatch_descent: shuffle, slice, and step with your "
                "`gradient` from Exercise 1", _descent_library),
        objects=LIBRARY),
    success="minibatch_descent is right: a new shuffle every epoch, one step per slice (the last one shorter), "
            "on every case.")

# ---- Exercise 3 (optional): the largest stable learning rate -----------------------------------------
def max_stable_lr_reference(x):
    """2/h_max, h_max the largest eigenvalue of H = [[1, x̄], [x̄, mean of x²]], the regression's Hessian."""
    H = np.array([[1.0, x.mean()], [x.mean(), (x * x).mean()]])
    return 2.0 / np.linalg.eigvalsh(H)[-1]


def _hessian(x):
    return np.array([[1.0, x.mean()], [x.mean(), (x * x).mean()]])


def _zigzag_edge(x):
    return 1.0 / np.linalg.eigvalsh(_hessian(x))[-1]


def _h_min(x):
    return 2.0 / np.linalg.eigvalsh(_hessian(x))[0]


def _hessian_sums(x):
    return 2.0 / np.linalg.eigvalsh(np.array([[len(x), x.sum()], [x.sum(), (x * x).sum()]]))[-1]


def _diagonal_only(x):
    return 2.0 / max(1.0, (x * x).mean())


def _slope_only(x):
    return 2.0 / (x * x).mean()


def _limit_library(x):
    return surfaces.linear_regression(x, np.zeros_like(x)).max_stable_lr()


max_stable_lr = Exercise(
    "max_stable_lr", max_stable_lr_reference,
    cases=[Case("7 positive x", (_x7,)), Case("4 x of mixed sign", (_x4,)), Case("30 x", (_x30,)),
           Case("3 small x", (np.array([0.2, 0.5, 0.9]),))],
    outputs=("α limit",),
    mistakes=[
        Mistake("1/h_max", "that is 1/h_max, where the zig-zag starts; descent still converges up to 2/h_max, "
                "where the factor 1 − αh_max reaches −1.", _zigzag_edge),
        Mistake("h_min", "you used the smallest eigenvalue: the most curved direction (the largest eigenvalue, "
                "h_max) breaks first, so the limit is 2/h_max.", _h_min),
        Mistake("sums instead of means", "your H is N times too large: J is a mean over the examples, so H's "
                "entries are the means 1, x̄ and mean of x², not sums.", _hessian_sums),
        Mistake("diagonal only", "you ignored the off-diagonal x̄: the eigenvalues of H are not its diagonal "
                "entries unless x̄ = 0; use np.linalg.eigvalsh(H).", _diagonal_only),
        Mistake("slope curvature only", "2/mean(x²) uses only ∂²J/∂θ₁²; the limit comes from the largest "
                "eigenvalue of the whole 2×2 H.", _slope_only),
    ],
    off_limits=OffLimits(
        Mistake("used the library", "Exercise 3 asks you to build H from x and find its largest "
                "eigenvalue yourself (np.linalg.eigvalsh), not to ask lessonlib's surface", _limit_library),
        objects=LIBRARY),
    success="max_stable_lr is right: 2/h_max from the eigenvalues of H = [[1, x̄], [x̄, mean of x²]], on every case.")

EXERCISES = {"gradient": gradient, "minibatch_descent": minibatch_descent, "max_stable_lr": max_stable_lr}
check_gradient = gradient.check
check_minibatch_descent = minibatch_descent.check
check_max_stable_lr = max_stable_lr.check

from . import descent_slips  # noqa: E402,F401  (more catalogued mistakes, added to the exercises above)
