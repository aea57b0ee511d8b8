"""goport: which parts of a Python codebase to rewrite in Go first, why, and how."""

from __future__ import annotations

__version__ = "0.1.0"
SCHEMA_VERSION = 1
