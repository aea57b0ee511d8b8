"""The contract of a Go CLI: its stdin and stdout documents as JSON Schema."""

from __future__ import annotations

import json
from collections.abc import Mapping

from goport.pytypes import ClassKind, PyType, Shape
from goport.pytypes import parse as parse_type
from goport.roadmap import surface as surface_mod
from goport.roadmap.contract_parts import (
    Surfaced,
    dotted_ident,
    errors_of,
    ident,
    signature_text,
    with_receiver,
)

SCHEMA_DRAFT = "https://json-schema.org/draft/2020-12/schema"


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
        return {"$ref": f"#/$defs/{ident(t.name)}"}
    if s is Shape.CALLABLE:
        return {"description": "a callable: cannot cross a process boundary"}
    return {"description": "type not pinned yet: any JSON value"}


def schema_text(b: Surfaced) -> str:
    defs: dict[str, object] = {}
    requests, responses = _calls(b, defs)
    _records(b, defs)
    defs["error"] = _error(errors_of(b))
    defs["request"] = (
        {"oneOf": requests}
        if requests
        else {"description": "nothing callable is used from outside", "not": {}}
    )
    defs["response"] = {"anyOf": [*responses, {"$ref": "#/$defs/error"}]}
    schema = {
        "$schema": SCHEMA_DRAFT,
        "$id": f"urn:goport:contract:{dotted_ident(b.facts.module)}",
        "title": f"{b.facts.rel_path} as a go-cli: the request read from stdin, the response written to stdout",
        "description": "A request names the Python function in 'call' and its arguments in 'args'.",
        "anyOf": [{"$ref": "#/$defs/request"}, {"$ref": "#/$defs/response"}],
        "$defs": defs,
    }
    return json.dumps(schema, indent=2, ensure_ascii=True) + "\n"


def _error(errors: list[str]) -> dict[str, object]:
    """What the CLI writes instead of a result when the Python would have raised."""
    return {
        "description": "what the CLI writes when the Python would have raised",
        "type": "object",
        "properties": {
            "error": {
                "type": "object",
                "properties": {
                    "type": {"type": "string", "examples": errors or ["ValueError"]},
                    "message": {"type": "string"},
                },
                "required": ["type", "message"],
            }
        },
        "required": ["error"],
        "additionalProperties": False,
    }


def _calls(b: Surfaced, defs: dict[str, object]) -> tuple[list[object], list[object]]:
    """Each call's request and response document in ``defs``; references to them."""
    requests: list[object] = []
    responses: list[object] = []
    for call in b.calls:
        key = dotted_ident(call.name)
        params = with_receiver(b, call)
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
    return requests, responses


def _records(b: Surfaced, defs: dict[str, object]) -> None:
    """An object per record and an enum per enum the boundary carries, in ``defs``."""
    for name in b.records:
        info = b.surface.classes[name]
        if info.kind is ClassKind.ENUM:
            values = [
                v if isinstance(v, (str, int, float, bool)) and v is not None else m
                for m, v in info.members
            ]
            defs[ident(name)] = {"description": f"enum {name}", "enum": values}
        elif info.kind not in (ClassKind.INTERFACE, ClassKind.ERROR):
            fields = {
                f.name: json_type(parse_type(f.annotation), b.surface.classes) for f in info.fields
            }
            defs[ident(name)] = {
                "description": f"{info.kind.value} {name}: {info.doc}".rstrip(": "),
                "type": "object",
                "properties": fields,
                "required": [f.name for f in info.fields],
                "additionalProperties": False,
            }
