"""Each lesson's main dashboard alone, as a Voilà web app: it renders and responds in Chromium.

Starts ``python -m lessonlib.app NN`` (which runs Voilà) on 127.0.0.1, opens the page in Debian's
Chromium with Playwright, waits for the slider and the plot, presses ArrowRight on the first
slider and waits for a new plot.  Every wait is bounded; nothing sleeps for a fixed time.
"""
import os
import subprocess
import sys
import threading

import pytest

from lab_harness import CHROMIUM, free_port, launch_browser, wait_until
from lessonlib.widgets import MAIN_DASHBOARDS

pytestmark = pytest.mark.browser

if not os.path.exists(CHROMIUM) and not os.environ.get("CI"):
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium); the Voilà test needs it", allow_module_level=True)


class VoilaApp:
    """``python -m lessonlib.app <lesson>`` on a free port; its log is kept for failure messages."""

    def __init__(self, lesson):
        self.port, self.log = free_port(), []
        cmd = [sys.executable, "-m", "lessonlib.app", lesson, "--no-browser", f"--port={self.port}",
               "--Voila.ip=127.0.0.1", "--Voila.port_retries=0"]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                     start_new_session=True)
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self):
        for line in self.proc.stdout:
            self.log.append(line)

    def wait_running(self, timeout=60):
        wait_until(lambda: any(f"127.0.0.1:{self.port}/" in line for line in self.log)
                   or self.proc.poll() is not None, timeout, "Voilà to start")
        assert self.proc.poll() is None, "Voilà exited:\n" + "".join(self.log[-30:])

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch_browser(p)
        yield b
        b.close()


@pytest.mark.parametrize("lesson", sorted(MAIN_DASHBOARDS))
def test_main_dashboard_renders_and_responds_in_voila(lesson, browser):
    app = VoilaApp(lesson)
    try:
        app.wait_running()
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"http://127.0.0.1:{app.port}/", timeout=60_000)
        handle = page.locator(".widget-slider .noUi-handle[role=slider]").first
        handle.wait_for(state="visible", timeout=90_000)
        img = page.locator(".widget-image").first
        img.wait_for(state="visible", timeout=30_000)
        wait_until(lambda: img.evaluate("i => i.complete && i.naturalWidth > 0"), 30, "the first plot")
        before = img.get_attribute("src")
        text = page.inner_text("body")
        assert "Error displaying widget" not in text and "Traceback" not in text
        handle.focus()
        page.keyboard.press("ArrowRight")
        wait_until(lambda: img.get_attribute("src") != before, 30, "the plot to change after a slider move")
        assert "Could not redraw" not in page.inner_text("body")
        page.close()
    finally:
        app.stop()
