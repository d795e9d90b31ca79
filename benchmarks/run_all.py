"""Run All, per notebook: the kernel's time against its own first cell, and its memory, as a student sees it.

``python benchmarks/run_all.py [notebooks/01-...ipynb ...] [--repeat N]``.  Each notebook is executed in a fresh
kernel with nbclient (a finite timeout per cell: nbclient can hang after a widget cell), and the time from
each cell's ``execute_input`` to its ``execute_reply`` is summed; the kernel's start-up is left out.  In the
same kernel run it measures (issue 23):

- **core**: the cells not tagged ``optional`` (what every student runs), and **first**: the first code cell
  (the imports and the style: the floor below which no Run All can go); goal core ≤ 3 × first.  A ratio in
  one run holds on any machine of this kind, where seconds vary 2× from machine to machine;
- **optional**: the cells tagged ``optional``, timed apart (they may cost more, and say so where they run);
- **RSS**: the kernel's resident memory after Run All (``VmRSS`` of the kernel process, read by one more
  cell appended to the run and left out of the times), and its peak (``VmHWM``); goal RSS ≤ 250 MB.

The slowest cells are listed.  With ``--repeat N`` every notebook runs N times, interleaved (this shared
machine has slow spells), and the median of each figure is printed with its min and max.
"""
import ast
import sys
from datetime import datetime
from pathlib import Path

import nbformat
import numpy as np
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
RATIO_GOAL, RSS_GOAL_MB = 3.0, 250.0
MEMORY_CELL = """\
from pathlib import Path as _Path
print({line.split(':')[0]: int(line.split()[1]) for line in _Path('/proc/self/status').read_text().splitlines()
       if line.startswith(('VmRSS', 'VmHWM'))})"""


def cell_seconds(cell):
    timing = cell.get("metadata", {}).get("execution", {})
    start, end = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
    if not (start and end):
        return 0.0
    parse = lambda s: datetime.fromisoformat(s.replace("Z", "+00:00"))
    return (parse(end) - parse(start)).total_seconds()


def kernel_memory(cell):
    """{"VmRSS": kB, "VmHWM": kB} from the memory cell's output."""
    text = "".join(out.get("text", "") for out in cell.outputs if out.get("output_type") == "stream")
    return ast.literal_eval(text.strip())          # the dict literal MEMORY_CELL printed


def run_all(path):
    """One Run All in a fresh kernel: a dict of the figures, and the five slowest code cells."""
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(MEMORY_CELL))
    NotebookClient(nb, timeout=300, kernel_name="python3", record_timing=True,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    memory = kernel_memory(nb.cells.pop())
    code = [(i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    times = [(cell_seconds(c), i, "optional" in c.metadata.get("tags", []), c.source.splitlines()[0][:60]
              if c.source else "") for i, c in code]
    core = sum(t for t, _, optional, _ in times if not optional)
    figures = {"core": core, "first": times[0][0], "ratio": core / times[0][0],
               "optional": sum(t for t, _, optional, _ in times if optional), "rss": memory["VmRSS"] / 1024,
               "peak": memory["VmHWM"] / 1024}
    return figures, sorted(times, reverse=True)[:5]


COLUMNS = [("core", "core s", "{:.1f}"), ("first", "first s", "{:.2f}"), ("ratio", "core/first", "{:.1f}×"),
           ("optional", "optional s", "{:.1f}"), ("rss", "RSS MB", "{:.0f}"), ("peak", "peak MB", "{:.0f}")]


def verdict(figures):
    ok_ratio, ok_rss = figures["ratio"] <= RATIO_GOAL, figures["rss"] <= RSS_GOAL_MB
    return ("meets" if ok_ratio and ok_rss else "MISSES") + \
        f" (ratio {'≤' if ok_ratio else '>'} {RATIO_GOAL:g}, RSS {'≤' if ok_rss else '>'} {RSS_GOAL_MB:g} MB)"


def main(paths, repeat=1):
    paths = [Path(p) for p in paths] or sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
    runs = {path.name: [] for path in paths}
    for _ in range(repeat):                    # interleaved: each round runs every notebook once
        for path in paths:
            figures, slowest = run_all(path)
            runs[path.name].append(figures)
            if repeat == 1:
                print(f"{path.name}: " + ", ".join(f"{head} {fmt.format(figures[key])}" for key, head, fmt in COLUMNS)
                      + f": {verdict(figures)}")
                for t, i, optional, first in slowest:
                    print(f"    cell {i:3d}  {t:5.2f} s  {'[optional] ' if optional else ''}{first}")
    print(f"\n{'notebook':28}" + "".join(f"{head:>12}" for _, head, _ in COLUMNS)
          + (f"   median of {repeat} interleaved runs [min–max]" if repeat > 1 else ""))
    worst = []
    for name, figures in runs.items():
        median = {key: float(np.median([f[key] for f in figures])) for key, _, _ in COLUMNS}
        worst.append((median["ratio"], name, median))
        spread = "   " + " ".join(f"{key} [{fmt.format(min(f[key] for f in figures))}–"
                                  f"{fmt.format(max(f[key] for f in figures))}]"
                                  for key, _, fmt in COLUMNS[:3]) if repeat > 1 else ""
        print(f"{name:28}" + "".join(f"{fmt.format(median[key]):>12}" for key, _, fmt in COLUMNS)
              + f"   {verdict(median)}{spread}")
    ratio, name, median = max(worst)
    print(f"highest core/first ratio: {name} {ratio:.1f}×; largest RSS "
          f"{max(m['rss'] for _, _, m in worst):.0f} MB: "
          f"{'all meet' if all(verdict(m).startswith('meets') for _, _, m in worst) else 'NOT all meet'} the goals "
          f"(core ≤ {RATIO_GOAL:g} × first cell, RSS ≤ {RSS_GOAL_MB:g} MB)")


if __name__ == "__main__":
    args = sys.argv[1:]
    repeat = 1
    if "--repeat" in args:
        k = args.index("--repeat")
        repeat = int(args[k + 1])
        del args[k:k + 2]
    main(args, repeat)
