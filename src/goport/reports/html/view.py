"""The whole report as plain data for the template: verdict, map, table, stories, project map,
diff and plan.

The table's numbers are the JSON report's (``json_report.candidate``), so the page and the JSON
agree by construction; the rows the table's script sorts and filters are embedded with them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from goport.model import Candidate, RunResult, Strategy
from goport.reports import Options, points
from goport.reports import json_report as jr
from goport.reports.columns import Names, effort_cell
from goport.reports.html import charts, graph
from goport.reports.html.source import reader
from goport.reports.html.story import Context, Link, Story, anchor, path_link, stories
from goport.reports.terminal import analysed_line, set_apart_line
from goport.reports.verdict import legend, short_names, verdict
from goport.roadmap.render import effort_text, gain_text, summary_text
from goport.roadmap.roadmap import Plan
from goport.scoring import gain_of
from goport.text import printable

#: the verdict is one line of this many characters at most ("+N more" past it)
VERDICT_WIDTH = 160
#: factors named in a row's "why"
WHY_FACTORS = 3
#: diff rows drawn
DIFF_ROWS = 20


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the ranked table, with the JSON report's numbers."""

    anchor: str
    rank: int
    path: str
    score: str
    strategy: str
    gain: str
    effort: str
    days: str  # the middle of the effort range, "" without one (what the column sorts by)
    sloc: int
    fan_in: int
    findings: int
    why: str


@dataclass(frozen=True, slots=True)
class DiffRow:
    module: Link
    before: str
    after: str
    rank: str
    notes: str


@dataclass(frozen=True, slots=True)
class DiffView:
    base: str
    commit: str
    changed: int
    chart: charts.DiffChart | None
    rows: tuple[DiffRow, ...]
    more: int


@dataclass(frozen=True, slots=True)
class PlanRow:
    number: int
    wave: int
    modules: tuple[Link, ...]
    strategy: str
    gain: str
    effort: str


@dataclass(frozen=True, slots=True)
class PlanView:
    summary: str
    rows: tuple[PlanRow, ...]
    stays: tuple[str, ...]
    notes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Report:
    title: str
    root: str
    tool_version: str
    verdict: str
    summary: str
    notes: tuple[str, ...]  # profile, diff, baseline, gate: a sentence each
    legend: tuple[str, ...]
    chart: charts.MapChart | None
    strategies: tuple[str, ...]  # the strategies in the table, for its filter
    rows: tuple[Row, ...]
    data: dict[str, Any]  # what the table's script sorts and filters by
    stories: tuple[Story, ...]
    project: graph.GraphChart | None
    diff: DiffView | None
    plan: PlanView | None
    left_out: tuple[str, ...]  # decided, set apart, not analysed


def report(result: RunResult, options: Options, plan: Plan | None = None) -> Report:
    shown = result.candidates
    ranking = result.ranking or shown
    anchors = {c.rel_path: anchor(c.rel_path) for c in shown}
    names = short_names(sorted({c.rel_path for c in (*ranking, *shown)}))
    digests = {m.rel_path: m.digest for m in result.modules}
    ctx = Context(
        anchors,
        {c.module: c.rel_path for c in ranking},
        reader(result.root, options.max_file_size, digests),
        () if plan is None else plan.steps,
    )
    rows = tuple(_row(jr.candidate(c), c, anchors[c.rel_path]) for c in shown)
    return Report(
        title=f"goport: {Path(result.root).name or result.root}",
        root=result.root,
        tool_version=result.tool_version,
        verdict=verdict(result, VERDICT_WIDTH),
        summary=_summary(result),
        notes=_notes(result),
        legend=tuple(legend(result, shown, Names.FULL)) if shown else (),
        chart=charts.gain_map(shown, anchors, names, ranking) if shown else None,
        strategies=strategies_of(shown),
        rows=rows,
        data={"rows": [_data(r) for r in rows]},
        stories=stories(shown, ctx),
        project=graph.project_map(ranking, anchors, names) if ranking else None,
        diff=_diff(result, anchors, names),
        plan=None if plan is None else _plan(plan, anchors),
        left_out=_left_out(result),
    )


def _summary(result: RunResult) -> str:
    return (
        f"goport {result.tool_version}: {analysed_line(result)}, {len(result.candidates)} reported."
    )


def _notes(result: RunResult) -> tuple[str, ...]:
    out = []
    p = result.profile
    if p is not None:
        out.append(
            f"Ranked with a profile: {p.samples} samples from {len(p.files)} file(s), "
            f"{p.match_rate:.0%} matched to this tree."
        )
        out += [f"Profile warning: {w}" for w in p.warnings]
    d = result.diff
    if d is not None:
        out.append(
            f"Diff against {d.base} ({d.base_commit[:12]}): {len(d.changed)} changed Python "
            "file(s); only those are reported."
        )
    if result.baseline is not None:
        out.append(f"Baseline {result.baseline}: only what it does not know is reported.")
    g = result.gate
    if g is not None:
        out.append("Gate tripped: " + "; ".join(g.reasons) if g.tripped else "Gate passed.")
    return tuple(out)


def _row(doc: dict[str, Any], c: Candidate, section: str) -> Row:
    """A table row from the candidate's JSON object (the same numbers as ``--format json``)."""
    e = doc["effort"]
    why = charts.reasons(c, WHY_FACTORS)
    return Row(
        anchor=section,
        rank=doc["rank"],
        path=doc["path"],
        score=points(doc["score"]),
        strategy=doc["strategy"],
        gain=points(gain_of(c.factors), sign=True),
        effort=effort_cell(c),
        days="" if e is None else f"{(e['days_low'] + e['days_high']) / 2:g}",
        sloc=doc["metrics"]["sloc"],
        fan_in=doc["boundary"]["fan_in"],
        findings=len(doc["findings"]),
        why=why or "-",
    )


def _data(r: Row) -> dict[str, Any]:
    """What the table's script sorts and filters by, per row (numbers as numbers)."""
    return {
        "id": r.anchor,
        "rank": r.rank,
        "path": printable(r.path),  # as the table shows it, for the path filter
        "score": float(r.score),
        "strategy": r.strategy,
        "gain": float(r.gain),
        "days": float(r.days) if r.days else None,
        "sloc": r.sloc,
        "fan_in": r.fan_in,
        "findings": r.findings,
    }


def _diff(result: RunResult, anchors: dict[str, str], names: dict[str, str]) -> DiffView | None:
    d = result.diff
    if d is None:
        return None
    moved = [x for x in d.deltas if x.notes or x.rel_path in d.changed]
    shown = moved[:DIFF_ROWS]
    every = {**names, **short_names(sorted({x.rel_path for x in shown}))}
    rows = tuple(
        DiffRow(
            path_link(x.rel_path, anchors),
            "-" if x.before is None else points(x.before),
            "-" if x.after is None else points(x.after),
            f"{x.rank_before or '-'} -> {x.rank_after or '-'}",
            ", ".join(x.notes),
        )
        for x in shown
    )
    chart = charts.diff_chart(shown, anchors, every) if shown else None
    return DiffView(
        d.base, d.base_commit[:12], len(d.changed), chart, rows, len(moved) - len(shown)
    )


def _plan(plan: Plan, anchors: dict[str, str]) -> PlanView:
    rows = tuple(
        PlanRow(
            s.number,
            s.wave,
            tuple(path_link(p, anchors) for p in s.modules),
            s.strategy.value,
            gain_text(s.gain),
            effort_text(s),
        )
        for s in plan.steps
    )
    stays = tuple(f"{path}: {why}" for path, why in plan.stays)
    return PlanView(summary_text(plan), rows, stays, plan.notes)


def _left_out(result: RunResult) -> tuple[str, ...]:
    out: list[str] = []
    if result.set_apart:
        out.append(set_apart_line(result))
    out += [f"{d.rel_path}: decided, kept in Python ({d.reason})" for d in result.decided]
    out += [f"{e.rel_path} not analysed ({e.stage}): {e.message}" for e in result.errors]
    return tuple(out)


def strategies_of(candidates: Sequence[Candidate]) -> tuple[str, ...]:
    return tuple(s.value for s in Strategy if any(c.strategy is s for c in candidates))
