"""The cache folder as files: where it is, which files are entries, its size cap and eviction.

``cache.py`` reads and writes entries; this module looks after the folder as a whole, for the
scan (evict the least recently used entries once the folder is over its cap) and for
``goport cache info`` / ``goport cache clean``.

The folder may be shared, restored from a CI cache, or inside the scanned tree, so nothing here
trusts what is in it:

- a file is an entry only by where it is and what it is called: ``<folder>/v<version>/<2 hex>/
  <hex>.entry`` (or ``.run``; ``.pickle`` for the format before 0.1's JSON entries), and only a
  regular file; anything else (the secret key, a README, a temporary file a write left behind)
  is neither counted nor removed;
- no link below the folder is followed or removed: a version or shard folder that is a link is
  not entered, an entry name that is a link is left alone and reported. The folder itself is the
  one the user chose (``--cache-dir``, ``GOPORT_CACHE_DIR``) and may be a link;
- just before a file is removed, its folder is checked again to still be the real folder inside
  the cache folder, and the file to still be a regular file (``os.unlink`` removes a link itself,
  never its target, so a swap in between cannot remove anything outside).

Least recently used: reading an entry sets its access time (``touch``), at most once an hour so
that a warm run writes no inode per entry; eviction removes the entries with the oldest access
(or modification) time first, until the folder is at ``TRIM_TO`` of its cap.
"""

from __future__ import annotations

import os
import re
import stat
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from goport.errors import ConfigError, InputError
from goport.safeio import read_bytes, write_atomic

#: the environment variables that choose the folder and its cap
DIR_ENV = "GOPORT_CACHE_DIR"
SIZE_ENV = "GOPORT_CACHE_MAX_SIZE"
#: the default cap: room for the entries of a dozen projects the size of site-packages (about
#: 21 MB each); ruff and pre-commit users expect a cache that does not grow without bound
DEFAULT_MAX_SIZE = 256 * 2**20
#: eviction stops once the folder is this fraction of its cap, so that a folder at its cap is not
#: walked and trimmed again by every run that adds one entry
TRIM_TO = 0.8
#: an entry read again within this many seconds of its last recorded use is not touched again
TOUCH_AFTER = 3600
#: the folder's size as last measured, plus the bytes written since (``trim``), in the folder
HINT_FILE = "size-hint"

_VERSION = re.compile(r"v[0-9][0-9A-Za-z.+_-]*")
_SHARD = re.compile(r"[0-9a-f]{2}")
_ENTRY = re.compile(r"[0-9a-f]{16,128}\.(?:entry|run|pickle)")
#: where it can, ``touch`` sets the times of the entry itself, never of what a link leads to
_FOLLOW = os.utime not in os.supports_follow_symlinks
_UNITS = {"": 1, "k": 2**10, "m": 2**20, "g": 2**30, "t": 2**40}
_SIZE = re.compile(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([kmgt]?)(?:i?b)?\s*", re.IGNORECASE)


def default_dir() -> Path:
    import platformdirs  # here: every command imports this module, few need the folder

    return Path(platformdirs.user_cache_dir("goport", appauthor=False))


def resolve_dir(flag: Path | None) -> Path:
    """The cache folder: ``--cache-dir``, else ``GOPORT_CACHE_DIR``, else the user cache folder.

    (A ``[tool.goport]`` key is deliberately not among them: the scanned project is untrusted
    input and must not choose where goport writes.)"""
    if flag is not None:
        return flag
    named = os.environ.get(DIR_ENV, "").strip()
    if named:
        return Path(named).expanduser()
    return default_dir()


def parse_size(text: str) -> int:
    """Bytes from ``"256M"``, ``"1.5G"``, ``"500MiB"``, ``"100000"`` (binary units); ValueError."""
    match = _SIZE.fullmatch(text)
    if match is None:
        raise ValueError(text)
    return int(float(match.group(1)) * _UNITS[match.group(2).lower()])


def max_size() -> int:
    """The cap from ``GOPORT_CACHE_MAX_SIZE`` (0: no cap), else ``DEFAULT_MAX_SIZE``."""
    text = os.environ.get(SIZE_ENV, "").strip()
    if not text:
        return DEFAULT_MAX_SIZE
    try:
        return parse_size(text)
    except ValueError:
        raise ConfigError(
            f"{SIZE_ENV}={text!r} is not a size; give bytes or a number with K, M or G "
            "(for example 500M or 2G), or 0 for no cap"
        ) from None


def format_size(size: int) -> str:
    for unit, factor in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if size >= factor:
            return f"{size / factor:.1f} {unit}"
    return f"{size} B"


@dataclass(frozen=True, slots=True)
class Entry:
    """One entry file: where it is below the cache folder, its size, when it was last used."""

    version: str
    shard: str
    name: str
    size: int
    used_ns: int  # the later of its access and modification times


@dataclass(frozen=True, slots=True)
class Listing:
    entries: tuple[Entry, ...]
    links: tuple[str, ...]  # paths below the folder that are links where an entry could be

    @property
    def size(self) -> int:
        return sum(e.size for e in self.entries)


def listing(folder: Path) -> Listing:
    """Every entry in ``folder``, and the links found where a version, shard or entry could be.
    A folder that does not exist or cannot be read lists nothing."""
    entries: list[Entry] = []
    links: list[str] = []
    for version in _children(folder, _VERSION, links):
        for shard in _children(folder / version, _SHARD, links):
            for item in _scan(folder / version / shard):
                if not _ENTRY.fullmatch(item.name):
                    continue
                try:
                    info = item.stat(follow_symlinks=False)
                except OSError:
                    continue
                if stat.S_ISLNK(info.st_mode):
                    links.append(item.path)
                elif stat.S_ISREG(info.st_mode):
                    used = max(info.st_atime_ns, info.st_mtime_ns)
                    entries.append(Entry(version, shard, item.name, info.st_size, used))
    return Listing(tuple(entries), tuple(links))


def _scan(folder: Path) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as items:
            return sorted(items, key=lambda item: item.name)
    except OSError:
        return []


def _children(folder: Path, pattern: re.Pattern[str], links: list[str]) -> Iterator[str]:
    """The names of the real sub-folders of ``folder`` that match ``pattern``; links noted."""
    for item in _scan(folder):
        if not pattern.fullmatch(item.name):
            continue
        if item.is_symlink():
            links.append(item.path)
        elif item.is_dir(follow_symlinks=False):
            yield item.name


def remove(folder: Path, entries: list[Entry]) -> tuple[int, int]:
    """Remove ``entries`` from ``folder``: (how many, bytes). One that is gone already, or is no
    longer a regular file in a real shard folder of ``folder``, is skipped."""
    real = os.path.realpath(folder)
    removed = freed = 0
    for entry in entries:
        shard = os.path.join(real, entry.version, entry.shard)
        path = os.path.join(shard, entry.name)
        try:
            if os.path.realpath(shard) != shard or not stat.S_ISREG(os.lstat(path).st_mode):
                continue
            os.unlink(path)
        except OSError:
            continue
        removed += 1
        freed += entry.size
    return removed, freed


def remove_empty_folders(folder: Path) -> None:
    """Remove the shard and version folders that no longer hold anything (never a link)."""
    ignored: list[str] = []
    for version in _children(folder, _VERSION, ignored):
        for shard in _children(folder / version, _SHARD, ignored):
            _rmdir(folder / version / shard)
        _rmdir(folder / version)


def _rmdir(path: Path) -> None:
    try:
        os.rmdir(path)  # only an empty folder, never a link
    except OSError:
        pass


def trim(folder: Path, cap: int, written: int | None = None) -> tuple[int, int]:
    """Evict the least recently used entries while ``folder`` is over ``cap`` bytes (0: no cap),
    down to ``TRIM_TO`` of it: (entries removed, bytes freed).

    With ``written`` (the bytes a run just wrote), the folder is listed only when its size as
    last measured (``HINT_FILE``) plus what runs wrote since could be over the cap: a run that
    rewrites its tree's run entry does not walk a folder of thousands of entries. The hint is
    only a hint (runs at the same time may each miss the other's bytes; a file that is not a
    number is no hint): any doubt means listing the folder."""
    if cap <= 0:
        return 0, 0
    if written is not None:
        hint = _read_hint(folder)
        if hint is not None and hint + written <= cap:
            _write_hint(folder, hint + written)
            return 0, 0
    found = listing(folder)
    total = found.size
    if total <= cap:
        _write_hint(folder, total)
        return 0, 0
    goal = total - int(cap * TRIM_TO)
    victims: list[Entry] = []
    picked = 0
    for entry in sorted(found.entries, key=lambda e: (e.used_ns, e.name)):
        if picked >= goal:
            break
        victims.append(entry)
        picked += entry.size
    removed, freed = remove(folder, victims)
    _write_hint(folder, total - freed)
    return removed, freed


def _read_hint(folder: Path) -> int | None:
    try:
        text = read_bytes(folder / HINT_FILE, limit=32, within=os.path.realpath(folder))
        return int(text.decode("ascii"))
    except (InputError, ValueError):
        return None


def _write_hint(folder: Path, size: int) -> None:
    try:
        write_atomic(folder / HINT_FILE, str(max(size, 0)).encode("ascii"))
    except InputError:
        pass


def unused_for_an_hour(path: str | os.PathLike[str]) -> bool:
    """Whether the entry at ``path`` was last used (read or touched) over ``TOUCH_AFTER`` ago."""
    try:
        return time.time_ns() - os.lstat(path).st_atime_ns > TOUCH_AFTER * 10**9
    except OSError:
        return False


def touch(path: str | os.PathLike[str]) -> None:
    """Record a use of the entry at ``path``: its access time, unless recorded within the hour.
    The modification time is kept (it says when the entry was written). Never an error."""
    try:
        info = os.lstat(path)
        now = time.time_ns()
        if stat.S_ISREG(info.st_mode) and now - info.st_atime_ns > TOUCH_AFTER * 10**9:
            os.utime(path, ns=(now, info.st_mtime_ns), follow_symlinks=_FOLLOW)
    except OSError:
        pass
