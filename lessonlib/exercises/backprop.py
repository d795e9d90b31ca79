"""Notebook 02's exercises, on the one harness (``harness.Exercise``).

    check_backward(backward)                 backward(net, cache, Y) -> (dW, db), a loop over the layers
    check_delta_softmax_ce(delta_softmax_ce) δ^L for a softmax output and the cross-entropy cost
    check_train_sgd(train_sgd)               the training loop of §8, equal to ``lessonlib.train``

Each catalogued mistake is a wrong implementation with the student's signature.  Each check runs the
student's function with the library function it asks for switched off (``net.backward``/``net.gradients``,
``softmax``, ``train``): a one-line call of it is the named mistake "used_library".
"""
import numpy as np

from .. import training
from ..activations import sigmoid, softmax
from ..data import one_hot
from ..network import Network
from ..optimizers import SGD
from ..training import train
from .harness import Case, Exercise, LibraryOff, Mistake, OffLimits, Outcome, Result, as_outputs, call_guarded


MAX_LAYERS = 3
LAYER_OUTPUTS = tuple(f"∂J/∂{p}^{m}" for m in range(1, MAX_LAYERS + 1) for p in ("W", "b"))


# ---- exercise 1: the backward pass of an L-layer network ---------------------------------------
def per_layer(out, L):
    """(dW, db) → (dW^1, db^1, …, dW^L, db^L, padding): one output per array; or a sentence saying why not.
    Accepts lists or tuples, of L arrays or of L + 1 with None first (dW[m] = ∂J/∂W^m)."""
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        return None, f"it should return two lists, dW and db (return dW, db); got {type(out).__name__}"
    layers = []
    for name, arrays in zip(("dW", "db"), out):
        if not isinstance(arrays, (tuple, list)):
            return None, f"{name} should be a list with one array per layer; got {type(arrays).__name__}"
        arrays = list(arrays)
        if len(arrays) == L + 1 and arrays[0] is None:
            arrays = arrays[1:]                                   # dW[0] unused: dW[m] is layer m
        if len(arrays) != L:
            return None, (f"{name} should hold one array per layer with weights ({L} for this network, "
                          f"or {L + 1} with None first); got {len(arrays)}")
        layers.append(arrays)
    flat = [g for pair in zip(*layers) for g in pair]
    return tuple(flat + [np.zeros(0)] * (2 * MAX_LAYERS - len(flat))), None


BACKWARD_OFF = ("Exercise 1 asks you to write the backward pass yourself: net.backward and net.gradients are "
                "off limits here. Walk m = L, …, 1 with net.W[m], cache.a[m], cache.z[m] and f_prime.")


class NoBackward:
    """The network as the student's backward sees it: everything but backward/gradients (which raise)."""

    def __init__(self, net):
        object.__setattr__(self, "_net", net)

    def __getattr__(self, name):
        if "backward" in name or "gradients" in name:
            raise LibraryOff(f"net.{name}")
        return getattr(self._net, name)

    def __setattr__(self, name, value):
        setattr(self._net, name, value)


class PerLayerExercise(Exercise):
    """The student returns lists of per-layer arrays; the harness compares them one array at a time.
    A cache changed in place (e.g. ``a[L] -= Y``) counts as changing the caller's arrays.  The student's
    function gets the network without backward/gradients (NoBackward); only the reference gets it whole."""

    def run(self, fn, case):
        net, X, Y = case.args                                # the student's function gets copies
        twin = net.copy()
        given = twin if fn is self.reference else NoBackward(twin)
        args = (given, twin.forward(X.copy()), Y.copy())
        out, error, _ = call_guarded(lambda: fn(*args), Case(case.label, ()), self.time_limit)
        if error:
            return Outcome(error=error)
        flat, error = per_layer(out, net.L)
        if error:
            return Outcome(error=error)
        values, error = as_outputs(flat, self.outputs)
        changed = any(not np.array_equal(before, after) for before, after in zip(net.forward(X).a, args[1].a))
        return Outcome(values=values, error=error, raw=out, mutated=[1] if changed else [])

    def expected(self, case):
        return self.run(self.reference, case).values

    def diagnose(self, fn):
        result = super().diagnose(fn)
        named = {m.name: m.message for m in self.mistakes}
        if result.mistake == "mutated" and "mutated" in named:
            return Result(self.name, False, "mutated", named["mutated"])
        return result


def backward_reference(net, cache, Y):
    grads = net.backward(cache, Y)
    return list(grads.dW), list(grads.db)


def wrong_backward(mistake):
    """A backward(net, cache, Y) written with one catalogued mistake."""
    def backward(net, cache, Y):
        L, W, a, z, f = net.L, net.W, cache.a, cache.z, net.f
        B = Y.shape[1]
        delta, dW, db = [None] * (L + 1), [None] * (L + 1), [None] * (L + 1)
        if mistake == "mutated":
            error = a[L]
            error -= Y                                       # changes cache.a[L] itself
        else:
            error = Y - a[L] if mistake == "sign" else a[L] - Y
        if mistake != "no_1_over_B":
            error = error / B
        if net.loss.name == "cross_entropy":
            delta[L] = error                                 # softmax + cross-entropy
        else:
            slope = net.f_out.f_prime(a[L] if mistake == "f_prime_of_a" else z[L])
            delta[L] = slope * error
        for m in range(L, 0, -1):
            prev = a[m] if mistake == "index_off_by_one" else a[m - 1]
            dW[m] = prev @ delta[m].T if mistake == "outer_transposed" else delta[m] @ prev.T
            db[m] = {"db_not_summed": delta[m], "db_mean": delta[m].mean(axis=1, keepdims=True)}.get(
                mistake, delta[m].sum(axis=1, keepdims=True))
            if m > 1:
                back = W[m] @ delta[m] if mistake == "W_not_transposed" else W[m].T @ delta[m]
                slope = f.f_prime(a[m - 1] if mistake == "f_prime_of_a" else z[m - 1])
                delta[m - 1] = back if mistake == "no_f_prime" else slope * back
        return dW, db
    return backward


BACKWARD_MISTAKES = {
    "no_f_prime": "δ^{m-1} is missing the factor f'(z^{m-1}): δ^{m-1} = f'(z^{m-1}) ⊙ (W^m)^T δ^m, element-wise.",
    "f_prime_of_a": "f' is evaluated at a instead of z: use f_prime(z[m]), not f_prime(a[m]).",
    "W_not_transposed": "the error goes back through W^m δ^m where it needs the transpose (W^m)^T δ^m: it travels "
                        "back along the same weights, so rows and columns swap.",
    "no_1_over_B": "every gradient is B times too big: J is an average over the batch, so δ^L has a 1/B, "
                   "(a^L − y)/B.",
    "sign": "every gradient has the wrong sign: δ^L starts from a^L − y (prediction minus target), not y − a^L.",
    "db_not_summed": "∂J/∂b^m must have the shape of b^m, (n_m, 1): sum δ^m over the batch, "
                     "delta[m].sum(axis=1, keepdims=True).",
    "db_mean": "∂J/∂b^m is B times too small: the 1/B is already inside δ, so sum δ^m over the batch, "
               "don't average it.",
    "outer_transposed": "∂J/∂W^m is transposed: it is δ^m (a^{m-1})^T, a column of errors times a row of "
                        "inputs, shaped like W^m.",
    "index_off_by_one": "∂J/∂W^m uses a^m; it needs the activations coming into layer m, a^{m-1} (cache.a[m - 1]).",
    "mutated": "right values, but your backward changed cache.a[L] in place (e.g. a[L] -= Y): the caller's "
               "cache is spoiled. Compute a new array: error = a[L] - Y.",
}


def backward_cases():
    """Depth 2 and 3; sigmoid, tanh and ReLU; mse and softmax + cross-entropy; W^1 non-square and every
    later W^m square (so that a forgotten transpose still runs and can be named)."""
    cases = []
    for seed, (sizes, f, loss, B) in enumerate([([3, 4, 4], "sigmoid", "mse", 5),
                                                 ([5, 3, 3, 3], "tanh", "mse", 4),
                                                 ([4, 3, 3], "relu", "cross_entropy", 6),
                                                 ([2, 4, 4, 4], "sigmoid", "cross_entropy", 3)]):
        rng = np.random.default_rng(200 + seed)
        output = "softmax" if loss == "cross_entropy" else None
        net = Network(sizes, activation=f, output=output, loss=loss, seed=seed)
        for m in range(1, net.L + 1):
            net.b[m] = rng.normal(0.0, 0.5, net.b[m].shape)
        X = rng.normal(0.0, 1.0, (sizes[0], B))
        Y = one_hot(rng.integers(0, sizes[-1], B), sizes[-1]) if output else rng.random((sizes[-1], B))
        label = f"sizes {sizes}, {f}, {loss}, B = {B}"
        cases.append(Case(label, (net, X, Y)))           # the check passes (net, net.forward(X), Y)
    return cases


def backward_by_library(net, cache, Y):
    """The mistake "used_library": a call of lessonlib's backward instead of the loop."""
    grads = net.backward(cache, Y)
    return list(grads.dW), list(grads.db)


BACKWARD = PerLayerExercise(
    "backward", backward_reference, backward_cases(), LAYER_OUTPUTS,
    mistakes=[Mistake(name, message, wrong_backward(name)) for name, message in BACKWARD_MISTAKES.items()],
    off_limits=OffLimits(Mistake("used_library", BACKWARD_OFF, backward_by_library)),   # NoBackward switches it off
    success="your backward matches net.backward on 4 networks (depth 2 and 3; sigmoid, tanh, ReLU; "
            "mse and softmax + cross-entropy).")


# ---- exercise 2: δ^L for softmax + cross-entropy -------------------------------------------------
def _unshifted_softmax(z, axis=0):
    e = np.exp(z)
    return e / e.sum(axis=axis, keepdims=True)


def _softmax(z):
    """Column by column, shifted by each column's max (the library's softmax is stubbed during the check)."""
    return _unshifted_softmax(z - z.max(axis=0, keepdims=True))


def delta_softmax_ce_reference(z, Y):
    return (_softmax(z) - Y) / z.shape[1]


SOFTMAX_OFF = ("Exercise 2 asks you to compute the softmax yourself: lessonlib's softmax is off limits here. "
               "Exponentiate each column (minus its max) and divide by the column's sum.")


SOFTMAX_MISTAKES = [
    Mistake("no_1_over_B", "δ^L is B times too big: J averages over the batch, so δ^L = (a^L − y)/B.",
            lambda z, Y: _softmax(z) - Y),
    Mistake("sign", "δ^L has the wrong sign: it is (a^L − y)/B, prediction minus target.",
            lambda z, Y: (Y - _softmax(z)) / z.shape[1]),
    Mistake("z_not_a", "you used z^L where you need a^L = softmax(z^L).", lambda z, Y: (z - Y) / z.shape[1]),
    Mistake("extra_f_prime", "there is an extra factor a ⊙ (1 − a): the Jacobian diag(a) − a aᵀ is already used "
            "up in the derivation; what is left is (a^L − y)/B.",
            lambda z, Y: _softmax(z) * (1 - _softmax(z)) * (_softmax(z) - Y) / z.shape[1]),
    Mistake("sigmoid", "a^L came from a sigmoid; this layer's f is softmax (each column sums to 1).",
            lambda z, Y: (sigmoid(z) - Y) / z.shape[1]),
    Mistake("rows", "the softmax normalizes along the wrong axis: each column (one example) must sum to 1 (axis=0).",
            lambda z, Y: (_unshifted_softmax(z - z.max(axis=1, keepdims=True), axis=1) - Y) / z.shape[1]),
    Mistake("overflow", "right on small numbers, but e^z overflows when z^L is large (z = 1000): subtract each "
            "column's max from z before exponentiating; the softmax does not change.",
            lambda z, Y: (_unshifted_softmax(z) - Y) / z.shape[1]),
    Mistake("used_library", SOFTMAX_OFF, lambda z, Y: (softmax(z) - Y) / z.shape[1]),
]


def _softmax_cases():
    rng = np.random.default_rng(7)
    big = np.array([[1000.0, -5.0], [990.0, 3.0], [-20.0, 2.0]])
    return [Case("z of shape (4, 5)", (rng.normal(0, 2, (4, 5)), one_hot(rng.integers(0, 4, 5), 4))),
            Case("z of shape (3, 3)", (rng.normal(0, 2, (3, 3)), one_hot(rng.integers(0, 3, 3), 3))),
            Case("a huge z (entries up to 1000)", (big, np.eye(3)[:, :2]))]


DELTA_SOFTMAX_CE = Exercise("delta_softmax_ce", delta_softmax_ce_reference, _softmax_cases(), ("δ^L",),
                            mistakes=SOFTMAX_MISTAKES[:-1],
                            off_limits=OffLimits(SOFTMAX_MISTAKES[-1], names=("softmax",)),
                            success="your δ^L matches the reference on every case, also for huge z^L.")


# ---- exercise 3: the training loop --------------------------------------------------------------
def train_sgd_reference(net, X, Y, lr, epochs, batch_size, seed):
    return training.train(net, X, Y, SGD(lr), epochs, batch_size=batch_size, seed=seed).train_cost


TRAIN_OFF = ("Exercise 3 asks you to write the loop yourself: lessonlib.train is off limits here. Shuffle, "
             "cut into batches, and call net.forward, net.backward and your update for each batch.")


def train_by_library(net, X, Y, lr, epochs, batch_size, seed):
    """The mistake "used_library": one call of lessonlib.train instead of the loop."""
    return train(net, X, Y, SGD(lr), epochs, batch_size=batch_size, seed=seed).train_cost


def wrong_train_sgd(mistake):
    """A train_sgd written with one catalogued mistake."""
    def train_sgd(net, X, Y, lr, epochs, batch_size, seed):
        rng, N, costs = np.random.default_rng(seed), X.shape[1], []
        for epoch in range(epochs):
            if mistake == "same_order":
                rng = np.random.default_rng(seed)                    # the same shuffle every epoch
            order = np.arange(N) if mistake == "no_shuffle" else rng.permutation(N)
            last = N - batch_size + 1 if mistake == "last_batch_dropped" else N
            if mistake == "cost_before_epoch":
                costs.append(net.cost(X, Y))
            batch_costs = []
            for i in range(0, last, batch_size):
                batch = order[i:i + batch_size]
                cache = net.forward(X[:, batch])
                grads = net.backward(cache, Y[:, batch])
                batch_costs.append(net.cost(X[:, batch], Y[:, batch]))
                for m in range(1, net.L + 1):
                    if mistake == "rebinding":
                        W = net.W[m]
                        W = W - lr * grads.dW[m]                     # a new array; net.W[m] unchanged
                        continue
                    sign = -1.0 if mistake == "update_sign" else 1.0
                    net.W[m] -= sign * lr * grads.dW[m]
                    net.b[m] -= sign * lr * grads.db[m]
            if mistake == "batch_cost_average":
                costs.append(float(np.mean(batch_costs)))
            elif mistake != "cost_before_epoch":
                costs.append(net.cost(X, Y))
        return costs
    return train_sgd


TRAIN_MISTAKES = {
    "update_sign": "the cost goes up: the update is θ ← θ − α ∂J/∂θ, against the gradient (net.W[m] -= lr * dW).",
    "no_shuffle": "the batches come in the data's own order: draw order = rng.permutation(N) at the start of "
                  "every epoch, with rng = np.random.default_rng(seed) made once before the loop.",
    "same_order": "every epoch uses the same shuffle: make rng = np.random.default_rng(seed) once, before the "
                  "epochs, and draw a new rng.permutation(N) each epoch.",
    "last_batch_dropped": "the last, smaller batch is dropped: range(0, N, batch_size) visits it too "
                          "(order[i:i + batch_size] stops at N by itself).",
    "cost_before_epoch": "the costs are one epoch late: record J on the whole training set after each epoch's "
                         "updates, not before.",
    "batch_cost_average": "you recorded the average of the mini-batches' costs during the epoch; record J on the "
                          "whole training set after the epoch (net.cost(X, Y)), as train does.",
    "rebinding": "the network never changes: W = W - lr * dW makes a new array and binds the name W to it; update "
                 "the network's own array in place, net.W[m] -= lr * grads.dW[m].",
}


class TrainingExercise(Exercise):
    """The student's loop trains a copy of the case's network in place; compared: the per-epoch costs
    and the parameters it ends with.  ``train`` is stubbed out while the student's loop runs."""

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
    off_limits=OffLimits(Mistake("used_library", TRAIN_OFF, train_by_library), names=("train",)),
    rtol=1e-9, atol=1e-12,
    success="your loop gives lessonlib.train's costs and weights on both cases (same seed, same shuffles).")

EXERCISES = {"backward": BACKWARD, "delta_softmax_ce": DELTA_SOFTMAX_CE, "train_sgd": TRAIN_SGD}
check_backward = EXERCISES["backward"].check
check_delta_softmax_ce = EXERCISES["delta_softmax_ce"].check
check_train_sgd = EXERCISES["train_sgd"].check

from . import backprop_slips  # noqa: E402,F401  (more catalogued mistakes, added to the exercises above)
