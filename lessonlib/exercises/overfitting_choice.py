"""Notebook 04's discovery exercise, on the one harness (``harness.Exercise``):

  best_p_keep(train, p_values, X_val, Y_val) -> (validation costs, the p_keep chosen)
      run the experiment (one network per p_keep, each from train(p_keep)), score it on the validation
      set, and choose; the notebook then trains its dropout row with the student's choice

The check's cases use small networks with fixed random weights in place of trained ones (a dictionary
lookup, so the check takes milliseconds); they are picked so that every catalogued mistake gives
another answer (test_overfitting_lab.py asserts it).
"""
import numpy as np

from .. import data, remedies
from .. import overfitting_lab as lab
from .harness import Case, Exercise, Mistake


def _choice_with(score=lambda net, X, Y: net.data_cost(X, Y), pick=lambda costs: int(np.argmin(costs)),
                 as_value=True):
    def wrong(train, p_values, X_val, Y_val):
        costs = np.array([score(train(p), X_val, Y_val) for p in p_values])
        k = pick(costs)
        return costs, (float(p_values[k]) if as_value else k)
    return wrong


def _error_rate(net, X, Y):
    return 1 - lab.accuracy(net, X, Y)


def _last_lowest(costs):
    return len(costs) - 1 - int(np.argmin(costs[::-1]))


class _Lookup:
    """train(p_keep) for the check: a fixed network per p_keep (random weights, no training)."""

    def __init__(self, nets):
        self.nets = nets

    def __call__(self, p_keep):
        return self.nets[round(float(p_keep), 6)]

    def __repr__(self):
        return f"train (a fixed network for each of {len(self.nets)} values of p_keep)"


def _choice_case(p_values, seeds, seed):
    X, Y = data.make_moons(40, seed=seed, **lab.MOONS)
    nets = {round(p, 6): lab.classifier([2, 6, 2], seed=s) for p, s in zip(p_values, seeds)}
    for net, s in zip(nets.values(), seeds):
        for W in net.weights:
            W *= 1 + (s % 3)                  # some confident, some unsure: J and accuracy disagree
    return Case(f"{len(p_values)} values of p_keep, 40 moons points (data seed {seed})",
                (_Lookup(nets), np.array(p_values), X, Y))


CHOICE = Exercise(
    "best_p_keep", remedies.best_p_keep,
    cases=[_choice_case([0.5, 0.6, 0.7, 0.8], [3, 4, 5, 6], 51),
           _choice_case([0.6, 0.75, 0.9], [7, 8, 9], 52),
           _choice_case([0.5, 0.7, 0.9], [11, 11, 10], 53)],       # a tie: the first of two equal networks
    outputs=("validation costs", "p_keep chosen"),
    mistakes=[
        Mistake("chose the highest cost",
                "the costs are right, but your p_keep has the HIGHEST validation cost: lower is better.",
                _choice_with(pick=lambda costs: int(np.argmax(costs)))),
        Mistake("position instead of p_keep",
                "the costs are right, but you returned the position of the best p_keep in p_values, not "
                "the value itself: return p_values[that position].",
                _choice_with(as_value=False)),
        Mistake("chose by accuracy",
                "you scored by the error rate: section 5 chose λ by the validation cost J (net.data_cost), "
                "which also weighs how sure each answer is; do the same here.",
                _choice_with(score=_error_rate)),
        Mistake("last on a tie",
                "two values of p_keep gave the same cost and you kept the later one: keep the first.",
                _choice_with(pick=_last_lowest)),
    ],
    success="one network per p_keep, each scored by its validation J,\n"
            "  and the p_keep with the lowest kept: a choice made by experiment.")


EXERCISES = {"best_p_keep": CHOICE}
check_best_p_keep = CHOICE.check
