"""The per-file cache: real ModuleFacts in a real folder, and warm runs through the real CLI.

The cache folder is untrusted: entries are data only, a bad entry of any kind is a miss, and
nothing is written through a link planted in it.
"""

from __future__ import annotations

import errno
import hashlib
import json
import logging
import os
import pickle
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

import goport.cache
from goport import __version__, serial
from goport.analysis import analyse
from goport.cache import _MAGIC, FORMAT, KEY_FILE, KEY_SIZE, MAX_ENTRY, Cache, _checksum
from goport.config import load
from goport.discover import discover
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
    return sorted(directory.rglob("*.entry"))


def _runs(directory: Path) -> list[Path]:
    """The run entries (a whole tree's ranking, one per scanned folder and role)."""
    return sorted(directory.rglob("*.run"))


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
        pytest.param(b"not an entry at all\n", id="text"),
        pytest.param(b"\x80\x05\x95", id="truncated-pickle"),
        pytest.param(pickle.dumps({"rel_path": "pkg/hot.py"}), id="harmless-pickle"),
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


# -- hostile cache folders -------------------------------------------------------------------------


class _Plant:
    """Unpickling this creates ``marker``: what a planted entry would do to a pickle cache."""

    def __init__(self, marker: Path) -> None:
        self.marker = str(marker)

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (open, (self.marker, "w"))


def _planted_pickle(marker: Path) -> bytes:
    return pickle.dumps(_Plant(marker))


def test_the_planted_pickle_is_live(tmp_path: Path) -> None:
    """The payload the next tests plant does run when unpickled: their checks can fail."""
    pickle.loads(_planted_pickle(tmp_path / "ran"))
    assert (tmp_path / "ran").exists()


def _entry_of(cache: Cache, digest: str, rel: str) -> Path:
    return cache._path(cache._key(digest, _src(rel)))


def test_a_planted_pickle_at_an_entry_path_is_a_miss_and_never_runs(tmp_path: Path) -> None:
    facts, digest = _facts(tmp_path)
    cache = Cache(tmp_path / "cache", "cfg")
    entry = _entry_of(cache, digest, facts.rel_path)
    # the exact path of the entry, and where the pickle format kept the same key
    old = tmp_path / "cache" / f"v{__version__}" / entry.parent.name / f"{entry.stem}.pickle"
    for path in (entry, old):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(_planted_pickle(tmp_path / "PWNED"))

    assert cache.get(digest, _src(facts.rel_path)) is None
    assert (cache.hits, cache.misses) == (0, 1)
    assert not (tmp_path / "PWNED").exists()
    cache.put(digest, _src(facts.rel_path), facts)  # the miss is repaired with data
    assert entry.read_bytes().startswith(_MAGIC)
    assert Cache(tmp_path / "cache", "cfg").get(digest, _src(facts.rel_path)) == facts
    assert not (tmp_path / "PWNED").exists()


def _checksummed(cache: Cache, digest: str, rel: str, payload: bytes) -> bytes:
    """An entry with a valid header and checksum around ``payload``, signed with the user's own
    secret: the payload is still checked (a bug, or whoever holds the key file)."""
    return (
        _MAGIC + _checksum(cache.secret, cache._key(digest, _src(rel)), payload) + b"\n" + payload
    )


def _magic(fmt: int) -> bytes:
    return b"goport-cache %d " % fmt


def _flip(data: bytes, index: int) -> bytes:
    return data[:index] + bytes([data[index] ^ 0x01]) + data[index + 1 :]


BAD_ENTRIES: dict[str, Callable[[bytes, Cache, str, str], bytes]] = {
    "empty": lambda good, cache, digest, rel: b"",
    "truncated-payload": lambda good, cache, digest, rel: good[:-10],
    "truncated-header": lambda good, cache, digest, rel: good[:20],
    "header-only": lambda good, cache, digest, rel: good[: good.index(b"\n") + 1],
    "bit-flipped-payload": lambda good, cache, digest, rel: _flip(good, len(good) * 2 // 3),
    "bit-flipped-checksum": lambda good, cache, digest, rel: _flip(good, 20),
    "older-format": lambda good, cache, digest, rel: good.replace(_MAGIC, _magic(FORMAT - 1), 1),
    "newer-format": lambda good, cache, digest, rel: good.replace(_MAGIC, _magic(FORMAT + 1), 1),
    "no-newline-after-header": lambda good, cache, digest, rel: good.replace(b"\n", b" ", 1),
    "not-json-checksummed": lambda good, cache, digest, rel: _checksummed(
        cache, digest, rel, b"\x80\x04not json"
    ),
    "wrong-structure-checksummed": lambda good, cache, digest, rel: _checksummed(
        cache, digest, rel, b'["facts",[1,2,3]]'
    ),
    "another-files-facts-checksummed": lambda good, cache, digest, rel: _checksummed(
        cache, digest, rel, serial.dumps(AnalysisError("other.py", "parse", "planted"))
    ),
    "another-keys-entry": lambda good, cache, digest, rel: _checksummed(
        cache, "f" * 32, rel, good[good.index(b"\n") + 1 :]
    ),
}


@pytest.mark.parametrize("make_bad", BAD_ENTRIES.values(), ids=BAD_ENTRIES.keys())
def test_a_damaged_or_forged_entry_is_a_quiet_miss(
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    make_bad: Callable[[bytes, Cache, str, str], bytes],
) -> None:
    facts, digest = _facts(tmp_path)
    Cache(tmp_path / "cache", "cfg").put(digest, _src(facts.rel_path), facts)
    [entry] = _entries(tmp_path / "cache")
    good = entry.read_bytes()
    cache = Cache(tmp_path / "cache", "cfg")
    bad = make_bad(good, cache, digest, facts.rel_path)
    assert bad != good
    entry.write_bytes(bad)

    with caplog.at_level(logging.DEBUG, logger="goport"):
        assert cache.get(digest, _src(facts.rel_path)) is None
    assert (cache.hits, cache.misses) == (0, 1)
    assert cache.enabled
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    cache.put(digest, _src(facts.rel_path), facts)
    assert entry.read_bytes() == good


def test_a_huge_entry_is_a_miss_without_being_read(tmp_path: Path) -> None:
    facts, digest = _facts(tmp_path)
    cache = Cache(tmp_path / "cache", "cfg")
    entry = _entry_of(cache, digest, facts.rel_path)
    entry.parent.mkdir(parents=True)
    with entry.open("wb") as handle:  # sparse: no disk used
        handle.truncate(MAX_ENTRY + 1)
    assert cache.get(digest, _src(facts.rel_path)) is None
    assert (cache.hits, cache.misses) == (0, 1)


def test_an_entry_over_the_cap_is_a_miss_even_when_valid(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    facts, digest = _facts(tmp_path)
    cache = Cache(tmp_path / "cache", "cfg")
    entry = _entry_of(cache, digest, facts.rel_path)
    entry.parent.mkdir(parents=True)
    padded = serial.dumps(facts) + b" " * 5000  # JSON allows trailing white space
    entry.write_bytes(_checksummed(cache, digest, facts.rel_path, padded))
    assert cache.get(digest, _src(facts.rel_path)) == facts  # valid, under the real cap

    monkeypatch.setattr(goport.cache, "MAX_ENTRY", 5000)
    assert Cache(tmp_path / "cache", "cfg").get(digest, _src(facts.rel_path)) is None


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_entry_is_a_miss_not_a_hang(tmp_path: Path, xdg_cache_home: Path) -> None:
    facts, digest = _facts(tmp_path)
    entry = _entry_of(Cache(tmp_path / "cache", "cfg"), digest, facts.rel_path)
    entry.parent.mkdir(parents=True)
    os.mkfifo(entry)
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from goport.cache import Cache\n"
        "from goport.model import SourceFile\n"
        f"source = SourceFile({facts.rel_path!r}, {facts.rel_path!r}, 'pkg.hot')\n"
        f"print(Cache(Path({str(tmp_path / 'cache')!r}), 'cfg').get({digest!r}, source))\n"
    )
    # a reader that opened the FIFO would block until the timeout
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
        env={**os.environ, "XDG_CACHE_HOME": str(xdg_cache_home)},  # the key: not the user's
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "None\n", "")


def test_an_entry_linking_out_of_the_cache_is_not_read(tmp_path: Path) -> None:
    facts, digest = _facts(tmp_path)
    Cache(tmp_path / "cache", "cfg").put(digest, _src(facts.rel_path), facts)
    [entry] = _entries(tmp_path / "cache")
    outside = tmp_path / "outside.entry"
    outside.write_bytes(entry.read_bytes())  # a valid entry, but not in the cache folder
    entry.unlink()
    entry.symlink_to(outside)

    cache = Cache(tmp_path / "cache", "cfg")
    assert cache.get(digest, _src(facts.rel_path)) is None
    cache.put(digest, _src(facts.rel_path), facts)
    assert not entry.is_symlink()  # the link was replaced, not written through
    assert outside.read_bytes() == entry.read_bytes()


def test_a_full_disk_leaves_no_temporary_file_and_the_old_entry_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    facts, digest = _facts(tmp_path)
    Cache(tmp_path / "cache", "cfg").put(digest, _src(facts.rel_path), facts)
    [entry] = _entries(tmp_path / "cache")
    before = entry.read_bytes()
    other, other_digest = _facts(tmp_path, "x = 1\n", rel="pkg/other.py")
    real_write = os.write

    def full(fd: int, data: bytes) -> int:
        real_write(fd, bytes(data)[:100])  # some bytes land, then the disk is full
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    cache = Cache(tmp_path / "cache", "cfg")
    with caplog.at_level(logging.DEBUG, logger="goport"), monkeypatch.context() as patch:
        patch.setattr(os, "write", full)
        cache.put(digest, _src(facts.rel_path), replace(facts, notes=("rewritten",)))
        cache.put(other_digest, _src(other.rel_path), other)

    assert cache.enabled is False
    # no temporary file, no second entry
    assert [p for p in (tmp_path / "cache").rglob("*") if not p.is_dir()] == [entry]
    assert entry.read_bytes() == before
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1, warnings
    assert "cache disabled for this run" in warnings[0]
    assert "No space left on device" in warnings[0]


def _link_out(cache_root: Path, level: str, shard: str, outside: Path) -> None:
    version = Cache(cache_root, "cfg").directory
    if level == "shard":
        (version).mkdir(parents=True)
        (version / shard).symlink_to(outside, target_is_directory=True)
    else:
        cache_root.mkdir(parents=True)
        version.symlink_to(outside if level == "version" else outside / "new")


@pytest.mark.parametrize("level", ["shard", "version", "version-to-missing-folder"])
def test_a_folder_linking_out_of_the_cache_is_not_written_through(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, level: str
) -> None:
    facts, digest = _facts(tmp_path)
    other, other_digest = _facts(tmp_path, "x = 1\n", rel="pkg/other.py")
    outside = tmp_path / "outside"
    outside.mkdir()
    cache = Cache(tmp_path / "cache", "cfg")
    _link_out(tmp_path / "cache", level, cache._key(digest, _src(facts.rel_path))[:2], outside)

    with caplog.at_level(logging.DEBUG, logger="goport"):
        cache.put(digest, _src(facts.rel_path), facts)
        cache.put(other_digest, _src(other.rel_path), other)

    assert list(outside.rglob("*")) == []
    assert cache.enabled is False
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1, warnings
    assert "leads out of the cache folder" in warnings[0]
    assert Cache(tmp_path / "cache", "cfg").get(digest, _src(facts.rel_path)) is None


def test_a_cache_dir_that_is_itself_a_link_is_used(tmp_path: Path) -> None:
    """The user may keep the cache elsewhere (``~/.cache`` a link to another disk)."""
    facts, digest = _facts(tmp_path)
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real", target_is_directory=True)
    Cache(tmp_path / "link", "cfg").put(digest, _src(facts.rel_path), facts)
    assert len(_entries(tmp_path / "real")) == 1
    assert Cache(tmp_path / "link", "cfg").get(digest, _src(facts.rel_path)) == facts


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


FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


@pytest.mark.parametrize(
    "fixture", sorted(p.name for p in FIXTURES.iterdir() if next(p.rglob("*.py"), None))
)
def test_every_fixture_project_decodes_from_the_cache_as_extracted(
    tmp_path: Path, fixture: str
) -> None:
    config = load(FIXTURES / fixture, {"cache_dir": tmp_path / "cache", "history": False})
    files = discover(config.root).files
    cold, cold_errors, cold_hits = analyse(files, config)
    warm, warm_errors, warm_hits = analyse(files, config)

    assert cold_hits == 0
    assert warm_hits == len(files) > 0
    assert warm == cold  # dataclass equality of every decoded ModuleFacts
    assert [type(m) for m in warm] == [ModuleFacts] * len(cold)
    assert warm_errors == cold_errors


def test_cli_planted_pickles_never_run_and_the_scan_is_unchanged(
    tmp_path: Path, goport: Goport
) -> None:
    root = _project(tmp_path / "proj")
    cache = tmp_path / "cache"
    args = ("scan", root, "--format", "json", "--cache-dir", cache, "--no-history")
    cold = goport(*args)
    assert cold.returncode == 0, cold.stderr
    entries = _entries(cache)
    assert len(entries) == 5
    assert len(_runs(cache)) == 1
    marker = tmp_path / "PWNED"
    for entry in entries:  # the exact paths of real entries, and the pickle format's paths
        entry.write_bytes(_planted_pickle(marker))
        old = cache / f"v{__version__}" / entry.parent.name / f"{entry.stem}.pickle"
        old.parent.mkdir(parents=True, exist_ok=True)
        old.write_bytes(_planted_pickle(marker))
    for entry in _runs(cache):  # and the run entry, which would otherwise answer for the tree
        entry.write_bytes(_planted_pickle(marker))

    warm = goport(*args)

    assert warm.returncode == 0, warm.stderr
    assert not marker.exists()
    assert warm.stdout == cold.stdout
    assert warm.stderr == ""  # a bad entry is a quiet miss
    assert all(e.read_bytes().startswith(_MAGIC) for e in [*entries, *_runs(cache)])  # repaired


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_cli_fifo_entries_do_not_hang(tmp_path: Path, goport: Goport) -> None:
    root = _project(tmp_path / "proj")
    cache = tmp_path / "cache"
    args = ("scan", root, "--format", "json", "--cache-dir", cache, "--no-history")
    cold = goport(*args)
    for entry in [*_entries(cache), *_runs(cache)]:
        entry.unlink()
        os.mkfifo(entry)

    warm = goport(*args)  # the fixture's timeout fails the test on a hang

    assert warm.returncode == 0, warm.stderr
    assert warm.stdout == cold.stdout


def test_cli_in_tree_cache_dir_with_a_planted_link_writes_nothing_outside(
    tmp_path: Path, goport: Goport
) -> None:
    root = _project(tmp_path / "proj")
    outside = tmp_path / "outside"
    outside.mkdir()
    cache = root / ".goport-cache"
    cache.mkdir()
    version = Cache(cache, "cfg").directory
    version.symlink_to(Path("..", "..", "outside"), target_is_directory=True)  # as a repo ships it

    result = goport("scan", root, "--format", "json", "--cache-dir", cache, "--no-history")

    assert result.returncode == 0, result.stderr
    assert list(outside.iterdir()) == []
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "cache disabled for this run" in lines[0], result.stderr
    assert "leads out of the cache folder" in lines[0]
    assert "pkg/hot.py" in [c["path"] for c in json.loads(result.stdout)["candidates"]]


def test_cli_in_tree_cache_dir_that_is_a_planted_link_is_not_used(
    tmp_path: Path, goport: Goport
) -> None:
    root = _project(tmp_path / "proj")
    outside = tmp_path / "outside"
    outside.mkdir()
    (root / ".goport-cache").symlink_to(Path("..", "outside"), target_is_directory=True)

    result = goport(
        "scan", root, "--format", "json", "--cache-dir", root / ".goport-cache", "--no-history"
    )

    assert result.returncode == 0, result.stderr
    assert list(outside.iterdir()) == []
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "cache disabled for this run" in lines[0], result.stderr
    assert "inside the scanned folder but a symbolic link leads out of it" in lines[0]
    assert "pkg/hot.py" in [c["path"] for c in json.loads(result.stdout)["candidates"]]


def test_a_cache_dir_outside_the_scanned_tree_may_be_a_link(tmp_path: Path) -> None:
    root = _project(tmp_path / "proj")
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real", target_is_directory=True)
    config = load(root, {"cache_dir": tmp_path / "link", "history": False})
    run(config)
    assert run(config).summary.cache_hits == 5
    assert len(_entries(tmp_path / "real")) == 5


# -- the secret key ------------------------------------------------------------------------------
#
# An entry key is computable by anyone from goport's code and a file's content, so a checksum
# keyed by it alone let a pull request plant a forged entry in an in-tree ``--cache-dir``. Entries
# are now signed with a secret in the user cache folder (here: conftest's ``xdg_cache_home``).


def _key_file() -> Path:
    return goport.cache.default_dir() / KEY_FILE


def test_the_key_is_made_once_private_and_kept_by_later_runs(tmp_path: Path) -> None:
    facts, digest = _facts(tmp_path)
    key_dir = tmp_path / "user-cache"
    first = Cache(tmp_path / "cache", "cfg", key_dir=key_dir)
    first.put(digest, _src(facts.rel_path), facts)

    key_file = key_dir / KEY_FILE
    assert key_file.read_bytes() == first.secret
    assert len(first.secret) == KEY_SIZE
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert not (tmp_path / "cache" / KEY_FILE).exists()  # never beside the entries
    later = Cache(tmp_path / "cache", "cfg", key_dir=key_dir)
    assert later.secret == first.secret
    assert later.get(digest, _src(facts.rel_path)) == facts
    other_user = Cache(tmp_path / "cache", "cfg", key_dir=tmp_path / "other-user")
    assert other_user.secret != first.secret
    assert other_user.get(digest, _src(facts.rel_path)) is None  # their entries are not ours


def test_the_key_folder_is_the_user_cache_folder_whatever_the_cache_dir(tmp_path: Path) -> None:
    cache = Cache(tmp_path / "cache", "cfg")
    assert cache.secret == _key_file().read_bytes()
    assert not (tmp_path / "cache" / KEY_FILE).exists()


def test_a_deleted_key_makes_old_entries_misses_not_errors(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    facts, digest = _facts(tmp_path)
    key_dir = tmp_path / "user-cache"
    Cache(tmp_path / "cache", "cfg", key_dir=key_dir).put(digest, _src(facts.rel_path), facts)
    (key_dir / KEY_FILE).unlink()

    with caplog.at_level(logging.DEBUG, logger="goport"):
        cache = Cache(tmp_path / "cache", "cfg", key_dir=key_dir)
        assert cache.get(digest, _src(facts.rel_path)) is None
    assert (cache.hits, cache.misses) == (0, 1)
    assert cache.enabled
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert (key_dir / KEY_FILE).read_bytes() == cache.secret  # a new key, kept from now on
    cache.put(digest, _src(facts.rel_path), facts)
    assert Cache(tmp_path / "cache", "cfg", key_dir=key_dir).get(digest, _src(facts.rel_path))


def _bad_key_file(path: Path, kind: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "link-to-dev-zero":
        path.symlink_to("/dev/zero")
    elif kind == "link-to-a-key-outside":
        (path.parent.parent / "planted-key").write_bytes(b"k" * KEY_SIZE)
        path.symlink_to(path.parent.parent / "planted-key")
    elif kind == "dangling-link":
        path.symlink_to(path.parent / "missing")
    elif kind == "folder":
        path.mkdir()
    else:
        path.write_bytes(b"k" * {"empty": 0, "short": KEY_SIZE - 1, "long": KEY_SIZE + 1}[kind])


BAD_KEY_FILES = [
    "empty",
    "short",
    "long",
    "folder",
    "dangling-link",
    "link-to-a-key-outside",
    pytest.param(
        "fifo", marks=pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
    ),
    pytest.param(
        "link-to-dev-zero",
        marks=pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero"),
    ),
]


@pytest.mark.parametrize("kind", BAD_KEY_FILES)
def test_a_bad_key_file_gives_a_key_for_this_run_only(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, kind: str
) -> None:
    facts, digest = _facts(tmp_path)
    key_dir = tmp_path / "user-cache"
    key_file = key_dir / KEY_FILE
    _bad_key_file(key_file, kind)
    before = os.lstat(key_file)

    # a FIFO or /dev/zero opened here would block or never end: a subprocess with a timeout
    code = (
        "import logging, sys\n"
        "from pathlib import Path\n"
        "from goport.cache import Cache\n"
        "logging.basicConfig(level=logging.DEBUG, format='%(levelname)s %(message)s')\n"
        f"c = Cache(Path({str(tmp_path / 'cache')!r}), 'cfg', key_dir=Path({str(key_dir)!r}))\n"
        "print(c.secret.hex())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=30, check=False
    )
    assert done.returncode == 0, done.stderr
    [line] = [x for x in done.stderr.splitlines() if "cache key" in x]
    assert line.startswith("DEBUG ") and "for this run only" in line
    assert len(bytes.fromhex(done.stdout.strip())) == KEY_SIZE
    assert done.stdout.strip() != (b"k" * KEY_SIZE).hex()  # not the planted one

    with caplog.at_level(logging.DEBUG, logger="goport"):
        cache = Cache(tmp_path / "cache", "cfg", key_dir=key_dir)
        cache.put(digest, _src(facts.rel_path), facts)
        assert cache.get(digest, _src(facts.rel_path)) == facts  # within the run: a hit
        assert (
            Cache(tmp_path / "cache", "cfg", key_dir=key_dir).get(digest, _src(facts.rel_path))
            is None
        )  # the next run: a miss (its own key)
    assert cache.enabled
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    after = os.lstat(key_file)  # left as it was: not replaced, not written through
    assert (after.st_ino, after.st_mode, after.st_size) == (
        before.st_ino,
        before.st_mode,
        before.st_size,
    )


def test_an_unwritable_key_folder_gives_a_key_for_this_run_only(tmp_path: Path) -> None:
    blocker = tmp_path / "user-cache"
    blocker.write_text("I am a file\n")  # mkdir fails even for root
    facts, digest = _facts(tmp_path)

    cache = Cache(tmp_path / "cache", "cfg", key_dir=blocker / "goport")
    cache.put(digest, _src(facts.rel_path), facts)

    assert cache.enabled  # the entries' folder is fine
    assert cache.get(digest, _src(facts.rel_path)) == facts
    assert (
        Cache(tmp_path / "cache", "cfg", key_dir=blocker / "goport").get(
            digest, _src(facts.rel_path)
        )
        is None
    )
    assert blocker.read_text() == "I am a file\n"


def test_a_full_disk_leaves_no_short_key_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(fd: int, data: bytes) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    with monkeypatch.context() as patch:
        patch.setattr(os, "write", full)
        cache = Cache(tmp_path / "cache", "cfg", key_dir=tmp_path / "user-cache")
    assert len(cache.secret) == KEY_SIZE
    assert list((tmp_path / "user-cache").iterdir()) == []  # a later run makes a whole key
    assert (
        Cache(tmp_path / "cache", "cfg", key_dir=tmp_path / "user-cache").secret
        == (tmp_path / "user-cache" / KEY_FILE).read_bytes()
    )


def test_a_key_folder_inside_the_scanned_tree_is_not_used(tmp_path: Path) -> None:
    """The tree could ship the key (``XDG_CACHE_HOME`` set inside a CI workspace)."""
    root = tmp_path / "proj"
    planted = root / ".cache" / "goport" / KEY_FILE
    planted.parent.mkdir(parents=True)
    planted.write_bytes(b"k" * KEY_SIZE)

    cache = Cache(tmp_path / "cache", "cfg", scanned_root=root, key_dir=planted.parent)

    assert cache.secret != planted.read_bytes()
    empty = Cache(tmp_path / "cache", "cfg", scanned_root=root, key_dir=root / "keys")
    assert not (root / "keys").exists()  # nor is a key written into the tree
    assert empty.secret != cache.secret


def _cold_facts_under_the_hot_key(
    root: Path, cache_dir: Path, hot: bytes, cold: bytes
) -> tuple[Path, str, bytes]:
    """After a scan of ``cold`` at pkg/hot.py: the path of ``hot``'s entry, its entry key, and
    the payload of ``cold``'s entry, which is what a pull request would put there."""
    cache = Cache(
        cache_dir, load(root, {"cache_dir": cache_dir, "history": False}).extraction_digest()
    )
    source = SourceFile("pkg/hot.py", str(root / "pkg" / "hot.py"), "pkg.hot")
    cold_entry = cache._path(cache._key(digest_bytes(cold), source))
    assert cold_entry.is_file(), "the entry key should be the one the CLI computed"
    hexkey = cache._key(digest_bytes(hot), source)
    return cache._path(hexkey), hexkey, cold_entry.read_bytes().split(b"\n", 1)[1]


def _sign_as_before(root: Path, hexkey: str, payload: bytes) -> bytes:
    """Format 1's checksum: keyed by the entry key alone, which anyone can compute."""
    return hashlib.blake2b(payload, digest_size=16, key=hexkey.encode()).hexdigest().encode()


def _sign_with_a_key_in_the_tree(root: Path, hexkey: str, payload: bytes) -> bytes:
    (root / ".goport-cache" / KEY_FILE).write_bytes(b"k" * KEY_SIZE)
    return _checksum(b"k" * KEY_SIZE, hexkey, payload)


def _sign_with_the_users_secret(root: Path, hexkey: str, payload: bytes) -> bytes:
    """The control: only someone who can read the user's key file can do this."""
    return _checksum(_key_file().read_bytes(), hexkey, payload)


@pytest.mark.parametrize(
    ("sign", "forged_is_used"),
    [
        pytest.param(_sign_as_before, False, id="checksum-keyed-by-entry-key"),
        pytest.param(_sign_with_a_key_in_the_tree, False, id="key-file-planted-in-cache-dir"),
        pytest.param(_sign_with_the_users_secret, True, id="control-users-own-secret"),
    ],
)
def test_cli_a_forged_entry_in_an_in_tree_cache_is_a_miss_and_the_gate_trips(
    tmp_path: Path,
    goport: Goport,
    sign: Callable[[Path, str, bytes], bytes],
    forged_is_used: bool,
) -> None:
    hot = (FIXTURES / "demo_service" / "demo_service" / "tokenizer.py").read_bytes()
    cold = b"x = 1\n"
    root = tmp_path / "proj"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "__init__.py").write_text("")
    module = root / "pkg" / "hot.py"
    cache = root / ".goport-cache"  # a pull request can add files here
    args = ("scan", root, "-f", "json", "--cache-dir", cache, "--no-history", "--fail-on", "40")
    module.write_bytes(cold)
    assert goport(*args).returncode == 0  # the attacker's own scan of a cold module
    forged_path, hexkey, payload = _cold_facts_under_the_hot_key(root, cache, hot, cold)
    forged = _MAGIC + sign(root, hexkey, payload) + b"\n" + payload
    forged_path.parent.mkdir(parents=True, exist_ok=True)
    forged_path.write_bytes(forged)
    module.write_bytes(hot)

    result = goport(*args)

    [score] = [
        c["score"] for c in json.loads(result.stdout)["candidates"] if c["path"] == "pkg/hot.py"
    ]
    if forged_is_used:  # the forgery itself is right: only the key stops it
        assert result.returncode == 0 and score < 0, (score, result.stderr)
        return
    assert result.returncode == 1, result.stderr
    assert score >= 40
    assert forged_path.read_bytes() != forged  # the miss was analysed and its entry rewritten


def test_cli_a_warm_scan_reads_what_the_cold_one_wrote(tmp_path: Path, goport: Goport) -> None:
    """The key outlives the process: a second run hits every entry and rewrites none."""
    root = _project(tmp_path / "proj")
    cache = tmp_path / "cache"
    args = ("scan", root, "--format", "json", "--cache-dir", cache, "--no-history")
    key_file = _key_file()
    key_file.unlink(missing_ok=True)

    cold = goport(*args)
    key = key_file.read_bytes()
    mtimes = {p: p.stat().st_mtime_ns for p in _entries(cache)}
    warm = goport(*args)

    assert (cold.returncode, warm.returncode) == (0, 0), warm.stderr
    assert len(key) == KEY_SIZE and key_file.read_bytes() == key
    assert len(mtimes) == 5 and {p: p.stat().st_mtime_ns for p in _entries(cache)} == mtimes
    assert warm.stdout == cold.stdout
    assert not (cache / KEY_FILE).exists()


@pytest.mark.parametrize("kind", BAD_KEY_FILES[-2:] + ["short"])
def test_cli_a_bad_key_file_is_no_error_and_no_hang(
    tmp_path: Path, goport: Goport, kind: str
) -> None:
    root = _project(tmp_path / "proj")
    xdg = tmp_path / "xdg"
    _bad_key_file(xdg / "goport" / KEY_FILE, kind)
    args = ("scan", root, "--format", "json", "--cache-dir", tmp_path / "cache", "--no-history")

    first = goport(*args, env={"XDG_CACHE_HOME": str(xdg)})  # the fixture's timeout: no hang
    second = goport(*args, env={"XDG_CACHE_HOME": str(xdg)})

    assert (first.returncode, first.stderr) == (0, "")
    assert (second.returncode, second.stderr) == (0, "")
    assert second.stdout == first.stdout
