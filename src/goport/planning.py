"""How to move a candidate: strategy, Go idioms, hot functions with Go signatures, effort.

Strategies follow the migration guidance: request-serving and concurrent network code becomes a
Go service behind HTTP/gRPC; CPU-heavy batch work a Go worker behind a queue; a self-contained
CPU kernel a Go CLI or sidecar; a kernel other modules call in-process a Go extension module
that keeps their import sites; code whose cost is dominated by something cheap to fix in Python
is fixed there first; data-science, dynamic, and glue code stays in Python.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
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
    Strategy,
    Trait,
)
from goport.scoring import CALIBRATION, Calibration, Scored, Signals, gain_of
from goport.scoring.factors import blocker_cost
from goport.scoring.kernel import Kernel

#: a cheaper Python-side fix for what a rule found, tried before any rewrite
PYTHON_FIRST = {
    "GP104": "build strings with a list and ''.join() (or io.StringIO) instead of += in a loop",
    "GP107": "compile regular expressions once, outside the loop (re.compile at module level)",
    "GP101": "check the algorithm first: a dict/set lookup often removes an inner loop",
    "GP102": "vectorise the arithmetic with numpy, or try mypyc/Cython on this module",
    "GP108": "processes already sidestep the GIL: measure whether pickling between them is the real cost",
    "GP201": "for I/O-bound threads, asyncio may give the concurrency without a rewrite",
    "GP204": "for I/O-bound pools, asyncio may give the concurrency without a rewrite",
    "GP306": "replace sleep-polling with blocking waits or notifications before porting",
}

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


def _form(
    facts: ModuleFacts, sig: Signals, traits: set[Trait], boundary: Boundary
) -> tuple[Strategy, str]:
    serving = Trait.SERVING in traits
    feeding = Trait.FEEDING in traits
    io_led = sig.io > 0 and sig.io * 1.2 >= sig.cpu
    if io_led:
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
    if facts.has_main_guard or (boundary.fan_in == 0 and not boundary.used_names):
        return Strategy.GO_CLI, (
            "A self-contained CPU kernel that nothing else in the project imports: a Go CLI or "
            "sidecar that Python calls with its input (stdin/JSON or a small RPC) is the "
            "smallest first step."
        )
    width = len(boundary.used_names)
    reason = (
        f"A CPU kernel that {boundary.fan_in} module(s) call in-process: a Go package built as "
        "a CPython extension (gopy, or cgo -buildmode=c-shared behind a thin Python wrapper) "
        "keeps every import site unchanged. Each call crosses the boundary (about a "
        "microsecond), so batch work per call: pass whole buffers or lists, not one element."
    )
    if width > NARROW_INTERFACE:
        reason += (
            f" Its interface is wide ({width} names used elsewhere): start with the hottest "
            "functions below and keep the rest in Python."
        )
    return Strategy.GO_EXTENSION, reason


def plan(
    facts: ModuleFacts,
    findings: Sequence[Finding],
    scored: Scored,
    boundary: Boundary,
    hotness: Hotness | None = None,
    cal: Calibration = CALIBRATION,
) -> Plan:
    rules = {f.rule for f in findings}
    blockers = _blockers(findings)
    python_first = tuple(PYTHON_FIRST[r] for r in sorted(rules) if r in PYTHON_FIRST)
    strategy, reason = _strategy(facts, findings, scored, boundary, python_first, cal)
    moves = strategy not in (Strategy.KEEP, Strategy.OPTIMISE_FIRST)
    kernel = scored.kernel if strategy is Strategy.GO_EXTENSION else None
    if kernel is not None:
        blockers = _blockers(kernel.findings)
    return Plan(
        strategy=strategy,
        reason=reason,
        functions=hot_functions(facts, findings, hotness),
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
    cheap = sum(f.weight for f in findings if Trait.CHEAP_FIX in f.traits)
    if cheap and cheap >= 0.5 * sig.cpu and scored.score < 50 and python_first:
        return Strategy.OPTIMISE_FIRST, (
            "Most of the cost found here has a cheap Python-side fix; apply it and measure "
            "before paying for a rewrite."
        )
    if benefit < cal.min_gain:
        return Strategy.KEEP, glue
    if scored.score < cal.min_go_score:
        if python_first:
            return Strategy.OPTIMISE_FIRST, (
                "Some CPU or concurrency signal, but not enough to pay for a rewrite yet; the "
                "Python-side fixes listed below are cheaper. Re-check with a profile."
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
    facts: ModuleFacts, findings: Sequence[Finding], hotness: Hotness | None, limit: int = 5
) -> tuple[HotFunction, ...]:
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
            signature=go_signature(fn),
        )
        for raw, fn, reasons, m in rows[:limit]
    )


# -- Go signature sketch ------------------------------------------------------------------------

_SCALARS = {
    "int": "int",
    "float": "float64",
    "str": "string",
    "bytes": "[]byte",
    "bytearray": "[]byte",
    "bool": "bool",
    "None": "",
    "Any": "any",
    "object": "any",
    "complex": "complex128",
    "Decimal": "decimal.Decimal",
    "datetime": "time.Time",
    "timedelta": "time.Duration",
}
_SEQ = {
    "list",
    "List",
    "Sequence",
    "Iterable",
    "MutableSequence",
    "set",
    "Set",
    "frozenset",
    "FrozenSet",
    "Collection",
    "deque",
    "tuple",
    "Tuple",
}
_MAP = {"dict", "Dict", "Mapping", "MutableMapping", "defaultdict", "OrderedDict", "Counter"}
_STREAM = {"Iterator", "Generator", "AsyncIterator", "AsyncGenerator", "AsyncIterable"}


def go_type(annotation: str | None) -> str:
    """A best-effort Go type for a Python annotation written as source text."""
    if not annotation:
        return "any"
    text = annotation.strip().strip("\"'")
    parts = _split_top(text, "|")
    if len(parts) > 1:
        rest = [p for p in parts if p != "None"]
        if len(rest) == 1:
            inner = go_type(rest[0])
            return inner if inner.startswith(("[]", "map[", "*", "<-chan", "any")) else "*" + inner
        return "any"
    match = re.fullmatch(r"([\w.]+)\s*(?:\[(.*)\])?", text, re.DOTALL)
    if not match:
        return "any"
    head = match.group(1).rsplit(".", 1)[-1]
    args = _split_args(match.group(2) or "")
    if head in _SCALARS:
        return _SCALARS[head] or "struct{}"
    if head == "Optional" and args:
        inner = go_type(args[0])
        return inner if inner.startswith(("[]", "map[", "*", "any")) else "*" + inner
    if head in _SEQ:
        if head in ("tuple", "Tuple") and len(args) > 1 and args[-1] != "...":
            return "struct{ " + "; ".join(f"F{i} {go_type(a)}" for i, a in enumerate(args)) + " }"
        return "[]" + go_type(args[0] if args else None)
    if head in _MAP:
        key = go_type(args[0]) if args else "string"
        value = go_type(args[1]) if len(args) > 1 else ("int" if head == "Counter" else "any")
        return f"map[{key}]{value}"
    if head in _STREAM:
        return "<-chan " + go_type(args[0] if args else None)
    if head in ("Callable",):
        return "func(...any) any"
    if head[:1].isupper():
        return "*" + head
    return "any"


def _split_args(text: str) -> list[str]:
    return _split_top(text, ",")


def _split_top(text: str, sep: str) -> list[str]:
    out: list[str] = []
    current: list[str] = []
    depth = 0
    for ch in text:
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
        if ch == sep and depth == 0:
            out.append("".join(current).strip())
            current = []
        else:
            current.append(ch)
    if "".join(current).strip():
        out.append("".join(current).strip())
    return out


def _camel(name: str, exported: bool = True) -> str:
    parts = [p for p in name.split("_") if p]
    if not parts:
        return name
    head = parts[0].capitalize() if exported else parts[0]
    return head + "".join(p.capitalize() for p in parts[1:])


def go_signature(fn: FunctionFacts) -> str:
    """``func Tokenize(line string) ([]Token, error)`` for ``def tokenize(line: str) -> list[Token]``."""
    parts = fn.qualname.split(".")
    name = _camel(parts[-1].lstrip("_"), exported=not parts[-1].startswith("_"))
    receiver = ""
    params = [p for p in fn.params if p.name not in ("self", "cls")]
    if (
        len(parts) >= 2
        and parts[-2] != "<locals>"
        and fn.params
        and fn.params[0].name in ("self", "cls")
    ):
        receiver = f"({parts[-2][:1].lower()} *{parts[-2]}) "
    args = ["ctx context.Context"] if fn.is_async else []
    for p in params:
        t = go_type(p.annotation)
        if p.kind == "var-positional":
            t = "..." + t
        elif p.kind == "var-keyword":
            t = "map[string]any"
        args.append(f"{_camel(p.name, exported=False)} {t}")
    ret = go_type(fn.returns) if fn.returns else ""
    result = f"({ret}, error)" if ret and ret != "struct{}" else "error"
    return f"func {receiver}{name}({', '.join(args)}) {result}"
