"""The committed notebooks are complete, fresh and clean, and they re-run without errors.

nbval (``pytest --nbval``) compares each cell's stored text with a fresh run, but it silently
skips cells that were never executed and it cannot tell whether the stored outputs come from the
current code.  These tests close those gaps:

(a) every code cell was executed, top to bottom in one kernel (execution counts 1..n);
(b) the freshness stamp written by ``lessonlib refresh`` matches the notebook's code and
    lessonlib's source, so outputs were regenerated after the last change;
(c) only dashboard cells carry ``nbval-ignore-output``, and each is followed by a ``.snapshot()`` cell;
(d) no stored output holds a traceback, a warning, an absolute path or a memory address;
(e) the freshness check really fails on a stale copy;
and every notebook runs twice in one kernel ("restart kernel and run all", then "run all" again)
with no error, no warning and the same text both times.
"""
import shutil

import nbformat
import pytest
from lessonlib.tools.refresh import STAMP_KEY, source_hash

from notebook_checks import (IGNORE_TAG, ROOT, code_cells, execution_problems, freshness_problem,
                             ignore_tag_problems, notebook_paths, output_problems, read, refresh_command,
                             run_twice_problems, source)

NOTEBOOKS = notebook_paths()
ids = [p.stem for p in NOTEBOOKS]


def report(path, problems):
    return f"{path.name}:\n  " + "\n  ".join(problems)


def test_notebooks_are_found():
    assert NOTEBOOKS, "no notebooks/[0-9]*.ipynb found: the notebook checks would pass vacuously"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_every_code_cell_was_executed_in_order(path):
    problems = execution_problems(read(path))
    assert not problems, report(path, problems) + f"\nRe-execute it with:  {refresh_command(path)}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_outputs_are_fresh(path):
    problem = freshness_problem(path)
    assert problem is None, problem


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_only_dashboards_skip_output_comparison(path):
    problems = ignore_tag_problems(read(path))
    assert not problems, report(path, problems)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_stored_outputs_are_clean(path):
    problems = output_problems(read(path))
    assert not problems, report(path, problems)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_runs_twice_in_one_kernel(path, tmp_path):
    copy = tmp_path / path.name            # run where nothing in the repo can be touched
    shutil.copy(path, copy)
    problems = run_twice_problems(copy)
    assert not problems, report(path, problems)


# ---- the checks catch what they are meant to catch -------------------------------------------
@pytest.fixture
def a_notebook(tmp_path):
    if not NOTEBOOKS:
        pytest.skip("no notebooks yet")
    smallest = min(NOTEBOOKS, key=lambda p: p.stat().st_size)
    copy = tmp_path / smallest.name
    shutil.copy(smallest, copy)
    return copy


def test_freshness_check_reports_a_stale_copy(a_notebook):
    nb = read(a_notebook)
    nb.metadata[STAMP_KEY] = source_hash(nb)      # as lessonlib.refresh stamps it after a clean run
    nbformat.write(nb, str(a_notebook))
    assert freshness_problem(a_notebook) is None
    i, cell = code_cells(nb)[-1]
    cell.source = source(cell) + "\n# an edit made after the last refresh"
    nbformat.write(nb, str(a_notebook))
    problem = freshness_problem(a_notebook)
    assert problem is not None and a_notebook.name in problem
    assert "is stale" in problem and "lessonlib refresh" in problem


def test_freshness_check_reports_a_missing_stamp(a_notebook):
    nb = read(a_notebook)
    nb.metadata.pop(STAMP_KEY, None)
    assert "has no freshness stamp" in freshness_problem(a_notebook, nb)


def test_execution_check_reports_a_stripped_notebook(a_notebook):
    nb = read(a_notebook)
    for _, cell in code_cells(nb):
        cell.execution_count = None
    problems = execution_problems(nb)
    assert len(problems) >= len(code_cells(nb)) and "nbval does not compare" in problems[0]


def test_tag_check_reports_a_misused_tag(a_notebook):
    nb = read(a_notebook)
    plain = next(c for _, c in code_cells(nb) if IGNORE_TAG not in c.metadata.get("tags", []))
    plain.metadata.setdefault("tags", []).append(IGNORE_TAG)
    assert any("not a widget view" in p for p in ignore_tag_problems(nb))


def test_output_check_reports_bad_text(a_notebook):
    nb = read(a_notebook)
    _, cell = code_cells(nb)[0]
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="<object at 0x7f3a5c2e9d90> /work/x.py\n"),
                    nbformat.v4.new_output("stream", name="stderr", text="RuntimeWarning: overflow\n")]
    problems = "\n".join(output_problems(nb))
    assert "a memory address" in problems and "an absolute path" in problems and "stderr output" in problems


def test_run_twice_check_reports_errors_warnings_and_leftover_state(tmp_path):
    cells = ["import warnings",
             "runs = globals().get('runs', 0) + 1\nprint(f'run {runs}')",  # depends on the previous run
             "warnings.warn('something is off')",
             "1 / 0"]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    path = tmp_path / "00_bad.ipynb"
    nbformat.write(nb, str(path))
    problems = "\n".join(run_twice_problems(path, cell_timeout=30))
    assert "run 2, cell 1: output differs from the first run" in problems
    assert "run 1, cell 2: stderr output" in problems and "UserWarning" in problems
    assert "run 1, cell 3: execute_reply status 'error'" in problems and "ZeroDivisionError" in problems


def test_sanitize_file_rules_are_all_read_by_nbval():
    """nbval silently drops a rule whose "replace:" line is missing, misplaced or empty."""
    import re

    from nbval.plugin import get_sanitize_patterns

    text = (ROOT / "tests" / "nbval_sanitize.cfg").read_text()
    pairs = get_sanitize_patterns(text)
    assert len(pairs) == len(re.findall(r"^regex:", text, re.MULTILINE)) >= 2
    for regex, replace in pairs:
        re.compile(regex)
        assert replace.strip() and regex == regex.strip(), f"rule {regex!r} has stray spaces or no replacement"
    sanitized = "[<Line2D at 0x7f3a5c2e9d90>] /work/main/lessonlib/plots.py"
    for regex, replace in pairs:
        sanitized = re.sub(regex, replace, sanitized)
    assert sanitized == "[<Line2D at 0xADDRESS>] <path>/plots.py"
