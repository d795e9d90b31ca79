"""The house rules of lessonlib's layout (issue 11): small modules, imports one way, no cycles.

    core  ←  lesson modules  ←  dashboards/, exercises/  ←  tools/

A lesson module never imports ipywidgets, a dashboard, an exercise or a tool; the core imports none
of those either; nothing but a tool imports a tool.
"""
import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "lessonlib"
CORE = {"activations", "losses", "network", "regularization", "optimizers", "schedules", "training", "gradcheck",
        "validation", "data", "surfaces", "diagnosis", "plots", "text", "sections", "__init__"}
ALIASES = {"__main__"}     # `python -m lessonlib TOOL`: the command line, which calls the tools
MAX_LINES = 400


def modules():
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def layer(path):
    rel = path.relative_to(PACKAGE)
    if rel.parts[0] in ("dashboards", "exercises", "tools"):
        return rel.parts[0]
    name = path.stem
    if name in ALIASES:
        return "alias"
    return "core" if name in CORE else "lesson"


def imported(path):
    """Absolute names of the lessonlib modules (and ipywidgets) that ``path`` imports."""
    tree = ast.parse(path.read_text())
    package = ["lessonlib", *path.relative_to(PACKAGE).parent.parts]
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            names.append(module)
            names += [f"{module}.{a.name}" for a in node.names]
    return names


def target_layer(name):
    parts = name.split(".")
    if parts[0] == "ipywidgets":
        return "widgets"
    if parts[0] != "lessonlib" or len(parts) == 1:
        return None
    if parts[1] in ("dashboards", "exercises", "tools"):
        return parts[1]
    path = PACKAGE / f"{parts[1]}.py"
    return layer(path) if path.exists() else None


ALLOWED = {
    "core": {"core"},
    "lesson": {"core", "lesson"},
    "dashboards": {"core", "lesson", "dashboards", "widgets"},
    "exercises": {"core", "lesson", "exercises"},
    "tools": {"core", "lesson", "dashboards", "exercises", "tools"},
    "alias": {"core", "lesson", "dashboards", "exercises", "tools", "widgets"},
}


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_run_one_way(path):
    mine = layer(path)
    wrong = sorted({f"{name} ({target_layer(name)})" for name in imported(path)
                    if target_layer(name) is not None and target_layer(name) not in ALLOWED[mine]})
    assert not wrong, f"{path.name} ({mine}) imports {wrong}"


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_is_too_long(path):
    lines = len(path.read_text().splitlines())
    assert lines <= MAX_LINES, f"{path.relative_to(PACKAGE)} has {lines} lines (at most {MAX_LINES})"
