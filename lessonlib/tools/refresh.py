"""Re-execute notebooks in place, so their stored outputs match the code (what nbval compares).

    lessonlib refresh                      # every notebook in notebooks/
    lessonlib refresh notebooks/01_gradient_descent.ipynb

Each notebook runs in a child process with a finite per-cell timeout and an overall timeout,
and is retried if it stalls: nbclient can wait forever for a reply after a widget cell
(upstream nbclient issue 312).  The notebook is written only after a clean, complete run, and it
is stamped with a hash of its code and of lessonlib's source, which the freshness test checks.
"""
import argparse
import hashlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STAMP_KEY = "lessonlib_freshness"


def source_hash(nb):
    """sha256 of the notebook's code cells, of lessonlib's source (tools and command line aside) and of data/*.npz."""
    h = hashlib.sha256()
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
            h.update(source.encode() + b"\0")
    library = [p for p in sorted((ROOT / "lessonlib").rglob("*.py"))        # the command line aside too
               if "tools" not in p.parts and p.name != "__main__.py"]
    for path in library + sorted((ROOT / "data").glob("*.npz")):
        h.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes().replace(b"\r\n", b"\n") + b"\0")
    return h.hexdigest()


def execute_one(path, cell_timeout):
    """Run one notebook top to bottom with nbclient and write it back (child-process entry)."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    nb = __import__("lessonlib.tools.metadata", fromlist=["normalize"]).normalize(nb)   # slides, nbgrader
    client = NotebookClient(nb, timeout=cell_timeout, kernel_name="python3", allow_errors=False,
                            store_widget_state=True, record_timing=False,
                            resources={"metadata": {"path": str(Path(path).parent)}})
    client.execute()
    nb.metadata[STAMP_KEY] = source_hash(nb)
    nbformat.write(nb, path)


def refresh(path, cell_timeout=120, total_timeout=600, attempts=3):
    """Execute ``path`` in a child process, retrying when it stalls; True on success."""
    env = dict(os.environ, PYTHONHASHSEED="0", MPLBACKEND="module://matplotlib_inline.backend_inline")
    for attempt in range(1, attempts + 1):
        cmd = [sys.executable, "-m", "lessonlib.tools.refresh", "--one", str(path), "--cell-timeout", str(cell_timeout)]
        try:
            result = subprocess.run(cmd, env=env, timeout=total_timeout, capture_output=True, text=True)
        except subprocess.TimeoutExpired:
            print(f"  {path}: stalled past {total_timeout} s (attempt {attempt}/{attempts}), retrying", flush=True)
            continue
        if result.returncode == 0:
            return True
        tail = (result.stderr or result.stdout).strip().splitlines()[-15:]
        if "CellTimeoutError" in (result.stderr or "") or "TimeoutError" in (result.stderr or ""):
            print(f"  {path}: a cell timed out (attempt {attempt}/{attempts}), retrying", flush=True)
            continue
        print(f"  {path}: failed\n    " + "\n    ".join(tail), flush=True)
        return False
    return False


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", help="notebooks to run (default: notebooks/*.ipynb)")
    parser.add_argument("--cell-timeout", type=int, default=120)
    parser.add_argument("--total-timeout", type=int, default=600)
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        execute_one(args.one, args.cell_timeout)
        return 0
    paths = args.notebooks or sorted(str(p) for p in (ROOT / "notebooks").glob("[0-9]*.ipynb"))
    failed = []
    for path in paths:
        print(f"executing {path}", flush=True)
        if not refresh(path, args.cell_timeout, args.total_timeout):
            failed.append(path)
    if failed:
        print("FAILED: " + ", ".join(failed))
        return 1
    print(f"refreshed {len(paths)} notebook(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
