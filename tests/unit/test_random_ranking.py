"""Property test: whatever the facts and the profile say, ranking, planning and every report
finish, every number is finite, and a score is the sum of its factors.

Real module facts (the fixture projects, extracted once) are mutated at random: empty modules and
functions, zero and huge metrics, measured shares of exactly 0, tiny and 1, functions measured
with no static signal at all (the case that divided by zero), churn, and every coverage a profile
can give. Seeds are fixed, so a failure reproduces."""

from __future__ import annotations

import json
import math
import random
from dataclasses import replace
from pathlib import Path

import pytest

from goport import SCHEMA_VERSION, __version__
from goport.analysis import analyse
from goport.config import Config
from goport.discover import discover
from goport.model import (
    FileHistory,
    FunctionHotness,
    Hotness,
    Metrics,
    ModuleFacts,
    RunResult,
    Summary,
)
from goport.ranking import rank
from goport.reports import Format, Options, render
from goport.scoring import CALIBRATION

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
SHARES = (0.0, 1e-9, 0.001, 0.25, 0.5, 1.0)


@pytest.fixture(scope="module")
def facts(tmp_path_factory: pytest.TempPathFactory) -> list[ModuleFacts]:
    cache = tmp_path_factory.mktemp("cache")
    out: list[ModuleFacts] = []
    for name in ("demo_service", "profiled_app", "measured_pkg", "markers_cpu_concurrency"):
        found = discover(FIXTURES / name)
        modules, _, _ = analyse(found.files, Config(root=found.root, cache_dir=cache))
        out.extend(replace(m, rel_path=f"{name}/{m.rel_path}") for m in modules)
    return out


def _metrics(rng: random.Random, m: Metrics) -> Metrics:
    if rng.random() < 0.3:
        return replace(m, sloc=0, lloc=0, loc=0, complexity_total=0, complexity_max=0,
                       halstead_volume=0.0, maintainability=None)  # fmt: skip
    if rng.random() < 0.2:
        return replace(m, sloc=10**6, complexity_max=10**4, halstead_volume=1e9)
    return m


def _mutate(rng: random.Random, m: ModuleFacts) -> ModuleFacts:
    functions = m.functions
    if rng.random() < 0.2:
        functions = ()
    elif rng.random() < 0.5:  # no static signal at all: every row of hot functions weighs 0
        functions = tuple(replace(f, loop_depth=0, complexity=1, findings=()) for f in functions)
    findings = () if rng.random() < 0.3 else m.findings
    return replace(m, metrics=_metrics(rng, m.metrics), functions=functions, findings=findings)


def _hotness(rng: random.Random, m: ModuleFacts) -> Hotness:
    share = rng.choice(SHARES)
    by_function = tuple(
        FunctionHotness(
            f.qualname,
            rng.choice((0.0, *SHARES)),
            rng.choice(SHARES),
            rng.choice(SHARES),
            f.span.line,
        )
        for f in m.functions
        if rng.random() < 0.8
    )
    return Hotness(rng.choice((0, 1, 10**9)), share, max(share, rng.choice(SHARES)),
                   rng.choice(SHARES), by_function)  # fmt: skip


def _result(candidates: tuple, modules: list[ModuleFacts]) -> RunResult:  # type: ignore[type-arg]
    summary = Summary(
        files_discovered=len(modules), files_analysed=len(modules), test_files=0,
        candidates=len(candidates), errors=0, findings=0, by_strategy=(), cache_hits=0,
    )  # fmt: skip
    return RunResult(
        schema_version=SCHEMA_VERSION, tool_version=__version__, root="/x",
        candidates=candidates, decided=(), errors=(), summary=summary, profile=None, diff=None,
        baseline=None, ranking=candidates, modules=tuple(modules),
    )  # fmt: skip


def _no_constant(name: str) -> object:
    raise AssertionError(f"{name} in a JSON report")


_C = CALIBRATION
#: the score is never clamped, but every factor is bounded, so the score is too
HIGHEST = _C.max_profile + 9 * _C.max_static_factor + _C.max_concurrency + _C.max_tests_credit
LOWEST = _C.nothing_runs - (
    _C.max_size_cost
    + _C.max_coupling_cost
    + _C.max_blocker_cost
    + _C.max_ecosystem_cost
    + _C.max_churn_cost
)


@pytest.mark.parametrize("seed", range(40))
def test_random_facts_and_profiles_rank_and_render(facts: list[ModuleFacts], seed: int) -> None:
    rng = random.Random(seed)
    modules = [_mutate(rng, m) for m in facts if not m.is_test]
    profiled = seed % 3 != 0
    hotness = {m.rel_path: _hotness(rng, m) for m in modules if profiled and rng.random() < 0.4}
    histories = {
        m.rel_path: FileHistory(rng.choice((0, 1, 2, 10**6)), rng.choice((0, 10**9)), 1, None)
        for m in modules
        if rng.random() < 0.5
    }
    ranking = rank(
        modules, Config(root=Path("/x")), hotness=hotness, histories=histories, profiled=profiled
    )
    assert [c.rank for c in ranking.candidates] == list(range(1, len(ranking.candidates) + 1))
    for c in ranking.candidates:
        assert LOWEST <= c.score <= HIGHEST
        assert round(sum(f.contribution for f in c.factors), 6) == pytest.approx(c.score)
        assert all(math.isfinite(f.value) and math.isfinite(f.contribution) for f in c.factors)
        assert all(0 <= fn.heat <= 1 for fn in c.functions)
    if profiled:  # measured modules first, never-run ones after every measured one
        tiers = [0 if c.rel_path in hotness else 1 for c in ranking.candidates]
        assert tiers == sorted(tiers)
    result = _result(ranking.candidates, modules)
    for fmt in Format:
        text = render(fmt, result, Options(width=100))
        assert text
        if fmt in (Format.JSON, Format.SARIF, Format.GITLAB):
            json.loads(text, parse_constant=_no_constant)
