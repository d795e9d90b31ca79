"""L2 regularization, the lesson's Ω(θ): Ĵ = J + λ Ω, with Ω = Σ_m ||W^m||²_F.  Taught in notebook 04.

Only the weights are penalised, never the biases: a bias shifts a neuron's threshold and does not
make the model more wiggly, so shrinking it only costs fit.
"""
import numpy as np


def penalty(weights):
    """Ω = Σ_m ||W^m||²_F, the sum of every squared weight (biases excluded)."""
    return float(sum(np.sum(W * W) for W in weights))


def penalty_gradient(W):
    """∂Ω/∂W^m = 2 W^m, so ∂Ĵ/∂W^m gains 2λ W^m."""
    return 2.0 * W
