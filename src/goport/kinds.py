"""What each discovered file is for: product code, which is ranked, or a kind set apart from it.

A repository holds more Python than its product: tests, benchmarks, examples, documentation,
developer scripts, build configuration, vendored copies of other projects and generated code.
Ranked alongside the product they crowd it out (a benchmark is CPU-heavy by design, a vendored
parser is large and stable), so they are set apart: still analysed, since their imports are part
of the project, but never ranked unless the user asks (``--include KIND``, ``include = [...]``).

Every path rule reads only the file's names relative to the scanned root (so scanning
``benchmarks/`` itself ranks its files) and which folders hold an ``__init__.py``; they are
general path conventions, never the name of one project. One rule reads content: a generated
file says so in its first lines, checked at extraction (``module_kind``). The first path rule
that matches decides, in the order of ``_RULES``; each rule's docstring gives its reasoning.
Reasons are goport's own words plus the file's shown names (already escaped by discovery).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass

from goport.choices import Include
from goport.model import FileKind, SourceFile

# -- the vocabulary ------------------------------------------------------------------------------

#: folders that hold third-party code copied into the project (pip's ``_vendor``, setuptools'
#: ``extern``, scikit-learn's ``externals``, botocore's ``vendored``, Chromium-style ``third_party``)
VENDOR_DIRS = frozenset(
    {
        "_vendor",
        "vendor",
        "vendored",
        "_vendored",
        "third_party",
        "_third_party",
        "thirdparty",
        "third-party",
        "extern",
        "_extern",
        "externals",
        "_externals",
    }
)

#: top-level import names of packages that projects copy into their own package. Kept short and
#: distinctive on purpose: a name such as ``requests``, ``redis`` or ``jinja2`` is also what
#: integration modules are called (``ddtrace/contrib/requests``), and ``yaml`` or ``toml`` what a
#: project calls its own small wrapper, so those are not here. Only a copy nested under another
#: package counts: ``six.py`` at the root of a checkout of six is six itself.
WELL_KNOWN_PACKAGES = frozenset(
    {
        "six",
        "typing_extensions",
        "pkg_resources",
        "distlib",
        "appdirs",
        "platformdirs",
        "tomli",
        "tomli_w",
        "ordered_set",
        "more_itertools",
        "cachecontrol",
        "certifi",
        "idna",
        "chardet",
        "charset_normalizer",
        "ply",
        "pyparsing",
        "colorama",
        "contextlib2",
    }
)

#: test folders, as goport has always recognised them (matched exactly)
TEST_DIRS = frozenset({"tests", "test", "testing"})
_TEST_FILE = re.compile(r"^(test_.*|.*_test|tests?)\.py$")

#: build and tool configuration that is Python only because its tool reads Python
BUILD_FILES = {
    "setup.py": "setuptools build script",
    "conftest.py": "pytest configuration and fixtures",
    "noxfile.py": "nox sessions",
    "toxfile.py": "tox plugin",
    "fabfile.py": "Fabric tasks",
    "dodo.py": "doit tasks",
    "pavement.py": "Paver tasks",
    "hatch_build.py": "Hatch build hook",
    "versioneer.py": "versioneer build helper",
}

BENCHMARK_DIRS = frozenset({"benchmarks", "benchmark", "bench", "benches", "asv_bench"})
EXAMPLE_DIRS = frozenset({"examples", "example", "demos", "tutorials", "tutorial"})
DOCS_DIRS = frozenset({"docs", "doc", "documentation", "docs_src"})
SCRIPT_DIRS = frozenset(
    {
        "scripts",
        "script",
        "tools",
        "bin",
        "ci",
        "ci_tools",
        "dev",
        "devtools",
        "dev_tools",
        ".github",
    }
)

#: folder kinds, matched case-insensitively (CPython's ``Doc/`` and ``Tools/``)
_FOLDER_KINDS: tuple[tuple[frozenset[str], FileKind, str], ...] = (
    (BENCHMARK_DIRS, FileKind.BENCHMARK, "a benchmarks folder"),
    (EXAMPLE_DIRS, FileKind.EXAMPLE, "an examples folder"),
    (DOCS_DIRS, FileKind.DOCS, "a documentation folder"),
    (SCRIPT_DIRS, FileKind.SCRIPT, "a folder of scripts, not a Python package"),
)

_GENERATED_SUFFIXES = ("_pb2.py", "_pb2_grpc.py")


@dataclass(frozen=True, slots=True)
class Verdict:
    kind: FileKind
    reason: str = ""


PRODUCT = Verdict(FileKind.PRODUCT)

Rule = Callable[[tuple[str, ...], Collection[str]], Verdict | None]


# -- path rules ----------------------------------------------------------------------------------


def _folder(parts: tuple[str, ...], i: int) -> str:
    return "/".join(parts[: i + 1])


def vendored(parts: tuple[str, ...], packages: Collection[str]) -> Verdict | None:
    """Third-party code: below a vendoring folder, or a well-known package nested in a package.

    First of all rules: a copied project keeps its own tests, setup.py and examples, and none of
    them is this project's code either. A well-known name counts only below a folder that is a
    package (``mypkg/six.py``, ``mypkg/ply/lex.py``), never at the top of the scanned tree.
    """
    for i, name in enumerate(parts[:-1]):
        if name.casefold() in VENDOR_DIRS:
            return Verdict(
                FileKind.VENDORED, f"under {_folder(parts, i)}/, a folder of third-party code"
            )
    for i, name in enumerate(parts):
        stem = name[:-3] if i == len(parts) - 1 and name.endswith(".py") else name
        parent = "/".join(parts[:i])
        if stem in WELL_KNOWN_PACKAGES and parent in packages:
            inside = f"the {parent}/ package" if parent else "the scanned package"
            return Verdict(
                FileKind.VENDORED, f"a copy of {stem}, a well-known package, inside {inside}"
            )
    return None


def test_folder(parts: tuple[str, ...], packages: Collection[str]) -> Verdict | None:
    """Anything in a tests folder is part of the test suite (its ``conftest.py`` and helpers too):
    before the build rule, so a tests folder's own ``conftest.py`` still feeds ``tested_by``."""
    for i, name in enumerate(parts[:-1]):
        if name in TEST_DIRS:
            return Verdict(FileKind.TEST, f"under {_folder(parts, i)}/, a tests folder")
    return None


def build_file(parts: tuple[str, ...], packages: Collection[str]) -> Verdict | None:
    """Files a tool runs by their fixed name (setup.py, conftest.py at the root, noxfile.py...),
    and Sphinx's ``conf.py`` below a documentation folder. A ``conf.py`` elsewhere is left alone:
    it is as likely an application's settings module."""
    name = parts[-1]
    if name in BUILD_FILES:
        return Verdict(FileKind.BUILD, BUILD_FILES[name])
    if name == "conf.py" and any(p.casefold() in DOCS_DIRS for p in parts[:-1]):
        return Verdict(FileKind.BUILD, "Sphinx configuration")
    return None


def generated_name(parts: tuple[str, ...], packages: Collection[str]) -> Verdict | None:
    """protoc's output is named ``*_pb2.py`` and ``*_pb2_grpc.py``; its source is the .proto file,
    so porting means generating Go from the .proto, not rewriting this file."""
    if parts[-1].endswith(_GENERATED_SUFFIXES):
        return Verdict(FileKind.GENERATED, "protocol buffer code generated by protoc (*_pb2.py)")
    return None


def test_file(parts: tuple[str, ...], packages: Collection[str]) -> Verdict | None:
    """pytest's and unittest's naming: ``test_*.py``, ``*_test.py``, ``test.py``, ``tests.py``."""
    if _TEST_FILE.match(parts[-1]):
        return Verdict(FileKind.TEST, "a test module by its name")
    return None


def role_folder(parts: tuple[str, ...], packages: Collection[str]) -> Verdict | None:
    """Below a benchmarks, examples, documentation or scripts folder; the outermost such folder
    decides (``docs/examples/x.py`` is documentation).

    Only folder names count, never a module's own name: ``mypkg/docs.py`` or ``tools.py`` is
    product code. A scripts folder (``scripts``, ``tools``, ``bin``...) that is a Python package
    is product code: a package's ``scripts`` or ``tools`` subpackage is where console entry
    points live, while loose developer scripts sit in a plain folder. Benchmarks, examples and
    docs stay set apart even as packages (``jsonschema/benchmarks/__init__.py``): being
    importable does not make them part of what the product does.
    """
    for i, name in enumerate(parts[:-1]):
        folded = name.casefold()
        for names, kind, what in _FOLDER_KINDS:
            if folded not in names:
                continue
            if kind is FileKind.SCRIPT and _folder(parts, i) in packages:
                break
            return Verdict(kind, f"under {_folder(parts, i)}/, {what}")
    return None


_RULES: tuple[Rule, ...] = (
    vendored,
    test_folder,
    build_file,
    generated_name,
    test_file,
    role_folder,
)


def classify(parts: tuple[str, ...], packages: Collection[str] = frozenset()) -> Verdict:
    """The kind of the file at ``parts`` (its names below the scanned root, as discovery shows
    them); ``packages`` holds the folders with an ``__init__.py``, as joined names ("" is the
    root)."""
    for rule in _RULES:
        verdict = rule(parts, packages)
        if verdict is not None:
            return verdict
    return PRODUCT


# -- content rule: generated code ----------------------------------------------------------------

#: how far the header check reads: generators write their notice on the first lines
HEADER_LINES = 10
_HEADER_BYTES = 4096

_STRING_OPEN = re.compile(r"""^[rRuU]?("{3}|'{3}|"|')""")
#: a notice no hand-written header uses: "DO NOT EDIT" (protoc, Go, Thrift, pyuic), "@generated"
_STRONG = re.compile(r"\bdo not edit\b|@generated\b", re.IGNORECASE)
#: "Generated by ..." and the like, only where a sentence starts: "AST nodes generated by the
#: parser" (jinja2's nodes.py) is prose about what the code does, not a notice
_PHRASE = (
    r"(?:(?:this\s+)?(?:file|module|code)\s+(?:is\s+|was\s+|has\s+been\s+)?)?"
    r"(auto[- ]?generated|automatically\s+generated|machine[- ]generated"
    r"|generated\s+(?:automatically\s+)?(?:by|from|with|using))\b"
)
_NOTICE = re.compile(rf"(?:^|[.!?;:]\s+){_PHRASE}", re.IGNORECASE)
_NOTICE_INSIDE = re.compile(rf"[.!?;:]\s+{_PHRASE}", re.IGNORECASE)
#: what ends a sentence at the end of a line; a coding or editor line (``-*- coding: utf-8 -*-``,
#: ``vim: set ...``) stands alone as well
_SENTENCE_END = re.compile(r"[.!?;:]$|-\*-|^vim?:|^!")


def _header(lines: Iterable[str]) -> Iterator[tuple[str, bool]]:
    """(text, whether it starts a sentence) of each line of the whole-line comments and of the
    module docstring among ``lines``. A line continues the sentence of the line above unless that
    one ended it (``.``, ``!``, ``:``...), was empty, or was a coding or editor line: "...pickle
    streams / generated with Python 2" (``_compat_pickle.py``) is no notice. A notice may follow
    an import (jinja2's ``_identifier.py``); another string, or a comment after code, is not one."""
    quote: str | None = None
    docstring_possible = True
    open_sentence = False  # the line above left a sentence open, in the same comment or string
    for line in lines:
        text = line.strip()
        if quote is not None:  # inside the docstring
            if quote in text:
                quote = None
            yield text, not open_sentence
            open_sentence = quote is not None and _opens(text)
        elif text.startswith("#"):  # a whole-line comment
            text = text.lstrip("#").strip()
            yield text, not open_sentence
            open_sentence = _opens(text)
        else:
            open_sentence = False
            opened = _STRING_OPEN.match(text) if text and docstring_possible else None
            docstring_possible = docstring_possible and not text
            if opened is None:
                continue
            text = text[opened.end() :]
            if len(opened.group(1)) == 3 and opened.group(1) not in text:
                quote = opened.group(1)
            yield text, True
            open_sentence = quote is not None and _opens(text)


def _opens(text: str) -> bool:
    """Whether a line leaves its sentence open for the next one."""
    return bool(text) and _SENTENCE_END.search(text) is None


def generated_marker(data: bytes) -> str | None:
    """Why the file's header says it is generated, or None. Cheap: it reads the first
    ``HEADER_LINES`` lines of at most the first 4 KB."""
    lines = data[:_HEADER_BYTES].decode("utf-8", errors="replace").splitlines()[:HEADER_LINES]
    for text, starts in _header(lines):
        strong = _STRONG.search(text)
        if strong is not None:
            word = "@generated" if strong.group().startswith("@") else "DO NOT EDIT"
            return f'its first lines say "{word}"'
        notice = (_NOTICE if starts else _NOTICE_INSIDE).search(text)
        if notice is not None:
            return f'its first lines say "{" ".join(notice.group(1).split())}"'
    return None


def module_kind(source: SourceFile, data: bytes) -> tuple[FileKind, str]:
    """The kind extraction records: the path's, or GENERATED for product code whose header says
    so (a path kind, such as a vendored or test file, says more about the file than its header)."""
    if source.kind is FileKind.PRODUCT:
        marker = generated_marker(data)
        if marker is not None:
            return FileKind.GENERATED, marker
    return source.kind, source.kind_reason


# -- what the user brings back -------------------------------------------------------------------


_INCLUDED: dict[Include, FileKind] = {
    Include.BENCHMARKS: FileKind.BENCHMARK,
    Include.EXAMPLES: FileKind.EXAMPLE,
    Include.DOCS: FileKind.DOCS,
    Include.SCRIPTS: FileKind.SCRIPT,
    Include.BUILD: FileKind.BUILD,
    Include.VENDORED: FileKind.VENDORED,
    Include.GENERATED: FileKind.GENERATED,
}

#: every value ``--include`` takes, for messages
INCLUDE_CHOICES = ", ".join(i.value for i in Include)


def included_kinds(names: Iterable[str]) -> tuple[FileKind, ...]:
    """The kinds ``names`` bring back into the ranking; ValueError names the first unknown one."""
    kinds: set[FileKind] = set()
    for name in names:
        try:
            include = Include(name)
        except ValueError:
            raise ValueError(name) from None
        kinds.update(_INCLUDED.values() if include is Include.ALL else (_INCLUDED[include],))
    return tuple(k for k in FileKind if k in kinds)


def include_name(kind: FileKind) -> str:
    """The ``--include`` value that ranks ``kind`` ("" for product and test code)."""
    return next((i.value for i, k in _INCLUDED.items() if k is kind), "")
