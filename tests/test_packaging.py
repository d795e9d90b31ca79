"""pyproject.toml and environment.yml must list the same packages with the same lower bounds."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def normalise(requirement):
    name, spec = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", requirement).groups()
    return name.lower().replace("_", "-"), spec.replace(" ", "")


def toml_list(text, key):
    """The strings of a one-level TOML array `key = [ ... ]` (tomllib is not in Python 3.10)."""
    body = re.search(rf"^{key} = \[(.*?)^\]", text, re.S | re.M).group(1)
    return re.findall(r'"([^"]+)"', body)


def pyproject_requirements():
    text = (ROOT / "pyproject.toml").read_text()
    return dict(normalise(r) for r in toml_list(text, "dependencies") + toml_list(text, "test"))


def conda_requirements():
    lines = (ROOT / "environment.yml").read_text().splitlines()
    start = lines.index("dependencies:") + 1
    deps = [line.strip()[2:] for line in lines[start:] if re.match(r"^  - [A-Za-z]", line)]
    return dict(normalise(d) for d in deps if not d.startswith(("python", "pip")))


def test_environment_yml_matches_pyproject():
    assert conda_requirements() == pyproject_requirements()


def test_environment_yml_installs_lessonlib_itself():
    text = (ROOT / "environment.yml").read_text()
    assert re.search(r"^\s+- -e \.\s*$", text, re.M), "environment.yml must `pip install -e .` the package"
    assert "conda-forge" in text
