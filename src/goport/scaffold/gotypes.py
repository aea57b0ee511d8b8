"""Python types (``PyType``) as the Go types of a scaffold, which must compile and decode JSON.

``pytypes.to_go`` writes the plan's sketch, where ``*Record`` may name a type of another module
and a tuple is an inline struct. Here every name must exist in the package: a class of the
module that crosses as data is a struct, a stateful class crosses as a handle, a tuple is a
named struct read and written as a JSON array, and whatever is not known (a class of another
module, a callback interface, a union) is ``any``. Map keys are kept only where encoding/json
can read them.
"""

from __future__ import annotations

from goport.pytypes import ClassKind, PyType, Shape
from goport.scaffold.model import Crossing, DeclKind, GoDecl, GoField, GoType
from goport.scaffold.names import Scope, pascal

ANY = GoType("any", "nil")
_SCALARS = {
    "int": GoType("int", "0"),
    "float": GoType("float64", "0"),
    "str": GoType("string", '""'),
    "bytes": GoType("[]byte", "nil"),
    "bool": GoType("bool", "false"),
    "complex": GoType("complex128", "0"),
    "uint32": GoType("uint32", "0"),
    "uint64": GoType("uint64", "0"),
}
#: names of other libraries' classes that have a plain JSON form
_KNOWN_NAMED = {"Path": _SCALARS["str"], "PurePath": _SCALARS["str"]}
_MAP_KEYS = {"string", "int", "uint32", "uint64"}
_SEQUENCES = (Shape.LIST, Shape.SET, Shape.STREAM, Shape.QUEUE)


class Types:
    """The Go types of one package. ``use`` points it at a module's classes (Python name ->
    (kind, Go name)) before its types are asked for; tuples are shared by the whole package."""

    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        self.classes: dict[str, tuple[ClassKind, str]] = {}
        self.enum_bases: dict[str, str] = {}  # Go enum name -> "string" | "int"
        self._tuples: dict[tuple[str, ...], str] = {}
        self.tuple_decls: list[GoDecl] = []

    def use(self, classes: dict[str, tuple[ClassKind, str]]) -> None:
        self.classes = classes

    def go(self, t: PyType) -> GoType:
        shape = t.shape
        if shape is Shape.SCALAR:
            return _SCALARS.get(t.name, ANY)
        if shape is Shape.OPTIONAL:
            inner = self.go(t.args[0])
            if inner.zero == "nil":
                return inner
            return GoType("*" + inner.text, "nil")
        if shape in _SEQUENCES:
            return GoType("[]" + self.go(t.args[0]).text, "nil")
        if shape is Shape.TUPLE:
            return self._tuple(t) if t.args else GoType("[]any", "nil")
        if shape is Shape.DICT:
            first = t.args[0]  # only a scalar or an enum: anything else would declare types
            key = self.go(first).text if first.shape in (Shape.SCALAR, Shape.NAMED) else ""
            if key not in _MAP_KEYS and self.enum_bases.get(key) is None:
                key = "string"  # JSON object keys are strings
            return GoType(f"map[{key}]{self.go(t.args[1]).text}", "nil")
        if shape is Shape.NAMED:
            return self._named(t.name)
        return ANY  # NONE as a value, UNION, CALLABLE, UNKNOWN

    def _named(self, name: str) -> GoType:
        found = self.classes.get(name)
        if found is None:
            return _KNOWN_NAMED.get(name, ANY)
        kind, go = found
        if kind is ClassKind.RECORD:
            return GoType("*" + go, "nil")
        if kind is ClassKind.CLASS:
            return GoType("*" + go, "nil", Crossing.HANDLE)
        if kind is ClassKind.ENUM:
            return GoType(go, '""' if self.enum_bases.get(go) == "string" else "0")
        return ANY  # an interface (a callback) or an exception cannot be passed as a value

    def _tuple(self, t: PyType) -> GoType:
        items = tuple(self.go(a).text for a in t.args)
        name = self._tuples.get(items)
        if name is None:
            wanted = "Tuple" + "".join(_part(a) for a in t.args)
            name = self.scope.take(wanted[:60])
            self._tuples[items] = name
            fields = tuple(GoField(f"F{i}", text, "") for i, text in enumerate(items))
            doc = "a Python tuple: its items in order, read and written as a JSON array"
            self.tuple_decls.append(GoDecl(DeclKind.TUPLE, name, "", doc, fields))
        return GoType(name, name + "{}")


def _part(t: PyType) -> str:
    """A short name for a type inside a tuple's name: ``TupleIntString``."""
    if t.shape in (Shape.SCALAR, Shape.NAMED):
        return pascal(t.name or "any")
    return pascal(t.shape.value) + "".join(_part(a) for a in t.args)
