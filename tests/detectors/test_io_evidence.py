"""Concurrency and service rules need evidence of I/O or threads, not just the shape of code."""

from __future__ import annotations

import textwrap
from pathlib import Path

from goport.config import Config
from goport.extract import extract
from goport.model import Boundary, Category, Finding, ModuleFacts, SourceFile, Trait
from goport.scoring import score_module

PARSER_MODULE = """
import re
from dataclasses import dataclass

TOKEN = re.compile(r"\\s*(?:(\\d+)|(\\w+)|(.))")


@dataclass
class Token:
    kind: str
    text: str


def tokenize(lines):
    for line in lines:
        for number, name, op in TOKEN.findall(line):
            if number:
                yield Token("number", number)
            elif name:
                yield Token("name", name)
            elif op.strip():
                yield Token("op", op)


def parse(tokens):
    for tok in tokens:
        if tok.kind == "number":
            yield int(tok.text)
        else:
            yield tok.text


class Lexer:
    def __init__(self, text):
        self.text = text

    def __iter__(self):
        for line in self.text.splitlines():
            yield from tokenize([line])
"""


def facts(code: str) -> ModuleFacts:
    return extract(SourceFile("m.py", "m.py", "m"), textwrap.dedent(code).encode())


def io_findings(m: ModuleFacts) -> list[Finding]:
    return [f for f in m.findings if f.category in (Category.CONCURRENCY, Category.SERVICE)]


def test_a_generator_only_parser_gets_no_concurrency_credit() -> None:
    m = facts(PARSER_MODULE)
    assert io_findings(m) == []
    scored = score_module(m, m.findings, Boundary(0, 0, (), (), (), ()), Config(root=Path(".")))
    assert "concurrency" not in {f.name for f in scored.factors}


def test_the_same_stage_over_a_network_stream_is_a_pipeline() -> None:
    networked = "import socket\n" + PARSER_MODULE
    assert {f.rule for f in io_findings(facts(networked))} == {"GP307"}
    reads = """
        import requests

        def rows(url):
            for line in requests.get(url, stream=True).iter_lines():
                yield line

        def split(lines):
            for line in lines:
                yield line.split(b",")
    """
    # only the function that reads the stream: an HTTP client import alone is no stream
    assert [f.symbol for f in io_findings(facts(reads))] == ["rows"]


def test_a_local_variable_named_like_a_module_is_not_evidence() -> None:
    code = """
        def components(graph):
            queue = []
            for node in graph:
                queue.append(node)
                yield node
    """
    assert io_findings(facts(code)) == []


def test_a_priority_queue_without_threads_is_a_heap() -> None:
    heap = """
        from queue import PriorityQueue

        def cheapest(edges):
            q = PriorityQueue()
            for w, e in edges:
                q.put((w, e))
            return q.get()
    """
    assert io_findings(facts(heap)) == []
    threaded = "import threading\n" + textwrap.dedent(heap)
    assert {f.rule for f in io_findings(facts(threaded))} == {"GP203"}


def test_a_bare_get_polls_a_queue_only_where_queues_are_used() -> None:
    cursor = """
        def first_admissible(edge, ok):
            while True:
                v = edge.get()
                if ok(v):
                    return v
                edge.move_to_next()
    """
    assert io_findings(facts(cursor)) == []
    worker = "import queue\n" + textwrap.dedent(cursor)
    assert {f.rule for f in io_findings(facts(worker))} == {"GP306"}


ASYNC_TRANSFORM = """
async def auto_aiter(iterable):
    async for item in iterable:
        yield item


async def render(blocks, context):
    async for chunk in blocks:
        yield chunk.format(**context)
"""


def test_an_async_transform_without_network_evidence_is_no_network_stream() -> None:
    bare = [f for f in io_findings(facts(ASYNC_TRANSFORM)) if f.rule == "GP307"]
    assert [(f.symbol, f.weight, f.traits) for f in bare] == [
        ("auto_aiter", 1.0, ()),
        ("render", 1.0, ()),
    ]
    assert all("no network evidence" in f.message for f in bare)
    # the same functions in a module that runs an event loop carry a stream: network, weight 2
    looped = [
        f for f in io_findings(facts("import asyncio\n" + ASYNC_TRANSFORM)) if f.rule == "GP307"
    ]
    assert [(f.weight, f.traits) for f in looped] == [(2.0, (Trait.NETWORK,))] * 2


def test_the_concurrency_factor_says_when_no_network_was_seen() -> None:
    def explanation(code: str) -> str:
        m = facts(code)
        scored = score_module(m, m.findings, Boundary(0, 0, (), (), (), ()), Config(root=Path(".")))
        return next(f.explanation for f in scored.factors if f.name == "concurrency")

    assert "no network seen" in explanation(ASYNC_TRANSFORM)
    assert explanation("import asyncio\n" + ASYNC_TRANSFORM).startswith("Concurrent network work")
