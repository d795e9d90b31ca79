"""Every lesson's dashboards: ``machinery.py`` (controls above a blitted figure), one module per lesson
(``descent``, ``backprop``, ``optimizers``, ``overfitting``), and one registry (``registry.py``).

    from lessonlib.dashboards import learning_rate_explorer
    dash = learning_rate_explorer()      # display `dash` in a cell; dash.snapshot() gives a still

Names are loaded on first use, so the machinery imports without loading every lesson.
"""
import importlib

_REGISTRY_NAMES = ("DASHBOARDS", "TITLES", "MAIN_DASHBOARDS", "LESSONS")
_MODULES = ("machinery", "registry", "descent", "backprop", "optimizers", "overfitting", "diagram", "init_scale")


def __getattr__(name):
    if name.startswith("__") or name in _MODULES:      # submodules are imported, not looked up here
        raise AttributeError(name)
    registry = importlib.import_module(".registry", __name__)
    if name in _REGISTRY_NAMES:
        return getattr(registry, name)
    if name in registry.DASHBOARDS:
        return registry.DASHBOARDS[name]
    if name == "Dashboard":
        from .machinery import Dashboard
        return Dashboard
    raise AttributeError(f"lessonlib.dashboards has no {name!r}; dashboards: {sorted(registry.DASHBOARDS)}")


def __dir__():
    registry = importlib.import_module(".registry", __name__)
    return sorted([*_REGISTRY_NAMES, "Dashboard", *registry.DASHBOARDS])
