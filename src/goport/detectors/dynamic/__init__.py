"""GP4xx: blockers - dynamic Python that has no static Go equivalent.

eval/exec, computed attribute access, metaclasses, monkeypatching, dynamic imports and pickle
all decide at run time what code runs or what shape data has. A Go port has to replace each with
an explicit design (a registry, an interface, a schema), so they raise the cost of a port.
"""

from __future__ import annotations

from goport.detectors.base import Detector, rules_in

#: one module per rule, in id order; each defines exactly one rule class
RULES = (
    "gp401_eval_exec",
    "gp402_dynamic_attributes",
    "gp403_metaclass",
    "gp404_monkeypatching",
    "gp405_dynamic_import",
    "gp406_pickle_serialisation",
)

DETECTORS: tuple[type[Detector], ...] = rules_in(__name__, RULES)
