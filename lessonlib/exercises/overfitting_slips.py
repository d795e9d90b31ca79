"""More catalogued mistakes for notebook 04's optional exercises (overfitting_more.py), from typical answers
written blind: a step with 2λ''/N, an extra 1/B on ∂J/∂W, the bias gradient averaged; an early stop that looks
past the stop, stops past the last epoch, or counts rises in a row.  The second blind set added AdamW's ε
inside the root (and a case with ŝ ≪ ε) and a decay of the wrong sign, ∂J/∂W transposed, no stop epoch, and, for
the exercises of overfitting.py (handed over with ``later``: that module is still being imported when this one
runs) and overfitting_choice.py, λ left out, a fold's mean, three dropout masks, four mirrors, two searches.
Imported at the end of overfitting_more.py."""
import numpy as np

from .. import overfitting_lab as lab
from .harness import Case, Mistake, later
from .overfitting_choice import CHOICE, _choice_with
from .overfitting_more import ADAMW, STEP, STOP, _adamw, _step_with, early_stop


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
    """The right stop epoch, but the best looked up in the whole list, past the stop."""
    return int(np.argmin(val_costs)) + 1, early_stop(val_costs, patience)[1]


def _stop_past_the_end(val_costs, patience):
    """The right best epoch, but always stopping at best + patience: an epoch that may never have run."""
    best = early_stop(val_costs, patience)[0]
    return best, best + patience


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


# ---- the second blind set (issue 22) ----------------------------------------------------------------------------
# AdamW: a case with tiny gradients (ŝ ≪ ε), where √(ŝ + ε) and √ŝ + ε differ; ε inside the root, the decay's sign
def _eps_inside_the_root(W, g, v, s, t, lr, lam, beta1=0.9, beta2=0.999, eps=1e-8):
    v, s = beta1 * v + (1 - beta1) * g, beta2 * s + (1 - beta2) * g * g
    v_hat, s_hat = v / (1 - beta1 ** t), s / (1 - beta2 ** t)
    return W * (1 - 2 * lr * lam) - lr * v_hat / np.sqrt(s_hat + eps), v, s


_tiny = np.random.default_rng(4)
ADAMW.cases.append(Case("W 3×3, t = 1, α = 0.01, λ = 0.1, tiny gradients (ŝ ≪ ε)",
                        (_tiny.normal(0, 1, (3, 3)), _tiny.normal(0, 1e-6, (3, 3)), np.zeros((3, 3)),
                         np.zeros((3, 3)), 1, 0.01, 0.1)))
ADAMW.mistakes += [
    Mistake("ε inside the root", "ε went inside the square root, √(ŝ + ε): AdamW (as Adam) divides by √ŝ + ε, "
            "ε added AFTER the root. The two differ when ŝ is as small as ε or smaller (tiny gradients).",
            _eps_inside_the_root),
    Mistake("decay with the wrong sign", "W was multiplied by (1 + 2αλ): it GROWS every step. Weight decay "
            "shrinks it, W ← (1 − 2αλ)W.", _adamw(decay=lambda lr, lam: -2 * lr * lam)),
]


def _dW_transposed(W, b, delta, a_prev, lam_nielsen, N, lr):
    dW = a_prev @ delta.T + lam_nielsen / N * W                       # (n_{m-1}, n_m) + (n_m, n_{m-1})
    return W - lr * dW, b - lr * delta.sum(axis=1, keepdims=True)


def _no_stop_epoch(val_costs, patience):
    best, stop = _stop_past_the_end(val_costs, patience)             # best + patience when it never stopped
    return best, (stop if stop <= len(val_costs) else None)


STEP.mistakes += [
    Mistake("∂J/∂W transposed", "∂J/∂W^m was written a^{m-1} δ^T, the transpose of δ^m (a^{m-1})^T: it has the "
            "shape of W^m only when W^m is square. Take delta @ a_prev.T.", _dW_transposed),
]
STOP.mistakes += [
    Mistake("no stop epoch when patience never runs out", "when patience never runs out the stop epoch came "
            "back as None: training then runs to the end, so the stop epoch is the last one, len(val_costs).",
            _no_stop_epoch),
]


# notebook 04's exercises in overfitting.py (built after this module runs: ``later`` hands them over)
def _dropout(keep=lambda u, p: u < p, scale=lambda p: 1 / p, draw=lambda rng, a: rng.random(a.shape)):
    def dropout_forward(a, p_keep, rng):
        mask = keep(draw(rng, a), p_keep) * scale(p_keep) * np.ones_like(a)
        return a * mask, mask
    return dropout_forward


def _mirror(x1, x2, labels=lambda Y: Y[::-1]):
    return lambda X, Y: (np.array([x1(X), x2(X)]), labels(Y).copy())


def _cv_fold_means(lam_values, X, Y, K, train):
    folds, rows = np.array_split(np.arange(X.shape[1]), K), []
    for fold in folds:
        rest = np.setdiff1d(np.arange(X.shape[1]), fold)
        rows.append([net.data_cost(X[:, fold], Y[:, fold]) for net in train(lam_values, X[:, rest], Y[:, rest])])
    rows = np.array(rows)
    return rows, lam_values[int(np.argmin(rows.mean(axis=1)))]         # a mean per FOLD, then an index into λ


later("add_l2", mistakes=[
    Mistake("λ left out of the penalty", "the penalty is ‖W‖² without its λ (the gradient has it): the term "
            "added to the cost is λ‖W‖², λ * np.sum(W * W).",
            lambda W, b, dW, db, lam: (np.sum(W * W), dW + 2 * lam * W, db))])
later("cross_validate", mistakes=[
    Mistake("a fold's mean over the wrong axis", "the λ was chosen from the mean of each FOLD (a row, axis=1), an "
            "index that counts folds, not values of λ: average each λ's column over the K folds, "
            "costs.mean(axis=0), then take the λ with the lowest mean.", _cv_fold_means)])
later("dropout_forward", mistakes=[
    Mistake("kept where u > p_keep", "the units were kept where u > p_keep, with probability 1 − p_keep: keep "
            "where u < p_keep, so each unit stays on with probability p_keep.",
            _dropout(keep=lambda u, p: u > p)),
    Mistake("scaled by 1/(1 − p_keep)", "the kept units were divided by 1 − p_keep, the DROP probability: "
            "inverted dropout divides by the keep probability, p_keep, so the expected output stays a.",
            _dropout(scale=lambda p: 1 / (1 - p))),
    Mistake("one mask per unit shared by all examples", "one draw per unit (shape (n, 1)) was shared by every "
            "example in the batch: each example gets its own mask, rng.random(a.shape).",
            _dropout(draw=lambda rng, a: rng.random((a.shape[0], 1))))])
later("mirror", mistakes=[
    Mistake("across the x₁ axis", "(x₁, −x₂) mirrors across the x₁ axis: moon 0 becomes a lower half-circle "
            "around (0, 0), not moon 1's around (1, 0.5). The map is (1 − x₁, 0.5 − x₂).",
            _mirror(lambda X: X[0], lambda X: -X[1])),
    Mistake("turned about moon 1's centre", "(2 − x₁, 1 − x₂) turns the plane about (1, 0.5), moon 1's centre: "
            "moon 0's centre (0, 0) lands on (2, 1). Turn about the MIDPOINT of the two centres, (0.5, 0.25): "
            "(1 − x₁, 0.5 − x₂).", _mirror(lambda X: 2 - X[0], lambda X: 1 - X[1])),
    Mistake("x₁ and x₂ swapped", "X's rows were swapped, (x₂, x₁): that mirrors across the diagonal, not onto "
            "the other moon. The map is (1 − x₁, 0.5 − x₂).", _mirror(lambda X: X[1], lambda X: X[0])),
    Mistake("examples reversed instead of classes", "Y's COLUMNS were reversed, which swaps examples' labels "
            "among them; each column is one example's one-hot label, and its rows are the classes: reverse "
            "the rows, Y[::-1].", _mirror(lambda X: 1 - X[0], lambda X: 0.5 - X[1], labels=lambda Y: Y[:, ::-1]))])


def _trained_once(train, p_values, X_val, Y_val):
    net = train(p_values[0])                                            # one network, scored for every p_keep
    costs = np.array([net.data_cost(X_val, Y_val) for p in p_values])
    return costs, float(p_values[int(np.argmin(costs))])


CHOICE.mistakes += [
    Mistake("chose the highest accuracy", "you scored by accuracy and kept the largest: choose by the "
            "validation cost J (net.data_cost), lowest first, which also weighs how sure each answer is.",
            _choice_with(score=lab.accuracy, pick=lambda scores: int(np.argmax(scores)))),
    Mistake("one network for every p_keep", "one network, trained with the first p_keep, was scored for every "
            "p_keep: train(p) builds a fresh network for EACH value, and each is scored on the validation set.",
            _trained_once),
]
