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
    result = diagnose(lambda theta, g, lr: (theta - lr * g, lr * g) if theta.ndim == 1 else (theta, lr * g))
    assert result.mistake == "other" and "case: a 2×3 matrix" in result.message and result.message.startswith("not yet: θ")


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
