"""The project's internal import graph: who imports whom, and which names cross each boundary."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from goport.model import Boundary, ModuleFacts


@dataclass(frozen=True, slots=True)
class ProjectGraph:
    boundaries: dict[str, Boundary]  # by module name

    def boundary(self, module: str) -> Boundary:
        return self.boundaries.get(module, Boundary(0, 0, (), (), (), ()))


def _owner(target: str, known: set[str]) -> tuple[str, str] | None:
    """(project module, first name inside it) a dotted import target refers to, if any."""
    parts = target.split(".")
    for i in range(len(parts), 0, -1):
        head = ".".join(parts[:i])
        if head in known:
            rest = parts[i] if i < len(parts) else ""
            return head, rest
    return None


def _targets(m: ModuleFacts) -> list[tuple[str, bool, bool]]:
    """What ``m`` imports and uses: (absolute target, from-import?, whether the names it then
    uses of it are out of sight: after ``import a.b``, a.b.f() is not recorded, nor the names
    ``from a.b import *`` brings)."""
    out = [(imp.target, imp.is_from, "." in imp.alias or imp.alias == "*") for imp in m.imports]
    out += [(f"{mod}.{attr}", True, False) for mod, attr in m.names_used]
    return out


def build(modules: Iterable[ModuleFacts], apart: Collection[str] = ()) -> ProjectGraph:
    """The graph of ``modules``. Test modules' imports become ``tested_by``; the imports of the
    modules whose rel_path is in ``apart`` (benchmarks, examples, scripts... set apart from the
    ranking) are ignored. Coupling stands for the product callers a port must keep working;
    counting benchmarks and examples would penalise exactly the modules they exercise most (the
    public, hot ones), and listing them as ``tested_by`` would claim tests that do not exist."""
    facts = list(modules)
    known = {m.module for m in facts}
    imported_by: dict[str, set[str]] = defaultdict(set)
    imports: dict[str, set[str]] = defaultdict(set)
    used: dict[str, set[str]] = defaultdict(set)
    tested_by: dict[str, set[str]] = defaultdict(set)
    inert = {m.module: frozenset(m.inert_names) for m in facts}
    #: (owner, importer) -> whether a name the importer uses of the owner is not inert
    named_code: dict[tuple[str, str], bool] = {}

    for m in facts:
        if m.rel_path in apart:
            continue
        for target, is_from, unseen in _targets(m):
            hit = _owner(target, known)
            if hit is None:
                continue
            owner, name = hit
            if owner == m.module:
                continue
            if name and f"{owner}.{name}" in known:
                # ``from pkg import submodule``: the submodule is what is used
                owner, name = f"{owner}.{name}", ""
            if m.is_test:
                tested_by[owner].add(m.module)
                continue
            imported_by[owner].add(m.module)
            imports[m.module].add(owner)
            if name or unseen:  # a name, or names we cannot see, used of the owner
                pair = (owner, m.module)
                named_code[pair] = named_code.get(pair, False) or unseen or name not in inert[owner]
            if name and is_from and not name.startswith("_"):
                used[owner].add(name)

    boundaries = {}
    for m in facts:
        name = m.module
        boundaries[name] = Boundary(
            fan_in=len(imported_by[name]),
            # importers whose every name used is inert (a data constant, an exception class, an
            # enumeration); one that imports the module and uses no name we can see may use
            # its code
            inert_importers=sum(named_code.get((name, i)) is False for i in imported_by[name]),
            fan_out=len(imports[name]),
            imported_by=tuple(sorted(imported_by[name])),
            imports=tuple(sorted(imports[name])),
            used_names=tuple(sorted(used[name])),
            tested_by=tuple(sorted(tested_by[name])),
        )
    return ProjectGraph(boundaries)


def strongly_connected(edges: list[dict[int, float]]) -> list[list[int]]:
    """Strongly connected components, callers before callees (Tarjan's, without recursion)."""
    n = len(edges)
    succs = [list(e) for e in edges]
    order = [-1] * n
    low = [0] * n
    position = [0] * n  # next successor to look at
    on_stack = [False] * n
    stack: list[int] = []
    found: list[list[int]] = []
    counter = 0
    for root in range(n):
        if order[root] >= 0:
            continue
        if not succs[root]:  # most functions call no project function: their own component
            order[root] = counter
            counter += 1
            found.append([root])
            continue
        order[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack[root] = True
        path = [root]
        while path:
            v = path[-1]
            out = succs[v]
            i = position[v]
            if i < len(out):
                position[v] = i + 1
                w = out[i]
                if order[w] < 0:
                    order[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on_stack[w] = True
                    path.append(w)
                elif on_stack[w] and order[w] < low[v]:
                    low[v] = order[w]
                continue
            path.pop()
            if path and low[v] < low[path[-1]]:
                low[path[-1]] = low[v]
            if low[v] == order[v]:
                component = []
                while True:
                    w = stack.pop()
                    on_stack[w] = False
                    component.append(w)
                    if w == v:
                        break
                found.append(component)
    found.reverse()  # Tarjan finds callees first
    return found
