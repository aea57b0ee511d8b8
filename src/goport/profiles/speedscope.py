"""speedscope JSON (py-spy's and pyinstrument's exports; sampled and evented profiles) and
pyinstrument's own JSON call tree. A JSON document that is not a profile may be a pstats dump."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from goport.profiles.model import CallPath, Frame, Profile
from goport.profiles.parse import (
    CODE_KEY,
    PROCESS_LABEL,
    THREAD_LABEL,
    Paths,
    StackTotals,
    error,
    finite,
    line_number,
    make_profile,
    show,
    unsupported,
)
from goport.profiles.pstats_reader import looks_like_marshal_dict, try_pstats
from goport.text import printable

# speedscope units -> factor to seconds; "none" means the weights are sample counts
_TIME_UNITS = {"nanoseconds": 1e-9, "microseconds": 1e-6, "milliseconds": 1e-3, "seconds": 1.0}

# pyinstrument's synthetic nodes ("[self]", "[await]", ...): their time belongs to the parent
_PYINSTRUMENT_SYNTHETIC = re.compile(r"\[[\w-]+\]\Z")
_PYINSTRUMENT_IDLE = frozenset({"[await]", "[out-of-context]"})


def read_json_or_pstats(path: Path, data: bytes) -> Profile:
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
        if looks_like_marshal_dict(data):
            flat = try_pstats(path, data)
            if flat is not None:
                return flat
        raise error(path, f"the file {reason}; it looks truncated or corrupt")
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
            raise unsupported(path, "a Chrome trace (record with `--format speedscope`)")
        keys = ", ".join(sorted(printable(str(k))[:40] for k in document)[:6]) or "none"
        raise unsupported(path, f"JSON that is neither speedscope nor pyinstrument (keys: {keys})")
    if isinstance(document, list):
        raise unsupported(path, "a JSON list (a Chrome trace? record with `--format speedscope`)")
    raise unsupported(path, "JSON that is not an object")


def _read_speedscope(path: Path, document: dict[str, object]) -> Profile:
    frames = _speedscope_frames(path, document.get("shared"))
    profiles = document.get("profiles")
    if not isinstance(profiles, list):
        raise error(path, "speedscope file without a 'profiles' list; it looks corrupt")
    entries = [_speedscope_entry(path, index, entry) for index, entry in enumerate(profiles)]
    units = {unit for unit, _ in entries}
    if len(units) > 1 and "none" in units:
        raise error(path, "speedscope profiles mix sample counts and times; they cannot be added")
    uniform = _uniform_weight(entries)
    totals = StackTotals()
    paths = Paths(path)  # one for the file: equal stacks of two profiles of a thread add up
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
            raise error(
                path, f"unsupported speedscope profile type {show(kind)} in profile {index}"
            )
    unit = "samples" if uniform or units <= {"none"} else "seconds"
    return replace(
        make_profile(path, "speedscope", totals.stacks(), unit), code=_recorded_code(document)
    )


def _uniform_weight(entries: Sequence[tuple[str, dict[str, object]]]) -> float | None:
    """The one weight of every sample when all profiles are sampled alike, else None."""
    seen: set[tuple[str, float]] = set()
    for unit, entry in entries:
        weights = entry.get("weights")
        if entry.get("type") != "sampled" or not isinstance(weights, list):
            return None
        for raw in weights:
            weight = finite(raw)
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
        raise error(path, "speedscope file without a 'shared.frames' list; it looks corrupt")
    frames: list[Frame | None] = []
    for index, item in enumerate(raw):
        if not isinstance(item, dict) or not isinstance(name := item.get("name"), str):
            raise error(path, f"speedscope frame {index} has no name; the file looks corrupt")
        file = item.get("file")
        file_name = file if isinstance(file, str) else ""
        if not file_name and _is_label(name):
            frames.append(None)
        else:
            frames.append(Frame(name=name, file=file_name, line=line_number(item.get("line"))))
    return frames


def _is_label(name: str) -> bool:
    return bool(PROCESS_LABEL.match(name) or THREAD_LABEL.match(name))


def _speedscope_entry(path: Path, index: int, entry: object) -> tuple[str, dict[str, object]]:
    """(unit, profile object) of one speedscope profile; units other than time or none fail."""
    if not isinstance(entry, dict):
        raise error(path, f"speedscope profile {index} is not an object; the file looks corrupt")
    unit = entry.get("unit", "none")
    if isinstance(unit, str) and (unit == "none" or unit in _TIME_UNITS):
        return unit, entry
    raise error(
        path,
        f"speedscope profile {index} is measured in {show(unit)}, not time or samples",
        "Give a CPU or wall-time profile",
    )


def _speedscope_sampled(
    path: Path,
    index: int,
    entry: dict[str, object],
    frames: Sequence[Frame | None],
    factor: float | None,
    thread: str,
    paths: Paths,
    totals: StackTotals,
) -> None:
    """Add one sampled profile; ``factor`` converts weights to seconds, None counts samples."""
    samples = entry.get("samples")
    weights = entry.get("weights", None)
    if not isinstance(samples, list):
        raise error(path, f"speedscope profile {index} has no 'samples' list")
    if weights is None:
        weights = [1] * len(samples)
    if not isinstance(weights, list) or len(weights) != len(samples):
        raise error(path, f"speedscope profile {index}: 'samples' and 'weights' differ in length")
    for sample, raw_weight in zip(samples, weights):
        weight = finite(raw_weight)
        if weight is None or weight < 0:
            raise error(
                path, f"speedscope profile {index} has an invalid weight {show(raw_weight)}"
            )
        if not isinstance(sample, list):
            raise error(path, f"speedscope profile {index} has a sample that is not a list")
        stack: CallPath | None = None
        for raw_index in sample:
            frame = frames[_frame_index(path, index, raw_index, len(frames))]
            if frame is not None:
                stack = paths.child(stack, frame)
        totals.add(stack, 1.0 if factor is None else weight * factor, thread)


def _frame_index(path: Path, index: int, value: object, count: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < count:
        raise error(path, f"speedscope profile {index} refers to a missing frame {show(value)}")
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
    paths: Paths,
    totals: StackTotals,
) -> None:
    """Add one evented profile: the time between two events goes to the frames open then.

    The open stack is kept as one interned path per depth, so each event costs O(1) however
    deep the stack is: 20,000 nested opens are 20,000 steps, not 200 million."""
    end = finite(entry.get("endValue"))
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
            raise error(
                path, f"speedscope profile {index} closes frame {event.frame} it never opened"
            )
    if open_paths and last is not None and end is not None and end > last:
        totals.add(open_paths[-1], (end - last) * factor, thread)


def _events(path: Path, index: int, raw: object, count: int) -> Iterator[_Event]:
    if not isinstance(raw, list):
        raise error(path, f"speedscope profile {index} has no 'events' list")
    previous = -math.inf
    for item in raw:
        at = finite(item.get("at")) if isinstance(item, dict) else None
        if not isinstance(item, dict) or item.get("type") not in ("O", "C") or at is None:
            raise error(path, f"speedscope profile {index} has a malformed event")
        if at < previous:
            raise error(path, f"speedscope profile {index} has events out of time order")
        kind = item["type"]
        previous = at
        yield _Event(
            at=at, opens=kind == "O", frame=_frame_index(path, index, item.get("frame"), count)
        )


def _read_pyinstrument(path: Path, document: dict[str, object]) -> Profile:
    root = document.get("root_frame")
    if root is None:
        raise error(path, "the pyinstrument profile contains no samples", "Profile a longer run")
    totals = StackTotals()
    paths = Paths(path)
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
    return make_profile(path, "pyinstrument", totals.stacks(), "seconds")


def _pyinstrument_node(
    path: Path, node: object
) -> tuple[float, list[object], Frame | None, str | None]:
    """(time, children, frame, synthetic name) of one pyinstrument tree node."""
    if not isinstance(node, dict):
        raise error(path, "pyinstrument frame that is not an object; the file looks corrupt")
    function = node.get("function")
    time = finite(node.get("time"))
    children = node.get("children", [])
    if not isinstance(function, str) or time is None or time < 0 or not isinstance(children, list):
        raise error(
            path, "pyinstrument frame without function/time/children; the file looks corrupt"
        )
    if _PYINSTRUMENT_SYNTHETIC.match(function):
        return time, [], None, function
    file = node.get("file_path") or node.get("file_path_short") or ""
    file_name = file if isinstance(file, str) else ""
    owner = node.get("class_name")
    name = f"{owner}.{function}" if isinstance(owner, str) and owner else function
    return (
        time,
        children,
        Frame(name=name, file=file_name, line=line_number(node.get("line_no"))),
        None,
    )
