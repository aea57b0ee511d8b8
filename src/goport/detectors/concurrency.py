"""Detectors of the concurrency family."""

from __future__ import annotations

from goport.detectors.base import Detector

DETECTORS: tuple[type[Detector], ...] = ()
