"""Notebook 04's dashboards: the size of the training set, and the L2 penalty λ.

Both take a precomputed sweep (``overfitting_lab.size_sweep`` / ``lambda_sweep``): every network is
trained before the dashboard opens, and a slider move only looks up arrays and redraws the animated
artists (a few ms kernel-side).  Neither shows the test set: these are the views we choose with.
"""
import numpy as np

from .. import data
from .. import overfitting_lab as lab
from ..plots import COLORS, SET_COLORS, presentation_style
from .machinery import Dashboard, checkbox, log_slider, new_figure

SHOWN = ("train", "validation")


def _text(ax, x=0.03, y=0.97, ha="left", **kw):
    return ax.text(x, y, "", transform=ax.transAxes, va="top", ha=ha, multialignment="left", fontsize=12,
                   animated=True, bbox={"boxstyle": "round", "facecolor": "white", "alpha": 0.85}, **kw)


def _curve_panel(ax, x, sweep, metric, markersize=6):
    """Training and validation ``metric`` against the swept value, with a marker per set for the current value."""
    values = sweep.data_cost if metric == "cost" else sweep.accuracy
    for name in SHOWN:
        ax.plot(x, values[name], lab.SET_STYLES[name], marker="o", markersize=markersize,
                color=SET_COLORS[name], label=lab.SET_LABELS[name])
    ax.set_xscale("log")
    return [ax.plot([], [], "o", markersize=13, color=SET_COLORS[n], markeredgecolor="black",
                    animated=True)[0] for n in SHOWN]


def _scores(sweep, k, head):
    return (f"{head}\ntraining: J {sweep.data_cost['train'][k]:.3f}, accuracy {sweep.accuracy['train'][k]:.1%}\n"
            f"validation: J {sweep.data_cost['validation'][k]:.3f}, accuracy {sweep.accuracy['validation'][k]:.1%}")


def _only_shown(sets):
    return {name: sets[name] for name in SHOWN}


def training_size(sweep=None, sets=None):
    """More data: the same network (λ = 0) trained on N examples for the same number of epochs; the
    boundary, and the learning curve (training and validation accuracy against N, the Bayes line).

    ``sweep``: a ``size_sweep`` of ``sets`` (computed here when not given)."""
    with presentation_style():
        sets = lab.moons_sets() if sets is None else sets
        sweep = lab.size_sweep(_only_shown(sets)) if sweep is None else sweep
        X, Y = sets["train"]
        images = sweep.images
        lines = [lab.boundary_line(im) for im in images]
        fig, (ax_b, ax_c) = new_figure(figsize=(12, 4.6), ncols=2)
        im, line = lab.draw_boundary(ax_b, images[0], animated=True)
        colors = np.array(lab.CLASS_COLORS)[data.labels_of(Y)]
        dots = ax_b.scatter(X[0], X[1], s=22, edgecolors="black", linewidths=0.5, zorder=3, animated=True)
        lab.plane(ax_b).set_title("Decision boundary, λ = 0")
        ax_b.grid(False)
        marks = _curve_panel(ax_c, sweep.values, sweep, "accuracy")
        bayes = lab.expected_bayes_accuracy()
        ax_c.axhline(bayes, color=COLORS[3], linestyle="--", linewidth=2, label=f"Bayes classifier ({bayes:.1%})")
        ax_c.set_xticks(sweep.values, [str(n) for n in sweep.values])
        ax_c.minorticks_off()
        ax_c.set(xlabel="training examples N", ylabel="accuracy", ylim=(0.5, 1.12),
                 title=f"Learning curve ({lab.EPOCHS} epochs each)")
        ax_c.legend(loc="lower right")
        text = _text(ax_c, x=0.97, ha="right")

    def update(N):
        k = sweep.index(N)
        im.set_data(images[k])
        line.set_data(*lines[k])
        n = int(sweep.values[k])
        dots.set_offsets(X[:, :n].T)
        dots.set_facecolor(colors[:n])
        for mark, name in zip(marks, SHOWN):
            mark.set_data([sweep.values[k]], [sweep.accuracy[name][k]])
        text.set_text(_scores(sweep, k, f"N = {n}"))

    lo, hi = np.log10(sweep.values[0]), np.log10(sweep.values[-1])
    step = np.log10(sweep.values[1] / sweep.values[0])
    control = log_slider("training examples N", 10 ** (lo + 2 * step), lo, hi, step=step, fmt=".0f")
    return Dashboard({"N": control}, update, fig, title="Remedy one: more data")


def l2_regularization(sweep=None, sets=None):
    """L2 regularization: λ redraws the boundary, the training and validation cost against λ, Ω and the weights.

    ``sweep``: a ``lambda_sweep`` of ``sets`` over LAMBDAS (computed here when not given)."""
    with presentation_style():
        sets = lab.moons_sets() if sets is None else sets
        sweep = lab.lambda_sweep(_only_shown(sets)) if sweep is None else sweep
        X, Y = sets["train"][0][:, :lab.N_SMALL], sets["train"][1][:, :lab.N_SMALL]
        images = sweep.images
        lines = [lab.boundary_line(im) for im in images]
        counts = [np.maximum(lab.weight_counts(net), 0.8) for net in sweep.nets]
        fig, (ax_b, ax_c, ax_w) = new_figure(figsize=(14, 4.6), ncols=3)
        im, line = lab.draw_boundary(ax_b, images[0], animated=True)
        lab.plot_points(X, Y, ax_b, animated=True)          # animated so it is drawn over the animated image
        ax_b.set_title(f"Decision boundary at the slider's λ, N = {lab.N_SMALL}")
        ax_b.grid(False)
        x, zero_at = lab.sweep_x(sweep.values)
        marks = _curve_panel(ax_c, x, sweep, "cost", markersize=4)
        lab.label_zero(ax_c, zero_at, sweep.values)
        top = 1.45 * sweep.data_cost["validation"].max()             # room for the numbers above the curves
        ax_c.set(xlabel="λ", ylabel="cost J (penalty not included)", title="Cost after training", ylim=(-0.05, top))
        ax_c.legend(loc="center left")
        text = _text(ax_c, x=0.97, ha="right")
        stairs = ax_w.stairs(counts[0], lab.WEIGHT_BINS, baseline=0.8, fill=True, alpha=0.6,
                             color=lab.WEIGHT_COLORS["penalty"], edgecolor="black", linewidth=1, animated=True)
        ax_w.set(yscale="log", ylim=(0.8, 3000), xlim=(lab.WEIGHT_BINS[0], lab.WEIGHT_BINS[-1]),
                 xlabel="weight w (|w| > 4 drawn at ±4)", ylabel="count", title="The weights W")
        omega_text = _text(ax_w)

    def update(lam, no_penalty):
        k = 0 if no_penalty else sweep.index(lam)
        im.set_data(images[k])
        line.set_data(*lines[k])
        stairs.set_data(counts[k])
        stairs.set_facecolor(lab.WEIGHT_COLORS["no penalty" if k == 0 else "penalty"])
        for mark, name in zip(marks, SHOWN):
            mark.set_data([x[k]], [sweep.data_cost[name][k]])
        value = "0" if k == 0 else f"{sweep.values[k]:.2g}"
        text.set_text(_scores(sweep, k, f"λ = {value}"))
        omega_text.set_text(f"Ω = Σ w² = {sweep.omega[k]:.1f}")
        if sweep.accuracy["train"][k] < 0.7:
            return (f"λ = {value} is so large that the penalty wins: the weights shrink to about 0 and the "
                    f"network predicts the same for every point (underfitting). Try a smaller λ.")
        return None

    lo, hi, step = lab.LAM_EXP
    controls = {"λ": log_slider("λ", 10 ** -2.5, lo, hi, step=step, fmt=".2g"),
                "no penalty": checkbox("λ = 0 (no penalty)", value=False)}
    return Dashboard(controls, lambda **v: update(v["λ"], v["no penalty"]), fig,
                     title="Remedy two: L2 regularization")


DASHBOARDS = {"training_size": training_size, "l2_regularization": l2_regularization}
TITLES = {"training_size": "Overfitting: the size of the training set",
          "l2_regularization": "L2 regularization: the penalty λ"}
MAIN = "l2_regularization"
