"""Notebook 02's new dashboards: the stepped 2–2–1 worked example and the initialization experiment."""
import warnings

import numpy as np
import pytest

from lessonlib import Network
from lessonlib import initialization as init
from lessonlib.dashboards import init_scale as init_dash
from lessonlib.dashboards import diagram as nd
from lessonlib.dashboards.machinery import control_values

EQUATIONS = ["a⁰ = x", "z¹ = W¹a⁰ + b¹", "a¹ = f(z¹)", "z² = W²a¹ + b²", "a² = f(z²)", "J = 1/(2B) Σ‖a² − y‖²",
             "δ² = f'(z²) ⊙ ∂J/∂a²", "∂J/∂W² = δ²(a¹)ᵀ", "∂J/∂b² = δ²", "δ¹ = f'(z¹) ⊙ (W²)ᵀδ²",
             "∂J/∂W¹ = δ¹(a⁰)ᵀ", "∂J/∂b¹ = δ¹"]


def notebook_tiny():
    """The worked example built as notebook 02 §3 builds it, independently of the module."""
    tiny = Network([2, 2, 1], activation="sigmoid", loss="mse", seed=0)
    tiny.weights[0][...] = [[0.5, -0.3], [0.2, 0.8]]
    tiny.biases[0][...] = [[0.1], [-0.2]]
    tiny.weights[1][...] = [[1.0, -1.5]]
    tiny.biases[1][...] = [[0.3]]
    return tiny, np.array([[1.0], [0.5]]), np.array([[0.7]])


# ---- the stepped worked example -------------------------------------------------------------
def test_each_step_applies_the_listed_equation():
    steps = nd.worked_example_steps()
    assert [s.equation for s in steps] == EQUATIONS
    assert [s.phase for s in steps] == ["input"] + ["forward"] * 5 + ["backward"] * 6


def test_step_values_equal_network_forward_and_backward():
    tiny, x, y = notebook_tiny()
    cache = tiny.forward(x)
    grads = tiny.backward(cache, y)
    expected = [cache.a[0], cache.z[1], cache.a[1], cache.z[2], cache.a[2], tiny.cost(x, y),
                grads.delta[2], grads.dW[2], grads.db[2], grads.delta[1], grads.dW[1], grads.db[1]]
    steps = nd.worked_example_steps()
    for step, value in zip(steps, expected):
        assert np.shape(step.value) == np.shape(np.atleast_2d(value))
        assert np.allclose(step.value, value, rtol=0, atol=1e-12), step.equation
    delta2, delta1 = steps[6], steps[9]                    # the factors shown inside the δ equations
    assert np.allclose(np.prod(delta2.factors, axis=0), grads.delta[2], rtol=0, atol=1e-12)
    assert np.allclose(np.prod(delta1.factors, axis=0), grads.delta[1], rtol=0, atol=1e-12)
    assert np.allclose(delta1.factors[1], tiny.weights[1].T @ grads.delta[2], rtol=0, atol=1e-12)


def test_step_text_has_the_worked_example_numbers():
    lines = nd.steps_text().splitlines()
    assert len(lines) == 12
    assert lines[1] == "step  1 (forward): z¹ = W¹a⁰ + b¹ = (0.4500, 0.4000)ᵀ"
    assert lines[5] == "step  5 (forward): J = 1/(2B) Σ‖a² − y‖² = 0.0194"
    assert lines[6] == "step  6 (backward): δ² = f'(z²) ⊙ ∂J/∂a² = 0.2500 ⊙ -0.1968 = -0.0492"
    assert lines[9] == ("step  9 (backward): δ¹ = f'(z¹) ⊙ (W²)ᵀδ² = (0.2378, 0.2403)ᵀ ⊙ (-0.0492, 0.0738)ᵀ "
                        "= (-0.0117, 0.0177)ᵀ")
    assert lines[10] == "step 10 (backward): ∂J/∂W¹ = δ¹(a⁰)ᵀ = [[-0.0117, -0.0059], [0.0177, 0.0089]]"


def test_numbers_format():
    assert nd.numbers(np.array([[-0.0]])) == "0.0000"
    assert nd.numbers(np.array([[1.0], [2.0]])) == "(1.0000, 2.0000)ᵀ"
    assert nd.numbers(np.array([[1.0, 2.0]])) == "(1.0000, 2.0000)"


# ---- sweeping the dashboards ------------------------------------------------------------------
def sweep(dash, n=100):
    """Every value of every control: no error, no warning (update is also called directly, where
    the dashboard would otherwise silence warnings); returns the PNGs seen."""
    images = {}
    for name, control in dash.controls.items():
        start = control.value
        for value in control_values(control, n=n) + [start]:
            control.value = value
            assert dash.last_error is None, (name, value, dash.last_error)
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                dash.update(**dash.values)
            images[name, value] = dash.image.value
    dash.refresh()
    return images


def test_network_diagram_sweep_and_buttons():
    dash = nd.network_diagram()
    start = dash.image.value
    images = sweep(dash)
    assert len({images["step", k] for k in range(12)}) == 12          # every step draws a different picture
    assert images["step", 0] == start and dash.image.value == start
    back, forth = dash.buttons
    back.click()
    assert dash.controls["step"].value == 0                            # clamped at the first step
    forth.click()
    assert dash.controls["step"].value == 1 and dash.image.value == images["step", 1]
    dash.controls["step"].value = 11
    forth.click()
    assert dash.controls["step"].value == 11


def test_initialization_dashboard_sweep():
    dash = init_dash.initialization()
    start, values = dash.image.value, dash.values
    images = sweep(dash)
    for name, control in dash.controls.items():
        others = [images[name, v] for v in control_values(control, n=100) if v != values[name]]
        assert others and all(png != start for png in others), name
    assert dash.image.value == start
    assert "the error reaches layer 1" in dash.message.value               # He + ReLU, the default


def test_initialization_dashboard_messages():
    dash = init_dash.initialization()
    dash.controls["scheme"].value = "too small"
    assert "the gradient vanishes" in dash.message.value and "collapses" in dash.message.value
    dash.controls["scheme"].value = "zeros"
    assert "symmetry" in dash.message.value and "exactly 0" in dash.message.value
    dash.controls["scheme"].value = "too large"
    assert "explodes" in dash.message.value


def test_titles():
    assert set(nd.TITLES) == {"network_diagram"} and set(init_dash.TITLES) == {"initialization"}
    assert callable(nd.network_diagram) and callable(init_dash.initialization)


# ---- the initialization experiment ----------------------------------------------------------------
def test_he_relu_keeps_the_error_and_too_small_vanishes():
    he = init.layer_statistics("He", "relu")
    assert he.L == 7 and 1e-2 <= he.delta_ratio <= 1e2               # measured: 0.6
    assert 1e-2 <= he.spread_ratio <= 1e2                             # measured: 0.7
    for f in init.ACTIVATIONS:
        small = init.layer_statistics("too small", f)
        assert small.delta_ratio < 1e-6, f                             # measured: 5e-12, 2e-8, 2e-9
        assert small.spread_ratio < 1e-4, f                            # forward collapse too
    large = init.layer_statistics("too large", "relu")
    assert large.delta_ratio > 1e2 and large.spread_ratio > 1e2       # measured: 2.5e3, 7e2


def test_sigmoid_vanishes_even_with_xavier_and_tanh_does_not():
    assert init.layer_statistics("Xavier", "sigmoid").delta_ratio < 1e-3   # measured: 1.2e-4
    assert init.layer_statistics("Xavier", "tanh").delta_ratio > 1e-1      # measured: 0.31


def test_zero_init_gives_exact_zeros_and_identical_units():
    for f in init.ACTIVATIONS:
        s = init.layer_statistics("zeros", f)
        assert np.all(s.delta[:-1] == 0.0) and s.delta[-1] > 0           # only δ^L is non-zero
        assert np.all(s.spread == 0.0) and all(s.identical)


def test_initialize_scales_the_same_draws():
    he = init.initialize(init.deep_net("relu", 2, 8), "He", seed=3)
    small = init.initialize(init.deep_net("relu", 2, 8), "too small", seed=3)
    for m in range(1, he.L + 1):
        assert np.allclose(he.W[m] / np.sqrt(2.0 / he.sizes[m - 1]), small.W[m] / 0.01)
        assert np.all(he.b[m] == 0)
    with pytest.raises(ValueError, match="scheme"):
        init.initialize(he, "ones")


def test_symmetry_after_training_from_zeros():
    history, distinct, largest = init.symmetry_after_training("zeros", "sigmoid", epochs=5, width=8)
    assert distinct == {1: 1, 2: 1}                                     # every unit of a layer alike ...
    assert largest[2] > 0                                               # ... although the weights moved
    _, distinct, _ = init.symmetry_after_training("Xavier", "sigmoid", epochs=5, width=8)
    assert distinct == {1: 8, 2: 8}
    assert history.epochs == 5


def test_verdict_words_match_the_numbers():
    text = init.verdict(init.layer_statistics("too small", "relu"))
    ratio = init.layer_statistics("too small", "relu").delta_ratio
    assert f"δ¹ is {ratio:.0e} × δ⁷: the gradient vanishes" in text
    assert init.superscript(11) == "¹¹"
