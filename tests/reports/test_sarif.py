"""SARIF: every fixture validates against the official 2.1.0 schema; fingerprints are stable.

The schema (tests/data/sarif-2.1.0-rtm.5.json, see tests/data/README.md) declares draft-04 in its
``$schema`` (and the draft-04 ``id`` keyword), so it is read with the validator that ``$schema``
names; every ``$ref`` in it is local, and no retrieval is configured, so nothing goes to the
network.
"""

from __future__ import annotations

import json
import re
import shutil
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft4Validator, validators

from goport.config import Config
from goport.detectors.registry import REGISTRY
from goport.model import RunResult, Strategy
from goport.pipeline import run
from goport.reports import Format, Options, render, sarif
from goport.reports.annotations import (
    BLOCKING,
    GO_STRATEGIES,
    TOP_FINDINGS,
    Kind,
    Level,
    select,
)

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures"
PROJECTS = sorted(p for p in FIXTURES.iterdir() if p.is_dir() and any(p.rglob("*.py")))
SCHEMA_PATH = ROOT / "tests" / "data" / "sarif-2.1.0-rtm.5.json"
INSERTED = "# a comment block added above everything\n#\n# it moves every line down\n\n\n"
_COOKIE = re.compile(r"^#!|^#.*coding[:=]")


def load_schema() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def validator() -> Draft4Validator:
    schema = load_schema()
    cls = validators.validator_for(schema)
    assert cls is Draft4Validator
    Draft4Validator.check_schema(schema)
    return Draft4Validator(schema)


def assert_valid(validator: Draft4Validator, doc: dict[str, Any]) -> None:
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])


def sarif_doc(result: RunResult, options: Options | None = None) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(render(Format.SARIF, result, options or Options()))
    return doc


def shifted_copy(src: Path, dst: Path) -> Path:
    """A copy of ``src`` with a comment block and blank lines on top of every Python file."""
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("__pycache__", ".goport*"))
    for path in sorted(dst.rglob("*.py")):
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        keep = 0
        while keep < min(2, len(lines)) and _COOKIE.match(lines[keep]):
            keep += 1
        path.write_text("".join(lines[:keep]) + INSERTED + "".join(lines[keep:]), encoding="utf-8")
    return dst


def by_module(doc: dict[str, Any]) -> dict[str, tuple[str, set[str], list[int]]]:
    """uri -> (strategy, fingerprints, start lines)."""
    out: dict[str, tuple[str, set[str], list[int]]] = {}
    acc: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in doc["runs"][0]["results"]:
        acc[r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]].append(r)
    for uri, results in acc.items():
        strategy = results[0]["properties"]["strategy"]
        fps = {r["partialFingerprints"][sarif.FINGERPRINT_KEY] for r in results}
        lines = [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in results]
        out[uri] = (strategy, fps, lines)
    return out


# -- the schema --------------------------------------------------------------------------------------


def test_schema_has_only_local_refs() -> None:
    refs = re.findall(r'"\$ref"\s*:\s*"([^"]*)"', SCHEMA_PATH.read_text(encoding="utf-8"))
    assert refs and all(ref.startswith("#/") for ref in refs)


def test_schema_rejects_a_broken_log(validator: Draft4Validator) -> None:
    assert list(validator.iter_errors({"version": "2.1.0", "runs": [{"tool": {}}]}))
    assert list(validator.iter_errors({"version": "2.0.0", "runs": []}))


# -- every fixture ---------------------------------------------------------------------------------


@pytest.fixture(scope="module", params=PROJECTS, ids=lambda p: p.name)
def fixture_runs(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[RunResult, RunResult, RunResult]:
    """The project scanned twice (fresh caches) and a copy with every line moved down."""
    project: Path = request.param
    first = run(Config(root=project, cache_dir=tmp_path_factory.mktemp("c1"), history=False))
    second = run(Config(root=project, cache_dir=tmp_path_factory.mktemp("c2"), history=False))
    copy = shifted_copy(project, tmp_path_factory.mktemp("shifted") / project.name)
    moved = run(Config(root=copy, cache_dir=tmp_path_factory.mktemp("c3"), history=False))
    return first, second, moved


def test_fixture_sarif_validates(
    fixture_runs: tuple[RunResult, RunResult, RunResult], validator: Draft4Validator
) -> None:
    result = fixture_runs[0]
    doc = sarif_doc(result)
    assert_valid(validator, doc)
    assert doc["version"] == "2.1.0"
    (run_,) = doc["runs"]
    driver = run_["tool"]["driver"]
    assert driver["name"] == "goport" and driver["version"] == result.tool_version
    assert driver["informationUri"] == "https://github.com/goport/goport"
    ids = [r["id"] for r in driver["rules"]]
    assert ids[: len(REGISTRY)] == [d.ID for d in REGISTRY]
    assert "hot-function" in ids and len(ids) == len(set(ids))
    for rule in driver["rules"]:
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert "Why it matters for a Go port" in rule["help"]["text"]
        assert rule["help"]["markdown"] and rule["properties"]["tags"]
    assert run_["originalUriBaseIds"]["%SRCROOT%"]["uri"].endswith("/")
    assert run_["results"], "every fixture has something to annotate"
    for r in run_["results"]:
        assert driver["rules"][r["ruleIndex"]]["id"] == r["ruleId"]
        loc = r["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        uri = loc["artifactLocation"]["uri"]
        assert not uri.startswith("/") and "://" not in uri and "\\" not in uri
        assert 1 <= loc["region"]["startLine"] <= loc["region"]["endLine"]
        props = r["properties"]
        go = props["strategy"] in GO_STRATEGIES
        assert r["level"] == ("warning" if go else "note")
        assert f"score {props['candidateScore']:g}" in r["message"]["text"]
        assert props["strategy"] in r["message"]["text"]
        assert props["candidateRank"] >= 1
    fingerprints = [r["partialFingerprints"][sarif.FINGERPRINT_KEY] for r in run_["results"]]
    assert len(fingerprints) == len(set(fingerprints))


def test_fixture_sarif_is_deterministic(
    fixture_runs: tuple[RunResult, RunResult, RunResult],
) -> None:
    first, second, _ = fixture_runs
    text = render(Format.SARIF, first, Options())
    assert text == render(Format.SARIF, first, Options())
    assert text == render(Format.SARIF, second, Options())
    assert not [k for k in keys(json.loads(text)) if k.endswith("TimeUtc")]  # no timestamps


def keys(node: object) -> list[str]:
    if isinstance(node, dict):
        return [name for key, value in node.items() for name in (key, *keys(value))]
    if isinstance(node, list):
        return [name for value in node for name in keys(value)]
    return []


def test_fingerprints_survive_moved_lines(
    fixture_runs: tuple[RunResult, RunResult, RunResult], validator: Draft4Validator
) -> None:
    first, _, moved = fixture_runs
    before, after = by_module(sarif_doc(first)), by_module(sarif_doc(moved))
    assert_valid(validator, sarif_doc(moved))
    assert set(before) == set(after)
    shift = INSERTED.count("\n")
    compared = 0
    for uri, (strategy, fps, lines) in before.items():
        strategy_after, fps_after, lines_after = after[uri]
        if strategy != strategy_after:  # a re-scored module may select differently; not our concern
            continue
        compared += 1
        assert fps_after == fps, uri
        assert sorted(lines_after) == sorted(n + shift for n in lines), "the lines did move"
    assert compared >= max(1, len(before) - 1)


# -- details ---------------------------------------------------------------------------------------


def test_uris_are_percent_encoded_and_prefixed(tmp_path: Path, validator: Draft4Validator) -> None:
    root = tmp_path / "proj"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "__init__.py").write_text("")
    (root / "pkg" / "weird|name %.py").write_text(
        "def __weird__name__(rows):\n    t = 0\n    for r in rows:\n        for c in r:\n"
        "            t += c * c\n    return t\n",
        encoding="utf-8",
    )
    result = run(Config(root=root, cache_dir=tmp_path / "cache", history=False))
    assert select(result), "the nested loop is annotated"
    doc = sarif_doc(result)
    assert_valid(validator, doc)
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in doc["runs"][0]["results"]
    }
    assert uris == {"pkg/weird%7Cname%20%25.py"}
    prefixed = sarif_doc(result, Options(path_prefix="./services/api/"))
    assert_valid(validator, prefixed)
    run_ = prefixed["runs"][0]
    assert {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run_["results"]
    } == {"services/api/pkg/weird%7Cname%20%25.py"}
    assert "uri" not in run_["originalUriBaseIds"]["%SRCROOT%"]  # the repo root is not known
    logical = run_["results"][0]["locations"][0]["logicalLocations"][0]
    assert logical["fullyQualifiedName"].endswith("__weird__name__")


def test_errors_become_tool_notifications(tmp_path: Path, validator: Draft4Validator) -> None:
    root = tmp_path / "proj"
    root.mkdir()
    (root / "ok.py").write_text("x = 1\n")
    (root / "broken.py").write_text("def f(:\n")
    result = run(Config(root=root, cache_dir=tmp_path / "cache", history=False))
    assert result.errors
    doc = sarif_doc(result)
    assert_valid(validator, doc)
    notes = doc["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert [n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for n in notes] == [
        "broken.py"
    ]


def test_selection_policy(fixture_runs: tuple[RunResult, RunResult, RunResult]) -> None:
    """Go-worthy code and blockers are annotated; keep-in-python modules only for blockers."""
    result = fixture_runs[0]
    chosen = select(result)
    for c in result.candidates:
        mine = [a for a in chosen if a.path == c.rel_path]
        kinds = {a.kind for a in mine}
        blockers = [f for f in c.findings if f.category in BLOCKING]
        assert sum(1 for a in mine if a.kind is Kind.BLOCKER) == len(blockers)
        if c.strategy is Strategy.KEEP:
            assert kinds <= {Kind.BLOCKER}
            assert all(a.level is Level.NOTICE for a in mine)
            continue
        hot = [a.symbol for a in mine if a.kind is Kind.HOT_FUNCTION]
        assert hot == [fn.qualname for fn in c.functions]
        assert sum(1 for a in mine if a.kind is Kind.FINDING) == min(
            TOP_FINDINGS, len(c.findings) - len(blockers)
        )
        expected = Level.WARNING if c.strategy in GO_STRATEGIES else Level.NOTICE
        assert all(a.level is expected for a in mine)
        assert [a.order for a in mine] == list(range(len(mine)))
        if mine and c.functions:
            assert mine[0].kind is Kind.HOT_FUNCTION  # the hottest function leads
