"""Write student editions of the lesson notebooks: solutions out, everything else kept.

    lessonlib student notebooks/ student/

In each exercise cell, the lines between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` (nbgrader's
markers) become a placeholder that raises ``NotImplementedError("Exercise N: ...")``, keeping the
indentation; the outputs of the exercise cell and of the check cell after it are cleared, and so are
the outputs of every later cell that runs the student's function (it names the function, or the name
the check cell binds: ``chosen = check_x(x).use(x)``), because those outputs are the exercise's answer
until the student's own run draws them.  So is any other cell whose stored output shows a line of a solution
(the library's source printed as "compare yours with ours" after a check): the answer must not be readable
before the student's check has run.  Prose, the other figures and dashboards stay.  The sources are never modified; writing into the source folder (or
into notebooks/) is refused; running it again gives the same files.
"""
import argparse
import copy
import json
import re
import sys
from pathlib import Path

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
EXERCISE_HEADING = re.compile(r"Exercise\s+(\d+)")
NOTEBOOKS_DIR = Path(__file__).resolve().parents[2] / "notebooks"


def source_of(cell):
    return cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])


DEFINED = re.compile(r"^def\s+(\w+)\s*\(", re.M)                  # the student's functions
BOUND = re.compile(r"^(\w+)\s*=\s*check_\w+\(.*\)\.use\(", re.M)      # chosen = check_x(x).use(x)


def uses_any(source, names):
    """Does the code mention one of ``names`` (as a whole word, outside comments)?"""
    code = "\n".join(line.split("#", 1)[0] for line in source.splitlines())
    return any(re.search(rf"\b{re.escape(name)}\b", code) for name in names)


def has_solution(cell):
    return cell["cell_type"] == "code" and BEGIN in source_of(cell)


def placeholder(indent, exercise):
    label = f"Exercise {exercise}" if exercise else "Exercise"
    return (f"{indent}# YOUR CODE HERE\n"
            f"{indent}raise NotImplementedError(\"{label}: replace this line with your code\")\n")


def strip_solutions(source, exercise):
    """The source with every BEGIN…END SOLUTION block replaced by the placeholder."""
    out, inside = [], False
    for line in source.splitlines(keepends=True):
        stripped = line.strip()
        if stripped == BEGIN:
            if inside:
                raise ValueError(f"Exercise {exercise}: nested {BEGIN}")
            inside = True
            out.append(placeholder(line[: len(line) - len(line.lstrip())], exercise))
        elif stripped == END:
            if not inside:
                raise ValueError(f"Exercise {exercise}: {END} without {BEGIN}")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise ValueError(f"Exercise {exercise}: {BEGIN} without {END}")
    stripped = "".join(out)
    return stripped if source.endswith("\n") else stripped.rstrip("\n")


def clear(cell):
    cell["outputs"], cell["execution_count"] = [], None


def is_speaker_notes(cell):
    return cell.get("metadata", {}).get("slideshow", {}).get("slide_type") == "notes"


def student_edition(nb):
    """A copy of the notebook (a dict, as in the .ipynb JSON) with solutions removed."""
    nb = copy.deepcopy(nb)
    nb["cells"] = [c for c in nb["cells"] if not is_speaker_notes(c)]      # the instructor's, not the student's
    exercise, clear_next_code, students = None, False, set()
    answers = answer_lines(nb)
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            found = EXERCISE_HEADING.search(source_of(cell))
            exercise = found.group(1) if found else exercise
        elif has_solution(cell):
            students.update(DEFINED.findall(source_of(cell)))
            cell["source"] = strip_solutions(source_of(cell), exercise)
            clear(cell)
            clear_next_code = True
        elif cell["cell_type"] == "code" and clear_next_code:
            students.update(BOUND.findall(source_of(cell)))
            clear(cell)                       # the check cell that follows the exercise
            clear_next_code = False
        elif cell["cell_type"] == "code" and uses_any(source_of(cell), students):
            clear(cell)                       # its output is the exercise's answer, drawn by the solution
        elif cell["cell_type"] == "code" and shows_any(cell, answers):
            clear(cell)                       # it prints a solution's line (the library's source of the answer)
    nb.get("metadata", {}).pop("widgets", None)   # saved widget state would show the solved dashboards' state
    return nb


def output_text(cell):
    texts = []
    for out in cell.get("outputs", []):
        text = out.get("text") or out.get("data", {}).get("text/plain") or ""
        texts.append("".join(text) if isinstance(text, list) else text)
        html = out.get("data", {}).get("text/html")
        if html:
            texts.append("".join(html) if isinstance(html, list) else html)
    return "\n".join(texts)


def answer_lines(nb, shortest=20):
    """The solutions' lines long enough to be an answer, not a common line like ``return x``."""
    return {line.strip() for block in solutions(nb) for line in block.splitlines() if len(line.strip()) > shortest}


def shows_any(cell, lines):
    text = output_text(cell)
    return bool(text) and any(line in text for line in lines)


def solutions(nb):
    """The solution blocks of a notebook, in order (used by the tests to refill placeholders)."""
    blocks = []
    for cell in nb["cells"]:
        if has_solution(cell):
            text = source_of(cell)
            blocks += re.findall(rf"^[ \t]*{BEGIN}\n(.*?)^[ \t]*{END}", text, re.S | re.M)
    return blocks


def write_editions(src, dest):
    """Write a student edition of every notebook in ``src`` into ``dest``; returns the paths written."""
    src, dest = Path(src).resolve(), Path(dest).resolve()
    if not src.is_dir():
        raise ValueError(f"{src} is not a folder of notebooks")
    for forbidden in (src, NOTEBOOKS_DIR.resolve()):
        if dest == forbidden or forbidden in dest.parents:
            raise ValueError(f"refusing to write student editions into {forbidden}: "
                             f"the source notebooks must stay complete; choose another folder, e.g. student/")
    dest.mkdir(parents=True, exist_ok=True)
    written = []
    for path in sorted(src.glob("[0-9]*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        target = dest / path.name
        target.write_text(json.dumps(student_edition(nb), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(target)
    return written


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("src", help="folder of lesson notebooks, e.g. notebooks/")
    parser.add_argument("dest", help="folder for the student editions, e.g. student/")
    args = parser.parse_args(argv)
    try:
        written = write_editions(args.src, args.dest)
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    for path in written:
        print(f"wrote {path.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
