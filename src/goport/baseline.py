"""Baselines: record what a scan found today, so later scans report only what is new.

A baseline is a small JSON file (commit it): per module its score and the fingerprints of its
findings. Fingerprints never use line numbers (see reports/annotations.py), so unrelated edits
that move code do not make old findings look new.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from goport import __version__
from goport.errors import InputError
from goport.model import Candidate, RunResult
from goport.safeio import read_text
from goport.text import printable

FORMAT = "goport-baseline"
VERSION = 1
#: a known module is reported again when its score rose by at least this much
SCORE_RISE = 5.0
#: a baseline of every module of a very large project stays far below this
LIMIT = 256 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Entry:
    score: float
    fingerprints: frozenset[str]


@dataclass(frozen=True, slots=True)
class Baseline:
    modules: dict[str, Entry]


def fingerprints(c: Candidate) -> list[str]:
    from goport.reports.annotations import finding_fingerprints

    return finding_fingerprints(c)


def document(result: RunResult, all_candidates: Sequence[Candidate]) -> str:
    modules = {
        c.rel_path: {
            "score": c.score,
            "strategy": c.strategy.value,
            "fingerprints": sorted(fingerprints(c)),
        }
        for c in sorted(all_candidates, key=lambda c: c.rel_path)
    }
    doc = {"format": FORMAT, "version": VERSION, "tool_version": __version__, "modules": modules}
    return json.dumps(doc, indent=2, sort_keys=True) + "\n"


def load(path: Path) -> Baseline:
    """A baseline file, validated field by field: anything else is an InputError naming it."""
    write_hint = f"write it again with: goport baseline write {path}"
    if not path.exists() and not path.is_symlink():
        raise InputError(
            f"{path}: no such baseline file (create it with: goport baseline write {path})"
        )
    try:
        doc = json.loads(read_text(path, limit=LIMIT), parse_constant=_no_constant)
    except RecursionError as exc:
        raise InputError(f"{path}: nested too deeply to be a goport baseline") from exc
    except (json.JSONDecodeError, ValueError) as exc:
        raise InputError(f"{path}: not a readable goport baseline ({exc})") from exc
    if (
        not isinstance(doc, dict)
        or doc.get("format") != FORMAT
        or not isinstance(doc.get("modules"), dict)
    ):
        raise InputError(f"{path}: not a goport baseline ({write_hint})")
    if doc.get("version") != VERSION:
        raise InputError(
            f"{path}: baseline version {doc.get('version')!r} is not supported; {write_hint}"
        )
    modules: dict[str, Entry] = {}
    for rel, entry in doc["modules"].items():
        problem = _entry_problem(entry)
        if problem:
            raise InputError(f"{path}: module {printable(rel)!r}: {problem}; {write_hint}")
        modules[rel] = Entry(float(entry["score"]), frozenset(entry["fingerprints"]))
    return Baseline(modules)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number a baseline can hold")


def _entry_problem(entry: object) -> str | None:
    if not isinstance(entry, dict):
        return "an entry must be an object"
    score = entry.get("score")
    if isinstance(score, bool) or not isinstance(score, (int, float)) or not -1e6 < score < 1e6:
        return f"score must be a number (scores are not clamped, but finite), not {score!r}"
    prints = entry.get("fingerprints")
    if not isinstance(prints, list) or not all(isinstance(p, str) for p in prints):
        return "fingerprints must be a list of strings"
    return None


def only_new(candidates: Sequence[Candidate], base: Baseline) -> tuple[Candidate, ...]:
    """Candidates the baseline does not know, or whose score rose; findings reduced to new ones."""
    out = []
    for c in candidates:
        known = base.modules.get(c.rel_path)
        if known is None:
            out.append(c)
            continue
        prints = fingerprints(c)
        new_findings = tuple(f for f, fp in zip(c.findings, prints) if fp not in known.fingerprints)
        if new_findings or c.score >= known.score + SCORE_RISE:
            out.append(replace(c, findings=new_findings))
    return tuple(out)
