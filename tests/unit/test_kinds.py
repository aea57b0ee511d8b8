"""What each file is for (goport.kinds): path rules through real discovery, the generated-code
header check, and the include names of the flag and the config key."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from goport.config import Config, load
from goport.discover import discover
from goport.errors import ConfigError
from goport.extract import extract
from goport.graph import build
from goport.kinds import (
    INCLUDE_CHOICES,
    WELL_KNOWN_PACKAGES,
    Include,
    classify,
    generated_marker,
    include_name,
    included_kinds,
)
from goport.model import FileKind, SourceFile

B, E, D, S = FileKind.BENCHMARK, FileKind.EXAMPLE, FileKind.DOCS, FileKind.SCRIPT
P, T, BU, V, G = (
    FileKind.PRODUCT,
    FileKind.TEST,
    FileKind.BUILD,
    FileKind.VENDORED,
    FileKind.GENERATED,
)


def _write(root: Path, rels: list[str]) -> Path:
    for rel in rels:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x = 1\n", encoding="utf-8")
    return root


# -- path rules, through discovery (which folders are packages matters) -------------------------


@pytest.mark.parametrize(
    ("tree", "rel", "kind"),
    [
        pytest.param(["mypkg/core.py"], "mypkg/core.py", P, id="product"),
        pytest.param(["benchmarks/bench_x.py"], "benchmarks/bench_x.py", B, id="benchmarks-folder"),
        pytest.param(["asv_bench/b.py"], "asv_bench/b.py", B, id="asv-bench"),
        pytest.param(
            ["mypkg/__init__.py", "mypkg/benchmarks/__init__.py", "mypkg/benchmarks/b.py"],
            "mypkg/benchmarks/b.py",
            B,
            id="benchmarks-package-stays-apart",
        ),
        pytest.param(["examples/demo.py"], "examples/demo.py", E, id="examples"),
        pytest.param(["docs/tutorial.py"], "docs/tutorial.py", D, id="docs"),
        pytest.param(["Doc/tools/ext.py"], "Doc/tools/ext.py", D, id="docs-case-insensitive"),
        pytest.param(["docs/examples/a.py"], "docs/examples/a.py", D, id="outermost-folder"),
        pytest.param(["docs/conf.py"], "docs/conf.py", BU, id="sphinx-conf"),
        pytest.param(["doc/source/conf.py"], "doc/source/conf.py", BU, id="sphinx-conf-deeper"),
        pytest.param(["mypkg/conf.py"], "mypkg/conf.py", P, id="conf-outside-docs"),
        pytest.param(["mypkg/docs.py"], "mypkg/docs.py", P, id="module-named-docs"),
        pytest.param(["tools.py"], "tools.py", P, id="module-named-tools"),
        pytest.param(["setup.py"], "setup.py", BU, id="setup"),
        pytest.param(["conftest.py"], "conftest.py", BU, id="root-conftest"),
        pytest.param(["tests/conftest.py"], "tests/conftest.py", T, id="tests-conftest"),
        pytest.param(["noxfile.py"], "noxfile.py", BU, id="noxfile"),
        pytest.param(["fabfile.py"], "fabfile.py", BU, id="fabfile"),
        pytest.param(["scripts/release.py"], "scripts/release.py", S, id="scripts-folder"),
        pytest.param(["tools/gen.py"], "tools/gen.py", S, id="tools-folder"),
        pytest.param([".github/check.py"], ".github/check.py", S, id="github-folder"),
        pytest.param(
            ["mypkg/__init__.py", "mypkg/scripts/__init__.py", "mypkg/scripts/main.py"],
            "mypkg/scripts/main.py",
            P,
            id="scripts-subpackage-is-product",
        ),
        pytest.param(
            ["mypkg/__init__.py", "mypkg/scripts/run.py"],
            "mypkg/scripts/run.py",
            S,
            id="scripts-folder-without-init",
        ),
        pytest.param(["mypkg/_vendor/six.py"], "mypkg/_vendor/six.py", V, id="vendor-folder"),
        pytest.param(["third_party/lib/a.py"], "third_party/lib/a.py", V, id="third-party"),
        pytest.param(
            ["mypkg/_vendor/lib/tests/test_a.py"],
            "mypkg/_vendor/lib/tests/test_a.py",
            V,
            id="vendored-tests-are-vendored",
        ),
        pytest.param(
            ["mypkg/__init__.py", "mypkg/six.py"], "mypkg/six.py", V, id="nested-well-known"
        ),
        pytest.param(
            ["mypkg/__init__.py", "mypkg/ply/__init__.py", "mypkg/ply/lex.py"],
            "mypkg/ply/lex.py",
            V,
            id="nested-well-known-folder",
        ),
        pytest.param(["six.py"], "six.py", P, id="well-known-at-the-top-is-itself"),
        pytest.param(["src/six.py"], "src/six.py", P, id="well-known-under-a-plain-folder"),
        pytest.param(["mypkg/six.py"], "mypkg/six.py", P, id="well-known-not-in-a-package"),
        pytest.param(
            ["mypkg/__init__.py", "mypkg/requests.py"],
            "mypkg/requests.py",
            P,
            id="integration-module-named-after-a-library",
        ),
        pytest.param(["mypkg/api_pb2.py"], "mypkg/api_pb2.py", G, id="pb2"),
        pytest.param(["mypkg/api_pb2_grpc.py"], "mypkg/api_pb2_grpc.py", G, id="pb2-grpc"),
        pytest.param(["test_parser.py"], "test_parser.py", T, id="test-file"),
        pytest.param(["benchmarks/test_speed.py"], "benchmarks/test_speed.py", T, id="test-wins"),
    ],
)
def test_path_kinds(tmp_path: Path, tree: list[str], rel: str, kind: FileKind) -> None:
    found = {f.rel_path: f for f in discover(_write(tmp_path / "proj", tree)).files}
    source = found[rel]
    assert source.kind is kind
    assert source.is_test is (kind is FileKind.TEST)
    assert (source.kind_reason == "") is (kind is FileKind.PRODUCT)


def test_kinds_come_from_paths_below_the_scanned_root(tmp_path: Path) -> None:
    root = _write(tmp_path / "proj", ["benchmarks/bench_x.py", "benchmarks/helpers.py"])
    assert {f.kind for f in discover(root).files} == {B}
    assert {f.kind for f in discover(root / "benchmarks").files} == {P}


def test_the_scanned_package_itself_counts_as_a_package(tmp_path: Path) -> None:
    root = _write(tmp_path / "mypkg", ["__init__.py", "six.py", "core.py"])
    kinds = {f.rel_path: f.kind for f in discover(root).files}
    assert kinds == {"__init__.py": P, "six.py": V, "core.py": P}


def test_reasons_name_the_folder() -> None:
    verdict = classify(("pkg", "sub", "benchmarks", "b.py"), {"pkg", "pkg/sub"})
    assert verdict.kind is B
    assert "pkg/sub/benchmarks/" in verdict.reason
    verdict = classify(("pkg", "six.py"), {"pkg"})
    assert verdict.reason == "a copy of six, a well-known package, inside the pkg/ package"


def test_well_known_names_are_import_names() -> None:
    assert all(name.isidentifier() and name == name.lower() for name in WELL_KNOWN_PACKAGES)


# -- generated code: the header ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "marker"),
    [
        pytest.param(
            """\
            # -*- coding: utf-8 -*-
            # Generated by the protocol buffer compiler.  DO NOT EDIT!
            # source: api.proto
            """,
            "DO NOT EDIT",
            id="protoc",
        ),
        pytest.param("# Code generated by tool. DO NOT EDIT.\n", "DO NOT EDIT", id="go-style"),
        pytest.param(
            '"""Tables.\n\n@generated by make_tables.py\n"""\n', "@generated", id="at-generated"
        ),
        pytest.param("# Generated by Django 4.2 on 2024-01-01\n", "Generated by", id="django"),
        pytest.param("# file generated by setuptools_scm\n", "generated by", id="scm-version"),
        pytest.param(
            '"""Keywords.\n\nThis file is automatically generated; please do not muck it up!\n"""\n',
            "automatically generated",
            id="docstring-paragraph",
        ),
        pytest.param(
            '"""Token constants."""\n# Auto-generated by generate_token.py\n',
            "Auto-generated",
            id="comment-after-docstring",
        ),
        pytest.param(
            "import re\n\n# generated by scripts/generate_pattern.py\npattern = re.compile('x')\n",
            "generated by",
            id="comment-after-an-import",
        ),
        pytest.param(
            "# -*- coding: utf-8 -*-\n# Autogenerated by Sphinx\n",
            "Autogenerated",
            id="after-coding",
        ),
    ],
)
def test_generated_headers(source: str, marker: str) -> None:
    assert generated_marker(textwrap.dedent(source).encode()) == f'its first lines say "{marker}"'


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(
            '"""AST nodes generated by the parser for the compiler. Also provides\nhelpers."""\n',
            id="prose-in-docstring",
        ),
        pytest.param(
            "# This module maps the old names to the new ones, so that pickle streams\n"
            "# generated with Python 2 load in Python 3.\n",
            id="sentence-folded-over-two-comments",
        ),
        pytest.param(
            "def f():\n    x = 1  # generated by hand\n    return x\n",
            id="comment-after-code",
        ),
        pytest.param(
            'x = 1\ny = "Generated by nobody. DO NOT EDIT"\n', id="a-string-not-the-docstring"
        ),
        pytest.param("\n" * 10 + "# Generated by tool\n", id="beyond-the-first-lines"),
        pytest.param("# Tokens generated by the lexer are cached here.\n", id="prose-in-comment"),
        pytest.param("", id="empty"),
        pytest.param(b"\xff\xfe# Generated".decode("latin-1"), id="undecodable"),
    ],
)
def test_not_generated(source: str) -> None:
    assert generated_marker(source.encode("utf-8", "surrogateescape")) is None


def test_extraction_records_a_generated_header_for_product_code_only() -> None:
    data = b"# Generated by the protocol buffer compiler.  DO NOT EDIT!\nX = 1\n"
    facts = extract(SourceFile("pkg/tables.py", "pkg/tables.py", "pkg.tables"), data)
    assert (facts.kind, facts.kind_reason) == (G, 'its first lines say "DO NOT EDIT"')
    vendored = SourceFile("v/_vendor/t.py", "v/_vendor/t.py", "t", kind=V, kind_reason="vendor")
    assert extract(vendored, data).kind is V
    plain = extract(SourceFile("pkg/core.py", "pkg/core.py", "pkg.core"), b"X = 1\n")
    assert (plain.kind, plain.kind_reason) == (P, "")


# -- what --include and include = [...] bring back -----------------------------------------------


def test_every_set_apart_kind_has_an_include_name() -> None:
    apart = [k for k in FileKind if k not in (FileKind.PRODUCT, FileKind.TEST)]
    assert [include_name(k) for k in apart] == [i.value for i in Include if i is not Include.ALL]
    assert included_kinds(["all"]) == tuple(apart)
    assert included_kinds(["generated", "benchmarks", "generated"]) == (B, G)
    assert include_name(FileKind.TEST) == ""


def test_config_key_and_flag(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    root.mkdir()
    (root / "pyproject.toml").write_text('[tool.goport]\ninclude = ["vendored"]\n')
    config = load(root, {"include": ("benchmarks",)})
    assert config.include == (B, V)  # the flag adds to the project's kinds
    assert config.ranks(B) and config.ranks(V) and config.ranks(P)
    assert not config.ranks(E) and not config.ranks(T)
    assert not Config(root=root).ranks(G)


@pytest.mark.parametrize("table", ['include = ["benchmark"]', 'include = ["tests"]', "include = 3"])
def test_bad_include_values_list_the_valid_kinds(tmp_path: Path, table: str) -> None:
    root = tmp_path / "proj"
    root.mkdir()
    (root / "pyproject.toml").write_text(f"[tool.goport]\n{table}\n")
    with pytest.raises(ConfigError) as caught:
        load(root, {})
    assert "include" in str(caught.value)
    assert INCLUDE_CHOICES in str(caught.value)


def test_bad_include_suggests_the_closest() -> None:
    with pytest.raises(ConfigError, match="did you mean 'benchmarks'"):
        load(Path("/nonexistent-root"), {"include": ("benchmark",)}, read_pyproject=False)


# -- set-apart importers add no coupling ---------------------------------------------------------


def _facts(rel: str, module: str, code: str, kind: FileKind = P):
    source = SourceFile(rel, rel, module, kind is T, kind)
    return extract(source, textwrap.dedent(code).encode())


def test_set_apart_importers_add_no_coupling() -> None:
    facts = [
        _facts("app/core.py", "app.core", "def hot(): pass\n"),
        _facts("app/api.py", "app.api", "from app.core import hot\n"),
        _facts("benchmarks/b.py", "b", "from app.core import hot\n", B),
        _facts("examples/e.py", "e", "import app.core\n", E),
        _facts("tests/test_core.py", "test_core", "from app.core import hot\n", T),
    ]
    boundary = build(facts, apart={"benchmarks/b.py", "examples/e.py"}).boundary("app.core")
    assert boundary.imported_by == ("app.api",)
    assert boundary.tested_by == ("test_core",)
    everything = build(facts).boundary("app.core")  # included: they count like product code
    assert everything.imported_by == ("app.api", "b", "e")


def test_the_json_schema_lists_every_set_apart_kind() -> None:
    from goport.reports.json_report import schema

    kinds = schema()["properties"]["set_apart"]["items"]["properties"]["kind"]["enum"]
    assert kinds == [k.value for k in FileKind if k not in (FileKind.PRODUCT, FileKind.TEST)]
