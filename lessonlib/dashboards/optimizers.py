"""Notebook 03's dashboards: the optimizer race on a 2-D surface, and the optimizers on the digits."""
import numpy as np

from .. import optimizer_practice as practice
from .. import optimizer_race as race
from .. import plots, surfaces
from . import machinery as dash

RACE_SURFACES = ("ravine", "saddle", "local minima", "rosenbrock")
TICKS = {"sgd": "SGD", "momentum": "momentum", "nesterov": "Nesterov", "adagrad": "AdaGrad",
         "rmsprop": "RMSProp", "adam": "Adam"}
MAX_STEPS = 200


def stability_hint(surface, beta):
    """For a quadratic: the α limits of plain GD 2/h_max, heavy-ball 2(1+μ)/h_max, Nesterov 2(1+μ)/((1+2μ)h_max)."""
    if surface.hessian is None:
        return "Try a smaller α."
    h_max = np.linalg.eigvalsh(surface.hessian).max()
    return (f"On this quadratic (h_max = {h_max:.3g}) plain GD needs α < {2 / h_max:.3g}, momentum with "
            f"μ = {beta:.2f} α < {2 * (1 + beta) / h_max:.3g}, "
            f"Nesterov α < {2 * (1 + beta) / ((1 + 2 * beta) * h_max):.3g}.")


def optimizer_race(lr=0.03, beta=0.8, surface="ravine", scale=1.0, steps=MAX_STEPS, on=("sgd", "momentum", "adam")):
    """Six lessonlib optimizers on one surface: paths (left) and J − J* per step (right), redrawn live.

    Controls: α, one slider "μ (momentum), β₁ (Adam)" (argument beta), the surface, a cost scale c (J → cJ,
    so ∇J → c∇J), the number of steps and a tick box per optimizer."""
    with plots.presentation_style():
        return _race(lr, beta, surface, scale, steps, on)


def _race(lr, beta, surface, scale, steps, on):
    bases = {name: surfaces.SURFACES[name]() for name in RACE_SURFACES}
    fig, (ax_path, ax_cost) = dash.new_figure(figsize=(11, 4.6), ncols=2)
    fig.set_layout_engine(None)            # fixed margins: a layout engine measures every label at each draw
    fig.subplots_adjust(left=0.04, right=0.965, bottom=0.13, top=0.92, wspace=0.3)   # room for the last tick, 200
    backgrounds = {}                       # each surface's contours, drawn when it is first shown
    start_marker, = ax_path.plot([], [], "s", color="#000000", markersize=8, zorder=5)   # over the contours
    lines = {}
    for key, label in TICKS.items():
        color = plots.OPTIMIZER_COLORS[label]
        lines[key] = (ax_path.plot([], [], "-", color=color, linewidth=1.8, animated=True)[0],
                      ax_cost.semilogy([1], [1], color=color, label=label, animated=True)[0])
    ax_cost.set(xlim=(0, MAX_STEPS), xlabel="step k", ylabel="J(θ) − J*  (÷ c)")   # fixed: no redraw per step count
    ax_path.set(xticks=[], yticks=[])      # a map: the start (square) and the minima (stars) mark it, no coordinates
    race.log_ticks(ax_cost)
    shown = [None]    # the surface whose axes are set up

    def set_up(name):
        surf = bases[name]
        if name not in backgrounds:
            before = set(ax_path.get_children())
            plots.plot_contours(surf, ax_path, colors="#a0a0a0")
            backgrounds[name] = [a for a in ax_path.get_children() if a not in before]
        for other, artists in backgrounds.items():
            for a in artists:
                a.set_visible(other == name)
        start_marker.set_data([surf.start[0]], [surf.start[1]])
        ax_path.set(xlim=surf.xlim, ylim=surf.ylim, xlabel=surf.labels[0], ylabel=surf.labels[1],
                    title=f"Paths on the {race.shown_name(name)} surface")
        gap = float(surf.J(*surf.start)) - race.lowest_cost(surf)
        ax_cost.set(ylim=(1e-10, gap * 1e2), title=f"Cost per step ({race.shown_name(name)})")
        shown[0] = name

    def update(lr, beta, surface, scale, steps, **ticks):
        if shown[0] != surface:
            set_up(surface)
        surf = bases[surface] if scale == 1 else race.scaled(bases[surface], scale)
        J_star = race.lowest_cost(bases[surface])
        diverged = []
        for key, opt in zip(TICKS, race.racers(lr, beta).values()):
            path_line, cost_line = lines[key]
            path_line.set_visible(ticks[key])
            cost_line.set_visible(ticks[key])
            if not ticks[key]:
                continue
            path = race.descend(surf, opt, steps)
            path_line.set_data(path.theta[:, 0], path.theta[:, 1])
            gap = np.maximum(path.cost / scale - J_star, 1e-12)
            cost_line.set_data(np.arange(gap.size), gap)
            if path.diverged:
                diverged.append(f"{TICKS[key]} after {gap.size} steps")
        ticked = [lines[key][1] for key in TICKS if ticks[key]]
        legend = ax_cost.legend(handles=ticked, loc="upper right", ncol=2)   # the ticked ones only
        legend.set_animated(True)                      # drawn over the curves, with them
        legend.set_visible(bool(ticked))
        if diverged:
            return f"Diverged: {', '.join(diverged)}. {stability_hint(surf, beta)}"
        if not ticked:
            return "Tick at least one optimizer."
        return None

    controls = {"lr": dash.log_slider("α (learning rate)", lr, -4, 0),
                "beta": dash.float_slider("μ (momentum), β₁ (Adam)", beta, 0.0, 0.99, 0.01),
                "surface": dash.dropdown("surface", list(RACE_SURFACES), surface),
                "scale": dash.log_slider("cost scale c", scale, -2, 2, step=0.25),
                "steps": dash.int_slider("steps", steps, 10, MAX_STEPS, 10)}
    controls.update({key: dash.checkbox(label, key in on) for key, label in TICKS.items()})
    board = dash.Dashboard(controls, update, fig, title="The optimizer race")
    board.blitter.keep = len(RACE_SURFACES)    # one background per surface, drawn when first shown (the build
    return board                               # drew the first; the still image reuses it)


def optimizer_digits(factor=1.0, **run_kw):
    """Training cost and validation accuracy per epoch (mean over the seeds) for each optimizer;
    the slider multiplies every optimizer's middle α by the same factor."""
    with plots.presentation_style():
        return _digits(factor, **run_kw)


def _mean_curve(histories, name):
    """The mean over the seeds of a History list (epochs common to all runs)."""
    n = min(len(getattr(h, name)) for h in histories)
    return np.mean([getattr(h, name)[:n] for h in histories], axis=0)


def _digits(factor=1.0, **run_kw):
    runs = practice.digits_runs(**run_kw)
    seeds = sorted({seed for (_, _, seed) in runs})
    epochs = max(h.epochs for h in runs.values())
    fig, (ax_cost, ax_acc) = dash.new_figure(figsize=(11, 4.4), ncols=2)
    lines = {}
    for label in practice.DIGIT_RACERS:
        color = plots.OPTIMIZER_COLORS[label]
        lines[label] = (ax_cost.semilogy([], [], "o-", color=color, markersize=4, animated=True)[0],
                        ax_acc.plot([], [], "o-", color=color, markersize=4, label=label, animated=True)[0])
    ax_cost.set(xlim=(0.5, epochs + 0.5), ylim=(1e-2, 5), xlabel="epoch", ylabel="training cost J",
                title="Training cost per epoch")
    ax_acc.set(xlim=(0.5, epochs + 0.5), ylim=(0.5, 1.0), xlabel="epoch", ylabel="validation accuracy",
               title=f"Validation accuracy (mean of {len(seeds)} seeds)")
    legend = ax_acc.legend(loc="lower right")
    legend.set_animated(True)

    def update(factor):
        e = float(np.clip(np.round(2 * np.log10(factor)) / 2, practice.FACTOR_EXPONENTS[0],
                          practice.FACTOR_EXPONENTS[-1]))
        diverged = []
        for text, (label, (make, lr0)) in zip(legend.get_texts(), practice.DIGIT_RACERS.items()):
            hs = [runs[label, e, seed] for seed in seeds]
            cost, acc = _mean_curve(hs, "train_cost"), _mean_curve(hs, "val_accuracy")
            lines[label][0].set_data(np.arange(1, cost.size + 1), cost)
            lines[label][1].set_data(np.arange(1, acc.size + 1), acc)
            text.set_text(f"{label}, α = {lr0 * 10 ** e:.2g}")
            if any(h.diverged for h in hs):
                diverged.append(f"{label} (α = {lr0 * 10 ** e:.2g})")
        if diverged:
            return "Diverged: " + "; ".join(diverged) + ". Its α is too large for this net."
        return None

    controls = {"factor": dash.log_slider("α ÷ middle α", factor, -1, 1, step=0.5)}
    return dash.Dashboard(controls, update, fig, title="Optimizers on the digits, [64, 32, 10] net")


DASHBOARDS = {"optimizer_race": optimizer_race, "optimizer_digits": optimizer_digits}
TITLES = {"optimizer_race": "Optimizers race on a cost surface", "optimizer_digits": "Optimizers on the digits"}
MAIN = "optimizer_race"
