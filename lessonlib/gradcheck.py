"""Gradient checking: backprop against central differences.  Taught in notebook 02.

  ∂Ĵ/∂θ_i ≈ (Ĵ(θ + ε e_i) − Ĵ(θ − ε e_i)) / (2ε)        error O(ε²)
  relative error = ||g_backprop − g_numeric|| / max(||g_backprop|| + ||g_numeric||, tiny)
In float64 with ε = 1e-5 a correct backward gives about 1e-8 or less; above 1e-7 something is wrong.
(A smaller ε is not better: rounding in Ĵ(θ ± ε e_i) grows like 1/ε, and with ε = 1e-6 the vanishing
gradients of a deep sigmoid net already cross 1e-7.)
"""
import numpy as np

TOLERANCE = 1e-7


def numerical_gradient(cost, theta, eps=1e-5):
    """Central differences of ``cost()`` for every entry of the array ``theta`` (changed and restored in place)."""
    grad = np.zeros_like(theta)
    for i in np.ndindex(theta.shape):
        saved = theta[i]
        theta[i] = saved + eps
        plus = cost()
        theta[i] = saved - eps
        minus = cost()
        theta[i] = saved
        grad[i] = (plus - minus) / (2 * eps)
    return grad


def relative_error(g, g_num):
    return float(np.linalg.norm(g - g_num) / max(np.linalg.norm(g) + np.linalg.norm(g_num), 1e-300))


class GradCheck:
    """One row per parameter: its name, shape and the relative error of backprop's gradient."""

    def __init__(self, rows, tolerance=TOLERANCE):
        self.rows, self.tolerance = rows, tolerance

    @property
    def max_error(self):
        return max(error for _, _, error in self.rows)

    @property
    def passed(self):
        return self.max_error < self.tolerance

    def __str__(self):
        lines = [f"{'parameter':<10} {'shape':<10} {'relative error':>15}   (should be < {self.tolerance:.0e})"]
        for name, shape, error in self.rows:
            verdict = "ok" if error < self.tolerance else "WRONG"
            lines.append(f"{name:<10} {str(shape):<10} {error:>15.1e}   {verdict}")
        return "\n".join(lines)

    def __repr__(self):
        return str(self)


def gradient_check(net, X, Y, eps=1e-5, gradients=None, tolerance=TOLERANCE):
    """Compare ``gradients`` (default: ``net.gradients(X, Y)``) with central differences of ``net.cost``.

    ``gradients`` may be any object with ``dW`` and ``db`` lists, e.g. from a student's own backward.
    """
    X = net.check_X(X)
    Y = net.check_Y(Y, X.shape[1])
    grads = net.gradients(X, Y) if gradients is None else gradients
    cost = lambda: net._cost(net._forward(X), Y)  # noqa: E731  (Ĵ at the current parameters)
    rows = []
    for m, (W, b) in enumerate(zip(net.weights, net.biases), start=1):
        for name, theta, g in ((f"W^{m}", W, grads.dW[m - 1]), (f"b^{m}", b, grads.db[m - 1])):
            g = np.asarray(g, dtype=np.float64)
            if g.shape != theta.shape:
                raise ValueError(f"the gradient for {name} has shape {g.shape}; expected {theta.shape}")
            rows.append((name, theta.shape, relative_error(g, numerical_gradient(cost, theta, eps))))
    return GradCheck(rows, tolerance)
