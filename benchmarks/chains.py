#!/usr/bin/env python3
"""Are the estimate's call chains the ones that run? Best callers against recorded stacks.

``goport explain`` shows, for a module's hottest functions, the call chain the static estimate
thinks leads there: each function's *best caller* (the caller contributing most estimated runs),
followed back to an entry point. This script checks those links against what really called each
function, in measured.py's recordings (``benchmarks/.work/profiles/<name>/B.json``):

- each py-spy sample is a stack, root first; its frames in the package's own files are kept in
  order and named ``module:qualname`` as goport names functions (py-spy records the code
  object's qualified name: ``Class.method``, ``outer.<locals>.inner``). Frames of the standard
  library or other packages between two of them are skipped, so a callback run by ``sorted`` or
  ``re.sub`` counts as called by the function that handed it over;
- each pair of consecutive kept frames is an observed call, counted once per sample with the
  sample's weight (recursion repeats a pair in one stack);
- for every function observed with a caller, its weight is the samples in which it has one.

Printed per package, weighted by those samples (so hot functions count most):

- ``top``: the estimate's best caller is the caller observed most often;
- ``seen``: it is one of the observed callers at all;
- ``above``: it was somewhere above the function in a sample's stack (a decorator's wrapper, or
  a function of the package the estimate skipped, may stand between them);
- ``none``: the estimate names no caller (not reached, or an entry point only).

goport runs in this process with its cache in a temporary folder, as estimate_ndcg.py does.

Usage:  python benchmarks/chains.py [--only NAME] [--show N]
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from _common import goport_source
from estimate_ndcg import recorded
from measured import WORK, Spec, Tree, import_path

from goport import hotpath
from goport.config import Config
from goport.pipeline import run

Stack = Sequence[str]  # function keys, root first


@dataclass
class Observed:
    """Who called each function in a recording, by sample weight."""

    callers: dict[str, dict[str, float]] = field(default_factory=dict)  # callee -> caller -> w
    weight: dict[str, float] = field(default_factory=dict)  # callee -> weight with a caller
    above: dict[str, set[str]] = field(default_factory=dict)  # callee -> functions above it

    def add(self, stack: Stack, weight: float) -> None:
        pairs = {(a, b) for a, b in itertools.pairwise(stack) if a != b}
        for callee in {b for _, b in pairs}:
            self.weight[callee] = self.weight.get(callee, 0.0) + weight
        for caller, callee in pairs:
            into = self.callers.setdefault(callee, {})
            into[caller] = into.get(caller, 0.0) + weight
        for at, callee in enumerate(stack):
            if at:
                self.above.setdefault(callee, set()).update(stack[:at])


@dataclass(frozen=True)
class Agreement:
    top: float  # weighted share of callees whose best caller is the most frequent observed one
    seen: float  # ... whose best caller is one of the observed ones
    above: float  # ... whose best caller was above it in some sample (wrappers in between)
    none: float  # ... with no best caller in the estimate
    callees: int  # functions observed with a caller


def observed_calls(stacks: Iterable[tuple[Stack, float]]) -> Observed:
    observed = Observed()
    for stack, weight in stacks:
        observed.add(stack, weight)
    return observed


def agreement(observed: Observed, best_caller: Mapping[str, str]) -> Agreement:
    """How often the estimate's best caller of a function is the one that called it."""
    total = top = seen = above = none = 0.0
    for callee, weight in observed.weight.items():
        callers = observed.callers[callee]
        total += weight
        guess = best_caller.get(callee)
        if guess is None:
            none += weight
            continue
        most = max(callers.values())
        if callers.get(guess, 0.0) >= most * (1.0 - 1e-9):  # sums in another order: ties
            top += weight
        if guess in callers:
            seen += weight
        if guess in observed.above.get(callee, ()):
            above += weight
    scale = 1.0 / total if total else 0.0
    return Agreement(top * scale, seen * scale, above * scale, none * scale, len(observed.weight))


def recorded_stacks(
    path: Path, spec: Spec, tree: Tree, modules: Mapping[str, str]
) -> list[tuple[Stack, float]]:
    """Each sample's stack of the package's own frames as ``module:qualname``, root first.

    ``modules`` maps a file (relative to the sdist) to goport's module name."""
    data = json.loads(path.read_text(encoding="utf-8"))
    prefix = f"{tree.base}/" if tree.base else ""
    names: list[str | None] = []
    for frame in data["shared"]["frames"]:
        rel = import_path(frame["file"], spec.packages)
        module = modules.get(prefix + rel) if rel is not None else None
        names.append(None if module is None else f"{module}:{function_of(frame['name'])}")
    out: list[tuple[Stack, float]] = []
    for profile in data["profiles"]:
        for stack, weight in zip(profile["samples"], profile["weights"]):
            kept: list[str] = []
            for name in (names[i] for i in stack):
                if name is not None and (not kept or kept[-1] != name):
                    kept.append(name)
            if kept:
                out.append((kept, weight))
    return out


def function_of(qualname: str) -> str:
    """The function goport counts a code object in: a comprehension or lambda (its own frame
    since Python 3.11 for comprehensions) is part of the function around it."""
    if qualname in _INLINE:
        return "<module>"
    parts = qualname.split(".")
    while len(parts) > 2 and parts[-1] in _INLINE and parts[-2] == "<locals>":
        parts = parts[:-2]
    return ".".join(parts)


#: code objects that are their own frames but part of the enclosing function for goport
_INLINE = frozenset({"<listcomp>", "<dictcomp>", "<setcomp>", "<genexpr>", "<lambda>"})


def evaluate(
    spec: Spec, tree: Tree, recording: Path, cache: Path
) -> tuple[Agreement, Observed, dict[str, str]]:
    result = run(Config(root=tree.sdist, cache_dir=cache, history=False, jobs=1), with_facts=True)
    facts = result.modules
    modules = {m.rel_path: m.module for m in facts}
    estimate = hotpath.estimate(facts)
    observed = observed_calls(recorded_stacks(recording, spec, tree, modules))
    best = dict(estimate.best_caller)
    return agreement(observed, best), observed, best


def show_misses(observed: Observed, best: Mapping[str, str], count: int) -> None:
    order = sorted(observed.weight, key=lambda c: -observed.weight[c])
    for callee in order[:count]:
        callers = observed.callers[callee]
        top = max(callers, key=lambda c: callers[c])
        guess = best.get(callee, "-")
        mark = (
            "ok"
            if callers.get(guess, 0.0) >= callers[top] * (1.0 - 1e-9)
            else ("seen" if guess in callers else "MISS")
        )
        print(f"    {mark:<5} {observed.weight[callee]:>7.2f}  {callee}")
        print(f"          observed {top}; estimate {guess}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", action="append", default=[], help="only this package")
    parser.add_argument("--show", type=int, default=0, help="print the N most sampled callees")
    parser.add_argument(
        "--work", type=Path, default=WORK, help="measured.py's work folder (sdists, recordings)"
    )
    args = parser.parse_args(argv)
    print(f"goport call-chain benchmark: best callers against {args.work}/profiles/*/B.json")
    print(f"{goport_source()}; python {sys.version.split()[0]}")
    print(f"{'package':<28}{'callees':>8}{'top':>8}{'seen':>8}{'above':>8}{'none':>8}")
    rows: list[Agreement] = []
    with tempfile.TemporaryDirectory(prefix="goport-chains-") as cache:
        for spec, tree, recording in recorded(args.work, args.only):
            row, observed, best = evaluate(spec, tree, recording, Path(cache))
            rows.append(row)
            print(
                f"{spec.name + ' ' + spec.version:<28}{row.callees:>8}"
                f"{row.top:>8.3f}{row.seen:>8.3f}{row.above:>8.3f}{row.none:>8.3f}"
            )
            if args.show:
                show_misses(observed, best, args.show)
    if rows:
        n = len(rows)
        print(
            f"chains: macro top {sum(r.top for r in rows) / n:.3f} | "
            f"seen {sum(r.seen for r in rows) / n:.3f} | above {sum(r.above for r in rows) / n:.3f} | "
            f"none {sum(r.none for r in rows) / n:.3f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
