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

from collections.abc import Iterable
from pathlib import Path

from goport.profiles.collapsed import read_collapsed
from goport.profiles.model import Profile
from goport.profiles.parse import (
    CODE_KEY,
    MAX_PROFILE_BYTES,
    SUPPORTED_FORMATS,
    check_profile_path,
    decode_text,
    error,
    read_profile_bytes,
)
from goport.profiles.pstats_reader import MARSHAL_DICT_REF, try_pstats
from goport.profiles.speedscope import read_json_or_pstats

__all__ = [
    "CODE_KEY",
    "MAX_PROFILE_BYTES",
    "SUPPORTED_FORMATS",
    "check_profile_path",
    "read_profile",
    "read_profiles",
]


def read_profiles(paths: Iterable[Path]) -> list[Profile]:
    """Read several profiles (in the given order); the first unusable one raises ProfileError."""
    return [read_profile(path) for path in paths]


def read_profile(path: Path) -> Profile:
    """Read one profile file, detecting its format from the content."""
    data = read_profile_bytes(path)
    if not data.strip():
        raise error(path, "the file is empty")
    if data[:3] == b"MOJ" and data[3:4] < b" ":  # the magic, then a binary version byte
        raise error(
            path,
            "austin's binary MOJO format is not supported",
            "Convert it with `mojo2austin` (from the austin-python package) or record austin "
            "text output",
        )
    head = data.removeprefix(b"\xef\xbb\xbf").lstrip()[:1]  # a UTF-8 BOM may lead
    if head in (b"{", b"["):
        return read_json_or_pstats(path, data)
    if data[:1] == MARSHAL_DICT_REF:  # never the first byte of UTF-8 text
        flat = try_pstats(path, data)
        if flat is None:
            raise error(
                path, "looks like a pstats dump but cannot be read; it looks truncated or corrupt"
            )
        return flat
    return read_collapsed(path, decode_text(path, data))
