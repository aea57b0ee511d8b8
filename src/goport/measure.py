"""radon's measures of a module, from the stdlib ``ast`` of the same text: complexity per
function and in total, Halstead volume, maintainability index. radon's raw analyser is never
run on whole files (it is quadratic on long strings): raw line counts come from the walk."""

from __future__ import annotations

import ast
import io
import re
import tokenize
import warnings
from dataclasses import dataclass
from typing import Any

from goport.sources import ExtractError


@dataclass(frozen=True, slots=True)
class RadonResult:
    complexity_by_line: dict[int, int]
    total: int
    max: int
    volume: float


#: libcst needs about 80 microseconds and 5 KB per syntax node: a 1 MB file of real code has
#: about 100,000 nodes, a 1 MB literal table 500,000 (40 s and 2.4 GB). Past this, skip the file.
MAX_NODES = 150_000

_TOO_DEEP = ("too many nested", "too many levels", "too many statically nested")

#: operands of one ``and``/``or`` chain past which a file is not handed to libcst: CPython's ast
#: keeps such a chain flat, but libcst's native parser nests it one level per operand and
#: crashes the process (a segmentation fault at 10,000 operands with libcst 1.9; 6,000 parsed).
#: Hand-written code has tens; a chain of thousands is generated
MAX_BOOL_CHAIN = 2_000


#: what libcst may be handed of a file CPython rejected (newer syntax than this Python, or an
#: error to locate), where CPython's own limits did not get to look: tokens in one statement
#: (a chain of thousands of operands or attributes), bracket depth, indentation depth, ``elif``
#: arms (libcst nests each in the one before). libcst 1.9 crashed at 2,000 nested brackets
#: and 6,000-operand chains; hand-written statements stay far below these
MAX_STATEMENT_TOKENS = 1_500
MAX_BRACKET_DEPTH = 150
MAX_INDENT_DEPTH = 100
MAX_ELIFS = 1_000


def check_chains(data: bytes, tree: ast.Module | None) -> None:
    """Refuse (ExtractError) a file libcst cannot parse safely: a long ``and``/``or`` chain in
    a file CPython parsed, or in a file it rejected, any statement past the limits above.

    Every ``and`` and ``or`` operator contains those bytes, so a file with fewer of them than
    the limit cannot hold such a chain, and most files are passed without a walk.
    """
    if tree is None:
        _check_unparsed(data)
        return
    if data.count(b"and") + data.count(b"or") <= MAX_BOOL_CHAIN:
        return
    for node in ast.walk(tree):
        if isinstance(node, ast.BoolOp) and len(node.values) > MAX_BOOL_CHAIN:
            raise ExtractError(
                "parse",
                f"an and/or chain of {len(node.values):,} operands at line {node.lineno}, more "
                f"than goport parses in one expression ({MAX_BOOL_CHAIN:,}); usually generated "
                "code, not a port candidate",
            )


def stdlib_tree(data: bytes) -> tuple[ast.Module | None, SyntaxError | None]:
    """The stdlib ``ast`` of the file (for radon), or the SyntaxError CPython reports.

    Parsed before libcst on purpose: CPython refuses pathologically nested code quickly, while
    libcst's native parser can take minutes or crash the process on it.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(data), None
    except SyntaxError as exc:
        if any(marker in str(exc.msg) for marker in _TOO_DEEP):
            raise ExtractError(
                "parse", f"too deeply nested to parse (line {exc.lineno}): {exc.msg}"
            ) from exc
        return None, exc
    except (RecursionError, MemoryError) as exc:
        raise ExtractError("parse", f"too deeply nested to parse ({type(exc).__name__})") from exc
    except ValueError:
        return None, None


def radon_of(tree: ast.Module | None) -> RadonResult | None:
    from radon.metrics import halstead_visitor_report
    from radon.visitors import ComplexityVisitor, HalsteadVisitor

    if tree is None:
        return None
    try:
        cc = ComplexityVisitor.from_ast(tree)
        halstead = halstead_visitor_report(HalsteadVisitor.from_ast(tree))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    by_line: dict[int, int] = {}

    def add(block: Any) -> None:
        by_line[block.lineno] = block.complexity
        for closure in getattr(block, "closures", ()):
            add(closure)

    for fn in cc.functions:
        add(fn)
    for klass in cc.classes:
        for method in klass.methods:
            add(method)
    blocks = list(by_line.values())
    return RadonResult(
        complexity_by_line=by_line,
        total=cc.complexity + sum(blocks),
        max=max(blocks, default=cc.complexity),
        volume=float(halstead.volume or 0.0),
    )


def maintainability(volume: float, complexity: int, lloc: int, comment_pct: float) -> float:
    from radon.metrics import mi_compute

    return round(float(mi_compute(volume, complexity, lloc, comment_pct)), 2)


#: what, inside a string, libcst may parse as code (an f-string's expressions; a newer
#: Python's nested quotes, which an older tokenize splits into plain strings): punctuation and
#: the keywords an expression chains with
_CODE_IN_STRING = re.compile(r"[^\w\s]|\b(?:and|or|not|lambda|if|else|for|in|is|await)\b")


def _check_unparsed(data: bytes) -> None:
    """The limits above, from the tokens of a file CPython rejected (a file that does not
    even tokenize is refused: nothing vouches for its shape). What a string holds counts as
    code, since libcst parses f-strings' expressions (and this tokenize may not see them)."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        text = data.decode(encoding)  # all at once, as libcst decodes it
    except (SyntaxError, UnicodeDecodeError, LookupError):
        return  # not text in its declared encoding: libcst stops at decoding, before parsing
    statement = brackets = indent = elifs = 0
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            kind = token.type
            if kind in (tokenize.NEWLINE, tokenize.ENDMARKER):
                statement = 0
                continue
            inner = 0
            if kind == tokenize.INDENT:
                indent += 1
            elif kind == tokenize.DEDENT:
                indent -= 1
            elif kind == tokenize.OP and token.string in "([{":
                brackets += 1
            elif kind == tokenize.OP and token.string in ")]}":
                brackets = max(0, brackets - 1)
            elif kind == tokenize.NAME and token.string == "elif":
                elifs += 1
            elif kind == tokenize.STRING:
                statement += len(_CODE_IN_STRING.findall(token.string))
                inner = _depth(token.string)
            if kind not in (tokenize.NL, tokenize.COMMENT):
                statement += 1
            if (
                statement > MAX_STATEMENT_TOKENS
                or brackets + inner > MAX_BRACKET_DEPTH
                or indent > MAX_INDENT_DEPTH
                or elifs > MAX_ELIFS
            ):
                raise ExtractError(
                    "parse",
                    f"not valid Python, and line {token.start[0]} is too large or too "
                    "deeply nested to parse safely",
                )
    except (SyntaxError, tokenize.TokenError) as exc:  # IndentationError is a SyntaxError
        raise ExtractError("parse", f"not valid Python, and it does not tokenize: {exc}") from exc


def _depth(text: str) -> int:
    """The deepest bracket nesting in a string's text."""
    if "(" not in text and "[" not in text and "{" not in text:
        return 0
    depth = deepest = 0
    for char in text:
        if char in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in ")]}":
            depth = max(0, depth - 1)
    return deepest
