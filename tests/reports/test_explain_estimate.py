"""``goport explain``'s estimate section: shares, the chain, and where the estimate was wrong."""

from __future__ import annotations

from dataclasses import replace

import pytest

from goport.model import (
    Boundary,
    Candidate,
    Effort,
    FunctionEstimate,
    FunctionHotness,
    Hotness,
    Metrics,
    ModuleEstimate,
    Strategy,
)
from goport.reports import Options
from goport.reports.terminal import estimate_verdict, render_explain

ESC = "\x1b]8;;http://evil\x07"


def candidate() -> Candidate:
    return Candidate(
        rel_path="pkg/rows.py",
        module="pkg.rows",
        score=40.0,
        rank=1,
        strategy=Strategy.GO_CLI,
        strategy_reason="x",
        factors=(),
        functions=(),
        findings=(),
        blockers=(),
        boundary=Boundary(0, 0, (), (), (), ()),
        effort=Effort("S", 1, 2, "x"),
        idioms=(),
        python_first=(),
        metrics=Metrics(1, 1, 1, 0, 0, 1, 1, 0.0, None),
        estimate=ModuleEstimate(
            share=0.42,
            rank=2,
            ranked=9,
            functions=(
                FunctionEstimate(
                    "Row.__getitem__", 0.3, 125.0, ("pkg.cli:main", "pkg.rows:Row.__getitem__")
                ),
                FunctionEstimate(f"Row.{ESC}odd", 0.1, 5.0, ("pkg.rows:Row.odd",)),
                FunctionEstimate("Row.__init__", 0.02, 3.0),
            ),
        ),
    )


def test_without_a_profile_the_estimate_and_its_chain_are_shown() -> None:
    out = render_explain(candidate(), Options(color=False, width=160))
    assert "42.0% of the project's estimated run time, rank 2 of 9 modules" in out
    assert "hottest call chain: pkg.cli:main -> pkg.rows:Row.__getitem__" in out
    assert "Row.__getitem__" in out and "125" in out
    assert "\x1b" not in out and "\x07" not in out  # names from the tree are escaped


def test_with_a_profile_the_estimate_stands_beside_the_measurement() -> None:
    measured = Hotness(
        samples=100,
        self_share=0.5,
        total_share=0.6,
        library_share=0.0,
        by_function=(
            FunctionHotness("Row.__init__", 0.4, 0.4, 0.0),
            FunctionHotness("Row.__getitem__", 0.1, 0.1, 0.0),
        ),
    )
    out = render_explain(replace(candidate(), hotness=measured), Options(color=False, width=160))
    assert "Estimated vs measured" in out
    rows = {line.split()[0]: line for line in out.splitlines() if line.startswith("  Row.")}
    # shares of the module's own time: estimate .3/.42 vs measured .1/.5; .02/.42 vs .4/.5
    assert "71.4%" in rows["Row.__getitem__"] and "20.0%" in rows["Row.__getitem__"]
    assert "4x too high" in rows["Row.__getitem__"]
    assert "17x too low" in rows["Row.__init__"]


@pytest.mark.parametrize(
    ("estimated", "measured", "verdict"),
    [
        (0.5, 0.5, "close"),
        (0.9, 0.1, "9x too high"),
        (0.1, 0.9, "9x too low"),
        (0.0, 0.3, "missed: no static path reaches it"),
        (0.2, None, "not in the profile"),
        (0.01, None, ""),
    ],
)
def test_verdict(estimated: float, measured: float | None, verdict: str) -> None:
    assert estimate_verdict(estimated, measured) == verdict
