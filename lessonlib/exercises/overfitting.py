"""Notebook 04's exercises, on the one harness (``harness.Exercise``):

  add_l2(W, b, dW, db, lam) -> (penalty, dW, db)
      one layer's share of the L2 penalty λ‖W‖² and of its gradient, inside the backward pass
  cross_validate(lam_values, X, Y, K, train) -> ((K, len(lam_values)) held-out costs, the λ chosen)
      K-fold cross-validation, and the λ it chooses
  dropout_forward(a, p_keep, rng) -> (a_out, mask); dropout_backward(d_out, mask) -> d_a
      inverted dropout
  mirror(X, Y) -> (X_m, Y_m)
      the moons' exact symmetry, for data augmentation
  best_p_keep(train, p_values, X_val, Y_val) -> (validation costs, the p_keep chosen)
      the discovery exercise (overfitting_choice.py): dropout's p_keep chosen by experiment

and the optional ones of overfitting_more.py (adamw_step, early_stop, nielsen_step).  Each catalogued
mistake is a wrong implementation with the student's signature, so tests/test_exercises.py can feed each
to its check.  While cross_validate is checked, ``lab.cross_validate`` raises (``OffLimits``).
"""
import functools

import numpy as np

from .. import data, remedies
from .. import overfitting_lab as lab
from .harness import Case, Exercise, Mistake, OffLimits
from .overfitting_choice import EXERCISES as CHOICE
from .overfitting_choice import check_best_p_keep  # noqa: F401
from .overfitting_more import EXERCISES as MORE
from .overfitting_more import check_adamw_step, check_early_stop, check_nielsen_step  # noqa: F401


# ---- Exercise: the L2 penalty inside the backward pass ---------------------------------------------
def add_l2(W, b, dW, db, lam):
    """Layer m's share of λΩ and of its gradient: (λ‖W‖², ∂J/∂W + 2λW, ∂J/∂b); the biases are not penalized."""
    return lam * np.sum(W * W), dW + 2 * lam * W, db


def _l2_with(penalty=lambda W, b, lam: lam * np.sum(W * W), grad_W=lambda W, lam: 2 * lam * W,
             grad_b=lambda b, lam: 0.0 * b, keep_data=True):
    def wrong(W, b, dW, db, lam):
        return penalty(W, b, lam), (dW if keep_data else 0.0 * dW) + grad_W(W, lam), db + grad_b(b, lam)
    return wrong


def _l2_case(shape, lam, seed):
    rng = np.random.default_rng(seed)
    W, b = rng.normal(0, 1, shape), rng.normal(0, 1, (shape[0], 1))
    dW, db = rng.normal(0, 0.3, shape), rng.normal(0, 0.3, (shape[0], 1))
    return Case(f"W {shape[0]}×{shape[1]}, λ = {lam:g}", (W, b, dW, db, lam))


L2 = Exercise(
    "add_l2", add_l2,
    cases=[_l2_case((3, 2), 0.01, 1), _l2_case((4, 3), 0.3, 2), _l2_case((2, 5), 0.0, 3)],
    outputs=("λ‖W‖²", "∂Ĵ/∂W", "∂Ĵ/∂b"),
    mistakes=[
        Mistake("the 2 forgotten (λW)",
                "∂Ĵ/∂W gained λW: the derivative of λw² is 2λw, so the gradient gains 2λW.",
                _l2_with(grad_W=lambda W, lam: lam * W)),
        Mistake("½λ convention",
                "you used ½λ‖W‖² and its gradient λW (CS231n's and d2l's way of writing it): consistent, but "
                "this series' penalty is λ‖W‖², whose gradient is 2λW.",
                _l2_with(penalty=lambda W, b, lam: 0.5 * lam * np.sum(W * W), grad_W=lambda W, lam: lam * W)),
        Mistake("bias decayed",
                "∂Ĵ/∂b changed: the penalty sums the squared weights only, so the bias gradient is ∂J/∂b "
                "unchanged.",
                _l2_with(grad_b=lambda b, lam: 2 * lam * b)),
        Mistake("bias in the penalty",
                "the penalty includes λ‖b‖²: Ω sums the squared weights only; the biases are left out.",
                _l2_with(penalty=lambda W, b, lam: lam * (np.sum(W * W) + np.sum(b * b)))),
        Mistake("norm not squared",
                "the penalty is λ‖W‖ (the length of W): Ω adds the SQUARED weights, λ Σ w².",
                _l2_with(penalty=lambda W, b, lam: lam * np.sqrt(np.sum(W * W)))),
        Mistake("penalty not summed",
                "the penalty came back as an array, λ w² for each weight: it is one number, λ Σ w² over "
                "the layer's weights.",
                _l2_with(penalty=lambda W, b, lam: lam * W * W)),
        Mistake("mean instead of sum",
                "you averaged the squared weights: Ω is their SUM, λ Σ w², and its gradient is 2λW.",
                _l2_with(penalty=lambda W, b, lam: lam * np.mean(W * W), grad_W=lambda W, lam: 2 * lam * W / W.size)),
        Mistake("L1 instead of L2",
                "you used λ Σ|w| and its gradient λ·sign(w): that is the L1 penalty. L2 squares each weight.",
                _l2_with(penalty=lambda W, b, lam: lam * np.sum(np.abs(W)), grad_W=lambda W, lam: lam * np.sign(W))),
        Mistake("gradient sign",
                "∂Ĵ/∂W lost 2λW: the penalty grows with |w|, so its gradient +2λW points away from 0 and the "
                "descent step pulls the weights back toward 0.",
                _l2_with(grad_W=lambda W, lam: -2 * lam * W)),
        Mistake("penalty gradient missing",
                "∂Ĵ/∂W is ∂J/∂W alone: the penalty adds 2λW to it (λΩ is part of Ĵ, so its gradient is too).",
                _l2_with(grad_W=lambda W, lam: 0.0 * W)),
        Mistake("data gradient dropped",
                "∂Ĵ/∂W is 2λW alone: Ĵ = J + λΩ, so its gradient is ∂J/∂W (the dW you were given) PLUS 2λW.",
                _l2_with(keep_data=False)),
    ],
    success="λ‖W‖² per layer, ∂Ĵ/∂W = ∂J/∂W + 2λW, biases untouched: L2 in backprop.",
    fallback=add_l2)


# ---- Exercise: K-fold cross-validation, and the λ it chooses -------------------------------------------
def _mean_choice(lam_values, costs):
    return float(np.asarray(lam_values)[int(np.argmin(costs.mean(axis=0)))])


def _cv_with(folds_of=lambda N, K: np.array_split(np.arange(N), K), train_on=lambda rest, fold, N: rest,
             score=lambda net, X, Y: net.data_cost(X, Y), on_fold=True, shape=lambda rows: rows,
             choose=_mean_choice):
    def wrong(lam_values, X, Y, K, train):
        N, rows = X.shape[1], []
        for fold in folds_of(N, K):
            rest = np.setdiff1d(np.arange(N), fold)
            used = train_on(rest, fold, N)
            nets = train(lam_values, X[:, used], Y[:, used])
            held = fold if on_fold else rest
            rows.append([score(net, X[:, held], Y[:, held]) for net in nets])
        rows = np.array(rows)
        return shape(rows), choose(lam_values, rows)
    return wrong


def _library_cv(lam_values, X, Y, K, train):
    return lab.cross_validate(lam_values, X, Y, K, train)


CV_LAMBDAS = np.array([1e-4, 1e-3, 0.03, 0.3])
CV_TRAIN = functools.partial(lab.train_lambdas, sizes=[2, 4, 2], epochs=10)   # small and quick: the check's


def _cv_case(n, K, seed):
    X, Y = data.make_moons(n, seed=seed, **lab.MOONS)
    return Case(f"{n} moons points (data seed {seed}), K = {K}, λ in ({', '.join(f'{v:g}' for v in CV_LAMBDAS)})",
                (CV_LAMBDAS, X, Y, K, CV_TRAIN))


USED_CV = Mistake("used the library's cross-validation",
                  "it called lab.cross_validate, which is what this exercise asks you to write (train them with the "
                  "`train` you are given). It raises while your function is checked.", _library_cv)
BY_INDEX = lambda lam_values, rows: int(np.argmin(rows.mean(axis=0)))            # noqa: E731

CV = Exercise(
    "cross_validate", lab.cross_validate,
    cases=[_cv_case(20, 4, 31), _cv_case(18, 4, 32), _cv_case(16, 4, 33)],
    outputs=("held-out costs", "λ chosen"),
    off_limits=OffLimits(USED_CV, objects=(lab.cross_validate,), attributes=((lab, "cross_validate"),)),
    mistakes=[
        USED_CV,
        Mistake("trained on the held-out fold too",
                "each network was trained on ALL the points, fold r included, and then scored on fold r: it "
                "had already fitted those points (their noise too), so the score is optimistic. Train on the "
                "other K − 1 folds only.",
                _cv_with(train_on=lambda rest, fold, N: np.arange(N))),
        Mistake("scored the training folds",
                "each row holds the cost on the K − 1 folds the networks were trained on: that is a training "
                "cost, low for small λ whatever happens on new data. Score each network on the fold it did not see.",
                _cv_with(on_fold=False)),
        Mistake("Ĵ with the penalty",
                "you scored with net.cost, Ĵ = J + λΩ. λΩ is a cost we invented to steer training, not an error "
                "on new data, and it differs from one λ to the next: compare the data cost J (net.data_cost).",
                _cv_with(score=lambda net, X, Y: net.cost(X, Y))),
        Mistake("error rate instead of J",
                "you scored 1 − accuracy: the contract asks for the held-out data cost J (net.data_cost), which "
                "also weighs how confident each answer is and does not tie on a dozen points.",
                _cv_with(score=lambda net, X, Y: 1 - np.mean(net.predict(X).argmax(0) == Y.argmax(0)))),
        Mistake("interleaved folds",
                "your folds take every K-th column (r, r + K, …): a valid split, but the contract (and the "
                "check) uses consecutive blocks, fold r = np.array_split(np.arange(N), K)[r].",
                _cv_with(folds_of=lambda N, K: [np.arange(j, N, K) for j in range(K)])),
        Mistake("remainder dropped",
                "with N // K columns per fold the last N mod K points are never held out: np.array_split "
                "makes the first folds one longer instead, so every point is validated once.",
                _cv_with(folds_of=lambda N, K: [np.arange(j * (N // K), (j + 1) * (N // K)) for j in range(K)])),
        Mistake("averaged over the folds",
                "the table came back with one number per λ: the contract asks for every fold's row, shape "
                "(K, number of λ), so the notebook can show how much the folds disagree.",
                _cv_with(shape=lambda rows: rows.mean(axis=0))),
        Mistake("rows and columns swapped",
                "the table is (number of λ, K): row r should be fold r, one column per λ.",
                _cv_with(shape=lambda rows: rows.T)),
        Mistake("chose by one fold",
                "the table is right, but your λ is the best of the first fold alone: one fold of a few points "
                "is noisy; choose by the average over the K folds.",
                _cv_with(choose=lambda lam_values, rows: float(lam_values[int(np.argmin(rows[0]))]))),
        Mistake("chose by the single lowest cost",
                "the table is right, but your λ owns its single lowest entry: one lucky fold. Every fold is "
                "a held-out set of its own: choose the λ whose average over the K folds is lowest.",
                _cv_with(choose=lambda lam_values, rows: float(lam_values[np.unravel_index(
                    np.argmin(rows), rows.shape)[1]]))),
        Mistake("chose the highest cost",
                "the table is right, but your λ has the HIGHEST average held-out cost: lower is better.",
                _cv_with(choose=lambda lam_values, rows: float(lam_values[int(np.argmax(rows.mean(axis=0)))]))),
        Mistake("position instead of λ",
                "the table is right, but you returned the position of the best λ in lam_values, not the value "
                "itself: return lam_values[that position].",
                _cv_with(choose=BY_INDEX)),
    ],
    success="each fold held out once and scored by its data cost J, the λ\n"
            "  with the lowest mean over the folds kept: K-fold cross-validation.",
    time_limit=30)


# ---- Exercise: inverted dropout -----------------------------------------------------------------------
def _drop_with(mask_of=lambda u, p: (u < p) / p, draw=lambda rng, shape: rng.random(shape), returned=None):
    def wrong(a, p_keep, rng):
        mask = mask_of(draw(rng, a.shape), p_keep)
        return a * mask, (mask if returned is None else returned(mask, p_keep))
    return wrong


def _binomial_dropout(a, p_keep, rng):
    mask = rng.binomial(1, p_keep, a.shape) / p_keep
    return a * mask, mask


def _drop_case(shape, p_keep, seed):
    rng = np.random.default_rng(seed)
    return Case(f"a {shape[0]}×{shape[1]}, p_keep = {p_keep:g}", (rng.normal(0, 1, shape), p_keep,
                                                                np.random.default_rng(100 + seed)))


DROP_FORWARD = Exercise(
    "dropout_forward", remedies.dropout_forward,
    cases=[_drop_case((4, 6), 0.5, 1), _drop_case((3, 8), 0.8, 2), _drop_case((5, 3), 0.3, 3)],
    outputs=("a after dropout", "mask"),
    mistakes=[
        Mistake("not scaled up",
                "the kept units were not divided by p_keep: then each unit's expected output is p_keep·a, "
                "smaller than at test time, when every unit is on. Inverted dropout divides by p_keep while "
                "training.",
                _drop_with(mask_of=lambda u, p: (u < p) * 1.0)),
        Mistake("scaled by p_keep",
                "the kept units were multiplied by p_keep: that shrinks them twice. Divide by p_keep, so the "
                "expected output stays a.",
                _drop_with(mask_of=lambda u, p: (u < p) * p)),
        Mistake("p_keep read as the drop probability",
                "you dropped the units with u < p_keep: p_keep is the probability of KEEPING a unit "
                "(Srivastava's and CS231n's p; PyTorch's nn.Dropout(p) is the probability of dropping one).",
                _drop_with(mask_of=lambda u, p: (u >= p) / (1 - p))),
        Mistake("mask without the 1/p_keep",
                "the output is right but the mask you returned holds 0 and 1: return what a was multiplied by "
                "(0 or 1/p_keep), because the backward pass multiplies the gradient by it.",
                _drop_with(returned=lambda mask, p: (mask > 0) * 1.0)),
        Mistake("one mask for every example",
                "you drew one number per unit and used it for the whole batch: each unit is dropped "
                "independently for each example (u = rng.random(a.shape), one draw per entry).",
                _drop_with(draw=lambda rng, shape: rng.random((shape[0], 1)))),
        Mistake("kept where u > 1 − p_keep",
                "the right probability, but other units: the contract (so that the check can compare) keeps "
                "the entries where u < p_keep, with u = rng.random(a.shape).",
                _drop_with(mask_of=lambda u, p: (u > 1 - p) / p)),
        Mistake("another random draw",
                "the right idea with another random function (rng.binomial, rng.uniform with other bounds, a "
                "new generator…): the contract draws u = rng.random(a.shape) from the rng you are given, once.",
                _binomial_dropout),
    ],
    success="kept with probability p_keep and divided by p_keep: the expected\n"
            "  output is unchanged, so nothing is rescaled at test time.")

DROP_BACKWARD = Exercise(
    "dropout_backward", remedies.dropout_backward,
    cases=[Case("mask 2×3, p_keep 0.5", (np.arange(6.0).reshape(2, 3) - 2, np.array([[2.0, 0, 2], [0, 2, 2]]))),
           Case("mask 3×2, p_keep 0.8", (np.linspace(-1, 1, 6).reshape(3, 2), np.array([[1.25, 1.25], [0, 1.25],
                                                                                      [1.25, 0]])))],
    outputs=("∂J/∂a",),
    mistakes=[
        Mistake("mask not applied",
                "the gradient passed through unchanged: a dropped unit sent nothing forward, so no gradient "
                "flows back to it, and a kept one was multiplied by 1/p_keep, so its gradient is too.",
                lambda d_out, mask: d_out),
        Mistake("0/1 mask",
                "the kept units' gradient was not scaled: out = a ⊙ mask with mask = 1/p_keep for a kept unit, "
                "so ∂out/∂a = mask, 1/p_keep included.",
                lambda d_out, mask: d_out * (mask > 0)),
        Mistake("scaled twice",
                "you multiplied by the mask twice: out = a ⊙ mask, so ∂J/∂a = ∂J/∂out ⊙ mask, once.",
                lambda d_out, mask: d_out * mask * mask),
        Mistake("divided by the mask",
                "you divided by the mask: out = a ⊙ mask, so the chain rule MULTIPLIES by ∂out/∂a = mask.",
                lambda d_out, mask: d_out / mask),
    ],
    success="∂J/∂a = ∂J/∂out ⊙ mask: the forward pass's mask, 1/p_keep included.")


# ---- Exercise: the moons' symmetry --------------------------------------------------------------------
def _mirror_with(x1=lambda X: 1 - X[0], x2=lambda X: 0.5 - X[1], labels=lambda Y: Y[::-1]):
    def wrong(X, Y):
        return np.array([x1(X), x2(X)]), labels(Y).copy()
    return wrong


def _mirror_case(n, seed):
    X, Y = data.make_moons(n, seed=seed, **lab.MOONS)
    return Case(f"{n} moons points (data seed {seed})", (X, Y))


MIRROR = Exercise(
    "mirror", remedies.mirror,
    cases=[_mirror_case(6, 41), _mirror_case(9, 42)],
    outputs=("X mirrored", "Y mirrored"),
    mistakes=[
        Mistake("labels not swapped",
                "the points moved but kept their labels: the map sends moon 0 onto moon 1, so a mirrored point "
                "of class 0 is a point of class 1 (swap the rows of Y).",
                _mirror_with(labels=lambda Y: Y)),
        Mistake("x₁ only",
                "(1 − x₁, x₂) mirrors left to right: moon 0 stays an UPPER half-circle (around (1, 0)), while "
                "moon 1 is a lower one around (1, 0.5): the second coordinate must change too.",
                _mirror_with(x2=lambda X: X[1])),
        Mistake("x₂ only",
                "(x₁, 0.5 − x₂) mirrors top to bottom: moon 0 becomes a lower half-circle around (0, 0.5), "
                "while moon 1's centre is (1, 0.5): the first coordinate must change too.",
                _mirror_with(x1=lambda X: X[0])),
        Mistake("about the origin",
                "(−x₁, −x₂) turns the plane half a turn about (0, 0): moon 0 becomes the lower half-circle "
                "around (0, 0), not around (1, 0.5). Turn it about another point.",
                _mirror_with(x1=lambda X: -X[0], x2=lambda X: -X[1])),
        Mistake("shifted, not mirrored",
                "(x₁ + 1, x₂ + 0.5) moves moon 0's centre onto moon 1's, but a shift keeps the moon facing up; "
                "moon 1 faces down.",
                _mirror_with(x1=lambda X: X[0] + 1, x2=lambda X: X[1] + 0.5)),
        Mistake("0.5 and 1 swapped",
                "(0.5 − x₁, 1 − x₂) turns the plane about (0.25, 0.5): moon 0's centre (0, 0) lands on (0.5, 1), "
                "not on moon 1's centre (1, 0.5).",
                _mirror_with(x1=lambda X: 0.5 - X[0], x2=lambda X: 1 - X[1])),
    ],
    success="(x₁, x₂) → (1 − x₁, 0.5 − x₂), half a turn about (0.5, 0.25),\n"
            "  swaps the moons; round noise is unchanged by it, so mirrored\n"
            "  examples are as likely as real ones, labels swapped.")


EXERCISES = {"add_l2": L2, "cross_validate": CV, "dropout_forward": DROP_FORWARD,
             "dropout_backward": DROP_BACKWARD, "mirror": MIRROR, **CHOICE, **MORE}
check_add_l2 = L2.check
check_cross_validate = CV.check
check_dropout_forward = DROP_FORWARD.check
check_dropout_backward = DROP_BACKWARD.check
check_mirror = MIRROR.check
