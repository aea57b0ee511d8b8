"""Keeping the scanned tree and the working folder off goport's import path.

goport is often started inside the repository it reads (pre-commit, CI). Python puts the working
folder first on ``sys.path`` for ``python -m`` and ``python -c``, and worker processes (forkserver
and spawn start a fresh interpreter with ``-c``) would then import a planted ``socket.py`` or
``pickle.py`` before any goport code runs. So:

- ``clean_sys_path`` drops the working folder from ``sys.path`` in the main process (the console
  script calls it first thing) and in every worker (as the pool's initializer);
- ``worker_start`` surrounds the start of worker processes: the interpreter is started with
  ``PYTHONSAFEPATH`` set (3.11+: no working folder on the path at all) and from a new, empty,
  private working folder (so on 3.10, and for the imports a worker's bootstrap makes before
  goport's initializer runs, the working folder holds nothing to import). Workers inherit that
  folder, never the scanned one.

What this cannot cover: ``python -m goport`` itself. Python imports ``runpy`` (and with it
``contextlib``, ``collections``...) from the working folder before goport's first line runs; use
the ``goport`` command or ``python -P -m goport`` in a folder you do not trust.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def _own_folder() -> str:
    """The folder goport is imported from (kept even when it is the working folder)."""
    return str(Path(__file__).resolve().parent.parent)


def clean_sys_path() -> None:
    """Remove the working folder (``''``, ``'.'`` or its absolute path) from ``sys.path``."""
    try:
        cwd = os.getcwd()
    except OSError:  # a deleted working folder: only the relative entries can point there
        cwd = ""
    own = _own_folder()
    unsafe = {"", "."} | ({cwd, os.path.realpath(cwd)} - {own} if cwd else set())
    sys.path[:] = [entry for entry in sys.path if entry not in unsafe]


@contextmanager
def worker_start() -> Iterator[None]:
    """Start worker processes inside this block: see the module docstring."""
    import shutil  # here, not at the top: every start of the CLI imports this module
    import tempfile

    clean_sys_path()
    try:
        previous_cwd = os.open(".", os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:  # an unreadable working folder cannot be returned to: stay in it
        previous_cwd = -1
    previous_env = os.environ.get("PYTHONSAFEPATH")
    empty = tempfile.mkdtemp(prefix="goport-worker-")  # mode 0700: nobody else writes there
    try:
        if previous_cwd >= 0:
            os.chdir(empty)
        os.environ["PYTHONSAFEPATH"] = "1"
        yield
    finally:
        if previous_cwd >= 0:
            os.fchdir(previous_cwd)
            os.close(previous_cwd)
        if previous_env is None:
            os.environ.pop("PYTHONSAFEPATH", None)
        else:
            os.environ["PYTHONSAFEPATH"] = previous_env
        shutil.rmtree(empty, ignore_errors=True)
