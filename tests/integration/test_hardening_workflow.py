"""File names that are GitHub Actions workflow commands (issue 7, the CI-log side of item 6).

The runner reads every line a step prints: a line whose first non-whitespace text is ``::`` is a
v2 command (``::add-mask::``, ``::stop-commands::``, ``::error``), and ``##[name]`` anywhere in a
line is a legacy one. A scanned tree names its files, so every surface that prints a name to a
log (the terminal report and ``explain``, the github format's plain lines, markdown on stdout,
JSON on stdout, the gate, error and log lines on stderr) must print no such line. goport's own
``::warning``/``::notice``/``::error`` annotations are the only ``::`` lines, with their
properties encoded. JSON keeps every name exact for the programs that read it.

Everything runs the real console script in a subprocess, output captured as bytes.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from console import run_goport

from goport.text import inert, printable

HOT = (
    "def pairs(xs, ys):\n"
    "    total = 0\n"
    "    for a in xs:\n"
    "        for b in ys:\n"
    "            for c in xs:\n"
    "                total += a * b * c\n"
    "    return total\n"
)
#: hostile names of candidate modules (each becomes a table row, a gate line, an annotation)
HOSTILE = (
    "y##[error]a.py",
    "y##[stop-commands]tok.py",
    "::error title=PWN::x.py",
    "::add-mask::m.py",
    "   ::warning::sp.py",  # leading spaces: the runner trims them
    "\u3000::notice::ideo.py",  # an ideographic space: .NET trims it too
    "#\ufe0f#[group]vs.py",  # a variation selector that .NET's comparison skips
)
#: a name that starts a line of the terminal report (the "Decided" list)
DECIDED = "::add-mask::decided.py"
#: a name that starts a line of the "not analysed" list, and of the log
BROKEN = "::stop-commands::broken.py"
OWN_ANNOTATION = re.compile(r"::(warning|error|notice) [^:]*::")
SGR = re.compile(r"\x1b\[[0-9;]*m")
LINE_BREAK = re.compile(r"\r\n|\r|\n")  # what the runner splits a step's output on


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("wf") / "proj"
    root.mkdir()
    for name in HOSTILE:
        (root / name).write_text(HOT, encoding="utf-8")
    (root / DECIDED).write_text("# goport: keep-python[::add-mask::why]\n" + HOT, "utf-8")
    (root / BROKEN).write_text("def broken(:\n", encoding="utf-8")
    return root


def _scan(
    tree: Path, tmp_path: Path, *args: str, **kw: object
) -> subprocess.CompletedProcess[bytes]:
    return run_goport(
        "scan",
        "--format",
        "terminal",
        ".",
        "--no-cache",
        "--no-history",
        "--fail-on",
        "0",
        *args,
        cwd=tree,
        **kw,  # type: ignore[arg-type]
    )


def assert_inert(output: bytes, *, annotations: bool = False) -> list[str]:
    """No line the runner would read as a command; goport's own annotations (when allowed) are
    the only lines starting with ``::``. Returns those annotation lines.

    An annotation line may hold ``##[`` in its file property or message: the runner tries the v2
    form first and, when it parses (ours always does: a registered name, the properties with
    ``:`` and ``,`` encoded), never reads the line for a legacy command; the file property must
    name the real file."""
    text = output.decode("utf-8")
    own = []
    for raw in LINE_BREAK.split(text):
        for line in {raw, SGR.sub("", raw)}:  # whether or not a runner looks through colour
            if line.lstrip().startswith("::"):
                assert annotations and OWN_ANNOTATION.match(line), line
                own.append(line)
            else:
                assert "##[" not in line, line
    return own


def test_terminal_report_and_gate_lines(tree: Path, tmp_path: Path) -> None:
    result = _scan(tree, tmp_path)  # stdout is a pipe, as in CI
    assert result.returncode == 1, result.stderr
    assert_inert(result.stdout)
    assert_inert(result.stderr)
    for name in HOSTILE:  # every row is there, shown (the table folds nothing at 250 columns)
        assert inert(printable(name.strip())) in result.stdout.decode(), name
    out = result.stdout.decode()
    assert "  \\x3a:add-mask::decided.py: ::add-mask::why" in out  # "::" mid-line is no command
    assert "  \\x3a:stop-commands::broken.py (" in out  # the not-analysed list
    assert "y#\\x23[stop-commands]tok.py" in out
    gate = [
        line for line in result.stderr.decode().splitlines() if line.startswith("goport: gate:")
    ]
    assert len(gate) >= len(HOSTILE)
    assert any("y#\\x23[stop-commands]tok.py scores" in line for line in gate)


def test_terminal_report_in_colour(tree: Path, tmp_path: Path) -> None:
    result = _scan(tree, tmp_path, env={"FORCE_COLOR": "1"})
    assert result.returncode == 1, result.stderr
    assert b"\x1b[" in result.stdout  # colour really on
    assert_inert(result.stdout)


def test_narrow_terminal_folds_no_command_onto_a_line(tree: Path, tmp_path: Path) -> None:
    result = _scan(tree, tmp_path, env={"COLUMNS": "60"})
    assert result.returncode == 1, result.stderr
    assert_inert(result.stdout)


def test_github_format(tree: Path, tmp_path: Path) -> None:
    result = _scan(tree, tmp_path, "--format", "github")
    assert result.returncode == 1, result.stderr
    own = assert_inert(result.stdout, annotations=True)
    assert own, result.stdout  # the annotations are there
    files = {line.split("file=", 1)[1].split(",", 1)[0] for line in own if "file=" in line}
    # the file property names the real file, ":" encoded so it cannot end the command early
    assert "%3A%3Aerror title=PWN%3A%3Ax.py" in files
    assert "y##[stop-commands]tok.py" in files
    assert_inert(result.stderr)


def test_markdown_on_stdout_is_inert_and_in_a_file_exact(tree: Path, tmp_path: Path) -> None:
    """On stdout markdown is a CI log; written to a file (a PR comment, the step summary) it is
    read by GitHub's markdown renderer, not the runner, so names stay as they are."""
    result = _scan(tree, tmp_path, "--format", "markdown")
    assert result.returncode == 1, result.stderr
    assert_inert(result.stdout)
    assert_inert(result.stderr)
    report = tmp_path / "report.md"
    written = _scan(tree, tmp_path, "--format", "markdown", "--output", str(report))
    assert written.returncode == 1, written.stderr
    assert "y##[stop-commands]tok.py" in report.read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", ["json", "sarif", "gitlab"])
def test_json_formats_keep_names_exact(tree: Path, tmp_path: Path, fmt: str) -> None:
    result = _scan(tree, tmp_path, "--format", fmt)
    assert result.returncode == 1, result.stderr
    assert_inert(result.stdout)
    assert_inert(result.stderr)
    doc = json.loads(result.stdout)
    strings: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
        elif isinstance(node, str):
            strings.add(node)

    walk(doc)
    for name in HOSTILE:
        assert any(name in s for s in strings), name
    if fmt == "json":
        paths = {c["path"] for c in doc["candidates"]}
        assert set(HOSTILE) <= paths


def test_explain_of_a_hostile_module(tree: Path, tmp_path: Path) -> None:
    for name in ("::error title=PWN::x.py", "y##[stop-commands]tok.py"):
        result = run_goport("explain", name, "--no-cache", "--no-history", "--root", ".", cwd=tree)
        assert result.returncode == 0, result.stderr
        assert_inert(result.stdout)
        assert name.replace("::", "\\x3a:", 1).replace("##[", "#\\x23[") in result.stdout.decode()
        as_json = run_goport(
            "explain", name, "--no-cache", "--no-history", "--root", ".", "-f", "json", cwd=tree
        )
        assert_inert(as_json.stdout)
        assert json.loads(as_json.stdout)["path"] == name
    decided = run_goport("explain", DECIDED, "--no-cache", "--no-history", "--root", ".", cwd=tree)
    assert decided.returncode == 0, decided.stderr
    assert_inert(decided.stdout)
    assert decided.stdout.startswith(b"\\x3a:add-mask::decided.py: decided")


def test_error_lines(tree: Path, tmp_path: Path) -> None:
    """An input error naming a file from the tree (here: explain of a module that did not parse)."""
    result = run_goport("explain", BROKEN, "--no-cache", "--no-history", "--root", ".", cwd=tree)
    assert result.returncode == 2
    assert_inert(result.stderr)
    assert b"error: ::stop-commands::broken.py: could not be analysed" in result.stderr
    missing = run_goport("scan", ".", "--baseline", "##[error]gone.json", cwd=tree)
    assert missing.returncode == 2
    assert_inert(missing.stderr)
    assert b"#\\x23[error]gone.json" in missing.stderr


@pytest.mark.parametrize(
    ("line", "shown"),
    [
        ("::error title=PWN::x.py", "\\x3a:error title=PWN::x.py"),
        ("  \t::add-mask::s", "  \t\\x3a:add-mask::s"),
        ("\u3000::notice::x", "\u3000\\x3a:notice::x"),  # .NET's TrimStart trims U+3000
        ("\ufe0f::x::", "\ufe0f\\x3a:x::"),  # ICU comparison skips a variation selector
        (":\u00ad:x::y", "\\x3a\u00ad:x::y"),
        ("\x1b[1m::error::x", "\x1b[1m\\x3a:error::x"),
        ("a::b::c", "a::b::c"),  # v2 commands must start the line
        ("y##[stop-commands]t", "y#\\x23[stop-commands]t"),
        ("#\u200b#[group]", "#\u200b\\x23[group]"),
        ("###[x] ##[y]", "##\\x23[x] #\\x23[y]"),
        ("#e#[x]", "#e#[x]"),
        ("plain", "plain"),
    ],
)
def test_inert(line: str, shown: str) -> None:
    assert inert(line) == shown
