"""Lesson 01's study-hours module (descent_lab): its computations, its dashboards' messages, and the numbers
notebook 01's prose states about the regression (the network's are in test_descent_network.py, the
exercises' in test_descent_exercises.py; the dashboards' sweep over every control is the registry sweep)."""
import matplotlib.pyplot as plt
import numpy as np
import pytest

from lessonlib import descent_lab as lab
from lessonlib import descent_network as netlab
from lessonlib import optimizers, surfaces
from lessonlib.dashboards import descent as dashboards
from lessonlib.exercises import descent_loop


@pytest.fixture(scope="module")
def regression():
    return lab.regression_surface()


# ---- computations -------------------------------------------------------------------------
def test_stability_limits_match_the_hessian_eigenvalues(regression):
    _, _, s = regression
    lim = lab.stability_limits(s)
    h = np.linalg.eigvalsh(s.hessian)
    assert lim["h_min"] == pytest.approx(h[0]) and lim["h_max"] == pytest.approx(h[1])
    assert lim["kappa"] == pytest.approx(h[1] / h[0])
    assert lim["diverge"] == pytest.approx(s.max_stable_lr())
    assert lim["monotone"] == pytest.approx(lim["diverge"] / 2)
    assert lim["monotone"] < lim["best"] < lim["diverge"]


def test_descent_converges_just_below_the_limit_and_diverges_just_above(regression):
    _, _, s = regression
    lim = lab.stability_limits(s)["diverge"]
    J_min = s.J(*s.minima[0])
    below = surfaces.descend(s, optimizers.SGD(0.99 * lim), 3000)
    above = surfaces.descend(s, optimizers.SGD(1.01 * lim), 3000)
    assert not below.diverged and below.cost[-1] - J_min < 1e-6
    assert above.diverged


def test_stability_limits_refuse_a_non_quadratic():
    with pytest.raises(ValueError, match="not a quadratic"):
        lab.stability_limits(surfaces.rosenbrock())


def test_hessian_is_the_mean_of_1_x_x_squared(regression):
    x, _, s = regression
    np.testing.assert_allclose(s.hessian, [[1, x.mean()], [x.mean(), (x * x).mean()]], rtol=1e-12)


def test_regression_gradient_on_the_full_batch_is_the_surface_gradient(regression):
    x, y, s = regression
    for theta in ([0.0, 0.0], [1.5, -0.3], [-2.0, 2.0]):
        np.testing.assert_allclose(lab.regression_gradient(np.array(theta), x, y), s.gradient(theta), rtol=1e-12)


def test_minibatch_descent_full_batch_equals_descend_and_batches_count_updates(regression):
    x, y, s = regression
    full = lab.minibatch_descent(x, y, 0.02, 15)
    ref = surfaces.descend(s, optimizers.SGD(0.02), 15)
    np.testing.assert_allclose(full.theta, ref.theta, rtol=1e-12)
    np.testing.assert_allclose(full.cost, ref.cost, rtol=1e-12)
    five = lab.minibatch_descent(x, y, 0.02, 3, batch_size=5)
    assert len(five.cost) == 1 + 3 * 6 and five.updates_per_epoch == 6 and five.batch_size == 5
    sgd = lab.minibatch_descent(x, y, 0.02, 3, batch_size=1, seed=1)
    assert len(sgd.cost) == 1 + 3 * x.size
    np.testing.assert_array_equal(sgd.theta, lab.minibatch_descent(x, y, 0.02, 3, batch_size=1, seed=1).theta)


def test_minibatch_thetas_is_the_path_of_minibatch_descent_and_the_exercise_reference(regression):
    x, y, s = regression
    for B, epochs, seed in ((1, 1, 0), (4, 3, 2), (7, 2, 0), (30, 2, 1)):
        path = lab.minibatch_descent(x, y, 0.02, epochs, batch_size=B, seed=seed)
        thetas = lab.minibatch_thetas(s.start, x, y, 0.02, B, epochs, seed)
        np.testing.assert_allclose(thetas, path.theta, rtol=1e-12, atol=0)
        np.testing.assert_allclose(thetas, descent_loop.minibatch_descent_reference(s.start, x, y, 0.02, B, epochs, seed),
                                   rtol=1e-12, atol=0)


def test_batch_runs_give_paths_with_costs_and_report_divergence(regression):
    x, y, s = regression
    [p] = lab.batch_runs(lab.minibatch_thetas, x, y, 0.02, 5, epochs=3)
    ref = lab.minibatch_descent(x, y, 0.02, 3, batch_size=5, seed=0)
    np.testing.assert_allclose(p.cost, ref.cost, rtol=1e-12)
    assert p.updates_per_epoch == 6 and p.batch_size == 5 and not p.diverged
    runs = lab.batch_runs(lab.minibatch_thetas, x, y, 0.2, 1, epochs=20, seeds=range(2))
    assert all(r.diverged for r in runs)


def test_max_stable_lr_is_two_over_h_max_for_any_input(regression):
    x, _, s = regression
    assert lab.max_stable_lr(x) == pytest.approx(s.max_stable_lr(), rel=1e-12)
    for u in lab.rescaled_inputs(x).values():
        assert lab.max_stable_lr(u) == pytest.approx(surfaces.linear_regression(u, u).max_stable_lr(), rel=1e-12)


def test_outcome_says_converged_diverged_or_how_far(regression):
    _, _, s = regression
    limit = s.max_stable_lr()
    assert lab.outcome(s, 0.95 * limit) == "converged" and lab.outcome(s, 1.05 * limit) == "diverged"
    assert lab.outcome(s, 0.002, steps=10).startswith("J − J* fell to")


def test_spread_and_change_in_words():
    assert lab.spread([3.0, 1.0, 2.0]) == "2.000 (1.000 … 3.000)"
    assert lab.change(10.0, 3.0) == "−70%" and lab.change(2.0, 516.0) == "grew ×258"


def test_minibatch_descent_takes_an_optimizer_and_a_schedule(regression):
    x, y, _ = regression
    seen = []
    opt = optimizers.SGD(1.0)
    lab.minibatch_descent(x, y, None, 3, batch_size=10, optimizer=opt, schedule=lambda k: seen.append(k) or 0.01)
    assert seen == [0, 1, 2] and opt.lr == 0.01


def test_conditioning_rounds_the_valley(regression):
    x, y, _ = regression
    rows = lab.conditioning(x, y)
    kappas = [lim["kappa"] for _, _, lim, _ in rows]
    steps = [k for _, _, _, k in rows]
    assert [round(kappas[0]), round(kappas[1], 1), round(kappas[2], 6)] == [88, 6.6, 1.0]
    assert steps[0] > 10 * steps[1] and steps[2] == 1


def test_lr_gallery_stops_drawing_a_path_where_it_leaves_the_window(regression):
    _, _, s = regression
    axes = lab.plot_lr_gallery(s, [(0.04, "smooth"), (0.085, "diverges")], steps=60)
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


def test_batch_paths_start_marker_is_under_every_path(regression):
    x, y, s = regression
    paths = {"full": lab.minibatch_descent(x, y, 0.02, 2), "B = 5": lab.minibatch_descent(x, y, 0.02, 2, 5)}
    axes = lab.plot_batch_paths(s, paths)
    start = [ln for ln in axes[0].lines if ln.get_marker() == "s"][0]
    assert all(ln.get_zorder() > start.get_zorder() for ln in axes[0].lines if ln.get_label() in paths)
    assert axes[1].get_xlabel().startswith("examples processed")
    five = [ln for ln in axes[1].lines if ln.get_label() == "B = 5"][0]
    np.testing.assert_array_equal(five.get_xdata()[:3], [0, 5, 10])
    full = [ln for ln in axes[0].lines if ln.get_label() == "full"][0]
    assert full.get_color() == "#000000" and full.get_zorder() == max(ln.get_zorder() for ln in axes[0].lines
                                                                      if ln.get_label() in paths)
    plt.close(axes[0].figure)


# ---- dashboards' messages (the registry sweep moves every control) ---------------------------
def test_explorer_messages_divergence_only_above_the_limit(regression):
    dash = dashboards.learning_rate_explorer()
    lim = lab.stability_limits(regression[2])["diverge"]
    dash.controls["lr"].value = 0.9 * lim
    assert dash.message.value == ""
    dash.controls["lr"].value = 10 ** dash.controls["lr"].max
    assert "diverged" in dash.message.value and "2/h_max = 0.083" in dash.message.value
    dash.controls["steps"].value = 1
    assert "diverging" in dash.message.value


def test_network_dashboard_starts_on_its_grid_and_messages_failure():
    dash = dashboards.network_learning_rate(lr=0.3)
    assert dash.controls["lr"].value == pytest.approx(10 ** -0.5)         # moved to the slider's grid
    assert dash.message.value == ""
    dash.controls["lr"].value = 10.0
    assert "diverged at epoch" in dash.message.value and "try α = 1.6, the largest" in dash.message.value
    dash.controls["lr"].value = 2.0                     # no overflow, but J ends above where it started
    assert "failed: after 30 epochs" in dash.message.value
    assert dash.snapshot().caption.startswith("Full-batch gradient descent")


def test_builders_are_named_as_their_keys():
    assert all(build.__name__ == name for name, build in dashboards.DASHBOARDS.items())
    assert set(dashboards.TITLES) == set(dashboards.DASHBOARDS) and dashboards.MAIN in dashboards.DASHBOARDS




# ---- the numbers notebook 01's prose states about the regression --------------------------------------
def test_notebook_study_hours_facts(regression):
    x, y, s = regression
    assert x.size == 30                                                   # "Thirty students"
    assert 0 <= y.min() and y.max() <= 10                                # "the score y (out of 10)"
    ax = lab.plot_data_lines(x, y, [(6.0, -0.2), (0.5, 1.4), tuple(s.minima[0])], s)
    assert ax.lines[2].get_color() == "#009E73"                          # "the green line, θ*"
    plt.close(ax.figure)


def test_notebook_first_steps(regression):
    x, y, s = regression
    g = lab.regression_gradient(s.start, x, y)
    assert s.J(*(s.start - 0.03 * g)) < s.J(*s.start)                    # "The cost went down"
    J_min = s.J(*s.minima[0])
    full = surfaces.descend(s, optimizers.SGD(0.03), 60)
    assert full.cost[-1] - J_min > 3 * J_min                             # "J still far above its minimum" after 60
    steps = np.linalg.norm(np.diff(full.theta, axis=0), axis=1)
    assert steps[-1] < 0.1 * steps[0]                                    # "The steps shrink on their own"


def test_notebook_gallery_claims(regression):
    _, _, s = regression
    J_min, t_star = s.J(*s.minima[0]), s.minima[0]
    runs = dict(zip([0.002, 0.04, 0.075, 0.085], lab.gallery_paths(s, [0.002, 0.04, 0.075, 0.085], steps=60)))
    lim = lab.stability_limits(s)
    gap = {a: p.cost - J_min for a, (p, _) in runs.items()}
    dist = {a: np.linalg.norm(p.theta - t_star, axis=1) for a, (p, _) in runs.items()}
    assert round(1 - gap[0.002][-1] / gap[0.002][0], 2) == 0.70            # "J − J* fell by about 70 %"
    assert 1 - dist[0.002][-1] / dist[0.002][0] < 0.05                     # "shrank only a few percent"
    assert 0.002 < 0.04 < lim["monotone"] < 0.075 < lim["diverge"] < 0.085   # smooth, smooth, overshoots, diverges
    assert min(dist, key=lambda a: dist[a][-1]) == 0.075                   # "ended closest"
    assert gap[0.075][-1] < gap[0.04][-1]
    assert runs[0.085][1] is not None and runs[0.04][1] is None            # only the last leaves the plot
    assert round(lim["kappa"]) == 88                                       # "about 88"


def test_notebook_quadratic_facts(regression):
    x, y, s = regression
    assert (x > 0).all() and round(x.mean(), 2) == 4.09 and round((x * x).mean(), 1) == 23.4   # "every x_i positive"
    overshoot = surfaces.descend(s, optimizers.SGD(0.075), 60)
    assert np.all(np.diff(overshoot.cost) < 0)                      # its cost never rises (zig-zag in θ)
    d = overshoot.theta - s.minima[0]
    q_max = np.linalg.eigh(s.hessian)[1][:, 1]
    assert np.all(np.diff(np.sign(d @ q_max)) != 0)                 # it does zig-zag along q_max
    J = s.J(d[:, 0] + s.minima[0][0], d[:, 1] + s.minima[0][1])     # J = J* + ½ dᵀHd: a convex bowl
    np.testing.assert_allclose(J, s.J(*s.minima[0]) + 0.5 * np.einsum("ki,ij,kj->k", d, s.hessian, d), rtol=1e-12)
    assert np.all(np.linalg.eigvalsh(s.hessian) > 0)


def test_notebook_conditioning_claims(regression):
    x, y, _ = regression
    (_, _, raw, k_raw), (_, _, cen, k_cen), (_, _, std, k_std) = lab.conditioning(x, y, tol=1e-6)
    assert round(raw["kappa"]) == 88 and round(cen["kappa"], 1) == 6.6 and std["kappa"] == pytest.approx(1)
    assert 100 <= k_raw < 1000 and 10 <= k_cen < 100 and k_std == 1       # "hundreds to a few dozen", "one step"
    assert std["best"] == pytest.approx(1.0)                                # "α = 1"
    scaled = lab.stability_limits(surfaces.linear_regression(x / x.std(), y))["kappa"]
    assert cen["kappa"] < scaled < raw["kappa"]                             # "centering did most of the work"
    rate = (raw["kappa"] - 1) / (raw["kappa"] + 1)
    for _, _, lm, steps in lab.conditioning(x, y)[:2]:                      # (optional) predicted vs counted steps
        k = np.log(1e6) / (2 * np.log((lm["kappa"] + 1) / (lm["kappa"] - 1)))
        assert abs(k - steps) < 1
    assert round(1 - rate, 3) == 0.023
    assert round(100 * 2 / raw["kappa"]) == 2                                 # "at most 2/κ, about 2 % here"


def test_notebook_standardizing_is_diagonal_preconditioning(regression):
    """Gradient descent on u = x/σ, mapped back to the parameters of x, is gradient descent on x with the
    slope's step multiplied by 1/σ²: θ ← θ − α P ∇J with P = diag(1, 1/σ²)."""
    x, y, s = regression
    sigma = x.std()
    rescaled = surfaces.linear_regression(x / sigma, y)
    theta_u, theta = np.array([0.5, 1.5 * sigma]), np.array([0.5, 1.5])
    P = np.diag([1.0, 1.0 / sigma ** 2])
    for _ in range(25):
        theta_u = theta_u - 0.1 * rescaled.gradient(theta_u)
        theta = theta - 0.1 * P @ s.gradient(theta)
    np.testing.assert_allclose([theta_u[0], theta_u[1] / sigma], theta, rtol=1e-12)
    newton = s.start - np.linalg.solve(s.hessian, s.gradient(s.start))     # H⁻¹: one step to θ*
    np.testing.assert_allclose(newton, s.minima[0], rtol=1e-12)


def test_notebook_exercise_2_predictions(regression):
    x, y, _ = regression
    limits = {name: lab.max_stable_lr(u) for name, u in lab.rescaled_inputs(x).items()}
    raw, centered, standardized = limits.values()
    assert round(raw, 3) == 0.083 and round(centered, 2) == 0.30 and standardized == pytest.approx(2.0)
    for name, u in lab.rescaled_inputs(x).items():
        s = surfaces.linear_regression(u, y)
        assert lab.outcome(s, 0.95 * limits[name]) == "converged" and lab.outcome(s, 1.05 * limits[name]) == "diverged"


def test_notebook_batch_claims_over_seeds(regression):
    x, y, s = regression
    J_min = s.J(*s.minima[0])
    full = lab.batch_runs(lab.minibatch_thetas, x, y, 0.02, x.size, 20, range(3))
    five = lab.batch_runs(lab.minibatch_thetas, x, y, 0.02, 5, 20, range(3))
    sgd = lab.batch_runs(lab.minibatch_thetas, x, y, 0.02, 1, 20, range(3))
    assert len(full[0].cost) - 1 == 20 and len(sgd[0].cost) - 1 == 600          # "20 exact steps", "600"
    for f, b in zip(full, sgd):                                                  # "much closer, on every seed"
        assert b.cost[-1] - J_min < 0.25 * (f.cost[-1] - J_min)
    assert max(p.cost[-1] for p in five) < min(p.cost[-1] for p in full)
    last = sgd[0].cost[-30:] - J_min
    assert last.max() > 10 * last.min()                                          # "still jumps up and down"


def test_notebook_smaller_batches_need_a_smaller_alpha(regression):
    x, y, s = regression
    rows = {r[0]: r for r in lab.seed_rows(lab.minibatch_thetas, x, y, [0.01, 0.03, 0.08], batch_size=1)}
    assert rows["0.01"][1] == rows["0.03"][1] == "0 of 3" and rows["0.08"][1] == "3 of 3"
    J_min = s.J(*s.minima[0])
    calm = lab.batch_runs(lab.minibatch_thetas, x, y, 0.01, 1, 20, range(3))
    noisy = lab.batch_runs(lab.minibatch_thetas, x, y, 0.03, 1, 20, range(3))
    assert max((p.cost[-30:] - J_min).max() for p in calm) < 0.5                  # "jitters near the minimum"
    swing = [(p.cost[-30:] - J_min).max() / (p.cost[-30:] - J_min).min() for p in noisy]
    assert min(swing) > 100 and rows["0.03"][3] == f"×{min(swing):.3g}"          # "orders of magnitude on every seed"
    assert not lab.batch_runs(lab.minibatch_thetas, x, y, 0.08, x.size, 20)[0].diverged             # full batch does not
    assert 0.08 < s.max_stable_lr()


def test_notebook_where_stochastic_descent_diverges(regression):
    """(optional) one example's curvature, and B = 1 over 200 epochs between the cautious bound and 2/h_max."""
    x, y, s = regression
    h_example = 1 + x ** 2
    lim = lab.stability_limits(s)
    assert round(h_example.max(), 1) == 65.0 and np.median(h_example) < lim["h_max"] < h_example.max()
    for i in (0, int(np.argmax(x))):           # a step on example i multiplies its own residual by 1 − α(1 + x_i²)
        theta = np.array([0.3, -0.2])
        r = theta[0] + theta[1] * x[i] - y[i]
        step = theta - 0.02 * lab.regression_gradient(theta, x[i:i + 1], y[i:i + 1])
        assert step[0] + step[1] * x[i] - y[i] == pytest.approx(r * (1 - 0.02 * h_example[i]), rel=1e-12)
    rows = {r[0]: r for r in lab.stochastic_edge_rows(x, y, [0.04, 0.05, 0.06, 0.07], epochs=200, seeds=range(5))}
    assert [rows[a][1] for a in ("0.04", "0.05", "0.06", "0.07")] == ["0 of 5"] * 3 + ["5 of 5"]
    assert float(rows["0.06"][2]) > 1e6                                     # "wild excursions on the way"
    assert 2 / h_example.max() < 0.06 and 0.07 < lim["diverge"]              # between the bound and 2/h_max
    assert round(0.06 / lim["diverge"], 2) == 0.72 and round(0.07 / lim["diverge"], 2) == 0.84


def test_stochastic_runs_equal_the_exercise_loop_bit_for_bit(regression):
    x, y, s = regression
    lrs, seeds = [0.03, 0.09], [4, 0, 2]
    thetas = lab.stochastic_runs(x, y, lrs, 3, seeds)
    assert thetas.shape == (1 + 3 * x.size, len(lrs) * len(seeds), 2)
    for a, lr in enumerate(lrs):
        for j, seed in enumerate(seeds):
            ref = lab.minibatch_thetas(s.start, x, y, lr, 1, 3, seed)
            np.testing.assert_array_equal(thetas[:, a * len(seeds) + j], ref)


def test_predictions_are_two_positive_numbers_or_nothing(capsys):
    assert lab.predictions(lambda: (0.3, 2)) == {"centered x − x̄": 0.3, "standardized (x − x̄)/σ": 2.0}
    assert set(lab.PREDICTED) < set(lab.rescaled_inputs(np.arange(3.0)))

    def unwritten():
        raise NotImplementedError("Exercise 2")
    for bad, said in [(unwritten, "not written yet"), (lambda: 0.3, "two positive numbers"),
                      (lambda: (0.3, -1), "two positive numbers"), (lambda: ("a", 2), "two positive numbers"),
                      (lambda: (0.3, np.nan), "two positive numbers"), (lambda: 1 / 0, "ZeroDivisionError")]:
        assert lab.predictions(bad) == {}
        out = capsys.readouterr().out
        assert said in out and "max_lr's limits instead" in out and out.count("\n") == 1


def test_figures_are_drawn_once_when_shown(regression, monkeypatch):
    """figure_once places the panels by plots.fixed_margins: no layout engine, no tight crop, one draw."""
    from matplotlib.figure import Figure
    from lessonlib import plots
    x, y, s = regression
    draws = []
    original = Figure.draw
    monkeypatch.setattr(Figure, "draw", lambda self, renderer: draws.append(1) or original(self, renderer))
    with plots.presentation_style():
        fig, axes = lab.figure_once((9, 4), 2, dict(wspace=1.0))
        lab.plot_data_lines(x, y, [(1.0, 1.0)], s, ax=axes[0])
        axes[1].semilogy([1, 10, 100])
        lab.decade_ticks(axes[1])                               # after the log scale is set
    assert fig.get_layout_engine() is None and len(axes[1].yaxis.get_minorticklocs()) == 0
    with plots.presentation_style():
        data, meta = plots._png_with_alt(fig)
    assert len(draws) == 1 and data[:8] == b"\x89PNG\r\n\x1a\n" and meta["smallest_text_px"] >= 18
    plt.close(fig)
    ax = lab.plot_landscape(s)
    lo, hi = ax.get_zlim()
    assert ax.figure.get_layout_engine() is None and sum(lo <= t <= hi for t in ax.get_zticks()) <= 5
    plt.close(ax.figure)


def test_notebook_minibatch_variance_with_and_without_replacement():
    """§5: the mean of B of N numbers has variance s²/B drawn with replacement, s²/B·(N−B)/(N−1) without."""
    from itertools import combinations, product
    g = np.array([0.3, -1.2, 2.5, 0.0, 1.1, -0.4, 3.0, 0.7])        # per-example gradients, N = 8
    N, s2 = g.size, g.var()                                          # s² over the N examples (divide by N)
    for B in (1, 3, 5, 8):
        without = [np.mean(g[list(c)]) for c in combinations(range(N), B)]
        with_ = [np.mean(g[list(c)]) for c in product(range(N), repeat=B)] if B <= 5 else None
        assert np.var(without) == pytest.approx(s2 / B * (N - B) / (N - 1), rel=1e-12, abs=1e-15)
        assert np.mean(without) == pytest.approx(g.mean(), rel=1e-12)                       # unbiased
        if with_ is not None:
            assert np.var(with_) == pytest.approx(s2 / B, rel=1e-12)
