"""GP403 metaclass: classes created or altered at run time: Go types are fixed at compile time."""

from __future__ import annotations

import libcst as cst

from goport.detectors.base import Context, Detector, Match, NoMatch
from goport.detectors.dynamic._shared import _builtin
from goport.detectors.syntax import last_part, positional
from goport.model import Category

_METACLASS_BASES = frozenset({"type", "abc.ABCMeta", "enum.EnumMeta", "enum.EnumType"})

_META_METHODS = ("__new__", "__call__", "__prepare__", "__init__")

_CLASS_HOOKS = frozenset({"__init_subclass__", "__class_getitem__"})


class Metaclass(Detector):
    """Metaclasses and class-creation hooks.

    What it detects: ``class X(metaclass=M)`` (except ``abc.ABCMeta``, which is just an
    interface); metaclass definitions (classes deriving from ``type``, ``ABCMeta``, ``EnumMeta``
    or another metaclass of the module; their ``__new__``/``__call__`` are named in the message,
    not reported again); 3-argument ``type(name, bases, ns)``; ``types.new_class``;
    ``six.with_metaclass``/``six.add_metaclass``; ``__init_subclass__`` and
    ``__class_getitem__`` definitions.
    Why it matters for a Go port: the class itself is computed at run time (registered,
    rewritten, given fields); Go types are fixed at compile time, so the behaviour the metaclass
    adds must be made explicit at every use.
    Go idiom: no Go equivalent: an explicit registry filled in ``init()``, code generation
    (``go generate``), generics for parameterised types, struct embedding for shared behaviour.
    Known limits: a metaclass imported from another module and applied through a base class
    (``class Model(Base)``) is seen only where the metaclass is named; ``__class_getitem__`` is
    usually only typing sugar and weighs the same.
    """

    ID = "GP403"
    NAME = "metaclass"
    CATEGORY = Category.BLOCKER
    WEIGHT = 3.0
    PYTHON = "metaclass=..., type(name, bases, ns), __init_subclass__"
    GO_IDIOM = "no Go equivalent: an explicit registry in init(), go generate, or generics"
    SUMMARY = "classes created or altered at run time: Go types are fixed at compile time"
    MATCHES = (
        Match(
            """
            class Registry(type):
                plugins = {}

                def __new__(mcs, name, bases, ns):
                    cls = super().__new__(mcs, name, bases, ns)
                    mcs.plugins[name] = cls
                    return cls
            """,
            line=1,
        ),
        Match(
            """
            from .meta import ModelMeta

            class Model(metaclass=ModelMeta):
                pass
            """,
            line=3,
        ),
        Match(
            """
            def make(name, fields):
                return type(name, (object,), dict(fields))
            """,
            line=2,
        ),
        Match(
            """
            class Plugin:
                registry = []

                def __init_subclass__(cls, **kw):
                    super().__init_subclass__(**kw)
                    Plugin.registry.append(cls)
            """,
            line=4,
        ),
    )
    NO_MATCHES = (
        NoMatch(
            """
            from abc import ABCMeta, abstractmethod

            class Store(metaclass=ABCMeta):
                @abstractmethod
                def get(self, key): ...
            """
        ),
        NoMatch(
            """
            def kind(x):
                return type(x).__name__
            """
        ),
        NoMatch(
            """
            class Point:
                def __new__(cls, x, y):
                    return super().__new__(cls)
            """
        ),
    )

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self._metaclasses: set[str] = set()

    def leave_ClassDef(self, node: cst.ClassDef) -> None:
        ctx = self.ctx
        name = node.name.value
        for keyword in node.keywords:
            if keyword.keyword is not None and keyword.keyword.value == "metaclass":
                meta = ctx.resolve(keyword.value) or "..."
                if meta != "abc.ABCMeta":
                    self.report(node, f"class {name} uses metaclass={last_part(meta)}")
                return
        for arg in node.bases:
            base = arg.value
            if isinstance(base, cst.Name) and base.value in self._metaclasses:
                break
            if ctx.resolve(base) in _METACLASS_BASES:
                break
        else:
            return
        self._metaclasses.add(name)
        body = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
        hooks = [
            s.name.value
            for s in body
            if isinstance(s, cst.FunctionDef) and s.name.value in _META_METHODS
        ]
        detail = f" overriding {', '.join(hooks)}" if hooks else ""
        self.report(node, f"metaclass {name}{detail}")

    def leave_Call(self, node: cst.Call) -> None:
        func = node.func
        ctx = self.ctx
        if _builtin(ctx, func, frozenset({"type"})) is not None:
            if len(positional(node)) == 3:
                self.report(node, "type(name, bases, ns) creates a class at run time")
            return
        if isinstance(func, (cst.Name, cst.Attribute)):
            name = ctx.callee(node)
            if name in ("types.new_class", "six.with_metaclass", "six.add_metaclass"):
                self.report(node, f"{name}() creates a class at run time")

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        name = node.name.value
        if name in _CLASS_HOOKS and self.ctx.class_depth:
            self.report(node, f"defines {name}")
