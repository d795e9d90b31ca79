"""Lesson 02: the lesson module's computations, the numbers notebook 02's text states, and its exercises'
catalogues.  (Every dashboard is swept by the shared registry test.)"""
import matplotlib.pyplot as plt
import numpy as np
import pytest

from lessonlib import Network, optimizers, text, train
from lessonlib import backprop_lab as lab
from lessonlib import initialization as init
from lessonlib.data import one_hot
from lessonlib.exercises import backprop as ex
from lessonlib.exercises import numerical
from lessonlib.gradcheck import gradient_check


def small_batch(B=5):
    X, _, Y, _, _ = lab.digits()
    return X[:, :B], Y[:, :B]


# ---- notation and sources ---------------------------------------------------------------------
def test_worked_backward_is_lessonlibs_backward_and_prints_its_equations(capsys):
    """§3 shows the backward pass as equations with numbers (no numpy lines before Exercise 1's check)."""
    net, x, y = lab.worked_example()
    hand, grads = lab.worked_backward(net, x, y), net.gradients(x, y)
    for m in (1, 2):
        for name, ours in [(f"delta{m}", grads.delta[m]), (f"dW{m}", grads.dW[m]), (f"db{m}", grads.db[m])]:
            assert np.allclose(hand[name], ours, rtol=0, atol=1e-15), name
    assert np.allclose(hand["back"], net.W[2].T @ grads.delta[2], rtol=0, atol=1e-15)
    lab.show_worked_backward(hand, x, y, net.W[2], layer=2)
    lab.show_worked_backward(hand, x, y, net.W[2], layer=1)
    out = capsys.readouterr().out
    for piece in ["(0.5032 − 0.7000)/1 = -0.1968", "0.2500 × (-0.1968) = -0.0492", "= [-0.0300, -0.0295]",
                  "= [-0.0492, +0.0738]", "= [-0.0117, +0.0177]", "rows [-0.0117, -0.0059] and [+0.0177, +0.0089]"]:
        assert piece in out, piece
    for line in out.splitlines():                                   # no numpy in what the student sees
        assert "@" not in line and ".T" not in line and "sum(" not in line
    with pytest.raises(ValueError, match="two sigmoid layers"):
        lab.worked_backward(Network([2, 3, 2, 1], activation="sigmoid", loss="mse", seed=0), x, y)
    with pytest.raises(ValueError, match="must be 2 .* or 1"):
        lab.show_worked_backward(hand, x, y, net.W[2], layer=3)


def test_cross_entropy_delta_is_150_times_the_squared_errors_at_z_minus_5():
    """§8's core sentence: a sigmoid output at z = −5 with y = 1, δ with cross-entropy 150 × the squared error's."""
    from lessonlib.activations import sigmoid, sigmoid_prime
    a = sigmoid(-5.0)
    ratio = (a - 1.0) / (sigmoid_prime(-5.0) * (a - 1.0))
    assert round(ratio) == 150


def test_notation_table_uses_layer_numbers_and_real_shapes():
    net = Network([64, 16, 10], activation="sigmoid", loss="mse", seed=0)
    table = lab.notation_table(net, *small_batch(5))
    for cell in ["net.W[1]", "(16, 64)", "net.b[2]", "(10, 1)", "cache.z[1]", "cache.a[0]", "(64, 5)",
                 "grads.delta[1]", "(16, 5)", "grads.dW[2]", "(10, 16)", "4 arrays, 1210 numbers"]:
        assert cell in table
    assert "weights[0]" not in table and "cache.z[0]" not in table and "delta[0]" not in table


def test_shape_table_shows_each_gradient_shaped_like_its_parameter():
    """§3's table: the code names Exercise 1 uses, and one shape per layer that the parameter, its gradient
    (and z^m, a^m, δ^m) share; lines fit a slide."""
    net = Network([64, 16, 10], activation="sigmoid", loss="mse", seed=0)
    table = lab.shape_table(net, *small_batch(5))
    for cell in ["net.W[m], grads.dW[m]", "(16, 64), (10, 16)", "net.b[m], grads.db[m]", "(16, 1), (10, 1)",
                 "cache.z[m], cache.a[m], grads.delta[m]", "(16, 5), (10, 5)", "cache.a[0]", "(64, 5)",
                 "net.f_of[m].f_prime"]:
        assert cell in table
    assert max(len(line) for line in table.splitlines()) <= 76


def test_sources_the_notebook_prints_show_the_equations():
    from lessonlib.network import Network as N
    assert "z^m = W^m a^{m-1} + b^m" in text.source(N._forward)
    backward = text.source(N._backward)
    for eq in ["self.loss.delta(", "∂J/∂W^m = δ^m (a^{m-1})^T", "f.f_prime(z[m - 1]) * (W[m].T @ delta[m])"]:
        assert eq in backward
    for f in (N._forward, N._backward):                 # on a slide: the long lines' comments move above them
        fitted = text.source(f, width=76)
        assert max(len(line) for line in fitted.splitlines()) <= 76
        assert [line.split("#")[0].strip() for line in fitted.splitlines() if line.split("#")[0].strip()] == \
               [line.split("  #")[0].strip() for line in text.source(f).splitlines()]
        assert "# z^m = W^m a^{m-1} + b^m" in text.source(N._forward, width=76)


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
    # §5's printout: the 2 passes beyond 2 per parameter are J itself (for τ) and the look for ReLU kinks
    sig = Network([64, 16, 10], activation="sigmoid", loss="mse", seed=0)
    broken = lab.backward_without_f_prime(sig, X, Y)
    _, passes = lab.count_forward_passes(sig, lambda: gradient_check(sig, X, Y, gradients=broken))
    assert passes == 2 * sum(p.size for p in sig.params) + 2


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
    net = init.deep_net("sigmoid", depth=4)
    sizes = init.delta_sizes(net, X, Y)
    d1 = net.gradients(X, Y).delta[1]
    assert len(sizes) == 5 and sizes[0] == pytest.approx(np.sqrt(np.mean((40 * d1) ** 2)))
    assert np.all(np.diff(sizes) > 0)                          # sigmoid: the error shrinks going back
    relu = init.delta_sizes(init.deep_net("relu", depth=4), X, Y)
    assert relu[0] / relu[-1] > 100 * sizes[0] / sizes[-1]


SETUPS = [("sigmoid", "Xavier"), ("relu", "He"), ("relu", 0.01), ("sigmoid", 1.5)]     # §7's table


def test_section_7_story_holds():
    """The notebook's reading of its table: default sigmoid and tiny-weight ReLU fail (forward and backward),
    He ReLU and large-weight sigmoid learn.  Measured on the same N_PROBE = 500 digits as the dashboards."""
    assert init.N_PROBE == 500
    X = small_batch(init.N_PROBE)[0]
    runs = {k: init.train_recording_deltas(k[0], depth=6, epochs=15, lr=0.3, init_std=k[1]) for k in SETUPS}
    ratio = {k: s[0, 0] / s[0, -1] for k, (_, s) in runs.items()}
    acc = {k: h.val_accuracy[-1] for k, (h, _) in runs.items()}
    spread = {k: init.spreads(init.deep_net(k[0], 6, init_std=k[1]), X) for k in runs}
    assert ratio["sigmoid", "Xavier"] < 1e-3 and ratio["relu", 0.01] < 1e-6
    assert ratio["relu", "He"] > 0.1 and ratio["sigmoid", 1.5] > 0.1
    assert spread["sigmoid", "Xavier"][0] > 0.1 and spread["sigmoid", "Xavier"][5] < 1e-3      # forward collapse
    assert spread["relu", 0.01][5] < 1e-6 and spread["relu", "He"][5] > 0.1
    assert acc["sigmoid", "Xavier"] <= 0.11 and acc["relu", 0.01] <= 0.11
    assert acc["relu", "He"] > 0.9 and acc["sigmoid", 1.5] > 0.5
    sizes = runs["sigmoid", "Xavier"][1]
    assert sizes.shape == (16, 7)


def test_section_7_table_over_three_seeds():
    """The table's last column (validation accuracy, trained on the split's training part), seeds 0–2: default
    sigmoid and tiny ReLU stay at chance on every seed; He ReLU learns on every seed (over 90 %);
    large-weight sigmoid learns, but slowly (between 30 % and 70 %, below every He ReLU run)."""
    runs = {(k, s): init.train_recording_deltas(k[0], depth=6, epochs=15, lr=0.3, init_std=k[1], seed=s)[0]
            for k in SETUPS for s in (0, 1, 2)}
    for s in (0, 1, 2):
        for k in (("sigmoid", "Xavier"), ("relu", 0.01)):
            assert not runs[k, s].diverged and runs[k, s].val_accuracy[-1] <= 0.11
        assert not runs[("sigmoid", 1.5), s].diverged and 0.3 < runs[("sigmoid", 1.5), s].val_accuracy[-1] < 0.7
    he = [runs[("relu", "He"), s] for s in (0, 1, 2)]
    assert not any(h.diverged for h in he) and min(h.val_accuracy[-1] for h in he) > 0.9
    assert all(h.test_cost == [] for h in runs.values())                     # the test digits stay unused


def test_section_7_figure_reading():
    """Under the figure: ReLU's hidden layers keep δ (factor ≈ 1), the drop is the output step; sigmoid loses
    about σ'(0)·√(n Var W) = 1/4 per hidden layer ("about the predicted factor", "about a quarter"); the
    sigmoid's validation accuracy stays at chance in every epoch."""
    (sig, s), (relu, r) = (init.train_recording_deltas(f, depth=6, epochs=15, lr=0.3, init_std=i)
                           for f, i in SETUPS[:2])
    per_layer = lambda z: np.exp(np.mean(np.log(z[:-2] / z[1:-1])))    # noqa: E731
    assert 0.95 < per_layer(r[0]) < 1.05 and r[0][-2] / r[0][-1] < 0.8
    assert 0.2 < per_layer(s[0]) < 0.3
    assert 0.09 <= min(sig.val_accuracy) and max(sig.val_accuracy) <= 0.11
    assert relu.val_accuracy[-1] > 0.9


def test_one_deep_network_one_probe():
    """§7's table, its dashboards and lessonlib.initialization measure the same network on the same digits:
    the default init is the He/Xavier scheme, and the dashboard's He ratio equals the table's."""
    X, Y = small_batch(init.N_PROBE)
    for f, scheme in (("relu", "He"), ("sigmoid", "Xavier"), ("tanh", "Xavier")):
        default, named = init.deep_net(f, 6), init.deep_net(f, 6, init_std=scheme)
        assert all(np.array_equal(p, q) for p, q in zip(default.params, named.params))
        sizes = init.delta_sizes(default, X, Y)
        assert np.isclose(sizes[0] / sizes[-1], init.layer_statistics(scheme, f).delta_ratio, rtol=1e-12)


def test_fresh_net_ratios_printed_in_section_7():
    X, Y = small_batch(init.N_PROBE)
    r = {f: init.delta_sizes(init.deep_net(f, 6), X, Y) for f in ("sigmoid", "tanh", "relu")}
    r = {f: s[0] / s[-1] for f, s in r.items()}
    assert r["sigmoid"] < 1e-3 < 0.1 < r["tanh"] < r["relu"]


def test_cross_entropy_beats_the_squared_error_on_a_saturated_wrong_output():
    from lessonlib.activations import sigmoid, sigmoid_prime
    a = sigmoid(-5.0)
    assert abs(sigmoid_prime(-5.0) * (a - 1)) < 0.01 < 0.99 < abs(a - 1)


def test_the_cost_at_initialization_is_a_bit_above_ln_10():
    X, X_val, Y, Y_val = lab.digits_split()
    start = lab.before_training(lab.digits_net(64, seed=0), X, Y, X_val, Y_val)
    assert np.log(10) < start["train_cost"] < np.log(10) + 0.5          # "a bit higher", not "far above"


# ---- section 8: the digits ------------------------------------------------------------------------
def test_standardize_uses_training_statistics():
    rng = np.random.default_rng(0)
    A, Bt = rng.normal(3, 2, (4, 50)), rng.normal(3, 2, (4, 10))
    As, Bs = lab.standardize(A, Bt, eps=0.0)
    assert np.allclose(As.mean(axis=1), 0) and np.allclose(As.std(axis=1), 1)
    assert np.allclose(Bs, (Bt - A.mean(axis=1, keepdims=True)) / A.std(axis=1, keepdims=True))


def test_plain_sgd_reaches_97_percent_with_a_generalization_gap():
    """§8: trained on the training part of the split, watched on the validation part, the test set once at the
    end (≥ 97 %); the costs part ways, train keeps falling, validation levels off (its last five epochs within
    5 % of each other), and it has not turned up (the notebook calls it a generalization gap)."""
    _, X_test, _, Y_test, pixels = lab.digits()
    X, X_val, Y, Y_val = lab.digits_split()
    net = lab.digits_net(64, seed=0)
    start = lab.before_training(lab.digits_net(64, seed=0), X, Y, X_val, Y_val)
    history = train(net, X, Y, optimizers.SGD(0.2), 20, batch_size=32, X_val=X_val, Y_val=Y_val, seed=0)
    from lessonlib.training import accuracy
    assert accuracy(net.predict(X_test), Y_test) >= 0.97
    assert history.val_cost[-1] > 3 * history.train_cost[-1]                  # the gap: several times
    # the figure's alt text: both fall steeply at first, then train keeps falling and validation levels off
    assert history.train_cost[2] < 0.2 * start["train_cost"] and history.val_cost[2] < 0.2 * start["val_cost"]
    assert history.train_cost[-1] < 0.5 * history.train_cost[9]
    assert max(history.val_cost[-5:]) < 1.05 * min(history.val_cost[-5:])
    assert history.val_cost[-1] < history.val_cost[9]                         # not turned up
    assert X.shape[1] + X_val.shape[1] == lab.digits()[0].shape[1] and X_val.shape[1] < X.shape[1]
    assert start["train_accuracy"] < 0.3 and start["train_cost"] > history.train_cost[0]
    C = lab.confusion_matrix(net, X_test, Y_test)
    assert C.sum() == X_test.shape[1] and np.trace(C) / C.sum() == pytest.approx(accuracy(net.predict(X_test),
                                                                                           Y_test))
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
    assert grid[-1.0, 32].val_accuracy[-1] > 0.9 and not grid[-3.0, 128].diverged
    assert any(h.diverged for h in grid.values())
    X, X_val, Y, Y_val = lab.digits_split()            # trained as batches: the same runs as train's
    for e, h in [(-1.0, 32), (0.75, 32), (0.25, 8), (-3.0, 128)]:
        one = train(lab.digits_net(h, seed=0), X, Y, optimizers.SGD(10.0 ** e), 10, batch_size=128,
                    X_val=X_val, Y_val=Y_val, seed=0)
        assert one.diverged == grid[e, h].diverged and one.epochs == grid[e, h].epochs
        assert np.allclose(one.train_cost, grid[e, h].train_cost, rtol=1e-12, atol=0, equal_nan=True)
        assert one.val_accuracy == grid[e, h].val_accuracy


def test_plot_costs_starts_at_epoch_0():
    grid, starts = lab.lr_grid()
    history = grid[-1.0, 32]
    ax = lab.plot_costs(history, starts[32])
    x, y = ax.get_lines()[0].get_data()
    assert x[0] == 0 and len(x) == history.epochs + 1 and y[0] == starts[32]["train_cost"]
    assert ax.get_yscale() == "log" and len(ax.get_lines()) == 2 and ax.get_legend() is not None
    plt.close(ax.figure)


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


def loop(net, cache, Y, delta_L=None):
    """A correct backward written out, dW^1 … dW^L without the None."""
    dW, db = ex.wrong_backward(None)(net, cache, Y, delta_L)
    return dW[1:], db[1:]


def test_backward_accepts_tuples_and_lists_without_the_none():
    def as_tuples(net, cache, Y, delta_L=None):
        dW, db = loop(net, cache, Y, delta_L)
        return tuple(dW), tuple(db)
    assert ex.BACKWARD.diagnose(as_tuples).passed
    assert ex.BACKWARD.diagnose(lambda n, c, Y, delta_L=None: [[None] + loop(n, c, Y, delta_L)[0],
                                                                [None] + loop(n, c, Y, delta_L)[1]]).passed


@pytest.mark.parametrize("student, words", [
    (lambda net, cache, Y, delta_L=None: None, "two lists"),
    (lambda net, cache, Y, delta_L=None: loop(net, cache, Y, delta_L)[0], "one array per layer"),
    (lambda net, cache, Y, delta_L=None: (loop(net, cache, Y, delta_L)[0][:1], loop(net, cache, Y, delta_L)[1]),
     "one array per layer"),
    (lambda net, cache, Y, delta_L=None: ([g.tolist() for g in loop(net, cache, Y, delta_L)[0]],
                                          loop(net, cache, Y, delta_L)[1]), "should be a numpy array"),
    (lambda net, cache, Y: loop(net, cache, Y), "def backward(net, cache, Y, delta_L=None)"),
    (lambda net, cache, Y, delta_L=None: (loop(net, cache, Y, delta_L)[0][:-1] + [None], loop(net, cache, Y, delta_L)[1]),
     "did your loop reach layer"),
    (lambda net, cache, Y, delta_L=None: 1 / 0, "ZeroDivisionError"),
])
def test_backward_explains_wrong_returns(student, words):
    result = ex.BACKWARD.diagnose(student)
    assert not result.passed and words in result.message


def test_not_written_yet_and_uncatalogued_errors():
    def stub(*args):
        raise NotImplementedError("Exercise 1")
    assert ex.BACKWARD.diagnose(stub).mistake == "not done"

    def off_in_layer_1(net, cache, Y, delta_L=None):
        dW, db = loop(net, cache, Y, delta_L)
        dW[0] = dW[0] * 1.5
        return dW, db
    result = ex.BACKWARD.diagnose(off_in_layer_1)                 # named by the harness's factor family
    assert result.mistake == "constant factor" and "∂J/∂W^1 is 1.5 times the right value" in result.message


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
    """§8: α from 0.001 to about 5.6, each step ×1.78; n_1 ∈ {8, 32, 128}; 10 epochs with B = 128."""
    e = np.array(lab.LR_EXPONENTS)
    assert e[0] == -3.0 and 10 ** e[-1] == pytest.approx(5.62, abs=0.01)
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
         "def backward(net, cache, Y, delta_L=None):\n    g = net.backward(cache, Y)\n    return g.dW, g.db\n", space)
    assert ex.DELTA_SOFTMAX_CE.diagnose(space["delta"]).mistake == "used_library"
    assert ex.TRAIN_SGD.diagnose(space["loop"]).mistake == "used_library"
    assert ex.BACKWARD.diagnose(space["backward"]).mistake == "used_library"
    assert space["softmax"] is softmax and space["train"] is train      # restored after the check
    assert "off limits" in ex.TRAIN_SGD.diagnose(space["loop"]).message


# ---- the shortcuts past "write it yourself", and correct variants, are told apart -------------------
STUDENT = """
def backward_by_owner(net, cache, Y, delta_L=None):
    g = cache.owner.backward(cache, Y)
    return g.dW, g.db

def backward_by_loss_delta(net, cache, Y, delta_L=None):
    L, a, z = net.L, cache.a, cache.z
    start = net.loss.delta(z[L], a[L], Y, net.f_of[L]) if delta_L is None else delta_L
    return backward_loop(net, cache, start)

def backward_loop(net, cache, delta_L):
    L, deltas = net.L, {net.L: delta_L}
    for m in range(L, 1, -1):                      # every δ first, then the gradients
        deltas[m - 1] = net.f_of[m - 1].f_prime(cache.z[m - 1]) * np.dot(net.W[m].T, deltas[m])
    dW = [np.einsum("ib,jb->ij", deltas[m], cache.a[m - 1]) for m in range(1, L + 1)]
    db = [np.sum(deltas[m], axis=1)[:, None] for m in range(1, L + 1)]
    return dW, db

def backward_variant(net, cache, Y, delta_L=None):
    L = net.L
    if delta_L is None:
        delta_L = net.f_of[L].f_prime(cache.z[L]) * (cache.a[L] - Y) / Y.shape[1]
    return backward_loop(net, cache, delta_L)

def backward_dls_style(net, cache, Y, delta_L=None):    # the 1/B on dW and db, as the DLS course writes it
    L, B, A, Z, f = net.L, Y.shape[1], cache.a, cache.z, net.f_of
    dZ = f[L].f_prime(Z[L]) * (A[L] - Y) if delta_L is None else delta_L * B
    grads_W, grads_b = {}, {}
    for m in reversed(range(1, L + 1)):
        grads_W[m] = (1 / B) * np.dot(dZ, A[m - 1].T)
        grads_b[m] = (1 / B) * np.sum(dZ, axis=1, keepdims=True)
        if m > 1:
            dZ = np.dot(net.W[m].T, dZ) * f[m - 1].f_prime(Z[m - 1])
    return [None] + [grads_W[m] for m in range(1, L + 1)], [None] + [grads_b[m] for m in range(1, L + 1)]

def loop_by_lab(net, X, Y, lr, epochs, batch_size, seed):
    return lab.train(net, X, Y, SGD(lr), epochs, batch_size=batch_size, seed=seed).train_cost

def loop_by_package(net, X, Y, lr, epochs, batch_size, seed):
    return lessonlib.train(net, X, Y, SGD(lr), epochs, batch_size=batch_size, seed=seed).train_cost

def loop_array_split(net, X, Y, lr, epochs, batch_size, seed):
    rng, N, costs = np.random.default_rng(seed), X.shape[1], []
    for _ in range(epochs):
        order = rng.permutation(N)
        for batch in np.array_split(order, range(batch_size, N, batch_size)):
            g = net.backward(net.forward(X[:, batch]), Y[:, batch])
            for m in range(1, net.L + 1):
                net.W[m] = net.W[m] - lr * g.dW[m]
                net.b[m] = net.b[m] - lr * g.db[m]
        costs.append(net.cost(X, Y))
    return costs

def softmax(z):                                    # the student's own helper, named like the library's
    e = np.exp(z - z.max(axis=0))
    return e / e.sum(axis=0)

def delta_with_own_softmax(z, Y):
    return (softmax(z) - Y) / Y.shape[1]

def numgrad_plus_minus(cost, theta, step):         # += / -= 2Δ / +=: back to θ up to rounding
    g = np.zeros_like(theta)
    it = np.nditer(theta, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        theta[i] += step; plus = cost(); theta[i] -= 2 * step; minus = cost(); theta[i] += step
        g[i] = (plus - minus) / (2 * step)
    return g

def numgrad_flat_view(cost, theta, step):          # through a flat view, dividing by the step taken
    flat, g = theta.reshape(-1), np.zeros(theta.size)
    for k in range(flat.size):
        old = flat[k]
        flat[k] = old + step; up, plus = flat[k], cost()
        flat[k] = old - step; down, minus = flat[k], cost()
        flat[k] = old
        g[k] = (plus - minus) / (up - down)
    return g.reshape(theta.shape)

def delta_by_loss(z, Y):                           # the cell's a, then the cross-entropy's own δ^L
    from lessonlib.losses import LOSSES
    e = np.exp(z - z.max(axis=0, keepdims=True))
    a = e / e.sum(axis=0, keepdims=True)
    return LOSSES["cross_entropy"].delta(z, a, Y, None)

def delta_by_function(z, Y):
    from lessonlib.losses import softmax_cross_entropy_delta
    e = np.exp(z - z.max(axis=0, keepdims=True))
    return softmax_cross_entropy_delta(z, e / e.sum(axis=0, keepdims=True), Y, None)

def numgrad_by_library(cost, theta, step):
    from lessonlib.gradcheck import numerical_gradient
    return numerical_gradient(cost, theta, step)

def best_step_loop(J_of, w, exact, steps):         # / 2 / Δ, appended in a loop, the best found by hand
    errors = []
    for d in steps:
        errors.append(abs((J_of(w + d) - J_of(w - d)) / 2 / d - exact))
    k = min(range(len(steps)), key=lambda k: errors[k])
    return float(steps[k]), np.array(errors)
"""


def student_space():
    import lessonlib
    from lessonlib.activations import softmax
    space = {"np": np, "lab": lab, "lessonlib": lessonlib, "train": train, "SGD": optimizers.SGD,
             "softmax": softmax}
    exec(STUDENT, space)
    return space


@pytest.mark.parametrize("exercise, name", [
    ("backward", "backward_by_owner"), ("backward", "backward_by_loss_delta"),
    ("train_sgd", "loop_by_lab"), ("train_sgd", "loop_by_package"),
    ("numerical_gradient", "numgrad_by_library"), ("delta_softmax_ce", "delta_by_loss"),
    ("delta_softmax_ce", "delta_by_function")])
def test_the_library_is_off_wherever_it_is_reachable(exercise, name):
    result = ex.EXERCISES[exercise].diagnose(student_space()[name])
    assert not result.passed and result.mistake == "used_library", result.message
    import lessonlib
    from lessonlib.network import Network as N
    assert lab.train is train and lessonlib.train is train and callable(N.backward)     # all back afterwards
    from lessonlib.losses import LOSSES, softmax_cross_entropy_delta
    assert LOSSES["cross_entropy"].delta is softmax_cross_entropy_delta


@pytest.mark.parametrize("exercise, name", [
    ("backward", "backward_variant"), ("backward", "backward_dls_style"), ("train_sgd", "loop_array_split"),
    ("delta_softmax_ce", "delta_with_own_softmax"), ("numerical_gradient", "numgrad_plus_minus"),
    ("numerical_gradient", "numgrad_flat_view"), ("best_step", "best_step_loop")])
def test_correct_variants_pass(exercise, name):
    result = ex.EXERCISES[exercise].diagnose(student_space()[name])
    assert result.passed, result.message


def test_arrays_where_the_next_cells_need_arrays():
    space = student_space()
    listed = lambda z, Y: space["delta_with_own_softmax"](z, Y).tolist()        # noqa: E731
    assert "should be a numpy array" in ex.DELTA_SOFTMAX_CE.diagnose(listed).message
    as_list = lambda cost, theta, step: space["numgrad_plus_minus"](cost, theta, step).tolist()   # noqa: E731
    assert "should be a numpy array" in ex.NUMERICAL_GRADIENT.diagnose(as_list).message


def test_numerical_gradient_leaves_theta_as_it_was():
    def keeps_the_nudge(cost, theta, step):
        g = np.zeros(theta.shape)
        for i in np.ndindex(theta.shape):
            old = theta[i]
            theta[i] = old + step
            plus = cost()
            theta[i] = old - step
            g[i] = (plus - cost()) / (2 * step)
            theta[i] = old
        theta[...] += 1e-3                       # right values, then θ moved
        return g
    result = ex.NUMERICAL_GRADIENT.diagnose(keeps_the_nudge)
    assert result.mistake == "mutated" and "put each entry's original value back" in result.message


# ---- §4: the small graph, worked ---------------------------------------------------------------------
def test_the_small_graph_by_the_gate_rules():
    """§4: w = 0.5, b = 1, x = (2, 4, −4), y = (2.5, 2, −1): ∂J/∂w = 1, ∂J/∂b = 1/6, the third example routed
    to 0 by the max gate; lessonlib's one-neuron network agrees, and so do central differences."""
    w, b = 0.5, 1.0
    xs, ys = np.array([2.0, 4.0, -4.0]), np.array([2.5, 2.0, -1.0])
    z = w * xs + b
    dJ_dz = (np.maximum(z, 0) - ys) / 3 * (z > 0)
    assert dJ_dz[2] == 0 and (np.maximum(z, 0) - ys)[2] != 0               # routed, not zero by itself
    assert np.isclose(np.sum(xs * dJ_dz), 1.0) and np.isclose(np.sum(dJ_dz), 1 / 6)
    one = Network([1, 1], activation="relu", loss="mse", seed=0)
    one.W[1], one.b[1] = np.array([[w]]), np.array([[b]])
    g = one.gradients(xs[None, :], ys[None, :])
    assert np.isclose(g.dW[1][0, 0], 1.0, rtol=1e-14) and np.isclose(g.db[1][0, 0], 1 / 6, rtol=1e-14)
    assert gradient_check(one, xs[None, :], ys[None, :]).passed


def test_the_drawn_graph_by_the_gate_rules():
    """§4's figure: w = 0.5, b = 1, x = 2, y = 2.5 gives z = a = 2, J = 0.125; the cost hands back a − y = −0.5,
    max passes it (z > 0), + copies it to wx and b, × swaps: ∂J/∂w = x·(−0.5) = −1, ∂J/∂x = w·(−0.5) = −0.25
    (the notes and the alt text say so); lessonlib's backward and central differences agree; every text of the
    figure is at least MIN_TEXT_PT and the figure fits a slide."""
    from lessonlib.plots import MIN_TEXT_PT, SLIDE_FIGURE_WIDTH_IN
    graph = lab.neuron_graph(0.5, 1.0, 2.0, 2.5)
    assert graph == {"w": (0.5, -1.0), "x": (2.0, -0.25), "wx": (1.0, -0.5), "b": (1.0, -0.5), "z": (2.0, -0.5),
                     "a": (2.0, -0.5), "y": (2.5, None), "J": (0.125, 1.0)}
    one = Network([1, 1], activation="relu", loss="mse", seed=0)
    one.W[1], one.b[1] = np.array([[0.5]]), np.array([[1.0]])
    g = one.gradients(np.array([[2.0]]), np.array([[2.5]]))
    assert (g.dW[1][0, 0], g.db[1][0, 0]) == (graph["w"][1], graph["b"][1])
    assert one.cost(np.array([[2.0]]), np.array([[2.5]])) == graph["J"][0]
    assert lab.neuron_graph(0.5, -3.0, 2.0, 2.5)["z"][1] == 0.0                # z < 0: max routes nothing
    ax = lab.plot_neuron_graph(0.5, 1.0, 2.0, 2.5)
    shown = [t.get_text() for t in ax.texts]
    for label in ["w = 0.5", "x = 2", "wx = 1", "b = 1", "z = 2", "a = 2", "y = 2.5", "J = 0.125", "−1", "−0.25",
                  "−0.5", "×", "+", "max"]:
        assert label in shown
    assert min(t.get_fontsize() for t in ax.texts) >= MIN_TEXT_PT
    assert ax.figure.get_size_inches()[0] <= SLIDE_FIGURE_WIDTH_IN
    plt.close(ax.figure)


def test_no_font_below_the_slide_minimum_in_lesson_02s_figures():
    """AUTHORING.md: no text under plots.MIN_TEXT_PT in notebook 02's figures (its lesson modules and
    dashboards), on the figures the notebook draws."""
    from lessonlib.plots import MIN_TEXT_PT, presentation_style, smallest_text_px
    from lessonlib.dashboards.diagram import diagram_figure
    net, x, y = lab.worked_example()
    J_of, w, exact = lab.one_weight(net, x, y, 2, 0, 0)
    steps = 10.0 ** -np.arange(1, 13)
    central = numerical.best_step_reference(J_of, w, exact, steps)[1]
    with presentation_style():                          # the notebook's first cell sets it
        figures = [lab.plot_outer_product(*lab.outer_product_demo()).figure,
                   lab.plot_confusion(np.eye(10, dtype=int) * 40).figure,
                   lab.plot_step_errors(steps, central, central).figure,
                   lab.plot_shifted(steps, central, central).figure,
                   lab.plot_neuron_graph(0.5, 1.0, 2.0, 2.5).figure]
        figures += [diagram_figure(step)[0] for step in (0, 5, 9, 11)]
    for fig in figures:
        assert smallest_text_px(fig) >= round(MIN_TEXT_PT * fig.dpi / 72, 1) - 0.05
        plt.close(fig)


# ---- §5: how small a step, and your numerical gradient ------------------------------------------------
def test_the_best_step_and_the_two_slopes():
    """§5's figure: central errors fall by 100× per decade, one-sided by 10×, for large Δ; both rise again
    for small Δ; the smallest central error is at Δ = 1e-5, within a factor 2 of gradient_check's u^(1/3),
    and lower than the one-sided minimum."""
    from lessonlib.gradcheck import EPS
    net, x, y = lab.worked_example()
    J_of, w, exact = lab.one_weight(net, x, y, 2, 0, 0)
    steps = 10.0 ** -np.arange(1, 13)
    best, central = numerical.best_step_reference(J_of, w, exact, steps)
    one_sided = lab.one_sided_errors(J_of, w, exact, steps)
    assert np.isclose(best, 1e-5, rtol=1e-12) and 0.5 < best / EPS < 2
    assert np.all(np.abs(np.log10(central[:3] / central[1:4]) - 2) < 0.05)       # Δ = 0.1 … 1e-4: slope 2
    assert np.all(np.abs(np.log10(one_sided[:5] / one_sided[1:6]) - 1) < 0.05)   # slope 1
    assert central[-1] > 1e4 * central.min() and one_sided[-1] > 100 * one_sided.min()
    assert central.min() < 0.01 * one_sided.min()
    assert exact == net.gradients(x, y).dW[2][0, 0] and w == 1.0


def test_adding_1000_to_J_moves_the_best_step_up():
    """§5's discovery: with J + 1000 (the same slopes) the right arm of the V stays (Δ = 0.1, 0.01: equal to
    0.1 %), the left arm rises (at every Δ ≤ 1e-6, over 100× higher), and the best Δ on the decade grid moves
    from 1e-5 to 1e-4; the smallest discrepancy grows from ~1e-12 to ~4e-10."""
    net, x, y = lab.worked_example()
    J_of, w, exact = lab.one_weight(net, x, y, 2, 0, 0)
    steps = 10.0 ** -np.arange(1, 13)
    best, central = numerical.best_step_reference(J_of, w, exact, steps)
    best_1000, shifted = numerical.best_step_reference(lambda v: J_of(v) + 1000, w, exact, steps)
    assert np.allclose(shifted[:2], central[:2], rtol=1e-3, atol=0)
    assert np.all(shifted[5:] > 100 * central[5:])
    assert (best, best_1000) == (steps[4], steps[3]) and best_1000 > best
    assert central.min() < 2e-12 and 1e-10 < shifted.min() < 1e-9
    factor = (abs(J_of(w) + 1000) / abs(J_of(w))) ** (1 / 3)           # Δ* ∝ |J|^(1/3): "one to two decades"
    assert round(factor) == 37 and 10 < factor < 100
    ax = lab.plot_shifted(steps, central, shifted)
    assert len(ax.get_lines()) == 4 and ax.get_legend() is not None
    plt.close(ax.figure)


def test_your_backward_against_your_numerical_gradient():
    """§5: the 64 → 16 → 10 network, a correct backward through with_backward against central differences
    (Δ = 1e-5): the largest difference is far below the largest gradient entry."""
    X, Y = small_batch(5)
    net = Network([64, 16, 10], activation="sigmoid", loss="mse", seed=0)
    yours = lab.with_backward(net, ex.backward_reference)
    g, lib = yours.gradients(X, Y), net.gradients(X, Y)
    cost = lambda: yours.cost(X, Y)                                   # noqa: E731
    for m in (1, 2):
        assert np.allclose(g.dW[m], lib.dW[m], rtol=1e-12, atol=1e-17)
        assert np.allclose(g.db[m], lib.db[m], rtol=1e-12, atol=1e-17)
        for theta, gm in ((yours.W[m], g.dW[m]), (yours.b[m], g.db[m])):
            difference = np.abs(gm - numerical.numerical_gradient_reference(cost, theta, 1e-5)).max()
            assert difference < 1e-9 and difference < 1e-6 * np.abs(gm).max()


def test_the_worked_examples_step_suits_the_digits_network():
    """§5 (before the table): J of the 64 → 16 → 10 network on 5 digits is ~80× the worked example's, so Δ*
    (∝ |J|^(1/3)) grows less than a decade; and gradient_check's own step u^(1/3) lies within a decade of 1e-5."""
    tiny, x, y = lab.worked_example()
    X, _, Y, _, _ = lab.digits()
    net = Network([64, 16, 10], activation="sigmoid", loss="mse", seed=0)
    ratio = net.cost(X[:, :5], Y[:, :5]) / tiny.cost(x, y)
    assert ratio > 10 and ratio ** (1 / 3) < 10
    assert 1e-6 < np.finfo(float).eps ** (1 / 3) < 1e-5


def test_with_backward_copies_and_refuses_what_it_cannot_do():
    net = lab.digits_net(16, seed=3)
    own = lab.with_backward(net, ex.backward_reference)
    assert all(np.array_equal(p, q) and p is not q for p, q in zip(own.params, net.params))
    assert (own.f_of[1].name, own.f_out.name, own.loss.name) == ("relu", "softmax", "cross_entropy")
    with pytest.raises(TypeError, match="must be functions"):
        lab.with_backward(net, "backward")
    net.l2 = 0.1
    with pytest.raises(ValueError, match="l2 = 0"):
        lab.with_backward(net, ex.backward_reference)


# ---- §8: your code trains the digits network --------------------------------------------------------
def test_your_code_trains_the_digits_network_as_lessonlib_does():
    """§8's payoff: lessonlib.train on with_backward + a correct backward and δ^L gives lessonlib's own run's
    costs and test accuracy (at least 97 %); so does the optional loop (Exercise 5); and the exercises'
    fallbacks do the same (the student edition)."""
    from lessonlib.training import accuracy
    _, X_test, _, Y_test, _ = lab.digits()
    X, X_val, Y, Y_val = lab.digits_split()
    ours = lab.digits_net(64, seed=0)
    history = train(ours, X, Y, optimizers.SGD(0.2), 20, batch_size=32, X_val=X_val, Y_val=Y_val, seed=0)
    mine = lab.with_backward(lab.digits_net(64, seed=0), student_space()["backward_variant"],
                             delta_L=student_space()["delta_with_own_softmax"])
    own = train(mine, X, Y, optimizers.SGD(0.2), 20, batch_size=32, X_val=X_val, Y_val=Y_val, seed=0)
    assert np.allclose(own.train_cost, history.train_cost, rtol=1e-12, atol=0)
    assert accuracy(mine.predict(X_test), Y_test) == accuracy(ours.predict(X_test), Y_test) >= 0.97
    loop = student_space()["loop_array_split"]
    again = lab.with_backward(lab.digits_net(64, seed=0), student_space()["backward_variant"],
                              delta_L=student_space()["delta_with_own_softmax"])
    assert np.allclose(loop(again, X, Y, 0.2, 20, 32, 0), history.train_cost, rtol=1e-12, atol=0)
    fallback = lab.with_backward(lab.digits_net(64, seed=0), ex.BACKWARD.fallback,
                                 delta_L=ex.DELTA_SOFTMAX_CE.fallback)
    assert np.allclose(ex.TRAIN_SGD.fallback(fallback, X, Y, 0.2, 20, 32, 0), history.train_cost,
                       rtol=1e-12, atol=0)


def test_the_largest_safe_step_lies_between_the_grids_last_two():
    """§8 (optional): over seeds 0–2 every run diverges at α = 5.62 and none at 3.16 or below, for every n_1
    (in the whole grid, seed 0 diverges only at 5.62); just below, n_1 = 8 is the least steady."""
    edge = lab.edge_runs((0.25, 0.5, 0.75), seeds=(0, 1, 2))
    diverged = {key: sum(h.diverged for h in runs) for key, runs in edge.items()}
    assert all(diverged[e, h] == (3 if e == 0.75 else 0) for e, h in diverged)
    grid, _ = lab.lr_grid()
    assert all(h.diverged == (e == 0.75) for (e, _), h in grid.items())
    assert all(edge[e, h][0] is grid[e, h] for e, h in edge)                   # seed 0: the grid's own runs
    worst = {h: min(r.val_accuracy[-1] for r in edge[0.5, h]) for h in lab.HIDDEN_SIZES}
    assert worst[8] < min(worst[32], worst[128])


def test_a_backward_that_changes_z_in_place_is_named():
    """Exercise 1: right values, but cache.z spoiled in place (the check compares z as well as a)."""
    def backward(net, cache, Y, delta_L=None):
        dW, db = ex.backward_reference(net, cache, Y, delta_L)
        cache.z[1][...] = 0.0                       # e.g. an in-place ReLU on the cache's own array
        return dW, db
    result = ex.BACKWARD.diagnose(backward)
    assert result.mistake == "mutated" and "in place" in result.message


def test_a_precedence_slip_gets_a_hint():
    """f' * W.T @ δ reads as (f' * W.T) @ δ: the broadcasting error comes with a hint about * and @."""
    def backward(net, cache, Y, delta_L=None):
        L, W, a, z, f = net.L, net.W, cache.a, cache.z, net.f_of
        delta = {L: f[L].f_prime(z[L]) * (a[L] - Y) / Y.shape[1] if delta_L is None else delta_L}
        dW, db = [None] * (L + 1), [None] * (L + 1)
        for m in range(L, 0, -1):
            dW[m], db[m] = delta[m] @ a[m - 1].T, delta[m].sum(axis=1, keepdims=True)
            if m > 1:
                delta[m - 1] = f[m - 1].f_prime(z[m - 1]) * W[m].T @ delta[m]
        return dW, db
    result = ex.BACKWARD.diagnose(backward)
    assert result.mistake == "error" and "put brackets around the matrix product" in result.message
