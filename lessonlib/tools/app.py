"""Show one lesson's dashboard alone, as a web app with Voilà (for a projector, or without code).

    lessonlib app 01                 # the main dashboard of lesson 01
    lessonlib app --list             # every dashboard, by name
    lessonlib app l2_regularization --port 8866 --no-browser

Everything after the name is passed to ``voila``.  The app is a one-cell notebook written to a
temporary folder (with the kernels' connection files): nothing in the repository is touched.  The
dashboard fills the window (``APP_CLASS``: it fits the window's height, its controls' text grows with
the window, 18 px at 1280 px wide) and its picture is drawn at the size and pixel ratio it is shown at.

Each browser tab has a kernel of its own; the kernel of a tab that was closed is stopped after
``CULL_IDLE_S`` seconds (jupyter-server's culling of idle kernels with no connection; a kernel whose tab
is open is never culled).  Pass ``--MappingKernelManager.cull_idle_timeout=N`` to change it.

Stopping the app (Ctrl-C, SIGTERM, SIGHUP) stops Voilà and every kernel it started, then removes
the temporary folder; the exit code is then 128 + the signal number (130 for Ctrl-C).  When Voilà
exits by itself, its kernels are stopped too and the app exits with Voilà's code.
"""
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import namedtuple
from contextlib import contextmanager
from pathlib import Path

__all__ = ["app_notebook", "resolve", "write_app", "serve", "stop_voila", "process_table", "descendants", "main"]

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
CULL_IDLE_S, CULL_INTERVAL_S = 120, 30       # a closed tab's kernel is stopped 2 to 2.5 minutes later
CULLING = [f"--MappingKernelManager.cull_idle_timeout={CULL_IDLE_S}",
           f"--MappingKernelManager.cull_interval={CULL_INTERVAL_S}",
           "--MappingKernelManager.cull_connected=False"]
GRACE_S = 10.0       # Voilà's own shutdown (it shuts its kernels down on SIGTERM) …
KILL_AFTER_S = 5.0   # … then SIGTERM to whatever is left, then SIGKILL, each waited for this long


def app_notebook(name):
    """A notebook (nbformat node) whose only output is the dashboard ``name``."""
    import nbformat

    code = ("from lessonlib import plots\nfrom lessonlib.dashboards import DASHBOARDS\n"
            "from lessonlib.dashboards.machinery import APP_CLASS\n"
            "plots.use_presentation_style()\n"
            f"dashboard = DASHBOARDS[{name!r}]()\n"
            "dashboard.widget.add_class(APP_CLASS)     # fill the window\n"
            "dashboard")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(code)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["title"] = dashboard_title(name)       # the browser tab's title (Voilà's <title>)
    return nb


def dashboard_title(name):
    """The human title of a dashboard (``lessonlib.dashboards.TITLES``), for the browser tab."""
    from lessonlib.dashboards import TITLES

    return TITLES.get(name, name.replace("_", " "))


def resolve(name):
    """A lesson number ("01" or "1") → its main dashboard; a dashboard name → itself."""
    from lessonlib.dashboards import DASHBOARDS, MAIN_DASHBOARDS

    key = name.zfill(2) if name.isdigit() else name
    key = MAIN_DASHBOARDS.get(key, key)
    if key not in DASHBOARDS:
        raise ValueError(f"unknown dashboard {name!r}; choose a lesson number {sorted(MAIN_DASHBOARDS)} "
                         f"or a name from {sorted(DASHBOARDS)}")
    return key


def write_app(name, folder):
    import nbformat

    path = Path(folder) / f"{name}.ipynb"
    nbformat.write(app_notebook(name), path)
    return path


# ---- processes -------------------------------------------------------------------------------
Proc = namedtuple("Proc", "state ppid pgid sid")


def process_table():
    """pid → Proc(state, ppid, pgid, sid) for every process in /proc ({} where there is no /proc)."""
    table = {}
    try:
        entries = os.listdir("/proc")
    except OSError:
        return table
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                stat = f.read().decode(errors="replace")
        except OSError:          # exited meanwhile
            continue
        fields = stat[stat.rindex(")") + 2:].split()   # the command name may hold spaces and ")"
        table[int(entry)] = Proc(fields[0], int(fields[1]), int(fields[2]), int(fields[3]))
    return table


def descendants(pid, table=None):
    """The pids of every live (non-zombie) descendant of ``pid``."""
    table = process_table() if table is None else table
    children = {}
    for p, info in table.items():
        children.setdefault(info.ppid, []).append(p)
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), ()):
            todo.append(child)
            if table[child].state != "Z":
                found.append(child)
    return found


def _set_subreaper(on):
    """Linux: while on, orphans among our descendants (a kernel whose Voilà died) are re-parented to
    us, not to init, so that we still find them.  True when it worked."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).prctl(36, int(on), 0, 0, 0) == 0    # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        return False


def _reap(pids, proc):
    """Collect the exit status of our dead children (orphans re-parented to us); Popen reaps Voilà."""
    proc.poll()
    for pid in pids:
        if pid != proc.pid:
            try:
                os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                pass


def stop_voila(proc, grace=GRACE_S, kill_after=KILL_AFTER_S):
    """Stop Voilà (``proc``, started in its own session) and every kernel it started.

    Kernels run in sessions of their own (jupyter_client starts them with ``start_new_session``), not
    in Voilà's process group, so they are found first, as our descendants.  Voilà gets SIGTERM (it
    then shuts its kernels down itself) and ``grace`` seconds; then whatever is left of that family,
    by process group, gets SIGTERM, and after ``kill_after`` seconds SIGKILL.  Every wait is bounded.
    """
    me, own_group = os.getpid(), os.getpgrp()
    family = set(descendants(me)) | {proc.pid}

    def alive():
        _reap(family, proc)
        table = process_table()
        family.update(descendants(me, table))      # kernels started (or orphaned) meanwhile
        left = {p for p in family if p in table and table[p].state != "Z"}
        if proc.poll() is None:
            left.add(proc.pid)
        return left, table

    def wait(timeout):
        deadline = time.monotonic() + timeout
        while alive()[0] and time.monotonic() < deadline:
            time.sleep(0.05)
        return not alive()[0]

    try:
        if proc.poll() is None:
            _signal_group(proc.pid, signal.SIGTERM)
            deadline = time.monotonic() + grace
            while proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.05)
        for sig in (signal.SIGTERM, signal.SIGKILL):
            left, table = alive()
            if not left:
                return True
            for group in {table[p].pgid for p in left if p in table} - {own_group}:
                _signal_group(group, sig)
            for pid in left:
                _signal(pid, sig)
            if wait(kill_after):
                return True
        return False
    finally:
        _reap(family, proc)      # no zombie left behind


def _signal_group(pgid, sig):
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _signal(pid, sig):
    try:
        os.kill(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


@contextmanager
def _stop_signals_blocked():
    """Block SIGTERM, SIGINT, SIGHUP (and SIGCHLD) so that they are taken with ``sigtimedwait``, at a
    moment we choose: none can interrupt the start of Voilà or the clean-up.  Yields the blocked set
    (empty outside the main thread, where signals cannot be handled)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "sigtimedwait"):
        yield set()
        return
    blocked = {*STOP_SIGNALS, signal.SIGCHLD}
    old = signal.pthread_sigmask(signal.SIG_BLOCK, blocked)
    try:
        yield blocked
    finally:
        while signal.sigtimedwait(STOP_SIGNALS, 0) is not None:    # a second Ctrl-C during the clean-up
            pass
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _say(message):
    try:                    # stderr may be a closed pipe by now: that must not stop the clean-up
        print(f"lessonlib.app: {message}", file=sys.stderr, flush=True)
    except (OSError, ValueError):
        pass


def serve(path, voila_args=(), blocked=frozenset()):
    """Run Voilà on ``path`` until it exits or a stop signal comes; stop it and its kernels; the exit code."""
    unblock = (lambda: signal.pthread_sigmask(signal.SIG_UNBLOCK, blocked)) if blocked else None
    subreaper = _set_subreaper(True)
    # the kernels' connection files go to the app's folder too: removed even if Voilà cannot remove them
    given = {arg.split("=", 1)[0] for arg in voila_args}
    culling = [arg for arg in CULLING if arg.split("=", 1)[0] not in given]        # the user's choice wins
    cmd = [sys.executable, "-m", "voila", str(path), f"--Voila.connection_dir_root={Path(path).parent}", *culling,
           *voila_args]
    proc = subprocess.Popen(cmd, start_new_session=True, preexec_fn=unblock)
    signum = None
    try:
        while proc.poll() is None:
            if blocked:
                info = signal.sigtimedwait(blocked, 1.0)
                if info is not None and info.si_signo in STOP_SIGNALS:
                    signum = info.si_signo
                    break
            else:
                try:
                    proc.wait(timeout=1.0)
                except subprocess.TimeoutExpired:
                    pass
    finally:
        if signum is not None:
            _say(f"{signal.Signals(signum).name}: stopping Voilà and its kernels")
        if not stop_voila(proc):
            _say("some of Voilà's processes survived SIGKILL")
        if subreaper:
            _set_subreaper(False)
    if signum is not None:
        return 128 + signum
    return proc.returncode if proc.returncode >= 0 else 128 - proc.returncode


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0
    if argv[0] == "--list":
        from lessonlib.dashboards import DASHBOARDS, MAIN_DASHBOARDS

        main_of = {v: k for k, v in MAIN_DASHBOARDS.items()}
        for name in DASHBOARDS:
            print(f"{name}" + (f"   (main dashboard of lesson {main_of[name]})" if name in main_of else ""))
        return 0
    try:
        name = resolve(argv[0])
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    with _stop_signals_blocked() as blocked, tempfile.TemporaryDirectory(prefix="lessonlib-app-") as folder:
        return serve(write_app(name, folder), argv[1:], blocked)


if __name__ == "__main__":
    sys.exit(main())
