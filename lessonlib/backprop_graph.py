"""Lesson 02 §4: one ReLU neuron as a computational graph, drawn the way CS231n draws them.

    neuron_graph(w, b, x, y)        every edge's value (forward) and gradient ∂J/∂value (backward), by the
                                    gate rules: add distributes, multiply swaps, max routes
    plot_neuron_graph(w, b, x, y)   the graph: ×, +, max and the cost as nodes, each edge's value above it
                                    and its gradient below it

worked_backward, show_worked_backward   §3's 2–2–1 backward pass, one line per equation, and printed as
                                    equations with their numbers

The graph is a = max(w·x + b, 0), J = ½(a − y)², for one example (B = 1).  Every number drawn is
computed here from (w, b, x, y); the notebook's code cell and lessonlib's backward agree with it
(tests/test_backprop_lab.py).
"""
from matplotlib.patches import FancyArrowPatch

from .plots import BLACK, BLUE, MIN_TEXT_PT, VERMILLION, axes_or_new

# node → position (data units); edge → (tail, head), each a node or a point (an input's start, J's end)
NODES = {"mul": (3.3, 0.0), "add": (6.5, 0.0), "max": (9.4, 0.0), "cost": (13.3, 0.0)}
EDGES = {"w": ((0.6, 2.0), "mul"), "x": ((0.6, -2.0), "mul"), "wx": ("mul", "add"), "b": ((4.4, -2.6), "add"),
         "z": ("add", "max"), "a": ("max", "cost"), "y": ((11.6, -2.6), "cost"), "J": ("cost", (17.6, 0.0))}
SYMBOLS = {"mul": "×", "add": "+", "max": "max", "cost": "½(a − y)²"}
SHRINK = {"mul": 20, "add": 20, "max": 26, "cost": 56}       # points from a node's centre to its outline
LABEL_AT = {"J": 0.6, "a": 0.45}                               # where along an edge its labels sit (else ½)
TEXT = MIN_TEXT_PT + 1


def neuron_graph(w, b, x, y):
    """{edge: (value, gradient)} for a = max(w x + b, 0), J = ½(a − y)²: forward, then backward from
    ∂J/∂J = 1 by the gate rules.  y's gradient is None (a target, not something we change)."""
    wx = w * x
    z = wx + b
    a = max(z, 0.0)
    J = 0.5 * (a - y) ** 2
    dJ = 1.0
    da = (a - y) * dJ                         # the cost's own slope
    dz = da if z > 0 else 0.0                 # max routes: only where z > 0
    dwx = db = dz                             # add distributes
    dw, dx = x * dwx, w * dwx                 # multiply swaps
    return {"w": (w, dw), "x": (x, dx), "wx": (wx, dwx), "b": (b, db), "z": (z, dz), "a": (a, da),
            "y": (y, None), "J": (J, dJ)}


def number(v):
    """A short number as CS231n writes them on a graph: 0.5, 2, −0.25, 0.125."""
    return f"{v + 0.0:g}".replace("-", "−")


def _point(end):
    return NODES[end] if isinstance(end, str) else end


def side_label(ax, tail, head, text, side, color, at=0.5):
    """``text`` beside the point ``at`` of the way along the edge tail → head, on the left of its direction
    (side = +1, above a rightward edge) or on the right (side = −1), 8 points off the line."""
    (x0, y0), (x1, y1) = ax.transData.transform([tail, head])
    dx, dy = x1 - x0, y1 - y0
    nx, ny = -dy * side, dx * side
    norm = (nx * nx + ny * ny) ** 0.5
    nx, ny = nx / norm, ny / norm
    ha = "right" if nx < -0.4 else "left" if nx > 0.4 else "center"
    va = "bottom" if ny > 0.4 else "top" if ny < -0.4 else "center"
    where = (tail[0] + at * (head[0] - tail[0]), tail[1] + at * (head[1] - tail[1]))
    ax.annotate(text, where, xytext=(8 * nx, 8 * ny), textcoords="offset points", ha=ha, va=va, color=color,
                fontsize=TEXT)


def plot_neuron_graph(w, b, x, y, ax=None):
    """The graph with each edge's value above it (blue, forward) and ∂J/∂(value) below it (vermillion,
    backward); returns the Axes."""
    ax = axes_or_new(ax, figsize=(13.5, 4.8))
    ax.set(xlim=(0.0, 17.8), ylim=(-2.9, 2.3), xticks=[], yticks=[],
           title="One ReLU neuron: values forward (above, blue), gradients ∂J/∂value backward (below)")
    graph = neuron_graph(w, b, x, y)
    for key, (tail, head) in EDGES.items():
        start, end = _point(tail), _point(head)
        ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=22, linewidth=2, color=BLACK,
                                     shrinkA=SHRINK.get(tail, 3) if isinstance(tail, str) else 3,
                                     shrinkB=SHRINK.get(head, 3) if isinstance(head, str) else 3))
        value, gradient = graph[key]
        if not isinstance(tail, str):                        # an input: its name at the tail
            ax.text(start[0] - 0.12, start[1], key, ha="right", va="center", fontsize=TEXT + 3, style="italic")
        side = -1 if start[0] > end[0] else 1
        at = LABEL_AT.get(key, 0.5)
        side_label(ax, start, end, f"{key} = {number(value)}", side, BLUE, at)
        if gradient is not None:
            side_label(ax, start, end, number(gradient), -side, VERMILLION, at)
    for key, (px, py) in NODES.items():
        ax.text(px, py, SYMBOLS[key], ha="center", va="center", fontsize=TEXT + 2,
                bbox=dict(boxstyle="circle" if len(SYMBOLS[key]) == 1 else "round,pad=0.4", fc="white",
                          ec=BLACK, lw=2))
    ax.grid(False)
    for edge in ax.spines.values():
        edge.set_visible(False)
    return ax


# ---- §3's worked example, backward, in numbers ---------------------------------------------------------
def _check_worked(net):
    if net.L != 2 or net.f_of[1].name != "sigmoid" or net.f_of[2].name != "sigmoid" or net.loss.name != "mse":
        raise ValueError("worked_backward is §3's example: expected two sigmoid layers and loss='mse', got "
                         f"L = {net.L}, {[f.name for f in net.f_of[1:]]} and loss={net.loss.name!r}")


def worked_backward(net, x, y):
    """§3's backward pass, two layers, one line per equation: a dict of every quantity."""
    _check_worked(net)
    W1, b1, W2, b2, B = net.W[1], net.b[1], net.W[2], net.b[2], x.shape[1]
    f1, f2 = net.f_of[1], net.f_of[2]
    z1 = W1 @ x + b1;  a1 = f1.f(z1)              # forward
    z2 = W2 @ a1 + b2; a2 = f2.f(z2)
    dJ_da2 = (a2 - y) / B                         # J averages
    delta2 = f2.f_prime(z2) * dJ_da2              # (1): ⊙ is *
    dW2 = delta2 @ a1.T                           # (3)
    db2 = delta2.sum(axis=1, keepdims=True)       # (4): over the batch
    back = W2.T @ delta2                          # (W²)ᵀ δ²
    delta1 = f1.f_prime(z1) * back                # (2)
    dW1 = delta1 @ x.T                            # (3)
    db1 = delta1.sum(axis=1, keepdims=True)       # (4)
    return dict(z1=z1, a1=a1, z2=z2, a2=a2, dJ_da2=dJ_da2, delta2=delta2,
                dW2=dW2, db2=db2, back=back, delta1=delta1, dW1=dW1, db1=db1)


def _vec(v):
    v = v.ravel()
    return f"{v[0]:+.4f}" if v.size == 1 else "[" + ", ".join(f"{t:+.4f}" for t in v) + "]"


def show_worked_backward(hand, x, y, W2, layer):
    """Print §3's backward pass for ``layer`` (2: the output layer, 1: one layer back) as equations with their
    numbers (one example, B = 1), from ``worked_backward``'s dict."""
    h = {k: v.ravel() for k, v in hand.items()}
    if layer == 2:
        a2, s2 = h["a2"][0], h["a2"][0] * (1 - h["a2"][0])
        lines = [f"∂J/∂a² = (a² − y)/B = ({a2:.4f} − {y.ravel()[0]:.4f})/1 = {_vec(h['dJ_da2'])}",
                 f"δ²     = a²(1 − a²) · ∂J/∂a² = {s2:.4f} × ({h['dJ_da2'][0]:+.4f}) = {_vec(h['delta2'])}",
                 f"∂J/∂W² = δ² (a¹)ᵀ = ({h['delta2'][0]:+.4f}) × {_vec(h['a1'])} = {_vec(h['dW2'])}",
                 f"∂J/∂b² = δ² = {_vec(h['db2'])}"]
    elif layer == 1:
        d2, w = h["delta2"][0], W2.ravel()
        s1 = h["a1"] * (1 - h["a1"])
        terms = lambda u, v: "[" + ", ".join(f"{p:.4f} × ({q:+.4f})" for p, q in zip(u, v)) + "]"  # noqa: E731
        lines = [f"(W²)ᵀδ² = [{w[0]:+.1f} × ({d2:+.4f}), {w[1]:+.1f} × ({d2:+.4f})] = {_vec(h['back'])}",
                 "δ¹      = a¹(1 − a¹) ⊙ (W²)ᵀδ²",
                 f"        = {terms(s1, h['back'])} = {_vec(h['delta1'])}",
                 f"∂J/∂W¹  = δ¹ (a⁰)ᵀ, column {_vec(h['delta1'])} × row {_vec(x)}",
                 f"        = rows {_vec(h['dW1'][:2])} and {_vec(h['dW1'][2:])}",
                 f"∂J/∂b¹  = δ¹ = {_vec(h['db1'])}"]
    else:
        raise ValueError(f"layer must be 2 (the output layer) or 1 (one layer back), got {layer!r}")
    print("\n".join(lines))
