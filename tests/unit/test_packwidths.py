"""Unsigned widths from struct formats: a value packed as ``Q`` is a uint64 in Go."""

from __future__ import annotations

import ast
import textwrap

import pytest

from goport.roadmap import surface
from goport.roadmap.packwidths import PackWidths, codes, module_formats


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("<QdH", ["Q", "d", "H"]),
        ("!2I10sx?", ["I", "I", "s", "?"]),
        ("@ q ", ["q"]),
        ("<Qz", None),
        ("hello", None),
        ("999999I", None),  # no record layout is that long
    ],
)
def test_codes_one_per_packed_value(fmt: str, expected: list[str] | None) -> None:
    assert codes(fmt) == expected


SOURCE = textwrap.dedent(
    """
    import struct
    from struct import Struct

    HEAD = struct.Struct("<QdH")
    PAIR = Struct(">II")
    FMT = "<Q"
    NAME = "not a format"

    def encode(record_id: int, score: float, size: int) -> bytes:
        return HEAD.pack(record_id, score, size)

    def put(buf: bytearray, a: int, b: int) -> None:
        PAIR.pack_into(buf, 0, a, b)

    def key(k: int) -> bytes:
        return struct.pack(FMT, k) + struct.pack("<q", k)

    def decode(data: bytes) -> tuple[int, float, int]:
        rid, score, size = HEAD.unpack_from(data, 0)
        return rid, score, size

    def plain(n: int) -> int:
        return n + 1
    """
)


def test_module_formats_and_pack_widths() -> None:
    tree = ast.parse(SOURCE)
    formats = module_formats(tree)
    assert formats == {"HEAD": "<QdH", "PAIR": ">II", "FMT": "<Q"}
    fn = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "put")
    widths = PackWidths(ast.walk(fn), {"buf", "a", "b"}, formats)
    assert widths.params == {"a": 32, "b": 32}


def test_surface_hints_carry_the_widths() -> None:
    hints = surface.read(SOURCE.encode()).hints
    assert dict(hints["encode"].masked_params) == {"record_id": 64}  # H is narrower than int
    assert dict(hints["put"].masked_params) == {"a": 32, "b": 32}
    assert dict(hints["key"].masked_params) == {"k": 64}  # Q; the signed q adds nothing
    assert hints["decode"].tuple_widths == (64, 0, 0)
    assert dict(hints["plain"].masked_params) == {} and hints["plain"].tuple_widths == ()
