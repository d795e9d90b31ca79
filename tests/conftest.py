"""Shared pytest configuration: the ``browser`` marker, the browser latency summary, and the check
that the session leaves no process behind."""
import os
import sys
import time
from pathlib import Path

import pytest

# nbval's kernels inherit this: the same hash seed as `lessonlib refresh` used when it
# stored the outputs, so nothing that depends on set/dict-of-str ordering can differ.
os.environ.setdefault("PYTHONHASHSEED", "0")

sys.path.insert(0, str(Path(__file__).resolve().parent))   # tests/notebook_checks.py, tests/lab_harness.py

import lab_harness  # noqa: E402

# At the end of the session, nbval's last kernel or a browser may still be on its way out: this long,
# and no longer, they may take.
LEAK_GRACE_S = float(os.environ.get("LEAK_GRACE_S", "15"))


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "browser: end-to-end test in JupyterLab + Chromium (slow; needs /usr/bin/chromium and "
                   "playwright; deselect with -m 'not browser')")
    config.browser_summary = []
    config.leaked_processes = []
    # Linux: a process whose parent dies (a kernel of a killed server, Chromium of a dead driver) is
    # re-parented to pytest instead of init, so the check below still sees it.
    lab_harness.become_subreaper()


@pytest.hookimpl(trylast=True)       # after the runner's own sessionfinish has torn every fixture down
def pytest_sessionfinish(session, exitstatus):
    """No process the tests started may outlive the session: every descendant of pytest, every member
    of a process group or session started through lab_harness.track(), every pid given to
    lab_harness.track_pids() (servers' kernels) must be gone within LEAK_GRACE_S.  Those left are
    killed (SIGTERM, then SIGKILL), listed in the summary, and the run fails."""
    deadline = time.monotonic() + LEAK_GRACE_S
    while True:
        lab_harness.reap_zombies()
        left = lab_harness.leftovers()
        if not left or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    if not left:
        return
    session.config.leaked_processes = [f"pid {pid}: {lab_harness.cmdline(pid) or '?'}" for pid in sorted(left)]
    survivors = lab_harness.terminate(left)
    if survivors:
        session.config.leaked_processes.append(f"still alive after SIGKILL: {survivors}")
    if session.exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED):
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    lines = getattr(config, "browser_summary", [])
    if lines:
        terminalreporter.section("browser: slider key press → new plot shown")
        for line in lines:
            terminalreporter.write_line(line)
    leaked = getattr(config, "leaked_processes", [])
    if leaked:
        terminalreporter.section("FAILED: processes left behind by the tests (now killed)", red=True)
        for line in leaked:
            terminalreporter.write_line(line, red=True)
