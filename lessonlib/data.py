"""Data for the lessons, in the column convention: X is (n_0, N), Y is (n_L, N) one-hot.

Nothing is downloaded: the digits ship with scikit-learn, the 2-D toy sets are drawn here from a
seed, and the small files the lessons need live in the repository's ``data/`` folder.
"""
import numbers
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from . import validation

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


def one_hot(labels, n_classes=None):
    """Integer labels (N,) → one-hot columns (K, N); K = n_classes, or the largest label + 1."""
    if isinstance(labels, (str, bytes, dict, set, frozenset)) or labels is None or isinstance(labels, Iterator):
        raise TypeError(f"labels must be a 1-D array (or list) of ints; got {type(labels).__name__}")
    labels = np.asarray(labels)
    if labels.dtype.kind == "O" and all(isinstance(k, numbers.Integral) and not isinstance(k, bool) for k in labels.flat):
        labels = labels.astype(np.int64)            # ints in an object array (what pandas may hand over)
    if labels.dtype.kind not in "iu":
        raise TypeError(f"labels must be a 1-D array of ints (class numbers 0..K−1); got dtype {labels.dtype}"
                        + (": convert whole-number floats with labels.astype(int)" if labels.dtype.kind == "f" else ""))
    if labels.ndim != 1:
        raise ValueError(f"labels must be a 1-D array of ints; got shape {labels.shape}")
    if n_classes is not None:
        n_classes = validation.positive_int(n_classes, "n_classes")
    if labels.size == 0:
        if n_classes is None:
            raise ValueError("labels is empty: give n_classes, so that one_hot knows how many rows (K, 0) to make")
        return np.zeros((n_classes, 0))
    if labels.min() < 0:
        raise ValueError(f"labels must be ≥ 0; got {labels.min()}")
    K = int(labels.max()) + 1 if n_classes is None else n_classes
    if labels.max() >= K:
        raise ValueError(f"label {labels.max()} does not fit n_classes={K} (labels must be 0..{K - 1})")
    Y = np.zeros((K, labels.size))
    Y[labels, np.arange(labels.size)] = 1.0
    return Y


def labels_of(Y):
    """One-hot (or probability) columns (K, N) → the class of each column (N,)."""
    Y = validation.real_array(Y, "Y")
    if Y.ndim != 2 or Y.shape[1] == 0:
        raise ValueError(f"Y must be 2-D, one column per example (K, N); got shape {Y.shape}")
    return validation.finite(Y, "Y").argmax(axis=0)


def train_test_split(X, Y, test_size=0.25, seed=0):
    """A stratified split of the columns of X (n_0, N) and one-hot Y (K, N): each class keeps its share."""
    X, Y = validation.real_array(X, "X", "2-D numeric array"), validation.real_array(Y, "Y", "2-D numeric array")
    if X.ndim != 2 or Y.ndim != 2 or X.shape[1] != Y.shape[1]:
        raise ValueError(f"X and Y must be 2-D with one example per column and the same N; "
                         f"got X {X.shape}, Y {Y.shape}")
    validation.finite(X, "X")
    validation.finite(Y, "Y")
    if not (np.all((Y == 0) | (Y == 1)) and np.all(Y.sum(axis=0) == 1)):
        raise ValueError("Y must be one-hot (each column a single 1): the split keeps each class's share")
    test_size = validation.real(test_size, "test_size")
    if not 0 < test_size < 1:
        raise ValueError(f"test_size must be in (0, 1); got {test_size}")
    rng = np.random.default_rng(validation.seed(seed))
    y = labels_of(Y)
    test = []
    for k in np.unique(y):
        members = rng.permutation(np.flatnonzero(y == k))
        test.extend(members[: int(round(test_size * members.size))])
    is_test = np.zeros(y.size, dtype=bool)
    is_test[test] = True
    if is_test.all() or not is_test.any():
        raise ValueError(f"test_size={test_size} of N={y.size} examples leaves the "
                         f"{'training' if is_test.all() else 'test'} set empty; use more examples or another test_size")
    train_idx, test_idx = rng.permutation(np.flatnonzero(~is_test)), rng.permutation(np.flatnonzero(is_test))
    return X[:, train_idx], X[:, test_idx], Y[:, train_idx], Y[:, test_idx]


def load_digits(test_size=0.25, seed=0):
    """The 8×8 handwritten digits (scikit-learn's, copied to data/digits.npz):
    (X_train, X_test, Y_train, Y_test), pixels in [0, 1]."""
    test_size, seed = validation.real(test_size, "test_size"), validation.seed(seed)
    arrays = load_npz("digits.npz", {"images": (2, "u"), "labels": (1, "u")})
    images, labels = arrays["images"], arrays["labels"]
    if images.shape != (labels.size, 64) or labels.max() > 9 or images.max() > 16:
        raise ValueError(f"digits.npz: expected images (N, 64) with values 0..16 and labels 0..9; got images "
                         f"{images.shape} up to {images.max()}, labels {labels.shape} up to {labels.max()}")
    X = images.T / 16.0                          # (64, 1797), one image per column
    Y = one_hot(labels.astype(np.int64), 10)     # (10, 1797)
    return train_test_split(X, Y, test_size=test_size, seed=seed)


def _noisy(X, y, noise, label_noise, n_classes, rng):
    noise = validation.non_negative(noise, "noise")
    label_noise = validation.real(label_noise, "label_noise")
    if not 0 <= label_noise <= 1:
        raise ValueError(f"label_noise must be in [0, 1]; got {label_noise}")
    X = X + noise * rng.standard_normal(X.shape)
    flip = rng.random(y.size) < label_noise
    y = np.where(flip, (y + rng.integers(1, n_classes, y.size)) % n_classes, y)
    return X, one_hot(y, n_classes)


def make_moons(n=200, noise=0.1, label_noise=0.0, seed=0):
    """Two interleaved half circles: X (2, n), Y (2, n).  label_noise flips that share of labels."""
    n = validation.positive_int(n, "n")
    rng = np.random.default_rng(validation.seed(seed))
    y = np.arange(n) % 2
    t = np.pi * rng.random(n)
    X = np.where(y == 0, [np.cos(t), np.sin(t)], [1 - np.cos(t), 0.5 - np.sin(t)])
    return _noisy(X, y, noise, label_noise, 2, rng)


def make_circles(n=200, noise=0.05, factor=0.5, label_noise=0.0, seed=0):
    """A small circle inside a large one: X (2, n), Y (2, n)."""
    n = validation.positive_int(n, "n")
    factor = validation.positive(factor, "factor (inner radius / outer radius)")
    rng = np.random.default_rng(validation.seed(seed))
    y = np.arange(n) % 2
    t = 2 * np.pi * rng.random(n)
    r = np.where(y == 1, factor, 1.0)
    return _noisy(r * np.array([np.cos(t), np.sin(t)]), y, noise, label_noise, 2, rng)


def make_spirals(n=300, classes=3, noise=0.1, label_noise=0.0, seed=0):
    """``classes`` interleaved spiral arms: X (2, n), Y (classes, n)."""
    n = validation.positive_int(n, "n")
    classes = validation.positive_int(classes, "classes")
    rng = np.random.default_rng(validation.seed(seed))
    y = np.arange(n) % classes
    r = rng.random(n)
    t = 4.0 * r + 2 * np.pi * y / classes
    return _noisy(r * np.array([np.cos(t), np.sin(t)]), y, noise, label_noise, classes, rng)


def load_npz(name, expected):
    """Read ``data/<name>``, checking each array's shape rank and dtype kind; pickles are refused.

    expected: {array name: (ndim, dtype kind)}, e.g. {"x": (1, "f")}.
    """
    path = DATA_DIR / name
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing; regenerate it with `python data/make_data.py`")
    try:
        with np.load(path, allow_pickle=False) as f:
            arrays = {key: f[key] for key in f.files}
    except ValueError as err:   # numpy refuses pickled (object) data when allow_pickle=False
        raise ValueError(f"{name}: refusing to load pickled or object data ({err})") from None
    for key, (ndim, kind) in expected.items():
        if key not in arrays:
            raise ValueError(f"{name} has no array {key!r}; it holds {sorted(arrays)}")
        if arrays[key].ndim != ndim or arrays[key].dtype.kind != kind:
            raise ValueError(f"{name}: {key!r} should be {ndim}-D of kind {kind!r}; "
                             f"got shape {arrays[key].shape}, dtype {arrays[key].dtype}")
        if kind == "f" and not np.isfinite(arrays[key]).all():
            raise ValueError(f"{name}: {key!r} contains NaN or inf")
    return arrays


def load_study_hours():
    """The small regression set of notebook 01: hours studied x and exam score y, both (N,)."""
    arrays = load_npz("study_hours.npz", {"x": (1, "f"), "y": (1, "f")})
    x, y = arrays["x"], arrays["y"]
    if x.shape != y.shape:
        raise ValueError(f"study_hours.npz: x and y differ in length: {x.shape} vs {y.shape}")
    return x, y
