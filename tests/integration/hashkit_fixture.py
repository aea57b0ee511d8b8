"""A small project for ``goport capture`` and ``goport shim``, and a fake Go side for it.

``PROJECT`` is a package whose one module the plan moves to Go (a hash kernel) with boundary
functions that exercise what capture must handle: a recursion, a generator, an exception, an
argument that is not JSON (a socket), keyword-only and ``*args`` parameters, an argument the
function mutates, bytes and tuples, and a function nothing calls. ``answer`` is the Go side's
part of the call protocol, written in Python for the tests (the real Go side is the scaffold's).
"""

from __future__ import annotations

import base64
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

FNV = '''\
"""A hash kernel and friends."""


def fnv1a_32(data: bytes) -> int:
    h = 0x811C9DC5
    for b in data:
        h ^= b
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h


def split(data: bytes) -> tuple[bytes, bytes]:
    head, _, tail = data.partition(b",")
    return head, tail


def fact(n: int) -> int:
    return 1 if n <= 1 else n * fact(n - 1)


def walk(tree):
    yield tree[0]
    for child in tree[1:]:
        yield from walk(child)


def parse(text: str) -> int:
    if not text.isdigit():
        raise ValueError(f"not a number: {text!r}")
    return int(text)


def send(sock, data: bytes) -> int:
    return len(data)


def unused() -> int:
    return 1


def pair(a, b=2, *rest, key="k", **extra):
    return (a, b, rest, key, extra)


def mutate(items: list) -> int:
    items.append(99)
    return len(items)


class Table:
    def lookup(self, key: bytes) -> int:
        return fnv1a_32(key) % 7


async def fetch(key: bytes) -> int:
    return fnv1a_32(key)
'''

TESTS = """\
import socket
import subprocess
import sys

import pytest

from hashkit import fnv


def test_hash_values():
    for i in range(10):
        assert fnv.fnv1a_32(b"x%d" % i) >= 0


def test_split_three_times():
    for _ in range(3):
        assert fnv.split(b"a,b") == (b"a", b"b")


def test_fact():
    assert fnv.fact(5) == 120


def test_walk():
    assert list(fnv.walk(["a", ["b", ["c"]]])) == ["a", "b", "c"]
    early = fnv.walk(["x", ["y"]])
    next(early)
    early.close()


def test_parse():
    with pytest.raises(ValueError):
        fnv.parse("x1")
    assert fnv.parse("12") == 12


def test_send():
    sock = socket.socket()
    try:
        assert fnv.send(sock, b"xx") == 2
    finally:
        sock.close()


def test_child_process():
    code = "from hashkit import fnv; print(fnv.parse('77'))"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_mutate():
    assert fnv.mutate([1]) == 2


def test_pair():
    assert fnv.pair(1, key="z", other=3) == (1, 2, (), "z", {"other": 3})
"""

#: the same calls as TESTS, as a plain script (for Pythons without pytest)
SCRIPT = """\
import socket
import subprocess
import sys

from hashkit import fnv

for i in range(10):
    fnv.fnv1a_32(b"x%d" % i)
for _ in range(3):
    fnv.split(b"a,b")
fnv.fact(5)
print(list(fnv.walk(["a", ["b", ["c"]]])))
early = fnv.walk(["x", ["y"]])
next(early)
early.close()
try:
    fnv.parse("x1")
except ValueError:
    pass
fnv.parse("12")
sock = socket.socket()
fnv.send(sock, b"xx")
sock.close()
subprocess.run([sys.executable, "-c", "from hashkit import fnv; fnv.parse('77')"], check=True)
fnv.mutate([1])
fnv.pair(1, key="z", other=3)
"""

PROJECT = {
    "pyproject.toml": '[project]\nname = "hashkit"\nversion = "0"\n',
    "hashkit/__init__.py": "",
    "hashkit/fnv.py": FNV,
    "hashkit/cli.py": (
        "from hashkit.fnv import Table, fetch, unused\n\n\n"
        "def main():\n    return unused(), Table().lookup(b'k'), fetch\n"
    ),
    "tests/test_fnv.py": TESTS,
    "run_all.py": SCRIPT,
}


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def fnv1a(data: bytes) -> int:
    h = 0x811C9DC5
    for b in data:
        h = ((h ^ b) * 0x01000193) & 0xFFFFFFFF
    return h


def _walk(tree: list[Any]) -> list[Any]:
    return [tree[0]] + [x for child in tree[1:] for x in _walk(child)]


def answer(request: dict[str, Any], *, wrong: bool = False) -> dict[str, Any]:
    """The Go side of the protocol for ``hashkit.fnv`` (``wrong``: off by one, to fail)."""
    args = request.get("args") or []
    name = request.get("function")
    if name == "Fnv1a32":
        return {"result": fnv1a(base64.b64decode(args[0])) + (1 if wrong else 0)}
    if name == "Split":
        head, _, tail = base64.b64decode(args[0]).partition(b",")
        return {"result": [_b64(head), _b64(tail)]}
    if name == "Fact":
        n, out = args[0], 1
        for i in range(2, n + 1):
            out *= i
        return {"result": out}
    if name == "Walk":
        return {"result": _walk(args[0])}
    if name == "Parse":
        if not str(args[0]).isdigit():
            return {"error": {"type": "ValueError", "message": f"not a number: {args[0]!r}"}}
        return {"result": int(args[0])}
    if name == "Mutate":
        return {"result": len(args[0]) + 1}
    if name == "Pair":
        return {"result": [args[0], args[1], args[2:-1], args[-1], {}]}
    if name == "Panic":
        return {"error": {"type": "GoPanic", "message": "index out of range"}}
    return {"error": {"type": "NotImplementedError", "message": f"{name}: not implemented"}}


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def interpreter(version: str) -> str | None:
    """A Python of that version: this one, one on PATH, or one pyenv installed."""
    if f"{sys.version_info[0]}.{sys.version_info[1]}" == version:
        return sys.executable
    pyenv = [str(p) for p in sorted(Path.home().glob(f".pyenv/versions/{version}.*/bin/python"))]
    for candidate in [*reversed(pyenv), shutil.which(f"python{version}")]:
        if candidate and _runs(candidate, version):
            return candidate
    return None


def _runs(python: str, version: str) -> bool:
    """Whether ``python`` starts and is that version (a pyenv shim may be neither)."""
    probe = [python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"]
    try:
        done = subprocess.run(probe, capture_output=True, text=True, timeout=30, check=False)
    except OSError:
        return False
    return done.returncode == 0 and done.stdout.strip() == version
