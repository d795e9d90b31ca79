"""K networks of one shape as stacked arrays: their data, parameters θ (K, P) and optimizer state.

The parts ``batched.train_many`` is built from.  Each product and sum is the one ``train`` computes for
one network, on the same numbers laid out the same way in memory, so the results agree to the last bit:
``np.matmul`` over a leading axis k calls the same BLAS routine on each (n, n') block, and the update rules
are element-wise.  Where the networks' sets differ in size N, the products run one network at a time
over its own N_k columns, laid side by side in one array.
"""
import numpy as np

from .optimizers import SGD, AdaGrad, Adam, RMSProp
from .training import is_one_hot

HYPER = {SGD: ("lr", "momentum"), AdaGrad: ("lr", "eps"), RMSProp: ("lr", "rho", "eps"),
         Adam: ("lr", "beta1", "beta2", "eps")}


class Data:
    """One data set for the K networks, in one of three layouts:

    shared    X (n_0, N) and Y (n_L, N): one set for all (X, Y each may be shared or not);
    stacked   X (K, n_0, N), Y (K, n_L, N): one set per network, all of one size N;
    blocks    one set per network of size N_k (or laid out differently in memory): X stays a list (the
              first layer multiplies each network's own array), Y and every layer's a^m hold the networks'
              columns side by side, (n, ΣN_k), network k in columns ``blocks[k]``."""

    def __init__(self, Xs, Ys, shared_X, shared_Y):
        self.N = [x.shape[1] for x in Xs]
        self.X = Xs[0] if shared_X else stack(Xs)
        self.Ys = list(Ys) if isinstance(self.X, list) else None       # the blocks layout shuffles these
        labels = [Y.argmax(axis=0) if is_one_hot(Y) else None for Y in Ys]
        self.each_labels, self.classify = labels, [lab is not None for lab in labels]
        self.side_by_side(Ys, labels) if isinstance(self.X, list) else self.layered(Ys, labels, shared_Y)

    def layered(self, Ys, labels, shared_Y):
        self.blocks = None
        self.Y = Ys[0] if shared_Y else np.stack(Ys)
        if shared_Y:
            self.labels = labels[0]
        else:                                   # −1 matches no class: a set without labels
            self.labels = np.stack([np.full(n, -1) if lab is None else lab for lab, n in zip(labels, self.N)])

    def side_by_side(self, Ys, labels):
        ends = np.cumsum([0] + self.N).tolist()
        self.blocks = [slice(i, j) for i, j in zip(ends[:-1], ends[1:])]
        self.Y = np.concatenate(Ys, axis=1)
        self.labels = np.concatenate([np.full(n, -1) if lab is None else lab for lab, n in zip(labels, self.N)])
        self.B = np.repeat(np.array(self.N, dtype=np.float64), self.N)       # each column's N_k

    def keep(self, rows):
        """Only the networks in ``rows`` go on."""
        self.N, self.classify = [self.N[r] for r in rows], [self.classify[r] for r in rows]
        self.Ys = None if self.Ys is None else [self.Ys[r] for r in rows]
        if self.blocks is not None:
            labels = [self.labels[self.blocks[r]] for r in rows]
            self.X = [self.X[r] for r in rows]
            self.side_by_side([self.Y[:, self.blocks[r]] for r in rows], labels)
            return
        if self.X.ndim == 3:
            self.X = self.X[rows]
        if self.Y.ndim == 3:
            self.Y = self.Y[rows]
        if self.labels is not None and self.labels.ndim == 2:
            self.labels = self.labels[rows]

    def part(self, rows):
        """(X, Y, labels) of the networks in the slice ``rows`` (shared or stacked layouts)."""
        pick = lambda A, ndim: A[rows] if A is not None and A.ndim == ndim else A
        return pick(self.X, 3), pick(self.Y, 3), pick(self.labels, 2)


def stack(Xs):
    """(K, n, N), each network's matrix laid out in memory as its own was (C or Fortran order, so every
    product is computed as train computes it), or the list itself when sizes or layouts differ."""
    if len({x.shape for x in Xs}) == 1:
        if all(x.flags.c_contiguous for x in Xs):
            return np.stack(Xs)
        if all(x.flags.f_contiguous for x in Xs):
            return np.stack([x.T for x in Xs]).swapaxes(1, 2)
    return list(Xs)


def shuffled(A, order):
    """train's ``A.T[order].T`` for every network; ``order`` (N,) shared or (K, N), one per network."""
    if isinstance(A, list):
        orders = order if order.ndim == 2 else [order] * len(A)
        return np.stack([a.T[o] for a, o in zip(A, orders)]).swapaxes(1, 2)
    if A.ndim == 2:
        return A.T[order].swapaxes(-1, -2)
    rows = np.arange(len(A))[:, None]
    return np.ascontiguousarray(A.swapaxes(1, 2)[rows, order if order.ndim == 2 else order[None]]).swapaxes(1, 2)


# ---- products over the stack: one call for all K networks, or one per network in the blocks layout -------
def mul(W, A, blocks=None):
    """W A for every network: W (K, n, n'); A (n', B) shared or (K, n', B); with ``blocks``, A holds the
    networks' columns side by side (n', ΣN_k), or is the list of their inputs."""
    if blocks is None:
        return np.matmul(W, A)
    out = np.empty((W.shape[1], blocks[-1].stop))
    for k, cols in enumerate(blocks):
        np.matmul(W[k], A[k] if isinstance(A, list) else A[:, cols], out=out[:, cols])
    return out


def add_bias(z, b, blocks=None):
    """z + b for every network, in place: b (K, n, 1)."""
    if blocks is None:
        z += b
        return
    for k, cols in enumerate(blocks):
        z[:, cols] += b[k]


def mul_into(D, A, out, blocks=None):
    """out = D Aᵀ for every network: ∂J/∂W^m = δ^m (a^{m−1})ᵀ, summed over each network's own columns."""
    if blocks is None:
        np.matmul(D, A.swapaxes(-1, -2), out=out)
        return
    for k, cols in enumerate(blocks):
        np.matmul(D[:, cols], (A[k] if isinstance(A, list) else A[:, cols]).T, out=out[k])


def sum_into(D, out, blocks=None):
    """out = Σ over the batch of D for every network: ∂J/∂b^m = Σ_batch δ^m."""
    if blocks is None:
        np.sum(D, axis=-1, keepdims=True, out=out)
        return
    for k, cols in enumerate(blocks):
        np.sum(D[:, cols], axis=-1, keepdims=True, out=out[k])


def softmax(z):
    """softmax over each column (axis −2), for (n, B) and (K, n, B) alike: activations.softmax's numbers."""
    e = np.exp(z - z.max(axis=-2, keepdims=True))
    return e / e.sum(axis=-2, keepdims=True)


def column(values):
    """One value per network as a (K, 1) column, to broadcast over θ (K, P)."""
    return np.array(values, dtype=np.float64).reshape(-1, 1)


class Stack:
    """The K networks' parameters laid end to end, one row each: θ (K, P).  W[m − 1], b[m − 1] are views of θ
    of shapes (K, n_m, n_{m−1}) and (K, n_m, 1); dW, db the same views of the gradient (K, P)."""

    def __init__(self, nets):
        params = nets[0].params
        ends = np.cumsum([0] + [p.size for p in params]).tolist()
        self.spans = [(slice(i, j), p.shape) for i, j, p in zip(ends[:-1], ends[1:], params)]
        self.theta = np.stack([np.concatenate([p.ravel() for p in net.params]) for net in nets])
        self.views()

    def views(self):
        K = len(self.theta)
        self.grad = np.empty_like(self.theta)
        P, G = ([A[:, span].reshape(K, *shape) for span, shape in self.spans] for A in (self.theta, self.grad))
        self.W, self.b, self.dW, self.db = P[0::2], P[1::2], G[0::2], G[1::2]

    def of(self, row, A=None):
        """Row ``row`` of θ (or of A, laid out like θ) as arrays shaped like the network's [W^1, b^1, …]."""
        A = self.theta if A is None else A
        return [A[row, span].reshape(shape) for span, shape in self.spans]

    def keep(self, rows):
        self.theta = self.theta[rows]
        self.views()


class Steps:
    """The optimizers' rule applied to θ (K, P) at once: hyper-parameters as (K, 1) columns, state as θ."""

    def __init__(self, optimizers, stack):
        self.opts, self.kind, self.stack = list(optimizers), type(optimizers[0]), stack
        self.h = {name: [getattr(opt, "_" + name) for opt in self.opts] for name in HYPER[self.kind]}
        mu = self.h.get("momentum", [0.0])
        keys = {SGD: ["v"] if any(mu) else [], AdaGrad: ["s"], RMSProp: ["s"], Adam: ["v", "s"]}[self.kind]
        self.state = {key: np.stack([np.concatenate([s[key].ravel() for s in opt.state]) for opt in self.opts])
                      for key in keys}
        self.t = [opt.state[0]["t"] for opt in self.opts] if self.kind is Adam else None
        self.nesterov = [opt.nesterov for opt in self.opts] if self.kind is SGD else None
        self.columns()

    def columns(self):
        self.c = {name: column(values) for name, values in self.h.items()}
        if self.kind is SGD:
            self.plain = np.flatnonzero(self.c["momentum"][:, 0] == 0)     # μ = 0: θ ← θ − α g, no velocity
            self.plain = self.plain if 0 < self.plain.size < len(self.opts) else None
            self.mixed = len(set(self.nesterov)) > 1 and column(self.nesterov).astype(bool)
        self.uniform = self.kind is Adam and len(set(zip(self.h["beta1"], self.h["beta2"], self.t))) == 1

    def set_lr(self):
        self.h["lr"] = [opt._lr for opt in self.opts]
        self.c["lr"] = column(self.h["lr"])

    def correction(self, name):
        """1 − βᵗ per network, as Python computes it for one optimizer (one number when all agree)."""
        if self.uniform:
            return 1.0 - self.h[name][0] ** self.t[0]
        return column([1.0 - b ** t for b, t in zip(self.h[name], self.t)])

    def __call__(self):
        theta, g, c, state = self.stack.theta, self.stack.grad, self.c, self.state
        if self.kind is SGD:
            if "v" not in state:
                theta -= c["lr"] * g                                 # θ ← θ − α g
                return
            v = state["v"]
            v *= c["momentum"]                                       # v ← μ v + g
            v += g
            if self.plain is not None:
                v[self.plain] = g[self.plain]
            if self.mixed is not False:
                theta -= c["lr"] * np.where(self.mixed, g + c["momentum"] * v, v)
            elif self.nesterov[0]:
                theta -= c["lr"] * (g + c["momentum"] * v)           # θ ← θ − α (g + μ v)
            else:
                theta -= c["lr"] * v                                 # θ ← θ − α v
        elif self.kind is AdaGrad:
            state["s"] += g * g                                      # s ← s + g²
            theta -= c["lr"] * g / (np.sqrt(state["s"]) + c["eps"])  # θ ← θ − α g / (√s + ε)
        elif self.kind is RMSProp:
            s = state["s"]
            s *= c["rho"]                                            # s ← ρ s + (1 − ρ) g²
            s += (1.0 - c["rho"]) * g * g
            theta -= c["lr"] * g / (np.sqrt(s) + c["eps"])
        else:
            v, s = state["v"], state["s"]
            self.t = [t + 1 for t in self.t]                         # t ← t + 1
            v *= c["beta1"]                                          # v ← β₁ v + (1 − β₁) g
            v += (1.0 - c["beta1"]) * g
            s *= c["beta2"]                                          # s ← β₂ s + (1 − β₂) g²
            s += (1.0 - c["beta2"]) * g * g
            v_hat = v / self.correction("beta1")                     # v̂ = v / (1 − β₁ᵗ)
            s_hat = s / self.correction("beta2")                     # ŝ = s / (1 − β₂ᵗ)
            theta -= c["lr"] * v_hat / (np.sqrt(s_hat) + c["eps"])   # θ ← θ − α v̂ / (√ŝ + ε)

    def write_back(self, row):
        """Network ``row``'s optimizer state into its optimizer, as train leaves it."""
        opt = self.opts[row]
        for key, A in self.state.items():
            if key == "v" and self.kind is SGD and not opt.momentum:
                continue                                             # plain SGD never touches v
            for s, value in zip(opt.state, self.stack.of(row, A)):
                s[key][...] = value
        if self.t is not None:
            for s in [*opt.state, *([opt._joined.state] if opt._joined is not None else [])]:
                s["t"] = self.t[row]

    def keep(self, rows):
        self.opts = [self.opts[r] for r in rows]
        self.h = {name: [values[r] for r in rows] for name, values in self.h.items()}
        self.state = {key: A[rows] for key, A in self.state.items()}
        self.t = None if self.t is None else [self.t[r] for r in rows]
        self.nesterov = None if self.nesterov is None else [self.nesterov[r] for r in rows]
        self.columns()
