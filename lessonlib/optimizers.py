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

The state (v, s, t) belongs to the very arrays it was built for: an optimizer handed other arrays
(another network, even one of the same shape) starts from fresh state, as a new optimizer would.
Every hyper-parameter is checked when it is set, in the constructor or later (``opt.lr = 0.1``).
"""
import weakref

import numpy as np

from . import validation


class Hyper:
    """A hyper-parameter attribute whose every assignment is checked (``check(value, label)``)."""

    def __init__(self, check, label):
        self.check, self.label = check, label

    def __set_name__(self, owner, name):
        self.slot = "_" + name                   # the update rules read the checked value from here

    def __get__(self, obj, owner=None):
        return self if obj is None else getattr(obj, self.slot)

    def __set__(self, obj, value):
        setattr(obj, self.slot, self.check(value, self.label))


class Optimizer:
    """Holds the learning rate α (``lr``) and per-parameter state; subclasses give ``update``."""

    lr = Hyper(validation.positive, "lr (learning rate α)")
    end_to_end = False     # True: one update over all the parameters laid end to end (see EndToEnd)

    def __init__(self, lr):
        self.lr = lr
        self.reset()

    def step(self, params, grads):
        """One update of every array in ``params`` (in place) from the matching ``grads``."""
        params, grads = validation.params_and_grads(params, grads)
        self.prepare(params)
        self._step(params, grads)

    def prepare(self, params):
        """Keep the state for these very arrays; fresh state for any others (e.g. another network)."""
        owners = self._owners
        if (owners is None or len(owners) != len(params)
                or any(owner() is not p for owner, p in zip(owners, params))):
            self._joined = EndToEnd(params, self.new_state) if self.end_to_end and len(params) > 1 else None
            self.state = (self._joined.states if self._joined is not None
                          else [self.new_state(p) for p in params])
            self._owners = [weakref.ref(p) for p in params]

    def _step(self, params, grads):
        """The update alone: ``train`` checks and prepares once, then calls this for every batch."""
        if self._joined is not None:
            return self._joined.step(self.update, params, grads)
        for p, g, s in zip(params, grads, self.state):
            self.update(p, g, s)

    def reset(self):
        """Forget the state (velocities, running averages, step count)."""
        self.state, self._owners, self._joined = None, None, None

    def new_state(self, p):
        return {}

    def update(self, p, g, s):
        raise NotImplementedError


class EndToEnd:
    """Every parameter array laid end to end in one vector θ, with one state of the same length.

    ``update(θ, g, state)`` then runs once per step instead of once per array: a sixth of the numpy
    calls for a 3-layer network, and the same numbers to the last bit, because every rule above is
    elementwise.  ``states[i]`` are views of the joined state, shaped like parameter i (what
    ``opt.state`` shows); a counter such as Adam's t is copied to each after every step."""

    def __init__(self, params, new_state):
        ends = np.cumsum([0] + [p.size for p in params]).tolist()
        self.spans = [(slice(i, j), p.shape) for i, j, p in zip(ends[:-1], ends[1:], params)]
        self.state = new_state(np.empty(ends[-1]))
        self.counters = [k for k, v in self.state.items() if not isinstance(v, np.ndarray)]
        self.states = [{k: v[span].reshape(shape) if isinstance(v, np.ndarray) else v
                        for k, v in self.state.items()} for span, shape in self.spans]

    def step(self, update, params, grads):
        theta = np.concatenate([p.ravel() for p in params])
        g = np.concatenate([g.ravel() for g in grads])
        update(theta, g, self.state)                      # the rule, once, on the joined vector
        for p, (span, shape) in zip(params, self.spans):
            p[...] = theta[span].reshape(shape)
        for k in self.counters:
            for s in self.states:
                s[k] = self.state[k]


class SGD(Optimizer):
    """Gradient descent, optionally with (Nesterov) momentum μ."""

    def __init__(self, lr, momentum=0.0, nesterov=False):
        super().__init__(lr)
        momentum = validation.unit_interval(momentum, "momentum (μ)")
        nesterov = validation.flag(nesterov, "nesterov")
        if nesterov and momentum == 0:
            raise ValueError("nesterov=True needs momentum > 0; got momentum=0")
        self._momentum, self._nesterov = momentum, nesterov

    @property
    def momentum(self):
        return self._momentum

    @momentum.setter
    def momentum(self, mu):
        mu = validation.unit_interval(mu, "momentum (μ)")
        if self._nesterov and mu == 0:
            raise ValueError("momentum=0 would leave nesterov=True without momentum; set nesterov=False first")
        self._momentum = mu

    @property
    def nesterov(self):
        return self._nesterov

    @nesterov.setter
    def nesterov(self, value):
        value = validation.flag(value, "nesterov")
        if value and self._momentum == 0:
            raise ValueError("nesterov=True needs momentum > 0; got momentum=0")
        self._nesterov = value

    def new_state(self, p):
        return {"v": np.zeros_like(p)}

    def _step(self, params, grads):
        if self._momentum:
            return super()._step(params, grads)
        lr = self._lr
        for p, g in zip(params, grads):               # plain SGD keeps no state
            p -= lr * g                               # θ ← θ − α g

    def update(self, p, g, s):
        lr, mu = self._lr, self._momentum
        if mu == 0:
            p -= lr * g                               # θ ← θ − α g
            return
        v = s["v"]
        v *= mu                                       # v ← μ v + g
        v += g
        if self._nesterov:
            p -= lr * (g + mu * v)                    # θ ← θ − α (g + μ v)
        else:
            p -= lr * v                               # θ ← θ − α v

    def __repr__(self):
        return f"SGD(lr={self.lr}, momentum={self.momentum}, nesterov={self.nesterov})"


def positive_eps(eps, name):
    """ε > 0: where a coordinate's gradient has always been 0 (a pixel that is 0 in every image), s = 0
    and g / (√s + ε) would be 0/0 = NaN with ε = 0."""
    eps = validation.real(eps, name)
    if eps <= 0:
        raise ValueError(f"{name} must be > 0: with ε = 0, g / (√s + ε) is 0/0 = NaN wherever the gradient has "
                         f"always been 0 (e.g. a pixel that is 0 in every image); got {eps}")
    return eps


EPS = Hyper(positive_eps, "eps (ε)")


class AdaGrad(Optimizer):
    """Per-coordinate steps α / (√(Σ g²) + ε): large past gradients, small steps."""

    eps = EPS

    def __init__(self, lr, eps=1e-10):
        super().__init__(lr)
        self.eps = eps

    def new_state(self, p):
        return {"s": np.zeros_like(p)}

    def update(self, p, g, s):
        s["s"] += g * g                                       # s ← s + g²
        p -= self._lr * g / (np.sqrt(s["s"]) + self._eps)     # θ ← θ − α g / (√s + ε)

    def __repr__(self):
        return f"AdaGrad(lr={self.lr}, eps={self.eps})"


class RMSProp(Optimizer):
    """AdaGrad with a leaky average: s forgets old gradients at rate ρ."""

    rho, eps = Hyper(validation.unit_interval, "rho (ρ)"), EPS

    def __init__(self, lr, rho=0.99, eps=1e-8):
        super().__init__(lr)
        self.rho, self.eps = rho, eps

    def new_state(self, p):
        return {"s": np.zeros_like(p)}

    def update(self, p, g, s):
        s["s"] *= self._rho                                   # s ← ρ s + (1 − ρ) g²
        s["s"] += (1.0 - self._rho) * g * g
        p -= self._lr * g / (np.sqrt(s["s"]) + self._eps)     # θ ← θ − α g / (√s + ε)

    def __repr__(self):
        return f"RMSProp(lr={self.lr}, rho={self.rho}, eps={self.eps})"


class Adam(Optimizer):
    """Momentum (v) and RMSProp (s) together, with bias correction for their zero start."""

    beta1, beta2, eps = Hyper(validation.unit_interval, "beta1 (β₁)"), Hyper(validation.unit_interval, "beta2 (β₂)"), EPS
    end_to_end = True      # its 14 numpy calls per array dominate a small network's step

    def __init__(self, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
        super().__init__(lr)
        self.beta1, self.beta2, self.eps = beta1, beta2, eps

    def new_state(self, p):
        return {"v": np.zeros_like(p), "s": np.zeros_like(p), "t": 0}

    def update(self, p, g, s):
        b1, b2 = self._beta1, self._beta2
        s["t"] += 1                                          # t ← t + 1
        s["v"] *= b1                                         # v ← β₁ v + (1 − β₁) g
        s["v"] += (1.0 - b1) * g
        s["s"] *= b2                                         # s ← β₂ s + (1 − β₂) g²
        s["s"] += (1.0 - b2) * g * g
        v_hat = s["v"] / (1.0 - b1 ** s["t"])                # v̂ = v / (1 − β₁ᵗ)
        s_hat = s["s"] / (1.0 - b2 ** s["t"])                # ŝ = s / (1 − β₂ᵗ)
        p -= self._lr * v_hat / (np.sqrt(s_hat) + self._eps)   # θ ← θ − α v̂ / (√ŝ + ε)

    def __repr__(self):
        return f"Adam(lr={self.lr}, beta1={self.beta1}, beta2={self.beta2}, eps={self.eps})"


OPTIMIZERS = {"sgd": SGD, "adagrad": AdaGrad, "rmsprop": RMSProp, "adam": Adam}
