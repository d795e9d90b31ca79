"""Families of slips that recur across exercises, tried after an exercise's catalogued mistakes and before
the plain "X is off by up to …".

A family explains one output when it turns the right output into the student's, exactly (the exercise's
tolerance), on every case where that output is wrong; the feedback then names the family, the output and
the cases.  Families only ever look at answers already found wrong, so none can accept a wrong answer or
refuse a right one.  First the whole answer: the outputs returned in another order.  Then each wrong
output, in the order they are tried:

  in-place update   a returned list of steps whose entries are one array (or the last rows all the last value)
  the exercise's    its own ``families`` (Family) and ``variants`` (Variant: the reference on changed arguments)
  shape             transposed; the right numbers in another shape; several numbers where one belongs; a column
                    broadcast against a row into a table; a sum or mean missing, or taken too far
  not updated       an argument returned as it was given
  factor            (factors.py) the sign; B, N (``sizes``), 2, ½, a size or a number of the case, times or divided
  transposed        a square output transposed
  reordered         the right numbers in another order
  outputs swapped   one output holding another's value (e.g. another layer's)
  off by one        the reference with an int argument one larger or smaller (a step counter, a count)
  (factors.py)      a constant factor; some entries off by a factor; one factor per case
And when the student's function changed an argument in place, that is said too.

An exercise adds its own in one line each:
    variants=[Variant("the moments over the other axis", axis=1), Variant("t one ahead", t=lambda t: t + 1)]
    families=[Family("squared", lambda want, case: want ** 2, "{output} is the square of the right value {where}")]
    sizes={"B": ("a_prev", 1), "N": "N"}      # B: the columns of a_prev; N: the argument N
"""
import inspect
import itertools

import numpy as np

from .factors import Finding, constant_factor, partly_scaled, scaled, scaled_per_case, whole_numbers


class Variant:
    """The reference with some arguments changed: ``Variant("t one ahead", t=lambda t: t + 1)``.  A change is a
    new value, or a function of the old one (a callable is always applied to the old value); a name that is not
    among the case's arguments is passed as a keyword, for a flag of the reference such as ``axis=1``."""

    def __init__(self, name, message="", **changes):
        self.name, self.message, self.changes = name, message, changes

    def case(self, reference, case):
        bound = bind(reference, case)
        if bound is None:
            return None
        kwargs = {}
        for name, change in self.changes.items():
            if name in bound.arguments:
                old = bound.arguments[name]
                bound.arguments[name] = change(old) if callable(change) else change
            elif callable(change):
                return None
            else:
                kwargs[name] = change
        return type(case)(case.label, bound.args, {**bound.kwargs, **kwargs})


class Family:
    """A slip that turns the right output into the student's: ``Family("squared", lambda want, case: want ** 2,
    "{output} is the square of the right value {where}")``; ``transform`` returns None where it does not apply."""

    def __init__(self, name, transform, message):
        self.name, self.transform, self.message = name, transform, message


def bind(reference, case):
    try:
        return inspect.signature(reference).bind(*case.args, **case.kwargs)
    except (TypeError, ValueError):
        return None


class Evidence:
    """The wrong answer beside the right one: ``got[k][i]``, ``want[k][i]`` for case k and output i."""

    def __init__(self, exercise, outcomes, wants):
        self.exercise, self.cases, self.outputs = exercise, exercise.cases, exercise.outputs
        self.got, self.want = [o.values for o in outcomes], list(wants)
        self.items = [getattr(o.values, "items", o.values) for o in outcomes]
        self.mutated = [o.mutated for o in outcomes]
        self.wrong = [[k for k in range(len(self.cases)) if not self.close(self.got[k][i], self.want[k][i])]
                      for i in range(len(self.outputs))]
        self._variants, self.auto = {}, {}

    def close(self, a, b):
        return a is not None and b is not None and a.shape == b.shape and np.allclose(a, b, rtol=self.exercise.rtol,
                                                                    atol=self.exercise.atol, equal_nan=True)

    def where(self, ks):
        if len(ks) == len(self.cases):
            return "on every case"
        return ("on the case " if len(ks) == 1 else "on the cases ") + "; ".join(self.cases[k].label for k in ks)

    def explains(self, i, transform, every=False):
        """transform(k) → the student's output i on case k, on every wrong case (every case if ``every``)."""
        ks = range(len(self.cases)) if every else self.wrong[i]
        return all(self.close(self.got[k][i], transform(k)) for k in ks)

    def variant(self, variant):
        """The reference's outputs on every case with the variant's changes (None where it cannot run)."""
        if id(variant) not in self._variants:
            runs = []
            for case in self.cases:
                changed = variant.case(self.exercise.reference, case)
                outcome = None if changed is None else self.exercise.run(self.exercise.reference, changed)
                runs.append(None if outcome is None or outcome.values is None else outcome.values)
            self._variants[id(variant)] = (variant, runs)
        return self._variants[id(variant)][1]

    def gives(self, i, runs):
        """Do a variant's runs give output i on every case?  For whole numbers (an epoch), that agree by chance
        more easily, the variant must give the whole answer."""
        if any(r is None for r in runs) or not self.explains(i, lambda k: runs[k][i], every=True):
            return False
        return not whole_numbers(self, i) or all(self.close(g, r) for got, run in zip(self.got, runs)
                                                 for g, r in zip(got, run))

    def arguments(self):
        """[(name, [value on case k])] for the arguments every case binds."""
        bound = [bind(self.exercise.reference, case) for case in self.cases]
        if any(b is None for b in bound):
            return []
        names = [n for n in bound[0].arguments if all(n in b.arguments for b in bound)]
        return [(n, [b.arguments[n] for b in bound]) for n in names]


# ---- the families, each a function (evidence, output i) → Finding or None ----------------------------------
def aliased(ev, i):
    """The steps stored are one array: a list whose entries share memory, or rows that are all the last value."""
    def repeats(k):              # how many entries at the end are that one array
        item, got, want = ev.items[k][i], ev.got[k][i], ev.want[k][i]
        if isinstance(item, (list, tuple)) and len(item) > 1 and all(isinstance(x, np.ndarray) for x in item):
            return sum(np.shares_memory(x, item[-1]) for x in item)
        if got.ndim == 0 or got.shape != want.shape or not ev.close(got[-1], want[-1]):
            return 0
        n = next((n for n in range(1, len(got) + 1) if not ev.close(got[-n], got[-1])), len(got) + 1) - 1
        return n if n > 1 and not np.allclose(want[-n:], want[-1]) else 0
    counts = [repeats(k) for k in ev.wrong[i]]
    if ev.wrong[i] and min(counts) > 1:
        return Finding("in-place update", f"the last {min(counts)} entries of {ev.outputs[i]} are one and the same "
                       f"array, the last value ({ev.where(ev.wrong[i])}): an in-place update such as `theta -= lr * g` "
                       f"changes that one array, and every entry you stored is it. Store a copy (theta.copy()) "
                       f"or write theta = theta - lr * g, which makes a new array")


def own_families(ev, i):
    for family in ev.exercise.families:
        def transform(k, family=family):
            result = family.transform(ev.want[k][i], ev.cases[k])
            return None if result is None else np.asarray(result, dtype=float)
        if ev.explains(i, transform):
            return Finding(family.name, family.message.format(output=ev.outputs[i], where=ev.where(ev.wrong[i])))
    for variant in ev.exercise.variants:
        if ev.gives(i, ev.variant(variant)):
            text = variant.message or f"{ev.outputs[i]} is what the right formula gives with {variant.name}"
            return Finding(f"variant: {variant.name}", f"{text.format(output=ev.outputs[i])} ({ev.where(ev.wrong[i])})")


def other_output(ev, i):
    for j, name in enumerate(ev.outputs):
        if j != i and ev.explains(i, lambda k: ev.want[k][j]):
            return Finding("outputs swapped", f"{ev.outputs[i]} holds what {name} should be ({ev.where(ev.wrong[i])}): "
                           f"outputs mixed up, returned in the wrong order, or taken from the wrong layer")


def reshaped(ev, i):
    ks = ev.wrong[i]
    if not any(ev.got[k][i].shape != ev.want[k][i].shape for k in ks):
        return None
    got, want = ev.got[ks[0]][i], ev.want[ks[0]][i]
    said = f"{ev.outputs[i]} has shape {got.shape}; expected {want.shape} ({ev.where(ks)})"
    if ev.explains(i, lambda k: ev.want[k][i].T if ev.want[k][i].ndim == 2 else None):
        return Finding("transposed", f"{said}: it is the transpose of the right one (rows and columns swapped)")
    if ev.explains(i, lambda k: ev.want[k][i].reshape(ev.got[k][i].shape)
                   if ev.got[k][i].size == ev.want[k][i].size else None):
        fix = ("keep the summed axis (sum(axis=..., keepdims=True))" if got.ndim < want.ndim else
               "leave out the extra axis" if got.ndim > want.ndim else "build it in that shape")
        return Finding("shape", f"{said}: the numbers are right, the shape is not; {fix}, or reshape it to "
                       f"{want.shape}")
    if all(ev.want[k][i].size == 1 and ev.got[k][i].size > 1 and np.isclose(ev.got[k][i], ev.want[k][i].item(),
           rtol=ev.exercise.rtol, atol=ev.exercise.atol).sum() == 1 for k in ks):
        return Finding("several values", f"{said}: one of its {got.size} numbers is the right one; "
                       f"return that one alone")
    if ev.explains(i, lambda k: broadcast_diagonal(ev.got[k][i], ev.want[k][i])):
        return Finding("broadcast", f"{said}: an array of shape {want.shape} met one of shape ({want.shape[0]},) and "
                       f"NumPy broadcast the two into a table (its diagonal is the right answer); keep the axis "
                       f"(sum(axis=..., keepdims=True)) so both are {want.shape}")
    for op, verb in ((np.sum, "summed"), (np.mean, "averaged")):
        for axis in range(got.ndim):         # the student's array, reduced, is the right one
            if all(ev.got[k][i].ndim > axis and ev.close(op(ev.got[k][i], axis=axis, keepdims=ev.got[k][i].ndim
                                                            == ev.want[k][i].ndim), ev.want[k][i]) for k in ks):
                return Finding(f"not {verb}", f"{said}: it is not {verb} over axis {axis} yet; "
                               f"{op.__name__}(..., axis={axis}, keepdims=True) gives the right one")
        for axis in [None] + list(range(want.ndim)):      # the right array, reduced, is the student's
            def reduced(k, axis=axis, op=op):
                w = ev.want[k][i]
                if axis is not None and w.ndim <= axis:
                    return None
                return np.asarray(op(w, axis=axis, keepdims=axis is not None and ev.got[k][i].ndim == w.ndim))
            if ev.explains(i, reduced):
                over = "over every entry" if axis is None else f"over axis {axis}"
                return Finding(f"{verb} too far", f"{said}: it is the right array {verb} {over}; "
                               f"return the array itself")


def broadcast_diagonal(got, want):
    """(n, 1) − (n,) is an (n, n) table: the student's table where its diagonal is the right column, else None."""
    if want.ndim == 2 and want.shape[1] == 1 and got.shape == (want.shape[0],) * 2 and want.shape[0] > 1:
        return got if np.allclose(np.diag(got), want[:, 0]) else None
    return None


def unchanged(ev, i):
    """The output is one of the arguments as it was given: not updated."""
    for arg, values in ev.arguments():
        if all(isinstance(v, np.ndarray) for v in values) and ev.explains(
                i, lambda k: np.asarray(values[k], dtype=float)):
            return Finding("not updated", f"{ev.outputs[i]} is the argument `{arg}` as it was given "
                           f"({ev.where(ev.wrong[i])}): it was never updated (or the update was not kept)")


def square_transposed(ev, i):
    def transposed(k):
        w = ev.want[k][i]
        return w.T if w.ndim == 2 and w.shape[0] == w.shape[1] and not np.allclose(w, w.T) else None
    if ev.explains(i, transposed):
        return Finding("transposed", f"{ev.outputs[i]} is the transpose of the right one ({ev.where(ev.wrong[i])}): "
                       f"rows and columns swapped")


def reordered(ev, i):
    def same_numbers(k):
        g, w = ev.got[k][i], ev.want[k][i]
        if g.shape != w.shape or w.size < 2 or len(np.unique(w)) < 2:
            return False
        return np.allclose(np.sort(g, axis=None), np.sort(w, axis=None), rtol=ev.exercise.rtol, atol=ev.exercise.atol)
    if ev.wrong[i] and all(same_numbers(k) for k in ev.wrong[i]):
        return Finding("reordered", f"{ev.outputs[i]} holds the right numbers in the wrong order "
                       f"({ev.where(ev.wrong[i])}): entries swapped, or put in the wrong place")


def off_by_one(ev, i):
    for arg, values in ev.arguments():
        if "seed" in arg or not all(isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_))
                                    for v in values):
            continue
        for step in (1, -1):
            key = f"{arg}{step:+d}"
            if key not in ev.auto:
                ev.auto[key] = Variant(key, **{arg: lambda v, step=step: v + step})
            if ev.gives(i, ev.variant(ev.auto[key])):
                return Finding(f"off by one: {arg}", f"{ev.outputs[i]} is what the right formula gives with `{arg}` "
                               f"one {'larger' if step > 0 else 'smaller'} ({ev.where(ev.wrong[i])}): an off-by-one "
                               f"in `{arg}` (where it starts counting, or < where ≤ belongs)")


PER_OUTPUT = [aliased, own_families, reshaped, unchanged, scaled, square_transposed, reordered, other_output,
              off_by_one, constant_factor, partly_scaled, scaled_per_case]


def permuted(ev):
    """The outputs returned in another order: a Finding, or None."""
    n, K = len(ev.outputs), len(ev.cases)
    if n < 2:
        return None
    holds = [[all(ev.close(ev.got[k][i], ev.want[k][j]) for k in range(K)) for j in range(n)] for i in range(n)]
    for order in itertools.permutations(range(n)):
        if order != tuple(range(n)) and all(holds[i][j] for i, j in enumerate(order)):
            moved = [f"your {ev.outputs[i]} is the right {ev.outputs[j]}" for i, j in enumerate(order) if i != j]
            return Finding("outputs swapped", f"the outputs are in the wrong order: {', '.join(moved)}; return them "
                           f"as ({', '.join(ev.outputs)})")


STRICT = False       # True (in the tests): a family that fails raises, instead of saying nothing


def tried(family, ev, i):
    """family(ev, i), or None when it cannot judge this answer (an exercise's own Family may raise)."""
    try:
        return family(ev, i)
    except Exception:
        if STRICT:
            raise
        return None


def explain(exercise, outcomes, wants):
    """[Finding] for the wrong outputs a family explains (empty when none does), and the unexplained outputs."""
    ev = Evidence(exercise, outcomes, wants)
    whole = permuted(ev)
    if whole is not None:
        return [whole], []
    findings, unexplained = [], []
    for i in range(len(ev.outputs)):
        if not ev.wrong[i]:
            continue
        found = next((f for f in (tried(family, ev, i) for family in PER_OUTPUT) if f is not None), None)
        (findings.append(found) if found is not None else unexplained.append(i))
    if any(ev.mutated):
        k = next(k for k, m in enumerate(ev.mutated) if m)
        findings.append(Finding("changed its argument", f"it changed argument {ev.mutated[k][0] + 1} in place "
                                f"(case {ev.cases[k].label}): when a later line reads that array it sees the "
                                f"changed values; compute new arrays (x = x - …) instead of x -= …"))
    return findings, unexplained
