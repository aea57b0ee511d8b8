"""Helpers shared by the benchmark scripts (run as ``python benchmarks/NAME.py``)."""

from __future__ import annotations

import subprocess
from pathlib import Path


def goport_source() -> str:
    """Which goport is measured: its version, and the git commit of its checkout (+ local edits)."""
    try:
        import goport
    except ImportError:
        return "goport (not importable from this interpreter)"
    pkg = Path(goport.__file__).resolve().parent
    text = f"goport {getattr(goport, '__version__', '?')} from {pkg}"
    try:
        head = subprocess.run(
            ["git", "-C", str(pkg), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(pkg), "status", "--porcelain", "--", "."],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.splitlines()
    except (OSError, subprocess.CalledProcessError):
        return text
    return (
        text
        + f" (commit {head}"
        + (f", {len(dirty)} uncommitted file(s) in the package)" if dirty else ")")
    )
