"""Lesson 03 (notebooks/03_optimizers.ipynb), sections 6–8 and the digits comparison: optimizers in practice.

  Cliff, clip_by_norm, cliff_descent   a cost that falls off a cliff, and gradient clipping by norm
  budget, schedule_runs                Σ α over a run's epochs; each schedule driving B = 1 on the study hours
  digits_split, digits_net             the [64, 32, 10] digits network and its training/validation split
  UpdateWatch, lr_regimes              loss curves and the update-to-weight ratio ‖ΔW‖/‖W‖ per step
  warmup_runs                          Adam with and without a warm-up, over seeds
  digits_runs, digits_table            five optimizers over α and seeds (the optional comparison)
  plot_cliff, plot_schedules, plot_regimes   the figures (ax=None or axes=None; they return them)

The 2-D surfaces are in ``lessonlib.optimizer_race``.
"""
import functools
from collections import namedtuple

import numpy as np

from . import optimizer_race as race
from . import plots, schedules, surfaces
from .data import load_digits, load_study_hours, train_test_split
from .network import Network
from .optimizers import SGD, AdaGrad, Adam, RMSProp
from .training import train


# ---- gradient clipping: a cliff ------------------------------------------------------------------------
class Cliff:
    """J(θ) = (θ − θ*)²/8 + height · σ(−steepness · θ): a gentle bowl with its minimum θ* = 2, and a cliff at
    θ = 0 where J drops by ``height`` over a width of about 4/steepness."""

    def __init__(self, height=4.0, steepness=50.0, theta_star=2.0):
        self.height, self.steepness, self.theta_star = height, steepness, theta_star

    def _sigma(self, theta):                       # σ(−steepness θ), written with tanh: no overflow
        return 0.5 * (1.0 - np.tanh(0.5 * self.steepness * np.asarray(theta, dtype=np.float64)))

    def J(self, theta):
        return (np.asarray(theta) - self.theta_star) ** 2 / 8 + self.height * self._sigma(theta)

    def gradient(self, theta):
        s = self._sigma(theta)
        return (np.asarray(theta) - self.theta_star) / 4 - self.height * self.steepness * s * (1 - s)


def clip_by_norm(g, max_norm):
    """g · min(1, max_norm / ‖g‖): the same direction, at most ``max_norm`` long (torch's clip_grad_norm_)."""
    g = np.asarray(g, dtype=np.float64)
    norm = float(np.linalg.norm(g))
    return g * (max_norm / norm) if norm > max_norm else g


def cliff_descent(cost, lr, steps, start, max_norm=None):
    """Gradient descent on a 1-D cost from ``start``; with ``max_norm`` the gradient is clipped first.
    Returns θ_0 … θ_steps as an array."""
    theta, path = float(start), [float(start)]
    for _ in range(steps):
        g = cost.gradient(theta)
        if max_norm is not None:
            g = clip_by_norm(g, max_norm)
        theta = float(theta - lr * g)
        path.append(theta)
    return np.array(path)


def plot_cliff(cost, paths, lo=-3.0, hi=22.0, ax=None):
    """J(θ) of a 1-D cost and, on it, each path (label → (θ_k array, colour, marker)); returns the Axes."""
    ax = plots.axes_or_new(ax)
    grid = np.linspace(lo, hi, 800)
    ax.plot(grid, cost.J(grid), color="#9a9a9a", linewidth=2, label="J(θ)", zorder=1)
    for i, (label, (path, color, marker)) in enumerate(paths.items()):
        ax.plot(path, cost.J(path), marker=marker, linestyle="-" if i == 0 else "--", color=color, markersize=7,
                linewidth=1.4, label=label, zorder=3 + i)
    ax.plot([cost.theta_star], [cost.J(cost.theta_star)], "*", color="#000000", markersize=16, zorder=9)
    ax.set(xlabel="θ", ylabel="J(θ)", xlim=(lo, hi))
    ax.legend(loc="upper center")
    return ax


# ---- schedules -----------------------------------------------------------------------------------------
def budget(plan, epochs):
    """Σ α over epochs 0 … epochs − 1: how much step a schedule spends in a run (per update of the epoch)."""
    return float(sum(plan(epoch) for epoch in range(epochs)))


SCHEDULE_LOOKS = {"constant": ("#000000", "-"), "step decay": ("#56B4E9", "--"),   # all plain SGD: not the
                  "exponential": ("#888888", "-."), "cosine": ("#8a6d00", ":")}     # optimizer colours


ScheduleRuns = namedtuple("ScheduleRuns", "surface thetas gaps updates_per_epoch")


def sgd_epochs(x, y, plan, epochs, start, seed=1):
    """Plain SGD with B = 1 on J = 1/(2N) Σ (θ₀ + θ₁x − y)², α = plan(epoch): the very updates of notebook 01's
    ``minibatch_descent(x, y, …, batch_size=1, seed=seed, schedule=plan)`` (the same visiting order, the same
    floating-point operations; tested equal), with none of its per-update bookkeeping.  Returns θ after each
    epoch, shape (epochs, 2)."""
    t0, t1 = (float(v) for v in start)
    rng, thetas = np.random.default_rng(seed), []
    for epoch in range(epochs):
        lr = plan(epoch)
        for i in rng.permutation(x.size):
            r = t0 + t1 * x[i] - y[i]                  # ŷ − y for one example: g = (r, r·x)
            t0, t1 = t0 - lr * r, t1 - lr * (r * x[i])
        thetas.append((t0, t1))
    return np.array(thetas, dtype=np.float64)


def schedule_runs(plans, epochs, seed=1):
    """Notebook 01's study-hours line fit with B = 1 under each schedule (name → plan), from the surface's start:
    the Surface, θ and J − J* after each epoch, and the updates per epoch."""
    x, y = load_study_hours()
    surface = surfaces.linear_regression(x, y)
    J_star = float(surface.J(*surface.minima[0]))
    thetas = {name: sgd_epochs(x, y, plan, epochs, surface.start, seed) for name, plan in plans.items()}
    gaps = {name: surface.J(th[:, 0], th[:, 1]) - J_star for name, th in thetas.items()}
    return ScheduleRuns(surface, thetas, gaps, x.size)


def plot_schedules(plans, gaps, looks, axes):
    """α per epoch (left) and J − J* after each epoch (right, log) for each schedule (name → plan, gap array,
    (colour, line style)); returns the axes."""
    ax_lr, ax_gap = axes
    for name, plan in plans.items():
        color, style = looks[name]
        epochs = np.arange(len(gaps[name]))
        ax_lr.plot(epochs, [plan(int(e)) for e in epochs], style, color=color, label=name)
        ax_gap.semilogy(epochs + 1, gaps[name], style, color=color, label=name)
    ax_lr.set(xlabel="epoch", ylabel="learning rate α", title="α per epoch")
    ax_gap.set(xlabel="epoch", ylabel="J − J*", title="J − J* after each epoch")
    race.log_ticks(ax_gap)
    ax_lr.legend(fontsize=11)
    return axes


# ---- the digits network ----------------------------------------------------------------------------------
SIZES = (64, 32, 10)


def digits_split():
    """(X, X_val, Y, Y_val): the training images split 75/25 into training and validation; the test set stays unused."""
    X, _, Y, _ = load_digits()
    return train_test_split(X, Y, test_size=0.25, seed=0)


def digits_net(seed=0, sizes=SIZES):
    """A fresh [64, 32, 10] network: tanh hidden units, a softmax output, the cross-entropy cost."""
    return Network(list(sizes), activation="tanh", output="softmax", loss="cross_entropy", seed=seed)


class UpdateWatch:
    """Wraps an optimizer and records, after every step, ‖ΔW^m‖ / ‖W^m‖ for each weight matrix (not the biases).

    ``ratios`` is a list of rows, one per step, one column per layer m = 1 … L."""

    def __init__(self, optimizer):
        self.optimizer, self.ratios = optimizer, []

    @property
    def lr(self):
        return self.optimizer.lr

    @lr.setter
    def lr(self, value):
        self.optimizer.lr = value

    def reset(self):
        self.optimizer.reset()
        self.ratios = []

    def step(self, params, grads):
        weights = params[0::2]                         # net.params is [W¹, b¹, W², b², …]
        before = [W.copy() for W in weights]
        self.optimizer.step(params, grads)
        self.ratios.append([float(np.linalg.norm(W - W0) / np.linalg.norm(W0)) for W, W0 in zip(weights, before)])


@functools.lru_cache(maxsize=4)
def lr_regimes(lrs=(0.01, 0.3, 2.0, 3.0), epochs=10, batch_size=64, seed=0):
    """{α: (History, ratios)} for plain SGD on the digits net at each α: the training cost per epoch and
    the update-to-weight ratio per step (an array, steps × layers)."""
    X, X_val, Y, Y_val = digits_split()
    runs = {}
    for lr in lrs:
        watch = UpdateWatch(SGD(lr))
        history = train(digits_net(seed), X, Y, watch, epochs, batch_size=batch_size, X_val=X_val, Y_val=Y_val,
                        seed=seed)
        runs[lr] = (history, np.array(watch.ratios))
    return runs


def warmup_runs(schedule, lr0=0.3, warmup=2, epochs=6, seeds=(0, 1, 2), batch_size=64):
    """Adam at a large α₀ on the digits net, over ``seeds``: {"cosine": [History …], "warm-up + cosine": [...]}.

    Both decay along a cosine to 0 at epoch ``epochs``; the second is ``schedule(epoch, lr0, warmup, epochs)``
    (the warm-up exercise's contract), so the two differ only by the warm-up."""
    X, X_val, Y, Y_val = digits_split()
    plans = {"cosine": schedules.cosine(lr0, T=epochs),
             "warm-up + cosine": lambda epoch: schedule(epoch, lr0, warmup, epochs)}
    return {name: [train(digits_net(seed), X, Y, Adam(lr0), epochs, batch_size=batch_size, X_val=X_val,
                         Y_val=Y_val, seed=seed, schedule=plan) for seed in seeds]
            for name, plan in plans.items()}


REGIME_LOOKS = {0.01: ("#56B4E9", ":"), 0.3: ("#009E73", "-"), 2.0: ("#E69F00", "--"), 3.0: ("#D55E00", "-.")}


def start_cost(seed=0):
    """J of the untrained digits net (``digits_net(seed)``) on the training images."""
    X, _, Y, _ = digits_split()
    return float(digits_net(seed).data_cost(X, Y))


def plot_regimes(runs, axes, layer=1, start=None):
    """Training cost per epoch (left; ``start``: J before training, dotted) and ‖ΔW^layer‖/‖W^layer‖ per step
    (right), one line per α; returns the axes."""
    ax_cost, ax_ratio = axes
    if start is not None:
        ax_cost.axhline(start, color="#000000", linewidth=1, linestyle=(0, (2, 2)), label="before training")
    for lr, (history, ratios) in runs.items():
        color, style = REGIME_LOOKS.get(lr, ("#000000", "-"))
        label = f"α = {lr:g}" + (" (diverged)" if history.diverged else "")
        ax_cost.semilogy(np.arange(1, history.epochs + 1), history.train_cost, style, marker="o", markersize=4,
                         color=color, label=label)
        ax_ratio.semilogy(np.arange(1, len(ratios) + 1), ratios[:, layer - 1], style, color=color, linewidth=1.6,
                          label=label)
    ax_ratio.axhline(1e-3, color="#000000", linewidth=1, linestyle=(0, (2, 2)), label="CS231n's ~1e-3")
    ax_cost.set(xlabel="epoch", ylabel="training cost J", title="Cost per epoch")
    ax_ratio.set(xlabel="step k", ylabel=f"‖ΔW{'¹²³'[layer - 1]}‖ / ‖W{'¹²³'[layer - 1]}‖",
                 title="Update-to-weight ratio per step")
    for ax in axes:
        race.log_ticks(ax)
    ax_cost.legend(fontsize=11)
    ax_ratio.legend(fontsize=10, loc="upper right")
    return axes


# ---- five optimizers over α and seeds (the optional comparison and its dashboard) ------------------------
DIGIT_RACERS = {   # label → (make(α), a middle α for this net: the centre of the slider's range)
    "SGD": (lambda lr: SGD(lr), 0.3),
    "momentum": (lambda lr: SGD(lr, momentum=0.9), 0.03),
    "AdaGrad": (lambda lr: AdaGrad(lr), 0.03),
    "RMSProp": (lambda lr: RMSProp(lr, rho=0.9), 0.003),
    "Adam": (lambda lr: Adam(lr), 0.003),
}
FACTOR_EXPONENTS = (-1.0, -0.5, 0.0, 0.5, 1.0)   # α = middle α × 10^e
SEEDS = (0, 1, 2)


@functools.lru_cache(maxsize=2)
def digits_runs(sizes=SIZES, epochs=5, batch_size=64, seeds=SEEDS):
    """{(label, e, seed): History} at α = middle α × 10^e: the digits net, validation accuracy per epoch."""
    X, X_val, Y, Y_val = digits_split()
    runs = {}
    for label, (make, lr0) in DIGIT_RACERS.items():
        for e in FACTOR_EXPONENTS:
            for seed in seeds:
                runs[label, e, seed] = train(digits_net(seed, sizes), X, Y, make(lr0 * 10 ** e), epochs,
                                             batch_size=batch_size, X_val=X_val, Y_val=Y_val, seed=seed)
    return runs


def digits_table(runs, seeds=SEEDS):
    """{(label, e): (mean, spread) of the final validation accuracy over the seeds}; NaN where any run diverged.
    The spread is half the range (max − min)/2."""
    table = {}
    for label in DIGIT_RACERS:
        for e in FACTOR_EXPONENTS:
            hs = [runs[label, e, seed] for seed in seeds]
            acc = np.array([np.nan if h.diverged else h.val_accuracy[-1] for h in hs])
            table[label, e] = (float(acc.mean()), float((acc.max() - acc.min()) / 2))
    return table


def best_factor(table, label):
    """The exponent e with the highest mean validation accuracy for ``label`` (diverged ones skipped)."""
    return max((e for e in FACTOR_EXPONENTS if np.isfinite(table[label, e][0])), key=lambda e: table[label, e][0])
