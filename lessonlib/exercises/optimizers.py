"""Notebook 03's exercises: the momentum loop, a search for the best μ (a discovery), the Adam step written
whole, and a warm-up + cosine schedule (described in words only: the student builds it).

    from lessonlib.exercises.optimizers import check_momentum_descent
    check_momentum_descent(momentum_descent)        # prints ✓ or ✗ and names the mistake

Each check runs the student's function with the library code it asks for switched off (every such name in
the function's globals is a stub while it runs, restored in a ``finally``): a call of the library instead
of the code is the catalogued mistake "used_library".
"""
import math

import numpy as np

from .. import optimizer_practice as practice
from .. import optimizer_race as race
from .. import optimizers, schedules, surfaces
from ..optimizers import Adam
from .harness import Case, Exercise, Mistake, OffLimits

_rng = np.random.default_rng(3)
_T2, _G2, _V2 = _rng.normal(size=2), _rng.normal(size=2), _rng.normal(size=2)
_T23, _G23, _V23 = _rng.normal(size=(2, 3)), _rng.normal(size=(2, 3)), _rng.normal(size=(2, 3))
_S2, _S23 = _rng.uniform(0.2, 1.5, size=2), _rng.uniform(0.2, 1.5, size=(2, 3))


# ---- the library switched off while the student's function runs (harness.OffLimits) --------------------
OFF_LIMITS = ("SGD", "Adam", "AdaGrad", "RMSProp", "optimizers", "schedules", "race", "optimizer_race",
              "surfaces", "descend", "momentum_lessonlib", "heavy_ball", "cosine", "step_decay", "exponential")


# ---- Exercise 1: the heavy-ball loop, v ← μv + g, θ ← θ − αv, from v = 0 ------------------------------
momentum_reference = race.heavy_ball          # the library's loop: the reference and the fallback


def _momentum(velocity=lambda v, g, lr, mu: mu * v + g, move=lambda theta, v, g, lr, mu: theta - lr * v,
              once=False, old=False, start=True):
    """The heavy-ball loop with one piece replaced."""
    def momentum_descent(gradient, theta, lr, mu, steps):
        v, path, g0 = np.zeros_like(theta), [theta] if start else [], gradient(theta)
        for k in range(steps):
            g = g0 if once else gradient(theta)
            v_new = velocity(v, g, lr, mu)
            theta = move(theta, v if old else v_new, g, lr, mu)
            v = v_new
            path.append(theta)
        return np.array(path), v
    return momentum_descent


def _in_place(copy_start):
    """`theta -= lr * v` with `path.append(theta)`: every stored row is the one array, so all show the last θ
    (with ``copy_start`` the start row was copied first, so only the later rows are the same)."""
    def momentum_descent(gradient, theta, lr, mu, steps):
        if copy_start:
            theta = theta.copy()
        v, path = np.zeros_like(theta), [theta.copy() if copy_start else theta]
        for k in range(steps):
            v = mu * v + gradient(theta)
            theta -= lr * v
            path.append(theta)
        return np.array(path), v
    return momentum_descent


def momentum_by_library(gradient, theta, lr, mu, steps):
    """The mistake "used_library": lessonlib's SGD does the update."""
    opt = optimizers.SGD(lr, momentum=mu)
    p, state, path = np.array(theta, dtype=float), {"v": np.zeros_like(theta)}, [theta]
    for k in range(steps):
        opt.update(p, gradient(p), state)
        path.append(p.copy())
    return np.array(path), state["v"]


ALIASED = ("every row of your path after the start is the same array: `theta -= …` changes θ in place, and "
           "`path.append(theta)` stores that one array again and again, so all rows show the last θ{start}. "
           "Write `theta = theta - lr * v` (a new array each step), or append `theta.copy()`.")


MOMENTUM_OFF = ("Exercise 1 asks you to write the loop and the update yourself: lessonlib's optimizers (SGD, "
                "…), surfaces.descend and the race helpers are off limits here. Start from v = 0 and "
                "repeat v ← μv + g, θ ← θ − αv, with g = gradient(θ).")
_RAVINE = np.array([1.0, 20.0])

MOMENTUM = Exercise(
    "momentum_descent", momentum_reference,
    cases=[Case("one step on the ravine (h = 1, 20), α = 0.03, μ = 0.9",
                (lambda th: _RAVINE * th, np.array([-2.8, 1.0]), 0.03, 0.9, 1)),
           Case("5 steps on the ravine, α = 0.03, μ = 0.9",
                (lambda th: _RAVINE * th, np.array([-2.8, 1.0]), 0.03, 0.9, 5)),
           Case("6 steps, 3 parameters, g = tanh(θ) + 0.3, α = 0.2, μ = 0.6",
                (lambda th: np.tanh(th) + 0.3, np.array([1.0, -0.5, 2.0]), 0.2, 0.6, 6)),
           Case("4 steps on a 2×3 array, g = θ, α = 0.5, μ = 0.5",
                (lambda th: th, _T23, 0.5, 0.5, 4))],
    outputs=("the path θ(0) … θ(steps)", "v"),
    mistakes=[
        Mistake("no velocity", "the velocity is not carried over: v is just g each step, so this is plain "
                "gradient descent. Keep v from step to step: v ← μv + g.",
                _momentum(velocity=lambda v, g, lr, mu: g)),
        Mistake("sign", "sign error: θ moves along +v, uphill. The step is θ ← θ − αv.",
                _momentum(move=lambda theta, v, g, lr, mu: theta + lr * v)),
        Mistake("alpha twice", "α applied twice: v ← μv + αg puts α into v, and θ ← θ − αv applies it again. "
                "In this series' form v ← μv + g holds no α.",
                _momentum(velocity=lambda v, g, lr, mu: mu * v + lr * g)),
        Mistake("average form", "that is the 'average' form v ← μv + (1 − μ)g, θ ← θ − αv (a running mean of "
                "gradients, as in Adam's first moment): it is this series' form with α replaced by α(1 − μ), a "
                "10× smaller step at μ = 0.9. Here v ← μv + g (a running sum).",
                _momentum(velocity=lambda v, g, lr, mu: mu * v + (1 - mu) * g)),
        Mistake("velocity form", "that is the 'velocity' form v ← μv − αg, θ ← θ + v (Sutskever et al.): the "
                "path is right, but its v is −α times this series' v, so the v you return is not. "
                "Here v ← μv + g and α multiplies v only in θ ← θ − αv.",
                _momentum(velocity=lambda v, g, lr, mu: mu * v - lr * g, move=lambda theta, v, g, lr, mu: theta + v)),
        Mistake("alpha inside v", "your v holds α (v ← μv + αg, θ ← θ − v): with a constant α the path is "
                "right, but the v you return is α times this series' v, and the two part as soon as α changes. "
                "Here v ← μv + g and α multiplies v only in θ ← θ − αv.",
                _momentum(velocity=lambda v, g, lr, mu: mu * v + lr * g, move=lambda theta, v, g, lr, mu: theta - v)),
        Mistake("old velocity", "θ moves with the old velocity: update v ← μv + g first, then θ ← θ − αv "
                "with the new v (your first step does not move at all).", _momentum(old=True)),
        Mistake("nesterov", "that is Nesterov's step θ ← θ − α(g + μv); this exercise asks for plain (heavy-ball) "
                "momentum, θ ← θ − αv.", _momentum(move=lambda theta, v, g, lr, mu: theta - lr * (g + mu * v))),
        Mistake("gradient once", "the gradient is computed once, before the loop: call gradient(θ) at every "
                "step, at the θ the path has reached.", _momentum(once=True)),
        Mistake("start missing", "the path should begin with the start θ(0): steps + 1 rows, θ(0) … θ(steps).",
                _momentum(start=False)),
        Mistake("in-place update, the start too", ALIASED.format(start=" (the start row too, and the array you were "
                                                                  "given has changed)"), _in_place(False)),
        Mistake("in-place update", ALIASED.format(start=""), _in_place(True)),
    ],
    off_limits=OffLimits(Mistake("used_library", MOMENTUM_OFF, momentum_by_library), names=OFF_LIMITS),
    fallback=race.heavy_ball,
    success="momentum_descent matches SGD(lr, momentum=mu) on every case, step by step.")


# ---- Exercise 2 (discovery): the μ that ends nearest the minimum ---------------------------------------
best_mu_reference = race.best_mu              # the library's search: the reference and the fallback


def _nesterov_loop(gradient, theta, lr, mu, steps):
    """A descent with the heavy ball's signature but Nesterov's step: a case where ``descent`` must be used."""
    v, path = np.zeros_like(theta), [theta]
    for k in range(steps):
        g = gradient(theta)
        v = mu * v + g
        theta = theta - lr * (g + mu * v)
        path.append(theta)
    return np.array(path), v


def _search(score):
    """best_mu ranking the runs by ``score(path, v, surface)`` (smallest first) instead of the end's distance."""
    def best_mu(descent, surface, lr, mus, steps):
        scores = [score(*descent(surface.gradient, surface.start, lr, mu, steps), surface) for mu in mus]
        return mus[int(np.argmin(scores))]
    return best_mu


def _distance(path, surface):
    return np.linalg.norm(path[-1] - surface.minima[0])


def best_mu_index(descent, surface, lr, mus, steps):
    """The mistake "index": the position of the best μ in mus."""
    return int(np.argmin([_distance(descent(surface.gradient, surface.start, lr, mu, steps)[0], surface)
                          for mu in mus]))


def best_mu_by_library(descent, surface, lr, mus, steps):
    """The mistake "used_library": the race module's search."""
    return race.best_mu(descent, surface, lr, mus, steps)


def best_mu_own_loop(descent, surface, lr, mus, steps):
    """The mistake "descent ignored": heavy-ball runs of its own, whatever ``descent`` it was given."""
    return _search(lambda path, v, s: _distance(path, s))(lambda *a: momentum_reference(*a), surface, lr, mus, steps)


BEST_MU_OFF = ("Exercise 2 asks you to write the search yourself: the race module (and its best_mu) is off "
               "limits here. Run descent(surface.gradient, surface.start, lr, mu, steps) for each μ and keep the "
               "one whose path ends nearest surface.minima[0].")
_MUS = tuple(round(0.05 * i, 2) for i in range(20))          # 0, 0.05, …, 0.95
_SHIFTED = surfaces.quadratic([[2.0, 0.6], [0.6, 9.0]], theta_star=(1.0, -0.5), start=(-1.5, 1.5))

BEST_MU = Exercise(
    "best_mu", best_mu_reference,
    cases=[Case("the ravine, α = 0.03, μ = 0, 0.05, …, 0.95, 60 steps",
                (race.heavy_ball, surfaces.ravine(), 0.03, _MUS, 60)),
           Case("a ravine with κ = 100, α = 0.01, 40 steps", (race.heavy_ball, surfaces.ravine(100), 0.01, _MUS, 40)),
           Case("a turned quadratic with its minimum at (1, −0.5), α = 0.05, 60 steps",
                (race.heavy_ball, _SHIFTED, 0.05, _MUS, 60)),
           Case("the ravine, α = 0.03, 60 steps, with a Nesterov loop as descent",
                (_nesterov_loop, surfaces.ravine(), 0.03, _MUS, 60)),
           Case("the ravine, α = 0.18, 800 steps, μ = 0, 0.05, 0.5, 0.9, 0.95 (μ = 0 and 0.05 diverge: distance NaN)",
                (race.heavy_ball, surfaces.ravine(), 0.18, (0.0, 0.05, 0.5, 0.9, 0.95), 800))],
    outputs=("μ",),
    mistakes=[
        Mistake("index", "you returned the position of the best μ in mus, not the μ itself: return mus[i].",
                best_mu_index),
        Mistake("farthest", "you kept the μ whose path ends farthest from the minimum (argmax): keep the nearest.",
                _search(lambda path, v, s: -_distance(path, s))),
        Mistake("ranked by J", "you ranked the runs by the cost J at the end; the prompt asks for the distance "
                "|θ(steps) − θ*| to the minimum (on a ravine the two can disagree: J weighs the steep direction "
                "more). Use np.linalg.norm(path[-1] - surface.minima[0]).",
                _search(lambda path, v, s: s.J(*path[-1]))),
        Mistake("distance to the origin", "you measured the distance to (0, 0); the minimum θ* is "
                "surface.minima[0], which is not always the origin.",
                _search(lambda path, v, s: np.linalg.norm(path[-1]))),
        Mistake("start of the path", "you measured where the path starts (path[0], the same for every μ), not where "
                "it ends: use path[-1].", _search(lambda path, v, s: _distance(path[:1], s))),
        Mistake("velocity", "you measured v, not θ: descent returns (path, v), so descent(...)[-1] is the last "
                "velocity. Unpack it (path, v = descent(...)) and use path[-1], the last θ.",
                _search(lambda path, v, s: np.linalg.norm(v - s.minima[0]))),
        Mistake("diverged run chosen", "a diverged run (NaN distance) chosen: np.argmin returns the first NaN (and "
                "NaN < d is never true, so a loop or min() that starts from a NaN keeps it); treat non-finite "
                "distances as infinitely far: np.where(np.isfinite(d), d, np.inf) before np.argmin.",
                _search(lambda path, v, s: _distance(path, s))),
        Mistake("descent ignored", "your search did not use the descent it was given (it ran a momentum loop of "
                "its own): call descent(surface.gradient, surface.start, lr, mu, steps), so the search works for "
                "any method.", best_mu_own_loop),
    ],
    off_limits=OffLimits(Mistake("used_library", BEST_MU_OFF, best_mu_by_library),
                         names=("race", "optimizer_race"), objects=(race.best_mu,)),
    fallback=race.best_mu, rtol=0, atol=1e-12,
    success="best_mu finds the right μ on every case (including with a Nesterov loop as descent, and where a "
            "run diverges).")


# ---- Exercise 3: one Adam step, written whole -----------------------------------------------------------
def adam_reference(theta, g, v, s, t, lr, beta1, beta2, eps):
    t = t + 1
    v = beta1 * v + (1 - beta1) * g
    s = beta2 * s + (1 - beta2) * g * g
    v_hat, s_hat = v / (1 - beta1 ** t), s / (1 - beta2 ** t)
    return theta - lr * v_hat / (np.sqrt(s_hat) + eps), v, s, t


def _adam(correct=lambda v, s, t, b1, b2: (v / (1 - b1 ** t), s / (1 - b2 ** t)),
          moments=lambda v, s, g, b1, b2: (b1 * v + (1 - b1) * g, b2 * s + (1 - b2) * g * g),
          step=lambda lr, v_hat, s_hat, eps: lr * v_hat / (np.sqrt(s_hat) + eps), count_first=True):
    """An Adam step with one piece replaced: how it corrects, updates the moments, or steps."""
    def adam_step(theta, g, v, s, t, lr, beta1, beta2, eps):
        t_used = t + 1 if count_first else t
        v, s = moments(v, s, g, beta1, beta2)
        v_hat, s_hat = correct(v, s, t_used, beta1, beta2)
        return theta - step(lr, v_hat, s_hat, eps), v, s, t + 1
    return adam_step


def _adam_corrected_returned(theta, g, v, s, t, lr, beta1, beta2, eps):
    theta, v, s, t = adam_reference(theta, g, v, s, t, lr, beta1, beta2, eps)
    return theta, v / (1 - beta1 ** t), s / (1 - beta2 ** t), t


def _only_v_message(beta2=0.999):
    return (f"only v is corrected: ŝ = s / (1 − β₂ᵗ) is needed too. Without it the first step is "
            f"1/√(1 − β₂) = {1 / np.sqrt(1 - beta2):.1f} times too large at β₂ = {beta2} "
            f"(s = (1 − β₂)g² after one step).")


def adam_by_library(theta, g, v, s, t, lr, beta1, beta2, eps):
    """The mistake "used_library": lessonlib's Adam does the step."""
    p, state = np.array(theta, dtype=float), {"v": np.array(v, dtype=float), "s": np.array(s, dtype=float), "t": t}
    Adam(lr, beta1=beta1, beta2=beta2, eps=eps).update(p, g, state)
    return p, state["v"], state["s"], state["t"]


ADAM_OFF = ("Exercise 3 asks you to write Adam's step yourself: lessonlib's Adam (and the other optimizers) "
            "are off limits here. Update v and s, count t, correct both, then step.")

ADAM = Exercise(
    "adam_step", adam_reference,
    cases=[Case("first step (t = 0, v = s = 0), α = 0.01, β₁ = 0.9, β₂ = 0.999",
                (_T2, _G2, np.zeros(2), np.zeros(2), 0, 0.01, 0.9, 0.999, 1e-8)),
           Case("step 5 (t = 4 given), 2×3 arrays, α = 0.01, β₁ = 0.8, β₂ = 0.99",
                (_T23, _G23, 0.3 * _V23, 0.1 * _S23, 4, 0.01, 0.8, 0.99, 1e-8)),
           Case("step 2 (t = 1 given), ε = 0.01 (a large ε), α = 0.1, β₁ = 0.9, β₂ = 0.999",
                (_T2, 0.05 * _G2, 0.1 * _V2, 1e-3 * _S2, 1, 0.1, 0.9, 0.999, 1e-2))],
    outputs=("θ", "v", "s", "t"),
    mistakes=[
        Mistake("no bias correction", "no bias correction: v and s start at 0, so in the first steps they are far "
                "below the gradient's averages (v = (1 − β₁)g after one step). Divide v by 1 − β₁ᵗ and s by "
                "1 − β₂ᵗ.", _adam(correct=lambda v, s, t, b1, b2: (v, s))),
        Mistake("only v corrected", _only_v_message(), _adam(correct=lambda v, s, t, b1, b2: (v / (1 - b1 ** t), s))),
        Mistake("only s corrected", "only s is corrected: v̂ = v / (1 − β₁ᵗ) is needed too. Without it the first "
                "step is 1 − β₁ = 0.1 times the corrected one at β₁ = 0.9.",
                _adam(correct=lambda v, s, t, b1, b2: (v, s / (1 - b2 ** t)))),
        Mistake("t from 0", "t is still the old count when you correct: at the first step 1 − β⁰ = 0 and you divide "
                "by zero. Count the step first (t ← t + 1, so the first step has t = 1), then correct.",
                _adam(count_first=False)),
        Mistake("eps inside the root", "ε is inside the square root, √(ŝ + ε); Adam (and lessonlib) put it "
                "outside: v̂ / (√ŝ + ε). The two differ when ŝ is near ε (see the appendix on where ε goes).",
                _adam(step=lambda lr, v_hat, s_hat, eps: lr * v_hat / np.sqrt(s_hat + eps))),
        Mistake("beta swapped", "β and 1 − β are swapped: the old average keeps the share β, the new gradient "
                "gets 1 − β: v ← β₁v + (1 − β₁)g, s ← β₂s + (1 − β₂)g².",
                _adam(moments=lambda v, s, g, b1, b2: ((1 - b1) * v + b1 * g, (1 - b2) * s + b2 * g * g))),
        Mistake("no square root", "the step divides by ŝ itself; it divides by its square root √ŝ (the RMS of "
                "the gradient), so that v̂ / √ŝ is about ±1.",
                _adam(step=lambda lr, v_hat, s_hat, eps: lr * v_hat / (s_hat + eps))),
        Mistake("sign", "sign error: θ moves uphill. The step is θ ← θ − α v̂ / (√ŝ + ε).",
                _adam(step=lambda lr, v_hat, s_hat, eps: -lr * v_hat / (np.sqrt(s_hat) + eps))),
        Mistake("scalar factor", "θ is right, but the v and s you return are the bias-corrected v̂ "
                "and ŝ: the next step would average and correct them again. Return the running averages v and s; "
                "v̂ and ŝ only make this step.",
                lambda *args: _adam_corrected_returned(*args)),
        Mistake("t not returned", "θ, v and s are right but the t you return is the old one: return t + 1 so that "
                "the next step corrects with the right power.",
                lambda *args: adam_reference(*args)[:3] + (args[4],)),
    ],
    off_limits=OffLimits(Mistake("used_library", ADAM_OFF, adam_by_library), names=OFF_LIMITS),
    success="adam_step matches lessonlib's Adam on the first step, a later step with 2×3 arrays and a large ε.")


# ---- Exercise 4: linear warm-up, then a cosine down to 0 (described in words only) ----------------------
warmup_cosine_reference = practice.warmup_cosine      # the reference and the fallback (core cells use it)


def _warmup_cosine(ramp=lambda e, lr0, w: lr0 * (e + 1) / w, switch=lambda e, w: e < w,
                   phase=lambda e, w, T: min(e - w, T - w) / (T - w), half=0.5):
    """The reference with one piece replaced: the ramp, where it ends, or the cosine's phase (e = the epoch)."""
    def warmup_cosine(epoch, lr0, warmup, T):
        if switch(epoch, warmup):
            return ramp(epoch, lr0, warmup)
        return lr0 * (1 + math.cos(math.pi * phase(epoch, warmup, T))) * half
    return warmup_cosine


def warmup_cosine_by_library(epoch, lr0, warmup, T):
    """The mistake "used_library": lessonlib's cosine schedule, shifted by the warm-up."""
    return lr0 * (epoch + 1) / warmup if epoch < warmup else schedules.cosine(lr0, T=T - warmup)(epoch - warmup)


WARMUP_OFF = ("Exercise 4 asks you to write the schedule yourself: lessonlib.schedules (cosine, step_decay, "
              "…) and practice.warmup_cosine are off limits here. Use math.cos (or np.cos) and epoch, lr0, warmup, T.")

WARMUP_COSINE = Exercise(
    "warmup_cosine", warmup_cosine_reference,
    cases=[Case(f"epoch {e}, α₀ = 0.1, warmup = 5, T = 25", (e, 0.1, 5, 25)) for e in (0, 2, 4, 5, 10, 25, 30)]
    + [Case("epoch 2, α₀ = 0.3, warmup = 1, T = 3", (2, 0.3, 1, 3))],
    outputs=("α",),
    mistakes=[
        Mistake("ramp from 0", "the warm-up starts at α = 0 (α₀·epoch/warmup), so epoch 0 learns nothing: it should "
                "rise in equal steps from α₀/warmup at epoch 0 to α₀ at epoch warmup − 1, α₀·(epoch + 1)/warmup.",
                _warmup_cosine(ramp=lambda e, lr0, w: lr0 * e / w)),
        Mistake("ramp one too long", "the warm-up runs one epoch too long (epoch ≤ warmup), so α overshoots α₀ "
                "at epoch = warmup: the cosine starts there, with α = α₀.",
                _warmup_cosine(switch=lambda e, w: e <= w)),
        Mistake("cosine from 0", "the cosine counts from epoch 0 instead of from the end of the warm-up, so α is "
                "already below α₀ when the warm-up ends: its phase is (epoch − warmup)/(T − warmup).",
                _warmup_cosine(phase=lambda e, w, T: min(e, T) / T)),
        Mistake("cosine over T", "the cosine's length is T, not T − warmup, so α has not reached 0 at epoch T: "
                "its phase is (epoch − warmup)/(T − warmup), which is 1 at epoch T.",
                _warmup_cosine(phase=lambda e, w, T: min(e - w, T) / T)),
        Mistake("no clamp", "after epoch T the cosine rises again; α must stay at 0 from epoch T on (clamp the "
                "phase at 1: min(epoch − warmup, T − warmup)).",
                _warmup_cosine(phase=lambda e, w, T: (e - w) / (T - w))),
        Mistake("no half", "α is twice too large after the warm-up: the cosine part is α₀·½(1 + cos(π·phase)), "
                "which starts at α₀, not 2α₀.", _warmup_cosine(half=1.0)),
    ],
    off_limits=OffLimits(Mistake("used_library", WARMUP_OFF, warmup_cosine_by_library),
                         names=OFF_LIMITS + ("warmup_cosine",)),
    success="warmup_cosine is right on every case: the warm-up, the half cosine down to 0 at epoch T, and after.")


EXERCISES = {e.name: e for e in (MOMENTUM, BEST_MU, ADAM, WARMUP_COSINE)}
check_momentum_descent = EXERCISES["momentum_descent"].check
check_best_mu = EXERCISES["best_mu"].check
check_adam_step = EXERCISES["adam_step"].check
check_warmup_cosine = EXERCISES["warmup_cosine"].check

from . import optimizers_slips  # noqa: E402,F401  (more catalogued mistakes and cases, added to the exercises above)
