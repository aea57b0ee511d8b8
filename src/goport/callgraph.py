"""The project's call graph for the static estimate: each function's calls, per callee and loop
level, weighted by how often a site runs per run of its caller.

A call site's weight is ``LOOP_TRIPS`` per loop level around it (at most ``MAX_LOOP_LEVELS``)
times ``BRANCH_TAKEN`` per branch level (at most ``MAX_BRANCH_LEVELS``), times how many identical
sites there are. Where the site names its callee, it is resolved through ``goport.resolve``
(imports, aliases, class bases, subclasses' overrides). Where it does not, the call goes to a
*dispatch node*, a node with no work of its own that passes its runs on, in equal parts and
discounted, to every function it may reach:

- ``.m()`` on a receiver of unknown type: every project method named m (``NAME_DISPATCH``);
- a call through a value (``table[key](x)``, a local, ``getattr(self, "visit_" + kind)(x)``):
  every function the project takes as a value and that accepts as many positional arguments
  (``INDIRECT_DISPATCH``);
- a call through one of the function's own parameters (``parse_list(parse_item, text)`` calling
  ``parse_item(part)``): the functions its callers take as values, the ones they may pass it,
  and through a caller that passes on a parameter of the same name (to a call that is no
  builtin), what that caller's callers take, up to ``MAX_PASSED_CALLERS`` callers
  (``PARAM_DISPATCH``); when none of them fits the call's arguments (a library's callback
  parameter), as a call through a value. A parameter the body binds anew is a value like a
  local's (``goport.callparams``). Callers count directly and through the overrides a call on
  ``self`` dispatches to, not through calls by name or through values.

Pure Python over ``ModuleFacts``' call sites; no libcst.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from goport.builtin_methods import BUILTIN_METHODS
from goport.frequencies import Edge
from goport.model import CallKind, CallSite
from goport.resolve import Resolver, accepts, returned_class, taken_values

#: times a loop body runs per entry into the loop. Wu & Larus predict a loop's back edge taken
#: with probability 0.8-0.88 (5-8 iterations per entry); the low end, because trips multiply
#: along every call chain and nothing else here (no data sizes) reins the product in.
#: Measured on benchmarks/estimate_ndcg.py: 5 ranks modules better than 8 or 10 (NDCG@5 0.67
#: against 0.63 and 0.61)
LOOP_TRIPS = 5.0
#: loop levels beyond this count as this many: four nested loops already weigh 5**4 = 625, and a
#: deeper nest in real code rarely multiplies its trips again
MAX_LOOP_LEVELS = 4
#: a call under an if, elif, else or case (or past an and/or, in a conditional expression or
#: a filtered comprehension element) runs this often per run of the statement around it:
#: Wu & Larus' default for a branch no heuristic predicts is an even split
BRANCH_TAKEN = 0.5
#: branch levels beyond this count as this many (1/16): long elif chains are dispatch tables,
#: where each arm runs about as often as the others
MAX_BRANCH_LEVELS = 4
#: a call of ``.m()`` on a receiver of unknown type reaches one of the project's methods named m
#: (split evenly between them) this often: the receiver may as well be a builtin or a library
#: object, and the name is a weak hint. Class hierarchy analysis by name, discounted
NAME_DISPATCH = 0.5
#: a call through a value (``handler(m, state)``, ``table[key](x)``) reaches one of the functions
#: the project takes as values (stored in a dict or list, passed, assigned, returned, or bound by
#: ``getattr(obj, "prefix" + name)``) that accepts as many positional arguments, split evenly
#: between them, this often: the classic address-taken approximation of a call graph's indirect
#: calls, discounted like a call by name (the value may as well come from a library)
INDIRECT_DISPATCH = 0.5
#: a call through a parameter reaches one of the functions its callers take as values this often
PARAM_DISPATCH = 0.5
#: sites that take a function as a value: not calls, the pool indirect calls reach
_TAKEN = frozenset({CallKind.REF, CallKind.REF_METHOD, CallKind.REF_PREFIX})
#: callers a call through a parameter looks through for the values passed to it: a chain of
#: functions passing a callback on is rarely longer, and each look costs a walk of their sites
MAX_PASSED_CALLERS = 64
#: a site's runs per run of its caller, by loop level and branch level
_WEIGHTS = [
    [LOOP_TRIPS**loop * BRANCH_TAKEN**branch for branch in range(MAX_BRANCH_LEVELS + 1)]
    for loop in range(MAX_LOOP_LEVELS + 1)
]


@dataclass(slots=True)
class Node:
    """A function of the project (or ``<module>`` code), or a dispatch node (module "") that
    passes the runs of a call by name or through a value on to the functions it may reach."""

    module: str
    qualname: str
    work: float
    sites: Sequence[CallSite]
    entry: float = 0.0
    levels: int = 0  # the loop levels its entry runs stand for: where its chains start
    runs: float = 1.0  # the share of its calls that run its body (memoized: fewer)
    #: positional arguments it accepts: (fewest, most; -1: any number)
    arity: tuple[int, int] = (0, -1)
    returns: str = ""  # its return annotation, as written ("" without one)
    #: a dispatch node's discount on the calls it passes on (by name, through a value or a
    #: parameter)
    discount: float = 1.0
    overrides: bool = False  # a dispatch node to a method and its subclasses' overrides
    #: its parameters it passes on as arguments to calls that are no builtins (not self, cls)
    forwards: frozenset[str] = frozenset()


def edges(
    nodes: list[Node],
    resolver: Resolver,
    inbound: dict[int, list[float]] | None = None,
    hooked: set[int] | None = None,
) -> list[list[Edge]]:
    """Calls per run of each caller, to each callee, per loop level of the call sites.

    With ``inbound``, also sums per callee the loop-weighted calls from other modules' loops
    (``[0]``) and the protocol calls syntax makes on its class's instances (``[1]``).

    A call of ``.m()`` by name goes to a dispatch node (appended to ``nodes``, no work of its
    own) passing its runs on to every project method named m in equal parts; one on ``self``
    that subclasses override, to a node listing the method called first, then the overrides.
    """
    edges: list[list[Edge]] = []
    callees: dict[tuple[CallKind, str], int] = {}  # resolved once per kind and target; -1: none
    pending: list[dict[int, float]] = []  # the dispatch nodes' edges
    taken = taken_values((node.sites for node in nodes), resolver)
    hooked = set() if hooked is None else hooked
    real = len(nodes)  # dispatch nodes are appended after the functions, with their pending
    deferred: list[tuple[int, CallSite]] = []  # calls through a parameter, once callers are known
    callers: dict[int, set[int]] = {}
    for u, node in enumerate(nodes[:real]):
        out: dict[tuple[int, int], float] = {}  # (callee, loop level) -> calls per run
        for site in node.sites:
            kind, target = site.kind, site.target
            if kind in _TAKEN:
                continue
            if kind is CallKind.PARAM:
                deferred.append((u, site))
                continue
            callee = callees.get((kind, target))
            if callee is None:
                callee = callees[(kind, target)] = _callee(site, resolver, nodes, pending, taken)
            if callee < 0:
                continue
            loop = site.loop_depth
            weight = _weight(site)
            dispatch = nodes[callee]
            if dispatch.module == "":  # a dispatch node (by name, by value, overrides)
                weight *= dispatch.discount
                if dispatch.overrides:  # self.m(): it calls the method or an override
                    for target_node, part in pending[callee - real].items():
                        callers.setdefault(target_node, set()).add(u)
                        if inbound is not None:  # each gets its part
                            _credit(inbound, nodes, node, target_node, kind, loop, weight * part)
            else:
                callers.setdefault(callee, set()).add(u)
                if inbound is not None:
                    _credit(inbound, nodes, node, callee, kind, loop, weight)
            if kind is CallKind.HOOK:
                hooked.add(callee)  # an entry point of its own (HOOK_RUNS), whoever installs it
                continue
            at = (callee, min(MAX_LOOP_LEVELS, loop))
            out[at] = out.get(at, 0.0) + weight
        edges.append([(v, level, w) for (v, level), w in out.items()])
    _param_calls(deferred, callers, edges, nodes, pending, resolver, taken, callees)
    edges.extend([(v, 0, w) for v, w in p.items()] for p in pending)
    return edges


def _param_calls(
    deferred: list[tuple[int, CallSite]],
    callers: Mapping[int, set[int]],
    edges: list[list[Edge]],
    nodes: list[Node],
    pending: list[dict[int, float]],
    resolver: Resolver,
    taken: Mapping[int, bool],
    callees: dict[tuple[CallKind, str], int],
) -> None:
    """Calls through a parameter (``parse_item(s, pos)``) reach the functions the function's
    callers take as values (and, through a caller that passes on a parameter of that name, what
    that one's callers take), the ones they may pass it; with none that fits, any the project
    takes."""
    took: dict[int, dict[int, bool]] = {}
    pools: dict[tuple[int, str], dict[int, bool]] = {}
    made: dict[tuple[int, str], int] = {}
    out: dict[int, dict[tuple[int, int], float]] = {}
    for u, site in deferred:
        callee = made.get((u, site.target))
        if callee is None:
            name = site.target.partition("@")[2]
            pool = pools.get((u, name))
            if pool is None:
                pool = pools[(u, name)] = _passed(u, name, callers, nodes, resolver, took)
            callee = _dispatch(
                nodes, pending, site.target, _fitting(site, nodes, pool), PARAM_DISPATCH
            )
            if callee < 0:
                arguments = site.target.partition("@")[0]
                found = callees.get((CallKind.INDIRECT, arguments))
                if found is None:
                    plain = CallSite(arguments, 0, CallKind.INDIRECT)
                    found = _callee(plain, resolver, nodes, pending, taken)
                    callees[(CallKind.INDIRECT, arguments)] = found
                callee = found
            made[(u, site.target)] = callee
        if callee >= 0:
            at = (callee, min(MAX_LOOP_LEVELS, site.loop_depth))
            calls = out.setdefault(u, {})
            calls[at] = calls.get(at, 0.0) + _weight(site) * nodes[callee].discount
    for u, calls in out.items():  # one edge per callee and level, as the others
        merged = {(v, level): w for v, level, w in edges[u]}
        for at, w in calls.items():
            merged[at] = merged.get(at, 0.0) + w
        edges[u] = [(v, level, w) for (v, level), w in merged.items()]


def _passed(
    u: int,
    name: str,
    callers: Mapping[int, set[int]],
    nodes: list[Node],
    resolver: Resolver,
    took: dict[int, dict[int, bool]],
) -> dict[int, bool]:
    """The functions ``u``'s callers take as values, and up through the callers that pass on a
    parameter named as ``u``'s (``outer(fn)`` calling ``inner(fn)``: each caller once, at most
    ``MAX_PASSED_CALLERS`` of them)."""
    pool: dict[int, bool] = {}
    seen = {u}
    todo = deque(sorted(callers.get(u, ())))
    while todo and len(seen) <= MAX_PASSED_CALLERS:
        c = todo.popleft()
        if c in seen:
            continue
        seen.add(c)
        if c not in took:
            took[c] = taken_values([nodes[c].sites], resolver)
        pool.update(took[c])
        if name in nodes[c].forwards:
            todo.extend(sorted(callers.get(c, ())))
    return pool


def _weight(site: CallSite) -> float:
    """Runs of a call site per run of its caller: trips per loop level, halves per branch."""
    loop = min(MAX_LOOP_LEVELS, site.loop_depth)
    return site.count * _WEIGHTS[loop][min(MAX_BRANCH_LEVELS, site.branch_depth)]


def _fitting(site: CallSite, nodes: list[Node], pool: Mapping[int, bool]) -> list[int]:
    """The functions of ``pool`` (each with whether it is bound) that accept as many positional
    arguments as a call through a value passes ("*": any number)."""
    arguments = site.target.partition("@")[0]  # "2", or "2@parse_item" through a parameter
    passed = int(arguments) if arguments.isdigit() else -1
    return [v for v, bound in pool.items() if passed < 0 or accepts(nodes[v].arity, bound, passed)]


def _dispatch(
    nodes: list[Node],
    pending: list[dict[int, float]],
    name: str,
    targets: Sequence[int],
    discount: float = 1.0,
    overrides: bool = False,
) -> int:
    """A new dispatch node passing its runs on to ``targets`` in equal parts (-1: none)."""
    if not targets:
        return -1
    nodes.append(Node("", name, 0.0, (), discount=discount, overrides=overrides))
    pending.append(dict.fromkeys(targets, 1.0 / len(targets)))
    return len(nodes) - 1


def _credit(
    inbound: dict[int, list[float]],
    nodes: list[Node],
    caller: Node,
    callee: int,
    kind: CallKind,
    loop: int,
    weight: float,
) -> None:
    """Count a call into ``callee`` from another module's loop (``[0]``; a hook's calls count
    whoever installs it: the interpreter makes them) and a protocol call (``[1]``)."""
    into = inbound.setdefault(callee, [0.0, 0.0])
    if loop and (nodes[callee].module != caller.module or kind is CallKind.HOOK):
        into[0] += weight
    if kind is CallKind.DUNDER:
        into[1] += weight


def _callee(
    site: CallSite,
    resolver: Resolver,
    nodes: list[Node],
    pending: list[dict[int, float]],
    taken: Mapping[int, bool],
) -> int:
    """The node a site calls (-1: none of the project's): a function, or for a call by method
    name or through a value a new dispatch node."""
    kind = site.kind
    discount = NAME_DISPATCH
    if kind is CallKind.INDIRECT:
        targets = _fitting(site, nodes, taken)
        discount = INDIRECT_DISPATCH
    elif kind is CallKind.ATTR:
        targets = resolver.by_name.get(site.target) or []
    else:
        found = resolver.callee(site)
        if found is not None and kind is CallKind.METHOD:
            return _with_overrides(found, site, resolver, nodes, pending)
        if found is not None:
            return found
        if kind is not CallKind.METHOD and kind is not CallKind.EXACT:
            return -1
        # x = make_parser(); x.feed(): the method of the class make_parser's return annotation
        # names, else by name, as on any receiver of unknown type
        owner, _, method = site.target.rpartition(".")
        made_by = resolver.symbol(owner)
        if made_by is None or made_by[0] != "function":
            return -1
        maker = nodes[resolver.index[made_by[1]]]
        returned = returned_class(maker.module, maker.returns, resolver)
        if returned is not None:
            found = resolver.method(returned, method)
            return -1 if found is None else found
        if method in BUILTIN_METHODS:
            return -1
        targets = resolver.by_name.get(method) or []
    return _dispatch(nodes, pending, site.target, targets, discount)


def _with_overrides(
    found: int,
    site: CallSite,
    resolver: Resolver,
    nodes: list[Node],
    pending: list[dict[int, float]],
) -> int:
    """``self.m()`` may run a subclass's m: the method itself, or a dispatch node that shares
    the calls between it and the overrides the project's subclasses define."""
    owner, _, method = site.target.rpartition(".")
    cls = resolver.symbol(owner)
    overrides = () if cls is None else resolver.overrides(cls[1], method)
    if not overrides:
        return found
    targets = [found, *(v for v in overrides if v != found)]
    return _dispatch(nodes, pending, site.target, targets, overrides=True)
