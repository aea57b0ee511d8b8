"""The terminal report at any width: one line per candidate, no identifier split, the same
rounding as the other formats, contributions that add up, a verdict first and a legend.

The project is the demo service moved under deep folders, plus modules whose names are the kind
the old table split (``status_codes.py``, ``_encode_files``) and one with a wide-character name.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from rich.cells import cell_len

from goport.config import Config
from goport.model import RunResult
from goport.pipeline import run
from goport.planning import EFFORT
from goport.reports import GO_STRATEGIES, Format, Options, render
from goport.reports.columns import fit_path

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "fixtures" / "demo_service"
DEEP = "src/deeply_nested_namespace/vendored_service_layer"
WIDTHS = (60, 80, 100, 120, 200)
ROW = re.compile(r"^ *(\d+)  +(-?\d+\.\d)(?= )")
#: a signed contribution and its factor, as the "why" column shows them
CONTRIBUTION = re.compile(r"(?<![\w.])([+-]\d+\.\d) ([a-z][a-z-]*)")
TOKEN = re.compile(r"[\w.\-]+")

KERNEL = """
def _encode_files_and_multipart_boundaries(fields, boundary_marker):
    total = 0
    for name in fields:
        for ch in name:
            total = (total * 31 + ord(ch)) & 0xFFFFFFFF
            total ^= total >> 7
    return total


def _encode_files(chunks):
    out = []
    for chunk in chunks:
        for i in range(len(chunk)):
            out.append(chunk[i] ^ 0x5A)
    return out
"""

GLUE = """
import os
SETTINGS = {"a": os.environ.get("A")}


def get(key):
    return SETTINGS.get(key)
"""


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> RunResult:
    root = tmp_path_factory.mktemp("proj")
    shutil.copytree(DEMO / "demo_service", root / DEEP / "demo_service")
    shutil.copytree(DEMO / "tests", root / "tests")
    adapters = root / DEEP / "demo_service" / "transport" / "adapters"
    adapters.mkdir(parents=True)
    (adapters / "__init__.py").write_text("")
    (adapters.parent / "__init__.py").write_text("")
    (adapters / "status_codes.py").write_text(KERNEL)
    (adapters / "データ処理.py").write_text(KERNEL.replace("_encode_files", "_decode_frames"))
    cache = tmp_path_factory.mktemp("cache")
    return run(Config(root=root, cache_dir=cache, history=False))


def _identifiers(result: RunResult) -> set[str]:
    """Names from the scanned tree a report shows: folders, file names, functions."""
    names: set[str] = set()
    for c in result.candidates:
        names.update(c.rel_path.split("/"))
        for fn in c.functions:
            names.add(fn.qualname)
            names.update(fn.qualname.split("."))
    return names


def _rows(text: str) -> list[tuple[int, str, str]]:
    """(rank, score as shown, line) of every table row."""
    return [(int(m[1]), m[2], line) for line in text.splitlines() if (m := ROW.match(line))]


@pytest.mark.parametrize("width", WIDTHS)
def test_one_line_per_candidate_within_the_width(result: RunResult, width: int) -> None:
    text = render(Format.TERMINAL, result, Options(width=width, legend=True))
    lines = text.splitlines()
    rows = _rows(text)
    assert [rank for rank, _, _ in rows] == [c.rank for c in result.candidates]
    header = next(i for i, line in enumerate(lines) if line.lstrip().startswith("#  score"))
    # the rows follow the header, one line each: nothing is wrapped under a row
    assert [line for _, _, line in rows] == lines[header + 1 : header + 1 + len(rows)]
    for line in [lines[header], *(line for _, _, line in rows)]:
        assert cell_len(line) <= width, line
    for c, (_, _, line) in zip(result.candidates, rows):
        assert c.rel_path.rsplit("/", 1)[-1] in line  # the file name, whole


@pytest.mark.parametrize("width", WIDTHS)
def test_no_identifier_is_split(result: RunResult, width: int) -> None:
    """A token that is the start or the end of a name from the tree, but not the name, is a
    name cut in two (``_encod`` / ``e_files``, ``status_codes.`` / ``py``). Tokens with a ``_``,
    a ``.`` or a wide character are checked: goport's own words have none."""
    text = render(Format.TERMINAL, result, Options(width=width, legend=True))
    names = _identifiers(result)
    assert {"status_codes.py", "_encode_files", "データ処理.py"} <= names
    for token in set(TOKEN.findall(text)) - names:
        if not re.search(r"[_.]|[^\x00-\x7f]", token):
            continue
        cut = [n for n in names if n.startswith(token) or n.endswith(token)]
        assert not cut, f"{token!r} is part of {cut} at {width} columns"


@pytest.mark.parametrize("width", WIDTHS)
def test_shown_contributions_add_up_to_the_score(result: RunResult, width: int) -> None:
    text = render(Format.TERMINAL, result, Options(width=width))
    shown = 0
    for _, score, line in _rows(text):
        why = line.split(";", 1)[0]
        parts = CONTRIBUTION.findall(why)
        if parts:
            shown += 1
            assert round(sum(float(v) for v, _ in parts), 1) == float(score), line
    if width >= 120:  # room for a "why" beside the long paths of this project
        assert shown == len(result.candidates)


def test_wide_layout_shows_every_column(result: RunResult) -> None:
    text = render(Format.TERMINAL, result, Options(width=300))
    header = next(line for line in text.splitlines() if line.lstrip().startswith("#  score"))
    assert header.split()[-4:] == ["strategy", "effort", "why", "(points)"]
    assert "hottest: " in text
    assert "no room" not in text


def test_narrow_layout_says_what_it_left_out(result: RunResult) -> None:
    text = render(Format.TERMINAL, result, Options(width=60))
    assert "(why: no room at 60 columns; see goport explain PATH)" in text
    assert "…/status_codes.py" in text  # its folders gave way, the file name stays


def test_the_table_rounds_like_json_and_markdown(result: RunResult) -> None:
    doc = json.loads(render(Format.JSON, result, Options()))
    table = {rank: score for rank, score, _ in _rows(render(Format.TERMINAL, result, Options()))}
    markdown = render(Format.MARKDOWN, result, Options())
    for c in doc["candidates"]:
        assert table[c["rank"]] == f"{c['score']:.1f}"
    for c in doc["candidates"][:10]:  # the rows of the markdown table
        assert f"| {c['score']:.1f} |" in markdown  # "51.0", never "51"


def test_verdict_comes_first_and_names_the_go_candidates(result: RunResult) -> None:
    go = [c for c in result.ranking if c.strategy in GO_STRATEGIES]
    assert go
    for width in WIDTHS:
        text = render(Format.TERMINAL, result, Options(width=width))
        verdict = text.splitlines()[0]
        assert verdict.startswith(f"{len(go)} Go candidates: "), verdict
        assert cell_len(verdict) <= width
        assert go[0].rel_path.rsplit("/", 1)[-1] in verdict
    wide = render(Format.TERMINAL, result, Options(width=200)).splitlines()[0]
    assert "expected gain +" in wide
    assert f"({go[0].strategy.value}, expected gain" in wide


def test_nothing_to_port_says_why(tmp_path: Path) -> None:
    root = tmp_path / "glue"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "__init__.py").write_text("")
    (root / "pkg" / "settings.py").write_text(GLUE)
    (root / "pkg" / "frames.py").write_text(
        "import pandas as pd\nimport numpy as np\n\n\ndef report(df):\n"
        "    return df.groupby('a').agg(np.mean)\n"
    )
    result = run(Config(root=root, cache_dir=tmp_path / "cache", history=False))
    assert not [c for c in result.ranking if c.strategy in GO_STRATEGIES]
    verdict = render(Format.TERMINAL, result, Options(width=200)).splitlines()[0]
    assert verdict.startswith("Nothing here is worth porting to Go: 3 stay in Python for ")
    assert "python-ecosystem (1)" in verdict  # frames.py: its largest cost outweighs its gain
    assert "nothing-runs (1)" in verdict  # __init__.py
    assert "little to gain (1)" in verdict  # settings.py
    best = max(result.ranking, key=lambda c: c.score)
    assert f"the best score is {best.score:.1f} (settings.py), below the 15.0" in verdict
    narrow = render(Format.TERMINAL, result, Options(width=60)).splitlines()[0]
    assert narrow.startswith("Nothing here is worth porting to Go: 3 stay in Python")
    assert cell_len(narrow) <= 60


def test_legend_on_request_with_the_effort_model(result: RunResult) -> None:
    plain = render(Format.TERMINAL, result, Options(width=120))
    told = render(Format.TERMINAL, result, Options(width=120, legend=True))
    assert "score = gain - cost" not in plain
    assert "score = gain - cost in points" in told
    assert f"lines/{EFFORT.lines_per_day:g} + complexity/{EFFORT.complexity_per_day:g}" in told
    assert f"({result.summary.test_files} tests): test files" in told
    assert "go-extension (in-process" in told
    # abbreviated strategy names are spelled out where the column uses them
    narrow = render(Format.TERMINAL, result, Options(width=40, legend=True))
    assert "go-ext = go-extension" in narrow


@pytest.mark.parametrize(
    ("width", "shown"),
    [
        (200, "src/deep/pkg/status_codes.py"),
        (26, "…/deep/pkg/status_codes.py"),
        (25, "…/pkg/status_codes.py"),
        (20, "…/status_codes.py"),
        (12, "…us_codes.py"),  # the file name alone is wider: its end stays
    ],
)
def test_paths_lose_whole_folders_from_the_left(width: int, shown: str) -> None:
    assert fit_path("src/deep/pkg/status_codes.py", width) == shown
    assert cell_len(fit_path("src/deep/pkg/status_codes.py", width)) <= width


def test_a_narrowed_report_says_how_many_go_candidates_the_project_has(
    result: RunResult,
) -> None:
    go = [c for c in result.ranking if c.strategy in GO_STRATEGIES]
    top = replace(result, candidates=result.candidates[:2])  # as --top 2 leaves it
    verdict = render(Format.TERMINAL, top, Options(width=200)).splitlines()[0]
    assert verdict.startswith(f"2 of {len(go)} Go candidates shown: ")
    kept = tuple(c for c in result.candidates if c.strategy not in GO_STRATEGIES)
    staged = replace(result, candidates=kept[:2])  # as a pre-commit run on two files leaves it
    verdict = render(Format.TERMINAL, staged, Options(width=200)).splitlines()[0]
    assert verdict.startswith("Nothing here is worth porting to Go: ")
    assert f"; {len(go)} Go candidates elsewhere in the project" in verdict


def test_go_strategies_are_every_strategy_that_moves_a_module() -> None:
    """GO_STRATEGIES spells the values out (the CLI starts without the model): they must stay
    the Strategy members other than the two that keep a module in Python."""
    from goport.model import Strategy

    stays = {Strategy.KEEP, Strategy.OPTIMISE_FIRST}
    assert GO_STRATEGIES == {s.value for s in Strategy if s not in stays}
    assert all(s in GO_STRATEGIES for s in Strategy if s not in stays)


def test_blockers_hold_a_module_back_at_their_whole_redesign_cost(result: RunResult) -> None:
    """The score charges a share of the blockers; what keeps a module in Python weighs all."""
    from goport.model import Factor
    from goport.reports.verdict import LITTLE_GAIN, held_back
    from goport.scoring import CALIBRATION

    share = CALIBRATION.blocker_rank_share
    gain = Factor("density", 1.0, 10.0, "x.")

    def module(charged: float):
        return replace(result.ranking[0], factors=(gain, Factor("blockers", 1.0, charged, "x.")))

    assert held_back(module(-11.0 * share)) == "blockers"  # 11 points of redesign > 10 of gain
    assert held_back(module(-9.0 * share)) == LITTLE_GAIN
