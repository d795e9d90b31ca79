"""Two-parameter cost surfaces J(θ) with their gradients, and descent paths on them.
Taught in notebooks 01 (gradient descent) and 03 (optimizers).

A Surface's ``J(t0, t1)`` works element-wise on grids (for contour plots); ``gradient(theta)``
takes θ = [θ₀, θ₁].  ``descend`` runs any lessonlib optimizer on a surface and returns the path.
"""
import numpy as np

from . import validation


class Surface:
    """J(θ₀, θ₁) with ∇J, a plotting window, a default start and (where known) the minima."""

    def __init__(self, name, J, gradient, xlim, ylim, start, minima=(), hessian=None, labels=("θ₀", "θ₁")):
        self.name, self._J, self._gradient = name, J, gradient
        self.xlim, self.ylim, self.start = xlim, ylim, np.array(start, dtype=np.float64)
        self.minima, self.hessian, self.labels = [np.array(m, dtype=np.float64) for m in minima], hessian, labels

    def J(self, t0, t1):
        return self._J(t0, t1)

    def gradient(self, theta):
        return np.array(self._gradient(theta[0], theta[1]), dtype=np.float64)

    def grid(self, n=120):
        """(T0, T1, J) on an n×n grid over the plotting window."""
        T0, T1 = np.meshgrid(np.linspace(*self.xlim, n), np.linspace(*self.ylim, n))
        return T0, T1, self.J(T0, T1)

    def max_stable_lr(self):
        """2 / λ_max of the Hessian: plain gradient descent diverges above it (quadratics only)."""
        if self.hessian is None:
            raise ValueError(f"{self.name!r} is not a quadratic: no constant Hessian, no single stability limit")
        return 2.0 / np.linalg.eigvalsh(self.hessian).max()

    def __repr__(self):
        return f"Surface({self.name!r})"


def quadratic(H, theta_star=(0.0, 0.0), name="quadratic", xlim=(-3, 3), ylim=(-3, 3), start=(-2.5, 2.0), labels=("θ₀", "θ₁")):
    """J(θ) = ½ (θ − θ*)ᵀ H (θ − θ*) for a symmetric positive (semi)definite 2×2 H; ∇J = H (θ − θ*)."""
    H = np.asarray(H, dtype=np.float64)
    if H.shape != (2, 2) or not np.allclose(H, H.T):
        raise ValueError(f"H must be a symmetric 2×2 matrix; got shape {H.shape}")
    c0, c1 = theta_star

    def J(t0, t1):
        d0, d1 = t0 - c0, t1 - c1
        return 0.5 * (H[0, 0] * d0 * d0 + 2 * H[0, 1] * d0 * d1 + H[1, 1] * d1 * d1)

    def gradient(t0, t1):
        d0, d1 = t0 - c0, t1 - c1
        return H[0, 0] * d0 + H[0, 1] * d1, H[0, 1] * d0 + H[1, 1] * d1

    return Surface(name, J, gradient, xlim, ylim, start, [theta_star], hessian=H, labels=labels)


def ravine(condition=20.0):
    """An ill-conditioned quadratic: curvature 1 along θ₀ and ``condition`` along θ₁."""
    return quadratic([[1.0, 0.0], [0.0, float(condition)]], name="ravine", xlim=(-3, 3), ylim=(-1.5, 1.5), start=(-2.8, 1.0))


def linear_regression(x, y):
    """The MSE of ŷ = θ₀ + θ₁ x on data (x, y): J = 1/(2N) Σ (θ₀ + θ₁ x − y)², a quadratic in θ."""
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    if x.ndim != 1 or x.shape != y.shape:
        raise ValueError(f"x and y must be 1-D of the same length; got {x.shape} and {y.shape}")
    A = np.column_stack([np.ones_like(x), x])
    H = A.T @ A / x.size                                # Hessian of J
    theta_star = np.linalg.lstsq(A, y, rcond=None)[0]   # the least-squares minimum
    J0 = 0.5 * np.mean((A @ theta_star - y) ** 2)       # the cost left at the minimum
    s = quadratic(H, theta_star, name="linear regression",
                  xlim=(theta_star[0] - 4, theta_star[0] + 4), ylim=(theta_star[1] - 1.5, theta_star[1] + 1.5),
                  start=(theta_star[0] - 3.5, theta_star[1] + 1.2), labels=("θ₀ (intercept)", "θ₁ (slope)"))
    quad_J = s._J
    s._J = lambda t0, t1: quad_J(t0, t1) + J0
    return s


def saddle():
    """J = ½(θ₀² − θ₁²) + θ₁⁴/4: a saddle at the origin between two minima at θ₁ = ±1."""
    return Surface("saddle",
                   lambda t0, t1: 0.5 * (t0 ** 2 - t1 ** 2) + 0.25 * t1 ** 4,
                   lambda t0, t1: (t0, -t1 + t1 ** 3),
                   xlim=(-2, 2), ylim=(-1.6, 1.6), start=(-1.8, 1e-3), minima=[(0, -1), (0, 1)])


def local_minima():
    """A bumpy bowl: J = (θ₀² + θ₁²)/10 − cos(2θ₀) cos(2θ₁)/2 + 1/2, many local minima, the global one at 0."""
    return Surface("local minima",
                   lambda t0, t1: 0.1 * (t0 ** 2 + t1 ** 2) - 0.5 * np.cos(2 * t0) * np.cos(2 * t1) + 0.5,
                   lambda t0, t1: (0.2 * t0 + np.sin(2 * t0) * np.cos(2 * t1), 0.2 * t1 + np.cos(2 * t0) * np.sin(2 * t1)),
                   xlim=(-4, 4), ylim=(-4, 4), start=(-3.3, 2.9), minima=[(0, 0)])


def rosenbrock(a=1.0, b=100.0):
    """J = (a − θ₀)² + b (θ₁ − θ₀²)²: a curved valley with its minimum at (a, a²)."""
    return Surface("rosenbrock",
                   lambda t0, t1: (a - t0) ** 2 + b * (t1 - t0 ** 2) ** 2,
                   lambda t0, t1: (-2 * (a - t0) - 4 * b * t0 * (t1 - t0 ** 2), 2 * b * (t1 - t0 ** 2)),
                   xlim=(-2, 2), ylim=(-1, 3), start=(-1.5, 2.0), minima=[(a, a * a)])


SURFACES = {"ravine": ravine, "saddle": saddle, "local minima": local_minima, "rosenbrock": rosenbrock}


class Path:
    """A descent on a surface: ``theta`` (k+1, 2) with θ after each step, ``cost`` (k+1,)."""

    def __init__(self, theta, cost, diverged, message=""):
        self.theta, self.cost, self.diverged, self.message = theta, cost, diverged, message

    def __repr__(self):
        return f"Path(steps={len(self.cost) - 1}, diverged={self.diverged})"


def descend(surface, optimizer, steps, start=None, bound=1e6):
    """Run ``optimizer`` on ``surface`` from ``start`` for ``steps`` steps.

    Stops early, with ``diverged=True`` and a message, once |θ| exceeds ``bound`` or J is not finite."""
    steps = validation.positive_int(steps, "steps") if steps else 0
    theta = np.array(surface.start if start is None else start, dtype=np.float64)
    if theta.shape != (2,) or not np.isfinite(theta).all():
        raise ValueError(f"start must be two finite numbers [θ₀, θ₁]; got {start!r}")
    optimizer.reset()
    thetas, costs = [theta.copy()], [float(surface.J(*theta))]
    with np.errstate(all="ignore"):
        for k in range(steps):
            optimizer.step([theta], [surface.gradient(theta)])
            J = float(surface.J(*theta))
            if not np.isfinite(J) or np.abs(theta).max() > bound:
                msg = (f"diverged after {k + 1} steps: |θ| passed {bound:g} and J reached {J:.3g}. "
                       f"Try a smaller learning rate than α = {optimizer.lr:g}.")
                return Path(np.array(thetas), np.array(costs), True, msg)
            thetas.append(theta.copy())
            costs.append(J)
    return Path(np.array(thetas), np.array(costs), False)
