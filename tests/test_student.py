"""Student editions: solutions out, placeholders in, outputs of exercises cleared, sources untouched."""
import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from lessonlib.tools import student

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))


def digest(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(Path(folder).glob("*.ipynb"))}


@pytest.fixture(scope="module")
def editions(tmp_path_factory):
    """Student editions of the real notebooks, written once by the command-line tool."""
    dest = tmp_path_factory.mktemp("student")
    before = digest(ROOT / "notebooks")
    result = subprocess.run([sys.executable, "-m", "lessonlib", "student", str(ROOT / "notebooks"), str(dest)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert digest(ROOT / "notebooks") == before, "the source notebooks were modified"
    return dest


def exercise_cells(nb):
    return [c for c in nb["cells"] if student.has_solution(c)]


def code_sources(nb):
    return [student.source_of(c) for c in nb["cells"] if c["cell_type"] == "code"]


def test_every_notebook_has_exercises_with_solutions():
    assert NOTEBOOKS, "no notebooks found"
    for path in NOTEBOOKS:
        nb = json.loads(path.read_text())
        headings = [c for c in nb["cells"] if c["cell_type"] == "markdown"
                    and student.EXERCISE_HEADING.search(student.source_of(c))]
        assert 2 <= len(exercise_cells(nb)) and len(headings) >= 2, f"{path.name}: expected 2–3 exercises"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_solution_text_survives(path, editions):
    source = json.loads(path.read_text())
    edition = json.loads((editions / path.name).read_text())
    text = json.dumps(edition)
    assert student.BEGIN not in text and student.END not in text
    # every solution line that the notebook does not also show elsewhere (e.g. in a worked example)
    block = re.compile(rf"^[ \t]*{student.BEGIN}\n.*?^[ \t]*{student.END}\n?", re.S | re.M)
    outside = "\n".join(block.sub("", code) for code in code_sources(source))
    edition_code = "\n".join(code_sources(edition))
    for block in student.solutions(source):
        for line in block.splitlines():
            line = line.strip()
            if len(line) > 12 and line not in outside:   # long enough to be the solution's own, not "return x"
                assert line not in edition_code, f"{path.name}: {line!r}"
    placeholders = [c for c in edition["cells"] if "raise NotImplementedError" in student.source_of(c)]
    assert len(placeholders) == len(exercise_cells(source))
    for cell in placeholders:
        assert re.search(r'NotImplementedError\("Exercise \d+: ', student.source_of(cell))
        assert cell["outputs"] == [] and cell["execution_count"] is None


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_everything_but_the_exercises_is_kept(path, editions):
    source = json.loads(path.read_text())
    source["cells"] = [c for c in source["cells"] if not student.is_speaker_notes(c)]   # left out on purpose
    edition = json.loads((editions / path.name).read_text())
    assert len(source["cells"]) == len(edition["cells"])
    changed = [i for i, (a, b) in enumerate(zip(source["cells"], edition["cells"])) if a != b]
    exercise_idx = [i for i, c in enumerate(source["cells"]) if student.has_solution(c)]
    allowed = set(exercise_idx) | {min((j for j in range(i + 1, len(source["cells"]))
                                        if source["cells"][j]["cell_type"] == "code"), default=None)
                                   for i in exercise_idx}
    for i in sorted(set(changed) - allowed):      # only a later cell that runs the student's code, and only its outputs
        before, after = source["cells"][i], edition["cells"][i]
        assert before["source"] == after["source"] and after["outputs"] == [], f"{path.name}: cell {i} changed"


def test_a_cell_that_runs_the_students_function_loses_its_outputs_the_others_keep_theirs():
    def code(src, out="x"):
        return {"cell_type": "code", "source": src, "metadata": {}, "execution_count": 1,
                "outputs": [{"output_type": "stream", "name": "stdout", "text": out}]}
    nb = {"metadata": {}, "cells": [
        {"cell_type": "markdown", "source": "## Exercise 1: the gradient", "metadata": {}},
        code("def gradient(theta):\n    ### BEGIN SOLUTION\n    return 2 * theta\n    ### END SOLUTION"),
        code("grad = check_gradient(gradient).use(gradient)"),
        code("print(grad(3))          # the answer, drawn by the solution", "6"),
        code("print(gradient(4))", "8"),
        code("print(1 + 1)   # not grad", "2"),
    ]}
    cells = student.student_edition(nb)["cells"]
    assert [bool(c.get("outputs")) for c in cells[1:]] == [False, False, False, False, True]
    assert [c["source"] for c in cells[3:]] == [c["source"] for c in nb["cells"][3:]]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_refilled_placeholders_give_back_the_source_code(path, editions):
    source = json.loads(path.read_text())
    edition = json.loads((editions / path.name).read_text())
    blocks = iter(student.solutions(source))

    def refill(match):
        indent = match.group(1)
        return f"{indent}{student.BEGIN}\n{next(blocks)}{indent}{student.END}\n"

    pattern = re.compile(r"^([ \t]*)# YOUR CODE HERE\n[ \t]*raise NotImplementedError\(\"Exercise [^\n]*(?:\n|$)", re.M)
    refilled = [pattern.sub(refill, s).rstrip("\n") for s in code_sources(edition)]   # a cell's last newline is immaterial
    assert refilled == [s.rstrip("\n") for s in code_sources(source)]


def test_running_twice_is_idempotent_and_editions_are_fixed_points(editions, tmp_path):
    again = tmp_path / "again"
    student.write_editions(ROOT / "notebooks", again)
    assert digest(again) == digest(editions)
    twice = tmp_path / "twice"
    student.write_editions(editions, twice)
    assert digest(twice) == digest(editions)


def test_refuses_to_write_into_the_sources(tmp_path):
    with pytest.raises(ValueError, match="refusing to write student editions into"):
        student.write_editions(ROOT / "notebooks", ROOT / "notebooks")
    with pytest.raises(ValueError, match="refusing"):
        student.write_editions(ROOT / "notebooks", ROOT / "notebooks" / "student")
    src = tmp_path / "src"
    src.mkdir()
    with pytest.raises(ValueError, match="refusing"):
        student.write_editions(src, src)
    result = subprocess.run([sys.executable, "-m", "lessonlib", "student", str(ROOT / "notebooks"),
                             str(ROOT / "notebooks")], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "refusing" in result.stderr


def test_markers_out_of_order_are_reported():
    with pytest.raises(ValueError, match="without"):
        student.strip_solutions("def f():\n    ### END SOLUTION\n", "1")
    with pytest.raises(ValueError, match="without"):
        student.strip_solutions("def f():\n    ### BEGIN SOLUTION\n    return 1\n", "2")


def test_placeholder_keeps_indentation():
    src = "def f(x):\n    y = 1\n    ### BEGIN SOLUTION\n    return x + y\n    ### END SOLUTION\n"
    out = student.strip_solutions(src, "3")
    assert out == ("def f(x):\n    y = 1\n    # YOUR CODE HERE\n"
                   "    raise NotImplementedError(\"Exercise 3: replace this line with your code\")\n")


def run_all(nb, folder, timeout=180):
    """Execute like a student's Run All (stop at the first error); the notebook with its outputs."""
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=False,
                            resources={"metadata": {"path": str(folder)}})
    try:
        client.execute()
    except Exception as err:          # nbclient's CellExecutionError: the cell that stopped the run
        return nb, err
    return nb, None


def stopped_at(nb, err):
    code = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    ran = [i for i in code if nb.cells[i].get("execution_count")]
    what = re.sub("\x1b\\[[0-9;]*m", "", f"{getattr(err, 'ename', type(err).__name__)}: {getattr(err, 'evalue', err)}")
    return f"Run All stopped at cell {ran[-1] if ran else code[0]} of {len(nb.cells)}: {what[:400]}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_a_students_run_all_reaches_the_last_cell(path, editions):
    """Every exercise unfinished: each check says so, the cells after it run on lessonlib's version, and the
    run reaches the last cell with no error (AUTHORING.md: ``check_x(x).use(x)``)."""
    nb, err = run_all(nbformat.read(editions / path.name, as_version=4), editions)
    assert err is None, stopped_at(nb, err)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.get("execution_count") for c in code), "some code cells did not run"
    errors = [o for c in code for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors


SYNTHETIC = [
    ("markdown", "# A lesson with an exercise in the middle"),
    ("code", "import numpy as np\n"
             "from lessonlib.exercises.harness import Case, Exercise\n"
             "def reference(theta, g, lr):\n"
             "    return theta - lr * g\n"
             "check_step = Exercise('descent_step', reference, outputs=('θ',), time_limit=5,\n"
             "                      cases=[Case('a 2-vector', (np.array([1.0, 2.0]), np.array([0.5, -1.0]), 0.1))]).check"),
    ("markdown", "## Exercise 1: one step of gradient descent"),
    ("code", "def descent_step(theta, g, lr):\n"
             "    \"\"\"θ − α g.\"\"\"\n"
             "    ### BEGIN SOLUTION\n"
             "    return theta - lr * g\n"
             "    ### END SOLUTION"),
    ("code", "step = check_step(descent_step).use(descent_step)   # yours once it passes"),
    ("markdown", "## The rest of the lesson runs on `step`"),
    ("code", "theta = np.array([1.0, 2.0])\n"
             "for k in range(3):\n"
             "    theta = step(theta, 2 * theta, 0.25)\n"
             "print(f'θ after 3 steps: ({theta[0]:.4f}, {theta[1]:.4f})')"),
]


def synthetic_notebook():
    make = {"markdown": nbformat.v4.new_markdown_cell, "code": nbformat.v4.new_code_cell}
    return nbformat.v4.new_notebook(cells=[make[kind](text) for kind, text in SYNTHETIC])


def test_the_mechanism_on_a_synthetic_lesson(tmp_path):
    """A student edition of a lesson with an exercise in the middle: Run All reaches the last cell, the check
    says in one line that lessonlib's version stands in, and the rest of the lesson computes the right numbers;
    the solved notebook runs on the student's own function, with no such line."""
    source = synthetic_notebook()
    edition = nbformat.reads(json.dumps(student.student_edition(json.loads(nbformat.writes(source)))), as_version=4)
    assert "raise NotImplementedError" in edition.cells[3].source
    for nb, unfinished in ((edition, True), (source, False)):
        ran, err = run_all(nb, tmp_path, timeout=60)
        assert err is None, stopped_at(ran, err)
        check = "".join(o.get("text", "") for o in ran.cells[4].outputs)
        last = "".join(o.get("text", "") for o in ran.cells[6].outputs)
        assert last == "θ after 3 steps: (0.1250, 0.2500)\n"          # (1 − 0.5)³ θ, whichever function ran
        said = [line for line in check.splitlines() if "lessonlib's version" in line]
        assert check.startswith("✗ " if unfinished else "✓ ")
        assert len(said) == (1 if unfinished else 0), check


def test_student_editions_leave_out_the_speaker_notes():
    from lessonlib.tools.student import is_speaker_notes, student_edition
    for path in sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("[0-9]*.ipynb")):
        nb = json.loads(path.read_text())
        assert any(is_speaker_notes(c) for c in nb["cells"]), f"{path.name} has no speaker notes"
        assert not any(is_speaker_notes(c) for c in student_edition(nb)["cells"])
