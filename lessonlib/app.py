"""Show one lesson's dashboard alone, as a web app with Voilà (for a projector, or without code).

    python -m lessonlib.app 01                 # the main dashboard of lesson 01
    python -m lessonlib.app --list             # every dashboard, by name
    python -m lessonlib.app lambda_explorer --port 8866 --no-browser

Everything after the name is passed to ``voila``.  The app is a two-cell notebook written to a
temporary folder: nothing in the repository is touched.
"""
import subprocess
import sys
import tempfile
from pathlib import Path


def app_notebook(name):
    """A notebook (nbformat node) whose only output is the dashboard ``name``."""
    import nbformat

    code = ("from lessonlib import plots, widgets\n"
            "plots.use_presentation_style()\n"
            f"widgets.DASHBOARDS[{name!r}]()")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(code)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def resolve(name):
    """A lesson number ("01" or "1") → its main dashboard; a dashboard name → itself."""
    from lessonlib.widgets import DASHBOARDS, MAIN_DASHBOARDS

    key = name.zfill(2) if name.isdigit() else name
    key = MAIN_DASHBOARDS.get(key, key)
    if key not in DASHBOARDS:
        raise ValueError(f"unknown dashboard {name!r}; choose a lesson number {sorted(MAIN_DASHBOARDS)} "
                         f"or a name from {sorted(DASHBOARDS)}")
    return key


def write_app(name, folder):
    import nbformat

    path = Path(folder) / f"{name}.ipynb"
    nbformat.write(app_notebook(name), path)
    return path


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0
    if argv[0] == "--list":
        from lessonlib.widgets import DASHBOARDS, MAIN_DASHBOARDS

        main_of = {v: k for k, v in MAIN_DASHBOARDS.items()}
        for name in DASHBOARDS:
            print(f"{name}" + (f"   (main dashboard of lesson {main_of[name]})" if name in main_of else ""))
        return 0
    try:
        name = resolve(argv[0])
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="lessonlib-app-") as folder:
        path = write_app(name, folder)
        return subprocess.call([sys.executable, "-m", "voila", str(path), *argv[1:]])


if __name__ == "__main__":
    sys.exit(main())
