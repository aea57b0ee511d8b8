"""Names, string literals and comments from the scanned tree, made safe to put in Go source.

Every name in the generated code comes from a hostile tree: a function may be called ``type``,
``len`` or ``naïve``, two Python names may map to the same Go name, a module path may hold a
newline or ``*/``. ``Scope`` hands out valid, unique Go identifiers (never a keyword, never a
predeclared name for an unexported one); ``go_string`` writes any text as a Go string literal
the compiler reads back byte for byte; ``comment`` writes it as one inert comment line.
"""

from __future__ import annotations

import re

from goport.text import printable

#: Go's keywords: never an identifier
KEYWORDS = frozenset(
    """break case chan const continue default defer else fallthrough for func go goto if
    import interface map package range return select struct switch type var""".split()  # noqa: SIM905
)
#: predeclared identifiers: an unexported name must not shadow them
PREDECLARED = frozenset(
    """any append bool byte cap clear close comparable complex complex128 complex64 copy delete
    error false float32 float64 imag int int16 int32 int64 int8 iota len make max min new nil
    panic print println real recover rune string true uint uint16 uint32 uint64 uint8
    uintptr""".split()  # noqa: SIM905
)
#: the names of the packages the generated files import: a package-level or local name of the
#: port must not take them
IMPORTED = frozenset(
    """big bytes context errors filepath fmt json math os sort strconv strings sync
    testing""".split()  # noqa: SIM905
)
_NOT_IDENT = re.compile(r"[^A-Za-z0-9_]")
_WRAPPER = re.compile(r"[ar][0-9]+\Z")  # the dispatch wrappers' argument and result locals


def ascii_ident(name: str) -> str:
    """Letters, digits and underscores only: any other character as ``U`` and its code point."""
    out = _NOT_IDENT.sub(lambda m: f"U{ord(m.group()):04X}", name)
    return out if out and not out[0].isdigit() else "X" + out


def exported(name: str) -> str:
    """``name`` (already camel-cased or not) as an exported Go identifier."""
    out = ascii_ident(name)
    if out.startswith("_"):
        out = "X" + out.lstrip("_")
    return out[:1].upper() + out[1:]


def pascal(name: str) -> str:
    """``doc_id`` -> ``DocId``: an exported name from a Python one (case kept inside parts)."""
    parts = [p for p in ascii_ident(name).split("_") if p]
    return exported("".join(p[:1].upper() + p[1:] for p in parts) or "X")


def camel(name: str) -> str:
    """``max_tokens`` -> ``maxTokens``: a local (unexported) name as Go writes it."""
    parts = [p for p in ascii_ident(name).split("_") if p]
    if not parts:
        return "x"
    head = parts[0][:1].lower() + parts[0][1:]
    return head + "".join(p[:1].upper() + p[1:] for p in parts[1:])


def package_name(name: str) -> str:
    """A Go package (and folder) name: lower-case letters and digits, not a keyword, not
    ``main``, never a folder the go tool skips or treats specially, nor one the port's folder
    holds for capture (``golden``) or the shim (``python``)."""
    out = re.sub(r"[^a-z0-9]", "", ascii_ident(name).lower())
    if not out or out[0].isdigit():
        out = "p" + out
    if out in KEYWORDS | PREDECLARED | {
        "main",
        "cmd",
        "golden",
        "python",
        "testdata",
        "vendor",
        "internal",
    }:
        out += "pkg"
    return out


class Scope:
    """Unique identifiers within one Go scope (a package, a method set, a parameter list)."""

    def __init__(self, taken: frozenset[str] | set[str] = frozenset()) -> None:
        self.taken: set[str] = set(taken)

    def take(self, wanted: str, *, local: bool = False) -> str:
        """``wanted`` (a valid identifier) if free, else ``wanted2``, ``wanted3``...; ``local``
        (and unexported package-level) names also avoid Go's predeclared names and the packages
        the generated files import."""
        base = wanted if wanted and not wanted[0].isdigit() else "X" + wanted
        if base.startswith("goport"):  # the generated runtime's own unexported names
            base = "py" + base[:1].upper() + base[1:]
        if base in KEYWORDS or (local and (base in PREDECLARED | IMPORTED or _WRAPPER.match(base))):
            base += "_"
        name, n = base, 2
        while name in self.taken:
            name, n = f"{base}{n}", n + 1
        self.taken.add(name)
        return name


def go_string(text: str) -> str:
    """``text`` as a Go interpreted string literal. Printable ASCII stays as it is; everything
    else is escaped, so the source stays ASCII; a lone surrogate that stands for an undecodable
    byte (``surrogateescape``) is that byte again (``\\xNN``)."""
    out = ['"']
    for char in text:
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif 0x20 <= code < 0x7F:
            out.append(char)
        elif 0xDC80 <= code <= 0xDCFF:
            out.append(f"\\x{code - 0xDC00:02x}")
        elif 0xD800 <= code <= 0xDFFF:
            out.append("\\ufffd")  # a lone surrogate is no code point Go accepts
        elif code < 0x10000:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    out.append('"')
    return "".join(out)


def comment(text: str) -> str:
    """``text`` as the body of one ``//`` comment line: no line break or control character
    (escaped), and none of what gofmt would rewrite in a doc comment (doubled quotes)."""
    return printable(text).replace("``", "`").replace("''", "'")
