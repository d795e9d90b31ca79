"""The slide rules, read from the notebooks (no browser): what the deck shows fits a 1280×720 slide.

The deck is what ``lessonlib.tools.metadata.normalize`` (run by ``lessonlib.refresh``) leaves on it: every
cell whose slide type is slide, subslide, fragment or none.  A *screen* is a slide or subslide cell and
the cells the deck shows after it until the next one.  The rules (tests/test_slideshow.py checks the same
things in Chromium):

- code shown on a slide keeps every line within 76 characters (at 24 px, what a slide's width holds), and
  so does the text it prints (a dashboard's code is hidden on its slide, so it does not count);
- a slide is not a page of prose: a markdown cell on the deck has at most SLIDE_CELL_WORDS words, a
  screen at most SCREEN_WORDS (display math not counted, inline math one word; prose a student reads
  alone goes in a ``skip`` cell);
- a dashboard of the core path is on the deck, alone on its screen (``normalize`` makes it and the next
  cell on the deck open screens): it fills the slide;
- a figure on the deck has no text under 18 px at the size the slide shows it (``smallest_text_px`` in
  the PNG's metadata, scaled to the slide's width when the picture is wider);
- every picture in the notebook (figures and dashboard stills) carries alt text in its metadata.
"""
import base64
import json
import struct
from pathlib import Path

import pytest

from lesson_shape import SLIDE_CODE_WIDTH, prose
from lessonlib.plots import SLIDE_FIGURE_WIDTH_IN, STYLE
from lessonlib.tools.metadata import normalize

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
SHOWN = {"slide", "subslide", "fragment", None}
SLIDE_CELL_WORDS = 60            # AUTHORING.md: "at most about 50 words"
SCREEN_WORDS = 100
SLIDE_WIDTH_PX = round(SLIDE_FIGURE_WIDTH_IN * STYLE["figure.dpi"])   # 1100: a figure's width on a 1280 px deck
                                                                     # (test_slideshow.py checks it in Chromium)
MIN_TEXT_PX = 18
WIDGET = "application/vnd.jupyter.widget-view+json"


def source_of(cell):
    return cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])


def slide_type(cell):
    return cell["metadata"].get("slideshow", {}).get("slide_type")


def is_dashboard(cell):
    return any(WIDGET in o.get("data", {}) for o in cell.get("outputs", []))


def screens(nb):
    """[(first cell index, [indices of the cells on that screen])] in deck order."""
    found = []
    for i, cell in enumerate(nb["cells"]):
        kind = slide_type(cell)
        if kind not in SHOWN:
            continue
        if kind in ("slide", "subslide") or not found:
            found.append((i, []))
        found[-1][1].append(i)
    return found


def printed_lines(cell):
    for out in cell.get("outputs", []):
        text = out.get("text") if out.get("output_type") == "stream" else out.get("data", {}).get("text/plain")
        if text:
            yield from ("".join(text) if isinstance(text, list) else text).splitlines()


def words(text):
    return len(prose(text).split())


def png_width(b64):
    png = base64.b64decode(b64 if isinstance(b64, str) else "".join(b64))
    return struct.unpack(">I", png[16:20])[0]


def deck(path):
    return normalize(json.loads(path.read_text(encoding="utf-8")))


def wide_lines(nb):
    long = []
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code" or slide_type(cell) not in SHOWN or is_dashboard(cell):
            continue
        long += [f"cell {i} code: {len(line)} chars: {line[:50]}…" for line in source_of(cell).splitlines()
                 if len(line) > SLIDE_CODE_WIDTH]
        long += [f"cell {i} output: {len(line)} chars: {line[:50]}…" for line in printed_lines(cell)
                 if len(line) > SLIDE_CODE_WIDTH]
    return long


def wordy_slides(nb):
    wordy = []
    for first, cells in screens(nb):
        counts = {i: words(source_of(nb["cells"][i])) for i in cells if nb["cells"][i]["cell_type"] == "markdown"}
        wordy += [f"cell {i}: {n} words on a slide (at most {SLIDE_CELL_WORDS}; put the rest in a skip cell)"
                  for i, n in counts.items() if n > SLIDE_CELL_WORDS]
        if sum(counts.values()) > SCREEN_WORDS:
            wordy.append(f"screen from cell {first}: {sum(counts.values())} words (at most {SCREEN_WORDS})")
    return wordy


def crowded_dashboards(nb):
    """Every dashboard of the core path is on the deck, alone on its screen (normalize arranges that)."""
    by_first = dict(screens(nb))
    return [f"dashboard cell {i} shares a screen or is off the deck: a core dashboard is presented"
            for i, c in enumerate(nb["cells"])
            if is_dashboard(c) and "optional" not in c["metadata"].get("tags", []) and by_first.get(i) != [i]]


def picture_problems(nb):
    problems = []
    for i, cell in enumerate(nb["cells"]):
        for out in cell.get("outputs", []):
            if "image/png" not in out.get("data", {}):
                continue
            meta = out.get("metadata", {}).get("image/png", {})
            if not str(meta.get("alt", "")).strip():
                problems.append(f"cell {i}: a picture without alt text (refresh the notebook; plots.alt_text)")
            if slide_type(cell) not in SHOWN:
                continue
            if "smallest_text_px" not in meta:
                problems.append(f"cell {i}: a figure on a slide without smallest_text_px (refresh the notebook)")
                continue
            scale = min(1.0, SLIDE_WIDTH_PX / png_width(out["data"]["image/png"]))
            if meta["smallest_text_px"] * scale < MIN_TEXT_PX - 0.05:
                problems.append(f"cell {i}: text of {meta['smallest_text_px'] * scale:.1f} px on the slide "
                                f"({meta['smallest_text_px']} px, shown at {scale:.2f}×)")
    return problems


RULES = [wide_lines, wordy_slides, crowded_dashboards, picture_problems]


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.__name__)
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_lesson_slides_follow_the_rules(path, rule):
    nb = deck(path)
    if rule is crowded_dashboards:
        assert any(is_dashboard(c) for c in nb["cells"]), "no dashboard found (no widget output stored)"
    problems = rule(nb)
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


# ---- the rules themselves, on a small synthetic deck -------------------------------------------------
def png_b64(width):
    header = b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + struct.pack(">II", width, 10)
    return base64.b64encode(header + b"\0" * 8).decode()


def figure_output(width, smallest, alt="A rising line."):
    return {"output_type": "display_data", "data": {"image/png": png_b64(width), "text/plain": "<Figure>"},
            "metadata": {"image/png": {"alt": alt, "smallest_text_px": smallest}}}


def cell(kind, text, slide=None, outputs=()):
    c = {"cell_type": kind, "source": text, "metadata": {"slideshow": {"slide_type": slide}} if slide else {}}
    if kind == "code":
        c.update(outputs=list(outputs), execution_count=1)
    return c


def synthetic(**change):
    dashboard = {"output_type": "display_data", "data": {WIDGET: {"model_id": "x"}, "text/plain": "Interactive"},
                 "metadata": {}}
    cells = {
        "title": cell("markdown", "# A lesson\n\nOne line.", "slide"),
        "prose": cell("markdown", "word " * 300, "skip"),                        # off the deck: any length
        "code": cell("code", "x = 1  # " + "a" * 60, None, [{"output_type": "stream", "name": "stdout",
                                                              "text": "short\n"}]),
        "figure": cell("code", "fig", "subslide", [figure_output(1040, 18.3)]),
        "dash": cell("code", "explorer = learning_rate_explorer()", "subslide", [dashboard]),
        "still": cell("code", "explorer.snapshot()", None, [figure_output(1600, 10.0, alt="Explorer at α = 0.1")]),
        "next": cell("markdown", "## Next idea\n\n$$J = \\frac{1}{2N}\\sum_i r_i^2$$", "slide"),
    }
    cells.update(change)
    return {"metadata": {}, "nbformat": 4, "nbformat_minor": 5, "cells": list(cells.values())}


def test_a_deck_that_follows_the_rules_passes_them():
    nb = normalize(synthetic())
    assert [rule(nb) for rule in RULES] == [[], [], [], []]
    assert screens(nb) == [(0, [0, 2]), (3, [3]), (4, [4]), (6, [6])]     # the still image is off the deck


@pytest.mark.parametrize("change, rule, says", [
    ({"code": cell("code", "y = " + "1 + " * 20)}, wide_lines, "cell 2 code: 84 chars"),
    ({"code": cell("code", "print(s)", None, [{"output_type": "stream", "name": "stdout", "text": "x" * 77}])},
     wide_lines, "cell 2 output: 77 chars"),
    ({"prose": cell("markdown", "word " * 61, "fragment")}, wordy_slides, "cell 1: 61 words"),
    ({"prose": cell("markdown", "word " * 55), "code": cell("markdown", "word " * 55)}, wordy_slides,
     "screen from cell 0: 115 words"),         # with the title's 5
    ({"dash": cell("code", "explorer = learning_rate_explorer()", "skip", [{"output_type": "display_data",
      "data": {WIDGET: {"model_id": "x"}}, "metadata": {}}])}, crowded_dashboards, "dashboard cell 4 shares a screen"),
    ({"figure": cell("code", "fig", "subslide", [figure_output(1040, 14.0)])}, picture_problems,
     "cell 3: text of 14.0 px"),
    ({"figure": cell("code", "fig", "subslide", [figure_output(1500, 18.3)])}, picture_problems,
     "cell 3: text of 13.4 px"),                                            # scaled down to the slide's width
    ({"figure": cell("code", "fig", "subslide", [figure_output(1040, 18.3, alt=" ")])}, picture_problems,
     "cell 3: a picture without alt text"),
])
def test_each_rule_catches_what_it_is_for(change, rule, says):
    problems = rule(normalize(synthetic(**change)))
    assert any(p.startswith(says) for p in problems), problems
