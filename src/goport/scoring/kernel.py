"""The part of a module that moves when it becomes a Go extension: its kernel functions.

A Go extension keeps the module and its import sites in Python and replaces only the functions
that do the work (the plan's hot functions); the rest of the module (helpers, configuration,
dynamic glue around the kernel) stays as it is. What such a port costs is therefore the size and
the blockers of those functions, not of the whole file: a 6-line masking loop in a 350-line
module of helpers is a small port, however much else the file holds.

The kernel is drawn from the functions that do the work a Go port speeds up: those with loops
or CPU findings (all functions, if none has either). Of these it is the smallest set that,
heaviest first, carries ``share`` of their work (``hotpath.local_work``: statements, with loop
bodies weighted by their trips and the operators they run), so a module whose work is spread
evenly has a kernel close to the whole module and gains nothing from this.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from goport.hotpath import local_work
from goport.model import Category, Finding, FunctionFacts, ModuleFacts, Trait


@dataclass(frozen=True, slots=True)
class Kernel:
    functions: tuple[str, ...]  # qualnames, heaviest first
    sloc: int  # their lines (a nested function counts once, inside its parent)
    complexity_max: int
    complexity_total: int
    findings: tuple[Finding, ...]  # the findings inside them


def kernel_of(facts: ModuleFacts, share: float) -> Kernel | None:
    """The functions that carry ``share`` of the module's own work; None without functions."""
    if not facts.functions:
        return None
    working = [fn for fn in facts.functions if _works(fn)] or list(facts.functions)
    weighed = sorted(
        ((local_work(fn.work), fn) for fn in working), key=lambda w: (-w[0], w[1].span.line)
    )
    total = sum(work for work, _ in weighed)
    chosen = []
    carried = 0.0
    for work, fn in weighed:
        chosen.append(fn)
        carried += work
        if carried >= share * total:
            break
    # a nested function inside a chosen one adds no lines of its own
    outer = [
        fn
        for fn in chosen
        if not any(
            o is not fn and o.span.line <= fn.span.line and fn.span.end_line <= o.span.end_line
            for o in chosen
        )
    ]
    return Kernel(
        functions=tuple(fn.qualname for fn in chosen),
        sloc=sum(fn.sloc for fn in outer),
        complexity_max=max(fn.complexity for fn in chosen),
        complexity_total=sum(fn.complexity for fn in chosen),
        findings=tuple(f for fn in chosen for f in fn.findings),
    )


def _works(fn: FunctionFacts) -> bool:
    """Loops or CPU findings: the work a Go port speeds up."""
    return fn.work.loop_statements > 0 or any(f.category is Category.CPU for f in fn.findings)


def native_share(facts: ModuleFacts, findings: Sequence[Finding]) -> float:
    """How much of the module's work leans on numpy-style native code (``Trait.NATIVE_NUMERIC``).

    An import at module level puts the whole module on it (1.0). An import inside a function
    (an optional or lazy dependency) puts only that function on it, with the functions nested
    in it: the share is their work over the module's (module-level code included). A 1,000-line
    module of pure-Python loops that imports scipy in one helper is not a numpy module.
    """
    imports = [f for f in findings if Trait.NATIVE_NUMERIC in f.traits]
    if not imports:
        return 0.0
    if any(not f.symbol for f in imports) or not facts.functions:
        return 1.0
    # the functions with the import: by name and by place (a redefinition is another function)
    users = [
        fn.span
        for fn in facts.functions
        for f in imports
        if fn.qualname == f.symbol and fn.span.line <= f.span.line <= fn.span.end_line
    ]
    total = local_work(facts.module_work)
    inside = 0.0
    for fn in facts.functions:
        work = local_work(fn.work)
        total += work
        if any(u.line <= fn.span.line and fn.span.end_line <= u.end_line for u in users):
            inside += work
    return min(1.0, inside / total) if total > 0 else 1.0
