"""Lesson 03's folded answers, each computed from runs: Exercise 2's search for the best μ and section 5's
predict-first questions; and the library's code shown after a check ("compare yours with lessonlib's").

  Folded, answers, compare     markdown inside <details>: closed in JupyterLab and the handout until opened
  mu_search, mu_answer         Exercise 2: the reader's search at the α they chose, then what it found, explained
  grid_best_mu                 lessonlib's search, every μ of the grid at once (the answer's other α)
  race_answers, more_race_answers   section 5's two questions; the optional section's two more
"""
import numpy as np

from . import surfaces, text
from .optimizer_race import descend, gap, nearest_mu, racers, scaled
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


def answers(title, items, start=1):
    """Numbered answers (from ``start``), folded."""
    return Folded(title, "\n".join(f"{i}. {item}" for i, item in enumerate(items, start=start)))


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
    """{α: the μ ``search`` finds (None where every μ of the grid diverges)}, one line printed per α; an α left
    as None is a blank for the reader to fill (named, skipped)."""
    h_max, found = curvatures(surface)[1], {}
    edge = 2 * (1 + max(mus)) / h_max                   # momentum's stability limit at the grid's largest μ
    end = lambda lr, mu: (surface.J(*descent(surface.gradient, surface.start, lr, mu, steps)[0][-1])  # noqa: E731
                          - surface.J(*surface.minima[0]))          # J − J*, the measure of the lesson's tables
    for lr in lrs:
        if lr is None:
            print(f"α = ?: replace None with an α of your own, between 0 and {edge:.3f}")
            continue
        lr = float(lr)
        if not lr > 0:
            found[lr] = None
            print(f"α = {lr:g}: α must be positive")
            continue
        if lr >= edge:
            found[lr] = None
            print(f"α = {lr:g}: every μ of the grid diverges here (momentum needs 0 < α < 2(1 + μ)/h_max, "
                  f"below {edge:.3f} for μ ≤ {max(mus)}); try a smaller α")
            continue
        with np.errstate(all="ignore"):
            found[lr] = mu = float(search(descent, surface, lr, mus, steps))
            print(f"α = {lr:.3f}: your search finds μ = {mu:.2f}; J − J* after {steps} steps "
                  f"{end(lr, mu):.1e} (with μ = 0.9: {end(lr, 0.9):.1e})")
    return found


def mu_answer(found, surface, ours=(0.01, 0.03, 0.1, 0.15)):
    """What the search found, explained, folded: the best μ is the smallest at which every direction
    oscillates, max over h of (1 − √(αh))².  Lists the reader's runs (``found``) and lessonlib's search
    (``grid_best_mu``) at the α of ``ours`` the reader did not try."""
    h_min, h_max = curvatures(surface)
    formula = lambda lr: best_mu_formula(lr, (h_min, h_max))            # noqa: E731
    rows = {lr: f"your search {mu:.2f}" for lr, mu in found.items() if mu is not None}
    rows.update({lr: f"lessonlib's search {grid_best_mu(surface, lr):.2f}" for lr in ours if lr not in rows})
    crossover = 4 / (np.sqrt(h_max) + np.sqrt(h_min)) ** 2      # where both directions ask for the same μ
    body = (
        f"0.9 is best only near α = {(1 - np.sqrt(0.9)) ** 2 / h_min:.4f}: it is a default, not an optimum. Up "
        f"to α = {crossover:.3f} the best μ falls as α grows; above it, it rises again. Why: along a direction of curvature h the two roots r of momentum's equation "
        "meet when (1 + μ − αh)² = 4μ, at μ = (1 − √(αh))². Below that μ the roots are real and the larger one exceeds √μ (the "
        "direction creeps); above it the direction oscillates and shrinks by √μ per step, slower as μ grows. So the fastest μ is "
        f"the smallest at which *every* direction oscillates: μ = max over h of (1 − √(αh))², with h = {h_min:g} "
        f"and {h_max:g} on this ravine. The flat direction decides below α = {crossover:.3f} (Polyak's α, where "
        "both ask for the same μ, Polyak's μ), the steep one above it. The searches against that formula (the grid's "
        "step is 0.05, and 100 steps are not yet the long-run rate):\n\n"
        + "\n".join(f"- α = {lr:.3f}: {rows[lr]}, the formula {formula(lr):.3f}" for lr in sorted(rows)))
    return Folded("What the search found", body)


def grid_best_mu(surface, lr, mus=MUS, steps=SEARCH_STEPS):
    """``optimizer_race.best_mu`` with ``heavy_ball`` on a quadratic surface, every μ of the grid run at once
    (∇J = H(θ − θ*)): the μ ending nearest θ*, first on a tie."""
    mu = np.asarray(mus, dtype=np.float64)[:, None]
    theta = np.tile(np.asarray(surface.start, dtype=np.float64) - surface.minima[0], (len(mus), 1))
    v = np.zeros_like(theta)
    with np.errstate(all="ignore"):
        for _ in range(steps):
            v = mu * v + theta @ surface.hessian          # H is symmetric: each row's gradient
            theta = theta - lr * v
        ends = np.linalg.norm(theta, axis=1)
    return nearest_mu(mus, ends)


def best_mu_formula(lr, hs):
    """max over the curvatures h of (1 − √(αh))²: the smallest μ at which every direction oscillates."""
    return max((1 - np.sqrt(lr * h)) ** 2 for h in hs)


# ---- section 5's race questions (1–2 there, 3–4 optional), answered from runs -------------------------------
def _status(path, surface):
    return "diverged" if path.diverged else f"J − J* = {gap(path, surface)[-1]:.1e}"


def steps_off_ridge(path, away=0.5):
    """The first step at which |θ₁| > away (the path has left the saddle's ridge θ₁ = 0), or None."""
    off = np.flatnonzero(np.abs(path.theta[:, 1]) > away)
    return int(off[0]) if off.size else None


def _ravine_runs(lr=0.03, beta=0.8, steps=200):
    """{label: (optimizer, Path)}: the race's six on the ravine at its opening settings (c = 1)."""
    ravine = surfaces.ravine()
    return {label: (opt, descend(ravine, opt, steps)) for label, opt in racers(lr, beta).items()}


def _ravine_answer(runs):
    ravine = surfaces.ravine()
    ends = {label: runs[label][1] for label in ("SGD", "momentum", "Adam")}
    last = ends["Adam"].theta[-2:]
    s_hat = runs["Adam"][0].state[0]["s"][0] / (1 - 0.999 ** 200)      # its state after the 200 steps
    return ("After 200 steps " + ", ".join(f"{label} {_status(p, ravine)}" for label, p in ends.items())
            + f": momentum ends lowest, Adam last. At these settings (α = 0.03, β₁ = 0.8, 200 steps) the brake is ŝ's "
              "memory; at §4's α = 0.1 and 60 steps it is the momentum average instead. Adam steps about α per coordinate at first; near the minimum "
            f"its ŝ still remembers the large early gradients (β₂ = 0.999), so at step 200 its step along θ₀ is "
            f"only {abs(last[1, 0] - last[0, 0]):.1e}, far below α = 0.03 (√ŝ₀ = {np.sqrt(s_hat):.2f}). With β₂ = 0.9 "
            f"instead, Adam ends at J − J* = {gap(descend(ravine, Adam(0.03, beta1=0.8, beta2=0.9), 200), ravine)[-1]:.1e}.")


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


def _scale_answer(runs, lr=0.03, beta=0.8, steps=200):
    ravine = surfaces.ravine()
    paths = {c: {label: descend(scaled(ravine, c), opt, steps) for label, opt in racers(lr, beta).items()}
             for c in (0.01, 100.0)}
    paths[1.0] = {label: path for label, (_, path) in runs.items()}
    plain = ("SGD", "momentum", "Nesterov")                       # steps αg (and sums of them): they scale with c
    where = lambda p: "diverges" if p.diverged else f"({p.theta[-1, 0]:.2f}, {p.theta[-1, 1]:.2f})"  # noqa: E731
    apart = max(np.inf if paths[c][label].diverged else np.abs(paths[c][label].theta - paths[1.0][label].theta).max()
                for c in (0.01, 100.0) for label in paths[1.0] if label not in plain)
    return (f"At the dashboard's α = {lr:g}, μ = β₁ = {beta:g}, {steps} steps, from "
            f"({ravine.start[0]:g}, {ravine.start[1]:g}) to the minimum ({ravine.minima[0][0]:g}, {ravine.minima[0][1]:g}): "
            + "; ".join(f"c = {c:g}: " + ", ".join(f"{label} {where(paths[c][label])}" for label in plain)
                        for c in (1.0, 0.01, 100.0))
            + f". AdaGrad, RMSProp and Adam take the same path for every c: at c = 0.01 and 100 their paths stay "
              f"within {apart:.1e} of the path at c = 1 (they part only where g nears ε). SGD's step αg scales with "
              "c, and momentum's sums of such steps too; the adaptive methods divide g by its own size, so c "
              "cancels.")


def _dips_answer(lr=0.1, tol=1e-6):
    bowl = surfaces.local_minima()
    ends = {0.8: {label: descend(bowl, opt, 200) for label, opt in racers(lr, 0.8).items()}}
    ends[0.9] = {label: descend(bowl, opt, 200) if label in ("momentum", "Nesterov", "Adam") else path
                 for (label, opt), path in zip(racers(lr, 0.9).items(), ends[0.8].values())}   # the rest ignore β
    reached = {beta: [label for label, p in runs.items() if not p.diverged and gap(p, bowl)[-1] < tol]
               for beta, runs in ends.items()}
    far = descend(bowl, SGD(0.3, momentum=0.9), 200).theta[-1]
    said = lambda labels: " and ".join(labels) if labels else "none"      # noqa: E731
    return (f"At α = {lr:g}, 200 steps, the optimizers that reach the global minimum at the center: with "
            f"μ = β₁ = 0.8 {said(reached[0.8])}; with 0.9 {said(reached[0.9])}. The others stop in the first dip "
            "on their way. Momentum's speed can carry it over a low ridge into the next dip, but which dip it "
            f"ends in depends on α and μ: at α = 0.3, μ = 0.9 momentum ends in another dip, at "
            f"({far[0]:.2f}, {far[1]:.2f}). No optimizer here promises the global minimum.")


def race_answers():
    """The answers to section 5's two questions, each computed here, folded (``answers``)."""
    runs = _ravine_runs()
    return answers("Answers to the two questions", [_ravine_answer(runs), _scale_answer(runs)])


def more_race_answers():
    """The answers to the optional section's two further race questions (3 and 4), computed here, folded."""
    return answers("Answers to questions 3 and 4", [_saddle_answer(), _dips_answer()], start=3)
