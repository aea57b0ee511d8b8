"""``goport scaffold``: a Go module from a step of the plan, built to be proven against the
Python code (golden cases, the call protocol of the Python shim)."""
