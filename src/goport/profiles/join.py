"""Charge measured time to the repository's modules and functions.

Frames are matched to discovered files by path suffix (so profiles recorded in a container at
/app/..., in CI, or with py-spy's shortened names still match), then to a function by the line's
enclosing span, falling back to the function name when the code moved since the recording.
Time in frames outside the repository (stdlib, site-packages, C) is charged to the nearest
repository caller as "time in libraries called from here", kept apart from self time: self time
in pure Python is what Go speeds up; time inside numpy or a database driver is not.

Several profiles merge by share: each is normalised to its own total first, so a profile in
seconds and one in samples count equally.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from goport.model import FunctionHotness, Hotness, ModuleFacts, ProfileSummary
from goport.profiles.model import Frame, Profile

#: below this share of matched samples the profile probably belongs to another tree
MIN_MATCH_RATE = 0.5

_LIBRARY = re.compile(
    r"(site-packages|dist-packages|/lib/python\d|\\lib\\python\d|<frozen |^<|/\.pyenv/|/usr/lib/)"
)
#: leaf functions that mean a thread is waiting, not computing
_WAITING = frozenset(
    {
        "sleep",
        "select",
        "poll",
        "epoll",
        "wait",
        "acquire",
        "accept",
        "recv",
        "recv_into",
        "recvfrom",
        "_wait_for_tstate_lock",
        "_recv_bytes",
        "readinto",
    }
)

Key = tuple[str, str]  # (rel_path, qualname); qualname "" is module level


@dataclass(slots=True)
class _FileIndex:
    rel_path: str
    starts: list[int]
    functions: list[tuple[int, int, str]]  # (line, end_line, qualname), by start line
    by_name: dict[str, list[str]]


@dataclass(slots=True)
class _Tally:
    total: float = 0.0
    idle: float = 0.0
    matched: float = 0.0
    self_: dict[Key, float] = field(default_factory=lambda: defaultdict(float))
    lib: dict[Key, float] = field(default_factory=lambda: defaultdict(float))
    fn_total: dict[Key, float] = field(default_factory=lambda: defaultdict(float))
    mod_total: dict[str, float] = field(default_factory=lambda: defaultdict(float))


@dataclass(frozen=True, slots=True)
class Joined:
    hotness: dict[str, Hotness]  # by rel_path
    summary: ProfileSummary


class Matcher:
    """Maps profile frames to (rel_path, qualname) of the scanned tree, with memoisation."""

    def __init__(self, modules: Sequence[ModuleFacts]) -> None:
        self.suffixes: dict[str, list[str]] = defaultdict(list)
        self.files: dict[str, _FileIndex] = {}
        for m in modules:
            parts = m.rel_path.split("/")
            for i in range(len(parts)):
                self.suffixes["/".join(parts[i:])].append(m.rel_path)
            fns = sorted((f.span.line, f.span.end_line, f.qualname) for f in m.functions)
            by_name: dict[str, list[str]] = defaultdict(list)
            for _, _, q in fns:
                by_name[q].append(q)
                last = q.rsplit(".", 1)[-1]
                if last != q:
                    by_name[last].append(q)
            self.files[m.rel_path] = _FileIndex(m.rel_path, [f[0] for f in fns], fns, dict(by_name))
        self._file_memo: dict[str, str | None] = {}
        self.stale_frames: dict[str, int] = defaultdict(int)

    def file_of(self, path: str, name: str = "") -> str | None:
        memo_key = path + "\0" + name
        if memo_key in self._file_memo:
            return self._file_memo[memo_key]
        found = self._resolve(path, name)
        self._file_memo[memo_key] = found
        return found

    def _resolve(self, path: str, name: str) -> str | None:
        norm = path.replace("\\", "/")
        if not norm.endswith(".py") or _LIBRARY.search(norm):
            return None
        parts = [p for p in norm.split("/") if p not in ("", ".")]
        for i in range(len(parts)):
            cands = self.suffixes.get("/".join(parts[i:]))
            if not cands:
                continue
            if len(cands) == 1:
                return cands[0]
            # the same short name in several places: let the function name decide
            having = [c for c in cands if name and name in self.files[c].by_name]
            return having[0] if len(having) == 1 else None
        return None

    def function_of(self, rel: str, frame: Frame) -> str:
        index = self.files[rel]
        name = frame.name
        if name in ("<module>", ""):
            return ""
        last = name.rsplit(".", 1)[-1]
        # comprehensions, generator expressions and lambdas belong to the function around them
        anonymous = last.startswith("<")
        if frame.line is not None and index.functions:
            i = bisect.bisect_right(index.starts, frame.line) - 1
            # innermost function containing the line: scan back over enclosing spans
            while i >= 0:
                start, end, q = index.functions[i]
                if start <= frame.line <= end:
                    if anonymous or q == name or q.rsplit(".", 1)[-1] == last:
                        return q
                    if name.startswith(q + ".<locals>."):
                        return q
                    break
                i -= 1
        if anonymous:
            owner = name.split(".<locals>.", 1)[0] if ".<locals>." in name else ""
            named = index.by_name.get(owner, [])
            return named[0] if len(set(named)) == 1 else ""
        named = index.by_name.get(name) or index.by_name.get(last) or []
        if frame.line is not None:
            self.stale_frames[rel] += 1
        if len(set(named)) == 1:
            return named[0]
        return ""


def join(profiles: Sequence[Profile], modules: Sequence[ModuleFacts]) -> Joined:
    matcher = Matcher(modules)
    tallies = [_tally(p, matcher) for p in profiles]
    usable = [t for t in tallies if t.total > 0]
    n = len(usable) or 1

    def share(get: str, key: object) -> float:
        values: list[float] = [getattr(t, get).get(key, 0.0) / t.total for t in usable]
        return sum(values) / n

    rel_paths = {k[0] for t in usable for k in (*t.self_, *t.lib, *t.fn_total)} | {
        r for t in usable for r in t.mod_total
    }
    hotness: dict[str, Hotness] = {}
    for rel in sorted(rel_paths):
        keys = {k for t in usable for k in (*t.self_, *t.lib, *t.fn_total) if k[0] == rel}
        by_function = []
        for key in keys:
            if not key[1]:
                continue
            by_function.append(
                FunctionHotness(
                    qualname=key[1],
                    self_share=round(share("self_", key), 4),
                    total_share=round(min(1.0, share("fn_total", key)), 4),
                    library_share=round(share("lib", key), 4),
                    line=_line_of(matcher, key),
                )
            )
        by_function.sort(key=lambda f: (-f.self_share, -f.total_share, f.qualname))
        samples = sum(t.mod_total.get(rel, 0.0) for t in usable)
        hotness[rel] = Hotness(
            samples=round(samples),
            self_share=round(sum(share("self_", k) for k in keys), 4),
            total_share=round(min(1.0, share("mod_total", rel)), 4),
            library_share=round(sum(share("lib", k) for k in keys), 4),
            by_function=tuple(by_function[:10]),
        )

    total = sum(t.total for t in tallies)
    matched = sum(t.matched for t in tallies)
    rate = matched / total if total else 0.0
    warnings: list[str] = []
    for p, t in zip(profiles, tallies):
        r = t.matched / t.total if t.total else 0.0
        if r < MIN_MATCH_RATE:
            warnings.append(
                f"{p.path}: only {r:.0%} of its samples ran code in this tree; the profile may "
                "belong to another project or version, or most time is outside the repository"
            )
    stale = sum(matcher.stale_frames.values())
    if stale:
        worst = sorted(matcher.stale_frames.items(), key=lambda kv: (-kv[1], kv[0]))[:3]
        where = ", ".join(f"{rel} ({count})" for rel, count in worst)
        warnings.append(
            f"{stale} profiled frame(s) no longer line up with the functions at their lines "
            f"(the code changed since recording; matched by name where possible): {where}"
        )
    summary = ProfileSummary(
        files=tuple(p.path for p in profiles),
        samples=round(total),
        matched_samples=round(matched),
        match_rate=round(rate, 4),
        warnings=tuple(warnings),
    )
    return Joined(hotness, summary)


def _line_of(matcher: Matcher, key: Key) -> int | None:
    for start, _, q in matcher.files[key[0]].functions:
        if q == key[1]:
            return start
    return None


def _tally(profile: Profile, matcher: Matcher) -> _Tally:
    t = _Tally()
    for stack in profile.stacks:
        w = stack.weight
        if w <= 0 or not stack.frames:
            continue
        leaf = stack.frames[-1]
        keys: list[Key | None] = []
        for frame in stack.frames:
            rel = matcher.file_of(frame.file, frame.name)
            keys.append(None if rel is None else (rel, matcher.function_of(rel, frame)))
        if stack.idle or (keys[-1] is None and leaf.name.rsplit(".", 1)[-1] in _WAITING):
            t.idle += w
            continue
        t.total += w
        mapped = [k for k in keys if k is not None]
        if not mapped:
            continue
        t.matched += w
        if keys[-1] is not None:
            t.self_[keys[-1]] += w
        else:
            t.lib[mapped[-1]] += w
        for key in set(mapped):
            t.fn_total[key] += w
        for rel in {k[0] for k in mapped}:
            t.mod_total[rel] += w
    for entry in profile.flat:
        t.total += entry.self_weight
        rel = matcher.file_of(entry.frame.file, entry.frame.name)
        if rel is None:
            continue
        key = (rel, matcher.function_of(rel, entry.frame))
        t.matched += entry.self_weight
        t.self_[key] += entry.self_weight
        t.fn_total[key] = max(t.fn_total[key], entry.total_weight)
        t.mod_total[rel] = max(t.mod_total[rel], entry.total_weight)
    return t
