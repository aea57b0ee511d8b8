"""JSON: the machine format every other integration can build on. Deterministic and versioned.

The shape is described by ``goport/schemas/report.schema.json``, shipped in the package.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from goport.model import (
    AnalysisError,
    Boundary,
    Candidate,
    Effort,
    Factor,
    FileHistory,
    Finding,
    FunctionEstimate,
    HotFunction,
    Hotness,
    Metrics,
    ModuleEstimate,
    RunResult,
)
from goport.reports import Options, dumps


def schema() -> dict[str, Any]:
    text = resources.files("goport").joinpath("schemas/report.schema.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def finding(f: Finding) -> dict[str, Any]:
    return {
        "rule": f.rule,
        "name": f.name,
        "category": f.category.value,
        "line": f.span.line,
        "end_line": f.span.end_line,
        "symbol": f.symbol,
        "message": f.message,
        "weight": f.weight,
        "go_idiom": f.go_idiom,
    }


#: functions listed under a candidate's "estimate", largest estimated share first
ESTIMATED_FUNCTIONS = 10


def _significant(x: float) -> float:
    """Four significant digits: shares and frequencies span many orders of magnitude."""
    return float(f"{x:.4g}")


def _estimated(fn: FunctionEstimate) -> dict[str, Any]:
    return {
        "qualname": fn.qualname,
        "share": _significant(fn.share),
        "frequency": _significant(fn.frequency),
        "chain": list(fn.chain),
    }


def estimate(e: ModuleEstimate) -> dict[str, Any]:
    return {
        "share": _significant(e.share),
        "rank": e.rank,
        "ranked": e.ranked,
        "chain": list(e.functions[0].chain) if e.functions else [],
        "functions": [_estimated(fn) for fn in e.functions[:ESTIMATED_FUNCTIONS]],
    }


def _function(
    fn: HotFunction, findings: list[Finding], shares: dict[str, float] | None = None
) -> dict[str, Any]:
    m = fn.measured
    share = None if shares is None else shares.get(fn.qualname)
    return {
        "qualname": fn.qualname,
        "line": fn.span.line,
        "end_line": fn.span.end_line,
        "complexity": fn.complexity,
        "heat": fn.heat,
        "reasons": list(fn.reasons),
        "go_signature": fn.signature,
        "estimated_share": None if share is None else _significant(share),
        "measured": None
        if m is None
        else {
            "self_share": round(m.self_share, 4),
            "total_share": round(m.total_share, 4),
            "library_share": round(m.library_share, 4),
        },
        "findings": [finding(f) for f in findings if f.symbol == fn.qualname],
    }


def _metrics(m: Metrics) -> dict[str, Any]:
    return {
        "loc": m.loc,
        "sloc": m.sloc,
        "lloc": m.lloc,
        "comments": m.comments,
        "complexity_total": m.complexity_total,
        "complexity_max": m.complexity_max,
        "halstead_volume": m.halstead_volume,
        "maintainability_index": m.maintainability,
    }


def candidate(c: Candidate) -> dict[str, Any]:
    findings = list(c.findings)
    shares = None if c.estimate is None else {f.qualname: f.share for f in c.estimate.functions}
    return {
        "rank": c.rank,
        "path": c.rel_path,
        "module": c.module,
        "score": c.score,
        "strategy": c.strategy.value,
        "strategy_reason": c.strategy_reason,
        "factors": [_factor(f) for f in c.factors],
        "functions": [_function(fn, findings, shares) for fn in c.functions],
        "findings": [finding(f) for f in findings],
        "blockers": list(c.blockers),
        "boundary": _boundary(c.boundary),
        "effort": None if c.effort is None else _effort(c.effort),
        "features": dict(c.features),
        "go_idioms": [
            {"python": i.python, "go": i.go, "rule": i.rule, "lines": list(i.lines)}
            for i in c.idioms
        ],
        "python_first": list(c.python_first),
        "metrics": _metrics(c.metrics),
        "measured": None if c.hotness is None else _measured(c.hotness),
        "history": None if c.history is None else _history(c.history),
        "estimate": None if c.estimate is None else estimate(c.estimate),
    }


def _factor(f: Factor) -> dict[str, Any]:
    return {
        "name": f.name,
        "value": f.value,
        "contribution": f.contribution,
        "explanation": f.explanation,
    }


def _boundary(b: Boundary) -> dict[str, Any]:
    return {
        "fan_in": b.fan_in,
        "inert_importers": b.inert_importers,
        "fan_out": b.fan_out,
        "imported_by": list(b.imported_by),
        "imports": list(b.imports),
        "used_names": list(b.used_names),
        "tested_by": list(b.tested_by),
    }


def _effort(e: Effort) -> dict[str, Any]:
    return {
        "size": e.size,
        "days_low": e.days_low,
        "days_high": e.days_high,
        "explanation": e.explanation,
    }


def _measured(h: Hotness) -> dict[str, Any]:
    return {
        "samples": h.samples,
        "self_share": round(h.self_share, 4),
        "total_share": round(h.total_share, 4),
        "library_share": round(h.library_share, 4),
    }


def _history(h: FileHistory) -> dict[str, Any]:
    return {
        "commits": h.commits,
        "churn": h.churn,
        "authors": h.authors,
        "last_change": h.last_change,
        "window_days": h.window_days,
    }


def error(e: AnalysisError) -> dict[str, Any]:
    return {"path": e.rel_path, "stage": e.stage, "message": e.message}


def diff(result: RunResult) -> dict[str, Any]:
    d = result.diff
    assert d is not None
    return {
        "base": d.base,
        "base_commit": d.base_commit,
        "top": d.top,
        "changed": list(d.changed),
        "deltas": [
            {
                "path": x.rel_path,
                "before": x.before,
                "after": x.after,
                "rank_before": x.rank_before,
                "rank_after": x.rank_after,
                "notes": list(x.notes),
            }
            for x in d.deltas
        ],
    }


def document(result: RunResult) -> dict[str, Any]:
    s = result.summary
    p = result.profile
    return {
        "schema_version": result.schema_version,
        "tool": {"name": "goport", "version": result.tool_version},
        "root": result.root,
        "summary": {
            "files_discovered": s.files_discovered,
            "files_analysed": s.files_analysed,
            "test_files": s.test_files,
            "candidates": s.candidates,
            "reported": len(result.candidates),
            "errors": s.errors,
            "findings": s.findings,
            "by_strategy": dict(s.by_strategy),
        },
        "profile": None
        if p is None
        else {
            "files": list(p.files),
            "samples": p.samples,
            "matched_samples": p.matched_samples,
            "match_rate": round(p.match_rate, 4),
            "warnings": list(p.warnings),
            "profiles": [
                {
                    "path": m.path,
                    "samples": m.samples,
                    "matched_samples": m.matched_samples,
                    "match_rate": m.match_rate,
                    "prefixes": list(m.prefixes),
                    "unmatched": list(m.unmatched),
                }
                for m in p.profiles
            ],
        },
        "diff": None if result.diff is None else diff(result),
        "gate": None
        if result.gate is None
        else {"tripped": result.gate.tripped, "reasons": list(result.gate.reasons)},
        "baseline": result.baseline,
        "candidates": [candidate(c) for c in result.candidates],
        "decided": [
            {"path": d.rel_path, "module": d.module, "reason": d.reason} for d in result.decided
        ],
        "set_apart": [
            {"path": a.rel_path, "kind": a.kind.value, "reason": a.reason} for a in result.set_apart
        ],
        "errors": [error(e) for e in result.errors],
    }


def render(result: RunResult, options: Options) -> str:
    # compact: json's C encoder only runs without indent, and warm runs are dominated by it
    return dumps(document(result)) + "\n"
