"""GP501 numeric-stack: numeric stack: already runs in C; Go has gonum but no parity."""

from __future__ import annotations

from goport.detectors.base import Detector, Match, NoMatch
from goport.detectors.ecosystem._shared import _PackageImports
from goport.model import Category, Trait


class NumericStack(_PackageImports, Detector):
    """Imports of the numeric stack: numpy, scipy, numba, numexpr, cupy.

    What it detects: each import statement of ``numpy``, ``scipy``, ``numba``, ``numexpr`` or
    ``cupy`` (any submodule, any alias), once per statement.
    Why it matters for a Go port: the heavy work already runs in C, Fortran or on the GPU, so
    Go gains little speed, and ``gonum`` covers only part of the API (no broadcasting, no
    fancy indexing, fewer solvers, no JIT).
    Go idiom: ``gonum.org/v1/gonum`` (mat, stat, floats) for what it covers; otherwise keep the
    numeric kernel in Python behind a service, or call BLAS/LAPACK through cgo.
    Known limits: the import alone does not say how much of the code depends on it. An import
    inside a function (a lazy or optional dependency) damps only that function's share of the
    module's work; one at module level damps the whole module, even when numpy serves a helper.
    """

    ID = "GP501"
    NAME = "numeric-stack"
    CATEGORY = Category.ECOSYSTEM
    WEIGHT = 2.5
    PYTHON = "import numpy / scipy / numba / numexpr / cupy"
    GO_IDIOM = "gonum covers part of it; otherwise keep the numeric kernel in Python"
    SUMMARY = "numeric stack: already runs in C; Go has gonum but no parity"
    TRAITS = (Trait.NATIVE_NUMERIC,)
    PACKAGES = ("numpy", "scipy", "numba", "numexpr", "cupy")
    LABEL = "numeric stack"
    MATCHES = (
        Match(
            """
            import numpy as np

            def norm(v):
                return np.linalg.norm(v)
            """,
            line=1,
        ),
        Match(
            """
            from scipy.optimize import minimize
            """,
            line=1,
        ),
        Match(
            """
            from numba import njit

            @njit
            def f(x):
                return x * 2
            """,
            line=1,
        ),
    )
    NO_MATCHES = (
        NoMatch(
            """
            import math
            import statistics
            """
        ),
        NoMatch(
            """
            from typing import TYPE_CHECKING

            if TYPE_CHECKING:
                import numpy as np
            """
        ),
        NoMatch(
            """
            from .numpy_compat import asarray
            """
        ),
    )
