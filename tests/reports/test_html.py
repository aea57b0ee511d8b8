"""The HTML report's data and escaping, without a browser (tests/integration/test_html_browser.py
opens the pages in Chromium).

The page is parsed with the standard library's HTML parser, the way a browser tokenises it: what
matters is which elements, attributes and texts a hostile name or source line turns into.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
from collections.abc import Callable
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from goport.config import Config
from goport.model import Factor, RunResult, ScoreDelta
from goport.pipeline import run
from goport.reports import Options, json_report, points
from goport.reports import html as report
from goport.reports.html import charts, graph, source
from goport.reports.html.story import anchor
from goport.roadmap.cli import make_plan

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "fixtures" / "demo_service"


class Page(HTMLParser):
    """Elements (tag, attributes), the text of every element, the scripts' contents."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.texts: list[str] = []
        self.scripts: list[str] = []
        self._in_script = False
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {k: v or "" for k, v in attrs}))
        if tag == "script":
            self._in_script = True
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data
        else:
            self.texts.append(data)

    def all(self, tag: str, **attrs: str) -> list[dict[str, str]]:
        return [
            a
            for t, a in self.elements
            if t == tag
            and all(a.get(k.rstrip("_").replace("_", "-")) == v for k, v in attrs.items())
        ]

    @property
    def text(self) -> str:
        return "".join(self.texts)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> RunResult:
    cache = tmp_path_factory.mktemp("cache")
    return run(Config(root=DEMO, cache_dir=cache, history=False), with_facts=True)


@pytest.fixture(scope="module")
def demo_page(demo: RunResult) -> str:
    return report.render(demo, Options())


@pytest.fixture(scope="module")
def hostile(hostile_html_tree: Path, tmp_path_factory: pytest.TempPathFactory) -> RunResult:
    cache = tmp_path_factory.mktemp("cache")
    return run(Config(root=hostile_html_tree, cache_dir=cache, history=False), with_facts=True)


# -- escaping ------------------------------------------------------------------------------------


def test_script_json_cannot_end_the_script_and_keeps_the_value() -> None:
    doc = {"s": "</script><script>alert(1)</script> <!-- a & b \u2028\u2029 \u202e \x85 \x1b"}
    text = report.script_json(doc)
    assert json.loads(text) == doc
    for char in "<>&\u2028\u2029\u202e\x85\x1b":
        assert char not in text


def test_hostile_names_and_sources_are_shown_as_text(hostile: RunResult) -> None:
    text = report.render(hostile, Options())
    page = Page(text)
    assert [c.rel_path for c in hostile.candidates if "<img" in c.rel_path]  # it is ranked
    assert not page.all("img")
    assert len(page.all("script")) == 2  # the page's rows and its own script, nothing else
    assert not [
        name for _, attrs in page.elements for name in attrs if name.lower().startswith("on")
    ]
    shown = page.text
    assert "pkg/<img src=x onerror=alert(1)>.py" in shown
    assert 'label = "</script><script>alert(1)</script>"' in shown
    assert "\\u202e reversed \\u202c comment" in shown  # bidi controls shown, not obeyed
    for char in "\u202e\u202c":
        assert char not in text  # nowhere in the file, not even in the JSON
    rows = json.loads(page.scripts[0])["rows"]
    assert "pkg/<img src=x onerror=alert(1)>.py" in {r["path"] for r in rows}


def test_every_printed_string_goes_through_printable(demo: RunResult) -> None:
    """A control sequence in a path (as a file name can hold) is shown escaped everywhere."""
    c = demo.candidates[0]
    evil = replace(c, rel_path="demo_service/\x1b]8;;x\x07\u202eevil.py", module="m\u2066x")
    ranking = tuple(evil if x is c else x for x in demo.ranking)
    text = report.render(
        replace(demo, candidates=(evil, *demo.candidates[1:]), ranking=ranking), Options()
    )
    assert "\x1b" not in text and "\u202e" not in text and "\u2066" not in text
    assert "demo_service/\\x1b]8;;x\\x07\\u202eevil.py" in Page(text).text


def test_policy_forbids_every_request_and_allows_only_the_page_script(demo_page: str) -> None:
    page = Page(demo_page)
    policy = page.all("meta", http_equiv="Content-Security-Policy")[0]["content"]
    assert "default-src 'none'" in policy
    inline = page.scripts[1]
    digest = base64.b64encode(hashlib.sha256(inline.encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in policy
    assert page.all("script")[0]["type"] == "application/json"
    links = [a["href"] for _, a in page.elements if "href" in a]
    assert all(href.startswith("#") for href in links)  # only links within the page
    assert not [a for _, a in page.elements if "src" in a]
    assert not re.search(r"url\((?!#)", demo_page)  # no style fetches anything
    assert "@import" not in demo_page


def test_render_is_deterministic(demo: RunResult) -> None:
    assert report.render(demo, Options()) == report.render(demo, Options())


# -- the data ------------------------------------------------------------------------------------


def test_table_shows_the_json_reports_numbers(demo: RunResult, demo_page: str) -> None:
    doc = json_report.document(demo)["candidates"]
    page = Page(demo_page)
    rows = json.loads(page.scripts[0])["rows"]
    assert [(r["rank"], r["path"], r["score"], r["strategy"]) for r in rows] == [
        (c["rank"], c["path"], c["score"], c["strategy"]) for c in doc
    ]
    assert [(r["sloc"], r["fan_in"], r["findings"]) for r in rows] == [
        (c["metrics"]["sloc"], c["boundary"]["fan_in"], len(c["findings"])) for c in doc
    ]
    cells = re.findall(
        r'<tr data-id="[^"]+"><td class="num">(\d+)</td>.*?<td class="num">([^<]+)', demo_page
    )
    assert cells == [(str(c["rank"]), points(c["score"])) for c in doc]


def test_one_bubble_per_candidate_linking_to_its_section(demo: RunResult, demo_page: str) -> None:
    page = Page(demo_page)
    bubbles = [a["href"] for a in page.all("a", class_="bubble")]
    sections = [a["id"] for a in page.all("section", class_="story")]
    assert len(bubbles) == len(demo.candidates) == len(sections)
    assert sorted(bubbles) == sorted("#" + s for s in sections)
    assert sections == [anchor(c.rel_path) for c in demo.candidates]


def test_anchors_are_unique_and_plain() -> None:
    paths = ["a/b.py", "a_b.py", "a-b.py", "<img src=x>.py", "\u202e.py", "é/ü.py", "\udcff.py"]
    ids = [anchor(p) for p in paths]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"m-[a-z0-9-]+", i) for i in ids)


def test_waterfall_adds_up_to_the_score(demo: RunResult) -> None:
    for c in demo.candidates:
        assert round(sum(f.contribution for f in c.factors), 1) == round(c.score, 1)
        fall = charts.waterfall(c.factors, c.score)
        *steps, total = fall.bars
        assert len(steps) == len(c.factors)
        last = steps[-1]
        end = last.x + last.w if c.factors[-1].contribution >= 0 else last.x
        score_end = total.x + total.w if c.score >= 0 else total.x
        assert abs(end - score_end) <= 0.2, c.rel_path
        for s, f in zip(steps, c.factors):
            assert s.kind == ("gain" if f.contribution >= 0 else "cost")


def test_waterfall_of_a_negative_score_runs_left() -> None:
    factors = [Factor("a", 1, 5.0, ""), Factor("b", 1, -12.5, "")]
    fall = charts.waterfall(factors, -7.5)
    a, b, total = fall.bars
    assert a.x == fall.zero and b.x < fall.zero and total.x == b.x
    assert total.x + total.w == pytest.approx(fall.zero)


def test_map_places_modules_by_effort_and_gain(demo: RunResult) -> None:
    anchors = {c.rel_path: anchor(c.rel_path) for c in demo.candidates}
    names = {c.rel_path: c.rel_path for c in demo.candidates}
    chart = charts.gain_map(demo.candidates, anchors, names)
    by_href = {b.href: b for b in chart.bubbles}
    go = [c for c in demo.candidates if c.effort is not None]
    more = max(go, key=lambda c: charts.days(c) or 0)
    less = min(go, key=lambda c: charts.days(c) or 0)
    assert by_href["#" + anchors[more.rel_path]].x > by_href["#" + anchors[less.rel_path]].x
    stays = [by_href["#" + anchors[c.rel_path]] for c in demo.candidates if c.effort is None]
    assert stays and chart.strip is not None
    assert all(b.x < chart.plot.x for b in stays)  # in the strip, left of the axis
    assert chart.quadrant is not None and "Port first" in chart.note


def test_diff_chart_draws_before_and_after() -> None:
    deltas = [
        ScoreDelta("a.py", 10.0, 42.0, 3, 1, ("entered the top 10",)),
        ScoreDelta("b.py", None, 20.0, None, 2, ("new module",)),
        ScoreDelta("c.py", 5.0, None, 4, None, ("removed",)),
    ]
    chart = charts.diff_chart(deltas, {"a.py": "m-a"}, {})
    a, b, c = chart.moves
    assert a.before is not None and a.after is not None and a.after > a.before and a.up
    assert b.before is None and c.after is None
    assert a.href == "#m-a" and b.href == ""
    assert "rank 3 -> 1" in a.title and "entered the top 10" in a.title


def test_graph_layers_put_importers_above_and_cycles_together() -> None:
    # 0 imports 1, 1 imports 2, 2 imports 1 (a cycle), 3 imports nothing
    edges: list[dict[int, float]] = [{1: 1.0}, {2: 1.0}, {1: 1.0}, {}]
    assert graph.layers(edges) == [1, 0, 0, 0]


def test_project_map_marks_the_boundary(demo: RunResult) -> None:
    anchors = {c.rel_path: anchor(c.rel_path) for c in demo.candidates}
    names = {c.rel_path: c.rel_path for c in demo.ranking}
    chart = graph.project_map(demo.ranking, anchors, names)
    assert len(chart.nodes) == len(demo.ranking)
    cut = [e for e in chart.edges if e.boundary]
    assert cut and all("proposed boundary" in e.title for e in cut)
    assert not [e for e in chart.edges if not e.boundary and "boundary" in e.title]
    assert first_hit(chart.nodes, lambda n: n.go) is not None


def first_hit(items: Any, test: Callable[[Any], bool]) -> Any:
    return next((x for x in items if test(x)), None)


# -- the sources ---------------------------------------------------------------------------------


def test_source_lines_are_the_files_and_flagged_lines_are_hotter(demo: RunResult) -> None:
    top = demo.candidates[0]
    fn = top.functions[0]
    lines = (DEMO / top.rel_path).read_text("utf-8").split("\n")
    shown = source.excerpt(lines, fn, top.findings)
    assert shown.lines[0].number == fn.span.line
    for line in shown.lines:
        assert line.text == lines[line.number - 1].expandtabs(source.TAB)
    flagged = [x.heat for x in shown.lines if x.note]
    plain = [x.heat for x in shown.lines if not x.note]
    assert flagged and plain and min(flagged) > max(plain)
    assert max(flagged) == pytest.approx(fn.heat, abs=0.01)


def test_source_through_a_link_out_of_the_tree_is_not_shown(
    make_tree: Callable[..., Path], tmp_path: Path
) -> None:
    """The same bytes, but through a link out of the scanned folder: not read."""
    kernel = "def grid(rows):\n    t = 0\n    for r in rows:\n        for c in r:\n            t += c * c ^ (c << 3)\n    return t\n"
    root = make_tree({"pkg/__init__.py": "", "pkg/kernel.py": kernel})
    result = run(Config(root=root, cache_dir=tmp_path / "cache", history=False))
    assert "t += c * c" in report.render(result, Options())
    outside = tmp_path / "outside.py"
    outside.write_text(kernel, encoding="utf-8")
    os.unlink(root / "pkg" / "kernel.py")
    os.symlink(outside, root / "pkg" / "kernel.py")
    text = report.render(result, Options())
    assert "t += c * c" not in text
    assert "Source not shown" in text


# -- with a plan, and with nothing -------------------------------------------------------------


def test_plan_adds_the_roadmap_and_each_candidates_step(demo: RunResult) -> None:
    plan = make_plan(demo, Config(root=DEMO, history=False))
    text = report.render(demo, Options(), plan)
    assert plan.steps
    assert f"Plan: step 1 of {len(plan.steps)} (wave 1)" in text
    assert Page(text).all("section", id="plan")


def test_a_report_without_candidates_renders(demo: RunResult) -> None:
    text = report.render(replace(demo, candidates=()), Options())
    assert "No candidate modules matched the filters." in text
    assert not Page(text).all("a", class_="bubble")


def test_cli_writes_the_page_for_scan_and_plan(
    goport: Callable[..., Any], tmp_path: Path, cache_dir: Path
) -> None:
    for command in ("scan", "plan"):
        out = tmp_path / f"{command}.html"
        done = goport(command, DEMO, "--format", "html", "-o", out, "--cache-dir", cache_dir, "-q")
        assert done.returncode == 0, done.stderr
        text = out.read_text("utf-8")
        assert text.startswith("<!DOCTYPE html>")
        assert "Plan: step 1 of" in text  # scan shows each candidate's place in the plan too
