"""Presenting live: every core notebook as a deck (JupyterLab + jupyterlab-slideshow) in Chromium at 1280×720.

Each notebook, with the slide metadata that ``lessonlib.refresh`` writes (``lessonlib.tools.metadata``), is
run (Run All) and presented from its first cell.  Space is pressed until the last cell the deck shows, then
Shift+Space back to the first.  At every step:

- the press moved the deck (never stuck) and the keyboard focus stayed in the notebook;
- a step onto a new screen (slide or subslide) opens it at its top, and the screen fits the window;
- no code line, output line or display equation on screen is cut off at the right;
- a dashboard on screen is whole: title, controls, message and picture inside the 1280×720 window, the
  picture drawn at the size it is shown at, with alt text; every figure on screen has alt text (read from
  its PNG by the dashboards' front-end module: JupyterLab ignores an output's alt metadata).

Then one dashboard's slider is moved on its slide: the picture is redrawn and the slide stays put.  A
screenshot of every dashboard slide is kept (``LESSONLIB_SCREENSHOTS=folder`` to keep them after the run).
"""
import json
import os
import shutil
from pathlib import Path

import pytest

from lab_harness import CHROMIUM, LabServer, NotebookSession, launch_browser, wait_until
from lessonlib.tools.metadata import normalize
from test_slides import SLIDE_WIDTH_PX

pytestmark = pytest.mark.browser

if not os.environ.get("CI"):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed", allow_module_level=True)
    pytest.importorskip("playwright.sync_api")
    pytest.importorskip("jupyterlab_slideshow")

from playwright.sync_api import sync_playwright  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
VIEWPORT = {"width": 1280, "height": 720}
SHOWN = {"slide", "subslide", "fragment", None}          # slide types the deck steps onto

# The deck's state after a step: the active cell, the cells on screen, and what is wrong with the screen.
JS_SHARP = """(cell) => {
  const img = document.querySelectorAll('.jp-Cell')[cell].querySelector('.lessonlib-dashboard img.widget-image');
  const p = img.getBoundingClientRect(), aspect = img.naturalWidth / img.naturalHeight;
  return img.complete && Math.abs(img.naturalWidth - Math.min(p.width, p.height * aspect) * devicePixelRatio) <= 3;
}"""
JS_STATE = """(SLIDE_WIDTH) => {
  const panel = window.jupyterapp.shell.currentWidget, nb = panel.content, root = nb.node;
  const cells = Array.from(root.querySelectorAll('.jp-Cell'));
  const onScreen = cells.map((c, i) => c.classList.contains('jp-deck-mod-onscreen') ? i : -1).filter(i => i >= 0);
  const scroller = root.querySelector('.jp-WindowedPanel-outer') || root;      // what scrolls in JupyterLab 4
  const view = scroller.getBoundingClientRect(), H = window.innerHeight, W = window.innerWidth;
  const problems = [];
  const cut = (el, what, i) => {
    const r = el.getBoundingClientRect(), cell = cells[i].getBoundingClientRect();
    if (r.width > 0 && (el.scrollWidth > el.clientWidth + 1 || r.right > Math.min(cell.right, W) + 1))
      problems.push(`cell ${i}: ${what} cut off at the right (${Math.round(el.scrollWidth)} px in ${Math.round(el.clientWidth)})`);
  };
  const dashboards = [];
  for (const i of onScreen) {
    const c = cells[i];
    c.querySelectorAll('.jp-InputArea-editor .cm-scroller').forEach(e => cut(e, 'a code line', i));
    c.querySelectorAll('.jp-OutputArea-output pre').forEach(e => cut(e, 'an output line', i));
    c.querySelectorAll('mjx-container[display="true"], .MathJax_Display').forEach(e => cut(e, 'a display equation', i));
    c.querySelectorAll('.jp-RenderedImage img').forEach(img => {
      if (!img.getAttribute('alt')) problems.push(`cell ${i}: a figure without alt text`);
      const shownWidth = img.getBoundingClientRect().width;         // test_slides.py assumes SLIDE_WIDTH_PX
      if (img.naturalWidth && shownWidth + 1 < Math.min(img.naturalWidth, SLIDE_WIDTH))
        problems.push(`cell ${i}: a figure shown ${Math.round(shownWidth)} px wide (natural ${img.naturalWidth})`);
    });
    c.querySelectorAll('.lessonlib-dashboard').forEach(d => {
      const r = d.getBoundingClientRect(), img = d.querySelector('img.widget-image');
      const p = img ? img.getBoundingClientRect() : null;
      const aspect = img ? img.naturalWidth / img.naturalHeight : 1, shown = p ? Math.min(p.width, p.height * aspect) : 0;
      dashboards.push({cell: i, top: r.top, bottom: r.bottom, left: r.left, right: r.right,
                       picture: p && {top: p.top, bottom: p.bottom, width: shown, height: shown / aspect,
                                      natural: img.naturalWidth, loaded: img.complete && img.naturalWidth > 0,
                                      sharp: Math.abs(img.naturalWidth - shown * devicePixelRatio) <= 3, alt: img.alt},
                       labels: Array.from(d.querySelectorAll('.widget-label, .widget-readout, .widget-checkbox label'))
                               .map(l => parseFloat(getComputedStyle(l).fontSize))});
    });
  }
  const first = onScreen.length ? cells[onScreen[0]].getBoundingClientRect().top : view.top;
  const focus = document.activeElement;
  return {active: nb.activeCellIndex, onScreen, problems, dashboards,
          atTop: first >= view.top - 1, fits: scroller.scrollHeight <= scroller.clientHeight + 1,
          height: scroller.scrollHeight, focused: !!(focus && root.contains(focus)),
          width: root.getBoundingClientRect().width};
}"""


def slide_type(cell):
    return cell["metadata"].get("slideshow", {}).get("slide_type")


def deck_copy(path, tmp):
    """The notebook with refresh's slide metadata (idempotent on a refreshed notebook)."""
    nb = normalize(json.loads(path.read_text(encoding="utf-8")))
    target = tmp / path.name
    target.write_text(json.dumps(nb, indent=1, ensure_ascii=False), encoding="utf-8")
    return target, nb


def start_deck_at_top(nbs):
    nbs.page.evaluate("() => { window.jupyterapp.shell.currentWidget.content.activeCellIndex = 0; }")
    nbs.command("deck:start")
    nbs.page.wait_for_selector("body[data-jp-deck-mode='presenting']", state="attached", timeout=20_000)
    nbs.page.evaluate("() => { const nb = window.jupyterapp.shell.currentWidget.content; nb.mode = 'command'; "
                      "nb.activeCell.node.focus(); }")


def settle(page):
    """Until MathJax has typeset and every picture on screen is loaded (bounded)."""
    page.wait_for_timeout(250)
    page.wait_for_function("""() => Array.from(document.querySelectorAll('.jp-deck-mod-onscreen img'))
                              .every(i => i.complete)""", timeout=10_000)


def step(nbs, key):
    before = nbs.page.evaluate("() => window.jupyterapp.shell.currentWidget.content.activeCellIndex")
    nbs.page.keyboard.press(key)
    try:
        nbs.page.wait_for_function("(b) => window.jupyterapp.shell.currentWidget.content.activeCellIndex !== b",
                                   arg=before, timeout=3_000)
    except Exception:
        pass
    settle(nbs.page)
    return before, nbs.page.evaluate(JS_STATE, SLIDE_WIDTH_PX)


def check_screen(nb, state, problems, where):
    kind = slide_type(nb["cells"][state["active"]])
    if not state["focused"]:
        problems.append(f"{where}: the keyboard focus left the notebook (Space would do nothing)")
    if kind in ("slide", "subslide") or state["active"] == 0:
        if not state["atTop"]:
            problems.append(f"{where}: the screen opens scrolled down (its first cell above the window)")
        if not state["fits"]:
            problems.append(f"{where}: the screen is {state['height']} px tall, taller than the window")
    problems += state["problems"]                     # "cell N: …" (the same cell is seen from several steps)
    for d in state["dashboards"]:
        if d["cell"] != state["active"]:
            continue                       # seen from a later step of its screen: "fits" speaks for it
        name = f"{where}, dashboard cell {d['cell']}"
        if d["top"] < -1 or d["bottom"] > VIEWPORT["height"] + 1 or d["right"] > VIEWPORT["width"] + 1:
            problems.append(f"{name}: not whole on screen ({d['top']:.0f}–{d['bottom']:.0f} px of "
                            f"{VIEWPORT['height']})")
        pic = d["picture"]
        if not pic or not pic["loaded"] or pic["height"] < 150:
            problems.append(f"{name}: no picture of a useful size ({pic})")
        elif not pic["alt"]:
            problems.append(f"{name}: the picture has no alt text")
        elif not pic["sharp"]:
            problems.append(f"{name}: the picture is {pic['natural']} px wide, shown at {pic['width']:.0f} px")
        if d["labels"] and min(d["labels"]) < 20:
            problems.append(f"{name}: control text {min(d['labels']):.1f} px")


def walk(nbs, nb, key, last, problems, shots):
    """Press ``key`` until the active cell is ``last``; every press must move the deck."""
    seen = []
    for _ in range(len(nb["cells"]) + 5):
        state = nbs.page.evaluate(JS_STATE, SLIDE_WIDTH_PX)
        if state["active"] == last:
            return seen
        before, state = step(nbs, key)
        where = f"{key} from cell {before} to {state['active']}"
        if state["active"] == before:
            problems.append(f"{where}: stuck")
            return seen
        seen.append(state["active"])
        if any(d["cell"] == state["active"] for d in state["dashboards"]):
            try:                           # the kernel redraws it at the size the slide shows it
                nbs.page.wait_for_function(JS_SHARP, arg=state["active"], timeout=20_000)
            except Exception:
                pass
            state = nbs.page.evaluate(JS_STATE, SLIDE_WIDTH_PX)
        check_screen(nb, state, problems, where)
        if state["dashboards"] and key == "Space":
            shot = shots / f"{Path(nbs.name).stem}-cell{state['active']}.png"
            nbs.page.screenshot(path=str(shot))
    problems.append(f"{key}: cell {last} never reached")
    return seen


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = launch_browser(p)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    folder = Path(os.environ.get("LESSONLIB_SCREENSHOTS") or tmp_path_factory.mktemp("deck-screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_the_deck_steps_through_every_slide_both_ways_and_every_screen_fits(path, browser, shots, tmp_path):
    copy, nb = deck_copy(path, tmp_path)
    shown = [i for i, c in enumerate(nb["cells"]) if slide_type(c) in SHOWN]
    with LabServer([copy], tmp_path / "lab") as server:
        nbs = NotebookSession(server, browser, copy.name, timeout=120)
        try:
            nbs.page.set_viewport_size(VIEWPORT)
            nbs.open()
            nbs.run_all()
            assert not nbs.unexecuted_cells(), nbs.problems("Run All")
            start_deck_at_top(nbs)
            settle(nbs.page)
            problems = []
            check_screen(nb, nbs.page.evaluate(JS_STATE, SLIDE_WIDTH_PX), problems, "the first slide")
            fonts = nbs.page.evaluate("""() => ['.jp-RenderedMarkdown', '.jp-InputArea-editor .cm-content']
                .map(s => document.querySelector(s)).map(e => e && parseFloat(getComputedStyle(e).fontSize))""")
            assert fonts == [24, 24], f"text and code are {fonts} px while presenting"
            forward = walk(nbs, nb, "Space", shown[-1], problems, shots)
            backward = walk(nbs, nb, "Shift+Space", 0, problems, shots)
            assert not problems, f"{len(problems)} problems:\n" + "\n".join(dict.fromkeys(problems))
            assert forward and set(forward) <= set(shown)            # never onto a cell the deck skips
            assert backward[-1] == 0 and set(backward) <= set(shown)
        finally:
            nbs.close()


def test_a_slider_redraws_the_dashboard_on_its_slide(browser, tmp_path, shots):
    """The first dashboard of lesson 01: live on its slide, redrawn by its slider, the slide stays put."""
    copy, nb = deck_copy(NOTEBOOKS[0], tmp_path)
    with LabServer([copy], tmp_path / "lab") as server:
        nbs = NotebookSession(server, browser, copy.name, timeout=120)
        try:
            nbs.page.set_viewport_size(VIEWPORT)
            nbs.open()
            nbs.run_all()
            dash = nbs.dashboards[0]
            start_deck_at_top(nbs)
            for _ in range(len(nb["cells"])):
                if dash in nbs.page.evaluate(JS_STATE, SLIDE_WIDTH_PX)["onScreen"]:
                    break
                step(nbs, "Space")
            board = nbs.dashboard(dash)
            nbs.page.wait_for_function(JS_SHARP, arg=dash, timeout=30_000)      # drawn at the size it is shown at
            before = board.src()
            board.press(0, "ArrowRight")                          # waits for the new picture
            nbs.page.screenshot(path=str(shots / "slider-moved-on-its-slide.png"))
            assert board.src() != before
            assert dash in nbs.page.evaluate(JS_STATE, SLIDE_WIDTH_PX)["onScreen"]      # the slide stayed put
            wait_until(lambda: not nbs.errors(), 5, "no error output")
        finally:
            nbs.close()
