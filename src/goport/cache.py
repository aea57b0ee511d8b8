"""Per-file analysis results keyed by content hash + goport's own code + extraction config, and
per-tree results keyed by every file's key + the settings the ranking reads.

Entries live in the cache folder (``cachedir.resolve_dir``: ``--cache-dir``, else
``GOPORT_CACHE_DIR``, else the user cache folder; never in the scanned tree unless the user
points there), one file per analysed file, sharded by the first two hex digits of the key.

A run entry holds a whole tree's ``TreeRun`` (its ranking, errors and modules set apart): when
no file, setting or goport module has changed since, a warm run reads that one entry instead of
decoding every file's facts and ranking them again (on the standard library, about 0.05 s
instead of 0.8 s). It is stored under a slot named by the scanned folder and the tree's role
(the tree, or a diff's base), so each folder keeps one run entry, rewritten when the tree
changes, and is valid only for the tree key it was written under (checked by its MAC, below).
The per-file entries it was built from are touched on such a hit, so eviction keeps them for the
next run that changes a file.

The folder may be shared or inside the scanned tree, so an entry is untrusted input:

- an entry is data only (``serial``: JSON decoded into the model's classes, never a pickle), behind
  a header line with the format version and a checksum: keyed BLAKE2b (a MAC) of the entry's key
  and payload under a secret key that only this user's goport knows. An entry key is computable
  by anyone from goport's code and the file's content, so without the secret, an entry forged
  for another file's key (a cold module's facts under a hot module's key, planted in an in-tree
  ``--cache-dir`` by a pull request) would pass; with it, only entries that this user's goport
  wrote verify, and a truncated, edited, moved, foreign or forged entry is a miss, and so is
  anything that is not a regular file inside the cache folder (a FIFO, a device, a link out) or
  is larger than ``MAX_ENTRY``;
- the secret is 32 random bytes in ``KEY_FILE`` in the user cache folder (``default_dir``, even
  when ``--cache-dir`` or ``GOPORT_CACHE_DIR`` names another folder, so an in-tree cache folder
  never holds its own key),
  made on first use with ``O_CREAT | O_EXCL`` and mode 0600. A key file that is not a regular
  file of 32 bytes, a key folder inside the scanned tree, or one that cannot be written gives a
  key for this run only: entries are then written and read back within the run, older ones miss;
- writes go through a temporary file renamed over the entry (``safeio.write_atomic``: a link at
  the entry is replaced, a full disk leaves no temporary file), and never into a shard folder
  that resolves outside the cache folder (a link planted there); a cache that cannot be written
  is switched off for the run with one log line, never an error.

A cache folder shared by several users (or restored on a fresh CI runner) is warm only where the
key folder comes with it: copy or restore ``default_dir()`` itself.

The folder is capped (``cachedir``: ``GOPORT_CACHE_MAX_SIZE``, 256 MiB by default): a run that
wrote entries then evicts the least recently used ones while the folder is over its cap.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from goport import __version__, cachedir, serial
from goport.cachedir import default_dir
from goport.model import AnalysisError, ModuleFacts, SourceFile, TreeRun
from goport.safeio import UnsafeFileError, is_within, read_bytes, write_atomic
from goport.text import printable

log = logging.getLogger(__name__)

Entry = ModuleFacts | AnalysisError
_V = TypeVar("_V")

__all__ = ["Cache", "RunKey", "default_dir", "secret_key"]


def code_fingerprint() -> str:
    """goport's version plus the content of its own modules: an edit invalidates the cache, a
    reinstall of the same code (a fresh CI runner restoring a saved cache) does not."""
    package = Path(__file__).resolve().parent
    h = hashlib.blake2b(__version__.encode(), digest_size=8)
    for path in sorted(package.rglob("*.py")):
        try:
            h.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
        except OSError:
            continue
    return h.hexdigest()


#: the entry format; a new one gets a new folder, so entries of an older format (pickles before
#: format 1, checksums keyed by the entry key alone before format 2) are never read
FORMAT = 2
#: no real entry comes near this (the standard library's largest file entry is 0.1 MB, its run
#: entry 3.5 MB)
MAX_ENTRY = 64 * 2**20
_MAGIC = b"goport-cache %d " % FORMAT
_SUM_LEN = 32  # hex digits of the checksum: a 128-bit tag
#: the secret key's file name in the key folder, and its size in bytes
KEY_FILE = "entry-key"
KEY_SIZE = 32


@dataclass(frozen=True, slots=True)
class RunKey:
    """Where a tree's run entry is (``slot``) and what it must have been written for (``key``:
    every file's entry key, in order, and the ranking's settings); ``entries``: those entry keys."""

    slot: str
    key: str
    entries: tuple[str, ...]


class Cache:
    """Entries under ``directory``; with ``scanned_root``, a ``directory`` inside the scanned
    tree that is (or is under) a link out of it is not used at all: the tree planted it.
    ``key_dir`` holds the secret key (default: ``default_dir()``, whatever ``directory`` is).
    ``max_size``: the folder's cap in bytes (default: ``cachedir.max_size()``; 0: none)."""

    def __init__(
        self,
        directory: Path,
        config_digest: str,
        *,
        scanned_root: Path | None = None,
        key_dir: Path | None = None,
        max_size: int | None = None,
    ) -> None:
        self.folder = directory
        self.directory = directory / f"v{__version__}-json{FORMAT}"
        # where the user's folder really is: no entry is read from, or written into, elsewhere
        self.real_root = os.path.realpath(directory)
        self.salt = f"{code_fingerprint()}:{config_digest}".encode()
        self.max_size = cachedir.max_size() if max_size is None else max_size
        self.enabled = True
        self.hits = 0
        self.misses = 0
        self.written = 0
        if scanned_root is not None and _links_out(directory, scanned_root):
            log.warning(
                "cache disabled for this run: the cache folder %s is inside the scanned folder "
                "but a symbolic link leads out of it; not used",
                printable(str(directory)),
            )
            self.enabled = False
        self.secret = (
            secret_key(default_dir() if key_dir is None else key_dir, scanned_root=scanned_root)
            if self.enabled
            else b""
        )

    def _key(self, content_digest: str, source: SourceFile) -> str:
        # where the file sits is part of the key: its module name (which __init__.py files
        # exist around it) resolves its relative imports, and its kind (test, benchmark,
        # vendored...: goport.kinds) changes its role
        key = hashlib.blake2b(self.salt, digest_size=20)
        key.update(content_digest.encode())
        key.update(f"\0{source.rel_path}\0{source.module}\0{source.is_test}".encode())
        key.update(f"\0{source.kind.value}\0{source.kind_reason}".encode())
        return key.hexdigest()

    def _path(self, hexkey: str, suffix: str = ".entry") -> Path:
        return self.directory / hexkey[:2] / f"{hexkey}{suffix}"

    def get(self, content_digest: str, source: SourceFile) -> Entry | None:
        if not self.enabled:
            return None
        hexkey = self._key(content_digest, source)
        path = self._path(hexkey)
        value = self._read(path, hexkey, serial.loads)
        if value is not None and value.rel_path != source.rel_path:
            value = None  # well formed, but for another file: planted or copied
        if value is None:
            self.misses += 1
        else:
            self.hits += 1
            cachedir.touch(path)
        return value

    def put(self, content_digest: str, source: SourceFile, value: Entry) -> None:
        if not self.enabled:
            return
        hexkey = self._key(content_digest, source)
        self._write(self._path(hexkey), hexkey, value, source.rel_path)

    # -- a whole tree ----------------------------------------------------------------------------

    def run_key(
        self, files: Sequence[tuple[str, SourceFile]], *, slot: str, settings: str
    ) -> RunKey:
        """The run key of a tree of ``files`` (content digest, source: all of them, in order),
        under the slot named by ``slot`` (the scanned folder and the tree's role), for a ranking
        made with ``settings`` (everything besides the files' facts that it depends on)."""
        entries = tuple(self._key(digest, source) for digest, source in files)
        key = hashlib.blake2b(self.salt + b"\0run\0", digest_size=20)
        key.update(settings.encode("utf-8", "surrogateescape") + b"\0")
        key.update("\0".join(entries).encode())
        place = hashlib.blake2b(self.salt + b"\0slot\0", digest_size=20)
        place.update(slot.encode("utf-8", "surrogateescape"))
        return RunKey(place.hexdigest(), key.hexdigest(), entries)

    def get_run(self, run: RunKey) -> TreeRun | None:
        """The tree's run entry if it was written for exactly this key; on a hit, the per-file
        entries of the tree count as used (unless the entry itself was, within the hour: they
        were then too)."""
        if not self.enabled:
            return None
        path = self._path(run.slot, ".run")
        stale = cachedir.unused_for_an_hour(path)  # before reading it, which may set its atime
        value = self._read(path, run.key, serial.loads_run, quiet=True)
        if value is not None and stale:
            for entry in (path, *(self._path(hexkey) for hexkey in run.entries)):
                cachedir.touch(entry)
        return value

    def put_run(self, run: RunKey, value: TreeRun) -> None:
        if self.enabled:
            self._write(self._path(run.slot, ".run"), run.key, value, "the run")

    def finish(self) -> None:
        """After a run: evict the least recently used entries if this run wrote some and the
        folder is over its cap. Never an error."""
        if not self.written or not self.enabled:
            return
        removed, freed = cachedir.trim(self.folder, self.max_size, self.written)
        if removed:
            log.debug(
                "cache over its cap of %s: removed %d least recently used entries (%s)",
                cachedir.format_size(self.max_size),
                removed,
                cachedir.format_size(freed),
            )

    # -- files -----------------------------------------------------------------------------------

    def _read(
        self, path: Path, hexkey: str, loads: Callable[[bytes], _V], *, quiet: bool = False
    ) -> _V | None:
        """The value of the entry at ``path`` if it is intact and was written for ``hexkey``.
        ``quiet``: a checksum mismatch is expected (a run slot holds an older tree's entry)."""
        try:
            data = read_bytes(path, limit=MAX_ENTRY, within=self.real_root)
            value = _decode(self.secret, hexkey, data, loads)
        except UnsafeFileError as exc:
            if not isinstance(exc.__cause__, FileNotFoundError):
                log.debug("cache entry %s not used: %s", printable(str(path)), exc.reason)
            return None
        except serial.DecodeError as exc:
            if not quiet:
                log.debug("cache entry %s not used: %s", printable(str(path)), exc)
            return None
        return value

    def _write(self, path: Path, hexkey: str, value: Entry | TreeRun, what: str) -> None:
        try:
            payload = serial.dumps(value)
        except serial.EncodeError as exc:  # e.g. a NaN metric: analysed again next time
            log.debug("%s not cached: %s", printable(what), exc)
            return
        # a shard (or version) folder planted as a link out of the cache folder would have the
        # entries, and the folders made for them, written wherever it points
        shard = os.path.realpath(path.parent)
        if not is_within(shard, self.real_root):
            log.warning(
                "cache disabled for this run: %s leads out of the cache folder %s (a symbolic "
                "link); nothing is written through it",
                printable(str(path.parent)),
                printable(self.real_root),
            )
            self.enabled = False
            return
        data = _MAGIC + _checksum(self.secret, hexkey, payload) + b"\n" + payload
        if len(data) > MAX_ENTRY:  # it would never be read back
            log.debug("%s not cached: larger than %d bytes", printable(what), MAX_ENTRY)
            return
        try:
            write_atomic(path, data)
        except UnsafeFileError as exc:
            log.warning("cache disabled for this run: %s: %s", printable(exc.path), exc.reason)
            self.enabled = False
            return
        self.written += len(data)


def _links_out(directory: Path, scanned_root: Path) -> bool:
    inside = is_within(os.path.abspath(directory), os.path.abspath(scanned_root))
    return inside and not is_within(os.path.realpath(directory), os.path.realpath(scanned_root))


def secret_key(folder: Path, *, scanned_root: Path | None = None) -> bytes:
    """The secret that signs this user's entries: ``folder / KEY_FILE``, made on first use.

    Never an error: a key folder inside ``scanned_root`` (the tree could ship the key), one that
    cannot be written, or a key file that is not a regular file of ``KEY_SIZE`` bytes gives a
    fresh key for this run only, with one debug line.
    """
    path = folder / KEY_FILE
    if scanned_root is not None and is_within(
        os.path.realpath(folder), os.path.realpath(scanned_root)
    ):
        return _run_only_key(path, "the key folder is inside the scanned folder")
    try:
        made = _create_key(path)
    except OSError as exc:  # a read-only or full disk, a file where the folder should be
        return _run_only_key(path, f"cannot be written: {exc.strerror or exc}")
    if made is not None:
        return made
    try:
        # ``within``: a key file made by O_EXCL is never a link, so a link out was planted
        key = read_bytes(path, limit=KEY_SIZE, within=os.path.realpath(folder))
    except UnsafeFileError as exc:
        return _run_only_key(path, exc.reason)
    if len(key) != KEY_SIZE:  # truncated, or another run is between creating and writing it
        return _run_only_key(path, f"{len(key)} bytes, not {KEY_SIZE}")
    return key


def _create_key(path: Path) -> bytes | None:
    """A new key at ``path``, or None when something is there already (never replaced, never
    written through). The key is written whole to a private temporary file first and then
    linked into place, which fails on any file, link or dangling link already there: a process
    killed midway leaves no short key file that would switch the cache off for later runs."""
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(KEY_SIZE)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".goport-key-")
    try:
        try:
            if os.write(fd, key) != KEY_SIZE:
                raise OSError(f"short write to {tmp}")
        finally:
            os.close(fd)
        os.link(tmp, path)
    except FileExistsError:
        return None
    finally:
        os.unlink(tmp)
    return key


def _run_only_key(path: Path, why: str) -> bytes:
    log.debug(
        "cache key %s not used (%s): a key for this run only, earlier entries miss",
        printable(str(path)),
        why,
    )
    return secrets.token_bytes(KEY_SIZE)


def _checksum(secret: bytes, hexkey: str, payload: bytes) -> bytes:
    """A MAC of the entry key and payload: without ``secret`` no one can make one, and the entry
    key in it makes an intact entry copied to another entry's name a miss. (Keyed BLAKE2b is a
    MAC by design, in one pass: HMAC-SHA256 would hash twice for the same guarantee.)"""
    digest = hashlib.blake2b(hexkey.encode() + b"\n", digest_size=_SUM_LEN // 2, key=secret)
    digest.update(payload)
    return digest.hexdigest().encode()


def _decode(secret: bytes, hexkey: str, data: bytes, loads: Callable[[bytes], _V]) -> _V:
    """The value of an entry file; ``serial.DecodeError`` if it is not an intact entry."""
    start = len(_MAGIC) + _SUM_LEN + 1
    if not data.startswith(_MAGIC) or data[start - 1 : start] != b"\n":
        raise serial.DecodeError("no goport cache header of this format")
    payload = data[start:]
    if not hmac.compare_digest(data[len(_MAGIC) : start - 1], _checksum(secret, hexkey, payload)):
        raise serial.DecodeError("checksum mismatch")
    return loads(payload)
