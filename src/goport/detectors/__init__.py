"""Detectors: one package per family (cpu, concurrency, services, dynamic, ecosystem), one module
per rule (``cpu/gp107_regex_in_loop.py``); each family's ``RULES`` lists its rule modules.

Importing this package is free: the rule classes, and libcst with them, load from
``goport.detectors.registry``. ``RULE_IDS`` and ``FAMILIES`` let a run validate and explain
``--select``/``--ignore`` without loading them; contract tests keep them equal to the registry.
"""

from __future__ import annotations

RULE_IDS: tuple[str, ...] = (
    "GP101", "GP102", "GP103", "GP104", "GP105", "GP106", "GP107", "GP108", "GP109",
    "GP201", "GP202", "GP203", "GP204", "GP205", "GP206", "GP207", "GP208", "GP209",
    "GP301", "GP302", "GP303", "GP304", "GP305", "GP306", "GP307", "GP308",
    "GP401", "GP402", "GP403", "GP404", "GP405", "GP406",
    "GP501", "GP502", "GP503", "GP504", "GP505",
)  # fmt: skip

#: the id prefix of each family, with the category its rules report
FAMILIES: tuple[tuple[str, str], ...] = (
    ("GP1", "cpu"),
    ("GP2", "concurrency"),
    ("GP3", "service"),
    ("GP4", "blocker"),
    ("GP5", "ecosystem"),
)
