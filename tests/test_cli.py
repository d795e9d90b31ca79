"""The ``lessonlib`` command: one console command whose subcommands are the tools (issue 24).

``--help`` lists every tool with the first line of its docstring; ``lessonlib TOOL ARGS`` calls
``lessonlib.tools.TOOL.main(ARGS)`` and exits with its code; ``python -m lessonlib`` is the same
command.  Each tool's own behaviour is tested through this command in its own file
(test_student.py, test_export.py, test_grade.py, test_refresh.py, test_voila.py run
``python -m lessonlib TOOL …``); here: the listing, the dispatch, exit codes, and each subcommand's
``--help`` reaching the tool's own parser.
"""
import importlib
import re
import subprocess
import sys
from pathlib import Path

import pytest

from lessonlib.tools import cli

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = Path(sys.executable).parent / "lessonlib"
EVERY_TOOL = ("app", "student", "grade", "export", "refresh", "classroom")


def run(*args, timeout=60):
    return subprocess.run([sys.executable, "-m", "lessonlib", *args], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT)


def test_the_console_script_is_installed_and_lists_every_tool():
    assert SCRIPT.exists(), f"{SCRIPT} is missing: pip install -e . installs the `lessonlib` console script"
    result = subprocess.run([str(SCRIPT), "--help"], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    listed = re.findall(r"^  (\w+) +\S", result.stdout, re.M)           # the tool lines, not the examples
    assert listed == list(EVERY_TOOL)
    for tool in cli.TOOLS:
        first_line = importlib.import_module(f"lessonlib.tools.{tool}").__doc__.strip().splitlines()[0]
        assert re.search(rf"^  {tool} +{re.escape(first_line)}$", result.stdout, re.M), tool


def test_python_m_lessonlib_is_the_same_command():
    assert run("--help").stdout == subprocess.run([str(SCRIPT), "--help"], capture_output=True, text=True,
                                                  timeout=60, cwd=ROOT).stdout


@pytest.mark.parametrize("tool", EVERY_TOOL)
def test_each_subcommand_help_reaches_the_tool(tool):
    result = run(tool, "--help")
    assert result.returncode == 0, result.stderr
    if tool == "app":                          # it prints its docstring
        assert cli.summary("app") in result.stdout
    elif tool == "classroom":
        assert "usage: lessonlib classroom " in result.stdout and "--students" in result.stdout
    else:
        assert f"usage: lessonlib {tool} " in result.stdout      # argparse names the command as typed


def test_no_tool_prints_the_usage_and_fails():
    result = run()
    assert result.returncode == 2 and "usage: lessonlib TOOL" in result.stdout


def test_an_unknown_tool_is_named_with_the_allowed_ones():
    result = run("grades")
    assert result.returncode == 2
    assert "unknown tool 'grades'" in result.stderr and "app, student, grade, export, refresh, classroom" in result.stderr


def test_a_tool_error_comes_back_as_its_exit_code():
    result = run("grade")                          # no submissions folder
    assert result.returncode == 2 and "give the folder of submitted notebooks" in result.stderr
    result = run("student", "notebooks/", "notebooks/")   # refuses to write into notebooks/
    assert result.returncode == 2 and "error:" in result.stderr


def test_app_list_names_every_dashboard():
    from lessonlib.dashboards import DASHBOARDS

    result = run("app", "--list")
    assert result.returncode == 0, result.stderr
    assert [line.split()[0] for line in result.stdout.splitlines()] == list(DASHBOARDS)


@pytest.mark.parametrize("tool", cli.TOOLS)
def test_dispatch_passes_the_arguments_and_returns_the_code(tool, monkeypatch):
    module = importlib.import_module(f"lessonlib.tools.{tool}")
    calls = []
    monkeypatch.setattr(module, "main", lambda argv: calls.append((sys.argv[0], argv)) or 3)
    before = sys.argv[0]
    assert cli.main([tool, "x", "--flag"]) == 3
    assert calls == [(f"lessonlib {tool}", ["x", "--flag"])]
    assert sys.argv[0] == before                   # restored after the call


def test_classroom_dispatch_runs_the_benchmark_script(monkeypatch):
    result = run("classroom", "--students", "0")
    assert result.returncode == 2 and "--students must be at least 1; got 0" in result.stderr
