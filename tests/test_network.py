"""Network: shapes, layer numbering, reproducible init, He vs Xavier, live params, the L2 penalty."""
import numpy as np
import pytest

from lessonlib import Network, regularization
from lessonlib.data import one_hot

SIZES = [3, 5, 4, 2]


def classifier(l2=0.0, seed=0):
    net = Network(SIZES, activation="tanh", output="softmax", loss="cross_entropy", l2=l2, seed=seed)
    rng = np.random.default_rng(seed + 100)
    for b in net.biases:
        b[...] = rng.normal(size=b.shape)
    return net


def batch(B=6, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(SIZES[0], B)), one_hot(rng.integers(0, SIZES[-1], B), SIZES[-1])


def test_parameter_shapes_follow_the_lesson():
    net = Network(SIZES, seed=0)
    assert net.L == 3
    assert [W.shape for W in net.weights] == [(5, 3), (4, 5), (2, 4)]   # W^m: (n_m, n_{m-1})
    assert [b.shape for b in net.biases] == [(5, 1), (4, 1), (2, 1)]    # b^m: (n_m, 1)
    assert all(W.dtype == np.float64 for W in net.weights + net.biases)
    assert all(np.all(b == 0) for b in net.biases)


def test_weights_0_is_W1_acting_on_the_input():
    net = Network([3, 2], activation="identity", seed=0)
    net.weights[0][...] = [[1.0, 2.0, 3.0], [0.0, -1.0, 0.5]]
    net.biases[0][...] = [[1.0], [-1.0]]
    X = np.array([[1.0, 0.0], [1.0, 2.0], [2.0, -2.0]])
    np.testing.assert_allclose(net.predict(X), [[10.0, -1.0], [-1.0, -4.0]], rtol=1e-15)


def test_cache_shapes_and_contents():
    net, (X, _) = classifier(), batch(B=7)
    cache = net.forward(X)
    assert [a.shape for a in cache.a] == [(3, 7), (5, 7), (4, 7), (2, 7)]   # a^0 … a^L
    assert [z.shape for z in cache.z] == [(5, 7), (4, 7), (2, 7)]           # z^1 … z^L
    np.testing.assert_array_equal(cache.a[0], X)
    np.testing.assert_allclose(cache.z[0], net.weights[0] @ X + net.biases[0], rtol=1e-15)
    np.testing.assert_allclose(cache.a[1], np.tanh(cache.z[0]), rtol=1e-15)
    np.testing.assert_allclose(cache.a[-1].sum(axis=0), 1.0, rtol=1e-15)
    np.testing.assert_array_equal(net.predict(X), cache.a[-1])


def test_gradient_shapes():
    net, (X, Y) = classifier(), batch(B=4)
    grads = net.backward(net.forward(X), Y)
    assert [g.shape for g in grads.dW] == [W.shape for W in net.weights]
    assert [g.shape for g in grads.db] == [b.shape for b in net.biases]
    assert [d.shape for d in grads.delta] == [(5, 4), (4, 4), (2, 4)]      # δ^1 … δ^L
    np.testing.assert_allclose(grads.db[0], grads.delta[0].sum(axis=1, keepdims=True), rtol=1e-15)


def test_same_seed_same_network_different_seed_different_network():
    X, _ = batch()
    a1 = Network(SIZES, seed=7).predict(X)
    np.testing.assert_array_equal(Network(SIZES, seed=7).predict(X), a1)
    assert not np.allclose(Network(SIZES, seed=8).predict(X), a1)


def test_he_init_for_relu_and_xavier_for_sigmoid():
    n_in, n_out = 400, 300
    W_relu = Network([n_in, n_out], activation="relu", seed=0).weights[0]
    W_sigmoid = Network([n_in, n_out], activation="sigmoid", seed=0).weights[0]
    assert W_relu.std() == pytest.approx(np.sqrt(2 / n_in), rel=0.02)              # He
    assert W_sigmoid.std() == pytest.approx(np.sqrt(2 / (n_in + n_out)), rel=0.02)  # Xavier/Glorot
    assert abs(W_relu.mean()) < 0.01 and abs(W_sigmoid.mean()) < 0.01


def test_output_layer_initialised_for_its_own_activation():
    net = Network([300, 300, 300], activation="relu", output="softmax", loss="cross_entropy", seed=0)
    assert net.weights[0].std() == pytest.approx(np.sqrt(2 / 300), rel=0.02)
    assert net.weights[1].std() == pytest.approx(np.sqrt(2 / 600), rel=0.02)


def test_params_are_the_live_arrays():
    net, (X, _) = classifier(), batch()
    params = net.params
    assert len(params) == 2 * net.L
    assert all(p is q for p, q in zip(params, [net.weights[0], net.biases[0], net.weights[1],
                                                net.biases[1], net.weights[2], net.biases[2]]))
    before = net.predict(X)
    params[-1] += 1.0           # shifting b^L by the same amount leaves softmax unchanged …
    np.testing.assert_allclose(net.predict(X), before, rtol=1e-12)
    params[0] *= 2.0            # … scaling W^1 does not
    assert not np.allclose(net.predict(X), before)


def test_output_none_means_the_hidden_activation():
    net = Network([2, 3, 1], activation="tanh", seed=0)
    assert net.activation_of(net.L).name == "tanh"
    X = np.random.default_rng(0).normal(size=(2, 4))
    assert np.all(np.abs(net.predict(X)) < 1)


# ---- L2 (Ω = Σ ||W^m||², weights only) --------------------------------------------------------
def test_penalty_is_the_sum_of_squared_weights():
    net = classifier()
    assert regularization.penalty(net.weights) == pytest.approx(sum(float((W ** 2).sum()) for W in net.weights),
                                                                rel=1e-14)
    np.testing.assert_array_equal(regularization.penalty_gradient(net.weights[0]), 2 * net.weights[0])


def test_cost_is_J_plus_lambda_omega_and_biases_are_not_penalised():
    lam = 0.1
    net, (X, Y) = classifier(l2=lam), batch()
    omega = regularization.penalty(net.weights)
    assert omega > 0
    assert net.cost(X, Y) == pytest.approx(net.data_cost(X, Y) + lam * omega, rel=1e-14)
    for b in net.biases:
        b += 3.0
    assert regularization.penalty(net.weights) == omega
    assert net.cost(X, Y) - net.data_cost(X, Y) == pytest.approx(lam * omega, rel=1e-12)
    net.l2 = 0.0
    assert net.cost(X, Y) == net.data_cost(X, Y)


def test_l2_adds_exactly_2_lambda_W_to_dW_and_nothing_to_db():
    lam = 0.1
    X, Y = batch()
    plain, reg = classifier(l2=0.0).gradients(X, Y), classifier(l2=lam).gradients(X, Y)
    weights = classifier().weights
    for dW0, dW, W in zip(plain.dW, reg.dW, weights):
        np.testing.assert_allclose(dW - dW0, 2 * lam * W, rtol=1e-12, atol=1e-15)
    for db0, db in zip(plain.db, reg.db):
        np.testing.assert_array_equal(db, db0)


def test_l2_is_settable_later():
    net, (X, Y) = classifier(), batch()
    J = net.cost(X, Y)
    net.l2 = 0.5
    assert net.l2 == 0.5
    assert net.cost(X, Y) == pytest.approx(J + 0.5 * regularization.penalty(net.weights), rel=1e-14)
