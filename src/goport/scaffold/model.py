"""The Go package ``goport scaffold`` writes, as values: every name in it already a safe Go
identifier, every type already Go. The renderers only lay these out as text."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from goport.model import Strategy


class Crossing(str, Enum):
    """How a value crosses the JSON boundary."""

    JSON = "json"  # encoding/json straight into / out of the Go type
    HANDLE = "handle"  # a stateful class: a handle string names the object kept on the Go side


@dataclass(frozen=True, slots=True)
class GoType:
    text: str  # the Go type expression: "[]*Token", "map[string]int", "any"
    zero: str  # its zero value as Go source: "0", `""`, "false", "nil", "TupleIntInt{}"
    crossing: Crossing = Crossing.JSON


class FuncKind(str, Enum):
    FUNCTION = "function"  # a module function, a static or class method (no receiver)
    CONSTRUCTOR = "constructor"  # New<Class>: answers a handle
    METHOD = "method"  # a method of a stateful class: its first argument is the handle
    RECORD_METHOD = "record-method"  # a method of a record: its first argument is the record


@dataclass(frozen=True, slots=True)
class GoParam:
    name: str  # the Go parameter name
    py_name: str  # the Python name: keyword arguments bind by it
    type: GoType
    kind: str  # positional | keyword-only | var-positional | var-keyword (model.Param.kind)
    default: str | None  # a literal default as JSON text; None when required or not literal


@dataclass(frozen=True, slots=True)
class GoFunc:
    module: str  # dotted Python module
    qualname: str  # Python qualname
    where: str  # "pkg/mod.py:12"
    python: str  # the Python signature as written (printable)
    name: str  # Go function or method name
    plan_name: str  # goport.planning.go_name: what the golden files and the shim call it
    kind: FuncKind
    owner: str  # the receiver's Go type (METHOD, RECORD_METHOD) or the class (CONSTRUCTOR)
    receiver: str  # the receiver's name (METHOD, RECORD_METHOD), else ""
    context: bool  # takes a context.Context first
    params: tuple[GoParam, ...]  # without the receiver
    results: tuple[GoType, ...]  # without the error; a stream's element type when ``stream``
    stream: bool  # a generator: (<-chan T, <-chan error)

    @property
    def key(self) -> str:
        """The Go name a request may use: ``Name`` or ``Owner.Name`` for a method."""
        return f"{self.owner}.{self.name}" if self.kind in _WITH_RECEIVER else self.name


_WITH_RECEIVER = (FuncKind.METHOD, FuncKind.RECORD_METHOD)


@dataclass(frozen=True, slots=True)
class GoField:
    name: str  # Go field name
    type: str  # Go type
    tag: str  # the JSON name (the Python field's), "" when it cannot be a tag


class DeclKind(str, Enum):
    RECORD = "record"  # a struct that crosses as a JSON object (types.go)
    TUPLE = "tuple"  # a struct that crosses as a JSON array (types.go)
    ENUM = "enum"  # a named string or int with its constants (types.go)
    ERROR = "error"  # an error type that answers with its Python exception name (types.go)
    CLASS = "class"  # a stateful class: the struct users fill in (impl.go)


@dataclass(frozen=True, slots=True)
class GoDecl:
    kind: DeclKind
    name: str  # Go type name
    py_name: str  # the Python class ("" for a tuple)
    doc: str  # one line (printable), may be ""
    fields: tuple[GoField, ...] = ()
    base: str = ""  # an enum's underlying type: "string" or "int"
    consts: tuple[tuple[str, str], ...] = ()  # an enum's (Go name, Go literal)


@dataclass(frozen=True, slots=True)
class GoPackage:
    name: str  # Go package name, also its folder
    step: int  # the plan step it scaffolds
    strategy: Strategy
    modules: tuple[tuple[str, str], ...]  # (dotted module, rel path) of the step
    decls: tuple[GoDecl, ...]
    funcs: tuple[GoFunc, ...]
    notes: tuple[str, ...]  # what the scaffold could not restate (printable sentences)
