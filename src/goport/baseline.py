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

from goport import __version__
from goport.errors import InputError
from goport.model import Candidate, RunResult

FORMAT = "goport-baseline"
VERSION = 1
#: a known module is reported again when its score rose by at least this much
SCORE_RISE = 5.0


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
        c.rel_path: {"score": c.score, "strategy": c.strategy.value, "fingerprints": sorted(fingerprints(c))}
        for c in sorted(all_candidates, key=lambda c: c.rel_path)
    }
    doc = {"format": FORMAT, "version": VERSION, "tool_version": __version__, "modules": modules}
    return json.dumps(doc, indent=2, sort_keys=True) + "\n"


def load(path: Path) -> Baseline:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise InputError(f"{path}: no such baseline file (create it with: goport baseline write {path})") from exc
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: not a readable goport baseline ({exc})") from exc
    if not isinstance(doc, dict) or doc.get("format") != FORMAT or not isinstance(doc.get("modules"), dict):
        raise InputError(f"{path}: not a goport baseline (write one with: goport baseline write {path})")
    if doc.get("version") != VERSION:
        raise InputError(f"{path}: baseline version {doc.get('version')!r} is not supported; write it again")
    modules: dict[str, Entry] = {}
    try:
        for rel, entry in doc["modules"].items():
            modules[str(rel)] = Entry(float(entry["score"]), frozenset(map(str, entry["fingerprints"])))
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(f"{path}: malformed baseline entry ({exc}); write it again") from exc
    return Baseline(modules)


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
