"""The terminal report and the progress bar through the installed CLI, on a pipe and on a real
pseudo-terminal: COLUMNS honoured when piped, the terminal's width when not, the legend on a
terminal (or with --legend), progress with an ETA on stderr only when it is a terminal."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from console import run_goport, run_goport_tty
from rich.cells import cell_len

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "fixtures" / "demo_service"
ROW = re.compile(r"^ *\d+  +-?\d+\.\d ")
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")
LEGEND = "score = gain - cost in points"
#: the candidate modules of the demo (tests and set-apart files are not ranked)
DEMO_CANDIDATES = 13


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the demo (a scan must not write next to the fixture), scanned once to warm
    the cache the tests below share."""
    root = tmp_path_factory.mktemp("term") / "demo"
    shutil.copytree(DEMO, root)
    return root


def _args(demo: Path, *more: str) -> list[str]:
    return [
        "scan",
        "--format",
        "terminal",
        str(demo),
        "--cache-dir",
        str(demo.parent / "cache"),
        "--no-history",
        *more,
    ]


def _text(data: bytes) -> str:
    return ANSI.sub("", data.decode("utf-8")).replace("\r", "")


def _rows(text: str) -> list[str]:
    return [line for line in text.splitlines() if ROW.match(line)]


@pytest.mark.parametrize("columns", [60, 80, 120])
def test_piped_output_honours_columns(demo: Path, columns: int) -> None:
    result = run_goport(*_args(demo), cwd=demo.parent, env={"COLUMNS": str(columns)})
    assert result.returncode == 0, result.stderr
    text = _text(result.stdout)
    rows = _rows(text)
    assert len(rows) == DEMO_CANDIDATES
    assert all(cell_len(row) <= columns for row in rows)
    assert text.splitlines()[0].startswith("7 Go candidates: tokenizer.py (go-extension")
    assert LEGEND not in text  # not a terminal: no legend unless asked
    assert b"analysing" not in result.stderr  # nor a progress bar


def test_legend_on_request_when_piped(demo: Path) -> None:
    result = run_goport(*_args(demo, "--legend"), cwd=demo.parent, env={"COLUMNS": "100"})
    assert result.returncode == 0, result.stderr
    text = _text(result.stdout)
    assert LEGEND in text
    assert "effort: S/M/L/XL by source lines" in text
    assert "(4 tests): test files" in text


def test_a_terminal_gets_its_width_and_the_legend(demo: Path) -> None:
    code, out, err = run_goport_tty(*_args(demo), cwd=demo.parent, tty="stdout", columns=90)
    assert code == 0, err
    text = _text(out)
    rows = _rows(text)
    assert len(rows) == DEMO_CANDIDATES
    assert max(cell_len(row) for row in rows) <= 90
    assert LEGEND in text
    code, out, err = run_goport_tty(
        *_args(demo, "--no-legend"), cwd=demo.parent, tty="stdout", columns=90
    )
    assert code == 0, err
    assert LEGEND not in _text(out)


def test_progress_with_an_eta_on_a_terminal_stderr_only(demo: Path) -> None:
    """Cold (no cache), the 17 files go to worker processes; stdout, a pipe, gets the report
    and nothing of the bar."""
    code, out, err = run_goport_tty(*_args(demo, "--no-cache"), cwd=demo.parent, tty="stderr")
    assert code == 0, err
    bar = _text(err)
    assert "analysing" in bar
    assert re.search(r"17/17 files [\d.]+/s", bar), bar
    assert re.search(r"eta \d+:\d\d:\d\d", bar), bar
    assert b"analysing" not in out and b"eta" not in out
    assert len(_rows(_text(out))) == DEMO_CANDIDATES
    code, out, err = run_goport_tty(
        *_args(demo, "--no-cache", "--quiet"), cwd=demo.parent, tty="stderr"
    )
    assert code == 0
    assert "analysing" not in _text(err)


@pytest.mark.parametrize("columns", [60, 140])
def test_rules_fit_the_width(tmp_path: Path, columns: int) -> None:
    from goport.detectors.registry import REGISTRY

    result = run_goport("rules", cwd=tmp_path, env={"COLUMNS": str(columns)})
    assert result.returncode == 0, result.stderr
    lines = _text(result.stdout).splitlines()
    assert all(cell_len(line.rstrip()) <= columns for line in lines)
    starts = {line.split()[0] for line in lines if line.strip()}
    assert {d.ID for d in REGISTRY} <= starts  # one entry per rule, its id never wrapped
    for d in REGISTRY:  # and its name beside it, whole
        assert any(line.split()[:2] == [d.ID, d.NAME] for line in lines), d.ID


def test_readme_shows_the_first_screen(tmp_path: Path) -> None:
    """The Quick start's sample is what ``goport scan fixtures/demo_service`` prints on a
    terminal 100 columns wide (the legend included), run from the repository root."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    sample = readme.split("The first screen, in a terminal 100 columns wide:\n\n```\n", 1)[1]
    sample = sample.split("\n```\n", 1)[0]
    result = run_goport(
        "scan",
        "--format",
        "terminal",
        "fixtures/demo_service",
        "--legend",
        "--cache-dir",
        str(tmp_path),
        cwd=ROOT,
        env={"COLUMNS": "100"},
    )
    assert result.returncode == 0, result.stderr
    shown = re.sub(r"^goport \S+:", "goport VERSION:", _text(result.stdout), flags=re.MULTILINE)
    assert re.sub(r"^goport \S+:", "goport VERSION:", sample, flags=re.MULTILINE) == shown.rstrip(
        "\n"
    )


def _plain(demo: Path, *more: str) -> list[str]:
    """``goport scan`` with no --format, on a pipe."""
    args = ["scan", str(demo), "--cache-dir", str(demo.parent / "cache"), "--no-history", *more]
    result = run_goport(*args, cwd=demo)
    assert result.returncode == 0, result.stderr
    return result.stdout.decode("utf-8").splitlines()


def test_piped_output_is_plain_text_one_line_per_module(demo: Path) -> None:
    """As ruff and pip do: a pipe gets stable lines for grep, cut and sort, not a table."""
    import json

    lines = _plain(demo)
    assert not any(ANSI.search(line) for line in lines)
    rows = [line.split("\t") for line in lines]
    assert all(len(fields) == 5 for fields in rows), lines
    assert len(rows) == DEMO_CANDIDATES
    args = ["scan", str(demo), "-f", "json", "--cache-dir", str(demo.parent / "cache")]
    doc = json.loads(run_goport(*args, "--no-history", cwd=demo).stdout)
    expected = [
        [c["path"], str(c["rank"]), f"{c['score']:.1f}", c["strategy"]] for c in doc["candidates"]
    ]
    assert [fields[:4] for fields in rows] == expected
    assert rows[0][0] == "demo_service/tokenizer.py" and rows[0][4] != "-"
    kept = [fields for fields in rows if fields[3] == "keep-in-python"]
    assert kept and all(fields[4] == "-" for fields in kept)  # no effort to stay in Python


def test_a_file_name_cannot_add_a_field_or_a_line(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    (root / "pkg").mkdir(parents=True)
    (root / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")
    code = "def f(xs):\n    t = 0\n    for x in xs:\n        t += x * x\n    return t\n"
    (root / "pkg" / "a\tb.py").write_text(code, encoding="utf-8")
    (root / "pkg" / "c\nd.py").write_text(code, encoding="utf-8")
    (root / "pkg" / "bad.py").write_text("def (:\n", encoding="utf-8")
    lines = _plain(root)
    assert all(len(line.split("\t")) == 5 for line in lines), lines
    assert any("a\\x09b.py" in line for line in lines) and any(
        "c\\x0ad.py" in line for line in lines
    )
    error = [line.split("\t") for line in lines if line.startswith("pkg/bad.py")]
    assert error and error[0][1] == "error"  # listed, not lost


def test_output_to_a_file_keeps_the_table(demo: Path, tmp_path: Path) -> None:
    report = tmp_path / "report.txt"
    args = ["scan", str(demo), "-o", str(report), "--cache-dir", str(demo.parent / "cache")]
    result = run_goport(*args, "--no-history", cwd=demo)
    assert result.returncode == 0, result.stderr
    assert any(ROW.match(line) for line in report.read_text(encoding="utf-8").splitlines())
