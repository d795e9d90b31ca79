"""Learning-rate schedules: α for each epoch = 0, 1, 2, …  Taught in notebook 03 (k is the series' step counter,
so epochs are written out).

  constant      α(epoch) = α₀
  step_decay    α(epoch) = α₀ · drop^⌊epoch / every⌋
  exponential   α(epoch) = α₀ · γ^epoch
  cosine        α(epoch) = α_min + (α₀ − α_min) (1 + cos(π min(epoch, T) / T)) / 2

``train(..., schedule=s)`` sets ``optimizer.lr = s(epoch)`` at the start of each epoch.
"""
import math
import numbers

from . import validation


class Schedule:
    """α for epoch = 0, 1, 2, …; subclasses give ``lr(epoch)``."""

    def __call__(self, k):
        if isinstance(k, bool) or not isinstance(k, numbers.Integral):
            raise TypeError(f"epoch k must be an int ≥ 0; got {validation.describe(k)}")
        if k < 0:
            raise ValueError(f"epoch k must be an int ≥ 0; got {k}")
        return self.lr(int(k))

    def __repr__(self):
        args = ", ".join(f"{name}={value!r}" for name, value in vars(self).items())
        return f"{type(self).__name__}({args})"


class constant(Schedule):
    def __init__(self, lr0):
        self.lr0 = validation.positive(lr0, "lr0 (α₀)")

    def lr(self, k):
        return self.lr0


class step_decay(Schedule):
    def __init__(self, lr0, drop=0.5, every=10):
        self.lr0 = validation.positive(lr0, "lr0 (α₀)")
        self.drop = validation.positive(drop, "drop")
        if self.drop > 1:
            raise ValueError(f"drop must be in (0, 1]; got {drop}")
        self.every = validation.positive_int(every, "every")

    def lr(self, k):
        return self.lr0 * self.drop ** (k // self.every)


class exponential(Schedule):
    def __init__(self, lr0, gamma=0.95):
        self.lr0 = validation.positive(lr0, "lr0 (α₀)")
        self.gamma = validation.positive(gamma, "gamma (γ)")
        if self.gamma > 1:
            raise ValueError(f"gamma (γ) must be in (0, 1]; got {gamma}")

    def lr(self, k):
        return self.lr0 * self.gamma ** k


class cosine(Schedule):
    def __init__(self, lr0, T, lr_min=0.0):
        self.lr0 = validation.positive(lr0, "lr0 (α₀)")
        self.T = validation.positive_int(T, "T")
        self.lr_min = validation.non_negative(lr_min, "lr_min")
        if self.lr_min >= self.lr0:
            raise ValueError(f"lr_min must be below lr0; got lr_min={lr_min}, lr0={lr0}")

    def lr(self, k):
        # never exactly 0 at k = T, so the optimizer's lr > 0 check holds: clamp to a tiny floor
        value = self.lr_min + (self.lr0 - self.lr_min) * (1 + math.cos(math.pi * min(k, self.T) / self.T)) / 2
        return max(value, 1e-12 * self.lr0)
