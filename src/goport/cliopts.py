"""The options goport's analysing commands share, and how they become a ``Config``.

Every command that reads a project (scan, explain, plan, baseline write, capture, shim,
scaffold) takes the same flags for what to read and how: ``@shared_options(...)`` adds the ones
it names to the command, and the command receives them together as one ``CommonOptions``
(``common``), which ``config()`` turns into the project's ``Config``. Each flag is declared
once here, with its help text.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from goport.choices import MAX_FILE_SIZE_LIMIT, Include
from goport.errors import InputError, UsageError
from goport.reports import Format
from goport.safeio import is_within

if TYPE_CHECKING:
    from goport.config import Config

Command = TypeVar("Command", bound=Callable[..., Any])

PathsArg = Annotated[
    list[Path] | None,
    typer.Argument(help="A project folder (default: the current one), or .py files to report on."),
]
ExcludeOpt = Annotated[
    list[str], typer.Option("--exclude", "-e", help="Gitignore-style pattern to skip (repeatable).")
]
SelectOpt = Annotated[
    list[str],
    typer.Option("--select", help="Only these rule ids or prefixes, e.g. GP1 (repeatable)."),
]
IgnoreOpt = Annotated[
    list[str], typer.Option("--ignore", help="Skip these rule ids or prefixes (repeatable).")
]
JobsOpt = Annotated[
    int | None, typer.Option("--jobs", "-j", min=0, help="Worker processes (0: all cores).")
]
CacheDirOpt = Annotated[
    Path | None, typer.Option("--cache-dir", help="Where per-file results are cached.")
]
NoCacheOpt = Annotated[bool, typer.Option("--no-cache", help="Neither read nor write the cache.")]
NoHistoryOpt = Annotated[
    bool, typer.Option("--no-history", help="Do not read git history (churn).")
]
NoConfigOpt = Annotated[
    bool, typer.Option("--no-config", help="Ignore [tool.goport] in pyproject.toml.")
]
RootOpt = Annotated[
    Path | None,
    typer.Option("--root", help="Project root when PATHs are files (default: the current folder)."),
]
MaxSizeOpt = Annotated[
    int | None,
    typer.Option(
        "--max-file-size",
        min=1,
        max=MAX_FILE_SIZE_LIMIT,
        help="Skip files larger than this many bytes.",
    ),
]
ProfileOpt = Annotated[
    list[Path],
    typer.Option(
        "--profile",
        "-p",
        help="A profile (py-spy speedscope/raw, collapsed stacks, pstats, pyinstrument JSON); repeatable.",
    ),
]
ProfileRootOpt = Annotated[
    list[str],
    typer.Option(
        "--profile-root",
        help="A folder that stood for the project root where a profile was recorded "
        "(e.g. /app in a container); repeatable.",
    ),
]
IncludeOpt = Annotated[
    list[Include],
    typer.Option(
        "--include",
        help="Also rank this kind of file, analysed but set apart by default (repeatable; "
        "all: every kind).",
    ),
]
WeightOpt = Annotated[
    list[str],
    typer.Option(
        "--weight",
        "-w",
        metavar="FACTOR=N",
        help="Multiply a factor's points by N, e.g. cpu-bound=1.5 (the factor names the report "
        "prints; repeatable; over [tool.goport.weights]).",
    ),
]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar and no log lines.")]
VerboseOpt = Annotated[
    bool, typer.Option("--verbose", "-v", help="List everything, and log details.")
]


# -- scan's own options --------------------------------------------------------------------------

ScanFormatOpt = Annotated[
    Format | None,
    typer.Option(
        "--format",
        "-f",
        help="Output format (default: terminal on a terminal or with --output, text when piped).",
    ),
]
OutputOpt = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write the report to this file.")
]
TopOpt = Annotated[
    int | None, typer.Option("--top", "-n", min=1, help="Report the N best candidates.")
]
MinScoreOpt = Annotated[
    float | None,
    typer.Option("--min-score", min=0, max=100, help="Hide candidates scoring below this."),
]
DiffBaseOpt = Annotated[
    str | None,
    typer.Option(
        "--diff-base", help="Report only what changed since this git ref (e.g. origin/main)."
    ),
]
FailOnOpt = Annotated[
    float | None,
    typer.Option(
        "--fail-on", min=0, max=100, help="Exit 1 when a reported candidate scores at least this."
    ),
]
FailOnNewOpt = Annotated[
    float | None,
    typer.Option(
        "--fail-on-new",
        min=0,
        max=100,
        help="Exit 1 when a module crosses this score in this change (--diff-base) or is not in "
        "the baseline.",
    ),
]
BaselineOpt = Annotated[
    Path | None,
    typer.Option("--baseline", help="Report only what this baseline file does not know."),
]
LegendOpt = Annotated[
    bool | None,
    typer.Option(
        "--legend/--no-legend",
        help="Explain score, strategies and effort under the table (default: on a terminal).",
    ),
]


@dataclass(frozen=True, slots=True)
class CommonOptions:
    """The shared flags as one value: what to read (exclude, select, ignore, include), how
    (jobs, cache, history, config file, size limit), and the profiles and weights to rank by."""

    exclude: tuple[str, ...] = ()
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    jobs: int | None = None
    cache_dir: Path | None = None
    no_cache: bool = False
    no_history: bool = False
    no_config: bool = False
    max_file_size: int | None = None
    profile: tuple[Path, ...] = ()
    profile_root: tuple[str, ...] = ()
    include: tuple[Include, ...] = ()
    weight: tuple[str, ...] = ()

    def config(self, paths: Sequence[Path], root: Path | None = None, **settings: Any) -> Config:
        """The Config of the project ``paths`` belong to (``--root`` when given), with these
        flags over its ``[tool.goport]``, then ``settings`` (Config fields a command sets)."""
        from goport import config as config_mod

        scan_root, named = resolve_target(list(paths), root)
        overrides: dict[str, Any] = {
            "paths": named,
            "exclude": self.exclude,
            "select": tuple(s.upper() for s in self.select),
            "ignore": tuple(s.upper() for s in self.ignore),
            "jobs": self.jobs,
            "cache_dir": self.cache_dir,
            "max_file_size": self.max_file_size,
            "profiles": tuple(_existing(self.profile)),
            "profile_roots": self.profile_root,
            "include": self.include,
            "weights": self.weight or None,
            **settings,
        }
        if self.no_cache:
            overrides["use_cache"] = False
        if self.no_history:
            overrides["history"] = False
        return config_mod.load(scan_root, overrides, read_pyproject=not self.no_config)


#: each shared flag: its annotation (typer reads the option from it) and its default
_SHARED: dict[str, tuple[Any, Any]] = {
    "exclude": (ExcludeOpt, []),
    "select": (SelectOpt, []),
    "ignore": (IgnoreOpt, []),
    "jobs": (JobsOpt, None),
    "cache_dir": (CacheDirOpt, None),
    "no_cache": (NoCacheOpt, False),
    "no_history": (NoHistoryOpt, False),
    "no_config": (NoConfigOpt, False),
    "max_file_size": (MaxSizeOpt, None),
    "profile": (ProfileOpt, []),
    "profile_root": (ProfileRootOpt, []),
    "include": (IncludeOpt, []),
    "weight": (WeightOpt, []),
}
#: what reading a project takes in every analysing command
READING = (
    "exclude",
    "select",
    "ignore",
    "jobs",
    "cache_dir",
    "no_cache",
    "no_history",
    "no_config",
)
#: measured time and the user's weights, for the commands that rank
RANKING = ("profile", "profile_root", "include", "weight")


def shared_options(*names: str) -> Callable[[Command], Command]:
    """Add the shared flags ``names`` (keys of ``_SHARED``) to a typer command, after its own;
    the command gets them as ``common: CommonOptions`` (flags it does not take keep their
    defaults). typer reads the command's signature, so the wrapper shows the combined one."""
    unknown = set(names) - set(_SHARED)
    if unknown:
        raise ValueError(f"not a shared option: {sorted(unknown)}")

    def decorate(command: Command) -> Command:
        signature = inspect.signature(command, eval_str=True)
        own = [p for p in signature.parameters.values() if p.name != "common"]
        added = [
            inspect.Parameter(
                name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=kind
            )
            for name in names
            for kind, default in [_SHARED[name]]
        ]

        @functools.wraps(command)
        def run(*args: Any, **kwargs: Any) -> Any:
            given: dict[str, Any] = {}
            for name in names:
                value = kwargs.pop(name)
                given[name] = tuple(value) if isinstance(value, list) else value
            return command(*args, common=CommonOptions(**given), **kwargs)

        params = [*own, *added]
        run.__signature__ = signature.replace(parameters=params)  # type: ignore[attr-defined]
        run.__annotations__ = {p.name: p.annotation for p in params}
        return run  # type: ignore[return-value]

    return decorate


def resolve_target(paths: list[Path], root: Path | None) -> tuple[Path, tuple[Path, ...]]:
    """(project root to scan, what to report on) from the PATH arguments.

    The root is ``--root``, else the project the paths belong to (``project_root``: the nearest
    folder upward with a pyproject.toml, setup.cfg, setup.py or .git), so a scan started in a
    subfolder analyses the whole project, with its config and tests, and reports on the
    subfolder; files are reported on themselves."""
    from goport.discover import lexical_path, outside_root, project_root
    from goport.text import printable

    for p in paths:
        if not p.exists():
            what = "a broken symbolic link" if p.is_symlink() else "no such file or directory"
            raise InputError(f"{printable(str(p))}: {what}")
    if len(paths) == 1 and paths[0].is_dir():
        folder = paths[0].resolve()  # a link to a folder scans the folder it leads to
        base = (root or project_root(folder)).resolve()
        if not is_within(folder, base):
            raise UsageError(outside_root(paths[0], base))
        return base, () if folder == base else (folder,)
    dirs = [p for p in paths if p.is_dir()]
    if dirs:
        raise UsageError("give one folder, or any number of .py files (not both)")
    for p in paths:
        if p.suffix != ".py":
            raise InputError(
                f"{printable(str(p))}: not a Python file or a directory; give a .py file or a folder"
            )
    # a named link is judged where it is, not where it leads (discovery reports a link out)
    named = [lexical_path(p) for p in paths]
    base = (root or project_root(Path.cwd())).resolve()
    if root is None and not all(is_within(p, base) for p in named):
        base = project_root(named[0].parent)
    for p, absolute in zip(paths, named):
        if not is_within(absolute, base):
            raise UsageError(outside_root(p, base))
    return base, tuple(paths)


def _existing(paths: Sequence[Path]) -> list[Path]:
    from goport.profiles.readers import check_profile_path

    for p in paths:
        check_profile_path(p)  # missing, a folder, a FIFO or a device: say which, before the scan
    return [p.resolve() for p in paths]
