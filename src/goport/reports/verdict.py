"""The first line of the terminal report, and the legend under its table.

The verdict answers the question goport is run for before the table details it: which modules
to port ("6 Go candidates: tokenizer.py (go-extension, score 112.9, gain +123.0), ...") or,
when none, "Nothing here is worth porting to Go" with the reason read from the results (the best
score against the score a Go strategy needs, and what keeps the modules in Python). It counts
every ranked module, not only the rows ``--top`` or ``--min-score`` leave.

The legend says what the table's units mean: the score scale, the strategy names, how effort is
estimated (``planning.EFFORT``) and the "(N tests)" of the header. Its numbers come from the
code that uses them, so it cannot drift from them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from rich.cells import cell_len

from goport.model import Candidate, RunResult, Strategy
from goport.planning import EFFORT
from goport.reports import GO_STRATEGIES, OTHER, points
from goport.reports.columns import Names
from goport.scoring import CALIBRATION, gain_of
from goport.text import printable

#: what a Go strategy means, in a few words (the other two names say it themselves)
MEANING = {
    Strategy.GO_EXTENSION: "in-process, a CPython extension",
    Strategy.GO_SERVICE: "behind HTTP/gRPC",
    Strategy.GO_WORKER: "behind a queue",
    Strategy.GO_CLI: "a CLI or sidecar Python calls",
}

#: why a module that stays in Python does: its gain is below the calibrated minimum
LITTLE_GAIN = "little to gain"


def short_names(paths: Sequence[str]) -> dict[str, str]:
    """Each path by its shortest unambiguous tail: ``tokenizer.py``, ``api/__init__.py``."""
    out: dict[str, str] = {}
    for path in paths:
        parts = path.split("/")
        for n in range(1, len(parts) + 1):
            tail = "/".join(parts[-n:])
            if sum(1 for p in paths if p == tail or p.endswith("/" + tail)) == 1:
                break
        out[path] = printable(tail)
    return out


def fit_list(items: Sequence[str], width: int, sep: str = ", ", more: bool = True) -> str | None:
    """As many ``items`` as fit ``width`` (then "+N more" when ``more``); None when not even the
    first fits."""
    for n in range(len(items), 0, -1):
        rest = len(items) - n
        text = sep.join([*items[:n], *([f"+{rest} more"] if rest and more else [])])
        if cell_len(text) <= width:
            return text
    return None


def verdict(result: RunResult, width: int) -> str:
    """One line: the reported Go candidates, best first, or why none of the reported modules
    is worth porting; a report narrowed to some files (named files, ``--diff-base``,
    ``--baseline``, ``--top``) says how many Go candidates the whole project has."""
    shown = result.candidates
    if not shown:
        return ""
    names = short_names([c.rel_path for c in result.ranking or shown])
    go = [c for c in shown if c.strategy in GO_STRATEGIES]
    project = sum(1 for c in result.ranking if c.strategy in GO_STRATEGIES) or len(go)
    if not go:
        head = "Nothing here is worth porting to Go: "
        elsewhere = f"{project} Go candidate{'' if project == 1 else 's'} elsewhere in the project"
        return head + _why_none(shown, names, width - cell_len(head), elsewhere if project else "")
    many = f"{len(go)} Go candidate{'' if len(go) == 1 else 's'}"
    head = f"{many}: " if project == len(go) else f"{len(go)} of {project} Go candidates shown: "
    rest = [f"{names[c.rel_path]} ({c.strategy.value})" for c in go[1:]]
    top = go[0]
    gain = points(gain_of(top.factors), sign=True)
    for first in (
        f"{names[top.rel_path]} ({top.strategy.value}, expected gain {gain} points)",
        f"{names[top.rel_path]} ({top.strategy.value}, gain {gain})",
        f"{names[top.rel_path]} ({top.strategy.value})",
    ):
        listed = fit_list([first, *rest], width - cell_len(head))
        if listed is not None:
            return head + listed
    return head + f"{names[top.rel_path]} ({top.strategy.value})"


def tests_note(n: int) -> str:
    """The header's count of test files: "1 test", "4 tests"."""
    return f"{n} test{'' if n == 1 else 's'}"


def held_back(c: Candidate) -> str:
    """What keeps a module in Python: its largest cost when that outweighs the gain, else too
    little to gain. Blockers count at their whole redesign cost, as planning weighs them (the
    score charges only ``blocker_rank_share`` of it)."""
    gain = gain_of(c.factors)
    share = CALIBRATION.blocker_rank_share
    costs = {
        f.name: f.contribution / share if f.name == "blockers" and share > 0 else f.contribution
        for f in c.factors
        if f.contribution < 0
    }
    worst = min(costs, key=costs.__getitem__, default=None)
    if worst is not None and -costs[worst] > gain:
        return worst
    return LITTLE_GAIN


def _why_none(
    ranked: Sequence[Candidate], names: dict[str, str], width: int, elsewhere: str
) -> str:
    """Why nothing is worth porting, in ``width`` cells: what keeps the modules in Python (most
    common first), how many have a Python fix to try first, the best score, and ``elsewhere``
    (the Go candidates among the modules not reported)."""
    best = max(ranked, key=lambda c: c.score)
    need = CALIBRATION.min_go_score
    score = f"the best score is {points(best.score)} ({names[best.rel_path]})"
    if best.score < need:
        score += f", below the {points(need)} a Go strategy needs"
    first = sum(1 for c in ranked if c.strategy is Strategy.OPTIMISE_FIRST)
    fix = f"{first} {'has' if first == 1 else 'have'} a cheaper Python fix first" if first else ""
    kept = Counter(held_back(c) for c in ranked if c.strategy is Strategy.KEEP)
    clauses = []
    if kept:
        count = sum(kept.values())
        head = f"{count} {'stays' if count == 1 else 'stay'} in Python"
        reasons = fit_list(
            [f"{reason} ({n})" for reason, n in kept.most_common()], width - cell_len(head) - 5
        )
        clauses.append(f"{head} for {reasons}" if reasons else head)
    # the rest, most telling first, as far as the line goes
    for clause in (fix, elsewhere, score):
        if clause and (not clauses or cell_len("; ".join([*clauses, clause])) <= width):
            clauses.append(clause)
    return "; ".join(clauses)


def legend(result: RunResult, shown: Sequence[Candidate], names: Names) -> list[str]:
    """A few short lines on the table's units; ``names``: how the strategy column names them."""
    lines = [
        (
            f"score = gain - cost in points, the sum of its factors: from "
            f"{points(CALIBRATION.min_go_score)} (with enough gain, and blockers at full cost) a "
            "Go strategy, below 0 the "
            f"costs win; why: the largest contributions, {OTHER} = the rest."
        )
    ]
    used = [s for s in Strategy if any(c.strategy is s for c in shown)]
    named = []
    for s in used:
        name = s.value if names.of(s) == s.value else f"{names.of(s)} = {s.value}"
        named.append(f"{name} ({MEANING[s]})" if s in MEANING else name)
    lines.append("strategy: " + "; ".join(named) + ".")
    if any(c.effort is not None for c in shown):
        sizes = "/".join(label for label, _ in EFFORT.sizes) + "/XL"
        below = "/".join(f"<{n}" for _, n in EFFORT.sizes)
        lines.append(
            f"effort: {sizes} by source lines ({below}), and person-days low-high = "
            f"{EFFORT.describe()}."
        )
    lines.append(
        f"({tests_note(result.summary.test_files)}): test files; they show what covers each "
        "module and are never ranked."
    )
    return lines
