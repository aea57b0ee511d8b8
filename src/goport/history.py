"""Git churn and stability per file, from one ``git log --numstat`` over the scanned root.

Missing git, a tree that is not a repository, or a shallow clone with no history are not
errors: the run goes on without the churn factor and says why.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from goport.model import FileHistory

log = logging.getLogger(__name__)

WINDOW_DAYS = 365


@dataclass(frozen=True, slots=True)
class History:
    files: dict[str, FileHistory]  # by path relative to the scanned root
    note: str | None = None  # why there is no history, when there is none


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "-C", str(root), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=120,
        check=False,
    )


def read(root: Path, window_days: int = WINDOW_DAYS) -> History:
    if shutil.which("git") is None:
        return History({}, "git is not installed; churn is left out of the scores")
    try:
        top = _git(root, "rev-parse", "--show-toplevel")
        if top.returncode != 0:
            return History({}, "not a git repository; churn is left out of the scores")
        shallow = _git(root, "rev-parse", "--is-shallow-repository").stdout.strip()
        if shallow == "true":
            # the boundary commit of a shallow clone looks as if it wrote every line
            return History({}, "shallow git clone; churn is left out (fetch with depth 0 to use it)")
        prefix = _git(root, "rev-parse", "--show-prefix").stdout.strip()
        log_run = _git(
            root,
            "log",
            f"--since={window_days} days ago",
            "--no-merges",
            "--no-renames",
            "--format=@%H\t%an\t%as",
            "--numstat",
            "--",
            ".",
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return History({}, f"git failed ({exc}); churn is left out of the scores")
    if log_run.returncode != 0:
        message = log_run.stderr.strip().splitlines()[-1:] or ["no commits"]
        return History({}, f"git log failed ({message[0]}); churn is left out of the scores")

    commits: dict[str, int] = defaultdict(int)
    churn: dict[str, int] = defaultdict(int)
    authors: dict[str, set[str]] = defaultdict(set)
    last: dict[str, str] = {}
    author, date = "", ""
    for line in log_run.stdout.splitlines():
        if line.startswith("@"):
            _, author, date = (line[1:].split("\t") + ["", ""])[:3]
            continue
        fields = line.split("\t")
        if len(fields) != 3 or not fields[2].endswith(".py"):
            continue
        added, deleted, path = fields
        if prefix:
            if not path.startswith(prefix):
                continue
            path = path[len(prefix) :]
        commits[path] += 1
        churn[path] += (int(added) if added.isdigit() else 0) + (int(deleted) if deleted.isdigit() else 0)
        authors[path].add(author)
        last.setdefault(path, date)  # log is newest first
    files = {
        path: FileHistory(
            commits=commits[path],
            churn=churn[path],
            authors=len(authors[path]),
            last_change=last.get(path),
            window_days=window_days,
        )
        for path in commits
    }
    return History(files)
