"""Lesson 01 (notebooks/01_gradient_descent.ipynb): gradient descent on the study-hours cost landscape.

    stability_limits        h_min, h_max of the Hessian and the α where descent changes character
    conditioning            κ = h_max/h_min and the steps to converge for raw, centered, standardized x
    regression_gradient     ∇J of the study-hours regression (Exercise 1's answer, shown after its check)
    max_stable_lr           2/h_max for any input x (Exercise 2's answer)
    minibatch_thetas        Exercise 4's answer: θ after every update of mini-batch descent
    batch_runs              Paths of any such function (the student's) over seeds, for the figures and tables
    minibatch_descent       THE mini-batch descent as a Path, with an optimizer and a schedule (lesson 03 uses it)

Plot helpers take ``ax=None`` and return the Axes; they never train.  The digits network of §4–§5 lives
in descent_network.py, the dashboards in dashboards/descent.py, the exercises in exercises/descent.py.
Left out: momentum and the adaptive optimizers (notebook 03), backpropagation itself (notebook 02).
"""
import matplotlib.pyplot as plt
import numpy as np

from . import data, optimizers, surfaces
from .plots import BLACK, COLORS, PURPLE, SKY, axes_or_new, plain_log_ticks, plot_contours, plot_path

FULL_BATCH = BLACK          # plain (full-batch) gradient descent: plots.OPTIMIZER_COLORS["SGD"], as in the series
MINI_BATCH, STOCHASTIC = SKY, PURPLE      # colors no optimizer and no data set uses


def batch_color(B, N):
    """The color of gradient descent with batch size B on N examples: full batch, mini-batch, stochastic."""
    return FULL_BATCH if B >= N else STOCHASTIC if B == 1 else MINI_BATCH


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
    J_min = float(surface.J(*surface.minima[0]))
    theta = np.array(surface.start if start is None else start, dtype=np.float64)
    gap0 = float(surface.J(*theta)) - J_min
    for k in range(max_steps + 1):
        if float(surface.J(*theta)) - J_min <= tol * gap0:
            return k
        theta = theta - lr * surface.gradient(theta)
    return None


def rescaled_inputs(x):
    """{name: input}: x as given, centered (x − x̄) and standardized ((x − x̄)/σ with σ = x.std())."""
    return {"raw x": x, "centered x − x̄": x - x.mean(), "standardized (x − x̄)/σ": (x - x.mean()) / x.std()}


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
    path = surfaces.descend(surface, optimizers.SGD(lr), steps, start=start)
    if path.diverged:
        return "diverged"
    gap = path.cost - float(surface.J(*surface.minima[0]))
    return "converged" if gap[-1] <= tol * gap[0] else f"J − J* fell to {gap[-1] / gap[0]:.1e} of its start"


def regression_gradient(theta, x, y):
    """∇J over the examples (x, y) given: [mean of r, mean of r·x] with r = θ₀ + θ₁ x − y = ŷ − y."""
    r = theta[0] + theta[1] * x - y
    return np.array([r.mean(), (r * x).mean()])


def minibatch_thetas(theta, x, y, lr, batch_size, epochs, seed, gradient=regression_gradient):
    """θ before training and after every update of mini-batch descent: an array (1 + epochs·⌈N/B⌉, 2).

    One rng = np.random.default_rng(seed); epoch k cuts its k-th rng.permutation(N) into slices of B (the
    last one shorter) and steps θ ← θ − α ∇J_batch on each slice's examples."""
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


def seed_rows(descend, x, y, lrs, batch_size, epochs=20, seeds=range(5)):
    """Table rows, one per α, from ``descend`` (Exercise 4's contract) run from every seed: [α, "k of n" runs
    diverged, J − J* over the last epoch of the others (min … max), the largest J − J* of any of them]."""
    surface = surfaces.linear_regression(x, y)
    J_min = float(surface.J(*surface.minima[0]))
    rows = []
    for lr in lrs:
        runs = batch_runs(descend, x, y, lr, batch_size, epochs, seeds)
        kept = [p for p in runs if not p.diverged]
        last = [p.cost[-p.updates_per_epoch:] - J_min for p in kept]
        span = f"{min(g.min() for g in last):.2g} … {max(g.max() for g in last):.2g}" if kept else "—"
        peak = f"{max(p.cost.max() for p in kept) - J_min:.2g}" if kept else "—"
        rows.append([f"{lr:g}", f"{len(runs) - len(kept)} of {len(runs)}", span, peak])
    return rows


def minibatch_descent(x, y, lr, epochs, batch_size=None, seed=0, start=None, optimizer=None, schedule=None):
    """Mini-batch descent on J = 1/(2N) Σ (θ₀ + θ₁ x − y)²: one update per batch of ``batch_size`` examples.

    Epoch k visits the examples in the order of the k-th ``rng.permutation(N)`` of
    ``np.random.default_rng(seed)``, in slices of B (the last one shorter when B does not divide N).
    batch_size=None: full batch (B = N); ``optimizer`` defaults to SGD(lr); ``schedule(k)`` sets α
    for epoch k.  Returns a surfaces.Path: θ and the whole-set J before training and after every update;
    ``path.batch_size`` = B and ``path.updates_per_epoch`` = ⌈N/B⌉."""
    surface = surfaces.linear_regression(x, y)
    theta = np.array(surface.start if start is None else start, dtype=np.float64)
    N = x.size
    B = N if batch_size is None else min(int(batch_size), N)
    rng = np.random.default_rng(seed)
    opt = optimizers.SGD(lr) if optimizer is None else optimizer
    opt.reset()
    thetas, costs = [theta.copy()], [float(surface.J(*theta))]
    for k in range(int(epochs)):
        if schedule is not None:
            opt.lr = schedule(k)
        order = rng.permutation(N)
        for start in range(0, N, B):
            batch = order[start:start + B]
            opt.step([theta], [regression_gradient(theta, x[batch], y[batch])])   # θ ← θ − α ∇J_batch
            thetas.append(theta.copy())
            costs.append(float(surface.J(*theta)))
    path = surfaces.Path(np.array(thetas), np.array(costs), False)
    path.batch_size, path.updates_per_epoch = B, -(-N // B)
    return path


# ---- plot helpers (ax=None, return the Axes) ----------------------------------------------
def plot_data_lines(x, y, thetas, surface=None, ax=None, labels=None):
    """The data as points and the line ŷ = θ₀ + θ₁ x for each θ in ``thetas`` (labelled with J)."""
    ax = axes_or_new(ax)
    ax.scatter(x, y, color="#000000", s=30, zorder=3, label="students")
    xs = np.linspace(0, x.max() * 1.05, 2)
    for k, (t0, t1) in enumerate(thetas):
        label = (labels[k] + ": " if labels else "") + f"θ = ({t0:.2f}, {t1:.2f})"
        label += f", J = {surface.J(t0, t1):.2f}" if surface else ""
        ax.plot(xs, t0 + t1 * xs, color=COLORS[k % len(COLORS)], label=label)
    ax.set(xlabel="hours studied x", ylabel="exam score y", title="Each θ is a line; J measures its misfit")
    ax.legend(loc="upper left")
    return ax


def plot_cost_curve(J, dJ, lo, hi, points, ax=None, xlabel="θ", title="A one-parameter cost J(θ)", name="θ"):
    """J(θ) on [lo, hi]; at each of ``points`` the tangent (slope dJ/dθ) and an arrow along −dJ/dθ.

    ``name`` is the parameter's symbol in the labels (e.g. "θ₁")."""
    ax = axes_or_new(ax)
    t = np.linspace(lo, hi, 300)
    ax.plot(t, J(t), color=COLORS[0], label=f"cost J({name})")
    span = hi - lo
    for k, p in enumerate(points):
        s = dJ(p)
        dt = np.array([-0.08, 0.08]) * span
        ax.plot(p + dt, J(p) + s * dt, color=COLORS[7], linewidth=1.5, label=f"tangent (slope dJ/d{name})" if k == 0 else None)
        ax.plot(p, J(p), "o", color=COLORS[7], markersize=7)
        ax.annotate("", xy=(p - np.sign(s) * 0.1 * span, J(p)), xytext=(p, J(p)),
                    arrowprops=dict(arrowstyle="-|>", color=COLORS[1], lw=2.5, mutation_scale=20))
        falling = s < 0                           # write inside the bowl: below right of a falling slope,
        ax.annotate(f"dJ/d{name} = {s:+.1f}".replace("-", "−"), (p, J(p)),   # above left of a rising one
                    xytext=(14, -34) if falling else (-14, 30), textcoords="offset points",
                    ha="left" if falling else "right", va="top" if falling else "bottom",
                    bbox=dict(facecolor="white", alpha=0.85, edgecolor="none"))
    ax.plot([], [], color=COLORS[1], label=f"downhill: sign of −dJ/d{name}")
    ax.set(xlabel=xlabel, ylabel="cost J", title=title)
    ax.legend(loc="upper center")
    return ax


def change(start, end):
    """A change in words: "−70%" when it fell, "grew ×257" when it grew."""
    return f"−{1 - end / start:.0%}" if end < start else f"grew ×{end / start:.0f}"


def gallery_paths(surface, lrs, steps=60):
    """For each α: (Path of ``steps`` steps, the step at which it first left the plotting window or None)."""
    (x0, x1), (y0, y1) = surface.xlim, surface.ylim
    out = []
    for lr in lrs:
        path = surfaces.descend(surface, optimizers.SGD(lr), steps)
        t = path.theta
        left = np.flatnonzero((t[:, 0] < x0) | (t[:, 0] > x1) | (t[:, 1] < y0) | (t[:, 1] > y1))
        out.append((path, int(left[0]) if left.size else None))
    return out


def plot_lr_gallery(surface, cases, steps=60, axes=None):
    """One panel per (α, description) in ``cases``: ``steps`` steps of gradient descent on the contours.

    A path that leaves the window is drawn only until it first leaves, so the panel stays readable."""
    if axes is None:
        _, axes = plt.subplots(1, len(cases), figsize=(4 * len(cases), 4.2), layout="constrained", sharey=True)
    runs = gallery_paths(surface, [lr for lr, _ in cases], steps)
    for k, (ax, (lr, what), (path, left)) in enumerate(zip(axes, cases, runs)):
        if left is not None:                     # keep one point outside, so the line runs off the plot
            path = surfaces.Path(path.theta[:left + 1], path.cost[:left + 1], path.diverged)
        plot_contours(surface, ax=ax, levels=15)
        plot_path(path, ax=ax, color=FULL_BATCH)
        ax.set_title(f"α = {lr:g}: {what}")
        if left is not None:
            ax.text(0.5, 0.04, f"left the plot at step {left}", transform=ax.transAxes, ha="center",
                    bbox=dict(facecolor="white", alpha=0.85, edgecolor="none"))
        if k:
            ax.set_ylabel("")
    axes[0].figure.suptitle("60 steps from the same start (axes not to scale)")
    return axes


def plot_batch_paths(surface, paths, axes=None):
    """Descent paths (dict label → Path from minibatch_descent) on the contours, from the start (a square; the
    full batch's end is a dot), and J − J* against the examples processed (B per update), with the legend."""
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(12, 4.5), layout="constrained")
    plot_contours(surface, ax=axes[0])
    axes[0].plot(*paths[next(iter(paths))].theta[0], "s", color="#000000", markersize=11, zorder=1)
    J_min = float(surface.J(*surface.minima[0]))
    N = max(p.batch_size for p in paths.values())
    for k, (label, path) in enumerate(reversed(paths.items())):         # the full batch last, on top
        full = path.batch_size >= N
        style = dict(color=batch_color(path.batch_size, N), linewidth=3.5 if full else 1.8 - 0.4 * k,
                     zorder=10 if full else 5 - k, label=label)
        axes[0].plot(path.theta[:, 0], path.theta[:, 1], "-", **style)
        if full:
            axes[0].plot(*path.theta[-1], "o", color=FULL_BATCH, markersize=11, zorder=11)   # where it ends
        examples = np.arange(len(path.cost)) * path.batch_size
        axes[1].semilogy(examples, path.cost - J_min, **style)
    axes[0].set_title("Paths of θ from the start ■ (axes not to scale)")
    axes[1].set(xlabel="examples processed (B per update)", ylabel="J(θ) − J(θ*) (log scale)",
                title="Cost against the work done")
    plain_log_ticks(axes[1], "y")
    handles, labels = axes[1].get_legend_handles_labels()
    axes[1].legend(handles[::-1], labels[::-1], loc="lower left")
    return axes


def plot_conditioning(rows, steps=30, half_width=6.0, axes=None):
    """One panel per conditioning() row: contours on a square window around θ* (equal scales) and the
    path of gradient descent at that row's fastest α from θ = (0, 0), at most ``steps`` steps."""
    if axes is None:
        _, axes = plt.subplots(1, len(rows), figsize=(4.3 * len(rows), 4.6), layout="constrained")
    for ax, (name, s, lim, _) in zip(axes, rows):
        c = s.minima[0]
        s.xlim, s.ylim = (c[0] - half_width, c[0] + half_width), (c[1] - half_width, c[1] + half_width)
        plot_contours(s, ax=ax, levels=15)
        plot_path(surfaces.descend(s, optimizers.SGD(lim["best"]), steps, start=(0.0, 0.0)), ax=ax, color=FULL_BATCH)
        ax.set_aspect("equal")
        ax.set_title(f"{name}\nκ = {lim['kappa']:.3g}")
        ax.set_xlabel("θ₀")
        ax.set_ylabel("θ₁")
    return axes
