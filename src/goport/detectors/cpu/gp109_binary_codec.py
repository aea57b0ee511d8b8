"""GP109 binary-codec: binary formats or bit fields decoded byte by byte in Python loops."""

from __future__ import annotations

import libcst as cst

from goport.detectors.base import Detector, Match, NoMatch
from goport.detectors.cpu._loops import (
    _binary_verdict,
    _bit_count,
    _checksum_verdict,
    _Loop,
    _OperatorLoops,
)
from goport.detectors.cpu._names import _TracksNames
from goport.detectors.cpu._shared import _BINARY_KINDS
from goport.model import Category

_STRUCT_FUNCS = frozenset({"pack", "unpack", "pack_into", "unpack_from", "iter_unpack"})

#: methods whose result is bytes whatever the receiver (``.encode()`` only without arguments or
#: with a literal codec: a JSON encoder's ``encode(obj)`` returns text)
_BYTES_METHODS = frozenset({"tobytes", "to_bytes", "recv", "fromhex", "digest"})


class BinaryCodecLoop(_OperatorLoops, _TracksNames, Detector):
    """Binary formats and bit fields encoded or decoded piece by piece in a loop.

    What it detects: a loop (statement or comprehension) that calls ``struct.pack/unpack/
    pack_into/unpack_from/iter_unpack`` (the module's functions, the methods of a
    ``struct.Struct`` or one of them bound to a name), ``int.from_bytes`` or ``.to_bytes``; or
    that subscripts or slices known ``bytes``/``bytearray``/``memoryview`` values, calls
    ``ord()``/``chr()`` and works with bit operators (``<< >> & | ^ ~``) together: length-prefixed
    record readers, varint and bit-packing loops (``while b & 0x80``, ``(v << 8) | b``), nibble
    and hex codecs. Reported once per outermost such loop, weighted by how much of that work it
    holds; a loop that is a checksum is GP106's.
    Why it matters for a Go port: each field decoded is several interpreted steps (a call into
    ``struct``, a tuple, boxed ints, a new bytes object per slice); in Go the same loop reads a
    ``[]byte`` in place with ``encoding/binary`` into fixed-width integers, with no allocation
    per field, and binary protocols (wire formats, file formats, framing) are Go's home ground.
    Go idiom: ``binary.BigEndian.Uint32(b[i:])``, ``binary.Uvarint``, ``binary.Read`` into a
    struct, ``[]byte`` sub-slices (no copy), ``math/bits`` and plain ``uint32`` arithmetic.
    Known limits: a struct call once per function, called from a loop elsewhere, is not seen,
    nor are loops at module level (they run once, at import: lookup tables; a script's main
    loop there is missed);
    bytes values are known only from annotations and assignments (literals, ``bytes()``,
    ``bytearray()``, ``memoryview()``, ``.encode()``); flag tests in conditions (``if mode &
    FLAG``, ``if mask & (1 << bit)``), ``chr()`` over a range of code points and bit operators on
    names alone (set unions) do not match by themselves.
    """

    ID = "GP109"
    NAME = "binary-codec"
    CATEGORY = Category.CPU
    WEIGHT = 2.0
    PYTHON = "struct.unpack / int.from_bytes / byte indexing and bit shifts in loops"
    GO_IDIOM = "encoding/binary (BigEndian.Uint32, Uvarint) over []byte sub-slices, math/bits"
    SUMMARY = "binary formats or bit fields decoded byte by byte in Python loops"
    MATCHES = (
        Match(
            """
            import struct
            def records(buf):
                off = 0
                while off < len(buf):
                    size, kind = struct.unpack_from('<IH', buf, off)
                    off += 6 + size
            """,
            line=4,
        ),
        Match(
            """
            def varint(data: bytes, pos: int):
                result = shift = 0
                while True:
                    b = data[pos]
                    pos += 1
                    result |= (b & 0x7F) << shift
                    if not b & 0x80:
                        return result, pos
                    shift += 7
            """,
            line=3,
        ),
        Match(
            """
            from struct import Struct
            HEADER = Struct('>HH')
            class Reader:
                def read(self, chunks):
                    return [HEADER.unpack(c) for c in chunks]
            """,
            line=5,
        ),
        Match(
            """
            def pack(bits):
                v = 0
                for b in bits:
                    v = (v << 1) | b
                return v
            """,
            line=3,
        ),
        Match(
            """
            def ids(blob: bytes):
                return [int.from_bytes(blob[i:i + 4], 'big') for i in range(0, len(blob), 4)]
            """,
            line=2,
        ),
        Match(
            """
            def xor(text: str, key: int) -> str:
                return ''.join(chr(ord(c) ^ key) for c in text)
            """,
            line=2,
        ),
    )
    NO_MATCHES = (
        NoMatch(
            """
            FLAG = 0x4
            def f(mode, items):
                if mode & FLAG:
                    return [i for i in items]
            """
        ),
        NoMatch(
            """
            FLAG = 0x4
            def f(items):
                for it in items:
                    if it.mode & FLAG:
                        print(it)
            """
        ),
        NoMatch(
            """
            import struct
            PACK = struct.Struct('>H').pack
            TABLE = tuple(PACK(i) for i in range(256))
            """
        ),
        NoMatch(
            """
            import struct
            def header(f):
                magic, n = struct.unpack('<II', f.read(8))
                return n
            """
        ),
        NoMatch(
            """
            def names(attributes, styles):
                return [styles[b] for b in range(4, 9) if attributes & (1 << b)]
            """
        ),
        NoMatch(
            """
            def letters(lo, hi):
                return ''.join(chr(c) for c in range(lo, hi) if chr(c).isalpha())
            """
        ),
        NoMatch(
            """
            def merge(groups):
                seen = set()
                for g in groups:
                    seen = seen | g.tags
                    common = seen & g.tags
                return common
            """
        ),
        NoMatch(
            """
            def crc32(data, table):
                c = 0xFFFFFFFF
                for b in data:
                    c = table[(c ^ b) & 0xFF] ^ (c >> 8)
                return c ^ 0xFFFFFFFF
            """
        ),
        NoMatch(
            """
            def total(text: str) -> int:
                n = 0
                for c in text:
                    n += ord(c)
                return n
            """
        ),
    )

    def judge(self, loop: _Loop) -> tuple[str, float] | None:
        stats = loop.stats
        if loop.fn is None:
            return None  # module or class level: runs once, at import (a lookup table)
        if _checksum_verdict(stats) is not None:
            return None  # GP106 reports it
        detail = _binary_verdict(stats)
        if detail is None:
            return None
        work = (
            sum(stats.codec_calls.values()) + stats.byte_index + stats.ord_chr + _bit_count(stats)
        )
        return f"binary codec loop: {detail}", min(3.0, 1.0 + 0.2 * work)

    # -- what a name holds: bytes, a struct.Struct, or one of its bound methods -------------------
    def value_kind(self, node: cst.BaseExpression) -> str | None:
        if isinstance(node, cst.Call):
            kind = self._call_kind(node)
            if kind is not None:
                return kind
        elif (
            isinstance(node, cst.Attribute)
            and node.attr.value in _STRUCT_FUNCS
            and self._is_struct(node.value)
        ):
            return "struct-method"  # unpack = struct.Struct("<I").unpack
        return super().value_kind(node)

    def _is_struct(self, node: cst.BaseExpression) -> bool:
        if isinstance(node, cst.Call):
            return self._call_kind(node) == "struct"
        return self.kind_of(node) == "struct"

    def _call_kind(self, node: cst.Call) -> str | None:
        """``struct`` for a ``struct.Struct(...)``, ``bytes`` for calls that return bytes."""
        func = node.func
        if isinstance(func, cst.Name):
            name = self.ctx.aliases.get(func.value, func.value)
            if name == "struct.Struct":
                return "struct"
            return "bytes" if name in ("struct.pack", "os.urandom") else None
        if not isinstance(func, cst.Attribute):
            return None
        attr = func.attr.value
        if attr in _BYTES_METHODS:
            return "bytes"
        if attr == "encode":
            literal = not node.args or isinstance(node.args[0].value, cst.SimpleString)
            return "bytes" if literal else None
        if attr == "Struct" and self.ctx.callee(node) == "struct.Struct":
            return "struct"
        if attr == "pack" and (
            self._is_struct(func.value) or self.ctx.callee(node) == "struct.pack"
        ):
            return "bytes"
        return None

    def leave_Assign(self, node: cst.Assign) -> None:
        _OperatorLoops.leave_Assign(self, node)
        _TracksNames.leave_Assign(self, node)

    # -- work in loops ----------------------------------------------------------------------------
    def leave_Call(self, node: cst.Call) -> None:
        if not self.loops:
            return
        func = node.func
        label: str | None = None
        if isinstance(func, cst.Name):
            name = self.ctx.aliases.get(func.value, func.value)
            if name in ("ord", "chr"):
                loop = self.innermost()
                if loop is not None:
                    loop.stats.ord_chr += 1
                    if name == "ord" and not (
                        node.args and isinstance(node.args[0].value, cst.SimpleString)
                    ):
                        loop.stats.ords += 1
                return
            if name.startswith("struct.") and name[7:] in _STRUCT_FUNCS:
                label = name
            elif self.kind_of(func) == "struct-method":
                label = f"struct {func.value}"
        elif isinstance(func, cst.Attribute):
            attr = func.attr.value
            if attr in _STRUCT_FUNCS:
                if self._is_struct(func.value):
                    label = f"Struct.{attr}"
                elif self.ctx.callee(node) == f"struct.{attr}":
                    label = f"struct.{attr}"
            elif attr == "to_bytes":
                label = "int.to_bytes"
            elif attr == "from_bytes" and self.ctx.callee(node) == "int.from_bytes":
                label = "int.from_bytes"
        if label is None:
            return
        loop = self.innermost()
        if loop is not None:
            calls = loop.stats.codec_calls
            calls[label] = calls.get(label, 0) + 1

    def leave_Subscript(self, node: cst.Subscript) -> None:
        if self.loops and self.kind_of(node.value) in _BINARY_KINDS:
            loop = self.innermost()
            if loop is not None:
                loop.stats.byte_index += 1
