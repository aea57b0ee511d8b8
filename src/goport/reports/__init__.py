"""Reporters: one module per format, registered in an explicit mapping keyed by Format.

Strings from the scanned tree are hostile. Each reporter escapes them for its format, and the
formats a person reads in a terminal or a CI log (terminal, markdown, github) also pass them
through ``goport.text.printable`` so control sequences are shown, not obeyed. The JSON formats
(json, sarif, gitlab) keep strings exact (JSON escapes every control character, and ``dumps``
writes the second ``#`` of a ``##[`` as ``\\u0023`` for CI logs) and go through
``dumps``, which keeps the output valid UTF-8.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from goport.text import break_legacy, printable

if TYPE_CHECKING:  # Format and Options load with the CLI; the model with the first report
    from goport.model import Factor, RunResult

#: UTF-8 cannot encode a lone surrogate; Python keeps undecodable file-name bytes as U+DC80-DCFF
_SURROGATE = re.compile("[\ud800-\udfff]")


#: the strategies that move a module to Go (the others keep it in Python), by value: the
#: ``Strategy`` members are ``str``s and compare equal to them, and the CLI starts without the model
GO_STRATEGIES = frozenset({"go-service", "go-worker", "go-cli", "go-extension"})


def points(value: float, *, sign: bool = False) -> str:
    """A score or a contribution as every format a person reads shows it: one decimal (51.2,
    51.0), so the table, markdown, annotations and ``explain`` agree with each other and with
    the JSON number (scores and contributions are rounded to one decimal when computed)."""
    rounded = round(value, 1) + 0.0  # +0.0 turns -0.0 into 0.0
    return f"{rounded:+.1f}" if sign else f"{rounded:.1f}"


#: the name of the sum of the contributions a short list leaves out
OTHER = "other"


def shown_factors(factors: Sequence[Factor], score: float, n: int) -> list[tuple[str, float]]:
    """At most ``n`` factors that say most about a score, largest first, and ``other``, the
    sum of the rest, so that what a row shows adds up to the score it shows. The largest gain
    comes first, then the largest cost, then the next gains: a row shows both sides."""
    gains = sorted((f for f in factors if f.contribution > 0), key=lambda f: -f.contribution)
    costs = sorted((f for f in factors if f.contribution < 0), key=lambda f: f.contribution)
    order = [*gains[:1], *costs[:1], *gains[1:], *costs[1:]]
    picked = sorted(order[: max(0, n)], key=lambda f: -f.contribution)
    out = [(f.name, f.contribution) for f in picked]
    rest = round(score - sum(f.contribution for f in picked), 1) + 0.0
    if rest != 0.0:
        out.append((OTHER, rest))
    return out


class Format(str, Enum):
    TERMINAL = "terminal"
    TEXT = "text"  # plain, one line per module: the default when stdout is not a terminal
    JSON = "json"
    GITHUB = "github"
    SARIF = "sarif"
    GITLAB = "gitlab"
    MARKDOWN = "markdown"
    HTML = "html"  # one self-contained page: the map, the table, each candidate's story


@dataclass(frozen=True, slots=True)
class Options:
    color: bool = False
    width: int | None = None
    verbose: bool = False
    #: terminal: explain score, strategies, effort and the counts below the table
    legend: bool = False
    #: github: append the full markdown report here (the CLI passes $GITHUB_STEP_SUMMARY)
    step_summary: Path | None = None
    #: github: at most this many annotations per level (GitHub shows 10 per step, drops the rest)
    max_annotations: int = 10
    #: github/gitlab/sarif: posix path from the repository root to the scanned root ("svc/api"),
    #: so annotation paths are repo-relative when goport scans a subdirectory
    path_prefix: str = ""
    #: terminal: the ``goport explain`` command for the top candidate as the user types it from
    #: their working folder (the CLI knows it; "": a path relative to the scanned root)
    explain_command: str = ""
    #: html: read the scanned sources (to show hot functions) up to this many bytes, the scan's
    #: --max-file-size
    max_file_size: int = 1_000_000


def dumps(doc: Any, *, indent: int | None = None) -> str:
    """JSON text of ``doc``, always valid UTF-8: strings are written as they are, except a lone
    surrogate, written as the ``\\xNN`` text ``printable`` shows for it (the original byte). A
    JSON ``\\udcff`` escape would be valid JSON but many readers reject or replace it. Compact
    without ``indent`` (json's fast C encoder only runs then)."""
    separators = (",", ":") if indent is None else None
    # printed to a CI log, "##[" in a string would be a workflow command to the runner; "\u0023"
    # is the same "#" to every JSON reader (a JSON line never starts with "::")
    text = break_legacy(
        json.dumps(doc, ensure_ascii=False, indent=indent, separators=separators), "\\u0023"
    )
    if text.isascii() or _SURROGATE.search(text) is None:  # isascii: a flag, no scan
        return text
    # surrogates only occur inside JSON strings: replace each by its escaped text, JSON-quoted
    return _SURROGATE.sub(lambda m: json.dumps(printable(m.group()))[1:-1], text)


Renderer = Callable[["RunResult", Options], str]


def _terminal(result: RunResult, options: Options) -> str:
    from goport.reports import terminal

    return terminal.render(result, options)


def _text(result: RunResult, options: Options) -> str:
    from goport.reports import text

    return text.render(result, options)


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


def _html(result: RunResult, options: Options) -> str:
    from goport.reports import html

    return html.render(result, options)


REPORTERS: dict[Format, Renderer] = {
    Format.TERMINAL: _terminal,
    Format.TEXT: _text,
    Format.JSON: _json,
    Format.GITHUB: _github,
    Format.SARIF: _sarif,
    Format.GITLAB: _gitlab,
    Format.MARKDOWN: _markdown,
    Format.HTML: _html,
}


def render(fmt: Format, result: RunResult, options: Options) -> str:
    return REPORTERS[fmt](result, options)
