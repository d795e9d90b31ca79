"""More catalogued mistakes for notebook 01's exercises (descent.py), from typical answers written blind:
θ₀ and θ₁ swapped in ŷ, a product of means, the legacy global generator, x shuffled but not y, and four
ways to miss 2/h_max.  Imported at the end of descent.py, so every check (and the catalogue tests) has them."""
import numpy as np

from .descent import _hessian, _residual, _run, gradient, max_stable_lr, minibatch_descent
from .harness import Mistake


def _grad_thetas_swapped(theta, x, y):
    r = theta[1] + theta[0] * x - y                          # ŷ = θ₁ + θ₀x
    return np.array([r.mean(), (r * x).mean()])


def _grad_product_of_means(theta, x, y):
    r = _residual(theta, x, y)
    return np.array([r.mean(), r.mean() * x.mean()])        # mean(r)·mean(x), not mean(r·x)


gradient.mistakes += [
    Mistake("θ₀ and θ₁ swapped in ŷ", "your prediction swaps the parameters, ŷ = θ₁ + θ₀x: θ₀ is the intercept "
            "and θ₁ the slope, so r = θ₀ + θ₁x − y (theta[0] + theta[1] * x - y).", _grad_thetas_swapped),
    Mistake("mean(r)·mean(x)", "∂J/∂θ₁ is mean(r)·mean(x), a product of two means; it is the mean of the "
            "products, mean(r·x): each example's residual times its own x, then averaged.", _grad_product_of_means),
]


def _legacy_generator(theta, x, y, lr, batch_size, epochs, seed):
    legacy = np.random.RandomState(seed)                      # what np.random.seed(seed) + np.random.permutation draw
    return _run(theta, x, y, lr, batch_size, epochs, seed, orders=lambda k, rng: legacy.permutation(len(x)))


def _y_in_stored_order(theta, x, y, lr, batch_size, epochs, seed):
    rng, theta = np.random.default_rng(seed), np.array(theta, dtype=np.float64)
    for epoch in range(epochs):
        xs = x[rng.permutation(len(x))]                          # x shuffled, y left in its stored order
        for i in range(0, len(x), batch_size):
            theta = theta - lr * gradient.reference(theta, xs[i:i + batch_size], y[i:i + batch_size])
    return theta


minibatch_descent.mistakes += [
    Mistake("legacy np.random", "the shuffles come from NumPy's legacy global generator (np.random.seed + "
            "np.random.permutation), which draws other orders than the one asked for: make "
            "rng = np.random.default_rng(seed) once and draw rng.permutation(N) each epoch.", _legacy_generator),
    Mistake("x and y mismatched", "x is shuffled but y is sliced in its stored order, so each x meets another "
            "example's y: slice both with the same indices, batch = order[i:i+B], then x[batch] and y[batch].",
            _y_in_stored_order),
]


def _largest(H):
    return np.linalg.eigvalsh(H)[-1]


max_stable_lr.mistakes += [
    Mistake("one example's curvature", "2/(1 + max x²) is the limit for a step on one example (the Hessian of a "
            "single example's cost); the full-batch limit comes from the averaged H = [[1, x̄], [x̄, mean of x²]]: "
            "2/h_max with h_max its largest eigenvalue.", lambda x: 2 / (1 + np.max(x * x))),
    Mistake("h_max, not 2/h_max", "you returned h_max, the largest curvature itself; the largest stable "
            "learning rate is 2/h_max.", lambda x: _largest(_hessian(x))),
    Mistake("trace, not the largest eigenvalue", "1 + mean of x² is the trace of H, the SUM of its two "
            "eigenvalues, not the largest one: take h_max = np.linalg.eigvalsh(H)[-1], then 2/h_max.",
            lambda x: 2 / np.trace(_hessian(x))),
    Mistake("divided by N − 1", "your H is divided by N − 1 (as in a sample variance); J is a mean over the N "
            "examples, so H = XᵀX/N: the means 1, x̄ and mean of x².",
            lambda x: 2 / _largest(_hessian(x) * len(x) / (len(x) - 1))),
]
