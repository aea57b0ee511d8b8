"""GitHub Actions: workflow-command annotations, and the full report for the step summary.

``render`` is pure: it returns ``::warning``/``::notice`` lines (see ``annotations`` for what is
annotated). GitHub shows at most ten annotations of each level per step and silently drops the
rest, so at most ``Options.max_annotations`` per level are emitted, most important first (every
candidate's first item before any candidate's second), and a final plain line says how many were
left out. ``report`` is what the reporter registry calls: ``render`` plus, when
``Options.step_summary`` is set (the CLI passes ``$GITHUB_STEP_SUMMARY``), appending
``summary_markdown`` to that file.

Escaping follows the runner's rules: in the message (data) ``%``, CR and LF become ``%25``,
``%0D``, ``%0A``; property values (file, title) additionally get ``:`` -> ``%3A`` and
``,`` -> ``%2C``, so no part can end the command early or start a new line. Plain lines are
``goport.text.inert``: no ``::`` at their start (the runner trims whitespace first), no ``##[``
anywhere. The Actions log renders ANSI sequences, so every other control, bidi or
invisible character (from file names, messages, reasons) is shown escaped by ``printable`` first.

A step summary that cannot be appended to (a folder, a FIFO, a full disk) is one warning on
stderr; the annotations are printed all the same. The summary file is opened without blocking
and must be a regular file.
"""

from __future__ import annotations

import logging
import os
import re
import stat
from collections.abc import Sequence
from pathlib import Path

from goport.model import RunResult
from goport.reports import GO_STRATEGIES, Options, markdown
from goport.reports.annotations import Annotation, Level, by_importance, select
from goport.safeio import UnsafeFileError, kind
from goport.text import inert, printable

logger = logging.getLogger(__name__)

_BREAK = re.compile(r"(\r|\n)")


def escape_data(value: str) -> str:
    # CR and LF have the runner's own escapes (a message may span lines); the rest is printable.
    # "##[" or "::" inside is left alone: the runner parses the line as this (v2) command first
    # and never reads its message for another one.
    parts = _BREAK.split(value)  # the breaks themselves at the odd indexes
    value = "".join(part if i % 2 else printable(part) for i, part in enumerate(parts))
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def command(level: str, message: str, properties: Sequence[tuple[str, str]] = ()) -> str:
    """One workflow command line: ``::level k=v,k=v::message`` with both parts escaped."""
    props = ",".join(f"{key}={escape_property(value)}" for key, value in properties)
    return (
        f"::{level} {props}::{escape_data(message)}"
        if props
        else f"::{level}::{escape_data(message)}"
    )


def annotation_command(a: Annotation) -> str:
    props = [("file", a.path), ("line", str(a.line))]
    if a.end_line > a.line:
        props.append(("endLine", str(a.end_line)))
    props.append(("title", a.title))
    return command(a.level.value, a.message, props)


def plain(line: str) -> str:
    """A log line that the runner cannot read as a command (see ``goport.text.inert``: a leading
    space would not do, the runner trims it)."""
    return inert(printable(markdown.one_line(line)))


def shown(annotations: Sequence[Annotation], cap: int) -> tuple[list[Annotation], int]:
    """The annotations to emit (at most ``cap`` per level, most important first), and how many not."""
    kept: list[Annotation] = []
    count = {level: 0 for level in Level}
    for a in by_importance(annotations):
        if count[a.level] < cap:
            kept.append(a)
            count[a.level] += 1
    return kept, len(annotations) - len(kept)


def render(result: RunResult, options: Options) -> str:
    every = select(result, path_prefix=options.path_prefix)
    kept, dropped = shown(every, max(0, options.max_annotations))
    go = sum(1 for c in result.candidates if c.strategy in GO_STRATEGIES)
    lines = [
        plain(
            f"goport {result.tool_version}: {len(result.candidates)} candidate module(s), "
            f"{go} with a Go strategy; {len(every)} annotation(s), {len(kept)} shown."
        )
    ]
    lines += [annotation_command(a) for a in kept]
    if dropped:
        where = (
            "the step summary has the full ranking"
            if options.step_summary is not None
            else "run goport scan --format sarif or --format markdown for all of them"
        )
        lines.append(
            plain(
                f"goport: {dropped} more annotation(s) left out (GitHub shows at most "
                f"{options.max_annotations} per level and step); {where}."
            )
        )
    return "\n".join(lines) + "\n"


def summary_markdown(result: RunResult) -> str:
    """The whole ranked table and the top candidates' details, for ``$GITHUB_STEP_SUMMARY``.

    In diff mode the report covers the changed files; the summary still ranks every module, so a
    reviewer sees where the changed ones stand."""
    blocks = markdown.blocks(result, Options(), rows=None)
    if result.ranking and len(result.ranking) > len(result.candidates):
        everything = markdown.table(result.ranking, None)
        blocks = markdown.insert_after(
            blocks, "details", markdown.Block("ranking", "### Whole ranking\n\n" + everything)
        )
    return markdown.join(blocks)


def write_step_summary(result: RunResult, path: Path) -> None:
    """Append (never overwrite: earlier steps write to the same file) the summary to ``path``.

    Only a regular file is written (created if missing); ``O_NONBLOCK`` so that a FIFO cannot
    hang the step. Raises ``UnsafeFileError`` or ``OSError``."""
    data = (summary_markdown(result) + "\n").encode("utf-8")
    _check_regular(path, os.stat(path) if os.path.exists(path) else None)
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC
    fd = os.open(path, flags, 0o666)
    try:
        _check_regular(path, os.fstat(fd))  # swapped between the check and the open
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)


def _check_regular(path: Path, st: os.stat_result | None) -> None:
    if st is not None and not stat.S_ISREG(st.st_mode):
        raise UnsafeFileError(path, f"{kind(st.st_mode)}, not a regular file")


def report(result: RunResult, options: Options) -> str:
    """The registry's entry: the annotations, and the step summary appended when one is set.

    A failed append must not cost the annotations (the part reviewers see on the diff)."""
    out = render(result, options)
    if options.step_summary is not None:
        try:
            write_step_summary(result, options.step_summary)
        except UnsafeFileError as exc:
            _summary_not_written(options.step_summary, exc.reason)
        except OSError as exc:
            _summary_not_written(options.step_summary, exc.strerror or str(exc))
    return out


def _summary_not_written(path: Path, reason: str) -> None:
    logger.warning(
        "warning: the step summary ($GITHUB_STEP_SUMMARY=%s) was not written: %s; "
        "the annotations are printed all the same",
        path,
        reason,
    )
