"""The tree is clean: ruff's lint and format check, and mypy strict, as CI enforces them.

They run as tests so that the README's one test command (and ``.ci/run``, which runs exactly
that) fails on a lint error, an unformatted file or a type error, like on a failing test.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TREES = ("src", "tests", "benchmarks")


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, check=False
    )


def _needs(module: str) -> None:
    if shutil.which(module) is None and _run(module, "--version").returncode != 0:
        pytest.skip(f"{module} is not installed (pip install -e '.[test]' brings it)")


def test_ruff_finds_nothing() -> None:
    _needs("ruff")
    result = _run("ruff", "check", *TREES)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_file_is_formatted() -> None:
    _needs("ruff")
    result = _run("ruff", "format", "--check", *TREES)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_passes() -> None:
    _needs("mypy")
    result = _run("mypy")  # files and strictness: [tool.mypy] in pyproject.toml
    assert result.returncode == 0, result.stdout + result.stderr
