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
    assert set(changed) <= allowed, f"{path.name}: cells {sorted(set(changed) - allowed)} changed"


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


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_student_edition_runs_up_to_its_first_exercise(path, editions):
    """Executed top to bottom: no error before the first exercise; after it, only "not done yet" errors."""
    nb = nbformat.read(editions / path.name, as_version=4)
    first = next(i for i, c in enumerate(nb.cells) if "raise NotImplementedError" in c.source)
    client = NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(editions)}})
    client.execute()
    for i, cell in enumerate(nb.cells):
        errors = [o for o in cell.get("outputs", []) if o.output_type == "error"]
        if i <= first:
            assert not errors, f"{path.name} cell {i} failed before the first exercise: {errors[0]['ename']}"
        for err in errors:
            assert err["ename"] == "NotImplementedError", (
                f"{path.name} cell {i}: {err['ename']}: {err['evalue']}")


def test_student_editions_leave_out_the_speaker_notes():
    from lessonlib.tools.student import is_speaker_notes, student_edition
    for path in sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("[0-9]*.ipynb")):
        nb = json.loads(path.read_text())
        assert any(is_speaker_notes(c) for c in nb["cells"]), f"{path.name} has no speaker notes"
        assert not any(is_speaker_notes(c) for c in student_edition(nb)["cells"])
