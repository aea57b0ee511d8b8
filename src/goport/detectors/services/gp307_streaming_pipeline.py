"""GP307 streaming-pipeline: generator pipeline stage or async stream: goroutines and channels in
Go."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from goport.detectors.base import Context, Detector, FunctionFrame, Match, NoMatch
from goport.detectors.services._shared import _decorator_func
from goport.detectors.syntax import (
    NETWORK_LIBRARIES,
    STREAM_LIBRARIES,
    last_part,
    networked,
    under,
)
from goport.model import Category, Trait

_CONTEXT_MANAGERS = frozenset({"contextmanager", "asynccontextmanager", "fixture"})


_ASYNC_STREAM_WEIGHT = 2.0

#: a generator stage in a module that imports one of ``STREAM_LIBRARIES`` may carry a stream;
#: anywhere else it is iteration (an event loop alone is no stream). These libraries count
#: only when the stage's own function calls them: a module that fetches one document over HTTP
#: or guards a cache with a lock does not make its generators streams
_IO_CALLS = (
    *NETWORK_LIBRARIES, "asyncio", "trio", "anyio", "curio", "threading", "_thread", "queue",
    "multiprocessing", "concurrent.futures", "celery",
)  # fmt: skip

#: calls that read a network stream, whatever object they are made on
_STREAM_READS = frozenset(
    {
        "recv", "recv_into", "recvfrom", "recv_multipart", "recv_json", "recv_string",
        "iter_lines", "iter_content", "iter_bytes", "iter_text", "iter_raw", "iter_chunked",
        "iter_any", "readuntil", "readexactly", "get_message", "receive_message",
        "receive_messages",
    }
)  # fmt: skip


#: event-loop calls that open or read a connection (``asyncio.open_connection``,
#: ``loop.create_server``, ``loop.sock_recv``)
_LOOP_IO = frozenset(
    {
        "open_connection", "start_server", "open_unix_connection", "start_unix_server",
        "create_connection", "create_server", "create_datagram_endpoint", "create_unix_connection",
        "create_unix_server", "sock_recv", "sock_recv_into", "sock_accept", "sock_connect",
        "connect_read_pipe",
    }
)  # fmt: skip


def _parameter_names(node: cst.FunctionDef) -> frozenset[str]:
    params = node.params
    names = {p.name.value for p in (*params.posonly_params, *params.params, *params.kwonly_params)}
    if isinstance(params.star_arg, cst.Param):
        names.add(params.star_arg.name.value)
    return frozenset(names - {"self", "cls"})


def _mentions(expr: cst.BaseExpression, names: frozenset[str]) -> bool:
    """Whether ``expr`` reads one of ``names`` (``lines``, ``enumerate(rows)``, ``src.read()``)."""
    stack: list[cst.BaseExpression] = [expr]
    budget = 32  # loop headers are small; never walk a big expression
    while stack and budget:
        budget -= 1
        node = stack.pop()
        if isinstance(node, cst.Name):
            if node.value in names:
                return True
        elif isinstance(node, cst.Attribute):
            stack.append(node.value)
        elif isinstance(node, cst.Call):
            if isinstance(node.func, cst.Name) and node.func.value == "range":
                continue  # counting, not consuming an input
            stack.append(node.func)
            stack.extend(a.value for a in node.args)
        elif isinstance(node, cst.Subscript):
            stack.append(node.value)
        elif isinstance(node, (cst.Tuple, cst.List)):
            stack.extend(e.value for e in node.elements)
        elif isinstance(node, (cst.GeneratorExp, cst.ListComp)):
            stack.append(node.for_in.iter)
        elif isinstance(node, cst.Await):
            stack.append(node.expression)
        elif isinstance(node, cst.BinaryOperation):
            stack.extend((node.left, node.right))
    return False


@dataclass(slots=True)
class _Stage:
    """What a function's body showed so far: loops over its inputs, yields, async streams."""

    input_fors: int = 0  # depth of for loops over an input of the function
    yield_for: bool = False  # a yield inside a for loop over an input
    yield_loop: bool = False  # a yield inside any loop
    async_for: bool = False  # an async for or async comprehension


class StreamingPipeline(Detector):
    """Generator pipeline stages over network streams, and async stream consumers.

    What it detects: a function that ``yield``s inside a ``for`` loop over one of its own
    parameters (``for line in lines``, ``for i, row in enumerate(rows)``: a pipeline stage) when
    there is evidence of streamed I/O - the module imports a socket or broker library (socket,
    kafka, redis, zmq, grpc...; an event loop alone is none), or the function itself calls
    threading, queue, multiprocessing, asyncio or a network client, or reads a stream
    (``.recv()``, ``.iter_lines()``, ``.iter_content()``, ``.readuntil()``); an ``async def``
    generator that yields inside a loop; and a function that consumes an async stream with
    ``async for``. One finding per function, at the ``def``; a
    sync stage weighs ``WEIGHT`` (1.0). An async generator or ``async for`` consumer weighs 2.0
    (a stream of I/O, not just a lazy transform) when its module imports a network library
    (sockets, HTTP clients and servers, brokers, database clients) or the function reads a stream
    or opens a connection (``.readuntil()``, ``asyncio.open_connection``, ``loop.sock_recv``);
    an event-loop import alone is no such evidence. Without it (a library's async variants of
    its own API: a template renderer's ``async for`` over what the caller passed) the stage is
    still reported, at 1.0 and without the network trait, so it makes no module a network
    service.
    Why it matters for a Go port: chained generators are a streaming pipeline run on one thread;
    in Go each stage is a goroutine connected by channels, so stages run in parallel with
    back-pressure from bounded channels.
    Go idiom: ``func stage(ctx context.Context, in <-chan T) <-chan U`` goroutines joined by
    channels (the pipelines pattern), ``errgroup`` for cancellation, or ``iter.Seq`` for a
    purely sequential stage.
    Known limits: a plain one-off ``yield`` (context managers, fixtures, dependency providers)
    is not a stage and is ignored, as are ``@contextmanager`` functions; a sync generator that
    walks its own state (``__iter__`` over ``self._items``, ``range(n)``, ``os.scandir``) is
    iteration, not a stage, and is ignored, as is a ``while`` loop that yields (a counter, a
    tail -f); lazy ``map``/``filter`` chains and generator expressions are not counted. A
    generator stage with no such evidence (a tokenizer yielding tokens, a parser yielding nodes)
    is one-thread iteration, ``iter.Seq`` in Go and no concurrency, so it is not reported; a
    stage fed by a network stream through a wrapper of the project's own is missed.
    """

    ID = "GP307"
    NAME = "streaming-pipeline"
    CATEGORY = Category.SERVICE
    WEIGHT = 1.0
    PYTHON = "generator stages (yield in a loop), async generators, async for"
    GO_IDIOM = "goroutine stages connected by channels: func stage(in <-chan T) <-chan U"
    SUMMARY = "generator pipeline stage or async stream: goroutines and channels in Go"
    TRAITS = (Trait.NETWORK,)
    MATCHES = (
        Match(
            """
            import requests

            def rows(urls):
                for url in urls:
                    for line in requests.get(url, stream=True).iter_lines():
                        yield line.split(b',')
            """,
            line=3,
        ),
        Match(
            """
            def frames(conns):
                for conn in conns:
                    data = conn.recv(4096)
                    if data:
                        yield data
            """,
            line=1,
        ),
        Match(
            """
            import asyncio

            async def lines(host, port):
                reader, writer = await asyncio.open_connection(host, port)
                while True:
                    yield await reader.readline()
            """,
            line=3,
        ),
        Match(
            """
            import websockets

            async def drain(stream, sink):
                async for chunk in stream:
                    await sink.write(chunk)
            """,
            line=3,
        ),
        Match(
            """
            async def rendered(items, render):
                async for item in items:
                    yield await render(item)
            """,
            line=1,
        ),
    )
    NO_MATCHES = (
        NoMatch(
            """
            class Bag:
                def __iter__(self):
                    for item in self._items:
                        yield item
            """
        ),
        NoMatch(
            """
            def squares(n):
                for i in range(n):
                    yield i * i
            """
        ),
        NoMatch(
            """
            from contextlib import contextmanager

            @contextmanager
            def opened(path):
                f = open(path)
                try:
                    yield f
                finally:
                    f.close()
            """
        ),
        NoMatch(
            """
            async def get_db(make):
                db = make()
                try:
                    yield db
                finally:
                    await db.close()
            """
        ),
        NoMatch(
            """
            def parse(lines):
                out = []
                for line in lines:
                    out.append(line)
                return out
            """
        ),
        NoMatch(
            """
            def counter():
                n = 0
                while True:
                    yield n
                    n += 1
            """
        ),
        NoMatch(
            r"""
            import re

            def tokens(lines):
                for line in lines:
                    for word in re.findall(r'\w+', line):
                        yield word.lower()
            """
        ),
        NoMatch(
            """
            def parse(lines):
                for line in lines:
                    if line:
                        yield line.split(',')
            """
        ),
    )

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self._input_loops: list[bool] = []  # per enclosing for loop: iterates a parameter
        self._params: dict[int, frozenset[str]] = {}
        self._stages: dict[FunctionFrame, _Stage] = {}

    def _stage(self, frame: FunctionFrame) -> _Stage:
        stage = self._stages.get(frame)
        if stage is None:
            stage = self._stages[frame] = _Stage()
        return stage

    def visit_For(self, node: cst.For) -> None:
        frame = self.ctx.function
        over_input = False
        if frame is not None:
            key = id(frame.node)
            params = self._params.get(key)
            if params is None:
                params = self._params[key] = _parameter_names(frame.node)
            over_input = bool(params) and _mentions(node.iter, params)
            if over_input:
                self._stage(frame).input_fors += 1
        self._input_loops.append(over_input)

    def leave_For(self, node: cst.For) -> None:
        over_input = self._input_loops.pop()
        frame = self.ctx.function
        if frame is not None:
            if over_input:
                self._stage(frame).input_fors -= 1
            if node.asynchronous is not None:
                self._stage(frame).async_for = True

    def leave_CompFor(self, node: cst.CompFor) -> None:
        frame = self.ctx.function
        if node.asynchronous is not None and frame is not None:
            self._stage(frame).async_for = True

    def leave_Yield(self, node: cst.Yield) -> None:
        frame = self.ctx.function
        if frame is None or self.ctx.loop_depth_in_function == 0:
            return
        stage = self._stage(frame)
        stage.yield_loop = True
        if stage.input_fors > 0:
            stage.yield_for = True

    def _streams(self, frame: FunctionFrame) -> bool:
        """Evidence that a generator stage may carry a stream of I/O, not a plain iteration."""
        if self.ctx.imports_any(*STREAM_LIBRARIES):
            return True
        # calls into an imported library, not into a local variable named ``queue``
        imported = tuple(m for m in _IO_CALLS if self.ctx.imports_any(m))
        return any(
            last_part(call) in _STREAM_READS or (imported and under(call, imported) is not None)
            for call in frame.calls
        )

    def _async_streams(self, frame: FunctionFrame) -> bool:
        """Evidence that an async stage carries network I/O: a network library imported, or the
        function reads a stream or opens a connection itself. An event loop alone is no evidence:
        a library's async variants of its own API run on one too."""
        return networked(self.ctx) or any(
            last_part(call) in _STREAM_READS or last_part(call) in _LOOP_IO for call in frame.calls
        )

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        frame = self.ctx.function
        if frame is None:
            return
        self._params.pop(id(node), None)
        stage = self._stages.pop(frame, None)
        if stage is None or not (stage.yield_loop or stage.async_for):
            return
        for decorator in node.decorators:
            if last_part(self.ctx.resolve(_decorator_func(decorator))) in _CONTEXT_MANAGERS:
                return
        name = node.name.value
        if frame.is_async or stage.async_for:
            what = (
                f"async generator stage {name}"
                if frame.is_async and stage.yield_loop
                else f"{name} consumes an async stream with async for"
            )
            if self._async_streams(frame):
                self.report(node, what, weight=_ASYNC_STREAM_WEIGHT)
            else:
                # async iteration with nothing networked in sight: a lazy async transform
                self.report(node, f"{what} (no network evidence)", traits=())
        elif stage.yield_for and self._streams(frame):
            self.report(node, f"generator stage {name} (yields inside a loop)")
