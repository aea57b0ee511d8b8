#!/usr/bin/env python3
"""Ranking quality of goport on real packages whose maintainers wrote native twins of modules.

For every package in ``validation_set.toml`` (next to this script) it:

1. downloads the sdist with ``pip download --no-deps --no-binary :all: NAME==VERSION`` into
   ``benchmarks/.work/sdists`` (skipped when already there) and unpacks it into
   ``benchmarks/.work/src``; third-party code stays in the git-ignored ``.work`` folder;
2. runs ``goport scan <folder> --format json --no-history --quiet --cache-dir .work/cache``
   (no ``--top``: every candidate is reported);
3. ranks the package's member modules three ways: goport's order (the ``candidates`` array),
   lines of code (radon raw ``sloc``) and radon's total cyclomatic complexity of the module,
   both descending; members goport does not list come last;
4. scores each ranking against the *hot* labels (the modules with a native twin, or compiled by
   the build, from the maintainers' own evidence): average precision (AP) and precision at k,
   k = the number of hot members. Modules a ranking cannot tell apart are tied, and the scores
   are the expected value over every order of each tied group (``rankmetrics.py``), so
   alphabetical order never decides.

Prints a table per package, a summary table, the macro mean over the packages that count, and
writes one JSON line per member module to ``benchmarks/.work/features.jsonl`` for ``fit.py``.
Exit code 0 unless ``--strict`` is given and goport's macro MAP is below 0.85.

Usage:  python benchmarks/validation.py [--strict] [--only NAME] [--set FILE] [--quiet-table]
                                        [--features-out FILE]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
import tokenize
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from _common import goport_source
from radon import __version__ as radon_version
from radon.raw import analyze
from radon.visitors import ComplexityVisitor
from rankmetrics import (
    Ranking,
    average_ranks,
    expected_ap,
    expected_precision_at_k,
    mean,
    order_by,
)

from goport.text import printable

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - goport depends on tomli there
    import tomli as tomllib  # type: ignore[import-not-found, no-redef]

HERE = Path(__file__).resolve().parent
WORK = HERE / ".work"
TARGET_MAP = 0.85
RANKINGS = ("goport", "loc", "cc")
TABLE_ROWS = 15  # rows of goport's order printed per package (every hot/glue module besides)
#: folders and files that are never members (tests, docs, benchmarks, examples, build scripts)
SKIP_DIRS = frozenset(
    {"tests", "test", "testing", "docs", "doc", "examples", "example", "benchmarks", "benchmark"}
)


# -- getting the code ------------------------------------------------------------------------------


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def find_sdist(folder: Path, name: str, version: str) -> Path | None:
    if not folder.is_dir():
        return None
    for path in sorted(folder.iterdir()):
        for suffix in (".tar.gz", ".zip"):
            if path.name.endswith(suffix):
                stem = path.name[: -len(suffix)]
                dist, _, ver = stem.rpartition("-")
                if _norm(dist) == _norm(name) and ver == version:
                    return path
    return None


def download(name: str, version: str) -> Path:
    sdists = WORK / "sdists"
    found = find_sdist(sdists, name, version)
    if found is not None:
        return found
    sdists.mkdir(parents=True, exist_ok=True)
    cmd = [
        sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
        "--disable-pip-version-check", "--quiet", f"{name}=={version}", "-d", str(sdists),
    ]  # fmt: skip
    proc = subprocess.run(cmd, check=False, capture_output=True, text=True)
    found = find_sdist(sdists, name, version)
    if proc.returncode != 0 or found is None:
        sys.exit(f"could not download {name}=={version}:\n{proc.stderr[-2000:]}")
    return found


def unpack(archive: Path) -> Path:
    """The unpacked sdist folder (unpacked once; reused afterwards)."""
    dest = WORK / "src"
    dest.mkdir(parents=True, exist_ok=True)
    if archive.name.endswith(".zip"):
        with zipfile.ZipFile(archive) as zf:
            top = zf.namelist()[0].split("/")[0]
            if not (dest / top).is_dir():
                zf.extractall(dest)
        return dest / top
    with tarfile.open(archive) as tf:
        top = tf.getnames()[0].split("/")[0]
        if not (dest / top).is_dir():
            if hasattr(tarfile, "data_filter"):
                tf.extractall(dest, filter="data")
            else:  # pragma: no cover - Python < 3.11.4
                tf.extractall(dest)
    return dest / top


def goport_command() -> list[str]:
    script = Path(sys.executable).parent / "goport"
    if script.exists():
        return [str(script)]
    found = shutil.which("goport")
    return [found] if found else [sys.executable, "-m", "goport"]


def scan(folder: Path, name: str) -> dict[str, Any]:
    report = WORK / "reports" / f"validation-{name}.json"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.unlink(missing_ok=True)
    # the set's scan folder is the project, as the recorded results measured it (goport would
    # otherwise take the sdist root above it, with its tests, as the project)
    cmd = [
        *goport_command(), "scan", str(folder), "--root", str(folder), "--format", "json",
        "--output", str(report), "--no-history", "--quiet", "--cache-dir", str(WORK / "cache"),
    ]  # fmt: skip
    proc = subprocess.run(cmd, check=False, capture_output=True, text=True)
    if proc.returncode != 0 or not report.is_file():
        sys.exit(f"goport scan failed on {folder} ({proc.returncode}):\n{proc.stderr[-3000:]}")
    data: dict[str, Any] = json.loads(report.read_text(encoding="utf-8"))
    return data


# -- the package's members and their labels -------------------------------------------------------


@dataclass(frozen=True)
class Spec:
    name: str
    version: str
    scan: str
    members: tuple[str, ...]
    exclude: tuple[str, ...]
    count: bool
    informative: str
    hot: dict[str, str]  # module -> evidence
    glue: dict[str, str]
    hot_complement: dict[str, str] | None  # {"key": ..., "evidence": ...} (black)


def _labelled(entries: list[dict[str, Any]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for e in entries:
        for module in e.get("modules", [e.get("module")]):
            if not module:
                raise SystemExit(f"a label without `module` or `modules`: {e}")
            out[module] = e["evidence"]
    return out


def load_set(path: Path, only: Sequence[str]) -> list[Spec]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    specs = []
    for p in data["package"]:
        if only and p["name"] not in only:
            continue
        specs.append(
            Spec(
                name=p["name"],
                version=p["version"],
                scan=p["scan"],
                members=tuple(p["members"]),
                exclude=tuple(p.get("exclude", ())),
                count=bool(p.get("count", True)),
                informative=p.get("informative", ""),
                hot=_labelled(p.get("hot", [])),
                glue=_labelled(p.get("glue", [])),
                hot_complement=p.get("hot_complement"),
            )
        )
    unknown = set(only) - {s.name for s in specs}
    if unknown:
        raise SystemExit(f"not in {path.name}: {', '.join(sorted(unknown))}")
    return specs


def is_member(rel: str, spec: Spec) -> bool:
    parts = rel.split("/")
    name = parts[-1]
    if any(p in SKIP_DIRS for p in parts[:-1]):
        return False
    if name.startswith("test_") or name.endswith("_test.py") or name in ("conftest.py", "setup.py"):
        return False
    if any(rel == e or rel.startswith(e) for e in spec.exclude):
        return False
    return any(rel == m or rel.startswith(m) for m in spec.members)


def member_files(folder: Path, spec: Spec) -> list[str]:
    """Every member ``.py`` file below the scanned folder (links are not followed)."""
    found = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames.sort()
        base = Path(dirpath)
        for fn in sorted(filenames):
            path = base / fn
            if fn.endswith(".py") and not path.is_symlink() and path.is_file():
                rel = path.relative_to(folder).as_posix()
                if is_member(rel, spec):
                    found.append(rel)
    return found


def complement_hot(spec: Spec, sdist: Path, members: Sequence[str]) -> dict[str, str]:
    """Hot = members not listed under a pyproject key of "/path" entries (black's mypyc exclude)."""
    assert spec.hot_complement is not None
    data = tomllib.loads((sdist / "pyproject.toml").read_text(encoding="utf-8"))
    entries: Any = data
    for part in spec.hot_complement["key"].split("."):
        entries = entries[part]
    prefix = "" if spec.scan in ("", ".") else "/" + spec.scan.strip("/")
    evidence = spec.hot_complement["evidence"]
    out: dict[str, str] = {}
    for m in members:
        full = f"{prefix}/{m}"
        listed = any(full == e.rstrip("/") or full.startswith(e.rstrip("/") + "/") for e in entries)
        if not listed:
            out[m] = evidence
    return out


# -- the three rankings ----------------------------------------------------------------------------


def read_code(raw: bytes) -> str:
    try:
        encoding, _ = tokenize.detect_encoding(iter(raw.splitlines(keepends=True)).__next__)
    except SyntaxError:
        encoding = "utf-8"
    return raw.decode(encoding, errors="replace")


class MetricsCache:
    """radon's numbers per file content, kept in ``.work``: radon's raw analysis is quadratic
    in the length of a logical line, and a few data modules (fontTools' ``otData.py``, one
    2,000-line literal) take minutes; the numbers depend only on the bytes and radon's version.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.version = radon_version
        try:
            self.data: dict[str, list[Any]] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.data = {}
        self.dirty = False

    def metrics(self, raw: bytes) -> tuple[int, int, str]:
        key = f"{hashlib.sha256(raw).hexdigest()}:radon {self.version}"
        got = self.data.get(key)
        if got is None:
            got = list(static_metrics(read_code(raw)))
            self.data[key] = got
            self.dirty = True
        return int(got[0]), int(got[1]), str(got[2])

    def save(self) -> None:
        if self.dirty:
            tmp = self.path.with_name(self.path.name + f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(self.data, sort_keys=True), encoding="utf-8")
            tmp.replace(self.path)
            self.dirty = False


def simple_sloc(code: str) -> int:
    """Non-blank lines that are not only a comment: the fallback when radon's raw analysis fails."""
    stripped = (line.strip() for line in code.splitlines())
    return sum(1 for line in stripped if line and not line.startswith("#"))


def static_metrics(code: str) -> tuple[int, int, str]:
    """(radon raw sloc, radon total cyclomatic complexity, a note when radon failed)."""
    note = ""
    try:
        sloc = analyze(code).sloc
    except Exception as exc:  # noqa: BLE001 - radon raises anything on modules it cannot read
        sloc = simple_sloc(code)
        note = f"radon raw failed ({type(exc).__name__}), sloc counted by lines"
    try:
        cc = ComplexityVisitor.from_code(code).total_complexity
    except Exception as exc:  # noqa: BLE001 - as above
        cc = 0
        note += ("; " if note else "") + f"radon cc failed ({type(exc).__name__}), cc = 0"
    return sloc, cc, note


def _sums(candidate: dict[str, Any]) -> tuple[float, float]:
    """goport's tie-breakers below the score: the gain (``scoring.gain_of``: positive factors
    but the tests credit and the cost cap) and the raw total."""
    parts = [(f["name"], float(f["contribution"])) for f in candidate["factors"]]
    gain = sum(c for name, c in parts if c > 0 and name not in ("tests", "cost-cap"))
    return round(gain, 6), round(sum(c for _, c in parts), 6)


def goport_ranking(
    candidates: Sequence[dict[str, Any]], members: Sequence[str], score_only: bool = False
) -> Ranking:
    """goport's order of the members; members it does not list come last, tied.

    goport sorts by score, then by benefit, then by raw total, then by path. Consecutive members
    that agree on everything but the path are tied (``score_only``: on the score alone, which
    also ties the many modules clamped to 0 whatever their factors).
    """
    wanted = set(members)
    chosen = sorted((c for c in candidates if c["path"] in wanted), key=lambda c: c["rank"])
    ranking: Ranking = []
    last: tuple[float, ...] | None = None
    for c in chosen:
        key = (float(c["score"]),) if score_only else (float(c["score"]), *_sums(c))
        if ranking and key == last:
            ranking[-1].append(c["path"])
        else:
            ranking.append([c["path"]])
        last = key
    missing = sorted(wanted - {c["path"] for c in chosen})
    if missing:
        ranking.append(missing)
    return ranking


# -- one package -----------------------------------------------------------------------------------


@dataclass
class Member:
    path: str
    label: int  # 1 hot, 0 not
    glue: bool
    sloc: int
    cc: int
    candidate: dict[str, Any] | None


@dataclass
class Result:
    spec: Spec
    archive: str
    folder: Path
    members: dict[str, Member]
    rankings: dict[str, Ranking]
    candidates: int  # in the whole scan
    errors: list[dict[str, Any]]
    evidence: dict[str, str]  # hot module -> the maintainers' evidence
    notes: list[str] = field(default_factory=list)
    ap: dict[str, float | None] = field(default_factory=dict)
    pk: dict[str, float | None] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return len(self.members)

    @property
    def hot(self) -> list[str]:
        return sorted(p for p, m in self.members.items() if m.label)

    @property
    def k(self) -> int:
        return len(self.hot)


def evaluate(spec: Spec, cache: MetricsCache) -> Result:
    archive = download(spec.name, spec.version)
    sdist = unpack(archive)
    folder = sdist / spec.scan
    report = scan(folder, spec.name)
    paths = member_files(folder, spec)
    hot = dict(spec.hot)
    if spec.hot_complement is not None:
        hot.update(complement_hot(spec, sdist, paths))
    unknown = sorted((set(hot) | set(spec.glue)) - set(paths))
    if unknown:
        raise SystemExit(f"{spec.name}: labelled modules that are not members: {unknown}")
    by_path = {c["path"]: c for c in report["candidates"]}
    members: dict[str, Member] = {}
    notes: list[str] = []
    for p in paths:
        sloc, cc, note = cache.metrics((folder / p).read_bytes())
        if note:
            notes.append(f"{p}: {note}")
        members[p] = Member(p, int(p in hot), p in spec.glue, sloc, cc, by_path.get(p))
    missing = [p for p, m in members.items() if m.candidate is None]
    if missing:
        notes.append(f"not goport candidates (ranked last, tied): {', '.join(missing)}")
    summary = report.get("summary", {})
    if summary.get("reported", 0) != summary.get("candidates", 0):
        notes.append(f"goport reported {summary.get('reported')} of {summary.get('candidates')}")
    rankings = {
        "goport": goport_ranking(report["candidates"], paths),
        "goport-score-ties": goport_ranking(report["candidates"], paths, score_only=True),
        "loc": order_by({p: m.sloc for p, m in members.items()}),
        "cc": order_by({p: m.cc for p, m in members.items()}),
        "random": [list(paths)],
    }
    r = Result(
        spec, archive.name, folder, members, rankings, len(report["candidates"]),
        report.get("errors", []), hot, notes,
    )  # fmt: skip
    for name, ranking in rankings.items():
        r.ap[name] = expected_ap(ranking, r.hot)
        r.pk[name] = expected_precision_at_k(ranking, r.hot, r.k) if r.k else None
    return r


# -- printing --------------------------------------------------------------------------------------


def fmt(x: float | None, spec: str = ".3f") -> str:
    return "n/a" if x is None else format(x, spec)


def _label(m: Member) -> str:
    return "HOT" if m.label else "glue" if m.glue else ""


def print_package(r: Result, quiet_table: bool) -> None:
    s = r.spec
    where = r.folder.relative_to(HERE.parent) if r.folder.is_relative_to(HERE.parent) else r.folder
    tag = "" if s.count else "  [informative: not in the macro]"
    print(f"== {s.name} {s.version}  ({r.archive}; scanned {where}){tag}")
    if not s.count:
        print(f"why informative: {s.informative}")
    print(
        f"{r.n} members, k = {r.k} hot ({r.candidates} candidates in the scan, "
        f"{len(r.errors)} errors)"
    )
    for e in r.errors:
        print(printable(f"  error: {e['path']}: {e['stage']}: {e['message']}"))
    by_evidence: dict[str, list[str]] = {}
    for path in r.hot:
        by_evidence.setdefault(r.evidence[path], []).append(path)
    for ev, group in by_evidence.items():
        shown = ", ".join(group) if len(group) <= 9 else f"{len(group)} modules"
        print(printable(f"  hot  {shown}"))
        print(f"       evidence: {ev}")
    for path, ev in s.glue.items():
        print(f"  glue {path}: {ev}")
    for note in r.notes:
        print(printable(f"  note: {note}"))
    if not quiet_table:
        print_table(r)
    print(
        "  AP   " + " | ".join(f"{k} {fmt(r.ap[k])}" for k in (*RANKINGS, "random"))
        + f"   P@{r.k} " + " | ".join(f"{k} {fmt(r.pk[k])}" for k in RANKINGS)
    )  # fmt: skip
    print()


def print_table(r: Result) -> None:
    ranks = {name: average_ranks(r.rankings[name]) for name in RANKINGS}
    order = [p for g in r.rankings["goport"] for p in g]
    rows = order[:TABLE_ROWS] + [
        p for p in order[TABLE_ROWS:] if r.members[p].label or r.members[p].glue
    ]
    print(f"  {'rank':>6} {'score':>6} {'sloc':>5} {'cc':>4} {'loc#':>6} {'cc#':>6}  label module")
    for i, p in enumerate(rows):
        if i == TABLE_ROWS:
            print(f"  {'...':>6}")
        m = r.members[p]
        score = "-" if m.candidate is None else f"{m.candidate['score']:g}"
        print(
            f"  {ranks['goport'][p]:>6g} {score:>6} {m.sloc:>5} {m.cc:>4} {ranks['loc'][p]:>6g} "
            f"{ranks['cc'][p]:>6g}  {_label(m):<5} {printable(p)}"
        )
    print(
        "  (rank: goport's order among the members; loc#/cc#: rank by radon sloc / total cc; "
        "tied modules share their average rank)"
    )


def print_summary(results: Sequence[Result]) -> None:
    print("== summary (AP: average precision; P@k: precision at k = number of hot members;")
    print("   expected values over the orders of tied modules; random: every order equally likely)")
    head = (
        f"{'package':<12} {'n':>4} {'k':>3} {'rand':>6}  {'AP goport':>9} {'loc':>6} {'cc':>6}"
        f"  {'P@k goport':>10} {'loc':>6} {'cc':>6}"
    )
    print(head)
    print("-" * len(head))
    for r in results:
        name = r.spec.name if r.spec.count else f"({r.spec.name})"
        print(
            f"{name:<12} {r.n:>4} {r.k:>3} {fmt(r.ap['random']):>6}  {fmt(r.ap['goport']):>9} "
            f"{fmt(r.ap['loc']):>6} {fmt(r.ap['cc']):>6}  {fmt(r.pk['goport']):>10} "
            f"{fmt(r.pk['loc']):>6} {fmt(r.pk['cc']):>6}"
        )
    print("(parenthesised: informative, not in the macro)")
    print()


def macro(results: Sequence[Result], key: str, pk: bool = False) -> float | None:
    return mean([(r.pk if pk else r.ap)[key] for r in results])


def print_macro(results: Sequence[Result]) -> float | None:
    counted = [r for r in results if r.spec.count and r.k]
    n = len(counted)
    maps = {k: macro(counted, k) for k in (*RANKINGS, "random")}
    pks = {k: macro(counted, k, pk=True) for k in RANKINGS}
    print(f"macro over {n} packages:")
    print("  MAP  " + " | ".join(f"{k} {fmt(maps[k])}" for k in (*RANKINGS, "random")))
    print("  P@k  " + " | ".join(f"{k} {fmt(pks[k])}" for k in RANKINGS))
    eps = 1e-9
    for base in ("cc", "loc"):
        gt = sum(1 for r in counted if (r.ap["goport"] or 0) > (r.ap[base] or 0) + eps)
        ge = sum(1 for r in counted if (r.ap["goport"] or 0) >= (r.ap[base] or 0) - eps)
        print(f"goport AP > {base} AP on {gt}/{n} packages (>= on {ge}/{n})")
    print(
        f"goport MAP with score-only ties (every module of equal score tied, e.g. all those "
        f"clamped to 0): {fmt(macro(counted, 'goport-score-ties'))}"
    )
    verdict = "met" if (maps["goport"] or 0) >= TARGET_MAP else "MISSED"
    print(f"target: goport macro MAP >= {TARGET_MAP}: {verdict} ({fmt(maps['goport'])})")
    return maps["goport"]


# -- features for fit.py ---------------------------------------------------------------------------


def feature_rows(r: Result) -> list[dict[str, Any]]:
    position = {p: i for i, p in enumerate((p for g in r.rankings["goport"] for p in g), 1)}
    group = {p: i for i, g in enumerate(r.rankings["goport"], 1) for p in g}
    rows = []
    for p, m in r.members.items():
        c = m.candidate or {}
        rows.append(
            {
                "package": r.spec.name,
                "version": r.spec.version,
                "rel_path": p,
                "label": m.label,
                "glue": m.glue,
                "counted": r.spec.count,
                "sloc": m.sloc,
                "cc": m.cc,
                "score": c.get("score"),
                "position": position[p] if m.candidate is not None else None,
                "goport_group": group[p],  # goport's tie groups, best first (unlisted: last)
                "features": dict(c.get("features") or {}),
                "factors": {f["name"]: f["contribution"] for f in c.get("factors", [])},
            }
        )
    return rows


def write_features(results: Sequence[Result], out: Path) -> int:
    out.parent.mkdir(parents=True, exist_ok=True)
    rows = [row for r in results for row in feature_rows(r)]
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text("".join(json.dumps(row, sort_keys=True) + "\n" for row in rows), "utf-8")
    tmp.replace(out)
    return len(rows)


# -- main ------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--set", type=Path, default=HERE / "validation_set.toml", help="the validation set"
    )
    parser.add_argument(
        "--only", action="append", default=[], help="only this package (repeatable)"
    )
    parser.add_argument(
        "--strict", action="store_true", help=f"exit 1 when goport's macro MAP < {TARGET_MAP}"
    )
    parser.add_argument(
        "--quiet-table", action="store_true", help="do not print each package's ranking"
    )
    parser.add_argument(
        "--features-out",
        type=Path,
        default=WORK / "features.jsonl",
        help="where to write the per-module rows for fit.py",
    )
    args = parser.parse_args(argv)

    started = time.monotonic()
    specs = load_set(args.set, args.only)
    print("goport ranking validation")
    print(f"{goport_source()}; radon {radon_version}; python {sys.version.split()[0]}")
    print()
    results = []
    cache = MetricsCache(WORK / "validation-metrics.json")
    for spec in specs:
        r = evaluate(spec, cache)
        cache.save()
        print_package(r, args.quiet_table)
        results.append(r)
    print_summary(results)
    goport_map = print_macro(results)
    rows = write_features(results, args.features_out)
    print(f"features: {rows} rows -> {args.features_out}")
    print(f"run time {time.monotonic() - started:.0f} s")
    return 1 if args.strict and (goport_map is None or goport_map < TARGET_MAP) else 0


if __name__ == "__main__":
    raise SystemExit(main())
