"""Module constants that are data: the names a module binds to literal tables and values.

``UNICODE_RANGES = {"Basic Latin": range(0, 128), ...}`` or ``VERSION = "1.2"`` bind data: a
module that imports only such names from another uses its tables, not its code, and a table
module imported everywhere is not "code called from many places" (``goport.graph`` counts those
importers apart, with those that use only its exception classes or plain enumerations:
``goport.extract``). A value is data when it is built of literals only: strings, numbers,
``None``, ``True``, ``False``, the module's earlier data constants, operators over them, displays (tuple,
list, set, dict) of them and calls of the builtins that build values from them
(``range(0, 128)``, ``frozenset({...})``, ``len(TABLE)``, ``int(1e6)``). A display that holds
another name is not: ``{"add": do_add}`` is a dispatch table of functions, which is code. Nor
is a value any other call built (``re.compile(...)``, ``{"json": JsonCodec()}``): its importers
use what the call built, and its methods.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Mapping, Sequence

import libcst as cst

from goport.model import ClassFacts

__all__ = ["TopLevel", "data_targets", "inert_classes", "is_data"]

_LITERALS = (
    cst.SimpleString,
    cst.ConcatenatedString,
    cst.FormattedString,
    cst.Integer,
    cst.Float,
    cst.Imaginary,
)
_DISPLAYS = (cst.Tuple, cst.List, cst.Set, cst.Dict)
_CONSTANT_NAMES = frozenset({"None", "True", "False"})
#: builtins that build a value from their arguments, and run no project code
_BUILDERS = frozenset(
    {"frozenset", "set", "tuple", "list", "dict", "int", "float", "str", "bytes", "len", "sorted"}
    | {"range", "min", "max", "sum", "abs", "chr", "ord"}
)


def _children(node: cst.BaseExpression, data: Container[str]) -> list[cst.BaseExpression] | None:
    """The parts of ``node`` that must be data too; None when ``node`` is not data."""
    if isinstance(node, _LITERALS):
        return []
    if isinstance(node, cst.Name):
        return [] if node.value in _CONSTANT_NAMES or node.value in data else None
    if isinstance(node, cst.UnaryOperation):
        return [node.expression]
    if isinstance(node, cst.BinaryOperation):
        return [node.left, node.right]
    if isinstance(node, cst.Dict):
        parts: list[cst.BaseExpression] = []
        for el in node.elements:
            if not isinstance(el, cst.DictElement):  # **other: what it spreads is unknown
                return None
            parts += (el.key, el.value)
        return parts
    if isinstance(node, _DISPLAYS):
        return [el.value for el in node.elements]
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Name):
        return [arg.value for arg in node.args] if node.func.value in _BUILDERS else None
    return None


def is_data(value: cst.BaseExpression, data: Container[str] = ()) -> bool:
    """Whether ``value`` is built of literals and the ``data`` names only (see the module's
    docstring). Iterative: a generated table may nest deeper than the recursion limit."""
    todo = [value]
    while todo:
        parts = _children(todo.pop(), data)
        if parts is None:
            return False
        todo += parts
    return True


def data_targets(
    node: cst.Assign | cst.AnnAssign, data: Container[str]
) -> tuple[tuple[str, ...], bool]:
    """(the simple names an assignment binds, whether the value it binds them to is data, given
    the module's ``data`` constants so far)."""
    names: tuple[str, ...]
    if isinstance(node, cst.AnnAssign):
        names = (node.target.value,) if isinstance(node.target, cst.Name) else ()
        return names, node.value is not None and is_data(node.value, data)
    names = tuple(t.target.value for t in node.targets if isinstance(t.target, cst.Name))
    return names, is_data(node.value, data)


#: methods that fill a container in place: a table filled so (``OPS.append(add)``) is no
#: literal, whatever it started as
MUTATORS = frozenset(
    {"append", "extend", "insert", "update", "add", "setdefault", "__setitem__", "register"}
)


def _base_name(target: cst.BaseExpression) -> str | None:
    """``X`` of ``X[k]``, ``X.attr``, ``X.get(k)[0]``: the name a store through it changes."""
    while isinstance(target, (cst.Subscript, cst.Attribute, cst.Call)):
        target = target.func if isinstance(target, cst.Call) else target.value
    return target.value if isinstance(target, cst.Name) else None


#: builtins whose result is a new mutable container
_MUTABLE_BUILDERS = frozenset({"list", "dict", "set", "sorted", "bytearray"})


def _mutable(value: cst.BaseExpression) -> bool:
    """A list, dict or set display, a builtin call that builds one, or an operator over a list
    (``[0] * 256``, ``BASE + [x]``): it can be filled."""
    if isinstance(value, (cst.List, cst.Dict, cst.Set)):
        return True
    if isinstance(value, cst.BinaryOperation):
        return _mutable(value.left) or _mutable(value.right)
    return (
        isinstance(value, cst.Call)
        and isinstance(value.func, cst.Name)
        and value.func.value in _MUTABLE_BUILDERS
    )


def _unpacked(target: cst.BaseExpression) -> list[str]:
    """The names ``(A, (B, *C)) = ...`` binds, or changes through a store (``X[0], Y = ...``)."""
    if isinstance(target, (cst.Tuple, cst.List)):
        return [name for el in target.elements for name in _unpacked(el.value)]
    name = _base_name(target)
    return [name] if name is not None else []


class TopLevel:
    """A module's top level as the walk sees it: the lines of its simple statements that run
    once, on import, and the names it binds to literal data.

    A statement counts when no function, class body, loop or ``if __name__ == "__main__":``
    block holds it (those run per call, configure the class's work, repeat, or are the program
    itself); its comment and blank lines are left out, as the module's source lines leave them
    out. A name is data when every binding of it at the top level is (``data_targets``), none
    shares its object with another name (``A = B = []``, ``ALL = TABLE``) and nothing fills or
    rebinds it: no store through it (``X[k] = v``, ``X += [v]``, ``X.get(k).append(v)``), no
    ``X.append(v)``-like call, no ``global X`` anywhere in the module, no unpacking into it. A
    rebinding by a module-level ``for``, ``with``, ``except`` or ``:=`` target is not tracked.
    """

    __slots__ = ("_data", "_mark", "_mutable", "_other", "_upto", "guard", "lines")

    def __init__(self) -> None:
        self.lines = 0
        self._upto = 0  # the last line counted (a; b on one line counts once)
        self._mark = 0  # the comment and blank lines seen when the statement began
        self.guard: cst.If | None = None  # the main-guard ``if`` whose body the walk is in
        self._data: set[str] = set()
        self._other: set[str] = set()
        self._mutable: set[str] = set()  # data constants bound to a list, dict or set

    def __contains__(self, name: object) -> bool:
        """Whether ``name`` is a data constant so far."""
        return name in self._data and name not in self._other

    def begin(self, skipped: int) -> None:
        """A top-level statement begins; ``skipped``: comment and blank lines seen so far."""
        self._mark = skipped

    def end(self, line: int, end_line: int, skipped: int) -> None:
        """It ends on ``end_line``; ``skipped`` lines of comments and blanks seen by now."""
        start = max(line, self._upto + 1)
        if end_line >= start:
            self.lines += max(0, end_line - start + 1 - (skipped - self._mark))
            self._upto = end_line

    def bind(self, node: cst.Assign | cst.AnnAssign) -> None:
        names, data = data_targets(node, self)
        # ``A = B = []``, ``ALL = TABLE`` (a list): two names for one container, filled through
        # either; ``__version__ = VERSION`` or ``A = B = None`` share nothing that can change
        value = node.value
        alias = value.value if isinstance(value, cst.Name) else None
        chained = isinstance(node, cst.Assign) and len(node.targets) > 1
        mutable = value is not None and _mutable(value)
        shared = (alias is not None and alias in self._mutable) or (chained and mutable)
        (self._data if data and not shared else self._other).update(names)
        if shared:
            self.changed(alias)
        elif data and mutable:
            self._mutable.update(names)
        if isinstance(node, cst.Assign):
            for t in node.targets:
                if isinstance(t.target, (cst.Tuple, cst.List)):  # A, (B, *C) = ...
                    self._other.update(_unpacked(t.target))

    def changed(self, name: str | None) -> None:
        """``name`` is filled, rebound or declared global somewhere: no literal constant."""
        if name is not None:
            self._other.add(name)

    def stores(self, node: cst.Assign | cst.AnnAssign | cst.AugAssign) -> None:
        """A store anywhere in the module: through a name (``X[k] = v``) or augmenting it."""
        targets = (
            [t.target for t in node.targets] if isinstance(node, cst.Assign) else [node.target]
        )
        for target in targets:
            if isinstance(node, cst.AugAssign) or not isinstance(target, cst.Name):
                self.changed(_base_name(target))

    def call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value in MUTATORS:
            self.changed(_base_name(func.value))

    def data_names(self, defined: Iterable[str]) -> tuple[str, ...]:
        """The data constants, less any name ``defined`` otherwise (def, class, import)."""
        return tuple(sorted(self._data - self._other - set(defined)))


#: base class names (their last part) that make a class an exception class, by convention
_EXCEPTION_SUFFIXES = ("Error", "Exception", "Warning", "Exit", "Interrupt")
#: the standard library's enumeration bases: a subclass's members are constants
_ENUMS = frozenset({"Enum", "IntEnum", "StrEnum", "Flag", "IntFlag", "ReprEnum"})


def inert_classes(classes: Sequence[ClassFacts], aliases: Mapping[str, str]) -> list[str]:
    """The module's top-level classes whose use runs none of its code on a hot path: exception
    classes (a base named like one, ``ValueError``, ``errors.ParseError``, ``BaseException``:
    their code runs when something fails) and enumerations that define no method (``class
    Kind(IntEnum)``: members are constants). A base is read through ``aliases``, the module's
    top-level imports (``from enum import Enum as E``); a bare name the module defines (and imports from nowhere)
    counts as what that class is, whatever its name: ``class Color(BaseEnum)`` is code when
    ``BaseEnum`` has methods."""
    local = {c.qualname for c in classes if "." not in c.qualname}
    exceptions: list[str] = []
    enums: list[str] = []
    for c in sorted(classes, key=lambda c: c.span.line):
        if "." in c.qualname:
            continue
        kinds = [_base_kind(base, aliases, local, exceptions, enums) for base in c.bases]
        if "exception" in kinds:
            exceptions.append(c.qualname)
        elif "enum" in kinds and not c.methods:
            enums.append(c.qualname)
    return exceptions + enums


def _base_kind(
    base: str, aliases: Mapping[str, str], local: set[str], exceptions: list[str], enums: list[str]
) -> str:
    """ "exception", "enum" or "" for one base class as written."""
    head, _, rest = base.partition(".")
    if head not in aliases and not rest and head in local:  # a class of the module
        return "exception" if head in exceptions else "enum" if head in enums else ""
    full = aliases.get(head, head) + ("." + rest if rest else "")
    last = full.rsplit(".", 1)[-1]
    if last.endswith(_EXCEPTION_SUFFIXES):
        return "exception"
    return "enum" if last in _ENUMS else ""
