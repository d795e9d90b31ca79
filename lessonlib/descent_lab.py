"""Lesson 01 (notebooks/01_gradient_descent.ipynb): gradient descent on a cost landscape, then on a network.

    stability_limits      1/λ_max, 2/(λ_min + λ_max), 2/λ_max from the Hessian's eigenvalues
    minibatch_descent     gradient descent on the regression MSE, the gradient from batches of examples
    lr_sweep, batch_comparison   digits networks trained with lessonlib.train (cached)
    DASHBOARDS            the learning-rate explorer (regression surface) and α on a digits network
    check_gd_step, check_max_stable_lr   the exercises' checks

Plot helpers take ``ax=None`` and return the Axes; they never train.  Left out: momentum and the
adaptive optimizers (notebook 03), backpropagation itself (notebook 02).
"""
from functools import lru_cache

import matplotlib.pyplot as plt
import numpy as np

from . import data, optimizers, surfaces
from .dashboards.machinery import Dashboard, dropdown, int_slider, log_slider, new_figure
from .network import Network
from .plots import COLORS, axes_or_new, plot_contours, plot_path, presentation_style
from .training import train

from threadpoolctl import threadpool_limits   # small matrices: one BLAS thread is fastest and steadiest

SMOOTH, ZIGZAG, DIVERGE = "#009E73", "#E69F00", "#D55E00"


# ---- the regression landscape -----------------------------------------------------------
def regression_surface():
    """(x, y, surface): the study-hours data and its MSE J(θ₀, θ₁) for ŷ = θ₀ + θ₁ x."""
    x, y = data.load_study_hours()
    return x, y, surfaces.linear_regression(x, y)


def stability_limits(surface):
    """For a quadratic J: λ_min, λ_max of the Hessian and the α where descent changes character.

    α < 1/λ_max: no overshoot in any direction; 1/λ_max < α < 2/λ_max: overshoots (zig-zags) but
    converges; α > 2/λ_max: diverges.  2/(λ_min + λ_max) is the fastest constant α."""
    if surface.hessian is None:
        raise ValueError(f"{surface.name!r} is not a quadratic: its curvature changes from place to place")
    lam = np.linalg.eigvalsh(surface.hessian)          # ascending
    lam_min, lam_max = float(lam[0]), float(lam[-1])
    return {"lam_min": lam_min, "lam_max": lam_max, "monotone": 1.0 / lam_max,
            "best": 2.0 / (lam_min + lam_max), "diverge": 2.0 / lam_max}


def regression_gradient(theta, x, y):
    """∇J for J = 1/(2B) Σ (θ₀ + θ₁ x − y)² over the examples (x, y) given: [mean r, mean r x], r = ŷ − y."""
    r = theta[0] + theta[1] * x - y
    return np.array([r.mean(), (r * x).mean()])


def minibatch_descent(x, y, lr, epochs, batch_size=None, start=None, seed=0):
    """Gradient descent on the regression MSE with the gradient from batches of ``batch_size`` examples.

    batch_size=None: full batch; 1: stochastic.  Each epoch shuffles the examples from ``seed``.
    Returns a surfaces.Path with θ and the whole-set J after every update (one update per batch)."""
    surface = surfaces.linear_regression(x, y)
    theta = np.array(surface.start if start is None else start, dtype=np.float64)
    N = x.size
    B = N if batch_size is None else min(int(batch_size), N)
    rng, opt = np.random.default_rng(seed), optimizers.SGD(lr)
    thetas, costs = [theta.copy()], [float(surface.J(*theta))]
    for _ in range(int(epochs)):
        order = rng.permutation(N) if B < N else np.arange(N)
        for i in range(0, N, B):
            batch = order[i:i + B]
            opt.step([theta], [regression_gradient(theta, x[batch], y[batch])])   # θ ← θ − α ∇J_batch
            thetas.append(theta.copy())
            costs.append(float(surface.J(*theta)))
    return surfaces.Path(np.array(thetas), np.array(costs), False)


# ---- plot helpers (ax=None, return the Axes) ----------------------------------------------
def plot_data_lines(x, y, thetas, surface=None, ax=None):
    """The data as points and the line ŷ = θ₀ + θ₁ x for each θ in ``thetas`` (labelled with J)."""
    ax = axes_or_new(ax)
    ax.scatter(x, y, color="#000000", s=30, zorder=3, label="students")
    xs = np.linspace(0, x.max() * 1.05, 2)
    for k, (t0, t1) in enumerate(thetas):
        label = f"θ = ({t0:.2f}, {t1:.2f})" + (f", J = {surface.J(t0, t1):.2f}" if surface else "")
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


def plot_surface3d(surface, ax=None, n=60):
    """J over the surface's window as a 3-D surface (``ax`` must be a 3-D Axes, or None)."""
    if ax is None:
        ax = plt.figure(figsize=(6, 4.5)).add_subplot(projection="3d")
    T0, T1, J = surface.grid(n)
    ax.plot_surface(T0, T1, J, cmap="viridis", linewidth=0, antialiased=True, alpha=0.9)
    ax.set_xlabel(surface.labels[0], labelpad=10)
    ax.set_ylabel(surface.labels[1], labelpad=10)
    ax.set_zlabel("J(θ)", labelpad=6)
    ax.set_title(f"J as a landscape ({surface.name})")
    ax.view_init(elev=30, azim=-60)
    return ax


def plot_gradient_field(surface, ax=None, n=9, equal=True):
    """Contours of J with an arrow along −∇J on a square grid, n points tall (equal lengths: direction only)."""
    ax = plot_contours(surface, ax=ax)
    h = (surface.ylim[1] - surface.ylim[0]) / (n + 1)                  # grid spacing, the same both ways
    t0, t1 = np.meshgrid(np.arange(surface.xlim[0] + h / 2, surface.xlim[1], h),
                         np.arange(surface.ylim[0] + h / 2, surface.ylim[1], h))
    g = np.array([surface.gradient(p) for p in np.column_stack([t0.ravel(), t1.ravel()])])
    norm = np.linalg.norm(g, axis=1)
    keep = norm > 1e-12 * norm.max()                                    # no arrow where ∇J = 0
    d = -g[keep] / norm[keep, None]
    ax.quiver(t0.ravel()[keep], t1.ravel()[keep], d[:, 0], d[:, 1], color=COLORS[1], angles="xy",
              scale_units="xy", scale=1 / (0.75 * h), width=0.0035, label="−∇J (downhill)")
    if equal:
        ax.set_aspect("equal")
    ax.set_title("−∇J points downhill, across the contour lines")
    ax.legend(loc="upper right", fontsize=11)
    return ax


def plot_lr_gallery(surface, cases, steps=60, axes=None):
    """One panel per (α, description) in ``cases``: ``steps`` steps of gradient descent on the contours.

    A path that leaves the window is drawn only until it first leaves, so the panel stays readable."""
    if axes is None:
        _, axes = plt.subplots(1, len(cases), figsize=(4 * len(cases), 4.2), layout="constrained", sharey=True)
    (x0, x1), (y0, y1) = surface.xlim, surface.ylim
    for k, (ax, (lr, what)) in enumerate(zip(axes, cases)):
        path = surfaces.descend(surface, optimizers.SGD(lr), steps)
        t = path.theta
        out = np.flatnonzero((t[:, 0] < x0) | (t[:, 0] > x1) | (t[:, 1] < y0) | (t[:, 1] > y1))
        left = out.size > 0
        if left:                                    # keep one point outside, so the line runs off the plot
            path = surfaces.Path(t[:out[0] + 1], path.cost[:out[0] + 1], path.diverged)
        plot_contours(surface, ax=ax, levels=15)
        plot_path(path, ax=ax)
        ax.set_title(f"α = {lr:g}: {what}", fontsize=14)
        if left:
            ax.text(0.5, 0.04, f"left the plot at step {out[0]}", transform=ax.transAxes, ha="center",
                    fontsize=12, bbox=dict(facecolor="white", alpha=0.85, edgecolor="none"))
        if k:
            ax.set_ylabel("")
    return axes


def plot_batch_paths(surface, paths, axes=None):
    """Descent paths (dict label → Path) on the contours, and J after every update beside them."""
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(12, 4.5), layout="constrained")
    plot_contours(surface, ax=axes[0])
    J_min = float(surface.J(*surface.minima[0]))
    for k, (label, path) in enumerate(paths.items()):
        style = dict(color=COLORS[k], linewidth=2.5 - 0.6 * k, zorder=5 - k, label=label)
        axes[0].plot(path.theta[:, 0], path.theta[:, 1], "-", **style)
        axes[1].semilogy(np.arange(len(path.cost)), path.cost - J_min, **style)
    axes[0].plot(*paths[next(iter(paths))].theta[0], "s", color="#000000", markersize=9)
    axes[0].set_title("Paths of θ (same number of epochs)")
    axes[0].legend(loc="lower left", fontsize=11)
    axes[1].set(xlabel="updates of θ (gradient evaluations)", ylabel="J(θ) − J(θ*)",
                title="Cost after every update", xscale="log")
    axes[1].legend(loc="lower left", fontsize=11)
    return axes


def plot_batch_comparison(histories, N, axes=None):
    """Training cost per epoch (left) and against the number of updates (right) for dict label → (History, B).

    An epoch of batch size B makes ⌈N/B⌉ updates; the right panel starts after the first epoch."""
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(12, 4.5), layout="constrained")
    for k, (label, (history, B)) in enumerate(histories.items()):
        epochs = np.arange(0, len(history.train_cost) + 1)
        cost = [history.initial_cost] + list(history.train_cost)
        updates = epochs * int(np.ceil(N / B))
        axes[0].plot(epochs, cost, "o-", color=COLORS[k], markersize=4, label=label)
        axes[1].plot(updates[1:], cost[1:], "o-", color=COLORS[k], markersize=4, label=label)   # log x: no 0
    axes[0].set(xlabel="epoch (passes over the data)", ylabel="training cost J", title="Same number of epochs")
    axes[1].set(xlabel="updates of θ (log scale)", ylabel="training cost J", title="…but very different numbers of updates",
                xscale="log")
    for ax in axes:
        ax.legend(fontsize=11)
    return axes


# ---- digits networks (precomputed, cached) ------------------------------------------------
DIGITS_SIZES = (64, 32, 10)


@lru_cache(maxsize=None)
def digits():
    return data.load_digits()


def digits_net(seed=0):
    """The small network of section 4: 64 → 32 (tanh) → 10 (softmax), cross-entropy cost."""
    return Network(list(DIGITS_SIZES), activation="tanh", output="softmax", loss="cross_entropy", seed=seed)


def train_digits(lr, epochs, batch_size=None, seed=0):
    """A fresh digits_net(seed) trained with SGD(lr) by lessonlib.train; returns its History.

    ``history.initial_cost`` is J before the first update."""
    X, _, Y, _ = digits()
    net = digits_net(seed)
    with threadpool_limits(1):
        J0 = net.cost(X, Y)
        history = train(net, X, Y, optimizers.SGD(lr), epochs, batch_size=batch_size, seed=seed)
    history.initial_cost = J0
    return history


@lru_cache(maxsize=None)
def lr_sweep(min_exp=-1.5, max_exp=1.0, step=0.1, epochs=30, seed=0):
    """Full-batch training for every α = 10^e on the slider's grid: (exponents, tuple of Histories)."""
    exps = np.round(np.arange(min_exp, max_exp + step / 2, step), 6)
    return exps, tuple(train_digits(10.0 ** e, epochs, seed=seed) for e in exps)


@lru_cache(maxsize=None)
def batch_comparison(epochs=6, seed=0, settings=(("full batch, α = 1", None, 1.0),
                                                  ("mini-batch B = 32, α = 0.1", 32, 0.1),
                                                  ("stochastic B = 1, α = 0.01", 1, 0.01))):
    """dict label → (History, B) for digits nets trained the same number of epochs with each batch size."""
    N = digits()[0].shape[1]
    return {label: (train_digits(lr, epochs, batch_size=B, seed=seed), N if B is None else B)
            for label, B, lr in settings}


# ---- dashboards ---------------------------------------------------------------------------
def _grid_figure(height_ratios=(5, 1)):
    """Two panels on top and a thin strip spanning the width below (for the α axis)."""
    fig, axes = new_figure(figsize=(11, 5.6), ncols=2, nrows=2, gridspec_kw={"height_ratios": height_ratios})
    with presentation_style():
        gs = axes[2].get_gridspec()
        axes[2].remove()
        axes[3].remove()
        strip = fig.add_subplot(gs[1, :])
    return fig, axes[0], axes[1], strip


def _failed(history):
    """Diverged (J blew up) or ended above the cost it started from: the run made things worse."""
    return history.diverged or history.train_cost[-1] > history.initial_cost


def classify_runs(histories):
    """What each training run did: "diverges" (blew up, or ended above the J it started from), "bounces"
    (J rose in some epoch), "crawls" (ends above twice the best final J) or "good"."""
    finals = [np.inf if _failed(h) else h.train_cost[-1] for h in histories]
    best = min(finals)
    kinds = []
    for h, J in zip(histories, finals):
        cost = np.array([h.initial_cost] + h.train_cost)
        if _failed(h):
            kinds.append("diverges")
        elif np.any(np.diff(cost) > 0):
            kinds.append("bounces")
        elif J > 2 * best:
            kinds.append("crawls")
        else:
            kinds.append("good")
    return kinds


def _bands(lrs, kinds, step):
    """Runs of equal kind on the log grid → (from, to, colour, label) bands, edges halfway between points."""
    colors = {"crawls": SMOOTH, "good": COLORS[5], "bounces": ZIGZAG, "diverges": DIVERGE}
    half = 10 ** (step / 2)
    bands, k = [], 0
    while k < len(kinds):
        j = k
        while j + 1 < len(kinds) and kinds[j + 1] == kinds[k]:
            j += 1
        text = "fails or diverges" if kinds[k] == "diverges" else kinds[k]
        bands.append((lrs[k] / half, lrs[j] * half, colors[kinds[k]], text))
        k = j + 1
    return bands


def _alpha_strip(ax, lo, hi, bands, marks):
    """The slider's α range on a log axis, coloured by what gradient descent does there."""
    ax.set_xscale("log")
    ax.set_xlim(lo, hi)
    ax.set_ylim(0, 1)
    ax.set_yticks([])
    ax.grid(False)
    for a, b, color, text in bands:
        a, b = max(a, lo), min(b, hi)
        if a < b:
            ax.axvspan(a, b, color=color, alpha=0.35, linewidth=0)
            ax.text(np.sqrt(a * b), 0.72, text, ha="center", va="center", fontsize=11)
    for k, (x, text) in enumerate(marks):
        if lo < x < hi:
            ax.axvline(x, color="#000000", linewidth=1.5)
            ax.text(x, 1.04, text, ha="right" if k < len(marks) - 1 else "left", va="bottom", fontsize=11,
                    transform=ax.get_xaxis_transform())
    ax.set_xlabel("learning rate α (log scale)")
    marker, = ax.plot([], [], marker="v", color="#000000", markersize=14, linestyle="none", animated=True,
                      clip_on=False)
    return marker


def learning_rate_explorer(lr=0.04, steps=100, start="top left", surface=None, max_steps=150):
    """Gradient descent on the regression surface: α (log slider), the number of steps, the start."""
    if surface is None:
        surface = regression_surface()[2]
    lim = stability_limits(surface)
    t_star = surface.minima[0]
    J_min = float(surface.J(*t_star))
    span0, span1 = np.diff(surface.xlim)[0], np.diff(surface.ylim)[0]
    starts = {"top left": tuple(surface.start),
              "bottom right": (t_star[0] + 0.4 * span0, t_star[1] - 0.4 * span1),
              "top right": (t_star[0] + 0.35 * span0, t_star[1] + 0.45 * span1)}
    min_exp, max_exp = -3.0, -0.7
    fig, ax_path, ax_cost, strip = _grid_figure()
    with presentation_style():
        plot_contours(surface, ax=ax_path)
        ax_path.set_title("Path of θ on the contours of J")
        path_line, = ax_path.plot([], [], "o-", color=COLORS[1], markersize=4, linewidth=1.8, animated=True)
        start_dot, = ax_path.plot([], [], "s", color=COLORS[1], markersize=10, animated=True)
        ax_cost.set(xlim=(0, max_steps), ylim=(1e-3, 1e3), yscale="log", xlabel="step k",
                    ylabel="J(θ) − J(θ*)", title="Cost above its minimum, per step")
        cost_line, = ax_cost.plot([], [], color=COLORS[1], animated=True)
        note = ax_cost.text(0.97, 0.95, "", transform=ax_cost.transAxes, ha="right", va="top", fontsize=12,
                            animated=True, bbox=dict(facecolor="white", alpha=0.85, edgecolor="none"))
        marker = _alpha_strip(strip, 10 ** min_exp, 10 ** max_exp,
                              [(0, lim["monotone"], SMOOTH, "smooth (small α crawls)"),
                               (lim["monotone"], lim["diverge"], ZIGZAG, "zig-zag"),
                               (lim["diverge"], np.inf, DIVERGE, "diverges")],
                              [(lim["monotone"], f"1/λ_max = {lim['monotone']:.3f}"),
                               (lim["diverge"], f"2/λ_max = {lim['diverge']:.3f}")])

    def update(lr, steps, start):
        path = surfaces.descend(surface, optimizers.SGD(lr), steps, start=starts[start])
        path_line.set_data(path.theta[:, 0], path.theta[:, 1])
        start_dot.set_data([path.theta[0, 0]], [path.theta[0, 1]])
        gap = path.cost - J_min
        cost_line.set_data(np.arange(len(gap)), np.clip(gap, 1e-12, 1e12))
        marker.set_data([lr], [0.3])
        if lr > lim["diverge"]:
            kind = "diverges"
        elif lr > lim["monotone"]:
            kind = "zig-zags across the valley"
        else:
            kind = "no overshoot"
        note.set_text(f"α = {lr:.3g}: {kind}\nJ − J* : {gap[0]:.3g} → {gap[-1]:.3g}")
        if lr > lim["diverge"]:
            head = (path.message if path.diverged else
                    f"diverging: J − J* grew from {gap[0]:.3g} to {gap[-1]:.3g} in {steps} steps.")
            return (f"{head} α = {lr:.3g} is above 2/λ_max = {lim['diverge']:.3f}, the largest stable "
                    f"learning rate for this surface.")
        return None

    controls = {"lr": log_slider("learning rate α", lr, min_exp, max_exp),
                "steps": int_slider("steps", steps, 1, max_steps),
                "start": dropdown("start", list(starts), start)}
    return Dashboard(controls, update, fig, title="Gradient descent on the study-hours cost")


def network_learning_rate(lr=1.0, reference=1.0, epochs=30, seed=0, min_exp=-1.5, max_exp=1.0, step=0.1):
    """Full-batch gradient descent on a digits network: α picks one of the precomputed training runs."""
    exps, runs = lr_sweep(min_exp, max_exp, step, epochs, seed)
    lrs = 10.0 ** exps
    diverged = np.array([_failed(h) for h in runs])               # blew up, or ended above its start
    final = np.array([np.nan if bad else h.train_cost[-1] for h, bad in zip(runs, diverged)])
    first_bad = lrs[diverged].min() if diverged.any() else None
    worked = lrs[~diverged & (lrs < (first_bad or np.inf))]
    advice = (f"try α = {worked.max():.2g}, the largest on this slider that worked" if worked.size
              else "try a smaller α")
    marks = [(first_bad / 10 ** (step / 2), f"fails from α ≈ {first_bad:.2g}")] if first_bad else []
    ref = runs[int(np.argmin(np.abs(exps - np.log10(reference))))]
    J0 = runs[0].initial_cost
    top = 1.25 * J0
    fig, ax_cost, ax_final, strip = _grid_figure()
    with presentation_style():
        for h in runs:
            ax_cost.plot(np.arange(0, len(h.train_cost) + 1), [h.initial_cost] + h.train_cost,
                         color="#999999", linewidth=0.8, alpha=0.5)
        ax_cost.plot(np.arange(0, len(ref.train_cost) + 1), [ref.initial_cost] + ref.train_cost, "--",
                     color=COLORS[0], linewidth=2, label=f"reference α = {reference:g}")
        chosen, = ax_cost.plot([], [], color=COLORS[1], linewidth=3, label="chosen α", animated=True)
        ax_cost.set(xlim=(0, epochs), ylim=(0, top), xlabel="epoch", ylabel="training cost J",
                    title="Cost per epoch (grey: every α on the slider)")
        ax_cost.legend(loc="lower left", fontsize=11)
        ax_final.semilogx(lrs, final, "o-", color=COLORS[0], markersize=5)
        ax_final.plot(lrs[diverged], np.full(diverged.sum(), 0.95 * top), "x", color=DIVERGE, markersize=10,
                      markeredgewidth=2.5, label="diverged or failed")
        ax_final.set(xlim=(lrs[0] / 1.2, lrs[-1] * 1.2), ylim=(0, top), xlabel="learning rate α (log scale)",
                     ylabel=f"J after {epochs} epochs", title=f"Cost after {epochs} epochs against α")
        if diverged.any():
            ax_final.legend(loc="upper left", fontsize=11)
        now, = ax_final.plot([], [], "o", color=COLORS[1], markersize=13, animated=True)
        note = ax_cost.text(0.97, 0.95, "", transform=ax_cost.transAxes, ha="right", va="top", fontsize=12,
                            animated=True, bbox=dict(facecolor="white", alpha=0.85, edgecolor="none"))
        marker = _alpha_strip(strip, lrs[0] / 10 ** (step / 2), lrs[-1] * 10 ** (step / 2),
                              _bands(lrs, classify_runs(runs), step), marks)

    def update(lr):
        k = int(np.clip(np.round((np.log10(lr) - exps[0]) / step), 0, len(exps) - 1))
        h = runs[k]
        cost = [h.initial_cost] + h.train_cost
        chosen.set_data(np.arange(len(cost)), np.clip(cost, 0, 10 * top))
        now.set_data([lrs[k]], [0.95 * top if h.diverged else final[k]])
        marker.set_data([lrs[k]], [0.3])
        if h.diverged:
            note.set_text(f"α = {lrs[k]:.3g}: diverged")
            return (f"α = {lrs[k]:.3g} diverged at epoch {len(h.train_cost)}: the cost shot up to "
                    f"{h.train_cost[-1]:.3g} (it started at {h.initial_cost:.3g}). Steps this large overshoot "
                    f"the valley further each time; {advice}.")
        if diverged[k]:
            note.set_text(f"α = {lrs[k]:.3g}: failed")
            return (f"α = {lrs[k]:.3g} failed: after {epochs} epochs J = {h.train_cost[-1]:.3g}, worse than the "
                    f"{h.initial_cost:.3g} it started from (training accuracy {h.train_accuracy[-1]:.0%}). "
                    f"{advice[0].upper() + advice[1:]}.")
        note.set_text(f"α = {lrs[k]:.3g}\nJ after {epochs} epochs: {h.train_cost[-1]:.3f}\n"
                      f"training accuracy: {h.train_accuracy[-1]:.1%}")
        return None

    controls = {"lr": log_slider("learning rate α", lr, min_exp, max_exp, step=step)}
    return Dashboard(controls, update, fig, title=f"Full-batch gradient descent on a {'–'.join(map(str, DIGITS_SIZES))} digits network")


DASHBOARDS = {"learning_rate_explorer": learning_rate_explorer, "network_learning_rate": network_learning_rate}


# ---- exercise checks (print ✓/✗, return True/False) -----------------------------------------
def _fail(msg):
    print("✗ " + msg)
    return False


def _close(a, b):
    try:
        a = np.asarray(a, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    return a.shape == np.shape(b) and np.allclose(a, b, rtol=1e-9, atol=1e-12)


def check_gd_step(gd_step):
    """Exercise 1: gd_step(theta, grad, lr) returns θ − α ∇J as a new array and leaves theta unchanged."""
    cases = [(np.array([1.0, -2.0]), np.array([0.5, 3.0]), 0.1),
             (np.array([[0.2, -1.0, 3.0], [4.0, 0.0, -0.5]]), np.array([[1.0, 2.0, -1.0], [0.0, -4.0, 2.0]]), 0.25)]
    for theta, grad, lr in cases:
        given = theta.copy()
        try:
            out = gd_step(given, grad.copy(), lr)
        except Exception as err:
            return _fail(f"gd_step raised {type(err).__name__}: {err}")
        changed = not np.array_equal(given, theta)
        right = theta - lr * grad
        if out is None:
            if changed and _close(given, right):
                return _fail("you updated θ in place but returned nothing: return a new array and leave "
                             "the θ you were given unchanged.")
            return _fail("gd_step returned None: did you forget `return`?")
        if _close(out, right):
            if changed or out is given:
                return _fail("right values, but you changed the θ you were given (an in-place update such as "
                             "`theta -= ...`); build a new array instead, so the caller's θ stays as it was.")
            continue
        mistakes = [(theta + lr * grad, "you moved uphill: θ + α∇J. The gradient points towards higher cost; step against it."),
                    (theta - grad, "the step ignores the learning rate: θ − ∇J. Scale the gradient by α."),
                    (theta - grad / lr, "you divided the gradient by α; multiply by it."),
                    (grad, "you returned the gradient ∇J, not the new θ."),
                    (lr * grad, "you returned the step α∇J, not the new θ = θ − α∇J."),
                    (-lr * grad, "you returned the change −α∇J, not the new θ: add it to θ."),
                    (theta, "θ did not change: the step is missing.")]
        for wrong, msg in mistakes:
            if _close(out, wrong):
                return _fail(msg)
        if np.shape(out) != theta.shape:
            return _fail(f"the new θ should have θ's shape {theta.shape}; got shape {np.shape(out)}.")
        return _fail(f"for θ = {theta.tolist()}, ∇J = {grad.tolist()}, α = {lr} the new θ is not θ − α∇J.")
    print("✓ gd_step is right: θ − α∇J, as a new array, for vectors and matrices alike.")
    return True


def check_max_stable_lr(max_stable_lr):
    """Exercise 2: max_stable_lr(H) is 2/λ_max(H) for J = ½ θᵀHθ; checked on non-diagonal Hessians."""
    cases = [np.array([[3.0, 1.0], [1.0, 2.0]]),
             np.array([[2.0, -1.5], [-1.5, 5.0]]),
             np.array([[4.0, 1.0, 0.0], [1.0, 3.0, 1.0], [0.0, 1.0, 2.0]])]
    outs = []
    for H in cases:
        try:
            outs.append(float(max_stable_lr(H.copy())))
        except Exception as err:
            return _fail(f"max_stable_lr raised {type(err).__name__}: {err} (it should return one number)")
    lams = [np.linalg.eigvalsh(H) for H in cases]          # ascending
    if all(np.isclose(out, 2.0 / lam[-1], rtol=1e-6) for out, lam in zip(outs, lams)):
        return _confirm_max_stable_lr(max_stable_lr, cases[0])
    mistakes = [(lambda H, lam: 1.0 / lam[-1], "1/λ_max is where the steps start to overshoot (zig-zag), not "
                                               "where they diverge: the overshoot only grows once |1 − αλ| > 1."),
                (lambda H, lam: 2.0 / lam[0], "you used the smallest eigenvalue: the most curved direction "
                                              "(largest λ) breaks first."),
                (lambda H, lam: 1.0 / lam[0], "you used 1/λ_min: the most curved direction (largest λ) decides, "
                                              "and the factor is 2."),
                (lambda H, lam: 2.0 / np.diag(H).max(), "you used the diagonal of H: it holds the curvature along "
                                                        "θ₀, θ₁, … only; the most curved direction is an eigenvector "
                                                        "(np.linalg.eigvalsh)."),
                (lambda H, lam: 1.0 / np.diag(H).max(), "you used the diagonal of H (and 1 instead of 2): use its "
                                                        "eigenvalues."),
                (lambda H, lam: 2.0 / (lam[0] + lam[-1]), "2/(λ_min + λ_max) is the fastest α, not the largest "
                                                          "stable one."),
                (lambda H, lam: 2.0 * lam[-1], "you have it upside down: 2·λ_max; α must be below 2/λ_max."),
                (lambda H, lam: lam[-1] / 2.0, "you have it upside down: λ_max/2; α must be below 2/λ_max."),
                (lambda H, lam: 2.0 / np.trace(H), "you used the trace (the sum of all eigenvalues): only the "
                                                   "largest counts.")]
    for wrong, msg in mistakes:
        if all(np.isclose(out, wrong(H, lam), rtol=1e-6) for out, H, lam in zip(outs, cases, lams)):
            return _fail(msg)
    for out, H, lam in zip(outs, cases, lams):
        if not np.isclose(out, 2.0 / lam[-1], rtol=1e-6):
            return _fail(f"for H = {H.tolist()} you returned {out:.4g}: descent with that α "
                         f"{'diverges' if out > 2.0 / lam[-1] else 'converges'}, but it is not the boundary.")


def _confirm_max_stable_lr(max_stable_lr, H):
    lim = float(max_stable_lr(H.copy()))
    s = surfaces.quadratic(H)
    below = surfaces.descend(s, optimizers.SGD(0.98 * lim), 300)
    above = surfaces.descend(s, optimizers.SGD(1.02 * lim), 300)
    J0, fell, grew = s.J(*s.start), below.cost[-1] < 1e-6, above.diverged or above.cost[-1] > 1e6
    print(f"✓ max_stable_lr is right: for H = {H.tolist()}, 2/λ_max = {lim:.4f}. Checked by 300 steps of descent "
          f"from J = {J0:.2f}: at 0.98 × that α, J {'fell below 1e-6' if fell else 'did not settle'}; "
          f"at 1.02 ×, J {'grew past 1e6' if grew else 'did not blow up'}.")
    return True
