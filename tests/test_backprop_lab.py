"""Lesson 02: the lesson module's computations, the numbers notebook 02's text states, and its exercises'
catalogues.  (Every dashboard is swept by the shared registry test.)"""
import matplotlib.pyplot as plt
import numpy as np
import pytest

from lessonlib import Network, optimizers, text, train
from lessonlib import backprop_lab as lab
from lessonlib.data import one_hot
from lessonlib.exercises import backprop as ex
from lessonlib.gradcheck import gradient_check


def small_batch(B=5):
    X, _, Y, _, _ = lab.digits()
    return X[:, :B], Y[:, :B]


# ---- notation and sources ---------------------------------------------------------------------
def test_notation_table_uses_layer_numbers_and_real_shapes():
    net = Network([64, 16, 10], activation="sigmoid", loss="mse", seed=0)
    table = lab.notation_table(net, *small_batch(5))
    for cell in ["net.W[1]", "(16, 64)", "net.b[2]", "(10, 1)", "cache.z[1]", "cache.a[0]", "(64, 5)",
                 "grads.delta[1]", "(16, 5)", "grads.dW[2]", "(10, 16)", "4 arrays, 1210 numbers"]:
        assert cell in table
    assert "weights[0]" not in table and "cache.z[0]" not in table and "delta[0]" not in table


def test_sources_the_notebook_prints_show_the_equations():
    from lessonlib.network import Network as N
    assert "z^m = W^m a^{m-1} + b^m" in text.source(N._forward)
    backward = text.source(N._backward)
    for eq in ["self.loss.delta(", "∂J/∂W^m = δ^m (a^{m-1})^T", "f.f_prime(z[m - 1]) * (W[m].T @ delta[m])"]:
        assert eq in backward


# ---- gradient checking ------------------------------------------------------------------------
def test_broken_backward_is_caught_in_hidden_layers_only():
    net = Network([6, 5, 4, 3], activation="sigmoid", loss="mse", seed=1)
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(6, 4)), rng.random((3, 4))
    assert gradient_check(net, X, Y).passed
    check = gradient_check(net, X, Y, gradients=lab.backward_without_f_prime(net, X, Y))
    ok = {name: err < check.tolerance for name, _, err in check.rows}
    assert ok == {"W^1": False, "b^1": False, "W^2": False, "b^2": False, "W^3": True, "b^3": True}


def test_notebook_gradient_check_passes_at_the_defaults_on_every_seed():
    """§5 checks the 64 → 16 → 10 network at the library's defaults: a correct backward passes on seeds 0–9
    (not by luck), the broken one fails in layer 1 only, and the markdown's u is float64's machine epsilon."""
    X, Y = small_batch(5)
    for seed in range(10):
        net = Network([64, 16, 10], activation="sigmoid", loss="mse", seed=seed)
        check = gradient_check(net, X, Y)
        assert check.passed and check.max_error < 0.2 * check.tolerance and check.tolerance == 1e-7
        assert 5e-6 < check.eps < 7e-6
    broken = gradient_check(net, X, Y, gradients=lab.backward_without_f_prime(net, X, Y))
    assert [err > 1e-2 for _, _, err in broken.rows] == [True, True, False, False]
    assert f"{np.finfo(np.float64).eps:.1e}" == "2.2e-16"


def test_forward_passes_counted():
    net = lab.digits_net(64, seed=0)
    X, Y = small_batch(5)
    n = sum(p.size for p in net.params)
    assert n == 4810
    _, by_differences = lab.count_forward_passes(net, lambda: gradient_check(net, X, Y))
    _, by_backprop = lab.count_forward_passes(net, lambda: net.gradients(X, Y))
    assert 2 * n <= by_differences <= 2 * n + 5 and by_backprop == 1
    assert "_forward" not in vars(net)                       # the counter is gone afterwards


# ---- section 6: one step, small and long ------------------------------------------------------
def make_tiny():
    """The worked example's network (the same hand-set weights the notebook and the drawing use)."""
    from lessonlib.dashboards.diagram import worked_example
    return worked_example()[0]


def test_step_sizes_small_steps_follow_prediction_long_step_overshoots():
    x, y = np.array([[1.0], [0.5]]), np.array([[0.7]])
    grads = make_tiny().gradients(x, y)
    g2 = sum(np.sum(g ** 2) for g in list(grads.dW) + list(grads.db))
    drops = {}
    for lr in [0.05, 0.5, 5, 50]:
        net = make_tiny()
        J0 = net.cost(x, y)
        for m in (1, 2):
            net.W[m] -= lr * grads.dW[m]
            net.b[m] -= lr * grads.db[m]
        drops[lr] = (J0 - net.cost(x, y), lr * g2, net.predict(x)[0, 0])
    assert drops[0.05][0] == pytest.approx(drops[0.05][1], rel=0.05)
    assert drops[5][0] > drops[0.5][0] > 0
    assert drops[50][0] < 0 and drops[50][2] > 0.7                # the long step overshoots the target


# ---- section 7: vanishing signals, forward and backward -----------------------------------------
def test_delta_sizes_definition_and_vanishing():
    X, Y = small_batch(40)
    net = lab.deep_net("sigmoid", depth=4)
    sizes = lab.delta_sizes(net, X, Y)
    d1 = net.gradients(X, Y).delta[1]
    assert len(sizes) == 5 and sizes[0] == pytest.approx(np.sqrt(np.mean((40 * d1) ** 2)))
    assert np.all(np.diff(sizes) > 0)                          # sigmoid: the error shrinks going back
    relu = lab.delta_sizes(lab.deep_net("relu", depth=4), X, Y)
    assert relu[0] / relu[-1] > 100 * sizes[0] / sizes[-1]


SETUPS = [("sigmoid", "Xavier"), ("relu", "He"), ("relu", 0.01), ("sigmoid", 1.5)]     # §7's table


def test_section_7_story_holds():
    """The notebook's reading of its table: default sigmoid and tiny-weight ReLU fail (forward and backward),
    He ReLU and large-weight sigmoid learn.  Measured on the same N_PROBE = 500 digits as the dashboards."""
    assert lab.N_PROBE == 500
    X = small_batch(lab.N_PROBE)[0]
    runs = {k: lab.train_recording_deltas(k[0], depth=6, epochs=15, lr=0.3, init_std=k[1]) for k in SETUPS}
    ratio = {k: s[0, 0] / s[0, -1] for k, (_, s) in runs.items()}
    acc = {k: h.test_accuracy[-1] for k, (h, _) in runs.items()}
    spread = {k: lab.spreads(lab.deep_net(k[0], 6, init_std=k[1]), X) for k in runs}
    assert ratio["sigmoid", "Xavier"] < 1e-3 and ratio["relu", 0.01] < 1e-6
    assert ratio["relu", "He"] > 0.1 and ratio["sigmoid", 1.5] > 0.1
    assert spread["sigmoid", "Xavier"][0] > 0.1 and spread["sigmoid", "Xavier"][5] < 1e-3      # forward collapse
    assert spread["relu", 0.01][5] < 1e-6 and spread["relu", "He"][5] > 0.1
    assert acc["sigmoid", "Xavier"] <= 0.11 and acc["relu", 0.01] <= 0.11
    assert acc["relu", "He"] > 0.9 and acc["sigmoid", 1.5] > 0.5
    sizes = runs["sigmoid", "Xavier"][1]
    assert sizes.shape == (16, 7)


def test_section_7_figure_reading():
    """Under the figure: ReLU's hidden layers keep δ (factor ≈ 1), the drop is the output step; sigmoid loses
    about σ'(0)·√(n Var W) = 1/4 per hidden layer ("about the predicted factor", "about a quarter"); the
    sigmoid's accuracy stays at chance; the ReLU run's cost spikes once early and recovers."""
    (sig, s), (relu, r) = (lab.train_recording_deltas(f, depth=6, epochs=15, lr=0.3, init_std=i)
                           for f, i in SETUPS[:2])
    per_layer = lambda z: np.exp(np.mean(np.log(z[:-2] / z[1:-1])))    # noqa: E731
    assert 0.95 < per_layer(r[0]) < 1.05 and r[0][-2] / r[0][-1] < 0.8
    assert 0.2 < per_layer(s[0]) < 0.3
    assert 0.09 <= min(sig.test_accuracy) and max(sig.test_accuracy) <= 0.11
    k = int(np.argmax(relu.train_cost))
    assert k <= 3 and relu.train_cost[k] > 5 * relu.train_cost[k - 1] and relu.train_cost[-1] < 0.1


def test_one_deep_network_one_probe():
    """§7's table, its dashboards and lessonlib.initialization measure the same network on the same digits:
    the default init is the He/Xavier scheme, and the dashboard's He ratio equals the table's."""
    from lessonlib import initialization as init
    X, Y = small_batch(lab.N_PROBE)
    for f, scheme in (("relu", "He"), ("sigmoid", "Xavier"), ("tanh", "Xavier")):
        default, named = lab.deep_net(f, 6), lab.deep_net(f, 6, init_std=scheme)
        assert all(np.array_equal(p, q) for p, q in zip(default.params, named.params))
        sizes = lab.delta_sizes(default, X, Y)
        assert np.isclose(sizes[0] / sizes[-1], init.layer_statistics(scheme, f).delta_ratio, rtol=1e-12)
    assert init.N_PROBE == lab.N_PROBE


def test_fresh_net_ratios_printed_in_section_7():
    X, Y = small_batch(lab.N_PROBE)
    r = {f: lab.delta_sizes(lab.deep_net(f, 6), X, Y) for f in ("sigmoid", "tanh", "relu")}
    r = {f: s[0] / s[-1] for f, s in r.items()}
    assert r["sigmoid"] < 1e-3 < 0.1 < r["tanh"] < r["relu"]


def test_cross_entropy_beats_the_squared_error_on_a_saturated_wrong_output():
    from lessonlib.activations import sigmoid, sigmoid_prime
    a = sigmoid(-5.0)
    assert abs(sigmoid_prime(-5.0) * (a - 1)) < 0.01 < 0.99 < abs(a - 1)


def test_the_cost_at_initialization_is_a_bit_above_ln_10():
    X, X_test, Y, Y_test, _ = lab.digits()
    start = lab.before_training(lab.digits_net(64, seed=0), X, Y, X_test, Y_test)
    assert np.log(10) < start["train_cost"] < np.log(10) + 0.5          # "a bit higher", not "far above"


# ---- section 8: the digits ------------------------------------------------------------------------
def test_standardize_uses_training_statistics():
    rng = np.random.default_rng(0)
    A, Bt = rng.normal(3, 2, (4, 50)), rng.normal(3, 2, (4, 10))
    As, Bs = lab.standardize(A, Bt, eps=0.0)
    assert np.allclose(As.mean(axis=1), 0) and np.allclose(As.std(axis=1), 1)
    assert np.allclose(Bs, (Bt - A.mean(axis=1, keepdims=True)) / A.std(axis=1, keepdims=True))


def test_plain_sgd_reaches_97_percent_and_overfits_a_little():
    X, X_test, Y, Y_test, pixels = lab.digits()
    net = lab.digits_net(64, seed=0)
    start = lab.before_training(lab.digits_net(64, seed=0), X, Y, X_test, Y_test)
    history = train(net, X, Y, optimizers.SGD(0.2), 20, batch_size=32, X_test=X_test, Y_test=Y_test, seed=0)
    assert history.test_accuracy[-1] >= 0.97
    assert history.test_cost[-1] > 3 * history.train_cost[-1]                 # "several times smaller"
    assert start["train_accuracy"] < 0.3 and start["train_cost"] > history.train_cost[0]
    C = lab.confusion_matrix(net, X_test, Y_test)
    assert C.sum() == X_test.shape[1] and np.trace(C) / C.sum() == pytest.approx(history.test_accuracy[-1])
    assert np.array_equal(C.sum(axis=1), Y_test.sum(axis=1).astype(int))          # rows are the true digits
    wrong, said, truth = lab.misclassified(net, X_test, Y_test)
    assert len(wrong) == C.sum() - np.trace(C) and np.all(said != truth)
    assert pixels.min() >= 0 and pixels.max() <= 1


def test_confusion_matrix_by_hand():
    net = Network([2, 3], activation="identity", output="softmax", loss="cross_entropy", seed=0)
    net.W[1] = np.eye(3, 2)                                    # class = the larger input; class 2 never predicted
    X = np.array([[1.0, 0.0, 1.0, 0.0], [0.0, 1.0, 0.0, 1.0]])
    Y = one_hot(np.array([0, 1, 1, 2]), 3)
    assert lab.confusion_matrix(net, X, Y).tolist() == [[1, 0, 0], [1, 1, 0], [0, 1, 0]]


def test_lr_grid_starts_and_divergence():
    grid, starts = lab.lr_grid()
    assert set(starts) == set(lab.HIDDEN_SIZES)
    assert grid[-1.0, 32].test_accuracy[-1] > 0.9 and not grid[-3.0, 128].diverged
    assert any(h.diverged for h in grid.values())


def test_plot_history_starts_at_epoch_0():
    grid, starts = lab.lr_grid()
    history = grid[-1.0, 32]
    ax_cost, ax_acc = lab.plot_history(history, starts[32], target=0.97)
    x, y = ax_cost.get_lines()[0].get_data()
    assert x[0] == 0 and len(x) == history.epochs + 1 and y[0] == starts[32]["train_cost"]
    assert ax_cost.get_yscale() == "log" and len(ax_acc.get_lines()) == 3
    plt.close(ax_cost.figure)


def test_outer_product_demo_matches_grid():
    delta, a_prev = lab.outer_product_demo()
    D = delta @ a_prev.T
    assert D.shape == (3, 4) and D[2, 3] == delta[2, 0] * a_prev[3, 0]


# ---- the exercises' catalogues ------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(ex.EXERCISES))
def test_reference_passes(name):
    assert ex.EXERCISES[name].diagnose(ex.EXERCISES[name].reference).passed


@pytest.mark.parametrize("name, mistake", [(n, m.name) for n, e in sorted(ex.EXERCISES.items()) for m in e.mistakes])
def test_each_mistake_is_named(name, mistake):
    exercise = ex.EXERCISES[name]
    fn = {m.name: m.fn for m in exercise.mistakes}[mistake]
    result = exercise.diagnose(fn)
    assert not result.passed and result.mistake == mistake, result.message


@pytest.mark.parametrize("name", sorted(ex.EXERCISES))
def test_mistakes_differ_from_each_other(name):
    exercise = ex.EXERCISES[name]
    for a in exercise.mistakes:
        outcomes = [exercise.run(a.fn, case) for case in exercise.cases]
        if any(o.values is None for o in outcomes):
            continue
        others = [b.name for b in exercise.mistakes if b is not a and exercise.matches(outcomes, b.fn)]
        assert others == [], (a.name, others)


def loop(net, cache, Y):
    """A correct backward written out (the student's net has no backward), dW^1 … dW^L without the None."""
    dW, db = ex.wrong_backward(None)(net, cache, Y)
    return dW[1:], db[1:]


def test_backward_accepts_tuples_and_lists_without_the_none():
    def as_tuples(net, cache, Y):
        dW, db = loop(net, cache, Y)
        return tuple(dW), tuple(db)
    assert ex.BACKWARD.diagnose(as_tuples).passed
    assert ex.BACKWARD.diagnose(lambda n, c, Y: [[None] + loop(n, c, Y)[0],
                                                  [None] + loop(n, c, Y)[1]]).passed


@pytest.mark.parametrize("student, words", [
    (lambda net, cache, Y: None, "two lists"),
    (lambda net, cache, Y: loop(net, cache, Y)[0], "one array per layer"),
    (lambda net, cache, Y: (loop(net, cache, Y)[0][:1], loop(net, cache, Y)[1]),
     "one array per layer"),
    (lambda net, cache, Y: 1 / 0, "ZeroDivisionError"),
])
def test_backward_explains_wrong_returns(student, words):
    result = ex.BACKWARD.diagnose(student)
    assert not result.passed and words in result.message


def test_not_written_yet_and_uncatalogued_errors():
    def stub(*args):
        raise NotImplementedError("Exercise 1")
    assert ex.BACKWARD.diagnose(stub).mistake == "not done"

    def off_in_layer_1(net, cache, Y, by=lambda dW: dW * 1.5):
        dW, db = loop(net, cache, Y)
        dW[0] = by(dW[0])
        return dW, db
    result = ex.BACKWARD.diagnose(off_in_layer_1)        # a family of slips names a factor
    assert result.mistake == "constant factor" and "∂J/∂W^1 is 1.5 times the right value" in result.message
    result = ex.BACKWARD.diagnose(lambda *a: off_in_layer_1(*a, by=lambda dW: dW + 0.01))
    assert result.mistake == "other" and "∂J/∂W^1" in result.message


def test_train_sgd_reference_equals_a_written_loop():
    def loop(net, X, Y, lr, epochs, batch_size, seed):
        rng, N, costs = np.random.default_rng(seed), X.shape[1], []
        for _ in range(epochs):
            order = rng.permutation(N)
            for i in range(0, N, batch_size):
                b = order[i:i + batch_size]
                grads = net.backward(net.forward(X[:, b]), Y[:, b])
                for m in range(1, net.L + 1):
                    net.W[m] -= lr * grads.dW[m]
                    net.b[m] -= lr * grads.db[m]
            costs.append(net.cost(X, Y))
        return costs
    assert ex.TRAIN_SGD.diagnose(loop).passed


def test_equal_starting_weights_stay_equal():
    X, _, Y, _, _ = lab.digits()
    net = lab.digits_net(hidden=16, seed=0)
    for m in (1, 2):
        net.W[m] = np.full(net.W[m].shape, 0.01)
    train(net, X, Y, optimizers.SGD(0.2), 5, batch_size=32, seed=0)
    assert len(np.unique(np.round(net.W[1], 12), axis=0)) == 1


def test_dashboard_grid_is_what_the_markdown_says():
    """§8: α from 0.001 to about 3, each step ×1.78; n_1 ∈ {8, 32, 128}; 10 epochs with B = 128."""
    e = np.array(lab.LR_EXPONENTS)
    assert e[0] == -3.0 and 10 ** e[-1] == pytest.approx(3.16, abs=0.01)
    assert np.allclose(np.diff(e), 0.25) and 10 ** 0.25 == pytest.approx(1.78, abs=0.005)
    assert lab.HIDDEN_SIZES == (8, 32, 128)
    grid, _ = lab.lr_grid()
    assert grid[-1.0, 32].epochs == 10


# ---- the library is off limits while the student's function runs ----------------------------------
def test_a_one_line_library_call_is_named_used_library_and_the_names_come_back():
    from lessonlib.activations import softmax
    space = {"softmax": softmax, "train": train, "SGD": optimizers.SGD}
    exec("def delta(z, Y):\n    return (softmax(z) - Y) / z.shape[1]\n"
         "def loop(net, X, Y, lr, epochs, batch_size, seed):\n"
         "    return train(net, X, Y, SGD(lr), epochs, batch_size=batch_size, seed=seed).train_cost\n"
         "def backward(net, cache, Y):\n    g = net.backward(cache, Y)\n    return g.dW, g.db\n", space)
    assert ex.DELTA_SOFTMAX_CE.diagnose(space["delta"]).mistake == "used_library"
    assert ex.TRAIN_SGD.diagnose(space["loop"]).mistake == "used_library"
    assert ex.BACKWARD.diagnose(space["backward"]).mistake == "used_library"
    assert space["softmax"] is softmax and space["train"] is train      # restored after the check
    assert "off limits" in ex.TRAIN_SGD.diagnose(space["loop"]).message
