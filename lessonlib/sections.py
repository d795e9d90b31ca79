"""Run a cell too early and be told which section to run first, instead of a bare NameError.

    sections.explain_missing({"history": "§8 Training on the digits", ...})   # once, in the first cell

After that, a NameError for a listed name prints "`history` is made in §8 Training on the digits:
run that section first (or Run All above this cell)." in place of a traceback.
"""
from IPython import get_ipython

SECTIONS = {}


def _handler(shell, etype, value, tb, tb_offset=None):
    name = getattr(value, "name", None)
    if name in SECTIONS:
        print(f"NameError: `{name}` is made in {SECTIONS[name]}: run that section first "
              f"(or Run → Run All Above Selected Cell).")
        return None
    return shell.showtraceback((etype, value, tb), tb_offset=tb_offset)


def explain_missing(names):
    """Register name → section; in IPython, a NameError for one of them names its section."""
    SECTIONS.update(names)
    shell = get_ipython()
    if shell is not None:
        shell.set_custom_exc((NameError,), _handler)
    return None
