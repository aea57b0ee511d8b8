"""The state of the semantic-risk walk (``risks``): scopes, what names are bound to, the output.

The walk knows a name's kind only from what the module shows: an annotation (``s: str``), a
literal or constructor it was bound to (``seen = set()``), a str method of a str. ``type_of``
answers "str", "ascii" (a str literal that is all ASCII: bytes and code points agree), "float",
"int", "set", "dict" or "" (unknown); the rules report only on known kinds.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from goport.roadmap.model import Risk
from goport.text import printable

#: kinds, as shown in the plan
INT_WIDTH = "int-width"
STR_INDEX = "str-index"
RE2 = "re2"
FLOAT_FORMAT = "float-format"
ITERATION_ORDER = "iteration-order"
EXCEPTION_FLOW = "exception-flow"
MUTABLE_DEFAULT = "mutable-default"
THREAD_SAFETY = "thread-safety"
EQ_HASH = "eq-hash"

_STR_METHODS = frozenset(
    {
        "strip",
        "lstrip",
        "rstrip",
        "lower",
        "upper",
        "casefold",
        "replace",
        "decode",
        "format",
        "title",
        "removeprefix",
        "removesuffix",
        "expandtabs",
        "zfill",
        "center",
        "ljust",
        "rjust",
    }
)
_STR_TYPES = frozenset({"str"})
_FLOAT_TYPES = frozenset({"float"})
_SET_TYPES = frozenset({"set", "frozenset", "Set", "FrozenSet", "AbstractSet", "MutableSet"})
_DICT_TYPES = frozenset(
    {
        "dict",
        "Dict",
        "defaultdict",
        "DefaultDict",
        "Counter",
        "OrderedDict",
        "Mapping",
        "MutableMapping",
    }
)
_SET_CALLS = frozenset({"set", "frozenset"})
_DICT_CALLS = frozenset({"dict", "defaultdict", "Counter", "OrderedDict"})


def dotted(node: ast.expr) -> str | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def tail(node: ast.expr) -> str:
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return ""


def int_value(node: ast.expr | None) -> int | None:
    """The value of an int literal (also ``2**32`` and ``1 << 64``), else None."""
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Pow, ast.LShift)):
        left, right = int_value(node.left), int_value(node.right)
        if left is not None and right is not None and 0 <= right <= 128 and abs(left) <= 2**16:
            return left**right if isinstance(node.op, ast.Pow) else left << right
    return None


def annotation_type(node: ast.expr | None) -> str:
    """The head name of an annotation (``dict[str, int]`` -> ``dict``, ``str | None`` -> str)."""
    if node is None:
        return ""
    if isinstance(node, ast.Subscript):
        head = tail(node.value)
        if head == "Optional":
            return annotation_type(node.slice)
        return head
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        sides = [annotation_type(node.left), annotation_type(node.right)]
        real = [side for side in sides if side != "None"]
        return real[0] if len(real) == 1 else ""
    if isinstance(node, ast.Constant) and node.value is None:
        return "None"
    return tail(node)


def shows(name: str) -> str:
    """A name or text from the scanned file, safe to print."""
    return printable(name)


def constant_type(value: object) -> str:
    """Strings that are all ASCII index the same in bytes and code points: "ascii", not "str"."""
    if isinstance(value, str):
        return "ascii" if value.isascii() else "str"
    if isinstance(value, bool):
        return ""
    return {int: "int", float: "float"}.get(type(value), "")


@dataclass(slots=True)
class Loop:
    line: int
    unordered: str = ""  # "set" / "dict" when the loop iterates one
    emits: bool = False
    bound: set[str] = field(default_factory=set)  # names (re)bound inside the loop
    is_for: bool = False


@dataclass(slots=True)
class Scope:
    """A module, class or function body: the types the walk has seen bound in it."""

    kind: str  # "module" | "class" | "function"
    name: str
    types: dict[str, str] = field(default_factory=dict)  # name -> "str"/"float"/"set"/"dict"
    loops: list[Loop] = field(default_factory=list)
    locals: set[str] = field(default_factory=set)
    globals: set[str] = field(default_factory=set)
    reported: set[tuple[str, str]] = field(default_factory=set)
    self_name: str = ""  # first parameter of a method
    qualname: str = ""  # "Class.method" for a method, else the name
    withs: list[str] = field(default_factory=list)  # context expressions of enclosing withs
    acquires: bool = False  # calls .acquire() somewhere: a lock is taken by hand


@dataclass(slots=True)
class Mutation:
    function: str
    scope: Scope
    target: str  # the mutated name ("counts", "self.items")
    line: int
    what: str
    withs: tuple[str, ...]


@dataclass(slots=True)
class ClassFacts:
    name: str
    line: int
    methods: dict[str, int] = field(default_factory=dict)
    hash_none: bool = False
    dataclass_frozen: bool | None = None  # None: not a dataclass
    hash_reads: set[str] = field(default_factory=set)
    reassigned: dict[str, int] = field(default_factory=dict)  # attr -> line, outside __init__


class WalkState(ast.NodeVisitor):
    """Where the walk is and what it has found; the rule mixins and the walker extend it."""

    def __init__(self, rel_path: str) -> None:
        self.rel_path = rel_path
        self.risks: list[Risk] = []
        self.scopes: list[Scope] = [Scope("module", "")]
        self.classes: list[ClassFacts] = []
        self.class_info: dict[str, ClassFacts] = {}
        self.re_names: set[str] = set()  # local names of the re module
        self.re_functions: dict[str, str] = {}  # from re import search -> {"search": "search"}
        self.constants: dict[str, str] = {}  # module-level NAME = "literal"
        self.explained: set[int] = set()  # ids of nodes a more specific risk already covered
        self.thread_targets: dict[str, int] = {}  # qualname -> line it is started on a thread
        self.executors: set[str] = set()
        self.lock_names: set[str] = set()
        self.mutations: list[Mutation] = []
        self.key_uses: list[tuple[str, int]] = []  # (class name, line) used as a dict/set key

    def add(self, kind: str, node: ast.AST, message: str, go_note: str) -> None:
        line = getattr(node, "lineno", 1)
        self.risks.append(Risk(kind, self.rel_path, line, message, go_note))

    def result(self) -> tuple[Risk, ...]:
        seen: set[tuple[str, int]] = set()
        unique: list[Risk] = []
        for risk in self.risks:
            if (risk.kind, risk.line) not in seen:
                seen.add((risk.kind, risk.line))
                unique.append(risk)
        return tuple(sorted(unique, key=lambda risk: (risk.line, risk.kind)))

    @property
    def scope(self) -> Scope:
        return self.scopes[-1]

    @property
    def function(self) -> Scope | None:
        return self.scope if self.scope.kind == "function" else None

    def type_of(self, node: ast.expr) -> str:
        """ "str"/"float"/"set"/"dict" when the walk has seen what ``node`` is bound to."""
        name = dotted(node)
        if name is None:
            return self._expr_type(node)
        for scope in reversed(self.scopes):
            if name in scope.types:
                return scope.types[name]
            if scope.kind == "function" and "." not in name and name in scope.locals:
                return ""
        return ""

    def _expr_type(self, node: ast.expr) -> str:
        if isinstance(node, (ast.Set, ast.SetComp)):
            return "set"
        if isinstance(node, (ast.Dict, ast.DictComp)):
            return "dict"
        if isinstance(node, ast.Constant):
            return constant_type(node.value)
        if isinstance(node, ast.JoinedStr):
            return "str"
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            return "float"
        if isinstance(node, ast.Subscript) and self.type_of(node.value) == "str":
            return "str"
        if isinstance(node, ast.Call):
            return self._call_type(node)
        return ""

    def _call_type(self, node: ast.Call) -> str:
        func = node.func
        if isinstance(func, ast.Name):
            known = {"str": "str", "float": "float", "repr": "str"}
            if func.id in _SET_CALLS:
                return "set"
            if func.id in _DICT_CALLS:
                return "dict"
            return known.get(func.id, "")
        if isinstance(func, ast.Attribute):
            if func.attr in _STR_METHODS and self.type_of(func.value) == "str":
                return "str"
            if func.attr in _DICT_CALLS:
                return "dict"
        return ""

    def bind(self, target: ast.expr, kind: str) -> None:
        name = dotted(target)
        if name is None:
            return
        scope = self.scope
        if name.startswith(scope.self_name + ".") and scope.self_name:
            name = "self" + name[len(scope.self_name) :]
            owner = next((s for s in reversed(self.scopes) if s.kind == "class"), None)
            scope = owner or scope
        elif "." in name:
            return
        else:
            scope.locals.add(name)
            for loop in scope.loops:
                loop.bound.add(name)
        if kind:
            scope.types[name] = kind
        else:
            scope.types.pop(name, None)

    def _bind_all(self, target: ast.expr) -> None:
        for element in ast.walk(target):
            if isinstance(element, ast.Name):
                self.bind(element, "")

    def _kind_of_annotation(self, annotation: ast.expr | None) -> str:
        head = annotation_type(annotation)
        if head in _STR_TYPES:
            return "str"
        if head in _FLOAT_TYPES:
            return "float"
        if head in _SET_TYPES:
            return "set"
        if head in _DICT_TYPES:
            return "dict"
        return ""

    def _once(self, kind: str, key: str) -> bool:
        """True when ``kind`` was already reported for ``key`` in this function."""
        scope = self.scope
        if (kind, key) in scope.reported:
            return True
        scope.reported.add((kind, key))
        return False

    def _emits(self, into: str | None = "") -> None:
        """Something leaves the loops in order: printed, yielded, returned or appended to
        ``into``; appending to a collection made inside a loop (or to ``d[k]``) does not count
        for that loop."""
        if into is None:
            return
        root = into.split(".")[0]
        for loop in self.scope.loops:
            loop.emits = loop.emits or root not in loop.bound

    def _explain(self, node: ast.AST) -> None:
        for sub in ast.iter_child_nodes(node):
            if isinstance(sub, ast.Constant):
                self.explained.add(id(sub))
            elif isinstance(sub, ast.BinOp) and int_value(sub) is not None:
                self.explained.update(id(part) for part in ast.walk(sub))
