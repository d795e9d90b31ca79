"""Kernel-side latency of every dashboard: one control change → compute + redraw + PNG, in ms.

    python benchmarks/slider_latency.py

Builds each dashboard in ``lessonlib.dashboards.DASHBOARDS`` (building, with any precomputation, is
timed separately), then moves every control across its whole range and back, timing each change
(setting ``control.value`` runs the dashboard's update synchronously, as the kernel does).
Goal (issues 3, 4, 5, 7, 8): every update under 100 ms on this 2-core machine.
"""
import time

import numpy as np

from lessonlib.dashboards.machinery import control_values
from lessonlib.dashboards import DASHBOARDS

GOAL_MS = 100.0


def sweep(dash):
    """Times (ms) of every value change over every control's range, there and back."""
    times = []
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
    return times


def main():
    print(f"{'dashboard':<26}{'build s':>9}{'updates':>9}{'median ms':>11}{'p90 ms':>9}{'max ms':>9}")
    worst = 0.0
    for name, build in DASHBOARDS.items():
        t = time.perf_counter()
        dash = build()
        built = time.perf_counter() - t
        times = sweep(dash)
        worst = max(worst, max(times))
        print(f"{name:<26}{built:9.2f}{len(times):9d}{np.median(times):11.1f}"
              f"{np.percentile(times, 90):9.1f}{max(times):9.1f}")
    verdict = "meets" if worst < GOAL_MS else "MISSES"
    print(f"slowest single update: {worst:.1f} ms — {verdict} the goal (every update < {GOAL_MS:.0f} ms)")


if __name__ == "__main__":
    main()
