"""The named, raw features of one module that the static gain model reads.

Features are plain numbers, shown in the JSON report (``features``) so that anyone can refit
the model (``benchmarks/fit.py``) or see why two modules were ordered as they were. Nothing here
is weighted: weights and transforms live in ``calibration.py`` and ``factors.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from goport.model import ModuleFacts
from goport.scoring.signals import Signals

#: source lines at which a module's Halstead density counts half: below it, density is noise
DENSITY_PRIOR = 20


@dataclass(frozen=True, slots=True)
class Features:
    sloc: int
    #: its source lines less those of its top level's simple statements (constant tables,
    #: docstrings, imports), which run once, on import (goport.walk.data.TopLevel)
    code_lines: int
    complexity_total: int
    functions: int  # functions and methods defined
    runs_code: bool  # defines a function or runs a loop: not only re-exports and constants
    cpu_findings: float  # summed weight of the CPU detectors' findings
    loop_depth: float  # summed loop nesting of its (non-async) functions
    halstead_density: float  # radon's Halstead volume per source line
    #: the share of those operators that build text ("<b>" + s, "%s" % x, out += "..."): the
    #: concatenation runs in C either way, so a renderer's density is not computation
    text_share: float
    #: the share of the others outside any function (constants, class bodies): run once
    import_share: float
    #: the density of the operators that neither build text nor run on import, shrunk toward 0
    #: for small modules, sloc / (sloc + DENSITY_PRIOR): a two-line helper's density says
    #: little about where time goes
    density: float
    loop_work: float  # arithmetic, comparisons and indexing operators inside loops
    bit_work: float  # bit operators (<< >> & | ^ ~) inside loops
    nested_work: int  # statements inside two or more loop levels
    loop_work_density: float  # loop_work + bit_work per 100 source lines: how much is kernel
    max_function_work: float  # the most loop operators one function holds: a concentrated kernel
    scanners: int  # functions that index a sequence by a running position in a while loop
    recursive: int  # functions that call themselves
    estimated_share: float  # static estimate of its share of run time (0-1)
    #: the share over an even split of the estimate's modules (share x modules): 1 is average
    estimated_lift: float
    kernel_calls: float  # loop-weighted calls into it from other project modules
    dunder_calls: float  # loop-weighted protocol calls (operators, indexing, iteration) it gets
    network: float  # weight of network/streaming findings
    fan_in: int  # importers that use its code (functions, classes, or names we cannot tell)
    inert_importers: int  # importers that use only its constants, exceptions, enums
    used_names: int

    def as_dict(self) -> dict[str, float]:
        return {name: float(getattr(self, name)) for name in _NAMES}


_NAMES = tuple(f.name for f in fields(Features))


def _loop_totals(facts: ModuleFacts) -> tuple[float, float, float, int, int, int]:
    """(loop operators, loop bit operators, the most one function holds, statements in nested
    loops, scanning functions, recursive functions) over its non-async functions: loops in
    coroutines mostly wait on I/O."""
    loop_work = bit_work = most = 0.0
    nested = scanners = recursive = 0
    for fn in facts.functions:
        if fn.is_async:
            continue
        work = fn.work
        ops = work.loop_arith + work.loop_compares + work.loop_subscripts
        loop_work += ops
        bit_work += work.loop_bitops
        most = max(most, ops + work.loop_bitops)
        nested += work.nested_loop_statements
        scanners += work.while_index_scan
        recursive += work.recursive
    return loop_work, bit_work, most, nested, scanners, recursive


def module_features(
    facts: ModuleFacts,
    signals: Signals,
    *,
    fan_in: int = 0,
    inert_importers: int = 0,
    used_names: int = 0,
    estimated_share: float = 0.0,
    estimated_modules: int = 0,
    kernel_calls: float = 0.0,
    dunder_calls: float = 0.0,
) -> Features:
    sloc = max(facts.metrics.sloc, 0)
    metrics = facts.metrics
    operators = max(metrics.operators, 1)
    text_share = metrics.text_operators / operators
    import_share = metrics.import_operators / operators
    volume = metrics.halstead_volume * max(0.0, 1.0 - text_share - import_share)
    loops = float(sum(fn.loop_depth for fn in facts.functions if not fn.is_async))
    loop_work, bit_work, most, nested, scanners, recursive = _loop_totals(facts)
    return Features(
        sloc=sloc,
        code_lines=max(sloc - metrics.import_lines, 0),
        complexity_total=facts.metrics.complexity_total,
        functions=len(facts.functions),
        runs_code=bool(facts.functions) or loops > 0 or signals.cpu > 0,
        cpu_findings=round(signals.cpu, 3),
        loop_depth=loops,
        halstead_density=round(metrics.halstead_volume / max(sloc, 1), 3),
        text_share=round(text_share, 3),
        import_share=round(import_share, 3),
        density=round(volume / max(sloc, 1) * sloc / (sloc + DENSITY_PRIOR), 3),
        loop_work=round(loop_work, 3),
        bit_work=round(bit_work, 3),
        nested_work=nested,
        loop_work_density=round((loop_work + bit_work) * 100 / max(sloc, 20), 3),
        max_function_work=most,
        scanners=scanners,
        recursive=recursive,
        estimated_share=estimated_share,
        estimated_lift=round(estimated_share * estimated_modules, 3),
        kernel_calls=round(kernel_calls, 3),
        dunder_calls=round(dunder_calls, 3),
        network=round(signals.io if signals.network else 0.0, 3),
        fan_in=fan_in,
        inert_importers=inert_importers,
        used_names=used_names,
    )
