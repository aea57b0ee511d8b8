"""A Go extension moves only the module's kernel functions: its cost is theirs, not the file's."""

from __future__ import annotations

import textwrap
from pathlib import Path

from goport.config import Config
from goport.extract import extract
from goport.model import Boundary, SourceFile, Strategy
from goport.planning import go_form, plan
from goport.scoring import CALIBRATION, score_module
from goport.scoring.kernel import kernel_of

#: a masking loop that three modules import, in a file of helpers, one of them dynamic
HELPERS = """
import importlib


def mask(data, key):
    out = bytearray(data)
    for i in range(len(out)):
        out[i] = out[i] ^ key[i % 4]
    return bytes(out)


def load_plugin(name):
    return importlib.import_module(name)


def run_snippet(code, env):
    exec(code, env)
    return env

"""
FILLER = "".join(
    f"\n\ndef helper_{i}(value, default=None):\n    if value is None:\n        return default\n"
    f"    return str(value).strip()\n"
    for i in range(40)
)
IMPORTED = Boundary(3, 3, ("a", "b", "c"), ("mask",), (), ())


def _facts(code: str):
    return extract(SourceFile("m.py", "m.py", "m"), textwrap.dedent(code).encode())


def _score(code: str, form: Strategy | None = None):
    facts = _facts(code)
    form = form or go_form(facts, facts.findings, IMPORTED)
    scored = score_module(facts, facts.findings, IMPORTED, Config(root=Path(".")), form=form)
    return facts, scored


def _factor(scored, name: str) -> float:
    return sum(f.contribution for f in scored.factors if f.name == name)


def test_the_kernel_is_the_loop_that_carries_the_work() -> None:
    kernel = kernel_of(_facts(HELPERS + FILLER), CALIBRATION.kernel_share)
    assert kernel is not None
    assert kernel.functions[0] == "mask"
    assert "run_snippet" not in kernel.functions and "load_plugin" not in kernel.functions
    assert kernel.sloc < 15


def test_an_extension_costs_its_kernel_and_a_whole_module_port_costs_the_file() -> None:
    facts, extension = _score(HELPERS + FILLER)
    assert go_form(facts, facts.findings, IMPORTED) is Strategy.GO_EXTENSION
    _, whole = _score(HELPERS + FILLER, form=Strategy.GO_CLI)
    # the exec and the import by name sit outside the kernel: they stay in Python
    assert _factor(extension, "blockers") == 0 > _factor(whole, "blockers")
    assert _factor(whole, "size") < _factor(extension, "size") < 0
    assert extension.score > whole.score
    size = next(f for f in extension.factors if f.name == "size")
    assert "only they move" in size.explanation


def test_the_extension_effort_counts_the_kernel_lines() -> None:
    facts, scored = _score(HELPERS + FILLER)
    p = plan(facts, facts.findings, scored, IMPORTED)
    assert p.strategy is Strategy.GO_EXTENSION
    assert p.effort is not None and "kernel function" in p.effort.explanation
    assert not any("GP401" in b for b in p.blockers)  # the exec is not in what moves


def test_a_blocker_inside_the_kernel_still_costs() -> None:
    dynamic = HELPERS.replace("    return bytes(out)", "    exec('pass')\n    return bytes(out)")
    _, scored = _score(dynamic + FILLER)
    assert _factor(scored, "blockers") < 0
