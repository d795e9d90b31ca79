"""End-to-end slider latency in a real browser: key press → new plot shown.

    python benchmarks/browser_latency.py                 # every notebooks/[0-9]*.ipynb
    python benchmarks/browser_latency.py notebooks/03_optimizers.ipynb --presses 10

Uses the machinery of tests/test_browser.py (tests/lab_harness.py): a headless JupyterLab on
127.0.0.1 serving copies of the notebooks from a temporary directory, driven by Debian's Chromium
through Playwright.  Each notebook runs all its cells; then every slider of every dashboard is
moved with ArrowRight/ArrowLeft on its focused handle, ``--presses`` steps away and back.  The
latency of one move runs from the keydown event to the first frame painted after the dashboard's
new image has loaded (its ``load`` event, then two animation frames), all timed in the page with
performance.now(); the next key is pressed only when the kernel is idle
and the image has been still for 150 ms, so moves do not overlap.

Prints the median and max per notebook and overall (goal: median under 200 ms); writes nothing
(the temporary directory is removed).  Kernel-side latency is benchmarks/slider_latency.py's job.
"""
import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.dont_write_bytecode = True          # write nothing, not even tests/__pycache__
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from lab_harness import LabServer, exercise_notebook, launch_browser  # noqa: E402
from notebook_checks import notebook_paths  # noqa: E402

GOAL_MS = 200


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: notebooks/[0-9]*.ipynb")
    parser.add_argument("--presses", type=int, default=5, help="arrow-key steps away from the start and back "
                                                               "per slider (default 5)")
    args = parser.parse_args(argv)
    paths = args.notebooks or notebook_paths()
    if not paths:
        print("no notebooks found")
        return 1
    from playwright.sync_api import sync_playwright

    started = time.monotonic()
    rows, everything, failed = [], [], False
    with tempfile.TemporaryDirectory(prefix="browser-latency-") as tmp, LabServer(paths, tmp) as server, \
            sync_playwright() as pw:
        browser = launch_browser(pw)
        try:
            for name in server.notebooks:
                report = exercise_notebook(server, browser, name, presses=args.presses, extremes=False)
                lat = report.latencies
                everything += lat
                rows.append((name, len(lat), statistics.median(lat) if lat else float("nan"),
                             max(lat) if lat else float("nan"), report.timings.get("run all", float("nan"))))
                for problem in report.problems:
                    failed = True
                    print(f"  problem in {name}: {problem}", file=sys.stderr)
        finally:
            browser.close()
    print(f"{'notebook':<28} {'moves':>5} {'median ms':>10} {'max ms':>8} {'run all s':>10}")
    for name, n, med, mx, run in rows:
        print(f"{name:<28} {n:>5} {med:>10.0f} {mx:>8.0f} {run:>10.1f}")
    if everything:
        med = statistics.median(everything)
        print(f"{'all':<28} {len(everything):>5} {med:>10.0f} {max(everything):>8.0f}")
        print(f"goal: median under {GOAL_MS} ms end to end: {'met' if med < GOAL_MS else 'NOT met'}")
    print(f"(Chromium + JupyterLab, {time.monotonic() - started:.0f} s in all)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
