"""lessonlib.tools.metadata.normalize: slide types jupyterlab-slideshow shows, nbgrader metadata, idempotent."""
import copy
import json
from pathlib import Path

import pytest

from lessonlib.tools.metadata import FONTS_KEY, PRESENTING, normalize

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))


def md(text, slide=None, tags=None):
    meta = {"slideshow": {"slide_type": slide}} if slide else {}
    if tags:
        meta["tags"] = tags
    return {"cell_type": "markdown", "metadata": meta, "source": text}


def code(text, slide=None, tags=None):
    cell = md(text, slide, tags)
    cell.update(cell_type="code", outputs=[], execution_count=None)
    return cell


def toy():
    return {"metadata": {}, "nbformat": 4, "nbformat_minor": 5, "cells": [
        md("# Title", "slide"),
        code("x = 1", "-"),
        md("Speaker notes: say why", None),
        md("remember the demo", "fragment", tags=["notes"]),
        code("explorer = make()", "subslide", tags=["nbval-ignore-output"]),
        code("explorer.snapshot()   # a still"),
        code("hidden = 2", "skip"),
        md("## Exercise 1: a step", "slide"),
        code("def step(theta):\n    ### BEGIN SOLUTION\n    return theta\n    ### END SOLUTION", "-"),
        code("my_step = check_step(step).use(step)", "-"),
        md("Speaker notes: give them ten minutes"),
        code("text.show_source(lab.step)   # compare yours with ours", "fragment"),
        md("## Exercise 2: another", "subslide"),
        code("def other(x):\n    ### BEGIN SOLUTION\n    return x\n    ### END SOLUTION"),
        code("passed = check_other(other)"),
        md("### Going further (optional)", "slide", tags=["optional"]),
        code("slow_sweep()", "subslide", tags=["optional"]),
        md("## 3. Next idea", "slide"),
        code("y = 3"),
    ]}


def slide_types(nb):
    return [c["metadata"].get("slideshow", {}).get("slide_type") for c in nb["cells"]]


def test_slide_types_are_ones_jupyterlab_slideshow_shows():
    nb = normalize(toy())
    assert slide_types(nb) == ["slide", None, "notes", "notes", "subslide", "skip", "skip",
                               "slide", "skip", "skip", "notes", "skip",          # exercise 1: the prompt only
                               "subslide", "skip", "skip",                        # exercise 2
                               "skip", "skip",                                    # optional
                               "slide", None]                                     # the next section is shown
    assert "slideshow" not in nb["cells"][1]["metadata"]          # no empty dict left behind


def test_exercises_carry_nbgrader_metadata():
    nb = normalize(toy())
    cells = nb["cells"]
    assert cells[8]["metadata"]["nbgrader"] == {"grade": False, "solution": True, "locked": False, "task": False,
                                                "grade_id": "ex1-step", "schema_version": 3}
    assert cells[9]["metadata"]["nbgrader"] == {"grade": True, "solution": False, "locked": True, "task": False,
                                                "points": 1, "grade_id": "ex1-check_step", "schema_version": 3}
    assert cells[14]["metadata"]["nbgrader"]["grade_id"] == "ex2-check_other"
    assert all("nbgrader" not in c["metadata"] for c in cells[:8])


def test_presentation_styles_apply_only_while_presenting():
    styles = normalize(toy())["metadata"][FONTS_KEY]["styles"][":root"]
    assert PRESENTING.startswith("body[data-jp-deck-mode='presenting']")
    assert styles[PRESENTING]["--jp-content-font-size1"] == "24px" and styles[PRESENTING]["--jp-code-font-size"] == "24px"


def test_normalize_is_idempotent_and_touches_no_source():
    once = normalize(toy())
    twice = normalize(copy.deepcopy(once))
    assert once == twice
    assert [c["source"] for c in once["cells"]] == [c["source"] for c in toy()["cells"]]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_lesson_notebooks(path):
    nb = normalize(json.loads(path.read_text(encoding="utf-8")))
    assert "-" not in slide_types(nb)
    graded = [c["metadata"]["nbgrader"] for c in nb["cells"] if "nbgrader" in c["metadata"]]
    ids = [g["grade_id"] for g in graded]
    assert len(ids) == len(set(ids)) and graded
    solutions = [g for g in graded if g["solution"]]
    tests = [g for g in graded if g["grade"]]
    assert len(solutions) == len(tests)                     # every solution has its autograded check
    try:                                                    # nbgrader's own validator, where installed
        from nbgrader.nbgraderformat.v3 import MetadataValidatorV3
        import nbformat
        MetadataValidatorV3().validate_nb(nbformat.from_dict(nb))
    except ImportError:
        pass


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_the_deck_shows_no_still_image_no_solution_and_no_optional_cell(path):
    """A still image on the deck is a dead step (hidden under its live dashboard) or a trap (Shift+Space onto
    it stops the keyboard); a solution or an optional cell is not for the projector."""
    nb = normalize(json.loads(path.read_text(encoding="utf-8")))
    cells = nb["cells"]
    stills = [i for i, c in enumerate(cells) if c["cell_type"] == "code" and ".snapshot()" in "".join(c["source"])]
    solutions = [i for i, c in enumerate(cells) if c["metadata"].get("nbgrader", {}).get("solution")]
    checks = [i for i, c in enumerate(cells) if c["metadata"].get("nbgrader", {}).get("grade")]
    optional = [i for i, c in enumerate(cells) if "optional" in c["metadata"].get("tags", [])]
    assert stills and solutions and len(checks) == len(solutions)
    kinds = slide_types(nb)
    for i in stills + solutions + checks:
        assert kinds[i] == "skip", f"cell {i} is on the deck"
    for i in optional:                       # an optional part's speaker notes stay notes (never on a slide)
        assert kinds[i] == "skip" or (kinds[i] == "notes" and cells[i]["cell_type"] == "markdown"), \
            f"cell {i} is on the deck"


def test_a_dashboard_has_its_screen_to_itself():
    nb = {"metadata": {}, "nbformat": 4, "nbformat_minor": 5, "cells": [
        md("## 3. The learning rate", "slide"),
        code("explorer = learning_rate_explorer()", tags=["nbval-ignore-output"]),       # continued the slide
        code("explorer.snapshot()"),
        md("Speaker notes: drag α past 2/h_max"),
        md("Past the limit it diverges.", "fragment"),
        code("net_dash = network_learning_rate()", "slide", tags=["nbval-ignore-output"]),
        md("## 4. Next", "slide"),
    ]}
    normalize(nb)
    assert slide_types(nb) == ["slide", "subslide", "skip", "notes", "subslide", "slide", "slide"]
