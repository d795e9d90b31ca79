"""More catalogued mistakes for notebook 02's exercises (backprop.py), from typical answers written blind: the
backward pass with f′ of a on the hidden layers, the wrong layer's W, δ moved back before its gradients, δ^L
without the output's f′; the softmax shifted by each row's max, ∂J/∂a without the Jacobian; a loop that
records the wrong costs, indexes examples as rows or takes Y's batch by position.  Some of them raise on the
cases (a shape that cannot meet): the harness names them by the same error.  Imported at the end of
backprop.py."""
import numpy as np

from .backprop import BACKWARD, DELTA_SOFTMAX_CE, TRAIN_SGD, _softmax
from .harness import Mistake


def _backward(output_delta=lambda net, cache, Y: net.loss.delta(cache.z[net.L], cache.a[net.L], Y, net.f_out),
              slope_at=lambda cache, m: cache.z[m], back=lambda W, m: W[m], prev=lambda cache, m, L: cache.a[m - 1],
              dW_over_B=False):
    """The backward loop with one piece replaced: δ^L, where f′ is taken, the W the error goes back through,
    the activations a layer's ∂J/∂W uses, or an extra 1/B on ∂J/∂W."""
    def backward(net, cache, Y):
        L, dW, db = net.L, [None] * (net.L + 1), [None] * (net.L + 1)
        delta = output_delta(net, cache, Y)
        for m in range(L, 0, -1):
            dW[m] = delta @ prev(cache, m, L).T / (delta.shape[1] if dW_over_B else 1)
            db[m] = delta.sum(axis=1, keepdims=True)
            if m > 1:
                delta = net.f.f_prime(slope_at(cache, m - 1)) * (back(net.W, m).T @ delta)
        return dW, db
    return backward


BACKWARD.mistakes += [
    Mistake("f_prime_of_a on the hidden layers", "on the hidden layers f′ is evaluated at a^{m-1} instead of "
            "z^{m-1}: δ^{m-1} = f′(z^{m-1}) ⊙ (W^m)^T δ^m, so use f_prime(cache.z[m - 1]).",
            _backward(slope_at=lambda cache, m: cache.a[m])),
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
    Mistake("δ^L without f′", "δ^L = (a^L − y)/B holds only for softmax + cross-entropy (there the Jacobian "
            "cancels); for the mean squared error with a sigmoid output it is f′(z^L) ⊙ (a^L − y)/B. Let the "
            "cost say: net.loss.delta(cache.z[L], cache.a[L], Y, net.f_out).",
            _backward(output_delta=lambda net, cache, Y: (cache.a[net.L] - Y) / Y.shape[1])),
]


def _row_shifted(z, Y):
    e = np.exp(z - z.max(axis=1, keepdims=True))             # each ROW's max: not one constant per column
    return (e / e.sum(axis=0, keepdims=True) - Y) / z.shape[1]


DELTA_SOFTMAX_CE.mistakes += [
    Mistake("shifted by the row max", "you subtracted each row's max: the softmax of a column only stays the "
            "same when one constant is subtracted from the whole column, so subtract each column's max, "
            "z.max(axis=0, keepdims=True).", _row_shifted),
    Mistake("∂J/∂a only", "that is ∂J/∂a^L = −y/(B a^L), the derivative by the softmax's OUTPUT; δ^L is the "
            "derivative by z^L, so it still goes through the softmax's Jacobian, and the product simplifies "
            "to (a^L − y)/B.", lambda z, Y: -Y / (z.shape[1] * _softmax(z))),
]


def _train(batch=lambda X, Y, order, i, B: (X[:, order[i:i + B]], Y[:, order[i:i + B]]), record="epoch"):
    """The training loop with one piece changed: how a batch is taken, or which costs are recorded."""
    def train_sgd(net, X, Y, lr, epochs, batch_size, seed):
        rng, N = np.random.default_rng(seed), X.shape[1]
        costs = [net.cost(X, Y)] if record == "start too" else []
        for epoch in range(epochs):
            order = rng.permutation(N)
            for i in range(0, N, batch_size):
                Xb, Yb = batch(X, Y, order, i, batch_size)
                grads = net.backward(net.forward(Xb), Yb)
                for m in range(1, net.L + 1):
                    net.W[m] -= lr * grads.dW[m]
                    net.b[m] -= lr * grads.db[m]
                if record == "batch":
                    costs.append(net.cost(X, Y))
            if record == "last batch":
                costs.append(net.cost(Xb, Yb))
            elif record != "batch":
                costs.append(net.cost(X, Y))
        return costs
    return train_sgd


TRAIN_SGD.mistakes += [
    Mistake("last batch's cost", "each epoch's cost is the cost of its last mini-batch only; record J on the "
            "whole training set after the epoch, net.cost(X, Y).", _train(record="last batch")),
    Mistake("starting cost included", "the costs begin with J before any training, so there is one too many: "
            "record one cost per epoch, after its updates (epochs of them).", _train(record="start too")),
    Mistake("cost after every batch", "a cost was recorded after every mini-batch; record one per epoch, J on "
            "the whole training set once the epoch's batches are done.", _train(record="batch")),
    Mistake("examples as rows", "the batch was taken as rows, X[batch]: here each COLUMN of X and Y is one "
            "example (X has shape (features, N)), so take X[:, batch] and Y[:, batch].",
            _train(batch=lambda X, Y, order, i, B: (X[order[i:i + B]], Y[order[i:i + B]]))),
    Mistake("Y's batch by position", "X's batch follows the shuffled order but Y's is taken by position, so "
            "each example meets another one's target: index both with the same batch = order[i:i + B].",
            _train(batch=lambda X, Y, order, i, B: (X[:, order[i:i + B]], Y[:, i:i + B]))),
]
