"""``goport capture`` for real: a project's test suite (or a script) run under the tracer by a
real Python, the golden files it writes, and its report.

The suite runs under this Python (3.10/3.11: ``sys.setprofile``); the same calls run as a script
under every other Python found (3.12+: ``sys.monitoring``), each skipping with its reason when
that Python is not installed.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hashkit_fixture import PROJECT, fnv1a, interpreter, write

Goport = Callable[..., subprocess.CompletedProcess[str]]
VERSIONS = ("3.9", "3.10", "3.11", "3.12", "3.13")


def _golden(out: Path, name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((out / "golden" / "hashkit.fnv" / f"{name}.json").read_text())
    return data


def _tree(root: Path) -> set[str]:
    skip = ("__pycache__", ".pytest_cache")
    return {
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if not any(s in p.parts for s in skip)
    }


@pytest.fixture(scope="module")
def suite(
    tmp_path_factory: pytest.TempPathFactory, goport: Goport
) -> tuple[Path, Path, subprocess.CompletedProcess[str], set[str]]:
    """(project, out, the capture run, the project's files before) of one pytest run."""
    base = tmp_path_factory.mktemp("capture")
    root = write(base / "proj", PROJECT)
    before = _tree(root)
    out = base / "port"
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"]
    result = goport("capture", "--out", out, "--max-cases", "4", "--", *command, cwd=root)
    return root, out, result, before


def test_capture_says_it_runs_the_command_and_exits_0(suite: Any) -> None:
    _, _, result, _ = suite
    assert result.returncode == 0, result.stdout + result.stderr
    assert "goport capture runs " in result.stderr
    assert "it executes your code" in result.stderr
    assert "9 passed" in result.stdout  # the suite itself ran, under the tracer
    assert "the command exited with status 0" in result.stdout


def test_the_scanned_tree_is_not_written(suite: Any) -> None:
    root, _, _, before = suite
    assert _tree(root) == before


def test_bytes_are_base64_and_the_cap_holds(suite: Any) -> None:
    _, out, _, _ = suite
    doc = _golden(out, "fnv1a_32")
    assert doc["schema_version"] == 1
    assert (doc["module"], doc["function"], doc["go_name"], doc["kind"]) == (
        "hashkit.fnv",
        "fnv1a_32",
        "Fnv1a32",
        "function",
    )
    assert doc["arg_types"] == ["bytes"] and doc["result_type"] == "int"
    assert doc["cases"][0] == {"args": ["eDA="], "kwargs": {}, "result": fnv1a(b"x0")}
    assert len(doc["cases"]) == 4
    assert doc["skipped"]["over_cap"] == 6


def test_duplicates_are_counted_once_recorded(suite: Any) -> None:
    _, out, _, _ = suite
    doc = _golden(out, "split")
    assert doc["cases"] == [{"args": ["YSxi"], "kwargs": {}, "result": ["YQ==", "Yg=="]}]
    assert doc["skipped"]["duplicates"] == 2
    assert doc["result_type"] == "tuple[bytes, ...]"


def test_a_recursion_records_the_outermost_call(suite: Any) -> None:
    _, out, _, _ = suite
    doc = _golden(out, "fact")
    assert doc["cases"] == [{"args": [5], "kwargs": {}, "result": 120}]
    assert doc["skipped"]["nested"] == 4


def test_a_generator_records_its_items_and_an_early_close_is_incomplete(suite: Any) -> None:
    _, out, result, _ = suite
    doc = _golden(out, "walk")
    assert doc["kind"] == "generator"
    assert doc["cases"] == [
        {"args": [["a", ["b", ["c"]]]], "kwargs": {}, "result": ["a", "b", "c"]}
    ]
    assert doc["result_type"] == "list[str]"
    assert doc["skipped"]["incomplete"] == 1
    assert "1 incomplete (a generator closed before its end)" in result.stdout


def test_an_exception_is_a_case_and_a_child_process_is_traced(suite: Any) -> None:
    _, out, result, _ = suite
    cases = _golden(out, "parse")["cases"]
    raised = {"type": "ValueError", "message": "not a number: 'x1'"}
    assert {"args": ["x1"], "kwargs": {}, "raises": raised} in cases
    assert {"args": ["77"], "kwargs": {}, "result": 77} in cases  # from `python -c` in a test
    assert "2 Python process(es) traced" in result.stdout


def test_an_unserialisable_argument_is_reported_with_its_reason(suite: Any) -> None:
    _, out, result, _ = suite
    assert not (out / "golden" / "hashkit.fnv" / "send.json").exists()
    assert "hashkit.fnv:send" in result.stdout
    assert "1 unserialisable" in result.stdout
    assert "arg 0 (sock): a socket object is not representable as JSON" in result.stdout


def test_keywords_defaults_and_star_args_bind_like_the_signature(suite: Any) -> None:
    _, out, _, _ = suite
    doc = _golden(out, "pair")
    assert doc["cases"] == [
        {
            "args": [1, 2],
            "kwargs": {"key": "z", "other": 3},
            "result": [1, 2, [], "z", {"other": 3}],
        }
    ]
    assert doc["arg_types"] == ["int", "int"]
    assert doc["kwarg_types"] == {"key": "str", "other": "int"}


def test_arguments_are_copied_before_the_function_mutates_them(suite: Any) -> None:
    _, out, _, _ = suite
    assert _golden(out, "mutate")["cases"] == [{"args": [[1]], "kwargs": {}, "result": 2}]


def test_a_function_never_called_is_listed(suite: Any) -> None:
    _, out, result, _ = suite
    never = result.stdout.split("never called", 1)[1]
    assert "hashkit.fnv:unused" in never
    assert not (out / "golden" / "hashkit.fnv" / "unused.json").exists()


def test_methods_and_async_functions_are_listed_as_not_traced(suite: Any) -> None:
    _, _, result, _ = suite
    left = result.stdout.split("not traced:", 1)[1]
    assert "hashkit.fnv:Table: a class: 1 method(s), whose receiver is not a JSON value" in left
    assert "hashkit.fnv:fetch: async def" in left


@pytest.mark.parametrize("version", VERSIONS)
def test_every_python_records_the_same_cases(version: str, tmp_path: Path, goport: Goport) -> None:
    """3.12+ traces with sys.monitoring, older Pythons with sys.setprofile: same golden data."""
    python = interpreter(version)
    if python is None:
        pytest.skip(f"no Python {version} here (not on PATH, not under ~/.pyenv)")
    root = write(tmp_path / "proj", PROJECT)
    out = tmp_path / "port"
    result = goport("capture", "--out", out, "--", python, "run_all.py", cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert _golden(out, "fact")["cases"] == [{"args": [5], "kwargs": {}, "result": 120}]
    walk = _golden(out, "walk")
    assert walk["cases"][0]["result"] == ["a", "b", "c"]
    assert walk["skipped"]["incomplete"] == 1
    parse = _golden(out, "parse")["cases"]
    assert parse[0]["raises"] == {"type": "ValueError", "message": "not a number: 'x1'"}
    assert {"args": ["77"], "kwargs": {}, "result": 77} in parse
    assert _golden(out, "pair")["cases"][0]["kwargs"] == {"key": "z", "other": 3}
    assert len(_golden(out, "fnv1a_32")["cases"]) == 10
    assert "arg 0 (sock): a socket object is not representable as JSON" in result.stdout


def test_the_default_out_is_beside_the_project_and_an_existing_sitecustomize_still_runs(
    tmp_path: Path, goport: Goport
) -> None:
    root = write(tmp_path / "proj", PROJECT)
    theirs = tmp_path / "theirs"
    write(theirs, {"sitecustomize.py": "open(__file__ + '.ran', 'w').close()\n"})
    env = {"PYTHONPATH": str(theirs)}
    command = [sys.executable, "-c", "from hashkit import fnv; fnv.fact(3)"]
    result = goport("capture", "--", *command, cwd=root, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (theirs / "sitecustomize.py.ran").exists()
    assert _golden(tmp_path / "proj-goport", "fact")["cases"][0]["result"] == 6
    assert not (root / "goport-port").exists()


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="sys.monitoring sees every exception")
def test_an_exception_hidden_by_another_tracer_is_reported_not_guessed(
    tmp_path: Path, goport: Goport
) -> None:
    root = write(tmp_path / "proj", PROJECT)
    code = (
        "import sys\nfrom hashkit import fnv\nsys.settrace(lambda *a: None)\n"
        "try:\n    fnv.parse('x')\nexcept ValueError:\n    pass\nfnv.parse('1')\n"
    )
    result = goport("capture", "--out", tmp_path / "o", "--", sys.executable, "-c", code, cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "another tracer (coverage, a debugger) holds sys.settrace" in result.stdout
    assert _golden(tmp_path / "o", "parse")["cases"] == [{"args": ["1"], "kwargs": {}, "result": 1}]


def test_nothing_recorded_exits_2_with_the_reason(tmp_path: Path, goport: Goport) -> None:
    root = write(tmp_path / "proj", PROJECT)
    result = goport(
        "capture", "--out", tmp_path / "o", "--", sys.executable, "-c", "pass", cwd=root
    )
    assert result.returncode == 2
    assert "nothing recorded" in result.stderr
    assert "1 Python process(es) traced" in result.stdout
    ignored = goport(
        "capture", "--out", tmp_path / "o", "--", sys.executable, "-I", "-c", "pass", cwd=root
    )
    assert ignored.returncode == 2
    assert "no Python process of the command was traced" in ignored.stderr


def test_usage_errors_exit_2(tmp_path: Path, goport: Goport) -> None:
    root = write(tmp_path / "proj", PROJECT)
    missing = goport("capture", cwd=root)
    assert missing.returncode == 2 and "give the command to run after --" in missing.stderr
    unknown = goport("capture", "--module", "nope", "--", sys.executable, "-c", "pass", cwd=root)
    assert unknown.returncode == 2 and "no such module" in unknown.stderr
    staying = goport("capture", "-m", "hashkit.cli", "--", sys.executable, "-c", "1", cwd=root)
    assert staying.returncode == 2 and "not in the plan" in staying.stderr
    absent = goport("capture", "--", "no-such-program-here", cwd=root)
    assert absent.returncode == 2 and "no such program" in absent.stderr
    assert "Traceback" not in missing.stderr + unknown.stderr + staying.stderr + absent.stderr
    no_shim = goport("shim", "hashkit.cli", cwd=root)
    assert no_shim.returncode == 2 and "not in the plan" in no_shim.stderr
    for command in ("capture", "shim"):
        shown = goport(command, "--help", cwd=root)
        assert shown.returncode == 0 and f"Example: goport {command} " in shown.stdout


#: a CPU kernel in a folder whose name is no Python name (a hyphenated scripts folder, or one
#: named to read as a CI workflow command): its functions can be traced, never named in a file
ODD_KERNEL = """\
def crunch(x: int) -> int:
    t = 0
    for i in range(x):
        for j in range(x):
            t ^= (i * j) & 0xFFFF
    return t


def crunch2(data: bytes) -> int:
    t = 0
    for b in data:
        for k in range(8):
            t += (b >> k) & 1
    return t
"""
ODD_USER = (
    "from .kern import crunch, crunch2\n\n\ndef run():\n    return crunch(3) + crunch2(b'ab')\n"
)


def test_a_module_with_no_python_name_is_left_out_and_the_rest_recorded(
    tmp_path: Path, goport: Goport
) -> None:
    """Its functions are listed as not traced before the command runs, instead of the whole
    capture failing after it; and no line of the report reads as a CI workflow command."""
    odd = "::warning::pwned##[group]x"
    files = {f"{odd}/__init__.py": "", f"{odd}/kern.py": ODD_KERNEL, f"{odd}/user.py": ODD_USER}
    root = write(tmp_path / "proj", {**PROJECT, **files})
    code = (
        "import importlib\nfrom hashkit import fnv\nfnv.fact(3)\n"
        f"importlib.import_module({odd + '.kern'!r}).crunch(4)\n"
    )
    result = goport("capture", "--out", tmp_path / "o", "--", sys.executable, "-c", code, cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert _golden(tmp_path / "o", "fact")["cases"][0]["result"] == 6
    assert not (tmp_path / "o" / "golden" / f"{odd}.kern").exists()
    assert "not a dotted Python name" in result.stdout
    assert "pwned" in result.stdout and "Traceback" not in result.stderr
    for line in (result.stdout + result.stderr).splitlines():
        assert not line.lstrip().startswith("::") and "##[" not in line, line
