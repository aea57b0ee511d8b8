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


def run_goport_tty(
    *args: str | os.PathLike[str],
    cwd: Path,
    tty: str,
    columns: int = 100,
    env: Mapping[str, str] | None = None,
) -> tuple[int, bytes, bytes]:
    """The console script with ``tty`` ("stdout" or "stderr") on a pseudo-terminal of
    ``columns`` columns, the other stream on a pipe and no COLUMNS in the environment, as in
    an interactive shell; (exit code, stdout, stderr)."""
    import fcntl
    import pty
    import struct
    import termios
    import threading

    full_env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("FORCE_COLOR", "NO_COLOR", "COLUMNS", "LINES", "GITHUB_STEP_SUMMARY")
    }
    full_env.update({"TERM": "xterm-256color", **(env or {})})
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    proc = subprocess.Popen(
        [GOPORT, *map(str, args)],
        cwd=cwd,
        env=full_env,
        stdin=subprocess.DEVNULL,
        stdout=slave if tty == "stdout" else subprocess.PIPE,
        stderr=slave if tty == "stderr" else subprocess.PIPE,
    )
    os.close(slave)
    pipe = proc.stdout if tty == "stderr" else proc.stderr
    assert pipe is not None
    piped_out: list[bytes] = []
    reader = threading.Thread(target=lambda: piped_out.append(pipe.read()))
    reader.start()
    seen: list[bytes] = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the terminal's last writer is gone
            break
        if not chunk:
            break
        seen.append(chunk)
    os.close(master)
    code = proc.wait(timeout=120)
    reader.join(timeout=120)
    on_tty = b"".join(seen).replace(b"\r\n", b"\n")
    other = b"".join(piped_out)
    return (code, on_tty, other) if tty == "stdout" else (code, other, on_tty)
