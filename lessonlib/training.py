"""The training loop: forward → cost → backward → step → record.  Taught in notebooks 01–04.

``batch_size=None`` is full-batch gradient descent; ``batch_size=1`` is stochastic gradient
descent; anything between is mini-batch.  Each epoch visits every example once, in an order
shuffled from ``seed``.  Every argument is checked before the first update, so a refused call
leaves the network and the optimizer as they were.  When training ends, ``history.message`` says
why (the epochs ran out, early stopping, a callback, divergence) and, when training failed
(diverged, or ended at chance level / without progress), the likely cause.
"""
import math
from itertools import chain

import numpy as np
from threadpoolctl import ThreadpoolController

from . import validation
from .network import Network
from .optimizers import SGD, Optimizer


class StopTraining(Exception):
    """Raise this in a callback to end training after the current epoch (``str(err)`` goes in the message)."""


class _Stop:
    def __repr__(self):
        return "lessonlib.training.STOP"


STOP = _Stop()   # a callback returns STOP to end training after the current epoch


class History:
    """What happened, one entry per epoch (after that epoch's updates)."""

    def __init__(self):
        self.train_cost, self.val_cost, self.test_cost = [], [], []
        self.train_accuracy, self.val_accuracy, self.test_accuracy = [], [], []
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
    return Y.shape[0] > 1 and bool(np.all((Y == 0) | (Y == 1))) and bool(np.all(Y.sum(axis=0) == 1))


def evaluate(net, X, Y, classify=None):
    """(J, accuracy) on the whole set; accuracy is None unless Y is one-hot."""
    cache = net._forward(X)
    classify = is_one_hot(Y) if classify is None else classify
    return net._data_cost(cache, Y), (accuracy(cache.a[-1], Y) if classify else None)


class Evaluation:
    """One data set, recorded after every epoch: J, and the accuracy when its targets are one-hot."""

    def __init__(self, net, X, Y, costs, accuracies):
        self.net, self.X, self.Y, self.costs, self.accuracies = net, X, Y, costs, accuracies
        self.labels = Y.argmax(axis=0) if is_one_hot(Y) else None      # classified on its own
        self.cache = None           # the last forward pass over X

    def record(self):
        cache = self.cache = self.net._forward(self.X)
        self.costs.append(self.net._data_cost(cache, self.Y))
        if self.labels is not None:
            self.accuracies.append(np.count_nonzero(cache._a[-1].argmax(axis=0) == self.labels) / self.labels.size)


def batches(N, batch_size, rng):
    """Index slices covering a fresh shuffle of 0..N−1 (one slice for full batch)."""
    if batch_size is None or batch_size >= N:
        return None, [slice(0, N)]
    order = rng.permutation(N)
    return order, [slice(i, i + batch_size) for i in range(0, N, batch_size)]


_blas = None


def one_blas_thread():
    """BLAS held to one thread (the controller is built once: building it takes milliseconds)."""
    global _blas
    if _blas is None:
        _blas = ThreadpoolController()
    return _blas.limit(limits=1, user_api="blas")


def train(net, X, Y, optimizer, epochs, batch_size=None, X_test=None, Y_test=None, seed=None,
          schedule=None, early_stopping=None, callback=None, divergence_factor=10.0, X_val=None, Y_val=None):
    """Train ``net`` in place for ``epochs`` passes over (X, Y); returns a History.

    X_val, Y_val: a validation set, recorded in ``history.val_cost`` / ``val_accuracy``: the held-out
        set you choose with (epochs, λ, α). X_test, Y_test: the test set, recorded in ``test_cost``,
        ``test_accuracy``, for the final, unbiased score.
    X, Y (and the held-out sets): real arrays in the column convention; other dtypes (ints, float32)
        are converted to float64 copies, and training is float64 throughout.  NaN/inf are refused.
    optimizer: an instance, e.g. ``SGD(lr=0.1)``; its state belongs to this network's arrays.
    schedule(k) → α for epoch k = 0, 1, …: called for every epoch before the first update, so a
        bad value is refused before anything changes.
    early_stopping: patience p; stop when the validation cost (X_val; without one, the X_test cost)
        has not improved for p epochs.
        Whatever ends the run (the epochs, early stopping, divergence, a callback, an exception),
        the parameters of the best epoch are restored and ``history.message`` says so.
    callback(epoch, history): called after every epoch (1, 2, …); return None to go on, or
        ``STOP`` (``lessonlib.training.STOP``) to stop, or raise ``StopTraining``.  Any other return
        value is a TypeError (a stray ``True``/``False`` is not taken as a stop signal).
    divergence_factor: the cost counts as exploding above this × the cost before training (> 1;
        ``np.inf`` to only stop on NaN/inf).
    An exception raised during training (a callback, a schedule) keeps the finished epochs' updates
    and carries the History so far as ``err.history`` (and a note saying so).
    BLAS is held to one thread meanwhile: the lessons' matrices are small, and on a shared 2-core
    machine a second BLAS thread only waits for the first (it was up to 10× slower under load).
    """
    run = Run(net, X, Y, optimizer, epochs, batch_size, X_test, Y_test, seed, schedule, early_stopping,
              callback, divergence_factor, X_val, Y_val)        # every check, before any update
    with one_blas_thread():
        return run()


class Run:
    """One call of ``train``: its checked arguments, then the loop."""

    def __init__(self, net, X, Y, optimizer, epochs, batch_size, X_test, Y_test, seed, schedule,
                 early_stopping, callback, divergence_factor, X_val=None, Y_val=None):
        validation.instance(net, "net", "Network([64, 32, 10], ...)")
        if not isinstance(net, Network):
            raise TypeError(f"net must be a lessonlib Network; got {validation.describe(net)}")
        self.net = net
        self.X = net.check_X(X)
        self.Y = net.check_Y(Y, self.X.shape[1])
        self.optimizer = validation.instance(optimizer, "optimizer", "SGD(lr=0.1)")
        if not callable(getattr(optimizer, "step", None)) or not hasattr(optimizer, "lr"):
            raise TypeError(f"optimizer must be an optimizer such as SGD(lr=0.1), with lr and step(params, grads); "
                            f"got {validation.describe(optimizer)}")
        self.epochs = validation.positive_int(epochs, "epochs")
        self.batch_size = None if batch_size is None else validation.positive_int(batch_size, "batch_size")
        if (X_test is None) != (Y_test is None):
            raise ValueError("give both X_test and Y_test, or neither")
        self.X_test = None if X_test is None else net.check_X(X_test, "X_test")
        self.Y_test = None if Y_test is None else net.check_Y(Y_test, self.X_test.shape[1], "Y_test")
        if (X_val is None) != (Y_val is None):
            raise ValueError("give both X_val and Y_val, or neither")
        self.X_val = None if X_val is None else net.check_X(X_val, "X_val")
        self.Y_val = None if Y_val is None else net.check_Y(Y_val, self.X_val.shape[1], "Y_val")
        self.watched = "validation" if X_val is not None else "test (X_test)"
        self.seed = validation.seed(seed)
        self.patience = None
        if early_stopping is not None:
            self.patience = validation.positive_int(early_stopping, "early_stopping (patience)")
            if X_val is None and X_test is None:
                raise ValueError("early_stopping watches a held-out cost: give a validation set X_val, Y_val")
        self.callback = validation.function(callback, "callback", "callback(epoch, history)",
                                            "lambda epoch, history: None", args=(1, History()))
        self.schedule = validation.function(schedule, "schedule", "schedule(k) → α",
                                            "schedules.step_decay(0.1)", args=(0,))
        self.lrs = None if schedule is None else [validation.positive(schedule(k), f"schedule({k}) (α for epoch {k})")
                                                  for k in range(self.epochs)]
        factor = validation.real(divergence_factor, "divergence_factor") if divergence_factor != math.inf else math.inf
        if not factor > 1:
            raise ValueError(f"divergence_factor must be > 1 (or np.inf); got {divergence_factor}")
        self.factor = factor
        for m, (W, b) in enumerate(zip(net.weights, net.biases), start=1):
            validation.finite(W, f"net.weights[{m - 1}] (W^{m})", " before training")
            validation.finite(b, f"net.biases[{m - 1}] (b^{m})", " before training")
        self.params = net.params
        self.best_cost, self.best_params, self.labels, self.J0 = math.inf, None, None, None
        if isinstance(optimizer, Optimizer) and type(optimizer).step is Optimizer.step:
            optimizer.prepare(self.params)          # the arrays were checked by the network: update directly
            self.step = optimizer._step
        else:                                       # another optimizer, or one with its own step
            self.step = lambda params, grads: optimizer.step(params, list(grads))

    def __call__(self):
        history = self.history = History()
        try:
            self.loop(history)
        except StopTraining as stop:
            history.message = history.message or f"stopped at epoch {history.epochs} by the callback ({stop or 'StopTraining'})"
        except BaseException as err:
            kept = self.restore_best()
            try:
                err.history = history
                err.add_note(f"lessonlib.train: {history.epochs} epoch(s) finished before this error; the network "
                             f"holds their updates{kept}; the History so far is err.history")
            except (AttributeError, TypeError):
                pass
            raise
        kept = self.restore_best()
        history.message = history.message + kept if history.message else kept[2:]
        if not history.diverged:
            history.message = " ".join(filter(None, [history.message, failure_message(self, history)]))
        return history

    def loop(self, history):
        net, X, Y, params, step, optimizer = self.net, self.X, self.Y, self.params, self.step, self.optimizer
        rng, N = np.random.default_rng(self.seed), X.shape[1]
        sets = [Evaluation(net, X, Y, history.train_cost, history.train_accuracy)]
        self.labels = sets[0].labels
        if self.X_val is not None:
            sets.append(Evaluation(net, self.X_val, self.Y_val, history.val_cost, history.val_accuracy))
        if self.X_test is not None:
            sets.append(Evaluation(net, self.X_test, self.Y_test, history.test_cost, history.test_accuracy))
        with np.errstate(all="ignore"):
            sets[0].cache = net._forward(X)
            self.J0 = J0 = net._data_cost(sets[0].cache, Y)
        limit = self.factor * max(J0, 1e-2)
        # full batch: the step's forward pass is the one the last record made (θ has not moved since),
        # unless a callback ran in between (it may change θ)
        reuse = (self.batch_size is None or self.batch_size >= N) and self.callback is None
        for epoch in range(1, self.epochs + 1):
            if self.lrs is not None:
                optimizer.lr = self.lrs[epoch - 1]
            history.lr.append(optimizer.lr)
            order, slices = batches(N, self.batch_size, rng)
            # shuffled columns, stored column-contiguous (one copy), so each batch X[:, i:i+B] is a plain block
            Xs, Ys = (X, Y) if order is None else (X.T[order].T, Y.T[order].T)
            with np.errstate(all="ignore"):
                for s in slices:
                    cache = sets[0].cache if reuse else net._forward(Xs[:, s])     # forward
                    grads = net._backward(cache, Ys[:, s])            # cost gradient (backward)
                    step(params, pairs(zip(grads._dW, grads._db)))    # step
                for dataset in sets:                                  # record
                    dataset.record()
            J = history.train_cost[-1]
            if not math.isfinite(J) or J > limit:
                history.diverged = True
                history.message = (f"diverged at epoch {epoch}: the training cost reached {J:.3g} (it started at "
                                   f"{J0:.3g}). Likely cause: {divergence_cause(self, history)}")
            elif self.patience is not None and self.watch_held_out(history, epoch):
                history.stopped_early = True
                history.message = (f"stopped early at epoch {epoch}: no better {self.watched} cost for "
                                   f"{self.patience} epochs")
            if self.callback is not None:                             # sees every epoch, the last one too
                signal = self.callback(epoch, history)
                if signal is STOP and not history.message:
                    history.message = f"stopped at epoch {epoch} by the callback"
                elif signal is not None and signal is not STOP:
                    raise TypeError(f"callback must return None to go on or lessonlib.training.STOP to stop "
                                    f"(or raise StopTraining); it returned {validation.describe(signal)} "
                                    f"after epoch {epoch}")
                if signal is STOP:
                    break
            if history.diverged or history.stopped_early:
                break

    def watch_held_out(self, history, epoch):
        """Early stopping: keep the best epoch's θ; True once p epochs have passed without a better one."""
        watched = history.val_cost if self.X_val is not None else history.test_cost
        if watched[-1] < self.best_cost:
            self.best_cost, history.best_epoch = watched[-1], epoch
            if self.best_params is None:
                self.best_params = [p.copy() for p in self.params]
            else:
                for p, best in zip(self.params, self.best_params):
                    best[...] = p
            return False
        return epoch - history.best_epoch >= self.patience

    def restore_best(self):
        """Put back the best epoch's parameters (early stopping); the words that say so, or ""."""
        best = self.history.best_epoch
        if self.best_params is None:
            return ""
        if best == self.history.epochs:
            return f"; kept epoch {best}, the last one (the best held-out cost, {self.best_cost:.3g})"
        for p, saved in zip(self.params, self.best_params):
            p[...] = saved
        return f"; kept epoch {best} (the best held-out cost, {self.best_cost:.3g}): its parameters are restored"


pairs = chain.from_iterable   # (dW^1, db^1), …, (dW^L, db^L) → dW^1, db^1, …: net.params' order, no list built


# ---- why training failed: measured, so the message names the likely cause, never a guess ----------
def divergence_cause(run, history):
    """The likely cause of a divergence: λ, ε, or (most often) the learning rate."""
    opt, lam = run.optimizer, run.net.l2
    lr, mu = opt.lr, getattr(opt, "momentum", 0.0)
    if lam and isinstance(opt, SGD) and lr * lam >= 1 + mu:
        return (f"λ: net.l2 = {lam:g} is too large for α = {lr:g}: the penalty's own step 2αλW overshoots "
                f"(SGD needs αλ < {1 + mu:g}); lower net.l2 or the learning rate")
    eps = getattr(opt, "eps", None)
    if eps is not None and eps < 1e-30:
        return f"ε: eps = {eps:g} is so small that g / (√s + ε) blows up where s underflows to 0; use the default ε"
    text = f"the learning rate α = {lr:g} is too large; try a smaller learning rate than {lr:g}"
    if history.lr[-1] > history.lr[0]:
        text += f" (the schedule raised α from {history.lr[0]:g} in epoch 1 to {history.lr[-1]:g})"
    scale = float(np.abs(run.X).max())
    if scale > 10:
        text += f"; the inputs reach |x| = {scale:.3g}: standardized inputs would allow a larger α"
    return text


def failure_message(run, history):
    """"Ended at chance level" or "no progress", with the likely cause; "" when training worked."""
    J0, J = run.J0, history.train_cost[-1]
    if run.labels is not None:
        chance = float(np.bincount(run.labels).max() / run.labels.size)   # always guess the commonest class
        acc = history.train_accuracy[-1]
        if acc >= chance + 0.1 * (1 - chance):
            return ""
        head = (f"Ended at chance level: training accuracy {acc:.1%}, no better than always guessing the most "
                f"common class ({chance:.1%}).")
    elif J0 > 1e-8 and J >= (1 - 1e-3) * J0:
        head = f"No progress: after {history.epochs} epochs the training cost is {J:.3g}; it started at {J0:.3g}."
    else:
        return ""
    return f"{head} Likely cause: {stuck_cause(run, J0, J)}."


def stuck_cause(run, J0, J, n=2000):
    """Measured on (up to n) training examples: dead or saturated hidden units, a vanishing gradient, λ, ε."""
    net, opt = run.net, run.optimizer
    X, Y = run.X[:, :n], run.Y[:, :n]
    with np.errstate(all="ignore"):
        cache = net._forward(X)
        grads = net._backward(cache, Y)
    twins = [m for m, (W, b) in enumerate(zip(net.weights[:-1], net.biases[:-1]), start=1)
             if W.shape[0] > 1 and np.ptp(W, axis=0).max() <= 1e-12 and np.ptp(b) <= 1e-12]
    if twins:                       # symmetry explains everything else (vanishing, "dead", "saturated")
        m = twins[0]
        return (f"symmetry: the {net.sizes[m]} units of layer {m} have identical weights (they started equal, "
                f"e.g. all zero), so they compute the same thing and get the same update, and can never differ; "
                f"start from random weights (a new Network's default)")
    causes = []
    for m, a in enumerate(cache.a):
        name = net.activation_of(m).name if m >= 1 else None
        if name == "relu" and m < net.L:
            dead = int(np.count_nonzero(np.all(a <= 0, axis=1)))
            if dead >= a.shape[0] / 2:
                causes.append(f"{dead} of {a.shape[0]} ReLU units in layer {m} are dead (output 0 on every training "
                              f"example), so no gradient flows through them; a large step (α = {opt.lr:g}) "
                              f"knocks ReLUs dead: try a smaller learning rate")
        elif name in ("sigmoid", "tanh"):
            low, high = (0.02, 0.98) if name == "sigmoid" else (-0.98, 0.98)
            saturated = float(np.mean((a < low) | (a > high)))
            if saturated >= 0.75:
                causes.append(f"{saturated:.0%} of layer {m}'s {name} outputs are saturated (a within 0.02 of its "
                              f"limits), where f'(z) ≈ 0 stops the gradient: try a smaller learning rate, "
                              f"standardized inputs or smaller initial weights")
    norms = [float(np.linalg.norm(dW)) for dW in grads.dW]
    if len(norms) > 2 and norms[0] < 1e-2 * max(norms):
        causes.append(f"the gradient reaching layer 1 is {norms[0] / max(norms):.1e} × the largest layer's "
                      f"(vanishing gradients through {net.L - 1} {net.f.name} layers), so W^1 barely learns: try "
                      f"ReLU or fewer layers")
    if net.l2 and max(float(np.abs(W).max()) for W in net.weights) < 0.05:
        causes.append(f"λ: net.l2 = {net.l2:g} is large: the penalty has shrunk every weight below 0.05, so the "
                      f"network computes almost a constant; lower net.l2")
    eps = getattr(opt, "eps", None)
    if eps is not None and eps >= 1e-2:
        causes.append(f"ε: eps = {eps:g} is large, so g / (√s + ε) ≈ g / ε makes every step tiny; use the default ε")
    if causes:
        return "; and ".join(causes)
    if J > 1.01 * J0:
        return (f"the cost rose from {J0:.3g} to {J:.3g}: the learning rate α = {opt.lr:g} is likely too large; "
                f"try a smaller one")
    if J > 0.99 * J0:
        return (f"the cost barely moved (from {J0:.3g} to {J:.3g}) and no dead or saturated units were found: the "
                f"learning rate α = {opt.lr:g} is likely too small, or more epochs are needed")
    return (f"no dead or saturated units and no vanishing gradient were found; the cost fell from {J0:.3g} to "
            f"{J:.3g}, so more epochs or another learning rate (now α = {opt.lr:g}) may help")
