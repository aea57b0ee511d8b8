"""Fast pickling of the model's frozen, slotted dataclasses (``goport.model``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from typing import Any, TypeVar

_T = TypeVar("_T")


def fast_pickle(cls: type[_T]) -> type[_T]:
    """Give a frozen, slotted dataclass a pickle state of plain tuples.

    Pickle carries results from the worker processes back to goport (never to or from the
    cache, whose entries are data only: ``serial.py``). The dataclass default restores every
    object through ``dataclasses.fields()``, which is slow for the ~84,000 objects of the
    standard library; the field names are taken once here instead.
    """
    names = tuple(f.name for f in fields(cls))  # type: ignore[arg-type]
    setter: Callable[[object, str, Any], None] = object.__setattr__

    def getstate(self: object) -> tuple[Any, ...]:
        return tuple([getattr(self, name) for name in names])

    def setstate(self: object, state: tuple[Any, ...]) -> None:
        for name, value in zip(names, state):
            setter(self, name, value)

    cls.__getstate__ = getstate  # type: ignore[attr-defined]
    cls.__setstate__ = setstate  # type: ignore[attr-defined]
    return cls
