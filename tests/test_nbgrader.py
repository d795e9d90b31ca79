"""Real nbgrader, end to end, on two lesson notebooks (issue 24): generate_assignment, autograde a made-up
class, export the grades.

The class: ``solved`` hands in the lessons' own solutions, ``untouched`` the released notebooks as
they are, ``wrong`` the solutions with one exercise replaced by a mistake from the exercises'
catalogue.  The expected scores come from the notebooks' nbgrader metadata, not from exercise names:
full marks = the points of every autograded test cell; ``untouched`` = 0; ``wrong`` = full marks
less the points of the test cells of the exercise made wrong.

What it assumes of the notebooks (notebooks/AUTHORING.md, lessonlib.tools.metadata): each exercise
is a solution cell (``### BEGIN SOLUTION`` … ``### END SOLUTION``) that defines one function, followed
by an autograded test cell calling ``check_<name>(…)``, both with ``grade_id`` "ex<N>-…"; a check
raises under nbgrader when the exercise is unsolved or wrong; the last exercise's answer changes no
other exercise's score (so that one is made wrong: an earlier one can, 01's ``gradient`` feeds its
mini-batch loop); the
exercises' catalogue (``lessonlib.exercises.catalogue()``) names at least one mistake for some
exercise of the first notebook.  Skipped when nbgrader is not installed, except in CI (``CI`` set).
"""
import csv
import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LESSONS = ("01", "04")                         # two lessons keep the run near two minutes
ASSIGNMENT = "lessons"
DEF = re.compile(r"^def\s+(\w+)\s*\(", re.M)

pytestmark = pytest.mark.classroom


@pytest.fixture(scope="module", autouse=True)
def nbgrader_installed():
    if importlib.util.find_spec("nbgrader") is None:
        if os.environ.get("CI"):
            pytest.fail("nbgrader is not installed: CI installs the classroom extra (.ci/run)")
        pytest.skip("nbgrader is not installed (pip install -e '.[classroom]')")


def source(cell):
    return cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])


def grade_cells(nb):
    """{grade_id: (cell index, nbgrader metadata)} of the cells nbgrader knows."""
    return {c["metadata"]["nbgrader"]["grade_id"]: (i, c["metadata"]["nbgrader"]) for i, c in enumerate(nb["cells"])
            if "nbgrader" in c["metadata"] and "grade_id" in c["metadata"]["nbgrader"]}


def exercise_of(grade_id):
    return re.match(r"ex(\d+)-", grade_id).group(1)


def nbgrader(*args, course):
    bin_dir = Path(sys.executable).parent              # nbgrader runs alembic from PATH
    env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    result = subprocess.run([str(bin_dir / "nbgrader"), *args], cwd=course, env=env, capture_output=True,
                            text=True, timeout=900)
    assert result.returncode == 0, f"nbgrader {' '.join(args)}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


def wrong_answer(nb, lesson):
    """(grade_id of a solution cell, code that replaces its function with a catalogued mistake).

    The last such exercise: a later exercise may build on an earlier one's function (01's mini-batch loop
    calls the student's ``gradient``), never the other way round."""
    from lessonlib.exercises import catalogue

    exercises = catalogue().get(lesson, {})
    for grade_id, (index, meta) in sorted(grade_cells(nb).items(), key=lambda item: -item[1][0]):
        names = DEF.findall(source(nb["cells"][index]))
        if meta.get("solution") and names and names[0] in exercises and exercises[names[0]].mistakes:
            mistake = exercises[names[0]].mistakes[0]
            return grade_id, (f"\n\nfrom lessonlib.exercises import catalogue as _catalogue   # {mistake.name}\n"
                              f"{names[0]} = _catalogue()[{lesson!r}][{names[0]!r}].mistakes[0].fn\n")
    pytest.fail(f"no exercise of lesson {lesson} has a catalogued mistake to hand in")


@pytest.fixture(scope="module")
def graded(tmp_path_factory, nbgrader_installed):
    course = tmp_path_factory.mktemp("course")
    (course / "nbgrader_config.py").write_text(
        "c = get_config()  # noqa\n"
        f"c.CourseDirectory.root = {str(course)!r}\n"
        f"c.CourseDirectory.course_id = {ASSIGNMENT!r}\n"
        "c.Execute.timeout = 300\n")
    paths = [next((ROOT / "notebooks").glob(f"{lesson}_*.ipynb")) for lesson in LESSONS]
    (course / "source" / ASSIGNMENT).mkdir(parents=True)
    for path in paths:
        (course / "source" / ASSIGNMENT / path.name).write_bytes(path.read_bytes())
    nbgrader("generate_assignment", ASSIGNMENT, "--force", course=course)

    expected, made_wrong = {"solved": 0.0, "untouched": 0.0, "wrong": 0.0}, None
    for k, path in enumerate(paths):
        solution = json.loads(path.read_text(encoding="utf-8"))
        released = json.loads((course / "release" / ASSIGNMENT / path.name).read_text(encoding="utf-8"))
        cells = grade_cells(solution)
        assert set(grade_cells(released)) == set(cells), "generate_assignment kept every graded cell"
        solved = json.loads(json.dumps(released))
        for grade_id, (index, meta) in cells.items():
            if meta.get("solution"):
                solved["cells"][grade_cells(released)[grade_id][0]]["source"] = source(solution["cells"][index])
        wrong = json.loads(json.dumps(solved))
        if k == 0:
            made_wrong, code = wrong_answer(solution, LESSONS[k])
            wrong["cells"][grade_cells(released)[made_wrong][0]]["source"] += code
        tests = {gid: meta.get("points", 0) for gid, (_, meta) in cells.items() if meta.get("grade") and not meta.get("solution")}
        expected["solved"] += sum(tests.values())
        expected["wrong"] += sum(points for gid, points in tests.items()
                                 if k > 0 or exercise_of(gid) != exercise_of(made_wrong))
        for student, nb in (("solved", solved), ("untouched", released), ("wrong", wrong)):
            folder = course / "submitted" / student / ASSIGNMENT
            folder.mkdir(parents=True, exist_ok=True)
            (folder / path.name).write_text(json.dumps(nb, indent=1), encoding="utf-8")
    nbgrader("autograde", ASSIGNMENT, "--create", "--force", course=course)
    nbgrader("export", course=course)
    with open(course / "grades.csv", newline="", encoding="utf-8") as f:
        rows = {row["student_id"]: row for row in csv.DictReader(f)}
    return {"rows": rows, "expected": expected, "wrong": made_wrong, "course": course}


def test_the_released_notebooks_hold_no_solution(graded):
    for path in (graded["course"] / "release" / ASSIGNMENT).glob("*.ipynb"):
        text = path.read_text(encoding="utf-8")
        assert "### BEGIN SOLUTION" not in text and "NotImplementedError" in text


def test_each_student_gets_the_score_the_metadata_implies(graded):
    rows, expected = graded["rows"], graded["expected"]
    assert set(rows) == set(expected)
    assert expected["solved"] > expected["wrong"] > 0
    for student, score in expected.items():
        assert float(rows[student]["score"]) == pytest.approx(score), (student, graded["wrong"], rows[student])
        assert float(rows[student]["max_score"]) == pytest.approx(expected["solved"])
