"""Charge measured time to the repository's modules and functions.

Frames are matched to discovered files by module identity (``match.py``: the import path below
site-packages, the path below the scanned root or a ``--profile-root`` prefix, a shared suffix of
two components or more), then to a function by the line's enclosing span, falling back to the
function name when the code moved since the recording.
Time in frames outside the repository (stdlib, site-packages, C) is charged to the nearest
repository caller as "time in libraries called from here", kept apart from self time: self time
in pure Python is what Go speeds up; time inside numpy or a database driver is not.

Several profiles merge by share: each is normalised to its own total first, so a profile in
seconds and one in samples count equally.

Stacks are walked as a call tree (``_CallTree``), each distinct path once: a stack's function
totals come from its callers' without copying them, so a recursion N frames deep costs O(N), not
O(N*N), and a frame is matched to the tree once however many stacks hold it.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from goport.errors import ProfileError
from goport.model import FunctionHotness, Hotness, ModuleFacts, ProfileMatch, ProfileSummary
from goport.profiles.match import FileMatcher, Match
from goport.profiles.model import CallPath, Frame, Profile
from goport.text import printable

#: below this share of matched samples the profile probably belongs to another tree
MIN_MATCH_RATE = 0.5

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
    enclosing: list[int]  # index in ``functions`` of the function around each one, or -1
    by_name: dict[str, list[str]]
    unique: dict[str, str]  # name -> its qualname, for names of a single function
    first_line: dict[str, int]  # qualname -> the start line of its first definition
    hashes: dict[str, str]  # qualname -> fingerprint of its source now (goport.codehash)


def _file_index(module: ModuleFacts) -> _FileIndex:
    fns = sorted((f.span.line, f.span.end_line, f.qualname) for f in module.functions)
    by_name: dict[str, list[str]] = defaultdict(list)
    first_line: dict[str, int] = {}
    enclosing: list[int] = []
    open_spans: list[int] = []  # indexes of the functions around the current one
    for i, (start, end, q) in enumerate(fns):
        by_name[q].append(q)
        last = q.rsplit(".", 1)[-1]
        if last != q:
            by_name[last].append(q)
        first_line.setdefault(q, start)
        while open_spans and fns[open_spans[-1]][1] < end:  # it does not hold this one
            open_spans.pop()
        enclosing.append(open_spans[-1] if open_spans else -1)
        open_spans.append(i)
    unique = {name: qs[0] for name, qs in by_name.items() if len(set(qs)) == 1}
    hashes = {f.qualname: f.body_hash for f in module.functions if f.body_hash}
    return _FileIndex(
        module.rel_path,
        [f[0] for f in fns],
        fns,
        enclosing,
        dict(by_name),
        unique,
        first_line,
        hashes,
    )


@dataclass(slots=True)
class _Tally:
    total: float = 0.0
    idle: float = 0.0
    matched: float = 0.0
    self_: dict[Key, float] = field(default_factory=lambda: defaultdict(float))
    lib: dict[Key, float] = field(default_factory=lambda: defaultdict(float))
    fn_total: dict[Key, float] = field(default_factory=lambda: defaultdict(float))
    mod_total: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    unmatched: dict[str, float] = field(default_factory=lambda: defaultdict(float))  # leaf file


@dataclass(frozen=True, slots=True)
class Joined:
    hotness: dict[str, Hotness]  # by rel_path
    summary: ProfileSummary


class Matcher:
    """Maps profile frames to (rel_path, qualname) of the scanned tree, with memoisation."""

    def __init__(
        self,
        files: dict[str, _FileIndex],
        paths: FileMatcher,
        code: Mapping[str, Mapping[str, str]] | None = None,
    ) -> None:
        self.files = files
        self.paths = paths
        self.code = code or {}
        self._names = {rel: set(index.by_name) for rel, index in files.items()}
        self.matched: dict[str, Match] = {}  # frame path -> how it matched
        self.stale_frames: dict[str, int] = defaultdict(int)

    def file_of(self, path: str, name: str = "") -> str | None:
        found = self.paths.match(path, name, self._names)
        if found is None:
            return None
        self.matched[path] = found
        return found.rel_path

    def is_stale(self, rel: str, frame: Frame, qualname: str, stale: bool) -> bool:
        """Whether ``frame`` is stale: by the function's source fingerprint when the recording
        stored one (``goport profile`` does), else by whether its line still lies in it."""
        before = self.code.get(frame.file, {}).get(qualname) if qualname else None
        now = self.files[rel].hashes.get(qualname) if qualname else None
        if before is not None and now is not None:
            return before != now
        return stale

    def function_of(self, rel: str, frame: Frame) -> str:
        qualname, stale = self.locate(rel, frame)
        if self.is_stale(rel, frame, qualname, stale):
            self.stale_frames[rel] += 1
        return qualname

    def locate(self, rel: str, frame: Frame) -> tuple[str, bool]:
        """(qualname, stale): the function of ``rel`` that ``frame`` ran in ("" for module
        level or unknown), and whether its line no longer lies in a function of that name."""
        index = self.files[rel]
        name = frame.name
        if name in ("<module>", ""):
            return "", False
        last = name.rsplit(".", 1)[-1]
        # comprehensions, generator expressions and lambdas belong to the function around them
        anonymous = last.startswith("<")
        if frame.line is not None and index.functions:
            i = bisect.bisect_right(index.starts, frame.line) - 1
            # the functions holding the line, innermost first: the last one starting before it,
            # then the ones around it (functions nest, so no other can hold the line). The
            # innermost need not be the frame's: on a nested ``def`` line the outer function runs
            innermost = ""
            while i >= 0:
                start, end, q = index.functions[i]
                if start <= frame.line <= end:
                    if (
                        q == name
                        or q.rsplit(".", 1)[-1] == last
                        or name.startswith(q + ".<locals>.")
                    ):
                        return q, False
                    innermost = innermost or q
                i = index.enclosing[i]
            if anonymous and innermost:
                return innermost, False
        if anonymous:
            owner = name.split(".<locals>.", 1)[0] if ".<locals>." in name else ""
            return index.unique.get(owner, ""), False
        by_name = name if name in index.by_name else last
        if by_name not in index.by_name:
            # no function of that name: a class body run at import (py-spy names the frame
            # after the class) or module-level code; nothing says it changed
            return "", False
        return index.unique.get(by_name, ""), frame.line is not None


def join(
    profiles: Sequence[Profile],
    modules: Sequence[ModuleFacts],
    root: str = "",
    roots: Sequence[str] = (),
) -> Joined:
    """Hotness per module of the tree. ``root`` is the scanned folder (frames recorded in place);
    ``roots`` are prefixes the user says stand for it (``--profile-root``). A profile with
    samples none of which ran code in the tree is a ProfileError: the wrong profile, or one
    recorded where goport cannot tell which files are these."""
    indexes = {m.rel_path: _file_index(m) for m in modules}
    matchers = [
        Matcher(indexes, FileMatcher(modules, root, roots, profile_files(p)), p.code)
        for p in profiles
    ]
    tallies = [_tally(p, m) for p, m in zip(profiles, matchers)]
    for p, t in zip(profiles, tallies):
        if t.total > 0 and t.matched == 0:
            raise ProfileError(_no_match(p, t))
    matcher = matchers[0] if matchers else Matcher(indexes, FileMatcher(modules))
    hotness = _hotness([t for t in tallies if t.total > 0], matcher)
    total = sum(t.total for t in tallies)
    matched = sum(t.matched for t in tallies)
    matches = tuple(_profile_match(p, t, m) for p, t, m in zip(profiles, tallies, matchers))
    summary = ProfileSummary(
        files=tuple(p.path for p in profiles),
        samples=round(total),
        matched_samples=round(matched),
        match_rate=round(matched / total if total else 0.0, 4),
        warnings=(*_low_match_warnings(matches), *_stale_warnings(matchers)),
        profiles=matches,
    )
    return Joined(hotness, summary)


def _hotness(usable: Sequence[_Tally], matcher: Matcher) -> dict[str, Hotness]:
    """Each module's and function's shares, averaged over the profiles with samples."""
    n = len(usable) or 1

    def share(get: str, key: object) -> float:
        values: list[float] = [getattr(t, get).get(key, 0.0) / t.total for t in usable]
        return sum(values) / n

    keys_of: dict[str, set[Key]] = defaultdict(set)  # rel_path -> its functions with time
    for t in usable:
        for k in (*t.self_, *t.lib, *t.fn_total):
            keys_of[k[0]].add(k)
    hotness: dict[str, Hotness] = {}
    for rel in sorted(set(keys_of) | {r for t in usable for r in t.mod_total}):
        keys = keys_of.get(rel, set())
        by_function = [
            FunctionHotness(
                qualname=key[1],
                self_share=round(share("self_", key), 4),
                total_share=round(min(1.0, share("fn_total", key)), 4),
                library_share=round(share("lib", key), 4),
                line=_line_of(matcher, key),
            )
            for key in keys
            if key[1]
        ]
        by_function.sort(key=lambda f: (-f.self_share, -f.total_share, f.qualname))
        hotness[rel] = Hotness(
            samples=round(sum(t.mod_total.get(rel, 0.0) for t in usable)),
            self_share=round(sum(share("self_", k) for k in keys), 4),
            total_share=round(min(1.0, share("mod_total", rel)), 4),
            library_share=round(sum(share("lib", k) for k in keys), 4),
            by_function=tuple(by_function[:10]),
        )
    return hotness


def _low_match_warnings(matches: Sequence[ProfileMatch]) -> list[str]:
    return [
        f"{found.path}: only {found.match_rate:.0%} of its samples ran code in this tree"
        f"{_examples(found.unmatched)}; the profile may belong to another project or "
        "version, or most time is outside the repository; if it was recorded where the "
        "code lives under another folder, give --profile-root PREFIX"
        for found in matches
        if found.samples and found.match_rate < MIN_MATCH_RATE
    ]


def _stale_warnings(matchers: Sequence[Matcher]) -> list[str]:
    stale_frames: dict[str, int] = defaultdict(int)
    for m in matchers:
        for rel, count in m.stale_frames.items():
            stale_frames[rel] += count
    stale = sum(stale_frames.values())
    if not stale:
        return []
    worst = sorted(stale_frames.items(), key=lambda kv: (-kv[1], kv[0]))[:3]
    where = ", ".join(f"{rel} ({count})" for rel, count in worst)
    message = (
        f"{stale} profiled frame(s) ran code that changed since the recording (the "
        "function's source differs, or its line no longer lies in a function of its name; "
        f"matched by name where possible): {where}"
    )
    return [message]


def profile_files(profile: Profile) -> set[str]:
    """Every distinct file path of a profile's frames (shared call paths walked once)."""
    files = {e.frame.file for e in profile.flat}
    seen: set[int] = set()
    for stack in profile.stacks:
        frames = stack.frames
        if isinstance(frames, CallPath):
            path: CallPath | None = frames
            while path is not None and id(path) not in seen:
                seen.add(id(path))
                files.add(path.frame.file)
                path = path.caller
        else:
            files.update(f.file for f in frames)
    return files


def _profile_match(profile: Profile, t: _Tally, matcher: Matcher) -> ProfileMatch:
    unmatched = sorted(t.unmatched.items(), key=lambda kv: (-kv[1], kv[0]))
    return ProfileMatch(
        path=profile.path,
        samples=round(t.total),
        matched_samples=round(t.matched),
        match_rate=round(t.matched / t.total, 4) if t.total else 0.0,
        prefixes=tuple(matcher.paths.prefixes(matcher.matched.values())[:5]),
        unmatched=tuple(printable(path) for path, _ in unmatched[:5]),
    )


def _examples(paths: Sequence[str]) -> str:
    return f" (unmatched frames such as {', '.join(paths[:3])})" if paths else ""


def _no_match(profile: Profile, t: _Tally) -> str:
    unmatched = sorted(t.unmatched.items(), key=lambda kv: (-kv[1], kv[0]))
    examples = _examples([printable(path) for path, _ in unmatched[:3]])
    return (
        f"{printable(profile.path)}: none of its {t.total:g} samples ran code in this tree"
        f"{examples}. Scan the folder the profile was recorded on, or give --profile-root "
        "PREFIX for the folder the code lived in when it was recorded (e.g. /app)"
    )


def _line_of(matcher: Matcher, key: Key) -> int | None:
    return matcher.files[key[0]].first_line.get(key[1])


class _Node:
    """One distinct call path of a profile, its frame matched to the tree once."""

    __slots__ = ("children", "frame", "key", "last", "parent", "stacks", "stale", "weight")

    def __init__(self, parent: _Node | None, frame: Frame, key: Key | None, stale: bool) -> None:
        self.parent = parent
        self.frame = frame
        self.key = key  # None: a frame outside the tree
        self.last: Key | None = key if key is not None else parent.last if parent else None
        self.stale = stale
        self.children: dict[Frame, _Node] = {}
        self.weight = 0.0  # busy time of the tree's code in stacks ending here (then: below)
        self.stacks = 0  # stacks ending here, idle ones too (then: through here)


class _CallTree:
    """The distinct call paths of one profile's stacks, each stored and matched once."""

    def __init__(self, matcher: Matcher) -> None:
        self._matcher = matcher
        self.roots: dict[Frame, _Node] = {}
        self._of_path: dict[int, _Node] = {}  # id(CallPath): the profile keeps them alive
        self._located: dict[Frame, tuple[Key | None, bool]] = {}

    def node(self, frames: Sequence[Frame]) -> _Node:
        """The node of a stack's leaf: O(1) for a path whose caller was seen before."""
        node: _Node | None = None
        if isinstance(frames, CallPath):
            new: list[CallPath] = []
            path: CallPath | None = frames
            while path is not None and (node := self._of_path.get(id(path))) is None:
                new.append(path)
                path = path.caller
            for path in reversed(new):
                node = self._of_path[id(path)] = self._child(node, path.frame)
        else:
            for frame in frames:
                node = self._child(node, frame)
        assert node is not None  # callers skip empty stacks
        return node

    def _child(self, parent: _Node | None, frame: Frame) -> _Node:
        siblings = self.roots if parent is None else parent.children
        node = siblings.get(frame)
        if node is None:
            key, stale = self._locate(frame)
            node = siblings[frame] = _Node(parent, frame, key, stale)
        return node

    def _locate(self, frame: Frame) -> tuple[Key | None, bool]:
        found = self._located.get(frame)
        if found is None:
            rel = self._matcher.file_of(frame.file, frame.name)
            if rel is None:
                found = (None, False)
            else:
                qualname, stale = self._matcher.locate(rel, frame)
                found = ((rel, qualname), self._matcher.is_stale(rel, frame, qualname, stale))
            self._located[frame] = found
        return found

    def charge(self, t: _Tally) -> None:
        """Add each node's time below it to its function and module, once per stack: only where
        the function (module) is not already on the path above (recursion counts once)."""
        keys_above: dict[Key, int] = defaultdict(int)
        rels_above: dict[str, int] = defaultdict(int)
        # (node, first time its function is on the path, first time its module is, leaving)
        todo: list[tuple[_Node, bool, bool, bool]] = [
            (n, False, False, False) for n in reversed(self.roots.values())
        ]
        while todo:
            node, first_key, first_rel, leaving = todo.pop()
            key = node.key
            if not leaving:
                if key is not None:
                    first_key = keys_above[key] == 0
                    first_rel = rels_above[key[0]] == 0
                    keys_above[key] += 1
                    rels_above[key[0]] += 1
                todo.append((node, first_key, first_rel, True))
                todo.extend((c, False, False, False) for c in reversed(node.children.values()))
                continue
            if key is not None:
                keys_above[key] -= 1
                rels_above[key[0]] -= 1
                if first_key and node.weight > 0:
                    t.fn_total[key] += node.weight
                if first_rel and node.weight > 0:
                    t.mod_total[key[0]] += node.weight
                if node.stale:
                    self._matcher.stale_frames[key[0]] += node.stacks
            if node.parent is not None:
                node.parent.weight += node.weight
                node.parent.stacks += node.stacks


def _tally(profile: Profile, matcher: Matcher) -> _Tally:
    t = _Tally()
    tree = _CallTree(matcher)
    for stack in profile.stacks:
        w = stack.weight
        if w <= 0 or not stack.frames:
            continue
        node = tree.node(stack.frames)
        node.stacks += 1
        if stack.idle or (node.key is None and node.frame.name.rsplit(".", 1)[-1] in _WAITING):
            t.idle += w
            continue
        t.total += w
        if node.last is None:
            t.unmatched[node.frame.file] += w
            continue
        t.matched += w
        if node.key is not None:
            t.self_[node.key] += w
        else:
            t.lib[node.last] += w
        node.weight += w
    tree.charge(t)
    for entry in profile.flat:
        t.total += entry.self_weight
        rel = matcher.file_of(entry.frame.file, entry.frame.name)
        if rel is None:
            t.unmatched[entry.frame.file] += entry.self_weight
            continue
        key = (rel, matcher.function_of(rel, entry.frame))
        t.matched += entry.self_weight
        t.self_[key] += entry.self_weight
        t.fn_total[key] = max(t.fn_total[key], entry.total_weight)
        t.mod_total[rel] = max(t.mod_total[rel], entry.total_weight)
    return t
