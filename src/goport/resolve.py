"""Call sites -> project functions: absolute dotted names resolved through imports, aliases,
package re-exports and class bases (``self.m``, ``Class.m``, ``Class()``, dunders on instances),
with the overrides subclasses define, the functions taken as values (the pool a call through a
value reaches) and the class a function's return annotation names, for the static time estimate
(``hotpath``). goport resolves names itself: libcst's qualified-name metadata costs about ten
parses."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from goport import pytypes
from goport.model import CallKind, CallSite, FunctionFacts, ModuleFacts

#: how deep re-exports (``from .x import y`` in a package ``__init__``) are followed
MAX_ALIAS_HOPS = 8
#: names one lookup may try, through every binding and star import on the way: a mesh of
#: packages that star-import each other must not make one lookup walk all of their names
MAX_LOOKUPS = 4096
#: how many classes up a hierarchy a method is looked for: only generated code goes deeper, and
#: each level is a Python stack frame
MAX_BASE_DEPTH = 200
#: lookups under way at once, name and method lookups together: a base named through another
#: class's attribute (``class K1(K2.x)``) starts a method lookup inside a name lookup, and a
#: generated chain of them must end in "not found", not in a RecursionError
MAX_NESTED = 300
#: at most this many subclass overrides of one method are collected, from at most
#: ``MAX_SUBCLASSES_SEEN`` subclasses: a generated hierarchy of thousands of classes must make
#: neither each call site a thousand edges nor each lookup a walk of the whole hierarchy
MAX_OVERRIDES = 64
MAX_SUBCLASSES_SEEN = 512

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
        #: class -> its body's ``alias = name`` bindings (alias -> name)
        self.method_aliases: dict[str, dict[str, str]] = {}
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
            for cls, alias, name in m.method_aliases:
                self.method_aliases.setdefault(cls, {})[alias] = name
        self.by_name: dict[str, list[int]] = {}  # method name -> the project's methods
        for cls in self.classes:
            for method in sorted(self.classes[cls].methods):  # a frozenset: hash order
                node = index.get(f"{cls}.{method}")
                if node is not None:
                    self.by_name.setdefault(method, []).append(node)
            for alias, method in self.method_aliases.get(cls, {}).items():
                node = index.get(f"{cls}.{method}")
                if node is not None and alias not in self.classes[cls].methods:
                    self.by_name.setdefault(alias, []).append(node)
        self.memo: dict[str, tuple[str, str] | None] = {}
        self.method_memo: dict[tuple[str, str], int | None] = {}
        self.bases_memo: dict[str, tuple[str, ...]] = {}
        self._subclasses: dict[str, list[str]] | None = None  # class -> direct subclasses
        self.overrides_memo: dict[tuple[str, str], tuple[int, ...]] = {}
        self._depth = 0  # nested symbol() calls under way
        self._budget = MAX_LOOKUPS  # names the outermost lookup may still try
        # a nested lookup was cut short by the budget or the alias hops left to it: its "not
        # found" is no answer to remember (a lookup starting there has more); the outermost
        # lookup's answer is final, so asking again costs nothing
        self._cut = False
        self._deep = False  # a method lookup reached MAX_BASE_DEPTH classes up
        self._pending: set[str] = set()  # names being looked up: meeting one is a cycle
        self._nested = 0  # symbol() and method() calls under way

    def symbol(self, name: str, hops: int = 0) -> tuple[str, str] | None:
        """("function", name) or ("class", name) of the project that ``name`` refers to."""
        if name in self.memo:
            return self.memo[name]
        outermost = self._depth == 0
        if outermost:
            self._budget = MAX_LOOKUPS
        # a cycle of aliases (no answer yet), or out of budget or stack: cut short
        if name in self._pending or self._budget <= 0 or self._nested >= MAX_NESTED:
            self._cut = True
            return None
        self._budget -= 1
        outer_cut, self._cut = self._cut, False
        self._depth += 1
        self._nested += 1
        self._pending.add(name)
        try:
            found = self._symbol(name, hops)
        finally:
            self._depth -= 1
            self._nested -= 1
            self._pending.discard(name)
        cut = self._cut
        self._cut = outer_cut or cut
        if found is not None or not cut or outermost:
            self.memo[name] = found
        return found

    def _symbol(self, name: str, hops: int) -> tuple[str, str] | None:
        if name in self.index:
            return ("function", name)
        if name in self.classes:
            return ("class", name)
        if hops >= MAX_ALIAS_HOPS:
            self._cut = True
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
                if star not in self.modules:  # outside the project: nothing to find there
                    continue
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

    def method(self, cls: str, name: str, depth: int = 0) -> int | None:
        """The function ``cls.name`` runs: the class's own, else the first base's that has it
        (looked up no deeper than ``MAX_BASE_DEPTH`` classes)."""
        memo_key = (cls, name)
        if memo_key in self.method_memo:
            return self.method_memo[memo_key]
        if depth >= MAX_BASE_DEPTH:
            self._deep = True
            return None
        if self._nested >= MAX_NESTED:
            self._cut = True
            return None
        self.method_memo[memo_key] = None  # a cycle of bases finds nothing
        outer_cut, self._cut = self._cut, False
        outer_deep, self._deep = self._deep, False
        self._nested += 1
        try:
            found = self._own_or_inherited(cls, name, depth)
        finally:
            self._nested -= 1
        cut, deep = self._cut, self._deep
        self._cut = outer_cut or cut
        # the depth cap counts from where the lookup started: final there, not for a class
        # met on the way up (a lookup starting from it reaches further)
        self._deep = outer_deep or (deep and depth > 0)
        if found is None and (cut or (deep and depth > 0)):
            del self.method_memo[memo_key]
        else:
            self.method_memo[memo_key] = found
        return found

    def _own_or_inherited(self, cls: str, name: str, depth: int) -> int | None:
        info = self.classes.get(cls)
        if info is None:
            return None
        found = self.index.get(f"{cls}.{name}") if name in info.methods else None
        if found is None and name not in info.methods:
            other = self.method_aliases.get(cls, {}).get(name)
            if other is not None:  # _parse = _parse_plain in the class body
                found = self.method(cls, other, depth)
        if found is None:
            for base in self.bases(cls):
                found = self.method(base, name, depth + 1)
                if found is not None:
                    break
        return found

    def bases(self, cls: str) -> tuple[str, ...]:
        """The project classes ``cls`` derives from, in order."""
        if cls in self.bases_memo:
            return self.bases_memo[cls]
        info = self.classes[cls]
        out = []
        outer_cut, self._cut = self._cut, False
        for text in info.bases:
            name = text.split("[", 1)[0].split("(", 1)[0].strip()
            if not name or not all(part.isidentifier() for part in name.split(".")):
                continue
            found = self.symbol(f"{info.module}.{name}")  # through the module's own bindings
            if found is not None and found[0] == "class" and found[1] != cls:
                out.append(found[1])
        cut = self._cut
        self._cut = outer_cut or cut
        if not cut:  # a base a cut-short lookup missed may be found later
            self.bases_memo[cls] = tuple(out)
        return tuple(out)

    def overrides(self, cls: str, name: str) -> tuple[int, ...]:
        """The methods ``name`` that the project's subclasses of ``cls`` (at any depth) define:
        a call ``self.name()`` in ``cls`` may run any of them (class hierarchy analysis)."""
        memo_key = (cls, name)
        found = self.overrides_memo.get(memo_key)
        if found is not None:
            return found
        if self._subclasses is None:
            self._subclasses = {}
            for sub in self.classes:
                for base in self.bases(sub):
                    self._subclasses.setdefault(base, []).append(sub)
        out: list[int] = []
        seen = {cls}
        todo = list(self._subclasses.get(cls, ()))
        while todo and len(out) < MAX_OVERRIDES and len(seen) <= MAX_SUBCLASSES_SEEN:
            sub = todo.pop()
            if sub in seen:
                continue
            seen.add(sub)
            if name in self.classes[sub].methods:
                node = self.index.get(f"{sub}.{name}")
            elif name in self.method_aliases.get(sub, ()):  # step = _quick in the subclass
                node = self.method(sub, name)
            else:
                node = None
            if node is not None and node not in out:
                out.append(node)
            todo.extend(self._subclasses.get(sub, ()))
        self.overrides_memo[memo_key] = result = tuple(sorted(out))
        return result

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


# -- calls through values and on returned objects ---------------------------------------------


def arity(fn: FunctionFacts) -> tuple[int, int]:
    """(fewest, most) positional arguments a call of ``fn`` passes; most is -1 with ``*args``."""
    fewest = most = 0
    for p in fn.params:
        if p.kind == "positional":
            most += 1
            if p.default is None:
                fewest += 1
        elif p.kind == "var-positional":
            return fewest, -1
    return fewest, most


def accepts(arity: tuple[int, int], bound: bool, passed: int) -> bool:
    """Whether a function taking ``arity`` accepts ``passed`` positional arguments (a bound
    method gets its first one, self, from the binding)."""
    fewest, most = arity
    if bound:
        fewest, most = max(0, fewest - 1), most - 1 if most > 0 else most
    return fewest <= passed and (most < 0 or passed <= most)


def taken_values(site_lists: Iterable[Sequence[CallSite]], resolver: Resolver) -> dict[int, bool]:
    """The project's functions taken as values, each with whether it was taken bound (a
    method through an instance: its caller passes no self)."""
    taken: dict[int, bool] = {}
    prefixes: set[str] = set()
    for sites in site_lists:
        for site in sites:
            kind = site.kind
            if kind is CallKind.REF:
                found = resolver.callee(CallSite(site.target, 0))
            elif kind is CallKind.REF_METHOD:
                found = resolver.callee(CallSite(site.target, 0, CallKind.METHOD))
            elif kind is CallKind.REF_PREFIX:
                prefixes.add(site.target)
                continue
            else:
                continue
            if found is not None and found not in taken:
                # a method taken through its class (Class.m) is called with self: unbound
                taken[found] = kind is CallKind.REF_METHOD
    for name, methods in resolver.by_name.items() if prefixes else ():
        if any(name.startswith(prefix) for prefix in prefixes):
            for method in methods:
                taken.setdefault(method, True)
    return taken


def returned_class(module: str, returns: str, resolver: Resolver) -> str | None:
    """The project class a function's return annotation names (``Parser``, ``"Parser"``,
    ``Optional[Parser]``, ``Parser | None``), looked up in the function's module."""
    returned = pytypes.parse(returns)
    if returned.shape is pytypes.Shape.OPTIONAL:
        returned = returned.args[0]
    if returned.shape is not pytypes.Shape.NAMED:
        return None
    found = resolver.symbol(f"{module}.{returned.name}")
    return found[1] if found is not None and found[0] == "class" else None
