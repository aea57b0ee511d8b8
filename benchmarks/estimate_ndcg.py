#!/usr/bin/env python3
"""How well does the static time estimate alone rank modules? NDCG@5 against measured time.

Reuses ``measured.py``'s set, trees, truth and metric: for every package of ``measured_set.toml``
whose recordings ``measured.py`` already made (``benchmarks/.work/profiles/<name>/B.json``), the
truth is each evaluated module's share of the package's self time in recording B, and NDCG@5 is
computed exactly as there. Three orders of the evaluated modules are scored:

- ``static``: goport's candidate order without a profile (as ``measured.py``'s static column);
- ``estimate``: the module's estimated time share (``hotpath``), largest first, nothing else;
- ``loc``: source lines, the naive baseline.

goport runs in this process (``pipeline.run``), with its cache in a temporary folder: nothing is
recorded, installed or written under ``benchmarks/.work``. Packages without recordings are
skipped with a note: run ``python benchmarks/measured.py`` once first.

Usage:  python benchmarks/estimate_ndcg.py [--only NAME] [--table]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from _common import goport_source
from measured import (
    HERE,
    WORK,
    K,
    Ranking,
    Spec,
    Tree,
    evaluated_modules,
    fmt,
    goport_ranking,
    lines_of_code,
    load_set,
    ndcg,
    order_by,
    package_base,
    positions,
    read_recording,
)

from goport.config import Config
from goport.pipeline import run
from goport.reports.json_report import document

COLUMNS = ("static", "estimate", "loc")


def tree_of(spec: Spec, work: Path) -> Tree | None:
    """The unpacked sdist measured.py scans, if it is there."""
    sdist = work / "src" / f"{spec.name}-{spec.version}"
    if not sdist.is_dir():
        return None
    base = package_base(sdist, spec.packages)
    return Tree(sdist, base, evaluated_modules(sdist, base, spec.packages))


def recorded(work: Path, only: Sequence[str]) -> Iterator[tuple[Spec, Tree, Path]]:
    """The measured set's packages whose sdist and recording B measured.py left in ``work``;
    each of the others gets a note."""
    for spec in load_set(HERE / "measured_set.toml", only):
        tree = tree_of(spec, work)
        recording = work / "profiles" / spec.name / "B.json"
        if tree is None or not recording.is_file():
            print(f"{spec.name}: no sdist or recording B; run benchmarks/measured.py first")
            continue
        yield spec, tree, recording


def rankings(tree: Tree, cache: Path) -> tuple[dict[str, Ranking], float]:
    start = time.perf_counter()
    result = run(Config(root=tree.sdist, cache_dir=cache, history=False, jobs=1))
    seconds = time.perf_counter() - start
    doc: dict[str, Any] = document(result)
    by_path = {c.rel_path: c for c in result.ranking}
    shares = {
        m: (by_path[m].estimate.share if m in by_path and by_path[m].estimate else 0.0)  # type: ignore[union-attr]
        for m in tree.modules
    }
    loc = {
        m: float(lines_of_code((tree.sdist / m).read_text(encoding="utf-8"))) for m in tree.modules
    }
    static, _ = goport_ranking(doc, tree.modules)
    return {"static": static, "estimate": order_by(shares), "loc": order_by(loc)}, seconds


def print_table(tree: Tree, ranks: dict[str, Ranking], truth: dict[str, float]) -> None:
    pos = {n: positions(r) for n, r in ranks.items()}
    shown = [m for m in tree.modules if truth.get(m) or any(p[m] <= K for p in pos.values())]
    shown.sort(key=lambda m: (-truth.get(m, 0.0), m))
    print(f"  {'truth':>6}" + "".join(f"{n:>10}" for n in COLUMNS) + "  module")
    for m in shown:
        cells = "".join(f"{format(pos[n][m], 'g'):>10}" for n in COLUMNS)
        print(f"  {truth.get(m, 0.0):>6.1%}{cells}  {m}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", action="append", default=[], help="only this package")
    parser.add_argument("--table", action="store_true", help="print each package's modules")
    parser.add_argument(
        "--work", type=Path, default=WORK, help="measured.py's work folder (sdists, recordings)"
    )
    args = parser.parse_args(argv)
    scores: dict[str, list[float]] = {n: [] for n in COLUMNS}
    print(f"goport static estimate benchmark: NDCG@{K} against {args.work}/profiles/*/B.json")
    print(f"{goport_source()}; python {sys.version.split()[0]}")
    print(f"{'package':<28}" + "".join(f"{n:>10}" for n in COLUMNS) + f"{'scan s':>9}")
    with tempfile.TemporaryDirectory(prefix="goport-estimate-") as cache:
        for spec, tree, recording in recorded(args.work, args.only):
            truth = read_recording(recording, spec, tree).shares()
            ranks, seconds = rankings(tree, Path(cache))
            row = {n: ndcg(r, truth) for n, r in ranks.items()}
            for n, value in row.items():
                if value is not None:
                    scores[n].append(value)
            cells = "".join(f"{fmt(row[n]):>10}" for n in COLUMNS)
            print(f"{spec.name + ' ' + spec.version:<28}{cells}{seconds:>9.1f}")
            if args.table:
                print_table(tree, ranks, truth)
    means = {n: (sum(v) / len(v) if v else None) for n, v in scores.items()}
    print(f"estimate: macro NDCG@{K} " + " | ".join(f"{n} {fmt(means[n])}" for n in COLUMNS))
    return 0


if __name__ == "__main__":
    sys.exit(main())
