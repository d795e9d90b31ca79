"""The library an exercise asks the student to write, switched off while their function runs.

    OffLimits(mistake, names=("softmax",), objects=(Network.backward,), attributes=((lab, "fit"),))

While the student's function runs, every route to what is switched off reaches a ``Stub``, which raises
``LibraryOff`` when called or read; a ``finally`` puts everything back.  What is switched off:

- ``names``: a name of the student's globals, only when it is bound to a library object (a student's own
  helper called ``softmax`` is theirs, never switched off), and every library object of that name, wherever
  the library binds it (``lessonlib.train``, ``training.train``, ``backprop_lab.train``…);
- ``objects``: functions, classes or modules, wherever they are reachable: any name of the student's
  globals bound to one, every attribute of a lessonlib module bound to one (re-exports), every attribute of
  a lessonlib class bound to one (a method such as ``Network.backward``, reached through any instance, e.g.
  ``cache.owner.backward``), and a module's entry in ``sys.modules`` (so ``from … import`` inside the
  function finds the stub too);
- ``attributes``: explicit ``(module or class, attribute)`` pairs.

"The library" is every module whose name starts with one of ``library`` (default ``("lessonlib",)``); the
exercise modules (``lessonlib.exercises``) are walked, so a catalogued mistake that calls the library is
caught too, but never switched off themselves.
"""
import sys
import types
from contextlib import contextmanager
from dataclasses import dataclass, field

HARNESS = "lessonlib.exercises"          # the checks' own modules: never a target


class LibraryOff(Exception):
    """Raised by a stand-in for library code an exercise asks the student to write; str(err) names it."""


class Stub:
    """Stands in for a function, a class or a module: calling it or reading an attribute raises LibraryOff."""

    def __init__(self, name):
        self._name = name

    def __call__(self, *args, **kwargs):
        raise LibraryOff(self._name)

    def __getattr__(self, attr):
        if attr.startswith("__"):
            raise AttributeError(attr)
        raise LibraryOff(f"{self._name}.{attr}")


def module_of(value):
    """The name of the module that defines value (a module: its own name); None when it cannot be told."""
    if isinstance(value, types.ModuleType):
        return value.__name__
    try:
        name = getattr(value, "__module__", None)
    except Exception:  # an object whose attribute lookup itself fails is nobody's library
        return None
    return name if isinstance(name, str) else None


def within(name, prefixes):
    return name is not None and any(name == p or name.startswith(p + ".") for p in prefixes)


@dataclass
class OffLimits:
    """Reaching for what is switched off is the catalogued ``mistake``."""
    mistake: object
    names: tuple = ()
    objects: tuple = ()
    attributes: tuple = ()
    library: tuple = ("lessonlib",)
    _active: int = field(default=0, repr=False, compare=False)

    def is_library(self, value):
        return isinstance(value, (types.FunctionType, types.BuiltinFunctionType, type, types.ModuleType)) \
            and within(module_of(value), self.library)

    def modules(self):
        """The library's modules, but not the checks' own (a check's function has its globals switched off)."""
        return [m for name, m in list(sys.modules.items())
                if isinstance(m, types.ModuleType) and within(name, self.library) and not within(name, (HARNESS,))]

    def targets(self, space, modules):
        """{id: object} switched off: ``objects``, and the library objects ``names`` stand for."""
        found = list(self.objects)
        for name in self.names:
            found += [value for value in [space.get(name)] + [vars(m).get(name) for m in modules]
                      if self.is_library(value) and not within(module_of(value), (HARNESS,))]
        return {id(obj): obj for obj in found}

    @contextmanager
    def switched_off(self, fn):
        """Everything switched off while ``fn`` runs (re-entrant: an inner call changes nothing)."""
        if self._active:
            yield
            return
        space = getattr(fn, "__globals__", None)
        space = space if isinstance(space, dict) else {}
        modules = self.modules()
        targets = self.targets(space, modules)
        saved = {key: value for key, value in list(space.items()) if id(value) in targets}
        library = {key for key, obj in targets.items() if self.is_library(obj)}     # reached in the library too
        owners = {id(m): m for m in modules}
        owners.update({id(c): c for m in modules for c in vars(m).values()
                       if isinstance(c, type) and within(module_of(c), self.library)})
        patches = [(owner, attr, getattr(owner, attr)) for owner, attr in self.attributes]
        for owner in owners.values():
            patches += [(owner, attr, value) for attr, value in list(vars(owner).items())
                        if id(value) in library and (owner, attr) not in self.attributes]
        entries = {name: m for name, m in list(sys.modules.items()) if id(m) in library}
        self._active += 1
        try:
            space.update({key: Stub(key) for key in saved})
            for owner, attr, _ in patches:
                setattr(owner, attr, Stub(f"{getattr(owner, '__name__', '?').rpartition('.')[2]}.{attr}"))
            sys.modules.update({name: Stub(name.rpartition(".")[2]) for name in entries})
            yield
        finally:
            sys.modules.update(entries)
            for owner, attr, original in reversed(patches):
                setattr(owner, attr, original)
            space.update(saved)
            self._active -= 1
