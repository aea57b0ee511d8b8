"""Shared fixtures: write small real projects to disk and run the real goport CLI on them."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest


def _write(root: Path, files: Mapping[str, str | bytes]) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


@pytest.fixture
def make_tree(tmp_path: Path) -> Callable[..., Path]:
    """make_tree({"pkg/mod.py": "x = 1\\n"}, under="proj") -> the folder it wrote."""

    def make(files: Mapping[str, str | bytes], under: str = "proj") -> Path:
        root = tmp_path / under
        root.mkdir(parents=True, exist_ok=True)
        return _write(root, files)

    return make


@pytest.fixture
def cache_dir(tmp_path: Path) -> Path:
    """A cache folder outside every scanned tree, so no test touches the user's cache."""
    return tmp_path / "cache"


def _env(extra: Mapping[str, str] | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR")}
    env["COLUMNS"] = "200"
    env.update(extra or {})
    return env


@pytest.fixture(scope="session")
def goport() -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run ``python -m goport ARGS`` for real; returns the completed process (text mode)."""

    def run(
        *args: str | os.PathLike[str],
        cwd: Path | None = None,
        env: Mapping[str, str] | None = None,
        console_script: bool = False,
    ) -> subprocess.CompletedProcess[str]:
        # the console script keeps the cwd off sys.path, like an installed `goport`
        head = (
            [str(Path(sys.executable).with_name("goport"))]
            if console_script
            else [sys.executable, "-m", "goport"]
        )
        return subprocess.run(
            [*head, *map(str, args)],
            cwd=cwd,
            env=_env(env),
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=120,
            check=False,
        )

    return run
