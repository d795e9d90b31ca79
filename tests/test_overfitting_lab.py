"""Tests for notebook 04's library (overfitting_lab, overfitting_data, overfitting_runs, remedies) and for
the numbers and claims the notebook states (its second half).

The dashboards are swept by the shared registry test; the exercises' catalogues by tests/test_exercises.py
(here: correct alternatives pass, and feedback beyond the catalogue)."""
import functools

import numpy as np
import pytest

import lessonlib
from lessonlib import data, optimizers, plots, regularization, remedies
from lessonlib import overfitting_lab as lab
from lessonlib.gradcheck import gradient_check, numerical_gradient, relative_error
from lessonlib.overfitting_runs import Stack, train_stack


@pytest.fixture(scope="module")
def sets():
    return lab.moons_sets()


@pytest.fixture(scope="module")
def small(sets):
    """The lesson's 60 training points."""
    return sets["train"][0][:, :lab.N_SMALL], sets["train"][1][:, :lab.N_SMALL]


@pytest.fixture(scope="module")
def draws(small):
    """Our 60 points and two fresh draws: the three training sets of the λ sweep."""
    return lab.training_sets(*small)


@pytest.fixture(scope="module")
def lams(draws, sets):
    """The notebook's λ sweep (8 λ × 3 draws, 150 epochs each), scored on the 2,000 new points too."""
    sweep = lab.lambda_sweep(draws, {"validation": sets["validation"]})
    sweep.score("new points", *lab.new_points())
    return sweep


@pytest.fixture(scope="module")
def sizes(sets):
    return lab.size_sweep(lab.size_pools(sets), {"validation": sets["validation"]})


@pytest.fixture(scope="module")
def lam_best(lams):
    return lab.best_lambda(lams.values, lams.data_cost["validation"][0])


def reference_net(sizes, lam, seed):
    return lessonlib.Network(sizes, activation="tanh", output="softmax", loss="cross_entropy", l2=lam, seed=seed)


def evaluate_acc(net, X, Y):
    return np.mean(net.predict(X).argmax(0) == Y.argmax(0))


# ---- the batched trainer: the same numbers as lessonlib.train, one network at a time ----------------------
@pytest.mark.parametrize("per_network_data", [False, True])
def test_a_stack_trains_exactly_as_lessonlib_train_does_each_network(per_network_data):
    lams_, shape = [0.0, 1e-3, 0.05], [2, 8, 6, 2]
    draws = [data.make_moons(40, noise=0.2, seed=s) for s in (3, 4, 5)]
    nets = [lab.classifier(shape, l2=lam, seed=4) for lam in lams_]
    if per_network_data:
        lab.train_many(nets, [X for X, _ in draws], [Y for _, Y in draws], epochs=60)
    else:
        lab.train_many(nets, *draws[0], epochs=60)
    for k, (lam, net) in enumerate(zip(lams_, nets)):
        X, Y = draws[k] if per_network_data else draws[0]
        ref = reference_net(shape, lam, 4)
        lessonlib.train(ref, X, Y, optimizers.Adam(lab.LR), 60)
        for p, q in zip(net.params, ref.params):
            np.testing.assert_allclose(p, q, rtol=0, atol=1e-12)


def test_the_stack_without_hooks_trains_exactly_as_lessonlib_train():
    X, Y = data.make_moons(40, noise=0.2, seed=3)
    nets = [lab.classifier([2, 8, 6, 2], l2=lam, seed=4) for lam in (0.0, 0.02)]
    stack = train_stack(Stack(nets), X, Y, 60, lab.LR)
    for g, lam in enumerate((0.0, 0.02)):
        ref = reference_net([2, 8, 6, 2], lam, 4)
        lessonlib.train(ref, X, Y, optimizers.Adam(lab.LR), 60)
        for p, q in zip(stack.params, ref.params):
            np.testing.assert_array_equal(p[g], q)


def test_the_stacks_gradient_is_the_networks_and_matches_finite_differences():
    X, Y = data.make_moons(12, seed=2, **lab.MOONS)
    nets = [lab.classifier([2, 4, 3, 2], l2=lam, seed=s) for lam, s in [(0.0, 1), (0.3, 2)]]
    stack = Stack(nets)
    grads = stack.split(stack.gradients(X, Y))
    for g, net in enumerate(nets):
        mine = net.gradients(X, Y)
        for k, (dW, db) in enumerate(zip(mine.dW, mine.db)):
            np.testing.assert_allclose(grads[2 * k][g], dW, rtol=1e-12, atol=1e-15)
            np.testing.assert_allclose(grads[2 * k + 1][g], db, rtol=1e-12, atol=1e-15)
    J_hat = lambda: float(np.sum(stack.evaluate(X, Y)[0]) + sum(  # noqa: E731
        float(np.sum(stack.lam * W * W)) for W in stack.W))
    g, g_num = stack.gradients(X, Y), numerical_gradient(J_hat, stack.theta)
    assert np.abs(g - g_num).max() < 1e-8 and relative_error(g, g_num, floor=1e-4) < 1e-6


def test_the_gradient_through_a_fixed_dropout_mask_matches_finite_differences():
    X, Y = data.make_moons(10, seed=3, **lab.MOONS)
    stack = Stack([lab.classifier([2, 5, 4, 2], l2=0.01, seed=7)])
    masks = {m: (np.random.default_rng(m).random((1, n, 10)) < 0.6) / 0.6 for m, n in ((1, 5), (2, 4))}
    drop = lambda h, m: (h * masks[m], masks[m])  # noqa: E731
    undrop = remedies.dropout_backward

    def J_hat():
        a = stack.forward(X, drop)[1][-1]
        return float(-np.sum(Y * np.log(a)) / 10 + sum(0.01 * np.sum(W * W) for W in stack.W))
    g, g_num = stack.gradients(X, Y, drop, undrop), numerical_gradient(J_hat, stack.theta)
    assert np.abs(g - g_num).max() < 1e-8 and relative_error(g, g_num, floor=1e-4) < 1e-6


def test_dropout_with_keep_1_and_jitter_0_change_nothing():
    X, Y = data.make_moons(30, seed=1, **lab.MOONS)
    plain = lab.train_many([lab.classifier([2, 6, 2])], X, Y, epochs=20)[0]
    dropped = lab.train_many([lab.classifier([2, 6, 2])], X, Y, epochs=20,
                             **dict(zip(("drop", "undrop"), remedies.stack_dropout(
                                 remedies.dropout_forward, remedies.dropout_backward, 1.0))))[0]
    jittered = lab.train_many([lab.classifier([2, 6, 2])], X, Y, epochs=20,
                              augment=lambda X, rng: remedies.jitter(X, 0.0, rng))[0]
    for p, q, r in zip(plain.params, dropped.params, jittered.params):
        np.testing.assert_array_equal(p, q)
        np.testing.assert_array_equal(p, r)


def test_a_stack_refuses_networks_and_data_it_cannot_train():
    with pytest.raises(ValueError, match="tanh hidden layers"):
        Stack([lab.classifier([2, 4, 2]), lab.classifier([2, 5, 2])])
    with pytest.raises(TypeError, match="non-empty list"):
        Stack([])
    X, Y = data.make_moons(10, seed=1)
    stack = Stack([lab.classifier([2, 4, 2])] * 2)
    for bad in [(X.T, Y), (X, Y[:, :9]), (np.stack([X] * 3), np.stack([Y] * 3)), (X * np.nan, Y)]:
        with pytest.raises(ValueError, match="expected X of shape|NaN"):
            train_stack(stack, *bad, epochs=1, lr=0.1)
    with pytest.raises(ValueError, match="K must be"):
        lab.cross_validate([0.0], X, Y, 11)
    with pytest.raises(FloatingPointError, match=r"diverged .* network\(s\) \[0, 1\]"):
        train_stack(Stack([lab.classifier([2, 4, 2])] * 2), X, Y, epochs=3, lr=np.inf)


def test_the_lambda_sweep_is_lessonlib_train_per_lambda_and_draw():
    draws = [data.make_moons(40, noise=0.2, seed=s) for s in (3, 5)]
    sweep = lab.lambda_sweep(draws, {}, lams=[0.0, 1e-3, 0.05], sizes=[2, 8, 6, 2], epochs=30, seed=4)
    for r, (X, Y) in enumerate(draws):
        for lam, net in zip([0.0, 1e-3, 0.05], sweep.nets[r]):
            ref = reference_net([2, 8, 6, 2], lam, 4)
            lessonlib.train(ref, X, Y, optimizers.Adam(lab.LR), 30)
            assert net.l2 == lam
            for p, q in zip(net.params, ref.params):
                np.testing.assert_allclose(p, q, rtol=0, atol=1e-12)


def test_training_sets_of_several_sizes_train_as_lessonlib_train_does():
    sets = [data.make_moons(n, noise=0.2, seed=n) for n in (12, 30, 12)]
    nets = lab.train_many([lab.classifier([2, 6, 2], seed=2) for _ in sets], [X for X, _ in sets],
                          [Y for _, Y in sets], epochs=25)
    for net, (X, Y) in zip(nets, sets):
        ref = reference_net([2, 6, 2], 0.0, 2)
        lessonlib.train(ref, X, Y, optimizers.Adam(lab.LR), 25)
        for p, q in zip(net.params, ref.params):
            np.testing.assert_allclose(p, q, rtol=0, atol=1e-12)


# ---- fit remembers a repeated fit ---------------------------------------------------------------------
def small_fit_args(seed=3):
    X, Y = data.make_moons(30, noise=0.2, seed=seed)
    return lab.classifier([2, 6, 2], seed=1), X, Y


def test_a_repeated_fit_is_looked_up_and_equals_training_again(monkeypatch):
    net, X, Y = small_fit_args()
    first_start = [p.copy() for p in net.params]
    h1 = lab.fit(net, X, Y, epochs=40)
    calls = []
    monkeypatch.setattr(lab, "train", lambda *a, **k: calls.append(1))   # a looked-up fit does not train
    again = lab.classifier([2, 6, 2], seed=1)
    arrays = again.params
    h2 = lab.fit(again, X.copy(), Y.copy(), epochs=40)
    assert calls == [] and h2 is not h1 and h2.train_cost == h1.train_cost and h2.message == h1.message
    assert all(p is q for p, q in zip(again.params, arrays))                # in place, like train
    monkeypatch.undo()
    fresh = lab.classifier([2, 6, 2], seed=1)
    for p, q in zip(fresh.params, first_start):
        np.testing.assert_array_equal(p, q)
    lessonlib.train(fresh, X, Y, optimizers.Adam(lab.LR), 40)
    for p, q, r in zip(fresh.params, again.params, net.params):
        np.testing.assert_array_equal(p, q)
        np.testing.assert_array_equal(p, r)


@pytest.mark.parametrize("change", ["l2", "data", "epochs", "lr", "start", "train_kw"])
def test_a_fit_that_differs_in_anything_trains(monkeypatch, change):
    net, X, Y = small_fit_args()
    lab.fit(net, X, Y, epochs=20)
    net, X, Y = small_fit_args()
    kw = {"epochs": 20}
    if change == "l2":
        net.l2 = 1e-3
    elif change == "data":
        X = X.copy()
        X[0, 0] += 1e-12
    elif change == "epochs":
        kw["epochs"] = 21
    elif change == "lr":
        kw["lr"] = lab.LR * 1.5
    elif change == "start":
        net.W[1][0, 0] += 1e-12
    else:
        kw["X_val"], kw["Y_val"] = X, Y
    calls = []
    real = lab.train
    monkeypatch.setattr(lab, "train", lambda *a, **k: calls.append(1) or real(*a, **k))
    lab.fit(net, X, Y, **kw)
    assert calls == [1]


# ---- data, grids, sweeps -------------------------------------------------------------------------------
def test_grids():
    assert lab.LAMBDAS[0] == 0 and lab.LAMBDAS.size == 8                   # "8 values of λ"
    np.testing.assert_allclose(lab.LAMBDAS[[1, -1]], [1e-4, 1e-1])
    np.testing.assert_allclose(np.diff(np.log10(lab.LAMBDAS[1:])), 0.5)
    assert set(lab.CV_LAMBDAS) <= set(lab.LAMBDAS) and lab.CV_LAMBDAS[0] == 0 and lab.CV_LAMBDAS.size == 6
    assert 1e-4 not in lab.CV_LAMBDAS and 0.1 not in lab.CV_LAMBDAS          # "not 10⁻⁴ … nor 10⁻¹"
    assert list(lab.SIZES_N) == [15, 30, 60, 120, 240]


def test_moons_sets_are_independent_and_balanced(sets):
    assert {k: v[0].shape for k, v in sets.items()} == {"train": (2, 960), "validation": (2, 300), "test": (2, 1000)}
    assert not np.allclose(sets["train"][0][:, :300], sets["validation"][0])
    y = data.labels_of(sets["train"][1][:, :lab.N_SMALL])
    assert y.sum() in range(25, 36)     # about half of each class, despite 5 % flipped labels


def test_the_repeats_are_ours_and_fresh_draws(sets, small):
    X_big, Y_big = lab.extra_pool(sets)
    assert X_big.shape == (2, 3840)
    np.testing.assert_array_equal(X_big[:, :960], sets["train"][0])
    draws = lab.training_sets(*small)
    assert [d[0].shape for d in draws] == [(2, 60)] * 3 and np.array_equal(draws[0][0], small[0])
    assert not np.allclose(draws[1][0], draws[2][0]) and not np.allclose(draws[0][0], draws[1][0])
    pools = lab.size_pools(sets)
    assert [p[0].shape for p in pools] == [(2, 960), (2, 240), (2, 240)] and pools[0] is sets["train"]
    assert lab.new_points()[0].shape == (2, 2000)                          # "2,000 new points"
    assert lab.mean_range([0.25, 0.5, 0.75], ".0%") == "50% (25%–75%)"


def test_flip_labels():
    Y = data.one_hot(np.arange(2000) % 10, 10)
    F = lab.flip_labels(Y, 0.15, seed=0)
    assert 0.12 < np.mean(F.argmax(0) != Y.argmax(0)) < 0.18
    assert np.all(F.sum(axis=0) == 1)
    np.testing.assert_array_equal(lab.flip_labels(Y, 0.0), Y)


def test_noisy_digits_sets_keep_true_test_labels():
    sets = lab.noisy_digits_sets(n_train=50, n_validation=60, label_noise=0.3)
    _, X_test, _, Y_test = data.load_digits(test_size=0.25, seed=0)
    np.testing.assert_array_equal(sets["test"][1], Y_test)
    assert sets["train"][0].shape == (64, 50) and sets["validation"][0].shape == (64, 60)


def test_a_sweep_evaluates_each_network_on_its_own_set_and_the_shared_ones():
    sets = {k: (X[:, :40], Y[:, :40]) for k, (X, Y) in lab.moons_sets().items() if k != "test"}
    draws = [(sets["train"][0][:, :30], sets["train"][1][:, :30]), data.make_moons(30, seed=8, **lab.MOONS)]
    sweep = lab.lambda_sweep(draws, {"validation": sets["validation"]}, lams=[0.0, 0.01], sizes=[2, 6, 2],
                             epochs=20)
    assert set(sweep.data_cost) == {"train", "validation"} and sweep.data_cost["train"].shape == (2, 2)
    for r, (X_r, Y_r) in enumerate(draws):
        for k, net in enumerate(sweep.nets[r]):
            assert sweep.data_cost["train"][r, k] == pytest.approx(net.data_cost(X_r, Y_r), rel=1e-12)
            assert sweep.data_cost["validation"][r, k] == pytest.approx(net.data_cost(*sets["validation"]),
                                                                        rel=1e-12)
            assert sweep.accuracy["validation"][r, k] == pytest.approx(lab.accuracy(net, *sets["validation"]))
    assert sweep.omega[1, 1] == pytest.approx(regularization.penalty(sweep.nets[1][1].weights))
    xs, ys, _ = lab.boundary_grid()
    assert sweep.image(1, 1).shape == (ys.size, xs.size) and sweep.image(1, 1) is sweep.image(1, 1)
    np.testing.assert_allclose(sweep.image(1, 1), lab.class1_probability(sweep.nets[1][1]), atol=1e-12)
    assert sweep.index(0.0) == 0 and sweep.index(0.012) == 1 and sweep.column(1) == [row[1] for row in sweep.nets]
    best = sweep.values[np.argmin(sweep.data_cost["validation"], axis=1)]
    np.testing.assert_array_equal(sweep.chosen(), best)
    size = lab.size_sweep([draws[0], draws[1]], {}, sizes_n=[10, 30], sizes=[2, 6, 2], epochs=5)
    assert size.data_cost["train"][1, 0] == pytest.approx(size.nets[1][0].data_cost(draws[1][0][:, :10],
                                                                                     draws[1][1][:, :10]))


def test_the_tables_print_the_runs_own_numbers(capsys, sizes, lams, sets):
    lab.show_sweep(sizes, "N")
    row = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("60 "))
    k = sizes.index(60)
    assert row.split()[1:] == " ".join([lab.mean_range(sizes.accuracy["train"][:, k], ".0%"),
                                        lab.mean_range(sizes.data_cost["validation"][:, k], ".2f"),
                                        lab.mean_range(sizes.accuracy["validation"][:, k], ".0%")]).split()
    lab.show_sweep(lams, "λ", omega=True)
    row = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("0.1 "))
    assert row.split()[-1] == f"{lams.omega[:, -1].mean():.1f}"
    lab.show_test({"chosen": lams.nets[0][4]}, *sets["test"])
    row = capsys.readouterr().out.splitlines()[-1].split()
    n, mine, theirs = lab.versus_bayes(lab.labels(lams.nets[0][4], sets["test"][0]), *sets["test"])
    assert row[1:] == [f"{lams.nets[0][4].data_cost(*sets['test']):.3f}",
                       f"{lab.accuracy(lams.nets[0][4], *sets['test']):.1%}", str(n), f"{mine - theirs:+d}",
                       f"±{np.sqrt(n):.1f}"]


def test_best_lambda_uses_validation_only():
    assert lab.best_lambda([0, 1e-3, 1e-2], [0.9, 0.4, 0.6]) == 1e-3


def test_one_blas_thread_helpers_are_the_networks_own_numbers(sets, small):
    net = lab.classifier(seed=3)
    X, Y = sets["test"]
    J, acc = lab.scores(net, X, Y)
    assert J == pytest.approx(net.data_cost(X, Y), rel=1e-12) and acc == np.mean(net.predict(X).argmax(0) == Y.argmax(0))
    np.testing.assert_array_equal(lab.labels(net, X), net.predict(X).argmax(0))


# ---- the truth -------------------------------------------------------------------------------------------
def test_bayes_probability_is_symmetric_and_sure_on_the_moons():
    t = np.linspace(0.2, np.pi - 0.2, 5)
    on_moon0 = np.array([np.cos(t), np.sin(t) + 0.3])
    assert np.all(lab.bayes_probability(on_moon0) < 0.05)
    mirrored = np.array([1 - on_moon0[0], 0.5 - on_moon0[1]])
    np.testing.assert_allclose(lab.bayes_probability(mirrored), 1 - lab.bayes_probability(on_moon0), atol=1e-9)


def test_the_expected_bayes_accuracy_agrees_with_a_large_fresh_sample():
    exact = lab.expected_bayes_accuracy()
    X, Y = data.make_moons(100_000, seed=123, **lab.MOONS)
    sampled = lab.bayes_accuracy(X, Y)
    assert abs(exact - sampled) < 3 * np.sqrt(exact * (1 - exact) / 100_000)
    assert exact == pytest.approx(lab.expected_bayes_accuracy(step=0.005, n_t=800), abs=1e-5)   # converged
    assert f"{exact:.1%}" == "89.9%"


def test_versus_bayes_counts_exactly_the_accuracy_difference(sets):
    X, Y = sets["validation"]
    labels = np.random.default_rng(0).integers(0, 2, X.shape[1])
    n_diff, mine, theirs = lab.versus_bayes(labels, X, Y)
    acc = np.mean(labels == Y.argmax(0))
    assert acc - lab.bayes_accuracy(X, Y) == pytest.approx((mine - theirs) / X.shape[1], abs=1e-15)
    assert n_diff == np.sum(labels != lab.bayes_labels(X)) and mine + theirs == n_diff   # two classes


# ---- plots ----------------------------------------------------------------------------------------------
def test_boundary_line_of_a_linear_image():
    xs, ys, G = lab.boundary_grid()
    image = (G[0] > 0.5).reshape(ys.size, xs.size) * 0.8 + 0.1
    x, y = lab.boundary_line(image)
    x = x[np.isfinite(x)]
    assert np.all(np.abs(x - 0.5) < xs[1] - xs[0])
    assert lab.boundary_line(np.full((ys.size, xs.size), 0.5))[0].size == 1     # no boundary: one NaN


def test_paired_text_states_the_luck_of_the_disagreements():
    Y = data.one_hot(np.array([0, 1, 0, 1, 0, 1]), 2)
    counts = lab.paired([0, 1, 1, 0, 0, 1], [0, 1, 0, 1, 1, 0], Y)
    assert counts == (4, 2, 2)
    assert lab.paired_text("a", "b", counts).splitlines() == [
        "a vs b: they disagree on 4 points", "  right there: a 2, b 2; difference +0, luck alone ±2.0"]


def test_power_of_ten_labels_are_plain_text():
    from lessonlib.overfitting_plots import power_of_ten
    assert [power_of_ten(v) for v in (1e-4, 1e-1, 1.0, 100.0)] == ["10⁻⁴", "10⁻¹", "10⁰", "10²"]


def test_sweep_x_puts_zero_left_of_the_grid():
    x, zero_at = lab.sweep_x(lab.LAMBDAS)
    assert zero_at < lab.LAMBDAS[1] and np.all(np.diff(x) > 0)
    assert lab.sweep_x([1e-3, 1e-2])[1] is None


def test_weight_counts_cover_every_weight():
    net = lab.classifier(seed=0)
    for W in net.weights:
        W *= 10
    assert lab.weight_counts(net).sum() == sum(W.size for W in net.weights)


def test_plot_training_curves_shows_the_validation_set_by_default():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    X, Y = data.make_moons(30, noise=0.2, seed=1)
    history = lab.fit(lab.classifier([2, 5, 2], seed=2), X[:, :20], Y[:, :20], epochs=5,
                      X_val=X[:, 20:], Y_val=Y[:, 20:])
    fig, (a, b) = lab.figure(2, figsize=(8, 4))
    assert fig.get_layout_engine() is not None          # shown as drawn: one draw, no tight crop
    lab.plot_training_curves(history, a)
    lab.plot_training_curves(history, b, log=False)
    assert a.get_yscale() == "log" and b.get_yscale() == "linear"
    assert [t.get_text() for t in b.get_legend().get_texts()] == ["training set", "validation set"]
    np.testing.assert_array_equal(b.lines[1].get_ydata(), history.val_cost)
    plt.close(fig)


def test_the_dashboards_show_no_test_set_and_name_underfitting(sets, lams, sizes):
    from lessonlib.dashboards.overfitting import l2_regularization, training_size
    dash = l2_regularization(lams, sets)
    assert "test" not in lams.data_cost
    dash.controls["λ"].value = 0.1
    assert "underfitting" in dash.message.value
    dash.controls["λ"].value = 10 ** -2.5
    assert dash.message.value == ""
    dash.controls["no penalty"].value = True
    assert dash.snapshot().caption.endswith("at λ = 0 (no penalty)")           # not the checkbox's value
    dash.controls["no penalty"].value = False
    assert "no penalty" not in dash.snapshot().caption
    size_dash = training_size(sizes, sets)
    labels = [label for ax in size_dash.figure.axes for label in ax.get_legend_handles_labels()[1]]
    assert "validation set" in labels and not any("test" in label for label in labels)
    for board in (dash, size_dash):          # no font below the series' floor, no layout pass
        assert plots.smallest_text_px(board.figure) >= 18 and board.figure.get_layout_engine() is None


def test_a_dashboard_computes_a_slider_position_the_first_time_it_is_shown(sets, lams):
    from lessonlib.dashboards.overfitting import l2_regularization
    fresh = lab.Sweep(lams.values, lams.nets, [[d] * lams.values.size for d in lab.training_sets(
        *(A[:, :lab.N_SMALL] for A in sets["train"]))], {"validation": sets["validation"]})
    dash = l2_regularization(fresh, sets)
    assert set(fresh._images) == {(0, fresh.index(10 ** -2.5))}          # the build drew one position
    dash.controls["λ"].value = 1e-3
    assert set(fresh._images) == {(0, fresh.index(10 ** -2.5)), (0, fresh.index(1e-3))}


# ---- the student's pieces, wired in ---------------------------------------------------------------------
def add_l2_alternative(W, b, dW, db, lam):             # another correct form: Frobenius norm, a copy of db
    return lam * np.linalg.norm(W) ** 2, dW + lam * 2.0 * W, db.copy()


def add_l2_reference(W, b, dW, db, lam):
    from lessonlib.exercises.overfitting import add_l2
    return add_l2(W, b, dW, db, lam)


@pytest.mark.parametrize("add_l2", [add_l2_reference, add_l2_alternative])
def test_an_l2_network_with_a_correct_penalty_is_the_library_network(add_l2, small):
    X, Y = small
    mine, library = lab.L2Network(add_l2, 0.01, sizes=[2, 5, 4, 2], seed=1), lab.classifier([2, 5, 4, 2], 0.01, 1)
    assert mine.cost(X, Y) == pytest.approx(library.cost(X, Y), rel=1e-12)
    for g, h in zip(mine.gradients(X, Y).dW, library.gradients(X, Y).dW):
        np.testing.assert_allclose(g, h, rtol=1e-11, atol=1e-15)
    assert gradient_check(mine, X, Y).passed


def test_correct_alternatives_pass_every_check():
    from lessonlib.exercises import overfitting as ex

    def cv_delete(lam_values, X, Y, K, train):          # np.delete and a list comprehension
        out = []
        for fold in np.array_split(np.arange(X.shape[1]), K):
            nets = train(lam_values, np.delete(X, fold, axis=1), np.delete(Y, fold, axis=1))
            out.append([n.data_cost(X[:, fold], Y[:, fold]) for n in nets])
        out = np.asarray(out)
        return out, sorted(zip(out.mean(axis=0), lam_values))[0][1]     # the λ of the lowest mean

    def cv_blocks(lam_values, X, Y, K, train):           # the blocks split and joined back
        Xs, Ys = np.array_split(X, K, axis=1), np.array_split(Y, K, axis=1)
        rows = np.empty((K, len(lam_values)))
        for k in range(K):
            nets = train(lam_values, np.hstack(Xs[:k] + Xs[k + 1:]), np.hstack(Ys[:k] + Ys[k + 1:]))
            rows[k] = [n.data_cost(Xs[k], Ys[k]) for n in nets]
        means = rows.sum(axis=0) / K
        return rows, float(lam_values[list(means).index(min(means))])

    def drop_bool(a, keep, rng):                         # a boolean mask turned into the multiplier
        kept = rng.random(a.shape) < keep
        mask = np.where(kept, 1 / keep, 0.0)
        return np.where(kept, a / keep, 0.0), mask

    def mirror_rows(X, Y):                               # labels swapped by argmax, points by a matrix
        return np.array([[-1.0, 0], [0, -1.0]]) @ X + np.array([[1.0], [0.5]]), data.one_hot(1 - Y.argmax(0), 2)

    def adamw_torch_order(W, g, v, s, t, lr, lam, beta1=0.9, beta2=0.999, eps=1e-8):
        W = W - lr * (2 * lam) * W                       # torch: p.mul_(1 − lr·wd), wd = 2λ
        v = v + (1 - beta1) * (g - v)
        s = s * beta2 + (1 - beta2) * g ** 2
        denom = np.sqrt(s) / np.sqrt(1 - beta2 ** t) + eps
        return W - lr / (1 - beta1 ** t) * v / denom, v, s

    def p_keep_loop(train, p_values, X_val, Y_val):      # a loop, min over pairs, a tuple of values
        costs = []
        for p in p_values:
            costs.append(train(p).data_cost(X_val, Y_val))
        best = min(range(len(costs)), key=costs.__getitem__)
        return np.array(costs), p_values[best]

    def p_keep_sorted(train, p_values, X_val, Y_val):    # Ĵ = J here (no penalty): net.cost, a stable sort
        costs = np.array([train(p).cost(X_val, Y_val) for p in p_values])
        return costs, float(np.asarray(p_values)[np.argsort(costs, kind="stable")[0]])

    for name, fn in [("add_l2", add_l2_alternative), ("cross_validate", cv_delete), ("cross_validate", cv_blocks),
                     ("dropout_forward", drop_bool), ("dropout_backward", lambda d, m: m * d),
                     ("mirror", mirror_rows), ("best_p_keep", p_keep_loop), ("best_p_keep", p_keep_sorted)]:
        assert ex.EXERCISES[name].diagnose(fn).passed, name
    result = ex.EXERCISES["adamw_step"].diagnose(adamw_torch_order)   # torch's algebra: equal up to rounding
    assert result.passed, result.message


def test_the_cross_validation_check_is_quick_and_switches_the_library_off():
    import time
    from lessonlib.exercises.overfitting import CV
    start = time.process_time()
    assert CV.diagnose(lab.cross_validate).passed
    assert time.process_time() - start < 2
    namespace = {"lab": lab}
    exec("def two_lines(lam_values, X, Y, K, train):\n    return lab.cross_validate(lam_values, X, Y, K, train)\n",
         namespace)
    assert CV.diagnose(namespace["two_lines"]).mistake == "used the library's cross-validation"
    assert lab.cross_validate.__module__ == "lessonlib.overfitting_lab"      # restored


def test_dropout_keeps_the_expected_output_and_its_mask_is_the_multiplier():
    a = np.linspace(-2, 2, 12).reshape(3, 4)
    outs = [remedies.dropout_forward(a, 0.7, np.random.default_rng(s)) for s in range(4000)]
    np.testing.assert_allclose(np.mean([o for o, _ in outs], axis=0), a, atol=0.08)
    masks = np.array([m for _, m in outs])
    assert set(np.unique(masks)) == {0.0, 1 / 0.7}
    assert abs(np.mean(masks > 0) - 0.7) < 0.01


def test_stack_dropout_draws_the_2d_contract_on_every_network():
    h = np.arange(24.0).reshape(2, 3, 4)
    drop, undrop = remedies.stack_dropout(remedies.dropout_forward, remedies.dropout_backward, 0.5)
    out, mask = drop(h, 1, np.random.default_rng(5))
    ref_out, ref_mask = remedies.dropout_forward(h.reshape(6, 4), 0.5, np.random.default_rng(5))
    np.testing.assert_array_equal(out, ref_out.reshape(2, 3, 4))
    np.testing.assert_array_equal(undrop(np.ones_like(h), mask), ref_mask.reshape(2, 3, 4))


def test_the_mirror_is_an_exact_symmetry_of_the_generator():
    t = np.linspace(0, np.pi, 7)
    clean0 = np.array([np.cos(t), np.sin(t)])
    X_m, _ = remedies.mirror(clean0, data.one_hot(np.zeros(7, int), 2))
    np.testing.assert_allclose(X_m, [1 - np.cos(t), 0.5 - np.sin(t)], atol=1e-15)    # onto moon 1
    X, Y = data.make_moons(4000, seed=9, **lab.MOONS)
    X_m, Y_m = remedies.mirror(X, Y)
    np.testing.assert_array_equal(Y_m.argmax(0), 1 - Y.argmax(0))
    np.testing.assert_allclose(lab.bayes_probability(X_m), 1 - lab.bayes_probability(X), atol=1e-9)


def test_adamw_step_is_the_published_rule_and_the_sweep_leaves_biases_undecayed():
    rng = np.random.default_rng(0)
    W, g, v, s = rng.normal(size=(3, 2)), rng.normal(size=(3, 2)), np.zeros((3, 2)), np.zeros((3, 2))
    W1, v1, s1 = remedies.adamw_step(W, g, v, s, 1, 0.1, 0.5)
    np.testing.assert_allclose(W1, W * (1 - 0.1) - 0.1 * np.sign(g), atol=1e-7)   # t = 1: Adam steps by α sign(g)
    stack = remedies.adamw_sweep([0.0, 10.0], *data.make_moons(10, seed=1), epochs=1)   # one step, same start
    assert all(np.abs(W[0] - W[1]).max() > 0.1 for W in stack.W)                    # the weights decay …
    assert all(np.array_equal(b[0], b[1]) for b in stack.b)                         # … the biases do not


# ---- the numbers notebook 04 states ---------------------------------------------------------------------
def test_section1_the_setting():
    assert lab.MOONS == {"noise": 0.25, "label_noise": 0.05}
    assert lab.MOONS_SIZES == [2, 32, 32, 2] and (lab.EPOCHS, lab.LR, lab.N_SMALL) == (150, 0.04, 60)
    net = lab.classifier()
    assert (sum(W.size for W in net.weights), sum(b.size for b in net.biases)) == (1152, 66)


@pytest.fixture(scope="module")
def section2(sets, small):
    net = lab.classifier(seed=0)
    history = lab.fit(net, *small, X_val=sets["validation"][0], Y_val=sets["validation"][1])
    return net, history


def test_section2_the_validation_cost_turns_up_and_bayes_wins_beyond_luck(sets, section2):
    net, history = section2
    X_val, Y_val = sets["validation"]
    best = int(np.argmin(history.val_cost))
    assert best < 60 and history.val_cost[-1] > 2 * history.val_cost[best]        # "turns and rises"
    assert history.train_cost[-1] < 0.02 and history.train_accuracy[-1] == 1.0
    below = np.array(history.val_cost) < np.array(history.train_cost)
    assert below[1:30].all()                                                       # "starts below"
    n_diff, mine, theirs = lab.versus_bayes(net.predict(X_val).argmax(0), X_val, Y_val)
    assert theirs - mine > 2 * np.sqrt(n_diff)                                     # "well beyond luck"


def test_section3_sizes(sets, sizes):
    acc, J = sizes.accuracy, sizes.data_cost
    k60, k120 = list(sizes.values).index(60), list(sizes.values).index(120)
    assert np.all(acc["train"][:, :k60 + 1] == 1.0)                       # "up to N = 60 … exactly", every pool
    assert np.all(acc["train"][:, k120:] < 1.0)                           # "from N = 120 on … below 100 %"
    assert np.all(np.diff(J["validation"].mean(axis=0)) < 0)               # the cost falls with N (mean)
    assert np.all(np.diff(acc["validation"].mean(axis=0)) > 0)             # "rises toward the Bayes line"
    assert np.all(np.diff(acc["train"].mean(axis=0)) <= 0)                 # "falls … toward the validation"
    gap = (acc["train"] - acc["validation"]).mean(axis=0)
    assert gap[0] > 0.2 and abs(gap[-1]) < 0.03                            # "nearly closed"
    X_val, Y_val = sets["validation"]
    n_diff, mine, theirs = lab.versus_bayes(sizes.nets[0][-1].predict(X_val).argmax(0), X_val, Y_val)
    assert abs(mine - theirs) <= 2 * np.sqrt(n_diff)                       # "within luck"


def test_section3_a_memorizing_networks_validation_cost_comes_from_its_confident_mistakes(sets, sizes):
    X_val, Y_val = sets["validation"]
    a = sizes.nets[0][sizes.index(60)].predict(X_val)
    cost = -np.log(np.sum(a * Y_val, axis=0))
    assert cost[a.argmax(0) != Y_val.argmax(0)].sum() > 0.9 * cost.sum()


def test_section3_trained_to_the_end_more_data_up_to_960_memorizes_and_3840_does_not(sets, sizes):
    """The optional cells: 1,500 epochs (about 8 s)."""
    held_out = {"validation": sets["validation"]}
    long_runs = lab.size_sweep([sets["train"]], held_out, sizes_n=[60, 240, 960], epochs=10 * lab.EPOCHS)
    assert np.all(long_runs.accuracy["train"] > 0.95)                       # "fit most", "far above 90 %"
    for k, N in enumerate((60, 240)):
        assert long_runs.data_cost["validation"][0, k] > 1.5 * sizes.data_cost["validation"][0, sizes.index(N)]
    X_big, Y_big = lab.extra_pool(sets)
    huge = lab.size_sweep([(X_big, Y_big)], held_out, sizes_n=[3840], epochs=10 * lab.EPOCHS)
    assert 0.88 < huge.accuracy["train"][0, 0] < 0.93                       # "about a tenth misclassified"
    assert huge.data_cost["validation"][0, 0] < 0.45                        # "stays low"


def test_section4_the_strip_and_your_network(lams, small, sets):
    assert np.tanh(2) == pytest.approx(0.96, abs=0.005)                        # "from −0.96 to +0.96"
    library = lab.classifier(l2=1e-3)                  # the notebook's check: Network(l2=λ), trained alone
    lab.fit(library, *small)
    mine = library.data_cost(*sets["validation"])
    assert f"{mine:.6f}" == f"{lams.data_cost['validation'][0, lams.index(1e-3)]:.6f}"   # printed equal


def test_section4_answers(lams, lam_best, small):
    at = {lam: lams.index(lam) for lam in (0.0, 1e-3, 10 ** -2.5, 1e-2, 10 ** -1.5, 0.1)}
    mean = lambda table: table.mean(axis=0)                                   # noqa: E731  (over the draws)
    assert np.all(np.diff(mean(lams.omega)) < 0)                               # "Ω falls … all along"
    assert np.all(np.diff(mean(lams.data_cost["train"])) > 0)                  # "the training cost rises"
    J_v = mean(lams.data_cost["validation"])
    assert lam_best == pytest.approx(10 ** -2.5) and int(np.argmin(J_v)) == at[10 ** -2.5]   # "near 0.003"
    assert all(1e-3 <= c <= 10 ** -2.5 + 1e-12 for c in lams.chosen())          # each draw near it
    assert J_v[at[1e-2]] > J_v[at[10 ** -2.5]]                                 # "rises again"
    plateau = mean(lams.accuracy["train"])[[at[1e-2], at[10 ** -1.5]]]
    assert np.all(np.abs(plateau - 0.81) < 0.02)                              # "a plateau near 80 %"
    np.testing.assert_allclose(lams.nets[0][at[0.1]].predict(small[0]), 0.5, atol=1e-3)   # "0.5 everywhere"
    assert lams.omega[0, at[0.1]] < 1e-3                                       # our draw's weights at 0
    cache = lams.nets[0][at[10 ** -1.5]].forward(small[0])
    assert max(np.abs(cache.z[m]).max() for m in (1, 2)) < 0.75                # tanh nearly linear there
    linear = lab.classifier([2, 2])
    lab.fit(linear, *small)
    assert lab.accuracy(linear, *small) == pytest.approx(lams.accuracy["train"][0, at[10 ** -1.5]])  # "80 % too"


def test_section4_adamw_shows_the_same_cliff_at_larger_lambda(small, sets):
    values = 10.0 ** np.arange(-1, 1.01, 0.25)
    stack = remedies.adamw_sweep(values, *small)
    acc_t = stack.evaluate(*small)[1]
    k = int(np.argmin(np.abs(values - 1.78)))
    assert np.all(np.abs(acc_t[k:] - 0.8) < 0.005) and np.all(acc_t[:k] > 0.82)   # the plateau from λ_W ≈ 2
    good = values[stack.evaluate(*sets["validation"])[1] > 0.865]              # "about 0.1 to 0.6"
    assert good.min() == pytest.approx(0.1) and 0.5 < good.max() < 0.6


def test_section4_optional_adam_decay_depends_on_the_gradient_history_adamw_does_not():
    lam, lr, steps = 0.01, 0.02, 200
    scale = np.array([[0.01, 0.1, 1.0, 10.0]])
    rng = np.random.default_rng(0)
    W_sgd, W_l2, W_w = (np.ones((10000, 4)) for _ in range(3))
    sgd, adam_l2 = optimizers.SGD(lr), optimizers.Adam(lr)
    v, s = np.zeros_like(W_w), np.zeros_like(W_w)
    for t in range(1, steps + 1):
        g = scale * rng.normal(size=W_sgd.shape)
        sgd.step([W_sgd], [g + 2 * lam * W_sgd])
        adam_l2.step([W_l2], [g + 2 * lam * W_l2])
        W_w, v, s = remedies.adamw_step(W_w, g, v, s, t, lr, lam)
    factor = (1 - 2 * lr * lam) ** steps
    l2 = W_l2.mean(axis=0)
    assert l2[0] < 0.05 and np.all(np.diff(l2) > 0) and l2[-1] > factor      # "wiped out" … "hardly any decay"
    np.testing.assert_allclose(W_w.mean(axis=0), factor, atol=0.05)
    np.testing.assert_allclose(W_sgd.mean(axis=0), factor, atol=0.05)


def test_section5_choices_and_the_procedure(lams, lam_best, small, sets):
    X_val, Y_val = sets["validation"]
    best = lams.nets[0][lams.index(lam_best)]
    n_diff, mine, theirs = lab.versus_bayes(best.predict(X_val).argmax(0), X_val, Y_val)
    assert theirs - mine > 2 * np.sqrt(n_diff)                                  # "short by more than luck"
    costs, lam_cv = lab.cross_validate(lab.CV_LAMBDAS, *small, 5)
    assert lam_cv == pytest.approx(10 ** -1.5) and lam_cv != lam_best
    assert len(set(costs.argmin(axis=1))) >= 3                                 # "the folds disagree"
    means = costs.mean(axis=0)
    assert np.ptp(means[3:]) < 0.05                                            # "nearly tie" over 0.003 … 0.03
    J, acc = lams.data_cost["new points"], lams.accuracy["new points"]
    J0, Jb, Jc = (J[:, lams.index(lam)].mean() for lam in (0.0, lam_best, lam_cv))
    a0, ab, ac = (acc[:, lams.index(lam)].mean() for lam in (0.0, lam_best, lam_cv))
    assert Jb < 0.5 * J0 and Jc < 0.5 * J0 and Jb < Jc                          # "cuts … by far", "almost as much"
    assert ab > a0 and ac < a0                                                  # "raises" / "loses, even against no penalty"
    test_acc = lab.accuracy(best, *sets["test"])                               # §8's two numbers
    proc = acc[:, lams.index(lam_best)]
    assert proc.min() <= test_acc <= proc.max()                                # "anywhere in that range"


def straightness(image):
    """The largest distance (in x₂) of a boundary from its best straight line."""
    x, y = lab.boundary_line(image)
    ok = np.isfinite(x)
    return np.abs(y[ok] - np.polyval(np.polyfit(x[ok], y[ok], 1), x[ok])).max()


def test_section5_optional_bias_and_variance_and_the_digits(lams, lam_best):
    k0, kb, kp = (lams.index(lam) for lam in (0.0, lam_best, 10 ** -1.5))
    assert all(straightness(lams.image(kp, r)) < 0.1 for r in range(3))        # "three straight lines"
    assert all(straightness(lams.image(k0, r)) > 0.5 for r in range(3))        # bends around the noise
    assert [straightness(lams.image(kb, r)) < 0.1 for r in range(3)] == [False, False, True]   # "on the third"
    assert lams.chosen()[2] < lam_best == lams.chosen()[0]                      # "its own choice … is smaller"
    assert np.argmin(lams.accuracy["new points"][:, kb]) == 2                   # "its low end is the third draw"
    digits = lab.noisy_digits_sets(n_train=200, n_validation=400, label_noise=0.15, seed=5)
    d_lams = lab.lambda_sweep([digits["train"]], digits, np.concatenate([[0.0], np.logspace(-4, -1, 10)]),
                              sizes=[64, 32, 10], epochs=300, lr=0.01)
    k = d_lams.index(lab.best_lambda(d_lams.values, d_lams.data_cost["validation"][0]))
    assert d_lams.accuracy["train"][0, 0] == 1.0 and d_lams.accuracy["train"][0, k] < 1.0
    assert d_lams.accuracy["test"][0, k] > d_lams.accuracy["test"][0, 0] + 0.03


def test_section6_early_stopping_and_omega(sets, lams, lam_best, small, section2):
    X, Y = small
    net = lab.classifier(seed=0)
    omega_init = regularization.penalty(net.weights)
    stopped = lab.fit(net, X, Y, X_val=sets["validation"][0], Y_val=sets["validation"][1], early_stopping=25)
    kept = regularization.penalty(net.weights)
    assert kept < 3 * omega_init and kept < 0.2 * lams.omega[0, 0]             # "under three times", "a fifth"
    assert stopped.best_epoch == int(np.argmin(section2[1].val_cost)) + 1       # section 2's dotted line
    assert lams.omega[0, lams.index(lam_best)] < omega_init
    below = np.array(stopped.val_cost) < np.array(stopped.train_cost)           # optional cell
    assert below[1:30].all()
    flipped = {name: np.mean(Y_s.argmax(0) != lab.true_labels(Y_s.shape[1]))
               for name, (X_s, Y_s) in [("train", (X, Y)), ("validation", sets["validation"])]}
    assert flipped["train"] > flipped["validation"] and lab.bayes_cost(X, Y) > lab.bayes_cost(*sets["validation"])


def test_section7_the_small_network_and_the_remedies(sets, lams, lam_best, small, sizes, draws):
    X, Y = small
    X_val, Y_val = sets["validation"]
    tiny = [lab.train_many([lab.classifier([2, 4, 2])], X, Y, epochs)[0] for epochs in (lab.EPOCHS, 10 * lab.EPOCHS)]
    large_long = lab.train_many([lab.classifier()], X, Y, 10 * lab.EPOCHS)[0]
    three = {shape: lab.train_many([lab.classifier(list(shape), seed=s) for s in range(3)], X, Y)
             for shape in ((2, 32, 32, 2), (2, 4, 2))}
    J3 = {shape: [m.data_cost(X_val, Y_val) for m in nets] for shape, nets in three.items()}
    assert all(lab.accuracy(m, X, Y) < 1 for m in three[(2, 4, 2)])             # "does not fit every point"
    assert all(j_s < 0.5 * j_l for j_s, j_l in zip(J3[(2, 4, 2)], J3[(2, 32, 32, 2)]))   # "far better", each seed
    assert lab.accuracy(tiny[0], X, Y) < lab.accuracy(tiny[1], X, Y) < 1.0       # fits more points, not all
    assert tiny[0].data_cost(X_val, Y_val) < 0.5 * lams.data_cost["validation"][0, 0]   # "far better"
    assert tiny[1].data_cost(X_val, Y_val) > 2 * tiny[0].data_cost(X_val, Y_val)   # "its validation cost rises"
    assert tiny[1].data_cost(X_val, Y_val) < large_long.data_cost(X_val, Y_val)    # "stays below the large one's"
    train_p = remedies.dropout_trainer(X, Y)
    costs_p, p_keep = remedies.best_p_keep(train_p, remedies.P_KEEPS, X_val, Y_val)
    assert p_keep == 0.7 and costs_p.max() < 0.6 < 1.0 < lams.data_cost["validation"][0, 0]   # any dropout helps
    how = {"dropout": {"dropout": (remedies.dropout_forward, remedies.dropout_backward, p_keep)},
           "jitter": {"jitter": 0.2}, "mirror": {"mirror": remedies.mirror}}
    runs = {"none": lams.column(0), "L2": lams.column(lams.index(lam_best)), **remedies.train_remedies(draws, how)}
    J = {name: remedies.scores(nets, X_val, Y_val)[0] for name, nets in runs.items()}
    acc = {name: remedies.scores(nets, X_val, Y_val)[1] for name, nets in runs.items()}
    assert all(J[name].max() < J["none"].min() for name in runs if name != "none")   # every remedy lowers it
    assert all(J["L2"].min() < J[b].max() and J[b].min() < J["L2"].max() for b in ("dropout", "jitter"))  # overlap
    assert J["jitter"].max() < J["dropout"].min()                        # "jitter beat dropout on all three"
    assert acc["L2"].min() < acc["jitter"].max() and acc["jitter"].min() < acc["L2"].max()   # accuracies overlap
    acc_m = [lab.accuracy(m, *remedies.with_mirror(*d)) for m, d in zip(runs["mirror"], draws)]
    k = sizes.index(120)
    assert np.mean(acc_m) > 0.9 and sizes.accuracy["train"][:, k].mean() > 0.9   # "fits most of its 120"
    assert abs(J["mirror"].mean() - sizes.data_cost["validation"][:, k].mean()) < 0.15   # "much like doubling N"


def test_section8_the_test_table(sets, lams, lam_best, section2, small, draws):
    X_test, Y_test = sets["test"]
    X_val, Y_val = sets["validation"]
    train_p = remedies.dropout_trainer(*small)
    p_keep = remedies.best_p_keep(train_p, remedies.P_KEEPS, X_val, Y_val)[1]
    how = {"jitter": {"jitter": 0.2}, "mirror": {"mirror": remedies.mirror},
           "dropout": {"dropout": (remedies.dropout_forward, remedies.dropout_backward, p_keep)}}
    others = [nets[0] for nets in remedies.train_remedies(draws, how).values()]
    for model, within in [(section2[0], False), (lams.nets[0][lams.index(lam_best)], True)] + [
            (m, False) for m in others]:
        n, mine, theirs = lab.versus_bayes(lab.labels(model, X_test), X_test, Y_test)
        assert (abs(mine - theirs) <= 2 * np.sqrt(n)) == within                 # "L2 within luck", "far below"
        assert model is section2[0] or within or -3.5 * np.sqrt(n) < mine - theirs   # "two to three widths below"


def test_the_discovery_exercise_cases_tell_every_mistake_apart_and_the_trainer_is_the_remedies():
    from lessonlib.exercises.overfitting_choice import CHOICE
    assert CHOICE.diagnose(remedies.best_p_keep).passed
    assert all(CHOICE.diagnose(m.fn).mistake == m.name for m in CHOICE.mistakes)
    X, Y = data.make_moons(20, seed=3, **lab.MOONS)

    def alone(p_keep):                                   # the remedies table's way: one network, its own stack
        how = {"d": {"dropout": (remedies.dropout_forward, remedies.dropout_backward, p_keep)}}
        return remedies.train_remedies([(X, Y)], how, epochs=5)["d"][0]
    one = remedies.dropout_trainer(X, Y, p_values=(0.6,), epochs=5)        # a stack of one: the same draws
    assert all(np.array_equal(a, b) for a, b in zip(one(0.6).params, alone(0.6).params))
    five = remedies.dropout_trainer(X, Y, epochs=5)
    assert all(np.array_equal(a, b) for a, b in zip(five(0.65).params, alone(0.65).params))   # outside: alone
    nets = [five(p) for p in remedies.P_KEEPS]
    assert len({id(n) for n in nets}) == 5 and five(0.5) is nets[0]            # trained once, together
    assert len({round(n.data_cost(X, Y), 9) for n in nets}) == 5                  # each its own p_keep


def test_optional_ensembles_average_away_part_of_the_memorized_bends(small, sets):
    five = lab.train_many([lab.classifier(seed=s) for s in range(5)], *small)
    X_val, Y_val = sets["validation"]
    p = np.mean([m.predict(X_val) for m in five], axis=0)
    assert -np.mean(np.log(np.sum(p * Y_val, axis=0))) < min(m.data_cost(X_val, Y_val) for m in five)


def test_optional_l2_shrinks_each_eigen_direction_by_h_over_h_plus_2_lambda():
    H, w_star, lam = np.diag([10.0, 1.0, 0.01]), np.ones(3), 0.05
    w = np.linalg.solve(H + 2 * lam * np.eye(3), H @ w_star)
    np.testing.assert_allclose(w, np.diag(H) / (np.diag(H) + 2 * lam), rtol=1e-14)
    Q = np.linalg.qr(np.random.default_rng(0).normal(size=(3, 3)))[0]          # any rotation of the bowl
    H_rot = Q @ H @ Q.T
    w = np.linalg.solve(H_rot + 2 * lam * np.eye(3), H_rot @ (Q @ w_star))
    np.testing.assert_allclose(Q.T @ w, np.diag(H) / (np.diag(H) + 2 * lam), rtol=1e-12)


# ---- the exercises' feedback beyond the catalogue ------------------------------------------------------------
def test_an_unknown_mistake_in_the_step_points_at_the_first_wrong_quantity():
    from lessonlib.exercises.overfitting_more import STEP

    def b_wrong(W, b, delta, a_prev, lam_nielsen, N, lr):        # W right, b moved by Σδ plus a stray 0.1
        return W - lr * (delta @ a_prev.T + lam_nielsen / N * W), b - lr * (delta.sum(axis=1, keepdims=True) + 0.1)
    result = STEP.diagnose(b_wrong)
    assert result.mistake == "other" and result.message.startswith("not yet: b is off by up to")


def test_the_step_shrinks_by_one_minus_two_alpha_lambda_when_lam2_is_2N_lambda():
    from lessonlib.exercises.overfitting_more import nielsen_step
    W, b, lam, N, lr = np.ones((2, 3)), np.ones((2, 1)), 0.01, 60, 0.02
    W_new, b_new = nielsen_step(W, b, np.zeros((2, 5)), np.ones((3, 5)), 2 * N * lam, N, lr)
    np.testing.assert_allclose(W_new / W, 1 - 2 * lr * lam)
    np.testing.assert_array_equal(b_new, b)


def test_the_early_stop_reference_is_the_rule_of_lessonlib_train():
    from lessonlib.exercises.overfitting_more import early_stop
    X, Y = data.make_moons(80, seed=4, **lab.MOONS)
    X_val, Y_val = data.make_moons(80, seed=5, **lab.MOONS)
    for patience in (3, 20):
        history = lab.fit(lab.classifier([2, 16, 2], seed=1), X, Y, epochs=400, X_val=X_val, Y_val=Y_val,
                          early_stopping=patience)
        assert early_stop(history.val_cost, patience) == (history.best_epoch, history.epochs)


def test_a_list_where_an_array_is_asked_and_a_wrong_shape_are_named():
    from lessonlib.exercises.overfitting import CV, L2
    as_lists = functools.partial(lambda f, *a: (f(*a)[0].tolist(), f(*a)[1]), lab.cross_validate)
    result = CV.diagnose(as_lists)
    assert result.mistake == "list, not array" and "λ in (0.0001, 0.001, 0.03, 0.3)" in result.message
    result = L2.diagnose(lambda W, b, dW, db, lam: (lam * np.sum(W * W), dW[:1] + 2 * lam * W[:1], db))
    assert not result.passed and "has shape" in result.message


def test_the_lambda_sweep_runs_a_given_add_l2_and_matches_the_library_exactly():
    draws = [data.make_moons(30, noise=0.2, seed=s) for s in (3, 5)]
    lams = [0.0, 1e-3, 0.05]
    ref = lab.lambda_sweep(draws, {}, lams=lams, sizes=[2, 6, 2], epochs=20, seed=4)
    calls = []

    def broadcasting(W, b, dW, db, lam):                 # works on stacked arrays too
        calls.append(np.ndim(W))
        return lam * np.sum(W ** 2), dW + 2 * lam * W, db

    def one_layer_only(W, b, dW, db, lam):               # einsum 'ij,ij' refuses a stack: one call per network
        return lam * np.einsum("ij,ij", W, W), dW + lam * np.einsum("ij->ij", W) * 2, db + 0.0

    for add_l2 in (broadcasting, one_layer_only):
        mine = lab.lambda_sweep(draws, {}, lams=lams, sizes=[2, 6, 2], epochs=20, seed=4, add_l2=add_l2)
        for row, ref_row in zip(mine.nets, ref.nets):
            for net, ref_net in zip(row, ref_row):
                assert isinstance(net, lab.L2Network) and net.add_l2 is add_l2
                for p, q in zip(net.params, ref_net.params):
                    np.testing.assert_array_equal(p, q)
    assert 3 in calls                                      # the stacked path ran


def test_a_wrong_add_l2_changes_the_sweep():
    draws = [data.make_moons(30, noise=0.2, seed=3)]
    ref = lab.lambda_sweep(draws, {}, lams=[0.05], sizes=[2, 6, 2], epochs=20, seed=4)
    half = lab.lambda_sweep(draws, {}, lams=[0.05], sizes=[2, 6, 2], epochs=20, seed=4,
                            add_l2=lambda W, b, dW, db, lam: (lam * np.sum(W ** 2), dW + lam * W, db))
    assert not np.allclose(ref.nets[0][0].weights[0], half.nets[0][0].weights[0])


def test_optional_the_masks_luck_is_larger_than_the_gap_between_0_7_and_0_8(small, sets):
    X_val, Y_val = sets["validation"]
    J = np.array([[remedies.dropout_trainer(*small, seed=s)(p).data_cost(X_val, Y_val) for p in remedies.P_KEEPS]
                  for s in (0, 1, 2)])
    i7, i8 = remedies.P_KEEPS.index(0.7), remedies.P_KEEPS.index(0.8)
    gap = abs(J[0, i7] - J[0, i8])                                         # Exercise 6's masks (seed 0)
    assert np.ptp(J[:, i7]) > gap                                          # "moves a cost by more than the gap"
    assert len(set(J.argmin(axis=1))) > 1                                  # the draws of masks disagree
    assert J[0].argmin() == i7                                              # Exercise 6 keeps 0.7
