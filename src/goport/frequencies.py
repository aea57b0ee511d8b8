"""How often each function runs: frequencies propagated down a weighted call graph.

``hotpath`` builds the graph (its nodes, each with the runs it gets as an entry point and the
share of its calls that run its body; its edges, the calls per run of the caller) and this
module propagates the runs from the entry points, in topological order of the graph's strongly
connected components. Each edge carries the loop level of its call sites, and runs are kept per
*chain level*, the loop levels added up along the chain from its entry point, which starts at
the levels its own runs stand for (0 for an import or an API call, 1 for a request handler, 4
for an interpreter hook, whose 625 runs are the innermost loops' trips). Past
``MAX_CHAIN_LEVELS`` a call's loops stop multiplying, so a loop nest spread over helpers (an
algorithm's main loop calling closures from their loops, which call closures from theirs)
multiplies its trips over six levels at most, instead of again at every hop. Recursion: each component with a cycle runs
``RECURSION_RUNS`` times per call from outside, spread over its members by the weight of the
calls inside it. Pure Python, linear in edges times levels.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from goport.graph import strongly_connected

__all__ = ["FREQ_CAP", "MAX_CHAIN_LEVELS", "RECURSION_RUNS", "Graph", "propagate"]

#: loop levels along a whole call chain, from its entry point, beyond this count as this many:
#: one call site counts at most four (hotpath.MAX_LOOP_LEVELS), a chain of them 15,625 runs;
#: without a cap networkx's max_weight_matching, a nest of closures, held 99.2% of that
#: package's estimate. Chosen, not derived: benchmarks/estimate_ndcg.py gives 4 levels 0.735,
#: 5 0.753, 6 0.751, 8 0.748 (no cap 0.748) for the static order, the estimate alone 0.728,
#: 0.742, 0.752, 0.752 (0.752); 6 is best for both together
MAX_CHAIN_LEVELS = 6
#: a recursive function, or a cycle of functions, runs this many times per call from outside.
#: Bounded and small: recursion depth depends on data nothing here sees, most recursive calls
#: sit under a branch (the base case), and a cycle counted as a whole loop (LOOP_TRIPS) let
#: recursive parsers and tree walks swamp every estimate (benchmarks/estimate_ndcg.py: 0.67
#: against 0.65)
RECURSION_RUNS = 2.0
#: no function runs more often than this per run of the entry points: keeps frequency x work and
#: their sums finite on any input (real call chains stay many orders of magnitude below)
FREQ_CAP = 1e200

#: an edge: (callee, loop level of its call sites, calls per run of the caller, trips included)
Edge = tuple[int, int, float]


@dataclass(frozen=True, slots=True)
class Graph:
    """A call graph over nodes 0..n-1, as ``hotpath`` builds it: finite weights >= 0, runs in
    [0, 1], loop levels >= 0, trips > 1. Entry runs and levels are clamped to their ranges;
    other values outside these ranges are not checked, and may give inf or nan."""

    entry: Sequence[float]  # runs each node gets as an entry point
    entry_levels: Sequence[int]  # the loop levels those runs stand for (a hook's: 4)
    runs: Sequence[float]  # share of its calls that run its body (memoized: fewer)
    calls: Sequence[Sequence[Edge]]  # each caller's calls, per callee and loop level
    trips: float  # runs of a loop body per entry into the loop


def propagate(graph: Graph) -> tuple[list[float], list[int]]:
    """Runs of every node, and the caller contributing most of them: -1 when none gives it
    as many runs as it gets as an entry point (a chain starts there)."""
    n = len(graph.entry)
    inflow = [[0.0] * (MAX_CHAIN_LEVELS + 1) for _ in range(n)]
    for v, runs in enumerate(graph.entry):
        level = min(max(graph.entry_levels[v], 0), MAX_CHAIN_LEVELS)
        inflow[v][level] = runs if 0.0 <= runs <= FREQ_CAP else FREQ_CAP if runs > 0.0 else 0.0
    freq = [0.0] * n
    best = [-1] * n
    best_in = [0.0] * n
    deepest = max((loop for out in graph.calls for _, loop, _ in out), default=0)
    past = [graph.trips**-k for k in range(deepest + 1)]  # runs left k levels past the cap
    edges = _totals(graph.calls)
    for component in strongly_connected(edges):
        members = set(component)
        levels = _runs(graph.runs, edges, component, members, inflow)
        for v, at in levels.items():
            freq[v] = min(sum(at), FREQ_CAP)
        for u in component:
            given = _pass_on(graph.calls[u], u, levels[u], members, inflow, past)
            for v, contribution in given.items():
                if v in members and best[v] >= 0 and best[v] not in members:
                    continue  # a chain reaches a cycle from outside it
                if contribution > best_in[v] and contribution >= graph.entry[v]:
                    best_in[v] = contribution
                    best[v] = u
    return freq, best


def _totals(calls: Sequence[Sequence[Edge]]) -> list[dict[int, float]]:
    """Each caller's calls per callee, all loop levels together."""
    out: list[dict[int, float]] = []
    for edges in calls:
        total: dict[int, float] = {}
        for v, _, weight in edges:
            total[v] = total.get(v, 0.0) + weight
        out.append(total)
    return out


def _runs(
    runs: Sequence[float],
    edges: list[dict[int, float]],
    component: list[int],
    members: set[int],
    inflow: list[list[float]],
) -> dict[int, list[float]]:
    """Runs per chain level of each member of a component, from the calls into it."""
    if len(component) == 1 and component[0] not in edges[component[0]]:
        levels = {component[0]: inflow[component[0]]}
    else:
        levels = _spread(component, members, edges, inflow)
    for v, at in levels.items():
        share = runs[v]
        if share != 1.0:
            at = levels[v] = [x * share for x in at]
        total = sum(at)
        if not total <= FREQ_CAP:  # scaled down to the cap, so no product or sum overflows
            at = [min(x, FREQ_CAP) for x in at]  # each finite, so the sum is too
            total = sum(at)
            levels[v] = [x * (FREQ_CAP / total) for x in at]
    return levels


def _pass_on(
    calls: Sequence[Edge],
    u: int,
    levels: list[float],
    members: set[int],
    inflow: list[list[float]],
    past: list[float],
) -> dict[int, float]:
    """Add ``u``'s calls to its callees' inflow (not to those in its own component, whose runs
    are already spread) and return the runs it gives each callee."""
    top = MAX_CHAIN_LEVELS
    at = [(d, x) for d, x in enumerate(levels) if x]
    given: dict[int, float] = {}
    for v, loop, weight in calls:
        if v == u:
            continue
        outside = v not in members
        sink = inflow[v]
        total = 0.0
        for d, x in at:
            c = x * weight
            d += loop
            if d > top:  # the chain's loop levels past the cap count as the cap
                c *= past[d - top]
                d = top
            if outside:
                sink[d] += c
            total += c
        given[v] = given.get(v, 0.0) + total
    return given


def _spread(
    component: list[int],
    members: set[int],
    edges: Sequence[dict[int, float]],
    inflow: list[list[float]],
) -> dict[int, list[float]]:
    """A recursive component runs RECURSION_RUNS times per call from outside, in total; members
    share the extra runs by the weight of the calls inside the component that reach them."""
    internal = dict.fromkeys(component, 0.0)
    for u in component:
        for v, weight in edges[u].items():
            if v in members:
                internal[v] += weight
    total_internal = sum(internal.values()) or 1.0
    width = len(inflow[component[0]])
    totals = [sum(inflow[v][d] for v in component) for d in range(width)]
    out: dict[int, list[float]] = {}
    for v in component:
        part = (RECURSION_RUNS - 1.0) * internal[v] / total_internal
        out[v] = [inflow[v][d] + part * totals[d] for d in range(width)]
    return out
