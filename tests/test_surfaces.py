"""Cost surfaces: gradients against central differences, the 2/λ_max stability limit, descent paths."""
import numpy as np
import pytest

from lessonlib import data, surfaces
from lessonlib.optimizers import SGD, Adam


def all_surfaces():
    x, y = data.load_study_hours()
    made = {name: make() for name, make in surfaces.SURFACES.items()}
    made["quadratic"] = surfaces.quadratic([[3.0, 1.0], [1.0, 2.0]], theta_star=(0.5, -1.0))
    made["linear regression"] = surfaces.linear_regression(x, y)
    return made


SURFACE_NAMES = list(all_surfaces())


@pytest.mark.parametrize("name", SURFACE_NAMES)
def test_gradient_matches_central_differences(name):
    s = all_surfaces()[name]
    rng = np.random.default_rng(0)
    eps = 1e-6
    for _ in range(5):
        theta = np.array([rng.uniform(*s.xlim), rng.uniform(*s.ylim)])
        numeric = np.array([(s.J(*(theta + eps * e)) - s.J(*(theta - eps * e))) / (2 * eps) for e in np.eye(2)])
        np.testing.assert_allclose(s.gradient(theta), numeric, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("name", SURFACE_NAMES)
def test_gradient_vanishes_at_the_minima(name):
    s = all_surfaces()[name]
    assert s.minima
    for m in s.minima:
        np.testing.assert_allclose(s.gradient(m), [0.0, 0.0], atol=1e-10)


@pytest.mark.parametrize("name", SURFACE_NAMES)
def test_J_works_on_grids(name):
    T0, T1, J = all_surfaces()[name].grid(n=15)
    assert T0.shape == T1.shape == J.shape == (15, 15)
    assert np.all(np.isfinite(J))


def test_max_stable_lr_is_2_over_the_largest_eigenvalue():
    H = [[3.0, 1.0], [1.0, 2.0]]
    s = surfaces.quadratic(H)
    assert s.max_stable_lr() == pytest.approx(2.0 / np.linalg.eigvalsh(H).max(), rel=1e-14)
    assert surfaces.ravine(20.0).max_stable_lr() == pytest.approx(0.1, rel=1e-14)
    with pytest.raises(ValueError, match="not a quadratic"):
        surfaces.rosenbrock().max_stable_lr()


@pytest.mark.parametrize("surface", [surfaces.ravine(20.0), surfaces.quadratic([[3.0, 1.0], [1.0, 2.0]])],
                         ids=["ravine", "quadratic"])
def test_plain_sgd_converges_just_below_the_limit_and_diverges_just_above(surface):
    limit = surface.max_stable_lr()
    below = surfaces.descend(surface, SGD(0.98 * limit), steps=3000)
    above = surfaces.descend(surface, SGD(1.02 * limit), steps=3000)
    assert not below.diverged
    assert below.cost[-1] < 1e-10
    np.testing.assert_allclose(below.theta[-1], surface.minima[0], atol=1e-5)
    assert above.diverged
    assert len(above.cost) < 3001


def test_linear_regression_minimum_is_least_squares():
    x, y = data.load_study_hours()
    s = surfaces.linear_regression(x, y)
    A = np.column_stack([np.ones_like(x), x])
    theta_star = np.linalg.lstsq(A, y, rcond=None)[0]
    np.testing.assert_allclose(s.minima[0], theta_star, rtol=1e-12)
    assert s.J(*theta_star) == pytest.approx(0.5 * np.mean((A @ theta_star - y) ** 2), rel=1e-12)
    t0, t1 = 1.0, 0.3
    assert s.J(t0, t1) == pytest.approx(0.5 * np.mean((t0 + t1 * x - y) ** 2), rel=1e-12)
    path = surfaces.descend(s, SGD(0.9 * s.max_stable_lr()), steps=5000)
    np.testing.assert_allclose(path.theta[-1], theta_star, atol=1e-6)


def test_descend_records_the_path():
    s = surfaces.ravine()
    path = surfaces.descend(s, SGD(0.01), steps=10)
    assert path.theta.shape == (11, 2) and path.cost.shape == (11,)
    np.testing.assert_array_equal(path.theta[0], s.start)
    np.testing.assert_allclose(path.cost, [s.J(*t) for t in path.theta], rtol=1e-15)
    assert np.all(np.diff(path.cost) < 0)
    assert not path.diverged and path.message == ""


def test_descend_resets_the_optimizer():
    s = surfaces.rosenbrock()
    opt = Adam(0.05)
    first = surfaces.descend(s, opt, steps=20)
    second = surfaces.descend(s, opt, steps=20)
    np.testing.assert_array_equal(first.theta, second.theta)


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("name", SURFACE_NAMES)
def test_descend_on_a_huge_lr_reports_divergence_without_warnings(name):
    path = surfaces.descend(all_surfaces()[name], SGD(1e6), steps=100)
    assert path.diverged
    assert "diverged after" in path.message and "smaller learning rate" in path.message
    assert np.all(np.isfinite(path.cost))


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("name", SURFACE_NAMES)
def test_descend_until_overflow_reports_divergence_without_warnings(name):
    path = surfaces.descend(all_surfaces()[name], SGD(1e6), steps=200, bound=np.inf)   # stops only at inf/nan
    assert path.diverged and len(path.cost) < 201
    assert "diverged after" in path.message


def test_descend_rejects_a_bad_start():
    with pytest.raises(ValueError, match="start must be two finite numbers"):
        surfaces.descend(surfaces.ravine(), SGD(0.1), steps=5, start=[1.0, np.nan])
