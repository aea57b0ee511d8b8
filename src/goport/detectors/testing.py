"""Run detectors on a snippet: used by the examples test and handy when writing a detector."""

from __future__ import annotations

import libcst as cst

from goport.detectors.base import Detector
from goport.extract import digest_bytes, extract_module
from goport.model import Finding, SourceFile


def run(detector: type[Detector], source: str, module: str = "snippet") -> list[Finding]:
    """Findings of one detector on ``source`` (suppression comments are honoured)."""
    data = source.encode()
    tree = cst.parse_module(data)
    rel = module.replace(".", "/") + ".py"
    facts = extract_module(
        SourceFile(rel, rel, module), tree, data, digest_bytes(data), detectors=(detector,)
    )
    return [f for f in facts.findings if f.rule == detector.ID]
