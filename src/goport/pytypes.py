"""Python annotations as a small type tree, and that tree as Go.

Annotations arrive as source text (``FunctionFacts`` stores them that way, docstrings and call
sites produce text too). Parsing them once into a ``PyType`` lets the Go sketch, the ``.proto``
and the JSON Schema writers share one reading of ``Optional``, ``X | None``, ``typing.List``,
string forward references and ``Annotated``, instead of three sets of regular expressions.
Parsing uses ``ast`` on the annotation text alone: nothing is imported or evaluated.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache


class Shape(str, Enum):
    SCALAR = "scalar"  # name: int float str bytes bool complex any
    NONE = "none"
    OPTIONAL = "optional"  # args: (T,)
    UNION = "union"  # args: the members, None excluded (an Optional union wraps it)
    LIST = "list"  # args: (T,)
    SET = "set"  # args: (T,)
    TUPLE = "tuple"  # args: fixed members
    DICT = "dict"  # args: (K, V)
    STREAM = "stream"  # Iterator/Generator[T]: args (T,)
    QUEUE = "queue"  # queue.Queue[T], asyncio.Queue[T]: args (T,)
    CALLABLE = "callable"
    NAMED = "named"  # name: a class (of the module, or elsewhere)
    UNKNOWN = "unknown"  # unannotated, or written in a way this reader does not follow


class ClassKind(str, Enum):
    """What a class is, as far as a contract cares."""

    RECORD = "record"  # dataclass, attrs, NamedTuple, TypedDict: a struct / message
    ENUM = "enum"
    INTERFACE = "interface"  # Protocol or ABC: a Go interface
    ERROR = "error"  # an exception class: a Go error type, a gRPC status, an error document
    CLASS = "class"  # anything else: a struct with methods


@dataclass(frozen=True, slots=True)
class PyType:
    shape: Shape
    name: str = ""
    args: tuple[PyType, ...] = ()


UNKNOWN = PyType(Shape.UNKNOWN)
NONE = PyType(Shape.NONE)

_SCALAR_NAMES = {
    "int": "int",
    "float": "float",
    "str": "str",
    "bytes": "bytes",
    "bytearray": "bytes",
    "memoryview": "bytes",
    "bool": "bool",
    "complex": "complex",
    "Any": "any",
    "object": "any",
}
_LISTS = {"list", "List", "Sequence", "MutableSequence", "Iterable", "Collection", "deque"}
_LISTS |= {"Deque", "Reversible"}
_SETS = {"set", "Set", "frozenset", "FrozenSet", "AbstractSet", "MutableSet"}
_DICTS = {"dict", "Dict", "Mapping", "MutableMapping", "defaultdict", "DefaultDict"}
_DICTS |= {"OrderedDict", "Counter"}
_STREAMS = {"Iterator", "Generator", "AsyncIterator", "AsyncGenerator", "AsyncIterable"}
_QUEUES = {"Queue", "SimpleQueue", "LifoQueue", "PriorityQueue", "JoinableQueue"}
_WRAPPERS = {"Final", "ClassVar", "Required", "NotRequired", "ReadOnly", "Annotated"}


@lru_cache(maxsize=4096)
def parse(text: str | None) -> PyType:
    """The type an annotation's source text names; ``UNKNOWN`` for none or unreadable text."""
    if not text or not text.strip():
        return UNKNOWN
    try:
        node = ast.parse(text.strip(), mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return UNKNOWN
    return _node(node, 0)


def _node(node: ast.expr, depth: int) -> PyType:
    if depth > 20:
        return UNKNOWN
    if isinstance(node, ast.Constant):
        if node.value is None:
            return NONE
        if isinstance(node.value, str):  # a forward reference
            return parse(node.value) if depth < 5 else UNKNOWN
        return UNKNOWN
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return union([_node(node.left, depth + 1), _node(node.right, depth + 1)])
    if isinstance(node, (ast.Name, ast.Attribute)):
        return _named(_head(node), ())
    if isinstance(node, ast.Subscript):
        inner = node.slice
        items = list(inner.elts) if isinstance(inner, ast.Tuple) else [inner]
        head = _head(node.value)
        if head == "Literal":
            return union([_literal(i) for i in items])
        if head in _WRAPPERS:
            return _node(items[0], depth + 1) if items else UNKNOWN
        if head == "Callable":
            return PyType(Shape.CALLABLE)
        if head in ("tuple", "Tuple") and len(items) == 2:
            last = items[1]
            if isinstance(last, ast.Constant) and last.value is Ellipsis:
                return PyType(Shape.LIST, args=(_node(items[0], depth + 1),))
        return _named(head, tuple(_node(i, depth + 1) for i in items))
    return UNKNOWN


def _head(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _literal(node: ast.expr) -> PyType:
    if isinstance(node, ast.Constant):
        return of_value(node.value)
    return UNKNOWN


def of_value(value: object) -> PyType:
    """The type of a literal value (for ``Literal[...]`` and call-site constants)."""
    if value is None:
        return NONE
    for py, name in (
        (bool, "bool"),
        (int, "int"),
        (float, "float"),
        (str, "str"),
        (bytes, "bytes"),
    ):
        if isinstance(value, py):
            return PyType(Shape.SCALAR, name)
    return UNKNOWN


def _named(head: str, args: tuple[PyType, ...]) -> PyType:
    first = args[0] if args else UNKNOWN
    if head in ("None", "NoneType"):
        return NONE
    if head in _SCALAR_NAMES:
        return PyType(Shape.SCALAR, _SCALAR_NAMES[head])
    if head == "Optional":
        return union([first, NONE])
    if head == "Union":
        return union(list(args))
    if head in _LISTS:
        return PyType(Shape.LIST, args=(first,))
    if head in _SETS:
        return PyType(Shape.SET, args=(first,))
    if head in ("tuple", "Tuple"):
        return PyType(Shape.TUPLE, args=args) if args else PyType(Shape.LIST, args=(UNKNOWN,))
    if head in _DICTS:
        key = first if args else PyType(Shape.SCALAR, "str")
        default = PyType(Shape.SCALAR, "int") if head == "Counter" else UNKNOWN
        return PyType(Shape.DICT, args=(key, args[1] if len(args) > 1 else default))
    if head in _STREAMS:
        return PyType(Shape.STREAM, args=(first,))
    if head in _QUEUES:
        return PyType(Shape.QUEUE, args=(first,))
    if head == "Callable":
        return PyType(Shape.CALLABLE)
    if head in ("Awaitable", "Coroutine"):
        return args[-1] if args else UNKNOWN
    if head[:1].isupper():
        return PyType(Shape.NAMED, head)
    return UNKNOWN


def union(members: list[PyType]) -> PyType:
    """``A | B | None`` as ``OPTIONAL(UNION(A, B))``; one member stands for itself."""
    flat: list[PyType] = []
    optional = False
    for m in members:
        parts = m.args if m.shape is Shape.UNION else (m,)
        if m.shape is Shape.OPTIONAL:
            optional, parts = True, m.args
        for p in parts:
            if p.shape is Shape.NONE:
                optional = True
            elif p not in flat:
                flat.append(p)
    if not flat:
        return NONE
    core = flat[0] if len(flat) == 1 else PyType(Shape.UNION, args=tuple(flat))
    return PyType(Shape.OPTIONAL, args=(core,)) if optional else core


# -- Go ------------------------------------------------------------------------------------------

_GO_SCALARS = {
    "int": "int",
    "float": "float64",
    "str": "string",
    "bytes": "[]byte",
    "bool": "bool",
    "complex": "complex128",
    "any": "any",
    "uint32": "uint32",
    "uint64": "uint64",
}
_GO_NAMED = {"Decimal": "decimal.Decimal", "datetime": "time.Time", "timedelta": "time.Duration"}
_GO_NAMED |= {"Path": "string", "PurePath": "string", "UUID": "uuid.UUID"}


def to_go(t: PyType, classes: Mapping[str, ClassKind] | None = None) -> str:
    """The Go type for ``t``; ``classes`` says which names are enums and interfaces (by value
    and as is) and which are structs (by pointer)."""
    classes = classes or {}
    shape = t.shape
    if shape is Shape.SCALAR:
        return _GO_SCALARS.get(t.name, "any")
    if shape is Shape.NONE:
        return "struct{}"
    if shape is Shape.OPTIONAL:
        inner = to_go(t.args[0], classes)
        by_ref = inner.startswith(("[]", "map[", "*", "<-chan", "func(", "any", "chan "))
        return inner if by_ref or classes.get(inner) is ClassKind.INTERFACE else "*" + inner
    if shape in (Shape.LIST, Shape.SET):
        return "[]" + to_go(t.args[0], classes)
    if shape is Shape.TUPLE:
        fields = "; ".join(f"F{i} {to_go(a, classes)}" for i, a in enumerate(t.args))
        return "struct{ " + fields + " }"
    if shape is Shape.DICT:
        return f"map[{to_go(t.args[0], classes)}]{to_go(t.args[1], classes)}"
    if shape is Shape.STREAM:
        return "<-chan " + to_go(t.args[0], classes)
    if shape is Shape.QUEUE:
        return "chan " + to_go(t.args[0], classes)
    if shape is Shape.CALLABLE:
        return "func(...any) any"
    if shape is Shape.NAMED:
        if t.name in _GO_NAMED:
            return _GO_NAMED[t.name]
        if classes.get(t.name) in (ClassKind.ENUM, ClassKind.INTERFACE):
            return t.name
        return "*" + t.name
    return "any"  # UNION, UNKNOWN
