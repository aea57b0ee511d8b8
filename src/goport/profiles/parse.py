"""What every profile reader shares: the limits that keep a hostile profile linear, the
errors that name the file and what to do, safe reading, and stack totals with checks."""

from __future__ import annotations

import logging
import math
import re
import stat
from collections.abc import Sequence
from pathlib import Path

from goport.errors import ProfileError
from goport.profiles.model import CallPath, Frame, Profile, Stack
from goport.safeio import UnsafeFileError, kind, read_bytes
from goport.text import printable

logger = logging.getLogger(__name__)

#: the key under which ``goport profile`` adds its own data to a speedscope recording
CODE_KEY = "goport"
SUPPORTED_FORMATS = "speedscope JSON, collapsed stacks, pstats, pyinstrument JSON"

#: a profile larger than this is refused rather than read: long recordings of busy services
#: reach hundreds of MB, and past this the reader would need several GB of memory
MAX_PROFILE_BYTES = 1 << 30
#: frames in one stack: Python's own recursion limit is 1,000; a raised one rarely 100,000
MAX_STACK_DEPTH = 100_000
#: distinct call paths (stack prefixes) in one profile: a long py-spy recording holds thousands
MAX_CALL_PATHS = 2_000_000
#: frames over all lines of a folded file, whose lines are already distinct stacks
MAX_COLLAPSED_FRAMES = 5_000_000

#: weights are samples or seconds; no real recording comes near this (30,000 years of samples at
#: 1 kHz), and with it the sums over any number of profiles stay finite, so no share is NaN
MAX_TOTAL_WEIGHT = 1e15

HINT = (
    "Record it again, e.g. `goport profile -o profile.json -- python your_app.py`, "
    "or pass a file in a supported format"
)

# py-spy pseudo-frames (no file): `process 123:"cmdline"` (--subprocesses), `thread (123): name`
PROCESS_LABEL = re.compile(r'process \d+:".*"\Z', re.DOTALL)
THREAD_LABEL = re.compile(r"thread \((?:0x)?[0-9A-Fa-f]+\)(?:: .*)?\Z")


def error(path: Path, reason: str, hint: str = HINT) -> ProfileError:
    return ProfileError(f"{printable(str(path))}: {reason}. {hint}.")


def show(value: object, limit: int = 40) -> str:
    """A value from the file for an error message: one line, never long."""
    text = printable(repr(value)) if isinstance(value, str) else short_repr(value, limit)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def short_repr(value: object, limit: int) -> str:
    # a nested list from the file may be huge or deep: name its type instead of printing it
    if isinstance(value, list | dict):
        return f"a JSON {'list' if isinstance(value, list) else 'object'}"
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 4 * limit:
        return "a huge integer"  # repr() of a 5,000-digit int raises ValueError
    return printable(repr(value))


def unsupported(path: Path, what: str) -> ProfileError:
    return error(path, f"{what}; not a supported profile format ({SUPPORTED_FORMATS})")


def check_profile_path(path: Path) -> None:
    """Refuse a path that cannot hold a profile (missing, a folder, a FIFO, a device, over
    ``MAX_PROFILE_BYTES``) without opening it: the CLI asks before a long scan, and reading
    asks again."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise error(path, "no such file", "Check the path given to --profile") from None
    except OSError as exc:
        raise cannot_read(path, exc) from None
    if stat.S_ISDIR(info.st_mode):
        raise error(path, "is a folder, not a profile file", "Name the profile file")
    if not stat.S_ISREG(info.st_mode):
        raise error(path, f"is {kind(info.st_mode)}, not a profile file", "Name a regular file")
    if info.st_size > MAX_PROFILE_BYTES:
        raise too_big(path)


def read_profile_bytes(path: Path) -> bytes:
    """The file's bytes; a FIFO, a device or a file over the cap is refused, never waited on."""
    check_profile_path(path)
    try:
        return read_bytes(path, limit=MAX_PROFILE_BYTES)
    except UnsafeFileError as exc:  # it changed since the check
        if isinstance(exc.__cause__, OSError):
            raise cannot_read(path, exc.__cause__) from None
        raise error(path, exc.reason, "Name a regular file") from None


def cannot_read(path: Path, exc: OSError) -> ProfileError:
    return error(path, f"cannot be read ({exc.strerror or exc})", "Check its permissions")


def too_big(path: Path) -> ProfileError:
    return error(
        path,
        f"larger than {MAX_PROFILE_BYTES >> 30} GiB, the most goport reads",
        "Profile a shorter run, or fewer threads",
    )


def decode_text(path: Path, data: bytes) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise unsupported(path, "binary data that is not a pstats dump") from None
    if "\x00" in text:
        raise unsupported(path, "binary data that is not a pstats dump")
    return text


def finite(value: object) -> float | None:
    """A JSON number as float, or None for anything else (bools, strings, NaN, infinities)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    result = float(value)
    return result if math.isfinite(result) else None


def line_number(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        return None
    return value


class Paths:
    """Interns call paths: one ``CallPath`` per distinct path, so identical stacks are one object
    and adding a frame to a path costs O(1) whatever its depth. A path deeper than any real
    stack, or more distinct paths than any real recording holds, is a corrupt (or hostile) file:
    each costs a few hundred bytes, so a small file could otherwise take gigabytes."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._children: dict[tuple[int, Frame], CallPath] = {}  # (id of the caller, frame)

    def child(self, caller: CallPath | None, frame: Frame) -> CallPath:
        key = (0 if caller is None else id(caller), frame)  # callers live on as values here
        path = self._children.get(key)
        if path is None:
            if caller is not None and len(caller) >= MAX_STACK_DEPTH:
                raise error(
                    self._path,
                    f"a stack deeper than {MAX_STACK_DEPTH:,} frames, more than any real "
                    "program; it looks corrupt",
                )
            if len(self._children) >= MAX_CALL_PATHS:
                raise error(
                    self._path,
                    f"more than {MAX_CALL_PATHS:,} distinct call paths, more than any real "
                    "recording; it looks corrupt",
                )
            path = self._children[key] = CallPath(frame, caller)
        return path


class StackTotals:
    """Sums the weight of identical stacks, keeping the order in which they were first seen.

    Tuples are told apart by content; interned ``CallPath``s by identity, which is the same thing
    for them and costs O(1) instead of O(depth)."""

    def __init__(self) -> None:
        self._weights: dict[tuple[object, str, bool], tuple[Sequence[Frame], float]] = {}

    def add(
        self, frames: Sequence[Frame] | None, weight: float, thread: str = "", idle: bool = False
    ) -> None:
        if not frames or weight <= 0:
            return
        key = (id(frames) if isinstance(frames, CallPath) else frames, thread, idle)
        _, total = self._weights.get(key, (frames, 0.0))
        self._weights[key] = (frames, total + weight)

    def stacks(self) -> tuple[Stack, ...]:
        return tuple(
            Stack(frames=frames, weight=weight, idle=idle, thread=thread)
            for (_, thread, idle), (frames, weight) in self._weights.items()
        )


def make_profile(path: Path, fmt: str, stacks: tuple[Stack, ...], unit: str) -> Profile:
    if not stacks:
        raise error(
            path,
            "the profile contains no samples",
            "The program may have ended before it was sampled, or was idle the whole time: "
            "profile a longer run, or record with --idle",
        )
    return checked(Profile(path=str(path), format=fmt, stacks=stacks, unit=unit))


def checked(profile: Profile) -> Profile:
    """The profile, if its weights are finite and so is their sum (``MAX_TOTAL_WEIGHT`` at
    most): shares of an infinite total would be NaN, which ranks nothing and trips no gate."""
    path = Path(profile.path)
    weights = [s.weight for s in profile.stacks] + [
        w for e in profile.flat for w in (e.self_weight, e.total_weight)
    ]
    beyond = f"more than any real recording (at most {MAX_TOTAL_WEIGHT:.0e} samples or seconds)"
    bad = next((w for w in weights if not 0 <= w <= MAX_TOTAL_WEIGHT), None)  # False for NaN
    if bad is not None and math.isfinite(bad) and bad > 0:
        raise error(path, f"the profile has a weight of {bad:.3g}, {beyond}; it looks corrupt")
    if bad is not None:
        raise error(path, f"the profile has a weight of {bad!r}; it looks corrupt")
    total = profile.total_weight
    if not total <= MAX_TOTAL_WEIGHT:
        raise error(
            path, f"the profile's weights add up to {total:.3g}, {beyond}; it looks corrupt"
        )
    return profile
