"""Notebook 04's dashboards (being moved here from lessonlib/overfitting_lab.py)."""
from ..overfitting_lab import size_dashboard, l2_dashboard  # noqa: F401

DASHBOARDS = {"training_size": size_dashboard, "l2_regularization": l2_dashboard}
TITLES = {"training_size": "Overfitting: the size of the training set",
          "l2_regularization": "L2 regularization: the penalty λ"}
MAIN = "l2_regularization"
