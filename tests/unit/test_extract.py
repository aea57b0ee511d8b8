"""The libcst walk: exact lines, qualnames, import aliases, metrics, suppressions."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest

from goport.extract import ExtractError, extract, read_source
from goport.model import SourceFile


def facts_of(code: str, rel: str = "pkg/mod.py", module: str = "pkg.mod"):
    return extract(SourceFile(rel, rel, module), textwrap.dedent(code).encode())


def test_function_spans_match_ast_on_real_code() -> None:
    """Every function's span equals the stdlib ast's lineno/end_lineno, on goport's own source."""
    src = Path(__file__).resolve().parents[2] / "src" / "goport"
    checked = 0
    for path in sorted(src.rglob("*.py")):
        data = path.read_bytes()
        facts = extract(SourceFile(path.name, str(path), path.stem), data)
        want = {
            (n.name, n.lineno, n.end_lineno)
            for n in ast.walk(ast.parse(data))
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
        }
        for fn in facts.functions:
            assert (fn.qualname.rsplit(".", 1)[-1], fn.span.line, fn.span.end_line) in want, fn
            checked += 1
    assert checked > 100


def test_qualnames_follow_python() -> None:
    facts = facts_of(
        """
        class Tokenizer:
            def next(self):
                def helper():
                    pass
                return helper

        async def fetch(url: str, *, timeout: float = 1.0) -> bytes | None:
            pass
        """
    )
    names = [f.qualname for f in facts.functions]
    assert names == ["Tokenizer.next", "Tokenizer.next.<locals>.helper", "fetch"]
    fetch = facts.functions[-1]
    assert fetch.is_async
    assert [(p.name, p.annotation, p.default, p.kind) for p in fetch.params] == [
        ("url", "str", None, "positional"),
        ("timeout", "float", "1.0", "keyword-only"),
    ]
    assert fetch.returns == "bytes | None"
    assert facts.classes[0].methods == ("next",)


def test_findings_have_exact_lines_and_symbols() -> None:
    facts = facts_of(
        """
        def grid(rows):
            total = 0
            for r in rows:

                for c in r:
                    total += c
            return total

        def flat(m):
            return [x
                    for row in m
                    for x in row]
        """
    )
    nested = [(f.symbol, f.span.line) for f in facts.findings if f.rule == "GP101"]
    assert nested == [("grid", 6), ("flat", 13)]


@pytest.mark.parametrize(
    ("code", "call", "resolved"),
    [
        pytest.param(
            "import numpy as np\ndef f():\n    np.linalg.norm(1)\n",
            "np",
            "numpy.linalg.norm",
            id="import-as",
        ),
        pytest.param(
            "from concurrent.futures import ThreadPoolExecutor as TPE\ndef f():\n    TPE(4)\n",
            "TPE",
            "concurrent.futures.ThreadPoolExecutor",
            id="from-import-as",
        ),
        pytest.param(
            "import os.path\ndef f():\n    os.path.join(1)\n",
            "os",
            "os.path.join",
            id="dotted-import",
        ),
        pytest.param(
            "def f():\n    import json as j\n    j.dumps(1)\n", "j", "json.dumps", id="local-import"
        ),
        pytest.param("def f():\n    g()\nfrom x import g\n", "g", "x.g", id="import-below-use"),
    ],
)
def test_calls_resolve_aliases(code: str, call: str, resolved: str) -> None:
    facts = facts_of(code)
    assert resolved in facts.functions[0].calls


def test_relative_imports_resolve_against_the_package() -> None:
    facts = facts_of(
        "from . import sibling\nfrom ..core import engine as e\n", "app/sub/mod.py", "app.sub.mod"
    )
    assert {(i.target, i.alias) for i in facts.imports} == {
        ("app.sub.sibling", "sibling"),
        ("app.core.engine", "e"),
    }
    init = facts_of("from .mod import x\n", "app/sub/__init__.py", "app.sub")
    assert init.imports[0].target == "app.sub.mod.x"


def test_suppression_comment_removes_only_named_rule() -> None:
    code = """
    def f(a, b):
        for x in a:
            for y in b:  # goport: ignore[GP101]
                pass
        for x in a:
            for y in b:  # goport: ignore[GP2]
                pass
    """
    facts = facts_of(code)
    assert [f.span.line for f in facts.findings if f.rule == "GP101"] == [7]
    assert [s.line for s in facts.suppressions] == [4, 7]


def test_keep_python_marker_only_at_column_zero() -> None:
    assert (
        facts_of("# goport: keep-python[owned by data team]\nx = 1\n").keep_python
        == "owned by data team"
    )
    assert facts_of("x = 1  # goport: keep-python[no]\n").keep_python is None


def test_metrics_from_walk_and_radon() -> None:
    facts = facts_of(
        """
        # a comment

        def f(x):
            if x > 1 and x < 5:
                return x * 2
            return 0
        """
    )
    m = facts.metrics
    assert m.loc == 7
    assert m.blank == 2  # the leading blank line from dedent and the one after the comment
    assert m.comments == 1
    assert m.sloc == 4
    assert facts.functions[0].complexity == 3  # if + and
    assert m.maintainability is not None and 0 < m.maintainability <= 100
    assert m.halstead_volume > 0


def test_main_guard_detected() -> None:
    assert facts_of('if __name__ == "__main__":\n    main()\n').has_main_guard
    assert not facts_of('if name == "__main__":\n    main()\n').has_main_guard


@pytest.mark.parametrize(
    ("data", "stage", "words"),
    [
        pytest.param(b"def f(:\n", "parse", "syntax error at line 1", id="syntax"),
        pytest.param(b'print "hello"\n', "parse", "Python 2", id="python2"),
        pytest.param(
            b'def f():\n    raise ValueError, "bad"\n', "parse", "Python 2", id="python2-raise"
        ),
        pytest.param(b"x = '\xe9'\n", "read", "cannot decode", id="latin1-undeclared"),
    ],
)
def test_unparseable_files_raise_extract_error(data: bytes, stage: str, words: str) -> None:
    with pytest.raises(ExtractError) as info:
        extract(SourceFile("a.py", "a.py", "a"), data)
    assert info.value.stage == stage
    assert words in str(info.value)


def test_declared_encoding_is_honoured() -> None:
    data = "# -*- coding: latin-1 -*-\ndef f():\n    return 'café'\n".encode("latin-1")
    facts = extract(SourceFile("a.py", "a.py", "a"), data)
    assert [f.qualname for f in facts.functions] == ["f"]


def test_read_source_refuses_binary_and_huge(tmp_path: Path) -> None:
    binary = tmp_path / "b.py"
    binary.write_bytes(b"\x7fELF\x00\x00")
    with pytest.raises(ExtractError, match="binary"):
        read_source(str(binary))
    big = tmp_path / "big.py"
    big.write_bytes(b"x = 1\n" * 100)
    with pytest.raises(ExtractError, match="max-file-size"):
        read_source(str(big), max_bytes=100)
    assert read_source(str(big), max_bytes=1000) == b"x = 1\n" * 100
