"""The HTML report in a real headless Chromium (Debian's ``chromium``, driven by Playwright).

Each report is made by the real CLI into a temporary folder and opened from ``file://``: the
demo service, a profiled fixture, a diff between two commits of a git repository, the plan,
and a tree with hostile names and sources. The page must log no error, attempt no request but
its own file, link every bubble of the map to its module's section, sort and filter its table,
run no script of the tree's, and show a first screen that is not blank.

Skips, saying why, where Playwright or Chromium is missing; ``.ci/run`` installs Chromium.
"""

from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "fixtures" / "demo_service"
PROFILED = ROOT / "fixtures" / "profiled_app"
PROFILE = ROOT / "fixtures" / "profiles" / "profiled_app.speedscope.json"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
#: no sandbox (containers), and nothing of Chromium's own that would go to the network
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREEN = {"width": 1280, "height": 800}
#: replaces the dialogs a script could open, so that any call is seen
TRAP = """
window.__called = [];
for (const name of ["alert", "confirm", "prompt", "print", "open"]) {
  window[name] = function () { window.__called.push(name); };
}
"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed (pip install -e '.[test]' brings it)")
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"Chromium not found at {CHROMIUM} (Debian: apt-get install chromium)")
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


@dataclass
class Opened:
    page: Any
    url: str
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def called(self) -> list[str]:
        called: list[str] = self.page.evaluate("window.__called")
        return called


@pytest.fixture
def open_report(browser: Any) -> Iterator[Callable[[Path], Opened]]:
    contexts: list[Any] = []

    def open_(path: Path) -> Opened:
        context = browser.new_context(viewport=SCREEN)
        contexts.append(context)
        page = context.new_page()
        opened = Opened(page, path.resolve().as_uri())
        page.on("console", lambda m: m.type == "error" and opened.errors.append(m.text))
        page.on("pageerror", lambda e: opened.errors.append(str(e)))
        page.on("request", lambda r: opened.requests.append(r.url))
        page.on("dialog", lambda d: (opened.dialogs.append(d.message), d.dismiss()))
        page.add_init_script(TRAP)
        page.goto(opened.url)
        page.wait_for_load_state("load")
        return opened

    yield open_
    for context in contexts:
        context.close()


@dataclass(frozen=True)
class Report:
    html: Path
    doc: dict[str, Any]  # the same scan's --format json


@pytest.fixture(scope="module")
def make_report(
    goport: Callable[..., subprocess.CompletedProcess[str]],
    tmp_path_factory: pytest.TempPathFactory,
) -> Callable[..., Report]:
    folder = tmp_path_factory.mktemp("reports")
    cache = folder / "cache"

    def make(name: str, *args: str | Path, command: str = "scan") -> Report:
        html = folder / f"{name}.html"
        common = ["--cache-dir", cache, "-q", *args]
        done = goport(command, *common, "--format", "html", "--output", html)
        assert done.returncode == 0, done.stderr
        js = goport("scan", *common, "--format", "json")
        assert js.returncode == 0, js.stderr
        return Report(html, json.loads(js.stdout))

    return make


@pytest.fixture(scope="module")
def demo(make_report: Callable[..., Report]) -> Report:
    return make_report("demo", DEMO, "--no-history")


def _clean(opened: Opened) -> None:
    assert opened.errors == []
    assert opened.requests == [opened.url]  # the file itself, nothing else
    assert opened.dialogs == [] and opened.called() == []


def _bubbles_land(opened: Opened, doc: dict[str, Any]) -> None:
    """One bubble per candidate; each links to the section of its module."""
    page = opened.page
    hrefs = page.eval_on_selector_all(
        "svg.map a.bubble", "els => els.map(e => e.getAttribute('href'))"
    )
    assert len(hrefs) == len(doc["candidates"])
    headings = page.eval_on_selector_all(
        "section.story",
        "els => Object.fromEntries(els.map(e => [e.id, e.querySelector('h3 code').textContent]))",
    )
    assert sorted(headings[h[1:]] for h in hrefs) == sorted(c["path"] for c in doc["candidates"])


# -- the demo ------------------------------------------------------------------------------------


def test_demo_opens_offline_without_an_error(
    open_report: Callable[[Path], Opened], demo: Report
) -> None:
    opened = open_report(demo.html)
    _clean(opened)
    _bubbles_land(opened, demo.doc)
    assert "Go candidates" in opened.page.inner_text("p.verdict")


def test_a_bubble_goes_to_its_module(open_report: Callable[[Path], Opened], demo: Report) -> None:
    opened = open_report(demo.html)
    page = opened.page
    top = demo.doc["candidates"][0]
    titles = page.eval_on_selector_all(
        "svg.map a.bubble", "els => els.map(e => e.querySelector('title').textContent)"
    )
    mine = [i for i, t in enumerate(titles) if t.startswith(top["path"] + ": ")]
    assert len(mine) == 1
    bubble = page.locator("svg.map a.bubble").nth(mine[0])
    assert "score " + f"{top['score']:.1f}" in bubble.locator("title").text_content()
    bubble.click()
    target = page.locator("section.story:target")
    assert target.count() == 1
    assert target.locator("h3 code").first.text_content() == top["path"]
    assert target.is_visible()
    _clean(opened)


def _column(page: Any, index: int) -> list[str]:
    return page.eval_on_selector_all(
        "#ranking tbody tr:not([hidden])",
        f"rows => rows.map(r => r.cells[{index}].textContent)",
    )


def test_clicking_a_header_sorts(open_report: Callable[[Path], Opened], demo: Report) -> None:
    page = open_report(demo.html).page
    page.click("#ranking th[data-key=score]")
    scores = [float(s) for s in _column(page, 2)]
    assert scores == sorted(scores, reverse=True)
    page.click("#ranking th[data-key=score]")
    scores = [float(s) for s in _column(page, 2)]
    assert scores == sorted(scores)
    assert page.get_attribute("#ranking th[data-key=score]", "aria-sort") == "ascending"
    page.click("#ranking th[data-key=path]")
    paths = _column(page, 1)
    assert paths == sorted(c["path"] for c in demo.doc["candidates"])
    page.click("#ranking th[data-key=sloc]")
    lines = [int(s) for s in _column(page, 6)]
    assert lines == sorted((c["metrics"]["sloc"] for c in demo.doc["candidates"]), reverse=True)


def test_the_filters_filter(open_report: Callable[[Path], Opened], demo: Report) -> None:
    page = open_report(demo.html).page
    candidates = demo.doc["candidates"]
    page.select_option("#f-strategy", "go-extension")
    assert set(_column(page, 3)) == {"go-extension"}
    assert len(_column(page, 3)) == sum(c["strategy"] == "go-extension" for c in candidates)
    page.select_option("#f-strategy", "")
    page.fill("#f-path", "MATCH")
    assert _column(page, 1) == [c["path"] for c in candidates if "match" in c["path"]]
    page.fill("#f-path", "")
    page.fill("#f-score", "50")
    assert _column(page, 1) == [c["path"] for c in candidates if c["score"] >= 50]
    shown = len(_column(page, 1))
    assert page.inner_text("#f-count") == f"{shown} of {len(candidates)} modules"


def test_the_first_screen_is_not_blank(open_report: Callable[[Path], Opened], demo: Report) -> None:
    page = open_report(demo.html).page
    for selector in ("p.verdict", "svg.map"):
        box = page.locator(selector).bounding_box()
        assert box is not None and box["y"] < SCREEN["height"], selector
    pixels = Counter(_pixels(page.screenshot()))
    (_, background), *_ = pixels.most_common(1)
    assert len(pixels) >= 20  # distinct colours
    assert pixels.total() - background > pixels.total() * 0.03  # more than a blank page's


def test_printed_the_controls_go_and_the_stories_stay(
    open_report: Callable[[Path], Opened], demo: Report
) -> None:
    page = open_report(demo.html).page
    page.emulate_media(media="print")
    assert page.locator(".filters").is_hidden()
    assert page.locator("nav").is_hidden()
    assert page.locator("section.story").first.is_visible()
    assert page.pdf(format="A4")[:5] == b"%PDF-"


# -- a profile, a diff, the plan -----------------------------------------------------------------


def test_profiled_report_shows_what_was_measured(
    open_report: Callable[[Path], Opened], make_report: Callable[..., Report]
) -> None:
    report = make_report("profiled", PROFILED, "--no-history", "--profile", PROFILE)
    opened = open_report(report.html)
    _clean(opened)
    _bubbles_land(opened, report.doc)
    top = report.doc["candidates"][0]
    assert top["measured"] is not None
    story = opened.page.locator("section.story").first
    text = story.inner_text()
    assert top["path"] in text
    assert f"Measured: {top['measured']['total_share']:.0%} of samples" in text
    assert "Measured path through the module" in text
    assert "Ranked with a profile" in opened.page.inner_text("header")


def _git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@t", *args],
        check=True,
        capture_output=True,
    )


KERNEL = """

def crc32(data):
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0xEDB88320 if c & 1 else c >> 1
        table.append(c)
    crc = 0xFFFFFFFF
    for b in data:
        crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF
"""


def test_diff_report_shows_what_the_change_did(
    open_report: Callable[[Path], Opened],
    make_report: Callable[..., Report],
    tmp_path: Path,
) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "repo"
    shutil.copytree(DEMO, repo)
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "base")
    with open(repo / "demo_service" / "storage.py", "a", encoding="utf-8") as f:
        f.write(KERNEL)
    _git(repo, "commit", "-qam", "a checksum")
    report = make_report("diff", repo, "--diff-base", "HEAD~1")
    opened = open_report(report.html)
    _clean(opened)
    _bubbles_land(opened, report.doc)
    moved = next(d for d in report.doc["diff"]["deltas"] if d["path"] == "demo_service/storage.py")
    assert moved["after"] > moved["before"]
    section = opened.page.locator("#diff")
    row = section.locator("tbody tr", has_text="demo_service/storage.py")
    assert row.count() == 1
    assert row.locator("td").nth(1).inner_text() == f"{moved['before']:.1f}"
    assert row.locator("td").nth(2).inner_text() == f"{moved['after']:.1f}"
    rows = section.locator("tbody tr").count()
    assert section.locator("svg.diff circle").count() == 2 * rows  # before and after
    href = row.locator("a").get_attribute("href")
    assert href is not None and opened.page.locator(f"section.story{href}").count() == 1


def test_plan_report_lists_the_steps(
    open_report: Callable[[Path], Opened], make_report: Callable[..., Report]
) -> None:
    report = make_report("plan", DEMO, "--no-history", command="plan")
    opened = open_report(report.html)
    _clean(opened)
    steps = opened.page.locator("#plan tbody tr").count()
    go = sum(c["strategy"].startswith("go-") for c in report.doc["candidates"])
    assert steps >= 1 and steps <= go
    assert opened.page.locator("section.story h4", has_text="Plan: step 1 of").count() == 1


# -- hostile input -------------------------------------------------------------------------------


def test_hostile_names_and_sources_stay_text(
    open_report: Callable[[Path], Opened],
    make_report: Callable[..., Report],
    hostile_html_tree: Path,
) -> None:
    report = make_report("hostile", hostile_html_tree, "--no-history")
    opened = open_report(report.html)
    page = opened.page
    _clean(opened)  # no script ran: no dialog, no call, no error (a blocked script logs one)
    _bubbles_land(opened, report.doc)
    assert page.evaluate("document.images.length") == 0
    assert page.evaluate("document.scripts.length") == 2
    name = "pkg/<img src=x onerror=alert(1)>.py"
    story = page.locator("section.story", has=page.locator("h3 code", has_text=name))
    assert story.count() == 1
    assert story.locator("td.code", has_text='"</script><script>alert(1)</script>"').count() == 1
    body = page.inner_text("body")
    assert "\\u202e reversed \\u202c comment" in body
    assert "\u202e" not in body and "\u202c" not in body


# -- a PNG's pixels ------------------------------------------------------------------------------


def _pixels(png: bytes) -> list[bytes]:
    """Every pixel of an 8-bit RGB or RGBA PNG (Chromium's screenshots), for counting colours:
    the chunks' data inflated and each scanline's filter undone (PNG spec, section 9)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, data = 8, b""
    width = height = channels = 0
    while pos < len(png):
        length, kind = struct.unpack(">I4s", png[pos : pos + 8])
        body = png[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and colour in (2, 6), (depth, colour)
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            data += body
        pos += 12 + length
    raw = zlib.decompress(data)
    stride = width * channels
    previous = bytearray(stride)
    out: list[bytes] = []
    for y in range(height):
        start = y * (stride + 1)
        line = _unfilter(
            raw[start], bytearray(raw[start + 1 : start + 1 + stride]), previous, channels
        )
        out += [bytes(line[i : i + 3]) for i in range(0, stride, channels)]
        previous = line
    return out


def _unfilter(kind: int, line: bytearray, up: bytearray, n: int) -> bytearray:
    if kind == 0:
        return line
    for i in range(len(line)):
        a = line[i - n] if i >= n else 0
        b = up[i]
        c = up[i - n] if i >= n else 0
        if kind == 1:
            line[i] = (line[i] + a) & 0xFF
        elif kind == 2:
            line[i] = (line[i] + b) & 0xFF
        elif kind == 3:
            line[i] = (line[i] + (a + b) // 2) & 0xFF
        else:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
    return line
