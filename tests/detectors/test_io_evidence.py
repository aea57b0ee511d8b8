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
    def stages(code: str) -> list[tuple[str, float, tuple[Trait, ...]]]:
        found = [f for f in io_findings(facts(code)) if f.rule == "GP307"]
        return [(f.symbol, f.weight, f.traits) for f in found]

    bare = [("auto_aiter", 1.0, ()), ("render", 1.0, ())]
    assert stages(ASYNC_TRANSFORM) == bare
    assert all("no network evidence" in f.message for f in io_findings(facts(ASYNC_TRANSFORM)))
    # an event loop alone is no evidence: a library's async API runs on one too
    assert stages("import asyncio\n" + ASYNC_TRANSFORM) == bare
    # a network library in the module makes them streams of I/O: network, weight 2
    networked = [("auto_aiter", 2.0, (Trait.NETWORK,)), ("render", 2.0, (Trait.NETWORK,))]
    assert stages("import aiohttp\n" + ASYNC_TRANSFORM) == networked
    # so does a connection the function opens itself
    opens = """
        import asyncio

        async def lines(host):
            reader, _ = await asyncio.open_connection(host, 80)
            async for line in reader:
                yield line
    """
    assert stages(opens) == [("lines", 2.0, (Trait.NETWORK,))]


def test_a_sync_function_returning_an_async_generator_expression_is_a_stage() -> None:
    code = """
        def lowered(items):
            return (item.lower() async for item in items)
    """
    found = [f for f in io_findings(facts(code)) if f.rule == "GP307"]
    assert [(f.symbol, f.traits) for f in found] == [("lowered", ())]


ASYNC_FAN_OUT = """
import asyncio


async def fetch_all(session, urls):
    limit = asyncio.Semaphore(10)

    async def one(url):
        async with limit:
            return await session.get(url)

    return await asyncio.gather(*(one(u) for u in urls))
"""


def test_asyncio_rules_are_network_work_only_beside_a_network_library() -> None:
    def traits(code: str) -> dict[str, tuple[Trait, ...]]:
        return {f.rule: f.traits for f in io_findings(facts(code))}

    assert traits(ASYNC_FAN_OUT) == {"GP205": (), "GP206": ()}
    assert traits("import httpx\n" + ASYNC_FAN_OUT) == {
        "GP205": (Trait.NETWORK,),
        "GP206": (Trait.NETWORK,),
    }


def test_the_concurrency_factor_says_when_no_network_was_seen() -> None:
    def explanation(code: str) -> str:
        m = facts(code)
        scored = score_module(m, m.findings, Boundary(0, 0, (), (), (), ()), Config(root=Path(".")))
        return next(f.explanation for f in scored.factors if f.name == "concurrency")

    assert "no network seen" in explanation(ASYNC_TRANSFORM)
    assert explanation("import aiohttp\n" + ASYNC_TRANSFORM).startswith("Concurrent network work")


def test_an_event_loop_import_alone_makes_no_sync_stage_a_stream() -> None:
    assert io_findings(facts("import asyncio\n" + PARSER_MODULE)) == []
    handoff = """
        import asyncio

        def forward(items, loop, queue):
            for item in items:
                asyncio.run_coroutine_threadsafe(queue.put(item), loop)
                yield item
    """
    assert [f.symbol for f in io_findings(facts(handoff))] == ["forward"]
