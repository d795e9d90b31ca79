"""Checks on what users pass in, with messages that name the problem (shapes, names, ranges)."""
import numbers

import numpy as np


def as_batch(X, name, rows=None, cols=None, what="examples"):
    """X as a 2-D float64 array of finite numbers, checked against ``rows`` (and ``cols``)."""
    if isinstance(X, (str, bytes)) or X is None:
        raise TypeError(f"{name} must be a 2-D numeric array; got {type(X).__name__}")
    try:
        X = np.asarray(X, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise TypeError(f"{name} must be a 2-D numeric array: {err}") from None
    if X.ndim == 1 and rows is not None and X.shape[0] == rows:
        raise ValueError(f"{name} must be 2-D with one example per column, shape ({rows}, B); "
                         f"got a 1-D array of shape {X.shape}: use {name}.reshape({rows}, 1) for one example")
    if X.ndim != 2:
        raise ValueError(f"{name} must be 2-D with one example per column; got shape {X.shape}")
    if rows is not None and X.shape[0] != rows:
        hint = ""
        if X.shape[1] == rows:
            hint = f"; it looks transposed (one example per row): pass {name}.T"
        raise ValueError(f"{name} must have {rows} rows (one per {what}), shape ({rows}, B); "
                         f"got shape {X.shape}{hint}")
    if cols is not None and X.shape[1] != cols:
        raise ValueError(f"{name} must have {cols} columns, one per example of the batch; got shape {X.shape}")
    if X.shape[1] == 0:
        raise ValueError(f"{name} holds no examples (shape {X.shape})")
    if not np.isfinite(X).all():
        raise ValueError(f"{name} contains NaN or inf values")
    return X


def positive_int(value, name):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a positive int; got {value!r} ({type(value).__name__})")
    if value <= 0:
        raise ValueError(f"{name} must be a positive int; got {value}")
    return int(value)


def real(value, name):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number; got {value!r} ({type(value).__name__})")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite; got {value}")
    return value


def positive(value, name):
    """A real number > 0 (a learning rate, a step size)."""
    value = real(value, name)
    if value <= 0:
        raise ValueError(f"{name} must be > 0; got {value}")
    return value


def non_negative(value, name):
    """A real number ≥ 0 (λ, ε)."""
    value = real(value, name)
    if value < 0:
        raise ValueError(f"{name} must be ≥ 0; got {value}")
    return value


def unit_interval(value, name):
    """A real number in [0, 1) (momentum, β, ρ)."""
    value = real(value, name)
    if not 0.0 <= value < 1.0:
        raise ValueError(f"{name} must be in [0, 1); got {value}")
    return value


def matching_lists(params, grads):
    """params and grads: same length, each pair the same shape."""
    if len(params) != len(grads):
        raise ValueError(f"params and grads must be lists of the same length; got {len(params)} params "
                         f"and {len(grads)} grads")
    for i, (p, g) in enumerate(zip(params, grads)):
        if not isinstance(p, np.ndarray) or not isinstance(g, np.ndarray):
            raise TypeError(f"params[{i}] and grads[{i}] must be numpy arrays; got "
                            f"{type(p).__name__} and {type(g).__name__}")
        if p.shape != g.shape:
            raise ValueError(f"params[{i}] has shape {p.shape} but grads[{i}] has shape {g.shape}")
