"""``goport plan``: the command, registered on goport's typer app (``register``).

It reads the same config, cache and ``--profile`` as ``goport scan`` (the same option helpers),
runs the pipeline once, and builds the plan from its result. ``goport explain`` shows where a
module is in the plan through ``plan_line``.
"""

from __future__ import annotations

import os
import re
import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from goport import cli as _cli
from goport.cliio import run_analysis, say, setup_logging, use_color, width, write_report
from goport.cliopts import (
    RANKING,
    READING,
    CommonOptions,
    PathsArg,
    QuietOpt,
    RootOpt,
    VerboseOpt,
    shared_options,
)
from goport.errors import InputError
from goport.reports import Options
from goport.text import inert_lines, printable

if TYPE_CHECKING:  # the analysis loads when the command runs, not with the CLI
    from goport.config import Config
    from goport.model import RunResult
    from goport.roadmap.roadmap import Plan

#: a contract file name the plan writes: one plain name, no folder, no leading dot
_SAFE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,120}")


class PlanFormat(str, Enum):
    TERMINAL = "terminal"
    MARKDOWN = "markdown"
    JSON = "json"
    HTML = "html"


def changesets(config: Config, root: Path) -> tuple[tuple[tuple[str, ...], ...], list[str]]:
    """The commits' Python files for temporal coupling (none with --no-history), and notes."""
    if not config.history:
        return (), ["git history not read (--no-history): no co-change grouping"]
    from goport.history import changesets as read_changesets

    sets, note = read_changesets(root)
    # history's note ends with what it means for churn; here it means no co-change grouping
    return sets, [] if note is None else [f"no co-change grouping: {note.split(';')[0]}"]


def make_plan(result: RunResult, config: Config, *, detail: bool = True) -> Plan:
    from goport.roadmap.roadmap import build, reader

    root = Path(result.root)
    sets, notes = changesets(config, root)
    return build(
        result,
        named=bool(config.paths),
        changesets=sets,
        read=reader(root, config.max_file_size) if detail else None,
        detail=detail,
        notes=notes,
    )


def html_report(
    result: RunResult, config: Config, options: Options, made: Plan | None = None
) -> str:
    """The HTML report with the plan ``goport plan`` made, or for ``goport scan``, each
    candidate's place in the plan (made here without its risks and contracts, which read the
    sources again)."""
    from goport.reports.html import render

    return render(
        result, options, made if made is not None else make_plan(result, config, detail=False)
    )


def plan_line(result: RunResult, config: Config, rel_path: str) -> str:
    """Where ``rel_path`` is in the project's plan, for ``goport explain``."""
    plan = make_plan(result, config, detail=False)
    step = plan.step_of(rel_path)
    if step is not None:
        return f"Plan: step {step.number} of {len(plan.steps)} (wave {step.wave}) — goport plan"
    needing = [s.number for s in plan.steps for seam in s.seams if rel_path in seam.between]
    if needing:
        steps = ", ".join(str(n) for n in sorted(set(needing)))
        return f"Plan: stays in Python; step(s) {steps} need a seam to it — goport plan"
    return "Plan: not in the plan (it stays in Python) — goport plan"


def write_contracts(plan: Plan, folder: Path, root: Path) -> list[Path]:
    """Every step's contract files in ``folder`` (the path the user gave): a link at the folder
    or on the way to it out of the scanned tree is refused, a link at a file replaced."""
    from goport.safeio import check_inside, write_atomic

    if os.path.islink(folder):
        raise InputError(
            f"{printable(str(folder))}: a symbolic link; give a real folder for --contracts"
        )
    if os.path.lexists(folder) and not folder.is_dir():
        raise InputError(f"{printable(str(folder))}: not a folder")
    check_inside(folder / "contract", root)
    written: list[Path] = []
    seen: set[str] = set()
    for number, contract in plan.contracts:
        name = contract.filename
        if not _SAFE_NAME.fullmatch(name) or ".." in name:
            raise InputError(f"contract file name {printable(name)!r} is not a plain file name")
        if name in seen:
            name = f"step{number}_{name}"
        seen.add(name)
        target = folder / name
        write_atomic(target, contract.text.encode("utf-8"), root=root)
        written.append(target)
    return written


@shared_options(*READING, "max_file_size", *RANKING)
def plan(
    common: CommonOptions,
    paths: PathsArg = None,
    fmt: Annotated[
        PlanFormat, typer.Option("--format", "-f", help="Output format.")
    ] = PlanFormat.TERMINAL,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the plan to this file.")
    ] = None,
    contracts: Annotated[
        Path | None,
        typer.Option("--contracts", help="Write every step's contract file into this folder."),
    ] = None,
    root: RootOpt = None,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """An ordered migration roadmap: what moves to Go in which order, behind which seams, for
    what expected gain, with which risks and boundary contracts.

    By default the plan moves the project's Go candidates; name .py files to plan only those.
    Modules in an import cycle, or that change together in git history, move as one step or get
    an explicit seam.

    Example: goport plan . --format markdown --output PLAN.md --contracts contracts/
    """
    from goport.roadmap.render import render_json, render_markdown, render_terminal

    setup_logging(quiet, verbose)
    config = common.config(paths or [Path(".")], root, top=0)  # every candidate
    result = run_analysis(config, quiet, with_facts=True)
    made = make_plan(result, config)
    scanned = Path(result.root)
    if fmt is PlanFormat.JSON:
        text = render_json(made)
    elif fmt in (PlanFormat.MARKDOWN, PlanFormat.HTML):
        if fmt is PlanFormat.HTML:
            options = Options(max_file_size=config.max_file_size)
            text = html_report(result, config, options, made)
        else:
            text = render_markdown(made)
        if output is None:
            text = inert_lines(text)
    else:
        color = output is None and use_color(sys.stdout)
        shown = width() if output is None else None
        text = render_terminal(made, Options(color=color, width=shown or 80, verbose=verbose))
    write_report(text, output, root=scanned)
    if contracts is not None:
        written = write_contracts(made, contracts, scanned.resolve())
        say(f"goport: wrote {len(written)} contract file(s) to {contracts}")


def register(app: typer.Typer) -> None:
    """Add ``goport plan`` to ``app`` once, whichever module is imported first."""
    if not any(c.name == "plan" for c in app.registered_commands):
        app.command("plan")(plan)


register(_cli.app)
