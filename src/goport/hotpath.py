"""Where run time goes, estimated statically: call graph, frequencies, time shares, hot chains.

From the call sites and work counts the walk recorded (``callsites``), this builds the project's
call graph and estimates how often each function runs, in the spirit of Wu & Larus, "Static
branch frequency and program profile analysis" (MICRO 1994): a call inside a loop body runs
``LOOP_TRIPS`` times per run of its caller for each level of nesting (a scanning ``while``, whose
test compares or calls, counts as two levels when no other loop of the function encloses it: it
runs per element of its input), one under an ``if`` (or ``elif``, ``else``, ``case``, an
operand of ``and``/``or`` past the first, a conditional expression, a comprehension's element
past each filter) ``BRANCH_TAKEN`` times, one in an ``except`` handler or a ``raise``
``BRANCH_TAKEN ** 3`` times (``callscopes.EXCEPT_LEVELS``), and frequencies flow from the entry
points down the call graph. A function's estimated time is its frequency times its local work
(statements, those in loops weighted by the trip count, and the operators and regular-expression
calls its loops evaluate); its **share** is that time over the time of every non-test module of
the project, and a module's share is the sum of its functions' (module-level code included, as
``<module>``).

Entry points, each with the runs it stands for:

- every non-test module's ``<module>`` code runs once (imports; ``if __name__ == "__main__"``
  blocks and ``__main__`` modules are module-level code too);
- a function the detectors flag as a service (request handler, consumer, task worker): it runs
  once per request, ``SERVICE_RUNS`` times (one loop level: its chains start there);
- a library's public API: public functions and methods of public classes (dunders included) of
  public modules, once each; twice when a package ``__init__`` re-exports the name. Not a method
  that overrides one its base classes call on ``self`` (a template method's hook, such as a
  parser combinator's ``parse_impl``): the base's calls are how it runs;
- an interpreter hook (``sys.settrace(f)``): ``HOOK_RUNS`` times, however often the code that
  installs it runs, since the interpreter calls it for every line or call it traces (the
  innermost loops' trips: its chains start ``HOOK_LEVELS`` deep).

The call graph itself is built in ``goport.callgraph``. Calls resolve through imports, aliases
(a class body's ``_parse = _parse_plain`` too) and package re-exports; ``self``/``cls`` and
locally typed names to their class's methods (inherited ones too, and the overrides the project's
subclasses define, which share the calls evenly: class hierarchy analysis, as a base class's
``self._line_to(pt)`` runs whichever subclass is drawing); ``Class()`` to ``__init__``; syntax on
instances to dunders; ``p.m()`` on what a project function returned (``p = make_parser()``) to
the method of the class its return annotation names; ``.m()`` on a receiver of unknown type (or
on what an unannotated function returned) to every project method named m, discounted
(``NAME_DISPATCH``); a call through a value (``handler(m, state)``, ``table[key](x)``,
``getattr(self, "visit_" + kind)(node)``) to every function the project takes as a value and
that accepts as many positional arguments, discounted too (``INDIRECT_DISPATCH``), and one
through a parameter of the function to those its callers take as values (``PARAM_DISPATCH``).
A memoized function's body runs ``MEMOIZED_RUNS`` of its calls.
Loop levels also add up along a call chain, from its entry point, to at most ``MAX_CHAIN_LEVELS``
(``goport.frequencies``): a nest spread over helpers stops multiplying its trips there.
A function passed to be called back counts as called where it is passed, one loop level deeper
for a per-element callback (``sorted(key=f)``, ``map(f, xs)``); an interpreter hook
(``sys.settrace(f)``) is instead an entry point of its own (``HOOK_RUNS``, whoever installs it),
and the installing call only counts as per-element calls from outside its module
(``goport.callbacks``).

Recursion: each strongly connected component of the call graph (a function calling itself, or a
cycle of functions) runs ``RECURSION_RUNS`` times per call from outside, spread over its members
by the weight of the calls inside it. Frequencies are capped at ``FREQ_CAP``, so no product or
sum overflows, whatever the input.

The constants stay within the ranges the literature gives; within them, ``LOOP_TRIPS`` and
``RECURSION_RUNS`` were picked with ``benchmarks/estimate_ndcg.py`` (modules ranked by estimated
share against py-spy self time on 9 packages: NDCG@5 0.67; goport's static order 0.50, lines of
code 0.74), so that set is not an independent check of them.

Pure Python over ``ModuleFacts``; no libcst. Linear in call sites plus a memo of resolved names.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from goport.callgraph import (
    BRANCH_TAKEN,
    INDIRECT_DISPATCH,
    LOOP_TRIPS,
    MAX_BRANCH_LEVELS,
    MAX_LOOP_LEVELS,
    NAME_DISPATCH,
    PARAM_DISPATCH,
    Node,
    edges,
)
from goport.frequencies import FREQ_CAP, MAX_CHAIN_LEVELS, RECURSION_RUNS, Edge, Graph, propagate
from goport.model import (
    MODULE_SCOPE,
    CallSite,
    Category,
    FunctionEstimate,
    FunctionFacts,
    ModuleEstimate,
    ModuleFacts,
    WorkShape,
)
from goport.resolve import Resolver, arity, key

__all__ = [
    "BRANCH_TAKEN",
    "FREQ_CAP",
    "INDIRECT_DISPATCH",
    "LOOP_TRIPS",
    "MAX_BRANCH_LEVELS",
    "MAX_CHAIN_LEVELS",
    "MAX_LOOP_LEVELS",
    "NAME_DISPATCH",
    "PARAM_DISPATCH",
    "RECURSION_RUNS",
    "Estimate",
    "estimate",
    "key",
    "local_work",
]

#: the loop levels a request handler's runs stand for: its chain starts one level deep
SERVICE_LEVELS = 1
#: a request handler, consumer or task worker runs once per request: many times per program run
SERVICE_RUNS = LOOP_TRIPS**SERVICE_LEVELS
#: an interpreter hook (``sys.settrace(f)``) runs this often, however often the code that
#: installs it runs: the interpreter calls it for every line or call of the program it traces,
#: as often as the innermost loops the estimate counts
HOOK_RUNS = LOOP_TRIPS**MAX_LOOP_LEVELS
#: the loop levels a hook's runs stand for: the chains it starts are that deep already
HOOK_LEVELS = MAX_LOOP_LEVELS
#: a public function or method of a library runs once per use of the library
API_RUNS = 1.0
#: a name a package ``__init__`` re-exports is the library's advertised surface
EXPORTED_RUNS = 2.0
#: module-level code runs once, on import
IMPORT_RUNS = 1.0
#: a memoized function's body (``functools.cache``, ``lru_cache``) runs once per new argument:
#: assume its callers repeat arguments as often as a loop repeats its body
MEMOIZED_RUNS = 1.0 / LOOP_TRIPS
MEMOIZERS = frozenset({"functools.cache", "functools.lru_cache"})
#: the cost of one operator (arithmetic, bit, comparison, subscript, call) in a loop, in
#: statements: a statement of a loop holds two or three of them, which it already counts once
OP_COST = 0.5
#: statements a regular-expression call in a loop (``.search``, ``.match``, ``.finditer``,
#: ``.sub``...) counts for: the regex engine's time is its caller's own time in a profile. Timed
#: here (python 3.11): a match that fails at once costs about 6 simple statements, a search of a
#: few kB 10 to 360; 2 is the low end, since more than 5 let the pattern loops of helpers a
#: workload never reaches hold a package's estimate (jsonschema's, against measured time, 0.69
#: -> 0.38). With it, benchmarks/estimate_ndcg.py's static order goes 0.69 -> 0.70 (mistune's
#: two parsers, regex scanning loops, 0.66 -> 0.72), the estimate alone stays 0.75
REGEX_COST = 2.0
#: functions per module that get their hottest call chain computed
CHAINS_PER_MODULE = 5
#: at most this many functions in a chain (cycles are cut as well)
MAX_CHAIN = 32


@dataclass(frozen=True, slots=True)
class Estimate:
    """Estimated time shares of a project's non-test modules and their functions."""

    module_shares: Mapping[str, float]  # module -> share, 0-1, summing to 1 (or all 0)
    module_ranks: Mapping[str, int]  # module -> 1 for the largest share, ties by name
    function_shares: Mapping[str, float]  # "module:qualname" -> share
    frequencies: Mapping[str, float]  # "module:qualname" -> estimated runs
    best_caller: Mapping[str, str]  # "module:qualname" -> the caller contributing most runs
    entries: Mapping[str, float]  # "module:qualname" -> runs it gets as an entry point
    by_module: Mapping[str, tuple[str, ...]]  # module -> its functions' qualnames, by share
    #: module -> calls into it from other modules' loops, per run of their callers, weighted by
    #: trip counts: the small kernel everything calls per element
    loop_calls_in: Mapping[str, float] = field(default_factory=dict)
    #: module -> protocol calls (x[i], len(x), x + y, iteration) syntax makes on its classes'
    #: instances, loop-weighted
    protocol_calls_in: Mapping[str, float] = field(default_factory=dict)

    def chain(self, module: str, qualname: str) -> tuple[str, ...]:
        """The hottest call chain from an entry point to the function, entry first."""
        node = key(module, qualname)
        out = [node]
        seen = {node}
        while len(out) < MAX_CHAIN:
            caller = self.best_caller.get(node)
            if caller is None or caller in seen:
                break
            out.append(caller)
            seen.add(caller)
            node = caller
        out.reverse()
        return tuple(out)

    def module(self, module: str) -> ModuleEstimate | None:
        """The module's share, rank and functions (chains for the first few), if estimated."""
        share = self.module_shares.get(module)
        if share is None:
            return None
        functions = []
        for i, qualname in enumerate(self.by_module.get(module, ())):
            name = key(module, qualname)
            functions.append(
                FunctionEstimate(
                    qualname=qualname,
                    share=self.function_shares[name],
                    frequency=self.frequencies[name],
                    chain=self.chain(module, qualname) if i < CHAINS_PER_MODULE else (),
                )
            )
        return ModuleEstimate(
            share=share,
            rank=self.module_ranks[module],
            ranked=len(self.module_shares),
            functions=tuple(functions),
        )


# -- the graph -------------------------------------------------------------------------------------


def local_work(work: WorkShape) -> float:
    """A function's own cost per run, in statements: loop bodies weighted by their trips."""
    flat = work.statements - work.loop_statements
    single = work.loop_statements - work.nested_loop_statements
    ops = (
        work.loop_arith + work.loop_bitops + work.loop_compares + work.loop_subscripts
    ) + work.loop_calls
    return max(
        1.0,
        flat
        + single * LOOP_TRIPS
        + work.nested_loop_statements * LOOP_TRIPS**2
        + OP_COST * ops * LOOP_TRIPS
        + REGEX_COST * work.loop_regex * LOOP_TRIPS,
    )


def _nodes(modules: Sequence[ModuleFacts]) -> tuple[list[Node], dict[str, int]]:
    nodes: list[Node] = []
    index: dict[str, int] = {}

    def add(
        module: str,
        qualname: str,
        work: WorkShape,
        sites: Sequence[CallSite],
        runs: float = 1.0,
        arity: tuple[int, int] = (0, -1),
        returns: str = "",
    ) -> int:
        name = f"{module}.{qualname}"
        at = index.get(name)
        if at is not None:  # a redefinition (property setter, conditional def): one function
            node = nodes[at]
            node.work += local_work(work)
            node.sites = (*node.sites, *sites)
            node.forwards = node.forwards | frozenset(work.forwards)
            return at
        index[name] = len(nodes)
        nodes.append(
            Node(
                module,
                qualname,
                local_work(work),
                sites,
                runs=runs,
                arity=arity,
                returns=returns,
                forwards=frozenset(work.forwards),
            )
        )
        return index[name]

    for m in modules:
        add(m.module, MODULE_SCOPE, m.module_work, m.module_call_sites)
        for fn in m.functions:
            memoized = any(d in MEMOIZERS for d in fn.decorators)
            runs = MEMOIZED_RUNS if memoized else 1.0
            add(m.module, fn.qualname, fn.work, fn.call_sites, runs, arity(fn), fn.returns or "")
    return nodes, index


def _entries(modules: Sequence[ModuleFacts], nodes: list[Node], index: dict[str, int]) -> None:
    exported = _exported(modules, index)
    for m in modules:
        nodes[index[f"{m.module}.{MODULE_SCOPE}"]].entry += IMPORT_RUNS
        public_module = not any(part.startswith("_") for part in m.module.split("."))
        public_classes = {c.qualname for c in m.classes if _public(c.qualname)}
        for fn in m.functions:
            node = nodes[index[f"{m.module}.{fn.qualname}"]]
            if any(f.category is Category.SERVICE for f in fn.findings):
                node.entry = max(node.entry, SERVICE_RUNS)
                node.levels = max(node.levels, SERVICE_LEVELS)
            if public_module and _is_api(fn, public_classes):
                node.entry = max(node.entry, API_RUNS)
    for name in exported:
        nodes[index[name]].entry = max(nodes[index[name]].entry, EXPORTED_RUNS)


def _overrides_not_api(nodes: list[Node], calls: Sequence[Sequence[Edge]], real: int) -> None:
    """A subclass's override of a method the project calls on ``self`` or a typed receiver (a
    template method's hook: a base class's ``self.parse_impl()``) runs through those calls, as
    one of the overrides their dispatch node passes them on to: its public name is the base's
    protocol, not the library's API, so it is no entry point of its own. The method called (the
    dispatch node's first callee) keeps its entry."""
    for at in range(real, len(nodes)):
        if nodes[at].overrides:
            for v, _, _ in calls[at][1:]:
                if nodes[v].entry <= EXPORTED_RUNS:  # a service's or a hook's runs stay
                    nodes[v].entry = 0.0


def _public(qualname: str) -> bool:
    """No part private, and not defined inside a function."""
    return not any(part.startswith(("_", "<")) for part in qualname.split("."))


def _is_api(fn: FunctionFacts, public_classes: set[str]) -> bool:
    owner, _, name = fn.qualname.rpartition(".")
    if owner and owner not in public_classes:
        return False  # nested functions (".<locals>.") and methods of private classes
    return not name.startswith("_") or (name.startswith("__") and name.endswith("__"))


def _exported(modules: Sequence[ModuleFacts], index: dict[str, int]) -> set[str]:
    """Functions, and the methods of classes, that a package ``__init__`` re-exports."""
    classes = {f"{m.module}.{c.qualname}": c for m in modules for c in m.classes}
    out: set[str] = set()
    for m in modules:
        if not m.rel_path.endswith("__init__.py"):
            continue
        for imp in m.imports:
            if not imp.is_from or imp.alias.startswith("_"):
                continue
            if imp.target in index:
                out.add(imp.target)
            cls = classes.get(imp.target)
            if cls is not None:
                for method in cls.methods:
                    if not method.startswith("_") or method == "__init__":
                        name = f"{imp.target}.{method}"
                        if name in index:
                            out.add(name)
    return out


def estimate(modules: Iterable[ModuleFacts]) -> Estimate:
    """The estimate over the non-test modules (tests are neither counted nor entry points)."""
    # tens of thousands of small objects, none in a cycle: the cyclic collector, triggered by
    # allocation counts, would take a third of the time walking them (as in serial.loads)
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _estimate([m for m in modules if not m.is_test])
    finally:
        if collecting:
            gc.enable()


def _estimate(facts: list[ModuleFacts]) -> Estimate:
    nodes, index = _nodes(facts)
    real = len(nodes)  # dispatch nodes come after the functions
    _entries(facts, nodes, index)
    resolver = Resolver(facts, index)
    inbound: dict[int, list[float]] = {}
    hooked: set[int] = set()
    calls = edges(nodes, resolver, inbound, hooked)
    _overrides_not_api(nodes, calls, real)
    for v in hooked:  # the interpreter calls it per event, however often it was installed
        nodes[v].entry = max(nodes[v].entry, HOOK_RUNS)
        nodes[v].levels = HOOK_LEVELS
    graph = Graph(
        entry=[node.entry for node in nodes],
        entry_levels=[node.levels for node in nodes],
        runs=[node.runs for node in nodes],
        calls=calls,
        trips=LOOP_TRIPS,
    )
    freq, best = propagate(graph)
    nodes, freq = nodes[:real], freq[:real]
    times = [f * node.work for f, node in zip(freq, nodes)]
    total = sum(times)
    scale = 1.0 / total if total > 0 else 0.0
    names = [key(node.module, node.qualname) for node in nodes]
    shares = [t * scale for t in times]
    module_shares = dict.fromkeys((m.module for m in facts), 0.0)
    by_module: dict[str, list[tuple[float, str]]] = {}
    for node, share in zip(nodes, shares):
        module_shares[node.module] += share
        by_module.setdefault(node.module, []).append((-share, node.qualname))
    order = sorted(module_shares, key=lambda m: (-module_shares[m], m))
    loop_calls_in = dict.fromkeys(module_shares, 0.0)
    protocol_calls_in = dict.fromkeys(module_shares, 0.0)
    for callee, (loop_calls, protocol_calls) in inbound.items():
        if callee < real:
            loop_calls_in[nodes[callee].module] += loop_calls
            protocol_calls_in[nodes[callee].module] += protocol_calls
    return Estimate(
        module_shares=module_shares,
        module_ranks={m: i + 1 for i, m in enumerate(order)},
        function_shares=dict(zip(names, shares)),
        frequencies=dict(zip(names, freq)),
        best_caller=_callers(best, real, names),
        entries={name: node.entry for name, node in zip(names, nodes) if node.entry > 0},
        by_module={m: tuple(q for _, q in sorted(pairs)) for m, pairs in by_module.items()},
        loop_calls_in=loop_calls_in,
        protocol_calls_in=protocol_calls_in,
    )


def _callers(best: list[int], real: int, names: list[str]) -> dict[str, str]:
    """Each function's best caller by name, through dispatch nodes (which are not functions)."""
    out: dict[str, str] = {}
    for v in range(real):
        u = best[v]
        hops = 0
        while u >= real and hops < MAX_CHAIN:  # a dispatch node: its own best caller
            u = best[u]
            hops += 1
        if 0 <= u < real and u != v:
            out[names[v]] = names[u]
    return out
