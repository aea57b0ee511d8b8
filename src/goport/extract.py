"""SourceFile -> ModuleFacts: one libcst parse, one source-order walk running every detector, radon.

The walk (``goport.walk.walker``) visits every node exactly once, in source order, with exact
lines, at roughly the cost of ``Module.code``; the detectors hook node entry and exit. radon's
complexity and Halstead visitors run on the stdlib ``ast`` of the same text (``measure``).
"""

from __future__ import annotations

import ast
import logging
import re
from collections.abc import Sequence

import libcst as cst

from goport.codehash import body_hash
from goport.detectors.base import Context, Detector
from goport.detectors.registry import REGISTRY
from goport.kinds import module_kind
from goport.measure import (
    MAX_NODES,
    RadonResult,
    check_chains,
    maintainability,
    radon_of,
    stdlib_tree,
)
from goport.model import (
    CallSite,
    Finding,
    FunctionFacts,
    Metrics,
    ModuleFacts,
    SourceFile,
    Suppression,
    WorkShape,
)
from goport.sources import DEFAULT_MAX_BYTES, ExtractError, digest_bytes, read_source, too_large
from goport.walk.data import inert_classes
from goport.walk.imports import top_level_imports
from goport.walk.walker import Walker, walk_module

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
    try:
        check_chains(data, tree)
    except ExtractError as exc:
        if syntax is not None and syntax.lineno:  # CPython's own message says more
            raise ExtractError("parse", _cpython_message(syntax, data)) from exc
        raise
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
        if tree is not None:  # valid Python that libcst's grammar or limits reject
            raise ExtractError(
                "parse",
                "CPython accepts this file but libcst, goport's parser, does not ("
                f"{(exc.message or 'parser error').splitlines()[0]}); usually generated code or "
                "syntax newer than this libcst",
            ) from exc
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
    ctx = Context(source.module, source.rel_path, source.rel_path.endswith("__init__.py"))
    top_level_imports(module, ctx)
    instances = [cls(ctx) for cls in detector_classes(detectors)]
    # the facts rules declared (goport.walk) run first, so every rule sees them up to date
    walker = walk_module(module, ctx, [*ctx.facts.values(), *instances])
    for det in instances:
        det.finish(module)
    radon = radon_of(tree if tree is not None else stdlib_tree(data)[0])
    findings = _apply_suppressions(ctx.findings, walker.suppressions)
    collector = walker.collector
    sites = {key: collector.sites_of(scope) for key, scope in walker.scopes.items()}
    works = {key: collector.work_of(scope) for key, scope in walker.scopes.items()}
    functions = _attach(walker.functions, findings, radon, data.splitlines(), sites, works)
    kind, kind_reason = module_kind(source, data)
    return ModuleFacts(
        rel_path=source.rel_path,
        module=source.module,
        digest=digest,
        metrics=_metrics(walker, data.decode(module.encoding, errors="replace"), radon, functions),
        imports=tuple(sorted(set(walker.imports), key=lambda i: (i.line, i.target, i.alias))),
        functions=functions,
        classes=tuple(sorted(walker.classes, key=lambda c: c.span)),
        findings=tuple(findings),
        suppressions=tuple(walker.suppressions),
        keep_python=walker.keep_python,
        names_used=tuple(sorted(walker.names_used)),
        is_test=source.is_test,
        has_main_guard=walker.has_main_guard,
        notes=()
        if radon is not None
        else ("radon could not parse this file with this Python; complexity estimated as 1",),
        kind=kind,
        kind_reason=kind_reason,
        module_call_sites=collector.sites_of(collector.module),
        module_work=collector.work_of(collector.module),
        aliases=tuple(dict.fromkeys(collector.module_aliases)),
        method_aliases=tuple(dict.fromkeys(collector.method_aliases)),
        inert_names=_inert_names(walker),
    )


def _inert_names(walker: Walker) -> tuple[str, ...]:
    """The names another module can use without running this one's code on its hot path: its
    constants bound to literal data only (not also defined by a def or class or bound by an
    import), its exception classes, which run when something fails, and its enumerations."""
    defined = [i.alias for i in walker.imports]
    defined += [f.qualname for f in walker.functions] + [c.qualname for c in walker.classes]
    classes = inert_classes(walker.classes, walker.ctx.top_imports)
    return tuple(sorted({*walker.top.data_names(defined), *classes}))


def _metrics(
    walker: Walker, text: str, radon: RadonResult | None, functions: Sequence[FunctionFacts]
) -> Metrics:
    """Line counts from the walk, complexity and volume from radon (estimated without it)."""
    loc = len(text.splitlines())
    sloc = max(0, loc - walker.blank - walker.comment_lines)
    comment_pct = 100.0 * walker.comments / sloc if sloc else 0.0
    return Metrics(
        loc=max(loc, 0),
        sloc=sloc,
        lloc=walker.lloc,
        comments=walker.comments,
        blank=walker.blank,
        complexity_total=radon.total if radon else len(functions) + 1,
        complexity_max=radon.max if radon else 1,
        halstead_volume=round(radon.volume, 2) if radon else 0.0,
        maintainability=(
            maintainability(radon.volume, radon.total, walker.lloc, comment_pct) if radon else None
        ),
        operators=walker.collector.operators,
        text_operators=walker.collector.text_operators,
        import_operators=walker.collector.import_operators,
        import_lines=min(walker.top.lines, sloc),
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
    radon: RadonResult | None,
    lines: Sequence[bytes],
    sites: dict[int, tuple[CallSite, ...]],
    works: dict[int, WorkShape],
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
                work=works.get(id(fn), fn.work),
            )
        )
    return tuple(out)


def _syntax_message(
    exc: cst.ParserSyntaxError, data: bytes, syntax: SyntaxError | None = None
) -> str:
    if syntax is not None and syntax.lineno:
        return _cpython_message(syntax, data)
    return (
        f"syntax error at line {exc.raw_line}, column {exc.raw_column}{_hint(data)}: {exc.message}"
    )


def _cpython_message(syntax: SyntaxError, data: bytes) -> str:
    """CPython's position and wording: what users know from their own tracebacks."""
    return (
        f"syntax error at line {syntax.lineno}, column {syntax.offset or 0}{_hint(data)}: "
        f"{syntax.msg}"
    )


def _hint(data: bytes) -> str:
    if re.search(rb"^\s*print\s+[\"'\w]", data, re.MULTILINE) or re.search(
        rb"^\s*exec\s+[\"'\w]|except\s+\w+\s*,\s*\w+\s*:|^\s*raise\s+[\w.]+\s*,",
        data,
        re.MULTILINE,
    ):
        return " (this looks like Python 2, which goport does not analyse)"
    if b"<<<<<<<" in data[:4096]:
        return " (unresolved merge conflict markers)"
    return ""
