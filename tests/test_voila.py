"""Each lesson's main dashboard alone, as a Voilà web app: it renders and responds in Chromium.

Starts ``lessonlib app NN`` (which runs Voilà) on 127.0.0.1, opens the page in Debian's
Chromium with Playwright, waits for the slider and the plot, presses ArrowRight on the first
slider and waits for a new plot.  And stopping the app (SIGTERM, SIGINT to its process alone) stops
Voilà and its kernel, frees the port and removes the app's temporary folder.  Every wait is
bounded; nothing sleeps for a fixed time.
"""
import os
import signal
import socket
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path

import pytest

from lab_harness import (CHROMIUM, alive, cmdline, descendants, free_port, launch_browser, process_table, snapshot,
                         stat, terminate, track, track_pids, wait_until)
from lessonlib.dashboards import MAIN_DASHBOARDS

pytestmark = pytest.mark.browser

if not os.path.exists(CHROMIUM) and not os.environ.get("CI"):
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium); the Voilà test needs it", allow_module_level=True)


class VoilaApp:
    """``lessonlib app <lesson>`` on a free port; its log is kept for failure messages."""

    def __init__(self, lesson):
        self.port, self.log = free_port(), []
        cmd = [sys.executable, "-m", "lessonlib", "app", lesson, "--no-browser", f"--port={self.port}",
               "--Voila.ip=127.0.0.1", "--Voila.port_retries=0"]
        self.proc = track(subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                           start_new_session=True))
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self):
        for line in self.proc.stdout:
            self.log.append(line)

    def wait_running(self, timeout=60):
        wait_until(lambda: any(f"127.0.0.1:{self.port}/" in line for line in self.log)
                   or self.proc.poll() is not None, timeout, "Voilà to start")
        assert self.proc.poll() is None, "Voilà exited:\n" + "".join(self.log[-30:])

    def stop(self, timeout=40):
        """SIGTERM to the app, which stops Voilà and its kernels (≤ 20 s); if it does not exit in time,
        its process group, Voilà and the kernels (sessions of their own) get SIGTERM, then SIGKILL."""
        family = snapshot([self.proc.pid, *descendants(self.proc.pid)])
        track_pids(family)
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                terminate(family, groups={self.proc.pid})
                self.proc.wait(timeout=10)

    def log_tail(self, n=30):
        return "".join(self.log[-n:])


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch_browser(p)
        try:
            yield b
        finally:
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


def port_free(port):
    """A new server could listen on ``port`` (SO_REUSEADDR, as servers do: TIME_WAIT does not count)."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
            s.listen()
            return True
        except OSError:
            return False


def ps(pids):
    return "\n".join(f"{pid} pgid={s.pgid} sid={s.sid} {cmdline(pid)}" for pid in pids if (s := stat(pid)))


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_stopping_the_app_stops_voila_and_its_kernel(sig):
    app = VoilaApp("01")
    try:
        app.wait_running()
        with urllib.request.urlopen(f"http://127.0.0.1:{app.port}/", timeout=120) as resp:
            assert resp.status == 200       # Voilà has started a kernel and run the notebook in it
            resp.read()
        # the app's family: Voilà (the app's child) and its kernel (Voilà's child, in a session of its own)
        kernels = wait_until(lambda: [p for p in descendants(app.proc.pid) if "ipykernel" in cmdline(p)],
                             30, "Voilà's kernel")
        family = snapshot(descendants(app.proc.pid))
        assert set(kernels) <= set(family)
        notebook = next(a for p in family for a in cmdline(p).split() if a.endswith(".ipynb"))
        folder = Path(notebook).parent
        assert folder.name.startswith("lessonlib-app-") and folder.is_dir()
        before = ps(family)

        os.kill(app.proc.pid, sig)          # the app alone, not its process group
        try:
            wait_until(lambda: app.proc.poll() is not None, 30, f"the app to exit after {sig.name}")
        except TimeoutError:
            raise AssertionError(f"the app did not exit within 30 s of {sig.name}:\n{app.log_tail()}") from None
        assert app.proc.returncode == 128 + sig, app.log_tail()
        assert port_free(app.port), f"port {app.port} is still taken after the app exited"
        left = alive(family)
        assert not left, f"left running after {sig.name} to the app:\n{ps(left)}\n(before: {before})"
        by_path = [p for p in process_table() if str(folder) in cmdline(p)]
        assert not by_path, f"processes of {folder} still running:\n{ps(by_path)}"
        assert not folder.exists(), f"{folder} was not removed"
    finally:
        app.stop()
