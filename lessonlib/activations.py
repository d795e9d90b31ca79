"""Activation functions f(z), each beside its derivative f'(z).  Taught in notebook 02.

Every activation offers
  f(z)              a = f(z), applied to each column z (one example per column)
  f_prime(z)        f'(z), element-wise
  chain(z, dJ_da)   dJ/dz = f'(z) ⊙ dJ/da, the first factor of δ = ∂J/∂z

For the element-wise activations ``chain`` is exactly f'(z) ⊙ dJ/da.  Softmax mixes the entries
of a column, so its Jacobian is a full matrix; its ``chain`` multiplies by that Jacobian
(diag(a) − a aᵀ) and its ``f_prime`` returns only the diagonal a ⊙ (1 − a), for reference.
"""
import functools

import numpy as np


class Activation:
    """A named activation: f(z), f'(z) and the chain-rule product f'(z) ⊙ dJ/da."""

    def __init__(self, name, f, f_prime, chain=None):
        self.name, self.f, self.f_prime = name, f, f_prime
        if chain is not None:          # a faster or non-element-wise version of f'(z) ⊙ dJ/da
            self.chain = chain

    def chain(self, z, dJ_da):
        """dJ/dz for this layer: f'(z) ⊙ dJ/da (a Jacobian product for softmax)."""
        return self.f_prime(z) * dJ_da

    def __reduce__(self):                        # one object per name: copies and pickles share it
        return get_activation, (self.name,)

    def __deepcopy__(self, memo):
        return self

    def __repr__(self):
        return f"Activation({self.name!r})"


def sigmoid(z):
    """σ(z) = 1 / (1 + e^{−z}), computed without overflow (scipy's expit)."""
    return _expit()(z)


@functools.cache
def _expit():
    """scipy's expit, imported on first use (importing scipy.special takes 0.16 s) and kept."""
    from scipy.special import expit
    return expit


def sigmoid_prime(z):
    """σ'(z) = σ(z) (1 − σ(z))."""
    s = sigmoid(z)
    return s * (1.0 - s)


def tanh(z):
    return np.tanh(z)


def tanh_prime(z):
    """tanh'(z) = 1 − tanh²(z)."""
    return 1.0 - np.tanh(z) ** 2


def relu(z):
    """max(z, 0)."""
    return np.maximum(z, 0.0)


def relu_prime(z):
    """1 where z > 0, else 0 (we take 0 at the kink z = 0)."""
    return (z > 0).astype(np.float64)


LEAKY_SLOPE = 0.01


def leaky_relu(z):
    """z where z > 0, else 0.01 z."""
    return np.where(z > 0, z, LEAKY_SLOPE * z)


def leaky_relu_prime(z):
    return np.where(z > 0, 1.0, LEAKY_SLOPE)


def identity(z):
    return z


def identity_prime(z):
    return np.ones_like(z)


def softmax(z):
    """a_i = e^{z_i} / Σ_j e^{z_j} per column, shifted by the column's max so e^{·} never overflows."""
    e = np.exp(z - z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def softmax_prime(z):
    """The diagonal of softmax's Jacobian, a ⊙ (1 − a).  Backprop needs the full Jacobian: see ``chain``."""
    a = softmax(z)
    return a * (1.0 - a)


def softmax_chain(z, dJ_da):
    """(diag(a) − a aᵀ) dJ/da per column = a ⊙ (dJ/da − aᵀ dJ/da)."""
    a = softmax(z)
    return a * (dJ_da - (a * dJ_da).sum(axis=0, keepdims=True))


ACTIVATIONS = {
    "sigmoid": Activation("sigmoid", sigmoid, sigmoid_prime),
    "tanh": Activation("tanh", tanh, tanh_prime),
    "relu": Activation("relu", relu, relu_prime),
    "leaky_relu": Activation("leaky_relu", leaky_relu, leaky_relu_prime),
    "identity": Activation("identity", identity, identity_prime),
    "softmax": Activation("softmax", softmax, softmax_prime, chain=softmax_chain),
}
HIDDEN_ACTIVATIONS = tuple(name for name in ACTIVATIONS if name != "softmax")


def get_activation(name, allowed=tuple(ACTIVATIONS)):
    """The Activation called ``name``; a ValueError lists the valid names otherwise."""
    if not isinstance(name, str):
        raise TypeError(f"activation must be a name (str), one of {list(allowed)}; got {type(name).__name__}")
    if name in ACTIVATIONS and name not in allowed:
        raise ValueError(f"{name!r} can only be the output layer's activation (output={name!r}); "
                         f"hidden layers take one of {list(allowed)}")
    if name not in allowed:
        raise ValueError(f"unknown activation {name!r}; choose one of {list(allowed)}")
    return ACTIVATIONS[name]
