"""The detector registry: an explicit tuple, in id order. A contract test keeps it complete."""

from __future__ import annotations

from goport.detectors import concurrency, cpu, dynamic, ecosystem, services
from goport.detectors.base import Context, Detector

REGISTRY: tuple[type[Detector], ...] = (
    *cpu.DETECTORS,
    *concurrency.DETECTORS,
    *services.DETECTORS,
    *dynamic.DETECTORS,
    *ecosystem.DETECTORS,
)

__all__ = ["REGISTRY", "Context", "Detector", "by_id"]


def by_id() -> dict[str, type[Detector]]:
    return {d.ID: d for d in REGISTRY}
