"""Facts + boundary + measured time + history -> a 0-100 score made of named contributions.

The score is benefit minus cost, as the guidance goes:

* benefit: how much running time lives in the module (a profile's measured share when given,
  else a static estimate from what the detectors found, by density, so size alone is not heat)
  times how much Go helps that kind of work (pure-Python loops and concurrent network code a lot;
  work already inside numpy or a C extension hardly at all);
* cost and risk: size and complexity, coupling (how many modules must switch to the new
  boundary), blockers (dynamic Python that has no Go equivalent), the Python-owned ecosystem
  (data science, ML, ORMs), and instability (recent churn: moving targets are poor candidates).

Every contribution is rounded once and the score is their exact sum, clamped by an explicit
"bounds" factor, so the factors shown always add up to the score shown.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from goport.config import Config
from goport.model import (
    Boundary,
    Category,
    Factor,
    FileHistory,
    Finding,
    Hotness,
    ModuleFacts,
    Trait,
)

MAX_CPU = 70.0
#: lower than CPU: asyncio and threads already give Python I/O concurrency; Go's gain there is
#: steadier latency and memory under load, while GIL-bound CPU work gains outright speed.
MAX_CONCURRENCY = 45.0
MAX_PROFILE = 70.0
#: with a profile, a measured module's costs count for at most this share of its measured gain:
#: where the workload spends its time outranks what it never ran, whatever moving it costs
MEASURED_COST_SHARE = 0.3
#: how much of the static estimate still counts, by what the profile says of the module
STATIC_SCALE_RUN = 0.05  # measured: time replaces the estimate; the static signals only break ties
STATIC_SCALE_NOT_COVERED = 0.6  # the profile never reached its package: no measurement either way
#: static CPU signal per loop level of each function (loops are where interpreted time goes)
LOOP_WEIGHT = 0.5
#: how much of the concurrency benefit is left to a module that only orchestrates processes
ORCHESTRATION_DAMPING = 0.4
#: Halstead volume per source line below which code reads as glue, and the signal per point above
HALSTEAD_BASELINE = 1.5
HALSTEAD_WEIGHT = 0.3


class Coverage(Enum):
    """What the run's profiles say about a module."""

    NO_PROFILE = "no-profile"
    RUN = "run"  # samples in this module
    NOT_COVERED = "not-covered"  # no samples anywhere in its package: no measurement
    NOT_RUN = "not-run"  # its package ran, this module did not

    @property
    def tier(self) -> int:
        """Ranking tier: measured modules first, modules the workload never ran last."""
        return {"no-profile": 0, "run": 0, "not-covered": 1, "not-run": 2}[self.value]


@dataclass(frozen=True, slots=True)
class Signals:
    """Per-category sums of finding weights for one module."""

    cpu: float  # CPU findings plus loop nesting of the module's functions
    concurrency: float
    service: float
    blocker: float
    ecosystem: float
    native_numeric: bool  # imports numpy/pandas-style native array libraries

    @property
    def io(self) -> float:
        return self.concurrency + self.service

    @staticmethod
    def of(findings: Sequence[Finding], loops: float = 0.0) -> Signals:
        sums = {c: 0.0 for c in Category}
        native = False
        for f in findings:
            sums[f.category] += f.weight
            if Trait.NATIVE_NUMERIC in f.traits:
                native = True
        return Signals(
            cpu=sums[Category.CPU] + loops,
            concurrency=sums[Category.CONCURRENCY],
            service=sums[Category.SERVICE],
            blocker=sums[Category.BLOCKER],
            ecosystem=sums[Category.ECOSYSTEM],
            native_numeric=native,
        )


def operator_signal(halstead_volume: float, sloc: int) -> float:
    """Static CPU signal from radon's Halstead volume per line: computation-dense code (bit
    twiddling, index arithmetic, comparisons) has several times the operator density of glue
    that mostly calls and assigns. Only the density above a glue-like baseline counts."""
    density = halstead_volume / max(sloc, 1)
    return HALSTEAD_WEIGHT * max(0.0, density - HALSTEAD_BASELINE) * min(sloc, 1500) / 100


def _saturate(x: float, scale: float) -> float:
    return 1.0 - math.exp(-max(0.0, x) / scale)


def _r(x: float) -> float:
    return round(x, 1) + 0.0  # +0.0 turns -0.0 into 0.0


@dataclass(frozen=True, slots=True)
class Scored:
    score: float
    factors: tuple[Factor, ...]
    signals: Signals
    raw: float = 0.0  # the sum before clamping to 0-100: orders modules that tie at a bound


def score_module(
    facts: ModuleFacts,
    findings: Sequence[Finding],
    boundary: Boundary,
    config: Config,
    hotness: Hotness | None = None,
    history: FileHistory | None = None,
    coverage: Coverage = Coverage.NO_PROFILE,
) -> Scored:
    """Score one module; ``coverage`` says what the run's profiles say about it."""
    # loops in coroutines mostly wait on I/O; they are concurrency, not CPU, signal
    loops = LOOP_WEIGHT * sum(fn.loop_depth for fn in facts.functions if not fn.is_async)
    sloc = max(facts.metrics.sloc, 1)
    operators = operator_signal(facts.metrics.halstead_volume, sloc)
    traits = {t for f in findings for t in f.traits}
    # process pools with no network work of their own: the module orchestrates, the functions
    # the processes run are the CPU (and Go) targets; the guidance keeps orchestration in Python
    orchestrating = Trait.ORCHESTRATION in traits and Trait.NETWORK not in traits
    counted = [f for f in findings if Trait.ORCHESTRATION not in f.traits or not orchestrating]
    sig = Signals.of(counted, loops + operators)
    factors: list[Factor] = []

    # -- benefit ------------------------------------------------------------------------------
    density = sig.cpu / max(sloc, 60) * 100  # finding weight per 100 lines
    cpu_heat = _saturate(sig.cpu, 30.0) * (0.35 + 0.65 * min(1.0, density / 6.0))
    go_fit = 0.3 if sig.native_numeric else 1.0
    measured = _measured(facts, hotness, coverage, config)
    if measured is not None:
        factors.append(measured)
    cpu_scale = {
        Coverage.NO_PROFILE: 1.0,
        Coverage.RUN: STATIC_SCALE_RUN,
        Coverage.NOT_COVERED: STATIC_SCALE_NOT_COVERED,
        Coverage.NOT_RUN: 0.0,
    }[coverage]
    if sig.cpu:
        fit_note = (
            " (damped: the heavy lifting is already in numpy/pandas-style native code)"
            if sig.native_numeric
            else ""
        )
        factors.append(
            Factor(
                "cpu-bound",
                round(sig.cpu, 2),
                _r(MAX_CPU * cpu_heat * go_fit * cpu_scale * config.weight("cpu")),
                f"Pure-Python CPU work (loops, parsing, arithmetic, {facts.metrics.halstead_volume / sloc:.1f} "
                f"Halstead volume per line; {density:.1f} signal per 100 lines) that the GIL keeps "
                f"on one core and compiled Go runs natively{fit_note}.",
            )
        )
    io = sig.io
    if io:
        conc_heat = _saturate(io, 20.0)
        kinds = []
        if sig.concurrency:
            kinds.append("threads/asyncio/sockets")
        if sig.service:
            kinds.append("request handling or streaming")
        explanation = (
            f"Concurrent network work ({' and '.join(kinds)}): goroutines and channels serve it "
            "with lower, steadier latency and memory than threads under the GIL."
        )
        if orchestrating:
            conc_heat *= ORCHESTRATION_DAMPING
            explanation = (
                "Orchestrates process pools and executors with no network work of its own: the "
                "processes already run in parallel, so the functions they run, not this "
                "module, are the Go targets."
            )
        factors.append(
            Factor(
                "concurrency",
                round(io, 2),
                _r(MAX_CONCURRENCY * conc_heat * cpu_scale * config.weight("concurrency")),
                explanation,
            )
        )
    benefit = sum(f.contribution for f in factors if f.contribution > 0)
    if boundary.tested_by and benefit > 0:
        # tests lower the risk of a port; they make nothing worth porting by themselves
        factors.append(
            Factor(
                "tests",
                len(boundary.tested_by),
                _r(min(3.0, 0.1 * benefit) * config.weight("tests")),
                f"Covered by {len(boundary.tested_by)} test module(s), which pin the behaviour a "
                "Go version must reproduce.",
            )
        )

    # -- cost and risk ------------------------------------------------------------------------
    size_cost = 3.0 * math.log2(1 + sloc / 150) + 0.15 * max(0, facts.metrics.complexity_max - 15)
    factors.append(
        Factor(
            "size",
            sloc,
            _r(-min(15.0, size_cost) * config.weight("size")),
            f"{sloc} source lines, most complex function {facts.metrics.complexity_max}: "
            "more to rewrite and to verify.",
        )
    )
    coupling = 1.5 * boundary.fan_in + 0.3 * len(boundary.used_names)
    if coupling:
        factors.append(
            Factor(
                "coupling",
                boundary.fan_in,
                _r(-min(10.0, coupling) * config.weight("coupling")),
                f"Imported by {boundary.fan_in} module(s) using {len(boundary.used_names)} of its "
                "names: each call site must move to the new boundary.",
            )
        )
    if sig.blocker:
        factors.append(
            Factor(
                "blockers",
                round(sig.blocker, 2),
                _r(-min(30.0, 4.0 * sig.blocker) * config.weight("blockers")),
                "Dynamic Python (eval/exec, runtime attributes, metaclasses, monkeypatching, "
                "plugin imports, pickle) has no direct Go equivalent and must be redesigned.",
            )
        )
    if sig.ecosystem:
        # how central the ecosystem is to this module: an ORM session in an API module is a
        # dependency to replace, a module of pandas reports is the ecosystem itself
        core = sig.ecosystem / (sig.ecosystem + sig.cpu + io)
        factors.append(
            Factor(
                "python-ecosystem",
                round(sig.ecosystem, 2),
                _r(-min(40.0, 8.0 * sig.ecosystem) * max(0.35, core) * config.weight("ecosystem")),
                f"Built on libraries Python owns (numeric, dataframe, ML, ORM, native bindings; "
                f"{core:.0%} of this module's signal): Go has no equal for them.",
            )
        )
    if history is not None and history.commits > 1:
        churn = 2.5 * math.log2(history.commits)
        factors.append(
            Factor(
                "churn",
                history.commits,
                _r(-min(10.0, churn) * config.weight("churn")),
                f"Changed in {history.commits} commits over the last {history.window_days} days: "
                "moving code is a poor port target; stable hot code is a good one.",
            )
        )

    if measured is not None and measured.contribution > 0:
        cap = _cost_cap(factors, measured.contribution)
        if cap is not None:
            factors.append(cap)

    total = raw = _r(sum(f.contribution for f in factors))
    if total < 0 or total > 100:
        bound = 0.0 if total < 0 else 100.0
        factors.append(
            Factor("bounds", total, _r(bound - total), f"Scores are kept between 0 and 100 (raw {total}).")
        )
        total = bound
    return Scored(score=total, factors=tuple(factors), signals=sig, raw=raw)


def _measured(
    facts: ModuleFacts,
    hotness: Hotness | None,
    coverage: Coverage,
    config: Config,
) -> Factor | None:
    """The measured-time factor: the module's own share of profiled time times how much Go
    speeds that work up (concave, so 20% and 40% of the time stay apart; never saturated)."""
    package = facts.module.split(".", 1)[0]
    if coverage is Coverage.NOT_RUN:
        return Factor(
            "measured-time",
            0.0,
            0.0,
            f"Not run by the profiled workload: it ran other modules of '{package}' but no "
            "sample falls here, so the static estimate does not count.",
        )
    if coverage is Coverage.NOT_COVERED:
        return Factor(
            "measured-time",
            0.0,
            0.0,
            f"No samples: the profile does not reach '{package}'; ranked on the static "
            "estimate, damped.",
        )
    if hotness is None:
        return None
    # self time in the module's own Python is what Go speeds up; time in callees (other
    # modules, libraries: numpy's kernels too) belongs to them, so neither an entry point
    # calling everything nor a module handing its arrays to numpy is hot by that time
    value = MAX_PROFILE * math.sqrt(min(1.0, hotness.self_share))
    return Factor(
        "measured-time",
        round(hotness.self_share, 4),
        _r(value * config.weight("profile")),
        f"{hotness.total_share:.0%} of profiled samples run here, "
        f"{hotness.self_share:.0%} in its own Python code"
        + (f", {hotness.library_share:.0%} in libraries it calls" if hotness.library_share else "")
        + ".",
    )


def _cost_cap(factors: Sequence[Factor], gain: float) -> Factor | None:
    """Give back what the costs take beyond their share of the measured gain."""
    costs = -sum(f.contribution for f in factors if f.contribution < 0)
    excess = _r(costs - MEASURED_COST_SHARE * gain)
    if excess <= 0:
        return None
    return Factor(
        "cost-cap",
        round(costs, 2),
        excess,
        f"Measured time outweighs the cost of moving it: costs count for at most "
        f"{MEASURED_COST_SHARE:.0%} of the measured gain, so code the workload spends its time "
        "in stays above code it never ran.",
    )

