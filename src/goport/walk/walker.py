"""The walk of one module: built-in facts (functions, classes, imports, comments, line
counts) and every detector's hooks, on each node, in source order, in one pass.

Hooks are named as libcst names them: ``visit_X`` runs on entering an ``X`` node and
``leave_X`` on leaving it. The facts rules declare (``goport.walk.loops``, ``bindings``) are
hooked before the rules, and the call-site collector last, so each sees the others up to date.
``goport.cstwalk`` is the one module that touches libcst internals.
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import libcst as cst

from goport.callsites import CallSiteCollector, Scope, is_main_guard
from goport.cstwalk import LineWalk
from goport.detectors.base import Context, FunctionFrame
from goport.model import ClassFacts, Finding, FunctionFacts, Import, Param, Span, Suppression
from goport.sources import ExtractError
from goport.walk.data import TopLevel
from goport.walk.imports import imports_of

_SUPPRESS = re.compile(r"#\s*goport:\s*ignore(?:\[([A-Za-z0-9_,\s]*)\])?")
_KEEP = re.compile(r"^#\s*goport:\s*keep-python(?:\[([^\]]*)\])?")
_LOOPS = (cst.For, cst.While, cst.CompFor)
WALK_RECURSION_LIMIT = 20_000


@dataclass(slots=True)
class _Pending:
    """A FunctionDef or ClassDef being walked."""

    node: cst.CSTNode
    qualname: str
    frame: FunctionFrame | None = None
    methods: list[str] = field(default_factory=list)


class Walker(LineWalk):
    """The one walk of a module: built-in facts, then every detector, on each node."""

    def __init__(
        self,
        module: cst.Module,
        ctx: Context,
        detectors: Sequence[object],
        collector: CallSiteCollector,
    ) -> None:
        super().__init__(module)
        self.module = module
        self.ctx = ctx
        enter: dict[type, list[Callable[[Any], None]]] = {}
        leave: dict[type, list[Callable[[Any], None]]] = {}
        self.collector = collector
        # the call-site collector hooks in like a detector, last: it sees the detectors' view
        for det in (*detectors, collector):
            for attr, is_leave, kinds in _hooks(type(det)):  # type: ignore[arg-type]
                table = leave if is_leave else enter
                for sub in kinds:
                    table.setdefault(sub, []).append(getattr(det, attr))
        # every node type anything acts on gets a span; built-in facts first, then the detectors
        tracked = {*leave, *enter, *_ENTER_KINDS, cst.Import, cst.ImportFrom}
        first: dict[type, Callable[[Any], None]] = dict.fromkeys(_ENTER_KINDS, self._enter_builtin)
        first.update({kind: self._enter_small for kind in _SMALL_KINDS})
        first[cst.If] = self._enter_if
        first[cst.Else] = self._enter_else
        self.on_enter = {
            kind: (*((first[kind],) if kind in first else ()), *enter.get(kind, ()))
            for kind in {*tracked, *first}
        }
        # on leaving: built-in facts, then the detectors, then leaving the scope the node opened
        for kind in {*_LEAVE_KINDS, *leave, *_POP_KINDS}:
            actions: list[Callable[[Any], None]] = []
            if kind in _LEAVE_KINDS:
                actions.append(self._builtin_leave(kind))
            actions.extend(leave.get(kind, ()))
            if kind in _POP_KINDS:
                actions.append(self._pop)
            self.on_leave[kind] = tuple(actions)
        self.pending: list[_Pending] = []
        self.functions: list[FunctionFacts] = []
        self.scopes: dict[int, Scope] = {}  # id of a FunctionFacts -> its call sites
        self.classes: list[ClassFacts] = []
        self.function_findings: dict[int, list[Finding]] = {}
        self.suppressions: list[Suppression] = []
        self.keep_python: str | None = None
        self.comments = 0
        self.comment_lines = 0
        self.blank = 0
        self.lloc = 0
        #: the lines of the top level that run once, on import, and its data constants
        self.top = TopLevel()
        self.names_used: set[tuple[str, str]] = set()
        self.imports: list[Import] = []
        self.has_main_guard = False
        ctx._span_of = self.span

    # -- built-in facts -------------------------------------------------------------------------
    def _enter_builtin(self, node: cst.CSTNode) -> None:
        ctx = self.ctx
        if isinstance(node, cst.FunctionDef):
            qualname = ".".join([*ctx.scopes, node.name.value])
            frame = FunctionFrame(
                name=node.name.value,
                qualname=qualname,
                node=node,
                is_async=node.asynchronous is not None,
                loop_depth_base=ctx.loop_depth,
            )
            ctx.functions.append(frame)
            ctx.scopes.extend((node.name.value, "<locals>"))
            self.pending.append(_Pending(node, qualname, frame))
        elif isinstance(node, cst.ClassDef):
            qualname = ".".join([*ctx.scopes, node.name.value])
            ctx.scopes.append(node.name.value)
            ctx.class_depth += 1
            self.pending.append(_Pending(node, qualname))
        elif isinstance(node, _LOOPS):
            ctx.loop_depth += 1
            current = ctx.function
            if current is not None:
                depth = ctx.loop_depth - current.loop_depth_base
                current.max_loop_depth = max(current.max_loop_depth, depth)

    # -- built-in facts on leaving a node, one method per node type (no isinstance chains) -----
    def _on_call(self, node: cst.Call) -> None:
        self.top.call(node)
        frame = self.ctx.function
        if frame is not None:
            name = self.ctx.resolve(node.func)
            if name is not None:
                frame.calls.add(name)

    def _on_attribute(self, node: cst.Attribute) -> None:
        value = node.value
        if isinstance(value, cst.Name):
            target = self.ctx.aliases.get(value.value)
            if target is not None:
                self.names_used.add((target, node.attr.value))

    def _on_import(self, node: cst.Import | cst.ImportFrom) -> None:
        self._on_small_statement(node)
        for imp in imports_of(node, self.ctx, self.span(node).line):
            self.ctx.aliases[imp.alias] = imp.target
            if not imp.is_from:
                self.ctx.modules.add(imp.alias)
            self.imports.append(imp)

    def _on_empty_line(self, node: cst.EmptyLine) -> None:
        if node.comment is None:
            self.blank += 1
            return
        self.comment_lines += 1
        at_col0 = not self.indented or not node.indent
        if at_col0 and self.keep_python is None and not node.whitespace.value:
            keep = _KEEP.match(node.comment.value)
            if keep:
                self.keep_python = (keep.group(1) or "").strip() or "marked keep-python"

    def _on_if(self, node: cst.If) -> None:
        if not self.ctx.scopes and is_main_guard(node.test):
            self.has_main_guard = True
        if self.top.guard is node:
            self.top.guard = None
        self.lloc += 1

    def _on_statement(self, node: cst.CSTNode) -> None:
        self.lloc += 1  # logical lines, for radon's maintainability index

    # -- the top level: lines run once on import, data constants (goport.walk.data) ----------
    def _at_top(self) -> bool:
        ctx = self.ctx
        return (
            ctx.function is None
            and not ctx.class_depth
            and not ctx.loop_depth
            and self.top.guard is None
        )

    def _enter_if(self, node: cst.If) -> None:
        guard = self.top.guard
        if guard is not None and guard.orelse is node:  # its elif runs on import
            self.top.guard = None
        if self._at_top() and is_main_guard(node.test):  # the program, not its import
            self.top.guard = node

    def _enter_else(self, node: cst.Else) -> None:
        guard = self.top.guard
        if guard is not None and guard.orelse is node:  # its else runs on import
            self.top.guard = None

    def _enter_small(self, node: cst.CSTNode) -> None:
        if self._at_top():
            self.top.begin(self.blank + self.comment_lines)

    def _on_small_statement(self, node: cst.CSTNode) -> None:
        self.lloc += 1
        if self._at_top():
            span = self.span(node)
            self.top.end(span.line, span.end_line, self.blank + self.comment_lines)

    def _on_assign(self, node: cst.Assign | cst.AnnAssign) -> None:
        self._on_small_statement(node)
        if self.ctx.function is None and not self.ctx.class_depth:
            self.top.bind(node)
        self.top.stores(node)

    def _on_aug_assign(self, node: cst.AugAssign) -> None:
        self._on_small_statement(node)
        self.top.stores(node)

    def _on_global(self, node: cst.Global) -> None:
        self._on_small_statement(node)
        for item in node.names:
            self.top.changed(item.name.value)

    def _builtin_leave(self, kind: type) -> Callable[[Any], None]:
        special: dict[type, Callable[[Any], None]] = {
            cst.Call: self._on_call,
            cst.Attribute: self._on_attribute,
            cst.Import: self._on_import,
            cst.ImportFrom: self._on_import,
            cst.Comment: self._comment,
            cst.EmptyLine: self._on_empty_line,
            cst.If: self._on_if,
            cst.Assign: self._on_assign,
            cst.AnnAssign: self._on_assign,
            cst.AugAssign: self._on_aug_assign,
            cst.Global: self._on_global,
        }
        if issubclass(kind, cst.BaseSmallStatement):
            return special.get(kind, self._on_small_statement)
        return special.get(kind, self._on_statement)

    def _comment(self, node: cst.Comment) -> None:
        self.comments += 1
        text = node.value
        if "goport" not in text:
            return
        line = self.line  # a comment holds no newline, so the walk is still on its line
        match = _SUPPRESS.search(text)
        if match:
            rules = tuple(r.strip().upper() for r in (match.group(1) or "").split(",") if r.strip())
            self.suppressions.append(Suppression(line, rules))

    def _pop(self, node: cst.CSTNode) -> None:
        ctx = self.ctx
        if isinstance(node, _LOOPS):
            ctx.loop_depth -= 1
            return
        pending = self.pending.pop()
        span = self.span(node)
        if isinstance(node, cst.FunctionDef):
            frame = ctx.functions.pop()
            del ctx.scopes[-2:]
            self.functions.append(self._function_facts(node, pending.qualname, frame, span))
            if self.pending and isinstance(self.pending[-1].node, cst.ClassDef):
                self.pending[-1].methods.append(node.name.value)
        elif isinstance(node, cst.ClassDef):
            ctx.scopes.pop()
            ctx.class_depth -= 1
            self.classes.append(
                ClassFacts(
                    qualname=pending.qualname,
                    span=span,
                    bases=tuple(self._text(arg.value) for arg in node.bases),
                    methods=tuple(pending.methods),
                )
            )

    def _function_facts(
        self, node: cst.FunctionDef, qualname: str, frame: FunctionFrame, span: Span
    ) -> FunctionFacts:
        scope = self.collector.take(node)
        facts = FunctionFacts(
            qualname=qualname,
            span=span,
            complexity=1,
            loop_depth=frame.max_loop_depth,
            is_async=frame.is_async,
            params=tuple(self._params(node.params)),
            returns=self._text(node.returns.annotation) if node.returns else None,
            calls=tuple(sorted(frame.calls)),
            findings=(),
            decorators=tuple(
                self.ctx.resolve(
                    d.decorator.func if isinstance(d.decorator, cst.Call) else d.decorator
                )
                or self._text(d.decorator)
                for d in node.decorators
            ),
        )
        self.scopes[id(facts)] = scope  # its call sites and work, read once the module is done
        return facts

    def _params(self, params: cst.Parameters) -> Iterable[Param]:
        def one(p: cst.Param, kind: str) -> Param:
            return Param(
                name=p.name.value,
                annotation=self._text(p.annotation.annotation) if p.annotation else None,
                default=self._text(p.default) if p.default else None,
                kind=kind,
            )

        for p in (*params.posonly_params, *params.params):
            yield one(p, "positional")
        if isinstance(params.star_arg, cst.Param):
            yield one(params.star_arg, "var-positional")
        for p in params.kwonly_params:
            yield one(p, "keyword-only")
        if params.star_kwarg is not None:
            yield one(params.star_kwarg, "var-keyword")

    def _text(self, node: cst.CSTNode) -> str:
        return self.module.code_for_node(node).strip()


@functools.cache
def _hooks(detector: type) -> tuple[tuple[str, bool, tuple[type, ...]], ...]:
    """(method name, on leave?, node types it handles) of a detector class, found once."""
    out = []
    for attr in sorted(dir(detector)):
        if attr.startswith(("visit_", "leave_")):  # libcst's names: visit on entering
            node_type = getattr(cst, attr.split("_", 1)[1], None)
            if not isinstance(node_type, type):
                raise TypeError(f"{detector.__name__}.{attr}: no libcst node of that name")
            out.append((attr, attr.startswith("leave_"), tuple(_concrete_subclasses(node_type))))
    return tuple(out)


def _concrete_subclasses(kind: type) -> list[type]:
    out: list[type] = [kind]
    subclasses: list[type] = kind.__subclasses__()
    for sub in subclasses:
        out.extend(_concrete_subclasses(sub))
    return out


_ENTER_KINDS = frozenset({cst.FunctionDef, cst.ClassDef, cst.For, cst.While, cst.CompFor})
_SMALL_KINDS = frozenset(_concrete_subclasses(cst.BaseSmallStatement)) - {cst.BaseSmallStatement}
_POP_KINDS = _ENTER_KINDS
_LEAVE_KINDS = frozenset(
    {
        cst.Call,
        cst.Attribute,
        cst.Import,
        cst.ImportFrom,
        cst.Comment,
        cst.EmptyLine,
        cst.If,
        # logical lines, for radon's maintainability index
        *_concrete_subclasses(cst.BaseSmallStatement),
        cst.For,
        cst.While,
        cst.Try,
        cst.TryStar,
        cst.With,
        cst.FunctionDef,
        cst.ClassDef,
        cst.Match,
    }
) - {cst.BaseSmallStatement}


def walk_module(module: cst.Module, ctx: Context, hooked: Sequence[object]) -> Walker:
    """Walk ``module`` once with the built-in facts, ``hooked`` (facts, then rules) and the
    call-site collector. Long chains (thousands of concatenated string literals in generated
    tables) nest deeply in the tree; CPython parsed the file, so the walk gets more headroom."""
    walker = Walker(module, ctx, hooked, CallSiteCollector(ctx))
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, WALK_RECURSION_LIMIT))
    try:
        walker.walk(module)
    except RecursionError as exc:
        raise ExtractError("extract", "too deeply nested to analyse") from exc
    finally:
        sys.setrecursionlimit(limit)
    return walker
