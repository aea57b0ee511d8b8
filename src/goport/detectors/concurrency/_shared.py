"""Helpers shared by the concurrency rules: resolved-name lookups with a cheap last-name check
first."""

from __future__ import annotations

import libcst as cst

from goport.detectors.base import Context, Detector
from goport.detectors.syntax import alias_tail, last_part, networked, tail
from goport.model import Trait


def _tails(names: dict[str, str] | frozenset[str]) -> frozenset[str]:
    return frozenset(last_part(name) for name in names)


def _lookup(
    ctx: Context, call: cst.Call, table: dict[str, str], tails: frozenset[str]
) -> str | None:
    """The table entry of a call's resolved name, checking the cheap last part first."""
    if alias_tail(ctx, call.func) not in tails:
        return None
    name = ctx.callee(call)
    return table.get(name) if name is not None else None


def _base_match(ctx: Context, node: cst.ClassDef, table: dict[str, str]) -> str | None:
    for base in node.bases:
        name = ctx.resolve(base.value)
        if name is not None and name in table:
            return table[name]
    return None


_LOOP_NAMES = frozenset({"loop", "_loop", "event_loop", "_event_loop", "ioloop"})

_LOOP_GETTERS = frozenset(
    {"asyncio.get_event_loop", "asyncio.get_running_loop", "asyncio.new_event_loop"}
)


def _is_event_loop(ctx: Context, node: cst.BaseExpression) -> bool:
    """``loop``, ``self._loop`` or ``asyncio.get_running_loop()``: an asyncio event loop."""
    if isinstance(node, cst.Call):
        return ctx.callee(node) in _LOOP_GETTERS
    return tail(node) in _LOOP_NAMES


class NetworkWhenImported(Detector):
    """Base of the asyncio rules: their findings are network work (``Trait.NETWORK``) only in
    a module that imports a network library; asyncio tasks, queues and ``async def`` alone may be
    in-process plumbing (a library's async variants of its own API), which no Go service serves.
    Only the imports above the finding count: an import placed below it is missed.
    """

    TRAITS = (Trait.NETWORK,)

    def traits_here(self) -> tuple[Trait, ...]:
        return self.TRAITS if networked(self.ctx) else ()
