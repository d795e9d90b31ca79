"""Lesson 01's module: the stability limits, mini-batch descent, the dashboards and the exercise checks."""
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pytest

from lessonlib import descent_lab as lab
from lessonlib import optimizers, surfaces


# ---- computations -------------------------------------------------------------------------
def test_stability_limits_match_the_hessian_eigenvalues():
    _, _, s = lab.regression_surface()
    lim = lab.stability_limits(s)
    lam = np.linalg.eigvalsh(s.hessian)
    assert lim["lam_min"] == pytest.approx(lam[0]) and lim["lam_max"] == pytest.approx(lam[1])
    assert lim["diverge"] == pytest.approx(s.max_stable_lr())
    assert lim["monotone"] == pytest.approx(lim["diverge"] / 2)
    assert lim["monotone"] < lim["best"] < lim["diverge"]


def test_descent_converges_just_below_the_limit_and_diverges_just_above():
    _, _, s = lab.regression_surface()
    lim = lab.stability_limits(s)["diverge"]
    J_min = s.J(*s.minima[0])
    below = surfaces.descend(s, optimizers.SGD(0.99 * lim), 3000)
    above = surfaces.descend(s, optimizers.SGD(1.01 * lim), 3000)
    assert not below.diverged and below.cost[-1] - J_min < 1e-6
    assert above.diverged


def test_stability_limits_refuse_a_non_quadratic():
    with pytest.raises(ValueError, match="not a quadratic"):
        lab.stability_limits(surfaces.rosenbrock())


def test_regression_gradient_on_the_full_batch_is_the_surface_gradient():
    x, y, s = lab.regression_surface()
    for theta in ([0.0, 0.0], [1.5, -0.3], [-2.0, 2.0]):
        np.testing.assert_allclose(lab.regression_gradient(np.array(theta), x, y), s.gradient(theta), rtol=1e-12)


def test_minibatch_descent_full_batch_equals_descend_and_batches_count_updates():
    x, y, s = lab.regression_surface()
    full = lab.minibatch_descent(x, y, 0.02, 15)
    ref = surfaces.descend(s, optimizers.SGD(0.02), 15)
    np.testing.assert_allclose(full.theta, ref.theta, rtol=1e-12)
    np.testing.assert_allclose(full.cost, ref.cost, rtol=1e-12)
    assert len(lab.minibatch_descent(x, y, 0.02, 3, batch_size=5).cost) == 1 + 3 * 6
    sgd = lab.minibatch_descent(x, y, 0.02, 3, batch_size=1, seed=1)
    assert len(sgd.cost) == 1 + 3 * x.size
    np.testing.assert_array_equal(sgd.theta, lab.minibatch_descent(x, y, 0.02, 3, batch_size=1, seed=1).theta)


def test_lr_sweep_classes_run_from_crawl_to_divergence():
    exps, runs = lab.lr_sweep()
    kinds = lab.classify_runs(runs)
    assert kinds[0] == "crawls" and kinds[-1] == "diverges" and "good" in kinds
    order = ["crawls", "good", "bounces", "diverges"]
    assert [order.index(k) for k in kinds] == sorted(order.index(k) for k in kinds)   # one band each, in order


def test_a_run_that_ends_above_its_start_counts_as_failed():
    exps, runs = lab.lr_sweep()
    kinds = lab.classify_runs(runs)
    for h, kind in zip(runs, kinds):
        worse = h.diverged or h.train_cost[-1] > h.initial_cost
        assert (kind == "diverges") == worse, (h.train_cost[-1], kind)


def test_lr_gallery_stops_drawing_a_path_where_it_leaves_the_window():
    _, _, s = lab.regression_surface()
    axes = lab.plot_lr_gallery(s, [(0.04, "about right"), (0.085, "far too large")], steps=60)
    (x0, x1), (y0, y1) = s.xlim, s.ylim
    kept = axes[0].lines[-2].get_xydata()              # the path: θ after every step
    assert len(kept) == 61 and ((kept[:, 0] >= x0) & (kept[:, 0] <= x1)).all()
    cut = axes[1].lines[-2].get_xydata()
    inside = (cut[:, 0] >= x0) & (cut[:, 0] <= x1) & (cut[:, 1] >= y0) & (cut[:, 1] <= y1)
    assert inside[:-1].all() and not inside[-1] and len(cut) < 61
    assert "left the plot at step" in axes[1].texts[-1].get_text()
    plt.close(axes[0].figure)


def test_plot_cost_curve_names_the_parameter():
    ax = lab.plot_cost_curve(lambda t: t ** 2, lambda t: 2 * t, -1, 1, points=[-0.5, 0.5], name="θ₁")
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["cost J(θ₁)", "tangent (slope dJ/dθ₁)", "downhill: sign of −dJ/dθ₁"]
    assert sorted(t.get_text() for t in ax.texts if t.get_text()) == ["dJ/dθ₁ = +1.0", "dJ/dθ₁ = −1.0"]
    plt.close(ax.figure)


def test_batch_comparison_uses_the_same_epochs():
    runs = lab.batch_comparison()
    assert {len(h.train_cost) for h, _ in runs.values()} == {6}
    assert all(not h.diverged for h, _ in runs.values())


# ---- dashboards ---------------------------------------------------------------------------
def control_ends(control):
    if hasattr(control, "options"):
        return list(control.options)
    if hasattr(control, "base"):
        return [control.base ** control.min, control.base ** control.max]
    return [control.min, control.max]


@pytest.fixture(scope="module", params=sorted(lab.DASHBOARDS))
def dash(request):
    return lab.DASHBOARDS[request.param]()


def test_every_control_to_each_end_and_back(dash):
    for name, control in dash.controls.items():
        start_value, start_png = control.value, bytes(dash.image.value)
        for value in control_ends(control):
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                control.value = value
            assert dash.last_error is None, (name, value, dash.last_error)
            if value != start_value:
                assert bytes(dash.image.value) != start_png, (name, value)
        control.value = start_value
        assert dash.last_error is None
        assert bytes(dash.image.value) == start_png, name


def test_explorer_messages_divergence_only_above_the_limit():
    dash = lab.learning_rate_explorer()
    lim = lab.stability_limits(lab.regression_surface()[2])["diverge"]
    dash.controls["lr"].value = 0.9 * lim
    assert dash.message.value == ""
    dash.controls["lr"].value = 10 ** dash.controls["lr"].max
    assert "diverged" in dash.message.value and "2/λ_max = 0.083" in dash.message.value
    dash.controls["steps"].value = 1
    assert "diverging" in dash.message.value


def test_network_dashboard_messages_divergence():
    dash = lab.network_learning_rate()
    assert dash.message.value == ""
    dash.controls["lr"].value = 10.0
    assert "diverged at epoch" in dash.message.value and "try α = 1.6, the largest" in dash.message.value
    dash.controls["lr"].value = 2.0                     # no overflow, but J ends above where it started
    assert "α = 2 failed: after 30 epochs" in dash.message.value
    assert dash.snapshot().caption.startswith("Full-batch gradient descent")


# ---- exercise 1 -----------------------------------------------------------------------------
def gd_step_solution(theta, grad, lr):
    return theta - lr * grad


def gd_step_in_place(theta, grad, lr):
    theta -= lr * grad
    return theta


def gd_step_in_place_no_return(theta, grad, lr):
    theta -= lr * grad


GD_MISTAKES = {
    "moved uphill": lambda t, g, lr: t + lr * g,
    "ignores the learning rate": lambda t, g, lr: t - g,
    "divided the gradient by α": lambda t, g, lr: t - g / lr,
    "returned the gradient": lambda t, g, lr: g,
    "returned the step α∇J": lambda t, g, lr: lr * g,
    "returned the change −α∇J": lambda t, g, lr: -lr * g,
    "the step is missing": lambda t, g, lr: t.copy(),
    "forget `return`": lambda t, g, lr: None,
    "changed the θ you were given": gd_step_in_place,
    "in place but returned nothing": gd_step_in_place_no_return,
    "raised ZeroDivisionError": lambda t, g, lr: 1 / 0,
    "the new θ is not θ − α∇J": lambda t, g, lr: t - 0.5 * lr * g,
    "θ's shape": lambda t, g, lr: (t - lr * g).ravel()[:1],
    "shape (2, 3)": lambda t, g, lr: np.array([0.95, -2.3]),   # hard-coded answer to the first case
}


def test_gd_step_solution_passes(capsys):
    assert lab.check_gd_step(gd_step_solution) is True
    assert capsys.readouterr().out.startswith("✓")


@pytest.mark.parametrize("expected", sorted(GD_MISTAKES))
def test_gd_step_mistakes_are_named(expected, capsys):
    assert lab.check_gd_step(GD_MISTAKES[expected]) is False
    out = capsys.readouterr().out
    assert out.startswith("✗") and expected in out, out


# ---- exercise 2 -----------------------------------------------------------------------------
def max_stable_lr_solution(H):
    return 2.0 / np.linalg.eigvalsh(H).max()


LR_MISTAKES = {
    "start to overshoot": lambda H: 1.0 / np.linalg.eigvalsh(H).max(),
    "smallest eigenvalue": lambda H: 2.0 / np.linalg.eigvalsh(H).min(),
    "used 1/λ_min": lambda H: 1.0 / np.linalg.eigvalsh(H).min(),
    "the diagonal of H: it holds": lambda H: 2.0 / np.diag(H).max(),
    "(and 1 instead of 2)": lambda H: 1.0 / np.diag(H).max(),
    "fastest α": lambda H: 2.0 / (np.linalg.eigvalsh(H).min() + np.linalg.eigvalsh(H).max()),
    "2·λ_max": lambda H: 2.0 * np.linalg.eigvalsh(H).max(),
    "λ_max/2": lambda H: np.linalg.eigvalsh(H).max() / 2,
    "the trace": lambda H: 2.0 / np.trace(H),
    "raised TypeError": lambda H: np.linalg.eigvalsh(H).tolist(),
    "not the boundary": lambda H: 0.5,
    "α converges": lambda H: 0.9 * max_stable_lr_solution(H),
}


def test_max_stable_lr_solution_passes(capsys):
    assert lab.check_max_stable_lr(max_stable_lr_solution) is True
    out = capsys.readouterr().out
    assert out.startswith("✓") and "0.5528" in out


@pytest.mark.parametrize("expected", sorted(LR_MISTAKES))
def test_max_stable_lr_mistakes_are_named(expected, capsys):
    assert lab.check_max_stable_lr(LR_MISTAKES[expected]) is False
    out = capsys.readouterr().out
    assert out.startswith("✗") and expected in out, out
