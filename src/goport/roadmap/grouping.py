"""Steps as groups of moving modules, and their order: an import cycle moves as one step, strong
co-change merges steps where the order stays acyclic, and a step's wave is one more than the
latest wave it depends on."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

from goport.graph import strongly_connected
from goport.model import Candidate
from goport.roadmap.cochange import GROUP_DEGREE, Coupling
from goport.roadmap.model import Seam


def groups(
    order: Sequence[str],
    deps: Mapping[str, Sequence[str]],
    coupled: Sequence[Coupling],
    cands: Mapping[str, Candidate],
) -> tuple[list[tuple[str, ...]], dict[int, list[Seam]]]:
    """Steps as groups of modules (cycles, then strong co-change), and the seams they need."""
    index = {p: i for i, p in enumerate(order)}
    edges: list[dict[int, float]] = [{index[d]: 1.0 for d in deps[p]} for p in order]
    groups: list[set[str]] = []
    seams: dict[int, list[Seam]] = defaultdict(list)
    for component in strongly_connected(edges):
        members = {order[i] for i in component}
        groups.append(members)
        if len(members) > 1:
            names = tuple(sorted(members, key=index.__getitem__))
            seams[len(groups) - 1].append(
                Seam(
                    "cycle",
                    names,
                    f"{', '.join(names)} import each other (an import cycle): they move as one "
                    "step; to move them apart, first cut the cycle (move the shared names into "
                    "one module, or put an interface between them).",
                )
            )
    for pair in coupled:
        _couple(pair, groups, seams, deps, cands)
    kept = [i for i, g in enumerate(groups) if g]
    renumber = {old: new for new, old in enumerate(kept)}
    ordered = [tuple(sorted(groups[i], key=index.__getitem__)) for i in kept]
    return ordered, {renumber[i]: s for i, s in seams.items() if i in renumber}


def _couple(
    pair: Coupling,
    groups: list[set[str]],
    seams: dict[int, list[Seam]],
    deps: Mapping[str, Sequence[str]],
    cands: Mapping[str, Candidate],
) -> None:
    """Strong co-change between two moving modules merges their steps (when the order stays
    acyclic); otherwise, or when one of them stays, a seam says every change spans both."""
    how = f"changed together in {pair.shared} commits (coupling {pair.degree:.0%})"
    both = (pair.a, pair.b)
    if not all(p in cands for p in both):
        mover = pair.a if pair.a in cands else pair.b if pair.b in cands else None
        if mover is not None:
            where = next(i for i, g in enumerate(groups) if mover in g)
            seams[where].append(
                Seam(
                    "co-change",
                    both,
                    f"{pair.a} and {pair.b} {how}, but only {mover} moves: every such change "
                    "will span Python and Go; keep their shared contract explicit and tested.",
                )
            )
        return
    ga = next(i for i, g in enumerate(groups) if pair.a in g)
    gb = next(i for i, g in enumerate(groups) if pair.b in g)
    if ga == gb:
        return
    if pair.degree >= GROUP_DEGREE and not _through_other(groups, deps, ga, gb):
        groups[ga] |= groups[gb]
        seams[ga].extend(seams.pop(gb, []))
        seams[ga].append(
            Seam("co-change", both, f"{pair.a} and {pair.b} {how}: they move as one step.")
        )
        groups[gb] = set()
    else:
        seams[ga].append(
            Seam(
                "co-change",
                both,
                f"{pair.a} and {pair.b} {how}, yet move in different steps: until both have "
                "moved, each change spans Python and Go; keep their shared contract tested.",
            )
        )


def _through_other(
    groups: Sequence[set[str]], deps: Mapping[str, Sequence[str]], a: int, b: int
) -> bool:
    """Whether a path of imports leads from group ``a`` to ``b`` (or back) through another
    group: merging the two would then put a cycle in the order."""
    of = {p: i for i, g in enumerate(groups) for p in g}

    def reaches(start: int, goal: int) -> bool:
        todo = [of[d] for p in groups[start] for d in deps[p] if of[d] not in (start, goal)]
        seen: set[int] = set()
        while todo:
            g = todo.pop()
            if g in seen:
                continue
            seen.add(g)
            for d in (of[d] for p in groups[g] for d in deps[p]):
                if d == goal:
                    return True
                if d != g:
                    todo.append(d)
        return False

    return reaches(a, b) or reaches(b, a)


def waves(gdeps: Sequence[Sequence[int]]) -> list[int]:
    """1 + the latest wave a group depends on (the groups' graph is acyclic)."""
    wave = [0] * len(gdeps)
    for root in range(len(gdeps)):
        stack = [root]
        while stack:
            i = stack[-1]
            if wave[i]:
                stack.pop()
                continue
            todo = [d for d in gdeps[i] if not wave[d]]
            if todo:
                stack.extend(todo)
                continue
            wave[i] = 1 + max((wave[d] for d in gdeps[i]), default=0)
            stack.pop()
    return wave
