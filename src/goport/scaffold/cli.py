"""``goport scaffold``: the command, registered on goport's typer app (``register``).

It runs the analysis ``goport plan`` runs (same config, cache and options), picks the step
that moves the module the user names (or every step with ``--all``) and writes a Go module
for it: one package per step, with stubs, the call protocol, the golden-case test and the
command its strategy needs. It writes only under ``--out``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from goport import cli as _cli
from goport.cliio import run_analysis, say, setup_logging
from goport.cliopts import RANKING, READING, CommonOptions, QuietOpt, VerboseOpt, shared_options
from goport.text import printable

if TYPE_CHECKING:  # the analysis and the generator load when the command runs
    from goport.scaffold.model import GoPackage


@shared_options(*READING, "max_file_size", *RANKING)
def scaffold(
    common: CommonOptions,
    module: Annotated[
        str | None,
        typer.Argument(help="The module to scaffold: a dotted name or a path to its .py file."),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="The port's folder, where goport capture puts the golden cases too (default: "
            "./goport-port, or <project>-goport beside the project when run inside it).",
        ),
    ] = None,
    every: Annotated[
        bool, typer.Option("--all", help="Scaffold every step of the plan (every Go candidate).")
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite an existing impl.go (the file you edit).")
    ] = False,
    root: Annotated[
        Path | None,
        typer.Option("--root", help="Project root (default: the project of the current folder)."),
    ] = None,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """A Go module for a step of the plan (the analysis and options of goport plan): stubs
    with the plan's Go signatures, the call protocol of the Python shim, a test replaying the
    golden cases of goport capture, and the command the strategy needs. Builds offline.

    Example: goport scaffold mypkg.tokenizer --out goport-port
    """
    from goport.capture.cli import default_out
    from goport.roadmap.cli import make_plan
    from goport.roadmap.roadmap import reader
    from goport.scaffold.steps import packages, pick
    from goport.scaffold.write import write

    setup_logging(quiet, verbose)
    # the config goport plan builds, so the steps are the plan's: every candidate
    config = common.config([root or _project_of(module)], top=0)
    result = run_analysis(config, quiet, with_facts=True)
    steps = pick(make_plan(result, config, detail=False), result, module, every=every)
    scanned = Path(result.root).resolve()
    made = packages(result, steps, reader(scanned, config.max_file_size))
    folder = out if out is not None else default_out(scanned, Path.cwd())
    write(folder, made, scanned.name, root=scanned, force=force)
    _report(made, folder)


def _project_of(module: str | None) -> Path:
    """The project a module path belongs to; the current folder's for a dotted name."""
    from goport.discover import project_root

    named = Path(module) if module and (module.endswith(".py") or "/" in module) else None
    return project_root(named.parent if named else Path.cwd())


def _report(made: Sequence[GoPackage], out: Path) -> None:
    for pkg in made:
        modules = ", ".join(rel for _m, rel in pkg.modules)
        say(
            f"goport: step {pkg.step} ({pkg.strategy.value}) {modules} -> "
            f"{out / pkg.name} ({len(pkg.funcs)} function(s)); cmd/{pkg.name} serves it",
            err=False,
        )
    say(
        f"goport: next: cd {printable(str(out))} && go vet ./... && go test ./... "
        f"(golden cases: goport capture --out {printable(str(out))} -- python -m pytest)",
        err=False,
    )


def register(app: typer.Typer) -> None:
    """Add ``goport scaffold`` to ``app`` once."""
    if not any(c.name == "scaffold" for c in app.registered_commands):
        app.command("scaffold")(scaffold)


register(_cli.app)
