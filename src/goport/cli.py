"""The typer app: flags -> Config -> pipeline -> reporter -> exit code. No analysis logic here.

Exit codes: 0 ok, 1 a ``--fail-on`` gate tripped, 2 usage or input error.
"""

from __future__ import annotations

import os
import sys
from enum import Enum, IntEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from goport import __version__
from goport.cache_cli import app as cache_app
from goport.cliio import run_analysis, say, setup_logging, use_color, width, write_report
from goport.cliopts import (
    RANKING,
    READING,
    BaselineOpt,
    CommonOptions,
    DiffBaseOpt,
    FailOnNewOpt,
    FailOnOpt,
    LegendOpt,
    MinScoreOpt,
    OutputOpt,
    PathsArg,
    QuietOpt,
    RootOpt,
    ScanFormatOpt,
    TopOpt,
    VerboseOpt,
    shared_options,
)
from goport.errors import GoportError, InputError, UsageError
from goport.reports import Format, Options
from goport.safeio import is_within
from goport.text import inert_lines, printable

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


@app.command()
@shared_options(*READING, "max_file_size", *RANKING)
def scan(
    common: CommonOptions,
    paths: PathsArg = None,
    fmt: ScanFormatOpt = None,
    output: OutputOpt = None,
    top: TopOpt = None,
    min_score: MinScoreOpt = None,
    root: RootOpt = None,
    diff_base: DiffBaseOpt = None,
    fail_on: FailOnOpt = None,
    fail_on_new: FailOnNewOpt = None,
    baseline: BaselineOpt = None,
    legend: LegendOpt = None,
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
    setup_logging(quiet, verbose)
    config = common.config(
        paths or [Path(".")],
        root,
        top=top,
        min_score=min_score,
        diff_base=diff_base,
        fail_on=fail_on,
        fail_on_new=fail_on_new,
        baseline=baseline,
    )
    # the Next hint reads the kind of a file in a named folder; the HTML report, the plan
    result = run_analysis(config, quiet, with_facts=bool(config.paths) or fmt is Format.HTML)
    text = _scan_report(result, config, fmt, output, legend=legend, verbose=verbose)
    write_report(text, output, root=Path(result.root))
    if result.gate is not None and result.gate.tripped:
        for reason in result.gate.reasons:
            say(f"goport: gate: {reason}")
        raise typer.Exit(ExitCode.GATE)


def _scan_report(
    result: RunResult,
    config: Config,
    fmt: Format | None,
    output: Path | None,
    *,
    legend: bool | None,
    verbose: bool,
) -> str:
    """The report in ``fmt`` (default: a table on a terminal or for a file, text lines when
    piped), laid out for where it goes."""
    from goport.reports import render

    if fmt is None:  # as ruff and pip do: a table for people, plain lines for pipes
        fmt = Format.TERMINAL if output is not None or sys.stdout.isatty() else Format.TEXT
    color = fmt is Format.TERMINAL and output is None and use_color(sys.stdout)
    summary_file = os.environ.get("GITHUB_STEP_SUMMARY") if fmt is Format.GITHUB else None
    prefix = ""
    if fmt in (Format.GITHUB, Format.GITLAB, Format.SARIF):
        from goport.diff import repo_prefix

        prefix = repo_prefix(Path(result.root))
    options = Options(
        color=color,
        width=width() if output is None else None,
        verbose=verbose,
        legend=legend if legend is not None else output is None and sys.stdout.isatty(),
        step_summary=Path(summary_file) if summary_file else None,
        path_prefix=prefix,
        explain_command=_explain_command(result),
        max_file_size=config.max_file_size,
    )
    if fmt is Format.HTML:  # with each candidate's place in the plan
        from goport.roadmap.cli import html_report

        text = html_report(result, config, options)
    else:
        text = render(fmt, result, options)
    if fmt in (Format.MARKDOWN, Format.HTML) and output is None:
        # on stdout the document is a CI log line by line (terminal and github output are made
        # inert by their reporters; written to a file or the step summary it is not parsed)
        text = inert_lines(text)
    return text


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


class ExplainFormat(str, Enum):
    """What ``goport explain`` writes: the terminal view, or the candidate's JSON object (the
    report formats, HTML among them, are ``goport scan``'s)."""

    TERMINAL = "terminal"
    JSON = "json"


@app.command()
@shared_options(*READING, *RANKING)
def explain(
    common: CommonOptions,
    module: Annotated[Path, typer.Argument(help="The module to explain: a path to a .py file.")],
    root: Annotated[
        Path | None,
        typer.Option("--root", help="Project root (default: found from the module's folders)."),
    ] = None,
    fmt: Annotated[
        ExplainFormat, typer.Option("--format", "-f", help="Output format.")
    ] = ExplainFormat.TERMINAL,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Every factor, finding, hot function and Go idiom behind one module's score.

    The whole project is analysed (from the cache when warm) so that coupling and rank are real.

    Example: goport explain src/app/tokenizer.py
    """
    from goport.reports import dumps, json_report
    from goport.reports.terminal import render_explain

    setup_logging(quiet, verbose)
    if not module.is_file():
        raise InputError(f"{module}: no such Python file")
    from goport.discover import project_root

    project = root or project_root(module)
    if not is_within(module.resolve(), project.resolve()):
        where = "a symbolic link out of" if module.is_symlink() else "outside"
        raise InputError(
            f"{printable(str(module))}: {where} the project root {printable(str(project))}; "
            "give --root a folder that holds it"
        )
    config = common.config([project])
    result = run_analysis(config, quiet, with_facts=True)  # the plan line reads the facts
    from goport.discover import rel_path_of

    rel = rel_path_of(module.resolve().relative_to(Path(result.root)).parts)
    match = next((c for c in result.candidates if c.rel_path == rel), None)
    if match is None:
        say(_not_ranked(result, rel), err=False)
        return
    if fmt is ExplainFormat.JSON:
        write_report(dumps(json_report.candidate(match), indent=2) + "\n", None)
    else:
        from goport.roadmap.cli import plan_line

        options = Options(color=use_color(sys.stdout), width=width(), verbose=verbose)
        write_report(render_explain(match, options), None)
        say(plan_line(result, config, rel), err=False)


def _not_ranked(result: RunResult, rel: str) -> str:
    """Why ``rel`` has no explanation: decided, set apart, or (an input error) not analysed."""
    decided = next((d for d in result.decided if d.rel_path == rel), None)
    if decided is not None:
        return f"{rel}: decided, kept in Python ({decided.reason})."
    apart = next((a for a in result.set_apart if a.rel_path == rel), None)
    if apart is not None:
        from goport.kinds import include_name

        return (
            f"{rel}: set apart from the ranking as {apart.kind.value} code ({apart.reason}); "
            f"--include {include_name(apart.kind)} ranks and explains it."
        )
    err = next((e for e in result.errors if e.rel_path == rel), None)
    if err is not None:
        raise InputError(f"{rel}: could not be analysed ({err.stage}): {err.message}")
    raise InputError(f"{rel}: not a candidate (a test module, excluded, or ignored)")


baseline_app = typer.Typer(
    help="Record today's findings so later scans (--baseline FILE) report only what is new.",
    no_args_is_help=True,
)
app.add_typer(baseline_app, name="baseline")


@baseline_app.command("write")
@shared_options("exclude", "select", "ignore", "cache_dir", "no_cache", "no_history", "no_config")
def baseline_write(
    common: CommonOptions,
    file: Annotated[Path, typer.Argument(help="The baseline file to write (commit it).")],
    paths: PathsArg = None,
    quiet: QuietOpt = False,
) -> None:
    """Write a baseline of every candidate's score and findings.

    Example: goport baseline write .goport-baseline.json ; goport scan . --baseline .goport-baseline.json
    """
    from goport.baseline import document

    setup_logging(quiet, False)
    config = common.config(
        paths or [Path(".")], top=0
    )  # every candidate, whatever the project sets
    result = run_analysis(config, quiet)
    write_report(document(result, result.candidates), file, root=Path(result.root))
    say(f"goport: wrote {file} ({len(result.candidates)} modules)")


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
        say(f"goport: py-spy: {result.summary}")
    say(f"goport: wrote {result.output}")
    if result.exit_code is not None:
        say(f"goport: the profiled command exited with code {result.exit_code}")
    say(f"goport: next: goport scan . --profile {result.output}")


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
        write_report(dumps(docs.rules_json(selected), indent=2) + "\n", None)
    elif fmt is RulesFormat.MARKDOWN:
        write_report(docs.rules_markdown(selected), None)
    elif len(selected) == 1 and fmt is None:
        write_report(docs.rule_page(selected[0], width), None)
    else:
        write_report(docs.rules_table(use_color(sys.stdout), width, selected), None)


def main() -> None:
    """Console-script entry point. typer handles usage errors itself (exit 2); goport's own
    errors become one line on stderr and exit 2, never a traceback."""
    from goport.isolation import clean_sys_path

    clean_sys_path()  # before anything imports lazily: never from the working folder
    try:
        app(prog_name="goport")
    except GoportError as exc:
        say(f"goport: error: {exc}")
        sys.exit(ExitCode.USAGE)
    except KeyboardInterrupt:
        typer.echo("goport: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # a bug in goport: say so in one line, traceback on request
        if os.environ.get("GOPORT_DEBUG"):
            raise
        say(
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
    from goport.capture import cli as _capture_cli  # noqa: F401 - registers capture and shim


_register_plan()
