"""A step's boundary as a contract file. Skeleton: the contracts helper replaces this module."""

from __future__ import annotations

from collections.abc import Mapping

from goport.model import Boundary, ModuleFacts, Strategy
from goport.roadmap.model import Contract


def contract_for(
    facts: ModuleFacts,
    boundary: Boundary,
    strategy: Strategy,
    source: bytes,
    callers: Mapping[str, bytes],
) -> Contract | None:
    """The contract of one module that moves (``callers``: rel path -> source of the modules
    that import it, for call-site types and chattiness); None for strategies that do not move."""
    return None
