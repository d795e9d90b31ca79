"""``lessonlib``: the command-line tools of the lessons, one command with a subcommand per tool.

    lessonlib --help                        # every tool, one line each
    lessonlib app 01                        # lesson 01's dashboard as a Voilà app
    lessonlib student notebooks/ student/   # student editions
    lessonlib grade SUBMISSIONS/ --out grades.csv
    lessonlib export html handout/
    lessonlib refresh [notebooks/NN_….ipynb]
    lessonlib classroom --students 3        # a simulated class on a local JupyterHub (a clone of the repository)
    lessonlib TOOL --help                   # that tool's own options

``python -m lessonlib …`` is the same command.  Each tool lives in ``lessonlib/tools/<tool>.py`` (this dispatcher beside them) and is
called with the arguments after its name; the exit code is the tool's.
"""
import importlib
import importlib.util
import sys
from pathlib import Path

PROG = "lessonlib"
TOOLS = ("app", "student", "grade", "export", "refresh")
CLASSROOM = Path(__file__).resolve().parents[2] / "benchmarks" / "classroom.py"


def summary(tool):
    """The first line of a tool's docstring: what ``--help`` lists."""
    if tool == "classroom":
        return "A class of simulated students on a local JupyterHub: spawn, Run All, a slider; memory, CPU, capacity."
    doc = importlib.import_module(f"lessonlib.tools.{tool}").__doc__ or ""
    return doc.strip().splitlines()[0] if doc.strip() else ""


def usage():
    width = max(map(len, TOOLS + ("classroom",)))
    lines = [f"usage: {PROG} TOOL [ARGS ...]      ({PROG} TOOL --help for a tool's options)", "",
             "The lessons' command-line tools:", ""]
    lines += [f"  {tool:<{width}}  {summary(tool)}" for tool in TOOLS + ("classroom",)]
    lines += ["", "examples:", *[line for line in __doc__.splitlines() if line.startswith("    lessonlib ")]]
    return "\n".join(lines)


def classroom_main(argv):
    """The classroom benchmark is a script of the repository (benchmarks/), not of the installed package."""
    if not CLASSROOM.exists():
        print(f"{PROG} classroom: {CLASSROOM} is missing (it ships with a clone of the repository, "
              "not with an installed package)", file=sys.stderr)
        return 2
    spec = importlib.util.spec_from_file_location("lessonlib_classroom", CLASSROOM)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.main(argv)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(usage())
        return 0 if argv else 2
    tool, rest = argv[0], argv[1:]
    if tool not in TOOLS + ("classroom",):
        print(f"{PROG}: unknown tool {tool!r}; the tools are: {', '.join(TOOLS + ('classroom',))}", file=sys.stderr)
        return 2
    saved = sys.argv[0]
    sys.argv[0] = f"{PROG} {tool}"            # argparse's usage line names the command as typed
    try:
        if tool == "classroom":
            return classroom_main(rest)
        code = importlib.import_module(f"lessonlib.tools.{tool}").main(rest)
        return code or 0
    finally:
        sys.argv[0] = saved


if __name__ == "__main__":
    sys.exit(main())
