"""Notebook 02's exercises, on the one harness (``harness.Exercise``), in the notebook's order.

    check_backward(backward)                     Exercise 1: (dW, db) of an L-layer network, δ^L included
    check_best_step(best_step)                   Exercise 2 (discovery): the step of a difference quotient
    check_numerical_gradient(numerical_gradient) Exercise 3: central differences for a whole array
    check_delta_softmax_ce(delta_softmax_ce)     Exercise 4: δ^L for a softmax output and cross-entropy
    check_train_sgd(train_sgd)                   Exercise 5: the training loop of §8, equal to ``lessonlib.train``

Exercises 2 and 3 live in ``numerical``, Exercise 5 in ``train_loop``.  Each catalogued mistake is a wrong implementation with the
student's signature.  Each check switches off, wherever it is reachable, the library function the
exercise asks the student to write (``Network.backward``/``gradients`` and each cost's ``delta``; the
softmax; ``train`` in every module that offers it): calling it is the named mistake "used_library".
"""
from contextlib import contextmanager

import numpy as np

from .. import activations
from ..activations import sigmoid, softmax
from ..data import one_hot
from ..losses import LOSSES, Loss, softmax_cross_entropy_delta
from ..network import Network
from .harness import Case, Exercise, Mistake, OffLimits, Outcome, Result, Stub, as_outputs, call_guarded
from .numerical import BEST_STEP, NUMERICAL_GRADIENT, raw_type_error
from .train_loop import TRAIN_SGD

MAX_LAYERS = 3
LAYER_OUTPUTS = tuple(f"∂J/∂{p}^{m}" for m in range(1, MAX_LAYERS + 1) for p in ("W", "b"))


# ---- exercise 1: the backward pass of an L-layer network ---------------------------------------
def per_layer(out, L):
    """(dW, db) → (dW^1, db^1, …, dW^L, db^L, padding): one numpy array per output; or a sentence saying
    why not.  Accepts lists or tuples, of L arrays or of L + 1 with None first (dW[m] = ∂J/∂W^m)."""
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
        for m, g in enumerate(arrays, start=1):
            if g is None:
                return None, (f"{name}[{m}] is None: did your loop reach layer {m}? (range(L, 0, -1) visits "
                              f"L, …, 1)")
            wrong = raw_type_error(g, f"{name}[{m}]", "gradient descent subtracts it from a parameter array")
            if wrong:
                return None, wrong
        layers.append(arrays)
    flat = [g for pair in zip(*layers) for g in pair]
    return tuple(flat + [np.zeros(0)] * (2 * MAX_LAYERS - len(flat))), None


BACKWARD_OFF = ("Exercise 1 asks you to write the backward pass yourself: net.backward, net.gradients and "
                "net.loss.delta are off limits here. Compute δ^L, then walk m = L, …, 1 with net.W[m], "
                "cache.a[m], cache.z[m] and net.f_of[m].f_prime.")


@contextmanager
def own_deltas_off():
    """Each cost's own ``delta`` (an instance attribute for cross-entropy) raises while the student's code runs."""
    own = {name: loss.__dict__["delta"] for name, loss in LOSSES.items() if "delta" in loss.__dict__}
    try:
        for name in own:
            LOSSES[name].delta = Stub("net.loss.delta")
        yield
    finally:
        for name, delta in own.items():
            LOSSES[name].delta = delta


class PerLayerExercise(Exercise):
    """The student returns lists of per-layer arrays; the harness compares them one array at a time.
    A case is (net, X, Y, delta_L): the student's function gets (a copy of net, net.forward(X), Y) and,
    when delta_L is not None, ``delta_L=`` too.  A cache changed in place (e.g. ``a[L] -= Y`` or
    ``z[m] *= …``) counts as changing the caller's arrays."""

    def run(self, fn, case):
        net, X, Y, delta_L = case.args                     # the student's function gets copies
        twin = net.copy()
        args = (twin, twin.forward(X.copy()), Y.copy())
        kwargs = {} if delta_L is None else {"delta_L": delta_L.copy()}
        with self.library_off(fn), (own_deltas_off() if fn is not self.reference else _nothing()):
            out, error, _ = call_guarded(lambda: fn(*args, **kwargs), Case(case.label, ()), self.time_limit)
        if error:
            return Outcome(error=error)
        flat, error = per_layer(out, net.L)
        if error:
            return Outcome(error=error)
        values, error = as_outputs(flat, self.outputs)
        fresh, used = net.forward(X), args[1]                # every a^m and z^m must be as forward left them
        changed = any(not np.array_equal(before, after)
                      for before, after in zip([*fresh.a, *fresh.z], [*used.a, *used.z]))
        return Outcome(values=values, error=error, raw=out, mutated=[1] if changed else [])

    def expected(self, case):
        return self.run(self.reference, case).values

    def diagnose(self, fn):
        result = super().diagnose(fn)
        named = {m.name: m.message for m in self.mistakes}
        if result.mistake == "mutated" and "mutated" in named:
            return Result(self.name, False, "mutated", named["mutated"])
        if result.mistake == "error" and ("broadcast" in result.message or "matmul" in result.message):
            result.message += (". Check each product's shapes against the table of §3: f'(z) ⊙ … is `*` of two "
                               "(n_m, B) arrays, the others are `@`; and `f * W.T @ d` reads as `(f * W.T) @ d`: "
                               "put brackets around the matrix product")
        if result.mistake == "error" and "delta_L" in result.message and "argument" in result.message:
            result.message += ". Give your function the fourth parameter: def backward(net, cache, Y, delta_L=None)"
        return result


@contextmanager
def _nothing():
    yield


def backward_reference(net, cache, Y, delta_L=None):
    """lessonlib's backward pass with δ^L given (or, if None, the squared error's f'(z^L) ⊙ (a^L − y)/B)."""
    L, W, a, z, f = net.L, net.W, cache.a, cache.z, net.f_of
    delta, dW, db = [None] * (L + 1), [None] * (L + 1), [None] * (L + 1)
    delta[L] = f[L].f_prime(z[L]) * (a[L] - Y) / Y.shape[1] if delta_L is None else delta_L
    for m in range(L, 0, -1):
        dW[m] = delta[m] @ a[m - 1].T                                   # (3)
        db[m] = delta[m].sum(axis=1, keepdims=True)                     # (4)
        if m > 1:
            delta[m - 1] = f[m - 1].f_prime(z[m - 1]) * (W[m].T @ delta[m])   # (2)
    return dW, db


def _output_delta(mistake, f, a, z, Y, L, delta_L):
    """δ^L as written with one catalogued mistake."""
    if delta_L is not None and mistake != "ignored_delta_L":
        return delta_L
    if mistake == "mutated":
        error = a[L]
        error -= Y                                           # changes cache.a[L] itself
    else:
        error = Y - a[L] if mistake == "sign" else a[L] - Y
    if mistake != "no_1_over_B":
        error = error / Y.shape[1]
    if mistake == "no_f_prime_output":
        return error
    if mistake == "sigmoid_slope":
        return a[L] * (1 - a[L]) * error
    slope = (f[1] if mistake == "hidden_f_at_output" else f[L]).f_prime(
        a[L] if mistake in ("f_prime_of_a_output", "f_prime_of_a") else z[L])
    return slope * error


def wrong_backward(mistake):
    """A backward(net, cache, Y, delta_L=None) written with one catalogued mistake."""
    def backward(net, cache, Y, delta_L=None):
        L, W, a, z, f = net.L, net.W, cache.a, cache.z, net.f_of
        delta, dW, db = [None] * (L + 1), [None] * (L + 1), [None] * (L + 1)
        delta[L] = _output_delta(mistake, f, a, z, Y, L, delta_L)
        for m in range(L, 0, -1):
            d = delta[L] if mistake == "stale_delta" else delta[m]
            prev = a[m] if mistake == "index_off_by_one" else a[m - 1]
            dW[m] = prev @ d.T if mistake == "outer_transposed" else d @ prev.T
            db[m] = {"db_not_summed": d, "db_mean": d.mean(axis=1, keepdims=True),
                     "db_wrong_axis": d.sum(axis=0, keepdims=True)}.get(
                mistake, d.sum(axis=1, keepdims=True))
            if mistake == "twice_1_over_B":
                dW[m], db[m] = dW[m] / Y.shape[1], db[m] / Y.shape[1]
            if m > 1:
                back = W[m] @ d if mistake == "W_not_transposed" else W[m].T @ d
                at = {"f_prime_of_a_hidden": a[m - 1], "f_prime_of_a": a[m - 1],
                      "f_prime_wrong_layer": z[m]}.get(mistake, z[m - 1])
                slope = a[m - 1] * (1 - a[m - 1]) if mistake == "sigmoid_slope" else f[m - 1].f_prime(at)
                delta[m - 1] = back if mistake == "no_f_prime" else slope * back
        return (dW[:0:-1], db[:0:-1]) if mistake == "reversed_layers" else (dW, db)
    return backward


BACKWARD_MISTAKES = {
    "no_f_prime": "δ^{m-1} is missing the factor f'(z^{m-1}): δ^{m-1} = f'(z^{m-1}) ⊙ (W^m)^T δ^m, element-wise.",
    "f_prime_of_a_hidden": "in equation (2), f' is taken of a^{m-1}; it is the slope at the weighted sums: "
                           "f_prime(z[m - 1]), not f_prime(a[m - 1]).",
    "f_prime_of_a_output": "in δ^L, f' is taken of a^L; it is the slope at the weighted sums: f_prime(z[L]).",
    "f_prime_of_a": "f' is taken of the activations a; it is the slope at the weighted sums: f_prime(z[m]), "
                    "in δ^L and in equation (2).",
    "f_prime_wrong_layer": "in equation (2) the slope belongs to the layer the error arrives at: "
                           "f'(z^{m-1}) ⊙ (W^m)^T δ^m, not f'(z^m).",
    "sigmoid_slope": "the slope is the sigmoid's a(1 − a) in every layer; each layer has its own f: use "
                     "net.f_of[m].f_prime(z[m]), which is a(1 − a) only for the sigmoid.",
    "hidden_f_at_output": "δ^L uses the hidden layers' f'; the output layer has its own activation: "
                          "net.f_of[L].f_prime(z[L]).",
    "no_f_prime_output": "δ^L is missing the output layer's slope: equation (1) is f'(z^L) ⊙ (a^L − y)/B.",
    "W_not_transposed": "the error goes back through W^m δ^m where it needs the transpose (W^m)^T δ^m: it "
                        "travels back along the same weights, so rows and columns swap.",
    "no_1_over_B": "every gradient is B times too big: J is an average over the batch, so δ^L has a 1/B, "
                   "f'(z^L) ⊙ (a^L − y)/B.",
    "sign": "every gradient has the wrong sign: δ^L starts from a^L − y (prediction minus target), not y − a^L.",
    "db_not_summed": "∂J/∂b^m must have the shape of b^m, (n_m, 1): sum δ^m over the batch, "
                     "delta[m].sum(axis=1, keepdims=True).",
    "db_mean": "∂J/∂b^m is B times too small: the 1/B is already inside δ, so sum δ^m over the batch, "
               "don't average it.",
    "twice_1_over_B": "∂J/∂W^m and ∂J/∂b^m are B times too small: the 1/B of the average is already inside δ^L, "
                      "so don't divide by B again.",
    "reversed_layers": "the layers are in reverse order: dW[m] must be layer m's gradient, dW[1] the first layer's "
                       "(fill dW[m] while walking m = L, …, 1).",
    "db_wrong_axis": "∂J/∂b^m is summed over the neurons (axis 0); sum over the batch, the columns: "
                     "delta[m].sum(axis=1, keepdims=True).",
    "outer_transposed": "∂J/∂W^m is transposed: it is δ^m (a^{m-1})^T, a column of errors times a row of "
                        "inputs, shaped like W^m.",
    "index_off_by_one": "∂J/∂W^m uses a^m; it needs the activations coming into layer m, a^{m-1} "
                        "(cache.a[m - 1]).",
    "stale_delta": "every layer used δ^L: the error must move back one layer per step, so store δ^{m-1} and "
                   "use it for layer m − 1 (delta[m - 1] = …, then dW[m - 1] from delta[m - 1]).",
    "ignored_delta_L": "on the softmax networks δ^L is not the delta_L you were given: when delta_L is passed, "
                       "start from it as it is (don't recompute it, and don't multiply it by f'(z^L)).",
    "mutated": "right values, but your backward changed the cache's arrays in place (e.g. a[L] -= Y, or z[m] "
               "*= …): the caller's cache is spoiled. Compute new arrays: error = a[L] - Y.",
}


def backward_cases():
    """Depth 2 and 3; sigmoid, tanh and ReLU hidden layers; outputs sigmoid, tanh, identity (the squared
    error, δ^L computed by the student) and softmax (δ^L given).  W^1 is not square and every later W^m is,
    so that a forgotten transpose or a layer mix-up still runs and can be named."""
    cases = []
    for seed, (sizes, f, out, B) in enumerate([([3, 4, 4], "sigmoid", "sigmoid", 5),
                                                ([5, 3, 3, 3], "tanh", "tanh", 4),
                                                ([4, 3, 3], "relu", "identity", 6),
                                                ([2, 4, 4, 4], "sigmoid", "tanh", 3),
                                                ([4, 3, 3], "relu", "softmax", 6),
                                                ([3, 4, 4, 4], "tanh", "softmax", 5)]):
        rng = np.random.default_rng(200 + seed)
        loss = "cross_entropy" if out == "softmax" else "mse"
        net = Network(sizes, activation=f, output=out, loss=loss, seed=seed)
        for m in range(1, net.L + 1):
            net.b[m] = rng.normal(0.0, 0.5, net.b[m].shape)
        X = rng.normal(0.0, 1.0, (sizes[0], B))
        if out == "softmax":
            Y = one_hot(rng.integers(0, sizes[-1], B), sizes[-1])
            delta_L = (softmax(net.forward(X).z[net.L]) - Y) / B
            label = f"sizes {sizes}, {f} → softmax, δ^L given, B = {B}"
        else:
            Y, delta_L = rng.random((sizes[-1], B)), None
            label = f"sizes {sizes}, {f} → {out}, squared error, B = {B}"
        cases.append(Case(label, (net, X, Y, delta_L)))
    return cases


def backward_by_library(net, cache, Y, delta_L=None):
    """The mistake "used_library": a call of lessonlib's backward instead of the loop."""
    grads = net.backward(cache, Y)
    return list(grads.dW), list(grads.db)


BACKWARD = PerLayerExercise(
    "backward", backward_reference, backward_cases(), LAYER_OUTPUTS,
    mistakes=[Mistake(name, message, wrong_backward(name)) for name, message in BACKWARD_MISTAKES.items()],
    off_limits=OffLimits(Mistake("used_library", BACKWARD_OFF, backward_by_library),
                         attributes=((Network, "backward"), (Network, "gradients"), (Network, "_backward"),
                                     (Loss, "delta"))),
    success="your backward matches lessonlib's on 6 networks (depth 2 and 3; sigmoid, tanh, ReLU; "
            "squared error and softmax with δ^L given).")


# ---- exercise 4: δ^L for softmax + cross-entropy -------------------------------------------------
def _unshifted_softmax(z, axis=0):
    e = np.exp(z)
    return e / e.sum(axis=axis, keepdims=True)


def _softmax(z):
    """Column by column, shifted by each column's max (the library's softmax is stubbed during the check)."""
    return _unshifted_softmax(z - z.max(axis=0, keepdims=True))


def delta_softmax_ce_reference(z, Y):
    return (_softmax(z) - Y) / z.shape[1]


SOFTMAX_OFF = ("Exercise 4 asks you to write δ^L yourself: lessonlib's softmax and its cross-entropy δ^L "
               "(net.loss.delta) are off limits here. The cell's first two lines already compute a = a^L, "
               "column by column.")


def _jacobian_diagonal(z, Y):
    a = _softmax(z)
    return a * (1 - a) * (-Y / (z.shape[1] * a))


SOFTMAX_MISTAKES = [
    Mistake("no_1_over_B", "δ^L is B times too big: J averages over the batch, so the 1/B of ∂J/∂a stays.",
            lambda z, Y: _softmax(z) - Y),
    Mistake("sign", "δ^L has the wrong sign: it is prediction minus target.",
            lambda z, Y: (Y - _softmax(z)) / z.shape[1]),
    Mistake("z_not_a", "you used z^L where you need a^L = softmax(z^L).", lambda z, Y: (z - Y) / z.shape[1]),
    Mistake("extra_f_prime", "there is an extra factor a ⊙ (1 − a): the Jacobian diag(a) − a aᵀ is already used "
            "up in the product (diag(a) − a aᵀ) ∂J/∂a; nothing is left to multiply.",
            lambda z, Y: _softmax(z) * (1 - _softmax(z)) * (_softmax(z) - Y) / z.shape[1]),
    Mistake("jacobian_diagonal_only", "that is a ⊙ (1 − a) ⊙ ∂J/∂a, the Jacobian's diagonal only: softmax "
            "mixes the column, so the product needs the whole diag(a) − a aᵀ, whose −a aᵀ part reaches every "
            "entry.", _jacobian_diagonal),
    Mistake("sigmoid", "a^L came from a sigmoid; this layer's f is softmax (each column sums to 1).",
            lambda z, Y: (sigmoid(z) - Y) / z.shape[1]),
    Mistake("rows", "the softmax normalizes along the wrong axis: each column (one example) must sum to 1 (axis=0).",
            lambda z, Y: (_unshifted_softmax(z - z.max(axis=1, keepdims=True), axis=1) - Y) / z.shape[1]),
    Mistake("whole_batch", "the softmax is normalized over the whole batch: each column (one example) must sum "
            "to 1 on its own, e.sum(axis=0, keepdims=True).",
            lambda z, Y: (_unshifted_softmax((z - z.max(axis=0, keepdims=True)).ravel(), axis=0).reshape(z.shape)
                          - Y) / z.shape[1]),
    Mistake("global_max", "you subtracted the largest entry of the whole batch: a column far below it underflows "
            "to 0/0. Subtract each column's own max, z.max(axis=0, keepdims=True).",
            lambda z, Y: (_unshifted_softmax(z - z.max()) - Y) / z.shape[1]),
    Mistake("overflow", "right on small numbers, but e^z overflows when z^L is large (z = 1000): subtract each "
            "column's max from z before exponentiating; the softmax does not change.",
            lambda z, Y: (_unshifted_softmax(z) - Y) / z.shape[1]),
]


def _softmax_cases():
    rng = np.random.default_rng(7)
    big = np.array([[1000.0, -5.0], [990.0, 3.0], [-20.0, 2.0]])
    return [Case("z of shape (4, 5)", (rng.normal(0, 2, (4, 5)), one_hot(rng.integers(0, 4, 5), 4))),
            Case("z of shape (3, 3)", (rng.normal(0, 2, (3, 3)), one_hot(rng.integers(0, 3, 3), 3))),
            Case("a huge z (entries up to 1000)", (big, np.eye(3)[:, :2]))]


class ArrayExercise(Exercise):
    """One output that must be a numpy array (the next cells compute with it); the cross-entropy's own
    ``delta`` (an instance attribute, which OffLimits cannot reach) is off while the student's code runs."""

    def run(self, fn, case):
        with own_deltas_off() if fn is not self.reference else _nothing():
            outcome = super().run(fn, case)
        wrong = outcome.error is None and raw_type_error(outcome.raw, self.outputs[0], "shaped like z")
        return Outcome(error=wrong) if wrong else outcome


DELTA_SOFTMAX_CE = ArrayExercise(
    "delta_softmax_ce", delta_softmax_ce_reference, _softmax_cases(), ("δ^L",), mistakes=SOFTMAX_MISTAKES,
    off_limits=OffLimits(Mistake("used_library", SOFTMAX_OFF,
                                 lambda z, Y: softmax_cross_entropy_delta(z, _softmax(z), Y, None)),
                         objects=(softmax, softmax_cross_entropy_delta), attributes=((activations, "softmax"),)),
    success="your δ^L matches the reference on every case, also for huge z^L.")


EXERCISES = {"backward": BACKWARD, "best_step": BEST_STEP, "numerical_gradient": NUMERICAL_GRADIENT,
             "delta_softmax_ce": DELTA_SOFTMAX_CE, "train_sgd": TRAIN_SGD}
check_backward = EXERCISES["backward"].check
check_best_step = EXERCISES["best_step"].check
check_numerical_gradient = EXERCISES["numerical_gradient"].check
check_delta_softmax_ce = EXERCISES["delta_softmax_ce"].check
check_train_sgd = EXERCISES["train_sgd"].check
