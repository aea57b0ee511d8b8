"""Call sites -> project functions: absolute dotted names resolved through imports, aliases,
package re-exports and class bases (``self.m``, ``Class.m``, ``Class()``, dunders on instances),
for the static time estimate (``hotpath``). goport resolves names itself: libcst's
qualified-name metadata costs about ten parses."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from goport.model import CallKind, CallSite, ModuleFacts

#: how deep re-exports (``from .x import y`` in a package ``__init__``) are followed
MAX_ALIAS_HOPS = 8

_FALLBACK = {
    "__ne__": "__eq__",
    "__iadd__": "__add__",
    "__isub__": "__sub__",
    "__imul__": "__mul__",
    "__itruediv__": "__truediv__",
    "__ifloordiv__": "__floordiv__",
    "__imod__": "__mod__",
    "__ipow__": "__pow__",
    "__imatmul__": "__matmul__",
    "__ilshift__": "__lshift__",
    "__irshift__": "__rshift__",
    "__iand__": "__and__",
    "__ior__": "__or__",
    "__ixor__": "__xor__",
}


def key(module: str, qualname: str) -> str:
    """The name a function goes by in chains: ``pkg.mod:Class.method``."""
    return f"{module}:{qualname}"


@dataclass(frozen=True, slots=True)
class ClassInfo:
    module: str
    qualname: str
    bases: tuple[str, ...]  # as written
    methods: frozenset[str]


class Resolver:
    """Absolute dotted names -> project functions and classes, through aliases and bases."""

    def __init__(self, modules: Sequence[ModuleFacts], index: dict[str, int]) -> None:
        self.index = index
        self.names = list(index)  # node number -> name: index was filled in node order
        self.modules = {m.module for m in modules}
        # every binding of a local name, in source order: ``try: from ._c import f`` then
        # ``except ImportError: from ._py import f`` binds ``f`` twice, and a call of it runs
        # whichever the project holds (a module outside the tree has no functions to credit)
        self.aliases: dict[str, dict[str, list[str]]] = {}
        self.stars: dict[str, list[str]] = {}
        self.classes: dict[str, ClassInfo] = {}
        for m in modules:
            table = self.aliases.setdefault(m.module, {})
            for imp in m.imports:
                if imp.alias == "*":
                    self.stars.setdefault(m.module, []).append(imp.target)
                elif "." not in imp.alias:
                    bound = table.setdefault(imp.alias, [])
                    if imp.target not in bound:
                        bound.append(imp.target)
            for name, target in m.aliases:  # _mask = _mask_python: one more binding of _mask
                bound = table.setdefault(name, [])
                if target not in bound:
                    bound.append(target)
            for c in m.classes:
                self.classes[f"{m.module}.{c.qualname}"] = ClassInfo(
                    m.module, c.qualname, c.bases, frozenset(c.methods)
                )
        self.by_name: dict[str, list[int]] = {}  # method name -> the project's methods
        for cls in self.classes:
            for method in self.classes[cls].methods:
                node = index.get(f"{cls}.{method}")
                if node is not None:
                    self.by_name.setdefault(method, []).append(node)
        self.memo: dict[str, tuple[str, str] | None] = {}
        self.method_memo: dict[tuple[str, str], int | None] = {}
        self.bases_memo: dict[str, tuple[str, ...]] = {}

    def symbol(self, name: str, hops: int = 0) -> tuple[str, str] | None:
        """("function", name) or ("class", name) of the project that ``name`` refers to."""
        if name in self.memo:
            return self.memo[name]
        self.memo[name] = None  # a cycle of aliases resolves to nothing
        found = self._symbol(name, hops)
        self.memo[name] = found
        return found

    def _symbol(self, name: str, hops: int) -> tuple[str, str] | None:
        if name in self.index:
            return ("function", name)
        if name in self.classes:
            return ("class", name)
        if hops >= MAX_ALIAS_HOPS:
            return None
        parts = name.split(".")
        for i in range(len(parts) - 1, 0, -1):
            module = ".".join(parts[:i])
            if module not in self.modules:
                continue
            rest = parts[i:]
            targets = self.aliases[module].get(rest[0])
            if targets:
                for target in targets:
                    found = self.symbol(".".join([target, *rest[1:]]), hops + 1)
                    if found is not None:
                        return found
                return None
            for star in self.stars.get(module, ()):
                found = self.symbol(".".join([star, *rest]), hops + 1)
                if found is not None:
                    return found
            if len(rest) >= 2:  # Class.method where the method is inherited
                owner = self.symbol(".".join(parts[:-1]), hops + 1)
                if owner is not None and owner[0] == "class":
                    method = self.method(owner[1], parts[-1])
                    if method is not None:
                        return ("function", self.names[method])
            return None
        return None

    def method(self, cls: str, name: str) -> int | None:
        """The function ``cls.name`` runs: the class's own, else the first base's that has it."""
        memo_key = (cls, name)
        if memo_key in self.method_memo:
            return self.method_memo[memo_key]
        self.method_memo[memo_key] = None  # a cycle of bases finds nothing
        found = None
        info = self.classes.get(cls)
        if info is not None:
            if name in info.methods:
                found = self.index.get(f"{cls}.{name}")
            if found is None:
                for base in self.bases(cls):
                    found = self.method(base, name)
                    if found is not None:
                        break
        self.method_memo[memo_key] = found
        return found

    def bases(self, cls: str) -> tuple[str, ...]:
        """The project classes ``cls`` derives from, in order."""
        if cls in self.bases_memo:
            return self.bases_memo[cls]
        info = self.classes[cls]
        out = []
        for text in info.bases:
            name = text.split("[", 1)[0].split("(", 1)[0].strip()
            if not name or not all(part.isidentifier() for part in name.split(".")):
                continue
            found = self.symbol(f"{info.module}.{name}")  # through the module's own bindings
            if found is not None and found[0] == "class" and found[1] != cls:
                out.append(found[1])
        self.bases_memo[cls] = tuple(out)
        return self.bases_memo[cls]

    def callee(self, site: CallSite) -> int | None:
        """The project function a call site of a known target runs, if any (not ATTR)."""
        kind = site.kind
        if kind is CallKind.CALL or kind is CallKind.HOOK:
            found = self.symbol(site.target)
            if found is None:
                return None
            if found[0] == "class":  # instantiation
                return self.method(found[1], "__init__")
            return self.index[found[1]]
        owner_name, _, method = site.target.rpartition(".")
        owner = self.symbol(owner_name)
        if owner is None or owner[0] != "class":
            return None
        if kind is CallKind.SUPER:
            for base in self.bases(owner[1]):
                found_method = self.method(base, method)
                if found_method is not None:
                    return found_method
            return None
        found_method = self.method(owner[1], method)
        if found_method is None and kind is CallKind.DUNDER and method in _FALLBACK:
            found_method = self.method(owner[1], _FALLBACK[method])
        return found_method
