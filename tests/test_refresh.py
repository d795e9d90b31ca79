"""``lessonlib refresh`` re-executes a notebook in place: outputs, widget state and the
freshness stamp are written after a clean run, and nothing is written when a cell fails.

Runs on a tiny notebook with a real dashboard cell built here in tmp_path (a few seconds), so the
repository's notebooks are never touched.
"""
import subprocess
import sys

import nbformat
from lessonlib.tools.refresh import STAMP_KEY, source_hash

from notebook_checks import (ROOT, WIDGET_MIME, code_cells, execution_problems, freshness_problem,
                             ignore_tag_problems, output_problems)

CELLS = [
    "from lessonlib.dashboards.machinery import Dashboard, new_figure, float_slider\n"
    "from lessonlib import plots\n"
    "plots.use_presentation_style()",
    "print(f\"{sum(k * k for k in range(10)):d} squares\")",
    "fig, ax = new_figure(figsize=(4, 3))\n"
    "ax.set_xlim(0, 1); ax.set_ylim(0, 1)\n"
    "dot, = ax.plot([], [], 'o', animated=True)\n"
    "def update(x):\n"
    "    dot.set_data([x], [x])\n"
    "dash = Dashboard({'x': float_slider('x', 0.5, 0.0, 1.0, 0.1)}, update, fig, title='Dot')\n"
    "dash",
    "dash.snapshot()",
]


def tiny_notebook(path, extra=()):
    cells = [nbformat.v4.new_code_cell(c) for c in CELLS + list(extra)]
    cells[2].metadata["tags"] = ["nbval-ignore-output"]
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(path))
    return path


def refresh(path, timeout=240):
    return subprocess.run([sys.executable, "-m", "lessonlib", "refresh", str(path), "--cell-timeout", "60",
                           "--total-timeout", "90"], cwd=ROOT, capture_output=True, text=True, timeout=timeout)


def test_refresh_writes_outputs_widget_state_and_stamp(tmp_path):
    path = tiny_notebook(tmp_path / "01_tiny.ipynb")
    assert freshness_problem(path) is not None                  # unexecuted: no stamp yet
    result = refresh(path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "refreshed 1 notebook(s)" in result.stdout
    nb = nbformat.read(str(path), as_version=4)
    assert nb.metadata[STAMP_KEY] == source_hash(nb)
    assert freshness_problem(path) is None
    assert execution_problems(nb) == [] and ignore_tag_problems(nb) == [] and output_problems(nb) == []
    cells = [c for _, c in code_cells(nb)]
    assert cells[1].outputs[0].text == "285 squares\n"
    assert WIDGET_MIME in cells[2].outputs[0].data
    assert "widget-state+json" in "".join(nb.metadata.get("widgets", {}))
    snapshot = cells[3].outputs[0].data
    assert snapshot["text/plain"] == "Dot at x = 0.5" and snapshot["image/png"]


def test_refresh_leaves_a_failing_notebook_untouched(tmp_path):
    path = tiny_notebook(tmp_path / "01_tiny.ipynb", extra=["1 / 0"])
    before = path.read_bytes()
    result = refresh(path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "FAILED" in result.stdout
    assert path.read_bytes() == before
