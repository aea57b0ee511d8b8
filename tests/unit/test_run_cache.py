"""The run cache: a tree that has not changed gets its whole ranking from one entry.

What matters is that it never changes an answer: a warm scan prints exactly what a cold one
prints, before and after an edit, for every setting the ranking reads; and that the entry is as
untrusted as a per-file one (MAC'd with the user's secret, data only).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from goport import analysis, serial
from goport.analysis import read_sources
from goport.cache import _MAGIC, KEY_FILE, Cache, _checksum, default_dir
from goport.config import Config, load
from goport.discover import discover
from goport.model import AnalysisError, RunResult
from goport.pipeline import ranking_settings, run
from goport.sources import digest_bytes

Goport = Callable[..., subprocess.CompletedProcess[str]]

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"

EDIT = (
    "\n\ndef mix(values):\n"
    "    total = 0\n"
    "    for v in values:\n"
    "        for w in values:\n"
    "            total ^= (v * 31 + w) & 0xFFFF\n"
    "    return total\n"
)


def _demo(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    shutil.copytree(FIXTURES / "demo_service", root)
    return root


def _runs(cache: Path) -> list[Path]:
    return sorted(cache.rglob("*.run"))


def _entries(cache: Path) -> list[Path]:
    return sorted(cache.rglob("*.entry"))


def test_cli_warm_json_is_the_cold_json_before_and_after_an_edit(
    tmp_path: Path, goport: Goport
) -> None:
    root = _demo(tmp_path)
    cache = tmp_path / "cache"
    args = ("scan", root, "--format", "json", "--cache-dir", cache, "--no-history")

    cold = goport(*args)
    assert cold.returncode == 0, cold.stderr
    assert len(_runs(cache)) == 1
    for entry in _entries(cache):  # from now on, only the run entry can answer for the tree
        entry.unlink()
    warm = goport(*args)

    assert warm.returncode == 0, warm.stderr
    assert warm.stdout == cold.stdout
    assert _entries(cache) == []  # nothing was analysed again

    tokenizer = root / "demo_service" / "tokenizer.py"
    tokenizer.write_text(tokenizer.read_text(encoding="utf-8") + EDIT, encoding="utf-8")
    edited = goport(*args)
    again = goport(*args)  # the run entry of the edited tree
    fresh = goport("scan", root, "--format", "json", "--no-cache", "--no-history")

    assert (edited.returncode, again.returncode, fresh.returncode) == (0, 0, 0), edited.stderr
    assert edited.stdout == fresh.stdout
    assert again.stdout == fresh.stdout
    assert edited.stdout != cold.stdout  # the edit did change the report
    assert (edited.stderr, again.stderr) == ("", "")  # the older tree's entry: a quiet miss
    assert len(_runs(cache)) == 1  # one slot per scanned folder, rewritten


def _cold(root: Path, **settings: object) -> RunResult:
    return run(load(root, {"use_cache": False, "history": False, **settings}))


def _same(warm: RunResult, cold: RunResult) -> bool:
    """Equal results, the whole ranking included; cache hits aside."""
    hits = replace(warm, summary=replace(warm.summary, cache_hits=cold.summary.cache_hits))
    return hits == cold and warm.ranking == cold.ranking


@pytest.mark.parametrize(
    "settings",
    [
        {"select": ("GP1",)},
        {"ignore": ("GP101",)},
        {"weights": ("cpu-bound=0.1",)},
        {"include": ("benchmarks",)},
        {"max_file_size": 2000},
    ],
    ids=["select", "ignore", "weights", "include", "max-file-size"],
)
def test_a_setting_the_ranking_reads_is_a_run_miss(
    tmp_path: Path, settings: dict[str, object]
) -> None:
    root = _demo(tmp_path)
    (root / "benchmarks").mkdir()
    (root / "benchmarks" / "bench_mix.py").write_text(EDIT, encoding="utf-8")
    cache = {"cache_dir": tmp_path / "cache", "history": False}
    before = run(load(root, cache))

    changed = run(load(root, {**cache, **settings}))

    assert changed.modules, "the ranking should have been made again, not read"
    assert _same(changed, _cold(root, **settings))
    assert not _same(changed, before)  # the setting does change the answer


def test_filters_applied_after_ranking_share_the_run_entry(tmp_path: Path) -> None:
    root = _demo(tmp_path)
    cache = {"cache_dir": tmp_path / "cache", "history": False}
    full = run(load(root, cache))
    named = root / "demo_service" / "tokenizer.py"

    top = run(load(root, {**cache, "top": 2, "min_score": 1.0}))
    only = run(load(root, {**cache, "paths": (named,)}))

    assert full.modules and top.modules == () and only.modules == ()  # both read the entry
    assert _same(top, _cold(root, top=2, min_score=1.0))
    assert _same(only, _cold(root, paths=(named,)))
    assert [c.rel_path for c in only.candidates] == ["demo_service/tokenizer.py"]


def _secret() -> bytes:
    return (default_dir() / KEY_FILE).read_bytes()


def _run_key(root: Path, config: Config) -> str:
    """The key a scan of ``root`` writes its run entry under: anyone can compute it."""
    found = discover(root)
    sources, _ = read_sources(found.files, config, found.root)
    files = [(digest_bytes(data), source) for source, data in sources]
    assert config.cache_dir is not None
    cache = Cache(config.cache_dir, config.extraction_digest())
    settings = ranking_settings(config, {})
    return cache.run_key(files, slot=f"{found.root}\0tree", settings=settings).key


def _doctored(entry: Path) -> bytes:
    """The payload of a run entry with its ranking reversed: what a forger would want read."""
    tree = serial.loads_run(entry.read_bytes().split(b"\n", 1)[1])
    reversed_ranking = replace(tree.ranking, candidates=tree.ranking.candidates[::-1])
    return serial.dumps(replace(tree, ranking=reversed_ranking))


@pytest.mark.parametrize(
    ("secret", "forged_is_used"),
    [
        pytest.param(lambda: b"k" * 32, False, id="another-key"),
        pytest.param(_secret, True, id="control"),
    ],
)
def test_a_forged_run_entry_is_a_miss(
    tmp_path: Path, secret: Callable[[], bytes], forged_is_used: bool
) -> None:
    root = _demo(tmp_path)
    config = load(root, {"cache_dir": tmp_path / "cache", "history": False})
    cold = run(config)
    [entry] = _runs(tmp_path / "cache")
    hexkey = _run_key(root, config)
    header, body = entry.read_bytes().split(b"\n", 1)
    assert header == _MAGIC + _checksum(_secret(), hexkey, body), "the key the pipeline used"
    payload = _doctored(entry)
    entry.write_bytes(_MAGIC + _checksum(secret(), hexkey, payload) + b"\n" + payload)

    warm = run(config)

    rel = [c.rel_path for c in cold.candidates]
    if forged_is_used:  # the forgery itself is right: only the key stops it
        assert [c.rel_path for c in warm.candidates] == rel[::-1]
        return
    assert [c.rel_path for c in warm.candidates] == rel
    assert warm.modules, "a miss: the tree was ranked again"
    assert entry.read_bytes().split(b"\n", 1)[1] != payload  # and its entry rewritten


def test_a_run_hit_records_a_use_of_the_tree_s_file_entries(tmp_path: Path) -> None:
    root = _demo(tmp_path)
    config = load(root, {"cache_dir": tmp_path / "cache", "history": False})
    run(config)
    long_ago = time.time_ns() - 3 * 86400 * 10**9
    written = {}
    for entry in [*_entries(tmp_path / "cache"), *_runs(tmp_path / "cache")]:
        written[entry] = entry.stat().st_mtime_ns
        os.utime(entry, ns=(long_ago, written[entry]))

    assert run(config).modules == ()  # a run hit: no file entry was read
    assert run(config).modules == ()  # again within the hour: nothing to record

    for entry, mtime in written.items():
        info = entry.stat()
        assert info.st_atime_ns > long_ago + 86400 * 10**9, entry  # used just now
        assert info.st_mtime_ns == mtime  # not rewritten


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=repo,
        capture_output=True,
        check=True,
    )


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_cli_diff_mode_keeps_the_base_and_the_tree_apart(tmp_path: Path, goport: Goport) -> None:
    root = _demo(tmp_path)
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", ".")
    _git(root, "commit", "-q", "-m", "base")
    tokenizer = root / "demo_service" / "tokenizer.py"
    tokenizer.write_text(tokenizer.read_text(encoding="utf-8") + EDIT, encoding="utf-8")
    cache = tmp_path / "cache"
    args = ("scan", root, "--format", "json", "--no-history", "--diff-base", "main")

    first = goport(*args, "--cache-dir", cache)
    second = goport(*args, "--cache-dir", cache)
    fresh = goport(*args, "--no-cache")

    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout == fresh.stdout
    assert len(_runs(cache)) == 2  # the base tree and the working tree, each in its slot


def test_a_file_whose_worker_died_is_neither_cached_nor_ranked_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker killed for memory or interrupted says nothing about the file: the next run
    analyses it again instead of reading "crashed" from the cache for ever."""
    root = _demo(tmp_path)
    config = load(root, {"cache_dir": tmp_path / "cache", "history": False})

    def dead(jobs: Sequence[Any], *args: object) -> list[AnalysisError]:
        return [AnalysisError(job.source.rel_path, "parse", analysis._CRASHED) for job in jobs]

    with monkeypatch.context() as patch:
        patch.setattr(analysis, "_run_jobs", dead)
        crashed = run(config)
    healthy = run(config)

    assert crashed.summary.errors == crashed.summary.files_discovered > 0
    assert healthy.summary.errors == 0 and healthy.summary.cache_hits == 0
    assert _same(healthy, _cold(root))


def test_a_warm_run_gives_the_facts_to_commands_that_read_them(tmp_path: Path) -> None:
    """``goport plan`` and ``explain`` read ``RunResult.modules``: a run answered from the run
    cache leaves them out unless asked, and gives the cold run's facts when asked."""
    root = _demo(tmp_path)
    settings = {"cache_dir": tmp_path / "cache", "history": False}
    cold = run(load(root, settings))
    assert cold.modules
    warm = run(load(root, settings))
    assert warm.modules == () and warm.ranking == cold.ranking  # the run entry answered
    asked = run(load(root, settings), with_facts=True)
    assert asked.modules == cold.modules and asked.ranking == cold.ranking


def test_the_plan_is_the_same_cold_and_warm(tmp_path: Path) -> None:
    from goport.roadmap.cli import make_plan
    from goport.roadmap.render import render_json

    root = _demo(tmp_path)
    settings = {"cache_dir": tmp_path / "cache", "history": False}
    config = load(root, settings)
    cold = render_json(make_plan(run(config, with_facts=True), config))
    run(config)  # the run entry is there now
    warm = render_json(make_plan(run(config, with_facts=True), config))
    assert warm == cold and '"steps"' in cold
