"""Reporters: one module per format, registered in an explicit mapping keyed by Format."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from goport.model import RunResult


class Format(str, Enum):
    TERMINAL = "terminal"
    JSON = "json"


@dataclass(frozen=True, slots=True)
class Options:
    color: bool = False
    width: int | None = None
    verbose: bool = False


Renderer = Callable[[RunResult, Options], str]


def _terminal(result: RunResult, options: Options) -> str:
    from goport.reports import terminal

    return terminal.render(result, options)


def _json(result: RunResult, options: Options) -> str:
    from goport.reports import json_report

    return json_report.render(result, options)


REPORTERS: dict[Format, Renderer] = {
    Format.TERMINAL: _terminal,
    Format.JSON: _json,
}


def render(fmt: Format, result: RunResult, options: Options) -> str:
    return REPORTERS[fmt](result, options)
