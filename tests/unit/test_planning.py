"""Strategy choice, Go signature sketches and effort."""

from __future__ import annotations

import textwrap
from dataclasses import replace
from pathlib import Path

import pytest

from goport.config import Config
from goport.detectors.testing import traits_of
from goport.extract import extract
from goport.model import Boundary, Category, Finding, SourceFile, Span, Strategy
from goport.planning import go_form, go_signature, go_type, plan
from goport.reports import GO_STRATEGIES
from goport.roadmap import surface
from goport.scoring import CALIBRATION, move_score, score_module
from goport.scoring.factors import blocker_cost

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
        def _helper(x, type): ...
        """
    )
    sigs = [go_signature(f) for f in fns]
    assert sigs == [
        "func TokenizeLine(line string, maxTokens int) []*Token",  # no raise: no error
        "func (i *Index) Add(docId int, terms ...string)",
        "func FetchAll(ctx context.Context, urls []string) (map[string][]byte, error)",
        "func helper(x any, type_ any) // any: annotate x, type to pin the type",
    ]


def _sketch(code: str) -> list[str]:
    """Go signatures with the hints the module's source gives (what ``goport plan`` shows)."""
    source = textwrap.dedent(code).encode()
    m = extract(SourceFile("m.py", "m.py", "m"), source)
    s = surface.read(source)
    return [go_signature(f, s.hints.get(f.qualname), s.kinds()) for f in m.functions]


def test_go_sketch_reads_like_go() -> None:
    sigs = _sketch(
        """
        import socket
        from typing import Iterator, Protocol
        MASK32 = 0xFFFFFFFF

        class Sink(Protocol):
            def write(self, data: bytes) -> None: ...

        class Pipeline:
            def __init__(self, sink: Sink, size: int) -> None:
                if size < 1:
                    raise ValueError(size)
                self.sink = sink
            def push(self, line: str) -> None:
                self.sink.write(line.encode())
            def flush(self) -> int:
                self._check()
                return 0
            def _check(self) -> None:
                raise RuntimeError("closed")
            @classmethod
            def from_path(cls, path: str) -> "Pipeline": ...

        def crc(data: bytes) -> int:
            h = 0
            for b in data:
                h = (h * 31 + b) & MASK32
            return h

        def mix(a: int, b: int) -> int:
            return (a * b) % 2**64

        def wrap(seed):
            return crc(seed) ^ 1

        def lines(path: str) -> Iterator[str]:
            with open(path) as f:
                yield from f

        def decode_all(chunks, sep):
            return sep.encode().join(c for c in chunks), chunks.decode()

        def split(text):
            \"\"\"Split it.

            :param str text: the text
            :rtype: list[str]
            \"\"\"
            return text.split()

        def pair(a: int) -> tuple[int, str]:
            return a, str(a)

        def load(path: str) -> bytes:
            with open(path, "rb") as f:
                return f.read()

        def send(host: str, payload: bytes) -> int:
            return socket.create_connection((host, 80)).send(payload)
        """
    )
    assert sigs == [
        "type Sink interface { Write(data []byte) }",
        "func NewPipeline(sink Sink, size int) (*Pipeline, error)",  # raises: (T, error)
        "func (p *Pipeline) Push(line string)",
        "func (p *Pipeline) Flush() (int, error)",  # its callee raises
        "func (p *Pipeline) check() error",
        "func PipelineFromPath(path string) *Pipeline",
        "func Crc(data []byte) uint32",  # & 0xFFFFFFFF through a module constant
        "func Mix(a uint64, b uint64) uint64",  # % 2**64
        "func Wrap(seed any) any // any: annotate seed to pin the type",
        "func Lines(ctx context.Context, path string) (<-chan string, <-chan error)",
        "func DecodeAll(chunks []byte, sep string) any",  # .decode() / .encode() pin them
        "func Split(text string) []string",  # a docstring's types
        "func Pair(a int) (int, string)",  # a tuple: multiple results
        "func Load(path string) ([]byte, error)",  # a file: an error, no context
        "func Send(ctx context.Context, host string, payload []byte) (int, error)",  # I/O
    ]


def _plan(code: str, extra: list[Finding] = (), boundary: Boundary = NO_BOUNDARY):
    m = extract(SourceFile("m.py", "m.py", "m"), textwrap.dedent(code).encode())
    findings = [*m.findings, *extra]
    form = go_form(m, findings, boundary)
    scored = score_module(m, findings, boundary, Config(root=Path(".")), form=form)
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


MAIN = 'if __name__ == "__main__":\n    import sys\n    print(work(sys.argv))\n'


def test_cpu_kernel_run_as_a_program_is_a_go_cli() -> None:
    p, scored = _plan(
        CPU + MAIN, [f("GP102", Category.CPU), f("GP105", Category.CPU), f("GP106", Category.CPU)]
    )
    assert scored.score >= CALIBRATION.min_go_score
    assert p.strategy is Strategy.GO_CLI
    assert "runs as a program" in p.reason
    assert p.functions and p.functions[0].qualname == "work"


def test_cpu_kernel_nothing_in_the_project_imports_is_a_go_extension() -> None:
    # a library's module its users import (a codec, a public submodule): not a program
    p, scored = _plan(
        CPU, [f("GP102", Category.CPU), f("GP105", Category.CPU), f("GP106", Category.CPU)]
    )
    assert scored.score >= CALIBRATION.min_go_score
    assert p.strategy is Strategy.GO_EXTENSION
    assert "code outside the project imports" in p.reason


CPU_FINDINGS = [f("GP102", Category.CPU), f("GP105", Category.CPU), f("GP106", Category.CPU)]


def test_a_script_that_reads_its_input_is_a_go_cli_without_a_guard() -> None:
    script = CPU + "import sys\nprint(work(sys.stdin.read().split()))\n"
    p, _ = _plan(script, CPU_FINDINGS)
    assert p.strategy is Strategy.GO_CLI
    argv = "import argparse\n" + CPU + "PARSER = argparse.ArgumentParser()\n"
    assert _plan(argv, CPU_FINDINGS)[0].strategy is Strategy.GO_CLI
    parser = "from argparse import ArgumentParser\n" + CPU
    assert _plan(parser, CPU_FINDINGS)[0].strategy is Strategy.GO_CLI
    # a helper that raises argparse's error type reads no command line
    helper = "from argparse import ArgumentTypeError\n" + CPU
    assert _plan(helper, CPU_FINDINGS)[0].strategy is Strategy.GO_EXTENSION
    # imported only for a constant: still a program nothing else calls
    inert = Boundary(1, 0, ("pkg.setup",), (), ("VERSION",), (), inert_importers=1)
    assert _plan(script, CPU_FINDINGS, inert)[0].strategy is Strategy.GO_CLI


def test_a_kernel_other_modules_import_is_an_extension_whatever_its_main_guard() -> None:
    imported = Boundary(2, 0, ("a", "b"), (), ("work",), ())
    p, _ = _plan(CPU + MAIN, CPU_FINDINGS, imported)
    assert p.strategy is Strategy.GO_EXTENSION
    assert "2 module(s) call in-process" in p.reason
    # importers that use only its constants or exception classes do not call its code
    inert = Boundary(2, 0, ("a", "b"), (), ("work",), (), inert_importers=2)
    p, _ = _plan(CPU, CPU_FINDINGS, inert)
    assert p.strategy is Strategy.GO_EXTENSION
    assert "code outside the project imports" in p.reason


def test_a_main_module_is_a_go_cli() -> None:
    m = extract(SourceFile("app/__main__.py", "app/__main__.py", "app.__main__"), CPU.encode())
    findings = [*m.findings, *CPU_FINDINGS]
    imported = Boundary(1, 0, ("app",), (), (), ())
    assert go_form(m, findings, imported) is Strategy.GO_CLI


def test_cpu_work_fed_by_a_pool_is_a_go_worker() -> None:
    p, _ = _plan(
        CPU,
        [
            f("GP102", Category.CPU),
            f("GP105", Category.CPU),
            f("GP106", Category.CPU),
            f("GP108", Category.CPU),
        ],
    )
    assert p.strategy is Strategy.GO_WORKER


def test_request_serving_is_a_go_service() -> None:
    # a handler, a listener and a fan-out, each weighty enough that together they pass the Go
    # threshold on their own (the concurrency gain grows linearly with the signal)
    extra = [
        f("GP301", Category.SERVICE, 9.0),
        f("GP205", Category.CONCURRENCY, 9.0),
        f("GP206", Category.CONCURRENCY, 9.0),
    ]
    p, _ = _plan("def work():\n    pass\n", extra)
    assert p.strategy is Strategy.GO_SERVICE
    assert {i.rule for i in p.idioms} == {"GP205", "GP206", "GP301"} or p.idioms == ()


def test_concurrency_with_nothing_to_serve_or_consume_is_no_service() -> None:
    # asyncio tasks and primitives with no network, request or queue evidence: the same weight
    # that makes a listener a service leaves this in-process code an extension, and says why
    # (asyncio findings in a module that imports no network library carry no trait)
    in_process = [
        replace(f("GP205", Category.CONCURRENCY, 9.0), traits=()),
        replace(f("GP206", Category.CONCURRENCY, 9.0), traits=()),
        replace(f("GP207", Category.CONCURRENCY, 9.0), traits=()),
    ]
    m = extract(SourceFile("m.py", "m.py", "m"), b"def work():\n    pass\n")
    assert go_form(m, in_process, IMPORTED) is Strategy.GO_EXTENSION
    p, _ = _plan("def work():\n    pass\n", in_process, boundary=IMPORTED)
    assert p.reason.startswith("Concurrent code with no network, request or queue evidence")
    assert "cannot hand back awaitables" in p.reason
    # one networked stream among them makes it a service
    networked = [*in_process, f("GP307", Category.SERVICE, 2.0)]
    assert go_form(m, networked, IMPORTED) is Strategy.GO_SERVICE
    # threads fed from a queue are work to consume: a worker, whatever the network
    fed = [*in_process, f("GP203", Category.CONCURRENCY, 3.0)]
    p, _ = _plan("def work():\n    pass\n", fed, boundary=IMPORTED)
    assert (p.strategy, p.reason.split(":")[0]) == (
        Strategy.GO_WORKER,
        "Consumes work from queues or pools",
    )
    # run as a program that nothing imports, the same code is a CLI and says why
    script = "import sys\n\ndef work():\n    return sys.argv\n"
    p, _ = _plan(script, in_process)
    assert p.strategy is Strategy.GO_CLI
    assert p.reason.startswith(
        "Concurrent code with no network, request or queue evidence that runs"
    )


def test_ecosystem_keeps_python() -> None:
    p, _ = _plan(CPU, [f("GP502", Category.ECOSYSTEM, 3.0), f("GP501", Category.ECOSYSTEM, 3.0)])
    assert p.strategy is Strategy.KEEP
    assert p.blockers


def test_glue_keeps_python() -> None:
    p, _ = _plan("import argparse\n\ndef main():\n    return argparse.ArgumentParser()\n")
    assert p.strategy is Strategy.KEEP
    assert "Glue" in p.reason


def test_cheap_fix_first() -> None:
    p, _ = _plan(
        "def work(xs):\n    s = ''\n    for x in xs:\n        s += x\n",
        [f("GP104", Category.CPU, 2.0)],
    )
    assert p.strategy is Strategy.OPTIMISE_FIRST
    assert any("join" in tip for tip in p.python_first)


HEAVY = [f("GP102", Category.CPU), f("GP105", Category.CPU), f("GP106", Category.CPU)]
IMPORTED = Boundary(3, 0, ("a", "b", "c"), (), ("work",), ())


def test_a_kernel_other_modules_call_is_a_go_extension_with_cheap_coupling() -> None:
    ext, ext_scored = _plan(CPU, HEAVY, boundary=IMPORTED)
    assert ext.strategy is Strategy.GO_EXTENSION
    assert "import site" in ext.reason and "batch" in ext.reason
    m = extract(SourceFile("m.py", "m.py", "m"), textwrap.dedent(CPU).encode())
    as_cli = score_module(
        m, [*m.findings, *HEAVY], IMPORTED, Config(root=Path(".")), form=Strategy.GO_CLI
    )
    coupling = {
        s: next(x.contribution for x in sc.factors if x.name == "coupling")
        for s, sc in (("ext", ext_scored), ("cli", as_cli))
    }
    assert coupling["cli"] < coupling["ext"] < 0  # the extension keeps most import sites
    assert ext_scored.score > as_cli.score


def test_a_wide_interface_says_so() -> None:
    wide = Boundary(3, 0, ("a", "b", "c"), (), tuple(f"name{i}" for i in range(20)), ())
    p, _ = _plan(CPU, HEAVY, boundary=wide)
    assert p.strategy is Strategy.GO_EXTENSION
    assert "wide" in p.reason


def test_modules_staying_in_python_show_no_effort() -> None:
    p, scored = _plan("from .core import work, rows\n__all__ = ['work', 'rows']\nVERSION = '1.0'\n")
    assert p.strategy is Strategy.KEEP and p.effort is None
    assert "nothing runs" in p.reason.lower()
    assert any(x.name == "nothing-runs" for x in scored.factors)
    _, cpu_scored = _plan(CPU)
    assert scored.score < cpu_scored.score


def test_effort_grows_with_size_and_coupling() -> None:
    small, _ = _plan(CPU, HEAVY)
    big, _ = _plan(CPU * 30, HEAVY, boundary=Boundary(5, 0, ("a", "b", "c", "d", "e"), (), (), ()))
    assert small.effort is not None and big.effort is not None
    assert (big.effort.days_low, big.effort.days_high) > (
        small.effort.days_low,
        small.effort.days_high,
    )
    assert "no tests" in small.effort.explanation


def test_blockers_count_in_full_when_deciding_whether_to_move() -> None:
    # the ranking charges a share of a redesign's cost; whether to port weighs all of it
    # arithmetic without loops, and GP998: CPU work with no Python-side fix on record
    code = (
        "def work(a, b):\n    x = (a * b + a - b) ^ (a << 2)\n    return x * x - a % 7 + b // 3\n"
    ) + MAIN  # a program: the whole module moves, blockers and all
    clean, clean_scored = _plan(code, [f("GP998", Category.CPU, 1.0)])
    p, scored = _plan(code, [f("GP998", Category.CPU, 1.0), f("GP401", Category.BLOCKER, 3.0)])
    charged = next(x.contribution for x in scored.factors if x.name == "blockers")
    assert clean.strategy.value in GO_STRATEGIES
    assert charged == pytest.approx(
        -blocker_cost(scored.signals, CALIBRATION) * CALIBRATION.blocker_rank_share, abs=0.051
    )
    assert scored.blocker_cost == pytest.approx(blocker_cost(scored.signals, CALIBRATION))
    assert scored.score >= CALIBRATION.min_go_score > move_score(scored)
    assert move_score(scored) == pytest.approx(scored.score - charged - scored.blocker_cost, 0.01)
    assert move_score(clean_scored) == clean_scored.score and clean_scored.blocker_cost == 0
    assert p.strategy is Strategy.KEEP
    assert "whole redesign" in p.reason
    # with a cheaper Python-side fix to try, that fix comes first, as below the threshold
    tip, tip_scored = _plan(
        CPU + MAIN, [f("GP107", Category.CPU, 1.0), f("GP401", Category.BLOCKER, 1.5)]
    )
    assert tip_scored.score >= CALIBRATION.min_go_score > move_score(tip_scored)
    assert tip.strategy is Strategy.OPTIMISE_FIRST and tip.python_first
