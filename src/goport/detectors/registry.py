"""The detector registry: an explicit tuple, in id order. A contract test keeps it complete and
equal to ``goport.detectors.RULE_IDS``."""

from __future__ import annotations

from goport.detectors import concurrency, cpu, dynamic, ecosystem, services
from goport.detectors.base import Detector

REGISTRY: tuple[type[Detector], ...] = (
    *cpu.DETECTORS,
    *concurrency.DETECTORS,
    *services.DETECTORS,
    *dynamic.DETECTORS,
    *ecosystem.DETECTORS,
)
