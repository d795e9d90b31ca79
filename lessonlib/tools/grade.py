"""Grade a class: run every submitted notebook, record each exercise's check, write a table and feedback.

    lessonlib grade SUBMISSIONS/ --out grades.csv

SUBMISSIONS/ holds either one folder per student (``alice/01_gradient_descent.ipynb``) or the
notebooks themselves (``alice.ipynb``; the student is then the file's name).  Each notebook runs in
its own kernel, in a child process, inside a temporary copy of its folder, with a time limit per
cell (the cell is interrupted and the run goes on) and per notebook (the run is stopped).  A
notebook that hangs, crashes its kernel, raises errors or deletes files is recorded, never fatal,
and the submission folder itself is never touched.

Exercises are the notebook's ``## Exercise N: title`` sections.  Every check built on
``lessonlib.exercises.harness`` appends a Result (exercise, passed, mistake, message) to
``harness.RESULTS``; after each check cell the grader runs one cell of its own that prints RESULTS
as JSON behind a marker, so each exercise gets the Results its own check produced.  (A check that
only prints "✓ …"/"✗ …" is read from its printed line.)  Per exercise the status is ``passed``,
``failed`` (the check said ✗; ``mistake`` names the catalogued mistake), ``error`` (the exercise's
cells raised before the check could say anything) or ``not run`` (the run never got there, or no
check was called).

Writes the CSV (one row per student, notebook and exercise) and ``feedback/<student>.md`` next to it.
"""
import argparse
import csv
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

MARKER = "<<lessonlib-grade>>"
HEADING = re.compile(r"^#{1,6}\s*Exercise\s+(\d+)\s*(?:\((?:optional)\))?\s*[:.—-]?\s*(.*)$", re.M)
ANY_HEADING = re.compile(r"^#{1,2}\s", re.M)
CHECK_CALL = re.compile(r"\bcheck_(\w+)\s*\(")
COLUMNS = ["student", "notebook", "exercise", "title", "check", "status", "mistake", "message", "problems"]
RESULT_CELL = f"""\
try:
    import json as _grade_json
    from lessonlib.exercises import harness as _grade_harness
    print({MARKER!r} + _grade_json.dumps([[r.exercise, bool(r.passed), r.mistake, str(r.message)]
                                         for r in _grade_harness.RESULTS]))
except Exception:
    print({MARKER!r} + "[]")"""


def source_of(cell):
    return cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])


def exercises(nb):
    """[{number, title, heading: its heading cell's index, cells: [indices of its code cells], check: index of
    its check cell or None, name}]"""
    found, current = [], None
    for i, cell in enumerate(nb["cells"]):
        text = source_of(cell)
        if cell["cell_type"] == "markdown":
            heading = HEADING.search(text)
            if heading:
                current = {"number": int(heading.group(1)), "title": re.sub(r"[$\\]", "", heading.group(2)).strip(),
                           "heading": i, "cells": [], "check": None, "name": ""}
                found.append(current)
            elif ANY_HEADING.search(text):
                current = None
        elif cell["cell_type"] == "code" and current is not None:
            current["cells"].append(i)
            call = CHECK_CALL.search(text)
            if call:
                current["check"], current["name"] = i, call.group(1)
    return found


def instrument(nb):
    """A copy of nb with a result-printing cell after every check cell.

    Returns (nb, {exercise number: index of its result cell}, {original index: instrumented index})."""
    import nbformat

    nb = nbformat.from_dict(json.loads(json.dumps(nb)))
    checks = {ex["check"]: ex["number"] for ex in exercises(nb) if ex["check"] is not None}
    cells, markers, index_of = [], {}, {}
    for i, cell in enumerate(nb.cells):
        index_of[i] = len(cells)
        cells.append(cell)
        if i in checks:
            markers[checks[i]] = len(cells)
            cells.append(nbformat.v4.new_code_cell(RESULT_CELL, metadata={"lessonlib_grade": True}))
    nb.cells = cells
    return nb, markers, index_of


# ---- the child process: one notebook, one kernel ----------------------------------------------
def run_one(path, events, cell_timeout):
    """Execute the notebook at ``path`` (already instrumented) in its folder; one JSON line per cell."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import DeadKernelError

    nb = nbformat.read(path, as_version=4)
    log = open(events, "a", encoding="utf-8")

    def record(**event):
        log.write(json.dumps(event) + "\n")
        log.flush()

    def started(cell, cell_index):
        if not getattr(started, "done", False):      # the parent stops the kernel by this pid if time runs out
            process = getattr(getattr(client.km, "provisioner", None), "process", None)
            if process is not None:
                record(kernel_pid=process.pid)
            started.done = True

    def executed(cell, cell_index, execute_reply):
        content = (execute_reply or {}).get("content", {})
        stdout = "".join(o.get("text", "") for o in cell.get("outputs", [])
                         if o.get("output_type") == "stream" and o.get("name") == "stdout")
        record(index=cell_index, status=content.get("status", "ok"), ename=content.get("ename"),
               evalue=content.get("evalue"), stdout=stdout)

    client = NotebookClient(nb, timeout=cell_timeout, kernel_name="python3", allow_errors=True,
                            interrupt_on_timeout=True, record_timing=False, on_cell_executed=executed,
                            on_cell_start=started,
                            error_on_timeout={"ename": "Timeout", "evalue": f"the cell ran past {cell_timeout} s "
                                              "and was interrupted (an endless loop?)", "traceback": []},
                            resources={"metadata": {"path": str(Path(path).parent)}})
    try:
        client.execute()
    except DeadKernelError:
        record(fatal="the kernel died (the notebook crashed or exited Python)")
    except Exception as err:  # recorded; the parent decides what it means
        record(fatal=f"{type(err).__name__}: {err}")
    log.close()


# ---- the parent: one submission ---------------------------------------------------------------
def files_in(folder):
    return {p.relative_to(folder).as_posix() for p in Path(folder).rglob("*") if p.is_file()
            and "__pycache__" not in p.parts and ".ipynb_checkpoints" not in p.parts}


def grade_notebook(path, cell_timeout=60, time_limit=600):
    """{'exercises': [row dicts], 'problems': [sentences]} for one submitted notebook."""
    import nbformat

    path = Path(path)
    problems = []
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as err:
        return {"exercises": [], "problems": [f"not a readable notebook ({type(err).__name__}: {err})"]}
    found = exercises(nb)
    instrumented, markers, index_of = instrument(nb)
    with tempfile.TemporaryDirectory(prefix="lessonlib-grade-") as tmp:
        work = Path(tmp) / "work"
        shutil.copytree(path.parent, work, symlinks=True)
        before = files_in(work)
        runnable = work / f".lessonlib-grade-{path.name}"
        nbformat.write(instrumented, runnable)
        events_path = Path(tmp) / "events.jsonl"
        events_path.touch()
        env = dict(os.environ, PYTHONHASHSEED="0", MPLBACKEND="module://matplotlib_inline.backend_inline")
        cmd = [sys.executable, "-m", "lessonlib.tools.grade", "--one", str(runnable), "--events", str(events_path),
               "--cell-timeout", str(cell_timeout)]
        child = subprocess.Popen(cmd, cwd=work, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                 text=True, start_new_session=True)
        try:
            _, stderr = child.communicate(timeout=time_limit)
        except subprocess.TimeoutExpired:
            stderr = ""
            problems.append(f"stopped after the time limit of {time_limit} s")
        events = [json.loads(line) for line in events_path.read_text(encoding="utf-8").splitlines() if line.strip()]
        for pid in [child.pid] + [e["kernel_pid"] for e in events if "kernel_pid" in e]:
            stop(pid)                              # the kernel runs in a session of its own
        child.wait()
        problems += [e["fatal"] for e in events if "fatal" in e]
        if child.returncode not in (0, None) and not problems:
            tail = (stderr or "").strip().splitlines()[-1:] or [f"exit code {child.returncode}"]
            problems.append(f"the grader's run failed: {tail[0]}")
        after = files_in(work) - {runnable.name}
        deleted = sorted(before - after)
        if deleted:
            shown = ", ".join(deleted[:5]) + (" …" if len(deleted) > 5 else "")
            problems.append(f"the notebook deleted {len(deleted)} file(s) of its folder: {shown}")
    by_index = {e["index"]: e for e in events if "index" in e}
    return {"exercises": [exercise_row(ex, markers, index_of, by_index) for ex in found], "problems": problems}


def stop(pid):
    """SIGKILL the process group led by ``pid`` (the grader's child or its kernel), if anything is left of it."""
    import signal

    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def exercise_row(ex, markers, index_of, by_index):
    """One exercise's status, mistake and message from the executed cells' events."""
    row = {"exercise": ex["number"], "title": ex["title"], "check": ex["name"], "status": "not run",
           "mistake": "", "message": "no check was called" if ex["check"] is None else "the run did not get here"}
    marker = markers.get(ex["number"])
    results = None
    if marker is not None and marker in by_index:
        earlier = [m for n, m in markers.items() if m < marker and m in by_index]
        previous = parse_results(by_index[max(earlier)]["stdout"]) if earlier else []
        now = parse_results(by_index[marker]["stdout"])
        results = now[len(previous):] if now is not None and previous is not None else None
    errors = [by_index[index_of[i]] for i in ex["cells"] if index_of[i] in by_index
              and by_index[index_of[i]]["status"] == "error"]
    if results:
        name, passed, mistake, message = results[-1]
        row.update(status="passed" if passed else "failed", mistake=mistake or "", message=message, check=name)
    elif ex["check"] is not None and index_of[ex["check"]] in by_index:
        check = by_index[index_of[ex["check"]]]
        printed = [line for line in check["stdout"].splitlines() if line[:1] in ("✓", "✗")]
        if printed:
            passed = printed[-1].startswith("✓")
            row.update(status="passed" if passed else "failed", message=printed[-1][1:].strip())
        elif errors:
            first = errors[0]
            row.update(status="error", mistake=first["ename"] or "error",
                       message=f"{first['ename']}: {first['evalue']}".strip())
        else:
            row.update(status="not run", message="the check cell ran but printed no verdict")
    elif errors:
        first = errors[0]
        row.update(status="error", mistake=first["ename"] or "error", message=f"{first['ename']}: {first['evalue']}")
    return row


def parse_results(stdout):
    for line in stdout.splitlines():
        if line.startswith(MARKER):
            try:
                return json.loads(line[len(MARKER):])
            except ValueError:
                return None
    return None


# ---- a class ----------------------------------------------------------------------------------
def submissions(folder):
    """[(student, notebook path)]: folder/<student>/*.ipynb, or folder/<student>.ipynb."""
    folder = Path(folder)
    found = []
    for path in sorted(folder.rglob("*.ipynb")):
        rel = path.relative_to(folder)
        if ".ipynb_checkpoints" in rel.parts or path.name.startswith(".lessonlib-grade-"):
            continue
        found.append((rel.parts[0] if len(rel.parts) > 1 else path.stem, path))
    return found


def grade(folder, out, cell_timeout=60, time_limit=600, feedback_dir=None, log=print):
    """Grade every submission in ``folder``; write the CSV ``out`` and one feedback file per student."""
    out = Path(out)
    feedback_dir = Path(feedback_dir) if feedback_dir else out.parent / "feedback"
    rows, per_student = [], {}
    for student, path in submissions(folder):
        log(f"grading {student}: {path.name}")
        graded = grade_notebook(path, cell_timeout, time_limit)
        problems = "; ".join(graded["problems"])
        per_student.setdefault(student, []).append((path.name, graded))
        for ex in graded["exercises"]:
            rows.append({"student": student, "notebook": path.name, **ex, "problems": problems})
        if not graded["exercises"]:
            rows.append({"student": student, "notebook": path.name, "exercise": "", "title": "", "check": "",
                         "status": "not run", "mistake": "", "message": "no '## Exercise N' section found",
                         "problems": problems})
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    feedback_dir.mkdir(parents=True, exist_ok=True)
    for student, notebooks in per_student.items():
        (feedback_dir / f"{safe_name(student)}.md").write_text(feedback(student, notebooks), encoding="utf-8")
    return rows


def safe_name(student):
    return re.sub(r"[^\w.-]+", "_", student) or "student"


SYMBOL = {"passed": "✓", "failed": "✗", "error": "✗", "not run": "–"}


def feedback(student, notebooks):
    lines = [f"# Feedback for {student}", ""]
    for name, graded in notebooks:
        done = sum(ex["status"] == "passed" for ex in graded["exercises"])
        lines += [f"## {name}: {done} of {len(graded['exercises'])} exercises passed", ""]
        for ex in graded["exercises"]:
            detail = ex["message"]
            if ex["status"] == "not run":
                detail = f"not run: {detail}"
            lines.append(f"- {SYMBOL[ex['status']]} Exercise {ex['exercise']}: {ex['title']} — {detail}")
        for problem in graded["problems"]:
            lines.append(f"- Note: {problem}")
        lines.append("")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("submissions", nargs="?", help="folder of submitted notebooks")
    parser.add_argument("--out", default="grades.csv", help="the CSV to write (default grades.csv)")
    parser.add_argument("--feedback", help="folder for the feedback files (default: feedback/ next to the CSV)")
    parser.add_argument("--cell-timeout", type=int, default=60, help="seconds per cell before it is interrupted")
    parser.add_argument("--time-limit", type=int, default=600, help="seconds per notebook before it is stopped")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--events", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        run_one(args.one, args.events, args.cell_timeout)
        return 0
    if not args.submissions or not Path(args.submissions).is_dir():
        parser.error("give the folder of submitted notebooks, e.g. lessonlib grade SUBMISSIONS/")
    rows = grade(args.submissions, args.out, args.cell_timeout, args.time_limit, args.feedback)
    passed = sum(r["status"] == "passed" for r in rows)
    print(f"wrote {args.out}: {passed} of {len(rows)} exercises passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
