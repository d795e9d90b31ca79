"""The second blind catalogue of student answers for the exercise checks of notebooks 01-04 (issue 22), kept as a
regression set for tests/test_blind_answers_2.py.

Written by a second tester who had seen neither the checks' catalogues nor the first blind set, from the student
editions only, and frozen before any check ran (branch ``blind2``, commit 4c3bc35; scored in 4b72e5b).  Each
exercise: notebook, number, check, the cell that calls it, and entries (kind, label, source).  PREAMBLE is each
student edition's import cell as it was then; PRELUDE the earlier cells an exercise builds on.
"""

W, C = "wrong", "correct"
EXERCISES = []


def ex(nb, number, check, call, entries):
    EXERCISES.append(dict(nb=nb, number=number, check=check, call=call, entries=entries))


PREAMBLE = {
    "01": """import matplotlib.pyplot as plt
import numpy as np

from lessonlib import optimizers, plots, sections, surfaces
from lessonlib import descent_lab as lab
from lessonlib import descent_network as netlab
from lessonlib.dashboards import learning_rate_explorer, network_learning_rate
from lessonlib.exercises.descent import (check_gradient, check_learning_rate, check_max_stable_lr,
                                         check_minibatch_descent)
from lessonlib.text import show, show_source, show_table

plots.use_presentation_style()   # large fonts, color-blind-safe colors; all randomness below uses seed=
# if you run a cell out of order, this names the section that defines the missing variable:
sections.explain_missing({**dict.fromkeys(["x", "y", "surface", "theta_star"], "§1 A cost function is a landscape"),
                          **dict.fromkeys(["gradient", "grad"], "Exercise 1 (§1)"),
                          **dict.fromkeys(["alpha", "path", "thetas", "J_star"], "§2 One step of gradient descent"),
                          **dict.fromkeys(["explorer", "cases", "lim", "conditioned"], "§3 The learning rate α"),
                          **dict.fromkeys(["max_stable_lr", "my_predictions", "max_lr"], "Exercise 2 (§3)"),
                          **dict.fromkeys(["X_train", "Y_train", "first_run"], "§4 From a toy to a network"),
                          **dict.fromkeys(["tried", "my_learning_rate", "rate"], "Exercise 3 (§4)"),
                          **dict.fromkeys(["minibatch_descent", "descend"], "Exercise 4 (§5)"),
                          "paths": "§5 Epochs and batches"})""",
    "02": """import matplotlib.pyplot as plt
import numpy as np

from lessonlib import Network, optimizers, plots, sections, text, train
from lessonlib import backprop_lab as lab
from lessonlib.activations import sigmoid, sigmoid_prime
from lessonlib.dashboards.backprop import vanishing_gradients
from lessonlib.dashboards.diagram import network_diagram
from lessonlib.exercises.backprop import (check_backward, check_best_step, check_delta_softmax_ce,
                                          check_numerical_gradient, check_train_sgd)
from lessonlib.gradcheck import gradient_check
from lessonlib.training import accuracy
from threadpoolctl import threadpool_limits

threadpool_limits(limits=1, user_api="blas")   # small matrices: one BLAS thread is faster
plots.use_presentation_style()
X_train, X_test, Y_train, Y_test, test_pixels = lab.digits()   # 8×8 digits, standardized (§8)
sections.explain_missing(lab.NAMES_BY_SECTION)   # a cell run too early names the section to run first""",
    "03": """import numpy as np
import matplotlib.pyplot as plt

from lessonlib import plots, schedules, sections, surfaces, text
from lessonlib import optimizer_race as race
from lessonlib import optimizer_practice as practice
from lessonlib import optimizer_answers as answers
from lessonlib.data import load_study_hours
from lessonlib.descent_lab import conditioning, minibatch_descent   # notebook 01's
from lessonlib.optimizers import SGD, AdaGrad, RMSProp, Adam
from lessonlib.dashboards.optimizers import optimizer_race, optimizer_digits
from lessonlib.exercises.optimizers import (check_momentum_descent, check_best_mu, check_adam_step,
                                            check_warmup_cosine)

plots.use_presentation_style()   # large fonts, color-blind-safe colors
sections.explain_missing({**dict.fromkeys(["plain"], "§1 Where plain gradient descent struggles"),
                          **dict.fromkeys(["x", "y", "reg"], "§2 Mini-batch gradients"),
                          **dict.fromkeys(["ravine", "rosen", "momentum", "momentum_descent", "search", "best_mu",
                                           "found"], "§3 Momentum (and Exercises 1 and 2)"),
                          **dict.fromkeys(["adam", "adam_step"], "§4 AdaGrad, RMSProp and Adam (Exercise 3)"),
                          "race_board": "§5 The optimizer race", "cliff": "the optional section on gradient clipping",
                          **dict.fromkeys(["plans", "epochs", "sched", "warmup", "warmup_cosine"],
                                          "§6 Learning-rate schedules (and Exercise 4)"),
                          "regimes": "§7 Reading a training run"})
# no global seed: every random choice below takes an explicit seed= argument""",
    "04": """import matplotlib.pyplot as plt
import numpy as np

from lessonlib import overfitting_lab as lab
from lessonlib import optimizers, plots, regularization, remedies
from lessonlib import sections, text
from lessonlib.dashboards.overfitting import (l2_regularization,
                                              training_size)
from lessonlib.exercises.overfitting import (
    check_add_l2, check_adamw_step, check_cross_validate,
    check_dropout_backward, check_dropout_forward, check_early_stop,
    check_best_p_keep, check_mirror, check_nielsen_step)
from lessonlib.gradcheck import gradient_check

plots.use_presentation_style()   # large fonts, color-blind-safe colors
made_in = {"§1 Signal and noise": ["sets", "X", "Y", "X_pool", "Y_pool"],
           "§2 Held-out data": ["X_val", "Y_val", "net", "history", "bayes",
                                "held_out"],
           "§3 Remedy one: more data": ["sizes", "size_dash"],
           "§4 Remedy two: L2": ["l2_term", "net_l2", "draws", "lams",
                                 "l2_dash"],
           "§5 Choosing λ": ["lam_best", "best_net", "cv", "costs", "lam_cv"],
           "§6 Remedy three: early stopping": ["net_es", "stopped"],
           "§7 Other remedies": ["drop_fwd", "drop_bwd", "p_keep",
                                 "mirror_fn", "runs"],
           "§8 The test set": ["X_test", "Y_test", "finished"]}
sections.explain_missing({name: section for section, names in made_in.items()
                          for name in names})
# No global seed: every random draw below takes an explicit seed.""",
}

PRELUDE = {
    "01": """
def gradient(theta, x, y):
    g0 = g1 = 0.0
    n = len(x)
    for xi, yi in zip(x, y):
        r = theta[0] + theta[1] * xi - yi
        g0 += r
        g1 += r * xi
    return np.array([g0 / n, g1 / n])

grad = gradient
""",
    "02": """def descent_step(net, grads, lr):
    '''In place: W^m ← W^m − α ∂J/∂W^m, b^m ← b^m − α ∂J/∂b^m.'''
    for m in range(1, net.L + 1):
        net.W[m] -= lr * grads.dW[m]
        net.b[m] -= lr * grads.db[m]

def squared_norm(grads):
    '''||∇J||², the sum of every squared partial derivative.'''
    return sum(np.sum(dW ** 2) + np.sum(db ** 2)
               for dW, db in zip(grads.dW, grads.db))""",
    "03": """import math
""",
    "04": """""",
}


# ============================ 01 gradient descent ============================
ex("01", "1", "check_gradient", "checked = check_gradient(gradient)", [
 (W, "sum instead of mean: missing 1/N", """
def gradient(theta, x, y):
    r = theta[0] + theta[1] * x - y
    return np.array([r.sum(), (r * x).sum()])
"""),
 (W, "extra factor 2: the 2 of the square kept though the 1/2 cancels it", """
def gradient(theta, x, y):
    r = theta[0] + theta[1] * x - y
    return 2 * np.array([r.mean(), (r * x).mean()])
"""),
 (W, "extra 1/2: divided by 2N after differentiating", """
def gradient(theta, x, y):
    r = theta[0] + theta[1] * x - y
    return np.array([r.sum(), (r * x).sum()]) / (2 * len(x))
"""),
 (W, "sign error: residual y - yhat", """
def gradient(theta, x, y):
    r = y - (theta[0] + theta[1] * x)
    return np.array([np.mean(r), np.mean(r * x)])
"""),
 (W, "dJ/dtheta1 forgets the factor x (copies dJ/dtheta0)", """
def gradient(theta, x, y):
    r = theta[0] + theta[1] * x - y
    return np.array([r.mean(), r.mean()])
"""),
 (W, "dJ/dtheta1 with x squared", """
def gradient(theta, x, y):
    r = theta[0] + theta[1] * x - y
    return np.array([r.mean(), (r * x ** 2).mean()])
"""),
 (W, "components in the wrong order (theta1 first)", """
def gradient(theta, x, y):
    r = theta[0] + theta[1] * x - y
    return np.array([(r * x).mean(), r.mean()])
"""),
 (W, "intercept and slope swapped in the model (theta1 + theta0 x)", """
def gradient(theta, x, y):
    r = theta[1] + theta[0] * x - y
    return np.array([r.mean(), (r * x).mean()])
"""),
 (W, "returns a Python list, not a NumPy array", """
def gradient(theta, x, y):
    r = theta[0] + theta[1] * x - y
    return [float(np.mean(r)), float(np.mean(r * x))]
"""),
 (C, "explicit loop accumulating both partial sums", """
def gradient(theta, x, y):
    g0 = g1 = 0.0
    n = len(x)
    for xi, yi in zip(x, y):
        r = theta[0] + theta[1] * xi - yi
        g0 += r
        g1 += r * xi
    return np.array([g0 / n, g1 / n])
"""),
 (C, "design-matrix form X^T (X theta - y) / N", """
def gradient(theta, x, y):
    X = np.column_stack([np.ones_like(x, dtype=float), x])
    return X.T @ (X @ np.asarray(theta, dtype=float) - y) / x.shape[0]
"""),
])

ex("01", "2", "check_max_stable_lr", "checked = check_max_stable_lr(max_stable_lr)", [
 (W, "1/h_max (the zig-zag threshold) instead of 2/h_max", """
def max_stable_lr(x):
    H = np.array([[1, x.mean()], [x.mean(), (x ** 2).mean()]])
    return 1 / np.linalg.eigvalsh(H).max()
"""),
 (W, "smallest eigenvalue: 2/h_min", """
def max_stable_lr(x):
    H = np.array([[1, x.mean()], [x.mean(), (x ** 2).mean()]])
    return 2 / np.linalg.eigvalsh(H)[0]
"""),
 (W, "ignores the intercept: 2/mean(x^2)", """
def max_stable_lr(x):
    return 2 / np.mean(x ** 2)
"""),
 (W, "Hessian with sums instead of means (missing 1/N)", """
def max_stable_lr(x):
    H = np.array([[len(x), x.sum()], [x.sum(), (x ** 2).sum()]])
    return 2 / np.linalg.eigvalsh(H).max()
"""),
 (W, "square of the mean instead of mean of squares in H[1,1]", """
def max_stable_lr(x):
    H = np.array([[1, x.mean()], [x.mean(), x.mean() ** 2]])
    return 2 / np.linalg.eigvalsh(H).max()
"""),
 (W, "variance instead of mean of x^2 in H[1,1]", """
def max_stable_lr(x):
    H = np.array([[1, x.mean()], [x.mean(), x.var()]])
    return 2 / np.linalg.eigvalsh(H).max()
"""),
 (W, "trace instead of largest eigenvalue: 2/(1 + mean x^2)", """
def max_stable_lr(x):
    return 2 / (1 + np.mean(x * x))
"""),
 (W, "returns h_max itself, not the rate", """
def max_stable_lr(x):
    H = np.array([[1, x.mean()], [x.mean(), (x ** 2).mean()]])
    return np.linalg.eigvalsh(H).max()
"""),
 (C, "closed-form largest eigenvalue of the 2x2 Hessian", """
def max_stable_lr(x):
    a, b, c = 1.0, float(np.mean(x)), float(np.mean(x * x))
    h_max = (a + c) / 2 + np.sqrt(((a - c) / 2) ** 2 + b ** 2)
    return 2.0 / h_max
"""),
 (C, "H = X^T X / N from the design matrix, eigvals", """
def max_stable_lr(x):
    X = np.column_stack([np.ones(len(x)), x])
    H = X.T @ X / len(x)
    return float(2 / np.max(np.linalg.eigvals(H).real))
"""),
])

ex("01", "3", "check_learning_rate", "checked = check_learning_rate(my_learning_rate)", [
 (W, "too large: 30 (blows up)", "def my_learning_rate():\n    return 30.0\n"),
 (W, "too large: 2 (bounces)", "def my_learning_rate():\n    return 2.0\n"),
 (W, "too small: 0.03 (crawls)", "def my_learning_rate():\n    return 0.03\n"),
 (W, "too small: 0.3 (crawls, J about 0.8)", "def my_learning_rate():\n    return 0.3\n"),
 (W, "sign slip: negative rate", "def my_learning_rate():\n    return -1.0\n"),
 (W, "returns the list of rates tried", "def my_learning_rate():\n    return [0.03, 0.3, 1.0]\n"),
 (W, "returns a string", "def my_learning_rate():\n    return '1.0'\n"),
 (C, "0.8 as a numpy float computed from a power of ten", "def my_learning_rate():\n    return np.float64(10 ** -0.1)\n"),
 (C, "1 as an int", "def my_learning_rate():\n    return 1\n"),
])

ex("01", "4", "check_minibatch_descent", "checked = check_minibatch_descent(minibatch_descent)", [
 (W, "forgets to shuffle: consecutive slices of arange(N)", """
def minibatch_descent(theta, x, y, lr, batch_size, epochs, seed):
    rng = np.random.default_rng(seed)
    N = len(x); th = np.array(theta, dtype=float); path = [th]
    for epoch in range(epochs):
        order = np.arange(N)
        for s in range(0, N, batch_size):
            idx = order[s:s + batch_size]
            th = th - lr * grad(th, x[idx], y[idx]); path.append(th)
    return np.array(path)
"""),
 (W, "reseeds inside the epoch loop (same order every epoch)", """
def minibatch_descent(theta, x, y, lr, batch_size, epochs, seed):
    N = len(x); th = np.array(theta, dtype=float); path = [th]
    for epoch in range(epochs):
        rng = np.random.default_rng(seed)
        order = rng.permutation(N)
        for s in range(0, N, batch_size):
            idx = order[s:s + batch_size]
            th = th - lr * grad(th, x[idx], y[idx]); path.append(th)
    return np.array(path)
"""),
 (W, "one permutation drawn before the epoch loop, reused every epoch", """
def minibatch_descent(theta, x, y, lr, batch_size, epochs, seed):
    rng = np.random.default_rng(seed)
    N = len(x); th = np.array(theta, dtype=float); path = [th]
    order = rng.permutation(N)
    for epoch in range(epochs):
        for s in range(0, N, batch_size):
            idx = order[s:s + batch_size]
            th = th - lr * grad(th, x[idx], y[idx]); path.append(th)
    return np.array(path)
"""),
 (W, "path misses the initial theta", """
def minibatch_descent(theta, x, y, lr, batch_size, epochs, seed):
    rng = np.random.default_rng(seed)
    N = len(x); th = np.array(theta, dtype=float); path = []
    for epoch in range(epochs):
        order = rng.permutation(N)
        for s in range(0, N, batch_size):
            idx = order[s:s + batch_size]
            th = th - lr * grad(th, x[idx], y[idx]); path.append(th)
    return np.array(path)
"""),
 (W, "drops the last, shorter slice (N // B batches)", """
def minibatch_descent(theta, x, y, lr, batch_size, epochs, seed):
    rng = np.random.default_rng(seed)
    N = len(x); th = np.array(theta, dtype=float); path = [th]
    for epoch in range(epochs):
        order = rng.permutation(N)
        for k in range(N // batch_size):
            idx = order[k * batch_size:(k + 1) * batch_size]
            th = th - lr * grad(th, x[idx], y[idx]); path.append(th)
    return np.array(path)
"""),
 (W, "in-place update appended each time: aliasing, every row the same, caller's theta changed", """
def minibatch_descent(theta, x, y, lr, batch_size, epochs, seed):
    rng = np.random.default_rng(seed)
    N = len(x); path = [theta]
    for epoch in range(epochs):
        order = rng.permutation(N)
        for s in range(0, N, batch_size):
            idx = order[s:s + batch_size]
            theta -= lr * grad(theta, x[idx], y[idx]); path.append(theta)
    return np.array(path)
"""),
 (W, "global numpy RNG (np.random.seed + np.random.permutation) instead of default_rng", """
def minibatch_descent(theta, x, y, lr, batch_size, epochs, seed):
    np.random.seed(seed)
    N = len(x); th = np.array(theta, dtype=float); path = [th]
    for epoch in range(epochs):
        order = np.random.permutation(N)
        for s in range(0, N, batch_size):
            idx = order[s:s + batch_size]
            th = th - lr * grad(th, x[idx], y[idx]); path.append(th)
    return np.array(path)
"""),
 (W, "gradient on the whole data set, not the slice", """
def minibatch_descent(theta, x, y, lr, batch_size, epochs, seed):
    rng = np.random.default_rng(seed)
    N = len(x); th = np.array(theta, dtype=float); path = [th]
    for epoch in range(epochs):
        order = rng.permutation(N)
        for s in range(0, N, batch_size):
            th = th - lr * grad(th, x, y); path.append(th)
    return np.array(path)
"""),
 (W, "returns a list of arrays, not an array", """
def minibatch_descent(theta, x, y, lr, batch_size, epochs, seed):
    rng = np.random.default_rng(seed)
    N = len(x); th = np.array(theta, dtype=float); path = [th]
    for epoch in range(epochs):
        order = rng.permutation(N)
        for s in range(0, N, batch_size):
            idx = order[s:s + batch_size]
            th = th - lr * grad(th, x[idx], y[idx]); path.append(th)
    return path
"""),
 (C, "preallocated path, while-loop over slice starts", """
def minibatch_descent(theta, x, y, lr, batch_size, epochs, seed):
    N = x.shape[0]
    per_epoch = -(-N // batch_size)
    path = np.empty((1 + epochs * per_epoch, 2))
    path[0] = theta
    rng = np.random.default_rng(seed)
    k = 0
    for _ in range(epochs):
        order = rng.permutation(N)
        start = 0
        while start < N:
            batch = order[start:start + batch_size]
            path[k + 1] = path[k] - lr * grad(path[k].copy(), x[batch], y[batch])
            k += 1
            start += batch_size
    return path
"""),
 (C, "slices listed first, then one step each, vstack at the end", """
def minibatch_descent(theta, x, y, lr, batch_size, epochs, seed):
    rng = np.random.default_rng(seed)
    n = len(y)
    current = np.asarray(theta, dtype=float).copy()
    rows = [current.copy()]
    for _ in range(epochs):
        perm = rng.permutation(n)
        slices = [perm[i:i + batch_size] for i in range(0, n, batch_size)]
        for sl in slices:
            current = current - lr * np.asarray(grad(current, x[sl], y[sl]))
            rows.append(current)
    return np.vstack(rows)
"""),
])

# ============================ 02 backpropagation ============================
BACKWARD_OK = """
def backward(net, cache, Y, delta_L=None):
    L, W, a, z, f = net.L, net.W, cache.a, cache.z, net.f_of
    delta, dW, db = [None] * (L + 1), [None] * (L + 1), [None] * (L + 1)
    if delta_L is None:
        delta_L = f[L].f_prime(z[L]) * (a[L] - Y) / Y.shape[1]
    delta[L] = delta_L
    for m in range(L, 0, -1):
        dW[m] = delta[m] @ a[m - 1].T
        db[m] = delta[m].sum(axis=1, keepdims=True)
        if m > 1:
            delta[m - 1] = f[m - 1].f_prime(z[m - 1]) * (W[m].T @ delta[m])
    return dW, db
"""


def _bw(old, new, count=1):
    assert old in BACKWARD_OK, old
    return BACKWARD_OK.replace(old, new, count)


ex("02", "1", "check_backward", "backprop = check_backward(backward).use(backward)", [
 (W, "no 1/B in the squared error's delta^L", _bw("(a[L] - Y) / Y.shape[1]", "(a[L] - Y)")),
 (W, "sign error in delta^L: (y - a)", _bw("(a[L] - Y)", "(Y - a[L])")),
 (W, "db as a mean over the batch instead of a sum", _bw("delta[m].sum(axis=1, keepdims=True)", "delta[m].mean(axis=1, keepdims=True)")),
 (W, "dW transposed: a^{m-1} delta^T", _bw("delta[m] @ a[m - 1].T", "a[m - 1] @ delta[m].T")),
 (W, "equation (2) forgets f'(z^{m-1})", _bw("f[m - 1].f_prime(z[m - 1]) * (W[m].T @ delta[m])", "W[m].T @ delta[m]")),
 (W, "equation (2) with f'(z^m) of the wrong layer (output layer's z)", _bw("f[m - 1].f_prime(z[m - 1]) * (W[m].T @ delta[m])", "(W[m].T @ (f[m].f_prime(z[m]) * delta[m]))")),
 (W, "dW uses a^m instead of a^{m-1}", _bw("delta[m] @ a[m - 1].T", "delta[m] @ a[m].T")),
 (W, "ignores delta_L: always the squared error's", _bw("    if delta_L is None:\n", "    if True:\n")),
 (W, "db without keepdims: shape (n,) not (n, 1)", _bw("delta[m].sum(axis=1, keepdims=True)", "delta[m].sum(axis=1)")),
 (W, "in-place a^L -= Y changes the cache", _bw("delta_L = f[L].f_prime(z[L]) * (a[L] - Y) / Y.shape[1]", "err = a[L]\n        err -= Y\n        delta_L = f[L].f_prime(z[L]) * err / Y.shape[1]")),
 (C, "einsum and chain(), the activation's own f' ⊙ product", """
def backward(net, cache, Y, delta_L=None):
    L, W, a, z, f = net.L, net.W, cache.a, cache.z, net.f_of
    delta, dW, db = [None] * (L + 1), [None] * (L + 1), [None] * (L + 1)
    if delta_L is None:
        B = a[L].shape[1]
        delta_L = f[L].chain(z[L], (a[L] - Y) / B)
    delta[L] = delta_L
    for m in range(L, 0, -1):
        dW[m] = np.einsum('rb,cb->rc', delta[m], a[m - 1])
        db[m] = np.einsum('rb->r', delta[m])[:, None]
        if m > 1:
            delta[m - 1] = f[m - 1].chain(z[m - 1], np.einsum('rc,rb->cb', W[m], delta[m]))
    return dW, db
"""),
 (C, "sum of per-example outer products (explicit loop over the batch)", """
def backward(net, cache, Y, delta_L=None):
    L, W, a, z, f = net.L, net.W, cache.a, cache.z, net.f_of
    delta, dW, db = [None] * (L + 1), [None] * (L + 1), [None] * (L + 1)
    if delta_L is None:
        B = Y.shape[1]
        dJ_da = (a[L] - Y) / B
        delta_L = f[L].f_prime(z[L]) * dJ_da
    delta[L] = delta_L
    for m in range(L, 0, -1):
        d, ap = delta[m], a[m - 1]
        gW = np.zeros((d.shape[0], ap.shape[0]))
        gb = np.zeros((d.shape[0], 1))
        for i in range(d.shape[1]):
            gW += np.outer(d[:, i], ap[:, i])
            gb[:, 0] += d[:, i]
        dW[m], db[m] = gW, gb
        if m > 1:
            back = W[m].T @ d
            delta[m - 1] = f[m - 1].f_prime(z[m - 1]) * back
    return dW, db
"""),
])

ex("02", "2", "check_best_step", "find_step = check_best_step(best_step).use(best_step)", [
 (W, "one-sided quotient instead of central", """
def best_step(J_of, w, exact, steps):
    discrepancies = np.array([abs((J_of(w + h) - J_of(w)) / h - exact) for h in steps])
    best = steps[np.argmin(discrepancies)]
    return best, discrepancies
"""),
 (W, "central quotient missing the 2 in 2*Delta", """
def best_step(J_of, w, exact, steps):
    discrepancies = np.array([abs((J_of(w + h) - J_of(w - h)) / h - exact) for h in steps])
    best = steps[np.argmin(discrepancies)]
    return best, discrepancies
"""),
 (W, "returns the index of the best step, not the step", """
def best_step(J_of, w, exact, steps):
    discrepancies = np.array([abs((J_of(w + h) - J_of(w - h)) / (2 * h) - exact) for h in steps])
    best = np.argmin(discrepancies)
    return best, discrepancies
"""),
 (W, "signed difference, no absolute value", """
def best_step(J_of, w, exact, steps):
    discrepancies = np.array([(J_of(w + h) - J_of(w - h)) / (2 * h) - exact for h in steps])
    best = steps[np.argmin(discrepancies)]
    return best, discrepancies
"""),
 (W, "argmax instead of argmin", """
def best_step(J_of, w, exact, steps):
    discrepancies = np.array([abs((J_of(w + h) - J_of(w - h)) / (2 * h) - exact) for h in steps])
    best = steps[np.argmax(discrepancies)]
    return best, discrepancies
"""),
 (W, "discrepancies as a Python list", """
def best_step(J_of, w, exact, steps):
    discrepancies = [abs((J_of(w + h) - J_of(w - h)) / (2 * h) - exact) for h in steps]
    best = steps[int(np.argmin(discrepancies))]
    return best, discrepancies
"""),
 (W, "outputs in the wrong order", """
def best_step(J_of, w, exact, steps):
    discrepancies = np.array([abs((J_of(w + h) - J_of(w - h)) / (2 * h) - exact) for h in steps])
    best = steps[np.argmin(discrepancies)]
    return discrepancies, best
"""),
 (W, "relative discrepancy (divided by |exact|)", """
def best_step(J_of, w, exact, steps):
    discrepancies = np.array([abs((J_of(w + h) - J_of(w - h)) / (2 * h) - exact) / abs(exact) for h in steps])
    best = steps[np.argmin(discrepancies)]
    return best, discrepancies
"""),
 (C, "explicit loop with a running minimum", """
def best_step(J_of, w, exact, steps):
    out = []
    best, smallest = None, np.inf
    for delta in steps:
        quotient = (J_of(w + delta) - J_of(w - delta)) / (2.0 * delta)
        d = abs(quotient - exact)
        out.append(d)
        if d < smallest:
            best, smallest = delta, d
    return best, np.array(out)
"""),
 (C, "own helper central(), np.fromiter", """
def best_step(J_of, w, exact, steps):
    def central(h):
        return (J_of(w + h) - J_of(w - h)) / (2 * h)
    discrepancies = np.fromiter((np.abs(central(h) - exact) for h in steps), dtype=float)
    return steps[discrepancies.argmin()], discrepancies
"""),
])

NG_HEAD = "def numerical_gradient(cost, theta, step):\n    grad = np.zeros(theta.shape)\n    for j in np.ndindex(theta.shape):\n"
ex("02", "3", "check_numerical_gradient", "numgrad = check_numerical_gradient(numerical_gradient).use(numerical_gradient)", [
 (W, "one-sided quotient", NG_HEAD + """        old = theta[j]
        J0 = cost()
        theta[j] = old + step
        Jp = cost()
        theta[j] = old
        grad[j] = (Jp - J0) / step
    return grad
"""),
 (W, "central quotient divided by step, not 2*step", NG_HEAD + """        old = theta[j]
        theta[j] = old + step; Jp = cost()
        theta[j] = old - step; Jm = cost()
        theta[j] = old
        grad[j] = (Jp - Jm) / step
    return grad
"""),
 (W, "forgets to put theta[j] back", NG_HEAD + """        old = theta[j]
        theta[j] = old + step; Jp = cost()
        theta[j] = old - step; Jm = cost()
        grad[j] = (Jp - Jm) / (2 * step)
    return grad
"""),
 (W, "second evaluation back at theta, not theta - step (add then subtract step)", NG_HEAD + """        theta[j] += step
        Jp = cost()
        theta[j] -= step
        Jm = cost()
        grad[j] = (Jp - Jm) / (2 * step)
    return grad
"""),
 (W, "nudges a copy: cost() never sees the change", NG_HEAD + """        t = theta.copy()
        t[j] += step; Jp = cost()
        t[j] -= 2 * step; Jm = cost()
        grad[j] = (Jp - Jm) / (2 * step)
    return grad
"""),
 (W, "sign flipped: (J(-) - J(+))", NG_HEAD + """        old = theta[j]
        theta[j] = old + step; Jp = cost()
        theta[j] = old - step; Jm = cost()
        theta[j] = old
        grad[j] = (Jm - Jp) / (2 * step)
    return grad
"""),
 (W, "nudges the whole array at once instead of entry j", NG_HEAD + """        theta += step; Jp = cost()
        theta -= 2 * step; Jm = cost()
        theta += step
        grad[j] = (Jp - Jm) / (2 * step)
    return grad
"""),
 (C, "try/finally around the nudges, old value as a float", NG_HEAD + """        old = float(theta[j])
        try:
            theta[j] = old + step
            up = cost()
            theta[j] = old - step
            down = cost()
        finally:
            theta[j] = old
        grad[j] = (up - down) / (2 * step)
    return grad
"""),
 (C, "own helper J_at(value) that sets, evaluates and returns", NG_HEAD + """        original = theta[j].copy()
        def J_at(value):
            theta[j] = value
            return cost()
        grad[j] = (J_at(original + step) - J_at(original - step)) / (2 * step)
        theta[j] = original
    return grad
"""),
])

SM_HEAD = """def delta_softmax_ce(z, Y):
    e = np.exp(z - z.max(axis=0, keepdims=True))
    a = e / e.sum(axis=0, keepdims=True)
"""
ex("02", "4", "check_delta_softmax_ce", "delta_out = check_delta_softmax_ce(delta_softmax_ce).use(delta_softmax_ce)", [
 (W, "missing 1/B", SM_HEAD + "    return a - Y\n"),
 (W, "sign error: (Y - a)/B", SM_HEAD + "    return (Y - a) / z.shape[1]\n"),
 (W, "divides by len(Y): the number of classes, not B", SM_HEAD + "    return (a - Y) / len(Y)\n"),
 (W, "mean over the batch axis: a column, not shaped like z", SM_HEAD + "    return (a - Y).mean(axis=1, keepdims=True)\n"),
 (W, "keeps a sigmoid-style f' factor a(1-a)", SM_HEAD + "    return a * (1 - a) * (a - Y) / z.shape[1]\n"),
 (W, "returns dJ/da, not dJ/dz", SM_HEAD + "    return -Y / (z.shape[1] * a)\n"),
 (W, "uses z instead of a", SM_HEAD + "    return (z - Y) / z.shape[1]\n"),
 (W, "own softmax over the wrong axis (rows)", """def delta_softmax_ce(z, Y):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    a = e / e.sum(axis=1, keepdims=True)
    return (a - Y) / z.shape[1]
"""),
 (C, "own softmax via log-sum-exp, then (a - Y)/B", """def delta_softmax_ce(z, Y):
    def softmax(v):
        m = v.max(axis=0)
        lse = m + np.log(np.exp(v - m).sum(axis=0))
        return np.exp(v - lse)
    B = np.shape(z)[1]
    return (softmax(z) - Y) / B
"""),
 (C, "the long way: Jacobian product per column", SM_HEAD + """    B = z.shape[1]
    out = np.empty_like(a)
    for i in range(B):
        ai = a[:, i]
        J = np.diag(ai) - np.outer(ai, ai)
        dJ_da = -Y[:, i] / (B * ai)
        out[:, i] = J @ dJ_da
    return out
"""),
])


def _sgd(body):
    return "def train_sgd(net, X, Y, lr, epochs, batch_size, seed):\n" + body


TRAIN_OK = """    rng = np.random.default_rng(seed)
    N = X.shape[1]
    costs = []
    for epoch in range(epochs):
        order = rng.permutation(N)
        for start in range(0, N, batch_size):
            idx = order[start:start + batch_size]
            cache = net.forward(X[:, idx])
            grads = net.backward(cache, Y[:, idx])
            descent_step(net, grads, lr)
        costs.append(net.cost(X, Y))
    return costs
"""


def _tr(old, new):
    assert old in TRAIN_OK, old
    return _sgd(TRAIN_OK.replace(old, new, 1))


ex("02", "5", "check_train_sgd", "train_loop = check_train_sgd(train_sgd).use(train_sgd)", [
 (W, "no shuffle: batches in the original order", _tr("order = rng.permutation(N)", "order = np.arange(N)")),
 (W, "reseeds every epoch", _tr("order = rng.permutation(N)", "order = np.random.default_rng(seed).permutation(N)")),
 (W, "cost recorded at the start of each epoch, not after", _tr("        order = rng.permutation(N)\n", "        costs.append(net.cost(X, Y))\n        order = rng.permutation(N)\n").replace("        costs.append(net.cost(X, Y))\n    return", "    return")),
 (W, "cost of the last mini-batch instead of the whole X, Y", _tr("costs.append(net.cost(X, Y))", "costs.append(net.cost(X[:, idx], Y[:, idx]))")),
 (W, "drops the last, smaller batch", _tr("range(0, N, batch_size)", "range(0, N - batch_size + 1, batch_size)")),
 (W, "separate permutations for X and Y (labels no longer match)", _tr("cache = net.forward(X[:, idx])", "cache = net.forward(X[:, rng.permutation(N)[start:start + batch_size]])")),
 (W, "gradient ascent: W += lr dW", _tr("descent_step(net, grads, lr)", "descent_step(net, grads, -lr)")),
 (W, "cost appended after every batch", _tr("            descent_step(net, grads, lr)\n        costs.append(net.cost(X, Y))", "            descent_step(net, grads, lr)\n            costs.append(net.cost(X, Y))")),
 (W, "epochs off by one: range(1, epochs)", _tr("for epoch in range(epochs)", "for epoch in range(1, epochs)")),
 (C, "own in-place update over zipped parameter lists, while-loop over batches", _sgd("""    rng = np.random.default_rng(seed)
    history = []
    n = Y.shape[1]
    for _ in range(epochs):
        perm = rng.permutation(n)
        i = 0
        while i < n:
            batch = perm[i:i + batch_size]
            g = net.backward(net.forward(X[:, batch]), Y[:, batch])
            for m in range(1, net.L + 1):
                net.W[m] -= lr * g.dW[m]
                net.b[m] -= lr * g.db[m]
            i += batch_size
        history.append(float(net.cost(X, Y)))
    return history
""")),
 (C, "shuffled copies of X and Y each epoch, then consecutive slices", _sgd("""    rng = np.random.default_rng(seed)
    N = X.shape[1]
    costs = []
    for epoch in range(epochs):
        order = rng.permutation(N)
        Xs, Ys = X[:, order], Y[:, order]
        for k in range(-(-N // batch_size)):
            sl = slice(k * batch_size, (k + 1) * batch_size)
            descent_step(net, net.backward(net.forward(Xs[:, sl]), Ys[:, sl]), lr)
        costs.append(net.cost(X, Y))
    return costs
""")),
])

# ============================ 03 optimizers ============================
MOM_OK = """def momentum_descent(gradient, theta, lr, mu, steps):
    theta = np.array(theta, dtype=float)
    v = np.zeros_like(theta)
    path = [theta.copy()]
    for k in range(steps):
        g = gradient(theta)
        v = mu * v + g
        theta = theta - lr * v
        path.append(theta.copy())
    return np.array(path), v
"""


def _mo(old, new):
    assert old in MOM_OK, old
    return MOM_OK.replace(old, new, 1)


ex("03", "1", "check_momentum_descent", "momentum = check_momentum_descent(momentum_descent).use(momentum_descent)", [
 (W, "average form v = mu v + (1-mu) g (DLS's) with our alpha", _mo("v = mu * v + g", "v = mu * v + (1 - mu) * g")),
 (W, "sign error: theta + lr v", _mo("theta = theta - lr * v", "theta = theta + lr * v")),
 (W, "v in the v = mu v - lr g convention: the path right, the returned v not ours", _mo("        v = mu * v + g\n        theta = theta - lr * v", "        v = mu * v - lr * g\n        theta = theta + v")),
 (W, "in-place theta -= lr v, appended without copy (aliasing) and caller's theta changed", """def momentum_descent(gradient, theta, lr, mu, steps):
    v = np.zeros_like(theta, dtype=float)
    path = [theta]
    for k in range(steps):
        v = mu * v + gradient(theta)
        theta -= lr * v
        path.append(theta)
    return np.array(path), v
"""),
 (W, "step uses the old v (update theta before v)", _mo("        v = mu * v + g\n        theta = theta - lr * v", "        theta = theta - lr * v\n        v = mu * v + g")),
 (W, "path misses theta(0)", _mo("path = [theta.copy()]", "path = []")),
 (W, "one step too many: range(steps + 1)", _mo("range(steps)", "range(steps + 1)")),
 (W, "Nesterov look-ahead gradient", _mo("g = gradient(theta)", "g = gradient(theta - lr * mu * v)")),
 (W, "v starts at the first gradient instead of 0", _mo("v = np.zeros_like(theta)", "v = np.asarray(gradient(theta), dtype=float)")),
 (C, "preallocated path array, index loop", """def momentum_descent(gradient, theta, lr, mu, steps):
    start = np.asarray(theta, dtype=float)
    path = np.zeros((steps + 1,) + start.shape)
    path[0] = start
    velocity = np.zeros(start.shape)
    for k in range(1, steps + 1):
        velocity = mu * velocity + gradient(path[k - 1].copy())
        path[k] = path[k - 1] - lr * velocity
    return path, velocity
"""),
 (C, "unrolled sum v = sum mu^(k-j) g_j over stored gradients", """def momentum_descent(gradient, theta, lr, mu, steps):
    th = np.array(theta, dtype=float)
    grads, path = [], [th]
    v = np.zeros_like(th)
    for k in range(steps):
        grads.append(np.asarray(gradient(th.copy()), dtype=float))
        v = np.zeros_like(th)
        for j, g in enumerate(grads):
            v = v + mu ** (len(grads) - 1 - j) * g
        th = th - lr * v
        path.append(th)
    return np.array(path), v
"""),
])

ex("03", "2", "check_best_mu", "search = check_best_mu(best_mu).use(best_mu)", [
 (W, "argmax: the mu ending farthest", """def best_mu(descent, surface, lr, mus, steps):
    d = [np.linalg.norm(descent(surface.gradient, surface.start, lr, mu, steps)[0][-1] - surface.minima[0]) for mu in mus]
    return mus[int(np.argmax(d))]
"""),
 (W, "ranks by the cost J at the end instead of the distance to the minimum", """def best_mu(descent, surface, lr, mus, steps):
    d = [surface.J(*descent(surface.gradient, surface.start, lr, mu, steps)[0][-1]) for mu in mus]
    return mus[int(np.argmin(d))]
"""),
 (W, "measures from the path's first row, not its last", """def best_mu(descent, surface, lr, mus, steps):
    d = [np.linalg.norm(descent(surface.gradient, surface.start, lr, mu, steps)[0][0] - surface.minima[0]) for mu in mus]
    return mus[int(np.argmin(d))]
"""),
 (W, "returns the index, not the mu", """def best_mu(descent, surface, lr, mus, steps):
    d = [np.linalg.norm(descent(surface.gradient, surface.start, lr, mu, steps)[0][-1] - surface.minima[0]) for mu in mus]
    return int(np.argmin(d))
"""),
 (W, "last on a tie (<=)", """def best_mu(descent, surface, lr, mus, steps):
    best, best_d = None, np.inf
    for mu in mus:
        d = np.linalg.norm(descent(surface.gradient, surface.start, lr, mu, steps)[0][-1] - surface.minima[0])
        if d <= best_d:
            best, best_d = mu, d
    return best
"""),
 (W, "uses the returned v instead of the path", """def best_mu(descent, surface, lr, mus, steps):
    d = [np.linalg.norm(descent(surface.gradient, surface.start, lr, mu, steps)[1]) for mu in mus]
    return mus[int(np.argmin(d))]
"""),
 (W, "ignores lr: always searches at 0.03", """def best_mu(descent, surface, lr, mus, steps):
    d = [np.linalg.norm(descent(surface.gradient, surface.start, 0.03, mu, steps)[0][-1] - surface.minima[0]) for mu in mus]
    return mus[int(np.argmin(d))]
"""),
 (W, "distance to the start instead of to the minimum (picks the mu that moved least)", """def best_mu(descent, surface, lr, mus, steps):
    d = [np.linalg.norm(descent(surface.gradient, surface.start, lr, mu, steps)[0][-1] - surface.start) for mu in mus]
    return mus[int(np.argmin(d))]
"""),
 (C, "min with a key (first on a tie)", """def best_mu(descent, surface, lr, mus, steps):
    target = np.asarray(surface.minima[0], dtype=float)
    def miss(mu):
        path, _ = descent(surface.gradient, surface.start, lr, mu, steps)
        return float(np.sqrt(np.sum((np.asarray(path)[-1] - target) ** 2)))
    return min(mus, key=miss)
"""),
 (C, "explicit loop with strict <, squared distance", """def best_mu(descent, surface, lr, mus, steps):
    chosen, nearest = None, None
    for mu in mus:
        path, v = descent(surface.gradient, surface.start, lr, mu, steps)
        end = path[-1]
        d2 = sum((end[i] - surface.minima[0][i]) ** 2 for i in range(len(end)))
        if nearest is None or d2 < nearest:
            chosen, nearest = mu, d2
    return chosen
"""),
])

ADAM_OK = """def adam_step(theta, g, v, s, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    v = beta1 * v + (1 - beta1) * g
    s = beta2 * s + (1 - beta2) * g ** 2
    t = t + 1
    v_hat = v / (1 - beta1 ** t)
    s_hat = s / (1 - beta2 ** t)
    theta = theta - lr * v_hat / (np.sqrt(s_hat) + eps)
    return theta, v, s, t
"""


def _ad(old, new):
    assert old in ADAM_OK, old
    return ADAM_OK.replace(old, new, 1)


ex("03", "3", "check_adam_step", "adam = check_adam_step(adam_step).use(adam_step)", [
 (W, "no bias correction", _ad("lr * v_hat / (np.sqrt(s_hat) + eps)", "lr * v / (np.sqrt(s) + eps)")),
 (W, "eps inside the square root", _ad("(np.sqrt(s_hat) + eps)", "np.sqrt(s_hat + eps)")),
 (W, "bias correction with the old t (t incremented after)", _ad("    t = t + 1\n    v_hat = v / (1 - beta1 ** t)\n    s_hat = s / (1 - beta2 ** t)\n", "    v_hat = v / (1 - beta1 ** t)\n    s_hat = s / (1 - beta2 ** t)\n    t = t + 1\n")),
 (W, "corrects s but not v", _ad("lr * v_hat /", "lr * v /")),
 (W, "s from g, not g squared", _ad("(1 - beta2) * g ** 2", "(1 - beta2) * np.abs(g)")),
 (W, "betas swapped in the corrections", _ad("v_hat = v / (1 - beta1 ** t)\n    s_hat = s / (1 - beta2 ** t)", "v_hat = v / (1 - beta2 ** t)\n    s_hat = s / (1 - beta1 ** t)")),
 (W, "t not incremented in the returned tuple", _ad("    t = t + 1\n    v_hat = v / (1 - beta1 ** t)\n    s_hat = s / (1 - beta2 ** t)\n", "    v_hat = v / (1 - beta1 ** (t + 1))\n    s_hat = s / (1 - beta2 ** (t + 1))\n")),
 (W, "returns the bias-corrected moments instead of the running ones", _ad("return theta, v, s, t", "return theta, v_hat, s_hat, t")),
 (W, "in-place updates of the arrays passed in (theta, v, s)", """def adam_step(theta, g, v, s, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    v *= beta1; v += (1 - beta1) * g
    s *= beta2; s += (1 - beta2) * g * g
    t += 1
    theta -= lr * (v / (1 - beta1 ** t)) / (np.sqrt(s / (1 - beta2 ** t)) + eps)
    return theta, v, s, t
"""),
 (C, "element by element with np.ndindex, math.sqrt", """def adam_step(theta, g, v, s, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    import math
    t = t + 1
    new_theta = np.array(theta, dtype=float)
    new_v = np.array(v, dtype=float); new_s = np.array(s, dtype=float)
    for i in np.ndindex(np.shape(new_theta)):
        new_v[i] = beta1 * new_v[i] + (1 - beta1) * g[i]
        new_s[i] = beta2 * new_s[i] + (1 - beta2) * g[i] * g[i]
        vh = new_v[i] / (1 - beta1 ** t)
        sh = new_s[i] / (1 - beta2 ** t)
        new_theta[i] = new_theta[i] - lr * vh / (math.sqrt(sh) + eps)
    return new_theta, new_v, new_s, t
"""),
 (C, "own helper unbias(m, beta, t), counter first", """def adam_step(theta, g, v, s, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    def unbias(m, beta, k):
        return m / (1.0 - beta ** k)
    t += 1
    v_new = beta1 * v + (1.0 - beta1) * g
    s_new = beta2 * s + (1.0 - beta2) * np.square(g)
    step = unbias(v_new, beta1, t) / (np.sqrt(unbias(s_new, beta2, t)) + eps)
    return theta - lr * step, v_new, s_new, t
"""),
])

WC_OK = """def warmup_cosine(epoch, lr0, warmup, T):
    if epoch < warmup:
        return lr0 * (epoch + 1) / warmup
    if epoch <= T:
        return lr0 * 0.5 * (1 + math.cos(math.pi * (epoch - warmup) / (T - warmup)))
    return 0.0
"""


def _wc(old, new):
    assert old in WC_OK, old
    return WC_OK.replace(old, new, 1)


ex("03", "4", "check_warmup_cosine", "warmup = check_warmup_cosine(warmup_cosine).use(warmup_cosine)", [
 (W, "warm-up starts at 0: lr0 * epoch / warmup", _wc("lr0 * (epoch + 1) / warmup", "lr0 * epoch / warmup")),
 (W, "warm-up over warmup+1 steps: lr0 (epoch+1)/(warmup+1)", _wc("lr0 * (epoch + 1) / warmup", "lr0 * (epoch + 1) / (warmup + 1)")),
 (W, "cosine period T instead of T - warmup", _wc("(epoch - warmup) / (T - warmup)", "(epoch - warmup) / T")),
 (W, "cosine not shifted by the warm-up: cos(pi epoch / T)", _wc("(epoch - warmup) / (T - warmup)", "epoch / T")),
 (W, "no clamp after T: the cosine rises again", _wc("    if epoch <= T:\n", "    if True:\n")),
 (W, "missing the 1/2(1 + cos): lr0 cos(...)", _wc("lr0 * 0.5 * (1 + math.cos(math.pi * (epoch - warmup) / (T - warmup)))", "lr0 * math.cos(math.pi / 2 * (epoch - warmup) / (T - warmup))")),
 (W, "off by one at the boundary: epoch == warmup still in the warm-up", _wc("if epoch < warmup:", "if epoch <= warmup:")),
 (W, "linear decay instead of cosine", _wc("lr0 * 0.5 * (1 + math.cos(math.pi * (epoch - warmup) / (T - warmup)))", "lr0 * (T - epoch) / (T - warmup)")),
 (C, "progress clipped to [0, 1] with numpy", """def warmup_cosine(epoch, lr0, warmup, T):
    if epoch < warmup:
        return lr0 * (epoch + 1.0) / warmup
    progress = float(np.clip((epoch - warmup) / (T - warmup), 0.0, 1.0))
    return float(lr0 * (np.cos(np.pi * progress) + 1.0) / 2.0)
"""),
 (C, "cos^2 half-angle form, after-T branch first", """def warmup_cosine(epoch, lr0, warmup, T):
    if epoch >= T:
        return 0.0
    if epoch >= warmup:
        return lr0 * math.cos(0.5 * math.pi * (epoch - warmup) / (T - warmup)) ** 2
    return (epoch + 1) * (lr0 / warmup)
"""),
])

# ============================ 04 regularization ============================
ex("04", "1", "check_add_l2", "l2_term = check_add_l2(add_l2).use(add_l2)", [
 (W, "gradient lam W: the 2 of the square forgotten", "def add_l2(W, b, dW, db, lam):\n    return lam * np.sum(W ** 2), dW + lam * W, db\n"),
 (W, "penalty with a 1/2 (CS231n's)", "def add_l2(W, b, dW, db, lam):\n    return 0.5 * lam * np.sum(W ** 2), dW + 2 * lam * W, db\n"),
 (W, "penalizes the bias too", "def add_l2(W, b, dW, db, lam):\n    return lam * np.sum(W ** 2), dW + 2 * lam * W, db + 2 * lam * b\n"),
 (W, "penalty without lam", "def add_l2(W, b, dW, db, lam):\n    return np.sum(W ** 2), dW + 2 * lam * W, db\n"),
 (W, "penalty lam ||W|| (not squared)", "def add_l2(W, b, dW, db, lam):\n    return lam * np.linalg.norm(W), dW + 2 * lam * W, db\n"),
 (W, "in-place dW += 2 lam W changes the caller's dW", "def add_l2(W, b, dW, db, lam):\n    dW += 2 * lam * W\n    return lam * np.sum(W * W), dW, db\n"),
 (W, "outputs in the wrong order", "def add_l2(W, b, dW, db, lam):\n    return dW + 2 * lam * W, db, lam * np.sum(W ** 2)\n"),
 (W, "sign error: dW - 2 lam W", "def add_l2(W, b, dW, db, lam):\n    return lam * np.sum(W ** 2), dW - 2 * lam * W, db\n"),
 (W, "penalty includes the bias squares", "def add_l2(W, b, dW, db, lam):\n    return lam * (np.sum(W ** 2) + np.sum(b ** 2)), dW + 2 * lam * W, db\n"),
 (C, "einsum for the sum of squares, db copied", """def add_l2(W, b, dW, db, lam):
    omega = np.einsum('ij,ij->', W, W)
    grad_W = dW + lam * (W + W)
    return float(lam * omega), grad_W, db.copy()
"""),
 (C, "explicit double loop", """def add_l2(W, b, dW, db, lam):
    total = 0.0
    out = np.array(dW, dtype=float)
    for r in range(W.shape[0]):
        for c in range(W.shape[1]):
            total += W[r, c] ** 2
            out[r, c] += 2 * lam * W[r, c]
    return lam * total, out, db
"""),
])

AW_OK = """def adamw_step(W, g, v, s, t, lr, lam, beta1=0.9, beta2=0.999, eps=1e-8):
    W = W * (1 - 2 * lr * lam)
    v = beta1 * v + (1 - beta1) * g
    s = beta2 * s + (1 - beta2) * g * g
    v_hat = v / (1 - beta1 ** t)
    s_hat = s / (1 - beta2 ** t)
    return W - lr * v_hat / (np.sqrt(s_hat) + eps), v, s
"""


def _aw(old, new):
    assert old in AW_OK, old
    return AW_OK.replace(old, new, 1)


ex("04", "2", "check_adamw_step", "step_w = check_adamw_step(adamw_step).use(adamw_step)", [
 (W, "L2 in the gradient (Adam + L2), not decoupled", _aw("    W = W * (1 - 2 * lr * lam)\n    v = beta1 * v + (1 - beta1) * g\n    s = beta2 * s + (1 - beta2) * g * g", "    g = g + 2 * lam * W\n    v = beta1 * v + (1 - beta1) * g\n    s = beta2 * s + (1 - beta2) * g * g")),
 (W, "decay lam instead of 2 lam", _aw("(1 - 2 * lr * lam)", "(1 - lr * lam)")),
 (W, "decay without the learning rate", _aw("(1 - 2 * lr * lam)", "(1 - 2 * lam)")),
 (W, "decay applied after the Adam step", _aw("    W = W * (1 - 2 * lr * lam)\n", "").replace("return W - lr * v_hat / (np.sqrt(s_hat) + eps), v, s", "return (W - lr * v_hat / (np.sqrt(s_hat) + eps)) * (1 - 2 * lr * lam), v, s")),
 (W, "no bias correction", _aw("v_hat = v / (1 - beta1 ** t)\n    s_hat = s / (1 - beta2 ** t)", "v_hat, s_hat = v, s")),
 (W, "t + 1 in the corrections though t already counts this step", _aw("v_hat = v / (1 - beta1 ** t)\n    s_hat = s / (1 - beta2 ** t)", "v_hat = v / (1 - beta1 ** (t + 1))\n    s_hat = s / (1 - beta2 ** (t + 1))")),
 (W, "returns (W, s, v): moments swapped", _aw("return W - lr * v_hat / (np.sqrt(s_hat) + eps), v, s", "return W - lr * v_hat / (np.sqrt(s_hat) + eps), s, v")),
 (W, "eps inside the square root", _aw("(np.sqrt(s_hat) + eps)", "np.sqrt(s_hat + eps)")),
 (W, "decay sign: W (1 + 2 lr lam)", _aw("(1 - 2 * lr * lam)", "(1 + 2 * lr * lam)")),
 (C, "decay folded into the step: W - lr (adam + 2 lam W)", """def adamw_step(W, g, v, s, t, lr, lam, beta1=0.9, beta2=0.999, eps=1e-8):
    v_new = beta1 * v + (1 - beta1) * g
    s_new = beta2 * s + (1 - beta2) * np.square(g)
    direction = (v_new / (1 - beta1 ** t)) / (np.sqrt(s_new / (1 - beta2 ** t)) + eps)
    return W - lr * (direction + 2 * lam * W), v_new, s_new
"""),
 (C, "own helpers for the moments; decay as W - 2 lr lam W", """def adamw_step(W, g, v, s, t, lr, lam, beta1=0.9, beta2=0.999, eps=1e-8):
    def ema(old, new, beta):
        return beta * old + (1 - beta) * new
    v, s = ema(v, g, beta1), ema(s, g ** 2, beta2)
    decayed = W - 2 * lr * lam * W
    adam_move = lr * (v / (1 - beta1 ** t)) / (np.sqrt(s / (1 - beta2 ** t)) + eps)
    return decayed - adam_move, v, s
"""),
])

CV_OK = """def cross_validate(lam_values, X, Y, K, train):
    N = X.shape[1]
    folds = np.array_split(np.arange(N), K)
    costs = np.zeros((K, len(lam_values)))
    for r in range(K):
        held = folds[r]
        rest = np.concatenate([folds[q] for q in range(K) if q != r])
        nets = train(lam_values, X[:, rest], Y[:, rest])
        for c, net in enumerate(nets):
            costs[r, c] = net.data_cost(X[:, held], Y[:, held])
    lam_cv = lam_values[int(np.argmin(costs.mean(axis=0)))]
    return costs, lam_cv
"""


def _cv(old, new):
    assert old in CV_OK, old
    return CV_OK.replace(old, new, 1)


ex("04", "3", "check_cross_validate", "cv = check_cross_validate(cross_validate).use(cross_validate)", [
 (W, "scores by the penalized cost J-hat (net.cost) instead of J", _cv("net.data_cost(", "net.cost(")),
 (W, "scores on the training folds instead of the held-out fold", _cv("net.data_cost(X[:, held], Y[:, held])", "net.data_cost(X[:, rest], Y[:, rest])")),
 (W, "argmax of the mean cost", _cv("np.argmin(costs.mean(axis=0))", "np.argmax(costs.mean(axis=0))")),
 (W, "chooses the best single fold entry, not the best average", _cv("lam_values[int(np.argmin(costs.mean(axis=0)))]", "lam_values[int(np.unravel_index(np.argmin(costs), costs.shape)[1])]")),
 (W, "costs transposed: (lambdas, folds)", _cv("    return costs, lam_cv", "    return costs.T, lam_cv")),
 (W, "trains on all the data, the held-out fold included", _cv("train(lam_values, X[:, rest], Y[:, rest])", "train(lam_values, X, Y)")),
 (W, "mean over the wrong axis (over lambdas), chooses by fold", _cv("costs.mean(axis=0)", "costs.mean(axis=1)")),
 (W, "shuffles before splitting (np.random.permutation)", _cv("folds = np.array_split(np.arange(N), K)", "folds = np.array_split(np.random.permutation(N), K)")),
 (W, "returns the index of the chosen lambda", _cv("lam_cv = lam_values[int(np.argmin(costs.mean(axis=0)))]", "lam_cv = int(np.argmin(costs.mean(axis=0)))")),
 (C, "boolean mask for the held-out fold; sum instead of mean to choose", """def cross_validate(lam_values, X, Y, K, train):
    N = X.shape[1]
    table = []
    for idx in np.array_split(np.arange(N), K):
        out = np.zeros(N, dtype=bool); out[idx] = True
        nets = train(lam_values, X[:, ~out], Y[:, ~out])
        table.append([nets[c].data_cost(X[:, out], Y[:, out]) for c in range(len(lam_values))])
    costs = np.array(table)
    totals = costs.sum(axis=0)
    return costs, lam_values[list(totals).index(min(totals))]
"""),
 (C, "np.delete for the training columns, lambdas by index", """def cross_validate(lam_values, X, Y, K, train):
    folds = np.array_split(np.arange(X.shape[1]), K)
    costs = np.empty((K, len(lam_values)))
    for r, fold in enumerate(folds):
        nets = train(lam_values, np.delete(X, fold, axis=1), np.delete(Y, fold, axis=1))
        costs[r] = [n.data_cost(X[:, fold], Y[:, fold]) for n in nets]
    means = costs.mean(axis=0)
    best = 0
    for c in range(1, len(lam_values)):
        if means[c] < means[best]:
            best = c
    return costs, lam_values[best]
"""),
])

ES_OK = """def early_stop(val_costs, patience):
    best, best_epoch = np.inf, 0
    for epoch, c in enumerate(val_costs, start=1):
        if c < best:
            best, best_epoch = c, epoch
        elif epoch - best_epoch >= patience:
            return best_epoch, epoch
    return best_epoch, len(val_costs)
"""


def _es(old, new):
    assert old in ES_OK, old
    return ES_OK.replace(old, new, 1)


ex("04", "4", "check_early_stop", "stop_rule = check_early_stop(early_stop).use(early_stop)", [
 (W, "epochs counted from 0", _es("enumerate(val_costs, start=1)", "enumerate(val_costs)").replace("len(val_costs)", "len(val_costs) - 1")),
 (W, "a tie counts as better (<=)", _es("if c < best:", "if c <= best:")),
 (W, "stops one epoch late (> patience)", _es("epoch - best_epoch >= patience", "epoch - best_epoch > patience")),
 (W, "counter of bad epochs never reset on improvement", """def early_stop(val_costs, patience):
    best, best_epoch, bad = np.inf, 0, 0
    for epoch, c in enumerate(val_costs, start=1):
        if c < best:
            best, best_epoch = c, epoch
        else:
            bad += 1
            if bad >= patience:
                return best_epoch, epoch
    return best_epoch, len(val_costs)
"""),
 (W, "returns None as stop epoch when patience never runs out", _es("return best_epoch, len(val_costs)", "return best_epoch, None")),
 (W, "best epoch from the whole list (looks past the stop)", """def early_stop(val_costs, patience):
    best_epoch = int(np.argmin(val_costs)) + 1
    best = np.inf; b = 0
    for epoch, c in enumerate(val_costs, start=1):
        if c < best:
            best, b = c, epoch
        elif epoch - b >= patience:
            return best_epoch, epoch
    return best_epoch, len(val_costs)
"""),
 (W, "outputs swapped (stop, best)", _es("return best_epoch, epoch", "return epoch, best_epoch").replace("return best_epoch, len(val_costs)", "return len(val_costs), best_epoch")),
 (W, "compares with the previous epoch's cost, not the best so far", """def early_stop(val_costs, patience):
    prev, best_epoch, bad = np.inf, 0, 0
    best = np.inf
    for epoch, c in enumerate(val_costs, start=1):
        if c < best:
            best, best_epoch = c, epoch
        if c < prev:
            bad = 0
        else:
            bad += 1
            if bad >= patience:
                return best_epoch, epoch
        prev = c
    return best_epoch, len(val_costs)
"""),
 (C, "index loop with a wait counter reset on improvement", """def early_stop(val_costs, patience):
    best_i, wait = 0, 0
    for i in range(1, len(val_costs)):
        if val_costs[i] < val_costs[best_i]:
            best_i, wait = i, 0
        else:
            wait += 1
            if wait == patience:
                return best_i + 1, i + 1
    return best_i + 1, len(val_costs)
"""),
 (C, "running minimum with np.minimum.accumulate", """def early_stop(val_costs, patience):
    c = np.asarray(val_costs, dtype=float)
    run_min = np.minimum.accumulate(c)
    improved = np.r_[True, run_min[1:] < run_min[:-1]]
    last_best = 0
    for i in range(len(c)):
        if improved[i]:
            last_best = i
        elif i - last_best >= patience:
            return last_best + 1, i + 1
    return last_best + 1, len(c)
"""),
])

ex("04", "5f", "check_dropout_forward", "drop_fwd = check_dropout_forward(dropout_forward).use(dropout_forward)", [
 (W, "no scaling: mask of 0 and 1 (not inverted)", "def dropout_forward(a, p_keep, rng):\n    mask = (rng.random(a.shape) < p_keep).astype(float)\n    return a * mask, mask\n"),
 (W, "scales by p_keep instead of 1/p_keep", "def dropout_forward(a, p_keep, rng):\n    mask = (rng.random(a.shape) < p_keep) * p_keep\n    return a * mask, mask\n"),
 (W, "keeps where u > p_keep (keeps with 1 - p_keep)", "def dropout_forward(a, p_keep, rng):\n    mask = (rng.random(a.shape) > p_keep) / p_keep\n    return a * mask, mask\n"),
 (W, "global np.random instead of the rng given", "def dropout_forward(a, p_keep, rng):\n    mask = (np.random.random(a.shape) < p_keep) / p_keep\n    return a * mask, mask\n"),
 (W, "returns the 0/1 keep mask though out is scaled", "def dropout_forward(a, p_keep, rng):\n    keep = rng.random(a.shape) < p_keep\n    return a * keep / p_keep, keep\n"),
 (W, "scales by 1/(1 - p_keep) (drop probability confusion)", "def dropout_forward(a, p_keep, rng):\n    mask = (rng.random(a.shape) < p_keep) / (1 - p_keep)\n    return a * mask, mask\n"),
 (W, "one draw per unit (shape (n, 1)) shared by all examples", "def dropout_forward(a, p_keep, rng):\n    mask = (rng.random((a.shape[0], 1)) < p_keep) / p_keep * np.ones_like(a)\n    return a * mask, mask\n"),
 (W, "outputs swapped (mask, out)", "def dropout_forward(a, p_keep, rng):\n    mask = (rng.random(a.shape) < p_keep) / p_keep\n    return mask, a * mask\n"),
 (W, "in place: a *= mask (changes the caller's activations)", "def dropout_forward(a, p_keep, rng):\n    mask = (rng.random(a.shape) < p_keep) / p_keep\n    a *= mask\n    return a, mask\n"),
 (C, "np.where on the draw", "def dropout_forward(a, p_keep, rng):\n    u = rng.random(a.shape)\n    mask = np.where(u < p_keep, 1.0 / p_keep, 0.0)\n    return mask * a, mask\n"),
 (C, "boolean keep, then multiply and divide separately", "def dropout_forward(a, p_keep, rng):\n    keep = rng.random(size=a.shape) < p_keep\n    out = np.zeros_like(a, dtype=float)\n    out[keep] = a[keep] / p_keep\n    mask = keep.astype(float) / p_keep\n    return out, mask\n"),
])

ex("04", "5b", "check_dropout_backward", "drop_bwd = check_dropout_backward(dropout_backward).use(dropout_backward)", [
 (W, "divides by the mask instead of multiplying", "def dropout_backward(d_out, mask):\n    with np.errstate(divide='ignore', invalid='ignore'):\n        return d_out / mask\n"),
 (W, "passes the 0/1 pattern only, loses the 1/p_keep scale", "def dropout_backward(d_out, mask):\n    return d_out * (mask > 0)\n"),
 (W, "returns d_out unchanged", "def dropout_backward(d_out, mask):\n    return d_out\n"),
 (W, "in place: d_out *= mask (changes the caller's array)", "def dropout_backward(d_out, mask):\n    d_out *= mask\n    return d_out\n"),
 (W, "returns the mask instead of the gradient", "def dropout_backward(d_out, mask):\n    return mask\n"),
 (W, "scaled twice: d_out * mask * mask", "def dropout_backward(d_out, mask):\n    return d_out * mask * mask\n"),
 (C, "np.multiply into a fresh array", "def dropout_backward(d_out, mask):\n    out = np.empty(np.broadcast(d_out, mask).shape)\n    np.multiply(d_out, mask, out=out)\n    return out\n"),
 (C, "np.where on kept units", "def dropout_backward(d_out, mask):\n    return np.where(mask != 0, d_out * mask, 0.0)\n"),
])

ex("04", "6", "check_best_p_keep", "search_p = check_best_p_keep(best_p_keep).use(best_p_keep)", [
 (W, "scores by accuracy (largest) instead of validation J", """def best_p_keep(train, p_values, X_val, Y_val):
    accs = np.array([np.mean(train(p).predict(X_val).argmax(0) == Y_val.argmax(0)) for p in p_values])
    return accs, p_values[int(np.argmax(accs))]
"""),
 (W, "argmax of the costs", """def best_p_keep(train, p_values, X_val, Y_val):
    costs = np.array([train(p).data_cost(X_val, Y_val) for p in p_values])
    return costs, p_values[int(np.argmax(costs))]
"""),
 (W, "returns the index, not p", """def best_p_keep(train, p_values, X_val, Y_val):
    costs = np.array([train(p).data_cost(X_val, Y_val) for p in p_values])
    return costs, int(np.argmin(costs))
"""),
 (W, "costs as a Python list", """def best_p_keep(train, p_values, X_val, Y_val):
    costs = [train(p).data_cost(X_val, Y_val) for p in p_values]
    return costs, p_values[costs.index(min(costs))]
"""),
 (W, "last on a tie (<=)", """def best_p_keep(train, p_values, X_val, Y_val):
    costs, keep, low = [], None, np.inf
    for p in p_values:
        c = train(p).data_cost(X_val, Y_val)
        costs.append(c)
        if c <= low:
            keep, low = p, c
    return np.array(costs), keep
"""),
 (W, "outputs swapped", """def best_p_keep(train, p_values, X_val, Y_val):
    costs = np.array([train(p).data_cost(X_val, Y_val) for p in p_values])
    return p_values[int(np.argmin(costs))], costs
"""),
 (W, "trains once, with the first p, and scores that network for every p", """def best_p_keep(train, p_values, X_val, Y_val):
    net = train(p_values[0])
    costs = np.array([net.data_cost(X_val, Y_val) for p in p_values])
    return costs, p_values[int(np.argmin(costs))]
"""),
 (C, "loop with a running minimum (strict <)", """def best_p_keep(train, p_values, X_val, Y_val):
    costs = np.empty(len(p_values))
    kept = None
    for i, p in enumerate(p_values):
        costs[i] = train(p).data_cost(X_val, Y_val)
        if kept is None or costs[i] < costs[kept]:
            kept = i
    return costs, p_values[kept]
"""),
 (C, "min over zipped pairs", """def best_p_keep(train, p_values, X_val, Y_val):
    scored = [(float(train(p).data_cost(X_val, Y_val)), i, p) for i, p in enumerate(p_values)]
    J, _, p_best = min(scored, key=lambda t: (t[0], t[1]))
    return np.array([t[0] for t in scored]), p_best
"""),
])

ex("04", "7", "check_mirror", "mirror_fn = check_mirror(mirror).use(mirror)", [
 (W, "forgets to relabel", "def mirror(X, Y):\n    return np.array([1 - X[0], 0.5 - X[1]]), Y.copy()\n"),
 (W, "reflection across the x1 axis only", "def mirror(X, Y):\n    return np.array([X[0], -X[1]]), Y[::-1].copy()\n"),
 (W, "point reflection through (1, 0.5) instead of the midpoint", "def mirror(X, Y):\n    return np.array([2 - X[0], 1 - X[1]]), Y[::-1].copy()\n"),
 (W, "translation by (1, 0.5) instead of a point reflection", "def mirror(X, Y):\n    return X + np.array([[1.0], [0.5]]), Y[::-1].copy()\n"),
 (W, "swaps the coordinates x1 and x2 (rows)", "def mirror(X, Y):\n    return X[::-1].copy(), Y[::-1].copy()\n"),
 (W, "reflection across the vertical line x1 = 0.5 only", "def mirror(X, Y):\n    return np.array([1 - X[0], X[1]]), Y[::-1].copy()\n"),
 (W, "in place: overwrites X and Y", "def mirror(X, Y):\n    X[0] = 1 - X[0]\n    X[1] = 0.5 - X[1]\n    Y[:] = Y[::-1].copy()\n    return X, Y\n"),
 (W, "relabels by swapping columns (examples) instead of rows (classes)", "def mirror(X, Y):\n    return np.array([1 - X[0], 0.5 - X[1]]), Y[:, ::-1].copy()\n"),
 (C, "2c - X with the centre c = (0.5, 0.25); labels 1 - Y", "def mirror(X, Y):\n    c = np.array([[0.5], [0.25]])\n    return 2 * c - X, 1 - Y\n"),
 (C, "column by column loop, labels by flipud", """def mirror(X, Y):
    Xm = np.empty_like(X, dtype=float)
    for i in range(X.shape[1]):
        Xm[0, i] = 1.0 - X[0, i]
        Xm[1, i] = 0.5 - X[1, i]
    return Xm, np.flipud(Y).copy()
"""),
])

ex("04", "8", "check_nielsen_step", "step_n = check_nielsen_step(nielsen_step).use(nielsen_step)", [
 (W, "batch size B instead of N", "def nielsen_step(W, b, delta, a_prev, lam_nielsen, N, lr):\n    B = delta.shape[1]\n    dW = delta @ a_prev.T + lam_nielsen / B * W\n    return W - lr * dW, b - lr * delta.sum(axis=1, keepdims=True)\n"),
 (W, "lam/(2N) W: the 2 not cancelled", "def nielsen_step(W, b, delta, a_prev, lam_nielsen, N, lr):\n    dW = delta @ a_prev.T + lam_nielsen / (2 * N) * W\n    return W - lr * dW, b - lr * delta.sum(axis=1, keepdims=True)\n"),
 (W, "2 lam / N W: doubled", "def nielsen_step(W, b, delta, a_prev, lam_nielsen, N, lr):\n    dW = delta @ a_prev.T + 2 * lam_nielsen / N * W\n    return W - lr * dW, b - lr * delta.sum(axis=1, keepdims=True)\n"),
 (W, "penalizes the bias too", "def nielsen_step(W, b, delta, a_prev, lam_nielsen, N, lr):\n    dW = delta @ a_prev.T + lam_nielsen / N * W\n    db = delta.sum(axis=1, keepdims=True) + lam_nielsen / N * b\n    return W - lr * dW, b - lr * db\n"),
 (W, "db as a mean over the batch", "def nielsen_step(W, b, delta, a_prev, lam_nielsen, N, lr):\n    dW = delta @ a_prev.T + lam_nielsen / N * W\n    return W - lr * dW, b - lr * delta.mean(axis=1, keepdims=True)\n"),
 (W, "extra 1/B on the data gradient (delta already holds it)", "def nielsen_step(W, b, delta, a_prev, lam_nielsen, N, lr):\n    B = delta.shape[1]\n    dW = delta @ a_prev.T / B + lam_nielsen / N * W\n    return W - lr * dW, b - lr * delta.sum(axis=1, keepdims=True) / B\n"),
 (W, "in place: W -= lr dW (changes the caller's W)", "def nielsen_step(W, b, delta, a_prev, lam_nielsen, N, lr):\n    W -= lr * (delta @ a_prev.T + lam_nielsen / N * W)\n    b = b - lr * delta.sum(axis=1, keepdims=True)\n    return W, b\n"),
 (W, "weight decay without the learning rate: W (1 - lam/N)", "def nielsen_step(W, b, delta, a_prev, lam_nielsen, N, lr):\n    W_new = (1 - lam_nielsen / N) * W - lr * (delta @ a_prev.T)\n    return W_new, b - lr * delta.sum(axis=1, keepdims=True)\n"),
 (W, "dW transposed: a_prev delta^T", "def nielsen_step(W, b, delta, a_prev, lam_nielsen, N, lr):\n    dW = a_prev @ delta.T + lam_nielsen / N * W\n    return W - lr * dW, b - lr * delta.sum(axis=1, keepdims=True)\n"),
 (C, "Nielsen's weight-decay form (1 - lr lam/N) W - lr dJ/dW, einsum", """def nielsen_step(W, b, delta, a_prev, lam_nielsen, N, lr):
    data_grad = np.einsum('ib,jb->ij', delta, a_prev)
    W_new = (1 - lr * lam_nielsen / N) * W - lr * data_grad
    b_new = b - lr * np.einsum('ib->i', delta).reshape(b.shape)
    return W_new, b_new
"""),
 (C, "explicit loop over examples summing outer products", """def nielsen_step(W, b, delta, a_prev, lam_nielsen, N, lr):
    gW = np.zeros_like(W, dtype=float)
    gb = np.zeros_like(b, dtype=float)
    for i in range(delta.shape[1]):
        gW += np.outer(delta[:, i], a_prev[:, i])
        gb += delta[:, i:i + 1]
    gW += (lam_nielsen / N) * W
    return W - lr * gW, b - lr * gb
"""),
])
