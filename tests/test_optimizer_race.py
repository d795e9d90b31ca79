"""Lesson 03: the modules' computations, the numbers notebook 03's prose states, and its exercises.

(The dashboards are swept by the shared registry test; only lesson-specific dashboard behaviour is here.)"""
import math

import matplotlib.pyplot as plt
import numpy as np
import pytest

from lessonlib import optimizer_answers as answers
from lessonlib import optimizer_practice as practice
from lessonlib import optimizer_race as race
from lessonlib import optimizers, schedules, surfaces, train
from lessonlib.data import load_study_hours
from lessonlib.descent_lab import minibatch_descent, regression_gradient
from lessonlib.exercises import harness
from lessonlib.exercises import optimizers as ex
from lessonlib.optimizers import SGD, AdaGrad, Adam, RMSProp


def rosenbrock_gap(path):
    return race.gap(path, surfaces.rosenbrock())[-1]


# ---- conventions (the optional appendix writes these loops out; these are the references) ---------------------
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


def test_momentum_lessonlib_and_heavy_ball_are_the_optimizer():
    s = surfaces.ravine()
    path = surfaces.descend(s, SGD(0.05, momentum=0.9), 20)
    np.testing.assert_allclose(race.momentum_lessonlib(s.gradient, s.start, [0.05] * 20, 0.9), path.theta, atol=1e-14)
    rows, v = race.heavy_ball(s.gradient, s.start, 0.05, 0.9, 20)
    np.testing.assert_allclose(rows, path.theta, rtol=1e-13, atol=1e-14)
    opt = SGD(0.05, momentum=0.9)
    surfaces.descend(s, opt, 20)
    np.testing.assert_allclose(v, opt.state[0]["v"], rtol=1e-13)
    plain, _ = race.heavy_ball(s.gradient, s.start, 0.05, 0.0, 20)         # μ = 0 is gradient descent
    np.testing.assert_allclose(plain, surfaces.descend(s, SGD(0.05), 20).theta, rtol=1e-13, atol=1e-14)
    start = s.start.copy()
    rows, _ = race.heavy_ball(s.gradient, start, 0.05, 0.9, 5)
    assert np.array_equal(start, s.start) and len({r.tobytes() for r in rows}) == 6    # rows distinct, start kept


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
    inside = race.rmsprop_eps_inside(tiny.gradient, tiny.start, 0.05, 100, rho=0.9, eps=1e-8)
    assert np.linalg.norm(inside[-1]) > 0.8 * np.linalg.norm(tiny.start)   # still far from the minimum
    assert np.abs(surfaces.descend(tiny, RMSProp(0.05, rho=0.9), 100).theta[-1]).max() < 0.01


def test_scaled_and_turned_surfaces():
    s, c = surfaces.rosenbrock(), 7.0
    t = race.scaled(s, c)
    theta = np.array([0.3, -0.2])
    np.testing.assert_allclose(t.J(*theta), c * s.J(*theta))
    np.testing.assert_allclose(t.gradient(theta), c * s.gradient(theta))
    assert race.lowest_cost(surfaces.saddle()) == pytest.approx(-0.25)
    ravine = surfaces.ravine()
    turned = race.turned(ravine)
    np.testing.assert_allclose(np.linalg.eigvalsh(turned.hessian), [1.0, 20.0], rtol=1e-12)
    assert abs(turned.hessian[0, 1]) == pytest.approx(9.5)                   # the axes now mix both curvatures
    assert np.linalg.norm(turned.start) == pytest.approx(np.linalg.norm(ravine.start))


def test_adam_path_independent_of_scale():
    s = surfaces.ravine()
    paths = [surfaces.descend(race.scaled(s, c), Adam(0.05), 100).theta for c in (0.01, 1.0, 100.0)]
    np.testing.assert_allclose(paths[0], paths[1], atol=1e-5)
    np.testing.assert_allclose(paths[2], paths[1], atol=1e-5)


def test_adam_first_steps():
    corrected, uncorrected = race.first_steps(steps=5000)
    np.testing.assert_allclose(corrected, 1.0, atol=1e-6)
    assert uncorrected[0] == pytest.approx(0.1 / np.sqrt(0.001), rel=1e-6)   # (1 − β₁)/√(1 − β₂) = 3.2
    assert round(uncorrected[0], 1) == 3.2 and round(uncorrected.max(), 1) == 6.6 and uncorrected.argmax() + 1 == 12
    theta, opt = np.zeros(1), Adam(0.01)
    for _ in range(3):
        before = theta.copy()
        opt.step([theta], [np.ones(1)])
        assert abs(before - theta)[0] / 0.01 == pytest.approx(1.0, abs=1e-6)


# ---- figures and folded answers ------------------------------------------------------------------------------
def test_show_draws_once_and_keeps_the_alt_text(monkeypatch):
    import matplotlib.pyplot as plt
    shown = []
    monkeypatch.setattr(race, "display", lambda obj: shown.append(obj))
    from lessonlib import plots
    with plots.presentation_style():                     # the notebook's style: no text below 18 px
        fig, ax = race.figure(figsize=(4, 3))
        ax.plot([0, 1], [0, 1])
        ax.set_title("A line")
        race.show(fig, "One rising line.")
    (out,) = shown
    png, meta = out._repr_png_()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and b"iTXt" in png[:200] and "One rising line." in png.decode("latin-1")
    assert meta["alt"] == "A line. One rising line." and meta["smallest_text_px"] >= 18    # no text below 18 px
    assert repr(out).startswith("<Figure size ") and repr(out).endswith(" with 1 Axes>") and not plt.get_fignums()


def test_answers_are_folded_markdown():
    a = answers.answers("Answers", ["one", "two"])
    text = a._repr_markdown_()
    assert text.startswith("<details>") and text.endswith("</details>") and "1. one\n2. two" in text
    assert "folded" in repr(a) and "0x" not in repr(a)
    code = answers.compare(Adam.update)._repr_markdown_()
    assert "```python\ndef update(self, p, g, state):" in code and code.startswith("<details>")


def test_race_descend_is_surfaces_descend_to_the_last_bit():
    for name, make in surfaces.SURFACES.items():
        s = make()
        for lr, beta in [(0.001, 0.9), (0.03, 0.8), (0.1, 0.9), (1.0, 0.95)]:     # the last ones diverge
            for label in race.racers(lr, beta):
                a = surfaces.descend(s, race.racers(lr, beta)[label], 120)
                b = race.descend(s, race.racers(lr, beta)[label], 120)
                assert np.array_equal(a.theta, b.theta) and np.array_equal(a.cost, b.cost), (name, lr, label)
                assert (a.diverged, a.message) == (b.diverged, b.message)
    yours = race.StepRule(ex.adam_reference, 0.1)                # no _step: the checked loop runs it
    np.testing.assert_array_equal(race.descend(surfaces.ravine(), yours, 30).theta,
                                  surfaces.descend(surfaces.ravine(), Adam(0.1), 30).theta)


def test_the_race_answers_say_what_the_runs_show():
    ravine = surfaces.ravine()
    ends = {label: race.gap(surfaces.descend(ravine, race.racers(0.03, 0.8)[label], 200), ravine)[-1]
            for label in ("SGD", "momentum", "Adam")}
    assert ends["momentum"] < ends["SGD"] < ends["Adam"]                         # (1) momentum lowest, Adam last
    saddle = surfaces.saddle()
    left = {label: answers.steps_off_ridge(surfaces.descend(saddle, opt, 200))
            for label, opt in race.racers(0.03, 0.8).items()}
    assert left == {"RMSProp": 7, "Adam": 16, "AdaGrad": 43, "Nesterov": 60, "momentum": 64, "SGD": None}   # (2)
    runs = {c: {label: surfaces.descend(race.scaled(ravine, c), opt, 200) for label, opt in race.racers(0.03, 0.8).items()}
            for c in (0.01, 1, 100)}                                 # (3) at the dashboard's α, μ = β₁ and steps
    for label in ("SGD", "momentum", "Nesterov"):                     # diverge at c = 100, barely move at 0.01
        assert runs[100][label].diverged and abs(runs[0.01][label].theta[-1, 0]) > 2
        assert np.abs(runs[1][label].theta[-1]).max() < 0.05
    for label in ("AdaGrad", "RMSProp", "Adam"):                      # the same path for every c
        for c in (0.01, 100):
            assert np.abs(runs[c][label].theta - runs[1][label].theta).max() < 2e-4, (label, c)
    bowl = surfaces.local_minima()
    at = lambda lr, beta: {label: race.gap(surfaces.descend(bowl, opt, 200), bowl)[-1]          # noqa: E731
                           for label, opt in race.racers(lr, beta).items()}
    low, high = at(0.1, 0.8), at(0.1, 0.9)
    assert all(g > 0.4 for g in low.values())                                         # (4) at μ = 0.8 none
    assert {label for label, g in high.items() if g < 1e-6} == {"momentum", "Nesterov"}
    far = surfaces.descend(bowl, SGD(0.3, momentum=0.9), 200)
    assert race.gap(far, bowl)[-1] > 0.4 and np.linalg.norm(far.theta[-1]) > 1          # another dip
    text = answers.race_answers()._repr_markdown_()
    assert "momentum ends lowest, Adam last" in text and text.count("\n1. ") == 1 and "\n2. " in text
    assert "c = 100: SGD diverges, momentum diverges, Nesterov diverges" in text and "within 1.1e-04" in text
    assert "With β₂ = 0.9 instead, Adam ends at J − J* = 1.9e-06" in text and "centre" not in text
    assert "(α = 0.03, β₁ = 0.8, 200 steps) the brake is ŝ's memory" in text
    more = answers.more_race_answers()._repr_markdown_()
    assert more.count("\n3. ") == 1 and "\n4. " in more and "RMSProp 7, Adam 16" in more
    assert "with μ = β₁ = 0.8 none; with 0.9 momentum and Nesterov" in more and "SGD not within 200" in more


def test_the_race_opens_on_sgd_alone_so_its_still_answers_no_question():
    from lessonlib.dashboards.optimizers import optimizer_race
    board = optimizer_race(lr=0.03, beta=0.8, surface="ravine", on=("sgd",))
    assert [key for key in ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam")
            if board.controls[key].value] == ["sgd"]
    assert board.blitter.backgrounds and board.snapshot()                 # the still reuses the build's background


# ---- §1 and §2 --------------------------------------------------------------------------------------------------
def test_section_1_numbers():
    h = np.linalg.eigvalsh(surfaces.ravine().hessian)
    assert tuple(h) == (1.0, 20.0)                               # h = 1 along θ₀, 20 along θ₁
    assert 2 / h[-1] == pytest.approx(0.1) and 1 - 20 * 0.09 == pytest.approx(-0.8) and 1 - 0.09 == pytest.approx(0.91)
    saddle = surfaces.saddle()
    assert saddle.start[1] == 1e-3
    slow, fast = (race.steps_to_leave(saddle, 0.1, (-1.8, off)) for off in (1e-3, 1e-1))
    assert (slow, fast) == (67, 19)                              # from 10⁻¹ off the ridge it leaves much sooner
    first, last = race.near(surfaces.descend(saddle, SGD(0.1), 100), (0, 0), 0.2)
    assert (first, last) == (21, 55) and last - first > 24      # "lingers near it for dozens of steps"
    path = surfaces.descend(saddle, SGD(0.1), 60).theta[:, 1]
    assert 0.2 < path[-1] < 0.5 and np.all(np.diff(path[-10:]) > 0)     # turning away only at the end
    runs = race.plain_runs({"ravine": (0.09, 60), "saddle": (0.1, 60), "local minima": (0.1, 150),
                            "rosenbrock": (0.001, 300)})
    rows = {row[0]: row for row in race.stall_rows(runs)}
    assert float(rows["local minima"][3]) < 1e-6 and rows["local minima"][4] == "0.45"   # |g| ≈ 0, J − J* = 0.45
    bowl, _, dip = runs["local minima"]
    assert np.linalg.norm(bowl.gradient(dip.theta[-1])) < 1e-6 and race.gap(dip, bowl)[-1] > 0.4
    rosen = runs["rosenbrock"][2]
    assert np.linalg.norm(rosen.theta[-1] - [1, 1]) > 2          # "barely starts"


def test_surface_names_as_the_prose_writes_them():
    runs = race.plain_runs({"rosenbrock": (0.001, 3), "local minima": (0.1, 3)})
    assert [row[0] for row in race.stall_rows(runs)] == ["Rosenbrock", "local minima"]
    assert race.end_rows(surfaces.rosenbrock(), {"SGD": SGD(0.001)}, 3)[0][0] == "Rosenbrock, 3 steps"
    ax = race.plot_paths(surfaces.rosenbrock(), {"SGD": SGD(0.001)}, 3)
    assert ax.get_title() == "3 steps on the Rosenbrock surface"
    plt.close(ax.figure)


def test_section_2_minibatch_claims():
    x, y = load_study_hours()
    reg = surfaces.linear_regression(x, y)
    for seed in (0, 1, 2):
        gaps = [race.gap(minibatch_descent(x, y, 0.02, 8, batch_size=B, seed=seed), reg)[-1] for B in (1, 4, 30)]
        assert gaps[0] < gaps[1] < gaps[2] and gaps[0] < 0.25 * gaps[2]     # B = 1 ends far lower, every seed
    measured = race.gradient_spread([1, 4, 30], draws=400, seed=0)
    exact = race.gradient_noise_formula([1, 4, 30])
    np.testing.assert_allclose(measured[:2], exact[:2], rtol=0.05)           # the formula, measured
    assert 0.45 < exact[1] / exact[0] < 0.5 and exact[2] == 0 and measured[2] == pytest.approx(0, abs=1e-12)
    x_, y_ = load_study_hours()
    theta = reg.start
    each = np.array([regression_gradient(theta, x_[i:i + 1], y_[i:i + 1]) for i in range(x_.size)])
    sigma = np.sqrt(((each - regression_gradient(theta, x_, y_)) ** 2).sum(axis=1).mean())
    assert exact[0] == pytest.approx(sigma, rel=1e-12)                   # B = 1: σ itself


# ---- §3 momentum, stability, κ, the best μ ----------------------------------------------------------------------
def best_lr_plain(surface):
    return race.best_settings(surface)["gd"]["lr"]


def test_section_3_momentum_claims():
    ravine, rosen = surfaces.ravine(), surfaces.rosenbrock()
    gap = {mu: race.gap(surfaces.descend(ravine, SGD(0.03, momentum=mu), 60), ravine)[-1] for mu in (0.0, 0.9)}
    assert gap[0.9] < gap[0.0] and gap[0.0] > 0.05                # SGD creeps at the shared α, momentum ahead
    plain = race.gap(surfaces.descend(ravine, SGD(0.09), 60), ravine)[-1]
    assert plain < 1e-3 * gap[0.0] and plain < gap[0.9]                  # §1's α got further, past momentum's too
    assert (f"{plain:.1e}", f"{gap[0.9]:.1e}") == ("4.8e-05", "1.2e-02")              # the numbers §3 quotes
    assert 0.03 / best_lr_plain(ravine) == pytest.approx(1 / 3, abs=0.02)              # "a third of its best α"
    best = race.best_settings(ravine)["gd"]["lr"]
    assert best == pytest.approx(2 / (1 + 20)) and round(best, 3) == 0.095 and abs(best - 0.09) < 0.01   # near it
    circling = surfaces.descend(ravine, SGD(0.03, momentum=0.9), 60).theta
    assert np.any(circling[:, 0] > 0.5) and np.ptp(np.sign(circling[-20:, 1])) == 2        # overshoots, circles
    slide = surfaces.descend(rosen, SGD(0.001, momentum=0.9), 300).theta[-1]
    assert np.linalg.norm(slide - [1, 1]) < 0.4                   # "most of the way to (1, 1)"
    path, _ = race.heavy_ball(lambda th: np.ones(1), np.zeros(1), 0.1, 0.9, 200)
    assert -np.diff(path[:, 0])[-1] == pytest.approx(0.1 / (1 - 0.9), rel=1e-6)   # the step grows to αg/(1 − μ)


@pytest.mark.parametrize("mu", [0.0, 0.3, 0.9])
def test_the_characteristic_equation_gives_the_stability_limit(mu):
    """|r| < 1 for both roots of r² − (1 + μ − αh)r + μ exactly when 0 < αh < 2(1 + μ); at the edge r = −1."""
    roots = lambda ah: np.abs(np.roots([1, -(1 + mu - ah), mu]))       # noqa: E731
    edge = 2 * (1 + mu)
    assert roots(0.98 * edge).max() < 1 < roots(1.02 * edge).max()
    assert min(abs(np.roots([1, -(1 + mu - edge), mu]) + 1)) < 1e-12
    assert 1 + (1 + mu - edge) + mu == pytest.approx(0)                  # r = −1 put into the equation
    assert max(np.abs(np.roots([1, -(1 + mu), mu]))) == pytest.approx(1)   # αh = 0: the other edge, r = 1
    if mu:
        complex_ah = (1 + mu) - 0.1 * np.sqrt(mu)                        # inside the oscillating range
        assert roots(complex_ah) == pytest.approx([np.sqrt(mu)] * 2)     # |r| = √μ


def test_stability_limits_on_the_ravine():
    from lessonlib.dashboards.optimizers import stability_hint
    s = surfaces.ravine()   # h_max = 20
    for mu, limit in [(0.0, 0.1), (0.9, 0.19)]:
        assert not surfaces.descend(s, SGD(limit * 0.98, momentum=mu), 400).diverged
        assert surfaces.descend(s, SGD(limit * 1.02, momentum=mu), 400).diverged
    nesterov = 2 * 1.9 / (2.8 * 20)
    assert round(nesterov, 3) == 0.068
    for ah, m in [(0.3, 0.9), (1.2, 0.5), (1.9, 0.2)]:          # the optional section's equation for Nesterov
        # (θ, v) → (θ − α(hθ + μ(μv + hθ)), μv + hθ) with α = 1: the step's matrix, eigenvalues = the roots r
        step = np.array([[1 - ah - m * ah, -m * m], [ah, m]])
        roots = np.roots([1, -(1 - ah) * (1 + m), m * (1 - ah)])
        assert np.sort_complex(np.linalg.eigvals(step)) == pytest.approx(np.sort_complex(roots), abs=1e-12)
    assert not surfaces.descend(s, SGD(nesterov * 0.98, momentum=0.9, nesterov=True), 600).diverged
    assert surfaces.descend(s, SGD(nesterov * 1.02, momentum=0.9, nesterov=True), 600).diverged
    for m in (0.1, 0.5, 0.9, 0.99):                               # Nesterov's is below plain GD's for any μ > 0
        assert 2 * (1 + m) / (1 + 2 * m) < 2
    hint = stability_hint(s, 0.9)
    assert "0.1" in hint and "0.19" in hint and "0.0679" in hint and "h_max" in hint and "λ" not in hint


def test_condition_number_claims():
    gd, heavy = race.rates(20.0)
    assert round(gd, 3) == 0.905 and round(heavy, 3) == 0.635
    s = surfaces.ravine()
    best = race.best_settings(s)
    path = surfaces.descend(s, SGD(**best["gd"]), 200)
    assert race.measured_rate(path, s.minima[0]) == pytest.approx(gd, abs=1e-6)
    path = surfaces.descend(s, SGD(**best["momentum"]), 200)
    assert heavy < race.measured_rate(path, s.minima[0]) < heavy + 0.01      # "slightly above its formula"
    mu = best["momentum"]["momentum"]                                        # Polyak: both extremes at the double root
    for h in (1.0, 20.0):
        assert (1 + mu - best["momentum"]["lr"] * h) ** 2 == pytest.approx(4 * mu, rel=1e-9)
    assert np.sqrt(mu) == pytest.approx(heavy, rel=1e-12)                    # |r| = √μ = (√κ − 1)/(√κ + 1)
    kappas = [1, 4, 16, 64, 256]
    steps_gd, steps_heavy = race.kappa_sweep(kappas)
    assert list(steps_gd) == [1, 28, 111, 443, 1769] and list(steps_heavy) == [1, 15, 34, 71, 147]
    per_kappa = steps_gd / np.array(kappas)
    assert np.ptp(per_kappa[1:]) < 0.1                                         # "GD ÷ κ is flat"
    assert all(3.9 < b / a < 4.05 for a, b in zip(steps_gd[1:], steps_gd[2:]))     # fourfold κ: four times
    assert all(1.9 < b / a < 2.4 for a, b in zip(steps_heavy[1:], steps_heavy[2:]))  # ... and about two
    per_root = steps_heavy / np.sqrt(kappas)
    assert np.all(np.diff(per_root[1:]) > 0) and per_root[-1] / per_root[1] < 1.3      # "grows only slowly"
    for s_, n in [(surfaces.ravine(k), a) for k, a in zip(kappas, steps_gd)][:2]:
        assert race.steps_to_converge(s_, SGD(**race.best_settings(s_)["gd"])) == n     # same count via lessonlib


def test_standardizing_the_hours_makes_kappa_one():
    x, y = load_study_hours()
    h = np.linalg.eigvalsh(surfaces.linear_regression(x, y).hessian)
    assert h[-1] / h[0] > 50
    std = surfaces.linear_regression((x - x.mean()) / x.std(), y)
    np.testing.assert_allclose(std.hessian, np.eye(2), atol=1e-12)
    from lessonlib.descent_lab import conditioning
    assert [n for *_, n in conditioning(x, y)][-1] == 1


def test_a_diverged_run_never_wins_the_mu_search():
    nan, inf = float("nan"), float("inf")
    assert race.nearest_mu((0.0, 0.5, 0.9), [nan, inf, 3.0]) == 0.9          # np.argmin alone would pick the NaN
    assert race.nearest_mu((0.0, 0.5, 0.9, 0.95), [2.0, nan, 1.0, 1.0]) == 0.9   # the first on a tie
    with pytest.raises(ValueError, match=r"every run diverged \(μ = 0, 0.5\): try a smaller α"):
        race.nearest_mu((0.0, 0.5), [nan, inf])
    ravine, mus = surfaces.ravine(), (0.0, 0.05, 0.5, 0.9, 0.95)
    with np.errstate(all="ignore"):
        ends = [np.linalg.norm(race.heavy_ball(ravine.gradient, ravine.start, 0.18, mu, 800)[0][-1]) for mu in mus]
        # α = 0.18 on h_max = 20: μ = 0 and 0.05 (αh_max > 2(1 + μ)) overflow to NaN, μ = 0.5 to inf; 0.9 is nearest
        assert np.isnan(ends[:2]).all() and np.isinf(ends[2]) and 0 < ends[3] < ends[4] < 1e-6
        assert race.best_mu(race.heavy_ball, ravine, 0.18, mus, 800) == 0.9 == mus[int(np.argmin(ends[2:])) + 2]
        assert mus[int(np.argmin(ends))] == 0.0                           # the mistake the exercise's case catches
        with pytest.raises(ValueError, match="every run diverged"):       # α = 0.25 > 2(1 + 0.5)/20: both diverge
            race.best_mu(race.heavy_ball, ravine, 0.25, (0.0, 0.5), 800)


def test_the_best_mu_search_and_its_answer():
    ravine = surfaces.ravine()
    h = (1.0, 20.0)
    polyak = race.best_settings(ravine)["momentum"]
    found = {lr: race.best_mu(race.heavy_ball, ravine, lr, answers.MUS, 100)
             for lr in (0.003, 0.01, 0.03, 0.05, 0.1, 0.134, 0.15, 0.18)}
    for lr, mu in found.items():                                    # the search lands on the formula's grid step
        assert answers.grid_best_mu(ravine, lr) == mu, lr                 # the answer's all-at-once search agrees
        assert abs(mu - answers.best_mu_formula(lr, h)) < 0.05, (lr, mu)
    assert found[0.03] == pytest.approx(0.70) and found[0.003] == pytest.approx(0.9)   # 0.9 only at a small α
    assert (1 - np.sqrt(0.9)) ** 2 == pytest.approx(0.0026, abs=5e-5)
    crossover = 4 / (np.sqrt(20) + 1) ** 2                           # Polyak's α: both directions ask for one μ
    assert crossover == pytest.approx(polyak["lr"], rel=1e-12) and round(crossover, 3) == 0.134
    assert (1 - np.sqrt(crossover)) ** 2 == pytest.approx((np.sqrt(20 * crossover) - 1) ** 2, rel=1e-9)
    assert answers.best_mu_formula(crossover, h) == pytest.approx(polyak["momentum"], rel=1e-9)
    falls = [answers.best_mu_formula(lr, h) for lr in np.linspace(0.001, crossover, 30)]
    rises = [answers.best_mu_formula(lr, h) for lr in np.linspace(crossover, 0.19, 30)]
    assert np.all(np.diff(falls) < 0) and np.all(np.diff(rises) > 0)   # falls up to Polyak's α, then rises
    end = lambda mu: np.linalg.norm(race.heavy_ball(ravine.gradient, ravine.start, 0.03, mu, 100)[0][-1])  # noqa
    assert end(found[0.03]) < 1e-4 * end(0.9)
    text = answers.mu_answer({0.03: found[0.03], 0.1: found[0.1]}, ravine)._repr_markdown_()
    assert "α = 0.030: your search 0.70, the formula 0.684" in text and "0.0026" in text and "0.134" in text
    assert "α = 0.010: lessonlib's search 0.85, the formula 0.810" in text and "α = 0.150: lessonlib's" in text
    assert "α = 0.100: your search" in text and "α = 0.100: lessonlib's" not in text        # the reader's run, once
    lines = [line for line in text.splitlines() if line.startswith("- α = ")]
    assert [line[6:11] for line in lines] == ["0.010", "0.030", "0.100", "0.150"]             # in order of α


def test_the_mu_search_names_what_it_cannot_run(capsys):
    ravine = surfaces.ravine()
    found = answers.mu_search(race.best_mu, race.heavy_ball, ravine, [0.03, 0.3, 0.0, -1, None])
    out = capsys.readouterr().out
    assert found == {0.03: 0.7, 0.3: None, 0.0: None, -1.0: None}                     # a blank is left out
    assert "α = ?: replace None with an α of your own, between 0 and 0.195" in out
    assert "α = 0.3: every μ of the grid diverges" in out and "below 0.195" in out and "α must be positive" in out
    assert answers.MUS[-1] == 0.95 and 2 * (1 + 0.95) / 20 == pytest.approx(0.195)


# ---- §4 adaptive methods -----------------------------------------------------------------------------------------
def test_section_4_claims():
    ravine, rosen = surfaces.ravine(), surfaces.rosenbrock()
    assert AdaGrad(0.1).eps == 1e-10 and RMSProp(0.1).rho == 0.99 and RMSProp(0.1).eps == 1e-8
    adam = Adam()
    assert (adam.lr, adam.beta1, adam.beta2, adam.eps) == (1e-3, 0.9, 0.999, 1e-8)
    first = surfaces.descend(ravine, AdaGrad(0.1), 1).theta
    np.testing.assert_allclose(np.abs(first[1] - first[0]), 0.1, rtol=1e-6)      # ±α in every coordinate
    ends = {surf.name: {label: surfaces.descend(surf, make(), steps) for label, make in
                        {"AdaGrad": lambda: AdaGrad(0.1), "RMSProp": lambda: RMSProp(0.1, rho=0.9),
                         "Adam": lambda: Adam(0.1)}.items()} for surf, steps in [(ravine, 60), (rosen, 300)]}
    rv, rb = ends["ravine"], ends["rosenbrock"]
    assert race.gap(rv["AdaGrad"], ravine)[-1] > 1 and rosenbrock_gap(rb["AdaGrad"]) > 4      # AdaGrad stalls
    bound = 2 * 0.1 * np.sqrt(60)                                  # Σ α/√k over 60 steps ≤ 2α√60
    assert round(bound, 1) == 1.5 and sum(0.1 / np.sqrt(k) for k in range(1, 61)) < bound
    travelled = abs(rv["AdaGrad"].theta[-1, 0] - ravine.start[0])
    assert travelled < bound and abs(ravine.start[0]) == 2.8                # short of the 2.8 to go
    assert race.gap(rv["RMSProp"], ravine)[-1] < 1e-12                                        # RMSProp reaches it
    assert rosenbrock_gap(rb["RMSProp"]) < 0.5 * rosenbrock_gap(rb["AdaGrad"])                # much further
    assert rosenbrock_gap(rb["Adam"]) < rosenbrock_gap(rb["RMSProp"]) < rosenbrock_gap(rb["AdaGrad"])   # furthest
    circling = np.linalg.norm(rv["Adam"].theta[-10:], axis=1)
    assert 1e-3 < race.gap(rv["Adam"], ravine)[-1] < 0.1 and circling.max() < 0.2          # far behind, circling
    assert race.gap(rv["Adam"], ravine)[-1] > 1e9 * race.gap(rv["RMSProp"], ravine)[-1]
    cause = {betas: race.gap(surfaces.descend(ravine, Adam(0.1, beta1=betas[0], beta2=betas[1]), 60), ravine)[-1]
             for betas in [(0.9, 0.9), (0.0, 0.9)]}                 # its momentum circles; β₂ alone is not why
    assert f"{cause[0.9, 0.9]:.0e}" == "3e-02" and f"{cause[0.0, 0.9]:.1e}" == "1.5e-07"


def test_the_turned_ravine():
    ravine = surfaces.ravine()
    turned = race.turned(ravine)
    gap = lambda s, opt: race.gap(surfaces.descend(s, opt, 60), s)[-1]          # noqa: E731
    sgd, sgd_turned = gap(ravine, SGD(0.09)), gap(turned, SGD(0.09))
    rms, rms_turned = gap(ravine, RMSProp(0.1, rho=0.9)), gap(turned, RMSProp(0.1, rho=0.9))
    assert sgd_turned == pytest.approx(sgd, rel=1e-6)                  # plain GD does not care about the turn
    assert rms < 1e-12 and rms_turned > 1e6 * rms and rms_turned >= sgd_turned    # no better than SGD once turned


def test_step_rule_runs_a_step_function_like_adam():
    s = surfaces.rosenbrock()
    ours = surfaces.descend(s, race.StepRule(ex.adam_reference, 0.1), 300).theta
    np.testing.assert_allclose(ours, surfaces.descend(s, Adam(0.1), 300).theta, rtol=1e-12, atol=1e-12)
    X, _, Y, _ = practice.digits_split()
    runs = [train(practice.digits_net(0), X[:, :200], Y[:, :200], opt, 2, batch_size=50, seed=0)
            for opt in (race.StepRule(ex.adam_reference, 0.01), Adam(0.01))]
    np.testing.assert_allclose(runs[0].train_cost, runs[1].train_cost, rtol=1e-12)


# ---- §6 clipping --------------------------------------------------------------------------------------------------
def test_the_cliff_gradient_is_right():
    cliff = practice.Cliff()
    theta = np.array([-2.5, -0.3, -0.02, 0.0, 0.05, 2.0, 20.0])
    step = 1e-6
    numeric = (cliff.J(theta + step) - cliff.J(theta - step)) / (2 * step)
    np.testing.assert_allclose(cliff.gradient(theta), numeric, rtol=1e-6, atol=1e-7)
    assert cliff.gradient(cliff.theta_star) == pytest.approx(0, abs=1e-12)
    assert np.isfinite(cliff.J(np.array([-1e4, 1e4]))).all()            # tanh form: no overflow far out


def test_clip_by_norm():
    g = np.array([3.0, 4.0])
    np.testing.assert_allclose(practice.clip_by_norm(g, 1.0), [0.6, 0.8])
    np.testing.assert_allclose(practice.clip_by_norm(g, 10.0), g)
    assert practice.clip_by_norm(-40.0, 1.0) == pytest.approx(-1.0)


def test_section_6_claims():
    cliff = practice.Cliff()
    plain = practice.cliff_descent(cliff, 0.5, 80, start=-2.5)
    clipped = practice.cliff_descent(cliff, 0.5, 80, start=-2.5, max_norm=1.0)
    jump = int(np.argmax(np.abs(np.diff(plain))))
    assert jump + 1 == 7 and round(plain[jump + 1], 1) == 20.1 and round(cliff.J(plain[jump + 1]), 1) == 40.9
    assert round(cliff.J(-2.5), 1) == 6.5 and 5.5 < cliff.J(plain[jump + 1]) / cliff.J(-2.5) < 6.5   # "six times"
    assert np.abs(np.diff(clipped)).max() == pytest.approx(0.5)                                      # αG
    assert (practice.first_within(plain, 2.0), practice.first_within(clipped, 2.0)) == (64, 45)
    assert practice.first_within(plain, 100.0) is None


# ---- §7 schedules -------------------------------------------------------------------------------------------------
def test_section_7_schedule_claims():
    x, y = load_study_hours()
    reg = surfaces.linear_regression(x, y)
    plans = {"constant": schedules.constant(0.03), "step decay": schedules.step_decay(0.03, drop=0.5, every=10),
             "exponential": schedules.exponential(0.03, gamma=0.9), "cosine": schedules.cosine(0.03, T=40)}
    spent = {name: practice.budget(plan, 40) for name, plan in plans.items()}
    assert [round(v, 3) for v in spent.values()] == [1.2, 0.563, 0.296, 0.615]      # the in-run sums
    assert 0.45 < spent["exponential"] / spent["cosine"] < 0.55 and 0.5 < spent["exponential"] / spent["step decay"] < 0.55
    assert 1 / 0.9 ** 20 == pytest.approx(8, abs=0.3)                                    # "8 times smaller"
    sched = practice.schedule_runs(plans, 40, seeds=(0, 1, 2))
    for i, seed in enumerate(sched.seeds):
        for name, plan in plans.items():                   # the lean loop makes notebook 01's very updates
            direct = minibatch_descent(x, y, 0.03, 40, batch_size=1, seed=seed, schedule=plan)
            np.testing.assert_array_equal(sched.thetas[name][i], direct.theta[30::30])
            np.testing.assert_allclose(sched.gaps[name][i], race.gap(direct, reg)[30::30], rtol=1e-12, atol=1e-15)
            assert direct.updates_per_epoch == sched.updates_per_epoch == 30              # α applied 30 times an epoch
        median = {name: np.median(g[i, -10:]) for name, g in sched.gaps.items()}
        assert median["cosine"] < median["step decay"] < median["exponential"] < median["constant"], seed
        last10 = sched.gaps["exponential"][i, -10:]
        assert last10.max() < 1.2 * last10.min()                                         # almost no jitter left
        dist = {name: np.linalg.norm(th[i, -1] - reg.minima[0]) for name, th in sched.thetas.items()}
        assert dist["exponential"] > 5 * max(dist["cosine"], dist["step decay"])          # stopped short
    constant = sched.gaps["constant"][0]
    assert constant[-10:].max() > 10 * constant[-10:].min()                              # jumps about (the figure)
    ends = {name: np.linalg.norm(th[:, -1] - reg.minima[0], axis=1) for name, th in sched.thetas.items()}
    assert max(ends, key=lambda name: np.ptp(ends[name])) == "constant"                 # varies most over seeds
    rows = practice.schedule_rows(sched, plans, 40)
    assert [row[0] for row in rows] == list(plans) and rows[0][3] == "36.0" and rows[2][3] == "8.9"


def test_robbins_monro_examples():
    partial = lambda f, n: sum(f(k) for k in range(1, n))                               # noqa: E731
    assert partial(lambda k: 1 / k, 10_000) > 9 and partial(lambda k: 1 / k ** 2, 10_000) < 1.65   # 1/k: both hold
    assert partial(lambda k: 0.9 ** k, 10_000) < 10                                     # exponential: Σα finite


# ---- §8 the digits network ----------------------------------------------------------------------------------------
def test_update_ratios_are_one_sgd_step():
    X, _, Y, _ = practice.digits_split()
    net = practice.digits_net(0)
    ratios = practice.update_ratios(net, 0.3, X, Y)
    before = [W.copy() for W in net.weights]
    train(net, X[:, :64], Y[:, :64], SGD(0.3), 1, batch_size=64, seed=0)       # one step on those 64 images
    np.testing.assert_allclose(ratios, [np.linalg.norm(W - W0) / np.linalg.norm(W0)
                                        for W, W0 in zip(net.weights, before)], rtol=1e-10)


def test_lr_regimes_are_the_runs_train_makes():
    runs = practice.lr_regimes((0.01, 0.3, 2.0, 3.0), epochs=6)
    X, X_val, Y, Y_val = practice.digits_split()
    for lr, run in runs.items():
        alone = train(practice.digits_net(0), X, Y, SGD(lr), 6, batch_size=64, X_val=X_val, Y_val=Y_val, seed=0)
        np.testing.assert_allclose(run.history.train_cost, alone.train_cost, rtol=1e-12)
        assert run.history.diverged == alone.diverged
        assert len(run.ratios) == run.history.epochs + 1                      # the start, then every epoch
        np.testing.assert_array_equal(run.ratios[0], run.first)
        np.testing.assert_array_equal(run.ratios[-1], run.last)
    two = practice.digits_net(0)                                                # α = 0.3 after 2 epochs, alone
    train(two, X, Y, SGD(0.3), 2, batch_size=64, X_val=X_val, Y_val=Y_val, seed=0)
    np.testing.assert_allclose(runs[0.3].ratios[2], practice.update_ratios(two, 0.3, X, Y), rtol=1e-12)


def test_section_8_regime_claims():
    regimes = practice.lr_regimes((0.01, 0.3, 2.0, 3.0), epochs=6)
    start = practice.start_cost()
    assert abs(start - math.log(10)) < 0.1 and round(start, 2) == 2.35      # near ln 10 = 2.30: a random guess
    small, good, large, huge = (r.history for r in regimes.values())
    assert small.train_cost[-1] > 0.75 * start and np.all(np.diff(small.train_cost) < 0)       # slow, steady
    drops = -np.diff(small.train_cost)
    assert drops[-1] > 0.6 * drops[0]                                                          # nearly a line
    assert good.train_cost[-1] < 0.15 * start and good.val_accuracy[-1] > 0.9                  # fast drop, tail
    drops = -np.diff(good.train_cost)
    assert np.all(drops > 0) and np.all(np.diff(drops) < 0)                                   # flattening
    assert large.train_cost[0] > start and min(large.train_cost) > 3 * start and not large.diverged   # up, high
    assert huge.diverged and huge.epochs == 1 and huge.train_cost[0] > 10 * start              # stopped by train
    first = {lr: r.first[0] for lr, r in regimes.items()}
    assert first[0.01] < first[0.3] < first[2.0] < first[3.0]                                 # sorts the runs
    assert 5e-4 < first[0.01] < 2e-3 and first[0.3] > 1e-2                                   # ~1e-3; well above
    assert regimes[0.3].last[0] < 0.5 * first[0.3] and regimes[0.3].last[0] > 2e-3            # falls, still above
    per_epoch = {lr: r.ratios[1:, 0] for lr, r in regimes.items()}             # the right panel, epochs 1-6
    assert per_epoch[0.3][-1] < 0.5 * per_epoch[0.3][0] and np.sum(np.diff(per_epoch[0.3]) < 0) >= 4   # falls
    assert np.sum(np.diff(per_epoch[2.0]) > 0) >= 2 and per_epoch[2.0].max() > 5 * per_epoch[2.0].min()  # jumps
    assert per_epoch[0.01].max() < 1.1 * per_epoch[0.01].min()                  # hardly moves
    X = practice.digits_split()[0]
    assert 6 * math.ceil(X.shape[1] / 64) == 96                                               # "its 96 steps"
    few = practice.overfit_few(n=20, lr=0.3, steps=200)
    assert few < 0.05 and round(few, 2) == 0.02                      # "near 0": 20 images alone
    rows = practice.regime_rows(regimes)
    assert rows[3][-1] == "stopped" and rows[0][4] == f"{first[0.01]:.1e}"


def test_section_8_warmup_claims():
    warm = practice.warmup_runs(ex.warmup_cosine_reference, lr0=0.3, warmup=2, epochs=6, seeds=(0, 1, 2),
                                usual=0.003)
    held, yours, usual = warm.values()
    for plain, warmed, safe in zip(held, yours, usual):
        assert warmed.train_cost[0] < plain.train_cost[0] and warmed.train_cost[-1] < plain.train_cost[-1]
        assert safe.train_cost[-1] > 0.5 and safe.train_cost[-1] > 4 * warmed.train_cost[-1]    # slow, cost high
    X, X_val, Y, Y_val = practice.digits_split()                 # the batched runs are train's runs
    alone = train(practice.digits_net(1), X, Y, Adam(0.3), 6, batch_size=64, X_val=X_val, Y_val=Y_val, seed=1,
                  schedule=lambda e: ex.warmup_cosine_reference(e, 0.3, 2, 6))
    np.testing.assert_allclose(yours[1].train_cost, alone.train_cost, rtol=1e-12)
    hold = practice.held_then_cosine(0.3, 2, 6)
    warmup = [ex.warmup_cosine_reference(e, 0.3, 2, 6) for e in range(6)]
    assert [hold(e) for e in range(2, 6)] == warmup[2:]                 # the same cosine, to the last bit
    assert [hold(e) for e in range(2)] == [0.3, 0.3] and warmup[:2] == pytest.approx([0.15, 0.3])  # epochs 0–1
    assert warmup[1] == hold(1) and warmup[0] == 0.3 / 2                  # so only epoch 0 differs: α₀/2
    assert 0.3 / 0.003 == pytest.approx(100) and practice.DIGIT_RACERS["Adam"][1] == 0.003    # Adam's middle α
    assert Adam().lr == 1e-3                                                # its default
    assert list(warm) == ["α₀ = 0.3, held", "α₀ = 0.3, warm-up", "α₀ = 0.003, held"]


# ---- the optional digits comparison --------------------------------------------------------------------------------
def test_digits_protocol_and_claims():
    runs = practice.digits_runs()
    assert len(runs) == len(practice.DIGIT_RACERS) * len(practice.FACTOR_EXPONENTS) * len(practice.SEEDS)
    X, X_val, _, _ = practice.digits_split()
    assert X.shape[1] + X_val.shape[1] == 1347 and X_val.shape[1] == 337      # the training images only, 75/25
    table = practice.digits_table(runs)
    best = {label: table[label, practice.best_factor(table, label)] for label in practice.DIGIT_RACERS}
    means = [m for m, _ in best.values()]
    assert max(means) - min(means) < 0.01                                 # "within a fraction of a point"
    worst_adaptive = max(table[label, -1.0][0] for label in ("RMSProp", "Adam"))
    assert worst_adaptive < min(table[label, -1.0][0] for label in ("SGD", "momentum", "AdaGrad"))
    assert max(table[label, -1.0][0] for label in practice.DIGIT_RACERS) < min(means) - 0.2      # tens of points
    assert [key for key, (m, _) in table.items() if np.isnan(m)] == [("SGD", 1.0)]
    assert [label for label in practice.DIGIT_RACERS if practice.best_factor(table, label) == 1.0] == ["Adam"]
    top, bottom = max(best, key=lambda label: best[label][0]), min(best, key=lambda label: best[label][0])
    for seed in practice.SEEDS:                                  # paired: the images where the two disagree
        a, b = practice.disagreements(table, top, bottom, seed)
        assert 0 < a + b < 30 and abs(a - b) < 2 * np.sqrt(a + b)  # "well within what chance alone produces"


def test_digits_runs_are_trains_runs():
    runs = practice.digits_runs()
    X, X_val, Y, Y_val = practice.digits_split()
    for label, e, seed in [("Adam", 0.5, 1), ("SGD", 1.0, 2), ("momentum", -1.0, 0)]:
        make, lr0 = practice.DIGIT_RACERS[label]
        alone = train(practice.digits_net(seed), X, Y, make(lr0 * 10 ** e), 5, batch_size=64, X_val=X_val,
                      Y_val=Y_val, seed=seed)
        np.testing.assert_allclose(runs[label, e, seed].val_accuracy, alone.val_accuracy, rtol=1e-12)
        assert runs[label, e, seed].diverged == alone.diverged


def test_digits_settings_match_the_markdown():
    import inspect
    defaults = {k: v.default for k, v in inspect.signature(practice.digits_runs.__wrapped__).parameters.items()}
    assert defaults["epochs"] == 5 and defaults["batch_size"] == 64 and defaults["sizes"] == (64, 32, 10)
    assert len(practice.SEEDS) == 3 and [10 ** e for e in practice.FACTOR_EXPONENTS][::4] == [0.1, 10.0]
    assert {label: lr0 for label, (_, lr0) in practice.DIGIT_RACERS.items()} == {
        "SGD": 0.3, "momentum": 0.03, "AdaGrad": 0.03, "RMSProp": 0.003, "Adam": 0.003}


def test_racers_colors_are_the_series_colors():
    from lessonlib import plots
    assert set(race.racers(0.1)) == set(plots.OPTIMIZER_COLORS)
    assert len(set(plots.OPTIMIZER_COLORS.values())) == len(plots.OPTIMIZER_COLORS)


# ---- the race dashboard's own behaviour (the registry sweep covers every control) ----------------------------------
def test_race_divergence_message_and_legend():
    from lessonlib.dashboards.optimizers import optimizer_race
    board = optimizer_race(on=("sgd", "adam"))
    labels = lambda: [t.get_text() for t in board.figure.axes[1].get_legend().get_texts()]  # noqa: E731
    assert labels() == ["SGD", "Adam"] and board.figure.axes[1].get_xlim() == (0, 200)
    board.controls["lr"].value = 0.15                 # above plain GD's 2/h_max = 0.1, below momentum's 0.19
    assert "Diverged: SGD" in board.message.value and "0.1" in board.message.value
    board.controls["lr"].value = 0.03
    assert board.last_error is None
    first = bytes(board.image.value)
    board.controls["surface"].value = "rosenbrock"    # a background drawn on first use, then kept
    board.controls["surface"].value = "ravine"
    assert bytes(board.image.value) == first and board.last_error is None


# ---- exercises ------------------------------------------------------------------------------------------------------
def _names(exercise):
    return {m.name: exercise.diagnose(m.fn).mistake for m in exercise.mistakes}


@pytest.mark.parametrize("name", sorted(ex.EXERCISES))
def test_every_catalogued_mistake_is_named_and_reference_passes(name):
    exercise = ex.EXERCISES[name]
    assert exercise.diagnose(exercise.reference).passed
    assert all(got == want for want, got in _names(exercise).items()), _names(exercise)


def _momentum_with_copies(gradient, theta, lr, mu, steps):
    """Correct, another way: in place on a private copy, storing copies of each row."""
    theta, v = np.array(theta, dtype=float), np.zeros_like(theta, dtype=float)
    path = [theta.copy()]
    for _ in range(steps):
        v *= mu
        v += gradient(theta)
        theta -= lr * v
        path.append(theta.copy())
    return np.stack(path), v


def _momentum_preallocated(gradient, theta, lr, mu, steps):
    path = np.empty((steps + 1,) + np.shape(theta))
    path[0], v = theta, 0.0
    for k in range(steps):
        v = mu * v + gradient(path[k])
        path[k + 1] = path[k] - lr * v
    return path, v


def _best_mu_sorted(descent, surface, lr, mus, steps):
    scored = [(float(np.linalg.norm(descent(surface.gradient, surface.start, lr, mu, steps)[0][-1]
                                    - surface.minima[0])), i) for i, mu in enumerate(mus)]
    return mus[min((d if np.isfinite(d) else np.inf, i) for d, i in scored)[1]]     # a diverged run never wins


def _best_mu_loop(descent, surface, lr, mus, steps):
    best, best_d = None, np.inf
    for mu in mus:
        path, _ = descent(surface.gradient, surface.start, lr, mu, steps)
        d = np.sqrt(np.sum((path[-1] - surface.minima[0]) ** 2))
        if d < best_d:
            best, best_d = mu, d
    return best


def _adam_split(theta, g, v, s, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    t += 1
    v = v + (1 - beta1) * (g - v)                                      # the same average, written as a nudge
    s = s + (1 - beta2) * (g ** 2 - s)
    step = lr * (v / (1 - beta1 ** t)) / (np.sqrt(s / (1 - beta2 ** t)) + eps)
    return theta - step, v, s, t


def _warmup_numpy(epoch, lr0, warmup, T):
    if epoch < warmup:
        return lr0 * (epoch + 1) / warmup
    if epoch >= T:
        return 0.0
    return float(0.5 * lr0 * (1 + np.cos(np.pi * (epoch - warmup) / (T - warmup))))


@pytest.mark.parametrize("name, fn", [("momentum_descent", _momentum_with_copies),
                                      ("momentum_descent", _momentum_preallocated),
                                      ("best_mu", _best_mu_sorted), ("best_mu", _best_mu_loop),
                                      ("adam_step", _adam_split), ("warmup_cosine", _warmup_numpy)])
def test_correct_alternatives_pass(name, fn):
    result = ex.EXERCISES[name].diagnose(fn)
    assert result.passed, result.message


def test_the_aliasing_slips_are_named_with_what_to_do():
    def aliased(gradient, theta, lr, mu, steps):
        v, path = np.zeros_like(theta), [theta]
        for k in range(steps):
            v = mu * v + gradient(theta)
            theta -= lr * v
            path.append(theta)
        return np.array(path), v
    result = ex.MOMENTUM.diagnose(aliased)
    assert result.mistake == "in-place update, the start too" and "theta.copy()" in result.message
    def harmless(gradient, theta, lr, mu, steps):
        theta -= 0.0                                   # in place, but the values stay: no false alarm
        return _momentum_with_copies(gradient, theta, lr, mu, steps)
    assert ex.MOMENTUM.diagnose(harmless).passed


def test_adam_corrected_moments_returned_is_named():
    def returns_hats(theta, g, m, v, t, lr, beta1, beta2, eps):     # written with the paper's names
        t += 1
        m_hat = (beta1 * m + (1 - beta1) * g) / (1 - beta1 ** t)
        v_hat = (beta2 * v + (1 - beta2) * g ** 2) / (1 - beta2 ** t)
        return theta - lr * m_hat / (np.sqrt(v_hat) + eps), m_hat, v_hat, t
    result = ex.ADAM.diagnose(returns_hats)
    assert result.mistake == "scalar factor" and "running averages" in result.message


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
    space = {"np": np, "SGD": optimizers.SGD, "Adam": optimizers.Adam, "schedules": schedules, "race": race}
    exec("def mom(gradient, theta, lr, mu, steps):\n"
         "    opt, p, s, path = SGD(lr, momentum=mu), theta.copy(), {'v': np.zeros_like(theta)}, [theta.copy()]\n"
         "    for k in range(steps):\n        opt.update(p, gradient(p), s)\n        path.append(p.copy())\n"
         "    return np.array(path), s['v']\n"
         "def adam(theta, g, v, s, t, lr, beta1, beta2, eps):\n"
         "    st = {'v': v.copy(), 's': s.copy(), 't': t}\n    p = theta.copy()\n"
         "    Adam(lr, beta1=beta1, beta2=beta2, eps=eps).update(p, g, st)\n    return p, st['v'], st['s'], st['t']\n"
         "def sched(epoch, lr0, warmup, T):\n"
         "    return lr0 * (epoch + 1) / warmup if epoch < warmup else schedules.cosine(lr0, T=T - warmup)(epoch - warmup)\n"
         "def search(descent, surface, lr, mus, steps):\n"
         "    return race.best_mu(descent, surface, lr, mus, steps)\n",
         space)
    for name, fn in [("momentum_descent", "mom"), ("adam_step", "adam"), ("warmup_cosine", "sched"),
                     ("best_mu", "search")]:
        result = ex.EXERCISES[name].diagnose(space[fn])
        assert result.mistake == "used_library" and "off limits" in result.message, (name, result)
    assert space["SGD"] is optimizers.SGD and space["Adam"] is optimizers.Adam and space["schedules"] is schedules
    assert space["race"] is race and ex.schedules is schedules and ex.race.best_mu is race.best_mu


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
    r = ex.WARMUP_COSINE.diagnose(lambda epoch, lr0, warmup, T: 1 / 0)
    assert r.mistake == "error" and "ZeroDivisionError" in r.message
    assert ex.MOMENTUM.fallback is race.heavy_ball and ex.BEST_MU.fallback is race.best_mu
    r = ex.BEST_MU.diagnose(lambda descent, surface, lr, mus, steps: [0.7])
    assert not r.passed and "shape" in r.message


def test_warmup_cosine_shape():
    values = [ex.warmup_cosine_reference(e, 0.1, 5, 25) for e in range(30)]
    assert values[4] == pytest.approx(0.1) and values[5] == pytest.approx(0.1) and values[0] == pytest.approx(0.02)
    assert values[25] == pytest.approx(0, abs=1e-15) and values[29] == pytest.approx(0, abs=1e-15)
    assert all(a >= b for a, b in zip(values[5:], values[6:]))
    assert all(ex.warmup_cosine_reference(e, 0.3, 2, 6) > 0 for e in range(6))     # train refuses α = 0
