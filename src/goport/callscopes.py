"""The scopes, loop and branch depths and statement counts of extract's one walk, kept for the
call-site collector (``callsites``), which adds what each statement and expression calls.

``ScopeTracker`` is registered on the walker like a detector (``visit_X`` on entering, ``leave_X``
on leaving): a function's ``Scope`` collects its call sites and work counts; finished functions
wait in ``finished`` (by ``id`` of their FunctionDef) for the walker to take, and their sites are
filtered by ``sites_of`` once the whole module has been read.
"""

from __future__ import annotations

import builtins
import re
from dataclasses import dataclass, field

import libcst as cst

from goport.builtin_methods import BUILTIN_METHODS
from goport.detectors.base import Context, dotted
from goport.model import MODULE_SCOPE, CallKind, CallSite, WorkShape

#: names Python provides without an import; a call of one is not a project call unless the
#: module itself defined the name first
_BUILTINS = frozenset(dir(builtins))

_DOTTED = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*")

#: (target, loop depth, branch depth, kind, local name): the local name is "" for a target
#: resolved through an import, else the module-level name the target starts with (checked once
#: the module is read); for a call through a parameter, the parameter's, until the function ends
SiteKey = tuple[str, int, int, CallKind, str]

#: a site on an attribute of ``self`` (``self.block.parse()``, ``self.rows[i]``) carries, instead
#: of a local name, this marker, the class and the attribute: once the module is read, the type
#: the class's assignments gave the attribute decides what it runs (``goport.callfields``)
FIELD = "\x00"

#: loop levels a scanning ``while`` counts for: one whose test looks at the data every round
#: (``while pos < len(src)``, ``while self.peek() in DIGITS``, ``while not self.at_end()``) runs
#: once per character, token or record of its input, many more rounds than the handful
#: (``hotpath.LOOP_TRIPS``) a loop runs per entry; a flag or ``while True`` loop counts one level,
#: and so does a scan inside another loop of the function (a lexer's inner ``while`` goes on
#: with the outer one's cursor: together they still make one pass). Measured with
#: benchmarks/estimate_ndcg.py (the estimate against py-spy self time on 9 packages): NDCG@5
#: 0.68 -> 0.70, mistune's block and inline parsers 0.40 -> 0.66; goport's static order there
#: 0.62 -> 0.64; validation MAP 0.688 -> 0.687. Every while loop at two levels: 0.65
SCAN_LEVELS = 2
#: branch levels an ``except`` handler and a ``raise`` statement count for: an exception is the
#: exceptional path (static estimators for languages with exceptions take handlers as rarely
#: run), so 1/8 of the runs around it, not the even split of an ``if``. Without it, error paths
#: (a stream's ``close()`` in a read loop's handler, exception constructors raised from many
#: places) held much of an estimate (benchmarks/estimate_ndcg.py: 0.70 -> 0.71; validation MAP
#: 0.693 -> 0.694)
EXCEPT_LEVELS = 3
#: methods of threading, queue, asyncio and concurrent.futures objects that report a state:
#: a loop that tests one (``while not self._stop.is_set():``) is a worker's or a server's main
#: loop, which waits between rounds, not a scan over data
_STATE_TESTS = frozenset(
    {"is_set", "is_alive", "done", "cancelled", "locked", "is_closing", "wait"}
)


def scans_data(test: cst.BaseExpression) -> bool:
    """Whether a ``while`` test looks at data every round: a comparison or a call somewhere in
    its ``and``/``or``/``not`` (as opposed to a flag, a container's truth or ``True``), and no
    question to an event, queue, thread or task about its state."""
    parts = _operands(test)
    return not any(_asks_state(p) for p in parts) and any(
        isinstance(p, (cst.Comparison, cst.Call)) for p in parts
    )


def _operands(test: cst.BaseExpression) -> list[cst.BaseExpression]:
    """The operands of a test's ``and``, ``or`` and ``not``, through ``:=`` and ``await`` (no
    recursion: a generated chain of thousands of ``and`` is as deep)."""
    out: list[cst.BaseExpression] = []
    stack = [test]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.BooleanOperation):
            stack += (node.right, node.left)
        elif isinstance(node, cst.UnaryOperation):
            stack.append(node.expression)
        elif isinstance(node, cst.NamedExpr):  # while (line := f.readline()):
            stack.append(node.value)
        elif isinstance(node, cst.Await):  # while await reader.read(n):
            stack.append(node.expression)
        else:
            out.append(node)
    return out


def _asks_state(test: cst.BaseExpression) -> bool:
    return (
        isinstance(test, cst.Call)
        and isinstance(test.func, cst.Attribute)
        and test.func.attr.value in _STATE_TESTS
    )


@dataclass(slots=True)
class Scope:
    """One function (or the module) being walked: its call sites, types and counters."""

    name: str
    is_method: bool = False
    self_name: str = ""  # the instance parameter of a method ("self")
    depth: int = 0
    branch: int = 0  # enclosing if/elif/else, except and case bodies, and/or, x if c else y
    while_depth: int = 0
    sites: dict[SiteKey, int] = field(default_factory=dict)
    instances: dict[str, str] = field(default_factory=dict)  # name -> its class (absolute)
    built: set[str] = field(default_factory=set)  # names bound to a constructor call (x = T())
    classes: dict[str, str] = field(default_factory=dict)  # name -> the class it is (cls)
    defs: dict[str, str] = field(default_factory=dict)  # nested def/class name -> absolute
    locals: set[str] = field(default_factory=set)  # parameters and assigned names (functions)
    params: set[str] = field(default_factory=set)  # the function's own parameters
    rebound: set[str] = field(default_factory=set)  # parameters the body binds anew
    forwards: set[str] = field(default_factory=set)  # parameters passed on (callparams)
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
    regex: int = 0
    regex_roots: dict[str, int] = field(default_factory=dict)  # pattern.search() on a bare name
    max_depth: int = 0
    recursive: bool = False

    def work(self, regex: int = 0) -> WorkShape:
        """The counts as a WorkShape; ``regex``: regex calls the module's end confirmed."""
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
            loop_regex=self.regex + regex,
            forwards=tuple(sorted(self.forwards)),
        )


class ScopeTracker:
    """Scopes, depths and statements; ``CallSiteCollector`` adds the calls."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.prefix = ctx.module + "."
        self.module = Scope(MODULE_SCOPE)
        self.scopes: list[Scope] = [self.module]
        self.frames: list[str] = []  # "class" or "function", innermost last
        self.classes: list[str] = []  # absolute names of the enclosing classes
        self.module_names: set[str] = set()  # names the module defines at top level
        #: module-level ``name = function_or_class``: (name, absolute target)
        self.module_aliases: list[tuple[str, str]] = []
        #: class-body ``alias = name``: (absolute class, alias, name)
        self.method_aliases: list[tuple[str, str, str]] = []
        self.depth_at: dict[int, int] = {}  # id of a block or comprehension part -> its depth
        self.saved: list[int] = []  # depths to restore on leaving a loop or comprehension
        self.branch_at: dict[int, int] = {}  # id of an if's body or else -> its branch depth
        self.saved_branches: list[int] = []
        self.chains: list[bool] = []  # per open and/or: whether its left operand is one too
        self.chained: set[int] = set()  # ids of and/or operations that are another's left
        self.stores: dict[int, str] = {}  # id of a Subscript -> "set" | "del" | "aug"
        self.finished: dict[int, Scope] = {}

    # -- results ------------------------------------------------------------------------------
    def take(self, node: cst.FunctionDef) -> Scope:
        return self.finished.pop(id(node))

    def sites_of(self, scope: Scope) -> tuple[CallSite, ...]:
        """The scope's call sites, once the module's own names are all known.

        A site on a local name the module does not define names a builtin or a global made at
        run time: ``name()`` and a function taken by that name are dropped, ``obj.m()`` becomes a
        call of ``.m()`` by name. (A call of a local variable is an INDIRECT site already.)
        """
        star = "*" in self.ctx.aliases
        names = self.module_names
        out: dict[tuple[str, int, CallKind, int], int] = {}
        for (target, depth, branch, kind, local), count in scope.sites.items():
            if local and local not in names and not star:
                if kind is CallKind.REF:
                    continue  # not a function of the project, nor a method taken by name
                method = target.rpartition(".")[2]
                if len(target) == len(self.prefix) + len(local) or method in BUILTIN_METHODS:
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
        if name in self.ctx.rebound:  # the resolver follows each of the module's bindings
            return self.prefix + name, ""
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
            name = value.attr.value if isinstance(value, cst.Attribute) else name_of(value)
            if name == "Optional" and len(node.slice) == 1:
                inner = node.slice[0].slice
                return self._type_of(inner.value) if isinstance(inner, cst.Index) else None
            return None
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
            if name_of(node.right) == "None":  # Foo | None
                return self._type_of(node.left)
            if name_of(node.left) == "None":
                return self._type_of(node.right)
            return None
        parts = None if node is None else parts_of(node)
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
            decorators = {name_of(d.decorator) for d in node.decorators}
            if "classmethod" in decorators:
                scope.classes[first] = self.classes[-1]
            elif "staticmethod" not in decorators:
                scope.instances[first] = self.classes[-1]
                scope.self_name = first
        for param in (*positional, *params.kwonly_params):
            name = param.name.value
            scope.locals.add(name)
            scope.params.add(name)
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
            scope = self.scopes[-1]
            scope.locals.add(target.value)
            if target.value in scope.params:
                scope.rebound.add(target.value)
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
        outermost = scope.depth == 0  # an inner scan goes on with the outer one's cursor
        self._set_depth(scope.depth + (SCAN_LEVELS if outermost and scans_data(node.test) else 1))

    def leave_While(self, node: cst.While) -> None:
        scope = self.scopes[-1]
        scope.depth = self.saved.pop()
        scope.while_depth -= 1
        self._statement()

    def visit_BaseComp(self, node: cst.BaseComp) -> None:
        # the element is written first but runs in the innermost loop, and only for the items
        # every filter (``if``) lets through: each part's depth and branch level are known
        # here, and set as the walk enters it
        scope = self.scopes[-1]
        depth, branch = scope.depth, scope.branch
        self.saved.append(depth)
        self.saved_branches.append(branch)
        level: cst.CompFor | None = node.for_in
        while level is not None:
            self.depth_at[id(level)] = depth
            self.branch_at[id(level)] = branch
            depth += 1
            for test in level.ifs:
                self.depth_at[id(test)] = depth
                self.branch_at[id(test)] = branch
                branch += 1
            level = level.inner_for_in
        self._set_depth(depth)
        scope.branch = branch

    def leave_BaseComp(self, node: cst.BaseComp) -> None:
        scope = self.scopes[-1]
        scope.depth = self.saved.pop()
        scope.branch = self.saved_branches.pop()

    def visit_CompFor(self, node: cst.CompFor) -> None:
        branch = self.branch_at.pop(id(node), None)
        if branch is not None:
            self.scopes[-1].branch = branch
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

    def _push_branch(self, levels: int) -> None:
        scope = self.scopes[-1]
        self.saved_branches.append(scope.branch)
        scope.branch += levels

    def _enter_branch(self, node: cst.CSTNode) -> None:
        self._push_branch(1)

    def _enter_handler(self, node: cst.CSTNode) -> None:
        self._push_branch(EXCEPT_LEVELS)  # the exceptional path, building the exception too

    def _leave_branch(self, node: cst.CSTNode) -> None:
        self.scopes[-1].branch = self.saved_branches.pop()

    # an operand of ``and``/``or`` runs only when those before it do not decide: one level per
    # operand past the first of a chain of one operator, however it is parenthesised (libcst
    # nests ``a and b and c`` to the left: the inner operation keeps its level for the outer one
    # to add to; in ``a and b or c``, c runs when either side decides, one level down). A
    # conditional expression runs one of its two values (its test counts with them: the walk
    # reaches the test between the two, and a test rarely calls project code)
    visit_IfExp = _enter_branch
    leave_IfExp = _leave_branch

    def visit_BooleanOperation(self, node: cst.BooleanOperation) -> None:
        left = node.left  # a and b or c is not one chain: c runs when either side decides
        chained = isinstance(left, cst.BooleanOperation) and type(left.operator) is type(
            node.operator
        )
        if chained:
            self.chained.add(id(left))
        self.chains.append(chained)

    def _enter_operand(self, node: cst.CSTNode) -> None:
        if self.chains[-1]:
            self.scopes[-1].branch += 1  # the left operation's level, saved once, goes on
        else:
            self._push_branch(1)

    leave_And = _enter_operand
    leave_Or = _enter_operand

    def leave_BooleanOperation(self, node: cst.BooleanOperation) -> None:
        self.chains.pop()
        if id(node) in self.chained:
            self.chained.discard(id(node))  # the operation it is the left of restores the level
        else:
            self._leave_branch(node)

    visit_MatchCase = _enter_branch
    visit_ExceptHandler = _enter_handler
    visit_ExceptStarHandler = _enter_handler
    visit_Raise = _enter_handler
    leave_MatchCase = _leave_branch
    leave_ExceptHandler = _leave_branch
    leave_ExceptStarHandler = _leave_branch
    leave_Raise = _leave_branch

    def _iterated(self, iterable: cst.BaseExpression, depth: int) -> None:
        typed = self._typed(iterable)
        if typed is not None:
            prefix, field = typed
            self._add(prefix + "__iter__", CallKind.DUNDER, field, depth=depth)
            self._add(prefix + "__next__", CallKind.DUNDER, field, depth=depth + 1)

    def _typed(self, node: cst.BaseExpression) -> tuple[str, str] | None:
        """How to record a protocol method run on ``node``: (prefix of the method's name, local)
        for a name of a known type (``"pkg.mod.Row."``, ``""``), or for an attribute of ``self``
        (``""``, its FIELD marker: the type is known once the module is read); None otherwise."""
        if isinstance(node, cst.Name):
            cls = self.scopes[-1].instances.get(node.value)
            return None if cls is None else (cls + ".", "")
        field = self._self_field(node)
        return None if field is None else ("", field)

    def _self_field(self, node: cst.BaseExpression) -> str | None:
        """The FIELD marker of ``self.attr`` in a method (its type is known at the end)."""
        if not isinstance(node, cst.Attribute) or not isinstance(node.value, cst.Name):
            return None
        scope = self.scopes[-1]
        if not scope.self_name or node.value.value != scope.self_name:
            return None
        cls = scope.instances.get(scope.self_name)
        return None if cls is None else f"{FIELD}{cls}.{node.attr.value}"

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


def is_main_guard(test: cst.BaseExpression) -> bool:
    """``__name__ == "__main__"`` (either way round)."""
    if not isinstance(test, cst.Comparison) or len(test.comparisons) != 1:
        return False
    if not isinstance(test.comparisons[0].operator, cst.Equal):  # != runs on import
        return False
    left, right = test.left, test.comparisons[0].comparator
    names = {n.value for n in (left, right) if isinstance(n, cst.Name)}
    strings = {n.evaluated_value for n in (left, right) if isinstance(n, cst.SimpleString)}
    return names == {"__name__"} and "__main__" in strings


def name_of(node: cst.BaseExpression | None) -> str:
    return node.value if isinstance(node, cst.Name) else ""


def name_left_of(node: cst.BaseExpression | None) -> str:
    """``i`` of ``i + 1`` (a scanner's look-ahead index), else ""."""
    if isinstance(node, cst.BinaryOperation):
        return name_of(node.left)
    return ""


def parts_of(node: cst.BaseExpression) -> list[str] | None:
    name = dotted(node)
    return None if name is None else name.split(".")
