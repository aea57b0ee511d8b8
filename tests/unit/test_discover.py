"""discover(): which files a scan sees, their module names and test status, on real trees."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from goport.discover import discover
from goport.errors import InputError, UsageError


def _write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def _paths(root: Path, **kwargs: object) -> set[str]:
    return {f.rel_path for f in discover(root, **kwargs).files}  # type: ignore[arg-type]


def _git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(root), *args], capture_output=True, text=True, check=True
    ).stdout


needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


# -- .gitignore ----------------------------------------------------------------------------------

GITIGNORE_CASES = [
    pytest.param(
        {".gitignore": "*_gen.py\n", "a.py": "", "b_gen.py": "", "sub/c_gen.py": ""},
        {"a.py"},
        id="root-pattern-applies-everywhere",
    ),
    pytest.param(
        {".gitignore": "gen_*.py\n!gen_keep.py\n", "gen_a.py": "", "gen_keep.py": "", "app.py": ""},
        {"gen_keep.py", "app.py"},
        id="negation-in-same-file",
    ),
    pytest.param(
        {"sub/.gitignore": "local.py\n", "local.py": "", "sub/local.py": "", "sub/kept.py": ""},
        {"local.py", "sub/kept.py"},
        id="nested-gitignore-only-below-its-folder",
    ),
    pytest.param(
        {".gitignore": "/top.py\n", "top.py": "", "sub/top.py": ""},
        {"sub/top.py"},
        id="anchored-pattern-only-at-root",
    ),
    pytest.param(
        {
            "sub/.gitignore": "/here.py\n",
            "sub/here.py": "",
            "sub/deeper/here.py": "",
            "here.py": "",
        },
        {"sub/deeper/here.py", "here.py"},
        id="anchored-pattern-in-nested-gitignore",
    ),
    pytest.param(
        {".gitignore": "out/\n", "out/x.py": "", "src/out/y.py": "", "outside.py": ""},
        {"outside.py"},
        id="directory-pattern",
    ),
    pytest.param(
        {
            ".gitignore": "gen_*.py\n",
            "sub/.gitignore": "!gen_nested.py\n",
            "gen_a.py": "",
            "sub/gen_b.py": "",
            "sub/gen_nested.py": "",
        },
        {"sub/gen_nested.py"},
        id="nested-negation-overrides-root-pattern",
    ),
    pytest.param(
        {
            ".gitignore": "!\n\\\nfoo\\\n*_gen.py\n",
            "a.py": "",
            "z.py": "",
            "b_gen.py": "",
        },
        {"a.py", "z.py"},
        id="lines-git-cannot-use-are-skipped",
    ),
    pytest.param(
        {"sub/.gitignore": "!\n*_gen.py\n\\\n", "sub/x_gen.py": "", "sub/a.py": "", "x_gen.py": ""},
        {"sub/a.py", "x_gen.py"},
        id="bad-lines-in-nested-gitignore",
    ),
]


@pytest.mark.parametrize(("files", "expected"), GITIGNORE_CASES)
def test_gitignore_rules_are_honoured(
    tmp_path: Path, files: dict[str, str], expected: set[str]
) -> None:
    root = _write(tmp_path / "proj", files)
    assert _paths(root) == expected


@needs_git
@pytest.mark.parametrize(("files", "expected"), GITIGNORE_CASES)
def test_gitignore_expectations_are_what_git_itself_does(
    tmp_path: Path, files: dict[str, str], expected: set[str]
) -> None:
    """Keeps the table above honest: each expectation is `git ls-files --others --exclude-standard`."""
    root = _write(tmp_path / "proj", files)
    _git(root, "init", "-q")
    listed = {
        p
        for p in _git(root, "ls-files", "--others", "--exclude-standard").split()
        if p.endswith(".py")
    }
    assert listed == expected


def test_a_backtracking_pattern_matches_in_linear_time(tmp_path: Path) -> None:
    """Not in the git-compared table: git's own wildmatch takes minutes on this pattern."""
    name = "a" * 40
    root = _write(
        tmp_path / "proj",
        {
            ".gitignore": "*a*a*a*a*a*a*a*a*a*a*a*a*b\n",
            f"{name}.py": "",
            f"{name}/{name}.py": "",
            "aaaaaaaaaaaab/inner.py": "",
        },
    )
    started = time.monotonic()
    assert _paths(root, exclude=["*a*a*a*a*a*a*a*a*a*a*a*a*c"]) == {
        f"{name}.py",
        f"{name}/{name}.py",
    }
    assert time.monotonic() - started < 5


def test_without_re2_matching_falls_back_to_python_re(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import importlib

    from goport import discover as discover_mod

    real_import = importlib.import_module

    def no_re2(name: str, package: str | None = None) -> object:
        if name == "re2":
            raise ImportError("no re2 here")
        return real_import(name, package)

    discover_mod._backend.cache_clear()
    monkeypatch.setattr(importlib, "import_module", no_re2)
    try:
        root = _write(
            tmp_path / "proj", {".gitignore": "!\n*_gen.py\n", "a.py": "", "b_gen.py": ""}
        )
        with caplog.at_level("DEBUG", logger="goport.discover"):
            assert _paths(root) == {"a.py"}
        assert discover_mod._backend()[0] is None
        assert "google-re2 is not importable" in caplog.text
    finally:
        discover_mod._backend.cache_clear()


@needs_git
def test_a_symlinked_gitignore_is_not_used_as_git_does_not_use_it(tmp_path: Path) -> None:
    root = _write(tmp_path / "proj", {"patterns.txt": "x.py\n", "x.py": "", "y.py": ""})
    os.symlink("patterns.txt", root / ".gitignore")
    _git(root, "init", "-q")
    listed = {p for p in _git(root, "ls-files", "--others", "--exclude-standard").split()}
    assert {p for p in listed if p.endswith(".py")} == {"x.py", "y.py"}
    found = discover(root)
    assert {f.rel_path for f in found.files} == {"x.py", "y.py"}
    assert [e.rel_path for e in found.errors] == [".gitignore"]


def test_git_info_exclude_is_honoured(tmp_path: Path) -> None:
    root = _write(tmp_path / "proj", {"a.py": "", "private.py": ""})
    (root / ".git" / "info").mkdir(parents=True)
    (root / ".git" / "info" / "exclude").write_text("private.py\n")
    assert _paths(root) == {"a.py"}


def test_respect_gitignore_false_sees_ignored_files(tmp_path: Path) -> None:
    root = _write(tmp_path / "proj", {".gitignore": "b.py\n", "a.py": "", "b.py": ""})
    assert _paths(root) == {"a.py"}
    assert _paths(root, respect_gitignore=False) == {"a.py", "b.py"}


# -- user excludes -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("patterns", "expected"),
    [
        pytest.param(["legacy/"], {"app.py", "api/messages_pb2.py", "api/server.py"}, id="folder"),
        pytest.param(
            ["*_pb2.py"], {"app.py", "legacy/old.py", "api/server.py"}, id="glob-anywhere"
        ),
        pytest.param(
            ["/app.py"], {"legacy/old.py", "api/messages_pb2.py", "api/server.py"}, id="anchored"
        ),
        pytest.param(["legacy/", "api/"], {"app.py"}, id="several"),
        pytest.param(
            [], {"app.py", "legacy/old.py", "api/messages_pb2.py", "api/server.py"}, id="none"
        ),
    ],
)
def test_exclude_patterns(tmp_path: Path, patterns: list[str], expected: set[str]) -> None:
    root = _write(
        tmp_path / "proj",
        {"app.py": "", "legacy/old.py": "", "api/messages_pb2.py": "", "api/server.py": ""},
    )
    assert _paths(root, exclude=patterns) == expected


# -- default excludes ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "skipped",
    [
        pytest.param(".venv/lib/x.py", id=".venv"),
        pytest.param("lib/python3.11/site-packages/dep/x.py", id="site-packages"),
        pytest.param("build/lib/x.py", id="build"),
        pytest.param("dist/x.py", id="dist"),
        pytest.param("node_modules/pkg/x.py", id="node_modules"),
        pytest.param("__pycache__/x.py", id="__pycache__"),
        pytest.param(".git/hooks/x.py", id=".git"),
        pytest.param("mypkg.egg-info/x.py", id="egg-info"),
        pytest.param("sub/build/x.py", id="nested-build"),
        pytest.param("pkg/__pycache__/x.py", id="nested-__pycache__"),
    ],
)
def test_default_excludes(tmp_path: Path, skipped: str) -> None:
    root = _write(tmp_path / "proj", {"app.py": "", skipped: "x = 1\n"})
    assert _paths(root) == {"app.py"}


def test_virtualenv_under_any_name_is_skipped(tmp_path: Path) -> None:
    root = _write(
        tmp_path / "proj",
        {
            "app.py": "",
            "my-env-3.11/pyvenv.cfg": "home = /usr/bin\n",
            "my-env-3.11/lib/python3.11/x.py": "",
            "tools/env/pyvenv.cfg": "home = /usr/bin\n",
            "tools/env/bin/y.py": "",
        },
    )
    assert _paths(root) == {"app.py"}


def test_similar_names_are_not_default_excluded(tmp_path: Path) -> None:
    root = _write(
        tmp_path / "proj",
        {"build.py": "", "buildtools/x.py": "", "distribution/y.py": "", "venvs_doc/z.py": ""},
    )
    assert _paths(root) == {"build.py", "buildtools/x.py", "distribution/y.py", "venvs_doc/z.py"}


# -- symlinks ------------------------------------------------------------------------------------


def test_symlink_loop_is_reported_and_the_scan_finishes(tmp_path: Path) -> None:
    root = _write(tmp_path / "proj", {"pkg/__init__.py": "", "pkg/mod.py": "x = 1\n"})
    os.symlink("..", root / "pkg" / "loop", target_is_directory=True)

    found = discover(root)

    assert {f.rel_path for f in found.files} == {"pkg/__init__.py", "pkg/mod.py"}
    loops = [e for e in found.errors if e.rel_path == "pkg/loop"]
    assert len(loops) == 1, found.errors
    assert loops[0].stage == "discover"
    assert "loop" in loops[0].message


def test_symlinked_folder_outside_the_tree_is_reported_not_followed(tmp_path: Path) -> None:
    """The scanned tree may come from anyone: a link must not make goport read outside it."""
    shared = _write(tmp_path / "shared", {"util.py": "x = 1\n"})
    root = _write(tmp_path / "proj", {"app.py": ""})
    os.symlink(shared, root / "vendor", target_is_directory=True)
    os.symlink(shared / "util.py", root / "linked.py")
    found = discover(root)
    assert {f.rel_path for f in found.files} == {"app.py"}
    assert [(e.rel_path, e.stage) for e in found.errors] == [
        ("linked.py", "discover"),
        ("vendor", "discover"),
    ]
    assert all("out of the scanned folder" in e.message for e in found.errors)


def test_symlinks_inside_the_tree_are_followed_to_their_real_path(tmp_path: Path) -> None:
    root = _write(tmp_path / "proj", {"lib/util.py": "x = 1\n"})
    os.symlink("lib", root / "vendor", target_is_directory=True)
    os.symlink("lib/util.py", root / "alias.py")
    found = discover(root)
    by_path = {f.rel_path: f.abs_path for f in found.files}
    real = str((root / "lib" / "util.py").resolve())
    assert by_path == {"alias.py": real, "lib/util.py": real}
    # the folder link leads to a folder already scanned: reported once, not scanned twice
    assert [e.rel_path for e in found.errors] == ["vendor"]


def test_broken_symlink_py_is_reported(tmp_path: Path) -> None:
    root = _write(tmp_path / "proj", {"app.py": ""})
    os.symlink(root / "gone.py", root / "dangling.py")

    found = discover(root)

    assert {f.rel_path for f in found.files} == {"app.py"}
    [err] = [e for e in found.errors if e.rel_path == "dangling.py"]
    assert err.stage == "discover"
    assert "broken symbolic link" in err.message


def test_self_referencing_symlink_py_is_reported_not_raised(tmp_path: Path) -> None:
    root = _write(tmp_path / "proj", {"app.py": ""})
    os.symlink("self.py", root / "self.py")
    found = discover(root)
    assert {f.rel_path for f in found.files} == {"app.py"}
    assert [e.rel_path for e in found.errors] == ["self.py"]
    assert found.errors[0].stage == "discover"


# -- what each file is ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rel", "is_test"),
    [
        pytest.param("test_parser.py", True, id="test_-prefix"),
        pytest.param("parser_test.py", True, id="_test-suffix"),
        # a root conftest.py configures pytest for the repository: build (tests/unit/test_kinds.py)
        pytest.param("conftest.py", False, id="root-conftest-is-build"),
        pytest.param("tests/conftest.py", True, id="conftest-in-tests-folder"),
        pytest.param("tests/helpers.py", True, id="in-tests-folder"),
        pytest.param("pkg/tests/data.py", True, id="in-nested-tests-folder"),
        pytest.param("parser.py", False, id="plain-module"),
        pytest.param("testing_utils_x.py", False, id="test-word-not-prefix"),
        pytest.param("contest.py", False, id="contest-is-not-conftest"),
        pytest.param("latest.py", False, id="ends-in-test-without-underscore"),
    ],
)
def test_test_modules_are_flagged(tmp_path: Path, rel: str, is_test: bool) -> None:
    root = _write(tmp_path / "proj", {rel: ""})
    [source] = discover(root).files
    assert source.rel_path == rel
    assert source.is_test is is_test


@pytest.mark.parametrize(
    ("files", "rel", "module"),
    [
        pytest.param(["top.py"], "top.py", "top", id="top-level-file"),
        pytest.param(
            ["pkg/__init__.py", "pkg/mod.py"], "pkg/mod.py", "pkg.mod", id="package-module"
        ),
        pytest.param(["pkg/__init__.py"], "pkg/__init__.py", "pkg", id="package-init"),
        pytest.param(
            ["pkg/__init__.py", "pkg/sub/__init__.py", "pkg/sub/deep.py"],
            "pkg/sub/deep.py",
            "pkg.sub.deep",
            id="nested-package",
        ),
        pytest.param(
            ["src/pkg/__init__.py", "src/pkg/mod.py"], "src/pkg/mod.py", "pkg.mod", id="src-layout"
        ),
        pytest.param(["src/pkg/__init__.py"], "src/pkg/__init__.py", "pkg", id="src-layout-init"),
        pytest.param(
            ["scripts/tool.py"], "scripts/tool.py", "tool", id="plain-folder-not-a-package"
        ),
        pytest.param(
            ["ns/pkg/__init__.py", "ns/pkg/m.py"],
            "ns/pkg/m.py",
            "pkg.m",
            id="package-below-plain-folder",
        ),
        pytest.param(
            ["pkg/__init__.py", "pkg/sansio/app.py"],
            "pkg/sansio/app.py",
            "pkg.sansio.app",
            id="namespace-portion-inside-a-package",
        ),
        pytest.param(
            ["pkg/__init__.py", "pkg/_examples/cffi/extending.py"],
            "pkg/_examples/cffi/extending.py",
            "pkg._examples.cffi.extending",
            id="folders-below-a-package-without-init",
        ),
        pytest.param(
            ["src/pkg/__init__.py", "src/pkg/ns/sub/__init__.py", "src/pkg/ns/sub/m.py"],
            "src/pkg/ns/sub/m.py",
            "pkg.ns.sub.m",
            id="package-inside-a-namespace-portion",
        ),
    ],
)
def test_module_names(tmp_path: Path, files: list[str], rel: str, module: str) -> None:
    root = _write(tmp_path / "proj", {f: "" for f in files})
    by_path = {f.rel_path: f for f in discover(root).files}
    assert by_path[rel].module == module


def test_a_scanned_folder_that_is_a_package_names_its_modules_from_itself(tmp_path: Path) -> None:
    # ``goport scan pkg``: the package's own __init__.py is ``pkg``, not ``__init__``, so its
    # relative imports (``from .a import f``) name ``pkg.a`` and link the modules
    files = {"__init__.py": "from .a import f\n", "a.py": "", "sub/__init__.py": "", "sub/b.py": ""}
    modules = {f.rel_path: f.module for f in discover(_write(tmp_path / "pkg", files)).files}
    assert modules == {
        "__init__.py": "pkg",
        "a.py": "pkg.a",
        "sub/__init__.py": "pkg.sub",
        "sub/b.py": "pkg.sub.b",
    }
    # an absolute import of the package's own name says so too
    absolute = {"__init__.py": "", "a.py": "", "sub/b.py": "from pkg2.a import f\n"}
    found = discover(_write(tmp_path / "pkg2", {**absolute, "sub/__init__.py": ""})).files
    assert {f.rel_path: f.module for f in found}["a.py"] == "pkg2.a"
    # a folder whose name is no identifier names nothing
    other = _write(tmp_path / "my-pkg", files)
    assert {f.module for f in discover(other).files} == {"__init__", "a", "sub", "sub.b"}


def test_a_stray_init_at_the_root_of_a_repository_names_nothing(tmp_path: Path) -> None:
    # the code imports ``app.core``: the root's __init__.py does not make it ``proj.app.core``
    files = {
        "__init__.py": "",
        "app/__init__.py": "",
        "app/core.py": "from .util import helper\n\ndef checksum():\n    pass\n",
        "app/util.py": "def helper():\n    pass\n",
        "main.py": "from app.core import checksum\n",
    }
    modules = {f.rel_path: f.module for f in discover(_write(tmp_path / "proj", files)).files}
    assert modules["app/core.py"] == "app.core"
    assert modules["main.py"] == "main"


def test_namespace_packages_are_named_as_the_project_imports_them(tmp_path: Path) -> None:
    root = _write(
        tmp_path / "proj",
        {
            # zope/ has no __init__.py: a namespace, as the package's own imports say
            "zope/interface/__init__.py": "",
            "zope/interface/declarations.py": "from zope.interface.interface import Spec\n",
            "zope/interface/interface.py": "class Spec:\n    pass\n",
            # two levels, and evidence from a sibling package only
            "acme/cloud/billing/__init__.py": "def charge():\n    pass\n",
            "acme/cloud/auth/__init__.py": "import acme.cloud.billing\n",
            # a source folder: nothing imports src.app, so it is no namespace
            "src/app/__init__.py": "",
            "src/app/m.py": "from app import x\n",
        },
    )
    modules = {f.rel_path: f.module for f in discover(root).files}
    assert modules["zope/interface/declarations.py"] == "zope.interface.declarations"
    assert modules["zope/interface/__init__.py"] == "zope.interface"
    assert modules["acme/cloud/billing/__init__.py"] == "acme.cloud.billing"
    assert modules["acme/cloud/auth/__init__.py"] == "acme.cloud.auth"
    assert modules["src/app/m.py"] == "app.m"


def test_source_files_are_sorted_posix_and_absolute(tmp_path: Path) -> None:
    root = _write(tmp_path / "proj", {"b.py": "", "a/z.py": "", "a/b.py": ""})
    files = discover(root).files
    assert [f.rel_path for f in files] == ["a/b.py", "a/z.py", "b.py"]
    for f in files:
        assert Path(f.abs_path).is_absolute()
        assert Path(f.abs_path).read_text() == ""


def test_files_come_in_depth_first_name_order(tmp_path: Path) -> None:
    """The walk keeps its own stack (no recursion limit) but the order a recursive walk gives."""
    root = _write(
        tmp_path / "proj",
        {"c.py": "", "b/f.py": "", "b/d/e.py": "", "a.py": "", "b/c.py": "", "b/d/a/z.py": ""},
    )
    assert [f.rel_path for f in discover(root).files] == [
        "a.py",
        "b/c.py",
        "b/d/a/z.py",
        "b/d/e.py",
        "b/f.py",
        "c.py",
    ]


def test_names_are_shown_escaped_and_read_from_their_real_path(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    pkg = os.path.join(os.fsencode(root), b"p\xff")
    os.makedirs(pkg)
    for name in (b"__init__.py", b"m\x1b[31m.py"):
        with open(os.path.join(pkg, name), "wb") as handle:
            handle.write(b"x = 1\n")
    by_path = {f.rel_path: f for f in discover(root).files}
    assert sorted(by_path) == ["p\\xff/__init__.py", "p\\xff/m\\x1b[31m.py"]
    source = by_path["p\\xff/m\\x1b[31m.py"]
    assert source.module == "p\\xff.m\\x1b[31m"
    assert os.fsencode(source.abs_path) == os.path.join(pkg, b"m\x1b[31m.py")


def test_a_fifo_named_py_is_reported_not_taken(tmp_path: Path) -> None:
    root = _write(tmp_path / "proj", {"a.py": ""})
    os.mkfifo(root / "pipe.py")
    found = discover(root)
    assert [f.rel_path for f in found.files] == ["a.py"]
    assert [(e.rel_path, e.message) for e in found.errors] == [
        ("pipe.py", "a FIFO (named pipe), not a regular file; skipped")
    ]


@pytest.mark.parametrize("pattern", ["!", "\\", "a\\"])
def test_an_exclude_pattern_git_cannot_use_is_a_usage_error(tmp_path: Path, pattern: str) -> None:
    root = _write(tmp_path / "proj", {"a.py": ""})
    with pytest.raises(UsageError, match=re.escape(repr(pattern))):
        discover(root, exclude=["*_gen.py", pattern])


def test_non_python_files_are_ignored(tmp_path: Path) -> None:
    root = _write(
        tmp_path / "proj", {"a.py": "", "b.pyi": "", "c.txt": "", "d.pyc": "", "README": ""}
    )
    assert _paths(root) == {"a.py"}


# -- bad roots -----------------------------------------------------------------------------------


def test_nonexistent_root_is_an_input_error(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    with pytest.raises(InputError, match="no such file or directory") as info:
        discover(missing)
    assert str(missing) in str(info.value)


def test_file_root_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "a.py"
    path.write_text("")
    with pytest.raises(InputError, match="not a directory"):
        discover(path)


def test_broken_symlink_root_is_an_input_error(tmp_path: Path) -> None:
    link = tmp_path / "link"
    os.symlink(tmp_path / "gone", link)
    with pytest.raises(InputError, match="broken symbolic link"):
        discover(link)


def test_a_folder_named_venv_without_pyvenv_cfg_is_scanned(tmp_path: Path) -> None:
    """The stdlib has a ``venv`` package; only a real virtualenv (pyvenv.cfg) is skipped."""
    from goport.discover import discover

    root = tmp_path / "proj"
    (root / "venv").mkdir(parents=True)
    (root / "venv" / "__init__.py").write_text("x = 1\n")
    (root / "env").mkdir()
    (root / "env" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    (root / "env" / "mod.py").write_text("x = 1\n")
    assert [f.rel_path for f in discover(root).files] == ["venv/__init__.py"]
