"""More catalogued mistakes for notebook 01's exercises, from typical answers written blind: θ₀ and θ₁ swapped
in ŷ, the legacy global generator, and two ways to miss 2/h_max (one example's curvature, H over N − 1); from
the second blind set, x² in ∂J/∂θ₁ and the variance where the mean of x² belongs.
Imported at the end of descent.py, so every check (and the catalogue tests) has them."""
import numpy as np

from .descent import _hessian, gradient, max_stable_lr
from .descent_loop import _run, minibatch_descent
from .harness import Mistake


def _grad_thetas_swapped(theta, x, y):
    r = theta[1] + theta[0] * x - y                          # ŷ = θ₁ + θ₀x
    return np.array([r.mean(), (r * x).mean()])


gradient.mistakes += [
    Mistake("x² in ∂J/∂θ₁", "∂J/∂θ₁ multiplies r by x², not by x: ŷ = θ₀ + θ₁x is linear in θ₁, so ∂ŷ/∂θ₁ = x "
            "and ∂J/∂θ₁ = mean of r·x (the x² belongs to the curvature, not to the gradient).",
            lambda theta, x, y: np.array([np.mean(theta[0] + theta[1] * x - y),
                                          np.mean((theta[0] + theta[1] * x - y) * x * x)])),
    Mistake("θ₀ and θ₁ swapped in ŷ", "your prediction swaps the parameters, ŷ = θ₁ + θ₀x: θ₀ is the intercept "
            "and θ₁ the slope, so r = θ₀ + θ₁x − y (theta[0] + theta[1] * x - y).", _grad_thetas_swapped),
]


def _legacy_generator(theta, x, y, lr, batch_size, epochs, seed):
    legacy = np.random.RandomState(seed)                      # what np.random.seed(seed) + np.random.permutation draw
    return _run(theta, x, y, lr, batch_size, epochs, seed, orders=lambda k, rng: legacy.permutation(len(x)))


minibatch_descent.mistakes += [
    Mistake("legacy np.random", "the shuffles come from NumPy's legacy global generator (np.random.seed + "
            "np.random.permutation), which draws other orders than the one asked for: make "
            "rng = np.random.default_rng(seed) once and draw rng.permutation(N) each epoch.", _legacy_generator),
]


def _largest(H):
    return np.linalg.eigvalsh(H)[-1]


max_stable_lr.mistakes += [
    Mistake("one example's curvature", "2/(1 + max x²) is the limit for a step on one example (the Hessian of a "
            "single example's cost); the full-batch limit comes from the averaged H = [[1, x̄], [x̄, mean of x²]]: "
            "2/h_max with h_max its largest eigenvalue.", lambda x: 2 / (1 + np.max(x * x))),
    Mistake("variance for the mean of x²", "H's corner is the mean of x², not the variance of x (np.var "
            "subtracts x̄² first): H = [[1, x̄], [x̄, mean of x²]], the averaged curvature of J.",
            lambda x: 2 / _largest(np.array([[1.0, np.mean(x)], [np.mean(x), np.var(x)]]))),
    Mistake("divided by N − 1", "your H is divided by N − 1 (as in a sample variance); J is a mean over the N "
            "examples, so H = XᵀX/N: the means 1, x̄ and mean of x².",
            lambda x: 2 / _largest(_hessian(x) * len(x) / (len(x) - 1))),
]
