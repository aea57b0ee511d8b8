"""A step's boundary as a contract file: a ``.proto``, a JSON Schema or a Go API sketch.

The boundary is what other modules use (``Boundary.used_names``). Each name's types come from,
in order: annotations, docstrings (``:param x: int``, Google ``Args:``), the literal arguments
the importing modules pass, and otherwise stay unknown, listed with the line to annotate. The
file depends on how the module moves: a gRPC service for a Go service or worker, the stdin and
stdout documents of a Go CLI as JSON Schema, and a Go package API for an in-process extension.
Calls that cross the boundary inside loops are listed as chattiness, with the advice to batch.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, replace

from goport.model import Boundary, FunctionFacts, ModuleFacts, Strategy
from goport.planning import GoHints, go_name, go_signature
from goport.pytypes import NONE, UNKNOWN, ClassKind, PyType, Shape, to_go
from goport.pytypes import parse as parse_type
from goport.roadmap import surface as surface_mod
from goport.roadmap.crossings import Crossing, crossings
from goport.roadmap.model import Contract, ContractKind
from goport.text import printable

#: what one call across the boundary costs, by strategy (order of magnitude, stated in the advice)
CROSSING_COST = {
    Strategy.GO_EXTENSION: "about 1 µs (a cgo call and the conversion of its arguments)",
    Strategy.GO_SERVICE: "about 100 µs (a local gRPC round trip)",
    Strategy.GO_WORKER: "about 100 µs (a message through the queue or a local RPC)",
    Strategy.GO_CLI: "about 5 ms (a process per call; tens of µs per document on a kept-open pipe)",
}
SCHEMA_DRAFT = "https://json-schema.org/draft/2020-12/schema"


@dataclass(frozen=True, slots=True)
class Call:
    """One callable of the boundary with the types the contract uses."""

    name: str  # Python qualname: "tokenize_line", "Index.add", "Index.__init__"
    fn: FunctionFacts
    params: tuple[tuple[str, PyType, bool], ...]  # (name, type, required)
    returns: PyType  # NONE when it returns nothing
    stream: bool  # a generator: a server stream / JSON Lines / a channel
    hints: GoHints

    @property
    def method_of(self) -> str:
        parts = self.name.split(".")
        return parts[-2] if len(parts) >= 2 else ""


@dataclass(slots=True)
class _Boundary:
    facts: ModuleFacts
    surface: surface_mod.Surface
    calls: list[Call]
    records: list[str]  # the module's classes the contract carries as data, in first-use order
    others: list[str]  # used names that are neither functions nor classes (constants)
    unknown: list[str]


def contract_for(
    facts: ModuleFacts,
    boundary: Boundary,
    strategy: Strategy,
    source: bytes,
    callers: Mapping[str, bytes],
) -> Contract | None:
    """The contract of one module that moves (``callers``: rel path -> source of the modules
    that import it, for call-site types and chattiness); None for strategies that do not move."""
    if strategy not in CROSSING_COST:
        return None
    b, names, sites = _read(facts, boundary, source, callers)
    stem = _ident(facts.module.rsplit(".", 1)[-1]).lower() or "module"
    if strategy in (Strategy.GO_SERVICE, Strategy.GO_WORKER):
        kind, filename, text = ContractKind.PROTO, f"{stem}.proto", _proto(b, strategy)
    elif strategy is Strategy.GO_CLI:
        kind, filename, text = ContractKind.JSON_SCHEMA, f"{stem}.schema.json", _schema(b)
    else:
        kind, filename, text = ContractKind.GO_API, f"{stem}_api.go", _go_api(b, stem)
    return Contract(
        kind=kind,
        filename=filename,
        text=text,
        names=tuple(names),
        unknown_types=tuple(b.unknown),
        chatty=_chatty(facts, b, sites, strategy),
        rel_path=facts.rel_path,
    )


@dataclass(frozen=True, slots=True)
class Api:
    """A module's boundary as values, for the code ``goport scaffold`` generates: the calls
    the contract lists, and the module's classes they carry (records, enums, errors, stateful
    classes, interfaces) in first-use order."""

    module: str
    rel_path: str
    calls: tuple[Call, ...]
    classes: tuple[surface_mod.ClassInfo, ...]
    others: tuple[str, ...]  # used names that are neither functions nor classes (constants)


def api(facts: ModuleFacts, boundary: Boundary, source: bytes, callers: Mapping[str, bytes]) -> Api:
    """The boundary ``contract_for`` writes, as values (whatever the strategy)."""
    b, _names, _sites = _read(facts, boundary, source, callers)
    classes = tuple(b.surface.classes[n] for n in b.records)
    return Api(facts.module, facts.rel_path, tuple(b.calls), classes, tuple(b.others))


# -- what the boundary is ------------------------------------------------------------------------


def _read(
    facts: ModuleFacts, boundary: Boundary, source: bytes, callers: Mapping[str, bytes]
) -> tuple[_Boundary, list[str], list[Crossing]]:
    surface = surface_mod.read(source)
    names = _names(facts, boundary, surface)
    known = {f.qualname for f in facts.functions}
    sites = [
        s
        for s in crossings(facts.module, names, list(surface.classes), callers)
        if "." not in s.name or s.name in known  # a method the class defines
    ]
    return _collect(facts, surface, names, sites), names, sites


def _names(facts: ModuleFacts, boundary: Boundary, surface: surface_mod.Surface) -> list[str]:
    """The used names, or (for a module nothing imports, like a CLI) its public callables."""
    if boundary.used_names:
        return sorted(set(boundary.used_names))
    public = [
        f.qualname
        for f in facts.functions
        if "." not in f.qualname and not f.qualname.startswith("_")
    ]
    public += [c for c in surface.classes if not c.startswith("_")]
    return sorted(set(public)) or sorted(
        f.qualname for f in facts.functions if "." not in f.qualname
    )


def _collect(
    facts: ModuleFacts, surface: surface_mod.Surface, names: list[str], sites: list[Crossing]
) -> _Boundary:
    by_name = {f.qualname: f for f in facts.functions}
    b = _Boundary(facts, surface, [], [], [], [])
    site_types = _site_types(sites)
    wanted: list[str] = []
    for name in names:
        if name in by_name:
            wanted.append(name)
        elif name in surface.classes:
            info = surface.classes[name]
            _use_class(b, name)
            if info.kind in (ClassKind.CLASS, ClassKind.RECORD):
                for q in info.methods:
                    last = q.rsplit(".", 1)[-1]
                    if q in by_name and (
                        last == "__init__"
                        and info.kind is ClassKind.CLASS
                        or not last.startswith("_")
                    ):
                        wanted.append(q)
        else:
            b.others.append(name)
    for q in wanted:
        b.calls.append(_call(b, by_name[q], site_types.get(q, {})))
    return b


def _site_types(sites: list[Crossing]) -> dict[str, dict[str, tuple[str, str]]]:
    """For each callee, its arguments' literal types: key (position or keyword) -> (type, where)."""
    out: dict[str, dict[str, tuple[str, str]]] = defaultdict(dict)
    for s in sites:
        for key, text in s.args:
            out[s.name].setdefault(key, (text, f"{s.rel_path}:{s.line}"))
    # a class called as a constructor: its __init__
    for name in list(out):
        if "." not in name and name[:1].isupper():
            out[f"{name}.__init__"] = out[name]
    return out


def _use_class(b: _Boundary, name: str) -> None:
    """Carry ``name`` (a class of the module) and the classes its fields name."""
    if name in b.records or name not in b.surface.classes:
        return
    b.records.append(name)
    info = b.surface.classes[name]
    for f in info.fields:
        t = parse_type(f.annotation)
        if t == UNKNOWN:
            b.unknown.append(
                f"{printable(name)}.{printable(f.name)}: the field has no annotation; annotate it at "
                f"{printable(b.facts.rel_path)}:{f.line}"
            )
        _use_types(b, t)


def _use_types(b: _Boundary, t: PyType) -> None:
    if t.shape is Shape.NAMED and t.name in b.surface.classes:
        _use_class(b, t.name)
    for a in t.args:
        _use_types(b, a)


def _call(b: _Boundary, fn: FunctionFacts, sites: Mapping[str, tuple[str, str]]) -> Call:
    hints = b.surface.hints.get(fn.qualname, GoHints())
    pinned = dict(hints.param_types)
    where = f"{printable(b.facts.rel_path)}:{fn.span.line}"
    shown = printable(fn.qualname)
    bound = "." in fn.qualname and bool(fn.params) and fn.params[0].name in ("self", "cls")
    params = fn.params[1:] if bound else fn.params
    out: list[tuple[str, PyType, bool]] = []
    for i, p in enumerate(params):
        text = p.annotation or pinned.get(p.name)
        site = sites.get(p.name) or sites.get(str(i))
        if not text:
            note = (
                f"{shown}({printable(p.name)}): parameter '{printable(p.name)}' has no annotation"
            )
            if site:
                text = site[0]
                pinned[p.name] = text
                note += f"; callers pass {site[0]} at {printable(site[1])}, used here"
            b.unknown.append(f"{note}; annotate it at {where}")
        t = parse_type(text)
        if p.kind == "var-positional":
            t = PyType(Shape.LIST, args=(t,))
        elif p.kind == "var-keyword":
            t = PyType(Shape.DICT, args=(PyType(Shape.SCALAR, "str"), t))
        width = dict(hints.masked_params).get(p.name, 0)
        out.append(
            (
                p.name,
                _widen(t, width),
                p.default is None and p.kind not in ("var-positional", "var-keyword"),
            )
        )
        _use_types(b, t)
    text = fn.returns or hints.returns
    returns = parse_type(text) if text else (UNKNOWN if hints.returns_value else NONE)
    if not text and hints.returns_value and not fn.qualname.endswith("__init__"):
        b.unknown.append(f"{shown}(): the return type is not annotated; annotate it at {where}")
    if fn.qualname.endswith(".__init__"):
        returns = NONE
    stream = hints.generator
    if stream and returns.shape is Shape.STREAM:
        returns = returns.args[0]
    returns = _widen(returns, hints.returns_width)
    if returns.shape is Shape.TUPLE and len(hints.tuple_widths) == len(returns.args):
        items = tuple(_widen(a, w) for a, w in zip(returns.args, hints.tuple_widths))
        returns = replace(returns, args=items)
    _use_types(b, returns)
    return Call(
        fn.qualname,
        fn,
        tuple(out),
        returns,
        stream,
        replace(hints, param_types=tuple(sorted(pinned.items()))),
    )


def _widen(t: PyType, width: int) -> PyType:
    if width and (t == UNKNOWN or t == PyType(Shape.SCALAR, "int")):
        return PyType(Shape.SCALAR, f"uint{width}")
    return t


def _errors(b: _Boundary) -> list[str]:
    return [n for n in b.records if b.surface.classes[n].kind is ClassKind.ERROR]


_HANDLE = ("handle", PyType(Shape.SCALAR, "str"), True)


def _with_receiver(b: _Boundary, call: Call) -> list[tuple[str, PyType, bool]]:
    """A method's parameters behind its receiver: the record itself (``self``) for a method of a
    record, the handle ``New<Class>`` returned for a stateful class; other calls as they are."""
    owner = b.surface.classes.get(call.method_of)
    params = list(call.params)
    if owner is None or call.name.endswith(".__init__"):
        return params
    if owner.kind is ClassKind.RECORD:
        return [("self", PyType(Shape.NAMED, owner.name), True), *params]
    return [_HANDLE, *params]


# -- identifiers ---------------------------------------------------------------------------------


def _ident(name: str) -> str:
    """An ASCII identifier for any Python name (Python allows non-ASCII ones)."""
    out = re.sub(r"[^A-Za-z0-9_]", lambda m: f"U{ord(m.group()):04X}", name)
    return out if out and not out[0].isdigit() else "N" + out


def _dotted(name: str) -> str:
    return ".".join(_ident(part) for part in name.split("."))


def _camel(name: str) -> str:
    return "".join(p[:1].upper() + p[1:] for p in _ident(name).split("_") if p) or "X"


def _upper_snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", _ident(name)).upper()


def _rpc_name(call: Call) -> str:
    owner = call.method_of
    last = call.name.rsplit(".", 1)[-1]
    if owner and last == "__init__":
        return "New" + _camel(owner)
    return _camel(owner) + _camel(last.strip("_")) if owner else _camel(last)


def signature_text(call: Call) -> str:
    """The Python signature of a call as written (annotations kept), printable."""
    params = ", ".join(
        p.name + (f": {p.annotation}" if p.annotation else "")
        for p in call.fn.params
        if p.name not in ("self", "cls")
    )
    ret = f" -> {call.fn.returns}" if call.fn.returns else ""
    return printable(f"{call.name}({params}){ret}")


# -- proto ---------------------------------------------------------------------------------------

_PROTO_SCALARS = {
    "int": "int64",
    "uint32": "uint32",
    "uint64": "uint64",
    "float": "double",
    "str": "string",
}
_PROTO_SCALARS |= {"bytes": "bytes", "bool": "bool"}
_MAP_KEYS = {"int64", "uint32", "uint64", "string", "bool"}
VALUE = "google.protobuf.Value"


class _Proto:
    """Field types and the extra messages (wrappers, tuples, entries) they need."""

    def __init__(self, classes: Mapping[str, surface_mod.ClassInfo]) -> None:
        self.classes = classes
        self.reserved = {_camel(n) for n in classes}  # names the module's own messages take
        self.extra: dict[str, list[str]] = {}
        self.value_used = False

    def value(self) -> tuple[str, str]:
        self.value_used = True
        return "", VALUE

    def field(self, t: PyType) -> tuple[str, str]:
        """(label, type): label is "", "optional", "repeated" or "map"."""
        s = t.shape
        if s is Shape.SCALAR and t.name in _PROTO_SCALARS:
            return "", _PROTO_SCALARS[t.name]
        if s is Shape.OPTIONAL:
            label, inner = self.field(t.args[0])
            return ("optional" if label == "" and inner != VALUE else label), inner
        if s in (Shape.LIST, Shape.SET, Shape.STREAM, Shape.QUEUE):
            return "repeated", self.single(t.args[0])
        if s is Shape.TUPLE:
            return "", self.message_for(t)
        if s is Shape.DICT:
            key = self.field(t.args[0])
            if key[0] == "" and key[1] in _MAP_KEYS:
                return "map", f"map<{key[1]}, {self.single(t.args[1])}>"
            return "repeated", self.message_for(PyType(Shape.TUPLE, "Entry", t.args))
        info = self.classes.get(t.name) if s is Shape.NAMED else None
        if info is not None and info.kind not in (ClassKind.INTERFACE, ClassKind.ERROR):
            return "", _camel(t.name)
        return self.value()

    def single(self, t: PyType) -> str:
        """A type usable as a repeated element or a map value: wraps lists and maps."""
        label, name = self.field(t)
        if label in ("repeated", "map"):
            return self.message_for(PyType(Shape.TUPLE, "List", (t,)))
        return name

    def type_name(self, t: PyType) -> str:
        if t.shape is Shape.SCALAR:
            return _camel(_PROTO_SCALARS.get(t.name, "value"))
        if t.shape is Shape.NAMED:
            return _camel(t.name)
        return _camel(t.shape.value) + "".join(self.type_name(a) for a in t.args)

    def message_for(self, t: PyType) -> str:
        """A message for a tuple (fields f0, f1...), a list wrapper or a map entry."""
        if t.name == "List":
            name = self.type_name(t.args[0]) + "List"
            body = [(*self.field(t.args[0]), "values")]
        elif t.name == "Entry":
            name = self.type_name(t.args[0]) + self.type_name(t.args[1]) + "Entry"
            body = [(*self.field(t.args[0]), "key"), (*self.field(t.args[1]), "value")]
        else:
            name = "Tuple" + "".join(self.type_name(a) for a in t.args)
            body = [(*self.field(a), f"f{i}") for i, a in enumerate(t.args)]
        if name in self.reserved:
            name += "Msg"
        if name not in self.extra:
            self.extra[name] = []  # reserve first: recursion ends here
            self.extra[name] = [
                _proto_field(label, typ, fname, i + 1) for i, (label, typ, fname) in enumerate(body)
            ]
        return name


def proto_type(t: PyType, classes: Mapping[str, surface_mod.ClassInfo]) -> str:
    """The proto3 field type of a value of type ``t``: ``repeated int64``, ``map<string, Token>``,
    ``optional string``; ``google.protobuf.Value`` where there is no better one."""
    label, typ = _Proto(classes).field(t)
    return f"{label} {typ}" if label in ("optional", "repeated") else typ


def _proto_field(label: str, typ: str, name: str, number: int) -> str:
    prefix = f"{label} " if label in ("optional", "repeated") else ""
    return f"  {prefix}{typ} {_ident(name)} = {number};"


def _proto(b: _Boundary, strategy: Strategy) -> str:
    p = _Proto(b.surface.classes)
    facts = b.facts
    package = ".".join(_ident(part).lower() for part in facts.module.split(".") if part)
    service = _camel(facts.module.rsplit(".", 1)[-1]) + "Service"
    taken = set(p.reserved)
    rpcs: list[str] = []
    messages: list[str] = []
    for call in b.calls:
        rpc = base = _rpc_name(call)
        n = 2
        while f"{rpc}Request" in taken or f"{rpc}Response" in taken:
            rpc, n = f"{base}{n}", n + 1
        taken |= {f"{rpc}Request", f"{rpc}Response"}
        fields = [(*p.field(t), name) for name, t, _req in _with_receiver(b, call)]
        numbered = [
            _proto_field(label, typ, name, i + 1) for i, (label, typ, name) in enumerate(fields)
        ]
        messages.append(_message(f"{rpc}Request", numbered, ""))
        out: list[str] = []
        if call.name.endswith("__init__"):
            out = [_proto_field("", "string", "handle", 1)]
        elif call.returns.shape is not Shape.NONE:
            label, typ = p.field(call.returns)
            out = [_proto_field(label, typ, "result", 1)]
        messages.append(_message(f"{rpc}Response", out, ""))
        stream = "stream " if call.stream else ""
        rpcs.append(f"  // {signature_text(call)}")
        rpcs.append(f"  rpc {rpc}({rpc}Request) returns ({stream}{rpc}Response);")
    for name in b.records:
        info = b.surface.classes[name]
        if info.kind is ClassKind.ENUM:
            messages.append(_proto_enum(info))
        elif info.kind in (ClassKind.INTERFACE, ClassKind.ERROR):
            continue
        else:
            rows = [
                _proto_field(*p.field(parse_type(f.annotation)), f.name, i + 1)
                for i, f in enumerate(info.fields)
            ]
            doc = f"{info.kind.value} {name}" + (f": {info.doc}" if info.doc else "")
            messages.append(_message(_camel(name), rows, doc))
    for name, body in p.extra.items():
        messages.append(_message(name, body, ""))
    interfaces = [n for n in b.records if b.surface.classes[n].kind is ClassKind.INTERFACE]
    errors = _errors(b)
    head = [
        f"// Boundary of {printable(facts.rel_path)} as a {strategy.value}: generated by goport plan.",
        "// Python callers switch to this service's client; the names they use are the rpcs below.",
    ]
    if any(_with_receiver(b, c)[:1] == [_HANDLE] for c in b.calls):
        head.append(
            "// Stateful classes: New<Class> returns a handle that their other rpcs pass back."
        )
    if p.value_used:
        head.append(
            f"// {VALUE} stands for types not pinned yet (see the unknown types of the plan)."
        )
    if interfaces:
        head.append(
            f"// Callback interfaces ({printable(', '.join(interfaces))}) cannot cross the wire: "
            "keep their implementations on one side, or make them a streaming rpc."
        )
    if errors:
        head.append(
            f"// Exceptions ({printable(', '.join(errors))}) become gRPC status errors "
            "(INVALID_ARGUMENT, FAILED_PRECONDITION...) whose message names the Python type."
        )
    if b.others:
        head.append(
            f"// Not callable (constants, kept on both sides): {printable(', '.join(b.others))}"
        )
    lines = [*head, 'syntax = "proto3";', "", f"package {package or 'module'};", ""]
    if p.value_used:
        lines += ['import "google/protobuf/struct.proto";', ""]
    if rpcs:
        lines += [f"service {service} {{", *rpcs, "}", ""]
    lines += messages
    return "\n".join(lines).rstrip("\n") + "\n"


def _message(name: str, fields: list[str], doc: str) -> str:
    comment = f"// {printable(doc)}\n" if doc else ""
    if not fields:
        return f"{comment}message {name} {{}}\n"
    return f"{comment}message {name} {{\n" + "\n".join(fields) + "\n}\n"


def _proto_enum(info: surface_mod.ClassInfo) -> str:
    prefix = _upper_snake(info.name)
    values = [f"  {prefix}_UNSPECIFIED = 0;"]
    values += [f"  {prefix}_{_upper_snake(m)} = {i + 1};" for i, (m, _v) in enumerate(info.members)]
    return (
        f"// enum {printable(info.name)}\nenum {_camel(info.name)} {{\n"
        + "\n".join(values)
        + "\n}\n"
    )


# -- JSON Schema ---------------------------------------------------------------------------------


def json_type(t: PyType, classes: Mapping[str, surface_mod.ClassInfo]) -> dict[str, object]:
    """The JSON Schema of a value of type ``t`` (the module's classes by ``$ref``)."""
    s = t.shape
    if s is Shape.SCALAR:
        if t.name in ("uint32", "uint64"):
            return {"type": "integer", "minimum": 0, "maximum": 2 ** int(t.name[4:]) - 1}
        simple = {"int": "integer", "float": "number", "str": "string", "bool": "boolean"}
        if t.name in simple:
            return {"type": simple[t.name]}
        if t.name == "bytes":
            return {"type": "string", "contentEncoding": "base64"}
        return {}
    if s is Shape.NONE:
        return {"type": "null"}
    if s is Shape.OPTIONAL:
        return {"anyOf": [json_type(t.args[0], classes), {"type": "null"}]}
    if s is Shape.UNION:
        return {"anyOf": [json_type(a, classes) for a in t.args]}
    if s in (Shape.LIST, Shape.STREAM, Shape.QUEUE):
        return {"type": "array", "items": json_type(t.args[0], classes)}
    if s is Shape.SET:
        return {"type": "array", "items": json_type(t.args[0], classes), "uniqueItems": True}
    if s is Shape.TUPLE:
        n = len(t.args)
        items = [json_type(a, classes) for a in t.args]
        return {"type": "array", "prefixItems": items, "items": False, "minItems": n, "maxItems": n}
    if s is Shape.DICT:
        key = t.args[0]
        out: dict[str, object] = {
            "type": "object",
            "additionalProperties": json_type(t.args[1], classes),
        }
        if key.shape is Shape.SCALAR and key.name == "int":
            out["propertyNames"] = {"pattern": "^-?[0-9]+$"}
        return out
    if s is Shape.NAMED and t.name in classes:
        if classes[t.name].kind is ClassKind.INTERFACE:
            return {"description": "a callback interface: cannot cross a process boundary"}
        if classes[t.name].kind is ClassKind.ERROR:
            return {"$ref": "#/$defs/error"}
        return {"$ref": f"#/$defs/{_ident(t.name)}"}
    if s is Shape.CALLABLE:
        return {"description": "a callable: cannot cross a process boundary"}
    return {"description": "type not pinned yet: any JSON value"}


def _schema(b: _Boundary) -> str:
    defs: dict[str, object] = {}
    requests, responses = [], []
    for call in b.calls:
        key = _dotted(call.name)
        params = _with_receiver(b, call)
        props = {name: json_type(t, b.surface.classes) for name, t, _req in params}
        required = [name for name, _t, req in params if req]
        args: dict[str, object] = {
            "type": "object",
            "properties": props,
            "additionalProperties": False,
        }
        if required:
            args["required"] = required
        defs[f"{key}.request"] = {
            "description": signature_text(call),
            "type": "object",
            "properties": {"call": {"const": call.name}, "args": args},
            "required": ["call", "args"],
            "additionalProperties": False,
        }
        result = json_type(call.returns, b.surface.classes)
        defs[f"{key}.response"] = {
            "description": "one document per line (JSON Lines), one per item"
            if call.stream
            else "the result",
            "type": "object",
            "properties": {"result": result},
            "required": ["result"],
            "additionalProperties": False,
        }
        requests.append({"$ref": f"#/$defs/{key}.request"})
        responses.append({"$ref": f"#/$defs/{key}.response"})
    for name in b.records:
        info = b.surface.classes[name]
        if info.kind is ClassKind.ENUM:
            values = [
                v if isinstance(v, (str, int, float, bool)) and v is not None else m
                for m, v in info.members
            ]
            defs[_ident(name)] = {"description": f"enum {name}", "enum": values}
        elif info.kind not in (ClassKind.INTERFACE, ClassKind.ERROR):
            fields = {
                f.name: json_type(parse_type(f.annotation), b.surface.classes) for f in info.fields
            }
            defs[_ident(name)] = {
                "description": f"{info.kind.value} {name}: {info.doc}".rstrip(": "),
                "type": "object",
                "properties": fields,
                "required": [f.name for f in info.fields],
                "additionalProperties": False,
            }
    defs["error"] = {
        "description": "what the CLI writes when the Python would have raised",
        "type": "object",
        "properties": {
            "error": {
                "type": "object",
                "properties": {
                    "type": {"type": "string", "examples": _errors(b) or ["ValueError"]},
                    "message": {"type": "string"},
                },
                "required": ["type", "message"],
            }
        },
        "required": ["error"],
        "additionalProperties": False,
    }
    defs["request"] = (
        {"oneOf": requests}
        if requests
        else {"description": "nothing callable is used from outside", "not": {}}
    )
    defs["response"] = {"anyOf": [*responses, {"$ref": "#/$defs/error"}]}
    schema = {
        "$schema": SCHEMA_DRAFT,
        "$id": f"urn:goport:contract:{_dotted(b.facts.module)}",
        "title": f"{b.facts.rel_path} as a go-cli: the request read from stdin, the response written to stdout",
        "description": "A request names the Python function in 'call' and its arguments in 'args'.",
        "anyOf": [{"$ref": "#/$defs/request"}, {"$ref": "#/$defs/response"}],
        "$defs": defs,
    }
    return json.dumps(schema, indent=2, ensure_ascii=True) + "\n"


# -- Go API --------------------------------------------------------------------------------------


def _go_api(b: _Boundary, package: str) -> str:
    kinds = b.surface.kinds()
    decls: list[str] = []
    by_name = {f.qualname: f for f in b.facts.functions}
    for name in b.records:
        info = b.surface.classes[name]
        decls.append(_go_class(info, kinds, by_name, b.surface.hints))
    for call in b.calls:
        decls.append(_go_func(call, kinds))
    body = _name_tuples("\n".join(decls))
    pkg = _ident(package).lower()
    head = [
        f"// Package {pkg} is the Go side of {printable(b.facts.rel_path)} as an in-process extension,",
        "// generated by goport plan. A thin CPython wrapper (gopy, or cgo -buildmode=c-shared) exposes",
        "// these under the same Python names, so the import sites stay as they are.",
    ]
    if b.others:
        head.append(f"// Also used from Python, not callable: {printable(', '.join(b.others))}.")
    lines = [*head, f"package {pkg}", ""]
    if "context.Context" in body:
        lines += ['import "context"', ""]
    return ("\n".join(lines) + "\n" + body).rstrip("\n") + "\n"


_INLINE_STRUCT = re.compile(r"struct\{ ([^{}]*) \}")


def _name_tuples(body: str) -> str:
    """Inline tuple structs (``struct{ F0 int; F1 string }``, the one-line sketch's form) as
    named types: gofmt would spread them over lines inside signatures."""
    named: dict[str, str] = {}
    while match := _INLINE_STRUCT.search(body):
        fields = [f.split(" ", 1) for f in match.group(1).split("; ")]
        name = "Tuple" + "".join(
            re.sub(r"[^A-Za-z0-9]", "", t.replace("[]", "List").replace("map[", "Map"))[:1].upper()
            + re.sub(r"[^A-Za-z0-9]", "", t.replace("[]", "List").replace("map[", "Map"))[1:]
            for _f, t in fields
        )
        width = max(len(f) for f, _t in fields)
        rows = "\n".join(f"\t{f.ljust(width)} {t}" for f, t in fields)
        named.setdefault(
            name,
            f"// {name} is a Python tuple: its items in order.\ntype {name} struct {{\n{rows}\n}}\n",
        )
        body = body[: match.start()] + name + body[match.end() :]
    return body + "".join("\n" + decl for decl in named.values())


def _go_class(
    info: surface_mod.ClassInfo,
    kinds: Mapping[str, ClassKind],
    functions: Mapping[str, FunctionFacts],
    hints: Mapping[str, GoHints],
) -> str:
    name = _ident(info.name)
    doc = f"// {name} mirrors the Python {info.kind.value} {printable(info.name)}."
    if info.doc:
        doc += f"\n// {_go_comment(info.doc)}"
    if info.kind is ClassKind.ENUM:
        values = [v for _m, v in info.members]
        if values and all(isinstance(v, str) for v in values):
            base, consts = "string", [json.dumps(v, ensure_ascii=True) for v in values]
        elif values and all(type(v) is int for v in values):
            base, consts = "int", [str(v) for v in values]
        else:
            base, consts = "int", ["iota"] + [""] * (len(values) - 1)
        names = [name + _camel(m.lower()) for m, _v in info.members]
        width = max((len(n) for n in names), default=0)
        rows = [
            f"\t{n.ljust(width)} {name} = {c}" if c else f"\t{n}" for n, c in zip(names, consts)
        ]
        block = "\nconst (\n" + "\n".join(rows) + "\n)\n" if rows else ""
        return f"{doc}\ntype {name} {base}\n{block}"
    if info.kind is ClassKind.ERROR:
        return (
            f"{doc}\ntype {name} struct {{\n\tMsg string\n}}\n\n"
            f"func (e *{name}) Error() string {{ return e.Msg }}\n"
        )
    if info.kind is ClassKind.INTERFACE:
        methods = []
        for q in info.methods:
            fn = functions.get(q)
            last = q.rsplit(".", 1)[-1]
            if fn is None or (last.startswith("_") and go_name(q) == _camel(last.strip("_"))):
                continue
            sig = go_signature(fn, hints.get(q), kinds).split(" // ", 1)[0]
            methods.append("\t" + sig.split(" interface { ", 1)[-1].removesuffix(" }"))
        if not methods:
            return f"{doc}\ntype {name} interface{{}}\n"
        return f"{doc}\ntype {name} interface {{\n" + "\n".join(methods) + "\n}\n"
    fields = [(_camel(f.name), _go_field_type(f.annotation, kinds)) for f in info.fields]
    if not fields:
        return f"{doc}\ntype {name} struct{{}}\n"
    width = max(len(n) for n, _t in fields)
    rows = [f"\t{n.ljust(width)} {t}" for n, t in fields]
    return f"{doc}\ntype {name} struct {{\n" + "\n".join(rows) + "\n}\n"


def _go_comment(text: str) -> str:
    """One line of a Go doc comment that gofmt leaves as it is: no doubled quotes (it makes
    them typographic) and no leading list, heading or quote marker."""
    text = printable(text).replace("``", "`").replace("''", "'")
    return text.lstrip("-*+#>0123456789.) \t") or "-"


def _go_field_type(annotation: str | None, kinds: Mapping[str, ClassKind]) -> str:
    return to_go(parse_type(annotation), kinds)


def _go_func(call: Call, kinds: Mapping[str, ClassKind]) -> str:
    sig = go_signature(call.fn, call.hints, kinds)
    note = ""
    if " // " in sig:
        sig, note = sig.split(" // ", 1)
    rest = sig.split(") ", 1)[1] if sig.startswith("func (") else sig.removeprefix("func ")
    name = rest.split("(", 1)[0]
    lines = [f"// {name} ports {_go_comment(signature_text(call))}."]
    if note:
        lines.append(f"// {note}.")
    return (
        "\n".join(lines)
        + f"\n{sig} {{\n\tpanic({json.dumps('not implemented: ' + call.name)})\n}}\n"
    )


# -- chattiness ----------------------------------------------------------------------------------


def _chatty(
    facts: ModuleFacts, b: _Boundary, sites: list[Crossing], strategy: Strategy
) -> tuple[str, ...]:
    by_name = {f.qualname: f for f in facts.functions}
    out: list[str] = []
    seen: set[tuple[str, int, str]] = set()
    for s in sorted(sites, key=lambda x: (x.rel_path, x.line, x.name)):
        if not s.loop_depth or (s.rel_path, s.line, s.name) in seen:
            continue
        seen.add((s.rel_path, s.line, s.name))
        callee = by_name.get(s.name) or by_name.get(f"{s.name}.__init__")
        over = f"over `{printable(s.loop_over)}`" if s.loop_over else "(a while loop)"
        per = (
            f"about {s.crossings} crossings per call of the enclosing code"
            if s.crossings
            else "one crossing per item"
            if s.loop_depth == 1
            else f"one crossing per item of {s.loop_depth} nested loops (items^{s.loop_depth})"
        )
        where = f"{printable(s.rel_path)}:{s.line}"
        text = f"{where} calls {printable(s.name)}() inside a loop {over} at line {s.loop_line}: {per}; each costs {CROSSING_COST[strategy]}"
        small = callee is None or callee.loop_depth == 0
        if small or strategy is not Strategy.GO_EXTENSION:
            batch = go_name(s.name) + "Batch"
            text += (
                f". The callee does little work per call, so the crossings would eat the gain: batch it "
                f"(add {batch}, taking the whole sequence: one crossing per batch)."
                if small
                else f". Batch it ({batch}: one crossing per batch) unless each call carries enough work to cover that cost."
            )
        else:
            text += ". The callee loops over its input, so each call carries work; pass whole batches where the loop allows."
        out.append(text)
    return tuple(out)
