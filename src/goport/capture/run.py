"""Running the user's command with the tracer injected, without touching the user's tree.

A temporary folder holds a copy of ``tracer`` and ``codec`` (as the package ``_goport_capture``)
and a ``sitecustomize.py`` that starts the tracer and then runs the ``sitecustomize`` it hides,
if the interpreter has one. The folder goes first on ``PYTHONPATH``, the tracer's settings in
``GOPORT_CAPTURE_CONFIG``; every Python the command starts inherits both (pytest-xdist workers,
``subprocess``, ``multiprocessing``), except one run with ``-I``, ``-E`` or ``-S``, or one whose
environment the command replaces.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from goport.capture.targets import Target
from goport.errors import cannot_run

PACKAGE = "_goport_capture"
CONFIG_ENV = "GOPORT_CAPTURE_CONFIG"

SITECUSTOMIZE = '''\
"""Put first on PYTHONPATH by goport capture for one command: starts its tracer, then runs
the sitecustomize this one hides, if any. Not part of any project; removed after the run."""

import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))


def _goport_start():
    try:
        from _goport_capture import tracer

        tracer.install(os.environ.get("GOPORT_CAPTURE_CONFIG", ""))
    except Exception as exc:  # the user's program runs on, untraced
        sys.stderr.write("goport capture: this process is not traced: %r\\n" % (exc,))


def _goport_chain():
    import importlib.machinery
    import importlib.util

    path = [p for p in sys.path if os.path.abspath(p or os.curdir) != _HERE]
    spec = importlib.machinery.PathFinder.find_spec("sitecustomize", path)
    if spec is None or spec.loader is None:
        return
    module = importlib.util.module_from_spec(spec)
    sys.modules["sitecustomize"] = module
    spec.loader.exec_module(module)


_goport_start()
_goport_chain()
'''


def prepare(work: Path, targets: Sequence[Target], max_cases: int) -> dict[str, str]:
    """Lay out the tracer in ``work`` (a fresh private folder); the environment to run with."""
    site = work / "site"
    package = site / PACKAGE
    package.mkdir(parents=True)
    source = resources.files("goport.capture")
    for name in ("codec.py", "tracer.py"):
        (package / name).write_bytes(source.joinpath(name).read_bytes())
    (package / "__init__.py").write_text('"""goport capture\'s tracer (a copy)."""\n')
    (site / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    parts = work / "parts"
    parts.mkdir()
    config = {"parts": str(parts), "max_cases": max_cases, "targets": [t.spec() for t in targets]}
    (work / "config.json").write_text(json.dumps(config), encoding="utf-8")
    env = dict(os.environ)
    before = env.get("PYTHONPATH")
    env["PYTHONPATH"] = str(site) + (os.pathsep + before if before else "")
    env[CONFIG_ENV] = str(work / "config.json")
    return env


def parts_folder(work: Path) -> Path:
    return work / "parts"


def run(command: Sequence[str], env: dict[str, str]) -> int:
    """The command's exit status (negative: the signal that ended it); Ctrl-C reaches the
    command too (same process group), and goport waits for it to finish before merging."""
    try:
        child = subprocess.Popen(list(command), env=env)
    except OSError as exc:
        raise cannot_run(command[0], exc) from None
    try:
        return child.wait()
    except KeyboardInterrupt:
        return child.wait()
