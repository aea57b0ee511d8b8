"""SARIF 2.1.0 for code-scanning dashboards (GitHub code scanning, Azure DevOps, IDE viewers).

One rule per detector of the registry (plus the ``hot-function`` pseudo rule), built from the
detector's class attributes and docstring sections. Results are the shared ``annotations``
selection: level ``warning`` on candidates with a Go strategy, ``note`` otherwise; the message
carries the module's rank, score and strategy, and ``properties`` the same as data.

Paths are relative URIs (percent-encoded) against ``%SRCROOT%``, the scanned root (or the
repository root when ``Options.path_prefix`` is set). ``partialFingerprints["goport/v1"]`` is the
annotation's line-free fingerprint, so moving unrelated code does not make a result "new".
The output is deterministic: no timestamps, no absolute paths unless the root itself is one.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote

from goport.detectors.base import Detector
from goport.detectors.registry import REGISTRY
from goport.docs import sections
from goport.model import RunResult
from goport.reports import Options, dumps
from goport.reports.annotations import (
    HOT_FUNCTION_NAME,
    HOT_FUNCTION_RULE,
    Annotation,
    Kind,
    Level,
    normalise_prefix,
    select,
)

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/goport/goport"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "goport/v1"
LEVELS = {Level.WARNING: "warning", Level.NOTICE: "note"}


def uri(path: str) -> str:
    """A relative URI reference for a posix path (``weird|name.py`` -> ``weird%7Cname.py``).

    A byte of the file name that was not UTF-8 (kept by Python as a lone surrogate) is
    percent-encoded as that byte, so the URI still names the file on disk."""
    try:
        raw = path.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate that stands for no byte
        raw = path.encode("utf-8", "surrogatepass")
    return quote(raw, safe="/")


def _text(value: str, fallback: str) -> str:
    """``value`` as a sentence start (docstring sections begin in lower case), or ``fallback``."""
    value = value.strip() or fallback.strip()
    return value[:1].upper() + value[1:]


def _plain(markdown: str) -> str:
    """Docstrings use reST ``literals``; plain text reads better with single backticks."""
    return markdown.replace("``", "`")


def detector_rule(d: type[Detector]) -> dict[str, Any]:
    s = sections(d)
    what = s.get("What it detects", "")
    why = s.get("Why it matters for a Go port", "")
    idiom = s.get("Go idiom", "")
    limits = s.get("Known limits", "")
    summary = _text(d.SUMMARY, d.NAME)
    construct = (
        f"Python construct: {d.PYTHON}. Go: {d.GO_IDIOM}." if d.PYTHON else f"Go: {d.GO_IDIOM}."
    )
    help_text = [f"Why it matters for a Go port: {_text(why, summary)}"]
    help_md = [f"**Why it matters for a Go port.** {_text(why, summary)}"]
    if idiom:
        help_text.append(f"Go idiom: {_text(idiom, idiom)}")
        help_md.append(f"**Go idiom.** {_text(idiom, idiom)}")
    help_text.append(construct)
    help_md.append(f"**Python construct:** {d.PYTHON or '-'}. **Go:** {d.GO_IDIOM or '-'}.")
    if limits:
        help_text.append(f"Known limits: {_text(limits, limits)}")
        help_md.append(f"**Known limits.** {_text(limits, limits)}")
    return {
        "id": d.ID,
        "name": d.NAME,
        "shortDescription": {"text": _plain(summary)},
        "fullDescription": {"text": _plain(_text(what, _text(s.get("summary", ""), summary)))},
        "help": {"text": _plain("\n\n".join(help_text)), "markdown": "\n\n".join(help_md)},
        "properties": {
            "category": d.CATEGORY.value,
            "weight": d.WEIGHT,
            "tags": sorted({"goport", "go-migration", d.CATEGORY.value}),
        },
    }


def hot_function_rule() -> dict[str, Any]:
    why = (
        "The function carries most of the module's estimated (or measured) time: loops, "
        "parsing, arithmetic or concurrency that the GIL serialises and Go runs natively."
    )
    idiom = "The Go signature sketch in the message is a starting point for the port."
    return {
        "id": HOT_FUNCTION_RULE,
        "name": HOT_FUNCTION_NAME,
        "shortDescription": {"text": "a hot function of a Go migration candidate"},
        "fullDescription": {
            "text": "A function goport ranks among the hottest of a candidate module, with the "
            "reasons (the detectors that fired in it) and a Go signature sketch."
        },
        "help": {
            "text": f"Why it matters for a Go port: {why}\n\nGo idiom: {idiom}",
            "markdown": f"**Why it matters for a Go port.** {why}\n\n**Go idiom.** {idiom}",
        },
        "properties": {"category": "hot-function", "tags": ["go-migration", "goport", "hotspot"]},
    }


def _unknown_rule(a: Annotation) -> dict[str, Any]:
    """A finding whose detector is not in this goport's registry (e.g. from a newer cache)."""
    return {
        "id": a.rule,
        "name": a.rule_name or a.rule,
        "shortDescription": {"text": a.rule_name or a.rule},
        "properties": {
            "category": a.category.value if a.category is not None else "unknown",
            "tags": ["go-migration", "goport"],
        },
    }


def rules(annotations: tuple[Annotation, ...]) -> list[dict[str, Any]]:
    out = [detector_rule(d) for d in REGISTRY] + [hot_function_rule()]
    known = {r["id"] for r in out}
    for a in sorted(annotations, key=lambda a: a.rule):
        if a.rule not in known:
            out.append(_unknown_rule(a))
            known.add(a.rule)
    return out


def result_of(a: Annotation, rule_index: int) -> dict[str, Any]:
    location: dict[str, Any] = {
        "physicalLocation": {
            "artifactLocation": {"uri": uri(a.path), "uriBaseId": SRCROOT},
            "region": {"startLine": a.line, "endLine": a.end_line},
        }
    }
    logical: dict[str, Any] = {
        "fullyQualifiedName": f"{a.module}.{a.symbol}" if a.symbol else a.module
    }
    if a.kind is Kind.HOT_FUNCTION:
        logical["kind"] = "function"
    elif not a.symbol:
        logical["kind"] = "module"
    location["logicalLocations"] = [logical]
    return {
        "ruleId": a.rule,
        "ruleIndex": rule_index,
        "level": LEVELS[a.level],
        "message": {"text": a.message},
        "locations": [location],
        "partialFingerprints": {FINGERPRINT_KEY: a.fingerprint},
        "properties": {
            "kind": a.kind.value,
            "module": a.module,
            "candidateRank": a.rank,
            "candidateScore": a.candidate_score,
            "strategy": a.strategy.value,
        },
    }


def _root_base(result: RunResult, prefix: str) -> dict[str, Any]:
    base: dict[str, Any] = {
        "description": {"text": "The repository root" if prefix else "The root goport scanned"}
    }
    root = PurePosixPath(result.root.replace("\\", "/"))
    if not prefix and root.is_absolute():
        base["uri"] = root.as_uri().rstrip("/") + "/"
    return base


def _notifications(result: RunResult, prefix: str) -> list[dict[str, Any]]:
    out = []
    for e in sorted(result.errors, key=lambda e: (e.rel_path, e.stage, e.message)):
        out.append(
            {
                "level": "warning",
                "message": {"text": f"{e.rel_path} not analysed ({e.stage}): {e.message}"},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {
                                "uri": uri(prefix + e.rel_path),
                                "uriBaseId": SRCROOT,
                            }
                        }
                    }
                ],
            }
        )
    return out


def document(result: RunResult, options: Options) -> dict[str, Any]:
    prefix = normalise_prefix(options.path_prefix)
    annotations = select(result, path_prefix=prefix)
    rule_list = rules(annotations)
    index = {r["id"]: i for i, r in enumerate(rule_list)}
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "goport",
                        "version": result.tool_version,
                        "informationUri": INFORMATION_URI,
                        "rules": rule_list,
                    }
                },
                "invocations": [
                    {
                        "executionSuccessful": True,
                        "toolExecutionNotifications": _notifications(result, prefix),
                    }
                ],
                "originalUriBaseIds": {SRCROOT: _root_base(result, prefix)},
                "results": [result_of(a, index[a.rule]) for a in annotations],
                "properties": {
                    "schemaVersion": result.schema_version,
                    "candidates": len(result.candidates),
                    "filesAnalysed": result.summary.files_analysed,
                },
            }
        ],
    }


def render(result: RunResult, options: Options) -> str:
    return dumps(document(result, options), indent=2) + "\n"
