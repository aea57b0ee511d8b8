"""Workload of benchmarks/measured.py for pyflakes: check a few hundred real Python files.

What an editor plugin, a pre-commit hook or flake8 does with pyflakes: run its checker over many
files of real code. The files are the first 500 modules (by path) of the running interpreter's
standard library, test suites left out; messages go to an in-memory reporter.

This driver also shares its file name with a module of the package
(``pyflakes/scripts/pyflakes.py``): a profile join that matches frames by bare file name would
take this script for that module.

Run with the Python of a venv that has pyflakes installed:  python workloads/pyflakes.py [SCALE]
"""

import io
import os
import sys
import sysconfig
from pathlib import Path

# this file is named like the package: keep its folder off sys.path, so that ``import pyflakes``
# finds the installed package and not this script
_HERE = os.path.dirname(os.path.realpath(__file__))
sys.path[:] = [p for p in sys.path if os.path.realpath(p or os.curdir) != _HERE]

from pyflakes import api, reporter

SKIP = {"test", "tests", "idle_test", "site-packages", "__pycache__"}


def stdlib_files(count: int) -> list[Path]:
    root = Path(sysconfig.get_paths()["stdlib"])
    files = [
        p
        for p in sorted(root.rglob("*.py"))
        if not SKIP.intersection(p.relative_to(root).parts[:-1]) and p.stat().st_size < 200_000
    ]
    return files[:count]


def main(scale: float) -> None:
    files = stdlib_files(int(500 * scale))
    out, err = io.StringIO(), io.StringIO()
    rep = reporter.Reporter(out, err)
    warnings = sum(api.checkPath(str(path), rep) for path in files)
    print(f"{len(files)} files checked, {warnings} messages", file=sys.stderr)


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 1.0)
