"""Notebook 01's exercises, on the harness, in the order the notebook asks them:

    check_gradient(gradient)              Exercise 1 (§1): gradient(theta, x, y) → ∇J, a NumPy array of 2
    check_max_stable_lr(max_stable_lr)    Exercise 2 (§3): max_stable_lr(x) → the α above which descent diverges
    check_learning_rate(my_learning_rate) Exercise 3 (§4, a discovery): the α found by experiment for the
                                          digits network (exercises/descent_rate.py)
    check_minibatch_descent(minibatch_descent)   Exercise 4 (§5): the path of θ, before training and after
                                          every update of mini-batch descent (exercises/descent_loop.py)

Each Mistake is a wrong implementation with the student's signature; the cases are chosen so that every
mistake differs from the reference and from every other mistake on at least one case.  While a check
runs, the library modules that would do the exercise in one line (lessonlib.descent_lab, .surfaces,
.optimizers; for Exercise 3, .descent_network) are switched off ("used the library").  The harness
refuses a list where the prompt asks for a NumPy array ("list, not array") and names the families of
slips the catalogue does not (a factor, a shape, an off-by-one in the epochs, …).
"""
import numpy as np

from .. import descent_lab, surfaces
from .descent_data import LIBRARY, x4, x7, x30, y4, y7, y30
from .descent_loop import minibatch_descent
from .descent_rate import learning_rate
from .harness import Case, Exercise, Mistake, OffLimits


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


def _grad_product_of_means(theta, x, y):
    r = _residual(theta, x, y)
    return np.array([r.mean(), r.mean() * x.mean()])        # mean(r)·mean(x), not mean(r·x)


def _grad_library(theta, x, y):
    return descent_lab.regression_gradient(theta, x, y)     # the library's ∇J, not the student's own


gradient = Exercise(
    "gradient", gradient_reference,
    cases=[Case("θ = (0.5, −1), 4 examples", (np.array([0.5, -1.0]), x4, y4)),
           Case("θ = (2, 0.3), 7 examples", (np.array([2.0, 0.3]), x7, y7)),
           Case("θ = (−1.5, 2), 30 examples", (np.array([-1.5, 2.0]), x30, y30))],
    outputs=("∇J",),
    mistakes=[
        Mistake("sign of r", "your gradient points downhill: with r = y − ŷ every component has the wrong sign. "
                "Use r = ŷ − y = θ₀ + θ₁x − y (J grows when ŷ moves away from y).", _grad_sign),
        Mistake("sum instead of mean", "your gradient is N times too large: you summed over the examples. "
                "J is a mean (the 1/N in front), so ∇J is a mean too: np.mean, or sum / N.", _grad_sum),
        Mistake("slope without x", "∂J/∂θ₁ is missing the factor x: ŷ = θ₀ + θ₁x changes by x when θ₁ changes "
                "by 1, so each residual is weighted by its own x.", _grad_no_x),
        Mistake("mean of r times mean of x", "∂J/∂θ₁ multiplies the two means; each residual r_i must be "
                "multiplied by its own x_i before averaging (the mean of a product is not the product of "
                "the means).", _grad_product_of_means),
        Mistake("factor 2", "your gradient is twice too large: J = 1/(2N) Σ r², half the mean squared error; "
                "the ½ cancels the 2 from differentiating r².", _grad_twice),
        Mistake("extra ½", "your gradient is half the right one: the ½ in J is already cancelled by the 2 from "
                "differentiating r², so no ½ is left in ∇J.", _grad_half),
        Mistake("components swapped", "your two components are swapped: the first is ∂J/∂θ₀ (for the "
                "intercept), the second ∂J/∂θ₁ (for the slope).", _grad_swapped),
        Mistake("no intercept in ŷ", "your prediction leaves out θ₀: ŷ = θ₀ + θ₁x, so r = θ₀ + θ₁x − y.",
                _grad_no_intercept),
    ],
    off_limits=OffLimits(
        Mistake("used the library", "Exercise 1 asks you to write ∇J yourself with NumPy, not to call "
                "lessonlib's: compute the residuals r = θ₀ + θ₁x − y, then the two partial derivatives",
                _grad_library),
        objects=LIBRARY),
    success="gradient is right on every case (and returns a NumPy array of two numbers).",
    fallback=descent_lab.regression_gradient)


# ---- Exercise 2: the largest stable learning rate -----------------------------------------------------
def _hessian(x):
    return np.array([[1.0, x.mean()], [x.mean(), (x * x).mean()]])


def max_stable_lr_reference(x):
    """2/h_max, h_max the largest eigenvalue of H = [[1, x̄], [x̄, mean of x²]], the regression's Hessian."""
    return 2.0 / np.linalg.eigvalsh(_hessian(x))[-1]


def _zigzag_edge(x):
    return 1.0 / np.linalg.eigvalsh(_hessian(x))[-1]


def _h_min(x):
    return 2.0 / np.linalg.eigvalsh(_hessian(x))[0]


def _h_max_itself(x):
    return np.linalg.eigvalsh(_hessian(x))[-1]


def _hessian_sums(x):
    return 2.0 / np.linalg.eigvalsh(np.array([[len(x), x.sum()], [x.sum(), (x * x).sum()]]))[-1]


def _diagonal_only(x):
    return 2.0 / max(1.0, (x * x).mean())


def _slope_only(x):
    return 2.0 / (x * x).mean()


def _square_of_mean(x):
    return 2.0 / np.linalg.eigvalsh(np.array([[1.0, x.mean()], [x.mean(), x.mean() ** 2]]))[-1]


def _trace(x):
    return 2.0 / np.trace(_hessian(x))                       # h_min + h_max, not h_max


def _limit_library(x):
    return surfaces.linear_regression(x, np.zeros_like(x)).max_stable_lr()


max_stable_lr = Exercise(
    "max_stable_lr", max_stable_lr_reference,
    cases=[Case("7 positive x", (x7,)), Case("4 x of mixed sign", (x4,)), Case("30 x", (x30,)),
           Case("3 small x", (np.array([0.2, 0.5, 0.9]),))],
    outputs=("α limit",),
    mistakes=[
        Mistake("1/h_max", "that is 1/h_max, where the zig-zag starts; descent still converges up to the α "
                "where the factor 1 − αh_max reaches −1.", _zigzag_edge),
        Mistake("h_min", "you used the smallest eigenvalue: the most curved direction (the largest eigenvalue, "
                "h_max) breaks first. (np.linalg.eig does not sort its eigenvalues; eigvalsh returns them in "
                "increasing order.)", _h_min),
        Mistake("h_max itself", "you returned the curvature h_max; the question asks for the learning rate "
                "at which 1 − αh_max reaches −1.", _h_max_itself),
        Mistake("sums instead of means", "your H is N times too large: J is a mean over the examples, so H's "
                "entries are means (1, x̄ and the mean of x²), not sums.", _hessian_sums),
        Mistake("diagonal only", "you ignored the off-diagonal x̄: the eigenvalues of H are not its diagonal "
                "entries unless x̄ = 0; use np.linalg.eigvalsh(H).", _diagonal_only),
        Mistake("slope curvature only", "2/mean(x²) uses only ∂²J/∂θ₁²; the limit comes from the largest "
                "eigenvalue of the whole 2×2 H.", _slope_only),
        Mistake("square of the mean", "H's corner entry is the mean of x² (x*x).mean(), not the square of "
                "the mean x̄²: they differ by the variance of x.", _square_of_mean),
        Mistake("trace", "the trace of H is h_min + h_max, the sum of both eigenvalues; the limit comes from "
                "h_max alone.", _trace),
    ],
    off_limits=OffLimits(
        Mistake("used the library", "Exercise 2 asks you to build H from x and find its largest "
                "eigenvalue yourself (np.linalg.eigvalsh), not to ask lessonlib", _limit_library),
        objects=LIBRARY),
    success="max_stable_lr is right on every case.",
    fallback=descent_lab.max_stable_lr)


EXERCISES = {"gradient": gradient, "max_stable_lr": max_stable_lr, "learning_rate": learning_rate,
             "minibatch_descent": minibatch_descent}
check_gradient = gradient.check
check_max_stable_lr = max_stable_lr.check
check_learning_rate = learning_rate.check
check_minibatch_descent = minibatch_descent.check

from . import descent_slips  # noqa: E402,F401  (more catalogued mistakes, added to the exercises above)
