"""Lesson 03 (notebooks/03_optimizers.ipynb): optimizers on 2-D surfaces and on the digits.

  racers, plot_descents       lessonlib's optimizers side by side on a surface
  gradient_spread             mini-batch noise on notebook 01's study-hours fit (its minibatch_descent runs the rest)
  rates, measured_rate, steps_to_converge   conditioning: κ = h_max/h_min and the rate per step
  momentum_* / rmsprop_eps_inside   the conventions other texts use (references for the tests;
                                    the notebook writes these loops out itself)
  digits_runs, digits_table   the optimizers training a small network over α, seeds, with a validation split

The dashboards live in ``lessonlib.dashboards.optimizers``, the exercises in ``lessonlib.exercises.optimizers``.
Plot helpers take ``ax=None`` and return it; they never train.
"""
import functools

import numpy as np

from . import plots, surfaces
from .data import load_digits, load_study_hours, train_test_split
from .descent_lab import regression_gradient, stability_limits   # notebook 01's ∇J on a batch; h_min, h_max, best α
from .network import Network
from .optimizers import SGD, AdaGrad, Adam, RMSProp
from .training import train

COLORS = plots.OPTIMIZER_COLORS
LINESTYLES = ["-", "--", "-.", ":"]


# ---- surfaces ------------------------------------------------------------------------------------
def scaled(surface, c):
    """The same surface with J and ∇J multiplied by c (> 0): same minima, gradients c times larger."""
    base_J, base_grad = surface.J, surface.gradient
    return surfaces.Surface(surface.name, lambda t0, t1: c * base_J(t0, t1),
                            lambda t0, t1: c * base_grad((t0, t1)),
                            surface.xlim, surface.ylim, surface.start, surface.minima,
                            hessian=None if surface.hessian is None else c * surface.hessian,
                            labels=surface.labels)


def lowest_cost(surface):
    """J* = the smallest J over the surface's known minima (the global minimum here)."""
    return min(float(surface.J(*m)) for m in surface.minima)


def racers(lr, beta=0.9):
    """label → a fresh lessonlib optimizer.  β is μ for (Nesterov) momentum and β₁ for Adam; RMSProp's ρ = 0.9."""
    return {"SGD": SGD(lr),
            "momentum": SGD(lr, momentum=beta),
            "Nesterov": SGD(lr, momentum=beta, nesterov=beta > 0),
            "AdaGrad": AdaGrad(lr),
            "RMSProp": RMSProp(lr, rho=0.9),
            "Adam": Adam(lr, beta1=beta)}


def plot_descents(surface, optimizers, steps, ax=None, title=None):
    """Contours of ``surface`` and the path of each optimizer (label → lessonlib optimizer); returns the Axes.

    The color is the optimizer's (the label's first word); a second run of the same optimizer is dotted
    with hollow markers.  Later paths are drawn over earlier ones, thinner; every path's end is a large
    marker on top of all of them, so a path hidden under another still shows where it stopped."""
    ax, used = plots.plot_contours(surface, ax, colors="#b0b0b0"), set()
    for i, (label, opt) in enumerate(optimizers.items()):
        path = surfaces.descend(surface, opt, steps)
        end = " (diverged)" if path.diverged else ""
        color, marker = COLORS[label.split(",")[0]], "o.sd^v"[i % 6]
        again = color in used                                  # a second run in one color: hollow markers, dotted
        used.add(color)
        ax.plot(path.theta[:, 0], path.theta[:, 1], marker="o" if again else marker, linestyle=":" if again else LINESTYLES[i % 4],
                color=color, markerfacecolor="#ffffff" if again else color, markersize=7 if again else 6 - 0.5 * i,
                linewidth=2.6 - 0.3 * i, label=f"{label}{end}", zorder=10 + i)
        ax.plot(*path.theta[-1], marker="o" if marker == "." else marker, color=color, markersize=12,
                markeredgecolor="#ffffff", zorder=30 + i)
    ax.plot(*surface.start, "s", color="#000000", markersize=8)
    ax.set_title(title or f"{steps} steps on the {surface.name} surface")
    ax.legend(loc="lower right", fontsize=11)
    return ax


def end_rows(surface, optimizers, steps):
    """[label, θ at the end, J − J*] for each optimizer after ``steps`` steps: a figure's numbers as table rows."""
    rows = []
    for label, opt in optimizers.items():
        path = surfaces.descend(surface, opt, steps)
        end = "diverged" if path.diverged else f"({path.theta[-1, 0]:5.2f}, {path.theta[-1, 1]:5.2f})"
        rows.append([f"{surface.name}, {steps} steps", label, end,
                     "" if path.diverged else f"{path.cost[-1] - lowest_cost(surface):.1e}"])
    return rows


def dip_arrival(path, surface, tol=1e-2):
    """The first step k at which |∇J(θ_k)| < tol on a Path (None if never)."""
    g = np.array([np.linalg.norm(surface.gradient(t)) for t in path.theta])
    below = np.flatnonzero(g < tol)
    return int(below[0]) if below.size else None


# ---- mini-batches on the study-hours regression (notebook 01) -----------------------------------------
def gradient_spread(batch_sizes, draws=400, seed=0):
    """RMS distance between a mini-batch gradient and the full gradient, at the surface's start, for each B."""
    x, y = load_study_hours()
    theta = surfaces.linear_regression(x, y).start
    full = regression_gradient(theta, x, y)
    rng = np.random.default_rng(seed)
    spread = []
    for B in batch_sizes:
        g = np.array([regression_gradient(theta, x[b], y[b])
                      for b in (rng.choice(x.size, B, replace=False) for _ in range(draws))])
        spread.append(float(np.sqrt(((g - full) ** 2).sum(axis=1).mean())))
    return np.array(spread)


# ---- conditioning: κ = h_max / h_min ------------------------------------------------------------------
def rates(kappa):
    """The best rate per step on a quadratic of condition number κ: GD (κ−1)/(κ+1), momentum (√κ−1)/(√κ+1)."""
    r = np.sqrt(kappa)
    return (kappa - 1) / (kappa + 1), (r - 1) / (r + 1)


def best_settings(surface):
    """GD's best α = 2/(h_min + h_max) (notebook 01's); heavy ball's α = 4/(√h_max + √h_min)², μ = ((√κ−1)/(√κ+1))²."""
    limits = stability_limits(surface)
    h_min, h_max = limits["h_min"], limits["h_max"]
    return {"gd": dict(lr=limits["best"]),
            "momentum": dict(lr=4 / (np.sqrt(h_max) + np.sqrt(h_min)) ** 2, momentum=rates(h_max / h_min)[1] ** 2)}


def measured_rate(path, theta_star, k0=50, k1=150):
    """(|θ_k1 − θ*| / |θ_k0 − θ*|)^(1 / (k1 − k0)): the distance to θ* shrinks by this factor per step."""
    d = np.linalg.norm(path.theta - theta_star, axis=1)
    return float((d[k1] / d[k0]) ** (1 / (k1 - k0)))


def steps_to_converge(surface, optimizer, tol=1e-6, max_steps=20000):
    """Steps until |θ − θ*| < tol · |θ₀ − θ*| (None if not within max_steps)."""
    path = surfaces.descend(surface, optimizer, max_steps)
    d = np.linalg.norm(path.theta - surface.minima[0], axis=1)
    below = np.flatnonzero(d < tol * d[0])
    return int(below[0]) if below.size else None


def kappa_sweep(kappas, tol=1e-6):
    """Steps to converge on ravine(κ) for GD and heavy-ball momentum, each at its best settings: two arrays."""
    gd, momentum = [], []
    for kappa in kappas:
        surface, settings = surfaces.ravine(kappa), best_settings(surfaces.ravine(kappa))
        for steps, (name, rate) in zip((gd, momentum), zip(("gd", "momentum"), rates(kappa))):
            budget = int(1.3 * np.log(tol) / np.log(max(rate, 1e-3))) + 20      # the formula's count, with room
            steps.append(steps_to_converge(surface, SGD(**settings[name]), tol, budget)
                         or steps_to_converge(surface, SGD(**settings[name]), tol, 4 * budget))
    return np.array(gd), np.array(momentum)


# ---- other conventions (θ after each step; ``lrs`` holds α for each step) ------------------------------
def momentum_lessonlib(gradient, start, lrs, mu):
    """lessonlib's SGD(momentum=μ): u ← μu + g, θ ← θ − αu, with α changed before each step."""
    theta, opt = np.array(start, dtype=np.float64), SGD(lrs[0], momentum=mu)
    path = [theta.copy()]
    for lr in lrs:
        opt.lr = lr
        opt.step([theta], [gradient(theta)])
        path.append(theta.copy())
    return np.array(path)


def momentum_minus_alpha_g(gradient, start, lrs, mu):
    """The 'velocity' form: v ← μv − αg, θ ← θ + v (α enters the velocity when the gradient does)."""
    theta, v = np.array(start, dtype=np.float64), np.zeros(2)
    path = [theta.copy()]
    for lr in lrs:
        v = mu * v - lr * gradient(theta)
        theta = theta + v
        path.append(theta.copy())
    return np.array(path)


def momentum_average(gradient, start, lrs, beta):
    """The 'average' form: m ← βm + (1 − β)g, θ ← θ − αm (m is a running mean of gradients)."""
    theta, m = np.array(start, dtype=np.float64), np.zeros(2)
    path = [theta.copy()]
    for lr in lrs:
        m = beta * m + (1 - beta) * gradient(theta)
        theta = theta - lr * m
        path.append(theta.copy())
    return np.array(path)


def rmsprop_eps_inside(gradient, start, lr, steps, rho=0.9, eps=1e-8):
    """RMSProp with ε under the root: s ← ρs + (1 − ρ)g², θ ← θ − αg / √(s + ε)."""
    theta, s = np.array(start, dtype=np.float64), np.zeros(2)
    path = [theta.copy()]
    for _ in range(steps):
        g = gradient(theta)
        s = rho * s + (1 - rho) * g * g
        theta = theta - lr * g / np.sqrt(s + eps)
        path.append(theta.copy())
    return np.array(path)


def steady_step(g, eps, inside):
    """|Δθ| / α once s has settled at g² (a constant gradient g): |g|/(|g| + ε) or |g|/√(g² + ε)."""
    g = np.abs(np.asarray(g, dtype=np.float64))
    return g / np.sqrt(g * g + eps) if inside else g / (g + eps)


def first_steps(steps=10, beta1=0.9, beta2=0.999, g=1.0):
    """|Δθ| / α for Adam's first ``steps`` steps on a constant gradient g, with and without bias correction."""
    t = np.arange(1, steps + 1)
    v = (1 - beta1 ** t) * g                 # v after t steps from v = 0: (1 − β₁ᵗ) g
    s = (1 - beta2 ** t) * g * g             # s likewise: (1 − β₂ᵗ) g²
    corrected = np.abs(v / (1 - beta1 ** t)) / (np.sqrt(s / (1 - beta2 ** t)) + 1e-8)
    uncorrected = np.abs(v) / (np.sqrt(s) + 1e-8)
    return corrected, uncorrected


# ---- digits -----------------------------------------------------------------------------------------
DIGIT_RACERS = {   # label → (make(α), a middle α for this net: the center of the slider's range)
    "SGD": (lambda lr: SGD(lr), 0.3),
    "momentum": (lambda lr: SGD(lr, momentum=0.9), 0.03),
    "AdaGrad": (lambda lr: AdaGrad(lr), 0.03),
    "RMSProp": (lambda lr: RMSProp(lr, rho=0.9), 0.003),
    "Adam": (lambda lr: Adam(lr), 0.003),
}
FACTOR_EXPONENTS = (-1.0, -0.5, 0.0, 0.5, 1.0)   # α = middle α × 10^e
SEEDS = (0, 1, 2)


def digits_split():
    """(X, X_val, Y, Y_val): the training images split 75/25 into training and validation; the test set stays unused."""
    X, _, Y, _ = load_digits()
    return train_test_split(X, Y, test_size=0.25, seed=0)


@functools.lru_cache(maxsize=2)
def digits_runs(sizes=(64, 32, 10), epochs=5, batch_size=64, seeds=SEEDS):
    """{(label, e, seed): History} at α = middle α × 10^e: a tanh/softmax net, validation accuracy per epoch."""
    X, X_val, Y, Y_val = digits_split()
    runs = {}
    for label, (make, lr0) in DIGIT_RACERS.items():
        for e in FACTOR_EXPONENTS:
            for seed in seeds:
                net = Network(list(sizes), activation="tanh", output="softmax", loss="cross_entropy", seed=seed)
                runs[label, e, seed] = train(net, X, Y, make(lr0 * 10 ** e), epochs, batch_size=batch_size,
                                             X_test=X_val, Y_test=Y_val, seed=seed)
    return runs


def digits_table(runs, seeds=SEEDS):
    """{(label, e): (mean, spread) of the final validation accuracy over the seeds}; NaN where any run diverged.
    The spread is half the range (max − min)/2."""
    table = {}
    for label in DIGIT_RACERS:
        for e in FACTOR_EXPONENTS:
            hs = [runs[label, e, seed] for seed in seeds]
            acc = np.array([np.nan if h.diverged else h.test_accuracy[-1] for h in hs])
            table[label, e] = (float(acc.mean()), float((acc.max() - acc.min()) / 2))
    return table


def best_factor(table, label):
    """The exponent e with the highest mean validation accuracy for ``label`` (diverged ones skipped)."""
    return max((e for e in FACTOR_EXPONENTS if np.isfinite(table[label, e][0])), key=lambda e: table[label, e][0])
