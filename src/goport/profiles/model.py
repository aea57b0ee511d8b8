"""The profile data every reader produces: stacks of frames with a weight, or flat entries.

Readers know file formats; they do not know the repository. ``join.py`` maps frames to files.

A stack is a sequence of frames, root first: a tuple, or a ``CallPath`` that shares its callers
with every other stack under them. Formats that describe a call tree (evented speedscope,
pyinstrument) yield one stack per distinct path, and a tuple per stack would make a recursion
N frames deep cost N*N/2 frames; paths keep it at N.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import overload


@dataclass(frozen=True, slots=True)
class Frame:
    name: str  # function name as the profiler gave it: "next" or "Tokenizer.next" (3.11+)
    file: str  # path as recorded: absolute, relative, or shortened ("demo_service/tokenizer.py")
    line: int | None = None  # the executing line (py-spy) or the function's first line (pstats)


class CallPath(Sequence[Frame]):
    """A stack as its leaf frame and the path of its caller (None at the root).

    Reading it as a sequence gives the frames root first, like a tuple (and it compares equal to
    the tuple of the same frames), but the length and the leaf (``path[-1]``) cost O(1) and a
    path holds only its own frame: the callers are shared. Never recursive, so any depth works.
    """

    __slots__ = ("_depth", "caller", "frame")

    def __init__(self, frame: Frame, caller: CallPath | None = None) -> None:
        self.frame = frame
        self.caller = caller
        self._depth: int = 1 if caller is None else caller._depth + 1

    def __len__(self) -> int:
        return self._depth

    def __iter__(self) -> Iterator[Frame]:
        return reversed(list(self.__reversed__()))

    def __reversed__(self) -> Iterator[Frame]:
        path: CallPath | None = self
        while path is not None:
            yield path.frame
            path = path.caller

    @overload
    def __getitem__(self, index: int) -> Frame: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Frame, ...]: ...

    def __getitem__(self, index: int | slice) -> Frame | tuple[Frame, ...]:
        if isinstance(index, slice):
            return tuple(self)[index]
        position = index + self._depth if index < 0 else index
        if not 0 <= position < self._depth:
            raise IndexError("CallPath index out of range")
        path = self
        for _ in range(self._depth - 1 - position):
            assert path.caller is not None  # the depth counts the callers
            path = path.caller
        return path.frame

    def __eq__(self, other: object) -> bool:
        if other is self:
            return True
        if not isinstance(other, Sequence) or isinstance(other, str | bytes):
            return NotImplemented
        return len(other) == self._depth and all(a == b for a, b in zip(self, other, strict=True))

    def __hash__(self) -> int:
        return hash(tuple(self))  # equal to the tuple of the same frames, so hashed alike

    def __repr__(self) -> str:
        return f"CallPath({tuple(self)!r})"

    def __reduce__(self) -> tuple[object, tuple[tuple[Frame, ...]]]:
        return _call_path, (tuple(self),)  # pickle's default would recurse once per caller


def _call_path(frames: tuple[Frame, ...]) -> CallPath:
    path: CallPath | None = None
    for frame in frames:
        path = CallPath(frame, path)
    assert path is not None  # a CallPath holds one frame at least
    return path


@dataclass(frozen=True, slots=True)
class Stack:
    frames: Sequence[Frame]  # root first, leaf last: a tuple or a CallPath
    weight: float  # samples, or seconds for time-weighted formats
    idle: bool = False  # the profiler marked the sample idle/waiting
    thread: str = ""


@dataclass(frozen=True, slots=True)
class FlatEntry:
    """Per-function totals, for formats without stacks (cProfile/pstats)."""

    frame: Frame
    self_weight: float
    total_weight: float


@dataclass(frozen=True, slots=True)
class Profile:
    path: str
    format: str  # speedscope | collapsed | pstats | pyinstrument
    stacks: tuple[Stack, ...] = ()
    flat: tuple[FlatEntry, ...] = ()
    unit: str = "samples"  # samples | seconds
    #: file path as recorded -> function qualname -> its source fingerprint when recorded
    #: (``goport profile`` stores it; see goport.codehash), to tell which frames are stale
    code: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    @property
    def total_weight(self) -> float:
        if self.stacks:
            return sum(s.weight for s in self.stacks)
        return sum(e.self_weight for e in self.flat)
