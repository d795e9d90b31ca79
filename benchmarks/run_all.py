"""Run All, per notebook: the kernel's time (the sum of the cells' execution times), as a student sees it.

``python benchmarks/run_all.py [notebooks/01-...ipynb ...]``.  Each notebook is executed in a fresh
kernel with nbclient (a finite timeout per cell: nbclient can hang after a widget cell), and the time
from each cell's ``execute_input`` to its ``execute_reply`` is summed; the kernel's start-up is left
out (it is the same for every notebook, about 3 s here).  The slowest cells are listed, so a notebook
over its budget says where the time goes.  Goal (issue 11): under 8 s each.
"""
import sys
from datetime import datetime
from pathlib import Path

import nbformat
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


def main(paths):
    paths = [Path(p) for p in paths] or sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
    worst = 0.0
    for path in paths:
        total, slowest = run_all(path)
        worst = max(worst, total)
        print(f"{path.name}: {total:.1f} s kernel time ({'meets' if total < GOAL else 'MISSES'} < {GOAL:g} s)")
        for t, i, first in slowest:
            print(f"    cell {i:3d}  {t:5.2f} s  {first}")
    print(f"slowest notebook: {worst:.1f} s: {'meets the goal' if worst < GOAL else 'MISSES the goal'}")


if __name__ == "__main__":
    main(sys.argv[1:])
