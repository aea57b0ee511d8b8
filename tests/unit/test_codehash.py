"""Function fingerprints: what ``goport profile`` stores (from ``ast``) and what extraction
stores (from libcst's walk) must agree for every function, or every frame would look stale."""

from __future__ import annotations

from pathlib import Path

import pytest

from goport.codehash import body_hash, function_hashes
from goport.extract import extract
from goport.model import SourceFile

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted([*(ROOT / "src" / "goport").rglob("*.py"), *(ROOT / "fixtures").rglob("*.py")])


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_profile_and_extraction_fingerprints_agree(path: Path) -> None:
    data = path.read_bytes()
    facts = extract(SourceFile(path.name, str(path), path.stem, False), data)
    recorded = function_hashes(data)
    assert {f.qualname: f.body_hash for f in facts.functions} == recorded


def test_fingerprint_ignores_line_endings_and_trailing_blanks_only() -> None:
    lines = [b"def f(x):", b"    return x + 1"]
    same = body_hash([b"def f(x):  \r", b"    return x + 1"], 1, 2)
    assert body_hash(lines, 1, 2) == same
    assert body_hash(lines, 1, 2) != body_hash([b"def f(x):", b"    return x + 2"], 1, 2)


def test_source_that_does_not_parse_has_no_fingerprints() -> None:
    assert function_hashes(b"def f(:\n") == {}
