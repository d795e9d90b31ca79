"""Overfitting and L2 regularization: the experiments of notebook 04.

  networks    classifier, accuracy, fit (lessonlib.train with Adam; a repeated fit is looked up),
              train_with_snapshots, train_many, train_lambdas (many λ at once), L2Network (the penalty
              from a function)
  repeats     training_sets (ours and fresh draws), size_pools: every conclusion drawn from random draws
              is repeated on three of them
  sweeps      lambda_sweep, size_sweep → Sweep (one row per draw); best_lambda (validation set only);
              cross_validate (K folds: the table and its choice)
  re-exported so that the notebook writes ``lab.X``: the sets and the Bayes classifier (overfitting_data),
              the figures (overfitting_plots) and the tables (overfitting_report)

Every network here is tanh hidden layers + softmax output + cross-entropy, trained full batch with Adam
(one epoch is one step).  A sweep trains its networks together (``train_many``: the same numbers as one
``lessonlib.train`` per network); a dashboard's slider only looks up the trained networks.
"""
import copy
import hashlib

import numpy as np

from . import optimizers, regularization
from .network import Network
from .overfitting_data import (MOONS, N_SMALL, SEEDS, bayes_accuracy, bayes_cost, bayes_labels,  # noqa: F401
                               bayes_probability, expected_bayes_accuracy, extra_pool, flip_labels,
                               fresh_draws, moons_sets, new_points, noisy_digits_sets, paired, paired_text, true_labels,
                               versus_bayes)
from .overfitting_plots import (CLASS_COLORS, SET_LABELS, SET_STYLES, WEIGHT_BINS, WEIGHT_COLORS, XLIM,  # noqa: F401
                                YLIM, bayes_boundary, boundary_grid, boundary_line, class1_probability, figure,
                                draw_boundary, label_zero, plane, plot_boundary, plot_points, plot_signal, plot_sweep,
                                plot_training_curves, plot_weight_histogram, sweep_x, weight_counts)
from .overfitting_report import (mean_range, plot_gap, plot_validation_curve, show_cross_validation,  # noqa: F401
                                 l2_answers, show_procedure, show_remedies, show_sweep, show_test, size_answers)
from .overfitting_runs import Stack, train_stack
from .training import evaluate, one_blas_thread, train

MOONS_SIZES = [2, 32, 32, 2]                     # ~1 200 weights for 60 training points: enough to memorize
EPOCHS, LR = 150, 0.04                           # full batch: 150 steps of Adam

# ---- the λ and N grids of the dashboards (the slider lands exactly on them), and the repeats ------
LAM_EXP = (-4.0, -1.0, 0.5)                      # log10 λ from −4 to −1 by half decades: 7 values
SIZE_EXP = (np.log10(15), np.log10(240), np.log10(2))   # N = 15, 30, …, 240
DRAW_SEEDS = (11, 12)                            # two fresh training sets of 60 beside ours: three draws
POOL_SEEDS = (21, 22)                            # two fresh pools beside ours for the N sweep


def log_grid(lo, hi, step):
    """10^lo, 10^(lo+step), …, 10^hi."""
    return 10.0 ** (lo + step * np.arange(int(round((hi - lo) / step)) + 1))


LAMBDAS = np.concatenate([[0.0], log_grid(*LAM_EXP)])     # λ = 0 first, then the log grid: 8 values
CV_LAMBDAS = LAMBDAS[[0, 2, 3, 4, 5, 6]]                  # not 10^-4 (barely differs from 0) nor 0.1 (it always loses)
SIZES_N = np.rint(log_grid(*SIZE_EXP)).astype(int)        # 15, 30, 60, 120, 240


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

    X, Y: one training set for all, or a list with one per network; networks of one shape and, in one call,
    training sets of one size.  The networks go through ``overfitting_runs.train_stack``: full-batch Adam on
    all of them at once, the same numbers as ``lessonlib.train`` on each (tests/test_overfitting_lab.py), and
    about a quarter faster here than ``lessonlib.batched.train_many``, which also records every epoch's costs
    (a History per network) that no sweep of this lesson reads.  ``stack_kw``: dropout or augmentation hooks."""
    if isinstance(X, (list, tuple)):
        if len({x.shape for x in X}) > 1:                 # sizes differ: one call per size
            return train_by_size(nets, X, Y, epochs, lr, **stack_kw)
        X, Y = np.stack(X), np.stack(Y)
    stack = Stack(nets)
    train_stack(stack, X, Y, epochs, lr, **stack_kw)
    return stack.copy_into(nets)


def train_by_size(nets, X, Y, epochs, lr, **stack_kw):
    """``train_many`` for training sets of several sizes: the networks of each size together."""
    for n in sorted({x.shape[1] for x in X}):
        group = [k for k, x in enumerate(X) if x.shape[1] == n]
        train_many([nets[k] for k in group], [X[k] for k in group], [Y[k] for k in group], epochs, lr, **stack_kw)
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


# Evaluating on a thousand points or more, BLAS on two threads costs this machine several times the time of one
# (2 ms against 9 ms for a 2,000-column forward pass): the evaluations here keep it to one, as train does.
def accuracy(net, X, Y):
    """The fraction of the columns of X that ``net`` classifies as Y does."""
    return float(np.mean(labels(net, X) == Y.argmax(axis=0)))


def labels(net, X):
    """The class ``net`` gives each column of X."""
    with one_blas_thread():
        return net.predict(X).argmax(axis=0)


def scores(net, X, Y):
    """(J, accuracy) of ``net`` on (X, Y): the data cost without the penalty, and the fraction right."""
    X, Y = net.check_X(X), net.check_Y(Y, np.shape(X)[1])
    with one_blas_thread():
        J, acc = evaluate(net, X, Y)
    return float(J), float(acc)


# ---- repeats: a conclusion drawn from random draws holds on three of them ------------------------
def training_sets(X, Y, seeds=DRAW_SEEDS, n=N_SMALL):
    """Our training set followed by fresh draws of n points from the same process: [(X, Y), …]."""
    return [(np.ascontiguousarray(X), np.ascontiguousarray(Y)), *fresh_draws(seeds, n)]


def size_pools(sets, seeds=POOL_SEEDS, n=int(SIZES_N[-1])):
    """Our training pool followed by fresh pools of n points: the first N of each is a training set."""
    return [sets["train"], *fresh_draws(seeds, n)]


# ---- sweeps ----------------------------------------------------------------------------------
class Sweep:
    """Networks trained over a grid of one hyperparameter, once on each of R training sets (draws).

    ``values``: the grid (K,); ``nets[r][k]``: the network of draw r at grid value k; ``data_cost[name]``,
    ``accuracy[name]``: (R, K) arrays (J without the penalty); "train" is each network's own training set,
    every other name a set shared by all; ``omega``: Ω = Σ ||W^m||², (R, K)."""

    def __init__(self, values, nets, train_sets, shared_sets):
        self.values, self.nets = np.asarray(values), [list(row) for row in nets]
        self.data_cost, self.accuracy, self._images = {}, {}, {}
        own = [[scores(net, *train_sets[r][k]) for k, net in enumerate(row)] for r, row in enumerate(self.nets)]
        self.data_cost["train"], self.accuracy["train"] = (np.array(v) for v in np.moveaxis(np.array(own), -1, 0))
        for name, (X, Y) in shared_sets.items():
            self.score(name, X, Y)
        self.omega = np.array([[regularization.penalty(net.weights) for net in row] for row in self.nets])

    def score(self, name, X, Y):
        """Evaluate every network on (X, Y) once, as ``data_cost[name]`` and ``accuracy[name]``."""
        table = np.array([[scores(net, X, Y) for net in row] for row in self.nets])
        self.data_cost[name], self.accuracy[name] = table[..., 0], table[..., 1]

    def image(self, k, r=0):
        """The class-1 probability image over the boundary grid of network ``nets[r][k]``, computed once."""
        if (r, k) not in self._images:
            self._images[r, k] = class1_probability(self.nets[r][k])
        return self._images[r, k]

    def index(self, value):
        """The grid position closest to ``value`` (on a log scale)."""
        v = np.log10(np.maximum(self.values, 1e-300))
        return int(np.argmin(np.abs(v - np.log10(max(value, 1e-300)))))

    def column(self, k):
        """The networks at grid position k, one per draw."""
        return [row[k] for row in self.nets]

    def chosen(self, name="validation"):
        """The value each draw would choose: the lowest J on ``name``, one per row."""
        return self.values[np.argmin(self.data_cost[name], axis=1)]


def lambda_sweep(draws, held_out, lams=LAMBDAS, sizes=MOONS_SIZES, epochs=EPOCHS, lr=LR, seed=0, add_l2=None):
    """One network per λ and draw, all from the same θ₀ (``seed``), trained together (one ``train_many``).

    ``draws``: training sets [(X, Y), …]; ``held_out``: {name: (X, Y)} evaluated for every network.
    ``add_l2``: a penalty function (Exercise 1's contract); given, the networks are ``L2Network``s and it
    puts the penalty into every gradient of the sweep; None uses the library's ``Network(l2=λ)``."""
    draws = [tuple(np.ascontiguousarray(A) for A in d) for d in draws]
    if add_l2 is None:
        nets = [classifier(sizes, l2=lam, seed=seed) for _ in draws for lam in lams]
    else:
        nets = [L2Network(add_l2, lam, sizes, seed) for _ in draws for lam in lams]
    train_many(nets, [X for X, _ in draws for _ in lams], [Y for _, Y in draws for _ in lams], epochs, lr)
    rows = [nets[r * len(lams):(r + 1) * len(lams)] for r in range(len(draws))]
    return Sweep(lams, rows, [[d] * len(lams) for d in draws], held_out)


def size_sweep(pools, held_out, sizes_n=SIZES_N, sizes=MOONS_SIZES, epochs=EPOCHS, lr=LR, seed=0):
    """The same network (λ = 0, θ₀ from ``seed``) trained on the first N examples of each pool, for each N
    in ``sizes_n``, every one for the same ``epochs`` full-batch steps: a comparison at a fixed step budget.

    The networks of one N train together; ``data_cost["train"]`` is each network's cost on its own N points."""
    sets = [[tuple(A[:, :n] for A in pool) for n in sizes_n] for pool in pools]
    nets = [[classifier(sizes, seed=seed) for _ in sizes_n] for _ in pools]
    train_many([net for row in nets for net in row], [X for row in sets for X, _ in row],
               [Y for row in sets for _, Y in row], epochs, lr)
    return Sweep(sizes_n, nets, sets, held_out)


def best_lambda(lams, validation_cost):
    """The λ with the lowest validation cost (the test set plays no part)."""
    return float(np.asarray(lams)[int(np.argmin(validation_cost))])


def cross_validate(lam_values, X, Y, K, train=train_lambdas):
    """K-fold cross-validation: (costs, lam_cv).

    Fold r is the r-th of K consecutive blocks of columns (``np.array_split``); ``costs[r, c]`` is the data
    cost J on fold r of the network ``train(lam_values, X_rest, Y_rest)[c]`` trained on the other K − 1
    folds, and ``lam_cv`` the λ whose networks have the lowest mean held-out J."""
    if isinstance(K, bool) or not isinstance(K, (int, np.integer)) or not 2 <= K <= X.shape[1]:
        raise ValueError(f"K must be a whole number of folds from 2 to the number of examples, {X.shape[1]}; got {K!r}")
    rows = []
    for fold in np.array_split(np.arange(X.shape[1]), K):
        rest = np.setdiff1d(np.arange(X.shape[1]), fold)
        nets = train(lam_values, X[:, rest], Y[:, rest])
        rows.append([net.data_cost(X[:, fold], Y[:, fold]) for net in nets])
    costs = np.array(rows)
    return costs, best_lambda(lam_values, costs.mean(axis=0))
