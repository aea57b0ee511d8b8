"""Measured time drives the ranking: profiles of every format, moved roots, stale and bad files."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from goport.config import Config
from goport.errors import ProfileError
from goport.pipeline import run

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "fixtures" / "profiled_app"
PROFILES = ROOT / "fixtures" / "profiles"


def _run(tmp_path: Path, *profiles: Path, root: Path = APP):
    return run(
        Config(root=root, cache_dir=tmp_path / "cache", history=False, profiles=tuple(profiles))
    )


def test_static_ranking_puts_cold_first(tmp_path: Path) -> None:
    result = _run(tmp_path)
    assert result.candidates[0].rel_path == "profiled_app/cold.py"
    assert result.profile is None


@pytest.mark.parametrize(
    "name",
    [
        "profiled_app.speedscope.json",
        "profiled_app.raw.txt",
        "profiled_app.pstats",
        "profiled_app.pyinstrument.json",
        "profiled_app.pyinstrument.speedscope.json",
        "profiled_app.austin.txt",
        "moved_root.speedscope.json",
    ],
)
def test_profile_puts_measured_module_first(tmp_path: Path, name: str) -> None:
    result = _run(tmp_path, PROFILES / name)
    top = result.candidates[0]
    assert top.rel_path == "profiled_app/hot.py"
    measured = next(f for f in top.factors if f.name == "measured-time")
    assert measured.contribution > 0
    assert "of profiled samples run here" in measured.explanation
    assert top.hotness is not None and top.hotness.self_share > 0.5
    assert top.functions[0].qualname == "Sieve.is_prime"
    assert top.functions[0].measured is not None
    assert result.profile is not None and result.profile.match_rate > 0.8
    assert not any("another project" in w for w in result.profile.warnings)
    cold = next(c for c in result.candidates if c.rel_path == "profiled_app/cold.py")
    assert cold.score < top.score


def test_several_profiles_merge(tmp_path: Path) -> None:
    result = _run(
        tmp_path, PROFILES / "profiled_app.speedscope.json", PROFILES / "profiled_app.pstats"
    )
    assert result.profile is not None and len(result.profile.files) == 2
    assert result.candidates[0].rel_path == "profiled_app/hot.py"


def test_stale_profile_is_matched_by_name_and_warned(tmp_path: Path) -> None:
    tree = tmp_path / "app"
    shutil.copytree(APP, tree)
    hot = tree / "profiled_app" / "hot.py"
    # lines moved: a block inserted above everything
    hot.write_text("# moved\n" * 40 + hot.read_text())
    result = _run(tmp_path, PROFILES / "profiled_app.speedscope.json", root=tree)
    assert result.candidates[0].rel_path == "profiled_app/hot.py"
    assert result.candidates[0].functions[0].qualname == "Sieve.is_prime"
    assert result.profile is not None
    assert any("changed since the recording" in w for w in result.profile.warnings)


def test_foreign_profile_is_an_error_naming_what_did_not_match(tmp_path: Path) -> None:
    """Samples, none of them in this tree: the wrong profile, never a silent static ranking."""
    other = tmp_path / "other"
    (other / "pkg").mkdir(parents=True)
    (other / "pkg" / "mod.py").write_text("def f():\n    return 1\n")
    with pytest.raises(ProfileError, match="none of its .* samples ran code in this tree") as info:
        _run(tmp_path, PROFILES / "profiled_app.speedscope.json", root=other)
    assert "hot.py" in str(info.value) and "--profile-root" in str(info.value)
    proc = subprocess.run(
        [sys.executable, "-m", "goport", "scan", str(other), "--no-history",
         "--profile", str(PROFILES / "profiled_app.speedscope.json"),
         "--cache-dir", str(tmp_path / "c")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 2
    assert (
        len(proc.stderr.strip().splitlines()) == 1 and "profiled_app.speedscope.json" in proc.stderr
    )


@pytest.mark.parametrize(
    "name", ["empty.json", "truncated.json", "wrong_shape.json", "garbage.bin", "truncated.pstats"]
)
def test_bad_profile_is_an_input_error(tmp_path: Path, name: str) -> None:
    with pytest.raises(ProfileError):
        _run(tmp_path, PROFILES / name)
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "goport",
            "scan",
            str(APP),
            "--profile",
            str(PROFILES / name),
            "--cache-dir",
            str(tmp_path / "c"),
            "--no-history",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert name in proc.stderr
    assert "Traceback" not in proc.stderr


def test_cli_json_profile_section(tmp_path: Path) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "goport",
            "scan",
            str(APP),
            "--format",
            "json",
            "--no-history",
            "--cache-dir",
            str(tmp_path),
            "--profile",
            str(PROFILES / "moved_root.speedscope.json"),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    doc = json.loads(proc.stdout)
    assert doc["profile"]["samples"] > 0
    assert doc["profile"]["match_rate"] > 0.8
    top = doc["candidates"][0]
    assert top["path"] == "profiled_app/hot.py"
    assert top["measured"]["self_share"] > 0.5


def test_explain_shows_measurement(tmp_path: Path) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "goport",
            "explain",
            str(APP / "profiled_app" / "hot.py"),
            "--no-history",
            "--cache-dir",
            str(tmp_path),
            "--profile",
            str(PROFILES / "profiled_app.speedscope.json"),
        ],
        capture_output=True,
        text=True,
        check=True,
        env={
            "NO_COLOR": "1",
            "PATH": "/usr/bin:/bin",
            "XDG_CACHE_HOME": os.environ["XDG_CACHE_HOME"],
        },
    )
    assert "Measured:" in proc.stdout
    assert "self in Python" in proc.stdout
    assert "Sieve.is_prime" in proc.stdout


def test_recorded_with_goport_profile_end_to_end(tmp_path: Path) -> None:
    """A real py-spy recording through ``goport profile``, then ``scan --profile``."""
    from goport.profiles.record import find_py_spy

    try:
        find_py_spy()
    except Exception as exc:  # noqa: BLE001
        pytest.skip(f"py-spy not available: {exc}")
    tree = tmp_path / "app"
    shutil.copytree(APP, tree)
    out = tmp_path / "prof.json"
    rec = subprocess.run(
        [
            sys.executable,
            "-m",
            "goport",
            "profile",
            "--output",
            str(out),
            "--rate",
            "100",
            "--",
            sys.executable,
            "-m",
            "profiled_app.main",
        ],
        capture_output=True,
        text=True,
        cwd=tree,
        check=False,
    )
    assert rec.returncode == 0, rec.stderr
    assert "exited with code 0" in rec.stderr
    scan = subprocess.run(
        [
            sys.executable,
            "-m",
            "goport",
            "scan",
            str(tree),
            "--format",
            "json",
            "--no-history",
            "--cache-dir",
            str(tmp_path / "c"),
            "--profile",
            str(out),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    doc = json.loads(scan.stdout)
    assert doc["candidates"][0]["path"] == "profiled_app/hot.py"
    assert doc["profile"]["match_rate"] > 0.8


def test_class_body_frames_are_not_stale(tmp_path: Path) -> None:
    """py-spy names a class body run at import after the class: no function has that name, so
    nothing says the code changed (a function whose line moved away still is stale)."""
    tree = tmp_path / "app"
    shutil.copytree(APP, tree)
    hot = "profiled_app/hot.py"
    lines = (tree / hot).read_text().splitlines()
    body_line = next(i for i, line in enumerate(lines, 1) if line.startswith("class "))
    in_is_prime = next(i for i, line in enumerate(lines, 1) if "if n < 2" in line)
    prof = tmp_path / "stacks.txt"
    prof.write_text(
        f"<module> ({tree}/{hot}:1);Sieve ({tree}/{hot}:{body_line + 1}) 5\n"
        f"<module> ({tree}/{hot}:1);is_prime ({tree}/{hot}:{in_is_prime}) 20\n"
    )
    result = _run(tmp_path, prof, root=tree)
    assert result.profile is not None and result.profile.match_rate == 1.0
    assert not any("changed since the recording" in w for w in result.profile.warnings)
    moved = tmp_path / "moved.txt"
    moved.write_text(f"<module> ({tree}/{hot}:1);is_prime ({tree}/{hot}:2) 20\n")
    result = _run(tmp_path, moved, root=tree)
    assert result.profile is not None
    assert any("changed since the recording" in w for w in result.profile.warnings)
