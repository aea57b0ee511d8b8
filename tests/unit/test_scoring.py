"""Scores add up, stay in 0-100, are deterministic, and move the right way."""

from __future__ import annotations

import textwrap
from dataclasses import replace
from pathlib import Path

import pytest

from goport.config import STATIC_FACTORS, Config
from goport.detectors.testing import traits_of
from goport.extract import extract
from goport.model import (
    Boundary,
    Category,
    Factor,
    FileHistory,
    Finding,
    Hotness,
    ModuleFacts,
    SourceFile,
    Span,
    Strategy,
)
from goport.scoring import StaticEvidence, score_module
from goport.scoring.coverage import Coverage

NO_BOUNDARY = Boundary(0, 0, (), (), (), ())
CONFIG = Config(root=Path("."))

KERNEL = """
def checksum(data):
    h = 2166136261
    for b in data:
        h ^= b
        h = (h * 16777619) & 0xFFFFFFFF
    return h

def grid(rows):
    out = 0
    for r in rows:
        for c in r:
            out += c * c
    return out
"""


def facts(code: str = KERNEL) -> ModuleFacts:
    return extract(SourceFile("m.py", "m.py", "m"), textwrap.dedent(code).encode())


def finding(rule: str, category: Category, weight: float = 2.0, line: int = 1) -> Finding:
    return Finding(
        rule, "x", category, Span(line, line), "", "m", weight, "go", traits=traits_of(rule)
    )


def score(
    m: ModuleFacts, findings=None, boundary=NO_BOUNDARY, hotness=None, history=None, config=CONFIG
):
    return score_module(
        m, list(m.findings if findings is None else findings), boundary, config, hotness, history
    )


def test_contributions_add_up_to_the_score() -> None:
    m = facts()
    s = score(m)
    assert s.score == pytest.approx(sum(f.contribution for f in s.factors), abs=0.051)
    assert all(f.explanation.endswith(".") for f in s.factors)


def test_scores_are_not_clamped_and_still_add_up() -> None:
    m = facts("import numpy as np\nx = 1\n")
    s = score(m, findings=[finding("GP503", Category.ECOSYSTEM, 4.0)] * 5)
    assert s.score < -25  # below an empty module: costs and nothing to gain
    assert not any(f.name == "bounds" for f in s.factors)
    assert sum(f.contribution for f in s.factors) == pytest.approx(s.score, abs=0.051)


def test_deterministic() -> None:
    assert score(facts()) == score(facts())


def test_more_cpu_signal_scores_higher() -> None:
    m = facts()
    base = list(m.findings)
    more = [*base, finding("GP102", Category.CPU, 2.0, 12)]
    assert score(m, more).score > score(m, base).score


def test_more_concurrency_signal_scores_higher() -> None:
    m = facts()
    base = [*m.findings, finding("GP205", Category.CONCURRENCY)]
    more = [*base, finding("GP206", Category.CONCURRENCY)]
    assert score(m, more).score > score(m, base).score


@pytest.mark.parametrize("category", [Category.BLOCKER, Category.ECOSYSTEM])
def test_a_new_blocker_scores_lower(category: Category) -> None:
    m = facts()
    base = list(m.findings)
    assert score(m, [*base, finding("GP401", category)]).score < score(m, base).score


def test_more_churn_scores_lower() -> None:
    m = facts()
    calm = score(m, history=FileHistory(commits=2, churn=10, authors=1, last_change=None))
    busy = score(m, history=FileHistory(commits=30, churn=900, authors=4, last_change=None))
    assert busy.score < calm.score
    assert score(m).score >= calm.score


def test_more_measured_time_scores_higher() -> None:
    m = facts()
    cool = score(m, hotness=Hotness(100, 0.05, 0.06, 0.0))
    hot = score(m, hotness=Hotness(100, 0.40, 0.45, 0.0))
    assert hot.score > cool.score
    assert any(f.name == "measured-time" for f in hot.factors)


def _estimated(share: float, modules: int = 20, coverage: Coverage = Coverage.NO_PROFILE):
    m = facts()
    evidence = StaticEvidence(share=share, modules=modules)
    s = score_module(m, list(m.findings), NO_BOUNDARY, CONFIG, coverage=coverage, evidence=evidence)
    return s, next((f for f in s.factors if f.name == "estimated-time"), None)


def test_the_estimate_lifts_only_above_an_even_share_and_grows_with_it() -> None:
    even, none_at_even = _estimated(1 / 20)
    below, none_below = _estimated(0.01)
    hot, lift = _estimated(0.30)
    hotter, more = _estimated(0.60)
    assert none_at_even is None and none_below is None
    assert below.score == even.score  # a kernel the estimate cannot reach loses nothing
    assert lift is not None and more is not None
    assert lift.value == pytest.approx(6.0)  # 30% of 20 modules: 6x an even share
    assert 0 < lift.contribution < more.contribution
    assert even.score < hot.score < hotter.score
    assert hot.score == pytest.approx(sum(f.contribution for f in hot.factors), abs=0.051)


def test_measured_time_replaces_the_estimate() -> None:
    _, measured = _estimated(0.60, coverage=Coverage.RUN)
    _, unmeasured = _estimated(0.60, coverage=Coverage.NOT_COVERED)
    assert measured is None
    assert unmeasured is not None and unmeasured.contribution > 0


def test_coupling_costs_and_is_cheaper_for_an_extension() -> None:
    m = facts()
    coupled = Boundary(6, 0, tuple(f"m{i}" for i in range(6)), (), ("a", "b", "c"), ())
    as_service = score_module(m, list(m.findings), coupled, CONFIG, form=Strategy.GO_SERVICE)
    as_extension = score_module(m, list(m.findings), coupled, CONFIG, form=Strategy.GO_EXTENSION)
    cost = {
        name: next(f.contribution for f in s.factors if f.name == "coupling")
        for name, s in (("service", as_service), ("extension", as_extension))
    }
    assert cost["service"] < cost["extension"] < 0
    # code imported from many places is called from many places: that is gain, shown apart
    assert next(f.contribution for f in as_service.factors if f.name == "used-widely") > 0


def test_importers_of_constants_only_are_no_callers_of_its_code() -> None:
    m = facts()
    six = Boundary(6, 0, tuple(f"m{i}" for i in range(6)), (), ("a",), ())
    used = {
        n: next(
            f
            for f in score(m, boundary=replace(six, inert_importers=n)).factors
            if f.name == "used-widely"
        )
        for n in (0, 4)
    }
    assert used[0].value == 6 and used[4].value == 2
    assert used[4].contribution < used[0].contribution
    assert (
        "(not counting 4 that use only its constants, exception classes or enumerations)"
        in used[4].explanation
    )
    assert "not counting" not in used[0].explanation


def test_code_volume_says_what_it_leaves_out_only_when_it_does() -> None:
    def volume(code: str) -> Factor:
        return next(f for f in score(facts(code)).factors if f.name == "code-volume")

    assert "not counting" not in volume(KERNEL).explanation
    tabled = volume('"""Tables."""\nTABLE = {\n    "a": 1,\n    "b": 2,\n}\n' + KERNEL)
    assert "(not counting the 5 of module constants, docstrings and imports" in tabled.explanation


def test_tests_help() -> None:
    m = facts()
    tested = replace(NO_BOUNDARY, tested_by=("test_m",))
    assert score(m, boundary=tested).score > score(m).score


def test_size_is_not_heat() -> None:
    """A dense kernel beats the same findings spread through a module ten times its size."""
    small = facts()
    glue = "\n".join(f"def handler_{i}(args):\n    return dict(args, n={i})\n" for i in range(150))
    big = facts(KERNEL + glue)
    assert score(small).score > score(big).score


def test_weights_scale_factors() -> None:
    m = facts()
    heavy = replace(CONFIG, weights=tuple((name, 2.0) for name in STATIC_FACTORS))
    assert score(m, config=heavy).score > score(m).score
    off = replace(CONFIG, weights=tuple((name, 0.0) for name in STATIC_FACTORS))
    assert score(m, config=off).score < score(m).score


def test_orchestrating_process_pools_is_not_go_work() -> None:
    """Process pools with no network work: the workers' functions are the targets, not this."""
    m = facts("def run(jobs):\n    return jobs\n")
    pool = [
        finding("GP108", Category.CPU, 2.5),
        # asyncio in a module that imports no network library carries no network trait
        replace(finding("GP205", Category.CONCURRENCY, 2.0), traits=()),
        finding("GP204", Category.CONCURRENCY, 2.0),
    ]
    served = [*pool, finding("GP208", Category.CONCURRENCY, 2.0)]
    orchestrating = score(m, pool)
    serving = score(m, served)
    assert orchestrating.score < serving.score
    conc = next(f for f in orchestrating.factors if f.name == "concurrency")
    assert "Orchestrates process pools" in conc.explanation
    assert not any(f.name == "cpu-bound" and f.value >= 2.5 for f in orchestrating.factors)
