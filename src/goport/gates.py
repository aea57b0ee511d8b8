"""Gates: when a scan should fail a commit or a pull request (exit code 1), and score deltas.

Without a gate goport only advises. ``--fail-on S`` trips when any reported candidate scores S
or more. ``--fail-on-new S`` trips only for what this change made: in diff mode a module whose
score crossed S (or a new module at S or more); with a baseline, a module at S or more that the
baseline did not have at that score.
"""

from __future__ import annotations

from collections.abc import Sequence

from goport.baseline import Baseline
from goport.config import Config
from goport.model import Candidate, GateOutcome, RunResult, ScoreDelta


def deltas(
    before: Sequence[Candidate],
    after: Sequence[Candidate],
    *,
    top: int,
    thresholds: Sequence[float],
) -> tuple[ScoreDelta, ...]:
    """How each module's score and rank moved; only modules that moved or crossed something."""
    old = {c.rel_path: c for c in before}
    new = {c.rel_path: c for c in after}
    out: list[ScoreDelta] = []
    for path in sorted(old.keys() | new.keys()):
        a, b = old.get(path), new.get(path)
        s0 = a.score if a else None
        s1 = b.score if b else None
        r0 = a.rank if a else None
        r1 = b.rank if b else None
        notes: list[str] = []
        in0 = r0 is not None and r0 <= top
        in1 = r1 is not None and r1 <= top
        if in1 and not in0:
            notes.append(f"entered the top {top}")
        if in0 and not in1:
            notes.append(f"left the top {top}")
        for t in thresholds:
            if (s1 or 0) >= t > (s0 or 0) and s1 is not None:
                notes.append(f"crossed {t:g}")
            if (s0 or 0) >= t > (s1 or 0) and s0 is not None:
                notes.append(f"fell below {t:g}")
        if a is None:
            notes.insert(0, "new module")
        if b is None:
            notes.insert(0, "removed")
        moved = s0 is None or s1 is None or abs(s1 - s0) >= 0.1
        if moved or notes:
            out.append(ScoreDelta(path, s0, s1, r0, r1, tuple(notes)))
    out.sort(key=lambda d: (-abs((d.after or 0) - (d.before or 0)), d.rel_path))
    return tuple(out)


def evaluate(result: RunResult, config: Config, baseline: Baseline | None = None) -> GateOutcome:
    reasons: list[str] = []
    if config.fail_on is not None:
        for c in result.candidates:
            if c.score >= config.fail_on:
                reasons.append(f"{c.rel_path} scores {c.score:g} (>= --fail-on {config.fail_on:g})")
    if config.fail_on_new is not None:
        t = config.fail_on_new
        if result.diff is not None:
            changed = set(result.diff.changed)
            for d in result.diff.deltas:
                if d.rel_path not in changed or d.after is None or d.after < t:
                    continue
                if d.before is None or d.before < t:
                    was = "new" if d.before is None else f"was {d.before:g}"
                    reasons.append(
                        f"{d.rel_path} now scores {d.after:g} ({was}; --fail-on-new {t:g})"
                    )
        elif baseline is not None:
            # candidates were already reduced to what the baseline does not know
            known = {p for p, entry in baseline.modules.items() if entry.score >= t}
            for c in result.candidates:
                if c.score >= t and c.rel_path not in known:
                    reasons.append(
                        f"{c.rel_path} scores {c.score:g}, not in the baseline at that score"
                    )
        else:
            for c in result.candidates:
                if c.score >= t:
                    reasons.append(
                        f"{c.rel_path} scores {c.score:g} (--fail-on-new {t:g}, no baseline or diff base)"
                    )
    return GateOutcome(tripped=bool(reasons), reasons=tuple(reasons))
