"""The cache folder as a whole: where it is, its size cap and LRU eviction, ``goport cache``.

Real folders and real scans; the folder is untrusted, so clean and eviction are checked against
links planted in it and files that are not entries.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from goport import __version__, cachedir
from goport.cache import FORMAT, KEY_FILE
from goport.config import load
from goport.errors import ConfigError
from goport.pipeline import run

Goport = Callable[..., subprocess.CompletedProcess[str]]

HOT = "def pairs(xs, ys):\n    t = 0\n    for a in xs:\n        for b in ys:\n            t += a * b\n    return t\n"
VERSION = f"v{__version__}-json{FORMAT}"
DAY_NS = 86400 * 10**9


def _project(root: Path) -> Path:
    for rel, text in {
        "pkg/__init__.py": "",
        "pkg/hot.py": HOT,
        "pkg/glue.py": "from pkg.hot import pairs\n\ndef main():\n    return pairs([1], [2])\n",
    }.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def _entries(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.suffix in (".entry", ".run"))


def _fake_entry(folder: Path, n: int, size: int, age_days: float, version: str = VERSION) -> Path:
    """An entry file of ``size`` bytes last used ``age_days`` ago (eviction never reads it)."""
    name = f"{n:040x}"
    path = folder / version / name[:2] / f"{name}.entry"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x" * size)
    when = time.time_ns() - int(age_days * DAY_NS)
    os.utime(path, ns=(when, when))
    return path


# -- where the folder is ---------------------------------------------------------------------------


def test_the_flag_wins_over_the_environment_which_wins_over_the_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(cachedir.DIR_ENV, raising=False)
    assert cachedir.resolve_dir(None) == cachedir.default_dir()
    monkeypatch.setenv(cachedir.DIR_ENV, str(tmp_path / "env"))
    assert cachedir.resolve_dir(None) == tmp_path / "env"
    assert cachedir.resolve_dir(tmp_path / "flag") == tmp_path / "flag"
    monkeypatch.setenv(cachedir.DIR_ENV, "  ")  # set but empty: as if unset
    assert cachedir.resolve_dir(None) == cachedir.default_dir()


def test_cli_scan_writes_where_the_environment_says(tmp_path: Path, goport: Goport) -> None:
    root = _project(tmp_path / "proj")
    env_dir, flag_dir = tmp_path / "env-cache", tmp_path / "flag-cache"
    env = {cachedir.DIR_ENV: str(env_dir)}

    by_env = goport("scan", root, "--format", "json", "--no-history", env=env)
    by_flag = goport("scan", root, "-f", "json", "--no-history", "--cache-dir", flag_dir, env=env)

    assert (by_env.returncode, by_flag.returncode) == (0, 0), by_env.stderr + by_flag.stderr
    assert len([p for p in _entries(env_dir) if p.suffix == ".entry"]) == 3
    assert len([p for p in _entries(flag_dir) if p.suffix == ".entry"]) == 3


def test_cli_cache_dir_prints_the_folder_scans_use(tmp_path: Path, goport: Goport) -> None:
    env = {cachedir.DIR_ENV: str(tmp_path / "env")}
    assert goport("cache", "dir", env=env).stdout == f"{tmp_path / 'env'}\n"
    flag = goport("cache", "dir", "--cache-dir", tmp_path / "flag", env=env)
    assert flag.stdout == f"{tmp_path / 'flag'}\n"
    default = goport("cache", "dir")
    assert default.returncode == 0
    assert Path(default.stdout.strip()).name == "goport"


# -- the cap -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("100000", 100000),
        ("256M", 256 * 2**20),
        ("256MB", 256 * 2**20),
        ("500MiB", 500 * 2**20),
        ("1.5g", 3 * 2**29),
        ("64k", 64 * 1024),
        ("0", 0),
    ],
)
def test_sizes_are_read_in_binary_units(text: str, size: int) -> None:
    assert cachedir.parse_size(text) == size


def test_a_bad_cap_is_a_config_error_that_names_the_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(cachedir.SIZE_ENV, "lots")
    with pytest.raises(ConfigError, match="GOPORT_CACHE_MAX_SIZE='lots' is not a size"):
        cachedir.max_size()
    monkeypatch.delenv(cachedir.SIZE_ENV)
    assert cachedir.max_size() == cachedir.DEFAULT_MAX_SIZE


def test_cli_a_bad_cap_is_exit_2_in_one_line(tmp_path: Path, goport: Goport) -> None:
    root = _project(tmp_path / "proj")
    result = goport("scan", root, "--cache-dir", tmp_path / "c", env={cachedir.SIZE_ENV: "-5"})
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "GOPORT_CACHE_MAX_SIZE" in result.stderr
    assert "Traceback" not in result.stderr


def test_trim_evicts_the_least_recently_used_entries_first(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    old = [_fake_entry(folder, i, 1000, age_days=30 - i) for i in range(5)]  # oldest first
    new = [_fake_entry(folder, 100 + i, 1000, age_days=0.01) for i in range(3)]
    older_version = _fake_entry(folder, 200, 1000, age_days=1, version="v0.0.9-json1")
    keeper = folder / KEY_FILE  # the secret key, a README: not entries
    keeper.write_bytes(b"k" * 32)
    (folder / VERSION / "README").write_text("not an entry")
    os.utime(keeper, ns=(0, 0))

    removed, freed = cachedir.trim(folder, cap=5000)  # 9000 bytes: down to 4000

    assert (removed, freed) == (5, 5000)
    assert not any(p.exists() for p in old)
    assert all(p.exists() for p in new) and older_version.exists()
    assert keeper.exists() and (folder / VERSION / "README").exists()
    assert cachedir.trim(folder, cap=5000) == (0, 0)  # under the cap: nothing to do
    assert cachedir.trim(folder, cap=0) == (0, 0)  # 0: no cap


def test_a_run_lists_the_folder_only_when_its_size_hint_may_be_over_the_cap(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "cache"
    old = [_fake_entry(folder, i, 1000, age_days=10 - i) for i in range(6)]  # 6000 bytes
    hint = folder / cachedir.HINT_FILE
    hint.write_text("1000")  # as measured before those entries came (by another goport)

    assert cachedir.trim(folder, cap=5000, written=500) == (0, 0)  # 1500: not even listed
    assert all(p.exists() for p in old) and hint.read_text() == "1500"

    hint.write_text("4800")
    assert cachedir.trim(folder, cap=5000, written=500) == (2, 2000)  # listed: 6000, to 4000
    assert not old[0].exists() and not old[1].exists() and hint.read_text() == "4000"

    hint.write_text("not a number")  # no hint: listed
    assert cachedir.trim(folder, cap=3000, written=1) == (2, 2000)
    assert hint.read_text() == "2000"


def test_a_scan_over_the_cap_evicts_old_entries_and_keeps_its_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "cache"
    stale = [_fake_entry(folder, i, 50_000, age_days=10 + i) for i in range(20)]  # ~1 MB
    monkeypatch.setenv(cachedir.SIZE_ENV, "600K")
    root = _project(tmp_path / "proj")
    config = load(root, {"cache_dir": folder, "history": False})

    run(config)

    found = cachedir.listing(folder)
    assert found.size <= 600 * 1024
    survivors = [p for p in stale if p.exists()]
    assert 0 < len(survivors) < len(stale)
    # the most recently used of the old ones survive, and all of this run's entries
    assert survivors == stale[: len(survivors)]
    assert run(config).summary.cache_hits == 3


def test_reading_an_entry_records_its_use_without_rewriting_it(tmp_path: Path) -> None:
    root = _project(tmp_path / "proj")
    config = load(root, {"cache_dir": tmp_path / "cache", "history": False, "top": 1})
    run(config)
    runs = [p for p in _entries(tmp_path / "cache") if p.suffix == ".run"]
    for run_entry in runs:  # the file entries must be read: no run entry
        run_entry.unlink()
    long_ago = time.time_ns() - 2 * DAY_NS
    mtimes = {}
    for entry in _entries(tmp_path / "cache"):
        mtimes[entry] = entry.stat().st_mtime_ns
        os.utime(entry, ns=(long_ago, mtimes[entry]))

    assert run(config).summary.cache_hits == 3

    for entry, mtime in mtimes.items():
        assert entry.stat().st_atime_ns > long_ago + DAY_NS
        assert entry.stat().st_mtime_ns == mtime


# -- goport cache info / clean ------------------------------------------------------------------


def _scanned(tmp_path: Path, goport: Goport) -> Path:
    cache = tmp_path / "cache"
    result = goport("scan", _project(tmp_path / "proj"), "--cache-dir", cache, "--no-history")
    assert result.returncode == 0, result.stderr
    return cache


def test_cli_cache_info_counts_entries_size_and_cap(tmp_path: Path, goport: Goport) -> None:
    cache = _scanned(tmp_path, goport)
    _fake_entry(cache, 7, 123, age_days=3, version="v0.0.1")  # an older goport's, pickle era
    files = _entries(cache)

    as_json = goport("cache", "info", "--cache-dir", cache, "--format", "json")
    as_text = goport("cache", "info", "--cache-dir", cache, env={cachedir.SIZE_ENV: "1G"})

    assert as_json.returncode == 0, as_json.stderr
    doc = json.loads(as_json.stdout)
    assert doc["dir"] == str(cache)
    assert doc["entries"] == len(files) == 3 + 1 + 1  # three files, the tree's run, the old one
    assert doc["size_bytes"] == sum(p.stat().st_size for p in files)
    assert doc["max_size_bytes"] == cachedir.DEFAULT_MAX_SIZE
    assert [v["version"] for v in doc["by_version"]] == ["v0.0.1", VERSION]
    assert as_text.returncode == 0, as_text.stderr
    assert f"entries: {len(files)}," in as_text.stdout and "cap 1.0 GiB" in as_text.stdout


def test_cli_cache_info_of_a_missing_folder_is_empty(tmp_path: Path, goport: Goport) -> None:
    result = goport("cache", "info", "--cache-dir", tmp_path / "none", "-f", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["entries"] == 0


def test_cli_cache_clean_removes_entries_only(tmp_path: Path, goport: Goport) -> None:
    cache = _scanned(tmp_path, goport)
    old = _fake_entry(cache, 7, 123, age_days=3, version="v0.0.1")
    old_pickle = old.with_suffix(".pickle")
    old.rename(old_pickle)
    count = len(_entries(cache)) + 1  # the pickle
    other = cache / "notes.txt"
    other.write_text("mine")
    stray = cache / VERSION / "ab" / "not-an-entry.entry"
    stray.parent.mkdir(parents=True, exist_ok=True)
    stray.write_text("x")

    result = goport("cache", "clean", "--cache-dir", cache)

    assert result.returncode == 0, result.stderr
    assert f"removed {count} entries" in result.stdout
    assert _entries(cache) == [stray] and not old_pickle.exists()
    assert other.read_text() == "mine" and stray.exists()
    assert not (cache / "v0.0.1").exists()  # emptied version folders go too
    again = goport("cache", "clear", "--cache-dir", cache)  # the alias; nothing left to do
    assert again.returncode == 0 and "removed 0 entries" in again.stdout


def test_cli_cache_clean_keeps_the_secret_key_of_the_default_folder(
    tmp_path: Path, goport: Goport
) -> None:
    xdg = tmp_path / "xdg"
    env = {"XDG_CACHE_HOME": str(xdg)}
    assert goport("scan", _project(tmp_path / "proj"), "--no-history", env=env).returncode == 0
    key = xdg / "goport" / KEY_FILE
    secret = key.read_bytes()

    result = goport("cache", "clean", env=env)

    assert result.returncode == 0, result.stderr
    assert _entries(xdg / "goport") == []
    assert key.read_bytes() == secret


def test_cli_cache_clean_never_touches_a_planted_link(tmp_path: Path, goport: Goport) -> None:
    cache = _scanned(tmp_path, goport)
    # a shard name the scan's own entries do not use (their keys hash goport's code too)
    shard = next(f"{i:02x}" for i in range(256) if not (cache / VERSION / f"{i:02x}").exists())
    outside = tmp_path / "outside"
    victim_dir = outside / shard
    victim_dir.mkdir(parents=True)
    victim = victim_dir / f"{shard * 20}.entry"  # named like an entry, outside the cache
    victim.write_text("precious")
    precious = outside / "precious.txt"
    precious.write_text("precious")
    entry_link = cache / VERSION / "ab" / f"{'ab' * 20}.entry"
    entry_link.parent.mkdir(parents=True, exist_ok=True)
    entry_link.symlink_to(precious)
    shard_link = cache / VERSION / shard
    shard_link.symlink_to(victim_dir, target_is_directory=True)
    version_link = cache / "v9.9.9-json9"
    version_link.symlink_to(outside, target_is_directory=True)

    info = goport("cache", "info", "--cache-dir", cache, "-f", "json")
    result = goport("cache", "clean", "--cache-dir", cache)

    assert json.loads(info.stdout)["entries"] == 4  # three files and the run: no link counted
    assert result.returncode == 0, result.stderr
    assert "removed 4 entries" in result.stdout
    assert victim.read_text() == "precious" and precious.read_text() == "precious"
    assert entry_link.is_symlink() and shard_link.is_symlink() and version_link.is_symlink()
    for link in (entry_link, shard_link, version_link):
        assert f"left alone: {link} is a symbolic link" in result.stderr


def test_cli_a_scan_with_a_planted_link_in_the_cache_evicts_nothing_through_it(
    tmp_path: Path, goport: Goport
) -> None:
    cache = tmp_path / "cache"
    outside = tmp_path / "outside" / "cd"
    outside.mkdir(parents=True)
    victim = outside / f"{'cd' * 20}.entry"
    victim.write_bytes(b"x" * 4096)
    os.utime(victim, ns=(0, 0))  # the "oldest" entry there is
    (cache / VERSION).mkdir(parents=True)
    (cache / VERSION / "cd").symlink_to(outside, target_is_directory=True)

    result = goport(
        "scan", _project(tmp_path / "proj"), "--cache-dir", cache, "--no-history",
        env={cachedir.SIZE_ENV: "1K"},
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert victim.exists()


def test_cli_cache_info_refuses_an_unknown_format(tmp_path: Path, goport: Goport) -> None:
    result = goport("cache", "info", "--cache-dir", tmp_path / "c", "--format", "yaml")
    assert result.returncode == 2
    assert result.stderr == "goport: error: --format must be text or json, not 'yaml'\n"
