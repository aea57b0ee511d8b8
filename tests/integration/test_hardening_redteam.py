"""Findings of a red-team pass over the hardened CLI, each a repro that must now behave.

Costs are asserted through bounded work (a subprocess timeout far above what the fixed code needs
and far below what the old code took), never as timings."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

HOT = Path(__file__).resolve().parents[2] / "fixtures/demo_service/demo_service/tokenizer.py"


def _goport(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "goport", *map(str, args)],
        cwd=cwd, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def _one_line_error(proc: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    [line] = proc.stderr.strip().splitlines()
    assert "internal error" not in line
    for needle in needles:
        assert needle in line, line


def test_many_small_ignore_files_cost_linear_time(tmp_path: Path) -> None:
    """Every path used to be checked against every .gitignore of the tree (quadratic)."""
    root = tmp_path / "proj"
    for i in range(4000):
        folder = root / f"d{i}"
        folder.mkdir(parents=True)
        (folder / ".gitignore").write_text("*.tmp\nbuild/\n")
        (folder / "m.py").write_text("x = 1\n")
    (root / "d7" / "skip.tmp.py").write_text("x = 1\n")
    (root / "d7" / ".gitignore").write_text("skip*\n")
    proc = _goport("scan", root, "-f", "json", "--no-cache", "--no-history", "-q")
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)["summary"]
    assert summary["files_discovered"] == 4000


def test_an_ignore_file_with_too_many_patterns_is_reported_not_compiled(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    root.mkdir()
    (root / "m.py").write_text("x = 1\n")
    (root / ".gitignore").write_text(
        "".join(f"p{i}_*[abc]?x/**/y{i}\n" for i in range(30_000)) + "!\n"
    )
    proc = _goport("scan", root, "-f", "json", "--no-cache", "--no-history", "-q")
    assert proc.returncode == 0, proc.stderr
    [error] = json.loads(proc.stdout)["errors"]
    assert error["path"] == ".gitignore" and "30,001 patterns" in error["message"]
    assert len(proc.stderr.splitlines()) <= 1  # no flood of matcher log lines


def test_an_ignore_file_with_a_bad_line_keeps_its_good_patterns(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    root.mkdir()
    (root / "m.py").write_text("x = 1\n")
    (root / "gen.py").write_text("x = 1\n")
    (root / ".gitignore").write_text("!\n\\\ntrailing\\\ngen.py\n")
    proc = _goport("scan", root, "-f", "json", "--no-cache", "--no-history")
    assert proc.returncode == 0, proc.stderr
    assert [c["path"] for c in json.loads(proc.stdout)["candidates"]] == ["m.py"]


def test_an_fstring_of_many_fields_is_skipped_before_parsing(tmp_path: Path) -> None:
    """CPython's parser is quadratic on it: 78 s and 711 MB for 332,000 fields before."""
    root = tmp_path / "proj"
    root.mkdir()
    (root / "m.py").write_text("x = f'" + "{a}" * 200_000 + "'\n")
    (root / "good.py").write_text(HOT.read_text())
    proc = _goport("scan", root, "-f", "json", "--no-cache", "--no-history")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    [error] = doc["errors"]
    assert error["path"] == "m.py" and "braces" in error["message"]


@pytest.mark.parametrize(
    ("samples", "needle"),
    [([[0] * 2_000_000], "deeper than"), ([[i] for i in range(10)] * 2, None)],
    ids=["one-sample-2M-deep", "ordinary"],
)
def test_a_profile_deeper_than_any_real_stack_is_refused(
    tmp_path: Path, samples: list[list[int]], needle: str | None
) -> None:
    frames = [{"name": f"f{i}", "file": str(HOT), "line": 100 + i} for i in range(10)]
    doc = {
        "$schema": "https://www.speedscope.app/file-format-schema.json",
        "shared": {"frames": frames},
        "profiles": [
            {"type": "sampled", "unit": "none", "samples": samples, "weights": [1] * len(samples)}
        ],
    }
    profile = tmp_path / "p.json"
    profile.write_text(json.dumps(doc))
    proc = _goport("scan", HOT.parent, "--profile", profile, "--no-cache", "--no-history", "-q")
    if needle is None:
        assert proc.returncode == 0, proc.stderr
    else:
        _one_line_error(proc, "p.json", needle)


def test_explain_does_not_follow_a_link_out_of_the_project(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.py").write_text("def SECRET_FUNC_xyz():\n    return 1\n")
    project = tmp_path / "proj"
    project.mkdir()
    (project / "pyproject.toml").write_text("")
    (project / "s.py").symlink_to(outside / "secret.py")
    proc = _goport("explain", "s.py", "--no-cache", cwd=project)
    _one_line_error(proc, "s.py", "a symbolic link out of the project root")
    assert "SECRET_FUNC_xyz" not in proc.stdout + proc.stderr


def test_output_with_the_longest_legal_name(tmp_path: Path) -> None:
    name = "o" * 250 + ".json"  # 255 bytes: the temporary file must not need a longer name
    proc = _goport("scan", HOT.parent, "-f", "json", "-o", tmp_path / name, "--no-cache")
    assert proc.returncode == 0, proc.stderr
    assert json.loads((tmp_path / name).read_text())["summary"]["files_analysed"] > 0
