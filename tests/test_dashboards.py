"""One sweep over the dashboard registry (lessonlib.dashboards): every dashboard of every lesson.

Each control goes to each end of its range (and through its middle) and back: no error, no warning,
the picture changes when the value does, and coming back redraws exactly the picture we started with.
Speed is measured by benchmarks/slider_latency.py, not here.
"""
import warnings

import pytest

from lessonlib.dashboards import DASHBOARDS, LESSONS, MAIN_DASHBOARDS, TITLES
from lessonlib.dashboards.machinery import control_values


def test_the_registry_is_one_of_everything():
    for name, build in DASHBOARDS.items():
        assert build.__name__ == name, f"the builder of {name!r} is called {build.__name__!r}"
        assert TITLES.get(name, "").strip(), f"{name!r} has no human title"
    assert sorted(MAIN_DASHBOARDS) == sorted(LESSONS) == ["01", "02", "03", "04"]
    assert all(name in DASHBOARDS for name in MAIN_DASHBOARDS.values())


def sweep_values(control):
    values = control_values(control, n=3)
    return values if len(values) <= 3 else [values[0], values[len(values) // 2], values[-1]]


@pytest.fixture(scope="module", params=sorted(DASHBOARDS))
def dash(request):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        board = DASHBOARDS[request.param]()
    assert board.last_error is None, board.last_error
    return board


def test_every_control_across_its_range_and_back(dash):
    for name, control in dash.controls.items():
        start_value, start_png = control.value, bytes(dash.image.value)
        for value in sweep_values(control):
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                control.value = value
            assert dash.last_error is None, (name, value, dash.last_error)
            assert "Traceback" not in dash.message.value and "Could not redraw" not in dash.message.value
        control.value = start_value
        assert dash.last_error is None
        assert bytes(dash.image.value) == start_png, f"{name}: coming back did not redraw the same picture"


def test_a_change_redraws_and_the_snapshot_names_the_values(dash):
    control = next(iter(dash.controls.values()))
    start_value, start_png = control.value, bytes(dash.image.value)
    other = next(v for v in sweep_values(control) if v != start_value)
    control.value = other
    assert bytes(dash.image.value) != start_png, "a new value left the picture unchanged"
    control.value = start_value
    snap = dash.snapshot()
    assert snap._repr_png_().startswith(b"\x89PNG") and dash.title in repr(snap)
