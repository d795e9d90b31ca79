"""Notebook 03's exercises: the momentum step, the Adam step written whole, a step-decay schedule.

    from lessonlib.exercises.optimizers import check_momentum_step
    check_momentum_step(momentum_step)        # prints ✓ or ✗ and names the mistake
"""
import numpy as np

from .. import schedules
from .harness import Case, Exercise, Mistake

_rng = np.random.default_rng(3)
_T2, _G2, _V2 = _rng.normal(size=2), _rng.normal(size=2), _rng.normal(size=2)
_T23, _G23, _V23 = _rng.normal(size=(2, 3)), _rng.normal(size=(2, 3)), _rng.normal(size=(2, 3))
_S2, _S23 = _rng.uniform(0.2, 1.5, size=2), _rng.uniform(0.2, 1.5, size=(2, 3))


# ---- Exercise 1: one heavy-ball step, this series' form v ← μv + g, θ ← θ − αv -----------------------------
def momentum_reference(theta, g, v, lr, mu):
    v = mu * v + g
    return theta - lr * v, v


MOMENTUM = Exercise(
    "momentum_step", momentum_reference,
    cases=[Case("first step (v = 0), α = 0.1, μ = 0.9", (_T2, _G2, np.zeros(2), 0.1, 0.9)),
           Case("a later step (v ≠ 0), α = 0.1, μ = 0.9", (_T2, _G2, _V2, 0.1, 0.9)),
           Case("2×3 arrays, v ≠ 0, α = 0.02, μ = 0.8", (_T23, _G23, _V23, 0.02, 0.8)),
           Case("v ≠ 0, α = 0.5, μ = 0.5", (_T2, _G2, _V2, 0.5, 0.5))],
    outputs=("θ", "v"),
    mistakes=[
        Mistake("no velocity", "the velocity is not carried over: your v is just g each step, so this is plain "
                "gradient descent. Start from the v you were given: v ← μv + g.",
                lambda theta, g, v, lr, mu: (theta - lr * g, g)),
        Mistake("sign", "sign error: θ moves along +v, uphill. The step is θ ← θ − αv.",
                lambda theta, g, v, lr, mu: (theta + lr * (mu * v + g), mu * v + g)),
        Mistake("alpha twice", "α applied twice: v ← μv + αg puts α into v, and θ ← θ − αv applies it again. "
                "In this series' form v ← μv + g holds no α.",
                lambda theta, g, v, lr, mu: (theta - lr * (mu * v + lr * g), mu * v + lr * g)),
        Mistake("average form", "that is the 'average' form v ← μv + (1 − μ)g, θ ← θ − αv (a running mean of "
                "gradients, as in Adam's v): it is this series' form with α replaced by α(1 − μ), a 10× smaller "
                "step at μ = 0.9. Here v ← μv + g (a running sum).",
                lambda theta, g, v, lr, mu: (theta - lr * (mu * v + (1 - mu) * g), mu * v + (1 - mu) * g)),
        Mistake("velocity form", "that is the 'velocity' form v ← μv − αg, θ ← θ + v (Sutskever et al.): its v is "
                "−α times this series' v, so your first step from v = 0 is right but the v you return is not. "
                "Here v ← μv + g and α multiplies v only in θ ← θ − αv.",
                lambda theta, g, v, lr, mu: (theta + (mu * v - lr * g), mu * v - lr * g)),
        Mistake("alpha inside v", "your v holds α (v ← μv + αg, θ ← θ − v): with a constant α your θ follows the "
                "same path, but the v you return is α times too small, and the two part as soon as α changes. "
                "Here v ← μv + g and α multiplies v only in θ ← θ − αv.",
                lambda theta, g, v, lr, mu: (theta - (mu * v + lr * g), mu * v + lr * g)),
        Mistake("v not updated", "v is not updated: return the new velocity μv + g so that the next step can use it.",
                lambda theta, g, v, lr, mu: (theta - lr * (mu * v + g), v)),
        Mistake("old velocity", "θ moves with the old velocity: update v ← μv + g first, then θ ← θ − αv "
                "with the new v.",
                lambda theta, g, v, lr, mu: (theta - lr * v, mu * v + g)),
        Mistake("nesterov", "that is Nesterov's step θ ← θ − α(g + μv); this exercise asks for plain (heavy-ball) "
                "momentum, θ ← θ − αv.",
                lambda theta, g, v, lr, mu: (theta - lr * (g + mu * (mu * v + g)), mu * v + g)),
    ],
    success="momentum_step matches SGD(lr, momentum=mu) on every case: v ← μv + g, θ ← θ − αv, "
            "on a first step, later steps and 2×3 arrays.")


# ---- Exercise 2: one Adam step, written whole -----------------------------------------------------------
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


def _only_v_message(beta2=0.999):
    return (f"only v is corrected: ŝ = s / (1 − β₂ᵗ) is needed too. Without it the first step is "
            f"1/√(1 − β₂) = {1 / np.sqrt(1 - beta2):.1f} times too large at β₂ = {beta2} "
            f"(s = (1 − β₂)g² after one step).")


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
        Mistake("t not returned", "θ, v and s are right but the t you return is the old one: return t + 1 so that "
                "the next step corrects with the right power.",
                lambda *args: adam_reference(*args)[:3] + (args[4],)),
    ],
    success="adam_step matches lessonlib's Adam on the first step, a later step with 2×3 arrays and a large ε.")


# ---- Exercise 3: a step-decay schedule ----------------------------------------------------------------
def step_decay_reference(k, lr0, drop, every):
    return schedules.step_decay(lr0, drop=drop, every=every)(k)


STEP_DECAY = Exercise(
    "step_decay", step_decay_reference,
    cases=[Case(f"k = {k}, α₀ = 0.1, drop = 0.5, every = 10", (k, 0.1, 0.5, 10)) for k in (0, 5, 9, 10, 15, 25)]
    + [Case("k = 7, α₀ = 0.3, drop = 0.1, every = 3", (7, 0.3, 0.1, 3))],
    outputs=("α_k",),
    mistakes=[
        Mistake("every step", "α drops at every epoch (drop^k); it should drop once every `every` epochs: "
                "drop^⌊k / every⌋.", lambda k, lr0, drop, every: lr0 * drop ** k),
        Mistake("no floor", "the exponent k / every is not rounded down, so α decays smoothly instead of in "
                "steps: use k // every.", lambda k, lr0, drop, every: lr0 * drop ** (k / every)),
        Mistake("round", "round(k / every) rounds half-way epochs up (k = 15 → 2); the schedule needs the floor "
                "⌊k / every⌋ (k // every).", lambda k, lr0, drop, every: lr0 * drop ** round(k / every)),
        Mistake("ceil", "the ceiling ⌈k / every⌉ drops α already at k = 1; use the floor, k // every.",
                lambda k, lr0, drop, every: lr0 * drop ** int(np.ceil(k / every))),
        Mistake("off by one", "off by one: (k + 1) // every drops α one epoch early (at k = 9 instead of 10). "
                "Epochs count from k = 0, and α₀ holds for k = 0 … every − 1.",
                lambda k, lr0, drop, every: lr0 * drop ** ((k + 1) // every)),
        Mistake("k from 1", "(k − 1) // every assumes epochs count from 1; here they count from k = 0, so "
                "α_0 must be α₀.", lambda k, lr0, drop, every: lr0 * drop ** ((k - 1) // every)),
        Mistake("product", "drop multiplies ⌊k / every⌋ instead of being raised to it: α_k = α₀ · drop^⌊k/every⌋.",
                lambda k, lr0, drop, every: lr0 * drop * (k // every)),
    ],
    success="step_decay matches lessonlib.schedules.step_decay: α₀ · drop^⌊k / every⌋ on every case.")


EXERCISES = {e.name: e for e in (MOMENTUM, ADAM, STEP_DECAY)}
check_momentum_step = EXERCISES["momentum_step"].check
check_adam_step = EXERCISES["adam_step"].check
check_step_decay = EXERCISES["step_decay"].check
