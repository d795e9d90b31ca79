"""Notebooks run the way students really run them: out of order, and cells run twice.

For every notebook and every numbered section ("## N. …"), a fresh kernel runs the first code cell
(imports), then jumps straight to that section and runs its cells — twice.  A cell that needs an
earlier section must say which one ("`history` is made in §8 …: run that section first"), never end
in a bare NameError (or any other traceback), and running the section a second time must print
exactly what the first time printed (cells are idempotent).  Running the whole notebook twice in one
kernel is checked in test_notebook_freshness.py.
"""
import re
from pathlib import Path

import pytest

from notebook_checks import KernelRun, code_cells, comparable_text, notebook_paths, read, source

SECTION = re.compile(r"^##\s+(\d+)\.", re.M)


def sections(nb):
    """[(section title, [code cell sources])] in order; code before the first numbered heading is setup."""
    out = [("setup", [])]
    for cell in nb.cells:
        text = source(cell)
        if cell.cell_type == "markdown" and SECTION.search(text):
            out.append((text.splitlines()[0].lstrip("# ").strip(), []))
        elif cell.cell_type == "code":
            out[-1][1].append(text)
    return out


def jumps():
    for path in notebook_paths():
        nb = read(path)
        for k, (title, cells) in enumerate(sections(nb)[1:], start=1):
            if cells:
                yield pytest.param(path, k, id=f"{path.stem}-§{title.split('.')[0]}")


def bare_errors(outputs):
    return [f"{o['ename']}: {o['evalue']}" for o in outputs if o["output_type"] == "error"]


@pytest.mark.parametrize("path, k", list(jumps()))
def test_jumping_to_a_section_names_what_to_run_first_and_rerunning_changes_nothing(path, k):
    nb = read(path)
    parts = sections(nb)
    setup, (title, cells) = parts[0][1], parts[k]
    kernel = KernelRun(Path(path).parent)
    try:
        for code in setup[:1]:
            outputs, status = kernel.run(code)
            assert status == "ok" and not bare_errors(outputs), f"the first cell failed: {bare_errors(outputs)}"
        texts = []
        for run in (1, 2):
            for i, code in enumerate(cells):
                outputs, status = kernel.run(code)
                errors = bare_errors(outputs)
                assert not errors, (f"{path.name}, {title}, cell {i} (run {run}) ends in a traceback instead "
                                    f"of naming the section to run first: {errors}\n--- cell:\n{code[:400]}")
                text = comparable_text(outputs)
                if run == 1:
                    texts.append(text)
                else:
                    assert text == texts[i], (f"{path.name}, {title}, cell {i}: running the section a second "
                                              f"time printed something else:\n{texts[i][:600]}\n---\n{text[:600]}")
    finally:
        kernel.close()
