"""Shared pytest configuration: the ``browser`` marker and the browser latency summary."""
import os
import sys
from pathlib import Path

# nbval's kernels inherit this: the same hash seed as `python -m lessonlib.refresh` used when it
# stored the outputs, so nothing that depends on set/dict-of-str ordering can differ.
os.environ.setdefault("PYTHONHASHSEED", "0")

sys.path.insert(0, str(Path(__file__).resolve().parent))   # tests/notebook_checks.py, tests/lab_harness.py


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "browser: end-to-end test in JupyterLab + Chromium (slow; needs /usr/bin/chromium and "
                   "playwright; deselect with -m 'not browser')")
    config.browser_summary = []


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    lines = getattr(config, "browser_summary", [])
    if lines:
        terminalreporter.section("browser: slider key press → new plot shown")
        for line in lines:
            terminalreporter.write_line(line)
