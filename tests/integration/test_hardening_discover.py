"""Hostile trees against discovery, through the real CLI (issue 7: items 7, 9, 10, 11, 13, 15).

Every run has a timeout, so a hang fails the test instead of blocking CI. Each test asserts what
was (not) read: the files discovered, the errors naming the culprit, and the exit code.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

GOOD = (
    "def pairs(xs, ys):\n"
    "    total = 0\n"
    "    for a in xs:\n"
    "        for b in ys:\n"
    "            total += a * b\n"
    "    return total\n"
)
LINK_OUT = "symbolic link out of the scanned folder; not followed"
FORMATS = ("terminal", "json", "sarif", "github", "gitlab", "markdown")
TIMEOUT = 60


def _env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    drop = ("FORCE_COLOR", "GITHUB_STEP_SUMMARY", "GITHUB_ACTIONS")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update({"COLUMNS": "200", "NO_COLOR": "1", **(extra or {})})
    return env


def _goport(
    *args: str | os.PathLike[str], cwd: Path | None = None
) -> subprocess.CompletedProcess[bytes]:
    """The real CLI, bytes in and out (a report must be checked as UTF-8, not decoded leniently)."""
    return subprocess.run(
        [sys.executable, "-m", "goport", *map(os.fsdecode, args)],
        cwd=cwd,
        env=_env(),
        capture_output=True,
        timeout=TIMEOUT,
        check=False,
    )


def _scan(root: Path, *extra: str | os.PathLike[str], cwd: Path | None = None) -> dict[str, Any]:
    result = _goport(
        "scan", root, "-f", "json", "--no-cache", "--no-history", "--jobs", "1", *extra, cwd=cwd
    )
    stderr = result.stderr.decode("utf-8", "replace")
    assert result.returncode == 0, stderr
    assert "Traceback" not in stderr and "internal error" not in stderr, stderr
    doc: dict[str, Any] = json.loads(result.stdout)
    return doc


def _errors(doc: dict[str, Any]) -> dict[str, str]:
    return {e["path"]: e["message"] for e in doc["errors"] if e["stage"] == "discover"}


def _candidates(doc: dict[str, Any]) -> list[str]:
    return sorted(c["path"] for c in doc["candidates"])


def _project(root: Path, files: Mapping[str, str | bytes]) -> Path:
    for rel, content in {"good.py": GOOD, **files}.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return root


@contextmanager
def _watch_fifo(path: Path) -> Iterator[list[float]]:
    """Make ``path`` a FIFO with a writer blocked on it; the list it yields gets an entry if a
    reader ever opened it (a writer's open returns only then)."""
    os.mkfifo(path)
    opened: list[float] = []

    def writer() -> None:
        fd = os.open(path, os.O_WRONLY)
        opened.append(time.monotonic())
        os.close(fd)

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    time.sleep(0.2)  # let the writer block in open()
    try:
        yield opened
    finally:
        if thread.is_alive():  # release the writer
            fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
            thread.join(5)
            os.close(fd)


# -- item 7: links never leave the root ----------------------------------------------------------


def test_a_link_to_usr_is_not_followed(tmp_path: Path) -> None:
    root = _project(tmp_path / "proj", {})
    os.symlink("/usr", root / "u")
    started = time.monotonic()
    doc = _scan(root)
    assert time.monotonic() - started < 30
    assert doc["summary"]["files_discovered"] == 1
    assert _candidates(doc) == ["good.py"]
    assert _errors(doc) == {"u": LINK_OUT}


def test_links_out_of_the_tree_are_listed_and_nothing_outside_is_read(tmp_path: Path) -> None:
    outside = _project(tmp_path / "outside", {"secret_module.py": GOOD.replace("pairs", "secret")})
    root = _project(tmp_path / "proj", {"lib/util.py": "x = 1\n"})
    os.symlink(outside, root / "vendor", target_is_directory=True)
    os.symlink(outside / "secret_module.py", root / "stolen.py")
    os.symlink("../../outside", root / "lib" / "up", target_is_directory=True)
    os.symlink("lib/util.py", root / "alias.py")  # inside: followed
    os.symlink("lib", root / "lib2", target_is_directory=True)  # inside, already scanned
    result = _goport("scan", root, "-f", "json", "--no-cache", "--no-history")
    assert result.returncode == 0, result.stderr
    assert b"secret" not in result.stdout
    doc = json.loads(result.stdout)
    assert _candidates(doc) == ["alias.py", "good.py", "lib/util.py"]
    errors = _errors(doc)
    assert errors["vendor"] == LINK_OUT
    assert errors["stolen.py"] == LINK_OUT
    assert errors["lib/up"] == LINK_OUT
    assert "loop" in errors["lib2"]


def test_a_named_link_out_of_the_tree_is_listed_not_read(tmp_path: Path) -> None:
    _project(tmp_path / "outside", {"secret_module.py": GOOD})
    root = _project(tmp_path / "proj", {})
    os.symlink("../outside/secret_module.py", root / "link.py")
    doc = _scan(Path("link.py"), Path("good.py"), cwd=root)
    assert _candidates(doc) == ["good.py"]
    assert _errors(doc) == {"link.py": LINK_OUT}


# -- item 9: special files -----------------------------------------------------------------------


def test_a_gitignore_linked_to_dev_zero_is_not_read(tmp_path: Path) -> None:
    root = _project(tmp_path / "proj", {"sub/mod.py": "x = 1\n"})
    os.symlink("/dev/zero", root / ".gitignore")
    os.symlink("/dev/zero", root / "sub" / ".gitignore")
    doc = _scan(root)
    assert _candidates(doc) == ["good.py", "sub/mod.py"]
    errors = _errors(doc)
    assert set(errors) == {".gitignore", "sub/.gitignore"}
    assert errors[".gitignore"] == (
        "a symbolic link, which git does not follow either; its patterns are not used"
    )


def test_info_exclude_linked_out_of_the_tree_is_not_read(tmp_path: Path) -> None:
    root = _project(tmp_path / "proj", {"a_gen.py": "x = 1\n"})
    (root / ".git" / "info").mkdir(parents=True)
    os.symlink("/dev/zero", root / ".git" / "info" / "exclude")
    doc = _scan(root)
    assert _errors(doc) == {
        ".git/info/exclude": (
            "a symbolic link out of the scanned folder; not followed; its patterns are not used"
        )
    }
    assert _candidates(doc) == ["a_gen.py", "good.py"]


def test_fifo_ignore_files_are_listed_never_opened(tmp_path: Path) -> None:
    root = _project(tmp_path / "proj", {"sub/mod.py": "x = 1\n", "a_gen.py": "x = 1\n"})
    (root / ".git" / "info").mkdir(parents=True)
    with (
        _watch_fifo(root / ".gitignore") as top,
        _watch_fifo(root / "sub" / ".gitignore") as nested,
        _watch_fifo(root / ".git" / "info" / "exclude") as exclude,
    ):
        doc = _scan(root)
        assert (top, nested, exclude) == ([], [], [])
    errors = _errors(doc)
    for name in (".gitignore", "sub/.gitignore", ".git/info/exclude"):
        assert "FIFO" in errors[name] and "not a regular file" in errors[name], errors
    assert _candidates(doc) == ["a_gen.py", "good.py", "sub/mod.py"]


def test_a_huge_gitignore_is_listed_and_not_used(tmp_path: Path) -> None:
    big = "good.py\n" + "#" * (1 << 20) + "\n"
    root = _project(tmp_path / "proj", {".gitignore": big, "sub/.gitignore": "*_gen.py\n"})
    _project(root, {"sub/x_gen.py": "x = 1\n"})
    doc = _scan(root)
    assert "larger than 1,048,576 bytes" in _errors(doc)[".gitignore"]
    assert _candidates(doc) == ["good.py"]  # the nested one still applies


def test_special_py_entries_are_reported_as_what_they_are(tmp_path: Path) -> None:
    root = _project(tmp_path / "proj", {})
    os.symlink("/dev/null", root / "null.py")
    os.symlink("gone.py", root / "dangling.py")
    with _watch_fifo(root / "pipe.py") as pipe, _watch_fifo(root / "data.fifo") as data:
        os.symlink("data.fifo", root / "linked_pipe.py")
        doc = _scan(root)
        assert (pipe, data) == ([], [])
    errors = _errors(doc)
    assert errors["pipe.py"] == "a FIFO (named pipe), not a regular file; skipped"
    assert errors["linked_pipe.py"] == (
        "a symbolic link to a FIFO (named pipe), not a regular file; skipped"
    )
    assert errors["null.py"] == (
        "a symbolic link to a character device, not a regular file; skipped"
    )
    assert errors["dangling.py"] == "broken symbolic link; skipped"
    assert _candidates(doc) == ["good.py"]


SWAP = textwrap.dedent(
    """
    import json, os, sys
    from pathlib import Path
    from goport.config import Config
    from goport.discover import discover
    from goport.analysis import analyse

    root = Path(sys.argv[1])
    found = discover(root)
    os.unlink(root / "swapped.py")
    os.mkfifo(root / "swapped.py")
    os.unlink(root / "moved.py")
    os.symlink(sys.argv[2], root / "moved.py")
    os.unlink(root / "vanished.py")
    config = Config(root=root, use_cache=False, history=False, jobs=1)
    facts, errors, _ = analyse(found.files, config, root=found.root)
    print(json.dumps({
        "facts": sorted(m.rel_path for m in facts),
        "errors": {e.rel_path: [e.stage, e.message] for e in errors},
    }))
    """
)


def test_files_swapped_after_discovery_are_errors_not_hangs(tmp_path: Path) -> None:
    """A .py replaced by a FIFO, a link out of the tree, or nothing between discovery and
    reading: each is an error for that file; the FIFO is never waited on."""
    outside = _project(tmp_path / "outside", {})
    root = _project(tmp_path / "proj", {"swapped.py": GOOD, "moved.py": GOOD, "vanished.py": GOOD})
    result = subprocess.run(
        [sys.executable, "-c", SWAP, str(root), str(outside / "good.py")],
        env=_env(),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["facts"] == ["good.py"]
    errors = doc["errors"]
    assert errors["swapped.py"] == ["read", "a FIFO (named pipe), not a regular file; not read"]
    assert errors["moved.py"] == ["read", "a symbolic link out of the scanned folder; not followed"]
    assert errors["vanished.py"][0] == "read"
    assert "cannot read" in errors["vanished.py"][1]


# -- items 10 and 13: gitignore patterns ---------------------------------------------------------


def test_gitignore_lines_git_skips_do_not_abort_the_scan(tmp_path: Path) -> None:
    root = _project(
        tmp_path / "proj",
        {
            ".gitignore": "!\n*_gen.py\n",
            "sub/.gitignore": "\\\n!\nfoo\\\n[z-a].py\n[[:alpha:]]x.py\nlocal.py\n",
            "sub/local.py": "x = 1\n",
            "sub/a_gen.py": "x = 1\n",
            "sub/kept.py": "x = 1\n",
            "z.py": "x = 1\n",
        },
    )
    result = _goport("scan", root, "-f", "json", "--no-cache", "--no-history")
    assert result.returncode == 0, result.stderr
    assert result.stderr == b""  # no warning or native log leaks out of the pattern compilers
    doc = json.loads(result.stdout)
    assert _candidates(doc) == ["good.py", "sub/kept.py", "z.py"]
    assert doc["errors"] == []


@pytest.mark.parametrize("pattern", ["!", "\\", "foo\\"])
def test_an_invalid_exclude_pattern_is_a_usage_error(tmp_path: Path, pattern: str) -> None:
    root = _project(tmp_path / "proj", {})
    result = _goport("scan", root, "--exclude", pattern, "--no-cache")
    assert result.returncode == 2
    stderr = result.stderr.decode()
    assert stderr.startswith("goport: error: exclude pattern ")
    assert repr(pattern) in stderr
    assert "Traceback" not in stderr and "internal error" not in stderr
    assert result.stdout == b""


def test_a_backtracking_gitignore_pattern_runs_in_linear_time(tmp_path: Path) -> None:
    """Python's re takes minutes on this (the issue measured it); re2 has no backtracking."""
    name = "a" * 40
    root = _project(
        tmp_path / "proj",
        {
            ".gitignore": "*a*a*a*a*a*a*a*a*a*a*a*a*b\n",
            f"{name}.py": "x = 1\n",
            f"{name}/{name}.py": "x = 1\n",
            "aaaaaaaaaaaab/inner.py": "x = 1\n",
        },
    )
    started = time.monotonic()
    doc = _scan(root, "--exclude", "*a*a*a*a*a*a*a*a*a*a*a*a*c")
    assert time.monotonic() - started < 30
    assert _candidates(doc) == [f"{name}.py", f"{name}/{name}.py", "good.py"]


def test_gitignore_matching_uses_re2() -> None:
    from goport.discover import _backend

    assert _backend()[0] == "re2"


# -- item 11: names that are not UTF-8 or hold control characters --------------------------------

ESC_NAME = b"a\x1b]0;T\x07.py"


def _hostile_names(root: Path) -> Path:
    _project(root, {})
    for name in (b"\xff.py", ESC_NAME, b"new\nline.py"):
        with open(os.path.join(os.fsencode(root), name), "wb") as handle:
            handle.write(GOOD.replace("pairs", "other").encode())
    sub = os.path.join(os.fsencode(root), b"pkg\xfe")
    os.mkdir(sub)
    for name in (b"__init__.py", b"m\x1b[2J.py"):
        with open(os.path.join(sub, name), "wb") as handle:
            handle.write(GOOD.encode())
    return root


@pytest.mark.parametrize("fmt", FORMATS)
def test_non_utf8_and_control_character_names_in_every_format(tmp_path: Path, fmt: str) -> None:
    root = _hostile_names(tmp_path / "proj")
    result = _goport("scan", root, "-f", fmt, "--no-cache", "--no-history")
    assert result.returncode == 0, result.stderr
    for stream in (result.stdout, result.stderr):
        stream.decode("utf-8")  # strict: valid UTF-8
        assert b"\x1b" not in stream
        assert b"\x07" not in stream
    out = result.stdout.decode()
    if fmt in ("json", "sarif", "gitlab"):
        out = "\n".join(_strings(json.loads(out)))
    assert "\\xff.py" in out and "a\\x1b]0;T\\x07.py" in out


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def test_escaped_names_are_the_identity_everywhere(tmp_path: Path) -> None:
    root = _hostile_names(tmp_path / "proj")
    doc = _scan(root)
    by_path = {c["path"]: c for c in doc["candidates"]}
    assert sorted(by_path) == [
        "\\xff.py",
        "a\\x1b]0;T\\x07.py",
        "good.py",
        "new\\x0aline.py",
        "pkg\\xfe/__init__.py",
        "pkg\\xfe/m\\x1b[2J.py",
    ]
    assert by_path["pkg\\xfe/m\\x1b[2J.py"]["module"] == "pkg\\xfe.m\\x1b[2J"
    assert all(c["score"] > 0 for c in doc["candidates"] if c["path"] != "pkg\\xfe/__init__.py")
    assert doc["errors"] == []


# -- item 15: deep folders -----------------------------------------------------------------------


def _nest(root: Path, depth: int) -> int:
    """``depth`` folders ``d/d/d/...`` under ``root`` with ``deep.py`` at the bottom, made
    relative to open folders so no long path is needed; returns the depth reached."""
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    reached = 0
    try:
        for _ in range(depth):
            try:
                os.mkdir("d", dir_fd=fd)
            except OSError:
                break
            child = os.open("d", os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
            os.close(fd)
            fd, reached = child, reached + 1
        out = os.open("deep.py", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
        os.write(out, GOOD.encode())
        os.close(out)
    finally:
        os.close(fd)
    return reached


def _unnest(root: Path, depth: int) -> None:
    """shutil.rmtree recurses (Python 3.11) and fails this deep: remove bottom-up instead."""
    fds = [os.open(root, os.O_RDONLY | os.O_DIRECTORY)]
    for _ in range(depth):
        fds.append(os.open("d", os.O_RDONLY | os.O_DIRECTORY, dir_fd=fds[-1]))
    os.unlink("deep.py", dir_fd=fds[-1])
    os.close(fds.pop())
    while len(fds) > 0:
        os.rmdir("d", dir_fd=fds[-1])
        os.close(fds.pop())


def test_folders_1200_deep_do_not_crash_the_scan(tmp_path: Path) -> None:
    root = _project(tmp_path / "proj", {})
    depth = _nest(root, 1200)
    try:
        limit = os.pathconf(root, "PC_PATH_MAX")
        assert depth == 1200
        doc = _scan(root)
        expected = "/".join(["d"] * depth + ["deep.py"])
        if len(str(root)) + len(expected) + 1 < limit:
            assert _candidates(doc) == [expected, "good.py"]
            assert doc["errors"] == []
        else:  # the OS cannot open a path that long: listed, not a crash
            assert "good.py" in _candidates(doc)
    finally:
        _unnest(root, depth)


# -- unclear error: a file argument outside the project root -------------------------------------


def test_a_file_argument_outside_the_root_says_so(tmp_path: Path) -> None:
    root = _project(tmp_path / "proj", {})
    other = _project(tmp_path / "other", {})
    # the files are not all below the working folder: the first one's folder is the root
    result = _goport("scan", "good.py", "../other/good.py", "--no-cache", cwd=root)
    assert result.returncode == 2
    stderr = result.stderr.decode()
    assert stderr == (
        f"goport: error: ../other/good.py: outside the project root {root.resolve()}; "
        "give --root or scan its folder\n"
    )
    assert result.stdout == b""

    result = _goport("scan", "--root", root, other / "good.py", "--no-cache", cwd=tmp_path)
    assert result.returncode == 2
    assert (
        f"{other / 'good.py'}: outside the project root {root.resolve()}" in result.stderr.decode()
    )

    # with a common --root both are found
    doc = _scan(Path("proj/good.py"), Path("other/good.py"), "--root", tmp_path, cwd=tmp_path)
    assert _candidates(doc) == ["other/good.py", "proj/good.py"]


def test_names_that_escape_alike_are_both_ranked_and_gated(tmp_path: Path) -> None:
    """A real ESC in one name and the four characters ``\\x1b`` in another must not share an
    identity: the hot module can never hide behind its look-alike to dodge a gate."""
    root = tmp_path / "proj"
    root.mkdir()
    fixtures = Path(__file__).resolve().parents[2] / "fixtures"
    hot = (fixtures / "demo_service" / "demo_service" / "tokenizer.py").read_text()
    (root / "evil\\x1b.py").write_text(hot)
    (root / "evil\x1b.py").write_text("x = 1\n")
    proc = subprocess.run(
        [sys.executable, "-m", "goport", "scan", str(root), "-f", "json", "--no-cache",
         "--no-history", "--fail-on", "50"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert proc.returncode == 1, proc.stderr
    doc = json.loads(proc.stdout)
    paths = {c["path"] for c in doc["candidates"]}
    assert paths == {"evil\\\\x1b.py", "evil\\x1b.py"}, paths
    assert doc["errors"] == []
