"""Python values as the plain JSON of a golden case, and back.

The encoding is the one the Go side decodes straight into its declared types: ``None``, ``bool``,
``int``, ``float`` and ``str`` as themselves, ``bytes``/``bytearray`` as a base64 string (standard
alphabet, padded: what Go's ``encoding/json`` reads into ``[]byte``), ``list``/``tuple`` as an
array and a ``dict`` with ``str`` keys as an object. Anything else is not representable and says
why (``Unrepresentable``), so a case is counted and reported rather than silently changed.

Records and enums cross too, as the scaffold declares them: a dataclass or a ``NamedTuple`` is an
object of its fields (``{"kind": ..., "text": ...}``, a Go struct with the Python field names), an
``Enum`` member is its value. Other subclasses of the built-in types are not representable: they
would come back as their base type and the replayed call would not be the call that was recorded.
Encoding never runs code of the values it reads (no property, no ``__repr__``: fields are read
from the instance's own storage).

A value's *type descriptor* (``"bytes"``, ``"list[bytes]"``, ``"tuple[int, str]"``,
``"tuple[int, ...]"``, ``"dict[str, float]"``, ``"record[pkg.mod:Token, kind: enum[pkg.mod:Kind],
text: str]"``) is kept beside the cases so Python can rebuild what JSON flattens (bytes, tuples,
records, enums) when it replays them or decodes a Go answer; a record's or enum's class is found
again by importing its module, which only the shim and the parity test do, in the user's project.

This module is copied next to the code it serves (the capture tracer runs in the user's Python,
the shim in the user's project), so it stands alone and stays valid Python 3.9.
"""

from __future__ import annotations

import base64
import dataclasses
import enum
import functools
import importlib
import json
import math
from typing import Any

#: deeper nesting than this is not recorded (and a container that holds itself never ends)
MAX_DEPTH = 64
#: the encoded JSON of one case may not be longer than this many characters
MAX_CASE_CHARS = 1_000_000

_SCALARS = (type(None), bool, int, str)
_BYTES = (bytes, bytearray)
_CONTAINERS = (list, tuple, dict)


class Unrepresentable(ValueError):
    """A value that has no faithful plain-JSON form; the message says which and why."""


def encode(value: Any, where: str = "value") -> Any:
    """``value`` as plain JSON data, or ``Unrepresentable`` naming ``where`` it failed."""
    return _encode(value, where, 0)


def _encode(value: Any, where: str, depth: int) -> Any:
    kind = type(value)
    if depth > MAX_DEPTH:
        raise Unrepresentable(f"{where}: nested deeper than {MAX_DEPTH} levels (or holds itself)")
    if kind in _SCALARS:
        if kind is str:
            _check_text(value, where)
        return value
    if kind is float:
        if not math.isfinite(value):
            raise Unrepresentable(f"{where}: the float {value!r} has no JSON form")
        return value
    if kind in _BYTES:
        return base64.b64encode(bytes(value)).decode("ascii")
    if kind is list or kind is tuple:
        return [_encode(v, f"{where}[{i}]", depth + 1) for i, v in enumerate(value)]
    if kind is dict:
        out = {}
        for key, item in value.items():
            if type(key) is not str:
                raise Unrepresentable(
                    f"{where}: a dict with {type(key).__name__} keys (JSON keys are strings)"
                )
            _check_text(key, where)
            out[key] = _encode(item, f"{where}[{key!r}]", depth + 1)
        return out
    fields = _fields(value)
    if fields is not None:
        return {name: _encode(item, f"{where}.{name}", depth + 1) for name, item in fields}
    if isinstance(value, enum.Enum):
        member = vars(value).get("_value_")
        if type(member) in (int, str):
            return member
    raise Unrepresentable(f"{where}: {_a(kind)} is not representable as JSON")


def _fields(value: Any) -> list[tuple[str, Any]] | None:
    """A record's (field, value) pairs, read without running its code; None if not a record."""
    kind = type(value)
    if isinstance(value, tuple) and isinstance(getattr(kind, "_fields", None), tuple):
        return list(zip(kind._fields, tuple.__iter__(value)))  # a NamedTuple
    if dataclasses.is_dataclass(kind):
        names = [f.name for f in dataclasses.fields(kind)]
        own = getattr(value, "__dict__", None)
        if isinstance(own, dict) and all(n in own for n in names):
            return [(n, own[n]) for n in names]
        return [(n, object.__getattribute__(value, n)) for n in names]  # slots: C descriptors
    return None


def _path(kind: type) -> str:
    return f"{kind.__module__}:{kind.__qualname__}"


def _a(kind: type) -> str:
    """``a socket object``, ``an Enum member``: the value's type in words, for a reason."""
    name = getattr(kind, "__qualname__", None) or kind.__name__
    bases = [
        b.__name__ for b in kind.__mro__[1:-1] if b in (*_SCALARS, float, *_BYTES, *_CONTAINERS)
    ]
    base = f" (a subclass of {bases[0]}: its type would be lost)" if bases else ""
    article = "an" if name[:1].lower() in "aeiou" else "a"
    return f"{article} {name} object{base}"


def _check_text(text: str, where: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise Unrepresentable(f"{where}: a str with lone surrogates (not valid UTF-8)") from None


def canonical(data: Any) -> str:
    """The one text of some JSON data: sorted keys, no spaces (what deduplication compares)."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


# -- type descriptors ----------------------------------------------------------------------------


def describe(value: Any) -> str:
    """The type descriptor of a representable value."""
    kind = type(value)
    if value is None:
        return "None"
    if kind in (bool, int, float, str, bytes, bytearray):
        return kind.__name__
    if kind is list:
        inner = common(describe(v) for v in value)
        return f"list[{inner}]" if inner else "list"
    if kind is tuple:
        items = [describe(v) for v in value]
        inner = common(items)
        if inner and inner != "any" and len(items) > 1:
            return f"tuple[{inner}, ...]"
        return f"tuple[{', '.join(items)}]" if items else "tuple"
    if kind is dict:
        inner = common(describe(v) for v in value.values())
        return f"dict[str, {inner}]" if inner else "dict"
    fields = _fields(value)
    if fields is not None:
        return f"record[{', '.join([_path(kind), *(f'{n}: {describe(v)}' for n, v in fields)])}]"
    if isinstance(value, enum.Enum):
        return f"enum[{_path(kind)}]"
    return "any"


def common(descriptors: Any) -> str:
    """The descriptor all items share ("" when there are none, "any" when they differ)."""
    found = ""
    for d in descriptors:
        found = merge(found, d) if found else d
        if found == "any":
            break
    return found


def merge(old: str, new: str) -> str:
    """One descriptor for two observations: the first informative one wins (a ``None`` or an
    empty container tells less than a later value), containers of the same kind merge item by
    item, and what disagrees is ``any``."""
    if not old or old == "None" or old == new:
        return new or old
    if new == "None" or not new:
        return old
    old_head, old_args = parse(old)
    new_head, new_args = parse(new)
    if old_head != new_head:
        return "any"
    if not old_args or not new_args:  # an empty container: the other one says more
        return new if new_args else old
    if len(old_args) != len(new_args) or "..." in (*old_args, *new_args):
        return "any"  # two lengths, or a homogeneous tuple against a fixed one (both differ)
    # item by item: tuple[int, list] and tuple[int, list[str]] are tuple[int, list[str]]
    return f"{old_head}[{', '.join(merge(a, b) for a, b in zip(old_args, new_args))}]"


@functools.lru_cache(maxsize=512)
def parse(descriptor: str) -> tuple[str, tuple[str, ...]]:
    """``"tuple[int, list[str]]"`` -> ``("tuple", ("int", "list[str]"))``."""
    text = descriptor.strip()
    if not text.endswith("]") or "[" not in text:
        return text, ()
    head, _, body = text[:-1].partition("[")
    parts: list[str] = []
    depth, start = 0, 0
    for i, char in enumerate(body):
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(body[start:i].strip())
            start = i + 1
    parts.append(body[start:].strip())
    return head.strip(), tuple(p for p in parts if p)


def decode(data: Any, descriptor: str) -> Any:
    """Rebuild a Python value from its JSON ``data`` and type descriptor (best effort: data
    that does not fit the descriptor is returned as it is, for the comparison to show)."""
    if data is None:
        return None
    head, args = parse(descriptor or "any")
    if head in ("bytes", "bytearray") and isinstance(data, str):
        raw = base64.b64decode(data.encode("ascii"), validate=True)
        return bytearray(raw) if head == "bytearray" else raw
    if head == "float" and type(data) is int:
        return float(data)
    if head in ("list", "tuple") and isinstance(data, list):
        items = [decode(v, _item(args, i)) for i, v in enumerate(data)]
        return tuple(items) if head == "tuple" else items
    if head == "dict" and isinstance(data, dict):
        inner = args[1] if len(args) == 2 else "any"
        return {k: decode(v, inner) for k, v in data.items()}
    if head == "record" and args and isinstance(data, dict):
        fields = dict(arg.split(": ", 1) for arg in args[1:] if ": " in arg)
        values = {k: decode(v, fields.get(k, "any")) for k, v in data.items()}
        return _class(args[0])(**values)
    if head == "enum" and args:
        return _class(args[0])(data)
    return data


def _class(path: str) -> Any:
    """The class ``module:Qualname`` names, imported (only the shim and the parity test decode
    records, in the user's project, where importing the module is what the code does anyway)."""
    module, _, qualname = path.partition(":")
    found: Any = importlib.import_module(module)
    for part in qualname.split("."):
        found = getattr(found, part)
    return found


def _item(args: tuple[str, ...], index: int) -> str:
    if len(args) == 2 and args[1] == "...":
        return args[0]
    if len(args) == 1:
        return args[0]
    return args[index] if index < len(args) else "any"
