"""A headless JupyterLab + Chromium harness for the end-to-end notebook test and the latency benchmark.

Not collected by pytest (no ``test_`` prefix); used by tests/test_browser.py and
benchmarks/browser_latency.py.

``LabServer`` copies the notebooks into a temporary working directory and starts
``sys.executable -m jupyter lab`` on 127.0.0.1 with no token, private config/data/runtime/settings/
workspace directories, news and update checks off, autosave off, ``windowingMode: "none"`` (every
cell stays in the DOM) and ``expose_app_in_browser`` (the test drives ``window.jupyterapp``).
``NotebookSession`` opens one notebook in its own workspace, checks its stored outputs, runs all
cells once the kernel is idle and connected, and exercises the dashboards' controls.

Every wait is on a condition and bounded; nothing sleeps for a fixed time.
"""
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from collections import namedtuple
from pathlib import Path

from notebook_checks import IGNORE_TAG, code_cells, read, tags

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

SETTINGS_OVERRIDES = {
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False,
                                                     "doNotDisturbMode": True},
    "@jupyterlab/docmanager-extension:plugin": {"autosave": False, "confirmClosingDocument": False},
    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none", "autoStartDefaultKernel": True},
    "@jupyterlab/extensionmanager-extension:plugin": {"enabled": False},
}
SERVER_CONFIG = {
    "ServerApp": {"ip": "127.0.0.1", "port_retries": 0, "open_browser": False, "allow_root": True,
                  "shutdown_no_activity_timeout": 1800},
    "IdentityProvider": {"token": ""},
    "PasswordIdentityProvider": {"hashed_password": "", "password_required": False},
    "LabApp": {"expose_app_in_browser": True, "news_url": None, "check_for_updates_class":
               "jupyterlab.handlers.announcements.NeverCheckForUpdate"},
}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(predicate, timeout, what, interval=0.05):
    """Poll ``predicate`` until it returns a truthy value (returned); TimeoutError naming ``what``."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


# ---- processes: what the tests start, and what is left of it -----------------------------------
# tests/conftest.py checks at the end of the session that nothing the tests started is still running:
# every descendant of pytest (pytest is a child subreaper, so orphans stay its descendants), every
# process in a process group / session recorded by track(), every process recorded by track_pids().
# Linux /proc only; elsewhere these helpers find nothing.
Stat = namedtuple("Stat", "state ppid pgid sid start")
TRACKED_GROUPS = set()   # process groups (= sessions) of the Popen started with start_new_session=True
TRACKED_PIDS = {}        # pid → start time (so that a re-used pid is not mistaken for it)


def stat(pid):
    """Stat(state, ppid, pgid, sid, start time) of a process, or None when there is no such process."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            text = f.read().decode(errors="replace")
    except OSError:
        return None
    fields = text[text.rindex(")") + 2:].split()        # the command name may hold spaces and ")"
    return Stat(fields[0], int(fields[1]), int(fields[2]), int(fields[3]), int(fields[19]))


def process_table():
    try:
        pids = [int(e) for e in os.listdir("/proc") if e.isdigit()]
    except OSError:
        return {}
    return {pid: s for pid in pids if (s := stat(pid)) is not None}


def cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return ""


def descendants(pid, table=None):
    """The pids of the live (non-zombie) descendants of ``pid``."""
    table = process_table() if table is None else table
    children = {}
    for p, s in table.items():
        children.setdefault(s.ppid, []).append(p)
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), ()):
            todo.append(child)
            if table[child].state != "Z":
                found.append(child)
    return found


def snapshot(pids):
    """{pid: start time} of those of ``pids`` that are alive."""
    return {pid: s.start for pid in pids if (s := stat(pid)) is not None and s.state != "Z"}


def alive(snap):
    """The pids of ``snap`` (a snapshot()) still alive: same pid and start time, not a zombie."""
    return [pid for pid, start in snap.items()
            if (s := stat(pid)) is not None and s.start == start and s.state != "Z"]


def track(proc):
    """Remember a Popen started with ``start_new_session=True``: its process group and session."""
    TRACKED_GROUPS.add(proc.pid)
    TRACKED_PIDS.update(snapshot([proc.pid]))
    return proc


def track_pids(pids):
    """Remember processes (e.g. a server's kernels, which run in sessions of their own)."""
    TRACKED_PIDS.update(snapshot(pids))


def become_subreaper():
    """Linux: orphaned descendants are re-parented to this process instead of init (True if it worked)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0) == 0    # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        return False


def reap_zombies():
    """Collect the exit status of our dead children (orphans re-parented to us as subreaper)."""
    me = os.getpid()
    for pid, s in process_table().items():
        if s.ppid == me and s.state == "Z":
            try:
                os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                pass


def leftovers():
    """{pid: start time} of the live processes the tests started: descendants of this process and
    members of the tracked process groups, sessions and pids."""
    me, table = os.getpid(), process_table()
    found = set(descendants(me, table))
    found |= {p for p, s in table.items() if s.state != "Z" and (s.pgid in TRACKED_GROUPS or s.sid in TRACKED_GROUPS)}
    found |= {p for p, start in TRACKED_PIDS.items()
              if p in table and table[p].start == start and table[p].state != "Z"}
    found.discard(me)
    return {p: table[p].start for p in found}


def terminate(snap, groups=(), timeout=5):
    """SIGTERM, then (after ``timeout`` s) SIGKILL, to the processes of ``snap`` (a snapshot()) and to
    their process groups and ``groups`` (never our own); the pids still alive after that."""
    own = os.getpgrp()
    for sig in (signal.SIGTERM, signal.SIGKILL):
        left = alive(snap)
        table = process_table()
        live_groups = ({table[p].pgid for p in left if p in table}
                       | {g for g in groups if any(s.pgid == g and s.state != "Z" for s in table.values())})
        if not left and not live_groups:
            return []
        for group in live_groups - {own}:
            try:
                os.killpg(group, sig)
            except (ProcessLookupError, PermissionError):
                pass
        for pid in left:
            try:
                os.kill(pid, sig)
            except (ProcessLookupError, PermissionError):
                pass
        try:
            wait_until(lambda: gone(snap), timeout, "processes to exit")
        except TimeoutError:
            pass
    return alive(snap)


def gone(snap):
    reap_zombies()
    return not alive(snap)


class LabServer:
    """JupyterLab in a temporary directory; use as a context manager."""

    def __init__(self, notebooks, base_dir, startup_timeout=90):
        self.base = Path(base_dir)
        self.work = self.base / "work"
        self.work.mkdir(parents=True, exist_ok=True)
        self.notebooks = []
        for nb in notebooks:
            shutil.copy(nb, self.work / Path(nb).name)
            self.notebooks.append(Path(nb).name)
        self.startup_timeout = startup_timeout
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc, self.log_lines = None, []

    def _write_config(self):
        dirs = {name: self.base / name for name in ("config", "data", "runtime", "ipython", "app-settings",
                                                    "user-settings", "workspaces")}
        for d in dirs.values():
            d.mkdir(exist_ok=True)
        (dirs["config"] / "jupyter_server_config.json").write_text(json.dumps(SERVER_CONFIG, indent=1))
        (dirs["app-settings"] / "overrides.json").write_text(json.dumps(SETTINGS_OVERRIDES, indent=1))
        env = dict(os.environ, JUPYTER_CONFIG_DIR=str(dirs["config"]), JUPYTER_DATA_DIR=str(dirs["data"]),
                   JUPYTER_RUNTIME_DIR=str(dirs["runtime"]), IPYTHONDIR=str(dirs["ipython"]),
                   JUPYTERLAB_SETTINGS_DIR=str(dirs["user-settings"]),
                   JUPYTERLAB_WORKSPACES_DIR=str(dirs["workspaces"]), PYTHONHASHSEED="0",
                   JUPYTER_PLATFORM_DIRS="1")
        env.pop("JUPYTER_TOKEN", None)
        args = [f"--ServerApp.port={self.port}", f"--ServerApp.root_dir={self.work}",
                f"--LabApp.app_settings_dir={dirs['app-settings']}",
                f"--LabApp.user_settings_dir={dirs['user-settings']}",
                f"--LabApp.workspaces_dir={dirs['workspaces']}"]
        return env, args

    def start(self):
        env, args = self._write_config()
        cmd = [sys.executable, "-m", "jupyter", "lab", "--no-browser", *args]
        self.log_path = self.base / "jupyterlab.log"
        self.proc = track(subprocess.Popen(cmd, cwd=self.work, env=env, stdout=subprocess.PIPE,
                                           stderr=subprocess.STDOUT, text=True, start_new_session=True))
        threading.Thread(target=self._pump, daemon=True).start()
        marker = f"127.0.0.1:{self.port}/"
        wait_until(lambda: self.proc.poll() is not None or any("is running at" in line for line in self.log_lines)
                   and any(marker in line for line in self.log_lines), self.startup_timeout, "JupyterLab to start")
        if self.proc.poll() is not None:
            raise RuntimeError("JupyterLab exited during start-up:\n" + self.log_tail())
        return self

    def _pump(self):
        with open(self.log_path, "w") as log:
            for line in self.proc.stdout:
                self.log_lines.append(line)
                log.write(line)
                log.flush()

    def log_tail(self, n=40):
        return "".join(self.log_lines[-n:])

    def get(self, path, timeout=10):
        with urllib.request.urlopen(self.url + path, timeout=timeout) as resp:
            return json.loads(resp.read().decode())

    def sessions(self):
        return self.get("/api/sessions")

    def stop(self, timeout=20):
        """SIGTERM: JupyterLab shuts its kernels down and exits.  Kernels run in sessions of their own
        (not in the server's process group), so they are found first; whatever is left of the server's
        group and of its kernels after ``timeout`` s gets SIGTERM, then SIGKILL."""
        if self.proc is None:
            return
        family = snapshot([self.proc.pid, *descendants(self.proc.pid)])
        track_pids(family)
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                pass
        terminate(family, groups={self.proc.pid})
        self.proc.wait(timeout=10)

    def __enter__(self):
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc):
        self.stop()


def launch_browser(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


# ---- JavaScript run inside the page ----------------------------------------------------------
JS_CELL_STATE = """(panelSel) => {
  const panel = document.querySelector(panelSel);
  if (!panel) return null;
  return [...panel.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')].map(p => p.textContent.trim());
}"""

JS_ERRORS = """(panelSel) => {
  const panel = document.querySelector(panelSel);
  const found = [];
  panel.querySelectorAll('.jp-Cell').forEach((cell, i) => {
    cell.querySelectorAll('.jp-OutputArea-output').forEach(out => {
      const mime = out.getAttribute('data-mime-type') || '';
      const text = (out.innerText || '').trim();
      if (mime.includes('stderr')) found.push(`cell ${i}: stderr/error output: ${text.slice(0, 300)}`);
      const bad =
        /Error displaying widget|Traceback \\(most recent call last\\)|Could not redraw|\\b[A-Z]\\w*Warning\\b/;
      if (bad.test(text)) found.push(`cell ${i}: ${text.slice(0, 300)}`);
    });
  });
  return found;
}"""

# Track one dashboard image: every src change and every new image shown (loaded, then painted) is
# timestamped with performance.now(), and so is every key press anywhere in the page.
JS_TRACK = """(img) => {
  if (!img.__track) {
    const tr = img.__track = {changes: [], loads: []};
    new MutationObserver(() => tr.changes.push({t: performance.now(), src: img.src}))
      .observe(img, {attributes: true, attributeFilter: ['src']});
    // "shown": the frame after the new image loaded has been painted (two animation frames later)
    img.addEventListener('load', () => {
      const src = img.src;
      requestAnimationFrame(() => requestAnimationFrame(() => tr.loads.push({t: performance.now(), src})));
    });
  }
  if (!window.__keys) {
    window.__keys = [];
    document.addEventListener('keydown', e => window.__keys.push({t: performance.now(), key: e.key}), true);
  }
  return true;
}"""

# The image shows a decoded picture and has not changed for `quiet` ms (no update in flight).
JS_SETTLED = """([img, quiet]) => {
  const ch = img.__track.changes;
  return img.complete && img.naturalWidth > 0 && (!ch.length || performance.now() - ch[ch.length - 1].t > quiet);
}"""

# After key press number `k0`: ms until the first new image (src differs from `before`) was shown.
JS_SHOWN_AFTER_KEY = """([img, before, k0]) => {
  const key = window.__keys[k0];
  if (!key) return null;
  const load = img.__track.loads.find(l => l.t >= key.t && l.src !== before);
  return load && img.src === load.src ? load.t - key.t : null;
}"""


class NotebookSession:
    """One notebook opened in its own JupyterLab workspace in a fresh page."""

    def __init__(self, server, browser, name, timeout=60):
        self.server, self.name, self.timeout = server, name, timeout
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000})
        self.page = self.context.new_page()
        self.page.set_default_timeout(timeout * 1000)
        self.console_errors = []
        self.page.on("pageerror", lambda err: self.console_errors.append(str(err)))
        self.page.on("console", lambda msg: msg.type == "error" and msg.text.startswith("command ")
                     and self.console_errors.append(msg.text))
        self.nb = read(Path(server.work) / name)
        self.code_index = [i for i, _ in code_cells(self.nb)]
        self.dashboards = [i for i, c in code_cells(self.nb) if IGNORE_TAG in tags(c)]
        self.panel = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook"

    # -- opening and running ----------------------------------------------------------------
    def open(self):
        workspace = f"t{uuid.uuid4().hex[:10]}"
        self.page.goto(f"{self.server.url}/lab/workspaces/{workspace}/tree/{self.name}?reset",
                       wait_until="domcontentloaded")
        self.page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell", timeout=self.timeout * 1000)
        n_cells = len(self.nb.cells)
        self.page.wait_for_function(   # windowingMode "none": every cell is in the DOM
            "([sel, n]) => { const p = document.querySelector(sel); "
            "return p && p.querySelectorAll('.jp-Cell').length === n; }",
            arg=[self.panel, n_cells], timeout=self.timeout * 1000)
        self.wait_kernel_ready()
        return self

    def session(self):
        for s in self.server.sessions():
            if s.get("path", "").endswith(self.name) or s.get("notebook", {}).get("path", "").endswith(self.name):
                return s
        return None

    def wait_kernel_ready(self):
        """The server sees the notebook's kernel idle with a websocket connected, and the page agrees."""
        def ready():
            s = self.session()
            k = s and s.get("kernel") or {}
            return k.get("execution_state") == "idle" and k.get("connections", 0) >= 1
        wait_until(ready, self.timeout, f"the kernel of {self.name} to be idle and connected", interval=0.1)
        self.page.wait_for_function(
            """() => { const w = window.jupyterapp.shell.currentWidget;
                       const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
                       return k && k.connectionStatus === 'connected' && k.status === 'idle'; }""",
            timeout=self.timeout * 1000)

    def prompts(self):
        return self.page.evaluate(JS_CELL_STATE, self.panel) or []

    def command(self, name):
        """Start a JupyterLab command without awaiting it (Run All's promise lasts as long as the run)."""
        self.page.evaluate("""(name) => { window.jupyterapp.commands.execute(name).catch(
                                  e => console.error(`command ${name} failed: ${e}`)); }""", name)

    def run_all(self, attempts=3, start_timeout=15):
        """Clear outputs, run all cells and wait until every code cell shows its execution count."""
        self.command("notebook:clear-all-cell-outputs")
        wait_until(lambda: all(p in ("[ ]:", "[ ]") for p in self.prompts()), 10, "outputs to clear")
        started = time.monotonic()
        for attempt in range(attempts):
            self.command("notebook:run-all-cells")
            try:       # "[*]" or a count proves the run reached the kernel (a fresh workspace can drop it)
                wait_until(lambda: any(p.startswith("[*") or p[1:2].isdigit() for p in self.prompts()),
                           start_timeout, "Run All to start")
                break
            except TimeoutError:
                if attempt == attempts - 1:
                    raise
                self.wait_kernel_ready()
        # Run All marks every cell [*] at once; a cell that fails resets the rest to [ ]
        wait_until(lambda: (lambda ps: ps and not any(p.startswith("[*") for p in ps))(self.prompts()),
                   self.timeout * 3, f"Run All of {self.name} to finish", interval=0.1)
        self.wait_idle()
        return time.monotonic() - started

    def unexecuted_cells(self):
        """Indices of code cells without an execution count (after Run All: those after a failure)."""
        return [i for i, p in zip(self.code_index, self.prompts()) if not p[1:2].isdigit()]

    def wait_idle(self):
        wait_until(lambda: (self.session() or {}).get("kernel", {}).get("execution_state") == "idle",
                   self.timeout, "the kernel to be idle", interval=0.05)

    # -- checks ----------------------------------------------------------------------------
    def errors(self):
        return self.page.evaluate(JS_ERRORS, self.panel) + [f"page error: {e}" for e in self.console_errors]

    def log_console_count(self):
        """Messages JupyterLab routed to the log console: kernel output that belongs to no cell, e.g. a
        print, warning or traceback from a widget callback.  The status bar shows their number."""
        texts = self.page.locator(".jp-LogConsoleStatusItem").all_inner_texts()
        return sum(int(t.strip()) for t in texts if t.strip().isdigit())

    def log_console_text(self):
        """Open the log console (which resets the status bar count) and return its text."""
        self.command("logconsole:open")
        panel = self.page.locator(".jp-LogConsolePanel").first
        try:
            wait_until(lambda: panel.inner_text().strip(), 10, "the log console to show its messages")
        except TimeoutError:
            return "(the log console stayed empty)"
        return " | ".join(line for line in panel.inner_text().splitlines() if line.strip())[:2000]

    def problems(self, where):
        """Error outputs, widget errors, warnings, page errors and log-console messages, labelled."""
        found = [f"{where}: {e}" for e in self.errors()]
        self.console_errors.clear()
        n = self.log_console_count()
        if n:
            found.append(f"{where}: {n} message(s) in the log console (output from a widget callback): "
                         f"{self.log_console_text()}")
        return found

    def cell(self, index):
        return self.page.locator(self.panel).locator(".jp-Cell").nth(index)

    def snapshot_images(self):
        """For each dashboard, whether the next code cell's stored output shows an <img>."""
        result = {}
        for d in self.dashboards:
            nxt = self.code_index[self.code_index.index(d) + 1] if d != self.code_index[-1] else None
            result[d] = nxt is not None and self.cell(nxt).locator(".jp-OutputArea-output img").count() > 0
        return result

    def dashboard(self, index):
        return Dashboard(self, index)

    def close(self):
        try:
            s = self.session()
            if s:   # shut the kernel down so the next notebook has both cores
                xsrf = next((c["value"] for c in self.context.cookies() if c["name"] == "_xsrf"), "")
                self.context.request.delete(f"{self.server.url}/api/sessions/{s['id']}",
                                            headers={"X-XSRFToken": xsrf}, timeout=20000)
        finally:
            self.context.close()


class Dashboard:
    """The rendered dashboard of one cell: its image, sliders, dropdowns and checkboxes."""

    def __init__(self, nbs, cell_index, timeout=20, quiet_ms=150):
        self.nbs, self.page, self.index, self.timeout, self.quiet_ms = nbs, nbs.page, cell_index, timeout, quiet_ms
        self.out = nbs.cell(cell_index).locator(".jp-OutputArea-output:has(.jupyter-widgets)").first
        self.out.locator(".jupyter-widgets").first.wait_for(state="visible")
        self.img = self.out.locator("img").first
        self.img.wait_for(state="attached")
        self.handle = self.img.element_handle()
        self.img.scroll_into_view_if_needed()
        self.page.evaluate(JS_TRACK, self.handle)
        self.wait_loaded()
        self.steps = {}                       # slider → aria value change per ArrowRight

    # -- state ---------------------------------------------------------------------------
    def wait_loaded(self, before=None):
        """Until the image shows a decoded picture (a different one than ``before`` when given)."""
        self.page.wait_for_function(
            "([img, before]) => img.src && img.src !== before && img.complete && img.naturalWidth > 0",
            arg=[self.handle, before], timeout=self.timeout * 1000)

    def settle(self):
        """Until no update is in flight: kernel idle, image unchanged for quiet_ms, kernel still idle."""
        self.nbs.wait_idle()
        self.page.wait_for_function(JS_SETTLED, arg=[self.handle, self.quiet_ms], timeout=self.timeout * 1000)
        self.nbs.wait_idle()

    def src(self):
        return self.img.get_attribute("src")

    def message(self):
        return " ".join(t.strip() for t in self.out.locator(".widget-html-content").all_inner_texts()).strip()

    def sliders(self):
        return self.out.locator(".widget-slider .noUi-handle[role=slider]")

    def label(self, kind, k):
        box = self.out.locator(kind).nth(k)
        labels = box.locator(".widget-label, label").all_inner_texts()
        return next((t.strip() for t in labels if t.strip()), f"{kind.strip('.')} {k}")

    def now(self, k):
        """The handle's position (aria-valuetext: aria-valuenow is rounded to one decimal)."""
        h = self.sliders().nth(k)
        try:
            return float(h.get_attribute("aria-valuetext"))
        except (TypeError, ValueError):
            return float(h.get_attribute("aria-valuenow"))

    def bounds(self, k):
        h = self.sliders().nth(k)
        return float(h.get_attribute("aria-valuemin")), float(h.get_attribute("aria-valuemax"))

    def readout(self, k):
        return self.out.locator(".widget-slider").nth(k).locator(".widget-readout").inner_text().strip()

    def dropdowns(self):
        return self.out.locator(".widget-dropdown select")

    def checkboxes(self):
        return self.out.locator(".widget-checkbox input[type=checkbox]")

    # -- moving controls -------------------------------------------------------------------
    def press(self, k, key):
        """Focus slider k and press ``key``; wait for the new image; the latency in ms (key down → new image
        loaded and painted), or None when the handle did not move (it was at that end of its range)."""
        self.settle()
        before, was, shown = self.src(), self.now(k), self.readout(k)
        k0 = self.page.evaluate("() => window.__keys.length")
        self.sliders().nth(k).focus()
        self.page.keyboard.press(key)
        if self.now(k) == was:             # already at that end of the range: nothing to redraw
            return None
        try:
            latency = self.page.wait_for_function(JS_SHOWN_AFTER_KEY, arg=[self.handle, before, k0],
                                                  timeout=self.timeout * 1000).json_value()
        except Exception:
            raise AssertionError(f"value {shown} → {self.readout(k)}: the image did not change within "
                                 f"{self.timeout} s") from None
        if key in ("ArrowRight", "ArrowLeft"):
            self.steps[k] = abs(self.now(k) - was)
        return latency

    def jump(self, k, key):
        """Press Home or End on slider k; wait for the redraw when the value moves."""
        before, was = self.src(), self.now(k)
        self.sliders().nth(k).focus()
        self.page.keyboard.press(key)
        if self.now(k) != was:
            self.wait_loaded(before)
        self.settle()

    def move_to(self, k, target, max_presses=400):
        """Bring slider k back to aria-valuenow ``target`` with PageUp/PageDown (5 steps) and arrows."""
        step = self.steps.get(k)
        if not step:
            raise AssertionError(f"slider {k}: step unknown (move it with an arrow key first)")
        before = self.src()
        self.sliders().nth(k).focus()
        for _ in range(max_presses):
            diff = (target - self.now(k)) / step
            if abs(diff) < 0.5:
                break
            up = diff > 0
            key = ("PageUp" if up else "PageDown") if abs(diff) >= 5 else ("ArrowRight" if up else "ArrowLeft")
            self.page.keyboard.press(key)
        else:
            raise AssertionError(f"slider {k} did not reach {target} in {max_presses} key presses")
        self.wait_loaded(before)
        self.settle()

    def select(self, k, option_index):
        """Choose option ``option_index`` of dropdown k; wait for the redraw when the value changes."""
        select = self.dropdowns().nth(k)
        before, current = self.src(), select.evaluate("s => s.selectedIndex")
        select.select_option(index=option_index)
        if option_index != current:
            self.wait_loaded(before)
        self.settle()

    def toggle(self, k):
        before = self.src()
        self.checkboxes().nth(k).click()
        self.wait_loaded(before)
        self.settle()


class NotebookReport:
    def __init__(self, name):
        self.name, self.problems, self.latencies, self.timings, self.controls = name, [], [], {}, 0

    def summary(self):
        t = ", ".join(f"{k} {v:.1f} s" for k, v in self.timings.items())
        return f"{self.name}: {summarize(self.latencies)}; {self.controls} controls; {t}"


def guarded(report, where, action):
    """Run ``action``; a timeout or assertion becomes a reported problem instead of an abort."""
    try:
        action()
        return True
    except Exception as err:  # playwright TimeoutError, AssertionError, TimeoutError
        first = (str(err).strip().splitlines() or ["(no message)"])[0]
        report.problems.append(f"{where}: {type(err).__name__}: {first[:300]}")
        return False


def exercise_notebook(server, browser, name, presses=3, extremes=True, timeout=60):
    """Open ``name``: check its stored snapshots, run all cells, move every control; a NotebookReport."""
    report = NotebookReport(name)
    t0 = time.monotonic()
    nbs = NotebookSession(server, browser, name, timeout=timeout)
    try:
        nbs.open()
        report.timings["open"] = time.monotonic() - t0
        # the stored notebook, as GitHub/nbviewer readers see it: a static figure per dashboard
        for cell, shown in nbs.snapshot_images().items():
            if not shown:
                report.problems.append(f"stored view, dashboard cell {cell}: the next cell shows no image")
        report.problems += [p for p in nbs.problems("stored view") if "stderr" in p or "Traceback" in p]
        stored_problems = len(report.problems)
        report.timings["run all"] = nbs.run_all()
        report.problems += nbs.problems("after Run All")
        skipped = nbs.unexecuted_cells()
        if skipped:
            report.problems.append(f"Run All stopped: cells {skipped} did not run")
        if len(report.problems) > stored_problems:      # the run failed: its dashboards are not trustworthy
            return report
        t2 = time.monotonic()
        for cell in nbs.dashboards:
            exercise_dashboard(nbs, cell, report, presses, extremes)
        report.timings["controls"] = time.monotonic() - t2
        report.timings["total"] = time.monotonic() - t0
    finally:
        nbs.close()
    return report


def exercise_dashboard(nbs, cell, report, presses, extremes):
    where = f"dashboard cell {cell}"
    dash = None

    def build():
        nonlocal dash
        dash = nbs.dashboard(cell)
    if not guarded(report, f"{where}: rendering", build):
        return
    if dash.sliders().count() + dash.dropdowns().count() + dash.checkboxes().count() == 0:
        report.problems.append(f"{where}: no slider, dropdown or checkbox rendered")
    # every slider moved by the keyboard changes the plot; latencies are measured here
    broken = set()
    for k in range(dash.sliders().count()):
        label = dash.label(".widget-slider", k)
        report.controls += 1

        def round_trip():          # up to `presses` steps one way (right, or left at the top), then back
            for fwd, back in (("ArrowRight", "ArrowLeft"), ("ArrowLeft", "ArrowRight")):
                moved = 0
                for _ in range(presses):
                    latency = dash.press(k, fwd)
                    if latency is None:
                        break
                    report.latencies.append(latency)
                    moved += 1
                for _ in range(moved):
                    latency = dash.press(k, back)
                    assert latency is not None, f"{back} did not move the handle back"
                    report.latencies.append(latency)
                if moved:
                    return
            raise AssertionError("the handle moves neither right nor left")
        if not guarded(report, f"{where}, slider {label!r}: an arrow key did not change the plot", round_trip):
            broken.add(k)
        report.problems += nbs.problems(f"{where}, slider {label!r} after arrow keys")
    for k in range(dash.dropdowns().count()):
        report.controls += 1
        label = dash.label(".widget-dropdown", k)
        current = dash.dropdowns().nth(k).evaluate("s => s.selectedIndex")
        n = dash.dropdowns().nth(k).locator("option").count()
        for index in dict.fromkeys([0, n - 1, current]):          # each end, then back
            guarded(report, f"{where}, dropdown {label!r} option {index}", lambda: dash.select(k, index))
            report.problems += nbs.problems(f"{where}, dropdown {label!r} option {index}")
    for k in range(dash.checkboxes().count()):
        report.controls += 1
        label = dash.label(".widget-checkbox", k)
        for flip in ("off/on", "back"):
            guarded(report, f"{where}, checkbox {label!r} ({flip})", lambda: dash.toggle(k))
            report.problems += nbs.problems(f"{where}, checkbox {label!r}")
    if not extremes:
        return
    # each slider to each end of its range and back: the dashboard keeps working
    for k in range(dash.sliders().count()):
        if k in broken:
            continue
        label = dash.label(".widget-slider", k)
        start = dash.now(k)
        for key in ("End", "Home"):
            guarded(report, f"{where}, slider {label!r} {key}", lambda: dash.jump(k, key))
            report.problems += nbs.problems(f"{where}, slider {label!r} at {key} ({dash.readout(k)})")
            if "Could not redraw" in dash.message():
                report.problems.append(f"{where}, slider {label!r} at {key}: {dash.message()}")
        guarded(report, f"{where}, slider {label!r} back to its start", lambda: dash.move_to(k, start))
        report.problems += nbs.problems(f"{where}, slider {label!r} back at {dash.readout(k)}")
        # still alive after the round trip: one more arrow key redraws
        def still_redraws():
            assert dash.press(k, "ArrowRight") is not None or dash.press(k, "ArrowLeft") is not None
        guarded(report, f"{where}, slider {label!r}: no redraw after the round trip", still_redraws)


def summarize(latencies_ms):
    if not latencies_ms:
        return "no slider moves"
    return (f"median {statistics.median(latencies_ms):.0f} ms, max {max(latencies_ms):.0f} ms "
            f"over {len(latencies_ms)} slider moves")


# ---- frames: when each new picture arrives, is decoded and shown, and what it shows -----------------------
# For benchmarks/browser_latency.py.  Every src change of a dashboard's <img> is a frame from the kernel: its
# arrival is timed, its bytes are read back for the slider positions the kernel tagged it with
# (machinery.frame_note), its decode is the <img>'s load event; JS_TRACK times when it is painted.
FRAME_TAG = "lessonlib-frame "
JS_FRAMES = """([img, tag]) => {
  if (!img.__frames) {
    const fr = img.__frames = {arrived: [], decoded: []};
    new MutationObserver(() => {
      const rec = {t: performance.now(), src: img.src, sliders: null, bytes: null};
      fr.arrived.push(rec);
      fetch(rec.src).then(r => r.arrayBuffer()).then(buf => {
        rec.bytes = buf.byteLength;
        const head = new TextDecoder('latin1').decode(new Uint8Array(buf, 0, Math.min(buf.byteLength, 2048)));
        const i = head.indexOf(tag);
        if (i >= 0) rec.sliders = JSON.parse(head.slice(i + tag.length, head.indexOf('}', i) + 1)).sliders;
      }).catch(() => {});
    }).observe(img, {attributes: true, attributeFilter: ['src']});
    img.addEventListener('load', () => fr.decoded.push({t: performance.now(), src: img.src}));
  }
  if (!window.__keylog) {          // each key press: when it went down, and the focused handle's position after it
    window.__keylog = [];
    document.addEventListener('keydown', e => window.__keylog.push({t: performance.now(), key: e.key, pos: null}), true);
    document.addEventListener('keyup', e => {
      const last = window.__keylog[window.__keylog.length - 1], a = document.activeElement;
      if (last && last.pos === null && a) last.pos = a.getAttribute('aria-valuetext') || a.getAttribute('aria-valuenow');
    }, true);
  }
  return true;
}"""
JS_FRAME_LOG = """(img) => ({arrived: img.__frames.arrived, decoded: img.__frames.decoded, shown: img.__track.loads,
                             keys: window.__keylog})"""

# keys: [(t, position after it)]; frames: [(arrived, decoded, shown, slider positions, bytes)]; times in ms
# (performance.now); start: the slider's position before the first key
FrameLog = namedtuple("FrameLog", "keys frames start", defaults=(None,))


def track_frames(dash):
    """Start timing ``dash``'s frames (idempotent); call before the presses to be measured."""
    dash.page.evaluate(JS_FRAMES, [dash.handle, FRAME_TAG])


def frame_log(dash, since_key=0, since_frame=0, start=None):
    """The key presses and frames seen since the given counts (see ``track_frames``)."""
    log = dash.page.evaluate(JS_FRAME_LOG, dash.handle)
    decoded = {d["src"]: d["t"] for d in log["decoded"]}
    shown = {s["src"]: s["t"] for s in log["shown"]}
    frames = [(f["t"], decoded.get(f["src"]), shown.get(f["src"]), f["sliders"], f["bytes"])
              for f in log["arrived"][since_frame:]]
    keys = [(k["t"], float(k["pos"]) if k["pos"] not in (None, "") else None) for k in log["keys"][since_key:]]
    return FrameLog(keys, frames, start)


def frame_counts(dash):
    """(key presses, frames) logged so far: the ``since`` marks for ``frame_log``."""
    return tuple(dash.page.evaluate("(img) => [window.__keylog.length, img.__frames.arrived.length]", dash.handle))


# `n` key presses on a slider handle, one every `interval` ms, turning back at either end; resolves when done.
# Dispatched in the page (a timer, not one browser round trip per key), so the rate holds on a busy machine.
JS_DRAG = """([handle, n, interval]) => new Promise(resolve => {
  const at = name => parseFloat(handle.getAttribute(name));
  let key = at('aria-valuenow') >= at('aria-valuemax') ? 'ArrowLeft' : 'ArrowRight', i = 0;
  handle.focus();
  const timer = setInterval(() => {
    const now = at('aria-valuenow');
    if (now >= at('aria-valuemax')) key = 'ArrowLeft'; else if (now <= at('aria-valuemin')) key = 'ArrowRight';
    for (const type of ['keydown', 'keyup'])
      handle.dispatchEvent(new KeyboardEvent(type, {key, code: key, bubbles: true, cancelable: true}));
    if (++i >= n) { clearInterval(timer); resolve(i); }
  }, interval);
})"""
# The last frame has been read back and painted.
JS_FRAMES_DONE = """(img) => {
  const fr = img.__frames, last = fr.arrived[fr.arrived.length - 1];
  return !last || (last.bytes !== null && img.__track.loads.some(l => l.src === last.src));
}"""


def drag(dash, k, rate=20.0, seconds=3.0):
    """Hold slider k moving: ``rate`` arrow-key presses a second for ``seconds``, turning back at either end,
    without waiting for the picture; then wait until it settles.  The FrameLog of the drag."""
    dash.settle()
    track_frames(dash)
    since, start = frame_counts(dash), dash.now(k)
    handle = dash.sliders().nth(k).element_handle()
    dash.page.evaluate(JS_DRAG, [handle, int(rate * seconds), 1000 / rate])
    deadline, seen = time.monotonic() + dash.timeout, None
    while seen != frame_counts(dash)[1]:       # the front end sends the last value once the kernel is idle: wait
        seen = frame_counts(dash)[1]           # until no frame has come for a second after settling
        dash.settle()
        dash.page.wait_for_function(JS_FRAMES_DONE, arg=dash.handle, timeout=dash.timeout * 1000)
        time.sleep(1.0)
        if time.monotonic() > deadline:
            raise TimeoutError(f"slider {k}: frames still arriving {dash.timeout} s after the drag")
    return frame_log(dash, *since, start=start)
