"""Every lesson's dashboard, in one place, for the notebooks and for your own.

    from lessonlib.widgets import learning_rate_explorer
    dash = learning_rate_explorer()      # display `dash` in a cell; dash.snapshot() gives a still

Each builder returns a ``lessonlib.dashboard.Dashboard``: ipywidgets controls above a figure that
is recomputed and redrawn on every change (under 100 ms: see benchmarks/slider_latency.py).
The machinery is in dashboard.py; each lesson's compute-and-draw code is in its lesson module.
"""
from .backprop_lab import learning_rate_dashboard, vanishing_dashboard
from .dashboard import Dashboard
from .descent_lab import learning_rate_explorer, network_learning_rate
from .optimizer_race import digits_dashboard, race_dashboard
from .overfitting_lab import l2_dashboard, size_dashboard

# name → builder, lesson by lesson (used by `python -m lessonlib.app` and the latency benchmark)
DASHBOARDS = {
    "learning_rate_explorer": learning_rate_explorer,       # 01: α on a cost surface
    "network_learning_rate": network_learning_rate,         # 01: α on a digits network
    "backprop_learning_rate": learning_rate_dashboard,      # 02: α and hidden size, digits
    "vanishing_gradients": vanishing_dashboard,             # 02: δ per layer by depth and f
    "optimizer_race": race_dashboard,                       # 03: optimizers on 2-D surfaces
    "optimizer_digits": digits_dashboard,                   # 03: optimizers on the digits
    "training_size": size_dashboard,                        # 04: more data
    "l2_regularization": l2_dashboard,                      # 04: the λ slider
}
MAIN_DASHBOARDS = {"01": "learning_rate_explorer", "02": "backprop_learning_rate",
                   "03": "optimizer_race", "04": "l2_regularization"}

__all__ = ["Dashboard", "DASHBOARDS", "MAIN_DASHBOARDS", *(b.__name__ for b in DASHBOARDS.values())]
