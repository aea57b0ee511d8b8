"""Parameter and return types written in docstrings: Sphinx (``:param int x:``, ``:type x:``,
``:rtype:``) and Google (``Args:`` / ``Returns:``) styles."""

from __future__ import annotations

import re

from goport.pytypes import UNKNOWN
from goport.pytypes import parse as parse_type

_SPHINX_PARAM = re.compile(
    r"^\s*:param\s+(?:(?P<type>[^:]+?)\s+)?(?P<name>\w+)\s*:\s*(?P<rest>.*)$"
)
_SPHINX_TYPE = re.compile(r"^\s*:type\s+(?P<name>\w+)\s*:\s*(?P<type>.+?)\s*$")
_SPHINX_RTYPE = re.compile(r"^\s*:rtype\s*:\s*(?P<type>.+?)\s*$")
_GOOGLE_PARAM = re.compile(r"^\s+(?P<name>\w+)\s*\((?P<type>[^)]+)\)\s*:")
_GOOGLE_RETURN = re.compile(r"^\s+(?P<type>[\w\[\], .|]+?)\s*:")
_TYPE_TEXT = re.compile(r"^[\w\[\], .|]+$")


def _type_text(text: str) -> str | None:
    """``text`` when it reads as a type (``int``, ``list[str]``, ``str, optional``)."""
    text = text.strip().rstrip(".")
    optional = text.endswith(", optional")
    if optional:
        text = text[: -len(", optional")].strip()
    if not text or not _TYPE_TEXT.match(text) or parse_type(text) == UNKNOWN:
        return None
    return f"{text} | None" if optional else text


def docstring_types(doc: str) -> tuple[dict[str, str], str | None]:
    """Parameter and return types a docstring states, Sphinx (``:param int x:``, ``:type x:``,
    ``:param x: int``) or Google style (``Args: x (int): ...``, ``Returns: int: ...``)."""
    params: dict[str, str] = {}
    returns: str | None = None
    section = ""
    for line in doc.splitlines():
        stripped = line.strip()
        if stripped in ("Args:", "Arguments:", "Parameters:", "Returns:", "Yields:", "Raises:"):
            section = stripped
            continue
        if m := _SPHINX_PARAM.match(line):
            text = _type_text(m["type"] or "") or _type_text(m["rest"])
            if text:
                params.setdefault(m["name"], text)
        elif m := _SPHINX_TYPE.match(line):
            if text := _type_text(m["type"]):
                params[m["name"]] = text
        elif m := _SPHINX_RTYPE.match(line):
            returns = _type_text(m["type"]) or returns
        elif section in ("Args:", "Arguments:", "Parameters:") and (m := _GOOGLE_PARAM.match(line)):
            if text := _type_text(m["type"]):
                params.setdefault(m["name"], text)
        elif section == "Returns:" and returns is None and (m := _GOOGLE_RETURN.match(line)):
            returns = _type_text(m["type"])
        elif stripped and not line.startswith((" ", "\t")):
            section = ""
    return params, returns
