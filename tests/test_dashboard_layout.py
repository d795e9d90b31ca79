"""Dashboard presentation: a sentence where no kernel draws the widget, messages legible in both
JupyterLab themes, a figure and controls that follow the page (issue 15), a picture with alt text that is
drawn at the size the browser shows it at (issue 25)."""
import re
from pathlib import Path

import ipywidgets as widgets
import pytest

from lessonlib.dashboards.machinery import (CSS_CLASS, MESSAGE_BACKGROUND, MESSAGE_COLOR, Dashboard, checkbox,
                                            int_slider, log_slider, new_figure)
from lessonlib.dashboards.picture import MAX_DPI, Picture, fit_dpi

CHROMIUM = "/usr/bin/chromium"


def luminance(color):
    rgb = [int(color[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    rgb = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]


def contrast(a, b):
    hi, lo = sorted([luminance(a), luminance(b)], reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def make(controls=None, title="Test"):
    fig, ax = new_figure(figsize=(4, 3))
    line, = ax.plot([0, 1], [0, 1])
    controls = controls or {"k": int_slider("k", 1, 1, 5)}
    return Dashboard(controls, lambda **v: "diverged" if v.get("k") == 5 else None, fig, title=title)


def test_without_a_kernel_the_cell_reads_as_a_sentence():
    bundle = make()._repr_mimebundle_()
    text = bundle["text/plain"]
    assert "VBox" not in text and "children" not in text
    assert text == "Interactive dashboard (Test): run the notebook to use it (a still image is in the next cell)"
    assert "application/vnd.jupyter.widget-view+json" in bundle       # with a kernel it is still the live widget
    assert make(title="")._repr_mimebundle_()["text/plain"].startswith("Interactive dashboard: run")


def test_message_contrast_is_at_least_4_5_in_light_and_dark_themes():
    dash = make()
    dash.controls["k"].value = 5
    html = dash.message.value
    color = re.search(r"(?<!-)color:(#[0-9a-fA-F]{6})", html).group(1)
    background = re.search(r"background:(#[0-9a-fA-F]{6})", html).group(1)
    assert (color, background) == (MESSAGE_COLOR, MESSAGE_BACKGROUND)
    assert contrast(color, background) >= 4.5                # the pill carries its own background
    assert contrast("#b2182b", "#111111") < 4.5               # why: bare red text on the dark theme was 2.75:1
    assert dash.snapshot().caption.endswith("(diverged)")


def test_figure_follows_the_page_and_controls_share_one_grid_row():
    controls = {"lr": log_slider("α", 0.1, -3, 0), "beta": int_slider("β", 1, 1, 5),
                "steps": int_slider("steps", 10, 10, 100), "scale": log_slider("c", 1.0, -2, 2)}
    controls.update({name: checkbox(name) for name in ["SGD", "momentum", "Nesterov", "AdaGrad", "RMSProp", "Adam"]})
    dash = make(controls)
    assert isinstance(dash.image, Picture) and dash.widget.children[-1] is dash.image    # the picture comes last
    assert CSS_CLASS in dash.widget._dom_classes
    style = dash.widget.children[0].value
    assert "clamp(" in style and "vw" in style                # control text scales with the window
    grids = [c for c in dash.widget.children if isinstance(c, widgets.GridBox)]
    rows = [c for c in dash.widget.children if isinstance(c, widgets.HBox)]
    assert len(grids) == 1 and all(c.layout.width == "auto" for c in grids[0].children)
    assert "auto-fill" in grids[0].layout.grid_template_columns
    assert len(rows) == 1 and all(isinstance(c, widgets.Checkbox) for c in rows[0].children)
    assert len(rows[0].children) == 6                         # all checkboxes in one row of their own


def test_the_picture_says_what_it_shows_and_follows_the_state():
    dash = make()
    dash.figure.axes[0].set(title="A line", xlabel="x", ylabel="y")
    dash.controls["k"].value = 2
    assert dash.image.alt == "Test at k = 2. A line. Axes: y against x."
    dash.controls["k"].value = 5
    assert dash.image.alt.startswith("Test at k = 5 (diverged). A line.")
    snap = dash.snapshot()
    assert snap._repr_mimebundle_() == ({}, {"image/png": {"alt": dash.image.alt}})
    from IPython.core.formatters import DisplayFormatter
    data, metadata = DisplayFormatter().format(snap)                  # what a notebook stores
    assert metadata == {"image/png": {"alt": dash.image.alt}}
    assert png_description(data["image/png"]) == dash.image.alt       # and inside the PNG, for JupyterLab
    assert data["text/plain"] == "Test at k = 5 (diverged)"


def test_the_picture_is_drawn_at_the_size_and_pixel_ratio_it_is_shown_at():
    dash = make()                                                     # a 4 in × 3 in figure at 80 dpi
    assert dash.figure.dpi == 80 and png_size(dash.image.value) == (320, 240)
    dash.image.shown = {"width": 600, "height": 450, "ratio": 2}       # what the browser reports
    assert dash.figure.dpi == 300 and png_size(dash.image.value) == (1200, 900)
    before = dash.image.value
    dash.image.shown = {"width": 601, "height": 451, "ratio": 2}       # under 3 %: no redraw
    assert dash.image.value is before
    dash.image.shown = {"width": 300, "height": 225, "ratio": 1}
    assert png_size(dash.image.value) == (300, 225)
    assert dash.values == {"k": 1} and dash.last_error is None


def test_unusable_size_reports_change_nothing():
    fig, _ = new_figure(figsize=(4, 3))
    for shown in ({}, {"width": 0}, {"width": "wide"}, {"width": -5, "ratio": 1}, {"width": 100, "ratio": 0}):
        assert fit_dpi(fig, shown) is None, shown
    assert fit_dpi(fig, {"width": 10 ** 6, "ratio": 1}) == MAX_DPI      # a bounded redraw, whatever is reported


def png_size(frame):
    """(width, height) of a frame, PNG or JPEG (live frames are JPEG, stills PNG)."""
    import io

    from PIL import Image
    return Image.open(io.BytesIO(frame)).size


def png_description(png):
    import io

    from PIL import Image
    image = Image.open(io.BytesIO(png))
    image.load()
    return image.info.get("Description")


@pytest.mark.browser
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Chromium")
def test_the_front_end_gives_every_described_png_on_the_page_its_alt_text():
    """JupyterLab and Voilà ignore an output's alt metadata: the dashboards' module reads the PNG's own."""
    import base64

    from playwright.sync_api import sync_playwright

    from lab_harness import launch_browser
    from lessonlib.dashboards.picture import ESM
    from lessonlib.plots import png_with_description

    said = "Cost per step: θ falls to 10⁻⁶ — α = 0.1 «smooth»"
    described = base64.b64encode(png_with_description(make().still_png(), said)).decode()
    plain = base64.b64encode(make().still_png()).decode()
    script = ESM.replace("export default { render };", "window.describePictures = describePictures;")
    with sync_playwright() as p:
        browser = launch_browser(p)
        try:
            page = browser.new_page()
            page.set_content(f'<img id="a" src="data:image/png;base64,{described}"><img id="b" src="data:image/png;base64,{plain}">')
            page.add_script_tag(content=script)
            page.evaluate("() => describePictures()")
            later = f"data:image/png;base64,{described}"
            page.evaluate("(src) => { const i = document.createElement('img'); i.id = 'c'; i.src = src; "
                          "document.body.appendChild(i); }", later)
            page.wait_for_function("() => document.getElementById('c').hasAttribute('alt')", timeout=5_000)
            alts = page.evaluate("() => ['a', 'b', 'c'].map(i => document.getElementById(i).getAttribute('alt'))")
        finally:
            browser.close()
    assert alts == [said, None, said]
