"""The exercise harness (lessonlib/exercises/harness.py) and every lesson's catalogue of mistakes.

Every catalogued mistake is a wrong implementation; feeding it to its exercise's check must name it,
and the reference must pass.  The harness itself: nothing a student writes surfaces as the check's
own traceback, a list stands in for a tuple, and an unknown mistake is located (output, amount, case).
"""
import importlib
import types

import numpy as np
import pytest

from lessonlib.exercises import LESSON_MODULES, harness
from lessonlib.exercises.harness import Case, Exercise, Mistake, OffLimits


def step(theta, g, lr):
    return theta - lr * g, lr * g


TOY = Exercise(
    "toy_step", step,
    cases=[Case("a 2-vector", (np.array([1.0, -2.0]), np.array([0.5, 3.0]), 0.1)),
           Case("a 2×3 matrix", (np.arange(6.0).reshape(2, 3), np.ones((2, 3)), 0.5))],
    outputs=("θ", "the step"),
    mistakes=[Mistake("uphill", "you moved uphill", lambda theta, g, lr: (theta + lr * g, lr * g)),
              Mistake("no_lr", "the step ignores α", lambda theta, g, lr: (theta - g, g))],
    success="the step is right", time_limit=1)


def diagnose(fn):
    return TOY.diagnose(fn)


def test_the_reference_passes_and_a_list_stands_in_for_a_tuple():
    assert diagnose(step).passed
    assert diagnose(lambda theta, g, lr: [theta - lr * g, lr * g]).passed


def test_a_catalogued_mistake_is_named():
    result = diagnose(lambda theta, g, lr: (theta + lr * g, lr * g))
    assert (result.passed, result.mistake, result.message) == (False, "uphill", "you moved uphill")


def test_an_unknown_mistake_names_the_first_wrong_output_the_amount_and_the_case():
    result = diagnose(lambda theta, g, lr: (theta - lr * g, lr * g + 0.3 * (g > 1)))
    assert result.mistake == "other"
    assert "the step is off by up to 0.3" in result.message and "case: a 2-vector" in result.message
    assert "expected 0.3, got 0.6" in result.message


def test_a_wrong_case_is_found_even_when_the_first_is_right():
    result = diagnose(lambda theta, g, lr: (theta - lr * g, lr * g) if theta.ndim == 1 else (theta + 1, lr * g))
    assert result.mistake == "other" and "case: a 2×3 matrix" in result.message and result.message.startswith("not yet: θ")
    result = diagnose(lambda theta, g, lr: (theta - lr * g, lr * g) if theta.ndim == 1 else (theta, lr * g))
    assert result.mistake == "not updated" and "θ is the argument `theta` as it was given (on the case a 2×3 matrix)" \
        in result.message


@pytest.mark.parametrize("fn, words", [
    (lambda theta, g, lr: 1 / 0, "it raised ZeroDivisionError: division by zero"),
    (lambda theta, g, lr: theta.undefined, "it raised AttributeError"),
    (lambda theta, g, lr: (theta,), "it should return 2 values (θ, the step); got 1"),
    (lambda theta, g, lr: theta, "as a tuple; got one ndarray"),
    (lambda theta, g, lr: (None, g), "θ is None: is a `return` missing?"),
    (lambda theta, g, lr: ("θ", g), "θ should be a number or an array of numbers; got str"),
    (lambda theta, g, lr: (theta * 1j, g), "θ holds complex numbers"),
    (lambda theta, g, lr: (theta * np.nan, lr * g), "θ holds NaN or inf at index (0,)"),
    (lambda theta, g, lr: (theta * 1e308 * 1e308, lr * g), "θ holds NaN or inf"),
    (lambda theta, g, lr: (theta - lr * g, (lr * g).T), "the step has shape"),
])
def test_nothing_a_student_writes_raises_out_of_the_check(fn, words, capsys):
    with np.errstate(all="raise"):
        result = TOY.check(fn)
    out = capsys.readouterr()
    assert not result.passed and words in result.message
    assert out.out.startswith("✗ ") and out.err == ""


def test_an_endless_loop_is_stopped():
    def forever(theta, g, lr):
        while True:
            pass
    result = diagnose(forever)
    assert result.mistake == "error" and "did not finish within 1 s" in result.message


def test_not_written_yet_and_not_a_function():
    def placeholder(theta, g, lr):
        raise NotImplementedError("Exercise 1: write your code here")
    assert diagnose(placeholder).mistake == "not done" and "not written yet" in diagnose(placeholder).message
    assert "pass your function itself" in diagnose(step(np.ones(2), np.ones(2), 0.1)).message


def test_changing_the_callers_array_is_reported_only_when_the_values_are_right():
    def in_place(theta, g, lr):
        theta -= lr * g
        return theta, lr * g
    result = diagnose(in_place)
    assert result.mistake == "mutated" and "changed the array you were given (argument 1" in result.message


def test_every_check_is_recorded_for_grading():
    before = len(harness.RESULTS)
    TOY.check(step)
    assert harness.RESULTS[before:] == [harness.Result("toy_step", True, None, "the step is right")]


def test_mistake_names_must_be_distinct():
    with pytest.raises(ValueError, match="distinct"):
        Exercise("x", step, [], ("θ",), [Mistake("a", "", step), Mistake("a", "", step)])


def catalogued():
    for number, name in LESSON_MODULES.items():
        try:
            module = importlib.import_module(f"lessonlib.exercises.{name}")
        except ModuleNotFoundError:
            continue
        for exercise in module.EXERCISES.values():
            yield pytest.param(exercise, id=f"{number}-{exercise.name}")


@pytest.mark.parametrize("exercise", list(catalogued()))
def test_every_lessons_reference_passes_and_every_catalogued_mistake_is_named(exercise):
    assert exercise.diagnose(exercise.reference).passed, f"{exercise.name}: the reference fails its own check"
    assert len(exercise.cases) >= 2, f"{exercise.name}: check on several cases"
    for mistake in exercise.mistakes:
        result = exercise.diagnose(mistake.fn)
        assert not result.passed, f"{exercise.name}: mistake {mistake.name!r} passes the check"
        assert result.mistake == mistake.name, (f"{exercise.name}: mistake {mistake.name!r} was diagnosed as "
                                                f"{result.mistake!r}: {result.message}")
        assert mistake.message.strip()


def test_every_lesson_has_exercises():
    assert len(list(catalogued())) >= 8, "each of the four lessons has at least two checked exercises"


def test_under_nbgrader_a_failed_check_raises_so_the_cell_scores_zero(monkeypatch, capsys):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    with pytest.raises(AssertionError, match="you moved uphill"):
        TOY.check(lambda theta, g, lr: (theta + lr * g, lr * g))
    assert TOY.check(step).passed


# ---- one way to switch the library off while the student's function runs -------------------------------
def library_step(theta, g, lr):                 # "the library" of the toy exercise
    return theta - lr * g, lr * g


library_step.__module__ = "toylib"              # "the library" here is the module toylib
TOYLIB = types.ModuleType("toylib")             # a library module whose attribute the check switches off
TOYLIB.library_step = library_step
USED = Mistake("used the library", "write the step yourself", lambda theta, g, lr: library_step(theta, g, lr))


def toy_with_off_limits(**where):
    return Exercise("toy_step", step, TOY.cases, TOY.outputs, off_limits=OffLimits(USED, library=("toylib",), **where),
                    time_limit=1)


@pytest.mark.parametrize("where, source", [
    ({"names": ("library_step",)}, "def mine(theta, g, lr):\n    return library_step(theta, g, lr)\n"),
    ({"objects": (library_step,)}, "def mine(theta, g, lr):\n    return alias(theta, g, lr)\n"),
    ({"objects": (np,)}, "def mine(theta, g, lr):\n    return np.subtract(theta, lr * g), lr * g\n"),
    ({"attributes": ((TOYLIB, "library_step"),)}, "def mine(theta, g, lr):\n    return toylib.library_step(theta, g, lr)\n"),
])
def test_reaching_for_what_is_switched_off_is_the_catalogued_mistake_and_everything_comes_back(where, source):
    space = {"library_step": library_step, "alias": library_step, "np": np, "toylib": TOYLIB}
    before = dict(space)
    exec(source, space)
    result = toy_with_off_limits(**where).diagnose(space["mine"])
    assert (result.passed, result.mistake) == (False, "used the library")
    assert result.message.startswith("write the step yourself (your function called ")
    assert {k: space[k] for k in before} == before and TOYLIB.library_step is library_step


def test_the_reference_and_an_honest_function_run_with_the_library_on_and_off():
    exercise = toy_with_off_limits(names=("library_step",), objects=(np,))
    assert exercise.diagnose(step).passed
    assert USED in exercise.mistakes and exercise.mistakes.count(USED) == 1
    space = {"library_step": library_step}
    exec("def mine(theta, g, lr):\n    return theta - lr * g, lr * g\n", space)
    assert exercise.diagnose(space["mine"]).passed


def test_use_hands_on_the_students_function_once_it_passes_and_the_librarys_until_then(capsys):
    def mine(theta, g, lr):
        return theta - lr * g, lr * g

    def unfinished(theta, g, lr):
        raise NotImplementedError("Exercise 1: replace this line with your code")

    passed = TOY.check(mine)
    capsys.readouterr()
    assert passed.use(mine) is mine and capsys.readouterr().out == ""
    for wrong in (unfinished, lambda theta, g, lr: (theta + lr * g, lr * g)):
        result = TOY.check(wrong)
        capsys.readouterr()
        assert result.use(wrong) is step                  # the fallback defaults to the reference
        said = capsys.readouterr().out
        assert said.count("\n") == 1 and "toy_step" in said and "lessonlib's version" in said
    library = Exercise("toy_step", step, TOY.cases, TOY.outputs, fallback=mine)
    assert library.check(unfinished).use(unfinished) is mine
    harness.RESULTS.clear()


# ---- the families of slips (families.py), each on a toy exercise ----------------------------------------
from lessonlib.exercises import families  # noqa: E402
from lessonlib.exercises.harness import Family, Variant  # noqa: E402


@pytest.fixture(autouse=True)
def strict_families(monkeypatch):
    monkeypatch.setattr(families, "STRICT", True)       # a family that fails raises here, instead of saying nothing


X4, Y4 = np.array([-1.0, 0.0, 2.0, 3.0]), np.array([1.0, 0.5, 3.0, 2.0])
X7 = np.array([0.5, 1.0, 2.5, 3.0, 4.5, 6.0, 7.5])
Y7 = np.array([2.0, 2.5, 4.0, 4.5, 6.5, 7.0, 9.5])


def gradient(theta, x, y):
    r = theta[0] + theta[1] * x - y
    return np.array([r.mean(), (r * x).mean()])


GRADIENT = Exercise("gradient", gradient, [Case("4 points", (np.array([0.5, -1.0]), X4, Y4)),
                                            Case("7 points", (np.array([2.0, 0.3]), X7, Y7))], ("∇J",))


def residual(theta, x):
    return theta[0] + theta[1] * x


@pytest.mark.parametrize("wrong, family, words", [
    (lambda t, x, y: -gradient(t, x, y), "sign", "∇J has the wrong sign (on every case)"),
    (lambda t, x, y: len(x) * gradient(t, x, y), "factor len(x)",
     "∇J is len(x) times the right value (4, 7: len(x)), on every case: a sum where a mean belongs"),
    (lambda t, x, y: gradient(t, x, y) / len(x), "factor len(x)", "a mean where a sum belongs, or an extra 1/len(x)"),
    (lambda t, x, y: 2 * gradient(t, x, y), "factor 2", "∇J is twice the right value"),
    (lambda t, x, y: gradient(t, x, y) / 2, "factor 2", "∇J is half the right value"),
    (lambda t, x, y: -2 * gradient(t, x, y), "factor 2", "twice the right value and the wrong sign"),
    (lambda t, x, y: len(x) / 2 * gradient(t, x, y), "factor len(x)/2", "∇J is len(x)/2 times the right value"),
    (lambda t, x, y: 0.37 * gradient(t, x, y), "constant factor", "∇J is 0.37 times the right value (on every case)"),
    (lambda t, x, y: gradient(t, x, y)[::-1], "reordered", "∇J holds the right numbers in the wrong order"),
    (lambda t, x, y: gradient(t, x, y).reshape(2, 1), "shape",
     "∇J has shape (2, 1); expected (2,) (on every case): the numbers are right, the shape is not; leave out"),
    (lambda t, x, y: gradient(t, x, y).sum(), "summed too far", "it is the right array summed over every entry"),
    (lambda t, x, y: gradient(t, x, y) if len(x) == 4 else 2 * gradient(t, x, y), "factor 2",
     "∇J is twice the right value (on the case 7 points)"),
])
def test_a_family_names_the_slip_the_output_and_the_cases(wrong, family, words):
    result = GRADIENT.diagnose(wrong)
    assert (result.passed, result.mistake) == (False, family), result.message
    assert result.message.startswith("not yet: ") and words in result.message, result.message


def test_some_entries_off_by_a_factor_the_others_right():
    result = GRADIENT.diagnose(lambda t, x, y: gradient(t, x, y) * np.array([len(x), 1.0]))
    assert result.mistake == "factor len(x)"
    assert "∇J[0] is len(x) times the right value" in result.message and "(the other entries are right)" in result.message
    result = GRADIENT.diagnose(lambda t, x, y: gradient(t, x, y) * np.array([1.0, -1.0]))
    assert result.mistake == "sign" and "∇J[1] has the wrong sign, the other entries are right" in result.message


def test_an_array_times_another_number_on_each_case():
    result = GRADIENT.diagnose(lambda t, x, y: gradient(t, x, y) / (1 - 0.9 ** len(x)))
    assert result.mistake == "scalar factor"
    assert "∇J is the right array times one number on each case (2.908, 1.917; on every case)" in result.message


def test_several_numbers_where_one_belongs():
    ex = Exercise("largest", lambda x: np.sort(x)[-1], [Case("3", (np.array([3.0, 1.0, 2.0]),)),
                                                         Case("4", (np.array([-1.0, 5.0, 0.5, 2.0]),))], ("max",))
    result = ex.diagnose(lambda x: np.sort(x))
    assert result.mistake == "several values" and "one of its 3 numbers is the right one" in result.message


def test_a_catalogued_mistake_keeps_precedence_over_a_family():
    catalogued = Exercise("gradient", gradient, GRADIENT.cases, ("∇J",),
                          mistakes=[Mistake("sum instead of mean", "J is a mean", lambda t, x, y: len(x) * gradient(t, x, y))])
    assert catalogued.diagnose(lambda t, x, y: len(x) * gradient(t, x, y)).mistake == "sum instead of mean"


def test_what_no_family_explains_keeps_the_plain_comparison():
    result = GRADIENT.diagnose(lambda t, x, y: gradient(t, x, y) + np.array([0.0, 0.25]))
    assert result.mistake == "other" and result.message.startswith("not yet: ∇J is off by up to 0.25 at index (1,)")


def grad_and_step(theta, x, y, lr):
    g = gradient(theta, x, y)
    return g, theta - lr * g


TWO = Exercise("grad_and_step", grad_and_step, [Case("4 points", (np.array([0.5, -1.0]), X4, Y4, 0.1)),
                                                Case("7 points", (np.array([2.0, 0.3]), X7, Y7, 0.05))], ("∇J", "θ"))


def test_outputs_returned_in_the_wrong_order():
    result = TWO.diagnose(lambda t, x, y, lr: grad_and_step(t, x, y, lr)[::-1])
    assert result.mistake == "outputs swapped"
    assert "your ∇J is the right θ, your θ is the right ∇J; return them as (∇J, θ)" in result.message


def test_one_output_holding_another_s_value():
    result = TWO.diagnose(lambda t, x, y, lr: (gradient(t, x, y),) * 2)
    assert result.mistake == "outputs swapped" and "θ holds what ∇J should be (on every case)" in result.message


def test_each_wrong_output_is_named_on_its_own_and_a_number_as_a_factor():
    result = TWO.diagnose(lambda t, x, y, lr: (-gradient(t, x, y), t - gradient(t, x, y)))
    assert result.mistake == "sign" and "; and θ is off by up to 5.17" in result.message     # θ: the plain comparison
    result = TWO.diagnose(lambda t, x, y, lr: (-gradient(t, x, y), (t - lr * gradient(t, x, y))[::-1]))
    assert result.mistake == "sign, reordered" and "; θ holds the right numbers in the wrong order" in result.message
    result = TWO.diagnose(lambda t, x, y, lr: (gradient(t, x, y), t - lr * lr * gradient(t, x, y)))
    assert result.mistake == "other"                 # θ − α²g: not a factor of θ, so the plain comparison
    result = TWO.diagnose(lambda t, x, y, lr: (lr * gradient(t, x, y), t - lr * gradient(t, x, y)))
    assert result.mistake == "factor lr" and "∇J is lr times the right value (lr = 0.1, 0.05)" in result.message


def mean_over_batch(delta, a_prev):
    """(n, B) and (m, B): δ (a^{m-1})^T / B and the mean of δ over the batch."""
    B = a_prev.shape[1]
    return delta @ a_prev.T / B, delta.sum(axis=1, keepdims=True) / B


_rng = np.random.default_rng(0)
BATCH_CASES = [Case("n = 3, m = 4, B = 5", (_rng.normal(size=(3, 5)), _rng.normal(size=(4, 5)))),
               Case("n = 2, m = 2, B = 6", (_rng.normal(size=(2, 6)), _rng.normal(size=(2, 6))))]
BATCH = Exercise("mean_over_batch", mean_over_batch, BATCH_CASES, ("∂J/∂W", "∂J/∂b"), sizes={"B": ("a_prev", 1)})


@pytest.mark.parametrize("wrong, family, words", [
    (lambda d, a: (d @ a.T, mean_over_batch(d, a)[1]), "factor B",
     "∂J/∂W is B times the right value (B = 5, 6), on every case: a sum where a mean belongs, or a missing 1/B"),
    (lambda d, a: (d @ a.T / a.shape[1] ** 2, mean_over_batch(d, a)[1]), "factor B", "a mean where a sum belongs"),
    (lambda d, a: (d @ a.T / d.shape[0], mean_over_batch(d, a)[1]), "divided by the rows of delta",
     "∂J/∂W is divided by the rows of delta where it should be divided by B"),
    (lambda d, a: (a @ d.T / a.shape[1], mean_over_batch(d, a)[1]), "transposed",
     "∂J/∂W has shape (4, 3); expected (3, 4) (on every case): it is the transpose"),
    (lambda d, a: (mean_over_batch(d, a)[0], d / a.shape[1]), "not summed",
     "∂J/∂b has shape (3, 5); expected (3, 1) (on every case): it is not summed over axis 1 yet"),
    (lambda d, a: (mean_over_batch(d, a)[0], d.mean(axis=1)), "shape",
     "keep the summed axis (sum(axis=..., keepdims=True))"),
    (lambda d, a: (mean_over_batch(d, a)[0], np.array(d.mean())), "averaged too far",
     "it is the right array averaged over every entry"),
])
def test_factors_of_the_batch_size_the_wrong_axis_and_shapes(wrong, family, words):
    result = BATCH.diagnose(wrong)
    assert result.mistake == family, result.message
    assert words in result.message, result.message


def test_an_argument_returned_as_it_came_and_a_column_broadcast_against_a_row():
    ex = Exercise("bias_step", lambda b, d, lr: b - lr * d.sum(axis=1, keepdims=True),
                  [Case("n = 3", (np.ones((3, 1)), BATCH_CASES[0].args[0], 0.1)),
                   Case("n = 2", (np.zeros((2, 1)), BATCH_CASES[1].args[0], 0.5))], ("b",))
    result = ex.diagnose(lambda b, d, lr: b.copy())
    assert result.mistake == "not updated" and "b is the argument `b` as it was given (on every case)" in result.message
    result = ex.diagnose(lambda b, d, lr: b - lr * d.sum(axis=1))
    assert result.mistake == "broadcast" and "b has shape (3, 3); expected (3, 1)" in result.message
    assert "NumPy broadcast the two into a table (its diagonal is the right answer)" in result.message


def test_a_square_output_transposed():
    square = Exercise("square", lambda d, a: d @ a.T, BATCH_CASES[1:] + [Case("3 × 3", (np.arange(9.0).reshape(3, 3),
                                                                                      np.eye(3) + 1))], ("W",))
    result = square.diagnose(lambda d, a: a @ d.T)
    assert result.mistake == "transposed" and "W is the transpose of the right one (on every case)" in result.message


def descend(theta, lr, steps):
    """The path θ_0 … θ_steps of gradient descent on J = ½|θ|² (∇J = θ)."""
    path = [theta]
    for _ in range(steps):
        theta = theta - lr * theta
        path.append(theta)
    return np.array(path)


PATH = Exercise("descend", descend, [Case("2 steps", (np.array([1.0, -2.0]), 0.5, 2)),
                                     Case("4 steps", (np.array([3.0, 1.0, 0.5]), 0.1, 4))], ("the path",))


def descend_in_place(theta, lr, steps, as_list=False):
    theta = theta.copy()
    path = [theta.copy()]
    for _ in range(steps):
        theta -= lr * theta                    # one array, changed in place
        path.append(theta)
    return path if as_list else np.array(path)


@pytest.mark.parametrize("as_list", [True, False], ids=["a list of one array", "np.array of it"])
def test_an_in_place_update_that_aliases_the_steps(as_list):
    result = PATH.diagnose(lambda theta, lr, steps: descend_in_place(theta, lr, steps, as_list))
    assert result.mistake == "in-place update", result.message
    assert "entries of the path are one and the same array, the last value (on every case)" in result.message
    assert "theta.copy()" in result.message


def test_an_argument_changed_in_place_is_said_when_the_values_are_wrong():
    def wrong(theta, lr, steps):
        theta -= lr * theta                    # the caller's array, and then the path starts one step late
        return descend(theta, lr, steps)
    result = PATH.diagnose(wrong)
    assert result.mistake == "scalar factor, changed its argument" and "it changed argument 1 in place" in result.message
    result = PATH.diagnose(lambda theta, lr, steps: (theta.__isub__(theta), descend(theta + 1, lr, steps))[1])
    assert result.mistake == "changed its argument" and "the path is off by up to" in result.message


def adam_like(theta, g, t, lr, axis=0):
    t = t + 1
    return theta - lr * g.mean(axis=axis, keepdims=True) / (1 - 0.9 ** t), t


ADAM_CASES = [Case("t = 0", (np.ones((2, 3)), np.arange(6.0).reshape(2, 3), 0, 0.1)),
              Case("t = 4", (np.zeros((2, 3)), np.array([[1.0, -2.0, 0.5], [3.0, 1.0, -1.0]]), 4, 0.2))]


def test_an_off_by_one_in_an_int_argument():
    ex = Exercise("adam_like", adam_like, ADAM_CASES, ("θ", "t"))
    result = ex.diagnose(lambda theta, g, t, lr: (adam_like(theta, g, t + 1, lr)[0], t + 1))
    assert result.mistake == "off by one: t", result.message
    assert "θ is what the right formula gives with `t` one larger (on every case)" in result.message


def test_an_exercise_s_own_variant_and_family_in_one_line_each():
    ex = Exercise("adam_like", adam_like, ADAM_CASES, ("θ", "t"),
                  variants=[Variant("the mean over the other axis", axis=1)],
                  families=[Family("squared", lambda want, case: want ** 2, "{output} is the square of the right value {where}")])
    result = ex.diagnose(lambda theta, g, t, lr: adam_like(theta, g, t, lr, axis=1))
    assert result.mistake == "variant: the mean over the other axis"
    assert "θ is what the right formula gives with the mean over the other axis (on every case)" in result.message
    result = ex.diagnose(lambda theta, g, t, lr: (adam_like(theta, g, t, lr)[0] ** 2, t + 1))
    assert result.mistake == "squared" and "θ is the square of the right value on every case" in result.message


def test_whole_numbers_are_not_explained_by_chance():
    """Small whole numbers (epochs) agree with a factor or a variant by chance: they need the whole answer."""
    def epochs(n, k):
        return n + k, n
    ex = Exercise("epochs", epochs, [Case("a", (3, 2)), Case("b", (5, 4))], ("stop", "best"))
    assert ex.diagnose(lambda n, k: (2 * (n + k), n)).mistake == "other"              # not "factor 2"
    assert ex.diagnose(lambda n, k: (n + k + 1, n + 5)).mistake == "other"          # stop: k + 1, but best is not
    assert ex.diagnose(lambda n, k: (n + k + 1, n)).mistake == "off by one: k"      # the whole answer: named


def test_a_python_list_where_an_array_is_asked_is_refused_and_says_why_unless_lists_are_fine():
    result = GRADIENT.diagnose(lambda t, x, y: list(gradient(t, x, y)))
    assert (result.passed, result.mistake) == (False, "list, not array")
    assert "right values, but ∇J is a Python list" in result.message and "np.array" in result.message
    assert "lr * [a, b] raises TypeError" in result.message
    assert GRADIENT.diagnose(lambda t, x, y: tuple(gradient(t, x, y))).mistake == "list, not array"
    lenient = Exercise("gradient", gradient, GRADIENT.cases, ("∇J",), lists_ok=True)
    assert lenient.diagnose(lambda t, x, y: list(gradient(t, x, y))).passed
    assert TWO.diagnose(lambda t, x, y, lr: list(grad_and_step(t, x, y, lr))).passed     # a list of the outputs


@pytest.mark.parametrize("right", [
    lambda t, x, y: np.array([np.sum(t[0] + t[1] * x - y) / len(x), np.dot(t[0] + t[1] * x - y, x) / len(x)]),
    lambda t, x, y: np.stack([np.ones_like(x), x]) @ (t[0] + t[1] * x - y) / x.size,
    lambda t, x, y: np.array([np.mean(t @ np.stack([np.ones_like(x), x]) - y),
                              np.mean((t @ np.stack([np.ones_like(x), x]) - y) * x)]),
])
def test_right_answers_in_another_form_pass(right):
    assert GRADIENT.diagnose(right).passed


def test_families_never_accept_a_wrong_answer_nor_crash_on_odd_ones():
    rng = np.random.default_rng(1)
    odd = [lambda t, x, y: np.full(2, np.nan), lambda t, x, y: np.zeros(2), lambda t, x, y: np.zeros((2, 2)),
           lambda t, x, y: np.array([np.inf, 1.0]), lambda t, x, y: np.array(1e308) * 10, lambda t, x, y: np.zeros(0),
           lambda t, x, y: gradient(t, x, y) + rng.normal(0, 1e-3, 2)]
    for fn in odd:
        result = GRADIENT.diagnose(fn)
        assert not result.passed and result.message.startswith("not yet: ")


# ---- OffLimits: the library switched off wherever it is reachable, never the student's own functions ----
import copy as _copy  # noqa: E402
import sys  # noqa: E402

from lessonlib.exercises.offlimits import LibraryOff, Stub  # noqa: E402


@pytest.fixture
def toylib(monkeypatch):
    """A two-module library: toylib.core defines step and Model; toylib re-exports step."""
    core = types.ModuleType("toylib.core")
    exec("import numpy as np\n"
         "def step(theta, g, lr):\n    return theta - lr * g, lr * g\n"
         "class Model:\n    def solve(self, theta, g, lr):\n        return step(theta, g, lr)\n", core.__dict__)
    core.step.__module__ = core.Model.__module__ = "toylib.core"
    package = types.ModuleType("toylib")
    package.core, package.step = core, core.step
    monkeypatch.setitem(sys.modules, "toylib", package)
    monkeypatch.setitem(sys.modules, "toylib.core", core)
    return package


def off(toylib, **where):
    return Exercise("toy_step", step, TOY.cases, TOY.outputs, time_limit=1,
                    off_limits=OffLimits(USED, library=("toylib",), **where))


def student(source, **space):
    exec(source, space)
    return space["mine"]


def test_a_students_own_function_of_a_switched_off_name_is_theirs(toylib):
    own = student("def step(theta, g, lr):\n    return theta - lr * g, lr * g\n"
                  "def mine(theta, g, lr):\n    return step(theta, g, lr)\n")
    assert off(toylib, names=("step",)).diagnose(own).passed
    imported = student("def mine(theta, g, lr):\n    return step(theta, g, lr)\n", step=toylib.step)
    assert off(toylib, names=("step",)).diagnose(imported).mistake == "used the library"


@pytest.mark.parametrize("source, called", [
    ("def mine(theta, g, lr):\n    return toylib.step(theta, g, lr)\n", "toylib.step"),               # a re-export
    ("def mine(theta, g, lr):\n    return toylib.core.step(theta, g, lr)\n", "core.step"),
    ("def mine(theta, g, lr):\n    from toylib.core import step as s\n    return s(theta, g, lr)\n", "core.step"),
])
def test_a_name_is_switched_off_wherever_the_library_binds_it(toylib, source, called):
    result = off(toylib, names=("step",)).diagnose(student(source, toylib=toylib))
    assert result.mistake == "used the library" and f"(your function called {called})" in result.message
    assert toylib.step is toylib.core.step and not isinstance(toylib.core.step, Stub)


def test_a_method_is_switched_off_through_any_instance(toylib):
    model = toylib.core.Model()
    mine = student("def mine(theta, g, lr):\n    return model.solve(theta, g, lr)\n", model=model)
    result = off(toylib, objects=(toylib.core.Model.solve,)).diagnose(mine)
    assert result.mistake == "used the library" and "(your function called Model.solve)" in result.message
    assert model.solve(np.ones(2), np.ones(2), 0.5)[1].tolist() == [0.5, 0.5]      # back after the check


def test_a_module_is_switched_off_for_imports_inside_the_function_too(toylib):
    mine = student("def mine(theta, g, lr):\n    import toylib.core\n    return toylib.core.step(theta, g, lr)\n")
    result = off(toylib, objects=(toylib.core,)).diagnose(mine)
    assert result.mistake == "used the library"
    assert sys.modules["toylib.core"] is toylib.core and toylib.core.step(np.ones(1), np.ones(1), 1.0)[0] == 0


def test_everything_comes_back_after_an_error_an_endless_loop_and_nested_switches(toylib):
    core, limits = toylib.core, OffLimits(USED, objects=(toylib.core.step, toylib.core.Model.solve), library=("toylib",))
    before = (dict(vars(core)), dict(vars(toylib)), dict(vars(core.Model)), sys.modules["toylib.core"])
    loop = student("def mine(theta, g, lr):\n    while True:\n        pass\n")
    ex = Exercise("toy_step", step, TOY.cases, TOY.outputs, time_limit=1, off_limits=limits)
    assert "did not finish within 1 s" in ex.diagnose(loop).message
    with pytest.raises(ZeroDivisionError):
        with limits.switched_off(loop):
            with limits.switched_off(loop):                  # re-entrant: the inner switch changes nothing
                assert isinstance(toylib.step, Stub) and isinstance(core.Model.solve, Stub)
            assert isinstance(toylib.step, Stub)
            1 / 0
    assert (dict(vars(core)), dict(vars(toylib)), dict(vars(core.Model)), sys.modules["toylib.core"]) == before
    with pytest.raises(LibraryOff, match="step"):
        Stub("step")()


# ---- the issue's cases on the lessons' own exercises ----------------------------------------------------
def lesson_exercise(lesson, name):
    exercise = catalogue_of(lesson).get(name)
    if exercise is None:
        pytest.skip(f"lesson {lesson} has no exercise {name} now")
    return exercise


def catalogue_of(lesson):
    from lessonlib.exercises import catalogue
    return catalogue()[lesson]


def test_a_correct_delta_softmax_ce_with_the_students_own_softmax_passes():
    exercise = lesson_exercise("02", "delta_softmax_ce")
    mine = student("import numpy as np\nfrom lessonlib.activations import softmax as library_softmax\n"
                   "def softmax(z):\n    e = np.exp(z - z.max(axis=0))\n    return e / e.sum(axis=0)\n"
                   "def mine(z, Y):\n    return (softmax(z) - Y) / z.shape[1]\n")
    assert exercise.diagnose(mine).passed


def test_the_training_loop_through_a_re_export_is_the_library():
    exercise = lesson_exercise("02", "train_sgd")
    import lessonlib.backprop_lab as lab
    from lessonlib.optimizers import SGD
    mine = student("def mine(net, X, Y, lr, epochs, batch_size, seed):\n"
                   "    return lab.train(net, X, Y, SGD(lr), epochs, batch_size=batch_size, seed=seed).train_cost\n",
                   lab=lab, SGD=SGD)
    result = exercise.diagnose(mine)
    assert result.mistake == "used_library" and "your function called backprop_lab.train" in result.message


def test_backward_through_the_caches_owner_is_the_library_once_the_method_is_switched_off():
    exercise = _copy.copy(lesson_exercise("02", "backward"))
    from lessonlib.network import Network
    exercise.off_limits = OffLimits(exercise.off_limits.mistake, objects=(Network.backward, Network.gradients))
    mine = student("def mine(net, cache, Y):\n    grads = cache.owner.backward(cache, Y)\n"
                   "    return list(grads.dW), list(grads.db)\n")
    result = exercise.diagnose(mine)
    assert result.mistake == exercise.off_limits.mistake.name and "Network.backward" in result.message
    assert exercise.diagnose(exercise.reference).passed


def test_a_gradient_returned_as_a_list_is_refused():
    exercise = lesson_exercise("01", "gradient")
    result = exercise.diagnose(lambda theta, x, y: [(theta[0] + theta[1] * x - y).mean(),
                                                    ((theta[0] + theta[1] * x - y) * x).mean()])
    assert result.mistake == "list, not array" and "return a NumPy array" in result.message


@pytest.mark.parametrize("exercise", list(catalogued()))
def test_the_families_alone_never_crash_nor_accept_a_catalogued_mistake(exercise):
    """With the catalogue taken away, every catalogued mistake still fails, without a traceback; with it, it keeps
    its catalogued name (the catalogue comes first)."""
    bare = _copy.copy(exercise)
    bare.mistakes = [m for m in exercise.mistakes if exercise.off_limits is not None and m is exercise.off_limits.mistake]
    for mistake in exercise.mistakes:
        alone = bare.diagnose(mistake.fn)
        assert not alone.passed and alone.message
        assert exercise.diagnose(mistake.fn).mistake == mistake.name
