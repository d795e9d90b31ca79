"""Costs J(a, y) averaged over the batch, each beside its gradient ∂J/∂a and its δ^L.  Notebook 02.

  "mse":            J = 1/(2B) Σ ||a − y||²     ∂J/∂a = (a − y) / B      δ^L = f'(z^L) ⊙ ∂J/∂a
  "cross_entropy":  J = −1/B Σ y · log a         ∂J/∂a = −y / (B a)       δ^L = (a − y) / B   (softmax output)

A loss owns the output layer's error δ^L (as a cost's ``delta`` does in Nielsen's network2.py), so
``Network.backward`` has no special case.  The general rule is f'(z^L) ⊙ ∂J/∂a (a Jacobian product
for softmax); cross-entropy is only paired with a softmax output, where that product collapses to
(a − y)/B: notebook 02 derives it, tests/test_losses.py checks it against the general rule.
Logs are taken of max(a, tiny) so log(0) never warns.
"""
import numpy as np

TINY = np.finfo(np.float64).tiny


class Loss:
    """A named cost: J(a, y), ∂J/∂a and the output error δ^L, all averaged over the B columns."""

    def __init__(self, name, J, dJ_da, delta=None, cost=None, output=None):
        self.name, self.J, self.dJ_da = name, J, dJ_da
        self.output = output                   # the output activation this loss requires, if any
        if delta is not None:
            self.delta = delta
        if cost is not None:
            self.cost = cost

    def delta(self, z, a, y, f_out):
        """δ^L = f'(z^L) ⊙ ∂J/∂a^L, the lesson's general rule (a Jacobian product for softmax)."""
        return f_out.chain(z, self.dJ_da(a, y))

    def cost(self, z, a, y):
        """J for the batch, given the output layer's z^L and a^L."""
        return self.J(a, y)

    def __reduce__(self):                        # one object per name: copies and pickles share it
        return get_loss, (self.name,)

    def __deepcopy__(self, memo):
        return self

    def __repr__(self):
        return f"Loss({self.name!r})"


def mse(a, y):
    """J = 1/(2B) Σ ||a − y||² (half the mean squared error, so that ∂J/∂a has no 2); inf, without a
    warning, when the squares overflow float64."""
    with np.errstate(over="ignore"):
        return 0.5 * float(np.sum((a - y) ** 2)) / a.shape[1]


def mse_dJ_da(a, y):
    return (a - y) / a.shape[1]


def cross_entropy(a, y):
    """J = −1/B Σ y · log a (a = predicted probabilities, y = one-hot targets)."""
    return -float(np.sum(y * np.log(np.maximum(a, TINY)))) / a.shape[1]


def cross_entropy_dJ_da(a, y):
    return -y / (np.maximum(a, TINY) * a.shape[1])


def softmax_cross_entropy_delta(z, a, y, f_out):
    """δ^L = (a − y)/B: with a softmax output, (diag(a) − a aᵀ)(−y/(B a)) = (a Σy − y)/B and Σy = 1."""
    return (a - y) / a.shape[1]


def cross_entropy_from_z(z, a, y):
    """The same J from z^L: log a = z − max − log Σ e^{z − max}, exact where a would round to 0."""
    shifted = z - z.max(axis=0, keepdims=True)
    log_a = shifted - np.log(np.exp(shifted).sum(axis=0, keepdims=True))
    return -float(np.sum(y * log_a)) / z.shape[1]


LOSSES = {
    "mse": Loss("mse", mse, mse_dJ_da),
    "cross_entropy": Loss("cross_entropy", cross_entropy, cross_entropy_dJ_da,
                          delta=softmax_cross_entropy_delta, cost=cross_entropy_from_z, output="softmax"),
}


def get_loss(name):
    """The Loss called ``name``; a ValueError lists the valid names otherwise."""
    if not isinstance(name, str):
        raise TypeError(f"loss must be a name (str), one of {list(LOSSES)}; got {type(name).__name__}")
    if name not in LOSSES:
        raise ValueError(f"unknown loss {name!r}; choose one of {list(LOSSES)}")
    return LOSSES[name]
