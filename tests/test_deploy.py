"""deploy/: what a course admin needs to run the lessons on a hub, tested as far as this machine allows (issue 24).

- the single-user image (deploy/Dockerfile) installs deploy/requirements.txt, which lists exactly
  pyproject.toml's dependencies (names and lower bounds), then lessonlib itself; it cannot be built
  here (no Docker), so its instructions are read;
- deploy/config.yaml parses as YAML and uses only keys that the zero-to-jupyterhub chart documents
  (its values.schema.yaml, chart 4.4.0: the keys and types below were read from it), and its CPU
  and memory guarantees and limits follow the classroom benchmark's figures (deploy/classroom.json)
  by the rule written in deploy/README.md;
- the nbgitpuller link (deploy/gitpuller_link.py) has nbgitpuller's documented form, and nbgitpuller
  itself, pulling with that link's parameters from a local repository (offline), puts the notebooks
  into a fresh home where the link's ``urlpath`` finds them; a second pull brings the course's new
  commit and keeps the student's own edit.
"""
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
HUB_SIDE = {"nbgitpuller"}

# Keys of the chart's values.schema.yaml (zero-to-jupyterhub-k8s, chart 4.4.0) that config.yaml may use,
# with the types the schema allows.  cpu and memory are closed objects there (additionalProperties: false).
DOCUMENTED = {
    "singleuser.image.name": str, "singleuser.image.tag": str, "singleuser.defaultUrl": str,
    "singleuser.startTimeout": int, "singleuser.memory.guarantee": (int, float, str),
    "singleuser.memory.limit": (int, float, str), "singleuser.cpu.guarantee": (int, float),
    "singleuser.cpu.limit": (int, float), "singleuser.storage.capacity": str, "cull.enabled": bool,
    "cull.timeout": int, "cull.every": int, "cull.users": bool, "cull.maxAge": int,
    "hub.concurrentSpawnLimit": int, "scheduling.userScheduler.enabled": bool,
    "scheduling.podPriority.enabled": bool, "scheduling.userPlaceholder.enabled": bool,
    "scheduling.userPlaceholder.replicas": int, "prePuller.hook.enabled": bool,
    "prePuller.continuous.enabled": bool,
}
REQUIRED = ["singleuser.image.name", "singleuser.memory.guarantee", "singleuser.memory.limit",
            "singleuser.cpu.guarantee", "singleuser.cpu.limit", "cull.enabled", "cull.timeout", "cull.every"]
UNITS = {"": 1, "k": 1e3, "M": 1e6, "G": 1e9, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30}


def load_module(path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def normalise(requirement):
    name, spec = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", requirement).groups()
    return name.lower().replace("_", "-"), spec.replace(" ", "")


def requirements():
    """(the project's part, the hub's part) of deploy/requirements.txt, as {name: specifier}."""
    text = (DEPLOY / "requirements.txt").read_text()
    project, hub = text.split("# --- the hub's side", 1)
    parse = lambda part: dict(normalise(line) for line in part.splitlines() if line.strip() and not line.startswith("#"))
    return parse(project), parse(hub.split("\n", 1)[1])


def test_the_image_requirements_are_pyprojects_dependencies():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    project, hub = requirements()
    assert project == dict(normalise(r) for r in pyproject)
    assert set(hub) == HUB_SIDE


def test_the_dockerfile_installs_the_requirements_then_lessonlib():
    lines = [line.strip() for line in (DEPLOY / "Dockerfile").read_text().splitlines()
             if line.strip() and not line.lstrip().startswith("#")]
    assert lines[0].startswith("FROM quay.io/jupyter/")                  # Jupyter Docker Stacks: hub-ready
    order = [i for i, line in enumerate(lines) if "deploy/requirements.txt" in line or "-r /tmp/requirements.txt" in line
             or "--no-deps -e /opt/lessonlib" in line]
    assert len(order) == 3 and order == sorted(order), lines
    assert any(re.match(r"COPY .*\. /opt/lessonlib$", line) for line in lines)
    threads = load_module(ROOT / "benchmarks" / "classroom.py").blas_env(1)   # what the benchmark measured with
    env = next(line for line in lines if line.startswith("ENV "))
    assert dict(item.split("=") for item in env.split()[1:]) == threads
    ignored = (DEPLOY / "Dockerfile.dockerignore").read_text().split()
    assert {".git", ".venv"} <= set(ignored)


def leaves(node, path=""):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from leaves(value, f"{path}.{key}" if path else key)
    else:
        yield path, node


def quantity(value):
    """A Kubernetes quantity ("512M", "1Gi", 2.5e8) in bytes."""
    number, unit = re.fullmatch(r"([0-9.]+)([A-Za-z]*)", str(value)).groups()
    return float(number) * UNITS[unit]


@pytest.fixture(scope="module")
def config():
    yaml = pytest.importorskip("yaml")
    return dict(leaves(yaml.safe_load((DEPLOY / "config.yaml").read_text())))


def test_config_uses_only_documented_keys_of_the_right_type(config):
    unknown = sorted(set(config) - set(DOCUMENTED))
    assert not unknown, f"not among zero-to-jupyterhub's documented keys: {unknown}"
    wrong = {k: v for k, v in config.items() if not isinstance(v, DOCUMENTED[k]) or
             (DOCUMENTED[k] is int and isinstance(v, bool))}
    assert not wrong
    assert not [k for k in REQUIRED if k not in config]
    assert config["cull.enabled"] is True and 0 < config["cull.every"] <= config["cull.timeout"]


def test_config_sizes_follow_the_measured_class(config):
    """The rule (deploy/README.md): memory guarantee ≥ 1.25 × and limit ≥ 2 × the worst student's peak RSS;
    CPU guarantee ≥ a student's CPU-seconds spread over one minute; the limit at least one core."""
    import json

    measured = json.loads((DEPLOY / "classroom.json").read_text())
    assert len(measured["students"]) >= 20 and measured["summary"]["errors"] == 0
    peak = measured["summary"]["peak_rss_mb"]["max"] * 1e6
    guarantee, limit = quantity(config["singleuser.memory.guarantee"]), quantity(config["singleuser.memory.limit"])
    assert guarantee >= 1.25 * peak and limit >= 2 * peak and limit >= guarantee
    cpu_s = measured["capacity"]["cpu_s_per_student"]
    assert config["singleuser.cpu.guarantee"] >= cpu_s / 60 and config["singleuser.cpu.limit"] >= 1
    assert config["singleuser.cpu.guarantee"] <= config["singleuser.cpu.limit"]


def test_the_link_has_nbgitpullers_documented_form():
    link = load_module(DEPLOY / "gitpuller_link.py").link
    url = urlsplit(link("https://hub.example.edu/", "https://github.com/course/lessons", "main"))
    assert (url.scheme, url.netloc, url.path) == ("https", "hub.example.edu", "/hub/user-redirect/git-pull")
    assert parse_qs(url.query) == {"repo": ["https://github.com/course/lessons"], "branch": ["main"],
                                   "urlpath": ["lab/tree/lessons/notebooks/01_gradient_descent.ipynb"]}
    with pytest.raises(ValueError, match="hub must be an http"):
        link("hub.example.edu", "https://github.com/course/lessons")


def git(*args, cwd):
    env = dict(os.environ, GIT_AUTHOR_NAME="course", GIT_AUTHOR_EMAIL="course@example.edu",
               GIT_COMMITTER_NAME="course", GIT_COMMITTER_EMAIL="course@example.edu")
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env=env, timeout=60)


def pull(repo, branch, home):
    """What nbgitpuller's handler does for a link: clone or merge into ~/<last part of the repo URL>."""
    from nbgitpuller.pull import GitPuller

    folder = home / repo.rstrip("/").split("/")[-1]
    return list(GitPuller(repo, str(folder), branch=branch).pull())


@pytest.mark.classroom
def test_nbgitpuller_puts_the_notebooks_into_a_fresh_home_and_keeps_edits(tmp_path):
    if importlib.util.find_spec("nbgitpuller") is None:
        if os.environ.get("CI"):
            pytest.fail("nbgitpuller is not installed: CI installs the classroom extra (.ci/run)")
        pytest.skip("nbgitpuller is not installed (pip install -e '.[classroom]')")
    course = tmp_path / "lessons"                  # the course's repository, as it would be on GitHub
    shutil.copytree(ROOT / "notebooks", course / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    git("init", "-q", "-b", "main", cwd=course)
    git("add", ".", cwd=course)
    git("commit", "-q", "-m", "the lessons", cwd=course)
    link = load_module(DEPLOY / "gitpuller_link.py").link("http://127.0.0.1:8000", course.as_uri(), "main")
    query = {k: v[0] for k, v in parse_qs(urlsplit(link).query).items()}
    home = tmp_path / "home" / "student01"
    home.mkdir(parents=True)
    pull(query["repo"], query["branch"], home)
    opened = home / query["urlpath"].removeprefix("lab/tree/")
    assert opened.read_bytes() == (ROOT / "notebooks" / "01_gradient_descent.ipynb").read_bytes()
    pulled = sorted(p.name for p in (home / "lessons" / "notebooks").glob("*.ipynb"))
    assert pulled == sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))

    opened.write_text(opened.read_text().replace('"cells": [', '"cells": [\n  ', 1))   # the student's edit
    mine = opened.read_text()
    (course / "notebooks" / "05_next_week.md").write_text("next week's lesson\n")      # the course moves on
    git("add", ".", cwd=course)
    git("commit", "-q", "-m", "next week", cwd=course)
    pull(query["repo"], query["branch"], home)
    assert (home / "lessons" / "notebooks" / "05_next_week.md").read_text() == "next week's lesson\n"
    assert opened.read_text() == mine


def test_the_link_script_refuses_a_hub_that_is_not_a_url():
    result = subprocess.run([sys.executable, str(DEPLOY / "gitpuller_link.py"), "--hub", "hub.example.edu",
                             "--repo", "https://github.com/course/lessons"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "hub must be an http(s) URL" in result.stderr


def test_the_readme_quotes_the_measured_class():
    """deploy/README.md's capacity sentence is classroom.json's (re-measure → update both)."""
    import json

    capacity = json.loads((DEPLOY / "classroom.json").read_text())["capacity"]
    text = " ".join((DEPLOY / "README.md").read_text().split())
    by_wait = capacity["by_wait"]
    assert (f"memory allows {capacity['by_memory']} students; everyone arriving together and done within 60 s: "
            f"{by_wait['60']} students; 120 s: {by_wait['120']}; 300 s: {by_wait['300']}.") in text
    assert f"{capacity['gb_per_student']:.2f} GB and {capacity['cpu_s_per_student']:.1f} CPU-s" in text


def test_the_main_readme_quotes_the_same_class():
    """README.md's summary of the classroom numbers is classroom.json's too."""
    import json

    capacity = json.loads((DEPLOY / "classroom.json").read_text())["capacity"]
    text = " ".join((DEPLOY.parent / "README.md").read_text().split())
    assert f"{capacity['gb_per_student']:.2f} GB and {capacity['cpu_s_per_student']:.1f} CPU-s" in text
    assert (f"{capacity['node_cores']} cores and {capacity['node_gb']:.0f} GB therefore holds {capacity['by_memory']} "
            f"students by memory, and serves {capacity['by_wait']['60']} students arriving together within 60 s "
            f"({capacity['by_wait']['120']} within 120 s)") in text
