"""Lesson 03 (notebooks/03_optimizers.ipynb): optimizers on 2-D surfaces and on the digits.

  racers / race_dashboard   lessonlib's optimizers side by side on a surface (paths and cost per step)
  minibatch_descent         SGD with mini-batches on the study-hours regression (noisy steps, schedules)
  momentum_* / rmsprop_*    the conventions other texts use, to compare with lessonlib's form
  digits_runs / digits_dashboard   the same optimizers training a small network, precomputed over α
  check_momentum_step, check_adam_step   the exercises' checks

Everything that moves a parameter is a lessonlib optimizer, except the deliberately different
conventions of the comparison section.  Plot helpers take ``ax=None`` and return it.
"""
import functools
import inspect
import textwrap

import numpy as np
from threadpoolctl import threadpool_limits

from .dashboards import machinery as dash
from . import plots, surfaces
from .data import load_digits, load_study_hours
from .network import Network
from .optimizers import SGD, AdaGrad, Adam, RMSProp
from .training import train

COLORS = dict(zip(["SGD", "momentum", "Nesterov", "AdaGrad", "RMSProp", "Adam"], plots.COLORS))


def show_source(obj):
    """Print the source of a function or method, dedented (the notebook shows each ``update``)."""
    print(textwrap.dedent(inspect.getsource(obj)).rstrip())


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


def contours(surface, ax=None, n=100, levels=22):
    """Grey contour lines of J (log-spaced levels) with the minima starred; returns the Axes."""
    ax = plots.axes_or_new(ax)
    T0, T1, J = surface.grid(n)
    lo, hi = J.min(), J.max()
    offset = (hi - lo) * 1e-3
    ax.contour(T0, T1, J, levels=lo + np.geomspace(offset, hi - lo + offset, levels) - offset,
               colors="#a0a0a0", linewidths=1.0, negative_linestyles="solid")
    for m in surface.minima:
        ax.plot(*m, marker="*", markersize=15, color="#000000", linestyle="none")
    ax.set(xlim=surface.xlim, ylim=surface.ylim, xlabel=surface.labels[0], ylabel=surface.labels[1])
    return ax


def plot_descents(surface, optimizers, steps, ax=None, title=None):
    """Contours of ``surface`` and the path of each optimizer (label → lessonlib optimizer); returns the Axes."""
    ax = contours(surface, ax)
    used = set()
    for i, (label, opt) in enumerate(optimizers.items()):
        path = surfaces.descend(surface, opt, steps)
        color = COLORS.get(label.split(",")[0])            # each optimizer's colour, as in the race
        if color is None or color in used:
            color = next(c for c in plots.COLORS if c not in used)
        used.add(color)
        end = " (diverged)" if path.diverged else ""
        ax.plot(path.theta[:, 0], path.theta[:, 1], marker=".", linestyle=["-", "--", "-.", ":"][i % 4],
                color=color, markersize=5, linewidth=1.8, label=f"{label}{end}", zorder=10 - i)
    ax.plot(*surface.start, "s", color="#000000", markersize=8)
    ax.set_title(title or f"{steps} steps on the {surface.name} surface")
    ax.legend(loc="lower right", fontsize=11)
    return ax


# ---- mini-batches on the study-hours regression -------------------------------------------------
def minibatch_gradient(theta, x, y):
    """∇J_B for ŷ = θ₀ + θ₁x and J_B = 1/(2B) Σ (ŷ − y)² over the batch (x, y)."""
    e = theta[0] + theta[1] * x - y
    return np.array([e.mean(), (e * x).mean()])


def minibatch_descent(optimizer, batch_size, epochs, seed=0, schedule=None, start=None):
    """Mini-batch descent on the study-hours regression; returns (θ after each step, J after each epoch).

    Each epoch shuffles the N examples (from ``seed``) and takes ⌈N/B⌉ steps; a ``schedule`` sets α per epoch."""
    x, y = load_study_hours()
    surface = surfaces.linear_regression(x, y)
    theta = np.array(surface.start if start is None else start, dtype=np.float64)
    rng, N = np.random.default_rng(seed), x.size
    optimizer.reset()
    thetas, costs = [theta.copy()], []
    for k in range(epochs):
        if schedule is not None:
            optimizer.lr = schedule(k)
        order = rng.permutation(N)
        for i in range(0, N, batch_size):
            batch = order[i:i + batch_size]
            optimizer.step([theta], [minibatch_gradient(theta, x[batch], y[batch])])
            thetas.append(theta.copy())
        costs.append(float(surface.J(*theta)))
    return np.array(thetas), np.array(costs)


def gradient_spread(batch_sizes, draws=400, seed=0):
    """RMS distance between a mini-batch gradient and the full gradient, at the surface's start, for each B."""
    x, y = load_study_hours()
    theta = surfaces.linear_regression(x, y).start
    full = minibatch_gradient(theta, x, y)
    rng = np.random.default_rng(seed)
    spread = []
    for B in batch_sizes:
        g = np.array([minibatch_gradient(theta, x[b], y[b])
                      for b in (rng.choice(x.size, B, replace=False) for _ in range(draws))])
        spread.append(float(np.sqrt(((g - full) ** 2).sum(axis=1).mean())))
    return np.array(spread)


# ---- other conventions, written out (θ after each step; ``lrs`` holds α for each step) --------------
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
    """The 'velocity' form: v ← μv − αg, θ ← θ + v (α enters the velocity when the gradient does)."""
    theta, v = np.array(start, dtype=np.float64), np.zeros(2)
    path = [theta.copy()]
    for lr in lrs:
        v = mu * v - lr * gradient(theta)
        theta = theta + v
        path.append(theta.copy())
    return np.array(path)


def momentum_average(gradient, start, lrs, beta):
    """The 'average' form: v ← βv + (1 − β)g, θ ← θ − αv (v is a running mean of gradients)."""
    theta, v = np.array(start, dtype=np.float64), np.zeros(2)
    path = [theta.copy()]
    for lr in lrs:
        v = beta * v + (1 - beta) * gradient(theta)
        theta = theta - lr * v
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


# ---- the race dashboard ---------------------------------------------------------------------------
RACE_SURFACES = ("ravine", "saddle", "local minima", "rosenbrock")
TICKS = {"sgd": "SGD", "momentum": "momentum", "nesterov": "Nesterov", "adagrad": "AdaGrad",
         "rmsprop": "RMSProp", "adam": "Adam"}


def stability_hint(surface, beta):
    """For a quadratic: the α limits of plain GD 2/λ, heavy-ball 2(1+μ)/λ and Nesterov 2(1+μ)/((1+2μ)λ)."""
    if surface.hessian is None:
        return "Try a smaller α."
    lam = np.linalg.eigvalsh(surface.hessian).max()
    return (f"On this quadratic (λ_max = {lam:.3g}) plain GD needs α < {2 / lam:.3g}, momentum with "
            f"μ = {beta:.2f} α < {2 * (1 + beta) / lam:.3g}, Nesterov α < {2 * (1 + beta) / ((1 + 2 * beta) * lam):.3g}.")


MAX_STEPS = 200


def race_dashboard(lr=0.03, beta=0.8, surface="ravine", scale=1.0, steps=100, on=("sgd", "momentum", "adam")):
    """Six lessonlib optimizers on one surface: paths (left) and J − J* per step (right), redrawn live.

    Controls: α, β (μ for momentum/Nesterov, β₁ for Adam), the surface, a cost scale c (J → cJ,
    so ∇J → c∇J), the number of steps and a tick box per optimizer."""
    with plots.presentation_style():
        return _race_dashboard(lr, beta, surface, scale, steps, on)


def _race_dashboard(lr, beta, surface, scale, steps, on):
    bases = {name: surfaces.SURFACES[name]() for name in RACE_SURFACES}
    fig, (ax_path, ax_cost) = dash.new_figure(figsize=(11, 4.6), ncols=2)
    backgrounds = {}
    for name, s in bases.items():          # every surface's contours drawn once; only one is visible
        before = set(ax_path.get_children())
        contours(s, ax_path)
        backgrounds[name] = [a for a in ax_path.get_children() if a not in before]
    start_marker, = ax_path.plot([], [], "s", color="#000000", markersize=8)
    lines = {}
    for key, label in TICKS.items():
        color = COLORS[label]
        lines[key] = (ax_path.plot([], [], "-", color=color, linewidth=1.8, animated=True)[0],
                      ax_cost.semilogy([1], [1], color=color, label=label, animated=True)[0])
    ax_cost.set(xlim=(0, MAX_STEPS), xlabel="step k", ylabel="J(θ) − J*  (÷ c)")
    shown = [None]    # the surface whose axes are set up

    def set_up(name):
        s = bases[name]
        for other, artists in backgrounds.items():
            for a in artists:
                a.set_visible(other == name)
        start_marker.set_data([s.start[0]], [s.start[1]])
        ax_path.set(xlim=s.xlim, ylim=s.ylim, xlabel=s.labels[0], ylabel=s.labels[1],
                    title=f"Paths on the {name} surface")
        gap = float(s.J(*s.start)) - lowest_cost(s)
        ax_cost.set(ylim=(1e-10, gap * 1e2), title=f"Cost per step ({name})")
        shown[0] = name

    def update(lr, beta, surface, scale, steps, **ticks):
        if shown[0] != surface:
            set_up(surface)
        s = bases[surface] if scale == 1 else scaled(bases[surface], scale)
        J_star = lowest_cost(bases[surface])
        diverged = []
        for key, opt in zip(TICKS, racers(lr, beta).values()):
            path_line, cost_line = lines[key]
            path_line.set_visible(ticks[key])
            cost_line.set_visible(ticks[key])
            if not ticks[key]:
                continue
            path = surfaces.descend(s, opt, steps)
            path_line.set_data(path.theta[:, 0], path.theta[:, 1])
            gap = np.maximum(path.cost / scale - J_star, 1e-12)
            cost_line.set_data(np.arange(gap.size), gap)
            if path.diverged:
                diverged.append(f"{TICKS[key]} after {gap.size} steps")
        ticked = [lines[key][1] for key in TICKS if ticks[key]]
        legend = ax_cost.legend(handles=ticked, loc="upper right", ncol=2, fontsize=11)   # the ticked ones only
        legend.set_animated(True)                      # drawn over the curves, with them
        legend.set_visible(bool(ticked))
        if diverged:
            return f"Diverged: {', '.join(diverged)}. {stability_hint(s, beta)}"
        if not ticked:
            return "Tick at least one optimizer."
        return None

    controls = {"lr": dash.log_slider("α (learning rate)", lr, -4, 0),
                "beta": dash.float_slider("β (μ, β₁)", beta, 0.0, 0.99, 0.01),
                "surface": dash.dropdown("surface", list(RACE_SURFACES), surface),
                "scale": dash.log_slider("cost scale c", scale, -2, 2, step=0.25),
                "steps": dash.int_slider("steps", steps, 10, MAX_STEPS, 10)}
    controls.update({key: dash.checkbox(label, key in on) for key, label in TICKS.items()})
    board = dash.Dashboard(controls, update, fig, title="The optimizer race")
    fig.set_layout_engine("none")          # freeze the layout the first draw found, the same for every surface
    board.blitter = dash.Blitter(fig, keep=len(RACE_SURFACES))   # one background per surface
    for name in [n for n in RACE_SURFACES if n != surface] + [surface]:
        controls["surface"].value = name    # draw each surface's background once, now
    return board


# ---- digits -----------------------------------------------------------------------------------------
DIGIT_RACERS = {   # label → (make(α), the usual α for this net)
    "SGD": (lambda lr: SGD(lr), 0.3),
    "momentum": (lambda lr: SGD(lr, momentum=0.9), 0.03),
    "AdaGrad": (lambda lr: AdaGrad(lr), 0.03),
    "RMSProp": (lambda lr: RMSProp(lr, rho=0.9), 0.003),
    "Adam": (lambda lr: Adam(lr), 0.003),
}
FACTOR_EXPONENTS = (-1.0, -0.5, 0.0, 0.5, 1.0)   # α = usual α × 10^e


def one_blas_thread():
    """A context limiting BLAS to one thread: these matrices are small, a second thread only waits."""
    return threadpool_limits(limits=1)


@functools.lru_cache(maxsize=4)
def digits_runs(sizes=(64, 32, 10), epochs=10, batch_size=64, seed=0):
    """{(label, e): History} for each optimizer at α = usual α × 10^e: a [64, 32, 10] tanh/softmax net."""
    X, X_test, Y, Y_test = load_digits()
    runs = {}
    with one_blas_thread():                 # tiny matrices: threads only contend (10× slower on a busy machine)
        for label, (make, lr0) in DIGIT_RACERS.items():
            for e in FACTOR_EXPONENTS:
                net = Network(list(sizes), activation="tanh", output="softmax", loss="cross_entropy", seed=seed)
                runs[label, e] = train(net, X, Y, make(lr0 * 10 ** e), epochs, batch_size=batch_size,
                                       X_test=X_test, Y_test=Y_test, seed=seed)
    return runs


def digits_dashboard(factor=1.0, **run_kw):
    """Train cost and test accuracy per epoch for each optimizer; the slider multiplies every usual α."""
    with plots.presentation_style():
        return _digits_dashboard(factor, **run_kw)


def _digits_dashboard(factor=1.0, **run_kw):
    runs = digits_runs(**run_kw)
    epochs = max(h.epochs for h in runs.values())
    fig, (ax_cost, ax_acc) = dash.new_figure(figsize=(11, 4.4), ncols=2)
    lines = {}
    for label in DIGIT_RACERS:
        lines[label] = (ax_cost.semilogy([], [], "o-", color=COLORS[label], markersize=4, animated=True)[0],
                        ax_acc.plot([], [], "o-", color=COLORS[label], markersize=4, label=label, animated=True)[0])
    ax_cost.set(xlim=(0.5, epochs + 0.5), ylim=(1e-2, 5), xlabel="epoch", ylabel="training cost J",
                title="Training cost per epoch")
    ax_acc.set(xlim=(0.5, epochs + 0.5), ylim=(0, 1.0), xlabel="epoch", ylabel="test accuracy",
               title="Test accuracy per epoch")
    legend = ax_acc.legend(loc="lower right", fontsize=11)
    legend.set_animated(True)

    def update(factor):
        e = float(np.clip(np.round(2 * np.log10(factor)) / 2, FACTOR_EXPONENTS[0], FACTOR_EXPONENTS[-1]))
        diverged = []
        for text, (label, (make, lr0)) in zip(legend.get_texts(), DIGIT_RACERS.items()):
            h = runs[label, e]
            k = np.arange(1, h.epochs + 1)
            lines[label][0].set_data(k, h.train_cost)
            lines[label][1].set_data(k, h.test_accuracy)
            text.set_text(f"{label}, α = {lr0 * 10 ** e:.2g}")
            if h.diverged:
                diverged.append(f"{label} (α = {lr0 * 10 ** e:.2g}) at epoch {h.epochs}")
        if diverged:
            return "Diverged: " + "; ".join(diverged) + ". Its α is too large for this net."
        return None

    controls = {"factor": dash.log_slider("α ÷ usual α", factor, -1, 1, step=0.5)}
    return dash.Dashboard(controls, update, fig, title="Optimizers on the digits, [64, 32, 10] net")


DASHBOARDS = {"race": race_dashboard, "digits": digits_dashboard}


# ---- exercises --------------------------------------------------------------------------------------
def _cases(seed=3, steps=6):
    """A reproducible run of gradients: θ₀, g₁ … g_steps (2-vectors), and hyper-parameters."""
    rng = np.random.default_rng(seed)
    return rng.normal(size=2), [rng.normal(size=2) for _ in range(steps)]


def _run(step, theta, grads, state, **kw):
    """Feed ``step`` the gradients one by one, carrying its state; (θs, states) or an error string."""
    thetas, states = [], []
    for g in grads:
        try:
            out = step(theta.copy(), g.copy(), *[x.copy() if isinstance(x, np.ndarray) else x for x in state], **kw)
        except Exception as err:  # a student's bug is reported, not raised
            return None, f"{type(err).__name__}: {err}"
        if not isinstance(out, tuple) or len(out) != 1 + len(state):
            return None, f"it should return a tuple of {1 + len(state)} values"
        theta, state = np.asarray(out[0], dtype=np.float64), out[1:]
        thetas.append(theta)
        states.append(state)
    return (np.array(thetas), states), None


def _momentum_reference(theta, g, v, lr, mu):
    v = mu * v + g
    return theta - lr * v, v


MOMENTUM_MISTAKES = [
    (lambda theta, g, v, lr, mu: (theta - lr * g, g),
     "the velocity is not carried over: your v is just g each step, so this is plain gradient descent. "
     "Start from the v you were given: v ← μv + g."),
    (lambda theta, g, v, lr, mu: (theta + lr * (mu * v + g), mu * v + g),
     "sign error: θ moves along +v, uphill. The step is θ ← θ − αv."),
    (lambda theta, g, v, lr, mu: (theta - lr * (mu * v + lr * g), mu * v + lr * g),
     "mixed conventions: v ← μv + αg puts α into v, and θ ← θ − αv applies it a second time. "
     "In lessonlib's form v ← μv + g holds no α."),
    (lambda theta, g, v, lr, mu: (theta - (mu * v + lr * g), mu * v + lr * g),
     "your θ follows the right path, but your v is v ← μv + αg (α inside the velocity, another book's "
     "convention). Here v ← μv + g and α multiplies v only in θ ← θ − αv; the two part as soon as α changes."),
    (lambda theta, g, v, lr, mu: (theta - lr * (mu * v + g), v),
     "v is not updated: return the new velocity μv + g so that the next step can use it."),
    (lambda theta, g, v, lr, mu: (theta - lr * v, mu * v + g),
     "θ moves with the old velocity: update v ← μv + g first, then θ ← θ − αv with the new v."),
]


def _diagnose(step, reference, mistakes, start_state, kw, seed):
    theta0, grads = _cases(seed)
    got, err = _run(step, theta0, grads, start_state, **kw)
    if err:
        return False, f"your function failed: {err}"
    want, _ = _run(reference, theta0, grads, start_state, **kw)
    thetas, states = got
    close = (np.allclose(thetas, want[0], rtol=1e-9, atol=1e-12)
             and all(np.allclose(a, b, rtol=1e-9, atol=1e-12) for s, w in zip(states, want[1])
                     for a, b in zip(s, w)))
    if close:
        return True, None
    for wrong, message in mistakes:
        theirs, _ = _run(wrong, theta0, grads, start_state, **kw)
        if theirs is not None and np.allclose(thetas, theirs[0], rtol=1e-9, atol=1e-12) and all(
                np.allclose(a, b, rtol=1e-9, atol=1e-12) for s, w in zip(states, theirs[1]) for a, b in zip(s, w)):
            return False, message
    first = int(np.argmax(~np.isclose(thetas, want[0], rtol=1e-9, atol=1e-12).all(axis=1))) + 1
    return False, f"θ or the state differs from the expected update (first at step {first}); compare with the equations."


def check_momentum_step(momentum_step):
    """momentum_step(theta, g, v, lr, mu) → (theta, v) with v ← μv + g, θ ← θ − αv.  Prints ✓/✗, returns bool."""
    for seed, kw in [(3, dict(lr=0.1, mu=0.9)), (4, dict(lr=0.5, mu=0.5))]:
        ok, message = _diagnose(momentum_step, _momentum_reference, MOMENTUM_MISTAKES, (np.zeros(2),), kw, seed)
        if not ok:
            print(f"✗ {message}")
            return False
    print("✓ momentum_step matches lessonlib's SGD(momentum=μ) over several steps, velocity carried over.")
    return True


def _adam_reference(theta, g, v, s, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    t = t + 1
    v = beta1 * v + (1 - beta1) * g
    s = beta2 * s + (1 - beta2) * g * g
    v_hat, s_hat = v / (1 - beta1 ** t), s / (1 - beta2 ** t)
    return theta - lr * v_hat / (np.sqrt(s_hat) + eps), v, s, t


def _adam_variant(correct):
    """An Adam step whose bias correction is ``correct(v, s, t, beta1, beta2) -> (v_hat, s_hat)``."""
    def step(theta, g, v, s, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
        v = beta1 * v + (1 - beta1) * g
        s = beta2 * s + (1 - beta2) * g * g
        with np.errstate(all="ignore"):
            v_hat, s_hat = correct(v, s, t, beta1, beta2)
            return theta - lr * v_hat / (np.sqrt(s_hat) + eps), v, s, t + 1
    return step


ADAM_MISTAKES = [
    (_adam_variant(lambda v, s, t, b1, b2: (v, s)),
     "no bias correction: v and s start at 0, so in the first steps they are far smaller than the gradient's "
     "averages (v ≈ (1 − β₁)g at t = 1). Divide v by 1 − β₁ᵗ and s by 1 − β₂ᵗ."),
    (_adam_variant(lambda v, s, t, b1, b2: (v / (1 - b1 ** t), s / (1 - b2 ** t))),
     "t is still 0 when you correct, so 1 − β^0 = 0 and the first step divides by zero. "
     "Count the step first (t ← t + 1; t starts at 1), then correct."),
    (_adam_variant(lambda v, s, t, b1, b2: (v / b1, s / b2)),
     "you divide by β₁ and β₂; the correction divides by 1 − β₁ᵗ and 1 − β₂ᵗ, which grow from 1 − β to 1."),
    (_adam_variant(lambda v, s, t, b1, b2: (v / (1 - b1), s / (1 - b2))),
     "you divide by 1 − β, without the power t: right at t = 1 only. Use 1 − β₁ᵗ and 1 − β₂ᵗ."),
    (_adam_variant(lambda v, s, t, b1, b2: (v / (1 - b1 ** (t + 1)), s)),
     "only v is corrected: ŝ = s / (1 − β₂ᵗ) is needed too (without it the first steps are ≈ 3× too large)."),
]


def check_adam_step(adam_step):
    """adam_step(theta, g, v, s, t, lr, beta1, beta2, eps) → (theta, v, s, t), t counting from 0 before the first step."""
    theta0, grads = _cases(5, steps=1)
    try:
        out = adam_step(theta0.copy(), grads[0].copy(), np.zeros(2), np.zeros(2), 0, 0.01)
        finite = np.isfinite(np.asarray(out[0], dtype=np.float64)).all()
    except Exception:
        finite = True   # reported below with the error message
    if not finite:
        print(f"✗ {ADAM_MISTAKES[1][1]}")
        return False
    for seed, kw in [(5, dict(lr=0.01)), (6, dict(lr=0.1, beta1=0.8, beta2=0.99))]:
        ok, message = _diagnose(adam_step, _adam_reference, ADAM_MISTAKES,
                                (np.zeros(2), np.zeros(2), 0), kw, seed)
        if not ok:
            print(f"✗ {message}")
            return False
    print("✓ adam_step matches lessonlib's Adam over several steps, including the bias-corrected first ones.")
    return True


def first_steps(steps=10, beta1=0.9, beta2=0.999, g=1.0):
    """|Δθ| / α for Adam's first ``steps`` steps on a constant gradient g, with and without bias correction."""
    t = np.arange(1, steps + 1)
    v = (1 - beta1 ** t) * g                 # v after t steps from v = 0: (1 − β₁ᵗ) g
    s = (1 - beta2 ** t) * g * g             # s likewise: (1 − β₂ᵗ) g²
    corrected = np.abs(v / (1 - beta1 ** t)) / (np.sqrt(s / (1 - beta2 ** t)) + 1e-8)
    uncorrected = np.abs(v) / (np.sqrt(s) + 1e-8)
    return corrected, uncorrected
