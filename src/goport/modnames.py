"""Dotted module names for the files of a scanned tree.

A file's name runs from the outermost package (a folder with ``__init__.py``) above it; folders
without ``__init__.py`` below that package are namespace portions of it. Two cases need more
than the tree's shape:

- the scanned root is itself a package (``goport scan pkg``): its modules are ``pkg.*`` when its
  code says so (a relative import in a file at the root, or ``import pkg...``), since a
  repository may hold a stray ``__init__.py`` at its top while importing ``app.core``;
- namespace packages (PEP 420) above the outermost package: ``zope/interface/__init__.py`` is
  ``zope.interface`` when the project imports it so, while ``src/app/__init__.py`` is ``app``.
  Folders look alike; the code's own absolute imports tell them apart (``from zope.interface
  import ...``; nobody writes ``import src.app``), so ``namespace_prefixes`` reads them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import cached_property
from pathlib import Path

from goport.safeio import UnsafeFileError, read_bytes

#: files read per question (the files of the folder asked about first, then its neighbours'),
#: files read in all (a tree of thousands of such folders must not be read over and over), and
#: the largest file read
MAX_EVIDENCE_FILES = 40
MAX_EVIDENCE_READS = 2000
MAX_EVIDENCE_BYTES = 1 << 20

Files = Sequence[tuple[tuple[str, ...], str]]  # (path parts below the root, absolute path)


class _Evidence:
    """Reads files of the tree for import lines, within one budget of reads for the question
    asked (``reads``); a file that cannot be read safely is no evidence."""

    def __init__(self, root: Path, files: Files) -> None:
        self.root = root
        self.files = files
        self.reads = MAX_EVIDENCE_READS

    @cached_property
    def below(self) -> dict[tuple[str, ...], list[str]]:
        """Folder -> the files below it (built on first use: only namespaces need it)."""
        out: dict[tuple[str, ...], list[str]] = {}
        for parts, path in self.files:
            for depth in range(len(parts)):
                out.setdefault(parts[:depth], []).append(path)
        return out

    def search(self, pattern: re.Pattern[bytes], paths: Iterable[str]) -> Iterator[re.Match[bytes]]:
        """Matches of ``pattern`` in up to MAX_EVIDENCE_FILES of ``paths``, file by file."""
        for count, path in enumerate(paths):
            if count >= MAX_EVIDENCE_FILES or self.reads <= 0:
                return
            self.reads -= 1
            try:
                data = read_bytes(path, limit=MAX_EVIDENCE_BYTES, within=self.root)
            except (OSError, UnsafeFileError):
                continue
            yield from pattern.finditer(data)


def root_package_name(root: Path, package_dirs: frozenset[str], files: Files) -> str:
    """The scanned root's name when it is itself a package and its code says so (a relative
    import in a file at the root, or an absolute import of the name), else ""."""
    name = root.resolve().name
    if "" not in package_dirs or not name.isidentifier():
        return ""
    evidence = _Evidence(root, files)
    absolute = rb"(?:from|import)[ \t]+" + re.escape(name.encode()) + rb"\b"
    # a relative import counts only at the root: below it, it names a subpackage's neighbour
    at_root = re.compile(rb"^[ \t]*(?:from[ \t]+\.|" + absolute + rb")", re.MULTILINE)
    below = re.compile(rb"^[ \t]*" + absolute, re.MULTILINE)
    for pattern, paths in (
        (at_root, [path for parts, path in files if len(parts) == 1]),
        (below, [path for parts, path in files if len(parts) > 1]),
    ):
        if next(evidence.search(pattern, paths), None) is not None:
            return name
    return ""


def outermost_package(folders: tuple[str, ...], package_dirs: frozenset[str]) -> int | None:
    """How many of ``folders`` lead to the outermost package among them (``src/app/sub``: 2 when
    ``app`` is the outermost package), or None outside any package."""
    return next(
        (j for j in range(1, len(folders) + 1) if "/".join(folders[:j]) in package_dirs), None
    )


def module_name(
    rel_parts: tuple[str, ...],
    package_dirs: frozenset[str],
    root_package: str = "",
    prefixes: Mapping[str, str] | None = None,
) -> str:
    """Dotted module name: the path from the outermost package above the file, with the
    namespace ``prefixes`` found for that package (``namespace_prefixes``) in front; the scanned
    folder's own name first when it is a package (``root_package``)."""
    stem = rel_parts[-1][:-3]
    folders = rel_parts[:-1]
    if root_package:
        keep = [root_package, *folders]
    else:
        top = outermost_package(folders, package_dirs)
        keep = [] if top is None else list(folders[top - 1 :])
        prefix = prefixes.get("/".join(folders[:top])) if prefixes and top else None
        if prefix:
            keep[:0] = prefix.split(".")
    names = keep if stem == "__init__" else [*keep, stem]
    return ".".join(names) or stem


def namespace_prefixes(root: Path, files: Files, package_dirs: frozenset[str]) -> dict[str, str]:
    """Outermost package folder -> the namespace the project imports it under, for packages
    below folders without ``__init__.py`` (``zope/interface`` -> ``zope``).

    The evidence is an absolute import of one of the packages in a folder under a dotted run of
    the folders above them (``from zope.interface.declarations import ...``), found in the files
    below that folder, else below the topmost of those folders; the longest run found names
    every package there. ``src/app`` stays ``app``: no file imports ``src.app``."""
    parents: dict[tuple[str, ...], set[str]] = {}  # the folders above -> the packages in them
    for parts, _ in files:
        top = outermost_package(parts[:-1], package_dirs)
        if top is not None and top > 1 and all(p.isidentifier() for p in parts[: top - 1]):
            parents.setdefault(parts[: top - 1], set()).add(parts[top - 1])
    if not parents:
        return {}
    evidence = _Evidence(root, files)
    out: dict[str, str] = {}
    for above, packages in sorted(parents.items()):
        found = _imported_namespace(evidence, above, packages)
        if found is not None:
            out.update(("/".join((*above, package)), found) for package in packages)
    return out


def _imported_namespace(
    evidence: _Evidence, above: tuple[str, ...], packages: set[str]
) -> str | None:
    """The longest dotted run of ``above``'s last folders that some file imports one of
    ``packages`` under: the files in ``above`` first, then the rest below its topmost folder."""
    runs = [".".join(above[k:]) for k in range(len(above))]  # longest first
    alternatives = b"|".join(re.escape(r.encode()) for r in runs)
    names = b"|".join(re.escape(p.encode()) for p in sorted(packages))
    pattern = re.compile(
        rb"^[ \t]*(?:from|import)[ \t]+(" + alternatives + rb")\.(?:" + names + rb")\b",
        re.MULTILINE,
    )
    inside = evidence.below.get(above, [])
    best = _longest(evidence.search(pattern, inside))
    if best is None and len(above) > 1 and evidence.reads > 0:
        seen = set(inside)
        near = (path for path in evidence.below.get(above[:1], []) if path not in seen)
        best = _longest(evidence.search(pattern, near))
    return best


def _longest(matches: Iterable[re.Match[bytes]]) -> str | None:
    best: str | None = None
    for match in matches:
        run = match.group(1).decode()
        if best is None or len(run) > len(best):
            best = run
    return best
