"""The processes' recordings merged into one golden file per boundary function.

Each traced process wrote JSON lines to its own file (``tracer``). Here the cases of all of them
are deduplicated again (two pytest-xdist workers may see the same call) and capped per function
(the first ones read are kept), their counts summed, and the type descriptors of each parameter
and of the result merged (the first informative one wins). A process that died before its exit
handler ran left no counts: its skip lines are counted instead, so a reason is never lost.

The golden file (``<out>/golden/<module>/<qualname>.json``) is the contract between ``capture``,
the Go tests of ``scaffold`` and the parity test: see ``golden_document``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from goport.capture import codec
from goport.capture.targets import Target, is_dotted_name
from goport.errors import InputError
from goport.safeio import read_text, write_atomic
from goport.text import printable

SCHEMA_VERSION = 1
#: the largest golden file read back (a capped number of cases; far more than they need)
MAX_GOLDEN_BYTES = 64 << 20
COUNTS = ("calls", "unserialisable", "duplicates", "over_cap", "nested", "incomplete")


@dataclass(frozen=True, slots=True)
class Captured:
    """What was recorded of one boundary function, over every process."""

    target: Target
    kind: str  # "function" | "generator"
    cases: tuple[Any, ...]  # JSON data: {"args", "kwargs", "result" | "raises"}
    arg_types: tuple[str, ...]
    kwarg_types: tuple[tuple[str, str], ...]
    result_type: str
    counts: Mapping[str, int]
    reasons: tuple[str, ...]  # why calls were not recorded, first occurrence of each
    elsewhere: tuple[str, ...]  # files the module was imported from, not the project's


@dataclass(frozen=True, slots=True)
class Capture:
    functions: tuple[Captured, ...]  # in the targets' order
    processes: int  # Python processes that ran the tracer
    faults: tuple[str, ...]  # tracer faults and unreadable lines, for the report


@dataclass(slots=True)
class _Acc:
    kind: str = ""
    cases: list[Any] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)
    args: list[str] = field(default_factory=list)
    kwargs: dict[str, str] = field(default_factory=dict)
    result: str = ""
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTS, 0))
    reasons: list[str] = field(default_factory=list)
    elsewhere: set[str] = field(default_factory=set)


def merge(parts: Path, targets: Sequence[Target], max_cases: int) -> Capture:
    """Every part file in ``parts``, merged per target."""
    accs = {t.key: _Acc() for t in targets}
    faults: list[str] = []
    files = sorted(parts.glob("*.jsonl"))
    processes = 0
    for path in files:
        lines = list(_lines(path, faults))
        processes += sum(1 for line in lines if line.get("t") == "process")
        _merge_file(lines, accs, max_cases, faults)
    captured = tuple(_captured(t, accs[t.key]) for t in targets)
    return Capture(captured, processes, tuple(dict.fromkeys(faults)))


def _lines(path: Path, faults: list[str]) -> Iterator[dict[str, Any]]:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        faults.append(f"{path.name}: not read ({exc.strerror or exc})")
        return
    for line in text.splitlines():
        try:
            data = json.loads(line)
        except ValueError:  # a process killed in the middle of a line
            faults.append(f"{path.name}: a cut line (a process ended while writing)")
            continue
        if isinstance(data, dict):
            yield data


def _merge_file(
    lines: list[dict[str, Any]], accs: dict[str, _Acc], max_cases: int, faults: list[str]
) -> None:
    counted = {line.get("key") for line in lines if line.get("t") == "counts"}
    for line in lines:
        kind, acc = line.get("t"), accs.get(str(line.get("key")))
        if kind == "fault":
            faults.append(f"tracer fault: {line.get('text')}")
        if acc is None:
            continue
        if kind == "case":
            _add_case(acc, line, max_cases)
            if line.get("key") not in counted:
                acc.counts["calls"] += 1
        elif kind == "skip":
            reason = str(line.get("reason"))
            if reason not in acc.reasons:
                acc.reasons.append(reason)
            if line.get("key") not in counted:
                acc.counts[_count_name(line.get("why"))] += 1
                acc.counts["calls"] += 1
        elif kind == "counts":
            for name, value in dict(line.get("counts") or {}).items():
                if name in acc.counts and isinstance(value, int):
                    acc.counts[name] += value
        elif kind == "elsewhere":
            acc.elsewhere.add(str(line.get("file")))


def _count_name(why: object) -> str:
    return why if isinstance(why, str) and why in COUNTS else "unserialisable"


def _add_case(acc: _Acc, line: Mapping[str, Any], max_cases: int) -> None:
    case = line.get("case")
    if not isinstance(case, dict):
        return
    text = codec.canonical(case)
    if text in acc.seen:
        acc.counts["duplicates"] += 1
        return
    if len(acc.cases) >= max_cases:
        acc.counts["over_cap"] += 1
        return
    acc.seen.add(text)
    acc.cases.append(case)
    acc.kind = acc.kind or str(line.get("kind") or "function")
    types = line.get("types") or {}
    for i, d in enumerate(types.get("args") or ()):
        if i < len(acc.args):
            acc.args[i] = codec.merge(acc.args[i], d)
        else:
            acc.args.append(d)
    for name, d in dict(types.get("kwargs") or {}).items():
        acc.kwargs[name] = codec.merge(acc.kwargs.get(name, ""), d)
    if "result" in types:
        acc.result = codec.merge(acc.result, types["result"])


def _captured(target: Target, acc: _Acc) -> Captured:
    return Captured(
        target=target,
        kind=acc.kind or ("generator" if target.generator else "function"),
        cases=tuple(acc.cases),
        arg_types=tuple(acc.args),
        kwarg_types=tuple(acc.kwargs.items()),
        result_type=acc.result or "None",
        counts=dict(acc.counts),
        reasons=tuple(acc.reasons),
        elsewhere=tuple(sorted(acc.elsewhere)),
    )


# -- golden files --------------------------------------------------------------------------------


def golden_document(c: Captured) -> dict[str, Any]:
    """The golden file of one function (issue 14's protocol, section 1), plus ``kwarg_types``
    (keyword-only parameters) and the counts behind ``skipped``."""
    counts = c.counts
    return {
        "schema_version": SCHEMA_VERSION,
        "module": c.target.module,
        "function": c.target.qualname,
        "go_name": c.target.go_name,
        "kind": c.kind,
        "cases": list(c.cases),
        "arg_types": list(c.arg_types),
        "kwarg_types": dict(c.kwarg_types),
        "result_type": c.result_type,
        "calls": counts["calls"],
        "skipped": {
            "unserialisable": counts["unserialisable"],
            "over_cap": counts["over_cap"],
            "duplicates": counts["duplicates"],
            "incomplete": counts["incomplete"],
            "nested": counts["nested"],
            "reasons": list(c.reasons),
        },
    }


def golden_path(out: Path, module: str, qualname: str) -> Path:
    """``<out>/golden/<module>/<qualname>.json``; names that are not dotted identifiers (the
    scanned tree is hostile) are refused rather than turned into paths."""
    for name in (module, qualname):
        if not is_dotted_name(name):
            raise InputError(f"{printable(name)}: not a dotted Python name; no golden file")
    return out / "golden" / module / f"{qualname}.json"


def write_golden(out: Path, capture: Capture, *, root: Path | None = None) -> list[Path]:
    """One file per function with cases (a function with none keeps any file it had)."""
    written: list[Path] = []
    for c in capture.functions:
        if not c.cases:
            continue
        path = golden_path(out, c.target.module, c.target.qualname)
        text = json.dumps(golden_document(c), indent=2, ensure_ascii=False) + "\n"
        write_atomic(path, text.encode("utf-8"), root=root)
        written.append(path)
    return written


def read_golden(out: Path, module: str, qualname: str) -> dict[str, Any] | None:
    """A golden file as data, or None when there is none or it is not one. Read through
    ``safeio``: ``--out`` may be inside the scanned tree, where a FIFO would block the read and
    a link to /dev/zero would never end."""
    path = golden_path(out, module, qualname)
    try:
        data = json.loads(read_text(path, limit=MAX_GOLDEN_BYTES))
    except (InputError, ValueError, RecursionError):
        return None
    return data if isinstance(data, dict) else None
