"""Gradient checking: backprop against central differences.  Taught in notebook 02.

  ∂Ĵ/∂θ_i ≈ (Ĵ(θ + Δ e_i) − Ĵ(θ − Δ e_i)) / (2Δ)              error O(Δ²)
  relative error = max_i |g_i − g_num,i| / max(|g_i|, |g_num,i|, τ)    (CS231n's, the worst entry)

Rounding in Ĵ(θ ± Δ e_i) puts an error of about u |Ĵ| / Δ on every numerical entry (u: float64's
machine epsilon, 2.2e-16), however correct backprop is.  So entries smaller than the floor
τ = 10 u |Ĵ| / (Δ · tolerance) are measured against τ: below it a gradient cannot be told from
rounding (a deep sigmoid net's first layer has such entries), and the test is in effect absolute.
The default step Δ = u^(1/3) ≈ 6e-6 balances the Δ² and u/Δ errors when |Ĵ| and |Ĵ'''| are of
similar size; a correct backward then gives about 1e-8 or less, and the default tolerance is 1e-7,
or 10 Δ² for a larger Δ (the O(Δ²) term alone reaches Δ²: 1e-5 at Δ = 1e-3).  A failure that is
not a bug is named in the report: a ReLU input z within reach of the kink at 0 (the finite
difference straddles it), or parameters that are not float64.

The step is ``step`` (Δ, the series' symbol; ε is the optimizers' small constant).  ``eps=`` and
``.eps`` (and ``EPS``) are its former names, still accepted.
"""
import numpy as np

from . import validation
from .network import Network

TOLERANCE = 1e-7
U = np.finfo(np.float64).eps
STEP = U ** (1 / 3)                     # Δ ≈ 6.1e-6
EPS = STEP                              # the same step, under its former name
KINKED = ("relu", "leaky_relu")


def one_step(step, eps):
    """The step Δ given as ``step=`` or under its former name ``eps=`` (None if neither); both only if equal."""
    if step is not None and eps is not None and step != eps:
        raise ValueError(f"give the step once: got step={step} and eps={eps} (eps is step's former name)")
    return eps if step is None else step


def numerical_gradient(cost, theta, step=None, eps=None):
    """Central differences of ``cost()`` for every entry of the array ``theta`` (changed and restored in place).

    step: Δ (default u^(1/3); ``eps`` is its former name).  The quotient divides by the step the array
    really took, (θ_i + Δ) − (θ_i − Δ) as stored, not 2Δ."""
    step = one_step(step, eps)
    step = STEP if step is None else step
    grad = np.zeros(theta.shape)
    for i in np.ndindex(theta.shape):
        saved = theta[i]
        theta[i] = saved + step
        plus, up = cost(), theta[i]
        theta[i] = saved - step
        minus, down = cost(), theta[i]
        theta[i] = saved
        grad[i] = (plus - minus) / (up - down)
    return grad


def relative_error(g, g_num, floor=0.0):
    """max_i |g_i − g_num,i| / max(|g_i|, |g_num,i|, floor); NaN counts as infinitely wrong."""
    g, g_num = np.asarray(g, dtype=np.float64), np.asarray(g_num, dtype=np.float64)
    scale = np.maximum(np.maximum(np.abs(g), np.abs(g_num)), max(floor, np.finfo(np.float64).tiny))
    errors = np.abs(g - g_num) / scale
    return float(np.nan_to_num(errors, nan=np.inf).max()) if errors.size else 0.0


class GradCheck:
    """One row per parameter: its name, shape and the relative error of backprop's gradient; and the step Δ
    (``.step``; ``.eps`` is its former name), tolerance and floor τ the check used."""

    def __init__(self, rows, tolerance=TOLERANCE, notes=(), step=None, floor=0.0, eps=None):
        step = one_step(step, eps)
        self.rows, self.tolerance, self.notes, self.floor = rows, tolerance, list(notes), floor
        self.step = STEP if step is None else step

    @property
    def eps(self):
        """The step Δ, under its former name."""
        return self.step

    @property
    def max_error(self):
        return max(error for _, _, error in self.rows)

    @property
    def passed(self):
        return self.max_error < self.tolerance

    def __str__(self):
        lines = [f"{'parameter':<10} {'shape':<10} {'relative error':>15}   (should be < {self.tolerance:.0e})"]
        for name, shape, error in self.rows:
            verdict = "ok" if error < self.tolerance else "WRONG"
            lines.append(f"{name:<10} {str(shape):<10} {error:>15.1e}   {verdict}")
        if not self.passed:                       # a failure that need not be a bug says so
            lines += [f"note: {note}" for note in self.notes]
        return "\n".join(lines)

    def __repr__(self):
        return str(self)


def checked_gradients(net, gradients):
    """[(dW, db)] per layer from any object with ``dW`` and ``db`` (one real array per layer each)."""
    if not (hasattr(gradients, "dW") and hasattr(gradients, "db")):
        raise TypeError(f"gradients must have .dW and .db (one array per layer), like net.gradients(X, Y); "
                        f"got {validation.describe(gradients)}")
    layers = []
    for kind in ("dW", "db"):
        arrays = validation.array_list(getattr(gradients, kind), f"gradients.{kind}")
        if len(arrays) != net.L:
            raise ValueError(f"gradients.{kind} must hold {net.L} arrays, one per layer 1..{net.L}; got {len(arrays)}")
        layers.append(arrays)
    for m, (W, b, dW, db) in enumerate(zip(net.weights, net.biases, *layers), start=1):
        for name, theta, g in ((f"W^{m}", W, dW), (f"b^{m}", b, db)):
            g = validation.real_array(g, f"the gradient for {name}")
            if g.shape != theta.shape:
                raise ValueError(f"the gradient for {name} has shape {g.shape}; expected {theta.shape}")
    return list(zip(*layers))


def kink_note(net, X, step):
    """Say so when some ReLU input z lies within the finite difference's reach of the kink z = 0."""
    cache = net._forward(X)
    near = []
    for m, (z, a_prev) in enumerate(zip(cache.z, cache.a), start=1):
        if net.activation_of(m).name in KINKED:
            reach = step * max(1.0, float(np.abs(a_prev).max()))     # how far one step Δ can move z^m
            count = int(np.count_nonzero(np.abs(z) < reach))
            if count:
                near.append(f"{count} in layer {m}")
    if not near:
        return []
    return [f"ReLU inputs z within Δ·|a| of the kink at 0 ({', '.join(near)}): the difference quotient "
            f"straddles the kink there, so a failure need not be a bug; try another seed or a smaller step"]


def gradient_check(net, X, Y, step=None, gradients=None, tolerance=None, eps=None):
    """Compare ``gradients`` (default: ``net.gradients(X, Y)``) with central differences of ``net.cost``.

    ``gradients`` may be any object with ``dW`` and ``db`` (one array per layer), e.g. from a
    student's own backward.  step: the step Δ (default u^(1/3) ≈ 6e-6; ``eps=`` is its former name);
    tolerance: default max(1e-7, 10 Δ²).
    """
    validation.instance(net, "net", "Network([64, 16, 10])")
    if not isinstance(net, Network):
        raise TypeError(f"net must be a lessonlib Network; got {validation.describe(net)}")
    X = net.check_X(X)
    Y = net.check_Y(Y, X.shape[1])
    named = "step (Δ)" if eps is None else "eps (the step Δ)"
    step = one_step(step, eps)
    step = STEP if step is None else validation.positive(step, named)
    if step > 0.1:
        raise ValueError(f"{named} must be at most 0.1 for a derivative to be measured; got {step}")
    tolerance = max(TOLERANCE, 10 * step * step) if tolerance is None else validation.positive(tolerance, "tolerance")
    if tolerance >= 1:
        raise ValueError(f"tolerance must be below 1 (a relative error); got {tolerance}")
    for m, (W, b) in enumerate(zip(net.weights, net.biases), start=1):
        validation.finite(W, f"W^{m}")
        validation.finite(b, f"b^{m}")
    grads = net.gradients(X, Y) if gradients is None else gradients
    layers = checked_gradients(net, grads)
    cost = lambda: net._cost(net._forward(X), Y)  # noqa: E731  (Ĵ at the current parameters)
    with np.errstate(all="ignore"):
        floor = 10 * U * max(abs(cost()), 1e-300) / (step * tolerance)
        rows, notes = [], kink_note(net, X, step)
        for m, (W, b, (dW, db)) in enumerate(zip(net.weights, net.biases, layers), start=1):
            for name, theta, g in ((f"W^{m}", W, dW), (f"b^{m}", b, db)):
                if theta.dtype != np.float64:
                    notes.append(f"{name} is {theta.dtype}, not float64: its rounding alone can exceed the tolerance")
                rows.append((name, theta.shape, relative_error(g, numerical_gradient(cost, theta, step), floor)))
    return GradCheck(rows, tolerance, notes, step, floor)
