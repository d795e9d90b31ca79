"""The training loop: forward → cost → backward → step → record.  Taught in notebooks 01–04.

``batch_size=None`` is full-batch gradient descent; ``batch_size=1`` is stochastic gradient
descent; anything between is mini-batch.  Each epoch visits every example once, in an order
shuffled from ``seed``.
"""
import numpy as np
from threadpoolctl import threadpool_limits

from . import validation


class History:
    """What happened, one entry per epoch (after that epoch's updates)."""

    def __init__(self):
        self.train_cost, self.test_cost = [], []
        self.train_accuracy, self.test_accuracy = [], []
        self.lr = []
        self.diverged = False        # the cost became non-finite or exploded; training stopped there
        self.stopped_early = False   # early stopping ended training
        self.best_epoch = None       # with early stopping: the epoch whose parameters were kept
        self.message = ""

    @property
    def epochs(self):
        return len(self.train_cost)

    def __repr__(self):
        return f"History(epochs={self.epochs}, diverged={self.diverged}, stopped_early={self.stopped_early})"


def accuracy(A, Y):
    """The fraction of columns where the largest output is the target's class."""
    return float(np.mean(A.argmax(axis=0) == Y.argmax(axis=0)))


def is_one_hot(Y):
    return Y.shape[0] > 1 and np.all((Y == 0) | (Y == 1)) and np.all(Y.sum(axis=0) == 1)


def evaluate(net, X, Y, classify=None):
    """(J, accuracy) on the whole set; accuracy is None unless Y is one-hot."""
    cache = net._forward(X)
    classify = is_one_hot(Y) if classify is None else classify
    return net._data_cost(cache, Y), (accuracy(cache.a[-1], Y) if classify else None)


def record(history, net, X, Y, X_test, Y_test, classify):
    with np.errstate(all="ignore"):
        J, acc = evaluate(net, X, Y, classify)
        history.train_cost.append(J)
        if acc is not None:
            history.train_accuracy.append(acc)
        if X_test is not None:
            J_test, acc_test = evaluate(net, X_test, Y_test, classify)
            history.test_cost.append(J_test)
            if acc_test is not None:
                history.test_accuracy.append(acc_test)


def batches(N, batch_size, rng):
    """Index slices covering a fresh shuffle of 0..N−1 (one slice for full batch)."""
    if batch_size is None or batch_size >= N:
        return None, [slice(0, N)]
    order = rng.permutation(N)
    return order, [slice(i, i + batch_size) for i in range(0, N, batch_size)]


def train(net, X, Y, optimizer, epochs, batch_size=None, X_test=None, Y_test=None, seed=None,
          schedule=None, early_stopping=None, callback=None, divergence_factor=10.0):
    """Train ``net`` in place for ``epochs`` passes over (X, Y); returns a History.

    early_stopping: patience p; stop when the test cost has not improved for p epochs and
        restore the parameters of the best epoch (needs X_test, Y_test).
    callback(epoch, history): called after every epoch; return True to stop.
    divergence_factor: the cost is taken as exploding above this × the cost before training.
    BLAS is held to one thread meanwhile: the lessons' matrices are small, and on a shared 2-core
    machine a second BLAS thread only waits for the first (it was up to 10× slower under load).
    """
    with threadpool_limits(limits=1, user_api="blas"):
        return _train(net, X, Y, optimizer, epochs, batch_size, X_test, Y_test, seed,
                      schedule, early_stopping, callback, divergence_factor)


def _train(net, X, Y, optimizer, epochs, batch_size, X_test, Y_test, seed,
           schedule, early_stopping, callback, divergence_factor):
    X = net.check_X(X)
    Y = net.check_Y(Y, X.shape[1])
    epochs = validation.positive_int(epochs, "epochs")
    if batch_size is not None:
        batch_size = validation.positive_int(batch_size, "batch_size")
    if (X_test is None) != (Y_test is None):
        raise ValueError("give both X_test and Y_test, or neither")
    if X_test is not None:
        X_test = net.check_X(X_test, "X_test")
        Y_test = net.check_Y(Y_test, X_test.shape[1], "Y_test")
    if early_stopping is not None:
        early_stopping = validation.positive_int(early_stopping, "early_stopping (patience)")
        if X_test is None:
            raise ValueError("early_stopping watches the test cost: give X_test and Y_test")
    if not hasattr(optimizer, "step"):
        raise TypeError(f"optimizer must have a step(params, grads) method; got {type(optimizer).__name__}")

    rng = np.random.default_rng(seed)
    classify = is_one_hot(Y) and (Y_test is None or is_one_hot(Y_test))
    history = History()
    params = net.params
    if hasattr(optimizer, "prepare"):                     # a lessonlib optimizer: check once, then
        optimizer.prepare(params)                         # skip the per-step checks
        step = optimizer._step
    else:
        step = optimizer.step
    with np.errstate(all="ignore"):
        J0 = evaluate(net, X, Y)[0]
    limit = divergence_factor * max(J0, 1e-2)
    best_cost, best_params = np.inf, None
    N = X.shape[1]
    for epoch in range(epochs):
        if schedule is not None:
            optimizer.lr = schedule(epoch)
        history.lr.append(optimizer.lr)
        order, slices = batches(N, batch_size, rng)
        # shuffled columns, stored column-contiguous (one copy), so each batch X[:, i:i+B] is a plain block
        Xs, Ys = (X, Y) if order is None else (X.T[order].T, Y.T[order].T)
        with np.errstate(all="ignore"):
            for s in slices:
                cache = net._forward(Xs[:, s])              # forward
                grads = net._backward(cache, Ys[:, s])      # backward
                step(params, [g for dWb in zip(grads.dW, grads.db) for g in dWb])   # step
        record(history, net, X, Y, X_test, Y_test, classify)   # record
        J, stop = history.train_cost[-1], False
        if not np.isfinite(J) or J > limit:
            history.diverged, stop = True, True
            history.message = (f"diverged at epoch {epoch + 1}: cost {J:.3g} (it started at {J0:.3g}); "
                               f"try a smaller learning rate than {optimizer.lr:g}")
        elif early_stopping is not None:
            if history.test_cost[-1] < best_cost:
                best_cost, history.best_epoch = history.test_cost[-1], epoch + 1
                best_params = [p.copy() for p in params]
            elif epoch + 1 - (history.best_epoch or 0) >= early_stopping:
                history.stopped_early, stop = True, True
                history.message = (f"stopped early at epoch {epoch + 1}: no better held-out (X_test) cost for "
                                   f"{early_stopping} epochs; kept epoch {history.best_epoch}")
        if callback is not None and callback(epoch + 1, history):   # sees every epoch, the last one too
            stop = True
        if stop:
            break
    if best_params is not None and not history.diverged:   # early stopping keeps the best epoch's θ,
        for p, best in zip(params, best_params):            # also when the epochs ran out first
            p[...] = best
    return history
