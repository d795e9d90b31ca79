"""More catalogued mistakes for notebook 04's optional exercises (overfitting_more.py), from typical answers
written blind: a step with 2λ''/N, an extra 1/B on ∂J/∂W, the bias gradient averaged; an early stop that looks
past the stop, stops past the last epoch, or counts rises in a row.  Imported at the end of overfitting_more.py."""
import numpy as np

from .harness import Mistake
from .overfitting_more import STEP, STOP, _step_with


def _data_W_over_B(W, b, delta, a_prev, lam_nielsen, N, lr):
    dW = delta @ a_prev.T / a_prev.shape[1] + lam_nielsen / N * W        # 1/B on δ(a^{m-1})^T only
    return W - lr * dW, b - lr * delta.sum(axis=1, keepdims=True)


def _db_mean(W, b, delta, a_prev, lam_nielsen, N, lr):
    dW = delta @ a_prev.T + lam_nielsen / N * W
    return W - lr * dW, b - lr * delta.mean(axis=1, keepdims=True)


STEP.mistakes += [
    Mistake("2λ''/N", "W lost α·(2λ''/N)W, twice the penalty's gradient: the derivative of λ''/(2N) Σw² is "
            "(λ''/(2N))·2w = (λ''/N)w; the 2 of w² is already used up by the 2 in 2N.",
            _step_with(lambda W, lam_nielsen, N, B: 2 * lam_nielsen / N * W)),
    Mistake("∂J/∂W divided by B", "the data part of ∂Ĵ/∂W is B times too small: δ^m already holds the 1/B of "
            "the averaged cost, so δ^m (a^{m-1})^T is already the batch's mean. Do not divide by B again.",
            _data_W_over_B),
    Mistake("∂J/∂b as a mean", "b moved B times too little: δ^m already holds the 1/B, so ∂J/∂b^m is the SUM "
            "Σ δ^m over the batch (delta.sum(axis=1, keepdims=True)), not its mean.", _db_mean),
]


def _best_of_all(val_costs, patience):
    best, best_cost = 0, np.inf
    for epoch, cost in enumerate(val_costs, start=1):
        if cost < best_cost:
            best, best_cost = epoch, cost
        elif epoch - best >= patience:
            return int(np.argmin(val_costs)) + 1, epoch                # the best looked up past the stop
    return int(np.argmin(val_costs)) + 1, len(val_costs)


def _stop_past_the_end(val_costs, patience):
    best, best_cost = 0, np.inf
    for epoch, cost in enumerate(val_costs, start=1):
        if cost < best_cost:
            best, best_cost = epoch, cost
        elif epoch - best >= patience:
            return best, epoch
    return best, best + patience                                        # an epoch that never ran


def _rises_in_a_row(val_costs, patience):
    best, best_cost, rises, previous = 0, np.inf, 0, np.inf
    for epoch, cost in enumerate(val_costs, start=1):
        if cost < best_cost:
            best, best_cost = epoch, cost
        rises = rises + 1 if cost >= previous else 0                    # against the previous epoch, not the best
        if rises == patience:
            return best, epoch
        previous = cost
    return best, len(val_costs)


STOP.mistakes += [
    Mistake("best looked up past the stop", "the stop epoch is right, but the best epoch is the lowest cost of "
            "the WHOLE list: the epochs after the stop are never trained, so the best is the lowest cost up to "
            "the stop.", _best_of_all),
    Mistake("stop past the last epoch", "when patience never runs out, training stops at the last epoch, "
            "len(val_costs): best + patience may be an epoch that never ran.", _stop_past_the_end),
    Mistake("compared with the previous epoch", "it counts rises in a row (each cost against the previous "
            "one); patience counts the epochs since the BEST cost: stop once epoch − best ≥ patience, however "
            "the costs went up and down in between.", _rises_in_a_row),
]
