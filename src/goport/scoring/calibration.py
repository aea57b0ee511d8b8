"""Every number the score uses, in one place, each with the reason it has the value it has.

A field is declared with :func:`cal`, which keeps its one-line reason beside it; ``goport``'s
tests check that no field lacks one. The *fitted* block holds the weights of the static gain
model, fitted with leave-one-package-out cross-validation by ``benchmarks/fit.py`` on the
validation set (``benchmarks/validation_set.toml``); the rest are set by hand from the migration
guidance and say so.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any


def cal(value: float, why: str) -> Any:
    """A calibration field: its value and the one-line reason for it."""
    return field(default=value, metadata={"why": why})


@dataclass(frozen=True, slots=True)
class Calibration:
    # -- measured time (a profile) ------------------------------------------------------------
    max_profile: float = cal(
        70.0,
        "points for a module holding all measured self time; sqrt keeps 20% and 40% apart",
    )
    measured_cost_share: float = cal(
        0.3,
        "with a profile, costs take at most this share of measured gain: measured time outranks "
        "what the workload never ran",
    )
    static_scale_run: float = cal(
        0.05,
        "a measured module's static signals only break ties: time replaces the estimate",
    )
    static_scale_not_covered: float = cal(
        0.6,
        "a module in a package the profile never reached keeps most of its static estimate",
    )

    # -- static gain: how much Go speeds up the work found (fitted block) ----------------------
    w_estimated_time: float = cal(
        40.0,
        "points at a 100% estimated share of run time (sqrt of the share, like measured time)",
    )
    w_loop_work: float = cal(
        6.0,
        "points per e-fold of trip-weighted arithmetic, comparison and indexing in loops: the "
        "interpreted work compiled Go removes",
    )
    w_bit_work: float = cal(
        4.0,
        "points per e-fold of trip-weighted bit and byte operations in loops: binary protocols "
        "and checksums, where Go's fixed-width integers shine",
    )
    w_cpu_findings: float = cal(
        5.0,
        "points per e-fold of the CPU detectors' finding weight (nested loops, string building, "
        "recursion, parsing, binary work)",
    )
    w_kernel_calls: float = cal(
        3.0,
        "points per e-fold of loop-weighted calls into this module from the rest of the project: "
        "small kernels everything calls are hot",
    )
    w_dunder_protocol: float = cal(
        2.0,
        "points per e-fold of operator, iteration and indexing protocol calls its classes get: "
        "containers and rows used per element",
    )
    w_scanner: float = cal(
        3.0,
        "points per character- or byte-level scanner (indexing by a running position in a "
        "while loop)",
    )
    w_recursion: float = cal(
        1.5,
        "points per function recursing over data structures (trees, nested values)",
    )
    w_density: float = cal(
        4.0,
        "points per unit of Halstead volume per line above a glue-like baseline: dense "
        "computation rather than calls and assignments",
    )
    halstead_baseline: float = cal(
        1.5,
        "Halstead volume per source line below which code reads as glue",
    )
    max_static_factor: float = cal(
        40.0,
        "no single static gain factor is worth more than this: evidence adds up across kinds, "
        "not by piling up one kind",
    )
    native_numeric_fit: float = cal(
        0.3,
        "share of the CPU gain left when the heavy lifting is already in numpy-style native code",
    )

    # -- concurrency gain -----------------------------------------------------------------------
    max_concurrency: float = cal(
        45.0,
        "lower than CPU: asyncio and threads already give Python I/O concurrency; Go's gain is "
        "steadier latency and memory under load",
    )
    concurrency_scale: float = cal(
        20.0, "network-signal weight at which the concurrency gain reaches 63% of its maximum"
    )
    orchestration_damping: float = cal(
        0.4,
        "share of the concurrency gain left to a module that only runs process pools: the "
        "functions the processes run are the Go targets",
    )

    # -- cost and risk (hand-set from the guidance) ----------------------------------------------
    size_per_doubling: float = cal(
        3.0, "points per doubling of source lines past 150: more to rewrite and verify"
    )
    size_complexity: float = cal(
        0.15, "points per unit of the most complex function's cyclomatic complexity above 15"
    )
    max_size_cost: float = cal(15.0, "size never costs more than this")
    coupling_per_importer: float = cal(
        1.5, "points per importing module that must switch to a new boundary"
    )
    coupling_per_name: float = cal(0.3, "points per public name other modules use")
    max_coupling_cost: float = cal(10.0, "coupling never costs more than this")
    extension_coupling_share: float = cal(
        0.2,
        "share of the coupling cost an in-process Go extension keeps: import sites stay as "
        "they are",
    )
    blocker_points: float = cal(
        4.0, "points per unit of dynamic-Python blocker weight (eval, metaclasses, pickle...)"
    )
    max_blocker_cost: float = cal(30.0, "blockers never cost more than this")
    ecosystem_points: float = cal(
        8.0, "points per unit of Python-ecosystem signal (numpy, pandas, ORMs, ML)"
    )
    max_ecosystem_cost: float = cal(40.0, "the ecosystem never costs more than this")
    ecosystem_floor: float = cal(
        0.35, "least share of the ecosystem cost, however small the module's use of it"
    )
    churn_per_doubling: float = cal(
        2.5, "points per doubling of commits in the window: moving targets are poor ports"
    )
    max_churn_cost: float = cal(10.0, "churn never costs more than this")
    nothing_runs: float = cal(
        -25.0,
        "re-exports, constants and configuration: no function or loop runs here, so the module "
        "sits below every module with code",
    )
    max_tests_credit: float = cal(3.0, "tests lower a port's risk; they never make it worth doing")
    tests_share: float = cal(0.1, "tests credit as a share of the gain, up to its maximum")

    # -- strategy -------------------------------------------------------------------------------
    min_go_score: float = cal(15.0, "below this score no Go strategy is recommended")
    min_gain: float = cal(8.0, "below this gain the module is glue, whatever its cost")

    def reasons(self) -> dict[str, tuple[float, str]]:
        """Every field's value and reason, for the docs and ``explain``."""
        return {f.name: (getattr(self, f.name), f.metadata.get("why", "")) for f in fields(self)}


CALIBRATION = Calibration()
