"""Tests for lessonlib.overfitting_lab (notebook 04): its computations, and the numbers the notebook states.

The dashboards are swept by the shared registry test; the exercises by tests/test_exercises.py."""
import numpy as np
import pytest

import lessonlib
from lessonlib import data, optimizers, regularization
from lessonlib import overfitting_lab as lab


@pytest.fixture(scope="module")
def sets():
    return lab.moons_sets()


@pytest.fixture(scope="module")
def lams(sets):
    """The notebook's λ sweep (22 networks, 300 epochs each)."""
    return lab.lambda_sweep(sets)


# ---- computations ------------------------------------------------------------------------------
def test_lambda_sweep_is_lessonlib_train_per_lambda():
    X, Y = data.make_moons(40, noise=0.2, seed=3)
    sets = {"train": (X, Y), "validation": (X, Y)}
    sweep = lab.lambda_sweep(sets, lams=[0.0, 1e-3, 0.05], sizes=[2, 8, 6, 2], n_train=40, epochs=30, seed=4)
    for lam, net in zip([0.0, 1e-3, 0.05], sweep.nets):
        ref = lessonlib.Network([2, 8, 6, 2], activation="tanh", output="softmax", loss="cross_entropy",
                                l2=lam, seed=4)
        lessonlib.train(ref, X, Y, optimizers.Adam(lab.LR), 30)
        assert net.l2 == lam
        for p, q in zip(net.params, ref.params):
            np.testing.assert_array_equal(p, q)


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
    h2.train_cost.append(0.0)                                               # a copy: the stored one is unchanged
    monkeypatch.undo()
    fresh = lab.classifier([2, 6, 2], seed=1)
    for p, q in zip(fresh.params, first_start):
        np.testing.assert_array_equal(p, q)
    lessonlib.train(fresh, X, Y, optimizers.Adam(lab.LR), 40)              # trained for real: the same numbers
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
        kw["X_test"], kw["Y_test"] = X, Y
    calls = []
    real = lab.train
    monkeypatch.setattr(lab, "train", lambda *a, **k: calls.append(1) or real(*a, **k))
    lab.fit(net, X, Y, **kw)
    assert calls == [1]


def test_grids():
    assert lab.LAMBDAS[0] == 0 and lab.LAMBDAS.size == 22
    np.testing.assert_allclose(lab.LAMBDAS[[1, -1]], [1e-5, 1e-1])
    np.testing.assert_allclose(np.diff(np.log10(lab.LAMBDAS[1:])), 0.2)
    assert list(lab.SIZES_N) == [15, 30, 60, 120, 240, 480, 960]


def test_moons_sets_are_independent_and_balanced(sets):
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


def test_flip_labels_is_make_moons_label_noise():
    """One rule for label noise: the moons' own flips are the true labels passed through flip_labels' rule."""
    _, Y = data.make_moons(500, noise=0.0, label_noise=0.2, seed=9)
    flipped = data.labels_of(Y) != lab.true_labels(500)
    assert 0.15 < flipped.mean() < 0.25


def test_noisy_digits_sets_keep_true_test_labels():
    sets = lab.noisy_digits_sets(n_train=50, n_validation=60, label_noise=0.3)
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


def test_bayes_probability_is_symmetric_and_sure_on_the_moons():
    t = np.linspace(0.2, np.pi - 0.2, 5)
    on_moon0 = np.array([np.cos(t), np.sin(t) + 0.3])          # above moon 0: far from moon 1
    assert np.all(lab.bayes_probability(on_moon0) < 0.05)
    mirrored = np.array([1 - on_moon0[0], 0.5 - on_moon0[1]])  # the moons are point-symmetric about (0.5, 0.25)
    np.testing.assert_allclose(lab.bayes_probability(mirrored), 1 - lab.bayes_probability(on_moon0), atol=1e-9)


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


def test_plot_training_curves_scales():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    X, Y = data.make_moons(30, noise=0.2, seed=1)
    net = lab.classifier([2, 5, 2], seed=2)
    history = lab.fit(net, X[:, :20], Y[:, :20], epochs=5, X_val=X[:, 20:], Y_val=Y[:, 20:])
    fig, (a, b) = plt.subplots(1, 2)
    lab.plot_training_curves(history, a, held_out="validation")
    lab.plot_training_curves(history, b, held_out="validation", log=False)
    assert a.get_yscale() == "log" and b.get_yscale() == "linear"
    assert [t.get_text() for t in b.get_legend().get_texts()] == ["training set", "validation set"]
    np.testing.assert_array_equal(b.lines[1].get_ydata(), history.val_cost)
    plt.close(fig)


def test_l2_dashboard_messages(sets, lams):
    from lessonlib.dashboards.overfitting import l2_regularization
    dash = l2_regularization(lams, sets)
    dash.controls["λ"].value = 0.1
    assert "underfitting" in dash.message.value
    dash.controls["λ"].value = 10 ** -2.4
    assert dash.message.value == ""
    dash.controls["no penalty"].value = True
    assert "no penalty = True" in dash.snapshot().caption


# ---- the numbers notebook 04 states -------------------------------------------------------------
def test_the_lambda_sweep_shows_the_lesson(lams):
    best = lams.index(lab.best_lambda(lams.values, lams.cost["validation"]))
    assert 0 < best < lams.values.size - 1                   # the sweet spot is inside the grid
    assert lams.cost["train"][0] < 0.01 < lams.cost["test"][0]   # λ = 0 memorizes
    assert lams.cost["test"][best] < 0.5 * lams.cost["test"][0]
    assert lams.accuracy["train"][-1] < 0.7                  # λ = 0.1 underfits


def test_bayes_accuracy_on_the_test_set(sets):
    assert lab.bayes_accuracy(*sets["test"]) == pytest.approx(0.887, abs=0.0005)


@pytest.fixture(scope="module")
def sizes(sets):
    return lab.size_sweep(sets)


def test_the_setting_the_notebook_describes():
    assert lab.MOONS == {"noise": 0.25, "label_noise": 0.05}
    assert lab.MOONS_SIZES == [2, 32, 32, 2] and (lab.EPOCHS, lab.LR, lab.N_SMALL) == (300, 0.02, 60)
    net = lab.classifier()
    assert 19 < sum(p.size for p in net.params) / lab.N_SMALL < 21          # "roughly twenty parameters per example"
    assert (sum(W.size for W in net.weights), sum(b.size for b in net.biases)) == (1152, 66)   # §3, §4


def test_section3_sizes(sets, sizes):
    k60, k120 = list(sizes.values).index(60), list(sizes.values).index(120)
    assert np.all(sizes.cost["train"][:k60 + 1] < 0.01)                     # "up to N = 60 every network memorizes"
    assert np.all(sizes.accuracy["train"][:k60 + 1] == 1.0)
    assert np.all(sizes.accuracy["train"][k120:] < 1.0)                     # "from N = 120 on, not every point"
    assert np.all(np.diff(sizes.cost["train"][k60:]) > 0)                   # then the training cost rises
    assert np.all(np.diff(sizes.cost["test"]) < 0)                          # "the test cost falls ... at every step"
    assert sizes.cost["test"][-1] < 0.25 * sizes.cost["test"][0]            # and the test cost falls
    gap = sizes.accuracy["train"] - sizes.accuracy["validation"]
    assert gap[0] > 0.2 and abs(gap[-1]) < 0.02                             # the learning curves meet
    bayes_val = lab.bayes_accuracy(*sets["validation"])
    se = np.sqrt(bayes_val * (1 - bayes_val) / 300)
    assert f"{sizes.accuracy['validation'][-1]:.1%}" == f"{bayes_val:.1%}"  # "reaches the Bayes line" (as printed)
    assert abs(sizes.accuracy["validation"][-1] - bayes_val) < se            # within one standard error


def test_section5_selection_makes_the_validation_score_optimistic(sets, lams):
    best = lams.index(lab.best_lambda(lams.values, lams.cost["validation"]))
    assert lams.accuracy["validation"][best] > lab.bayes_accuracy(*sets["validation"])   # "above the ceiling"


def test_section6_the_training_set_is_a_harder_draw_within_chance(sets):
    X, Y = sets["train"][0][:, :60], sets["train"][1][:, :60]
    assert lab.bayes_cost(X, Y) > lab.bayes_cost(*sets["validation"])
    p = lab.bayes_accuracy(*sets["validation"])
    assert 0 < p - lab.bayes_accuracy(X, Y) < np.sqrt(p * (1 - p) / 60)     # "less than one standard error"


def test_section4_answers(lams):
    at = {lam: lams.index(lam) for lam in (0.0, 1e-5, 2.5e-4, 10 ** -2.4, 1e-2, 0.1)}
    assert 100 < lams.omega[at[0.0]] < 1000                                  # "Ω in the hundreds"
    assert np.all(np.diff(lams.omega) < 0)                                   # "Ω starts to drop at once"
    assert lams.cost["test"][at[2.5e-4]] < lams.cost["test"][at[0.0]]       # test cost fallen ...
    assert lams.cost["test"][at[1e-5]] > lams.cost["test"][at[0.0]]         # ... after first rising
    peak = int(np.argmax(lams.cost["test"][:at[2.5e-4]]))
    assert 10 ** -4.5 < lams.values[peak] < 10 ** -3.5                       # "highest near 1e-4"
    assert abs(lams.accuracy["test"][at[2.5e-4]] - lams.accuracy["test"][at[0.0]]) < 0.01   # "less than a point"
    assert lams.values[int(np.argmin(lams.cost["test"]))] > 10 ** -2.4           # "lowest at a larger λ"
    assert lams.cost["train"][at[2.5e-4]] > lams.cost["train"][at[0.0]]     # ... training cost risen
    assert lams.cost["train"][at[1e-2]] > lams.cost["train"][at[10 ** -2.4]]   # both rise: underfitting
    assert lams.cost["test"][at[1e-2]] > lams.cost["test"][at[10 ** -2.4]]
    assert max(np.abs(W).max() for W in lams.nets[at[0.1]].weights) < 1e-3   # "largest weight close to 0"
    best = lams.index(lab.best_lambda(lams.values, lams.cost["validation"]))
    assert lams.accuracy["train"][at[1e-2]] < lams.accuracy["train"][best] - 0.05   # the cliff right of the choice
    plateau = lams.accuracy["train"][(lams.values >= 1e-2) & (lams.values <= 0.05)]
    assert np.all(np.abs(plateau - 0.8) < 0.03)                                # "a plateau near 80 %"


def test_adam_decay_depends_on_the_gradient_history_adamw_does_not():
    """§4's demo: 200 steps of noisy data gradients of sizes 0.01 … 10, λ = 0.01, α = 0.02."""
    lam, lr, steps = 0.01, 0.02, 200
    scale = np.array([[0.01, 0.1, 1.0, 10.0]])
    rng = np.random.default_rng(0)
    W_sgd, W_l2, W_w = (np.ones((10000, 4)) for _ in range(3))
    sgd, adam_l2, adam_w = optimizers.SGD(lr), optimizers.Adam(lr), optimizers.Adam(lr)
    for _ in range(steps):
        g = scale * rng.normal(size=W_sgd.shape)
        sgd.step([W_sgd], [g + 2 * lam * W_sgd])
        adam_l2.step([W_l2], [g + 2 * lam * W_l2])
        W_w *= 1 - 2 * lr * lam
        adam_w.step([W_w], [g])
    factor = (1 - 2 * lr * lam) ** steps
    l2 = W_l2.mean(axis=0)
    assert l2[0] < 0.05 and np.all(np.diff(l2) > 0) and l2[-1] > factor      # "wiped out" … "hardly decayed"
    np.testing.assert_allclose(W_w.mean(axis=0), factor, atol=0.05)        # AdamW: like SGD, every column
    np.testing.assert_allclose(W_sgd.mean(axis=0), factor, atol=0.05)
    assert abs(l2[2] - W_sgd.mean(axis=0)[2]) < 0.01              # "in the column of size 1 ... match SGD"


def test_section5_bias_and_variance(sets, lams):
    X_new, Y_new = data.make_moons(5000, seed=40, **lab.MOONS)    # §5: 5000 new points, not the test set
    lam_best = lab.best_lambda(lams.values, lams.cost["validation"])
    accs = {}
    for lam in (0.0, 0.0025, lam_best):
        runs = lab.fit_draws(lam, seeds=[11, 12, 13])
        accs[lam] = [np.mean(net.predict(X_new).argmax(0) == Y_new.argmax(0)) for *_, net in runs]
        if lam == lam_best:                                   # "straight lines"
            for *_, net in runs:
                x, y = lab.boundary_line(lab.class1_probability(net))
                ok = np.isfinite(x)
                residual = y[ok] - np.polyval(np.polyfit(x[ok], y[ok], 1), x[ok])
                assert np.abs(residual).max() < 0.05
    spread = {lam: max(a) - min(a) for lam, a in accs.items()}
    assert spread[0.0] > 2 * spread[0.0025]
    assert spread[lam_best] > spread[0.0025]                  # "even larger than the middle row's"
    for X_d, Y_d, net in runs:                                # the chosen λ: "on the plateau near 80 %"
        assert 0.7 < np.mean(net.predict(X_d).argmax(0) == Y_d.argmax(0)) < 0.9
    low = []
    for *_, net in lab.fit_draws(0.0025, seeds=[11, 12, 13]):   # the first keeps the hook: "far to the right"
        x, y = lab.boundary_line(lab.class1_probability(net))
        low.append(x[np.nanargmin(y)])
    assert low[0] > max(low[1:]) + 0.5
    assert np.mean(accs[0.0025]) > max(np.mean(accs[0.0]), np.mean(accs[lam_best]))
    assert np.mean(accs[lam_best]) < np.mean(accs[0.0])      # "the chosen λ even does worse on average than λ = 0"


def test_section3_n120_is_the_epoch_budget_not_a_lack_of_parameters(sets):
    """"given 1000 epochs instead, the same network does fit all 120 points"."""
    X, Y = sets["train"]
    net = lab.classifier(seed=0)
    history = lab.fit(net, X[:, :120], Y[:, :120], epochs=1000)
    assert history.train_accuracy[-1] == 1.0
    sweep = lab.size_sweep({"train": (X, Y), "validation": sets["validation"]}, sizes_n=[120])
    assert sweep.accuracy["train"][0] < 1.0                  # within the lesson's 300 epochs it does not


def test_section6_early_stopping_and_omega(sets, lams):
    X, Y = sets["train"][0][:, :60], sets["train"][1][:, :60]
    net = lab.classifier(seed=0)
    omega_init = regularization.penalty(net.weights)
    stopped = lab.fit(net, X, Y, X_val=sets["validation"][0], Y_val=sets["validation"][1], early_stopping=50)
    omega_stop = regularization.penalty(net.weights)
    lam_best = lab.best_lambda(lams.values, lams.cost["validation"])
    assert 1.7 < omega_stop / omega_init < 2.3                        # "about twice its starting value"
    assert lams.omega[0] > 5 * omega_stop                             # "several times below"
    assert lams.omega[lams.index(lam_best)] < omega_init              # "the penalty ends below the start"
    tau = stopped.best_epoch                                          # "α = 0.02 and τ = 58 would give λ ≈ 0.4"
    assert (lab.LR, tau) == (0.02, 58) and round(1 / (2 * lab.LR * tau), 1) == 0.4
    below = np.array(stopped.val_cost) < np.array(stopped.train_cost)
    assert below[:40].all()                                           # validation below training at first ...
    flipped = {name: np.mean(data.labels_of(Y_s) != lab.true_labels(Y_s.shape[1]))
               for name, (X_s, Y_s) in [("train", (X, Y)), ("validation", sets["validation"])]}
    assert flipped["train"] > flipped["validation"]                  # ... the training set holds more flips
    assert lab.bayes_accuracy(X, Y) < lab.bayes_accuracy(*sets["validation"])


def test_section7_a_smaller_network_does_better_on_validation(sets, lams):
    X, Y = sets["train"][0][:, :60], sets["train"][1][:, :60]
    X_val, Y_val = sets["validation"]
    small = lab.classifier([2, 4, 2], seed=0)
    lab.fit(small, X, Y)
    assert evaluate_acc(small, X_val, Y_val) > evaluate_acc(lams.nets[0], X_val, Y_val)
    assert small.data_cost(X_val, Y_val) < lams.nets[0].data_cost(X_val, Y_val)


def evaluate_acc(net, X, Y):
    return np.mean(net.predict(X).argmax(0) == Y.argmax(0))


# ---- the exercises' feedback beyond the catalogue (the catalogue itself: tests/test_exercises.py) ----
def test_an_unknown_mistake_in_the_step_points_at_the_first_wrong_quantity():
    from lessonlib.exercises.overfitting import STEP

    def b_wrong(W, b, delta, a_prev, lam_nielsen, N, lr):        # W right, b moved by Σδ plus a stray 0.1
        return W - lr * (delta @ a_prev.T + lam_nielsen / N * W), b - lr * (delta.sum(axis=1, keepdims=True) + 0.1)
    result = STEP.diagnose(b_wrong)
    assert result.mistake == "other" and result.message.startswith("not yet: b is off by up to")
    assert "case: W 3×4, B = 5, N = 60" in result.message


def test_conventions_are_named_in_the_step_check():
    from lessonlib.exercises.overfitting import STEP
    names = {m.name for m in STEP.mistakes}
    assert {"this series' convention (2λ''W)", "CS231n's ½λ' convention (not divided by N)",
            "divided by B instead of N", "bias decayed", "α missing on the decay"} <= names
    assert all(case.args[2].shape[1] != case.args[5] for case in STEP.cases)     # B ≠ N in every case


def test_the_step_shrinks_by_one_minus_two_alpha_lambda_when_lam2_is_2N_lambda():
    from lessonlib.exercises.overfitting import nielsen_step
    W, b, lam, N, lr = np.ones((2, 3)), np.ones((2, 1)), 0.01, 60, 0.02
    W_new, b_new = nielsen_step(W, b, np.zeros((2, 5)), np.ones((3, 5)), 2 * N * lam, N, lr)
    np.testing.assert_allclose(W_new / W, 1 - 2 * lr * lam)
    np.testing.assert_array_equal(b_new, b)


def test_the_sweep_check_names_picking_on_the_test_set():
    from lessonlib.exercises.overfitting import SWEEP

    def on_test(lams, train, validation, test, sizes, epochs):
        costs = []
        for lam in lams:
            net = lab.classifier(sizes, l2=lam, seed=0)
            lab.fit(net, *train, epochs=epochs)
            costs.append(net.data_cost(*test))
        return lams[int(np.argmin(costs))]
    assert SWEEP.diagnose(on_test).mistake == "picked on the test set"


def test_the_library_sweep_is_switched_off_in_the_check_and_restored():
    from lessonlib.exercises.overfitting import SWEEP
    originals = lab.lambda_sweep, lab.best_lambda
    namespace = {"lab": lab, "best_lambda": lab.best_lambda}       # as after `from ... import best_lambda`
    exec("def two_lines(lams, train, validation, test, sizes, epochs):\n"
         "    s = lab.lambda_sweep({'train': train, 'validation': validation}, lams, sizes, train[0].shape[1], epochs)\n"
         "    return lab.best_lambda(lams, s.cost['validation'])\n"
         "def own_loop_library_pick(lams, train, validation, test, sizes, epochs):\n"
         "    costs = []\n"
         "    for lam in lams:\n"
         "        net = lab.classifier(sizes, l2=lam, seed=0)\n"
         "        lab.fit(net, *train, epochs=epochs)\n"
         "        costs.append(net.data_cost(*validation))\n"
         "    return best_lambda(lams, costs)\n", namespace)
    for name in ("two_lines", "own_loop_library_pick"):
        result = SWEEP.diagnose(namespace[name])
        assert result.mistake == "used the library's sweep", (name, result.message)
        assert "write that loop yourself" in result.message
    assert (lab.lambda_sweep, lab.best_lambda) == originals and namespace["best_lambda"] is originals[1]


def test_the_early_stop_reference_is_the_rule_of_lessonlib_train():
    from lessonlib.exercises.overfitting import early_stop
    X, Y = data.make_moons(80, seed=4, **lab.MOONS)
    X_val, Y_val = data.make_moons(80, seed=5, **lab.MOONS)
    for patience in (3, 20):
        net = lab.classifier([2, 16, 2], seed=1)
        history = lab.fit(net, X, Y, epochs=400, X_val=X_val, Y_val=Y_val, early_stopping=patience)
        assert early_stop(history.val_cost, patience) == (history.best_epoch, history.epochs)


def test_section3_a_memorizing_networks_test_cost_comes_from_its_confident_mistakes(sets, sizes):
    """§3: "a memorizing network's test cost comes mostly from the test points it gets confidently wrong"."""
    X_test, Y_test = sets["test"]
    net = sizes.nets[list(sizes.values).index(60)]
    a = net.predict(X_test)
    q = np.sum(a * Y_test, axis=0)                                   # the probability of the true class
    wrong = a.argmax(0) != Y_test.argmax(0)
    cost = -np.log(q)
    assert cost[wrong].sum() > 0.9 * cost.sum()


def test_section4_at_the_largest_lambda_only_the_balanced_biases_are_left(sets, lams):
    """§4: "only the biases are left, and they settle at the classes' share of the training set, half and half"."""
    Y = sets["train"][1][:, :lab.N_SMALL]
    np.testing.assert_array_equal(Y.mean(axis=1), [0.5, 0.5])
    net = lams.nets[lams.index(0.1)]
    np.testing.assert_allclose(net.predict(sets["test"][0]), 0.5, atol=1e-3)


def test_section3_at_n960_the_test_accuracy_edges_past_bayes_within_one_standard_error(sets, sizes):
    """§3 answers: "At N = 960 the test accuracy even edges past the Bayes classifier's ... within one standard error"."""
    X_test, Y_test = sets["test"]
    bayes = lab.bayes_accuracy(X_test, Y_test)
    acc = sizes.accuracy["test"][-1]
    assert bayes < acc < bayes + np.sqrt(bayes * (1 - bayes) / Y_test.shape[1])
