"""More catalogued mistakes (and two cases) for notebook 03's exercises (optimizers.py), from typical answers
written blind: the gradient taken at the look-ahead point; a search that keeps the last μ on a tie, measures
to every minimum at once, looks at θ₀ alone or sums the distance along the path; Adam's s from g, v without
1 − β₁, the correction (1 − β)ᵗ; a cosine without π or turned upside down.  The second blind set added a
velocity started at g, a search ranked by |v|, at a fixed α or from the start, s from |g|, the β's swapped,
a quarter cosine and a line.  Imported at the end of optimizers.py."""
import math

import numpy as np

from .. import optimizer_race as race
from .. import surfaces
from .harness import Case, Mistake
from .optimizers import _MUS, ADAM, BEST_MU, MOMENTUM, WARMUP_COSINE, _adam, _search, _warmup_cosine


def _heavy_ball(at=lambda theta, lr, mu, v: theta, v_start=lambda gradient, theta: np.zeros_like(theta)):
    """The heavy-ball loop with the gradient taken ``at`` another point, or v started elsewhere than at 0."""
    def momentum_descent(gradient, theta, lr, mu, steps):
        v, path = v_start(gradient, theta), [theta]
        for k in range(steps):
            v = mu * v + gradient(at(theta, lr, mu, v))
            theta = theta - lr * v
            path.append(theta)
        return np.array(path), v
    return momentum_descent


_look_ahead = _heavy_ball(at=lambda theta, lr, mu, v: theta - lr * mu * v)     # g at the look-ahead θ − αμv


MOMENTUM.mistakes += [
    Mistake("gradient at the look-ahead", "the gradient is taken at the look-ahead point θ − αμv: that is "
            "Nesterov's momentum (in Sutskever's form). Plain heavy-ball momentum takes it where θ is, "
            "g = gradient(θ), then v ← μv + g, θ ← θ − αv.", _look_ahead),
]


def _last_on_a_tie(descent, surface, lr, mus, steps):
    best, best_d = None, np.inf
    for mu in mus:
        d = np.linalg.norm(descent(surface.gradient, surface.start, lr, mu, steps)[0][-1] - surface.minima[0])
        if d <= best_d:                                          # ≤: a later μ that ties takes the place
            best, best_d = mu, d
    return best


# two cases the blind answers showed were missing: a tie (0 steps: every run ends at the start) and a surface
# with two minima, where the distance to minima[0] differs from θ₀'s alone and from the distance to both
BEST_MU.cases += [
    Case("0 steps: every μ ends at the start, a tie (the first μ wins)", (race.heavy_ball, surfaces.ravine(), 0.03,
                                                                           _MUS, 0)),
    Case("the saddle (two minima; θ* = minima[0] = (0, −1)), α = 0.05, 40 steps",
         (race.heavy_ball, surfaces.saddle(), 0.05, _MUS, 40)),
]

BEST_MU.mistakes += [
    Mistake("last on a tie", "on a tie you kept the last μ (≤ in the comparison); the first one wins: keep a "
            "new μ only when it ends strictly nearer (<), or take np.argmin, which returns the first.",
            _last_on_a_tie),
    Mistake("distance to every minimum", "you measured the distance to all of surface.minima at once; the "
            "target is the first minimum, surface.minima[0] (a surface can have several).",
            _search(lambda path, v, s: np.linalg.norm(path[-1] - np.array(s.minima)))),
    Mistake("first coordinate only", "you compared θ₀ only, |θ₀ − θ₀*|; the distance to the minimum takes "
            "both coordinates: np.linalg.norm(path[-1] - surface.minima[0]).",
            _search(lambda path, v, s: abs(path[-1][0] - s.minima[0][0]))),
    Mistake("whole path summed", "you added up the distances along the whole path; the prompt asks where the "
            "path ENDS: the distance of path[-1] alone.",
            _search(lambda path, v, s: np.sum(np.linalg.norm(path - s.minima[0], axis=1)))),
]

ADAM.mistakes += [
    Mistake("s from g, not g²", "s averages g instead of g²: s ← β₂s + (1 − β₂)g², the mean of the SQUARED "
            "gradient (always ≥ 0; with g it goes negative and √ŝ is NaN).",
            _adam(moments=lambda v, s, g, b1, b2: (b1 * v + (1 - b1) * g, b2 * s + (1 - b2) * g))),
    Mistake("v without 1 − β₁", "v ← β₁v + g is momentum's running sum; Adam's v is a running MEAN, "
            "v ← β₁v + (1 − β₁)g (and s likewise with 1 − β₂).",
            _adam(moments=lambda v, s, g, b1, b2: (b1 * v + g, b2 * s + (1 - b2) * g * g))),
    Mistake("(1 − β)ᵗ", "the correction divides by (1 − β)ᵗ; it is 1 − βᵗ: β to the power t, subtracted "
            "from 1 (v̂ = v / (1 − β₁ᵗ), ŝ = s / (1 − β₂ᵗ)).",
            _adam(correct=lambda v, s, t, b1, b2: (v / (1 - b1) ** t, s / (1 - b2) ** t))),
]


def _cosine(turn, zero_after_T=False):
    """The reference with ``turn(phase)`` in place of cos(π·phase); after epoch T either the phase is clamped at 1
    (as in the reference) or α is set to 0 (``zero_after_T``), two forms of the clamp that agree when right."""
    def warmup_cosine(epoch, lr0, warmup, T):
        if epoch < warmup:
            return lr0 * (epoch + 1) / warmup
        if zero_after_T and epoch > T:
            return 0.0
        return lr0 * (1 + turn(min(epoch - warmup, T - warmup) / (T - warmup))) / 2
    return warmup_cosine


NO_PI = ("the cosine is missing its π: cos(phase) only falls from 1 to cos 1 ≈ 0.54 as the phase goes from 0 to 1; "
         "the half cosine is ½(1 + cos(π·phase)), which reaches 0 at epoch T.")
UPSIDE_DOWN = "½(1 − cos(π·phase)) RISES from 0 to 1: after the warm-up α must fall from α₀ to 0, ½(1 + cos(π·phase))."
WARMUP_COSINE.mistakes += [
    Mistake("ramp to warmup + 1", "the warm-up divides by warmup + 1, so it ends below α₀ and α jumps at "
            "epoch = warmup: it rises in `warmup` equal steps, α₀·(epoch + 1)/warmup, reaching α₀ at epoch "
            "warmup − 1.", _warmup_cosine(ramp=lambda e, lr0, w: lr0 * (e + 1) / (w + 1))),
    Mistake("no π", NO_PI, _cosine(math.cos)),
    Mistake("no π (0 after T)", NO_PI, _cosine(math.cos, zero_after_T=True)),
    Mistake("1 − cos", UPSIDE_DOWN, _cosine(lambda p: -math.cos(math.pi * p))),
    Mistake("1 − cos (0 after T)", UPSIDE_DOWN, _cosine(lambda p: -math.cos(math.pi * p), zero_after_T=True)),
]


# ---- the second blind set (issue 22): a velocity that starts at g, a search that ranks by |v|, ignores α or
# measures from the start, Adam's s from |g| or the β's swapped in the corrections, a quarter cosine, a line ----
MOMENTUM.mistakes += [
    Mistake("v started at the first gradient", "v starts at the first gradient, so the first step counts g(0) "
            "twice (v = μg + g); the velocity starts at rest, v = 0 (np.zeros_like(theta)), and the loop adds "
            "each gradient once.",
            _heavy_ball(v_start=lambda gradient, theta: np.asarray(gradient(theta), dtype=float))),
]


def _at_a_fixed_rate(descent, surface, lr, mus, steps):
    return _search(lambda path, v, s: np.linalg.norm(path[-1] - s.minima[0]))(descent, surface, 0.03, mus, steps)


# the second blind set: a case where the run ending slowest (smallest |v|) is not the one ending nearest
BEST_MU.cases.append(Case("the ravine, α = 0.03, 20 steps (the slowest end is not the nearest)",
                          (race.heavy_ball, surfaces.ravine(), 0.03, _MUS, 20)))
BEST_MU.mistakes += [
    Mistake("ranked by |v|", "you ranked the runs by the size of the returned velocity v; the prompt asks where "
            "θ ENDS: descent(...) returns (path, v), and the distance is that of path[-1] to surface.minima[0].",
            _search(lambda path, v, s: np.linalg.norm(v))),
    Mistake("α ignored", "every run used α = 0.03, not the lr you were given: pass lr on to descent(surface."
            "gradient, surface.start, lr, mu, steps).", _at_a_fixed_rate),
    Mistake("distance to the start", "you measured how far each run ended from where it STARTED, so the μ that "
            "moved least wins; the distance is to the minimum, surface.minima[0].",
            _search(lambda path, v, s: np.linalg.norm(path[-1] - s.start))),
]

ADAM.mistakes += [
    Mistake("s from |g|", "s averages |g| instead of g²: s ← β₂s + (1 − β₂)g², the mean of the SQUARED gradient "
            "(√ŝ is then the size of g, as v̂ is its mean).",
            _adam(moments=lambda v, s, g, b1, b2: (b1 * v + (1 - b1) * g, b2 * s + (1 - b2) * np.abs(g)))),
    Mistake("β₁ and β₂ swapped", "the corrections use the other β: v̂ = v / (1 − β₁ᵗ) (v is averaged with β₁) "
            "and ŝ = s / (1 − β₂ᵗ) (s with β₂).",
            _adam(correct=lambda v, s, t, b1, b2: (v / (1 - b2 ** t), s / (1 - b1 ** t)))),
]

WARMUP_COSINE.mistakes += [
    Mistake("α₀·cos without ½(1 + cos)", "after the warm-up you used α₀·cos(π/2·phase), a quarter cosine; the "
            "half cosine is ½α₀(1 + cos(π·phase)), phase = (epoch − warmup)/(T − warmup): it falls slowly at both "
            "ends, reaching α₀/2 halfway.", _cosine(lambda p: 2 * math.cos(math.pi * p / 2) - 1, zero_after_T=True)),
    Mistake("a linear decay, not a cosine", "after the warm-up α falls on a straight line, α₀(T − epoch)/(T − "
            "warmup); the schedule asked for is the half cosine ½α₀(1 + cos(π·phase)), which falls slowly at "
            "both ends.", _cosine(lambda p: 1 - 2 * p, zero_after_T=True)),
]
