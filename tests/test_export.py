"""``lessonlib export html OUT/``: a handout whose math and still images render with no network; the
students' by default (no speaker notes, no solutions), the instructor's with ``--instructor``; every
picture with its alt text; formulas that Markdown must not break; no serious or critical axe-core
violation on any page."""
import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from lessonlib.tools.export import export_notebook, join_math_lines

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
LESSON = NOTEBOOKS[0]
CHROMIUM = Path("/usr/bin/chromium")
PLACEHOLDER_ALT = ("No description has been provided", "no description given")


def export(out, *args):
    result = subprocess.run([sys.executable, "-m", "lessonlib", "export", "html", str(out), *map(str, args)],
                            capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def handout(tmp_path_factory):
    return export(tmp_path_factory.mktemp("handout"), LESSON)


@pytest.fixture(scope="module")
def every_page(tmp_path_factory):
    """The students' handout of every lesson (the default)."""
    return export(tmp_path_factory.mktemp("handout-all"))


def offline_page(browser, path):
    """``path`` opened in Chromium with every request outside file:/data: refused; (page, refused urls)."""
    outside = []

    def only_local(route):
        if route.request.url.startswith(("file:", "data:", "about:")):
            return route.continue_()
        outside.append(route.request.url)
        return route.abort()

    context = browser.new_context(viewport={"width": 1280, "height": 720})
    context.route("**/*", only_local)
    page = context.new_page()
    page.goto(path.as_uri())
    return page, outside


def wait_for_math(page):
    page.wait_for_function("() => window.MathJax && MathJax.Hub && MathJax.Hub.queue.pending === 0 "
                           "&& document.querySelectorAll('span.MathJax').length > 0", timeout=90_000)


def markdown_text(page):
    return page.evaluate("Array.from(document.querySelectorAll('.jp-MarkdownOutput')).map(e => e.innerText).join('\\n')")


def test_pages_and_a_local_mathjax_are_written(handout):
    assert (handout / "index.html").exists() and (handout / "01_gradient_descent.html").exists()
    assert (handout / "mathjax" / "MathJax.js").exists()
    assert (handout / "mathjax" / "config" / "local" / "lessonlib.js").exists()
    page = (handout / "01_gradient_descent.html").read_text(encoding="utf-8")
    assert 'src="mathjax/MathJax.js?config=' in page
    assert "01_gradient_descent.html" in (handout / "index.html").read_text(encoding="utf-8")


def test_nothing_is_loaded_from_the_network(handout):
    page = (handout / "01_gradient_descent.html").read_text(encoding="utf-8")
    assert not re.findall(r'<(?:script|link)[^>]+(?:src|href)="(?:https?:)?//', page)
    assert "application/vnd.jupyter.widget-view+json" not in page      # live views need a kernel
    assert page.count("data:image/png;base64") >= 2                      # the still images are embedded


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium")
def test_math_renders_offline_in_chromium(handout):
    from playwright.sync_api import sync_playwright

    from lab_harness import launch_browser

    with sync_playwright() as p:
        browser = launch_browser(p)
        try:
            page, outside = offline_page(browser, handout / "01_gradient_descent.html")
            wait_for_math(page)
            rendered = page.evaluate("document.querySelectorAll('span.MathJax').length")
            text = markdown_text(page)
            images = page.evaluate("Array.from(document.images).filter(i => i.complete && i.naturalWidth > 0).length")
        finally:
            browser.close()
    assert rendered >= 20
    assert not re.findall(r"\$[^$\n]{1,60}\$", text), "raw $…$ math left in the page"
    assert images >= 2
    assert outside == []


# ---- the formulas of 02 §5: an inline formula that runs onto a line starting with "+ " ---------------
GARBLED = r"""Why both sides? Taylor's formula, $J(\theta \pm \varepsilon e_i) = J \pm \varepsilon\,\partial_i J
+ \tfrac{\varepsilon^2}{2}\partial_i^2 J \pm \dots$, shows that the one-sided quotient $(J(\theta + \varepsilon e_i) - J(\theta))/\varepsilon$
is off by a term of order $\varepsilon$. Each $J$ carries an error of about $u\,|J|$ ($u \approx 2.2 \cdot 10^{-16}$),
and a formula may break before a minus, $a = b
- c$, a heading mark, $x
# y$, or a number, $n = 3 +
1. 5$.  Code keeps its dollars, `cost = $5 + tax`, and so does a display:
$$J = \frac{1}{2N}\sum_i r_i^2
+ \lambda\Omega$$"""


def test_markdown_does_not_reach_into_formulas():
    joined = join_math_lines(GARBLED)
    assert "J \\pm \\varepsilon\\,\\partial_i J + \\tfrac" in joined and "$a = b - c$" in joined
    assert "`cost = $5 + tax`" in joined and "r_i^2\n+ \\lambda" in joined          # code and display math kept
    assert join_math_lines(joined) == joined


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium")
def test_a_paragraph_with_formulas_across_lines_renders_whole(tmp_path):
    """nbconvert's Markdown turned the "+ " line into a bullet, paired the wrong dollars and ate "\\,"."""
    from playwright.sync_api import sync_playwright

    from lab_harness import launch_browser

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Checking\n\n" + GARBLED)])
    path = tmp_path / "02_synthetic.ipynb"
    nbformat.write(nb, path)
    (tmp_path / "mathjax").symlink_to(__import__("lessonlib.tools.export", fromlist=["x"]).mathjax_source())
    page_path = export_notebook(path, tmp_path, instructor=True)
    html = page_path.read_text(encoding="utf-8")
    body = html[html.index("<h1"):]
    assert "<li>" not in body and "<h1" in body and body.count("<h1") == 1       # no stray bullet or heading
    with sync_playwright() as p:
        browser = launch_browser(p)
        try:
            page, outside = offline_page(browser, page_path)
            wait_for_math(page)
            text = markdown_text(page)
            formulas = page.evaluate("document.querySelectorAll('span.MathJax').length")
        finally:
            browser.close()
    assert "$" not in text.replace("cost = $5", ""), text           # every formula typeset, no raw LaTeX left
    assert "\\tfrac" not in text and "\\varepsilon" not in text
    assert formulas == 10, formulas                                  # nine inline formulas and one display
    assert "shows that the one-sided quotient" in text and "and a formula may break" in text
    assert outside == []


# ---- whose handout: the students' by default, the instructor's on request -----------------------
def solution_lines(nb):
    """The solutions' own lines: long enough, and written nowhere else in the notebook (a prompt may quote one)."""
    from lessonlib.tools.student import BEGIN, END, solutions
    block = re.compile(rf"^[ \t]*{BEGIN}\n.*?^[ \t]*{END}\n?", re.S | re.M)
    elsewhere = "\n".join(block.sub("", "".join(c["source"])) for c in nb["cells"])
    return [line.strip() for b in solutions(nb) for line in b.splitlines()
            if len(line.strip()) > 20 and line.strip() not in elsewhere]


def test_the_default_handout_is_the_students_and_the_instructors_is_a_flag(every_page, tmp_path):
    instructor = export(tmp_path / "instructor", "--instructor", LESSON)
    nb = json.loads(LESSON.read_text(encoding="utf-8"))
    notes = [c for c in nb["cells"] if c["metadata"].get("slideshow", {}).get("slide_type") == "notes"]
    assert notes and solution_lines(nb)
    first_note = "".join(notes[0]["source"]).splitlines()[-1].strip()
    import html as html_module
    for folder, whose in ((every_page, "student"), (instructor, "instructor")):
        page = (folder / LESSON.with_suffix(".html").name).read_text(encoding="utf-8")
        page = html_module.unescape(re.sub(r"<[^>]+>", "", page[page.index("<body"):]))     # the text a reader sees
        shown = [line for line in solution_lines(nb) if line in page]
        if whose == "student":
            assert "Speaker notes" not in page
            assert not shown, shown[:3]
            assert "NotImplementedError" in page                     # the placeholder instead
        else:
            assert "Speaker notes" in page and len(shown) == len(solution_lines(nb))
    assert first_note


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_picture_in_the_handout_says_what_it_shows(path, every_page):
    page = (every_page / path.with_suffix(".html").name).read_text(encoding="utf-8")
    alts = re.findall(r'<img[^>]*\balt="([^"]*)"', page)
    assert len(alts) == len(re.findall(r"<img\b", page)) and alts
    vague = [a for a in alts if not a.strip() or any(p in a for p in PLACEHOLDER_ALT)]
    assert not vague, f"{len(vague)} of {len(alts)} pictures without alt text (refresh the notebook)"


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium")
def test_no_serious_or_critical_accessibility_violation_on_any_handout_page(every_page):
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    from lab_harness import launch_browser

    found = {}
    with sync_playwright() as p:
        browser = launch_browser(p)
        try:
            for html_page in sorted(every_page.glob("*.html")):
                page, _ = offline_page(browser, html_page)
                if html_page.name != "index.html":
                    wait_for_math(page)
                page.evaluate(Axe().axe_script)
                result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
                found[html_page.name] = [(v["id"], v["impact"], len(v["nodes"]), v["nodes"][0]["target"])
                                         for v in result["violations"] if v["impact"] in ("serious", "critical")]
                page.context.close()
        finally:
            browser.close()
    assert len(found) == len(NOTEBOOKS) + 1
    assert all(v == [] for v in found.values()), found
