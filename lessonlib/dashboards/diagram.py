"""Notebook 02's worked 2–2–1 example as a drawn network you step through, one equation per step.

    worked_example()        the network, x and y of notebook 02 §3 (from backprop_lab: weights set by hand)
    worked_example_steps()  the forward then backward pass as a list of Steps (equation, numbers, value)
    steps_text()            the same steps as printable text, one line each
    network_diagram()       the dashboard: a "step" slider (and ◀ ▶ buttons) walks the steps on the drawing

Every number comes from ``Network.forward`` / ``Network.backward`` (``cache.z[m]``, ``cache.a[m]``,
``grads.delta[m]``, ``grads.dW[m]``, ``grads.db[m]``); only the factors shown inside an equation
(f'(z^m), ∂J/∂a^2, (W^2)^T δ^2) are recomputed here, and the tests check them against those values.
"""
import ipywidgets as widgets
import numpy as np

from ..backprop_lab import worked_example
from ..plots import BLUE, MIN_TEXT_PT, VERMILLION
from .machinery import Dashboard, int_slider, new_figure

TITLES = {"network_diagram": "The 2–2–1 worked example, step by step"}
SMALL, LARGE = MIN_TEXT_PT, MIN_TEXT_PT + 2                      # every text at least MIN_TEXT_PT (18 px on a slide)
FIGSIZE = (13.5, 6.6)


def numbers(A):
    """A column as (…)ᵀ, a row as (…), a matrix as [[…], […]], a 1×1 array as one number; 4 decimals."""
    A = np.atleast_2d(np.asarray(A, dtype=np.float64)) + 0.0           # + 0.0: no "-0.0000"
    f = lambda v: f"{v:.4f}"                                            # noqa: E731
    if A.size == 1:
        return f(A[0, 0])
    if A.shape[1] == 1:
        return "(" + ", ".join(f(v) for v in A[:, 0]) + ")ᵀ"
    if A.shape[0] == 1:
        return "(" + ", ".join(f(v) for v in A[0]) + ")"
    return "[" + ", ".join("[" + ", ".join(f(v) for v in row) + "]" for row in A) + "]"


class Step:
    """One step of the walk: the equation it applies, its numbers, the resulting value, in words."""

    def __init__(self, phase, symbol, equation, value, words, factors=()):
        self.phase, self.symbol, self.equation, self.words = phase, symbol, equation, words
        self.value, self.factors = value, tuple(factors)     # factors: arrays shown inside the equation

    @property
    def numbers(self):
        inner = " ⊙ ".join(numbers(F) for F in self.factors)
        return (f"{inner} = " if inner else "") + numbers(self.value)

    @property
    def text(self):
        return f"{self.equation} = {self.numbers}"

    def __repr__(self):
        return self.text


def worked_example_steps(net=None, x=None, y=None):
    """The walk through one forward and one backward pass of ``net`` (default: the worked example).

    Step 0 is the input; then z¹, a¹, z², a², J (forward); then δ², ∂J/∂W², ∂J/∂b², δ¹, ∂J/∂W¹, ∂J/∂b¹
    (backward).  Values are the library's: cache.z[m], cache.a[m], grads.delta[m], grads.dW[m], grads.db[m]."""
    if net is None:
        net, x, y = worked_example()
    cache = net.forward(x)
    grads = net.backward(cache, y)
    z, a, f = cache.z, cache.a, net.f_of
    B = x.shape[1]
    dJ_da2 = net.loss.dJ_da(a[2], y)                                   # (a² − y)/B
    return [
        Step("input", "a⁰", "a⁰ = x", a[0], "The input is the layer-0 activation; the target is "
             f"y = {numbers(y)}, one example (B = {B})."),
        Step("forward", "z¹", "z¹ = W¹a⁰ + b¹", z[1], "Layer 1: each hidden neuron weighs the "
             "inputs along its edges and adds its bias."),
        Step("forward", "a¹", "a¹ = f(z¹)", a[1], "Layer 1: the sigmoid f squashes each weighted sum."),
        Step("forward", "z²", "z² = W²a¹ + b²", z[2], "Layer 2: the output neuron weighs the "
             "hidden activations and adds its bias."),
        Step("forward", "a²", "a² = f(z²)", a[2], "Layer 2: the network's output."),
        Step("forward", "J", "J = 1/(2B) Σ‖a² − y‖²", np.array([[net.cost(x, y)]]),
             "The cost: half the squared error, averaged over the batch."),
        Step("backward", "δ²", "δ² = f'(z²) ⊙ ∂J/∂a²", grads.delta[2], "Layer 2: the output "
             "error, the sigmoid's slope times ∂J/∂a² = (a² − y)/B.", [f[2].f_prime(z[2]), dJ_da2]),
        Step("backward", "∂J/∂W²", "∂J/∂W² = δ²(a¹)ᵀ", grads.dW[2], "Layer 2: each edge's "
             "gradient is the error at its head times the activation at its tail."),
        Step("backward", "∂J/∂b²", "∂J/∂b² = δ²", grads.db[2], "Layer 2: the bias gradient is "
             f"δ² summed over the batch (here B = {B})."),
        Step("backward", "δ¹", "δ¹ = f'(z¹) ⊙ (W²)ᵀδ²", grads.delta[1], "Layer 1: δ² travels "
             "back along the same edges (W² transposed), times the hidden slopes f'(z¹).",
             [f[1].f_prime(z[1]), net.W[2].T @ grads.delta[2]]),
        Step("backward", "∂J/∂W¹", "∂J/∂W¹ = δ¹(a⁰)ᵀ", grads.dW[1], "Layer 1: error at the "
             "head times activation at the tail, for each of the four edges."),
        Step("backward", "∂J/∂b¹", "∂J/∂b¹ = δ¹", grads.db[1], "Layer 1: the bias gradients; "
             "every parameter now has its gradient."),
    ]


def steps_text(steps=None):
    """'step k: equation = numbers', one line per step, for printing in the notebook."""
    steps = worked_example_steps() if steps is None else steps
    return "\n".join(f"step {k:2d} ({s.phase}): {s.text}" for k, s in enumerate(steps))


# ---- the drawing ---------------------------------------------------------------------------------
NODES = {"x1": (0.0, 1.0), "x2": (0.0, 0.0), "h1": (1.7, 1.0), "h2": (1.7, 0.0), "o": (3.4, 0.5)}
EDGES = {("x1", "h1"): (1, 0, 0), ("x2", "h1"): (1, 0, 1), ("x1", "h2"): (1, 1, 0), ("x2", "h2"): (1, 1, 1),
         ("h1", "o"): (2, 0, 0), ("h2", "o"): (2, 0, 1)}          # edge → (layer m, row i, column j) of W^m
WHERE = {(1, 0, 0): 0.58, (1, 1, 1): 0.58, (1, 0, 1): 0.22, (1, 1, 0): 0.22,     # where along an edge its
         (2, 0, 0): 0.5, (2, 0, 1): 0.5}                                             # labels sit
# what each step lights up: nodes, and the layer whose edges it uses
LIT = [(("x1", "x2"), None), (("h1", "h2"), 1), (("h1", "h2"), None), (("o",), 2), (("o",), None),
       (("o",), None), (("o",), None), ((), 2), (("o",), None), (("h1", "h2"), 2), ((), 1), (("h1", "h2"), None)]


def along(m, i, j, t):
    tail, head = [k for k, v in EDGES.items() if v == (m, i, j)][0]
    (x0, y0), (x1, y1) = NODES[tail], NODES[head]
    return x0 + t * (x1 - x0), y0 + t * (y1 - y0)


def draw_network(ax, net, x):
    """The static picture: nodes, edges with their weights, biases and inputs; returns the edge lines."""
    ax.set(xlim=(-0.75, 5.0), ylim=(-1.25, 2.5), xticks=[], yticks=[])
    ax.grid(False)
    for side in ax.spines.values():
        side.set_visible(False)
    for (tail, head), (m, i, j) in EDGES.items():
        (x0, y0), (x1, y1) = NODES[tail], NODES[head]
        ax.plot([x0, x1], [y0, y1], color="0.6", linewidth=2, zorder=1)
        ax.text(*along(m, i, j, WHERE[m, i, j]), f"{net.W[m][i, j]:.2f}", ha="center", va="center", fontsize=SMALL,
                bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="0.75"), zorder=6)
    names = {"x1": "x₁", "x2": "x₂", "h1": "1", "h2": "2", "o": "out"}
    for key, (px, py) in NODES.items():
        ax.scatter([px], [py], s=1500, color="white", edgecolor="0.3", linewidth=2, zorder=2)
        ax.text(px, py, names[key], ha="center", va="center", fontsize=LARGE, zorder=4)
    for k, key in enumerate(("x1", "x2")):
        ax.text(NODES[key][0] - 0.3, NODES[key][1], f"{x[k, 0]:.2f}", ha="right", va="center", fontsize=SMALL)
    for key, m, i in (("h1", 1, 0), ("h2", 1, 1), ("o", 2, 0)):
        px, py = NODES[key]
        where = {"h1": (0.27, 0.08, "left", "bottom"), "h2": (0.27, -0.08, "left", "top"),
                 "o": (0.0, 0.27, "center", "bottom")}[key]
        ax.text(px + where[0], py + where[1], f"b = {net.b[m][i, 0]:.2f}", fontsize=SMALL, color="0.35",
                ha=where[2], va=where[3])
    for m, name in enumerate(("layer 0 (input)", "layer 1 (hidden)", "layer 2 (output)")):
        ax.text(1.7 * m, -0.9, name, ha="center", va="bottom", fontsize=SMALL, color="0.35")
    ax.text(-0.7, -1.2, "on each edge: its weight (boxed) and, from the backward pass on, ∂J/∂w under it",
            va="bottom", fontsize=SMALL, color=VERMILLION)


def step_artists(ax, net, x, y, steps):
    """The step-dependent artists over ``draw_network``'s picture; returns show(k), which sets them for step k."""
    cache = net.forward(x)
    grads = net.backward(cache, y)
    header = ax.text(-0.7, 2.45, "", fontsize=SMALL, va="top", color="0.25")
    equation = ax.text(-0.7, 2.2, "", fontsize=LARGE, va="top", fontweight="bold")
    words = ax.text(-0.7, 1.92, "", fontsize=SMALL, va="top", color="0.25")
    rings = {key: ax.scatter([p[0]], [p[1]], s=1900, facecolor="none", linewidth=4, zorder=3)
             for key, p in NODES.items()}
    lit_edges = {v: ax.plot(*zip(along(*v, 0.1), along(*v, 0.9)), linewidth=5, alpha=0.55, zorder=2)[0]
                 for v in EDGES.values()}
    edge_grads = {v: ax.text(*np.add(along(*v, WHERE[v]), (0, -0.17)), "", ha="center", va="center",
                             fontsize=SMALL, color=VERMILLION, zorder=5,
                             bbox=dict(boxstyle="square,pad=0.05", fc="white", ec="none"))
                  for v in EDGES.values()}
    node_text = {"h1": ax.text(1.7, 1.25, "", fontsize=SMALL, ha="center", va="bottom"),
                 "h2": ax.text(1.7, -0.3, "", fontsize=SMALL, ha="center", va="top"),
                 "o": ax.text(3.67, 0.5, "", fontsize=SMALL, ha="left", va="center")}
    cost = ax.text(3.4, 1.05, "", ha="center", fontsize=LARGE, color=BLUE, fontweight="bold")
    neuron = {"h1": (1, 0), "h2": (1, 1), "o": (2, 0)}

    def node_lines(key, k):
        m, i = neuron[key]
        first = 1 if m == 1 else 3                                     # the step that computes z^m
        rows = [(first, f"z = {cache.z[m][i, 0]:.4f}"), (first + 1, f"a = {cache.a[m][i, 0]:.4f}"),
                (9 if m == 1 else 6, f"δ = {grads.delta[m][i, 0]:.4f}"),
                (11 if m == 1 else 8, f"∂J/∂b = {grads.db[m][i, 0]:.4f}")]
        shown = [text for shown_at, text in rows if k >= shown_at]
        per_line = 2 if m == 1 else 1                                  # hidden: two to a line, above/below
        return "\n".join("   ".join(shown[r:r + per_line]) for r in range(0, len(shown), per_line))

    def show(k):
        s = steps[k]
        color = VERMILLION if s.phase == "backward" else BLUE
        header.set_text(f"step {k} of {len(steps) - 1}: " + ("the input" if k == 0 else f"the {s.phase} pass"))
        words.set_text(s.words)
        equation.set_text(s.text)
        equation.set_color(color)
        nodes, layer = LIT[k]
        for key, ring in rings.items():
            ring.set_visible(key in nodes)
            ring.set_edgecolor(color)
        for (m, i, j), line in lit_edges.items():
            line.set_visible(m == layer)
            line.set_color(color)
            shown = k >= (10 if m == 1 else 7)
            edge_grads[m, i, j].set_text(f"{grads.dW[m][i, j]:.4f}" if shown else "")
        for key, text in node_text.items():
            text.set_text(node_lines(key, k))
        cost.set_text(f"J = {steps[5].value[0, 0]:.4f}" if k >= 5 else "")

    return show


def diagram_figure(step=None, figsize=FIGSIZE):
    """(fig, show): the drawn worked example and show(k), which sets the figure to step k (default: the last)."""
    net, x, y = worked_example()
    steps = worked_example_steps(net, x, y)
    fig, ax = new_figure(figsize=figsize)
    draw_network(ax, net, x)
    show = step_artists(ax, net, x, y, steps)
    show(len(steps) - 1 if step is None else step)
    return fig, show


def network_diagram(step=0, figsize=FIGSIZE):
    """A "step" slider (0 … 11, plus ◀ ▶ buttons) walks the worked example forward then backward;
    the figure shows the step's one equation with its numbers, values on the nodes and edges.

    Each step is one fixed view: the Blitter keeps one background per step (keyed by a hidden
    axes title), drawn the first time that step is shown (not at build: drawing all twelve took 2 s),
    so a step already seen only restores a cached picture."""
    n_steps = len(worked_example_steps())
    fig, show = diagram_figure(step, figsize)
    ax = fig.axes[0]
    ax.title.set_visible(False)

    def update(step):
        show(int(step))
        ax.set_title(f"step {int(step)}")            # hidden: tells the Blitter which view this is
        return None

    slider = int_slider("step", step, 0, n_steps - 1)
    dash = Dashboard({"step": slider}, update, fig, title=TITLES["network_diagram"])   # draws the first view
    dash.blitter.keep = n_steps                      # and keeps one background per step from now on
    add_step_buttons(dash, slider)
    return dash


def add_step_buttons(dash, slider):
    """◀ and ▶ buttons beside the slider, moving it one step (clamped to its range)."""
    back, forth = (widgets.Button(description=d, layout=widgets.Layout(width="48px")) for d in ("◀", "▶"))
    back.on_click(lambda _: setattr(slider, "value", max(slider.min, slider.value - 1)))
    forth.on_click(lambda _: setattr(slider, "value", min(slider.max, slider.value + 1)))
    box = holder(dash.widget, slider)
    if box is None:                                   # the slider is not in a box: show the buttons first
        dash.widget.children = (widgets.HBox([back, forth]),) + tuple(dash.widget.children)
    else:
        k = list(box.children).index(slider)
        slider.layout.flex = "1 1 auto"
        box.children = box.children[:k] + (widgets.HBox([back, slider, forth]),) + box.children[k + 1:]
    dash.buttons = (back, forth)


def holder(box, widget):
    """The Box (searched depth first from ``box``) whose children include ``widget``, or None."""
    children = getattr(box, "children", ())
    if any(child is widget for child in children):
        return box
    return next((found for child in children if (found := holder(child, widget)) is not None), None)
