"""The strangler proof on the Go side, for real: fixtures/strangler_demo scaffolded, golden cases
(written here in the format of issue 14's protocol, as ``goport capture`` writes them) replayed
by ``go test`` against the stubs (failing, saying what to port), against the hand-written port
kept in the fixture (green) and against a wrong port (failing with got/want); then the port
served the way each strategy serves it: HTTP, JSON Lines over a pipe, a c-shared library."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from golang import GoTool

from goport.model import Strategy
from goport.planning import go_name
from goport.scaffold.dispatch import main_go
from goport.scaffold.model import GoPackage

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "fixtures" / "strangler_demo"
PORT = DEMO / "go_impl"
Goport = Callable[..., subprocess.CompletedProcess[str]]

#: runs in a child process (the fixture's code is never imported into goport's own): calls
#: textkit's boundary functions and prints their golden files, as goport capture records them
RECORD = r"""
import base64, inspect, json, sys
sys.path.insert(0, ".")
from textkit import fnv, records, tokens

def enc(v):
    if isinstance(v, bytes):
        return base64.b64encode(v).decode("ascii")
    if isinstance(v, (list, tuple)):
        return [enc(x) for x in v]
    if isinstance(v, dict):
        return {k: enc(x) for k, x in v.items()}
    return v

record = records.encode_record(7, 1.5, "disk full", ["error", "disk"])
CALLS = [
    (fnv.fnv1a_32, [((b"",), {}), ((b"a",), {}), ((b"hello world",), {})]),
    (fnv.fnv1a_64, [((b"foobar",), {}), ((b"\xff" * 40,), {})]),
    (tokens.tokenize, [(('GET /x status=200 user="Ada L" \u00e91',), {}),
                       (("Mixed CASE",), {"lower": True}), (('say "hello',), {})]),
    (tokens.shingles, [((["a", "b", "c"],), {}), ((["a", "b", "c"], 3), {}),
                       ((["a"],), {"size": 0})]),
    (records.encode_record, [((7, 1.5, "disk full", ["error", "disk"]), {}),
                             ((2**63 - 1,), {"score": -0.25, "name": "", "tags": []})]),
    (records.decode_record, [((record,), {}), ((record[:-2],), {}), ((b"\x00\x01",), {})]),
]
docs = []
for fn, calls in CALLS:
    cases = []
    for args, kwargs in calls:
        case = {"args": enc(list(args)), "kwargs": enc(kwargs)}
        try:
            result = fn(*args, **kwargs)
            case["result"] = enc(list(result) if inspect.isgenerator(result) else result)
        except Exception as exc:
            case["raises"] = {"type": type(exc).__name__, "message": str(exc)}
        cases.append(case)
    kind = "generator" if inspect.isgeneratorfunction(fn) else "function"
    docs.append({"module": fn.__module__, "function": fn.__qualname__, "kind": kind, "cases": cases})
print(json.dumps(docs))
"""


def write_golden(out: Path) -> int:
    """The golden files of textkit's boundary under ``out/golden``; how many cases."""
    done = subprocess.run(
        [sys.executable, "-c", RECORD],
        cwd=DEMO,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},  # nothing written into the fixture
        capture_output=True,
        text=True,
        check=True,
    )
    count = 0
    for doc in json.loads(done.stdout):
        doc = {
            "schema_version": 1,
            **doc,
            "go_name": go_name(doc["function"]),
            "arg_types": [],
            "result_type": "",
            "skipped": {"unserialisable": 0, "over_cap": 0, "duplicates": 0, "reasons": []},
        }
        target = out / "golden" / doc["module"] / f"{doc['function']}.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(doc, indent=2))
        count += len(doc["cases"])
    return count


def scaffold(goport: Goport, out: Path) -> list[str]:
    done = goport("scaffold", "--all", "--root", DEMO, "--out", out, "--no-cache", "-q")
    assert done.returncode == 0, done.stderr
    assert not list(DEMO.glob("textkit/**/*.go")), "nothing is written into the scanned tree"
    return sorted(p.parent.name for p in out.glob("*/impl.go"))


def drop_in_port(out: Path) -> None:
    for impl in PORT.glob("*/impl.go"):
        shutil.copyfile(impl, out / impl.parent.name / "impl.go")


def test_golden_cases_replay_against_stubs_port_and_wrong_port(
    goport: Goport, go_tool: GoTool, tmp_path: Path
) -> None:
    out = tmp_path / "port"
    packages = scaffold(goport, out)
    assert (
        packages
        == sorted(p.name for p in PORT.iterdir() if p.is_dir())
        == [
            "fnv",
            "records",
            "tokens",
        ]
    )
    unrecorded = go_tool.run("test", "-v", "./fnv/", cwd=out)
    assert unrecorded.returncode == 0, unrecorded.stdout
    assert "--- SKIP: TestGolden/textkit.fnv.fnv1a_32" in unrecorded.stdout
    assert "goport capture --out <the folder of go.mod> -- python -m pytest" in unrecorded.stdout
    assert write_golden(out) == 16
    stubs = go_tool.run("test", "./...", cwd=out)
    assert stubs.returncode != 0
    assert "not implemented: fnv1a_32 (textkit/fnv.py:11): port it in impl.go" in stubs.stdout

    drop_in_port(out)
    go_tool.checks(out)
    verbose = go_tool.run("test", "-v", "./...", cwd=out).stdout
    for function in (
        "fnv1a_32",
        "fnv1a_64",
        "tokenize",
        "shingles",
        "encode_record",
        "decode_record",
    ):
        assert re.search(rf"--- PASS: TestGolden/textkit\.\w+\.{function} ", verbose), verbose
    assert "SKIP" not in verbose

    wrong = out / "fnv" / "impl.go"
    wrong.write_text(wrong.read_text().replace("h *= prime32", "h *= prime32 + 2"))
    failed = go_tool.run("test", "./fnv/", cwd=out)
    assert failed.returncode != 0
    assert 'case 1: textkit.fnv.fnv1a_32("YQ=="):' in failed.stdout
    assert "want 3826002220" in failed.stdout


# -- the port served as each strategy serves it --------------------------------------------------


@pytest.fixture(scope="module")
def ported(goport: Goport, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("strangler") / "port"
    scaffold(goport, out)
    drop_in_port(out)
    return out


def _command(go: GoTool, out: Path, strategy: Strategy) -> Path:
    """The fnv package's command for ``strategy``, written the way scaffold writes it, built."""
    name = f"fnv{strategy.name.lower().replace('_', '')}"
    pkg = GoPackage("fnv", 2, strategy, (("textkit.fnv", "textkit/fnv.py"),), (), (), ())
    module = (out / "go.mod").read_text().split()[1]
    folder = out / "fnv" / "cmd" / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "main.go").write_text(main_go(pkg, f"{module}/fnv", name))
    binary = out / "bin" / name
    built = go.run("build", "-o", binary, f"./fnv/cmd/{name}", cwd=out)
    assert built.returncode == 0, built.stderr
    return binary


@pytest.fixture
def served(go_tool: GoTool, ported: Path) -> Iterator[str]:
    binary = _command(go_tool, ported, Strategy.GO_SERVICE)
    proc = subprocess.Popen(
        [binary, "-addr", "127.0.0.1:0"], stderr=subprocess.PIPE, text=True, env=dict(go_tool.env)
    )
    try:
        line = proc.stderr.readline() if proc.stderr else ""
        found = re.search(r"listening on (127\.0\.0\.1:\d+)", line)
        assert found, f"the server did not start: {line!r}"
        yield f"http://{found.group(1)}"
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _http(url: str, body: bytes | None = None) -> tuple[int, bytes]:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(urllib.request.Request(url, data=body), timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def test_go_service_answers_post_call_over_http(served: str) -> None:
    assert _http(served + "/healthz") == (200, b"ok\n")
    status, body = _http(
        served + "/call", json.dumps({"function": "Fnv1a32", "args": ["YQ=="]}).encode()
    )
    assert status == 200 and json.loads(body) == {"result": 0xE40C292C}
    status, body = _http(served + "/call", b'{"function": "textkit.fnv.fnv1a_64", "args": []}')
    assert json.loads(body) == {
        "error": {"type": "TypeError", "message": 'missing required argument "data"'}
    }
    assert _http(served + "/call")[0] == 405  # a GET


@pytest.mark.parametrize("strategy", [Strategy.GO_CLI, Strategy.GO_WORKER])
def test_go_cli_and_worker_answer_json_lines_over_a_pipe(
    go_tool: GoTool, ported: Path, strategy: Strategy
) -> None:
    binary = _command(go_tool, ported, strategy)
    requests = [
        {"function": "Fnv1a32", "args": ["YQ=="]},
        {"function": "fnv1a_64", "args": [], "kwargs": {"data": "Zm9vYmFy"}},
        {"function": "Nope", "args": []},
    ]
    assert _json_lines([binary], requests) == [
        {"result": 0xE40C292C},
        {"result": 0x85944171F73967E8},
        {"error": {"type": "GoError", "message": 'no function "Nope" in this package'}},
    ]


def _json_lines(
    command: list[str | os.PathLike[str]], requests: list[dict[str, object]]
) -> list[object]:
    """The answers ``command`` writes, one JSON line per request line it reads."""
    done = subprocess.run(
        command,
        input="".join(json.dumps(r) + "\n" for r in requests),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


CTYPES = r"""
import ctypes, json, sys
lib = ctypes.CDLL(sys.argv[1])
lib.GoportCall.restype = ctypes.c_void_p
lib.GoportCall.argtypes = [ctypes.c_char_p]
lib.GoportFree.argtypes = [ctypes.c_void_p]
for line in sys.stdin:
    answer = lib.GoportCall(line.strip().encode())
    print(ctypes.string_at(answer).decode())
    lib.GoportFree(answer)
"""


def test_go_extension_is_a_c_shared_library_ctypes_calls(go_tool: GoTool, ported: Path) -> None:
    if shutil.which("gcc") is None:
        pytest.skip("gcc is not on PATH: cgo builds the c-shared library with it")
    library = ported / "bin" / "librecords.so"
    built = go_tool.run(
        "build", "-buildmode=c-shared", "-o", library, "./records/cmd/records", cwd=ported
    )
    assert built.returncode == 0, built.stderr
    encoded = "BwAAAAAAAAAAAAAAAAD4PwkAZGlzayBmdWxsAgAFAGVycm9yBABkaXNr"
    requests = [
        {"function": "DecodeRecord", "args": [encoded]},
        {"function": "decode_record", "args": ["AAE="]},
    ]
    assert _json_lines([sys.executable, "-c", CTYPES, library], requests) == [
        {"result": [7, 1.5, "disk full", ["error", "disk"]]},
        {
            "error": {
                "type": "ValueError",
                "message": "truncated record: 2 bytes, the header needs 18",
            }
        },
    ]
