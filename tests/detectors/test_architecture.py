"""The shape that keeps rules easy to add: one module per rule, listed once; facts kept once per
file; syntax helpers defined once; small files and functions; rule ids only in the detectors."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest
from radon.metrics import mi_rank, mi_visit

import goport
from goport.detectors import syntax
from goport.detectors.base import rules_in
from goport.detectors.testing import run

SRC = Path(goport.__file__).parent
DETECTORS = SRC / "detectors"
RULE_ID = re.compile(r"GP\d{3}")

_RULE = '''
"""A rule written for the test: calls made inside a loop."""

from __future__ import annotations

import libcst as cst

from goport.detectors.base import Detector, Match, NoMatch
from goport.model import Category
from goport.walk.loops import Loops


class CallsInLoops(Detector):
    """Calls inside a loop.

    What it detects: a call. Why it matters for a Go port: it does not.
    Go idiom: none. Known limits: everything.
    """

    ID, NAME, CATEGORY = "GP199", "calls-in-loops", Category.CPU
    USES = (Loops,)
    MATCHES = (Match("""
        for x in y:
            f(x)
        """, line=2),)
    NO_MATCHES = (NoMatch("f(x)\\n"),)

    def leave_Call(self, node: cst.Call) -> None:
        if self.ctx.fact(Loops).depth():
            self.report(node, "a call in a loop")
'''


def _family(root: Path, name: str, modules: dict[str, str]) -> None:
    package = root / name
    package.mkdir()
    for module, text in modules.items():
        (package / f"{module}.py").write_text(text, encoding="utf-8")
    listed = ", ".join(f'"{m}"' for m in modules)
    (package / "__init__.py").write_text(
        "from goport.detectors.base import rules_in\n"
        f"RULES = ({listed},)\n"
        "DETECTORS = rules_in(__name__, RULES)\n",
        encoding="utf-8",
    )


def test_a_rule_is_one_module_plus_one_line_in_its_family(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _family(tmp_path, "family_under_test", {"gp199_calls_in_loops": _RULE})
    monkeypatch.syspath_prepend(str(tmp_path))
    from family_under_test import DETECTORS as loaded  # type: ignore[import-not-found]

    try:
        (rule,) = loaded
        assert rule.NAME == "calls-in-loops"
        for example in rule.MATCHES:
            findings = run(rule, example.code)
            assert [f.span.line for f in findings] == [example.line]
        assert run(rule, rule.NO_MATCHES[0].code) == []
    finally:
        for module in [m for m in sys.modules if m.startswith("family_under_test")]:
            del sys.modules[module]


def test_a_rule_module_defines_exactly_one_rule(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    again = _RULE.split("from goport.walk.loops import Loops\n", 1)[1]
    package = tmp_path / "family_with_two"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "two.py").write_text(
        _RULE + again.replace("class CallsInLoops", "class CallsInLoopsAgain"), encoding="utf-8"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        with pytest.raises(TypeError, match="defines 2 rule classes"):
            rules_in("family_with_two", ("two",))
    finally:
        for module in [m for m in sys.modules if m.startswith("family_with_two")]:
            del sys.modules[module]


def _python_files(root: Path) -> list[Path]:
    return sorted(root.rglob("*.py"))


def _rule_ids_in(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    return [f"{path.relative_to(SRC)}:{n}" for n, line in enumerate(text.splitlines(), 1)
            if RULE_ID.search(line)]  # fmt: skip


def test_no_rule_id_outside_the_detectors() -> None:
    """Scoring, planning and reports read a finding's traits, never a list of rule ids."""
    found = [
        hit
        for path in _python_files(SRC)
        if DETECTORS not in path.parents
        for hit in _rule_ids_in(path)
    ]
    assert found == []


def _too_big(path: Path) -> list[str]:
    """Over 600 lines, a function over 60, or radon maintainability below rank A."""
    text = path.read_text(encoding="utf-8")
    rel = path.relative_to(SRC).as_posix()
    found = [f"{rel}: over 600 lines"] if len(text.splitlines()) > 600 else []
    found += [
        f"{rel}: {node.name}()"
        for node in ast.walk(ast.parse(text))
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        and (node.end_lineno or 0) - node.lineno + 1 > 60
    ]
    rank = mi_rank(mi_visit(text, multi=True))
    return found + ([f"{rel}: maintainability {rank}"] if rank != "A" else [])


def test_sources_stay_small() -> None:
    """Every module of goport: no file over 600 lines, no function over 60, radon
    maintainability rank A."""
    found = sorted(hit for path in _python_files(SRC) for hit in _too_big(path))
    assert found == []


#: the copies detectors/syntax.py replaced; a new one of these names is a copy again
_OLD_COPIES = frozenset(
    {"_alias_tail", "_tail", "_leaf", "_int_value", "_int_arg", "_string", "_is_string",
     "_keyword", "_arg", "_dotted", "_under", "_call_path", "_positional", "_last_part"}
)  # fmt: skip


def test_syntax_helpers_are_defined_once() -> None:
    helpers = {
        name
        for name, value in vars(syntax).items()
        if callable(value) and getattr(value, "__module__", "") == syntax.__name__
    }
    assert {"dotted", "alias_tail", "int_value", "string_value", "keyword", "argument"} <= helpers
    copies = []
    for path in _python_files(SRC / "detectors") + [SRC / "extract.py", SRC / "callsites.py"]:
        if path.name == "syntax.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.FunctionDef)
                and (node.name in helpers or node.name in _OLD_COPIES)
                and not isinstance(node, ast.AsyncFunctionDef)
            ):
                copies.append(f"{path.relative_to(SRC)}: {node.name}")
    assert copies == []
