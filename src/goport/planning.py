"""How to move a candidate: strategy, Go idioms, hot functions with Go signatures, effort.

Strategies follow the migration guidance: request-serving and concurrent network code becomes a
Go service behind HTTP/gRPC; CPU-heavy batch work a Go worker behind a queue; a CPU kernel that
runs as a program (and that nothing in the project imports) a Go CLI or sidecar; a kernel other
modules call in-process, or that code outside the project imports, a Go extension module that
keeps their import sites; code whose cost is dominated by something cheap to fix in Python
is fixed there first; data-science, dynamic, and glue code stays in Python.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from goport.model import (
    Boundary,
    Effort,
    Finding,
    FunctionFacts,
    GoIdiom,
    HotFunction,
    Hotness,
    ModuleFacts,
    Param,
    Strategy,
    Trait,
)
from goport.pytypes import ClassKind, Shape, to_go
from goport.pytypes import parse as parse_type
from goport.scoring import CALIBRATION, Calibration, Scored, Signals, gain_of, move_score
from goport.scoring.factors import blocker_cost
from goport.scoring.kernel import Kernel

#: public names other modules use past which an in-process boundary is wide (a port of the
#: whole surface rather than of a kernel)
NARROW_INTERFACE = 12


@dataclass(frozen=True, slots=True)
class Plan:
    strategy: Strategy
    reason: str
    functions: tuple[HotFunction, ...]
    idioms: tuple[GoIdiom, ...]
    blockers: tuple[str, ...]
    effort: Effort | None
    python_first: tuple[str, ...]


def go_form(facts: ModuleFacts, findings: Sequence[Finding], boundary: Boundary) -> Strategy:
    """The Go form the module would take if it moved, from the evidence alone (not the score):
    the cost of moving it depends on it (an in-process extension keeps its import sites)."""
    return _form(facts, Signals.of(findings), _traits(findings), boundary)[0]


def _traits(findings: Sequence[Finding]) -> set[Trait]:
    return {t for f in findings for t in f.traits}


#: what a program reads its command line or input with: a module that uses one runs as one
PROGRAM_INPUTS = frozenset(
    {"sys.argv", "sys.stdin", "fileinput.input", "getopt.getopt", "getopt.gnu_getopt"}
    | {"argparse.ArgumentParser", "optparse.OptionParser", "click.command", "click.group"}
    | {"typer.Typer", "typer.run", "fire.Fire", "docopt.docopt"}
)


#: how a go-cli or go-extension reason opens when the module's concurrency serves nothing
_IN_PROCESS = "Concurrent code with no network, request or queue evidence"


def _is_program(facts: ModuleFacts) -> bool:
    """Runs as a program: a ``__main__`` guard, or it reads a command line or standard input
    (a script whose top level does the work, a console script's module)."""
    if facts.has_main_guard:
        return True
    used = {f"{module}.{attr}" for module, attr in facts.names_used}
    used.update(imp.target for imp in facts.imports)
    return not PROGRAM_INPUTS.isdisjoint(used)


def _form(
    facts: ModuleFacts, sig: Signals, traits: set[Trait], boundary: Boundary
) -> tuple[Strategy, str]:
    serving = Trait.SERVING in traits
    feeding = Trait.FEEDING in traits
    io_led = sig.io > 0 and sig.io * 1.2 >= sig.cpu
    # a service or worker needs something to serve or consume: concurrency with no network,
    # request or queue evidence (asyncio tasks inside a library, async variants of its API) is
    # in-process plumbing with no boundary to put a service behind
    in_process = io_led and not (sig.network or serving or feeding)
    if io_led and not in_process:
        if serving or not feeding:
            return Strategy.GO_SERVICE, (
                "Serves requests or streams concurrently: a Go service behind HTTP/gRPC takes "
                "the load with goroutines while Python callers keep a stable contract."
            )
        return Strategy.GO_WORKER, (
            "Consumes work from queues or pools: a Go worker with a goroutine pool reading a "
            "channel (fed by the same broker) replaces the threads and their locks."
        )
    if feeding:
        return Strategy.GO_WORKER, (
            "CPU-heavy work fed in batches to pools or queues: a Go worker behind a queue (or a "
            "small job API) runs it in parallel on all cores, free of the GIL."
        )
    callers = boundary.callers
    if facts.module.rsplit(".", 1)[-1] == "__main__" or (not callers and _is_program(facts)):
        return Strategy.GO_CLI, (
            f"{_IN_PROCESS if in_process else 'A CPU kernel'} that runs as a program and whose "
            "code nothing else in the project calls: a Go CLI or sidecar that Python calls with "
            "its input (stdin/JSON or a small RPC) is the smallest first step."
        )
    return Strategy.GO_EXTENSION, _extension_reason(in_process, boundary)


def _extension_reason(in_process: bool, boundary: Boundary) -> str:
    callers = boundary.callers
    reason_callers = (
        f"{callers} module(s) call in-process"
        if callers > 0
        # no module of the project calls its code: its callers are the library's users, a
        # framework or a plugin loader, whose imports must keep working as they are
        else "code outside the project imports"
    )
    if in_process:
        reason = (
            f"{_IN_PROCESS} that {reason_callers}: its coroutines or threads are plumbing with "
            "no service to split off, and an extension cannot hand back awaitables. Keep the "
            "async API in Python and move the synchronous work under it, its hot functions, "
            "into a Go package built as a CPython extension (gopy, or cgo -buildmode=c-shared), "
            "called in batches so each crossing (about a microsecond) carries many items."
        )
    else:
        reason = (
            f"A CPU kernel that {reason_callers}: a Go package built as a CPython extension "
            "(gopy, or cgo -buildmode=c-shared behind a thin Python wrapper) keeps every import "
            "site unchanged. Each call crosses the boundary (about a microsecond), so batch work "
            "per call: pass whole buffers or lists, not one element."
        )
    width = len(boundary.used_names)
    if width > NARROW_INTERFACE:
        reason += (
            f" Its interface is wide ({width} names used elsewhere): start with the hottest "
            "functions below and keep the rest in Python."
        )
    return reason


def plan(
    facts: ModuleFacts,
    findings: Sequence[Finding],
    scored: Scored,
    boundary: Boundary,
    hotness: Hotness | None = None,
    cal: Calibration = CALIBRATION,
    source: bytes | None = None,
) -> Plan:
    """How to move the module (``source``, when the caller has it, sharpens the Go sketches)."""
    blockers = _blockers(findings)
    # the advice the rules declare (PYTHON_FIRST), once per rule, in rule order
    advice = {(f.rule, f.python_first) for f in findings if f.python_first}
    python_first = tuple(text for _, text in sorted(advice))
    strategy, reason = _strategy(facts, findings, scored, boundary, python_first, cal)
    moves = strategy not in (Strategy.KEEP, Strategy.OPTIMISE_FIRST)
    kernel = scored.kernel if strategy is Strategy.GO_EXTENSION else None
    if kernel is not None:
        blockers = _blockers(kernel.findings)
    return Plan(
        strategy=strategy,
        reason=reason,
        functions=hot_functions(facts, findings, hotness, source=source),
        idioms=_idioms(findings),
        blockers=blockers,
        effort=_effort(facts, boundary, blockers, kernel) if moves else None,
        python_first=python_first,
    )


def _strategy(
    facts: ModuleFacts,
    findings: Sequence[Finding],
    scored: Scored,
    boundary: Boundary,
    python_first: tuple[str, ...],
    cal: Calibration,
) -> tuple[Strategy, str]:
    sig = scored.signals
    benefit = gain_of(scored.factors)
    if not scored.features.runs_code:
        return Strategy.KEEP, (
            "Re-exports, constants or configuration: nothing runs here, so there is nothing "
            "to port."
        )
    if sig.ecosystem >= 3.0 and sig.ecosystem >= 0.5 * (sig.cpu + sig.concurrency + sig.service):
        return Strategy.KEEP, (
            "Built on the Python data/ML/ORM ecosystem, where the heavy work is already native or "
            "Go has no equal; keep it in Python and put a service boundary in front if needed."
        )
    if sig.blocker >= cal.keep_blocker_weight and blocker_cost(sig, cal) >= benefit:
        return Strategy.KEEP, (
            "Dynamic Python (runtime imports, attributes, eval, pickle) outweighs any speed-up; "
            "keep it in Python, or redesign it before a port."
        )
    glue = (
        "Glue, configuration or orchestration with little CPU or concurrency signal: Python "
        "is the right tool here and a port would buy nothing."
    )
    if benefit < cal.min_gain / 2:
        return Strategy.KEEP, glue
    move = move_score(scored)  # the score with the whole redesign its blockers need
    cheap = sum(f.weight for f in findings if Trait.CHEAP_FIX in f.traits)
    if cheap and cheap >= 0.5 * sig.cpu and move < 50 and python_first:
        return Strategy.OPTIMISE_FIRST, (
            "Most of the cost found here has a cheap Python-side fix; apply it and measure "
            "before paying for a rewrite."
        )
    if benefit < cal.min_gain:
        return Strategy.KEEP, glue
    if move < cal.min_go_score:
        if python_first:
            return Strategy.OPTIMISE_FIRST, (
                "Some CPU or concurrency signal, but not enough to pay for a rewrite yet; the "
                "Python-side fixes listed below are cheaper. Re-check with a profile."
            )
        if scored.score >= cal.min_go_score:
            return Strategy.KEEP, (
                "Counting the whole redesign its dynamic Python needs (the ranking charges only "
                "part of it), what Go would gain does not cover moving it; keep it in Python "
                "unless a profile shows it hot."
            )
        return Strategy.KEEP, (
            "What Go would gain here does not cover the cost and risk of moving it; keep it in "
            "Python unless a profile shows it hot."
        )
    return _form(facts, sig, _traits(findings), boundary)


def _blockers(findings: Sequence[Finding]) -> tuple[str, ...]:
    by_rule: dict[str, list[int]] = defaultdict(list)
    names: dict[str, str] = {}
    for f in findings:
        if f.category.value in ("blocker", "ecosystem"):
            by_rule[f.rule].append(f.span.line)
            names[f.rule] = f.message
    out = []
    for rule in sorted(by_rule):
        lines = sorted(set(by_rule[rule]))
        shown = ", ".join(map(str, lines[:5])) + ("..." if len(lines) > 5 else "")
        out.append(f"{rule} {names[rule]} (line {shown})")
    return tuple(out)


def _idioms(findings: Sequence[Finding]) -> tuple[GoIdiom, ...]:
    lines: dict[str, list[int]] = defaultdict(list)
    first: dict[str, Finding] = {}
    for f in findings:
        if f.category.value in ("cpu", "concurrency", "service"):
            lines[f.rule].append(f.span.line)
            first.setdefault(f.rule, f)
    return tuple(
        GoIdiom(
            first[rule].construct or first[rule].name,
            first[rule].go_idiom,
            rule,
            tuple(sorted(set(lines[rule]))),
        )
        for rule in sorted(lines)
    )


@dataclass(frozen=True, slots=True)
class EffortModel:
    """Person-days to port a module and switch its callers over: a rough range to plan with,
    from its size, complexity, importers and blockers; the legend under the table prints it."""

    lines_per_day: float = 80.0  # source lines ported (and checked against the tests) per day
    complexity_per_day: float = 60.0  # cyclomatic complexity, summed over functions, per day
    per_importer: float = 0.5  # days to switch one importing module over
    per_blocker: float = 1.0  # days to redesign one blocker (eval, pickle, plugins...)
    spread: float = 1.8  # the high end of the range, as a multiple of the low end
    untested: float = 2.0  # days to write the tests a port is checked against, when none exist
    #: size labels by source lines: S below 200, M below 600, L below 1500, XL above
    sizes: tuple[tuple[str, int], ...] = (("S", 200), ("M", 600), ("L", 1500))

    def size(self, sloc: int) -> str:
        return next((label for label, below in self.sizes if sloc < below), "XL")

    def describe(self) -> str:
        """The model in one line, for the terminal legend."""
        return (
            f"lines/{self.lines_per_day:g} + complexity/{self.complexity_per_day:g} "
            f"+ {self.per_importer:g}/importer + {self.per_blocker:g}/blocker, "
            f"high = {self.spread:g} x low (+{self.untested:g} untested); a go-extension counts "
            "only its kernel functions"
        )


EFFORT = EffortModel()


def _effort(
    facts: ModuleFacts,
    boundary: Boundary,
    blockers: Sequence[str],
    kernel: Kernel | None,
    model: EffortModel = EFFORT,
) -> Effort:
    """Person-days from what moves: the module, or only its kernel functions for an extension."""
    if kernel is None:
        sloc, complexity = facts.metrics.sloc, facts.metrics.complexity_total
        what = f"{sloc} source lines"
    else:
        sloc, complexity = kernel.sloc, kernel.complexity_total
        what = (
            f"{sloc} lines in {len(kernel.functions)} kernel function(s) (the rest stays in Python)"
        )
    base = sloc / model.lines_per_day + complexity / model.complexity_per_day
    low = max(
        1, round(base + model.per_importer * boundary.fan_in + model.per_blocker * len(blockers))
    )
    high = max(low + 1, round(low * model.spread + (0 if boundary.tested_by else model.untested)))
    why = [what, f"total complexity {complexity}"]
    if boundary.fan_in:
        why.append(f"{boundary.fan_in} importing module(s) to switch over")
    if blockers:
        why.append(f"{len(blockers)} blocker(s) to redesign")
    why.append(
        "tests exist to port against" if boundary.tested_by else "no tests: write them first"
    )
    return Effort(model.size(sloc), low, high, "; ".join(why) + ".")


# -- hot functions ------------------------------------------------------------------------------


def hot_functions(
    facts: ModuleFacts,
    findings: Sequence[Finding],
    hotness: Hotness | None,
    limit: int = 5,
    source: bytes | None = None,
) -> tuple[HotFunction, ...]:
    """The module's hottest functions with Go sketches; with the module's ``source`` the
    sketches also use what the bodies say (raises, masks, yields, docstring types)."""
    by_symbol: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        by_symbol[f.symbol].append(f)
    measured = {fh.qualname: fh for fh in hotness.by_function} if hotness else {}
    rows = []
    for fn in facts.functions:
        own = by_symbol.get(fn.qualname, [])
        weight = sum(f.weight for f in own if f.category.value in ("cpu", "concurrency", "service"))
        raw = weight + 0.6 * fn.loop_depth + 0.05 * max(0, fn.complexity - 5)
        m = measured.get(fn.qualname)
        if m is not None:
            raw += 100 * m.self_share
        if raw <= 0.5 and m is None:
            continue
        reasons = tuple(sorted({f.name for f in own}))
        rows.append((raw, fn, reasons, m))
    if not rows:
        return ()
    hints: dict[str, GoHints] = {}
    kinds: dict[str, ClassKind] = {}
    if source is not None:
        from goport.roadmap import surface  # it builds GoHints: imported here, not at the top

        found = surface.read(source)
        hints, kinds = found.hints, found.kinds()
    top = max(r[0] for r in rows)
    rows.sort(key=lambda r: (-r[0], r[1].span.line))
    return tuple(
        HotFunction(
            qualname=fn.qualname,
            span=fn.span,
            complexity=fn.complexity,
            heat=round(raw / top, 2) if top > 0 else 0.0,
            reasons=reasons,
            measured=m,
            signature=go_signature(fn, hints.get(fn.qualname), kinds),
        )
        for raw, fn, reasons, m in rows[:limit]
    )


# -- Go signature sketch ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GoHints:
    """What a function's body says beyond its signature, read from its source
    (``goport.roadmap.surface``): the sketch is pure and never parses code itself."""

    raises: bool = False  # a raise in the body, or a call to a function of the module that raises
    returns_width: int = 0  # 32 or 64: the value returned is masked or wrapped to that many bits
    masked_params: tuple[tuple[str, int], ...] = ()  # (param, 32|64): used in a masked expression
    generator: bool = False  # yields: a channel in Go
    returns_value: bool = False  # some ``return`` carries a value
    io: bool = False  # network or subprocess I/O: a context.Context and an error in Go
    files: bool = False  # opens files: an error in Go, no context (os.Open takes none)
    #: types found for unannotated parameters (docstring, use, call sites), as annotation text
    param_types: tuple[tuple[str, str], ...] = ()
    returns: str | None = None  # the return type from the docstring, as annotation text
    #: per item of a returned tuple, 32 or 64 where every return agrees it is that wide (0: not)
    tuple_widths: tuple[int, ...] = ()


_GO_KEYWORDS = frozenset(
    [
        "break",
        "case",
        "chan",
        "const",
        "continue",
        "default",
        "defer",
        "else",
        "fallthrough",
        "for",
        "func",
        "go",
        "goto",
        "if",
        "import",
        "interface",
        "map",
        "package",
        "range",
        "return",
        "select",
        "struct",
        "switch",
        "type",
        "var",
    ]
)
_DUNDERS = {
    "__len__": "Len",
    "__iter__": "All",
    "__contains__": "Contains",
    "__getitem__": "Get",
    "__setitem__": "Set",
    "__delitem__": "Delete",
    "__eq__": "Equal",
    "__hash__": "Hash",
    "__str__": "String",
    "__repr__": "GoString",
    "__call__": "Call",
    "__lt__": "Less",
    "__enter__": "Open",
    "__exit__": "Close",
    "__aenter__": "Open",
    "__aexit__": "Close",
}


def go_type(annotation: str | None, classes: Mapping[str, ClassKind] | None = None) -> str:
    """A best-effort Go type for a Python annotation written as source text (``classes``: the
    module's enums and interfaces, passed by value; other classes are structs, by pointer)."""
    return to_go(parse_type(annotation), classes)


def _camel(name: str, exported: bool = True) -> str:
    parts = [p for p in name.split("_") if p]
    if not parts:
        return name
    head = parts[0].capitalize() if exported else parts[0]
    return head + "".join(p.capitalize() for p in parts[1:])


def go_name(qualname: str) -> str:
    """The Go name of a function or method: exported unless the Python name is private."""
    last = qualname.rsplit(".", 1)[-1]
    if last in _DUNDERS:
        return _DUNDERS[last]
    return _camel(last.lstrip("_"), exported=not last.startswith("_"))


def _go_params(
    params: Sequence[Param], hints: GoHints, classes: Mapping[str, ClassKind] | None
) -> tuple[list[str], list[str]]:
    """Each parameter as ``name type`` (typed from its annotation, the hints, its width), and
    the names left ``any`` for want of a type."""
    pinned = dict(hints.param_types)
    masked = dict(hints.masked_params)
    args: list[str] = []
    unpinned: list[str] = []
    for p in params:
        text = p.annotation or pinned.get(p.name)
        t = go_type(text, classes)
        if p.name in masked:
            t = _int_width(t, masked[p.name])
        if t == "any" and not text:
            unpinned.append(p.name)
        if p.kind == "var-positional":
            t = "..." + t
        elif p.kind == "var-keyword":
            t = "map[string]any"
        local = _camel(p.name, exported=False)
        args.append(f"{local}_ {t}" if local in _GO_KEYWORDS else f"{local} {t}")
    return args, unpinned


def _go_results(
    fn: FunctionFacts, hints: GoHints, classes: Mapping[str, ClassKind] | None
) -> list[str]:
    """What the function returns, in Go: a channel for a generator, a tuple's items as Go's
    results, a width where the body masks, nothing for None."""
    text = fn.returns or hints.returns
    if hints.generator:
        stream = go_type(text, classes)
        return [stream if stream.startswith("<-chan") else "<-chan any"]
    if text and (returned := parse_type(text)).shape is Shape.TUPLE:
        widths = hints.tuple_widths or (0,) * len(returned.args)
        return [_int_width(to_go(a, classes), w) for a, w in zip(returned.args, widths)]
    ret = go_type(text, classes) if text else ("any" if hints.returns_value else "")
    ret = _int_width(ret, hints.returns_width)
    return [ret] if ret and ret != "struct{}" else []


def _int_width(go: str, width: int) -> str:
    """``int`` (or an unpinned ``any``) as the unsigned type a mask or a wrap implies."""
    return {32: "uint32", 64: "uint64"}.get(width, go) if go in ("int", "any") else go


def _does_io(fn: FunctionFacts, hints: GoHints) -> bool:
    return fn.is_async or hints.io or any(Trait.NETWORK in f.traits for f in fn.findings)


def needs_context(fn: FunctionFacts, hints: GoHints) -> bool:
    """Whether the Go form takes a ``context.Context`` first: it does I/O (async, network,
    subprocess), or it is a generator (a goroutine feeding a channel must be cancellable)."""
    return _does_io(fn, hints) or hints.generator


def go_signature(
    fn: FunctionFacts,
    hints: GoHints | None = None,
    classes: Mapping[str, ClassKind] | None = None,
) -> str:
    """``func TokenizeLine(line string) []*Token`` for ``def tokenize_line(line: str) -> list[Token]``.

    Go as a Go programmer writes it: ``NewX`` for ``__init__``, methods on pointer receivers,
    ``context.Context`` first for I/O, ``(T, error)`` only where the Python raises (or does I/O),
    unsigned ints where the body masks or wraps, ``<-chan T`` for a generator. An unpinned
    parameter is ``any`` with a comment saying what would pin it.
    """
    hints = hints or GoHints()
    parts = fn.qualname.split(".")
    owner = parts[-2] if len(parts) >= 2 and parts[-2] != "<locals>" else ""
    bound = bool(owner) and bool(fn.params) and fn.params[0].name in ("self", "cls")
    is_cls = bound and fn.params[0].name == "cls"
    static = bool(owner) and "staticmethod" in fn.decorators
    name = go_name(fn.qualname)
    receiver = ""
    constructor = bound and parts[-1] == "__init__"
    if constructor:
        name = "New" + owner
    elif is_cls or static:
        name = (
            owner + name
            if name[:1].isupper()
            else _camel(owner, False) + name[:1].upper() + name[1:]
        )
    elif bound:
        receiver = f"({owner[:1].lower()} *{owner}) "
    args = ["ctx context.Context"] if needs_context(fn, hints) else []
    params, unpinned = _go_params(fn.params[1:] if bound else fn.params, hints, classes)
    args += params
    outs = ["*" + owner] if constructor else _go_results(fn, hints, classes)
    if hints.raises or _does_io(fn, hints) or hints.files:
        outs.append("<-chan error" if hints.generator else "error")
    result = outs[0] if len(outs) == 1 else f"({', '.join(outs)})" if outs else ""
    sig = f"func {receiver}{name}({', '.join(args)})" + (f" {result}" if result else "")
    if receiver and (classes or {}).get(owner) is ClassKind.INTERFACE:
        sig = f"type {owner} interface {{ {sig.split(') ', 1)[1]} }}"  # a method of an interface
    if unpinned:
        sig += f" // any: annotate {', '.join(unpinned)} to pin the type"
    return sig
