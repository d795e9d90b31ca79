"""Data: digits in the column convention, a stratified split, one-hot, toy sets, the npz loader."""
import numpy as np
import pytest

from lessonlib import data


@pytest.fixture(scope="module")
def digits():
    return data.load_digits()


def test_digits_shapes_and_ranges(digits):
    X_train, X_test, Y_train, Y_test = digits
    assert X_train.shape[0] == X_test.shape[0] == 64
    assert Y_train.shape[0] == Y_test.shape[0] == 10
    assert X_train.shape[1] == Y_train.shape[1] and X_test.shape[1] == Y_test.shape[1]
    assert X_train.shape[1] + X_test.shape[1] == 1797
    assert X_test.shape[1] == pytest.approx(0.25 * 1797, abs=10)
    for X in (X_train, X_test):
        assert X.dtype == np.float64 and X.min() == 0.0 and X.max() == 1.0
    for Y in (Y_train, Y_test):
        assert set(np.unique(Y)) == {0.0, 1.0}
        np.testing.assert_array_equal(Y.sum(axis=0), 1.0)


def test_digits_columns_are_sklearn_images():
    from sklearn.datasets import load_digits

    X_train, _, Y_train, _ = data.load_digits()
    sk = load_digits()
    j = 0
    matches = np.flatnonzero(np.all(sk.data / 16.0 == X_train[:, j], axis=1))
    assert matches.size >= 1
    assert sk.target[matches[0]] == Y_train[:, j].argmax()


@pytest.mark.parametrize("test_size", [0.25, 0.4])
def test_split_is_stratified(digits, test_size):
    X_train, X_test, Y_train, Y_test = data.load_digits(test_size=test_size, seed=3)
    n_test, n_all = Y_test.sum(axis=1), Y_train.sum(axis=1) + Y_test.sum(axis=1)
    assert np.all(np.abs(n_test - test_size * n_all) <= 1)


def test_split_has_no_overlap_and_loses_nothing(digits):
    X_train, X_test, _, _ = digits
    train_rows = {col.tobytes() for col in X_train.T}
    test_rows = {col.tobytes() for col in X_test.T}
    from sklearn.datasets import load_digits

    all_rows = [row.tobytes() for row in load_digits().data / 16.0]
    # digits has a few identical images; an exact column shared by both sides must be such a duplicate
    duplicates = {r for r in all_rows if all_rows.count(r) > 1}
    assert (train_rows & test_rows) <= duplicates
    assert train_rows | test_rows == set(all_rows)


def test_split_indices_are_a_partition():
    X = np.arange(48, dtype=np.float64).reshape(1, 48)          # column j holds j
    Y = data.one_hot(np.arange(48) % 4, 4)                      # 12 per class
    X_train, X_test, Y_train, Y_test = data.train_test_split(X, Y, test_size=0.25, seed=1)
    ids = np.concatenate([X_train[0], X_test[0]]).astype(int)
    assert sorted(ids) == list(range(48))
    assert X_test.shape[1] == 12 and np.all(Y_test.sum(axis=1) == 3)
    np.testing.assert_array_equal(Y_train.argmax(axis=0), X_train[0].astype(int) % 4)   # columns stay paired


def test_split_reproducible_from_seed():
    a, b, c = data.load_digits(seed=5), data.load_digits(seed=5), data.load_digits(seed=6)
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[1], c[1])


def test_one_hot_and_labels_of_round_trip():
    labels = np.array([2, 0, 1, 2, 4])
    Y = data.one_hot(labels)
    assert Y.shape == (5, 5)
    np.testing.assert_array_equal(Y[:, 0], [0, 0, 1, 0, 0])
    np.testing.assert_array_equal(data.labels_of(Y), labels)
    assert data.one_hot(labels, n_classes=7).shape == (7, 5)
    with pytest.raises(ValueError, match="does not fit n_classes"):
        data.one_hot(labels, n_classes=3)
    with pytest.raises(TypeError, match="1-D array of ints .* got dtype float64: convert whole-number floats"):
        data.one_hot(np.array([0.0, 1.0]))


@pytest.mark.parametrize("labels, n_classes, error, message", [
    (np.array([], dtype=int), None, ValueError, r"labels is empty: give n_classes"),
    ([True, False], None, TypeError, "labels must be a 1-D array of ints .* got dtype bool"),
    (np.array([[0, 1]]), None, ValueError, r"labels must be a 1-D array of ints; got shape \(1, 2\)"),
    ((k for k in range(3)), None, TypeError, "labels must be a 1-D array .* got generator"),
    ("012", None, TypeError, "labels must be a 1-D array .* got str"),
    ({0, 1}, None, TypeError, "labels must be a 1-D array .* got set"),
    ([0, -1], None, ValueError, "labels must be ≥ 0; got -1"),
    ([0, 1], True, TypeError, "n_classes must be a positive int; got True"),
    ([0, 1], 0, ValueError, "n_classes must be a positive int; got 0"),
    ([0, 1], 1.0, TypeError, r"n_classes must be a positive int; got 1.0 \(float\)"),
])
def test_one_hot_refuses_what_is_not_class_numbers(labels, n_classes, error, message):
    with pytest.raises(error, match=message):
        data.one_hot(labels, n_classes)


def test_one_hot_of_no_labels_with_n_classes():
    assert data.one_hot(np.array([], dtype=int), n_classes=3).shape == (3, 0)


@pytest.mark.parametrize("kwargs, error, message", [
    (dict(Y=np.zeros((2, 10))), ValueError, "Y must be one-hot"),
    (dict(seed=-1), ValueError, r"seed must be None, an int ≥ 0 or a numpy.random.Generator; got -1"),
    (dict(seed="a"), TypeError, r"seed must be None, an int ≥ 0 or a numpy.random.Generator; got 'a' \(str\)"),
    (dict(test_size=True), TypeError, "test_size must be a real number; got True"),
    (dict(test_size=1.0), ValueError, r"test_size must be in \(0, 1\)"),
    (dict(test_size=0.01), ValueError, "leaves the test set empty"),
    (dict(X=np.full((2, 10), np.nan)), ValueError, r"X contains NaN or inf values: 20 of 20 entries \(the first at \[0, 0\]"),
    (dict(X=np.zeros((2, 10)) + 1j), TypeError, "X must hold real numbers; got .*complex"),
])
def test_train_test_split_checks_its_arguments(kwargs, error, message):
    args = dict(X=np.zeros((2, 10)), Y=data.one_hot(np.arange(10) % 2, 2), test_size=0.25, seed=0) | kwargs
    with pytest.raises(error, match=message):
        data.train_test_split(**args)


@pytest.mark.parametrize("call, error, message", [
    (lambda: data.make_moons(n=10, seed="a"), TypeError, "seed must be None, an int ≥ 0 or a numpy"),
    (lambda: data.make_moons(n=10, noise=float("nan")), ValueError, "noise must be finite"),
    (lambda: data.make_circles(n=10, factor="big"), TypeError, r"factor \(inner radius / outer radius\) must be a real"),
    (lambda: data.make_spirals(n=10, classes=0), ValueError, "classes must be a positive int"),
    (lambda: data.make_moons(n=10, label_noise=2), ValueError, r"label_noise must be in \[0, 1\]"),
    (lambda: data.load_digits(test_size="0.3"), TypeError, "test_size must be a real number"),
    (lambda: data.labels_of([1, 2, 3]), ValueError, r"Y must be 2-D, one column per example \(K, N\)"),
])
def test_data_makers_name_their_bad_arguments(call, error, message):
    with pytest.raises(error, match=message):
        call()


@pytest.mark.parametrize("make, K", [(data.make_moons, 2), (data.make_circles, 2), (data.make_spirals, 3)])
def test_toy_sets_shapes_and_seeds(make, K):
    X, Y = make(n=90, seed=4)
    assert X.shape == (2, 90) and Y.shape == (K, 90)
    np.testing.assert_array_equal(Y.sum(axis=0), 1.0)
    np.testing.assert_array_equal(Y.sum(axis=1), 90 // K)     # balanced classes
    X2, Y2 = make(n=90, seed=4)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(Y, Y2)
    assert not np.array_equal(make(n=90, seed=5)[0], X)


def test_moons_without_noise_lie_on_the_half_circles():
    X, Y = data.make_moons(n=100, noise=0.0)
    outer, inner = X[:, Y[0] == 1], X[:, Y[1] == 1]
    np.testing.assert_allclose(np.hypot(*outer), 1.0, rtol=1e-12)
    np.testing.assert_allclose(np.hypot(inner[0] - 1, inner[1] - 0.5), 1.0, rtol=1e-12)


def test_circles_without_noise_have_the_two_radii():
    X, Y = data.make_circles(n=100, noise=0.0, factor=0.3)
    np.testing.assert_allclose(np.hypot(*X[:, Y[0] == 1]), 1.0, rtol=1e-12)
    np.testing.assert_allclose(np.hypot(*X[:, Y[1] == 1]), 0.3, rtol=1e-12)


@pytest.mark.parametrize("make, K", [(data.make_moons, 2), (data.make_spirals, 3)])
def test_label_noise_flips_about_that_share(make, K):
    n = 4000
    _, clean = make(n=n, noise=0.0, seed=0)
    _, noisy = make(n=n, noise=0.0, label_noise=0.2, seed=0)
    flipped = np.mean(clean.argmax(axis=0) != noisy.argmax(axis=0))
    assert flipped == pytest.approx(0.2, abs=0.03)
    np.testing.assert_array_equal(noisy.sum(axis=0), 1.0)


def test_load_study_hours_reads_the_file():
    x, y = data.load_study_hours()
    with np.load(data.DATA_DIR / "study_hours.npz") as f:
        np.testing.assert_array_equal(x, f["x"])
        np.testing.assert_array_equal(y, f["y"])
    assert x.shape == y.shape == (30,) and x.dtype == y.dtype == np.float64
    assert 0 <= x.min() and x.max() <= 8
    assert np.corrcoef(x, y)[0, 1] > 0.8


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setattr(data, "DATA_DIR", tmp_path)
    return tmp_path


def test_load_npz_reads_a_good_file(data_dir):
    np.savez(data_dir / "good.npz", x=np.arange(3.0), y=np.ones(3))
    arrays = data.load_npz("good.npz", {"x": (1, "f"), "y": (1, "f")})
    np.testing.assert_array_equal(arrays["x"], [0.0, 1.0, 2.0])


def test_load_npz_rejects_a_wrong_dtype(data_dir):
    np.savez(data_dir / "ints.npz", x=np.arange(3), y=np.ones(3))
    with pytest.raises(ValueError, match=r"ints.npz: 'x' should be 1-D of kind 'f'; got shape \(3,\), dtype int"):
        data.load_npz("ints.npz", {"x": (1, "f"), "y": (1, "f")})


def test_load_npz_rejects_a_wrong_shape(data_dir):
    np.savez(data_dir / "flat.npz", x=np.ones((3, 2)), y=np.ones(3))
    with pytest.raises(ValueError, match=r"'x' should be 1-D .* got shape \(3, 2\)"):
        data.load_npz("flat.npz", {"x": (1, "f"), "y": (1, "f")})


def test_load_npz_rejects_a_missing_array_and_nan(data_dir):
    np.savez(data_dir / "partial.npz", x=np.array([1.0, 2.0]))
    with pytest.raises(ValueError, match="has no array 'y'"):
        data.load_npz("partial.npz", {"x": (1, "f"), "y": (1, "f")})
    np.savez(data_dir / "nan.npz", x=np.array([1.0, np.nan]))
    with pytest.raises(ValueError, match="'x' contains NaN or inf"):
        data.load_npz("nan.npz", {"x": (1, "f")})


def test_load_npz_refuses_pickled_object_arrays(data_dir):
    np.savez(data_dir / "objects.npz", x=np.array([{"evil": 1}, 2.0], dtype=object))
    with pytest.raises(ValueError, match="objects.npz: refusing to load pickled or object data"):
        data.load_npz("objects.npz", {"x": (1, "f")})


def test_load_npz_refuses_a_plain_pickle(data_dir):
    import pickle

    (data_dir / "pickled.npz").write_bytes(pickle.dumps({"x": [1.0]}))
    with pytest.raises(ValueError, match="pickled.npz: refusing to load pickled"):
        data.load_npz("pickled.npz", {"x": (1, "f")})


def test_load_npz_names_a_missing_file(data_dir):
    with pytest.raises(FileNotFoundError, match="missing.npz is missing; regenerate it"):
        data.load_npz("missing.npz", {"x": (1, "f")})


def test_study_hours_rejects_different_lengths(data_dir):
    np.savez(data_dir / "study_hours.npz", x=np.ones(3), y=np.ones(4))
    with pytest.raises(ValueError, match="x and y differ in length"):
        data.load_study_hours()


def test_the_stored_digits_are_scikit_learns_exactly():
    from sklearn.datasets import load_digits
    bunch = load_digits()
    with np.load(data.DATA_DIR / "digits.npz", allow_pickle=False) as f:
        images, labels = f["images"], f["labels"]
    assert images.dtype == labels.dtype == np.uint8
    np.testing.assert_array_equal(images, bunch.data)
    np.testing.assert_array_equal(labels, bunch.target)


def test_loading_the_digits_does_not_import_scikit_learn():
    """Importing scikit-learn takes about a second, a seventh of a notebook's Run All."""
    import subprocess
    import sys
    code = ("import sys; from lessonlib import data; data.load_digits(); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sklearn', 'scipy')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
