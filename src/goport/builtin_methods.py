"""Names of the builtin types' methods, apart from the walk so the project stage can read them
without importing libcst (a warm scan never parses)."""

from __future__ import annotations

__all__ = ["BUILTIN_METHODS"]

#: methods of the builtin types: ``.m()`` on a receiver of unknown type with one of these names
#: is most likely a str, list or dict call, so it is not matched to project methods by name
BUILTIN_METHODS = frozenset(
    [
        name
        for kind in (str, bytes, bytearray, list, tuple, dict, set, frozenset, int, float, object)
        for name in dir(kind)
    ]
    # what a compiled pattern and a match object are called for, far more often than a project
    # method of that name (start, end and span are left: servers and ranges have them too)
    + ["match", "search", "fullmatch", "finditer", "findall", "sub", "subn"]
    + ["group", "groups", "groupdict"]
)
