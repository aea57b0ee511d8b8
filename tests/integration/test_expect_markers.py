"""Fixture projects carry ``# expect: GP104`` markers; what goport finds must equal them.

A marker names the rules whose findings start on that line. Every ``.py`` file of a fixture
project that has at least one marker anywhere is checked, so an unexpected finding fails too.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from goport.extract import extract
from goport.model import SourceFile

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
MARKER = re.compile(r"#\s*expect:\s*((?:GP\d{3}\s*,?\s*)+)")


def _projects() -> list[Path]:
    return sorted(
        p
        for p in FIXTURES.iterdir()
        if p.is_dir() and any("# expect:" in f.read_text(errors="replace") for f in p.rglob("*.py"))
    )


def _expected(text: str) -> set[tuple[str, int]]:
    out = set()
    for lineno, line in enumerate(text.splitlines(), start=1):
        match = MARKER.search(line)
        if match:
            for rule in re.findall(r"GP\d{3}", match.group(1)):
                out.add((rule, lineno))
    return out


@pytest.mark.parametrize("project", _projects(), ids=lambda p: p.name)
def test_markers_match_findings(project: Path) -> None:
    problems = []
    for path in sorted(project.rglob("*.py")):
        rel = path.relative_to(project).as_posix()
        data = path.read_bytes()
        facts = extract(SourceFile(rel, str(path), rel[:-3].replace("/", ".")), data)
        found = {(f.rule, f.span.line) for f in facts.findings}
        want = _expected(data.decode("utf-8", errors="replace"))
        for rule, line in sorted(want - found):
            problems.append(f"{rel}:{line}: expected {rule}, not found")
        for rule, line in sorted(found - want):
            problems.append(f"{rel}:{line}: found {rule}, not expected")
    assert not problems, "\n".join(problems)
