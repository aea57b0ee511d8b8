#!/usr/bin/env python3
"""Speed of ``goport plan``'s semantic-risk pass (``goport.roadmap.risks``) on the standard library.

The pass parses each module with the stdlib ``ast`` and walks it once; it runs at plan time on the
modules that move, not on the pre-commit path. This times it over the same file set as
``stdlib_speed.py`` (the running interpreter's standard library without test suites), in one
process, reading every file first so that only parsing and the walk are timed; it also times
``ast.parse`` alone, the floor of any ast-based pass, and prints how many risks of each kind it
found. Each timing is repeated ``--repeat`` times (default 3) and the median is reported.

Usage:  python benchmarks/risks_speed.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import ast
import collections
import statistics
import sys
import sysconfig
import time
import warnings
from collections.abc import Callable
from pathlib import Path

from _common import goport_source
from stdlib_speed import stdlib_files

from goport.roadmap.risks import semantic_risks


def _parse_only(data: bytes) -> None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(data)
    except (SyntaxError, ValueError):
        pass


def _median_seconds(work: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    sources = [(str(rel), (stdlib / rel).read_bytes()) for rel in stdlib_files(stdlib)]
    size_mb = sum(len(data) for _, data in sources) / 1e6
    found: list[tuple[str, int]] = []

    def risks_pass() -> None:
        found.clear()
        for rel, data in sources:
            found.extend((risk.kind, risk.line) for risk in semantic_risks(data, rel))

    risks_s = _median_seconds(risks_pass, args.repeat)
    parse_s = _median_seconds(lambda: [_parse_only(data) for _, data in sources], args.repeat)
    print(goport_source())
    print(f"Python {sys.version.split()[0]}, {len(sources)} files, {size_mb:.1f} MB")
    print(f"semantic_risks: {risks_s:.2f} s (median of {args.repeat}, one process)")
    print(f"ast.parse only: {parse_s:.2f} s   walk + rules: {risks_s - parse_s:.2f} s")
    print(f"{len(found)} risks: " + ", ".join(
        f"{kind} {count}" for kind, count in collections.Counter(k for k, _ in found).most_common()
    ))  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
