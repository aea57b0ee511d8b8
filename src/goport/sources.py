"""Reading a file's bytes for analysis, and hashing them: the part of extraction a warm (cached)
run needs, kept free of libcst so that such a run never imports the parser."""

from __future__ import annotations

import hashlib
import os

from goport.errors import InputError
from goport.safeio import UnsafeFileError, read_bytes

DEFAULT_MAX_BYTES = 1_000_000


class ExtractError(InputError):
    """The file cannot be analysed; ``stage`` says where it failed."""

    def __init__(self, stage: str, message: str) -> None:
        super().__init__(message)
        self.stage = stage


def digest_bytes(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def too_large(max_bytes: int) -> str:
    return (
        f"larger than max-file-size ({max_bytes:,} bytes); usually generated code, which is "
        "not a port candidate. Raise --max-file-size to analyse it."
    )


def read_source(
    path: str, max_bytes: int = DEFAULT_MAX_BYTES, root: str | os.PathLike[str] | None = None
) -> bytes:
    """Read a file's bytes, refusing what cannot be Python source.

    Through ``safeio``: a FIFO or device (say, a file swapped for one since discovery) is an
    error, never opened or waited on; with ``root`` (the resolved scanned folder), so is a path
    whose real location has left it.
    """
    try:
        data = read_bytes(path, limit=max_bytes, within=root)
    except UnsafeFileError as exc:
        # safeio words the size cap in general terms; here the user's flag is what to change
        reason = too_large(max_bytes) if exc.reason.startswith("larger than") else exc.reason
        raise ExtractError("read", reason) from exc
    if b"\x00" in data:
        raise ExtractError("read", "binary file (contains NUL bytes), not Python source")
    return data
