"""goport's pre-commit hooks (.pre-commit-hooks.yaml) through a real pre-commit and a real git.

Nothing here is mocked: pre-commit clones a snapshot of this checkout, builds the hook's
virtualenv by pip-installing it (once per session, into a temporary PRE_COMMIT_HOME), and runs
the hook from ``pre-commit try-repo`` and from a hook installed with ``pre-commit install`` and
triggered by ``git commit``. The checkout itself is only read: the snapshot is a copy of its
working tree (uncommitted edits included) committed into a temporary repository, so its HEAD
can serve as the ``rev`` of a ``.pre-commit-config.yaml``.

The split test checks the promise the hook relies on: the answer for a file does not depend on
which other files are named with it (pre-commit may batch file names across processes).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow

#: never copied into the snapshot of this checkout
SNAPSHOT_IGNORE = shutil.ignore_patterns(
    ".git",
    ".venv",
    "venv",
    ".tox",
    ".nox",
    "__pycache__",
    "*.pyc",
    ".pytest_cache",
    ".mypy_cache",
    ".ruff_cache",
    "*.egg-info",
    "build",
    "dist",
    ".work",
    "node_modules",
)

#: git variables that would point git at another repository (set when pytest runs inside a hook)
GIT_REPO_VARS = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_COMMON_DIR",
    "GIT_PREFIX",
)

KERNEL = '''"""Checksums and a dense grid walk: pure-Python arithmetic in nested loops."""


def checksum(data):
    h = 2166136261
    for b in data:
        h ^= b
        h = (h * 16777619) & 0xFFFFFFFF
    return h


def grid(rows, cols):
    out = []
    for r in range(rows):
        for c in range(cols):
            for k in range(8):
                out.append((r * c + k) ^ (r << 2))
    return out


def mix(values):
    acc = 0
    for i, v in enumerate(values):
        for j in range(16):
            acc = (acc * 31 + v * j + i) % 1000003
    return acc
'''

GLUE = '''"""Command-line glue: parses arguments and calls the kernel."""

import argparse

from app.kernel import checksum


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("text")
    args = parser.parse_args(argv)
    print(checksum(args.text.encode()))
'''

SETTINGS = 'NAME = "demo"\nDEBUG = False\n'


# -- environment -----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def session_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("precommit-session")


@pytest.fixture(scope="session")
def env(session_dir: Path) -> dict[str, str]:
    """Environment of every git / pre-commit / goport command of this module.

    - PRE_COMMIT_HOME: one store for the session, so the hook's virtualenv is built once;
    - XDG_CACHE_HOME: goport's default cache folder (used by the hook) in the session folder, never
      the user's; pip keeps its own cache (PIP_CACHE_DIR) so the install stays fast;
    - a private global git config (name, email, no signing, no hooksPath from the user's config).
    """
    home_cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    e = {
        k: v
        for k, v in os.environ.items()
        if k not in GIT_REPO_VARS
        and not k.startswith("PRE_COMMIT")
        and k not in ("FORCE_COLOR", "GITHUB_STEP_SUMMARY", "GITHUB_ACTIONS")
    }
    e.setdefault("PIP_CACHE_DIR", str(home_cache / "pip"))
    gitconfig = session_dir / "gitconfig"
    gitconfig.write_text(
        "[user]\n\tname = goport tests\n\temail = tests@goport.invalid\n"
        "[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n",
        encoding="utf-8",
    )
    e.update(
        PRE_COMMIT_HOME=str(session_dir / "pre-commit-home"),
        XDG_CACHE_HOME=str(session_dir / "xdg-cache"),
        GIT_CONFIG_GLOBAL=str(gitconfig),
        GIT_CONFIG_NOSYSTEM="1",
        NO_COLOR="1",
        COLUMNS="200",
    )
    return e


def run(
    cmd: list[str | os.PathLike[str]], cwd: Path, env: Mapping[str, str], timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(c) for c in cmd],
        cwd=cwd,
        env=dict(env),
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=timeout,
        check=False,
    )


def git(repo: Path, env: Mapping[str, str], *args: str) -> str:
    proc = run(["git", *args], repo, env)
    assert proc.returncode == 0, f"git {' '.join(args)}: {proc.stderr}"
    return proc.stdout


def pre_commit(repo: Path, env: Mapping[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return run([sys.executable, "-m", "pre_commit", *args], repo, env)


def goport(
    repo: Path, env: Mapping[str, str], *args: str | os.PathLike[str]
) -> subprocess.CompletedProcess[str]:
    return run([sys.executable, "-m", "goport", *args], repo, env, timeout=120)


def output(proc: subprocess.CompletedProcess[str]) -> str:
    return proc.stdout + proc.stderr


# -- repositories ----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def snapshot(session_dir: Path, env: dict[str, str]) -> tuple[Path, str]:
    """(path, HEAD sha) of a git repository holding a copy of this checkout's working tree."""
    dest = session_dir / "goport-snapshot"
    shutil.copytree(ROOT, dest, ignore=SNAPSHOT_IGNORE, symlinks=True)
    assert (dest / ".pre-commit-hooks.yaml").is_file()
    git(dest, env, "init", "-q")
    git(dest, env, "config", "user.name", "goport tests")
    git(dest, env, "config", "user.email", "tests@goport.invalid")
    git(dest, env, "add", "-A")
    git(dest, env, "commit", "-q", "--no-verify", "-m", "snapshot of the goport checkout")
    return dest, git(dest, env, "rev-parse", "HEAD").strip()


def make_repo(path: Path, env: Mapping[str, str], *, commit: bool) -> Path:
    """A small project: a CPU-heavy kernel, glue that imports it, settings, and a test."""
    files = {
        "app/__init__.py": "",
        "app/kernel.py": KERNEL,
        "app/glue.py": GLUE,
        "app/settings.py": SETTINGS,
        "tests/test_kernel.py": (
            "from app.kernel import checksum\n\n\n"
            "def test_checksum():\n    assert checksum(b'') == 2166136261\n"
        ),
    }
    for rel, text in files.items():
        (path / rel).parent.mkdir(parents=True, exist_ok=True)
        (path / rel).write_text(text, encoding="utf-8")
    git(path, env, "init", "-q")
    git(path, env, "config", "user.name", "goport tests")
    git(path, env, "config", "user.email", "tests@goport.invalid")
    git(path, env, "add", "-A")
    if commit:
        git(path, env, "commit", "-q", "--no-verify", "-m", "initial")
    return path


def write_config(repo: Path, snapshot: tuple[Path, str], hooks: list[dict[str, Any]]) -> None:
    # JSON is YAML: no quoting questions for paths and args
    config = {"repos": [{"repo": str(snapshot[0]), "rev": snapshot[1], "hooks": hooks}]}
    (repo / ".pre-commit-config.yaml").write_text(
        json.dumps(config, indent=2) + "\n", encoding="utf-8"
    )


@pytest.fixture(scope="session")
def hook_env(snapshot: tuple[Path, str], session_dir: Path, env: dict[str, str]) -> None:
    """Build the hook's virtualenv once (pip installs the snapshot; network to PyPI is needed)."""
    repo = make_repo(session_dir / "warmup", env, commit=False)
    write_config(repo, snapshot, [{"id": "goport"}])
    proc = pre_commit(repo, env, "install-hooks")
    assert proc.returncode == 0, output(proc)


# -- the hooks -------------------------------------------------------------------------------------


def test_manifest_is_valid(env: dict[str, str]) -> None:
    proc = pre_commit(ROOT, env, "validate-manifest", str(ROOT / ".pre-commit-hooks.yaml"))
    assert proc.returncode == 0, output(proc)


def test_try_repo_all_files_is_advisory(
    snapshot: tuple[Path, str], hook_env: None, tmp_path: Path, env: dict[str, str]
) -> None:
    repo = make_repo(tmp_path / "proj", env, commit=False)
    proc = pre_commit(
        repo, env, "try-repo", str(snapshot[0]), "goport", "--all-files", "--color", "never"
    )
    text = output(proc)
    assert proc.returncode == 0, text
    assert "Passed" in text
    # verbose: true in the manifest: the advice is shown although the hook passed
    assert "app/kernel.py" in text
    assert "app/glue.py" in text
    kernel_line = next(line for line in text.splitlines() if "app/kernel.py" in line)
    assert any(s in kernel_line for s in ("go-", "optimise", "keep")), kernel_line
    assert "not analysed" not in text  # the test module is context, not an error


def test_git_commit_through_installed_hook(
    snapshot: tuple[Path, str], hook_env: None, tmp_path: Path, env: dict[str, str]
) -> None:
    repo = make_repo(tmp_path / "proj", env, commit=False)
    cache = tmp_path / "goport-cache"

    # advisory: the commit goes through and the output names the staged hot module
    write_config(repo, snapshot, [{"id": "goport", "args": ["--cache-dir", str(cache)]}])
    installed = pre_commit(repo, env, "install")
    assert installed.returncode == 0, output(installed)
    git(repo, env, "add", "-A")
    commit = run(["git", "commit", "-m", "first"], repo, env)
    assert commit.returncode == 0, output(commit)
    assert "goport" in output(commit) and "app/kernel.py" in output(commit)
    first = git(repo, env, "rev-parse", "HEAD").strip()

    # gated: a commit that touches the hot module is blocked, and the output says why
    write_config(
        repo, snapshot, [{"id": "goport", "args": ["--fail-on", "1", "--cache-dir", str(cache)]}]
    )
    with (repo / "app" / "kernel.py").open("a", encoding="utf-8") as handle:
        handle.write("\n\ndef square(n):\n    return n * n\n")
    git(repo, env, "add", "-A")
    blocked = run(["git", "commit", "-m", "touch the kernel"], repo, env)
    text = output(blocked)
    assert blocked.returncode != 0, text
    assert "Failed" in text
    assert "app/kernel.py" in text
    assert "gate" in text and "--fail-on 1" in text
    assert git(repo, env, "rev-parse", "HEAD").strip() == first  # nothing was committed

    # the same gate passes a commit of a module that does not trip it: only the files passed
    # are reported on, although kernel.py (above the gate) is analysed for context
    git(repo, env, "reset", "-q", "HEAD", "--", "app/kernel.py")
    git(repo, env, "checkout", "-q", "--", "app/kernel.py")
    with (repo / "app" / "settings.py").open("a", encoding="utf-8") as handle:
        handle.write('VERSION = "1.0"\n')
    git(repo, env, "add", "-A")
    passed = run(["git", "commit", "-m", "settings only"], repo, env)
    assert passed.returncode == 0, output(passed)
    assert "app/settings.py" in output(passed)
    assert "app/kernel.py" not in output(passed)
    assert git(repo, env, "rev-parse", "HEAD").strip() != first


def test_gate_hook_blocks_and_is_silent_when_passing(
    snapshot: tuple[Path, str], hook_env: None, tmp_path: Path, env: dict[str, str]
) -> None:
    repo = make_repo(tmp_path / "proj", env, commit=True)
    cache = tmp_path / "goport-cache"
    write_config(
        repo,
        snapshot,
        [{"id": "goport-gate", "args": ["--fail-on", "1", "--cache-dir", str(cache)]}],
    )
    git(repo, env, "add", "-A")
    blocked = pre_commit(repo, env, "run", "--all-files", "--color", "never")
    assert blocked.returncode == 1, output(blocked)
    assert "app/kernel.py" in output(blocked)

    write_config(
        repo,
        snapshot,
        [{"id": "goport-gate", "args": ["--fail-on", "100", "--cache-dir", str(cache)]}],
    )
    passed = pre_commit(repo, env, "run", "--all-files", "--color", "never")
    assert passed.returncode == 0, output(passed)
    assert "Passed" in output(passed)
    assert "app/kernel.py" not in output(passed)  # not verbose: pre-commit hides a passing hook


# -- the answer does not depend on how the file names are split ------------------------------


def _by_module(proc: subprocess.CompletedProcess[str]) -> dict[str, dict[str, Any]]:
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    return {
        c["path"]: {
            "score": c["score"],
            "rank": c["rank"],
            "strategy": c["strategy"],
            "factors": [(f["name"], f["contribution"]) for f in c["factors"]],
            "imported_by": c["boundary"]["imported_by"],
            "tested_by": c["boundary"]["tested_by"],
        }
        for c in doc["candidates"]
    }


def test_answer_does_not_depend_on_how_files_are_split(tmp_path: Path, env: dict[str, str]) -> None:
    repo = make_repo(tmp_path / "proj", env, commit=True)
    cache = tmp_path / "goport-cache"
    flags = ("--format", "json", "--cache-dir", str(cache))

    # one file per process first, starting from an empty cache ...
    alone = {}
    for name in ("app/kernel.py", "app/glue.py", "app/settings.py"):
        got = _by_module(goport(repo, env, "scan", name, *flags))
        assert list(got) == [name], got  # only the file named is reported on
        alone.update(got)
    # ... then two batches, then all at once, then the whole folder (all warm)
    batches = {
        **_by_module(goport(repo, env, "scan", "app/kernel.py", "app/settings.py", *flags)),
        **_by_module(goport(repo, env, "scan", "app/glue.py", *flags)),
    }
    together = _by_module(
        goport(repo, env, "scan", "app/settings.py", "app/glue.py", "app/kernel.py", *flags)
    )
    whole = _by_module(goport(repo, env, "scan", ".", *flags))

    assert alone == batches == together
    assert {k: whole[k] for k in alone} == alone
    # the context is the whole project: the kernel knows who imports and tests it
    assert "app.glue" in alone["app/kernel.py"]["imported_by"]
    assert alone["app/kernel.py"]["tested_by"]
    assert alone["app/kernel.py"]["score"] > alone["app/glue.py"]["score"]
    # the gate gives the same answer too: it trips for the process that gets the kernel
    gate = ("--fail-on", str(alone["app/kernel.py"]["score"]), "--cache-dir", str(cache))
    assert goport(repo, env, "scan", "app/kernel.py", *gate).returncode == 1
    assert goport(repo, env, "scan", "app/glue.py", "app/settings.py", *gate).returncode == 0
    assert goport(repo, env, "scan", "app/glue.py", "app/kernel.py", *gate).returncode == 1


def test_hook_file_filter_skips_extensionless_python_scripts(
    tmp_path: Path, env: dict[str, str]
) -> None:
    """`types: [python]` matches a python-shebang script without .py; `files: \\.py$` keeps it
    away from goport, which would refuse it (exit 2)."""
    import re

    import yaml  # pre-commit depends on PyYAML

    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    repo = make_repo(tmp_path / "proj", env, commit=False)
    script = repo / "bin" / "tool"
    script.parent.mkdir()
    script.write_text("#!/usr/bin/env python3\nprint('hi')\n", encoding="utf-8")
    for hook in hooks:
        assert hook["language"] == "python" and hook["types"] == ["python"]
        assert hook["require_serial"] is True
        assert not re.search(hook["files"], "bin/tool")
        assert re.search(hook["files"], "app/kernel.py")
    assert goport(repo, env, "scan", "bin/tool").returncode == 2
