"""One plan step's boundary (``contracts.Api`` per module) as a ``GoPackage``.

The Go names follow the plan's sketch (``planning.go_name``, ``New<Class>`` for a constructor,
``<Class><Name>`` for a static or class method, methods on pointer receivers, a
``context.Context`` first where ``planning.needs_context`` says so), made safe and unique by a
``Scope``. Unlike the sketch, every function also returns an ``error``: a stub has to say it
is not implemented, and the protocol answers errors as the Python exception they stand for.
"""

from __future__ import annotations

import ast
import base64
import json
from collections.abc import Sequence

from goport.model import FunctionFacts, Strategy
from goport.planning import go_name, needs_context
from goport.pytypes import NONE, ClassKind, PyType, Shape
from goport.pytypes import parse as parse_type
from goport.roadmap.contract_parts import Call, signature_text
from goport.roadmap.contracts import Api
from goport.roadmap.surface import ClassInfo
from goport.scaffold.gotypes import ANY, Types
from goport.scaffold.model import (
    Crossing,
    DeclKind,
    FuncKind,
    GoDecl,
    GoField,
    GoFunc,
    GoPackage,
    GoParam,
    GoType,
)
from goport.scaffold.names import Scope, camel, comment, exported, go_string, pascal
from goport.text import printable

#: package-level names taken already: the generated runtime's, the replay test's, ``init`` (a
#: Go function of that name runs at start-up and cannot be called), and the locals of the
#: dispatch wrappers (an unexported function of that name would be shadowed in them)
RUNTIME_NAMES = frozenset(
    {"ErrNotImplemented", "PyError", "Dispatch", "TestGolden", "init", "args", "ctx", "err", "self"}
)
#: method names go vet holds to a standard signature (its stdmethods check): a port's methods
#: answer (..., error), so they take another name
VET_METHODS = frozenset(
    """As Format GobDecode GobEncode Is MarshalJSON MarshalXML Peek ReadByte ReadFrom ReadRune
    Scan Seek UnmarshalJSON UnmarshalXML UnreadByte UnreadRune Unwrap WriteByte
    WriteTo""".split()  # noqa: SIM905
)
#: what a JSON tag may hold as it is
_TAG_SAFE = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
_MAX_DEFAULT = 4096  # characters of a literal default restated in Go


def build(number: int, strategy: Strategy, name: str, apis: Sequence[Api]) -> GoPackage:
    """The package of plan step ``number`` (``name``: its Go package name)."""
    scope = Scope(RUNTIME_NAMES)
    types = Types(scope)
    decls: list[GoDecl] = []
    funcs: list[GoFunc] = []
    notes: list[str] = []
    for api in apis:
        classes = _declare(api.classes, scope, types)
        types.use({py: (kind, go) for py, (kind, go, _m) in classes.items()})
        decls.extend(_decl(info, classes[info.name], scope, types) for info in api.classes)
        for call in api.calls:
            funcs.append(_func(api, call, classes, scope, types))
        notes.extend(_notes(api))
    decls.extend(types.tuple_decls)
    modules = tuple((a.module, a.rel_path) for a in apis)
    return GoPackage(name, number, strategy, modules, tuple(decls), tuple(funcs), tuple(notes))


_Classes = dict[str, tuple[ClassKind, str, Scope]]  # Python name -> (kind, Go name, member scope)


def _declare(infos: Sequence[ClassInfo], scope: Scope, types: Types) -> _Classes:
    """A Go name for each class of a module first: fields and signatures refer to them."""
    out: _Classes = {}
    for info in infos:
        if info.kind is ClassKind.INTERFACE:
            out[info.name] = (info.kind, "", Scope())
            continue
        go = scope.take(exported(pascal(info.name)))
        members = Scope(VET_METHODS | {"Error", "PythonType", "Msg"})
        out[info.name] = (info.kind, go, members)
        if info.kind is ClassKind.ENUM:
            types.enum_bases[go] = _enum_base(info)
    return out


def _enum_base(info: ClassInfo) -> str:
    values = [v for _m, v in info.members]
    if values and all(isinstance(v, str) for v in values):
        return "string"
    return "int"


def _decl(
    info: ClassInfo, named: tuple[ClassKind, str, Scope], scope: Scope, types: Types
) -> GoDecl:
    kind, go, members = named
    doc = printable(info.doc)
    if kind is ClassKind.ENUM:
        return _enum(info, go, scope)
    if kind is ClassKind.ERROR:
        return GoDecl(DeclKind.ERROR, go, info.name, doc, (GoField("Msg", "string", ""),))
    if kind is ClassKind.INTERFACE:
        return GoDecl(DeclKind.CLASS, "", info.name, doc)  # not rendered: see _notes
    record = kind is ClassKind.RECORD
    fields = []
    for f in info.fields:
        field_name = members.take(pascal(f.name)) if record else members.take(camel(f.name))
        tag = f.name if record and set(f.name) <= _TAG_SAFE else ""
        fields.append(GoField(field_name, types.go(parse_type(f.annotation)).text, tag))
    decl_kind = DeclKind.RECORD if record else DeclKind.CLASS
    return GoDecl(decl_kind, go, info.name, doc, tuple(fields))


def _enum(info: ClassInfo, go: str, scope: Scope) -> GoDecl:
    """A named string or int; its constants are package-level names, taken in ``scope``."""
    base = _enum_base(info)
    consts = []
    for i, (member, value) in enumerate(info.members):
        const = scope.take(go + pascal(member.lower()))
        if base == "string":
            literal = go_string(str(value))
        elif type(value) is int and -(2**63) <= value < 2**63:
            literal = str(value)
        else:
            literal = str(i)  # a member without a literal int value: its position
        consts.append((const, literal))
    return GoDecl(DeclKind.ENUM, go, info.name, printable(info.doc), (), base, tuple(consts))


def _func(api: Api, call: Call, classes: _Classes, scope: Scope, types: Types) -> GoFunc:
    fn = call.fn
    parts = call.name.split(".")
    owner_py = parts[-2] if len(parts) >= 2 else ""
    owner = classes.get(owner_py)
    bound = bool(owner) and bool(fn.params) and fn.params[0].name == "self"
    plan_name = go_name(call.name) or "X"
    kind, owner_go, receiver = FuncKind.FUNCTION, "", ""
    if owner is not None and owner[1] and bound:
        owner_go = owner[1]
        if parts[-1] == "__init__" and owner[0] is ClassKind.CLASS:
            kind, name = FuncKind.CONSTRUCTOR, scope.take("New" + owner_go)
        else:
            kind = FuncKind.RECORD_METHOD if owner[0] is ClassKind.RECORD else FuncKind.METHOD
            name = owner[2].take(exported(plan_name))
            receiver = camel(owner_go[:1])
    elif owner_py:  # a static or class method: a function named after its class
        prefix = owner[1] if owner is not None and owner[1] else pascal(owner_py)
        name = _package_name(scope, prefix + plan_name[:1].upper() + plan_name[1:], plan_name)
    else:
        name = _package_name(scope, plan_name, plan_name)
    context = needs_context(fn, call.hints)
    local = Scope(({"ctx"} if context else set()) | ({"items", "errs"} if call.stream else set()))
    receiver = local.take(receiver, local=True) if receiver else ""
    params = tuple(
        GoParam(n, py, types.go(t) if t != NONE else ANY, k, d)
        for n, py, t, k, d in _params(call, fn, local)
    )
    return GoFunc(
        module=api.module,
        qualname=call.name,
        where=f"{api.rel_path}:{fn.span.line}",
        python=signature_text(call),
        name=name,
        plan_name=plan_name,
        kind=kind,
        owner=owner_go,
        receiver=receiver,
        context=context,
        params=params,
        results=_results(call, kind, owner_go, types),
        stream=call.stream,
    )


def _package_name(scope: Scope, wanted: str, plan_name: str) -> str:
    """Exported when the plan's name is (the Python name is public), else unexported."""
    if plan_name[:1].isupper():
        return scope.take(exported(wanted))
    return scope.take(camel(wanted), local=True)


def _params(
    call: Call, fn: FunctionFacts, local: Scope
) -> list[tuple[str, str, PyType, str, str | None]]:
    by_name = {p.name: p for p in fn.params}
    out = []
    for py_name, t, _required in call.params:
        param = by_name.get(py_name)
        kind = param.kind if param is not None else "positional"
        default = _literal_json(param.default) if param is not None else None
        out.append((local.take(camel(py_name), local=True), py_name, t, kind, default))
    return out


def _results(call: Call, kind: FuncKind, owner: str, types: Types) -> tuple[GoType, ...]:
    if kind is FuncKind.CONSTRUCTOR:
        return (GoType("*" + owner, "nil", Crossing.HANDLE),)
    returns = call.returns
    if call.stream:
        return (types.go(returns),)
    if returns.shape is Shape.NONE:
        return ()
    if returns.shape is Shape.TUPLE and returns.args and call.fn.returns:
        return tuple(types.go(a) for a in returns.args)  # a tuple returned: Go's results
    return (types.go(returns),)


def _literal_json(text: str | None) -> str | None:
    """A parameter's default (source text) as JSON text when it is a plain literal."""
    if text is None or len(text) > _MAX_DEFAULT:
        return None
    try:
        value = ast.literal_eval(text)
        return json.dumps(_plain(value), allow_nan=False, ensure_ascii=True)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None


def _plain(value: object) -> object:
    """``value`` as the protocol encodes it (bytes as base64, tuples as lists); TypeError for
    what has no JSON form."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {k: _plain(v) for k, v in value.items()}
    raise TypeError("no JSON form")


def _notes(api: Api) -> list[str]:
    out = []
    for info in api.classes:
        if info.kind is ClassKind.INTERFACE:
            out.append(
                f"{comment(info.name)} ({comment(api.rel_path)}) is a callback interface: it "
                "cannot cross the boundary, so values of it are any here."
            )
    if api.others:
        names = comment(", ".join(api.others))
        out.append(f"{comment(api.rel_path)} also exports {names} (not callable: kept in Python).")
    return out
