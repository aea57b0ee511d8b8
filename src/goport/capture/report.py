"""The report ``goport capture`` prints: per function what was recorded and what was not, why.

Nothing is dropped silently: every call that did not become a case is counted under a reason
(unserialisable, over the cap, a duplicate, a generator not run to its end), a recursive call
inside the outermost one is counted as nested, and a boundary function no process called is
listed with what to do about it. Names come from the scanned tree: they are shown escaped,
and no line reads as a CI workflow command (``inert``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from goport.capture.merge import Capture, Captured
from goport.text import inert_lines, printable

MAX_REASONS_SHOWN = 5


def render(
    capture: Capture,
    written: Sequence[Path],
    left_out: Sequence[tuple[str, str]],
    status: int,
    golden: Path,
) -> str:
    recorded = [c for c in capture.functions if c.cases]
    total = sum(len(c.cases) for c in recorded)
    lines = [
        f"goport capture: {_status(status)}; {capture.processes} Python process(es) traced",
        f"goport capture: {total} case(s) for {len(recorded)} of {len(capture.functions)} "
        f"boundary function(s)"
        + (f", written to {printable(str(golden))}" if written else ", nothing written"),
    ]
    width = max((len(c.target.key) for c in capture.functions), default=0)
    for c in capture.functions:
        if c.counts["calls"] or c.cases:
            lines.extend(_function(c, width))
    never = [c for c in capture.functions if not c.counts["calls"] and not c.cases]
    if never:
        lines.append("never called (no case; have a test call them, or check the import):")
        lines.extend(f"  {printable(c.target.key)}" for c in never)
    elsewhere = [(c, f) for c in capture.functions for f in c.elsewhere]
    for c, where in elsewhere:
        lines.append(
            f"note: {printable(c.target.module)} was imported from {printable(where)}, not from "
            "the project: calls to that copy are not recorded"
        )
    if left_out:
        lines.append("not traced:")
        lines.extend(f"  {printable(name)}: {why}" for name, why in left_out)
    lines.extend(f"warning: {printable(f)}" for f in capture.faults)
    return inert_lines("\n".join(lines)) + "\n"  # a CI log reads no line as a command


def _status(status: int) -> str:
    if status < 0:
        return f"the command was ended by signal {-status}"
    return f"the command exited with status {status}"


def _function(c: Captured, width: int) -> list[str]:
    counts = c.counts
    what = f"{len(c.cases)} case(s)" + (" (generator)" if c.kind == "generator" else "")
    skipped = [
        f"{counts['unserialisable']} unserialisable" if counts["unserialisable"] else "",
        f"{counts['duplicates']} duplicate(s)" if counts["duplicates"] else "",
        f"{counts['over_cap']} over the cap" if counts["over_cap"] else "",
        f"{counts['incomplete']} incomplete (a generator closed before its end)"
        if counts["incomplete"]
        else "",
    ]
    text = f"  {printable(c.target.key).ljust(width)}  {what} from {counts['calls']} call(s)"
    shown = [s for s in skipped if s]
    if shown:
        text += "; skipped: " + ", ".join(shown)
    if counts["nested"]:
        text += f"; {counts['nested']} nested call(s) (only the outermost is a case)"
    lines = [text]
    lines.extend(f"      {printable(r)}" for r in c.reasons[:MAX_REASONS_SHOWN])
    if len(c.reasons) > MAX_REASONS_SHOWN:
        lines.append(f"      ... and {len(c.reasons) - MAX_REASONS_SHOWN} more reason(s)")
    return lines
