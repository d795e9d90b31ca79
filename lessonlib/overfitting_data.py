"""The data of notebook 04 and the truth behind it: noisy moons, held-out sets, the Bayes classifier.

  sets        moons_sets (training / validation / test, kept apart), extra_pool, fresh_draws,
              noisy_digits_sets, flip_labels, true_labels
  the truth   bayes_probability, bayes_accuracy, bayes_cost (on given points), expected_bayes_accuracy
              (on the whole process, by numerical integration), versus_bayes
  comparing   paired (two classifiers on the same points), paired_text (with its luck, ±√disagreements)

The moons are drawn by ``data.make_moons``: class 0 on (cos t, sin t), class 1 on (1 − cos t, 0.5 − sin t),
t uniform on [0, π], plus N(0, σ²) noise on each coordinate and 5 % of the labels flipped.
"""
import functools

import numpy as np

from . import data
from .training import one_blas_thread

MOONS = {"noise": 0.25, "label_noise": 0.05}     # noise on the positions; 5 % of labels flipped
N_SMALL = 60                                     # the small training set of the lesson
SEEDS = {"train": 1, "validation": 2, "test": 3, "extra": 7, "new points": 40}


# ---- the sets ------------------------------------------------------------------------------------
def moons_sets(n_train=960, n_validation=300, n_test=1000):
    """Three independent draws of the noisy moons: {"train", "validation", "test"} → (X, Y).

    The first ``N_SMALL`` training columns are the lesson's small training set (classes alternate,
    so any even prefix is balanced); section 3 uses longer prefixes."""
    sizes = {"train": n_train, "validation": n_validation, "test": n_test}
    return {name: data.make_moons(n, seed=SEEDS[name], **MOONS) for name, n in sizes.items()}


def extra_pool(sets, n_extra=2880):
    """The training pool of ``sets`` followed by ``n_extra`` more examples (an independent draw)."""
    X_more, Y_more = data.make_moons(n_extra, seed=SEEDS["extra"], **MOONS)
    X, Y = sets["train"]
    return np.hstack([X, X_more]), np.hstack([Y, Y_more])


def fresh_draws(seeds, n=N_SMALL):
    """Independent training sets of n points from the same process, one per data seed: [(X, Y)]."""
    return [data.make_moons(n, seed=s, **MOONS) for s in seeds]


def new_points(n=2000):
    """Points never used anywhere else, for scoring a procedure on fresh draws (not the test set)."""
    return data.make_moons(n, seed=SEEDS["new points"], **MOONS)


def true_labels(n):
    """The class each of n moons examples was drawn from, before label noise (classes alternate)."""
    return np.arange(n) % 2


def flip_labels(Y, fraction, seed=0):
    """One-hot Y (K, N) with about ``fraction`` of the columns given another class at random.

    The same rule as ``data.make_moons(label_noise=...)``, through data.py's own label noise."""
    K, N = Y.shape
    _, flipped = data._noisy(np.zeros((0, N)), data.labels_of(Y), 0.0, fraction, K, np.random.default_rng(seed))
    return flipped


def noisy_digits_sets(n_train=200, n_validation=400, label_noise=0.15, seed=5):
    """The digits with a small training set: {"train", "validation", "test"} → (X, Y).

    ``label_noise`` of the training and validation labels are wrong (noisy observations); the
    test labels are the true ones, so the test score measures how well the signal was learned."""
    X_pool, X_test, Y_pool, Y_test = data.load_digits(test_size=0.25, seed=0)
    end = n_train + n_validation
    return {"train": (X_pool[:, :n_train], flip_labels(Y_pool[:, :n_train], label_noise, seed)),
            "validation": (X_pool[:, n_train:end], flip_labels(Y_pool[:, n_train:end], label_noise, seed + 1)),
            "test": (X_test, Y_test)}


# ---- the truth: the Bayes classifier of the moons ------------------------------------------------
def moon_centers(t):
    """The noiseless points of moon 0 and moon 1 at parameters t: [(x₁, x₂) of class 0, … of class 1]."""
    return [(np.cos(t), np.sin(t)), (1 - np.cos(t), 0.5 - np.sin(t))]


def bayes_probability(X, sigma=MOONS["noise"], n_t=400):
    """P(class 1 | x) from the known generating process: a point on a moon (t uniform) plus N(0, σ²I).

    p(x | k) = (1/π) ∫ N(x; c_k(t), σ²I) dt, computed on n_t midpoints; the classes are equally likely.
    Flipping 5 % of the labels at random does not move the boundary P = 0.5."""
    t = (np.arange(n_t) + 0.5) * np.pi / n_t
    like = [np.exp(-((X[0][:, None] - cx) ** 2 + (X[1][:, None] - cy) ** 2) / (2 * sigma ** 2)).mean(axis=1)
            for cx, cy in moon_centers(t)]
    return like[1] / (like[0] + like[1])


def bayes_labels(X):
    """The Bayes classifier's class for each column of X (remembered for the last few sets asked about)."""
    X = np.ascontiguousarray(X, dtype=np.float64)
    return _bayes_labels(X.tobytes(), X.shape[1]).copy()


@functools.lru_cache(maxsize=8)
def _bayes_labels(raw, n):
    X = np.frombuffer(raw).reshape(2, n)
    return (bayes_probability(X) > 0.5).astype(int)


def bayes_accuracy(X, Y):
    """The Bayes classifier's accuracy on (X, Y): on a finite set, luck moves it around its expected value."""
    return float(np.mean(bayes_labels(X) == data.labels_of(Y)))


def bayes_cost(X, Y, label_noise=MOONS["label_noise"]):
    """The cross-entropy J of the true P(label | x) on (X, Y), label flips included: the lowest J to expect."""
    p1 = (1 - label_noise) * bayes_probability(X) + label_noise * (1 - bayes_probability(X))
    return float(-np.mean(np.log(np.where(data.labels_of(Y) == 1, p1, 1 - p1))))


@functools.cache
def expected_bayes_accuracy(sigma=MOONS["noise"], label_noise=MOONS["label_noise"], step=0.01, n_t=400):
    """The Bayes classifier's accuracy on the whole process: ∫ max(½ p(x|0), ½ p(x|1)) dx, label flips included.

    The Gaussian separates, so p(x|k) on a grid is one matrix product: (1/n_t) Σ_t g₁(x₁ − c₁(t)) g₂(x₂ − c₂(t))."""
    t = (np.arange(n_t) + 0.5) * np.pi / n_t
    xs = np.arange(-1 - 6 * sigma, 2 + 6 * sigma, step)
    ys = np.arange(-0.5 - 6 * sigma, 1 + 6 * sigma, step)
    gauss = lambda u, c: np.exp(-(u[None, :] - c[:, None]) ** 2 / (2 * sigma ** 2)) / np.sqrt(2 * np.pi * sigma ** 2)  # noqa: E731
    with one_blas_thread():                                                        # faster here than two
        like = [gauss(xs, cx).T @ gauss(ys, cy) / n_t for cx, cy in moon_centers(t)]   # p(x | k) on the grid
    clean = float(np.maximum(like[0], like[1]).sum() * 0.5 * step * step)          # no label flipped
    return (1 - label_noise) * clean + label_noise * (1 - clean)


def paired(labels_a, labels_b, Y):
    """A paired comparison of two classifiers on the same points: (disagree, a right, b right).

    Only the points where they disagree can tell them apart: their accuracies differ by exactly
    (a right − b right)/N.  If the two were equally good, each disagreement would be a coin flip, so
    a right − b right would be 0 give or take √disagree (the sign test; McNemar's test is its square)."""
    truth = data.labels_of(Y)
    labels_a, labels_b = np.asarray(labels_a), np.asarray(labels_b)
    differ = labels_a != labels_b
    return int(differ.sum()), int(np.sum(differ & (labels_a == truth))), int(np.sum(differ & (labels_b == truth)))


def versus_bayes(labels, X, Y):
    """``paired`` against the Bayes classifier: (disagree, mine, bayes) on the points (X, Y)."""
    return paired(labels, bayes_labels(X), Y)


def paired_text(name, other, counts):
    """Two lines saying a paired comparison and its luck: ±√(disagreements) if the two were equally good."""
    n, mine, theirs = counts
    return (f"{name} vs {other}: they disagree on {n} points\n"
            f"  right there: {name} {mine}, {other} {theirs}; difference {mine - theirs:+d}, "
            f"luck alone ±{np.sqrt(n):.1f}")
