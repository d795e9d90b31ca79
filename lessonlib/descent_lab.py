"""Lesson 01 (notebooks/01_gradient_descent.ipynb): gradient descent on a cost landscape, then on a network.

    stability_limits        h_min, h_max of the Hessian and the α where descent changes character
    conditioning            κ = h_max/h_min and the steps to converge for raw, centered, standardized x
    regression_gradient     ∇J of the study-hours regression (the reference Exercise 1 is checked against)
    minibatch_descent       THE mini-batch descent on the study-hours regression (lesson 03 uses it too)
    lr_sweep, batch_comparison   digits networks trained with lessonlib.train (cached)

Plot helpers take ``ax=None`` and return the Axes; they never train.  The dashboards live in
lessonlib/dashboards/descent.py, the exercises in lessonlib/exercises/descent.py.  Left out: momentum
and the adaptive optimizers (notebook 03), backpropagation itself (notebook 02).
"""
from dataclasses import dataclass
from functools import lru_cache

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import FuncFormatter

from . import data, optimizers, surfaces
from .network import Network
from .plots import BLACK, COLORS, PURPLE, SKY, axes_or_new, plain_log_ticks, plot_contours, plot_path
from .training import train

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


def conditioning(x, y, tol=1e-6):
    """Rows (name, surface, limits, steps) for x as given, centered, and standardized; steps at the
    fastest constant α, from θ = (0, 0), until J − J* falls below ``tol`` × its start."""
    rows = []
    for name, u in [("raw x", x), ("centered x − x̄", x - x.mean()), ("standardized (x − x̄)/σ", (x - x.mean()) / x.std())]:
        s = surfaces.linear_regression(u, y)
        lim = stability_limits(s)
        rows.append((name, s, lim, steps_to_converge(s, lim["best"], start=(0.0, 0.0), tol=tol)))
    return rows


def regression_gradient(theta, x, y):
    """∇J over the examples (x, y) given: [mean of r, mean of r·x] with r = θ₀ + θ₁ x − y = ŷ − y."""
    r = theta[0] + theta[1] * x - y
    return np.array([r.mean(), (r * x).mean()])


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
        for i in range(0, N, B):
            batch = order[i:i + B]
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
    ax.legend(loc="upper left", fontsize=11)
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
        side = -1 if s > 0 else 1                 # write beside the tangent, on the side it leaves free
        ax.annotate(f"dJ/d{name} = {s:+.1f}".replace("-", "−"), (p, J(p)), xytext=(12 * side, 14),
                    textcoords="offset points", ha="left" if side > 0 else "right", fontsize=13)
    ax.plot([], [], color=COLORS[1], label=f"downhill: sign of −dJ/d{name}")
    ax.set(xlabel=xlabel, ylabel="cost J", title=title)
    ax.legend(loc="upper center", fontsize=11)
    return ax


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
        ax.set_title(f"α = {lr:g}: {what}", fontsize=13)
        if left is not None:
            ax.text(0.5, 0.04, f"left the plot at step {left}", transform=ax.transAxes, ha="center",
                    fontsize=12, bbox=dict(facecolor="white", alpha=0.85, edgecolor="none"))
        if k:
            ax.set_ylabel("")
    axes[0].figure.suptitle("60 steps from the same start (axes not to scale)", fontsize=14)
    return axes


def plot_batch_paths(surface, paths, axes=None):
    """Descent paths (dict label → Path from minibatch_descent) on the contours, and J − J* against the
    number of examples processed (B per update) beside them."""
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(12, 4.5), layout="constrained")
    plot_contours(surface, ax=axes[0])
    axes[0].plot(*paths[next(iter(paths))].theta[0], "s", color="#000000", markersize=11, zorder=1,
                 label="start")
    J_min = float(surface.J(*surface.minima[0]))
    N = max(p.batch_size for p in paths.values())
    for k, (label, path) in enumerate(reversed(paths.items())):         # the full batch last, on top
        full = path.batch_size >= N
        style = dict(color=batch_color(path.batch_size, N), linewidth=3.5 if full else 1.8 - 0.4 * k,
                     zorder=10 if full else 5 - k, label=label)
        axes[0].plot(path.theta[:, 0], path.theta[:, 1], "-", **style)
        if full:
            axes[0].plot(*path.theta[-1], "o", color=FULL_BATCH, markersize=11, zorder=11,
                         label="full batch: where it ends")
        examples = np.arange(len(path.cost)) * path.batch_size
        axes[1].semilogy(examples, path.cost - J_min, **style)
    axes[0].set_title("Paths of θ (same number of epochs; axes not to scale)", fontsize=13)
    axes[0].legend(loc="lower left", fontsize=11)
    axes[1].set(xlabel="examples processed (B per update)", ylabel="J(θ) − J(θ*) (log scale)",
                title="Cost against the work done")
    plain_log_ticks(axes[1], "y")
    handles, labels = axes[1].get_legend_handles_labels()
    axes[1].legend(handles[::-1], labels[::-1], loc="upper right", fontsize=11)
    return axes


def plot_batch_comparison(runs, N, axes=None):
    """Training cost per epoch (left) and against the number of updates (right) for dict label → (Run, B).

    Epoch 0 is the cost before training; an epoch of batch size B makes ⌈N/B⌉ updates."""
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(12, 4.5), layout="constrained")
    for label, (run, B) in runs.items():
        epochs = np.arange(len(run.cost))
        color = batch_color(B, N)
        axes[0].plot(epochs, run.cost, "o-", color=color, markersize=6, label=label)
        axes[1].plot(epochs * -(-N // B), run.cost, "o", color=color, markersize=8, label=label)   # measured once per epoch
    axes[0].set(xlabel="epoch (passes over the data; 0 = before training)", ylabel="training cost J",
                title="Same number of epochs")
    axes[1].set_xscale("symlog", linthresh=1)               # 0 updates (before training) stays on the axis
    axes[1].xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))     # 1000, not 10³
    axes[1].set(xlabel="updates of θ (0, then log scale)", ylabel="training cost J (once per epoch)",
                title="…but very different numbers of updates")
    for ax in axes:
        ax.legend(fontsize=11)
    return axes


# ---- digits networks (precomputed, cached) ------------------------------------------------
DIGITS_SIZES = (64, 32, 10)


@dataclass
class Run:
    """One training run: ``cost`` = J on the training set at epochs 0 (before training) … E, and the History."""
    cost: np.ndarray
    history: object

    @property
    def failed(self):
        """Diverged (J blew up) or ended above the cost it started from: the run made things worse."""
        return self.history.diverged or self.cost[-1] > self.cost[0]


@lru_cache(maxsize=None)
def _digits():
    return data.load_digits()


def digits_net(seed=0):
    """The small network of section 4: 64 → 32 (tanh) → 10 (softmax), cross-entropy cost."""
    return Network(list(DIGITS_SIZES), activation="tanh", output="softmax", loss="cross_entropy", seed=seed)


def train_digits(lr, epochs, batch_size=None, seed=0):
    """A fresh digits_net(seed) trained with SGD(lr) by lessonlib.train; returns a Run (J from epoch 0)."""
    X, _, Y, _ = _digits()
    net = digits_net(seed)
    J0 = net.cost(X, Y)
    history = train(net, X, Y, optimizers.SGD(lr), epochs, batch_size=batch_size, seed=seed)
    return Run(np.array([J0] + list(history.train_cost)), history)


@lru_cache(maxsize=None)
def lr_sweep(min_exp=-1.5, max_exp=1.0, step=0.1, epochs=30, seed=0):
    """Full-batch training for every α = 10^e on the slider's grid: (exponents, tuple of Runs)."""
    exps = np.round(np.arange(min_exp, max_exp + step / 2, step), 6)
    return exps, tuple(train_digits(10.0 ** e, epochs, seed=seed) for e in exps)


LR_GRID = (0.01, 0.03, 0.1, 0.3, 1.0, 3.0)      # steps of about √10


@lru_cache(maxsize=None)
def steady_lr(batch_size=None, epochs=6, grid=LR_GRID, seed=0):
    """The largest α on ``grid`` whose training cost falls in every one of ``epochs`` epochs (no bounce, no
    failure) for a digits_net(seed) trained with this batch size: (α, dict α → Run of every α tried)."""
    runs = {lr: train_digits(lr, epochs, batch_size=batch_size, seed=seed) for lr in grid}
    steady = [lr for lr, r in runs.items() if not r.failed and np.all(np.diff(r.cost) < 0)]
    return max(steady), runs


@lru_cache(maxsize=None)
def batch_comparison(epochs=6, seed=0, batch_sizes=((None, "full batch"), (32, "mini-batch B = 32"),
                                                     (1, "stochastic B = 1"))):
    """dict label → (Run, B) for digits nets trained the same number of epochs with each batch size, each at
    its steady_lr (the largest α on LR_GRID whose cost falls every epoch)."""
    N = _digits()[0].shape[1]
    out = {}
    for B, name in batch_sizes:
        lr, runs = steady_lr(B, epochs, seed=seed)
        out[f"{name}, α = {lr:g}"] = (runs[lr], N if B is None else B)
    return out


CRAWL_FACTOR = 2.0          # a run "crawls" when its final J is above CRAWL_FACTOR × the best final J


def crawl_threshold(runs):
    """The final J above which a run that neither fails nor bounces counts as crawling: CRAWL_FACTOR × best."""
    return CRAWL_FACTOR * min(np.inf if r.failed else r.cost[-1] for r in runs)


def classify_runs(runs):
    """What each training run did: "fails" (blew up, or ended above the J it started from), "bounces"
    (J rose in some epoch), "crawls" (ends above crawl_threshold: twice the best final J) or "smooth"."""
    limit = crawl_threshold(runs)
    kinds = []
    for r in runs:
        if r.failed:
            kinds.append("fails")
        elif np.any(np.diff(r.cost) > 0):
            kinds.append("bounces")
        elif r.cost[-1] > limit:
            kinds.append("crawls")
        else:
            kinds.append("smooth")
    return kinds


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
        ax.set_title(f"{name}\nκ = {lim['kappa']:.3g}", fontsize=13)
        ax.set_xlabel("θ₀")
        ax.set_ylabel("θ₁")
    return axes
