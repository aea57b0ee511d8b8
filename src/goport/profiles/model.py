"""The profile data every reader produces: stacks of frames with a weight, or flat entries.

Readers know file formats; they do not know the repository. ``join.py`` maps frames to files.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Frame:
    name: str  # function name as the profiler gave it: "next" or "Tokenizer.next" (3.11+)
    file: str  # path as recorded: absolute, relative, or shortened ("demo_service/tokenizer.py")
    line: int | None = None  # the executing line (py-spy) or the function's first line (pstats)


@dataclass(frozen=True, slots=True)
class Stack:
    frames: tuple[Frame, ...]  # root first, leaf last
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

    @property
    def total_weight(self) -> float:
        if self.stacks:
            return sum(s.weight for s in self.stacks)
        return sum(e.self_weight for e in self.flat)
