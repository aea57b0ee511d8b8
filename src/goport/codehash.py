"""A fingerprint of each function's source, to tell whether profiled code has changed since.

``goport profile`` stores, beside the recording, the fingerprint of every function in the files
the recording ran; extraction stores the same fingerprint for every function of the tree. A
profiled frame is stale when its function's fingerprints differ, whatever the line numbers say
(an edit inside a function that keeps its lines is still a change; a function moved down by an
edit above it is not).

A function is named as goport names it (``Class.method``, ``outer.<locals>.inner``) and
fingerprinted from its ``def`` line to its last line, line endings and trailing blanks aside.
"""

from __future__ import annotations

import ast
import hashlib
import warnings
from collections.abc import Sequence

DIGEST_SIZE = 8


def body_hash(lines: Sequence[bytes], line: int, end_line: int) -> str:
    """Fingerprint of source lines ``line`` to ``end_line`` (1-based, inclusive)."""
    h = hashlib.blake2b(digest_size=DIGEST_SIZE)
    for text in lines[max(0, line - 1) : end_line]:
        h.update(text.rstrip() + b"\n")
    return h.hexdigest()


def function_hashes(data: bytes) -> dict[str, str]:
    """Qualified name -> fingerprint of every function in a module's source; empty when the
    source does not parse."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(data)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return {}
    lines = data.splitlines()
    out: dict[str, str] = {}
    todo: list[tuple[ast.AST, tuple[str, ...]]] = [(tree, ())]
    while todo:
        node, scopes = todo.pop()
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ClassDef):
                todo.append((child, (*scopes, child.name)))
            elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                name = (*scopes, child.name)
                out[".".join(name)] = body_hash(lines, child.lineno, child.end_lineno or 0)
                todo.append((child, (*name, "<locals>")))  # as Python's __qualname__
            else:
                todo.append((child, scopes))
    return out
