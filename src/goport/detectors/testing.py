"""Run detectors on a snippet: used by the examples test and handy when writing a detector."""

from __future__ import annotations

import libcst as cst

from goport.detectors.base import Detector
from goport.detectors.registry import REGISTRY
from goport.extract import digest_bytes, extract_module
from goport.model import Finding, SourceFile, Trait


def run(detector: type[Detector], source: str, module: str = "snippet") -> list[Finding]:
    """Findings of one detector on ``source`` (suppression comments are honoured)."""
    data = source.encode()
    tree = cst.parse_module(data)
    rel = module.replace(".", "/") + ".py"
    facts = extract_module(
        SourceFile(rel, rel, module), tree, data, digest_bytes(data), detectors=(detector,)
    )
    return [f for f in facts.findings if f.rule == detector.ID]


def traits_of(rule: str) -> tuple[Trait, ...]:
    """The traits a rule's findings carry: for tests that build findings by hand."""
    return next((d.TRAITS for d in REGISTRY if d.ID == rule), ())
