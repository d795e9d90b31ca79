"""Lesson 03's module: dashboards, the momentum/ε conventions, mini-batches and the exercise checks."""
import warnings

import numpy as np
import pytest

from lessonlib import optimizer_race as race
from lessonlib import schedules, surfaces
from lessonlib.optimizers import SGD, Adam, RMSProp


# ---- conventions -------------------------------------------------------------------------------------
def test_momentum_forms_agree_for_constant_alpha():
    s = surfaces.ravine()
    ours = race.momentum_lessonlib(s.gradient, s.start, [0.05] * 30, 0.9)
    np.testing.assert_allclose(race.momentum_minus_alpha_g(s.gradient, s.start, [0.05] * 30, 0.9), ours, rtol=1e-12, atol=1e-12)
    rescaled = race.momentum_lessonlib(s.gradient, s.start, [0.05 * 0.1] * 30, 0.9)
    np.testing.assert_allclose(race.momentum_average(s.gradient, s.start, [0.05] * 30, 0.9), rescaled, rtol=1e-12, atol=1e-12)


def test_momentum_forms_part_under_a_schedule():
    s = surfaces.ravine()
    lrs = [0.05 * 0.5 ** (k // 10) for k in range(30)]
    ours = race.momentum_lessonlib(s.gradient, s.start, lrs, 0.9)
    velocity = race.momentum_minus_alpha_g(s.gradient, s.start, lrs, 0.9)
    np.testing.assert_allclose(velocity[:11], ours[:11], atol=1e-12)       # same until α first changes
    assert np.abs(velocity - ours).max() > 0.1
    average = race.momentum_average(s.gradient, s.start, [lr / 0.1 for lr in lrs], 0.9)
    np.testing.assert_allclose(average, ours, rtol=1e-12, atol=1e-12)


def test_momentum_lessonlib_is_the_optimizer():
    s = surfaces.ravine()
    path = surfaces.descend(s, SGD(0.05, momentum=0.9), 20)
    np.testing.assert_allclose(race.momentum_lessonlib(s.gradient, s.start, [0.05] * 20, 0.9), path.theta, atol=1e-14)


def test_eps_placement():
    g = np.array([1.0, 1e-4, 1e-8])
    np.testing.assert_allclose(race.steady_step(g, 1e-8, inside=False), g / (g + 1e-8))
    np.testing.assert_allclose(race.steady_step(g, 1e-8, inside=True), g / np.sqrt(g * g + 1e-8))
    s = surfaces.ravine()
    # with ordinary gradients ε's place hardly matters; with tiny ones only the inside form crawls
    inside = race.rmsprop_eps_inside(s.gradient, s.start, 0.05, 50, rho=0.9, eps=1e-8)
    outside = surfaces.descend(s, RMSProp(0.05, rho=0.9, eps=0.0), 50).theta
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


def test_stability_limits_in_the_hint_are_right():
    s = surfaces.ravine()   # λ_max = 20
    for mu, limit in [(0.0, 0.1), (0.9, 0.19)]:
        assert not surfaces.descend(s, SGD(limit * 0.98, momentum=mu), 400).diverged
        assert surfaces.descend(s, SGD(limit * 1.02, momentum=mu), 400).diverged
    nesterov = 2 * 1.9 / (2.8 * 20)
    assert not surfaces.descend(s, SGD(nesterov * 0.98, momentum=0.9, nesterov=True), 600).diverged
    assert surfaces.descend(s, SGD(nesterov * 1.02, momentum=0.9, nesterov=True), 600).diverged
    hint = race.stability_hint(s, 0.9)
    assert "0.1" in hint and "0.19" in hint and "0.0679" in hint


def test_adam_first_steps():
    corrected, uncorrected = race.first_steps(steps=20)
    np.testing.assert_allclose(corrected, 1.0, atol=1e-6)
    assert uncorrected[0] == pytest.approx(0.1 / np.sqrt(0.001), rel=1e-6)
    # the same numbers from lessonlib's Adam on a constant gradient
    theta, opt = np.zeros(1), Adam(0.01)
    for _ in range(3):
        before = theta.copy()
        opt.step([theta], [np.ones(1)])
        assert abs(before - theta)[0] / 0.01 == pytest.approx(1.0, abs=1e-6)


# ---- mini-batches --------------------------------------------------------------------------------------
def test_minibatch_gradient_matches_surface():
    x, y = race.load_study_hours()
    s = surfaces.linear_regression(x, y)
    theta = np.array([0.5, 1.5])
    np.testing.assert_allclose(race.minibatch_gradient(theta, x, y), s.gradient(theta), rtol=1e-12)


def test_full_batch_descent_is_gradient_descent():
    x, y = race.load_study_hours()
    s = surfaces.linear_regression(x, y)
    thetas, costs = race.minibatch_descent(SGD(0.02), batch_size=x.size, epochs=5)
    np.testing.assert_allclose(thetas, surfaces.descend(s, SGD(0.02), 5).theta, rtol=1e-12)
    assert costs.shape == (5,)
    thetas, _ = race.minibatch_descent(SGD(0.02), batch_size=1, epochs=2, seed=0)
    assert thetas.shape == (2 * x.size + 1, 2)


def test_schedule_is_applied_per_epoch():
    class Spy(SGD):
        def step(self, params, grads):
            seen.append(self.lr)
            super().step(params, grads)
    seen = []
    race.minibatch_descent(Spy(1.0), batch_size=10, epochs=3, schedule=schedules.step_decay(0.02, 0.5, 1))
    assert seen == [0.02] * 3 + [0.01] * 3 + [0.005] * 3


def test_gradient_spread_shrinks_with_batch_size():
    spread = race.gradient_spread([1, 4, 16, 30], draws=200, seed=0)
    assert spread[0] > spread[1] > spread[2] > 0 and spread[3] == pytest.approx(0, abs=1e-12)


# ---- exercise checks -----------------------------------------------------------------------------------
def momentum_solution(theta, g, v, lr, mu):
    v = mu * v + g
    return theta - lr * v, v


def adam_solution(theta, g, v, s, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    t = t + 1
    v = beta1 * v + (1 - beta1) * g
    s = beta2 * s + (1 - beta2) * g * g
    return theta - lr * (v / (1 - beta1 ** t)) / (np.sqrt(s / (1 - beta2 ** t)) + eps), v, s, t


def test_momentum_check_passes_solution(capsys):
    assert race.check_momentum_step(momentum_solution) is True
    assert capsys.readouterr().out.startswith("✓")


def test_momentum_solution_is_lessonlib():
    theta, v, opt, p = np.array([1.0, -2.0]), np.zeros(2), SGD(0.1, momentum=0.9), np.array([1.0, -2.0])
    for g in np.random.default_rng(0).normal(size=(5, 2)):
        theta, v = momentum_solution(theta, g, v, 0.1, 0.9)
        opt.step([p], [g.copy()])
    np.testing.assert_allclose(theta, p, rtol=1e-13)


@pytest.mark.parametrize("wrong, phrase", [
    (lambda theta, g, v, lr, mu: (theta - lr * g, g), "not carried over"),
    (lambda theta, g, v, lr, mu: (theta + lr * (mu * v + g), mu * v + g), "sign error"),
    (lambda theta, g, v, lr, mu: (theta - lr * (mu * v + lr * g), mu * v + lr * g), "mixed conventions"),
    (lambda theta, g, v, lr, mu: (theta - (mu * v + lr * g), mu * v + lr * g), "another book's"),
    (lambda theta, g, v, lr, mu: (theta - lr * (mu * v + g), v), "v is not updated"),
    (lambda theta, g, v, lr, mu: (theta - lr * v, mu * v + g), "old velocity"),
    (lambda theta, g, v, lr, mu: (theta - lr * (0.5 * v + g), 0.5 * v + g), "differs from the expected"),
    (lambda theta, g, v, lr, mu: theta, "should return"),
    (lambda theta, g, v, lr, mu: 1 / 0, "ZeroDivisionError"),
])
def test_momentum_check_names_mistakes(wrong, phrase, capsys):
    assert race.check_momentum_step(wrong) is False
    out = capsys.readouterr().out
    assert out.startswith("✗") and phrase in out


def test_adam_check_passes_solution(capsys):
    assert race.check_adam_step(adam_solution) is True
    assert capsys.readouterr().out.startswith("✓")


def test_adam_solution_is_lessonlib():
    theta, v, s, t = np.array([1.0, -2.0]), np.zeros(2), np.zeros(2), 0
    opt, p = Adam(0.05), np.array([1.0, -2.0])
    for g in np.random.default_rng(1).normal(size=(5, 2)):
        theta, v, s, t = adam_solution(theta, g, v, s, t, 0.05)
        opt.step([p], [g.copy()])
    np.testing.assert_allclose(theta, p, rtol=1e-13)


def _adam_with(correct):
    def step(theta, g, v, s, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
        v = beta1 * v + (1 - beta1) * g
        s = beta2 * s + (1 - beta2) * g * g
        v_hat, s_hat, t = correct(v, s, t, beta1, beta2)
        return theta - lr * v_hat / (np.sqrt(s_hat) + eps), v, s, t
    return step


@pytest.mark.parametrize("wrong, phrase", [
    (_adam_with(lambda v, s, t, b1, b2: (v, s, t + 1)), "no bias correction"),
    (_adam_with(lambda v, s, t, b1, b2: (v / (1 - b1 ** t), s / (1 - b2 ** t), t + 1)), "t is still 0"),
    (_adam_with(lambda v, s, t, b1, b2: (v / b1, s / b2, t + 1)), "divide by β₁ and β₂"),
    (_adam_with(lambda v, s, t, b1, b2: (v / (1 - b1), s / (1 - b2), t + 1)), "without the power t"),
    (_adam_with(lambda v, s, t, b1, b2: (v / (1 - b1 ** (t + 1)), s, t + 1)), "only v is corrected"),
    (_adam_with(lambda v, s, t, b1, b2: (v / (1 - b1 ** (t + 1)), s / (1 - b2 ** (t + 1)), t)), "differs"),
])
def test_adam_check_names_mistakes(wrong, phrase, capsys):
    with np.errstate(all="ignore"):
        assert race.check_adam_step(wrong) is False
    out = capsys.readouterr().out
    assert out.startswith("✗") and phrase in out


# ---- dashboards ------------------------------------------------------------------------------------------
def extremes(control):
    if hasattr(control, "options"):
        return list(control.options)
    if isinstance(control.value, bool):
        return [not control.value]
    return [control.min if not hasattr(control, "base") else control.base ** control.min,
            control.max if not hasattr(control, "base") else control.base ** control.max]


def sweep(board):
    """Every control to each end of its range and back: no error, no warning, the image changes and returns."""
    for name, control in board.controls.items():
        start, image = control.value, bytes(board.image.value)
        changed = False
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            for value in extremes(control):
                control.value = value
                assert board.last_error is None, (name, value, board.last_error)
                changed |= bytes(board.image.value) != image
            control.value = start
        assert board.last_error is None
        assert changed, f"moving {name} did not change the picture"
        assert bytes(board.image.value) == image, f"{name} did not come back to the same picture"


@pytest.fixture(scope="module")
def race_board():
    return race.race_dashboard()


def test_race_dashboard_sweep(race_board):
    assert race_board.last_error is None and not race_board.message.value
    sweep(race_board)


def test_race_dashboard_divergence_message(race_board):
    lr = race_board.controls["lr"]
    lr.value = 0.15                       # above plain GD's 2/λ_max = 0.1 on the ravine, below momentum's 0.19
    text = race_board.message.value
    assert "Diverged: SGD" in text and "momentum after" not in text and "2/" not in text and "0.1" in text
    lr.value = 1.0
    assert "Adam" not in race_board.message.value.split("Diverged:")[1].split(".")[0]
    lr.value = 0.03
    assert race_board.message.value == "" and race_board.last_error is None


def test_race_dashboard_every_optimizer_every_surface(race_board):
    for key in race.TICKS:
        race_board.controls[key].value = True
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for name in race.RACE_SURFACES:
            race_board.controls["surface"].value = name
            for lr in (1e-4, 1.0):
                race_board.controls["lr"].value = lr
                race_board.controls["steps"].value = race.MAX_STEPS
                assert race_board.last_error is None, (name, lr)
            race_board.controls["beta"].value = 0.0
            assert race_board.last_error is None
            race_board.controls["beta"].value = 0.8
    for key in race.TICKS:
        race_board.controls[key].value = False
    assert "Tick" in race_board.message.value


def test_race_legend_lists_only_ticked_optimizers():
    board = race.race_dashboard(on=("sgd", "adam"))
    labels = lambda: [t.get_text() for t in board.figure.axes[1].get_legend().get_texts()]
    assert labels() == ["SGD", "Adam"]
    board.controls["rmsprop"].value = True
    assert labels() == ["SGD", "RMSProp", "Adam"]
    for key in race.TICKS:
        board.controls[key].value = False
    assert not board.figure.axes[1].get_legend().get_visible() and board.last_error is None


def test_adam_path_independent_of_scale():
    s = surfaces.ravine()
    paths = [surfaces.descend(race.scaled(s, c), Adam(0.05), 100).theta for c in (0.01, 1.0, 100.0)]
    np.testing.assert_allclose(paths[0], paths[1], atol=1e-5)
    np.testing.assert_allclose(paths[2], paths[1], atol=1e-5)


@pytest.fixture(scope="module")
def digits_board():
    return race.digits_dashboard()


def test_digits_dashboard_sweep(digits_board):
    sweep(digits_board)


def test_digits_dashboard_divergence_and_lookup(digits_board):
    digits_board.controls["factor"].value = 10.0
    assert "Diverged: SGD" in digits_board.message.value
    digits_board.controls["factor"].value = 1.0
    assert digits_board.message.value == ""
    runs = race.digits_runs()
    assert len(runs) == len(race.DIGIT_RACERS) * len(race.FACTOR_EXPONENTS)
    for label in race.DIGIT_RACERS:
        assert runs[label, 0.0].test_accuracy[-1] > 0.9, label


def test_dashboards_registered():
    assert set(race.DASHBOARDS) == {"race", "digits"}
