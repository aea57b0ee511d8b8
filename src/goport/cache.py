"""Per-file analysis results keyed by content hash + goport's own code + extraction config.

Entries live in the user cache directory (never in the scanned tree unless the user points
``--cache-dir`` there), one pickle per file, sharded by the first two hex digits of the key, and
written atomically. A corrupt, unreadable or foreign entry is a miss; a cache that cannot be
written is switched off for the run with one log line, never an error.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import tempfile
from pathlib import Path

import platformdirs

from goport import __version__
from goport.model import AnalysisError, ModuleFacts, SourceFile

log = logging.getLogger(__name__)

Entry = ModuleFacts | AnalysisError


def default_dir() -> Path:
    return Path(platformdirs.user_cache_dir("goport", appauthor=False))


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


class Cache:
    def __init__(self, directory: Path, config_digest: str) -> None:
        self.directory = directory / f"v{__version__}"
        self.salt = f"{code_fingerprint()}:{config_digest}".encode()
        self.enabled = True
        self.hits = 0
        self.misses = 0

    def _path(self, content_digest: str, source: SourceFile) -> Path:
        # where the file sits is part of the key: its module name (which __init__.py files
        # exist around it) resolves its relative imports, and test status changes its role
        key = hashlib.blake2b(self.salt, digest_size=20)
        key.update(content_digest.encode())
        key.update(f"\0{source.rel_path}\0{source.module}\0{source.is_test}".encode())
        hexkey = key.hexdigest()
        return self.directory / hexkey[:2] / f"{hexkey}.pickle"

    def get(self, content_digest: str, source: SourceFile) -> Entry | None:
        if not self.enabled:
            return None
        path = self._path(content_digest, source)
        try:
            with path.open("rb") as handle:
                value = pickle.load(handle)
        except FileNotFoundError:
            self.misses += 1
            return None
        except Exception:  # noqa: BLE001 - any corrupt entry is just a miss
            log.debug("ignoring unreadable cache entry %s", path)
            self.misses += 1
            return None
        if isinstance(value, (ModuleFacts, AnalysisError)):
            self.hits += 1
            return value
        self.misses += 1
        return None

    def put(self, content_digest: str, source: SourceFile, value: Entry) -> None:
        if not self.enabled:
            return
        path = self._path(content_digest, source)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except OSError as exc:
            log.warning("cache disabled for this run: cannot write %s (%s)", self.directory, exc.strerror)
            self.enabled = False
