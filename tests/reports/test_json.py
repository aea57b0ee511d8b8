"""JSON output validates against the shipped schema for every fixture project."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from goport.config import Config
from goport.pipeline import run
from goport.reports import Format, Options, render
from goport.reports.json_report import schema

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
PROJECTS = sorted(p for p in FIXTURES.iterdir() if p.is_dir() and any(p.rglob("*.py")))


def test_schema_is_a_valid_schema() -> None:
    Draft202012Validator.check_schema(schema())


@pytest.mark.parametrize("project", PROJECTS, ids=lambda p: p.name)
def test_fixture_json_validates(project: Path, tmp_path: Path) -> None:
    result = run(Config(root=project, cache_dir=tmp_path, history=False))
    doc = json.loads(render(Format.JSON, result, Options()))
    errors = sorted(Draft202012Validator(schema()).iter_errors(doc), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])
    assert doc["schema_version"] == 1
    scores = [c["score"] for c in doc["candidates"]]
    assert scores == sorted(scores, reverse=True)
    assert [c["rank"] for c in doc["candidates"]] == list(range(1, len(scores) + 1))
    for c in doc["candidates"]:
        assert c["score"] == pytest.approx(sum(f["contribution"] for f in c["factors"]), abs=0.051)
        assert not c["path"].startswith("/") and "\\" not in c["path"]
