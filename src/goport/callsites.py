"""Call sites and the shape of each function's work, collected during extract's one walk.

The project stage (``hotpath``) estimates where run time goes from what is recorded here: for
every function, and for module-level code (the ``<module>`` pseudo-function), each call site with
its absolute target and loop depth, and a few counts of the work its body does per call.

Why hooks on the existing walk and not a visitor of its own: a second traversal of the libcst
tree costs about as much as the first; the walker already dispatches every node type to its
handlers with one dict lookup, so this collector registers ``visit_X`` / ``leave_X`` methods like a
detector (``leave_X`` runs on leaving X) and keeps its own state in plain dicts and counters.

What the walk knows without scope analysis (libcst's scope provider costs ~10x a parse):

- a name is resolved through the module's imports and aliases, through the definitions nested in
  the enclosing functions so far, and otherwise names something of this module (``pkg.mod.f``);
  after the walk, a site whose local name the module never defines (a builtin, a local variable)
  is dropped, unless the module has a star import the project stage can follow;
- the type of a name is known locally from ``x = Foo(...)``, ``x: Foo``, a parameter annotated
  ``Foo`` (``Optional[Foo]``, ``Foo | None``, ``"Foo"`` too) and ``self`` / ``cls`` in a class's
  methods; on such a name the syntax that runs a method is recorded: ``x.m()``, ``x[i]``,
  ``len(x)``, ``for _ in x``, ``x + y``, ``x == y``, ``x in y``, ``with x``, ``x()``, ``d[x]``
  (hash). Attribute access (properties, ``__getattr__``) is out of scope;
- ``.m()`` on a receiver of unknown type (``self.parser.feed()``, ``node.visit()``) is kept as a
  call of ``m`` by name (kind ATTR), for the project stage to match against the project's
  methods; names of str/list/dict methods (``append``, ``get``, ``join``) are left out;
- loop depth counts ``for`` and ``while`` bodies and each ``for`` of a comprehension; a ``for``'s
  iterable and ``else`` run once, a ``while``'s test runs every round. Branch depth counts the
  ``if``/``elif``/``else``, ``except`` and ``case`` bodies around a call.
"""

from __future__ import annotations

import builtins
import re
from dataclasses import dataclass, field

import libcst as cst

from goport.detectors.base import Context, dotted
from goport.model import MODULE_SCOPE, CallKind, CallSite, WorkShape

#: names Python provides without an import; a call of one is not a project call unless the
#: module itself defined the name first
_BUILTINS = frozenset(dir(builtins))

#: builtins that run a protocol method of their (first) argument
_BUILTIN_DUNDERS: dict[str, tuple[str, ...]] = {
    "len": ("__len__",),
    "hash": ("__hash__",),
    "iter": ("__iter__",),
    "next": ("__next__",),
    "repr": ("__repr__",),
    "str": ("__str__",),
    "bool": ("__bool__",),
    "abs": ("__abs__",),
    "int": ("__int__",),
    "float": ("__float__",),
    "format": ("__format__",),
    "reversed": ("__reversed__",),
    "list": ("__iter__",),
    "tuple": ("__iter__",),
    "sorted": ("__iter__",),
    "sum": ("__iter__",),
}

#: binary operator -> (method on the left operand, reflected method on the right, is a bit op)
_BINARY: dict[type, tuple[str, str, bool]] = {
    cst.Add: ("__add__", "__radd__", False),
    cst.Subtract: ("__sub__", "__rsub__", False),
    cst.Multiply: ("__mul__", "__rmul__", False),
    cst.Divide: ("__truediv__", "__rtruediv__", False),
    cst.FloorDivide: ("__floordiv__", "__rfloordiv__", False),
    cst.Modulo: ("__mod__", "__rmod__", False),
    cst.Power: ("__pow__", "__rpow__", False),
    cst.MatrixMultiply: ("__matmul__", "__rmatmul__", False),
    cst.LeftShift: ("__lshift__", "__rlshift__", True),
    cst.RightShift: ("__rshift__", "__rrshift__", True),
    cst.BitAnd: ("__and__", "__rand__", True),
    cst.BitOr: ("__or__", "__ror__", True),
    cst.BitXor: ("__xor__", "__rxor__", True),
}

#: augmented assignment -> (in-place method, is a bit op); ``hotpath`` falls back to the plain one
_AUGMENTED: dict[type, tuple[str, bool]] = {
    cst.AddAssign: ("__iadd__", False),
    cst.SubtractAssign: ("__isub__", False),
    cst.MultiplyAssign: ("__imul__", False),
    cst.DivideAssign: ("__itruediv__", False),
    cst.FloorDivideAssign: ("__ifloordiv__", False),
    cst.ModuloAssign: ("__imod__", False),
    cst.PowerAssign: ("__ipow__", False),
    cst.MatrixMultiplyAssign: ("__imatmul__", False),
    cst.LeftShiftAssign: ("__ilshift__", True),
    cst.RightShiftAssign: ("__irshift__", True),
    cst.BitAndAssign: ("__iand__", True),
    cst.BitOrAssign: ("__ior__", True),
    cst.BitXorAssign: ("__ixor__", True),
}

#: comparison -> (method on the left operand, reflected method on the right)
_COMPARE: dict[type, tuple[str, str]] = {
    cst.Equal: ("__eq__", "__eq__"),
    cst.NotEqual: ("__ne__", "__ne__"),
    cst.LessThan: ("__lt__", "__gt__"),
    cst.LessThanEqual: ("__le__", "__ge__"),
    cst.GreaterThan: ("__gt__", "__lt__"),
    cst.GreaterThanEqual: ("__ge__", "__le__"),
}

_UNARY: dict[type, tuple[str, bool]] = {
    cst.Minus: ("__neg__", False),
    cst.Plus: ("__pos__", False),
    cst.BitInvert: ("__invert__", True),
}

#: methods of the builtin types: ``.m()`` on a receiver of unknown type with one of these names
#: is most likely a str, list or dict call, so it is not matched to project methods by name
_BUILTIN_METHODS = frozenset(
    name
    for kind in (str, bytes, bytearray, list, tuple, dict, set, frozenset, int, float, object)
    for name in dir(kind)
)

_DOTTED = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*")

#: (target, loop depth, branch depth, kind, local name): the local name is "" for a target
#: resolved through an import, else the module-level name the target starts with (checked once
#: the module is read)
_Key = tuple[str, int, int, CallKind, str]


@dataclass(slots=True)
class Scope:
    """One function (or the module) being walked: its call sites, types and counters."""

    name: str
    is_method: bool = False
    self_name: str = ""  # the instance parameter of a method ("self")
    depth: int = 0
    branch: int = 0  # enclosing if/elif/else, except and case bodies
    while_depth: int = 0
    sites: dict[_Key, int] = field(default_factory=dict)
    instances: dict[str, str] = field(default_factory=dict)  # name -> its class (absolute)
    classes: dict[str, str] = field(default_factory=dict)  # name -> the class it is (cls)
    defs: dict[str, str] = field(default_factory=dict)  # nested def/class name -> absolute
    locals: set[str] = field(default_factory=set)  # parameters and assigned names (functions)
    indexed: set[str] = field(default_factory=set)  # names used as an index inside a while
    stepped: set[str] = field(default_factory=set)  # names stepped by an integer inside a while
    statements: int = 0
    loop_statements: int = 0
    nested_loop_statements: int = 0
    arith: int = 0
    bitops: int = 0
    compares: int = 0
    subscripts: int = 0
    calls: int = 0
    max_depth: int = 0
    recursive: bool = False

    def work(self) -> WorkShape:
        return WorkShape(
            statements=self.statements,
            loop_statements=self.loop_statements,
            nested_loop_statements=self.nested_loop_statements,
            loop_arith=self.arith,
            loop_bitops=self.bitops,
            loop_compares=self.compares,
            loop_subscripts=self.subscripts,
            loop_calls=self.calls,
            max_loop_depth=self.max_depth,
            while_index_scan=bool(self.indexed & self.stepped),
            recursive=self.recursive,
        )


class CallSiteCollector:
    """Registered on the walker like a detector: ``visit_X`` on entering, ``leave_X`` on leaving.

    Finished functions wait in ``finished`` (by ``id`` of their FunctionDef) for the walker to
    take; their sites are filtered by ``sites_of`` once the whole module has been read.
    """

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.prefix = ctx.module + "."
        self.module = Scope(MODULE_SCOPE)
        self.scopes: list[Scope] = [self.module]
        self.frames: list[str] = []  # "class" or "function", innermost last
        self.classes: list[str] = []  # absolute names of the enclosing classes
        self.module_names: set[str] = set()  # names the module defines at top level
        self.depth_at: dict[int, int] = {}  # id of a block or comprehension part -> its depth
        self.saved: list[int] = []  # depths to restore on leaving a loop or comprehension
        self.branch_at: dict[int, int] = {}  # id of an if's body or else -> its branch depth
        self.saved_branches: list[int] = []
        self.stores: dict[int, str] = {}  # id of a Subscript -> "set" | "del" | "aug"
        self.finished: dict[int, Scope] = {}

    # -- results ------------------------------------------------------------------------------
    def take(self, node: cst.FunctionDef) -> Scope:
        return self.finished.pop(id(node))

    def sites_of(self, scope: Scope) -> tuple[CallSite, ...]:
        """The scope's call sites, once the module's own names are all known.

        A site on a local name the module does not define is a call of a builtin or of a local
        variable: ``callback()`` is dropped, ``obj.m()`` becomes a call of ``.m()`` by name.
        """
        star = "*" in self.ctx.aliases
        names = self.module_names
        out: dict[tuple[str, int, CallKind, int], int] = {}
        for (target, depth, branch, kind, local), count in scope.sites.items():
            if local and local not in names and not star:
                method = target.rpartition(".")[2]
                if len(target) == len(self.prefix) + len(local) or method in _BUILTIN_METHODS:
                    continue
                target, kind = method, CallKind.ATTR
            site = (target, depth, kind, branch)
            out[site] = out.get(site, 0) + count
        return tuple(sorted(CallSite(t, d, k, b, c) for (t, d, k, b), c in out.items()))

    # -- helpers ------------------------------------------------------------------------------
    @property
    def scope(self) -> Scope:
        return self.scopes[-1]

    def _add(self, target: str, kind: CallKind, local: str = "", depth: int | None = None) -> None:
        scope = self.scopes[-1]
        key = (target, scope.depth if depth is None else depth, scope.branch, kind, local)
        scope.sites[key] = scope.sites.get(key, 0) + 1

    def _set_depth(self, depth: int) -> None:
        scope = self.scopes[-1]
        scope.depth = depth
        scope.max_depth = max(scope.max_depth, depth)

    def _qualify(self, name: str) -> tuple[str, str] | None:
        """(absolute name, local name or "") of a name used in this scope; None for a local
        variable (a parameter or an assigned name of an enclosing function)."""
        for scope in reversed(self.scopes):
            found = scope.defs.get(name)
            if found is not None:
                return found, ""
            if name in scope.locals:
                return None
        alias = self.ctx.aliases.get(name)
        if alias is not None:
            return alias, ""
        return self.prefix + name, name

    def _is_builtin(self, name: str) -> bool:
        if name not in _BUILTINS or name in self.ctx.aliases or name in self.module_names:
            return False
        return not any(name in scope.defs for scope in self.scopes)

    def _type_of(self, node: cst.BaseExpression | None) -> tuple[str, str] | None:
        """(absolute class name, local name) an annotation names, if it is one class."""
        if isinstance(node, cst.SimpleString):
            text = node.evaluated_value
            if isinstance(text, str) and _DOTTED.fullmatch(text):
                head, _, rest = text.partition(".")
                return self._dotted_type(head, rest)
            return None
        if isinstance(node, cst.Subscript):  # Optional[Foo]
            value = node.value
            name = value.attr.value if isinstance(value, cst.Attribute) else _name(value)
            if name == "Optional" and len(node.slice) == 1:
                inner = node.slice[0].slice
                return self._type_of(inner.value) if isinstance(inner, cst.Index) else None
            return None
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
            if _name(node.right) == "None":  # Foo | None
                return self._type_of(node.left)
            if _name(node.left) == "None":
                return self._type_of(node.right)
            return None
        parts = None if node is None else _parts(node)
        if parts is None:
            return None
        return self._dotted_type(parts[0], ".".join(parts[1:]))

    def _dotted_type(self, head: str, rest: str) -> tuple[str, str] | None:
        if self._is_builtin(head) or head == "None":
            return None
        found = self._qualify(head)
        if found is None:
            return None
        base, local = found
        return (f"{base}.{rest}" if rest else base), local

    # -- scopes -------------------------------------------------------------------------------
    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        name = node.name.value
        parent_kind = self.frames[-1] if self.frames else "module"
        parent = self.scopes[-1]
        qualname = ".".join(self.ctx.scopes[:-1])  # the walker has entered the function
        if parent_kind == "function":
            parent.defs[name] = self.prefix + qualname
        elif parent_kind == "module":
            self.module_names.add(name)
        scope = Scope(name, is_method=parent_kind == "class")
        if parent_kind == "function":  # a closure sees the enclosing function's names
            scope.instances.update(parent.instances)
            scope.classes.update(parent.classes)
        self.frames.append("function")
        self.scopes.append(scope)
        self._type_params(node, scope)

    def _type_params(self, node: cst.FunctionDef, scope: Scope) -> None:
        params = node.params
        positional = [*params.posonly_params, *params.params]
        first = positional[0].name.value if positional else None
        if scope.is_method and first is not None and self.classes:
            decorators = {_name(d.decorator) for d in node.decorators}
            if "classmethod" in decorators:
                scope.classes[first] = self.classes[-1]
            elif "staticmethod" not in decorators:
                scope.instances[first] = self.classes[-1]
                scope.self_name = first
        for param in (*positional, *params.kwonly_params):
            name = param.name.value
            scope.locals.add(name)
            if param.annotation is not None and name != scope.self_name:
                found = self._type_of(param.annotation.annotation)
                if found is not None:
                    scope.instances[name] = found[0]
        for star in (params.star_arg, params.star_kwarg):
            if isinstance(star, cst.Param):
                scope.locals.add(star.name.value)

    def _bind(self, target: cst.BaseExpression) -> None:
        """Names a function's assignment or for loop binds are its local variables."""
        if len(self.scopes) == 1:
            return  # module level: globals, which the module's own names cover
        if isinstance(target, cst.Name):
            self.scopes[-1].locals.add(target.value)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._bind(element.value)
        elif isinstance(target, cst.StarredElement):
            self._bind(target.value)

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.frames.pop()
        self.finished[id(node)] = self.scopes.pop()
        self._statement()

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        name = node.name.value
        parent_kind = self.frames[-1] if self.frames else "module"
        absolute = self.prefix + ".".join(self.ctx.scopes)  # the walker has entered the class
        if parent_kind == "function":
            self.scopes[-1].defs[name] = absolute
        elif parent_kind == "module":
            self.module_names.add(name)
        self.frames.append("class")
        self.classes.append(absolute)

    def leave_ClassDef(self, node: cst.ClassDef) -> None:
        self.frames.pop()
        self.classes.pop()
        self._statement()

    # -- loop depth ---------------------------------------------------------------------------
    def visit_For(self, node: cst.For) -> None:
        self._bind(node.target)
        depth = self.scopes[-1].depth
        self.saved.append(depth)
        self.depth_at[id(node.body)] = depth + 1
        if node.orelse is not None:
            self.depth_at[id(node.orelse)] = depth
        self._iterated(node.iter, depth)

    def leave_For(self, node: cst.For) -> None:
        self.scopes[-1].depth = self.saved.pop()
        self._statement()

    def visit_While(self, node: cst.While) -> None:
        scope = self.scopes[-1]
        self.saved.append(scope.depth)
        if node.orelse is not None:
            self.depth_at[id(node.orelse)] = scope.depth
        scope.while_depth += 1
        self._set_depth(scope.depth + 1)

    def leave_While(self, node: cst.While) -> None:
        scope = self.scopes[-1]
        scope.depth = self.saved.pop()
        scope.while_depth -= 1
        self._statement()

    def visit_BaseComp(self, node: cst.BaseComp) -> None:
        # the element is written first but runs in the innermost loop: every part's depth is
        # known here, and set as the walk enters it
        depth = self.scopes[-1].depth
        self.saved.append(depth)
        level: cst.CompFor | None = node.for_in
        while level is not None:
            self.depth_at[id(level)] = depth
            depth += 1
            for test in level.ifs:
                self.depth_at[id(test)] = depth
            level = level.inner_for_in
        self._set_depth(depth)

    def leave_BaseComp(self, node: cst.BaseComp) -> None:
        self.scopes[-1].depth = self.saved.pop()

    def visit_CompFor(self, node: cst.CompFor) -> None:
        depth = self.depth_at.pop(id(node), None)
        if depth is not None:
            self.scopes[-1].depth = depth
            self._iterated(node.iter, depth)

    def _enter_block(self, node: cst.CSTNode) -> None:
        depth = self.depth_at.pop(id(node), None)
        if depth is not None:
            self._set_depth(depth)
        branch = self.branch_at.pop(id(node), None)
        if branch is not None:
            self.scopes[-1].branch = branch

    visit_CompIf = _enter_block
    visit_IndentedBlock = _enter_block
    visit_SimpleStatementSuite = _enter_block
    visit_Else = _enter_block

    # -- branch depth: Wu & Larus take an unpredicted branch half the time ----------------------
    def visit_If(self, node: cst.If) -> None:
        scope = self.scopes[-1]
        self.saved_branches.append(scope.branch)
        branch = self.branch_at.pop(id(node), None)  # an elif: the else of the if before
        if branch is not None:
            scope.branch = branch
        if not self.frames and is_main_guard(node.test):
            return  # when the module runs as the program, its main block always runs
        self.branch_at[id(node.body)] = scope.branch + 1
        if node.orelse is not None:
            self.branch_at[id(node.orelse)] = scope.branch + 1

    def _enter_branch(self, node: cst.CSTNode) -> None:
        scope = self.scopes[-1]
        self.saved_branches.append(scope.branch)
        scope.branch += 1

    def _leave_branch(self, node: cst.CSTNode) -> None:
        self.scopes[-1].branch = self.saved_branches.pop()

    visit_ExceptHandler = _enter_branch
    visit_ExceptStarHandler = _enter_branch
    visit_MatchCase = _enter_branch
    leave_ExceptHandler = _leave_branch
    leave_ExceptStarHandler = _leave_branch
    leave_MatchCase = _leave_branch

    def _iterated(self, iterable: cst.BaseExpression, depth: int) -> None:
        if isinstance(iterable, cst.Name):
            cls = self.scopes[-1].instances.get(iterable.value)
            if cls is not None:
                self._add(cls + ".__iter__", CallKind.DUNDER, depth=depth)
                self._add(cls + ".__next__", CallKind.DUNDER, depth=depth + 1)

    # -- statements ---------------------------------------------------------------------------
    def _statement(self) -> None:
        scope = self.scopes[-1]
        scope.statements += 1
        if scope.depth:
            scope.loop_statements += 1
            if scope.depth > 1:
                scope.nested_loop_statements += 1

    def leave_BaseSmallStatement(self, node: cst.BaseSmallStatement) -> None:
        self._statement()  # Assign, AugAssign... are counted here, not in their own hooks

    def leave_If(self, node: cst.If) -> None:
        self.scopes[-1].branch = self.saved_branches.pop()
        self._statement()

    def leave_Try(self, node: cst.Try) -> None:
        self._statement()

    def leave_TryStar(self, node: cst.TryStar) -> None:
        self._statement()

    def leave_With(self, node: cst.With) -> None:
        self._statement()

    def leave_Match(self, node: cst.Match) -> None:
        self._statement()

    def visit_With(self, node: cst.With) -> None:
        instances = self.scopes[-1].instances
        enter, exit_ = (
            ("__aenter__", "__aexit__") if node.asynchronous else ("__enter__", "__exit__")
        )
        for item in node.items:
            if isinstance(item.item, cst.Name):
                cls = instances.get(item.item.value)
                if cls is not None:
                    self._add(cls + "." + enter, CallKind.DUNDER)
                    self._add(cls + "." + exit_, CallKind.DUNDER)

    # -- assignments: stores and local types --------------------------------------------------
    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            if isinstance(target.target, cst.Subscript):
                self.stores[id(target.target)] = "set"
            else:
                self._bind(target.target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if isinstance(node.target, cst.Subscript):
            self.stores[id(node.target)] = "set"
        else:
            self._bind(node.target)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        if isinstance(node.target, cst.Subscript):
            self.stores[id(node.target)] = "aug"

    def visit_Del(self, node: cst.Del) -> None:
        if isinstance(node.target, cst.Subscript):
            self.stores[id(node.target)] = "del"

    def leave_Assign(self, node: cst.Assign) -> None:
        if len(node.targets) != 1:
            return
        target = node.targets[0].target
        if not isinstance(target, cst.Name):
            return
        scope = self.scopes[-1]
        name = target.value
        value = node.value
        cls = self._instance_of(value) if isinstance(value, cst.Call) else None
        if cls is None:
            scope.instances.pop(name, None)
        else:
            scope.instances[name] = cls
        scope.classes.pop(name, None)
        if (
            scope.while_depth
            and isinstance(value, cst.BinaryOperation)
            and isinstance(value.operator, (cst.Add, cst.Subtract))
            and _name(value.left) == name
            and isinstance(value.right, cst.Integer)
        ):
            scope.stepped.add(name)  # i = i + 1

    def leave_AnnAssign(self, node: cst.AnnAssign) -> None:
        if isinstance(node.target, cst.Name):
            found = self._type_of(node.annotation.annotation)
            scope = self.scopes[-1]
            if found is None:
                scope.instances.pop(node.target.value, None)
            else:
                scope.instances[node.target.value] = found[0]

    def _instance_of(self, call: cst.Call) -> str | None:
        """The class ``Foo(...)`` / ``mod.Foo(...)`` / ``cls(...)`` instantiates, if it is one."""
        parts = _parts(call.func)
        if parts is None:
            return None
        if len(parts) == 1:
            cls = self.scopes[-1].classes.get(parts[0])
            if cls is not None:
                return cls
        found = self._dotted_type(parts[0], ".".join(parts[1:]))
        return None if found is None else found[0]

    def leave_AugAssign(self, node: cst.AugAssign) -> None:
        scope = self.scopes[-1]
        method, is_bit = _AUGMENTED.get(type(node.operator), ("", False))
        if scope.depth:
            if is_bit:
                scope.bitops += 1
            else:
                scope.arith += 1
        target = node.target
        if not isinstance(target, cst.Name):
            return
        cls = scope.instances.get(target.value)
        if cls is not None and method:
            self._add(cls + "." + method, CallKind.DUNDER)
        if (
            scope.while_depth
            and isinstance(node.operator, (cst.AddAssign, cst.SubtractAssign))
            and isinstance(node.value, cst.Integer)
        ):
            scope.stepped.add(target.value)  # i += 1

    # -- expressions --------------------------------------------------------------------------
    def leave_Call(self, node: cst.Call) -> None:
        scope = self.scopes[-1]
        if scope.depth:
            scope.calls += 1
        func = node.func
        if isinstance(func, cst.Name):
            self._call_name(scope, func.value, node)
        elif isinstance(func, cst.Attribute):
            self._call_attribute(scope, func)

    def _call_name(self, scope: Scope, name: str, node: cst.Call) -> None:
        cls = scope.instances.get(name)
        if cls is not None:
            self._add(cls + ".__call__", CallKind.DUNDER)
            return
        cls = scope.classes.get(name)
        if cls is not None:
            self._add(cls, CallKind.CALL)  # cls(...): instantiation
            return
        if name in scope.locals and name not in scope.defs:
            return  # a local variable holding a callable
        if self._is_builtin(name):
            methods = _BUILTIN_DUNDERS.get(name)
            if methods and node.args and isinstance(node.args[0].value, cst.Name):
                arg_cls = scope.instances.get(node.args[0].value.value)
                if arg_cls is not None:
                    for method in methods:
                        self._add(arg_cls + "." + method, CallKind.DUNDER)
            return
        if name == scope.name and not scope.is_method:
            scope.recursive = True
        found = self._qualify(name)
        if found is not None:
            self._add(found[0], CallKind.CALL, found[1])

    def _call_attribute(self, scope: Scope, func: cst.Attribute) -> None:
        value = func.value
        method = func.attr.value
        if isinstance(value, cst.Name):
            root = value.value
            cls = scope.instances.get(root) or scope.classes.get(root)
            if cls is not None:
                if root == scope.self_name and method == scope.name:
                    scope.recursive = True
                self._add(cls + "." + method, CallKind.METHOD)
                return
            found = self._qualify(root)
            if found is not None:
                self._add(f"{found[0]}.{method}", CallKind.CALL, found[1])
                return
        elif isinstance(value, cst.Attribute):
            parts = _parts(value)
            if (
                parts is not None
                and parts[0] not in scope.instances
                and parts[0] not in scope.classes
                and (found := self._qualify(parts[0])) is not None
            ):
                rest = ".".join(parts[1:])
                self._add(f"{found[0]}.{rest}.{method}", CallKind.CALL, found[1])
                return
        in_method = scope.is_method or bool(scope.self_name)
        if isinstance(value, cst.Call) and _name(value.func) == "super" and in_method:
            self._add(f"{self.classes[-1]}.{method}", CallKind.SUPER)
            return
        if method not in _BUILTIN_METHODS and not isinstance(value, _LITERALS):
            self._add(method, CallKind.ATTR)  # self.attr.m(), f().m(), x[i].m(): by name

    def leave_Subscript(self, node: cst.Subscript) -> None:
        scope = self.scopes[-1]
        store = self.stores.pop(id(node), "")
        if scope.depth:
            scope.subscripts += 1
        value = node.value
        if isinstance(value, cst.Name):
            cls = scope.instances.get(value.value)
            if cls is not None:
                if store in ("", "aug"):
                    self._add(cls + ".__getitem__", CallKind.DUNDER)
                if store in ("set", "aug"):
                    self._add(cls + ".__setitem__", CallKind.DUNDER)
                if store == "del":
                    self._add(cls + ".__delitem__", CallKind.DUNDER)
        if len(node.slice) != 1:
            return
        index = node.slice[0].slice
        if isinstance(index, cst.Index):
            key = _name(index.value)
            if key:
                cls = scope.instances.get(key)
                if cls is not None:  # d[x]: x is hashed
                    self._add(cls + ".__hash__", CallKind.DUNDER)
            position = key or _name_left_of(index.value)
        elif isinstance(index, cst.Slice):
            position = _name(index.lower) or _name_left_of(index.lower)
        else:
            position = ""
        if scope.while_depth and position:
            scope.indexed.add(position)

    def leave_BinaryOperation(self, node: cst.BinaryOperation) -> None:
        scope = self.scopes[-1]
        found = _BINARY.get(type(node.operator))
        if found is None:
            return
        method, reflected, is_bit = found
        if scope.depth:
            if is_bit:
                scope.bitops += 1
            else:
                scope.arith += 1
        self._operands(scope, node.left, node.right, method, reflected)

    def _operands(
        self,
        scope: Scope,
        left: cst.BaseExpression,
        right: cst.BaseExpression,
        method: str,
        reflected: str,
    ) -> None:
        if isinstance(left, cst.Name):
            cls = scope.instances.get(left.value)
            if cls is not None:
                self._add(cls + "." + method, CallKind.DUNDER)
                return
        if isinstance(right, cst.Name):
            cls = scope.instances.get(right.value)
            if cls is not None:
                self._add(cls + "." + reflected, CallKind.DUNDER)

    def leave_UnaryOperation(self, node: cst.UnaryOperation) -> None:
        scope = self.scopes[-1]
        found = _UNARY.get(type(node.operator))
        if found is None:
            return
        method, is_bit = found
        if scope.depth:
            if is_bit:
                scope.bitops += 1
            else:
                scope.arith += 1
        operand = node.expression
        if isinstance(operand, cst.Name):
            cls = scope.instances.get(operand.value)
            if cls is not None:
                self._add(cls + "." + method, CallKind.DUNDER)

    def leave_Comparison(self, node: cst.Comparison) -> None:
        scope = self.scopes[-1]
        if scope.depth:
            scope.compares += len(node.comparisons)
        if not scope.instances:
            return
        left = node.left
        for link in node.comparisons:
            right = link.comparator
            kind = type(link.operator)
            if kind is cst.In or kind is cst.NotIn:
                if isinstance(right, cst.Name):
                    cls = scope.instances.get(right.value)
                    if cls is not None:
                        self._add(cls + ".__contains__", CallKind.DUNDER)
            else:
                found = _COMPARE.get(kind)
                if found is not None:
                    self._operands(scope, left, right, *found)
            left = right


_LITERALS = (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString, cst.List, cst.Dict)


def is_main_guard(test: cst.BaseExpression) -> bool:
    """``__name__ == "__main__"`` (either way round)."""
    if not isinstance(test, cst.Comparison) or len(test.comparisons) != 1:
        return False
    left, right = test.left, test.comparisons[0].comparator
    names = {n.value for n in (left, right) if isinstance(n, cst.Name)}
    strings = {n.evaluated_value for n in (left, right) if isinstance(n, cst.SimpleString)}
    return names == {"__name__"} and "__main__" in strings


def _name(node: cst.BaseExpression | None) -> str:
    return node.value if isinstance(node, cst.Name) else ""


def _name_left_of(node: cst.BaseExpression | None) -> str:
    """``i`` of ``i + 1`` (a scanner's look-ahead index), else ""."""
    if isinstance(node, cst.BinaryOperation):
        return _name(node.left)
    return ""


def _parts(node: cst.BaseExpression) -> list[str] | None:
    name = dotted(node)
    return None if name is None else name.split(".")
