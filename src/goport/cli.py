"""The typer app: flags -> Config -> pipeline -> reporter -> exit code. No analysis logic here.

Exit codes: 0 ok, 1 a ``--fail-on`` gate tripped, 2 usage or input error.
"""

from __future__ import annotations

import logging
import os
import stat
import sys
from collections.abc import Sequence
from enum import Enum, IntEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from goport import __version__
from goport.cache_cli import app as cache_app
from goport.choices import MAX_FILE_SIZE_LIMIT, Include
from goport.errors import GoportError, InputError, UsageError
from goport.reports import Format, Options
from goport.text import inert, inert_lines, printable

if TYPE_CHECKING:  # the analysis types load with the first command that runs, not at start
    from goport.config import Config
    from goport.model import RunResult


class ExitCode(IntEnum):
    OK = 0
    GATE = 1
    USAGE = 2


app = typer.Typer(
    name="goport",
    help=(
        "Which parts of a Python codebase to rewrite in Go first, why, and how.\n\n"
        "Example: goport scan . --top 15"
    ),
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(cache_app, name="cache")  # goport cache dir | info | clean (goport.cache_cli)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"goport {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Which parts of a Python codebase to rewrite in Go first, why, and how."""


# -- shared helpers ------------------------------------------------------------------------------


def _width() -> int:
    """The width to lay terminal output out for: COLUMNS, else the terminal's, even when piped
    (rich cannot see them through the buffer the reporter writes to)."""
    from goport.reports.terminal import terminal_width

    return terminal_width()


def _use_color(stream: Any) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return bool(getattr(stream, "isatty", lambda: False)())


def _resolve_target(paths: list[Path], root: Path | None) -> tuple[Path, tuple[Path, ...]]:
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
        if not _is_within(folder, base):
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
    if root is None and not all(_is_within(p, base) for p in named):
        base = project_root(named[0].parent)
    for p, absolute in zip(paths, named):
        if not _is_within(absolute, base):
            raise UsageError(outside_root(p, base))
    return base, tuple(paths)


def _existing(paths: list[Path]) -> list[Path]:
    from goport.profiles.readers import check_profile_path

    for p in paths:
        check_profile_path(p)  # missing, a folder, a FIFO or a device: say which, before the scan
    return [p.resolve() for p in paths]


def _is_within(path: Path, base: Path) -> bool:
    try:
        path.relative_to(base)
        return True
    except ValueError:
        return False


def _progress(quiet: bool) -> tuple[Any, Any]:
    """A rich progress bar on stderr when stderr is a terminal: files done of all, files per
    second and the time left; (callback, closer). The bar and the time left follow the bytes
    analysed (the biggest files go first, so a count of files would promise too much too
    early); files answered from the cache count as done but not towards the rate."""
    if quiet or not sys.stderr.isatty():
        return None, lambda: None
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    progress = Progress(
        TextColumn("analysing"),
        BarColumn(),
        TextColumn("{task.fields[files]} files {task.fields[rate]}"),
        TimeElapsedColumn(),
        TextColumn("eta"),
        TimeRemainingColumn(),
        console=Console(file=sys.stderr),
        transient=True,
    )
    task = progress.add_task("files", total=None, files="", rate="")
    progress.start()
    start: list[tuple[int, float]] = []  # files done before any was analysed, and when

    def update(done: int, total: int, work: float) -> None:
        now = progress.get_time()
        if not start:
            start.append((done, now))
            progress.reset(task, total=1.0, files=f"{done}/{total}", rate="")
            progress.update(task, completed=work)
            return
        first, since = start[0]
        rate = (done - first) / (now - since) if now > since else 0.0
        shown = f"{rate:.0f}/s" if rate >= 1 else f"{rate:.1f}/s"
        progress.update(task, completed=work, files=f"{done}/{total}", rate=shown)

    return update, progress.stop


def _run(config: Config, quiet: bool, *, with_facts: bool = False) -> RunResult:
    """The pipeline, with a progress bar on a terminal's stderr; ``with_facts``: the command
    reads ``RunResult.modules`` (a warm run leaves them out unless asked)."""
    from goport.pipeline import run

    update, stop = _progress(quiet)
    try:
        return run(config, progress=update, with_facts=with_facts)
    finally:
        stop()


def _write(text: str, output: Path | None, *, root: Path | None = None) -> None:
    """The report to stdout, or to ``output`` through ``safeio.write_atomic``: a link at
    ``output`` is replaced, never written through; with ``root`` (the scanned root) a path inside
    it whose folder is a link out of it is refused; a failed write (a full disk) leaves neither an
    empty report nor a temporary file. A stream the user names under /dev or /proc
    (``/dev/stdout``, ``/dev/null``, ``/dev/fd/N``) is written in place, since replacing it would
    be wrong and the scanned tree cannot plant one there."""
    text = _encodable(text)
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    data = text.encode("utf-8")
    if _is_stream(output, root):
        _write_stream(data, output)
        return
    _check_folders(output)
    from goport.safeio import write_atomic

    write_atomic(output, data, root=root)


def _encodable(text: str) -> str:
    """``text``, with any lone surrogate (an undecodable file-name byte a reporter let through)
    written as a backslash escape: valid UTF-8 rather than a lost report."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


def _is_stream(output: Path, root: Path | None) -> bool:
    absolute = os.path.abspath(output)
    if not absolute.startswith(("/dev/", "/proc/")):
        return False
    if root is not None and _is_within(Path(absolute), root):
        return False
    try:
        mode = os.lstat(absolute).st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def _write_stream(data: bytes, output: Path) -> None:
    flags = os.O_WRONLY | os.O_APPEND | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(output, flags)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)
    except OSError as exc:
        raise InputError(f"{output}: cannot write: {exc.strerror or exc}") from exc


def _check_folders(output: Path) -> None:
    """Name the culprit when a folder on the way to ``output`` is a file (mkdir would only say
    "File exists")."""
    for folder in Path(os.path.abspath(output)).parents:
        if os.path.lexists(folder):
            if not folder.is_dir():
                raise InputError(f"{output}: cannot write: {folder} is not a folder")
            return


def _build_config(
    paths: list[Path],
    root: Path | None,
    *,
    exclude: list[str],
    select: list[str],
    ignore: list[str],
    top: int | None,
    min_score: float | None,
    jobs: int | None,
    cache_dir: Path | None,
    no_cache: bool,
    no_history: bool,
    no_config: bool,
    max_file_size: int | None,
    profiles: list[Path] | None = None,
    profile_roots: Sequence[str] = (),
    include: Sequence[str] = (),
    extra: dict[str, Any] | None = None,
) -> Config:
    from goport import config as config_mod

    scan_root, named = _resolve_target(paths, root)
    overrides: dict[str, Any] = {
        "paths": named,
        "exclude": tuple(exclude),
        "select": tuple(s.upper() for s in select),
        "ignore": tuple(s.upper() for s in ignore),
        "top": top,
        "min_score": min_score,
        "jobs": jobs,
        "cache_dir": cache_dir,
        "max_file_size": max_file_size,
        "profiles": tuple(_existing(profiles or [])),
        "profile_roots": tuple(profile_roots),
        "include": tuple(include),
    }
    overrides.update(extra or {})
    if no_cache:
        overrides["use_cache"] = False
    if no_history:
        overrides["history"] = False
    return config_mod.load(scan_root, overrides, read_pyproject=not no_config)


# -- options shared by scan and explain ----------------------------------------------------------

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


def _say(message: str, *, err: bool = True) -> None:
    """One line of goport's own (stderr unless ``err`` is False). It may quote names from the
    scanned tree: controls are shown escaped, and ``inert`` keeps a CI runner from reading it as
    a workflow command (``::add-mask::``, ``##[stop-commands]``)."""
    typer.echo(inert(printable(message)), err=err)


class _PrintableFormatter(logging.Formatter):
    """Log lines quote names from the scanned tree: show their control characters escaped, and
    never let a line read as a CI workflow command. The message is one line; a traceback keeps
    its own line breaks, each line escaped."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        return inert(printable(super().formatMessage(record)))

    def formatException(self, ei: Any) -> str:
        return _printable_lines(super().formatException(ei))

    def formatStack(self, stack_info: str) -> str:
        return _printable_lines(super().formatStack(stack_info))


def _printable_lines(text: str) -> str:
    return "\n".join(inert(printable(line)) for line in text.split("\n"))


def _logging(quiet: bool, verbose: bool) -> None:
    level = logging.ERROR if quiet else logging.DEBUG if verbose else logging.WARNING
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_PrintableFormatter("goport: %(message)s"))
    logging.basicConfig(level=level, handlers=[handler])


@app.command()
def scan(
    paths: PathsArg = None,
    fmt: Annotated[
        Format | None,
        typer.Option(
            "--format",
            "-f",
            help="Output format (default: terminal on a terminal or with --output, text when "
            "piped).",
        ),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the report to this file.")
    ] = None,
    top: Annotated[
        int | None, typer.Option("--top", "-n", min=1, help="Report the N best candidates.")
    ] = None,
    min_score: Annotated[
        float | None,
        typer.Option("--min-score", min=0, max=100, help="Hide candidates scoring below this."),
    ] = None,
    exclude: ExcludeOpt = [],  # noqa: B006 - typer reads the default, never mutates it
    select: SelectOpt = [],  # noqa: B006
    ignore: IgnoreOpt = [],  # noqa: B006
    jobs: JobsOpt = None,
    cache_dir: CacheDirOpt = None,
    no_cache: NoCacheOpt = False,
    no_history: NoHistoryOpt = False,
    no_config: NoConfigOpt = False,
    root: RootOpt = None,
    max_file_size: MaxSizeOpt = None,
    profile: ProfileOpt = [],  # noqa: B006
    profile_root: ProfileRootOpt = [],  # noqa: B006
    diff_base: Annotated[
        str | None,
        typer.Option(
            "--diff-base", help="Report only what changed since this git ref (e.g. origin/main)."
        ),
    ] = None,
    fail_on: Annotated[
        float | None,
        typer.Option(
            "--fail-on",
            min=0,
            max=100,
            help="Exit 1 when a reported candidate scores at least this.",
        ),
    ] = None,
    fail_on_new: Annotated[
        float | None,
        typer.Option(
            "--fail-on-new",
            min=0,
            max=100,
            help="Exit 1 when a module crosses this score in this change (--diff-base) or is not in the baseline.",
        ),
    ] = None,
    baseline: Annotated[
        Path | None,
        typer.Option("--baseline", help="Report only what this baseline file does not know."),
    ] = None,
    include: IncludeOpt = [],  # noqa: B006
    legend: Annotated[
        bool | None,
        typer.Option(
            "--legend/--no-legend",
            help="Explain score, strategies and effort under the table (default: on a terminal).",
        ),
    ] = None,
    weight: WeightOpt = [],  # noqa: B006
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Rank the modules of a Python project as Go-migration candidates.

    Only product code is ranked: benchmarks, examples, docs, scripts, build configuration
    (setup.py, conftest.py...), vendored and generated code are analysed but set apart, and
    counted in one line; --include KIND (or include = [...] in [tool.goport]) ranks them too.

    Exit codes: 0 ok, 1 a --fail-on/--fail-on-new gate tripped, 2 usage or input error.

    Example: goport scan . --top 15 ; goport scan . --include benchmarks ;
    goport scan . --diff-base origin/main --format github --fail-on-new 70
    """
    from goport.reports import render

    _logging(quiet, verbose)
    config = _build_config(
        paths or [Path(".")],
        root,
        exclude=exclude,
        select=select,
        ignore=ignore,
        top=top,
        min_score=min_score,
        jobs=jobs,
        cache_dir=cache_dir,
        no_cache=no_cache,
        no_history=no_history,
        no_config=no_config,
        max_file_size=max_file_size,
        profiles=profile,
        profile_roots=profile_root,
        include=include,
        extra={
            "diff_base": diff_base,
            "fail_on": fail_on,
            "fail_on_new": fail_on_new,
            "baseline": baseline,
            "weights": tuple(weight) or None,
        },
    )
    # the Next hint reads the kind of a file in a named folder
    result = _run(config, quiet, with_facts=bool(config.paths))
    if fmt is None:  # as ruff and pip do: a table for people, plain lines for pipes
        fmt = Format.TERMINAL if output is not None or sys.stdout.isatty() else Format.TEXT
    color = fmt is Format.TERMINAL and output is None and _use_color(sys.stdout)
    summary_file = os.environ.get("GITHUB_STEP_SUMMARY") if fmt is Format.GITHUB else None
    prefix = ""
    if fmt in (Format.GITHUB, Format.GITLAB, Format.SARIF):
        from goport.diff import repo_prefix

        prefix = repo_prefix(Path(result.root))
    options = Options(
        color=color,
        width=_width() if output is None else None,
        verbose=verbose,
        legend=legend if legend is not None else output is None and sys.stdout.isatty(),
        step_summary=Path(summary_file) if summary_file else None,
        path_prefix=prefix,
        explain_command=_explain_command(result),
    )
    text = render(fmt, result, options)
    if fmt is Format.MARKDOWN and output is None:
        # on stdout the document is a CI log line by line (terminal and github output are made
        # inert by their reporters; written to a file or the step summary it is not parsed)
        text = inert_lines(text)
    _write(text, output, root=Path(result.root))
    if result.gate is not None and result.gate.tripped:
        for reason in result.gate.reasons:
            _say(f"goport: gate: {reason}")
        raise typer.Exit(ExitCode.GATE)


def _explain_command(result: RunResult) -> str:
    """``goport explain`` of the top candidate as the user types it where they are: the path
    from their working folder, and ``--root`` when explain would not find the scanned project
    from the module by itself (a nested project, or a scan given --root)."""
    from goport.discover import project_root

    if not result.candidates:
        return ""
    root = Path(result.root)
    rel = result.candidates[0].rel_path
    module = root / rel
    words = ["goport", "explain", _typed(module)]
    if project_root(module) != root:
        words += ["--root", _typed(root)]
    from goport.kinds import include_name

    # ranked because its folder was named (goport scan benchmarks): explain must rank it too
    kind = next((m.kind for m in result.modules if m.rel_path == rel), None)
    if kind is not None and include_name(kind):
        words += ["--include", include_name(kind)]
    return " ".join(words)


def _typed(path: Path) -> str:
    """``path`` as typed in a POSIX shell from the working folder: relative to it unless the
    absolute path is shorter, quoted when it needs to be, never read as an option."""
    import shlex

    try:
        relative = os.path.relpath(path, Path.cwd())
    except (OSError, ValueError):  # the working folder is gone, or on another drive
        relative = str(path)
    shown = min((relative, str(path)), key=len)
    if shown.startswith("-"):
        shown = os.path.join(".", shown)
    return shlex.quote(Path(shown).as_posix())


@app.command()
def explain(
    module: Annotated[Path, typer.Argument(help="The module to explain: a path to a .py file.")],
    root: Annotated[
        Path | None,
        typer.Option("--root", help="Project root (default: found from the module's folders)."),
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.TERMINAL,
    exclude: ExcludeOpt = [],  # noqa: B006
    select: SelectOpt = [],  # noqa: B006
    ignore: IgnoreOpt = [],  # noqa: B006
    jobs: JobsOpt = None,
    cache_dir: CacheDirOpt = None,
    no_cache: NoCacheOpt = False,
    no_history: NoHistoryOpt = False,
    no_config: NoConfigOpt = False,
    profile: ProfileOpt = [],  # noqa: B006
    profile_root: ProfileRootOpt = [],  # noqa: B006
    include: IncludeOpt = [],  # noqa: B006
    weight: WeightOpt = [],  # noqa: B006
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Every factor, finding, hot function and Go idiom behind one module's score.

    The whole project is analysed (from the cache when warm) so that coupling and rank are real.

    Example: goport explain src/app/tokenizer.py
    """
    from goport.reports import dumps, json_report
    from goport.reports.terminal import render_explain

    _logging(quiet, verbose)
    if not module.is_file():
        raise InputError(f"{module}: no such Python file")
    from goport.discover import project_root

    project = root or project_root(module)
    if not _is_within(module.resolve(), project.resolve()):
        where = "a symbolic link out of" if module.is_symlink() else "outside"
        raise InputError(
            f"{printable(str(module))}: {where} the project root {printable(str(project))}; "
            "give --root a folder that holds it"
        )
    config = _build_config(
        [project],
        None,
        exclude=exclude,
        select=select,
        ignore=ignore,
        top=None,
        min_score=None,
        jobs=jobs,
        cache_dir=cache_dir,
        no_cache=no_cache,
        no_history=no_history,
        no_config=no_config,
        max_file_size=None,
        profiles=profile,
        profile_roots=profile_root,
        include=include,
        extra={"weights": tuple(weight) or None},
    )
    result = _run(config, quiet, with_facts=True)  # the plan line reads the facts
    from goport.discover import rel_path_of

    rel = rel_path_of(module.resolve().relative_to(Path(result.root)).parts)
    match = next((c for c in result.candidates if c.rel_path == rel), None)
    if match is None:
        decided = next((d for d in result.decided if d.rel_path == rel), None)
        apart = next((a for a in result.set_apart if a.rel_path == rel), None)
        err = next((e for e in result.errors if e.rel_path == rel), None)
        if decided is not None:
            _say(f"{rel}: decided, kept in Python ({decided.reason}).", err=False)
            return
        if apart is not None:
            from goport.kinds import include_name

            _say(
                f"{rel}: set apart from the ranking as {apart.kind.value} code ({apart.reason}); "
                f"--include {include_name(apart.kind)} ranks and explains it.",
                err=False,
            )
            return
        if err is not None:
            raise InputError(f"{rel}: could not be analysed ({err.stage}): {err.message}")
        raise InputError(f"{rel}: not a candidate (a test module, excluded, or ignored)")
    if fmt is Format.JSON:
        _write(dumps(json_report.candidate(match), indent=2) + "\n", None)
    else:
        from goport.roadmap.cli import plan_line

        options = Options(color=_use_color(sys.stdout), width=_width(), verbose=verbose)
        _write(render_explain(match, options), None)
        _say(plan_line(result, config, rel), err=False)


baseline_app = typer.Typer(
    help="Record today's findings so later scans (--baseline FILE) report only what is new.",
    no_args_is_help=True,
)
app.add_typer(baseline_app, name="baseline")


@baseline_app.command("write")
def baseline_write(
    file: Annotated[Path, typer.Argument(help="The baseline file to write (commit it).")],
    paths: PathsArg = None,
    exclude: ExcludeOpt = [],  # noqa: B006
    select: SelectOpt = [],  # noqa: B006
    ignore: IgnoreOpt = [],  # noqa: B006
    cache_dir: CacheDirOpt = None,
    no_cache: NoCacheOpt = False,
    no_history: NoHistoryOpt = False,
    no_config: NoConfigOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Write a baseline of every candidate's score and findings.

    Example: goport baseline write .goport-baseline.json ; goport scan . --baseline .goport-baseline.json
    """
    from goport.baseline import document

    _logging(quiet, False)
    config = _build_config(
        paths or [Path(".")],
        None,
        exclude=exclude,
        select=select,
        ignore=ignore,
        top=None,
        min_score=None,
        jobs=None,
        cache_dir=cache_dir,
        no_cache=no_cache,
        no_history=no_history,
        no_config=no_config,
        max_file_size=None,
        extra={"top": 0, "min_score": None},  # every candidate, whatever the project sets
    )
    result = _run(config, quiet)
    _write(document(result, result.candidates), file, root=Path(result.root))
    _say(f"goport: wrote {file} ({len(result.candidates)} modules)")


@app.command(
    "profile",
    context_settings={"allow_interspersed_args": False},
)
def profile_cmd(
    command: Annotated[
        list[str] | None, typer.Argument(help="The command to run under py-spy, after --.")
    ] = None,
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Where to write the profile.")
    ] = Path("goport-profile.json"),
    pid: Annotated[
        int | None, typer.Option("--pid", help="Attach to this running process.")
    ] = None,
    duration: Annotated[
        float | None,
        typer.Option("--duration", "-d", min=0.1, help="Stop recording after this many seconds."),
    ] = None,
    rate: Annotated[
        int | None, typer.Option("--rate", "-r", min=1, help="Samples per second.")
    ] = None,
    subprocesses: Annotated[
        bool, typer.Option("--subprocesses", help="Also profile child processes.")
    ] = False,
    idle: Annotated[bool, typer.Option("--idle", help="Include idle (waiting) samples.")] = False,
    native: Annotated[bool, typer.Option("--native", help="Include native (C) frames.")] = False,
) -> None:
    """Record a py-spy profile of a command or a running process, for scan/explain --profile.

    Example: goport profile --output prof.json -- python -m myservice.bench --n 1000
    """
    from goport.profiles.record import record

    if (command is None) == (pid is None):
        raise UsageError("give either a command after -- or --pid PID (one of them)")
    result = record(
        output,
        command=command,
        pid=pid,
        duration=duration,
        rate=rate,
        subprocesses=subprocesses,
        idle=idle,
        native=native,
    )
    if result.summary:
        _say(f"goport: py-spy: {result.summary}")
    _say(f"goport: wrote {result.output}")
    if result.exit_code is not None:
        _say(f"goport: the profiled command exited with code {result.exit_code}")
    _say(f"goport: next: goport scan . --profile {result.output}")


class RulesFormat(str, Enum):
    TABLE = "table"
    MARKDOWN = "markdown"
    JSON = "json"


@app.command()
def rules(
    rule: Annotated[
        str | None,
        typer.Argument(help="A rule id or name (its page), or an id prefix such as GP1."),
    ] = None,
    fmt: Annotated[
        RulesFormat | None,
        typer.Option(
            "--format", "-f", help="table (default), markdown, or json; one rule: its page."
        ),
    ] = None,
) -> None:
    """The detector catalogue: id, name, category, and why it matters for a Go port.

    Example: goport rules ID (one rule) ; goport rules PREFIX (a family) ; goport rules -f json
    """
    from goport import docs
    from goport.config import unknown_rule
    from goport.detectors.registry import REGISTRY
    from goport.reports import dumps

    selected = REGISTRY if rule is None else docs.find_rules(rule)
    if not selected:
        raise UsageError(unknown_rule(rule or ""))
    import shutil

    # COLUMNS, else the terminal's width, else 80 (a pipe)
    width = shutil.get_terminal_size((80, 24)).columns
    if fmt is RulesFormat.JSON:
        _write(dumps(docs.rules_json(selected), indent=2) + "\n", None)
    elif fmt is RulesFormat.MARKDOWN:
        _write(docs.rules_markdown(selected), None)
    elif len(selected) == 1 and fmt is None:
        _write(docs.rule_page(selected[0], width), None)
    else:
        _write(docs.rules_table(_use_color(sys.stdout), width, selected), None)


def main() -> None:
    """Console-script entry point. typer handles usage errors itself (exit 2); goport's own
    errors become one line on stderr and exit 2, never a traceback."""
    from goport.isolation import clean_sys_path

    clean_sys_path()  # before anything imports lazily: never from the working folder
    try:
        app(prog_name="goport")
    except GoportError as exc:
        _say(f"goport: error: {exc}")
        sys.exit(ExitCode.USAGE)
    except KeyboardInterrupt:
        typer.echo("goport: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # a bug in goport: say so in one line, traceback on request
        if os.environ.get("GOPORT_DEBUG"):
            raise
        _say(
            f"goport: internal error: {type(exc).__name__}: {exc}. Please report "
            "it; set GOPORT_DEBUG=1 to see the traceback."
        )
        sys.exit(ExitCode.USAGE)


def _register_plan() -> None:
    """``goport plan`` lives in ``goport.roadmap.cli`` (``goport scaffold`` in
    ``goport.scaffold.cli``), which registers itself on this app; when that module is the one
    being imported first, it finishes the registration itself."""
    from goport.roadmap import cli as plan_cli
    from goport.scaffold import cli as scaffold_cli

    for command in (plan_cli, scaffold_cli):
        if hasattr(command, "register"):
            command.register(app)


_register_plan()
