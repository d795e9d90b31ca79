"""Notebook 02's Exercise 5 (§8): the training loop, equal to ``lessonlib.train``, on the one harness.

    check_train_sgd(train_sgd)     (re-exported by ``lessonlib.exercises.backprop``)

The student's loop trains a copy of each case's network; compared are the per-epoch costs and the
parameters it ends with.  ``train`` is switched off wherever it is reachable (the notebook's own name
for it, ``lessonlib.train``, ``lessonlib.training.train``, ``backprop_lab.train``).
"""
import numpy as np

import lessonlib

from .. import backprop_lab, training
from ..data import one_hot
from ..network import Network
from ..optimizers import SGD
from .harness import Case, Exercise, Mistake, OffLimits, Outcome, as_outputs, call_guarded


def train_sgd_reference(net, X, Y, lr, epochs, batch_size, seed):
    return training.train(net, X, Y, SGD(lr), epochs, batch_size=batch_size, seed=seed).train_cost


TRAIN_OFF = ("Exercise 5 asks you to write the loop yourself: lessonlib.train is off limits here. Shuffle, "
             "cut into batches, and call net.forward, net.backward and your update for each batch.")


def train_by_library(net, X, Y, lr, epochs, batch_size, seed):
    """The mistake "used_library": one call of lessonlib.train instead of the loop."""
    return training.train(net, X, Y, SGD(lr), epochs, batch_size=batch_size, seed=seed).train_cost


def wrong_train_sgd(mistake):
    """A train_sgd written with one catalogued mistake."""
    def train_sgd(net, X, Y, lr, epochs, batch_size, seed):
        rng, N, costs = np.random.default_rng(seed), X.shape[1], []
        for epoch in range(epochs):
            if mistake == "same_order":
                rng = np.random.default_rng(seed)                    # the same shuffle every epoch
            order = np.arange(N) if mistake == "no_shuffle" else rng.permutation(N)
            order_y = rng.permutation(N) if mistake == "two_permutations" else order
            last = N - batch_size + 1 if mistake == "last_batch_dropped" else N
            if mistake == "cost_before_epoch":
                costs.append(net.cost(X, Y))
            batch_costs = []
            for i in range(0, last, batch_size):
                batch = order[i:i + batch_size]
                rows = slice(i, i + batch_size) if mistake == "y_by_position" else order_y[i:i + batch_size]
                grads = net.backward(net.forward(X[:, batch]), Y[:, rows])
                batch_costs.append(net.cost(X[:, batch], Y[:, batch]))
                for m in range(1, net.L + 1):
                    if mistake == "rebinding":
                        W = net.W[m]
                        W = W - lr * grads.dW[m]                     # a new array; net.W[m] unchanged
                        continue
                    sign = -1.0 if mistake == "update_sign" else 1.0
                    net.W[m] -= sign * lr * grads.dW[m]
                    if mistake != "bias_not_updated":
                        net.b[m] -= sign * lr * grads.db[m]
                if mistake == "cost_every_batch":
                    costs.append(net.cost(X, Y))
            if mistake == "batch_cost_average":
                costs.append(float(np.mean(batch_costs)))
            elif mistake == "last_batch_cost":
                costs.append(net.cost(X[:, batch], Y[:, batch]))     # the epoch's last batch, after its step
            elif mistake not in ("cost_before_epoch", "cost_every_batch"):
                costs.append(net.cost(X, Y))
        return costs
    return train_sgd


TRAIN_MISTAKES = {
    "update_sign": "the cost goes up: the update is θ ← θ − α ∂J/∂θ, against the gradient (net.W[m] -= lr * dW).",
    "no_shuffle": "the batches come in the data's own order: draw order = rng.permutation(N) at the start of "
                  "every epoch, with rng = np.random.default_rng(seed) made once before the loop.",
    "same_order": "every epoch uses the same shuffle: make rng = np.random.default_rng(seed) once, before the "
                  "epochs, and draw a new rng.permutation(N) at the start of each epoch.",
    "last_batch_dropped": "the last, smaller batch is dropped: range(0, N, batch_size) visits it too "
                          "(order[i:i + batch_size] stops at N by itself).",
    "y_by_position": "the targets don't belong to the inputs: X is taken by the shuffled batch but Y by "
                     "position. Slice both with the same indices, X[:, batch] and Y[:, batch].",
    "two_permutations": "X and Y are shuffled by two different permutations, so the targets no longer belong to "
                        "the inputs: draw one order per epoch and slice both with it.",
    "last_batch_cost": "you recorded the cost of the epoch's last mini-batch; record J on the whole training set "
                       "after the epoch (net.cost(X, Y)).",
    "cost_before_epoch": "the costs are one epoch late: record J on the whole training set after each epoch's "
                         "updates, not before.",
    "cost_every_batch": "one cost per batch: record J once per epoch, after the epoch's last update.",
    "batch_cost_average": "you recorded the average of the mini-batches' costs during the epoch; record J on the "
                          "whole training set after the epoch (net.cost(X, Y)), as train does.",
    "bias_not_updated": "the biases never move: update b^m too, net.b[m] -= lr * grads.db[m].",
    "rebinding": "the network never changes: W = W - lr * dW makes a new array and binds the name W to it; update "
                 "the network's own array in place, net.W[m] -= lr * grads.dW[m].",
}


class TrainingExercise(Exercise):
    """The student's loop trains a copy of the case's network in place; compared: the per-epoch costs
    and the parameters it ends with.  ``train`` is switched off while the student's loop runs."""

    def run(self, fn, case):
        net, X, Y, *rest = case.args
        args = (net.copy(), X.copy(), Y.copy(), *rest)
        with self.library_off(fn):
            out, error, _ = call_guarded(lambda: fn(*args), Case(case.label, ()), self.time_limit)
        if error:
            return Outcome(error=error)
        net = args[0]
        values, error = as_outputs((out, *[p.copy() for p in net.params]), self.outputs)
        if values is None:
            return Outcome(error=error)
        changed = [i for i in (1, 2) if not np.array_equal(case.args[i], args[i])]
        return Outcome(values=values, error=error, raw=out, mutated=changed)

    def expected(self, case):
        return self.run(self.reference, case).values


def _train_cases():
    rng = np.random.default_rng(11)
    X1, Y1 = rng.normal(0, 1, (4, 23)), rng.random((3, 23))
    X2 = rng.normal(0, 1, (3, 17))
    Y2 = one_hot(rng.integers(0, 3, 17), 3)
    return [Case("sigmoid, mse, N = 23, B = 5, α = 0.5, 3 epochs",
                 (Network([4, 5, 3], activation="sigmoid", loss="mse", seed=1), X1, Y1, 0.5, 3, 5, 0)),
            Case("ReLU, softmax + cross-entropy, N = 17, B = 4, α = 0.2, 3 epochs",
                 (Network([3, 6, 3], activation="relu", output="softmax", loss="cross_entropy", seed=2),
                  X2, Y2, 0.2, 3, 4, 5))]


TRAIN_SGD = TrainingExercise(
    "train_sgd", train_sgd_reference, _train_cases(), ("costs", "W^1", "b^1", "W^2", "b^2"),
    mistakes=[Mistake(name, message, wrong_train_sgd(name)) for name, message in TRAIN_MISTAKES.items()],
    off_limits=OffLimits(Mistake("used_library", TRAIN_OFF, train_by_library), objects=(training.train,),
                         attributes=((training, "train"), (backprop_lab, "train"), (lessonlib, "train"))),
    rtol=1e-9, atol=1e-12,
    success="your loop gives lessonlib.train's costs and weights on both cases (same seed, same shuffles).")
