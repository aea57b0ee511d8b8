"""Reading a file's bytes for analysis, and hashing them: the part of extraction a warm (cached)
run needs, kept free of libcst so that such a run never imports the parser."""

from __future__ import annotations

import hashlib

from goport.errors import InputError

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


def read_source(path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """Read a file's bytes, refusing what cannot be Python source."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise ExtractError("read", f"cannot read the file: {exc.strerror or exc}") from exc
    if len(data) > max_bytes:
        raise ExtractError("read", too_large(max_bytes))
    if b"\x00" in data:
        raise ExtractError("read", "binary file (contains NUL bytes), not Python source")
    return data
