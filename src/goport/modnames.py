"""Dotted module names for the files of a scanned tree.

A file's name runs from the outermost package (a folder with ``__init__.py``) above it; folders
without ``__init__.py`` below that package are namespace portions of it. Two cases need more
than the tree's shape:

- the scanned folder is itself a package (``goport scan pkg``): its modules are ``pkg.*``;
- namespace packages (PEP 420) above the outermost package: ``zope/interface/__init__.py`` is
  ``zope.interface`` when the project imports it so, while ``src/app/__init__.py`` is ``app``.
  Folders look alike; the code's own absolute imports tell them apart (``from zope.interface
  import ...``; nobody writes ``import src.app``), so ``namespace_prefixes`` reads them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from goport.safeio import UnsafeFileError, read_bytes

#: files read per folder of packages when looking for the namespace their imports use, files
#: read in all (a tree of thousands of such folders must not be read over and over), and the
#: largest file read
MAX_EVIDENCE_FILES = 200
MAX_EVIDENCE_READS = 2000
MAX_EVIDENCE_BYTES = 1 << 20


def root_package_name(root: Path, package_dirs: frozenset[str]) -> str:
    """The scanned folder's name when it is itself a package (``goport scan pkg``), else "": its
    modules are named from it (``pkg.a``, and ``pkg`` for its __init__.py), so that relative
    imports in them resolve."""
    name = root.resolve().name
    return name if "" in package_dirs and name.isidentifier() else ""


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


def namespace_prefixes(
    files: Iterable[tuple[tuple[str, ...], str]], package_dirs: frozenset[str]
) -> dict[str, str]:
    """Outermost package folder -> the namespace the project imports it under, for packages
    below folders without ``__init__.py`` (``zope/interface`` -> ``zope``).

    The evidence is an absolute import of one of the packages in a folder under a dotted run of
    the folders above them (``from zope.interface.declarations import ...``), found in the files
    below the topmost of those folders; the longest run found names every package there.
    ``src/app`` stays ``app``: no file imports ``src.app``."""
    files = list(files)
    parents: dict[tuple[str, ...], set[str]] = {}  # the folders above -> the packages in them
    for parts, _ in files:
        top = outermost_package(parts[:-1], package_dirs)
        if top is not None and top > 1 and all(p.isidentifier() for p in parts[: top - 1]):
            parents.setdefault(parts[: top - 1], set()).add(parts[top - 1])
    out: dict[str, str] = {}
    reads = [MAX_EVIDENCE_READS]
    for above, packages in sorted(parents.items()):
        found = _imported_namespace(files, above, packages, reads)
        if found is not None:
            out.update(("/".join((*above, package)), found) for package in packages)
    return out


def _imported_namespace(
    files: list[tuple[tuple[str, ...], str]],
    above: tuple[str, ...],
    packages: set[str],
    reads: list[int],
) -> str | None:
    """The longest dotted run of ``above``'s last folders that some file imports one of
    ``packages`` under: the files in ``above`` first, then the rest below its topmost folder
    (``reads``: how many files may still be read, shared by all the folders)."""
    runs = [".".join(above[k:]) for k in range(len(above))]  # longest first
    alternatives = b"|".join(re.escape(r.encode()) for r in runs)
    names = b"|".join(re.escape(p.encode()) for p in sorted(packages))
    pattern = re.compile(
        rb"^[ \t]*(?:from|import)[ \t]+(" + alternatives + rb")\.(?:" + names + rb")\b",
        re.MULTILINE,
    )
    inside = [path for parts, path in files if parts[: len(above)] == above]
    near = [path for parts, path in files if parts[0] == above[0] and parts[: len(above)] != above]
    best: str | None = None
    for abs_path in (inside + near)[:MAX_EVIDENCE_FILES]:
        if reads[0] <= 0:
            break
        reads[0] -= 1
        try:
            data = read_bytes(abs_path, limit=MAX_EVIDENCE_BYTES)
        except (OSError, UnsafeFileError):
            continue
        for match in pattern.finditer(data):
            run = match.group(1).decode()
            if best is None or len(run) > len(best):
                best = run
        if best == runs[0]:
            break
    return best
