"""``goport plan``: an ordered migration roadmap with boundary contracts, expected gain and risks.

- ``model``: the values a plan is made of (steps, contracts, risks, gains, seams);
- ``roadmap``: waves in dependency order from the import graph, cycles and git co-change;
- ``contracts``: the boundary of a step as a ``.proto``, a JSON Schema or a Go API sketch;
- ``risks``: semantic differences between the module's Python and Go that a port must handle.
"""
