#!/usr/bin/env python3
"""Does goport's ranking follow measured time? NDCG@5 against py-spy self time on real packages.

For every package in ``measured_set.toml`` (next to this script) it:

1. installs the package (pinned, non-editable, with its dependencies) into its own venv under
   ``benchmarks/.work/venvs``, so it runs from ``site-packages`` as in production, and downloads
   and unpacks its sdist into ``benchmarks/.work/src`` (validation.py's helpers): the source
   tree goport scans;
2. runs the package's representative workload (``workloads/<driver>.py``) twice under py-spy,
   ``goport profile --output A.json -- <venv python> workloads/<driver>.py``, and B.json;
3. computes the **truth** from recording B with its own reader (not goport's code): each
   sample's weight goes to its leaf frame's file; only frames under ``site-packages/<package>``
   count; the import path is mapped to the module's path in the sdist; truth = each evaluated
   module's share of that self time. The stability of the workload is the Spearman correlation
   of the per-module shares of A and B;
4. ranks the package's evaluated modules (importable modules of the import package; tests,
   docs, examples and benchmarks folders left out, though goport scans the whole sdist as a
   user would) four ways: goport with ``--profile A.json``, goport without a profile, source
   lines of code, and radon's total cyclomatic complexity per module. goport's order is its
   ``candidates`` order; modules goport cannot tell apart (same score and same raw score) share
   their positions, as in validation.py; so do equal LOC or CC values;
5. scores each ranking with NDCG@5 against the truth (graded relevance = truth share, ideal =
   the truth sorted; tied modules get the mean discount of the positions they share), and prints
   goport's profile match rate (``profile.match_rate`` of its JSON report).

Recording A feeds goport and recording B is the truth, so goport is not rewarded for fitting
the sampling noise of the very recording it is judged against. As a reference (not a contender),
the order of recording A's own shares is scored too: the ceiling that A/B noise leaves to any
ranking that follows the profile.

Ends with a summary table, the target line (goport+profile macro >= 0.95: met or MISSED), the
ceiling line and ``measured: macro NDCG@5 goport+profile X | static X | loc X | radon-cc X``.
Exit code 0 unless ``--strict`` is given and the goport+profile macro NDCG@5 is below 0.95.

Usage:  python benchmarks/measured.py [--only NAME] [--reuse] [--quiet-table] [--strict]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from _common import goport_source
from radon.visitors import ComplexityVisitor
from validation import download, goport_command, unpack
from validation import goport_ranking as validation_ranking

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - goport depends on tomli there
    import tomli as tomllib  # type: ignore[import-not-found, no-redef]

HERE = Path(__file__).resolve().parent
WORK = HERE / ".work"
WORKLOADS = HERE / "workloads"
K = 5
TARGET = 0.95
#: folders of an sdist whose modules are not evaluated (goport still scans them); pytest's
#: conftest.py files are left out too
NOT_EVALUATED = frozenset(
    {"tests", "test", "testing", "docs", "doc", "examples", "example", "benchmarks", "benchmark"}
)
RANKINGS = ("goport+profile", "static", "loc", "radon-cc")
#: not a contender: recording A's own shares in order, what a ranking that follows the profile
#: exactly would score against B (the ceiling the A/B noise leaves)
CEILING = "A-shares"


@dataclass(frozen=True)
class Spec:
    name: str
    version: str
    packages: tuple[str, ...]  # import packages whose modules are evaluated
    driver: str
    workload: str


# -- the code: sdist tree and installed venv ------------------------------------------------------


@dataclass
class Tree:
    sdist: Path  # the unpacked sdist: what goport scans
    base: str  # folder (relative to the sdist) holding the import packages: "" or "src"
    modules: list[str]  # evaluated modules, paths relative to the sdist (goport's paths)


def package_base(sdist: Path, packages: Sequence[str]) -> str:
    for base in ("", "src"):
        folder = sdist / base if base else sdist
        if all(
            (folder / p / "__init__.py").is_file() or (folder / f"{p}.py").is_file()
            for p in packages
        ):
            return base
    raise SystemExit(f"{sdist}: cannot find {', '.join(packages)} at the root or in src/")


def evaluated_modules(sdist: Path, base: str, packages: Sequence[str]) -> list[str]:
    """Importable modules of the packages, tests/docs/examples/benchmarks folders left out."""
    root = sdist / base if base else sdist
    found: list[str] = []
    for pkg in packages:
        single = root / f"{pkg}.py"
        files = [single] if single.is_file() else sorted((root / pkg).rglob("*.py"))
        for path in files:
            rel = path.relative_to(root)
            if NOT_EVALUATED.intersection(rel.parts[:-1]) or rel.name == "conftest.py":
                continue
            found.append(path.relative_to(sdist).as_posix())
    return found


def venv_python(spec: Spec) -> Path:
    """The venv's interpreter, with ``NAME==VERSION`` installed non-editable (reused if there)."""
    venv = WORK / "venvs" / spec.name
    python = venv / "bin" / "python"
    check = f"import importlib.metadata as m; print(m.version({spec.name!r}))"
    if python.exists():
        proc = subprocess.run(
            [str(python), "-c", check], capture_output=True, text=True, check=False
        )
        if proc.returncode == 0 and proc.stdout.strip() == spec.version:
            return python
    run([sys.executable, "-m", "venv", "--clear", str(venv)], f"creating {venv}")
    run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         f"{spec.name}=={spec.version}"],
        f"installing {spec.name}=={spec.version}",
    )  # fmt: skip
    return python


def run(cmd: Sequence[str], what: str) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(list(cmd), capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        sys.exit(f"{what} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return proc


# -- recording and the truth ----------------------------------------------------------------------


@dataclass
class Recording:
    path: Path
    seconds: float | None  # wall time of the recording (None: reused)
    self_time: dict[str, float]  # evaluated module -> self time (the sample weights)
    total: float  # weight of every sample
    in_package: float  # weight of samples whose leaf is in the package (evaluated or not)
    not_in_tree: dict[str, float] = field(default_factory=dict)  # installed files the sdist lacks

    def shares(self) -> dict[str, float]:
        total = sum(self.self_time.values())
        return {m: t / total for m, t in self.self_time.items()} if total else {}


def record(spec: Spec, python: Path, label: str, reuse: bool) -> tuple[Path, float | None]:
    out = WORK / "profiles" / spec.name / f"{label}.json"
    if reuse and out.is_file():
        return out, None
    out.parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    cmd = [*goport_command(), "profile", "--output", str(out), "--", str(python),
           str(WORKLOADS / spec.driver)]  # fmt: skip
    run(cmd, f"recording {spec.name} {label}")
    return out, time.perf_counter() - start


def import_path(frame_file: str, packages: Sequence[str]) -> str | None:
    """``.../site-packages/jinja2/nodes.py`` -> ``jinja2/nodes.py`` for the packages, else None."""
    marker = "/site-packages/"
    at = frame_file.replace("\\", "/").rfind(marker)
    if at < 0:
        return None
    rel = frame_file[at + len(marker) :].replace("\\", "/")
    top = rel.split("/", 1)[0]
    return rel if top in packages or top.removesuffix(".py") in packages else None


def read_recording(path: Path, spec: Spec, tree: Tree) -> Recording:
    """Self time per evaluated module: each sample's weight on its leaf frame's file."""
    data = json.loads(path.read_text(encoding="utf-8"))
    frames = data["shared"]["frames"]
    evaluated = set(tree.modules)
    prefix = f"{tree.base}/" if tree.base else ""
    rec = Recording(path, None, dict.fromkeys(tree.modules, 0.0), 0.0, 0.0)
    for profile in data["profiles"]:
        for stack, weight in zip(profile["samples"], profile["weights"]):
            rec.total += weight
            if not stack:
                continue
            rel = import_path(frames[stack[-1]]["file"], spec.packages)  # leaf frame: root first
            if rel is None:
                continue
            rec.in_package += weight
            module = prefix + rel
            if module in evaluated:
                rec.self_time[module] += weight
            elif not (tree.sdist / module).is_file():
                rec.not_in_tree[module] = rec.not_in_tree.get(module, 0.0) + weight
    return rec


# -- rankings -------------------------------------------------------------------------------------

Ranking = list[list[str]]  # groups of modules, best first; a group's modules are tied


def order_by(values: dict[str, float]) -> Ranking:
    """Descending by value; equal values tie."""
    groups: dict[float, list[str]] = defaultdict(list)
    for module, value in values.items():
        groups[value].append(module)
    return [sorted(groups[v]) for v in sorted(groups, reverse=True)]


def goport_ranking(report: dict[str, Any], modules: Sequence[str]) -> tuple[Ranking, list[str]]:
    """goport's order of the modules, ties as in validation.py; absent ones last, tied."""
    listed = {c["path"] for c in report["candidates"]}
    missing = sorted(set(modules) - listed)
    return validation_ranking(report["candidates"], modules), missing


@dataclass
class Scan:
    report: dict[str, Any] | None
    error: str = ""  # why there is no report (goport's exit code and message)
    stderr: str = ""


def scan(tree: Tree, spec: Spec, profile: Path | None) -> Scan:
    kind = "profile" if profile else "static"
    out = WORK / "reports" / f"measured-{spec.name}-{kind}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.unlink(missing_ok=True)
    # --root: the sdist is the project even without a pyproject.toml or setup.py of its own
    cmd = [*goport_command(), "scan", str(tree.sdist), "--root", str(tree.sdist), "--format",
           "json", "--output", str(out), "--no-history", "--quiet", "--cache-dir",
           str(WORK / "cache")]  # fmt: skip
    if profile is not None:
        cmd += ["--profile", str(profile)]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0 or not out.is_file():
        lines = [ln for ln in proc.stderr.strip().splitlines() if ln.strip()] or ["(no message)"]
        return Scan(None, f"exit {proc.returncode}: {lines[-1][:300]}", proc.stderr)
    return Scan(json.loads(out.read_text(encoding="utf-8")), "", proc.stderr)


def lines_of_code(code: str) -> int:
    """Non-blank lines that are not only a comment (docstrings count).

    Not radon's ``sloc``: radon's raw analysis fails on some valid modules (pyparsing's
    ``unicode.py``, which has non-ASCII identifiers).
    """
    stripped = (line.strip() for line in code.splitlines())
    return sum(1 for line in stripped if line and not line.startswith("#"))


def static_metrics(tree: Tree) -> tuple[dict[str, float], dict[str, float]]:
    """Lines of code and radon's total cyclomatic complexity of each module."""
    loc: dict[str, float] = {}
    cc: dict[str, float] = {}
    for module in tree.modules:
        code = (tree.sdist / module).read_text(encoding="utf-8")
        loc[module] = lines_of_code(code)
        cc[module] = ComplexityVisitor.from_code(code).total_complexity
    return loc, cc


# -- metrics --------------------------------------------------------------------------------------


def _discount(position: int, k: int) -> float:
    return 1.0 / math.log2(position + 1) if position <= k else 0.0


def ndcg(ranking: Ranking, truth: dict[str, float], k: int = K) -> float | None:
    """NDCG@k with graded relevance = truth share; tied modules share their mean discount."""
    ideal = sorted(truth.values(), reverse=True)[:k]
    idcg = sum(g * _discount(i, k) for i, g in enumerate(ideal, start=1))
    if idcg <= 0:
        return None
    dcg = 0.0
    position = 1
    for group in ranking:
        mean = sum(_discount(p, k) for p in range(position, position + len(group))) / len(group)
        dcg += mean * sum(truth.get(m, 0.0) for m in group)
        position += len(group)
    return dcg / idcg


def average_ranks(values: Sequence[float]) -> list[float]:
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for t in range(i, j + 1):
            ranks[order[t]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def spearman(a: Sequence[float], b: Sequence[float]) -> float | None:
    if len(a) < 3:
        return None
    ra, rb = average_ranks(a), average_ranks(b)
    ma, mb = sum(ra) / len(ra), sum(rb) / len(rb)
    cov = sum((x - ma) * (y - mb) for x, y in zip(ra, rb))
    va = math.sqrt(sum((x - ma) ** 2 for x in ra))
    vb = math.sqrt(sum((y - mb) ** 2 for y in rb))
    return cov / (va * vb) if va and vb else None


def positions(ranking: Ranking) -> dict[str, float]:
    """Each module's rank; tied modules share their average rank."""
    out: dict[str, float] = {}
    start = 1
    for group in ranking:
        for m in group:
            out[m] = start + (len(group) - 1) / 2
        start += len(group)
    return out


# -- one package ----------------------------------------------------------------------------------


@dataclass
class Result:
    spec: Spec
    tree: Tree
    recordings: dict[str, Recording]  # "A" (goport's input) and "B" (the truth)
    truth: dict[str, float]  # evaluated module -> share of the package's self time in B
    stability: float | None  # Spearman of the shares in A and B
    n_sampled: int  # modules with samples in A or B
    profile: dict[str, Any] | None  # the report's "profile" section (None: the scan failed)
    rankings: dict[str, Ranking | None]  # ranking name -> ranking (None: the scan failed)
    scores: dict[str, float | None]  # ranking name -> NDCG@5
    notes: list[str]
    static_report: dict[str, Any] | None = None  # goport's JSON report without a profile
    loc: dict[str, float] = field(default_factory=dict)
    cc: dict[str, float] = field(default_factory=dict)

    @property
    def match_rate(self) -> float | None:
        return None if self.profile is None else self.profile.get("match_rate")


def fmt(x: float | None, spec: str = ".2f") -> str:
    return "n/a" if x is None else format(x, spec)


def evaluate(spec: Spec, reuse: bool) -> Result:
    """Install, record twice, rank four ways and score one package."""
    sdist = unpack(download(spec.name, spec.version))
    base = package_base(sdist, spec.packages)
    tree = Tree(sdist, base, evaluated_modules(sdist, base, spec.packages))
    python = venv_python(spec)
    recs: dict[str, Recording] = {}
    for label in ("A", "B"):
        path, seconds = record(spec, python, label, reuse)
        recs[label] = read_recording(path, spec, tree)
        recs[label].seconds = seconds
    truth = recs["B"].shares()
    share_a = recs["A"].shares()
    sampled = [m for m in tree.modules if truth.get(m) or share_a.get(m)]
    stability = spearman(
        [share_a.get(m, 0.0) for m in sampled], [truth.get(m, 0.0) for m in sampled]
    )

    with_profile = scan(tree, spec, recs["A"].path)
    static = scan(tree, spec, None)
    loc, cc = static_metrics(tree)
    rankings: dict[str, Ranking | None] = {
        "loc": order_by(loc),
        "radon-cc": order_by(cc),
        CEILING: order_by(share_a),
    }
    notes: list[str] = []
    for name, result in (("goport+profile", with_profile), ("static", static)):
        if result.report is None:
            rankings[name] = None
            notes.append(f"goport scan ({name}) failed, NDCG counted as 0: {result.error}")
            continue
        chatter = [ln for ln in result.stderr.splitlines() if ln.strip()]
        if chatter:
            notes.append(f"goport scan ({name}) printed {len(chatter)} line(s): {chatter[0][:200]}")
        rankings[name], missing = goport_ranking(result.report, tree.modules)
        if missing:
            notes.append(
                f"{name}: {len(missing)} evaluated modules are not goport candidates, "
                f"ranked last: {', '.join(missing[:5])}"
            )
    scores = {n: (0.0 if r is None else ndcg(r, truth)) for n, r in rankings.items()}
    profile = None if with_profile.report is None else (with_profile.report.get("profile") or {})
    return Result(
        spec,
        tree,
        recs,
        truth,
        stability,
        len(sampled),
        profile,
        rankings,
        scores,
        notes,
        static.report,
        loc,
        cc,
    )


def feature_rows(r: Result) -> list[dict[str, Any]]:
    """One row per evaluated module for ``fit.py``: the measured truth (graded relevance) and
    the static scan's features, so the static model can be checked or fitted on measured time."""
    by_path = {c["path"]: c for c in (r.static_report or {}).get("candidates", [])}
    rows = []
    for module in r.tree.modules:
        c = by_path.get(module, {})
        rows.append(
            {
                "package": r.spec.name,
                "rel_path": module,
                "truth": r.truth.get(module, 0.0),
                "label": 0,
                "sloc": r.loc.get(module, 0.0),
                "cc": r.cc.get(module, 0.0),
                "score": c.get("score"),
                "features": c.get("features", {}),
                "factors": {f["name"]: f["contribution"] for f in c.get("factors", [])},
            }
        )
    return rows


def print_package(r: Result, quiet_table: bool) -> None:
    spec, tree = r.spec, r.tree
    scanned = tree.sdist.relative_to(HERE.parent)
    where = f"{tree.base}/" if tree.base else ""
    print(
        f"== {spec.name} {spec.version}  (scanned {scanned}; {len(tree.modules)} modules of "
        f"{where}{'/'.join(spec.packages)} evaluated)"
    )
    print(f"workload ({spec.driver}): {spec.workload}")
    for label, rec in r.recordings.items():
        took = "reused" if rec.seconds is None else f"{rec.seconds:.1f} s wall"
        inside = rec.in_package / rec.total if rec.total else 0.0
        extra = (
            f"; not in the sdist: {', '.join(sorted(rec.not_in_tree))}" if rec.not_in_tree else ""
        )
        print(
            f"recording {label}: {took}, {rec.total:.2f} s sampled, "
            f"{inside:.0%} with the leaf frame in the package{extra}"
        )
    print(
        f"A/B stability: Spearman {fmt(r.stability)} over the {r.n_sampled} modules sampled "
        "in A or B"
    )
    profile = r.profile
    if profile is not None:
        warnings = profile.get("warnings", [])
        print(
            f"goport --profile A: match rate {fmt(profile.get('match_rate'), '.1%')} "
            f"({profile.get('matched_samples', '?')}/{profile.get('samples', '?')} samples), "
            f"{len(warnings)} warnings"
        )
        for one in profile.get("profiles", []):
            if one.get("prefixes"):
                print(f"  prefixes stripped: {', '.join(one['prefixes'][:3])}")
            for frame in one.get("unmatched", [])[:3]:
                print(f"  unmatched: {frame[:200]}")
        for w in warnings[:3]:
            print(f"  warning: {w[:200]}")
        if len(warnings) > 3:
            print(f"  ... and {len(warnings) - 3} more")
    for note in r.notes:
        print(f"note: {note}")
    if not quiet_table:
        print_table(tree, r.rankings, r.truth)
    line = " | ".join(f"{n} {fmt(r.scores[n])}" for n in RANKINGS)
    print(f"NDCG@{K}: {line}  (ceiling, A's own shares: {fmt(r.scores[CEILING])})")
    print()


def print_table(tree: Tree, rankings: dict[str, Ranking | None], truth: dict[str, float]) -> None:
    """Modules with measured time or in some ranking's top K, by truth; each ranking's rank."""
    ranks = {n: positions(r) for n, r in rankings.items() if r is not None}
    shown = [m for m in tree.modules if truth.get(m) or any(p[m] <= K for p in ranks.values())]
    shown.sort(key=lambda m: (-truth.get(m, 0.0), m))
    header = "".join(f"{n:>15}" for n in RANKINGS)
    print(
        f"  {'truth':>6}{header}  module "
        f"  (rank among {len(tree.modules)}; ties share the mean rank)"
    )
    for m in shown:
        cells = "".join(f"{format(ranks[n][m], 'g') if n in ranks else '-':>15}" for n in RANKINGS)
        print(f"  {truth.get(m, 0.0):>6.1%}{cells}  {m}")


# -- main -----------------------------------------------------------------------------------------


def load_set(path: Path, only: Iterable[str]) -> list[Spec]:
    wanted = set(only)
    specs = [
        Spec(e["name"], e["version"], tuple(e["packages"]), e["driver"], e["workload"])
        for e in tomllib.loads(path.read_text(encoding="utf-8"))["package"]
    ]
    unknown = wanted - {s.name for s in specs}
    if unknown:
        sys.exit(f"not in {path.name}: {', '.join(sorted(unknown))}")
    return [s for s in specs if not wanted or s.name in wanted]


def macro(results: Sequence[Result], ranking: str) -> float | None:
    """Mean NDCG over the packages that have a truth."""
    values = [v for v in (r.scores[ranking] for r in results) if v is not None]
    return sum(values) / len(values) if values else None


def py_spy_version() -> str:
    for exe in (Path(sys.executable).parent / "py-spy", Path("py-spy")):
        try:
            proc = subprocess.run(
                [str(exe), "--version"], capture_output=True, text=True, check=False
            )
        except OSError:
            continue
        if proc.returncode == 0:
            return proc.stdout.strip()
    return "py-spy (version unknown)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--set", type=Path, default=HERE / "measured_set.toml", help="the package set"
    )
    parser.add_argument(
        "--only", action="append", default=[], help="only this package (repeatable)"
    )
    parser.add_argument("--reuse", action="store_true", help="reuse existing recordings A and B")
    parser.add_argument(
        "--quiet-table", action="store_true", help="do not print each package's modules"
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help=f"exit 1 when the goport+profile macro NDCG@{K} < {TARGET}",
    )
    parser.add_argument(
        "--features",
        type=Path,
        help="write one JSON line per evaluated module (truth and static features) for fit.py",
    )
    args = parser.parse_args(argv)

    specs = load_set(args.set, args.only)
    print(f"goport measured-truth benchmark: NDCG@{K} of rankings against py-spy self time")
    print(
        f"{goport_source()}; python {sys.version.split()[0]}; {py_spy_version()}; "
        f"cpus {os.cpu_count()}"
    )
    print()
    results: list[Result] = []
    for spec in specs:
        results.append(evaluate(spec, args.reuse))
        print_package(results[-1], args.quiet_table)

    if args.features is not None:
        args.features.parent.mkdir(parents=True, exist_ok=True)
        with args.features.open("w", encoding="utf-8") as out:
            for r in results:
                for row in feature_rows(r):
                    out.write(json.dumps(row) + "\n")
    columns = (*RANKINGS, CEILING)
    print(f"{'package':<28}{'A/B rho':>8}{'match':>8}" + "".join(f"{n:>15}" for n in columns))
    for r in results:
        cells = "".join(f"{fmt(r.scores[n]):>15}" for n in columns)
        print(
            f"{r.spec.name + ' ' + r.spec.version:<28}{fmt(r.stability):>8}"
            f"{fmt(r.match_rate, '.0%'):>8}{cells}"
        )
    means = {n: macro(results, n) for n in columns}
    failed = means["goport+profile"] is None or means["goport+profile"] < TARGET
    print(
        f"target: goport+profile macro NDCG@{K} >= {TARGET}: "
        f"{'MISSED' if failed else 'met'} ({fmt(means['goport+profile'], '.3f')})"
    )
    print(
        f"ceiling: recording A's own shares in order score a macro NDCG@{K} of "
        f"{fmt(means[CEILING], '.3f')} against B"
    )
    print(f"measured: macro NDCG@{K} " + " | ".join(f"{n} {fmt(means[n])}" for n in RANKINGS))
    return 1 if (failed and args.strict) else 0


if __name__ == "__main__":
    raise SystemExit(main())
