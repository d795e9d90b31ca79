"""Lesson 03 (notebooks/03_optimizers.ipynb), sections 6–8 and the digits comparison: optimizers in practice.

  Cliff, clip_by_norm, cliff_descent   a cost that falls off a cliff, and gradient clipping by norm
  budget, schedule_runs, schedule_rows   Σ α over a run's epochs; each schedule driving B = 1 on the study hours
  digits_split, digits_net             the [64, 32, 10] digits network and its training/validation split
  start_cost, overfit_few              sanity checks: J before training; J on a few images trained alone
  update_ratios, lr_regimes, regime_rows   loss curves and the update-to-weight ratio ‖ΔW‖/‖W‖ of a step
  held_then_cosine, warmup_runs, warmup_rows   Adam with α₀ held or warmed up, then the same cosine, over seeds
  digits_runs, digits_table            five optimizers over α and seeds (the optional comparison)
  plot_cliff, plot_schedules, plot_regimes   the figures

The 2-D surfaces are in ``lessonlib.optimizer_race``.
"""
import functools
import math
from collections import namedtuple

import numpy as np

from . import optimizer_race as race
from . import plots, schedules, surfaces
from .batched import train_many
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
    Returns θ(0) … θ(steps) as an array."""
    theta, path = float(start), [float(start)]
    for _ in range(steps):
        g = cost.gradient(theta)
        if max_norm is not None:
            g = clip_by_norm(g, max_norm)
        theta = float(theta - lr * g)
        path.append(theta)
    return np.array(path)


CLIFF_LOOKS = [(plots.BLACK, "o", "-"), (plots.SKY, "s", "--")]      # the plain path, then the clipped one


def plot_cliff(cost, paths, title, lo=-3.0, hi=22.0, figsize=(10, 4.0)):
    """J(θ) of a 1-D cost and, on it, each path (label → the array of θ(k)); returns (fig, ax)."""
    fig, ax = race.figure(figsize=figsize, bottom=0.16, top=0.88, left=0.09)
    grid = np.linspace(lo, hi, 800)
    ax.plot(grid, cost.J(grid), color="#9a9a9a", linewidth=2, label="J(θ)", zorder=1)
    for i, ((label, path), (color, marker, style)) in enumerate(zip(paths.items(), CLIFF_LOOKS)):
        ax.plot(path, cost.J(path), marker=marker, linestyle=style, color=color, markersize=7, linewidth=1.4,
                label=label, zorder=3 + i)
    ax.plot([cost.theta_star], [cost.J(cost.theta_star)], "*", color="#000000", markersize=16, zorder=9)
    ax.set(xlabel="θ", ylabel="J(θ)", xlim=(lo, hi), title=title)
    ax.legend(loc="upper center")
    return fig, ax


def first_within(path, target, tol=0.01):
    """The first step k at which |θ(k) − target| < tol on a 1-D path (None if never)."""
    inside = np.flatnonzero(np.abs(np.asarray(path) - target) < tol)
    return int(inside[0]) if inside.size else None


# ---- schedules -----------------------------------------------------------------------------------------
def budget(plan, epochs):
    """Σ α over epochs 0 … epochs − 1: how much step a schedule spends in a run (per update of the epoch)."""
    return float(sum(plan(epoch) for epoch in range(epochs)))


SCHEDULE_LOOKS = {"constant": ("#000000", "-"), "step decay": ("#56B4E9", "--"),   # all plain SGD: not the
                  "exponential": ("#888888", "-."), "cosine": ("#8a6d00", ":")}     # optimizer colours


ScheduleRuns = namedtuple("ScheduleRuns", "surface seeds thetas gaps updates_per_epoch")


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


def schedule_runs(plans, epochs, seeds=(0, 1, 2)):
    """Notebook 01's study-hours line fit with B = 1 under each schedule (name → plan), from the surface's start,
    once per seed (the order the examples are visited in): the Surface, the seeds, θ and J − J* after each epoch
    (name → arrays of shape (seeds, epochs, 2) and (seeds, epochs)), and the updates per epoch."""
    x, y = load_study_hours()
    surface = surfaces.linear_regression(x, y)
    J_star = float(surface.J(*surface.minima[0]))
    thetas = {name: np.array([sgd_epochs(x, y, plan, epochs, surface.start, seed) for seed in seeds])
              for name, plan in plans.items()}
    gaps = {name: surface.J(th[..., 0], th[..., 1]) - J_star for name, th in thetas.items()}
    return ScheduleRuns(surface, tuple(seeds), thetas, gaps, x.size)


def schedule_rows(runs, plans, epochs, last=10):
    """Table rows, one per schedule: J − J* over the last ``last`` epochs (the median per seed: their median,
    min–max), |θ − θ*| at the end (the same) and Σα over all updates of the run."""
    rows = []
    for name, gaps in runs.gaps.items():
        dist = np.linalg.norm(runs.thetas[name][:, -1] - runs.surface.minima[0], axis=1)
        rows.append([name, spread(np.median(gaps[:, -last:], axis=1), ".0e"), spread(dist, ".2f"),
                     f"{runs.updates_per_epoch * budget(plans[name], epochs):.1f}"])
    return rows


def plot_schedules(runs, looks, ax, seed_index=0):
    """J − J* after each epoch (log) for each schedule of ``runs`` (one seed), styled by ``looks`` (name →
    (colour, line style)); returns the Axes."""
    for name, gaps in runs.gaps.items():
        color, style = looks[name]
        ax.semilogy(np.arange(1, gaps.shape[1] + 1), gaps[seed_index], style, color=color, label=name)
    ax.set(xlabel="epoch", ylabel="J − J*", title=f"J − J* after each epoch (seed {runs.seeds[seed_index]})")
    race.log_ticks(ax)
    ax.legend(loc="lower left", ncol=2)
    return ax


# ---- the digits network ----------------------------------------------------------------------------------
SIZES = (64, 32, 10)


@functools.lru_cache(maxsize=1)
def digits_split():
    """(X, X_val, Y, Y_val): the training images split 75/25 into training and validation; the test set stays
    unused.  Loaded once and shared, so read-only."""
    X, _, Y, _ = load_digits()
    arrays = train_test_split(X, Y, test_size=0.25, seed=0)
    for a in arrays:
        a.flags.writeable = False
    return arrays


def digits_net(seed=0, sizes=SIZES):
    """A fresh [64, 32, 10] network: tanh hidden units, a softmax output, the cross-entropy cost."""
    return Network(list(sizes), activation="tanh", output="softmax", loss="cross_entropy", seed=seed)


Regime = namedtuple("Regime", "history first last ratios")


def update_ratios(net, lr, X, Y, batch_size=64):
    """‖ΔW^m‖ / ‖W^m‖ for m = 1 … L of one plain-SGD step of size α on the first ``batch_size`` training images:
    α‖∂J/∂W^m‖ / ‖W^m‖ (the biases left out), as an array."""
    grads = net.gradients(X[:, :batch_size], Y[:, :batch_size])
    return np.array([lr * np.linalg.norm(grads.dW[m]) / np.linalg.norm(net.W[m]) for m in range(1, net.L + 1)])


@functools.lru_cache(maxsize=4)
def lr_regimes(lrs=(0.01, 0.3, 2.0, 3.0), epochs=6, batch_size=64, seed=0):
    """{α: Regime(History, first, last, ratios)} for plain SGD on the digits net at each α: the cost per epoch,
    and the update-to-weight ratios (``update_ratios``) of a step at the start (``first``), after each epoch
    (``ratios``, row 0 at the start, row e after epoch e) and after training (``last``).  One ``train`` per α:
    the ratios need the weights after every epoch, which ``train``'s callback sees and ``train_many`` has none."""
    X, X_val, Y, Y_val = digits_split()
    runs = {}
    for lr in lrs:
        net = digits_net(seed)
        ratios = [update_ratios(net, lr, X, Y, batch_size)]
        history = train(net, X, Y, SGD(lr), epochs, batch_size=batch_size, X_val=X_val, Y_val=Y_val, seed=seed,
                        callback=lambda epoch, history: ratios.append(update_ratios(net, lr, X, Y, batch_size)))
        runs[lr] = Regime(history, ratios[0], ratios[-1], np.array(ratios))
    return runs


def warmup_cosine(epoch, lr0, warmup, T):
    """α at ``epoch`` (from 0): rising in equal steps from α₀/warmup to α₀ over the first ``warmup`` epochs, then a
    half cosine from α₀ at epoch ``warmup`` down to 0 at epoch T, then 0 (optional Exercise 4's contract)."""
    if epoch < warmup:
        return lr0 * (epoch + 1) / warmup
    return lr0 * (1 + math.cos(math.pi * min(epoch - warmup, T - warmup) / (T - warmup))) / 2


def held_then_cosine(lr0, warmup, T):
    """α₀ held for the first ``warmup`` epochs, then a half cosine from α₀ at epoch ``warmup`` to 0 at epoch T:
    the warm-up exercise's schedule with its first epochs at α₀ instead of rising to it."""
    cosine = schedules.cosine(lr0, T=T - warmup)
    return lambda epoch: lr0 if epoch < warmup else cosine(epoch - warmup)


def warmup_runs(schedule, lr0=0.3, warmup=2, epochs=6, seeds=(0, 1, 2), usual=0.003, batch_size=64,
                name="warm-up"):
    """Adam on the digits net over ``seeds``, trained side by side (``batched.train_many``): {label: [History …]}.

    "α₀ held" and the warm-up (labelled ``name``) share the cosine from epoch ``warmup`` to 0 at epoch ``epochs``; before it the
    first holds α₀ and the second follows ``schedule(epoch, lr0, warmup, epochs)`` (the warm-up exercise's
    contract), so they differ only in the first ``warmup`` epochs.  The third row holds Adam's usual α."""
    X, X_val, Y, Y_val = digits_split()
    plans = {f"α₀ = {lr0:g}, held": (lr0, held_then_cosine(lr0, warmup, epochs)),
             f"α₀ = {lr0:g}, {name}": (lr0, lambda epoch: schedule(epoch, lr0, warmup, epochs)),
             f"α₀ = {usual:g}, held": (usual, held_then_cosine(usual, warmup, epochs))}
    runs = [(label, lr, plan, seed) for label, (lr, plan) in plans.items() for seed in seeds]
    histories = train_many([digits_net(seed) for *_, seed in runs], X, Y, [Adam(lr) for _, lr, _, _ in runs],
                           epochs, batch_size=batch_size, X_val=X_val, Y_val=Y_val,
                           seed=[seed for *_, seed in runs], schedule=[plan for _, _, plan, _ in runs])
    return {label: histories[i * len(seeds):(i + 1) * len(seeds)] for i, label in enumerate(plans)}


def spread(values, fmt):
    """'median (min–max)' of a few runs' values."""
    values = np.asarray(values)
    return f"{np.median(values):{fmt}} ({values.min():{fmt}}–{values.max():{fmt}})"


def warmup_rows(runs):
    """Table rows: the runs' J after epoch 1, J at the end and the validation accuracy, as median (min–max)."""
    return [[label, spread([h.train_cost[0] for h in hs], ".2f"), spread([h.train_cost[-1] for h in hs], ".2f"),
             spread([100 * h.val_accuracy[-1] for h in hs], ".0f")] for label, hs in runs.items()]


def regime_rows(runs, layer=1):
    """Table rows, one per α: J after epoch 1 and at the end, the validation accuracy, and the update-to-weight
    ratio of W^layer at the start and after training; "stopped" where train stopped the run (its cost passed
    divergence_factor = 10 times the cost before training)."""
    return [[f"{lr:g}", f"{r.history.train_cost[0]:.2f}", f"{r.history.train_cost[-1]:.2f}",
             f"{r.history.val_accuracy[-1]:.0%}", f"{r.first[layer - 1]:.1e}", f"{r.last[layer - 1]:.1e}",
             "stopped" if r.history.diverged else ""] for lr, r in runs.items()]


REGIME_LOOKS = {0.01: ("#56B4E9", ":"), 0.3: ("#009E73", "-"), 2.0: ("#E69F00", "--"), 3.0: ("#D55E00", "-.")}


@functools.lru_cache(maxsize=4)
def start_cost(seed=0):
    """J of the untrained digits net (``digits_net(seed)``) on the training images."""
    X, _, Y, _ = digits_split()
    return float(digits_net(seed).data_cost(X, Y))


def overfit_few(n=20, lr=0.3, steps=200, seed=0):
    """J after ``steps`` full-batch plain-SGD steps on the first ``n`` training images alone (a sanity check:
    a working network drives it near 0)."""
    X, _, Y, _ = digits_split()
    return float(train(digits_net(seed), X[:, :n], Y[:, :n], SGD(lr), steps, batch_size=n, seed=seed).train_cost[-1])


def plot_regimes(runs, axes, start=None, layer=1):
    """Two panels, one line per α: the training cost per epoch (``start``: J before training, dotted) and the
    update-to-weight ratio of W^layer at the start and after each epoch; the legend right of the second."""
    cost_ax, ratio_ax = axes
    if start is not None:
        cost_ax.axhline(start, color="#000000", linewidth=1, linestyle=(0, (2, 2)), label="before training")
    for lr, run in runs.items():
        color, style = REGIME_LOOKS.get(lr, ("#000000", "-"))
        label = f"α = {lr:g}" + (" (stopped)" if run.history.diverged else "")
        look = dict(marker="o", markersize=5, color=color, label=label)
        cost_ax.semilogy(np.arange(1, run.history.epochs + 1), run.history.train_cost, style, **look)
        ratio_ax.semilogy(np.arange(len(run.ratios)), run.ratios[:, layer - 1], style, **look)
    cost_ax.set(xlabel="epoch", ylabel="training cost J", title="Cost per epoch, plain SGD")
    ratio_ax.set(xlabel="epochs done", ylabel=f"‖ΔW{_SUPERSCRIPT[layer]}‖ / ‖W{_SUPERSCRIPT[layer]}‖",
                 title="Update-to-weight ratio")
    for ax in axes:
        race.log_ticks(ax)
    handles, labels = cost_ax.get_legend_handles_labels()
    ratio_ax.legend(handles, labels, loc="center left", bbox_to_anchor=(1.01, 0.5))
    return axes


_SUPERSCRIPT = {1: "¹", 2: "²", 3: "³"}


# ---- five optimizers over α and seeds (the optional comparison and its dashboard) ------------------------
DIGIT_RACERS = {   # label → (make(α), a middle α for this net: the center of the slider's range)
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
    """{(label, e, seed): History} at α = middle α × 10^e: the digits net, validation accuracy per epoch.
    Each optimizer's 15 networks train side by side (``batched.train_many``: the same numbers as ``train``)."""
    X, X_val, Y, Y_val = digits_split()
    runs = {}
    for label, (make, lr0) in DIGIT_RACERS.items():
        keys = [(label, e, seed) for e in FACTOR_EXPONENTS for seed in seeds]
        histories = train_many([digits_net(seed, sizes) for *_, seed in keys], X, Y,
                               [make(lr0 * 10 ** e) for _, e, _ in keys], epochs, batch_size=batch_size,
                               X_val=X_val, Y_val=Y_val, seed=[seed for *_, seed in keys])
        runs.update(zip(keys, histories))
    return runs


def disagreements(table, first, second, seed, epochs=5, batch_size=64):
    """Both optimizers trained again at their best α (``best_factor``) with ``seed``: (the validation images
    ``first`` classifies right and ``second`` wrong, the reverse), counts."""
    X, X_val, Y, Y_val = digits_split()
    right = []
    for label in (first, second):
        make, lr0 = DIGIT_RACERS[label]
        net = digits_net(seed)
        train(net, X, Y, make(lr0 * 10 ** best_factor(table, label)), epochs, batch_size=batch_size, seed=seed)
        right.append(net.predict(X_val).argmax(axis=0) == Y_val.argmax(axis=0))
    return int(np.sum(right[0] & ~right[1])), int(np.sum(~right[0] & right[1]))


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
