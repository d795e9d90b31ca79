"""A fully connected network: forward keeps a cache, backward walks it.  Taught in notebook 02.

Notation (one example per column; B examples in a batch):
  a^0 = x                        (n_0, B)
  z^m = W^m a^{m-1} + b^m        (n_m, B)    W^m: (n_m, n_{m-1}),  b^m: (n_m, 1)
  a^m = f(z^m)                   (n_m, B)    f for hidden layers, the output f for m = L
  δ^m = ∂Ĵ/∂z^m                  (n_m, B)
Python lists hold layers 1..L in order (``weights[0]`` is W^1); inside the methods we pad them
with ``None`` in front so that ``W[m]`` reads as W^m.
"""
import numpy as np

from . import regularization, validation
from .activations import HIDDEN_ACTIVATIONS, get_activation
from .losses import cross_entropy_from_z, get_loss


class Cache:
    """What forward keeps for backward: ``a`` = [a^0 … a^L] and ``z`` = [z^1 … z^L]."""

    def __init__(self, a, z):
        self.a, self.z = a, z


class Gradients:
    """∂Ĵ/∂W^m as ``dW``, ∂Ĵ/∂b^m as ``db`` (shaped like the parameters) and ``delta`` = [δ^1 … δ^L]."""

    def __init__(self, dW, db, delta):
        self.dW, self.db, self.delta = dW, db, delta


def initial_weights(n_out, n_in, activation, rng):
    """He init for the ReLU family (std √(2/n_in)), Xavier/Glorot otherwise (std √(2/(n_in + n_out)))."""
    if activation in ("relu", "leaky_relu"):
        std = np.sqrt(2.0 / n_in)
    else:
        std = np.sqrt(2.0 / (n_in + n_out))
    return rng.normal(0.0, std, size=(n_out, n_in))


class Network:
    """sizes = [n_0, …, n_L]; f = activation for hidden layers, ``output`` for layer L."""

    def __init__(self, sizes, activation="sigmoid", output=None, loss="mse", l2=0.0, seed=None):
        if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__len__"):
            raise TypeError(f"sizes must be a list of layer sizes [n_0, ..., n_L]; got {sizes!r}")
        if len(sizes) < 2:
            raise ValueError(f"sizes needs at least two layer sizes [n_0, n_L]; got {list(sizes)}")
        self.sizes = [validation.positive_int(n, f"sizes[{i}]") for i, n in enumerate(sizes)]
        self.f = get_activation(activation, allowed=HIDDEN_ACTIVATIONS)
        self.f_out = get_activation(activation if output is None else output)
        self.loss = get_loss(loss)
        if self.loss.name == "cross_entropy" and self.f_out.name != "softmax":
            raise ValueError(f"loss='cross_entropy' needs output='softmax'; got output={self.f_out.name!r}")
        self.softmax_cross_entropy = self.loss.name == "cross_entropy"
        self.l2 = l2
        self.L = len(self.sizes) - 1                                       # layers with weights
        self.f_of = [None] + [self.f] * (self.L - 1) + [self.f_out]        # f_of[m]: layer m's activation
        rng = np.random.default_rng(seed)
        self.weights, self.biases = [], []
        for m in range(1, self.L + 1):
            self.weights.append(initial_weights(self.sizes[m], self.sizes[m - 1], self.activation_of(m).name, rng))
            self.biases.append(np.zeros((self.sizes[m], 1)))

    @property
    def l2(self):
        """λ, the weight of the L2 penalty in Ĵ = J + λ Ω."""
        return self._l2

    @l2.setter
    def l2(self, lam):
        self._l2 = validation.non_negative(lam, "l2 (λ)")

    @property
    def params(self):
        """[W^1, b^1, …, W^L, b^L]: the live arrays an optimizer updates."""
        return [p for Wb in zip(self.weights, self.biases) for p in Wb]

    def activation_of(self, m):
        """The activation of layer m (1..L): f for hidden layers, the output's for m = L."""
        return self.f_of[m]

    def __repr__(self):
        return (f"Network({self.sizes}, activation={self.f.name!r}, output={self.f_out.name!r}, "
                f"loss={self.loss.name!r}, l2={self.l2})")

    # ---- checked public entry points --------------------------------------------------
    def check_X(self, X, name="X"):
        return validation.as_batch(X, name, rows=self.sizes[0], what="input feature n_0")

    def check_Y(self, Y, B, name="Y"):
        Y = validation.as_batch(Y, name, rows=self.sizes[-1], what="output unit n_L")
        if Y.shape[1] != B:
            raise ValueError(f"{name} has {Y.shape[1]} columns but the batch has {B} examples; "
                             f"expected shape ({self.sizes[-1]}, {B}), got {Y.shape}")
        if self.softmax_cross_entropy and not (np.all(Y >= 0) and np.allclose(Y.sum(axis=0), 1.0)):
            raise ValueError(f"{name} must hold one-hot (or probability) columns for cross_entropy: "
                             f"entries ≥ 0, each column summing to 1")
        return Y

    def forward(self, X):
        """Forward propagation; returns the Cache (a^0 … a^L, z^1 … z^L)."""
        return self._forward(self.check_X(X))

    def backward(self, cache, Y):
        """Backpropagation: the gradients of Ĵ for the batch held in ``cache``."""
        return self._backward(cache, self.check_Y(Y, cache.a[0].shape[1]))

    def cost(self, X, Y):
        """Ĵ = J + λ Ω for the batch (X, Y)."""
        X = self.check_X(X)
        return self._cost(self._forward(X), self.check_Y(Y, X.shape[1]))

    def data_cost(self, X, Y):
        """J alone, without the penalty."""
        X = self.check_X(X)
        return self._data_cost(self._forward(X), self.check_Y(Y, X.shape[1]))

    def predict(self, X):
        """a^L, the network's output for X."""
        return self._forward(self.check_X(X)).a[-1]

    # ---- the math, unchecked (train calls these after checking once) ------------------
    def _forward(self, X):
        a, z = [X], []
        for m in range(1, self.L + 1):
            z.append(self.weights[m - 1] @ a[m - 1] + self.biases[m - 1])  # z^m = W^m a^{m-1} + b^m
            a.append(self.f_of[m].f(z[-1]))                               # a^m = f(z^m)
        return Cache(a, z)

    def _data_cost(self, cache, Y):
        if self.softmax_cross_entropy:
            return cross_entropy_from_z(cache.z[-1], Y)   # exact −1/B Σ y·log a, even when a ≈ 0
        return self.loss.J(cache.a[-1], Y)

    def _cost(self, cache, Y):
        J = self._data_cost(cache, Y)
        return J + self.l2 * regularization.penalty(self.weights) if self.l2 else J   # Ĵ = J + λ Ω

    def _backward(self, cache, Y):
        L, lam = self.L, self.l2
        W, a, z = [None] + self.weights, cache.a, [None] + cache.z   # W[m] = W^m, a[m] = a^m, z[m] = z^m
        delta, dW, db = [None] * (L + 1), [None] * (L + 1), [None] * (L + 1)
        if self.softmax_cross_entropy:
            # softmax + cross-entropy: f'(z^L) ⊙ ∂J/∂a collapses to (a^L − y)/B (tested against the general rule)
            delta[L] = (a[L] - Y) / Y.shape[1]
        else:
            delta[L] = self.f_out.chain(z[L], self.loss.dJ_da(a[L], Y))   # δ^L = f'(z^L) ⊙ ∂J/∂a
        for m in range(L, 0, -1):
            dW[m] = delta[m] @ a[m - 1].T                                  # ∂J/∂W^m = δ^m (a^{m-1})^T
            if lam:
                dW[m] += lam * regularization.penalty_gradient(W[m])       # + 2λ W^m (weights only)
            db[m] = delta[m].sum(axis=1, keepdims=True)                    # ∂J/∂b^m = Σ_batch δ^m
            if m > 1:
                delta[m - 1] = self.f.chain(z[m - 1], W[m].T @ delta[m])   # δ^{m-1} = f'(z^{m-1}) ⊙ (W^m)^T δ^m
        return Gradients(dW[1:], db[1:], delta[1:])

    def gradients(self, X, Y):
        """Forward then backward for the batch (X, Y): the gradients of Ĵ."""
        X = self.check_X(X)
        return self._backward(self._forward(X), self.check_Y(Y, X.shape[1]))
