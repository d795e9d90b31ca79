"""Many small networks trained at once: the sweeps of notebook 04 (λ, folds, draws, seeds).

A ``Stack`` holds G networks of one shape (tanh hidden layers, softmax output, cross-entropy), their
parameters stacked on a leading axis: W^m has shape (G, n_m, n_{m-1}), b^m (G, n_m, 1), λ (G, 1, 1).
``train_stack`` runs full-batch Adam on all of them together: one Python step per epoch for the
whole sweep instead of one per network, the same arithmetic as ``lessonlib.train`` with
``optimizers.Adam`` on each network alone (tests/test_overfitting_lab.py: equal to 1e-12).

Each network may have its own training set (folds, fresh draws: X of shape (G, n_0, N)), and
training may switch hidden units off at random (dropout, with the student's functions) or move the
inputs (augmentation).  What it leaves out: mini-batches, other activations, other optimizers.
"""
import numpy as np

from .network import Network
from .training import one_blas_thread


class Stack:
    """G networks of one shape as stacked arrays; ``nets`` (Networks) share nothing with it."""

    def __init__(self, nets):
        nets = list(nets)
        if not nets or not all(isinstance(net, Network) for net in nets):
            raise TypeError("Stack needs a non-empty list of lessonlib Networks")
        first = nets[0]
        for net in nets:
            if net.sizes != first.sizes or net.f.name != "tanh" or net.loss.name != "cross_entropy":
                raise ValueError(f"every network needs sizes {first.sizes}, tanh hidden layers and a softmax "
                                 f"cross-entropy output; got {net!r}")
        self.G, self.L, self.sizes = len(nets), first.L, first.sizes
        shapes = [(self.G, *p.shape) for p in first.params]
        ends = np.cumsum([0] + [int(np.prod(s)) for s in shapes]).tolist()
        self.theta = np.empty(ends[-1])                       # every parameter of every network, end to end
        self.params = [self.theta[i:j].reshape(s) for i, j, s in zip(ends[:-1], ends[1:], shapes)]
        for k, p in enumerate(self.params):
            p[...] = np.stack([net.params[k] for net in nets])
        self.W, self.b = self.params[0::2], self.params[1::2]  # W[m - 1] is W^m for every network
        # An L2Network (overfitting_lab) carries its λ as ``lam`` and its penalty as ``add_l2``: the stack then
        # turns each network's ∂J/∂W^m into ∂Ĵ/∂W^m with that function, one network and layer at a time.
        self.add_l2, self.grouped = getattr(first, "add_l2", None), None
        if any(getattr(net, "add_l2", None) is not self.add_l2 for net in nets):
            raise ValueError("every network of a stack needs the same penalty function add_l2")
        lams = [getattr(net, "lam", 0.0) if self.add_l2 is not None else net.l2 for net in nets]
        self.lam = np.array(lams, dtype=np.float64).reshape(-1, 1, 1)
        self.penalized = bool(self.lam.any())                 # all λ = 0: no 2λW to add (it would add zeros)

    def forward(self, X, drop=None):
        """Hidden activations h^m = tanh(z^m) (before dropout), a^m (after), a^L (softmax) and z^L.

        ``drop(h, m)`` → (a, mask) switches units off in hidden layer m; None keeps every unit."""
        h, a, masks = [None], [X], [None]
        for m in range(1, self.L + 1):
            z = self.W[m - 1] @ a[m - 1]                                # z^m = W^m a^{m-1} + b^m
            z += self.b[m - 1]                                          # (in place: see gradients)
            if m == self.L:
                e = np.exp(z - z.max(axis=1, keepdims=True))              # softmax per column
                a.append(e / e.sum(axis=1, keepdims=True))
                return h, a, masks, z
            h.append(np.tanh(z, out=z))
            a_m, mask = (h[m], None) if drop is None else drop(h[m], m)
            a.append(a_m)
            masks.append(mask)

    def gradients(self, X, Y, drop=None, undrop=None, out=None):
        """∂Ĵ/∂W^m and ∂Ĵ/∂b^m of every network, laid end to end like ``theta`` (written into ``out``, a
        (vector, its ``split``) pair, when given: a training loop reuses one)."""
        h, a, masks, _ = self.forward(X, drop)
        grad, g = out if out is not None else (np.empty_like(self.theta), None)
        g = self.split(grad) if g is None else g
        delta = (a[-1] - Y) / Y.shape[-1]                                 # δ^L = (a^L − y)/B
        for m in range(self.L, 0, -1):
            np.matmul(delta, np.swapaxes(a[m - 1], -1, -2), out=g[2 * m - 2])   # δ^m (a^{m-1})^T
            if self.add_l2 is not None:
                self.penalize(m, g)                                         # the given add_l2, per network
            elif self.penalized:
                g[2 * m - 2] += self.lam * (2.0 * self.W[m - 1])            # + 2λ W^m
            g[2 * m - 1][...] = delta.sum(axis=-1, keepdims=True)           # Σ over the batch of δ^m
            if m > 1:
                d_a = np.swapaxes(self.W[m - 1], -1, -2) @ delta            # ∂J/∂a^{m-1} = (W^m)^T δ^m
                if masks[m - 1] is not None:
                    d_a = undrop(d_a, masks[m - 1])                         # through the dropout mask
                delta = np.square(h[m - 1])                                 # δ^{m-1} = f'(z^{m-1}) ⊙ ∂J/∂a^{m-1},
                np.subtract(1.0, delta, out=delta)                          # f' = 1 − tanh² (in place: numpy's
                delta *= d_a                                                # temporaries this size are slow)
        return grad

    def penalize(self, m, g):
        """Layer m's gradients of every network through ``add_l2(W, b, dW, db, λ) → (_, ∂Ĵ/∂W, ∂Ĵ/∂b)``.

        One call takes every network at once (W stacked along a leading axis, λ of shape (G, 1, 1)) once a
        first call has matched network-by-network calls exactly; a function written for one layer alone
        (it may not broadcast) gets one call per network."""
        dW, db, W, b = g[2 * m - 2], g[2 * m - 1], self.W[m - 1], self.b[m - 1]
        together = None
        if self.grouped is not False:
            try:
                together = self.add_l2(W, b, dW.copy(), db.copy(), self.lam)
            except Exception:                                    # written for one layer: one call per network
                self.grouped = False
        if self.grouped is not True:
            one_by_one = [self.add_l2(W[k], b[k], dW[k].copy(), db[k].copy(), float(lam))
                          for k, lam in enumerate(self.lam.ravel())]
        if self.grouped is None:                                 # the first call decides
            self.grouped = (together is not None and np.shape(together[1]) == dW.shape
                            and np.shape(together[2]) == db.shape
                            and all(np.array_equal(together[1][k], gW) and np.array_equal(together[2][k], gb)
                                    for k, (_, gW, gb) in enumerate(one_by_one)))
        if self.grouped:
            dW[...], db[...] = together[1], together[2]
        else:
            for k, (_, gW, gb) in enumerate(one_by_one):
                dW[k], db[k] = gW, gb

    def split(self, flat):
        """A vector laid out like ``theta`` (a gradient) as arrays shaped like ``params``."""
        ends = np.cumsum([0] + [p.size for p in self.params]).tolist()
        return [flat[i:j].reshape(p.shape) for i, j, p in zip(ends[:-1], ends[1:], self.params)]

    def evaluate(self, X, Y):
        """(J, accuracy) of every network on (X, Y), each an array of shape (G,); no dropout."""
        X, Y = np.asarray(X, dtype=np.float64), np.asarray(Y, dtype=np.float64)
        _, a, _, z = self.forward(X)
        shifted = z - z.max(axis=1, keepdims=True)                          # log a^L from z^L, exact
        log_a = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        J = -np.sum(Y * log_a, axis=(-2, -1)) / Y.shape[-1]
        right = a[-1].argmax(axis=-2) == Y.argmax(axis=-2)
        return np.broadcast_to(J, (self.G,)).copy(), np.broadcast_to(right.mean(axis=-1), (self.G,)).copy()

    def probability(self, X):
        """a^L for class 1: (G, B)."""
        return self.forward(np.asarray(X, dtype=np.float64))[1][-1][..., 1, :]

    def copy_into(self, nets):
        """Write the stacked parameters back into G Networks (in place); returns them."""
        for g, net in enumerate(nets):
            for p, stacked in zip(net.params, self.params):
                p[...] = stacked[g]
        return nets


def train_stack(stack, X, Y, epochs, lr, beta1=0.9, beta2=0.999, eps=1e-8, drop=None, undrop=None,
                augment=None, seed=0):
    """Full-batch Adam on every network of ``stack`` for ``epochs`` steps (in place).

    X, Y: one training set (n_0, N) for all, or one per network (G, n_0, N).
    drop(h, m, rng) → (a, mask), undrop(d_a, mask) → d_h: dropout in the hidden layers while training.
    augment(X, rng) → X': the inputs each epoch sees (e.g. jittered copies).
    Random draws (masks, jitter) come from one generator seeded with ``seed``."""
    X, Y = checked_data(stack, X, Y)
    rng = np.random.default_rng(seed)
    v, s = np.zeros_like(stack.theta), np.zeros_like(stack.theta)
    g, step, den = (np.empty_like(stack.theta) for _ in range(3))    # reused every epoch: the arithmetic of
    out = (g, stack.split(g))                                          # Adam's step, in the same order, in place
    layer_drop = None if drop is None else (lambda h, m: drop(h, m, rng))
    with one_blas_thread(), np.errstate(all="ignore"):
        for t in range(1, epochs + 1):
            X_t = X if augment is None else augment(X, rng)
            stack.gradients(X_t, Y, layer_drop, undrop, out=out)
            v *= beta1                                              # v ← β₁ v + (1 − β₁) g
            v += np.multiply(1.0 - beta1, g, out=step)
            s *= beta2                                              # s ← β₂ s + (1 − β₂) g²
            np.multiply(1.0 - beta2, g, out=step)
            step *= g
            s += step
            np.divide(v, 1.0 - beta1 ** t, out=step)                # v̂
            np.divide(s, 1.0 - beta2 ** t, out=den)                 # ŝ
            np.sqrt(den, out=den)
            den += eps
            step *= lr
            step /= den
            stack.theta -= step                                     # θ ← θ − α v̂ / (√ŝ + ε)
    diverged = [g for g in range(stack.G) if not all(np.isfinite(p[g]).all() for p in stack.params)]
    if diverged:
        raise FloatingPointError(f"training diverged (parameters became NaN or inf) for network(s) {diverged} "
                                 f"of the stack: lower the learning rate α = {lr:g}")
    return stack


def checked_data(stack, X, Y, name="the training set"):
    """X, Y as float64 arrays of shape (n_0, N) and (n_L, N), or one per network (G, ·, N); else a ValueError."""
    X, Y = np.asarray(X, dtype=np.float64), np.asarray(Y, dtype=np.float64)
    n_0, n_L, G = stack.sizes[0], stack.sizes[-1], stack.G
    good = (X.ndim == Y.ndim and X.ndim in (2, 3) and X.shape[-2:-1] == (n_0,) and Y.shape[-2:-1] == (n_L,)
            and X.shape[-1] == Y.shape[-1] and (X.ndim == 2 or X.shape[0] == Y.shape[0] == G))
    if not good:
        raise ValueError(f"{name}: expected X of shape ({n_0}, N) and Y of shape ({n_L}, N), or one per network, "
                         f"({G}, {n_0}, N) and ({G}, {n_L}, N); got X {X.shape} and Y {Y.shape}")
    if not (np.isfinite(X).all() and np.isfinite(Y).all()):
        raise ValueError(f"{name} holds NaN or inf")
    return X, Y
