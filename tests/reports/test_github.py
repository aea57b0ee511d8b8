"""GitHub workflow commands: escaping, the per-level cap, and the step summary."""

from __future__ import annotations

from pathlib import Path

import pytest

from goport.config import Config
from goport.model import RunResult, Strategy
from goport.pipeline import run
from goport.reports import Format, Options, render
from goport.reports import github as gh
from goport.reports.annotations import Annotation, Kind, Level, select

KERNEL = """
def kernel_{i}(rows, seed):
    h = seed
    for row in rows:
        for cell in row:
            h = (h * 31 + cell) & 0xFFFFFFFF
            h ^= h >> 13
    i = 0
    while i < len(rows):
        j = 0
        while j < len(rows[i]):
            h = (h + rows[i][j] * 7) % 65521
            j += 1
        i += 1
    return h
"""


# -- a reader that does what the Actions runner does with a command line --------------------------


def _unescape_data(s: str) -> str:
    return s.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def _unescape_property(s: str) -> str:
    return (
        s.replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%25", "%")
    )


def parse_command(line: str) -> tuple[str, dict[str, str], str]:
    assert line.startswith("::") and "\n" not in line and "\r" not in line
    head, sep, data = line[2:].partition("::")
    assert sep, line
    name, _, props = head.partition(" ")
    properties: dict[str, str] = {}
    for pair in filter(None, props.split(",")):
        key, eq, value = pair.partition("=")
        assert eq, pair
        properties[key] = _unescape_property(value)
    return name, properties, _unescape_data(data)


# -- escaping --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "data", "prop"),
    [
        ("plain", "plain", "plain"),
        ("100%", "100%25", "100%25"),
        ("%0A literal", "%250A literal", "%250A literal"),
        ("a\nb", "a%0Ab", "a%0Ab"),
        ("a\r\nb", "a%0D%0Ab", "a%0D%0Ab"),
        ("k: v", "k: v", "k%3A v"),
        ("a,b", "a,b", "a%2Cb"),
        ("::error::x", "::error::x", "%3A%3Aerror%3A%3Ax"),
        ("%:,\n", "%25:,%0A", "%25%3A%2C%0A"),
    ],
    ids=["plain", "percent", "escape-lookalike", "lf", "crlf", "colon", "comma", "command", "all"],
)
def test_escaping(raw: str, data: str, prop: str) -> None:
    assert gh.escape_data(raw) == data
    assert gh.escape_property(raw) == prop
    assert _unescape_data(gh.escape_data(raw)) == raw
    assert _unescape_property(gh.escape_property(raw)) == raw


def _annotation(**kw: object) -> Annotation:
    base: dict[str, object] = {
        "path": "pkg/a.py",
        "line": 3,
        "end_line": 3,
        "title": "t",
        "message": "m",
        "level": Level.WARNING,
        "rule": "GP101",
        "candidate_score": 50.0,
        "strategy": Strategy.GO_CLI,
        "fingerprint_basis": "b",
    }
    base.update(kw)
    return Annotation(**base)  # type: ignore[arg-type]


def test_annotation_command_round_trips_nasty_values() -> None:
    a = _annotation(
        path="pkg/we,ird:name%.py",
        line=7,
        end_line=9,
        title="GP101 nested-loops (go-cli, score 50): a::b",
        message="line one\nline two, with 100% and ::warning::injected\r\nend",
    )
    line = gh.annotation_command(a)
    name, props, data = parse_command(line)
    assert name == "warning"
    assert props == {"file": a.path, "line": "7", "endLine": "9", "title": a.title}
    assert data == a.message


def test_single_line_annotation_has_no_end_line() -> None:
    name, props, _ = parse_command(gh.annotation_command(_annotation(level=Level.NOTICE)))
    assert name == "notice" and "endLine" not in props


def test_plain_lines_cannot_be_commands() -> None:
    # a leading space would not do: the runner trims it before looking for "::"
    assert gh.plain("::error::boom\nx") == "\\x3a:error::boom x"
    assert gh.plain("  ::add-mask::x") == "  \\x3a:add-mask::x"
    assert gh.plain("see y##[stop-commands]t.py") == "see y#\\x23[stop-commands]t.py"
    assert gh.plain("goport: fine") == "goport: fine"


# -- the cap ---------------------------------------------------------------------------------------


def test_cap_keeps_ten_per_level_round_robin() -> None:
    items = [
        _annotation(path=f"m{rank}.py", rank=rank, order=order, fingerprint_basis=f"{rank}/{order}")
        for rank in (1, 2, 3)
        for order in range(8)
    ]
    items += [
        _annotation(level=Level.NOTICE, path=f"n{i}.py", rank=10 + i, fingerprint_basis=f"n{i}")
        for i in range(12)
    ]
    kept, dropped = gh.shown(items, 10)
    warnings = [a for a in kept if a.level is Level.WARNING]
    notices = [a for a in kept if a.level is Level.NOTICE]
    assert len(warnings) == 10 and len(notices) == 10 and dropped == 16
    # every candidate's first item before any candidate's second
    assert [(a.rank, a.order) for a in warnings[:6]] == [
        (1, 0),
        (2, 0),
        (3, 0),
        (1, 1),
        (2, 1),
        (3, 1),
    ]
    assert kept.index(warnings[-1]) < kept.index(notices[0])


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory) -> RunResult:
    root = tmp_path_factory.mktemp("many")
    (root / "pkg").mkdir()
    (root / "pkg" / "__init__.py").write_text("")
    for m in range(3):
        (root / "pkg" / f"mod{m}.py").write_text("".join(KERNEL.format(i=i) for i in range(8)))
    return run(Config(root=root, cache_dir=tmp_path_factory.mktemp("cache"), history=False))


def test_real_project_is_capped_and_says_what_was_dropped(many: RunResult) -> None:
    every = select(many)
    by_level = {lvl: sum(1 for a in every if a.level is lvl) for lvl in Level}
    assert max(by_level.values()) > 10, "the project must produce more than GitHub shows"
    out = render(Format.GITHUB, many, Options())
    lines = out.splitlines()
    commands = [parse_command(line) for line in lines if line.startswith("::")]
    assert all(not line.startswith("::") for line in (lines[0], lines[-1]))
    counts = {lvl.value: sum(1 for name, _, _ in commands if name == lvl.value) for lvl in Level}
    assert counts == {lvl.value: min(10, n) for lvl, n in by_level.items()}
    dropped = len(every) - len(commands)
    assert dropped > 0
    assert lines[-1].startswith(f"goport: {dropped} more annotation(s) left out")
    assert "--format sarif" in lines[-1]
    # all the candidates with a Go strategy got their hottest function in
    go = {c.rel_path for c in many.candidates if c.strategy.value.startswith("go-")}
    assert go <= {p["file"] for _, p, _ in commands}
    for _, props, data in commands:
        assert props["file"].startswith("pkg/mod") and int(props["line"]) >= 1
        assert "score" in props["title"] and "candidate #" in data


def test_max_annotations_option(many: RunResult) -> None:
    out = gh.render(many, Options(max_annotations=2))
    assert sum(1 for line in out.splitlines() if line.startswith("::warning")) == 2
    assert "at most 2 per level" in out.splitlines()[-1]


def test_no_drop_line_when_everything_fits(many: RunResult) -> None:
    out = gh.render(many, Options(max_annotations=1000))
    assert "left out" not in out
    assert sum(1 for line in out.splitlines() if line.startswith("::")) == len(select(many))


# -- the step summary ------------------------------------------------------------------------------


def test_step_summary_is_appended_each_time(many: RunResult, tmp_path: Path) -> None:
    summary = tmp_path / "step_summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    options = Options(step_summary=summary)
    first = render(Format.GITHUB, many, options)
    second = render(Format.GITHUB, many, options)
    assert first == second == gh.render(many, options)
    body = gh.summary_markdown(many)
    assert summary.read_text(encoding="utf-8") == "earlier step\n" + (body + "\n") * 2
    # the summary has the whole ranked table, not only the rows a PR comment shows
    for c in many.candidates:
        assert f"| {c.rank} | `{c.rel_path}` |" in body
    assert "the step summary has the full ranking" in first.splitlines()[-1]


def test_write_step_summary_creates_the_file(many: RunResult, tmp_path: Path) -> None:
    path = tmp_path / "new.md"
    gh.write_step_summary(many, path)
    gh.write_step_summary(many, path)
    text = path.read_text(encoding="utf-8")
    assert text.count("## goport: Go migration candidates") == 2


def test_render_alone_writes_nothing(many: RunResult, tmp_path: Path) -> None:
    path = tmp_path / "untouched.md"
    gh.render(many, Options(step_summary=path))
    assert not path.exists()


def test_hot_function_annotations_carry_the_go_sketch(many: RunResult) -> None:
    hot = [a for a in select(many) if a.kind is Kind.HOT_FUNCTION]
    assert hot
    for a in hot:
        assert a.rule == "hot-function" and a.line <= a.end_line
        assert "Go sketch: func " in a.message
