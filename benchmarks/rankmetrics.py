"""Ranking metrics with ties: average precision and precision at k, as expected values.

A ranking is a list of groups, best first; the modules of a group are tied (the ranker cannot
tell them apart). Any order inside a tied group is as likely as any other, so the metrics are
the expected value over those orders, computed exactly (McSherry and Najork, "Computing
information retrieval performance measures efficiently in the presence of tied scores", ECIR
2008): the alphabetical order a sort falls back on never decides a score.

Shared by ``validation.py`` and ``fit.py``; no goport code.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence

Ranking = list[list[str]]  # groups of tied modules, best first


def order_by(values: Mapping[str, float]) -> Ranking:
    """Descending by value; equal values tie (a group is sorted only to print stably)."""
    groups: dict[float, list[str]] = defaultdict(list)
    for module, value in values.items():
        groups[value].append(module)
    return [sorted(groups[v]) for v in sorted(groups, reverse=True)]


def average_ranks(ranking: Sequence[Sequence[str]]) -> dict[str, float]:
    """1-based rank of each module; a tied group's modules share the mean of its positions."""
    out: dict[str, float] = {}
    before = 0
    for group in ranking:
        shared = before + (len(group) + 1) / 2
        for module in group:
            out[module] = shared
        before += len(group)
    return out


def _check(ranking: Sequence[Sequence[str]], relevant: Collection[str]) -> int:
    ranked = {m for g in ranking for m in g}
    missing = [m for m in relevant if m not in ranked]
    if missing:
        raise ValueError(f"relevant modules not in the ranking: {sorted(missing)}")
    return len(set(relevant))


def expected_ap(ranking: Sequence[Sequence[str]], relevant: Collection[str]) -> float | None:
    """Average precision, expected over the orders of every tied group; None if nothing is relevant.

    A group of n modules with r relevant ones, after s modules of which rb are relevant: the
    j-th position of the group holds a relevant module with probability r/n, and then the other
    r-1 relevant modules of the group lie before it with expectation (j-1)(r-1)/(n-1), so the
    precision at that position is (rb + 1 + (j-1)(r-1)/(n-1)) / (s + j) in expectation. The
    expectation is linear, so summing these terms is exact.
    """
    total_relevant = _check(ranking, relevant)
    if total_relevant == 0:
        return None
    wanted = set(relevant)
    total = 0.0
    seen = rel_before = 0
    for group in ranking:
        n = len(group)
        r = sum(1 for m in group if m in wanted)
        if r:
            spread = (r - 1) / (n - 1) if n > 1 else 0.0
            for j in range(1, n + 1):
                total += (r / n) * (rel_before + 1 + (j - 1) * spread) / (seen + j)
        seen += n
        rel_before += r
    return total / total_relevant


def expected_precision_at_k(
    ranking: Sequence[Sequence[str]], relevant: Collection[str], k: int
) -> float | None:
    """Share of relevant modules among the first k, expected over tied orders; None if k < 1."""
    _check(ranking, relevant)
    if k < 1:
        return None
    wanted = set(relevant)
    hits = 0.0
    seen = 0
    for group in ranking:
        n = len(group)
        inside = max(0, min(n, k - seen))  # positions of this group within the first k
        if inside:
            hits += inside * sum(1 for m in group if m in wanted) / n
        seen += n
    return hits / k


def plain_ap(order: Sequence[str], relevant: Collection[str]) -> float | None:
    """Average precision of one strict order (no ties): the definition the expectations follow."""
    wanted = set(relevant)
    if not wanted:
        return None
    hits = 0
    total = 0.0
    for i, module in enumerate(order, start=1):
        if module in wanted:
            hits += 1
            total += hits / i
    return total / len(wanted)


def mean(values: Sequence[float | None]) -> float | None:
    """Mean of the values that are not None (None when there are none)."""
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None
