"""A dashboard's frames: JPEG while a control moves (close to the lossless picture), PNG for stills, each frame
tagged with the slider positions it shows."""
import io
import json

import numpy as np
from PIL import Image

from lessonlib.dashboards.machinery import (FRAME_TAG, Dashboard, encode, float_slider, frame_note, image_format,
                                            int_slider, log_slider, new_figure, png_bytes, render)
from lessonlib.plots import presentation_style


def make_dashboard():
    fig, ax = new_figure(figsize=(6, 3))
    x = np.linspace(0, 10, 200)
    ax.imshow(np.outer(np.linspace(0, 1, 60), np.linspace(0, 1, 90)), extent=(0, 10, -1, 1), aspect="auto",
              cmap="RdBu", alpha=0.6)                          # a smooth gradient: where quantizing would band
    ax.set(xlim=(0, 10), ylim=(-1, 1), title="a title, and small text", xlabel="x")
    line, = ax.plot([], [], animated=True, linewidth=1)

    def update(k, scale, shift):
        line.set_data(x, np.sin(k * x) / scale + shift)
    controls = {"k": int_slider("k", 2, 1, 5), "scale": log_slider("scale", 10 ** 0.5, 0, 2),
                "shift": float_slider("shift", 0.0, -0.5, 0.5, 0.1)}
    return Dashboard(controls, update, fig, title="frames")


def decoded(data):
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB")).astype(int)


def test_png_is_lossless():
    fig, ax = new_figure(figsize=(3, 2))
    ax.plot([0, 1], [1, 0])
    rgba = render(fig).copy()
    assert np.array_equal(np.asarray(Image.open(io.BytesIO(encode(rgba, "png")))), rgba)


def test_a_live_frame_is_a_jpeg_close_to_the_lossless_picture():
    dash = make_dashboard()
    frame, still = bytes(dash.image.value), dash.still_png()
    assert frame[:2] == b"\xff\xd8" and dash.image.format == "jpeg" == image_format(frame)
    assert still.startswith(b"\x89PNG") and image_format(still) == "png"
    error = np.abs(decoded(frame) - decoded(still))
    # quality 90 without chroma subsampling: on average under one level in 255, and a few levels at edges
    assert error.mean() < 1.2 and np.percentile(error, 99) < 16, (error.mean(), np.percentile(error, 99))


def test_the_snapshot_is_the_lossless_picture():
    dash = make_dashboard()
    dash.controls["k"].value = 4
    png = dash.snapshot()._repr_png_()
    with presentation_style():
        line = dash.figure.axes[0].lines[0]
        line.set_animated(False)
        full = png_bytes(dash.figure)
    assert png.startswith(b"\x89PNG")
    differing = (decoded(png) != decoded(full)).any(axis=-1).mean()
    assert differing < 2e-3, f"{differing:.2%} of pixels differ from a full draw"


def test_each_frame_names_the_slider_positions_it_shows():
    dash = make_dashboard()
    dash.controls["scale"].value = 10 ** 1.5
    dash.controls["shift"].value = 0.3
    head = bytes(dash.image.value)[:600].decode("latin-1")
    note = json.loads(head[head.index(FRAME_TAG) + len(FRAME_TAG):head.index("}") + 1])
    assert np.allclose(note["sliders"], [2, 1.5, 0.3], rtol=0, atol=1e-12)     # a log slider: its exponent
    assert frame_note(dash.controls) == FRAME_TAG + json.dumps(note)


def test_a_transparent_picture_stays_png():
    rgba = np.zeros((4, 5, 4), dtype=np.uint8)
    rgba[..., 3] = 128
    data = encode(rgba, "jpeg", note="x")
    assert image_format(data) == "png" and np.array_equal(np.asarray(Image.open(io.BytesIO(data))), rgba)


def test_drag_figures_attribute_each_picture_to_the_newest_press_it_shows():
    """benchmarks/browser_latency.py: a press is answered by the first picture at least as new as it."""
    import sys
    from pathlib import Path
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    from browser_latency import drag_figures
    from lab_harness import FrameLog
    keys = [(0.0, 1.0), (50.0, 2.0), (100.0, 3.0), (150.0, 3.0)]         # the last press hit the end: no move
    frames = [(40.0, 45.0, 60.0, [1.0], 10), (160.0, 165.0, 170.0, [3.0], 10)]   # position 2 was skipped
    latencies, missed, final, stale = drag_figures(FrameLog(keys, frames, start=0.0), 0)
    assert latencies == [60.0, 120.0, 70.0] and missed == 0 and final and stale == 0
    stuck = [(40.0, 45.0, 60.0, [1.0], 10), (160.0, 165.0, 170.0, [2.0], 10)]    # ends on a stale picture
    latencies, missed, final, stale = drag_figures(FrameLog(keys, stuck, start=0.0), 0)
    assert latencies == [60.0, 120.0] and missed == 1 and not final and stale == 1
