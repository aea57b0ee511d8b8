"""Every kind of type a boundary contract maps (test fixture for goport's contracts; not run)."""
# ruff: noqa: UP007, UP035, UP045 - the typing spellings are what the contract reads

from __future__ import annotations

import abc
import enum
from dataclasses import dataclass
from typing import Callable, Iterator, NamedTuple, Optional, Protocol, TypedDict, Union

import attr

MASK64 = (1 << 64) - 1


class Color(enum.Enum):
    RED = 1
    GREEN = 2


@dataclass
class Point:
    """A point on the plane."""

    x: float
    y: float
    label: Optional[str] = None


class Span(NamedTuple):
    start: int
    end: int


class Options(TypedDict):
    depth: int
    names: list[str]


@attr.s
class Box:
    width = attr.ib(type=int)
    tags = attr.ib(type=set)


class Sink(Protocol):
    def write(self, record: bytes) -> None: ...


class Store(abc.ABC):
    @abc.abstractmethod
    def get(self, key: str) -> bytes | None: ...


class ShapeError(Exception):
    """Base of this module's errors."""


class LimitError(ShapeError):
    pass


class Counter:
    """Counts keys; rejects empty ones."""

    def __init__(self, limit: int) -> None:
        if limit <= 0:
            raise LimitError("limit must be positive")
        self.limit = limit
        self.counts: dict[str, int] = {}

    def add(self, key: str) -> int:
        self.counts[key] = self.counts.get(key, 0) + 1
        return self.counts[key]

    def __len__(self) -> int:
        return len(self.counts)


def hash64(data: bytes) -> int:
    h = 0xCBF29CE484222325
    for b in data:
        h = ((h ^ b) * 0x100000001B3) & MASK64
    return h


def checked(value: int) -> int:
    if value < 0:
        raise ValueError("negative")
    return value * 2


def uses_checked(value: int) -> int:
    return checked(value) + 1


def points(n: int) -> Iterator[Point]:
    for i in range(n):
        yield Point(float(i), 0.0)


async def fetch(url: str, timeout: float = 5.0) -> bytes:
    return url.encode()


def scale(
    points: list[Point], by, colors: dict[Color, int], key: Union[int, str]
) -> list[list[float]]:
    return [[p.x * by, p.y * by] for p in points]


def spans(text, size):
    """Split text into spans.

    Args:
        text (str): the input.
        size (int): span length.

    Returns:
        list[Span]: the spans.
    """
    return [Span(i, i + size) for i in range(0, len(text), size)]


def decode(raw):
    """:param bytes raw: the payload
    :rtype: str
    """
    return raw.decode()


def pairs(
    table: dict[tuple[int, int], str], seen: set[int], box: Box, opts: Options
) -> tuple[int, str]:
    return len(table), str(seen)


def apply(fn: Callable[[int], int], sink: Sink, store: Store, span: Span) -> None:
    sink.write(store.get("k") or b"")


def größe(wert: int, type: str = "") -> int:
    return wert
