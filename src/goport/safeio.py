"""Every file goport reads or writes goes through here.

The scanned tree is hostile input: a file in it may be a FIFO that blocks a reader forever, a
link to ``/dev/zero`` that never ends, or a link out of the tree to ``/etc``; a path the user
names for output may already be a link planted to make goport write somewhere else. So:

- ``read_bytes`` reads regular files only (the type is checked before opening, so a device is
  never opened, and again on the open descriptor), never more than a cap, with ``O_NONBLOCK``
  so that a file swapped for a FIFO cannot block; with ``within`` it refuses a path whose real
  location is outside that folder.
- ``write_atomic`` writes a temporary file beside the target and renames it over the target: a
  link at the target is replaced, never written through; a failure (a full disk) leaves the old
  file as it was and no temporary file behind.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from goport.errors import InputError

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


class UnsafeFileError(InputError):
    """A file goport was asked to read or write cannot be used safely; ``reason`` says why
    without the path (per-file analysis errors name the file separately)."""

    def __init__(self, path: str | os.PathLike[str], reason: str) -> None:
        super().__init__(f"{os.fspath(path)}: {reason}")
        self.path = os.fspath(path)
        self.reason = reason


def kind(mode: int) -> str:
    """What a non-regular file is, in words."""
    for test, name in _KINDS:
        if test(mode):
            return name
    return "not a regular file"


def is_within(path: str | os.PathLike[str], folder: str | os.PathLike[str]) -> bool:
    """Whether ``path`` lies in ``folder`` (both taken as they are: resolve them first)."""
    path, folder = os.fspath(path), os.fspath(folder)
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def read_bytes(
    path: str | os.PathLike[str], *, limit: int, within: str | os.PathLike[str] | None = None
) -> bytes:
    """The content of the regular file ``path``, refusing anything else.

    ``limit`` caps the bytes read: a larger file is an error, not a truncated read. With
    ``within`` (an already resolved folder), a path whose real location is outside it is refused.
    """
    target = os.fspath(path)
    if within is not None:
        real = os.path.realpath(target)
        if not is_within(real, within):
            raise UnsafeFileError(target, "a symbolic link out of the scanned folder; not followed")
        target = real
    try:
        before = os.stat(target)
    except OSError as exc:
        raise _error(path, "cannot read", exc) from exc
    if not stat.S_ISREG(before.st_mode):
        raise UnsafeFileError(path, f"{kind(before.st_mode)}, not a regular file; not read")
    if before.st_size > limit:
        raise UnsafeFileError(path, f"larger than {limit:,} bytes; not read")
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    if within is not None:
        flags |= getattr(os, "O_NOFOLLOW", 0)  # ``target`` is resolved: a link now is a swap
    try:
        fd = os.open(target, flags)
    except OSError as exc:
        raise _error(path, "cannot read", exc) from exc
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):  # replaced between the check and the open
            raise UnsafeFileError(path, f"{kind(mode)}, not a regular file; not read")
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise _error(path, "cannot read", exc) from exc
    finally:
        os.close(fd)
    if size > limit:  # it grew after the check
        raise UnsafeFileError(path, f"larger than {limit:,} bytes; not read")
    return b"".join(chunks)


def read_text(
    path: str | os.PathLike[str], *, limit: int, within: str | os.PathLike[str] | None = None
) -> str:
    """``read_bytes`` decoded as UTF-8 (a leading BOM allowed); bad UTF-8 is an error."""
    data = read_bytes(path, limit=limit, within=within)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnsafeFileError(
            path, f"not valid UTF-8 (byte {exc.start}: {data[exc.start : exc.start + 1]!r})"
        ) from exc


def check_inside(path: Path, root: Path) -> None:
    """Refuse ``path`` when a link inside ``root`` (a resolved folder) leads its folder out of
    it: some folder above ``path`` resolves into the root, yet ``path``'s own folder does not.
    Writing there would write through a link the tree planted. Judged on resolved paths, so it
    holds however the path is spelled (relative, through a linked working folder)."""
    parent = Path(os.path.abspath(path)).parent
    if is_within(os.path.realpath(parent), root):
        return
    for folder in parent.parents:
        if is_within(os.path.realpath(folder), root):
            raise UnsafeFileError(
                path,
                "a folder on this path is a symbolic link out of the scanned folder; not written",
            )


def write_atomic(path: Path, data: bytes, *, root: Path | None = None) -> None:
    """Write ``data`` to ``path`` through a temporary file renamed over it.

    A symbolic link at ``path`` is replaced by the new file, never written through. With ``root``
    (a resolved folder), see ``check_inside``. On failure the previous content (or absence) of
    ``path`` is kept and the temporary file removed; the error names ``path``.
    """
    if root is not None:
        check_inside(path, root)
    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # a short name of its own: the target's name may already be as long as names can be
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".goport-", suffix=".tmp")
        try:
            os.fchmod(fd, 0o666 & ~_umask())
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)
        os.replace(tmp, path)
        tmp = None
    except OSError as exc:
        raise _error(path, "cannot write", exc) from exc
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _error(path: str | os.PathLike[str], doing: str, exc: OSError) -> UnsafeFileError:
    return UnsafeFileError(path, f"{doing}: {exc.strerror or exc}")
