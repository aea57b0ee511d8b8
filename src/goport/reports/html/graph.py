"""The project map: the import graph of the ranked (product) modules, laid out in layers.

A deterministic layered layout in the manner of Sugiyama: import cycles are collapsed
(strongly connected components), a module's layer is one more than the highest layer of what it
imports, so the modules that import nothing of the project sit at the bottom and the entry
points at the top; within a layer, modules are ordered by rank, then by the mean position of
their neighbours, a sweep down and a sweep up. Wide layers wrap into several rows.

The Go candidates (a Go strategy) are drawn highlighted, and the proposed boundary is drawn on
the edges it cuts: an import between a module that moves to Go and one that stays in Python is a
call across languages once the port is done (a seam).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from goport.graph import strongly_connected
from goport.model import Candidate
from goport.reports import GO_STRATEGIES, points

#: most modules drawn, best-ranked first (a bigger graph is not readable as a picture)
MAX_NODES = 80
#: most modules in one row of a layer
ROW_MAX = 8
#: estimated width of a label character at the map's font size, and a node's padding
CHAR_W, PAD = 7.2, 18.0
NODE_H, ROW_GAP, COL_GAP, MARGIN = 28.0, 56.0, 16.0, 12.0


@dataclass(frozen=True, slots=True)
class Node:
    x: float
    y: float
    w: float
    label: str
    href: str  # "" when the module has no section in this report
    strategy: str
    go: bool
    title: str


@dataclass(frozen=True, slots=True)
class Edge:
    x1: float
    y1: float
    x2: float
    y2: float
    boundary: bool
    title: str


@dataclass(frozen=True, slots=True)
class GraphChart:
    width: float
    height: float
    node_h: float
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    left_out: int  # ranked modules not drawn (past MAX_NODES)


def _edges(mods: Sequence[Candidate]) -> list[dict[int, float]]:
    """i imports j, among the modules drawn."""
    index = {c.module: i for i, c in enumerate(mods)}
    out: list[dict[int, float]] = []
    for i, c in enumerate(mods):
        targets = (index.get(m) for m in c.boundary.imports)
        out.append({j: 1.0 for j in sorted(t for t in targets if t is not None and t != i)})
    return out


def layers(edges: Sequence[dict[int, float]]) -> list[int]:
    """Each module's layer: 0 when it imports nothing drawn, else one more than the highest
    layer it imports (a cycle shares one layer)."""
    comps = strongly_connected(list(edges))  # importers before what they import
    comp_of = {v: k for k, comp in enumerate(comps) for v in comp}
    level = [0] * len(comps)
    for k in range(len(comps) - 1, -1, -1):
        below = [level[comp_of[j]] for v in comps[k] for j in edges[v] if comp_of[j] != k]
        level[k] = 1 + max(below) if below else 0
    return [level[comp_of[v]] for v in range(len(edges))]


def _rows(edges: Sequence[dict[int, float]], level: Sequence[int]) -> list[list[int]]:
    """Rows from top (highest layer) to bottom, each ordered to shorten the edges."""
    top = max(level, default=-1)
    by_layer = [[v for v in range(len(level)) if level[v] == k] for k in range(top, -1, -1)]
    up: dict[int, list[int]] = {v: [] for v in range(len(level))}
    for v, out in enumerate(edges):
        for j in out:
            up[j].append(v)
    pos = {v: float(i) for row in by_layer for i, v in enumerate(row)}
    # down (ordered by importers), then up (by what they import)
    for down, sweep in ((True, by_layer[1:]), (False, by_layer[-2::-1])):
        for row in sweep:
            for v in row:
                near = up[v] if down else list(edges[v])
                pos[v] = sum(pos[n] for n in near) / len(near) if near else pos[v]
            row.sort(key=lambda v: (pos[v], v))
            for i, v in enumerate(row):
                pos[v] = float(i)
    return [row[i : i + ROW_MAX] for row in by_layer for i in range(0, len(row), ROW_MAX)]


def project_map(
    ranking: Sequence[Candidate], anchors: dict[str, str], names: dict[str, str]
) -> GraphChart:
    """The map of the best-ranked ``MAX_NODES`` modules."""
    mods = list(ranking[:MAX_NODES])
    edges = _edges(mods)
    rows = _rows(edges, layers(edges))
    widths = [len(names[c.rel_path]) * CHAR_W + PAD for c in mods]
    row_w = [sum(widths[v] for v in row) + COL_GAP * (len(row) - 1) for row in rows]
    width = max(row_w, default=0.0) + 2 * MARGIN
    place: dict[int, tuple[float, float]] = {}
    for r, row in enumerate(rows):
        x = (width - row_w[r]) / 2
        for v in row:
            place[v] = (round(x, 1), MARGIN + r * (NODE_H + ROW_GAP))
            x += widths[v] + COL_GAP
    nodes = tuple(_node(c, place[i], widths[i], anchors, names) for i, c in enumerate(mods))
    lines = [_edge(mods, nodes, i, j) for i, out in enumerate(edges) for j in out]
    height = MARGIN * 2 + len(rows) * NODE_H + max(0, len(rows) - 1) * ROW_GAP
    return GraphChart(
        round(width, 1),
        round(height, 1),
        NODE_H,
        nodes,
        tuple(sorted(lines, key=lambda e: e.boundary)),  # boundary edges drawn on top
        max(0, len(ranking) - MAX_NODES),
    )


def _node(
    c: Candidate,
    at: tuple[float, float],
    w: float,
    anchors: dict[str, str],
    names: dict[str, str],
) -> Node:
    go = c.strategy in GO_STRATEGIES
    href = "#" + anchors[c.rel_path] if c.rel_path in anchors else ""
    title = f"{c.rel_path}: rank {c.rank}, score {points(c.score)}, {c.strategy.value}"
    return Node(at[0], at[1], round(w, 1), names[c.rel_path], href, c.strategy.value, go, title)


def _edge(mods: Sequence[Candidate], nodes: Sequence[Node], i: int, j: int) -> Edge:
    a, b = nodes[i], nodes[j]
    boundary = a.go != b.go
    title = f"{mods[i].rel_path} imports {mods[j].rel_path}"
    if boundary:
        go, py = (mods[i], mods[j]) if a.go else (mods[j], mods[i])
        title += (
            f": the proposed boundary ({go.rel_path} moves to Go as {go.strategy.value}, "
            f"{py.rel_path} stays in Python)"
        )
        if b.go and mods[j].boundary.used_names:
            title += f"; names used from outside: {', '.join(mods[j].boundary.used_names)}"
    if a.y == b.y:  # one row (a cycle): side to side
        right = b.x > a.x
        x1, x2 = (a.x + a.w, b.x) if right else (a.x, b.x + b.w)
        return Edge(x1, a.y + NODE_H / 2, x2, b.y + NODE_H / 2, boundary, title)
    below = b.y > a.y
    y1 = a.y + NODE_H if below else a.y
    y2 = b.y if below else b.y + NODE_H
    return Edge(round(a.x + a.w / 2, 1), y1, round(b.x + b.w / 2, 1), y2, boundary, title)
