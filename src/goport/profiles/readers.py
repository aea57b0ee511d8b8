"""Profile readers: turn a profiler's output file into a ``Profile``.

This module owns format detection and one parser per format. The format is told from the content,
never from the file name:

* speedscope JSON (``py-spy record --format speedscope``, pyinstrument's speedscope export):
  "sampled" and "evented" profiles, one per thread; samples of equal weight (py-spy writes
  1/rate seconds for each) are counted as samples, other weights are converted to seconds;
* collapsed ("folded") stacks, ``frame;frame;leaf COUNT`` per line: ``py-spy --format raw``
  (``name (file:line)`` frames, optional ``process``/``thread`` label frames), austin's text
  output (``P<pid>;T<iid>:<tid>;file:function:line;... METRIC``) and plain flamegraph.pl input;
* cProfile / ``pstats`` dumps (``python -m cProfile -o out.prof``): flat per-function totals;
* pyinstrument JSON (``pyinstrument -r json``): a call tree with times in seconds.

Every way a file can be unusable (missing, not a regular file, over ``MAX_PROFILE_BYTES``, empty,
truncated, corrupt, of another format, without a single sample, with weights that are not finite
or add up to infinity) becomes a ``ProfileError``: one line that names the file, the reason and
what to do.

Profiles can be hostile too (a CI job may pass one committed to the scanned tree), so every
reader is linear in its input: no step costs more than O(depth) per sample, and call-tree
formats share the frames of common callers (``CallPath``) instead of copying them per stack.
"""

from __future__ import annotations

import json
import logging
import marshal
import math
import re
import stat
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from goport.errors import ProfileError
from goport.profiles.model import CallPath, FlatEntry, Frame, Profile, Stack
from goport.safeio import UnsafeFileError, kind, read_bytes
from goport.text import printable

__all__ = [
    "MAX_PROFILE_BYTES",
    "SUPPORTED_FORMATS",
    "check_profile_path",
    "read_profile",
    "read_profiles",
]

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

_HINT = (
    "Record it again, e.g. `goport profile -o profile.json -- python your_app.py`, "
    "or pass a file in a supported format"
)

# speedscope units -> factor to seconds; "none" means the weights are sample counts
_TIME_UNITS = {"nanoseconds": 1e-9, "microseconds": 1e-6, "milliseconds": 1e-3, "seconds": 1.0}

# py-spy pseudo-frames (no file): `process 123:"cmdline"` (--subprocesses), `thread (123): name`
_PROCESS_LABEL = re.compile(r'process \d+:".*"\Z', re.DOTALL)
_THREAD_LABEL = re.compile(r"thread \((?:0x)?[0-9A-Fa-f]+\)(?:: .*)?\Z")
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

# pyinstrument's synthetic nodes ("[self]", "[await]", ...): their time belongs to the parent
_PYINSTRUMENT_SYNTHETIC = re.compile(r"\[[\w-]+\]\Z")
_PYINSTRUMENT_IDLE = frozenset({"[await]", "[out-of-context]"})


def read_profiles(paths: Iterable[Path]) -> list[Profile]:
    """Read several profiles (in the given order); the first unusable one raises ProfileError."""
    return [read_profile(path) for path in paths]


def read_profile(path: Path) -> Profile:
    """Read one profile file, detecting its format from the content."""
    data = _read_bytes(path)
    if not data.strip():
        raise _error(path, "the file is empty")
    if data[:3] == b"MOJ" and data[3:4] < b" ":  # the magic, then a binary version byte
        raise _error(
            path,
            "austin's binary MOJO format is not supported",
            "Convert it with `mojo2austin` (from the austin-python package) or record austin "
            "text output",
        )
    head = data.removeprefix(b"\xef\xbb\xbf").lstrip()[:1]  # a UTF-8 BOM may lead
    if head in (b"{", b"["):
        return _read_json_or_pstats(path, data)
    if data[:1] == _MARSHAL_DICT_REF:  # never the first byte of UTF-8 text
        flat = _try_pstats(path, data)
        if flat is None:
            raise _error(
                path, "looks like a pstats dump but cannot be read; it looks truncated or corrupt"
            )
        return flat
    return _read_collapsed(path, _decode_text(path, data))


# ---- shared helpers ---------------------------------------------------------------------------


def _error(path: Path, reason: str, hint: str = _HINT) -> ProfileError:
    return ProfileError(f"{printable(str(path))}: {reason}. {hint}.")


def _show(value: object, limit: int = 40) -> str:
    """A value from the file for an error message: one line, never long."""
    text = printable(repr(value)) if isinstance(value, str) else _short_repr(value, limit)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _short_repr(value: object, limit: int) -> str:
    # a nested list from the file may be huge or deep: name its type instead of printing it
    if isinstance(value, list | dict):
        return f"a JSON {'list' if isinstance(value, list) else 'object'}"
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 4 * limit:
        return "a huge integer"  # repr() of a 5,000-digit int raises ValueError
    return printable(repr(value))


def _unsupported(path: Path, what: str) -> ProfileError:
    return _error(path, f"{what}; not a supported profile format ({SUPPORTED_FORMATS})")


def check_profile_path(path: Path) -> None:
    """Refuse a path that cannot hold a profile (missing, a folder, a FIFO, a device, over
    ``MAX_PROFILE_BYTES``) without opening it: the CLI asks before a long scan, and reading
    asks again."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise _error(path, "no such file", "Check the path given to --profile") from None
    except OSError as exc:
        raise _cannot_read(path, exc) from None
    if stat.S_ISDIR(info.st_mode):
        raise _error(path, "is a folder, not a profile file", "Name the profile file")
    if not stat.S_ISREG(info.st_mode):
        raise _error(path, f"is {kind(info.st_mode)}, not a profile file", "Name a regular file")
    if info.st_size > MAX_PROFILE_BYTES:
        raise _too_big(path)


def _read_bytes(path: Path) -> bytes:
    """The file's bytes; a FIFO, a device or a file over the cap is refused, never waited on."""
    check_profile_path(path)
    try:
        return read_bytes(path, limit=MAX_PROFILE_BYTES)
    except UnsafeFileError as exc:  # it changed since the check
        if isinstance(exc.__cause__, OSError):
            raise _cannot_read(path, exc.__cause__) from None
        raise _error(path, exc.reason, "Name a regular file") from None


def _cannot_read(path: Path, exc: OSError) -> ProfileError:
    return _error(path, f"cannot be read ({exc.strerror or exc})", "Check its permissions")


def _too_big(path: Path) -> ProfileError:
    return _error(
        path,
        f"larger than {MAX_PROFILE_BYTES >> 30} GiB, the most goport reads",
        "Profile a shorter run, or fewer threads",
    )


def _decode_text(path: Path, data: bytes) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _unsupported(path, "binary data that is not a pstats dump") from None
    if "\x00" in text:
        raise _unsupported(path, "binary data that is not a pstats dump")
    return text


def _finite(value: object) -> float | None:
    """A JSON number as float, or None for anything else (bools, strings, NaN, infinities)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    result = float(value)
    return result if math.isfinite(result) else None


def _line(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        return None
    return value


class _Paths:
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
                raise _error(
                    self._path,
                    f"a stack deeper than {MAX_STACK_DEPTH:,} frames, more than any real "
                    "program; it looks corrupt",
                )
            if len(self._children) >= MAX_CALL_PATHS:
                raise _error(
                    self._path,
                    f"more than {MAX_CALL_PATHS:,} distinct call paths, more than any real "
                    "recording; it looks corrupt",
                )
            path = self._children[key] = CallPath(frame, caller)
        return path


class _StackTotals:
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


def _profile(path: Path, fmt: str, stacks: tuple[Stack, ...], unit: str) -> Profile:
    if not stacks:
        raise _error(
            path,
            "the profile contains no samples",
            "The program may have ended before it was sampled, or was idle the whole time: "
            "profile a longer run, or record with --idle",
        )
    return _checked(Profile(path=str(path), format=fmt, stacks=stacks, unit=unit))


def _checked(profile: Profile) -> Profile:
    """The profile, if its weights are finite and so is their sum (``MAX_TOTAL_WEIGHT`` at
    most): shares of an infinite total would be NaN, which ranks nothing and trips no gate."""
    path = Path(profile.path)
    weights = [s.weight for s in profile.stacks] + [
        w for e in profile.flat for w in (e.self_weight, e.total_weight)
    ]
    beyond = f"more than any real recording (at most {MAX_TOTAL_WEIGHT:.0e} samples or seconds)"
    bad = next((w for w in weights if not 0 <= w <= MAX_TOTAL_WEIGHT), None)  # False for NaN
    if bad is not None and math.isfinite(bad) and bad > 0:
        raise _error(path, f"the profile has a weight of {bad:.3g}, {beyond}; it looks corrupt")
    if bad is not None:
        raise _error(path, f"the profile has a weight of {bad!r}; it looks corrupt")
    total = profile.total_weight
    if not total <= MAX_TOTAL_WEIGHT:
        raise _error(
            path, f"the profile's weights add up to {total:.3g}, {beyond}; it looks corrupt"
        )
    return profile


# ---- JSON: speedscope and pyinstrument --------------------------------------------------------


def _read_json_or_pstats(path: Path, data: bytes) -> Profile:
    try:
        document: object = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        document = None
        reason = "is not UTF-8 text"
    except json.JSONDecodeError as exc:
        document = None
        reason = f"is not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"
    except ValueError as exc:  # an integer of more than 4,300 digits
        document = None
        reason = f"is not usable JSON ({exc})"
    except RecursionError:
        document = None
        reason = "is JSON nested too deeply to read"
    else:
        reason = ""
    if reason:
        # a marshalled dict starts with "{" too: a pstats dump may land here
        if _looks_like_marshal_dict(data):
            flat = _try_pstats(path, data)
            if flat is not None:
                return flat
        raise _error(path, f"the file {reason}; it looks truncated or corrupt")
    return _read_json(path, document)


def _read_json(path: Path, document: object) -> Profile:
    if isinstance(document, dict):
        schema = document.get("$schema")
        if (isinstance(schema, str) and "speedscope" in schema) or (
            "shared" in document and "profiles" in document
        ):
            return _read_speedscope(path, document)
        if "root_frame" in document and (
            "duration" in document or "start_time" in document or "sample_count" in document
        ):
            return _read_pyinstrument(path, document)
        if "traceEvents" in document:
            raise _unsupported(path, "a Chrome trace (record with `--format speedscope`)")
        keys = ", ".join(sorted(printable(str(k))[:40] for k in document)[:6]) or "none"
        raise _unsupported(path, f"JSON that is neither speedscope nor pyinstrument (keys: {keys})")
    if isinstance(document, list):
        raise _unsupported(path, "a JSON list (a Chrome trace? record with `--format speedscope`)")
    raise _unsupported(path, "JSON that is not an object")


def _read_speedscope(path: Path, document: dict[str, object]) -> Profile:
    frames = _speedscope_frames(path, document.get("shared"))
    profiles = document.get("profiles")
    if not isinstance(profiles, list):
        raise _error(path, "speedscope file without a 'profiles' list; it looks corrupt")
    entries = [_speedscope_entry(path, index, entry) for index, entry in enumerate(profiles)]
    units = {unit for unit, _ in entries}
    if len(units) > 1 and "none" in units:
        raise _error(path, "speedscope profiles mix sample counts and times; they cannot be added")
    uniform = _uniform_weight(entries)
    totals = _StackTotals()
    paths = _Paths(path)  # one for the file: equal stacks of two profiles of a thread add up
    for index, (unit_name, entry) in enumerate(entries):
        factor = _TIME_UNITS.get(unit_name, 1.0)
        thread = entry.get("name")
        thread_name = thread if isinstance(thread, str) else f"profile {index}"
        kind = entry.get("type")
        if kind == "sampled":
            # equal weights (py-spy: 1/rate seconds each) are counted as samples
            scale = None if uniform else factor
            _speedscope_sampled(path, index, entry, frames, scale, thread_name, paths, totals)
        elif kind == "evented":
            _speedscope_evented(path, index, entry, frames, factor, thread_name, paths, totals)
        else:
            raise _error(
                path, f"unsupported speedscope profile type {_show(kind)} in profile {index}"
            )
    unit = "samples" if uniform or units <= {"none"} else "seconds"
    return replace(
        _profile(path, "speedscope", totals.stacks(), unit), code=_recorded_code(document)
    )


def _uniform_weight(entries: Sequence[tuple[str, dict[str, object]]]) -> float | None:
    """The one weight of every sample when all profiles are sampled alike, else None."""
    seen: set[tuple[str, float]] = set()
    for unit, entry in entries:
        weights = entry.get("weights")
        if entry.get("type") != "sampled" or not isinstance(weights, list):
            return None
        for raw in weights:
            weight = _finite(raw)
            if weight is None or weight <= 0:
                return None
            seen.add((unit, weight))
            if len(seen) > 1:
                return None
    return next(iter(seen))[1] if seen else None


def _recorded_code(document: dict[str, object]) -> dict[str, dict[str, str]]:
    """The function fingerprints ``goport profile`` stored in the recording; anything else under
    that key is ignored (it only makes staleness checks fall back to line numbers)."""
    stored = document.get(CODE_KEY)
    code = stored.get("code") if isinstance(stored, dict) else None
    if not isinstance(code, dict):
        return {}
    out: dict[str, dict[str, str]] = {}
    for file, functions in code.items():
        if isinstance(file, str) and isinstance(functions, dict):
            out[file] = {
                q: h for q, h in functions.items() if isinstance(q, str) and isinstance(h, str)
            }
    return out


def _speedscope_frames(path: Path, shared: object) -> list[Frame | None]:
    """The shared frame table; None marks py-spy's process/thread label frames (not code)."""
    raw = shared.get("frames") if isinstance(shared, dict) else None
    if not isinstance(raw, list):
        raise _error(path, "speedscope file without a 'shared.frames' list; it looks corrupt")
    frames: list[Frame | None] = []
    for index, item in enumerate(raw):
        if not isinstance(item, dict) or not isinstance(name := item.get("name"), str):
            raise _error(path, f"speedscope frame {index} has no name; the file looks corrupt")
        file = item.get("file")
        file_name = file if isinstance(file, str) else ""
        if not file_name and _is_label(name):
            frames.append(None)
        else:
            frames.append(Frame(name=name, file=file_name, line=_line(item.get("line"))))
    return frames


def _is_label(name: str) -> bool:
    return bool(_PROCESS_LABEL.match(name) or _THREAD_LABEL.match(name))


def _speedscope_entry(path: Path, index: int, entry: object) -> tuple[str, dict[str, object]]:
    """(unit, profile object) of one speedscope profile; units other than time or none fail."""
    if not isinstance(entry, dict):
        raise _error(path, f"speedscope profile {index} is not an object; the file looks corrupt")
    unit = entry.get("unit", "none")
    if isinstance(unit, str) and (unit == "none" or unit in _TIME_UNITS):
        return unit, entry
    raise _error(
        path,
        f"speedscope profile {index} is measured in {_show(unit)}, not time or samples",
        "Give a CPU or wall-time profile",
    )


def _speedscope_sampled(
    path: Path,
    index: int,
    entry: dict[str, object],
    frames: Sequence[Frame | None],
    factor: float | None,
    thread: str,
    paths: _Paths,
    totals: _StackTotals,
) -> None:
    """Add one sampled profile; ``factor`` converts weights to seconds, None counts samples."""
    samples = entry.get("samples")
    weights = entry.get("weights", None)
    if not isinstance(samples, list):
        raise _error(path, f"speedscope profile {index} has no 'samples' list")
    if weights is None:
        weights = [1] * len(samples)
    if not isinstance(weights, list) or len(weights) != len(samples):
        raise _error(path, f"speedscope profile {index}: 'samples' and 'weights' differ in length")
    for sample, raw_weight in zip(samples, weights):
        weight = _finite(raw_weight)
        if weight is None or weight < 0:
            raise _error(
                path, f"speedscope profile {index} has an invalid weight {_show(raw_weight)}"
            )
        if not isinstance(sample, list):
            raise _error(path, f"speedscope profile {index} has a sample that is not a list")
        stack: CallPath | None = None
        for raw_index in sample:
            frame = frames[_frame_index(path, index, raw_index, len(frames))]
            if frame is not None:
                stack = paths.child(stack, frame)
        totals.add(stack, 1.0 if factor is None else weight * factor, thread)


def _frame_index(path: Path, index: int, value: object, count: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < count:
        raise _error(path, f"speedscope profile {index} refers to a missing frame {_show(value)}")
    return value


@dataclass(frozen=True, slots=True)
class _Event:
    at: float
    opens: bool
    frame: int


def _speedscope_evented(
    path: Path,
    index: int,
    entry: dict[str, object],
    frames: Sequence[Frame | None],
    factor: float,
    thread: str,
    paths: _Paths,
    totals: _StackTotals,
) -> None:
    """Add one evented profile: the time between two events goes to the frames open then.

    The open stack is kept as one interned path per depth, so each event costs O(1) however
    deep the stack is: 20,000 nested opens are 20,000 steps, not 200 million."""
    end = _finite(entry.get("endValue"))
    open_frames: list[int] = []
    open_paths: list[CallPath | None] = []  # the stack (label frames left out) at each depth
    last: float | None = None
    for event in _events(path, index, entry.get("events"), len(frames)):
        if open_paths and last is not None:
            totals.add(open_paths[-1], (event.at - last) * factor, thread)
        last = event.at
        if event.opens:
            caller = open_paths[-1] if open_paths else None
            frame = frames[event.frame]
            open_paths.append(caller if frame is None else paths.child(caller, frame))
            open_frames.append(event.frame)
        elif open_frames and open_frames[-1] == event.frame:
            open_frames.pop()
            open_paths.pop()
        else:
            raise _error(
                path, f"speedscope profile {index} closes frame {event.frame} it never opened"
            )
    if open_paths and last is not None and end is not None and end > last:
        totals.add(open_paths[-1], (end - last) * factor, thread)


def _events(path: Path, index: int, raw: object, count: int) -> Iterator[_Event]:
    if not isinstance(raw, list):
        raise _error(path, f"speedscope profile {index} has no 'events' list")
    previous = -math.inf
    for item in raw:
        at = _finite(item.get("at")) if isinstance(item, dict) else None
        if not isinstance(item, dict) or item.get("type") not in ("O", "C") or at is None:
            raise _error(path, f"speedscope profile {index} has a malformed event")
        if at < previous:
            raise _error(path, f"speedscope profile {index} has events out of time order")
        kind = item["type"]
        previous = at
        yield _Event(
            at=at, opens=kind == "O", frame=_frame_index(path, index, item.get("frame"), count)
        )


def _read_pyinstrument(path: Path, document: dict[str, object]) -> Profile:
    root = document.get("root_frame")
    if root is None:
        raise _error(path, "the pyinstrument profile contains no samples", "Profile a longer run")
    totals = _StackTotals()
    paths = _Paths(path)
    pending: list[tuple[object, CallPath | None]] = [(root, None)]
    while pending:
        node, parents = pending.pop()
        time, children, frame, synthetic = _pyinstrument_node(path, node)
        stack = parents if frame is None else paths.child(parents, frame)
        if synthetic is not None:
            totals.add(stack, time, idle=synthetic in _PYINSTRUMENT_IDLE)
            continue
        child_time = 0.0
        for child in children:
            child_time += _pyinstrument_node(path, child)[0]
            pending.append((child, stack))
        totals.add(stack, time - child_time)
    return _profile(path, "pyinstrument", totals.stacks(), "seconds")


def _pyinstrument_node(
    path: Path, node: object
) -> tuple[float, list[object], Frame | None, str | None]:
    """(time, children, frame, synthetic name) of one pyinstrument tree node."""
    if not isinstance(node, dict):
        raise _error(path, "pyinstrument frame that is not an object; the file looks corrupt")
    function = node.get("function")
    time = _finite(node.get("time"))
    children = node.get("children", [])
    if not isinstance(function, str) or time is None or time < 0 or not isinstance(children, list):
        raise _error(
            path, "pyinstrument frame without function/time/children; the file looks corrupt"
        )
    if _PYINSTRUMENT_SYNTHETIC.match(function):
        return time, [], None, function
    file = node.get("file_path") or node.get("file_path_short") or ""
    file_name = file if isinstance(file, str) else ""
    owner = node.get("class_name")
    name = f"{owner}.{function}" if isinstance(owner, str) and owner else function
    return time, children, Frame(name=name, file=file_name, line=_line(node.get("line_no"))), None


# ---- pstats -----------------------------------------------------------------------------------

# marshal's type code for a dict, with the FLAG_REF bit (as cProfile writes it) and without
_MARSHAL_DICT_REF = b"\xfb"
_MARSHAL_DICT = (b"{", _MARSHAL_DICT_REF)


def _looks_like_marshal_dict(data: bytes) -> bool:
    return data[:1] in _MARSHAL_DICT


def _try_pstats(path: Path, data: bytes) -> Profile | None:
    """A pstats dump as a flat profile; None when the bytes are not a marshalled stats dict."""
    try:
        stats: object = marshal.loads(data)
    except (EOFError, ValueError, TypeError, MemoryError, RecursionError):
        return None
    if not isinstance(stats, dict) or not stats:
        return None
    entries: list[FlatEntry] = []
    for key, value in stats.items():
        entry = _pstats_entry(key, value)
        if entry is None:
            return None
        entries.append(entry)
    entries.sort(key=lambda e: (e.frame.file, e.frame.line or 0, e.frame.name))
    profile = Profile(path=str(path), format="pstats", flat=tuple(entries), unit="seconds")
    if profile.total_weight <= 0:
        raise _error(path, "the pstats dump contains no measured time", "Profile a longer run")
    return _checked(profile)


def _pstats_entry(key: object, value: object) -> FlatEntry | None:
    if not (
        isinstance(key, tuple) and len(key) == 3 and isinstance(value, tuple) and len(value) == 5
    ):
        return None
    file, line, name = key
    self_time, total_time = _finite(value[2]), _finite(value[3])
    if not (isinstance(file, str) and isinstance(line, int) and isinstance(name, str)):
        return None
    if self_time is None or total_time is None or self_time < 0 or total_time < 0:
        return None
    return FlatEntry(
        frame=Frame(name=name, file=file, line=_line(line)),
        self_weight=self_time,
        total_weight=total_time,
    )


# ---- collapsed stacks -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Sample:
    frames: tuple[Frame, ...]
    weight: float
    thread: str
    idle: bool


def _read_collapsed(path: Path, text: str) -> Profile:
    lines = list(_logical_lines(text))
    meta = _austin_metadata(lines)
    if meta.get("mode") == "memory":
        raise _error(path, "austin memory profile (bytes, not time)", "Record austin in time mode")
    data = [(number, line) for number, line in lines if line.strip() and not line.startswith("#")]
    if text.lstrip().startswith(("<?xml", "<svg", "<!DOCTYPE", "<html")):
        raise _unsupported(path, "an SVG/HTML flame graph (record with `--format speedscope`)")
    if not data:
        raise _unsupported(path, "text without a single 'frame;frame;leaf COUNT' line")
    austin = _is_austin(data[0][1])
    totals = _StackTotals()
    bad: list[tuple[int, str]] = []
    frames = 0
    for number, line in data:
        sample = _austin_sample(line) if austin else _folded_sample(line)
        if sample is None:
            bad.append((number, line))
            continue
        frames += len(sample.frames)
        if len(sample.frames) > MAX_STACK_DEPTH or frames > MAX_COLLAPSED_FRAMES:
            raise _error(
                path,
                f"line {number}: more frames than any real recording holds (a stack of at most "
                f"{MAX_STACK_DEPTH:,}, {MAX_COLLAPSED_FRAMES:,} in all); it looks corrupt",
            )
        totals.add(sample.frames, sample.weight, sample.thread, sample.idle)
    if bad and len(bad) == len(data):
        raise _unsupported(path, f"text that is not 'frame;frame;leaf COUNT' (line {bad[0][0]})")
    if bad:
        number, line = bad[0]
        excerpt = line if len(line) <= 60 else line[:57] + "..."
        raise _error(
            path,
            f"line {number} is not 'frame;frame;leaf COUNT' ({_show(excerpt, 64)}); "
            f"{len(bad)} bad line(s), the file looks truncated or corrupt",
        )
    return _profile(path, "collapsed", totals.stacks(), "seconds" if austin else "samples")


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
        if _PROCESS_LABEL.match(part):
            continue
        if _THREAD_LABEL.match(part):
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
    return _line(int(digits)) if len(digits) <= 18 else None


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
