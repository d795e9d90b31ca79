"""A blind catalogue of student answers for the exercise checks of notebooks 01-04 (issue 22), kept as a
regression set for tests/test_blind_answers.py.

Written by a tester who had not seen the checks' catalogues, from the student editions only (prompts and
surrounding cells), and frozen before any check ran (branch ``blind``, commit 475eadc).  Each entry is the source
of one notebook cell a student could write; the test executes it in a fresh namespace holding the notebook's own
imports (PREAMBLE) plus, where a later exercise builds on an earlier cell, that cell (HELPERS), as in the notebook.

Fields: nb, exercise (function name = check_<exercise>), kind ("wrong" / "correct"), label, src.
"""

PREAMBLE = {
    "01": """
import numpy as np
from lessonlib import Network, data, optimizers, plots, sections, surfaces, train
from lessonlib import descent_lab as lab
""",
    "02": """
import numpy as np
from lessonlib import Network, optimizers, plots, sections, text, train
from lessonlib import backprop_lab as lab
from lessonlib.activations import sigmoid, sigmoid_prime
from lessonlib.gradcheck import gradient_check
""",
    "03": """
import numpy as np
import math
from lessonlib import plots, schedules, sections, surfaces, text
from lessonlib import optimizer_race as race
from lessonlib import optimizer_practice as practice
from lessonlib import optimizer_answers as answers
from lessonlib.descent_lab import conditioning, minibatch_descent
from lessonlib.optimizers import SGD, AdaGrad, RMSProp, Adam
""",
    "04": """
import numpy as np
from lessonlib import overfitting_lab as lab
from lessonlib import data, optimizers, plots, regularization, sections, text
""",
}

# cells of the notebook that a later exercise uses (the student's own earlier, correct, work)
HELPERS = {
    # notebook 01: Exercise 2 says "with your gradient of Exercise 1"
    ("01", "minibatch_descent"): '''
def gradient(theta, x, y):
    r = theta[0] + theta[1] * x - y
    return np.array([np.mean(r), np.mean(r * x)])
''',
    # notebook 02, cell 47 (given code, not an exercise): Exercise 3 says "then your descent_step"
    ("02", "train_sgd"): '''
def descent_step(net, grads, lr):
    for m in range(1, net.L + 1):
        net.W[m] -= lr * grads.dW[m]
        net.b[m] -= lr * grads.db[m]
''',
}

ENTRIES = []


def E(nb, exercise, kind, label, src):
    ENTRIES.append(dict(nb=nb, exercise=exercise, kind=kind, label=label, src=src))


# =====================================================================================================
# 01 Exercise 1: gradient(theta, x, y)
# =====================================================================================================
G = ("01", "gradient")
E(*G, "correct", "explicit loop over the examples, sums then divides by N", '''
def gradient(theta, x, y):
    N = len(x)
    g0 = 0.0
    g1 = 0.0
    for i in range(N):
        r = theta[0] + theta[1] * x[i] - y[i]
        g0 += r
        g1 += r * x[i]
    return np.array([g0 / N, g1 / N])
''')
E(*G, "correct", "design matrix X = [1, x], gradient X^T(Xθ − y)/N", '''
def gradient(theta, x, y):
    X = np.column_stack([np.ones_like(x, dtype=float), x])
    return X.T @ (X @ np.asarray(theta, dtype=float) - y) / x.shape[0]
''')
E(*G, "wrong", "sum instead of mean: the 1/N is missing", '''
def gradient(theta, x, y):
    r = theta[0] + theta[1] * x - y
    return np.array([np.sum(r), np.sum(r * x)])
''')
E(*G, "wrong", "extra factor 2 (did not let the 2 of the square cancel the ½)", '''
def gradient(theta, x, y):
    r = theta[0] + theta[1] * x - y
    return 2 * np.array([np.mean(r), np.mean(r * x)])
''')
E(*G, "wrong", "keeps the ½: divides by 2N", '''
def gradient(theta, x, y):
    r = theta[0] + theta[1] * x - y
    return np.array([np.mean(r), np.mean(r * x)]) / 2
''')
E(*G, "wrong", "sign error: residual y − ŷ", '''
def gradient(theta, x, y):
    r = y - (theta[0] + theta[1] * x)
    return np.array([np.mean(r), np.mean(r * x)])
''')
E(*G, "wrong", "∂J/∂θ1 missing the factor x (both entries the mean residual)", '''
def gradient(theta, x, y):
    r = theta[0] + theta[1] * x - y
    return np.array([np.mean(r), np.mean(r)])
''')
E(*G, "wrong", "the two components in the wrong order (∂θ1, ∂θ0)", '''
def gradient(theta, x, y):
    r = theta[0] + theta[1] * x - y
    return np.array([np.mean(r * x), np.mean(r)])
''')
E(*G, "wrong", "returns a Python list, not a NumPy array", '''
def gradient(theta, x, y):
    r = theta[0] + theta[1] * x - y
    return [float(np.mean(r)), float(np.mean(r * x))]
''')
E(*G, "wrong", "θ0 and θ1 swapped in the prediction (ŷ = θ1 + θ0 x)", '''
def gradient(theta, x, y):
    r = theta[1] + theta[0] * x - y
    return np.array([np.mean(r), np.mean(r * x)])
''')
E(*G, "wrong", "∂J/∂θ1 as mean(r)·mean(x) instead of mean(r·x)", '''
def gradient(theta, x, y):
    r = theta[0] + theta[1] * x - y
    return np.array([np.mean(r), np.mean(r) * np.mean(x)])
''')

# =====================================================================================================
# 01 Exercise 2: minibatch_descent(theta, x, y, lr, batch_size, epochs, seed)
# =====================================================================================================
G = ("01", "minibatch_descent")
E(*G, "correct", "while loop over slice starts, copy of θ, uses own gradient", '''
def minibatch_descent(theta, x, y, lr, batch_size, epochs, seed):
    theta = np.array(theta, dtype=float)
    rng = np.random.default_rng(seed)
    N = len(x)
    for epoch in range(epochs):
        order = rng.permutation(N)
        start = 0
        while start < N:
            idx = order[start:start + batch_size]
            theta = theta - lr * gradient(theta, x[idx], y[idx])
            start += batch_size
    return theta
''')
E(*G, "correct", "counts the batches with ceil(N/B), own inline gradient helper", '''
def minibatch_descent(theta, x, y, lr, batch_size, epochs, seed):
    def batch_grad(th, xb, yb):
        r = th[0] + th[1] * xb - yb
        return np.array([r.mean(), (r * xb).mean()])
    th = np.asarray(theta, dtype=float).copy()
    rng = np.random.default_rng(seed)
    N = x.size
    n_batches = -(-N // batch_size)
    for _ in range(epochs):
        order = rng.permutation(N)
        for k in range(n_batches):
            idx = order[k * batch_size:(k + 1) * batch_size]
            th -= lr * batch_grad(th, x[idx], y[idx])
    return th
''')
E(*G, "wrong", "in-place update on the caller's θ (theta -= …, no copy)", '''
def minibatch_descent(theta, x, y, lr, batch_size, epochs, seed):
    rng = np.random.default_rng(seed)
    N = len(x)
    for epoch in range(epochs):
        order = rng.permutation(N)
        for start in range(0, N, batch_size):
            idx = order[start:start + batch_size]
            theta -= lr * gradient(theta, x[idx], y[idx])
    return theta
''')
E(*G, "wrong", "generator re-created inside the epoch loop: the same order every epoch", '''
def minibatch_descent(theta, x, y, lr, batch_size, epochs, seed):
    theta = np.array(theta, dtype=float)
    N = len(x)
    for epoch in range(epochs):
        rng = np.random.default_rng(seed)
        order = rng.permutation(N)
        for start in range(0, N, batch_size):
            idx = order[start:start + batch_size]
            theta = theta - lr * gradient(theta, x[idx], y[idx])
    return theta
''')
E(*G, "wrong", "no shuffle at all: slices of 0..N−1 in order", '''
def minibatch_descent(theta, x, y, lr, batch_size, epochs, seed):
    theta = np.array(theta, dtype=float)
    N = len(x)
    for epoch in range(epochs):
        for start in range(0, N, batch_size):
            xb, yb = x[start:start + batch_size], y[start:start + batch_size]
            theta = theta - lr * gradient(theta, xb, yb)
    return theta
''')
E(*G, "wrong", "drops the last, shorter slice (N // B batches)", '''
def minibatch_descent(theta, x, y, lr, batch_size, epochs, seed):
    theta = np.array(theta, dtype=float)
    rng = np.random.default_rng(seed)
    N = len(x)
    for epoch in range(epochs):
        order = rng.permutation(N)
        for k in range(N // batch_size):
            idx = order[k * batch_size:(k + 1) * batch_size]
            theta = theta - lr * gradient(theta, x[idx], y[idx])
    return theta
''')
E(*G, "wrong", "gradient on the whole data set, not on the slice", '''
def minibatch_descent(theta, x, y, lr, batch_size, epochs, seed):
    theta = np.array(theta, dtype=float)
    rng = np.random.default_rng(seed)
    N = len(x)
    for epoch in range(epochs):
        order = rng.permutation(N)
        for start in range(0, N, batch_size):
            idx = order[start:start + batch_size]
            theta = theta - lr * gradient(theta, x, y)
    return theta
''')
E(*G, "wrong", "sign error: θ + α∇J (ascent)", '''
def minibatch_descent(theta, x, y, lr, batch_size, epochs, seed):
    theta = np.array(theta, dtype=float)
    rng = np.random.default_rng(seed)
    N = len(x)
    for epoch in range(epochs):
        order = rng.permutation(N)
        for start in range(0, N, batch_size):
            idx = order[start:start + batch_size]
            theta = theta + lr * gradient(theta, x[idx], y[idx])
    return theta
''')
E(*G, "wrong", "legacy np.random.seed + np.random.permutation instead of default_rng", '''
def minibatch_descent(theta, x, y, lr, batch_size, epochs, seed):
    theta = np.array(theta, dtype=float)
    np.random.seed(seed)
    N = len(x)
    for epoch in range(epochs):
        order = np.random.permutation(N)
        for start in range(0, N, batch_size):
            idx = order[start:start + batch_size]
            theta = theta - lr * gradient(theta, x[idx], y[idx])
    return theta
''')
E(*G, "wrong", "off-by-one in the epoch counter: epochs + 1 epochs", '''
def minibatch_descent(theta, x, y, lr, batch_size, epochs, seed):
    theta = np.array(theta, dtype=float)
    rng = np.random.default_rng(seed)
    N = len(x)
    for epoch in range(epochs + 1):
        order = rng.permutation(N)
        for start in range(0, N, batch_size):
            idx = order[start:start + batch_size]
            theta = theta - lr * gradient(theta, x[idx], y[idx])
    return theta
''')
E(*G, "wrong", "shuffles x but slices y in the original order (x and y mismatched)", '''
def minibatch_descent(theta, x, y, lr, batch_size, epochs, seed):
    theta = np.array(theta, dtype=float)
    rng = np.random.default_rng(seed)
    N = len(x)
    for epoch in range(epochs):
        order = rng.permutation(N)
        xs = x[order]
        for start in range(0, N, batch_size):
            theta = theta - lr * gradient(theta, xs[start:start + batch_size], y[start:start + batch_size])
    return theta
''')

# =====================================================================================================
# 01 Exercise 3: max_stable_lr(x)
# =====================================================================================================
G = ("01", "max_stable_lr")
E(*G, "correct", "Hessian [[1, mean x], [mean x, mean x²]], 2 / largest eigvalsh", '''
def max_stable_lr(x):
    H = np.array([[1.0, np.mean(x)], [np.mean(x), np.mean(x ** 2)]])
    return 2 / np.linalg.eigvalsh(H)[-1]
''')
E(*G, "correct", "closed-form largest eigenvalue of the 2×2 Hessian (trace/determinant)", '''
def max_stable_lr(x):
    X = np.column_stack([np.ones(len(x)), x])
    H = X.T @ X / len(x)
    tr, det = H[0, 0] + H[1, 1], H[0, 0] * H[1, 1] - H[0, 1] * H[1, 0]
    h_max = tr / 2 + np.sqrt(tr ** 2 / 4 - det)
    return float(2 / h_max)
''')
E(*G, "wrong", "1/h_max: forgot the 2", '''
def max_stable_lr(x):
    H = np.array([[1.0, np.mean(x)], [np.mean(x), np.mean(x ** 2)]])
    return 1 / np.linalg.eigvalsh(H)[-1]
''')
E(*G, "wrong", "smallest eigenvalue: eigvalsh(H)[0] (thought it sorts decreasing)", '''
def max_stable_lr(x):
    H = np.array([[1.0, np.mean(x)], [np.mean(x), np.mean(x ** 2)]])
    return 2 / np.linalg.eigvalsh(H)[0]
''')
E(*G, "wrong", "Hessian without the 1/N: XᵀX (sums, not means)", '''
def max_stable_lr(x):
    X = np.column_stack([np.ones(len(x)), x])
    return 2 / np.linalg.eigvalsh(X.T @ X)[-1]
''')
E(*G, "wrong", "ignores the intercept: 2 / mean(x²) (the θ1–θ1 curvature only)", '''
def max_stable_lr(x):
    return 2 / np.mean(x ** 2)
''')
E(*G, "wrong", "the one-example limit 2/(1 + max x²) (per-example Hessian of §4)", '''
def max_stable_lr(x):
    return 2 / (1 + np.max(x ** 2))
''')
E(*G, "wrong", "returns the curvature h_max instead of 2/h_max", '''
def max_stable_lr(x):
    H = np.array([[1.0, np.mean(x)], [np.mean(x), np.mean(x ** 2)]])
    return np.linalg.eigvalsh(H)[-1]
''')
E(*G, "wrong", "trace instead of the largest eigenvalue: 2 / (1 + mean x²)", '''
def max_stable_lr(x):
    return 2 / (1 + np.mean(x ** 2))
''')
E(*G, "wrong", "Hessian divided by N − 1 instead of N", '''
def max_stable_lr(x):
    X = np.column_stack([np.ones(len(x)), x])
    return 2 / np.linalg.eigvalsh(X.T @ X / (len(x) - 1))[-1]
''')

# =====================================================================================================
# 02 Exercise 1: backward(net, cache, Y) -> dW, db
# =====================================================================================================
G = ("02", "backward")
E(*G, "correct", "own helper layer_grads, while-loop from L down, bias sum as δ @ ones", '''
def layer_grads(delta, a_prev):
    B = delta.shape[1]
    return delta @ a_prev.T, delta @ np.ones((B, 1))

def backward(net, cache, Y):
    L = net.L
    dW = [None] * (L + 1)
    db = [None] * (L + 1)
    delta = net.loss.delta(cache.z[L], cache.a[L], Y, net.f_out)
    m = L
    while m >= 1:
        dW[m], db[m] = layer_grads(delta, cache.a[m - 1])
        if m > 1:
            delta = net.f.f_prime(cache.z[m - 1]) * (net.W[m].T @ delta)
        m -= 1
    return dW, db
''')
E(*G, "correct", "all δ first (list), then the gradients in a second loop with einsum", '''
def backward(net, cache, Y):
    L = net.L
    deltas = {L: net.loss.delta(cache.z[L], cache.a[L], Y, net.f_out)}
    for m in range(L, 1, -1):
        deltas[m - 1] = net.f.f_prime(cache.z[m - 1]) * np.einsum("ki,kb->ib", net.W[m], deltas[m])
    dW = [None] * (L + 1)
    db = [None] * (L + 1)
    for m in range(1, L + 1):
        dW[m] = np.einsum("ib,jb->ij", deltas[m], cache.a[m - 1])
        db[m] = np.sum(deltas[m], axis=1).reshape(-1, 1)
    return dW, db
''')
_BW = '''
def backward(net, cache, Y):
    L = net.L
    dW = [None] * (L + 1)
    db = [None] * (L + 1)
    delta = net.loss.delta(cache.z[L], cache.a[L], Y, net.f_out)
    for m in range(L, 0, -1):
        dW[m] = {dW}
        db[m] = {db}
        if m > 1:
            delta = {back}
    return dW, db
'''
_OK = dict(dW="delta @ cache.a[m - 1].T", db="delta.sum(axis=1, keepdims=True)",
           back="net.f.f_prime(cache.z[m - 1]) * (net.W[m].T @ delta)")


def _bw(**over):
    return _BW.format(**{**_OK, **over})


E(*G, "wrong", "∂J/∂W^m from a^m instead of a^{m−1} (wrong layer)", _bw(dW="delta @ cache.a[m].T"))
E(*G, "wrong", "∂J/∂b^m as the mean over the batch, not the sum", _bw(db="delta.mean(axis=1, keepdims=True)"))
E(*G, "wrong", "∂J/∂b^m without keepdims: shape (n_m,) not (n_m, 1)", _bw(db="delta.sum(axis=1)"))
E(*G, "wrong", "extra 1/B on ∂J/∂W^m (the 1/B is already in δ)", _bw(dW="delta @ cache.a[m - 1].T / delta.shape[1]"))
E(*G, "wrong", "forgets f'(z^{m−1}) when sending the error back", _bw(back="net.W[m].T @ delta"))
E(*G, "wrong", "f' evaluated at a^{m−1} instead of z^{m−1}", _bw(back="net.f.f_prime(cache.a[m - 1]) * (net.W[m].T @ delta)"))
E(*G, "wrong", "sends the error back through W^{m−1} instead of W^m (layer off by one)",
  _bw(back="net.f.f_prime(cache.z[m - 1]) * (net.W[m - 1].T @ delta)"))
E(*G, "wrong", "computes δ^{m−1} before ∂J/∂W^m, so the gradients use the next layer's δ", '''
def backward(net, cache, Y):
    L = net.L
    dW = [None] * (L + 1)
    db = [None] * (L + 1)
    delta = net.loss.delta(cache.z[L], cache.a[L], Y, net.f_out)
    dW[L] = delta @ cache.a[L - 1].T
    db[L] = delta.sum(axis=1, keepdims=True)
    for m in range(L, 1, -1):
        delta = net.f.f_prime(cache.z[m - 1]) * (net.W[m].T @ delta)
        dW[m - 1] = delta @ cache.a[m - 1].T
        db[m - 1] = delta.sum(axis=1, keepdims=True)
    return dW, db
''')
E(*G, "wrong", "δ^L written as (a^L − Y)/B for every cost, instead of net.loss.delta", '''
def backward(net, cache, Y):
    L = net.L
    dW = [None] * (L + 1)
    db = [None] * (L + 1)
    delta = (cache.a[L] - Y) / Y.shape[1]
    for m in range(L, 0, -1):
        dW[m] = delta @ cache.a[m - 1].T
        db[m] = delta.sum(axis=1, keepdims=True)
        if m > 1:
            delta = net.f.f_prime(cache.z[m - 1]) * (net.W[m].T @ delta)
    return dW, db
''')
E(*G, "wrong", "lists built with append while walking back: reversed and 0-based", '''
def backward(net, cache, Y):
    L = net.L
    dW, db = [], []
    delta = net.loss.delta(cache.z[L], cache.a[L], Y, net.f_out)
    for m in range(L, 0, -1):
        dW.append(delta @ cache.a[m - 1].T)
        db.append(delta.sum(axis=1, keepdims=True))
        if m > 1:
            delta = net.f.f_prime(cache.z[m - 1]) * (net.W[m].T @ delta)
    return dW, db
''')

# =====================================================================================================
# 02 Exercise 2: delta_softmax_ce(z, Y)
# =====================================================================================================
G = ("02", "delta_softmax_ce")
E(*G, "correct", "own softmax helper (column max subtracted), then (a − Y)/B", '''
def softmax(z):
    e = np.exp(z - z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)

def delta_softmax_ce(z, Y):
    return (softmax(z) - Y) / z.shape[1]
''')
E(*G, "correct", "explicit loop over the columns with a log-sum-exp", '''
def delta_softmax_ce(z, Y):
    n, B = z.shape
    out = np.empty((n, B))
    for k in range(B):
        col = z[:, k]
        c = col.max()
        log_norm = c + np.log(np.sum(np.exp(col - c)))
        out[:, k] = (np.exp(col - log_norm) - Y[:, k]) / B
    return out
''')
E(*G, "wrong", "forgets the 1/B of the batch average", '''
def delta_softmax_ce(z, Y):
    e = np.exp(z - z.max(axis=0, keepdims=True))
    a = e / e.sum(axis=0, keepdims=True)
    return a - Y
''')
E(*G, "wrong", "sign error: (Y − a)/B", '''
def delta_softmax_ce(z, Y):
    e = np.exp(z - z.max(axis=0, keepdims=True))
    a = e / e.sum(axis=0, keepdims=True)
    return (Y - a) / z.shape[1]
''')
E(*G, "wrong", "softmax normalized over the wrong axis (rows, axis=1)", '''
def delta_softmax_ce(z, Y):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    a = e / e.sum(axis=1, keepdims=True)
    return (a - Y) / z.shape[1]
''')
E(*G, "wrong", "no max subtraction: exp overflows for large z", '''
def delta_softmax_ce(z, Y):
    e = np.exp(z)
    a = e / e.sum(axis=0, keepdims=True)
    return (a - Y) / z.shape[1]
''')
E(*G, "wrong", "subtracts each row's max instead of each column's (not constant within a column)", '''
def delta_softmax_ce(z, Y):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    a = e / e.sum(axis=0, keepdims=True)
    return (a - Y) / z.shape[1]
''')
E(*G, "wrong", "keeps step 1's element-wise f'(z) = a(1 − a) factor", '''
def delta_softmax_ce(z, Y):
    e = np.exp(z - z.max(axis=0, keepdims=True))
    a = e / e.sum(axis=0, keepdims=True)
    return a * (1 - a) * (a - Y) / z.shape[1]
''')
E(*G, "wrong", "divides by the number of classes n_L (z.shape[0]) instead of B", '''
def delta_softmax_ce(z, Y):
    e = np.exp(z - z.max(axis=0, keepdims=True))
    a = e / e.sum(axis=0, keepdims=True)
    return (a - Y) / z.shape[0]
''')
E(*G, "wrong", "stops at ∂J/∂a = −Y/(B a) (no Jacobian product)", '''
def delta_softmax_ce(z, Y):
    e = np.exp(z - z.max(axis=0, keepdims=True))
    a = e / e.sum(axis=0, keepdims=True)
    return -Y / (z.shape[1] * a)
''')
E(*G, "wrong", "sigmoid instead of softmax for a^L", '''
def delta_softmax_ce(z, Y):
    a = 1 / (1 + np.exp(-z))
    return (a - Y) / z.shape[1]
''')
E(*G, "wrong", "averages over the batch: one column (mean over axis 1) instead of (n_L, B)", '''
def delta_softmax_ce(z, Y):
    e = np.exp(z - z.max(axis=0, keepdims=True))
    a = e / e.sum(axis=0, keepdims=True)
    return (a - Y).mean(axis=1, keepdims=True)
''')

# =====================================================================================================
# 02 Exercise 3: train_sgd(net, X, Y, lr, epochs, batch_size, seed) -> costs
# =====================================================================================================
G = ("02", "train_sgd")
E(*G, "correct", "for-loop over k, forward/backward, the notebook's descent_step", '''
def train_sgd(net, X, Y, lr, epochs, batch_size, seed):
    rng = np.random.default_rng(seed)
    N = X.shape[1]
    costs = []
    for epoch in range(epochs):
        order = rng.permutation(N)
        for k in range(int(np.ceil(N / batch_size))):
            idx = order[k * batch_size:(k + 1) * batch_size]
            cache = net.forward(X[:, idx])
            grads = net.backward(cache, Y[:, idx])
            descent_step(net, grads, lr)
        costs.append(net.cost(X, Y))
    return costs
''')
E(*G, "correct", "while loop over slice starts, update written out (assigning new arrays)", '''
def train_sgd(net, X, Y, lr, epochs, batch_size, seed):
    rng = np.random.default_rng(seed)
    N = X.shape[1]
    costs = []
    e = 0
    while e < epochs:
        order = rng.permutation(N)
        start = 0
        while start < N:
            batch = order[start:start + batch_size]
            g = net.backward(net.forward(X[:, batch]), Y[:, batch])
            for m in range(1, net.L + 1):
                net.W[m] = net.W[m] - lr * g.dW[m]
                net.b[m] = net.b[m] - lr * g.db[m]
            start += batch_size
        costs.append(float(net.cost(X, Y)))
        e += 1
    return costs
''')
_TR = '''
def train_sgd(net, X, Y, lr, epochs, batch_size, seed):
    rng = np.random.default_rng(seed)
    N = X.shape[1]
    B = batch_size
    costs = []
    for epoch in range(epochs):
        order = rng.permutation(N)
        for k in range(-(-N // B)):
            idx = order[k * B:(k + 1) * B]
            grads = net.backward(net.forward(X[:, idx]), Y[:, idx])
            descent_step(net, grads, lr)
        costs.append(net.cost(X, Y))
    return costs
'''
E(*G, "wrong", "generator re-created every epoch: the same order each epoch",
  _TR.replace("    rng = np.random.default_rng(seed)\n", "").replace(
      "        order = rng.permutation(N)", "        rng = np.random.default_rng(seed)\n        order = rng.permutation(N)"))
E(*G, "wrong", "no shuffle: batches in the stored order", _TR.replace("rng.permutation(N)", "np.arange(N)"))
E(*G, "wrong", "drops the last, shorter batch (N // B batches)", _TR.replace("range(-(-N // B))", "range(N // B)"))
E(*G, "wrong", "records the cost of the last mini-batch, not of the whole training set",
  _TR.replace("costs.append(net.cost(X, Y))", "costs.append(net.cost(X[:, idx], Y[:, idx]))"))
E(*G, "wrong", "records the cost at the start of each epoch (before its updates)",
  _TR.replace("        costs.append(net.cost(X, Y))\n", "").replace(
      "        order = rng.permutation(N)\n", "        costs.append(net.cost(X, Y))\n        order = rng.permutation(N)\n"))
E(*G, "wrong", "sign error in the update: W + α ∂J/∂W", '''
def train_sgd(net, X, Y, lr, epochs, batch_size, seed):
    rng = np.random.default_rng(seed)
    N = X.shape[1]
    costs = []
    for epoch in range(epochs):
        order = rng.permutation(N)
        for k in range(-(-N // batch_size)):
            idx = order[k * batch_size:(k + 1) * batch_size]
            g = net.backward(net.forward(X[:, idx]), Y[:, idx])
            for m in range(1, net.L + 1):
                net.W[m] += lr * g.dW[m]
                net.b[m] += lr * g.db[m]
        costs.append(net.cost(X, Y))
    return costs
''')
E(*G, "wrong", "also returns the starting cost: epochs + 1 entries",
  _TR.replace("    costs = []\n", "    costs = [net.cost(X, Y)]\n"))
E(*G, "wrong", "appends the whole-set cost after every batch, not once per epoch",
  _TR.replace("            descent_step(net, grads, lr)\n        costs.append(net.cost(X, Y))",
              "            descent_step(net, grads, lr)\n            costs.append(net.cost(X, Y))"))
E(*G, "wrong", "indexes examples as rows (X[idx]) instead of columns",
  _TR.replace("net.forward(X[:, idx]), Y[:, idx]", "net.forward(X[idx]), Y[idx]"))
E(*G, "wrong", "shuffles X but takes Y's batch in the stored order (X and Y mismatched)",
  _TR.replace("Y[:, idx]", "Y[:, k * B:(k + 1) * B]"))

# =====================================================================================================
# 03 Exercise 1: momentum_descent(gradient, theta, lr, mu, steps) -> (path, v)
# =====================================================================================================
G = ("03", "momentum_descent")
E(*G, "correct", "preallocated path array filled row by row", '''
def momentum_descent(gradient, theta, lr, mu, steps):
    theta = np.array(theta, dtype=float)
    path = np.empty((steps + 1,) + theta.shape)
    path[0] = theta
    v = np.zeros_like(theta)
    for k in range(1, steps + 1):
        v = mu * v + gradient(path[k - 1])
        path[k] = path[k - 1] - lr * v
    return path, v
''')
E(*G, "correct", "own helper for the velocity, in-place on a private copy, appends copies", '''
def velocity(v, g, mu):
    return mu * v + g

def momentum_descent(gradient, theta, lr, mu, steps):
    th = np.asarray(theta, dtype=float).copy()
    v = np.zeros_like(th)
    path = [th.copy()]
    for _ in range(steps):
        v = velocity(v, gradient(th), mu)
        th -= lr * v
        path.append(th.copy())
    return np.array(path), v
''')
_MO = '''
def momentum_descent(gradient, theta, lr, mu, steps):
    theta = np.array(theta, dtype=float)
    v = np.zeros_like(theta)
    path = [theta]
    for k in range(steps):
        g = gradient(theta)
        v = mu * v + g
        theta = theta - lr * v
        path.append(theta)
    return np.array(path), v
'''
E(*G, "wrong", "in-place θ update appended each time: every row is the same (aliased) array", '''
def momentum_descent(gradient, theta, lr, mu, steps):
    theta = np.array(theta, dtype=float)
    v = np.zeros_like(theta)
    path = [theta]
    for k in range(steps):
        v = mu * v + gradient(theta)
        theta -= lr * v
        path.append(theta)
    return np.array(path), v
''')
E(*G, "wrong", "changes the caller's θ in place (no copy), though the rows are copies", '''
def momentum_descent(gradient, theta, lr, mu, steps):
    v = np.zeros_like(theta)
    path = [theta.copy()]
    for k in range(steps):
        v = mu * v + gradient(theta)
        theta -= lr * v
        path.append(theta.copy())
    return np.array(path), v
''')
E(*G, "wrong", "dampened velocity v ← μv + (1 − μ)g (Adam/EMA form)", _MO.replace("v = mu * v + g", "v = mu * v + (1 - mu) * g"))
E(*G, "wrong", "θ updated with the old v before v is updated (order swapped)",
  _MO.replace("        v = mu * v + g\n        theta = theta - lr * v\n",
              "        theta = theta - lr * v\n        v = mu * v + g\n"))
E(*G, "wrong", "CS231n form v ← μv − αg, θ ← θ + v: same path but returns −α·v as v",
  _MO.replace("v = mu * v + g", "v = mu * v - lr * g").replace("theta = theta - lr * v", "theta = theta + v"))
E(*G, "wrong", "path misses θ(0): steps rows", _MO.replace("path = [theta]", "path = []"))
E(*G, "wrong", "off-by-one: steps + 1 steps", _MO.replace("range(steps)", "range(steps + 1)"))
E(*G, "wrong", "returns (v, path): outputs in the wrong order", _MO.replace("return np.array(path), v", "return v, np.array(path)"))
E(*G, "wrong", "gradient at the look-ahead θ − αμv (Nesterov by accident)",
  _MO.replace("g = gradient(theta)", "g = gradient(theta - lr * mu * v)"))

# =====================================================================================================
# 03 Exercise 2: best_mu(descent, surface, lr, mus, steps)
# =====================================================================================================
G = ("03", "best_mu")
E(*G, "correct", "distances, non-finite ones set to inf, then argmin (first on a tie)", '''
def best_mu(descent, surface, lr, mus, steps):
    d = []
    for mu in mus:
        path, v = descent(surface.gradient, surface.start, lr, mu, steps)
        d.append(np.linalg.norm(path[-1] - surface.minima[0]))
    d = np.array(d, dtype=float)
    d[~np.isfinite(d)] = np.inf
    return mus[int(np.argmin(d))]
''')
E(*G, "correct", "explicit loop with a strict < and own distance helper", '''
def distance(p, q):
    return float(np.sqrt(np.sum((np.asarray(p) - np.asarray(q)) ** 2)))

def best_mu(descent, surface, lr, mus, steps):
    best, best_d = None, np.inf
    for mu in mus:
        path, _ = descent(surface.gradient, surface.start, lr, mu, steps)
        d = distance(path[-1], surface.minima[0])
        if d < best_d:
            best, best_d = mu, d
    return best
''')
_BM = '''
def best_mu(descent, surface, lr, mus, steps):
    d = []
    for mu in mus:
        path, v = descent(surface.gradient, surface.start, lr, mu, steps)
        d.append({dist})
    return {ret}
'''
_BMOK = dict(dist="np.linalg.norm(path[-1] - surface.minima[0])", ret="mus[int(np.argmin(d))]")


def _bm(**over):
    return _BM.format(**{**_BMOK, **over})


E(*G, "wrong", "returns the position (argmin) instead of the μ", _bm(ret="int(np.argmin(d))"))
E(*G, "wrong", "last μ on a tie (<= in the comparison)", '''
def best_mu(descent, surface, lr, mus, steps):
    best, best_d = None, np.inf
    for mu in mus:
        path, v = descent(surface.gradient, surface.start, lr, mu, steps)
        d = np.linalg.norm(path[-1] - surface.minima[0])
        if d <= best_d:
            best, best_d = mu, d
    return best
''')
E(*G, "wrong", "compares the cost J at the end instead of the distance to the minimum",
  _bm(dist="surface.J(*path[-1])"))
E(*G, "wrong", "argmax: returns the μ ending farthest", _bm(ret="mus[int(np.argmax(d))]"))
E(*G, "wrong", "takes [-1] of the (path, v) tuple: measures v, not θ(steps)", '''
def best_mu(descent, surface, lr, mus, steps):
    d = []
    for mu in mus:
        end = descent(surface.gradient, surface.start, lr, mu, steps)[-1]
        d.append(np.linalg.norm(end - surface.minima[0]))
    return mus[int(np.argmin(d))]
''')
E(*G, "wrong", "distance to all minima at once (surface.minima, not minima[0])",
  _bm(dist="np.linalg.norm(path[-1] - np.array(surface.minima))"))
E(*G, "wrong", "sums the distance along the whole path instead of the end point",
  _bm(dist="np.sum(np.linalg.norm(path - surface.minima[0], axis=1))"))
E(*G, "wrong", "compares only the first coordinate |θ0 − θ0*|", _bm(dist="abs(path[-1][0] - surface.minima[0][0])"))
E(*G, "wrong", "plain np.argmin on the raw distances (edge: a diverged μ giving nan would win)", _bm())

# =====================================================================================================
# 03 Exercise 3: adam_step(theta, g, v, s, t, lr, beta1, beta2, eps) -> (theta, v, s, t)
# =====================================================================================================
G = ("03", "adam_step")
E(*G, "correct", "own bias_correct helper", '''
def bias_correct(m, beta, t):
    return m / (1 - beta ** t)

def adam_step(theta, g, v, s, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    t = t + 1
    v = beta1 * v + (1 - beta1) * g
    s = beta2 * s + (1 - beta2) * g * g
    theta = theta - lr * bias_correct(v, beta1, t) / (np.sqrt(bias_correct(s, beta2, t)) + eps)
    return theta, v, s, t
''')
E(*G, "correct", "folded step size α√(1−β2^t)/(1−β1^t), ε rescaled to match", '''
def adam_step(theta, g, v, s, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    t += 1
    v = beta1 * v + (1 - beta1) * g
    s = beta2 * s + (1 - beta2) * np.square(g)
    c2 = np.sqrt(1 - beta2 ** t)
    step = lr * c2 / (1 - beta1 ** t)
    new_theta = theta - step * v / (np.sqrt(s) + eps * c2)
    return new_theta, v, s, t
''')
_AD = '''
def adam_step(theta, g, v, s, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    t = t + 1
    v = beta1 * v + (1 - beta1) * g
    s = beta2 * s + (1 - beta2) * g ** 2
    v_hat = v / (1 - beta1 ** t)
    s_hat = s / (1 - beta2 ** t)
    theta = theta - lr * v_hat / (np.sqrt(s_hat) + eps)
    return theta, v, s, t
'''
E(*G, "wrong", "returns the bias-corrected v̂, ŝ as the running moments", _AD.replace("return theta, v, s, t", "return theta, v_hat, s_hat, t"))
E(*G, "wrong", "t incremented after the bias correction (1 − β^0 = 0 at the first step)", '''
def adam_step(theta, g, v, s, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    v = beta1 * v + (1 - beta1) * g
    s = beta2 * s + (1 - beta2) * g ** 2
    v_hat = v / (1 - beta1 ** t)
    s_hat = s / (1 - beta2 ** t)
    theta = theta - lr * v_hat / (np.sqrt(s_hat) + eps)
    t = t + 1
    return theta, v, s, t
''')
E(*G, "wrong", "returns the old t (the incremented count is not passed on)", '''
def adam_step(theta, g, v, s, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    k = t + 1
    v = beta1 * v + (1 - beta1) * g
    s = beta2 * s + (1 - beta2) * g ** 2
    v_hat = v / (1 - beta1 ** k)
    s_hat = s / (1 - beta2 ** k)
    theta = theta - lr * v_hat / (np.sqrt(s_hat) + eps)
    return theta, v, s, t
''')
E(*G, "wrong", "ε inside the square root: √(ŝ + ε)", _AD.replace("(np.sqrt(s_hat) + eps)", "np.sqrt(s_hat + eps)"))
E(*G, "wrong", "s averages g, not g²", _AD.replace("(1 - beta2) * g ** 2", "(1 - beta2) * g"))
E(*G, "wrong", "no bias correction", _AD.replace("v_hat = v / (1 - beta1 ** t)", "v_hat = v").replace("s_hat = s / (1 - beta2 ** t)", "s_hat = s"))
E(*G, "wrong", "v without the (1 − β1) factor (momentum's sum: v ← β1 v + g)", _AD.replace("(1 - beta1) * g", "g"))
E(*G, "wrong", "updates the caller's θ in place (theta -= …)", _AD.replace("theta = theta - lr", "theta -= lr"))
E(*G, "wrong", "returns (θ, s, v, t): moments in the wrong order", _AD.replace("return theta, v, s, t", "return theta, s, v, t"))
E(*G, "wrong", "bias correction (1 − β)^t instead of 1 − β^t", _AD.replace("(1 - beta1 ** t)", "(1 - beta1) ** t").replace("(1 - beta2 ** t)", "(1 - beta2) ** t"))

# =====================================================================================================
# 03 Exercise 4: warmup_cosine(epoch, lr0, warmup, T)
# =====================================================================================================
G = ("03", "warmup_cosine")
E(*G, "correct", "if/elif chain", '''
def warmup_cosine(epoch, lr0, warmup, T):
    if epoch < warmup:
        return lr0 * (epoch + 1) / warmup
    elif epoch <= T:
        return 0.5 * lr0 * (1 + math.cos(math.pi * (epoch - warmup) / (T - warmup)))
    else:
        return 0.0
''')
E(*G, "correct", "min/max clamps and numpy, warm-up and cosine as helper functions", '''
def _ramp(epoch, warmup):
    return (epoch + 1) / warmup

def _half_cosine(progress):
    return 0.5 * (1 + np.cos(np.pi * progress))

def warmup_cosine(epoch, lr0, warmup, T):
    if epoch >= warmup:
        progress = min(max((epoch - warmup) / (T - warmup), 0.0), 1.0)
        return float(lr0 * _half_cosine(progress))
    return float(lr0 * _ramp(epoch, warmup))
''')
_WC = '''
def warmup_cosine(epoch, lr0, warmup, T):
    if epoch < warmup:
        return {warm}
    elif epoch <= T:
        return {cos}
    else:
        return {after}
'''
_WCOK = dict(warm="lr0 * (epoch + 1) / warmup", cos="0.5 * lr0 * (1 + math.cos(math.pi * (epoch - warmup) / (T - warmup)))",
             after="0.0")


def _wc(**over):
    return _WC.format(**{**_WCOK, **over})


E(*G, "wrong", "warm-up starts at 0: α0·epoch/warmup (off by one)", _wc(warm="lr0 * epoch / warmup"))
E(*G, "wrong", "warm-up divided by warmup + 1 (never reaches α0)", _wc(warm="lr0 * (epoch + 1) / (warmup + 1)"))
E(*G, "wrong", "cosine not shifted by the warm-up: cos(π·epoch/T)", _wc(cos="0.5 * lr0 * (1 + math.cos(math.pi * epoch / T))"))
E(*G, "wrong", "cosine length T instead of T − warmup", _wc(cos="0.5 * lr0 * (1 + math.cos(math.pi * (epoch - warmup) / T))"))
E(*G, "wrong", "missing the ½ of the half cosine (starts at 2α0)", _wc(cos="lr0 * (1 + math.cos(math.pi * (epoch - warmup) / (T - warmup)))"))
E(*G, "wrong", "no clamp after T: the cosine rises again", '''
def warmup_cosine(epoch, lr0, warmup, T):
    if epoch < warmup:
        return lr0 * (epoch + 1) / warmup
    return 0.5 * lr0 * (1 + math.cos(math.pi * (epoch - warmup) / (T - warmup)))
''')
E(*G, "wrong", "boundary: epoch == warmup still in the warm-up branch (α0·(w+1)/w)", '''
def warmup_cosine(epoch, lr0, warmup, T):
    if epoch <= warmup:
        return lr0 * (epoch + 1) / warmup
    elif epoch <= T:
        return 0.5 * lr0 * (1 + math.cos(math.pi * (epoch - warmup) / (T - warmup)))
    else:
        return 0.0
''')
E(*G, "wrong", "forgot π inside the cosine", _wc(cos="0.5 * lr0 * (1 + math.cos((epoch - warmup) / (T - warmup)))"))
E(*G, "wrong", "sign flip: ½α0(1 − cos) rises instead of falling", _wc(cos="0.5 * lr0 * (1 - math.cos(math.pi * (epoch - warmup) / (T - warmup)))"))

# =====================================================================================================
# 04 Exercise 1: nielsen_step(W, b, delta, a_prev, lam_nielsen, N, lr) -> (W, b)
# =====================================================================================================
G = ("04", "nielsen_step")
E(*G, "correct", "shrink-factor form (1 − αλ''/N) W − α δ aᵀ", '''
def nielsen_step(W, b, delta, a_prev, lam_nielsen, N, lr):
    shrink = 1 - lr * lam_nielsen / N
    W_new = shrink * W - lr * (delta @ a_prev.T)
    b_new = b - lr * delta.sum(axis=1, keepdims=True)
    return W_new, b_new
''')
E(*G, "correct", "einsum for the data gradient, bias sum reshaped like b", '''
def nielsen_step(W, b, delta, a_prev, lam_nielsen, N, lr):
    dW = np.einsum("ik,jk->ij", delta, a_prev) + (lam_nielsen / N) * W
    db = np.sum(delta, axis=1).reshape(b.shape)
    return W - lr * dW, b - lr * db
''')
_NS = '''
def nielsen_step(W, b, delta, a_prev, lam_nielsen, N, lr):
    dW = {dW}
    db = {db}
    return {ret}
'''
_NSOK = dict(dW="delta @ a_prev.T + lam_nielsen / N * W", db="delta.sum(axis=1, keepdims=True)", ret="W - lr * dW, b - lr * db")


def _ns(**over):
    return _NS.format(**{**_NSOK, **over})


E(*G, "wrong", "penalty gradient λ''/(2N)·W (the 2 of the square not cancelled)", _ns(dW="delta @ a_prev.T + lam_nielsen / (2 * N) * W"))
E(*G, "wrong", "batch size B instead of N in the penalty", _ns(dW="delta @ a_prev.T + lam_nielsen / delta.shape[1] * W"))
E(*G, "wrong", "penalizes the biases too", _ns(db="delta.sum(axis=1, keepdims=True) + lam_nielsen / N * b"))
E(*G, "wrong", "drops the 1/N: penalty gradient λ''·W", _ns(dW="delta @ a_prev.T + lam_nielsen * W"))
E(*G, "wrong", "extra 1/B on the data gradient", _ns(dW="delta @ a_prev.T / delta.shape[1] + lam_nielsen / N * W"))
E(*G, "wrong", "bias gradient as the mean over the batch", _ns(db="delta.mean(axis=1, keepdims=True)"))
E(*G, "wrong", "in-place update: returns the caller's own W and b, modified", '''
def nielsen_step(W, b, delta, a_prev, lam_nielsen, N, lr):
    W -= lr * (delta @ a_prev.T + lam_nielsen / N * W)
    b -= lr * delta.sum(axis=1, keepdims=True)
    return W, b
''')
E(*G, "wrong", "returns (b, W): outputs in the wrong order", _ns(ret="b - lr * db, W - lr * dW"))
E(*G, "wrong", "this series' habit: 2λ''/N·W", _ns(dW="delta @ a_prev.T + 2 * lam_nielsen / N * W"))
E(*G, "wrong", "bias gradient without keepdims: b comes back with shape (n_m, n_m)", _ns(db="delta.sum(axis=1)"))

# =====================================================================================================
# 04 Exercise 2: choose_lambda(lam_values, train, validation, test, layer_sizes, epochs)
# =====================================================================================================
G = ("04", "choose_lambda")
E(*G, "correct", "loop, list of validation data costs, argmin", '''
def choose_lambda(lam_values, train, validation, test, layer_sizes, epochs):
    scores = []
    for lam in lam_values:
        net = lab.classifier(layer_sizes, l2=lam, seed=0)
        lab.fit(net, *train, epochs=epochs)
        scores.append(net.data_cost(*validation))
    return lam_values[int(np.argmin(scores))]
''')
E(*G, "correct", "own helper val_cost(lam), dict of scores, min by key", '''
def choose_lambda(lam_values, train, validation, test, layer_sizes, epochs):
    X_tr, Y_tr = train
    X_va, Y_va = validation

    def val_cost(lam):
        net = lab.classifier(layer_sizes, l2=lam, seed=0)
        lab.fit(net, X_tr, Y_tr, epochs=epochs)
        return net.data_cost(X_va, Y_va)

    scores = {}
    for lam in lam_values:
        scores[lam] = val_cost(lam)
    return min(scores, key=scores.get)
''')
_CL = '''
def choose_lambda(lam_values, train, validation, test, layer_sizes, epochs):
    scores = []
    for lam in lam_values:
        net = lab.classifier({sizes}l2=lam, seed=0)
        lab.fit(net, *train{ep})
        scores.append({score})
    return {ret}
'''
_CLOK = dict(sizes="layer_sizes, ", ep=", epochs=epochs", score="net.data_cost(*validation)", ret="lam_values[int(np.argmin(scores))]")


def _cl(**over):
    return _CL.format(**{**_CLOK, **over})


E(*G, "wrong", "scores on the test set", _cl(score="net.data_cost(*test)"))
E(*G, "wrong", "scores on the training set", _cl(score="net.data_cost(*train)"))
E(*G, "wrong", "scores with net.cost (penalty included) instead of net.data_cost", _cl(score="net.cost(*validation)"))
E(*G, "wrong", "returns the position of the best λ, not its value", _cl(ret="int(np.argmin(scores))"))
E(*G, "wrong", "argmax: picks the highest validation cost", _cl(ret="lam_values[int(np.argmax(scores))]"))
E(*G, "wrong", "one network for all λ (not fresh): sets net.l2 and keeps training it", '''
def choose_lambda(lam_values, train, validation, test, layer_sizes, epochs):
    net = lab.classifier(layer_sizes, l2=lam_values[0], seed=0)
    scores = []
    for lam in lam_values:
        net.l2 = lam
        lab.fit(net, *train, epochs=epochs)
        scores.append(net.data_cost(*validation))
    return lam_values[int(np.argmin(scores))]
''')
E(*G, "wrong", "ignores layer_sizes (default classifier sizes)", _cl(sizes=""))
E(*G, "wrong", "ignores epochs (lab.fit's default number of epochs)", _cl(ep=""))
E(*G, "wrong", "scores by validation accuracy (argmax) instead of the data cost",
  _cl(score="np.mean(net.predict(validation[0]).argmax(0) == validation[1].argmax(0))",
      ret="lam_values[int(np.argmax(scores))]"))

# =====================================================================================================
# 04 Exercise 3: early_stop(val_costs, patience) -> (best_epoch, stop_epoch)
# =====================================================================================================
G = ("04", "early_stop")
E(*G, "correct", "wait counter reset on every strict improvement", '''
def early_stop(val_costs, patience):
    best_cost = float("inf")
    best_epoch = 0
    wait = 0
    for epoch, c in enumerate(val_costs, start=1):
        if c < best_cost:
            best_cost, best_epoch, wait = c, epoch, 0
        else:
            wait += 1
            if wait == patience:
                return best_epoch, epoch
    return best_epoch, len(val_costs)
''')
E(*G, "correct", "running minimum with numpy, first epoch where the gap reaches patience", '''
def early_stop(val_costs, patience):
    costs = np.asarray(val_costs, dtype=float)
    best = 0                                  # index of the best so far
    for i in range(1, len(costs)):
        if costs[i] < costs[best]:
            best = i
        if i - best >= patience:
            return best + 1, i + 1
    return best + 1, len(costs)
''')
_ES = '''
def early_stop(val_costs, patience):
    best_cost = float("inf")
    best_epoch = 0
    for epoch, c in enumerate(val_costs, start=1):
        if {better}:
            best_cost, best_epoch = c, epoch
        elif {stop}:
            return {ret_stop}
    return {ret_end}
'''
_ESOK = dict(better="c < best_cost", stop="epoch - best_epoch >= patience", ret_stop="best_epoch, epoch",
             ret_end="best_epoch, len(val_costs)")


def _es(**over):
    return _ES.format(**{**_ESOK, **over})


E(*G, "wrong", "0-based epochs (returns list indices)", '''
def early_stop(val_costs, patience):
    best_cost = float("inf")
    best_epoch = 0
    for i, c in enumerate(val_costs):
        if c < best_cost:
            best_cost, best_epoch = c, i
        elif i - best_epoch >= patience:
            return best_epoch, i
    return best_epoch, len(val_costs) - 1
''')
E(*G, "wrong", "a tie counts as better (<= instead of <)", _es(better="c <= best_cost"))
E(*G, "wrong", "stops one epoch late (> patience)", _es(stop="epoch - best_epoch > patience"))
E(*G, "wrong", "best epoch = the global minimum of all costs, even past the stop", '''
def early_stop(val_costs, patience):
    best = int(np.argmin(val_costs)) + 1
    best_cost = float("inf")
    best_epoch = 0
    for epoch, c in enumerate(val_costs, start=1):
        if c < best_cost:
            best_cost, best_epoch = c, epoch
        elif epoch - best_epoch >= patience:
            return best, epoch
    return best, len(val_costs)
''')
E(*G, "wrong", "stop = best + patience even when that is past the last epoch", _es(ret_end="best_epoch, best_epoch + patience"))
E(*G, "wrong", "counter never reset: counts every non-improving epoch since the start", '''
def early_stop(val_costs, patience):
    best_cost = float("inf")
    best_epoch = 0
    bad = 0
    for epoch, c in enumerate(val_costs, start=1):
        if c < best_cost:
            best_cost, best_epoch = c, epoch
        else:
            bad += 1
            if bad == patience:
                return best_epoch, epoch
    return best_epoch, len(val_costs)
''')
E(*G, "wrong", "returns (stop, best): outputs in the wrong order", _es(ret_stop="epoch, best_epoch", ret_end="len(val_costs), best_epoch"))
E(*G, "wrong", "compares with the previous epoch, not the best so far (stops after `patience` rises in a row)", '''
def early_stop(val_costs, patience):
    best_cost = float("inf")
    best_epoch = 0
    rises = 0
    prev = float("inf")
    for epoch, c in enumerate(val_costs, start=1):
        if c < best_cost:
            best_cost, best_epoch = c, epoch
        if c >= prev:
            rises += 1
            if rises == patience:
                return best_epoch, epoch
        else:
            rises = 0
        prev = c
    return best_epoch, len(val_costs)
''')
E(*G, "wrong", "keeps the last epoch's weights: returns (stop, stop)", _es(ret_stop="epoch, epoch", ret_end="len(val_costs), len(val_costs)"))
