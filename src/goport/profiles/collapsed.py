"""Collapsed ("folded") stacks: py-spy raw output, austin's text output, flamegraph.pl input."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from goport.profiles.model import Frame, Profile
from goport.profiles.parse import (
    MAX_COLLAPSED_FRAMES,
    MAX_STACK_DEPTH,
    PROCESS_LABEL,
    THREAD_LABEL,
    StackTotals,
    error,
    line_number,
    make_profile,
    show,
    unsupported,
)

# a py-spy raw line can be split by a newline inside a `process N:"..."` command line
_PROCESS_LABEL_START = re.compile(r'(?:^|;)process \d+:"')
_LEADING_PROCESS_LABEL = re.compile(r'process \d+:".*?";', re.DOTALL)

_METRIC = re.compile(r"[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?\Z")
_AUSTIN_FULL_METRIC = re.compile(r"([0-9]+),([01]),(-?[0-9]+)\Z")
_AUSTIN_PID = re.compile(r"P\d+\Z")
_AUSTIN_TID = re.compile(r"T(?:0x)?[0-9A-Fa-f]+(?::(?:0x)?[0-9A-Fa-f]+)?\Z")
_AUSTIN_ALT_LINE = re.compile(r"L([0-9]+)\Z")
_DIGITS = re.compile(r"[0-9]+\Z")
_FILE_FUNC_LINE = re.compile(r"(?P<file>.+):(?P<name>[^:]+):(?P<line>[0-9]+)\Z")
_FILE_FUNC = re.compile(r"(?P<file>.+):(?P<name>[^:/\\]+)\Z")


@dataclass(frozen=True, slots=True)
class _Sample:
    frames: tuple[Frame, ...]
    weight: float
    thread: str
    idle: bool


def read_collapsed(path: Path, text: str) -> Profile:
    lines = list(_logical_lines(text))
    meta = _austin_metadata(lines)
    if meta.get("mode") == "memory":
        raise error(path, "austin memory profile (bytes, not time)", "Record austin in time mode")
    data = [(number, line) for number, line in lines if line.strip() and not line.startswith("#")]
    if text.lstrip().startswith(("<?xml", "<svg", "<!DOCTYPE", "<html")):
        raise unsupported(path, "an SVG/HTML flame graph (record with `--format speedscope`)")
    if not data:
        raise unsupported(path, "text without a single 'frame;frame;leaf COUNT' line")
    austin = _is_austin(data[0][1])
    totals = StackTotals()
    bad: list[tuple[int, str]] = []
    frames = 0
    for number, line in data:
        sample = _austin_sample(line) if austin else _folded_sample(line)
        if sample is None:
            bad.append((number, line))
            continue
        frames += len(sample.frames)
        if len(sample.frames) > MAX_STACK_DEPTH or frames > MAX_COLLAPSED_FRAMES:
            raise error(
                path,
                f"line {number}: more frames than any real recording holds (a stack of at most "
                f"{MAX_STACK_DEPTH:,}, {MAX_COLLAPSED_FRAMES:,} in all); it looks corrupt",
            )
        totals.add(sample.frames, sample.weight, sample.thread, sample.idle)
    if bad and len(bad) == len(data):
        raise unsupported(path, f"text that is not 'frame;frame;leaf COUNT' (line {bad[0][0]})")
    if bad:
        number, line = bad[0]
        excerpt = line if len(line) <= 60 else line[:57] + "..."
        raise error(
            path,
            f"line {number} is not 'frame;frame;leaf COUNT' ({show(excerpt, 64)}); "
            f"{len(bad)} bad line(s), the file looks truncated or corrupt",
        )
    return make_profile(path, "collapsed", totals.stacks(), "seconds" if austin else "samples")


def _logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """Numbered lines, with py-spy's newline-split `process N:"cmd"` labels joined back.

    Each physical line is looked at once: a label left open by a hostile file must not make
    every later line rescan all the ones before it."""
    pending: list[str] = []
    start = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if pending:
            pending.append(line)
        else:
            pending, start = [line], number
        if not _left_open(line, first=len(pending) == 1):
            yield start, "\n".join(pending)
            pending = []
    if pending:
        yield start, "\n".join(pending)


def _left_open(line: str, *, first: bool) -> bool:
    """Whether a logical line is still inside a `process N:"` label after ``line``, its first
    physical line or (``first`` False) a continuation of one left open.

    A label is open until a `";` follows it; if any label is open, the last one is (whatever
    follows an earlier one follows it too), so only the last label start needs a look. Only the
    logical line's very start or a ';' may start a label."""
    last = None
    for match in _PROCESS_LABEL_START.finditer(line):
        if first or line[match.start()] == ";":
            last = match
    if last is not None:
        return '";' not in line[last.end() :]
    return not first and '";' not in line


def _austin_metadata(lines: Sequence[tuple[int, str]]) -> dict[str, str]:
    meta: dict[str, str] = {}
    for _, line in lines:
        if line.startswith("# ") and ": " in line:
            key, _, value = line[2:].partition(": ")
            meta[key.strip()] = value.strip()
    return meta


def _split_metric(line: str) -> tuple[str, str] | None:
    """(stack, metric) of a line; py-spy writes " 1" for a sample without Python frames."""
    stack, sep, metric = line.rstrip().rpartition(" ")
    if not sep:
        return None
    return stack.rstrip(), metric


def _is_austin(line: str) -> bool:
    parts = line.split(";", 2)
    return len(parts) >= 2 and bool(_AUSTIN_PID.match(parts[0]) and _AUSTIN_TID.match(parts[1]))


def _austin_sample(line: str) -> _Sample | None:
    split = _split_metric(line)
    if split is None:
        return None
    stack, metric = split
    full = _AUSTIN_FULL_METRIC.match(metric)
    if full:
        micros, idle = float(full.group(1)), full.group(2) == "1"
    elif _METRIC.match(metric):
        micros, idle = float(metric), False
    else:
        return None
    parts = stack.split(";")
    if len(parts) < 2 or not (_AUSTIN_PID.match(parts[0]) and _AUSTIN_TID.match(parts[1])):
        return None
    frames: list[Frame] = []
    for part in parts[2:]:
        alt = _AUSTIN_ALT_LINE.match(part)
        if alt and frames and frames[-1].line is None:  # austin -a: `file:function;L<line>`
            frames[-1] = Frame(frames[-1].name, frames[-1].file, _number(alt.group(1)))
        elif part.startswith(":") and part.endswith(":"):  # :GC:, :INVALID: markers
            continue
        else:
            frames.append(_plain_frame(part))
    return _Sample(tuple(frames), micros / 1e6, f"{parts[0]};{parts[1]}", idle)


def _folded_sample(line: str) -> _Sample | None:
    split = _split_metric(line)
    if split is None or not _METRIC.match(split[1]):
        return None
    stack, metric = split
    # py-spy --subprocesses: root labels `process N:"command line"` may hold ';' and newlines
    skip = 0
    while match := _LEADING_PROCESS_LABEL.match(stack, skip):
        skip = match.end()
    stack = stack[skip:]
    frames: list[Frame] = []
    thread = ""
    for part in stack.split(";") if stack else ():
        if PROCESS_LABEL.match(part):
            continue
        if THREAD_LABEL.match(part):
            thread = part
            continue
        frame = _folded_frame(part)
        if frame is None:
            return None
        frames.append(frame)
    return _Sample(tuple(frames), float(metric), thread, False)


def _folded_frame(part: str) -> Frame | None:
    if not part:
        return None
    # py-spy: `name (file:line)`, `name (file)` with --nolineno; the first " (" after the name
    # starts the location (a regular expression here backtracks quadratically on "a (a (a (...")
    opening = part.find(" (", 1) if part.endswith(")") and "\n" not in part else -1
    if opening > 0:
        name, where = part[:opening], part[opening + 2 : -1]
        file, sep, line = where.rpartition(":")
        if sep and _DIGITS.match(line):
            return Frame(name, file, _number(line))
        return Frame(name, where)
    return _plain_frame(part)


def _number(digits: str) -> int | None:
    """A line number from the file, or None: int() refuses more than 4,300 digits."""
    return line_number(int(digits)) if len(digits) <= 18 else None


def _plain_frame(part: str) -> Frame:
    """`file:function:line` (austin and others), `file:function`, or a bare function name."""
    match = _FILE_FUNC_LINE.match(part)
    if match:
        return Frame(match.group("name"), match.group("file"), _number(match.group("line")))
    match = _FILE_FUNC.match(part)
    if match and _looks_like_path(match.group("file")):
        return Frame(match.group("name"), match.group("file"))
    return Frame(part, "")


def _looks_like_path(text: str) -> bool:
    return (
        "/" in text
        or "\\" in text
        or text.endswith((".py", ".pyx", ".pyi"))
        or (text.startswith("<") and text.endswith(">"))
    )
