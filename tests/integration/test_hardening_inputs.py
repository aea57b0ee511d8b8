"""Hostile settings and input files through the real CLI: a clear one-line error (exit 2) naming
the file, or a bounded per-file error, never an ``internal error`` or a hang.

Covers the config and baseline readers, ``--select``/``--ignore``, ``--jobs``, ``explain`` of a
file outside the root and the file too large to analyse."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from goport.config import Config, available_cores
from goport.detectors import RULE_IDS
from goport.detectors.registry import REGISTRY

Goport = Callable[..., subprocess.CompletedProcess[str]]

GOOD = "def f(xs):\n    t = 0\n    for x in xs:\n        t += x * x\n    return t\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    root.mkdir()
    (root / "good.py").write_text(GOOD, encoding="utf-8")
    return root


def _one_clear_line(proc: subprocess.CompletedProcess[str], *needles: str) -> str:
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("goport: error: ") and "internal error" not in lines[0]
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


@pytest.mark.parametrize(
    ("table", "needles"),
    [
        ("[tool.goport]\nweights = {cpu = nan}\n", ("weight 'cpu'", "nan")),
        ("[tool.goport]\nweights = {cpu = inf}\n", ("weight 'cpu'", "inf")),
        ("[tool.goport]\nweights = {churn = -1}\n", ("weight 'churn'",)),
        ("[tool.goport]\nmax-file-size = 9223372036854775808\n", ("max-file-size",)),
        ("[tool.goport]\nmin-score = nan\n", ("min-score",)),
        ("[tool.goport]\nfail-on = inf\n", ("fail-on",)),
        ('[tool.goport]\nselect = ["GP9"]\n', ("select", "'GP9'")),
        ('[tool.goport]\nignore = ["XY1"]\n', ("ignore", "'XY1'")),
        ('[tool.goport]\nselect = [""]\n', ("select",)),
        ("a = " + "[" * 5000 + "]" * 5000 + "\n", ("nested too deeply",)),
    ],
)
def test_bad_settings_are_one_clear_line(
    project: Path, goport: Goport, cache_dir: Path, table: str, needles: tuple[str, ...]
) -> None:
    (project / "pyproject.toml").write_text(table, encoding="utf-8")
    proc = goport("scan", project, "--cache-dir", cache_dir)
    _one_clear_line(proc, "pyproject.toml", *needles)


def test_weights_in_range_still_rank(project: Path, goport: Goport, cache_dir: Path) -> None:
    (project / "pyproject.toml").write_text(
        "[tool.goport]\nweights = {cpu = 2.5, churn = 0}\n", encoding="utf-8"
    )
    proc = goport("scan", project, "--cache-dir", cache_dir, "-f", "json")
    assert proc.returncode == 0, proc.stderr
    assert [c["path"] for c in json.loads(proc.stdout)["candidates"]] == ["good.py"]


def test_pyproject_with_invalid_utf8(project: Path, goport: Goport, cache_dir: Path) -> None:
    (project / "pyproject.toml").write_bytes(b"[tool.goport]\ntop = 3 # \xff\xfe\n")
    proc = goport("scan", project, "--cache-dir", cache_dir)
    _one_clear_line(proc, "pyproject.toml", "UTF-8", "--no-config")


def test_pyproject_fifo_does_not_hang(project: Path, goport: Goport, cache_dir: Path) -> None:
    os.mkfifo(project / "pyproject.toml")
    proc = goport("scan", project, "--cache-dir", cache_dir)
    _one_clear_line(proc, "pyproject.toml", "FIFO")


def test_pyproject_linked_out_of_the_tree_is_not_read(
    project: Path, tmp_path: Path, goport: Goport, cache_dir: Path
) -> None:
    outside = tmp_path / "elsewhere.toml"
    outside.write_text("[tool.goport]\ntop = 1\n", encoding="utf-8")
    (project / "pyproject.toml").symlink_to(outside)
    proc = goport("scan", project, "--cache-dir", cache_dir)
    _one_clear_line(proc, "pyproject.toml", "out of the scanned folder")
    assert goport("scan", project, "--cache-dir", cache_dir, "--no-config").returncode == 0


@pytest.mark.parametrize("flag", ["--select", "--ignore"])
@pytest.mark.parametrize("value", ["GP9", "GP1000", "XYZ", "GP10O"])
def test_unknown_rule_selectors_on_the_command_line(
    project: Path, goport: Goport, cache_dir: Path, flag: str, value: str
) -> None:
    proc = goport("scan", project, "--cache-dir", cache_dir, flag, value)
    _one_clear_line(proc, flag, repr(value.upper()), "goport rules")


def test_selector_suggests_the_close_rule(project: Path, goport: Goport, cache_dir: Path) -> None:
    proc = goport("scan", project, "--cache-dir", cache_dir, "--select", "GP1077")
    _one_clear_line(proc, "did you mean GP107")


@pytest.mark.parametrize("value", ["GP", "gp1", "GP107", "GP5"])
def test_known_prefixes_and_ids_are_accepted(
    project: Path, goport: Goport, cache_dir: Path, value: str
) -> None:
    proc = goport("scan", project, "--cache-dir", cache_dir, "--select", value)
    assert proc.returncode == 0, proc.stderr


def test_rule_ids_table_matches_the_registry() -> None:
    assert RULE_IDS == tuple(d.ID for d in REGISTRY)


def test_jobs_are_capped_at_the_usable_cores(tmp_path: Path) -> None:
    cores = available_cores()
    assert Config(root=tmp_path, jobs=10_000).effective_jobs == cores
    assert Config(root=tmp_path, jobs=0).effective_jobs == cores
    assert Config(root=tmp_path, jobs=1).effective_jobs == 1


def test_huge_jobs_flag_starts_no_more_workers_than_cores(
    tmp_path: Path, goport: Goport, cache_dir: Path
) -> None:
    """``--jobs 10000`` with many files: count the worker processes the scan really started."""
    root = tmp_path / "many"
    root.mkdir()
    for i in range(40):
        (root / f"m{i}.py").write_text(GOOD.replace("f(", f"f{i}("), encoding="utf-8")
    probe = tmp_path / "sitecustomize_dir"
    probe.mkdir()
    # every Python process started with this PYTHONPATH appends its pid to a file
    (probe / "sitecustomize.py").write_text(
        "import os\n"
        f"with open({str(tmp_path / 'pids')!r}, 'a') as f:\n"
        "    f.write(f'{os.getpid()}\\n')\n",
        encoding="utf-8",
    )
    proc = goport(
        "scan", root, "--no-cache", "--jobs", "10000", "-q", env={"PYTHONPATH": str(probe)}
    )
    assert proc.returncode == 0, proc.stderr
    pids = set((tmp_path / "pids").read_text().split())
    # the CLI itself, the forkserver, and at most one worker per core
    assert 2 <= len(pids) <= 2 + available_cores(), pids


def _baseline(entry: str) -> str:
    return '{"format": "goport-baseline", "version": 1, "modules": {"a.py": ' + entry + "}}"


@pytest.mark.parametrize(
    ("content", "needles"),
    [
        (_baseline('{"score": "nan", "fingerprints": []}'), ("score",)),
        (_baseline('{"score": NaN, "fingerprints": []}'), ("NaN",)),
        (_baseline('{"score": 1e400, "fingerprints": []}'), ("score",)),
        (_baseline('{"score": 10, "fingerprints": "abc"}'), ("fingerprints",)),
        (_baseline('{"score": 10, "fingerprints": [1, 2]}'), ("fingerprints",)),
        (_baseline("7"), ("entry",)),
        # an explicit id: the default one would be the whole document, and pytest puts the id
        # in PYTEST_CURRENT_TEST, an environment string too long to start a subprocess with
        pytest.param("[" * 100_000 + "]" * 100_000, ("baseline",), id="deeply-nested"),
        ("", ("baseline",)),
    ],
)
def test_bad_baselines_are_one_clear_line(
    project: Path, tmp_path: Path, goport: Goport, cache_dir: Path, content: str,
    needles: tuple[str, ...],
) -> None:  # fmt: skip
    baseline = tmp_path / "base.json"
    baseline.write_text(content, encoding="utf-8")
    proc = goport("scan", project, "--cache-dir", cache_dir, "--baseline", baseline)
    _one_clear_line(proc, "base.json", *needles)


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "folder"])
def test_special_baseline_files_do_not_hang(
    project: Path, tmp_path: Path, goport: Goport, cache_dir: Path, kind: str
) -> None:
    baseline = tmp_path / "base.json"
    if kind == "fifo":
        os.mkfifo(baseline)
    elif kind == "dev-zero":
        baseline.symlink_to("/dev/zero")
    else:
        baseline.mkdir()
    proc = goport("scan", project, "--cache-dir", cache_dir, "--baseline", baseline)
    _one_clear_line(proc, "base.json", "not a regular file")


def test_explain_of_a_file_outside_the_root(
    project: Path, tmp_path: Path, goport: Goport, cache_dir: Path
) -> None:
    other = tmp_path / "other.py"
    other.write_text(GOOD, encoding="utf-8")
    proc = goport("explain", other, "--root", project, "--cache-dir", cache_dir)
    _one_clear_line(proc, "other.py", "outside the project root")


def test_one_line_table_is_skipped_before_libcst(
    project: Path, goport: Goport, cache_dir: Path
) -> None:
    """A file that is one huge literal (about 2x goport's node budget) is listed as not
    analysed, with the reason, instead of costing libcst minutes and gigabytes."""
    (project / "table.py").write_text("T = [" + "1," * 320_000 + "]\n", encoding="utf-8")
    proc = goport("scan", project, "--cache-dir", cache_dir, "-f", "json", "--no-history")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    [error] = [e for e in doc["errors"] if e["path"] == "table.py"]
    assert "syntax nodes" in error["message"] and "generated table" in error["message"]
    assert [c["path"] for c in doc["candidates"]] == ["good.py"]
