"""Semantic risks of a port: Python behaviour that Go does differently, found in the module's code.

The plan shows them per step so a team knows, before writing Go, which lines need a deliberate
decision: unbounded ints against fixed-width ones, ``str`` indexing against Go's byte indexing,
regular expressions RE2 cannot compile, Python's float rounding and printing, insertion-ordered
dicts against randomised Go maps, exceptions as control flow, shared mutable defaults, state that
only the GIL kept consistent, and ``__eq__``/``__hash__`` against Go's comparable map keys.

This is a plan-time pass of its own (the detectors serve scoring and the pre-commit hook): the
source is parsed with the stdlib ``ast`` (never imported or run) and walked once; facts that are
only known later in the file (which functions run on threads, which names hold locks, which
classes are used as keys) are recorded during the walk and joined at the end. Rules prefer
silence to a guess: a risk is reported only where the code shows it (a literal, an annotation, a
binding seen in the same module). A file that does not parse has no risks.
"""

from __future__ import annotations

import ast
import re
import warnings
from dataclasses import dataclass, field

from goport.roadmap.model import Risk
from goport.roadmap.re2check import unsupported
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

_INT64_MAX = 2**63 - 1
_MASK_WIDTHS = {2**16 - 1: 16, 2**32 - 1: 32, 2**64 - 1: 64}
_WRAP_WIDTHS = {2**16: 16, 2**32: 32, 2**64: 64}
_RE_FUNCTIONS = frozenset(
    {"compile", "match", "search", "sub", "subn", "findall", "finditer", "fullmatch", "split"}
)
_LOOKUP_ERRORS = frozenset({"KeyError", "IndexError", "StopIteration", "ValueError"})
_MUTATORS = frozenset(
    {
        "append",
        "appendleft",
        "extend",
        "insert",
        "add",
        "update",
        "setdefault",
        "pop",
        "popleft",
        "remove",
        "discard",
        "clear",
    }
)
_EMITTERS = frozenset({"append", "extend", "write", "writerow", "writelines", "insert"})
_LOCKS = frozenset({"Lock", "RLock", "Condition", "Semaphore", "BoundedSemaphore"})
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
#: methods whose self.x assignments do not change a live key (__hash__ caching its own value)
_SETUP_METHODS = frozenset({"__init__", "__new__", "__post_init__", "__setstate__", "__hash__"})
_SET_CALLS = frozenset({"set", "frozenset"})
_DICT_CALLS = frozenset({"dict", "defaultdict", "Counter", "OrderedDict"})
_FLOAT_SPECS = "eEfFgG%"
#: builtins whose result does not depend on the order of their argument
_ORDER_FREE = frozenset({"sorted", "set", "frozenset", "sum", "min", "max", "len", "any", "all"})
#: one %-conversion: (spec without the %, conversion letter); "%%" is matched and ignored
_PERCENT = re.compile(r"%((?:\([^)]*\))?[#0\- +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?([a-zA-Z%]))")


def semantic_risks(source: bytes, rel_path: str) -> tuple[Risk, ...]:
    """The semantic differences between this module's Python and Go that a port must handle,
    sorted by line, at most one per (kind, line)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escape sequences etc.: not the user's code
            tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return ()
    walker = _Walker(rel_path)
    try:
        walker.visit(tree)
    except RecursionError:
        return ()
    walker.finish()
    return walker.result()


# -- small helpers ---------------------------------------------------------------------------------


def _dotted(node: ast.expr) -> str | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def _tail(node: ast.expr) -> str:
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return ""


def _int(node: ast.expr | None) -> int | None:
    """The value of an int literal (also ``2**32`` and ``1 << 64``), else None."""
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Pow, ast.LShift)):
        left, right = _int(node.left), _int(node.right)
        if left is not None and right is not None and 0 <= right <= 128 and abs(left) <= 2**16:
            return left**right if isinstance(node.op, ast.Pow) else left << right
    return None


def _annotation_type(node: ast.expr | None) -> str:
    """The head name of an annotation (``dict[str, int]`` -> ``dict``, ``str | None`` -> str)."""
    if node is None:
        return ""
    if isinstance(node, ast.Subscript):
        head = _tail(node.value)
        if head == "Optional":
            return _annotation_type(node.slice)
        return head
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        sides = [_annotation_type(node.left), _annotation_type(node.right)]
        real = [side for side in sides if side != "None"]
        return real[0] if len(real) == 1 else ""
    if isinstance(node, ast.Constant) and node.value is None:
        return "None"
    return _tail(node)


def _handler_names(handler: ast.ExceptHandler) -> set[str]:
    kinds = handler.type
    items = kinds.elts if isinstance(kinds, ast.Tuple) else [kinds] if kinds else []
    return {_tail(item) for item in items}


def _shows(name: str) -> str:
    return printable(name)


# -- walk state --------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Loop:
    line: int
    unordered: str = ""  # "set" / "dict" when the loop iterates one
    emits: bool = False
    bound: set[str] = field(default_factory=set)  # names (re)bound inside the loop
    is_for: bool = False


@dataclass(slots=True)
class _Scope:
    """A module, class or function body: the types the walk has seen bound in it."""

    kind: str  # "module" | "class" | "function"
    name: str
    types: dict[str, str] = field(default_factory=dict)  # name -> "str"/"float"/"set"/"dict"
    loops: list[_Loop] = field(default_factory=list)
    locals: set[str] = field(default_factory=set)
    globals: set[str] = field(default_factory=set)
    reported: set[tuple[str, str]] = field(default_factory=set)
    self_name: str = ""  # first parameter of a method
    qualname: str = ""  # "Class.method" for a method, else the name
    withs: list[str] = field(default_factory=list)  # context expressions of enclosing withs
    acquires: bool = False  # calls .acquire() somewhere: a lock is taken by hand


@dataclass(slots=True)
class _Mutation:
    function: str
    scope: _Scope
    target: str  # the mutated name ("counts", "self.items")
    line: int
    what: str
    withs: tuple[str, ...]


@dataclass(slots=True)
class _Class:
    name: str
    line: int
    methods: dict[str, int] = field(default_factory=dict)
    hash_none: bool = False
    dataclass_frozen: bool | None = None  # None: not a dataclass
    hash_reads: set[str] = field(default_factory=set)
    reassigned: dict[str, int] = field(default_factory=dict)  # attr -> line, outside __init__


class _Walker(ast.NodeVisitor):
    """One walk over a module; ``visit_X`` hooks check X and then walk its children."""

    def __init__(self, rel_path: str) -> None:
        self.rel_path = rel_path
        self.risks: list[Risk] = []
        self.scopes: list[_Scope] = [_Scope("module", "")]
        self.classes: list[_Class] = []
        self.class_info: dict[str, _Class] = {}
        self.re_names: set[str] = set()  # local names of the re module
        self.re_functions: dict[str, str] = {}  # from re import search -> {"search": "search"}
        self.constants: dict[str, str] = {}  # module-level NAME = "literal"
        self.explained: set[int] = set()  # ids of nodes a more specific risk already covered
        self.thread_targets: dict[str, int] = {}  # qualname -> line it is started on a thread
        self.executors: set[str] = set()
        self.lock_names: set[str] = set()
        self.mutations: list[_Mutation] = []
        self.key_uses: list[tuple[str, int]] = []  # (class name, line) used as a dict/set key

    # -- output ---------------------------------------------------------------------------------

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

    # -- where we are ------------------------------------------------------------------------------

    @property
    def scope(self) -> _Scope:
        return self.scopes[-1]

    @property
    def function(self) -> _Scope | None:
        return self.scope if self.scope.kind == "function" else None

    def type_of(self, node: ast.expr) -> str:
        """ "str"/"float"/"set"/"dict" when the walk has seen what ``node`` is bound to."""
        name = _dotted(node)
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
            return _constant_type(node.value)
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
        name = _dotted(target)
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

    # -- scopes ------------------------------------------------------------------------------------

    def visit_Module(self, node: ast.Module) -> None:
        self.generic_visit(node)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        info = _Class(node.name, node.lineno)
        for deco in node.decorator_list:
            func = deco.func if isinstance(deco, ast.Call) else deco
            if _tail(func) in {"dataclass", "define", "frozen", "attrs", "s"}:
                frozen = _tail(func) == "frozen" or any(
                    kw.arg == "frozen" and isinstance(kw.value, ast.Constant) and kw.value.value
                    for kw in (deco.keywords if isinstance(deco, ast.Call) else [])
                )
                info.dataclass_frozen = frozen
        for stmt in node.body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                info.methods[stmt.name] = stmt.lineno
            elif isinstance(stmt, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "__hash__" for t in stmt.targets
            ):
                info.hash_none = True
        if self.scope.kind == "module":
            self.class_info[node.name] = info
        self.classes.append(info)
        self.scopes.append(_Scope("class", node.name))
        self.generic_visit(node)
        self.scopes.pop()
        self.classes.pop()
        self._check_class(info)

    def _check_class(self, info: _Class) -> None:
        name = _shows(info.name)
        if "__eq__" in info.methods and "__hash__" not in info.methods and not info.hash_none:
            self.risks.append(
                Risk(
                    EQ_HASH,
                    self.rel_path,
                    info.methods["__eq__"],
                    f"class {name} defines __eq__ without __hash__, so its instances are unhashable "
                    "and compare by the custom __eq__",
                    f"give the Go type an Equal method (== on a struct compares every field, and a "
                    f"struct holding slices or maps is not comparable); use {name} values as map "
                    "keys only through a derived comparable key",
                )
            )
        mutable = sorted(info.hash_reads & info.reassigned.keys())
        if "__hash__" in info.methods and mutable and info.dataclass_frozen is not True:
            attrs = ", ".join(_shows(attr) for attr in mutable)
            self.risks.append(
                Risk(
                    EQ_HASH,
                    self.rel_path,
                    info.methods["__hash__"],
                    f"{name}.__hash__ reads {attrs}, which methods reassign (line "
                    f"{info.reassigned[mutable[0]]}): a key's hash can change while it is in a dict",
                    "Go map keys are copied values: key the map by an immutable value type built "
                    "from those fields, and re-key when they change",
                )
            )

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self._mutable_defaults(node)
        scope = _Scope("function", node.name, qualname=node.name)
        args = [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]
        if (
            self.scope.kind == "class"
            and args
            and not any(_tail(d) == "staticmethod" for d in node.decorator_list)
        ):
            scope.self_name = args[0].arg
            scope.qualname = f"{self.classes[-1].name}.{node.name}"
        for arg in [*args, node.args.vararg, node.args.kwarg]:
            if arg is None:
                continue
            scope.locals.add(arg.arg)
            kind = self._kind_of_annotation(arg.annotation)
            if kind and arg not in (node.args.vararg, node.args.kwarg):
                scope.types[arg.arg] = kind
        if self.classes and self.scope.kind == "class" and node.name == "__hash__":
            self._hash_reads(node, scope.self_name)
        self.scopes.append(scope)
        for stmt in node.body:
            self.visit(stmt)
        self.scopes.pop()
        for deco in node.decorator_list:
            self.visit(deco)

    visit_AsyncFunctionDef = visit_FunctionDef

    def _hash_reads(self, node: ast.FunctionDef | ast.AsyncFunctionDef, self_name: str) -> None:
        # __hash__ is a few lines: walking it twice keeps the whole pass linear.
        for sub in ast.walk(node):
            if (
                isinstance(sub, ast.Attribute)
                and isinstance(sub.value, ast.Name)
                and sub.value.id == self_name
            ):
                self.classes[-1].hash_reads.add(sub.attr)

    def _kind_of_annotation(self, annotation: ast.expr | None) -> str:
        head = _annotation_type(annotation)
        if head in _STR_TYPES:
            return "str"
        if head in _FLOAT_TYPES:
            return "float"
        if head in _SET_TYPES:
            return "set"
        if head in _DICT_TYPES:
            return "dict"
        return ""

    def _mutable_defaults(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        for default in [*node.args.defaults, *node.args.kw_defaults]:
            if default is None:
                continue
            literal = isinstance(
                default, (ast.List, ast.Dict, ast.Set, ast.ListComp, ast.DictComp, ast.SetComp)
            )
            called = isinstance(default, ast.Call) and _tail(default.func) in {
                "list",
                "dict",
                "set",
                "defaultdict",
                "bytearray",
                "deque",
                "Counter",
                "OrderedDict",
            }
            if literal or called:
                self.add(
                    MUTABLE_DEFAULT,
                    default,
                    f"{_shows(node.name)}() has a mutable default argument: Python creates it "
                    "once and every call without the argument shares (and may mutate) it",
                    "Go has no default arguments: take the value (nil for 'absent') and create a "
                    "fresh slice/map per call, unless the sharing was meant, then make it an "
                    "explicit package variable",
                )

    def visit_Lambda(self, node: ast.Lambda) -> None:
        self.scopes.append(_Scope("function", "<lambda>"))
        self.scope.locals.update(a.arg for a in node.args.args)
        self.generic_visit(node)
        self.scopes.pop()

    def visit_Global(self, node: ast.Global) -> None:
        self.scope.globals.update(node.names)

    # -- imports -----------------------------------------------------------------------------------

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.name == "re":
                self.re_names.add(alias.asname or "re")
            if alias.name == "decimal":
                self._decimal(node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.module == "re" and node.level == 0:
            for alias in node.names:
                if alias.name in _RE_FUNCTIONS:
                    self.re_functions[alias.asname or alias.name] = alias.name
        if node.module == "decimal" and node.level == 0:
            self._decimal(node)

    def _decimal(self, node: ast.stmt) -> None:
        self.add(
            FLOAT_FORMAT,
            node,
            "uses decimal: arbitrary-precision decimal arithmetic with a rounding context",
            "Go's standard library has no decimal type: use a decimal package (e.g. "
            "shopspring/decimal) or math/big, and reproduce the context's precision and "
            "rounding mode (Python's default is ROUND_HALF_EVEN)",
        )

    # -- bindings ----------------------------------------------------------------------------------

    def visit_Assign(self, node: ast.Assign) -> None:
        kind = self._expr_type(node.value)
        for target in node.targets:
            self._store(target, node)
            self.bind(target, kind) if not isinstance(target, ast.Tuple) else self._bind_all(target)
            self._binding_facts(target, node.value)
        if len(node.targets) == 1:
            self._self_product(node.targets[0], node.value, node)
        self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self._store(node.target, node)
        self.bind(node.target, self._kind_of_annotation(node.annotation))
        if node.value is not None:
            self._binding_facts(node.target, node.value)
        self.generic_visit(node)

    def _bind_all(self, target: ast.expr) -> None:
        for element in ast.walk(target):
            if isinstance(element, ast.Name):
                self.bind(element, "")

    def _binding_facts(self, target: ast.expr, value: ast.expr) -> None:
        name = _dotted(target)
        if name is None:
            return
        module = self.scope.kind == "module"
        if module and isinstance(value, ast.Constant) and isinstance(value.value, (str, bytes)):
            self.constants[name] = _pattern_text(value.value)
        if isinstance(value, ast.Call):
            called = _tail(value.func)
            if called in _LOCKS:
                self.lock_names.add(_tail(target))
            if called == "ThreadPoolExecutor":
                self.executors.add(name)

    def _store(self, target: ast.expr, node: ast.stmt) -> None:
        """Mutations of shared state for the thread-safety rule, and class instances as keys."""
        if isinstance(target, ast.Subscript):
            if isinstance(target.slice, ast.Call):
                self._key_use(target.slice)
            self._mutation(target.value, node, "item assignment")
        elif isinstance(target, ast.Attribute) and self.classes:
            self._self_store(target, node)
        elif isinstance(target, ast.Name) and self.function and target.id in self.function.globals:
            self._mutation(target, node, "rebinding of a global")

    def _self_store(self, target: ast.Attribute, node: ast.stmt) -> None:
        function = self.function
        if function is None or not function.self_name:
            return
        own = isinstance(target.value, ast.Name) and target.value.id == function.self_name
        if own and function.name not in _SETUP_METHODS:
            self.classes[-1].reassigned.setdefault(target.attr, node.lineno)

    def visit_For(self, node: ast.For | ast.AsyncFor) -> None:
        self.visit(node.iter)
        self._store(node.target, node)
        loop = _Loop(node.lineno, self._unordered(node.iter), is_for=True)
        self.scope.loops.append(loop)
        self._bind_all(node.target)
        self.visit(node.target)
        for stmt in node.body:
            self.visit(stmt)
        self.scope.loops.pop()
        if loop.unordered and loop.emits:
            self._order_risk(node, f"a loop over a {loop.unordered} produces ordered output")
        for stmt in node.orelse:
            self.visit(stmt)

    visit_AsyncFor = visit_For

    def visit_While(self, node: ast.While) -> None:
        self.visit(node.test)
        self.scope.loops.append(_Loop(node.lineno))
        for stmt in node.body:
            self.visit(stmt)
        self.scope.loops.pop()
        for stmt in node.orelse:
            self.visit(stmt)

    def visit_With(self, node: ast.With | ast.AsyncWith) -> None:
        names: list[str] = []
        for item in node.items:
            context = item.context_expr
            executor = isinstance(context, ast.Call) and _tail(context.func) == "ThreadPoolExecutor"
            if executor and item.optional_vars is not None:
                self.executors.add(_dotted(item.optional_vars) or "")
            names.append(_tail(context.func if isinstance(context, ast.Call) else context))
            if item.optional_vars is not None:
                self._bind_all(item.optional_vars)
        self.scope.withs.extend(names)
        self.generic_visit(node)
        del self.scope.withs[len(self.scope.withs) - len(names) :]

    visit_AsyncWith = visit_With

    # -- ints --------------------------------------------------------------------------------------

    def visit_BinOp(self, node: ast.BinOp) -> None:
        op = node.op
        if isinstance(op, ast.BitAnd):
            self._mask(node, _int(node.right) or _int(node.left))
        elif isinstance(op, ast.Mod):
            self._wrap(node)
        elif isinstance(op, ast.Pow):
            self._power(node)
        elif isinstance(op, ast.LShift):
            self._shift(node, node.right)
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self._store(node.target, node)
        op, target = node.op, node.target
        if isinstance(op, ast.BitAnd):
            self._mask(node, _int(node.value))
        elif isinstance(op, ast.LShift):
            self._shift(node, node.value)
        elif isinstance(op, ast.Mult) and self.scope.loops:
            self._product(node, target, node.value)
        if isinstance(target, (ast.Name, ast.Attribute)):
            self._augmented(target, node)
        self.generic_visit(node)

    def _augmented(self, target: ast.Name | ast.Attribute, node: ast.AugAssign) -> None:
        function = self.function
        if function is None:
            return
        if isinstance(target, ast.Attribute):
            self._mutation(target, node, "augmented assignment")

    def _mask(self, node: ast.AST, value: int | None) -> None:
        width = _MASK_WIDTHS.get(value) if value is not None else None
        if width is None:
            return
        self._explain(node)
        self.add(
            INT_WIDTH,
            node,
            f"masks to {width} bits (& 0x{value:X}): Python ints are unbounded, the mask "
            "emulates fixed-width arithmetic",
            f"use uint{width} for this value: Go's uint{width} arithmetic wraps around by itself, "
            "so the mask goes away (keep it only where a wider type is narrowed)",
        )

    def _wrap(self, node: ast.BinOp) -> None:
        if isinstance(node.left, ast.Constant) and isinstance(node.left.value, (str, bytes)):
            self._percent_format(node)
            return
        width = _WRAP_WIDTHS.get(_int(node.right) or 0)
        if width is None:
            return
        self._explain(node.right)
        self.add(
            INT_WIDTH,
            node,
            f"wraps modulo 2**{width}: Python ints are unbounded, the modulo emulates "
            f"{width}-bit arithmetic",
            f"use uint{width}: Go's unsigned arithmetic wraps around modulo 2**{width} by itself "
            "(a Python % on a negative number is never negative; Go's % can be)",
        )

    def _explain(self, node: ast.AST) -> None:
        for sub in ast.iter_child_nodes(node):
            if isinstance(sub, ast.Constant):
                self.explained.add(id(sub))
            elif isinstance(sub, ast.BinOp) and _int(sub) is not None:
                self.explained.update(id(part) for part in ast.walk(sub))

    def _power(self, node: ast.BinOp) -> None:
        base, exponent = _int(node.left), _int(node.right)
        if base is None or abs(base) < 2:
            return
        if exponent is None:
            if isinstance(node.right, ast.Constant):
                return  # a float exponent: float arithmetic
            text = f"{base} ** <variable>"
        elif exponent < 0 or (abs(base) ** exponent).bit_length() <= 63:
            return
        else:
            self.explained.update(id(part) for part in ast.walk(node))
            text = f"{base} ** {exponent}"
        self.add(
            INT_WIDTH,
            node,
            f"{text} can exceed 64 bits: Python ints are unbounded",
            "bound the exponent and use uint64 (or check for overflow), or math/big.Int for "
            "values beyond 64 bits",
        )

    def _shift(self, node: ast.AST, amount: ast.expr) -> None:
        value = _int(amount)
        if value is not None and value <= 62:
            return
        text = "by a variable amount" if value is None else f"by {value}"
        if value is not None:
            self.explained.update(id(part) for part in ast.walk(node))
        self.add(
            INT_WIDTH,
            node,
            f"left shift {text}: Python ints grow, the result can exceed 63 bits",
            "shift a uint64 (a shift of 63 sets the sign bit of an int64; a shift of 64 or more "
            "gives 0 in Go), or use math/big.Int when the result may need more than 64 bits",
        )

    def _self_product(self, target: ast.expr, value: ast.expr, node: ast.Assign) -> None:
        """``x = x * y`` in a loop (not ``x = (x * y) & MASK``)."""
        if not self.scope.loops or not isinstance(value, ast.BinOp):
            return
        if not isinstance(value.op, ast.Mult):
            return
        name = _dotted(target)
        for own, other in ((value.left, value.right), (value.right, value.left)):
            if name is not None and _dotted(own) == name:
                self._product(node, target, other)
                return

    def _product(self, node: ast.stmt, target: ast.expr, factor: ast.expr) -> None:
        if self.type_of(target) != "int" or self.type_of(factor) in {"float", "str"}:
            return  # only a product known to start from an int literal
        loop = self.scope.loops[-1]
        if isinstance(factor, ast.Constant) and not loop.is_for:
            return  # x *= 2 in a while loop: bounded by the loop's own test
        self.add(
            INT_WIDTH,
            node,
            f"{_shows(_dotted(target) or 'a value')} is multiplied on every pass of a loop: a "
            "Python int grows without limit (factorial-style products overflow 64 bits fast)",
            "decide the width: uint64 with wrap-around if that is the intent, an overflow check, "
            "or math/big.Int",
        )

    def visit_Constant(self, node: ast.Constant) -> None:
        value = node.value
        if type(value) is int and value > _INT64_MAX and id(node) not in self.explained:
            fits = "fits uint64" if value < 2**64 else "needs more than 64 bits"
            self.add(
                INT_WIDTH,
                node,
                f"the literal 0x{value:X} is above 2**63-1: it does not fit an int64 ({fits})",
                "declare it (and the values it combines with) uint64"
                if value < 2**64
                else "use math/big.Int",
            )

    # -- text --------------------------------------------------------------------------------------

    def visit_Subscript(self, node: ast.Subscript) -> None:
        if isinstance(node.ctx, ast.Load) and self.type_of(node.value) == "str":
            sliced = isinstance(node.slice, ast.Slice)
            self._str_use(
                node.value, node, "sliced by position" if sliced else "indexed by position"
            )
        self.generic_visit(node)

    def _str_use(self, value: ast.expr, node: ast.AST, how: str) -> None:
        name = _dotted(value)
        if name is None or self._once(STR_INDEX, name):
            return
        shown = _shows(name)
        self.add(
            STR_INDEX,
            node,
            f"the str {shown} is {how}: Python counts code points",
            f"Go strings index and len() by bytes: convert {shown} to []rune for positions "
            "that must match Python's, or keep []byte and check the input is ASCII",
        )

    def _once(self, kind: str, key: str) -> bool:
        """True when ``kind`` was already reported for ``key`` in this function."""
        scope = self.scope
        if (kind, key) in scope.reported:
            return True
        scope.reported.add((kind, key))
        return False

    # -- calls -------------------------------------------------------------------------------------

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Name):
            self._builtin_call(func.id, node)
            if func.id in self.re_functions:
                self._regex(node, self.re_functions[func.id])
        elif isinstance(func, ast.Attribute):
            self._method_call(func, node)
        if _tail(func) == "Thread":
            for kw in node.keywords:
                if kw.arg == "target":
                    self._thread_target(kw.value, node)
        self.generic_visit(node)

    def _builtin_call(self, name: str, node: ast.Call) -> None:
        args = node.args
        if name in _ORDER_FREE:
            self.explained.update(id(arg) for arg in args)
        if name == "len" and len(args) == 1 and self.type_of(args[0]) == "str":
            self._str_use(args[0], node, "measured with len()")
        elif name in {"ord", "chr"} and len(args) == 1 and not self._once(STR_INDEX, name):
            self.add(
                STR_INDEX,
                node,
                f"{name}() converts between a one-character str and its code point",
                "in Go a string index is a byte: range over the string (or []rune) to get runes, "
                "and use string(rune(n)) for chr()",
            )
        elif name == "round" and args:
            self._round(node)
        elif name == "format" and len(args) == 2:
            self._format_spec(args[1], node)
        elif name in {"str", "repr"} and len(args) == 1 and self.type_of(args[0]) == "float":
            self._float_text(node)
        elif name == "next" and args and isinstance(args[0], ast.Call):
            if _tail(args[0].func) == "iter" and isinstance(args[0].func, ast.Name):
                self._order_risk(node, "next(iter(...)) takes the 'first' element")
        elif name in {"list", "tuple"} and len(args) == 1 and self._unordered(args[0]) == "set":
            self._order_risk(node, f"{name}() of a set fixes an arbitrary order")
        elif name == "print":
            self._emits()

    def _method_call(self, func: ast.Attribute, node: ast.Call) -> None:
        method, receiver = func.attr, func.value
        if method in _RE_FUNCTIONS and _dotted(receiver) in self.re_names:
            self._regex(node, method)
        if method == "join" and len(node.args) == 1 and self._unordered(node.args[0]):
            self._order_risk(node, f"join() over a {self._unordered(node.args[0])}")
        elif method == "popitem" and not node.args:
            self._order_risk(node, "popitem() relies on the order items went in")
        elif method == "format" and isinstance(receiver, ast.Constant):
            self._format_template(receiver, node)
        elif node.args and (
            method == "submit" or (method == "map" and _dotted(receiver) in self.executors)
        ):
            self._thread_target(node.args[0], node)
        elif method == "acquire" and self.function:
            self.function.acquires = True
        if method in _EMITTERS:
            self._emits(_dotted(receiver))
        if method in _MUTATORS:
            self._mutation(receiver, node, f".{method}()")
            if method == "add" and node.args and isinstance(node.args[0], ast.Call):
                self._key_use(node.args[0])

    # -- regex -------------------------------------------------------------------------------------

    def _regex(self, node: ast.Call, function: str) -> None:
        if not node.args:
            return
        pattern = node.args[0]
        if isinstance(pattern, ast.Constant) and isinstance(pattern.value, (str, bytes)):
            text = _pattern_text(pattern.value)
        elif isinstance(pattern, ast.Name) and pattern.id in self.constants:
            text = self.constants[pattern.id]
        else:
            return
        flags = node.args[2:] if function in {"sub", "subn"} else node.args[1:]
        flag_nodes = [*flags, *(kw.value for kw in node.keywords if kw.arg == "flags")]
        verbose = any(
            _tail(part) in {"VERBOSE", "X"}
            for flag in flag_nodes
            for part in ast.walk(flag)
            if isinstance(part, (ast.Attribute, ast.Name))
        )
        found = unsupported(text, verbose)
        if found:
            self.add(
                RE2,
                node,
                f"re.{function}() pattern uses what Go's regexp (RE2) does not support: "
                + "; ".join(_shows(item) for item in found),
                "rewrite without it: match a wider pattern and check the context in code "
                "(lookaround), compare captured groups (backreferences), or scan by hand; "
                "RE2 runs in linear time, so there is no backtracking to rely on",
            )

    # -- floats ------------------------------------------------------------------------------------

    def _round(self, node: ast.Call) -> None:
        if len(node.args) == 1 and not node.keywords:
            self.add(
                FLOAT_FORMAT,
                node,
                "round(x) rounds half to even (round(2.5) == 2)",
                "use math.RoundToEven, not math.Round (which rounds half away from zero)",
            )
            return
        self.add(
            FLOAT_FORMAT,
            node,
            "round(x, n) rounds the exact binary value to n decimals, half to even",
            "Go has no round-to-n-digits: math.Round(x*10^n)/10^n differs on halves and "
            "representation; format with strconv.FormatFloat(x, 'f', n, 64) (and parse back if "
            "a number is needed), and test values ending in 5",
        )

    def _format_spec(self, spec: ast.expr, node: ast.AST) -> None:
        text = spec.value if isinstance(spec, ast.Constant) else None
        if isinstance(text, str) and text and text[-1] in _FLOAT_SPECS:
            self._float_spec(text, node)

    def _float_spec(self, spec: str, node: ast.AST) -> None:
        general = spec[-1] in "gG"
        self.add(
            FLOAT_FORMAT,
            node,
            f"formats a float with '{_shows(spec)}'"
            + (": Python's g keeps 6 significant digits by default" if general else ""),
            "Go's fmt %g without a precision prints the shortest representation: give the "
            "precision explicitly (%.6g) and compare outputs on sample values"
            if general
            else "Go's fmt gives the same digits for the same float64 (both round the exact "
            "binary value); keep the value a float64 all the way and test values ending in 5",
        )

    def _percent_format(self, node: ast.BinOp) -> None:
        template = node.left.value if isinstance(node.left, ast.Constant) else ""
        for spec in _percent_specs(template if isinstance(template, str) else ""):
            self._float_spec(spec, node)
            return

    def _format_template(self, template: ast.Constant, node: ast.Call) -> None:
        if not isinstance(template.value, str):
            return
        for part in template.value.split("{")[1:]:
            field_spec = part.split("}", 1)[0]
            if ":" in field_spec:
                spec = field_spec.split(":", 1)[1]
                if spec and spec[-1] in _FLOAT_SPECS:
                    self._float_spec(spec, node)
                    return

    def visit_FormattedValue(self, node: ast.FormattedValue) -> None:
        spec = node.format_spec
        if isinstance(spec, ast.JoinedStr) and len(spec.values) == 1:
            self._format_spec(spec.values[0], node)
        elif spec is None and node.conversion == -1 and self.type_of(node.value) == "float":
            self._float_text(node)
        self.generic_visit(node)

    def _float_text(self, node: ast.AST) -> None:
        self.add(
            FLOAT_FORMAT,
            node,
            "converts a float to text with str()/repr(): Python prints the shortest repr with "
            "'.0' on integral values (1.0) and an exponent from 1e16",
            "Go's fmt prints 1 for 1.0 and switches to an exponent at 1e21: write one helper "
            "that reproduces Python's format (strconv.FormatFloat(x, 'g', -1, 64) plus the "
            "'.0' rule) and test it",
        )

    # -- order -------------------------------------------------------------------------------------

    def _unordered(self, node: ast.expr) -> str:
        """ "set" or "dict" when iterating ``node`` depends on set hashing or dict insertion."""
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in {"items", "keys", "values"} and not node.args:
                return "dict" if self.type_of(node.func.value) == "dict" else ""
            if node.func.attr in {"union", "intersection", "difference", "symmetric_difference"}:
                return "set" if self.type_of(node.func.value) == "set" else ""
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.BitOr, ast.BitAnd, ast.Sub)):
            both = self.type_of(node.left) == "set" == self.type_of(node.right)
            return "set" if both else ""
        if isinstance(node, ast.GeneratorExp):
            return self._unordered(node.generators[0].iter)
        kind = self.type_of(node)
        return kind if kind in {"set", "dict"} else ""

    def _emits(self, into: str | None = "") -> None:
        """Something leaves the loops in order: printed, yielded, returned or appended to
        ``into``; appending to a collection made inside a loop (or to ``d[k]``) does not count
        for that loop."""
        if into is None:
            return
        root = into.split(".")[0]
        for loop in self.scope.loops:
            loop.emits = loop.emits or root not in loop.bound

    def visit_Yield(self, node: ast.Yield) -> None:
        self._emits()
        self.generic_visit(node)

    def visit_YieldFrom(self, node: ast.YieldFrom) -> None:
        self._emits()
        self.generic_visit(node)

    def visit_Return(self, node: ast.Return) -> None:
        if node.value is not None and not isinstance(node.value, ast.Constant):
            self._emits()  # returning the first match found depends on the order
        self.generic_visit(node)

    def visit_ListComp(self, node: ast.ListComp | ast.GeneratorExp) -> None:
        kind = self._unordered(node.generators[0].iter)
        if kind and id(node) not in self.explained:
            self._order_risk(node, f"a list built from a {kind} takes its iteration order")
        self.generic_visit(node)

    def _order_risk(self, node: ast.AST, what: str) -> None:
        self.add(
            ITERATION_ORDER,
            node,
            what + ": Python sets iterate in hash order and dicts in insertion order",
            "Go map iteration order is randomised on every range: sort the keys (slices.Sorted("
            "maps.Keys(m))) or keep an ordered slice beside the map",
        )

    # -- exceptions --------------------------------------------------------------------------------

    def visit_Try(self, node: ast.Try) -> None:
        caught = set().union(*(_handler_names(h) for h in node.handlers)) & _LOOKUP_ERRORS
        if caught and self.scope.loops and len(node.body) <= 3 and _looks_up(node.body):
            names = "/".join(sorted(caught))
            self.add(
                EXCEPTION_FLOW,
                node,
                f"a loop uses try/except {names} around a lookup or parse as control flow",
                "Go has no exceptions: test instead (v, ok := m[k]; a bounds check; "
                "strconv's error return) and branch on the result",
            )
        self.generic_visit(node)

    visit_TryStar = visit_Try

    def visit_Raise(self, node: ast.Raise) -> None:
        exc = node.exc
        raised = _tail(exc.func if isinstance(exc, ast.Call) else exc) if exc else ""
        if raised == "StopIteration":
            self.add(
                EXCEPTION_FLOW,
                node,
                "raise StopIteration ends an iteration by exception",
                "return a (value, ok bool) pair or close the channel; in a Go range-over-func "
                "iterator, return from the yield loop",
            )
        self.generic_visit(node)

    # -- threads -----------------------------------------------------------------------------------

    def _mutation(self, target: ast.expr, node: ast.AST, what: str) -> None:
        function = self.function
        name = _dotted(target)
        if function is None or name is None:
            return
        if function.self_name and name.startswith(function.self_name + "."):
            name = "self" + name[len(function.self_name) :]
        self.mutations.append(
            _Mutation(
                function.qualname,
                function,
                name,
                getattr(node, "lineno", 1),
                what,
                tuple(function.withs),
            )
        )

    def _shared(self, mutation: _Mutation, module_names: set[str]) -> bool:
        root = mutation.target.split(".")[0]
        if root == "self":
            return mutation.target.count(".") >= 1
        if root in mutation.scope.globals:
            return True
        return root in module_names and root not in mutation.scope.locals

    def _locked(self, mutation: _Mutation) -> bool:
        if mutation.scope.acquires:
            return True
        return any(
            name in self.lock_names or "lock" in name.lower() or "mutex" in name.lower()
            for name in mutation.withs
        )

    def _thread_target(self, target: ast.expr, node: ast.Call) -> None:
        """A function started on a thread: ``f`` (module function) or ``self.m`` (a method of
        the enclosing class); other receivers are not resolved."""
        name = _dotted(target)
        function = self.function
        if name is not None and function is not None and function.self_name:
            prefix = function.self_name + "."
            if name.startswith(prefix) and name.count(".") == 1 and self.classes:
                name = f"{self.classes[-1].name}.{name[len(prefix) :]}"
        if name is not None and (name.count(".") == 0 or not name.startswith(("self.", "cls."))):
            self.thread_targets.setdefault(name, node.lineno)

    def _thread_risks(self) -> None:
        module_names = set(self.scopes[0].locals)
        for mutation in self.mutations:
            started = self.thread_targets.get(mutation.function)
            if started is None or not self._shared(mutation, module_names):
                continue
            if self._locked(mutation):
                continue
            shown = _shows(mutation.target)
            self.risks.append(
                Risk(
                    THREAD_SAFETY,
                    self.rel_path,
                    mutation.line,
                    f"{_shows(mutation.function)}() runs on a thread (line {started}) and mutates "
                    f"shared {shown} ({mutation.what}) without a lock: only the GIL keeps it "
                    "consistent",
                    f"goroutines run in parallel: guard {shown} with a sync.Mutex, use sync/atomic "
                    "for counters, or give it to one goroutine and send it updates on a channel",
                )
            )

    # -- keys --------------------------------------------------------------------------------------

    def visit_Dict(self, node: ast.Dict) -> None:
        for key in node.keys:
            if isinstance(key, ast.Call):
                self._key_use(key)
        self.generic_visit(node)

    def visit_Set(self, node: ast.Set) -> None:
        for element in node.elts:
            if isinstance(element, ast.Call):
                self._key_use(element)
        self.generic_visit(node)

    def _key_use(self, call: ast.Call) -> None:
        if isinstance(call.func, ast.Name):
            self.key_uses.append((call.func.id, call.lineno))

    def _key_risks(self) -> None:
        for name, line in self.key_uses:
            info = self.class_info.get(name)
            if info is None:
                continue
            custom = "__eq__" in info.methods or "__hash__" in info.methods
            if custom:
                how = "by its custom __eq__/__hash__"
                note = (
                    "Go's == compares every field: key the map by a comparable value built "
                    "from the fields the Python hash uses"
                )
            elif info.dataclass_frozen is not None:
                how = "by the value of all its fields (dataclass equality)"
                note = (
                    "a Go struct key works only if every field is comparable (no slices, "
                    "maps or funcs): otherwise key by a derived value"
                )
            else:
                how = "by identity (no __eq__)"
                note = (
                    "key the Go map by pointer (*T) to keep identity semantics; a struct "
                    "value key would compare fields instead"
                )
            self.risks.append(
                Risk(
                    EQ_HASH,
                    self.rel_path,
                    line,
                    f"instances of {_shows(name)} are used as dict keys or set members, compared "
                    + how,
                    note,
                )
            )

    # -- end of module -------------------------------------------------------------------------------

    def finish(self) -> None:
        self._thread_risks()
        self._key_risks()


def _constant_type(value: object) -> str:
    """Strings that are all ASCII index the same in bytes and code points: "ascii", not "str"."""
    if isinstance(value, str):
        return "ascii" if value.isascii() else "str"
    if isinstance(value, bool):
        return ""
    return {int: "int", float: "float"}.get(type(value), "")


def _pattern_text(value: str | bytes) -> str:
    return value.decode("latin-1") if isinstance(value, bytes) else value


def _percent_specs(template: str) -> list[str]:
    """The float conversions of a %-format string (``%.2f``, ``%g``), in order."""
    return [match.group(1) for match in _PERCENT.finditer(template) if match.group(2) in "eEfFgG"]


def _looks_up(body: list[ast.stmt]) -> bool:
    """A lookup or parse: a subscript, or a call of int/float/next/.index/.pop/.remove."""
    for stmt in body:
        for node in ast.walk(stmt):
            if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load):
                return True
            if isinstance(node, ast.Call) and _tail(node.func) in {
                "int",
                "float",
                "next",
                "index",
                "pop",
                "remove",
                "Decimal",
                "fromisoformat",
            }:
                return True
    return False
