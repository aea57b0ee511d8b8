"""What goport writes, when the scanned tree is hostile (issue 7, items 6 and 8, and the step
summary): names from the tree never drive the terminal or the CI log, ``--output`` never writes
through a link, a failed write leaves nothing half-written, and a bad ``$GITHUB_STEP_SUMMARY`` costs
a warning, not the annotations.

Everything runs the real console script in a subprocess (bytes captured, so an escape sequence
or invalid UTF-8 cannot be hidden by decoding).
"""

from __future__ import annotations

import json
import os
import re
import resource
import signal
from pathlib import Path

import pytest
from console import run_goport

from goport.discover import shown_name

HOT = (
    "def pairs(xs, ys):\n"
    "    total = 0\n"
    "    for a in xs:\n"
    "        for b in ys:\n"
    "            total += a * b\n"
    "    return total\n"
)
#: a window-title OSC sequence ended by BEL (the issue's repro)
TITLE = "a\x1b]0;T\x07.py"
TITLE_SHOWN = "a\\x1b]0;T\\x07.py"
#: an OSC 8 hyperlink around the text "link"
LINK = "c\x1b]8;;evil\x1b\\link\x1b]8;;\x1b\\.py"
LINK_SHOWN = shown_name(LINK)  # its own backslashes (the string terminator ESC \) doubled
#: a right-to-left override that makes "b<RLO>yp.txt.py" read as a .txt file
BIDI = "b\u202eyp.txt.py"
BIDI_SHOWN = "b\\u202eyp.txt.py"
#: a keep-python reason that clears the screen
REASON = "\x1b[2J reason"
REASON_SHOWN = "\\x1b[2J reason"
#: what must never reach a terminal or a CI log raw
RAW = ("\x1b", "\x07", "\u202e", "\x9b")
SGR = re.compile(rb"\x1b\[[0-9;]*m")


def _text(data: bytes) -> str:
    """Strict UTF-8: the output must always be valid."""
    return data.decode("utf-8")


def _assert_no_raw_controls(data: bytes) -> None:
    text = _text(data)
    for char in RAW:
        assert char not in text, f"raw {char!r} in output:\n{text}"


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    """A tree whose file names and keep-python reason carry terminal control sequences."""
    root = tmp_path / "proj"
    root.mkdir()
    (root / "x.py").write_text(HOT, encoding="utf-8")
    for name in (TITLE, LINK, BIDI):
        (root / name).write_text(HOT, encoding="utf-8")
    (root / "k.py").write_text(f"# goport: keep-python[{REASON}]\nx = 1\n", encoding="utf-8")
    return root


# -- item 6: terminal escape injection -------------------------------------------------------------


@pytest.mark.parametrize("color_env", [{"NO_COLOR": "1"}, {}], ids=["no-color", "piped"])
def test_terminal_table_and_gate_lines_show_control_sequences_escaped(
    hostile: Path, color_env: dict[str, str]
) -> None:
    result = run_goport(
        "scan",
        "--format",
        "terminal",
        ".",
        "--fail-on",
        "0",
        "--no-cache",
        "--no-history",
        cwd=hostile,
        env=color_env,
    )
    assert result.returncode == 1, _text(result.stderr)
    out, err = _text(result.stdout), _text(result.stderr)
    _assert_no_raw_controls(result.stdout)
    _assert_no_raw_controls(result.stderr)
    for shown in (TITLE_SHOWN, LINK_SHOWN, BIDI_SHOWN):
        assert shown in out  # the table row (the folded column can wrap: the gate list cannot)
        assert f"goport: gate: {shown} scores" in err
    assert f"k.py: {REASON_SHOWN}" in out


def test_rich_markup_in_a_name_is_shown_not_applied(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    root.mkdir()
    name = "m[bold]x\\[red]y\\.py"  # a tag, an escaped tag, a backslash before the dot
    (root / name).write_text(HOT, encoding="utf-8")
    result = run_goport(
        "scan",
        "--format",
        "terminal",
        ".",
        "--fail-on",
        "0",
        "--no-cache",
        "--no-history",
        cwd=root,
    )
    assert result.returncode == 1, _text(result.stderr)
    out = _text(result.stdout)
    shown = shown_name(name)  # the name's own backslashes doubled, so no two names look alike
    # the suggested command quotes it for the shell (brackets are glob characters)
    assert shown in out and f"goport explain '{shown}' for" in out
    assert f"goport: gate: {shown} scores" in _text(result.stderr)


def test_forced_colour_adds_only_rich_colour_codes(hostile: Path) -> None:
    result = run_goport(
        "scan",
        "--format",
        "terminal",
        ".",
        "--fail-on",
        "0",
        "--no-cache",
        "--no-history",
        cwd=hostile,
        env={"FORCE_COLOR": "1"},
    )
    assert result.returncode == 1
    assert SGR.search(result.stdout), "expected colour"
    _assert_no_raw_controls(SGR.sub(b"", result.stdout))
    _assert_no_raw_controls(result.stderr)
    assert TITLE_SHOWN in _text(SGR.sub(b"", result.stdout))


@pytest.mark.parametrize("fmt", ["markdown", "github"])
def test_markdown_and_github_logs_show_control_sequences_escaped(hostile: Path, fmt: str) -> None:
    result = run_goport(
        "scan", ".", "-f", fmt, "--fail-on", "0", "--no-cache", "--no-history", cwd=hostile
    )
    assert result.returncode == 1, _text(result.stderr)
    _assert_no_raw_controls(result.stdout)
    _assert_no_raw_controls(result.stderr)
    out = _text(result.stdout)
    if fmt == "github":
        # the file= property of an annotation (``:`` and ``,`` are the runner's own escapes)
        assert "file=a\\x1b]0;T\\x07.py," in out
        assert f"file={BIDI_SHOWN}," in out
    else:
        assert f"| `{TITLE_SHOWN}` |" in out and f"| `{BIDI_SHOWN}` |" in out  # code spans
        assert f"<code>{LINK_SHOWN}</code>" in out  # the details' raw HTML
        assert "- `k.py`: \\\\x1b\\[2J reason" in out  # prose: the backslash escaped too


@pytest.mark.parametrize("fmt", ["json", "sarif", "gitlab"])
def test_json_formats_name_files_as_shown_and_keep_other_text_exact(
    hostile: Path, fmt: str
) -> None:
    """A file's identity (its path in every report) is the name discovery shows, controls
    escaped; other text from the tree (a keep-python reason) is kept exact and JSON-escaped."""
    result = run_goport("scan", ".", "-f", fmt, "--no-cache", "--no-history", cwd=hostile)
    assert result.returncode == 0, _text(result.stderr)
    # json.dumps escapes every C0 control: no raw ESC or BEL in the bytes
    assert b"\x1b" not in result.stdout and b"\x07" not in result.stdout
    doc = json.loads(_text(result.stdout))
    if fmt == "json":
        paths = {c["path"] for c in doc["candidates"]}
        assert {TITLE_SHOWN, LINK_SHOWN, BIDI_SHOWN} <= paths
        assert doc["decided"][0]["reason"] == REASON
    elif fmt == "gitlab":
        assert {TITLE_SHOWN, LINK_SHOWN, BIDI_SHOWN} <= {i["location"]["path"] for i in doc}
    else:
        results = doc["runs"][0]["results"]
        assert TITLE_SHOWN[:-3] in {r["properties"]["module"] for r in results}
        uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
        assert "a%5Cx1b%5D0%3BT%5Cx07.py" in uris  # percent-encoded, as a URI must be


def test_explain_escapes_names_and_reasons(hostile: Path) -> None:
    result = run_goport("explain", TITLE, "--no-cache", "--no-history", cwd=hostile)
    assert result.returncode == 0, _text(result.stderr)
    _assert_no_raw_controls(result.stdout)
    assert _text(result.stdout).startswith(TITLE_SHOWN)
    decided = run_goport("explain", "k.py", "--no-cache", "--no-history", cwd=hostile)
    assert decided.returncode == 0
    _assert_no_raw_controls(decided.stdout)
    assert f"({REASON_SHOWN})" in _text(decided.stdout)
    as_json = run_goport("explain", TITLE, "-f", "json", "--no-cache", "--no-history", cwd=hostile)
    assert json.loads(_text(as_json.stdout))["path"] == TITLE_SHOWN


def test_error_lines_escape_names_from_the_tree(hostile: Path) -> None:
    name = "test_\x1b[2J.py"  # a test module: "not a candidate", an input error naming it
    (hostile / name).write_text("def test_x():\n    pass\n", encoding="utf-8")
    result = run_goport("explain", name, "--no-cache", "--no-history", cwd=hostile)
    assert result.returncode == 2
    _assert_no_raw_controls(result.stderr)
    assert _text(result.stderr).startswith("goport: error: test_\\x1b[2J.py: not a candidate")


def test_undecodable_file_name_gives_valid_utf8_in_every_format(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    root.mkdir()
    (root / "x.py").write_text(HOT, encoding="utf-8")
    (root / os.fsdecode(b"u\xff.py")).write_text(HOT, encoding="utf-8")
    for fmt in ("terminal", "json", "sarif", "gitlab", "markdown", "github"):
        result = run_goport("scan", ".", "-f", fmt, "--no-cache", "--no-history", cwd=root)
        assert result.returncode == 0, (fmt, _text(result.stderr))
        out = _text(result.stdout)  # strict: raises on invalid UTF-8 (a lone surrogate)
        assert "u\\xff.py" in out.replace("\\\\", "\\") or "u%FF.py" in out, fmt
        if fmt in ("json", "sarif", "gitlab"):
            json.loads(out)
    doc = json.loads(_text(run_goport("scan", ".", "-f", "json", "--no-cache", cwd=root).stdout))
    assert "u\\xff.py" in [c["path"] for c in doc["candidates"]]


# -- item 8: --output never writes through a link --------------------------------------------------


@pytest.fixture
def plain_tree(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    root.mkdir()
    (root / "x.py").write_text(HOT, encoding="utf-8")
    return root


@pytest.mark.parametrize("victim_exists", [False, True], ids=["absent-victim", "existing-victim"])
def test_output_replaces_a_planted_link_instead_of_writing_through_it(
    plain_tree: Path, victim_exists: bool
) -> None:
    victim = plain_tree.parent / "victim"
    if victim_exists:
        victim.write_text("precious\n", encoding="utf-8")
    (plain_tree / "goport.sarif").symlink_to("../victim")
    result = run_goport(
        "scan", ".", "-f", "sarif", "-o", "goport.sarif", "--no-cache", cwd=plain_tree
    )
    assert result.returncode == 0, _text(result.stderr)
    if victim_exists:
        assert victim.read_text(encoding="utf-8") == "precious\n"
    else:
        assert not victim.exists() and not victim.is_symlink()
    target = plain_tree / "goport.sarif"
    assert not target.is_symlink() and target.is_file()
    assert json.loads(target.read_text(encoding="utf-8"))["version"] == "2.1.0"


def test_output_under_a_folder_linked_out_of_the_tree_is_refused(plain_tree: Path) -> None:
    outside = plain_tree.parent / "outside"
    outside.mkdir()
    (plain_tree / "reports").symlink_to("../outside")
    result = run_goport(
        "scan", ".", "-f", "sarif", "-o", "reports/goport.sarif", "--no-cache", cwd=plain_tree
    )
    assert result.returncode == 2
    err = _text(result.stderr)
    assert err.startswith("goport: error: reports/goport.sarif: ")
    assert "symbolic link out of the scanned folder" in err and err.count("\n") == 1
    assert list(outside.iterdir()) == []


def test_baseline_write_replaces_a_planted_link(plain_tree: Path) -> None:
    victim = plain_tree.parent / "victim.json"
    victim.write_text("precious\n", encoding="utf-8")
    (plain_tree / "baseline.json").symlink_to("../victim.json")
    result = run_goport("baseline", "write", "baseline.json", "--no-cache", cwd=plain_tree)
    assert result.returncode == 0, _text(result.stderr)
    assert victim.read_text(encoding="utf-8") == "precious\n"
    target = plain_tree / "baseline.json"
    assert not target.is_symlink()
    assert json.loads(target.read_text(encoding="utf-8"))["format"] == "goport-baseline"


def _entries(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


def _small_files() -> None:
    """In the child: files may not grow past 300 bytes (a full disk, for real writes); the
    signal that would kill the process instead of failing the write is ignored."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (300, 300))


@pytest.mark.parametrize("existing", [False, True], ids=["new-file", "existing-file"])
def test_a_failed_write_leaves_no_empty_report_and_no_temporary_file(
    plain_tree: Path, tmp_path: Path, existing: bool
) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    target = out_dir / "goport.json"
    if existing:
        target.write_text('{"old": true}\n', encoding="utf-8")
    before = _entries(out_dir)
    result = run_goport(
        "scan",
        ".",
        "-f",
        "json",
        "-o",
        target,
        "--no-cache",
        "--no-history",
        cwd=plain_tree,
        preexec=_small_files,
    )
    assert result.returncode == 2
    err = _text(result.stderr)
    assert err == f"goport: error: {target}: cannot write: File too large\n"
    assert _entries(out_dir) == before  # no .goport.json.*.tmp left, no 0-byte goport.json
    if existing:
        assert target.read_text(encoding="utf-8") == '{"old": true}\n'


@pytest.mark.parametrize(
    ("where", "says"),
    [
        ("/dev/full", "/dev/full: cannot write: No space left on device"),
        ("x.py/report.json", "x.py/report.json: cannot write: "),
        ("/proc/goport-nowhere/report.json", "/proc/goport-nowhere/report.json: cannot write: "),
    ],
    ids=["dev-full", "parent-is-a-file", "proc"],
)
def test_an_unwritable_output_is_one_clear_line(plain_tree: Path, where: str, says: str) -> None:
    before = _entries(plain_tree)
    result = run_goport("scan", ".", "-o", where, "--no-cache", "--no-history", cwd=plain_tree)
    assert result.returncode == 2
    err = _text(result.stderr)
    assert err.startswith(f"goport: error: {says}") and err.count("\n") == 1, err
    assert "internal error" not in err
    assert _entries(plain_tree) == before
    if where == "x.py/report.json":
        assert "is not a folder" in err
    assert Path("/dev/full").is_char_device()  # a stream is written in place, never replaced


def test_output_to_dev_stdout_is_the_report_on_stdout(plain_tree: Path) -> None:
    result = run_goport(
        "scan", ".", "-f", "json", "-o", "/dev/stdout", "--no-cache", "--no-history", cwd=plain_tree
    )
    assert result.returncode == 0, _text(result.stderr)
    assert json.loads(_text(result.stdout))["candidates"][0]["path"] == "x.py"
    assert Path("/dev/stdout").is_symlink()


# -- $GITHUB_STEP_SUMMARY --------------------------------------------------------------------------


def _summary_cases(tmp_path: Path) -> list[tuple[str, Path]]:
    folder = tmp_path / "a-folder"
    folder.mkdir()
    fifo = tmp_path / "a-fifo"
    os.mkfifo(fifo)
    file = tmp_path / "a-file"
    file.write_text("", encoding="utf-8")
    return [
        ("a folder", folder),
        ("a FIFO (named pipe)", fifo),  # no reader: a blocking open would hang the step
        ("a character device", Path("/dev/full")),
        ("Not a directory", file / "summary.md"),
    ]


def test_a_step_summary_that_cannot_be_written_is_a_warning_and_annotations_still_print(
    plain_tree: Path, tmp_path: Path
) -> None:
    expected = run_goport("scan", ".", "-f", "github", "--no-cache", "--no-history", cwd=plain_tree)
    annotations = [l for l in _text(expected.stdout).splitlines() if l.startswith("::")]
    assert annotations
    for says, summary in _summary_cases(tmp_path):
        result = run_goport(
            "scan",
            ".",
            "-f",
            "github",
            "--no-cache",
            "--no-history",
            cwd=plain_tree,
            env={"GITHUB_STEP_SUMMARY": str(summary)},
        )
        assert result.returncode == 0, (says, _text(result.stderr))
        assert result.stdout == expected.stdout, says
        err = _text(result.stderr).splitlines()
        assert len(err) == 1, err
        assert err[0].startswith(
            f"goport: warning: the step summary ($GITHUB_STEP_SUMMARY={summary})"
        )
        assert says in err[0] and "annotations are printed" in err[0]


def test_a_full_step_summary_is_a_warning(plain_tree: Path, tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    result = run_goport(
        "scan",
        ".",
        "-f",
        "github",
        "--no-cache",
        "--no-history",
        cwd=plain_tree,
        env={"GITHUB_STEP_SUMMARY": str(summary)},
        preexec=_small_files,
    )
    assert result.returncode == 0, _text(result.stderr)
    assert any(l.startswith("::") for l in _text(result.stdout).splitlines())
    assert "File too large" in _text(result.stderr)


def test_log_lines_escape_what_they_quote(plain_tree: Path, tmp_path: Path) -> None:
    summary = tmp_path / "a\x1b[2Jb" / "summary.md"  # the warning quotes the (missing) path
    result = run_goport(
        "scan",
        ".",
        "-f",
        "github",
        "--no-cache",
        "--no-history",
        cwd=plain_tree,
        env={"GITHUB_STEP_SUMMARY": str(summary)},
    )
    assert result.returncode == 0
    _assert_no_raw_controls(result.stderr)
    assert "a\\x1b[2Jb/summary.md" in _text(result.stderr)


def test_json_text_writes_a_lone_surrogate_as_the_byte_it_stands_for() -> None:
    """The decision for json/sarif/gitlab: exact strings, except a lone surrogate (which UTF-8
    cannot encode, and which many JSON readers reject as a ``\\udcff`` escape) becomes the
    ``\\xNN`` text the terminal shows; the discovery stage may already have done the same."""
    from goport.reports import dumps
    from goport.reports.sarif import uri

    for indent in (None, 2):
        text = dumps({"p": "u\udcff.py", "q": "\ud800", "r": "\x1b"}, indent=indent)
        text.encode("utf-8")  # strict
        assert json.loads(text) == {"p": "u\\xff.py", "q": "\\ud800", "r": "\x1b"}
    assert uri("u\udcff.py") == "u%FF.py"  # the byte on disk, percent-encoded
