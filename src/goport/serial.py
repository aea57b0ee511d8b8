"""Data-only encoding of what the caches store: ``ModuleFacts`` and ``AnalysisError`` per file,
``TreeRun`` per tree.

The cache folder may be shared, or inside the scanned tree, so an entry is hostile input and
loading one must not be able to run code (a pickle can). The encoding is JSON, which holds only
lists, strings, numbers, booleans and null:

- a dataclass is the list of its field values in field order; an enum is its value; a tuple is a
  list; the top level is ``[kind, value]`` with kind ``"facts"``, ``"error"`` or ``"run"``;
- decoding builds only the model classes reachable from the kinds the caller expects (``loads``:
  facts or error; ``loads_run``: run), chosen by the declared field types, never by a name found
  in the data;
- anything that does not fit the declared types exactly is a ``DecodeError``: a wrong number of
  fields, a string where an int belongs (``true`` is not an int), an unknown enum value, NaN or
  an infinite float, nesting the model does not have, bytes that are not JSON.

Speed: a warm scan of the standard library decodes about 84,000 objects; decoders built from
closures (a call per value, ``cls(*values)`` per object) took 1.6x as long as unpickling them.
So the decoder of each class is generated once as Python source, as ``dataclasses`` does for
``__init__``: type checks inlined, objects made with ``object.__new__`` and their slots filled
directly, the items of a tuple of dataclasses built in one loop; with JSON's C parser that is as
fast as unpickling was. The generated source is made from the model's types only (no field name
or data value is ever part of it) and runs with no builtins but the few it names.
"""

from __future__ import annotations

import dataclasses
import gc
import json
import operator
import types
import typing
from collections.abc import Callable
from enum import Enum
from functools import cache
from typing import Any

from goport.model import AnalysisError, ModuleFacts, TreeRun

Entry = ModuleFacts | AnalysisError

#: the top-level kinds: a fixed table, as an enum's members are
_KINDS: tuple[tuple[str, type], ...] = (
    ("facts", ModuleFacts),
    ("error", AnalysisError),
    ("run", TreeRun),
)
_ENTRY_KINDS = ("facts", "error")


class DecodeError(ValueError):
    """The data is not an encoded entry (corrupt, edited, or of another format)."""


class EncodeError(ValueError):
    """The value cannot be encoded faithfully (NaN, or a type the model does not declare)."""


# -- encoding --------------------------------------------------------------------------------------


def _as_list(obj: object) -> object:
    """``json.dumps`` hook for what JSON has no type for: the model's dataclasses (and enums
    that are not ``str`` enums, which it writes as strings)."""
    getter = _getters().get(type(obj))
    if getter is not None:
        return getter(obj)
    if isinstance(obj, Enum):
        return obj.value
    raise EncodeError(f"cannot encode a {type(obj).__name__}")


def dumps(value: Entry | TreeRun) -> bytes:
    """The JSON of ``value``: ASCII (lone surrogates of undecodable file names escaped), compact.

    Raises ``EncodeError`` for a value that would not decode to an equal one (NaN, infinity).
    """
    kind = next((name for name, cls in _KINDS if type(value) is cls), None)
    if kind is None:
        raise EncodeError(f"cannot encode a {type(value).__name__}")
    try:
        text = json.dumps(
            [kind, value], default=_as_list, allow_nan=False, separators=(",", ":"),
            check_circular=False,
        )  # fmt: skip
    except (ValueError, TypeError) as exc:
        raise EncodeError(str(exc)) from exc
    return text.encode("ascii")


# -- decoding --------------------------------------------------------------------------------------


class _Mismatch(Exception):
    """Raised by generated decoders; becomes a DecodeError."""


def _no_constant(text: str) -> object:
    raise _Mismatch  # NaN, Infinity, -Infinity: dumps never writes them


# Floats are parsed by json's C scanner (a ``parse_float`` hook would be a Python call for each
# of a run entry's 60,000 floats); 1e999 parses as inf, which a float field's check refuses.
_JSON = json.JSONDecoder(parse_constant=_no_constant)


def loads(data: bytes) -> Entry:
    """Decode a per-file entry (facts or error) that ``dumps`` wrote; any other input, a run
    included, raises ``DecodeError``."""
    decoded: Entry = _paused(data, _ENTRY_KINDS)
    return decoded


def loads_run(data: bytes) -> TreeRun:
    """Decode a ``TreeRun`` that ``dumps`` wrote; any other input raises ``DecodeError``."""
    decoded: TreeRun = _paused(data, ("run",))
    return decoded


def _paused(data: bytes, kinds: tuple[str, ...]) -> Any:
    """The value of ``data``, of one of ``kinds``: an instance of its class, built by its decoder."""
    # An entry makes hundreds of lists and objects at once, and the cyclic collector, counting
    # allocations, would run every 700 of them and now and then walk every object decoded so far
    # (a third of a warm run's time). What is made here cannot form a cycle: pause it.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _loads(data, kinds)
    finally:
        if collecting:
            gc.enable()


def _loads(data: bytes, kinds: tuple[str, ...]) -> Any:
    try:
        tree = _JSON.decode(data.decode("ascii"))
        if tree.__class__ is not list or len(tree) != 2:
            raise _Mismatch
        kind, value = tree
        for name, cls in _KINDS:
            if kind == name and name in kinds:
                return _decoder(cls)(value)
        raise _Mismatch
    # KeyError and TypeError: an unknown or unhashable enum value; RecursionError: deep nesting
    except (_Mismatch, ValueError, KeyError, TypeError, RecursionError) as exc:
        raise DecodeError("not a goport cache entry") from exc


@cache
def _decoder(cls: type) -> Callable[[Any], Any]:
    """The generated decoder of a top-level class, made on first use: a warm run that reads only
    its tree's run entry never generates the per-file decoders."""
    generator = _Generator()
    name = generator.dataclass_function(cls)
    decoder: Callable[[Any], Any] = generator.compile()[name]
    return decoder


@cache
def _getters() -> dict[type, Callable[[Any], tuple[Any, ...]]]:
    """Every class reachable from the kinds, and how to list its field values (for ``dumps``)."""
    generator = _Generator()
    for _, cls in _KINDS:
        generator.dataclass_function(cls)
    return {cls: _field_values(cls) for cls in generator.classes}


def _field_values(cls: type) -> Callable[[Any], tuple[Any, ...]]:
    names = [field.name for field in dataclasses.fields(cls)]
    if len(names) == 1:  # attrgetter of one name returns the value, not a 1-tuple
        return lambda obj: (getattr(obj, names[0]),)
    return operator.attrgetter(*names)


def decoder_source() -> str:
    """The generated decoders, for review and tests."""
    generator = _Generator()
    for _, cls in _KINDS:
        generator.dataclass_function(cls)
    return generator.source()


_LEAF_TYPES: dict[object, str] = {str: "str", int: "int", bool: "bool"}


class _Generator:
    """Writes one decoder function per dataclass and per tuple type reachable from the kinds.

    Every identifier in the source is made here: ``_d3`` (a decoder), ``_c4`` (a class), ``_s5``
    (a slot's setter), ``_e6`` (an enum's members by value), ``v0``... (field values).
    """

    def __init__(self) -> None:
        self.namespace: dict[str, Any] = {
            "__builtins__": {},
            "_Mismatch": _Mismatch,
            "_new": object.__new__,
            "len": len,
            "list": list,
            "tuple": tuple,
            "str": str,
            "int": int,
            "bool": bool,
            "float": float,
        }
        self.functions: list[list[str]] = []
        self.done: dict[object, str] = {}
        self.classes: list[type] = []  # every dataclass a decoder builds
        self.count = 0

    def _name(self, prefix: str) -> str:
        self.count += 1
        return f"_{prefix}{self.count}"

    def _bind(self, prefix: str, value: object) -> str:
        name = self._name(prefix)
        self.namespace[name] = value
        return name

    def source(self) -> str:
        return "\n".join(line for function in self.functions for line in function) + "\n"

    def compile(self) -> dict[str, Any]:
        code = compile(self.source(), "<goport.serial decoders>", "exec")
        exec(code, self.namespace)  # noqa: S102 - source made from the model's types only
        return self.namespace

    # -- one value -------------------------------------------------------------------------------

    def _leaf_test(self, tp: object, var: str) -> str | None:
        """A condition true when ``var`` is not a ``tp``; None when ``tp`` is not a leaf type."""
        if tp in _LEAF_TYPES:  # exact: a bool is not an int
            return f"{var}.__class__ is not {_LEAF_TYPES[tp]}"
        if tp is float:  # json reads 2.0 back as a float, but a float field may hold an int;
            # x - x is 0 for every int and finite float, NaN for inf (1e999) and NaN
            return (
                f"(({var}.__class__ is not float and {var}.__class__ is not int)"
                f" or {var} - {var} != 0)"
            )
        if _is_optional(tp):
            inner = self._leaf_test(_optional_of(tp), var)
            return None if inner is None else f"({var} is not None and {inner})"
        return None

    def _value(self, tp: object, var: str, indent: str) -> list[str]:
        """Statements that check ``var`` against ``tp`` and rebind it to the decoded value."""
        test = self._leaf_test(tp, var)
        if test is not None:
            return [f"{indent}if {test}: raise _Mismatch"]
        if isinstance(tp, type) and issubclass(tp, Enum):
            members = self._bind("e", {member.value: member for member in tp})
            return [f"{indent}{var} = {members}[{var}]"]  # KeyError: an unknown value
        if _is_optional(tp):
            inner = self._value(_optional_of(tp), var, indent + "    ")
            return [f"{indent}if {var} is not None:", *inner]
        return [f"{indent}{var} = {self._function(tp)}({var})"]

    def _function(self, tp: object) -> str:
        if isinstance(tp, type) and dataclasses.is_dataclass(tp):
            return self.dataclass_function(tp)
        if typing.get_origin(tp) is tuple:
            args = typing.get_args(tp)
            if len(args) == 2 and args[1] is Ellipsis:
                return self._tuple_function(tp, args[0])
            return self._fixed_tuple_function(tp, args)
        raise TypeError(f"goport.serial cannot decode {tp!r}; extend _Generator")

    # -- one function per type --------------------------------------------------------------------

    def _construct(self, cls: type, source: str, indent: str) -> list[str]:
        """Statements that check the list ``source`` and build ``obj``, an instance of ``cls``."""
        if not (dataclasses.is_dataclass(cls) and "__slots__" in cls.__dict__):
            raise TypeError(f"goport.serial decodes slotted dataclasses only, not {cls!r}")
        if hasattr(cls, "__post_init__"):  # it would be skipped: objects are not made by __init__
            raise TypeError(f"goport.serial cannot decode {cls!r}, which has __post_init__")
        if cls not in self.classes:
            self.classes.append(cls)
        hints = typing.get_type_hints(cls)
        fields = dataclasses.fields(cls)
        names = [f"v{i}" for i in range(len(fields))]
        lines = [
            f"{indent}if {source}.__class__ is not list or len({source}) != {len(fields)}:",
            f"{indent}    raise _Mismatch",
            f"{indent}{', '.join(names)}, = {source}",
        ]
        for field, var in zip(fields, names):
            lines += self._value(hints[field.name], var, indent)
        lines.append(f"{indent}obj = _new({self._bind('c', cls)})")
        for field, var in zip(fields, names):
            # a slotted dataclass's field is a member descriptor: setting it skips the frozen
            # __setattr__, as dataclasses' own __init__ does with object.__setattr__
            setter = self._bind("s", getattr(cls, field.name).__set__)
            lines.append(f"{indent}{setter}(obj, {var})")
        return lines

    def dataclass_function(self, cls: type) -> str:
        if cls in self.done:
            return self.done[cls]
        name = self.done[cls] = self._name("d")
        self.functions.append(
            [f"def {name}(x):", *self._construct(cls, "x", "    "), "    return obj"]
        )
        return name

    def _tuple_function(self, tp: object, item: object) -> str:
        if tp in self.done:
            return self.done[tp]
        name = self.done[tp] = self._name("d")
        lines = [f"def {name}(x):", "    if x.__class__ is not list:", "        raise _Mismatch"]
        test = self._leaf_test(item, "v")
        if test is not None:
            lines += [
                "    for v in x:",
                f"        if {test}: raise _Mismatch",
                "    return tuple(x)",
            ]
        elif isinstance(item, type) and dataclasses.is_dataclass(item):
            lines += [
                "    out = []",
                "    for item in x:",
                *self._construct(item, "item", "        "),
                "        out.append(obj)",
                "    return tuple(out)",
            ]
        else:
            lines += [
                "    out = []",
                "    for v in x:",
                *self._value(item, "v", "        "),
                "        out.append(v)",
                "    return tuple(out)",
            ]
        self.functions.append(lines)
        return name

    def _fixed_tuple_function(self, tp: object, items: tuple[object, ...]) -> str:
        if tp in self.done:
            return self.done[tp]
        name = self.done[tp] = self._name("d")
        names = [f"v{i}" for i in range(len(items))]
        lines = [
            f"def {name}(x):",
            f"    if x.__class__ is not list or len(x) != {len(items)}:",
            "        raise _Mismatch",
            f"    {', '.join(names)}, = x",
        ]
        for item, var in zip(items, names):
            lines += self._value(item, var, "    ")
        lines.append(f"    return ({', '.join(names)},)")
        self.functions.append(lines)
        return name


def _is_optional(tp: object) -> bool:
    args = typing.get_args(tp)
    return (
        typing.get_origin(tp) in (types.UnionType, typing.Union)
        and len(args) == 2
        and type(None) in args
    )


def _optional_of(tp: object) -> object:
    return next(arg for arg in typing.get_args(tp) if arg is not type(None))
