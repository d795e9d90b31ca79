"""A class on a real, local JupyterHub: N simulated students log in, spawn, Run All, move a slider (issue 24).

    python benchmarks/classroom.py --students 20                   # or: lessonlib classroom --students 20
    python benchmarks/classroom.py --students 20 --json deploy/classroom.json   # the figures deploy/ uses

Starts JupyterHub (the ``jupyterhub`` package, ``configurable-http-proxy`` from npm, the dummy
authenticator, the simple local-process spawner), all on 127.0.0.1 in a temporary folder, with one
home per student holding a copy of the notebook.  All students arrive at once, as in the first
minute of a lab; each one, as a browser would (``classroom_student.py``): logs in, spawns a server,
opens the notebook in JupyterLab, runs every cell through the kernel websocket and moves one
dashboard slider.  Meanwhile every process of the hub is sampled (psutil): per student, the peak
RSS of the server and its kernel together and their CPU-seconds.

Reports per student and in summary: spawn time, Run All time (p50, p95, max), slider time, errors,
memory and CPU per student; then how many students one node (16 cores, 64 GB by default) serves
when everyone arrives together and may wait W for Run All to finish:
``min(usable memory / peak RSS, cores × W / CPU-seconds per student)``.  It stops everything it
started (the hub stops the servers; anything left is killed and reported) and exits non-zero
if a student saw an error or a process was left.
"""
import argparse
import asyncio
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from classroom_student import run_student  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = next(iter(sorted((ROOT / "notebooks").glob("01_*.ipynb"))), ROOT / "notebooks" / "01_gradient_descent.ipynb")
GB = 1e9
HUB_CONFIG = """\
c = get_config()  # noqa
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.JupyterHub.db_url = "sqlite:///{folder}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "{folder}/jupyterhub_cookie_secret"
c.JupyterHub.cleanup_servers = True
c.ConfigurableHTTPProxy.command = ["{proxy}"]
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{api_port}"
c.ConfigurableHTTPProxy.pid_file = "{folder}/proxy.pid"
c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allowed_users = {students!r}
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = "{folder}/home/{{username}}"
c.Spawner.cmd = ["{singleuser}"]
c.Spawner.args = {args!r}
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = {timeout}
c.Spawner.http_timeout = {timeout}
c.Spawner.environment = {environment!r}
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proxy_command():
    found = shutil.which("configurable-http-proxy")
    if not found:
        raise RuntimeError("configurable-http-proxy is not on PATH: npm install -g configurable-http-proxy")
    return found


class Sampler(threading.Thread):
    """Every ``interval`` s: each process under the hub, by student (JUPYTERHUB_USER of its server) or 'hub'."""

    def __init__(self, hub_pid, interval=0.5):
        super().__init__(daemon=True)
        self.hub, self.interval, self.stopped = psutil.Process(hub_pid), interval, threading.Event()
        self.owner = {hub_pid: "hub"}                  # pid → student name, or "hub" (the hub and its proxy)
        self.seen = {hub_pid: self.hub.create_time()}  # pid → create time: every process ever under the hub
        self.cpu, self.peak_rss = {}, {}               # pid → last CPU-seconds; owner → peak RSS summed
        self.role = {hub_pid: "hub"}

    def owner_of(self, proc):
        if proc.pid not in self.owner:
            user = proc.environ().get("JUPYTERHUB_USER")
            if user and self.owner.get(proc.ppid()) in (None, "hub"):
                self.owner[proc.pid], self.role[proc.pid] = user, "server"
            else:
                parent = self.owner.get(proc.ppid())
                if parent is None:
                    return None
                self.owner[proc.pid] = parent
                self.role[proc.pid] = "proxy" if parent == "hub" else "kernel"
        return self.owner[proc.pid]

    def sample(self):
        rss = {}                                        # owner, and (owner, role) → RSS now
        try:
            procs = [self.hub] + sorted(self.hub.children(recursive=True), key=lambda p: p.pid)
        except psutil.NoSuchProcess:
            return
        for proc in procs:
            try:
                with proc.oneshot():
                    owner = self.owner_of(proc)
                    if owner is None:
                        continue
                    self.seen.setdefault(proc.pid, proc.create_time())
                    times = proc.cpu_times()
                    self.cpu[proc.pid] = times.user + times.system
                    now = proc.memory_info().rss
                    for key in (owner, (owner, self.role[proc.pid])):
                        rss[key] = rss.get(key, 0) + now
            except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
                continue
        for owner, value in rss.items():
            self.peak_rss[owner] = max(self.peak_rss.get(owner, 0), value)

    def run(self):
        while not self.stopped.is_set():
            self.sample()
            self.stopped.wait(self.interval)

    def stop(self):
        self.stopped.set()
        self.join()
        self.sample()

    def cpu_of(self, owner, role=None):
        return sum(cpu for pid, cpu in self.cpu.items()
                   if self.owner.get(pid) == owner and (role is None or self.role.get(pid) == role))


def alive(seen):
    """The pids of ``seen`` ({pid: create time}) still running (not zombies)."""
    left = []
    for pid, created in seen.items():
        try:
            proc = psutil.Process(pid)
            if abs(proc.create_time() - created) < 0.01 and proc.status() != psutil.STATUS_ZOMBIE:
                left.append(pid)
        except psutil.NoSuchProcess:
            pass
    return left


def stop_all(hub, seen, grace=60):
    """SIGTERM the hub (it stops every server and the proxy); then kill whatever of ``seen`` is left.
    Returns the pids that had to be killed."""
    if hub.poll() is None:
        hub.send_signal(signal.SIGTERM)
        try:
            hub.wait(grace)
        except subprocess.TimeoutExpired:
            hub.kill()
            hub.wait()
    deadline = time.monotonic() + 10
    while alive(seen) and time.monotonic() < deadline:
        time.sleep(0.2)
    left = alive(seen)
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in alive(seen):
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        time.sleep(2)
    return left


def blas_env(threads):
    """BLAS and OpenMP threads per kernel: one by default, as on a hub whose servers share a node's cores
    (an unset count starts one spinning thread per core of the node in every kernel)."""
    return {key: str(threads) for key in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}


def start_hub(folder, names, notebook, timeout, threads=1):
    """Write the config and the students' homes, start JupyterHub; (Popen, url, log path)."""
    bin_dir = Path(sys.executable).parent
    port = free_port()
    config = HUB_CONFIG.format(port=port, hub_port=free_port(), api_port=free_port(), folder=folder,
                               proxy=proxy_command(), students=set(names), timeout=timeout,
                               singleuser=bin_dir / "jupyterhub-singleuser",
                               args=["--allow-root"] if os.geteuid() == 0 else [],   # CI runs as root
                               environment=blas_env(threads))
    (folder / "jupyterhub_config.py").write_text(config)
    for name in names:
        home = folder / "home" / name
        home.mkdir(parents=True)
        shutil.copy(notebook, home / notebook.name)
    log = folder / "jupyterhub.log"
    env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    with open(log, "w") as out:
        hub = subprocess.Popen([str(bin_dir / "jupyterhub"), "-f", str(folder / "jupyterhub_config.py")],
                               cwd=folder, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    import httpx
    while True:
        if hub.poll() is not None:
            raise RuntimeError(f"JupyterHub exited ({hub.returncode}):\n" + log.read_text()[-3000:])
        try:
            if httpx.get(f"{url}/hub/api/", timeout=5).status_code == 200:
                return hub, url, log
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError("JupyterHub did not answer within 120 s:\n" + log.read_text()[-3000:])
        time.sleep(0.3)


async def run_class(url, names, notebook, timeout, slider, stagger):
    async def one(i, name):
        await asyncio.sleep(i * stagger)
        return await run_student(url, name, notebook, timeout, slider)
    return await asyncio.gather(*(one(i, name) for i, name in enumerate(names)))


def classroom(students=20, notebook=NOTEBOOK, timeout=900, slider=None, stagger=0.0, keep=None, threads=1, log=print):
    """Run the class; the results dict (students, summary, hub overhead, pids left behind, machine)."""
    notebook = Path(notebook).resolve()
    names = [f"student{i:02d}" for i in range(1, students + 1)]
    folder = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="lessonlib-classroom-"))
    folder.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()
    hub, sampler, started = None, None, time.monotonic()
    try:
        hub, url, hub_log = start_hub(folder, names, notebook, timeout, threads)
        log(f"JupyterHub at {url} ({time.monotonic() - started:.1f} s); {students} students arrive at once")
        sampler = Sampler(hub.pid)
        sampler.start()
        records = asyncio.run(run_class(url, names, notebook.name, timeout, slider, stagger))
        sampler.stop()
        for record in records:
            record["peak_rss_mb"] = sampler.peak_rss.get(record["student"], 0) / 1e6
            record["server_rss_mb"] = sampler.peak_rss.get((record["student"], "server"), 0) / 1e6
            record["kernel_rss_mb"] = sampler.peak_rss.get((record["student"], "kernel"), 0) / 1e6
            record["cpu_s"] = sampler.cpu_of(record["student"])
            record["kernel_cpu_s"] = sampler.cpu_of(record["student"], "kernel")
        overhead = {"peak_rss_mb": sampler.peak_rss.get("hub", 0) / 1e6, "cpu_s": sampler.cpu_of("hub")}
        wall = time.monotonic() - started
        hub_log_tail = hub_log.read_text(errors="replace").splitlines()[-40:] if any(r["errors"] for r in records) else []
    finally:
        if sampler is not None and sampler.is_alive():
            sampler.stop()
        seen = dict(sampler.seen) if sampler is not None else {}
        left = stop_all(hub, seen) if hub is not None else []
        if hub is not None and hub.poll() is None:
            hub.kill()
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)
    return {"students": records, "hub": overhead, "processes_seen": len(seen), "left_after_stop": left,
            "still_alive": alive(seen), "wall_s": wall, "notebook": notebook.name, "blas_threads": threads,
            "machine": machine(load_before), "hub_log_tail": hub_log_tail}


def machine(load_before):
    import jupyterhub
    return {"cores": os.cpu_count(), "memory_gb": psutil.virtual_memory().total / GB,
            "cpu": platform.processor() or platform.machine(), "python": platform.python_version(),
            "jupyterhub": jupyterhub.__version__, "load_before": load_before, "load_after": os.getloadavg(),
            "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}


def percentiles(values):
    values = [v for v in values if v is not None]
    if not values:
        return {"p50": None, "p95": None, "max": None}
    return {"p50": float(np.percentile(values, 50)), "p95": float(np.percentile(values, 95)), "max": float(max(values))}


def summarize(result, node_cores=16, node_gb=64.0, reserve_gb=4.0, waits=(60, 120, 300)):
    """Percentiles per measure and the capacity of one node; added to ``result`` and returned."""
    records = result["students"]
    n = len(records)
    keys = ("login_s", "spawn_s", "open_s", "run_all_s", "slider_s", "total_s", "peak_rss_mb", "server_rss_mb",
            "kernel_rss_mb", "cpu_s", "kernel_cpu_s")
    summary = {key: percentiles([r.get(key) for r in records]) for key in keys}
    summary["errors"] = sum(len(r["errors"]) for r in records)
    summary["students_with_errors"] = sum(bool(r["errors"]) for r in records)
    cpu_each = float(np.mean([r["cpu_s"] for r in records])) + result["hub"]["cpu_s"] / n   # hub's share included
    memory_each = summary["peak_rss_mb"]["max"] / 1e3                                      # GB, the worst student
    usable = node_gb - reserve_gb - result["hub"]["peak_rss_mb"] / 1e3
    by_memory = int(usable // memory_each) if memory_each else 0
    capacity = {"node_cores": node_cores, "node_gb": node_gb, "reserve_gb": reserve_gb,
                "cpu_s_per_student": cpu_each, "gb_per_student": memory_each, "by_memory": by_memory,
                "by_wait": {str(w): min(by_memory, int(node_cores * w // cpu_each)) for w in waits},
                "cpu_bound_wait_here_s": n * cpu_each / result["machine"]["cores"],
                "slowest_here_s": summary["total_s"]["max"]}
    result.update(summary=summary, capacity=capacity)
    return result


def report(result):
    lines = [f"{'student':10}{'login s':>8}{'spawn s':>8}{'open s':>7}{'Run All s':>10}{'slider s':>9}"
             f"{'total s':>8}{'peak MB':>8}{'CPU s':>7}  errors"]
    for r in result["students"]:
        cells = [r.get(k) for k in ("login_s", "spawn_s", "open_s", "run_all_s", "slider_s", "total_s")]
        lines.append(f"{r['student']:10}" + "".join(f"{v:>{w}.1f}" if v is not None else f"{'—':>{w}}"
                                                     for v, w in zip(cells, (8, 8, 7, 10, 9, 8)))
                     + f"{r['peak_rss_mb']:8.0f}{r['cpu_s']:7.1f}  " + ("; ".join(r["errors"])[:200] or "none"))
    s, c, m = result["summary"], result["capacity"], result["machine"]
    lines += ["", f"{len(result['students'])} students, notebook {result['notebook']}, "
              f"{m['cores']} cores, {m['memory_gb']:.0f} GB, load average before {m['load_before'][0]:.1f}, "
              f"after {m['load_after'][0]:.1f} ({m['date']}, JupyterHub {m['jupyterhub']})"]
    for key, label, unit in (("spawn_s", "spawn", "s"), ("run_all_s", "Run All", "s"), ("slider_s", "slider move", "s"),
                             ("total_s", "arrival → slider done", "s"), ("peak_rss_mb", "peak RSS server+kernel", "MB"),
                             ("server_rss_mb", "  of which the server", "MB"), ("kernel_rss_mb", "  of which the kernel", "MB"),
                             ("cpu_s", "CPU server+kernel", "s"), ("kernel_cpu_s", "CPU of the kernel", "s")):
        p = s[key]
        if p["p50"] is not None:
            lines.append(f"  {label:26} p50 {p['p50']:7.1f}  p95 {p['p95']:7.1f}  max {p['max']:7.1f} {unit}")
    lines.append(f"  errors: {s['errors']} ({s['students_with_errors']} students); hub + proxy: peak "
                 f"{result['hub']['peak_rss_mb']:.0f} MB, {result['hub']['cpu_s']:.1f} CPU-s")
    lines += ["", f"one node of {c['node_cores']} cores and {c['node_gb']:.0f} GB ({c['reserve_gb']:.0f} GB kept for the "
              f"system), everyone arriving together: {c['gb_per_student']:.2f} GB and {c['cpu_s_per_student']:.1f} "
              f"CPU-s per student; memory allows {c['by_memory']}"]
    lines += [f"  wait ≤ {int(w):4d} s for Run All: {n} students" for w, n in c["by_wait"].items()]
    lines.append(f"  check on this machine: CPU alone predicts the last student done after "
                 f"{c['cpu_bound_wait_here_s']:.0f} s; measured {c['slowest_here_s']:.0f} s")
    left = result["left_after_stop"]
    lines.append(f"processes: {result['processes_seen']} seen; "
                 + (f"{len(left)} outlived the hub's shutdown and were killed: {left}" if left
                    else "the hub's shutdown stopped all of them")
                 + (f"; STILL ALIVE: {result['still_alive']}" if result["still_alive"] else ""))
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=20, help="how many students (default 20)")
    parser.add_argument("--notebook", default=str(NOTEBOOK), help="the notebook each student runs (default 01)")
    parser.add_argument("--slider", help="the description of the slider to move (default: the first slider)")
    parser.add_argument("--stagger", type=float, default=0.0, help="seconds between two arrivals (default 0)")
    parser.add_argument("--timeout", type=int, default=900, help="seconds a student may take per step")
    parser.add_argument("--blas-threads", type=int, default=1, help="BLAS/OpenMP threads per kernel (default 1)")
    parser.add_argument("--node-cores", type=int, default=16)
    parser.add_argument("--node-gb", type=float, default=64.0)
    parser.add_argument("--json", help="write the results here")
    parser.add_argument("--keep", help="run in this folder and keep it (hub log, homes)")
    args = parser.parse_args(argv)
    for sig in (signal.SIGTERM, signal.SIGHUP):    # so that `finally` stops the hub and every server
        signal.signal(sig, lambda signum, frame: sys.exit(128 + signum))
    if args.students < 1:
        parser.error(f"--students must be at least 1; got {args.students}")
    if not Path(args.notebook).is_file():
        parser.error(f"no notebook at {args.notebook}")
    result = summarize(classroom(args.students, args.notebook, args.timeout, args.slider, args.stagger, args.keep,
                                 args.blas_threads),
                       args.node_cores, args.node_gb)
    print(report(result))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1) + "\n")
        print(f"wrote {args.json}")
    return 1 if result["summary"]["errors"] or result["still_alive"] else 0


if __name__ == "__main__":
    sys.exit(main())
