"""Old name of ``lessonlib.dashboards`` (kept so older notebooks and commands still import)."""
from .dashboards.machinery import Dashboard  # noqa: F401
from .dashboards.registry import DASHBOARDS, MAIN_DASHBOARDS, TITLES  # noqa: F401

globals().update(DASHBOARDS)                                                   # by registry name
globals().update({build.__name__: build for build in DASHBOARDS.values()})   # and by the builders' own names
