"""Update rules built on gradient descent.  Taught in notebooks 01 and 03.

Contract: ``opt.step(params, grads)`` updates every array of ``params`` in place, using the matching
array of ``grads`` (g = ∂Ĵ/∂θ).  Each optimizer keeps its state per parameter, named as in the
notebook's equations.  The rules are the published ones, written as ``torch.optim`` computes them
(SGD, Adagrad, RMSprop, Adam; no weight decay, no dampening, lr_decay = 0):

  SGD          θ ← θ − α g
  momentum     v ← μ v + g;            θ ← θ − α v
  Nesterov     v ← μ v + g;            θ ← θ − α (g + μ v)
  AdaGrad      s ← s + g²;             θ ← θ − α g / (√s + ε)
  RMSProp      s ← ρ s + (1 − ρ) g²;   θ ← θ − α g / (√s + ε)
  Adam         v ← β₁ v + (1 − β₁) g;  s ← β₂ s + (1 − β₂) g²;  t ← t + 1
               v̂ = v / (1 − β₁ᵗ);      ŝ = s / (1 − β₂ᵗ);       θ ← θ − α v̂ / (√ŝ + ε)
"""
import numpy as np

from . import validation


class Optimizer:
    """Holds the learning rate α (``lr``) and per-parameter state; subclasses give ``update``."""

    def __init__(self, lr):
        self.lr = lr
        self.state, self.shapes = None, None

    @property
    def lr(self):
        return self._lr

    @lr.setter
    def lr(self, value):
        self._lr = validation.positive(value, "lr (learning rate α)")

    def step(self, params, grads):
        """One update of every array in ``params`` (in place) from the matching ``grads``."""
        validation.matching_lists(params, grads)
        self.prepare(params)
        self._step(params, grads)

    def prepare(self, params):
        """Fresh state when the parameters are new (e.g. another network); kept otherwise."""
        shapes = [p.shape for p in params]
        if self.state is None or self.shapes != shapes:
            self.state, self.shapes = [self.new_state(p) for p in params], shapes

    def _step(self, params, grads):
        """The update alone: ``train`` checks and prepares once, then calls this for every batch."""
        for p, g, s in zip(params, grads, self.state):
            self.update(p, g, s)

    def reset(self):
        """Forget the state (velocities, running averages, step count)."""
        self.state, self.shapes = None, None

    def new_state(self, p):
        return {}

    def update(self, p, g, s):
        raise NotImplementedError


class SGD(Optimizer):
    """Gradient descent, optionally with (Nesterov) momentum μ."""

    def __init__(self, lr, momentum=0.0, nesterov=False):
        super().__init__(lr)
        self.momentum = validation.unit_interval(momentum, "momentum (μ)")
        if nesterov and self.momentum == 0:
            raise ValueError("nesterov=True needs momentum > 0; got momentum=0")
        self.nesterov = bool(nesterov)

    def new_state(self, p):
        return {"v": np.zeros_like(p)}

    def update(self, p, g, s):
        if self.momentum == 0:
            p -= self.lr * g                          # θ ← θ − α g
            return
        v = s["v"]
        v *= self.momentum                            # v ← μ v + g
        v += g
        if self.nesterov:
            p -= self.lr * (g + self.momentum * v)    # θ ← θ − α (g + μ v)
        else:
            p -= self.lr * v                          # θ ← θ − α v

    def __repr__(self):
        return f"SGD(lr={self.lr}, momentum={self.momentum}, nesterov={self.nesterov})"


class AdaGrad(Optimizer):
    """Per-coordinate steps α / (√(Σ g²) + ε): large past gradients, small steps."""

    def __init__(self, lr, eps=1e-10):
        super().__init__(lr)
        self.eps = validation.non_negative(eps, "eps (ε)")

    def new_state(self, p):
        return {"s": np.zeros_like(p)}

    def update(self, p, g, s):
        s["s"] += g * g                                     # s ← s + g²
        p -= self.lr * g / (np.sqrt(s["s"]) + self.eps)     # θ ← θ − α g / (√s + ε)

    def __repr__(self):
        return f"AdaGrad(lr={self.lr}, eps={self.eps})"


class RMSProp(Optimizer):
    """AdaGrad with a leaky average: s forgets old gradients at rate ρ."""

    def __init__(self, lr, rho=0.99, eps=1e-8):
        super().__init__(lr)
        self.rho = validation.unit_interval(rho, "rho (ρ)")
        self.eps = validation.non_negative(eps, "eps (ε)")

    def new_state(self, p):
        return {"s": np.zeros_like(p)}

    def update(self, p, g, s):
        s["s"] *= self.rho                                   # s ← ρ s + (1 − ρ) g²
        s["s"] += (1.0 - self.rho) * g * g
        p -= self.lr * g / (np.sqrt(s["s"]) + self.eps)      # θ ← θ − α g / (√s + ε)

    def __repr__(self):
        return f"RMSProp(lr={self.lr}, rho={self.rho}, eps={self.eps})"


class Adam(Optimizer):
    """Momentum (v) and RMSProp (s) together, with bias correction for their zero start."""

    def __init__(self, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
        super().__init__(lr)
        self.beta1 = validation.unit_interval(beta1, "beta1 (β₁)")
        self.beta2 = validation.unit_interval(beta2, "beta2 (β₂)")
        self.eps = validation.non_negative(eps, "eps (ε)")

    def new_state(self, p):
        return {"v": np.zeros_like(p), "s": np.zeros_like(p), "t": 0}

    def update(self, p, g, s):
        b1, b2 = self.beta1, self.beta2
        s["t"] += 1                                          # t ← t + 1
        s["v"] *= b1                                         # v ← β₁ v + (1 − β₁) g
        s["v"] += (1.0 - b1) * g
        s["s"] *= b2                                         # s ← β₂ s + (1 − β₂) g²
        s["s"] += (1.0 - b2) * g * g
        v_hat = s["v"] / (1.0 - b1 ** s["t"])                # v̂ = v / (1 − β₁ᵗ)
        s_hat = s["s"] / (1.0 - b2 ** s["t"])                # ŝ = s / (1 − β₂ᵗ)
        p -= self.lr * v_hat / (np.sqrt(s_hat) + self.eps)   # θ ← θ − α v̂ / (√ŝ + ε)

    def __repr__(self):
        return f"Adam(lr={self.lr}, beta1={self.beta1}, beta2={self.beta2}, eps={self.eps})"


OPTIMIZERS = {"sgd": SGD, "adagrad": AdaGrad, "rmsprop": RMSProp, "adam": Adam}
