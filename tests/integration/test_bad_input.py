"""Bad input through the real CLI: one broken thing next to one good module, every time.

Per-file problems are listed under "errors" (path + reason) with exit code 0 and the good module
still ranked; usage and input errors exit 2 with a message naming the culprit. Never a traceback.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

Goport = Callable[..., subprocess.CompletedProcess[str]]

GOOD = (
    "def pairs(xs, ys):\n"
    "    total = 0\n"
    "    for a in xs:\n"
    "        for b in ys:\n"
    "            total += a * b\n"
    "    return total\n"
)


def _project(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, content in {"good.py": GOOD, **files}.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def _scan(goport: Goport, root: Path, cache: Path, *extra: str) -> dict[str, Any]:
    """Scan ``root`` as JSON; assert the per-file contract (exit 0, no traceback, good ranked)."""
    result = goport("scan", root, "--format", "json", "--cache-dir", cache, "--no-history", *extra)
    assert result.returncode == 0, f"exit {result.returncode}\nstderr:\n{result.stderr}"
    assert "Traceback" not in result.stderr
    doc = json.loads(result.stdout)
    assert "good.py" in [c["path"] for c in doc["candidates"]]
    return doc


def _error(doc: dict[str, Any], path: str) -> dict[str, Any]:
    matches = [e for e in doc["errors"] if e["path"] == path]
    assert len(matches) == 1, f"{path} not listed once under errors: {doc['errors']}"
    assert matches[0]["message"].strip()
    return matches[0]


def _analysed(doc: dict[str, Any], path: str) -> None:
    assert path in [c["path"] for c in doc["candidates"]]
    assert path not in [e["path"] for e in doc["errors"]]


# -- per-file problems: listed, the run goes on --------------------------------------------------

LONG_LINE = "X = '" + "a" * 990 + "'\n"
FIVE_MB = LONG_LINE * (5_000_000 // len(LONG_LINE) + 1)

BAD_FILES = [
    pytest.param("broken.py", "def f(:\n    pass\n", "parse", ["syntax error"], id="syntax-error"),
    pytest.param("legacy.py", 'print "hello"\n', "parse", ["Python 2"], id="python-2-print"),
    pytest.param(
        "conflict.py",
        "x = 1\n<<<<<<< HEAD\nx = 2\n=======\nx = 3\n>>>>>>> other\n",
        "parse",
        ["merge conflict"],
        id="merge-conflict-markers",
    ),
    pytest.param(
        "x.py",
        b"\x7fELF\x02\x01\x01\x00\x00\x00binary",
        "read",
        ["binary", "NUL"],
        id="binary-nul-bytes",
    ),
    pytest.param("huge.py", FIVE_MB, "read", ["max-file-size"], id="5mb-generated-file"),
    pytest.param(
        "mixed.py",
        "if True:\n\tx = 1\n        y = 2\n",
        "parse",
        ["tabs and spaces"],
        id="tabs-and-spaces",
    ),
]


@pytest.mark.parametrize(("name", "content", "stage", "words"), BAD_FILES)
def test_bad_file_is_listed_and_the_good_module_still_ranked(
    tmp_path: Path,
    goport: Goport,
    cache_dir: Path,
    name: str,
    content: str | bytes,
    stage: str,
    words: list[str],
) -> None:
    root = _project(tmp_path / "proj", {name: content})
    doc = _scan(goport, root, cache_dir)
    err = _error(doc, name)
    assert err["stage"] == stage
    for word in words:
        assert word in err["message"]
    assert name not in [c["path"] for c in doc["candidates"]]
    assert doc["summary"]["errors"] == len(doc["errors"])


def test_syntax_error_names_the_line_python_reports(
    tmp_path: Path, goport: Goport, cache_dir: Path
) -> None:
    source = "import os\n\n\ndef ok():\n    return 1\n\ndef bad(:\n    pass\n"
    with pytest.raises(SyntaxError) as info:
        compile(source, "broken.py", "exec")
    assert info.value.lineno == 7
    root = _project(tmp_path / "proj", {"broken.py": source})
    err = _error(_scan(goport, root, cache_dir), "broken.py")
    assert "line 7" in err["message"], err["message"]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        pytest.param(
            "latin.py",
            b"# -*- coding: latin-1 -*-\nNAME = 'caf\xe9'\n",
            id="latin-1-with-declaration",
        ),
        pytest.param("empty.py", b"", id="empty-file"),
        pytest.param("bom.py", b"\xef\xbb\xbfX = 1\r\nY = 2\r\n", id="utf-8-bom-and-crlf"),
        pytest.param("comments.py", b"# only a comment\n", id="only-a-comment"),
        pytest.param("noeol.py", b"x = 1", id="no-final-newline"),
    ],
)
def test_unusual_but_valid_files_are_analysed(
    tmp_path: Path, goport: Goport, cache_dir: Path, name: str, content: bytes
) -> None:
    root = _project(tmp_path / "proj", {name: content})
    doc = _scan(goport, root, cache_dir)
    _analysed(doc, name)
    assert doc["errors"] == []


def test_non_utf8_file_without_declaration_gets_a_clear_reason(
    tmp_path: Path, goport: Goport, cache_dir: Path
) -> None:
    root = _project(tmp_path / "proj", {"legacy_enc.py": b"NAME = 'caf\xe9'\n"})
    err = _error(_scan(goport, root, cache_dir), "legacy_enc.py")
    message = err["message"]
    # what happened and what to do: not UTF-8, declare the encoding; not a crash report
    assert "encoding" in message or "UTF-8" in message
    assert "coding" in message
    assert "internal error" not in message
    assert "please report" not in message
    assert err["stage"] in ("read", "parse")


def test_big_file_is_analysed_with_a_higher_max_file_size(
    tmp_path: Path, goport: Goport, cache_dir: Path
) -> None:
    root = _project(tmp_path / "proj", {"huge.py": FIVE_MB})
    doc = _scan(goport, root, cache_dir, "--max-file-size", "10000000")
    _analysed(doc, "huge.py")


def test_max_file_size_from_pyproject(tmp_path: Path, goport: Goport, cache_dir: Path) -> None:
    root = _project(
        tmp_path / "proj",
        {
            "pyproject.toml": "[tool.goport]\nmax-file-size = 500\n",
            "padded.py": "x = 1\n" + "#" * 600 + "\n",
        },
    )
    err = _error(_scan(goport, root, cache_dir), "padded.py")
    assert "max-file-size" in err["message"] and "500 bytes" in err["message"]


PARENS_2000 = "x = " + "(" * 2000 + "1" + ")" * 2000 + "\n"
# CPython keeps an and/or chain flat; libcst nests it one level per operand and segfaults
AND_10000 = "x = " + "a and(b)" + " and a" * 10_000 + "\n"
PY2_OR_10000 = 'print "tables"\nx = ' + " or ".join(["a"] * 10_000) + "\n"
# CPython stops at the print statement, never nesting the chain; libcst would, and crash
ATTRS_30000_THEN_PY2 = "x = a" + ".b" * 30_000 + '\nprint "tables"\n'
# syntax older Pythons reject (a type statement), then nesting inside an f-string, which an
# older tokenize returns as one string token (or, with a newer Python's nested quotes, splits
# into plain strings); libcst parses the expressions inside and crashed
NEWER_THEN_FSTRING = 'type X = int\nx = f"{' + "(" * 5_000 + "1" + ")" * 5_000 + '}"\n'
NEWER_THEN_QUOTES = 'type X = int\nx = f"{"a" + ' + "(" * 5_000 + "1" + ")" * 5_000 + '}"\n'


@pytest.mark.parametrize(
    ("source", "good_files", "says"),
    [
        pytest.param(PARENS_2000, 0, "nested", id="2000-nested-parens-alone-in-process"),
        pytest.param(PARENS_2000, 24, "nested", id="2000-nested-parens-with-worker-processes"),
        pytest.param(AND_10000, 0, "and/or chain of 10,002", id="and-chain-alone-in-process"),
        pytest.param(AND_10000, 24, "and/or chain", id="and-chain-with-worker-processes"),
        pytest.param(PY2_OR_10000, 0, "Python 2", id="python-2-with-an-or-chain"),
        pytest.param(ATTRS_30000_THEN_PY2, 0, "Python 2", id="attribute-chain-then-python-2"),
        # the message depends on whether this Python accepts the type statement
        pytest.param(NEWER_THEN_FSTRING, 0, "", id="nesting-inside-an-f-string"),
        pytest.param(NEWER_THEN_QUOTES, 0, "", id="nesting-inside-nested-quotes"),
    ],
)
def test_too_deeply_nested_file_does_not_crash_the_scan(
    tmp_path: Path, goport: Goport, cache_dir: Path, source: str, good_files: int, says: str
) -> None:
    """CPython itself refuses deep nesting ("too many nested parentheses"); libcst's native
    parser segfaults on it, and on a long flat and/or chain. goport must list the file as an
    error, not die or lose the other files."""
    files: dict[str, str | bytes] = {"nested.py": source}
    files.update({f"mod{i:02}.py": GOOD.replace("pairs", f"pairs{i}") for i in range(good_files)})
    root = _project(tmp_path / "proj", files)
    doc = _scan(goport, root, cache_dir, "--jobs", "2")
    err = _error(doc, "nested.py")
    assert says in err["message"]
    assert [e["path"] for e in doc["errors"]] == ["nested.py"]
    assert len(doc["candidates"]) == good_files + 1


def test_valid_python_that_libcst_rejects_is_reported_as_such(
    tmp_path: Path, goport: Goport, cache_dir: Path
) -> None:
    """50,000 implicitly concatenated literals are valid Python that libcst's parser rejects:
    the message must not call the user's valid file a syntax error of theirs."""
    source = "x = " + " ".join(['"s"'] * 50_000) + "\n"
    root = _project(tmp_path / "proj", {"table.py": source, "good.py": GOOD})
    doc = _scan(goport, root, cache_dir)
    err = _error(doc, "table.py")
    assert err["message"].startswith("CPython accepts this file but libcst")
    assert [c["path"] for c in doc["candidates"]] == ["good.py"]


def _make_unreadable(path: Path) -> None:
    path.chmod(0)
    try:
        if path.is_dir():
            os.listdir(path)
        else:
            path.read_bytes()
    except PermissionError:
        return
    path.chmod(0o755)
    pytest.skip(
        f"chmod 000 does not stop this user (euid {os.geteuid()}, root?) from reading "
        f"{path.name}, so there is nothing unreadable to test here"
    )


def test_unreadable_file_is_listed(tmp_path: Path, goport: Goport, cache_dir: Path) -> None:
    root = _project(tmp_path / "proj", {"secret.py": "x = 1\n"})
    _make_unreadable(root / "secret.py")
    try:
        err = _error(_scan(goport, root, cache_dir), "secret.py")
    finally:
        (root / "secret.py").chmod(0o644)
    assert err["stage"] == "read"
    assert "cannot read" in err["message"]


def test_unreadable_folder_is_listed(tmp_path: Path, goport: Goport, cache_dir: Path) -> None:
    root = _project(tmp_path / "proj", {"private/mod.py": "x = 1\n"})
    _make_unreadable(root / "private")
    try:
        err = _error(_scan(goport, root, cache_dir), "private")
    finally:
        (root / "private").chmod(0o755)
    assert err["stage"] == "discover"


def test_symlink_loop_is_listed_and_the_scan_finishes(
    tmp_path: Path, goport: Goport, cache_dir: Path
) -> None:
    root = _project(tmp_path / "proj", {"pkg/__init__.py": "", "pkg/mod.py": "x = 1\n"})
    os.symlink("..", root / "pkg" / "loop", target_is_directory=True)
    doc = _scan(goport, root, cache_dir)
    err = _error(doc, "pkg/loop")
    assert err["stage"] == "discover"
    assert "loop" in err["message"]
    assert sorted(c["path"] for c in doc["candidates"]) == [
        "good.py",
        "pkg/__init__.py",
        "pkg/mod.py",
    ]


def test_broken_symlink_is_listed(tmp_path: Path, goport: Goport, cache_dir: Path) -> None:
    root = _project(tmp_path / "proj", {})
    os.symlink(root / "gone.py", root / "dangling.py")
    err = _error(_scan(goport, root, cache_dir), "dangling.py")
    assert err["stage"] == "discover"
    assert "broken symbolic link" in err["message"]


def test_terminal_report_lists_the_bad_file_too(
    tmp_path: Path, goport: Goport, cache_dir: Path
) -> None:
    root = _project(tmp_path / "proj", {"legacy.py": 'print "hello"\n'})
    result = goport("scan", root, "--cache-dir", cache_dir, "--no-history")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "good.py" in result.stdout
    assert "legacy.py" in result.stdout
    assert "Python 2" in result.stdout


# -- usage and input errors: exit 2, a message naming the culprit --------------------------------


def _usage_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, (
        f"exit {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    )
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    return result.stderr


def test_nonexistent_path_is_a_usage_error(tmp_path: Path, goport: Goport, cache_dir: Path) -> None:
    missing = tmp_path / "no-such-project"
    stderr = _usage_error(goport("scan", missing, "--cache-dir", cache_dir))
    assert str(missing) in stderr
    assert "no such file or directory" in stderr


def test_a_py_file_as_path_is_analysed_and_reported(
    tmp_path: Path, goport: Goport, cache_dir: Path
) -> None:
    root = _project(tmp_path / "proj", {"other.py": "x = 1\n"})
    result = goport(
        "scan", "good.py", "--format", "json", "--cache-dir", cache_dir, "--no-history", cwd=root
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    doc = json.loads(result.stdout)
    assert [c["path"] for c in doc["candidates"]] == ["good.py"]
    assert doc["candidates"][0]["findings"]
    assert doc["errors"] == []


def test_a_py_file_outside_the_cwd_is_analysed_and_reported(
    tmp_path: Path, goport: Goport, cache_dir: Path
) -> None:
    root = _project(tmp_path / "proj", {})
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = goport(
        "scan",
        root / "good.py",
        "--format",
        "json",
        "--cache-dir",
        cache_dir,
        "--no-history",
        cwd=elsewhere,
    )
    assert result.returncode == 0, result.stderr
    assert [c["path"] for c in json.loads(result.stdout)["candidates"]] == ["good.py"]


def test_a_non_python_file_as_path_is_a_usage_error(
    tmp_path: Path, goport: Goport, cache_dir: Path
) -> None:
    root = _project(tmp_path / "proj", {"notes.txt": "hello\n"})
    stderr = _usage_error(goport("scan", root / "notes.txt", "--cache-dir", cache_dir))
    assert "notes.txt" in stderr


@pytest.mark.parametrize(
    ("pyproject", "words"),
    [
        pytest.param(
            "[tool.goport]\nexlude = ['legacy/']\n",
            ["exlude", "did you mean 'exclude'"],
            id="unknown-key",
        ),
        pytest.param("[tool.goport]\ntop = 'five'\n", ["top"], id="wrong-type"),
        pytest.param("[tool.goport.weights]\nspeed = 2\n", ["speed"], id="unknown-weight"),
        pytest.param("[tool.goport\nexclude = [\n", ["pyproject.toml", "TOML"], id="invalid-toml"),
    ],
)
def test_broken_tool_goport_is_a_usage_error(
    tmp_path: Path, goport: Goport, cache_dir: Path, pyproject: str, words: list[str]
) -> None:
    root = _project(tmp_path / "proj", {"pyproject.toml": pyproject})
    stderr = _usage_error(goport("scan", root, "--format", "json", "--cache-dir", cache_dir))
    for word in words:
        assert word in stderr


def test_no_config_skips_a_broken_pyproject(
    tmp_path: Path, goport: Goport, cache_dir: Path
) -> None:
    root = _project(tmp_path / "proj", {"pyproject.toml": "[tool.goport\n"})
    _scan(goport, root, cache_dir, "--no-config")


@pytest.mark.skipif(not Path("/proc/self/mem").exists(), reason="needs Linux /proc")
def test_link_to_proc_self_mem_is_listed_not_read(
    tmp_path: Path, goport: Goport, cache_dir: Path
) -> None:
    """A link out of the scanned tree is never followed (issue 7, item 7), so this is now a
    discovery error; reading a file that vanished after discovery ("cannot read", even as
    root) is covered in test_hardening_discover.py."""
    root = _project(tmp_path / "proj", {})
    os.symlink("/proc/self/mem", root / "unreadable.py")
    doc = _scan(goport, root, cache_dir)
    err = _error(doc, "unreadable.py")
    assert err["stage"] == "discover"
    assert "out of the scanned folder" in err["message"]
    assert "good.py" in [c["path"] for c in doc["candidates"]]
