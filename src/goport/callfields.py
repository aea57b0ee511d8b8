"""Types of the attributes of ``self``, for the call sites on them (``goport.callsites``).

``self.block.parse(state)`` and ``self.inline(text)`` run methods of whatever the attributes
hold; the class's own assignments say what that is often enough: ``self.block: BlockParser``,
``self.block = BlockParser()``, ``self.block = block`` of a parameter typed ``BlockParser``,
``block or BlockParser()``, a class-level ``block: BlockParser``; a subclass defined in the same
module sees what its base class assigned. Methods may use an attribute
before the one that assigns it is read, so a site on an attribute is kept with a marker until the
module is read, then resolved through the attribute's type (or left as before: by name).
"""

from __future__ import annotations

import libcst as cst

from goport.builtin_methods import BUILTIN_METHODS
from goport.callbacks import CallbackTracker
from goport.callscopes import FIELD, Scope, SiteKey, parts_of
from goport.detectors.base import Context
from goport.model import CallKind, CallSite

__all__ = ["FieldTracker"]

#: classes searched for an attribute's type, the class and its bases nearest first: real
#: hierarchies are shallow, and a generated chain of thousands of classes must not cost a search
#: of all of them per call site
MAX_BASES_SEARCHED = 16


class FieldTracker(CallbackTracker):
    """Keeps the types the class's assignments give the attributes of ``self``."""

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        #: "pkg.mod.Class.attr" -> the class its instances hold there (``self.block: Parser``,
        #: ``self.block = Parser()``, ``self.block = block`` of a parameter typed Parser); None
        #: when two assignments disagree
        self.fields: dict[str, str | None] = {}
        #: class -> the classes it derives from, as this module names them (absolute)
        self.bases: dict[str, list[str]] = {}

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        super().visit_ClassDef(node)
        bases = self.bases.setdefault(self.classes[-1], [])
        for arg in node.bases:
            parts = parts_of(arg.value)
            found = None if parts is None else self._dotted_type(parts[0], ".".join(parts[1:]))
            if found is not None:
                bases.append(found[0])

    def _field_type(self, key: str) -> str | None:
        """The type of ``Class.attr``: assigned in the class, else in a base class of this
        module (a subclass using what its base's constructor set), nearest first."""
        seen: set[str] = set()
        pending = [key.rpartition(".")]
        while pending and len(seen) < MAX_BASES_SEARCHED:
            cls, _, attr = pending.pop(0)
            if cls in seen:
                continue  # a cycle of bases
            seen.add(cls)
            found = self.fields.get(f"{cls}.{attr}")
            if found is not None or f"{cls}.{attr}" in self.fields:
                return found
            pending.extend((base, ".", attr) for base in self.bases.get(cls, ()))
        return None

    def sites_of(self, scope: Scope) -> tuple[CallSite, ...]:
        """The scope's call sites (``ScopeTracker.sites_of``), those on an attribute of ``self``
        resolved through the attribute's type where an assignment in the class gave one: a
        method of that type, a protocol method for syntax on it (``self.rows[i]``), ``__call__``
        for a call of the attribute itself. Without a type, ``self.attr.m()`` stays a call of
        ``m`` by name, ``self.attr()`` a method call, and syntax runs nothing of the project.
        A module-level instance (``_parser = Parser()``) used in a function is typed the same
        way: ``_parser.parse(s)`` runs ``Parser.parse``."""
        singletons = self.module.instances if scope is not self.module else {}
        if not any(key[4].startswith(FIELD) or key[4] in singletons for key in scope.sites):
            return super().sites_of(scope)
        sites: dict[SiteKey, int] = {}
        for (target, depth, branch, kind, local), count in scope.sites.items():
            if local in singletons and kind is CallKind.CALL:
                # _parser.parse(s) on a module-level _parser = Parser(): Parser.parse
                method = target[len(self.prefix) + len(local) + 1 :]
                if not method:  # _parser(s): the instance is called
                    target, kind, local = f"{singletons[local]}.__call__", CallKind.DUNDER, ""
                elif "." not in method:
                    target, kind, local = f"{singletons[local]}.{method}", CallKind.METHOD, ""
            elif local.startswith(FIELD):
                found = self._field_type(local.removeprefix(FIELD))
                if kind is CallKind.METHOD:  # self.attr(...): a method, or the attribute called
                    if found is not None:
                        target, kind = f"{found}.__call__", CallKind.DUNDER
                elif found is not None:  # .m() or a protocol method (self.rows[i], len(...))
                    target = f"{found}.{target}"
                    kind = CallKind.METHOD if kind is CallKind.ATTR else kind
                elif kind is CallKind.DUNDER or target in BUILTIN_METHODS:
                    continue
                local = ""
            key = (target, depth, branch, kind, local)
            sites[key] = sites.get(key, 0) + count
        resolved = Scope(scope.name, sites=sites)
        return super().sites_of(resolved)

    def _type_of_value(self, scope: Scope, value: cst.BaseExpression) -> str | None:
        """The class an assigned value is an instance of, if known: ``Foo()``, a name of a
        known type, either side of ``name or Foo()``."""
        if isinstance(value, cst.Call):
            return self._instance_of(value)
        if isinstance(value, cst.Name):
            return scope.instances.get(value.value)
        if isinstance(value, cst.BooleanOperation):
            return self._type_of_value(scope, value.left) or self._type_of_value(scope, value.right)
        return None

    def _field(self, scope: Scope, target: cst.Attribute, cls: str | None) -> None:
        """``self.attr = value`` in a method: the attribute's type, when the value has one."""
        field = self._self_field(target)
        if cls is not None and field is not None:
            self._set_field(field.removeprefix(FIELD), cls)

    def _set_field(self, key: str, cls: str) -> None:
        if self.fields.setdefault(key, cls) != cls:
            self.fields[key] = None  # two types: the attribute's type is not known

    def _instance_of(self, call: cst.Call) -> str | None:
        """The class ``Foo(...)`` / ``mod.Foo(...)`` / ``cls(...)`` instantiates, if it is one."""
        parts = parts_of(call.func)
        if parts is None:
            return None
        if len(parts) == 1:
            cls = self.scopes[-1].classes.get(parts[0])
            if cls is not None:
                return cls
        found = self._dotted_type(parts[0], ".".join(parts[1:]))
        return None if found is None else found[0]
