"""Notebook 04's exercises, on the one harness (``harness.Exercise``):

  nielsen_step(W, b, delta, a_prev, lam_nielsen, N, lr) -> (W, b)
      one SGD step with the λ''/(2N) Σw² penalty
  choose_lambda(lam_values, train, validation, test, layer_sizes, epochs) -> λ
      the λ sweep, chosen on the validation set
  early_stop(val_costs, patience) -> (best epoch, stop epoch)
      the rule of train(early_stopping=patience)

Each catalogued mistake is a wrong implementation with the student's signature (this series' and
CS231n's conventions among them), so tests/test_exercises.py can feed each to its check.  The λ sweep
must be written out: during its check ``lab.lambda_sweep`` and ``lab.best_lambda`` are replaced by
stubs that raise (in the module and in the student function's globals), and restored afterwards.
"""
import numpy as np

from .. import data
from .. import overfitting_lab as lab
from .harness import Case, Exercise, Mistake, OffLimits


# ---- Exercise 1: one SGD step with the penalty written as λ''/(2N) Σ w² ------------------------
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
    success="W ← W − α(δ^m (a^{m-1})^T + (λ''/N) W) = (1 − αλ''/N) W − α δ^m (a^{m-1})^T and b ← b − α Σ δ^m: "
            "each step shrinks every weight by 1 − αλ''/N, which is this series' 1 − 2αλ when λ'' = 2Nλ.")


# ---- Exercise 2: the λ sweep, chosen on the validation set -------------------------------------
def choose_lambda(lam_values, train, validation, test, layer_sizes, epochs):
    """For each λ: a fresh network (seed 0), trained on ``train``; return the λ whose validation cost J is lowest."""
    costs = []
    for lam in lam_values:
        net = lab.classifier(layer_sizes, l2=lam, seed=0)
        lab.fit(net, *train, epochs=epochs)
        costs.append(net.data_cost(*validation))
    return lam_values[int(np.argmin(costs))]


def _pick_by(score):
    """A sweep that trains like the reference but chooses by ``score(net, train, validation, test)``."""
    def wrong(lams, train, validation, test, sizes, epochs):
        scores = []
        for lam in lams:
            net = lab.classifier(sizes, l2=lam, seed=0)
            lab.fit(net, *train, epochs=epochs)
            scores.append(score(net, train, validation, test))
        return lams[int(np.argmin(scores))]
    return wrong


def _position(lams, train, validation, test, sizes, epochs):
    costs = []
    for lam in lams:
        net = lab.classifier(sizes, l2=lam, seed=0)
        lab.fit(net, *train, epochs=epochs)
        costs.append(net.data_cost(*validation))
    return int(np.argmin(costs))                   # the position, not lams[position]


def _one_network(lams, train, validation, test, sizes, epochs):
    net, costs = lab.classifier(sizes, seed=0), []
    for lam in lams:                               # the same network goes on training with each λ
        net.l2 = lam
        lab.fit(net, *train, epochs=epochs)
        costs.append(net.data_cost(*validation))
    return lams[int(np.argmin(costs))]


def _library_sweep(lams, train, validation, test, sizes, epochs):
    sweep = lab.lambda_sweep({"train": train, "validation": validation}, lams, sizes, train[0].shape[1], epochs)
    return lab.best_lambda(lams, sweep.cost["validation"])


SWEEP_LAMBDAS = np.array([0.0, 1e-3, 1e-2, 3e-2, 0.1])


def _sweep_case(seed):
    sets = [data.make_moons(n, seed=seed + offset, **lab.MOONS) for n, offset in [(30, 0), (40, 100), (40, 200)]]
    return Case(f"moons, data seed {seed}, λ in {list(SWEEP_LAMBDAS)}", (SWEEP_LAMBDAS, *sets, [2, 12, 2], 200))


USED_SWEEP = Mistake("used the library's sweep",
                     "it called lab.lambda_sweep / lab.best_lambda, which section 5 already showed: this exercise "
                     "is to write that loop yourself (a fresh lab.classifier per λ, lab.fit, the validation data "
                     "cost, the lowest one). The two are switched off during the check.",
                     _library_sweep)

SWEEP = Exercise(
    "choose_lambda", choose_lambda,
    cases=[_sweep_case(15), _sweep_case(17), _sweep_case(20)],
    outputs=("λ",),
    off_limits=OffLimits(USED_SWEEP, objects=(lab.lambda_sweep, lab.best_lambda),       # also `from … import`
                         attributes=((lab, "lambda_sweep"), (lab, "best_lambda"))),
    mistakes=[
        USED_SWEEP,
        Mistake("picked on the test set",
                "that λ has the lowest TEST cost. Choosing by the test set makes it part of training: its "
                "score is then optimistic and no longer estimates new data. Choose by the validation cost.",
                _pick_by(lambda net, tr, va, te: net.data_cost(*te))),
        Mistake("picked on the training cost",
                "that λ has the lowest TRAINING cost, which always favors the smallest λ (the network that "
                "memorizes best). Choose on data the network was not trained on: the validation set.",
                _pick_by(lambda net, tr, va, te: net.data_cost(*tr))),
        Mistake("validation Ĵ with the penalty",
                "that λ has the lowest validation Ĵ = J + λΩ (net.cost). λΩ is a cost we invented to steer "
                "training, not an error on new data, and it differs from one λ to the next, so Ĵ does not "
                "compare the networks fairly (section 5). Compare the data cost J (net.data_cost).",
                _pick_by(lambda net, tr, va, te: net.cost(*va))),
        Mistake("picked on validation accuracy",
                "that λ has the highest validation ACCURACY. The score asked for is the validation data cost "
                "J (net.data_cost): accuracy only counts which side of 0.5 each point falls, so on a few "
                "dozen points many λ tie or differ by one point, while J also weighs how confident each "
                "answer is.",
                _pick_by(lambda net, tr, va, te: -np.mean(net.predict(va[0]).argmax(0) == va[1].argmax(0)))),
        Mistake("highest validation cost",
                "that λ has the HIGHEST validation cost; choose the lowest (np.argmin).",
                _pick_by(lambda net, tr, va, te: -net.data_cost(*va))),
        Mistake("position instead of λ",
                "that is the position of the best λ in the list (what np.argmin returns); return the value, "
                "lams[position].", _position),
        Mistake("one network for every λ",
                "the same network was trained on with each λ in turn, so each λ started where the previous "
                "one stopped. Build a fresh network (seed 0) for each λ: only λ may differ between runs.",
                _one_network),
    ],
    success="each λ gets a fresh network from the same initial weights, and the choice uses the validation cost J alone; "
            "the test set stays unseen until the final report.")


# ---- Exercise 3: the early-stopping rule -------------------------------------------------------
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
    success="the best epoch is the last strict new minimum, and training stops as soon as epoch − best = "
            "patience: the rule lessonlib.train(early_stopping=p) follows.")


EXERCISES = {"nielsen_step": STEP, "choose_lambda": SWEEP, "early_stop": STOP}
check_nielsen_step = STEP.check
check_choose_lambda = SWEEP.check
check_early_stop = STOP.check

from . import overfitting_slips  # noqa: E402,F401  (more catalogued mistakes and a case, added to the exercises above)
