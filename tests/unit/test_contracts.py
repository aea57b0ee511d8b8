"""Boundary contracts: the type mapping, and every generated file checked by its own tool
(protoc compiles each ``.proto``, jsonschema checks each schema and a sample request against it,
gofmt accepts each Go API file)."""

from __future__ import annotations

import importlib.resources
import importlib.util
import json
import shutil
import subprocess
import sys
import textwrap
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from goport import graph as graph_mod
from goport.extract import extract
from goport.model import Boundary, ModuleFacts, SourceFile, Strategy
from goport.planning import go_type
from goport.pytypes import parse
from goport.roadmap import surface
from goport.roadmap.contracts import contract_for, json_type, proto_type
from goport.roadmap.model import Contract, ContractKind

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "fixtures" / "demo_service"
SHAPES = ROOT / "tests" / "data" / "contracts"
MOVING = (Strategy.GO_SERVICE, Strategy.GO_WORKER, Strategy.GO_CLI, Strategy.GO_EXTENSION)

CLASSES = surface.read(
    textwrap.dedent(
        """
        class Color(enum.Enum):
            RED = 1
        @dataclass
        class Point:
            x: float
        class Span(NamedTuple):
            start: int
        class Options(TypedDict):
            depth: int
        class Sink(Protocol):
            def write(self, b: bytes) -> None: ...
        """
    ).encode()
).classes
KINDS = {name: c.kind for name, c in CLASSES.items()}

INT, STR = {"type": "integer"}, {"type": "string"}
VALUE = "google.protobuf.Value"


@pytest.mark.parametrize(
    ("annotation", "go", "proto", "schema"),
    [
        ("int", "int", "int64", INT),
        ("float", "float64", "double", {"type": "number"}),
        ("str", "string", "string", STR),
        ("bytes", "[]byte", "bytes", {"type": "string", "contentEncoding": "base64"}),
        ("bool", "bool", "bool", {"type": "boolean"}),
        ("None", "struct{}", VALUE, {"type": "null"}),
        ("Optional[int]", "*int", "optional int64", {"anyOf": [INT, {"type": "null"}]}),
        ("int | None", "*int", "optional int64", {"anyOf": [INT, {"type": "null"}]}),
        ("Union[int, str]", "any", VALUE, {"anyOf": [INT, STR]}),
        ("list[str]", "[]string", "repeated string", {"type": "array", "items": STR}),
        ("List[int]", "[]int", "repeated int64", {"type": "array", "items": INT}),
        (
            "dict[str, float]",
            "map[string]float64",
            "map<string, double>",
            {"type": "object", "additionalProperties": {"type": "number"}},
        ),
        (
            "set[int]",
            "[]int",
            "repeated int64",
            {"type": "array", "items": INT, "uniqueItems": True},
        ),
        (
            "tuple[int, str]",
            "struct{ F0 int; F1 string }",
            "TupleInt64String",
            {
                "type": "array",
                "prefixItems": [INT, STR],
                "items": False,
                "minItems": 2,
                "maxItems": 2,
            },
        ),
        ("tuple[int, ...]", "[]int", "repeated int64", {"type": "array", "items": INT}),
        ("Point", "*Point", "Point", {"$ref": "#/$defs/Point"}),  # dataclass
        ("Span", "*Span", "Span", {"$ref": "#/$defs/Span"}),  # NamedTuple
        ("Options", "*Options", "Options", {"$ref": "#/$defs/Options"}),  # TypedDict
        ("Color", "Color", "Color", {"$ref": "#/$defs/Color"}),  # Enum: by value
        (
            "Sink",
            "Sink",
            VALUE,
            {"description": "a callback interface: cannot cross a process boundary"},
        ),
        ("Optional[Sink]", "Sink", VALUE, None),  # an interface is already nilable
        ("Callable[[int], int]", "func(...any) any", VALUE, None),
        (None, "any", VALUE, {"description": "type not pinned yet: any JSON value"}),
        ("Iterator[bytes]", "<-chan []byte", "repeated bytes", None),
        ("'Point'", "*Point", "Point", {"$ref": "#/$defs/Point"}),
    ],
)
def test_type_mapping(
    annotation: str | None, go: str, proto: str, schema: dict[str, Any] | None
) -> None:
    assert go_type(annotation, KINDS) == go
    assert proto_type(parse(annotation), CLASSES) == proto
    if schema is not None:
        assert json_type(parse(annotation), CLASSES) == schema


# -- contracts for the fixtures ------------------------------------------------------------------


def _facts(root: Path, rel: str) -> ModuleFacts:
    module = rel.removesuffix(".py").removesuffix("/__init__").replace("/", ".")
    return extract(SourceFile(rel, str(root / rel), module), (root / rel).read_bytes())


@cache
def _contracts() -> tuple[tuple[str, Contract], ...]:
    """Every contract of every product module of demo_service and of the shapes fixture, for
    every strategy that moves the module."""
    out: list[tuple[str, Contract]] = []
    for root, package in ((DEMO, "demo_service"), (SHAPES, "shapes")):
        rels = sorted(p.relative_to(root).as_posix() for p in (root / package).glob("*.py"))
        facts = [_facts(root, rel) for rel in rels]
        by_module = {m.module: m for m in facts}
        graph = graph_mod.build(facts)
        for m in facts:
            if not m.functions:
                continue
            boundary = graph.boundary(m.module)
            callers = {
                by_module[c].rel_path: (root / by_module[c].rel_path).read_bytes()
                for c in boundary.imported_by
            }
            source = (root / m.rel_path).read_bytes()
            for strategy in MOVING:
                contract = contract_for(m, boundary, strategy, source, callers)
                assert contract is not None
                out.append((f"{m.rel_path} {strategy.value}", contract))
    return tuple(out)


def _of(kind: ContractKind) -> list[tuple[str, Contract]]:
    found = [(label, c) for label, c in _contracts() if c.kind is kind]
    assert len(found) >= 10  # every product module with code, and the shapes fixture
    return found


def _shapes(strategy: Strategy) -> Contract:
    return next(c for label, c in _contracts() if label == f"shapes/shapes.py {strategy.value}")


def test_no_contract_for_modules_that_stay() -> None:
    m = _facts(SHAPES, "shapes/shapes.py")
    source = (SHAPES / "shapes/shapes.py").read_bytes()
    for strategy in (Strategy.KEEP, Strategy.OPTIMISE_FIRST):
        assert contract_for(m, Boundary(0, 0, (), (), (), ()), strategy, source, {}) is None


def test_every_proto_compiles(tmp_path: Path) -> None:
    if importlib.util.find_spec("grpc_tools") is None:
        pytest.skip("grpcio-tools is not installed (pip install -e '.[test]' installs it)")
    include = importlib.resources.files("grpc_tools") / "_proto"
    texts = {c.text: c.filename for _label, c in _of(ContractKind.PROTO)}
    assert len(texts) >= 10
    for i, (text, filename) in enumerate(sorted(texts.items())):
        folder = tmp_path / str(i)
        folder.mkdir()
        (folder / filename).write_text(text)
        done = subprocess.run(
            [sys.executable, "-m", "grpc_tools.protoc", f"-I{folder}", f"-I{include}",
             f"--descriptor_set_out={folder / 'out.pb'}", filename],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert done.returncode == 0, f"{filename}:\n{done.stderr}\n{text}"


def _sample(schema: Any, root: dict[str, Any]) -> Any:
    """A small instance of ``schema``: the first alternative, every property, one item."""
    if schema is True or not isinstance(schema, dict):
        return None
    if "$ref" in schema:
        target: Any = root
        for part in schema["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        return _sample(target, root)
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][0]
    for key in ("oneOf", "anyOf"):
        if key in schema:
            return _sample(schema[key][0], root)
    kind = schema.get("type")
    if kind == "object":
        props = schema.get("properties", {})
        if props:
            return {k: _sample(v, root) for k, v in props.items()}
        extra = schema.get("additionalProperties", {})
        return {"1": _sample(extra, root)} if isinstance(extra, dict) else {}
    if kind == "array":
        if "prefixItems" in schema:
            return [_sample(s, root) for s in schema["prefixItems"]]
        return [_sample(schema.get("items", {}), root)]
    if kind == "integer":
        return schema.get("minimum", 7)
    return {"string": "eA==", "number": 1.5, "boolean": True, "null": None}.get(kind, "any")


def test_every_schema_is_a_valid_json_schema_that_accepts_a_sample_request() -> None:
    checked = 0
    for label, contract in _of(ContractKind.JSON_SCHEMA):
        schema = json.loads(contract.text)
        Draft202012Validator.check_schema(schema)
        validator = Draft202012Validator(schema)
        requests = schema["$defs"]["request"].get("oneOf", [])
        checked += bool(requests)
        for ref in requests:
            request = _sample(ref, schema)
            assert set(request) == {"call", "args"}
            errors = list(validator.iter_errors(request))
            assert not errors, f"{label}: {request} {errors[0].message}"
            wrong = {**request, "call": "no_such_function"}
            assert list(validator.iter_errors(wrong)), label
        response = _sample(schema["$defs"]["response"], schema)
        assert not list(validator.iter_errors(response)), label
    assert checked >= 12  # demo_service's api.py exposes only its app object: no request


def test_every_go_api_is_gofmt_clean(tmp_path: Path) -> None:
    gofmt = shutil.which("gofmt")
    if gofmt is None:
        pytest.skip("gofmt is not on PATH (Debian: apt-get install golang-go)")
    for i, (_label, contract) in enumerate(_of(ContractKind.GO_API)):
        (tmp_path / f"{i}_{contract.filename}").write_text(contract.text)
    done = subprocess.run([gofmt, "-l", str(tmp_path)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "", "not gofmt-formatted:\n" + "\n".join(
        Path(p).read_text() for p in done.stdout.split()
    )


# -- what the contracts say ----------------------------------------------------------------------


def test_proto_has_rpcs_messages_enums_streams_and_unsigned_hashes() -> None:
    text = _shapes(Strategy.GO_SERVICE).text
    assert "service ShapesService {" in text
    assert "rpc Points(PointsRequest) returns (stream PointsResponse);" in text  # a generator
    assert "rpc NewCounter(NewCounterRequest)" in text  # a stateful class: a handle
    assert "message CounterAddRequest {\n  string handle = 1;\n  string key = 2;\n}" in text
    assert "message Hash64Response {\n  uint64 result = 1;\n}" in text  # masked to 64 bits
    assert "enum Color {\n  COLOR_UNSPECIFIED = 0;\n  COLOR_RED = 1;" in text
    assert (
        "message Point {\n  double x = 1;\n  double y = 2;\n  optional string label = 3;\n}" in text
    )
    assert "repeated TupleInt64Int64StringEntry table = 1;" in text  # tuple keys: entries
    assert "repeated ListDoubleList result = 1;" in text  # list of lists: a wrapper
    assert "double by = 2;" in text  # pinned by the literal the caller passes
    assert "message SpansResponse {\n  repeated Span result = 1;\n}" in text  # docstring types
    assert 'import "google/protobuf/struct.proto";' in text
    assert "Callback interfaces (Sink, Store)" in text
    assert "Exceptions (LimitError) become gRPC status errors" in text
    assert "message LimitError" not in text


def test_go_api_reads_like_go() -> None:
    text = _shapes(Strategy.GO_EXTENSION).text
    assert text.startswith("// Package shapes ")
    assert "func NewCounter(limit int) (*Counter, error) {" in text  # __init__ raises
    assert "func (c *Counter) Add(key string) int {" in text
    assert "func Hash64(data []byte) uint64 {" in text
    assert "func Checked(value int) (int, error) {" in text
    assert "func UsesChecked(value int) (int, error) {" in text  # its callee raises
    assert "func Fetch(ctx context.Context, url string, timeout float64) ([]byte, error) {" in text
    assert "func Points(ctx context.Context, n int) <-chan *Point {" in text
    assert (
        "func Pairs(table map[TupleIntInt]string, seen []int, box *Box, opts *Options) (int, string) {"
        in text
    )
    assert "type TupleIntInt struct {\n\tF0 int\n\tF1 int\n}" in text
    assert "func Decode(raw []byte) string {" in text  # Sphinx docstring
    assert "func Spans(text string, size int) []*Span {" in text  # Google docstring
    assert "type Sink interface {\n\tWrite(record []byte)\n}" in text
    assert "type Store interface {\n\tGet(key string) []byte\n}" in text
    assert "type Color int\n\nconst (\n\tColorRed   Color = 1\n\tColorGreen Color = 2\n)" in text
    assert "type Point struct {\n\tX     float64\n\tY     float64\n\tLabel *string\n}" in text
    assert "type_ string" in text  # a Go keyword as a parameter name
    assert 'import "context"' in text
    error = "type LimitError struct {\n\tMsg string\n}\n\nfunc (e *LimitError) Error() string {"
    assert error + " return e.Msg }" in text


def test_schema_describes_requests_and_responses() -> None:
    schema = json.loads(_shapes(Strategy.GO_CLI).text)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    defs = schema["$defs"]
    assert defs["hash64.response"]["properties"]["result"] == {
        "type": "integer",
        "minimum": 0,
        "maximum": 2**64 - 1,
    }
    assert defs["Color"]["enum"] == [1, 2]
    assert defs["Counter.add.request"]["properties"]["args"]["required"] == ["handle", "key"]
    assert "JSON Lines" in defs["points.response"]["description"]
    validator = Draft202012Validator(schema)
    assert not list(validator.iter_errors({"call": "checked", "args": {"value": 3}}))
    assert list(validator.iter_errors({"call": "checked", "args": {"value": "3"}}))
    assert not list(validator.iter_errors({"error": {"type": "ValueError", "message": "negative"}}))


def test_unknown_types_say_where_to_pin_them() -> None:
    contract = _shapes(Strategy.GO_SERVICE)
    assert contract.unknown_types == (
        (
            "scale(by): parameter 'by' has no annotation; callers pass float at "
            "shapes/caller.py:15, used here; annotate it at shapes/shapes.py:106"
        ),
    )
    assert "Counter" in contract.names and "hash64" in contract.names


def test_unpinned_parameters_and_returns_are_listed_and_fall_back() -> None:
    code = b"def f(x, y):\n    return x\n\n\nclass R:\n    def __init__(self, z):\n        self.z = z\n"
    m = extract(SourceFile("m.py", "m.py", "m"), code)
    boundary = Boundary(1, 0, ("c",), (), ("R", "f"), ())
    caller = {"c.py": b"from m import f\nf(1, y=b'x')\n"}
    proto = contract_for(m, boundary, Strategy.GO_WORKER, code, caller)
    assert proto is not None
    assert proto.unknown_types == (
        "R.z: the field has no annotation; annotate it at m.py:7",
        "R.__init__(z): parameter 'z' has no annotation; annotate it at m.py:6",
        "f(x): parameter 'x' has no annotation; callers pass int at c.py:2, used here; annotate it at m.py:1",
        "f(y): parameter 'y' has no annotation; callers pass bytes at c.py:2, used here; annotate it at m.py:1",
        "f(): the return type is not annotated; annotate it at m.py:1",
    )
    assert "message FRequest {\n  int64 x = 1;\n  bytes y = 2;\n}" in proto.text
    assert "google.protobuf.Value result = 1;" in proto.text  # the unpinned return
    go = contract_for(m, boundary, Strategy.GO_EXTENSION, code, {})
    assert go is not None
    assert "func NewR(z any) *R { // any: annotate z to pin the type" not in go.text
    assert "// any: annotate z to pin the type.\nfunc NewR(z any) *R {" in go.text


def test_chatty_call_sites_in_loops_with_advice() -> None:
    ext = _shapes(Strategy.GO_EXTENSION).chatty
    assert [c.split(" calls ")[0] for c in ext] == [
        "shapes/caller.py:11",
        "shapes/caller.py:12",
        "shapes/caller.py:14",
        "shapes/caller.py:16",
    ]
    assert "hash64() inside a loop over `lines` at line 10: one crossing per item" in ext[0]
    assert "callee loops over its input" in ext[0]  # hash64 loops: each call carries work
    assert "Counter.add()" in ext[1] and "batch it (add AddBatch" in ext[1]
    assert "2 nested loops" in ext[2]
    assert "about 3 crossings per call of the enclosing code" in ext[3]  # range(3)
    service = _shapes(Strategy.GO_SERVICE).chatty
    assert "100 µs" in service[0] and "Hash64Batch" in service[0]  # a round trip: batch anyway


def test_demo_tokenizer_contract() -> None:
    contract = next(
        c for label, c in _contracts() if label == "demo_service/tokenizer.py go-extension"
    )
    assert "func Fnv1a32(data []byte) uint32 {" in contract.text
    assert "func TokenizeLine(line string, maxTokens int) []*Token {" in contract.text
    assert "type TokenKind string" in contract.text
    assert any("workers.py" in c and "tokenize_line()" in c for c in contract.chatty)


def test_broken_and_hostile_code_gives_a_contract_not_a_traceback() -> None:
    code = b"def f(x: int) -> int:\n    return x\n"
    m = extract(SourceFile("m.py", "m.py", "m"), code)
    boundary = Boundary(1, 0, ("c",), (), ("f",), ())
    deep = b"x = " + b"(" * 5000 + b"1" + b")" * 5000 + b"\n"
    callers = {"c.py": b"def broken(:\n", "d.py": deep, "e.py": b"from m import f\nf('\x1b[2J')\n"}
    for source in (code, b"def f(x: int) -> int\n", deep):
        for strategy in MOVING:
            contract = contract_for(m, boundary, strategy, source, callers)
            assert contract is not None and "f" in contract.names
    weird = b"MASK = 2 ** 10 ** 10\ndef f(x: 'list[' ) -> int:\n    return x & MASK\n"
    m2 = extract(SourceFile("m.py", "m.py", "m"), weird)
    contract = contract_for(m2, boundary, Strategy.GO_EXTENSION, weird, {})
    assert contract is not None and "func F(x any) int" in contract.text
