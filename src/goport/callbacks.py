"""Functions that the runtime calls back: per element for some builtins, per line for a tracer.

A static call graph sees ``f(x)`` but not ``sorted(rows, key=f)``, ``map(f, rows)`` or
``pattern.sub(f, text)``: there ``f`` is passed, not called, and the builtin calls it once per
element, as a loop body would. A trace or profile hook (``sys.settrace(f)``) is called by the
interpreter on every line or call of the program it traces: the hottest code a tracer, a
profiler or a coverage tool has. ``callsites`` records such a function as called from where it is
passed: one loop level deeper for a per-element callback (``PER_ELEMENT``), and for an interpreter
hook (``HOOKS``) as a ``HOOK`` site as deep as loops ever count, which ``hotpath`` counts as
called per element from outside its module, since the interpreter is the caller, and makes an
entry point of ``hotpath.HOOK_RUNS`` runs, whoever installs it.

What the call passes by reference counts (a name, ``self.method``, ``module.function``), and a
lambda passed in such a place has the calls in its body recorded the same levels deeper.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import libcst as cst

from goport.callscopes import Scope, ScopeTracker, parts_of
from goport.detectors.base import Context
from goport.model import CallKind

#: where a callback sits among a call's arguments: (keyword, position); position None: keyword only
Slot = tuple[str, int | None]

_KEY: tuple[Slot, ...] = (("key", None),)
_FIRST: tuple[Slot, ...] = (("function", 0),)

#: absolute names of callables that call a function argument once per element
PER_ELEMENT: Mapping[str, tuple[Slot, ...]] = {
    "sorted": _KEY,
    "min": _KEY,
    "max": _KEY,
    "map": _FIRST,
    "filter": _FIRST,
    "functools.reduce": _FIRST,
    "itertools.starmap": _FIRST,
    "itertools.takewhile": (("predicate", 0),),
    "itertools.dropwhile": (("predicate", 0),),
    "itertools.filterfalse": (("predicate", 0),),
    "itertools.groupby": (("key", 1),),
    "itertools.accumulate": (("func", 1),),
    "heapq.nsmallest": _KEY,
    "heapq.nlargest": _KEY,
    "heapq.merge": _KEY,
    "bisect.bisect": _KEY,
    "bisect.bisect_left": _KEY,
    "bisect.bisect_right": _KEY,
    "bisect.insort": _KEY,
    "bisect.insort_left": _KEY,
    "bisect.insort_right": _KEY,
    "re.sub": (("repl", 1),),
    "re.subn": (("repl", 1),),
}

#: methods, on a receiver of any type, that call a function argument once per element:
#: ``list.sort(key=f)`` and a compiled pattern's ``sub(f, text)``
PER_ELEMENT_METHODS: Mapping[str, tuple[Slot, ...]] = {
    "sort": _KEY,
    "sub": (("repl", 0),),
    "subn": (("repl", 0),),
}

#: absolute names of calls that install an interpreter hook: it runs per line or per call
HOOKS: Mapping[str, tuple[Slot, ...]] = {
    "sys.settrace": _FIRST,
    "sys.setprofile": _FIRST,
    "threading.settrace": _FIRST,
    "threading.setprofile": _FIRST,
    "threading.settrace_all_threads": _FIRST,
    "threading.setprofile_all_threads": _FIRST,
    "sys.monitoring.register_callback": (("func", 2),),
}

#: the last name of every callable above: a call named otherwise takes no callback (the check
#: that keeps name resolution off the walk's path for almost every call)
_TAILS = frozenset(
    [name.rpartition(".")[2] for name in (*PER_ELEMENT, *HOOKS)] + list(PER_ELEMENT_METHODS)
)

#: loop levels a per-element callback adds where it is passed: one loop over the elements
PER_ELEMENT_LEVELS = 1
#: loop levels an interpreter hook adds: it runs for every line or call of the traced program,
#: more often than any loop body of the project, so it gets as many levels as the estimate ever
#: counts (``hotpath.MAX_LOOP_LEVELS``; a test keeps the two equal)
HOOK_LEVELS = 4


def positional(node: cst.Call) -> list[cst.BaseExpression]:
    """The positional arguments whose position is known: those before any ``*args``."""
    out = []
    for a in node.args:
        if a.star:
            break
        if a.keyword is None:
            out.append(a.value)
    return out


def _has_keyword(node: cst.Call, name: str) -> bool:
    return any(a.keyword is not None and a.keyword.value == name for a in node.args)


def passed(node: cst.Call, slots: tuple[Slot, ...]) -> Iterator[cst.BaseExpression]:
    """The argument expressions of ``node`` that fill ``slots``."""
    by_position = positional(node)
    keywords = {a.keyword.value: a.value for a in node.args if a.keyword is not None}
    for keyword, position in slots:
        if keyword in keywords:
            yield keywords[keyword]
        elif position is not None and position < len(by_position):
            yield by_position[position]


class CallbackTracker(ScopeTracker):
    """The call-site collector's part that records functions passed to be called back.

    ``visit_Call`` notes where a call takes callbacks (and marks a lambda passed there);
    the collector's ``leave_Call`` calls ``_callbacks``; ``_bind_method`` follows
    ``self.attr = self.method`` so that a hook installed as ``self.attr`` resolves.
    """

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        #: "Class.attr" -> the method an attribute of the class was bound to (self.attr = self.m)
        self.bound: dict[str, str] = {}
        #: id of a lambda passed to be called back -> (loop levels its body runs deeper, kind)
        self.lambda_levels: dict[int, tuple[int, CallKind]] = {}
        #: id of such a lambda's parameters -> the levels they stay at (defaults run once)
        self.lambda_params: dict[int, int] = {}
        #: lambdas passed as interpreter hooks around the walk's position: calls there are HOOK
        self.in_hook = 0
        self.saved_hooks: list[int] = []
        #: id of a call that takes callbacks -> where (``_callback_slots``), from visit to leave
        self.callbacks_at: dict[int, tuple[tuple[Slot, ...], int, CallKind]] = {}

    def _bind_method(self, scope: Scope, target: cst.Attribute, value: cst.BaseExpression) -> None:
        """``self.hook = self._trace``: the attribute names a method of the class from now on."""
        owner = parts_of(target)
        method = parts_of(value)
        if owner is None or method is None or len(owner) != 2 or len(method) != 2:
            return
        if owner[0] != method[0] or not scope.self_name or owner[0] != scope.self_name:
            return
        cls = scope.instances.get(scope.self_name)
        if cls is not None:
            self.bound[f"{cls}.{owner[1]}"] = method[1]

    def visit_Call(self, node: cst.Call) -> None:
        """A lambda passed to be called back runs its body per element: one loop level deeper."""
        if not node.args:
            return
        found = self._callback_slots(node)
        if found is None:
            return
        self.callbacks_at[id(node)] = found
        slots, levels, kind = found
        for arg in passed(node, slots):
            if isinstance(arg, cst.Lambda):
                self.lambda_levels[id(arg)] = (levels, kind)
                self.lambda_params[id(arg.params)] = levels

    def visit_Lambda(self, node: cst.Lambda) -> None:
        levels, kind = self.lambda_levels.pop(id(node), (0, CallKind.CALL))
        scope = self.scopes[-1]
        self.saved.append(scope.depth)
        if levels:
            self._set_depth(scope.depth + levels)
        self.saved_hooks.append(self.in_hook)
        if kind is CallKind.HOOK:
            self.in_hook += 1

    def leave_Lambda(self, node: cst.Lambda) -> None:
        self.scopes[-1].depth = self.saved.pop()
        self.in_hook = self.saved_hooks.pop()

    def visit_Parameters(self, node: cst.Parameters) -> None:
        levels = self.lambda_params.get(id(node))
        if levels:
            self.scopes[-1].depth -= levels

    def leave_Parameters(self, node: cst.Parameters) -> None:
        levels = self.lambda_params.pop(id(node), 0)
        if levels:
            self.scopes[-1].depth += levels

    def _add(self, target: str, kind: CallKind, local: str = "", depth: int | None = None) -> None:
        if self.in_hook and kind in (CallKind.CALL, CallKind.METHOD, CallKind.EXACT):
            kind = CallKind.HOOK  # called from a lambda the interpreter calls per event
        super()._add(target, kind, local, depth)

    def _callback_slots(self, node: cst.Call) -> tuple[tuple[Slot, ...], int, CallKind] | None:
        """Where a call takes functions it calls back, how many loop levels deeper they run,
        and the kind of site they make; None if it takes none."""
        func = node.func
        if isinstance(func, cst.Name):
            tail = func.value
        elif isinstance(func, cst.Attribute):
            tail = func.attr.value
        else:
            return None
        if tail not in _TAILS:
            return None
        name = self._callable_name(func)
        if name in PER_ELEMENT:
            return PER_ELEMENT[name], PER_ELEMENT_LEVELS, CallKind.CALL
        if name in HOOKS:
            return HOOKS[name], HOOK_LEVELS, CallKind.HOOK
        if not isinstance(func, cst.Attribute) or func.attr.value not in PER_ELEMENT_METHODS:
            return None
        root = parts_of(func.value)
        if root is not None and root[0] in self.ctx.aliases:
            return None  # a module's function (regex.sub(pattern, repl, s)), not a method
        method = func.attr.value
        if method != "sort" and len(positional(node)) < 2 and not _has_keyword(node, "repl"):
            return None  # pattern.sub(repl, string) takes two arguments; bus.sub(f) is not it
        return PER_ELEMENT_METHODS[method], PER_ELEMENT_LEVELS, CallKind.CALL

    def _callbacks(self, scope: Scope, node: cst.Call) -> None:
        found = self.callbacks_at.pop(id(node), None)
        if found is None:
            return
        slots, levels, kind = found
        for arg in passed(node, slots):
            ref = self._reference(scope, arg)
            if ref is not None:
                target, local, method = ref
                if method and kind is CallKind.CALL:
                    self._add(target, CallKind.METHOD, depth=scope.depth + levels)
                else:
                    self._add(target, kind, local, depth=scope.depth + levels)

    def _callable_name(self, func: cst.BaseExpression) -> str:
        """The absolute name of what a call calls (``sorted``, ``sys.settrace``), or ""."""
        parts = parts_of(func)
        if parts is None:
            return ""
        found = self._qualify(parts[0])
        if found is None:
            return ""  # a local variable, whatever its name (a parameter called "sorted")
        if len(parts) == 1 and self._is_builtin(parts[0]):
            return parts[0]
        return ".".join([found[0], *parts[1:]])

    def _reference(self, scope: Scope, arg: cst.BaseExpression) -> tuple[str, str, bool] | None:
        """(absolute target, local name, is a method) of a function passed by reference."""
        if isinstance(arg, cst.Name):
            if self._is_builtin(arg.value):
                return None
            found = self._qualify(arg.value)
            return None if found is None else (found[0], found[1], False)
        parts = parts_of(arg)
        if parts is None or len(parts) != 2:
            return None
        root, attr = parts
        cls = scope.instances.get(root) or scope.classes.get(root)
        if cls is not None:  # self.method, or an attribute bound to one (self.hook = self._trace)
            return f"{cls}.{self.bound.get(f'{cls}.{attr}', attr)}", "", True
        found = self._qualify(root)
        return None if found is None else (f"{found[0]}.{attr}", found[1], False)
