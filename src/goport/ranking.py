"""Score and plan every ranked module against the whole project: the ranking of one tree.

Each module of a ranked kind (product code, and the kinds the user included; never tests) is
scored with the project's import graph and static time estimate, planned, and becomes one
``Candidate``; the candidates are then ordered. ``candidate_of`` is the one place a Candidate
is made.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from goport.config import Config
from goport.model import (
    Boundary,
    Candidate,
    Decided,
    FileHistory,
    Finding,
    Hotness,
    ModuleEstimate,
    ModuleFacts,
    Ranking,
    SetApart,
)

if TYPE_CHECKING:  # scoring and planning are imported only to rank: a run cache hit never does
    from goport.hotpath import Estimate
    from goport.planning import Plan
    from goport.scoring import Coverage, Scored


def filtered_findings(facts: ModuleFacts, config: Config) -> list[Finding]:
    if not config.select and not config.ignore:
        return list(facts.findings)
    return [f for f in facts.findings if config.rule_enabled(f.rule)]


def set_apart(facts: Iterable[ModuleFacts], config: Config) -> tuple[SetApart, ...]:
    """The modules analysed but left out of the ranking for their kind (tests aside: they have
    always been apart, and count as ``test_files``)."""
    return tuple(
        SetApart(m.rel_path, m.kind, m.kind_reason)
        for m in facts
        if not m.is_test and not config.ranks(m.kind)
    )


def rank(
    facts: Sequence[ModuleFacts],
    config: Config,
    *,
    hotness: dict[str, Hotness] | None = None,
    histories: dict[str, FileHistory] | None = None,
    profiled: bool = False,
) -> Ranking:
    """Score and plan every module of a ranked kind against the whole project's import graph.
    With a profile, measured modules come first and those the workload never ran last; the
    score is continuous, so ties are rare: then what Go would gain there decides."""
    from goport import graph as graph_mod
    from goport import hotpath
    from goport.scoring import gain_of

    graph = graph_mod.build(facts, apart={m.rel_path for m in set_apart(facts, config)})
    estimate = hotpath.estimate(facts)  # static time shares; tests are not part of it
    hotness = hotness or {}
    histories = histories or {}
    coverage = _coverage(facts, hotness, profiled)
    ranked: list[tuple[int, Candidate]] = []
    decided: list[Decided] = []
    total_findings = 0
    for m in facts:
        if m.is_test or not config.ranks(m.kind):
            continue
        if m.keep_python is not None:
            decided.append(Decided(m.rel_path, m.module, m.keep_python))
            continue
        findings = filtered_findings(m, config)
        total_findings += len(findings)
        made = _score_and_plan(
            m,
            findings,
            graph.boundary(m.module),
            config,
            estimate,
            hotness.get(m.rel_path),
            histories.get(m.rel_path),
            coverage(m),
        )
        ranked.append((coverage(m).tier, made))
    ranked.sort(key=lambda t: (t[0], -t[1].score, -gain_of(t[1].factors), t[1].rel_path))
    return Ranking(
        candidates=tuple(replace(c, rank=i + 1) for i, (_, c) in enumerate(ranked)),
        decided=tuple(sorted(decided, key=lambda d: d.rel_path)),
        findings=total_findings,
    )


def _score_and_plan(
    m: ModuleFacts,
    findings: list[Finding],
    boundary: Boundary,
    config: Config,
    estimate: Estimate,
    heat: Hotness | None,
    history: FileHistory | None,
    coverage: Coverage,
) -> Candidate:
    from goport.planning import go_form, plan
    from goport.scoring import StaticEvidence, score_module

    evidence = StaticEvidence(
        share=estimate.module_shares.get(m.module, 0.0),
        modules=len(estimate.module_shares),
        kernel_calls=estimate.loop_calls_in.get(m.module, 0.0),
        dunder_calls=estimate.protocol_calls_in.get(m.module, 0.0),
    )
    form = go_form(m, findings, boundary)
    scored = score_module(
        m, findings, boundary, config, heat, history, coverage, evidence=evidence, form=form
    )
    p = plan(m, findings, scored, boundary, heat)
    return candidate_of(m, findings, boundary, scored, p, heat, history, estimate.module(m.module))


def candidate_of(
    m: ModuleFacts,
    findings: Sequence[Finding],
    boundary: Boundary,
    scored: Scored,
    p: Plan,
    heat: Hotness | None,
    history: FileHistory | None,
    estimate: ModuleEstimate | None,
) -> Candidate:
    """A module's row of the ranking (``rank`` 0 until the ranking is ordered): its facts, its
    score and the factors behind it, and its plan."""
    return Candidate(
        rel_path=m.rel_path,
        module=m.module,
        score=scored.score,
        rank=0,
        strategy=p.strategy,
        strategy_reason=p.reason,
        factors=scored.factors,
        functions=p.functions,
        findings=tuple(findings),
        blockers=p.blockers,
        boundary=boundary,
        effort=p.effort,
        idioms=p.idioms,
        python_first=p.python_first,
        metrics=m.metrics,
        hotness=heat,
        history=history,
        features=tuple(scored.features.as_dict().items()),
        estimate=estimate,
    )


def _coverage(
    facts: Sequence[ModuleFacts], hotness: dict[str, Hotness], profiled: bool
) -> Callable[[ModuleFacts], Coverage]:
    """What the profiles say of each module: run, not run though its package ran, or not
    reached (its top-level package has no sample at all)."""
    from goport.scoring import Coverage

    ran = {m.module.split(".", 1)[0] for m in facts if m.rel_path in hotness}

    def of(m: ModuleFacts) -> Coverage:
        if not profiled:
            return Coverage.NO_PROFILE
        if m.rel_path in hotness:
            return Coverage.RUN
        return Coverage.NOT_RUN if m.module.split(".", 1)[0] in ran else Coverage.NOT_COVERED

    return of
