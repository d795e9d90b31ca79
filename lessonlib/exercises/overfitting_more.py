"""Notebook 04's optional exercises, on the one harness (``harness.Exercise``):

  adamw_step(W, g, v, s, t, lr, lam) -> (W, v, s)
      one AdamW step: decoupled weight decay, then Adam on the data gradient
  early_stop(val_costs, patience) -> (best epoch, stop epoch)
      the rule of train(early_stopping=patience)
  nielsen_step(W, b, delta, a_prev, lam_nielsen, N, lr) -> (W, b)
      one SGD step with the λ''/(2N) Σw² penalty (Nielsen's and the Deep Learning Specialization's)

Each catalogued mistake is a wrong implementation with the student's signature, so tests/test_exercises.py
can feed each to its check.  The core exercises are in overfitting.py, which lists these too.
"""
import numpy as np

from .. import remedies
from .harness import Case, Exercise, Mistake


# ---- AdamW: decoupled weight decay (section 4, going further) -------------------------------------
def _adamw(decay_first=True, decay=lambda lr, lam: 2 * lr * lam, through_adam=False, correct=True):
    """An AdamW step with one piece changed."""
    def wrong(W, g, v, s, t, lr, lam, beta1=0.9, beta2=0.999, eps=1e-8):
        g = g + 2 * lam * W if through_adam else g
        W_0 = W * (1 - decay(lr, lam)) if decay_first and not through_adam else W
        v = beta1 * v + (1 - beta1) * g
        s = beta2 * s + (1 - beta2) * g * g
        v_hat, s_hat = (v / (1 - beta1 ** t), s / (1 - beta2 ** t)) if correct else (v, s)
        W_new = W_0 - lr * v_hat / (np.sqrt(s_hat) + eps)
        if not decay_first and not through_adam:
            W_new = W_new * (1 - decay(lr, lam))
        return W_new, v, s
    return wrong


def _adamw_case(shape, t, lr, lam, seed):
    rng = np.random.default_rng(seed)
    W, g = rng.normal(0, 1, shape), rng.normal(0, 0.5, shape)
    v, s = rng.normal(0, 0.1, shape), rng.uniform(0.01, 0.2, shape)
    return Case(f"W {shape[0]}×{shape[1]}, t = {t}, α = {lr:g}, λ = {lam:g}", (W, g, v, s, t, lr, lam))


ADAMW = Exercise(
    "adamw_step", remedies.adamw_step,
    cases=[_adamw_case((3, 4), 1, 0.02, 0.5, 1), _adamw_case((2, 5), 7, 0.1, 2.0, 2),
           _adamw_case((4, 2), 30, 0.05, 0.0, 3)],
    outputs=("W", "v", "s"),
    mistakes=[
        Mistake("L2 through Adam",
                "2λW went into the gradient that Adam rescales: that is Adam with an L2 penalty "
                "(torch.optim.Adam(weight_decay=...)), not AdamW. Decay W by itself, outside Adam.",
                _adamw(through_adam=True)),
        Mistake("decay by αλ (wd = λ)",
                "W was decayed by (1 − αλ): torch's AdamW decays by (1 − α·wd), and this series' penalty "
                "λΣw² matches wd = 2λ, so the factor is (1 − 2αλ).",
                _adamw(decay=lambda lr, lam: lr * lam)),
        Mistake("decay without α",
                "W was decayed by (1 − 2λ): the decay is a step too, so it is scaled by the learning rate: "
                "(1 − 2αλ).",
                _adamw(decay=lambda lr, lam: 2 * lam)),
        Mistake("decay after the step",
                "W was decayed after Adam's step: AdamW (as torch) shrinks the weights first, W ← (1 − 2αλ)W, "
                "then subtracts α v̂/(√ŝ + ε).",
                _adamw(decay_first=False)),
        Mistake("no bias correction",
                "the step used v and s themselves: Adam divides them by (1 − β₁ᵗ) and (1 − β₂ᵗ) first, "
                "which matters most in the first steps.",
                _adamw(correct=False)),
        Mistake("no decay",
                "W was not decayed at all: that is plain Adam. AdamW shrinks W by (1 − 2αλ) every step.",
                _adamw(decay=lambda lr, lam: 0.0)),
    ],
    success="W ← (1 − 2αλ)W − α v̂/(√ŝ + ε), v and s from the data gradient\n"
            "  alone: AdamW, torch.optim.AdamW(weight_decay = 2λ).")


# ---- one SGD step with the penalty written as λ''/(2N) Σ w² (the appendix) ---------------------
def nielsen_step(W, b, delta, a_prev, lam_nielsen, N, lr):
    """Ĵ = J + λ''/(2N) Σ w²: ∂Ĵ/∂W = δ(a^{m-1})^T + (λ''/N) W, ∂Ĵ/∂b = Σ δ; one step of size α."""
    dW = delta @ a_prev.T + lam_nielsen / N * W
    db = delta.sum(axis=1, keepdims=True)
    return W - lr * dW, b - lr * db


def _step_with(penalty=lambda W, lam_nielsen, N, B: lam_nielsen / N * W, bias_penalty=lambda b, lam_nielsen, N: 0.0,
               data_scale=lambda B: 1.0, sign=1.0, decay_lr=True):
    """A step like the reference but with one piece changed."""
    def wrong(W, b, delta, a_prev, lam_nielsen, N, lr):
        B = a_prev.shape[1]
        g_W, g_b = delta @ a_prev.T * data_scale(B), delta.sum(axis=1, keepdims=True) * data_scale(B)
        decay = penalty(W, lam_nielsen, N, B)
        W_new = W - sign * lr * g_W - (lr if decay_lr else 1.0) * sign * decay
        return W_new, b - sign * lr * (g_b + bias_penalty(b, lam_nielsen, N))
    return wrong


def _step_case(n_out, n_in, B, N, lam_nielsen, lr, seed):
    rng = np.random.default_rng(seed)
    args = (rng.normal(0, 1, (n_out, n_in)), rng.normal(0, 1, (n_out, 1)), rng.normal(0, 0.3, (n_out, B)),
            rng.normal(0, 1, (n_in, B)), lam_nielsen, N, lr)
    return Case(f"W {n_out}×{n_in}, B = {B}, N = {N}, λ'' = {lam_nielsen:g}, α = {lr:g}", args)


STEP = Exercise(
    "nielsen_step", nielsen_step,
    cases=[_step_case(3, 4, 5, 60, 0.9, 0.1, 1), _step_case(4, 4, 2, 30, 3.0, 0.5, 2),
           _step_case(2, 3, 8, 100, 0.0, 0.2, 3)],
    outputs=("W", "b"),
    mistakes=[
        Mistake("this series' convention (2λ''W)",
                "W lost α·2λ''W: that is the gradient of λ''Σw², this series' penalty. Here the penalty is "
                "λ''/(2N) Σw²; its derivative is (λ''/(2N))·2w = (λ''/N)w.",
                _step_with(lambda W, lam_nielsen, N, B: 2 * lam_nielsen * W)),
        Mistake("CS231n's ½λ' convention (not divided by N)",
                "W lost α·λ''W, the gradient of ½λ''Σw² (CS231n's and d2l's ½λ' convention). Here the "
                "penalty is divided by N as well: its gradient is (λ''/N)W.",
                _step_with(lambda W, lam_nielsen, N, B: lam_nielsen * W)),
        Mistake("the 2 of w² forgotten (λ''/(2N))",
                "W lost α·(λ''/(2N))W: the derivative of w² is 2w, so the 2 of the 2N cancels: (λ''/N)W.",
                _step_with(lambda W, lam_nielsen, N, B: lam_nielsen / (2 * N) * W)),
        Mistake("divided by B instead of N",
                "W lost α·(λ''/B)W with B the batch size (the columns of a_prev). N is the number of "
                "TRAINING examples, a separate argument: the penalty belongs to the whole training set, "
                "not to one batch, so its gradient is (λ''/N)W whatever B is.",
                _step_with(lambda W, lam_nielsen, N, B: lam_nielsen / B * W)),
        Mistake("bias decayed",
                "b shrank too: the penalty sums the squared weights only, so ∂Ĵ/∂b^m = Σ δ^m with nothing "
                "added, and b ← b − α Σ δ^m.",
                _step_with(bias_penalty=lambda b, lam_nielsen, N: lam_nielsen / N * b)),
        Mistake("α missing on the decay",
                "W was multiplied by 1 − λ''/N instead of 1 − αλ''/N: the penalty's gradient is part of "
                "∂Ĵ/∂W, and the whole gradient is multiplied by α.",
                _step_with(decay_lr=False)),
        Mistake("penalty sign",
                "W grew with the penalty (−(λ''/N)W in the gradient): the penalty's gradient is +(λ''/N)W, "
                "so that the step W − α(… + (λ''/N)W) shrinks the weights.",
                _step_with(lambda W, lam_nielsen, N, B: -lam_nielsen / N * W)),
        Mistake("uphill step",
                "W and b moved along +α·gradient: a descent step subtracts it, W ← W − α ∂Ĵ/∂W.",
                _step_with(sign=-1.0)),
        Mistake("penalty forgotten",
                "W moved by the plain gradient δ(a^{m-1})^T only (right when λ'' = 0 only): add the "
                "penalty's gradient, which you derive from λ''/(2N) Σw².",
                _step_with(lambda W, lam_nielsen, N, B: 0.0)),
        Mistake("divided by B again",
                "the data part of the step is B times too small: δ^m already holds the 1/B of the averaged "
                "cost, so δ^m (a^{m-1})^T and Σ δ^m are already averages. Do not divide again.",
                _step_with(data_scale=lambda B: 1.0 / B)),
    ],
    success="W ← (1 − αλ''/N) W − α δ^m (a^{m-1})^T, b ← b − α Σ δ^m: each\n"
            "  step shrinks W by 1 − αλ''/N, this series' 1 − 2αλ when λ'' = 2Nλ.")


# ---- the early-stopping rule (section 6) ------------------------------------------------------
def early_stop(val_costs, patience):
    """Epochs 1, 2, …: the best is the last strict new minimum; stop once epoch − best = patience."""
    best, best_cost = 0, np.inf
    for epoch, cost in enumerate(val_costs, start=1):
        if cost < best_cost:
            best, best_cost = epoch, cost
        elif epoch - best >= patience:
            return best, epoch
    return best, len(val_costs)


def _stop_rule(improves=lambda c, best: c < best, stopped=lambda epoch, best, waited, p: epoch - best >= p,
               reset=True, shift=0, keep_last=False):
    """The early-stopping loop with one piece changed."""
    def wrong(val_costs, patience):
        best, best_cost, waited = 0, np.inf, 0
        for epoch, cost in enumerate(val_costs, start=1):
            if improves(cost, best_cost):
                best, best_cost = epoch, cost
                waited = 0 if reset else waited
            else:
                waited += 1
                if stopped(epoch, best, waited, patience):
                    return (epoch if keep_last else best) + shift, epoch + shift
        return (len(val_costs) if keep_last else best) + shift, len(val_costs) + shift
    return wrong


def _looked_past_the_stop(val_costs, patience):
    return int(np.argmin(val_costs)) + 1, len(val_costs)


STOP_CASES = [Case("p = 3, a later dip after the stop", ([1.0, 0.8, 0.9, 0.85, 0.7, 0.75, 0.72, 0.71, 0.74, 0.6], 3)),
              Case("p = 2, ties", ([0.5, 0.5, 0.5, 0.4, 0.4, 0.45, 0.41], 2)),
              Case("p = 2, never stops", ([3.0, 2.0, 1.5, 1.4, 1.3], 2))]

STOP = Exercise(
    "early_stop", early_stop, cases=STOP_CASES, outputs=("best epoch", "stop epoch"),
    mistakes=[
        Mistake("counted from 0",
                "both epochs are one too small: the first epoch is epoch 1 (history.val_cost[0] is measured "
                "after epoch 1), so count with enumerate(val_costs, start=1).",
                _stop_rule(shift=-1)),
        Mistake("kept the last epoch",
                "the kept epoch is the one training stopped at: early stopping keeps (restores) the BEST "
                "epoch, the one with the lowest validation cost so far.",
                _stop_rule(keep_last=True)),
        Mistake("patience ignored",
                "it stopped at the first epoch that did not improve: wait `patience` epochs after the best "
                "one before stopping, since the validation cost is noisy.",
                _stop_rule(stopped=lambda epoch, best, waited, p: True)),
        Mistake("a tie counted as better",
                "an equal cost moved the best epoch: only a strictly lower cost is an improvement (<, not "
                "≤), as in lessonlib.train; otherwise a flat cost never stops.",
                _stop_rule(improves=lambda c, best: c <= best)),
        Mistake("waiting not reset at a new best",
                "it counted every non-improving epoch since the start: the patience counts the epochs since "
                "the BEST one, so a new best starts the count again.",
                _stop_rule(reset=False, stopped=lambda epoch, best, waited, p: waited >= p)),
        Mistake("one epoch too late",
                "it stopped one epoch late (epoch − best > patience): stop as soon as `patience` epochs "
                "have passed without a better cost, epoch − best ≥ patience.",
                _stop_rule(stopped=lambda epoch, best, waited, p: epoch - best > p)),
        Mistake("looked past the stop",
                "it took the lowest cost of the whole list: training stops at the stop epoch, so the costs "
                "after it are never measured. Walk through the epochs in order and stop there.",
                _looked_past_the_stop),
    ],
    success="best = the last strict new minimum; stop as soon as epoch − best\n"
            "  = patience: the rule lessonlib.train(early_stopping=p) follows.")


EXERCISES = {"adamw_step": ADAMW, "nielsen_step": STEP, "early_stop": STOP}
check_adamw_step = ADAMW.check
check_nielsen_step = STEP.check
check_early_stop = STOP.check
