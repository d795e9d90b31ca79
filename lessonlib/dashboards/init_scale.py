"""Notebook 02's initialization dashboard: the starting weights' scale against depth and activation.

    initialization()   controls for the init scheme, the hidden activation f and the depth; per layer m,
                       the spread of a^m across examples (forward) and the size of δ^m (backward), log axes

The numbers are ``lessonlib.initialization.layer_statistics`` (one forward and backward pass on the probe
digits, a few ms), computed the first time a setting is shown and kept, so the build computes one setting.
"""
import numpy as np

from .. import initialization as init
from ..plots import ACTIVATION_COLORS, COLORS, MIN_TEXT_PT, presentation_style
from .machinery import Dashboard, dropdown, int_slider, new_figure

TITLES = {"initialization": "Initialization: the signal forward and the error backward, layer by layer"}

MAX_DEPTH = 10
FLOOR = 1e-22                       # where an exact 0 is drawn on the log axes
YLIM = (1e-23, 1e7)


def initialization(scheme="He", activation="relu", depth=6, width=32, seed=0):
    """Dropdowns for the init scheme and f, a slider for the number of hidden layers: the spread of a^m
    and the size of δ^m in each layer of a fresh 64 → width × depth → 10 network on the digits."""
    fig, (ax_a, ax_d) = new_figure(figsize=(11, 4.6), ncols=2)
    with presentation_style():
        return _build(fig, ax_a, ax_d, scheme, activation, depth, width, seed)


def _build(fig, ax_a, ax_d, scheme, activation, depth, width, seed):
    for ax, what in ((ax_a, r"spread of $a^m$ across examples"), (ax_d, r"size of $\delta^m$ (rms of $B\,\delta^m$)")):
        ax.set(xlim=(0.5, MAX_DEPTH + 1.5), ylim=YLIM, yscale="log", xlabel=r"layer $m$ (the last: softmax output)",
               ylabel=what, xticks=range(1, MAX_DEPTH + 2))
        ax.set_yticks([10.0 ** e for e in range(-20, 7, 4)])
        ax.axhspan(YLIM[0], 3 * FLOOR, color="0.9", zorder=0)
        ax.text(MAX_DEPTH + 1.4, 1.6 * FLOOR, "exactly 0", ha="right", va="center", fontsize=MIN_TEXT_PT, color="0.4")
    ax_a.set_title(r"Forward: does $a^m$ still vary with the input?")
    ax_d.set_title(r"Backward: does $\delta^m$ reach layer 1?")
    animated = dict(animated=True, markersize=7)
    lines = {ax: ax.plot([], [], "o-", **animated)[0] for ax in (ax_a, ax_d)}
    zeros = {ax: ax.plot([], [], "X", markersize=11, animated=True)[0] for ax in (ax_a, ax_d)}
    readout = {ax: ax.text(0.03, 0.95, "", transform=ax.transAxes, va="top", fontsize=MIN_TEXT_PT, animated=True)
               for ax in (ax_a, ax_d)}

    def update(scheme, activation, depth):
        s = init.layer_statistics(scheme, activation, depth, width, seed)       # cached after the first time
        layers = np.arange(1, s.L + 1)
        color = ACTIVATION_COLORS.get(activation, COLORS[0])
        for ax, values in ((ax_a, s.spread), (ax_d, s.delta)):
            shown = values > 0
            lines[ax].set_data(layers, np.where(shown, values, np.nan))
            zeros[ax].set_data(layers[~shown], np.full((~shown).sum(), FLOOR))
            for artist in (lines[ax], zeros[ax]):
                artist.set_color(color)
        readout[ax_a].set_text(f"{activation}, {init.SCHEME_LABELS[scheme]}")
        ratio = "0" if s.delta[0] == 0 else f"{s.delta_ratio:.1e}"
        readout[ax_d].set_text(f"size(δ¹) / size(δ{init.superscript(s.L)}) = {ratio}")
        return init.verdict(s)

    controls = {"scheme": dropdown("initial weights", {init.SCHEME_LABELS[s]: s for s in init.SCHEMES}, scheme),
                "activation": dropdown("hidden f", list(init.ACTIVATIONS), activation),
                "depth": int_slider("hidden layers", depth, 1, MAX_DEPTH)}
    return Dashboard(controls, update, fig,
                     title=f"{TITLES['initialization']}: 64 → {width} × depth → 10, {init.N_PROBE} digits")
