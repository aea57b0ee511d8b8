"""What a detector is, and the per-module context every detector reads while the tree is walked.

A detector is a class with ``visit_<NodeType>`` and ``leave_<NodeType>`` methods (libcst node
class names, named as libcst and Fixit name them). The extractor walks each module once, in
source order, and calls a detector's ``visit_X`` when it enters a node of type X and ``leave_X``
when it leaves it: on leaving, the node's lines are known and the context (enclosing function,
loop depth, import aliases) still describes where the node sits. ``finish`` runs once at module
end.

Detectors only emit findings through ``Context.report``; they never rank.
"""

from __future__ import annotations

import importlib
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar, cast

import libcst as cst

from goport.detectors.syntax import dotted, under
from goport.model import Category, Finding, Span, Trait

__all__ = ["Context", "Detector", "FunctionFrame", "dotted"]  # dotted: for extract and callsites


@dataclass(slots=True, eq=False)
class FunctionFrame:
    """A function being walked. Compared by identity, so a detector keeps its own per-function
    state in a dict keyed by the frame (no shared, string-keyed counters)."""

    name: str
    qualname: str
    node: cst.FunctionDef
    is_async: bool
    loop_depth_base: int  # loop depth outside this function (loops do not cross a def)
    max_loop_depth: int = 0
    calls: set[str] = field(default_factory=set)


_F = TypeVar("_F")


@dataclass(frozen=True, slots=True)
class Match:
    """An example the rule must fire on, written as Fixit writes them: dedented triple-quoted
    code, and the line of the rule's first finding in it. The examples test runs every one."""

    code: str
    line: int

    def __post_init__(self) -> None:
        object.__setattr__(self, "code", textwrap.dedent(self.code).lstrip("\n"))


@dataclass(frozen=True, slots=True)
class NoMatch:
    """An example the rule must stay silent on (a near miss worth pinning down)."""

    code: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "code", textwrap.dedent(self.code).lstrip("\n"))


class Context:
    """Where the walk is, and how names resolve in this module. Read-only for detectors."""

    def __init__(self, module: str, rel_path: str, is_package: bool) -> None:
        self.module = module
        self.rel_path = rel_path
        self.is_package = is_package
        self.aliases: dict[str, str] = {}
        #: top-level names two imports bind to different targets (``try: from ._c import f`` /
        #: ``except ImportError: from ._py import f``): which one runs is decided at run time
        self.rebound: set[str] = set()
        #: the first target each top-level import binds a name to (``top_level_imports``): what
        #: a class base or a module-level name means, whatever a function imports later
        self.top_imports: dict[str, str] = {}
        #: local names a plain ``import`` statement binds: modules (a ``from`` import may bind
        #: any value)
        self.modules: set[str] = set()
        self.scopes: list[str] = []  # qualname parts of enclosing classes and functions
        self.functions: list[FunctionFrame] = []
        self.class_depth = 0
        self.loop_depth = 0
        self.findings: list[Finding] = []
        #: facts kept once per file (goport.walk), in the order rules asked for them
        self.facts: dict[type, Any] = {}
        self._span_of: Callable[[cst.CSTNode], Span] = lambda node: Span(1, 1)

    def fact(self, kind: type[_F]) -> _F:
        """The one instance of a fact for this file (``Loops``, ``Bindings``), made on first use."""
        found = self.facts.get(kind)
        if found is None:
            found = self.facts[kind] = cast(Any, kind)(self)
        return cast(_F, found)

    # -- position -----------------------------------------------------------------------------
    def span(self, node: cst.CSTNode) -> Span:
        return self._span_of(node)

    # -- where we are ---------------------------------------------------------------------------
    @property
    def symbol(self) -> str:
        """Qualified name of the innermost enclosing function or class ("" at module level)."""
        joined = ".".join(self.scopes)
        return joined.removesuffix(".<locals>")

    @property
    def function(self) -> FunctionFrame | None:
        return self.functions[-1] if self.functions else None

    @property
    def loop_depth_in_function(self) -> int:
        frame = self.function
        return self.loop_depth - (frame.loop_depth_base if frame else 0)

    # -- names ----------------------------------------------------------------------------------
    def resolve(self, expr: cst.BaseExpression) -> str | None:
        """Dotted name of a Name/Attribute chain with import aliases applied, else None.

        ``np.linalg.norm`` with ``import numpy as np`` gives ``numpy.linalg.norm``; a local
        name that was not imported is returned as written (``open``, ``helper``).
        """
        parts: list[str] = []
        node: cst.BaseExpression = expr
        while isinstance(node, cst.Attribute):
            parts.append(node.attr.value)
            node = node.value
        if not isinstance(node, cst.Name):
            return None
        head = self.aliases.get(node.value, node.value)
        if parts:
            parts.reverse()
            return head + "." + ".".join(parts)
        return head

    def callee(self, call: cst.Call) -> str | None:
        return self.resolve(call.func)

    def imports_any(self, *prefixes: str) -> bool:
        """True when the module imports something under one of the dotted prefixes."""
        return any(under(target, prefixes) is not None for target in self.aliases.values())

    # -- output ---------------------------------------------------------------------------------
    def report(
        self,
        detector: Detector,
        node: cst.CSTNode,
        message: str,
        *,
        weight: float | None = None,
        span: Span | None = None,
        traits: tuple[Trait, ...] | None = None,
    ) -> None:
        """Record a finding; ``traits`` narrows the detector's ``traits_here()`` for this one
        finding (GP107 on an already compiled pattern has no cheap fix left)."""
        self.findings.append(
            Finding(
                rule=detector.ID,
                name=detector.NAME,
                category=detector.CATEGORY,
                span=span or self.span(node),
                symbol=self.symbol,
                message=message,
                weight=detector.WEIGHT if weight is None else weight,
                go_idiom=detector.GO_IDIOM,
                construct=detector.PYTHON,
                traits=detector.traits_here() if traits is None else traits,
                python_first=detector.PYTHON_FIRST,
            )
        )


class Detector:
    """Base class. Subclasses set the class attributes and define ``visit_<Node>`` (entering) and
    ``leave_<Node>`` (leaving) methods.

    The docstring of a subclass has the sections *What it detects*, *Why it matters for a Go
    port*, *Go idiom* and *Known limits*; ``goport rules`` and the docs page are built from it.
    """

    ID: ClassVar[str] = ""
    NAME: ClassVar[str] = ""
    CATEGORY: ClassVar[Category]
    WEIGHT: ClassVar[float] = 1.0
    PYTHON: ClassVar[str] = ""  # the Python construct, as a user would name it
    GO_IDIOM: ClassVar[str] = ""  # what to write in Go instead
    #: the cheaper Python-side fix to try before a port ("use instead"), if there is one
    PYTHON_FIRST: ClassVar[str] = ""
    SUMMARY: ClassVar[str] = ""  # one line for tables
    MATCHES: ClassVar[tuple[Match, ...]] = ()
    NO_MATCHES: ClassVar[tuple[NoMatch, ...]] = ()
    #: what the findings say about the module (network I/O, a cheap Python fix...); scoring and
    #: planning read these from each finding, never a list of rule ids
    TRAITS: ClassVar[tuple[Trait, ...]] = ()
    #: the facts of ``goport.walk`` the rule reads, kept once per file for every rule
    USES: ClassVar[tuple[type, ...]] = ()

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        for kind in self.USES:
            ctx.fact(kind)

    def report(
        self,
        node: cst.CSTNode,
        message: str,
        *,
        weight: float | None = None,
        traits: tuple[Trait, ...] | None = None,
    ) -> None:
        self.ctx.report(self, node, message, weight=weight, traits=traits)

    def traits_here(self) -> tuple[Trait, ...]:
        """The traits of a finding made now: ``TRAITS``, unless the rule narrows them by what
        the module shows (``concurrency._shared.NetworkWhenImported``)."""
        return self.TRAITS

    def finish(self, module: cst.Module) -> None:
        """Called once after the whole module was walked."""


def rules_in(package: str, modules: Sequence[str]) -> tuple[type[Detector], ...]:
    """The rule class of each module of a family package, in the order listed.

    A rule module defines exactly one rule class (its shared walkers and helpers live in other
    modules), so adding a rule is one new file plus one line in its family's ``RULES``.
    """
    out: list[type[Detector]] = []
    for name in modules:
        module = importlib.import_module(f"{package}.{name}")
        found = [
            obj
            for obj in vars(module).values()
            if isinstance(obj, type)
            and issubclass(obj, Detector)
            and obj.__module__ == module.__name__
            and obj.ID
        ]
        if len(found) != 1:
            raise TypeError(f"{module.__name__} defines {len(found)} rule classes, not one")
        out.append(found[0])
    return tuple(out)
