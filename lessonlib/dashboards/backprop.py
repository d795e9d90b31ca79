"""Notebook 02's dashboards (being moved here from lessonlib/backprop_lab.py)."""
from ..backprop_lab import learning_rate_dashboard, vanishing_dashboard  # noqa: F401

DASHBOARDS = {"backprop_learning_rate": learning_rate_dashboard, "vanishing_gradients": vanishing_dashboard}
TITLES = {"backprop_learning_rate": "Backpropagation: α and the hidden layer's size",
          "vanishing_gradients": "Vanishing gradients: δ layer by layer"}
MAIN = "backprop_learning_rate"
