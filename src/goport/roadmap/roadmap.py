"""The migration roadmap: which modules move in which order, and behind which seams.

From a ``RunResult``: the modules that move are the Go candidates (strategy go-service,
go-worker, go-cli or go-extension), or the files the user named. Among them:

- an import cycle (a strongly connected component of the import graph) moves as one step, with
  a "cycle" seam saying what would have to be cut to move its modules apart;
- modules that change together in git history (``cochange``: code-maat's logical coupling) move
  as one step when the coupling is strong and merging keeps the order acyclic; otherwise they
  get a "co-change" seam (every change to them would span two languages for a while);
- a step comes after the steps of the moving modules it imports (waves: a step's wave is one
  more than the latest wave it depends on, so steps of one wave can run in parallel);
- a project module it imports that stays in Python gets a seam: a "callback" seam when the
  moving code calls into it (its functions, or methods of its classes), a "shared-type" seam
  when only its classes cross as data.

Each step carries its gain (``gain``), the summed effort, the semantic risks (``risks``), the
boundary contract (``contracts``), what has to exist first and the boundary names no test
exercises yet.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from goport.model import (
    MODULE_SCOPE,
    CallKind,
    Candidate,
    Effort,
    ModuleFacts,
    RunResult,
    Strategy,
)
from goport.roadmap import contracts, risks
from goport.roadmap.cochange import Coupling, couplings
from goport.roadmap.gain import loop_crossings, step_gain
from goport.roadmap.grouping import groups as groups_of
from goport.roadmap.grouping import waves
from goport.roadmap.model import Contract, Risk, Seam, Step

log = logging.getLogger(__name__)

GO = frozenset({Strategy.GO_SERVICE, Strategy.GO_WORKER, Strategy.GO_CLI, Strategy.GO_EXTENSION})

Reader = Callable[[str], "bytes | None"]


@dataclass(frozen=True, slots=True)
class Plan:
    root: str
    tool_version: str
    steps: tuple[Step, ...]  # roadmap order
    contracts: tuple[tuple[int, Contract], ...]  # every step's contracts, by step number
    stays: tuple[tuple[str, str], ...]  # (rel path, why) of what a seam leads to, staying in Python
    couplings: tuple[Coupling, ...]  # temporal couplings among the project's modules
    measured: bool  # time shares come from a profile
    notes: tuple[str, ...] = ()

    @property
    def waves(self) -> int:
        return max((s.wave for s in self.steps), default=0)

    def step_of(self, rel_path: str) -> Step | None:
        return next((s for s in self.steps if rel_path in s.modules), None)


def reader(root: Path, limit: int) -> Reader:
    """Reads a module's bytes through ``safeio`` (regular files inside ``root`` only)."""
    from goport.errors import InputError
    from goport.safeio import read_bytes

    real = Path(root).resolve()
    seen: dict[str, bytes | None] = {}  # a module read once, however many steps call it

    def read(rel_path: str) -> bytes | None:
        if rel_path not in seen:
            try:
                seen[rel_path] = read_bytes(real / rel_path, limit=limit, within=real)
            except InputError as exc:
                log.info("%s not read (%s)", rel_path, exc)
                seen[rel_path] = None
        return seen[rel_path]

    return read


def moving(result: RunResult, *, named: bool) -> tuple[Candidate, ...]:
    """What moves: the files the user named (``result.candidates`` is then limited to them),
    else every Go candidate of the project."""
    if named:
        return result.candidates
    return tuple(c for c in result.ranking if c.strategy in GO)


def build(
    result: RunResult,
    *,
    named: bool = False,
    changesets: Iterable[Sequence[str]] = (),
    read: Reader | None = None,
    detail: bool = True,
    notes: Sequence[str] = (),
) -> Plan:
    """The plan. ``detail`` False leaves out what needs the sources (risks, contracts)."""
    movers = moving(result, named=named)
    facts = {m.rel_path: m for m in result.modules}
    by_module = {m.module: m for m in result.modules}
    cands = {c.rel_path: c for c in movers}
    product = frozenset(m.rel_path for m in result.modules if not m.is_test)
    coupled = couplings(changesets, among=product)
    order = _Order.of(movers, result, coupled)
    number = {g: n + 1 for n, g in enumerate(order.sequence)}
    stays = _stays(result, cands)
    project = _Project(
        facts=facts,
        by_module=by_module,
        cands=cands,
        stays=stays,
        tests=[m for m in result.modules if m.is_test],
        read=read if detail else None,
        measured=result.profile is not None,
    )
    steps: list[Step] = []
    all_contracts: list[tuple[int, Contract]] = []
    for g in order.sequence:
        step, found = _step(project, order, number, g)
        steps.append(step)
        all_contracts.extend((number[g], c) for c in found)
    needed = {b for s in steps for seam in s.seams for b in seam.between if b not in cands}
    return Plan(
        root=result.root,
        tool_version=result.tool_version,
        steps=tuple(steps),
        contracts=tuple(all_contracts),
        stays=tuple((p, stays[p]) for p in sorted(needed) if p in stays),
        couplings=coupled,
        measured=result.profile is not None,
        notes=tuple(notes),
    )


def _requires(
    after: list[str],
    seams: Sequence[Seam],
    untested: Sequence[str],
    members: Sequence[Candidate],
) -> tuple[str, ...]:
    """What has to exist before a step: the steps it depends on, the seams to what stays in
    Python, tests for its untested boundary names, and its blockers removed."""
    requires = [*after]
    requires.extend(_seam_need(s) for s in seams if s.kind in ("callback", "shared-type"))
    if untested:
        requires.append(f"tests for {len(untested)} untested boundary name(s) (tests first)")
    requires.extend(f"remove blocker: {b}" for c in members for b in c.blockers)
    return tuple(requires)


@dataclass(frozen=True, slots=True)
class _Project:
    """What every step of the plan reads of the project."""

    facts: Mapping[str, ModuleFacts]  # by rel path
    by_module: Mapping[str, ModuleFacts]
    cands: Mapping[str, Candidate]  # the moving modules, by rel path
    stays: Mapping[str, str]  # modules staying in Python -> why
    tests: Sequence[ModuleFacts]
    read: Reader | None  # None: no risks or contracts (they need the sources)
    measured: bool


def _step(
    project: _Project, order: _Order, number: Mapping[int, int], g: int
) -> tuple[Step, list[Contract]]:
    """Step ``g`` of the order, and its contracts."""
    modules = order.groups[g]
    members = [project.cands[p] for p in modules]
    step_seams = [*order.seams.get(g, ())]
    step_seams += [
        s
        for p in modules
        for s in _dependency_seams(
            project.facts[p], project.cands, project.stays, project.by_module
        )
    ]
    untested = tuple(
        f"{p}: {name}"
        for p in modules
        for name in _untested(project.facts[p], project.cands[p], project.tests)
    )
    callers = {p: outside_callers(project.cands[p], project.by_module, modules) for p in modules}
    crossings = {p: loop_crossings(project.facts[p].module, callers[p]) for p in modules}
    found_risks, found_contracts = (
        _read_step(modules, project.facts, project.cands, callers, project.read)
        if project.read
        else ([], [])
    )
    depends = sorted(order.gdeps[g], key=number.__getitem__)
    after = [f"step {number[d]} ({', '.join(order.groups[d])})" for d in depends]
    step = Step(
        number=number[g],
        wave=order.wave[g],
        modules=tuple(modules),
        strategy=members[0].strategy,
        why=_why(members),
        gain=step_gain(members, project.facts, crossings, measured=project.measured),
        effort=_effort(members),
        risks=tuple(found_risks),
        requires=_requires(after, step_seams, untested, members),
        contract=found_contracts[0] if found_contracts else None,
        seams=tuple(step_seams),
        tests_first=untested,
    )
    return step, found_contracts


@dataclass(frozen=True, slots=True)
class _Order:
    """The steps as groups of moving modules, their seams, the groups each depends on, their
    waves, and the order the steps are numbered in (by wave, then by their best module)."""

    groups: list[tuple[str, ...]]
    seams: dict[int, list[Seam]]
    gdeps: list[list[int]]
    wave: list[int]
    sequence: list[int]

    @classmethod
    def of(
        cls, movers: Sequence[Candidate], result: RunResult, coupled: Sequence[Coupling]
    ) -> _Order:
        rel_of = {m.module: m.rel_path for m in result.modules}
        cands = {c.rel_path: c for c in movers}
        order = [c.rel_path for c in movers]  # best first
        deps = {
            p: sorted(
                {rel_of[d] for d in cands[p].boundary.imports if rel_of.get(d) in cands} - {p}
            )
            for p in order
        }
        groups, seams = groups_of(order, deps, coupled, cands)
        group_of = {p: i for i, g in enumerate(groups) for p in g}
        gdeps = [
            sorted({group_of[d] for p in g for d in deps[p]} - {i}) for i, g in enumerate(groups)
        ]
        wave = waves(gdeps)
        rank = {p: i for i, p in enumerate(order)}
        sequence = sorted(
            range(len(groups)), key=lambda i: (wave[i], min(rank[p] for p in groups[i]))
        )
        return cls(groups, seams, gdeps, wave, sequence)


def _read_step(
    modules: Sequence[str],
    facts: Mapping[str, ModuleFacts],
    cands: Mapping[str, Candidate],
    callers: Mapping[str, list[ModuleFacts]],
    read: Reader,
) -> tuple[list[Risk], list[Contract]]:
    """What needs the sources: each module's semantic risks, and its boundary contract typed
    with what its callers pass."""
    found_risks: list[Risk] = []
    found_contracts: list[Contract] = []
    for p in modules:
        source = read(p)
        if source is None:
            continue
        found_risks.extend(risks.semantic_risks(source, p))
        caller_sources = sources_of(callers[p], read)
        made = contracts.contract_for(
            facts[p], cands[p].boundary, cands[p].strategy, source, caller_sources
        )
        if made is not None:
            found_contracts.append(made)
    return found_risks, found_contracts


def outside_callers(
    candidate: Candidate, by_module: Mapping[str, ModuleFacts], step: Sequence[str]
) -> list[ModuleFacts]:
    """The modules importing ``candidate`` from outside its step (rel paths ``step``): calls
    inside the step cross no boundary."""
    return [
        by_module[m]
        for m in candidate.boundary.imported_by
        if m in by_module and by_module[m].rel_path not in step
    ]


def sources_of(modules: Iterable[ModuleFacts], read: Reader) -> dict[str, bytes]:
    """rel path -> source of the modules that could be read."""
    return {m.rel_path: s for m in modules if (s := read(m.rel_path)) is not None}


# -- seams to what stays in Python ---------------------------------------------------------------


def _stays(result: RunResult, cands: Mapping[str, Candidate]) -> dict[str, str]:
    """Every product module that stays in Python, with why."""
    why = {c.rel_path: f"{c.strategy.value}: {c.strategy_reason}" for c in result.ranking}
    why.update({d.rel_path: f"decided: {d.reason}" for d in result.decided})
    return {
        m.rel_path: why.get(m.rel_path, "not planned to move")
        for m in result.modules
        if not m.is_test and m.rel_path not in cands
    }


def _targets(facts: ModuleFacts) -> list[tuple[str, CallKind]]:
    sites = [s for fn in facts.functions for s in fn.call_sites]
    sites.extend(facts.module_call_sites)
    return [(s.target, s.kind) for s in sites]


def _dependency_seams(
    mover: ModuleFacts,
    cands: Mapping[str, Candidate],
    stays: Mapping[str, str],
    by_module: Mapping[str, ModuleFacts],
) -> list[Seam]:
    found = []
    for dep_name in cands[mover.rel_path].boundary.imports:
        dep = by_module.get(dep_name)
        if dep is None or dep.rel_path not in stays:
            continue
        kind, names = _use_of(mover, dep)
        if kind is None:
            continue
        why = stays[dep.rel_path].split(":", 1)[0]
        if kind == "callback":
            text = (
                f"{mover.rel_path} calls into {dep.rel_path} ({', '.join(names)}), which stays "
                f"in Python ({why}). The Go code needs a callback seam: a Go interface for "
                "these calls, implemented by calling back into Python, or this stage left in "
                "Python with records passed across in batches."
            )
        else:
            text = (
                f"{mover.rel_path} uses {', '.join(names)} from {dep.rel_path} as data, which "
                f"stays in Python ({why}). Define the type once on the boundary (a message or "
                "struct) and convert at the edge."
            )
        found.append(Seam(kind, (mover.rel_path, dep.rel_path), text))
    return found


def _use_of(mover: ModuleFacts, dep: ModuleFacts) -> tuple[str | None, tuple[str, ...]]:
    """("callback", what is called) when ``mover`` runs code of ``dep``; ("shared-type", the
    classes) when only ``dep``'s classes cross; (None, ()) for constants or nothing."""
    prefix = dep.module + "."
    names = {
        i.target[len(prefix) :].split(".")[0] for i in mover.imports if i.target.startswith(prefix)
    }
    names |= {attr for mod, attr in mover.names_used if mod == dep.module}
    functions = {f.qualname for f in dep.functions if "." not in f.qualname}
    classes = {c.qualname: c for c in dep.classes if "." not in c.qualname}
    targets = _targets(mover)
    attr_calls = {t for t, kind in targets if kind is CallKind.ATTR}
    called: list[str] = []
    types: list[str] = []
    for name in sorted(names):
        if name in functions and any(t == prefix + name for t, _ in targets):
            called.append(f"{name}()")
        elif name in classes:
            methods = {m for m in classes[name].methods if not m.startswith("_")}
            direct = {
                t[len(prefix + name) + 1 :]
                for t, _ in targets
                if t.startswith(f"{prefix}{name}.") and not t.rsplit(".", 1)[-1].startswith("_")
            }
            used = sorted((methods & attr_calls) | (direct & methods))
            if used:
                called.extend(f"{name}.{m}()" for m in used)
            else:
                types.append(name)
    if called:
        return "callback", tuple(called)
    if types:
        return "shared-type", tuple(types)
    return None, ()


def _seam_need(seam: Seam) -> str:
    other = seam.between[-1]
    if seam.kind == "callback":
        return f"a callback seam to {other} (stays in Python)"
    return f"a shared type with {other} (stays in Python)"


# -- tests first, effort, why --------------------------------------------------------------------


def tested_names(module: str, tests: Iterable[ModuleFacts]) -> set[str]:
    """The names of ``module`` that test modules import, reference or call."""
    prefix = module + "."
    names: set[str] = set()
    for t in tests:
        dotted = [i.target for i in t.imports] + [target for target, _ in _targets(t)]
        dotted += [f"{mod}.{attr}" for mod, attr in t.names_used]
        names.update(d[len(prefix) :].split(".")[0] for d in dotted if d.startswith(prefix))
    return names


def _untested(facts: ModuleFacts, c: Candidate, tests: Sequence[ModuleFacts]) -> list[str]:
    """Boundary functions and classes (names other modules use) that no test exercises."""
    defined = {f.qualname for f in facts.functions if "." not in f.qualname}
    defined |= {k.qualname for k in facts.classes if "." not in k.qualname}
    defined.discard(MODULE_SCOPE)
    covered = tested_names(facts.module, tests)
    return [n for n in c.boundary.used_names if n in defined and n not in covered]


def _effort(members: Sequence[Candidate]) -> Effort | None:
    efforts = [c.effort for c in members if c.effort is not None]
    if not efforts:
        return None
    if len(efforts) == 1:
        return efforts[0]
    low = sum(e.days_low for e in efforts)
    high = sum(e.days_high for e in efforts)
    size = "S" if high <= 7 else "M" if high <= 15 else "L" if high <= 30 else "XL"
    parts = "; ".join(
        f"{c.rel_path}: {c.effort.days_low}-{c.effort.days_high} days"
        for c in members
        if c.effort is not None
    )
    return Effort(size, low, high, f"sum of the modules' efforts ({parts}).")


def _why(members: Sequence[Candidate]) -> str:
    lead = members[0]
    if len(members) == 1:
        return lead.strategy_reason
    others = [c for c in members[1:] if c.strategy is not lead.strategy]
    text = f"{lead.rel_path} leads the step ({lead.strategy.value}): {lead.strategy_reason}"
    if others:
        text += " Alone, " + "; ".join(f"{c.rel_path} would be {c.strategy.value}" for c in others)
        text += "; moving together, they share one Go package behind the lead's boundary."
    return text
