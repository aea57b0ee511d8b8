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
import warnings

from goport.roadmap.model import Risk
from goport.roadmap.risk_calls import RE_FUNCTIONS, CallRules
from goport.roadmap.risk_values import pattern_text
from goport.roadmap.risk_walk import (
    ClassFacts,
    Loop,
    Scope,
    dotted,
    int_value,
    tail,
)

_LOCKS = frozenset({"Lock", "RLock", "Condition", "Semaphore", "BoundedSemaphore"})


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


class _Walker(CallRules):
    """One walk over a module. Hooks that serve several rule families live here; each family's
    own hooks and helpers are in ``risk_values``, ``risk_flow`` and ``risk_calls``; the state in
    ``risk_walk``."""

    def visit_Module(self, node: ast.Module) -> None:
        self.generic_visit(node)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        info = ClassFacts(node.name, node.lineno)
        for deco in node.decorator_list:
            func = deco.func if isinstance(deco, ast.Call) else deco
            if tail(func) in {"dataclass", "define", "frozen", "attrs", "s"}:
                frozen = tail(func) == "frozen" or any(
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
        self.scopes.append(Scope("class", node.name))
        self.generic_visit(node)
        self.scopes.pop()
        self.classes.pop()
        self._check_class(info)

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self._mutable_defaults(node)
        scope = Scope("function", node.name, qualname=node.name)
        args = [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]
        if (
            self.scope.kind == "class"
            and args
            and not any(tail(d) == "staticmethod" for d in node.decorator_list)
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
        for outer in [*node.decorator_list, *node.args.defaults, *node.args.kw_defaults]:
            if outer is not None:
                self.visit(outer)  # evaluated where the function is defined

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Lambda(self, node: ast.Lambda) -> None:
        self.scopes.append(Scope("function", "<lambda>"))
        self.scope.locals.update(a.arg for a in node.args.args)
        self.generic_visit(node)
        self.scopes.pop()

    def visit_Global(self, node: ast.Global) -> None:
        self.scope.globals.update(node.names)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.name == "re":
                self.re_names.add(alias.asname or "re")
            if alias.name == "decimal":
                self._decimal(node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.module == "re" and node.level == 0:
            for alias in node.names:
                if alias.name in RE_FUNCTIONS:
                    self.re_functions[alias.asname or alias.name] = alias.name
        if node.module == "decimal" and node.level == 0:
            self._decimal(node)

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

    def _binding_facts(self, target: ast.expr, value: ast.expr) -> None:
        name = dotted(target)
        if name is None:
            return
        module = self.scope.kind == "module"
        if module and isinstance(value, ast.Constant) and isinstance(value.value, (str, bytes)):
            self.constants[name] = pattern_text(value.value)
        if isinstance(value, ast.Call):
            called = tail(value.func)
            if called in _LOCKS:
                self.lock_names.add(tail(target))
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

    def visit_For(self, node: ast.For | ast.AsyncFor) -> None:
        self.visit(node.iter)
        self._store(node.target, node)
        loop = Loop(node.lineno, self._unordered(node.iter), is_for=True)
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
        self.scope.loops.append(Loop(node.lineno))
        for stmt in node.body:
            self.visit(stmt)
        self.scope.loops.pop()
        for stmt in node.orelse:
            self.visit(stmt)

    def visit_With(self, node: ast.With | ast.AsyncWith) -> None:
        names: list[str] = []
        for item in node.items:
            context = item.context_expr
            executor = isinstance(context, ast.Call) and tail(context.func) == "ThreadPoolExecutor"
            if executor and item.optional_vars is not None:
                self.executors.add(dotted(item.optional_vars) or "")
            names.append(tail(context.func if isinstance(context, ast.Call) else context))
            if item.optional_vars is not None:
                self._bind_all(item.optional_vars)
        self.scope.withs.extend(names)
        self.generic_visit(node)
        del self.scope.withs[len(self.scope.withs) - len(names) :]

    visit_AsyncWith = visit_With

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self._store(node.target, node)
        op, target = node.op, node.target
        if isinstance(op, ast.BitAnd):
            self._mask(node, int_value(node.value))
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

    def finish(self) -> None:
        self._thread_risks()
        self._key_risks()
