"""``goport capture`` and ``goport shim``: the commands, registered on goport's typer app.

Both read the plan the way ``goport plan`` builds it (same config and cache, from the project
the current folder belongs to) and take its boundary functions (``targets``). Where they write:
``--out``, else ``./goport-port``, except when the current folder is the project or inside it:
then ``<project>-goport`` beside the project, so nothing lands in the scanned tree unless the
user says so. ``capture`` and ``scaffold`` use the same default, so golden cases and Go tests
meet.
"""

from __future__ import annotations

import os
import shlex
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from goport import cli as _cli
from goport.cliio import run_analysis, say, setup_logging
from goport.cliopts import READING, CommonOptions, QuietOpt, VerboseOpt, shared_options
from goport.errors import InputError, UsageError
from goport.text import printable

if TYPE_CHECKING:
    from goport.capture.targets import Boundary

DEFAULT_MAX_CASES = 50

OutOpt = Annotated[
    Path | None,
    typer.Option(
        "--out",
        help="The port's folder (default: ./goport-port, or <project>-goport beside the project "
        "when run inside it).",
    ),
]


def default_out(root: Path, cwd: Path) -> Path:
    """Where the port goes without ``--out`` (see the module's docstring), relative to ``cwd``
    (the current folder: the command resolves it there)."""
    from goport.safeio import is_within

    real_root, real_cwd = root.resolve(), cwd.resolve()
    if is_within(real_cwd, real_root):  # shown as ../<project>-goport, as the user would write it
        return Path(os.path.relpath(real_root.parent / f"{real_root.name}-goport", real_cwd))
    return Path("goport-port")


def load_boundary(
    modules: Sequence[str], common: CommonOptions, *, quiet: bool
) -> tuple[Path, Boundary]:
    """(project root, the plan's boundary functions), for the steps moving ``modules``: the
    plan ``goport plan`` makes of the project the current folder belongs to."""
    from goport.capture.targets import boundary
    from goport.roadmap.cli import make_plan
    from goport.roadmap.roadmap import reader

    config = common.config([Path(".")], top=0)  # every candidate, as plan
    result = run_analysis(config, quiet, with_facts=True)
    plan = make_plan(result, config)
    root = Path(result.root).resolve()
    return root, boundary(plan, result, reader(root, config.max_file_size), modules)


@shared_options(*READING)
def capture(
    common: CommonOptions,
    command: Annotated[
        list[str] | None,
        typer.Argument(metavar="COMMAND", help="The command to run (your tests), after --."),
    ] = None,
    out: OutOpt = None,
    module: Annotated[
        list[str],
        typer.Option("--module", "-m", help="Only the plan step moving this module (repeatable)."),
    ] = [],  # noqa: B006 - typer reads the default, never mutates it
    max_cases: Annotated[
        int, typer.Option("--max-cases", min=1, help="Cases kept per function.")
    ] = DEFAULT_MAX_CASES,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Run COMMAND (your test suite) and record what the plan's boundary functions receive and
    return, as golden cases for the Go tests and the parity test. It executes your code.

    Example: goport capture --out ../myproj-goport -- python -m pytest -x -q
    """
    from goport.capture.merge import merge, write_golden
    from goport.capture.report import render
    from goport.capture.run import parts_folder, prepare, run

    if not command:
        raise UsageError(
            "give the command to run after --, e.g. goport capture -- python -m pytest"
        )
    setup_logging(quiet, verbose)
    root, found = load_boundary(module, common, quiet=quiet)
    if not found.targets:
        raise InputError(
            "nothing to capture: the plan moves no function to Go (goport plan shows its steps)"
        )
    folder = out if out is not None else default_out(root, Path.cwd())
    shown = printable(shlex.join(command))
    say(f"goport capture runs {shown}: it executes your code")
    with tempfile.TemporaryDirectory(prefix="goport-capture-") as tmp:
        work = Path(tmp)
        status = run(command, prepare(work, found.targets, max_cases))
        captured = merge(parts_folder(work), found.targets, max_cases)
    written = write_golden(folder, captured, root=root)
    typer.echo(render(captured, written, found.left_out, status, folder / "golden"), nl=False)
    if not written:
        say(f"goport capture: nothing recorded: {_why_nothing(captured.processes, found)}")
        raise typer.Exit(_cli.ExitCode.USAGE)


def _why_nothing(processes: int, found: Boundary) -> str:
    if not processes:
        return (
            "no Python process of the command was traced. Does it run Python? A Python started "
            "with -I, -E or -S, or with its own PYTHONPATH, does not load goport's tracer."
        )
    return (
        f"none of the {len(found.targets)} boundary function(s) was called with arguments that "
        "could be recorded (see above); run tests that call them."
    )


@shared_options(*READING)
def shim(
    common: CommonOptions,
    module: Annotated[str, typer.Argument(help="The module (dotted, or its path).")],
    out: OutOpt = None,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Write a shim for MODULE (same import API; Go when GOPORT_USE_GO=1, else the original)
    and its parity test, which runs every golden case through both.

    Example: goport shim hashkit.fnv --out ../myproj-goport
    """
    from goport.capture.shim import write_shim

    setup_logging(quiet, verbose)
    root, found = load_boundary([module], common, quiet=quiet)
    path = module.replace("\\", "/").removeprefix("./")
    targets = [
        t
        for t in found.targets
        if module == t.module or path in (t.rel_path, t.rel_path.removesuffix(".py"))
    ]
    if not targets:
        raise InputError(f"{printable(module)}: no boundary function to put behind a switch")
    folder = out if out is not None else default_out(root, Path.cwd())
    written = write_shim(targets, folder, root=root)
    say(f"goport: wrote {printable(str(written[0]))} and {printable(str(written[1]))}")
    say(
        f"goport: next: GOPORT_USE_GO=1 python -m pytest {printable(str(folder / 'python'))} "
        "(from the project root, with the Go side running)"
    )


def register(app: typer.Typer) -> None:
    """Add ``goport capture`` and ``goport shim`` to ``app`` once."""
    names = {c.name for c in app.registered_commands}
    if "capture" not in names:
        app.command("capture", context_settings={"allow_interspersed_args": False})(capture)
    if "shim" not in names:
        app.command("shim")(shim)


register(_cli.app)
