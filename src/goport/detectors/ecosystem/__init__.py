"""GP5xx: ecosystem ties - libraries a Go port cannot take along.

Numeric and dataframe stacks already run in C, ML frameworks have no Go training story, native
bindings are C ABI glue, and ORM models carry business rules in a Python library's semantics.
Most are reported once per import statement (at its line), naming the package; imports under
``if TYPE_CHECKING:`` are type-only and skipped.
"""

from __future__ import annotations

from goport.detectors.base import Detector, rules_in

#: one module per rule, in id order; each defines exactly one rule class
RULES = (
    "gp501_numeric_stack",
    "gp502_dataframes",
    "gp503_ml_frameworks",
    "gp504_native_bindings",
    "gp505_orm_business_logic",
)

DETECTORS: tuple[type[Detector], ...] = rules_in(__name__, RULES)
