"""Notebook 04's exercises, on the one harness (``harness.Exercise``):

  regularized_gradients(delta, a_prev, W, b, lam) -> (dW, db)     one layer's backward step with the L2 penalty
  choose_lambda(lams, train, validation, test, sizes, epochs) -> λ  the λ sweep, chosen on the validation set

Each catalogued mistake is a wrong implementation with the student's signature (the ½λ and λ/(2n)
conventions of other courses among them), so tests/test_exercises.py can feed each to its check.
"""
import numpy as np

from .. import data
from .. import overfitting_lab as lab
from .harness import Case, Exercise, Mistake


# ---- Exercise 1: the regularized backward pass (weights only) --------------------------------
def regularized_gradients(delta, a_prev, W, b, lam):
    """∂Ĵ/∂W^m = δ^m (a^{m-1})^T + 2λ W^m;  ∂Ĵ/∂b^m = Σ_columns δ^m (the penalty has no b in it)."""
    return delta @ a_prev.T + 2 * lam * W, delta.sum(axis=1, keepdims=True)


def _layer(delta, a_prev):
    return delta @ a_prev.T, delta.sum(axis=1, keepdims=True)


def _gradients_with(extra_dW=lambda W, lam, B: 0.0, extra_db=lambda W, b, lam: 0.0):
    def wrong(delta, a_prev, W, b, lam):
        dW, db = _layer(delta, a_prev)
        return dW + extra_dW(W, lam, a_prev.shape[1]), db + extra_db(W, b, lam)
    return wrong


def _layer_case(n_out, n_in, B, lam, seed):
    rng = np.random.default_rng(seed)
    args = (rng.normal(0, 0.3, (n_out, B)), rng.normal(0, 1, (n_in, B)), rng.normal(0, 1, (n_out, n_in)),
            rng.normal(0, 1, (n_out, 1)), lam)
    return Case(f"W {n_out}×{n_in}, B = {B}, λ = {lam:g}", args)


GRADIENTS = Exercise(
    "regularized_gradients", regularized_gradients,
    cases=[_layer_case(3, 4, 5, 0.1, 1), _layer_case(4, 4, 2, 0.03, 2), _layer_case(2, 3, 8, 0.0, 3)],
    outputs=("dW", "db"),
    mistakes=[
        Mistake("half-λ convention (λW instead of 2λW)",
                "dW gained λW^m, the gradient of ½λΣw²: that is the convention of CS231n and d2l, who write "
                "the penalty with a ½ so that the 2 cancels. This series writes Ĵ = J + λΣw² (no ½), so "
                "∂(λw²)/∂w = 2λw: dW gains 2λW^m.",
                _gradients_with(lambda W, lam, B: lam * W)),
        Mistake("λ/(2n) convention",
                "dW gained (λ/B)W^m, the gradient of (λ/2n)Σw²: that is the convention of Nielsen's book and "
                "the Deep Learning Specialization, which divide the penalty by 2n. Here the penalty is "
                "λΣw², added once to the averaged cost and not divided by the batch size: dW gains 2λW^m.",
                _gradients_with(lambda W, lam, B: lam / B * W)),
        Mistake("bias regularized",
                "db gained 2λb^m: the penalty Ω = Σ_m ||W^m||² has no biases in it, so ∂Ĵ/∂b^m = ∂J/∂b^m = "
                "Σ_columns δ^m, exactly as without the penalty.",
                _gradients_with(lambda W, lam, B: 2 * lam * W, lambda W, b, lam: 2 * lam * b)),
        Mistake("penalty added to db",
                "db gained λΣw², the penalty's value: the gradient of the penalty with respect to b^m is 0 (no "
                "b in Ω), and a cost's value never goes into a gradient. db = Σ_columns δ^m.",
                _gradients_with(lambda W, lam, B: 2 * lam * W, lambda W, b, lam: lam * np.sum(W ** 2))),
        Mistake("sign",
                "dW gained −2λW^m: the penalty's gradient is +2λW^m, so that the descent step "
                "W ← W − α(… + 2λW) shrinks the weights. With a minus it would make them grow.",
                _gradients_with(lambda W, lam, B: -2 * lam * W)),
        Mistake("λ missing",
                "dW gained 2W^m: the penalty's gradient is 2λW^m, so λ = 0 must give back the plain gradient.",
                _gradients_with(lambda W, lam, B: 2 * W)),
        Mistake("penalty forgotten",
                "dW is the plain δ^m (a^{m-1})^T: add the penalty's gradient 2λW^m to it (right when λ = 0 only).",
                _gradients_with()),
        Mistake("divided by B again",
                "dW and db are B times too small: δ^L = (a^L − y)/B already holds the 1/B of the averaged "
                "cost, so δ^m (a^{m-1})^T and Σ_columns δ^m are already averages. Do not divide again.",
                lambda delta, a_prev, W, b, lam: (delta @ a_prev.T / a_prev.shape[1] + 2 * lam * W,
                                                  delta.sum(axis=1, keepdims=True) / a_prev.shape[1])),
    ],
    success="dW = δ^m (a^{m-1})^T + 2λW^m and db = Σ δ^m (no penalty on the bias): the lesson's backward "
            "pass with the L2 penalty, as Network.backward computes it with l2 = λ.")


# ---- Exercise 2: the λ sweep, chosen on the validation set -------------------------------------
def choose_lambda(lams, train, validation, test, sizes, epochs):
    """For each λ: a fresh network (seed 0), trained on ``train``; return the λ whose validation cost J is lowest."""
    costs = []
    for lam in lams:
        net = lab.classifier(sizes, l2=lam, seed=0)
        lab.fit(net, *train, epochs=epochs)
        costs.append(net.data_cost(*validation))
    return lams[int(np.argmin(costs))]


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


SWEEP_LAMBDAS = np.array([0.0, 1e-3, 1e-2, 3e-2, 0.1])


def _sweep_case(seed):
    sets = [data.make_moons(n, seed=seed + offset, **lab.MOONS) for n, offset in [(30, 0), (40, 100), (40, 200)]]
    return Case(f"moons, data seed {seed}, λ in {list(SWEEP_LAMBDAS)}", (SWEEP_LAMBDAS, *sets, [2, 12, 2], 200))


SWEEP = Exercise(
    "choose_lambda", choose_lambda,
    cases=[_sweep_case(15), _sweep_case(17)],
    outputs=("λ",),
    mistakes=[
        Mistake("picked on the test set",
                "that λ has the lowest TEST cost. Choosing by the test set makes it part of training: its "
                "score is then optimistic and no longer estimates new data. Choose by the validation cost.",
                _pick_by(lambda net, tr, va, te: net.data_cost(*te))),
        Mistake("picked on the training cost",
                "that λ has the lowest TRAINING cost, which always favors the smallest λ (the network that "
                "memorizes best). Choose on data the network was not trained on: the validation set.",
                _pick_by(lambda net, tr, va, te: net.data_cost(*tr))),
        Mistake("validation Ĵ with the penalty",
                "that λ has the lowest validation Ĵ = J + λΩ (net.cost): the penalty is part of training, not "
                "of how well the network predicts; it favors small λ. Compare the data cost J "
                "(net.data_cost) on the validation set.",
                _pick_by(lambda net, tr, va, te: net.cost(*va))),
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
    success="each λ gets a fresh network from the same θ₀, and the choice uses the validation cost J alone; "
            "the test set stays unseen until the final report.")


EXERCISES = {"regularized_gradients": GRADIENTS, "choose_lambda": SWEEP}
check_regularized_gradients = GRADIENTS.check
check_choose_lambda = SWEEP.check
