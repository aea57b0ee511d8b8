"""Which file of the scanned tree a profiled frame ran in: by module identity, not by file name.

A frame's path says where the code was when it was recorded: below ``site-packages`` in a
virtualenv or an image, below ``/app`` in a container, in a ``src/`` checkout, or in this very
folder. The part of it that names the module decides, tried in this order:

1. **relative to the scanned root**, when the frame lies in it (recorded in place) or below a
   prefix the user gave (``--profile-root /app``) and that is a file of the tree (a virtualenv
   inside the root goes on to the next rule);
2. **its import path**, below the last ``site-packages``/``dist-packages`` (or a standard library
   folder): ``.../site-packages/sqlparse/engine/grouping.py`` is ``sqlparse/engine/grouping.py``,
   which must be the import path of a tree module (from its module name), or of a module of a
   namespace package whose file ends with it. Nothing else is tried for such a frame: an
   installed copy of another package never matches a vendored one by its tail;
3. **the longest shared suffix of at least two path components** with a tree file
   (``/app/sqlparse/engine/grouping.py`` and ``src/sqlparse/engine/grouping.py``); when several
   tree files share it, the function name decides or nothing matches;
4. **a lone file name** only for a module at the top of the tree, and only when no other folder
   of the profile holds a file of that name: a driver script ``workloads/lark.py`` never passes
   for the package's ``lark/lark.py``.

A frame that matches nothing is "library": code outside the tree. No path pattern decides that.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from goport.model import ModuleFacts

#: where an installed module's import path starts
_INSTALLED = re.compile(r".*/(?:site-packages|dist-packages)/")
_STDLIB = re.compile(r".*/lib/python\d+(?:\.\d+)?t?/")


@dataclass(frozen=True, slots=True)
class Match:
    rel_path: str
    prefix: str  # the part of the frame's path left out to find it ("" for none)


class FileMatcher:
    """Maps frame paths to the tree's files; memoised per path."""

    def __init__(
        self,
        modules: Sequence[ModuleFacts],
        root: str = "",
        roots: Sequence[str] = (),
        profile_files: Iterable[str] = (),
    ) -> None:
        self.rel_paths = {m.rel_path for m in modules}
        self.by_import: dict[str, str] = {}
        self.namespace: dict[str, list[tuple[str, str]]] = defaultdict(list)
        self.suffixes: dict[str, list[str]] = defaultdict(list)
        for m in modules:
            self.by_import.setdefault(import_path(m), m.rel_path)
            self.namespace[m.rel_path.rsplit("/", 1)[-1]].append((m.module, m.rel_path))
            parts = m.rel_path.split("/")
            for i in range(len(parts) - 1):  # suffixes of two components or more
                self.suffixes["/".join(parts[i:])].append(m.rel_path)
        self.depth = max((m.rel_path.count("/") + 1 for m in modules), default=0)
        self.roots = tuple(_norm(r).rstrip("/") + "/" for r in (root, *roots) if r)
        folders: dict[str, set[str]] = defaultdict(set)
        for path in profile_files:
            head, _, name = _norm(path).rpartition("/")
            folders[name].add(head)
        self.lone_names = {name for name, heads in folders.items() if len(heads) == 1}
        self._memo: dict[tuple[str, str], Match | None] = {}

    def match(
        self, path: str, function: str = "", names: dict[str, set[str]] | None = None
    ) -> Match | None:
        """The tree file of a frame path (``names``: rel_path -> its function names, used only
        to choose among several files sharing the longest suffix)."""
        key = (path, function)
        if key not in self._memo:
            self._memo[key] = self._match(_norm(path), function, names or {})
        return self._memo[key]

    def _match(self, path: str, function: str, names: dict[str, set[str]]) -> Match | None:
        if not path.endswith(".py"):
            return None
        for root in self.roots:
            if path.startswith(root) and path[len(root) :] in self.rel_paths:
                return Match(path[len(root) :], root)
        installed = _INSTALLED.match(path) or _STDLIB.match(path)
        if installed is not None:
            return self._installed(path[installed.end() :], installed.group())
        parts = [p for p in path.split("/") if p not in ("", ".")]
        for i in range(max(0, len(parts) - self.depth), len(parts) - 1):
            found = self.suffixes.get("/".join(parts[i:]))
            if found:
                chosen = _choose(found, function, names)
                if chosen is None:
                    return None
                tail = "/".join(parts[i:])
                return Match(chosen, path[: -len(tail)] if path.endswith(tail) else "")
        name = parts[-1] if parts else ""
        if name in self.rel_paths and name in self.lone_names:
            return Match(name, path[: len(path) - len(name)])
        return None

    def _installed(self, ip: str, prefix: str) -> Match | None:
        rel = self.by_import.get(ip)
        if rel is not None:
            return Match(rel, prefix)
        # a namespace package (no __init__.py above the module): its module name is shorter
        # than the import path, and its file ends with the whole import path
        dotted = ip[:-3].replace("/", ".")
        for module, rel in self.namespace.get(ip.rsplit("/", 1)[-1], ()):
            if dotted.endswith("." + module) and rel.endswith("/" + ip):
                return Match(rel, prefix)
        return None

    def prefixes(self, matched: Iterable[Match]) -> list[str]:
        """The prefixes that were left out, most common first."""
        counts = Counter(m.prefix for m in matched if m.prefix)
        return [p for p, _ in counts.most_common()]


def import_path(module: ModuleFacts) -> str:
    """``pkg/sub/mod.py`` for module ``pkg.sub.mod``; ``pkg/__init__.py`` for a package."""
    base = module.module.replace(".", "/")
    return f"{base}/__init__.py" if module.rel_path.endswith("__init__.py") else f"{base}.py"


def _choose(found: list[str], function: str, names: dict[str, set[str]]) -> str | None:
    if len(found) == 1:
        return found[0]
    last = function.rsplit(".", 1)[-1]
    having = [rel for rel in found if function in names.get(rel, ()) or last in names.get(rel, ())]
    return having[0] if len(having) == 1 else None


def _norm(path: str) -> str:
    return path.replace("\\", "/")
