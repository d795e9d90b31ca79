"""Lesson 02 §4: one ReLU neuron as a computational graph, drawn the way CS231n draws them.

    neuron_graph(w, b, x, y)        every edge's value (forward) and gradient ∂J/∂value (backward), by the
                                    gate rules: add distributes, multiply swaps, max routes
    plot_neuron_graph(w, b, x, y)   the graph: ×, +, max and the cost as nodes, each edge's value above it
                                    and its gradient below it

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
