"""Typical answers to the lessons' exercises, written as students write them (the slips instructors list: CS231n,
Nielsen, the Deep Learning Specialization), each with what the check must say: a right answer in another form
passes; a wrong one is refused, named by its catalogued mistake or a family (families.py) where one fits.

The set was written from those lists, not from the catalogues; ``test_how_many_are_named`` prints the count.
An entry whose exercise is gone (the notebooks are being rewritten) is skipped.
"""
import math

import numpy as np
import pytest

from lessonlib.exercises import catalogue, families

RIGHT = "passes"
ANSWERS = []          # (lesson, exercise, what the student did, function, expected mistake or RIGHT, or None: unnamed)


def answer(lesson, exercise, what, expected):
    def add(fn):
        ANSWERS.append((lesson, exercise, what, fn, expected))
        return fn
    return add


def r_of(theta, x, y):
    return theta[0] + theta[1] * x - y


# ---- 01 gradient(theta, x, y) ------------------------------------------------------------------------------
answer("01", "gradient", "dot products over N", RIGHT)(
    lambda t, x, y: np.array([r_of(t, x, y).sum(), r_of(t, x, y) @ x]) / len(x))
answer("01", "gradient", "a design matrix", RIGHT)(
    lambda t, x, y: np.column_stack([np.ones_like(x), x]).T @ (np.column_stack([np.ones_like(x), x]) @ t - y) / len(y))
answer("01", "gradient", "a Python list", "list, not array")(
    lambda t, x, y: [r_of(t, x, y).mean(), (r_of(t, x, y) * x).mean()])
answer("01", "gradient", "a tuple", "list, not array")(
    lambda t, x, y: (r_of(t, x, y).mean(), (r_of(t, x, y) * x).mean()))
answer("01", "gradient", "a column vector", "shape")(
    lambda t, x, y: np.array([[r_of(t, x, y).mean()], [(r_of(t, x, y) * x).mean()]]))
answer("01", "gradient", "the MSE's derivative without the ½", "factor 2")(
    lambda t, x, y: 2 * np.array([r_of(t, x, y).mean(), (r_of(t, x, y) * x).mean()]))
answer("01", "gradient", "sums over 2N", "factor len(x)/2")(
    lambda t, x, y: np.array([r_of(t, x, y).sum(), (r_of(t, x, y) * x).sum()]) / 2)
answer("01", "gradient", "y − ŷ and a sum", "factor len(x)")(
    lambda t, x, y: -np.array([r_of(t, x, y).sum(), (r_of(t, x, y) * x).sum()]))
answer("01", "gradient", "the two components summed", "summed too far")(
    lambda t, x, y: r_of(t, x, y).mean() + (r_of(t, x, y) * x).mean())
answer("01", "gradient", "θ₀ and θ₁ swapped in ŷ", None)(
    lambda t, x, y: np.array([(t[1] + t[0] * x - y).mean(), ((t[1] + t[0] * x - y) * x).mean()]))
answer("01", "gradient", "only the second component over N", "factor len(x)")(
    lambda t, x, y: np.array([r_of(t, x, y).sum(), (r_of(t, x, y) * x).mean()]))


# ---- 01 minibatch_descent (returns the path: θ before training, then after every update) ---------------------
def minibatch(theta, x, y, lr, batch_size, epochs, seed, extra_epoch=False, in_place=False, rng_inside=False):
    rng = np.random.default_rng(seed)
    theta = theta if in_place else np.array(theta, dtype=float)
    path = [theta.copy()]
    for epoch in range(epochs + extra_epoch):
        if rng_inside:
            rng = np.random.default_rng(seed)
        order = rng.permutation(len(x))
        for i in range(0, len(x), batch_size):
            b = order[i:i + batch_size]
            g = np.array([r_of(theta, x[b], y[b]).mean(), (r_of(theta, x[b], y[b]) * x[b]).mean()])
            if in_place:
                theta -= lr * g
            else:
                theta = theta - lr * g
            path.append(theta.copy())
    return np.array(path)


answer("01", "minibatch_descent", "one epoch too many", "off by one: epochs")(
    lambda *a: minibatch(*a, extra_epoch=True))
answer("01", "minibatch_descent", "θ -= … on the caller's θ", "mutated")(
    lambda theta, *a: minibatch(theta, *a, in_place=True))
answer("01", "minibatch_descent", "the generator re-made every epoch", "same order every epoch")(
    lambda *a: minibatch(*a, rng_inside=True))
@answer("01", "minibatch_descent", "np.random.seed and np.random.permutation", None)
def legacy_shuffle(theta, x, y, lr, batch_size, epochs, seed):
    np.random.seed(seed)
    path = [theta]
    for epoch in range(epochs):
        order = np.random.permutation(len(x))
        for i in range(0, len(x), batch_size):
            b = order[i:i + batch_size]
            theta = theta - lr * np.array([r_of(theta, x[b], y[b]).mean(), (r_of(theta, x[b], y[b]) * x[b]).mean()])
            path.append(theta)
    return np.array(path)


# ---- 01 max_stable_lr --------------------------------------------------------------------------------------
def hessian(x):
    return np.array([[1.0, x.mean()], [x.mean(), (x * x).mean()]])


answer("01", "max_stable_lr", "np.linalg.eigvals and max", RIGHT)(lambda x: 2 / max(np.linalg.eigvals(hessian(x)).real))
answer("01", "max_stable_lr", "the closed form of a 2×2", RIGHT)(
    lambda x: 2 / ((1 + (x * x).mean()) / 2 + math.sqrt(((1 - (x * x).mean()) / 2) ** 2 + x.mean() ** 2)))
answer("01", "max_stable_lr", "both limits returned", "several values")(lambda x: 2 / np.linalg.eigvalsh(hessian(x)))
answer("01", "max_stable_lr", "the Frobenius norm for h_max", None)(lambda x: 2 / np.linalg.norm(hessian(x)))
answer("01", "max_stable_lr", "a one-element array", "shape")(lambda x: 2 / np.linalg.eigvalsh(hessian(x))[-1:])


# ---- 02 backward -------------------------------------------------------------------------------------------
def backward(net, cache, Y, delta_L=None, keepdims=True, swap=False, over_B=True, layers_from_zero=False):
    L, B = net.L, Y.shape[1]
    dW, db = {}, {}
    delta = (cache.a[L] - Y) / (B if over_B else 1)
    if delta_L is not None:                    # notebook 02 passes the softmax's δ^L
        delta = delta_L
    elif net.loss.name != "cross_entropy":
        delta = net.f_out.f_prime(cache.z[L]) * delta
    for m in reversed(range(1, L + 1)):
        dW[m] = delta @ cache.a[m - 1].T
        db[m] = delta.sum(axis=1, keepdims=keepdims)
        if m > 1:
            delta = net.f.f_prime(cache.z[m - 1]) * (net.W[m].T @ delta)
    dW, db = [dW[m] for m in range(1, L + 1)], [db[m] for m in range(1, L + 1)]
    if layers_from_zero:
        dW, db = [None] + dW, [None] + db
    return (db, dW) if swap else (dW, db)


answer("02", "backward", "a dict per layer, reversed(range)", RIGHT)(backward)
answer("02", "backward", "lists with None at index 0", RIGHT)(lambda *a, **k: backward(*a, **k, layers_from_zero=True))
answer("02", "backward", "db without keepdims", "shape")(lambda *a, **k: backward(*a, **k, keepdims=False))
answer("02", "backward", "(db, dW) returned", "outputs swapped")(lambda *a, **k: backward(*a, **k, swap=True))
answer("02", "backward", "δ^L without the 1/B", "no_1_over_B")(lambda *a, **k: backward(*a, **k, over_B=False))


# ---- 02 delta_softmax_ce -----------------------------------------------------------------------------------
def softmax(z, axis=0):
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


answer("02", "delta_softmax_ce", "their own softmax helper", RIGHT)(lambda z, Y: (softmax(z) - Y) / z.shape[1])
answer("02", "delta_softmax_ce", "log-sum-exp written out", RIGHT)(
    lambda z, Y: (np.exp(z - z.max(0) - np.log(np.exp(z - z.max(0)).sum(0))) - Y) / Y.shape[1])
answer("02", "delta_softmax_ce", "divided by the number of classes", "divided by the rows of z")(
    lambda z, Y: (softmax(z) - Y) / z.shape[0])
answer("02", "delta_softmax_ce", "averaged over the batch", "summed too far")(
    lambda z, Y: (softmax(z) - Y).mean(axis=1, keepdims=True))
answer("02", "delta_softmax_ce", "a softmax over every entry", None)(
    lambda z, Y: (np.exp(z - z.max()) / np.exp(z - z.max()).sum() - Y) / z.shape[1])
answer("02", "delta_softmax_ce", "the diagonal of the Jacobian only", None)(
    lambda z, Y: softmax(z) * (1 - softmax(z)) * (-Y / softmax(z)) / z.shape[1])


# ---- 02 train_sgd ------------------------------------------------------------------------------------------
def train_sgd(net, X, Y, lr, epochs, batch_size, seed, extra_epoch=False, y_by_position=False):
    rng, N, costs = np.random.default_rng(seed), X.shape[1], []
    for epoch in range(epochs + extra_epoch):
        order = rng.permutation(N)
        for i in range(0, N, batch_size):
            b = order[i:i + batch_size]
            yb = Y[:, i:i + batch_size] if y_by_position else Y[:, b]
            grads = net.backward(net.forward(X[:, b]), yb)
            for m in range(1, net.L + 1):
                net.W[m] = net.W[m] - lr * grads.dW[m]
                net.b[m] = net.b[m] - lr * grads.db[m]
        costs.append(net.cost(X, Y))
    return costs


answer("02", "train_sgd", "new arrays assigned to net.W[m]", RIGHT)(train_sgd)
answer("02", "train_sgd", "one epoch too many", "off by one: epochs")(lambda *a: train_sgd(*a, extra_epoch=True))
answer("02", "train_sgd", "Y sliced by position", None)(lambda *a: train_sgd(*a, y_by_position=True))


# ---- 03 momentum_descent -----------------------------------------------------------------------------------
def momentum(gradient, theta, lr, mu, steps, in_place=False, as_list=False, fewer=0, swap=False):
    v, theta = np.zeros_like(theta), np.array(theta, dtype=float)
    path = [theta.copy()]
    for k in range(steps - fewer):
        v = mu * v + gradient(theta)
        if in_place:
            theta -= lr * v
        else:
            theta = theta - lr * v
        path.append(theta)
    path = path if as_list else np.array(path)
    return (v, path) if swap else (path, v)


answer("03", "momentum_descent", "heavy ball, written out", RIGHT)(momentum)
answer("03", "momentum_descent", "θ -= αv appended each step", "in-place update")(
    lambda *a: momentum(*a, in_place=True))
answer("03", "momentum_descent", "θ -= αv in a returned list", "in-place update")(
    lambda *a: momentum(*a, in_place=True, as_list=True))
answer("03", "momentum_descent", "a list of steps", "list, not array")(lambda *a: momentum(*a, as_list=True))
answer("03", "momentum_descent", "one step too few", "off by one: steps")(lambda *a: momentum(*a, fewer=1))
answer("03", "momentum_descent", "(v, path) returned", "outputs swapped")(lambda *a: momentum(*a, swap=True))


# ---- 03 adam_step ------------------------------------------------------------------------------------------
def adam(theta, g, v, s, t, lr, beta1, beta2, eps, count=1, corrected=False, in_place=False):
    t = t + count
    if in_place:
        v *= beta1
        v += (1 - beta1) * g
        s *= beta2
        s += (1 - beta2) * g * g
    else:
        v, s = beta1 * v + (1 - beta1) * g, beta2 * s + (1 - beta2) * g * g
    v_hat, s_hat = v / (1 - beta1 ** t), s / (1 - beta2 ** t)
    theta = theta - lr * v_hat / (np.sqrt(s_hat) + eps)
    return (theta, v_hat, s_hat, t) if corrected else (theta, v, s, t + 1 - count)


answer("03", "adam_step", "the equations in order", RIGHT)(adam)
answer("03", "adam_step", "t counted twice", "off by one: t")(lambda *a: adam(*a, count=2))
answer("03", "adam_step", "v and s updated in place", "mutated")(lambda *a: adam(*a, in_place=True))
answer("03", "adam_step", "the bias-corrected moments returned", "scalar factor")(lambda *a: adam(*a, corrected=True))


# ---- 03 warmup_cosine --------------------------------------------------------------------------------------
def warmup_cosine(k, lr0, warmup, T, phase=0, array=False):
    if k < warmup:
        lr = lr0 * (k + 1) / warmup
    else:
        lr = 0.5 * lr0 * (1 + math.cos(math.pi * min(1.0, (k - warmup + phase) / (T - warmup))))
    return np.array([lr]) if array else lr


answer("03", "warmup_cosine", "½α₀(1 + cos) with min()", RIGHT)(warmup_cosine)
answer("03", "warmup_cosine", "a one-element array", "shape")(lambda *a: warmup_cosine(*a, array=True))
answer("03", "warmup_cosine", "the phase one epoch ahead", None)(lambda *a: warmup_cosine(*a, phase=1))


# ---- 04 nielsen_step ---------------------------------------------------------------------------------------
answer("04", "nielsen_step", "weight decay form", RIGHT)(
    lambda W, b, d, a, lam, N, lr: ((1 - lr * lam / N) * W - lr * d @ a.T, b - lr * d.sum(axis=1, keepdims=True)))
answer("04", "nielsen_step", "(b, W) returned", "outputs swapped")(
    lambda W, b, d, a, lam, N, lr: (b - lr * d.sum(axis=1, keepdims=True), W - lr * (d @ a.T + lam / N * W)))
answer("04", "nielsen_step", "b not updated", "not updated")(
    lambda W, b, d, a, lam, N, lr: (W - lr * (d @ a.T + lam / N * W), b))
answer("04", "nielsen_step", "db without keepdims, broadcast against b", "broadcast")(
    lambda W, b, d, a, lam, N, lr: (W - lr * (d @ a.T + lam / N * W), b - lr * d.sum(axis=1)))


# ---- 04 early_stop -----------------------------------------------------------------------------------------
def early_stop(val_costs, patience, swap=False):
    best, best_cost, waited = 0, math.inf, 0
    for epoch, cost in enumerate(val_costs, start=1):
        if cost < best_cost:
            best, best_cost, waited = epoch, cost, 0
        else:
            waited += 1
            if waited == patience:
                return (epoch, best) if swap else (best, epoch)
    return (len(val_costs), best) if swap else (best, len(val_costs))


answer("04", "early_stop", "a counter of waited epochs", RIGHT)(early_stop)
answer("04", "early_stop", "(stop, best) returned", "outputs swapped")(lambda *a: early_stop(*a, swap=True))


def entries():
    for lesson, name, what, fn, expected in ANSWERS:
        yield pytest.param(lesson, name, fn, expected, id=f"{lesson}-{name}-{what}")


@pytest.fixture(autouse=True)
def strict_families(monkeypatch):
    monkeypatch.setattr(families, "STRICT", True)


@pytest.mark.parametrize("lesson, name, fn, expected", list(entries()))
def test_typical_answer(lesson, name, fn, expected):
    exercise = catalogue()[lesson].get(name)
    if exercise is None:
        pytest.skip(f"lesson {lesson} has no exercise {name} now")
    result = exercise.diagnose(fn)
    if expected == RIGHT:
        assert result.passed, result.message
        return
    assert not result.passed, "a wrong answer was accepted"
    assert result.mistake not in ("error",), result.message            # the check itself never fails
    if expected is not None:
        assert result.mistake == expected, result.message


def test_how_many_are_named(capsys):
    wrong = [(lesson, name, fn) for lesson, name, _, fn, expected in ANSWERS if expected != RIGHT]
    results = [catalogue()[lesson][name].diagnose(fn) for lesson, name, fn in wrong if name in catalogue()[lesson]]
    named = sum(r.mistake != "other" for r in results)
    with capsys.disabled():
        print(f"\n{named} of {len(results)} typical wrong answers named; "
              f"{sum(e == RIGHT for *_, e in ANSWERS)} right ones in other forms")
    assert not any(r.passed for r in results)
