"""Checks on the stored notebooks, shared by the test files and the browser benchmark.

Not collected by pytest (no ``test_`` prefix).  Every check returns a list of problems (empty when
the notebook is fine) so a test can report all of them at once, and so the same function can be
shown to catch a deliberately broken copy.

Notebooks are found by globbing ``notebooks/[0-9]*.ipynb``; set ``LESSONLIB_NOTEBOOK_DIR`` to run
the checks on another directory (used while developing the tests).
"""
import ast
import difflib
import os
import queue
import re
import subprocess
import sys
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIR = Path(os.environ.get("LESSONLIB_NOTEBOOK_DIR", ROOT / "notebooks"))
IGNORE_TAG = "nbval-ignore-output"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
# nbval's other escape hatches: none of them belongs in these notebooks
FORBIDDEN_TAGS = {"nbval-skip", "nbval-raises-exception", "raises-exception", "nbval-check-output"}
FORBIDDEN_MARKER = re.compile(r"^\s*#\s*(NBVAL_\w+|PYTEST_VALIDATE_IGNORE_OUTPUT)\b", re.MULTILINE)
SNAPSHOT_CALL = re.compile(r"\.snapshot\(\s*\)")

# What must never appear in a stored (or re-run) text output.
BAD_TEXT = [
    ("a traceback", re.compile(r"Traceback \(most recent call last\)")),
    ("a warning", re.compile(r"\b[A-Z]\w*Warning\b|^\s*warnings\.warn\(", re.MULTILINE)),
    ("a dashboard error", re.compile(r"Could not redraw")),
    ("a memory address", re.compile(r"\b0x[0-9a-fA-F]{6,}\b")),
    ("an absolute path", re.compile(r"(?<![\w.~])/(?:work|tmp|home|root|usr|opt|var|srv|mnt|Users|private)/"
                                    r"|\b[A-Za-z]:\\\\?[\w. -]+\\|site-packages")),
]
TEXT_MIMES = ("text/plain", "text/html", "text/markdown", "text/latex", "application/json")


def notebook_paths():
    """The lesson notebooks, in order (``notebooks/[0-9]*.ipynb``)."""
    return sorted(NOTEBOOK_DIR.glob("[0-9]*.ipynb"))


def read(path):
    return nbformat.read(str(path), as_version=4)


def source(cell):
    return cell.source if isinstance(cell.source, str) else "".join(cell.source)


def code_cells(nb):
    return [(i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code"]


def tags(cell):
    return list(cell.get("metadata", {}).get("tags", []))


def refresh_command(path):
    try:
        rel = Path(path).resolve().relative_to(ROOT)
    except ValueError:
        rel = Path(path)
    return f"lessonlib refresh {rel.as_posix()}"


# ---- (a) every code cell was executed, top to bottom, in one kernel ---------------------------
def execution_problems(nb):
    """Cells nbval would silently skip (no execution_count), empty cells, and out-of-order counts."""
    problems, counts = [], []
    for i, cell in code_cells(nb):
        count = cell.get("execution_count")
        if not source(cell).strip():
            problems.append(f"cell {i}: empty code cell (delete it)")
        elif count is None:
            what = "has outputs but no execution_count" if cell.outputs else "was never executed"
            problems.append(f"cell {i}: {what}; nbval does not compare such a cell")
        else:
            counts.append(count)
        for out in cell.get("outputs", []):
            if out.get("output_type") == "execute_result" and out.get("execution_count") != count:
                problems.append(f"cell {i}: its result's execution_count {out.get('execution_count')} "
                                f"differs from the cell's {count}")
    if counts and counts != list(range(1, len(counts) + 1)):
        problems.append(f"execution counts {counts} are not 1..{len(counts)}: the stored outputs do not come "
                        "from one clean top-to-bottom run")
    return problems


# ---- (b) freshness -----------------------------------------------------------------------------
def freshness_problem(path, nb=None):
    """None when the stamp lessonlib.refresh wrote matches the notebook's code and lessonlib's source."""
    from lessonlib.tools.refresh import STAMP_KEY, source_hash

    nb = read(path) if nb is None else nb
    stamp = nb.metadata.get(STAMP_KEY)
    if stamp == source_hash(nb):
        return None
    why = ("has no freshness stamp" if stamp is None else
           "is stale: its code cells or lessonlib/data changed since its outputs were stored")
    return f"{Path(path).name} {why}. Re-execute it with:  {refresh_command(path)}"


# ---- (c) nbval-ignore-output marks dashboards and nothing else -------------------------------
def last_statement_is_expression(src):
    try:
        body = ast.parse(src).body
    except SyntaxError:
        return False  # IPython magics etc.: not a plain dashboard cell
    return bool(body) and isinstance(body[-1], ast.Expr)


def has_widget_view(cell):
    return any(WIDGET_MIME in out.get("data", {}) for out in cell.get("outputs", []))


def has_png(cell):
    return any("image/png" in out.get("data", {}) for out in cell.get("outputs", []))


def dashboard_cells(nb):
    """Indices of the cells tagged nbval-ignore-output (the dashboard cells)."""
    return [i for i, c in code_cells(nb) if IGNORE_TAG in tags(c)]


def ignore_tag_problems(nb):
    """A tagged cell must display a dashboard (its last statement is an expression whose stored
    output is a widget view); every widget view is tagged; the next code cell calls .snapshot()
    and stores a PNG; and no other nbval escape hatch is used."""
    problems = []
    cells = code_cells(nb)
    for k, (i, cell) in enumerate(cells):
        src, cell_tags = source(cell), tags(cell)
        bad = sorted(FORBIDDEN_TAGS.intersection(cell_tags))
        if bad:
            problems.append(f"cell {i}: tag(s) {bad} hide the cell from nbval; only dashboards may be tagged "
                            f"{IGNORE_TAG}")
        marker = FORBIDDEN_MARKER.search(src)
        if marker:
            problems.append(f"cell {i}: comment marker {marker.group(1)} changes what nbval checks; remove it")
        tagged, widget = IGNORE_TAG in cell_tags, has_widget_view(cell)
        if tagged and not widget:
            problems.append(f"cell {i}: tagged {IGNORE_TAG} but its output is not a widget view: only the "
                            "cell that displays a dashboard may skip output comparison")
        if widget and not tagged:
            problems.append(f"cell {i}: displays a widget but is not tagged {IGNORE_TAG}")
        if tagged and not last_statement_is_expression(src):
            problems.append(f"cell {i}: tagged {IGNORE_TAG} but its last line does not display a dashboard "
                            "(end the cell with the dashboard object)")
        if tagged:
            nxt = cells[k + 1][1] if k + 1 < len(cells) else None
            where = f"cell {cells[k + 1][0]}" if nxt is not None else "(none)"
            if nxt is None or not SNAPSHOT_CALL.search(source(nxt)):
                problems.append(f"cell {i}: the dashboard is not followed by a code cell calling .snapshot() "
                                f"(next code cell: {where})")
            elif IGNORE_TAG in tags(nxt):
                problems.append(f"{where}: the snapshot cell must be compared, not tagged {IGNORE_TAG}")
            elif not has_png(nxt):
                problems.append(f"{where}: the snapshot cell stores no PNG, so GitHub/nbviewer show no figure")
    return problems


# ---- (d) stored outputs are clean ------------------------------------------------------------
def output_texts(outputs):
    """(label, text) for every textual part of a list of outputs; errors and stderr are labelled."""
    for out in outputs:
        kind = out.get("output_type")
        if kind == "error":
            yield "error", f"{out.get('ename')}: {out.get('evalue')}"
        elif kind == "stream":
            text = out.get("text", "")
            yield out.get("name", "stream"), text if isinstance(text, str) else "".join(text)
        else:
            for mime, value in out.get("data", {}).items():
                if mime in TEXT_MIMES or mime.startswith("text/"):
                    yield mime, value if isinstance(value, str) else "".join(map(str, value))


def text_problems(label, text):
    return [f"{what} in {label}: {_excerpt(text, m.start())!r}"
            for what, pattern in BAD_TEXT for m in [pattern.search(text)] if m]


def outputs_problems(outputs):
    """Errors, stderr (warnings, log lines) and bad text in one cell's outputs."""
    problems = []
    for label, text in output_texts(outputs):
        if label == "error":
            problems.append(f"an error output ({text[:120]})")
        elif label == "stderr":
            problems.append(f"stderr output (a warning or log line): {text[:160]!r}")
        else:
            problems += text_problems(label, text)
    return problems


def output_problems(nb):
    return [f"cell {i}: {p}" for i, cell in code_cells(nb) for p in outputs_problems(cell.get("outputs", []))]


def _excerpt(text, at, width=60):
    return text[max(0, at - width // 2): at + width]


# ---- running a notebook's code twice in one kernel -------------------------------------------
class KernelRun:
    """Execute code cells in one ipykernel (the running interpreter), collecting text outputs.

    Uses jupyter_client directly with short polling slices and a deadline per cell, so a lost
    reply fails the test instead of hanging it (nbclient issue 312)."""

    def __init__(self, cwd, startup_timeout=60):
        from jupyter_client.manager import start_new_kernel

        env = dict(os.environ, PYTHONHASHSEED="0", MPLBACKEND="module://matplotlib_inline.backend_inline")
        self.km, self.kc = start_new_kernel(kernel_name="python3", startup_timeout=startup_timeout,
                                            cwd=str(cwd), env=env, stderr=subprocess.DEVNULL)

    def run(self, code, timeout=120):
        """Run ``code``; returns (outputs as nbformat-like dicts, reply status)."""
        msg_id = self.kc.execute(code, store_history=True, allow_stdin=False)
        deadline, outputs, idle = time.monotonic() + timeout, [], False
        while not idle:
            if time.monotonic() > deadline:
                raise TimeoutError(f"no idle status within {timeout} s")
            try:
                msg = self.kc.get_iopub_msg(timeout=0.5)
            except queue.Empty:
                continue
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "status":
                idle = content["execution_state"] == "idle"
            elif kind == "stream":       # merge chunks as Jupyter does: their split depends on timing
                if outputs and outputs[-1]["output_type"] == "stream" and outputs[-1]["name"] == content["name"]:
                    outputs[-1]["text"] += content["text"]
                else:
                    outputs.append({"output_type": "stream", "name": content["name"], "text": content["text"]})
            elif kind in ("execute_result", "display_data"):
                outputs.append({"output_type": kind, "data": content["data"]})
            elif kind == "error":
                outputs.append({"output_type": "error", "ename": content["ename"], "evalue": content["evalue"],
                                "traceback": content["traceback"]})
        status = "unknown"
        while time.monotonic() < deadline:
            try:
                reply = self.kc.get_shell_msg(timeout=0.5)
            except queue.Empty:
                continue
            if reply["parent_header"].get("msg_id") == msg_id:
                status = reply["content"]["status"]
                break
        return outputs, status

    def close(self):
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)


def comparable_text(outputs):
    """The text nbval would compare (stdout, stderr, text/plain, text/html), as one string."""
    parts = []
    for label, text in output_texts(outputs):
        if label in ("stdout", "stderr", "error", "text/plain", "text/html", "text/latex"):
            parts.append(f"[{label}] {text}")
    return "\n".join(parts)


def run_twice_problems(path, cell_timeout=120):
    """Run every code cell top to bottom in a fresh kernel ("restart and run all"), then all of them
    again in the same kernel; report errors, stderr/warnings, and text that differs between passes."""
    nb = read(path)
    cells = code_cells(nb)
    kernel = KernelRun(Path(path).parent)
    problems, first = [], {}
    try:
        for run in (1, 2):
            for i, cell in cells:
                outputs, status = kernel.run(source(cell), timeout=cell_timeout)
                where = f"run {run}, cell {i}"
                if status != "ok":
                    problems.append(f"{where}: execute_reply status {status!r}")
                problems += [f"{where}: {p}" for p in outputs_problems(outputs)]
                text = comparable_text(outputs)
                if run == 1:
                    first[i] = text
                elif text != first[i]:
                    diff = [line for line in difflib.unified_diff(first[i].splitlines(), text.splitlines(),
                                                                  "first run", "second run", lineterm="", n=0)]
                    problems.append(f"{where}: output differs from the first run (the cell depends on state a "
                                    "previous run left behind):\n    " + "\n    ".join(diff[:12]))
    finally:
        kernel.close()
    return problems


def ignored_cells_table():
    """Markdown rows: every nbval-ignore-output cell, what it shows and where its snapshot is."""
    rows = ["| notebook | cell | nbval item | dashboard | reason |", "| --- | --- | --- | --- | --- |"]
    for path in notebook_paths():
        nb = read(path)
        cells = code_cells(nb)
        for k, (i, cell) in enumerate(cells):
            if IGNORE_TAG not in tags(cell):
                continue
            last = source(cell).strip().splitlines()[-1].strip()
            nxt = cells[k + 1] if k + 1 < len(cells) else (None, None)
            caption = ""
            for out in (nxt[1].outputs if nxt[1] is not None else []):
                caption = out.get("data", {}).get("text/plain", caption)
            match = re.match(r"(.*?) at \w+ = ", caption)   # "<title> at <name> = <value>, ..."
            title = match.group(1) if match else last
            rows.append(f"| {path.name} | {i} | `Cell {k}` | {title} (`{last}`) | a live widget view "
                        "(its text is a one-line placeholder), not content; "
                        f"the `.snapshot()` in cell {nxt[0]} is compared instead |")
    return "\n".join(rows)


if __name__ == "__main__":  # python tests/notebook_checks.py [--ignored-cells]
    if "--ignored-cells" in sys.argv:
        print(ignored_cells_table())
        sys.exit(0)
    for p in notebook_paths():
        nb = read(p)
        issues = execution_problems(nb) + ignore_tag_problems(nb) + output_problems(nb)
        stale = freshness_problem(p, nb)
        print(p.name, "OK" if not (issues or stale) else "")
        for line in issues + ([stale] if stale else []):
            print("  ", line)
    sys.exit(0)
