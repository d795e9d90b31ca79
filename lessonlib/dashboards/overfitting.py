"""Notebook 04's dashboards: the size of the training set, and the L2 penalty λ.

Both take a precomputed sweep (``overfitting_lab.size_sweep`` / ``lambda_sweep``; computed here when not
given): every network is trained before the dashboard opens.  The build draws the figure once, for the
starting value; what a slider position shows (the boundary image and its line, the weight histogram) is
computed the first time the slider lands there and kept, so a move costs a look-up and a redraw of the
animated artists.  The figures have fixed margins (no layout engine: the first draw is the only full one).
Neither shows the test set: these are the views we choose with.
"""
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .. import data
from .. import overfitting_lab as lab
from ..plots import COLORS, SET_COLORS, presentation_style
from .machinery import Dashboard, checkbox, log_slider

SHOWN = ("train", "validation")


class Computed(dict):
    """{key: make(key)}, each value made the first time it is asked for."""

    def __init__(self, make):
        super().__init__()
        self.make = make

    def __missing__(self, key):
        self[key] = value = self.make(key)
        return value


def _figure(figsize, widths, **margins):
    """A Figure outside pyplot, panels of relative ``widths``, fixed margins (fractions of the figure, so any
    dpi keeps them)."""
    fig = Figure(figsize=figsize, dpi=80)
    FigureCanvasAgg(fig)
    axes = fig.subplots(1, len(widths), gridspec_kw={"width_ratios": widths})
    fig.subplots_adjust(**margins)
    return fig, axes


def _text(ax, x=0.03, y=0.97, ha="left", **kw):
    return ax.text(x, y, "", transform=ax.transAxes, va="top", ha=ha, multialignment="left", animated=True,
                   bbox={"boxstyle": "round", "facecolor": "white", "alpha": 0.85}, **kw)


def _curve_panel(ax, x, sweep, metric, markersize=6):
    """Training and validation ``metric`` against the swept value: the mean over the sweep's draws and their
    range (a bar per value), drawn only up to the slider's value (a prediction is asked before the answer
    shows), and a marker per set for the current value.  Returns ``reveal(k)``, which draws values 0..k."""
    tables = sweep.data_cost if metric == "cost" else sweep.accuracy
    x = np.asarray(x, dtype=float)
    curves, bars = [], []
    for name in SHOWN:
        curves.append(ax.plot(x, tables[name].mean(axis=0), lab.SET_STYLES[name], marker="o",
                              markersize=markersize, color=SET_COLORS[name], label=lab.SET_LABELS[name],
                              animated=True)[0])
        bars.append(ax.plot(x, tables[name].min(axis=0), color=SET_COLORS[name], alpha=0.35, linewidth=6,
                            solid_capstyle="butt", animated=True)[0])
    ax.set_xscale("log")
    marks = [ax.plot([], [], "o", markersize=13, color=SET_COLORS[n], markeredgecolor="black",
                     animated=True)[0] for n in SHOWN]

    def reveal(k):
        for name, curve, bar, mark in zip(SHOWN, curves, bars, marks):
            table = tables[name][:, :k + 1]
            curve.set_data(x[:k + 1], table.mean(axis=0))
            nan = np.full(k + 1, np.nan)                  # one vertical bar per value: min to max
            bar.set_data(np.column_stack([x[:k + 1]] * 2 + [nan]).ravel(),
                         np.column_stack([table.min(axis=0), table.max(axis=0), nan]).ravel())
            mark.set_data([x[k]], [table[:, k].mean()])
    return reveal


def _scores(sweep, k, head, draws="draws"):
    mean = lambda table, name: table[name][:, k].mean()            # noqa: E731  (over the draws)
    return (f"{head}, mean of {len(sweep.nets)} {draws}\n"
            f"training: J {mean(sweep.data_cost, 'train'):.2f}, {mean(sweep.accuracy, 'train'):.0%}\n"
            f"validation: J {mean(sweep.data_cost, 'validation'):.2f}, {mean(sweep.accuracy, 'validation'):.0%}")


def _only_shown(sets):
    return {name: sets[name] for name in SHOWN if name != "train"}


def training_size(sweep=None, sets=None):
    """More data: the same network (λ = 0) trained on N examples for the same number of epochs; the
    boundary (our draw), and the learning curve (training and validation accuracy against N, mean and
    range over the draws up to the slider's N, under the Bayes line).  ``sweep``: a ``size_sweep`` (computed here when not given)."""
    with presentation_style():
        sets = lab.moons_sets() if sets is None else sets
        sweep = lab.size_sweep(lab.size_pools(sets), _only_shown(sets)) if sweep is None else sweep
        X, Y = sets["train"]
        lines = Computed(lambda k: lab.boundary_line(sweep.image(k)))
        start = 2
        fig, (ax_b, ax_c) = _figure((13.5, 4.8), (1, 1), left=0.035, right=0.985, bottom=0.15, top=0.9,
                                    wspace=0.13)
        im, line = lab.draw_boundary(ax_b, sweep.image(start), animated=True)
        colors = np.array(lab.CLASS_COLORS)[data.labels_of(Y)]
        dots = ax_b.scatter(X[0], X[1], s=22, edgecolors="black", linewidths=0.5, zorder=3, animated=True)
        lab.plane(ax_b).set_title("Decision boundary (our draw), no penalty")
        ax_b.grid(False)
        reveal = _curve_panel(ax_c, sweep.values, sweep, "accuracy")
        bayes = lab.expected_bayes_accuracy()
        ax_c.axhline(bayes, color=COLORS[3], linestyle="--", linewidth=2, label=f"Bayes classifier ({bayes:.1%})")
        ax_c.set_xticks(sweep.values, [str(n) for n in sweep.values])
        ax_c.minorticks_off()
        ax_c.set(xlabel="training examples N", ylabel="accuracy", ylim=(0.5, 1.25),
                 yticks=[0.5, 0.6, 0.7, 0.8, 0.9, 1.0], title=f"Learning curve ({lab.EPOCHS} epochs each)")
        ax_c.legend(loc="lower right")
        text = _text(ax_c, x=0.97, ha="right")

    def update(N):
        k = sweep.index(N)
        im.set_data(sweep.image(k))
        line.set_data(*lines[k])
        n = int(sweep.values[k])
        dots.set_offsets(X[:, :n].T)
        dots.set_facecolor(colors[:n])
        reveal(k)
        text.set_text(_scores(sweep, k, f"N = {n}"))

    lo, hi = np.log10(sweep.values[0]), np.log10(sweep.values[-1])
    step = np.log10(sweep.values[1] / sweep.values[0])
    control = log_slider("training examples N", float(sweep.values[start]), lo, hi, step=step, fmt=".0f")
    return Dashboard({"N": control}, update, fig, title="Remedy one: more data")


def l2_regularization(sweep=None, sets=None):
    """L2 regularization: λ redraws the boundary and the weights of the network trained on our 60 points,
    and draws the training and validation cost against λ up to the slider's λ (mean and range over the draws).

    ``sweep``: a ``lambda_sweep`` over LAMBDAS (computed here when not given)."""
    with presentation_style():
        sets = lab.moons_sets() if sets is None else sets
        X, Y = (A[:, :lab.N_SMALL] for A in sets["train"])
        sweep = lab.lambda_sweep(lab.training_sets(X, Y), _only_shown(sets)) if sweep is None else sweep
        lines = Computed(lambda k: lab.boundary_line(sweep.image(k)))
        counts = Computed(lambda k: np.maximum(lab.weight_counts(sweep.nets[0][k]), 0.8))
        start = sweep.index(10 ** -2.5)
        fig, (ax_b, ax_c, ax_w) = _figure((13.75, 4.8), (1, 1.3, 0.9), left=0.025, right=0.99, bottom=0.15,
                                          top=0.9, wspace=0.27)
        im, line = lab.draw_boundary(ax_b, sweep.image(start), animated=True)
        lab.plot_points(X, Y, ax_b, animated=True)          # animated so it is drawn over the animated image
        ax_b.set_title(f"Boundary, our {lab.N_SMALL} points")
        ax_b.grid(False)
        x, zero_at = lab.sweep_x(sweep.values)
        reveal = _curve_panel(ax_c, x, sweep, "cost", markersize=4)
        lab.label_zero(ax_c, zero_at, sweep.values)
        peak = sweep.data_cost["validation"].max()
        ax_c.set(xlabel="λ", ylabel="cost J (no penalty)", title="Cost after training", ylim=(-0.05, 1.6 * peak),
                 yticks=np.arange(0, peak + 0.25, 0.25 if peak < 2 else 0.5))      # the numbers sit above the curves
        ax_c.legend(loc="center right")
        text = _text(ax_c, x=0.97, ha="right")
        stairs = ax_w.stairs(counts[start], lab.WEIGHT_BINS, baseline=0.8, fill=True, alpha=0.6,
                             color=lab.WEIGHT_COLORS["penalty"], edgecolor="black", linewidth=1, animated=True)
        ax_w.set(yscale="log", ylim=(0.8, 3000), xlim=(lab.WEIGHT_BINS[0], lab.WEIGHT_BINS[-1]),
                 xlabel="weight w (|w| > 4 at ±4)", ylabel="count", title="Our network's weights")
        ax_w.set_yticks([1, 10, 100, 1000], ["1", "10", "100", "1000"])
        ax_w.minorticks_off()                           # a log axis's minor ticks cost most of a first draw
        omega_text = _text(ax_w)

    def update(lam, no_penalty):
        k = 0 if no_penalty else sweep.index(lam)
        im.set_data(sweep.image(k))
        line.set_data(*lines[k])
        stairs.set_data(counts[k])
        stairs.set_facecolor(lab.WEIGHT_COLORS["no penalty" if k == 0 else "penalty"])
        reveal(k)
        value = "0" if k == 0 else f"{sweep.values[k]:.2g}"
        text.set_text(_scores(sweep, k, f"λ = {value}"))
        omega_text.set_text(f"Ω = Σ w² = {sweep.omega[0, k]:.1f}")
        if sweep.accuracy["train"][0, k] < 0.7:
            return (f"λ = {value} is so large that the penalty wins: the weights shrink to about 0 and the "
                    f"network predicts the same for every point (underfitting). Try a smaller λ.")
        return None

    lo, hi, step = lab.LAM_EXP
    controls = {"λ": log_slider("λ", float(sweep.values[start]), lo, hi, step=step, fmt=".2g"),
                "no penalty": checkbox("λ = 0 (no penalty)", value=False)}
    return L2Dashboard(controls, lambda **v: update(v["λ"], v["no penalty"]), fig,
                       title="Remedy two: L2 regularization")


class L2Dashboard(Dashboard):
    """The λ dashboard, whose still's caption says 'λ = 0 (no penalty)' rather than the checkbox's value."""

    def caption(self):
        plain = super().caption()
        if self.values["no penalty"]:
            start, _, rest = plain.partition(" at ")
            return f"{start} at λ = 0 (no penalty)" + rest[rest.find(" ("):] * (" (" in rest)
        return plain.replace(", no penalty = False", "")


DASHBOARDS = {"training_size": training_size, "l2_regularization": l2_regularization}
TITLES = {"training_size": "Overfitting: the size of the training set",
          "l2_regularization": "L2 regularization: the penalty λ"}
MAIN = "l2_regularization"
