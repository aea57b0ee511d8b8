"""Diff mode: which Python files and lines a change touches, and the base revision's sources.

Everything is read from git: the merge base of REF and HEAD, the changed files between it and
the working tree (committed, staged, unstaged, and untracked-but-not-ignored), the changed line
ranges, and the base revision's file contents (``git cat-file --batch``), never by checking the
base out over the user's tree.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from goport.discover import DEFAULT_EXCLUDED_DIRS, is_test_path, module_name
from goport.errors import InputError, ToolMissingError
from goport.model import SourceFile

_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Change:
    base_ref: str
    base_commit: str
    prefix: str  # the scanned root relative to the repository top, "" or "sub/dir/"
    changed: dict[str, tuple[tuple[int, int], ...]]  # rel path (to root) -> changed line ranges


def _git(root: Path, *args: str, input_: bytes | None = None) -> bytes:
    if shutil.which("git") is None:
        raise ToolMissingError("--diff-base needs git, which is not installed")
    proc = subprocess.run(
        ["git", "-C", str(root), *args],
        input=input_,
        capture_output=True,
        check=False,
        timeout=300,
    )
    if proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise InputError(f"git {' '.join(args[:2])} failed: {message[-1] if message else 'error'}")
    return proc.stdout


def changes(root: Path, base_ref: str) -> Change:
    """Changed Python files and lines between the merge base of ``base_ref`` and the work tree."""
    try:
        _git(root, "rev-parse", "--show-toplevel")
    except InputError as exc:
        raise InputError(f"{root}: --diff-base needs a git repository ({exc})") from exc
    try:
        base = _git(root, "merge-base", base_ref, "HEAD").decode().strip()
    except InputError:
        try:
            base = _git(root, "rev-parse", "--verify", f"{base_ref}^{{commit}}").decode().strip()
        except InputError as exc:
            raise InputError(
                f"--diff-base {base_ref}: not a commit in this repository (fetch it first, e.g. "
                f"git fetch origin {base_ref.split('/')[-1]})"
            ) from exc
    prefix = _git(root, "rev-parse", "--show-prefix").decode().strip()
    names = _git(root, "diff", "--name-only", "--no-renames", "--relative", base, "--", ".")
    untracked = _git(root, "ls-files", "--others", "--exclude-standard", "--", ".")
    changed: dict[str, tuple[tuple[int, int], ...]] = {}
    diff_text = _git(root, "diff", "-U0", "--no-renames", "--relative", base, "--", "*.py").decode(
        "utf-8", "replace"
    )
    ranges = _parse_ranges(diff_text)
    for rel in names.decode().splitlines():
        if rel.endswith(".py") and (root / rel).is_file():
            changed[rel] = ranges.get(rel, ())
    for rel in untracked.decode().splitlines():
        if rel.endswith(".py"):
            changed[rel] = ((1, 10**9),)  # a new file: every line is new
    return Change(base_ref, base, prefix, dict(sorted(changed.items())))


def _parse_ranges(diff_text: str) -> dict[str, tuple[tuple[int, int], ...]]:
    """Added/changed line ranges in the new version, per file, from ``git diff -U0``."""
    out: dict[str, list[tuple[int, int]]] = {}
    current: str | None = None
    for line in diff_text.splitlines():
        if line.startswith("+++ "):
            target = line[4:]
            current = None if target == "/dev/null" else target.removeprefix("b/")
            if current is not None:
                out.setdefault(current, [])
        elif line.startswith("@@") and current is not None:
            match = _HUNK.match(line)
            if match:
                start = int(match.group(1))
                count = int(match.group(2)) if match.group(2) is not None else 1
                if count > 0:
                    out[current].append((start, start + count - 1))
                else:  # pure deletion: the lines around it changed meaning
                    out[current].append((max(1, start), start + 1))
    return {path: tuple(r) for path, r in out.items()}


def base_sources(
    root: Path, change: Change, exclude: Iterable[str] = ()
) -> list[tuple[SourceFile, bytes]]:
    """The Python files of the base revision under the scanned root, with their contents."""
    import pathspec

    listing = _git(root, "ls-tree", "-r", "-z", "--full-name", change.base_commit, "--", ".")
    entries: list[tuple[str, str]] = []  # (rel path to root, blob sha)
    for record in listing.split(b"\0"):
        if not record:
            continue
        meta, _, path = record.partition(b"\t")
        mode, kind, sha = meta.decode().split()
        full = path.decode("utf-8", "replace")
        if kind != "blob" or mode == "120000" or not full.endswith(".py"):
            continue
        rel = (
            full[len(change.prefix) :] if change.prefix and full.startswith(change.prefix) else full
        )
        entries.append((rel, sha))
    user = pathspec.GitIgnoreSpec.from_lines(list(exclude)) if exclude else None
    kept = []
    for rel, sha in entries:
        parts = tuple(rel.split("/"))
        if any(p in DEFAULT_EXCLUDED_DIRS or p.endswith(".egg-info") for p in parts[:-1]):
            continue
        if user is not None and user.match_file(rel):
            continue
        kept.append((parts, sha))
    packages = frozenset("/".join(parts[:-1]) for parts, _ in kept if parts[-1] == "__init__.py")
    blobs = _cat_blobs(root, [sha for _, sha in kept])
    return [
        (
            SourceFile(
                rel_path="/".join(parts),
                abs_path=f"{change.base_commit[:12]}:{'/'.join(parts)}",
                module=module_name(parts, packages),
                is_test=is_test_path(parts),
            ),
            blobs[sha],
        )
        for parts, sha in kept
    ]


def _cat_blobs(root: Path, shas: Sequence[str]) -> dict[str, bytes]:
    """Contents of many blobs with one ``git cat-file --batch``."""
    if not shas:
        return {}
    unique = list(dict.fromkeys(shas))
    out = _git(root, "cat-file", "--batch", input_=("\n".join(unique) + "\n").encode())
    blobs: dict[str, bytes] = {}
    pos = 0
    for sha in unique:
        header_end = out.index(b"\n", pos)
        header = out[pos:header_end].split()
        size = int(header[2])
        start = header_end + 1
        blobs[sha] = out[start : start + size]
        pos = start + size + 1
    return blobs


def repo_prefix(root: Path) -> str:
    """The scanned root relative to its repository's top ("" when it is the top or no repo):
    CI annotations name files from the repository root."""
    if shutil.which("git") is None:
        return ""
    try:
        proc = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--show-prefix"],
            capture_output=True,
            text=True,
            check=False,
            timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return proc.stdout.strip() if proc.returncode == 0 else ""
