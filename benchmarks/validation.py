#!/usr/bin/env python3
"""Ranking quality of goport on real packages whose maintainers rewrote modules natively.

For every package in ``validation_set.toml`` (next to this script) it:

1. downloads the sdist with ``pip download --no-deps --no-binary :all: NAME==VERSION`` into
   ``benchmarks/.work/sdists`` (skipped when already there) and unpacks it into
   ``benchmarks/.work/src``; third-party code stays in the git-ignored ``.work`` folder;
2. runs ``goport scan <folder> --format json --no-history --quiet --cache-dir .work/cache``;
3. ranks the package's own modules in goport's order (modules goport cannot tell apart, with the
   same score and raw score, share their average rank, so alphabetical tie-breaking never
   decides a check) and evaluates each check: the rank of every module involved, PASS or FAIL,
   and for a failure the factors and detector rules behind the scores.

Ends with ``validation: N passed, M failed`` (informative checks are listed apart). Exit code 0
unless ``--strict`` is given and a counted check failed.

Usage:  python benchmarks/validation.py [--strict] [--only NAME] [--set FILE] [--quiet-table]
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from _common import goport_source

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - goport depends on tomli there
    import tomli as tomllib  # type: ignore[import-not-found, no-redef]

HERE = Path(__file__).resolve().parent
WORK = HERE / ".work"


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
    report = WORK / "reports" / f"{name}.json"
    report.parent.mkdir(parents=True, exist_ok=True)
    cmd = [
        *goport_command(), "scan", str(folder), "--format", "json", "--output", str(report),
        "--no-history", "--quiet", "--cache-dir", str(WORK / "cache"),
    ]  # fmt: skip
    proc = subprocess.run(cmd, check=False, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"goport scan failed on {folder} ({proc.returncode}):\n{proc.stderr[-3000:]}")
    data: dict[str, Any] = json.loads(report.read_text(encoding="utf-8"))
    return data


# -- ranking ---------------------------------------------------------------------------------------


@dataclass
class Module:
    path: str
    score: float
    rank: float  # among the package's members; ties share their average rank
    goport_rank: int  # goport's own rank among all candidates of the scan
    sloc: int
    strategy: str
    factors: list[dict[str, Any]]
    findings: list[dict[str, Any]]
    group: str = ""

    @property
    def raw(self) -> float:
        """The score before goport clamps it to 0-100 (the "bounds" factor undone)."""
        return _raw({"factors": self.factors})


@dataclass
class Package:
    name: str
    root: Path  # the scanned folder
    modules: dict[str, Module]
    errors: list[dict[str, Any]]
    decided: list[dict[str, Any]]
    groups: dict[str, list[str]] = field(default_factory=dict)
    groups_source: tuple[str, list[str]] | None = None  # (pyproject key, its entries)

    @property
    def n(self) -> int:
        return len(self.modules)


def _raw(candidate: dict[str, Any]) -> float:
    total = sum(float(f["contribution"]) for f in candidate["factors"] if f["name"] != "bounds")
    return round(total, 1)


def rank_members(report: dict[str, Any], members: list[str] | None) -> dict[str, Module]:
    """Ranks among the members, in goport's own order (its ``rank``).

    Consecutive members goport cannot tell apart (same score and same raw score) share their
    average rank: goport orders those by path, and alphabetical order must not decide a check.
    """

    def is_member(path: str) -> bool:
        return members is None or any(path == m or path.startswith(m) for m in members)

    chosen = [c for c in report["candidates"] if is_member(c["path"])]
    chosen.sort(key=lambda c: c["rank"])
    out: dict[str, Module] = {}
    i = 0
    while i < len(chosen):
        j = i
        key = (chosen[i]["score"], _raw(chosen[i]))
        while j < len(chosen) and (chosen[j]["score"], _raw(chosen[j])) == key:
            j += 1
        shared = (i + 1 + j) / 2  # average of ranks i+1 .. j
        for c in chosen[i:j]:
            out[c["path"]] = Module(
                path=c["path"],
                score=c["score"],
                rank=shared,
                goport_rank=c["rank"],
                sloc=c["metrics"]["sloc"],
                strategy=c["strategy"],
                factors=c["factors"],
                findings=c["findings"],
            )
        i = j
    return out


def split_groups(spec: dict[str, Any], sdist: Path, scan_dir: str, pkg: Package) -> None:
    """Two groups of members from a list of "/path" entries in the sdist's pyproject.toml."""
    data = tomllib.loads((sdist / "pyproject.toml").read_text(encoding="utf-8"))
    entries: Any = data
    for part in spec["key"].split("."):
        entries = entries[part]
    prefix = "" if scan_dir in ("", ".") else "/" + scan_dir.strip("/")
    listed: list[str] = []
    for path, module in pkg.modules.items():
        full = f"{prefix}/{path}"
        hit = any(full == e.rstrip("/") or full.startswith(e.rstrip("/") + "/") for e in entries)
        module.group = spec["listed"] if hit else spec["rest"]
        if hit:
            listed.append(path)
    pkg.groups = {
        spec["listed"]: sorted(listed),
        spec["rest"]: sorted(p for p in pkg.modules if p not in listed),
    }
    pkg.groups_source = (spec["key"], list(entries))


# -- checks ----------------------------------------------------------------------------------------


@dataclass
class Outcome:
    check_id: str
    passed: bool
    informative: bool
    detail: list[str]
    involved: list[str]  # module paths worth explaining when the check fails


def _get(pkg: Package, path: str) -> Module:
    if path not in pkg.modules:
        known = ", ".join(sorted(pkg.modules))
        raise SystemExit(f"{pkg.name}: {path} is not a candidate of the scan (candidates: {known})")
    return pkg.modules[path]


def _line(pkg: Package, m: Module) -> str:
    tag = f" [{m.group}]" if m.group else ""
    return (
        f"{m.path}{tag}: rank {m.rank:g}/{pkg.n} (goport rank {m.goport_rank}), score {m.score:g}, "
        f"{m.sloc} sloc, {m.strategy}"
    )


def evaluate(pkg: Package, check: dict[str, Any]) -> Outcome:
    kind = check["kind"]
    detail: list[str] = []
    involved: list[str] = []
    passed: bool
    if kind == "top":
        m = _get(pkg, check["module"])
        passed = m.rank <= check["k"]
        detail.append(f"expected in the top {check['k']}: " + _line(pkg, m))
        involved = [m.path]
    elif kind == "above":
        m = _get(pkg, check["module"])
        others = [_get(pkg, o) for o in check["others"]]
        passed = all(m.rank < o.rank for o in others)
        detail.append("expected above the others: " + _line(pkg, m))
        detail += ["  other: " + _line(pkg, o) for o in others]
        involved = [m.path, *(o.path for o in others)]
    elif kind == "bottom-half":
        mods = [_get(pkg, p) for p in check["modules"]]
        passed = all(m.rank > pkg.n / 2 for m in mods)
        detail.append(f"expected rank > {pkg.n / 2:g}:")
        detail += ["  " + _line(pkg, m) for m in mods]
        involved = [m.path for m in mods if m.rank <= pkg.n / 2]
    elif kind in ("group-mean", "group-auc"):
        better = [pkg.modules[p] for p in pkg.groups[check["better"]]]
        worse = [pkg.modules[p] for p in pkg.groups[check["worse"]]]
        if kind == "group-mean":
            mb = statistics.mean(m.rank for m in better)
            mw = statistics.mean(m.rank for m in worse)
            passed = mb < mw
            detail.append(
                f"mean rank {check['better']} {mb:.1f} ({len(better)} modules) vs "
                f"{check['worse']} {mw:.1f} ({len(worse)} modules), of {pkg.n}; lower is better"
            )
            detail.append(
                f"median rank {check['better']} {statistics.median(m.rank for m in better):g} vs "
                f"{check['worse']} {statistics.median(m.rank for m in worse):g}"
            )
        else:
            wins = sum(
                1.0 if b.rank < w.rank else 0.5 if b.rank == w.rank else 0.0
                for b in better
                for w in worse
            )
            auc = wins / (len(better) * len(worse))
            passed = auc >= check["threshold"]
            detail.append(
                f"P({check['better']} outranks {check['worse']}) = {auc:.2f} over "
                f"{len(better) * len(worse)} pairs; expected >= {check['threshold']}"
            )
            zero = sum(1 for m in pkg.modules.values() if m.score == 0)
            detail.append(
                f"({zero}/{pkg.n} modules score 0; goport orders those by their raw total, which "
                "for a module without benefit is its cost alone)"
            )
        worst = sorted(worse, key=lambda m: m.rank)[:3]
        involved = [m.path for m in worst]
    elif kind == "group-not-top":
        group = [pkg.modules[p] for p in pkg.groups[check["group"]]]
        offenders = sorted((m for m in group if m.rank <= check["k"]), key=lambda m: m.rank)
        passed = not offenders
        top = sorted(pkg.modules.values(), key=lambda m: (m.rank, m.path))[: check["k"]]
        detail.append(f"top {check['k']}:")
        detail += ["  " + _line(pkg, m) for m in top]
        involved = [m.path for m in offenders]
    elif kind == "group-bottom-half":
        group = [pkg.modules[p] for p in pkg.groups[check["group"]]]
        big = sorted((m for m in group if m.sloc >= check["min_sloc"]), key=lambda m: m.rank)
        passed = all(m.rank > pkg.n / 2 for m in big)
        detail.append(
            f"{check['group']} modules with >= {check['min_sloc']} sloc, expected rank > {pkg.n / 2:g}:"
        )
        detail += ["  " + _line(pkg, m) for m in big]
        involved = [m.path for m in big if m.rank <= pkg.n / 2]
    else:
        raise SystemExit(f"unknown check kind {kind!r} in {check['id']}")
    return Outcome(check["id"], passed, bool(check.get("informative")), detail, involved)


def explain(m: Module) -> str:
    """The factors behind a score, biggest first, and the rules that fed them."""
    parts = sorted(
        (f for f in m.factors if f["name"] != "bounds"), key=lambda f: -abs(f["contribution"])
    )
    text = ", ".join(f"{f['name']} {f['contribution']:+g}" for f in parts) or "no factors"
    if m.raw != m.score:
        text += f" (raw {m.raw:g}, clamped to {m.score:g})"
    rules = Counter(f"{f['rule']} {f['name']}" for f in m.findings)
    if rules:
        text += "; findings: " + ", ".join(f"{r} x{n}" for r, n in rules.most_common())
    return text


# -- main ------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--set", type=Path, default=HERE / "validation_set.toml", help="the validation set"
    )
    parser.add_argument(
        "--only", action="append", default=[], help="only this package (repeatable)"
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 when a counted check fails")
    parser.add_argument(
        "--quiet-table", action="store_true", help="do not print each package's ranking"
    )
    args = parser.parse_args(argv)

    spec = tomllib.loads(args.set.read_text(encoding="utf-8"))
    print("goport ranking validation")
    print(f"{goport_source()}; python {sys.version.split()[0]}")
    print()
    passed = failed = 0
    info: list[str] = []
    failures: list[str] = []
    for entry in spec["package"]:
        if args.only and entry["name"] not in args.only:
            continue
        archive = download(entry["name"], entry["version"])
        sdist = unpack(archive)
        folder = sdist / entry["scan"]
        report = scan(folder, entry["name"])
        pkg = Package(
            name=entry["name"],
            root=folder,
            modules=rank_members(report, entry.get("members")),
            errors=report["errors"],
            decided=report["decided"],
        )
        if "groups" in entry:
            split_groups(entry["groups"], sdist, entry["scan"], pkg)

        print(
            f"== {entry['name']} {entry['version']}  ({archive.name}; scanned {folder.relative_to(HERE.parent)})"
        )
        print(f"evidence: {entry['evidence']}")
        print(
            f"{pkg.n} member modules ranked (of {len(report['candidates'])} candidates in the scan); "
            f"{len(pkg.errors)} errors, {len(pkg.decided)} decided"
        )
        for e in pkg.errors:
            print(f"  error: {e['path']}: {e['stage']}: {e['message']}")
        if pkg.groups_source is not None:
            key, listed = pkg.groups_source
            print(f"groups from pyproject.toml [{key}] = {listed}:")
            for name, paths in pkg.groups.items():
                print(f"  {name} ({len(paths)}): {', '.join(paths)}")
        if not args.quiet_table:
            print(f"  {'rank':>5} {'score':>6} {'raw':>6} {'sloc':>5}  {'strategy':<26} module")
            for m in sorted(pkg.modules.values(), key=lambda m: (m.rank, m.path)):
                tag = f"  [{m.group}]" if m.group else ""
                print(
                    f"  {m.rank:>5g} {m.score:>6g} {m.raw:>6g} {m.sloc:>5}  {m.strategy:<26} "
                    f"{m.path}{tag}"
                )
            print(
                "  (raw: the score before goport clamps it at 0; rank: goport's order among the "
                "members, modules with equal score and raw sharing their average rank)"
            )
        for check in entry.get("check", []):
            out = evaluate(pkg, check)
            verdict = "PASS" if out.passed else "FAIL"
            label = f"{verdict} (informative)" if out.informative else verdict
            print(f"{label}  {out.check_id}: {check['why'].split('. ')[0].rstrip('.')}.")
            for line in out.detail:
                print(f"    {line}")
            if not out.passed:
                for path in out.involved:
                    print(f"    why {path}: {explain(pkg.modules[path])}")
            if out.informative:
                info.append(f"{out.check_id} {verdict}")
            elif out.passed:
                passed += 1
            else:
                failed += 1
                failures.append(out.check_id)
        print()

    tail = f"; informative: {', '.join(info)}" if info else ""
    failing = f" ({', '.join(failures)})" if failures else ""
    print(f"validation: {passed} passed, {failed} failed{failing}{tail}")
    return 1 if (failed and args.strict) else 0


if __name__ == "__main__":
    raise SystemExit(main())
