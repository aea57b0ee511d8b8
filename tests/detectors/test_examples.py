"""Every detector's MATCHES must fire and NO_MATCHES must not; ids and the registry agree."""

from __future__ import annotations

import re

import pytest

from goport.detectors.base import Detector
from goport.detectors.registry import REGISTRY
from goport.detectors.testing import run
from goport.model import Category

CASES = [
    pytest.param(det, src, True, id=f"{det.ID}-match-{i}")
    for det in REGISTRY
    for i, src in enumerate(det.MATCHES)
] + [
    pytest.param(det, src, False, id=f"{det.ID}-nomatch-{i}")
    for det in REGISTRY
    for i, src in enumerate(det.NO_MATCHES)
]


@pytest.mark.parametrize(("detector", "source", "should_match"), CASES)
def test_example(detector: type[Detector], source: str, should_match: bool) -> None:
    findings = run(detector, source)
    if should_match:
        assert findings, f"{detector.ID} did not fire on:\n{source}"
        assert all(set(f.traits) <= set(detector.TRAITS) for f in findings)  # scoring reads
    else:
        assert not findings, f"{detector.ID} fired on:\n{source}\n{findings}"


FAMILY = {
    "1": Category.CPU,
    "2": Category.CONCURRENCY,
    "3": Category.SERVICE,
    "4": Category.BLOCKER,
    "5": Category.ECOSYSTEM,
}


def test_ids_unique_and_sorted() -> None:
    ids = [d.ID for d in REGISTRY]
    assert len(ids) == len(set(ids))
    assert ids == sorted(ids)
    assert len({d.NAME for d in REGISTRY}) == len(ids)


@pytest.mark.parametrize("detector", REGISTRY, ids=lambda d: d.ID)
def test_contract(detector: type[Detector]) -> None:
    assert re.fullmatch(r"GP[1-9]\d\d", detector.ID)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", detector.NAME)
    assert FAMILY[detector.ID[2]] is detector.CATEGORY
    assert detector.WEIGHT > 0
    assert detector.GO_IDIOM and detector.PYTHON and detector.SUMMARY
    assert detector.MATCHES and detector.NO_MATCHES
    doc = detector.__doc__ or ""
    for section in ("What it detects", "Why it matters for a Go port", "Go idiom", "Known limits"):
        assert section in doc, f"{detector.ID} docstring lacks '{section}'"


def test_every_detector_module_is_registered() -> None:
    import importlib
    import inspect
    import pkgutil

    import goport.detectors as pkg

    found = set()
    for info in pkgutil.walk_packages(pkg.__path__, prefix="goport.detectors."):
        mod = importlib.import_module(info.name)
        for _, obj in inspect.getmembers(mod, inspect.isclass):
            if issubclass(obj, Detector) and obj is not Detector and obj.__module__ == mod.__name__:
                found.add(obj)
    assert found == set(REGISTRY)
