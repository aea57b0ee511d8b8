"""Temporal coupling from git history: modules that change in the same commits.

This is code-maat's *logical coupling*: for two files, the degree is the number of commits that
touch both divided by the average number of commits touching each. Like code-maat, pairs are
kept only when each file has enough commits (``min_revs``), the pair enough shared ones
(``min_shared``) and the degree is high enough (``min_degree``); commits touching very many files
(mass renames, reformatting) say nothing about coupling and are left out (``max_changeset``).
The defaults are code-maat's (5, 5, 30%, 30 files).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations

MIN_REVS = 5
MIN_SHARED = 5
MIN_DEGREE = 0.30
MAX_CHANGESET = 30
#: from this degree two moving modules move as one step (below it: a co-change seam)
GROUP_DEGREE = 0.50


@dataclass(frozen=True, slots=True)
class Coupling:
    """Two files that change together: ``a`` < ``b``."""

    a: str
    b: str
    shared: int  # commits touching both
    degree: float  # shared / mean(commits of a, commits of b), 0-1


def couplings(
    changesets: Iterable[Sequence[str]],
    *,
    among: frozenset[str] | None = None,
    min_revs: int = MIN_REVS,
    min_shared: int = MIN_SHARED,
    min_degree: float = MIN_DEGREE,
    max_changeset: int = MAX_CHANGESET,
) -> tuple[Coupling, ...]:
    """The coupled pairs of ``changesets`` (the files of each commit), strongest first; with
    ``among``, only files in it are counted."""
    revs: Counter[str] = Counter()
    shared: Counter[tuple[str, str]] = Counter()
    for files in changesets:
        kept = sorted({f for f in files if among is None or f in among})
        if len(files) > max_changeset:
            continue
        revs.update(kept)
        shared.update(combinations(kept, 2))
    found = []
    for (a, b), both in shared.items():
        if both < min_shared or revs[a] < min_revs or revs[b] < min_revs:
            continue
        degree = both / ((revs[a] + revs[b]) / 2)
        if degree >= min_degree:
            found.append(Coupling(a, b, both, round(degree, 4)))
    return tuple(sorted(found, key=lambda c: (-c.degree, -c.shared, c.a, c.b)))
