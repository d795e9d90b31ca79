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
    np.testing.assert_allclose(cache.z[1], net.W[1] @ X + net.b[1], rtol=1e-15)
    np.testing.assert_allclose(cache.a[1], np.tanh(cache.z[1]), rtol=1e-15)
    np.testing.assert_allclose(cache.a[-1].sum(axis=0), 1.0, rtol=1e-15)
    np.testing.assert_array_equal(net.predict(X), cache.a[-1])


def test_gradient_shapes():
    net, (X, Y) = classifier(), batch(B=4)
    grads = net.backward(net.forward(X), Y)
    assert [g.shape for g in grads.dW] == [W.shape for W in net.weights]
    assert [g.shape for g in grads.db] == [b.shape for b in net.biases]
    assert [d.shape for d in grads.delta] == [(5, 4), (4, 4), (2, 4)]      # δ^1 … δ^L
    np.testing.assert_allclose(grads.db[1], grads.delta[1].sum(axis=1, keepdims=True), rtol=1e-15)


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


def test_everything_a_student_indexes_is_indexed_by_layer_number():
    net = Network([4, 3, 2], activation="tanh", seed=0)
    X, Y = np.ones((4, 5)), np.zeros((2, 5))
    cache = net.forward(X)
    grads = net.backward(cache, Y)
    assert cache.a[0] is not None and np.array_equal(cache.a[0], X)
    for m in (1, 2):
        assert net.W[m] is net.weights[m - 1] and net.b[m] is net.biases[m - 1]
        assert cache.z[m].shape == cache.a[m].shape == grads.delta[m].shape == (net.sizes[m], 5)
        assert grads.dW[m].shape == net.W[m].shape and grads.db[m].shape == net.b[m].shape
    assert grads.dW[-1] is grads.dW[2] and cache.a[-1] is cache.a[2]
    for layers, name in ((cache.z, "z"), (grads.dW, "dW"), (grads.delta, "delta"), (net.W, "W")):
        with pytest.raises(IndexError, match=r"numbered 1\.\.2.*no layer 0"):
            layers[0]
        with pytest.raises(IndexError, match=r"numbered 1\.\.2"):
            layers[3]
    assert [g.shape for g in grads.dW] == [(3, 4), (2, 3)]          # iteration runs m = 1..L


def test_setting_a_parameter_checks_its_shape_and_type():
    net = Network([4, 3, 2], seed=0)
    with pytest.raises(ValueError, match=r"W\^1 must have shape \(3, 4\).*got \(4, 3\)"):
        net.W[1] = np.zeros((4, 3))
    with pytest.raises(ValueError, match=r"b\^2 must have shape \(2, 1\)"):
        net.biases[1] = np.zeros(2)
    with pytest.raises(TypeError, match="float64 numpy array"):
        net.weights[0] = [[0.0] * 4] * 3
    with pytest.raises(TypeError, match="float64 numpy array"):
        net.W[2] = np.zeros((2, 3), dtype=complex)
    net.W[1] = np.ones((3, 4), dtype=int)                            # whole numbers keep their meaning
    assert net.weights[0].dtype == np.float64 and net.weights[0].sum() == 12
    with pytest.raises(TypeError, match="number of layers is fixed"):
        net.weights.append(np.zeros((3, 4)))


def test_backward_refuses_an_array_or_another_networks_cache():
    a, b = Network([4, 3, 2], seed=0), Network([4, 3, 2], seed=1)
    X, Y = np.ones((4, 5)), np.zeros((2, 5))
    with pytest.raises(TypeError, match=r"cache that forward returned"):
        a.backward(X, Y)
    with pytest.raises(ValueError, match="another network"):
        a.backward(b.forward(X), Y)


@pytest.mark.parametrize("sizes, error", [({4, 3, 2}, TypeError), ("432", TypeError), ([4], ValueError),
                                          ([4, 0], ValueError), ([4, 2.5], TypeError), ([4, True], TypeError)])
def test_bad_sizes_are_refused(sizes, error):
    with pytest.raises(error, match="sizes"):
        Network(sizes)


@pytest.mark.parametrize("seed, error", [(-1, ValueError), (1.5, TypeError), ("0", TypeError), (True, TypeError)])
def test_bad_seeds_are_refused(seed, error):
    with pytest.raises(error, match="seed"):
        Network([2, 2], seed=seed)


def test_a_copy_is_independent_and_still_checks_what_is_set():
    import copy as copy_module
    net = Network([3, 4, 2], activation="relu", output="softmax", loss="cross_entropy", l2=0.1, seed=0)
    for twin in (net.copy(), copy_module.deepcopy(net)):
        assert twin.sizes == net.sizes and twin.l2 == net.l2 and twin.loss is net.loss
        for mine, theirs in zip(net.params, twin.params):
            assert np.array_equal(mine, theirs) and mine is not theirs
        twin.W[1] += 1.0
        assert not np.array_equal(twin.W[1], net.W[1])
        with pytest.raises(ValueError, match=r"W\^1 must have shape \(4, 3\)"):
            twin.weights[0] = np.zeros((3, 4))
        assert twin.weights.net is twin
