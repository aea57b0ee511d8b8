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
from goport.choices import Include
from goport.cli import (
    CacheDirOpt,
    ExcludeOpt,
    IgnoreOpt,
    IncludeOpt,
    JobsOpt,
    MaxSizeOpt,
    NoCacheOpt,
    NoConfigOpt,
    NoHistoryOpt,
    ProfileOpt,
    ProfileRootOpt,
    QuietOpt,
    SelectOpt,
    VerboseOpt,
    WeightOpt,
)
from goport.text import printable

if TYPE_CHECKING:  # the analysis and the generator load when the command runs
    from goport.config import Config
    from goport.scaffold.model import GoPackage


def scaffold(
    module: Annotated[
        str | None,
        typer.Argument(help="The module to scaffold: a dotted name or a path to its .py file."),
    ] = None,
    out: Annotated[
        Path,
        typer.Option("--out", "-o", help="The folder to write the Go module into."),
    ] = ...,  # type: ignore[assignment]  # typer: a required option
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
    exclude: ExcludeOpt = [],  # noqa: B006 - typer reads the default, never mutates it
    select: SelectOpt = [],  # noqa: B006
    ignore: IgnoreOpt = [],  # noqa: B006
    jobs: JobsOpt = None,
    cache_dir: CacheDirOpt = None,
    no_cache: NoCacheOpt = False,
    no_history: NoHistoryOpt = False,
    no_config: NoConfigOpt = False,
    max_file_size: MaxSizeOpt = None,
    profile: ProfileOpt = [],  # noqa: B006
    profile_root: ProfileRootOpt = [],  # noqa: B006
    include: IncludeOpt = [],  # noqa: B006
    weight: WeightOpt = [],  # noqa: B006
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """A Go module for a step of the plan (the analysis and options of goport plan): stubs
    with the plan's Go signatures, the call protocol of the Python shim, a test replaying the
    golden cases of goport capture, and the command the strategy needs. Builds offline.

    Example: goport scaffold mypkg.tokenizer --out goport-port
    """
    from goport.roadmap.cli import make_plan
    from goport.roadmap.roadmap import reader
    from goport.scaffold.steps import packages, pick
    from goport.scaffold.write import write

    _cli._logging(quiet, verbose)
    where, rules = root or _project_of(module), (select, ignore)
    profiles, skip = (profile, profile_root), (no_cache, no_history, no_config)
    config = _config(
        where, exclude, rules, jobs, cache_dir, skip, max_file_size, profiles, include, weight
    )
    result = _cli._run(config, quiet, with_facts=True)
    steps = pick(make_plan(result, config, detail=False), result, module, every=every)
    scanned = Path(result.root).resolve()
    made = packages(result, steps, reader(scanned, config.max_file_size))
    write(out, made, scanned.name, root=scanned, force=force)
    _report(made, out)


def _config(
    root: Path,
    exclude: list[str],
    rules: tuple[list[str], list[str]],
    jobs: int | None,
    cache_dir: Path | None,
    skip: tuple[bool, bool, bool],
    max_file_size: int | None,
    profiles: tuple[list[Path], list[str]],
    include: list[Include],
    weight: list[str],
) -> Config:
    """The config ``goport plan`` builds, so the steps are the plan's: every candidate,
    under the weights scan uses."""
    no_cache, no_history, no_config = skip
    return _cli._build_config(
        [root],
        None,
        exclude=exclude,
        select=rules[0],
        ignore=rules[1],
        top=None,
        min_score=None,
        jobs=jobs,
        cache_dir=cache_dir,
        no_cache=no_cache,
        no_history=no_history,
        no_config=no_config,
        max_file_size=max_file_size,
        profiles=profiles[0],
        profile_roots=profiles[1],
        include=include,
        extra={"top": 0, "min_score": None, "weights": tuple(weight) or None},
    )


def _project_of(module: str | None) -> Path:
    """The project a module path belongs to; the current folder's for a dotted name."""
    from goport.discover import project_root

    named = Path(module) if module and (module.endswith(".py") or "/" in module) else None
    return project_root(named.parent if named else Path.cwd())


def _report(made: Sequence[GoPackage], out: Path) -> None:
    for pkg in made:
        modules = ", ".join(rel for _m, rel in pkg.modules)
        _cli._say(
            f"goport: step {pkg.step} ({pkg.strategy.value}) {modules} -> "
            f"{out / pkg.name} ({len(pkg.funcs)} function(s)); cmd/{pkg.name} serves it",
            err=False,
        )
    _cli._say(
        f"goport: next: cd {printable(str(out))} && go vet ./... && go test ./... "
        f"(golden cases: goport capture --out {printable(str(out))} -- python -m pytest)",
        err=False,
    )


def register(app: typer.Typer) -> None:
    """Add ``goport scaffold`` to ``app`` once."""
    if not any(c.name == "scaffold" for c in app.registered_commands):
        app.command("scaffold")(scaffold)


register(_cli.app)
