"""Strategy choice, Go signature sketches and effort."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from goport.config import Config
from goport.detectors.testing import traits_of
from goport.extract import extract
from goport.model import Boundary, Category, Finding, SourceFile, Span, Strategy
from goport.planning import go_signature, go_type, plan
from goport.scoring import score_module

NO_BOUNDARY = Boundary(0, 0, (), (), (), ())


@pytest.mark.parametrize(
    ("annotation", "go"),
    [
        ("int", "int"),
        ("float", "float64"),
        ("str", "string"),
        ("bytes", "[]byte"),
        ("list[int]", "[]int"),
        ("List[str]", "[]string"),
        ("dict[str, list[float]]", "map[string][]float64"),
        ("Optional[int]", "*int"),
        ("int | None", "*int"),
        ("list[str] | None", "[]string"),
        ("Iterator[bytes]", "<-chan []byte"),
        ("tuple[int, str]", "struct{ F0 int; F1 string }"),
        ("tuple[int, ...]", "[]int"),
        ("Token", "*Token"),
        ("'Token'", "*Token"),
        (None, "any"),
    ],
)
def test_go_type(annotation: str | None, go: str) -> None:
    assert go_type(annotation) == go


def _fn(code: str):
    return extract(SourceFile("m.py", "m.py", "m"), textwrap.dedent(code).encode()).functions


def test_go_signature_for_function_method_and_async() -> None:
    fns = _fn(
        """
        def tokenize_line(line: str, max_tokens: int = 10) -> list[Token]: ...
        class Index:
            def add(self, doc_id: int, *terms: str) -> None: ...
        async def fetch_all(urls: list[str]) -> dict[str, bytes]: ...
        def _helper(x): ...
        """
    )
    sigs = [go_signature(f) for f in fns]
    assert sigs == [
        "func TokenizeLine(line string, maxTokens int) ([]*Token, error)",
        "func (i *Index) Add(docId int, terms ...string) error",
        "func FetchAll(ctx context.Context, urls []string) (map[string][]byte, error)",
        "func helper(x any) error",
    ]


def _plan(code: str, extra: list[Finding] = (), boundary: Boundary = NO_BOUNDARY):
    m = extract(SourceFile("m.py", "m.py", "m"), textwrap.dedent(code).encode())
    findings = [*m.findings, *extra]
    scored = score_module(m, findings, boundary, Config(root=Path(".")))
    return plan(m, findings, scored, boundary), scored


def f(rule: str, category: Category, weight: float = 3.0, line: int = 2) -> Finding:
    return Finding(
        rule, rule.lower(), category, Span(line, line), "work", "msg", weight, "go idiom",
        traits=traits_of(rule),
    )  # fmt: skip


CPU = """
def work(rows):
    t = 0
    for r in rows:
        for c in r:
            for d in c:
                t += d * d ^ 3
    return t
"""


def test_cpu_kernel_is_a_go_cli() -> None:
    p, scored = _plan(CPU, [f("GP102", Category.CPU), f("GP105", Category.CPU), f("GP106", Category.CPU)])
    assert scored.score >= 20
    assert p.strategy is Strategy.GO_CLI
    assert p.functions and p.functions[0].qualname == "work"


def test_cpu_work_fed_by_a_pool_is_a_go_worker() -> None:
    p, _ = _plan(
        CPU,
        [f("GP102", Category.CPU), f("GP105", Category.CPU), f("GP106", Category.CPU), f("GP108", Category.CPU)],
    )
    assert p.strategy is Strategy.GO_WORKER


def test_request_serving_is_a_go_service() -> None:
    extra = [f("GP301", Category.SERVICE), f("GP205", Category.CONCURRENCY), f("GP206", Category.CONCURRENCY)]
    p, _ = _plan("def work():\n    pass\n", extra)
    assert p.strategy is Strategy.GO_SERVICE
    assert {i.rule for i in p.idioms} == {"GP205", "GP206", "GP301"} or p.idioms == ()


def test_ecosystem_keeps_python() -> None:
    p, _ = _plan(CPU, [f("GP502", Category.ECOSYSTEM, 3.0), f("GP501", Category.ECOSYSTEM, 3.0)])
    assert p.strategy is Strategy.KEEP
    assert p.blockers


def test_glue_keeps_python() -> None:
    p, _ = _plan("import argparse\n\ndef main():\n    return argparse.ArgumentParser()\n")
    assert p.strategy is Strategy.KEEP
    assert "Glue" in p.reason


def test_cheap_fix_first() -> None:
    p, _ = _plan("def work(xs):\n    s = ''\n    for x in xs:\n        s += x\n", [f("GP104", Category.CPU, 2.0)])
    assert p.strategy is Strategy.OPTIMISE_FIRST
    assert any("join" in tip for tip in p.python_first)


def test_effort_grows_with_size_and_coupling() -> None:
    small, _ = _plan(CPU)
    big, _ = _plan(CPU * 30, boundary=Boundary(5, 0, ("a", "b", "c", "d", "e"), (), (), ()))
    assert (big.effort.days_low, big.effort.days_high) > (small.effort.days_low, small.effort.days_high)
    assert "no tests" in small.effort.explanation
