"""Detectors of the services family."""

from __future__ import annotations

from goport.detectors.base import Detector

DETECTORS: tuple[type[Detector], ...] = ()
