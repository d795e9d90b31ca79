"""Lesson 01 (notebooks/01_gradient_descent.ipynb): gradient descent on the study-hours cost landscape.

    stability_limits        h_min, h_max of the Hessian and the α where descent changes character
    conditioning            κ = h_max/h_min and the steps to converge for raw, centered, standardized x
    regression_gradient     ∇J of the study-hours regression (Exercise 1's answer, shown after its check)
    max_stable_lr           2/h_max for any input x (Exercise 2's answer)
    minibatch_thetas        Exercise 4's answer: θ after every update of mini-batch descent
    batch_runs              Paths of any such function (the student's) over seeds, for the figures and tables
    minibatch_descent       THE mini-batch descent as a Path, with an optimizer and a schedule (lesson 03 uses it)
    stochastic_runs         B = 1 descent for many (α, seed) at once, equal to minibatch_thetas (the optional edge)

The figures (``lab.plot_…``) live in descent_plots.py and are re-exported here; they never train.  The digits
network of §4–§5 lives in descent_network.py, the dashboards in dashboards/descent.py, the exercises in
exercises/descent.py.
Left out: momentum and the adaptive optimizers (notebook 03), backpropagation itself (notebook 02).
"""
import numpy as np

from . import data, optimizers, surfaces
from .descent_plots import (FULL_BATCH, batch_color, decade_ticks, figure_once, gallery_paths,  # noqa: F401
                            plot_batch_paths, plot_conditioning, plot_cost_curve, plot_data_lines, plot_landscape,
                            plot_lr_gallery)   # the notebook's lab.plot_… (they live in descent_plots)


# ---- the regression landscape -----------------------------------------------------------
def regression_surface():
    """(x, y, surface): the study-hours data and J(θ₀, θ₁) = 1/(2N) Σ (θ₀ + θ₁ x − y)² for ŷ = θ₀ + θ₁ x."""
    x, y = data.load_study_hours()
    return x, y, surfaces.linear_regression(x, y)


def stability_limits(surface):
    """For a quadratic J: h_min, h_max (eigenvalues of the Hessian H) and the α where descent changes.

    α < 1/h_max: no overshoot in any direction; 1/h_max < α < 2/h_max: overshoots (zig-zags) but
    converges; α > 2/h_max: diverges.  2/(h_min + h_max) is the fastest constant α; κ = h_max/h_min."""
    if surface.hessian is None:
        raise ValueError(f"{surface.name!r} is not a quadratic: its curvature changes from place to place")
    h = np.linalg.eigvalsh(surface.hessian)          # ascending
    h_min, h_max = float(h[0]), float(h[-1])
    return {"h_min": h_min, "h_max": h_max, "kappa": h_max / h_min, "monotone": 1.0 / h_max,
            "best": 2.0 / (h_min + h_max), "diverge": 2.0 / h_max}


def max_stable_lr(x):
    """2/h_max for the regression on inputs x: h_max the largest eigenvalue of H = [[1, x̄], [x̄, mean of x²]]."""
    H = np.array([[1.0, x.mean()], [x.mean(), (x * x).mean()]])      # the Hessian of J: it depends on x only
    return 2.0 / np.linalg.eigvalsh(H)[-1]                         # eigvalsh: ascending


def steps_to_converge(surface, lr, start=None, tol=1e-6, max_steps=100_000):
    """Steps of θ ← θ − α∇J until J − J* is below ``tol`` × its starting value (None if never)."""
    J_star = float(surface.J(*surface.minima[0]))
    theta = np.array(surface.start if start is None else start, dtype=np.float64)
    gap0 = float(surface.J(*theta)) - J_star
    for k in range(max_steps + 1):
        if float(surface.J(*theta)) - J_star <= tol * gap0:
            return k
        theta = theta - lr * surface.gradient(theta)
    return None


def rescaled_inputs(x):
    """{name: input}: x as given, centered (x − x̄) and standardized ((x − x̄)/σ with σ = x.std())."""
    return {"raw x": x, "centered x − x̄": x - x.mean(), "standardized (x − x̄)/σ": (x - x.mean()) / x.std()}


PREDICTED = ("centered x − x̄", "standardized (x − x̄)/σ")     # Exercise 2's predictions, in rescaled_inputs' names


def predictions(my_predictions):
    """{input name: α} from Exercise 2's ``my_predictions()`` → (centered, standardized); {} and one printed line
    while it is unwritten, or when it does not return two positive numbers."""
    try:
        guess = my_predictions()
    except NotImplementedError:
        print("my_predictions is not written yet: descent runs at max_lr's limits instead")
        return {}
    except Exception as err:                      # the student's function: say what went wrong, and go on
        print(f"my_predictions() failed ({type(err).__name__}: {err}): descent runs at max_lr's limits instead")
        return {}
    try:
        values = [float(v) for v in guess]
    except (TypeError, ValueError):
        values = []
    if len(values) != 2 or not all(np.isfinite(v) and v > 0 for v in values):
        print(f"my_predictions() should return two positive numbers (centered, standardized); got {guess!r}: "
              f"descent runs at max_lr's limits instead")
        return {}
    return dict(zip(PREDICTED, values))


def conditioning(x, y, tol=1e-6):
    """Rows (name, surface, limits, steps) for x as given, centered, and standardized; steps at the
    fastest constant α, from θ = (0, 0), until J − J* falls below ``tol`` × its start."""
    rows = []
    for name, u in rescaled_inputs(x).items():
        s = surfaces.linear_regression(u, y)
        lim = stability_limits(s)
        rows.append((name, s, lim, steps_to_converge(s, lim["best"], start=(0.0, 0.0), tol=tol)))
    return rows


def outcome(surface, lr, steps=1000, start=(0.0, 0.0), tol=1e-6):
    """What ``steps`` steps of gradient descent at ``lr`` from ``start`` do, in words: "diverged",
    "converged" (J − J* fell below ``tol`` × its start) or "J − J* fell to …" (still on its way)."""
    theta = np.array(start, dtype=np.float64)
    for _ in range(steps):                                 # θ ← θ − α∇J, as surfaces.descend does
        theta = theta - lr * surface.gradient(theta)
        if not (np.isfinite(theta).all() and np.abs(theta).max() <= BOUND):
            return "diverged"
    J_star = float(surface.J(*surface.minima[0]))
    gap0, gap = float(surface.J(*start)) - J_star, float(surface.J(*theta)) - J_star
    return "converged" if gap <= tol * gap0 else f"J − J* fell to {gap / gap0:.1e} of its start"


def regression_gradient(theta, x, y):
    """∇J over the examples (x, y) given: [mean of r, mean of r·x] with r = θ₀ + θ₁ x − y = ŷ − y."""
    r = theta[0] + theta[1] * x - y
    return np.array([r.mean(), (r * x).mean()])


def minibatch_thetas(theta, x, y, lr, batch_size, epochs, seed, gradient=regression_gradient):
    """θ before training and after every update of mini-batch descent: an array (1 + epochs·⌈N/B⌉, 2).

    One rng = np.random.default_rng(seed); every epoch draws its own rng.permutation(N), in turn, cuts it into
    slices of B (the last one shorter) and steps θ ← θ − α ∇J_batch on each slice's examples."""
    rng = np.random.default_rng(seed)
    thetas = [np.array(theta, dtype=np.float64)]
    for epoch in range(epochs):
        order = rng.permutation(x.size)                     # a new order every epoch
        for start in range(0, x.size, batch_size):
            batch = order[start:start + batch_size]                 # the last slice may be shorter
            thetas.append(thetas[-1] - lr * gradient(thetas[-1], x[batch], y[batch]))
    return np.array(thetas)


BOUND = 1e6                 # |θ| beyond this counts as diverged, as in surfaces.descend


def batch_runs(descend, x, y, lr, batch_size, epochs, seeds=(0,)):
    """[Path per seed] of ``descend(theta, x, y, lr, B, epochs, seed)`` (Exercise 4's contract: the array of θ
    after every update) from the surface's start, with the whole-set J at every row.

    ``path.diverged`` when θ left |θ| ≤ BOUND or went non-finite; ``path.batch_size``, ``.updates_per_epoch``."""
    surface = surfaces.linear_regression(x, y)
    B = min(int(batch_size), x.size)
    paths = []
    for seed in seeds:
        with np.errstate(all="ignore"):              # a diverging run overflows: it is reported, not warned about
            thetas = np.asarray(descend(surface.start.copy(), x, y, lr, B, epochs, seed), dtype=np.float64)
            cost = surface.J(thetas[:, 0], thetas[:, 1])
            diverged = not (np.isfinite(thetas).all() and np.abs(thetas).max() <= BOUND)
        path = surfaces.Path(thetas, cost, diverged)
        path.batch_size, path.updates_per_epoch = B, -(-x.size // B)
        paths.append(path)
    return paths


def spread(values, fmt=".3f"):
    """"median (min … max)" of a few numbers, e.g. one per seed."""
    v = np.asarray(values, dtype=np.float64)
    return f"{np.median(v):{fmt}} ({v.min():{fmt}} … {v.max():{fmt}})"


def seed_rows(descend, x, y, lrs, batch_size, epochs=20, seeds=range(3)):
    """Table rows, one per α, from ``descend`` (Exercise 4's contract) run from every seed: [α, "k of n" runs
    diverged, J − J* over the last epoch of the others (all seeds pooled: min … max), and how much J − J*
    swings within that epoch: max ÷ min, for the seed that swings least]."""
    surface = surfaces.linear_regression(x, y)
    J_star = float(surface.J(*surface.minima[0]))
    rows = []
    for lr in lrs:
        runs = batch_runs(descend, x, y, lr, batch_size, epochs, seeds)
        last = [p.cost[-p.updates_per_epoch:] - J_star for p in runs if not p.diverged]
        span = f"{min(g.min() for g in last):.2g} … {max(g.max() for g in last):.2g}" if last else "—"
        swing = f"×{min(g.max() / g.min() for g in last):.3g}" if last else "—"
        rows.append([f"{lr:g}", f"{len(runs) - len(last)} of {len(runs)}", span, swing])
    return rows


def stochastic_runs(x, y, lrs, epochs, seeds):
    """θ after every update of B = 1 descent for every (α, seed) at once: an array (1 + epochs·N, len(lrs)·len(seeds),
    2), runs ordered α-major.  Each run equals ``minibatch_thetas(start, x, y, α, 1, epochs, seed)`` bit for bit (the
    same draws, the same arithmetic, vectorized over the runs); a diverging run overflows to inf or nan quietly."""
    N, lrs, seeds = x.size, np.asarray(lrs, dtype=np.float64), list(seeds)
    rngs = [np.random.default_rng(seed) for seed in seeds]
    order = np.array([[rng.permutation(N) for rng in rngs] for _ in range(epochs)])   # (epochs, seeds, N)
    order = np.tile(order.transpose(0, 2, 1).reshape(epochs * N, len(seeds)), (1, lrs.size))
    lr = np.repeat(lrs, len(seeds))
    start = surfaces.linear_regression(x, y).start
    t0, t1 = np.full(lr.size, start[0]), np.full(lr.size, start[1])
    thetas = np.empty((1 + epochs * N, lr.size, 2))
    thetas[0] = start
    with np.errstate(all="ignore"):
        for k, i in enumerate(order, 1):                      # i: each run's example for update k
            r = t0 + t1 * x[i] - y[i]                          # one residual per run
            t0, t1 = t0 - lr * r, t1 - lr * (r * x[i])
            thetas[k, :, 0], thetas[k, :, 1] = t0, t1
    return thetas


def stochastic_edge_rows(x, y, lrs, epochs=200, seeds=range(5)):
    """Rows for B = 1 near its edge: [α, "k of n" diverged (|θ| > BOUND), the largest J − J* of the others,
    their J − J* over the last epoch (min … max)], from ``stochastic_runs``."""
    surface = surfaces.linear_regression(x, y)
    J_star, n = float(surface.J(*surface.minima[0])), len(list(seeds))
    thetas = stochastic_runs(x, y, lrs, epochs, seeds)
    with np.errstate(all="ignore"):
        gap = surface.J(thetas[..., 0], thetas[..., 1]) - J_star                   # (updates + 1, runs)
        diverged = ~(np.isfinite(thetas).all(axis=(0, 2)) & (np.abs(thetas).max(axis=(0, 2)) <= BOUND))
    rows = []
    for a, lr in enumerate(lrs):
        kept = [r for r in range(a * n, (a + 1) * n) if not diverged[r]]
        last = gap[-x.size:, kept]
        rows.append([f"{lr:g}", f"{n - len(kept)} of {n}", f"{gap[:, kept].max():.2g}" if kept else "—",
                     f"{last.min():.2g} … {last.max():.2g}" if kept else "—"])
    return rows


def minibatch_descent(x, y, lr, epochs, batch_size=None, seed=0, start=None, optimizer=None, schedule=None):
    """Mini-batch descent on J = 1/(2N) Σ (θ₀ + θ₁ x − y)²: one update per batch of ``batch_size`` examples.

    Each epoch visits the examples in the order of its own ``rng.permutation(N)`` (drawn in turn from
    ``np.random.default_rng(seed)``), in slices of B (the last one shorter when B does not divide N).
    batch_size=None: full batch (B = N); ``optimizer`` defaults to SGD(lr); ``schedule(e)`` sets α
    for epoch e = 0, 1, ….  Returns a surfaces.Path: θ and the whole-set J before training and after every update;
    ``path.batch_size`` = B and ``path.updates_per_epoch`` = ⌈N/B⌉."""
    surface = surfaces.linear_regression(x, y)
    theta = np.array(surface.start if start is None else start, dtype=np.float64)
    N = x.size
    B = N if batch_size is None else min(int(batch_size), N)
    rng = np.random.default_rng(seed)
    opt = optimizers.SGD(lr) if optimizer is None else optimizer
    opt.reset()
    thetas, costs = [theta.copy()], [float(surface.J(*theta))]
    for epoch in range(int(epochs)):
        if schedule is not None:
            opt.lr = schedule(epoch)
        order = rng.permutation(N)
        for start in range(0, N, B):
            batch = order[start:start + B]
            opt.step([theta], [regression_gradient(theta, x[batch], y[batch])])   # θ ← θ − α ∇J_batch
            thetas.append(theta.copy())
            costs.append(float(surface.J(*theta)))
    path = surfaces.Path(np.array(thetas), np.array(costs), False)
    path.batch_size, path.updates_per_epoch = B, -(-N // B)
    return path


def change(start, end):
    """A change in words: "−70%" when it fell, "grew ×257" when it grew."""
    return f"−{1 - end / start:.0%}" if end < start else f"grew ×{end / start:.0f}"
