"""One function per factor of the score. Each returns a ``Factor`` (or None when it does not
apply): a name, the raw quantity it is computed from, its signed contribution in points, and an
explanation a user can check against the code.

Gain factors say how much time Go would save (measured or estimated share of run time, and the
shape of the work: loops, bit and byte work, calls from hot code); cost factors what moving the
module costs and risks. ``score_module`` (``__init__.py``) adds them up.
"""

from __future__ import annotations

import math

from goport.model import Boundary, Factor, FileHistory, Hotness, Strategy
from goport.scoring.calibration import Calibration
from goport.scoring.coverage import Coverage
from goport.scoring.features import Features
from goport.scoring.kernel import Kernel
from goport.scoring.signals import Signals


def r1(x: float) -> float:
    """Contributions are rounded once, so that the shown factors add up to the shown score."""
    return round(x, 1) + 0.0  # +0.0 turns -0.0 into 0.0


def _capped(points: float, cal: Calibration) -> float:
    return min(points, cal.max_static_factor)


# -- gain: measured ------------------------------------------------------------------------------


def measured_time(
    module: str, hotness: Hotness | None, coverage: Coverage, cal: Calibration, weight: float
) -> Factor | None:
    """The module's own share of profiled time (self time: callees' time is theirs), concave so
    that 20% and 40% of the time stay apart; never saturated."""
    package = module.split(".", 1)[0]
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
    value = cal.max_profile * math.sqrt(min(1.0, hotness.self_share))
    return Factor(
        "measured-time",
        round(hotness.self_share, 4),
        r1(value * weight),
        f"{hotness.total_share:.0%} of profiled samples run here, "
        f"{hotness.self_share:.0%} in its own Python code"
        + (f", {hotness.library_share:.0%} in libraries it calls" if hotness.library_share else "")
        + ".",
    )


# -- gain: static estimate -----------------------------------------------------------------------


def static_scale(coverage: Coverage, cal: Calibration) -> float:
    """How much of the static estimate counts, by what the profile says of the module."""
    return {
        Coverage.NO_PROFILE: 1.0,
        Coverage.RUN: cal.static_scale_run,
        Coverage.NOT_COVERED: cal.static_scale_not_covered,
        Coverage.NOT_RUN: 0.0,
    }[coverage]


def _term(
    name: str, value: float, weight: float, scale: float, cal: Calibration, why: str
) -> Factor | None:
    """One fitted term: ``weight`` per unit of log(1 + value), in points; None when absent."""
    if value <= 0:
        return None
    points = cal.gain_points * weight * math.log1p(value) * scale
    return Factor(name, value, r1(_capped(points, cal)), why)


def density(x: Features, scale: float, cal: Calibration) -> Factor | None:
    return _term(
        "density",
        x.density if x.runs_code else 0.0,
        cal.w_density,
        scale,
        cal,
        f"{x.halstead_density:.1f} Halstead volume per line ({x.density:.1f} counting its size"
        f"{_left_out(x)}): the denser the operators and operands (rather than calls and "
        "assignments), the more interpreted work per line.",
    )


def _left_out(x: Features) -> str:
    """What the density leaves out of radon's volume: text building, code run on import."""
    parts = []
    if x.text_share:
        parts.append(f"the {x.text_share:.0%} of operators that build text")
    if x.import_share:
        of = "" if parts else "of operators "
        parts.append(f"the {x.import_share:.0%} {of}outside functions, which run once on import")
    return ", without " + " and ".join(parts) if parts else ""


def imported_by(x: Features, scale: float, cal: Calibration) -> Factor | None:
    return _term(
        "used-widely",
        x.fan_in if x.runs_code else 0,
        cal.w_fan_in,
        scale,
        cal,
        f"Imported by {x.fan_in} module(s){_inert_only(x)}: code called from many places is "
        "where time goes.",
    )


def _inert_only(x: Features) -> str:
    if not x.inert_importers:
        return ""
    return (
        f" that use its code (not counting {x.inert_importers} that use only its constants, "
        "exception classes or enumerations)"
    )


def cpu_findings(x: Features, scale: float, cal: Calibration, fit_note: str) -> Factor | None:
    return _term(
        "cpu-bound",
        x.cpu_findings,
        cal.w_cpu_findings,
        scale,
        cal,
        "Pure-Python CPU work the detectors found (loops, parsing, string building, binary "
        f"codecs) that the GIL keeps on one core and compiled Go runs natively{fit_note}.",
    )


def code_size(x: Features, scale: float, cal: Calibration) -> Factor | None:
    return _term(
        "code-volume",
        x.code_lines if x.runs_code else 0,
        cal.w_size,
        scale,
        cal,
        f"{x.code_lines} source lines of running code{_run_once(x)}: more code holds more of "
        "the run time, all else equal.",
    )


def _run_once(x: Features) -> str:
    left = x.sloc - x.code_lines
    if not left:
        return ""
    return f" (not counting the {left} of module constants, docstrings and imports: run once)"


def loop_work(x: Features, scale: float, cal: Calibration) -> Factor | None:
    return _term(
        "loop-work",
        x.loop_work,
        cal.w_loop_work,
        scale,
        cal,
        f"{x.loop_work:g} arithmetic, comparison and indexing operators inside loops: each is "
        "interpreted per iteration in Python, a few machine instructions in Go.",
    )


def bit_work(x: Features, scale: float, cal: Calibration) -> Factor | None:
    return _term(
        "bit-work",
        x.bit_work,
        cal.w_bit_work,
        scale,
        cal,
        f"{x.bit_work:g} bit operators inside loops: binary protocols, checksums and packing, "
        "where Go's fixed-width integers shine.",
    )


def per_element_calls(x: Features, scale: float, cal: Calibration) -> Factor | None:
    calls = round(x.kernel_calls + x.dunder_calls, 2)
    return _term(
        "called-per-element",
        calls,
        cal.w_per_element_calls,
        scale,
        cal,
        f"Called inside other modules' loops, per element through builtins (sorted(key=...), "
        f"map) or by the interpreter (trace hooks), or through its classes' operators, "
        f"indexing and iteration ({calls:g} loop-weighted calls): a small kernel everything "
        "calls per element is where time goes.",
    )


def estimated_time(x: Features, scale: float, cal: Calibration) -> Factor | None:
    """The static estimate of run time (``goport.hotpath``), where it is above an even split:
    ``estimated_lift`` is the module's estimated share times the number of modules."""
    lift = x.estimated_lift
    if lift <= 1.0 or scale <= 0:
        return None
    points = cal.w_estimated_time * math.log(lift) * scale
    return Factor(
        "estimated-time",
        round(lift, 2),
        r1(_capped(points, cal)),
        f"The static estimate puts {x.estimated_share:.1%} of run time here, {lift:.1f}x an even "
        "share: calls from the entry points, weighted by the loops they sit in, reach it often.",
    )


def scanners(x: Features, scale: float, cal: Calibration) -> Factor | None:
    return _term(
        "scanner",
        x.scanners,
        cal.w_scanner,
        scale,
        cal,
        f"{x.scanners} character- or byte-level scanner(s): a running position indexes the "
        "input in a while loop, one interpreted step per character.",
    )


def concurrency(sig: Signals, scale: float, cal: Calibration, weight: float) -> Factor | None:
    io = sig.io
    if not io:
        return None
    heat = min(1.0, cal.concurrency_points * io / cal.max_concurrency)
    kinds = []
    if sig.concurrency:
        kinds.append("threads/asyncio/sockets")
    if sig.service:
        kinds.append("request handling or streaming")
    explanation = (
        f"Concurrent network work ({' and '.join(kinds)}): goroutines and channels serve it "
        "with lower, steadier latency and memory than threads under the GIL."
        if sig.network
        else "Concurrent in-process work (coroutines, async iteration, tasks or threads) with no "
        "network seen in this module: goroutines replace them, but the gain shows only under load."
    )
    if sig.orchestrating:
        heat *= cal.orchestration_damping
        explanation = (
            "Orchestrates process pools and executors with no network work of its own: the "
            "processes already run in parallel, so the functions they run, not this module, "
            "are the Go targets."
        )
    return Factor(
        "concurrency", round(io, 2), r1(cal.max_concurrency * heat * scale * weight), explanation
    )


def tests(boundary: Boundary, gain: float, cal: Calibration, weight: float) -> Factor | None:
    """Tests lower the risk of a port; they make nothing worth porting by themselves."""
    if not boundary.tested_by or gain <= 0:
        return None
    return Factor(
        "tests",
        len(boundary.tested_by),
        r1(min(cal.max_tests_credit, cal.tests_share * gain) * weight),
        f"Covered by {len(boundary.tested_by)} test module(s), which pin the behaviour a Go "
        "version must reproduce.",
    )


# -- cost and risk -------------------------------------------------------------------------------


def nothing_runs(x: Features, cal: Calibration) -> Factor | None:
    if x.runs_code:
        return None
    return Factor(
        "nothing-runs",
        0,
        r1(cal.nothing_runs),
        "Re-exports, constants or configuration: no function or loop runs here, so there is "
        "nothing for Go to speed up.",
    )


def size(
    sloc: int, complexity_max: int, cal: Calibration, weight: float, kernel: Kernel | None = None
) -> Factor:
    """What there is to rewrite and verify: the module, or only its kernel functions when it
    moves as a Go extension (the rest stays in Python)."""
    if kernel is not None:
        sloc, complexity_max = kernel.sloc, kernel.complexity_max
    cost = cal.size_per_doubling * math.log2(
        1 + sloc / cal.size_reference
    ) + cal.size_complexity * max(0.0, complexity_max - cal.complexity_threshold)
    what = (
        f"{sloc} lines in the {len(kernel.functions)} function(s) that carry most of its work "
        "(as a Go extension only they move)"
        if kernel is not None
        else f"{sloc} source lines"
    )
    return Factor(
        "size",
        sloc,
        r1(-min(cal.max_size_cost, cost) * weight),
        f"{what}, most complex function {complexity_max}: more to rewrite and to verify.",
    )


def coupling(
    boundary: Boundary, form: Strategy | None, cal: Calibration, weight: float
) -> Factor | None:
    cost = cal.coupling_per_importer * boundary.fan_in + cal.coupling_per_name * len(
        boundary.used_names
    )
    if not cost:
        return None
    explanation = (
        f"Imported by {boundary.fan_in} module(s) using {len(boundary.used_names)} of its "
        "names: each call site must move to the new boundary."
    )
    cost = min(cal.max_coupling_cost, cost)
    if form is Strategy.GO_EXTENSION:
        cost *= cal.extension_coupling_share
        explanation = (
            f"Imported by {boundary.fan_in} module(s) using {len(boundary.used_names)} of its "
            "names; as an in-process Go extension behind the same Python names, the import "
            "sites stay as they are."
        )
    return Factor("coupling", boundary.fan_in, r1(-cost * weight), explanation)


def blocker_cost(sig: Signals, cal: Calibration) -> float:
    """Points the module's dynamic Python costs: a redesign for most blockers, a site-by-site
    rewrite for attributes named at run time (``Trait.RESHAPE``), which weigh less."""
    reshape = min(cal.max_reshape_cost, cal.reshape_points * sig.reshape)
    redesign = cal.blocker_points * (sig.blocker - sig.reshape)
    return min(cal.max_blocker_cost, redesign + reshape)


def blockers(
    sig: Signals, cal: Calibration, weight: float, kernel: Kernel | None = None
) -> Factor | None:
    """``sig`` is the module's signals, or only its kernel's when it moves as a Go extension."""
    if not sig.blocker:
        return None
    return Factor(
        "blockers",
        round(sig.blocker, 2),
        r1(-blocker_cost(sig, cal) * cal.blocker_rank_share * weight),
        "Dynamic Python (eval/exec, metaclasses, monkeypatching, plugin imports, pickle) has no "
        "direct Go equivalent and must be redesigned; attributes named at run time become "
        "explicit fields or maps, site by site. The effort estimate carries the redesign; the "
        f"ranking charges {cal.blocker_rank_share:.0%} of it, since hot code is often dynamic."
        + (" Counted in the functions that move; the rest stays in Python." if kernel else ""),
    )


def ecosystem(sig: Signals, cal: Calibration, weight: float) -> Factor | None:
    """How central the ecosystem is to this module: an ORM session in an API module is a
    dependency to replace, a module of pandas reports is the ecosystem itself."""
    if not sig.ecosystem:
        return None
    core = sig.ecosystem / (sig.ecosystem + sig.cpu + sig.io)
    cost = min(cal.max_ecosystem_cost, cal.ecosystem_points * sig.ecosystem)
    return Factor(
        "python-ecosystem",
        round(sig.ecosystem, 2),
        r1(-cost * max(cal.ecosystem_floor, core) * weight),
        f"Built on libraries Python owns (numeric, dataframe, ML, ORM, native bindings; "
        f"{core:.0%} of this module's signal): Go has no equal for them.",
    )


def churn(history: FileHistory | None, cal: Calibration, weight: float) -> Factor | None:
    if history is None or history.commits <= 1:
        return None
    return Factor(
        "churn",
        history.commits,
        r1(-min(cal.max_churn_cost, cal.churn_per_doubling * math.log2(history.commits)) * weight),
        f"Changed in {history.commits} commits over the last {history.window_days} days: moving "
        "code is a poor port target; stable hot code is a good one.",
    )


def cost_cap(costs: float, gain: float, cal: Calibration) -> Factor | None:
    """Give back what the costs take beyond their share of the measured gain."""
    excess = r1(costs - cal.measured_cost_share * gain)
    if excess <= 0:
        return None
    return Factor(
        "cost-cap",
        round(costs, 2),
        excess,
        f"Measured time outweighs the cost of moving it: costs count for at most "
        f"{cal.measured_cost_share:.0%} of the measured gain, so code the workload spends its "
        "time in stays above code it never ran.",
    )
