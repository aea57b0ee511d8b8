"""Per-category sums of the detectors' finding weights for one module."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from goport.model import Category, Finding, Trait


@dataclass(frozen=True, slots=True)
class Signals:
    cpu: float  # CPU findings (the loops and density are features of their own)
    concurrency: float
    service: float
    blocker: float
    reshape: float  # of the blocker weight, what is made explicit site by site (Trait.RESHAPE)
    ecosystem: float
    native_numeric: bool  # imports numpy/pandas-style native array libraries
    network: bool  # some finding shows network or streaming work
    orchestrating: bool  # runs process pools and has no network work of its own

    @property
    def io(self) -> float:
        return self.concurrency + self.service

    @staticmethod
    def of(findings: Sequence[Finding]) -> Signals:
        network = any(Trait.NETWORK in f.traits for f in findings)
        orchestrating = not network and any(Trait.ORCHESTRATION in f.traits for f in findings)
        sums = {c: 0.0 for c in Category}
        reshape = 0.0
        for f in findings:
            if orchestrating and Trait.ORCHESTRATION in f.traits:
                continue
            sums[f.category] += f.weight
            if f.category is Category.BLOCKER and Trait.RESHAPE in f.traits:
                reshape += f.weight
        return Signals(
            cpu=sums[Category.CPU],
            concurrency=sums[Category.CONCURRENCY],
            service=sums[Category.SERVICE],
            blocker=sums[Category.BLOCKER],
            reshape=reshape,
            ecosystem=sums[Category.ECOSYSTEM],
            native_numeric=any(Trait.NATIVE_NUMERIC in f.traits for f in findings),
            network=network,
            orchestrating=orchestrating,
        )
