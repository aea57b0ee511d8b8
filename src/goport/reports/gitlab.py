"""GitLab Code Quality: a JSON array of issues for the merge-request widget (CodeClimate subset).

Issues are the shared ``annotations`` selection. GitLab compares the fingerprints of the base and
head reports to say what a merge request introduced or fixed, so a fingerprint must be unique in
the report and stable when unrelated lines move: it is the same line-free hash as SARIF's.

Severity follows the module's score (``>= 80`` critical, ``>= 60`` major, ``>= 40`` minor, else
info), with one exception: a blocker or ecosystem finding in a module that has a Go strategy is at
least ``major``, because it stands in the way of a port goport recommends. The same finding in a
keep-in-python module explains why the module stays, so it keeps the (low) score severity.
"""

from __future__ import annotations

from typing import Any

from goport.model import Category, RunResult
from goport.reports import GO_STRATEGIES, Options, dumps
from goport.reports.annotations import Annotation, Kind, select

SEVERITIES = ("info", "minor", "major", "critical", "blocker")
#: (lowest score, severity), highest first
THRESHOLDS = ((80.0, "critical"), (60.0, "major"), (40.0, "minor"))
CATEGORIES: dict[Category | None, tuple[str, ...]] = {
    Category.CPU: ("Performance",),
    Category.CONCURRENCY: ("Performance",),
    Category.SERVICE: ("Performance",),
    Category.BLOCKER: ("Compatibility",),
    Category.ECOSYSTEM: ("Compatibility",),
    None: ("Performance", "Complexity"),  # hot functions
}


def score_severity(score: float) -> str:
    for lowest, severity in THRESHOLDS:
        if score >= lowest:
            return severity
    return "info"


def severity(a: Annotation) -> str:
    base = score_severity(a.candidate_score)
    if a.kind is Kind.BLOCKER and a.strategy in GO_STRATEGIES:
        return max(base, "major", key=SEVERITIES.index)
    return base


def check_name(a: Annotation) -> str:
    if a.kind is Kind.HOT_FUNCTION or not a.rule_name:
        return a.rule
    return f"{a.rule} {a.rule_name}"


def issue(a: Annotation) -> dict[str, Any]:
    return {
        "type": "issue",
        "engine_name": "goport",
        "check_name": check_name(a),
        "description": " ".join(a.message.splitlines()),
        "categories": list(CATEGORIES.get(a.category, ("Performance",))),
        "severity": severity(a),
        "fingerprint": a.fingerprint,
        "location": {"path": a.path, "lines": {"begin": a.line, "end": a.end_line}},
    }


def document(result: RunResult, options: Options) -> list[dict[str, Any]]:
    return [issue(a) for a in select(result, path_prefix=options.path_prefix)]


def render(result: RunResult, options: Options) -> str:
    return dumps(document(result, options), indent=2) + "\n"
