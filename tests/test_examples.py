"""Every example the README and the docstrings give runs: the Python block, the imports the docstrings
show, and every `lessonlib <tool>` command line (the tools' own tests run them in depth)."""
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
SOURCES = sorted((ROOT / "lessonlib").rglob("*.py"))


def python_blocks(text):
    return re.findall(r"```python\n(.*?)```", text, re.S)


def test_the_readme_python_example_runs():
    blocks = python_blocks(README)
    assert blocks, "README.md has no ```python block"
    for block in blocks:
        namespace = {}
        exec(compile(block, "README.md", "exec"), namespace)       # noqa: S102  (our own README)
        if "history" in namespace:
            assert namespace["history"].epochs > 0 and namespace["grads"].dW[1].shape == (64, 64)


def docstring_imports():
    for path in SOURCES:
        doc = re.match(r'\s*(?:"""|\'\'\')(.*?)(?:"""|\'\'\')', path.read_text(), re.S)
        for line in (doc.group(1).splitlines() if doc else []):
            m = re.match(r"\s+from (lessonlib[\w.]*) import ([\w, ]+)", line)
            if m:
                yield pytest.param(m.group(1), [n.strip() for n in m.group(2).split(",")],
                                   id=f"{path.relative_to(ROOT)}:{m.group(1)}")


@pytest.mark.parametrize("module, names", list(docstring_imports()))
def test_every_import_a_docstring_shows_works(module, names):
    imported = __import__(module, fromlist=names)
    for name in names:
        assert hasattr(imported, name), f"{module} has no {name}"


def command_lines():
    texts = [("README.md", README)] + [(str(p.relative_to(ROOT)), p.read_text()) for p in SOURCES]
    seen = set()
    for where, text in texts:
        for m in re.finditer(r"(?:^[ \t]*|[`/]|python -m )lessonlib ([a-z]\w*)([^\n`#)\"']*)", text, re.M):
            tool, args = m.group(1), m.group(2).strip()
            if (tool, args) not in seen:
                seen.add((tool, args))
                yield pytest.param(tool, args, id=f"{where}: lessonlib {tool} {args}".strip())


@pytest.mark.parametrize("tool, args", list(command_lines()))
def test_every_command_line_names_a_real_tool_and_valid_arguments(tool, args):
    from importlib import import_module
    from lessonlib.tools import cli
    assert tool in cli.TOOLS + ("classroom",), f"lessonlib has no tool {tool!r}; it has {cli.TOOLS}"
    if tool != "classroom":
        module = import_module(f"lessonlib.tools.{tool}")
        assert callable(getattr(module, "main", None)), f"lessonlib.tools.{tool} has no main()"
    words = [w for w in shlex.split(args.replace("…", "")) if w]
    if tool == "app" and words and not words[0].startswith("-"):
        from lessonlib.tools.app import resolve
        resolve(words[0])                         # a lesson number or a dashboard name that exists


def test_the_cheap_commands_run(tmp_path):
    for argv in (["app", "--list"], ["app", "--help"], ["student", str(ROOT / "notebooks"), str(tmp_path / "student")]):
        done = subprocess.run([sys.executable, "-m", "lessonlib", *argv], capture_output=True,
                              text=True, timeout=300, cwd=ROOT)
        assert done.returncode == 0, f"lessonlib {' '.join(argv)}: {done.stderr[-800:]}"
    assert len(list((tmp_path / "student").glob("*.ipynb"))) == 4
