"""Run All, per notebook: the kernel's time (the sum of the cells' execution times), as a student sees it.

``python benchmarks/run_all.py [notebooks/01-...ipynb ...] [--repeat N]``.  Each notebook is executed in a fresh
kernel with nbclient (a finite timeout per cell: nbclient can hang after a widget cell), and the time
from each cell's ``execute_input`` to its ``execute_reply`` is summed; the kernel's start-up is left
out (it is the same for every notebook, about 3 s here).  The slowest cells are listed, so a notebook
over its budget says where the time goes; with ``--repeat N`` every notebook runs N times, interleaved,
and the median, min and max are printed (this shared machine has slow spells in which everything takes
up to 1.4× longer).  Goal (issue 11): under 8 s each.
"""
import sys
from datetime import datetime
from pathlib import Path

import nbformat
import numpy as np
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
GOAL = 8.0


def cell_seconds(cell):
    timing = cell.get("metadata", {}).get("execution", {})
    start, end = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
    if not (start and end):
        return 0.0
    parse = lambda s: datetime.fromisoformat(s.replace("Z", "+00:00"))
    return (parse(end) - parse(start)).total_seconds()


def run_all(path):
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", record_timing=True,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    times = [(cell_seconds(c), i, c.source.splitlines()[0][:60] if c.source else "")
             for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    return sum(t for t, _, _ in times), sorted(times, reverse=True)[:5]


def main(paths, repeat=1):
    paths = [Path(p) for p in paths] or sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
    totals = {path.name: [] for path in paths}
    for r in range(repeat):                    # interleaved: each round runs every notebook once
        for path in paths:
            total, slowest = run_all(path)
            totals[path.name].append(total)
            if repeat == 1:
                print(f"{path.name}: {total:.1f} s kernel time ({'meets' if total < GOAL else 'MISSES'} < {GOAL:g} s)")
                for t, i, first in slowest:
                    print(f"    cell {i:3d}  {t:5.2f} s  {first}")
    if repeat > 1:
        print(f"{'notebook':28}{'median s':>9}{'min s':>8}{'max s':>8}   runs ({repeat}, interleaved)")
        for name, values in totals.items():
            print(f"{name:28}{np.median(values):9.1f}{min(values):8.1f}{max(values):8.1f}   "
                  + " ".join(f"{v:.1f}" for v in values))
    worst = max(np.median(values) for values in totals.values())
    print(f"slowest notebook{' (median)' if repeat > 1 else ''}: {worst:.1f} s: "
          f"{'meets the goal' if worst < GOAL else 'MISSES the goal'} (< {GOAL:g} s)")


if __name__ == "__main__":
    args = sys.argv[1:]
    repeat = 1
    if "--repeat" in args:
        k = args.index("--repeat")
        repeat = int(args[k + 1])
        del args[k:k + 2]
    main(args, repeat)
