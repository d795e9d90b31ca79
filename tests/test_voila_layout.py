"""A Voilà app fills the window: a human tab title, the figure as wide as the page, controls that scale
with the window and do not wrap at 1280 px (the race dashboard: four sliders, a dropdown, six checkboxes).
"""
import os
import subprocess
import sys
import threading

import pytest

from lab_harness import CHROMIUM, descendants, free_port, launch_browser, snapshot, terminate, track, track_pids, wait_until
from lessonlib.dashboards import MAIN_DASHBOARDS, TITLES
from lessonlib.tools.app import app_notebook

pytestmark = pytest.mark.browser

if not os.path.exists(CHROMIUM) and not os.environ.get("CI"):
    pytest.skip(f"{CHROMIUM} is missing", allow_module_level=True)

LESSON = "03"                       # the race: the widest row of controls


def test_the_app_notebook_carries_the_dashboards_human_title():
    for name in MAIN_DASHBOARDS.values():
        assert app_notebook(name).metadata["title"] == TITLES[name]


def start_app(lesson):
    port, log = free_port(), []
    cmd = [sys.executable, "-m", "lessonlib", "app", lesson, "--no-browser", f"--port={port}",
           "--Voila.ip=127.0.0.1", "--Voila.port_retries=0"]
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
    const img = document.querySelector('.lessonlib-dashboard img.widget-image');
    const boxes = Array.from(document.querySelectorAll('.lessonlib-dashboard .widget-checkbox'));
    const label = document.querySelector('.lessonlib-dashboard .widget-label');
    return {imgWidth: img.getBoundingClientRect().width, imgBottom: img.getBoundingClientRect().bottom,
            page: document.documentElement.clientWidth,
            checkboxRows: new Set(boxes.map(b => Math.round(b.getBoundingClientRect().top))).size,
            checkboxes: boxes.length, font: parseFloat(getComputedStyle(label).fontSize),
            scrollX: document.documentElement.scrollWidth > document.documentElement.clientWidth};
}"""


def test_the_app_fills_the_window_and_its_controls_scale():
    from playwright.sync_api import sync_playwright

    proc, port = start_app(LESSON)
    try:
        with sync_playwright() as p:
            browser = launch_browser(p)
            try:
                layouts = {}
                for width, height in [(1280, 720), (1920, 1080)]:
                    page = browser.new_page(viewport={"width": width, "height": height})
                    page.goto(f"http://127.0.0.1:{port}/", timeout=60_000)
                    page.locator(".lessonlib-dashboard img.widget-image").first.wait_for(state="visible",
                                                                                       timeout=120_000)
                    wait_until(lambda: page.evaluate("() => { const i = document.querySelector("
                                                     "'.lessonlib-dashboard img.widget-image'); "
                                                     "return i.complete && i.naturalWidth > 0; }"), 30, "the plot")
                    layouts[width] = page.evaluate(JS_LAYOUT)
                    assert page.title() == TITLES[MAIN_DASHBOARDS[LESSON]]
                    page.close()
            finally:
                browser.close()
    finally:
        stop_app(proc)
    small, large = layouts[1280], layouts[1920]
    for layout in (small, large):
        assert layout["checkboxes"] == 6 and layout["checkboxRows"] == 1, layout   # no wrapping
        assert not layout["scrollX"], layout
    assert large["imgWidth"] > 1100                  # no longer capped at 1100 px
    assert large["imgWidth"] >= 0.6 * large["page"] or large["imgBottom"] >= 0.75 * 1080, large
    assert large["font"] > small["font"] >= 13       # control text grows with the window
