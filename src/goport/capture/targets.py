"""The boundary functions ``goport capture`` and ``goport shim`` work on, read from the plan.

The plan's contracts already name each moving module's boundary (``Contract.names``: what the
rest of the project uses of it); this module only turns those names into what a tracer needs to
recognise a function at run time (its file, qualified name and the lines its ``def`` and
decorators span) and says why the others are left out: methods (a receiver is not a JSON value),
``async def`` (the Go side answers synchronously), classes and constants (nothing to call).
"""

from __future__ import annotations

import ast
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from goport.errors import UsageError
from goport.model import FunctionFacts, ModuleFacts, Strategy
from goport.planning import go_name
from goport.roadmap import surface
from goport.text import printable

if TYPE_CHECKING:
    from goport.model import RunResult
    from goport.roadmap.model import Contract, Step
    from goport.roadmap.roadmap import Plan


@dataclass(frozen=True, slots=True)
class Target:
    """One boundary function of a moving module."""

    module: str  # dotted: "hashkit.fnv"
    qualname: str  # "fnv1a_32"
    rel_path: str
    file: str  # its real absolute path, as the tracer compares ``co_filename``
    lines: tuple[tuple[int, int], ...]  # (first decorator line, def line) of each definition
    go_name: str
    strategy: Strategy
    step: int
    returns: str | None = None  # the annotation, as written
    generator: bool = False  # its body yields (read statically, for a shim without captures)

    @property
    def key(self) -> str:
        return f"{self.module}:{self.qualname}"

    def spec(self) -> dict[str, Any]:
        """What the tracer needs (JSON)."""
        return {
            "key": self.key,
            "module": self.module,
            "qualname": self.qualname,
            "file": self.file,
            "lines": [list(r) for r in self.lines],
        }


@dataclass(frozen=True, slots=True)
class Boundary:
    targets: tuple[Target, ...]
    left_out: tuple[tuple[str, str], ...]  # (module:name, why it is not traced)


Reader = Callable[[str], "bytes | None"]


def boundary(plan: Plan, result: RunResult, read: Reader, only: Sequence[str] = ()) -> Boundary:
    """The boundary functions of the plan's steps (of the steps moving ``only``, when given)."""
    facts = {m.rel_path: m for m in result.modules}
    steps = selected(plan, facts, only)
    root = Path(result.root)
    targets: list[Target] = []
    left_out: list[tuple[str, str]] = []
    for step in steps:
        for number, contract in plan.contracts:
            module = facts.get(contract.rel_path)
            if number != step.number or module is None:
                continue
            source = read(module.rel_path)
            found, skipped = _module_targets(module, contract, step, root, source)
            targets.extend(found)
            left_out.extend(skipped)
        for rel in step.modules:
            if not any(n == step.number and c.rel_path == rel for n, c in plan.contracts):
                left_out.append((rel, "no contract (its source could not be read)"))
    return Boundary(tuple(targets), tuple(left_out))


def selected(plan: Plan, facts: dict[str, ModuleFacts], only: Sequence[str]) -> list[Step]:
    """The steps moving the modules named (dotted, or a path relative to the root)."""
    if not only:
        return list(plan.steps)
    steps: list[Step] = []
    for name in only:
        rel = _rel_path(name, facts)
        if rel is None:
            raise UsageError(f"--module {printable(name)}: no such module in the project")
        step = plan.step_of(rel)
        if step is None:
            moving = ", ".join(facts[r].module for s in plan.steps for r in s.modules)
            raise UsageError(
                f"--module {printable(name)}: not in the plan (it stays in Python); the plan "
                f"moves: {printable(moving) or 'nothing'}"
            )
        if step not in steps:
            steps.append(step)
    return steps


def _rel_path(name: str, facts: dict[str, ModuleFacts]) -> str | None:
    path = name.replace(os.sep, "/").removeprefix("./")
    for m in facts.values():
        if name == m.module or path in (m.rel_path, m.rel_path.removesuffix(".py")):
            return m.rel_path
    return None


def _module_targets(
    module: ModuleFacts, contract: Contract, step: Step, root: Path, source: bytes | None
) -> tuple[list[Target], list[tuple[str, str]]]:
    if not is_dotted_name(module.module):  # no golden file or shim could name it: say so now
        why = "not a dotted Python name: no golden file or shim can name it"
        return [], [(f"{module.module}:{name}", why) for name in contract.names]
    functions = {f.qualname: f for f in module.functions}
    lines = _def_lines(source)
    hints = surface.read(source).hints if source is not None else {}
    found: list[Target] = []
    skipped: list[tuple[str, str]] = []
    for name in contract.names:
        fn = functions.get(name)
        if fn is None:
            methods = _methods(module, name)
            if methods:
                why = f"a class: {len(methods)} method(s), whose receiver is not a JSON value"
                skipped.append((f"{module.module}:{name}", why))
            continue
        if fn.is_async:
            skipped.append((f"{module.module}:{name}", "async def: the Go side answers in turn"))
            continue
        generator = name in hints and hints[name].generator
        found.append(_target(module, fn, step, root, lines, generator))
    return found, skipped


def is_dotted_name(name: str) -> bool:
    """Whether ``name`` is dotted identifiers (``a.b``): what a golden file's path and a shim
    are made of. A folder of the scanned tree may be called ``my-tools`` or worse."""
    return all(part.isidentifier() for part in name.split("."))


def _target(
    module: ModuleFacts,
    fn: FunctionFacts,
    step: Step,
    root: Path,
    lines: dict[str, list[tuple[int, int]]],
    generator: bool,
) -> Target:
    return Target(
        module=module.module,
        qualname=fn.qualname,
        rel_path=module.rel_path,
        file=os.path.realpath(root / module.rel_path),
        lines=tuple(lines.get(fn.qualname) or [(fn.span.line, fn.span.line)]),
        go_name=go_name(fn.qualname),
        strategy=step.strategy,
        step=step.number,
        returns=fn.returns,
        generator=generator,
    )


def _methods(module: ModuleFacts, name: str) -> list[str]:
    """The public methods (and the constructor) of a class the boundary names."""
    prefix = name + "."
    return [
        f.qualname
        for f in module.functions
        if f.qualname.startswith(prefix)
        and "." not in f.qualname[len(prefix) :]
        and (not f.qualname.rsplit(".", 1)[-1].startswith("_") or f.qualname.endswith(".__init__"))
    ]


def _toplevel(tree: ast.Module) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    """Module-level function definitions, also under a module-level if/try/with."""
    out: list[ast.FunctionDef | ast.AsyncFunctionDef] = []
    todo: list[ast.stmt] = list(tree.body)
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            out.append(node)
        elif isinstance(node, (ast.If, ast.Try, ast.With)):
            for field in ("body", "orelse", "finalbody"):
                todo.extend(getattr(node, field, []))
            todo.extend(s for h in getattr(node, "handlers", []) for s in h.body)
    return out


def _def_lines(source: bytes | None) -> dict[str, list[tuple[int, int]]]:
    """Each module-level function's (first decorator line, def line), per definition: before
    3.11 the tracer tells a function from a nested one of the same name by them."""
    lines: dict[str, list[tuple[int, int]]] = {}
    try:
        tree = ast.parse(source or b"")
    except (SyntaxError, ValueError, RecursionError, MemoryError):  # hostile or broken code
        return lines
    for node in _toplevel(tree):
        first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
        lines.setdefault(node.name, []).append((first, node.lineno))
    return lines
