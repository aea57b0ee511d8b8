"""The value encoding of golden cases, the merge of the processes' recordings, and where
``goport capture`` writes by default."""

from __future__ import annotations

import dataclasses
import enum
import json
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from goport.capture import codec
from goport.capture.cli import default_out
from goport.capture.merge import golden_document, golden_path, merge
from goport.capture.targets import Target
from goport.errors import InputError
from goport.model import Strategy


class Color(enum.IntEnum):
    RED = 1


class Flagged(int):
    """A subclass of int that is neither a record nor an enum."""


@pytest.mark.parametrize(
    ("value", "data"),
    [
        (b"\x00\xff", "AP8="),
        (bytearray(b"ab"), "YWI="),
        ((1, "a", None), [1, "a", None]),
        ({"k": [True, 1.5]}, {"k": [True, 1.5]}),
        (2**70, 2**70),
    ],
)
def test_encode(value: Any, data: Any) -> None:
    assert codec.encode(value) == data


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (float("nan"), "value: the float nan has no JSON form"),
        (
            Flagged(3),
            "value: a Flagged object (a subclass of int: its type would be lost) is not representable as JSON",
        ),
        ({1: "a"}, "value: a dict with int keys (JSON keys are strings)"),
        (["\udcff"], "value[0]: a str with lone surrogates (not valid UTF-8)"),
        ([object()], "value[0]: an object object is not representable as JSON"),
    ],
)
def test_unrepresentable_values_say_why(value: Any, reason: str) -> None:
    with pytest.raises(codec.Unrepresentable) as caught:
        codec.encode(value)
    assert str(caught.value) == reason


def test_a_container_holding_itself_is_refused() -> None:
    loop: list[Any] = []
    loop.append(loop)
    with pytest.raises(codec.Unrepresentable, match="nested deeper than 64 levels"):
        codec.encode(loop)


@pytest.mark.parametrize(
    ("value", "descriptor"),
    [
        (b"x", "bytes"),
        (bytearray(b"x"), "bytearray"),
        ((b"a", b"b"), "tuple[bytes, ...]"),
        ((1, b"a"), "tuple[int, bytes]"),
        ([[b"a"], []], "list[list[bytes]]"),
        ({"a": (1.0, 2.0)}, "dict[str, tuple[float, ...]]"),
        ([1, "a"], "list[any]"),
        (2.0, "float"),
        (None, "None"),
    ],
)
def test_decode_rebuilds_what_json_flattens(value: Any, descriptor: str) -> None:
    assert codec.describe(value) == descriptor
    back = codec.decode(json.loads(json.dumps(codec.encode(value))), descriptor)
    assert back == value and type(back) is type(value)


def test_merge_keeps_the_first_informative_descriptor() -> None:
    assert codec.merge("None", "int") == "int"
    assert codec.merge("list", "list[bytes]") == "list[bytes]"
    assert codec.merge("list[bytes]", "list") == "list[bytes]"
    assert codec.merge("int", "str") == "any"
    assert codec.parse("tuple[int, list[str]]") == ("tuple", ("int", "list[str]"))


def test_default_out_stays_out_of_the_project(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    (root / "sub").mkdir(parents=True)
    assert default_out(root, root) == Path("../proj-goport")
    assert default_out(root, root / "sub") == Path("../../proj-goport")
    assert default_out(root, tmp_path) == Path("goport-port")


def test_golden_paths_refuse_names_that_are_not_python_names(tmp_path: Path) -> None:
    assert golden_path(tmp_path, "a.b", "f") == tmp_path / "golden" / "a.b" / "f.json"
    with pytest.raises(InputError, match="not a dotted Python name"):
        golden_path(tmp_path, "a/../../x", "f")


def _target(name: str) -> Target:
    return Target("m", name, "m.py", "/m.py", ((1, 1),), name.title(), Strategy.GO_CLI, 1)


def test_merge_dedupes_across_processes_and_counts_a_dead_process_by_its_lines(
    tmp_path: Path,
) -> None:
    case = {"args": [1], "kwargs": {}, "result": 2}
    line = {"t": "case", "key": "m:f", "kind": "function", "case": case}
    typed = dict(line, types={"args": ["int"], "kwargs": {}, "result": "int"})
    skip = {"t": "skip", "key": "m:f", "why": "unserialisable", "reason": "arg 0: a socket"}
    finished = [{"t": "process"}, typed, {"t": "counts", "key": "m:f", "counts": {"calls": 3}}]
    died = [{"t": "process"}, typed, skip]  # killed: no counts line, and a cut last line
    (tmp_path / "1.jsonl").write_text("".join(json.dumps(x) + "\n" for x in finished))
    (tmp_path / "2.jsonl").write_text("".join(json.dumps(x) + "\n" for x in died) + '{"t": "ca')
    result = merge(tmp_path, [_target("f"), _target("g")], max_cases=50)
    f, g = result.functions
    assert result.processes == 2
    assert f.cases == (case,)
    assert f.counts["duplicates"] == 1  # the second process saw the same call
    assert f.counts["calls"] == 3 + 2  # counted, then one case and one skip line
    assert f.counts["unserialisable"] == 1 and f.reasons == ("arg 0: a socket",)
    assert (f.arg_types, f.result_type) == (("int",), "int")
    assert not g.cases and not g.counts["calls"]
    assert any("cut line" in fault for fault in result.faults)
    doc = golden_document(f)
    assert doc["go_name"] == "F" and doc["skipped"]["reasons"] == ["arg 0: a socket"]


def test_the_tracer_never_fails_the_program_when_its_folder_is_gone(tmp_path: Path) -> None:
    from goport.capture.tracer import Recorder

    recorder = Recorder({"parts": str(tmp_path / "gone"), "max_cases": 1, "targets": []})
    recorder.write({"t": "process"})  # a process that outlived the capture: no error
    assert recorder.broken
    recorder.close()


@pytest.mark.parametrize(
    ("old", "new", "merged"),
    [
        (
            "tuple[int, float, str, list[str]]",
            "tuple[int, float, str, list]",
            "tuple[int, float, str, list[str]]",
        ),
        (
            "tuple[int, float, str, list]",
            "tuple[int, float, str, list[str]]",
            "tuple[int, float, str, list[str]]",
        ),
        ("dict[str, list]", "dict[str, list[int]]", "dict[str, list[int]]"),
        ("list[int]", "list[str]", "list[any]"),
        ("tuple[int, ...]", "tuple[int, str]", "any"),
        ("tuple[int, str]", "tuple[int, str, str]", "any"),
        ("int", "str", "any"),
    ],
)
def test_descriptors_of_the_same_container_merge_item_by_item(
    old: str, new: str, merged: str
) -> None:
    """A decoder returns tuples as tuples even when one case's list was empty."""
    assert codec.merge(old, new) == merged


@dataclasses.dataclass(frozen=True)
class Span:
    start: int
    raw: bytes


class Pair(NamedTuple):
    left: str
    right: tuple[int, int]


@dataclasses.dataclass
class Tok:
    kind: Color
    span: Span
    pairs: list[Pair]


def test_records_and_enums_cross_as_the_scaffold_declares_them() -> None:
    """A dataclass or NamedTuple is an object of its fields, an enum member its value; the
    descriptor names their classes and fields, so the value comes back as it was."""
    value = Tok(Color.RED, Span(2, b"\x00a"), [Pair("x", (1, 2))])
    data = codec.encode(value)
    assert data == {
        "kind": 1,
        "span": {"start": 2, "raw": "AGE="},
        "pairs": [{"left": "x", "right": [1, 2]}],
    }
    described = codec.describe(value)
    here = __name__
    assert described == (
        f"record[{here}:Tok, kind: enum[{here}:Color], span: record[{here}:Span, start: int, "
        f"raw: bytes], pairs: list[record[{here}:Pair, left: str, right: tuple[int, ...]]]]"
    )
    assert codec.decode(json.loads(json.dumps(data)), described) == value
