"""What the CI reporters (github, sarif, gitlab) point at: the shared selection of annotations.

An annotation is a place in a file a reviewer should look at, with the module's score and strategy
in its message. The selection aims reviewers at Go-worthy code and at what blocks a port:

* candidates with a Go strategy (go-service, go-worker, go-cli): every hot function, every
  blocker/ecosystem finding, and the ``TOP_FINDINGS`` heaviest other findings - all at level
  ``warning``;
* candidates to optimise in Python first: the same selection at level ``notice`` (the message
  carries the cheaper Python-side fix);
* keep-in-python candidates: only their blocker/ecosystem findings, at level ``notice``. Their
  hot functions and CPU/concurrency findings are not Go-worthy, so pointing at them would be
  noise; a blocker is still worth seeing on a line a change touches (it is why the module stays).

Order is deterministic: candidates by rank; inside a candidate its hottest function first, then
its blockers (by line), then its other hot functions (hottest first), then its heaviest findings.
``order`` records that position so a capped output (GitHub shows ten per level) can take the
first item of every candidate before the second of any.

Fingerprints never use line numbers: the basis is the kind, rule, path, enclosing symbol and
message, plus the occurrence index among identical bases in that module (counted over all of the
module's findings in source order, so the selection itself cannot shift it).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from enum import Enum

from goport.model import Candidate, Category, Finding, HotFunction, RunResult, Strategy
from goport.reports import GO_STRATEGIES, points

#: the pseudo rule id of a hot-function annotation (no detector has it: ids are GP + 3 digits)
HOT_FUNCTION_RULE = "hot-function"
HOT_FUNCTION_NAME = "hot-function"
#: how many non-blocker findings of one candidate are annotated, heaviest first
TOP_FINDINGS = 3
BLOCKING = frozenset({Category.BLOCKER, Category.ECOSYSTEM})


class Level(str, Enum):
    """How loudly to annotate: ``warning`` for Go-worthy modules, ``notice`` for the rest."""

    WARNING = "warning"
    NOTICE = "notice"


class Kind(str, Enum):
    HOT_FUNCTION = "hot-function"
    BLOCKER = "blocker"
    FINDING = "finding"


@dataclass(frozen=True, slots=True)
class Annotation:
    path: str  # posix, repo-relative when a prefix was given, else relative to the scanned root
    line: int
    end_line: int
    title: str
    message: str
    level: Level
    rule: str  # detector id, or HOT_FUNCTION_RULE
    candidate_score: float
    strategy: Strategy
    fingerprint_basis: str
    rule_name: str = ""
    kind: Kind = Kind.FINDING
    category: Category | None = None  # None for hot functions
    symbol: str = ""
    module: str = ""
    rank: int = 0
    order: int = 0  # position inside its candidate's list (0 = most important)

    @property
    def fingerprint(self) -> str:
        """A stable id: 32 hex digits of a hash of ``fingerprint_basis`` (no line numbers)."""
        return _digest(self.fingerprint_basis)


def normalise_prefix(prefix: str) -> str:
    """``./services/api`` -> ``services/api/``; empty stays empty."""
    cleaned = prefix.replace("\\", "/").strip()
    while cleaned.startswith("./"):
        cleaned = cleaned[2:]
    cleaned = cleaned.strip("/")
    return f"{cleaned}/" if cleaned and cleaned != "." else ""


def select(
    result: RunResult, *, path_prefix: str = "", top_findings: int = TOP_FINDINGS
) -> tuple[Annotation, ...]:
    """Every annotation of the run, candidates by rank, each candidate's in importance order."""
    prefix = normalise_prefix(path_prefix)
    out: list[Annotation] = []
    diff = result.diff
    for c in sorted(result.candidates, key=lambda c: (c.rank, c.rel_path)):
        for a in for_candidate(c, prefix=prefix, top_findings=top_findings):
            # in diff mode a reviewer sees only what this change touched
            if diff is None or diff.touches(c.rel_path, a.line, a.end_line):
                out.append(a)
    return tuple(out)


def for_candidate(
    c: Candidate, *, prefix: str = "", top_findings: int = TOP_FINDINGS
) -> list[Annotation]:
    go = c.strategy in GO_STRATEGIES
    level = Level.WARNING if go else Level.NOTICE
    keep = c.strategy is Strategy.KEEP
    path = prefix + c.rel_path
    bases = _finding_bases(c, path)
    findings = list(enumerate(c.findings))
    blockers = sorted(
        (p for p in findings if p[1].category in BLOCKING), key=lambda p: _place(p[1])
    )
    others: list[tuple[int, Finding]] = []
    if not keep:
        rest = [p for p in findings if p[1].category not in BLOCKING]
        rest.sort(key=lambda p: (-p[1].weight, *_place(p[1])))
        others = rest[: max(0, top_findings)]
    hot = [] if keep else list(enumerate(c.functions))
    hot_bases = _hot_bases(c, path)
    items: list[Annotation] = []
    for i, fn in hot[:1]:
        items.append(_hot(c, fn, path, hot_bases[i], level))
    for i, f in blockers:
        items.append(_finding(c, f, path, bases[i], level, Kind.BLOCKER))
    for i, fn in hot[1:]:
        items.append(_hot(c, fn, path, hot_bases[i], level))
    for i, f in others:
        items.append(_finding(c, f, path, bases[i], level, Kind.FINDING))
    return [replace(a, order=n) for n, a in enumerate(items)]


def by_importance(annotations: Iterable[Annotation]) -> list[Annotation]:
    """Warnings before notices; then round-robin over candidates (first item of each, ...)."""
    level_rank = {Level.WARNING: 0, Level.NOTICE: 1}
    return sorted(annotations, key=lambda a: (level_rank[a.level], a.order, a.rank, a.path))


# -- building one annotation -----------------------------------------------------------------------


def _place(f: Finding) -> tuple[int, int, int, int, str, str]:
    s = f.span
    return (s.line, s.col, s.end_line, s.end_col, f.rule, f.message)


def _occurrences(keys: Sequence[tuple[int, str]]) -> dict[int, str]:
    """Map index -> key + "#n", n counting identical keys in the given (source) order."""
    seen: Counter[str] = Counter()
    out: dict[int, str] = {}
    for index, key in keys:
        out[index] = f"{key}#{seen[key]}"
        seen[key] += 1
    return out


def _finding_bases(c: Candidate, path: str) -> dict[int, str]:
    keys = []
    for i, f in sorted(enumerate(c.findings), key=lambda p: (_place(p[1]), p[0])):
        kind = Kind.BLOCKER if f.category in BLOCKING else Kind.FINDING
        keys.append((i, f"{kind.value}|{f.rule}|{path}|{f.symbol}|{f.message}"))
    return _occurrences(keys)


def _hot_bases(c: Candidate, path: str) -> dict[int, str]:
    ordered = sorted(enumerate(c.functions), key=lambda p: (p[1].span, p[1].qualname, p[0]))
    keys = [
        (i, f"{Kind.HOT_FUNCTION.value}|{HOT_FUNCTION_RULE}|{path}|{fn.qualname}")
        for i, fn in ordered
    ]
    return _occurrences(keys)


def _standing(c: Candidate) -> str:
    return f"{c.rel_path} is migration candidate #{c.rank} (score {points(c.score)}, {c.strategy.value})"


def _hot(c: Candidate, fn: HotFunction, path: str, basis: str, level: Level) -> Annotation:
    why = ", ".join(fn.reasons) or "complexity and loops"
    parts = [
        (
            f"Hot function {fn.qualname} (lines {fn.span.line}-{fn.span.end_line}, "
            f"complexity {fn.complexity}): {why}."
        ),
        f"{_standing(c)}.",
    ]
    if fn.measured is not None:
        parts.append(
            f"Measured: {fn.measured.self_share:.0%} self, {fn.measured.total_share:.0%} total."
        )
    if fn.signature:
        parts.append(f"Go sketch: {fn.signature}")
    if c.strategy is Strategy.OPTIMISE_FIRST and c.python_first:
        parts.append(f"Try in Python first: {c.python_first[0]}.")
    return Annotation(
        path=path,
        line=fn.span.line,
        end_line=max(fn.span.line, fn.span.end_line),
        title=f"goport: hot function {fn.qualname} ({c.strategy.value}, score {points(c.score)})",
        message="\n".join(parts),
        level=level,
        rule=HOT_FUNCTION_RULE,
        candidate_score=c.score,
        strategy=c.strategy,
        fingerprint_basis=basis,
        rule_name=HOT_FUNCTION_NAME,
        kind=Kind.HOT_FUNCTION,
        category=None,
        symbol=fn.qualname,
        module=c.module,
        rank=c.rank,
    )


def _finding(
    c: Candidate, f: Finding, path: str, basis: str, level: Level, kind: Kind
) -> Annotation:
    where = f" (in {f.symbol})" if f.symbol else ""
    parts = [f"{f.rule} {f.name}: {f.message}{where}."]
    if kind is Kind.BLOCKER:
        go = f" In Go: {f.go_idiom}." if f.go_idiom else ""
        parts.append(f"This blocks a Go port.{go}")
    elif f.go_idiom:
        parts.append(f"Go idiom: {f.go_idiom}.")
    parts.append(f"{_standing(c)}.")
    if c.strategy is Strategy.OPTIMISE_FIRST and c.python_first and kind is Kind.FINDING:
        parts.append(f"Try in Python first: {c.python_first[0]}.")
    suffix = "blocks a Go port" if kind is Kind.BLOCKER else c.strategy.value
    return Annotation(
        path=path,
        line=f.span.line,
        end_line=max(f.span.line, f.span.end_line),
        title=f"goport {f.rule} {f.name} ({suffix}, score {points(c.score)})",
        message="\n".join(parts),
        level=level,
        rule=f.rule,
        candidate_score=c.score,
        strategy=c.strategy,
        fingerprint_basis=basis,
        rule_name=f.name,
        kind=kind,
        category=f.category,
        symbol=f.symbol,
        module=c.module,
        rank=c.rank,
    )


def finding_fingerprints(c: Candidate) -> list[str]:
    """Fingerprints of every finding of ``c``, in ``c.findings`` order (for baselines)."""
    bases = _finding_bases(c, c.rel_path)
    return [_digest(bases[i]) for i in range(len(c.findings))]


def _digest(basis: str) -> str:
    # surrogatepass: a path with an undecodable byte (a lone surrogate) still hashes, and every
    # other string hashes exactly as plain UTF-8 did, so existing baselines keep matching
    return hashlib.blake2b(basis.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
