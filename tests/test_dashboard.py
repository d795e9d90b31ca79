"""The dashboard machinery: redraws on control changes, blits exactly, never raises or warns."""
import warnings

import numpy as np
import pytest
from PIL import Image
import io

from lessonlib.plots import presentation_style
from lessonlib.dashboards.machinery import (Blitter, Dashboard, control_values, dropdown, int_slider, log_slider,
                                 new_figure, png_bytes)


def pixels(png):
    return np.asarray(Image.open(io.BytesIO(png)))


def make_dashboard():
    fig, ax = new_figure(figsize=(5, 3))
    ax.plot([0, 1], [0, 1], color="gray")                 # static background
    ax.set(xlim=(0, 10), ylim=(-1, 1), title="static")
    line, = ax.plot([], [], animated=True)

    def update(k, scale):
        if scale > 50:
            return f"scale {scale:g} is too large"
        x = np.linspace(0, 10, 50)
        line.set_data(x, np.sin(k * x) / scale)
        return None

    controls = {"k": int_slider("k", 1, 1, 5), "scale": log_slider("scale", 1.0, 0, 2)}
    return Dashboard(controls, update, fig, title="test"), line


def test_image_changes_with_a_control_and_comes_back():
    dash, _ = make_dashboard()
    first = dash.image.value
    dash.controls["k"].value = 3
    assert dash.image.value != first
    dash.controls["k"].value = 1
    assert dash.image.value == first


def test_blitted_frame_equals_a_full_draw():
    dash, line = make_dashboard()
    dash.controls["k"].value = 4                         # this frame is blitted over the cached background
    blitted = pixels(dash.still_png())                   # the live frame, lossless
    line.set_animated(False)                             # now draw everything the ordinary way
    with presentation_style():                           # the style the dashboard draws in
        full = pixels(png_bytes(dash.figure))
    assert blitted.shape == full.shape
    # identical but where the line crosses the axes frame (blitted artists are drawn last, on top)
    differing = (blitted != full).any(axis=-1).mean()
    assert differing < 1e-3, f"{differing:.2%} of pixels differ"


def test_background_is_redrawn_when_limits_change():
    fig, ax = new_figure(figsize=(4, 3))
    line, = ax.plot([0, 1], [0, 1], animated=True)
    blitter = Blitter(fig)
    png_bytes(fig, blitter)
    key = blitter.key
    ax.set_xlim(0, 5)
    png_bytes(fig, blitter)
    assert blitter.key != key


def test_messages_and_errors_are_shown_not_raised():
    dash, _ = make_dashboard()
    dash.controls["scale"].value = 100.0
    assert "too large" in dash.message.value and dash.last_error is None
    dash.controls["scale"].value = 1.0
    assert dash.message.value == ""

    def broken(k):
        raise ZeroDivisionError("boom")

    fig, _ = new_figure(figsize=(3, 2))
    bad = Dashboard({"k": int_slider("k", 1, 1, 3)}, broken, fig)
    assert isinstance(bad.last_error, ZeroDivisionError)
    assert "ZeroDivisionError: boom" in bad.message.value


def test_warnings_inside_update_are_silenced():
    fig, ax = new_figure(figsize=(3, 2))

    def noisy(x):
        warnings.warn("should not escape")
        np.log(np.zeros(2))                              # a numpy RuntimeWarning too
        return None

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        dash = Dashboard({"x": int_slider("x", 1, 1, 3)}, noisy, fig)
        dash.controls["x"].value = 2
    assert dash.last_error is None


def test_snapshot_is_a_png_with_a_stable_caption():
    dash, _ = make_dashboard()
    dash.controls["scale"].value = 100.0
    snap = dash.snapshot()
    assert snap._repr_png_()[:8] == b"\x89PNG\r\n\x1a\n"
    assert repr(snap) == "test at k = 1, scale = 100 (scale 100 is too large)"


def test_control_values_span_each_range():
    assert control_values(log_slider("a", 0.1, -3, 1), n=5) == pytest.approx([1e-3, 1e-2, 1e-1, 1, 10])
    assert control_values(int_slider("n", 2, 1, 4)) == [1, 2, 3, 4]
    assert control_values(dropdown("d", ["x", "y"])) == ["x", "y"]
    assert control_values(dropdown("d", {"one": 1, "two": 2})) == [1, 2]


def test_a_blitter_can_keep_one_background_per_view():
    fig, ax = new_figure(figsize=(4, 3))
    ax.plot([0, 1], [0, 1], animated=True)
    blitter = Blitter(fig, keep=2)
    for xlim in [(0, 1), (0, 5), (0, 1), (0, 5)]:
        ax.set_xlim(*xlim)
        png_bytes(fig, blitter)
    assert len(blitter.backgrounds) == 2                  # both views cached, so switching back blits
    ax.set_xlim(0, 9)
    png_bytes(fig, blitter)
    assert len(blitter.backgrounds) == 2                  # the oldest is forgotten, memory stays bounded
