"""Lesson 01: the module's computations, its dashboards' messages, its exercises, and the numbers notebook 01's
prose states (the dashboards' sweep over every control is the shared registry sweep)."""
import matplotlib.pyplot as plt
import numpy as np
import pytest

from lessonlib import descent_lab as lab
from lessonlib import optimizers, surfaces
from lessonlib.dashboards import descent as dashboards
from lessonlib.exercises import descent as ex


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


def test_minibatch_descent_is_the_exercise_reference_with_the_seeds_permutations(regression):
    x, y, s = regression
    for B, epochs in ((1, 1), (4, 3), (7, 2), (30, 2)):
        path = lab.minibatch_descent(x, y, 0.02, epochs, batch_size=B, seed=0)
        np.testing.assert_allclose(path.theta[-1], ex.minibatch_descent_reference(s.start, x, y, 0.02, B, epochs, 0),
                                   rtol=1e-12)


def test_the_exercise_gradient_is_the_librarys(regression):
    x, y, _ = regression
    for theta in ([0.0, 0.0], [1.5, -0.3]):
        np.testing.assert_allclose(ex.gradient_reference(np.array(theta), x, y),
                                   lab.regression_gradient(np.array(theta), x, y), rtol=1e-12)


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


def test_lr_sweep_classes_run_from_crawl_to_failure():
    exps, runs = lab.lr_sweep()
    kinds = lab.classify_runs(runs)
    assert kinds[0] == "crawls" and kinds[-1] == "fails" and "smooth" in kinds and "bounces" in kinds
    order = ["crawls", "smooth", "bounces", "fails"]
    assert [order.index(k) for k in kinds] == sorted(order.index(k) for k in kinds)   # one band each, in order
    assert all(r.cost.size == 31 for r in runs if not r.history.diverged)           # epochs 0 … 30


def test_a_run_that_ends_above_its_start_counts_as_failed():
    exps, runs = lab.lr_sweep()
    for r, kind in zip(runs, lab.classify_runs(runs)):
        assert (kind == "fails") == (r.history.diverged or r.cost[-1] > r.cost[0])


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
    start = [ln for ln in axes[0].lines if ln.get_label() == "start"][0]
    assert all(ln.get_zorder() > start.get_zorder() for ln in axes[0].lines if ln.get_label() in paths)
    assert axes[1].get_xlabel().startswith("examples processed")
    five = [ln for ln in axes[1].lines if ln.get_label() == "B = 5"][0]
    np.testing.assert_array_equal(five.get_xdata()[:3], [0, 5, 10])
    full = [ln for ln in axes[0].lines if ln.get_label() == "full"][0]
    assert full.get_color() == "#000000" and full.get_zorder() == max(ln.get_zorder() for ln in axes[0].lines
                                                                      if ln.get_label() in paths)
    plt.close(axes[0].figure)


def test_batch_comparison_uses_the_same_epochs_and_starts_at_epoch_0():
    runs = lab.batch_comparison()
    assert {len(r.cost) for r, _ in runs.values()} == {7}
    assert len({r.cost[0] for r, _ in runs.values()}) == 1       # the same net before training
    assert all(not r.failed for r, _ in runs.values())


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


# ---- exercises ----------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(ex.EXERCISES))
def test_reference_passes(name, capsys):
    assert ex.EXERCISES[name].check(ex.EXERCISES[name].reference).passed
    assert capsys.readouterr().out.startswith("✓")


MISTAKES = [(name, m) for name, e in sorted(ex.EXERCISES.items()) for m in e.mistakes]


@pytest.mark.parametrize("name, mistake", MISTAKES, ids=[f"{n}: {m.name}" for n, m in MISTAKES])
def test_each_mistake_is_named(name, mistake, capsys):
    result = ex.EXERCISES[name].check(mistake.fn)
    assert not result.passed and result.mistake == mistake.name
    assert capsys.readouterr().out.startswith("✗ " + mistake.message)


@pytest.mark.parametrize("name", sorted(ex.EXERCISES))
def test_mistakes_differ_from_the_reference_and_from_each_other(name):
    e = ex.EXERCISES[name]
    fns = [e.reference] + [m.fn for m in e.mistakes if m is not e.off_limits.mistake]    # the library's values are right
    outs = [[e.run(fn, case).values[0] for case in e.cases] for fn in fns]
    for i in range(len(fns)):
        for j in range(i + 1, len(fns)):
            assert not all(np.allclose(a, b, rtol=1e-7, atol=1e-10) for a, b in zip(outs[i], outs[j])), (i, j)


def test_in_place_update_of_the_callers_theta_is_reported():
    def in_place(theta, x, y, lr, batch_size, epochs, seed):
        rng = np.random.default_rng(seed)
        for epoch in range(epochs):
            order = rng.permutation(len(x))
            for i in range(0, len(x), batch_size):
                b = order[i:i + batch_size]
                theta -= lr * ex.gradient_reference(theta, x[b], y[b])
        return theta
    assert ex.minibatch_descent.diagnose(in_place).mistake == "mutated"


def test_a_notebook_function_calling_the_library_is_named_and_its_globals_restored():
    g = {"lab": lab, "np": np}
    exec("def gradient(theta, x, y):\n    return lab.regression_gradient(theta, x, y)\n", g)
    result = ex.gradient.diagnose(g["gradient"])
    assert result.mistake == "used the library" and "lab.regression_gradient" in result.message
    assert g["lab"] is lab                                              # restored after the check
    exec("def descent(theta, x, y, lr, B, epochs, seed):\n"
         "    return lab.minibatch_descent(x, y, lr, epochs, B, seed, start=theta).theta[-1]\n", g)
    assert ex.minibatch_descent.diagnose(g["descent"]).mistake == "used the library" and g["lab"] is lab
    exec("def own(theta, x, y):\n    r = theta[0] + theta[1] * x - y\n"
         "    return np.array([r.mean(), (r * x).mean()])\n", g)
    assert ex.gradient.diagnose(g["own"]).passed


def test_unknown_mistake_points_at_the_first_wrong_output():
    result = ex.gradient.diagnose(lambda theta, x, y: ex.gradient_reference(theta, x, y) + [0.0, 1e-3])
    assert result.mistake == "other" and "∇J is off by up to 0.001 at index (1,)" in result.message


def test_not_written_yet_and_exceptions_are_explained():
    def todo(theta, x, y):
        raise NotImplementedError("Exercise 1")
    assert ex.gradient.diagnose(todo).mistake == "not done"
    assert ex.minibatch_descent.diagnose(lambda *a: 1 / 0).mistake == "error"


# ---- the numbers notebook 01's prose states ---------------------------------------------------
def test_notebook_study_hours_facts(regression):
    x, _, s = regression
    assert x.size == 30                                                   # "Thirty students"
    assert 0 <= regression[1].min() and regression[1].max() <= 10        # "the score y (out of 10)"
    ax = lab.plot_data_lines(x, regression[1], [(6.0, -0.2), (0.5, 1.4), tuple(s.minima[0])], s)
    assert ax.lines[2].get_color() == "#009E73"                          # "the green line, θ*"
    plt.close(ax.figure)


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
    assert dist[0.075][-1] < dist[0.04][-1] and gap[0.075][-1] < gap[0.04][-1]   # "ends closer than α = 0.04"
    assert runs[0.085][1] is not None and runs[0.04][1] is None            # only the last leaves the plot
    assert lim["diverge"] - lim["best"] < 0.002                            # "only a hair below"
    assert round(lim["kappa"]) == 88                                       # "about 88"


def test_notebook_conditioning_claims(regression):
    x, y, _ = regression
    (_, _, raw, k_raw), (_, _, cen, k_cen), (_, _, std, k_std) = lab.conditioning(x, y, tol=1e-6)
    assert round(raw["kappa"]) == 88 and round(cen["kappa"], 1) == 6.6 and std["kappa"] == pytest.approx(1)
    assert 100 <= k_raw < 1000 and 10 <= k_cen < 100 and k_std == 1       # "hundreds to a few dozen", "one step"
    assert std["best"] == pytest.approx(1.0)                                # "α = 1"


def test_notebook_network_slider_claims():
    exps, runs = lab.lr_sweep()
    assert np.allclose(np.diff(exps), 0.1) and exps[0] == -1.5 and exps[-1] == 1.0     # steps of 0.1 in log₁₀ α
    assert -0.5 in np.round(exps, 6)                                                   # starts at 10^−0.5 ≈ 0.316
    assert len(set(lab.classify_runs(runs))) == 4                                      # "four bands"


def test_notebook_batch_claims(regression):
    x, y, s = regression
    J_min = s.J(*s.minima[0])
    full = lab.minibatch_descent(x, y, lr=0.02, epochs=20)
    sgd = lab.minibatch_descent(x, y, lr=0.02, epochs=20, batch_size=1, seed=0)
    five = lab.minibatch_descent(x, y, lr=0.02, epochs=20, batch_size=5, seed=0)
    assert len(full.cost) - 1 == 20 and len(sgd.cost) - 1 == 600                        # "20 steps", "600 steps"
    assert sgd.cost[-1] < five.cost[-1] < full.cost[-1]                                  # closer for the same work
    assert full.cost[20] < five.cost[20] < sgd.cost[20]                                  # after 20 updates: full ahead
    last = sgd.cost[-30:] - J_min
    assert last.max() > 10 * last.min()                                                  # "still jumps up and down"
    runs = lab.batch_comparison()
    N = lab._digits()[0].shape[1]
    assert [-(-N // B) for _, B in runs.values()] == [1, 43, 1347]                       # "43 or 1347 times"
    finals = [r.cost[-1] for r, _ in runs.values()]
    assert finals[1] < 0.25 * finals[0] and finals[2] < 0.25 * finals[0]              # "both end far below"
    assert list(runs) == ["full batch, α = 1", "mini-batch B = 32, α = 0.3", "stochastic B = 1, α = 0.01"]
    h_example = 1 + x ** 2                                   # "far above h_max", "far below 2/h_max"
    lim = lab.stability_limits(s)
    assert h_example.max() > 2 * lim["h_max"] and 2 / h_example.max() < 0.5 * lim["diverge"]


def test_steady_lr_is_the_largest_grid_alpha_whose_cost_falls_every_epoch():
    for B in (None, 32, 1):
        lr, runs = lab.steady_lr(B)
        steady = lambda r: not r.failed and np.all(np.diff(r.cost) < 0)     # noqa: E731
        assert steady(runs[lr]) and not any(steady(r) for a, r in runs.items() if a > lr)


def test_notebook_quadratic_facts(regression):
    x, _, s = regression
    assert (x > 0).all() and round(x.mean(), 2) == 4.09 and round((x * x).mean(), 1) == 23.4   # "all positive"
    lim = lab.stability_limits(s)
    J_min = s.J(*s.minima[0])
    overshoot = surfaces.descend(s, optimizers.SGD(0.075), 60)
    assert np.all(np.diff(overshoot.cost) < 0)                      # "its cost never rises" (zig-zag in θ)
    d = overshoot.theta - s.minima[0]
    q_max = np.linalg.eigh(s.hessian)[1][:, 1]
    assert np.all(np.diff(np.sign(d @ q_max)) != 0)                 # it does zig-zag along q_max
    full = lab.minibatch_descent(x, regression[1], lr=0.03, epochs=60)
    assert full.cost[-1] - J_min > 3 * J_min                        # "J still far above its minimum" after 60
    rate = (lim["kappa"] - 1) / (lim["kappa"] + 1)
    assert round(1 - rate, 2) == 0.02                               # "shrinking ~2 % per step"
    rows = lab.conditioning(x, regression[1], tol=1e-6)
    for _, _, lm, steps in rows[:2]:                                # predicted 302.5 vs 303, 22.8 vs 23
        k = np.log(1e6) / (2 * np.log((lm["kappa"] + 1) / (lm["kappa"] - 1)))
        assert abs(k - steps) < 1


def test_notebook_crawl_rule():
    exps, runs = lab.lr_sweep()
    limit = lab.crawl_threshold(runs)
    for r, kind in zip(runs, lab.classify_runs(runs)):
        if kind in ("crawls", "smooth"):
            assert (kind == "crawls") == (r.cost[-1] > limit)
            assert np.all(np.diff(r.cost) <= 0)                     # "falls every epoch"


def test_notebook_network_best_final_cost_is_in_the_bounce_band():
    exps, runs = lab.lr_sweep()
    kinds = lab.classify_runs(runs)
    finals = [np.inf if r.failed else r.cost[-1] for r in runs]
    assert kinds[int(np.argmin(finals))] == "bounces"              # lowest J after 30 epochs, just below the edge
    assert kinds[int(np.argmin(finals)) + 1] == "fails"


def test_notebook_rescaled_inputs_fit_the_same_line(regression):
    x, y, _ = regression
    predictions = []
    for name, s, _, _ in lab.conditioning(x, y):
        u = {"raw x": x, "centered x − x̄": x - x.mean()}.get(name, (x - x.mean()) / x.std())
        t0, t1 = s.minima[0]
        predictions.append(t0 + t1 * u)
    np.testing.assert_allclose(predictions[0], predictions[1], rtol=1e-10)
    np.testing.assert_allclose(predictions[0], predictions[2], rtol=1e-10)


def test_notebook_digits_test_cost_follows_the_training_cost():
    from lessonlib import data, train
    from lessonlib.network import Network
    X, Xt, Y, Yt = data.load_digits()
    net = Network([64, 32, 10], activation="tanh", output="softmax", loss="cross_entropy", seed=0)
    h = train(net, X, Y, optimizers.SGD(1.0), epochs=30, X_test=Xt, Y_test=Yt)
    assert h.test_cost[-1] < 0.5 * h.test_cost[0] and abs(h.test_cost[-1] - h.train_cost[-1]) < 0.1


def test_notebook_exercise_3_limit_separates_convergence_from_divergence(regression):
    x, _, s = regression
    limit = ex.max_stable_lr_reference(x)
    assert limit == pytest.approx(s.max_stable_lr())
    below = surfaces.descend(s, optimizers.SGD(0.95 * limit), 1000)
    above = surfaces.descend(s, optimizers.SGD(1.05 * limit), 1000)
    assert not below.diverged and below.cost[-1] - s.J(*s.minima[0]) < 1e-9 and above.diverged   # "converged"
