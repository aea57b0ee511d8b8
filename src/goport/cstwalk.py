"""The one place that touches libcst internals: a source-order walk with line numbers.

libcst's public ways to visit a tree with positions are slow: ``CSTVisitor`` rebuilds every node
it visits (measured on 120 stdlib files: 0.7x the parse time), and ``PositionProvider`` runs a
position-recording code generator over the whole tree (2.2x the parse). goport instead drives
libcst's own code generator (``Module._codegen``) with a state object (a subclass of the internal
``CodegenState``) that writes nothing: it counts newlines, records the line span of each node at
the points libcst marks as a node's syntactic start and end, and calls ``enter``/``leave`` for
every node in source order, all in 0.25x the parse.

Those names are private, so they are kept here and checked: ``libcst`` is bounded below the next
major version in pyproject.toml, ``INTERNALS`` lists every hook this module relies on (a libcst
that lacks one fails at import with a message that says so, never mid-scan), and the tests
compare the spans found here with libcst's public ``PositionProvider`` on real code, under the
oldest and the newest libcst supported.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import libcst as cst

from goport.errors import GoportError
from goport.model import Span

try:
    from libcst._nodes.internal import CodegenState
except ImportError as exc:  # pragma: no cover - only with an unsupported libcst
    raise GoportError(
        f"goport needs libcst>=1.1,<2 (this libcst has no code-generation state: {exc}); "
        'install a supported one: pip install "libcst>=1.1,<2"'
    ) from exc

#: what goport uses of libcst's code generator: (owner, attribute)
INTERNALS = (
    (CodegenState, "add_token"),
    (CodegenState, "add_indent_tokens"),
    (CodegenState, "pop_trailing_newline"),
    (CodegenState, "record_syntactic_position"),
    (CodegenState, "before_codegen"),
    (CodegenState, "after_codegen"),
    (CodegenState, "indent_tokens"),
    (cst.CSTNode, "_codegen"),
)


def _missing() -> list[str]:
    fields = set(getattr(CodegenState, "__dataclass_fields__", ()))
    return [
        f"{owner.__name__}.{name}"
        for owner, name in INTERNALS
        if not hasattr(owner, name) and name not in fields
    ]


if _missing():  # pragma: no cover - only with an unsupported libcst
    raise GoportError(
        f"goport needs libcst>=1.1,<2: this libcst ({getattr(cst, '__version__', '?')}) lacks "
        f'{", ".join(_missing())}; install a supported one: pip install "libcst>=1.1,<2"'
    )


class _Positions:
    """The context libcst opens around a node's syntactic part: its start and end lines."""

    __slots__ = ("end_node", "node", "start_node", "walk")

    def __init__(
        self,
        walk: LineWalk,
        node: cst.CSTNode,
        start_node: cst.CSTNode | None,
        end_node: cst.CSTNode | None,
    ) -> None:
        self.walk = walk
        self.node = node
        self.start_node = start_node
        self.end_node = end_node

    def __enter__(self) -> None:
        w = self.walk
        w.starts[id(self.node)] = w.line
        if w.awaiting:
            # nodes entered before this first syntactic token start here
            for key in w.awaiting:
                w.starts.setdefault(key, w.line)
            w.awaiting.clear()

    def __exit__(self, *exc: object) -> None:
        w = self.walk
        key = id(self.node)
        if self.start_node is not None and id(self.start_node) in w.starts:
            w.starts[key] = w.starts[id(self.start_node)]
        if self.end_node is not None and id(self.end_node) in w.ends:
            w.ends[key] = w.ends[id(self.end_node)]
        else:
            w.ends[key] = w.line


#: what the walk calls on entering or leaving a node
Action = Callable[[Any], None]


class LineWalk(CodegenState):
    """A code generator that writes nothing: it counts lines and calls the subclass's actions.

    A subclass fills ``on_enter`` (node type -> actions run before the node's children; nodes
    of these types get a ``span``) and ``on_leave`` (node type -> actions run after them);
    ``span(node)`` is a node's line span, ``line`` the line the walk is on, ``indented`` whether
    it is inside an indented block. Tables rather than methods: these run for every node of
    every file, and one dictionary lookup per node is what the walk costs.
    """

    def __init__(self, module: cst.Module) -> None:
        super().__init__(
            default_indent=module.default_indent, default_newline=module.default_newline
        )
        self.line = 1
        self.newline = "\r" if module.default_newline == "\r" else "\n"
        self.starts: dict[int, int] = {}
        self.ends: dict[int, int] = {}
        self.awaiting: list[int] = []
        self.on_enter: dict[type, tuple[Action, ...]] = {}
        self.on_leave: dict[type, tuple[Action, ...]] = {}

    def walk(self, module: cst.Module) -> None:
        """Every node of ``module``, in source order."""
        module._codegen(self)

    @property
    def indented(self) -> bool:
        return bool(self.indent_tokens)

    def span(self, node: cst.CSTNode) -> Span:
        key = id(node)
        start = self.starts.get(key) or self.line
        end = self.ends.get(key, start)
        return Span(start, max(start, end))

    # -- CodegenState hooks ---------------------------------------------------------------------
    def add_token(self, value: str) -> None:
        if self.newline in value:
            self.line += value.count(self.newline)

    def add_indent_tokens(self) -> None:
        pass

    def pop_trailing_newline(self) -> None:
        pass

    def record_syntactic_position(  # type: ignore[override]
        self,
        node: cst.CSTNode,
        *,
        start_node: cst.CSTNode | None = None,
        end_node: cst.CSTNode | None = None,
    ) -> _Positions:
        return _Positions(self, node, start_node, end_node)

    def before_codegen(self, node: cst.CSTNode) -> None:
        actions = self.on_enter.get(type(node))
        if actions is not None:
            self.awaiting.append(id(node))
            for action in actions:
                action(node)

    def after_codegen(self, node: cst.CSTNode) -> None:
        actions = self.on_leave.get(type(node))
        if actions is not None:
            for action in actions:
                action(node)
