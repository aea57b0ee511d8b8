"""Risk rules about control and data flow: iteration order, exceptions as control flow, mutable
defaults, state shared with threads, and ``__eq__``/``__hash__`` against Go's map keys."""

from __future__ import annotations

import ast

from goport.roadmap.model import Risk
from goport.roadmap.risk_walk import (
    EQ_HASH,
    EXCEPTION_FLOW,
    ITERATION_ORDER,
    MUTABLE_DEFAULT,
    THREAD_SAFETY,
    ClassFacts,
    Mutation,
    WalkState,
    dotted,
    shows,
    tail,
)

_LOOKUP_ERRORS = frozenset({"KeyError", "IndexError", "StopIteration", "ValueError"})
#: methods whose self.x assignments do not change a live key (__hash__ caching its own value)
_SETUP_METHODS = frozenset({"__init__", "__new__", "__post_init__", "__setstate__", "__hash__"})


def _handler_names(handler: ast.ExceptHandler) -> set[str]:
    kinds = handler.type
    items = kinds.elts if isinstance(kinds, ast.Tuple) else [kinds] if kinds else []
    return {tail(item) for item in items}


def _looks_up(body: list[ast.stmt]) -> bool:
    """A lookup or parse: a subscript, or a call of int/float/next/.index/.pop/.remove."""
    for stmt in body:
        for node in ast.walk(stmt):
            if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load):
                return True
            if isinstance(node, ast.Call) and tail(node.func) in {
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


class FlowRules(WalkState):
    """``visit_X`` hooks and helpers of the flow rules; the walker calls the helpers too."""

    def _check_class(self, info: ClassFacts) -> None:
        name = shows(info.name)
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
            attrs = ", ".join(shows(attr) for attr in mutable)
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

    def _hash_reads(self, node: ast.FunctionDef | ast.AsyncFunctionDef, self_name: str) -> None:
        # __hash__ is a few lines: walking it twice keeps the whole pass linear.
        for sub in ast.walk(node):
            if (
                isinstance(sub, ast.Attribute)
                and isinstance(sub.value, ast.Name)
                and sub.value.id == self_name
            ):
                self.classes[-1].hash_reads.add(sub.attr)

    def _mutable_defaults(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        for default in [*node.args.defaults, *node.args.kw_defaults]:
            if default is None:
                continue
            literal = isinstance(
                default, (ast.List, ast.Dict, ast.Set, ast.ListComp, ast.DictComp, ast.SetComp)
            )
            called = isinstance(default, ast.Call) and tail(default.func) in {
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
                    f"{shows(node.name)}() has a mutable default argument: Python creates it "
                    "once and every call without the argument shares (and may mutate) it",
                    "Go has no default arguments: take the value (nil for 'absent') and create a "
                    "fresh slice/map per call, unless the sharing was meant, then make it an "
                    "explicit package variable",
                )

    def _self_store(self, target: ast.Attribute, node: ast.stmt) -> None:
        function = self.function
        if function is None or not function.self_name:
            return
        own = isinstance(target.value, ast.Name) and target.value.id == function.self_name
        if own and function.name not in _SETUP_METHODS:
            self.classes[-1].reassigned.setdefault(target.attr, node.lineno)

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

    def _order_risk(self, node: ast.AST, what: str) -> None:
        self.add(
            ITERATION_ORDER,
            node,
            what + ": Python sets iterate in hash order and dicts in insertion order",
            "Go map iteration order is randomised on every range: sort the keys (slices.Sorted("
            "maps.Keys(m))) or keep an ordered slice beside the map",
        )

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
        raised = tail(exc.func if isinstance(exc, ast.Call) else exc) if exc else ""
        if raised == "StopIteration":
            self.add(
                EXCEPTION_FLOW,
                node,
                "raise StopIteration ends an iteration by exception",
                "return a (value, ok bool) pair or close the channel; in a Go range-over-func "
                "iterator, return from the yield loop",
            )
        self.generic_visit(node)

    def _mutation(self, target: ast.expr, node: ast.AST, what: str) -> None:
        function = self.function
        name = dotted(target)
        if function is None or name is None:
            return
        if function.self_name and name.startswith(function.self_name + "."):
            name = "self" + name[len(function.self_name) :]
        self.mutations.append(
            Mutation(
                function.qualname,
                function,
                name,
                getattr(node, "lineno", 1),
                what,
                tuple(function.withs),
            )
        )

    def _shared(self, mutation: Mutation, module_names: set[str]) -> bool:
        root = mutation.target.split(".")[0]
        if root == "self":
            return mutation.target.count(".") >= 1
        if root in mutation.scope.globals:
            return True
        return root in module_names and root not in mutation.scope.locals

    def _locked(self, mutation: Mutation) -> bool:
        if mutation.scope.acquires:
            return True
        return any(
            name in self.lock_names or "lock" in name.lower() or "mutex" in name.lower()
            for name in mutation.withs
        )

    def _thread_target(self, target: ast.expr, node: ast.Call) -> None:
        """A function started on a thread: ``f`` (module function) or ``self.m`` (a method of
        the enclosing class); other receivers are not resolved."""
        name = dotted(target)
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
            shown = shows(mutation.target)
            self.risks.append(
                Risk(
                    THREAD_SAFETY,
                    self.rel_path,
                    mutation.line,
                    f"{shows(mutation.function)}() runs on a thread (line {started}) and mutates "
                    f"shared {shown} ({mutation.what}) without a lock: only the GIL keeps it "
                    "consistent",
                    f"goroutines run in parallel: guard {shown} with a sync.Mutex, use sync/atomic "
                    "for counters, or give it to one goroutine and send it updates on a channel",
                )
            )

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
                    f"instances of {shows(name)} are used as dict keys or set members, compared "
                    + how,
                    note,
                )
            )
