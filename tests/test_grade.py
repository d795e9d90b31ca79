"""``lessonlib grade``: a made-up class, built from a real lesson notebook, graded as each deserves.

The class: the notebook as it is (correct), a missing `return`, each catalogued mistake of the lesson's
first exercise (when the lesson's exercise module exists), the student edition (nothing written), a
syntax error, an endless loop, a notebook that ignores interrupts (time limit), one that deletes a file,
and one that crashes its kernel.  Each submission is trimmed to the imports and the exercise sections so
the whole class runs in a few minutes.  A later exercise may call an earlier one's function, so only
the exercise a submission breaks is asserted on.
"""
import csv
import importlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from lessonlib.tools import grade
from lessonlib.tools.student import BEGIN, END, student_edition

ROOT = Path(__file__).resolve().parents[1]
LESSON = ROOT / "notebooks" / "01_gradient_descent.ipynb"


def src(cell):
    return cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])


def trimmed(nb):
    """The first code cell (imports) and every exercise section, outputs cleared."""
    keep = [next(i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code")]
    for ex in grade.exercises(nb):
        keep += list(range(ex["heading"], max(ex["cells"]) + 1))     # the heading, its prose, its cells
    nb = json.loads(json.dumps(nb))
    nb["cells"] = [nb["cells"][i] for i in sorted(set(keep))]
    nb["metadata"].pop("widgets", None)
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
    return nb


def solution_cell(nb, number):
    ex = next(e for e in grade.exercises(nb) if e["number"] == number)
    return next(nb["cells"][i] for i in ex["cells"] if BEGIN in src(nb["cells"][i]))


def replace_solution(nb, number, body):
    """The solution block of exercise ``number`` replaced by ``body`` (indented like the block)."""
    nb = json.loads(json.dumps(nb))
    cell = solution_cell(nb, number)
    text = src(cell)
    indent = re.search(rf"^([ \t]*){re.escape(BEGIN)}", text, re.M).group(1)
    block = re.compile(rf"^[ \t]*{re.escape(BEGIN)}\n.*?^[ \t]*{re.escape(END)}\n?", re.S | re.M)
    cell["source"] = block.sub("".join(f"{indent}{line}\n" for line in body.splitlines()), text, count=1)
    return nb


def insert_code(nb, position, code):
    nb = json.loads(json.dumps(nb))
    nb["cells"].insert(position, {"cell_type": "code", "metadata": {}, "source": code, "outputs": [],
                                  "execution_count": None})
    return nb


def catalogued_mistakes(nb):
    """[(mistake name, module, function name)] for exercise 1, from the lesson's exercise module if it exists."""
    ex = next(e for e in grade.exercises(nb) if e["number"] == 1)
    try:
        from lessonlib.exercises import catalogue
        exercises = {name: e for lesson in catalogue().values() for name, e in lesson.items()}
    except Exception:
        return []
    exercise = exercises.get(ex["name"])
    if exercise is None:
        return []
    return [(m.name, m.fn) for m in exercise.mistakes if getattr(m.fn, "__name__", "<lambda>") != "<lambda>"
            and importlib.import_module(m.fn.__module__) is not None][:3]


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("class")
    nb = trimmed(json.loads(LESSON.read_text(encoding="utf-8")))
    fn_name = re.search(r"def (\w+)\(", src(solution_cell(nb, 1))).group(1)
    first_check = next(e for e in grade.exercises(nb) if e["number"] == 1)["check"]
    class_ = {
        "correct": nb,
        "no_return": replace_solution(nb, 1, "result = None"),
        "empty": student_edition(nb),
        "syntax_error": replace_solution(nb, 1, "return theta -* ) lr"),
        "endless_loop": replace_solution(nb, 1, "while True:\n    pass"),
        "ignores_interrupts": insert_code(nb, first_check + 1, "import signal, time\n"
                                          "signal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass"),
        "deletes_files": insert_code(nb, 1, "import os\nos.remove('data.txt')"),
        "crash": insert_code(nb, first_check + 1, "import os\nos._exit(1)"),
    }
    mistakes = catalogued_mistakes(nb)
    for name, fn in mistakes:
        class_[f"mistake_{name}"] = replace_solution(
            nb, 1, f"from {fn.__module__} import {fn.__name__} as _mistake\nreturn _mistake(*_args, **_kwargs)")
        submission = class_[f"mistake_{name}"]
        ex = next(e for e in grade.exercises(submission) if e["number"] == 1)
        cell = next(submission["cells"][i] for i in ex["cells"] if f"def {fn_name}(" in src(submission["cells"][i]))
        cell["source"] = re.sub(rf"def {fn_name}\(.*?\):", f"def {fn_name}(*_args, **_kwargs):", src(cell), count=1)
    submissions = tmp / "submissions"
    for student, notebook in class_.items():
        folder = submissions / student
        folder.mkdir(parents=True)
        (folder / LESSON.name).write_text(json.dumps(notebook, indent=1), encoding="utf-8")
        (folder / "data.txt").write_text("keep me\n")
    out = tmp / "out" / "grades.csv"
    result = subprocess.run([sys.executable, "-m", "lessonlib", "grade", str(submissions), "--out", str(out),
                             "--cell-timeout", "10", "--time-limit", "40"],
                            capture_output=True, text=True, timeout=1200, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    with open(out, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    table = {(r["student"], int(r["exercise"])): r for r in rows}
    return {"table": table, "out": out, "submissions": submissions, "mistakes": mistakes, "stdout": result.stdout}


def statuses(graded, student):
    return [graded["table"][(student, n)]["status"] for n in (1, 2)]


def test_the_correct_notebook_passes_every_exercise(graded):
    assert {r["status"] for (student, _), r in graded["table"].items() if student == "correct"} == {"passed"}
    assert graded["table"][("correct", 1)]["problems"] == ""


def test_a_missing_return_fails_with_a_message(graded):
    row = graded["table"][("no_return", 1)]
    assert row["status"] == "failed" and "return" in row["message"]


def test_each_catalogued_mistake_is_named(graded):
    for name, _ in graded["mistakes"]:
        row = graded["table"][(f"mistake_{name}", 1)]
        assert (row["status"], row["mistake"]) == ("failed", name)


def test_an_empty_submission_passes_nothing(graded):
    rows = [graded["table"][("empty", n)] for n in (1, 2)]
    assert all(r["status"] in ("failed", "error") for r in rows)
    assert all(r["mistake"] in ("not done", "NotImplementedError", "") for r in rows)


def test_a_syntax_error_is_recorded_as_such(graded):
    row = graded["table"][("syntax_error", 1)]
    assert (row["status"], row["mistake"]) == ("error", "SyntaxError")


def test_an_endless_loop_is_interrupted_and_the_run_goes_on(graded):
    row = graded["table"][("endless_loop", 1)]
    assert (row["status"], row["mistake"]) == ("error", "Timeout") and "interrupted" in row["message"]
    assert graded["table"][("endless_loop", 2)]["status"] != "not run"     # the next exercise was still run
    assert graded["table"][("endless_loop", 1)]["problems"] == ""


def test_a_notebook_that_ignores_interrupts_is_stopped_at_the_time_limit(graded):
    row = graded["table"][("ignores_interrupts", 2)]
    assert statuses(graded, "ignores_interrupts")[0] == "passed" and row["status"] != "passed"
    assert "stopped after the time limit of 40 s" in row["problems"]


def test_a_kernel_crash_is_recorded(graded):
    assert statuses(graded, "crash") == ["passed", "not run"]
    assert "kernel died" in graded["table"][("crash", 1)]["problems"]


def test_deleted_files_are_recorded_and_the_submission_is_untouched(graded):
    assert statuses(graded, "deletes_files") == ["passed", "passed"]
    assert "deleted 1 file(s) of its folder: data.txt" in graded["table"][("deletes_files", 1)]["problems"]
    assert (graded["submissions"] / "deletes_files" / "data.txt").read_text() == "keep me\n"


def test_one_feedback_file_per_student(graded):
    folder = graded["out"].parent / "feedback"
    students = {s for s, _ in graded["table"]}
    assert {p.stem for p in folder.glob("*.md")} == {grade.safe_name(s) for s in students}
    text = (folder / "correct.md").read_text(encoding="utf-8")
    n = sum(1 for student, _ in graded["table"] if student == "correct")
    assert f"{n} of {n} exercises passed" in text and "✓ Exercise 1" in text
    assert "Note: the kernel died" in (folder / "crash.md").read_text(encoding="utf-8")
