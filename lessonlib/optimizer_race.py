"""Lesson 03 (notebooks/03_optimizers.ipynb), sections 1–5: optimizers on 2-D cost surfaces.

  descend, racers, plot_paths, end_rows   lessonlib's optimizers side by side on a surface
  plain_runs, plain_paths, stall_rows, near, shown_name   section 1: plain gradient descent on the four surfaces
  gradient_spread, ..._formula      mini-batch noise on notebook 01's study-hours fit, measured and exact
  heavy_ball, best_mu, nearest_mu   momentum as a loop (Exercise 1's contract) and the μ search (Exercise 2's)
  rates, best_settings, kappa_sweep conditioning: κ = h_max/h_min, the best rate per step, steps against κ
  StepRule                          an optimizer made of a one-step function (Exercise 3's Adam step)
  figure, show                      a figure with fixed margins, shown as one PNG drawn once, with its alt text
  momentum_* / rmsprop_eps_inside   the conventions other texts use (the optional appendix)

Clipping, schedules and the digits network are in ``lessonlib.optimizer_practice``; the folded answers in
``lessonlib.optimizer_answers``; the dashboards in ``lessonlib.dashboards.optimizers``; the exercises in
``lessonlib.exercises.optimizers``.  Plot helpers take ``ax=None`` and return it.
"""
import matplotlib.pyplot as plt
import numpy as np
from IPython.core.pylabtools import print_figure
from IPython.display import display
from matplotlib.ticker import FuncFormatter, LogLocator, NullLocator

from . import plots, surfaces
from .data import load_study_hours
from .descent_lab import regression_gradient, stability_limits   # notebook 01's ∇J on a batch; h_min, h_max, best α
from .optimizers import SGD, AdaGrad, Adam, RMSProp

COLORS = plots.OPTIMIZER_COLORS
LINESTYLES = ["-", "--", "-.", ":"]


# ---- figures: drawn once ---------------------------------------------------------------------------------
MARGINS = {"left": 0.075, "right": 0.985, "bottom": 0.13, "top": 0.9, "wspace": 0.26, "hspace": 0.4}


def figure(nrows=1, ncols=1, figsize=(12, 4.6), **margins):
    """(fig, axes) from plt.subplots with fixed margins (MARGINS, overridden by ``margins``): no layout engine,
    which would measure every label again at each draw."""
    fig, axes = plt.subplots(nrows, ncols, figsize=figsize)
    fig.subplots_adjust(**{**MARGINS, **margins})
    return fig, axes


def log_ticks(ax, axis="y"):
    """Plain labels (0.01, 1, 100) on a log axis and no minor ticks: lighter to draw than 10⁻² labels."""
    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_locator(LogLocator(base=10, numticks=8))
    target.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    target.set_minor_locator(NullLocator())
    return ax


class Shown:
    """A figure's PNG, drawn once, with its alt text (in the metadata and inside the PNG, as ``plots`` does) and
    its smallest text's size; displays like the figure (its repr is the figure's)."""

    def __init__(self, fig):
        self.alt, self.text = plots.describe_figure(fig), repr(fig)
        png = print_figure(fig, "png", bbox_inches=None, pil_kwargs={"compress_level": 1})  # fast, and smaller
        self.png, self.meta = plots.png_with_description(png, self.alt), {"alt": self.alt}
        smallest = plots.smallest_text_px(fig)
        if smallest is not None:
            self.meta["smallest_text_px"] = smallest

    def _repr_png_(self):
        return self.png, self.meta

    def __repr__(self):
        return self.text


def show(fig, alt):
    """Give ``fig`` its alt text (``plots.alt_text``) and show it as one PNG.  The notebook's usual display crops
    the figure "tight", which draws it twice; these figures' margins are set (``figure``), so one draw does."""
    plots.alt_text(fig, alt)
    shown = Shown(fig)
    plt.close(fig)
    display(shown)


# ---- surfaces ------------------------------------------------------------------------------------
def scaled(surface, c):
    """The same surface with J and ∇J multiplied by c (> 0): same minima, gradients c times larger."""
    base_J, base_grad = surface.J, surface.gradient
    return surfaces.Surface(surface.name, lambda t0, t1: c * base_J(t0, t1), lambda t0, t1: c * base_grad((t0, t1)),
                            surface.xlim, surface.ylim, surface.start, surface.minima,
                            hessian=None if surface.hessian is None else c * surface.hessian, labels=surface.labels)


def turned(surface, degrees=45.0):
    """A quadratic surface turned by ``degrees``: the same curvatures along directions that mix θ₀ and θ₁."""
    a = np.radians(degrees)
    R = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    return surfaces.quadratic(R @ surface.hessian @ R.T, name=f"{surface.name} turned {degrees:g}°",
                              xlim=surface.xlim, ylim=surface.ylim, start=tuple(R @ surface.start))


def descend(surface, optimizer, steps, start=None):
    """``surfaces.descend``'s Path, the same to the last bit (tested), with the optimizer's arguments checked on
    the first step only, as ``train`` does: a race runs thousands of steps on one 2-vector."""
    if not hasattr(optimizer, "_step") or not steps:
        return surfaces.descend(surface, optimizer, steps, start=start)
    path = surfaces.descend(surface, optimizer, 1, start=start)          # checks, prepares, first step
    if path.diverged:
        return path
    theta, thetas, costs = path.theta[-1].copy(), list(path.theta), list(path.cost)
    with np.errstate(all="ignore"):
        for k in range(1, steps):
            optimizer._step([theta], [surface.gradient(theta)])
            J = float(surface.J(*theta))
            if not np.isfinite(J) or np.abs(theta).max() > 1e6:
                return surfaces.descend(surface, optimizer, steps, start=start)   # its message, from the start
            thetas.append(theta.copy())
            costs.append(J)
    return surfaces.Path(np.array(thetas), np.array(costs), False)


def lowest_cost(surface):
    """J* = the smallest J over the surface's known minima (the global minimum here)."""
    return min(float(surface.J(*m)) for m in surface.minima)


def gap(path, surface):
    """J − J* after each step of a Path."""
    return path.cost - lowest_cost(surface)


def racers(lr, beta=0.9):
    """label → a fresh lessonlib optimizer.  β is μ for (Nesterov) momentum and β₁ for Adam; RMSProp's ρ = 0.9."""
    return {"SGD": SGD(lr), "momentum": SGD(lr, momentum=beta), "Nesterov": SGD(lr, momentum=beta, nesterov=beta > 0),
            "AdaGrad": AdaGrad(lr), "RMSProp": RMSProp(lr, rho=0.9), "Adam": Adam(lr, beta1=beta)}


def plot_paths(surface, optimizers, steps, ax=None, title=None, legend="lower right", ticks=True):
    """Contours of ``surface`` and the path of each optimizer (label → optimizer, or a Path already run); returns
    the Axes.

    The colour is the optimizer's (the label's first word); a second run of one optimizer is dotted with
    hollow markers.  Each path's end is a large marker on top, so a path hidden under another still shows
    where it stopped.  ``legend=None``: no legend; ``ticks=False``: a map without coordinates (lighter to draw)."""
    ax, used = plots.plot_contours(surface, ax, levels=14, n=70, colors="#b8b8b8"), set()
    for i, (label, opt) in enumerate(optimizers.items()):
        path = opt if isinstance(opt, surfaces.Path) else descend(surface, opt, steps)
        color = COLORS[label.split(",")[0].split(" (")[0]]
        again = color in used                                  # a second run in one colour: hollow, dotted
        used.add(color)
        ax.plot(path.theta[:, 0], path.theta[:, 1], marker="o", linestyle=":" if again else LINESTYLES[i % 4],
                color=color, markerfacecolor="#ffffff" if again else color, markersize=5 if again else 3.5,
                linewidth=2.4 - 0.3 * i, label=label + (" (diverged)" if path.diverged else ""), zorder=10 + i)
        ax.plot(*path.theta[-1], marker="o", color=color, markersize=11, markeredgecolor="#ffffff", zorder=30 + i)
    ax.plot(*surface.start, "s", color="#000000", markersize=8)
    if ticks:
        ax.locator_params(nbins=4)                         # fewer tick labels: lighter to draw
    else:
        ax.set(xticks=[], yticks=[])
    ax.set_title(title or f"{steps} steps on the {shown_name(surface.name)} surface")
    if legend:
        ax.legend(loc=legend)
    return ax


def shown_name(name):
    """A surface's name as prose writes it: Rosenbrock is a person's name; the others are common nouns."""
    return name.replace("rosenbrock", "Rosenbrock")


def plain_runs(settings):
    """{name: (surface, α, Path)}: plain gradient descent on each surface of ``settings`` (name → (α, steps))."""
    runs = {}
    for name, (lr, steps) in settings.items():
        surface = surfaces.SURFACES[name]()
        runs[name] = (surface, lr, descend(surface, SGD(lr), steps))
    return runs


def plain_paths(runs, figsize=(13, 6.8)):
    """A 2×2 figure of ``plain_runs``' paths; returns it."""
    fig, axes = figure(2, 2, figsize=figsize, left=0.04, right=0.99, top=0.86, bottom=0.06, hspace=0.4, wspace=0.12)
    for ax, (name, (surface, lr, path)) in zip(axes.flat, runs.items()):
        steps = len(path.theta) - 1
        plot_paths(surface, {"SGD": path}, steps, ax=ax, legend=None, ticks=False,   # one path: see the title
                   title=f"{shown_name(name).capitalize()}, α = {lr:g}, {steps} steps")
    fig.suptitle("Plain gradient descent (SGD, exact gradients) on four surfaces")
    return fig


def stall_rows(runs):
    """[surface, steps, θ at the end, |g| there, J − J*] for each of ``plain_runs``."""
    rows = []
    for name, (surface, _, path) in runs.items():
        steps = len(path.theta) - 1
        rows.append([shown_name(name), steps, f"({path.theta[-1, 0]:.2f}, {path.theta[-1, 1]:.2f})",
                     f"{np.linalg.norm(surface.gradient(path.theta[-1])):.1e}", f"{gap(path, surface)[-1]:.2g}"])
    return rows


def end_rows(surface, optimizers, steps):
    """[surface, label, θ at the end, J − J*] for each optimizer after ``steps`` steps (table rows)."""
    rows = []
    for label, opt in optimizers.items():
        path = descend(surface, opt, steps)
        end = "diverged" if path.diverged else f"({path.theta[-1, 0]:5.2f}, {path.theta[-1, 1]:5.2f})"
        rows.append([f"{shown_name(surface.name)}, {steps} steps", label, end,
                     "" if path.diverged else f"{gap(path, surface)[-1]:.1e}"])
    return rows


def near(path, point, radius):
    """(first, last) step at which a Path is within ``radius`` of ``point`` (None if never)."""
    inside = np.flatnonzero(np.linalg.norm(path.theta - np.asarray(point), axis=1) < radius)
    return (int(inside[0]), int(inside[-1])) if inside.size else None


def steps_to_leave(surface, lr, start, away=0.5, steps=100):
    """Steps of plain gradient descent from ``start`` until |θ₁| > away (off the saddle's ridge); None if not
    within ``steps``."""
    path = descend(surface, SGD(lr), steps, start=start)
    off = np.flatnonzero(np.abs(path.theta[:, 1]) > away)
    return int(off[0]) if off.size else None


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


def gradient_noise_formula(batch_sizes):
    """The RMS of g_B − ∇J at the same θ as ``gradient_spread``, exactly: σ/√B · √((N − B)/(N − 1)) for B of
    the N examples drawn without repeats, σ² = the mean over i of |∇J_i − ∇J|²."""
    x, y = load_study_hours()
    theta = surfaces.linear_regression(x, y).start
    each = np.array([regression_gradient(theta, x[i:i + 1], y[i:i + 1]) for i in range(x.size)])
    sigma = np.sqrt(((each - each.mean(axis=0)) ** 2).sum(axis=1).mean())
    return np.array([sigma / np.sqrt(B) * np.sqrt((x.size - B) / (x.size - 1)) for B in batch_sizes])


# ---- momentum as a loop (Exercise 1's contract) and the search for μ (Exercise 2's) ----------------------
def heavy_ball(gradient, theta, lr, mu, steps):
    """``steps`` momentum steps v ← μv + g, θ ← θ − αv from v = 0: (path with rows θ(0) … θ(steps), last v)."""
    theta = np.asarray(theta, dtype=np.float64)
    v, path = np.zeros_like(theta), [theta]
    for _ in range(steps):
        v = mu * v + gradient(theta)
        theta = theta - lr * v                  # a new array: the rows of path stay distinct
        path.append(theta)
    return np.array(path), v


def best_mu(descent, surface, lr, mus, steps):
    """The μ of ``mus`` whose ``descent`` path ends nearest θ* after ``steps`` steps (first on a tie, nearest_mu)."""
    with np.errstate(over="ignore", invalid="ignore"):          # a run that diverges is nearest_mu's to judge
        return nearest_mu(mus, [np.linalg.norm(descent(surface.gradient, surface.start, lr, mu, steps)[0][-1]
                                               - surface.minima[0]) for mu in mus])


def nearest_mu(mus, ends):
    """The μ with the smallest distance in ``ends`` (first on a tie); a diverged run (NaN or inf) never wins."""
    if not np.isfinite(ends).any():
        raise ValueError(f"every run diverged (μ = {', '.join(f'{mu:g}' for mu in mus)}): try a smaller α")
    return mus[int(np.argmin(np.where(np.isfinite(ends), ends, np.inf)))]


def steps_to(path, theta_star, tol=1e-6):
    """The first step at which |θ(k) − θ*| < tol · |θ(0) − θ*| on a path of rows θ(k) (None if never)."""
    d = np.linalg.norm(np.asarray(path) - theta_star, axis=1)
    below = np.flatnonzero(d < tol * d[0])
    return int(below[0]) if below.size else None


# ---- conditioning: κ = h_max / h_min ------------------------------------------------------------------
def rates(kappa):
    """The best rate per step on a quadratic of condition number κ: GD (κ−1)/(κ+1), momentum (√κ−1)/(√κ+1)."""
    return (kappa - 1) / (kappa + 1), (np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1)


def best_settings(surface):
    """GD's best α = 2/(h_min + h_max) (notebook 01's); heavy ball's α = 4/(√h_max + √h_min)², μ = ((√κ−1)/(√κ+1))²."""
    limits = stability_limits(surface)
    h_min, h_max = limits["h_min"], limits["h_max"]
    return {"gd": dict(lr=limits["best"]),
            "momentum": dict(lr=4 / (np.sqrt(h_max) + np.sqrt(h_min)) ** 2, momentum=rates(h_max / h_min)[1] ** 2)}


def measured_rate(path, theta_star, k0=50, k1=150):
    """(|θ(k1) − θ*| / |θ(k0) − θ*|)^(1 / (k1 − k0)): the distance to θ* shrinks by this factor per step."""
    d = np.linalg.norm(path.theta - theta_star, axis=1)
    return float((d[k1] / d[k0]) ** (1 / (k1 - k0)))


def steps_to_converge(surface, optimizer, tol=1e-6, max_steps=20000):
    """Steps until |θ − θ*| < tol · |θ₀ − θ*| (None if not within max_steps)."""
    return steps_to(descend(surface, optimizer, max_steps).theta, surface.minima[0], tol)


def kappa_sweep(kappas, tol=1e-6, descent=heavy_ball):
    """Steps to converge on ravine(κ) for GD (μ = 0) and heavy-ball momentum, each at its best settings, run by
    ``descent`` (a function with ``heavy_ball``'s signature): two int arrays."""
    gd, momentum = [], []
    for kappa in kappas:
        surface = surfaces.ravine(kappa)
        settings = best_settings(surface)
        for counts, (lr, mu), rate in zip((gd, momentum), [(settings["gd"]["lr"], 0.0),
                                                           (settings["momentum"]["lr"], settings["momentum"]["momentum"])],
                                          rates(kappa)):
            budget = int(1.3 * np.log(tol) / np.log(max(rate, 1e-3))) + 20      # the formula's count, with room
            counts.append(steps_to(descent(surface.gradient, surface.start, lr, mu, budget)[0], surface.minima[0], tol))
    return np.array(gd), np.array(momentum)


# ---- an optimizer made of a one-step function (the student's Adam step drives it) --------------------------
class StepRule:
    """Adam with its step written as ``step(theta, g, v, s, t, lr, beta1, beta2, eps) -> (theta, v, s, t)``.

    It has what ``surfaces.descend`` and ``train`` use: ``lr``, ``reset()`` and ``step(params, grads)``."""

    def __init__(self, step, lr, beta1=0.9, beta2=0.999, eps=1e-8):
        self.rule, self.lr, self.beta1, self.beta2, self.eps = step, lr, beta1, beta2, eps
        self.reset()

    def reset(self):
        self.state = None

    def step(self, params, grads):
        if self.state is None:
            self.state = [(np.zeros_like(p), np.zeros_like(p), 0) for p in params]
        for i, (p, g) in enumerate(zip(params, grads)):
            theta, v, s, t = self.rule(p.copy(), g, *self.state[i], self.lr, self.beta1, self.beta2, self.eps)
            p[...] = theta
            self.state[i] = (np.asarray(v, dtype=np.float64), np.asarray(s, dtype=np.float64), int(t))


# ---- other conventions (θ after each step; ``lrs`` holds α for each step) ------------------------------
def momentum_lessonlib(gradient, start, lrs, mu):
    """lessonlib's SGD(momentum=μ): v ← μv + g, θ ← θ − αv, with α changed before each step."""
    theta, opt = np.array(start, dtype=np.float64), SGD(lrs[0], momentum=mu)
    path = [theta.copy()]
    for lr in lrs:
        opt.lr = lr
        opt.step([theta], [gradient(theta)])
        path.append(theta.copy())
    return np.array(path)


def momentum_minus_alpha_g(gradient, start, lrs, mu):
    """The 'velocity' form: ṽ ← μṽ − αg, θ ← θ + ṽ (α enters the velocity when the gradient does)."""
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
