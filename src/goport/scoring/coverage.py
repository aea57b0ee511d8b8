"""What the run's profiles say about a module."""

from __future__ import annotations

from enum import Enum


class Coverage(Enum):
    NO_PROFILE = "no-profile"
    RUN = "run"  # samples in this module
    NOT_COVERED = "not-covered"  # no samples anywhere in its package: no measurement
    NOT_RUN = "not-run"  # its package ran, this module did not

    @property
    def tier(self) -> int:
        """Ranking tier: measured modules first, modules the workload never ran last."""
        return {"no-profile": 0, "run": 0, "not-covered": 1, "not-run": 2}[self.value]
