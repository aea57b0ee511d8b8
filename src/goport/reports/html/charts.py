"""The report's charts as geometry: positions, sizes and labels, computed here and drawn as SVG
by the template (``templates/svg.html.j2``), so every text in a chart goes through the same
autoescaping as the rest of the page.

* the gain-vs-effort map: x the effort in person-days (the middle of the estimate, with the
  range as a line), y the expected gain in points (``scoring.gain_of``), the bubble's area the
  module's source lines, its colour the strategy. Modules that stay in Python have no effort;
  they stand in a strip left of the axis, at their gain. The "port first" quadrant is the
  corner with more gain and less effort than the median of the modules with an effort;
* a waterfall of a score's factors, each bar starting where the previous one ended, so the
  last bar ends at the score;
* for diff mode, each moved module's score before and after the change.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from statistics import median

from goport.model import Candidate, Factor, ScoreDelta
from goport.reports import points, shown_factors
from goport.scoring import gain_of

#: the map's size in SVG units (it scales to the page)
MAP_W, MAP_H = 820.0, 460.0
#: margins of the map's plot area: left (axis labels and the strip), top, right, bottom
MAP_LEFT, MAP_TOP, MAP_RIGHT, MAP_BOTTOM = 150.0, 24.0, 150.0, 48.0
#: the strip of modules without effort, left of the y axis
STRIP = (28.0, 108.0)
#: bubble radii, for the smallest and the largest module
R_MIN, R_MAX = 4.0, 20.0
#: modules labelled by name on the map (the best-ranked with an effort; hover names every one)
MAP_LABELS = 12
#: estimated width of a label's character at the map's font size
LABEL_CHAR = 6.2
#: factors named in a bubble's hover text
HOVER_FACTORS = 3

#: the waterfall's size: label column, bar area, value column, row height
FALL_LABEL, FALL_BARS, FALL_VALUE, FALL_ROW = 150.0, 380.0, 70.0, 22.0
#: the diff chart's size: label column, bar area, row height
DIFF_LABEL, DIFF_BARS, DIFF_ROW = 260.0, 460.0, 24.0


@dataclass(frozen=True, slots=True)
class Tick:
    pos: float
    label: str


@dataclass(frozen=True, slots=True)
class Bubble:
    x: float
    y: float
    r: float
    low: float  # x of the low end of the effort range (== x without one)
    high: float
    strategy: str
    href: str
    title: str
    label: str  # "" when not labelled


@dataclass(frozen=True, slots=True)
class Box:
    x: float
    y: float
    w: float
    h: float


@dataclass(frozen=True, slots=True)
class MapChart:
    width: float
    height: float
    plot: Box
    strip: Box | None
    quadrant: Box | None
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    bubbles: tuple[Bubble, ...]  # largest first, so small bubbles are drawn on top
    note: str  # how the quadrant was drawn


def nice_ticks(top: float, count: int = 5) -> tuple[float, ...]:
    """0 to at least ``top`` in steps of 1, 2 or 5 times a power of ten."""
    if top <= 0:
        return (0.0, 1.0)
    raw = top / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    n = math.ceil(top / step - 1e-9)
    return tuple(round(i * step, 10) for i in range(n + 1))


def _num(x: float) -> str:
    return f"{x:g}"


def days(c: Candidate) -> float | None:
    """The middle of the candidate's effort range in person-days, None without an effort."""
    e = c.effort
    return None if e is None else (e.days_low + e.days_high) / 2


def reasons(c: Candidate, n: int = HOVER_FACTORS) -> str:
    """The ``n`` largest contributions and ``other`` (the rest), adding up to the score."""
    return ", ".join(
        f"{points(v, sign=True)} {name}" for name, v in shown_factors(c.factors, c.score, n)
    )


def hover(c: Candidate) -> str:
    """A bubble's hover text: the module, its score and strategy, and its top reasons."""
    e = c.effort
    effort = "no effort (stays in Python)" if e is None else f"{e.days_low}-{e.days_high} days"
    return (
        f"{c.rel_path}: score {points(c.score)}, {c.strategy.value}, expected gain "
        f"{points(gain_of(c.factors), sign=True)}, {effort}; why: {reasons(c) or '-'}"
    )


@dataclass(frozen=True, slots=True)
class Scale:
    """Person-days and points of gain to map coordinates."""

    plot: Box
    days: float  # the x axis' last tick
    gain: float  # the y axis' last tick

    def x(self, d: float) -> float:
        return round(self.plot.x + self.plot.w * d / self.days, 1)

    def y(self, g: float) -> float:
        return round(self.plot.y + self.plot.h * (1 - g / self.gain), 1)


def gain_map(
    candidates: Sequence[Candidate],
    anchors: dict[str, str],
    names: dict[str, str],
    ranking: Sequence[Candidate] = (),
) -> MapChart:
    """One bubble per candidate, linked to its section (``anchors``: rel path -> id);
    ``names``: rel path -> the short name a label shows. The quadrant is drawn from the
    whole ``ranking`` (default: the candidates), so a report narrowed to a few modules (a diff,
    ``--top``) places them against the project's medians."""
    with_effort = [c for c in candidates if c.effort is not None]
    split = _medians([c for c in (ranking or candidates) if c.effort is not None])
    plot = Box(MAP_LEFT, MAP_TOP, MAP_W - MAP_LEFT - MAP_RIGHT, MAP_H - MAP_TOP - MAP_BOTTOM)
    widest = max((c.effort.days_high for c in with_effort if c.effort), default=1.0)
    highest = max((gain_of(c.factors) for c in candidates), default=1.0)
    xs = nice_ticks(max(widest, split[0] if split else 0.0))
    ys = nice_ticks(max(highest, split[1] if split else 0.0))
    scale = Scale(plot, xs[-1], ys[-1])
    biggest = max((c.metrics.sloc for c in candidates), default=1) or 1
    bubbles = []
    for i, c in enumerate(candidates):
        x, y, low, high = _position(c, i, scale)
        r = R_MIN + (R_MAX - R_MIN) * math.sqrt(max(c.metrics.sloc, 0) / biggest)
        label = names[c.rel_path] if c.effort is not None else ""
        href = "#" + anchors[c.rel_path]
        bubbles.append(
            Bubble(x, y, round(r, 1), low, high, c.strategy.value, href, hover(c), label)
        )
    bubbles = _labelled(bubbles)
    bubbles.sort(key=lambda b: -b.r)
    quadrant, note = _quadrant(split, scale)
    strip = None
    if len(with_effort) < len(candidates):
        strip = Box(STRIP[0], plot.y, STRIP[1] - STRIP[0], plot.h)
    return MapChart(
        MAP_W,
        MAP_H,
        plot,
        strip,
        quadrant,
        tuple(Tick(scale.x(v), _num(v)) for v in xs),
        tuple(Tick(scale.y(v), _num(v)) for v in ys),
        tuple(bubbles),
        note,
    )


def _labelled(bubbles: Sequence[Bubble]) -> list[Bubble]:
    """At most ``MAP_LABELS`` labels, best-ranked first, each beside its bubble where it
    overlaps no label placed before it; the others are dropped (hover names every bubble)."""
    placed: list[Box] = []
    out = []
    for b in bubbles:
        box = Box(b.x + b.r + 3, b.y - 8, len(b.label) * LABEL_CHAR, 12)
        clear = all(
            box.x >= p.x + p.w or p.x >= box.x + box.w or box.y >= p.y + p.h or p.y >= box.y + box.h
            for p in placed
        )
        if b.label and clear and len(placed) < MAP_LABELS:
            placed.append(box)
            out.append(b)
        else:
            out.append(replace(b, label=""))
    return out


def _position(c: Candidate, i: int, scale: Scale) -> tuple[float, float, float, float]:
    """(x, y, x of the low end, x of the high end of the effort range) of a bubble."""
    y = scale.y(gain_of(c.factors))
    if c.effort is None:  # in the strip, three columns so that neighbours overlap less
        x = round(STRIP[0] + (STRIP[1] - STRIP[0]) * (0.25 + 0.25 * (i % 3)), 1)
        return x, y, x, x
    e = c.effort
    return scale.x(days(c) or 0.0), y, scale.x(e.days_low), scale.x(e.days_high)


def _medians(with_effort: Sequence[Candidate]) -> tuple[float, float] | None:
    """(person-days, gain) of the median module with an effort: the "port first" corner."""
    if not with_effort:
        return None
    return median(days(c) or 0.0 for c in with_effort), median(
        gain_of(c.factors) for c in with_effort
    )


def _quadrant(split: tuple[float, float] | None, scale: Scale) -> tuple[Box | None, str]:
    """The corner with more gain and less effort than the median module with an effort."""
    if split is None:
        return None, ""
    p = scale.plot
    box = Box(p.x, p.y, round(scale.x(split[0]) - p.x, 1), round(scale.y(split[1]) - p.y, 1))
    note = (
        f"Port first: at most {split[0]:g} person-days and at least {points(split[1])} points "
        "of expected gain (the medians of the ranked modules with an effort)."
    )
    return box, note


# -- waterfall -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Step:
    label: str
    value: str  # the contribution as the report prints it: "+31.9"
    x: float
    w: float
    y: float
    kind: str  # "gain" | "cost" | "total"
    title: str  # the factor's explanation


@dataclass(frozen=True, slots=True)
class Waterfall:
    width: float
    height: float
    zero: float  # x of 0 points
    bars: tuple[Step, ...]  # the factors in order, then the score
    label_x: float = FALL_LABEL - 6  # where the factor names end
    value_x: float = FALL_LABEL + FALL_BARS + 6  # where the values start


def waterfall(factors: Sequence[Factor], score: float) -> Waterfall:
    """Each factor from the running sum to the running sum plus its contribution; the last bar
    is the score, from 0 (the contributions add up to it: scores are their exact sum)."""
    ends = [0.0]
    for f in factors:
        ends.append(ends[-1] + f.contribution)
    low, high = min(0.0, *ends, score), max(0.0, *ends, score)
    span = (high - low) or 1.0

    def sx(v: float) -> float:
        return round(FALL_LABEL + FALL_BARS * (v - low) / span, 1)

    bars = []
    for i, f in enumerate(factors):
        a, b = sorted((ends[i], ends[i + 1]))
        kind = "gain" if f.contribution >= 0 else "cost"
        value = points(f.contribution, sign=True)
        title = f"{f.name} {value}: {f.explanation}"
        bars.append(Step(f.name, value, sx(a), max(sx(b) - sx(a), 1.0), i * FALL_ROW, kind, title))
    a, b = sorted((0.0, score))
    total = Step("score", points(score), sx(a), max(sx(b) - sx(a), 1.0), len(factors) * FALL_ROW,
                 "total", f"score {points(score)}: the sum of the contributions above")  # fmt: skip
    bars.append(total)
    width = FALL_LABEL + FALL_BARS + FALL_VALUE
    return Waterfall(width, (len(factors) + 1) * FALL_ROW + 4, sx(0.0), tuple(bars))


# -- diff ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Move:
    label: str
    href: str  # "" when the module has no section in this report
    before: float | None  # x of the score before, None: new module
    after: float | None  # x of the score after, None: removed
    y: float
    up: bool
    title: str


@dataclass(frozen=True, slots=True)
class DiffChart:
    width: float
    height: float
    zero: float
    ticks: tuple[Tick, ...]
    moves: tuple[Move, ...]
    label_x: float = DIFF_LABEL - 8  # where the module names end


def diff_chart(
    deltas: Sequence[ScoreDelta], anchors: dict[str, str], names: dict[str, str]
) -> DiffChart:
    """Each moved module's score before (hollow) and after (filled) the change."""
    scores = [s for d in deltas for s in (d.before, d.after) if s is not None]
    low, high = min(0.0, *scores), max(0.0, *scores)
    step = nice_ticks(high - low)[1]
    bottom, top = math.floor(low / step) * step, math.ceil(high / step) * step
    span = (top - bottom) or 1.0

    def sx(v: float) -> float:
        return round(DIFF_LABEL + DIFF_BARS * (v - bottom) / span, 1)

    moves = []
    for i, d in enumerate(deltas):
        before = "new" if d.before is None else points(d.before)
        after = "removed" if d.after is None else points(d.after)
        rank = f"rank {d.rank_before or '-'} -> {d.rank_after or '-'}"
        notes = f"; {', '.join(d.notes)}" if d.notes else ""
        href = "#" + anchors[d.rel_path] if d.rel_path in anchors else ""
        moves.append(
            Move(
                names.get(d.rel_path, d.rel_path), href,
                None if d.before is None else sx(d.before),
                None if d.after is None else sx(d.after),
                i * DIFF_ROW, (d.after or 0.0) >= (d.before or 0.0),
                f"{d.rel_path}: score {before} -> {after}, {rank}{notes}",
            )
        )  # fmt: skip
    ticks = [bottom + step * k for k in range(round(span / step) + 1)]
    return DiffChart(
        DIFF_LABEL + DIFF_BARS + 20,
        len(deltas) * DIFF_ROW + 28,
        sx(0.0),
        tuple(Tick(sx(v), _num(round(v, 1))) for v in ticks),
        tuple(moves),
    )
