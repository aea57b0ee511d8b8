"""The cache's data-only encoding: exact round trips, and every structural mismatch refused."""

from __future__ import annotations

import copy
import dataclasses
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from goport import model, serial
from goport.extract import ExtractError, digest_bytes, extract
from goport.model import (
    AnalysisError,
    CallKind,
    CallSite,
    Category,
    ClassFacts,
    FileKind,
    Finding,
    FunctionFacts,
    Import,
    Metrics,
    ModuleFacts,
    Param,
    SourceFile,
    Span,
    Suppression,
    Trait,
    WorkShape,
)

ROOT = Path(__file__).resolve().parents[2]
FIXTURE_FILES = sorted((ROOT / "fixtures").glob("*/**/*.py"))


def _finding(line: int, *, category: Category = Category.CPU, weight: float = 1.5) -> Finding:
    return Finding(
        rule="GP101",
        name="nested-loops",
        category=category,
        span=Span(line, line + 2, 4, 17),
        symbol="Outer.method",
        message="for in for: \u00e9\u4e2d \U0001f600",
        weight=weight,
        go_idiom="plain loops",
        construct="for",
        traits=(Trait.NETWORK, Trait.CHEAP_FIX),
    )


def _edge_facts() -> ModuleFacts:
    """Every optional field set, every tuple non-empty, awkward strings and numbers."""
    function = FunctionFacts(
        qualname="Outer.method",
        span=Span(3, 9),
        complexity=2**62,
        loop_depth=0,
        is_async=True,
        params=(
            Param("self"),
            Param("x", "int | None", "None", "keyword-only"),
            Param("args", None, None, "var-positional"),
        ),
        returns="dict[str, list[int]]",
        calls=("math.sqrt", "os.path.join"),
        findings=(_finding(4), _finding(5, category=Category.BLOCKER, weight=0)),
        sloc=7,
        decorators=("functools.cache",),
        call_sites=(
            CallSite("pkg.m\u00f6d.Outer.__getitem__", 2, CallKind.DUNDER, 1, 3),
            CallSite("visit", 0, CallKind.ATTR),
        ),
        work=WorkShape(9, 4, 1, 2, 1, 3, 2, 5, 2, True, True),
    )
    return ModuleFacts(
        # a file name that was not UTF-8 (surrogateescape), a bidi control, an escape sequence
        rel_path="pkg/\udcff\u202e\x1b[2J.py",
        module="pkg.m\u00f6d",
        digest="0" * 32,
        metrics=Metrics(10, 8, 6, 1, 1, 3, 2, 123.456789012345, None, 40, 7, 5),
        imports=(Import("numpy", "np", 1), Import("a.b.C", "C", 2, is_from=True)),
        functions=(function,),
        classes=(ClassFacts("Outer", Span(2, 9), ("Base", "abc.ABC"), ("method",)),),
        findings=(_finding(4), _finding(5, category=Category.BLOCKER, weight=0)),
        suppressions=(Suppression(7, ()), Suppression(8, ("GP1", "GP203"))),
        keep_python='reason with "quotes" and \\ and \n newline',
        names_used=(("numpy", "array"), ("os", "")),
        is_test=True,
        has_main_guard=True,
        notes=("radon could not parse this file", ""),
        kind=FileKind.GENERATED,
        kind_reason='its first lines say "DO NOT EDIT"',
        module_call_sites=(CallSite("pkg.m\u00f6d.Outer", 0, CallKind.EXACT, 1),),
        module_work=WorkShape(statements=3),
        aliases=(("mask", "pkg.m\u00f6d._mask_python"), ("", "")),
    )


def _fixture_entries() -> Iterator[ModuleFacts | AnalysisError]:
    for path in FIXTURE_FILES:
        rel = path.relative_to(ROOT).as_posix()
        data = path.read_bytes()
        source = SourceFile(rel_path=rel, abs_path=str(path), module=rel[:-3].replace("/", "."))
        try:
            yield extract(source, data, digest_bytes(data))
        except ExtractError as exc:
            yield AnalysisError(rel, exc.stage, str(exc))


# -- round trips -----------------------------------------------------------------------------------


def test_every_fixture_file_round_trips_exactly() -> None:
    entries = list(_fixture_entries())
    assert len(entries) >= 30
    assert sum(isinstance(e, ModuleFacts) and bool(e.functions) for e in entries) >= 20
    for entry in entries:
        decoded = serial.loads(serial.dumps(entry))
        assert decoded == entry, entry.rel_path
        assert type(decoded) is type(entry)


def test_edge_values_round_trip_exactly() -> None:
    facts = _edge_facts()
    decoded = serial.loads(serial.dumps(facts))
    assert decoded == facts
    assert isinstance(decoded, ModuleFacts)
    assert decoded.findings[0].category is Category.CPU  # the enum member, not its value
    assert decoded.findings[0].traits == (Trait.NETWORK, Trait.CHEAP_FIX)
    assert all(type(t) is Trait for t in decoded.findings[0].traits)
    assert type(decoded.functions[0].params) is tuple
    assert decoded.metrics.maintainability is None


def test_extracted_findings_keep_their_detectors_traits() -> None:
    """Scoring reads traits from cached findings: they are stored, not looked up again."""
    data = b"from flask import Flask\napp = Flask(__name__)\n\n@app.get('/x')\ndef x():\n    pass\n"
    facts = extract(SourceFile("m.py", "m.py", "m"), data, digest_bytes(data))
    handler = next(f for f in facts.findings if f.rule == "GP301")
    assert handler.traits == (Trait.NETWORK, Trait.SERVING)
    decoded = serial.loads(serial.dumps(facts))
    assert isinstance(decoded, ModuleFacts)
    assert decoded.findings == facts.findings


def test_an_analysis_error_round_trips() -> None:
    error = AnalysisError("bad.py", "parse", "syntax error at line 1")
    assert serial.loads(serial.dumps(error)) == error


def test_a_whole_tree_s_run_round_trips_exactly(tmp_path: Path) -> None:
    """Every candidate of a real ranking (factors, estimates, findings, plans) comes back equal."""
    from goport.config import load
    from goport.pipeline import run

    result = run(load(ROOT / "fixtures" / "demo_service", {"use_cache": False, "history": False}))
    tree = model.TreeRun(
        ranking=model.Ranking(result.ranking, result.decided, result.summary.findings),
        errors=(AnalysisError("bad.py", "parse", "x"),),
        set_apart=(model.SetApart("bench/b.py", FileKind.BENCHMARK, "in benchmarks/"),),
        files_analysed=result.summary.files_analysed,
        test_files=result.summary.test_files,
    )
    assert any(c.estimate and c.estimate.functions for c in tree.ranking.candidates)

    decoded = serial.loads_run(serial.dumps(tree))

    assert decoded == tree
    assert decoded.ranking.candidates[0].strategy is tree.ranking.candidates[0].strategy


def test_each_loader_takes_only_its_own_kinds() -> None:
    """A run entry is never read as a file's facts, nor a file's facts as a run."""
    facts = serial.dumps(_edge_facts())
    tree = serial.dumps(model.TreeRun(model.Ranking((), (), 0), (), (), 0, 0))
    with pytest.raises(serial.DecodeError):
        serial.loads(tree)
    with pytest.raises(serial.DecodeError):
        serial.loads_run(facts)
    assert serial.loads_run(tree) == model.TreeRun(model.Ranking((), (), 0), (), (), 0, 0)


def test_decoded_objects_are_only_the_models_classes() -> None:
    allowed = {str, int, float, bool, type(None), tuple, Category, FileKind, Trait, CallKind}
    allowed |= {cls for cls in vars(model).values() if dataclasses.is_dataclass(cls)}

    def walk(value: object) -> Iterator[type]:
        yield type(value)
        if dataclasses.is_dataclass(value):
            for field in dataclasses.fields(value):
                yield from walk(getattr(value, field.name))
        elif isinstance(value, tuple):
            for item in value:
                yield from walk(item)

    seen = set(walk(serial.loads(serial.dumps(_edge_facts()))))
    assert seen <= allowed
    assert {ModuleFacts, FunctionFacts, Param, Finding, Span, Category, FileKind, Trait} <= seen
    assert {CallSite, CallKind, WorkShape} <= seen


def test_the_encoding_is_compact_positional_ascii_json() -> None:
    data = serial.dumps(AnalysisError("a\udcff.py", "read", "caf\u00e9"))
    assert data == b'["error",["a\\udcff.py","read","caf\\u00e9"]]'


def test_generated_decoders_name_no_field_and_no_builtin_they_do_not_need() -> None:
    source = serial.decoder_source()
    assert "rel_path" not in source and "qualname" not in source
    for word in ("import", "getattr", "setattr", "eval", "exec", "open", "globals"):
        assert word not in source, word
    assert set(re.findall(r"__\w+", source)) == {"__class__"}


# -- values that cannot be encoded faithfully ------------------------------------------------------


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), float("-inf")])
def test_a_non_finite_float_is_not_encoded(bad: float) -> None:
    facts = dataclasses.replace(
        _edge_facts(), metrics=dataclasses.replace(_edge_facts().metrics, halstead_volume=bad)
    )
    with pytest.raises(serial.EncodeError):
        serial.dumps(facts)


def test_a_foreign_value_is_not_encoded() -> None:
    with pytest.raises(serial.EncodeError):
        serial.dumps(Span(1, 2))  # type: ignore[arg-type]
    facts = dataclasses.replace(_edge_facts(), notes=(object(),))  # type: ignore[arg-type]
    with pytest.raises(serial.EncodeError):
        serial.dumps(facts)


# -- mismatches ------------------------------------------------------------------------------------

Tree = list[Any]


def _tree() -> Tree:
    tree: Tree = json.loads(serial.dumps(_edge_facts()))
    return tree


# field positions in the encoded ModuleFacts: see ModuleFacts' field order
_METRICS, _FUNCTIONS, _FINDINGS, _KEEP, _NAMES_USED, _IS_TEST = 3, 5, 7, 9, 10, 11


def _set(path: tuple[int, ...], value: object) -> Callable[[Tree], None]:
    def mutate(tree: Tree) -> None:
        node = tree[1]
        for index in path[:-1]:
            node = node[index]
        node[path[-1]] = value

    return mutate


def _append(path: tuple[int, ...], value: object) -> Callable[[Tree], None]:
    def mutate(tree: Tree) -> None:
        node = tree[1]
        for index in path:
            node = node[index]
        node.append(value)

    return mutate


def _drop_last(path: tuple[int, ...]) -> Callable[[Tree], None]:
    def mutate(tree: Tree) -> None:
        node = tree[1]
        for index in path:
            node = node[index]
        node.pop()

    return mutate


# a finding: [rule, name, category, span, symbol, message, weight, go_idiom, construct, traits]
_FINDING = (_FINDINGS, 0)
_SPAN = (*_FINDING, 3)
_PARAM = (_FUNCTIONS, 0, 5, 1)

MUTATIONS: dict[str, Callable[[Tree], None]] = {
    "module-facts-one-field-short": _drop_last(()),
    "module-facts-one-field-too-many": _append((), None),
    "span-one-field-short": _drop_last(_SPAN),
    "param-one-field-too-many": _append(_PARAM, "extra"),
    "string-where-an-int-belongs": _set((*_SPAN, 0), "4"),
    "true-where-an-int-belongs": _set((*_SPAN, 0), True),
    "float-where-an-int-belongs": _set((*_SPAN, 0), 4.0),
    "int-where-a-bool-belongs": _set((_IS_TEST,), 1),
    "null-where-a-string-belongs": _set((*_FINDING, 0), None),
    "string-where-a-float-belongs": _set((*_FINDING, 6), "1.5"),
    "unknown-enum-value": _set((*_FINDING, 2), "gpu"),
    "enum-value-of-another-type": _set((*_FINDING, 2), 1),
    "unhashable-enum-value": _set((*_FINDING, 2), ["cpu"]),
    "enum-name-instead-of-value": _set((*_FINDING, 2), "CPU"),
    "unknown-trait": _append((*_FINDING, 9), "gpu-bound"),
    "trait-name-instead-of-value": _set((*_FINDING, 9), ["NETWORK"]),
    "traits-as-a-string": _set((*_FINDING, 9), "network"),
    "object-instead-of-a-dataclass": _set(_SPAN, {"line": 4, "end_line": 6}),
    "dataclass-nested-one-level-too-deep": _set(_SPAN, [[4, 6, 4, 17]]),
    "string-instead-of-a-tuple": _set((_FUNCTIONS, 0, 7), "math.sqrt"),
    "int-in-a-tuple-of-strings": _set((_FUNCTIONS, 0, 7), ["math.sqrt", 3]),
    "pair-of-three": _set((_NAMES_USED, 0), ["numpy", "array", "x"]),
    "list-where-optional-string-belongs": _set((_KEEP,), ["reason"]),
    "metrics-as-null": _set((_METRICS,), None),
    "unknown-kind": lambda tree: tree.__setitem__(0, "pickle"),
    "kind-of-the-other-class": lambda tree: tree.__setitem__(0, "error"),
    "no-kind": lambda tree: tree.pop(0),
    "top-level-object": lambda tree: tree.__setitem__(slice(None), [{"facts": tree[1]}, 0]),
}


@pytest.mark.parametrize("mutate", MUTATIONS.values(), ids=MUTATIONS.keys())
def test_a_structural_mismatch_is_a_decode_error(mutate: Callable[[Tree], None]) -> None:
    tree = _tree()
    mutated = copy.deepcopy(tree)
    mutate(mutated)
    data = json.dumps(mutated).encode()
    assert data != json.dumps(tree).encode()  # (4.0 == 4 and 1 == True in Python)
    with pytest.raises(serial.DecodeError):
        serial.loads(data)


def _float_field(text: str) -> bytes:
    """The edge facts with the halstead volume written as ``text``."""
    good = serial.dumps(_edge_facts())
    assert good.count(b"123.456789012345") == 1
    return good.replace(b"123.456789012345", text.encode())


RAW: dict[str, bytes] = {
    "empty": b"",
    "not-json": b"\x80\x04\x95 a pickle, perhaps",
    "truncated": serial.dumps(_edge_facts())[:-7],
    "trailing-garbage": serial.dumps(_edge_facts()) + b" []",
    "not-ascii": serial.dumps(_edge_facts()).replace(b"pkg.m", "pkg.m\u00e9".encode()),
    "NaN": _float_field("NaN"),
    "Infinity": _float_field("Infinity"),
    "-Infinity": _float_field("-Infinity"),
    "overflowing-float": _float_field("1e999"),
    "int-of-a-million-digits": _float_field("9" * 1_000_000),
    "nested-a-million-deep": b"[" * 1_000_000 + b"]" * 1_000_000,
    "null": b"null",
    "bare-string": b'"facts"',
}


@pytest.mark.parametrize("data", RAW.values(), ids=RAW.keys())
def test_bytes_that_are_not_an_entry_are_a_decode_error(data: bytes) -> None:
    with pytest.raises(serial.DecodeError):
        serial.loads(data)


def test_a_float_field_accepts_an_int_but_an_int_field_refuses_a_float() -> None:
    facts = _edge_facts()
    assert serial.loads(_float_field("123")) == dataclasses.replace(
        facts, metrics=dataclasses.replace(facts.metrics, halstead_volume=123)
    )
    tree = _tree()
    tree[1][_METRICS][0] = 10.0  # loc
    with pytest.raises(serial.DecodeError):
        serial.loads(json.dumps(tree).encode())
