"""The families of slips that are a factor: the right output times a number (families.py tries them).

  sign             minus the right output
  factor           B, N (the exercise's ``sizes``), 2, ½, or a size or a number among the case's arguments,
                   times or divided, with or without the sign; a size with a 2 or ½ (N/2); over the wrong size
  constant factor  the same number on every wrong case, none of the above
  some entries     some entries off by one of these factors (or the sign), the others right
  scalar factor    the right array times one number on each case, a different one from case to case

Small whole numbers (an epoch, a count) and single numbers are left alone: a ratio between them could be chance.
"""
import itertools

import numpy as np


class Finding:
    def __init__(self, family, text):
        self.family, self.text = family, text


def factor_sources(ev):
    """[(name, [value on case k], what it is)]: the declared sizes, 2 and ½, then the case's own numbers."""
    sources = []
    arguments = dict(ev.arguments())
    for name, spec in ev.exercise.sizes.items():
        arg, axis = (spec, None) if isinstance(spec, str) else spec
        if arg in arguments:
            values = [np.shape(v)[axis] if axis is not None else v for v in arguments[arg]]
            sources.append((name, values, f"{name} = {join(values)}"))
    sources += [("2", [2.0] * len(ev.cases), ""), ("½", [0.5] * len(ev.cases), "")]
    for arg, values in arguments.items():
        if all(isinstance(v, np.ndarray) for v in values):
            ndim = min(v.ndim for v in values)
            for axis in range(ndim):
                sizes = [v.shape[axis] for v in values]
                part = ("rows", "columns")[axis] if ndim == 2 else f"axis-{axis} length"
                what = f"len({arg})" if ndim == 1 else f"the {part} of {arg}"
                if max(sizes) > 1:
                    sources.append((what, sizes, f"{join(sizes)}: {what}"))
        elif all(isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_))
                 and abs(v) not in (0, 1) for v in values):
            sources.append((arg, [float(v) for v in values], f"{arg} = {join(values)}"))
    return sources


def join(values):
    return ", ".join(f"{v:g}" if isinstance(v, float) else str(v) for v in dict.fromkeys(values))


def whole_numbers(ev, i):
    return all(np.array_equal(a, np.round(a)) for k in ev.wrong[i] for a in (ev.got[k][i], ev.want[k][i]))


def scaled(ev, i):
    if whole_numbers(ev, i) or sum(np.count_nonzero(ev.want[k][i]) for k in ev.wrong[i]) < 2:
        return None          # small whole numbers (an epoch) or a single number: a ratio could be chance
    name, where = ev.outputs[i], ev.where(ev.wrong[i])
    if ev.explains(i, lambda k: -ev.want[k][i]):
        return Finding("sign", f"{name} has the wrong sign ({where}): every entry is minus the right one")
    sources = factor_sources(ev)
    for source, values, what in sources:
        for power, sign in ((1, 1), (-1, 1), (1, -1), (-1, -1)):
            if ev.explains(i, lambda k: sign * float(values[k]) ** power * ev.want[k][i]):
                return Finding(f"factor {source}", factor_text(name, source, power, sign, what, where))
    sizes = [(n, v, w) for n, v, w in sources if (not n.isidentifier() or n in ev.exercise.sizes) and n not in "2½"
             and len(set(v)) > 1]            # a size that is the same on every case is just a constant
    for (source, values, what), c in itertools.product(sizes, (0.5, 2.0)):
        for power in (1, -1):
            if ev.explains(i, lambda k: c * float(values[k]) ** power * ev.want[k][i]):
                times = {(1, 0.5): f"{source}/2", (1, 2.0): f"2·{source}", (-1, 0.5): f"1/(2·{source})",
                         (-1, 2.0): f"2/{source}"}[power, c]
                return Finding(f"factor {times}", f"{name} is {times} times the right value ({what}), {where}: "
                               f"{'a sum where a mean belongs' if power > 0 else 'a mean where a sum belongs'} "
                               f"and a factor 2 or ½ too many")
    for (a, va, what_a), (b, vb, what_b) in itertools.permutations(sizes, 2):
        if ev.explains(i, lambda k: float(vb[k]) / float(va[k]) * ev.want[k][i]):
            return Finding(f"divided by {a}", f"{name} is divided by {a} where it should be divided by {b} "
                           f"({what_a}; {what_b}), {where}: the right formula over the wrong size (the other axis?)")


def factor_text(name, source, power, sign, what, where):
    signed = " and the wrong sign" if sign < 0 else ""
    if source in ("2", "½"):
        big = (source == "2") == (power > 0)
        return f"{name} is {'twice' if big else 'half'} the right value{signed} ({where}): a factor 2 or ½ too many"
    size = not source.isidentifier() or source in ("B", "N")
    detail = f" ({what})" if what else ""
    if power > 0:
        hint = (f": a sum where a mean belongs, or a missing 1/{source}" if size
                else f": an extra factor {source}")
        return f"{name} is {source} times the right value{signed}{detail}, {where}{hint}"
    hint = f": a mean where a sum belongs, or an extra 1/{source}" if size else f": divided by {source}"
    return f"{name} is the right value divided by {source}{signed}{detail}, {where}{hint}"


def partly_scaled(ev, i):
    """Some entries right, the others a factor (or the sign) off, at the same places on every wrong case."""
    masks = [~np.isclose(ev.got[k][i], ev.want[k][i], rtol=ev.exercise.rtol, atol=ev.exercise.atol)
             if ev.got[k][i].shape == ev.want[k][i].shape else None for k in ev.wrong[i]]
    if any(m is None for m in masks) or not all(np.array_equal(m, masks[0]) for m in masks) or masks[0].all() \
            or whole_numbers(ev, i) or sum(np.count_nonzero(ev.want[k][i][masks[0]]) for k in ev.wrong[i]) < 2:
        return None
    mask, where = masks[0], ev.where(ev.wrong[i])
    places = ", ".join(str(tuple(int(j) for j in p)) if len(p) > 1 else str(int(p[0])) for p in np.argwhere(mask))
    name = f"{ev.outputs[i]}[{places}]"
    for source, values, what in [("-1", [-1.0] * len(ev.cases), "")] + factor_sources(ev):
        for power in (1, -1):
            if all(ev.close(ev.got[k][i][mask], float(values[k]) ** power * ev.want[k][i][mask]) for k in ev.wrong[i]):
                if source == "-1":
                    return Finding("sign", f"{name} has the wrong sign, the other entries are right ({where})")
                text = factor_text(name, source, power, 1, what, where)
                return Finding(f"factor {source}", f"{text} (the other entries are right)")


def scaled_per_case(ev, i):
    """The right array times one number on each case, a different one from case to case."""
    if whole_numbers(ev, i) or any(np.count_nonzero(ev.want[k][i]) < 2 for k in ev.wrong[i]):
        return None
    factors = []
    for k in ev.wrong[i]:
        got, want = ev.got[k][i], ev.want[k][i]
        j = np.argmax(np.abs(want)) if got.shape == want.shape else None
        c = float(got.flat[j] / want.flat[j]) if j is not None else np.nan
        if not (np.isfinite(c) and c != 0 and ev.close(got, c * want)):
            return None
        factors.append(c)
    listed = ", ".join(f"{c:.4g}" for c in factors)
    return Finding("scalar factor", f"{ev.outputs[i]} is the right array times one number on each case ({listed}; "
                   f"{ev.where(ev.wrong[i])}): a scalar applied where it does not belong, or missing (a learning rate, "
                   f"a 1/B, a bias correction 1/(1 − βᵗ)?)")


def constant_factor(ev, i):
    if whole_numbers(ev, i) or len(ev.wrong[i]) < 2 and np.count_nonzero(ev.want[ev.wrong[i][0]][i]) < 2:
        return None
    k0 = ev.wrong[i][0]
    want, got = ev.want[k0][i], ev.got[k0][i]
    if got.shape != want.shape or not np.any(want):
        return None
    c = float(got.flat[np.argmax(np.abs(want))] / want.flat[np.argmax(np.abs(want))])
    if np.isfinite(c) and c != 0 and ev.explains(i, lambda k: c * ev.want[k][i]):
        return Finding("constant factor", f"{ev.outputs[i]} is {c:.4g} times the right value "
                       f"({ev.where(ev.wrong[i])}): the right form, with a wrong constant in front")
