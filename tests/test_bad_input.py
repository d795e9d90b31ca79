"""Bad input gets a ValueError or TypeError whose message names the problem."""
import numpy as np
import pytest

from lessonlib import Network, train
from lessonlib.optimizers import SGD, AdaGrad, Adam, RMSProp


@pytest.fixture
def net():
    return Network([3, 4, 2], activation="tanh", output="softmax", loss="cross_entropy", seed=0)


@pytest.fixture
def XY():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(3, 5))
    Y = np.eye(2)[:, rng.integers(0, 2, 5)]
    return X, Y


# ---- the network's construction ------------------------------------------------------------
def test_unknown_activation_lists_the_valid_ones():
    with pytest.raises(ValueError, match=r"unknown activation 'sigmoidd'; choose one of \['sigmoid', 'tanh', 'relu'"):
        Network([2, 1], activation="sigmoidd")
    with pytest.raises(ValueError, match=r"unknown activation 'swish'; choose one of \[.*'softmax'\]"):
        Network([2, 1], activation="tanh", output="swish")
    with pytest.raises(TypeError, match="activation must be a name"):
        Network([2, 1], activation=np.tanh)


def test_unknown_loss_lists_the_valid_ones():
    with pytest.raises(ValueError, match=r"unknown loss 'hinge'; choose one of \['mse', 'cross_entropy'\]"):
        Network([2, 1], loss="hinge")
    with pytest.raises(TypeError, match="loss must be a name"):
        Network([2, 1], loss=None)


def test_softmax_is_not_a_hidden_activation():
    with pytest.raises(ValueError, match=r"'softmax' can only be the output layer's activation \(output='softmax'\)"):
        Network([2, 3, 2], activation="softmax")


def test_cross_entropy_needs_a_softmax_output():
    with pytest.raises(ValueError, match="loss='cross_entropy' needs output='softmax'; got output='sigmoid'"):
        Network([2, 3, 2], activation="sigmoid", loss="cross_entropy")
    with pytest.raises(ValueError, match="needs output='softmax'; got output='identity'"):
        Network([2, 3, 2], activation="relu", output="identity", loss="cross_entropy")


@pytest.mark.parametrize("sizes", [[3], [], (5,)])
def test_fewer_than_two_layer_sizes(sizes):
    with pytest.raises(ValueError, match="sizes needs at least two layer sizes"):
        Network(sizes)


def test_sizes_must_be_a_list():
    with pytest.raises(TypeError, match="sizes must be an? (ordered )?list of layer sizes"):
        Network(3)
    with pytest.raises(TypeError, match="sizes must be an? (ordered )?list of layer sizes"):
        Network("3, 2")


@pytest.mark.parametrize("sizes, error, message", [
    ([3, 0, 2], ValueError, r"sizes\[1\] must be a positive int; got 0"),
    ([3, -4, 2], ValueError, r"sizes\[1\] must be a positive int; got -4"),
    ([3, 2.5, 2], TypeError, r"sizes\[1\] must be a positive int; got 2.5 \(float\)"),
    ([3, 4, "2"], TypeError, r"sizes\[2\] must be a positive int; got '2'"),
    ([True, 2], TypeError, r"sizes\[0\] must be a positive int; got True"),
])
def test_non_positive_or_non_int_sizes(sizes, error, message):
    with pytest.raises(error, match=message):
        Network(sizes)


def test_negative_l2_in_the_constructor_and_later(net):
    with pytest.raises(ValueError, match=r"l2 \(λ\) must be ≥ 0; got -0.1"):
        Network([2, 1], l2=-0.1)
    with pytest.raises(ValueError, match=r"l2 \(λ\) must be ≥ 0; got -1"):
        net.l2 = -1
    with pytest.raises(ValueError, match=r"l2 \(λ\) must be finite; got nan"):
        net.l2 = float("nan")
    with pytest.raises(TypeError, match=r"l2 \(λ\) must be a real number"):
        net.l2 = "0.1"
    assert net.l2 == 0.0          # the failed assignments left λ alone


# ---- X and Y -------------------------------------------------------------------------------
@pytest.mark.parametrize("method", ["forward", "predict"])
def test_X_with_the_wrong_number_of_rows(net, method):
    with pytest.raises(ValueError, match=r"X must have 3 rows \(one per input feature n_0\), shape \(3, B\); got shape \(4, 5\)$"):
        getattr(net, method)(np.zeros((4, 5)))


def test_X_that_looks_transposed_gets_a_hint(net):
    with pytest.raises(ValueError, match=r"got shape \(5, 3\); it looks transposed \(one example per row\): pass X.T"):
        net.forward(np.zeros((5, 3)))


def test_one_dimensional_X(net):
    with pytest.raises(ValueError, match=r"X must be 2-D .* got a 1-D array of shape \(3,\): use X.reshape\(3, 1\)"):
        net.forward(np.zeros(3))
    with pytest.raises(ValueError, match=r"X must be 2-D with one example per column; got shape \(7,\)"):
        net.forward(np.zeros(7))
    with pytest.raises(ValueError, match=r"X must be 2-D with one example per column; got shape \(3, 2, 1\)"):
        net.forward(np.zeros((3, 2, 1)))


def test_X_that_is_not_numbers(net):
    with pytest.raises(TypeError, match="X must be a 2-D numeric array"):
        net.forward("abc")
    with pytest.raises(TypeError, match="X must be a 2-D numeric array"):
        net.forward(None)
    with pytest.raises(ValueError, match=r"X holds no examples \(shape \(3, 0\)\)"):
        net.forward(np.zeros((3, 0)))


def test_Y_that_does_not_match_the_output_layer(net, XY):
    X, _ = XY
    with pytest.raises(ValueError, match=r"Y must have 2 rows \(one per output unit n_L\), shape \(2, B\); got shape \(3, 5\)"):
        net.cost(X, np.zeros((3, 5)))


def test_Y_that_does_not_match_the_batch(net, XY):
    X, Y = XY
    with pytest.raises(ValueError, match=r"Y has 4 columns but the batch has 5 examples; expected shape \(2, 5\)"):
        net.cost(X, Y[:, :4])
    with pytest.raises(ValueError, match="Y has 4 columns but the batch has 5 examples"):
        net.backward(net.forward(X), Y[:, :4])
    with pytest.raises(ValueError, match="Y has 4 columns but the batch has 5 examples"):
        train(net, X, Y[:, :4], SGD(0.1), epochs=1)


def test_Y_for_cross_entropy_must_be_one_hot(net, XY):
    X, Y = XY
    with pytest.raises(ValueError, match="Y must hold one-hot .* columns for cross_entropy"):
        net.cost(X, 2 * Y)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nan_or_inf_in_X_or_Y(net, XY, bad):
    X, Y = XY
    X_bad, Y_bad = X.copy(), Y.copy()
    X_bad[1, 2], Y_bad[0, 3] = bad, bad
    with pytest.raises(ValueError, match="X contains NaN or inf values"):
        net.forward(X_bad)
    with pytest.raises(ValueError, match="Y contains NaN or inf values"):
        net.cost(X, Y_bad)
    with pytest.raises(ValueError, match="X_test contains NaN or inf values"):
        train(net, X, Y, SGD(0.1), epochs=1, X_test=X_bad, Y_test=Y)


# ---- optimizers ----------------------------------------------------------------------------
@pytest.mark.parametrize("make", [SGD, AdaGrad, RMSProp, Adam])
@pytest.mark.parametrize("lr, error, message", [
    (0.0, ValueError, r"lr \(learning rate α\) must be > 0; got 0.0"),
    (-0.1, ValueError, r"lr \(learning rate α\) must be > 0; got -0.1"),
    (float("nan"), ValueError, r"lr \(learning rate α\) must be finite; got nan"),
    (float("inf"), ValueError, r"lr \(learning rate α\) must be finite; got inf"),
    ("0.1", TypeError, r"lr \(learning rate α\) must be a real number"),
])
def test_bad_learning_rate(make, lr, error, message):
    with pytest.raises(error, match=message):
        make(lr)


def test_learning_rate_set_later_is_checked_too():
    opt = SGD(0.1)
    with pytest.raises(ValueError, match=r"lr \(learning rate α\) must be > 0"):
        opt.lr = 0
    assert opt.lr == 0.1


@pytest.mark.parametrize("value", [-0.1, 1.0, 1.5, float("nan")])
def test_momentum_betas_and_rho_outside_unit_interval(value):
    message = r"must be in \[0, 1\)" if np.isfinite(value) else "must be finite"
    with pytest.raises(ValueError, match=r"momentum \(μ\) " + message):
        SGD(0.1, momentum=value)
    with pytest.raises(ValueError, match=r"beta1 \(β₁\) " + message):
        Adam(0.1, beta1=value)
    with pytest.raises(ValueError, match=r"beta2 \(β₂\) " + message):
        Adam(0.1, beta2=value)
    with pytest.raises(ValueError, match=r"rho \(ρ\) " + message):
        RMSProp(0.1, rho=value)


@pytest.mark.parametrize("make", [AdaGrad, RMSProp, Adam])
@pytest.mark.parametrize("eps", [-1e-8, 0.0, 0])
def test_eps_must_be_positive(make, eps):
    """ε = 0 makes g / (√s + ε) = 0/0 = NaN where a gradient has always been 0 (an always-black pixel)."""
    with pytest.raises(ValueError, match=r"eps \(ε\) must be > 0.*got"):
        make(0.1, eps=eps)


def test_nesterov_without_momentum():
    with pytest.raises(ValueError, match="nesterov=True needs momentum > 0; got momentum=0"):
        SGD(0.1, nesterov=True)


def test_params_and_grads_of_different_lengths():
    with pytest.raises(ValueError, match="params and grads must be lists of the same length; got 2 params and 1 grads"):
        SGD(0.1).step([np.zeros(2), np.zeros(3)], [np.zeros(2)])


def test_params_and_grads_of_different_shapes():
    with pytest.raises(ValueError, match=r"params\[1\] has shape \(3,\) but grads\[1\] has shape \(3, 1\)"):
        Adam(0.1).step([np.zeros(2), np.zeros(3)], [np.zeros(2), np.zeros((3, 1))])


def test_params_and_grads_must_be_arrays():
    with pytest.raises(TypeError, match=r"params\[0\] and grads\[0\] must be numpy arrays; got list and ndarray"):
        SGD(0.1).step([[1.0, 2.0]], [np.zeros(2)])


# ---- train ---------------------------------------------------------------------------------
@pytest.mark.parametrize("epochs, error", [(0, ValueError), (-3, ValueError), (2.0, TypeError)])
def test_train_epochs_must_be_positive(net, XY, epochs, error):
    X, Y = XY
    with pytest.raises(error, match="epochs must be a positive int"):
        train(net, X, Y, SGD(0.1), epochs=epochs)


@pytest.mark.parametrize("batch_size, error", [(0, ValueError), (-1, ValueError), (1.5, TypeError)])
def test_train_batch_size_must_be_positive(net, XY, batch_size, error):
    X, Y = XY
    with pytest.raises(error, match="batch_size must be a positive int"):
        train(net, X, Y, SGD(0.1), epochs=1, batch_size=batch_size)


def test_train_needs_both_test_arrays_or_neither(net, XY):
    X, Y = XY
    with pytest.raises(ValueError, match="give both X_test and Y_test, or neither"):
        train(net, X, Y, SGD(0.1), epochs=1, X_test=X)
    with pytest.raises(ValueError, match="give both X_test and Y_test, or neither"):
        train(net, X, Y, SGD(0.1), epochs=1, Y_test=Y)


def test_train_checks_the_test_set_shapes(net, XY):
    X, Y = XY
    with pytest.raises(ValueError, match=r"X_test must have 3 rows .* it looks transposed"):
        train(net, X, Y, SGD(0.1), epochs=1, X_test=X.T, Y_test=Y)
    with pytest.raises(ValueError, match="Y_test has 4 columns but the batch has 5 examples"):
        train(net, X, Y, SGD(0.1), epochs=1, X_test=X, Y_test=Y[:, :4])


def test_early_stopping_needs_a_test_set(net, XY):
    X, Y = XY
    with pytest.raises(ValueError, match="early_stopping watches a held-out cost: give a validation set X_val, Y_val"):
        train(net, X, Y, SGD(0.1), epochs=5, early_stopping=2)
    with pytest.raises(ValueError, match=r"early_stopping \(patience\) must be a positive int"):
        train(net, X, Y, SGD(0.1), epochs=5, X_test=X, Y_test=Y, early_stopping=0)


def test_train_needs_an_optimizer_object(net, XY):
    X, Y = XY
    with pytest.raises(TypeError, match=r"optimizer must be an optimizer such as SGD\(lr=0.1\).*got 0.1 \(float\)"):
        train(net, X, Y, 0.1, epochs=1)
    with pytest.raises(TypeError, match=r"optimizer must be an instance, not the class SGD: pass an instance, e.g. SGD\(lr=0.1\)"):
        train(net, X, Y, SGD, epochs=1)


def test_bad_input_leaves_the_network_untouched(net, XY):
    X, Y = XY
    before = [p.copy() for p in net.params]
    with pytest.raises(ValueError):
        train(net, X, Y, SGD(0.1), epochs=0)
    for p, q in zip(net.params, before):
        np.testing.assert_array_equal(p, q)
