"""GP402 dynamic-attributes: attributes named by data at run time: no fixed Go struct shape."""

from __future__ import annotations

import libcst as cst

from goport.detectors.base import Detector, Match, NoMatch
from goport.detectors.dynamic._shared import _builtin, _root
from goport.detectors.syntax import dotted, positional, string_value
from goport.model import Category, Trait

_ATTR_BUILTINS = frozenset({"getattr", "setattr", "delattr", "hasattr"})

_ATTR_HOOKS = frozenset({"__getattr__", "__getattribute__", "__setattr__", "__delattr__"})

_NAMESPACE_WRITES = frozenset({"update", "setdefault", "__setitem__", "pop", "clear"})


class DynamicAttributes(Detector):
    """Attributes chosen at run time: computed getattr/setattr, attribute hooks, ``__dict__`` writes.

    What it detects: ``getattr``/``setattr``/``delattr``/``hasattr`` whose attribute name is not
    a string literal; definitions of ``__getattr__``, ``__getattribute__``, ``__setattr__``,
    ``__delattr__`` (module-level ``__getattr__`` too); writes through ``obj.__dict__``,
    ``vars(obj)`` or ``globals()`` (item assignment, ``.update()``, ``.setdefault()``, replacing
    ``__dict__``).
    Why it matters for a Go port: Go struct fields are fixed at compile time; an object whose
    attributes are named by data has no direct struct equivalent, and every call site must be
    turned into explicit fields, a map or a switch.
    Go idiom: explicit struct fields; a ``map[string]T`` for truly dynamic keys; a
    ``map[string]func(...)`` dispatch table instead of ``getattr(obj, name)()``; ``reflect`` only
    as a last resort.
    Known limits: ``getattr(obj, "name")`` with a literal is static and ignored;
    ``setattr``/``delattr`` on an imported module are monkeypatching (GP404), not reported here;
    reads of ``__dict__`` / ``vars()`` are not reported.
    """

    ID = "GP402"
    NAME = "dynamic-attributes"
    CATEGORY = Category.BLOCKER
    TRAITS = (Trait.RESHAPE,)
    WEIGHT = 2.0
    PYTHON = "getattr(obj, name) / __getattr__ / obj.__dict__ writes"
    GO_IDIOM = "explicit struct fields, a map[string]T, or a map[string]func dispatch table"
    SUMMARY = "attributes named by data at run time: no fixed Go struct shape"
    MATCHES = (
        Match(
            """
            def dispatch(handler, event):
                return getattr(handler, 'on_' + event.kind)(event)
            """,
            line=2,
        ),
        Match(
            """
            class Config:
                def __init__(self, **kw):
                    for k, v in kw.items():
                        setattr(self, k, v)
            """,
            line=4,
        ),
        Match(
            """
            class Proxy:
                def __getattr__(self, name):
                    return getattr(self._target, name)
            """,
            line=2,
        ),
        Match(
            """
            class Record:
                def __init__(self, data):
                    self.__dict__.update(data)
            """,
            line=3,
        ),
        Match(
            """
            def define(name, value):
                globals()[name] = value
            """,
            line=2,
        ),
    )
    NO_MATCHES = (
        NoMatch(
            """
            class Index:
                def __setstate__(self, state):
                    self.__dict__.update(state)
            """
        ),
        NoMatch(
            """
            def version(mod):
                return getattr(mod, '__version__', 'unknown')
            """
        ),
        NoMatch(
            """
            def has_close(f):
                return hasattr(f, 'close')
            """
        ),
        NoMatch(
            """
            import json

            def dump(cfg):
                return json.dumps(vars(cfg))
            """
        ),
        NoMatch(
            """
            import json

            def patch(name, fn):
                setattr(json, name, fn)
            """
        ),
    )

    def leave_Call(self, node: cst.Call) -> None:
        func = node.func
        ctx = self.ctx
        name = _builtin(ctx, func, _ATTR_BUILTINS)
        if name is not None:
            args = positional(node)
            if len(args) < 2 or string_value(args[1]) is not None:
                return
            if name in ("setattr", "delattr"):
                root = _root(args[0])
                if root is not None and root.value in ctx.aliases:
                    return  # monkeypatching an imported object: GP404
            target = dotted(args[0]) or "obj"
            self.report(node, f"{name}({target}, <computed name>)")
            return
        if isinstance(func, cst.Attribute) and func.attr.value in _NAMESPACE_WRITES:
            frame = self.ctx.function
            if frame is not None and frame.name in _COPY_PROTOCOL:
                return  # restoring state for pickle/copy: mechanical, not dynamic design
            space = self._namespace(func.value)
            if space is not None:
                self.report(node, f"writes attributes through {space}.{func.attr.value}()")

    def _namespace(self, expr: cst.BaseExpression) -> str | None:
        if isinstance(expr, cst.Attribute) and expr.attr.value == "__dict__":
            return dotted(expr) or "__dict__"
        if isinstance(expr, cst.Call):
            name = _builtin(self.ctx, expr.func, frozenset({"vars", "globals"}))
            if name is not None:
                args = positional(expr)
                inner = dotted(args[0]) if args else None
                return f"{name}({inner or ''})"
        return None

    def _check_target(self, target: cst.BaseExpression) -> None:
        if isinstance(target, cst.Subscript):
            space = self._namespace(target.value)
            if space is not None:
                self.report(target, f"writes attributes through {space}[...]")
        elif isinstance(target, cst.Attribute) and target.attr.value == "__dict__":
            self.report(target, f"replaces {dotted(target) or '__dict__'}")

    def leave_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._check_target(target.target)

    def leave_AugAssign(self, node: cst.AugAssign) -> None:
        self._check_target(node.target)

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        name = node.name.value
        if name in _ATTR_HOOKS:
            self.report(node, f"defines {name}")


_COPY_PROTOCOL = frozenset(
    {"__setstate__", "__getstate__", "__reduce__", "__reduce_ex__", "__copy__", "__deepcopy__"}
)
