"""Run the installed ``goport`` console script the way a terminal or CI job does, bytes out.

Shared by the output and workflow hardening tests, which look at the raw bytes goport writes
(escape sequences, workflow commands), so nothing is decoded on the way.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

GOPORT = str(Path(sys.executable).with_name("goport"))


def run_goport(
    *args: str | os.PathLike[str],
    cwd: Path,
    env: Mapping[str, str] | None = None,
    preexec: object = None,
) -> subprocess.CompletedProcess[bytes]:
    """The console script (it keeps the working folder off sys.path), output as bytes."""
    full_env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR")}
    full_env.pop("GITHUB_STEP_SUMMARY", None)
    full_env.update({"COLUMNS": "250", **(env or {})})
    return subprocess.run(
        [GOPORT, *map(str, args)],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        timeout=120,
        check=False,
        preexec_fn=preexec,  # type: ignore[arg-type]
    )
