"""Backprop against central differences for every hidden activation × loss × λ, depths 1–4, B = 1–7."""
import itertools

import numpy as np
import pytest

from lessonlib import Network
from lessonlib.activations import HIDDEN_ACTIVATIONS
from lessonlib.data import one_hot
from lessonlib.gradcheck import TOLERANCE, gradient_check, numerical_gradient, relative_error

LOSS_AND_OUTPUT = [("mse", None), ("mse", "identity"), ("cross_entropy", "softmax")]


def random_problem(activation, loss, output, lam, depth, B, seed):
    """A random net with ``depth`` weight layers (widths 2–5) and non-zero biases, and a batch of B.

    Biases are random so no ReLU sits exactly at its kink z = 0, where the numerical derivative
    would be ½ and the check would fail for a correct backward.  Widths ≥ 2 keep the gradients away
    from the vanishing values where rounding alone exceeds the tolerance.
    """
    rng = np.random.default_rng(seed)
    sizes = [int(n) for n in rng.integers(2, 6, depth + 1)]
    net = Network(sizes, activation=activation, output=output, loss=loss, l2=lam, seed=seed)
    for b in net.biases:
        b[...] = rng.normal(0.0, 0.5, b.shape)
    X = rng.normal(size=(sizes[0], B))
    if loss == "cross_entropy":
        Y = one_hot(rng.integers(0, sizes[-1], B), sizes[-1])
    else:
        Y = rng.normal(size=(sizes[-1], B))
    return net, X, Y


def well_scaled_problem(activation, loss, output, lam, depth, B, seed, min_norm=1e-3, tries=20):
    """random_problem, redrawn while some parameter's gradient has norm < ``min_norm``.

    Rounding in Ĵ(θ ± ε e_i) puts a floor under the numerical gradient's error; where a whole W^m or
    b^m has a vanishing gradient (a deep sigmoid stack, a leaky-ReLU output below 0) the relative
    error of a correct backward can reach ~1e-7 from rounding alone.  About 4% of draws are redrawn.
    """
    for k in range(tries):
        net, X, Y = random_problem(activation, loss, output, lam, depth, B, seed + 7919 * k)
        grads = net.gradients(X, Y)
        if min(np.linalg.norm(g) for g in [*grads.dW, *grads.db]) >= min_norm:
            return net, X, Y
    raise AssertionError(f"every gradient drawn for {activation}/{loss}/{output} had a parameter with "
                         f"||g|| < {min_norm}: is backward returning zeros?")


@pytest.mark.parametrize("depth", [1, 2, 3, 4])
@pytest.mark.parametrize("lam", [0.0, 0.1])
@pytest.mark.parametrize("loss, output", LOSS_AND_OUTPUT)
@pytest.mark.parametrize("activation", HIDDEN_ACTIVATIONS)
def test_backprop_matches_numerical_gradients(activation, loss, output, lam, depth):
    for B in range(1, 8):
        seed = 1000 * depth + 10 * B + HIDDEN_ACTIVATIONS.index(activation)
        net, X, Y = well_scaled_problem(activation, loss, output, lam, depth, B, seed)
        check = gradient_check(net, X, Y)
        assert check.max_error < 1e-7, f"B={B}, sizes={net.sizes}\n{check}"


def test_every_hidden_activation_is_checked():
    assert set(HIDDEN_ACTIVATIONS) >= {"sigmoid", "tanh", "relu", "leaky_relu", "identity"}


def test_gradient_check_leaves_the_parameters_unchanged():
    net, X, Y = random_problem("tanh", "mse", None, 0.1, 2, 3, seed=0)
    before = [p.copy() for p in net.params]
    gradient_check(net, X, Y)
    for p, q in zip(net.params, before):
        np.testing.assert_array_equal(p, q)


def test_gradient_check_catches_a_wrong_gradient():
    net, X, Y = random_problem("sigmoid", "mse", None, 0.0, 2, 4, seed=1)
    grads = net.gradients(X, Y)
    grads.dW[1] = 1.01 * grads.dW[1]               # a 1% mistake in ∂J/∂W^1
    check = gradient_check(net, X, Y, gradients=grads)
    assert not check.passed
    assert [name for name, _, err in check.rows if err > TOLERANCE] == ["W^1"]
    assert "WRONG" in str(check) and "1e-07" in str(check)


def test_gradient_check_catches_a_missing_l2_term():
    net, X, Y = random_problem("tanh", "mse", "identity", 0.1, 2, 4, seed=2)
    net.l2 = 0.0
    grads_without_penalty = net.gradients(X, Y)
    net.l2 = 0.1
    assert not gradient_check(net, X, Y, gradients=grads_without_penalty).passed


def test_numerical_gradient_of_a_known_function():
    theta = np.array([[1.0, -2.0], [0.5, 3.0]])
    g = numerical_gradient(lambda: float(np.sum(theta ** 3)), theta)
    np.testing.assert_allclose(g, 3 * theta ** 2, rtol=1e-8)
    assert relative_error(g, g) == 0.0


# ---- the softmax + cross-entropy shortcut ----------------------------------------------------
@pytest.mark.parametrize("B, seed", list(itertools.product([1, 3, 8], [0, 1])))
def test_softmax_cross_entropy_shortcut_equals_the_general_rule(B, seed):
    net, X, Y = random_problem("relu", "cross_entropy", "softmax", 0.0, 2, B, seed)
    Y = np.random.default_rng(seed).dirichlet(np.ones(Y.shape[0]), size=B).T   # also soft targets
    cache = net.forward(X)
    shortcut = net.backward(cache, Y).delta[-1]                       # δ^L = (a − y)/B
    z, a = cache.z[-1], cache.a[-1]
    general = net.f_out.chain(z, net.loss.dJ_da(a, Y))                # (diag(a) − a aᵀ) ∂J/∂a
    np.testing.assert_allclose(shortcut, (a - Y) / B, rtol=1e-15)
    np.testing.assert_allclose(shortcut, general, rtol=1e-9, atol=1e-15)


# ---- issue 12: defaults that pass on the notebooks' networks; failures that are not bugs say so ------
@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
def test_a_deep_net_on_standardized_digits_passes_at_the_defaults(activation):
    """6 hidden layers of 32 on 64 standardized inputs: W^1's gradients are ~1e-5, where rounding
    alone gives an entry-wise error of 1e-3; the floor τ keeps a correct backward passing."""
    from lessonlib.backprop_lab import digits
    X, _, Y, _, _ = digits()
    net = Network([64] + [32] * 6 + [10], activation=activation, output="softmax", loss="cross_entropy", seed=0)
    check = gradient_check(net, X[:, :8], Y[:, :8])
    assert check.passed, str(check)
    assert check.tolerance == TOLERANCE and "should be < 1e-07" in str(check)


def test_relative_error_is_cs231ns_worst_entry_with_a_floor():
    g, g_num = np.array([1.0, 1e-3, 0.0]), np.array([1.0 + 1e-9, 2e-3, 1e-12])
    assert relative_error(g[:2], g_num[:2]) == pytest.approx(0.5)          # |1e-3 − 2e-3| / 2e-3
    assert relative_error(g, g_num) == pytest.approx(1.0)                  # 0 against 1e-12: without a floor, 100%
    assert relative_error(g, g_num, floor=1.0) == pytest.approx(1e-3)      # small entries measured against 1
    assert relative_error(g, np.array([np.nan, 0, 0])) == np.inf


def test_a_larger_step_gets_a_tolerance_of_10_step_squared():
    net, X, Y = random_problem("sigmoid", "mse", None, 0.0, 2, 4, seed=1)
    check = gradient_check(net, X, Y, step=1e-3)
    assert check.tolerance == pytest.approx(1e-5) and check.passed
    assert "(should be < 1e-05)" in str(check)
    assert check.step == check.eps == 1e-3


def test_eps_is_still_accepted_as_the_steps_former_name():
    """The step is Δ, `step=` (notebook 02); `eps=`, `.eps` and EPS stay for code written before."""
    from lessonlib.gradcheck import EPS, STEP
    net, X, Y = random_problem("tanh", "mse", None, 0.0, 2, 4, seed=4)
    by_step, by_eps = gradient_check(net, X, Y, step=1e-4), gradient_check(net, X, Y, eps=1e-4)
    assert by_step.rows == by_eps.rows and by_eps.step == by_eps.eps == 1e-4
    assert gradient_check(net, X, Y, 1e-4).rows == by_step.rows               # the fourth argument, as before
    assert EPS == STEP == gradient_check(net, X, Y).step
    theta = net.weights[0]
    cost = lambda: net.cost(X, Y)                                              # noqa: E731
    assert np.array_equal(numerical_gradient(cost, theta, step=1e-4), numerical_gradient(cost, theta, eps=1e-4))
    with pytest.raises(ValueError, match="give the step once"):
        gradient_check(net, X, Y, step=1e-4, eps=1e-5)


def test_a_relu_at_its_kink_is_named_in_the_report():
    net, X, Y = random_problem("relu", "mse", "identity", 0.0, 2, 5, seed=3)
    net.weights[0][0] = 0.0                 # unit 1 of layer 1: z = 0 on every example, exactly at the kink
    net.biases[0][0] = 0.0
    net.weights[1][:, 0] = 1.0              # and it matters for the cost
    check = gradient_check(net, X, Y)
    assert not check.passed
    assert "note: ReLU inputs z within Δ·|a| of the kink at 0 (5 in layer 1)" in str(check)
    assert "a failure need not be a bug" in str(check)


def test_float32_parameters_are_named_in_the_report():
    net, X, Y = random_problem("tanh", "mse", None, 0.0, 2, 4, seed=2)
    grads = net.gradients(X, Y)
    list.__setitem__(net.weights, 0, net.weights[0].astype(np.float32))   # past the network's own check
    check = gradient_check(net, X, Y, gradients=grads)
    assert any("W^1 is float32, not float64" in note for note in check.notes)
    if not check.passed:
        assert "note: W^1 is float32" in str(check)


def test_a_passing_report_prints_no_notes():
    net, X, Y = random_problem("relu", "mse", None, 0.0, 2, 4, seed=5)
    assert "note:" not in str(gradient_check(net, X, Y))


@pytest.mark.parametrize("kwargs, error, message", [
    (dict(step=0.0), ValueError, r"step \(Δ\) must be > 0"),
    (dict(step=0.5), ValueError, r"step \(Δ\) must be at most 0.1"),
    (dict(eps=0.0), ValueError, r"eps \(the step Δ\) must be > 0"),
    (dict(tolerance="1e-7"), TypeError, "tolerance must be a real number"),
    (dict(gradients=object()), TypeError, r"gradients must have .dW and .db"),
])
def test_gradient_check_names_its_bad_arguments(kwargs, error, message):
    net, X, Y = random_problem("tanh", "mse", None, 0.0, 2, 4, seed=2)
    with pytest.raises(error, match=message):
        gradient_check(net, X, Y, **kwargs)
