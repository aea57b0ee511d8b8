#!/usr/bin/env python3
"""How long the pre-commit hook's command takes: ``goport scan FILE FILE FILE`` cold and warm.

The pre-commit hook runs ``goport scan`` on the staged files from the repository root: the whole
project is analysed for context (from goport's per-file cache when warm) and only the files
named are reported on. What a developer feels at ``git commit`` is the warm run on a few files.

What it does:

1. copies ``fixtures/demo_service`` into a temporary folder, ``git init`` + commit (so the hook's
   git history read is part of the time, as in a real repository);
2. times, from that folder, ``goport scan`` on 3 of its modules:
   - ``cold``: a fresh, empty cache directory each run (the first commit after installing);
   - ``warm``: the same command again with the cache of the last cold run (every later commit);
   - ``warm --no-history``: the same, without reading git history (what the history read costs);
   - ``goport --version``: interpreter start + goport's CLI imports, the floor of any run;
3. does the same on a copy of the running interpreter's standard library (test suites left out,
   ~700 files, committed into a fresh repository), unless ``--skip-stdlib``;
4. with ``--pre-commit``: builds the hook through a real ``pre-commit try-repo`` of a snapshot
   of this checkout (pip-installs goport into pre-commit's virtualenv; needs network) and times
   ``pre-commit run goport --files FILE FILE FILE`` warm in the demo copy: the whole hook as a
   user sees it, pre-commit's own overhead included.

Every timing is repeated ``--repeat`` times (default 5); the median, min and max are printed.
The cold stdlib run is repeated ``--stdlib-cold-repeat`` times (default 1: it takes a while).

Like ``stdlib_speed.py`` it measures a frozen copy of the goport package (on ``PYTHONPATH``):
goport's cache key includes the size and mtime of its own modules, so an edit to the checkout
during the run would silently turn warm runs into cold ones. ``--live`` measures the installed
package instead.

Usage:  python benchmarks/precommit_speed.py [--repeat 5] [--skip-stdlib] [--pre-commit] [--keep]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "fixtures" / "demo_service"
DEMO_FILES = ("demo_service/tokenizer.py", "demo_service/matcher.py", "demo_service/api.py")
STDLIB_FILES = ("json/decoder.py", "textwrap.py", "heapq.py")
#: directory names whose contents are test suites or third-party code, never copied
STDLIB_EXCLUDED = frozenset({"test", "tests", "idle_test", "site-packages", "__pycache__"})
SNAPSHOT_IGNORE = shutil.ignore_patterns(
    ".git", ".venv", "venv", "__pycache__", "*.pyc", ".pytest_cache", ".mypy_cache",
    ".ruff_cache", "*.egg-info", "build", "dist", ".work", "node_modules",
)  # fmt: skip

#: environment of every measured command (PYTHONPATH points at the goport snapshot)
ENV: dict[str, str] = {
    k: v for k, v in os.environ.items() if k not in ("GITHUB_STEP_SUMMARY", "FORCE_COLOR")
}
ENV["NO_COLOR"] = "1"
GIT_IDENTITY = ("-c", "user.name=goport benchmark", "-c", "user.email=bench@goport.invalid")


def snapshot_goport(dest: Path) -> str:
    """Copy the goport package into dest and put it first on ENV's PYTHONPATH; returns its path."""
    import goport

    source = Path(goport.__file__).resolve().parent
    shutil.copytree(source, dest / "goport", ignore=shutil.ignore_patterns("__pycache__"))
    ENV["PYTHONPATH"] = os.pathsep.join(p for p in (str(dest), os.environ.get("PYTHONPATH")) if p)
    probe = subprocess.run(
        [sys.executable, "-c", "import goport; print(goport.__file__)"],
        capture_output=True, text=True, env=ENV, cwd="/", check=False,
    )  # fmt: skip
    if not probe.stdout.strip().startswith(str(dest)):
        sys.exit(
            f"the goport snapshot in {dest} is not the one imported: {probe.stdout}{probe.stderr}"
        )
    return str(dest / "goport")


def git_repo(folder: Path) -> None:
    for args in (
        ["init", "-q"],
        ["add", "-A"],
        ["commit", "-q", "--no-verify", "-m", "benchmark copy"],
    ):
        subprocess.run(["git", *GIT_IDENTITY, *args], cwd=folder, check=True, capture_output=True)


def copy_stdlib(dest: Path) -> int:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    count = 0
    for dirpath, dirnames, filenames in os.walk(stdlib):
        dirnames[:] = sorted(d for d in dirnames if d not in STDLIB_EXCLUDED)
        for name in sorted(filenames):
            if name.endswith(".py"):
                rel = Path(dirpath, name).relative_to(stdlib)
                (dest / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(stdlib / rel, dest / rel)
                count += 1
    return count


@dataclass
class Timing:
    name: str
    wall: list[float]
    cpu: list[float]

    def add(self, measured: tuple[float, float]) -> None:
        self.wall.append(measured[0])
        self.cpu.append(measured[1])

    def row(self) -> str:
        w = self.wall
        runs = " ".join(f"{x:.2f}" for x in w)
        return (
            f"  {self.name:<42} {statistics.median(w):>7.3f} {min(w):>7.3f} {max(w):>7.3f} "
            f"{statistics.median(self.cpu):>7.3f}   [{runs}]"
        )


HEADER = (
    f"  {'measurement':<42} {'median':>7} {'min':>7} {'max':>7} {'CPU':>7}   wall time of each run"
)


def timed(
    cmd: list[str], cwd: Path, env: dict[str, str] | None = None, ok: tuple[int, ...] = (0,)
) -> tuple[float, float]:
    """(wall seconds, user+system CPU seconds of the process tree it waited for).

    CPU time hardly moves with the machine's load, wall time does. A cold scan's worker
    processes belong to a multiprocessing forkserver and are missing from its CPU time.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(
        cmd,
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env or ENV,
        check=False,
    )
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in ok:
        sys.exit(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr[-2000:]}")
    return elapsed, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def measure(
    project: Path, files: tuple[str, ...], work: Path, repeat: int, cold_repeat: int
) -> list[Timing]:
    goport = [sys.executable, "-m", "goport"]
    for f in files:
        if not (project / f).is_file():
            sys.exit(f"{project / f}: missing")

    def scan(cache: Path, *extra: str) -> list[str]:
        return [*goport, "scan", *files, "--cache-dir", str(cache), *extra]

    caches = [work / f"cache-{project.name}-cold-{i}" for i in range(cold_repeat)]
    # page cache and .pyc files of goport and its dependencies; not timed
    timed([*goport, "--version"], project)
    cold = Timing("cold (empty cache)", [], [])
    for c in caches:
        cold.add(timed(scan(c), project))
    warm = Timing(f"warm: goport scan <{len(files)} files>", [], [])
    no_history = Timing("warm, --no-history", [], [])
    floor = Timing("goport --version (start + imports)", [], [])
    # interleaved, so that a change in the machine's load hits all three alike
    for _ in range(repeat):
        warm.add(timed(scan(caches[-1]), project))
        no_history.add(timed(scan(caches[-1], "--no-history"), project))
        floor.add(timed([*goport, "--version"], project))
    return [cold, warm, no_history, floor]


def summary_line(project: Path, files: tuple[str, ...], cache: Path) -> str:
    proc = subprocess.run(
        [sys.executable, "-m", "goport", "scan", *files, "--format", "json",
         "--cache-dir", str(cache)],
        cwd=project, capture_output=True, text=True, env=ENV, check=True,
    )  # fmt: skip
    s = json.loads(proc.stdout)["summary"]
    return (
        f"{s['files_discovered']} Python files in the project ({s['test_files']} tests), "
        f"{s['candidates']} candidates; reported on {len(files)}: {', '.join(files)}"
    )


def measure_pre_commit(demo: Path, work: Path, repeat: int) -> list[Timing]:
    """The hook through pre-commit itself (try-repo of a snapshot of this checkout)."""
    snapshot = work / "goport-checkout"
    shutil.copytree(ROOT, snapshot, ignore=SNAPSHOT_IGNORE)
    git_repo(snapshot)
    env = {k: v for k, v in ENV.items() if k != "PYTHONPATH"}  # the hook runs its own install
    env["PRE_COMMIT_HOME"] = str(work / "pre-commit-home")
    env["XDG_CACHE_HOME"] = str(work / "xdg-cache")  # goport's default cache: not the user's
    env.setdefault("PIP_CACHE_DIR", str(Path.home() / ".cache" / "pip"))
    pc = [sys.executable, "-m", "pre_commit"]
    start = time.perf_counter()
    timed([*pc, "try-repo", str(snapshot), "goport", "--files", *DEMO_FILES], demo, env)  # builds
    install = time.perf_counter() - start
    print(f"  (pre-commit built the hook environment and ran once in {install:.1f} s)")
    sha = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=snapshot, capture_output=True, text=True, check=True
    ).stdout.strip()
    config = {"repos": [{"repo": str(snapshot), "rev": sha, "hooks": [{"id": "goport"}]}]}
    (demo / ".pre-commit-config.yaml").write_text(json.dumps(config), encoding="utf-8")
    run = [*pc, "run", "goport", "--files", *DEMO_FILES]
    timed(run, demo, env)  # its own environment may differ from try-repo's (path spelling); untimed
    hook = Timing(f"warm: pre-commit run goport --files <{len(DEMO_FILES)}>", [], [])
    for _ in range(repeat):
        hook.add(timed(run, demo, env))
    return [hook]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--repeat", type=int, default=5, help="runs per warm measurement (median reported)"
    )
    parser.add_argument(
        "--cold-repeat", type=int, default=None, help="cold runs on the demo (default: --repeat)"
    )
    parser.add_argument(
        "--stdlib-cold-repeat", type=int, default=1, help="cold runs on the stdlib copy"
    )
    parser.add_argument("--skip-stdlib", action="store_true", help="only the demo fixture")
    parser.add_argument(
        "--pre-commit", action="store_true", help="also time the hook through pre-commit (network)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument(
        "--live", action="store_true", help="measure the installed goport, not a frozen copy"
    )
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    work = Path(tempfile.mkdtemp(prefix="goport-precommit-"))
    try:
        measured = "installed package, live" if args.live else snapshot_goport(work / "snapshot")
        print("goport pre-commit speed benchmark")
        print(
            f"python {platform.python_version()} ({sys.executable}), {platform.system()} "
            f"{platform.machine()}, {os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f}"
        )
        print(f"measured goport package: {measured}")
        print(
            f"repeat: {args.repeat} (wall seconds: median, min, max; "
            "CPU: median user+system seconds)"
        )
        header = HEADER

        demo = work / "demo_service"
        shutil.copytree(DEMO, demo, ignore=shutil.ignore_patterns("__pycache__"))
        git_repo(demo)
        print()
        print(f"demo fixture copy ({demo})")
        timings = measure(demo, DEMO_FILES, work, args.repeat, args.cold_repeat or args.repeat)
        print("  " + summary_line(demo, DEMO_FILES, work / "cache-demo_service-cold-0"))
        print(header)
        for t in timings:
            print(t.row())

        if not args.skip_stdlib:
            stdlib = work / "stdlib"
            count = copy_stdlib(stdlib)
            git_repo(stdlib)
            print()
            print(
                f"CPython {platform.python_version()} standard library copy "
                f"({count} .py files, tests left out)"
            )
            timings = measure(stdlib, STDLIB_FILES, work, args.repeat, args.stdlib_cold_repeat)
            print("  " + summary_line(stdlib, STDLIB_FILES, work / "cache-stdlib-cold-0"))
            print(header)
            for t in timings:
                print(t.row())

        if args.pre_commit:
            print()
            print("through pre-commit, demo fixture copy")
            timings = measure_pre_commit(demo, work, args.repeat)
            print(header)
            for t in timings:
                print(t.row())
    finally:
        if args.keep:
            print(f"(kept {work})")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
