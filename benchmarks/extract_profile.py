#!/usr/bin/env python3
"""Where a cold scan's time goes, per file: the profile that guides work on extraction speed.

Runs ``goport.extract.extract`` in this process under ``cProfile`` on the standard library's
top-level modules (or ``--files N`` of them, largest first), then sums the profile's own time
(``tottime``) by component:

- **libcst parse**: libcst's parser (the native tokenizer and parser, and building the tree);
- **libcst codegen**: the walk's one traversal (goport.cstwalk drives libcst's code generation
  to get exact lines: node traversal and the text it produces);
- **walk: dispatch and positions**: goport.cstwalk, the hooks' dispatch and line tracking;
- **walk: call sites**: the call-site collector (callsites, callscopes) for the static estimate;
- **walk: built-in facts**: the rest of goport's walk (functions, classes, imports, comments,
  line counts) and extract's assembly;
- **detectors: <family>** and **walk facts** (loops, bindings): the rules' hooks;
- **radon**: the stdlib ``ast`` parse and radon's complexity and Halstead visitors;
- **other**: everything else (builtins are charged to their caller's component).

It also times, without the profiler, a libcst parse alone and ``radon cc``'s visitor alone on the
same files, as the floors. Profiles slow Python code more than native code, so the shares are a
guide to where the time is, not a measurement of it; ``stdlib_speed.py`` measures.

Usage:  python benchmarks/extract_profile.py [--files 150] [--top 15]
"""

from __future__ import annotations

import argparse
import ast
import cProfile
import pstats
import sysconfig
import time
from collections import defaultdict
from pathlib import Path

import libcst as cst
from _common import goport_source
from radon.complexity import cc_visit

from goport.extract import extract
from goport.model import SourceFile

_COMPONENTS = (
    ("libcst/_parser", "libcst parse"),
    ("libcst/", "libcst codegen"),
    ("goport/detectors/", "detectors"),
    ("goport/walk/loops", "walk facts"),
    ("goport/walk/bindings", "walk facts"),
    ("goport/cstwalk", "walk: dispatch and positions"),
    ("goport/callsites", "walk: call sites"),
    ("goport/callscopes", "walk: call sites"),
    ("goport/", "walk: built-in facts"),
    ("radon/", "radon"),
    ("/ast.py", "radon"),
)


def component(filename: str) -> str:
    path = filename.replace("\\", "/")
    if "goport/detectors/" in path:
        family = path.split("goport/detectors/", 1)[1].split("/", 1)[0]
        return f"detectors: {family.removesuffix('.py')}"
    for marker, name in _COMPONENTS:
        if marker in path:
            return name
    return "other"


def files(count: int) -> list[Path]:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    found = sorted(stdlib.glob("*.py"), key=lambda p: -p.stat().st_size)
    return found[:count]


def floors(datas: list[tuple[Path, bytes]]) -> tuple[float, float]:
    start = time.perf_counter()
    for _, data in datas:
        cst.parse_module(data)
    parse = time.perf_counter() - start
    start = time.perf_counter()
    for _, data in datas:
        cc_visit(ast.parse(data))
    radon = time.perf_counter() - start
    return parse, radon


def profile(datas: list[tuple[Path, bytes]]) -> tuple[float, dict[str, float]]:
    profiler = cProfile.Profile()
    start = time.perf_counter()
    profiler.enable()
    for path, data in datas:
        extract(SourceFile(rel_path=path.name, abs_path=str(path), module=path.stem), data)
    profiler.disable()
    wall = time.perf_counter() - start
    by: dict[str, float] = defaultdict(float)
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    for (filename, _, _), (_, _, tottime, _, callers) in stats.items():
        if filename == "~":  # a builtin: charge its callers' components, by their share
            total = sum(c[2] for c in callers.values()) or 1.0
            for (caller_file, _, _), c in callers.items():
                by[component(caller_file)] += tottime * c[2] / total
        else:
            by[component(filename)] += tottime
    return wall, by


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=150)
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args()
    datas = [(p, p.read_bytes()) for p in files(args.files)]
    size = sum(len(d) for _, d in datas)
    print(goport_source())
    print(f"{len(datas)} stdlib modules, {size / 1e6:.1f} MB, one process")
    parse, radon = floors(datas)
    print(f"floors (no profiler): libcst parse {parse:.2f} s, ast + radon cc visitor {radon:.2f} s")
    wall, by = profile(datas)
    total = sum(by.values())
    print(f"extract under cProfile: {wall:.2f} s wall, {total:.2f} s profiled\n")
    print(f"{'component':32} {'seconds':>8} {'share':>6}")
    for name, seconds in sorted(by.items(), key=lambda kv: -kv[1])[: args.top]:
        print(f"{name:32} {seconds:8.2f} {seconds / total:6.1%}")


if __name__ == "__main__":
    main()
