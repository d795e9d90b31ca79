"""Lesson 02's module: computations checked numerically, dashboards swept, exercise checks against their mistakes."""
import warnings

import numpy as np
import pytest

from lessonlib import Network, backprop_lab as lab
from lessonlib.activations import sigmoid, sigmoid_prime, softmax
from lessonlib.data import one_hot
from lessonlib.gradcheck import gradient_check


# ---- computations -----------------------------------------------------------------------------
def small_batch(B=5):
    X, _, Y, _, _ = lab.digits()
    return X[:, :B], Y[:, :B]


def test_notation_table_reads_real_shapes():
    net = Network([64, 16, 10], activation="sigmoid", loss="mse", seed=0)
    text = lab.notation_table(net, *small_batch(5))
    for row in ["W^1 ", "(16, 64)", "b^2 ", "(10, 1)", "δ^1 ", "(16, 5)", "∂J/∂W^2", "(10, 16)", "a^0 = x", "(64, 5)"]:
        assert row in text
    assert "α" in text and "f, f'" in text


def test_sources_show_the_equations():
    assert "z^m = W^m a^{m-1} + b^m" in lab.forward_source()
    src = lab.backward_source()
    for eq in ["δ^L = f'(z^L) ⊙ ∂J/∂a", "∂J/∂W^m = δ^m (a^{m-1})^T", "(W^m)^T δ^m"]:
        assert eq in src


def test_show_prints_fixed_decimals(capsys):
    lab.show("v", np.array([[1.0], [-0.00001]]), digits=3)
    assert capsys.readouterr().out == "v = [ 1.000]\n    [-0.000]\n"


def test_broken_backward_is_caught_in_hidden_layers_only():
    net = Network([6, 5, 4, 3], activation="sigmoid", loss="mse", seed=1)
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(6, 4)), rng.random((3, 4))
    assert gradient_check(net, X, Y, eps=1e-4).passed
    check = gradient_check(net, X, Y, eps=1e-4, gradients=lab.backward_without_f_prime(net, X, Y))
    ok = {name: err < check.tolerance for name, _, err in check.rows}
    assert ok == {"W^1": False, "b^1": False, "W^2": False, "b^2": False, "W^3": True, "b^3": True}


def test_descent_step_lowers_cost_by_first_order_amount():
    net = Network([4, 3, 2], activation="sigmoid", loss="mse", seed=2)
    rng = np.random.default_rng(1)
    X, Y = rng.normal(size=(4, 6)), rng.random((2, 6))
    grads, J0 = net.gradients(X, Y), net.cost(X, Y)
    lr = 1e-3
    W_before = [W.copy() for W in net.weights]
    lab.descent_step(net, grads, lr)
    assert np.allclose(net.weights[0], W_before[0] - lr * grads.dW[0])
    predicted = lr * sum(np.sum(g ** 2) for g in grads.dW + grads.db)
    assert J0 - net.cost(X, Y) == pytest.approx(predicted, rel=1e-2)


def test_outer_product_demo_matches_grid():
    delta, a_prev = lab.outer_product_demo()
    D = delta @ a_prev.T
    assert D.shape == (3, 4) and D[2, 3] == delta[2, 0] * a_prev[3, 0]


def test_standardize_uses_training_statistics():
    rng = np.random.default_rng(0)
    A, Bt = rng.normal(3, 2, (4, 50)), rng.normal(3, 2, (4, 10))
    As, Bs = lab.standardize(A, Bt, eps=0.0)
    assert np.allclose(As.mean(axis=1), 0) and np.allclose(As.std(axis=1), 1)
    assert np.allclose(Bs, (Bt - A.mean(axis=1, keepdims=True)) / A.std(axis=1, keepdims=True))


def test_digits_training_reaches_97_percent():
    net = lab.digits_net(64, seed=0)
    history = lab.train_digits(net, lr=0.05, epochs=20, batch_size=32, seed=0)
    assert history.test_accuracy[-1] >= 0.97
    _, X_test, _, Y_test, pixels = lab.digits()
    C = lab.confusion_matrix(net, X_test, Y_test)
    assert C.sum() == X_test.shape[1] and np.trace(C) / C.sum() == pytest.approx(history.test_accuracy[-1])
    assert np.array_equal(C.sum(axis=1), Y_test.sum(axis=1).astype(int))          # rows are the true digits
    wrong, said, truth = lab.misclassified(net, X_test, Y_test)
    assert len(wrong) == C.sum() - np.trace(C) and np.all(said != truth)
    assert pixels.min() >= 0 and pixels.max() <= 1


def test_confusion_matrix_by_hand():
    net = Network([2, 3], activation="identity", output="softmax", loss="cross_entropy", seed=0)
    net.weights[0][...] = np.eye(3, 2)                         # class = the larger input; class 2 never predicted
    X = np.array([[1.0, 0.0, 1.0, 0.0], [0.0, 1.0, 0.0, 1.0]])
    Y = one_hot(np.array([0, 1, 1, 2]), 3)
    assert lab.confusion_matrix(net, X, Y).tolist() == [[1, 0, 0], [1, 1, 0], [0, 1, 0]]


def test_delta_sizes_definition_and_vanishing():
    X, Y = small_batch(40)
    net = lab.deep_net("sigmoid", depth=4)
    sizes = lab.delta_sizes(net, X, Y)
    d1 = net.gradients(X, Y).delta[0]
    assert len(sizes) == 5 and sizes[0] == pytest.approx(np.sqrt(np.mean((40 * d1) ** 2)))
    assert np.all(np.diff(sizes) > 0)                          # sigmoid: the error shrinks going back
    relu = lab.delta_sizes(lab.deep_net("relu", depth=4), X, Y)
    assert relu[0] / relu[-1] > 100 * sizes[0] / sizes[-1]


def test_train_recording_deltas_shapes_and_story():
    history, sizes = lab.train_recording_deltas("sigmoid", depth=3, epochs=2)
    assert sizes.shape == (3, 4) and history.epochs == 2
    assert np.allclose(sizes[0], lab.delta_sizes(lab.deep_net("sigmoid", 3), *small_batch(200)))


# ---- dashboards ---------------------------------------------------------------------------------
def control_values(control):
    if hasattr(control, "options"):
        return [o[1] if isinstance(o, tuple) else o for o in control.options]
    if hasattr(control, "base"):
        return [10.0 ** e for e in np.arange(control.min, control.max + 1e-9, control.step)]
    return list(range(control.min, control.max + 1, control.step))


@pytest.mark.parametrize("name", sorted(lab.DASHBOARDS))
def test_dashboard_sweep(name):
    dash = lab.DASHBOARDS[name]()
    assert dash.last_error is None
    start_png, start = dash.image.value, dash.values
    for key, control in dash.controls.items():
        values = control_values(control)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            for v in [values[0], values[-1]] + values[1:-1:3] + [start[key]]:
                control.value = v
                assert dash.last_error is None, (key, v, dash.last_error)
        assert dash.image.value == start_png, f"{key}: the image did not come back"
    other = [v for v in control_values(dash.controls[key]) if v != start[key]][0]
    dash.controls[key].value = other
    assert dash.image.value != start_png
    dash.controls[key].value = start[key]


def test_learning_rate_dashboard_messages():
    dash = lab.learning_rate_dashboard()
    assert dash.message.value == ""
    dash.controls["lr"].value = 10 ** 0.5
    assert "diverged" in dash.message.value and "try α at most" in dash.message.value
    dash.controls["lr"].value = 0.1
    assert dash.message.value == ""
    grid = lab.lr_grid()
    assert grid[-1.0, 32].test_accuracy[-1] > 0.95 and grid[0.5, 32].diverged and not grid[-3.0, 128].diverged


def test_vanishing_dashboard_shows_more_layers():
    dash = lab.vanishing_dashboard(depth=2)
    line = [a for a in dash.figure.axes[0].get_lines() if a.get_animated()][0]
    assert len(line.get_xdata()) == 3
    dash.controls["depth"].value = 12
    assert len(line.get_xdata()) == 13


# ---- exercise 1 ---------------------------------------------------------------------------------
def reference(W1, b1, W2, b2, X, Y, lam):
    B = X.shape[1]
    z1 = W1 @ X + b1
    a1 = sigmoid(z1)
    z2 = W2 @ a1 + b2
    a2 = sigmoid(z2)
    d2 = sigmoid_prime(z2) * (a2 - Y) / B
    d1 = sigmoid_prime(z1) * (W2.T @ d2)
    return d1 @ X.T + 2 * lam * W1, d1.sum(1, keepdims=True), d2 @ a1.T + 2 * lam * W2, d2.sum(1, keepdims=True)


def test_reference_agrees_with_lessonlib_network():
    for _, args in lab._backward_cases():
        n0, n1, n2 = args["W1"].shape[1], args["W1"].shape[0], args["W2"].shape[0]
        net = Network([n0, n1, n2], activation="sigmoid", loss="mse", l2=args["lam"])
        net.weights[0][...], net.biases[0][...] = args["W1"], args["b1"]
        net.weights[1][...], net.biases[1][...] = args["W2"], args["b2"]
        g = net.gradients(args["X"], args["Y"])
        for mine, theirs in zip(reference(**args), [g.dW[0], g.db[0], g.dW[1], g.db[1]]):
            assert np.allclose(mine, theirs, atol=1e-14)


def mistaken(mistake):
    """A student's backward_2layer making one catalogued mistake, written as a student would."""
    def backward(W1, b1, W2, b2, X, Y, lam):
        B = X.shape[1]
        z1 = W1 @ X + b1
        a1 = sigmoid(z1)
        z2 = W2 @ a1 + b2
        a2 = sigmoid(z2)
        dJ_da = {"no_1_over_B": a2 - Y, "sign": (Y - a2) / B}.get(mistake, (a2 - Y) / B)
        d2 = dJ_da if mistake == "no_f_prime_L" else (sigmoid_prime(a2) if mistake == "f_prime_of_a" else sigmoid_prime(z2)) * dJ_da
        back = W2 @ d2 if mistake == "W_not_transposed" else W2.T @ d2
        d1 = back if mistake == "no_f_prime_hidden" else (sigmoid_prime(a1) if mistake == "f_prime_of_a" else sigmoid_prime(z1)) * back
        reg = {"no_penalty": 0, "penalty_no_2": lam}.get(mistake, 2 * lam)
        dW1, dW2 = d1 @ X.T + reg * W1, d2 @ a1.T + reg * W2
        if mistake == "db_mean":
            db1, db2 = d1.mean(1, keepdims=True), d2.mean(1, keepdims=True)
        else:
            db1, db2 = d1.sum(1, keepdims=True), d2.sum(1, keepdims=True)
        if mistake == "bias_regularised":
            db1, db2 = db1 + 2 * lam * b1, db2 + 2 * lam * b2
        if mistake == "negated":
            return -dW1, -db1, -dW2, -db2
        return dW1, db1, dW2, db2
    return backward


def test_check_backward_accepts_reference(capsys):
    assert lab.check_backward_2layer(reference) is True
    assert capsys.readouterr().out.startswith("✓")


@pytest.mark.parametrize("mistake", sorted(lab.BACKWARD_MISTAKES))
def test_check_backward_names_each_mistake(mistake, capsys):
    assert lab.check_backward_2layer(mistaken(mistake)) is False
    out = capsys.readouterr().out
    assert out == f"✗ {lab.BACKWARD_MISTAKES[mistake]}\n"


def test_backward_mistake_messages_are_distinct():
    assert len(set(lab.BACKWARD_MISTAKES.values())) == len(lab.BACKWARD_MISTAKES)


@pytest.mark.parametrize("bad, expected", [
    (lambda *a, **k: 1 / 0, "raised ZeroDivisionError"),
    (lambda *a, **k: (1, 2), "return four arrays"),
    (lambda W1, b1, W2, b2, X, Y, lam: (reference(W1, b1, W2, b2, X, Y, lam)[0].T,) + reference(W1, b1, W2, b2, X, Y, lam)[1:],
     "a column times a row"),
    (lambda W1, b1, W2, b2, X, Y, lam: reference(W1, b1, W2, b2, X, Y, lam)[:3]
     + (sigmoid_prime(W2 @ sigmoid(W1 @ X + b1) + b2) * (sigmoid(W2 @ sigmoid(W1 @ X + b1) + b2) - Y) / X.shape[1],),
     "summed over the batch"),
])
def test_check_backward_shape_and_crash_messages(bad, expected, capsys):
    assert lab.check_backward_2layer(bad) is False
    assert expected in capsys.readouterr().out


def stub_2layer(W1, b1, W2, b2, X, Y, lam):
    return dW1, db1, dW2, db2  # noqa: F821  (the exercise with its solution removed)


def stub_softmax(z, Y):
    pass                       # the exercise with its solution removed


@pytest.mark.parametrize("check, stub, expected", [
    (lab.check_backward_2layer, stub_2layer, "name 'dW1' is not defined"),
    (lab.check_backward_2layer, lambda *a, **k: None, "returned None"),
    (lab.check_delta_softmax, stub_softmax, "returned None"),
    (lab.check_delta_softmax, lambda z, Y: (softmax(z) - Y) / B, "name 'B' is not defined"),  # noqa: F821
])
def test_checks_explain_unfinished_exercises(check, stub, expected, capsys):
    assert check(stub) is False
    out = capsys.readouterr().out
    assert out.startswith("✗") and expected in out


def test_check_backward_locates_an_uncatalogued_error(capsys):
    def off_in_layer_1(*args, **kw):
        dW1, db1, dW2, db2 = reference(*args, **kw)
        return dW1 * 1.5, db1, dW2, db2
    assert lab.check_backward_2layer(off_in_layer_1) is False
    assert "∂Ĵ/∂W¹ is off" in capsys.readouterr().out


# ---- exercise 2 ---------------------------------------------------------------------------------
def delta_softmax_reference(z, Y):
    return (softmax(z) - Y) / z.shape[1]


def test_check_delta_softmax_accepts_reference(capsys):
    assert lab.check_delta_softmax(delta_softmax_reference) is True
    assert capsys.readouterr().out.startswith("✓")


SOFTMAX_STUDENTS = {
    "no_1_over_B": lambda z, Y: softmax(z) - Y,
    "sign": lambda z, Y: (Y - softmax(z)) / z.shape[1],
    "z_not_a": lambda z, Y: (z - Y) / z.shape[1],
    "extra_f_prime": lambda z, Y: softmax(z) * (1 - softmax(z)) * (softmax(z) - Y) / z.shape[1],
    "over_K": lambda z, Y: (softmax(z) - Y) / z.size,
    "sigmoid": lambda z, Y: (sigmoid(z) - Y) / z.shape[1],
    "rows": lambda z, Y: (np.exp(z) / np.exp(z).sum(axis=1, keepdims=True) - Y) / z.shape[1],
}


@pytest.mark.parametrize("mistake", sorted(lab.SOFTMAX_MISTAKES))
def test_check_delta_softmax_names_each_mistake(mistake, capsys):
    assert lab.check_delta_softmax(SOFTMAX_STUDENTS[mistake]) is False
    assert capsys.readouterr().out == f"✗ {lab.SOFTMAX_MISTAKES[mistake]}\n"


def test_check_delta_softmax_catches_overflow(capsys):
    def unstable(z, Y):
        e = np.exp(z)
        return (e / e.sum(axis=0, keepdims=True) - Y) / z.shape[1]
    assert lab.check_delta_softmax(unstable) is False
    assert "overflows" in capsys.readouterr().out


def test_check_delta_softmax_shape(capsys):
    assert lab.check_delta_softmax(lambda z, Y: delta_softmax_reference(z, Y).sum(axis=1)) is False
    assert "shaped like z^L" in capsys.readouterr().out


# ---- small helpers the notebook prints or draws -----------------------------------------------
def test_source_of_and_notation_rows():
    assert "X_train.mean" in lab.source_of(lab.standardize) and "(X_test - mu) / sd" in lab.source_of(lab.standardize)
    net = Network([64, 16, 10], activation="sigmoid", loss="mse", seed=0)
    text = lab.notation_table(net, *small_batch(5))
    assert "4 arrays, 1210 numbers" in text and "X.shape[1]" in text and "∇J" in text


def test_plot_history_draws_target_line():
    import matplotlib.pyplot as plt
    history = lab.lr_grid()[-1.0, 32]
    ax_cost, ax_acc = lab.plot_history(history, target=0.97)
    assert len(ax_cost.get_lines()) == 2 and len(ax_acc.get_lines()) == 3
    assert ax_cost.get_yscale() == "log" and ax_acc.get_ylim()[0] <= min(history.test_accuracy)
    plt.close(ax_cost.figure)
