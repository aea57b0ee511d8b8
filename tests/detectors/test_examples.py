"""Every detector's MATCHES fire at their expected line and NO_MATCHES stay silent; ids and the
registry agree."""

from __future__ import annotations

import re

import pytest

from goport.detectors.base import Detector, Match, NoMatch
from goport.detectors.registry import REGISTRY
from goport.detectors.testing import run
from goport.model import Category

CASES = [
    pytest.param(det, example, id=f"{det.ID}-match-{i}")
    for det in REGISTRY
    for i, example in enumerate(det.MATCHES)
] + [
    pytest.param(det, example, id=f"{det.ID}-nomatch-{i}")
    for det in REGISTRY
    for i, example in enumerate(det.NO_MATCHES)
]


@pytest.mark.parametrize(("detector", "example"), CASES)
def test_example(detector: type[Detector], example: Match | NoMatch) -> None:
    findings = run(detector, example.code)
    if isinstance(example, Match):
        assert findings, f"{detector.ID} did not fire on:\n{example.code}"
        first = min(f.span.line for f in findings)
        assert first == example.line, (
            f"{detector.ID} fired first at line {first}, not {example.line}"
        )
        assert all(set(f.traits) <= set(detector.TRAITS) for f in findings)  # scoring reads
    else:
        assert not findings, f"{detector.ID} fired on:\n{example.code}\n{findings}"


def test_examples_are_dedented() -> None:
    """Examples are written as indented triple-quoted blocks; what runs is the dedented code."""
    example = Match(
        """
        def f(rows):
            for r in rows:
                pass
        """,
        line=2,
    )
    assert example.code == "def f(rows):\n    for r in rows:\n        pass\n"


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
            if (
                issubclass(obj, Detector)
                and obj is not Detector
                and "ID" in vars(obj)
                and obj.__module__ == mod.__name__
            ):
                found.add(obj)
    assert found == set(REGISTRY)
