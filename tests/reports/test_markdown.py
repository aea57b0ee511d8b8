"""Markdown PR comment: escaping, table integrity, golden output, the demo's ranking.

Golden files: ``synthetic.md`` is rendered from a RunResult built by hand in this file (nasty
names and messages), so it does not move when scoring or detectors are tuned and can be compared
byte for byte. The demo's numbers are being tuned elsewhere, so the demo is checked for structure
against its own RunResult (rows in rank order, escaping, details blocks) instead of a golden file.
Regenerate the golden file with ``GOPORT_UPDATE_GOLDEN=1 pytest tests/reports/test_markdown.py``.
"""

from __future__ import annotations

import os
import re
from dataclasses import replace
from pathlib import Path

import pytest

from goport.config import Config
from goport.model import (
    AnalysisError,
    Boundary,
    Candidate,
    Category,
    Decided,
    Effort,
    Factor,
    Finding,
    GoIdiom,
    HotFunction,
    Metrics,
    RunResult,
    Span,
    Strategy,
    Summary,
)
from goport.pipeline import run
from goport.reports import Format, Options, render
from goport.reports import markdown as md

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parent / "golden"
DEMO = ROOT / "fixtures" / "demo_service"
UPDATE = os.environ.get("GOPORT_UPDATE_GOLDEN") == "1"

NASTY_PATH = "pkg/weird|name`x`.py"
NASTY_MESSAGE = "HTTP handler GET /a|b/<script>alert(1)</script> & `tick` *bold* @octocat\nnext"


# -- a GFM table reader (mirrors cmark-gfm: a backslash escapes the next char, "\|" is a pipe) --


def split_row(row: str) -> list[str]:
    assert row.startswith("|") and row.endswith("|"), row
    cells: list[str] = []
    cell = ""
    i = 1
    while i < len(row) - 1:
        ch = row[i]
        if ch == "\\" and i + 1 < len(row) - 1:
            cell += row[i : i + 2]
            i += 2
            continue
        if ch == "|":
            cells.append(cell)
            cell = ""
        else:
            cell += ch
        i += 1
    cells.append(cell)
    return [c.strip().replace("\\|", "|") for c in cells]


def code_content(cell: str) -> str:
    m = re.fullmatch(r"(`+)(.*?)\1", cell)
    assert m, f"not a code span: {cell!r}"
    inner = m.group(2)
    if inner.startswith(" ") and inner.endswith(" ") and inner.strip():
        inner = inner[1:-1]
    return inner


def without_code_spans(text: str) -> str:
    return re.sub(r"(`+)(?!`).*?(?<!`)\1(?!`)", "CODE", text)


def table_rows(text: str) -> list[list[str]]:
    lines = text.splitlines()
    start = lines.index("| # | module | score | strategy | effort | top reasons |")
    assert lines[start + 1] == "|---:|---|---:|---|---|---|"
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append(split_row(line))
    return rows


# -- a hand-built result ---------------------------------------------------------------------------


def _metrics() -> Metrics:
    return Metrics(120, 90, 80, 10, 20, 30, 12, 500.0, 55.0)


def _finding(
    rule: str, name: str, cat: Category, line: int, symbol: str, msg: str, w: float
) -> Finding:
    return Finding(rule, name, cat, Span(line, line + 2), symbol, msg, w, "goroutines | channels")


def synthetic_result() -> RunResult:
    nasty = Candidate(
        rel_path=NASTY_PATH,
        module="pkg.weird|name`x`",
        score=71.5,
        rank=1,
        strategy=Strategy.GO_SERVICE,
        strategy_reason="Serves <requests> & streams | concurrently.",
        factors=(
            Factor("concurrency", 9.0, 60.0, "x"),
            Factor("cpu-bound", 3.0, 20.0, "x"),
            Factor("size", 90, -8.5, "x"),
            Factor("bounds", 0, 0.0, "x"),
        ),
        functions=(
            HotFunction(
                "__weird__name__",
                Span(10, 30),
                7,
                1.0,
                ("http-handler", "nested-loops"),
                signature="func weirdName(rows [][]int) (int, error)",
            ),
            HotFunction("Cls.`tick`|pipe", Span(40, 44), 2, 0.4, (), signature=""),
        ),
        findings=(
            _finding(
                "GP301", "http-handler", Category.SERVICE, 10, "__weird__name__", NASTY_MESSAGE, 2.0
            ),
            _finding(
                "GP101",
                "nested-loops",
                Category.CPU,
                12,
                "__weird__name__",
                "for loop | nested",
                3.0,
            ),
            _finding(
                "GP402",
                "dynamic-attributes",
                Category.BLOCKER,
                50,
                "",
                "getattr(x, <computed name>)",
                4.0,
            ),
        ),
        blockers=("GP402 getattr(x, <computed name>) | [link](http://x) (line 50)",),
        boundary=Boundary(1, 0, ("pkg.app",), (), ("__weird__name__",), ("tests.test_weird",)),
        effort=Effort("M", 3, 6, "x"),
        idioms=(GoIdiom("asyncio.gather | *", "errgroup <Group>", "GP205", (12, 14)),),
        python_first=("use ''.join() instead of += _in_ a loop",),
        metrics=_metrics(),
    )
    plain = Candidate(
        rel_path="pkg/kernel.py",
        module="pkg.kernel",
        score=20.0,
        rank=2,
        strategy=Strategy.OPTIMISE_FIRST,
        strategy_reason="Cheap Python-side fix first.",
        factors=(Factor("cpu-bound", 5.0, 25.0, "x"), Factor("coupling", 2, -5.0, "x")),
        functions=(
            HotFunction(
                "grid",
                Span(1, 6),
                3,
                1.0,
                ("nested-loops",),
                signature="func Grid(rows [][]int) int",
            ),
        ),
        findings=(
            _finding(
                "GP101",
                "nested-loops",
                Category.CPU,
                3,
                "grid",
                "for loop nested inside another loop",
                3.0,
            ),
        ),
        blockers=(),
        boundary=Boundary(0, 0, (), (), (), ()),
        effort=Effort("S", 1, 2, "x"),
        idioms=(),
        python_first=("check the algorithm first",),
        metrics=_metrics(),
    )
    return RunResult(
        schema_version=1,
        tool_version="TEST",
        root="/nonexistent/root",
        candidates=(nasty, plain),
        decided=(Decided("pkg/legacy_<b>.py", "pkg.legacy", "owned by @data-team | frozen"),),
        errors=(AnalysisError("pkg/broken|x.py", "parse", "invalid syntax <here>"),),
        summary=Summary(4, 3, 0, 2, 1, 4),
    )


def _golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"missing golden file {path}; run with GOPORT_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8"), (
        f"{name} differs from the golden file; if the change is intended, regenerate with "
        "GOPORT_UPDATE_GOLDEN=1"
    )


# -- golden ------------------------------------------------------------------------------------------


def test_synthetic_matches_golden() -> None:
    _golden("synthetic.md", render(Format.MARKDOWN, synthetic_result(), Options()))


def test_synthetic_table_survives_nasty_names() -> None:
    text = md.render(synthetic_result(), Options())
    rows = table_rows(text)
    assert [len(r) for r in rows] == [6, 6]
    assert [r[0] for r in rows] == ["1", "2"]
    assert code_content(rows[0][1]) == NASTY_PATH
    assert code_content(rows[1][1]) == "pkg/kernel.py"
    assert "hottest: `__weird__name__`" in rows[0][5]


def test_synthetic_escapes_html_and_markup() -> None:
    text = md.render(synthetic_result(), Options())
    assert "<script>" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "<computed name>" not in text and "&lt;computed name&gt;" in text
    assert "<requests>" not in text and "<here>" not in text
    # outside code spans (which show their content literally) no source text is raw HTML
    prose = without_code_spans(text)
    assert "<b>.py" not in prose and "<script>" not in prose
    # a mention would ping someone: it goes into a code span
    assert "`@octocat`" in text and "`@data-team`" in text
    # markup from messages is shown, not applied
    assert r"\*bold\*" in text and r"\[link\](http://x)" in text and r"\_in\_" in text
    # a newline in a message must not end the line (a list item or table row)
    assert "&lt;/script&gt; &amp; " in text and " next" in text
    # only goport's own HTML is left
    tags = set(re.findall(r"</?([a-zA-Z]+)", prose))
    assert tags <= {"details", "summary", "b", "code", "sub"}


def test_render_is_deterministic_and_blocks_can_be_extended() -> None:
    result = synthetic_result()
    assert md.render(result, Options()) == md.render(result, Options())
    blocks = md.blocks(result, Options())
    assert [b.name for b in blocks][:5] == ["header", "summary", "gate", "diff", "table"]
    assert md.blocks(result, Options())[3].text == ""  # no diff base: the diff block is empty
    extended = md.insert_after(blocks, "summary", md.Block("note", "### A note"))
    assert [b.name for b in extended][:4] == ["header", "summary", "note", "gate"]
    text = md.join(extended)
    assert text.index("A note") < text.index("| # | module")


def test_table_rows_are_capped_and_details_limited() -> None:
    base = synthetic_result()
    many = tuple(
        replace(base.candidates[1], rel_path=f"pkg/m{i:02}.py", rank=i + 1) for i in range(14)
    )
    result = replace(base, candidates=many)
    text = md.render(result, Options())
    assert len(table_rows(text)) == md.TABLE_ROWS
    assert "... and 4 more candidate(s)" in text
    assert text.count("<details>\n<summary><b>#") == md.DETAILS
    full = md.join(md.blocks(result, Options(), rows=None))
    assert len(table_rows(full)) == 14


@pytest.mark.parametrize(
    ("raw", "table", "expected"),
    [
        ("a|b", True, r"`a\|b`"),
        ("a|b", False, "`a|b`"),
        ("a`b", False, "``a`b``"),
        ("`x`", False, "`` `x` ``"),
        ("a\\|b", True, r"`a\\\|b`"),
        ("line\nbreak", False, "`line break`"),
        ("<script>", False, "`<script>`"),
    ],
    ids=[
        "pipe-in-table",
        "pipe-outside",
        "backtick",
        "edge-backticks",
        "backslash-pipe",
        "newline",
        "html",
    ],
)
def test_code_spans(raw: str, table: bool, expected: str) -> None:
    assert md.code(raw, table=table) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("a|b", r"a\|b"),
        ("<b>&", "&lt;b&gt;&amp;"),
        ("*x* _y_ [z]", r"\*x\* \_y\_ \[z\]"),
        ("~~s~~ $m$", r"\~\~s\~\~ \$m\$"),
        ("back\\slash", r"back\\slash"),
        ("cc @alice", "cc `@alice`"),
        ("a\r\nb\nc", "a b c"),
        ("# not a heading", r"\# not a heading"),
        ("- not a list", r"\- not a list"),
        ("1. not a list", r"1\. not a list"),
        ("a - b # c", "a - b # c"),
    ],
    ids=[
        "pipe",
        "html",
        "emphasis-links",
        "strike-math",
        "backslash",
        "mention",
        "newlines",
        "heading",
        "bullet",
        "ordered",
        "mid-line",
    ],
)
def test_text(raw: str, expected: str) -> None:
    assert md.text(raw) == expected


def test_backslash_before_pipe_cannot_end_a_cell() -> None:
    row = "| " + md.code("a\\|b", table=True) + " | " + md.text("c\\|d", table=True) + " |"
    assert len(split_row(row)) == 2


# -- real pipeline -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> RunResult:
    return run(Config(root=DEMO, cache_dir=tmp_path_factory.mktemp("cache"), history=False))


def test_demo_table_lists_candidates_in_rank_order(demo: RunResult) -> None:
    text = render(Format.MARKDOWN, demo, Options())
    rows = table_rows(text)
    expected = demo.candidates[: md.TABLE_ROWS]
    assert len(rows) == len(expected) > 0
    assert all(len(r) == 6 for r in rows)
    assert (
        [int(r[0]) for r in rows] == [c.rank for c in expected] == sorted(c.rank for c in expected)
    )
    assert [code_content(r[1]) for r in rows] == [c.rel_path for c in expected]
    assert [r[3] for r in rows] == [c.strategy.value for c in expected]
    assert [float(r[2]) for r in rows] == [c.score for c in expected]
    scores = [float(r[2]) for r in rows]
    assert scores == sorted(scores, reverse=True)
    summaries = re.findall(r"<summary><b>#(\d+) <code>(.*?)</code></b>", text)
    assert summaries == [(str(c.rank), c.rel_path) for c in demo.candidates[: md.DETAILS]]
    assert text.count("<details>") == text.count("</details>")
    assert text.startswith(md.MARKER + "\n## ")


def test_demo_render_is_deterministic(demo: RunResult, tmp_path: Path) -> None:
    again = run(Config(root=DEMO, cache_dir=tmp_path, history=False))
    assert render(Format.MARKDOWN, demo, Options()) == render(Format.MARKDOWN, again, Options())


def test_real_project_with_nasty_names(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "__init__.py").write_text("")
    (root / "pkg" / "weird|name.py").write_text(
        "from flask import Flask\n\napp = Flask(__name__)\n\n\n"
        '@app.route("/a|b/<script>alert(1)</script>")\n'
        "def __weird__name__(rows):\n"
        "    total = 0\n"
        "    for row in rows:\n"
        "        for cell in row:\n"
        "            total += cell * cell\n"
        "    return total\n",
        encoding="utf-8",
    )
    result = run(Config(root=root, cache_dir=tmp_path / "cache", history=False))
    text = render(Format.MARKDOWN, result, Options())
    rows = table_rows(text)
    assert all(len(r) == 6 for r in rows)
    assert "pkg/weird|name.py" in [code_content(r[1]) for r in rows]
    assert "<script>" not in text
    assert "`__weird__name__`" in text
    messages = [f.message for c in result.candidates for f in c.findings]
    if any("<script>" in m for m in messages):  # the route path is quoted by the GP301 detector
        assert "/a\\|b/&lt;script&gt;alert(1)&lt;/script&gt;" in text
