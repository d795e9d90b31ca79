"""Each numbered notebook is a lesson (../shared/LESSONS.md): a core path within budget, optional
material marked, exercises spread through it, and a core path that runs without the optional cells."""
import pytest

import lesson_shape
import notebook_checks as checks

NOTEBOOKS = checks.notebook_paths()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_the_core_path_is_within_budget(path):
    assert lesson_shape.problems(lesson_shape.shape(path)) == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_exercises_sit_beside_their_ideas_not_in_a_block_at_the_end(path):
    report = lesson_shape.shape(path)
    positions = [i / report["cells"] for i, _ in report["exercises"]]
    assert positions and positions[0] < 0.5, f"the first exercise is at {positions[:1]} of the notebook"
    gaps = [b - a for a, b in zip(positions, positions[1:])]
    assert max(gaps, default=1) > 0.1, f"all exercises sit together: {positions}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_core_cell_needs_an_optional_one(path):
    nb = checks.read(path)
    kernel = checks.KernelRun(path.parent)
    problems = []
    try:
        for i, cell in checks.code_cells(nb):
            if lesson_shape.is_optional(cell):
                continue
            outputs, status = kernel.run(checks.source(cell), timeout=120)
            if status != "ok":
                problems.append(f"cell {i}: {status}: " + "; ".join(o.get("evalue", "") for o in outputs
                                                                  if o["output_type"] == "error"))
    finally:
        kernel.close()
    assert problems == []


def test_the_shape_counts_what_it_says():
    text = "## A heading\n\nOne two $x^2$ three.\n\n$$J = \\frac12 \\sum r^2$$\n\n* four five\n* six"
    assert lesson_shape.words(text) == 12       # tokens: heading 3, "One two MATH three." 4, bullets 3 + 2; no display math
    assert [len(p.split()) for p in lesson_shape.paragraphs(text)] == [4, 3, 2]
    cell = {"cell_type": "markdown", "source": "### Going further (optional): the optimal α",
            "metadata": {"tags": ["optional"]}}
    assert lesson_shape.OPTIONAL_HEADING.match(cell["source"]) and lesson_shape.is_optional(cell)
    assert lesson_shape.MINUTES.search("- **Time:** ~6 min").group(1) == "6"
