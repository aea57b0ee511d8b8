"""Making strings from the scanned tree safe to show.

A file name, a ``keep-python[...]`` reason or a string literal can hold ESC and OSC sequences
(clear the screen, set the window title, plant a link), carriage returns that overwrite what a
line said, or Unicode bidi controls that reorder it. ``printable`` shows every such character
escaped, the way Python's ``repr`` would, so the text is seen rather than obeyed. Bytes that were
not valid UTF-8 in a file name (kept by Python as lone surrogates) are shown as ``\\xNN``.
"""

from __future__ import annotations

import re
import unicodedata

#: C0 and C1 controls, DEL, bidi and other invisible format controls, line/paragraph separators,
#: and lone surrogates (undecodable bytes in file names): the body of a regex character class
UNSAFE_CHARS = (
    "\x00-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069"
    "\ufeff\ufff9-\ufffb\ud800-\udfff"
)
_UNSAFE = re.compile(f"[{UNSAFE_CHARS}]")


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


# -- CI log lines --------------------------------------------------------------------------------
#
# The GitHub Actions runner reads every line a step prints for workflow commands: a line whose
# first non-whitespace text is ``::`` (``::add-mask::``, ``::stop-commands::``, ``::error``) and
# the legacy ``##[name]`` form anywhere in a line. It compares with .NET's culture-sensitive
# ``StartsWith``/``IndexOf``, which on Linux (ICU) skip "ignorable" characters such as U+200B,
# variation selectors or a soft hyphen: inserting an invisible character would not stop
# ``#<U+200B>#[`` from matching ``##[``. So the neutraliser shows one character of the pattern
# escaped, visibly and the way ``printable`` shows other characters (``\x3a`` for ``:``, ``\x23``
# for ``#``), and looks through any ignorable (control, format or combining) character when it
# decides whether a pattern is there. A ``::`` later in a line is not a command: v2 commands
# must start the line.

_CSI = re.compile(r"\x1b\[[0-9;:?]*[ -/]*[@-~]")


def _ignorable(char: str) -> bool:
    """A character a culture-sensitive comparison may skip (or that a terminal does not show)."""
    return unicodedata.category(char) in ("Cc", "Cf", "Mn", "Me", "Cs", "Co") or char in (
        "\u115f\u1160\u3164\uffa0"  # Hangul fillers: default-ignorable letters
    )


#: ``#``, ``#``, ``[`` with anything but printable ASCII between them (ignorable characters are
#: never ASCII-printable); ``break_legacy`` then checks that what lies between is ignorable
_LEGACY = re.compile(r"(#[^\x20-\x7e]*)#(?=([^\x20-\x7e]*)\[)")


def break_legacy(text: str, hash_escape: str = "\\x23") -> str:
    """``text`` with the second ``#`` of every ``##[`` (ignorable characters between them
    included) written as ``hash_escape``. ``\\u0023`` keeps a JSON string's value exact."""
    if "#" not in text:
        return text

    def hit(match: re.Match[str]) -> str:
        between = match.group(1)[1:] + match.group(2)
        if all(_ignorable(char) for char in between):
            return match.group(1) + hash_escape
        return match.group()

    return _LEGACY.sub(hit, text)


def _command_start(line: str) -> int | None:
    """The index of the ``:`` that would open a v2 command (whitespace, ignorable characters and
    colour codes before it skipped), or None."""
    i, n = 0, len(line)
    while i < n:
        csi = _CSI.match(line, i)
        if csi is not None:
            i = csi.end()
        elif line[i].isspace() or _ignorable(line[i]):
            i += 1
        else:
            break
    if i >= n or line[i] != ":":
        return None
    rest = (char for char in line[i + 1 :] if not _ignorable(char))
    return i if next(rest, "") == ":" else None


def inert(line: str) -> str:
    """One line (no line break in it) that a CI runner cannot read as a workflow command: a
    leading ``::`` shown as ``\\x3a:``, every ``##[`` as ``#\\x23[``. Use it after ``printable``
    (which would escape the backslashes of neither) on every line a person reads in a CI log."""
    line = break_legacy(line)
    start = _command_start(line)
    if start is None:
        return line
    return line[:start] + "\\x3a" + line[start + 1 :]


def inert_lines(text: str) -> str:
    """``inert`` on every line of ``text`` (line breaks kept)."""
    return "\n".join(inert(line) for line in text.split("\n"))
