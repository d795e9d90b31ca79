"""Lesson 03: the module's computations, the numbers notebook 03's markdown states, and its exercises.

(The dashboards are swept by the shared registry test; only lesson-specific dashboard behavior is here.)"""
import numpy as np
import pytest

from lessonlib import optimizer_race as race
from lessonlib import optimizers, schedules, surfaces
from lessonlib.data import load_study_hours
from lessonlib.descent_lab import regression_gradient
from lessonlib.exercises import harness
from lessonlib.exercises import optimizers as ex
from lessonlib.optimizers import SGD, AdaGrad, Adam, RMSProp


# ---- conventions (the notebook's appendix writes these loops out; these are the references) --------------------
def test_momentum_forms_agree_for_constant_alpha():
    s = surfaces.ravine()
    ours = race.momentum_lessonlib(s.gradient, s.start, [0.05] * 30, 0.9)
    np.testing.assert_allclose(race.momentum_minus_alpha_g(s.gradient, s.start, [0.05] * 30, 0.9), ours,
                               rtol=1e-12, atol=1e-12)
    rescaled = race.momentum_lessonlib(s.gradient, s.start, [0.05 * (1 - 0.9)] * 30, 0.9)   # α(1 − β)
    np.testing.assert_allclose(race.momentum_average(s.gradient, s.start, [0.05] * 30, 0.9), rescaled,
                               rtol=1e-12, atol=1e-12)


def test_momentum_forms_part_under_a_schedule():
    s = surfaces.ravine()
    lrs = [0.05 * 0.5 ** (k // 10) for k in range(40)]
    ours = race.momentum_lessonlib(s.gradient, s.start, lrs, 0.9)
    velocity = race.momentum_minus_alpha_g(s.gradient, s.start, lrs, 0.9)
    np.testing.assert_allclose(velocity[:11], ours[:11], atol=1e-12)       # same until α first changes
    gap = np.abs(velocity - ours)
    assert int(np.argmax(gap.max(axis=1) > 1e-12)) == 11 and round(gap.max(), 2) == 0.59   # the notebook's printout
    average = race.momentum_average(s.gradient, s.start, [lr / 0.1 for lr in lrs], 0.9)
    np.testing.assert_allclose(average, ours, rtol=1e-12, atol=1e-12)


def test_momentum_lessonlib_is_the_optimizer():
    s = surfaces.ravine()
    path = surfaces.descend(s, SGD(0.05, momentum=0.9), 20)
    np.testing.assert_allclose(race.momentum_lessonlib(s.gradient, s.start, [0.05] * 20, 0.9), path.theta, atol=1e-14)


def test_nesterov_is_sutskever_look_ahead():
    s, lr, mu = surfaces.ravine(), 0.03, 0.9
    theta, v, look = s.start.copy(), np.zeros(2), []
    for _ in range(40):
        v = mu * v - lr * s.gradient(theta + mu * v)
        theta = theta + v
        look.append(theta + mu * v)
    ours = surfaces.descend(s, SGD(lr, momentum=mu, nesterov=True), 40).theta[1:]
    np.testing.assert_allclose(ours, look, rtol=1e-12, atol=1e-12)


def test_eps_placement():
    g = np.array([1.0, 1e-4, 1e-8])
    np.testing.assert_allclose(race.steady_step(g, 1e-8, inside=False), g / (g + 1e-8))
    np.testing.assert_allclose(race.steady_step(g, 1e-8, inside=True), g / np.sqrt(g * g + 1e-8))
    s = surfaces.ravine()
    inside = race.rmsprop_eps_inside(s.gradient, s.start, 0.05, 50, rho=0.9, eps=1e-8)
    outside = surfaces.descend(s, RMSProp(0.05, rho=0.9, eps=1e-30), 50).theta
    np.testing.assert_allclose(inside, outside, atol=1e-6)
    tiny = race.scaled(s, 1e-6)
    inside = race.rmsprop_eps_inside(tiny.gradient, tiny.start, 0.05, 50, rho=0.9, eps=1e-8)
    assert np.abs(inside[-1] - tiny.start).max() < 0.5
    assert np.abs(surfaces.descend(tiny, RMSProp(0.05, rho=0.9), 50).theta[-1]).max() < 0.5


def test_scaled_surface():
    s, c = surfaces.rosenbrock(), 7.0
    t = race.scaled(s, c)
    theta = np.array([0.3, -0.2])
    np.testing.assert_allclose(t.J(*theta), c * s.J(*theta))
    np.testing.assert_allclose(t.gradient(theta), c * s.gradient(theta))
    assert race.lowest_cost(surfaces.saddle()) == pytest.approx(-0.25)


def test_adam_path_independent_of_scale():
    s = surfaces.ravine()
    paths = [surfaces.descend(race.scaled(s, c), Adam(0.05), 100).theta for c in (0.01, 1.0, 100.0)]
    np.testing.assert_allclose(paths[0], paths[1], atol=1e-5)
    np.testing.assert_allclose(paths[2], paths[1], atol=1e-5)


def test_adam_first_steps():
    corrected, uncorrected = race.first_steps(steps=5000)
    np.testing.assert_allclose(corrected, 1.0, atol=1e-6)
    assert uncorrected[0] == pytest.approx(0.1 / np.sqrt(0.001), rel=1e-6)   # (1 − β₁)/√(1 − β₂) = 3.2
    theta, opt = np.zeros(1), Adam(0.01)
    for _ in range(3):
        before = theta.copy()
        opt.step([theta], [np.ones(1)])
        assert abs(before - theta)[0] / 0.01 == pytest.approx(1.0, abs=1e-6)


# ---- the numbers notebook 03's markdown states -------------------------------------------------------------
def test_markdown_numbers_section_1():
    h = np.linalg.eigvalsh(surfaces.ravine().hessian)
    assert tuple(h) == (1.0, 20.0)                               # h = 1 along θ₀, 20 along θ₁
    assert 2 / h[-1] == pytest.approx(0.1) and 1 - 20 * 0.09 == pytest.approx(-0.8) and 1 - 0.09 == pytest.approx(0.91)
    assert surfaces.saddle().start[1] == 1e-3
    bowl = surfaces.local_minima()
    path = surfaces.descend(bowl, SGD(0.1), 150)
    assert np.linalg.norm(bowl.gradient(path.theta[60])) > np.linalg.norm(bowl.gradient(path.theta[59]))  # speeding up
    assert 60 < race.dip_arrival(path, bowl) < 150 and np.abs(path.theta[-1]).min() > 1    # a dip, not the origin


def test_markdown_numbers_momentum_and_conditioning():
    assert 1 / (1 - 0.9) == pytest.approx(10)                     # the step grows to αg/(1 − μ)
    kappa = 20.0
    gd, heavy = race.rates(kappa)
    assert round(gd, 3) == 0.905 and round(heavy, 3) == 0.635     # the and the notebook's numbers
    s = surfaces.ravine()
    best = race.best_settings(s)
    path = surfaces.descend(s, SGD(**best["gd"]), 200)
    assert race.measured_rate(path, s.minima[0]) == pytest.approx(gd, abs=1e-6)
    path = surfaces.descend(s, SGD(**best["momentum"]), 200)
    assert heavy < race.measured_rate(path, s.minima[0]) < heavy + 0.01      # "slightly above its formula"
    steps_gd, steps_heavy = race.kappa_sweep([10, 100, 1000])
    assert 8 < steps_gd[2] / steps_gd[1] < 12 and 2.5 < steps_heavy[2] / steps_heavy[1] < 4   # ~κ against ~√κ


def test_standardizing_the_hours_makes_kappa_one():
    x, y = load_study_hours()
    raw = surfaces.linear_regression(x, y)
    h = np.linalg.eigvalsh(raw.hessian)
    assert h[-1] / h[0] > 50
    std = surfaces.linear_regression((x - x.mean()) / x.std(), y)
    np.testing.assert_allclose(std.hessian, np.eye(2), atol=1e-12)
    assert race.steps_to_converge(std, SGD(**race.best_settings(std)["gd"]), max_steps=10) == 1
    from lessonlib.descent_lab import conditioning
    assert [n for *_, n in conditioning(x, y)][-1] == 1


def test_markdown_numbers_defaults_and_schedules():
    assert AdaGrad(0.1).eps == 1e-10 and RMSProp(0.1).rho == 0.99 and RMSProp(0.1).eps == 1e-8
    adam = Adam()
    assert (adam.lr, adam.beta1, adam.beta2, adam.eps) == (1e-3, 0.9, 0.999, 1e-8)
    assert 0.9 ** 20 == pytest.approx(0.12, abs=0.005) and 1 / 0.9 ** 20 == pytest.approx(8, abs=0.3)


def test_racers_colors_are_the_series_colors():
    from lessonlib import plots
    assert set(race.racers(0.1)) == set(plots.OPTIMIZER_COLORS)
    assert len(set(plots.OPTIMIZER_COLORS.values())) == len(plots.OPTIMIZER_COLORS)


# ---- mini-batches ----------------------------------------------------------------------------------------
def test_schedules_run_through_notebook_01s_minibatch_descent():
    from lessonlib.descent_lab import minibatch_descent
    x, y = load_study_hours()
    path = minibatch_descent(x, y, 0.03, 3, batch_size=10, schedule=schedules.step_decay(0.02, 0.5, 1))
    assert path.cost.shape == (1 + 3 * 3,)            # J before training and after every update
    assert race.best_settings(surfaces.ravine())["gd"]["lr"] == pytest.approx(2 / 21)


def test_gradient_spread_shrinks_with_batch_size():
    x, y = load_study_hours()
    assert regression_gradient(np.zeros(2), x, y).shape == (2,)
    spread = race.gradient_spread([1, 4, 16, 30], draws=200, seed=0)
    assert spread[0] > spread[1] > spread[2] > 0 and spread[3] == pytest.approx(0, abs=1e-12)


# ---- digits --------------------------------------------------------------------------------------------------
def test_digits_protocol_and_claims():
    runs = race.digits_runs()
    assert len(runs) == len(race.DIGIT_RACERS) * len(race.FACTOR_EXPONENTS) * len(race.SEEDS)
    X, X_val, _, _ = race.digits_split()
    assert X.shape[1] + X_val.shape[1] == 1347          # the training images only; the 450 test images unused
    table = race.digits_table(runs)
    best = {label: table[label, race.best_factor(table, label)] for label in race.DIGIT_RACERS}
    means = [m for m, _ in best.values()]
    assert max(means) - min(means) < 0.01                                 # "within about a point"
    worst_adaptive = max(table[label, -1.0][0] for label in ("RMSProp", "Adam"))
    assert worst_adaptive < min(table[label, -1.0][0] for label in ("SGD", "momentum", "AdaGrad"))
    assert max(table[label, -1.0][0] for label in race.DIGIT_RACERS) < min(means) - 0.2      # tens of points
    diverged = [key for key, (m, _) in table.items() if np.isnan(m)]
    assert diverged == [("SGD", 1.0)]
    assert race.best_factor(table, "Adam") > 0                            # Adam's best α is above 10⁻³·something


def test_digits_settings_match_the_markdown():
    import inspect
    defaults = {k: v.default for k, v in inspect.signature(race.digits_runs.__wrapped__).parameters.items()}
    assert defaults["epochs"] == 5 and defaults["batch_size"] == 64 and defaults["sizes"] == (64, 32, 10)
    assert len(race.SEEDS) == 3 and [10 ** e for e in race.FACTOR_EXPONENTS][::4] == [0.1, 10.0]
    assert {label: lr0 for label, (_, lr0) in race.DIGIT_RACERS.items()} == {
        "SGD": 0.3, "momentum": 0.03, "AdaGrad": 0.03, "RMSProp": 0.003, "Adam": 0.003}
    X, X_val, _, _ = race.digits_split()
    assert round(X_val.shape[1] / (X.shape[1] + X_val.shape[1]), 2) == 0.25       # "split 75/25"


# ---- the race dashboard's own behavior (the registry sweep covers every control) ------------------------------
def test_stability_hint_limits_are_right():
    from lessonlib.dashboards.optimizers import stability_hint
    s = surfaces.ravine()   # h_max = 20
    for mu, limit in [(0.0, 0.1), (0.9, 0.19)]:
        assert not surfaces.descend(s, SGD(limit * 0.98, momentum=mu), 400).diverged
        assert surfaces.descend(s, SGD(limit * 1.02, momentum=mu), 400).diverged
    nesterov = 2 * 1.9 / (2.8 * 20)
    assert not surfaces.descend(s, SGD(nesterov * 0.98, momentum=0.9, nesterov=True), 600).diverged
    assert surfaces.descend(s, SGD(nesterov * 1.02, momentum=0.9, nesterov=True), 600).diverged
    hint = stability_hint(s, 0.9)
    assert "0.1" in hint and "0.19" in hint and "0.0679" in hint and "h_max" in hint and "λ" not in hint


def test_race_divergence_message_and_legend():
    from lessonlib.dashboards.optimizers import optimizer_race
    board = optimizer_race(on=("sgd", "adam"))
    labels = lambda: [t.get_text() for t in board.figure.axes[1].get_legend().get_texts()]  # noqa: E731
    assert labels() == ["SGD", "Adam"] and board.figure.axes[1].get_xlim() == (0, 200)
    board.controls["lr"].value = 0.15                 # above plain GD's 2/h_max = 0.1, below momentum's 0.19
    assert "Diverged: SGD" in board.message.value and "0.1" in board.message.value
    board.controls["lr"].value = 0.03
    assert board.last_error is None


# ---- exercises ------------------------------------------------------------------------------------------
def _names(exercise):
    return {m.name: exercise.diagnose(m.fn).mistake for m in exercise.mistakes}


@pytest.mark.parametrize("name", sorted(ex.EXERCISES))
def test_every_catalogued_mistake_is_named_and_reference_passes(name):
    exercise = ex.EXERCISES[name]
    assert exercise.diagnose(exercise.reference).passed
    assert all(got == want for want, got in _names(exercise).items()), _names(exercise)


def test_momentum_cases_separate_the_book_forms():
    """α ≠ 1 − μ in some case, so the average form is not 'α applied twice'."""
    assert any(c.args[2] != 1 - c.args[3] for c in ex.MOMENTUM.cases)
    message = next(m.message for m in ex.MOMENTUM.mistakes if m.name == "average form")
    assert "μv + (1 − μ)g" in message
    message = next(m.message for m in ex.MOMENTUM.mistakes if m.name == "velocity form")
    assert "μv − αg" in message


def test_the_library_versions_are_right_without_the_stubs_and_named_with_them():
    """Each 'used_library' mistake is the library's right answer (so only the switch-off names it)."""
    for exercise in ex.EXERCISES.values():
        wrong = next(m.fn for m in exercise.mistakes if m.name == "used_library")
        for case in exercise.cases:
            got = harness.as_outputs(wrong(*case.args), exercise.outputs)[0]
            assert all(np.allclose(a, b, rtol=1e-12, atol=1e-12) for a, b in zip(got, exercise.expected(case)))


def test_a_one_line_library_call_in_the_notebook_is_named_used_library_and_the_names_come_back():
    space = {"np": np, "SGD": optimizers.SGD, "Adam": optimizers.Adam, "schedules": schedules}
    exec("def mom(gradient, theta, lr, mu, steps):\n"
         "    opt, p, s, path = SGD(lr, momentum=mu), theta.copy(), {'v': np.zeros_like(theta)}, [theta.copy()]\n"
         "    for k in range(steps):\n        opt.update(p, gradient(p), s)\n        path.append(p.copy())\n"
         "    return np.array(path), s['v']\n"
         "def adam(theta, g, v, s, t, lr, beta1, beta2, eps):\n"
         "    st = {'v': v.copy(), 's': s.copy(), 't': t}\n    p = theta.copy()\n"
         "    Adam(lr, beta1=beta1, beta2=beta2, eps=eps).update(p, g, st)\n    return p, st['v'], st['s'], st['t']\n"
         "def sched(k, lr0, warmup, T):\n"
         "    return lr0 * (k + 1) / warmup if k < warmup else schedules.cosine(lr0, T=T - warmup)(k - warmup)\n",
         space)
    for name, fn in [("momentum_descent", "mom"), ("adam_step", "adam"), ("warmup_cosine", "sched")]:
        result = ex.EXERCISES[name].diagnose(space[fn])
        assert result.mistake == "used_library" and "off limits" in result.message, (name, result)
    assert space["SGD"] is optimizers.SGD and space["Adam"] is optimizers.Adam and space["schedules"] is schedules
    assert ex.SGD is optimizers.SGD and ex.schedules is schedules        # the module's own names too


def test_momentum_descent_reaches_the_floor_step():
    """The notebook's claim: on a constant gradient the step grows to αg/(1 − μ)."""
    path, v = ex.momentum_reference(lambda th: np.ones(1), np.zeros(1), 0.1, 0.9, 200)
    assert -np.diff(path[:, 0])[-1] == pytest.approx(0.1 / (1 - 0.9), rel=1e-6)


def test_adam_only_v_message_has_the_right_factor():
    message = next(m.message for m in ex.ADAM.mistakes if m.name == "only v corrected")
    assert "31.6" in message and "3.2" not in message
    wrong = next(m.fn for m in ex.ADAM.mistakes if m.name == "only v corrected")
    theta, g = np.zeros(1), np.ones(1)
    ratio = abs(wrong(theta, g, np.zeros(1), np.zeros(1), 0, 0.01, 0.9, 0.999, 1e-8)[0][0]) / 0.01
    assert ratio == pytest.approx(1 / np.sqrt(1 - 0.999), rel=1e-6)


def test_exercise_fallback_and_guard():
    r = ex.ADAM.diagnose(lambda *a: ex.adam_reference(*a)[:3] + (a[4] + 2,))
    assert not r.passed and r.mistake == "other" and "t" in r.message
    r = ex.ADAM.diagnose(lambda *a: list(ex.adam_reference(*a)))     # a list for the tuple is fine
    assert r.passed
    r = ex.WARMUP_COSINE.diagnose(lambda k, lr0, warmup, T: 1 / 0)
    assert r.mistake == "error" and "ZeroDivisionError" in r.message


def test_warmup_cosine_shape():
    values = [ex.warmup_cosine_reference(k, 0.1, 5, 25) for k in range(30)]
    assert values[4] == pytest.approx(0.1) and values[5] == pytest.approx(0.1) and values[0] == pytest.approx(0.02)
    assert values[25] == pytest.approx(0, abs=1e-15) and values[29] == pytest.approx(0, abs=1e-15)
    assert all(a >= b for a, b in zip(values[5:], values[6:]))


def test_markdown_numbers_after_the_fresh_reads():
    """Numbers notebook 03's prose states after the review fixes."""
    h_max, mu = 20.0, 0.9
    assert 2 * (1 + mu) / ((1 + 2 * mu) * h_max) == pytest.approx(0.068, abs=5e-4)   # Nesterov ≈ 0.068 < 0.1
    assert 2 * (1 + 0.8) / h_max == pytest.approx(0.18)                                # momentum at μ = 0.8
    for m in (0.1, 0.5, 0.9, 0.99):                                                    # below plain GD's for any μ > 0
        assert 2 * (1 + m) / (1 + 2 * m) < 2
    assert np.sqrt(0.9) > race.rates(20.0)[0] > np.sqrt(0.7)                            # √μ floor vs GD's best 0.905
    # the heavy ball with a flipping path θ_k = (−1)^k sits exactly on αh = 2(1 + μ)
    ah = 2 * (1 + mu)
    assert 1 == pytest.approx((1 - ah) * (-1) + mu * ((-1) - 1))
    assert 0.03 / (1 - 0.9) == pytest.approx(0.3)                                      # exponential decay's Σα
    assert 1 / (1 - 0.9) == pytest.approx(10) and 1 / (1 - 0.999) == pytest.approx(1000)
    X, X_val, _, _ = race.digits_split()
    assert X.shape[1] + X_val.shape[1] == 1347 and X_val.shape[1] == 337                # 75/25


def test_the_turned_ravine_undoes_rmsprops_advantage():
    ravine = surfaces.ravine()
    turn = np.array([[1.0, -1.0], [1.0, 1.0]]) / np.sqrt(2)
    tilted = surfaces.quadratic(turn @ ravine.hessian @ turn.T, start=tuple(turn @ ravine.start))
    straight = surfaces.descend(ravine, RMSProp(0.1, rho=0.9), 60).cost[-1]
    turned = surfaces.descend(tilted, RMSProp(0.1, rho=0.9), 60).cost[-1]
    assert turned > 1e6 * max(straight, 1e-20)
