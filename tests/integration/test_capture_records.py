"""Records cross: on a copy of the demo, the tokenizer's functions that take and return ``Token``
records (a dataclass with an Enum field) are captured as JSON objects, and the generated parity
test rebuilds them: with the switch off the original gives every recorded answer again."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
Goport = Callable[..., subprocess.CompletedProcess[str]]


def test_demo_tokens_are_captured_as_objects_and_rebuilt(goport: Goport, tmp_path: Path) -> None:
    project = tmp_path / "demo_service"
    shutil.copytree(ROOT / "fixtures" / "demo_service", project)
    out = tmp_path / "port"
    suite = [sys.executable, "-m", "pytest", "--noconftest", "-q", "-p", "no:cacheprovider"]
    args = ("capture", "--out", out, "-m", "demo_service.tokenizer", "--no-cache", "--")
    done = goport(*args, *suite, "tests/test_tokenizer.py", cwd=project)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "not representable" not in done.stdout
    golden = out / "golden" / "demo_service.tokenizer"
    key_values = json.loads((golden / "key_values.json").read_text())
    token = key_values["cases"][0]["args"][0][0]
    assert set(token) == {"kind", "text", "start", "end"} and isinstance(token["kind"], str)
    assert key_values["arg_types"][0].startswith("list[record[demo_service.tokenizer:Token, ")
    tokenized = json.loads((golden / "tokenize_line.json").read_text())
    assert len(tokenized["cases"]) > 10

    shimmed = goport("shim", "demo_service.tokenizer", "--out", out, "--no-cache", cwd=project)
    assert shimmed.returncode == 0, shimmed.stderr
    parity = subprocess.run(
        [*suite, str(out / "python")],
        cwd=project,
        env={**os.environ, "GOPORT_USE_GO": "0", "PYTHONPATH": str(project)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert parity.returncode == 0, parity.stdout + parity.stderr
    cases = sum(len(json.loads(p.read_text())["cases"]) for p in golden.glob("*.json"))
    assert f"{cases} passed" in parity.stdout
