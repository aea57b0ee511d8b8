"""GP504 native-bindings: native bindings: a C ABI boundary that needs cgo and hand-made glue."""

from __future__ import annotations

import libcst as cst

from goport.detectors.base import Detector, Match, NoMatch
from goport.detectors.ecosystem._shared import _PackageImports
from goport.detectors.syntax import last_part
from goport.model import Category

_LIBRARY_LOADS = frozenset(
    {
        "ctypes.CDLL",
        "ctypes.PyDLL",
        "ctypes.WinDLL",
        "ctypes.OleDLL",
        "ctypes.cdll.LoadLibrary",
        "ctypes.pydll.LoadLibrary",
        "ctypes.windll.LoadLibrary",
        "ctypes.oledll.LoadLibrary",
    }
)

_LOAD_LEAVES = frozenset({last_part(n) for n in _LIBRARY_LOADS} | {"dlopen"})


class NativeBindings(_PackageImports, Detector):
    """Native code bindings: ctypes, cffi, pyximport; native library loads.

    What it detects: each import statement of ``ctypes``, ``cffi`` or ``pyximport``; and each
    native library load: ``ctypes.CDLL(...)``,
    ``ctypes.cdll.LoadLibrary(...)`` (and the PyDLL/WinDLL variants), cffi ``ffi.dlopen(...)``.
    Why it matters for a Go port: the module talks to a C ABI; Go can too, through cgo, but every
    struct layout, pointer lifetime and callback must be redone by hand, and cgo calls are slow
    and complicate cross-compilation.
    Go idiom: cgo (``import "C"``) or ``ebitengine/purego`` for dlopen-style loading; better, a
    pure-Go library for the same job.
    Known limits: compiled extension modules (pybind11, nanobind, hand-written C extensions,
    Rust/PyO3) look like ordinary imports and are not detectable from source; ``.pyx`` files and
    ``cimport`` are not Python syntax and are not parsed, so only their ``import`` is seen.
    ``import cython`` is not reported: in Cython's pure-Python mode the module is ordinary Python
    that a build may compile (the ``cython`` shim does nothing when it is not), not a C ABI
    boundary, and whether a build compiles it says nothing about what its code does; goport
    judges the Python code as written.
    """

    ID = "GP504"
    NAME = "native-bindings"
    CATEGORY = Category.ECOSYSTEM
    WEIGHT = 3.0
    PYTHON = "import ctypes / cffi / pyximport; ctypes.CDLL(...)"
    GO_IDIOM = "cgo or purego for the same C library; better a pure-Go replacement"
    SUMMARY = "native bindings: a C ABI boundary that needs cgo and hand-made glue"
    PACKAGES = ("ctypes", "cffi", "pyximport")
    LABEL = "native bindings"
    MATCHES = (
        Match(
            """
            import ctypes
            """,
            line=1,
        ),
        Match(
            """
            from ctypes import cdll as C

            lib = C.LoadLibrary('libfast.so')
            """,
            line=1,
        ),
        Match(
            """
            from cffi import FFI
            ffi = FFI()
            lib = ffi.dlopen('libm.so.6')
            """,
            line=1,
        ),
    )
    NO_MATCHES = (
        NoMatch(
            """
            import struct
            import array
            """
        ),
        NoMatch(
            """
            import cython

            @cython.locals(x=cython.double)
            def f(x):
                return x * x
            """
        ),
        NoMatch(
            """
            def load(loader):
                return loader.LoadLibrary('x')
            """
        ),
    )

    def leave_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute):
            leaf = func.attr.value
        elif isinstance(func, cst.Name):
            leaf = last_part(self.ctx.aliases.get(func.value, func.value))
        else:
            return
        if leaf not in _LOAD_LEAVES:
            return
        ctx = self.ctx
        name = ctx.callee(node)
        if name is not None and name in _LIBRARY_LOADS:
            self.report(node, f"loads a native library with {name}")
        elif leaf == "dlopen" and ctx.imports_any("cffi"):
            self.report(node, "loads a native library with cffi dlopen")
