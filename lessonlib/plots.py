"""Plot helpers shared by the notebooks.  Each takes ``ax=None`` and returns the Axes; none trains.

``presentation_style()`` is the look every lesson uses: large fonts and thick lines, readable
from the back of a lecture room, and the Okabe–Ito colours, safe for colour-blind readers.
"""
import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

COLORS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"]
BLUE, VERMILLION, GREEN, PURPLE, ORANGE, SKY, YELLOW, BLACK = COLORS

# One colour per method in every figure of the series (Okabe–Ito, distinct under colour-blindness).
OPTIMIZER_COLORS = {"SGD": BLACK, "momentum": VERMILLION, "Nesterov": PURPLE, "AdaGrad": ORANGE,
                    "RMSProp": GREEN, "Adam": BLUE}
SET_COLORS = {"train": BLUE, "validation": GREEN, "test": VERMILLION}
ACTIVATION_COLORS = {"sigmoid": VERMILLION, "relu": BLUE, "tanh": GREEN}
TRAIN_COLOR, VALIDATION_COLOR, TEST_COLOR = SET_COLORS["train"], SET_COLORS["validation"], SET_COLORS["test"]

# Text sizes: every text is at least MIN_TEXT_PT, which at the figures' 80 dpi is 18 px on screen, the least that
# reads on a 1280×720 slide beside 24 px body text (a figure up to SLIDE_FIGURE_WIDTH_IN wide is shown unscaled).
MIN_TEXT_PT = 16.5
SLIDE_FIGURE_WIDTH_IN = 13.75
STYLE = {
    "font.size": 17,
    "axes.titlesize": 18,
    "axes.labelsize": 17,
    "legend.fontsize": MIN_TEXT_PT,
    "legend.title_fontsize": 17,
    "xtick.labelsize": MIN_TEXT_PT,
    "ytick.labelsize": MIN_TEXT_PT,
    "figure.titlesize": 19,
    "lines.linewidth": 2.5,
    "lines.markersize": 6,
    "axes.prop_cycle": mpl.cycler(color=COLORS),
    "axes.grid": True,
    "grid.alpha": 0.3,
    "figure.figsize": (9, 4.5),
    "figure.dpi": 80,
    "image.cmap": "viridis",
    # titles sit just above the axes: matplotlib's automatic placement (titley None) only moves them above
    # tick labels on top, which no figure here has, and it cost a sixth of every draw
    "axes.titley": 1.0,
}


def presentation_style():
    """A context manager applying STYLE: ``with presentation_style(): ...``."""
    return mpl.rc_context(STYLE)


def use_presentation_style():
    """Apply STYLE for the rest of the session (the first cell of every notebook calls this, after its
    imports), give every figure a notebook shows its alt text (``alt_text``), and keep the imported modules
    out of the garbage collector's later walks."""
    mpl.rcParams.update(STYLE)
    show_alt_text()
    # Everything imported so far lives as long as the kernel: out of the collector's way, so the full
    # collections later (each dashboard's build runs one) walk only what the lesson itself creates.
    import gc
    gc.freeze()


# ---- alt text: what a figure shows, for screen readers, the handout and anyone who cannot see it ----------
ALT_KEY = "_lessonlib_alt"


def alt_text(fig, what_to_see):
    """Say what the figure shows (one or two sentences: what the reader should see in it); returns fig.

    The sentence goes with the figure's PNG as its ``alt`` text (after the figure's titles), in the
    notebook's stored output, in JupyterLab and in the handout."""
    fig = getattr(fig, "figure", fig)             # an Axes is accepted too
    setattr(fig, ALT_KEY, " ".join(str(what_to_see).split()))
    return fig


def describe_figure(fig):
    """The figure's alt text: its titles, then the sentence given to ``alt_text`` (or its axes' labels)."""
    titles = [t for t in [fig._suptitle.get_text() if getattr(fig, "_suptitle", None) else ""]
              + [ax.get_title() for ax in fig.axes] if t]
    head = "; ".join(" ".join(t.split()) for t in titles) or "A figure"
    said = getattr(fig, ALT_KEY, None)
    if said is None:
        labels = [f"{ax.get_ylabel()} against {ax.get_xlabel()}" for ax in fig.axes
                  if ax.get_xlabel() and ax.get_ylabel()]
        said = ("Axes: " + "; ".join(labels) + ".") if labels else ""
    return f"{head}. {said}".strip()


def smallest_text_px(fig):
    """The size in pixels (at the figure's dpi) of the smallest text drawn in the figure (None if none)."""
    from matplotlib.text import Text

    sizes = [t.get_fontsize() for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    return round(min(sizes) * fig.dpi / 72, 1) if sizes else None


def png_with_description(png, text):
    """The PNG with ``text`` in an iTXt "Description" chunk (UTF-8) right after its header.

    The alt text then travels inside the picture: JupyterLab ignores an output's ``alt`` metadata, and the
    dashboards' front-end module (``dashboards/picture.py``) gives every such picture on the page its alt."""
    import struct
    import zlib

    data = b"Description\0\0\0\0\0" + text.encode("utf-8")     # keyword, no compression, no language
    chunk = (struct.pack(">I", len(data)) + b"iTXt" + data
             + struct.pack(">I", zlib.crc32(b"iTXt" + data) & 0xFFFFFFFF))
    header = 8 + 25                                            # the signature, then the IHDR chunk
    return png[:header] + chunk + png[header:]


def _png_with_alt(fig):
    """The PNG (as the inline backend makes it) with its metadata: the alt text (also inside the PNG), and the
    smallest text's size in the PNG's pixels (tests/test_slides.py checks it is legible on a slide)."""
    from IPython.core.pylabtools import print_figure          # what the inline backend uses, same bytes
    # a figure with a layout engine, or placed by fixed_margins, already fits its canvas: cropping it "tight"
    # would draw it twice
    as_drawn = fig.get_layout_engine() is not None or getattr(fig, AS_DRAWN, False)
    data = print_figure(fig, "png", bbox_inches=None if as_drawn else "tight")
    if data is None:
        return None
    meta = {"alt": describe_figure(fig)}
    data = png_with_description(data, meta["alt"])
    smallest = smallest_text_px(fig)
    if smallest is not None:
        meta["smallest_text_px"] = smallest
    return data, meta


def show_alt_text():
    """In IPython, display figures as PNGs that carry ``describe_figure`` as their alt text."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is not None:
        plt._get_backend_mod()      # load the inline backend now: loading it later would reset the PNG formatter
        shell.display_formatter.formatters["image/png"].for_type(Figure, _png_with_alt)


def new_figure(figsize=(11, 4.2), ncols=1, nrows=1, **subplot_kw):
    """A Figure outside pyplot (nothing shows until asked) in the presentation style; returns (fig, axes).

    Dashboards draw into these; a notebook shows one with ``display(fig)``."""
    with presentation_style():
        fig = Figure(figsize=figsize, dpi=80, layout="constrained")
        FigureCanvasAgg(fig)
        axes = fig.subplots(nrows, ncols, squeeze=False, **subplot_kw)
    return fig, axes.ravel() if axes.size > 1 else axes[0, 0]


def axes_or_new(ax, figsize=None):
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def plot_cost(history, ax=None, label="", test=True, log=False, **line_kw):
    """Train (solid) and test (dashed) cost J per epoch from a History."""
    ax = axes_or_new(ax)
    epochs = np.arange(1, len(history.train_cost) + 1)
    name = f" {label}" if label else ""
    ax.plot(epochs, history.train_cost, color=line_kw.pop("color", TRAIN_COLOR), label=f"train{name}", **line_kw)
    if test and history.test_cost:
        ax.plot(epochs, history.test_cost, "--", color=TEST_COLOR, label=f"test{name}", **line_kw)
    ax.set(xlabel="epoch", ylabel="cost J", title="Cost per epoch")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    if log:
        ax.set_yscale("log")
    ax.legend()
    return ax


def plot_accuracy(history, ax=None, label=""):
    """Train and test accuracy per epoch from a History."""
    ax = axes_or_new(ax)
    epochs = np.arange(1, len(history.train_accuracy) + 1)
    name = f" {label}" if label else ""
    ax.plot(epochs, history.train_accuracy, color=TRAIN_COLOR, label=f"train{name}")
    if history.test_accuracy:
        ax.plot(epochs, history.test_accuracy, "--", color=TEST_COLOR, label=f"test{name}")
    ax.set(xlabel="epoch", ylabel="accuracy", title="Accuracy per epoch", ylim=(0, 1.02))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(loc="lower right")
    return ax


def plot_contours(surface, ax=None, levels=25, log=True, n=120, colors=None):
    """Contour lines of a Surface's J over its plotting window (log-spaced levels by default).
    ``colors``: one colour for every line (e.g. a grey under coloured paths) instead of the colormap."""
    ax = axes_or_new(ax)
    T0, T1, J = surface.grid(n)
    if log:
        lo, hi = np.nanmin(J), np.nanmax(J)
        offset = max(hi - lo, 1e-12) * 1e-3
        levels = lo + np.geomspace(offset, hi - lo + offset, levels) - offset
    shade = {"cmap": "viridis"} if colors is None else {"colors": colors, "negative_linestyles": "solid"}
    ax.contour(T0, T1, J, levels=levels, linewidths=1.2, **shade)
    for m in surface.minima:
        ax.plot(*m, marker="*", markersize=16, color="#000000", linestyle="none")
    ax.set(xlim=surface.xlim, ylim=surface.ylim, xlabel=surface.labels[0], ylabel=surface.labels[1],
           title=f"J on the {surface.name} surface")
    return ax


def plot_path(path, ax=None, label="", color=COLORS[1]):
    """A descent Path on top of contours: θ after each step, joined."""
    ax = axes_or_new(ax)
    ax.plot(path.theta[:, 0], path.theta[:, 1], "o-", color=color, markersize=4, linewidth=1.8, label=label)
    ax.plot(*path.theta[0], "s", color=color, markersize=9)
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
    """Contours of J with an arrow along −∇J on a square grid, n points tall.

    The arrows are normalized to one length: they show the direction only (|∇J| varies a lot)."""
    ax = plot_contours(surface, ax=ax)
    h = (surface.ylim[1] - surface.ylim[0]) / (n + 1)                  # grid spacing, the same both ways
    t0, t1 = np.meshgrid(np.arange(surface.xlim[0] + h / 2, surface.xlim[1], h),
                         np.arange(surface.ylim[0] + h / 2, surface.ylim[1], h))
    g = np.array([surface.gradient(p) for p in np.column_stack([t0.ravel(), t1.ravel()])])
    norm = np.linalg.norm(g, axis=1)
    keep = norm > 1e-12 * norm.max()                                    # no arrow where ∇J = 0
    d = -g[keep] / norm[keep, None]
    ax.quiver(t0.ravel()[keep], t1.ravel()[keep], d[:, 0], d[:, 1], color=COLORS[1], angles="xy",
              scale_units="xy", scale=1 / (0.75 * h), width=0.0035, label="direction of −∇J (length normalized)")
    if equal:
        ax.set_aspect("equal")
    ax.set_title("−∇J points downhill, across the contour lines")
    ax.legend(loc="upper right")
    return ax


def plain_log_ticks(ax, axis="y"):
    """Label a log axis with plain numbers (0.5, 2, 6) instead of "6×10⁰"; returns the Axes."""
    from matplotlib.ticker import FuncFormatter, LogLocator
    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    target.set_minor_locator(LogLocator(base=10, subs=(2.0, 5.0)))
    lim = ax.get_ylim if axis == "y" else ax.get_xlim
    few = lambda: np.log10(max(lim()) / max(min(lim()), 1e-300)) < 2      # noqa: E731  (label minors only then)
    target.set_minor_formatter(FuncFormatter(lambda v, _: f"{v:g}" if few() else ""))
    return ax


def plot_path_cost(path, ax=None, label="", color=COLORS[1]):
    """J after each step of a descent Path (log scale)."""
    ax = axes_or_new(ax)
    ax.semilogy(np.arange(len(path.cost)), np.maximum(path.cost, 1e-16), color=color, label=label)
    ax.set(xlabel="step k", ylabel="cost J(θ)", title="Cost per step")
    return ax


def plot_digits(X, titles=None, ax_grid=None, ncols=10, cmap="gray_r"):
    """8×8 images from the columns of X (64, n) in a grid, with optional titles."""
    n = X.shape[1]
    nrows = int(np.ceil(n / ncols))
    if ax_grid is None:
        _, ax_grid = plt.subplots(nrows, ncols, figsize=(1.2 * ncols, 1.45 * nrows), squeeze=False)
    axes = np.ravel(ax_grid)
    for i, ax in enumerate(axes):
        ax.axis("off")
        if i < n:
            ax.imshow(X[:, i].reshape(8, 8), cmap=cmap)
            if titles is not None:
                ax.set_title(titles[i])
    return ax_grid


# ---- figures drawn once: fixed margins instead of a layout engine ---------------------------------------------
AS_DRAWN = "_lessonlib_as_drawn"


def fixed_margins(fig, left=1.05, right=0.25, bottom=0.85, top=0.5, wspace=None, hspace=None):
    """Place the figure's axes with fixed margins and gaps (in inches) and show it as drawn; returns the figure.

    Constrained layout measures every axis's ticks and labels in a draw of its own before the real one, and a
    "tight" crop does the same: either doubles a figure's cost.  With the style's fixed font sizes, margins
    known in inches fit instead, and the figure is drawn once.  ``wspace``/``hspace``: the gaps between
    panels (inches), for figures with several."""
    fig = getattr(fig, "figure", fig)
    fig.set_layout_engine(None)
    width, height = fig.get_size_inches()
    cols, rows = (fig.axes[0].get_gridspec().ncols, fig.axes[0].get_gridspec().nrows) if fig.axes else (1, 1)
    inner_w, inner_h = width - left - right, height - bottom - top
    gaps = {}
    if wspace is not None and cols > 1:                       # matplotlib's wspace: a gap over the mean panel width
        gaps["wspace"] = wspace / ((inner_w - (cols - 1) * wspace) / cols)
    if hspace is not None and rows > 1:
        gaps["hspace"] = hspace / ((inner_h - (rows - 1) * hspace) / rows)
    fig.subplots_adjust(left=left / width, right=1 - right / width, bottom=bottom / height, top=1 - top / height,
                        **gaps)
    setattr(fig, AS_DRAWN, True)
    return fig
