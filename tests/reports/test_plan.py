"""``goport plan`` end to end: golden Markdown and JSON for the demo (the JSON validated against
``schemas/plan.schema.json``), the terminal at 80 columns, ``--contracts``, ``explain``'s link to
the plan, and co-change grouping from a real git repository made in the test.

The golden files are the demo's plan with the scanned root and goport's version normalised.
Regenerate them with ``GOPORT_UPDATE_GOLDEN=1 pytest tests/reports/test_plan.py``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from goport import __version__
from goport.config import load
from goport.errors import InputError
from goport.pipeline import run
from goport.reports import Options
from goport.roadmap.cli import write_contracts
from goport.roadmap.model import Contract, ContractKind
from goport.roadmap.render import render_terminal, schema
from goport.roadmap.roadmap import build

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "fixtures" / "demo_service"
GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = os.environ.get("GOPORT_UPDATE_GOLDEN") == "1"

Goport = Callable[..., subprocess.CompletedProcess[str]]


def _normalise(text: str) -> str:
    text = text.replace(str(DEMO), "<ROOT>")
    return re.sub(re.escape(__version__) + r"\b", "<VERSION>", text)


def _golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"{path} missing: run with GOPORT_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8"), f"{name} changed; see the module docstring"


def _plan(goport: Goport, *args: str | Path, cwd: Path | None = None) -> str:
    done = goport("plan", *args, cwd=cwd)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def demo_json(goport: Goport, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    cache = tmp_path_factory.mktemp("cache")
    out = _plan(goport, DEMO, "--no-history", "--cache-dir", cache, "--format", "json")
    doc: dict[str, Any] = json.loads(out)
    return doc


def test_demo_json_is_golden_and_valid(demo_json: dict[str, Any]) -> None:
    Draft202012Validator.check_schema(schema())
    errors = list(Draft202012Validator(schema()).iter_errors(demo_json))
    assert not errors, errors[0].message
    _golden(
        "plan_demo.json", _normalise(json.dumps(demo_json, indent=2, ensure_ascii=False) + "\n")
    )
    order = [s["modules"] for s in demo_json["steps"]]
    assert order.index(["demo_service/tokenizer.py"]) < order.index(["demo_service/ingest.py"])
    ingest = next(s for s in demo_json["steps"] if s["modules"] == ["demo_service/ingest.py"])
    assert {
        "kind": "callback",
        "between": ["demo_service/ingest.py", "demo_service/plugins.py"],
    } in [{k: seam[k] for k in ("kind", "between")} for seam in ingest["seams"]]
    for key in ("modules", "strategy", "gain", "effort", "risks", "requires", "contract"):
        assert key in ingest


def test_demo_markdown_is_golden(goport: Goport, tmp_path: Path) -> None:
    out = _plan(goport, DEMO, "--no-history", "--cache-dir", tmp_path, "--format", "markdown")
    assert out.startswith("# Go migration plan\n")
    assert re.search(r"^## Step \d+ \(wave \d+\): `demo_service/ingest\.py`$", out, re.MULTILINE)
    assert "callback: demo\\_service/ingest.py calls into demo\\_service/plugins.py" in out
    _golden("plan_demo.md", _normalise(out))


def test_terminal_fits_80_columns_and_escapes_names(
    make_tree: Callable[..., Path], cache_dir: Path
) -> None:
    root = make_tree(
        {
            "pkg/__init__.py": "",
            "pkg/hot\x1b[31m.py": (
                "def fold(data: bytes) -> int:\n"
                "    total = 0\n"
                "    for i in range(len(data)):\n"
                "        for j in range(i, len(data)):\n"
                "            total += data[i] * data[j] % 7\n"
                "    return total\n"
            ),
        }
    )
    result = run(load(root, {"cache_dir": cache_dir, "history": False}, read_pyproject=False))
    text = render_terminal(build(result), Options(width=80))
    assert "\x1b" not in text and "hot\\x1b[31m.py" in text
    assert max(len(line) for line in text.splitlines()) <= 80


def test_contracts_are_written_to_the_folder_given_and_links_refused(
    tmp_path: Path, cache_dir: Path
) -> None:
    result = run(load(DEMO, {"cache_dir": cache_dir, "history": False}, read_pyproject=False))
    contract = Contract(
        ContractKind.PROTO, "tokenizer.proto", 'syntax = "proto3";\n', ("tokenize_line",)
    )
    plan = replace(build(result), contracts=((1, contract), (3, contract)))
    out = tmp_path / "contracts"
    written = write_contracts(plan, out, DEMO.resolve())
    assert [p.name for p in written] == ["tokenizer.proto", "step3_tokenizer.proto"]
    assert (out / "tokenizer.proto").read_text() == 'syntax = "proto3";\n'
    link = tmp_path / "link"
    link.symlink_to(out)
    with pytest.raises(InputError, match="symbolic link"):
        write_contracts(plan, link, DEMO.resolve())
    bad = replace(plan, contracts=((1, replace(contract, filename="../escape.proto")),))
    with pytest.raises(InputError, match="not a plain file name"):
        write_contracts(bad, tmp_path / "again", DEMO.resolve())
    assert not (tmp_path / "escape.proto").exists()


def test_cli_contracts_refuses_a_link(goport: Goport, tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    done = goport(
        "plan",
        DEMO,
        "--no-history",
        "--cache-dir",
        tmp_path / "c",
        "--contracts",
        tmp_path / "link",
    )
    assert done.returncode == 2
    assert "symbolic link" in done.stderr


def test_explain_links_to_the_plan_step(
    goport: Goport, demo_json: dict[str, Any], tmp_path: Path
) -> None:
    step = next(s for s in demo_json["steps"] if s["modules"] == ["demo_service/ingest.py"])
    done = goport(
        "explain", DEMO / "demo_service" / "ingest.py", "--no-history", "--cache-dir", tmp_path
    )
    assert done.returncode == 0, done.stderr
    total = len(demo_json["steps"])
    assert (
        f"Plan: step {step['number']} of {total} (wave {step['wave']}) — goport plan" in done.stdout
    )
    kept = goport(
        "explain", DEMO / "demo_service" / "plugins.py", "--no-history", "--cache-dir", tmp_path
    )
    assert f"step(s) {step['number']} need a seam to it" in kept.stdout


# -- co-change from a real git repository -------------------------------------------------------


def _git(repo: Path, *args: str) -> None:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(repo.parent),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.invalid",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.invalid",
    }
    subprocess.run(
        ["git", "-c", "commit.gpgsign=false", "-c", "core.hooksPath=/dev/null", *args],
        cwd=repo,
        env=env,
        check=True,
        capture_output=True,
        timeout=60,
    )


def _kernel(name: str, n: int) -> str:
    return (
        f"def {name}(data: bytes) -> int:\n"
        "    total = 0\n"
        "    for i in range(len(data)):\n"
        "        for j in range(i, len(data)):\n"
        f"            total += data[i] * data[j] % {n + 2}\n"
        "    return total\n"
    )


def test_modules_always_committed_together_move_as_one_step(goport: Goport, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "pkg").mkdir(parents=True)
    _git(repo, "init", "-q")
    (repo / "pkg" / "__init__.py").write_text("")
    for n in range(6):
        (repo / "pkg" / "codec.py").write_text(_kernel("encode", n))
        (repo / "pkg" / "frame.py").write_text(_kernel("frame", n))
        _git(repo, "add", "-A")
        _git(repo, "commit", "-q", "-m", f"codec and frame {n}")
        (repo / "pkg" / "hashing.py").write_text(_kernel("digest", n))
        _git(repo, "add", "-A")
        _git(repo, "commit", "-q", "-m", f"hashing {n}")
    # churn makes these small modules "optimise in Python first": name them to plan them anyway
    named = [repo / "pkg" / f"{m}.py" for m in ("codec", "frame", "hashing")]
    out = _plan(goport, *named, "--root", repo, "--cache-dir", tmp_path / "c", "--format", "json")
    doc = json.loads(out)
    assert not list(Draft202012Validator(schema()).iter_errors(doc))
    steps = [sorted(s["modules"]) for s in doc["steps"]]
    assert ["pkg/codec.py", "pkg/frame.py"] in steps
    assert ["pkg/hashing.py"] in steps
    grouped = next(s for s in doc["steps"] if len(s["modules"]) == 2)
    assert [s["kind"] for s in grouped["seams"]] == ["co-change"]
    assert doc["couplings"] == [
        {"a": "pkg/codec.py", "b": "pkg/frame.py", "shared_commits": 6, "degree": 1.0}
    ]


def test_readme_excerpt_is_the_golden_plan() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    golden = (GOLDEN / "plan_demo.md").read_text(encoding="utf-8")
    excerpt = readme.split("````markdown\n", 1)[1].split("\n````", 1)[0]
    for block in excerpt.split("\n\n"):
        assert block in golden, block[:80]


def test_a_profile_makes_the_gain_measured(goport: Goport, tmp_path: Path) -> None:
    app = ROOT / "fixtures" / "profiled_app"
    prof = ROOT / "fixtures" / "profiles" / "profiled_app.speedscope.json"
    args = (app, "--profile", prof, "--no-history", "--cache-dir", tmp_path, "--format", "json")
    doc = json.loads(_plan(goport, *args))
    assert doc["time_basis"] == "measured"
    gains = [s["gain"] for s in doc["steps"]]
    assert gains and all(g["basis"] == "measured" for g in gains)
    assert all("of the profiled self time" in g["assumptions"] for g in gains)
    assert all(0 <= g["low"] <= g["high"] <= 1 for g in gains)


def test_the_plan_uses_the_weights_scan_uses(goport: Goport, tmp_path: Path) -> None:
    """``--weight`` reaches the plan as it reaches scan: the plan's steps are scan's Go
    candidates under the same weights."""
    cache = tmp_path / "cache"
    common = ["--no-history", "--cache-dir", cache, "--format", "json"]
    weighted = ["--weight", "concurrency=0"]
    plan = json.loads(_plan(goport, DEMO, *common, *weighted))
    scan = goport("scan", DEMO, *common, *weighted)
    assert scan.returncode == 0, scan.stderr
    go = {
        c["path"]
        for c in json.loads(scan.stdout)["candidates"]
        if c["strategy"] not in ("keep-in-python", "optimise-in-python-first")
    }
    assert {m for step in plan["steps"] for m in step["modules"]} == go
    unweighted = json.loads(_plan(goport, DEMO, *common))
    assert plan["steps"] != unweighted["steps"]  # the weight changed what moves or its order


def test_a_risk_seen_at_several_lines_is_listed_once_with_every_line() -> None:
    from goport.roadmap.model import Risk
    from goport.roadmap.render import risk_lines

    def risk(line: int, message: str = "len(s) counts code points") -> Risk:
        return Risk("str-index", "m.py", line, message, "use []rune")

    risks = (risk(30), risk(12), risk(20), risk(7, "ord() of a char"), risk(12))
    assert risk_lines(risks) == [
        "m.py:12 (also lines 20, 30) [str-index] len(s) counts code points Go: use []rune",
        "m.py:7 [str-index] ord() of a char Go: use []rune",
    ]
    assert risk_lines(risks[:2], go=False) == [
        "m.py:12 (also line 30) [str-index] len(s) counts code points"
    ]
