"""Facts + boundary + measured or estimated time + history -> a score made of named factors.

The score is expected gain against cost, as the migration guidance goes, continuous and never
clamped:

* gain: how much running time lives in the module -- a profile's measured share when given,
  else the static estimate (``goport.hotpath``) and the shape of the work found there (loops,
  bit and byte work, scanners, protocol calls from hot code) -- times how much Go speeds that
  kind of work up (pure-Python loops a lot, network concurrency steadier latency, work already
  in numpy hardly at all);
* cost and risk: size and complexity, coupling (what depends on the strategy: an in-process
  extension keeps import sites, a service moves them), blockers (dynamic Python with no Go
  equivalent), the Python-owned ecosystem and churn.

Every contribution is rounded once and the score is their exact sum, so the factors shown always
add up to the score shown. Every number comes from ``calibration.py``, where each has a reason.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from goport.config import Config
from goport.model import Boundary, Factor, FileHistory, Finding, Hotness, ModuleFacts, Strategy
from goport.scoring import factors as F
from goport.scoring.calibration import CALIBRATION, Calibration
from goport.scoring.coverage import Coverage
from goport.scoring.features import Features, module_features
from goport.scoring.kernel import Kernel, kernel_of, native_share
from goport.scoring.signals import Signals

__all__ = [
    "CALIBRATION",
    "Calibration",
    "Coverage",
    "Features",
    "Scored",
    "Signals",
    "StaticEvidence",
    "gain_of",
    "move_score",
    "score_module",
]


@dataclass(frozen=True, slots=True)
class StaticEvidence:
    """What the whole-project estimate (``goport.hotpath``) says of one module."""

    share: float = 0.0  # estimated share of run time
    modules: int = 0  # how many modules the estimate spreads run time over
    kernel_calls: float = 0.0  # loop-weighted calls into it from other modules
    dunder_calls: float = 0.0  # loop-weighted protocol calls its classes get


@dataclass(frozen=True, slots=True)
class Scored:
    score: float
    factors: tuple[Factor, ...]
    signals: Signals
    features: Features
    kernel: Kernel | None = None  # what moves when the module becomes a Go extension
    #: the whole (weighted) redesign cost of its blockers; the score charges blocker_rank_share
    blocker_cost: float = 0.0


def gain_of(factors: Iterable[Factor]) -> float:
    """What Go would gain: the positive factors, less the tests credit (lower risk, not gain)
    and the cost cap (costs given back)."""
    return sum(f.contribution for f in factors if f.contribution > 0 and f.name not in _NOT_GAIN)


_NOT_GAIN = frozenset({"tests", "cost-cap"})


def move_score(scored: Scored) -> float:
    """The score with the whole redesign cost of its blockers, for deciding *whether* to move.

    The ranking charges only ``blocker_rank_share`` of it (where to look first); whether a port
    pays for itself is weighed against all of it, unless measured time already outweighs every
    cost (a ``cost-cap`` factor)."""
    if any(f.name == "cost-cap" for f in scored.factors):
        return scored.score
    charged = sum(f.contribution for f in scored.factors if f.name == "blockers")
    return F.r1(scored.score - charged - scored.blocker_cost)


def score_module(
    facts: ModuleFacts,
    findings: Sequence[Finding],
    boundary: Boundary,
    config: Config,
    hotness: Hotness | None = None,
    history: FileHistory | None = None,
    coverage: Coverage = Coverage.NO_PROFILE,
    *,
    evidence: StaticEvidence | None = None,
    form: Strategy | None = None,
    cal: Calibration = CALIBRATION,
) -> Scored:
    """Score one module; ``coverage`` says what the run's profiles say about it, ``evidence``
    what the static estimate says, ``form`` the Go form it would take (coupling depends on it)."""
    evidence = evidence or StaticEvidence()
    sig = Signals.of(findings)
    x = module_features(
        facts,
        sig,
        fan_in=boundary.callers,
        inert_importers=boundary.inert_importers,
        used_names=len(boundary.used_names),
        estimated_share=evidence.share,
        estimated_modules=evidence.modules,
        kernel_calls=evidence.kernel_calls,
        dunder_calls=evidence.dunder_calls,
    )
    w = config.weight
    measured = F.measured_time(facts.module, hotness, coverage, cal, w("measured-time"))
    numeric = native_share(facts, findings)
    factors: list[Factor | None] = [measured, *_gains(x, sig, numeric, coverage, w, cal)]
    gain = gain_of(f for f in factors if f is not None)
    kernel = kernel_of(facts, cal.kernel_share) if form is Strategy.GO_EXTENSION else None
    moving = Signals.of(kernel.findings) if kernel else sig  # the blockers of what moves
    factors += [
        F.tests(boundary, gain, cal, w("tests")),
        F.nothing_runs(x, cal),
        F.size(max(facts.metrics.sloc, 1), facts.metrics.complexity_max, cal, w("size"), kernel),
        F.coupling(boundary, form, cal, w("coupling")),
        F.blockers(moving, cal, w("blockers"), kernel),
        F.ecosystem(sig, cal, w("python-ecosystem")),
        F.churn(history, cal, w("churn")),
    ]
    shown = [f for f in factors if f is not None]
    if measured is not None and measured.contribution > 0:
        costs = -sum(f.contribution for f in shown if f.contribution < 0)
        cap = F.cost_cap(costs, measured.contribution, cal)
        if cap is not None:
            shown.append(cap)
    return Scored(
        score=F.r1(sum(f.contribution for f in shown)),
        factors=tuple(shown),
        signals=sig,
        features=x,
        kernel=kernel,
        blocker_cost=F.blocker_cost(moving, cal) * w("blockers") if moving.blocker else 0.0,
    )


def _gains(
    x: Features,
    sig: Signals,
    numeric: float,
    coverage: Coverage,
    w: Callable[[str], float],
    cal: Calibration,
) -> list[Factor | None]:
    """What Go would gain: the fitted static model (calibration.py says how it was fitted),
    damped by the share ``numeric`` of the work already in numpy/pandas-style native code, and
    concurrency. The static estimate of run time (goport.hotpath) adds points only where it puts
    more than an even share of the time on the module: as a fitted term it traded the validation
    set for the measured one, as a one-sided lift it helps the measured set and costs neither."""
    scale = F.static_scale(coverage, cal)
    cpu_scale = scale * (1.0 - numeric * (1.0 - cal.native_numeric_fit))
    fit_note = ""
    if numeric >= 0.995:
        fit_note = " (damped: the heavy lifting is already in numpy/pandas-style native code)"
    elif numeric > 0:
        fit_note = (
            f" (damped by {numeric:.0%}, the share of its work in the functions that use "
            "numpy/pandas-style native code)"
        )
    return [
        F.density(x, cpu_scale * w("density"), cal),
        F.imported_by(x, cpu_scale * w("used-widely"), cal),
        F.code_size(x, cpu_scale * w("code-volume"), cal),
        F.cpu_findings(x, cpu_scale * w("cpu-bound"), cal, fit_note),
        F.scanners(x, cpu_scale * w("scanner"), cal),
        F.bit_work(x, cpu_scale * w("bit-work"), cal),
        F.loop_work(x, cpu_scale * w("loop-work"), cal),
        F.per_element_calls(x, cpu_scale * w("called-per-element"), cal),
        # measured time replaces the estimate where the profile ran the module
        F.estimated_time(
            x, 0.0 if coverage is Coverage.RUN else cpu_scale * w("estimated-time"), cal
        ),
        F.concurrency(sig, scale, cal, w("concurrency")),
    ]
