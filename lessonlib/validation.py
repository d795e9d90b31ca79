"""Checks on what users pass in, with messages that name the argument, what was expected and what came.

Every public function checks all its arguments here before it changes anything.  Nothing is coerced
in a way that changes its meaning: a string is not a number or a flag, a set is not a sequence, a
complex number is not real.  Real arrays of another dtype (ints, bools, float32) become float64
copies, which keeps every value exactly.
"""
import inspect
import numbers
from collections.abc import Iterator

import numpy as np


def describe(value):
    """What came, for a message: the value (shortened) and its type."""
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{text} ({type(value).__name__})"


def first_bad(A):
    """(count, index, value) of the non-finite entries of the array A; count 0 when all are finite."""
    bad = ~np.isfinite(A)
    count = int(np.count_nonzero(bad))
    if count == 0:
        return 0, None, None
    index = tuple(int(i) for i in np.unravel_index(int(np.argmax(bad)), A.shape))
    return count, index, A[index]


def finite(A, name, when=""):
    """Refuse NaN/inf in the array A, saying how many and where the first one is."""
    count, index, value = first_bad(A)
    if count:
        where = ", ".join(map(str, index))
        raise ValueError(f"{name} contains NaN or inf values{when}: {count} of {A.size} entries "
                         f"(the first at [{where}] is {value})")
    return A


def real_array(X, name, kind="numeric array"):
    """X as a float64 array of real numbers (a copy when it has another dtype).  An object array (what
    pandas often hands over) is converted when every entry is a real number."""
    if X is None or isinstance(X, (str, bytes, dict, set, frozenset)) or isinstance(X, Iterator):
        raise TypeError(f"{name} must be a {kind} (numpy array or nested list); got {type(X).__name__}"
                        + (": build an array first, e.g. np.array(list(...))" if isinstance(X, Iterator) else ""))
    if isinstance(X, np.ndarray) and X.dtype.kind not in "biufO":
        raise TypeError(f"{name} must hold real numbers; got an array of dtype {X.dtype}")
    try:
        A = np.asarray(X)
    except (TypeError, ValueError) as err:
        raise TypeError(f"{name} must be a {kind}: {err}") from None
    if A.dtype.kind == "O":
        A = from_objects(A, name, kind)
    if A.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold real numbers; got dtype {A.dtype}"
                        + (" (complex numbers are not real)" if A.dtype.kind == "c" else ""))
    return A.astype(np.float64, copy=False)


def from_objects(A, name, kind):
    """An object array whose entries are all real numbers (Python, numpy, Fraction, Decimal), as float64."""
    for index, x in np.ndenumerate(A):
        if not (isinstance(x, (numbers.Real, np.bool_)) or isinstance(x, numbers.Number)
                and not isinstance(x, numbers.Complex)):
            where = f" at [{', '.join(map(str, index))}]" if A.ndim else ""
            ragged = " (rows of different lengths?)" if isinstance(x, (list, tuple, np.ndarray)) else ""
            raise TypeError(f"{name} must hold real numbers; the entry{where} is {describe(x)}{ragged}")
    return A.astype(np.float64)


def as_batch(X, name, rows=None, cols=None, what="examples"):
    """X as a 2-D float64 array of finite numbers, checked against ``rows`` (and ``cols``)."""
    X = real_array(X, name, "2-D numeric array")
    if X.ndim == 1 and rows is not None and X.shape[0] == rows:
        raise ValueError(f"{name} must be 2-D with one example per column, shape ({rows}, B); "
                         f"got a 1-D array of shape {X.shape}: use {name}.reshape({rows}, 1) for one example")
    labels = X.ndim == 1 and name.startswith("Y") and rows is not None and rows > 1 and X.size
    if labels and np.all((X == np.round(X)) & (0 <= X) & (X < rows)):
        raise ValueError(f"{name} must be 2-D with one example per column, shape ({rows}, B); got a 1-D array of "
                         f"shape {X.shape} that looks like class labels 0..{rows - 1}: one-hot them first, "
                         f"lessonlib.data.one_hot(labels, {rows})")
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
    # one memory layout: a strided view or a transposed array gives the very bits a plain copy gives
    return finite(np.ascontiguousarray(X), name)


def positive_int(value, name):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a positive int; got {describe(value)}")
    if value <= 0:
        raise ValueError(f"{name} must be a positive int; got {value}")
    return int(value)


SEED_KINDS = (np.random.Generator, np.random.BitGenerator, np.random.SeedSequence)


def seed(value, name="seed"):
    """None, an int ≥ 0, or a numpy Generator (or BitGenerator, SeedSequence): what numpy's default_rng
    takes.  A Generator is used as it is, so it moves on with every draw (numpy's and scikit-learn's rule)."""
    if value is None or isinstance(value, SEED_KINDS):
        return value
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be None, an int ≥ 0 or a numpy.random.Generator; got {describe(value)}")
    if value < 0:
        raise ValueError(f"{name} must be None, an int ≥ 0 or a numpy.random.Generator; got {value}")
    return int(value)


def count(value, name):
    """An int ≥ 0 (a step counter)."""
    if type(value) is int and value >= 0:
        return value
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int ≥ 0; got {describe(value)}")
    if value < 0:
        raise ValueError(f"{name} must be an int ≥ 0; got {value}")
    return int(value)


def flag(value, name):
    """A real bool (numpy's bool too): strings such as 'False' and ints are refused, not guessed."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False; got {describe(value)}")
    return bool(value)


def real(value, name):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number; got {describe(value)}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite; got {value}")
    return value


def positive(value, name):
    """A real number > 0 (a learning rate, a step size, ε)."""
    value = real(value, name)
    if value <= 0:
        raise ValueError(f"{name} must be > 0; got {value}")
    return value


def non_negative(value, name):
    """A real number ≥ 0 (λ)."""
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


def instance(value, name, example):
    """Refuse a class where an object is expected: ``train(net, X, Y, SGD, ...)``."""
    if isinstance(value, type):
        raise TypeError(f"{name} must be an instance, not the class {value.__name__}: pass an instance, "
                        f"e.g. {example}")
    return value


def function(value, name, signature, example, args=()):
    """None, or something callable that is not a class (a schedule, a callback) and takes ``args``."""
    if value is None:
        return None
    instance(value, name, example)
    if not callable(value):
        raise TypeError(f"{name} must be callable as {signature}, e.g. {example}; got {describe(value)}")
    try:
        parameters = inspect.signature(value)
    except (TypeError, ValueError):          # some built-ins do not say: they are called as they are
        return value
    try:
        parameters.bind(*args)
    except TypeError as err:
        raise TypeError(f"{name} must be callable as {signature} ({len(args)} positional argument"
                        f"{'s' if len(args) != 1 else ''}); {getattr(value, '__name__', name)}{parameters} "
                        f"does not fit: {err}") from None
    return value


def array_list(values, name):
    """A list or tuple of arrays (not one array, a generator or a set), as a list."""
    if isinstance(values, np.ndarray):
        raise TypeError(f"{name} must be a list of numpy arrays; got a single array of shape {values.shape}: "
                        f"wrap it in a list, e.g. [{name[:-1] if name.endswith('s') else name}]")
    if isinstance(values, (str, bytes, dict, set, frozenset, Iterator)) or not hasattr(values, "__len__") \
            or not hasattr(values, "__iter__"):
        raise TypeError(f"{name} must be a list of numpy arrays; got {type(values).__name__}")
    return list(values)


def params_and_grads(params, grads):
    """params: float64 arrays, writeable, each once; grads: real arrays of the same shapes, as many."""
    params, grads = array_list(params, "params"), array_list(grads, "grads")
    if len(params) != len(grads):
        raise ValueError(f"params and grads must be lists of the same length; got {len(params)} params "
                         f"and {len(grads)} grads")
    if not params:
        raise ValueError("params is empty: there is nothing to update")
    seen = {}
    for i, (p, g) in enumerate(zip(params, grads)):
        if not isinstance(p, np.ndarray) or not isinstance(g, np.ndarray):
            raise TypeError(f"params[{i}] and grads[{i}] must be numpy arrays; got "
                            f"{type(p).__name__} and {type(g).__name__}")
        if p.dtype != np.float64:
            raise TypeError(f"params[{i}] must be a float64 array (updates are computed in float64); got "
                            f"dtype {p.dtype}: convert it with .astype(np.float64)")
        if not p.flags.writeable:
            raise ValueError(f"params[{i}] is read-only; the update changes it in place")
        if id(p) in seen:
            raise ValueError(f"params[{i}] is the same array as params[{seen[id(p)]}]; each parameter once")
        seen[id(p)] = i
        if g.dtype.kind not in "iuf":
            raise TypeError(f"grads[{i}] must hold real numbers; got dtype {g.dtype}")
        if p.shape != g.shape:
            raise ValueError(f"params[{i}] has shape {p.shape} but grads[{i}] has shape {g.shape}")
    return params, grads


def matching_lists(params, grads):
    """params and grads: same length, each pair the same shape (kept for older callers)."""
    params_and_grads(params, grads)
