"""Semantic risks of a port. Skeleton: the risks helper replaces this module."""

from __future__ import annotations

from goport.roadmap.model import Risk


def semantic_risks(source: bytes, rel_path: str) -> tuple[Risk, ...]:
    """The semantic differences between this module's Python and Go that a port must handle."""
    return ()
