"""GP502 dataframes: dataframe library: columnar work in C/Rust with an API Go lacks."""

from __future__ import annotations

from goport.detectors.base import Detector, Match, NoMatch
from goport.detectors.ecosystem._shared import _PackageImports
from goport.model import Category, Trait


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
        Match(
            """
            import pandas as pd

            def load(path):
                return pd.read_csv(path)
            """,
            line=1,
        ),
        Match(
            """
            import polars as pl, json
            """,
            line=1,
        ),
        Match(
            """
            from dask import dataframe as dd
            """,
            line=1,
        ),
    )
    NO_MATCHES = (
        NoMatch(
            """
            import csv

            def load(path):
                return list(csv.DictReader(open(path)))
            """
        ),
        NoMatch(
            """
            from typing import TYPE_CHECKING
            if TYPE_CHECKING:
                from pandas import DataFrame
            """
        ),
        NoMatch(
            """
            from .pandas_utils import to_frame
            """
        ),
    )
