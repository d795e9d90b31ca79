"""Overfitting and L2 regularization: the experiments of notebook 04.

  networks    classifier, accuracy, fit (lessonlib.train with Adam; a repeated fit is looked up),
              train_with_snapshots, train_lambdas (many λ at once), L2Network (the penalty from a function)
  sweeps      lambda_sweep, size_sweep → Sweep; best_lambda (validation set only); cross_validate (K folds);
              procedure_scores (the same recipe on fresh draws)
  re-exported so that the notebook writes ``lab.X``: the sets and the Bayes classifier (overfitting_data)
              and the figures (overfitting_plots)

Every network here is tanh hidden layers + softmax output + cross-entropy, trained full batch with Adam.
A sweep trains its networks together (``lessonlib.batched``: the same numbers as one ``lessonlib.train``
per network); a dashboard's slider only looks up the precomputed arrays.
"""
import copy
import hashlib

import numpy as np

from . import batched, optimizers, regularization
from .network import Network
from .overfitting_data import (MOONS, N_SMALL, SEEDS, bayes_accuracy, bayes_cost, bayes_labels,  # noqa: F401
                               bayes_probability, expected_bayes_accuracy, extra_pool, flip_labels,
                               fresh_draws, moons_sets, new_points, noisy_digits_sets, true_labels, versus_bayes)
from .overfitting_plots import (CLASS_COLORS, SET_LABELS, SET_STYLES, WEIGHT_BINS, WEIGHT_COLORS, XLIM,  # noqa: F401
                                YLIM, bayes_boundary, boundary_grid, boundary_line, class1_probability,
                                draw_boundary, label_zero, plane, plot_boundary, plot_points, plot_signal, plot_sweep,
                                plot_training_curves, plot_weight_histogram, sweep_x, weight_counts)
from .overfitting_runs import Stack, train_stack
from .training import evaluate, train

MOONS_SIZES = [2, 32, 32, 2]                     # ~1 200 weights for 60 training points: enough to memorize
EPOCHS, LR = 300, 0.02

# ---- the λ and N grids of the dashboards (the slider lands exactly on them) ----------------
LAM_EXP = (-4.0, -1.0, 0.25)                     # log10 λ from −4 to −1 in steps of 0.25: 13 values
SIZE_EXP = (np.log10(15), np.log10(960), np.log10(2))   # N = 15, 30, …, 960


def log_grid(lo, hi, step):
    """10^lo, 10^(lo+step), …, 10^hi."""
    return 10.0 ** (lo + step * np.arange(int(round((hi - lo) / step)) + 1))


LAMBDAS = np.concatenate([[0.0], log_grid(*LAM_EXP)])     # λ = 0 first, then the log grid
CV_LAMBDAS = LAMBDAS[[0, 3, 5, 7, 9, 11]]                 # 0 and 10^-3.5 … 10^-1.5 by half decades: for K folds
SIZES_N = np.rint(log_grid(*SIZE_EXP)).astype(int)        # 15, 30, 60, 120, 240, 480, 960


# ---- networks ------------------------------------------------------------------------------
def classifier(sizes=MOONS_SIZES, l2=0.0, seed=0):
    """tanh hidden layers, softmax output, cross-entropy cost, L2 penalty λ = ``l2``."""
    return Network(sizes, activation="tanh", output="softmax", loss="cross_entropy", l2=l2, seed=seed)


def fit(net, X, Y, epochs=EPOCHS, lr=LR, **train_kw):
    """lessonlib.train with full-batch Adam(lr); returns the History.

    Full-batch training draws nothing at random, so a fit that repeats an earlier one exactly (the same
    network, starting θ, data, λ, epochs and α, and no other train options) is not run again: its
    trained parameters are copied into ``net`` and a copy of its History is returned (a live class
    re-runs cells)."""
    key = fit_key(net, X, Y, epochs, lr) if not train_kw else None
    if key in FITTED:
        params, history = FITTED[key]
        for p, trained in zip(net.params, params):
            p[...] = trained
        return copy.deepcopy(history)
    history = train(net, X, Y, optimizers.Adam(lr), epochs, **train_kw)
    if key is not None:
        FITTED[key] = ([p.copy() for p in net.params], copy.deepcopy(history))
        if len(FITTED) > REMEMBERED:
            del FITTED[next(iter(FITTED))]                 # forget the oldest
    return history


FITTED, REMEMBERED = {}, 256     # fit's finished runs: key → (trained parameters, History)


def fit_key(net, X, Y, epochs, lr):
    """Everything that decides a full-batch Adam fit, or None when it cannot be told (then fit trains)."""
    if type(net) is not Network or not all(isinstance(A, np.ndarray) for A in (X, Y)):
        return None
    digest = hashlib.blake2b(digest_size=16)
    for A in (*net.params, X, Y):
        digest.update(f"{A.dtype.str}{A.shape}".encode())
        digest.update(np.ascontiguousarray(A).tobytes())
    return (repr(net), tuple(f.name for f in net.f_of[1:]), digest.hexdigest(), repr(epochs), repr(lr))


def train_with_snapshots(net, X, Y, snapshot_epochs, epochs=EPOCHS, lr=LR, **train_kw):
    """``fit`` that also keeps the class-1 probability image after each epoch in ``snapshot_epochs``."""
    grid, images = boundary_grid(), {}

    def snapshot(epoch, history):
        if epoch in snapshot_epochs:
            images[epoch] = class1_probability(net, grid)
    return fit(net, X, Y, epochs, lr, callback=snapshot, **train_kw), images


def train_many(nets, X, Y, epochs=EPOCHS, lr=LR, **stack_kw):
    """Train the Networks ``nets`` together (in place) as ``fit`` would train each; returns them.

    X, Y: one training set for all, or a list with one per network (sizes may differ).  Plain training is
    ``lessonlib.batched.train_many``; dropout or augmentation (``stack_kw``) go through
    overfitting_runs.train_stack, which has those hooks."""
    if stack_kw:
        if isinstance(X, (list, tuple)):
            X, Y = np.stack(X), np.stack(Y)
        stack = Stack(nets)
        train_stack(stack, X, Y, epochs, lr, **stack_kw)
        return stack.copy_into(nets)
    batched.train_many(nets, X, Y, [optimizers.Adam(lr) for _ in nets], epochs)
    return nets


def train_lambdas(lam_values, X, Y, sizes=MOONS_SIZES, epochs=EPOCHS, lr=LR, seed=0):
    """One fresh network per λ (all from the same initial weights, ``seed``), trained on (X, Y): a list."""
    return train_many([classifier(sizes, l2=lam, seed=seed) for lam in lam_values], X, Y, epochs, lr)


class L2Network(Network):
    """The lesson's network with the penalty of a given function, applied to each layer in the backward pass.

    ``add_l2(W, b, dW, db, lam) → (λ‖W‖², ∂Ĵ/∂W, ∂Ĵ/∂b)`` turns one layer's data-cost gradients into Ĵ's
    (Exercise 1); ``net.l2`` stays 0 and λ is ``net.lam``, so only ``add_l2`` puts the penalty in."""

    def __init__(self, add_l2, lam, sizes=MOONS_SIZES, seed=0):
        super().__init__(sizes, activation="tanh", output="softmax", loss="cross_entropy", seed=seed)
        self.add_l2, self.lam = add_l2, lam

    def _cost(self, cache, Y):
        zeros = [(np.zeros_like(W), np.zeros_like(b)) for W, b in zip(self.weights, self.biases)]
        penalty = sum(float(self.add_l2(W, b, dW, db, self.lam)[0])
                      for W, b, (dW, db) in zip(self.weights, self.biases, zeros))
        return self._data_cost(cache, Y) + penalty                       # Ĵ = J + λ Ω

    def _backward(self, cache, Y):
        grads = super()._backward(cache, Y)                             # ∂J/∂W^m, ∂J/∂b^m (net.l2 = 0)
        for k, (W, b) in enumerate(zip(self.weights, self.biases)):
            _, grads._dW[k], grads._db[k] = self.add_l2(W, b, grads._dW[k], grads._db[k], self.lam)
        return grads

    def __repr__(self):
        return f"L2Network({self.sizes}, λ = {self.lam:g}, penalty from {getattr(self.add_l2, '__name__', 'a function')})"


def accuracy(net, X, Y):
    """The fraction of the columns of X that ``net`` classifies as Y does."""
    return float(np.mean(net.predict(X).argmax(axis=0) == Y.argmax(axis=0)))


# ---- sweeps ----------------------------------------------------------------------------------
class Sweep:
    """Trained networks over a grid of one hyper-parameter, evaluated once on the sets it is given.

    ``values``: the grid; ``nets``: one Network per value; ``data_cost[name]``, ``accuracy[name]``:
    arrays over the grid (J without the penalty) for each set name; ``omega``: Ω = Σ ||W^m||²."""

    def __init__(self, values, nets, sets):
        self.values, self.nets = np.asarray(values), list(nets)
        self.data_cost, self.accuracy = {}, {}
        for name, (X, Y) in sets.items():
            self.score(name, X, Y)
        self.omega = np.array([regularization.penalty(net.weights) for net in self.nets])
        self._images = None

    def score(self, name, X, Y):
        """Evaluate every network on (X, Y) once, as ``data_cost[name]`` and ``accuracy[name]``."""
        J, acc = zip(*(evaluate(net, X, Y) for net in self.nets))
        self.data_cost[name], self.accuracy[name] = np.array(J), np.array(acc)

    @property
    def images(self):
        """Class-1 probability images over the boundary grid, (K, n_y, n_x), computed once."""
        if self._images is None:
            xs, ys, G = boundary_grid()
            p = Stack(self.nets).probability(G)
            self._images = p.reshape(len(self.nets), ys.size, xs.size)
        return self._images

    def index(self, value):
        """The grid position closest to ``value`` (on a log scale)."""
        v = np.log10(np.maximum(self.values, 1e-300))
        return int(np.argmin(np.abs(v - np.log10(max(value, 1e-300)))))


def lambda_sweep(sets, lams=LAMBDAS, sizes=MOONS_SIZES, n_train=N_SMALL, epochs=EPOCHS, lr=LR, seed=0):
    """One network per λ, all from the same θ₀ (``seed``), trained together on the first ``n_train``
    training examples; evaluated on the training set and on every other set in ``sets``."""
    X, Y = sets["train"][0][:, :n_train], sets["train"][1][:, :n_train]
    nets = train_lambdas(lams, X, Y, sizes, epochs, lr, seed)
    return Sweep(lams, nets, dict(sets, train=(X, Y)))


def size_sweep(sets, sizes_n=SIZES_N, sizes=MOONS_SIZES, epochs=EPOCHS, lr=LR, seed=0):
    """The same network (λ = 0) trained on the first N training examples, for each N in ``sizes_n``,
    every one for the same ``epochs`` full-batch steps.  ``data_cost["train"]`` is each network's cost on
    its own N examples; the other sets of ``sets`` are evaluated as given."""
    X, Y = sets["train"]
    nets = train_many([classifier(sizes, seed=seed) for _ in sizes_n], [X[:, :n] for n in sizes_n],
                      [Y[:, :n] for n in sizes_n], epochs, lr)
    sweep = Sweep(sizes_n, nets, {k: v for k, v in sets.items() if k != "train"})
    own = [evaluate(net, X[:, :n], Y[:, :n]) for net, n in zip(nets, sizes_n)]
    sweep.data_cost["train"], sweep.accuracy["train"] = (np.array(v) for v in zip(*own))
    return sweep


def best_lambda(lams, validation_cost):
    """The λ with the lowest validation cost (the test set plays no part)."""
    return float(np.asarray(lams)[int(np.argmin(validation_cost))])


def cross_validate(lam_values, X, Y, K, train=train_lambdas):
    """K-fold cross-validation: (K, len(lam_values)) held-out data costs J.

    Fold k is the k-th of K consecutive blocks of columns (``np.array_split``); row k holds, for each λ,
    the J on fold k of the networks ``train(lam_values, X_rest, Y_rest)`` trained on the other K − 1 folds."""
    if isinstance(K, bool) or not isinstance(K, (int, np.integer)) or not 2 <= K <= X.shape[1]:
        raise ValueError(f"K must be a whole number of folds from 2 to the number of examples, {X.shape[1]}; got {K!r}")
    folds = np.array_split(np.arange(X.shape[1]), K)
    rows = []
    for fold in folds:
        rest = np.setdiff1d(np.arange(X.shape[1]), fold)
        nets = train(lam_values, X[:, rest], Y[:, rest])
        rows.append([net.data_cost(X[:, fold], Y[:, fold]) for net in nets])
    return np.array(rows)


def procedure_scores(lam_values, seeds, n=N_SMALL, sizes=MOONS_SIZES, epochs=EPOCHS, lr=LR):
    """The recipe "train this network with λ on n points" scored on fresh draws (one per data seed).

    Returns (J, accuracy), each (len(lam_values), len(seeds)), measured on ``new_points()``: what the
    procedure does on average, which no single fitted model's test score tells."""
    draws = fresh_draws(seeds, n)
    nets = [classifier(sizes, l2=lam) for lam in lam_values for _ in seeds]
    X = [X_d for _ in lam_values for X_d, _ in draws]
    Y = [Y_d for _ in lam_values for _, Y_d in draws]
    stack = Stack(train_many(nets, X, Y, epochs, lr))
    J, acc = stack.evaluate(*new_points())
    return J.reshape(len(lam_values), len(seeds)), acc.reshape(len(lam_values), len(seeds))
