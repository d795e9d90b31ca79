"""A static HTML edition of the lessons (a handout) that renders math and still images with no network.

    lessonlib export html OUT/              # every notebook in notebooks/: the students' handout
    lessonlib export html OUT/ notebooks/01_gradient_descent.ipynb
    lessonlib export html OUT/ --instructor # with the speaker notes and the exercises' solutions

The default handout is the students': each notebook as its student edition (``lessonlib.student``: no
speaker notes, each exercise's solution replaced by its placeholder, the exercise and check outputs
cleared).  ``--instructor`` keeps the notebooks whole.  Every picture carries its alt text (the
``alt`` in its output's metadata: ``plots.alt_text`` for figures, the dashboard's title and state for
its still image); colours meet WCAG AA contrast (axe-core finds no serious or critical violation).

Writes ``OUT/<notebook>.html`` for each lesson, ``OUT/index.html`` linking them, and ``OUT/mathjax/``:
MathJax 2 copied from the installed ``jupyter_server_mathjax`` package, which each page loads by a
relative URL (nbconvert would load it from a CDN).  Outputs are the notebooks' stored ones (run
``lessonlib refresh`` first for fresh ones): the still image of each dashboard is an
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


# Markdown's own syntax must not reach into math.  JupyterLab takes the math out before it parses the
# Markdown; nbconvert's parser (mistune) splits the text into blocks first, so an inline formula that
# runs onto a new line starting with "+ ", "- ", "> ", "# " or "1. " becomes a list, quote or heading and the
# formula's two halves pair with the wrong dollars (raw LaTeX, a stray bullet, \, eaten: words run together).
# A formula's line breaks are spaces to TeX, so the handout joins them; code is left as it is.
CODE_OR_MATH = re.compile(r"(```.*?```|~~~.*?~~~|`[^`]*`|\$\$.*?\$\$|(?<![\\$])\$(?!\$)(?:\\.|[^$\\])+?\$)", re.S)


def join_math_lines(source):
    """Markdown with every inline formula ($…$) on one line: see CODE_OR_MATH."""
    def join(match):
        span = match.group(0)
        if span.startswith("$") and not span.startswith("$$"):
            return re.sub(r"\s*\n\s*", " ", span)
        return span
    return CODE_OR_MATH.sub(join, source)


def handout_notebook(nb):
    """A copy without live widget views (they need a kernel) and without saved widget state."""
    nb = copy.deepcopy(nb)
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = join_math_lines(cell.source)
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if WIDGET_VIEW in data:
                data.pop(WIDGET_VIEW)
                data["text/plain"] = LIVE_ONLY
    return nb


# nbconvert's lab template ignores an image's alt text (it writes "No description has been provided for this
# image"): this one takes it from the output's metadata.  And colours the lab template leaves below 4.5:1 on
# white (prompts, some code highlighting) get darker ones.
TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block data_png scoped -%}
<div class="jp-RenderedImage jp-OutputArea-output {{ extra_class }}">
<img src="data:image/png;base64,{{ output.data['image/png'] | escape_html }}" alt="
{{- (output | get_metadata('alt', 'image/png') or 'A figure (no description given)') | escape_html }}">
</div>
{%- endblock data_png -%}
{%- block html_head_js -%}
{{ super() }}
<style>
body {  /* darker than the lab theme where it is under 4.5:1 on white or on a code cell's #f5f5f5 */
  --jp-cell-prompt-not-active-opacity: 1; --jp-cell-prompt-not-active-font-color: #595959;
  --jp-cell-inprompt-font-color: #1f5f99; --jp-cell-outprompt-font-color: #a0401f;
  --jp-mirror-editor-comment-color: #3a6b6b; --jp-mirror-editor-string-color: #a82222;
  --jp-mirror-editor-number-color: #006100; --jp-mirror-editor-operator-color: #8a2a9e;
  --jp-mirror-editor-builtin-color: #006100; --jp-mirror-editor-keyword-color: #006100;
  --jp-mirror-editor-meta-color: #8a2a9e; --jp-mirror-editor-atom-color: #4040c0;
  --jp-mirror-editor-bracket-color: #6b6b45; --jp-mirror-editor-quote-color: #006100;
  --jp-mirror-editor-hr-color: #666666; --jp-mirror-editor-variable-2-color: #0a4f8f;
}
</style>
{%- endblock html_head_js -%}
"""


def export_notebook(path, out, instructor=False):
    """Write OUT/<name>.html for one notebook (the students' edition unless ``instructor``); its path."""
    import jinja2
    import nbformat
    from nbconvert import HTMLExporter

    from .student import student_edition

    nb = nbformat.read(path, as_version=4)
    nb = handout_notebook(nb if instructor else nbformat.from_dict(student_edition(nb)))
    exporter = HTMLExporter(template_name="lab", mathjax_url=f"{MATHJAX_DIR}/MathJax.js?config={MATHJAX_CONFIG}",
                            require_js_url="", extra_loaders=[jinja2.DictLoader({"handout.html.j2": TEMPLATE})],
                            template_file="handout.html.j2")
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


def export_html(out, paths=None, instructor=False):
    """The whole handout in ``out`` (the instructor's with ``instructor``); returns the pages written (index first)."""
    import nbformat

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    paths = [Path(p) for p in paths] if paths else sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
    vendor_mathjax(out)
    pages = [export_notebook(p, out, instructor) for p in paths]
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
    parser.add_argument("--instructor", action="store_true",
                        help="the instructor's handout: with speaker notes and the exercises' solutions")
    args = parser.parse_intermixed_args(argv)
    try:
        pages = export_html(args.out, args.notebooks, args.instructor)
    except RuntimeError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    for page in pages:
        print(f"wrote {page}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
