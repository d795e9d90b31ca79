"""Kernel-side latency of every dashboard: one control change → compute + redraw + encoded frame, in ms.

    python benchmarks/slider_latency.py [--width PX]

Builds each dashboard in ``lessonlib.dashboards.DASHBOARDS`` (building, with any precomputation, is
timed separately), then moves every control across its whole range and back, timing each change
(setting ``control.value`` runs the dashboard's update synchronously, as the kernel does).  After each
change the three parts of that refresh are timed again one by one on the same state — ``update`` (the
dashboard's own computation and artist changes), ``render`` (Agg draws the animated artists over the
cached background) and ``encode`` (the frame's bytes: machinery.FRAME_FORMAT) — and the frame's size and
the lossless PNG's encode time are recorded, so the table says where a frame's time goes.

``--width PX`` draws every figure PX pixels wide (as the browser asks for when the picture is shown that
wide × the screen's pixel ratio) instead of at the figures' 80 dpi.
Goal (issue 23): every single update under 50 ms.
"""
import argparse
import time

import numpy as np

from lessonlib.dashboards import DASHBOARDS
from lessonlib.dashboards.machinery import FRAME_FORMAT, control_values, encode, render
from lessonlib.plots import presentation_style

GOAL_MS = 50.0


def clock(f):
    t = time.perf_counter()
    out = f()
    return 1000 * (time.perf_counter() - t), out


def parts(dash):
    """(update, render, encode, PNG encode) ms and the frame's bytes, for the dashboard's current state."""
    with presentation_style():
        update = clock(lambda: dash.update(**dash.values))[0]
        drawn, rgba = clock(lambda: render(dash.figure, dash.blitter))
        encoded, frame = clock(lambda: encode(rgba, FRAME_FORMAT))
        png = clock(lambda: encode(rgba, "png"))[0]
    return update, drawn, encoded, png, len(frame)


def sweep(dash):
    """Times (ms) of every value change over every control's range, there and back, and their parts."""
    times, split = [], []
    for control in dash.controls.values():
        start = control.value
        values = control_values(control)
        for value in values + values[::-1][1:] + [start]:
            if value == control.value:
                continue
            t = time.perf_counter()
            control.value = value
            times.append(1000 * (time.perf_counter() - t))
            if dash.last_error is not None:
                raise RuntimeError(f"{dash.title}: {dash.last_error!r} at {control.description} = {value}")
            split.append(parts(dash))
    return times, np.array(split)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--width", type=int, default=None, help="draw each figure this many pixels wide")
    args = parser.parse_args(argv)
    print(f"frames: {FRAME_FORMAT}; medians of the parts of each update, ms")
    print(f"{'dashboard':<24}{'build s':>8}{'px':>10}{'updates':>8}{'median':>8}{'p90':>7}{'max':>7}   "
          f"{'update':>7}{'render':>7}{'encode':>7}{'(png)':>7}{'KB':>6}")
    worst = 0.0
    for name, build in DASHBOARDS.items():
        t = time.perf_counter()
        dash = build()
        built = time.perf_counter() - t
        if args.width:
            dash.figure.set_dpi(args.width / dash.figure.get_figwidth())
            dash.blitter.backgrounds.clear()
            dash.refresh()
        width, height = dash.figure.canvas.get_width_height()
        times, split = sweep(dash)
        worst = max(worst, max(times))
        update, drawn, encoded, png, size = np.median(split, axis=0)
        print(f"{name:<24}{built:8.2f}{f'{width}x{height}':>10}{len(times):8d}{np.median(times):8.1f}"
              f"{np.percentile(times, 90):7.1f}{max(times):7.1f}   {update:7.1f}{drawn:7.1f}{encoded:7.1f}{png:7.1f}"
              f"{size / 1024:6.0f}")
    verdict = "meets" if worst < GOAL_MS else "MISSES"
    print(f"slowest single update: {worst:.1f} ms — {verdict} the goal (every update < {GOAL_MS:.0f} ms)")


if __name__ == "__main__":
    main()
