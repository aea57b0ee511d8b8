"""GP104 string-building-in-loop: strings or byte buffers grown piece by piece in a loop."""

from __future__ import annotations

import libcst as cst

from goport.detectors.base import Detector, Match, NoMatch
from goport.detectors.cpu._loops import _LoopWalker
from goport.detectors.cpu._names import _TracksNames
from goport.detectors.cpu._shared import _TEXT_KINDS, _is_single_char, _key
from goport.model import Category, Trait


def _call_attr(call: cst.Call) -> str | None:
    return call.func.attr.value if isinstance(call.func, cst.Attribute) else None


class StringBuildingInLoop(_LoopWalker, _TracksNames, Detector):
    """Strings, bytes or bytearrays built piece by piece inside a loop.

    What it detects: ``s += ...`` or ``s = s + ...`` in a loop where ``s`` is known to hold str or
    bytes (annotated, or last assigned a string) or the added value is a string (literal,
    f-string, ``str()``/``chr()``, ``.join``/``.decode``/``.read``, a slice of a known string);
    ``buf.append``/``buf.extend``/``buf +=`` on a ``bytearray()``; and ``chars.append(c)`` of
    single characters to a list. One finding per variable per outermost loop.
    Why it matters for a Go port: repeated concatenation copies the string (quadratic in the
    worst case) and every per-character step is interpreted; in Go a ``strings.Builder`` or
    ``bytes.Buffer`` appends into one growing buffer at native speed.
    Go idiom: ``var b strings.Builder; b.WriteString(s); b.WriteByte(c)`` or ``bytes.Buffer``;
    ``append`` to a ``[]byte``.
    Known limits: types are inferred from local evidence only, so ``total += x`` on a number
    stays silent while ``acc += item`` on an un-annotated string parameter is missed.
    ``"".join(parts)`` after appending whole strings to a list is the idiomatic fix and does not
    match.
    """

    ID = "GP104"
    NAME = "string-building-in-loop"
    CATEGORY = Category.CPU
    WEIGHT = 1.5
    PYTHON = "s += ... / bytearray.append in loops"
    GO_IDIOM = "strings.Builder / bytes.Buffer, append to []byte"
    PYTHON_FIRST = (
        "build strings with a list and ''.join() (or io.StringIO) instead of += in a loop"
    )
    SUMMARY = "strings or byte buffers grown piece by piece in a loop"
    TRAITS = (Trait.CHEAP_FIX,)
    MATCHES = (
        Match(
            """
            def render(rows):
                out = ''
                for r in rows:
                    out += r.name
                return out
            """,
            line=4,
        ),
        Match(
            """
            def hexdump(data):
                s = ''
                for b in data:
                    s = s + f'{b:02x} '
                return s
            """,
            line=4,
        ),
        Match(
            """
            def unescape(src: bytes) -> bytes:
                buf = bytearray()
                i = 0
                while i < len(src):
                    buf.append(src[i])
                    i += 1
                return bytes(buf)
            """,
            line=5,
        ),
        Match(
            """
            def caesar(text: str, k: int) -> str:
                chars = []
                for c in text:
                    chars.append(chr((ord(c) + k) % 256))
                return ''.join(chars)
            """,
            line=4,
        ),
        Match(
            r"""
            def describe(errors):
                text = 'Errors:'
                for e in errors:
                    text += '\n - ' + str(e)
                return text
            """,
            line=4,
        ),
    )
    NO_MATCHES = (
        NoMatch(
            """
            def total(xs):
                total = 0
                for x in xs:
                    total += x
                return total
            """
        ),
        NoMatch(
            """
            def render(rows):
                parts = []
                for r in rows:
                    parts.append(r.name)
                return ''.join(parts)
            """
        ),
        NoMatch(
            """
            def f(items):
                acc = []
                for it in items:
                    acc += [it]
                return acc
            """
        ),
        NoMatch(
            """
            def f(name):
                s = 'x'
                s += name
                return s
            """
        ),
        NoMatch(
            """
            def f(xs):
                n = 0.0
                for x in xs:
                    n += x.weight * 2
                return n
            """
        ),
    )

    def _report_once(self, node: cst.CSTNode, key: str, message: str) -> None:
        loop = self.outermost()
        if loop is None or key in loop.seen:
            return
        loop.seen.add(key)
        self.report(node, message)

    def leave_AugAssign(self, node: cst.AugAssign) -> None:
        if not self.loops or not isinstance(node.operator, cst.AddAssign):
            return
        if self.innermost() is None:
            return
        key = _key(node.target)
        if key is None:
            return
        kind = self.kind_of(node.target)
        if kind == "bytearray":
            self._report_once(node, key, f"{key} += ... grows a bytearray inside a loop")
        elif kind in _TEXT_KINDS or (kind is None and self.is_text(node.value)):
            self._report_once(node, key, f"{key} += ... copies the whole string each iteration")

    def leave_Assign(self, node: cst.Assign) -> None:
        value = node.value
        if (
            self.loops
            and len(node.targets) == 1
            and isinstance(value, cst.BinaryOperation)
            and isinstance(value.operator, cst.Add)
            and self.innermost() is not None
        ):
            head: cst.BaseExpression = value
            while isinstance(head, cst.BinaryOperation) and isinstance(head.operator, cst.Add):
                head = head.left  # s = s + "/" + part
            key = _key(node.targets[0].target)
            if key is not None and key == _key(head):
                kind = self.kind_of(head)
                if kind in _TEXT_KINDS or (kind is None and self.is_text(value)):
                    self._report_once(
                        node, key, f"{key} = {key} + ... copies the whole string each iteration"
                    )
        super().leave_Assign(node)

    def _is_char(self, node: cst.BaseExpression) -> bool:
        if _is_single_char(node):
            return True
        if isinstance(node, cst.Call):
            return isinstance(node.func, cst.Name) and node.func.value == "chr"
        if isinstance(node, cst.Subscript) and len(node.slice) == 1:
            return isinstance(node.slice[0].slice, cst.Index) and self.kind_of(node.value) == "str"
        return False

    def leave_Call(self, node: cst.Call) -> None:
        if not self.loops:
            return
        attr = _call_attr(node)
        if attr not in ("append", "extend") or self.innermost() is None:
            return
        receiver = node.func.value if isinstance(node.func, cst.Attribute) else node.func
        key = _key(receiver)
        if key is None:
            return
        kind = self.kind_of(receiver)
        if kind == "bytearray":
            self._report_once(node, key, f"{key}.{attr} grows a bytearray inside a loop")
        elif (
            kind == "list"
            and attr == "append"
            and len(node.args) == 1
            and self._is_char(node.args[0].value)
        ):
            self._report_once(node, key, f"{key}.append builds a list of single characters")
