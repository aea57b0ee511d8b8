#!/usr/bin/env python3
"""What ``goport capture``'s tracer costs the traced program, per Python version.

A throw-away module holds one boundary function (an FNV hash) and one that is not; a script
calls the second 1,000,000 times and the first 20,000 times (past the cap of 50 cases, where a
call is only counted). The script runs plainly and under the tracer (the same temporary
``sitecustomize`` as ``goport capture``), ``--repeat`` times each (median reported), under this
Python and under every other 3.9-3.13 found on PATH or under ~/.pyenv. Python 3.12+ traces with
``sys.monitoring`` (a function that is not a target is switched off after its first call);
older Pythons call a profile function on every call and return.

Usage:  python benchmarks/capture_overhead.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from goport.capture import run
from goport.capture.targets import Target
from goport.model import Strategy

MODULE = """\
def fnv1a_32(data):
    h = 0x811C9DC5
    for b in data:
        h = ((h ^ b) * 0x01000193) & 0xFFFFFFFF
    return h
"""

SCRIPT = """\
import time
from kernel import fnv1a_32

def other(x):
    return x + 1

t = time.perf_counter()
for i in range(1_000_000):
    other(i)
plain = time.perf_counter() - t
t = time.perf_counter()
for i in range(20_000):
    fnv1a_32(b"abcdefgh%d" % (i % 100))
print(plain, time.perf_counter() - t)
"""


def pythons() -> list[str]:
    found = [sys.executable]
    for version in ("3.9", "3.10", "3.11", "3.12", "3.13"):
        if f"{sys.version_info[0]}.{sys.version_info[1]}" == version:
            continue
        pyenv = sorted(Path.home().glob(f".pyenv/versions/{version}.*/bin/python"))
        for candidate in [*(str(p) for p in reversed(pyenv)), shutil.which(f"python{version}")]:
            if candidate and _version(candidate) == version:
                found.append(candidate)
                break
    return found


def _version(python: str) -> str:
    probe = [python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"]
    done = subprocess.run(probe, capture_output=True, text=True, check=False)
    return done.stdout.strip() if done.returncode == 0 else ""


def timed(
    python: str, folder: Path, env: dict[str, str] | None, repeat: int
) -> tuple[float, float]:
    runs = []
    for _ in range(repeat):
        out = subprocess.run(
            [python, "bench.py"], cwd=folder, env=env, capture_output=True, text=True, check=True
        )
        runs.append(tuple(float(x) for x in out.stdout.split()))
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    repeat = parser.parse_args().repeat
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "kernel.py").write_text(MODULE)
        (folder / "bench.py").write_text(SCRIPT)
        target = Target(
            "kernel", "fnv1a_32", "kernel.py", os.path.realpath(folder / "kernel.py"),
            ((1, 1),), "Fnv1a32", Strategy.GO_EXTENSION, 1,
        )  # fmt: skip
        print(f"{'python':8} {'1M other calls':>24} {'20k boundary calls':>26}")
        for python in pythons():
            env = run.prepare(folder / f"work-{len(os.listdir(folder))}", [target], 50)
            plain = timed(python, folder, None, repeat)
            traced = timed(python, folder, env, repeat)
            cells = [
                f"{p:.3f}s -> {t:.3f}s ({t / p:.1f}x)" for p, t in zip(plain, traced, strict=True)
            ]
            print(f"{_version(python):8} {cells[0]:>24} {cells[1]:>26}")


if __name__ == "__main__":
    main()
