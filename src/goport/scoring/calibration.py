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
        0.0,
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

    # -- static gain: the fitted block ----------------------------------------------------------
    # A pairwise logistic ranking model (benchmarks/fit.py) over log(1 + feature), fitted with
    # leave-one-package-out cross-validation on the 17 counted packages of
    # benchmarks/validation_set.toml (modules the maintainers gave a native twin rank above the
    # rest) together with the 9 measured packages (modules with 3x the measured self time rank
    # above), l2 0.1; benchmarks/results/fit.txt has the run. Weights are per unit of
    # log(1 + feature), in the model's units; ``gain_points`` turns them into points.
    gain_points: float = cal(
        15.0,
        "points per unit of the fitted model: one standard deviation of density is worth about "
        "7 points, next to a size cost of up to 15 and a concurrency gain of up to 45, so "
        "that a dense kernel scores 40-80 like a hot network service",
    )
    w_density: float = cal(
        0.7841,
        "fitted: Halstead volume per line of the operators that neither build text nor run "
        "on import (shrunk for small modules), the strongest single sign of "
        "computation-dense code",
    )
    w_fan_in: float = cal(
        0.4154,
        "fitted: modules many others import are called from many places, which makes code hot",
    )
    w_scanner: float = cal(
        0.8732,
        "fitted: character- or byte-level scanners (a running index in a while loop)",
    )
    w_cpu_findings: float = cal(
        0.1521,
        "fitted: the CPU detectors' summed finding weight (nested loops, string building, "
        "parsing, binary codecs)",
    )
    w_size: float = cal(
        0.08892,
        "fitted: more code holds more of the run time, all else equal (the size cost still "
        "counts the work of a port)",
    )
    w_bit_work: float = cal(
        0.2672, "fitted: bit operators in loops: binary protocols, checksums, packing"
    )
    w_loop_work: float = cal(
        0.04829,
        "fitted: arithmetic, comparison and indexing operators in loops; small next to density, "
        "which already counts most of them",
    )
    w_per_element_calls: float = cal(
        0.15,
        "hand-set, not fitted: loop-weighted calls from other modules' loops and protocol calls "
        "(x[i], len(x), iteration) on its classes' instances are rare in the fitting set, so "
        "the fit leaves them near 0; set so that a small kernel called per element outranks "
        "its callers, and checked not to lower the validation MAP",
    )
    w_estimated_time: float = cal(
        5.0,
        "hand-set, not fitted: points per e-fold by which the static estimate puts more than an "
        "even share of run time on the module (none at or below it, so a small kernel the "
        "estimate cannot reach loses nothing); chosen from 2-8 on the measured set (NDCG@5 "
        "0.58 -> 0.63) with the validation MAP unchanged (0.704 -> 0.703), and re-checked in "
        "steps of 0.5 once the estimate had scanning loops and subclass overrides: 4 -> 5 "
        "gave 0.64 -> 0.65 and MAP 0.694 -> 0.698, 6 gave MAP 0.661; as a fitted log-share "
        "term it traded one set for the other",
    )
    max_static_factor: float = cal(
        40.0,
        "no single static gain factor is worth more than this: evidence adds up across kinds, "
        "not by piling up one kind",
    )
    native_numeric_fit: float = cal(
        0.0,
        "share of the CPU gain left when the heavy lifting is already in numpy-style native code",
    )

    # -- concurrency gain -----------------------------------------------------------------------
    max_concurrency: float = cal(
        45.0,
        "lower than CPU: asyncio and threads already give Python I/O concurrency; Go's gain is "
        "steadier latency and memory under load",
    )
    concurrency_points: float = cal(
        0.6,
        "points per unit of network/serving signal weight, linear up to the cap: a module with "
        "a few socket calls is a client (a few points), a listener with queues, back-pressure "
        "and fan-out is a service (the cap); a saturating curve gave the client most of the "
        "service's gain, and the validation packages' protocol modules (no native twin) "
        "ranked above their kernels",
    )
    orchestration_damping: float = cal(
        0.4,
        "share of the concurrency gain left to a module that only runs process pools: the "
        "functions the processes run are the Go targets",
    )

    # -- cost and risk (hand-set from the guidance) ----------------------------------------------
    kernel_share: float = cal(
        0.8,
        "share of a module's own work that its kernel functions carry: what moves (and is "
        "costed) when it becomes a Go extension",
    )
    size_per_doubling: float = cal(
        3.0, "points per doubling of source lines past 150: more to rewrite and verify"
    )
    size_reference: float = cal(
        150.0, "source lines below which size costs little: a day's port or less"
    )
    size_complexity: float = cal(
        0.15, "points per unit of the most complex function's cyclomatic complexity above 15"
    )
    complexity_threshold: float = cal(
        15.0, "cyclomatic complexity of a function past which it is hard to port and verify"
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
        4.0,
        "points per unit of the weight of blockers that need a redesign (eval, metaclasses, "
        "pickle, monkeypatching, imports by name); also what planning weighs against the gain "
        "when it keeps a module in Python",
    )
    reshape_points: float = cal(
        2.0,
        "points per unit of blocker weight that is made explicit site by site (attributes named "
        "at run time): between the joint fit's 0.75 (benchmarks/fit.py with factor:blockers: "
        "hot proxies and containers are full of them) and a redesign's 4",
    )
    max_reshape_cost: float = cal(
        15.0, "attributes named at run time never cost more than this: half the blockers' cap"
    )
    max_blocker_cost: float = cal(30.0, "blockers never cost more than this")
    blocker_rank_share: float = cal(
        0.35,
        "share of the blockers' cost the ranking charges (planning weighs all of it against "
        "the gain): hot code is often dynamic code, 13 of the 34 hot modules of the validation "
        "and measured sets carry blockers, and charging all of it put them below code nothing "
        "runs (validation MAP 0.650 -> 0.687, measured NDCG@5 0.56 -> 0.59)",
    )
    keep_blocker_weight: float = cal(
        4.0,
        "blocker weight (two computed getattrs, one eval) from which planning keeps a module in "
        "Python when the blockers cost more than Go would gain",
    )
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
