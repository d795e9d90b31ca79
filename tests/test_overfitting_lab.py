"""Tests for lessonlib.overfitting_lab (notebook 04): computations, dashboards and exercise checks."""
import time
import warnings

import numpy as np
import pytest

import lessonlib
from lessonlib import data, optimizers, regularization
from lessonlib import overfitting_lab as lab


# ---- computations ------------------------------------------------------------------------------
def test_train_for_each_lambda_equals_lessonlib_train():
    X, Y = data.make_moons(40, noise=0.2, seed=3)
    lams = [0.0, 1e-3, 0.05]
    nets = lab.train_for_each_lambda([2, 8, 6, 2], lams, X, Y, epochs=30, lr=0.02, seed=4)
    for lam, net in zip(lams, nets):
        ref = lessonlib.Network([2, 8, 6, 2], activation="tanh", output="softmax", loss="cross_entropy",
                                l2=lam, seed=4)
        lessonlib.train(ref, X, Y, optimizers.Adam(0.02), 30)
        assert net.l2 == lam
        for p, q in zip(net.params, ref.params):
            np.testing.assert_allclose(p, q, rtol=1e-10, atol=1e-12)


def test_one_hidden_layer_stack_also_matches():
    X, Y = data.make_moons(30, noise=0.2, seed=1)
    nets = lab.train_for_each_lambda([2, 5, 2], [0.0, 0.01], X, Y, epochs=10, lr=0.05, seed=2)
    ref = lab.classifier([2, 5, 2], l2=0.01, seed=2)
    lab.fit(ref, X, Y, epochs=10, lr=0.05)
    for p, q in zip(nets[1].params, ref.params):
        np.testing.assert_allclose(p, q, rtol=1e-10, atol=1e-12)


def test_grids():
    assert lab.LAMBDAS[0] == 0 and lab.LAMBDAS.size == 22
    np.testing.assert_allclose(lab.LAMBDAS[[1, -1]], [1e-5, 1e-1])
    np.testing.assert_allclose(np.diff(np.log10(lab.LAMBDAS[1:])), 0.2)
    assert list(lab.SIZES_N) == [15, 30, 60, 120, 240, 480, 960]


def test_moons_sets_are_independent_and_balanced():
    sets = lab.moons_sets()
    assert {k: v[0].shape for k, v in sets.items()} == {"train": (2, 960), "validation": (2, 300), "test": (2, 1000)}
    assert not np.allclose(sets["train"][0][:, :300], sets["validation"][0])
    y = data.labels_of(sets["train"][1][:, :lab.N_SMALL])
    assert y.sum() in range(25, 36)     # about half of each class, despite 5 % flipped labels


def test_flip_labels():
    Y = data.one_hot(np.arange(2000) % 10, 10)
    F = lab.flip_labels(Y, 0.15, seed=0)
    changed = np.mean(F.argmax(0) != Y.argmax(0))
    assert 0.12 < changed < 0.18
    assert np.all(F.sum(axis=0) == 1)
    np.testing.assert_array_equal(lab.flip_labels(Y, 0.0), Y)


def test_digits_sets_keep_true_test_labels():
    sets = lab.digits_sets(n_train=50, n_validation=60, label_noise=0.3)
    _, X_test, _, Y_test = data.load_digits(test_size=0.25, seed=0)
    np.testing.assert_array_equal(sets["test"][1], Y_test)
    assert sets["train"][0].shape == (64, 50) and sets["validation"][0].shape == (64, 60)


def test_sweep_evaluates_every_set_and_omega():
    sets = {k: (X[:, :40], Y[:, :40]) for k, (X, Y) in lab.moons_sets().items()}
    sweep = lab.lambda_sweep(sets, lams=[0.0, 0.01], sizes=[2, 6, 2], n_train=30, epochs=20)
    for name, (X, Y) in sets.items():
        X_used, Y_used = (X[:, :30], Y[:, :30]) if name == "train" else (X, Y)
        for k, net in enumerate(sweep.nets):
            assert sweep.cost[name][k] == pytest.approx(net.data_cost(X_used, Y_used), rel=1e-12)
    assert sweep.omega[1] == pytest.approx(regularization.penalty(sweep.nets[1].weights))
    assert sweep.images.shape == (2, 60, 90) and np.all((sweep.images >= 0) & (sweep.images <= 1))
    assert sweep.index(0.0) == 0 and sweep.index(0.012) == 1


def test_best_lambda_uses_validation_only():
    assert lab.best_lambda([0, 1e-3, 1e-2], [0.9, 0.4, 0.6]) == 1e-3


def test_boundary_line_of_a_linear_image():
    xs, ys, G = lab.boundary_grid()
    image = (G[0] > 0.5).reshape(ys.size, xs.size) * 0.8 + 0.1    # p = 0.1 left of x = 0.5, 0.9 right
    x, y = lab.boundary_line(image)
    x = x[np.isfinite(x)]
    step = xs[1] - xs[0]
    assert np.all(np.abs(x - 0.5) < step)
    assert lab.boundary_line(np.full((ys.size, xs.size), 0.5))[0].size == 1     # no boundary: one NaN


def test_sweep_x_puts_zero_left_of_the_grid():
    x, zero_at = lab.sweep_x(lab.LAMBDAS)
    assert zero_at < lab.LAMBDAS[1] and np.all(np.diff(x) > 0)
    assert lab.sweep_x([1e-3, 1e-2])[1] is None


def test_weight_counts_cover_every_weight():
    net = lab.classifier(seed=0)
    for W in net.weights:
        W *= 10                                     # some weights beyond ±4 go to the end bins
    assert lab.weight_counts(net).sum() == sum(W.size for W in net.weights)


def test_plot_learning_curves_scales():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    X, Y = data.make_moons(30, noise=0.2, seed=1)
    net = lab.classifier([2, 5, 2], seed=2)
    history = lab.fit(net, X[:, :20], Y[:, :20], epochs=5, X_test=X[:, 20:], Y_test=Y[:, 20:])
    fig, (a, b) = plt.subplots(1, 2)
    lab.plot_learning_curves(history, a, held_out="validation")
    lab.plot_learning_curves(history, b, held_out="validation", log=False)
    assert a.get_yscale() == "log" and b.get_yscale() == "linear"
    assert [t.get_text() for t in b.get_legend().get_texts()] == ["training set", "validation set"]
    np.testing.assert_array_equal(b.lines[1].get_ydata(), history.test_cost)
    plt.close(fig)


# ---- dashboards ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def dashboards():
    return {name: build() for name, build in lab.DASHBOARDS.items()}


def grid_values(control):
    """Every value a slider can take (a checkbox: both)."""
    if isinstance(control.value, bool):
        return [True, False]
    n = int(round((control.max - control.min) / control.step))
    return [control.base ** (control.min + i * control.step) for i in range(n + 1)]


def test_every_control_over_its_range(dashboards):
    latencies = []
    for dash in dashboards.values():
        for name, control in dash.controls.items():
            start = control.value
            for value in [*grid_values(control), start]:
                with warnings.catch_warnings():
                    warnings.simplefilter("error")
                    t = time.perf_counter()
                    control.value = value
                    latencies.append(time.perf_counter() - t)
                assert dash.last_error is None, (name, value, dash.last_error)
    assert np.median(latencies) < 0.1
    assert max(latencies) < 0.5        # generous: CI machines are shared


def test_images_change_and_come_back(dashboards):
    for dash in dashboards.values():
        for name, control in dash.controls.items():
            start, before = control.value, bytes(dash.image.value)
            other = [v for v in grid_values(control) if not np.isclose(float(v), float(start))][-1]
            control.value = other
            assert bytes(dash.image.value) != before, name
            control.value = start
            assert bytes(dash.image.value) == before, name


def test_l2_dashboard_messages(dashboards):
    dash = dashboards["l2"]
    dash.controls["λ"].value = 0.1
    assert "underfitting" in dash.message.value
    dash.controls["λ"].value = 10 ** -2.4
    assert dash.message.value == ""
    dash.controls["no penalty"].value = True
    assert "λ = 0" in dash.snapshot().caption or "no penalty = True" in dash.snapshot().caption
    dash.controls["no penalty"].value = False


def test_the_lambda_sweep_shows_the_lesson():
    lam = lab.lambda_sweep(lab.moons_sets())
    best = lam.index(lab.best_lambda(lam.values, lam.cost["validation"]))
    assert 0 < best < lam.values.size - 1                  # the sweet spot is inside the grid
    assert lam.cost["train"][0] < 0.01 < lam.cost["test"][0]   # λ = 0 memorises
    assert lam.cost["test"][best] < 0.5 * lam.cost["test"][0]
    assert lam.accuracy["train"][-1] < 0.7                  # λ = 0.1 underfits


# ---- exercise checks -------------------------------------------------------------------------
def ref_cost(J, weights, biases, lam):
    return J + lam * sum(np.sum(W ** 2) for W in weights)


COST_MISTAKES = {
    "biases are penalised": lambda J, W, b, lam: J + lam * (sum(np.sum(w ** 2) for w in W) + sum(np.sum(c ** 2) for c in b)),
    "λ is missing": lambda J, W, b, lam: J + sum(np.sum(w ** 2) for w in W),
    "without squaring": lambda J, W, b, lam: J + lam * sum(np.sum(w) for w in W),
    "adds the norms ||W^m||": lambda J, W, b, lam: J + lam * sum(np.linalg.norm(w) for w in W),
    "adds the norm √(Σ w²)": lambda J, W, b, lam: J + lam * np.sqrt(sum(np.sum(w ** 2) for w in W)),
    "J is missing": lambda J, W, b, lam: lam * sum(np.sum(w ** 2) for w in W),
}


def test_check_l2_cost(capsys):
    assert lab.check_l2_cost(ref_cost) is True
    assert capsys.readouterr().out.startswith("✓")
    for phrase, wrong in COST_MISTAKES.items():
        assert lab.check_l2_cost(wrong) is False
        out = capsys.readouterr().out
        assert out.startswith("✗") and phrase in out, (phrase, out)
    assert lab.check_l2_cost(lambda *a: 1 / 0) is False
    assert "ZeroDivisionError" in capsys.readouterr().out
    assert lab.check_l2_cost(lambda *a: None) is False
    assert "return one number" in capsys.readouterr().out


def ref_grads(dW, db, weights, biases, lam):
    return [g + 2 * lam * W for g, W in zip(dW, weights)], [g.copy() for g in db]


GRAD_MISTAKES = {
    "factor 2 is missing": lambda dW, db, W, b, lam: ([g + lam * w for g, w in zip(dW, W)], db),
    "bias gradients changed": lambda dW, db, W, b, lam: ([g + 2 * lam * w for g, w in zip(dW, W)],
                                                         [g + 2 * lam * c for g, c in zip(db, b)]),
    "sign error": lambda dW, db, W, b, lam: ([g - 2 * lam * w for g, w in zip(dW, W)], db),
    "λ is missing": lambda dW, db, W, b, lam: ([g + 2 * w for g, w in zip(dW, W)], db),
    "dW is unchanged": lambda dW, db, W, b, lam: (dW, db),
    "gradient of |w|": lambda dW, db, W, b, lam: ([g + 2 * lam * np.sign(w) for g, w in zip(dW, W)], db),
    "gradient of λ|w|": lambda dW, db, W, b, lam: ([g + lam * np.sign(w) for g, w in zip(dW, W)], db),
}


def test_check_l2_gradients(capsys):
    assert lab.check_l2_gradients(ref_grads) is True
    assert capsys.readouterr().out.startswith("✓")

    def in_place(dW, db, weights, biases, lam):     # updating the given lists in place is fine too
        for g, W in zip(dW, weights):
            g += 2 * lam * W
        return dW, db
    assert lab.check_l2_gradients(in_place) is True
    capsys.readouterr()
    for phrase, wrong in GRAD_MISTAKES.items():
        assert lab.check_l2_gradients(wrong) is False
        out = capsys.readouterr().out
        assert out.startswith("✗") and phrase in out, (phrase, out)
    assert lab.check_l2_gradients(lambda *a: 3.0) is False
    assert "two lists" in capsys.readouterr().out


PICK_MISTAKES = {
    "lowest training cost": lambda lams, tr, va, te: lams[np.argmin(tr)],
    "lowest test cost": lambda lams, tr, va, te: lams[np.argmin(te)],
    "highest validation cost": lambda lams, tr, va, te: lams[np.argmax(va)],
    "position of the best λ": lambda lams, tr, va, te: int(np.argmin(va)),
}


def test_check_pick_lambda(capsys):
    assert lab.check_pick_lambda(lambda lams, tr, va, te: lams[np.argmin(va)]) is True
    assert capsys.readouterr().out.startswith("✓")
    for phrase, wrong in PICK_MISTAKES.items():
        assert lab.check_pick_lambda(wrong) is False
        out = capsys.readouterr().out
        assert out.startswith("✗") and phrase in out, (phrase, out)
