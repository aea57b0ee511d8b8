"""GP404 monkeypatching: patches another module at run time: Go packages cannot be patched."""

from __future__ import annotations

import libcst as cst

from goport.detectors.base import Detector, Match, NoMatch
from goport.detectors.dynamic._shared import _builtin, _root
from goport.detectors.syntax import positional
from goport.model import Category


def _is_constant(expr: cst.BaseExpression) -> bool:
    if isinstance(expr, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)):
        return True
    if isinstance(expr, (cst.Integer, cst.Float, cst.Imaginary)):
        return True
    if isinstance(expr, cst.Name):
        return expr.value in ("True", "False", "None")
    if isinstance(expr, cst.UnaryOperation):
        return _is_constant(expr.expression)
    return False


_CONFIG_PARTS = frozenset({"options", "config", "conf", "settings", "defaults", "rcParams"})

_CTYPES_PROTOTYPE = frozenset({"argtypes", "restype", "errcheck"})  # declarations, not patches


class Monkeypatching(Detector):
    """Replacing attributes of imported modules and classes at run time.

    What it detects: assignments to an attribute of an imported name (``json.dumps = fast``,
    ``socket.socket = SocksSocket``, ``ImportedClass.method = f``), ``setattr``/``delattr`` on
    an imported name, and ``sys.modules[...] = ...``.
    Why it matters for a Go port: the code relies on changing another module's behaviour for
    everyone who imported it; Go packages cannot be patched from outside, so the patched
    behaviour must become an explicit dependency (an interface or a function value) passed in.
    Go idiom: no Go equivalent: dependency injection through interfaces or function fields;
    build tags or wrapper packages for alternative implementations.
    Known limits: assigning a constant (``pd.options.display.max_rows = 50``,
    ``torch.backends.cudnn.benchmark = True``) and anything under ``options``/``config``/
    ``settings`` is configuration and ignored, as are ``sys.stdout``/``sys.argv``/
    ``sys.excepthook`` (settable by design; ``sys.modules[...]`` is reported) and ctypes
    ``argtypes``/``restype`` declarations; a local variable that reuses an imported name
    can be mistaken for the import; gevent/eventlet ``monkey.patch_all()`` is GP209.
    """

    ID = "GP404"
    NAME = "monkeypatching"
    CATEGORY = Category.BLOCKER
    WEIGHT = 3.0
    PYTHON = "module.attr = replacement / setattr(module, ...)"
    GO_IDIOM = "no Go equivalent: inject the behaviour through an interface or a func field"
    SUMMARY = "patches another module at run time: Go packages cannot be patched"
    MATCHES = (
        Match(
            """
            import json
            import orjson

            json.dumps = orjson.dumps
            """,
            line=4,
        ),
        Match(
            """
            import socket
            import socks

            def use_proxy():
                socket.socket = socks.socksocket
            """,
            line=5,
        ),
        Match(
            """
            from requests import Session as S

            def traced(fn):
                return fn

            S.request = traced(S.request)
            """,
            line=6,
        ),
        Match(
            """
            import sys
            from . import fake_numpy

            sys.modules['numpy'] = fake_numpy
            """,
            line=4,
        ),
    )
    NO_MATCHES = (
        NoMatch(
            """
            from myapp.api import app

            def wire(index):
                app.state.index = index
            """
        ),
        NoMatch(
            """
            import pandas as pd

            pd.options.display.max_rows = 50
            """
        ),
        NoMatch(
            """
            import os
            os.environ['TZ'] = 'UTC'
            """
        ),
        NoMatch(
            """
            import io
            import sys

            def capture():
                sys.stdout = io.StringIO()
            """
        ),
        NoMatch(
            """
            class Local:
                pass

            Local.helper = staticmethod(len)
            """
        ),
        NoMatch(
            """
            def setup(self, conn):
                self.conn = conn
            """
        ),
        NoMatch(
            """
            from gevent import monkey
            monkey.patch_all()
            """
        ),
    )

    def _check(
        self, node: cst.CSTNode, target: cst.BaseExpression, value: cst.BaseExpression
    ) -> None:
        ctx = self.ctx
        if isinstance(target, cst.Attribute):
            root = _root(target)
            if root is None or root.value not in ctx.aliases or _is_constant(value):
                return
            if target.attr.value in _CTYPES_PROTOTYPE:
                return
            if (
                isinstance(target.value, cst.Attribute)
                and ctx.aliases.get(root.value) != root.value
            ):
                # ``app.state.index = ...`` on an object imported by name sets its state;
                # deeper chains count only from a plainly imported module (``os.path.join = f``)
                return
            name = ctx.resolve(target)
            if (
                name is None
                or name.startswith("sys.")
                or _CONFIG_PARTS.intersection(name.split(".")[:-1])
            ):
                return  # sys.stdout/argv/excepthook are settable by design; options are config
            self.report(node, f"monkeypatches {name}")
        elif isinstance(target, cst.Subscript) and ctx.resolve(target.value) == "sys.modules":
            self.report(node, "replaces a module in sys.modules")

    def leave_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._check(node, target.target, node.value)

    def leave_Call(self, node: cst.Call) -> None:
        name = _builtin(self.ctx, node.func, frozenset({"setattr", "delattr"}))
        if name is None:
            return
        args = positional(node)
        root = _root(args[0]) if args else None
        if root is not None and root.value in self.ctx.aliases:
            target = self.ctx.resolve(args[0]) or root.value
            if target != "sys":
                self.report(node, f"{name}() on imported {target}")
