"""The shared options: declared once, given to a command as one CommonOptions, and the same
Config whichever command reads them."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from goport.cliopts import _SHARED, READING, CommonOptions, shared_options


def test_every_shared_flag_is_a_field_of_common_options() -> None:
    assert {f.name for f in fields(CommonOptions)} == set(_SHARED)


def test_a_command_gets_the_flags_it_names_as_one_value() -> None:
    seen: list[CommonOptions] = []
    app = typer.Typer()

    @app.command()
    @shared_options(*READING, "weight")
    def cmd(common: CommonOptions, name: str = "x") -> None:
        seen.append(common)
        typer.echo(name)

    @app.command()
    def other() -> None:  # a second command, so typer keeps the subcommand name
        pass

    result = CliRunner().invoke(
        app, ["cmd", "--name", "y", "-e", "build/", "-e", "docs/", "--no-cache", "-w", "size=2"]
    )
    assert result.exit_code == 0, result.output
    assert result.output == "y\n"
    assert seen == [CommonOptions(exclude=("build/", "docs/"), no_cache=True, weight=("size=2",))]
    help_text = CliRunner().invoke(app, ["cmd", "--help"]).output
    assert "--exclude" in help_text and "--weight" in help_text
    assert "--profile" not in help_text  # not named: not offered


def test_an_unknown_shared_flag_is_refused() -> None:
    with pytest.raises(ValueError, match="not a shared option"):
        shared_options("exclude", "colour")


def test_the_config_carries_the_flags(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.goport]\nexclude = ["gen/"]\n')
    common = CommonOptions(exclude=("build/",), select=("gp1",), no_cache=True, no_history=True)
    config = common.config([tmp_path], top=0)
    assert config.root == tmp_path.resolve()
    assert config.exclude == ("gen/", "build/")  # the project's, then the flag's
    assert config.select == ("GP1",)
    assert (config.use_cache, config.history, config.top) == (False, False, 0)
    ignored = CommonOptions(exclude=("build/",), no_config=True).config([tmp_path])
    assert ignored.exclude == ("build/",)
