"""benchmarks/classroom.py, small: three simulated students on a real local JupyterHub (issue 24).

``lessonlib classroom --students 3`` starts JupyterHub (configurable-http-proxy from npm, the dummy
authenticator, local processes) on 127.0.0.1; each student logs in, spawns a server, runs notebook 01
through the kernel websocket and moves a slider.  Checked: no student saw an error, every cell ran,
the slider redrew the dashboard, each student's memory and CPU were measured, the summary and the
node's capacity follow from the per-student figures, and no process the benchmark started is left.
Unit tests below check the websocket frame decoder against jupyter_server's encoder, the slider's
new value, and the capacity formula on made-up figures.  Skipped when jupyterhub or the proxy is
missing, except in CI (``CI`` set), where it must run (.ci/run installs both).
"""
import importlib.util
import json
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
import classroom  # noqa: E402
import classroom_student  # noqa: E402

STUDENTS = 3
missing = [what for what, there in (("jupyterhub", importlib.util.find_spec("jupyterhub")),
                                    ("configurable-http-proxy", shutil.which("configurable-http-proxy")))
           if not there]
skip_without_hub = pytest.mark.skipif(bool(missing) and not os.environ.get("CI"),
                                      reason=f"{', '.join(missing)} missing (pip install -e '.[classroom]'; npm "
                                             "install -g configurable-http-proxy); set CI=1 to make this a failure")


def needs_hub(test):
    return pytest.mark.classroom(skip_without_hub(test))


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    out = tmp_path_factory.mktemp("classroom") / "class.json"
    result = subprocess.run([sys.executable, "-m", "lessonlib", "classroom", "--students", str(STUDENTS),
                             "--timeout", "300", "--json", str(out)], capture_output=True, text=True, timeout=1200,
                            cwd=ROOT)
    return result, json.loads(out.read_text()) if out.exists() else None


@needs_hub
def test_every_student_runs_the_notebook_and_moves_a_slider(run):
    result, data = run
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    import nbformat

    code_cells = sum(c.cell_type == "code" for c in nbformat.read(classroom.NOTEBOOK, as_version=4).cells)
    assert [s["student"] for s in data["students"]] == [f"student{i:02d}" for i in range(1, STUDENTS + 1)]
    for s in data["students"]:
        assert s["errors"] == [], s
        assert s["cells"] == code_cells
        assert 0 < s["login_s"] and 0 < s["spawn_s"] and 0 < s["run_all_s"] and 0 < s["slider_s"]
        assert s["login_s"] + s["spawn_s"] + s["open_s"] + s["run_all_s"] + s["slider_s"] <= s["total_s"]
        assert s["redraws"] >= 1                          # the dashboard's image came back
        assert s["peak_rss_mb"] > 50                       # a server and a kernel with numpy, measured
        assert max(s["server_rss_mb"], s["kernel_rss_mb"]) <= s["peak_rss_mb"] <= s["server_rss_mb"] + s["kernel_rss_mb"] + 1e-6
        assert s["cpu_s"] > s["kernel_cpu_s"] > 0


@needs_hub
def test_the_summary_and_capacity_follow_from_the_students(run):
    _, data = run
    students, summary, capacity = data["students"], data["summary"], data["capacity"]
    for key in ("spawn_s", "run_all_s", "slider_s", "peak_rss_mb", "cpu_s"):
        values = sorted(s[key] for s in students)
        assert summary[key]["max"] == values[-1] and values[0] <= summary[key]["p50"] <= summary[key]["p95"] <= values[-1]
    cpu_each = sum(s["cpu_s"] for s in students) / STUDENTS + data["hub"]["cpu_s"] / STUDENTS
    assert capacity["cpu_s_per_student"] == pytest.approx(cpu_each, rel=1e-12)
    usable = 64 - 4 - data["hub"]["peak_rss_mb"] / 1e3
    assert capacity["by_memory"] == math.floor(usable / (summary["peak_rss_mb"]["max"] / 1e3))
    assert capacity["by_wait"]["60"] == min(capacity["by_memory"], math.floor(16 * 60 / cpu_each))
    assert "students" in run[0].stdout and "wait ≤   60 s" in run[0].stdout


@needs_hub
def test_nothing_the_benchmark_started_is_left(run):
    import psutil

    result, data = run
    assert data["processes_seen"] >= 2 + 2 * STUDENTS      # hub, proxy, and a server and a kernel per student
    assert data["left_after_stop"] == [] and data["still_alive"] == []
    assert "the hub's shutdown stopped all of them" in result.stdout
    stray = [p.pid for p in psutil.process_iter(["cmdline"])
             if any("lessonlib-classroom-" in part for part in (p.info["cmdline"] or []))]
    assert stray == []


def test_binary_frames_decode_as_jupyter_server_encodes_them():
    from jupyter_server.services.kernels.connection.base import serialize_binary_message

    msg = {"header": {"msg_type": "comm_msg", "msg_id": "1"}, "parent_header": {}, "metadata": {}, "channel": "iopub",
           "content": {"data": {"method": "update", "state": {}, "buffer_paths": [["value"]]}},
           "buffers": [b"\x89PNG image", b"second"]}
    decoded = classroom_student.decode(serialize_binary_message(dict(msg)))
    assert decoded["buffers"] == [b"\x89PNG image", b"second"]
    assert decoded["content"] == msg["content"] and decoded["channel"] == "iopub"
    assert classroom_student.decode(json.dumps({"a": 1})) == {"a": 1}


def test_the_slider_moves_to_a_new_value_on_its_step():
    new = classroom_student.new_value
    assert new({"_model_name": "IntSliderModel", "min": 0, "max": 10, "step": 1, "value": 2}) == 6
    assert new({"_model_name": "IntSliderModel", "min": 0, "max": 10, "step": 1, "value": 6}) == 3
    assert new({"_model_name": "FloatSliderModel", "min": 0.0, "max": 1.0, "step": 0.1, "value": 0.5}) == pytest.approx(0.6)
    assert new({"_model_name": "FloatLogSliderModel", "min": -3, "max": 1, "step": 0.5, "base": 10,
                "value": 1.0}) == pytest.approx(10 ** -0.5)
    with pytest.raises(ValueError, match="no second value"):
        new({"_model_name": "IntSliderModel", "min": 3, "max": 3, "step": 1, "value": 3, "description": "k"})


def test_capacity_from_made_up_figures():
    students = [{"student": f"s{i}", "errors": [], "cpu_s": cpu, "kernel_cpu_s": 1.0, "peak_rss_mb": rss,
                 "total_s": 30.0} for i, (cpu, rss) in enumerate([(9.0, 400.0), (11.0, 500.0)])]
    result = {"students": students, "hub": {"cpu_s": 4.0, "peak_rss_mb": 1000.0}, "machine": {"cores": 2}}
    capacity = classroom.summarize(result)["capacity"]
    assert capacity["cpu_s_per_student"] == 12.0                     # (9 + 11) / 2 + 4 / 2
    assert capacity["by_memory"] == 118                               # (64 − 4 − 1) GB / 0.5 GB
    assert capacity["by_wait"] == {"60": 80, "120": 118, "300": 118}  # 16 × 60 / 12 = 80; then memory binds
    assert capacity["cpu_bound_wait_here_s"] == 12.0                  # 2 students × 12 CPU-s / 2 cores
