"""GP106 pure-python-checksum: checksum or hash computed bit by bit in pure Python."""

from __future__ import annotations

from goport.detectors.base import Detector, Match, NoMatch
from goport.detectors.cpu._loops import _checksum_verdict, _Loop, _OperatorLoops
from goport.model import Category


class PurePythonChecksum(_OperatorLoops, Detector):
    """Hashes, checksums and compression written in pure Python.

    What it detects: a loop mixing at least two of shifts (``<<``, ``>>``), xor (``^``), masks
    (``& 0xFF``, ``% 65521``) and hex or well-known hash constants (``0xEDB88320``,
    ``16777619``), with at least three operators, one of them a xor or a hash's mixing step
    (``% 65521``, ``* 16777619``, a running sum wrapped by ``& 0xFFFFFFFF``): CRC tables and
    updates, Adler/FNV/djb2/murmur-style hashes. Reported once per outermost such loop.
    Why it matters for a Go port: each bit operation is an interpreted step on an arbitrary-size
    int, then masked back to 32 bits by hand; in Go it is one instruction on a ``uint32``, and
    ``hash/crc32``, ``hash/adler32``, ``hash/fnv`` already exist.
    Go idiom: the standard ``hash/crc32``, ``hash/adler32``, ``hash/fnv``, ``compress/*``
    packages, or the loop on ``uint32``/``uint64`` without masks.
    Known limits: library calls such as ``hashlib.sha256`` or ``zlib.crc32`` run in C and are
    not flagged; a bit-twiddling loop with a xor that is not a hash can match. Loops that only
    shift and mask (``(v >> 8) & 0xFF``, varints, ``v & 0x3FFFFFFF`` bit fields) are codecs,
    reported by GP109.
    """

    ID = "GP106"
    NAME = "pure-python-checksum"
    CATEGORY = Category.CPU
    WEIGHT = 2.5
    PYTHON = "CRC/Adler/FNV-style hash loops"
    GO_IDIOM = "hash/crc32, hash/adler32, hash/fnv, or the loop on uint32"
    SUMMARY = "checksum or hash computed bit by bit in pure Python"
    MATCHES = (
        Match(
            """
            def crc32(data, table):
                c = 0xFFFFFFFF
                for b in data:
                    c = table[(c ^ b) & 0xFF] ^ (c >> 8)
                return c ^ 0xFFFFFFFF
            """,
            line=3,
        ),
        Match(
            """
            def fnv1a(data: bytes) -> int:
                h = 2166136261
                for b in data:
                    h ^= b
                    h = (h * 16777619) & 0xFFFFFFFF
                return h
            """,
            line=3,
        ),
        Match(
            """
            def adler(data):
                a, b = 1, 0
                for x in data:
                    a = (a + x) % 65521
                    b = (b + a) % 65521
                return (b << 16) | a
            """,
            line=3,
        ),
    )
    NO_MATCHES = (
        NoMatch(
            """
            import hashlib
            def digest(chunks):
                h = hashlib.sha256()
                for c in chunks:
                    h.update(c)
                return h.hexdigest()
            """
        ),
        NoMatch(
            """
            def flags(items):
                for it in items:
                    if it.mode & 0x4:
                        print(it)
            """
        ),
        NoMatch(
            """
            def unpack(data):
                v = 0
                for b in data:
                    v = (v << 8) | b
                return v
            """
        ),
        NoMatch(
            """
            def f(ts):
                for t in ts:
                    print(t % 1000, (t // 1000) % 86400)
            """
        ),
        NoMatch(
            """
            def varint(data, pos):
                result = shift = 0
                while True:
                    b = data[pos]
                    pos += 1
                    result |= (b & 0x7F) << shift
                    if not b & 0x80:
                        return result, pos
                    shift += 7
            """
        ),
    )

    def judge(self, loop: _Loop) -> tuple[str, float] | None:
        detail = _checksum_verdict(loop.stats)
        if detail is None:
            return None
        return f"checksum-style bit loop: {detail}", self.WEIGHT
