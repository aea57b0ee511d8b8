"""The source lines of a candidate's hot functions, each with a heat, like ``cython -a``.

The file is read again from the scanned tree, through ``safeio`` (a regular file inside the
scanned root, never through a link out of it, never more than the scan's size cap), and only
when its content is still what was analysed (the digest, when the run kept the facts): a line
shaded for the wrong code would mislead. A file that cannot be read shows no source; the report
says so instead of failing.

A line's heat is its function's heat (``HotFunction.heat``, static or measured), darker on the
lines a detector flagged, in proportion to the weights of the findings covering it. Lines are
split as Python splits them (``\\n``, ``\\r\\n``, ``\\r``), so the numbers match the findings'.
Text is left as it is here: the template shows it through ``printable`` and HTML escaping.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from goport.model import Finding, HotFunction
from goport.roadmap.roadmap import reader as roadmap_reader
from goport.sources import digest_bytes

log = logging.getLogger(__name__)

#: how Python's tokenizer ends a line
_LINE_END = re.compile(r"\r\n|\r|\n")
#: a line of a hot function that no finding covers keeps this share of the function's heat
BASE_SHARE = 0.35
#: most lines shown per function; the rest is counted
MAX_LINES = 120
#: a tab is shown as this many columns at most (the source view is monospaced)
TAB = 4


@dataclass(frozen=True, slots=True)
class Line:
    number: int
    text: str
    heat: float  # 0-1
    note: str  # the rule, name and message of each finding covering the line, or ""


@dataclass(frozen=True, slots=True)
class Excerpt:
    lines: tuple[Line, ...]
    hidden: int  # lines of the function past MAX_LINES


Reader = Callable[[str], "list[str] | None"]


def reader(root: str, limit: int, digests: dict[str, str]) -> Reader:
    """Reads a module's lines once (through ``roadmap.reader``: regular files inside ``root``
    only); None when it cannot be read safely or has changed since the scan (``digests``: rel
    path -> digest of what was analysed; a path not in it is read without the check)."""
    read_bytes = roadmap_reader(Path(root), limit)

    def read(rel_path: str) -> list[str] | None:
        data = read_bytes(rel_path)
        if data is None:
            return None
        digest = digests.get(rel_path)
        if digest is not None and digest_bytes(data) != digest:
            log.info("%s changed since the scan; its source is not shown", rel_path)
            return None
        return _LINE_END.split(data.decode("utf-8-sig", errors="replace"))

    return read


def excerpt(lines: Sequence[str], fn: HotFunction, findings: Sequence[Finding]) -> Excerpt:
    """The function's lines with their heat; at most ``MAX_LINES``."""
    first = max(1, fn.span.line)
    last = min(len(lines), fn.span.end_line)
    mine = [f for f in findings if f.symbol == fn.qualname]
    weights = {n: 0.0 for n in range(first, last + 1)}
    notes: dict[int, list[str]] = {}
    for f in mine:
        for n in range(max(first, f.span.line), min(last, f.span.end_line) + 1):
            weights[n] += f.weight
            notes.setdefault(n, []).append(f"{f.rule} {f.name}: {f.message}")
    top = max(weights.values(), default=0.0)
    shown: list[Line] = []
    for n in range(first, min(last, first + MAX_LINES - 1) + 1):
        share = BASE_SHARE + (1 - BASE_SHARE) * (weights[n] / top if top > 0 else 0.0)
        heat = round(fn.heat * share, 2)
        shown.append(Line(n, lines[n - 1].expandtabs(TAB), heat, "; ".join(notes.get(n, ()))))
    return Excerpt(tuple(shown), max(0, last - first + 1 - len(shown)))
