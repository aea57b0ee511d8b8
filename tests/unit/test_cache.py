"""The per-file cache: real ModuleFacts in a real folder, and warm runs through the real CLI."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from goport.cache import Cache
from goport.config import load
from goport.extract import digest_bytes, extract
from goport.model import AnalysisError, ModuleFacts, SourceFile
from goport.pipeline import run

HOT = (
    "import math\n"
    "\n"
    "def pairs(xs, ys):\n"
    "    total = 0\n"
    "    for a in xs:\n"
    "        for b in ys:\n"
    "            total += math.sqrt(a * b)\n"
    "    return total\n"
)

Goport = Callable[..., subprocess.CompletedProcess[str]]


def _facts(tmp_path: Path, text: str = HOT, rel: str = "pkg/hot.py") -> tuple[ModuleFacts, str]:
    path = tmp_path / "src" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    data = path.read_bytes()
    digest = digest_bytes(data)
    source = SourceFile(rel_path=rel, abs_path=str(path), module=rel[:-3].replace("/", "."))
    return extract(source, data, digest), digest


def _src(rel: str) -> SourceFile:
    return SourceFile(rel_path=rel, abs_path=rel, module=rel[:-3].replace("/", "."))


def _entries(directory: Path) -> list[Path]:
    return sorted(directory.rglob("*.pickle"))


# -- Cache itself --------------------------------------------------------------------------------


def test_round_trip_of_real_module_facts(tmp_path: Path) -> None:
    facts, digest = _facts(tmp_path)
    assert any(f.rule == "GP101" for f in facts.findings)  # a non-trivial value

    Cache(tmp_path / "cache", "cfg").put(digest, _src(facts.rel_path), facts)
    fresh = Cache(tmp_path / "cache", "cfg")  # a new run: nothing kept in memory
    got = fresh.get(digest, _src(facts.rel_path))

    assert got == facts
    assert isinstance(got, ModuleFacts)
    assert (fresh.hits, fresh.misses) == (1, 0)
    assert len(_entries(tmp_path / "cache")) == 1


def test_round_trip_of_an_analysis_error(tmp_path: Path) -> None:
    error = AnalysisError("bad.py", "parse", "syntax error at line 1")
    Cache(tmp_path / "cache", "cfg").put("d" * 32, _src("bad.py"), error)
    assert Cache(tmp_path / "cache", "cfg").get("d" * 32, _src("bad.py")) == error


def test_empty_cache_is_a_miss(tmp_path: Path) -> None:
    cache = Cache(tmp_path / "cache", "cfg")
    assert cache.get("0" * 32, _src("a.py")) is None
    assert (cache.hits, cache.misses) == (0, 1)


@pytest.mark.parametrize(
    ("digest_suffix", "rel_path", "config_digest"),
    [
        pytest.param("x", None, "cfg", id="other-content-digest"),
        pytest.param("", "pkg/other.py", "cfg", id="other-rel-path"),
        pytest.param("", None, "other-cfg", id="other-config-digest"),
    ],
)
def test_a_different_key_is_a_miss(
    tmp_path: Path, digest_suffix: str, rel_path: str | None, config_digest: str
) -> None:
    facts, digest = _facts(tmp_path)
    Cache(tmp_path / "cache", "cfg").put(digest, _src(facts.rel_path), facts)
    cache = Cache(tmp_path / "cache", config_digest)
    assert cache.get(digest + digest_suffix, _src(rel_path or facts.rel_path)) is None
    assert (cache.hits, cache.misses) == (0, 1)


@pytest.mark.parametrize(
    "garbage",
    [
        pytest.param(b"", id="empty-file"),
        pytest.param(b"not a pickle at all\n", id="text"),
        pytest.param(b"\x80\x05\x95", id="truncated-pickle"),
        pytest.param(pickle.dumps({"rel_path": "pkg/hot.py"}), id="foreign-object"),
    ],
)
def test_corrupt_entry_is_a_miss(tmp_path: Path, garbage: bytes) -> None:
    facts, digest = _facts(tmp_path)
    Cache(tmp_path / "cache", "cfg").put(digest, _src(facts.rel_path), facts)
    [entry] = _entries(tmp_path / "cache")
    entry.write_bytes(garbage)

    cache = Cache(tmp_path / "cache", "cfg")
    assert cache.get(digest, _src(facts.rel_path)) is None
    assert (cache.hits, cache.misses) == (0, 1)
    # and a later put repairs it
    cache.put(digest, _src(facts.rel_path), facts)
    assert Cache(tmp_path / "cache", "cfg").get(digest, _src(facts.rel_path)) == facts


def test_unwritable_cache_dir_disables_the_cache_without_raising(tmp_path: Path) -> None:
    # a regular file where the cache folder should be: mkdir fails even for root
    blocker = tmp_path / "cache"
    blocker.write_text("I am a file\n")
    facts, digest = _facts(tmp_path)

    cache = Cache(blocker / "sub", "cfg")
    cache.put(digest, _src(facts.rel_path), facts)  # must not raise

    assert cache.enabled is False
    assert cache.get(digest, _src(facts.rel_path)) is None
    assert blocker.read_text() == "I am a file\n"


@pytest.mark.skipif(
    os.name != "posix" or os.geteuid() == 0, reason="root ignores folder permissions"
)
def test_read_only_cache_dir_disables_the_cache_without_raising(tmp_path: Path) -> None:
    directory = tmp_path / "cache"
    directory.mkdir()
    directory.chmod(0o500)
    try:
        facts, digest = _facts(tmp_path)
        cache = Cache(directory, "cfg")
        cache.put(digest, _src(facts.rel_path), facts)
        assert cache.enabled is False
    finally:
        directory.chmod(0o700)


# -- through the pipeline and the CLI ------------------------------------------------------------


def _project(root: Path) -> Path:
    files = {
        "pkg/__init__.py": "",
        "pkg/hot.py": HOT,
        "pkg/glue.py": "from pkg.hot import pairs\n\ndef main():\n    return pairs([1], [2])\n",
        "broken.py": "def f(:\n",
        "tests/test_hot.py": "from pkg.hot import pairs\n\ndef test_pairs():\n    assert pairs([1], [1]) == 1\n",
    }
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_warm_run_hits_the_cache_for_every_file_and_gives_the_same_result(tmp_path: Path) -> None:
    root = _project(tmp_path / "proj")
    config = load(root, {"cache_dir": tmp_path / "cache", "history": False})

    cold = run(config)
    warm = run(config)

    assert cold.summary.cache_hits == 0
    assert warm.summary.cache_hits == cold.summary.files_discovered == 5
    assert replace(warm, summary=replace(warm.summary, cache_hits=0)) == cold
    assert [e.rel_path for e in warm.errors] == ["broken.py"]  # errors are cached too
    assert _entries(tmp_path / "cache")


def test_no_cache_neither_reads_nor_writes(tmp_path: Path) -> None:
    root = _project(tmp_path / "proj")
    config = load(root, {"cache_dir": tmp_path / "cache", "history": False, "use_cache": False})
    run(config)
    second = run(config)
    assert second.summary.cache_hits == 0
    assert not (tmp_path / "cache").exists()


def test_changed_content_is_reanalysed(tmp_path: Path) -> None:
    root = _project(tmp_path / "proj")
    config = load(root, {"cache_dir": tmp_path / "cache", "history": False})
    run(config)
    (root / "pkg" / "hot.py").write_text("def pairs(xs, ys):\n    return 0\n", encoding="utf-8")

    warm = run(config)

    assert warm.summary.cache_hits == 4
    hot = next(c for c in warm.candidates if c.rel_path == "pkg/hot.py")
    assert not [f for f in hot.findings if f.rule == "GP101"]


def test_cached_module_name_follows_a_new_init_file(tmp_path: Path) -> None:
    """Adding ``__init__.py`` changes a file's module name although its bytes and path do not."""
    root = tmp_path / "proj"
    (root / "app").mkdir(parents=True)
    (root / "app" / "mod.py").write_text(HOT, encoding="utf-8")
    config = load(root, {"cache_dir": tmp_path / "cache", "history": False})
    [before] = run(config).candidates
    assert before.module == "mod"

    (root / "app" / "__init__.py").write_text("", encoding="utf-8")
    warm = {c.rel_path: c.module for c in run(config).candidates}
    cold = {
        c.rel_path: c.module
        for c in run(load(root, {"use_cache": False, "history": False})).candidates
    }

    assert cold["app/mod.py"] == "app.mod"
    assert warm == cold


def test_cli_warm_scan_prints_the_same_json_as_the_cold_one(tmp_path: Path, goport: Goport) -> None:
    root = _project(tmp_path / "proj")
    cache = tmp_path / "cache"
    args = ("scan", root, "--format", "json", "--cache-dir", cache, "--no-history")

    cold = goport(*args)
    assert cold.returncode == 0, cold.stderr
    entries = _entries(cache)
    assert entries, "the cold run should fill the cache"
    mtimes = {p: p.stat().st_mtime_ns for p in entries}

    warm = goport(*args)
    assert warm.returncode == 0, warm.stderr

    assert json.loads(warm.stdout) == json.loads(cold.stdout)
    assert warm.stdout == cold.stdout  # byte-identical: the format is deterministic
    assert {p: p.stat().st_mtime_ns for p in _entries(cache)} == mtimes  # nothing rewritten


def test_cli_scan_with_an_unusable_cache_dir_still_succeeds(tmp_path: Path, goport: Goport) -> None:
    root = _project(tmp_path / "proj")
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    result = goport("scan", root, "--format", "json", "--cache-dir", blocker, "--no-history")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert {c["path"] for c in json.loads(result.stdout)["candidates"]} >= {
        "pkg/hot.py",
        "pkg/glue.py",
    }
