"""Lesson 01's figures of the study-hours regression (notebooks/01_gradient_descent.ipynb §1–§3, §5), re-exported
by descent_lab (the notebook calls them ``lab.plot_…``).  Each plot helper takes ``ax=None``/``axes=None`` and
returns the Axes; a figure it makes itself is placed by plots.fixed_margins, so showing it draws it once.

    plot_data_lines, plot_cost_curve, plot_landscape    §1: lines and their cost, J(θ₁), J as a 3-D surface
    gallery_paths, plot_lr_gallery                       §3: descent at several α (the table's runs; optional panels)
    plot_conditioning                                    §3: raw, centered, standardized input
    plot_batch_paths                                     §5: full batch, mini-batch, stochastic
"""
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import FuncFormatter, MaxNLocator, NullLocator

from . import optimizers, surfaces
from .plots import BLACK, COLORS, PURPLE, SKY, axes_or_new, fixed_margins, plot_contours, plot_path, plot_surface3d

FULL_BATCH = BLACK          # plain (full-batch) gradient descent: plots.OPTIMIZER_COLORS["SGD"], as in the series
MINI_BATCH, STOCHASTIC = SKY, PURPLE      # colors no optimizer and no data set uses


def batch_color(B, N):
    """The color of gradient descent with batch size B on N examples: full batch, mini-batch, stochastic."""
    return FULL_BATCH if B >= N else STOCHASTIC if B == 1 else MINI_BATCH


# ---- plot helpers (ax=None, return the Axes) ----------------------------------------------
def decade_ticks(ax, axis="y"):
    """A log axis labelled with plain numbers (0.01, 10) at its decades, without minor ticks (fewer to draw)."""
    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    target.set_minor_locator(NullLocator())
    return ax


def figure_once(figsize, ncols=1, margins=None, **subplot_kw):
    """(fig, axes): a row of ``ncols`` panels placed by plots.fixed_margins (``margins``: its keywords, in
    inches), so that showing the figure draws it once."""
    fig, axes = plt.subplots(1, ncols, figsize=figsize, **subplot_kw)
    fixed_margins(fig, **(margins or {}))
    for ax in np.atleast_1d(axes):
        few_ticks(ax)
    return fig, axes


def few_ticks(ax, most=5):
    """At most ``most`` labelled ticks on each linear axis: each tick is costly to build, and at slide font
    sizes more would crowd.  (A log scale set later replaces the locator with its own.)"""
    for axis in (ax.xaxis, ax.yaxis):
        axis.set_major_locator(MaxNLocator(most))
    return ax


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


def plot_landscape(surface, n=25):
    """J over the surface's window as a 3-D surface, alone in a figure, on an n × n mesh (coarse: cheap to draw) with
    about four ticks an axis; returns the 3-D Axes."""
    fig = plt.figure(figsize=(8, 5.6))
    ax = plot_surface3d(surface, ax=fig.add_subplot(projection="3d"), n=n)
    ax.set_box_aspect(None, zoom=0.85)                       # room for the axis labels inside the figure
    for axis in (ax.xaxis, ax.yaxis, ax.zaxis):
        axis.set_major_locator(MaxNLocator(4))
    ax.zaxis.labelpad = 14
    fixed_margins(fig, left=0, right=0, bottom=0, top=0.3)
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
        _, axes = figure_once((3.4 * len(cases), 4.2), len(cases), dict(top=0.95, wspace=0.25), sharey=True)
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
        _, axes = figure_once((13, 4.1), 2, dict(left=1.05, right=0.2, top=0.5, wspace=1.35))
    plot_contours(surface, ax=axes[0])
    axes[0].plot(*paths[next(iter(paths))].theta[0], "s", color="#000000", markersize=11, zorder=1)
    J_star = float(surface.J(*surface.minima[0]))
    N = max(p.batch_size for p in paths.values())
    for k, (label, path) in enumerate(reversed(paths.items())):         # the full batch last, on top
        full = path.batch_size >= N
        style = dict(color=batch_color(path.batch_size, N), linewidth=3.5 if full else 1.8 - 0.4 * k,
                     zorder=10 if full else 5 - k, label=label)
        axes[0].plot(path.theta[:, 0], path.theta[:, 1], "-", **style)
        if full:
            axes[0].plot(*path.theta[-1], "o", color=FULL_BATCH, markersize=11, zorder=11)   # where it ends
        examples = np.arange(len(path.cost)) * path.batch_size
        axes[1].semilogy(examples, path.cost - J_star, **style)
    axes[0].set_title("Paths of θ from the start ■ (axes not to scale)")
    axes[1].set(xlabel="examples processed (B per update)", ylabel="J(θ) − J(θ*) (log scale)",
                title="Cost against the work done")
    decade_ticks(axes[1], "y")
    handles, labels = axes[1].get_legend_handles_labels()
    axes[1].legend(handles[::-1], labels[::-1], loc="lower left")
    return axes


def plot_conditioning(rows, steps=30, half_width=6.0, axes=None):
    """One panel per conditioning() row: contours on a square window around θ* (equal scales) and the
    path of gradient descent at that row's fastest α from θ = (0, 0), at most ``steps`` steps."""
    if axes is None:
        _, axes = figure_once((4.3 * len(rows), 4.6), len(rows), dict(left=0.9, right=0.1, top=0.8, wspace=0.9))
    for ax, (name, s, lim, _) in zip(axes, rows):
        c = s.minima[0]
        s.xlim, s.ylim = (c[0] - half_width, c[0] + half_width), (c[1] - half_width, c[1] + half_width)
        plot_contours(s, ax=ax, levels=15, n=60)
        plot_path(surfaces.descend(s, optimizers.SGD(lim["best"]), steps, start=(0.0, 0.0)), ax=ax, color=FULL_BATCH)
        ax.set_aspect("equal")
        ax.set_title(f"{name}\nκ = {lim['kappa']:.3g}")
        ax.set_xlabel("θ₀")
        ax.set_ylabel("θ₁")
    return axes
