"""GP405 dynamic-import: code chosen by a module name at run time: Go links everything at build
time."""

from __future__ import annotations

import libcst as cst

from goport.detectors.base import Context, Detector, FunctionFrame, Match, NoMatch
from goport.detectors.syntax import last_part, positional, string_value
from goport.model import Category

_IMPORT_BY_NAME = frozenset(
    {"importlib.import_module", "__import__", "importlib.__import__", "builtins.__import__"}
)

_DYNAMIC_LOADERS = frozenset(
    {
        "importlib.util.spec_from_file_location",
        "importlib.util.module_from_spec",
        "importlib.machinery.SourceFileLoader",
        "importlib.reload",
        "imp.load_source",
        "imp.load_module",
        "runpy.run_path",
        "runpy.run_module",
        "pkg_resources.iter_entry_points",
        "pkg_resources.load_entry_point",
        "importlib.metadata.entry_points",
        "importlib_metadata.entry_points",
        "pkgutil.iter_modules",
        "pkgutil.walk_packages",
    }
)


class DynamicImport(Detector):
    """Modules imported by a name computed at run time; plugin discovery.

    What it detects: ``importlib.import_module(name)`` and ``__import__(name)`` with a
    non-literal name; ``importlib.util.spec_from_file_location``/``module_from_spec`` (one
    finding per function for the pair), ``SourceFileLoader``, ``importlib.reload``, ``imp``
    loaders, ``runpy``; entry-point discovery (``pkg_resources.iter_entry_points``,
    ``importlib.metadata.entry_points``) and ``pkgutil.iter_modules``/``walk_packages``.
    Why it matters for a Go port: which code runs depends on files or installed packages found
    at run time; a Go binary links everything at build time, so plugins become a compiled-in
    registry, separate processes, or a stable RPC boundary.
    Go idiom: no Go equivalent at run time: a registry filled by blank imports
    (``import _ "x/plugins/y"`` + ``init()``), build tags, or plugins as subprocesses/gRPC
    (``hashicorp/go-plugin``); Go's ``plugin`` package is Linux-only and brittle.
    Known limits: ``import_module("literal")`` is a static import in disguise and is ignored;
    lazy-import helpers of your own that wrap ``import_module`` are reported at their call to
    ``import_module`` only.
    """

    ID = "GP405"
    NAME = "dynamic-import"
    CATEGORY = Category.BLOCKER
    WEIGHT = 2.5
    PYTHON = "importlib.import_module(name) / entry_points() / pkgutil.iter_modules"
    GO_IDIOM = "no Go equivalent: compile-time registry via init(), or plugins as processes"
    SUMMARY = "code chosen by a module name at run time: Go links everything at build time"
    MATCHES = (
        Match(
            """
            import importlib

            def load(name):
                return importlib.import_module(f'plugins.{name}')
            """,
            line=4,
        ),
        Match(
            """
            from importlib.metadata import entry_points as eps

            def discover():
                return [ep.load() for ep in eps(group='app.plugins')]
            """,
            line=4,
        ),
        Match(
            """
            import importlib.util

            def from_path(path):
                spec = importlib.util.spec_from_file_location('m', path)
                mod = importlib.util.module_from_spec(spec)
                spec.loader.exec_module(mod)
                return mod
            """,
            line=4,
        ),
        Match(
            """
            import pkgutil
            import plugins

            NAMES = [m.name for m in pkgutil.iter_modules(plugins.__path__)]
            """,
            line=4,
        ),
    )
    NO_MATCHES = (
        NoMatch(
            """
            import importlib

            try:
                ujson = importlib.import_module('ujson')
            except ImportError:
                ujson = None
            """
        ),
        NoMatch(
            """
            import importlib.util

            HAS_NUMPY = importlib.util.find_spec('numpy') is not None
            """
        ),
        NoMatch(
            """
            from . import plugins

            def names():
                return list(plugins.REGISTRY)
            """
        ),
    )

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.loads_spec: set[FunctionFrame] = set()  # functions whose file-loading was reported

    def leave_Call(self, node: cst.Call) -> None:
        func = node.func
        if not isinstance(func, (cst.Name, cst.Attribute)):
            return
        ctx = self.ctx
        name = ctx.callee(node)
        if name is None:
            return
        if name in _IMPORT_BY_NAME:
            if isinstance(func, cst.Name) and name == "__import__" and "__import__" in ctx.aliases:
                return
            args = positional(node)
            if args and string_value(args[0]) is None:
                self.report(node, f"{last_part(name)}() of a module name computed at run time")
            return
        if name not in _DYNAMIC_LOADERS:
            return
        frame = ctx.function
        if frame is not None and name.endswith(("spec_from_file_location", "module_from_spec")):
            # one file-loading construct: spec_from_file_location + module_from_spec
            if frame in self.loads_spec:
                return
            self.loads_spec.add(frame)
        self.report(node, f"{name}() loads code chosen at run time")
