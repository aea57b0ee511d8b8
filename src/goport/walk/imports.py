"""Import statements as ``Import`` facts (absolute targets, local aliases), and the
module-level alias table seeded before the walk, so a function defined above an import sees it.
goport resolves aliases itself: libcst's qualified-name metadata costs about ten parses."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from goport.detectors.base import Context
from goport.detectors.syntax import dotted
from goport.model import Import


def _absolute(module: str, is_package: bool, level: int, name: str) -> str:
    if level == 0:
        return name
    parts = module.split(".")
    if not is_package:
        parts = parts[:-1]
    if level > 1:
        parts = parts[: max(0, len(parts) - (level - 1))]
    base = ".".join(p for p in parts if p)
    if base and name:
        return base + "." + name
    return base or name


def imports_of(node: cst.Import | cst.ImportFrom, ctx: Context, line: int) -> list[Import]:
    out: list[Import] = []
    if isinstance(node, cst.Import):
        for alias in node.names:
            target = dotted(alias.name) or ""
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                out.append(Import(target, alias.asname.name.value, line))
            else:
                # ``import a.b`` binds ``a``; attribute chains then resolve to a.b.x naturally
                head = target.split(".", 1)[0]
                out.append(Import(head if "." in target else target, head, line))
                if "." in target:
                    out.append(Import(target, target, line))
        return out
    base = _absolute(ctx.module, ctx.is_package, len(node.relative), dotted(node.module) or "")
    if isinstance(node.names, cst.ImportStar):
        out.append(Import(base, "*", line, is_from=True))
        return out
    for alias in node.names:
        name = dotted(alias.name) or ""
        local = (
            alias.asname.name.value
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name)
            else name
        )
        out.append(Import(f"{base}.{name}" if base else name, local, line, is_from=True))
    return out


def top_level_imports(module: cst.Module, ctx: Context) -> None:
    """Seed the alias table with module-level imports, so functions defined above see them
    (the first binding of a name), and note the names bound to more than one target."""
    seen = ctx.top_imports

    def walk(body: Sequence[cst.BaseStatement | cst.BaseSmallStatement]) -> None:
        for stmt in body:
            if isinstance(stmt, cst.SimpleStatementLine):
                for small in stmt.body:
                    if isinstance(small, (cst.Import, cst.ImportFrom)):
                        for imp in imports_of(small, ctx, 0):
                            first = seen.setdefault(imp.alias, imp.target)
                            if first != imp.target:
                                ctx.rebound.add(imp.alias)
                            ctx.aliases.setdefault(imp.alias, imp.target)
                            if not imp.is_from:
                                ctx.modules.add(imp.alias)
            elif isinstance(stmt, (cst.If, cst.Try)):
                for block in _blocks(stmt):
                    if isinstance(block, cst.IndentedBlock):
                        walk(block.body)

    walk(module.body)


def _blocks(stmt: cst.If | cst.Try) -> list[cst.BaseSuite]:
    """The suites an ``if`` or ``try`` at module level may run: body, else, handlers."""
    blocks = [stmt.body]
    if isinstance(stmt, cst.Try):
        blocks.extend(handler.body for handler in stmt.handlers)
    orelse = stmt.orelse
    while isinstance(orelse, cst.If):  # elif
        blocks.append(orelse.body)
        orelse = orelse.orelse
    if orelse is not None:
        blocks.append(orelse.body)
    return blocks
