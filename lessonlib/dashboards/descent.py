"""Notebook 01's dashboards (being moved here from lessonlib/descent_lab.py)."""
from ..descent_lab import learning_rate_explorer, network_learning_rate  # noqa: F401

DASHBOARDS = {"learning_rate_explorer": learning_rate_explorer, "network_learning_rate": network_learning_rate}
TITLES = {"learning_rate_explorer": "Gradient descent: the learning rate α",
          "network_learning_rate": "The learning rate α on a digits network"}
MAIN = "learning_rate_explorer"
