"""Lesson 01's digits network (notebooks/01_gradient_descent.ipynb §4–§5): the learning rate and the batch
size on a real network, 64 → 32 (tanh) → 10 (softmax), cross-entropy, trained as lessonlib.train would.

    train_digits, runs_of  networks trained with SGD(α) (cached; several at once by lessonlib.batched.train_many,
                           equal to one train call each): Runs (J per epoch, History, the net)
    try_learning_rates     Exercise 3's experiment, one Run per α; plot_learning_rates draws them
    rate_verdict           what a 30-epoch run says about its α: too small, good, or too large (bounces, fails)
    good_learning_rate     the library's answer to Exercise 3 (the largest α on LR_GRID good from every start)
    compare_batch_sizes    the same epochs at each batch size, each at its own α
    steady_lr              the search behind those α, over three starts (optional cells)
    lr_sweep, classify_runs   the slider's 26 runs and their four bands (optional cells, the dashboard)

Left out: the regression landscape (descent_lab), backpropagation itself (notebook 02).
"""
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from matplotlib.ticker import MaxNLocator

from . import data, optimizers
from .descent_plots import batch_color, figure_once
from .network import Network
from .plots import COLORS
from .batched import train_many
from .training import accuracy, one_blas_thread

DIGITS_SIZES = (64, 32, 10)
EPOCHS = 30                 # §4 and Exercise 3 train this many full-batch epochs
TARGET = 0.4                # Exercise 3: a good α brings J below this in EPOCHS epochs …
JUMP = 0.10                 # … without J jumping up by more than this fraction in any epoch
LR_GRID = (0.01, 0.03, 0.1, 0.3, 1.0, 3.0)      # steps of about √10
SEEDS = (0, 1, 2)           # the random starts every choice of α here is judged on


@dataclass
class Run:
    """One training run: ``cost`` = J on the training set at epochs 0 (before training) … E, the History
    and the trained network."""
    cost: np.ndarray
    history: object
    net: object = None

    @property
    def failed(self):
        """Diverged (J blew up) or ended above the cost it started from: the run made things worse."""
        return self.history.diverged or self.cost[-1] > self.cost[0]

    @property
    def rises(self):
        """The epochs (1, 2, …) after which J was higher than the epoch before."""
        return [int(k) + 1 for k in np.flatnonzero(np.diff(self.cost) > 0)]

    @property
    def largest_rise(self):
        """(epoch, fraction): the epoch whose J rose most, relative to the epoch before; (None, 0.0) if none."""
        rise = np.diff(self.cost) / self.cost[:-1]
        k = int(np.argmax(rise))
        return (k + 1, float(rise[k])) if rise[k] > 0 else (None, 0.0)


@lru_cache(maxsize=None)
def digits():
    """(X_train, X_test, Y_train, Y_test) of data.load_digits(), loaded once."""
    return data.load_digits()


def digits_net(seed=0):
    """The small network of section 4: 64 → 32 (tanh) → 10 (softmax), cross-entropy cost."""
    return Network(list(DIGITS_SIZES), activation="tanh", output="softmax", loss="cross_entropy", seed=seed)


def learning_rate(lr):
    """α as a float, or a ValueError that names the bad value."""
    if isinstance(lr, bool) or not isinstance(lr, (int, float, np.floating, np.integer)):
        raise TypeError(f"a learning rate is a number; got {lr!r} ({type(lr).__name__})")
    if not (np.isfinite(lr) and lr > 0):
        raise ValueError(f"a learning rate is a positive, finite number; got {lr!r}")
    return float(lr)


def train_digits(lr, epochs=EPOCHS, batch_size=None, seed=0):
    """A fresh digits_net(seed) trained with SGD(lr) by lessonlib.train; a Run (J from epoch 0).

    Runs are cached: the same (α, epochs, batch size, seed) trains once per kernel."""
    return runs_of([(lr, epochs, batch_size, seed)])[0]


_RUNS = {}              # (α, epochs, batch size, seed) → Run, for this kernel


def runs_of(specs):
    """[Run] for a list of (α, epochs, batch size, seed): the ones not trained yet are trained side by side by
    lessonlib.batched.train_many (equal, to the last bit, to one lessonlib.train call each), then cached."""
    keys = [(learning_rate(lr), int(epochs), None if B is None else int(B), int(seed)) for lr, epochs, B, seed in specs]
    todo = list(dict.fromkeys(k for k in keys if k not in _RUNS))
    for epochs, B in dict.fromkeys((k[1], k[2]) for k in todo):         # one batch of networks per (epochs, B)
        group = [k for k in todo if (k[1], k[2]) == (epochs, B)]
        X, _, Y, _ = digits()
        nets = [digits_net(seed) for _, _, _, seed in group]
        with one_blas_thread():                     # small matrices: a second BLAS thread only waits
            J0 = [net.cost(X, Y) for net in nets]
        histories = train_many(nets, X, Y, [optimizers.SGD(lr) for lr, *_ in group], epochs, batch_size=B,
                               seed=[seed for *_, seed in group])
        for key, net, j0, history in zip(group, nets, J0, histories):
            _RUNS[key] = Run(np.array([j0] + list(history.train_cost)), history, net)
    return [_RUNS[k] for k in keys]


def test_accuracy(run):
    """The finished network's accuracy on the test set (look once per finished model)."""
    _, X_test, _, Y_test = digits()
    with one_blas_thread():
        return accuracy(run.net.predict(X_test), Y_test)


# ---- Exercise 3: choose α by experiment ----------------------------------------------------------
def try_learning_rates(lrs, epochs=EPOCHS):
    """{α: Run} for each α in ``lrs``: a fresh network trained ``epochs`` full-batch epochs at that α."""
    if isinstance(lrs, (int, float, str)) or not hasattr(lrs, "__iter__"):
        raise TypeError(f"give a list of learning rates, e.g. [0.01, 0.1, 1.0]; got {lrs!r}")
    lrs = [learning_rate(lr) for lr in lrs]
    runs = dict(zip(lrs, runs_of([(lr, epochs, None, 0) for lr in lrs])))
    if not runs:
        raise ValueError("give at least one learning rate, e.g. [0.01, 0.1, 1.0]")
    return runs


def describe_run(lr, run):
    """One line (≤ 76 characters): α, J before → after, and when J rose: the epochs after which it did (at most
    four listed), or, for a run that did not blow up, how often and the largest rise."""
    rose = "rose after epochs: " + (", ".join(map(str, run.rises[:4])) + (" …" if len(run.rises) > 4 else "")
                                  if run.rises else "none")
    if run.rises and not run.history.diverged:
        (k, rise), n = run.largest_rise, len(run.rises)
        rose = f"rose {'once' if n == 1 else f'{n} times'}, most +{rise:.0%} (epoch {k})"
    end = (f"blew up at epoch {len(run.cost) - 1}" if run.history.diverged
           else f"{run.cost[-1]:.3f} in {len(run.cost) - 1} epochs")
    return f"α = {lr:g}: J {run.cost[0]:.3f} → {end}; {rose}"


def plot_learning_rates(runs, ax=None):
    """The training cost per epoch of each run in {α: Run}; runs that blow up leave the top of the plot."""
    ax = ax if ax is not None else figure_once((10, 3.9), margins=dict(left=0.9, right=2.3))[1]
    top = 1.3 * max(r.cost[0] for r in runs.values())
    for k, (lr, run) in enumerate(sorted(runs.items())):
        ax.plot(np.arange(len(run.cost)), np.minimum(run.cost, 10 * top), "o-", markersize=3,
                color=COLORS[k % len(COLORS)], label=f"α = {lr:g}")
    ax.axhline(TARGET, color="#555555", linestyle=":", linewidth=1.5, label=f"goal: J < {TARGET:g}")
    ax.set(ylim=(0, top), xlim=(0, max(len(r.cost) for r in runs.values()) - 1),
           xlabel="epoch (0 = before training)", ylabel="training cost J",
           title="Full-batch gradient descent on the digits network, one curve per α")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))      # outside: no curve hidden
    return ax


def rate_verdict(run, target=TARGET, jump=JUMP):
    """(kind, sentence) for a run.  Two kinds say α is too large: "fails" (the cost blew up or ended above its
    start) and "bounces" (J jumped up by more than ``jump``, a fraction, in some epoch); "too small": J ends
    above ``target``; else "good"."""
    J0, J = run.cost[0], run.cost[-1]
    epochs = len(run.cost) - 1
    if run.history.diverged:
        return "fails", f"the cost blew up at epoch {epochs} (it started at {J0:.3f})"
    if run.failed:
        return "fails", f"J ends at {J:.3g} after {epochs} epochs, above the {J0:.3f} it started from"
    k, rise = run.largest_rise
    if rise > jump:
        return "bounces", f"J jumped up by {rise:.0%} in epoch {k} (it ends at {J:.3f})"
    if J > target:
        return "too small", f"J falls, but only to {J:.3f} after {epochs} epochs (the goal: below {target:g})"
    return "good", f"J falls to {J:.3f} after {epochs} epochs, never jumping up by more than {jump:.0%}"


def good_learning_rate(grid=LR_GRID, seeds=SEEDS):
    """The largest α on ``grid`` whose EPOCHS-epoch runs are "good" from every seed's start (the library's answer
    to Exercise 3)."""
    runs = iter(runs_of([(lr, EPOCHS, None, seed) for lr in grid for seed in seeds]))
    kinds = {lr: [rate_verdict(next(runs))[0] for _ in seeds] for lr in grid}
    good = [lr for lr in grid if kinds[lr] == ["good"] * len(seeds)]
    if not good:
        raise RuntimeError(f"no α on {grid} trains the digits network well; widen the grid")
    return max(good)


# ---- §5: batch sizes on the network --------------------------------------------------------------
BATCH_CHOICES = ((None, "full batch", 1.0), (32, "mini-batch B = 32", 0.1))   # each B's steady_lr over SEEDS


def compare_batch_sizes(choices=BATCH_CHOICES, epochs=6, seeds=SEEDS):
    """{label: ([Run per seed], B)}: digits networks trained the same number of epochs from each seed's start,
    each batch size B at its α."""
    N = digits()[0].shape[1]
    runs = iter(runs_of([(lr, epochs, B, seed) for B, _, lr in choices for seed in seeds]))
    return {f"{name}, α = {lr:g}": ([next(runs) for _ in seeds], N if B is None else B) for B, name, lr in choices}


def steady_lr(batch_size=None, epochs=6, grid=LR_GRID, seeds=SEEDS):
    """The largest α on ``grid`` whose training cost falls in every one of ``epochs`` epochs (no bounce, no
    failure) from every seed's start, with this batch size: (α, dict α → [Run per seed] of every α tried)."""
    flat = iter(runs_of([(lr, epochs, batch_size, seed) for lr in grid for seed in seeds]))
    runs = {lr: [next(flat) for _ in seeds] for lr in grid}
    steady = [lr for lr, rs in runs.items() if not any(r.failed or r.rises for r in rs)]
    return max(steady), runs


def plot_batch_comparison(runs, ax=None):
    """Training cost per epoch for {label: ([Run per seed], B)}: one line per seed, the first one labelled.
    Epoch 0 is the cost before training."""
    ax = ax if ax is not None else figure_once((10, 4.5), margins=dict(left=0.9, right=0.2))[1]
    N = digits()[0].shape[1]
    for label, (seeds, B) in runs.items():
        for k, run in enumerate(seeds):
            ax.plot(np.arange(len(run.cost)), run.cost, "o-", color=batch_color(B, N), markersize=4,
                    linewidth=1.5, alpha=0.8, label=f"{label} ({len(seeds)} seeds)" if k == 0 else None)
    ax.set(xlabel="epoch (passes over the data; 0 = before training)", ylabel="training cost J",
           title="The same number of epochs, different numbers of updates")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))      # epochs are whole numbers
    ax.legend()
    return ax


# ---- the network's α slider (optional cells and the dashboard) -------------------------------------
def lr_sweep(min_exp=-1.5, max_exp=1.0, step=0.1, epochs=EPOCHS, seed=0):
    """Full-batch training for every α = 10^e on the slider's grid: (exponents, tuple of Runs), cached."""
    return _lr_sweep(float(min_exp), float(max_exp), float(step), int(epochs), int(seed))


@lru_cache(maxsize=None)
def _lr_sweep(min_exp, max_exp, step, epochs, seed):
    exps = np.round(np.arange(min_exp, max_exp + step / 2, step), 6)
    return exps, tuple(runs_of([(10.0 ** e, epochs, None, seed) for e in exps]))


CRAWL_FACTOR = 2.0          # a run "crawls" when its final J is above CRAWL_FACTOR × the best final J


def crawl_threshold(runs):
    """The final J above which a run that neither fails nor bounces counts as crawling: CRAWL_FACTOR × best."""
    return CRAWL_FACTOR * min(np.inf if r.failed else r.cost[-1] for r in runs)


def classify_runs(runs):
    """What each training run did: "fails" (blew up, or ended above the J it started from), "bounces"
    (J rose in some epoch), "crawls" (ends above crawl_threshold: twice the best final J) or "smooth"."""
    limit = crawl_threshold(runs)
    return ["fails" if r.failed else "bounces" if r.rises else "crawls" if r.cost[-1] > limit else "smooth"
            for r in runs]
