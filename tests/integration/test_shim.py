"""The shim and its parity test, against fake Go sides written in Python (and C for ctypes).

The real Go side is the scaffold's; here ``hashkit_fixture.answer`` plays it behind each
transport: an HTTP server (go-service), a JSON-lines process (go-cli), a c-shared library built
with the C compiler (go-extension, skipped without one). The generated files run in a real
pytest subprocess, with the switch on and off.
"""

from __future__ import annotations

import importlib
import inspect
import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hashkit_fixture import PROJECT, answer, interpreter, write

from goport.capture import runtime
from goport.capture.merge import read_golden
from goport.capture.shim import annotation_type, write_shim
from goport.capture.targets import Target
from goport.errors import InputError
from goport.model import Strategy

Goport = Callable[..., subprocess.CompletedProcess[str]]

HERE = Path(__file__).resolve().parent


class FakeService:
    """A go-service: POST /call answered by ``answer``; keeps the requests it got."""

    def __init__(self, *, wrong: bool = False) -> None:
        seen: list[dict[str, Any]] = []
        self.requests = seen

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                seen.append(request)
                body = json.dumps(answer(request, wrong=wrong)).encode()
                self.send_response(500 if "error" in json.loads(body) else 200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.addr = f"127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def service() -> Iterator[FakeService]:
    fake = FakeService()
    yield fake
    fake.close()


def json_lines_binary(folder: Path) -> Path:
    """A go-cli stand-in: one JSON request per line in, one answer per line out."""
    script = folder / "fake-go-cli"
    script.write_text(
        f"#!{sys.executable}\n"
        "import json, os, sys\n"
        f"sys.path.insert(0, {str(HERE)!r})\n"
        "from hashkit_fixture import answer\n"
        "for line in sys.stdin:\n"
        "    request = json.loads(line)\n"
        "    reply = {'result': os.getpid()} if request['function'] == 'Pid' else answer(request)\n"
        "    print(json.dumps(reply), flush=True)\n"
    )
    script.chmod(0o755)
    return script


@pytest.fixture
def fnv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    """The fixture project's ``hashkit.fnv``, imported from a fresh copy."""
    root = write(tmp_path / "proj", PROJECT)
    monkeypatch.syspath_prepend(str(root))
    for name in ("hashkit", "hashkit.fnv"):
        sys.modules.pop(name, None)
    yield importlib.import_module("hashkit.fnv")
    for name in ("hashkit", "hashkit.fnv"):
        sys.modules.pop(name, None)


def test_switch_off_calls_the_original(fnv: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(runtime.SWITCH, raising=False)
    router = runtime.Router(fnv, "go-service")
    walk = router("walk", "Walk", kind="generator", result_type="list[str]")
    assert inspect.signature(walk) == inspect.signature(fnv.walk)
    assert inspect.isgenerator(walk(["a"]))  # the original's own generator
    assert router("fnv1a_32", "Fnv1a32")(b"ab") == fnv.fnv1a_32(b"ab")
    monkeypatch.setenv(runtime.SWITCH, "0")
    assert router("parse", "Parse")("12") == 12
    assert router._transport is None  # nothing tried to reach a Go side


def test_switch_on_routes_over_http_and_decodes(
    fnv: ModuleType, service: FakeService, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(runtime.SWITCH, "1")
    monkeypatch.setenv("GOPORT_GO_ADDR", service.addr)
    route = runtime.Router(fnv, "go-service")
    assert route("fnv1a_32", "Fnv1a32", result_type="int")(b"ab") == fnv.fnv1a_32(b"ab")
    assert service.requests[-1] == {"function": "Fnv1a32", "args": ["YWI="]}
    split = route("split", "Split", result_type="tuple[bytes, ...]")
    assert split(b"a,b") == (b"a", b"b")
    walk = route("walk", "Walk", kind="generator", result_type="list[str]")
    items = walk(["a", ["b"]])
    assert not isinstance(items, list) and list(items) == ["a", "b"]
    route("pair", "Pair")(1)
    assert service.requests[-1] == {"function": "Pair", "args": [1, 2, "k"]}  # defaults applied


def test_errors_are_mapped_to_python_exceptions(
    fnv: ModuleType, service: FakeService, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(runtime.SWITCH, "1")
    monkeypatch.setenv("GOPORT_GO_ADDR", service.addr)
    route = runtime.Router(fnv, "go-service")
    with pytest.raises(ValueError, match="not a number"):
        route("parse", "Parse")("x1")
    with pytest.raises(NotImplementedError, match="Unused: not implemented"):
        route("unused", "Unused")()
    with pytest.raises(runtime.GoError, match="GoPanic: index out of range"):
        route("unused", "Panic")()
    with pytest.raises(TypeError, match="cannot cross to Go"):
        route("pair", "Pair")(1, other=3)  # **extra has no position
    with pytest.raises(TypeError, match="socket object is not representable"):
        route("send", "Send")(__import__("socket").socket(), b"x")


def test_an_unreachable_service_says_how_to_switch_back(
    fnv: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(runtime.SWITCH, "1")
    monkeypatch.setenv("GOPORT_GO_ADDR", "127.0.0.1:9")  # discard: nothing listens
    with pytest.raises(runtime.GoSideError, match="GOPORT_USE_GO=0"):
        runtime.Router(fnv, "go-service")("fact", "Fact")(3)


def test_go_cli_keeps_one_process_open(
    fnv: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(runtime.SWITCH, "1")
    monkeypatch.setenv("GOPORT_GO_BIN", str(json_lines_binary(tmp_path)))
    route = runtime.Router(fnv, "go-cli")
    assert route("fact", "Fact", result_type="int")(5) == 120
    assert route("split", "Split", result_type="tuple[bytes, bytes]")(b"x,y") == (b"x", b"y")
    pid = route("fact", "Pid")
    assert pid(1) == pid(1)  # the same process answered both
    with pytest.raises(ValueError):
        route("parse", "Parse")("x")
    route.transport().close()


C_LIBRARY = r"""
#include <stdlib.h>
#include <string.h>
char *GoportCall(const char *request) {
    const char *reply = strstr(request, "\"Fnv1a32\"")
        ? "{\"result\": 42}"
        : "{\"error\": {\"type\": \"NotImplementedError\", \"message\": \"not implemented\"}}";
    char *out = malloc(strlen(reply) + 1);
    strcpy(out, reply);
    return out;
}
void GoportFree(char *p) { free(p); }
"""


def test_go_extension_calls_the_c_shared_library(
    fnv: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None:
        pytest.skip("no C compiler to build a stand-in for the Go c-shared library")
    source, library = tmp_path / "fake.c", tmp_path / "libfake.so"
    source.write_text(C_LIBRARY)
    subprocess.run([compiler, "-shared", "-fPIC", "-o", library, source], check=True)
    monkeypatch.setenv(runtime.SWITCH, "1")
    monkeypatch.setenv("GOPORT_GO_LIB", str(library))
    route = runtime.Router(fnv, "go-extension")
    assert route("fnv1a_32", "Fnv1a32", result_type="int")(b"a") == 42
    with pytest.raises(NotImplementedError):
        route("fact", "Fact")(2)


@pytest.mark.parametrize(
    ("annotation", "generator", "expected"),
    [
        ("bytes", False, "bytes"),
        ("tuple[bytes, bytes]", False, "tuple[bytes, bytes]"),
        ("typing.Optional[List[bytes]]", False, "list[bytes]"),
        ("int | None", False, "int"),
        ("Dict[str, Tuple[int, ...]]", False, "dict[str, tuple[int, ...]]"),
        ("Token", False, "any"),
        ("int | str", False, "any"),
        ("Iterator[bytes]", True, "list[bytes]"),
        (None, False, "any"),
    ],
)
def test_annotation_types(annotation: str | None, generator: bool, expected: str) -> None:
    assert annotation_type(annotation, generator=generator) == expected


# -- the generated files, run by a real pytest ---------------------------------------------------


@pytest.fixture(scope="module")
def captured(tmp_path_factory: pytest.TempPathFactory, goport: Goport) -> tuple[Path, Path]:
    """(project, out) after ``goport capture`` ran the fixture's test suite."""
    base = tmp_path_factory.mktemp("shim")
    root = write(base / "proj", PROJECT)
    out = base / "port"
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"]
    result = goport("capture", "--out", out, "--", *command, cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    return root, out


GO_NAMES = {
    "fnv1a_32": "Fnv1a32",
    "split": "Split",
    "fact": "Fact",
    "walk": "Walk",
    "parse": "Parse",
    "mutate": "Mutate",
}


def _targets(root: Path, strategy: Strategy) -> list[Target]:
    """The boundary functions with a faithful fake (``pair`` takes **kwargs, which no Go
    function receives; ``send`` has no case)."""
    return [
        Target(
            module="hashkit.fnv",
            qualname=name,
            rel_path="hashkit/fnv.py",
            file=str(root / "hashkit" / "fnv.py"),
            lines=(),
            go_name=go,
            strategy=strategy,
            step=1,
        )
        for name, go in GO_NAMES.items()
    ]


def _parity(root: Path, out: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if not k.startswith("GOPORT_")} | env
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", out / "python"]
    return subprocess.run(
        command, cwd=root, env=full, capture_output=True, text=True, timeout=120, check=False
    )


def test_goport_shim_writes_clean_python_39(captured: tuple[Path, Path], goport: Goport) -> None:
    root, out = captured
    result = goport("shim", "hashkit.fnv", "--out", out, cwd=root)
    assert result.returncode == 0, result.stderr
    shim = (out / "python" / "hashkit_fnv_shim.py").read_text()
    assert '_goport_runtime.Router(_goport_original, "go-extension")' in shim  # the plan's strategy
    split = 'split = _goport_route(\n    "split",\n    "Split",\n    kind="function",\n'
    split += '    result_type="tuple[bytes, ...]",\n)'
    assert split in shim  # the result type from the golden file
    assert (out / "python" / "test_hashkit_fnv_parity.py").is_file()
    generated = sorted(str(p) for p in (out / "python").rglob("*.py"))
    lint = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--isolated", *generated],
        capture_output=True,
        text=True,
        check=False,
    )
    assert lint.returncode == 0, lint.stdout + lint.stderr
    old = interpreter("3.9")
    if old is None:
        pytest.skip("no Python 3.9 here to compile the generated files with")
    compiled = subprocess.run(
        [old, "-m", "py_compile", *generated], capture_output=True, check=False
    )
    assert compiled.returncode == 0, compiled.stderr


def test_parity_passes_against_a_faithful_go_service(captured: tuple[Path, Path]) -> None:
    root, out = captured
    write_shim(_targets(root, Strategy.GO_SERVICE), out)
    fake = FakeService()
    try:
        result = _parity(root, out, {runtime.SWITCH: "1", "GOPORT_GO_ADDR": fake.addr})
    finally:
        fake.close()
    cases = sum(len((read_golden(out, "hashkit.fnv", n) or {})["cases"]) for n in GO_NAMES)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{cases} passed" in result.stdout
    assert {r["function"] for r in fake.requests} == set(GO_NAMES.values())


def test_parity_fails_on_a_wrong_answer_and_names_both(captured: tuple[Path, Path]) -> None:
    root, out = captured
    write_shim(_targets(root, Strategy.GO_SERVICE), out)
    fake = FakeService(wrong=True)
    try:
        result = _parity(root, out, {runtime.SWITCH: "1", "GOPORT_GO_ADDR": fake.addr})
    finally:
        fake.close()
    assert result.returncode == 1
    assert "10 failed" in result.stdout  # every fnv1a_32 case, nothing else
    assert (
        "fnv1a_32-0: Python returned " in result.stdout and "the Go side returned" in result.stdout
    )


def test_parity_over_a_json_lines_cli_and_with_the_switch_off(captured: tuple[Path, Path]) -> None:
    root, out = captured
    write_shim(_targets(root, Strategy.GO_CLI), out)
    binary = json_lines_binary(out)
    on = _parity(root, out, {runtime.SWITCH: "1", "GOPORT_GO_BIN": str(binary)})
    assert on.returncode == 0, on.stdout + on.stderr
    off = _parity(root, out, {})  # compares the original with what was recorded
    assert off.returncode == 0, off.stdout + off.stderr
    assert " passed" in off.stdout and "skipped" not in off.stdout


def test_with_the_switch_off_python_is_held_to_the_record(
    captured: tuple[Path, Path], tmp_path: Path
) -> None:
    root, out = captured
    copy = tmp_path / "port"
    shutil.copytree(out, copy)
    write_shim(_targets(root, Strategy.GO_CLI), copy)
    path = copy / "golden" / "hashkit.fnv" / "fact.json"
    doc = json.loads(path.read_text())
    doc["cases"][0]["result"] = 121
    path.write_text(json.dumps(doc))
    result = _parity(root, copy, {})
    assert result.returncode == 1
    assert "1 failed" in result.stdout
    assert "fact-0: recorded: returned 121; now Python returned 120" in result.stdout


SOLO = """\
def _route(x: int) -> int:
    t = 0
    for i in range(x):
        for j in range(x):
            t ^= (i * j) & 0xFFFF
    return t


def _original(data: bytes) -> int:
    t = 0
    for b in data:
        for k in range(8):
            t += (b >> k) & 1
    return t


def _zap(x: int) -> int:
    t = 0
    for i in range(x):
        for j in range(x):
            t += (i << 3) ^ j
    return t


_TABLE = 7

if __name__ == "__main__":
    print(_route(100) + _original(b"abc") + _zap(100))
"""


def test_boundary_names_cannot_take_the_shims_own_names(tmp_path: Path, goport: Goport) -> None:
    """A module whose boundary is its private functions ``_route`` and ``_original``: the shim
    keeps its own names apart, so it imports, routes each function to itself and reads the
    module's other names through to it."""
    pyproject = '[project]\nname = "solo"\nversion = "0"\n'
    root = write(
        tmp_path / "proj",
        {"pyproject.toml": pyproject, "solo/__init__.py": "", "solo/kern.py": SOLO},
    )
    out = tmp_path / "port"
    result = goport("shim", "solo.kern", "--out", out, cwd=root)
    assert result.returncode == 0, result.stderr
    check = (
        "import solo_kern_shim as s, solo.kern as k\n"
        "assert s._zap(5) == k._zap(5) and s._route(5) == k._route(5)\n"
        "assert s._original(b'ab') == k._original(b'ab')\n"
        "assert s._TABLE == 7\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOPORT_")}
    env["PYTHONPATH"] = os.pathsep.join([str(out / "python"), str(root)])
    ran = subprocess.run(
        [sys.executable, "-c", check],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert ran.returncode == 0, ran.stderr


def test_a_boundary_name_the_shim_reserves_is_refused_with_a_message(tmp_path: Path) -> None:
    target = Target(
        module="m",
        qualname="_goport_route",
        rel_path="m.py",
        file=str(tmp_path / "m.py"),
        lines=(),
        go_name="GoportRoute",
        strategy=Strategy.GO_CLI,
        step=1,
    )
    with pytest.raises(InputError, match="_goport_route: a name the shim keeps for itself"):
        write_shim([target], tmp_path / "port")
    assert not (tmp_path / "port").exists()


def test_a_golden_file_that_is_a_fifo_is_not_read(tmp_path: Path) -> None:
    """``--out`` may be inside the scanned tree: a FIFO planted as a golden file must not
    block the shim (nor a link to /dev/zero exhaust it); the annotation is used instead."""
    pyproject = '[project]\nname = "solo"\nversion = "0"\n'
    files = {"pyproject.toml": pyproject, "solo/__init__.py": "", "solo/kern.py": SOLO}
    root = write(tmp_path / "proj", files)
    out = root / "port"
    (out / "golden" / "solo.kern").mkdir(parents=True)
    os.mkfifo(out / "golden" / "solo.kern" / "_zap.json")
    (out / "golden" / "solo.kern" / "_route.json").symlink_to("/dev/zero")
    command = [sys.executable, "-m", "goport", "shim", "solo.kern", "--out", out, "--no-cache"]
    done = subprocess.run(
        command, cwd=root, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    shim = (out / "python" / "solo_kern_shim.py").read_text()
    assert '_zap = _goport_route("_zap", "zap", kind="function", result_type="int")' in shim
