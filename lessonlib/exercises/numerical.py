"""Notebook 02's gradient-checking exercises (§5), on the one harness (``harness.Exercise``).

    check_best_step(best_step)                    Exercise 2 (discovery): the central quotient's discrepancy
                                                  |quotient − exact| against the step Δ, and the Δ where it is
                                                  smallest
    check_numerical_gradient(numerical_gradient)  Exercise 3: central differences for every entry of an array

Each catalogued mistake is a wrong implementation with the student's signature.  Differences below
the rounding level of a difference quotient (about u·|J|/Δ) are not differences: there, correct
variants (÷ 2Δ or ÷ 2 ÷ Δ) already differ, so the check compares the discrepancies above that level only.
"""
import numpy as np

from .. import gradcheck
from ..backprop_lab import one_weight, worked_example
from ..network import Network
from .harness import Case, Exercise, Mistake, OffLimits, Outcome, Result, Values, as_outputs, call_guarded

U = np.finfo(np.float64).eps


def raw_type_error(value, name, what):
    """A sentence when ``value`` is not a numpy array (the next cells need one), else None."""
    if isinstance(value, np.ndarray):
        return None
    return f"{name} should be a numpy array ({what}); got {type(value).__name__}"


# ---- Exercise 2: how small a step? -------------------------------------------------------------
def central_error(J_of, w, exact, step):
    return abs((J_of(w + step) - J_of(w - step)) / (2 * step) - exact)


def best_step_reference(J_of, w, exact, steps):
    errors = np.array([central_error(J_of, w, exact, step) for step in steps])
    return steps[int(np.argmin(errors))], errors


def _best_of(error, pick=lambda steps, errors: steps[int(np.argmin(errors))]):
    """A best_step with the error of one step computed by ``error`` and the best chosen by ``pick``."""
    def best_step(J_of, w, exact, steps):
        errors = np.array([error(J_of, w, exact, step) for step in steps])
        return pick(steps, errors), errors
    return best_step


STEP_MISTAKES = [
    Mistake("one_sided", "those are the discrepancies of the one-sided quotient (J(w + Δ) − J(w))/Δ: nudge "
            "both ways, (J(w + Δ) − J(w − Δ))/(2Δ).",
            _best_of(lambda J, w, g, s: abs((J(w + s) - J(w)) / s - g))),
    Mistake("no_factor_2", "the quotient is twice the slope: the two nudges are 2Δ apart, so divide by 2Δ.",
            _best_of(lambda J, w, g, s: abs((J(w + s) - J(w - s)) / s - g))),
    Mistake("swapped", "the quotient has the wrong sign: it is (J(w + Δ) − J(w − Δ))/(2Δ), the plus side first.",
            _best_of(lambda J, w, g, s: abs((J(w - s) - J(w + s)) / (2 * s) - g))),
    Mistake("backward_one_sided", "those are the discrepancies of the one-sided quotient (J(w) − J(w − Δ))/Δ: "
            "use both nudges, (J(w + Δ) − J(w − Δ))/(2Δ).",
            _best_of(lambda J, w, g, s: abs((J(w) - J(w - s)) / s - g))),
    Mistake("no_abs", "a discrepancy is a distance, |quotient − exact|: without abs() the most negative difference "
            "looks best.",
            _best_of(lambda J, w, g, s: (J(w + s) - J(w - s)) / (2 * s) - g)),
    Mistake("relative", "asked for is the plain discrepancy |quotient − exact|; you divided it by |exact|.",
            _best_of(lambda J, w, g, s: central_error(J, w, g, s) / abs(g))),
    Mistake("squared", "asked for is the discrepancy |quotient − exact|, not its square.",
            _best_of(lambda J, w, g, s: central_error(J, w, g, s) ** 2)),
    Mistake("largest", "the discrepancies are right, but the best step is where the discrepancy is SMALLEST "
            "(np.argmin).",
            _best_of(central_error, lambda steps, errors: steps[int(np.argmax(errors))])),
    Mistake("position", "the discrepancies are right; return the step itself, steps[position], not its position "
            "(what np.argmin gives).",
            _best_of(central_error, lambda steps, errors: float(np.argmin(errors)))),
    Mistake("smallest_step", "the discrepancies are right, but the best step is not simply the smallest one: pick the "
            "step whose discrepancy is smallest.",
            _best_of(central_error, lambda steps, errors: float(np.min(steps)))),
]


def _cubic(w):
    return w ** 3 - 2.0 * w


def _step_cases():
    net, x, y = worked_example()
    decades = 10.0 ** -np.arange(1, 13)
    mixed = np.array([1e-3, 1e-8, 0.1, 1e-5, 1e-11, 1e-2, 1e-6])
    return [Case("the worked example's W²₁₁, Δ = 0.1 … 1e-12", (*one_weight(net, x, y, 2, 0, 0), decades)),
            Case("J(w) = e^w at w = 1, Δ = 0.1 … 1e-12", (np.exp, 1.0, float(np.e), decades)),
            Case("J(w) = w³ − 2w at w = 0.7, steps in no order", (_cubic, 0.7, 3 * 0.7 ** 2 - 2.0, mixed))]


class StepExercise(Exercise):
    """best_step's outputs, with each discrepancy below the rounding level of its quotient taken as the reference's."""

    def run(self, fn, case):
        outcome = super().run(fn, case)
        if outcome.values is None:
            return outcome
        best, errors = outcome.values
        J_of, w, exact, steps = case.args
        if errors.shape != np.shape(steps):
            return outcome
        want = best_step_reference(J_of, w, exact, steps)[1]
        level = 64 * U * np.array([max(abs(J_of(w + s)), abs(J_of(w - s)), 1e-300) for s in steps]) / steps
        snapped = Values((best, np.where(np.abs(errors - want) <= 1e-6 * want + level, want, errors)))
        snapped.items = outcome.values.items                   # the objects returned (a list stays a list)
        outcome.values = snapped
        return outcome


BEST_STEP = StepExercise(
    "best_step", best_step_reference, _step_cases(), ("best Δ", "discrepancies"),
    mistakes=STEP_MISTAKES,
    success="your discrepancies are right on every case, and so is the step you picked.")


# ---- Exercise 3: the numerical gradient of a whole array ------------------------------------------
def numerical_gradient_reference(cost, theta, step):
    grad = np.zeros(theta.shape)
    for j in np.ndindex(theta.shape):
        saved = theta[j]
        theta[j] = saved + step
        plus = cost()
        theta[j] = saved - step
        minus = cost()
        theta[j] = saved                                       # put it back
        grad[j] = (plus - minus) / (2 * step)
    return grad


def _per_entry(quotient, restore=True, on_copy=False):
    """A numerical_gradient with its own quotient(cost, theta, i, saved, step); ``restore``: put θ_i back."""
    def numerical_gradient(cost, theta, step):
        grad = np.zeros(theta.shape)
        target = theta.copy() if on_copy else theta
        for i in np.ndindex(theta.shape):
            saved = target[i]
            grad[i] = quotient(cost, target, i, saved, step)
            if restore:
                target[i] = saved
        return grad
    return numerical_gradient


def _central(cost, theta, i, saved, step, first=1.0, second=-1.0, over=2.0):
    theta[i] = saved + first * step
    plus = cost()
    theta[i] = saved + second * step
    return (plus - cost()) / (over * step)


def _one_sided(cost, theta, i, saved, step):
    J = cost()
    theta[i] = saved + step
    return (cost() - J) / step


def _second_at_theta(cost, theta, i, saved, step):
    theta[i] += step
    plus = cost()
    theta[i] -= step                                            # back at θ, not at θ − Δ
    return (plus - cost()) / (2 * step)


def _nudged_all(cost, theta, step):
    saved = theta.copy()
    theta += step
    plus = cost()
    theta[...] = saved - step
    minus = cost()
    theta[...] = saved
    return np.full(theta.shape, (plus - minus) / (2 * step))


def _rows(cost, theta, step):
    """for i in range(theta.shape[0]): theta[i] is a whole row of a 2-D theta (nudged together)."""
    grad = np.zeros(theta.shape)
    for i in range(theta.shape[0]):
        old = theta[i].copy()
        theta[i] = old + step
        plus = cost()
        theta[i] = old - step
        minus = cost()
        theta[i] = old
        grad[i] = (plus - minus) / (2 * step)
    return grad


def _library(cost, theta, step):
    return gradcheck.numerical_gradient(cost, theta, step)


NUMGRAD_OFF = ("Exercise 3 asks you to write the central differences yourself: lessonlib's numerical_gradient "
               "and gradient_check are off limits here.")

NUMGRAD_MISTAKES = [
    Mistake("one_sided", "that is the one-sided quotient (J(θ + Δ) − J(θ))/Δ, off by order Δ: nudge both ways "
            "and divide by 2Δ.", _per_entry(_one_sided)),
    Mistake("no_factor_2", "every entry is twice the slope: the two nudges are 2Δ apart, so divide by 2Δ.",
            _per_entry(lambda c, t, i, s, h: _central(c, t, i, s, h, over=1.0))),
    Mistake("swapped", "every entry has the wrong sign: J at θ + Δ comes first, (J₊ − J₋)/(2Δ).",
            _per_entry(lambda c, t, i, s, h: _central(c, t, i, s, h, first=-1.0, second=1.0))),
    Mistake("second_at_theta", "the second cost() runs at θ itself, not at θ − Δ: `theta[i] -= step` after "
            "`+= step` only goes back to the start. Set theta[i] = old - step.", _per_entry(_second_at_theta)),
    Mistake("not_restored", "each entry is left at θ_i − Δ, so every later entry is measured at a moved point "
            "(and your θ stays changed): save the value first and put it back, theta[i] = old.",
            _per_entry(_central, restore=False)),
    Mistake("nudged_a_copy", "every entry is 0: you nudged a copy of theta, which cost() never reads. Change "
            "theta itself, in place, and put the value back afterwards.", _per_entry(_central, on_copy=True)),
    Mistake("rows", "with one index, theta[i] is a whole row of a 2-D array, so each row was nudged at once: walk "
            "every entry with np.ndindex(theta.shape) (or theta.flat).", _rows),
    Mistake("nudged_all", "you moved every entry of theta at once, so each entry got the slope along all of "
            "them together; nudge one entry at a time (np.ndindex(theta.shape)).", _nudged_all),
]


def _net_case(label, sizes, f, m, kind, step, seed):
    def make():
        rng = np.random.default_rng(seed)
        net = Network(sizes, activation=f, loss="mse", seed=seed)
        net.b[m] = rng.normal(0.0, 0.5, net.b[m].shape)
        X, Y = rng.normal(0.0, 1.0, (sizes[0], 4)), rng.random((sizes[-1], 4))
        theta = net.W[m] if kind == "W" else net.b[m]
        return (lambda: net.cost(X, Y)), theta
    return Case(label, (make, step))


def _function_case():
    def make():
        theta = np.array([[0.3, -1.2, 2.0], [0.7, 0.0, -0.4]])
        return (lambda: float(np.sum(np.sin(theta) * theta ** 2))), theta
    return Case("J(θ) = Σ sin(θ) θ² on a 2×3 θ, Δ = 1e-4", (make, 1e-4))


class NumericalGradientExercise(Exercise):
    """The student's function gets a fresh (cost, theta) from the case's factory: cost() reads theta, so
    nudging theta in place moves cost().  theta must come back as it was (to rounding)."""

    def run(self, fn, case):
        make, step = case.args
        cost, theta = make()
        before = theta.copy()
        with self.library_off(fn):
            out, error, _ = call_guarded(lambda: fn(cost, theta, step), Case(case.label, ()), self.time_limit)
        if error:
            return Outcome(error=error)
        wrong_type = raw_type_error(out, "the result", "shaped like theta, e.g. from np.zeros_like(theta)")
        if wrong_type and out is not None:
            return Outcome(error=wrong_type)
        values, error = as_outputs(out, self.outputs)
        moved = not np.allclose(theta, before, rtol=1e-12, atol=1e-15)
        return Outcome(values=values, error=error, raw=out, mutated=[1] if moved else [])

    def expected(self, case):
        return self.run(self.reference, case).values

    def diagnose(self, fn):
        result = super().diagnose(fn)
        if result.mistake == "mutated":
            return Result(self.name, False, "mutated", "right values, but theta is not as it was afterwards: put "
                          "each entry's original value back (save it first: old = theta[i]; …; theta[i] = old).")
        return result


NUMERICAL_GRADIENT = NumericalGradientExercise(
    "numerical_gradient", numerical_gradient_reference,
    [_net_case("W¹ of a 3–4–2 sigmoid network, Δ = 1e-5", [3, 4, 2], "sigmoid", 1, "W", 1e-5, 0),
     _net_case("b² of a 2–3–3 tanh network, Δ = 1e-6", [2, 3, 3], "tanh", 2, "b", 1e-6, 1),
     _function_case()],
    ("the gradient",), mistakes=NUMGRAD_MISTAKES, rtol=1e-6, atol=1e-9,
    off_limits=OffLimits(Mistake("used_library", NUMGRAD_OFF, _library),
                         objects=(gradcheck.numerical_gradient, gradcheck.gradient_check),
                         attributes=((gradcheck, "numerical_gradient"), (gradcheck, "gradient_check"))),
    success="your central differences match on every case, and theta is back as it was.")

EXERCISES = {"best_step": BEST_STEP, "numerical_gradient": NUMERICAL_GRADIENT}
