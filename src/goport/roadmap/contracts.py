"""A step's boundary as a contract file: a ``.proto``, a JSON Schema or a Go API sketch.

The boundary is what other modules use (``Boundary.used_names``). Each name's types come from,
in order: annotations, docstrings (``:param x: int``, Google ``Args:``), the literal arguments
the importing modules pass, and otherwise stay unknown, listed with the line to annotate. The
file depends on how the module moves: a gRPC service for a Go service or worker, the stdin and
stdout documents of a Go CLI as JSON Schema, and a Go package API for an in-process extension.
Calls that cross the boundary inside loops are listed as chattiness, with the advice to batch.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, replace

from goport.model import Boundary, FunctionFacts, ModuleFacts, Strategy
from goport.planning import GoHints, go_name
from goport.pytypes import NONE, UNKNOWN, ClassKind, PyType, Shape
from goport.pytypes import parse as parse_type
from goport.roadmap import surface as surface_mod
from goport.roadmap.contract_parts import (
    Call,
    Surfaced,
    ident,
)
from goport.roadmap.crossings import Crossing, crossings
from goport.roadmap.goapi_contract import go_api_text
from goport.roadmap.model import Contract, ContractKind
from goport.roadmap.proto_contract import proto_text, proto_type
from goport.roadmap.schema_contract import json_type, schema_text
from goport.text import printable

__all__ = [
    "CROSSING_COST",
    "Api",
    "api",
    "contract_for",
    "json_type",
    "proto_type",
]

#: what one call across the boundary costs, by strategy (order of magnitude, stated in the advice)
CROSSING_COST = {
    Strategy.GO_EXTENSION: "about 1 µs (a cgo call and the conversion of its arguments)",
    Strategy.GO_SERVICE: "about 100 µs (a local gRPC round trip)",
    Strategy.GO_WORKER: "about 100 µs (a message through the queue or a local RPC)",
    Strategy.GO_CLI: "about 5 ms (a process per call; tens of µs per document on a kept-open pipe)",
}


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
    stem = ident(facts.module.rsplit(".", 1)[-1]).lower() or "module"
    if strategy in (Strategy.GO_SERVICE, Strategy.GO_WORKER):
        kind, filename, text = ContractKind.PROTO, f"{stem}.proto", proto_text(b, strategy)
    elif strategy is Strategy.GO_CLI:
        kind, filename, text = ContractKind.JSON_SCHEMA, f"{stem}.schema.json", schema_text(b)
    else:
        kind, filename, text = ContractKind.GO_API, f"{stem}_api.go", go_api_text(b, stem)
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
) -> tuple[Surfaced, list[str], list[Crossing]]:
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
) -> Surfaced:
    by_name = {f.qualname: f for f in facts.functions}
    b = Surfaced(facts, surface, [], [], [], [])
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


def _use_class(b: Surfaced, name: str) -> None:
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


def _use_types(b: Surfaced, t: PyType) -> None:
    if t.shape is Shape.NAMED and t.name in b.surface.classes:
        _use_class(b, t.name)
    for a in t.args:
        _use_types(b, a)


def _call(b: Surfaced, fn: FunctionFacts, sites: Mapping[str, tuple[str, str]]) -> Call:
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


# -- chattiness ----------------------------------------------------------------------------------


def _chatty(
    facts: ModuleFacts, b: Surfaced, sites: list[Crossing], strategy: Strategy
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
