"""GP107 regex-in-loop: regular expressions run once per loop iteration."""

from __future__ import annotations

import libcst as cst

from goport.detectors.base import Detector, Match, NoMatch
from goport.detectors.cpu._loops import _LoopWalker
from goport.detectors.cpu._names import _TracksNames
from goport.detectors.cpu._shared import _TEXT_KINDS, _key
from goport.detectors.syntax import alias_tail
from goport.model import Category, Trait

_RE_FUNCS = frozenset(
    {"match", "search", "sub", "subn", "findall", "finditer", "split", "fullmatch", "compile"}
)

_PATTERN_SUFFIXES = ("_re", "_regex", "_rx", "_pattern", "_pat")

_PATTERN_NAMES = frozenset({"re", "regex", "rx", "pattern", "pat", "regexp"})


class RegexInLoop(_LoopWalker, _TracksNames, Detector):
    """Regular expressions evaluated inside a loop.

    What it detects: ``re.match/search/sub/subn/findall/finditer/split/fullmatch/compile`` (also
    the ``regex`` module) called in a loop, and the same methods on a compiled pattern (a name
    assigned from ``re.compile`` or named like ``WORD_RE``/``pattern``). A literal or f-string
    pattern passed to a module-level function weighs more: it is looked up in (or added to) the
    pattern cache every iteration. A loop's own iterable (``for m in P.finditer(s)``) runs once
    and does not count.
    Why it matters for a Go port: regex-heavy loops are often tokenizers or log parsers in
    disguise; Go's ``regexp`` is linear-time (RE2) and the surrounding loop compiles, and a
    hand-written scanner often replaces the regex entirely.
    Go idiom: ``var wordRE = regexp.MustCompile(...)`` at package level, ``FindAllStringSubmatch``
    outside the loop, or a ``bufio.Scanner``/byte scanner.
    Known limits: a compiled pattern is recognised only by assignment in the same module or by its
    name; RE2 lacks backreferences and lookaround, so some patterns need rewriting. Only calls
    that pass the pattern every iteration have the cheap fix (``cheap-fix``); a compiled
    pattern's findings do not carry it.
    """

    ID = "GP107"
    NAME = "regex-in-loop"
    CATEGORY = Category.CPU
    WEIGHT = 1.0
    PYTHON = "re.match/search/sub/findall in loops"
    GO_IDIOM = "package-level regexp.MustCompile, or a byte scanner"
    PYTHON_FIRST = "compile regular expressions once, outside the loop (re.compile at module level)"
    SUMMARY = "regular expressions run once per loop iteration"
    TRAITS = (Trait.CHEAP_FIX,)
    MATCHES = (
        Match(
            r"""
            import re
            def f(lines):
                for line in lines:
                    if re.match(r'\d+:', line):
                        print(line)
            """,
            line=4,
        ),
        Match(
            r"""
            import re
            WORD = re.compile(r'\w+')
            def f(lines):
                return [WORD.findall(l) for l in lines]
            """,
            line=4,
        ),
        Match(
            r"""
            import re as regex_mod
            def f(rows, key):
                for r in rows:
                    r.text = regex_mod.sub(f'{key}=\\S+', '', r.text)
            """,
            line=4,
        ),
        Match(
            """
            from re import search
            def f(lines):
                i = 0
                while i < len(lines):
                    if search('ERROR', lines[i]):
                        break
                    i += 1
            """,
            line=5,
        ),
    )
    NO_MATCHES = (
        NoMatch(
            r"""
            import re
            def f(text):
                for m in re.finditer(r'\w+', text):
                    print(m.group())
            """
        ),
        NoMatch(
            """
            def f(lines):
                for line in lines:
                    print(line.split(','))
            """
        ),
        NoMatch(
            r"""
            import re
            NUM = re.compile(r'\d+')
            def f(text):
                found = NUM.findall(text)
                for n in found:
                    print(n)
            """
        ),
        NoMatch(
            """
            import re
            def f(text):
                return [m.group(0) for m in re.finditer('a', text)]
            """
        ),
    )

    def _is_pattern(self, receiver: cst.BaseExpression) -> bool:
        if self.kind_of(receiver) == "regex":
            return True
        if isinstance(receiver, cst.Name):
            last = receiver.value
        elif isinstance(receiver, cst.Attribute):
            last = receiver.attr.value
        else:
            return False
        low = last.lower().lstrip("_")
        return low in _PATTERN_NAMES or low.endswith(_PATTERN_SUFFIXES)

    def leave_Call(self, node: cst.Call) -> None:
        if not self.loops:
            return
        func = node.func
        attr = alias_tail(self.ctx, func)
        if attr not in _RE_FUNCS or self.innermost() is None:
            return
        name = self.ctx.callee(node)
        if name in (f"re.{attr}", f"regex.{attr}"):
            pattern = node.args[0].value if node.args else None
            if isinstance(pattern, cst.FormattedString):
                self.report(node, f"{name} builds its pattern every iteration", weight=2.0)
            elif isinstance(pattern, (cst.SimpleString, cst.ConcatenatedString)):
                self.report(node, f"{name} with a literal pattern runs every iteration", weight=2.0)
            else:
                self.report(node, f"{name} runs every iteration", weight=1.5)
        elif (
            isinstance(func, cst.Attribute)
            and attr != "compile"
            and self._is_pattern(func.value)
            and self.kind_of(func.value) not in _TEXT_KINDS
        ):
            label = _key(func.value) or "compiled pattern"
            # compiled once already: the Python-side fix is applied, the scan itself remains
            self.report(node, f"{label}.{attr} runs every iteration", traits=())
