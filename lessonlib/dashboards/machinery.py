"""The machinery behind every lesson's dashboard: controls → update → a redrawn figure.

A ``Dashboard`` holds ipywidgets controls, a matplotlib Figure shown as a PNG in a ``Picture``
(``picture.py``: an image with alt text, drawn at the size it is shown at; no Output widget, so nbval,
nbclient and JupyterLab all see the same cell outputs), and a message line.  When any control changes, ``update(**values)`` redraws the
figure's artists and may return a message (e.g. "diverged ...").  Warnings are silenced and
errors are shown as a message, never as a traceback under a slider.  ``dash.figure`` is the
Figure itself: show it in an ordinary cell for a static copy that reads well on GitHub.
"""
import gc
import io
import json
import os
import warnings

import ipywidgets as widgets
import numpy as np
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from ..plots import describe_figure, new_figure, png_with_description, presentation_style  # noqa: F401
from .picture import Picture, fit_dpi


def animated_artists(fig):
    return [a for ax in fig.axes for a in ax.get_children() if a.get_animated()]


def layout_key(fig):
    """What the static background depends on: every axes' limits, scales and title."""
    return tuple((ax.get_xlim(), ax.get_ylim(), ax.get_xscale(), ax.get_yscale(), ax.get_title())
                 for ax in fig.axes)


class Blitter:
    """Redraw only the artists marked ``animated=True`` over a cached background.

    The background (contours, axes, labels) is drawn once and redrawn only when an axes'
    limits, scale or title change; this keeps a contour dashboard's redraw to a few ms.
    ``keep`` > 1 remembers that many backgrounds by layout, so a dashboard that switches between
    a few fixed views (e.g. one per surface) blits on every switch too."""

    def __init__(self, fig, keep=1):
        self.fig, self.keep, self.key, self.backgrounds = fig, keep, None, {}

    def draw(self):
        canvas, self.key = self.fig.canvas, layout_key(self.fig)
        if self.key in self.backgrounds:
            canvas.restore_region(self.backgrounds[self.key])
        else:
            canvas.draw()                                   # skips animated artists
            if len(self.backgrounds) >= self.keep:
                self.backgrounds.pop(next(iter(self.backgrounds)))   # forget the oldest view
            self.backgrounds[self.key] = canvas.copy_from_bbox(self.fig.bbox)
        for artist in animated_artists(self.fig):
            if artist.get_visible():
                artist.axes.draw_artist(artist)


# ---- frames: what the kernel sends for every move of a control --------------------------------------------
# A frame is JPEG at quality 90 with full-resolution colour (4:4:4: thin coloured lines and text stay crisp):
# 2–7 ms to encode where a PNG took 16–64 ms (the picture is drawn at the size the browser shows it at, up to
# 1320 px wide and more), and no more bytes.  Stills (``snapshot``) stay lossless PNG.  benchmarks/README.md
# has the measurements.
FRAME_FORMAT = os.environ.get("LESSONLIB_FRAME_FORMAT", "jpeg")   # "png" to compare (browser_latency.py --format)
JPEG_QUALITY = 90


def render(fig, blitter=None):
    """Draw the figure with Agg (blitting when a Blitter is given): its pixels, (height, width, 4) RGBA."""
    if blitter is None:
        fig.canvas.draw()
    else:
        blitter.draw()
    return np.asarray(fig.canvas.buffer_rgba())


def encode(rgba, fmt="png", note=None):
    """Pixels as PNG (lossless) or JPEG; ``note``: a line of text kept in the file (what the frame shows).
    A picture with transparent pixels stays PNG (JPEG has no alpha)."""
    height, width, _ = rgba.shape
    buf = io.BytesIO()
    if fmt == "jpeg" and rgba[..., 3].min() == 255:
        image = Image.frombuffer("RGBX", (width, height), rgba, "raw", "RGBX", 0, 1)    # no copy: A is padding
        image.save(buf, format="jpeg", quality=JPEG_QUALITY, subsampling=0, comment=note or "")
    else:
        info = PngInfo()
        if note:
            info.add_itxt("Comment", note)
        Image.fromarray(rgba).save(buf, format="png", compress_level=1, pnginfo=info)
    return buf.getvalue()


def image_format(data):
    """"jpeg" or "png", from the file's first bytes."""
    return "jpeg" if data[:2] == b"\xff\xd8" else "png"


def png_bytes(fig, blitter=None):
    """Render the figure (blitting when a Blitter is given) and encode it as a lossless PNG."""
    return encode(render(fig, blitter))


FRAME_TAG = "lessonlib-frame "


def frame_note(controls):
    """What a frame shows, kept in it: the sliders' positions, in the order they appear, as their handles in
    the browser report them (a log slider's exponent); benchmarks/browser_latency.py reads it back."""
    sliders = [float(np.log(c.value) / np.log(c.base)) if isinstance(c, widgets.FloatLogSlider) else c.value
               for c in controls.values() if isinstance(c, (widgets.FloatSlider, widgets.IntSlider,
                                                            widgets.FloatLogSlider))]
    return FRAME_TAG + json.dumps({"sliders": sliders})


def log_slider(description, value, min_exp, max_exp, step=0.05, fmt=".3g"):
    """A slider over 10^min_exp … 10^max_exp on a log scale (for α and λ)."""
    return widgets.FloatLogSlider(value=value, base=10, min=min_exp, max=max_exp, step=step,
                                  description=description, readout_format=fmt, continuous_update=True,
                                  style={"description_width": "initial"}, layout=widgets.Layout(width="420px"))


def int_slider(description, value, min, max, step=1):
    return widgets.IntSlider(value=value, min=min, max=max, step=step, description=description,
                             continuous_update=True, style={"description_width": "initial"},
                             layout=widgets.Layout(width="380px"))


def float_slider(description, value, min, max, step):
    return widgets.FloatSlider(value=value, min=min, max=max, step=step, description=description,
                               continuous_update=True, style={"description_width": "initial"},
                               layout=widgets.Layout(width="380px"))


def dropdown(description, options, value=None):
    first = next(iter(options.values())) if isinstance(options, dict) else list(options)[0]
    first = first[1] if isinstance(first, tuple) else first
    return widgets.Dropdown(options=options, value=first if value is None else value,
                            description=description, style={"description_width": "initial"})


def checkbox(description, value=True):
    return widgets.Checkbox(value=value, description=description, indent=False,
                            layout=widgets.Layout(width="auto"))


class Snapshot:
    """A still of a dashboard: a PNG where widgets do not run (GitHub, nbviewer, PDF), with a caption and alt
    text (what the picture shows: the dashboard's title, its controls' values, its message and its plots)."""

    def __init__(self, png, caption, alt=None):
        self.png, self.caption, self.alt = png, caption, caption if alt is None else alt

    def _repr_png_(self):
        return png_with_description(self.png, self.alt)     # the alt text inside the PNG too (JupyterLab)

    def _repr_mimebundle_(self, **kwargs):
        """Only the PNG's metadata (its alt text, which viewers put on the <img>); IPython adds the PNG itself
        from ``_repr_png_`` and the caption from ``__repr__``."""
        return {}, {"image/png": {"alt": self.alt}}

    def __repr__(self):
        return self.caption


CSS_CLASS = "lessonlib-dashboard"
APP_CLASS = "lessonlib-app"          # the dashboard alone in a Voilà app (lessonlib.app): it fills the window
MESSAGE_COLOR, MESSAGE_BACKGROUND = "#8e1520", "#fde8e8"     # contrast 7.9:1, whatever the theme around it
# The dashboard is a flex column (title, controls, message, picture) no taller than FIT_HEIGHT: the picture
# takes what the rest leaves (object-fit keeps its shape) and reports that size, at which it is then drawn.
# On a slide (jupyterlab-slideshow) and in the app it fits the screen; in the notebook, 78 % of it.
STYLE = f"""<style>
.{CSS_CLASS} {{
  --jp-widgets-font-size: clamp(13px, 1.05vw, 24px);
  --jp-widgets-inline-height: calc(2.15 * var(--jp-widgets-font-size));
  --jp-widgets-inline-label-width: auto;
  --lessonlib-fit-height: 78vh;
  font-size: var(--jp-widgets-font-size);
  width: 100%;
  max-height: var(--lessonlib-fit-height);
  overflow: hidden;
}}
.{CSS_CLASS} > * {{ flex: 0 0 auto; }}
.{CSS_CLASS} .widget-label, .{CSS_CLASS} .widget-readout, .{CSS_CLASS} .widget-html-content,
.{CSS_CLASS} .widget-dropdown select, .{CSS_CLASS} .widget-checkbox label {{ font-size: var(--jp-widgets-font-size); }}
.{CSS_CLASS} > .lessonlib-picture {{ flex: 1 1 auto; min-height: 0; display: flex; }}
.{CSS_CLASS} .lessonlib-picture img.widget-image {{
  width: 100%; height: auto; max-height: 100%; min-height: 0; object-fit: contain; object-position: left top;
}}
.{APP_CLASS} {{
  --jp-widgets-font-size: clamp(18px, 1.45vw, 32px);
  --lessonlib-fit-height: calc(100vh - 2 * var(--jp-widgets-font-size));
}}
body[data-jp-deck-mode='presenting'] .{CSS_CLASS} {{ --lessonlib-fit-height: calc(100vh - 24px); }}
</style>"""
PLACEHOLDER = "Interactive dashboard{title}: run the notebook to use it (a still image is in the next cell)"


def message_html(message):
    """The message line's HTML: a pill with its own colors, so it reads in light and dark themes."""
    return (f'<span style="color:{MESSAGE_COLOR};background:{MESSAGE_BACKGROUND};font-weight:bold;'
            f'padding:0.1em 0.5em;border-radius:0.4em">{message}</span>')


def arrange(controls):
    """Sliders and dropdowns in a grid whose columns grow with the page; checkboxes in one row below."""
    ticks = [c for c in controls if isinstance(c, widgets.Checkbox)]
    others = [c for c in controls if not isinstance(c, widgets.Checkbox)]
    for control in others:
        control.layout.width, control.layout.min_width = "auto", "0"
    rows = []
    if others:
        rows.append(widgets.GridBox(others, layout=widgets.Layout(
            grid_template_columns="repeat(auto-fill, minmax(min(100%, 21em), 1fr))", grid_gap="0.2em 1.5em",
            width="100%")))
    if ticks:
        rows.append(widgets.HBox(ticks, layout=widgets.Layout(flex_flow="row wrap", grid_gap="0 1.2em")))
    return rows


def describe(values):
    """'α = 0.1, steps = 50' from control values, numbers rounded so the text is stable."""
    def fmt(v):
        return f"{v:.3g}" if isinstance(v, float) else str(v)
    return ", ".join(f"{name} = {fmt(v)}" for name, v in values.items())


class Dashboard:
    """controls (name → widget) drive ``update(**values) -> message or None``, which redraws ``figure``."""

    def __init__(self, controls, update, figure, title=""):
        self.controls, self.update, self.figure, self.title = dict(controls), update, figure, title
        self.image = Picture(format="png")              # an <img> with alt text that reports its size on screen
        self.image.observe(self.show_at, names="shown")
        self.message = widgets.HTML(layout=widgets.Layout(min_height="1.6em"))
        self.last_error = None
        self.blitter = Blitter(figure)
        for control in self.controls.values():
            control.observe(self.refresh, names="value")
        rows = [widgets.HTML(STYLE + (f"<b>{title}</b>" if title else ""))]
        rows += arrange(list(self.controls.values())) + [self.message, self.image]
        self.widget = widgets.VBox(rows, layout=widgets.Layout(width="100%"))
        self.widget.add_class(CSS_CLASS)
        self.refresh()
        gc.collect()      # what the build precomputed stays: move it out of the collector's way, so that a
        gc.freeze()       # full collection (100 ms with a few dashboards' runs in memory) never lands in a slider move

    @property
    def values(self):
        return {name: control.value for name, control in self.controls.items()}

    def refresh(self, change=None):
        """Recompute and redraw for the controls' current values."""
        with presentation_style():
            try:
                with warnings.catch_warnings(), np.errstate(all="ignore"):
                    warnings.simplefilter("ignore")
                    message = self.update(**self.values)
                self.last_error = None
            except Exception as err:  # shown, not raised: a slider must never leave a traceback
                self.last_error = err
                message = f"Could not redraw: {type(err).__name__}: {err}"
            self.show_message(message)
            frame = encode(render(self.figure, self.blitter), FRAME_FORMAT, frame_note(self.controls))
            self.image.format = image_format(frame)
            self.image.value = frame

    def show_message(self, message):
        if message:
            self.message.value = message_html(message)
        else:
            self.message.value = ""
        self.image.alt = self.alt_text()

    def caption(self):
        """'<title> at α = 0.04, steps = 100 (<message>)': what the controls are set to, and what it says."""
        plain = self.message.value.split(">", 1)[-1].rsplit("<", 1)[0] if self.message.value else ""
        return f"{self.title or 'Dashboard'} at {describe(self.values)}" + (f" ({plain})" if plain else "")

    def alt_text(self):
        """What the picture shows, for screen readers: the caption, then the plots' titles and what to see."""
        return f"{self.caption()}. {describe_figure(self.figure)}"

    def show_at(self, change):
        """The browser reports the size the picture is shown at (``Picture.shown``): draw it at that size."""
        dpi = fit_dpi(self.figure, change["new"])
        if dpi is None:
            return
        self.figure.set_dpi(dpi)
        self.blitter.backgrounds.clear()         # the cached backgrounds were drawn at the old size
        self.refresh()

    def snapshot(self):
        """A static copy of the current figure, captioned with the controls' values."""
        return Snapshot(self.still_png(), self.caption(), self.alt_text())

    def still_png(self):
        """The picture as it is now, as a lossless PNG (the live frames are JPEG)."""
        with presentation_style():
            return png_bytes(self.figure, self.blitter)

    def _repr_mimebundle_(self, **kwargs):
        """The live widget; where no kernel draws it, one sentence instead of the widget's repr."""
        bundle = dict(self.widget._repr_mimebundle_(**kwargs))
        bundle["text/plain"] = PLACEHOLDER.format(title=f" ({self.title})" if self.title else "")
        return bundle


def control_values(control, n=9):
    """Values spanning a control's whole range, ends included (for tests and benchmarks)."""
    if isinstance(control, widgets.FloatLogSlider):
        return [float(v) for v in control.base ** np.linspace(control.min, control.max, n)]
    if isinstance(control, widgets.IntSlider):
        return sorted({int(round(v)) for v in np.linspace(control.min, control.max, n)})
    if isinstance(control, widgets.FloatSlider):
        return [float(v) for v in np.linspace(control.min, control.max, n)]
    if isinstance(control, widgets.Checkbox):
        return [not control.value, control.value]
    if hasattr(control, "options"):
        options = control.options
        return [o[1] if isinstance(o, tuple) else o for o in (options.items() if isinstance(options, dict) else options)]
    raise TypeError(f"no value sweep for {type(control).__name__}")
