"""GP105 hand-written-parser: hand-written character scanner with index arithmetic."""

from __future__ import annotations

import libcst as cst

from goport.detectors.base import Detector, Match, NoMatch
from goport.detectors.cpu._loops import _Loop, _LoopStats
from goport.detectors.cpu._names import _TracksNames
from goport.detectors.cpu._shared import _BINARY_KINDS, _TEXT_KINDS, _is_single_char, _key
from goport.detectors.syntax import int_value
from goport.model import Category

_CHAR_METHODS = frozenset(
    {
        "isdigit", "isalpha", "isalnum", "isspace", "isupper", "islower", "isdecimal",
        "isnumeric", "isidentifier", "isprintable", "isascii",
    }
)  # fmt: skip

_CHAR_SETS = frozenset(
    {
        "string.digits", "string.hexdigits", "string.octdigits", "string.whitespace",
        "string.ascii_letters", "string.ascii_lowercase", "string.ascii_uppercase",
        "string.punctuation", "string.printable",
    }
)  # fmt: skip

_CHAR_SIGNALS = ("char-iter", "str-index", "ord/chr", "char-class", "char-set", "char-compare")

# A scanner walks a string and inspects characters. Iterating a string with ord() alone is a
# transform or a hash; comparing with one-character strings alone is ordinary branching.
_WALKS = frozenset(
    {"while-len", "index-loop", "index-bump", "char-iter", "str-index", "byte-index"}
)

_CHAR_TESTS = frozenset({"str-index", "char-class", "char-set", "char-compare"})

_INDEX_SIGNALS = ("while-len", "index-loop", "index-bump", "byte-index")

_SIGNAL_TEXT = {
    "while-len": "while i < len(...)",
    "index-loop": "for i in range(len(...))",
    "index-bump": "an index advanced by +=",
    "char-iter": "iteration over a string",
    "str-index": "string subscripts",
    "byte-index": "bytes subscripts",
    "ord/chr": "ord()/chr()",
    "char-class": "char-class tests",
    "char-set": '`c in "..."` tests',
    "char-compare": "single-character comparisons",
}


def _holds_char(node: cst.BaseExpression) -> bool:
    """``c``, ``s[i]``, ``peek()`` or ``self.ch``: not ``tok.kind``, which is a token's field."""
    if isinstance(node, (cst.Name, cst.Subscript, cst.Call)):
        return True
    return (
        isinstance(node, cst.Attribute)
        and isinstance(node.value, cst.Name)
        and node.value.value == "self"
    )


def _mentions_len(node: cst.BaseExpression) -> bool:
    if isinstance(node, cst.Call):
        return isinstance(node.func, cst.Name) and node.func.value == "len"
    if isinstance(node, cst.BinaryOperation):
        return _mentions_len(node.left) or _mentions_len(node.right)
    return False


def _is_len_bound(test: cst.BaseExpression, depth: int = 0) -> bool:
    """``i < len(s)``, possibly inside ``and``/``or`` (bounded)."""
    if isinstance(test, cst.BooleanOperation) and depth < 4:
        return _is_len_bound(test.left, depth + 1) or _is_len_bound(test.right, depth + 1)
    if isinstance(test, cst.Comparison) and _key(test.left) is not None:
        for target in test.comparisons:
            if isinstance(
                target.operator, (cst.LessThan, cst.LessThanEqual, cst.NotEqual)
            ) and _mentions_len(target.comparator):
                return True
    return False


class HandWrittenParser(_LoopStats, _TracksNames, Detector):
    """Character-by-character scanning of str/bytes with index arithmetic.

    What it detects: a loop that both walks a string - ``while i < len(s)``,
    ``for i in range(len(s))``, a subscript index also advanced with ``i += n``, iteration over
    or subscripts of a known str/bytes - and tests characters - char-class tests like
    ``c.isdigit()``, ``c in "0123456789"``, single-character comparisons, subscripts of a known
    str (an item of bytes is an int, not a character) - with at least two kinds of evidence
    (``ord()``/``chr()`` adds one). Reported once per outermost such loop.
    Why it matters for a Go port: hand-written tokenizers and parsers spend their time in
    interpreted per-character steps; the same scanner over a Go ``[]byte`` or ``string`` runs
    one to two orders of magnitude faster and needs no regex fallback.
    Go idiom: a scanner struct over ``[]byte`` with a ``pos int``; ``utf8.DecodeRune``,
    ``unicode.IsDigit``, ``strings.IndexByte``; ``text/scanner`` or a generated lexer.
    Known limits: str/bytes are known only from annotations and assignments, so a walk over an
    un-annotated parameter needs an index signal; a walk over a list of one-letter strings can
    match, and a byte parser comparing ints (``b == 0x0A``) is GP109's (binary codec) if it
    does bit work, else missed.
    """

    ID = "GP105"
    NAME = "hand-written-parser"
    CATEGORY = Category.CPU
    WEIGHT = 2.0
    PYTHON = "character-by-character tokenizers and parsers"
    GO_IDIOM = "a scanner over []byte with a pos index, unicode/utf8 helpers"
    SUMMARY = "hand-written character scanner with index arithmetic"
    MATCHES = (
        Match(
            """
            def numbers(src):
                i, out = 0, []
                while i < len(src):
                    if src[i].isdigit():
                        j = i
                        while j < len(src) and src[j].isdigit():
                            j += 1
                        out.append(int(src[i:j]))
                        i = j
                    else:
                        i += 1
                return out
            """,
            line=3,
        ),
        Match(
            r"""
            def count_words(text: str) -> int:
                n, inside = 0, False
                for ch in text:
                    if ch in ' \t\n':
                        inside = False
                    elif not inside:
                        inside, n = True, n + 1
                return n
            """,
            line=3,
        ),
        Match(
            """
            class Lexer:
                def __init__(self, text: str):
                    self.text = text
                    self.pos = 0
                def skip(self):
                    while self.pos < len(self.text) and self.text[self.pos] == ' ':
                        self.pos += 1
            """,
            line=6,
        ),
    )
    NO_MATCHES = (
        NoMatch(
            """
            def djb2(s: str) -> int:
                h = 5381
                for c in s:
                    h = (h * 33 + ord(c)) & 0xFFFFFFFF
                return h
            """
        ),
        NoMatch(
            """
            def total(arr):
                i, t = 0, 0
                while i < len(arr):
                    t += arr[i]
                    i += 1
                return t
            """
        ),
        NoMatch(
            """
            def digits(words):
                return [w for w in words if w.isdigit()]
            """
        ),
        NoMatch(
            """
            def f(lines):
                for line in lines:
                    if line.startswith('#'):
                        continue
                    print(line.split(','))
            """
        ),
        NoMatch(
            """
            def f(opts):
                for key in opts:
                    if key == 'v':
                        print(key)
            """
        ),
    )

    def loop_started(self, loop: _Loop) -> None:
        node = loop.node
        if isinstance(node, cst.While):
            if _is_len_bound(node.test):
                loop.stats.signals.add("while-len")
        elif isinstance(node, cst.For):
            it = node.iter
            if self.kind_of(it) in _TEXT_KINDS:
                loop.stats.signals.add("char-iter")
            elif (
                isinstance(it, cst.Call)
                and isinstance(it.func, cst.Name)
                and it.func.value == "range"
                and any(_mentions_len(a.value) for a in it.args)
            ):
                loop.stats.signals.add("index-loop")
        elif loop.fors and self.kind_of(loop.fors[0].iter) in _TEXT_KINDS:
            loop.stats.signals.add("char-iter")

    def judge(self, loop: _Loop) -> tuple[str, float] | None:
        stats = loop.stats
        if stats.indexes & stats.bumped:
            stats.signals.add("index-bump")
        signals = stats.signals
        if len(signals) < 2 or not signals & _WALKS or not signals & _CHAR_TESTS:
            return None
        order = [s for s in (*_INDEX_SIGNALS, *_CHAR_SIGNALS) if s in signals]
        return "hand-written scanner: " + ", ".join(_SIGNAL_TEXT[s] for s in order), self.WEIGHT

    def _signal(self, name: str) -> None:
        loop = self.innermost()
        if loop is not None:
            loop.stats.signals.add(name)

    def leave_Subscript(self, node: cst.Subscript) -> None:
        if not self.loops or len(node.slice) != 1:
            return
        loop = self.innermost()
        if loop is None:
            return
        part = node.slice[0].slice
        bounds: tuple[cst.BaseExpression | None, ...]
        if isinstance(part, cst.Index):
            bounds = (part.value,)
        elif isinstance(part, cst.Slice):
            bounds = (part.lower, part.upper)
        else:
            return
        used = False
        for bound in bounds:
            if isinstance(bound, cst.BinaryOperation):
                bound = bound.left
            key = _key(bound) if bound is not None else None
            if key is not None:
                loop.stats.indexes.add(key)
                used = True
        kind = self.kind_of(node.value) if used else None
        if kind == "str":
            loop.stats.signals.add("str-index")
        elif kind in _BINARY_KINDS:
            loop.stats.signals.add("byte-index")  # a walk; its items are ints, not characters

    def leave_AugAssign(self, node: cst.AugAssign) -> None:
        if self.loops and isinstance(node.operator, cst.AddAssign):
            key = _key(node.target)
            loop = self.innermost()
            if key is not None and loop is not None and int_value(node.value) is not None:
                loop.stats.bumped.add(key)

    def leave_Assign(self, node: cst.Assign) -> None:
        value = node.value
        if (
            self.loops
            and len(node.targets) == 1
            and isinstance(value, cst.BinaryOperation)
            and isinstance(value.operator, cst.Add)
            and int_value(value.right) is not None
        ):
            key = _key(node.targets[0].target)
            loop = self.innermost()
            if key is not None and loop is not None and key == _key(value.left):
                loop.stats.bumped.add(key)  # i = i + 1
        super().leave_Assign(node)

    def leave_Call(self, node: cst.Call) -> None:
        if not self.loops:
            return
        func = node.func
        if isinstance(func, cst.Name):
            if func.value in ("ord", "chr"):
                self._signal("ord/chr")
        elif isinstance(func, cst.Attribute) and func.attr.value in _CHAR_METHODS and not node.args:
            self._signal("char-class")

    def _is_char_set(self, node: cst.BaseExpression) -> bool:
        if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
            return True
        if isinstance(node, (cst.Tuple, cst.Set, cst.List)):
            return bool(node.elements) and all(_is_single_char(e.value) for e in node.elements)
        if isinstance(node, (cst.Name, cst.Attribute)):
            return self.ctx.resolve(node) in _CHAR_SETS or self.kind_of(node) in _TEXT_KINDS
        return False

    def leave_Comparison(self, node: cst.Comparison) -> None:
        if not self.loops:
            return
        left = node.left
        for target in node.comparisons:
            op, right = target.operator, target.comparator
            if isinstance(op, (cst.In, cst.NotIn)):
                if _holds_char(left) and self._is_char_set(right):
                    self._signal("char-set")
            elif not isinstance(op, (cst.Is, cst.IsNot)) and (
                (_is_single_char(right) and _holds_char(left))
                or (_is_single_char(left) and _holds_char(right))
            ):
                self._signal("char-compare")
            left = target.comparator
