"""A walk over everything reachable from some objects, for tests that prove what a participant
is handed holds nothing private to another.

:func:`reach` follows what a participant could follow from an object without leaving it:
instance attributes (``__dict__`` and every ``__slots__`` entry through the MRO, read through
the slot descriptors), containers (lists, tuples, dicts' keys and values, sets, deques, mapping
proxies), bound methods (``__self__``, ``__func__``), functions' closures and defaults,
``functools.partial``, exceptions and their tracebacks' frame locals, weak references, numpy
arrays' ``.base`` chains (and object arrays' items) and, for other C-level objects (iterators,
dict views), what the garbage collector sees. It stays out of modules, classes, functions'
``__globals__`` and callers' frames — else everything in the process would be reachable — and
treats atoms, numpy scalars and random generators as leaves. Each object is visited once.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import sys
import types
import weakref
from collections import deque
from collections.abc import Iterator
from typing import Any

import numpy as np

#: Never descended into: atoms, numpy scalars and generators (their state is no one's secret).
LEAVES = (
    type(None),
    bool,
    int,
    float,
    complex,
    str,
    bytes,
    range,
    slice,
    type(Ellipsis),
    types.CodeType,
    np.generic,
    np.dtype,
    np.random.Generator,
    np.random.BitGenerator,
    np.random.SeedSequence,
)
#: Recorded but not descended into: the walk stays out of modules and classes.
BOUNDARIES = (types.ModuleType, type)
#: Most objects one walk may visit (a sealed view reaches a few thousand).
LIMIT = 200_000


class Graph:
    """Everything reachable from some roots: ``nodes[id] = (object, parent id, label)``. The
    graph holds the objects, so their ids stay theirs while it lives."""

    def __init__(self) -> None:
        self.nodes: dict[int, tuple[Any, int | None, str]] = {}

    def __contains__(self, obj: object) -> bool:
        return id(obj) in self.nodes

    def __iter__(self) -> Iterator[Any]:
        return (obj for obj, _, _ in self.nodes.values())

    def ancestors(self, key: int) -> Iterator[int]:
        at = self.nodes[key][1]
        while at is not None:
            yield at
            at = self.nodes[at][1]

    def path(self, key: int) -> str:
        """How the walk got from a root to the object with id ``key``."""
        labels = []
        at: int | None = key
        while at is not None:
            _, at, label = self.nodes[at]
            labels.append(label)
        return "".join(reversed(labels))


def reach(*roots: tuple[str, Any]) -> Graph:
    """Breadth-first walk from labelled roots over attributes (``__dict__`` and ``__slots__``
    through the MRO), containers, bound methods, closures and defaults (not ``__globals__``),
    partials, exceptions and their tracebacks' frame locals, weak references and numpy
    ``.base`` chains; into neither modules nor classes. Cycles are visited once."""
    graph = Graph()
    queue: deque[int] = deque()
    for label, obj in roots:
        _visit(graph, queue, obj, None, label)
    module_dicts = {id(vars(m)) for m in list(sys.modules.values()) if m is not None}
    while queue:
        key = queue.popleft()
        obj = graph.nodes[key][0]
        for label, child in _children(obj, module_dicts):
            _visit(graph, queue, child, key, label)
        if len(graph.nodes) > LIMIT:
            raise AssertionError(f"more than {LIMIT} objects reachable: {graph.path(key)}")
    return graph


def _visit(graph: Graph, queue: deque[int], obj: Any, parent: int | None, label: str) -> None:
    if isinstance(obj, LEAVES) or (isinstance(obj, tuple | frozenset) and not obj):
        return  # atoms (and the shared empty tuple) are nobody's secret
    key = id(obj)
    if key not in graph.nodes:
        graph.nodes[key] = (obj, parent, label)
        if not isinstance(obj, BOUNDARIES):
            queue.append(key)


def _children(obj: Any, module_dicts: set[int]) -> Iterator[tuple[str, Any]]:
    if isinstance(obj, np.ndarray):
        if obj.base is not None:
            yield ".base", obj.base
        if obj.dtype.hasobject:
            yield from ((f"[{i}]", x) for i, x in enumerate(obj.flat))
        return
    handled = True
    if isinstance(obj, dict | types.MappingProxyType):
        if id(obj) in module_dicts:
            return
        for k, v in list(obj.items()):
            yield f"<key {k!r}>", k
            yield f"[{k!r}]", v
    elif isinstance(obj, list | tuple | deque):
        yield from ((f"[{i}]", x) for i, x in enumerate(list(obj)))
    elif isinstance(obj, set | frozenset):
        yield from (("{member}", x) for x in list(obj))
    elif isinstance(obj, types.MethodType | types.BuiltinMethodType | types.MethodWrapperType):
        if not isinstance(getattr(obj, "__self__", None), types.ModuleType):
            yield ".__self__", obj.__self__
        yield ".__func__", getattr(obj, "__func__", None)
    elif isinstance(obj, types.FunctionType):
        cells = obj.__closure__ or ()
        for name, cell in zip(obj.__code__.co_freevars, cells, strict=True):
            yield f".<closure {name}>", cell
        yield ".__defaults__", obj.__defaults__
        yield ".__kwdefaults__", obj.__kwdefaults__
    elif isinstance(obj, functools.partial):
        yield from ((".func", obj.func), (".args", obj.args), (".keywords", obj.keywords))
    elif isinstance(obj, types.CellType):
        contents: list[Any] = []
        with contextlib.suppress(ValueError):  # an empty cell has no contents
            contents.append(obj.cell_contents)
        yield from ((".cell_contents", x) for x in contents)
    elif isinstance(obj, BaseException):
        yield from ((".args", obj.args), (".__traceback__", obj.__traceback__))
        yield from ((".__cause__", obj.__cause__), (".__context__", obj.__context__))
    elif isinstance(obj, types.TracebackType):
        yield from ((".tb_frame", obj.tb_frame), (".tb_next", obj.tb_next))
    elif isinstance(obj, types.FrameType):
        yield ".f_locals", obj.f_locals  # not f_globals, nor the callers (f_back)
        return
    elif isinstance(obj, types.GeneratorType | types.CoroutineType | types.AsyncGeneratorType):
        for frame in ("gi_frame", "cr_frame", "ag_frame"):
            yield f".{frame}", getattr(obj, frame, None)
        return
    elif isinstance(obj, weakref.ref):
        yield ".<referent>", obj()
    elif isinstance(obj, memoryview):
        yield ".obj", obj.obj
    else:
        handled = False
    attributes = list(_attributes(obj))
    yield from attributes
    if not handled and not attributes:
        # C-level objects (iterators, dict views, …): what the garbage collector sees
        for x in gc.get_referents(obj):
            if not isinstance(x, BOUNDARIES) and id(x) not in module_dicts:
                yield ".<referent>", x


def _attributes(obj: Any) -> Iterator[tuple[str, Any]]:
    """Instance attributes: ``__dict__`` and every ``__slots__`` entry of the MRO (read
    through the slot descriptors, whatever ``__getattribute__`` does)."""
    try:
        attrs = object.__getattribute__(obj, "__dict__")
    except (AttributeError, TypeError):
        attrs = None
    if isinstance(attrs, dict):
        yield from ((f".{k}", v) for k, v in list(attrs.items()))
    for cls in type(obj).__mro__:
        slots = cls.__dict__.get("__slots__", ())
        for slot in (slots,) if isinstance(slots, str) else slots:
            if slot in ("__dict__", "__weakref__"):
                continue
            mangled = slot.startswith("__") and not slot.endswith("__")
            descriptor = cls.__dict__.get(f"_{cls.__name__.lstrip('_')}{slot}" if mangled else slot)
            if descriptor is None:
                continue
            try:
                value = descriptor.__get__(obj, cls)
            except AttributeError:  # an unset slot
                continue
            yield f".{slot}", value
