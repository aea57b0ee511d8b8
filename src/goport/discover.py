"""Paths -> SourceFile: which Python files a scan looks at, and what each one is.

Honours .gitignore files (root and nested, plus .git/info/exclude) through pathspec, the user's
exclude patterns, and sensible default excludes (virtualenvs, site-packages, build output,
caches). Symlinked directories are followed once: a directory already seen (by device and
inode) is reported as a loop and skipped, never walked again.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pathspec

from goport.errors import InputError
from goport.model import AnalysisError, SourceFile

log = logging.getLogger(__name__)

#: directory names never worth scanning (a virtualenv under any other name, such as ``venv``,
#: is recognised by its pyvenv.cfg: the stdlib has a ``venv`` package worth scanning)
DEFAULT_EXCLUDED_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".venv",
        ".tox",
        ".nox",
        "__pycache__",
        "node_modules",
        "site-packages",
        "dist-packages",
        "build",
        "dist",
        ".eggs",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".cache",
        ".direnv",
        ".idea",
        ".vscode",
    }
)

_TEST_FILE = re.compile(r"^(test_.*|.*_test|conftest|tests?)\.py$")
_TEST_DIRS = frozenset({"tests", "test", "testing"})


@dataclass(frozen=True, slots=True)
class Discovery:
    root: Path
    files: tuple[SourceFile, ...]
    errors: tuple[AnalysisError, ...]
    only: frozenset[str] | None  # rel paths the user named; None: report on everything


def is_test_path(rel_parts: tuple[str, ...]) -> bool:
    return bool(_TEST_FILE.match(rel_parts[-1])) or any(p in _TEST_DIRS for p in rel_parts[:-1])


def module_name(rel_parts: tuple[str, ...], package_dirs: frozenset[str]) -> str:
    """Dotted module name: the path from the outermost package (a dir with __init__.py)."""
    stem = rel_parts[-1][:-3]
    parts = list(rel_parts[:-1])
    # walk up while the directory is a package
    keep: list[str] = []
    for i in range(len(parts), 0, -1):
        if "/".join(parts[:i]) in package_dirs:
            keep.insert(0, parts[i - 1])
        else:
            break
    names = [*keep] if stem == "__init__" else [*keep, stem]
    return ".".join(names) or stem


class _Ignore:
    """Gitignore rules collected while walking: each spec applies below its directory."""

    def __init__(self, root: Path, user_patterns: Iterable[str], use_gitignore: bool) -> None:
        self.root = root
        self.use_gitignore = use_gitignore
        self.specs: dict[str, pathspec.PathSpec[Any]] = {}
        patterns = list(user_patterns)
        self.user = pathspec.GitIgnoreSpec.from_lines(patterns) if patterns else None
        if use_gitignore:
            info = root / ".git" / "info" / "exclude"
            lines = _read_lines(info)
            if lines:
                self.specs[""] = pathspec.GitIgnoreSpec.from_lines(lines)

    def load_dir(self, rel_dir: str, abs_dir: Path) -> None:
        if not self.use_gitignore:
            return
        lines = _read_lines(abs_dir / ".gitignore")
        if lines:
            spec: pathspec.PathSpec[Any] = pathspec.GitIgnoreSpec.from_lines(lines)
            if rel_dir in self.specs:
                spec = self.specs[rel_dir] + spec
            self.specs[rel_dir] = spec

    def ignored(self, rel: str, is_dir: bool) -> bool:
        probe = rel + "/" if is_dir else rel
        if self.user is not None and self.user.match_file(probe):
            return True
        # As git does: deeper .gitignore files override shallower ones, and within one file
        # the last matching pattern (including a negation) decides.
        verdict = False
        for base in sorted(self.specs, key=lambda b: (b != "", b.count("/"), b)):
            if base and not rel.startswith(base + "/"):
                continue
            result = self.specs[base].check_file(probe[len(base) + 1 :] if base else probe)
            if result.include is not None:
                verdict = bool(result.include)
        return verdict


def _read_lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []


def discover(
    target: Path,
    *,
    exclude: Iterable[str] = (),
    respect_gitignore: bool = True,
    named: Iterable[Path] = (),
) -> Discovery:
    """Find the Python files under the directory ``target``; ``named`` limits what is reported."""
    if not target.exists():
        if target.is_symlink():
            raise InputError(f"{target}: is a broken symbolic link")
        raise InputError(f"{target}: no such file or directory")
    if not target.is_dir():
        raise InputError(f"{target}: not a directory")
    root = target.resolve()

    ignore = _Ignore(root, exclude, respect_gitignore)
    files: list[tuple[tuple[str, ...], str]] = []
    errors: list[AnalysisError] = []
    package_dirs: set[str] = set()
    seen_dirs: set[tuple[int, int]] = set()

    def walk(abs_dir: Path, rel_parts: tuple[str, ...]) -> None:
        rel_dir = "/".join(rel_parts)
        try:
            st = abs_dir.stat()
        except OSError as exc:
            errors.append(AnalysisError(rel_dir or ".", "discover", f"cannot read the folder: {exc.strerror}"))
            return
        key = (st.st_dev, st.st_ino)
        if key in seen_dirs:
            errors.append(
                AnalysisError(rel_dir, "discover", "symbolic link loop (folder already scanned); skipped")
            )
            return
        seen_dirs.add(key)
        try:
            entries = sorted(os.scandir(abs_dir), key=lambda e: e.name)
        except OSError as exc:
            errors.append(AnalysisError(rel_dir or ".", "discover", f"cannot list the folder: {exc.strerror}"))
            return
        if rel_parts and "pyvenv.cfg" in {e.name for e in entries}:
            log.debug("skipping virtualenv %s", rel_dir)
            return
        names = {e.name for e in entries}
        if "__init__.py" in names:
            package_dirs.add(rel_dir)
        ignore.load_dir(rel_dir, abs_dir)
        for entry in entries:
            parts = (*rel_parts, entry.name)
            rel = "/".join(parts)
            try:
                is_dir = entry.is_dir()  # follows symlinks
                is_file = entry.is_file()
            except OSError as exc:
                errors.append(AnalysisError(rel, "discover", f"cannot stat: {exc.strerror}"))
                continue
            if is_dir:
                if entry.name in DEFAULT_EXCLUDED_DIRS or entry.name.endswith(".egg-info"):
                    continue
                if ignore.ignored(rel, True):
                    continue
                walk(Path(entry.path), parts)
            elif entry.name.endswith(".py"):
                if entry.is_symlink() and not is_file:
                    errors.append(AnalysisError(rel, "discover", "broken symbolic link; skipped"))
                    continue
                if not is_file:
                    continue
                if ignore.ignored(rel, False):
                    continue
                files.append((parts, entry.path))

    walk(root, ())
    out = tuple(
        SourceFile(
            rel_path="/".join(parts),
            abs_path=abs_path,
            module=module_name(parts, frozenset(package_dirs)),
            is_test=is_test_path(parts),
        )
        for parts, abs_path in files
    )
    only = _named(root, named) if named else None
    if only is not None:
        known = {f.rel_path for f in out}
        for rel in sorted(only - known):
            if (root / rel).is_file():
                # excluded by config, .gitignore or the default excludes: like ruff's
                # --force-exclude, a hook passing every staged file must not complain about it
                log.debug("%s: named but excluded; skipped", rel)
                continue
            errors.append(AnalysisError(rel, "discover", "named on the command line but not found"))
    return Discovery(root=root, files=out, errors=tuple(errors), only=only)


def _named(root: Path, paths: Iterable[Path]) -> frozenset[str]:
    out = set()
    for p in paths:
        absolute = p.resolve() if p.is_absolute() or p.exists() else (root / p).resolve()
        try:
            out.add(absolute.relative_to(root).as_posix())
        except ValueError:
            out.add(p.as_posix())
    return frozenset(out)
