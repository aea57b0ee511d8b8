"""Issue 14's proof, end to end and for real: on a copy of fixtures/strangler_demo, ``goport
capture`` records golden cases from the project's own test suite, ``goport scaffold`` writes
the Go module, the hand-written port kept in the fixture replaces the stubs, ``go test``
replays every recorded case, and the generated parity test passes with the switch on, each
call going through the c-shared Go library (the plan moves textkit's modules as Go
extensions)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from golang import GoTool

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "fixtures" / "strangler_demo"
Goport = Callable[..., subprocess.CompletedProcess[str]]
PACKAGES = {"fnv": "textkit.fnv", "records": "textkit.records", "tokens": "textkit.tokens"}


def _project(tmp_path: Path) -> Path:
    """A copy of the fixture: its tests write caches, and nothing may land in the repository."""
    project = tmp_path / "strangler_demo"
    shutil.copytree(DEMO, project, ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"))
    return project


def _golden(port: Path) -> dict[str, dict[str, object]]:
    return {
        f"{p.parent.name}:{p.stem}": json.loads(p.read_text())
        for p in sorted((port / "golden").glob("*/*.json"))
    }


def test_capture_scaffold_port_and_parity_end_to_end(
    goport: Goport, go_tool: GoTool, tmp_path: Path
) -> None:
    if shutil.which("gcc") is None:
        pytest.skip("gcc is not on PATH: cgo builds the c-shared library with it")
    project, port, captured = _ported(goport, tmp_path)
    _check_capture(port, captured)
    _check_go_test(port, go_tool)
    _check_parity(goport, project, port, go_tool)


def _ported(goport: Goport, tmp: Path) -> tuple[Path, Path, subprocess.CompletedProcess[str]]:
    """(project, port folder, capture's run): captured, scaffolded, the port dropped in."""
    project, port = _project(tmp), tmp / "port"
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"]
    captured = goport("capture", "--out", port, "--no-cache", "--", *command, cwd=project)
    assert captured.returncode == 0, captured.stdout + captured.stderr
    done = goport("scaffold", "--all", "--out", port, "--no-cache", "-q", cwd=project)
    assert done.returncode == 0, done.stderr
    for package in PACKAGES:
        shutil.copyfile(project / "go_impl" / package / "impl.go", port / package / "impl.go")
    return project, port, captured


def _check_capture(port: Path, captured: subprocess.CompletedProcess[str]) -> None:
    """The suite's calls recorded: a generator's items, an exception, every case counted."""
    assert "it executes your code" in captured.stderr
    golden = _golden(port)
    assert {
        "textkit.fnv:fnv1a_32",
        "textkit.tokens:tokenize",
        "textkit.tokens:shingles",
        "textkit.records:decode_record",
    } <= set(golden)
    assert golden["textkit.tokens:shingles"]["kind"] == "generator"
    raised = [c for c in golden["textkit.records:decode_record"]["cases"] if "raises" in c]  # type: ignore[union-attr]
    assert raised and raised[0]["raises"]["type"] == "ValueError"
    total = sum(len(doc["cases"]) for doc in golden.values())  # type: ignore[arg-type]
    assert re.search(rf"{total} case\(s\) for \d+ of \d+ boundary function", captured.stdout)


def _check_go_test(port: Path, go_tool: GoTool) -> None:
    """gofmt, vet and build clean, and go test replays every captured case against the port."""
    go_tool.checks(port)  # gofmt, vet, build, test
    verbose = go_tool.run("test", "-v", "./...", cwd=port).stdout
    for key, doc in _golden(port).items():
        module, function = key.split(":")
        if doc["cases"]:
            assert re.search(rf"--- PASS: TestGolden/{re.escape(module)}\.{function} ", verbose), (
                key,
                verbose,
            )
    assert "FAIL" not in verbose


def _check_parity(goport: Goport, project: Path, port: Path, go_tool: GoTool) -> None:
    """Each module's shim and parity test: green with the switch on (through the c-shared
    library), red when the library is missing, green with the switch off."""
    for package, module in PACKAGES.items():
        done = goport("shim", module, "--out", port, "--no-cache", "-q", cwd=project)
        assert done.returncode == 0, done.stderr
        library = port / "bin" / f"lib{package}.so"
        built = go_tool.run(
            "build", "-buildmode=c-shared", "-o", library, f"./{package}/cmd/{package}", cwd=port
        )
        assert built.returncode == 0, built.stderr
        parity = port / "python" / f"test_{module.replace('.', '_')}_parity.py"
        run = _pytest(parity, project, GOPORT_USE_GO="1", GOPORT_GO_LIB=str(library))
        assert run.returncode == 0, run.stdout + run.stderr
        assert re.search(r"\d+ passed", run.stdout) and "skipped" not in run.stdout, run.stdout
        # the switch really sends the calls to Go: without the library they cannot be answered
        missing = _pytest(parity, project, GOPORT_USE_GO="1", GOPORT_GO_LIB=str(port / "none.so"))
        assert missing.returncode != 0, missing.stdout
        # and off, the original Python still gives the recorded answers
        off = _pytest(parity, project, GOPORT_USE_GO="0")
        assert off.returncode == 0, off.stdout + off.stderr


def _pytest(test: Path, project: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(test)],
        cwd=project,
        env={**os.environ, "PYTHONPATH": str(project), **env},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
