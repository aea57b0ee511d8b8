"""What the command line offers, importable without the analysis types.

typer builds every command's options to answer even ``goport --version``, so the enums and limits
they name live here, apart from ``goport.model`` and the modules that need it: starting the CLI
then costs typer and this, not the creation of every dataclass goport has.
"""

from __future__ import annotations

from enum import Enum

#: no Python module worth analysing is larger; libcst needs many times a file's size in memory
MAX_FILE_SIZE_LIMIT = 64 * 1024 * 1024


class Include(str, Enum):
    """A kind the user ranks with the product: ``--include KIND``, ``include = [...]``."""

    BENCHMARKS = "benchmarks"
    EXAMPLES = "examples"
    DOCS = "docs"
    SCRIPTS = "scripts"
    BUILD = "build"
    VENDORED = "vendored"
    GENERATED = "generated"
    ALL = "all"
