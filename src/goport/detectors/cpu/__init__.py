"""GP1xx: CPU-bound pure-Python work, which the GIL serialises and Go runs natively.

Most detectors here ask "does this run once per loop iteration?". The walker's own
``ctx.loop_depth`` answers that only roughly: it counts a ``for`` header (evaluated once) as inside
the loop, and a comprehension's element (evaluated every iteration) as outside it, because libcst
renders the element before the ``for`` clause. ``goport.walk.loops.Loops`` keeps the exact stack
once per file, ``_LoopWalker`` follows it with each rule's own per-loop counters, and
``_LoopStats`` aggregates them so a rule can report once per outermost qualifying loop without
re-walking any subtree.
"""

from __future__ import annotations

from goport.detectors.base import Detector, rules_in

#: one module per rule, in id order; each defines exactly one rule class
RULES = (
    "gp101_nested_loops",
    "gp102_arithmetic_loop",
    "gp103_recursion",
    "gp104_string_building_in_loop",
    "gp105_hand_written_parser",
    "gp106_pure_python_checksum",
    "gp107_regex_in_loop",
    "gp108_processes_for_the_gil",
    "gp109_binary_codec",
)

DETECTORS: tuple[type[Detector], ...] = rules_in(__name__, RULES)
