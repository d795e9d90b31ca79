"""Notebook 04's other remedies, in code: inverted dropout, data augmentation, AdamW.

  dropout       dropout_forward(a, p_keep, rng) → (a ⊙ mask, mask), dropout_backward(d_out, mask) → d_a
  augmentation  mirror(X, Y) (the moons' exact symmetry), jitter(X, sigma, rng) (fresh input noise)
  comparison    train_remedies: the same network and data with each remedy, on several draws; scores
  choice        dropout_trainer (train(p_keep) → a network), best_p_keep (the p_keep with the lowest
                validation J: the discovery exercise's reference), P_KEEPS (the values tried)
  AdamW         adamw_step (one step, as torch.optim.AdamW), adamw_sweep (λ through AdamW)

The notebook's exercises write the first three functions; the library versions here are what the
lesson falls back on until a check passes.
"""
import numpy as np

from . import overfitting_lab as lab
from .overfitting_runs import Stack
from .training import one_blas_thread


# ---- inverted dropout --------------------------------------------------------------------------
def dropout_forward(a, p_keep, rng):
    """Keep each entry of a with probability ``p_keep`` (u = rng.random(a.shape) < p_keep), scaled by
    1/p_keep so that its expected value stays a; returns (a ⊙ mask, mask), mask ∈ {0, 1/p_keep}."""
    mask = (rng.random(a.shape) < p_keep) / p_keep
    return a * mask, mask


def dropout_backward(d_out, mask):
    """∂J/∂a = ∂J/∂out ⊙ mask: a dropped unit passed nothing forward, so no gradient flows back."""
    return d_out * mask


def stack_dropout(forward, backward, p_keep):
    """``forward``/``backward`` (each on one 2-D array, as in the exercise) as train_stack's drop/undrop."""
    def drop(h, m, rng):
        out, mask = forward(h.reshape(-1, h.shape[-1]), p_keep, rng)        # (G n_m, B): one draw per entry
        return np.reshape(out, h.shape), np.reshape(mask, h.shape)

    def undrop(d_out, mask):
        return np.reshape(backward(d_out.reshape(-1, d_out.shape[-1]), mask.reshape(-1, mask.shape[-1])),
                          d_out.shape)
    return drop, undrop


# ---- data augmentation --------------------------------------------------------------------------
def mirror(X, Y):
    """The moons' exact symmetry: (x₁, x₂) → (1 − x₁, 0.5 − x₂) sends each moon onto the other, so the
    class swaps; the noise (round, centred) is unchanged by it.  Returns the mirrored copies."""
    return np.array([1 - X[0], 0.5 - X[1]]), Y[::-1].copy()


def with_mirror(X, Y, mirror_fn=mirror):
    """The training set followed by its mirrored copies: twice as many examples."""
    X_m, Y_m = mirror_fn(X, Y)
    return np.hstack([X, X_m]), np.hstack([Y, Y_m])


def jitter(X, sigma, rng):
    """Each input moved by fresh N(0, σ²) noise: a new copy of the training set every epoch."""
    return X + sigma * rng.standard_normal(X.shape)


# ---- one comparison: every remedy on the same draws ----------------------------------------------
def train_remedies(draws, remedies, epochs=lab.EPOCHS, lr=lab.LR, seed=0):
    """{name: [network per draw]}: for each remedy, one network per draw (same initial weights), trained together.

    ``remedies``: {name: dict(l2=λ, dropout=(forward, backward, p_keep), jitter=σ, mirror=mirror_fn)}, any
    of them or none.  Random draws (masks, jitter) come from ``seed`` for each remedy's stack."""
    trained = {}
    for name, how in remedies.items():
        nets = [lab.classifier(l2=how.get("l2", 0.0)) for _ in draws]
        sets = [with_mirror(X, Y, how["mirror"]) if "mirror" in how else (X, Y) for X, Y in draws]
        kw = {"seed": seed}
        if "dropout" in how:
            kw["drop"], kw["undrop"] = stack_dropout(*how["dropout"])
        if "jitter" in how:
            kw["augment"] = lambda X, rng, sigma=how["jitter"]: jitter(X, sigma, rng)
        trained[name] = lab.train_many(nets, [X for X, _ in sets], [Y for _, Y in sets], epochs, lr, **kw)
    return trained


# ---- choosing p_keep on the validation set (the discovery exercise) ------------------------------------
P_KEEPS = (0.5, 0.6, 0.7, 0.8, 0.9)            # p_keep = 1 is no dropout: the lesson's first network


def dropout_trainer(X, Y, forward=dropout_forward, backward=dropout_backward, p_values=P_KEEPS, epochs=lab.EPOCHS,
                    lr=lab.LR, seed=0):
    """train(p_keep): a network (the lesson's initial weights) trained on (X, Y) with this dropout at p_keep.

    The first call trains the networks of every p_keep in ``p_values`` together (one stack, one generator
    seeded with ``seed``: the masks); a p_keep outside them is trained alone."""
    trained = {}

    def train(p_keep):
        if not trained and float(p_keep) in map(float, p_values):
            nets = [lab.classifier() for _ in p_values]
            drop, undrop = stack_dropout_each(forward, backward, p_values)
            lab.train_many(nets, X, Y, epochs, lr, drop=drop, undrop=undrop, seed=seed)
            trained.update(zip(map(float, p_values), nets))
        if float(p_keep) not in trained:
            how = {"dropout": (forward, backward, p_keep)}
            trained[float(p_keep)] = train_remedies([(X, Y)], {"p": how}, epochs, lr, seed)["p"][0]
        return trained[float(p_keep)]
    return train


def stack_dropout_each(forward, backward, p_values):
    """``stack_dropout`` with its own p_keep for each network g of the stack (forward on each one's slice)."""
    def drop(h, m, rng):
        pairs = [forward(h[g], p_keep, rng) for g, p_keep in enumerate(p_values)]
        return np.stack([a for a, _ in pairs]), np.stack([mask for _, mask in pairs])

    def undrop(d_out, mask):
        return np.stack([backward(d_out[g], mask[g]) for g in range(len(p_values))])
    return drop, undrop


def best_p_keep(train, p_values, X_val, Y_val):
    """(validation J of train(p) for each p of p_values, the p with the lowest, the first on a tie)."""
    costs = np.array([train(p).data_cost(X_val, Y_val) for p in p_values])
    return costs, float(p_values[int(np.argmin(costs))])


def scores(nets, X, Y):
    """(J, accuracy) of each network on (X, Y), as arrays (BLAS on one thread: faster at these sizes)."""
    with one_blas_thread():
        return Stack(nets).evaluate(X, Y)


# ---- AdamW -----------------------------------------------------------------------------------------
def adamw_step(W, g, v, s, t, lr, lam, beta1=0.9, beta2=0.999, eps=1e-8):
    """One AdamW step for a weight array: decay W by (1 − 2αλ), then Adam on the data gradient g alone.

    torch.optim.AdamW(weight_decay=wd) with wd = 2λ; returns the new (W, v, s), t being the step count
    after this step (1, 2, …)."""
    W = W * (1 - 2 * lr * lam)                                   # decoupled weight decay
    v = beta1 * v + (1 - beta1) * g
    s = beta2 * s + (1 - beta2) * g * g
    v_hat, s_hat = v / (1 - beta1 ** t), s / (1 - beta2 ** t)
    return W - lr * v_hat / (np.sqrt(s_hat) + eps), v, s


def adamw_sweep(lam_values, X, Y, step=adamw_step, epochs=lab.EPOCHS, lr=lab.LR):
    """One network per λ, trained with ``step`` (AdamW) on the weights and Adam on the biases: a Stack."""
    stack = Stack([lab.classifier() for _ in lam_values])
    lam = np.asarray(lam_values, dtype=np.float64).reshape(-1, 1, 1)
    state = [(np.zeros_like(p), np.zeros_like(p)) for p in stack.params]
    for t in range(1, epochs + 1):
        grads = stack.split(stack.gradients(X, Y))               # λ = 0 in the stack: the data gradient
        for k, (p, g) in enumerate(zip(stack.params, grads)):
            decay = lam if k % 2 == 0 else 0.0                    # weights decay, biases do not
            W_new, v, s = step(p, g, *state[k], t, lr, decay)
            p[...], state[k] = W_new, (v, s)
    return stack
