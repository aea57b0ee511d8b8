"""Scoring and planning read what a finding's traits say, never which rule produced it."""

from __future__ import annotations

import textwrap
from pathlib import Path

from goport.config import Config
from goport.detectors.registry import REGISTRY
from goport.extract import extract
from goport.model import Boundary, Category, Finding, SourceFile, Span, Strategy, Trait
from goport.planning import plan
from goport.scoring import score_module

NO_BOUNDARY = Boundary(0, 0, (), (), (), ())
CONFIG = Config(root=Path("."))
KERNEL = """
def work(rows):
    t = 0
    for r in rows:
        for c in r:
            for d in c:
                t += d * d ^ 3
    return t
"""


def finding(rule: str, category: Category, *traits: Trait, weight: float = 3.0) -> Finding:
    return Finding(rule, "x", category, Span(2, 2), "work", "m", weight, "go", traits=traits)


def _run(code: str, extra: list[Finding]):
    m = extract(SourceFile("m.py", "m.py", "m"), textwrap.dedent(code).encode())
    findings = [*m.findings, *extra]
    scored = score_module(m, findings, NO_BOUNDARY, CONFIG)
    return scored, plan(m, findings, scored, NO_BOUNDARY)


def test_every_trait_is_declared_by_some_rule_and_has_a_reason() -> None:
    declared = {t for d in REGISTRY for t in d.TRAITS}
    assert declared == set(Trait)
    assert all(t.reason and t.value == t.value.lower() for t in Trait)
    assert len({t.value for t in Trait}) == len(Trait)


def test_serving_traits_make_a_go_service_whatever_the_rule_id() -> None:
    serving = [
        finding("GP901", Category.SERVICE, Trait.NETWORK, Trait.SERVING, weight=15.0),
        finding("GP902", Category.CONCURRENCY, Trait.NETWORK, weight=15.0),
    ]
    feeding = [
        finding("GP901", Category.SERVICE, Trait.NETWORK, Trait.FEEDING, weight=15.0),
        finding("GP902", Category.CONCURRENCY, Trait.NETWORK, weight=15.0),
    ]
    _, served = _run("def work():\n    pass\n", serving)
    _, fed = _run("def work():\n    pass\n", feeding)
    assert served.strategy is Strategy.GO_SERVICE
    assert fed.strategy is Strategy.GO_WORKER


def test_orchestration_without_network_is_damped_by_trait() -> None:
    pool = [
        finding("GP998", Category.CPU, Trait.ORCHESTRATION, Trait.FEEDING, weight=2.5),
        finding("GP999", Category.CONCURRENCY, weight=2.0),
    ]
    orchestrating, _ = _run("def run(jobs):\n    return jobs\n", pool)
    with_network = pool + [finding("GP997", Category.CONCURRENCY, Trait.NETWORK, weight=2.0)]
    serving, _ = _run("def run(jobs):\n    return jobs\n", with_network)
    conc = next(f for f in orchestrating.factors if f.name == "concurrency")
    assert "Orchestrates process pools" in conc.explanation
    assert "cpu-bound" not in {f.name for f in orchestrating.factors}  # the pool is not CPU work
    assert orchestrating.score < serving.score


def test_native_numeric_trait_damps_cpu_benefit() -> None:
    plain, _ = _run(KERNEL, [])
    numeric, _ = _run(
        KERNEL, [finding("GP996", Category.ECOSYSTEM, Trait.NATIVE_NUMERIC, weight=0.5)]
    )
    untagged, _ = _run(KERNEL, [finding("GP996", Category.ECOSYSTEM, weight=0.5)])
    cpu = {s: next(f.contribution for f in r.factors if f.name == "cpu-bound") for s, r in
           (("plain", plain), ("numeric", numeric), ("untagged", untagged))}  # fmt: skip
    assert cpu["numeric"] < cpu["untagged"] == cpu["plain"]
    assert numeric.signals.native_numeric and not untagged.signals.native_numeric


def test_cheap_fix_trait_puts_python_first() -> None:
    """The same findings, once marked as having a cheap Python-side fix."""
    code = (
        "def work(rows):\n    t = 0\n    for r in rows:\n        for c in r:\n"
        "            t = (t * 31 + c * c) ^ (c << 3)\n    return t\n"
    )
    tip = finding("GP107", Category.CPU, weight=1.0)  # a rule with Python-first advice
    heavy = [
        finding("GP995", Category.CPU, weight=40.0),
        finding("GP994", Category.CPU, weight=40.0),
    ]
    cheap_findings = [
        tip,
        *(finding(f.rule, f.category, Trait.CHEAP_FIX, weight=40.0) for f in heavy),
    ]
    _, cheap = _run(code, cheap_findings)
    _, costly = _run(code, [tip, *heavy])
    assert cheap.strategy is Strategy.OPTIMISE_FIRST
    assert costly.strategy is not Strategy.OPTIMISE_FIRST


def test_a_compiled_pattern_in_a_loop_has_no_cheap_fix_left() -> None:
    code = """
        import re
        WORD = re.compile(r"\\w+")
        def f(lines):
            for line in lines:
                yield WORD.findall(line), re.findall(r"\\d+", line)
    """
    facts = extract(SourceFile("m.py", "m.py", "m"), textwrap.dedent(code).encode())
    by_message = {f.message.split(" ")[0]: f.traits for f in facts.findings if f.rule == "GP107"}
    assert by_message == {"WORD.findall": (), "re.findall": (Trait.CHEAP_FIX,)}


def test_attributes_named_at_run_time_cost_less_than_a_redesign() -> None:
    """The same blocker weight costs less when it is made explicit site by site (``reshape``:
    computed getattr/setattr) than when it needs a redesign (eval, pickle, metaclasses)."""
    kernel = "def work(xs):\n    t = 0\n    for x in xs:\n        t += x * x\n    return t\n"

    def blockers(*traits: Trait) -> float:
        scored, _ = _run(kernel, [finding("GP999", Category.BLOCKER, *traits, weight=6.0)])
        (factor,) = [f for f in scored.factors if f.name == "blockers"]
        return factor.contribution

    reshape, redesign = blockers(Trait.RESHAPE), blockers()
    assert redesign < reshape < 0


def test_the_dynamic_attributes_rule_is_a_reshape_and_eval_is_not() -> None:
    by_name = {d.NAME: d for d in REGISTRY}
    assert Trait.RESHAPE in by_name["dynamic-attributes"].TRAITS
    assert Trait.RESHAPE not in by_name["eval-exec"].TRAITS
    assert Trait.RESHAPE not in by_name["pickle-serialisation"].TRAITS


LOOPS_AND_A_SCIPY_HELPER = """
import math

def kernel(rows):
    t = 0
    for r in rows:
        for c in r:
            t = (t * 31 + c * c) ^ (c << 3)
    for r in rows:
        for c in r:
            t += math.floor(c / 3) - c % 7
    return t

def root(f):
    from scipy.optimize import brentq
    return brentq(f, 0, 1)
"""


def test_a_function_local_numeric_import_damps_only_that_function() -> None:
    """A module of pure-Python loops that imports scipy in one helper is not a numpy module."""
    local, _ = _run(LOOPS_AND_A_SCIPY_HELPER, [])
    module_level, _ = _run("from scipy.optimize import brentq\n" + LOOPS_AND_A_SCIPY_HELPER, [])
    plain, _ = _run(LOOPS_AND_A_SCIPY_HELPER.replace("from scipy.optimize", "from .opt"), [])

    def gain(scored) -> float:
        return sum(f.contribution for f in scored.factors if f.name in {"density", "cpu-bound"})

    assert local.signals.native_numeric and module_level.signals.native_numeric
    assert gain(module_level) < 0.5 * gain(local)
    assert 0.8 * gain(plain) < gain(local) < gain(plain)
    cpu = next(f for f in local.factors if f.name == "cpu-bound")
    assert "damped by" in cpu.explanation and "share of its work" in cpu.explanation


def test_the_numeric_share_counts_module_level_work_and_each_definition_apart() -> None:
    from goport.scoring.kernel import native_share

    script = textwrap.dedent(
        """
        total = 0
        for i in range(1000):
            for j in range(1000):
                total += (i * j) ^ (i << 2)

        def plot(xs):
            import numpy as np
            return np.asarray(xs)
        """
    )
    m = extract(SourceFile("s.py", "s.py", "s"), script.encode())
    assert 0 < native_share(m, m.findings) < 0.2  # the loops at module level are pure Python
    redefined = textwrap.dedent(
        """
        class C:
            @property
            def v(self):
                import numpy
                return numpy.zeros(1)

            @v.setter
            def v(self, rows):
                t = 0
                for r in rows:
                    for c in r:
                        t += c * c - c % 3
                self.t = t
        """
    )
    m = extract(SourceFile("c.py", "c.py", "c"), redefined.encode())
    assert native_share(m, m.findings) < 0.5  # the setter, not the getter, does the work
