"""Expected gain of a step, Amdahl-style: time share x (1 - 1/speed-up), less the crossing cost.

The time share is measured (``--profile``: the module's self time) or the static estimate
(``Candidate.estimate``), and labelled which. The speed-up is a range for the kind of work, not
a promise; each range is stated in the assumptions so a reader can disagree with it:

- pure-Python loops (interpreter dispatch, boxed ints, dict look-ups): 10-50x;
- bytes and bit work in loops (masks, shifts, hashing, codecs): 20-100x;
- work already in numpy-style native code: 1-2x;
- concurrency-bound services and workers: no CPU number at all. Go's gain there is latency and
  memory under load (goroutines instead of threads or asyncio tasks), which a CPU share cannot
  express, so the gain says what to measure instead.

Crossing the boundary costs something on every call: an in-process extension pays a conversion
per call (cheap unless it happens per item of a loop), a service, worker or CLI pays a round trip.
The low end of the range keeps only part of the saving for that.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from goport.model import Candidate, ModuleFacts, Strategy, Trait
from goport.roadmap.model import Gain

CPU_LOOPS = (10.0, 50.0)
BIT_WORK = (20.0, 100.0)
NATIVE = (1.0, 2.0)
#: share of loop operations that are bit operations from which the work counts as bit work
BIT_SHARE = 0.25
_CONCURRENCY = frozenset({Trait.NETWORK, Trait.SERVING, Trait.FEEDING})
_OUT_OF_PROCESS = frozenset({Strategy.GO_SERVICE, Strategy.GO_WORKER, Strategy.GO_CLI})


@dataclass(frozen=True, slots=True)
class _Part:
    low: float | None
    high: float | None
    basis: str  # measured | estimated | none | concurrency
    note: str


def loop_crossings(module: str, callers: Iterable[ModuleFacts]) -> int:
    """Call sites of ``callers`` inside loops that run a name of ``module``: each is a boundary
    crossing per item once the module is in Go."""
    prefix = module + "."
    count = 0
    for facts in callers:
        for fn in facts.functions:
            for site in fn.call_sites:
                if site.loop_depth > 0 and site.target.startswith(prefix):
                    count += site.count
    return count


def _work(facts: ModuleFacts | None) -> tuple[str, tuple[float, float]]:
    if facts is None:
        return "pure-Python loops", CPU_LOOPS
    bits = sum(fn.work.loop_bitops for fn in facts.functions)
    ops = bits + sum(
        fn.work.loop_arith + fn.work.loop_compares + fn.work.loop_subscripts
        for fn in facts.functions
    )
    if ops and bits / ops >= BIT_SHARE:
        return "bytes/bit work in loops", BIT_WORK
    return "pure-Python loops", CPU_LOOPS


def _part(c: Candidate, facts: ModuleFacts | None, crossings: int, measured: bool) -> _Part:
    traits = {t for f in c.findings for t in f.traits}
    name = c.rel_path
    if c.strategy in (Strategy.GO_SERVICE, Strategy.GO_WORKER) and traits & _CONCURRENCY:
        return _Part(None, None, "concurrency", f"{name} is concurrency-bound")
    if measured:
        share = c.hotness.self_share if c.hotness else 0.0
        basis = "measured"
        where = f"{share:.1%} of the profiled self time" if c.hotness else "not in the profile"
    elif c.estimate is not None:
        share, basis = c.estimate.share, "estimated"
        shown = "<0.1%" if 0 < share < 0.001 else f"{share:.1%}"
        where = f"an estimated {shown} of run time (static)"
    else:
        return _Part(None, None, "none", f"{name}: no profile and no static time estimate")
    if Trait.NATIVE_NUMERIC in traits:
        kind, (slow, fast) = "work already in native code", NATIVE
    else:
        kind, (slow, fast) = _work(facts)
    keep = _keep(c.strategy, crossings)
    low = share * (1 - 1 / slow) * keep if slow > 1 else 0.0
    high = share * (1 - 1 / fast)
    crossing = (
        f"{crossings} call site(s) cross the boundary inside loops, so the low end keeps "
        f"{keep:.0%} of the saving (batch them)"
        if crossings
        else f"calls cross the boundary outside loops: the low end keeps {keep:.0%} of the saving"
    )
    note = f"{name}: {where}; {kind}, {slow:g}-{fast:g}x; {crossing}"
    return _Part(low, high, basis, note)


def _keep(strategy: Strategy, crossings: int) -> float:
    """Share of the saving left at the low end once boundary crossings are paid for."""
    if strategy in _OUT_OF_PROCESS:
        return 0.0 if crossings else 0.7  # a round trip per item eats a CPU kernel's gain
    return 0.5 if crossings else 0.9


def step_gain(
    candidates: Sequence[Candidate],
    facts: Mapping[str, ModuleFacts],
    crossings: Mapping[str, int],
    *,
    measured: bool,
) -> Gain:
    """The gain of moving ``candidates`` together, as a fraction of end-to-end time."""
    parts = [
        _part(c, facts.get(c.rel_path), crossings.get(c.rel_path, 0), measured) for c in candidates
    ]
    numbers = [p for p in parts if p.low is not None and p.high is not None]
    bound = [p for p in parts if p.basis == "concurrency"]
    missing = [p for p in parts if p.basis == "none"]
    notes = [p.note for p in numbers]
    if bound:
        notes.append(
            ", ".join(p.note.removesuffix(" is concurrency-bound") for p in bound)
            + ": concurrency-bound, so no CPU number. Go's gain there is latency and memory "
            "under load (goroutines instead of threads or asyncio tasks): measure p99 latency "
            "and memory at the target load before and after"
        )
    notes.extend(p.note for p in missing)
    if not numbers:
        return Gain(None, None, "none", "; ".join(notes) + ".")
    low = sum(p.low or 0.0 for p in numbers)
    high = sum(p.high or 0.0 for p in numbers)
    basis = "measured" if all(p.basis == "measured" for p in numbers) else "estimated"
    text = "Amdahl: time share x (1 - 1/speed-up), less the crossing cost. " + "; ".join(notes)
    return Gain(round(low, 4), round(high, 4), basis, text + ".")
