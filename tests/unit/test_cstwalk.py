"""The walk on libcst internals (goport.cstwalk) agrees with libcst's public positions.

``goport.cstwalk`` drives libcst's private code generator for speed. These tests hold it to the
public ``PositionProvider`` on real code and on the layouts that move lines (continuations,
multi-line strings, decorators, parentheses, CR newlines), so a libcst release that changes
the internals fails here rather than shifting every finding's line. Run them under the oldest
and the newest libcst supported (pyproject.toml bounds it to 1.x).
"""

from __future__ import annotations

import sys
from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from goport.cstwalk import INTERNALS, LineWalk
from goport.model import Span

ROOT = Path(__file__).resolve().parents[2]

#: node types whose span goport reads: statements and expressions (not whitespace, punctuation
#: or comments, which have no syntactic position of their own)
POSITIONED = (cst.BaseStatement, cst.BaseSmallStatement, cst.BaseExpression, cst.Decorator)

LAYOUTS = {
    "continuation": "x = 1 + \\\n    2\nif x and \\\n        x:\n    y = f(x,\n          x)\n",
    "multi-line-string": 'def f():\n    s = """a\nb\nc"""\n    return g(s,\n             """d\ne""")\n',
    "decorators": "@a\n@b(\n    1)\n\n# c\ndef f(\n    x,\n):\n    return x\n\n\n@d\nclass C:\n    pass\n",
    "parentheses": "y = (\n    (a +\n     b)\n)\nz = [\n    i for i in y\n    if i\n]\n",
    "f-string": 'x = f"""{a\n}\n{b!r:>{w}}"""\nz = f"{c}" "d" \\\n    "e"\n',
    "cr-newlines": "def f(x):\r    for i in x:\r        g(i)\r    return x\r",
    "crlf-newlines": "def f(x):\r\n    while x:\r\n        x -= 1\r\n",
    "match": "match p:\n    case [x, y]:\n        f(x)\n    case {'k': v} if v:\n        g(v)\n    case _:\n        pass\n",
    "nested-defs": "class A:\n    def f(self):\n        def g():\n            return [\n                1]\n        return g\n",
    "async": "async def f(xs):\n    async with a as b:\n        async for x in xs:\n            await g(\n                x)\n",
}


def _nodes(node: cst.CSTNode) -> list[cst.CSTNode]:
    out = [node]
    for child in node.children:
        out.extend(_nodes(child))
    return out


def _mismatches(source: bytes) -> list[tuple[str, Span, Span]]:
    module = cst.parse_module(source)
    public = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    nodes = [n for n in _nodes(module) if isinstance(n, POSITIONED)]
    walk = LineWalk(module)
    walk.on_enter = {type(n): () for n in nodes}
    walk.walk(module)
    out = []
    for node in nodes:
        where = public[node]
        expected = Span(where.start.line, max(where.start.line, where.end.line))
        if walk.span(node) != expected:
            out.append((type(node).__name__, walk.span(node), expected))
    return out


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_spans_match_the_public_positions_on_tricky_layouts(name: str) -> None:
    if name == "match" and sys.version_info < (3, 10):  # pragma: no cover
        pytest.skip("match needs Python 3.10")
    assert _mismatches(LAYOUTS[name].encode()) == []


def test_spans_match_the_public_positions_on_the_fixtures() -> None:
    files = sorted((ROOT / "fixtures").rglob("*.py"))
    assert len(files) > 20
    for path in files:
        assert _mismatches(path.read_bytes()) == [], path


def test_the_walk_calls_enter_and_leave_in_source_order() -> None:
    module = cst.parse_module("def f(x):\n    return g(x)\n\n\ndef h():\n    pass\n")
    events: list[str] = []
    walk = LineWalk(module)

    def name(node: cst.CSTNode) -> str:
        if isinstance(node, cst.FunctionDef):
            return node.name.value
        assert isinstance(node, cst.Call) and isinstance(node.func, cst.Name)
        return node.func.value + "()"

    walk.on_enter = {
        k: (lambda n: events.append("enter " + name(n)),) for k in (cst.FunctionDef, cst.Call)
    }
    walk.on_leave = {
        k: (lambda n: events.append("leave " + name(n)),) for k in (cst.FunctionDef, cst.Call)
    }
    walk.walk(module)
    assert events == ["enter f", "enter g()", "leave g()", "leave f", "enter h", "leave h"]
    f, h = (s for s in module.body if isinstance(s, cst.FunctionDef))
    assert (walk.span(f), walk.span(h)) == (Span(1, 2), Span(5, 6))


def test_every_internal_it_relies_on_exists() -> None:
    fields = set(getattr(INTERNALS[0][0], "__dataclass_fields__", ()))
    assert all(hasattr(owner, name) or name in fields for owner, name in INTERNALS)
