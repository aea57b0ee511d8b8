"""GitLab Code Quality: the issue shape, severities, and unique fingerprints that survive moves."""

from __future__ import annotations

import json
import re
import shutil
from collections import defaultdict
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from goport.config import Config
from goport.model import Category, RunResult, Strategy
from goport.pipeline import run
from goport.reports import Format, Options, gitlab, render
from goport.reports.annotations import Annotation, Kind, Level

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures"
PROJECTS = sorted(p for p in FIXTURES.iterdir() if p.is_dir() and any(p.rglob("*.py")))
INSERTED = "\n\n# moved down by a comment block\n# and blank lines\n\n"
_COOKIE = re.compile(r"^#!|^#.*coding[:=]")
CODECLIMATE_CATEGORIES = {
    "Bug Risk",
    "Clarity",
    "Compatibility",
    "Complexity",
    "Duplication",
    "Performance",
    "Security",
    "Style",
}


def issues(result: RunResult, options: Options | None = None) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads(render(Format.GITLAB, result, options or Options()))
    return data


def shifted_copy(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("__pycache__", ".goport*"))
    for path in sorted(dst.rglob("*.py")):
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        keep = 0
        while keep < min(2, len(lines)) and _COOKIE.match(lines[keep]):
            keep += 1
        path.write_text("".join(lines[:keep]) + INSERTED + "".join(lines[keep:]), encoding="utf-8")
    return dst


@pytest.fixture(scope="module", params=PROJECTS, ids=lambda p: p.name)
def fixture_runs(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[RunResult, RunResult, RunResult]:
    project: Path = request.param
    first = run(Config(root=project, cache_dir=tmp_path_factory.mktemp("c1"), history=False))
    second = run(Config(root=project, cache_dir=tmp_path_factory.mktemp("c2"), history=False))
    copy = shifted_copy(project, tmp_path_factory.mktemp("shifted") / project.name)
    moved = run(Config(root=copy, cache_dir=tmp_path_factory.mktemp("c3"), history=False))
    return first, second, moved


def test_issue_shape(fixture_runs: tuple[RunResult, RunResult, RunResult]) -> None:
    result = fixture_runs[0]
    found = issues(result)
    assert isinstance(found, list) and found
    paths = {c.rel_path for c in result.candidates}
    for issue in found:
        assert issue["type"] == "issue"
        assert issue["description"] and "\n" not in issue["description"]
        assert issue["check_name"] == "hot-function" or re.fullmatch(
            r"GP\d{3} [a-z0-9-]+", issue["check_name"]
        )
        assert issue["severity"] in gitlab.SEVERITIES
        assert issue["categories"] and set(issue["categories"]) <= CODECLIMATE_CATEGORIES
        assert re.fullmatch(r"[0-9a-f]{32}", issue["fingerprint"])
        loc = issue["location"]
        assert loc["path"] in paths and not loc["path"].startswith("/")
        assert 1 <= loc["lines"]["begin"] <= loc["lines"]["end"]
    fingerprints = [i["fingerprint"] for i in found]
    assert len(fingerprints) == len(set(fingerprints))


def test_stable_across_runs(fixture_runs: tuple[RunResult, RunResult, RunResult]) -> None:
    first, second, _ = fixture_runs
    assert render(Format.GITLAB, first, Options()) == render(Format.GITLAB, second, Options())


def test_fingerprints_survive_moved_lines(
    fixture_runs: tuple[RunResult, RunResult, RunResult],
) -> None:
    first, _, moved = fixture_runs
    strategy = {c.rel_path: c.strategy for c in first.candidates}
    strategy_after = {c.rel_path: c.strategy for c in moved.candidates}
    before: dict[str, set[str]] = defaultdict(set)
    after: dict[str, set[str]] = defaultdict(set)
    begins: dict[str, int] = {}
    for i in issues(first):
        before[i["location"]["path"]].add(i["fingerprint"])
        begins[i["fingerprint"]] = i["location"]["lines"]["begin"]
    for i in issues(moved):
        after[i["location"]["path"]].add(i["fingerprint"])
        fp = i["fingerprint"]
        if fp in begins:
            assert i["location"]["lines"]["begin"] == begins[fp] + INSERTED.count("\n")
    same = [p for p in before if strategy[p] == strategy_after.get(p)]
    assert len(same) >= max(1, len(before) - 1)
    for path in same:
        assert after[path] == before[path], path


# -- severities ------------------------------------------------------------------------------------


def _annotation(
    score: float, strategy: Strategy, kind: Kind, category: Category | None
) -> Annotation:
    return Annotation(
        path="a.py",
        line=1,
        end_line=1,
        title="t",
        message="m",
        level=Level.WARNING,
        rule="GP101",
        candidate_score=score,
        strategy=strategy,
        fingerprint_basis="b",
        kind=kind,
        category=category,
    )


@pytest.mark.parametrize(
    ("score", "strategy", "kind", "category", "expected"),
    [
        (95.0, Strategy.GO_WORKER, Kind.FINDING, Category.CPU, "critical"),
        (80.0, Strategy.GO_WORKER, Kind.HOT_FUNCTION, None, "critical"),
        (79.9, Strategy.GO_CLI, Kind.FINDING, Category.CPU, "major"),
        (60.0, Strategy.GO_SERVICE, Kind.FINDING, Category.SERVICE, "major"),
        (45.0, Strategy.GO_SERVICE, Kind.FINDING, Category.CONCURRENCY, "minor"),
        (12.0, Strategy.OPTIMISE_FIRST, Kind.FINDING, Category.CPU, "info"),
        (20.0, Strategy.GO_SERVICE, Kind.BLOCKER, Category.ECOSYSTEM, "major"),
        (90.0, Strategy.GO_SERVICE, Kind.BLOCKER, Category.BLOCKER, "critical"),
        (0.0, Strategy.KEEP, Kind.BLOCKER, Category.BLOCKER, "info"),
    ],
    ids=[
        "critical",
        "critical-at-80",
        "major",
        "major-at-60",
        "minor",
        "info",
        "go-blocker-at-least-major",
        "go-blocker-keeps-critical",
        "keep-blocker-by-score",
    ],
)
def test_severity(
    score: float, strategy: Strategy, kind: Kind, category: Category | None, expected: str
) -> None:
    assert gitlab.severity(_annotation(score, strategy, kind, category)) == expected


def test_blockers_are_compatibility_issues() -> None:
    a = _annotation(30.0, Strategy.GO_SERVICE, Kind.BLOCKER, Category.BLOCKER)
    issue = gitlab.issue(replace(a, rule="GP401", rule_name="eval-exec"))
    assert issue["categories"] == ["Compatibility"]
    assert issue["check_name"] == "GP401 eval-exec"
    assert issue["severity"] == "major"


def test_path_prefix_makes_paths_repo_relative(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    root.mkdir()
    (root / "kernel.py").write_text(
        "def grid(rows):\n    t = 0\n    for r in rows:\n        for c in r:\n            t += c\n"
        "    return t\n"
    )
    result = run(Config(root=root, cache_dir=tmp_path / "cache", history=False))
    plain = issues(result)
    prefixed = issues(result, Options(path_prefix="services/api"))
    assert plain and {i["location"]["path"] for i in plain} == {"kernel.py"}
    assert {i["location"]["path"] for i in prefixed} == {"services/api/kernel.py"}
    # two services with the same file name must not share fingerprints in a merged report
    assert not {i["fingerprint"] for i in plain} & {i["fingerprint"] for i in prefixed}
