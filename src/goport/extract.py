"""SourceFile -> ModuleFacts: one libcst parse, one source-order walk running every detector, radon.

The walk (``goport.cstwalk``, the one module that touches libcst internals) visits every node
exactly once, in source order, with exact lines, at roughly the cost of ``Module.code``; the
detectors hook node entry and exit. radon's complexity and Halstead visitors run on the stdlib ``ast`` of the same
text; radon's raw analyser is never run on whole files (it is quadratic on long strings), so
the raw line counts come from the walk instead.
"""

from __future__ import annotations

import ast
import functools
import logging
import re
import sys
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import libcst as cst

from goport.callsites import CallSiteCollector, Scope, is_main_guard
from goport.codehash import body_hash
from goport.cstwalk import LineWalk
from goport.detectors.base import Context, Detector, FunctionFrame, dotted
from goport.detectors.registry import REGISTRY
from goport.kinds import module_kind
from goport.model import (
    CallSite,
    ClassFacts,
    Finding,
    FunctionFacts,
    Import,
    Metrics,
    ModuleFacts,
    Param,
    SourceFile,
    Span,
    Suppression,
)
from goport.sources import DEFAULT_MAX_BYTES, ExtractError, digest_bytes, read_source, too_large

__all__ = [
    "DEFAULT_MAX_BYTES",
    "ExtractError",
    "digest_bytes",
    "extract",
    "extract_module",
    "read_source",
    "stdlib_tree",
    "too_large",
]

log = logging.getLogger(__name__)


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


class _Walker(LineWalk):
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
        self.on_enter = {
            kind: (*((self._enter_builtin,) if kind in _ENTER_KINDS else ()), *enter.get(kind, ()))
            for kind in tracked
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
        self.lloc += 1
        for imp in _imports_of(node, self.ctx, self.span(node).line):
            self.ctx.aliases[imp.alias] = imp.target
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
        self.lloc += 1

    def _on_statement(self, node: cst.CSTNode) -> None:
        self.lloc += 1  # logical lines, for radon's maintainability index

    def _builtin_leave(self, kind: type) -> Callable[[Any], None]:
        special: dict[type, Callable[[Any], None]] = {
            cst.Call: self._on_call,
            cst.Attribute: self._on_attribute,
            cst.Import: self._on_import,
            cst.ImportFrom: self._on_import,
            cst.Comment: self._comment,
            cst.EmptyLine: self._on_empty_line,
            cst.If: self._on_if,
        }
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
            work=scope.work(),
        )
        self.scopes[id(facts)] = scope
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


def _absolute(module: str, is_package: bool, level: int, name: str) -> str:
    if level == 0:
        return name
    parts = module.split(".")
    if not is_package:
        parts = parts[:-1]
    if level > 1:
        parts = parts[: max(0, len(parts) - (level - 1))]
    base = ".".join(p for p in parts if p)
    if base and name:
        return base + "." + name
    return base or name


def _imports_of(node: cst.Import | cst.ImportFrom, ctx: Context, line: int) -> list[Import]:
    out: list[Import] = []
    if isinstance(node, cst.Import):
        for alias in node.names:
            target = dotted(alias.name) or ""
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                out.append(Import(target, alias.asname.name.value, line))
            else:
                # ``import a.b`` binds ``a``; attribute chains then resolve to a.b.x naturally
                head = target.split(".", 1)[0]
                out.append(Import(head if "." in target else target, head, line))
                if "." in target:
                    out.append(Import(target, target, line))
        return out
    base = _absolute(ctx.module, ctx.is_package, len(node.relative), dotted(node.module) or "")
    if isinstance(node.names, cst.ImportStar):
        out.append(Import(base, "*", line, is_from=True))
        return out
    for alias in node.names:
        name = dotted(alias.name) or ""
        local = (
            alias.asname.name.value
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name)
            else name
        )
        out.append(Import(f"{base}.{name}" if base else name, local, line, is_from=True))
    return out


def _top_level_imports(module: cst.Module, ctx: Context) -> None:
    """Seed the alias table with module-level imports, so functions defined above see them."""

    def walk(body: Sequence[cst.BaseStatement | cst.BaseSmallStatement]) -> None:
        for stmt in body:
            if isinstance(stmt, cst.SimpleStatementLine):
                for small in stmt.body:
                    if isinstance(small, (cst.Import, cst.ImportFrom)):
                        for imp in _imports_of(small, ctx, 0):
                            ctx.aliases.setdefault(imp.alias, imp.target)
            elif isinstance(stmt, (cst.If, cst.Try)):
                block = stmt.body
                if isinstance(block, cst.IndentedBlock):
                    walk(block.body)

    walk(module.body)


# -- radon ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _RadonResult:
    complexity_by_line: dict[int, int]
    total: int
    max: int
    volume: float


#: libcst needs about 80 microseconds and 5 KB per syntax node: a 1 MB file of real code has
#: about 100,000 nodes, a 1 MB literal table 500,000 (40 s and 2.4 GB). Past this, skip the file.
MAX_NODES = 150_000

_TOO_DEEP = ("too many nested", "too many levels", "too many statically nested")


def stdlib_tree(data: bytes) -> tuple[ast.Module | None, SyntaxError | None]:
    """The stdlib ``ast`` of the file (for radon), or the SyntaxError CPython reports.

    Parsed before libcst on purpose: CPython refuses pathologically nested code quickly, while
    libcst's native parser can take minutes or crash the process on it.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(data), None
    except SyntaxError as exc:
        if any(marker in str(exc.msg) for marker in _TOO_DEEP):
            raise ExtractError(
                "parse", f"too deeply nested to parse (line {exc.lineno}): {exc.msg}"
            ) from exc
        return None, exc
    except (RecursionError, MemoryError) as exc:
        raise ExtractError("parse", f"too deeply nested to parse ({type(exc).__name__})") from exc
    except ValueError:
        return None, None


def _radon(tree: ast.Module | None) -> _RadonResult | None:
    from radon.metrics import halstead_visitor_report
    from radon.visitors import ComplexityVisitor, HalsteadVisitor

    if tree is None:
        return None
    try:
        cc = ComplexityVisitor.from_ast(tree)
        halstead = halstead_visitor_report(HalsteadVisitor.from_ast(tree))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    by_line: dict[int, int] = {}

    def add(block: Any) -> None:
        by_line[block.lineno] = block.complexity
        for closure in getattr(block, "closures", ()):
            add(closure)

    for fn in cc.functions:
        add(fn)
    for klass in cc.classes:
        for method in klass.methods:
            add(method)
    blocks = list(by_line.values())
    return _RadonResult(
        complexity_by_line=by_line,
        total=cc.complexity + sum(blocks),
        max=max(blocks, default=cc.complexity),
        volume=float(halstead.volume or 0.0),
    )


def _maintainability(volume: float, complexity: int, lloc: int, comment_pct: float) -> float:
    from radon.metrics import mi_compute

    return round(float(mi_compute(volume, complexity, lloc, comment_pct)), 2)


# -- entry point ---------------------------------------------------------------------------------


def detector_classes(select: Sequence[type[Detector]] | None = None) -> tuple[type[Detector], ...]:
    return tuple(select) if select is not None else REGISTRY


def extract(source: SourceFile, data: bytes, digest: str | None = None) -> ModuleFacts:
    """Analyse one file's bytes. Raises ExtractError for files that cannot be analysed."""
    braces = data.count(b"{")
    if braces > MAX_NODES:
        # CPython's parser is quadratic on an f-string of this many fields (minutes for 1 MB):
        # refuse before parsing; no hand-written module holds this many braces
        raise ExtractError(
            "parse",
            f"{braces:,} braces, more syntax than goport analyses in one file ({MAX_NODES:,} "
            "nodes); usually a generated table, not a port candidate",
        )
    tree, syntax = stdlib_tree(data)
    if tree is not None and len(data) > MAX_NODES:  # a node takes at least a byte of source
        nodes = sum(1 for node in ast.walk(tree) if not isinstance(node, ast.expr_context))
        if nodes > MAX_NODES:
            raise ExtractError(
                "parse",
                f"{nodes:,} syntax nodes, more than goport analyses in one file ({MAX_NODES:,}); "
                "usually a generated table, not a port candidate",
            )
    try:
        module = cst.parse_module(data)
    except cst.ParserSyntaxError as exc:
        raise ExtractError("parse", _syntax_message(exc, data, syntax)) from exc
    except (UnicodeDecodeError, LookupError, SyntaxError) as exc:
        raise ExtractError(
            "read", f"cannot decode the file ({exc}); declare its encoding with a coding comment"
        ) from exc
    except (RecursionError, MemoryError) as exc:
        raise ExtractError("parse", f"too deeply nested to parse ({type(exc).__name__})") from exc
    return extract_module(source, module, data, digest or digest_bytes(data), tree=tree)


def extract_module(
    source: SourceFile,
    module: cst.Module,
    data: bytes,
    digest: str,
    detectors: Sequence[type[Detector]] | None = None,
    tree: ast.Module | None = None,
) -> ModuleFacts:
    is_package = source.rel_path.endswith("__init__.py")
    ctx = Context(source.module, source.rel_path, is_package)
    _top_level_imports(module, ctx)
    instances = [cls(ctx) for cls in detector_classes(detectors)]
    # the facts rules declared (goport.walk) run first, so every rule sees them up to date
    hooked = [*ctx.facts.values(), *instances]
    walker = _Walker(module, ctx, hooked, CallSiteCollector(ctx))
    # long chains (thousands of concatenated string literals in generated tables) nest deeply in
    # the tree; CPython parsed the file, so walking it with more headroom is safe
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, WALK_RECURSION_LIMIT))
    try:
        walker.walk(module)
    except RecursionError as exc:
        raise ExtractError("extract", "too deeply nested to analyse") from exc
    finally:
        sys.setrecursionlimit(limit)
    for det in instances:
        det.finish(module)

    text = data.decode(module.encoding, errors="replace")
    loc = len(text.splitlines())
    radon = _radon(tree if tree is not None else stdlib_tree(data)[0])
    notes: list[str] = []
    if radon is None:
        notes.append("radon could not parse this file with this Python; complexity estimated as 1")

    findings = _apply_suppressions(ctx.findings, walker.suppressions)
    collector = walker.collector
    sites = {key: collector.sites_of(scope) for key, scope in walker.scopes.items()}
    functions = _attach(walker.functions, findings, radon, data.splitlines(), sites)
    sloc = max(0, loc - walker.blank - walker.comment_lines)
    comment_pct = 100.0 * walker.comments / sloc if sloc else 0.0
    metrics = Metrics(
        loc=max(loc, 0),
        sloc=sloc,
        lloc=walker.lloc,
        comments=walker.comments,
        blank=walker.blank,
        complexity_total=radon.total if radon else len(functions) + 1,
        complexity_max=radon.max if radon else 1,
        halstead_volume=round(radon.volume, 2) if radon else 0.0,
        maintainability=(
            _maintainability(radon.volume, radon.total, walker.lloc, comment_pct) if radon else None
        ),
    )
    imports = sorted(set(walker.imports), key=lambda i: (i.line, i.target, i.alias))
    kind, kind_reason = module_kind(source, data)
    return ModuleFacts(
        rel_path=source.rel_path,
        module=source.module,
        digest=digest,
        metrics=metrics,
        imports=tuple(imports),
        functions=functions,
        classes=tuple(sorted(walker.classes, key=lambda c: c.span)),
        findings=tuple(findings),
        suppressions=tuple(walker.suppressions),
        keep_python=walker.keep_python,
        names_used=tuple(sorted(walker.names_used)),
        is_test=source.is_test,
        has_main_guard=walker.has_main_guard,
        notes=tuple(notes),
        kind=kind,
        kind_reason=kind_reason,
        module_call_sites=collector.sites_of(collector.module),
        module_work=collector.module.work(),
    )


def _apply_suppressions(
    findings: Sequence[Finding], suppressions: Sequence[Suppression]
) -> list[Finding]:
    by_line: dict[int, list[tuple[str, ...]]] = {}
    for s in suppressions:
        by_line.setdefault(s.line, []).append(s.rules)
    kept: list[Finding] = []
    for f in findings:
        rules_list = by_line.get(f.span.line)
        if rules_list and any(
            not rules or any(f.rule.startswith(r) for r in rules) for rules in rules_list
        ):
            continue
        kept.append(f)
    kept.sort(key=lambda f: (f.span.line, f.rule, f.span.end_line, f.symbol))
    return kept


def _attach(
    functions: Sequence[FunctionFacts],
    findings: Sequence[Finding],
    radon: _RadonResult | None,
    lines: Sequence[bytes],
    sites: dict[int, tuple[CallSite, ...]],
) -> tuple[FunctionFacts, ...]:
    by_symbol: dict[str, list[Finding]] = {}
    for f in findings:
        by_symbol.setdefault(f.symbol, []).append(f)
    out = []
    for fn in sorted(functions, key=lambda fn: fn.span):
        own = by_symbol.get(fn.qualname, [])
        complexity = radon.complexity_by_line.get(fn.span.line, 1) if radon else 1
        sloc = fn.span.end_line - fn.span.line + 1
        out.append(
            FunctionFacts(
                qualname=fn.qualname,
                span=fn.span,
                complexity=complexity,
                loop_depth=fn.loop_depth,
                is_async=fn.is_async,
                params=fn.params,
                returns=fn.returns,
                calls=fn.calls,
                findings=tuple(own),
                sloc=sloc,
                decorators=fn.decorators,
                body_hash=body_hash(lines, fn.span.line, fn.span.end_line),
                call_sites=sites.get(id(fn), ()),
                work=fn.work,
            )
        )
    return tuple(out)


def _syntax_message(
    exc: cst.ParserSyntaxError, data: bytes, syntax: SyntaxError | None = None
) -> str:
    head = data[:4096]
    hint = ""
    if re.search(rb"^\s*print\s+[\"'\w]", data, re.MULTILINE) or re.search(
        rb"^\s*exec\s+[\"'\w]|except\s+\w+\s*,\s*\w+\s*:", data, re.MULTILINE
    ):
        hint = " (this looks like Python 2, which goport does not analyse)"
    elif b"<<<<<<<" in head:
        hint = " (unresolved merge conflict markers)"
    if syntax is not None and syntax.lineno:
        # CPython's position and wording are what users know from their own tracebacks
        return (
            f"syntax error at line {syntax.lineno}, column {syntax.offset or 0}{hint}: {syntax.msg}"
        )
    return f"syntax error at line {exc.raw_line}, column {exc.raw_column}{hint}: {exc.message}"
