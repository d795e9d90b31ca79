"""A static HTML edition of the lessons (a handout) that renders math and still images with no network.

    python -m lessonlib.export html OUT/              # every notebook in notebooks/
    python -m lessonlib.export html OUT/ notebooks/01_gradient_descent.ipynb

Writes ``OUT/<notebook>.html`` for each lesson, ``OUT/index.html`` linking them, and ``OUT/mathjax/``:
MathJax 2 copied from the installed ``jupyter_server_mathjax`` package, which each page loads by a
relative URL (nbconvert would load it from a CDN).  Outputs are the notebooks' stored ones (run
``python -m lessonlib.refresh`` first for fresh ones): the still image of each dashboard is an
ordinary PNG; the live widget views, which need a kernel, become one sentence, and nothing else is
loaded from the network (no require.js, no widget manager).
"""
import argparse
import copy
import html
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
LIVE_ONLY = "Interactive dashboard: it runs in the notebook with a kernel; its still image is in the next cell."
MATHJAX_DIR = "mathjax"
MATHJAX_CONFIG = "TeX-AMS-MML_HTMLorMML-full,Safe,local/lessonlib"
LOCAL_CONFIG = """\
MathJax.Hub.Config({
  "HTML-CSS": {availableFonts: [], imageFont: null, preferredFont: null, webFont: "STIX-Web"},
  messageStyle: "none"
});
MathJax.Ajax.loadComplete("[MathJax]/config/local/lessonlib.js");
"""


def mathjax_source():
    """The folder holding MathJax.js in the installed jupyter_server_mathjax package."""
    try:
        import jupyter_server_mathjax
    except ImportError as err:
        raise RuntimeError("the handout needs the jupyter-server-mathjax package "
                           "(pip install jupyter-server-mathjax): it ships MathJax for offline use") from err
    static = Path(jupyter_server_mathjax.__file__).parent / "static"
    if not (static / "MathJax.js").exists():
        raise RuntimeError(f"no MathJax.js in {static}")
    return static


def vendor_mathjax(out):
    """Copy MathJax into OUT/mathjax (skipping what the pages never load) with a local font config."""
    target = Path(out) / MATHJAX_DIR
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(mathjax_source(), target, ignore=shutil.ignore_patterns("localization", "__pycache__", "*.py"))
    (target / "config" / "local").mkdir(parents=True, exist_ok=True)
    (target / "config" / "local" / "lessonlib.js").write_text(LOCAL_CONFIG, encoding="utf-8")
    return target


def handout_notebook(nb):
    """A copy without live widget views (they need a kernel) and without saved widget state."""
    nb = copy.deepcopy(nb)
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if WIDGET_VIEW in data:
                data.pop(WIDGET_VIEW)
                data["text/plain"] = LIVE_ONLY
    return nb


def export_notebook(path, out):
    """Write OUT/<name>.html for one notebook; returns its path."""
    import nbformat
    from nbconvert import HTMLExporter

    nb = handout_notebook(nbformat.read(path, as_version=4))
    exporter = HTMLExporter(template_name="lab", mathjax_url=f"{MATHJAX_DIR}/MathJax.js?config={MATHJAX_CONFIG}",
                            require_js_url="")
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title_of(nb, path)}})
    body = re.sub(r'<script src="">\s*</script>\n?', "", body)           # no require.js: nothing needs it
    target = Path(out) / f"{Path(path).stem}.html"
    target.write_text(body, encoding="utf-8")
    return target


def title_of(nb, path):
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            heading = re.search(r"^#\s+(.+)$", cell.source, re.M)
            if heading:
                return re.sub(r"[$\\*_`]", "", heading.group(1)).strip()
    return Path(path).stem


def export_html(out, paths=None):
    """The whole handout in ``out``; returns the pages written (index first)."""
    import nbformat

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    paths = [Path(p) for p in paths] if paths else sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
    vendor_mathjax(out)
    pages = [export_notebook(p, out) for p in paths]
    items = "\n".join(f'  <li><a href="{page.name}">{html.escape(title_of(nbformat.read(p, as_version=4), p))}</a></li>'
                      for p, page in zip(paths, pages))
    index = out / "index.html"
    index.write_text(f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>How neural networks are trained: the lessons</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 48em; margin: 3em auto; line-height: 1.5">
<h1>How neural networks are trained</h1>
<p>A static edition of the lessons: text, math and still images of the dashboards. To move the sliders,
open the notebooks in JupyterLab.</p>
<ol>
{items}
</ol>
</body></html>
""", encoding="utf-8")
    return [index] + pages


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("format", choices=["html"], help="the edition to write (html)")
    parser.add_argument("out", help="folder to write into, e.g. handout/")
    parser.add_argument("notebooks", nargs="*", help="notebooks to export (default: notebooks/*.ipynb)")
    args = parser.parse_args(argv)
    try:
        pages = export_html(args.out, args.notebooks)
    except RuntimeError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    for page in pages:
        print(f"wrote {page}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
