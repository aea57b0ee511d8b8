"""One candidate's story, as the report's per-module section shows it: the factors as a
waterfall, the hot functions with their source shaded by heat, where the time goes (the
estimated hot call chain, and what a profile measured), the boundary, Go idioms, blockers,
effort and the plan step.

Everything is plain data for the template; strings keep the scanned tree's text as it is, and
the template shows it through ``printable`` and HTML escaping.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from goport.model import Candidate, Finding, GoIdiom
from goport.reports import points
from goport.reports.html import charts
from goport.reports.html.source import Excerpt, Reader, excerpt
from goport.reports.terminal import (
    _pct,
    compared_shares,
    estimate_verdict,
    estimated_line,
    function_why,
    measured_line,
)
from goport.roadmap.model import Step
from goport.roadmap.render import effort_text, gain_text, risk_lines
from goport.scoring import gain_of

#: hot functions shown with their source, hottest first (the others are listed)
SOURCE_FUNCTIONS = 3
#: functions of the "where the time goes" table
SHARE_ROWS = 8

_UNSAFE_ID = re.compile(r"[^A-Za-z0-9]+")


def anchor(rel_path: str) -> str:
    """A module's section id: readable, unique (a hash of the path), and only ASCII letters,
    digits and dashes, whatever the path holds."""
    slug = _UNSAFE_ID.sub("-", rel_path).strip("-").lower()[:40]
    digest = hashlib.blake2b(rel_path.encode("utf-8", "surrogatepass"), digest_size=4)
    return f"m-{slug}-{digest.hexdigest()}" if slug else f"m-{digest.hexdigest()}"


@dataclass(frozen=True, slots=True)
class Link:
    label: str
    href: str  # "" when the target has no section in this report


def path_link(rel_path: str, anchors: dict[str, str]) -> Link:
    """A module by its path, linked to its section when the report has one."""
    return Link(rel_path, "#" + anchors[rel_path] if rel_path in anchors else "")


@dataclass(frozen=True, slots=True)
class FunctionView:
    qualname: str
    lines: str
    complexity: int
    heat: str
    why: str
    signature: str
    excerpt: Excerpt | None


@dataclass(frozen=True, slots=True)
class ShareRow:
    function: str
    estimated: str
    measured: str  # "" without a profile
    runs: str  # estimated runs per run of the entry points ("" with a profile)
    note: str  # the hottest chain to it, or how the estimate compares with the profile


@dataclass(frozen=True, slots=True)
class StepView:
    number: int
    total: int
    wave: int
    modules: tuple[Link, ...]
    strategy: str
    why: str
    gain: str
    effort: str
    requires: tuple[str, ...]
    risks: tuple[str, ...]
    seams: tuple[str, ...]
    tests_first: tuple[str, ...]
    contract: str  # the contract file's name, "" without one


@dataclass(frozen=True, slots=True)
class Story:
    anchor: str
    rank: int
    path: str
    module: str
    score: str
    strategy: str
    strategy_reason: str
    gain: str
    effort: str
    waterfall: charts.Waterfall
    functions: tuple[FunctionView, ...]
    source_note: str  # why no source is shown, "" when it is
    chain: tuple[Link, ...]  # the estimated hottest call chain to the module, entry point first
    time: tuple[str, ...]  # what the estimate and the profile say, a sentence each
    measured_path: tuple[str, ...]  # measured functions by time including callees
    shares: tuple[ShareRow, ...]
    imported_by: tuple[Link, ...]
    imports: tuple[Link, ...]
    used_names: tuple[str, ...]
    tested_by: tuple[str, ...]
    idioms: tuple[GoIdiom, ...]
    blockers: tuple[str, ...]
    python_first: tuple[str, ...]
    findings: tuple[Finding, ...]
    history: str
    step: StepView | None


@dataclass(frozen=True, slots=True)
class Context:
    """What a story links to: sections by rel path, rel paths by module, sources, the plan."""

    anchors: dict[str, str]  # rel path -> section id, for the reported candidates
    paths: dict[str, str]  # dotted module -> rel path, every ranked module
    read: Reader
    steps: tuple[Step, ...]

    def link(self, module: str, label: str | None = None) -> Link:
        """A module by its dotted name, linked to its section when it has one."""
        href = path_link(self.paths.get(module, ""), self.anchors).href
        return Link(module if label is None else label, href)


def story(c: Candidate, ctx: Context) -> Story:
    b = c.boundary
    functions, note = _functions(c, ctx)
    return Story(
        anchor=ctx.anchors[c.rel_path],
        rank=c.rank,
        path=c.rel_path,
        module=c.module,
        score=points(c.score),
        strategy=c.strategy.value,
        strategy_reason=c.strategy_reason,
        gain=points(gain_of(c.factors), sign=True),
        effort=_effort(c),
        waterfall=charts.waterfall(c.factors, c.score),
        functions=functions,
        source_note=note,
        chain=_chain(c, ctx),
        time=_time(c),
        measured_path=_measured_path(c),
        shares=_shares(c),
        imported_by=tuple(ctx.link(m) for m in b.imported_by),
        imports=tuple(ctx.link(m) for m in b.imports),
        used_names=b.used_names,
        tested_by=b.tested_by,
        idioms=c.idioms,
        blockers=c.blockers,
        python_first=c.python_first,
        findings=c.findings,
        history=_history(c),
        step=_step(c, ctx),
    )


def _effort(c: Candidate) -> str:
    e = c.effort
    if e is None:
        return "none: it stays in Python"
    return f"{e.size}, about {e.days_low}-{e.days_high} person-days ({e.explanation})"


def _functions(c: Candidate, ctx: Context) -> tuple[tuple[FunctionView, ...], str]:
    """The hot functions; the first few with their source, when it can be read safely."""
    lines = ctx.read(c.rel_path) if c.functions else None
    note = ""
    if c.functions and lines is None:
        note = "Source not shown: the file could not be read safely, or changed since the scan."
    out = []
    for i, fn in enumerate(c.functions):
        shown = excerpt(lines, fn, c.findings) if lines and i < SOURCE_FUNCTIONS else None
        out.append(
            FunctionView(
                fn.qualname,
                f"{fn.span.line}-{fn.span.end_line}",
                fn.complexity,
                f"{fn.heat:.2f}",
                function_why(fn),
                fn.signature,
                shown,
            )
        )
    return tuple(out), note


def _chain(c: Candidate, ctx: Context) -> tuple[Link, ...]:
    """The estimated hottest call chain from an entry point to the module's hottest function;
    each step links to its module's section when the report has one."""
    e = c.estimate
    if e is None or not e.functions:
        return ()
    return tuple(ctx.link(step.split(":", 1)[0], step) for step in e.functions[0].chain)


def _time(c: Candidate) -> tuple[str, ...]:
    """What the estimate and the profile say of the module's share of the run time."""
    e, h = c.estimate, c.hotness
    return (
        *(() if e is None else (estimated_line(e) + ".",)),
        *(() if h is None else (measured_line(h),)),
    )


def _measured_path(c: Candidate) -> tuple[str, ...]:
    """With a profile: the module's functions by measured time including what they call, the
    outermost first: the path the samples took through the module. Of two functions with the
    same total, the one with less time of its own is the caller (a caller's total holds its
    callee's and its own)."""
    if c.hotness is None:
        return ()
    ran = [f for f in c.hotness.by_function if f.total_share > 0]
    ran.sort(key=lambda f: (-f.total_share, f.self_share, f.qualname))
    return tuple(
        f"{f.qualname} ({_pct(f.total_share)} total, {_pct(f.self_share)} self)"
        for f in ran[:SHARE_ROWS]
    )


def _shares(c: Candidate) -> tuple[ShareRow, ...]:
    e = c.estimate
    if e is None:
        return ()
    if c.hotness is not None:
        return tuple(
            ShareRow(name, _pct(est), _pct(meas), "", estimate_verdict(est, meas))
            for name, est, meas in compared_shares(e.functions, c.hotness.by_function)
        )
    return tuple(
        ShareRow(
            fn.qualname,
            _pct(fn.share),
            "",
            f"{fn.frequency:.3g}",
            _caller(fn.chain),
        )
        for fn in e.functions[:SHARE_ROWS]
    )


def _caller(chain: Sequence[str]) -> str:
    """Where the hottest chain to a function comes from: its entry point and the caller."""
    if len(chain) < 2:
        return "entry point"
    if len(chain) == 2:
        return chain[0]
    between = len(chain) - 3
    return f"{chain[0]} -> {f'({between} more) -> ' if between else ''}{chain[-2]}"


def _history(c: Candidate) -> str:
    h = c.history
    if h is None:
        return ""
    last = f", last on {h.last_change}" if h.last_change else ""
    return (
        f"{h.commits} commit(s) by {h.authors} author(s) in {h.window_days} days, "
        f"{h.churn} lines changed{last}."
    )


def _step(c: Candidate, ctx: Context) -> StepView | None:
    s = next((s for s in ctx.steps if c.rel_path in s.modules), None)
    if s is None:
        return None
    modules = tuple(path_link(p, ctx.anchors) for p in s.modules)
    return StepView(
        number=s.number,
        total=len(ctx.steps),
        wave=s.wave,
        modules=modules,
        strategy=s.strategy.value,
        why=s.why,
        gain=gain_text(s.gain),
        effort=effort_text(s),
        requires=s.requires,
        risks=tuple(risk_lines(s.risks)),
        seams=tuple(f"{x.kind}: {x.why}" for x in s.seams),
        tests_first=s.tests_first,
        contract="" if s.contract is None else s.contract.filename,
    )


def stories(candidates: Sequence[Candidate], ctx: Context) -> tuple[Story, ...]:
    return tuple(story(c, ctx) for c in candidates)
