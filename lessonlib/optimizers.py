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

Reading and setting the state.  ``opt.state`` is None until the first step (or ``opt.prepare(params)``)
builds it; then ``opt.state[i]`` is parameter i's state, a dict named as in the equations: ``"v"``
(momentum, Adam), ``"s"`` (AdaGrad, RMSProp, Adam), ``"t"`` (Adam: the number of steps taken, so the
next step corrects with t + 1, as torch's ``state["step"]``).  Every entry is live:

    opt.prepare(params)                  # or after a step
    opt.state[i]["v"][...] = v0          # edit the array the next step updates, in place
    opt.state[i]["v"] = v0               # the same: v0 is copied in (shape of params[i], finite reals)
    opt.state[i]["t"] = 1                # one step taken: the next step corrects with t = 2
    opt.state[i] = {"v": v0, "s": s0, "t": 1}     # several entries at once

so a step after an edit uses it.  Edits that could not take effect are refused with a message: a
wrong shape, NaN/inf, a counter that is not an int ≥ 0, a new or deleted entry, entries added to
``opt.state``.  Adam updates all parameters laid end to end (EndToEnd): ``opt.state[i]["v"]`` is a
view of the joined state, and when the parameters' counters t are set to different values the next
steps go array by array, each with its own t.
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
            self._state = (self._joined.states if self._joined is not None
                           else States(State(self.new_state(p), i) for i, p in enumerate(params)))
            self._owners = [weakref.ref(p) for p in params]

    @property
    def state(self):
        """[state of parameter 0, …]: live dicts (see the module's docstring); None before the first step."""
        return self._state

    @state.setter
    def state(self, states):
        if states is None:
            return self.reset()
        if self._state is None:
            raise ValueError("this optimizer has no state yet: its first step (or opt.prepare(params)) builds it "
                             "for those arrays; then set entries with opt.state[i][key] = value")
        if not isinstance(states, (list, tuple)) or len(states) != len(self._state):
            raise TypeError(f"opt.state takes a list of {len(self._state)} dicts, one per parameter array; got "
                            f"{validation.describe(states)}")
        for i, entries in enumerate(states):
            self._state[i] = entries

    def _step(self, params, grads):
        """The update alone: ``train`` checks and prepares once, then calls this for every batch."""
        if self._joined is not None:
            return self._joined.step(self.update, params, grads)
        for p, g, s in zip(params, grads, self._state):
            self.update(p, g, s)

    def reset(self):
        """Forget the state (velocities, running averages, step count)."""
        self._state, self._owners, self._joined = None, None, None

    def new_state(self, p):
        return {}

    def update(self, p, g, state):
        raise NotImplementedError


class State(dict):
    """Parameter i's state, live: setting an entry changes what the next step uses, or is refused.

    An array entry (v, s) takes a copy of the new values in place (same shape, finite reals), so it stays
    the array the update works on (a view of the joined state under EndToEnd); a counter (t) takes an
    int ≥ 0.  Entries are neither added nor removed."""

    __slots__ = ("index", "on_counter")

    def __init__(self, entries, index, on_counter=None):
        super().__init__(entries)
        self.index, self.on_counter = index, on_counter

    def __setitem__(self, key, value):
        if value is not self.get(key, State):       # not an in-place update such as s["v"] *= μ
            self._set(key, self._checked(key, value))

    def _checked(self, key, value):
        old, name = self.get(key, State), f"opt.state[{self.index}][{key!r}]"      # State: not an entry
        if old is State:
            raise ValueError(f"{name}: this optimizer's state holds {list(self)} only; entries cannot be added")
        if not isinstance(old, np.ndarray):
            return validation.count(value, f"{name} (the number of steps taken)")
        new = validation.real_array(value, name)
        if new.shape != old.shape:
            raise ValueError(f"{name} must have shape {old.shape}, that of params[{self.index}]; got {new.shape}")
        return validation.finite(new, name)

    def _set(self, key, value):
        if isinstance(value, np.ndarray):
            self[key][...] = value                  # into the array the update works on
        else:
            dict.__setitem__(self, key, value)
            if self.on_counter is not None:
                self.on_counter()

    def update(self, entries=(), **more):
        """Several entries at once: all are checked before any is set."""
        checked = {key: self._checked(key, value) for key, value in dict(entries, **more).items()}
        for key, value in checked.items():
            self._set(key, value)

    def __ior__(self, entries):
        self.update(entries)
        return self

    def _refuse(self, *args, **kwargs):
        raise TypeError(f"opt.state[{self.index}] keeps its entries {list(self)}: set them (opt.state[i][key] = "
                        f"value), don't remove them; opt.reset() forgets the whole state")

    __delitem__ = pop = popitem = clear = setdefault = _refuse

    def __reduce__(self):                           # copies are plain states of their own
        return State, (dict(self), self.index)


class States(list):
    """``opt.state``: one State per parameter array; ``opt.state[i] = {...}`` sets those entries."""

    def __setitem__(self, i, entries):
        if isinstance(i, slice) or not hasattr(entries, "items"):
            raise TypeError("set a parameter's state entries with a dict, e.g. opt.state[0] = {\"v\": v0}, or one "
                            "entry with opt.state[0][\"v\"] = v0")
        self[i].update(entries)

    def _refuse(self, *args, **kwargs):
        raise TypeError("opt.state holds one state per parameter array, made by the optimizer; set entries with "
                        "opt.state[i][key] = value")

    append = extend = insert = pop = remove = clear = sort = reverse = __delitem__ = __iadd__ = __imul__ = _refuse


class EndToEnd:
    """Every parameter array laid end to end in one vector θ, with one state of the same length.

    ``update(θ, g, state)`` then runs once per step instead of once per array: a sixth of the numpy
    calls for a 3-layer network, and the same numbers to the last bit, because every rule above is
    elementwise.  ``states[i]`` (what ``opt.state`` shows) hold views of the joined state, shaped like
    parameter i; a counter such as Adam's t is copied to each after every step.  When a counter is set
    in ``states``, the next step takes it into the joined state, or, if the parameters' counters differ,
    updates array by array, each with its own state, until they agree again."""

    def __init__(self, params, new_state):
        ends = np.cumsum([0] + [p.size for p in params]).tolist()
        self.spans = [(slice(i, j), p.shape) for i, j, p in zip(ends[:-1], ends[1:], params)]
        self.state = new_state(np.empty(ends[-1]))
        self.counters = [k for k, v in self.state.items() if not isinstance(v, np.ndarray)]
        self.edited = False                               # a counter was set in one of the states
        self.states = States(State({k: v[span].reshape(shape) if isinstance(v, np.ndarray) else v
                                    for k, v in self.state.items()}, i, self.counter_set)
                             for i, (span, shape) in enumerate(self.spans))

    def counter_set(self):
        self.edited = True

    def step(self, update, params, grads):
        if self.edited and not self.rejoined():
            for p, g, s in zip(params, grads, self.states):      # the counters differ: array by array
                update(p, g, s)
            return
        theta = np.concatenate([p.ravel() for p in params])
        g = np.concatenate([g.ravel() for g in grads])
        update(theta, g, self.state)                      # the rule, once, on the joined vector
        for p, (span, shape) in zip(params, self.spans):
            p[...] = theta[span].reshape(shape)
        for k in self.counters:
            for s in self.states:
                dict.__setitem__(s, k, self.state[k])     # shown, not an edit

    def rejoined(self):
        """Take the states' counters into the joined state if they agree; False if they differ."""
        for k in self.counters:
            values = {s[k] for s in self.states}
            if len(values) > 1:
                return False
            self.state[k] = values.pop()
        self.edited = False
        return True


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

    def update(self, p, g, state):
        lr, mu = self._lr, self._momentum
        if mu == 0:
            p -= lr * g                               # θ ← θ − α g
            return
        v = state["v"]
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

    def update(self, p, g, state):
        state["s"] += g * g                                   # s ← s + g²
        p -= self._lr * g / (np.sqrt(state["s"]) + self._eps)  # θ ← θ − α g / (√s + ε)

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

    def update(self, p, g, state):
        state["s"] *= self._rho                               # s ← ρ s + (1 − ρ) g²
        state["s"] += (1.0 - self._rho) * g * g
        p -= self._lr * g / (np.sqrt(state["s"]) + self._eps)  # θ ← θ − α g / (√s + ε)

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

    def update(self, p, g, state):
        b1, b2 = self._beta1, self._beta2
        state["t"] += 1                                      # t ← t + 1
        state["v"] *= b1                                     # v ← β₁ v + (1 − β₁) g
        state["v"] += (1.0 - b1) * g
        state["s"] *= b2                                     # s ← β₂ s + (1 − β₂) g²
        state["s"] += (1.0 - b2) * g * g
        v_hat = state["v"] / (1.0 - b1 ** state["t"])            # v̂ = v / (1 − β₁ᵗ)
        s_hat = state["s"] / (1.0 - b2 ** state["t"])            # ŝ = s / (1 − β₂ᵗ)
        p -= self._lr * v_hat / (np.sqrt(s_hat) + self._eps)   # θ ← θ − α v̂ / (√ŝ + ε)

    def __repr__(self):
        return f"Adam(lr={self.lr}, beta1={self.beta1}, beta2={self.beta2}, eps={self.eps})"


OPTIMIZERS = {"sgd": SGD, "adagrad": AdaGrad, "rmsprop": RMSProp, "adam": Adam}
