"""One diagnosis harness for every exercise: run the student's function in a guard, compare it with the
reference on several cases, name a catalogued mistake, else an answer that draws from NumPy's global
generator (its output changes with np.random's seed), else a family of slips that recur across
exercises (``families``: a factor of B or 2, a sign, a transpose, outputs swapped, an off-by-one, an
in-place update that aliases, …, and where), or else point at the first wrong quantity.

An exercise is an ``Exercise``: the reference implementation, the cases (each a label and the
arguments), the names of the outputs, and a catalogue of ``Mistake``s — each a wrong implementation
with the same signature, so the catalogue can be tested by feeding every mistake to the check.

    result = exercise.check(student_fn)     # prints "✓ …" or "✗ …"; result.passed, result.mistake
    step = result.use(student_fn)           # the student's function once it passes, else the library's

The cells after an exercise run on ``result.use(fn)``: the student's own function when the check
passed, otherwise the exercise's ``fallback`` (the library's version, same signature), with one line
saying so; so an unfinished exercise never stops the rest of the lesson.

Right values are not enough: a Python list where the reference returns a NumPy array is refused with
a sentence saying why (``lists_ok`` opts out), and so is a changed argument (``in_place_ok``).
Nothing the student writes (an exception, a wrong type, a list for a tuple, NaN, overflow, an
infinite loop) surfaces as the check's own traceback; a function that raises is named after the catalogued
mistake that raises the same way (the same error with the same shapes: W^{m-1} where W^m belongs).  An exercise that asks the student to write
what the library already does switches that library off while the student's function runs
(``OffLimits``, in ``offlimits``: wherever the library is reachable, never the student's own
functions); reaching for it is a catalogued mistake.  Every result is also appended to
``RESULTS`` (exercise name, passed, mistake name) for ``lessonlib grade``; under nbgrader's
autograder (NBGRADER_EXECUTION set) a failed check also raises, so nbgrader scores it.
"""
import copy
import os
import re
import signal
import threading
import warnings
from contextlib import nullcontext
from dataclasses import dataclass, field

import numpy as np

from . import families
from .families import Family, Variant  # noqa: F401  (re-exported: an exercise module imports all from here)
from .offlimits import LibraryOff, OffLimits, Stub  # noqa: F401

RESULTS = []
TIME_LIMIT = 20          # seconds for one call of the student's function


@dataclass
class Case:
    """One set of arguments, with a label the feedback can name ("2×3 W, λ = 0.1")."""
    label: str
    args: tuple
    kwargs: dict = field(default_factory=dict)


@dataclass
class Mistake:
    """A catalogued mistake: its name, what to tell the student, and a wrong implementation."""
    name: str
    message: str
    fn: object


@dataclass
class Result:
    exercise: str
    passed: bool
    mistake: str = None          # a catalogued mistake's name, a family's (families.py), "error", "mutated",
    #                              "list, not array", "not done" or "other"
    message: str = ""
    fallback: object = field(default=None, repr=False, compare=False)   # the library's version, for ``use``

    def __bool__(self):
        return self.passed

    def use(self, fn):
        """``fn`` (the student's function) if its check passed; otherwise the library's version, saying so."""
        if self.passed:
            return fn
        if self.fallback is None:
            raise RuntimeError(f"{self.exercise} has no library version to fall back on")
        print(f"→ {self.exercise}: your check has not passed yet, so the cells below use lessonlib's "
              f"version; they will use yours once it passes.")
        return self.fallback

    def _ipython_display_(self):  # the message is already printed; show nothing more
        return None


LIBRARY_USED = "it reached for the library: "     # how call_guarded reports a LibraryOff


class Outcome:
    """What one guarded call gave: ``values`` (a tuple of float64 arrays) or ``error`` (a sentence)."""

    def __init__(self, values=None, error=None, raw=None, mutated=()):
        self.values, self.error, self.raw, self.mutated = values, error, raw, mutated


class _Timeout(BaseException):
    pass


def _alarm(signum, frame):
    raise _Timeout()


def call_guarded(fn, case, time_limit=TIME_LIMIT):
    """Call fn on copies of the case's arguments; (result, error sentence or None, names of mutated args)."""
    args, kwargs = copy.deepcopy(case.args), copy.deepcopy(case.kwargs)
    use_alarm = threading.current_thread() is threading.main_thread() and hasattr(signal, "SIGALRM")
    old = signal.signal(signal.SIGALRM, _alarm) if use_alarm else None
    try:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, time_limit)
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            out = fn(*args, **kwargs)
        error = None
    except _Timeout:
        out, error = None, f"it did not finish within {time_limit} s (an endless loop?)"
    except NotImplementedError:
        out, error = None, "not done"
    except LibraryOff as err:
        out, error = None, f"{LIBRARY_USED}{err}"
    except RecursionError:
        out, error = None, "it raised RecursionError (does it call itself?)"
    except Exception as err:  # a student's bug is reported, never raised
        out, error = None, f"it raised {type(err).__name__}: {err}"
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old)
    mutated = [i for i, (before, after) in enumerate(zip(case.args, args)) if not _same(before, after)]
    return out, error, mutated


def _same(a, b):
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.shape == b.shape and np.array_equal(a, b, equal_nan=True)
    if isinstance(a, (list, tuple)):
        return isinstance(b, (list, tuple)) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return True


class Values(tuple):
    """The outputs as float64 arrays; ``items`` are the objects returned, before conversion (a list stays a list)."""
    items = ()


def as_outputs(out, names):
    """The student's return value as a tuple of float64 arrays, one per name (a Values, with the objects as
    returned in ``items``); or a sentence saying why not."""
    if len(names) == 1:
        out = (out,)
    elif not isinstance(out, (tuple, list)):
        return None, (f"it should return {len(names)} values ({', '.join(names)}) as a tuple; "
                      f"got one {type(out).__name__}")
    elif len(out) != len(names):
        return None, f"it should return {len(names)} values ({', '.join(names)}); got {len(out)}"
    values = []
    for name, value in zip(names, out):
        if value is None:
            return None, f"{name} is None: is a `return` missing?"
        try:
            arr = np.asarray(value)
            if arr.dtype.kind == "c":
                return None, f"{name} holds complex numbers; it should be real"
            arr = arr.astype(np.float64)
        except (TypeError, ValueError):
            return None, f"{name} should be a number or an array of numbers; got {type(value).__name__}"
        values.append(arr)
    values = Values(values)
    values.items = tuple(out)
    return values, None


def _close(a, b, rtol, atol):
    return a.shape == b.shape and np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=True)


def _agree(a, b, exercise):
    """Two outcomes alike: both values, close; or both errors from the same slip (_same_error)."""
    if a.error or b.error:
        return bool(a.error and b.error) and _same_error(a.error, b.error)
    return all(_close(x, y, exercise.rtol, exercise.atol) for x, y in zip(a.values, b.values))


def _same_error(a, b):
    """The same error once what may vary is set aside: the order of the shapes named, the index that was too big."""
    shape = r"\(\d+(?:, ?\d+)*,?\)"
    def norm(text):
        return re.sub(r"index -?\d+", "index #", re.sub(shape, "()", text))
    return a == b or (norm(a) == norm(b) and sorted(re.findall(shape, a)) == sorted(re.findall(shape, b)))


def _describe_difference(name, got, want, label):
    if got.shape != want.shape:
        return f"{name} has shape {got.shape}; expected {want.shape} (case: {label})"
    if not np.isfinite(got).all():
        bad = np.argwhere(~np.isfinite(got))[0]
        where = f" at index {tuple(int(i) for i in bad)}" if got.ndim else ""
        return f"{name} holds NaN or inf{where} (case: {label})"
    diff = np.abs(got - want)
    k = np.unravel_index(int(np.argmax(diff)), diff.shape) if diff.ndim else ()
    where = f" at index {tuple(int(i) for i in k)}" if diff.ndim else ""
    return (f"{name} is off by up to {diff[k]:.3g}{where}: expected {want[k]:.6g}, got {got[k]:.6g} "
            f"(case: {label})")


GLOBAL_RANDOM = ("your function draws from NumPy's global generator (np.random.random, np.random.permutation, "
                 "…): its answer changes from run to run and no seed you are given fixes it. Draw every random "
                 "number from the generator the function is given (rng.random, rng.permutation), or none.")
LATER = {}   # exercise name → {"mistakes": [...], "cases": [...]} waiting for the Exercise of that name (``later``)


def later(name, mistakes=(), cases=()):
    """Catalogued mistakes and cases for the exercise ``name`` that is not built yet (its module is still being
    imported when a per-lesson slips module runs): the Exercise takes them when it is made."""
    waiting = LATER.setdefault(name, {"mistakes": [], "cases": []})
    waiting["mistakes"] += list(mistakes)
    waiting["cases"] += list(cases)


class Exercise:
    """reference(*case.args) is right; ``mistakes`` are named wrong versions of it.

    Besides its catalogue an exercise may name its own ``variants`` (the reference on changed arguments) and
    ``families`` of slips, and say where the batch sizes live (``sizes``): see ``families``.  ``lists_ok``:
    True, or the names of outputs, for which a Python list may stand in for the reference's NumPy array."""

    def __init__(self, name, reference, cases, outputs, mistakes=(), success="", in_place_ok=False,
                 rtol=1e-7, atol=1e-10, time_limit=TIME_LIMIT, off_limits=None, fallback=None,
                 variants=(), families=(), sizes=None, lists_ok=False):
        self.name, self.reference, self.cases, self.outputs = name, reference, list(cases), tuple(outputs)
        self.fallback = reference if fallback is None else fallback   # what Result.use hands on when not passed
        self.mistakes, self.success, self.in_place_ok = list(mistakes), success, in_place_ok
        self.off_limits = off_limits             # OffLimits: the library the student's function may not use
        if off_limits is not None and off_limits.mistake not in self.mistakes:
            self.mistakes.append(off_limits.mistake)
        self.rtol, self.atol, self.time_limit = rtol, atol, time_limit
        self.variants, self.families, self.sizes = list(variants), list(families), dict(sizes or {})
        self.lists_ok = tuple(self.outputs) if lists_ok is True else tuple(lists_ok or ())
        later = LATER.pop(name, {})               # added by a slips module imported before this exercise was built
        self.mistakes += later.get("mistakes", [])
        self.cases += later.get("cases", [])
        names = [m.name for m in self.mistakes]
        if len(set(names)) != len(names):
            raise ValueError(f"{name}: mistake names must be distinct; got {names}")

    def expected(self, case):
        out, error, _ = call_guarded(self.reference, case, self.time_limit)
        if error:
            raise RuntimeError(f"{self.name}'s reference failed on {case.label}: {error}")
        return as_outputs(out, self.outputs)[0]

    def library_off(self, fn):
        """The exercise's OffLimits switched off around fn's calls (not around the reference's)."""
        return nullcontext() if self.off_limits is None or fn is self.reference else self.off_limits.switched_off(fn)

    def run(self, fn, case):
        with self.library_off(fn):
            out, error, mutated = call_guarded(fn, case, self.time_limit)
        if error:
            return Outcome(error=error)
        values, error = as_outputs(out, self.outputs)
        return Outcome(values=values, error=error, raw=out, mutated=mutated)

    def matches(self, outcomes, fn):
        """Does fn give, on every case, what the student's outcomes hold?"""
        for case, got in zip(self.cases, outcomes):
            theirs = self.run(fn, case)
            if theirs.values is None or not all(_close(g, t, self.rtol, self.atol)
                                                for g, t in zip(got.values, theirs.values)):
                return False
        return True

    def diagnose(self, fn):
        """The Result for ``fn``, without printing."""
        if not callable(fn):
            return Result(self.name, False, "error", f"pass your function itself (no parentheses); "
                                                     f"got {type(fn).__name__}")
        with self.library_off(fn):                  # around every run, whatever ``run`` a subclass has
            outcomes = [self.run(fn, case) for case in self.cases]
        for case, got in zip(self.cases, outcomes):
            if got.error == "not done":
                return Result(self.name, False, "not done",
                              f"{self.name}: not written yet (it raises NotImplementedError); replace the "
                              f"placeholder with your code")
            if got.error and got.error.startswith(LIBRARY_USED) and self.off_limits is not None:
                used = self.off_limits.mistake
                return Result(self.name, False, used.name,
                              f"{used.message} (your function called {got.error[len(LIBRARY_USED):]})")
            if got.error:
                return self.raised(outcomes, case, got.error)
        wants = [self.expected(case) for case in self.cases]
        if all(_close(g, w, self.rtol, self.atol) for got, want in zip(outcomes, wants)
               for g, w in zip(got.values, want)):
            return self.right_values(outcomes, wants)
        for mistake in self.mistakes:
            if self.matches(outcomes, mistake.fn):
                return Result(self.name, False, mistake.name, mistake.message)
        if self.draws_from_the_global_generator(fn):
            return Result(self.name, False, "global np.random", GLOBAL_RANDOM)
        return self.unnamed(outcomes, wants)

    def draws_from_the_global_generator(self, fn):
        """Does fn draw from NumPy's global generator? Then runs of the first case agree under one global seed
        and differ under two (the global state is put back afterwards)."""
        state, runs = np.random.get_state(), []
        try:
            for seed in (1, 1, 2):
                np.random.seed(seed)
                with self.library_off(fn):
                    runs.append(self.run(fn, self.cases[0]))
        finally:
            np.random.set_state(state)
        if any(run.error for run in runs):
            return False
        return _agree(runs[0], runs[1], self) and not _agree(runs[0], runs[2], self)

    def raised(self, outcomes, case, error):
        """fn raised (or returned the wrong kind of thing) on ``case``: a catalogued mistake that fails the same way
        there (the same error, with the same shapes) and agrees with fn on every other case is named; else the error."""
        pairs = sorted(zip(self.cases, outcomes), key=lambda pair: pair[0] is not case)     # the failing case first
        for mistake in self.mistakes:
            if all(_agree(mine, self.run(mistake.fn, c), self) for c, mine in pairs):
                return Result(self.name, False, mistake.name, f"{mistake.message} (on the case {case.label}, {error})")
        return Result(self.name, False, "error", f"on the case {case.label}, {error}")

    def right_values(self, outcomes, wants):
        """Right values: passed, unless a list stands for an array or the caller's array was changed."""
        for case, got, want in zip(self.cases, outcomes, wants):
            for name, mine, theirs in zip(self.outputs, got.values.items, getattr(want, "items", ())):
                if isinstance(theirs, np.ndarray) and isinstance(mine, (list, tuple)) and name not in self.lists_ok:
                    return Result(self.name, False, "list, not array",
                                  f"right values, but {name} is a Python {type(mine).__name__} (case {case.label}); "
                                  f"return a NumPy array, e.g. np.array([...]): the cells that use it do arithmetic, "
                                  f"which a list does not (lr * [a, b] raises TypeError, [a, b] + [c, d] joins them)")
        mutated = [(case, got) for case, got in zip(self.cases, outcomes) if got.mutated]
        if mutated and not self.in_place_ok:
            case, got = mutated[0]
            return Result(self.name, False, "mutated",
                          f"right values, but it changed the array you were given (argument "
                          f"{got.mutated[0] + 1}, case {case.label}): an in-place update such as "
                          f"`x -= ...` changes the caller's array too; build a new array instead")
        return Result(self.name, True, None, self.success or f"{self.name} is right on every case")

    def unnamed(self, outcomes, wants):
        """No catalogued mistake: the families of slips (families.py), else the first wrong number."""
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                findings, unexplained = families.explain(self, outcomes, wants)
        except Exception:  # a family that cannot judge this answer says nothing; the plain comparison remains
            if families.STRICT:
                raise
            findings, unexplained = [], []
        wrong = [i for i in range(len(self.outputs)) if i in unexplained or not findings]
        plain = ""
        for i in wrong:
            k = next((k for k, (got, want) in enumerate(zip(outcomes, wants))
                      if not _close(got.values[i], want[i], self.rtol, self.atol)), None)
            if k is not None:
                plain = _describe_difference(self.outputs[i], outcomes[k].values[i], wants[k][i], self.cases[k].label)
                break
        if not findings:
            return Result(self.name, False, "other", "not yet: " + plain)
        message = "; ".join(f.text for f in findings) + (f"; and {plain}" if plain else "")
        return Result(self.name, False, ", ".join(dict.fromkeys(f.family for f in findings)), "not yet: " + message)

    def check(self, fn):
        """Print ✓/✗ with the diagnosis and return the Result (also recorded in RESULTS)."""
        result = self.diagnose(fn)
        result.fallback = self.fallback
        print(("✓ " if result.passed else "✗ ") + result.message)
        RESULTS.append(result)
        if not result.passed and os.environ.get("NBGRADER_EXECUTION") in ("autograde", "validate"):
            raise AssertionError(result.message)        # nbgrader marks a test cell failed only if it raises
        return result
