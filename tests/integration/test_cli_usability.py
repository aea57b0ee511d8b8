"""What a new user meets first, through the real CLI: the suggested next command, the project
root found from any folder, selectors and weight names, the rule pages, shell completion."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

Goport = Callable[..., subprocess.CompletedProcess[str]]
GOPORT = str(Path(sys.executable).with_name("goport"))


def _ok(result: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert result.returncode == 0, f"exit {result.returncode}\nstderr:\n{result.stderr}"
    assert "Traceback" not in result.stderr
    return result


def _usage(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, f"exit {result.returncode}\nstderr:\n{result.stderr}"
    assert "Traceback" not in result.stderr + result.stdout
    return result.stderr


# -- shell completion ----------------------------------------------------------------------------


def _in_shell(shell: str, command: str) -> subprocess.CompletedProcess[str]:
    """``command`` run by ``shell`` as a child (``; true`` keeps the shell from exec'ing it),
    so that completion finds the shell it runs under, as it does for a user."""
    env = {**os.environ, "PATH": f"{Path(GOPORT).parent}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run(
        [shell, "-c", f"{command}; true"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("shell", "expected"),
    [
        pytest.param("bash", "complete -o default -F _goport_completion goport", id="bash"),
        pytest.param("zsh", "compdef _goport_completion goport", id="zsh"),
        pytest.param("fish", "complete --command goport", id="fish"),
    ],
)
def test_show_completion_prints_the_script_for_the_users_shell(shell: str, expected: str) -> None:
    if shutil.which(shell) is None:
        pytest.skip(f"{shell} is not installed here")
    result = _in_shell(shell, "goport --show-completion")
    assert result.returncode == 0, result.stderr
    assert expected in result.stdout


def test_completion_completes_commands_and_options() -> None:
    """The script only calls back into goport: check what goport answers it."""

    def complete(words: str) -> list[str]:
        env = {
            **os.environ,
            "_GOPORT_COMPLETE": "complete_bash",
            "COMP_WORDS": words,
            "COMP_CWORD": str(len(words.split()) - 1),
        }
        result = subprocess.run(
            [GOPORT], env=env, capture_output=True, text=True, timeout=60, check=False
        )
        assert result.returncode == 0, result.stderr
        return result.stdout.split()

    assert complete("goport sc") == ["scan"]
    assert "--format" in complete("goport scan --for")
    assert complete("goport scan --format sa") == ["sarif"]
