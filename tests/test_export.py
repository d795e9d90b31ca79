"""``lessonlib export html OUT/``: a handout whose math and still images render with no network."""
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LESSON = ROOT / "notebooks" / "01_gradient_descent.ipynb"
CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def handout(tmp_path_factory):
    out = tmp_path_factory.mktemp("handout")
    result = subprocess.run([sys.executable, "-m", "lessonlib", "export", "html", str(out), str(LESSON)],
                            capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    return out


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

    outside = []

    def only_local(route):
        if route.request.url.startswith(("file:", "data:", "about:")):
            return route.continue_()
        outside.append(route.request.url)
        return route.abort()

    with sync_playwright() as p:
        browser = launch_browser(p)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 720})
            context.route("**/*", only_local)
            page = context.new_page()
            page.goto((handout / "01_gradient_descent.html").as_uri())
            page.wait_for_function("() => window.MathJax && MathJax.Hub && MathJax.Hub.queue.pending === 0 "
                                   "&& document.querySelectorAll('span.MathJax').length > 0", timeout=90_000)
            rendered = page.evaluate("document.querySelectorAll('span.MathJax').length")
            text = page.evaluate("Array.from(document.querySelectorAll('.jp-MarkdownOutput'))"
                                 ".map(e => e.innerText).join('\\n')")
            images = page.evaluate("Array.from(document.images).filter(i => i.complete && i.naturalWidth > 0).length")
        finally:
            browser.close()
    assert rendered >= 20
    assert not re.findall(r"\$[^$\n]{1,60}\$", text), "raw $…$ math left in the page"
    assert images >= 2
    assert outside == []
