"""Many networks trained at once, each to exactly where ``train`` would take it.  Used by the sweeps.

    histories = train_many(nets, X, Y, optimizers, epochs, batch_size=None, ...)

is ``[train(net, X_k, Y_k, opt, epochs, ...) for ...]`` (the same final parameters, in place, and the same
History), in a fraction of the time: a sweep over α, λ or seeds trains networks of one shape side by side.
Their parameters are stacked along a leading axis k, θ of shape (K, P), and W^m is a view of shape
(K, n_m, n_{m−1}), so one ``np.matmul`` multiplies all K networks and one update moves them all.  Every
operation is the one ``train`` makes, on the same numbers, so the results agree to the last bit (the tests
check every option to 1e-12).

Shared or one per network (a list or tuple with one entry per net): X, Y, X_val, Y_val, X_test, Y_test
(lists of 2-D arrays), seed, schedule, early_stopping, divergence_factor and epochs.  Networks must share
sizes, activation, output and loss (λ = net.l2 and the weights may differ); the optimizers, one per net,
must be of one class (SGD with or without (Nesterov) momentum, AdaGrad, RMSProp, Adam), hyper-parameters
free.  Training sets of different sizes N need full batch.  A network that diverges, stops early or runs
out of epochs freezes while the others go on.  No callback (it would see one network at a time).
"""
import math

import numpy as np

from .network import Network
from .stacked import HYPER, Data, Stack, Steps, add_bias, mul, mul_into, shuffled, softmax, sum_into
from .training import History, Run, divergence_cause, failure_message, one_blas_thread


ROWS_BUDGET = 2 ** 17     # entries of an a^m array: above about 1 MB, the networks go a few at a time


def train_many(nets, X, Y, optimizers, epochs, batch_size=None, X_test=None, Y_test=None, seed=None,
               schedule=None, early_stopping=None, callback=None, divergence_factor=10.0, X_val=None, Y_val=None):
    """Train every network of ``nets`` in place, as ``train`` would one at a time; returns their Histories."""
    nets, optimizers = check_nets(nets, optimizers)
    K = len(nets)
    if callback is not None:
        raise ValueError("callback is not supported by train_many (it would see one network at a time); "
                         "use lessonlib.train for a run with a callback")
    if isinstance(batch_size, (list, tuple)):
        raise ValueError("batch_size must be one value shared by all networks (their batches run in step); "
                         f"got a {type(batch_size).__name__}")
    sets = {name: per_net(value, name, K, arrays=True) for name, value in
            [("X", X), ("Y", Y), ("X_val", X_val), ("Y_val", Y_val), ("X_test", X_test), ("Y_test", Y_test)]}
    kw = {name: per_net(value, name, K)[0] for name, value in
          [("epochs", epochs), ("seed", seed), ("schedule", schedule), ("early_stopping", early_stopping),
           ("divergence_factor", divergence_factor)]}
    runs = []
    for k, (net, opt) in enumerate(zip(nets, optimizers)):
        args = {name: values[k] for name, (values, _) in sets.items()} | {name: v[k] for name, v in kw.items()}
        try:                                    # every check train makes, before any update
            runs.append(Run(net, args["X"], args["Y"], opt, args["epochs"], batch_size, args["X_test"],
                            args["Y_test"], args["seed"], args["schedule"], args["early_stopping"], None,
                            args["divergence_factor"], args["X_val"], args["Y_val"]))
        except (TypeError, ValueError) as err:
            raise type(err)(f"nets[{k}]: {err}") from None
    sizes = {run.X.shape[1] for run in runs}
    if len(sizes) > 1 and batch_size is not None and batch_size < max(sizes):
        raise ValueError(f"batch_size={batch_size} with training sets of different sizes N = {sorted(sizes)}: "
                         f"mini-batches run in step, so give every network the same N, or use full batch "
                         f"(batch_size=None)")
    shared, width = {name: shared for name, (_, shared) in sets.items()}, max(nets[0].sizes[1:])
    full = batch_size is None or batch_size >= max(sizes)
    size = max(1, ROWS_BUDGET // (width * (max(sizes) if full else batch_size)))     # networks per group
    histories = []
    with one_blas_thread():
        for start in range(0, K, size):                 # independent networks: groups run one after another
            many = Many(runs[start:start + size], shared)
            many.train()
            histories += many.histories
    return histories


def check_nets(nets, optimizers):
    """Networks of one shape, each once; optimizers of one supported class, one per network."""
    if not isinstance(nets, (list, tuple)) or not nets:
        raise TypeError(f"nets must be a non-empty list of Networks; got {type(nets).__name__}")
    if not isinstance(optimizers, (list, tuple)) or len(optimizers) != len(nets):
        raise ValueError(f"optimizers must be a list with one optimizer per network ({len(nets)}); got "
                         f"{len(optimizers) if isinstance(optimizers, (list, tuple)) else type(optimizers).__name__}")
    first, kind = nets[0], type(optimizers[0])
    for k, (net, opt) in enumerate(zip(nets, optimizers)):
        if not isinstance(net, Network):
            raise TypeError(f"nets[{k}] must be a lessonlib Network; got {type(net).__name__}")
        if (net.sizes, net.f.name, net.f_out.name, net.loss.name) != \
                (first.sizes, first.f.name, first.f_out.name, first.loss.name):
            raise ValueError(f"nets[{k}] is {net!r} but nets[0] is {first!r}: train_many needs networks of one "
                             f"shape (sizes, activation, output, loss; only λ and the weights may differ)")
        if type(opt) not in HYPER or type(opt) is not kind:
            raise ValueError(f"optimizers[{k}] is {opt!r}: train_many takes optimizers of one class, one of "
                             f"{[c.__name__ for c in HYPER]} (optimizers[0] is a {kind.__name__})")
    for items, name in [(nets, "nets"), (optimizers, "optimizers")]:
        seen = {}
        for k, item in enumerate(items):
            if id(item) in seen:
                raise ValueError(f"{name}[{k}] is the same object as {name}[{seen[id(item)]}]: one per network")
            seen[id(item)] = k
    return list(nets), list(optimizers)


def per_net(value, name, K, arrays=False):
    """(K values, shared): a list or tuple (of 2-D arrays for data) gives one per network, anything else is shared."""
    each = isinstance(value, (list, tuple)) and (
        not arrays or (len(value) > 0 and all(isinstance(v, np.ndarray) and v.ndim == 2 for v in value)))
    if not each:
        return [value] * K, True
    if len(value) != K:
        raise ValueError(f"{name}: a list gives one value per network, so it needs {K}; got {len(value)}")
    return list(value), False


class Many:
    """The K runs of train, side by side: forward → cost → backward → step → record, for all at once."""

    def __init__(self, runs, shared):
        self.runs, self.histories, self.active = runs, [History() for _ in runs], list(range(len(runs)))
        net = runs[0].net
        self.L, self.f, self.f_out, self.loss = net.L, net.f, net.f_out, net.loss.name
        self.width = max(net.sizes[1:])
        self.stack = Stack([run.net for run in runs])
        self.steps = Steps([run.optimizer for run in runs], self.stack)
        self.sets = [("train", Data([r.X for r in runs], [r.Y for r in runs], shared["X"], shared["Y"]))]
        for name, X, Y in [("val", "X_val", "Y_val"), ("test", "X_test", "Y_test")]:
            if getattr(runs[0], X) is not None:
                self.sets.append((name, Data([getattr(r, X) for r in runs], [getattr(r, Y) for r in runs],
                                             shared[X], shared[Y])))
        for run, labels in zip(runs, self.sets[0][1].each_labels):
            run.labels = labels
        seeds = {run.seed for run in runs}             # one seed for all: one shuffle serves every network
        self.rng = np.random.default_rng(runs[0].seed) if seeds != {None} and len(seeds) == 1 else \
            [np.random.default_rng(run.seed) for run in runs]
        self.scheduled = any(run.lrs is not None for run in runs)
        self.penalty()

    def penalty(self):
        """(rows, λ (K', 1, 1)) of the networks with λ > 0 (train adds 2λW only for them), or None."""
        lams = [self.runs[k].net.l2 for k in self.active]
        rows = [r for r, lam in enumerate(lams) if lam]
        self.l2 = None if not rows else (slice(None) if len(rows) == len(lams) else np.array(rows),
                                         np.array([lams[r] for r in rows]).reshape(-1, 1, 1))

    # ---- the maths of Network._forward / _backward / _data_cost, for all networks at once ----------------
    def forward(self, X, blocks=None, rows=slice(None)):
        """a^0 … a^L and z^1 … z^L of the networks in ``rows``."""
        a, z = [X], []
        for m, (W, b) in enumerate(zip(self.stack.W, self.stack.b), start=1):
            z.append(mul(W[rows], a[-1], blocks))
            add_bias(z[-1], b[rows], blocks)                         # z^m = W^m a^{m−1} + b^m
            last = m == self.L
            a.append(softmax(z[-1]) if last and self.f_out.name == "softmax" else
                     (self.f_out if last else self.f).f(z[-1]))      # a^m = f(z^m)
        return a, z

    def f_prime(self, z, a):
        """f'(z) of a hidden layer, from a = f(z) where that is how activations.py computes it."""
        if self.f.name == "tanh":
            return 1.0 - a ** 2
        return a * (1.0 - a) if self.f.name == "sigmoid" else self.f.f_prime(z)

    def backward(self, a, z, Y, data=None):
        """The gradients of Ĵ for every network, into stack.grad (``data``: a set in the blocks layout)."""
        s, blocks = self.stack, None if data is None else data.blocks
        B = a[-1].shape[-1] if blocks is None else data.B
        delta = (a[-1] - Y) / B                                      # ∂J/∂a (mse); δ^L = (a − y)/B (cross-entropy)
        if self.loss != "cross_entropy":                             # δ^L = f'(z^L) ⊙ ∂J/∂a
            delta = a[-1] * (delta - (a[-1] * delta).sum(axis=-2, keepdims=True)) \
                if self.f_out.name == "softmax" else self.f_out.f_prime(z[-1]) * delta
        for m in range(self.L, 0, -1):
            mul_into(delta, a[m - 1], s.dW[m - 1], blocks)           # ∂J/∂W^m = δ^m (a^{m−1})ᵀ
            if self.l2 is not None:                                  # + 2λ W^m
                rows, lam = self.l2
                if isinstance(rows, slice):
                    s.dW[m - 1] += lam * (2.0 * s.W[m - 1])
                else:
                    s.dW[m - 1][rows] += lam * (2.0 * s.W[m - 1][rows])
            sum_into(delta, s.db[m - 1], blocks)                     # ∂J/∂b^m = Σ_batch δ^m
            if m > 1:                                                # δ^{m−1} = f'(z^{m−1}) ⊙ (W^m)ᵀ δ^m
                delta = self.f_prime(z[m - 2], a[m - 1]) * mul(s.W[m - 1].swapaxes(1, 2), delta, blocks)

    def evaluate(self, a, z, Y, labels, N, blocks=None):
        """(J, number right or None) of every network on its own set, J summed as losses.py sums it."""
        if self.loss == "cross_entropy":
            shifted = z[-1] - z[-1].max(axis=-2, keepdims=True)
            terms = Y * (shifted - np.log(np.exp(shifted).sum(axis=-2, keepdims=True)))
        else:
            terms = (a[-1] - Y) ** 2
        hits = None if labels is None else a[-1].argmax(axis=-2) == labels
        if blocks is None:
            sums = terms.sum(axis=(-2, -1)).tolist()
            right = None if hits is None else np.count_nonzero(hits, axis=-1).tolist()
        else:
            sums = [float(np.sum(np.ascontiguousarray(terms[:, cols]))) for cols in blocks]
            right = None if hits is None else [int(np.count_nonzero(hits[cols])) for cols in blocks]
        J = [-total / n for total, n in zip(sums, N)] if self.loss == "cross_entropy" else \
            [0.5 * total / n for total, n in zip(sums, N)]
        return J, right

    # ---- the loop --------------------------------------------------------------------------------------
    def train(self):
        try:
            self.loop()
        except BaseException as err:
            self.freeze(list(range(len(self.active))))
            for run, history in zip(self.runs, self.histories):
                run.history, run.params = history, run.net.params
                run.restore_best()
            try:
                err.histories = self.histories
                err.add_note("lessonlib.train_many: each network holds its finished updates; err.histories")
            except (AttributeError, TypeError):
                pass
            raise
        for run, history in zip(self.runs, self.histories):        # as Run.__call__ ends
            run.history, run.params = history, run.net.params
            kept = run.restore_best()
            history.message = history.message + kept if history.message else kept[2:]
            if not history.diverged:
                history.message = " ".join(filter(None, [history.message, failure_message(run, history)]))

    def loop(self):
        data, B = self.sets[0][1], self.runs[0].batch_size
        with np.errstate(all="ignore"):
            cache = self.forward(data.X, data.blocks)
            for run, J0 in zip(self.runs, self.evaluate(*cache, data.Y, None, data.N, data.blocks)[0]):
                run.J0, run.limit = J0, run.factor * max(J0, 1e-2)
        full = B is None or B >= max(data.N)
        for epoch in range(1, max(run.epochs for run in self.runs) + 1):
            for k in self.active:
                run = self.runs[k]
                if run.lrs is not None:
                    run.optimizer.lr = run.lrs[epoch - 1]
                self.histories[k].lr.append(run.optimizer.lr)
            if self.scheduled:
                self.steps.set_lr()
            with np.errstate(all="ignore"):
                if full:
                    self.backward(*cache, data.Y, data)
                    self.steps()
                else:
                    self.epoch(data, B)
                cache = self.record(full)
            done = self.check(epoch)
            if done:
                self.freeze(done)
                if not self.active:
                    return
                with np.errstate(all="ignore"):
                    cache = self.forward(data.X, data.blocks)

    def epoch(self, data, B):
        """One pass of mini-batches in an order shuffled from each network's seed, as train draws it."""
        N = data.N[0]
        order = self.rng.permutation(N) if not isinstance(self.rng, list) else \
            np.stack([rng.permutation(N) for rng in self.rng])
        Xs, Ys = shuffled(data.X, order), shuffled(data.Y if data.Ys is None else data.Ys, order)
        for i in range(0, N, B):
            a, z = self.forward(Xs[..., i:i + B])
            self.backward(a, z, Ys[..., i:i + B])
            self.steps()

    def record(self, full):
        """Each set's cost (and accuracy) for every network, into its History; the training set's forward pass
        when it is the next step's (full batch).  Large sets go a few networks at a time (arrays that fit in
        the cache are faster than one that does not)."""
        for name, data in self.sets:
            K, whole = len(self.active), data.blocks is not None or (full and name == "train")
            size = K if whole else max(1, ROWS_BUDGET // (self.width * max(data.N)))
            J, right = [], []
            for start in range(0, K, size):
                rows = slice(start, start + size)
                X, Y, labels = (data.X, data.Y, data.labels) if whole else data.part(rows)
                a, z = self.forward(X, data.blocks, rows)
                J_part, right_part = self.evaluate(a, z, Y, labels if any(data.classify) else None,
                                                  data.N[rows], data.blocks)
                J += J_part
                right += right_part or []
            for row, k in enumerate(self.active):
                getattr(self.histories[k], name + "_cost").append(J[row])
                if data.classify[row]:
                    getattr(self.histories[k], name + "_accuracy").append(right[row] / data.N[row])
            if name == "train":
                cache = (a, z)
        return cache

    def check(self, epoch):
        """Divergence, early stopping and the last epoch, per network: the rows that stop now."""
        done = []
        for row, k in enumerate(self.active):
            run, history = self.runs[k], self.histories[k]
            J = history.train_cost[-1]
            if not math.isfinite(J) or J > run.limit:
                history.diverged = True
                history.message = (f"diverged at epoch {epoch}: the training cost reached {J:.3g} (it started at "
                                   f"{run.J0:.3g}). Likely cause: {divergence_cause(run, history)}")
            elif run.patience is not None:
                run.params = self.stack.of(row)
                if run.watch_held_out(history, epoch):
                    history.stopped_early = True
                    history.message = (f"stopped early at epoch {epoch}: no better {run.watched} cost for "
                                       f"{run.patience} epochs")
            if history.diverged or history.stopped_early or epoch == run.epochs:
                done.append(row)
        return done

    def freeze(self, rows):
        """The networks in ``rows`` stop: their parameters and optimizer state go back to them."""
        for row in rows:
            for p, value in zip(self.runs[self.active[row]].net.params, self.stack.of(row)):
                p[...] = value
            self.steps.write_back(row)
        keep = [r for r in range(len(self.active)) if r not in rows]
        self.active = [self.active[r] for r in keep]
        if keep:
            self.stack.keep(keep)
            self.steps.keep(keep)
            for _, data in self.sets:
                data.keep(keep)
            self.rng = self.rng if not isinstance(self.rng, list) else [self.rng[r] for r in keep]
            self.penalty()
