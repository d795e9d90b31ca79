"""Lesson 03's folded answers, each computed from runs: Exercise 2's search for the best μ and section 5's
predict-first questions; and the library's code shown after a check ("compare yours with lessonlib's").

  Folded, answers, compare     markdown inside <details>: closed in JupyterLab and the handout until opened
  mu_search, mu_answer         Exercise 2: the reader's search at the α they chose, then what it found, explained
  race_answers                 section 5's four questions
"""
import numpy as np

from . import surfaces, text
from .optimizer_race import descend, gap, racers, scaled
from .optimizers import SGD, Adam


# ---- folded markdown ------------------------------------------------------------------------------------
class Folded:
    """Markdown inside a <details> block: closed in JupyterLab, nbviewer and the handout until clicked."""

    def __init__(self, title, body):
        self.title, self.body = title, body

    def _repr_markdown_(self):
        return f"<details>\n<summary><b>{self.title}</b> (click to open)</summary>\n\n{self.body}\n\n</details>"

    def __repr__(self):
        return f"{self.title}: folded (open it in JupyterLab)"


def answers(title, items):
    """Numbered answers, folded."""
    return Folded(title, "\n".join(f"{i}. {item}" for i, item in enumerate(items, start=1)))


def compare(obj):
    """lessonlib's source of ``obj``, folded: "compare yours with ours" once your check has passed."""
    return Folded("Compare yours with lessonlib's (open it once your check passes)",
                  f"```python\n{text.source(obj)}\n```")


# ---- Exercise 2: the best μ at the α the reader chose ---------------------------------------------------
MUS = tuple(np.round(np.arange(0, 0.96, 0.05), 2))      # μ = 0, 0.05, …, 0.95: the search's grid
SEARCH_STEPS = 100


def curvatures(surface):
    """(h_min, h_max) of a quadratic surface."""
    h = np.linalg.eigvalsh(surface.hessian)
    return float(h[0]), float(h[-1])


def mu_search(search, descent, surface, lrs, mus=MUS, steps=SEARCH_STEPS):
    """{α: the μ ``search`` finds (None where every μ of the grid diverges)}, one line printed per α."""
    h_max, found = curvatures(surface)[1], {}
    end = lambda lr, mu: np.linalg.norm(descent(surface.gradient, surface.start, lr, mu, steps)[0][-1]  # noqa: E731
                                        - surface.minima[0])
    for lr in lrs:
        lr = float(lr)
        if not lr > 0:
            found[lr] = None
            print(f"α = {lr:g}: α must be positive")
            continue
        if lr >= 2 * (1 + max(mus)) / h_max:
            found[lr] = None
            print(f"α = {lr:g}: every μ of the grid diverges here (momentum needs 0 < α < 2(1 + μ)/h_max, "
                  f"below {2 * (1 + max(mus)) / h_max:.3f} for μ ≤ {max(mus)}); try a smaller α")
            continue
        with np.errstate(all="ignore"):
            found[lr] = mu = float(search(descent, surface, lr, mus, steps))
            print(f"α = {lr:.3f}: your search finds μ = {mu:.2f}; distance to θ* after {steps} steps "
                  f"{end(lr, mu):.1e} (with μ = 0.9: {end(lr, 0.9):.1e})")
    return found


def mu_answer(found, surface):
    """What the search found, explained, folded: the best μ is the smallest at which every direction
    oscillates, max over h of (1 − √(αh))²."""
    h_min, h_max = curvatures(surface)
    rows = [f"α = {lr:.3f}: your search {mu:.2f}, the formula {best_mu_formula(lr, (h_min, h_max)):.3f}"
            for lr, mu in found.items() if mu is not None]
    crossover = 4 / (np.sqrt(h_max) + np.sqrt(h_min)) ** 2      # where both directions ask for the same μ
    body = (
        f"0.9 is best only near α = {(1 - np.sqrt(0.9)) ** 2 / h_min:.4f}: it is a default, not an optimum. Up "
        f"to α = {crossover:.3f} the best μ falls as α grows; above it, it rises again. Why: along a direction of curvature h the two roots r of momentum's equation "
        "meet when (1 + μ − αh)² = 4μ, at μ = (1 − √(αh))². Below that μ the roots are real and the larger one exceeds √μ (the "
        "direction creeps); above it the direction oscillates and shrinks by √μ per step, slower as μ grows. So the fastest μ is "
        f"the smallest at which *every* direction oscillates: μ = max over h of (1 − √(αh))², with h = {h_min:g} "
        f"and {h_max:g} on this ravine. The flat direction decides below α = {crossover:.3f} (Polyak's α, where "
        "both ask for the same μ, Polyak's μ), the steep one above it. Your runs against that formula (the grid's "
        "step is 0.05, and 100 steps are not yet the long-run rate):\n\n"
        + "\n".join(f"- {row}" for row in rows))
    return Folded("What the search found", body)


def best_mu_formula(lr, hs):
    """max over the curvatures h of (1 − √(αh))²: the smallest μ at which every direction oscillates."""
    return max((1 - np.sqrt(lr * h)) ** 2 for h in hs)


# ---- section 5: the race's four questions, answered from runs --------------------------------------------
def _status(path, surface):
    return "diverged" if path.diverged else f"J − J* = {gap(path, surface)[-1]:.1e}"


def steps_off_ridge(path, away=0.5):
    """The first step at which |θ₁| > away (the path has left the saddle's ridge θ₁ = 0), or None."""
    off = np.flatnonzero(np.abs(path.theta[:, 1]) > away)
    return int(off[0]) if off.size else None


def _ravine_answer():
    ravine = surfaces.ravine()
    optimizers = racers(0.03, 0.8)
    ends = {label: descend(ravine, optimizers[label], 200) for label in ("SGD", "momentum", "Adam")}
    last = ends["Adam"].theta[-2:]
    s_hat = optimizers["Adam"].state[0]["s"][0] / (1 - 0.999 ** 200)      # its state after the 200 steps
    return ("After 200 steps " + ", ".join(f"{label} {_status(p, ravine)}" for label, p in ends.items())
            + f": momentum ends lowest, Adam last. Adam steps about α per coordinate at first; near the minimum "
            f"its ŝ still remembers the large early gradients (β₂ = 0.999), so at step 200 its step along θ₀ is "
            f"only {abs(last[1, 0] - last[0, 0]):.1e}, far below α = 0.03 (√ŝ₀ = {np.sqrt(s_hat):.2f}).")


def _saddle_answer(steps=200):
    saddle = surfaces.saddle()
    left = {label: steps_off_ridge(descend(saddle, opt, steps)) for label, opt in racers(0.03, 0.8).items()}
    order = sorted((k, label) for label, k in left.items() if k is not None)
    stuck = [label for label, k in left.items() if k is None]
    return ("At α = 0.03, μ = β₁ = 0.8, the step at which |θ₁| passes 0.5: "
            + ", ".join(f"{label} {k}" for k, label in order)
            + (f"; {' and '.join(stuck)} not within {steps} steps" if stuck else "")
            + ". The adaptive methods divide the tiny gradient along θ₁ by its own size, so from the start they "
              "step about α along it; momentum's v builds up as the slope away from the ridge grows; plain SGD's "
              "step is α times that tiny gradient.")


def _scale_answer():
    ravine = surfaces.ravine()
    ends = {c: (descend(scaled(ravine, c), SGD(0.05), 100), descend(scaled(ravine, c), Adam(0.05), 100))
            for c in (0.01, 100.0)}
    where = lambda p: "diverged" if p.diverged else f"({p.theta[-1, 0]:.2f}, {p.theta[-1, 1]:.2f})"  # noqa: E731
    return ("At α = 0.05, 100 steps (with c = 1 both end near the minimum): " + "; ".join(f"c = {c:g}: SGD ends {where(p)}, Adam {where(q)}"
                                                   for c, (p, q) in ends.items())
            + ". SGD's steps scale with c (so do momentum's and Nesterov's); Adam's v̂/√ŝ does not change when "
              "every g is scaled (until g nears ε), nor do AdaGrad's and RMSProp's steps.")


def _dips_answer(lr=0.1, tol=1e-6):
    bowl = surfaces.local_minima()
    ends = {0.8: {label: descend(bowl, opt, 200) for label, opt in racers(lr, 0.8).items()}}
    ends[0.9] = {label: descend(bowl, opt, 200) if label in ("momentum", "Nesterov", "Adam") else path
                 for (label, opt), path in zip(racers(lr, 0.9).items(), ends[0.8].values())}   # the rest ignore β
    reached = {beta: [label for label, p in runs.items() if not p.diverged and gap(p, bowl)[-1] < tol]
               for beta, runs in ends.items()}
    far = descend(bowl, SGD(0.3, momentum=0.9), 200).theta[-1]
    said = lambda labels: " and ".join(labels) if labels else "none"      # noqa: E731
    return (f"At α = {lr:g}, 200 steps, the optimizers that reach the global minimum at the centre: with "
            f"μ = β₁ = 0.8 {said(reached[0.8])}; with 0.9 {said(reached[0.9])}. The others stop in the first dip "
            "on their way. Momentum's speed can carry it over a low ridge into the next dip, but which dip it "
            f"ends in depends on α and μ: at α = 0.3, μ = 0.9 momentum ends in another dip, at "
            f"({far[0]:.2f}, {far[1]:.2f}). No optimizer here promises the global minimum.")


def race_answers():
    """The answers to section 5's four questions, each computed here, folded (``answers``)."""
    return answers("Answers to the four questions",
                   [_ravine_answer(), _saddle_answer(), _scale_answer(), _dips_answer()])
