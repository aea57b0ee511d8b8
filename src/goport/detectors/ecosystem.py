"""GP5xx: ecosystem ties - libraries a Go port cannot take along.

Numeric and dataframe stacks already run in C, ML frameworks have no Go training story, native
bindings are C ABI glue, and ORM models carry business rules in a Python library's semantics.
Most are reported once per import statement (at its line), naming the package; imports under
``if TYPE_CHECKING:`` are type-only and skipped.
"""

from __future__ import annotations

from typing import ClassVar

import libcst as cst

from goport.detectors.base import Context, Detector
from goport.detectors.syntax import dotted, last_part, under
from goport.model import Category, Trait


def _type_checking(test: cst.BaseExpression) -> bool:
    if isinstance(test, cst.Name):
        return test.value == "TYPE_CHECKING"
    return isinstance(test, cst.Attribute) and test.attr.value == "TYPE_CHECKING"


class _PackageImports:
    """Mixin: report each import statement naming a package of ``PACKAGES``, once.

    ``PACKAGES`` are dotted prefixes (``django.db`` matches ``from django.db import models`` and
    ``from django import db``). The concrete class also derives from ``Detector``.
    """

    PACKAGES: ClassVar[tuple[str, ...]] = ()
    LABEL: ClassVar[str] = ""
    ctx: Context
    _type_only = 0  # depth of enclosing ``if TYPE_CHECKING:`` bodies
    _else_ids: frozenset[int] = frozenset()  # the else/elif branches of those ifs

    def enter_If(self, node: cst.If) -> None:
        self._leave_type_only(node)
        if _type_checking(node.test):
            self._type_only += 1
            if node.orelse is not None:
                self._else_ids = self._else_ids | {id(node.orelse)}

    def enter_Else(self, node: cst.Else) -> None:
        self._leave_type_only(node)

    def _leave_type_only(self, node: cst.CSTNode) -> None:
        """The else/elif of an ``if TYPE_CHECKING:`` runs for real."""
        if id(node) in self._else_ids:
            self._else_ids = self._else_ids - {id(node)}
            self._type_only -= 1

    def visit_If(self, node: cst.If) -> None:
        if _type_checking(node.test) and node.orelse is None:
            self._type_only -= 1

    def _emit(self, node: cst.CSTNode, found: list[str]) -> None:
        assert isinstance(self, Detector)
        if found and not self._type_only:
            self.report(node, f"imports {', '.join(found)} ({self.LABEL})")

    def visit_Import(self, node: cst.Import) -> None:
        found: list[str] = []
        for alias in node.names:
            prefix = under(dotted(alias.name) or "", self.PACKAGES)
            if prefix is not None and prefix not in found:
                found.append(prefix)
        self._emit(node, found)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if node.relative or node.module is None:
            return
        module = dotted(node.module) or ""
        found: list[str] = []
        prefix = under(module, self.PACKAGES)
        if prefix is not None:
            found.append(prefix)
        elif not isinstance(node.names, cst.ImportStar):
            for alias in node.names:
                prefix = under(f"{module}.{dotted(alias.name) or ''}", self.PACKAGES)
                if prefix is not None and prefix not in found:
                    found.append(prefix)
        self._emit(node, found)


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


class Dataframes(_PackageImports, Detector):
    """Imports of dataframe libraries: pandas, polars, pyarrow, dask, modin, vaex, duckdb.

    What it detects: each import statement of ``pandas``, ``polars``, ``pyarrow``, ``dask``,
    ``modin``, ``vaex`` or ``duckdb`` (any submodule, any alias), once per statement.
    Why it matters for a Go port: dataframe code is columnar work in C/Rust already, written in a
    rich API (group-by, joins, resampling, I/O readers) that Go has no close equivalent for, so
    a port rewrites logic rather than translating it, for little speed gain.
    Go idiom: no Go parity: ``apache/arrow/go`` for columnar data, DuckDB's Go driver for SQL
    over files, ``go-gota`` for simple frames; usually keep the analytics in Python.
    Known limits: the import alone does not say how central the dataframe is to the module.
    """

    ID = "GP502"
    NAME = "dataframes"
    CATEGORY = Category.ECOSYSTEM
    WEIGHT = 3.0
    PYTHON = "import pandas / polars / pyarrow / dask / duckdb"
    GO_IDIOM = "no Go parity: arrow/go or DuckDB's Go driver; usually keep analytics in Python"
    SUMMARY = "dataframe library: columnar work in C/Rust with an API Go lacks"
    TRAITS = (Trait.NATIVE_NUMERIC,)
    PACKAGES = ("pandas", "polars", "pyarrow", "dask", "modin", "vaex", "duckdb")
    LABEL = "dataframes"
    MATCHES = (
        "import pandas as pd\n\ndef load(path):\n    return pd.read_csv(path)\n",
        "import polars as pl, json\n",
        "from dask import dataframe as dd\n",
    )
    NO_MATCHES = (
        "import csv\n\ndef load(path):\n    return list(csv.DictReader(open(path)))\n",
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pandas import DataFrame\n",
        "from .pandas_utils import to_frame\n",
    )


class MlFrameworks(_PackageImports, Detector):
    """Imports of ML frameworks: torch, tensorflow, keras, jax, sklearn, xgboost, transformers...

    What it detects: each import statement of ``torch`` (and torchvision/torchaudio),
    ``tensorflow``, ``keras``, ``jax``/``flax``, ``sklearn``, ``xgboost``, ``lightgbm``,
    ``catboost``, ``transformers``, ``sentence_transformers``, ``statsmodels``, ``spacy`` or
    ``onnxruntime``, once per statement.
    Why it matters for a Go port: training and most inference live in these Python/C++ stacks
    with no Go counterpart; the realistic split is Python trains, Go serves an exported model
    or calls a model server.
    Go idiom: Go serves models, Python trains them: export to ONNX and run it with
    ``onnxruntime-go``, or call a model server (Triton, TF Serving, TorchServe) over gRPC/HTTP.
    Known limits: a module that only loads a model for inference could move to ONNX in Go;
    the import alone cannot tell training from serving.
    """

    ID = "GP503"
    NAME = "ml-frameworks"
    CATEGORY = Category.ECOSYSTEM
    WEIGHT = 4.0
    PYTHON = "import torch / tensorflow / sklearn / transformers / xgboost"
    GO_IDIOM = "Go serves models, Python trains them: ONNX via onnxruntime-go or a model server"
    SUMMARY = "ML framework: no Go training stack; keep it in Python, serve from Go"
    TRAITS = (Trait.NATIVE_NUMERIC,)
    PACKAGES = (
        "torch",
        "torchvision",
        "torchaudio",
        "tensorflow",
        "keras",
        "jax",
        "jaxlib",
        "flax",
        "sklearn",
        "xgboost",
        "lightgbm",
        "catboost",
        "transformers",
        "sentence_transformers",
        "statsmodels",
        "spacy",
        "onnxruntime",
    )
    LABEL = "ML framework"
    MATCHES = (
        "import torch\nimport torch.nn as nn\n",
        "from sklearn.linear_model import LogisticRegression as LR\n",
        "import tensorflow as tf\n",
    )
    NO_MATCHES = (
        "import onnx_helpers\nfrom .model import predict\n",
        "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    import torch\n",
    )


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
        "import ctypes\n",
        "from ctypes import cdll as C\n\nlib = C.LoadLibrary('libfast.so')\n",
        "from cffi import FFI\nffi = FFI()\nlib = ffi.dlopen('libm.so.6')\n",
    )
    NO_MATCHES = (
        "import struct\nimport array\n",
        "import cython\n\n@cython.locals(x=cython.double)\ndef f(x):\n    return x * x\n",
        "def load(loader):\n    return loader.LoadLibrary('x')\n",
    )

    def visit_Call(self, node: cst.Call) -> None:
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


_ORM = (
    "sqlalchemy",
    "sqlmodel",
    "flask_sqlalchemy",
    "peewee",
    "playhouse",
    "pony.orm",
    "tortoise",
    "django.db",
)
_ORM_LABELS = {
    "sqlalchemy": "SQLAlchemy",
    "sqlmodel": "SQLModel",
    "flask_sqlalchemy": "Flask-SQLAlchemy",
    "peewee": "peewee",
    "playhouse": "peewee",
    "pony.orm": "Pony",
    "tortoise": "Tortoise",
    "django.db": "Django ORM",
}
_MODEL_BASE_LEAVES = frozenset({"Model", "Entity"})
_DJANGO_QUERIES = frozenset(
    {
        "filter",
        "get",
        "all",
        "exclude",
        "create",
        "get_or_create",
        "update_or_create",
        "annotate",
        "aggregate",
        "values",
        "values_list",
        "order_by",
        "select_related",
        "prefetch_related",
        "bulk_create",
        "bulk_update",
        "count",
        "exists",
        "first",
        "last",
        "in_bulk",
        "raw",
    }
)
_FLASK_SQLA_QUERIES = frozenset({"filter", "filter_by", "get", "get_or_404", "first_or_404", "all"})
_MODEL_VARS = frozenset({"self.model", "cls", "model"})
_QUERY = "gp505.query"
_QUERY_WEIGHT = 1.0


class OrmBusinessLogic(_PackageImports, Detector):
    """ORM models and queries: SQLAlchemy, SQLModel, Django ORM, peewee, Pony, Tortoise.

    What it detects: each import statement of an ORM package (``sqlalchemy``, ``sqlmodel``,
    ``flask_sqlalchemy``, ``peewee``, ``pony.orm``, ``tortoise``, ``django.db``); each model class
    (a subclass of ``models.Model``/``db.Model``/``db.Entity``/an ORM base of the module, a
    ``table=True`` SQLModel, or a class with ``__tablename__`` or ORM column fields); and the
    first ORM query of each function (``session.query(...)``, ``select(...)`` from SQLAlchemy,
    ``Model.objects.filter(...)``, ``Model.query.filter_by(...)``), reported with weight 1.0.
    Why it matters for a Go port: models carry business rules (relationships, cascades, signals,
    lazy loading, validation) in the ORM's semantics; a Go port must re-express them in SQL or a
    Go ORM, and both sides must agree on the schema while they coexist.
    Go idiom: ``sqlc`` (typed code from SQL), ``jackc/pgx`` with plain SQL, or ``ent``/``gorm``;
    keep one owner of migrations (Alembic/Django) while both languages share the database.
    Known limits: a declarative ``Base`` imported from another module is recognised only
    through ``__tablename__`` or column fields in the model body; peewee/Pony query expressions
    (``User.select()``) are not reported as queries.
    """

    ID = "GP505"
    NAME = "orm-business-logic"
    CATEGORY = Category.ECOSYSTEM
    WEIGHT = 2.5
    PYTHON = "SQLAlchemy / Django ORM / peewee models and session.query"
    GO_IDIOM = "sqlc or pgx with explicit SQL (or ent/gorm); one owner of the schema migrations"
    SUMMARY = "ORM models and queries: business rules in the ORM's semantics"
    PACKAGES = _ORM
    LABEL = "ORM"
    MATCHES = (
        (
            "from django.db import models\n\nclass Item(models.Model):\n"
            "    name = models.CharField(max_length=100)\n"
        ),
        (
            "import sqlalchemy as sa\nfrom .db import Base\n\nclass User(Base):\n"
            "    __tablename__ = 'users'\n    id = sa.Column(sa.Integer, primary_key=True)\n"
        ),
        (
            "from .models import Item\n\ndef cheap_items():\n"
            "    return list(Item.objects.filter(price__lt=10))\n"
        ),
        (
            "from sqlmodel import SQLModel as SM, Field\n\nclass Hero(SM, table=True):\n"
            "    id: int = Field(primary_key=True)\n"
        ),
    )
    NO_MATCHES = (
        # a pydantic schema with Field(...) is not an ORM model
        (
            "from pydantic import BaseModel, Field\n\nclass ItemIn(BaseModel):\n"
            "    name: str = Field(max_length=100)\n"
        ),
        # an ordinary dict .get and a requests session
        "def price(items, key, session):\n    return session.get(items.get(key))\n",
        # an `objects` registry that is not a Django manager
        "def cube(scene):\n    return scene.objects.get('Cube')\n",
        # a local Model class outside any ORM
        "class Model:\n    pass\n\nclass Net(Model):\n    layers = 3\n",
    )

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self._orm_objects: dict[str, str] = {}  # names bound to ORM objects: db = SQLAlchemy()
        self._orm_classes: set[str] = set()  # ORM bases and models defined in this module

    def _orm_name(self, expr: cst.BaseExpression) -> str | None:
        """The ORM package prefix an expression resolves under, if any."""
        name = self.ctx.resolve(expr)
        if name is None:
            return None
        prefix = under(name, _ORM)
        if prefix is not None:
            return prefix
        return self._orm_objects.get(name.split(".", 1)[0])

    def visit_Assign(self, node: cst.Assign) -> None:
        value = node.value
        if isinstance(value, cst.Call) and len(node.targets) == 1:
            target = node.targets[0].target
            if isinstance(target, cst.Name):
                prefix = self._orm_name(value.func)
                if prefix is not None:
                    self._orm_objects[target.value] = prefix

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        orm = self._model_orm(node)
        if orm is not None:
            self._orm_classes.add(node.name.value)
            if orm:
                self.report(node, f"ORM model {node.name.value} ({_ORM_LABELS.get(orm, orm)})")

    def _model_orm(self, node: cst.ClassDef) -> str | None:
        """The ORM of a model class; "" for an ORM base class that is not itself a model."""
        ctx = self.ctx
        base_orm: str | None = None
        for arg in node.bases:
            base = arg.value
            if isinstance(base, cst.Name):
                if base.value in self._orm_classes:
                    return self._local_orm()
                if base.value in self._orm_objects:
                    return self._orm_objects[base.value]
            name = ctx.resolve(base) or ""
            prefix = self._orm_name(base)
            if prefix is not None:
                if last_part(name) in _MODEL_BASE_LEAVES:
                    return prefix
                base_orm = prefix
        for keyword in node.keywords:
            if (
                keyword.keyword is not None
                and keyword.keyword.value == "table"
                and isinstance(keyword.value, cst.Name)
                and keyword.value.value == "True"
            ):
                return base_orm or "sqlmodel"
        field_orm = self._field_orm(node)
        if field_orm is not None:
            return field_orm
        return "" if base_orm is not None else None

    def _local_orm(self) -> str:
        for prefix in _ORM:
            if self.ctx.imports_any(prefix):
                return prefix
        return "sqlalchemy"

    def _field_orm(self, node: cst.ClassDef) -> str | None:
        body = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
        for stmt in body:
            if not isinstance(stmt, cst.SimpleStatementLine):
                continue
            for small in stmt.body:
                if isinstance(small, cst.Assign):
                    targets = [t.target for t in small.targets]
                    value: cst.BaseExpression | None = small.value
                elif isinstance(small, cst.AnnAssign):
                    targets, value = [small.target], small.value
                else:
                    continue
                if any(isinstance(t, cst.Name) and t.value == "__tablename__" for t in targets):
                    return self._local_orm()
                if isinstance(value, cst.Call):
                    prefix = self._orm_name(value.func)
                    if prefix is not None:
                        return prefix
        return None

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not isinstance(func, (cst.Attribute, cst.Name)):
            return
        frame = self.ctx.function
        if frame is not None and frame.counters.get(_QUERY):
            return
        query = self._query(func)
        if query is None:
            return
        if frame is not None:
            frame.counters[_QUERY] = 1
        self.report(node, f"ORM query {query}", weight=_QUERY_WEIGHT)

    def _query(self, func: cst.Attribute | cst.Name) -> str | None:
        if isinstance(func, cst.Name):
            name = self.ctx.resolve(func)
            if name in ("sqlalchemy.select", "sqlalchemy.future.select", "sqlmodel.select"):
                return f"{name}()"
            return None
        attr = func.attr.value
        owner = func.value
        if attr == "query":
            holder = dotted(owner) or ""
            if "session" in last_part(holder).lower():
                return f"{holder}.query()"
            return None
        if isinstance(owner, cst.Attribute):
            inner = owner.value
            if isinstance(inner, cst.Call):  # get_user_model().objects.filter(...)
                model = f"{dotted(inner.func) or ''}()"
                looks_like_model = dotted(inner.func) is not None
            else:
                model = dotted(inner) or ""
                looks_like_model = last_part(model)[:1].isupper() or model in _MODEL_VARS
            if owner.attr.value == "objects" and attr in _DJANGO_QUERIES and looks_like_model:
                return f"{model}.objects.{attr}()"
            if (
                owner.attr.value == "query"
                and attr in _FLASK_SQLA_QUERIES
                and model[:1].isupper()
                and "." not in model
            ):
                return f"{model}.query.{attr}()"
        return None


DETECTORS: tuple[type[Detector], ...] = (
    NumericStack,
    Dataframes,
    MlFrameworks,
    NativeBindings,
    OrmBusinessLogic,
)
