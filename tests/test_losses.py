"""Losses: J and dJ/da against finite differences; cross-entropy safe at a = 0; the from-z form."""
import numpy as np
import pytest

from lessonlib import losses
from lessonlib.activations import softmax
from lessonlib.data import one_hot
from lessonlib.losses import LOSSES, cross_entropy, cross_entropy_from_z, mse


def numerical_dJ_da(J, a, y, eps=1e-6):
    grad = np.zeros_like(a)
    for i in np.ndindex(a.shape):
        e = np.zeros_like(a)
        e[i] = eps
        grad[i] = (J(a + e, y) - J(a - e, y)) / (2 * eps)
    return grad


def batch(rng, K=4, B=5):
    a = softmax(rng.normal(size=(K, B)))            # probabilities, well away from 0
    y = one_hot(rng.integers(0, K, B), K)
    return a, y


@pytest.mark.parametrize("name", ["mse", "cross_entropy"])
def test_dJ_da_matches_central_differences(name):
    loss = LOSSES[name]
    a, y = batch(np.random.default_rng(0))
    np.testing.assert_allclose(loss.dJ_da(a, y), numerical_dJ_da(loss.J, a, y), rtol=1e-6, atol=1e-9)


def test_mse_is_half_the_mean_squared_column_norm():
    rng = np.random.default_rng(1)
    a, y = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    expected = np.mean([0.5 * np.sum((a[:, j] - y[:, j]) ** 2) for j in range(4)])
    assert mse(a, y) == pytest.approx(expected, rel=1e-14)
    assert isinstance(mse(a, y), float)


def test_cross_entropy_is_minus_mean_log_of_the_true_class():
    a, y = batch(np.random.default_rng(2))
    expected = -np.mean(np.log(a[y.argmax(axis=0), np.arange(a.shape[1])]))
    assert cross_entropy(a, y) == pytest.approx(expected, rel=1e-14)


@pytest.mark.filterwarnings("error")
def test_cross_entropy_with_zero_probabilities_stays_finite():
    a = np.array([[0.0, 1.0, 0.5], [1.0, 0.0, 0.5]])
    y = np.array([[1.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    J, dJ = cross_entropy(a, y), losses.cross_entropy_dJ_da(a, y)
    assert np.isfinite(J) and J > 0
    assert np.all(np.isfinite(dJ))
    assert cross_entropy(np.array([[0.0], [1.0]]), np.array([[0.0], [1.0]])) == 0.0   # 0 · log 0 counts as 0


@pytest.mark.filterwarnings("error")
def test_cross_entropy_from_z_equals_cross_entropy_of_softmax():
    rng = np.random.default_rng(3)
    for scale in (0.1, 1.0, 10.0, 100.0):
        z = rng.normal(0, scale, size=(6, 8))
        y = one_hot(rng.integers(0, 6, 8), 6)
        assert cross_entropy_from_z(z, None, y) == pytest.approx(cross_entropy(softmax(z), y), rel=1e-10)


@pytest.mark.filterwarnings("error")
def test_cross_entropy_from_z_is_exact_where_softmax_underflows():
    z = np.array([[0.0], [2000.0]])            # softmax(z)[0] rounds to 0
    y = np.array([[1.0], [0.0]])
    assert cross_entropy_from_z(z, None, y) == pytest.approx(2000.0, rel=1e-15)
    assert cross_entropy(softmax(z), y) < 2000.0   # the clipped form saturates; the from-z form keeps growing


def test_each_loss_owns_its_delta_and_the_shortcut_equals_the_general_rule():
    """δ^L = (a − y)/B for softmax + cross-entropy equals the lesson's f'(z^L) ⊙ ∂J/∂a (a Jacobian product)."""
    from lessonlib.activations import ACTIVATIONS
    rng = np.random.default_rng(3)
    z = rng.normal(size=(5, 7))
    y = np.eye(5)[:, rng.integers(0, 5, 7)]
    softmax_f = ACTIVATIONS["softmax"]
    a = softmax_f.f(z)
    ce = LOSSES["cross_entropy"]
    shortcut = ce.delta(z, a, y, softmax_f)
    general = softmax_f.chain(z, ce.dJ_da(a, y))
    np.testing.assert_allclose(shortcut, general, rtol=1e-12, atol=1e-15)
    sig = ACTIVATIONS["sigmoid"]
    a = sig.f(z)
    np.testing.assert_allclose(LOSSES["mse"].delta(z, a, y, sig), sig.f_prime(z) * (a - y) / 7, rtol=1e-15)


def test_cross_entropy_requires_a_softmax_output():
    import lessonlib
    with pytest.raises(ValueError, match="output='softmax'"):
        lessonlib.Network([3, 2], output="sigmoid", loss="cross_entropy")
