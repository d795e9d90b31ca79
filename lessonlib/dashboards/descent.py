"""Notebook 01's dashboards: α on the study-hours cost surface, and α on a digits network.

    learning_rate_explorer   gradient descent on the regression surface: α (log slider), steps, start
    network_learning_rate    full-batch training of a digits network: α picks a precomputed run
"""
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .. import optimizers, surfaces
from ..descent_lab import regression_surface, stability_limits
from ..descent_plots import decade_ticks
from ..descent_network import DIGITS_SIZES, classify_runs, lr_sweep
from ..plots import (BLACK, MIN_TEXT_PT, PURPLE, SKY, YELLOW, fixed_margins, plot_contours,
                     presentation_style)
from .machinery import Dashboard, dropdown, int_slider, log_slider

SMOOTH, ZIGZAG, DIVERGE = "#009E73", "#E69F00", "#D55E00"      # the quadratic's three bands
NETWORK_BANDS = {"crawls": YELLOW, "smooth": SKY, "bounces": PURPLE, "fails": "#999999"}   # the network's four
GD = BLACK                   # plain (full-batch) gradient descent, as in every figure of the series
BAND_LABELS = ("smooth (no overshoot)", "zig-zags", "diverges")   # the explorer's three bands, as the notebook names them


def _grid_figure(height_ratios=(5, 1), strip_reserve=0.0):
    """Two panels on top and a thin strip spanning the width below (for the α axis), at fixed margins: the
    first draw (the build) draws once, where a layout engine would measure every label in a draw of its own."""
    with presentation_style():
        fig = Figure(figsize=(11, 5.6), dpi=80)          # outside pyplot, as machinery.new_figure makes them
        FigureCanvasAgg(fig)
        grid = fig.add_gridspec(2, 2, height_ratios=height_ratios)
        axes = [fig.add_subplot(grid[0, 0]), fig.add_subplot(grid[0, 1])]
        strip = fig.add_subplot(grid[1, :])
    fixed_margins(fig, left=1.15, right=0.25, bottom=0.8, top=0.45, wspace=1.35, hspace=1.25)
    box = strip.get_position()                    # room on the right (inches) for the last mark's label
    strip.set_position([box.x0, box.y0, box.width - strip_reserve / fig.get_figwidth(), box.height])
    return fig, axes[0], axes[1], strip


def run_bands(lrs, kinds, step):
    """Runs of equal kind on the log grid → (from, to, color, label) bands, edges halfway between points."""
    colors = NETWORK_BANDS
    half = 10 ** (step / 2)
    bands, k = [], 0
    while k < len(kinds):
        j = k
        while j + 1 < len(kinds) and kinds[j + 1] == kinds[k]:
            j += 1
        bands.append((lrs[k] / half, lrs[j] * half, colors[kinds[k]], kinds[k]))
        k = j + 1
    return bands


def _alpha_strip(ax, lo, hi, bands, marks):
    """The slider's α range on a log axis, colored by what gradient descent does there."""
    ax.set_xscale("log")
    ax.set_xlim(lo, hi)
    ax.set_ylim(0, 1)
    ax.set_yticks([])
    ax.grid(False)
    for a, b, color, text in bands:
        a, b = max(a, lo), min(b, hi)
        if a < b:
            ax.axvspan(a, b, color=color, alpha=0.35, linewidth=0)
            ax.text(np.sqrt(a * b), 0.62, text, ha="center", va="center", fontsize=MIN_TEXT_PT)
    for k, (x, text) in enumerate(marks):
        if lo < x < hi:
            ax.axvline(x, color="#000000", linewidth=1.5)
            ax.text(x, 1.04, text, ha="right" if k < len(marks) - 1 else "left", va="bottom", fontsize=MIN_TEXT_PT,
                    transform=ax.get_xaxis_transform())
    ax.set_xlabel("learning rate α (log scale)")
    decade_ticks(ax, "x")
    marker, = ax.plot([], [], marker="v", color="#000000", markersize=14, linestyle="none", animated=True,
                      clip_on=False)
    return marker


def learning_rate_explorer(lr=0.04, steps=100, start="top left", surface=None, max_steps=150):
    """Gradient descent on the regression surface: α (log slider), the number of steps, the start."""
    if surface is None:
        surface = regression_surface()[2]
    lim = stability_limits(surface)
    t_star = surface.minima[0]
    J_star = float(surface.J(*t_star))
    span0, span1 = np.diff(surface.xlim)[0], np.diff(surface.ylim)[0]
    starts = {"top left": tuple(surface.start),
              "bottom right": (t_star[0] + 0.4 * span0, t_star[1] - 0.4 * span1),
              "top right": (t_star[0] + 0.35 * span0, t_star[1] + 0.45 * span1)}
    min_exp, max_exp = -3.0, -0.7
    fig, ax_path, ax_cost, strip = _grid_figure(strip_reserve=1.0)
    with presentation_style():
        plot_contours(surface, ax=ax_path)
        ax_path.set_title("Path of θ (axes not to scale)")
        path_line, = ax_path.plot([], [], "o-", color=GD, markersize=4, linewidth=1.8, animated=True)
        start_dot, = ax_path.plot([], [], "s", color=GD, markersize=10, animated=True)
        ax_cost.set(xlim=(0, max_steps), ylim=(1e-3, 1e3), yscale="log", xlabel="step k",
                    ylabel="J(θ) − J(θ*) (log scale)", title="Cost above its minimum, per step")
        decade_ticks(ax_cost)
        cost_line, = ax_cost.plot([], [], color=GD, animated=True)
        note = ax_cost.text(0.97, 0.95, "", transform=ax_cost.transAxes, ha="right", va="top", fontsize=MIN_TEXT_PT,
                            animated=True, bbox=dict(facecolor="white", alpha=0.85, edgecolor="none"))
        marker = _alpha_strip(strip, 10 ** min_exp, 10 ** max_exp,
                              [(0, lim["monotone"], SMOOTH, BAND_LABELS[0]),
                               (lim["monotone"], lim["diverge"], ZIGZAG, BAND_LABELS[1]),
                               (lim["diverge"], np.inf, DIVERGE, BAND_LABELS[2])],
                              [(lim["monotone"], f"1/h_max = {lim['monotone']:.3f}"),
                               (lim["diverge"], f"2/h_max = {lim['diverge']:.3f}")])

    def update(lr, steps, start):
        path = surfaces.descend(surface, optimizers.SGD(lr), steps, start=starts[start])
        path_line.set_data(path.theta[:, 0], path.theta[:, 1])
        start_dot.set_data([path.theta[0, 0]], [path.theta[0, 1]])
        gap = path.cost - J_star
        cost_line.set_data(np.arange(len(gap)), np.clip(gap, 1e-12, 1e12))
        marker.set_data([lr], [0.3])
        kind = BAND_LABELS[2] if lr > lim["diverge"] else BAND_LABELS[1] if lr > lim["monotone"] else BAND_LABELS[0]
        note.set_text(f"α = {lr:.3g}: {kind}\nJ − J* : {gap[0]:.3g} → {gap[-1]:.3g}")
        if lr > lim["diverge"]:
            head = (path.message if path.diverged else
                    f"diverging: J − J* grew from {gap[0]:.3g} to {gap[-1]:.3g} in {steps} steps.")
            return (f"{head} α = {lr:.3g} is above 2/h_max = {lim['diverge']:.3f}, the largest stable "
                    f"learning rate for this surface.")
        return None

    controls = {"lr": log_slider("learning rate α", lr, min_exp, max_exp),
                "steps": int_slider("steps", steps, 1, max_steps),
                "start": dropdown("start", list(starts), start)}
    return Dashboard(controls, update, fig, title="Gradient descent on the study-hours cost")


def network_learning_rate(lr=10 ** -0.5, reference=1.0, epochs=30, seed=0, min_exp=-1.5, max_exp=1.0, step=0.1):
    """Full-batch gradient descent on a digits network: α picks one of the precomputed training runs.

    The slider moves in steps of ``step`` in log₁₀ α (one precomputed run per position); a starting
    ``lr`` between two positions is moved to the nearest one."""
    exps, runs = lr_sweep(min_exp, max_exp, step, epochs, seed)
    lrs = 10.0 ** exps
    nearest = lambda a: int(np.clip(np.round((np.log10(a) - exps[0]) / step), 0, len(exps) - 1))  # noqa: E731
    failed = np.array([r.failed for r in runs])                    # blew up, or ended above its start
    final = np.array([np.nan if bad else r.cost[-1] for r, bad in zip(runs, failed)])
    first_bad = lrs[failed].min() if failed.any() else None
    worked = lrs[~failed & (lrs < (first_bad or np.inf))]
    advice = (f"try α = {worked.max():.2g}, the largest on this slider that worked" if worked.size
              else "try a smaller α")
    marks = [(first_bad / 10 ** (step / 2), f"fails from α ≈ {first_bad:.2g}")] if first_bad else []
    ref = runs[nearest(reference)]
    top = 1.25 * runs[0].cost[0]
    fig, ax_cost, ax_final, strip = _grid_figure()
    with presentation_style():
        for r in runs:
            ax_cost.plot(np.arange(len(r.cost)), r.cost, color="#999999", linewidth=0.8, alpha=0.5)
        ax_cost.plot(np.arange(len(ref.cost)), ref.cost, "--", color="#555555", linewidth=2,
                     label=f"reference α = {reference:g}")
        chosen, = ax_cost.plot([], [], color=GD, linewidth=3, label="chosen α", animated=True)
        ax_cost.set(xlim=(0, epochs), ylim=(0, top), xlabel="epoch (0 = before training)",
                    ylabel="training cost J", title="Cost per epoch (gray: every α)")
        ax_cost.legend(loc="lower left", fontsize=MIN_TEXT_PT)
        ax_final.semilogx(lrs, final, "o-", color=GD, markersize=5, linewidth=1.5)
        ax_final.plot(lrs[failed], np.full(failed.sum(), 0.95 * top), "x", color=GD, markersize=10,
                      markeredgewidth=2.5, label="diverged or failed")
        ax_final.set(xlim=(lrs[0] / 1.2, lrs[-1] * 1.2), ylim=(0, top), xlabel="learning rate α (log scale)",
                     ylabel=f"J after {epochs} epochs", title=f"Cost after {epochs} epochs against α")
        if failed.any():
            ax_final.legend(loc="upper left", fontsize=MIN_TEXT_PT)
        now, = ax_final.plot([], [], "o", color=GD, markerfacecolor="none", markersize=16, markeredgewidth=2.5,
                             animated=True)
        note = ax_cost.text(0.97, 0.95, "", transform=ax_cost.transAxes, ha="right", va="top", fontsize=MIN_TEXT_PT,
                            animated=True, bbox=dict(facecolor="white", alpha=0.85, edgecolor="none"))
        marker = _alpha_strip(strip, lrs[0] / 10 ** (step / 2), lrs[-1] * 10 ** (step / 2),
                              run_bands(lrs, classify_runs(runs), step), marks)

    def update(lr):
        k = nearest(lr)
        r, h = runs[k], runs[k].history
        chosen.set_data(np.arange(len(r.cost)), np.clip(r.cost, 0, 10 * top))
        now.set_data([lrs[k]], [0.95 * top if h.diverged else final[k]])
        marker.set_data([lrs[k]], [0.3])
        if h.diverged:
            note.set_text(f"α = {lrs[k]:.3g}: diverged")
            return (f"α = {lrs[k]:.3g} diverged at epoch {len(h.train_cost)}: the cost shot up to "
                    f"{r.cost[-1]:.3g} (it started at {r.cost[0]:.3g}). Steps this large overshoot "
                    f"the valley further each time; {advice}.")
        if failed[k]:
            note.set_text(f"α = {lrs[k]:.3g}: failed")
            return (f"α = {lrs[k]:.3g} failed: after {epochs} epochs J = {r.cost[-1]:.3g}, worse than the "
                    f"{r.cost[0]:.3g} it started from (training accuracy {h.train_accuracy[-1]:.0%}). "
                    f"{advice[0].upper() + advice[1:]}.")
        note.set_text(f"α = {lrs[k]:.3g}\nJ after {epochs} epochs: {r.cost[-1]:.3f}\n"
                      f"training accuracy: {h.train_accuracy[-1]:.1%}")
        return None

    controls = {"lr": log_slider("learning rate α", float(lrs[nearest(lr)]), min_exp, max_exp, step=step)}
    return Dashboard(controls, update, fig,
                     title=f"Full-batch gradient descent on a {'–'.join(map(str, DIGITS_SIZES))} digits network")


DASHBOARDS = {"learning_rate_explorer": learning_rate_explorer, "network_learning_rate": network_learning_rate}
TITLES = {"learning_rate_explorer": "Gradient descent: the learning rate α",
          "network_learning_rate": "The learning rate α on a digits network"}
MAIN = "learning_rate_explorer"
