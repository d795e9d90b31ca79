"""Notebook metadata for presenting (jupyterlab-slideshow) and for nbgrader; ``refresh`` calls ``normalize``.

Slides (jupyterlab-slideshow follows nbconvert's ``slide_type``; each cell the deck shows is one step of
Space / Shift+Space, and a step onto a cell that shows nothing traps the keyboard):

- ``"-"`` ("continue the slide" in nbconvert) is not a type jupyterlab-slideshow knows: such a cell is
  never shown.  Without a ``slide_type`` a cell continues the current slide, so "-" is removed.
- ``skip`` (off the deck, kept in the notebook): the still image of a dashboard (a code cell whose last
  line is ``name.snapshot()``: the live dashboard above it is what the slide shows, and with no kernel its
  saved state; a hidden still would be a dead step going forward and a trap going back), every cell of an
  exercise after its prompt (the solution, the check, "compare yours with ours": the deck never shows a
  solution), and every cell tagged ``optional`` (the deck presents the core path).
- A dashboard (a cell that shows one) opens a screen of its own, and the next cell on the deck opens
  another: a dashboard has the whole slide to itself (its styles fit it to 1280×720).
- A markdown cell tagged ``notes``, or starting with "Speaker notes", becomes a ``notes`` cell: speaker
  notes for the slide it follows.  slide, subslide, fragment, skip and notes are otherwise kept.
- The notebook gets presentation styles (``PRESENTATION_STYLES``, in the notebook metadata that
  jupyterlab-slideshow reads) that apply only while presenting: text, code and dashboard controls at
  24 px, and a dashboard cell's code hidden behind the dashboard it draws (the slide has room for the
  picture; the dashboard's own styles, in ``dashboards/machinery.py``, fit it to the screen).

nbgrader (schema version 3): the code cell holding ``### BEGIN SOLUTION`` is a solution cell, the check
cell after it an autograded test cell worth ``POINTS`` points, both with ``grade_id`` "exN-<name>".
(nbgrader counts a test cell as failed only when it raises: the checks raise when nbgrader runs them,
i.e. when ``NBGRADER_EXECUTION`` is "autograde" or "validate".)

``normalize`` changes metadata only (never a cell's source or outputs) and running it twice changes nothing.
"""
import copy
import re

BEGIN = "### BEGIN SOLUTION"
EXERCISE = re.compile(r"^#{1,6}\s*Exercise\s+(\d+)", re.M)
CHECK_CALL = re.compile(r"\bcheck_(\w+)\s*\(")
DEF = re.compile(r"^def\s+(\w+)\s*\(", re.M)
SNAPSHOT = re.compile(r"^\s*(\w+)\.snapshot\(\)\s*(#.*)?$")
NOTES = re.compile(r"^\s*(\*\*|_)?speaker notes", re.I)
KEPT = {"slide", "subslide", "fragment", "skip", "notes"}
HEADING = re.compile(r"^\s*#{1,6}\s")
OPTIONAL = "optional"
ON_DECK = {"slide", "subslide", "fragment", None}
DASHBOARD_TAG = "nbval-ignore-output"                  # every dashboard cell carries it (tests/README.md)
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
POINTS = 1
FONTS_KEY = "@deathbeds/jupyterlab-fonts"          # jupyterlab-slideshow styles a notebook through this key
PRESENTING = "body[data-jp-deck-mode='presenting'] &"
PRESENTATION_STYLES = {
    "--jp-content-font-size1": "24px",
    "--jp-code-font-size": "24px",
    "--jp-ui-font-size1": "20px",
    "& .lessonlib-dashboard": {"--jp-widgets-font-size": "24px"},
    # a dashboard's slide shows the dashboard, not the line of code that makes it (room for the picture)
    "& .jp-CodeCell:has(.lessonlib-dashboard) .jp-Cell-inputWrapper": {"display": "none"},
    "& .jp-CodeCell:has(.lessonlib-dashboard) .jp-OutputArea-child": {"margin": "0"},
}


def source_of(cell):
    return cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])


def is_snapshot(cell):
    """A code cell whose last line shows a dashboard's still image (``explorer.snapshot()``)."""
    lines = source_of(cell).strip().splitlines()
    return cell["cell_type"] == "code" and bool(lines) and SNAPSHOT.match(lines[-1]) is not None


def exercise_followers(cells):
    """Indices of the cells of each exercise after its prompt: from the cell after the ``## Exercise N``
    heading up to the next markdown heading (speaker notes excepted)."""
    found, inside = set(), False
    for i, cell in enumerate(cells):
        text = source_of(cell)
        if cell["cell_type"] == "markdown" and EXERCISE.search(text):
            inside = True
            continue
        if cell["cell_type"] == "markdown" and HEADING.match(text) and not NOTES.match(text):
            inside = False
        if inside and not is_notes(cell):
            found.add(i)
    return found


def is_notes(cell):
    meta = cell.get("metadata", {})
    return cell["cell_type"] == "markdown" and ("notes" in meta.get("tags", []) or NOTES.match(source_of(cell)))


def slideshow_metadata(cells):
    """Slide types that jupyterlab-slideshow shows: see the module docstring."""
    off_deck = exercise_followers(cells)
    for i, cell in enumerate(cells):
        meta = cell.setdefault("metadata", {})
        kind = meta.get("slideshow", {}).get("slide_type")
        if is_notes(cell):
            meta["slideshow"] = {"slide_type": "notes"}
        elif i in off_deck or OPTIONAL in meta.get("tags", []) or is_snapshot(cell):
            meta["slideshow"] = {"slide_type": "skip"}
        elif kind is not None and kind not in KEPT:          # "-" or anything else it does not show
            del meta["slideshow"]["slide_type"]
        if "slideshow" in meta and not meta["slideshow"]:
            del meta["slideshow"]
    dashboards_alone(cells)


def is_dashboard(cell):
    """A code cell that shows a live dashboard (a widget view stored, or the tag every dashboard cell has)."""
    return cell["cell_type"] == "code" and (
        DASHBOARD_TAG in cell["metadata"].get("tags", [])
        or any(WIDGET_VIEW in out.get("data", {}) for out in cell.get("outputs", [])))


def dashboards_alone(cells):
    """Each dashboard on the deck opens a screen (subslide, unless it is a slide) and the next cell the deck
    shows opens another: the dashboard has the whole 1280×720 slide to itself."""
    shown = [i for i, c in enumerate(cells) if c["metadata"].get("slideshow", {}).get("slide_type") in ON_DECK]
    for k, i in enumerate(shown):
        if not is_dashboard(cells[i]):
            continue
        for j in [i] + shown[k + 1:k + 2]:
            if cells[j]["metadata"].get("slideshow", {}).get("slide_type") in (None, "fragment"):
                cells[j]["metadata"]["slideshow"] = {"slide_type": "subslide"}


def nbgrader_metadata(cells):
    """Solution and autograded-test metadata on each exercise's cells."""
    exercise, solution_seen = None, False
    for cell in cells:
        text = source_of(cell)
        if cell["cell_type"] == "markdown":
            found = EXERCISE.search(text)
            if found:
                exercise, solution_seen = int(found.group(1)), False
            continue
        if exercise is None or cell["cell_type"] != "code":
            continue
        if BEGIN in text:
            name = (DEF.findall(text) or ["solution"])[0]
            cell["metadata"]["nbgrader"] = {"grade": False, "solution": True, "locked": False, "task": False,
                                            "grade_id": f"ex{exercise}-{name}", "schema_version": 3}
            solution_seen = True
        elif solution_seen and CHECK_CALL.search(text):
            name = CHECK_CALL.search(text).group(1)
            cell["metadata"]["nbgrader"] = {"grade": True, "solution": False, "locked": True, "task": False,
                                            "points": POINTS, "grade_id": f"ex{exercise}-check_{name}",
                                            "schema_version": 3}
            exercise, solution_seen = None, False


def presentation_styles(metadata):
    fonts = metadata.setdefault(FONTS_KEY, {})
    fonts.setdefault("styles", {}).setdefault(":root", {})[PRESENTING] = copy.deepcopy(PRESENTATION_STYLES)


def normalize(nb):
    """Slide and nbgrader metadata on ``nb`` (an nbformat node or a plain dict), in place; returns nb."""
    slideshow_metadata(nb["cells"])
    nbgrader_metadata(nb["cells"])
    presentation_styles(nb.setdefault("metadata", {}))
    return nb
