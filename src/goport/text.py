"""Making strings from the scanned tree safe to show.

A file name, a ``keep-python[...]`` reason or a string literal can hold ESC and OSC sequences
(clear the screen, set the window title, plant a link), carriage returns that overwrite what a
line said, or Unicode bidi controls that reorder it. ``printable`` shows every such character
escaped, the way Python's ``repr`` would, so the text is seen rather than obeyed. Bytes that were
not valid UTF-8 in a file name (kept by Python as lone surrogates) are shown as ``\\xNN``.
"""

from __future__ import annotations

import re

#: C0 and C1 controls, DEL, bidi and other invisible format controls, line/paragraph separators,
#: and lone surrogates (undecodable bytes in file names)
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069"
    "\ufeff\ufff9-\ufffb\ud800-\udfff]"
)


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # surrogateescape: the original byte
        return f"\\x{code - 0xDC00:02x}"
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with every control, bidi or invisible format character shown escaped."""
    if _UNSAFE.search(text) is None:
        return text
    return _UNSAFE.sub(_escape, text)

