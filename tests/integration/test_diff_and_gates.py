"""Diff mode, gates and baselines on real git repositories built by the test."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

KERNEL = """
def checksum(data):
    h = 2166136261
    for b in data:
        h ^= b
        h = (h * 16777619) & 0xFFFFFFFF
    return h


def grid(rows, cols):
    out = []
    for r in rows:
        for c in cols:
            for k in range(8):
                out.append((r * c + k) ^ (r << 2))
    return out
"""

GLUE = "import argparse\n\n\ndef main():\n    parser = argparse.ArgumentParser()\n    return parser.parse_args()\n"


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def goport(repo: Path, cache: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_STEP_SUMMARY", "FORCE_COLOR")}
    return subprocess.run(
        [sys.executable, "-m", "goport", *args, "--cache-dir", str(cache), "--no-history"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    (repo / "app").mkdir(parents=True)
    (repo / "app" / "__init__.py").write_text("")
    (repo / "app" / "kernel.py").write_text(KERNEL)
    (repo / "app" / "glue.py").write_text(GLUE)
    (repo / "app" / "util.py").write_text("def add(a, b):\n    return a + b\n")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "base")
    git(repo, "checkout", "-q", "-b", "feature")
    return repo


def scan_json(repo: Path, cache: Path, *args: str) -> tuple[dict, subprocess.CompletedProcess[str]]:
    proc = goport(repo, cache, "scan", ".", "--format", "json", *args)
    assert proc.returncode in (0, 1), proc.stderr
    return json.loads(proc.stdout), proc


def make_util_hot(repo: Path) -> None:
    (repo / "app" / "util.py").write_text(
        "def add(a, b):\n    return a + b\n"
        + KERNEL.replace("checksum", "crc").replace("grid", "mesh")
    )


def test_diff_reports_only_changed_files_with_deltas(repo: Path, tmp_path: Path) -> None:
    make_util_hot(repo)
    git(repo, "commit", "-q", "-am", "make util hot")
    doc, proc = scan_json(repo, tmp_path / "c", "--diff-base", "main")
    assert proc.returncode == 0
    assert [c["path"] for c in doc["candidates"]] == ["app/util.py"]
    diff = doc["diff"]
    assert diff["base"] == "main"
    assert diff["changed"] == ["app/util.py"]
    util = next(d for d in diff["deltas"] if d["path"] == "app/util.py")
    assert util["after"] > util["before"]
    assert git(repo, "status", "--porcelain") == ""  # the base was read from git, not checked out


def test_working_tree_and_untracked_files_count(repo: Path, tmp_path: Path) -> None:
    make_util_hot(repo)  # uncommitted
    (repo / "app" / "new.py").write_text(KERNEL)  # untracked
    doc, _ = scan_json(repo, tmp_path / "c", "--diff-base", "main")
    assert sorted(c["path"] for c in doc["candidates"]) == ["app/new.py", "app/util.py"]
    new = next(d for d in doc["diff"]["deltas"] if d["path"] == "app/new.py")
    assert new["before"] is None and "new module" in new["notes"]


def test_fail_on_new_trips_only_on_crossing(repo: Path, tmp_path: Path) -> None:
    doc, proc = scan_json(repo, tmp_path / "c", "--diff-base", "main", "--fail-on-new", "10")
    assert proc.returncode == 0  # nothing changed: kernel.py is old, however high it scores
    make_util_hot(repo)
    git(repo, "commit", "-q", "-am", "hot")
    doc, proc = scan_json(repo, tmp_path / "c", "--diff-base", "main", "--fail-on-new", "10")
    assert proc.returncode == 1
    assert "app/util.py" in proc.stderr and "gate" in proc.stderr
    util = next(d for d in doc["diff"]["deltas"] if d["path"] == "app/util.py")
    assert "crossed 10" in util["notes"]
    # advice only without a gate
    _, proc = scan_json(repo, tmp_path / "c", "--diff-base", "main")
    assert proc.returncode == 0


def test_fail_on(repo: Path, tmp_path: Path) -> None:
    _, proc = scan_json(repo, tmp_path / "c", "--fail-on", "10")
    assert proc.returncode == 1
    assert "app/kernel.py" in proc.stderr
    _, proc = scan_json(repo, tmp_path / "c", "--fail-on", "99")
    assert proc.returncode == 0


def test_github_annotations_only_on_changed_lines(repo: Path, tmp_path: Path) -> None:
    text = (repo / "app" / "kernel.py").read_text()
    (repo / "app" / "kernel.py").write_text(
        text.replace("for k in range(8):", "for k in range(16):")
    )
    proc = goport(repo, tmp_path / "c", "scan", ".", "--diff-base", "main", "--format", "github")
    assert proc.returncode == 0, proc.stderr
    lines = [line for line in proc.stdout.splitlines() if line.startswith("::")]
    assert lines, proc.stdout
    grid_start = text.splitlines().index("def grid(rows, cols):") + 1
    for line in lines:
        props = dict(
            p.split("=", 1) for p in line[2:].split("::", 1)[0].split(" ", 1)[1].split(",")
        )
        assert props["file"] == "app/kernel.py"
        assert int(props["endLine"]) >= grid_start  # nothing in the untouched checksum()


def test_bad_diff_base_is_an_input_error(repo: Path, tmp_path: Path) -> None:
    proc = goport(repo, tmp_path / "c", "scan", ".", "--diff-base", "no-such-branch")
    assert proc.returncode == 2
    assert "no-such-branch" in proc.stderr
    assert "Traceback" not in proc.stderr
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "m.py").write_text("x = 1\n")
    proc = goport(plain, tmp_path / "c", "scan", ".", "--diff-base", "main")
    assert proc.returncode == 2
    assert "git repository" in proc.stderr


def test_baseline_reports_only_new(repo: Path, tmp_path: Path) -> None:
    base = tmp_path / "baseline.json"
    proc = goport(repo, tmp_path / "c", "baseline", "write", str(base))
    assert proc.returncode == 0, proc.stderr
    written = json.loads(base.read_text())
    assert "app/kernel.py" in written["modules"]
    doc, proc = scan_json(repo, tmp_path / "c", "--baseline", str(base), "--fail-on-new", "10")
    assert doc["candidates"] == [] and proc.returncode == 0
    # unrelated lines moving does not make old findings new
    (repo / "app" / "kernel.py").write_text("# a comment\n\n" + KERNEL)
    doc, _ = scan_json(repo, tmp_path / "c", "--baseline", str(base))
    assert doc["candidates"] == []
    make_util_hot(repo)
    doc, proc = scan_json(repo, tmp_path / "c", "--baseline", str(base), "--fail-on-new", "10")
    assert [c["path"] for c in doc["candidates"]] == ["app/util.py"]
    assert proc.returncode == 1


def test_bad_baseline_is_an_input_error(repo: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"nope": 1}')
    proc = goport(repo, tmp_path / "c", "scan", ".", "--baseline", str(bad))
    assert proc.returncode == 2 and "not a goport baseline" in proc.stderr
    proc = goport(repo, tmp_path / "c", "scan", ".", "--baseline", str(tmp_path / "missing.json"))
    assert proc.returncode == 2 and "goport baseline write" in proc.stderr


def test_markdown_comment_shows_what_the_change_did(repo: Path, tmp_path: Path) -> None:
    make_util_hot(repo)
    git(repo, "commit", "-q", "-am", "hot")
    out = tmp_path / "comment.md"
    proc = goport(
        repo,
        tmp_path / "c",
        "scan",
        ".",
        "--diff-base",
        "main",
        "--fail-on-new",
        "10",
        "--format",
        "markdown",
        "--output",
        str(out),
    )
    assert proc.returncode == 1
    text = out.read_text()
    assert "What this change did to the ranking" in text
    row = next(line for line in text.splitlines() if line.startswith("| `app/util.py` |"))
    before, after = (float(cell) for cell in row.split("|")[2:4])
    assert before < 10 <= after
    assert "crossed 10" in row and " -> 1 " in row
    assert "**Gate tripped:**" in text


def test_annotations_name_files_from_the_repository_root(repo: Path, tmp_path: Path) -> None:
    proc = goport(repo / "app", tmp_path / "c", "scan", ".", "--format", "github")
    assert proc.returncode == 0, proc.stderr
    files = {
        part.split("=", 1)[1]
        for line in proc.stdout.splitlines()
        if line.startswith("::")
        for part in line.split("::")[1].split(" ", 1)[1].split(",")
        if part.startswith("file=")
    }
    assert files and all(f.startswith("app/") for f in files), files


def test_shallow_clone_leaves_churn_out(repo: Path, tmp_path: Path) -> None:
    for i in range(3):
        (repo / "app" / "util.py").write_text(f"def add(a, b):\n    return a + b + {i}\n")
        git(repo, "commit", "-q", "-am", f"c{i}")
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo}", str(clone)], check=True)
    from goport.history import read

    full = read(repo)
    assert full.files["app/util.py"].commits == 4 and full.note is None
    shallow = read(clone)
    assert shallow.files == {} and shallow.note is not None and "shallow" in shallow.note


def test_a_repository_that_is_itself_a_package_compares_like_with_like(tmp_path: Path) -> None:
    # the scanned root holds __init__.py: base and head must name modules alike (``repo.util``)
    # or the base's ``from .util import ...`` in __init__.py links nothing, and a comment-only
    # change looks like a score change
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "__init__.py").write_text(
        "from .util import checksum\n\n\ndef run(rows):\n    return [checksum(r) for r in rows]\n"
    )
    (repo / "util.py").write_text(KERNEL)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "base")
    (repo / "util.py").write_text("# a comment only\n" + KERNEL)
    doc, proc = scan_json(repo, tmp_path / "c", "--diff-base", "main")
    assert proc.returncode == 0, proc.stderr
    util = next(c for c in doc["candidates"] if c["path"] == "util.py")
    assert (util["module"], util["boundary"]["imported_by"]) == ("repo.util", ["repo"])
    assert doc["diff"]["changed"] == ["util.py"]
    assert doc["diff"]["deltas"] == []  # nothing moved


def test_namespace_packages_are_named_alike_in_the_base_revision(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "acme" / "kern").mkdir(parents=True)  # acme/: a namespace, no __init__.py
    (repo / "acme" / "kern" / "__init__.py").write_text(
        "from acme.kern.util import checksum\n\n\ndef run(rows):\n"
        "    return [checksum(r) for r in rows]\n"
    )
    (repo / "acme" / "kern" / "util.py").write_text(KERNEL)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "base")
    (repo / "acme" / "kern" / "util.py").write_text("# a comment only\n" + KERNEL)
    doc, proc = scan_json(repo, tmp_path / "c", "--diff-base", "main")
    assert proc.returncode == 0, proc.stderr
    util = next(c for c in doc["candidates"] if c["path"] == "acme/kern/util.py")
    assert (util["module"], util["boundary"]["imported_by"]) == ("acme.kern.util", ["acme.kern"])
    assert doc["diff"]["deltas"] == []
