"""A Voilà app fills the window: a human tab title; the whole dashboard on screen with no scrollbar at
1280×720 and 1920×1080; controls readable (≥ 18 px at 1280 px, growing with the window); a sharp picture
(drawn at the size and pixel ratio it is shown at, also on a 2× screen); alt text on the picture; no
serious or critical axe-core violation; and the kernel of a closed tab is culled (one of an open tab is
not).  The race dashboard (lesson 03) has the most controls: four sliders, a dropdown, six checkboxes.
Screenshots are kept in ``LESSONLIB_SCREENSHOTS`` when it is set.
"""
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from lab_harness import (CHROMIUM, cmdline, descendants, free_port, launch_browser, snapshot, terminate, track,
                         track_pids, wait_until)
from lessonlib.dashboards import MAIN_DASHBOARDS, TITLES
from lessonlib.tools.app import app_notebook

pytestmark = pytest.mark.browser

if not os.path.exists(CHROMIUM) and not os.environ.get("CI"):
    pytest.skip(f"{CHROMIUM} is missing", allow_module_level=True)

LESSON = "03"                       # the race: the widest row of controls
SIZES = [(1280, 720, 1), (1920, 1080, 1), (1280, 720, 2)]
IMPACTS = ("serious", "critical")


def test_the_app_notebook_carries_the_dashboards_human_title():
    for name in MAIN_DASHBOARDS.values():
        assert app_notebook(name).metadata["title"] == TITLES[name]


def start_app(lesson, *extra):
    port, log = free_port(), []
    cmd = [sys.executable, "-m", "lessonlib", "app", lesson, "--no-browser", f"--port={port}",
           "--Voila.ip=127.0.0.1", "--Voila.port_retries=0", *extra]
    proc = track(subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                  start_new_session=True))
    threading.Thread(target=lambda: [log.append(line) for line in proc.stdout], daemon=True).start()
    wait_until(lambda: any(f"127.0.0.1:{port}/" in line for line in log) or proc.poll() is not None, 90,
               "Voilà to start")
    assert proc.poll() is None, "Voilà exited:\n" + "".join(log[-30:])
    return proc, port


def stop_app(proc):
    family = snapshot([proc.pid, *descendants(proc.pid)])
    track_pids(family)
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=40)
        except subprocess.TimeoutExpired:
            terminate(family, groups={proc.pid})
            proc.wait(timeout=10)


JS_LAYOUT = """() => {
    const dash = document.querySelector('.lessonlib-dashboard'), img = dash.querySelector('img.widget-image');
    const boxes = Array.from(dash.querySelectorAll('.widget-checkbox'));
    const labels = Array.from(dash.querySelectorAll('.widget-label, .widget-readout, .widget-checkbox label'));
    const r = dash.getBoundingClientRect(), p = img.getBoundingClientRect(), root = document.documentElement;
    const aspect = img.naturalWidth / img.naturalHeight, shown = Math.min(p.width, p.height * aspect);
    const title = dash.querySelector('b');
    return {title: title ? title.innerText.trim() : '', dashTop: r.top, dashBottom: r.bottom, dashRight: r.right, imgWidth: shown, imgHeight: shown / aspect,
            natural: img.naturalWidth, ratio: window.devicePixelRatio, alt: img.alt, width: innerWidth,
            height: innerHeight, checkboxRows: new Set(boxes.map(b => Math.round(b.getBoundingClientRect().top))).size,
            checkboxes: boxes.length, font: Math.min(...labels.map(l => parseFloat(getComputedStyle(l).fontSize))),
            scrollX: root.scrollWidth > root.clientWidth, scrollY: root.scrollHeight > root.clientHeight};
}"""
JS_SHARP = """() => { const img = document.querySelector('.lessonlib-dashboard img.widget-image');
    const p = img.getBoundingClientRect(), aspect = img.naturalWidth / img.naturalHeight;
    const shown = Math.min(p.width, p.height * aspect);
    return img.complete && Math.abs(img.naturalWidth - shown * devicePixelRatio) <= 3; }"""


def open_app(browser, port, width, height, ratio=1):
    page = browser.new_page(viewport={"width": width, "height": height}, device_scale_factor=ratio)
    page.goto(f"http://127.0.0.1:{port}/", timeout=60_000)
    page.locator(".lessonlib-dashboard img.widget-image").first.wait_for(state="visible", timeout=120_000)
    return page


def axe_violations(page):
    """axe-core's serious and critical violations on the page (the axe-core bundled with axe-playwright-python)."""
    from axe_playwright_python.sync_playwright import Axe

    page.evaluate(Axe().axe_script)
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [(v["id"], v["impact"], len(v["nodes"]), v["nodes"][0]["target"]) for v in result["violations"]
            if v["impact"] in IMPACTS]


def test_the_app_fills_the_window_sharp_readable_and_accessible(tmp_path):
    from playwright.sync_api import sync_playwright

    shots = Path(os.environ.get("LESSONLIB_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    proc, port = start_app(LESSON)
    layouts, violations = {}, None
    try:
        with sync_playwright() as p:
            browser = launch_browser(p)
            try:
                for width, height, ratio in SIZES:
                    page = open_app(browser, port, width, height, ratio)
                    wait_until(lambda: page.evaluate(JS_SHARP), 60, f"the picture drawn at its size at {width}×{height}")
                    layouts[width, ratio] = page.evaluate(JS_LAYOUT)
                    page.screenshot(path=str(shots / f"voila-{LESSON}-{width}x{height}@{ratio}.png"))
                    assert page.title() == TITLES[MAIN_DASHBOARDS[LESSON]]
                    if (width, ratio) == (1280, 1):
                        violations = axe_violations(page)
                    page.close()
            finally:
                browser.close()
    finally:
        stop_app(proc)
    for (width, ratio), layout in layouts.items():
        where = f"{width} px @{ratio}x: {layout}"
        assert not layout["scrollX"] and not layout["scrollY"], where
        assert layout["dashTop"] >= 0 and layout["dashBottom"] <= layout["height"], where
        assert layout["dashRight"] <= layout["width"], where
        assert layout["checkboxes"] == 6 and layout["checkboxRows"] == 1, where          # no wrapping
        assert abs(layout["natural"] - layout["imgWidth"] * ratio) <= 3, where           # sharp: 1 pixel per pixel
        assert layout["imgHeight"] >= 0.4 * layout["height"], where                      # the picture is most of it
        assert layout["title"] and layout["alt"].startswith(layout["title"] + " at "), where     # title, then state
    small, large = layouts[1280, 1], layouts[1920, 1]
    assert small["font"] >= 18 and large["font"] > small["font"], (small, large)
    assert large["imgWidth"] > 1.3 * small["imgWidth"]
    assert violations == [], violations


def kernels(proc):
    return sorted(p for p in descendants(proc.pid) if "ipykernel" in cmdline(p))


def test_the_kernel_of_a_closed_tab_is_culled_and_one_of_an_open_tab_is_not():
    from playwright.sync_api import sync_playwright

    proc, port = start_app("01", "--MappingKernelManager.cull_idle_timeout=4",
                           "--MappingKernelManager.cull_interval=1")
    try:
        with sync_playwright() as p:
            browser = launch_browser(p)
            try:
                kept = open_app(browser, port, 1280, 720)
                first = wait_until(lambda: kernels(proc), 60, "the first tab's kernel")
                closed = open_app(browser, port, 1280, 720)
                both = wait_until(lambda: (lambda k: k if len(k) == 2 else None)(kernels(proc)), 60,
                                  "a second kernel for the second tab")
                closed.close()
                wait_until(lambda: kernels(proc) == first, 60, "the closed tab's kernel to be culled")
                assert len(both) == 2
                kept.wait_for_timeout(6_000)                    # longer than the idle timeout
                assert kernels(proc) == first, "the open tab's kernel was culled"
                before = kept.locator("img.widget-image").first.get_attribute("src")
                kept.locator(".widget-slider .noUi-handle[role=slider]").first.focus()
                kept.keyboard.press("ArrowRight")
                wait_until(lambda: kept.locator("img.widget-image").first.get_attribute("src") != before, 30,
                           "the open tab's dashboard to still respond")
            finally:
                browser.close()
    finally:
        stop_app(proc)


@pytest.mark.parametrize("lesson", sorted(set(MAIN_DASHBOARDS) - {LESSON}))
def test_every_main_dashboard_fits_a_1280x720_window(lesson, tmp_path):
    from playwright.sync_api import sync_playwright

    shots = Path(os.environ.get("LESSONLIB_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    proc, port = start_app(lesson)
    try:
        with sync_playwright() as p:
            browser = launch_browser(p)
            try:
                page = open_app(browser, port, 1280, 720)
                wait_until(lambda: page.evaluate(JS_SHARP), 60, "the picture drawn at its size")
                layout = page.evaluate(JS_LAYOUT)
                page.screenshot(path=str(shots / f"voila-{lesson}-1280x720@1.png"))
            finally:
                browser.close()
    finally:
        stop_app(proc)
    assert not layout["scrollX"] and not layout["scrollY"], layout
    assert layout["dashTop"] >= 0 and layout["dashBottom"] <= 720 and layout["dashRight"] <= 1280, layout
    assert layout["font"] >= 18 and layout["imgHeight"] >= 0.4 * 720, layout
    assert layout["alt"].startswith(layout["title"] + " at "), layout
