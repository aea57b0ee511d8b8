"""The roadmap on real projects: the demo's order and seams, an import cycle, co-change grouping
(code-maat thresholds, and a merge refused when it would break the order), tests first."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from goport.config import load
from goport.model import RunResult
from goport.pipeline import run
from goport.roadmap.cochange import couplings
from goport.roadmap.roadmap import GO, Plan, build, reader

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "fixtures" / "demo_service"

#: two CPU-bound modules (byte and arithmetic loops) that import each other, and their caller
CYCLE = {
    "pkg/__init__.py": "",
    "pkg/alpha.py": (
        "from pkg import beta\n\n\n"
        "def mix(data: bytes) -> int:\n"
        "    h = 2166136261\n"
        "    for i in range(len(data)):\n"
        "        for j in range(8):\n"
        "            h ^= data[i] >> j\n"
        "            h = (h * 16777619) & 0xFFFFFFFF\n"
        "    return h + beta.fold(data)\n"
    ),
    "pkg/beta.py": (
        "from pkg import alpha\n\n\n"
        "def fold(data: bytes) -> int:\n"
        "    total = 0\n"
        "    for i in range(len(data)):\n"
        "        for j in range(i, len(data)):\n"
        "            total += data[i] * data[j] % 7\n"
        "    return total\n\n\n"
        "def both(data: bytes) -> int:\n"
        "    return alpha.mix(data) + fold(data)\n"
    ),
    "pkg/main.py": (
        "from pkg.alpha import mix\nfrom pkg.beta import both\n\n\n"
        "def run(lines: list[bytes]) -> int:\n"
        "    return sum(mix(x) + both(x) for x in lines)\n"
    ),
}


def _kernel(name: str, imports: str = "") -> str:
    return (
        f"{imports}\n\ndef {name}(data: bytes) -> int:\n"
        "    total = 0\n"
        "    for i in range(len(data)):\n"
        "        for j in range(i, len(data)):\n"
        "            total += data[i] * data[j] % 7\n"
        "    return total\n"
    )


def _result(root: Path, cache_dir: Path) -> RunResult:
    return run(load(root, {"cache_dir": cache_dir, "history": False}, read_pyproject=False))


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[RunResult, Plan]:
    result = _result(DEMO, tmp_path_factory.mktemp("cache"))
    return result, build(result, read=reader(DEMO, 1 << 20))


def _step(plan: Plan, rel: str) -> int:
    step = plan.step_of(rel)
    assert step is not None, rel
    return step.number


def test_demo_moves_the_tokenizer_before_ingest(demo: tuple[RunResult, Plan]) -> None:
    result, plan = demo
    tokenizer, ingest = (
        _step(plan, "demo_service/tokenizer.py"),
        _step(plan, "demo_service/ingest.py"),
    )
    assert tokenizer < ingest
    steps = {s.number: s for s in plan.steps}
    assert steps[tokenizer].wave < steps[ingest].wave
    assert f"step {tokenizer} (demo_service/tokenizer.py)" in steps[ingest].requires
    # every step comes after the steps of the moving modules it imports
    by_module = {c.module: c for c in result.ranking}
    rel = {c.module: c.rel_path for c in result.ranking}
    for step in plan.steps:
        for path in step.modules:
            cand = next(c for c in result.ranking if c.rel_path == path)
            for dep in cand.boundary.imports:
                if dep in by_module and by_module[dep].strategy in GO:
                    assert _step(plan, rel[dep]) < step.number, (path, dep)
    # only Go candidates move, each once, ordered by wave
    moved = [m for s in plan.steps for m in s.modules]
    assert sorted(moved) == sorted(c.rel_path for c in result.ranking if c.strategy in GO)
    assert [s.wave for s in plan.steps] == sorted(s.wave for s in plan.steps)
    assert [s.number for s in plan.steps] == list(range(1, len(plan.steps) + 1))


def test_demo_ingest_gets_a_callback_seam_for_the_plugins(demo: tuple[RunResult, Plan]) -> None:
    _, plan = demo
    ingest = plan.steps[_step(plan, "demo_service/ingest.py") - 1]
    seams = {(s.kind, s.between) for s in ingest.seams}
    pair = ("demo_service/ingest.py", "demo_service/plugins.py")
    assert ("callback", pair) in seams
    callback = next(s for s in ingest.seams if s.between == pair)
    assert "Enricher.enrich()" in callback.why and "keep-in-python" in callback.why
    # Settings only crosses as data: a shared type, not a callback
    assert ("shared-type", ("demo_service/ingest.py", "demo_service/config.py")) in seams
    assert "a callback seam to demo_service/plugins.py (stays in Python)" in ingest.requires
    stays = dict(plan.stays)
    assert "dynamic" in stays["demo_service/plugins.py"].lower()


def test_demo_gain_and_tests_first(demo: tuple[RunResult, Plan]) -> None:
    _, plan = demo
    tokenizer = plan.steps[_step(plan, "demo_service/tokenizer.py") - 1]
    ingest = plan.steps[_step(plan, "demo_service/ingest.py") - 1]
    # a CPU kernel: a range from the static time share; a streaming service: no CPU number
    assert tokenizer.gain.basis == "estimated"
    assert tokenizer.gain.low is not None and tokenizer.gain.high is not None
    assert 0 < tokenizer.gain.low < tokenizer.gain.high <= 1
    assert "10-50x" in tokenizer.gain.assumptions
    assert (ingest.gain.low, ingest.gain.high, ingest.gain.basis) == (None, None, "none")
    assert "latency and memory under load" in ingest.gain.assumptions
    # test_tokenizer imports tokenize_line; nothing tests ingest's boundary
    assert not any(t.endswith(": tokenize_line") for t in tokenizer.tests_first)
    assert "demo_service/ingest.py: IngestPipeline" in ingest.tests_first
    assert ingest.effort is not None and ingest.effort.days_low > 0


def test_an_import_cycle_moves_as_one_step(make_tree: Callable[..., Path], cache_dir: Path) -> None:
    root = make_tree(CYCLE)
    plan = build(_result(root, cache_dir))
    assert [s.modules for s in plan.steps] == [("pkg/alpha.py", "pkg/beta.py")]
    (seam,) = [s for s in plan.steps[0].seams if s.kind == "cycle"]
    assert seam.between == ("pkg/alpha.py", "pkg/beta.py")
    effort = plan.steps[0].effort
    assert effort is not None and "pkg/alpha.py" in effort.explanation


def test_co_change_groups_modules_unless_it_would_break_the_order(
    make_tree: Callable[..., Path], cache_dir: Path
) -> None:
    root = make_tree(
        {
            "pkg/__init__.py": "",
            "pkg/low.py": _kernel("low"),
            "pkg/mid.py": _kernel("mid", "from pkg.low import low"),
            "pkg/top.py": _kernel("top", "from pkg.mid import mid"),
            "pkg/side.py": _kernel("side"),
            "pkg/other.py": _kernel("other"),
        }
    )
    result = _result(root, cache_dir)
    moving = {c.rel_path for c in result.ranking if c.strategy in GO}
    assert {"pkg/low.py", "pkg/mid.py", "pkg/top.py", "pkg/side.py", "pkg/other.py"} <= moving
    commits = [("pkg/low.py", "pkg/top.py")] * 6 + [("pkg/side.py", "pkg/other.py")] * 6
    plan = build(result, changesets=commits)
    # side and other change together: one step; low and top too, but mid sits between them
    assert plan.step_of("pkg/side.py") is plan.step_of("pkg/other.py")
    assert plan.step_of("pkg/low.py") is not plan.step_of("pkg/top.py")
    low = plan.step_of("pkg/low.py")
    assert low is not None
    (seam,) = [s for s in low.seams if s.kind == "co-change"]
    assert seam.between == ("pkg/low.py", "pkg/top.py")
    assert "different steps" in seam.why
    # without history nothing is grouped
    alone = build(result)
    assert alone.step_of("pkg/side.py") is not alone.step_of("pkg/other.py")


def test_couplings_follow_code_maat_thresholds() -> None:
    always = [("a.py", "b.py")] * 5
    assert [(c.a, c.b, c.shared, c.degree) for c in couplings(always)] == [("a.py", "b.py", 5, 1.0)]
    assert couplings([("a.py", "b.py")] * 4) == ()  # fewer than 5 shared commits
    # 5 shared of 5 and 20 commits: degree 5 / 12.5 = 40% (kept); of 5 and 40: 5 / 22.5 (not)
    assert couplings(always + [("b.py",)] * 15)[0].degree == 0.4
    assert couplings(always + [("b.py",)] * 35) == ()
    huge = [tuple(f"m{i}.py" for i in range(31))] * 6  # mass changes say nothing
    assert couplings(huge) == ()
    assert couplings(always, among=frozenset({"a.py"})) == ()
