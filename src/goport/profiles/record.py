"""The py-spy recorder: profile a command, or a running process, into a speedscope file.

This module owns finding py-spy, building its command line, telling its failures apart (not
installed, ptrace refused, nothing sampled) and learning the profiled command's exit code.

py-spy 0.4 exits 0 whatever the command it launched returned, and prints no exit status. So goport
starts the command itself and attaches ``py-spy record --pid`` to it at once; py-spy's own
launcher attaches by pid the same way, so the recording is the same, and the exit status is the
command's own. Differences from py-spy's launcher are kept small: under Yama ``ptrace_scope=1`` a
sibling may not trace, so the command lets a tracer in before it starts (see
``_tracer_allowance``); under ``sudo`` the command runs as the invoking user, as py-spy does it; and
when ``--duration`` ends the recording first, the command is stopped, as py-spy does it.
"""

from __future__ import annotations

import ctypes
import json
import logging
import math
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from enum import Enum
from pathlib import Path

from goport.codehash import function_hashes
from goport.errors import InputError, ProfileError, ToolMissingError, UsageError, cannot_run
from goport.profiles.readers import CODE_KEY, read_profile
from goport.safeio import read_bytes, write_atomic

__all__ = ["RecordResult", "StopReason", "find_py_spy", "py_spy_arguments", "record"]

logger = logging.getLogger(__name__)

INSTALL_HINT = 'pip install "goport[profile]" (or pip install py-spy)'

# how long a command may take to end after py-spy stopped (SIGTERM), before it is killed
_STOP_GRACE_SECONDS = 5.0
# how long py-spy may take to write its file after Ctrl-C
_WRITE_GRACE_SECONDS = 30.0

_SAMPLES = re.compile(r"Samples: (\d+) Errors: (\d+)")
_PERMISSION = re.compile(
    r"permission denied|operation not permitted|ptrace|sys_ptrace", re.IGNORECASE
)
_NOT_PYTHON = re.compile(r"failed to find (?:python version|a python interpreter)", re.IGNORECASE)
_GONE = re.compile(r"check that the process is running|no such process", re.IGNORECASE)
# py-spy chatter that says nothing about this run
_NOISE = ("Press Control-C", "Visit https://", "You can use the flamegraph.pl")

_PR_SET_PTRACER = 0x59616D61  # "Yama"
_PR_SET_PTRACER_ANY = ctypes.c_ulong(-1).value


class StopReason(str, Enum):
    """Why the recording ended."""

    EXITED = "exited"  # the command or process ended by itself
    DURATION = "duration"  # --duration elapsed (a command still running is then stopped)
    INTERRUPTED = "interrupted"  # Ctrl-C: py-spy stopped sampling and wrote what it had


@dataclass(frozen=True, slots=True)
class RecordResult:
    output: Path  # the speedscope file py-spy wrote (and goport read back)
    # the command's exit status; negative N: ended by signal N. None when attached with --pid
    # (not goport's child) or when goport stopped the command because --duration elapsed
    exit_code: int | None
    samples: int | None  # py-spy's own count ("Samples: N"), None if it printed none
    errors: int | None  # py-spy's sampling errors ("Errors: N")
    summary: str  # py-spy's closing messages, for the user
    stop_reason: StopReason = StopReason.EXITED


def find_py_spy(py_spy: str | None = None) -> str:
    """The py-spy executable: the one named, else on PATH, else next to this Python (a venv)."""
    if py_spy is not None:
        found = shutil.which(py_spy)
        if found is None:
            raise ToolMissingError(f"py-spy was not found at {py_spy}: {INSTALL_HINT}")
        return found
    found = shutil.which("py-spy")
    if found is not None:
        return found
    beside = Path(sys.executable).parent / ("py-spy.exe" if os.name == "nt" else "py-spy")
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    raise ToolMissingError(f"py-spy is not installed: {INSTALL_HINT}")


def py_spy_arguments(
    py_spy: str,
    output: Path,
    *,
    pid: int,
    duration: float | None,
    rate: int | None,
    subprocesses: bool,
    idle: bool,
    native: bool,
) -> list[str]:
    """``py-spy record`` for a pid, writing speedscope with full file names to ``output``."""
    args = [py_spy, "record", "--format", "speedscope", "--full-filenames", "-o", str(output)]
    if rate is not None:
        args += ["--rate", str(rate)]
    if duration is not None:
        # py-spy takes whole seconds only ("invalid duration" otherwise): round up
        args += ["--duration", str(max(1, math.ceil(duration)))]
    if subprocesses:
        args.append("--subprocesses")
    if idle:
        args.append("--idle")
    if native:
        args.append("--native")
    return [*args, "--pid", str(pid)]


def record(
    output: Path,
    *,
    command: Sequence[str] | None,
    pid: int | None,
    duration: float | None,
    rate: int | None,
    subprocesses: bool,
    idle: bool,
    native: bool,
    py_spy: str | None = None,
) -> RecordResult:
    """Record ``command`` (run to its end) or process ``pid`` with py-spy into ``output``.

    Raises ToolMissingError without py-spy, UsageError for wrong arguments, InputError for a
    command that cannot start or a pid that does not exist, and ProfileError when py-spy cannot
    trace (ptrace refused), fails, or records nothing.
    """
    _check_arguments(output, command, pid, duration, rate)
    executable = find_py_spy(py_spy)
    # py-spy writes into a private folder; the checked recording then replaces ``output`` (a
    # link planted at ``output`` is replaced, never written through)
    with tempfile.TemporaryDirectory(prefix="goport-profile-") as scratch:
        recording = Path(scratch) / "profile.json"

        def arguments(target: int) -> list[str]:
            return py_spy_arguments(
                executable,
                recording,
                pid=target,
                duration=duration,
                rate=rate,
                subprocesses=subprocesses,
                idle=idle,
                native=native,
            )

        try:
            if command is not None:
                result = _record_command(recording, list(command), arguments)
            elif pid is not None:  # _check_arguments lets exactly one of command and pid through
                result = _record_pid(recording, pid, arguments, stops_early=duration is not None)
            else:
                raise UsageError("nothing to profile: give a command or --pid")
        except ProfileError as exc:  # name the file the user asked for, not the scratch copy
            raise ProfileError(str(exc).replace(str(recording), str(output))) from exc
        write_atomic(output, with_code(recording.read_bytes()))
    return replace(result, output=output)


# ---- steps ------------------------------------------------------------------------------------


def _check_arguments(
    output: Path,
    command: Sequence[str] | None,
    pid: int | None,
    duration: float | None,
    rate: int | None,
) -> None:
    if (command is None) == (pid is None):
        raise UsageError("profile either a command or a running process (--pid), not both or none")
    if command is not None and not command:
        raise UsageError(
            "the command to profile is empty: goport profile -o out.json -- python app.py"
        )
    if pid is not None and pid <= 0:
        raise UsageError(f"--pid must be a positive process id, not {pid}")
    if duration is not None and not (duration > 0 and math.isfinite(duration)):
        raise UsageError(f"--duration must be a positive number of seconds, not {duration}")
    if rate is not None and rate <= 0:
        raise UsageError(f"--rate must be a positive number of samples per second, not {rate}")
    if output.is_dir():
        raise InputError(f"{output}: is a folder; name the profile file to write")
    if not output.parent.is_dir():
        raise InputError(f"{output}: the folder {output.parent} does not exist; create it first")


def _record_command(
    output: Path, command: list[str], arguments: Callable[[int], list[str]]
) -> RecordResult:
    child = _start_command(command)
    logger.info("profiling %s (pid %d) into %s", command, child.pid, output)
    try:
        returncode, out, err, interrupted = _run_py_spy(arguments(child.pid))
    except BaseException:
        _stop(child)
        raise
    # py-spy has ended: the command ended, --duration elapsed, py-spy failed, or Ctrl-C (which
    # a terminal sends to the command too, so it gets a moment to end by itself)
    ended = _wait_briefly(child) if interrupted else child.poll() is not None
    if not ended:
        _stop(child)  # as py-spy's own launcher does
    exit_code = child.returncode if ended else None
    if returncode != 0:
        raise _py_spy_failure(returncode, out, err, f"command {command[0]}", exit_code)
    if interrupted:
        reason = StopReason.INTERRUPTED
    else:
        reason = StopReason.EXITED if ended else StopReason.DURATION
    return _result(output, out, err, exit_code, reason)


def _record_pid(
    output: Path, pid: int, arguments: Callable[[int], list[str]], *, stops_early: bool
) -> RecordResult:
    _check_pid(pid)
    logger.info("profiling process %d into %s", pid, output)
    returncode, out, err, interrupted = _run_py_spy(arguments(pid))
    if returncode != 0:
        raise _py_spy_failure(returncode, out, err, f"process {pid}", None)
    if interrupted:
        reason = StopReason.INTERRUPTED
    elif stops_early and _alive(pid):
        reason = StopReason.DURATION
    else:
        reason = StopReason.EXITED
    return _result(output, out, err, None, reason)


def _result(
    output: Path, out: str, err: str, exit_code: int | None, reason: StopReason
) -> RecordResult:
    samples, errors = _counts(out)
    summary = _summary(out, err)
    status = "" if exit_code is None else f" (the command exited with code {exit_code})"
    if samples == 0:
        raise ProfileError(
            f"{output}: py-spy recorded no samples{status}. The program ended before it was "
            "sampled or was idle the whole time: profile a longer run, add --idle to count "
            "waiting time, or raise --rate"
        )
    if not output.is_file() or output.stat().st_size == 0:
        raise ProfileError(
            f"{output}: py-spy wrote no profile{status}. py-spy said: {summary or 'nothing'}"
        )
    try:
        read_profile(output)  # an empty or unreadable recording fails here, naming the file
    except ProfileError as exc:
        # py-spy may not print its sample count; say what happened to the command all the same
        raise ProfileError(f"{exc}{status}") from exc
    return RecordResult(output, exit_code, samples, errors, summary, reason)


# ---- processes --------------------------------------------------------------------------------


def _start_command(command: list[str]) -> subprocess.Popen[bytes]:
    user = _sudo_user()
    try:
        return subprocess.Popen(
            command,
            # only a prctl() runs between fork and exec: see _tracer_allowance
            preexec_fn=_tracer_allowance(),  # noqa: PLW1509 (a single prctl, no locks)
            user=user[0] if user else None,
            group=user[1] if user else None,
        )
    except OSError as exc:
        raise cannot_run(command[0], exc) from None


def _run_py_spy(args: list[str]) -> tuple[int, str, str, bool]:
    """(exit code, stdout, stderr, interrupted by Ctrl-C) of one py-spy run."""
    try:
        spy = subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            errors="replace",
        )
    except OSError as exc:
        raise ToolMissingError(
            f"py-spy cannot run ({exc.strerror or exc}): {INSTALL_HINT}"
        ) from None
    try:
        out, err = spy.communicate()
        return spy.returncode, out, err, False
    except KeyboardInterrupt:
        # a terminal's Ctrl-C reaches py-spy too; otherwise pass it on. py-spy then stops
        # sampling and still writes its file, as when run by hand.
        if spy.poll() is None:
            try:
                spy.send_signal(signal.SIGINT)
            except ValueError:  # Windows has no SIGINT to send
                spy.terminate()
        try:
            out, err = spy.communicate(timeout=_WRITE_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            spy.kill()
            out, err = spy.communicate()
        return spy.returncode, out, err, True


def _wait_briefly(child: subprocess.Popen[bytes]) -> bool:
    try:
        child.wait(timeout=_STOP_GRACE_SECONDS)
    except subprocess.TimeoutExpired:
        return False
    return True


def _stop(child: subprocess.Popen[bytes]) -> None:
    if child.poll() is not None:
        return
    child.terminate()
    try:
        child.wait(timeout=_STOP_GRACE_SECONDS)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()


def _check_pid(pid: int) -> None:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        raise InputError(f"there is no process with pid {pid}") from None
    except PermissionError:
        pass  # it exists; whether py-spy may read it, py-spy tells
    except OverflowError:
        raise UsageError(f"--pid {pid} is not a valid process id") from None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _sudo_user() -> tuple[int, int | None] | None:
    """Under ``sudo``, (uid, gid) of the invoking user: py-spy runs commands as them, so do we."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return None
    uid, gid = os.environ.get("SUDO_UID", ""), os.environ.get("SUDO_GID", "")
    if not uid.isdigit():
        return None
    return int(uid), int(gid) if gid.isdigit() else None


def _ptrace_scope() -> int | None:
    try:
        return int(Path("/proc/sys/kernel/yama/ptrace_scope").read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        return None


def _tracer_allowance() -> Callable[[], None] | None:
    """Under Yama ``ptrace_scope=1`` only an ancestor may trace a process, and py-spy is the
    command's sibling here (py-spy's own launcher is its parent). So the command, between fork
    and exec, declares any tracer of its own user allowed (``PR_SET_PTRACER_ANY``): what
    ``ptrace_scope=0`` allows, for this process only. The setting outlives exec."""
    if not sys.platform.startswith("linux") or _ptrace_scope() != 1:
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None

    def allow() -> None:
        prctl(_PR_SET_PTRACER, ctypes.c_ulong(_PR_SET_PTRACER_ANY), 0, 0, 0)

    return allow


# ---- py-spy's messages ------------------------------------------------------------------------


def _counts(out: str) -> tuple[int | None, int | None]:
    match = _SAMPLES.search(out)
    if match is None:
        return None, None
    return int(match.group(1)), int(match.group(2))


def _summary(out: str, err: str) -> str:
    lines = []
    for raw in (*out.splitlines(), *err.splitlines()):
        line = raw.removeprefix("py-spy> ").strip()
        if line and not line.startswith(_NOISE) and not line.startswith("Sampling process"):
            lines.append(line)
    return "\n".join(lines)


def _error_lines(out: str, err: str) -> str:
    """py-spy's error message without its Rust backtrace."""
    text = err.split("Stack backtrace:")[0].split("note: Some details")[0]
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        lines = [line for line in _summary(out, "").splitlines() if line]
    return " ".join(lines) or "no message"


def _py_spy_failure(
    returncode: int, out: str, err: str, target: str, exit_code: int | None
) -> ProfileError:
    said = _error_lines(out, err)
    if _PERMISSION.search(said):
        return ProfileError(
            f"py-spy is not allowed to read {target} (ptrace refused). Run goport as root "
            "(sudo), or start the Docker container with `--cap-add SYS_PTRACE`, or allow "
            f"tracing with `sudo sysctl kernel.yama.ptrace_scope=0`. py-spy said: {said}"
        )
    if exit_code is not None and _GONE.search(said):
        return ProfileError(
            f"the {target} exited with code {exit_code} before py-spy could attach: "
            f"profile a longer run. py-spy said: {said}"
        )
    hint = ""
    if _NOT_PYTHON.search(said):
        hint = (
            " Is it a Python program? If it starts Python in a child process, add --subprocesses."
        )
    return ProfileError(f"py-spy failed (exit code {returncode}) on {target}: {said}.{hint}")


#: a source file larger than this is not fingerprinted (its frames fall back to line checks)
CODE_FILE_LIMIT = 4 * 1024 * 1024


def with_code(recording: bytes) -> bytes:
    """The speedscope recording with the fingerprint of every function in the files it ran
    (``goport.codehash``), so that a later scan can tell precisely which frames are stale."""
    try:
        document = json.loads(recording)
        frames = document["shared"]["frames"]
    except (ValueError, KeyError, TypeError):
        return recording  # read_profile has already checked it; nothing to add to
    files = {f.get("file") for f in frames if isinstance(f, dict)}
    code: dict[str, dict[str, str]] = {}
    for file in sorted(f for f in files if isinstance(f, str) and f.endswith(".py")):
        try:
            hashes = function_hashes(read_bytes(file, limit=CODE_FILE_LIMIT))
        except InputError:
            continue
        if hashes:
            code[file] = hashes
    document[CODE_KEY] = {"code": code}
    return json.dumps(document, separators=(",", ":")).encode()
