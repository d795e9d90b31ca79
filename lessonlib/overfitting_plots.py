"""The figures of notebook 04: the moons, decision boundaries, training curves and sweeps.

Each helper takes ``ax=None`` and returns the Axes (or the artists a dashboard animates); none trains.
The dashboards in lessonlib/dashboards/overfitting.py reuse them.
"""
import functools

import contourpy
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.layout_engine import PlaceHolderLayoutEngine
from matplotlib.ticker import FuncFormatter, NullFormatter

from . import data
from .overfitting_data import bayes_probability
from .plots import BLACK, COLORS, ORANGE, SET_COLORS, SKY, TRAIN_COLOR, YELLOW, axes_or_new
from .training import one_blas_thread

XLIM, YLIM = (-1.75, 2.75), (-1.25, 1.75)        # the plotting window of the moons
CLASS_COLORS = (ORANGE, SKY)                     # class 0 orange, class 1 sky blue: apart from the set colors
BOUNDARY_CMAP = LinearSegmentedColormap.from_list("moons", ["#F5D59A", "#FFFFFF", "#B3DDF5"])
WEIGHT_COLORS = {"no penalty": BLACK, "penalty": YELLOW}   # the weight histograms: λ = 0, λ > 0
SET_STYLES = {"train": "-", "validation": "-.", "test": "--"}
SET_LABELS = {"train": "training set", "validation": "validation set", "test": "test set"}


def figure(ncols=1, figsize=(8, 4.6), **margins):
    """A pyplot figure of ``ncols`` panels side by side with fixed margins (fractions of the figure): shown
    as drawn, in one draw, with no layout pass (a layout engine that does nothing; see plots._png_with_alt).
    ``margins``: subplots_adjust's left, right, bottom, top, wspace, to change the defaults."""
    fig, axes = plt.subplots(1, ncols, figsize=figsize)
    width, height = figsize
    fig.subplots_adjust(**{"left": 0.9 / width, "right": 1 - 0.15 / width, "bottom": 0.75 / height,
                           "top": 1 - 0.45 / height, "wspace": 0.2, **margins})
    fig.set_layout_engine(PlaceHolderLayoutEngine(adjust_compatible=True, colorbar_gridspec=True))
    return fig, axes


def boundary_grid(n_x=75, n_y=50):
    """The grid the decision boundaries are drawn on: (xs, ys, G) with G of shape (2, n_x n_y)."""
    xs, ys = np.linspace(*XLIM, n_x), np.linspace(*YLIM, n_y)
    gx, gy = np.meshgrid(xs, ys)
    return xs, ys, np.vstack([gx.ravel(), gy.ravel()])


def class1_probability(net, grid=None):
    """a^L for class 1 over the boundary grid, as an image (n_y, n_x) (BLAS on one thread: faster here)."""
    xs, ys, G = boundary_grid() if grid is None else grid
    with one_blas_thread():
        return net.predict(G)[1].reshape(ys.size, xs.size)


@functools.cache
def bayes_boundary():
    """The Bayes classifier's boundary P(class 1 | x) = 0.5 as (x, y) arrays; computed once (it never changes)."""
    xs, ys, G = boundary_grid()
    x, y = boundary_line(bayes_probability(G).reshape(ys.size, xs.size))
    x.flags.writeable = y.flags.writeable = False
    return x, y


# ---- plots -----------------------------------------------------------------------------------
def plot_points(X, Y, ax=None, size=28, animated=False):
    """The examples as dots colored by class (class 0 orange, class 1 sky blue); returns (ax, dots)."""
    ax = axes_or_new(ax)
    colors = np.array(CLASS_COLORS)[data.labels_of(Y)]
    dots = ax.scatter(X[0], X[1], c=list(colors), s=size, edgecolors="black", linewidths=0.6,
                      zorder=3, animated=animated)
    plane(ax)
    return ax, dots


def plane(ax):
    """The moons' window, axes labeled x₁, x₂ without tick numbers (a picture, not a chart to read off)."""
    ax.set(xlim=XLIM, ylim=YLIM, xlabel="x₁", ylabel="x₂", xticks=[], yticks=[])
    return ax


def plot_signal(ax=None):
    """The signal the moons are drawn from: two noiseless half circles."""
    ax = axes_or_new(ax)
    t = np.linspace(0, np.pi, 200)
    ax.plot(np.cos(t), np.sin(t), color=CLASS_COLORS[0], label="class 0")
    ax.plot(1 - np.cos(t), 0.5 - np.sin(t), color=CLASS_COLORS[1], label="class 1")
    ax.set(xlim=XLIM, ylim=YLIM, xlabel="x₁", ylabel="x₂", title="The signal")
    ax.legend(loc="lower left")
    return ax


def boundary_line(image):
    """The a^L = 0.5 contour of a class-1 probability image as (x, y) arrays, pieces split by NaN."""
    xs, ys, _ = boundary_grid()
    pieces = contourpy.contour_generator(xs, ys, image, line_type="Separate").lines(0.5)
    if not pieces:
        return np.array([np.nan]), np.array([np.nan])
    xy = np.concatenate([np.vstack([p, [np.nan, np.nan]]) for p in pieces])
    return xy[:, 0], xy[:, 1]


def draw_boundary(ax, image, animated=False):
    """The class-1 probability as a background image plus its 0.5 contour; returns (image, line) artists."""
    im = ax.imshow(image, origin="lower", extent=(*XLIM, *YLIM), cmap=BOUNDARY_CMAP, vmin=0, vmax=1,
                   aspect="auto", interpolation="bilinear", animated=animated)
    line, = ax.plot(*boundary_line(image), color="black", linewidth=2, animated=animated)
    return im, line


def plot_boundary(net_or_image, X, Y, ax=None, title="Decision boundary", bayes=False, legend=True):
    """The regions a network gives each class (shaded), its boundary a^L = 0.5, and the examples;
    ``bayes=True`` adds the Bayes classifier's boundary, dashed (named in a legend unless ``legend=False``)."""
    ax = axes_or_new(ax)
    image = net_or_image if isinstance(net_or_image, np.ndarray) else class1_probability(net_or_image)
    draw_boundary(ax, image)
    if bayes:
        ax.plot(*bayes_boundary(), "--", color=COLORS[3], linewidth=2, label="Bayes boundary")
        if legend:
            ax.legend(loc="lower left")
    plot_points(X, Y, ax)
    ax.set_title(title)
    ax.grid(False)
    return ax


def plot_training_curves(history, ax=None, held_out="validation", title="Cost per epoch", log=True, legend="best"):
    """Training cost and held-out cost J per epoch (log scale unless ``log=False``); marks the kept
    epoch of early stopping.  ``held_out``: "validation" (history.val_cost) or "test" (history.test_cost)."""
    ax = axes_or_new(ax)
    epochs = np.arange(1, history.epochs + 1)
    ax.plot(epochs, history.train_cost, color=TRAIN_COLOR, label="training set")
    held_out_cost = history.val_cost if held_out == "validation" else history.test_cost
    ax.plot(epochs, held_out_cost, SET_STYLES[held_out], color=SET_COLORS[held_out],
            label=SET_LABELS[held_out])
    if history.best_epoch is not None:
        ax.axvline(history.best_epoch, color="black", linestyle=":", linewidth=2,
                   label=f"kept: epoch {history.best_epoch}")
    ax.set(xlabel="epoch", ylabel="cost J (log scale)" if log else "cost J", title=title,
           yscale="log" if log else "linear")
    if log:
        plain_log_axis(ax)
    ax.legend(loc=legend)
    return ax


def plot_sweep(sweep, ax=None, sets=("train", "validation"), metric="cost", best=None, xlabel="λ",
               title="Validation curve", bayes=None, legend="best"):
    """Cost or accuracy against the swept value on a log axis (λ = 0 drawn at the left edge): the mean over
    the sweep's draws (its rows), with their range shaded; ``bayes``: the Bayes classifier's accuracy as a
    line (metric="accuracy"); ``best``: a dotted line at the chosen value."""
    ax = axes_or_new(ax)
    x, zero_at = sweep_x(sweep.values)
    for name in sets:
        table = sweep.data_cost[name] if metric == "cost" else sweep.accuracy[name]
        ax.fill_between(x, table.min(axis=0), table.max(axis=0), color=SET_COLORS[name], alpha=0.2, linewidth=0)
        ax.plot(x, table.mean(axis=0), SET_STYLES[name], marker="o", markersize=5, color=SET_COLORS[name],
                label=SET_LABELS[name])
    if bayes is not None:
        ax.axhline(bayes, color=COLORS[3], linestyle="--", linewidth=2, label=f"Bayes classifier ({bayes:.1%})")
    if best is not None:
        bx = x[int(np.argmin(np.abs(sweep.values - best)))]
        ax.axvline(bx, color="black", linestyle=":", linewidth=2, label=f"chosen λ = {best:.2g}")
    ax.set_xscale("log")
    if zero_at is not None:
        label_zero(ax, zero_at, sweep.values)
    elif sweep.values.dtype.kind == "i":
        ax.set_xticks(sweep.values, [str(v) for v in sweep.values])
        ax.minorticks_off()
    ax.set(xlabel=xlabel, ylabel="cost J" if metric == "cost" else "accuracy", title=title)
    ax.legend(loc=legend)
    return ax


def sweep_x(values):
    """x positions for a log axis: a λ = 0 entry is drawn half a decade left of the smallest λ > 0."""
    values = np.asarray(values, dtype=np.float64)
    if values[0] > 0:
        return values, None
    zero_at = values[1] / 10 ** 0.7
    return np.concatenate([[zero_at], values[1:]]), zero_at


def label_zero(ax, zero_at, values):
    """Ticks at each decade plus '0' at the λ = 0 position."""
    decades = 10.0 ** np.arange(np.ceil(np.log10(values[1])), np.floor(np.log10(values[-1])) + 1)
    ax.set_xticks([zero_at, *decades], ["0", *[power_of_ten(d) for d in decades]])
    ax.minorticks_off()
    ax.set_xlim(zero_at / 10 ** 0.2, values[-1] * 10 ** 0.2)
    ax.text(np.sqrt(zero_at * values[1]), 0, "//", transform=ax.get_xaxis_transform(), ha="center",
            va="center", backgroundcolor="white", clip_on=False)      # the axis breaks between 0 and the first λ


def power_of_ten(value):
    """'10⁻³' for 0.001: a tick label in plain text (mathtext's first use costs a third of a second)."""
    return "10" + str(int(round(np.log10(value)))).translate(SUPERSCRIPTS)


SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def plain_log_axis(ax, axis="y"):
    """A log axis labeled with plain numbers (0.01, 0.1, 1) instead of mathtext's 10^k."""
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    (ax.yaxis if axis == "y" else ax.xaxis).set_minor_formatter(NullFormatter())
    return ax


WEIGHT_BINS = np.linspace(-4, 4, 41)


def weight_counts(net):
    """How many weights (biases excluded) fall in each WEIGHT_BINS bin; larger |w| go to the end bins."""
    w = np.concatenate([W.ravel() for W in net.weights])
    return np.histogram(np.clip(w, WEIGHT_BINS[0], WEIGHT_BINS[-1]), WEIGHT_BINS)[0]


def plot_weight_histogram(net, ax=None, label=None, color=WEIGHT_COLORS["penalty"]):
    """Histogram of every weight of ``net`` (log count scale), outlined in black."""
    ax = axes_or_new(ax)
    counts = np.maximum(weight_counts(net), 0.8)
    ax.stairs(counts, WEIGHT_BINS, baseline=0.8, fill=True, alpha=0.6, color=color, label=label)
    ax.stairs(counts, WEIGHT_BINS, baseline=0.8, color="black", linewidth=1)
    ax.set(yscale="log", ylim=(0.8, 3000), xlabel="weight w (|w| > 4 drawn at ±4)", ylabel="count",
           title="Weights")
    if label:
        ax.legend()
    return ax
