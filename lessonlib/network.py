"""A fully connected network: forward keeps a cache, backward walks it.  Taught in notebook 02.

Notation (one example per column; B examples in a batch) and where each lives in code.  Everything
a student indexes is indexed by the layer number m, as in the lesson:

  symbol          meaning                         code               m         shape
  a^0 = x         the input                       cache.a[0]         0         (n_0, B)
  z^m             W^m a^{m-1} + b^m               cache.z[m]         1..L      (n_m, B)
  a^m             f(z^m)                          cache.a[m]         0..L      (n_m, B)
  W^m, b^m        weights, biases                 net.W[m], net.b[m] 1..L      (n_m, n_{m-1}), (n_m, 1)
  δ^m             ∂Ĵ/∂z^m (the error)             grads.delta[m]     1..L      (n_m, B)
  ∂Ĵ/∂W^m         δ^m (a^{m-1})^T + 2λW^m         grads.dW[m]        1..L      like W^m
  ∂Ĵ/∂b^m         Σ over the batch of δ^m         grads.db[m]        1..L      like b^m

``net.weights`` / ``net.biases`` are the same arrays as plain Python lists (``weights[0]`` is W^1)
and ``net.params`` is [W^1, b^1, …, W^L, b^L]: what an optimizer walks.
"""
import copy
import numbers
import operator

import numpy as np

from . import regularization, validation
from .activations import HIDDEN_ACTIVATIONS, get_activation
from .losses import get_loss


class Layers:
    """Per-layer arrays indexed by the layer number m (first..L); iterating yields them in order."""

    __slots__ = ("items", "first", "symbol", "check")

    def __init__(self, items, first, symbol, check=None):
        self.items, self.first, self.symbol, self.check = items, first, symbol, check

    def _position(self, m):
        if isinstance(m, slice):
            raise TypeError(f"{self.symbol} is indexed by one layer number m at a time, not a slice; "
                            f"use list({self.symbol}) for all of them")
        try:
            m = operator.index(m)
        except TypeError:
            raise TypeError(f"{self.symbol}[m] needs an integer layer number m; got {m!r}") from None
        last = self.first + len(self.items) - 1
        k = m + last + 1 - self.first if m < 0 else m - self.first    # negative: −1 is layer L
        if not 0 <= k < len(self.items):
            zero = " (there is no layer 0 with weights: a^0 = x is the input)" if m == 0 else ""
            raise IndexError(f"{self.symbol}[{m}]: layers are numbered {self.first}..{last}, as in the "
                             f"lesson{zero}")
        return k

    def __getitem__(self, m):
        return self.items[self._position(m)]

    def __setitem__(self, m, value):
        k = self._position(m)
        self.items[k] = value if self.check is None else self.check(k, value)

    def __len__(self):
        return len(self.items)

    def __iter__(self):
        return iter(self.items)

    def __repr__(self):
        shapes = ", ".join(f"{m}: {np.shape(x)}" for m, x in enumerate(self.items, self.first))
        return f"<{self.symbol} by layer {{{shapes}}}>"


class ParamList(list):
    """``net.weights`` or ``net.biases``: a list (index 0 is layer 1) that checks what is put in it."""

    def __init__(self, items, net, kind):
        super().__init__(items)
        self.net, self.kind = net, kind

    def check(self, k, value):
        return self.net._checked(self.kind, k, value)

    def __reduce_ex__(self, protocol):          # copy / deepcopy / pickle rebuild it whole
        return ParamList, (list(self), self.net, self.kind)

    def __setitem__(self, k, value):
        if isinstance(k, slice):
            raise TypeError("set one layer's array at a time, e.g. net.W[1] = ...")
        k = operator.index(k)
        if not -len(self) <= k < len(self):
            raise IndexError(f"index {k} out of range: there are {len(self)} layers (index 0 is layer 1)")
        k %= len(self)
        super().__setitem__(k, self.check(k, value))

    def _refuse(self, *args, **kwargs):
        raise TypeError("the number of layers is fixed by sizes; build a new Network to change it")

    append = extend = insert = pop = remove = clear = __delitem__ = __iadd__ = _refuse


class Cache:
    """What forward keeps for backward: ``a[m]`` = a^m (m = 0..L) and ``z[m]`` = z^m (m = 1..L)."""

    __slots__ = ("_a", "_z", "owner")

    def __init__(self, a, z, owner=None):
        self._a, self._z, self.owner = a, z, owner          # plain lists; the views below number them

    a = property(lambda self: Layers(self._a, 0, "a"))
    z = property(lambda self: Layers(self._z, 1, "z"))

    def __repr__(self):
        return f"Cache(L={len(self.z)}, B={self.a[0].shape[1]})"


class Gradients:
    """∂Ĵ/∂W^m as ``dW[m]``, ∂Ĵ/∂b^m as ``db[m]`` and δ^m as ``delta[m]``, m = 1..L."""

    __slots__ = ("_dW", "_db", "_delta")

    def __init__(self, dW, db, delta):
        self._dW, self._db, self._delta = dW, db, delta      # plain lists; the views below number them

    dW = property(lambda self: Layers(self._dW, 1, "dW"))
    db = property(lambda self: Layers(self._db, 1, "db"))
    delta = property(lambda self: Layers(self._delta, 1, "delta"))

    def __repr__(self):
        return f"Gradients(L={len(self.dW)})"


def initial_weights(n_out, n_in, activation, rng):
    """He init for the ReLU family (std √(2/n_in)), Xavier/Glorot otherwise (std √(2/(n_in + n_out)))."""
    if activation in ("relu", "leaky_relu"):
        std = np.sqrt(2.0 / n_in)
    else:
        std = np.sqrt(2.0 / (n_in + n_out))
    return rng.normal(0.0, std, size=(n_out, n_in))


def check_seed(seed, name="seed"):
    """None, an int ≥ 0 or a numpy Generator (numpy's default_rng rules), with a message naming the argument."""
    return validation.seed(seed, name)


def check_sizes(sizes):
    if isinstance(sizes, (str, bytes, set, frozenset, dict)) or not hasattr(sizes, "__len__"):
        raise TypeError(f"sizes must be an ordered list of layer sizes [n_0, ..., n_L]; got {sizes!r}")
    if len(sizes) < 2:
        raise ValueError(f"sizes needs at least two layer sizes [n_0, n_L]; got {list(sizes)}")
    return [validation.positive_int(n, f"sizes[{i}]") for i, n in enumerate(sizes)]


class Network:
    """sizes = [n_0, …, n_L]; f = activation for hidden layers, ``output`` for layer L."""

    def __init__(self, sizes, activation="sigmoid", output=None, loss="mse", l2=0.0, seed=None):
        self.sizes = check_sizes(sizes)
        self.L = len(self.sizes) - 1                                       # layers with weights
        self.f = get_activation(activation, allowed=HIDDEN_ACTIVATIONS)
        self.f_out = get_activation(activation if output is None else output)
        self.loss = get_loss(loss)
        if self.loss.output is not None and self.f_out.name != self.loss.output:
            raise ValueError(f"loss={self.loss.name!r} needs output={self.loss.output!r}; "
                             f"got output={self.f_out.name!r}")
        if self.f_out.name == "softmax" and self.sizes[-1] == 1:
            raise ValueError(f"output='softmax' needs at least 2 output units; got sizes {self.sizes}: a softmax over "
                             f"one unit is always 1, so the cost never changes and the network cannot learn. For two "
                             f"classes use 2 output units with softmax + cross_entropy (one-hot Y of shape (2, B)), or "
                             f"1 unit with output='sigmoid' and loss='mse' (Y of 0s and 1s); lessonlib has no binary "
                             f"cross-entropy")
        self.l2 = l2
        self.f_of = [None] + [self.f] * (self.L - 1) + [self.f_out]        # f_of[m]: layer m's activation
        rng = np.random.default_rng(check_seed(seed))
        self.weights = [initial_weights(self.sizes[m], self.sizes[m - 1], self.f_of[m].name, rng)
                        for m in range(1, self.L + 1)]
        self.biases = [np.zeros((self.sizes[m], 1)) for m in range(1, self.L + 1)]

    # ---- parameters, checked when a student sets them ---------------------------------------
    def _shape(self, kind, k):
        return (self.sizes[k + 1], self.sizes[k]) if kind == "W" else (self.sizes[k + 1], 1)

    def _checked(self, kind, k, value):
        name = f"{kind}^{k + 1}"
        if isinstance(value, np.ndarray) and value.dtype.kind in "biu":
            value = value.astype(np.float64)                   # whole numbers keep their meaning
        if not isinstance(value, np.ndarray) or value.dtype != np.float64:
            kind_of = value.dtype if isinstance(value, np.ndarray) else type(value).__name__
            raise TypeError(f"{name} must be a float64 numpy array of shape {self._shape(kind, k)}; got {kind_of}")
        if value.shape != self._shape(kind, k):
            raise ValueError(f"{name} must have shape {self._shape(kind, k)} (n_{k + 1}, "
                             f"{'n_' + str(k) if kind == 'W' else '1'}); got {value.shape}")
        if not np.isfinite(value).all():
            raise ValueError(f"{name} contains NaN or inf: {int(np.size(value) - np.isfinite(value).sum())} "
                             f"of {value.size} entries")
        return value

    def _layer_list(self, arrays, name, symbol):
        if not isinstance(arrays, (list, tuple)):
            raise TypeError(f"{name} must be a list of arrays [{symbol}^1, ..., {symbol}^L]; "
                            f"got {type(arrays).__name__}")
        if len(arrays) != self.L:
            raise ValueError(f"{name} needs {self.L} arrays ({symbol}^1..{symbol}^L); got {len(arrays)}")
        return arrays

    @property
    def weights(self):
        """[W^1, …, W^L] as a list (``weights[0]`` is W^1); ``net.W[m]`` indexes by layer number."""
        return self._weights

    @weights.setter
    def weights(self, Ws):
        Ws = self._layer_list(Ws, "weights", "W")
        self._weights = ParamList([self._checked("W", k, W) for k, W in enumerate(Ws)], self, "W")

    @property
    def biases(self):
        """[b^1, …, b^L] as a list; ``net.b[m]`` indexes by layer number."""
        return self._biases

    @biases.setter
    def biases(self, bs):
        bs = self._layer_list(bs, "biases", "b")
        self._biases = ParamList([self._checked("b", k, b) for k, b in enumerate(bs)], self, "b")

    @property
    def W(self):
        """W^m as ``net.W[m]``, m = 1..L (the same arrays as ``net.weights``)."""
        return Layers(self._weights, 1, "W", lambda k, W: self._checked("W", k, W))

    @property
    def b(self):
        """b^m as ``net.b[m]``, m = 1..L."""
        return Layers(self._biases, 1, "b", lambda k, b: self._checked("b", k, b))

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
        return [p for Wb in zip(self._weights, self._biases) for p in Wb]

    def copy(self):
        """An independent copy: same sizes, functions and λ, copies of every parameter."""
        return copy.deepcopy(self)

    def activation_of(self, m):
        """The activation of layer m (1..L): f for hidden layers, the output's for m = L."""
        if not (isinstance(m, numbers.Integral) and 1 <= m <= self.L):
            raise IndexError(f"layers with an activation are numbered 1..{self.L}; got {m!r}")
        return self.f_of[m]

    def __repr__(self):
        return (f"Network({self.sizes}, activation={self.f.name!r}, output={self.f_out.name!r}, "
                f"loss={self.loss.name!r}, l2={self.l2})")

    # ---- checked public entry points --------------------------------------------------------
    def check_X(self, X, name="X"):
        return validation.as_batch(X, name, rows=self.sizes[0], what="input feature n_0")

    def check_Y(self, Y, B, name="Y"):
        Y = validation.as_batch(Y, name, rows=self.sizes[-1], what="output unit n_L")
        if Y.shape[1] != B:
            raise ValueError(f"{name} has {Y.shape[1]} columns but the batch has {B} examples; "
                             f"expected shape ({self.sizes[-1]}, {B}), got {Y.shape}")
        if self.loss.name == "cross_entropy" and not (np.all(Y >= 0) and np.allclose(Y.sum(axis=0), 1.0)):
            raise ValueError(f"{name} must hold one-hot (or probability) columns for cross_entropy: "
                             f"entries ≥ 0, each column summing to 1")
        return Y

    def check_params(self):
        """Refuse NaN/inf in any W^m or b^m (an entry written in place, or left by a diverged update)."""
        for symbol, arrays in (("W", self._weights), ("b", self._biases)):
            for m, A in enumerate(arrays, start=1):
                if not np.isfinite(A).all():
                    validation.finite(A, f"net.{symbol}[{m}] ({symbol}^{m})",
                                      " (written into it after it was set, or left by a diverged update)")
        return self

    def check_cache(self, cache):
        if not isinstance(cache, Cache):
            raise TypeError(f"backward takes the cache that forward returned (cache = net.forward(X); "
                            f"net.backward(cache, Y)); got {type(cache).__name__}")
        if cache.owner is not self:
            raise ValueError("this cache was made by another network's forward; call forward on this network")
        return cache

    def forward(self, X):
        """Forward propagation; returns the Cache (a^0 … a^L, z^1 … z^L)."""
        return self.check_params()._forward(self.check_X(X))

    def backward(self, cache, Y):
        """Backpropagation: the gradients of Ĵ for the batch held in ``cache``."""
        cache = self.check_params().check_cache(cache)
        return self._backward(cache, self.check_Y(Y, cache._a[0].shape[1]))

    def cost(self, X, Y):
        """Ĵ = J + λ Ω for the batch (X, Y)."""
        X = self.check_params().check_X(X)
        return self._cost(self._forward(X), self.check_Y(Y, X.shape[1]))

    def data_cost(self, X, Y):
        """J alone, without the penalty."""
        X = self.check_params().check_X(X)
        return self._data_cost(self._forward(X), self.check_Y(Y, X.shape[1]))

    def predict(self, X):
        """a^L, the network's output for X."""
        return self.check_params()._forward(self.check_X(X))._a[-1]

    def gradients(self, X, Y):
        """Forward then backward for the batch (X, Y): the gradients of Ĵ."""
        X = self.check_params().check_X(X)
        return self._backward(self._forward(X), self.check_Y(Y, X.shape[1]))

    # ---- the math, unchecked (train calls these after checking once) ------------------------
    def _forward(self, X):
        a, z = [X], [None]                                             # a[m] = a^m, z[m] = z^m
        for m in range(1, self.L + 1):
            z.append(self._weights[m - 1] @ a[m - 1] + self._biases[m - 1])   # z^m = W^m a^{m-1} + b^m
            a.append(self.f_of[m].f(z[m]))                                  # a^m = f(z^m)
        return Cache(a, z[1:], self)

    def _data_cost(self, cache, Y):
        return self.loss.cost(cache._z[-1], cache._a[-1], Y)

    def _cost(self, cache, Y):
        J = self._data_cost(cache, Y)
        return J + self.l2 * regularization.penalty(self._weights) if self.l2 else J   # Ĵ = J + λ Ω

    def _backward(self, cache, Y):
        L, lam, f = self.L, self.l2, self.f
        W = [None] + self._weights                          # W[m] = W^m
        a, z = cache._a, [None] + cache._z                  # a[m] = a^m, z[m] = z^m
        delta, dW, db = [None] * (L + 1), [None] * (L + 1), [None] * (L + 1)
        delta[L] = self.loss.delta(z[L], a[L], Y, self.f_out)              # δ^L = f'(z^L) ⊙ ∂J/∂a
        for m in range(L, 0, -1):
            dW[m] = delta[m] @ a[m - 1].T                                  # ∂J/∂W^m = δ^m (a^{m-1})^T
            if lam:
                dW[m] += lam * regularization.penalty_gradient(W[m])       # + 2λ W^m (weights only)
            db[m] = delta[m].sum(axis=1, keepdims=True)                    # ∂J/∂b^m = Σ_batch δ^m
            if m > 1:
                delta[m - 1] = f.f_prime(z[m - 1]) * (W[m].T @ delta[m])   # δ^{m-1} = f'(z^{m-1}) ⊙ (W^m)^T δ^m
        return Gradients(dW[1:], db[1:], delta[1:])
