"""``goport capture`` and ``goport shim``: what the Python code does today, held against Go.

- ``targets``: the boundary functions, from the plan's contracts;
- ``run``: runs the user's command with ``tracer`` injected (a temporary ``sitecustomize``);
- ``tracer`` and ``codec``: the tracer and the value encoding, copied into the user's Python;
- ``merge``: the processes' recordings -> golden case files, and the report;
- ``shim``: the Python module behind a switch and its parity test (``runtime`` and ``parity``
  are copied beside them).

These are the only commands, with ``goport profile``, that run the user's code, and only the
command the user gave.
"""
