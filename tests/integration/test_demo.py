"""The bundled demo ranks as fixtures/demo_service/EXPECTED.md says, for the reasons it gives."""

from __future__ import annotations

import itertools
import re
import subprocess
import sys
from pathlib import Path

import pytest

from goport.config import Config
from goport.model import RunResult
from goport.pipeline import run

DEMO = Path(__file__).resolve().parents[2] / "fixtures" / "demo_service"


def _tables(text: str) -> list[list[dict[str, str]]]:
    """Every markdown table in ``text`` as a list of row dicts keyed by header."""
    tables: list[list[dict[str, str]]] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        if (
            lines[i].strip().startswith("|")
            and i + 1 < len(lines)
            and re.match(r"^\s*\|[\s:|-]+\|\s*$", lines[i + 1])
        ):
            header = [h.strip() for h in lines[i].strip().strip("|").split("|")]
            rows = []
            i += 2
            while i < len(lines) and lines[i].strip().startswith("|"):
                cells = [c.strip().strip("`") for c in lines[i].strip().strip("|").split("|")]
                rows.append(dict(zip(header, cells)))
                i += 1
            tables.append(rows)
        else:
            i += 1
    return tables


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> RunResult:
    return run(Config(root=DEMO, cache_dir=tmp_path_factory.mktemp("cache"), history=False))


@pytest.fixture(scope="module")
def expected() -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    tables = _tables((DEMO / "EXPECTED.md").read_text())
    ranked = next(t for t in tables if t and "order" in t[0])
    bottom = next(t for t in tables if t and "expected" in t[0])
    return ranked, bottom


def _rank(result: RunResult, path: str) -> int:
    for c in result.candidates:
        if c.rel_path == path:
            return c.rank
    raise AssertionError(f"{path} is not a candidate")


def test_expected_order(result: RunResult, expected) -> None:
    ranked, _ = expected
    assert len(ranked) >= 4
    for a, b in itertools.combinations(ranked, 2):
        if int(a["order"]) < int(b["order"]):
            assert _rank(result, a["path"]) < _rank(result, b["path"]), (
                f"{a['path']} (order {a['order']}) should rank above {b['path']} (order {b['order']})"
            )


def test_expected_strategies(result: RunResult, expected) -> None:
    ranked, _ = expected
    by_path = {c.rel_path: c for c in result.candidates}
    for row in ranked:
        allowed = {s.strip() for s in row["strategy"].split(" or ")}
        got = by_path[row["path"]].strategy.value
        assert got in allowed, f"{row['path']}: strategy {got}, expected {row['strategy']}"


def test_bottom_of_the_ranking(result: RunResult, expected) -> None:
    _, bottom = expected
    by_path = {c.rel_path: c for c in result.candidates}
    decided = {d.rel_path for d in result.decided}
    for row in bottom:
        want = row["expected"]
        if want == "keep-in-python":
            if row["path"] in decided:
                continue
            assert by_path[row["path"]].strategy.value == "keep-in-python", row["path"]
        else:
            match = re.fullmatch(r"below (\S+)", want)
            assert match, f"unreadable expectation {want!r}"
            assert _rank(result, row["path"]) > _rank(result, match.group(1)), (
                f"{row['path']} {want}"
            )


def test_every_candidate_explains_itself(result: RunResult) -> None:
    top = result.candidates[0]
    assert top.functions and top.functions[0].signature.startswith("func ")
    assert top.idioms
    assert any(f.contribution > 0 for f in top.factors)
    assert all(f.explanation for c in result.candidates for f in c.factors)


def test_tests_are_recorded_not_ranked(result: RunResult) -> None:
    assert result.summary.test_files >= 3
    assert not any(
        "/tests/" in c.rel_path or c.rel_path.startswith("tests/") for c in result.candidates
    )
    tokenizer = next(c for c in result.candidates if c.rel_path.endswith("tokenizer.py"))
    assert tokenizer.boundary.tested_by
    assert tokenizer.boundary.fan_in >= 2


def test_readme_demo_command(tmp_path: Path) -> None:
    """README command 1 (after the install): ``goport scan fixtures/demo_service``."""
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "goport",
            "scan",
            "--format",
            "terminal",
            str(DEMO),
            "--cache-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "tokenizer.py" in proc.stdout
    assert "goport explain" in proc.stdout
    assert "Traceback" not in proc.stderr
