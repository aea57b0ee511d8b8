"""Git churn and stability per file, from one ``git log --numstat -z`` over the scanned root.

Missing git, a tree that is not a repository, or a shallow clone with no history are not
errors: the run goes on without the churn factor and says why. git runs through
``goport.git.run`` (no textconv, diff driver, signature program or pager from the repository's
config); paths are NUL-separated, so names git would quote are counted under their real name.
"""

from __future__ import annotations

import logging
import os
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from goport import git
from goport.discover import rel_path_of
from goport.errors import InputError, ToolMissingError
from goport.model import FileHistory

log = logging.getLogger(__name__)

WINDOW_DAYS = 365
_LEFT_OUT = "churn is left out of the scores"


@dataclass(frozen=True, slots=True)
class History:
    files: dict[str, FileHistory]  # by path relative to the scanned root
    note: str | None = None  # why there is no history, when there is none


@dataclass(frozen=True, slots=True)
class _Change:
    path: str  # relative to the scanned root
    lines: int
    author: str
    date: str
    commit: str = ""


def read(root: Path, window_days: int = WINDOW_DAYS) -> History:
    changes, note = _log(root, window_days)
    if note is not None:
        return History({}, note)
    return History(_summarise(changes, window_days))


def changesets(
    root: Path, window_days: int = WINDOW_DAYS
) -> tuple[tuple[tuple[str, ...], ...], str | None]:
    """The Python files of each commit in the window (paths relative to the scanned root), for
    temporal coupling; and why there are none, when git history cannot be read."""
    changes, note = _log(root, window_days)
    by_commit: dict[str, list[str]] = defaultdict(list)
    for change in changes:
        by_commit[change.commit].append(change.path)
    return tuple(tuple(sorted(set(paths))) for paths in by_commit.values()), note


def _log(root: Path, window_days: int) -> tuple[list[_Change], str | None]:
    """Every Python file change of the window, or why git history cannot be read."""
    try:
        git.run(root, "rev-parse", "--show-toplevel", timeout=30)
    except ToolMissingError:
        return [], f"git is not installed; {_LEFT_OUT}"
    except InputError:
        return [], f"not a git repository; {_LEFT_OUT}"
    try:
        shallow = git.run(root, "rev-parse", "--is-shallow-repository", timeout=30)
        if shallow.strip() == b"true":
            # the boundary commit of a shallow clone looks as if it wrote every line
            return [], "shallow git clone; churn is left out (fetch with depth 0 to use it)"
        prefix = git.run(root, "rev-parse", "--show-prefix", timeout=30).rstrip(b"\n")
        out = git.run(
            root,
            "log",
            "-z",
            f"--since={window_days} days ago",
            "--no-merges",
            "--no-renames",
            "--no-relative",  # diff.relative in the repo's config would change the paths
            "--format=@%H%x09%an%x09%as",
            "--numstat",
            "--",
            ".",
        )
    except (InputError, ToolMissingError) as exc:
        return [], f"{exc}; {_LEFT_OUT}"
    return _parse(out, prefix), None


def _parse(out: bytes, prefix: bytes) -> list[_Change]:
    """``git log -z --numstat`` output: a header record ``@<id>\\t<author>\\t<date>`` per commit,
    then one ``<added>\\t<deleted>\\t<path>`` record per file (each NUL-terminated)."""
    changes: list[_Change] = []
    author, date, commit = "", "", ""
    for record in out.split(b"\0"):
        record = record.lstrip(b"\n")
        if record.startswith(b"@"):
            head, _, rest = record.partition(b"\t")
            commit = head[1:].decode("ascii", "replace")
            name, _, when = rest.rpartition(b"\t")
            author, date = name.decode("utf-8", "replace"), when.decode("ascii", "replace")
            continue
        fields = record.split(b"\t", 2)  # the path itself may hold tabs
        if len(fields) != 3 or not all(_count(f) is not None for f in fields[:2]):
            continue
        added, deleted, path = fields
        if not path.endswith(b".py") or not path.startswith(prefix):
            continue
        lines = (_count(added) or 0) + (_count(deleted) or 0)
        # keyed as discovery names files: controls and undecodable bytes shown escaped
        shown = rel_path_of(os.fsdecode(path[len(prefix) :]).split("/"))
        changes.append(_Change(shown, lines, author, date, commit))
    return changes


def _count(field: bytes) -> int | None:
    """A numstat count; ``-`` for a binary file counts as 0 lines."""
    if field == b"-":
        return 0
    return int(field) if field.isdigit() else None


def _summarise(changes: list[_Change], window_days: int) -> dict[str, FileHistory]:
    commits: dict[str, int] = defaultdict(int)
    churn: dict[str, int] = defaultdict(int)
    authors: dict[str, set[str]] = defaultdict(set)
    last: dict[str, str] = {}
    for change in changes:
        commits[change.path] += 1
        churn[change.path] += change.lines
        authors[change.path].add(change.author)
        last.setdefault(change.path, change.date)  # log is newest first
    return {
        path: FileHistory(
            commits=commits[path],
            churn=churn[path],
            authors=len(authors[path]),
            last_change=last.get(path),
            window_days=window_days,
        )
        for path in commits
    }
