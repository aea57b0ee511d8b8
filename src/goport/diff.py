"""Diff mode: which Python files and lines a change touches, and the base revision's sources.

The base is the merge base of REF and HEAD. What changed is computed here, in Python, by
comparing the base revision's tree with the files discovery found in the work tree, not by a
git work-tree diff: a work-tree diff refreshes the index and converts files, which is exactly
where a hostile repository's config runs commands (fsmonitor, clean/smudge/process filters,
textconv and external diff drivers, index hooks). From git goport only reads the base tree
(``ls-tree -r -z``) and blobs (``cat-file --batch``, which applies no filter), through
``goport.git.run``. So:

- a work-tree file whose git blob id equals the base entry's is unchanged (no blob read);
- one that differs only in CRLF/LF line endings is unchanged (autocrlf checkouts);
- otherwise its changed line ranges come from difflib on the lines; a file absent from the base
  (new, or untracked but not ignored: discovery already honours .gitignore) is new as a whole;
- a file reached through a linked folder is compared under its real path in the tree (git
  stores the link, not what it leads to); one in a submodule or a repository nested in the tree
  is not part of this repository's change (as a work-tree diff would not list it);
- a file that cannot be read is counted as changed: diff mode never hides a file from a gate.

Paths are NUL-separated and decoded as the file system does (``os.fsdecode``), so names git
would quote (non-ASCII, tabs, newlines, undecodable bytes) match the discovered files exactly.
The base is never checked out over the user's tree.
"""

from __future__ import annotations

import difflib
import hashlib
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from goport import git
from goport.discover import (
    DEFAULT_EXCLUDED_DIRS,
    rel_path_of,
    source_file,
    user_spec,
)
from goport.errors import GoportError, InputError, ToolMissingError, UsageError
from goport.model import SourceFile
from goport.safeio import is_within
from goport.text import printable

#: a new file: every line is new
WHOLE_FILE = ((1, 10**9),)

#: difflib is quadratic on adversarial input: past this many line pairs (old x new, in the part
#: of a file between its common head and tail) the whole part counts as changed instead
_PAIRS_PER_FILE = 4_000_000
_PAIRS_PER_RUN = 40_000_000

_SYMLINK = "120000"

Ranges = tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True)
class Change:
    base_ref: str
    base_commit: str
    prefix: str  # the scanned root relative to the repository top, "" or "sub/dir/"
    changed: dict[str, Ranges]  # rel path (to root) -> changed line ranges


@dataclass(frozen=True, slots=True)
class _Entry:
    mode: str
    sha: str
    path: str  # as the file system names it, relative to the root (the key is the shown name)


def check_ref(ref: str) -> None:
    """A ref from the user is a revision, never an option for git."""
    if not ref.strip() or ref.startswith("-"):
        raise UsageError(
            f"--diff-base {printable(ref)}: not a git ref (give a branch, tag or commit, "
            "e.g. --diff-base origin/main)"
        )


def resolve(root: Path, ref: str) -> str:
    """The commit id ``ref`` names; everything after this uses the id, never ``ref``."""
    check_ref(ref)
    try:
        out = git.run(
            root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}"
        )
    except InputError as exc:
        raise InputError(
            f"--diff-base {printable(ref)}: not a commit in this repository (fetch it first, e.g. "
            f"git fetch origin {printable(ref.split('/')[-1])})"
        ) from exc
    commit = out.decode("ascii", "replace").strip()
    if not commit or any(c not in "0123456789abcdef" for c in commit):
        raise InputError(f"--diff-base {printable(ref)}: git rev-parse gave no commit id")
    return commit


def changes(
    root: Path, base_ref: str, files: Iterable[SourceFile], contents: Mapping[str, bytes]
) -> Change:
    """Changed Python files and lines between the merge base of ``base_ref`` and the work tree.

    ``files`` are the discovered files (under ``root``, gitignore honoured); ``contents`` their
    bytes as the scan read them, by rel path (a file missing there could not be read: it counts
    as changed). Files are never read again here.
    """
    check_ref(base_ref)
    try:
        git.run(root, "rev-parse", "--show-toplevel")
    except ToolMissingError as exc:
        raise ToolMissingError(
            "--diff-base needs git, which is not installed (no git found on PATH)"
        ) from exc
    except InputError as exc:
        raise InputError(f"{root}: --diff-base needs a git repository ({exc})") from exc
    commit = resolve(root, base_ref)
    try:
        base = git.run(root, "merge-base", commit, "HEAD").decode("ascii", "replace").strip()
    except InputError:
        base = ""  # no HEAD yet, or unrelated histories: compare with the ref itself
    base = base or commit
    prefix = os.fsdecode(git.run(root, "rev-parse", "--show-prefix").rstrip(b"\n"))
    tree = _tree(root, base)
    changed: dict[str, Ranges] = {}
    differ: list[tuple[str, str, bytes]] = []  # (rel path, base blob id, new content)
    folders: dict[str, tuple[bool, bool]] = {}
    for source in files:
        entry = tree.get(source.rel_path)
        if entry is None:
            where = _repository_path(root, source, folders)
            if where is None:
                continue
            entry = tree.get(where)
        new = _current(root, source, entry, contents)
        if entry is None or new is None:
            changed[source.rel_path] = WHOLE_FILE
        elif blob_id(new, len(entry.sha)) != entry.sha:
            if entry.mode == _SYMLINK:
                changed[source.rel_path] = WHOLE_FILE  # the link now points elsewhere
            else:
                differ.append((source.rel_path, entry.sha, new))
    olds = _blobs(root, [sha for _, sha, _ in differ])
    budget = [_PAIRS_PER_RUN]
    for rel, sha, new in differ:
        old = olds.get(sha)
        if old is None:
            changed[rel] = WHOLE_FILE
        elif old.replace(b"\r\n", b"\n") != new.replace(b"\r\n", b"\n"):
            changed[rel] = changed_lines(old, new, budget)
    return Change(base_ref, base, prefix, dict(sorted(changed.items())))


def _tree(root: Path, commit: str) -> dict[str, _Entry]:
    """The base revision's entries under ``root``, by path relative to it."""
    listing = git.run(root, "ls-tree", "-r", "-z", commit, "--", ".")
    entries: dict[str, _Entry] = {}
    for record in listing.split(b"\0"):
        meta, tab, path = record.partition(b"\t")
        fields = meta.split()
        if not tab or len(fields) != 3:
            continue
        mode, kind, sha = (f.decode("ascii", "replace") for f in fields)
        if kind == "blob":  # not a submodule ("commit") entry
            # keyed as discovery names files: controls and undecodable bytes shown escaped
            raw = os.fsdecode(path)
            entries[rel_path_of(raw.split("/"))] = _Entry(mode, sha, raw)
    return entries


def _repository_path(
    root: Path, source: SourceFile, folders: dict[str, tuple[bool, bool]]
) -> str | None:
    """The path git knows ``source`` by in this repository, when it has no entry under its own
    path: behind a linked folder (git stores the link, not what it leads to) it is the file's
    real path in the tree; in a submodule or another repository nested in the tree (a folder
    holding ``.git``) there is none, and the file is not part of this repository's change.
    ``folders`` caches (is a link, holds .git) per folder."""
    rel = source.rel_path
    if any(link for link, _ in _folders(root, rel, folders)):
        real = os.path.realpath(source.abs_path)
        if not is_within(real, root):
            return None
        rel = rel_path_of(Path(real).relative_to(root).parts)
    if any(nested for _, nested in _folders(root, rel, folders)):
        return None
    return rel


def _folders(
    root: Path, rel: str, cache: dict[str, tuple[bool, bool]]
) -> Iterable[tuple[bool, bool]]:
    parts = rel.split("/")[:-1]
    for depth in range(1, len(parts) + 1):
        folder = "/".join(parts[:depth])
        if folder not in cache:
            path = root / folder
            cache[folder] = (path.is_symlink(), os.path.lexists(path / ".git"))
        yield cache[folder]


def _current(
    root: Path, source: SourceFile, entry: _Entry | None, contents: Mapping[str, bytes]
) -> bytes | None:
    """What to compare with the base blob: the file's bytes, or a tracked link's target (git
    stores a link as a blob of its target); None when it cannot be read, or there is no base."""
    if entry is None:
        return None
    link = root / entry.path  # discovery resolved links in abs_path: look at the link
    if entry.mode == _SYMLINK and os.path.islink(link):
        try:
            return os.fsencode(os.readlink(link))
        except OSError:
            return None
    return contents.get(source.rel_path)


def blob_id(data: bytes, hex_length: int = 40) -> str:
    """The id git gives a blob of ``data`` (SHA-1, or SHA-256 in a sha256 repository)."""
    algorithm = hashlib.sha256 if hex_length == 64 else hashlib.sha1
    return algorithm(b"blob %d\0" % len(data) + data).hexdigest()


def changed_lines(old: bytes, new: bytes, budget: list[int] | None = None) -> Ranges:
    """Added or changed line ranges (1-based, inclusive) of ``new`` against ``old``; a pure
    deletion marks the lines on both sides of it, whose meaning it changed (as ``git diff -U0``
    hunks read)."""
    a, b = old.splitlines(), new.splitlines()  # CR, LF and CRLF alike
    head = 0
    while head < len(a) and head < len(b) and a[head] == b[head]:
        head += 1
    end_a, end_b = len(a), len(b)
    while end_a > head and end_b > head and a[end_a - 1] == b[end_b - 1]:
        end_a -= 1
        end_b -= 1
    if end_a == head and end_b == head:
        return ()
    pairs = (end_a - head) * (end_b - head)
    allowance = _PAIRS_PER_FILE if budget is None else min(_PAIRS_PER_FILE, budget[0])
    if pairs > allowance:
        return (_span(head, end_b),)
    if budget is not None:
        budget[0] -= pairs
    matcher = difflib.SequenceMatcher(None, a[head:end_a], b[head:end_b], autojunk=False)
    return tuple(
        _span(head + j1, head + j2) for tag, _, _, j1, j2 in matcher.get_opcodes() if tag != "equal"
    )


def _span(start: int, end: int) -> tuple[int, int]:
    """Lines ``start`` to ``end`` (0-based, end excluded) as a 1-based inclusive range."""
    if end > start:
        return (start + 1, end)
    return (max(1, start), start + 1)  # a deletion before line start+1


def base_sources(
    root: Path,
    change: Change,
    exclude: Iterable[str] = (),
    root_package: str = "",
    prefixes: Mapping[str, str] | None = None,
) -> list[tuple[SourceFile, bytes]]:
    """The Python files of the base revision under the scanned root, with their contents, named
    as the working tree's are (``root_package``, ``prefixes``: what discovery decided)."""
    user = user_spec(exclude)
    kept: list[tuple[tuple[str, ...], str]] = []
    for rel, entry in sorted(_tree(root, change.base_commit).items()):
        if entry.mode == _SYMLINK or not rel.endswith(".py"):
            continue
        parts = tuple(rel.split("/"))
        if any(p in DEFAULT_EXCLUDED_DIRS or p.endswith(".egg-info") for p in parts[:-1]):
            continue
        if user is not None and user.match_file(rel):
            continue
        kept.append((parts, entry.sha))
    packages = frozenset("/".join(parts[:-1]) for parts, _ in kept if parts[-1] == "__init__.py")
    blobs = _blobs(root, [sha for _, sha in kept])
    return [
        (
            source_file(
                parts,
                f"{change.base_commit[:12]}:{'/'.join(parts)}",
                packages,
                root_package,
                prefixes,
            ),
            blobs[sha],
        )
        for parts, sha in kept
        if sha in blobs
    ]


def _blobs(root: Path, shas: Sequence[str]) -> dict[str, bytes]:
    """Contents of many blobs with one ``git cat-file --batch`` (which applies no filter)."""
    if not shas:
        return {}
    unique = list(dict.fromkeys(shas))
    out = git.run(root, "cat-file", "--batch", input_=("\n".join(unique) + "\n").encode())
    blobs: dict[str, bytes] = {}
    pos = 0
    for sha in unique:
        header_end = out.find(b"\n", pos)
        if header_end < 0:
            break
        header = out[pos:header_end].split()
        pos = header_end + 1
        if len(header) != 3:  # "<sha> missing" (a partial clone without the blob)
            continue
        size = int(header[2])
        blobs[sha] = out[pos : pos + size]
        pos += size + 1
    return blobs


def repo_prefix(root: Path) -> str:
    """The scanned root relative to its repository's top ("" when it is the top or no repo):
    CI annotations name files from the repository root."""
    try:
        return os.fsdecode(git.run(root, "rev-parse", "--show-prefix", timeout=30).rstrip(b"\n"))
    except GoportError:
        return ""
