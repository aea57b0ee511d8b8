"""Parallel extraction gives the same answer as serial; the rules page is generated and current."""

from __future__ import annotations

import json
from pathlib import Path

from goport.analysis import PARALLEL_THRESHOLD
from goport.config import Config
from goport.detectors.registry import REGISTRY
from goport.docs import rules_markdown, sections
from goport.pipeline import run
from goport.reports import Format, Options, render

ROOT = Path(__file__).resolve().parents[2]


def test_parallel_equals_serial(tmp_path: Path) -> None:
    proj = tmp_path / "proj"
    (proj / "pkg").mkdir(parents=True)
    (proj / "pkg" / "__init__.py").write_text("")
    for i in range(PARALLEL_THRESHOLD * 2):
        body = "".join(
            f"    for a{j} in xs:\n" + "    " * (j + 1) + "    pass\n" for j in range(i % 4)
        )
        (proj / "pkg" / f"m{i}.py").write_text(
            f"from pkg import m{(i + 1) % 10}\n\ndef f(xs):\n{body}    return {i}\n"
        )
    (proj / "pkg" / "broken.py").write_text("def f(:\n")
    docs = []
    for jobs in (1, 2):
        result = run(Config(root=proj, jobs=jobs, use_cache=False, history=False))
        docs.append(json.loads(render(Format.JSON, result, Options())))
    assert docs[0] == docs[1]
    assert docs[0]["summary"]["files_analysed"] == PARALLEL_THRESHOLD * 2 + 1
    assert [e["path"] for e in docs[0]["errors"]] == ["pkg/broken.py"]


def test_rules_page_is_current() -> None:
    page = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert page == rules_markdown(), (
        "regenerate with: goport rules --format markdown > docs/rules.md"
    )


def test_every_rule_documents_its_sections() -> None:
    for det in REGISTRY:
        s = sections(det)
        assert all(
            s.get(k)
            for k in ("What it detects", "Why it matters for a Go port", "Go idiom", "Known limits")
        ), det.ID


def test_warm_run_never_imports_the_parser(tmp_path: Path) -> None:
    """A cached (pre-commit) run reads and hashes files but never loads libcst or the detectors."""
    import subprocess
    import sys

    demo = ROOT / "fixtures" / "demo_service"
    code = (
        "import sys, json\n"
        "from pathlib import Path\n"
        "from goport.config import Config\n"
        "from goport.pipeline import run\n"
        "from goport.reports import Format, Options, render\n"
        f"result = run(Config(root=Path({str(demo)!r}), cache_dir=Path({str(tmp_path)!r}), history=False))\n"
        "render(Format.TERMINAL, result, Options())\n"
        "print(json.dumps([result.summary.cache_hits, 'libcst' in sys.modules]))\n"
    )
    cold = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(cold.stdout)[0] == 0
    warm = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    hits, imported = json.loads(warm.stdout)
    assert hits > 10
    assert imported is False
