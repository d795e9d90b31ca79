"""Optimizers against the published update rules (torch.optim's), written out by hand, to 1e-12."""
import numpy as np
import pytest

from lessonlib.optimizers import OPTIMIZERS, SGD, AdaGrad, Adam, RMSProp

W0 = np.array([[0.5, -1.5, 2.0], [0.0, 3.0, -0.25]])
GRADS = [np.array([[0.1, -0.2, 0.3], [1.0, 0.0, -2.0]]),
         np.array([[-0.4, 0.5, 0.1], [0.5, 0.2, -1.0]]),
         np.array([[0.3, 0.3, -0.6], [-0.1, 0.7, 0.05]])]


def run(opt, grads=GRADS):
    """Three steps from W0; returns the parameter after each step."""
    w, path = W0.copy(), []
    for g in grads:
        opt.step([w], [g])
        path.append(w.copy())
    return path


def assert_path(path, expected):
    for got, want in zip(path, expected, strict=True):
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-12)


def test_sgd():
    lr, w, expected = 0.1, W0.copy(), []
    for g in GRADS:
        w = w - lr * g                          # w ← w − α g
        expected.append(w)
    assert_path(run(SGD(lr)), expected)


def test_sgd_momentum():
    lr, mu = 0.1, 0.9
    w, v, expected = W0.copy(), np.zeros_like(W0), []
    for g in GRADS:
        v = mu * v + g                          # v ← μ v + g
        w = w - lr * v                          # w ← w − α v
        expected.append(w)
    assert_path(run(SGD(lr, momentum=mu)), expected)


def test_sgd_nesterov():
    lr, mu = 0.1, 0.9
    w, v, expected = W0.copy(), np.zeros_like(W0), []
    for g in GRADS:
        v = mu * v + g                          # v ← μ v + g
        w = w - lr * (g + mu * v)               # w ← w − α (g + μ v)
        expected.append(w)
    assert_path(run(SGD(lr, momentum=mu, nesterov=True)), expected)


def test_adagrad():
    lr, eps = 0.5, 1e-10
    w, s, expected = W0.copy(), np.zeros_like(W0), []
    for g in GRADS:
        s = s + g ** 2                          # s ← s + g²
        w = w - lr * g / (np.sqrt(s) + eps)     # w ← w − α g / (√s + ε)
        expected.append(w)
    assert_path(run(AdaGrad(lr)), expected)


def test_rmsprop():
    lr, rho, eps = 0.01, 0.9, 1e-8
    w, s, expected = W0.copy(), np.zeros_like(W0), []
    for g in GRADS:
        s = rho * s + (1 - rho) * g ** 2        # s ← ρ s + (1 − ρ) g²
        w = w - lr * g / (np.sqrt(s) + eps)     # w ← w − α g / (√s + ε)
        expected.append(w)
    assert_path(run(RMSProp(lr, rho=rho)), expected)


def test_adam():
    lr, b1, b2, eps = 0.1, 0.9, 0.999, 1e-8
    w, v, s, expected = W0.copy(), np.zeros_like(W0), np.zeros_like(W0), []
    for t, g in enumerate(GRADS, start=1):
        v = b1 * v + (1 - b1) * g               # v ← β₁ v + (1 − β₁) g
        s = b2 * s + (1 - b2) * g ** 2          # s ← β₂ s + (1 − β₂) g²
        v_hat, s_hat = v / (1 - b1 ** t), s / (1 - b2 ** t)
        w = w - lr * v_hat / (np.sqrt(s_hat) + eps)
        expected.append(w)
    assert_path(run(Adam(lr)), expected)


def test_adam_first_step_is_lr_times_sign_of_g():
    path = run(Adam(0.1), GRADS[:1])
    g = GRADS[0]
    np.testing.assert_allclose(path[0], W0 - 0.1 * np.sign(g) * (np.abs(g) / (np.abs(g) + 1e-8)), atol=1e-12)


def test_default_hyper_parameters_are_the_published_ones():
    assert SGD(0.1).momentum == 0.0 and not SGD(0.1).nesterov
    assert AdaGrad(0.1).eps == 1e-10
    assert (RMSProp(0.1).rho, RMSProp(0.1).eps) == (0.99, 1e-8)
    assert (Adam().lr, Adam().beta1, Adam().beta2, Adam().eps) == (1e-3, 0.9, 0.999, 1e-8)
    assert set(OPTIMIZERS) == {"sgd", "adagrad", "rmsprop", "adam"}


ALL = [lambda: SGD(0.1), lambda: SGD(0.1, momentum=0.9), lambda: SGD(0.1, momentum=0.9, nesterov=True),
       lambda: AdaGrad(0.1), lambda: RMSProp(0.01), lambda: Adam(0.01)]
NAMES = ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"]


@pytest.mark.parametrize("make", ALL, ids=NAMES)
def test_step_updates_in_place(make):
    w = W0.copy()
    ref = w
    make().step([w], [GRADS[0]])
    assert w is ref
    assert not np.array_equal(w, W0)


@pytest.mark.parametrize("make", ALL, ids=NAMES)
def test_each_parameter_keeps_its_own_state(make):
    w1, w2, opt = W0.copy(), -2.0 * W0[:, :2].copy(), make()
    for g in GRADS:
        opt.step([w1, w2], [g, 3.0 * g[:, :2]])
    alone1, alone2, opt1, opt2 = W0.copy(), -2.0 * W0[:, :2].copy(), make(), make()
    for g in GRADS:
        opt1.step([alone1], [g])
        opt2.step([alone2], [3.0 * g[:, :2]])
    np.testing.assert_allclose(w1, alone1, rtol=0, atol=1e-15)
    np.testing.assert_allclose(w2, alone2, rtol=0, atol=1e-15)


@pytest.mark.parametrize("make", ALL, ids=NAMES)
def test_reset_forgets_the_state(make):
    opt = make()
    run(opt)
    opt.reset()
    assert opt.state is None
    after_reset = run(opt, GRADS[:1])[0]
    np.testing.assert_array_equal(after_reset, run(make(), GRADS[:1])[0])


@pytest.mark.parametrize("make", ALL[1:], ids=NAMES[1:])
def test_state_carries_over_between_steps(make):
    opt, w = make(), W0.copy()
    for g in GRADS:
        opt.step([w], [g])
    before = w.copy()
    opt.step([w], [GRADS[0]])                   # the same array: the 4th step remembers the first three
    first = run(make(), GRADS[:1])[0] - W0      # what a fresh first step would move
    assert not np.allclose(w - before, first)


@pytest.mark.parametrize("make", ALL[1:], ids=NAMES[1:])
def test_state_belongs_to_the_arrays_not_to_their_shapes(make):
    """Another network of the same shape gets fresh state (velocity, Adam's t), as a new optimizer would."""
    opt = make()
    run(opt)                                    # three steps on one array
    other = W0.copy()                           # same shape, another array
    opt.step([other], [GRADS[0]])
    np.testing.assert_array_equal(other, run(make(), GRADS[:1])[0])


def test_state_is_fresh_for_a_second_network_in_train():
    from lessonlib import Network, train
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(2, 20)), rng.normal(size=(1, 20))
    opt = Adam(0.01)
    train(Network([2, 3, 1], seed=0), X, Y, opt, epochs=3)
    reused, fresh = Network([2, 3, 1], seed=1), Network([2, 3, 1], seed=1)
    train(reused, X, Y, opt, epochs=2)
    train(fresh, X, Y, Adam(0.01), epochs=2)
    for p, q in zip(reused.params, fresh.params):
        np.testing.assert_array_equal(p, q)


def test_new_parameter_shapes_start_fresh_state():
    """Reusing an optimizer for another network of different widths starts over (no broadcasting error)."""
    opt = SGD(0.1, momentum=0.9)
    opt.step([W0.copy()], [GRADS[0]])
    w = np.ones((4, 2))
    opt.step([w], [np.ones((4, 2))])
    np.testing.assert_allclose(w, np.ones((4, 2)) - 0.1, rtol=0, atol=1e-15)


def test_lr_can_be_changed_between_steps():
    opt, w = SGD(0.1), W0.copy()
    opt.lr = 0.5
    opt.step([w], [GRADS[0]])
    np.testing.assert_allclose(w, W0 - 0.5 * GRADS[0], rtol=0, atol=1e-15)


# ---- Adam updates all parameters at once, laid end to end: the same numbers as array by array -------
class AdamArrayByArray(Adam):
    end_to_end = False


def three_layer_params(seed=0):
    rng = np.random.default_rng(seed)
    shapes = [(5, 3), (5, 1), (4, 5), (4, 1), (2, 4), (2, 1)]
    return [rng.normal(size=s) for s in shapes], [[rng.normal(size=s) for s in shapes] for _ in range(4)]


def test_adam_end_to_end_gives_the_array_by_array_numbers_to_the_last_bit():
    joined, grads = three_layer_params()
    apart = [p.copy() for p in joined]
    opt, ref = Adam(0.05), AdamArrayByArray(0.05)
    for gs in grads:
        opt.step(joined, gs)
        ref.step(apart, gs)
    assert opt._joined is not None and ref._joined is None
    for p, q in zip(joined, apart):
        np.testing.assert_array_equal(p, q)


def test_adam_end_to_end_state_is_shown_per_parameter():
    params, grads = three_layer_params(1)
    opt, ref = Adam(0.05), AdamArrayByArray(0.05)
    apart = [p.copy() for p in params]
    for gs in grads[:3]:
        opt.step(params, gs)
        ref.step(apart, gs)
    for p, s, r in zip(params, opt.state, ref.state):
        assert s["v"].shape == s["s"].shape == p.shape and s["t"] == r["t"] == 3
        np.testing.assert_array_equal(s["v"], r["v"])
        np.testing.assert_array_equal(s["s"], r["s"])
        assert np.shares_memory(s["v"], opt._joined.state["v"])      # views of the joined state


def test_adam_end_to_end_updates_the_callers_arrays_in_place():
    params, grads = three_layer_params(2)
    same = list(params)
    Adam(0.05).step(params, grads[0])
    assert all(p is q for p, q in zip(params, same))


# ---- the state is live: an edit takes effect, or is refused with a message ---------------------------
def dls_adam_case():
    """The inputs of the Deep Learning Specialization's Adam test (Course 2, week 2, testCases.py's
    update_parameters_with_adam_test_case): np.random.seed(1), then randn for W1, b1, W2, b2, dW1, db1, dW2, db2."""
    draw = np.random.RandomState(1).randn
    params = [draw(2, 3), draw(2, 1), draw(3, 3), draw(3, 1)]
    return params, [draw(*p.shape) for p in params]


# Published in greyhatguy007/deep-learning-specialization, "C2-Improving Deep Neural Networks: Hyperparameter
# Tuning, Regularization and Optimization/week2/pogramming assignments/W2A1/public_tests.py" (commit 4f3647d),
# update_parameters_with_adam_test: t = 2, learning_rate = 0.02, beta1 = 0.8, beta2 = 0.888, epsilon = 1e-2, from
# v = s = 0; the test compares the first row of each array ([0]).  Order: W1, b1, W2, b2 (dW1, db1, dW2, db2).
DLS_PARAMS = [[1.63942428, -0.6268425, -0.54320974], [1.75854357], [0.33356139, -0.26425199, 1.47707772], [-0.89228024]]
DLS_V = [[-0.22012384, 0.22894474, 0.18031814], [-0.02457805], [-0.05357762, 0.10607109, -0.13833215], [0.04688314]]
DLS_S = [[0.13567261, 0.14676395, 0.09104097], [0.00169142], [8.03757060e-03, 3.15030152e-02, 5.35801947e-02],
         [0.00615448]]


@pytest.mark.parametrize("how", ["entries", "whole dict", "in place"])
def test_the_deep_learning_specializations_published_adam_vectors_from_their_given_state(how):
    params, grads = dls_adam_case()
    opt = Adam(0.02, beta1=0.8, beta2=0.888, eps=1e-2)
    opt.prepare(params)
    for i, p in enumerate(params):          # their t = 2 is the step being taken: one step taken before it
        if how == "entries":
            opt.state[i]["v"], opt.state[i]["s"], opt.state[i]["t"] = np.zeros_like(p), np.zeros_like(p), 1
        elif how == "whole dict":
            opt.state[i] = {"v": np.zeros_like(p), "s": np.zeros_like(p), "t": 1}
        else:
            opt.state[i]["v"][...] = 0.0
            opt.state[i]["t"] = 1
    opt.step(params, grads)
    for p, s, want_p, want_v, want_s in zip(params, opt.state, DLS_PARAMS, DLS_V, DLS_S):
        np.testing.assert_allclose(p[0], want_p, rtol=0, atol=5e-9)       # published to 8 decimals
        np.testing.assert_allclose(s["v"][0], want_v, rtol=0, atol=5e-9)
        np.testing.assert_allclose(s["s"][0], want_s, rtol=0, atol=5e-9)
        assert s["t"] == 2


def adam_by_hand(p, g, v, s, t, lr=0.05, b1=0.9, b2=0.999, eps=1e-8):
    t = t + 1
    v, s = b1 * v + (1 - b1) * g, b2 * s + (1 - b2) * g * g
    return p - lr * (v / (1 - b1 ** t)) / (np.sqrt(s / (1 - b2 ** t)) + eps), v, s, t


@pytest.mark.parametrize("ts", [(4, 4, 4, 4, 4, 4), (0, 7, 2, 2, 30, 1)], ids=["same t", "a t per array"])
def test_edited_adam_state_is_used_by_the_joined_step(ts):
    params, grads = three_layer_params(3)
    rng = np.random.default_rng(4)
    opt = Adam(0.05)
    opt.step(params, grads[0])                              # the joined state exists and has t = 1
    start = [(rng.normal(size=p.shape), rng.random(p.shape), t) for p, t in zip(params, ts)]
    for i, (v, s, t) in enumerate(start):
        opt.state[i]["v"], opt.state[i]["s"], opt.state[i]["t"] = v, s, t
    expected = [(p, v, s, t) for p, (v, s, t) in zip(params, start)]
    for gs in grads[1:]:
        before = [p.copy() for p in params]
        opt.step(params, gs)
        expected = [adam_by_hand(p, g, v, s, t) for (_, v, s, t), p, g in zip(expected, before, gs)]
        for p, s, (want_p, want_v, want_s, want_t) in zip(params, opt.state, expected):
            np.testing.assert_allclose(p, want_p, rtol=1e-13, atol=1e-15)
            np.testing.assert_allclose(s["v"], want_v, rtol=1e-13, atol=1e-15)
            np.testing.assert_allclose(s["s"], want_s, rtol=1e-13, atol=1e-15)
            assert s["t"] == want_t


@pytest.mark.parametrize("make, key", [(lambda: SGD(0.1, momentum=0.9), "v"), (lambda: RMSProp(0.1), "s"),
                                        (lambda: AdaGrad(0.1), "s")], ids=["momentum", "rmsprop", "adagrad"])
def test_edited_state_is_used_by_every_optimizer_and_the_callers_array_is_not_kept(make, key):
    edited, fresh = make(), make()
    w, u = W0.copy(), W0.copy()
    edited.prepare([w])
    given = np.full_like(W0, 0.5)
    edited.state[0][key] = given
    fresh.prepare([u])
    fresh.state[0][key][...] = 0.5
    edited.step([w], [GRADS[0]])
    fresh.step([u], [GRADS[0]])
    np.testing.assert_array_equal(w, u)
    assert not np.array_equal(w, W0 - 0.1 * GRADS[0])      # the edit changed the step
    assert np.array_equal(given, np.full_like(W0, 0.5))      # copied in, not aliased


@pytest.mark.parametrize("edit, error, words", [
    (lambda opt: opt.state[0].__setitem__("v", np.zeros((3, 2))), ValueError, "opt.state[0]['v'] must have shape (5, 3)"),
    (lambda opt: opt.state[1].__setitem__("s", np.full((5, 1), np.nan)), ValueError, "opt.state[1]['s'] contains NaN"),
    (lambda opt: opt.state[0].__setitem__("v", "zeros"), TypeError, "opt.state[0]['v'] must be a numeric array"),
    (lambda opt: opt.state[0].__setitem__("m", np.zeros((5, 3))), ValueError, "holds ['v', 's', 't'] only"),
    (lambda opt: opt.state[0].__setitem__("t", -1), ValueError, "opt.state[0]['t'] (the number of steps taken) must be an int ≥ 0"),
    (lambda opt: opt.state[0].__setitem__("t", 1.5), TypeError, "must be an int ≥ 0; got 1.5"),
    (lambda opt: opt.state[0].__setitem__("t", True), TypeError, "must be an int ≥ 0; got True"),
    (lambda opt: opt.state[0].pop("v"), TypeError, "set them (opt.state[i][key] = value), don't remove them"),
    (lambda opt: opt.state[0].clear(), TypeError, "don't remove them"),
    (lambda opt: opt.state.append({}), TypeError, "one state per parameter array"),
    (lambda opt: opt.state.__setitem__(0, 5), TypeError, "with a dict"),
    (lambda opt: setattr(opt, "state", [{}]), TypeError, "a list of 6 dicts"),
    (lambda opt: opt.state[0].update(t=2, v=np.ones(2)), ValueError, "must have shape (5, 3)"),
])
def test_state_edits_that_could_not_take_effect_are_refused(edit, error, words):
    params, grads = three_layer_params(5)
    opt = Adam(0.05)
    opt.prepare(params)
    with pytest.raises(error) as caught:
        edit(opt)
    assert words in str(caught.value)


def test_state_cannot_be_set_before_it_exists_and_none_forgets_it():
    opt = Adam(0.05)
    with pytest.raises(ValueError, match=r"no state yet: its first step \(or opt.prepare\(params\)\) builds it"):
        opt.state = [{"t": 1}]
    params, grads = three_layer_params(6)
    opt.step(params, grads[0])
    opt.state = None
    assert opt.state is None


def test_a_state_edit_with_numpy_types_and_lists_is_converted():
    params, grads = three_layer_params(7)
    opt, ref = Adam(0.05), Adam(0.05)
    opt.prepare(params)
    ref_params = [p.copy() for p in params]
    ref.prepare(ref_params)
    opt.state[1]["v"] = params[1].tolist()                 # a nested list of floats
    opt.state[1]["t"] = np.int64(3)
    ref.state[1]["v"][...] = params[1]
    ref.state[1]["t"] = 3
    opt.step(params, grads[0])
    ref.step(ref_params, grads[0])
    for p, q in zip(params, ref_params):
        np.testing.assert_array_equal(p, q)
    assert type(opt.state[1]["t"]) is int


def test_several_entries_are_checked_before_any_is_set():
    params, _ = three_layer_params(8)
    opt = Adam(0.05)
    opt.prepare(params)
    with pytest.raises(ValueError, match="must have shape"):
        opt.state[0] = {"t": 5, "v": np.ones(2)}
    assert opt.state[0]["t"] == 0
