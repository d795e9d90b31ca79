"""Notebook 03's dashboards (being moved here from lessonlib/optimizer_race.py)."""
from ..optimizer_race import race_dashboard, digits_dashboard  # noqa: F401

DASHBOARDS = {"optimizer_race": race_dashboard, "optimizer_digits": digits_dashboard}
TITLES = {"optimizer_race": "Optimizers race on a cost surface", "optimizer_digits": "Optimizers on the digits"}
MAIN = "optimizer_race"
