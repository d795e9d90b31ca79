"""Learning-rate schedules α(k) against the formulas in schedules.py."""
import math

import numpy as np
import pytest

from lessonlib import schedules

KS = [0, 1, 2, 5, 9, 10, 11, 25]


def test_constant():
    s = schedules.constant(0.3)
    assert [s(k) for k in KS] == [0.3] * len(KS)


def test_step_decay():
    s = schedules.step_decay(0.4, drop=0.5, every=10)
    expected = {0: 0.4, 1: 0.4, 9: 0.4, 10: 0.2, 11: 0.2, 19: 0.2, 20: 0.1, 35: 0.05}
    for k, lr in expected.items():
        assert s(k) == pytest.approx(lr, rel=1e-15)
    assert [s(k) for k in KS] == pytest.approx([0.4 * 0.5 ** (k // 10) for k in KS], rel=1e-15)


def test_exponential():
    s = schedules.exponential(0.2, gamma=0.9)
    assert [s(k) for k in KS] == pytest.approx([0.2 * 0.9 ** k for k in KS], rel=1e-14)
    assert s(0) == 0.2


@pytest.mark.parametrize("lr_min", [0.0, 0.01])
def test_cosine_before_T(lr_min):
    lr0, T = 0.5, 20
    s = schedules.cosine(lr0, T, lr_min=lr_min)
    for k in [0, 1, 5, 10, 15, 19]:
        expected = lr_min + (lr0 - lr_min) * (1 + math.cos(math.pi * k / T)) / 2
        assert s(k) == pytest.approx(expected, rel=1e-14)
    assert s(0) == lr0
    assert s(10) == pytest.approx((lr0 + lr_min) / 2, rel=1e-14)


def test_cosine_is_decreasing_up_to_T():
    s = schedules.cosine(1.0, 12)
    values = [s(k) for k in range(13)]
    assert all(a > b for a, b in zip(values, values[1:]))


def test_cosine_from_T_on_is_clamped_to_a_tiny_positive_floor():
    lr0, T = 0.5, 10
    s = schedules.cosine(lr0, T)
    for k in (T, T + 1, 10 * T):
        assert 0 < s(k) <= 1e-12 * lr0
    assert schedules.cosine(lr0, T, lr_min=0.01)(T + 5) == pytest.approx(0.01, rel=1e-15)


@pytest.mark.parametrize("k, error", [(-1, ValueError), (1.5, TypeError), ("3", TypeError), (True, TypeError),
                                      (None, TypeError)])
def test_epoch_must_be_a_non_negative_int(k, error):
    with pytest.raises(error, match="epoch k must be an int ≥ 0; got"):
        schedules.constant(0.1)(k)


def test_numpy_ints_are_epochs_too():
    assert schedules.step_decay(0.4, drop=0.5, every=2)(np.int64(3)) == pytest.approx(0.2, rel=1e-15)


@pytest.mark.parametrize("make, kwargs, error, message", [
    (schedules.step_decay, dict(lr0=0.1, every=2.0), TypeError, "every must be a positive int"),
    (schedules.step_decay, dict(lr0=0.1, every=0), ValueError, "every must be a positive int"),
    (schedules.step_decay, dict(lr0=0.1, drop=0.0), ValueError, "drop must be > 0"),
    (schedules.exponential, dict(lr0=0.1, gamma="0.9"), TypeError, r"gamma \(γ\) must be a real number"),
    (schedules.cosine, dict(lr0=0.1, T=True), TypeError, "T must be a positive int"),
    (schedules.cosine, dict(lr0=float("nan"), T=5), ValueError, r"lr0 \(α₀\) must be finite"),
    (schedules.constant, dict(lr0=1j), TypeError, r"lr0 \(α₀\) must be a real number"),
])
def test_schedule_arguments_are_named(make, kwargs, error, message):
    with pytest.raises(error, match=message):
        make(**kwargs)


def test_repr_names_the_schedule():
    assert repr(schedules.step_decay(0.4, drop=0.5, every=2)) == "step_decay(lr0=0.4, drop=0.5, every=2)"


def test_bad_schedule_parameters():
    with pytest.raises(ValueError, match="drop must be in"):
        schedules.step_decay(0.1, drop=1.5)
    with pytest.raises(ValueError, match=r"gamma \(γ\) must be in"):
        schedules.exponential(0.1, gamma=2.0)
    with pytest.raises(ValueError, match="lr_min must be below lr0"):
        schedules.cosine(0.1, 10, lr_min=0.2)
    with pytest.raises(ValueError, match=r"lr0 \(α₀\) must be > 0"):
        schedules.constant(0.0)
