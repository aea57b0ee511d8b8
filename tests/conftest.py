"""Shared fixtures: write small real projects to disk and run the real goport CLI on them."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest

from goport import cache as goport_cache
from goport.errors import ToolMissingError
from goport.profiles.record import find_py_spy


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


@pytest.fixture(scope="session")
def xdg_cache_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The user cache folder of every goport the tests run (``$XDG_CACHE_HOME``): the cache's
    secret key is made there, never in the user's own cache folder."""
    return tmp_path_factory.mktemp("xdg-cache")


@pytest.fixture(scope="session", autouse=True)
def _user_cache_in_tmp(xdg_cache_home: Path) -> Iterator[None]:
    """In this process too (``goport.cache.default_dir``, where ``Cache`` keeps its secret key)
    and in every process a test starts with a copy of ``os.environ``, for the whole session, so
    module-scoped fixtures are covered as well. pip keeps its own cache folder (the one it would
    use anyway), so installs in tests stay fast."""
    user_cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PIP_CACHE_DIR", os.environ.get("PIP_CACHE_DIR") or str(user_cache / "pip"))
        patch.setenv("XDG_CACHE_HOME", str(xdg_cache_home))
        patch.delenv("GOPORT_CACHE_DIR", raising=False)  # a developer's own setting
        patch.delenv("GOPORT_CACHE_MAX_SIZE", raising=False)
        patch.setattr(goport_cache, "default_dir", lambda: xdg_cache_home / "goport")
        yield


def _env(extra: Mapping[str, str] | None, xdg_cache_home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR")}
    env["COLUMNS"] = "200"
    env["XDG_CACHE_HOME"] = str(xdg_cache_home)
    env.update(extra or {})
    return env


@pytest.fixture(scope="session")
def goport(xdg_cache_home: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
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
            env=_env(env, xdg_cache_home),
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=120,
            check=False,
        )

    return run


@pytest.fixture(scope="session")
def py_spy() -> str:
    """py-spy's path, once it has shown it may trace a process here (else the tests skip)."""
    try:
        executable = find_py_spy()
    except ToolMissingError as exc:
        pytest.skip(f"py-spy is not installed here: {exc}")
    target = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        time.sleep(0.3)  # let the interpreter start
        probe = subprocess.run(
            [executable, "dump", "--pid", str(target.pid)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        target.kill()
        target.wait()
    if probe.returncode != 0:
        said = (probe.stderr or probe.stdout).strip().splitlines()[:2]
        pytest.skip(f"py-spy cannot trace processes here (needs ptrace rights): {said}")
    return executable


#: a tree whose names and sources try to break out of an HTML report: a module named like a tag
#: with an event handler, a string literal that closes the page's script, bidi controls (RLO
#: U+202E, PDF U+202C) in a string and a comment of hot functions
HOSTILE_HTML = {
    "pkg/__init__.py": "",
    "pkg/<img src=x onerror=alert(1)>.py": (
        "def crunch(rows):\n"
        '    label = "</script><script>alert(1)</script>"\n'
        "    t = 0\n"
        "    for r in rows:\n"
        "        for c in r:\n"
        "            t = (t * 31 + c) & 0xFFFF  # \u202e reversed \u202c comment\n"
        "    return t, label\n"
    ),
    "pkg/kernel.py": (
        "def grid(rows):\n"
        '    s = "\u202eevil\u202c"\n'
        "    t = 0\n"
        "    for r in rows:\n"
        "        for c in r:\n"
        "            t += (c * c) ^ (c << 3)\n"
        "    return t, s\n"
    ),
    "pkg/user.py": (
        "from pkg import kernel\n\n\n"
        "def go(rows):\n"
        "    out = []\n"
        "    for r in rows:\n"
        "        out.append(kernel.grid(r))\n"
        "    return out\n"
    ),
}


@pytest.fixture(scope="session")
def hostile_html_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``HOSTILE_HTML`` written to a folder of its own (never changed by a test)."""
    return _write(tmp_path_factory.mktemp("hostile-html"), HOSTILE_HTML)
