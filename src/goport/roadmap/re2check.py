"""Which parts of a Python regular expression Go's ``regexp`` (RE2 syntax) does not accept.

RE2 guarantees linear-time matching by leaving out everything that needs backtracking:
lookaround, backreferences, possessive and atomic groups, conditionals. A pattern that uses them
does not compile in Go, so the port has to restructure the match (two passes, a hand-written
scan, or capture-and-check). The pattern is scanned once, skipping escapes and character classes
(``[(?=]`` is three literal characters, not a lookahead), with ``re.VERBOSE`` whitespace and
comments dropped. When google-re2 (a goport dependency) is importable, a pattern with none of the
named constructs is also compiled by RE2 itself, which catches the rest (``\\Z``, ``\\u00e9``,
repeat counts over 1000) with RE2's own message.
"""

from __future__ import annotations

import importlib
import re
import warnings
from functools import cache
from typing import Any

#: ``(?`` prefixes RE2 rejects, longest first, with what they are
_GROUPS: tuple[tuple[str, str], ...] = (
    ("(?<=", "lookbehind (?<=...)"),
    ("(?<!", "negative lookbehind (?<!...)"),
    ("(?P=", "named backreference (?P=name)"),
    ("(?=", "lookahead (?=...)"),
    ("(?!", "negative lookahead (?!...)"),
    ("(?>", "atomic group (?>...)"),
    ("(?(", "conditional (?(group)yes|no)"),
)
_QUANTIFIERS = "*+?}"


def _skip_class(pattern: str, i: int) -> int:
    """Index just past the character class that starts at ``pattern[i] == '['``."""
    j = i + 1
    if j < len(pattern) and pattern[j] == "^":
        j += 1
    if j < len(pattern) and pattern[j] == "]":
        j += 1  # a leading ']' is literal
    while j < len(pattern) and pattern[j] != "]":
        j += 2 if pattern[j] == "\\" else 1
    return j + 1


def _skip_comment(pattern: str, i: int) -> int:
    end = pattern.find("\n", i)
    return len(pattern) if end < 0 else end + 1


def _inline_verbose(pattern: str) -> bool:
    """``(?x)`` (possibly with other flags) at the start of the pattern."""
    if not pattern.startswith("(?"):
        return False
    end = pattern.find(")")
    flags = pattern[2:end] if end > 0 else ""
    return flags.isalpha() and "x" in flags


def unsupported(pattern: str, verbose: bool = False) -> tuple[str, ...]:
    """The RE2-unsupported constructs ``pattern`` uses, each named once, in order of first use."""
    verbose = verbose or _inline_verbose(pattern)
    found: list[str] = []
    kept: list[str] = []  # the pattern without verbose whitespace/comments, for RE2
    i, n = 0, len(pattern)
    while i < n:
        char = pattern[i]
        if char == "\\" and i + 1 < n:
            nxt = pattern[i + 1]
            if nxt.isdigit() and nxt != "0":
                found.append("backreference \\" + nxt)
            kept.append(pattern[i : i + 2])
            i += 2
            continue
        if char == "[":
            end = _skip_class(pattern, i)
            kept.append(pattern[i:end])
            i = end
            continue
        if verbose and char.isspace():
            i += 1
            continue
        if verbose and char == "#":
            i = _skip_comment(pattern, i)
            continue
        if char == "(":
            found.extend(name for prefix, name in _GROUPS if pattern.startswith(prefix, i))
        elif (
            char == "+"
            and i > 0
            and pattern[i - 1] in _QUANTIFIERS
            and not _escaped(pattern, i - 1)
        ):
            found.append("possessive quantifier " + pattern[i - 1 : i + 1])
        kept.append(char)
        i += 1
    if found:
        return tuple(dict.fromkeys(found))
    if verbose:
        return ()  # RE2 has no (?x): only the named constructs are checked
    message = _re2_rejects("".join(kept))
    return (message,) if message and _python_accepts(pattern) else ()


def _escaped(pattern: str, i: int) -> bool:
    """Whether ``pattern[i]`` is escaped by an odd run of backslashes."""
    count = 0
    while i - 1 - count >= 0 and pattern[i - 1 - count] == "\\":
        count += 1
    return count % 2 == 1


def _python_accepts(pattern: str) -> bool:
    """A pattern Python rejects too is a bug in the code, not a difference from Go."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            re.compile(pattern)
    except (re.error, ValueError, TypeError, OverflowError, RecursionError):
        return False
    return True


@cache
def _re2() -> tuple[Any, Any] | None:
    """(re2 module, options that keep RE2 from logging to stderr), or None without google-re2."""
    try:
        module = importlib.import_module("re2")
    except ImportError:
        return None
    options = module.Options()
    options.log_errors = False
    return module, options


def _re2_rejects(pattern: str) -> str | None:
    """RE2's reason for rejecting ``pattern``, or None when it compiles (or RE2 is missing)."""
    backend = _re2()
    if backend is None:
        return None
    module, options = backend
    try:
        module.compile(pattern, options=options)
    except module.error as error:
        reason = error.args[0] if error.args else "rejected"
        text = reason.decode("utf-8", "replace") if isinstance(reason, bytes) else str(reason)
        return "RE2 rejects it: " + text
    except (TypeError, ValueError, OverflowError):
        return None
    return None
