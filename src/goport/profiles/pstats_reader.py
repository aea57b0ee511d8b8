"""cProfile / ``pstats`` dumps: marshalled dicts of flat per-function totals."""

from __future__ import annotations

import marshal
from pathlib import Path

from goport.profiles.model import FlatEntry, Frame, Profile
from goport.profiles.parse import (
    checked,
    error,
    finite,
    line_number,
)

MARSHAL_DICT_REF = b"\xfb"
_MARSHAL_DICT = (b"{", MARSHAL_DICT_REF)


def looks_like_marshal_dict(data: bytes) -> bool:
    return data[:1] in _MARSHAL_DICT


def try_pstats(path: Path, data: bytes) -> Profile | None:
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
        raise error(path, "the pstats dump contains no measured time", "Profile a longer run")
    return checked(profile)


def _pstats_entry(key: object, value: object) -> FlatEntry | None:
    if not (
        isinstance(key, tuple) and len(key) == 3 and isinstance(value, tuple) and len(value) == 5
    ):
        return None
    file, line, name = key
    self_time, total_time = finite(value[2]), finite(value[3])
    if not (isinstance(file, str) and isinstance(line, int) and isinstance(name, str)):
        return None
    if self_time is None or total_time is None or self_time < 0 or total_time < 0:
        return None
    return FlatEntry(
        frame=Frame(name=name, file=file, line=line_number(line)),
        self_weight=self_time,
        total_weight=total_time,
    )
