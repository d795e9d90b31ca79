"""Misuse of the public API, case by case: each call gives the right result or a ValueError/TypeError
whose message names the argument.  None may be silently wrong, none may surface a bare numpy/Python
error ("operands could not be broadcast", "unsupported operand", "has no len()", …), and a refused
call leaves networks and optimizers as they were.

Each case is (call, expect): expect is ("ok", check) — check(result) must hold — or
(error type, a substring of the message that names what is wrong)."""
import numpy as np
import pytest

from lessonlib import Network, data, schedules, train
from lessonlib.gradcheck import gradient_check
from lessonlib.optimizers import SGD, AdaGrad, Adam, RMSProp
from lessonlib.training import STOP, History

BARE = ["operands could not be broadcast", "unsupported operand", "has no len()", "object is not callable",
        "not subscriptable", "could not convert", "object is not iterable", "zero-size array",
        "ufunc", "must be real number, not"]

RNG = np.random.default_rng(0)
X = RNG.normal(size=(3, 12))
Y = np.eye(2)[:, RNG.integers(0, 2, 12)]
OPTIMIZERS = {"SGD": SGD, "AdaGrad": AdaGrad, "RMSProp": RMSProp, "Adam": Adam}


def net(**kw):
    return Network([3, 4, 2], activation="tanh", output="softmax", loss="cross_entropy", seed=0, **kw)


def ok(check=lambda result: True):
    return ("ok", check)


def with_entry(A, index, value, dtype=None):
    A = A.astype(dtype or A.dtype, copy=True)
    A[index] = value
    return A


CASES = []


def case(id, call, expect, marks=()):
    CASES.append(pytest.param(call, expect, id=id, marks=marks))


# ---- optimizers: construction ---------------------------------------------------------------------
BAD_REALS = [("zero", 0.0, ValueError, "must be > 0"), ("negative", -0.1, ValueError, "must be > 0"),
             ("nan", float("nan"), ValueError, "must be finite"), ("inf", float("inf"), ValueError, "must be finite"),
             ("string", "0.1", TypeError, "must be a real number"), ("complex", 0.1 + 0j, TypeError, "must be a real number"),
             ("none", None, TypeError, "must be a real number"), ("bool", True, TypeError, "must be a real number"),
             ("list", [0.1], TypeError, "must be a real number"), ("array", np.array([0.1]), TypeError, "must be a real number")]
for opt_name, make in OPTIMIZERS.items():
    for label, value, error, text in BAD_REALS:
        case(f"{opt_name}-lr-{label}", lambda make=make, value=value: make(value), (error, "lr (learning rate α) " + text))
    case(f"{opt_name}-lr-numpy-float32", lambda make=make: make(np.float32(0.5)), ok(lambda o: o.lr == 0.5 and type(o.lr) is float))
    case(f"{opt_name}-lr-numpy-int", lambda make=make: make(np.int64(1)), ok(lambda o: o.lr == 1.0))

for opt_name in ("AdaGrad", "RMSProp", "Adam"):
    for label, value, error, text in BAD_REALS[:6]:
        case(f"{opt_name}-eps-{label}", lambda make=OPTIMIZERS[opt_name], value=value: make(0.1, eps=value),
             (error, "eps (ε) " + text))

for label, value, error, text in [("one", 1.0, ValueError, "must be in [0, 1)"), ("negative", -0.1, ValueError, "must be in [0, 1)"),
                                  ("string", "0.9", TypeError, "must be a real number"), ("bool", True, TypeError, "must be a real number"),
                                  ("nan", float("nan"), ValueError, "must be finite")]:
    case(f"SGD-momentum-{label}", lambda value=value: SGD(0.1, momentum=value), (error, "momentum (μ) " + text))
    case(f"RMSProp-rho-{label}", lambda value=value: RMSProp(0.1, rho=value), (error, "rho (ρ) " + text))
    case(f"Adam-beta1-{label}", lambda value=value: Adam(0.1, beta1=value), (error, "beta1 (β₁) " + text))
    case(f"Adam-beta2-{label}", lambda value=value: Adam(0.1, beta2=value), (error, "beta2 (β₂) " + text))

for label, value in [("string-False", "False"), ("string-True", "True"), ("int-1", 1), ("int-0", 0), ("none", None),
                     ("float", 1.0)]:
    case(f"SGD-nesterov-{label}", lambda value=value: SGD(0.1, momentum=0.9, nesterov=value),
         (TypeError, "nesterov must be True or False"))
case("SGD-nesterov-numpy-bool", lambda: SGD(0.1, momentum=0.9, nesterov=np.bool_(True)), ok(lambda o: o.nesterov is True))
case("SGD-nesterov-without-momentum", lambda: SGD(0.1, nesterov=True), (ValueError, "nesterov=True needs momentum > 0"))


# ---- optimizers: setting later, and step ----------------------------------------------------------
def set_later(attr, value, make=lambda: SGD(0.1, momentum=0.5)):
    def call():
        opt = make()
        before = getattr(opt, attr)
        try:
            setattr(opt, attr, value)
        finally:
            assert getattr(opt, attr) == before          # a refused assignment changes nothing
    return call


case("set-lr-zero", set_later("lr", 0), (ValueError, "lr (learning rate α) must be > 0"))
case("set-lr-string", set_later("lr", "fast"), (TypeError, "lr (learning rate α) must be a real number"))
case("set-momentum-two", set_later("momentum", 2.0), (ValueError, "momentum (μ) must be in [0, 1)"))
case("set-nesterov-string", set_later("nesterov", "yes"), (TypeError, "nesterov must be True or False"))
case("set-momentum-zero-under-nesterov", set_later("momentum", 0.0, lambda: SGD(0.1, momentum=0.5, nesterov=True)),
     (ValueError, "nesterov=True without momentum"))
case("set-eps-zero", set_later("eps", 0.0, lambda: Adam(0.1)), (ValueError, "eps (ε) must be > 0"))
case("set-beta1-one", set_later("beta1", 1.0, lambda: Adam(0.1)), (ValueError, "beta1 (β₁) must be in [0, 1)"))
case("set-rho-string", set_later("rho", "0.9", lambda: RMSProp(0.1)), (TypeError, "rho (ρ) must be a real number"))

W = np.ones((2, 3))
G = np.full((2, 3), 0.5)


def step(params, grads, make=lambda: SGD(0.1, momentum=0.9)):
    def call():
        opt = make()
        saved = [p.copy() for p in params if isinstance(p, np.ndarray)]
        try:
            opt.step(params, grads)
        except (TypeError, ValueError):
            assert opt.state is None                      # refused before any state was built
            for p, q in zip([p for p in params if isinstance(p, np.ndarray)], saved):
                np.testing.assert_array_equal(p, q)       # and before any update
            raise
        return params
    return call


case("step-single-array", step(W.copy(), G), (TypeError, "params must be a list of numpy arrays; got a single array"))
case("step-generator", step((w for w in [W.copy()]), [G]), (TypeError, "params must be a list of numpy arrays; got generator"))
case("step-set-of-grads", step([W.copy()], {1}), (TypeError, "grads must be a list of numpy arrays; got set"))
case("step-shape-mismatch", step([W.copy()], [G.T]), (ValueError, "params[0] has shape (2, 3) but grads[0] has shape (3, 2)"))
case("step-lengths", step([W.copy()], [G, G]), (ValueError, "got 1 params and 2 grads"))
case("step-empty", step([], []), (ValueError, "params is empty"))
case("step-float32-param", step([W.astype(np.float32)], [G]), (TypeError, "params[0] must be a float64 array"))
case("step-int-param", step([np.ones((2, 3), dtype=int)], [G]), (TypeError, "params[0] must be a float64 array"))
case("step-complex-grad", step([W.copy()], [G + 0j]), (TypeError, "grads[0] must hold real numbers"))
case("step-bool-grad", step([W.copy()], [G > 0]), (TypeError, "grads[0] must hold real numbers"))
case("step-list-param", step([[1.0, 2.0]], [np.zeros(2)]), (TypeError, "params[0] and grads[0] must be numpy arrays"))
case("step-readonly", step([np.ones((2, 3))[...].copy().view()], [G]) if False else
     step([np.lib.stride_tricks.as_strided(np.ones((2, 3)), writeable=False)], [G]), (ValueError, "params[0] is read-only"))
_shared = W.copy()
case("step-same-array-twice", step([_shared, _shared], [G, G]), (ValueError, "params[1] is the same array as params[0]"))
case("step-int-grad-ok", step([W.copy()], [np.ones((2, 3), dtype=int)], lambda: SGD(0.5)),
     ok(lambda params: np.array_equal(params[0], np.full((2, 3), 0.5))))
case("step-tuple-ok", step((W.copy(),), (G,), lambda: SGD(1.0)), ok(lambda params: np.array_equal(params[0], W - G)))


# ---- schedules ------------------------------------------------------------------------------------
case("schedule-lr0-zero", lambda: schedules.constant(0), (ValueError, "lr0 (α₀) must be > 0"))
case("schedule-lr0-string", lambda: schedules.exponential("0.1"), (TypeError, "lr0 (α₀) must be a real number"))
case("schedule-drop-above-one", lambda: schedules.step_decay(0.1, drop=2), (ValueError, "drop must be in (0, 1]"))
case("schedule-every-float", lambda: schedules.step_decay(0.1, every=2.5), (TypeError, "every must be a positive int"))
case("schedule-gamma-above-one", lambda: schedules.exponential(0.1, gamma=1.5), (ValueError, "gamma (γ) must be in (0, 1]"))
case("schedule-T-zero", lambda: schedules.cosine(0.1, T=0), (ValueError, "T must be a positive int"))
case("schedule-T-missing", lambda: schedules.cosine(0.1, T=None), (TypeError, "T must be a positive int"))
case("schedule-lr-min-above", lambda: schedules.cosine(0.1, 10, lr_min=0.5), (ValueError, "lr_min must be below lr0"))
case("schedule-k-negative", lambda: schedules.constant(0.1)(-1), (ValueError, "epoch k must be an int ≥ 0"))
case("schedule-k-float", lambda: schedules.constant(0.1)(2.0), (TypeError, "epoch k must be an int ≥ 0"))
case("schedule-k-string", lambda: schedules.constant(0.1)("2"), (TypeError, "epoch k must be an int ≥ 0"))
case("schedule-k-numpy", lambda: schedules.exponential(0.5, 0.5)(np.int32(2)), ok(lambda lr: lr == 0.125))


# ---- train --------------------------------------------------------------------------------------
def fit(mid_training=False, **kwargs):
    """train with these arguments; a refusal must come before the first update (unless ``mid_training``)."""
    def call():
        args = dict(net=net(), optimizer=SGD(0.1, momentum=0.9), X=X, Y=Y, epochs=2) | kwargs
        n, opt = args["net"], args["optimizer"]
        before = [p.copy() for p in n.params] if isinstance(n, Network) else []
        try:
            return train(**args)
        except (TypeError, ValueError):
            if not mid_training:
                for p, q in zip(n.params if before else [], before):
                    np.testing.assert_array_equal(p, q)  # refused before the first update
                assert isinstance(opt, type) or getattr(opt, "state", None) is None
            raise
    return call


def trained(epochs=2):
    return ok(lambda h: isinstance(h, History) and h.epochs == epochs and np.isfinite(h.train_cost).all())


for label, value, error, text in [("zero", 0, ValueError, "epochs must be a positive int; got 0"),
                                  ("negative", -2, ValueError, "epochs must be a positive int; got -2"),
                                  ("float", 2.0, TypeError, "epochs must be a positive int; got 2.0 (float)"),
                                  ("string", "2", TypeError, "epochs must be a positive int; got '2' (str)"),
                                  ("bool", True, TypeError, "epochs must be a positive int; got True (bool)"),
                                  ("none", None, TypeError, "epochs must be a positive int; got None")]:
    case(f"train-epochs-{label}", fit(epochs=value), (error, text))
case("train-epochs-numpy", fit(epochs=np.int64(3)), trained(3))
for label, value, error, text in [("zero", 0, ValueError, "batch_size must be a positive int; got 0"),
                                  ("negative", -8, ValueError, "batch_size must be a positive int; got -8"),
                                  ("float", 4.0, TypeError, "batch_size must be a positive int; got 4.0"),
                                  ("bool", True, TypeError, "batch_size must be a positive int; got True"),
                                  ("string", "4", TypeError, "batch_size must be a positive int; got '4'")]:
    case(f"train-batch-{label}", fit(batch_size=value), (error, text))
case("train-batch-larger-than-N-is-full-batch", lambda: (fit(batch_size=1000, seed=0)().train_cost,
                                                          fit(seed=0)().train_cost),
     ok(lambda costs: costs[0] == costs[1]))
case("train-batch-numpy", fit(batch_size=np.int64(5), seed=1), trained())
for label, value, error, text in [("negative", -1, ValueError, "seed must be None, an int ≥ 0 or a numpy.random.Generator; got -1"),
                                  ("float", 0.5, TypeError, "seed must be None, an int ≥ 0 or a numpy.random.Generator; got 0.5"),
                                  ("string", "7", TypeError, "seed must be None, an int ≥ 0 or a numpy.random.Generator; got '7'"),
                                  ("bool", False, TypeError, "seed must be None, an int ≥ 0 or a numpy.random.Generator; got False")]:
    case(f"train-seed-{label}", fit(seed=value, batch_size=4), (error, text))
case("train-seed-numpy", fit(seed=np.uint8(3), batch_size=4), trained())

for label, value, error, text in [
        ("transposed", X.T, ValueError, "it looks transposed (one example per row): pass X.T"),
        ("one-dimensional", X[:, 0], ValueError, "use X.reshape(3, 1) for one example"),
        ("three-dimensional", X[..., None], ValueError, "X must be 2-D with one example per column"),
        ("no-examples", X[:, :0], ValueError, "X holds no examples"),
        ("complex", X + 1j, TypeError, "X must hold real numbers"),
        ("strings", X.astype(str), TypeError, "X must hold real numbers"),
        ("objects", np.array([["a"] * 12] * 3, dtype=object), TypeError, "X must hold real numbers"),
        ("nan", with_entry(X, (2, 5), np.nan), ValueError, "X contains NaN or inf values: 1 of 36 entries (the first at [2, 5]"),
        ("inf", with_entry(X, (0, 0), -np.inf), ValueError, "X contains NaN or inf values: 1 of 36 entries (the first at [0, 0] is -inf)"),
        ("generator", (row for row in X), TypeError, "X must be a 2-D numeric array (numpy array or nested list); got generator"),
        ("set", {1, 2}, TypeError, "X must be a 2-D numeric array (numpy array or nested list); got set"),
        ("none", None, TypeError, "X must be a 2-D numeric array"),
        ("ragged", [[1.0, 2.0], [3.0]], TypeError, "X must be a 2-D numeric array")]:
    case(f"train-X-{label}", fit(X=value), (error, text))
case("train-X-nested-list", fit(X=X.tolist()), trained())
case("train-X-float32-trains-in-float64", lambda: (fit(X=X.astype(np.float32), seed=0)().train_cost,
                                                    fit(X=X.astype(np.float32).astype(np.float64), seed=0)().train_cost),
     ok(lambda costs: costs[0] == costs[1]))
case("train-X-ints", fit(X=np.arange(36).reshape(3, 12) % 3), trained())
for label, value, error, text in [
        ("wrong-rows", np.ones((3, 12)) / 3, ValueError, "Y must have 2 rows (one per output unit n_L)"),
        ("wrong-columns", Y[:, :7], ValueError, "Y has 7 columns but the batch has 12 examples"),
        ("not-probabilities", 2 * Y, ValueError, "Y must hold one-hot (or probability) columns for cross_entropy"),
        ("nan", with_entry(Y, (1, 4), np.nan), ValueError, "Y contains NaN or inf values: 1 of 24 entries (the first at [1, 4]"),
        ("complex", Y + 0j, TypeError, "Y must hold real numbers"),
        ("list-of-labels", [0, 1] * 6, ValueError, "Y must be 2-D with one example per column")]:
    case(f"train-Y-{label}", fit(Y=value), (error, text))
case("train-Y-bools", fit(Y=Y.astype(bool)), trained())

case("train-net-class", fit(net=Network), (TypeError, "net must be an instance, not the class Network"))
case("train-defaults", fit(), trained())
case("train-optimizer-class", fit(optimizer=Adam), (TypeError, "pass an instance, e.g. SGD(lr=0.1)"))
case("train-optimizer-number", fit(optimizer=0.1), (TypeError, "optimizer must be an optimizer such as SGD(lr=0.1)"))
case("train-optimizer-name", fit(optimizer="adam"), (TypeError, "optimizer must be an optimizer such as SGD(lr=0.1)"))
case("train-X-test-alone", fit(X_test=X), (ValueError, "give both X_test and Y_test, or neither"))
case("train-Y-test-columns", fit(X_test=X, Y_test=Y[:, :3]), (ValueError, "Y_test has 3 columns but the batch has 12"))
case("train-X-test-nan", fit(X_test=with_entry(X, (1, 1), np.nan), Y_test=Y), (ValueError, "X_test contains NaN or inf"))
case("train-early-stopping-without-test", fit(early_stopping=3), (ValueError, "early_stopping watches a held-out cost"))
case("train-early-stopping-float", fit(early_stopping=2.5, X_test=X, Y_test=Y), (TypeError, "early_stopping (patience) must be a positive int"))
case("train-early-stopping-bool", fit(early_stopping=True, X_test=X, Y_test=Y), (TypeError, "early_stopping (patience) must be a positive int"))
case("train-schedule-class", fit(schedule=schedules.step_decay), (TypeError, "schedule must be an instance, not the class step_decay"))
case("train-schedule-number", fit(schedule=0.01), (TypeError, "schedule must be callable as schedule(k) → α"))
case("train-schedule-zero", fit(schedule=lambda k: 0.0), (ValueError, "schedule(0) (α for epoch 0) must be > 0"))
case("train-schedule-late-nan", fit(epochs=4, schedule=lambda k: 0.1 if k < 3 else np.nan), (ValueError, "schedule(3) (α for epoch 3) must be finite"))
case("train-schedule-wrong-arity", fit(schedule=lambda: 0.1), (TypeError, "schedule must be callable as schedule(k) → α (1 positional argument); <lambda>() does not fit"))
case("train-callback-wrong-arity", fit(callback=lambda epoch: None), (TypeError, "callback must be callable as callback(epoch, history) (2 positional arguments); <lambda>(epoch) does not fit"))
case("train-callback-builtin-print", fit(callback=print), trained())
case("train-schedule-ok", fit(schedule=schedules.step_decay(0.2, 0.5, 1)), ok(lambda h: h.lr == [0.2, 0.1]))
case("train-callback-string", fit(callback="print"), (TypeError, "callback must be callable as callback(epoch, history)"))
case("train-callback-true", fit(mid_training=True, callback=lambda e, h: True), (TypeError, "callback must return None to go on or lessonlib.training.STOP"))
case("train-callback-stop", fit(epochs=5, callback=lambda e, h: STOP), ok(lambda h: h.epochs == 1))
case("train-divergence-factor-one", fit(divergence_factor=1.0), (ValueError, "divergence_factor must be > 1"))
case("train-divergence-factor-string", fit(divergence_factor="10"), (TypeError, "divergence_factor must be a real number"))
case("train-divergence-factor-inf", fit(divergence_factor=np.inf), trained())
case("train-weights-nan", fit(net=(lambda n: (n.weights[0].__setitem__((0, 0), np.nan), n)[1])(net())),
     (ValueError, "net.weights[0] (W^1) contains NaN or inf values before training"))


# ---- gradient_check -----------------------------------------------------------------------------
def check(**kwargs):
    def call():
        args = dict(net=net(), X=X[:, :4], Y=Y[:, :4]) | kwargs
        return gradient_check(args.pop("net"), args.pop("X"), args.pop("Y"), **args)
    return call


class FakeGrads:
    def __init__(self, dW, db):
        self.dW, self.db = dW, db


_g = net().gradients(X[:, :4], Y[:, :4])
case("gradcheck-defaults-pass", check(), ok(lambda c: c.passed and "ok" in str(c)))
case("gradcheck-net-class", check(net=Network), (TypeError, "net must be an instance, not the class Network"))
case("gradcheck-net-string", check(net="net"), (TypeError, "net must be a lessonlib Network"))
case("gradcheck-X-transposed", check(X=X[:, :4].T), (ValueError, "X must have 3 rows"))
case("gradcheck-Y-nan", check(Y=with_entry(Y[:, :4], (0, 0), np.nan)), (ValueError, "Y contains NaN or inf"))
case("gradcheck-step-zero", check(step=0), (ValueError, "step (Δ) must be > 0"))
case("gradcheck-step-string", check(step="1e-5"), (TypeError, "step (Δ) must be a real number"))
case("gradcheck-step-huge", check(step=1.0), (ValueError, "step (Δ) must be at most 0.1"))
case("gradcheck-eps-zero", check(eps=0), (ValueError, "eps (the step Δ) must be > 0"))          # step's former name
case("gradcheck-eps-string", check(eps="1e-5"), (TypeError, "eps (the step Δ) must be a real number"))
case("gradcheck-eps-huge", check(eps=1.0), (ValueError, "eps (the step Δ) must be at most 0.1"))
case("gradcheck-tolerance-one", check(tolerance=1.0), (ValueError, "tolerance must be below 1"))
case("gradcheck-tolerance-negative", check(tolerance=-1e-7), (ValueError, "tolerance must be > 0"))
case("gradcheck-gradients-none-attr", check(gradients=[1, 2]), (TypeError, "gradients must have .dW and .db"))
case("gradcheck-gradients-count", check(gradients=FakeGrads(list(_g.dW)[:1], list(_g.db))),
     (ValueError, "gradients.dW must hold 2 arrays, one per layer 1..2; got 1"))
case("gradcheck-gradients-shape", check(gradients=FakeGrads([g.T for g in _g.dW], list(_g.db))),
     (ValueError, "the gradient for W^1 has shape (3, 4); expected (4, 3)"))
case("gradcheck-gradients-complex", check(gradients=FakeGrads([g + 0j for g in _g.dW], list(_g.db))),
     (TypeError, "the gradient for W^1 must hold real numbers"))
case("gradcheck-gradients-generator", check(gradients=FakeGrads((g for g in _g.dW), list(_g.db))),
     (TypeError, "gradients.dW must be a list of numpy arrays; got generator"))
case("gradcheck-gradients-nan-is-wrong", check(gradients=FakeGrads([with_entry(g, (0, 0), np.nan) for g in _g.dW], list(_g.db))),
     ok(lambda c: not c.passed and c.max_error == np.inf))
case("gradcheck-gradients-lists-ok", check(gradients=FakeGrads([g.tolist() for g in _g.dW], list(_g.db))),
     ok(lambda c: c.passed))


# ---- data -----------------------------------------------------------------------------------------
case("one-hot-empty", lambda: data.one_hot([]), (TypeError, "labels must be a 1-D array of ints"))
case("one-hot-empty-ints", lambda: data.one_hot(np.array([], dtype=int)), (ValueError, "labels is empty: give n_classes"))
case("one-hot-floats", lambda: data.one_hot([0.0, 1.0]), (TypeError, "labels must be a 1-D array of ints"))
case("one-hot-2d", lambda: data.one_hot([[0, 1]]), (ValueError, "labels must be a 1-D array of ints; got shape (1, 2)"))
case("one-hot-negative", lambda: data.one_hot([1, -1]), (ValueError, "labels must be ≥ 0"))
case("one-hot-too-few-classes", lambda: data.one_hot([0, 3], n_classes=2), (ValueError, "label 3 does not fit n_classes=2"))
case("one-hot-n-classes-float", lambda: data.one_hot([0, 1], n_classes=2.0), (TypeError, "n_classes must be a positive int"))
case("one-hot-ok", lambda: data.one_hot([1, 0, 2]), ok(lambda Y: np.array_equal(Y.argmax(axis=0), [1, 0, 2])))
case("split-unequal-N", lambda: data.train_test_split(X, Y[:, :5]), (ValueError, "X and Y must be 2-D with one example per column and the same N"))
case("split-not-one-hot", lambda: data.train_test_split(X, 0.5 * Y), (ValueError, "Y must be one-hot"))
case("split-test-size-zero", lambda: data.train_test_split(X, Y, test_size=0), (ValueError, "test_size must be in (0, 1)"))
case("split-seed-float", lambda: data.train_test_split(X, Y, seed=0.5), (TypeError, "seed must be None, an int ≥ 0 or a numpy.random.Generator"))
case("split-ok", lambda: data.train_test_split(X, Y, test_size=0.5, seed=1),
     ok(lambda parts: parts[0].shape[1] + parts[1].shape[1] == 12))
case("digits-test-size-bool", lambda: data.load_digits(test_size=False), (TypeError, "test_size must be a real number"))
case("digits-seed-negative", lambda: data.load_digits(seed=-3), (ValueError, "seed must be None, an int ≥ 0 or a numpy.random.Generator"))
case("moons-n-zero", lambda: data.make_moons(n=0), (ValueError, "n must be a positive int"))
case("moons-n-float", lambda: data.make_moons(n=10.0), (TypeError, "n must be a positive int"))
case("moons-noise-negative", lambda: data.make_moons(noise=-1), (ValueError, "noise must be ≥ 0"))
case("circles-factor-string", lambda: data.make_circles(factor="0.5"), (TypeError, "factor (inner radius / outer radius) must be a real"))
case("spirals-classes-bool", lambda: data.make_spirals(classes=True), (TypeError, "classes must be a positive int"))
case("spirals-label-noise-nan", lambda: data.make_spirals(label_noise=np.nan), (ValueError, "label_noise must be finite"))
case("labels-of-1d", lambda: data.labels_of([0.2, 0.8]), (ValueError, "Y must be 2-D"))


# ---- the network (network.py is the lead's: failing cases are marked) --------------------------
case("network-sizes-set", lambda: Network({3, 2}), (TypeError, "sizes must be"))
case("network-sizes-one", lambda: Network([3]), (ValueError, "sizes needs at least two layer sizes"))
case("network-sizes-float", lambda: Network([3, 2.0]), (TypeError, "sizes[1] must be a positive int"))
case("network-sizes-generator", lambda: Network(n for n in [3, 2]), (TypeError, "sizes must be"))
case("network-sizes-numpy", lambda: Network(np.array([3, 2])), ok(lambda n: n.sizes == [3, 2]))
case("network-activation-none", lambda: Network([3, 2], activation=None), (TypeError, "activation must be a name"))
case("network-activation-unknown", lambda: Network([3, 2], activation="gelu"), (ValueError, "unknown activation 'gelu'"))
case("network-loss-unknown", lambda: Network([3, 2], loss="mae"), (ValueError, "unknown loss 'mae'"))
case("network-l2-string", lambda: Network([3, 2], l2="0"), (TypeError, "l2 (λ) must be a real number"))
case("network-l2-bool", lambda: Network([3, 2], l2=True), (TypeError, "l2 (λ) must be a real number"))
case("network-seed-negative", lambda: Network([3, 2], seed=-1), (ValueError, "seed must be None, an int ≥ 0 or a numpy"))
case("network-seed-string", lambda: Network([3, 2], seed="0"), (TypeError, "seed must be None, an int ≥ 0 or a numpy"))
case("network-forward-complex", lambda: net().forward(X + 1j), (TypeError, "X must hold real numbers"))
case("network-forward-list", lambda: net().forward(X.tolist()), ok(lambda c: c.a[-1].shape == (2, 12)))
case("network-predict-nan", lambda: net().predict(with_entry(X, (0, 1), np.inf)), (ValueError, "X contains NaN or inf"))
case("network-backward-not-a-cache", lambda: net().backward("cache", Y), (TypeError, "backward takes the cache that forward returned"))
case("network-backward-other-net", lambda: net().backward(net().forward(X), Y), (ValueError, "this cache was made by another network"))
case("network-cost-Y-transposed", lambda: net().cost(X, Y.T), (ValueError, "Y must have 2 rows"))
case("network-gradients-Y-short", lambda: net().gradients(X, Y[:, :3]), (ValueError, "Y has 3 columns but the batch has 12"))
case("network-set-weight-wrong-shape", lambda: net().weights.__setitem__(0, np.zeros((3, 4))), (ValueError, "W^1 must have shape (4, 3)"))
case("network-set-weight-float32", lambda: net().weights.__setitem__(0, np.zeros((4, 3), dtype=np.float32)),
     (TypeError, "W^1 must be a float64 numpy array"))
case("network-set-weight-nan", lambda: net().weights.__setitem__(0, np.full((4, 3), np.nan)), (ValueError, "W^1"))
case("network-set-l2-nan", lambda: setattr(net(), "l2", np.nan), (ValueError, "l2 (λ) must be finite"))
case("network-X-bools", lambda: net().predict(X > 0), ok(lambda a: a.shape == (2, 12)))
case("network-set-weights-to-one-array", lambda: setattr(net(), "weights", np.zeros((4, 3))),
     (TypeError, "weights must be a list of arrays"))
case("network-set-biases-to-a-set", lambda: setattr(net(), "biases", {1}), (TypeError, "biases must be a list"))
case("network-W-index-0", lambda: net().W[0], (IndexError, "layers are numbered 1..2"))   # an index: IndexError
case("network-activation-of-0", lambda: net().activation_of(0), (IndexError, "numbered 1..2"))
case("network-seed-float", lambda: Network([3, 2], seed=1.0), (TypeError, "seed must be None, an int ≥ 0 or a numpy"))
case("network-sizes-bool", lambda: Network([3, True]), (TypeError, "sizes[1] must be a positive int"))
case("network-sizes-dict", lambda: Network({3: 1, 2: 1}), (TypeError, "sizes must be"))
case("network-backward-Y-complex", lambda: (lambda n: n.backward(n.forward(X), Y + 1j))(net()), (TypeError, "Y must hold real numbers"))
case("network-set-bias-1d", lambda: net().b.__setitem__(1, np.zeros(4)), (ValueError, "b^1 must have shape (4, 1)"))
case("network-weights-append", lambda: net().weights.append(np.zeros((4, 3))), (TypeError, "the number of layers is fixed"))
case("network-forward-generator", lambda: net().forward(row for row in X), (TypeError, "X must be a 2-D numeric array"))


@pytest.mark.parametrize("call, expect", CASES)
def test_api_case(call, expect):
    kind, detail = expect
    if kind == "ok":
        result = call()
        assert detail(result), f"wrong result: {result!r}"
        return
    with pytest.raises((TypeError, ValueError, IndexError)) as caught:
        call()
    message = str(caught.value)
    assert caught.type is kind, f"{caught.type.__name__} instead of {kind.__name__}: {message}"
    assert detail in message, f"the message does not name it: {message!r}"
    for bare in BARE:
        assert bare not in message, f"a bare numpy/Python message: {message!r}"


def test_there_are_enough_cases():
    assert len(CASES) >= 150
