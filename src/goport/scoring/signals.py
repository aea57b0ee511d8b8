"""Per-category sums of the detectors' finding weights for one module."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from goport.model import Category, Finding


def is_network(f: Finding) -> bool:
    """Network or streaming work: servers, sockets, consumers, task workers."""
    return f.rule in _NETWORK_RULES


def is_native_numeric(f: Finding) -> bool:
    return f.rule in ("GP501", "GP502", "GP503")


def is_orchestration(f: Finding) -> bool:
    return f.rule == "GP108"


_NETWORK_RULES = frozenset(
    {"GP208", "GP209", "GP301", "GP302", "GP303", "GP304", "GP305", "GP306", "GP307", "GP308"}
)


@dataclass(frozen=True, slots=True)
class Signals:
    cpu: float  # CPU findings (the loops and density are features of their own)
    concurrency: float
    service: float
    blocker: float
    ecosystem: float
    native_numeric: bool  # imports numpy/pandas-style native array libraries
    network: bool  # some finding shows network or streaming work
    orchestrating: bool  # runs process pools and has no network work of its own

    @property
    def io(self) -> float:
        return self.concurrency + self.service

    @staticmethod
    def of(findings: Sequence[Finding]) -> Signals:
        network = any(is_network(f) for f in findings)
        orchestrating = not network and any(is_orchestration(f) for f in findings)
        sums = {c: 0.0 for c in Category}
        for f in findings:
            if orchestrating and is_orchestration(f):
                continue
            sums[f.category] += f.weight
        return Signals(
            cpu=sums[Category.CPU],
            concurrency=sums[Category.CONCURRENCY],
            service=sums[Category.SERVICE],
            blocker=sums[Category.BLOCKER],
            ecosystem=sums[Category.ECOSYSTEM],
            native_numeric=any(is_native_numeric(f) for f in findings),
            network=network,
            orchestrating=orchestrating,
        )
