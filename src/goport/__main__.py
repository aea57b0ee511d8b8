"""``python -m goport``."""

from __future__ import annotations

import os
import sys

# ``python -m goport`` puts the current folder first on sys.path; a scanned project's modules
# (say its own ``libcst.py``) must never be importable by goport, so take it off again.
if sys.path and sys.path[0] in ("", ".", os.getcwd()):
    del sys.path[0]

from goport.cli import main

if __name__ == "__main__":
    main()
