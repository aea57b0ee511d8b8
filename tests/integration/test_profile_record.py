"""The py-spy recorder, with the real py-spy: record a command or a pid, read the file back.

py-spy needs ptrace rights (root, or CAP_SYS_PTRACE, or a permissive Yama scope). Whether it can
trace here is checked once; without that right the recording tests skip and say why.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from goport.errors import InputError, ProfileError, ToolMissingError, UsageError
from goport.profiles.readers import read_profile
from goport.profiles.record import RecordResult, StopReason, find_py_spy, record

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
RATE = 50

BUSY = "import time\nend = time.time() + {seconds}\nwhile time.time() < end:\n    pass\n"


def _busy_command(seconds: float, exit_code: int = 0) -> list[str]:
    code = BUSY.format(seconds=seconds) + f"raise SystemExit({exit_code})\n"
    return [sys.executable, "-c", code]


@pytest.fixture
def app_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of fixtures/profiled_app as the working folder (never write inside fixtures)."""
    copy = tmp_path / "profiled_app_copy"
    shutil.copytree(FIXTURES / "profiled_app", copy)
    monkeypatch.chdir(copy)
    return copy


@pytest.fixture
def busy_process() -> Iterator[subprocess.Popen[bytes]]:
    """A Python process busy for about 5 s; always ended by the test's end."""
    process = subprocess.Popen(_busy_command(5))
    time.sleep(0.3)
    yield process
    process.kill()
    process.wait()


def _record(output: Path, **kwargs: object) -> RecordResult:
    options: dict[str, object] = {
        "command": None,
        "pid": None,
        "duration": None,
        "rate": RATE,
        "subprocesses": False,
        "idle": False,
        "native": False,
    }
    options.update(kwargs)
    return record(output, **options)  # type: ignore[arg-type]


def _share(output: Path, file_suffix: str) -> float:
    profile = read_profile(output)
    hit = sum(
        s.weight
        for s in profile.stacks
        if any(f.file.replace("\\", "/").endswith(file_suffix) for f in s.frames)
    )
    return hit / profile.total_weight


# ---- real recordings --------------------------------------------------------------------------


def test_record_profiled_app_hot_module_dominates(
    py_spy: str, app_dir: Path, tmp_path: Path
) -> None:
    output = tmp_path / "app.speedscope.json"
    result = _record(output, command=[sys.executable, "-m", "profiled_app.main"], py_spy=py_spy)
    assert result.output == output
    assert result.exit_code == 0
    assert result.stop_reason == StopReason.EXITED
    assert result.samples is not None and result.samples > 0
    assert "Samples:" in result.summary
    profile = read_profile(output)
    assert profile.format == "speedscope"
    assert profile.unit == "samples"
    assert profile.total_weight == pytest.approx(result.samples, abs=2)
    hot, cold = _share(output, "profiled_app/hot.py"), _share(output, "profiled_app/cold.py")
    assert hot > 0.6, f"hot.py had {hot:.0%} of the samples"
    assert cold < hot / 5
    # --full-filenames: the frames carry the absolute paths of the copy that ran
    files = {f.file for s in profile.stacks for f in s.frames if f.file.endswith("hot.py")}
    assert files == {str(app_dir / "profiled_app" / "hot.py")}
    # qualnames, as py-spy reports them on Python 3.11+
    names = {f.name for s in profile.stacks for f in s.frames}
    assert "Sieve.is_prime" in names if sys.version_info >= (3, 11) else "is_prime" in names


def test_record_reports_the_commands_exit_code(py_spy: str, tmp_path: Path) -> None:
    output = tmp_path / "exit3.json"
    result = _record(output, command=_busy_command(0.8, exit_code=3), py_spy=py_spy)
    assert result.exit_code == 3
    assert result.stop_reason == StopReason.EXITED
    assert read_profile(output).total_weight > 0


def test_record_replaces_a_link_at_the_output_instead_of_writing_through_it(
    py_spy: str, tmp_path: Path
) -> None:
    victim = tmp_path / "victim"
    victim.write_text("keep")
    output = tmp_path / "prof.json"
    output.symlink_to(victim)
    result = _record(output, command=_busy_command(0.8), py_spy=py_spy)
    assert result.output == output
    assert victim.read_text() == "keep"
    assert not output.is_symlink() and read_profile(output).total_weight > 0


def test_record_pid_for_a_duration(
    py_spy: str, tmp_path: Path, busy_process: subprocess.Popen[bytes]
) -> None:
    output = tmp_path / "pid.json"
    started = time.monotonic()
    result = _record(output, pid=busy_process.pid, duration=1, py_spy=py_spy)
    assert time.monotonic() - started < 4.5  # it stopped after the duration, not at the end
    assert busy_process.poll() is None  # a process goport did not start is left running
    assert result.exit_code is None
    assert result.stop_reason == StopReason.DURATION
    profile = read_profile(output)
    assert any(f.file == "<string>" for s in profile.stacks for f in s.frames)


def test_record_command_stopped_by_duration(py_spy: str, tmp_path: Path) -> None:
    output = tmp_path / "short.json"
    started = time.monotonic()
    result = _record(output, command=_busy_command(8, exit_code=3), duration=1, py_spy=py_spy)
    assert time.monotonic() - started < 7
    assert result.exit_code is None  # goport stopped it, as py-spy's own launcher does
    assert result.stop_reason == StopReason.DURATION
    assert read_profile(output).total_weight > 0


def test_record_with_flags_passed_through(py_spy: str, tmp_path: Path) -> None:
    code = (
        "import subprocess, sys, time\n"
        f"subprocess.run([sys.executable, '-c', {BUSY.format(seconds=0.8)!r}])\n"
        "time.sleep(0.3)\n"
    )
    output = tmp_path / "flags.json"
    result = _record(
        output, command=[sys.executable, "-c", code], subprocesses=True, idle=True, py_spy=py_spy
    )
    assert result.exit_code == 0
    profile = read_profile(output)
    threads = {s.thread for s in profile.stacks}
    assert len({t.split(" Thread")[0] for t in threads}) == 2  # parent and child processes
    names = {f.name for s in profile.stacks for f in s.frames}
    assert not any(n.startswith("process ") for n in names)  # py-spy's labels are not frames


def test_command_that_is_not_python(py_spy: str, tmp_path: Path) -> None:
    sleep = shutil.which("sleep")
    if sleep is None:
        pytest.skip("no sleep command here")
    with pytest.raises(ProfileError, match="--subprocesses"):
        _record(tmp_path / "x.json", command=[sleep, "2"], py_spy=py_spy)


def test_command_that_samples_nothing(py_spy: str, tmp_path: Path) -> None:
    """A command that ends before py-spy samples it is a clear error, never an empty profile.

    On a loaded machine py-spy can still catch the interpreter's start-up in a sample: that is a
    real (tiny) profile, not the case under test, so the command is run again, three times at
    most, and each such profile must hold what py-spy counted.
    """
    # no site import and an immediate exit: done before py-spy can take a sample
    command = [sys.executable, "-I", "-S", "-c", "import os; os._exit(0)"]
    for attempt in range(3):
        output = tmp_path / f"idle{attempt}.json"
        try:
            result = _record(output, command=command, py_spy=py_spy)
        except ProfileError as caught:
            message = str(caught)
            assert "no samples" in message or "before py-spy could attach" in message
            assert "code 0" in message
            return
        assert result.exit_code == 0
        assert read_profile(output).total_weight > 0
    pytest.fail("py-spy sampled a command that exits at once, three times in a row")


def test_ptrace_refused_gives_the_remedies(
    py_spy: str, tmp_path: Path, busy_process: subprocess.Popen[bytes]
) -> None:
    """py-spy run as an unprivileged user against a root process: the real refusal message."""
    setpriv = shutil.which("setpriv")
    if setpriv is None or not hasattr(os, "geteuid") or os.geteuid() != 0:
        pytest.skip("needs root and setpriv to run py-spy as an unprivileged user")
    wrapper = tmp_path / "py-spy-as-nobody"
    wrapper.write_text(
        f'#!/bin/sh\nexec {setpriv} --reuid 65534 --regid 65534 --clear-groups {py_spy} "$@"\n'
    )
    wrapper.chmod(0o755)
    output_dir = tmp_path / "out"
    output_dir.mkdir(mode=0o777)
    output_dir.chmod(0o777)
    with pytest.raises(ProfileError) as caught:
        _record(output_dir / "x.json", pid=busy_process.pid, duration=1, py_spy=str(wrapper))
    message = str(caught.value)
    assert "SYS_PTRACE" in message and "ptrace_scope" in message and "root" in message


# ---- without py-spy or with wrong arguments (no tracing needed) -------------------------------


def test_missing_py_spy_named_explicitly(tmp_path: Path) -> None:
    with pytest.raises(ToolMissingError, match=r'pip install "goport\[profile\]"'):
        _record(
            tmp_path / "x.json",
            command=[sys.executable, "-c", "pass"],
            py_spy="/nonexistent/py-spy",
        )


def test_missing_py_spy_on_path_and_beside_python(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.setattr(sys, "executable", str(empty / "python"))
    with pytest.raises(ToolMissingError) as caught:
        _record(tmp_path / "x.json", command=["python", "-c", "pass"])
    assert "py-spy is not installed" in str(caught.value)
    assert 'pip install "goport[profile]"' in str(caught.value)


def test_py_spy_found_beside_the_interpreter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bin_dir = tmp_path / "venv" / "bin"
    bin_dir.mkdir(parents=True)
    fake = bin_dir / "py-spy"
    fake.write_text("#!/bin/sh\nexit 0\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(sys, "executable", str(bin_dir / "python"))
    assert find_py_spy() == str(fake)


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({}, UsageError, "either a command"),
        ({"command": ["python"], "pid": 1}, UsageError, "either a command"),
        ({"command": []}, UsageError, "empty"),
        ({"pid": 0}, UsageError, "positive"),
        ({"command": ["python"], "duration": 0}, UsageError, "--duration"),
        ({"command": ["python"], "rate": 0}, UsageError, "--rate"),
    ],
)
def test_wrong_arguments(
    tmp_path: Path, kwargs: dict[str, object], error: type[Exception], words: str
) -> None:
    with pytest.raises(error, match=words):
        _record(tmp_path / "x.json", **kwargs)


def test_output_folder_must_exist(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        _record(tmp_path / "missing" / "x.json", command=[sys.executable, "-c", "pass"])


def test_command_that_cannot_start(py_spy: str, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such program"):
        _record(tmp_path / "x.json", command=[str(tmp_path / "no-such-program")], py_spy=py_spy)


def test_pid_that_does_not_exist(py_spy: str, tmp_path: Path) -> None:
    finished = subprocess.Popen([sys.executable, "-c", "pass"])
    finished.wait()  # its pid is now free (and very unlikely reused within the test)
    with pytest.raises(InputError, match=f"no process with pid {finished.pid}"):
        _record(tmp_path / "x.json", pid=finished.pid, py_spy=py_spy)
