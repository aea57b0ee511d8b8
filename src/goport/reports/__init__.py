"""Reporters: one module per format, registered in an explicit mapping keyed by Format."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from goport.model import RunResult


class Format(str, Enum):
    TERMINAL = "terminal"
    JSON = "json"
    GITHUB = "github"
    SARIF = "sarif"
    GITLAB = "gitlab"
    MARKDOWN = "markdown"


@dataclass(frozen=True, slots=True)
class Options:
    color: bool = False
    width: int | None = None
    verbose: bool = False
    #: github: append the full markdown report here (the CLI passes $GITHUB_STEP_SUMMARY)
    step_summary: Path | None = None
    #: github: at most this many annotations per level (GitHub shows 10 per step, drops the rest)
    max_annotations: int = 10
    #: github/gitlab/sarif: posix path from the repository root to the scanned root ("svc/api"),
    #: so annotation paths are repo-relative when goport scans a subdirectory
    path_prefix: str = ""


Renderer = Callable[[RunResult, Options], str]


def _terminal(result: RunResult, options: Options) -> str:
    from goport.reports import terminal

    return terminal.render(result, options)


def _json(result: RunResult, options: Options) -> str:
    from goport.reports import json_report

    return json_report.render(result, options)


def _github(result: RunResult, options: Options) -> str:
    from goport.reports import github

    return github.report(result, options)


def _sarif(result: RunResult, options: Options) -> str:
    from goport.reports import sarif

    return sarif.render(result, options)


def _gitlab(result: RunResult, options: Options) -> str:
    from goport.reports import gitlab

    return gitlab.render(result, options)


def _markdown(result: RunResult, options: Options) -> str:
    from goport.reports import markdown

    return markdown.render(result, options)


REPORTERS: dict[Format, Renderer] = {
    Format.TERMINAL: _terminal,
    Format.JSON: _json,
    Format.GITHUB: _github,
    Format.SARIF: _sarif,
    Format.GITLAB: _gitlab,
    Format.MARKDOWN: _markdown,
}


def render(fmt: Format, result: RunResult, options: Options) -> str:
    return REPORTERS[fmt](result, options)
