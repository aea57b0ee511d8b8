"""What goport's commands share to talk to the user: width and colour, the progress bar, the
analysis run behind it, writing a report safely, one-line messages and logging. Every name from
the scanned tree that reaches the terminal here goes through ``printable`` and ``inert``."""

from __future__ import annotations

import logging
import os
import stat
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from goport.errors import InputError
from goport.safeio import is_within
from goport.text import inert, printable

if TYPE_CHECKING:
    from goport.config import Config
    from goport.model import RunResult


def width() -> int:
    """The width to lay terminal output out for: COLUMNS, else the terminal's, even when piped
    (rich cannot see them through the buffer the reporter writes to)."""
    from goport.reports.terminal import terminal_width

    return terminal_width()


def use_color(stream: Any) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return bool(getattr(stream, "isatty", lambda: False)())


def progress(quiet: bool) -> tuple[Any, Any]:
    """A rich progress bar on stderr when stderr is a terminal: files done of all, files per
    second and the time left; (callback, closer). The bar and the time left follow the bytes
    analysed (the biggest files go first, so a count of files would promise too much too
    early); files answered from the cache count as done but not towards the rate."""
    if quiet or not sys.stderr.isatty():
        return None, lambda: None
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    progress = Progress(
        TextColumn("analysing"),
        BarColumn(),
        TextColumn("{task.fields[files]} files {task.fields[rate]}"),
        TimeElapsedColumn(),
        TextColumn("eta"),
        TimeRemainingColumn(),
        console=Console(file=sys.stderr),
        transient=True,
    )
    task = progress.add_task("files", total=None, files="", rate="")
    progress.start()
    start: list[tuple[int, float]] = []  # files done before any was analysed, and when

    def update(done: int, total: int, work: float) -> None:
        now = progress.get_time()
        if not start:
            start.append((done, now))
            progress.reset(task, total=1.0, files=f"{done}/{total}", rate="")
            progress.update(task, completed=work)
            return
        first, since = start[0]
        rate = (done - first) / (now - since) if now > since else 0.0
        shown = f"{rate:.0f}/s" if rate >= 1 else f"{rate:.1f}/s"
        progress.update(task, completed=work, files=f"{done}/{total}", rate=shown)

    return update, progress.stop


def run_analysis(config: Config, quiet: bool, *, with_facts: bool = False) -> RunResult:
    """The pipeline, with a progress bar on a terminal's stderr; ``with_facts``: the command
    reads ``RunResult.modules`` (a warm run leaves them out unless asked)."""
    from goport.pipeline import run

    update, stop = progress(quiet)
    try:
        return run(config, progress=update, with_facts=with_facts)
    finally:
        stop()


def write_report(text: str, output: Path | None, *, root: Path | None = None) -> None:
    """The report to stdout, or to ``output`` through ``safeio.write_atomic``: a link at
    ``output`` is replaced, never written through; with ``root`` (the scanned root) a path inside
    it whose folder is a link out of it is refused; a failed write (a full disk) leaves neither an
    empty report nor a temporary file. A stream the user names under /dev or /proc
    (``/dev/stdout``, ``/dev/null``, ``/dev/fd/N``) is written in place, since replacing it would
    be wrong and the scanned tree cannot plant one there."""
    text = _encodable(text)
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    data = text.encode("utf-8")
    if _is_stream(output, root):
        _write_stream(data, output)
        return
    _check_folders(output)
    from goport.safeio import write_atomic

    write_atomic(output, data, root=root)


def _encodable(text: str) -> str:
    """``text``, with any lone surrogate (an undecodable file-name byte a reporter let through)
    written as a backslash escape: valid UTF-8 rather than a lost report."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


def _is_stream(output: Path, root: Path | None) -> bool:
    absolute = os.path.abspath(output)
    if not absolute.startswith(("/dev/", "/proc/")):
        return False
    if root is not None and is_within(Path(absolute), root):
        return False
    try:
        mode = os.lstat(absolute).st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def _write_stream(data: bytes, output: Path) -> None:
    flags = os.O_WRONLY | os.O_APPEND | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(output, flags)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)
    except OSError as exc:
        raise InputError(f"{output}: cannot write: {exc.strerror or exc}") from exc


def _check_folders(output: Path) -> None:
    """Name the culprit when a folder on the way to ``output`` is a file (mkdir would only say
    "File exists")."""
    for folder in Path(os.path.abspath(output)).parents:
        if os.path.lexists(folder):
            if not folder.is_dir():
                raise InputError(f"{output}: cannot write: {folder} is not a folder")
            return


def say(message: str, *, err: bool = True) -> None:
    """One line of goport's own (stderr unless ``err`` is False). It may quote names from the
    scanned tree: controls are shown escaped, and ``inert`` keeps a CI runner from reading it as
    a workflow command (``::add-mask::``, ``##[stop-commands]``)."""
    typer.echo(inert(printable(message)), err=err)


class _PrintableFormatter(logging.Formatter):
    """Log lines quote names from the scanned tree: show their control characters escaped, and
    never let a line read as a CI workflow command. The message is one line; a traceback keeps
    its own line breaks, each line escaped."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        return inert(printable(super().formatMessage(record)))

    def formatException(self, ei: Any) -> str:
        return _printable_lines(super().formatException(ei))

    def formatStack(self, stack_info: str) -> str:
        return _printable_lines(super().formatStack(stack_info))


def _printable_lines(text: str) -> str:
    return "\n".join(inert(printable(line)) for line in text.split("\n"))


def setup_logging(quiet: bool, verbose: bool) -> None:
    level = logging.ERROR if quiet else logging.DEBUG if verbose else logging.WARNING
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_PrintableFormatter("goport: %(message)s"))
    logging.basicConfig(level=level, handlers=[handler])
