"""Which plan steps to scaffold (a module the user names, or ``--all``), and each one's
``GoPackage`` from the sources of its modules and of their callers."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from goport.errors import InputError
from goport.model import RunResult
from goport.roadmap import contracts
from goport.roadmap.model import Step
from goport.roadmap.roadmap import Plan, Reader, moving, outside_callers, sources_of
from goport.scaffold.build import build
from goport.scaffold.model import GoPackage
from goport.scaffold.names import package_name
from goport.text import printable


def pick(plan: Plan, result: RunResult, module: str | None, *, every: bool) -> list[Step]:
    """The steps to scaffold: every step, or the one that moves ``module`` (a dotted module
    name, or a path to its file)."""
    root = Path(result.root)
    if not plan.steps:
        raise InputError(
            f"{printable(str(root))}: the plan moves no module to Go; nothing to scaffold"
        )
    if every:
        return list(plan.steps)
    if not module:
        raise InputError("name a module to scaffold (a dotted name or a path), or give --all")
    rel = _rel_path(result, module)
    step = plan.step_of(rel)
    if step is None:
        ranked = next((c for c in result.ranking if c.rel_path == rel), None)
        why = f" ({ranked.strategy.value}: {ranked.strategy_reason})" if ranked else ""
        raise InputError(
            f"{printable(module)} is not a Go candidate{printable(why)}; scaffold one of: "
            + _candidates(plan, result)
        )
    return [step]


def _rel_path(result: RunResult, module: str) -> str:
    by_module = {m.module: m.rel_path for m in result.modules}
    if module in by_module:
        return by_module[module]
    if module.endswith(".py") or "/" in module:
        root = Path(result.root).resolve()
        try:
            rel = Path(module).resolve().relative_to(root).as_posix()
        except (ValueError, OSError):
            raise InputError(
                f"{printable(module)}: not inside the project {printable(str(root))}"
            ) from None
        if rel in by_module.values():
            return rel
    raise InputError(
        f"no module {printable(module)} in {printable(result.root)}; give a dotted module name "
        "or a path to its .py file"
    )


def _candidates(plan: Plan, result: RunResult) -> str:
    module_of = {m.rel_path: m.module for m in result.modules}
    return ", ".join(
        printable(f"{module_of.get(p, p)} ({p}, step {s.number})")
        for s in plan.steps
        for p in s.modules
    )


def packages(result: RunResult, steps: Sequence[Step], read: Reader) -> list[GoPackage]:
    """One package per step, named after its lead module (unique among the steps)."""
    facts = {m.rel_path: m for m in result.modules}
    by_module = {m.module: m for m in result.modules}
    cands = {c.rel_path: c for c in moving(result, named=False)}
    taken: set[str] = set()
    out = []
    for step in steps:
        apis = []
        for rel in step.modules:
            source = read(rel)
            if source is None or rel not in cands:
                raise InputError(f"{printable(rel)}: could not be read; not scaffolded")
            callers = outside_callers(cands[rel], by_module, step.modules)
            apis.append(
                contracts.api(facts[rel], cands[rel].boundary, source, sources_of(callers, read))
            )
        name = base = package_name(facts[step.modules[0]].module.rsplit(".", 1)[-1])
        n = 2
        while name in taken:
            name, n = f"{base}{n}", n + 1
        taken.add(name)
        out.append(build(step.number, step.strategy, name, apis))
    return out
