"""The contract of a Go service or worker: a gRPC ``.proto`` of the boundary's calls, records,
enums and errors."""

from __future__ import annotations

from collections.abc import Mapping

from goport.model import Strategy
from goport.pytypes import ClassKind, PyType, Shape
from goport.pytypes import parse as parse_type
from goport.roadmap import surface as surface_mod
from goport.roadmap.contract_parts import (
    HANDLE,
    Surfaced,
    camel,
    errors_of,
    ident,
    rpc_name,
    signature_text,
    upper_snake,
    with_receiver,
)
from goport.text import printable

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
        self.reserved = {camel(n) for n in classes}  # names the module's own messages take
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
            return "", camel(t.name)
        return self.value()

    def single(self, t: PyType) -> str:
        """A type usable as a repeated element or a map value: wraps lists and maps."""
        label, name = self.field(t)
        if label in ("repeated", "map"):
            return self.message_for(PyType(Shape.TUPLE, "List", (t,)))
        return name

    def type_name(self, t: PyType) -> str:
        if t.shape is Shape.SCALAR:
            return camel(_PROTO_SCALARS.get(t.name, "value"))
        if t.shape is Shape.NAMED:
            return camel(t.name)
        return camel(t.shape.value) + "".join(self.type_name(a) for a in t.args)

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
    return f"  {prefix}{typ} {ident(name)} = {number};"


def proto_text(b: Surfaced, strategy: Strategy) -> str:
    p = _Proto(b.surface.classes)
    facts = b.facts
    package = ".".join(ident(part).lower() for part in facts.module.split(".") if part)
    service = camel(facts.module.rsplit(".", 1)[-1]) + "Service"
    rpcs, messages = _rpcs(b, p)
    messages += _records(b, p)
    messages += [_message(name, body, "") for name, body in p.extra.items()]
    lines = [
        *_head(b, p, strategy),
        'syntax = "proto3";',
        "",
        f"package {package or 'module'};",
        "",
    ]
    if p.value_used:
        lines += ['import "google/protobuf/struct.proto";', ""]
    if rpcs:
        lines += [f"service {service} {{", *rpcs, "}", ""]
    lines += messages
    return "\n".join(lines).rstrip("\n") + "\n"


def _rpcs(b: Surfaced, p: _Proto) -> tuple[list[str], list[str]]:
    """The service's rpc lines and their request and response messages."""
    taken = set(p.reserved)
    rpcs: list[str] = []
    messages: list[str] = []
    for call in b.calls:
        rpc = base = rpc_name(call)
        n = 2
        while f"{rpc}Request" in taken or f"{rpc}Response" in taken:
            rpc, n = f"{base}{n}", n + 1
        taken |= {f"{rpc}Request", f"{rpc}Response"}
        fields = [(*p.field(t), name) for name, t, _req in with_receiver(b, call)]
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
    return rpcs, messages


def _records(b: Surfaced, p: _Proto) -> list[str]:
    """A message per record and an enum per enum the boundary carries."""
    messages: list[str] = []
    for name in b.records:
        info = b.surface.classes[name]
        if info.kind is ClassKind.ENUM:
            messages.append(_proto_enum(info))
        elif info.kind not in (ClassKind.INTERFACE, ClassKind.ERROR):
            rows = [
                _proto_field(*p.field(parse_type(f.annotation)), f.name, i + 1)
                for i, f in enumerate(info.fields)
            ]
            doc = f"{info.kind.value} {name}" + (f": {info.doc}" if info.doc else "")
            messages.append(_message(camel(name), rows, doc))
    return messages


def _head(b: Surfaced, p: _Proto, strategy: Strategy) -> list[str]:
    """The comment on top: what the file is, and what does not cross as it is."""
    interfaces = [n for n in b.records if b.surface.classes[n].kind is ClassKind.INTERFACE]
    errors = errors_of(b)
    head = [
        f"// Boundary of {printable(b.facts.rel_path)} as a {strategy.value}: generated by goport plan.",
        "// Python callers switch to this service's client; the names they use are the rpcs below.",
    ]
    if any(with_receiver(b, c)[:1] == [HANDLE] for c in b.calls):
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
    return head


def _message(name: str, fields: list[str], doc: str) -> str:
    comment = f"// {printable(doc)}\n" if doc else ""
    if not fields:
        return f"{comment}message {name} {{}}\n"
    return f"{comment}message {name} {{\n" + "\n".join(fields) + "\n}\n"


def _proto_enum(info: surface_mod.ClassInfo) -> str:
    prefix = upper_snake(info.name)
    values = [f"  {prefix}_UNSPECIFIED = 0;"]
    values += [f"  {prefix}_{upper_snake(m)} = {i + 1};" for i, (m, _v) in enumerate(info.members)]
    return (
        f"// enum {printable(info.name)}\nenum {camel(info.name)} {{\n"
        + "\n".join(values)
        + "\n}\n"
    )
