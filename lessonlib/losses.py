"""Costs J(a, y) averaged over the batch, each beside its gradient dJ/da.  Taught in notebook 02.

  "mse":            J = 1/(2B) Σ ||a − y||²           dJ/da = (a − y) / B
  "cross_entropy":  J = −1/B Σ y · log a               dJ/da = −y / (B a)

With a softmax output the two chain-rule factors of δ^L collapse to δ^L = (a − y) / B
(see ``Network.backward``).  Logs are taken of max(a, tiny) so log(0) never warns.
"""
import numpy as np

TINY = np.finfo(np.float64).tiny


class Loss:
    """A named cost: J(a, y) and dJ_da(a, y), both averaged over the B columns."""

    def __init__(self, name, J, dJ_da):
        self.name, self.J, self.dJ_da = name, J, dJ_da

    def __repr__(self):
        return f"Loss({self.name!r})"


def mse(a, y):
    """J = 1/(2B) Σ ||a − y||²."""
    return 0.5 * float(np.sum((a - y) ** 2)) / a.shape[1]


def mse_dJ_da(a, y):
    return (a - y) / a.shape[1]


def cross_entropy(a, y):
    """J = −1/B Σ y · log a (a = predicted probabilities, y = one-hot targets)."""
    return -float(np.sum(y * np.log(np.maximum(a, TINY)))) / a.shape[1]


def cross_entropy_dJ_da(a, y):
    return -y / (np.maximum(a, TINY) * a.shape[1])


def cross_entropy_from_z(z, y):
    """The same J for a softmax output, from z^L: log a = z − max − log Σ e^{z − max}.

    Exact where a would round to 0, so the cost keeps growing as training diverges."""
    shifted = z - z.max(axis=0, keepdims=True)
    log_a = shifted - np.log(np.exp(shifted).sum(axis=0, keepdims=True))
    return -float(np.sum(y * log_a)) / z.shape[1]


LOSSES = {
    "mse": Loss("mse", mse, mse_dJ_da),
    "cross_entropy": Loss("cross_entropy", cross_entropy, cross_entropy_dJ_da),
}


def get_loss(name):
    """The Loss called ``name``; a ValueError lists the valid names otherwise."""
    if not isinstance(name, str):
        raise TypeError(f"loss must be a name (str), one of {list(LOSSES)}; got {type(name).__name__}")
    if name not in LOSSES:
        raise ValueError(f"unknown loss {name!r}; choose one of {list(LOSSES)}")
    return LOSSES[name]
