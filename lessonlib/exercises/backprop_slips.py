"""More catalogued mistakes for notebook 02's exercises (backprop.py, train_loop.py), from typical answers written
blind: the backward pass sending the error through W^{m-1} or W^{m+1}, moving δ back before its gradients, an
extra 1/B on ∂J/∂W; the softmax shifted by each row's max, ∂J/∂a without the Jacobian; a loop that records
the starting cost too or indexes examples as rows.  From the second blind set: f′ of the wrong layer, δ^L
the long way (−y/(B·a) through the Jacobian, NaN once an output rounds to 0), X and Y shuffled differently.  Some of them raise on the cases (shapes that cannot
meet, a layer that does not exist): the harness names them by the same error.  Imported at the end of
backprop.py."""
import numpy as np

from .backprop import BACKWARD, DELTA_SOFTMAX_CE, _softmax
from .harness import Mistake
from .train_loop import TRAIN_SGD


def _backward(back=lambda W, m: W[m], prev=lambda cache, m, L: cache.a[m - 1], dW_over_B=False, f_of_layer=None):
    """The backward loop with one piece replaced: the W the error goes back through, the activations a layer's
    ∂J/∂W uses, an extra 1/B on ∂J/∂W, or f′(z^m) applied to δ^m before it goes back (``f_of_layer``: m)."""
    def backward(net, cache, Y, delta_L=None):
        L, dW, db = net.L, [None] * (net.L + 1), [None] * (net.L + 1)
        a, z = cache.a, cache.z
        delta = net.f_of[L].f_prime(z[L]) * (a[L] - Y) / Y.shape[1] if delta_L is None else delta_L
        for m in range(L, 0, -1):
            dW[m] = delta @ prev(cache, m, L).T / (delta.shape[1] if dW_over_B else 1)
            db[m] = delta.sum(axis=1, keepdims=True)
            if m > 1:
                if f_of_layer:                                    # f′ of layer m, applied before W^m
                    delta = back(net.W, m).T @ (net.f_of[m].f_prime(z[m]) * delta)
                else:
                    delta = net.f_of[m - 1].f_prime(z[m - 1]) * (back(net.W, m).T @ delta)
        return dW, db
    return backward


BACKWARD.mistakes += [
    Mistake("W of the wrong layer", "the error goes back through W^{m-1} instead of W^m: δ^m left layer m "
            "through the weights W^m that made z^m, so δ^{m-1} = f′(z^{m-1}) ⊙ (W^m)^T δ^m (net.W[m]); with "
            "W^{m-1} the shapes only meet when the layers happen to have equal sizes.",
            _backward(back=lambda W, m: W[m - 1])),
    Mistake("W of the next layer", "the error goes back through W^{m+1}, the layer above, which the output "
            "layer does not have: δ^m left layer m through the weights W^m that made z^m, so "
            "δ^{m-1} = f′(z^{m-1}) ⊙ (W^m)^T δ^m (net.W[m]).", _backward(back=lambda W, m: W[m + 1])),
    Mistake("1/B again on ∂J/∂W", "every ∂J/∂W^m is B times too small: δ^m already holds the 1/B of the "
            "batch average (it comes from δ^L = (a^L − y)/B), so ∂J/∂W^m = δ^m (a^{m-1})^T with no "
            "second 1/B.", _backward(dW_over_B=True)),
    Mistake("δ moved back before its gradients", "below the output layer, ∂J/∂W^m uses a^m instead of a^{m-1}: "
            "δ was moved back one layer before ∂J/∂W^m was computed (or the index was shifted with it). "
            "In each pass of the loop take dW[m] = δ^m (a^{m-1})^T and db[m] first, then move δ back.",
            _backward(prev=lambda cache, m, L: cache.a[m - 1] if m == L else cache.a[m])),
    Mistake("f′ of the wrong layer", "the error was multiplied by f′(z^m), the derivative of the layer it is "
            "LEAVING, before going back through W^m: eq. (2) takes f′ of the layer it arrives at, "
            "δ^{m-1} = f′(z^{m-1}) ⊙ (W^m)^T δ^m (δ^m already holds its own layer's f′).",
            _backward(f_of_layer=True)),
]


def _row_shifted(z, Y):
    e = np.exp(z - z.max(axis=1, keepdims=True))             # each ROW's max: not one constant per column
    return (e / e.sum(axis=0, keepdims=True) - Y) / z.shape[1]


def _the_long_way(z, Y):
    a = _softmax(z)
    dJ_da = -Y / (z.shape[1] * a)                             # 0/0 where a rounded to 0
    return a * dJ_da - a * np.sum(a * dJ_da, axis=0, keepdims=True)   # (diag(a) − a aᵀ) ∂J/∂a, per column


DELTA_SOFTMAX_CE.mistakes += [
    Mistake("shifted by the row max", "you subtracted each row's max: the softmax of a column only stays the "
            "same when one constant is subtracted from the whole column, so subtract each column's max, "
            "z.max(axis=0, keepdims=True).", _row_shifted),
    Mistake("divided by an output that rounded to 0",
            "right in exact arithmetic, but not stable: at z ≈ 1000 a softmax output rounds to 0, and −y/(B·a) "
            "divides by it (0/0 = NaN, then the whole column through the Jacobian). Simplify the product "
            "J_softmax · ∂J/∂a on paper first: it is the closed form (a − y)/B, which never divides by a.",
            _the_long_way),
    Mistake("∂J/∂a only", "that is ∂J/∂a^L = −y/(B a^L), the derivative by the softmax's OUTPUT; δ^L is the "
            "derivative by z^L, so it still goes through the softmax's Jacobian, and the product simplifies "
            "to (a^L − y)/B.", lambda z, Y: -Y / (z.shape[1] * _softmax(z))),
]


def _train(batch=lambda X, Y, order, i, B: (X[:, order[i:i + B]], Y[:, order[i:i + B]]), start_too=False):
    """The training loop with one piece changed: how a batch is taken, or the starting cost recorded too."""
    def train_sgd(net, X, Y, lr, epochs, batch_size, seed):
        rng, N = np.random.default_rng(seed), X.shape[1]
        costs = [net.cost(X, Y)] if start_too else []
        for epoch in range(epochs):
            order = rng.permutation(N)
            for i in range(0, N, batch_size):
                Xb, Yb = batch(X, Y, order, i, batch_size)
                grads = net.backward(net.forward(Xb), Yb)
                for m in range(1, net.L + 1):
                    net.W[m] -= lr * grads.dW[m]
                    net.b[m] -= lr * grads.db[m]
            costs.append(net.cost(X, Y))
        return costs
    return train_sgd


def _two_permutations(net, X, Y, lr, epochs, batch_size, seed):
    rng, N, costs = np.random.default_rng(seed), X.shape[1], []
    for epoch in range(epochs):
        order = rng.permutation(N)
        for i in range(0, N, batch_size):
            Xb = X[:, rng.permutation(N)[i:i + batch_size]]             # a second permutation for X
            grads = net.backward(net.forward(Xb), Y[:, order[i:i + batch_size]])
            for m in range(1, net.L + 1):
                net.W[m] -= lr * grads.dW[m]
                net.b[m] -= lr * grads.db[m]
        costs.append(net.cost(X, Y))
    return costs


TRAIN_SGD.mistakes += [
    Mistake("X and Y shuffled differently", "X's batch and Y's batch were taken with different permutations, so "
            "the examples no longer meet their labels: draw ONE order = rng.permutation(N) per epoch and take "
            "X[:, batch] and Y[:, batch] with the same indices.", _two_permutations),
    Mistake("starting cost included", "the costs begin with J before any training, so there is one too many: "
            "record one cost per epoch, after its updates (epochs of them).", _train(start_too=True)),
    Mistake("examples as rows", "the batch was taken as rows, X[batch]: here each COLUMN of X and Y is one "
            "example (X has shape (features, N)), so take X[:, batch] and Y[:, batch].",
            _train(batch=lambda X, Y, order, i, B: (X[order[i:i + B]], Y[order[i:i + B]]))),
]
