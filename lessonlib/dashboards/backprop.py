"""Notebook 02's dashboards: α × hidden size on the digits, and δ per layer against depth.

    backprop_learning_rate   sliders for α and n_1; cost and accuracy per epoch (runs precomputed by ``train``)
    vanishing_gradients      hidden layers; the size of δ^m in each layer of a fresh network, for sigmoid, tanh, ReLU
"""
from functools import lru_cache

import numpy as np

from ..backprop_lab import HIDDEN_SIZES, LR_EXPONENTS, digits, history_curve, lr_grid
from ..initialization import N_PROBE, deep_net, delta_sizes
from ..plots import ACTIVATION_COLORS, BLACK, MIN_TEXT_PT, SET_COLORS
from ..training import one_blas_thread
from .machinery import Dashboard, dropdown, int_slider, log_slider, new_figure
from . import diagram, init_scale

ACTIVATIONS = ("sigmoid", "tanh", "relu")
from .diagram import network_diagram
from .init_scale import initialization


def backprop_learning_rate(lr=0.1, hidden=32, epochs=10, batch_size=128, seed=0):
    """Sliders for α and the hidden size n_1; the digits' cost and accuracy curves for that pair, train and
    validation (lr_grid: precomputed on backprop_lab.digits_split)."""
    grid, starts = lr_grid(epochs=epochs, batch_size=batch_size, seed=seed)
    step = LR_EXPONENTS[1] - LR_EXPONENTS[0]
    fig, (ax_cost, ax_acc) = new_figure(figsize=(13, 4.6), ncols=2)
    ax_cost.set(xlim=(-0.5, epochs + 0.5), ylim=(1e-4, 3e3), yscale="log", xlabel="epoch", ylabel="cost J",
                title="Cost per epoch")
    ax_acc.set(xlim=(-0.5, epochs + 0.5), ylim=(0.0, 1.02), xlabel="epoch", ylabel="accuracy",
               title="Accuracy per epoch")
    ax_acc.axhline(0.97, color=BLACK, linewidth=1.2, linestyle=":", label="97%")
    lines = {}
    for ax, key in ((ax_cost, "cost"), (ax_acc, "accuracy")):
        for part, name, style in (("train", "train", "o-"), ("val", "validation", "s--")):
            lines[key, part], = ax.plot([], [], style, color=SET_COLORS[name], markersize=4, animated=True,
                                        label=name)
        ax.legend(loc="upper right" if key == "cost" else "center right")
    readout = ax_acc.text(0.03, 0.05, "", transform=ax_acc.transAxes, fontsize=MIN_TEXT_PT, animated=True)

    def largest_stable(h):
        ok = [e for e in LR_EXPONENTS if not grid[e, h].diverged]
        return 10.0 ** max(ok) if ok else None

    def update(lr, hidden):
        e = LR_EXPONENTS[int(np.clip(round((np.log10(lr) - LR_EXPONENTS[0]) / step), 0, len(LR_EXPONENTS) - 1))]
        history = grid[e, hidden]
        for (key, part), line in lines.items():
            x, y = history_curve(history, starts[hidden], f"{part}_{key}")
            if key == "cost":
                y = np.clip(np.nan_to_num(y, nan=1e3, posinf=1e3), 1e-6, 1e3)
            line.set_data(x, y)
        readout.set_text(rf"$\alpha$ = {10.0 ** e:.3g}, $n_1$ = {hidden}: {history.val_accuracy[-1]:.1%} "
                         "(validation)")
        if history.diverged:
            return (f"α = {10.0 ** e:.3g} diverged at epoch {history.epochs}: the cost blew up. "
                    f"With n_1 = {hidden}, try α at most {largest_stable(hidden):.3g}.")
        return None

    controls = {"lr": log_slider("learning rate α", lr, LR_EXPONENTS[0], LR_EXPONENTS[-1], step=step),
                "hidden": dropdown("hidden units n_1", list(HIDDEN_SIZES), hidden)}
    return Dashboard(controls, update, fig,
                     title=f"Digits, 64 → n_1 (ReLU) → 10 (softmax): plain SGD, B = {batch_size}")


def vanishing_gradients(depth=6, activation="sigmoid", width=32, n_probe=N_PROBE, seed=0):
    """A slider for the number of hidden layers: the size of δ^m per layer at initialization for sigmoid,
    tanh and ReLU together (He/Xavier weights); the dropdown picks the one drawn boldly and read out."""
    X, _, Y, _, _ = digits()
    Xp, Yp = X[:, :n_probe], Y[:, :n_probe]
    max_depth = 12
    fig, ax = new_figure(figsize=(11, 4.2))
    ax.set(xlim=(0.5, max_depth + 1.5), ylim=(1e-9, 1e1), yscale="log", xticks=range(1, max_depth + 2),
           xlabel=r"layer $m$ (input side → output side)", ylabel=r"size of $\delta^m$ (rms of $B\,\delta^m$)",
           title=r"The error $\delta^m$ in each layer of a fresh network (He/Xavier initialization)")
    lines = {f: ax.plot([], [], "o-", color=ACTIVATION_COLORS[f], animated=True, markersize=7, label=f)[0]
             for f in ACTIVATIONS}
    ax.legend(loc="lower right", title="hidden f")
    readout = ax.text(0.02, 0.06, "", transform=ax.transAxes, fontsize=MIN_TEXT_PT, animated=True)
    sizes_of = lru_cache(maxsize=None)(lambda d, f: delta_sizes(deep_net(f, d, width, seed), Xp, Yp))

    def update(depth, activation):
        with one_blas_thread():
            sizes = {f: sizes_of(depth, f) for f in ACTIVATIONS}
        for f, line in lines.items():
            line.set_data(np.arange(1, depth + 2), sizes[f])
            line.set(linewidth=3.5 if f == activation else 1.2, alpha=1.0 if f == activation else 0.45)
        ratio = sizes[activation][0] / sizes[activation][-1]
        readout.set_text(rf"{activation}, $L$ = {depth + 1}: size($\delta^1$) / size($\delta^L$) = {ratio:.1e}")
        return None

    controls = {"depth": int_slider("hidden layers", depth, 1, max_depth),
                "activation": dropdown("read out", list(ACTIVATIONS), activation)}
    return Dashboard(controls, update, fig, title=f"Vanishing gradients: 64 → {width} × depth → 10, at initialization")


DASHBOARDS = {"network_diagram": network_diagram, "backprop_learning_rate": backprop_learning_rate,
              "initialization": initialization, "vanishing_gradients": vanishing_gradients}
TITLES = {"backprop_learning_rate": "Backpropagation: α and the hidden layer's size",
          "vanishing_gradients": "Vanishing gradients: δ layer by layer", **diagram.TITLES, **init_scale.TITLES}
MAIN = "backprop_learning_rate"
