"""End-to-end slider latency in a real browser: key press → new picture shown, one press at a time and in a drag.

    python benchmarks/browser_latency.py                 # every notebooks/[0-9]*.ipynb
    python benchmarks/browser_latency.py notebooks/03_optimizers.ipynb --presses 10 --format png

Uses the machinery of tests/test_browser.py (tests/lab_harness.py): a headless JupyterLab on 127.0.0.1
serving copies of the notebooks from a temporary directory, driven by Debian's Chromium through Playwright.
Each notebook runs all its cells; then every slider of every dashboard is

- **pressed**: ArrowRight/ArrowLeft on its focused handle, ``--presses`` steps away and back, each press once
  the previous picture has settled.  Latency: keydown → the first frame painted after the new picture's
  ``load`` event (two animation frames), timed in the page with performance.now().  Each press is split
  into *arrive* (keydown → the new frame's bytes in the page: the message to the kernel, the kernel's
  update + render + encode, the way back), *decode* (→ the <img>'s load event) and *paint* (→ painted);
  the kernel's own share is benchmarks/slider_latency.py's measurement.  Goal (issue 23): median ≤ 50 ms.
- **dragged**: ``--rate`` key presses a second for ``--drag`` seconds without waiting (turning back at the
  ends), as a student holding a key or dragging the handle.  Each frame carries the slider positions it was
  drawn for (machinery.frame_note), so for each press that moved the handle the latency is the time until a
  picture at least that new was shown.  Goals: p95 ≤ 100 ms; the last picture shown is the last position;
  after the last press, no pile-up of stale pictures (counted).

``--format png`` makes the kernels encode PNG frames instead of JPEG (LESSONLIB_FRAME_FORMAT), to compare.
Prints one row per notebook and writes nothing (the temporary directory is removed).
"""
import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np

sys.dont_write_bytecode = True          # write nothing, not even tests/__pycache__
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from lab_harness import (LabServer, NotebookSession, drag, frame_counts, frame_log, guarded,  # noqa: E402
                         launch_browser, track_frames)
from notebook_checks import notebook_paths  # noqa: E402

PRESS_GOAL_MS, DRAG_GOAL_MS = 50, 100


def press_phases(dash, k, key):
    """(latency, arrive, decode, paint, frame bytes) of one settled key press, or None at the end of the range."""
    dash.settle()
    since = frame_counts(dash)
    latency = dash.press(k, key)
    if latency is None:
        return None
    (t_key, _), *_ = frame_log(dash, *since).keys
    arrived, decoded, shown, _, size = frame_log(dash, *since).frames[0]
    return latency, arrived - t_key, decoded - arrived, shown - decoded, size


def drag_figures(log, k):
    """From a drag's FrameLog: (latencies of the presses that moved the handle, presses never answered,
    whether the last picture shows the last position, stale pictures shown after the last press)."""
    keys = [(t, p) for t, p in log.keys if p is not None]
    moved = [i for i, (_, p) in enumerate(keys) if p != (keys[i - 1][1] if i else log.start)]
    if not moved:
        return [], 0, True, 0
    steps = [abs(keys[i][1] - (keys[i - 1][1] if i else log.start)) for i in moved]
    tol = 0.25 * min(steps)

    def answered(frame):               # the last press at or before the frame's arrival with its position
        arrived, _, _, sliders, _ = frame
        if not sliders:
            return -1
        return max((i for i, (t, p) in enumerate(keys) if t <= arrived and abs(p - sliders[k]) <= tol), default=-1)
    frames = [(f, answered(f)) for f in log.frames if f[2] is not None]
    latencies, missed = [], 0
    for i in moved:
        shown = [f[2] - keys[i][0] for f, j in frames if j >= i]
        if shown:
            latencies.append(min(shown))
        else:
            missed += 1
    last = moved[-1]
    final = bool(frames) and frames[-1][1] >= last and abs(frames[-1][0][3][k] - keys[last][1]) <= tol
    stale = sum(1 for f, j in frames if f[2] > keys[-1][0] and j < last)
    return latencies, missed, final, stale


def measure(server, browser, name, presses, rate, seconds):
    """Every slider of every dashboard of one notebook: its presses and its drag."""
    result = SimpleNamespace(press=[], drag=[], missed=0, final=[], stale=[], problems=[], run_all=float("nan"))
    nbs = NotebookSession(server, browser, name)
    try:
        nbs.open()
        result.run_all = nbs.run_all()
        for cell in nbs.dashboards:
            dash = nbs.dashboard(cell)
            track_frames(dash)
            for k in range(dash.sliders().count()):
                def round_trip():
                    for fwd, back in (("ArrowRight", "ArrowLeft"), ("ArrowLeft", "ArrowRight")):
                        moved = [m for m in (press_phases(dash, k, fwd) for _ in range(presses)) if m]
                        result.press += moved + [press_phases(dash, k, back) for _ in moved]
                        if moved:
                            return
                guarded(result, f"cell {cell}, slider {k}: presses", round_trip)
                if seconds > 0:
                    def dragged():
                        latencies, missed, final, stale = drag_figures(drag(dash, k, rate, seconds), k)
                        result.drag += latencies
                        result.missed += missed
                        result.final.append(final)
                        result.stale.append(stale)
                    guarded(result, f"cell {cell}, slider {k}: drag", dragged)
    finally:
        nbs.close()
    result.press = [p for p in result.press if p]
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: notebooks/[0-9]*.ipynb")
    parser.add_argument("--presses", type=int, default=5, help="arrow-key steps away from the start and back "
                                                               "per slider (default 5)")
    parser.add_argument("--rate", type=float, default=20.0, help="key presses a second in a drag (default 20)")
    parser.add_argument("--drag", type=float, default=3.0, help="seconds of drag per slider (default 3; 0: none)")
    parser.add_argument("--format", choices=["jpeg", "png"], default=None, help="the kernels' frame format")
    args = parser.parse_args(argv)
    paths = args.notebooks or notebook_paths()
    if not paths:
        print("no notebooks found")
        return 1
    if args.format:
        os.environ["LESSONLIB_FRAME_FORMAT"] = args.format           # the kernels inherit it
    from playwright.sync_api import sync_playwright

    started, rows, failed = time.monotonic(), [], False
    with tempfile.TemporaryDirectory(prefix="browser-latency-") as tmp, LabServer(paths, tmp) as server, \
            sync_playwright() as pw:
        browser = launch_browser(pw)
        try:
            for name in server.notebooks:
                result = measure(server, browser, name, args.presses, args.rate, args.drag)
                rows.append((name, result))
                for problem in result.problems:
                    failed = True
                    print(f"  problem in {name}: {problem}", file=sys.stderr)
        finally:
            browser.close()
    print(f"frames: {args.format or 'default (jpeg)'}; press: median ms [arrive + decode + paint]; drag: "
          f"{args.rate:g} presses/s for {args.drag:g} s per slider")
    print(f"{'notebook':<26}{'presses':>8}{'median':>8}{'p90':>6}{'max':>6}   {'arrive':>6}{'decode':>7}{'paint':>6}"
          f"{'KB':>5}   {'drag n':>6}{'p95':>6}{'missed':>7}{'last ok':>8}{'stale':>6}{'run all s':>10}")
    verdicts = []
    for name, r in rows:
        press = np.array(r.press, dtype=float) if r.press else np.full((1, 5), np.nan)
        latency, arrive, decode, paint, size = (press[:, i] for i in range(5))
        drag_p95 = float(np.percentile(r.drag, 95)) if r.drag else float("nan")
        print(f"{name:<26}{len(r.press):8d}{np.median(latency):8.0f}{np.percentile(latency, 90):6.0f}"
              f"{np.max(latency):6.0f}   {np.median(arrive):6.0f}{np.median(decode):7.1f}{np.median(paint):6.1f}"
              f"{np.median(size) / 1024:5.0f}   {len(r.drag):6d}{drag_p95:6.0f}{r.missed:7d}"
              f"{sum(r.final):4d}/{len(r.final):<3d}{max(r.stale, default=0):6d}{r.run_all:10.1f}")
        verdicts.append(np.median(latency) <= PRESS_GOAL_MS and (not r.drag or drag_p95 <= DRAG_GOAL_MS)
                        and all(r.final))
    print(f"goals: press median ≤ {PRESS_GOAL_MS} ms, drag p95 ≤ {DRAG_GOAL_MS} ms and the last picture shows the "
          f"last position: {'met' if all(verdicts) else 'NOT met'} "
          f"({sum(verdicts)}/{len(verdicts)} notebooks; {time.monotonic() - started:.0f} s in all)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
