"""What keeps names from the scanned tree safe in generated Go: identifiers, string literals,
comments, gofmt's alignment, literal defaults and the Go types of Python annotations."""

from __future__ import annotations

import re

import pytest

from goport.pytypes import ClassKind
from goport.pytypes import parse as parse_type
from goport.scaffold.build import _literal_json
from goport.scaffold.gotypes import Types
from goport.scaffold.model import Crossing
from goport.scaffold.names import Scope, camel, comment, exported, go_string, package_name
from goport.scaffold.render import align

_GO_ESCAPE = re.compile(r'\\(["\\]|x[0-9a-f]{2}|u[0-9a-f]{4}|U[0-9a-f]{8})')


def _go_unquote(literal: str) -> bytes:
    """What Go's compiler reads from an interpreted string literal (the escapes go_string writes)."""
    assert literal[0] == literal[-1] == '"'
    out = bytearray()
    pos = 1
    for match in _GO_ESCAPE.finditer(literal, 1, len(literal) - 1):
        out += literal[pos : match.start()].encode("ascii")
        code = match.group(1)
        if code in ('"', "\\"):
            out += code.encode()
        elif code[0] == "x":
            out.append(int(code[1:], 16))
        else:
            out += chr(int(code[1:], 16)).encode("utf-8")
        pos = match.end()
    tail = literal[pos:-1]
    assert '"' not in tail and "\\" not in tail, literal
    return bytes(out + tail.encode("ascii"))


@pytest.mark.parametrize(
    "text",
    [
        "plain",
        'say "hi" \\ */ // +build',
        "line\nbreak\rreturn\ttab\x00nul\x7f",
        "\u2028sep \u202eRTL \ufeffbom é 漢字 🐍",
    ],
)
def test_go_string_is_ascii_and_reads_back_as_the_text(text: str) -> None:
    literal = go_string(text)
    assert literal.isascii() and "\n" not in literal
    assert _go_unquote(literal) == text.encode("utf-8")


def test_go_string_writes_an_undecodable_byte_back_as_that_byte() -> None:
    name = b"caf\xe9.py".decode("utf-8", "surrogateescape")
    assert _go_unquote(go_string(name)) == b"caf\xe9.py"
    assert _go_unquote(go_string("\ud800")) == "\ufffd".encode()  # no code point Go accepts


def test_comment_is_one_line_gofmt_leaves_alone() -> None:
    text = comment("a\nb\r\u2028c ``quoted'' */")
    assert "\n" not in text and "\r" not in text and "\u2028" not in text
    assert "``" not in text and "''" not in text


def test_scope_hands_out_valid_unique_names() -> None:
    scope = Scope({"Dispatch"})
    assert scope.take("Dispatch") == "Dispatch2"
    assert scope.take("Dispatch") == "Dispatch3"
    assert scope.take("type") == "type_"  # a keyword
    local = Scope()
    assert local.take("len", local=True) == "len_"  # a predeclared name
    assert local.take("json", local=True) == "json_"  # an imported package
    assert local.take("a0", local=True) == "a0_"  # a dispatch wrapper's local
    assert local.take("len") == "len"  # an exported-scope use may keep it (methods, fields)
    assert Scope().take("goportCall0") == "pyGoportCall0"  # the runtime's own names
    assert Scope().take("9lives") == "X9lives"


@pytest.mark.parametrize(
    ("name", "want"),
    [("naïve", "NaU00EFve"), ("_private", "Xprivate"), ("", "X"), ("x-y", "XU002Dy")],
)
def test_exported_names_are_ascii_identifiers(name: str, want: str) -> None:
    assert exported(name) == want
    assert re.fullmatch(r"[A-Z][A-Za-z0-9_]*", exported(name))


def test_camel_and_package_names() -> None:
    assert camel("max_tokens") == "maxTokens"
    assert camel("__") == "x"
    assert package_name("main") == "mainpkg"
    assert package_name("testdata") == "testdatapkg"  # the go tool skips such a folder
    assert package_name("python") == "pythonpkg"  # goport shim's folder under the same --out
    assert package_name("9lives") == "x9lives"
    assert package_name("_hidden") == "hidden"
    assert package_name("módulo") == "mu00f3dulo"


def test_align_pads_columns_over_runs_of_rows_as_gofmt_does() -> None:
    rows = [("A", "int", '`json:"a"`'), ("Longer", "string"), ("B", "[]byte", '`json:"b"`')]
    assert align(rows) == [
        '\tA      int `json:"a"`',
        "\tLonger string",
        '\tB      []byte `json:"b"`',
    ]
    assert align([("X", "T", "= 1"), ("Name", "T", "= 22")]) == ["\tX    T = 1", "\tName T = 22"]


@pytest.mark.parametrize(
    ("default", "want"),
    [
        ("3", "3"),
        ("'\\n*/'", '"\\n*/"'),
        ("b'ab'", '"YWI="'),
        ("None", "null"),
        ("(1, 'x')", '[1, "x"]'),
        ("{'k': [True]}", '{"k": [true]}'),
        ("1e400", None),  # infinite: no JSON form
        ("{1: 2}", None),  # not a str key
        ("object()", None),  # not a literal
        (None, None),
    ],
)
def test_literal_defaults_as_json(default: str | None, want: str | None) -> None:
    assert _literal_json(default) == want


def test_python_types_as_go_types_that_compile_and_decode() -> None:
    types = Types(Scope())
    types.enum_bases["Kind"] = "string"
    types.use(
        {
            "Token": (ClassKind.RECORD, "Token"),
            "Kind": (ClassKind.ENUM, "Kind"),
            "Index": (ClassKind.CLASS, "Index"),
            "Hook": (ClassKind.INTERFACE, ""),
        }
    )

    def go(text: str) -> str:
        return types.go(parse_type(text)).text

    assert go("int | None") == "*int"
    assert go("list[Token] | None") == "[]*Token"
    assert go("dict[tuple[int, int], str]") == "map[string]string"  # JSON keys are strings
    assert go("dict[Kind, int]") == "map[Kind]int"
    assert go("Hook") == "any" and go("OtherModuleClass") == "any" and go("int | str") == "any"
    assert go("Iterator[bytes]") == "[][]byte"
    assert types.go(parse_type("Index")).crossing is Crossing.HANDLE
    assert go("tuple[int, str]") == go("tuple[int, str]") == "TupleIntStr"
    assert go("tuple[int, Token]") == "TupleIntToken"
    assert [d.name for d in types.tuple_decls] == ["TupleIntStr", "TupleIntToken"]
    assert types.go(parse_type("Kind")).zero == '""'
