"""A second, held-out fuzz of the public API (issue 22): odd calls not in test_fuzz_api.py.  Each gives the right
result or a ValueError/TypeError whose message names the problem; none is silently wrong, none refuses valid
input, none surfaces a bare numpy/Python error or a numpy warning.

Each case is (call, expect): ("ok", check) — check(result) must hold — or (error type, words of the message)."""
import warnings
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest

from lessonlib import Network, data, train
from lessonlib.optimizers import SGD, AdaGrad, Adam, RMSProp
from test_fuzz_api import BARE

RNG = np.random.default_rng(7)
X = RNG.normal(size=(3, 10))
Y = np.eye(2)[:, RNG.integers(0, 2, 10)]
CASES = []


def case(id, call, expect):
    CASES.append(pytest.param(call, expect, id=id))


def ok(check=lambda result: True):
    return ("ok", check)


def net(**kw):
    return Network([3, 4, 2], activation="tanh", output="softmax", loss="cross_entropy", seed=0, **kw)


def with_weight(m, index, value, kind="W"):
    n = net()
    (n.W if kind == "W" else n.b)[m][index] = value          # written in place: no assignment check sees it
    return n


def same(a, b):
    return np.array_equal(np.asarray(a), np.asarray(b))


# ---- a non-finite parameter written in place: every entry point names the layer and the entry ----------
for label, kind, m, index, value, words in [
        ("W1-nan", "W", 1, (0, 2), np.nan, "net.W[1] (W^1) contains NaN or inf values (written into it after it was set, "
                                           "or left by a diverged update): 1 of 12 entries (the first at [0, 2] is nan)"),
        ("W2-inf", "W", 2, (1, 3), np.inf, "net.W[2] (W^2) contains NaN or inf values"),
        ("W2-minus-inf", "W", 2, (0, 0), -np.inf, "(the first at [0, 0] is -inf)"),
        ("b1-nan", "b", 1, (3, 0), np.nan, "net.b[1] (b^1) contains NaN or inf values"),
        ("b2-inf", "b", 2, (1, 0), np.inf, "net.b[2] (b^2) contains NaN or inf values")]:
    for entry, call in [("cost", lambda n: n.cost(X, Y)), ("data-cost", lambda n: n.data_cost(X, Y)),
                        ("predict", lambda n: n.predict(X)), ("forward", lambda n: n.forward(X)),
                        ("gradients", lambda n: n.gradients(X, Y))]:
        case(f"{label}-{entry}", lambda kind=kind, m=m, index=index, value=value, call=call:
             call(with_weight(m, index, value, kind)), (ValueError, words))


def backward_after_nan():
    n = net()
    cache = n.forward(X)
    n.W[2][0, 1] = np.nan
    return n.backward(cache, Y)


case("backward-after-a-nan-written", backward_after_nan, (ValueError, "net.W[2] (W^2) contains NaN or inf values"))
case("train-after-a-nan-written", lambda: train(with_weight(1, (0, 0), np.nan), X, Y, SGD(0.1), 1),
     (ValueError, "net.weights[0] (W^1) contains NaN or inf values before training"))
case("huge-but-finite-weight-is-fine", lambda: with_weight(1, (0, 0), 1e300).predict(X),
     ok(lambda a: np.isfinite(a).all() and np.allclose(a.sum(axis=0), 1)))

# ---- softmax over one unit ------------------------------------------------------------------------
for label, kwargs in [("cross-entropy", dict(output="softmax", loss="cross_entropy")),
                      ("mse", dict(output="softmax", loss="mse")),
                      ("deeper", dict(output="softmax", loss="cross_entropy", sizes=[3, 5, 4, 1]))]:
    sizes = kwargs.pop("sizes", [4, 1])
    case(f"softmax-one-unit-{label}", lambda sizes=sizes, kwargs=kwargs: Network(sizes, **kwargs),
         (ValueError, "output='softmax' needs at least 2 output units"))
case("softmax-one-unit-says-what-to-use", lambda: Network([4, 1], output="softmax", loss="cross_entropy"),
     (ValueError, "use 2 output units with softmax + cross_entropy (one-hot Y of shape (2, B)), or 1 unit with "
                  "output='sigmoid' and loss='mse'"))
case("sigmoid-one-unit-ok", lambda: Network([4, 1], output="sigmoid", loss="mse", seed=0).predict(np.ones((4, 2))),
     ok(lambda a: a.shape == (1, 2)))
case("softmax-two-units-ok", lambda: Network([4, 2], output="softmax", loss="cross_entropy", seed=0).W[1].shape,
     ok(lambda s: s == (2, 4)))

# ---- numpy Generators (and BitGenerators, SeedSequences) wherever seed= is ----------------------------
case("network-generator-seed", lambda: (Network([3, 2], seed=np.random.default_rng(5)).W[1],
                                        Network([3, 2], seed=5).W[1]), ok(lambda p: same(*p)))
case("network-bit-generator-seed", lambda: Network([3, 2], seed=np.random.PCG64(5)).W[1].shape, ok(lambda s: s == (2, 3)))
case("network-seed-sequence", lambda: Network([3, 2], seed=np.random.SeedSequence(5)).W[1].shape, ok())
case("network-generator-moves-on", lambda: (lambda g: (Network([3, 2], seed=g).W[1], Network([3, 2], seed=g).W[1]))(
    np.random.default_rng(1)), ok(lambda p: not same(*p)))
case("network-random-state-refused", lambda: Network([3, 2], seed=np.random.RandomState(0)),
     (TypeError, "seed must be None, an int ≥ 0 or a numpy.random.Generator; got RandomState"))
case("train-generator-seed", lambda: (train(net(), X, Y, SGD(0.1), 3, batch_size=4, seed=np.random.default_rng(2)).train_cost,
                                      train(net(), X, Y, SGD(0.1), 3, batch_size=4, seed=2).train_cost),
     ok(lambda c: c[0] == c[1]))
case("train-seed-sequence", lambda: train(net(), X, Y, SGD(0.1), 2, batch_size=3, seed=np.random.SeedSequence(3)).epochs,
     ok(lambda e: e == 2))
case("moons-generator", lambda: (data.make_moons(20, seed=np.random.default_rng(4))[0], data.make_moons(20, seed=4)[0]),
     ok(lambda p: same(*p)))
case("circles-generator", lambda: data.make_circles(20, seed=np.random.default_rng(4))[0].shape, ok(lambda s: s == (2, 20)))
case("spirals-bit-generator", lambda: data.make_spirals(30, seed=np.random.PCG64(4))[1].shape, ok(lambda s: s == (3, 30)))
case("split-generator", lambda: (data.train_test_split(X, Y, seed=np.random.default_rng(6))[0],
                                 data.train_test_split(X, Y, seed=6)[0]), ok(lambda p: same(*p)))
case("digits-generator", lambda: data.load_digits(seed=np.random.default_rng(0))[0].shape[0], ok(lambda n: n == 64))
case("seed-generator-class-refused", lambda: Network([3, 2], seed=np.random.Generator),
     (TypeError, "seed must be None, an int ≥ 0 or a numpy.random.Generator"))
case("seed-float-string-still-refused", lambda: train(net(), X, Y, SGD(0.1), 1, seed="1"),
     (TypeError, "seed must be None, an int ≥ 0 or a numpy.random.Generator; got '1' (str)"))

# ---- object arrays (what pandas hands over) and other array-likes ---------------------------------------
Xo, Yo = X.astype(object), Y.astype(object)
case("cost-object-X-Y", lambda: (net().cost(Xo, Yo), net().cost(X, Y)), ok(lambda c: c[0] == c[1]))
case("predict-object-X", lambda: (net().predict(Xo), net().predict(X)), ok(lambda p: same(*p)))
case("train-object-X-Y", lambda: (train(net(), Xo, Yo, SGD(0.1), 2, seed=0).train_cost,
                                  train(net(), X, Y, SGD(0.1), 2, seed=0).train_cost), ok(lambda c: c[0] == c[1]))
case("train-object-validation-set", lambda: train(net(), X, Y, SGD(0.1), 2, X_val=Xo, Y_val=Yo).val_cost,
     ok(lambda c: len(c) == 2))
case("object-X-of-numpy-scalars", lambda: net().predict(np.array([[np.float32(1), np.int64(2)]] * 3, dtype=object)),
     ok(lambda a: a.shape == (2, 2)))
case("object-X-of-fractions-and-decimals", lambda: net().predict(
    np.array([[Fraction(1, 2), Decimal("0.25")]] * 3, dtype=object)), ok(lambda a: a.shape == (2, 2)))
case("nested-list-of-fractions", lambda: net().predict([[Fraction(1, 3)] * 2] * 3), ok(lambda a: a.shape == (2, 2)))
case("object-X-with-a-string", lambda: net().predict(np.array([[1.0, "2"]] * 3, dtype=object)),
     (TypeError, "X must hold real numbers; the entry at [0, 1] is '2' (str)"))
case("object-X-with-none", lambda: net().cost(np.array([[1.0, None]] * 3, dtype=object), Y[:, :2]),
     (TypeError, "X must hold real numbers; the entry at [0, 1] is None (NoneType)"))
case("object-Y-with-complex", lambda: net().cost(X[:, :2], np.array([[1.0, 0j], [0.0, 1.0]], dtype=object)),
     (TypeError, "Y must hold real numbers; the entry at [0, 1] is 0j (complex)"))
case("object-X-nan-named", lambda: net().predict(np.array([[1.0, float("nan")]] * 3, dtype=object)),
     (ValueError, "X contains NaN or inf values: 3 of 6 entries (the first at [0, 1] is nan)"))
case("object-X-ragged", lambda: net().predict(np.array([[1.0, 2.0], [3.0], [4.0, 5.0]], dtype=object)),
     (TypeError, "X must hold real numbers; the entry at [0] is [1.0, 2.0] (list) (rows of different lengths?)"))
case("tuple-of-tuples", lambda: net().predict(tuple(map(tuple, X))), ok(lambda a: same(a, net().predict(X))))
case("float16-X", lambda: net().predict(X.astype(np.float16)), ok(lambda a: a.dtype == np.float64))
case("uint8-X", lambda: net().predict(np.ones((3, 2), dtype=np.uint8)), ok(lambda a: a.shape == (2, 2)))
with warnings.catch_warnings():
    warnings.simplefilter("ignore", PendingDeprecationWarning)      # numpy's own note on np.matrix
    X_MATRIX = np.asmatrix(X)
case("matrix-X", lambda: (net().predict(X_MATRIX), net().predict(X)),
     ok(lambda p: type(p[0]) is np.ndarray and same(*p)))
case("fortran-order-X", lambda: (net().cost(np.asfortranarray(X), Y), net().cost(X, Y)), ok(lambda c: c[0] == c[1]))
case("strided-view-X", lambda: (net().predict(np.repeat(X, 2, axis=1)[:, ::2]), net().predict(X)), ok(lambda p: same(*p)))
case("read-only-X", lambda: train(net(), np.lib.stride_tricks.as_strided(X, writeable=False), Y, SGD(0.1), 1).epochs,
     ok(lambda e: e == 1))
case("one-hot-object-ints", lambda: data.one_hot(np.array([0, 2, 1], dtype=object)),
     ok(lambda Yh: same(Yh.argmax(0), [0, 2, 1])))
case("one-hot-numpy-ints-list", lambda: data.one_hot([np.int64(1), np.int8(0)], n_classes=np.int64(3)),
     ok(lambda Yh: Yh.shape == (3, 2)))
case("one-hot-object-floats", lambda: data.one_hot(np.array([0.0, 1.0], dtype=object)),
     (TypeError, "labels must be a 1-D array of ints"))
case("split-object-arrays", lambda: data.train_test_split(Xo, Yo, seed=0)[0].dtype, ok(lambda d: d == np.float64))

# ---- the optimizer's state, read and set (the joined state of Adam included) ----------------------------
W0, G0 = np.array([[0.5, -1.0], [2.0, 0.0]]), np.array([[0.1, -0.2], [0.3, 0.4]])


def stepped(make, edit, steps=1, arrays=2):
    params = [W0.copy() + k for k in range(arrays)]
    opt = make()
    opt.prepare(params)
    edit(opt)
    for _ in range(steps):
        opt.step(params, [G0] * arrays)
    return params, opt


def momentum_by_hand(v0, steps=1, lr=0.1, mu=0.9):
    w, v = W0.copy(), v0.copy()
    for _ in range(steps):
        v = mu * v + G0
        w = w - lr * v
    return w


case("sgd-velocity-set", lambda: stepped(lambda: SGD(0.1, momentum=0.9), lambda o: o.state[0].__setitem__("v", W0))[0][0],
     ok(lambda w: np.allclose(w, momentum_by_hand(W0), rtol=0, atol=1e-15)))
case("sgd-velocity-set-by-dict", lambda: stepped(lambda: SGD(0.1, momentum=0.9), lambda o: o.state.__setitem__(0, {"v": W0}),
                                                 steps=2)[0][0],
     ok(lambda w: np.allclose(w, momentum_by_hand(W0, 2), rtol=0, atol=1e-15)))
case("sgd-velocity-set-as-list", lambda: stepped(lambda: SGD(0.1, momentum=0.9),
                                                 lambda o: o.state[0].__setitem__("v", W0.tolist()))[0][0],
     ok(lambda w: np.allclose(w, momentum_by_hand(W0), rtol=0, atol=1e-15)))
case("rmsprop-s-set-float32", lambda: stepped(lambda: RMSProp(0.1), lambda o: o.state[1].__setitem__(
    "s", np.ones((2, 2), dtype=np.float32)))[1].state[1]["s"].dtype, ok(lambda d: d == np.float64))
case("adagrad-s-set-scalar-refused", lambda: stepped(lambda: AdaGrad(0.1), lambda o: o.state[0].__setitem__("s", 1.0)),
     (ValueError, "opt.state[0]['s'] must have shape (2, 2), that of params[0]; got ()"))
case("adam-t-numpy-int", lambda: stepped(Adam, lambda o: o.state[0].__setitem__("t", np.uint8(3)))[1].state[0]["t"],
     ok(lambda t: t == 4 and type(t) is int))
case("adam-t-float-refused", lambda: stepped(Adam, lambda o: o.state[0].__setitem__("t", 3.0)),
     (TypeError, "opt.state[0]['t'] (the number of steps taken) must be an int ≥ 0; got 3.0 (float)"))
case("adam-v-inf-refused", lambda: stepped(Adam, lambda o: o.state[1].__setitem__("v", np.full((2, 2), np.inf))),
     (ValueError, "opt.state[1]['v'] contains NaN or inf values"))
case("adam-new-key-refused", lambda: stepped(Adam, lambda o: o.state[0].__setitem__("m", W0)),
     (ValueError, "opt.state[0]['m']: this optimizer's state holds ['v', 's', 't'] only"))
case("adam-update-with-kwargs", lambda: stepped(Adam, lambda o: o.state[0].update(t=5))[1].state[0]["t"], ok(lambda t: t == 6))
case("adam-or-equals", lambda: stepped(Adam, lambda o: o.state[0].__ior__({"t": 5}))[1].state[0]["t"], ok(lambda t: t == 6))
case("adam-setdefault-refused", lambda: stepped(Adam, lambda o: o.state[0].setdefault("m", 0)),
     (TypeError, "don't remove them"))
case("adam-state-list-replaced", lambda: stepped(Adam, lambda o: setattr(o, "state", [{"t": 2}, {"t": 2}]))[1].state[1]["t"],
     ok(lambda t: t == 3))
case("adam-state-slice-refused", lambda: stepped(Adam, lambda o: o.state.__setitem__(slice(0, 1), [{}])),
     (TypeError, "set a parameter's state entries with a dict"))
case("adam-state-extend-refused", lambda: stepped(Adam, lambda o: o.state.extend([{}])), (TypeError, "one state per parameter"))
case("adam-different-t-per-array", lambda: stepped(Adam, lambda o: o.state[1].__setitem__("t", 9), steps=3)[1].state,
     ok(lambda s: (s[0]["t"], s[1]["t"]) == (3, 12)))
case("adam-t-reset-together-rejoins", lambda: stepped(Adam, lambda o: [o.state[i].__setitem__("t", 4) for i in (0, 1)],
                                                      steps=2)[1]._joined.edited, ok(lambda edited: edited is False))
case("adam-in-place-view-edit", lambda: stepped(Adam, lambda o: o.state[0]["s"].__setitem__((0, 0), 4.0))[1].state[0]["s"][0, 0],
     ok(lambda s: np.isclose(s, 0.999 * 4.0 + 0.001 * 0.01)))
case("adam-single-array-t", lambda: stepped(Adam, lambda o: o.state[0].__setitem__("t", 7), arrays=1)[1].state[0]["t"],
     ok(lambda t: t == 8))
case("state-before-any-step", lambda: setattr(Adam(), "state", [{"t": 1}]), (ValueError, "this optimizer has no state yet"))
case("state-set-to-a-dict-refused", lambda: stepped(Adam, lambda o: setattr(o, "state", {"t": 1})),
     (TypeError, "opt.state takes a list of 2 dicts, one per parameter array"))


def edited_adam_then_train():
    n, opt = net(), Adam(0.01)
    opt.prepare(n.params)
    for s in opt.state:
        s["t"] = 100                          # a long-trained optimizer: the bias correction is ≈ 1
    train(n, X, Y, opt, 1)
    return opt.state[0]["t"]


case("adam-edited-then-train", edited_adam_then_train, ok(lambda t: t == 101))

# ---- networks: odd but valid sizes, indices and parameters ---------------------------------------------
case("sizes-tuple", lambda: Network((3, 2), seed=0).sizes, ok(lambda s: s == [3, 2]))
case("sizes-numpy-uint8", lambda: Network(np.array([3, 2], dtype=np.uint8), seed=0).sizes, ok(lambda s: s == [3, 2]))
case("sizes-zero", lambda: Network([3, 0, 2]), (ValueError, "sizes[1] must be a positive int; got 0"))
case("W-numpy-index", lambda: net().W[np.int64(2)].shape, ok(lambda s: s == (2, 4)))
case("W-set-int-array", lambda: (lambda n: (n.W.__setitem__(1, np.ones((4, 3), dtype=int)), n.W[1].dtype)[1])(net()),
     ok(lambda d: d == np.float64))
case("W-set-list-refused", lambda: net().W.__setitem__(1, [[0.0] * 3] * 4), (TypeError, "W^1 must be a float64 numpy array"))
case("W-slice-refused", lambda: net().W[1:], (TypeError, "W is indexed by one layer number m at a time"))
case("b-index-3-refused", lambda: net().b[3], (IndexError, "layers are numbered 1..2"))
case("copy-keeps-nothing-shared", lambda: (lambda n: (n, n.copy()))(net()),
     ok(lambda p: not any(np.shares_memory(a, b) for a, b in zip(p[0].params, p[1].params))))
case("l2-numpy-float", lambda: net(l2=np.float32(0.5)).l2, ok(lambda lam: lam == 0.5))
case("cost-one-example", lambda: net().cost(X[:, :1], Y[:, :1]), ok(lambda c: np.isfinite(c)))
case("cost-Y-rounding", lambda: net().cost(X, Y * (1 + 1e-13)), ok(lambda c: np.isfinite(c)))
case("cost-Y-soft-labels", lambda: net().cost(X, np.full((2, 10), 0.5)), ok(lambda c: np.isfinite(c)))
case("cost-Y-one-column-of-ones", lambda: net().cost(X, np.ones((2, 10))),
     (ValueError, "Y must hold one-hot (or probability) columns for cross_entropy"))
case("predict-huge-X-no-warning", lambda: net().predict(X * 1e200), ok(lambda a: np.isfinite(a).all()))
case("cost-huge-X-mse-no-warning", lambda: Network([3, 2], activation="identity", seed=0).cost(X * 1e200, np.zeros((2, 10))),
     ok(lambda c: c == np.inf or np.isfinite(c)))


case("labels-where-one-hot-belongs", lambda: train(net(), X, Y.argmax(axis=0), SGD(0.1), 1),
     (ValueError, "looks like class labels 0..1: one-hot them first, lessonlib.data.one_hot(labels, 2)"))
case("labels-object-one-hot", lambda: train(net(), X, data.one_hot(Y.argmax(axis=0).astype(object)), SGD(0.1), 1).epochs,
     ok(lambda e: e == 1))
case("step-with-layer-numbered-grads", lambda: (lambda n: (SGD(0.1).step(n.weights, n.gradients(X, Y).dW), n)[1])(net()).W[1],
     ok(lambda W: not same(W, net().W[1])))
case("bool-weights-converted", lambda: (lambda n: (n.W.__setitem__(1, np.ones((4, 3), dtype=bool)), n.W[1])[1])(net()),
     ok(lambda W: W.dtype == np.float64 and W.sum() == 12))
case("object-weights-refused", lambda: net().W.__setitem__(1, np.zeros((4, 3)).astype(object)),
     (TypeError, "W^1 must be a float64 numpy array of shape (4, 3); got object"))
case("schedule-float32-alpha", lambda: train(net(), X, Y, SGD(0.1), 2, schedule=lambda k: np.float32(0.1)).lr,
     ok(lambda lrs: len(lrs) == 2 and all(type(lr) is float for lr in lrs)))
case("early-stopping-numpy-int", lambda: train(net(), X, Y, SGD(0.1), 3, X_val=X, Y_val=Y, early_stopping=np.int64(1)).epochs,
     ok(lambda e: 1 <= e <= 3))
case("adam-beta2-zero-trains", lambda: train(net(), X, Y, Adam(0.1, beta2=0.0), 3).train_cost,
     ok(lambda c: np.isfinite(c).all()))
case("state-survives-pickle", lambda: __import__("pickle").loads(__import__("pickle").dumps(
    stepped(Adam, lambda o: None)[1].state[0]))["t"], ok(lambda t: t == 1))
case("int8-X-near-overflow", lambda: net().cost(np.full((3, 10), 127, np.int8), Y), ok(lambda c: np.isfinite(c)))


@pytest.mark.parametrize("call, expect", CASES)
def test_heldout_case(call, expect):
    kind, detail = expect
    with warnings.catch_warnings():
        warnings.simplefilter("error")               # a numpy warning is a failure too
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


def test_there_are_about_a_hundred_cases():
    assert len(CASES) >= 100
