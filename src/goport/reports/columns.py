"""The ranked table laid out for a width: one line per candidate, never wrapped.

rich's ``Table`` shares a narrow width out by wrapping cells, which splits a path or a name over
lines (``_encod`` / ``e_files``). Here the columns are chosen for the width instead, the way
``pip list`` or pytest's summary lines fit a terminal rather than fold:

* ``#``, ``score`` and the module's path are always shown; a path that does not fit loses its
  leading folders (``…/engine/grouping.py``): the file name stays;
* then the strategy (abbreviated, ``go-ext``, when even that does not fit), the effort, the
  "why" (the largest contributions and ``other``, the sum of the rest, so they add up to the
  score; fewer of them when narrow) and, when everything fits, the score bar;
* a cell is never cut inside a word: the "why" drops whole parts, a path whole folders.

What did not fit is named under the table; ``goport explain`` shows all of it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum

from rich.cells import cell_len
from rich.text import Text

from goport.model import Candidate, Strategy
from goport.reports import points, shown_factors
from goport.text import printable

#: between two columns
GAP = "  "
#: the module column gets this much (or the full path when shorter) before any optional column
PATH_PREFERRED = 40
#: the narrowest "why" worth a column
WHY_MIN = 24
#: most contributions a "why" lists before "other"
WHY_FACTORS = 3
BAR_WIDTH = 10
ELLIPSIS = "…"

#: strategy names in a column too narrow for the full ones (the legend spells them out)
SHORT = {
    Strategy.GO_SERVICE: "go-svc",
    Strategy.GO_WORKER: "go-wrk",
    Strategy.GO_CLI: "go-cli",
    Strategy.GO_EXTENSION: "go-ext",
    Strategy.OPTIMISE_FIRST: "py-first",
    Strategy.KEEP: "keep-py",
}

#: the one strategy name much longer than the others, shortened before the "why" goes
MEDIUM = {Strategy.OPTIMISE_FIRST: "optimise-first"}

STYLE = {
    Strategy.GO_SERVICE: "bold green",
    Strategy.GO_WORKER: "bold green",
    Strategy.GO_CLI: "bold green",
    Strategy.GO_EXTENSION: "bold green",
    Strategy.OPTIMISE_FIRST: "yellow",
    Strategy.KEEP: "dim",
}


def bar(score: float, width: int = BAR_WIDTH) -> str:
    """The score as a bar; scores are never clamped, the bar is (below 0 empty, past 100 full)."""
    filled = round(min(max(score, 0.0), 100.0) / 100 * width)
    return "█" * filled + "░" * (width - filled)


def effort_cell(c: Candidate) -> str:
    e = c.effort
    return "-" if e is None else f"{e.size} {e.days_low}-{e.days_high}d"


def why_options(c: Candidate) -> tuple[str, ...]:
    """The candidate's "why", most detailed first: the largest contributions and ``other``
    (they add up to the score), then what was measured and the hottest function."""
    bases: list[str] = []
    for n in range(WHY_FACTORS, 0, -1):
        text = ", ".join(
            f"{points(value, sign=True)} {name}"
            for name, value in shown_factors(c.factors, c.score, n)
        )
        if text and text not in bases:
            bases.append(text)
    extras: list[str] = []
    if c.hotness is not None:
        extras.append(
            f"{c.hotness.total_share:.0%} of samples, {c.hotness.self_share:.0%} self in Python"
        )
    if c.functions:
        hottest = c.functions[0]
        extras.append(f"hottest: {printable(hottest.qualname)} at line {hottest.span.line}")
    if not bases:
        return ("; ".join(extras),) if extras else ()
    detailed = ["; ".join([bases[0], *extras[: len(extras) - k]]) for k in range(len(extras))]
    return (*detailed, *bases)


def fit_path(path: str, width: int) -> str:
    """``path`` in ``width`` cells: whole leading folders give way to ``…/``; only a file name
    longer than the column itself is cut (from the left, so its extension stays)."""
    if cell_len(path) <= width:
        return path
    parts = path.split("/")
    kept = parts[-1]
    for folder in reversed(parts[:-1]):
        longer = f"{folder}/{kept}"
        if cell_len(f"{ELLIPSIS}/{longer}") > width:
            break
        kept = longer
    shown = f"{ELLIPSIS}/{kept}" if len(parts) > 1 else kept
    return shown if cell_len(shown) <= width else ELLIPSIS + _tail(parts[-1], width - 1)


def _shortest(path: str) -> int:
    """The cells ``fit_path`` needs to show the file name whole."""
    _, slash, name = path.rpartition("/")
    return cell_len(f"{ELLIPSIS}/{name}") if slash else cell_len(path)


def _tail(text: str, cells: int) -> str:
    """The longest end of ``text`` that fits ``cells``."""
    for start in range(len(text) + 1):
        if cell_len(text[start:]) <= cells:
            return text[start:]
    return ""


def fit_why(options: Sequence[str], width: int) -> str:
    """The most detailed "why" that fits, or nothing (never a part cut short)."""
    return next((o for o in options if cell_len(o) <= width), "")


@dataclass(frozen=True, slots=True)
class Row:
    rank: str
    score: str
    bar: str
    path: str
    strategy: Strategy
    effort: str
    why: tuple[str, ...]  # most detailed first

    @classmethod
    def of(cls, c: Candidate) -> Row:
        return cls(
            str(c.rank),
            points(c.score),
            bar(c.score),
            printable(c.rel_path),
            c.strategy,
            effort_cell(c),
            why_options(c),
        )


class Names(Enum):
    """How the strategy column names strategies: in full, with the one long name shortened
    (``optimise-first``), or all abbreviated (``go-ext``); the legend spells out the last two."""

    FULL = "full"
    MEDIUM = "medium"
    SHORT = "short"

    def of(self, strategy: Strategy) -> str:
        if self is Names.SHORT:
            return SHORT[strategy]
        if self is Names.MEDIUM:
            return MEDIUM.get(strategy, strategy.value)
        return strategy.value


@dataclass(frozen=True, slots=True)
class Layout:
    """Which columns a width holds, and how wide each is (0: not shown)."""

    rank: int
    score: int
    path: int
    strategy: int
    names: Names
    effort: int
    why: int
    bar: bool

    @property
    def hidden(self) -> tuple[str, ...]:
        """The columns left out, by name."""
        shown = {"strategy": self.strategy, "effort": self.effort, "why": self.why}
        return tuple(name for name, width in shown.items() if not width)


HEADERS = {"rank": "#", "score": "score", "path": "module", "strategy": "strategy"}
HEADERS |= {"effort": "effort", "why": "why (points)"}

#: the optional columns a layout tries, most informative first: the "why" goes first, then the
#: effort, then the strategy names shorten (the one long name shortens before the "why" goes)
CHOICES: tuple[tuple[Names | None, bool, bool], ...] = (
    (Names.FULL, True, True),
    (Names.MEDIUM, True, True),
    (Names.FULL, True, False),
    (Names.MEDIUM, True, False),
    (Names.FULL, False, False),
    (Names.MEDIUM, False, False),
    (Names.SHORT, True, False),
    (Names.SHORT, False, False),
    (None, False, False),
)


def _widest(header: str, cells: Iterable[str]) -> int:
    return max([cell_len(header), *(cell_len(c) for c in cells)])


def layout(rows: Sequence[Row], width: int) -> Layout:
    """The most informative layout of ``rows`` within ``width`` cells: the first of ``CHOICES``
    with a strategy column that fits with the path column at ``PATH_PREFERRED`` (or the full
    path when shorter), else the first that fits with only the file names whole; the cells left
    over widen the path (up to its full length), then the "why", then make room for the score
    bar (never in place of the "why")."""
    gap = len(GAP)
    rank = _widest(HEADERS["rank"], (r.rank for r in rows))
    score = _widest(HEADERS["score"], (r.score for r in rows))
    path_full = _widest(HEADERS["path"], (r.path for r in rows))
    path_min = min(path_full, max([0, *(_shortest(r.path) for r in rows)]), PATH_PREFERRED)
    effort = _widest(HEADERS["effort"], (r.effort for r in rows))
    why_full = max([0, *(cell_len(r.why[0]) for r in rows if r.why)])
    # the narrowest "why" column in which every row shows its shortest "why"
    why_min = max([WHY_MIN, *(cell_len(r.why[-1]) for r in rows if r.why)]) if why_full else 0
    room = width - rank - gap - score
    tries = [(min(path_full, PATH_PREFERRED), c) for c in CHOICES if c[0] is not None]
    tries += [(path_min, c) for c in CHOICES]
    for path, (names, with_effort, with_why) in tries:
        if with_why and not why_min:
            continue
        strategy = (
            _widest(HEADERS["strategy"], (names.of(r.strategy) for r in rows)) if names else 0
        )
        parts = [path, strategy, effort if with_effort else 0, why_min if with_why else 0]
        left = room - sum(w + gap for w in parts if w)
        if left < 0:
            continue
        # the path column as wide as its longest path cut to the room it may take
        widest = path + min(path_full - path, left)
        shown = _widest(HEADERS["path"], (fit_path(r.path, widest) for r in rows))
        left -= shown - path
        why = why_min + min(left, why_full - why_min) if with_why else 0
        left -= why - why_min if with_why else 0
        return Layout(
            rank,
            score,
            shown,
            strategy,
            names or Names.FULL,
            effort if with_effort else 0,
            why,
            left >= BAR_WIDTH + gap and (with_why or not why_full),
        )
    return Layout(rank, score, path_min, 0, Names.FULL, 0, 0, False)


def lines(rows: Sequence[Row], lay: Layout) -> list[Text]:
    """The header and one line per row, each at most as wide as the layout."""
    header = [HEADERS["rank"].rjust(lay.rank), HEADERS["score"].rjust(lay.score)]
    if lay.bar:
        header.append(" " * BAR_WIDTH)
    header.append(HEADERS["path"].ljust(lay.path))
    if lay.strategy:
        header.append(HEADERS["strategy"].ljust(lay.strategy))
    if lay.effort:
        header.append(HEADERS["effort"].rjust(lay.effort))
    if lay.why:
        header.append(HEADERS["why"])
    out = [Text(GAP.join(header).rstrip(), style="bold")]
    for r in rows:
        out.append(_line(r, lay))
    return out


def _line(r: Row, lay: Layout) -> Text:
    line = Text(r.rank.rjust(lay.rank))
    line.append(GAP + r.score.rjust(lay.score))
    if lay.bar:
        line.append(GAP + r.bar)
    path = fit_path(r.path, lay.path)
    line.append(GAP + path + " " * (lay.path - cell_len(path)))
    if lay.strategy:
        name = lay.names.of(r.strategy)
        line.append(GAP)
        line.append(name.ljust(lay.strategy), style=STYLE[r.strategy])
    if lay.effort:
        line.append(GAP + r.effort.rjust(lay.effort))
    if lay.why:
        line.append(GAP + fit_why(r.why, lay.why))
    line.rstrip()
    return line
