"""Lesson 02 §5: gradient checking's experiments and figures (re-exported by ``backprop_lab``).

    one_weight, one_sided_errors, plot_step_errors, plot_shifted   how small a step (Exercise 2 and after)
    backward_without_f_prime, count_forward_passes                 a bug the check catches, and its price
"""
import numpy as np

from .network import Gradients
from .plots import BLACK, BLUE, VERMILLION, axes_or_new


def backward_without_f_prime(net, X, Y):
    """Backprop with a classic bug: δ^m = (W^{m+1})^T δ^{m+1}, the factor f'(z^m) forgotten in hidden layers."""
    cache = net.forward(X)
    right = net.backward(cache, Y)                  # δ^L and everything in layer L are still right
    L, W, a = net.L, net.W, cache.a
    delta, dW, db = {L: right.delta[L]}, {L: right.dW[L]}, {L: right.db[L]}
    for m in range(L - 1, 0, -1):
        delta[m] = W[m + 1].T @ delta[m + 1]        # BUG: should be f'(z^m) ⊙ (W^{m+1})^T δ^{m+1}
        dW[m] = delta[m] @ a[m - 1].T
        db[m] = delta[m].sum(axis=1, keepdims=True)
    layers = range(1, L + 1)
    return Gradients([dW[m] for m in layers], [db[m] for m in layers], [delta[m] for m in layers])


def count_forward_passes(net, compute):
    """(result of compute(), number of forward passes through ``net`` it made)."""
    calls = [0]
    inner = net._forward

    def counted(X):
        calls[0] += 1
        return inner(X)

    net._forward = counted                          # the instance's own attribute shadows the method
    try:
        result = compute()
    finally:
        del net._forward
    return result, calls[0]


def one_weight(net, X, Y, m, r, c):
    """(J_of, w, exact): the cost as a function of the one weight W^m_rc (row r, column c; the others as in
    ``net``), the weight's value and backprop's ∂J/∂W^m_rc (lessonlib's), for measuring a difference quotient."""
    w, exact = float(net.W[m][r, c]), float(net.gradients(X, Y).dW[m][r, c])
    probe = net.copy()

    def J_of(value):
        probe.W[m][r, c] = value
        return probe.cost(X, Y)
    return J_of, w, exact


def one_sided_errors(J_of, w, exact, steps):
    """The discrepancy |(J(w + Δ) − J(w))/Δ − exact| for each step Δ: the one-sided quotient, for comparison."""
    J = J_of(w)
    return np.array([abs((J_of(w + step) - J) / step - exact) for step in steps])


def plot_step_errors(steps, central, one_sided, ax=None):
    """The discrepancy |quotient − exact| of the central and the one-sided quotient against the step Δ, log–log."""
    ax = axes_or_new(ax, figsize=(9, 3.0))
    ax.loglog(steps, central, "o-", color=BLACK, label="central difference")
    ax.loglog(steps, one_sided, "s--", color=VERMILLION, label="one-sided difference")
    ax.set(xlabel="step Δ", ylabel="discrepancy",
           title="How far a finite difference lands from the derivative")
    ax.legend(loc="upper center")
    return ax


def plot_shifted(steps, central, shifted, shift=1000, ax=None):
    """The central quotient's discrepancy against Δ for J and for J + ``shift`` (the same slopes), log–log."""
    ax = axes_or_new(ax, figsize=(9, 3.0))
    ax.loglog(steps, central, "o-", color=BLACK, label="J")
    ax.loglog(steps, shifted, "^-", color=BLUE, label=f"J + {shift:g}")
    for discrepancies, color in ((central, BLACK), (shifted, BLUE)):
        best = int(np.argmin(discrepancies))
        ax.plot(steps[best], discrepancies[best], "o", markersize=16, markerfacecolor="none", markeredgecolor=color,
                markeredgewidth=2)
    ax.set(xlabel="step Δ", ylabel="discrepancy",
           title="The central difference for J and for J + 1000 (circled: the best Δ)")
    ax.legend(loc="upper center")
    return ax
