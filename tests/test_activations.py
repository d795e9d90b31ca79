"""Activations: f' against central differences of f, softmax's Jacobian, no warnings at large |z|."""
import numpy as np
import pytest

from lessonlib import activations
from lessonlib.activations import ACTIVATIONS, HIDDEN_ACTIVATIONS, softmax, softmax_chain

ELEMENTWISE = ["sigmoid", "tanh", "relu", "leaky_relu", "identity"]


def z_away_from_kinks(rng, shape=(4, 6)):
    """Random z with every |z| ≥ 0.1, so relu/leaky_relu are smooth within ±ε."""
    z = rng.uniform(0.1, 3.0, shape)
    return z * rng.choice([-1.0, 1.0], shape)


def test_registry_holds_the_lesson_activations():
    assert set(ELEMENTWISE) <= set(ACTIVATIONS)
    assert "softmax" in ACTIVATIONS and "softmax" not in HIDDEN_ACTIVATIONS


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_f_prime_matches_central_differences(name):
    act = ACTIVATIONS[name]
    z = z_away_from_kinks(np.random.default_rng(0))
    eps = 1e-6
    numeric = (act.f(z + eps) - act.f(z - eps)) / (2 * eps)
    np.testing.assert_allclose(act.f_prime(z), numeric, rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_f_keeps_the_shape_and_chain_is_f_prime_times_dJ_da(name):
    act = ACTIVATIONS[name]
    rng = np.random.default_rng(1)
    z, dJ_da = z_away_from_kinks(rng), rng.normal(size=(4, 6))
    assert act.f(z).shape == z.shape and act.f(z).dtype == np.float64
    np.testing.assert_array_equal(act.chain(z, dJ_da), act.f_prime(z) * dJ_da)


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_chain_at_the_kink_follows_f_prime(name):
    act = ACTIVATIONS[name]
    z, dJ_da = np.array([[0.0, -0.0, 1.0, -1.0]]), np.array([[2.0, 3.0, 4.0, 5.0]])
    np.testing.assert_array_equal(act.chain(z, dJ_da), act.f_prime(z) * dJ_da)


def test_known_values():
    z = np.array([[-2.0, 0.0, 3.0]])
    np.testing.assert_allclose(activations.sigmoid(z), 1 / (1 + np.exp(-z)), rtol=1e-15)
    np.testing.assert_array_equal(activations.relu(z), [[0.0, 0.0, 3.0]])
    np.testing.assert_array_equal(activations.relu_prime(z), [[0.0, 0.0, 1.0]])   # 0 at the kink
    np.testing.assert_allclose(activations.leaky_relu(z), [[-0.02, 0.0, 3.0]], rtol=1e-15)
    np.testing.assert_allclose(activations.leaky_relu_prime(z), [[0.01, 0.01, 1.0]], rtol=1e-15)
    np.testing.assert_array_equal(activations.identity(z), z)
    np.testing.assert_array_equal(activations.identity_prime(z), np.ones_like(z))


def test_softmax_columns_are_probabilities():
    z = np.random.default_rng(2).normal(0, 5, size=(5, 7))
    a = softmax(z)
    assert np.all(a > 0)
    np.testing.assert_allclose(a.sum(axis=0), 1.0, rtol=0, atol=1e-15)
    np.testing.assert_allclose(a[:, 0], np.exp(z[:, 0]) / np.exp(z[:, 0]).sum(), rtol=1e-14)


def test_softmax_ignores_a_shift_of_each_column():
    z = np.random.default_rng(3).normal(size=(4, 3))
    np.testing.assert_allclose(softmax(z + np.array([[100.0, -50.0, 7.0]])), softmax(z), rtol=1e-12)


def test_softmax_chain_is_the_full_jacobian_times_dJ_da():
    rng = np.random.default_rng(4)
    z, dJ_da = rng.normal(size=(5, 6)), rng.normal(size=(5, 6))
    a = softmax(z)
    expected = np.column_stack([(np.diag(a[:, j]) - np.outer(a[:, j], a[:, j])) @ dJ_da[:, j]
                                for j in range(z.shape[1])])
    np.testing.assert_allclose(softmax_chain(z, dJ_da), expected, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(ACTIVATIONS["softmax"].chain(z, dJ_da), expected, rtol=1e-12, atol=1e-15)


def test_softmax_jacobian_matches_central_differences():
    rng = np.random.default_rng(5)
    z, eps = rng.normal(size=(4, 1)), 1e-6
    numeric = np.column_stack([(softmax(z + eps * e) - softmax(z - eps * e))[:, 0] / (2 * eps)
                               for e in np.eye(4)[:, :, None]])
    a = softmax(z)[:, 0]
    np.testing.assert_allclose(np.diag(a) - np.outer(a, a), numeric, atol=1e-9)
    np.testing.assert_allclose(activations.softmax_prime(z)[:, 0], np.diag(numeric), atol=1e-9)


HUGE = np.array([[1e4, -1e4, 0.0, 5e3], [-1e4, 1e4, 1e-300, -5e3], [0.0, 1e4, -1e4, 1e4]])


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_no_warning_and_finite_for_large_z(name):
    act = ACTIVATIONS[name]
    a, da, dz = act.f(HUGE), act.f_prime(HUGE), act.chain(HUGE, np.ones_like(HUGE))
    if name not in ("relu", "leaky_relu", "identity"):
        assert np.all(np.isfinite(a)) and np.all(np.isfinite(da)) and np.all(np.isfinite(dz))


@pytest.mark.filterwarnings("error")
def test_sigmoid_saturates_cleanly_at_plus_minus_1e4():
    z = np.array([[1e4, -1e4]])
    np.testing.assert_array_equal(activations.sigmoid(z), [[1.0, 0.0]])
    np.testing.assert_array_equal(activations.sigmoid_prime(z), [[0.0, 0.0]])
    np.testing.assert_array_equal(activations.tanh(z), [[1.0, -1.0]])


@pytest.mark.filterwarnings("error")
def test_softmax_of_huge_values_is_exact():
    a = softmax(np.array([[1e4, 1e4, -1e4], [1e4 - 1, 0.0, -1e4], [0.0, 1e4, -1e4]]))
    np.testing.assert_allclose(a[:, 0], [1 / (1 + np.exp(-1)), np.exp(-1) / (1 + np.exp(-1)), 0.0], rtol=1e-14)
    np.testing.assert_allclose(a[:, 1], [0.5, 0.0, 0.5], rtol=1e-15)
    np.testing.assert_allclose(a[:, 2], [1 / 3] * 3, rtol=1e-15)
