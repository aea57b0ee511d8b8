"""GP501 numeric-stack: numeric stack: already runs in C; Go has gonum but no parity."""

from __future__ import annotations

from goport.detectors.base import Detector
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
    Known limits: the module may use numpy only for a trivial helper; the import alone does not
    say how much of the code depends on it.
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
        "import numpy as np\n\ndef norm(v):\n    return np.linalg.norm(v)\n",
        "from scipy.optimize import minimize\n",
        "from numba import njit\n\n@njit\ndef f(x):\n    return x * 2\n",
    )
    NO_MATCHES = (
        "import math\nimport statistics\n",
        "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    import numpy as np\n",
        "from .numpy_compat import asarray\n",
    )
