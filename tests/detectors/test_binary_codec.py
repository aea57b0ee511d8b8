"""GP109 binary-codec: what it sees in loops, what it leaves to GP102/GP106, what never fires."""

from __future__ import annotations

import textwrap

import pytest

from goport.extract import extract
from goport.model import Finding, SourceFile


def findings(code: str) -> list[Finding]:
    data = textwrap.dedent(code).encode()
    return list(extract(SourceFile("m.py", "m.py", "m"), data).findings)


def rules(code: str, prefix: str = "GP1") -> list[str]:
    return sorted(f.rule for f in findings(code) if f.rule.startswith(prefix))


def gp109(code: str) -> list[Finding]:
    return [f for f in findings(code) if f.rule == "GP109"]


def test_struct_calls_count_only_in_loops() -> None:
    once = """
        import struct
        HEADER = struct.unpack('<II', b'12345678')
        def header(f):
            return struct.unpack('<II', f.read(8))
    """
    looped = """
        import struct
        def records(f, n):
            return [struct.unpack('<II', f.read(8)) for _ in range(n)]
    """
    assert gp109(once) == []
    (finding,) = gp109(looped)
    assert finding.span.line == 4
    assert "struct.unpack" in finding.message


def test_weight_grows_with_the_work_in_the_loop() -> None:
    light = """
        import struct
        def f(buf, n):
            for i in range(n):
                yield struct.unpack_from('<I', buf, 4 * i)
    """
    heavy = """
        import struct
        def f(buf: bytes, n):
            for i in range(n):
                a, b = struct.unpack_from('<II', buf, 8 * i)
                flags = buf[i] >> 4
                kind = buf[i] & 0x0F
                yield a << 16 | b, flags, kind, int.from_bytes(buf[i:i + 2], 'big')
    """
    (small,) = gp109(light)
    (big,) = gp109(heavy)
    assert small.weight < big.weight <= 3.0


@pytest.mark.parametrize(
    "code",
    [
        # aliases of the module functions
        "from struct import unpack_from as uf\ndef f(b, n):\n    return [uf('<H', b, i) for i in range(n)]\n",
        # a Struct's bound method kept in a name
        (
            "import struct\n_U32 = struct.Struct('<I').unpack_from\n"
            "def f(b, n):\n    return [_U32(b, 4 * i)[0] for i in range(n)]\n"
        ),
        # a Struct on the class, used through self
        (
            "from struct import Struct\nclass R:\n    HDR = Struct('>HH')\n"
            "    def all(self, chunks):\n        return [self.HDR.unpack(c) for c in chunks]\n"
        ),
        # int conversions
        "def f(vals):\n    return b''.join(v.to_bytes(4, 'little') for v in vals)\n",
        # a length byte and the slice it announces
        (
            "def labels(buf: bytes):\n    out, pos = [], 0\n    while pos < len(buf):\n"
            "        n = buf[pos]\n        out.append(buf[pos + 1:pos + 1 + n])\n        pos += 1 + n\n"
            "    return out\n"
        ),
    ],
)
def test_binary_work_in_loops_is_seen(code: str) -> None:
    assert rules(code) == ["GP109"]


@pytest.mark.parametrize(
    "code",
    [
        # flag tests, inside and outside loops
        "FLAG = 0x4\ndef f(mode):\n    if mode & FLAG:\n        return 1\n",
        "FLAG = 0x4\nif FLAGS & FLAG:\n    x = 1\n",
        (
            "READ, WRITE = 0x1, 0x2\ndef f(files):\n    for f in files:\n"
            "        if f.mode & READ and not f.mode & WRITE:\n            print(f)\n"
        ),
        "def f(mask, n):\n    return [i for i in range(n) if mask & (1 << i)]\n",
        # set and dict operators
        "def f(groups):\n    seen = set()\n    for g in groups:\n        seen = seen | g\n    return seen\n",
        "def f(ds):\n    out = {}\n    for d in ds:\n        out = out | d\n    return out\n",
        # operator overloading on objects (airflow-style task chains)
        "def chain(tasks):\n    for a, b in zip(tasks, tasks[1:]):\n        a >> b\n",
        # a table built once at import
        "TABLE = [bytes([i]) for i in range(256)]\nSHIFTED = [i << 8 | i for i in range(256)]\n",
    ],
)
def test_glue_and_flags_are_not_cpu_work(code: str) -> None:
    assert rules(code) == []


def test_one_loop_is_one_rules_finding() -> None:
    """GP106 (checksums), GP109 (codecs) and GP102 (arithmetic) never report the same loop."""
    cases = {
        "crc": (
            (
                "def crc(data, table):\n    c = 0xFFFFFFFF\n    for b in data:\n"
                "        c = table[(c ^ b) & 0xFF] ^ (c >> 8)\n    return c\n"
            ),
            ["GP106"],
        ),
        "varint": (
            (
                "def varint(data: bytes, pos: int):\n    result = shift = 0\n    while True:\n"
                "        b = data[pos]\n        pos += 1\n        result |= (b & 0x7F) << shift\n"
                "        if not b & 0x80:\n            return result, pos\n        shift += 7\n"
            ),
            ["GP109"],
        ),
        "djb2": (
            (
                "def djb2(s: str) -> int:\n    h = 5381\n    for c in s:\n"
                "        h = (h * 33 + ord(c)) & 0xFFFFFFFF\n    return h\n"
            ),
            ["GP106"],
        ),
        # 32-bit masks that take bit fields apart or put them together are a codec
        "bit-fields": (
            (
                "import struct\ndef actions(items):\n    out = []\n    for last, it in items:\n"
                "        v = it.delta & 0x3FFFFFFF\n        v |= 0x80000000 if last else 0\n"
                "        out.append(struct.pack('>L', v))\n    return out\n"
            ),
            ["GP109"],
        ),
        "split-fields": (
            "def split(ids):\n    return [((i & 0xFFFF0000) >> 16, i & 0xFFFF) for i in ids]\n",
            ["GP109"],
        ),
        "packing": (
            "def pack(bits):\n    v = 0\n    for b in bits:\n        v = (v << 1) | b\n    return v\n",
            ["GP109"],
        ),
        "dot": (
            "def dot(a, b):\n    s = 0.0\n    for i in range(len(a)):\n        s += a[i] * b[i]\n    return s\n",
            ["GP102"],
        ),
    }
    for name, (code, expected) in cases.items():
        assert rules(code) == expected, name


def test_an_item_of_bytes_is_an_int_not_text() -> None:
    """``n = buf[pos]`` is an int: ``pos += 1 + n`` is no string building (GP104), and a
    walk over bytes is not a character scanner (GP105) without character tests."""
    code = """
        def skip(buf: bytes):
            pos = 0
            while pos < len(buf):
                n = buf[pos]
                pos += 1 + n
            return pos
    """
    assert not {"GP104", "GP105"} & set(rules(code))
    text = """
        def words(src: str):
            out = ''
            i = 0
            while i < len(src):
                c = src[i]
                out += c
                i += 1
            return out
    """
    assert "GP104" in rules(text)


def test_bytes_spliced_together_stay_bytes() -> None:
    code = """
        def strip(data: bytearray, cut: int):
            data = data[:cut] + data[cut + 2:]
            i = j = 0
            while j < 10:
                repeat = data[i] + 1
                j += repeat
                i += 1
            return j
    """
    assert "GP104" not in rules(code)
