"""The one way goport runs git: ``run()``, with every way a repository can make git run a
command switched off.

The scanned repository is hostile input, and so is its ``.git/config``: several settings name a
program that git runs while doing something as innocent as listing or diffing. goport only
reads objects and refs, so it turns each of them off on every call (command-line ``-c`` and
environment settings win over every configuration file):

``-c core.fsmonitor=false``
    the file-system monitor hook runs whenever the index is refreshed (``git diff`` against the
    work tree, ``git status``).
``-c core.hooksPath=/dev/null``
    no hook can be found, so none runs (e.g. ``post-index-change`` after an index write).
``-c diff.external=`` and ``--no-ext-diff`` (on ``log``/``diff``)
    an external diff program, from the config or from a ``diff=<driver>`` attribute.
``--no-textconv`` (on ``log``/``diff``)
    textconv drivers (``diff.<driver>.textconv`` + ``.gitattributes``): ``git log --numstat``
    runs them by default.
``-c log.showSignature=false`` and ``-c gpg.program=`` (and its ssh/x509 forms)
    ``git log`` verifies signatures with ``gpg.program`` when showSignature is set; an empty
    program cannot be started even if something asked for a signature.
``-c safe.bareRepository=explicit``
    a scanned folder that merely looks like a bare repository (``HEAD``, ``objects/``,
    ``refs/``, ``config``) is not used as one, so its config is never read.
``-c core.pager=cat``, ``--no-pager``, ``GIT_PAGER=cat``
    no pager program (``core.pager`` is repository config).
``-c core.untrackedCache=false``, ``GIT_OPTIONAL_LOCKS=0``
    git writes nothing (no index refresh written back, so no ``post-index-change`` either).
``-c color.ui=false``
    output is parsed: no colour codes.
clean/smudge/process filters
    not overridable one by one without reading the config first, so goport never runs a
    command that applies them: it reads trees and blobs (``ls-tree``, ``cat-file --batch``,
    ``log --numstat`` between commits) and never compares git objects with the work tree
    (no ``git diff`` against the work tree, ``status``, ``hash-object`` or ``add``).
``GIT_CONFIG_NOSYSTEM=1``, ``GIT_TERMINAL_PROMPT=0``, ``GIT_EXTERNAL_DIFF`` removed
    no system config, never a credential prompt, no external diff from the environment.
``GIT_NO_LAZY_FETCH=1``, ``GIT_ALLOW_PROTOCOL=none``, ``-c protocol.allow=never``
    no network and no transport at all: a repository configured as a partial clone would
    otherwise fetch a missing object by itself in ``log`` or ``cat-file`` and run whatever its
    config names for that (``remote.*.uploadpack``, ``core.sshCommand``, an ``ext::`` URL).
    The first is git 2.44+; the other two close the same door on every version.
``-c log.mailmap=false``, ``-c mailmap.file=``, ``-c mailmap.blob=``
    no mailmap is read (a ``.mailmap`` FIFO in the tree would block ``log``).
stdin is ``/dev/null`` unless input is given, and every call has a timeout.

git itself is looked up in the absolute folders of ``PATH`` only: a relative entry (``.``, or an
empty one) would find a ``git`` planted in the scanned tree when goport runs from its top.
Callers pass refs from the user only after validating them (see ``diff.resolve``) and end
options with ``--`` before paths.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from goport.errors import InputError, ToolMissingError
from goport.text import printable

#: seconds one git call may take (a full ``git log`` of a large repository is the slowest)
TIMEOUT = 300.0

SAFE_CONFIG = (
    "core.fsmonitor=false",
    "core.hooksPath=/dev/null",
    "core.pager=cat",
    "core.untrackedCache=false",
    "diff.external=",
    "log.showSignature=false",
    "gpg.program=",
    "gpg.ssh.program=",
    "gpg.x509.program=",
    "safe.bareRepository=explicit",
    "color.ui=false",
    "protocol.allow=never",
    "log.mailmap=false",
    "mailmap.file=",
    "mailmap.blob=",
)

#: options each subcommand gets right after its name: those that compute diffs must never run
#: a diff or textconv driver
_PER_COMMAND: dict[str, tuple[str, ...]] = {
    "log": ("--no-ext-diff", "--no-textconv", "--no-color"),
    "diff": ("--no-ext-diff", "--no-textconv", "--no-color"),
    "show": ("--no-ext-diff", "--no-textconv", "--no-color"),
}

_ENV_SET = {
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_TERMINAL_PROMPT": "0",
    "GIT_OPTIONAL_LOCKS": "0",
    "GIT_PAGER": "cat",
    "PAGER": "cat",
    "GIT_NO_LAZY_FETCH": "1",
    "GIT_ALLOW_PROTOCOL": "none",
}
_ENV_DROP = ("GIT_EXTERNAL_DIFF",)


def executable() -> str | None:
    """The absolute path of git, from the absolute folders of ``PATH`` only."""
    folders = [p for p in os.environ.get("PATH", os.defpath).split(os.pathsep) if os.path.isabs(p)]
    return shutil.which("git", path=os.pathsep.join(folders)) if folders else None


def command(git: str, root: Path, subcommand: str, *args: str) -> list[str]:
    """The full argv for ``git SUBCOMMAND ARGS`` in ``root`` with every safety option."""
    config = [item for setting in SAFE_CONFIG for item in ("-c", setting)]
    return [
        git,
        "--no-pager",
        *config,
        "-C",
        str(root),
        subcommand,
        *_PER_COMMAND.get(subcommand, ()),
        *args,
    ]


def environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _ENV_DROP}
    env.update(_ENV_SET)
    return env


def run(
    root: Path,
    subcommand: str,
    *args: str,
    input_: bytes | None = None,
    timeout: float = TIMEOUT,
) -> bytes:
    """Run ``git SUBCOMMAND ARGS`` in ``root`` safely and return its standard output.

    Raises ``ToolMissingError`` when git is not installed, ``InputError`` naming the command
    when it fails or takes longer than ``timeout`` seconds.
    """
    git = executable()
    if git is None:
        raise ToolMissingError("git is not installed (no git found on PATH)")
    argv = command(git, root, subcommand, *args)
    try:
        proc = subprocess.run(
            argv,
            input=input_,
            stdin=subprocess.DEVNULL if input_ is None else None,
            capture_output=True,
            env=environment(),
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise InputError(f"git {subcommand} did not finish within {timeout:g} s") from exc
    except OSError as exc:
        raise ToolMissingError(f"git could not be started ({exc.strerror or exc})") from exc
    if proc.returncode != 0:
        lines = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        why = printable(lines[-1]) if lines else f"exit status {proc.returncode}"
        raise InputError(f"git {subcommand} failed: {why}")
    return proc.stdout
