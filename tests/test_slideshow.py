"""Presenting live: JupyterLab + jupyterlab-slideshow in Chromium at 1280×720, a real lesson's dashboard.

The notebook is lesson 01 up to its first dashboard and that dashboard's still image, with the slide
metadata that ``lessonlib.refresh`` writes (``lessonlib.tools.metadata.normalize``).  Before the kernel
has drawn anything, the dashboard's slide shows a picture (the still image); after Run All, the deck is
started on the first cell (``deck:start``, the toolbar button's command), Space steps through the
slides to the dashboard, whose live picture is on screen with 24 px text; moving its slider redraws the picture and
the slide stays put.
"""
import json
import os
from pathlib import Path

import pytest

from lab_harness import CHROMIUM, LabServer, NotebookSession, launch_browser, wait_until
from lessonlib.tools.metadata import normalize

pytestmark = pytest.mark.browser

if not os.environ.get("CI"):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed", allow_module_level=True)
    pytest.importorskip("playwright.sync_api")
    pytest.importorskip("jupyterlab_slideshow")

from playwright.sync_api import sync_playwright  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
LESSON = ROOT / "notebooks" / "01_gradient_descent.ipynb"
ON_SCREEN = "jp-deck-mod-onscreen"
VIEWPORT = {"width": 1280, "height": 720}

JS_ON_SCREEN = """([panel, n]) => Array.from(document.querySelector(panel).querySelectorAll('.jp-Cell'))
    .map((c, i) => c.classList.contains(n) ? i : -1).filter(i => i >= 0)"""
JS_PICTURES = """([panel, cells]) => { const all = Array.from(document.querySelector(panel).querySelectorAll('.jp-Cell'));
    return cells.flatMap(i => Array.from(all[i].querySelectorAll('img'))).filter(img => {
        const r = img.getBoundingClientRect(), s = getComputedStyle(img);
        return img.complete && img.naturalWidth > 0 && r.width > 200 && r.height > 100 && s.visibility !== 'hidden'
               && r.bottom > 0 && r.top < window.innerHeight && r.right > 0 && r.left < window.innerWidth;
    }).map(img => img.closest('.jp-Cell') === all[cells[0]] ? 'live' : 'still'); }"""
JS_FONT = """([panel, i, selector]) => { const cell = document.querySelector(panel).querySelectorAll('.jp-Cell')[i];
    const el = cell.querySelector(selector); return el ? parseFloat(getComputedStyle(el).fontSize) : null; }"""
JS_DISPLAY = """([panel, i]) => getComputedStyle(document.querySelector(panel).querySelectorAll('.jp-Cell')[i]).display"""


def lesson_prefix(tmp):
    """Lesson 01 up to the still image of its first dashboard, with refresh's slide metadata."""
    nb = json.loads(LESSON.read_text(encoding="utf-8"))
    dash = next(i for i, c in enumerate(nb["cells"]) if "nbval-ignore-output" in c["metadata"].get("tags", []))
    nb["cells"] = nb["cells"][:dash + 2]
    normalize(nb)
    path = tmp / "01_slides.ipynb"
    path.write_text(json.dumps(nb, indent=1), encoding="utf-8")
    return path, dash


def start_deck_at_top(nbs):
    nbs.page.evaluate("() => { window.jupyterapp.shell.currentWidget.content.activeCellIndex = 0; }")
    nbs.command("deck:start")
    nbs.page.wait_for_selector("body[data-jp-deck-mode='presenting']", state="attached", timeout=20_000)
    nbs.page.evaluate("() => { const nb = window.jupyterapp.shell.currentWidget.content; nb.mode = 'command'; "
                      "nb.node.focus(); }")


def go_to(nbs, cell, presses=40):
    """Press Space (next fragment, subslide or slide) until ``cell`` is on screen; the number of presses."""
    for k in range(presses):
        if cell in nbs.page.evaluate(JS_ON_SCREEN, [nbs.panel, ON_SCREEN]):
            return k
        nbs.page.keyboard.press("Space")
        nbs.page.wait_for_timeout(150)
    raise AssertionError(f"cell {cell} never came on screen; on screen: "
                         f"{nbs.page.evaluate(JS_ON_SCREEN, [nbs.panel, ON_SCREEN])}")


def stop_deck(nbs):
    nbs.command("deck:stop")
    nbs.page.wait_for_function("() => document.body.dataset.jpDeckMode !== 'presenting'", timeout=20_000)


def test_a_dashboard_is_live_on_its_slide(tmp_path):
    path, dash = lesson_prefix(tmp_path)
    with LabServer([path], tmp_path / "lab") as server, sync_playwright() as p:
        browser = launch_browser(p)
        nbs = NotebookSession(server, browser, path.name, timeout=90)
        try:
            nbs.page.set_viewport_size(VIEWPORT)
            nbs.open()

            # before the kernel draws anything: the dashboard's slide shows a picture
            start_deck_at_top(nbs)
            go_to(nbs, dash)
            assert nbs.page.evaluate(JS_PICTURES, [nbs.panel, [dash, dash + 1]]), "no picture on the dashboard slide"
            nbs.page.screenshot(path=str(tmp_path / "dashboard-slide-before-run.png"))
            stop_deck(nbs)

            nbs.run_all()
            assert not nbs.unexecuted_cells(), nbs.problems("Run All")
            start_deck_at_top(nbs)
            presses = go_to(nbs, dash)
            assert presses >= 2                                   # it took slides to get there
            board = nbs.dashboard(dash)
            assert nbs.page.evaluate(JS_PICTURES, [nbs.panel, [dash, dash + 1]]) == ["live"]
            assert nbs.page.evaluate(JS_DISPLAY, [nbs.panel, dash + 1]) == "none"    # the still image gives way
            assert nbs.page.evaluate(JS_FONT, [nbs.panel, dash, ".widget-label"]) >= 24
            assert nbs.page.evaluate(JS_FONT, [nbs.panel, 0, "p"]) >= 24           # the first slide's text

            nbs.page.screenshot(path=str(tmp_path / "dashboard-slide.png"))
            before = board.src()
            board.press(0, "ArrowRight")                          # waits for the new picture
            nbs.page.screenshot(path=str(tmp_path / "dashboard-slide-moved.png"))
            assert board.src() != before
            assert dash in nbs.page.evaluate(JS_ON_SCREEN, [nbs.panel, ON_SCREEN])   # the slide stayed put
            wait_until(lambda: not nbs.errors(), 5, "no error output")
        finally:
            nbs.close()
            browser.close()
