"""One registry of every lesson's dashboards: name → builder, a human title, each lesson's main one."""
import importlib

descent, backprop, optimizers, overfitting = (importlib.import_module(f".{name}", __package__)
                                             for name in ("descent", "backprop", "optimizers", "overfitting"))

LESSONS = {"01": descent, "02": backprop, "03": optimizers, "04": overfitting}
DASHBOARDS = {name: build for lesson in LESSONS.values() for name, build in lesson.DASHBOARDS.items()}
TITLES = {name: title for lesson in LESSONS.values() for name, title in lesson.TITLES.items()}
MAIN_DASHBOARDS = {number: lesson.MAIN for number, lesson in LESSONS.items()}
