"""The static estimate: resolution of call sites, frequencies, recursion, shares and chains."""

from __future__ import annotations

import math
import textwrap

import pytest

from goport import hotpath, resolve
from goport.extract import extract
from goport.model import ModuleFacts, SourceFile


def project(files: dict[str, str]) -> list[ModuleFacts]:
    out = []
    for rel, code in files.items():
        module = rel.removesuffix(".py").removesuffix("/__init__").replace("/", ".")
        source = SourceFile(rel, rel, module, is_test=rel.startswith("tests/"))
        out.append(extract(source, textwrap.dedent(code).encode()))
    return out


def share(est: hotpath.Estimate, name: str) -> float:
    return est.function_shares[name]


# a function of some size that does not loop: the same work whoever calls it
BODY = "\n".join(f"    v{i} = x + {i}" for i in range(6)) + "\n    return x\n"
METHOD_BODY = "".join(f"    {line}\n" for line in BODY.splitlines())  # the same, in a class


def test_a_helper_called_in_loops_from_three_modules_outweighs_one_called_once() -> None:
    callers = {
        f"app/user{i}.py": """
            from app.util import _helper, _once

            def run(items):
                _once(items)
                for item in items:
                    _helper(item)
            """
        for i in range(3)
    }
    est = hotpath.estimate(
        project({"app/util.py": f"def _helper(x):\n{BODY}\ndef _once(x):\n{BODY}", **callers})
    )
    assert share(est, "app.util:_helper") > 3 * share(est, "app.util:_once")
    assert est.frequencies["app.util:_helper"] == pytest.approx(3 * hotpath.LOOP_TRIPS)
    assert est.frequencies["app.util:_once"] == pytest.approx(3)  # private: no entry of its own
    assert sum(est.module_shares.values()) == pytest.approx(1.0)
    assert max(est.module_shares, key=est.module_shares.__getitem__) == "app.util"


def test_recursion_and_mutual_recursion_end_with_finite_shares() -> None:
    est = hotpath.estimate(
        project(
            {
                "app/tree.py": """
                    def walk(node):
                        for child in node:
                            walk(child)

                    def even(n):
                        return n == 0 or odd(n - 1)

                    def odd(n):
                        for _ in range(n):
                            even(n - 1)
                        return False

                    def _loop_a(x):
                        while x:
                            _loop_b(x)

                    def _loop_b(x):
                        while x:
                            _loop_a(x)
                    """,
                "app/main.py": """
                    from app.tree import walk, even, _loop_a

                    if __name__ == "__main__":
                        walk([])
                        even(3)
                        _loop_a(1)
                    """,
            }
        )
    )
    values = [*est.function_shares.values(), *est.frequencies.values()]
    assert all(math.isfinite(v) and v >= 0 for v in values)
    assert sum(est.function_shares.values()) == pytest.approx(1.0)
    # a cycle runs RECURSION_RUNS times per call from outside, in total
    cycle = est.frequencies["app.tree:_loop_a"] + est.frequencies["app.tree:_loop_b"]
    assert cycle == pytest.approx(hotpath.RECURSION_RUNS)
    assert est.frequencies["app.tree:walk"] == pytest.approx(2 * hotpath.RECURSION_RUNS)
    # a chain into a cycle comes from outside it
    assert est.chain("app.tree", "_loop_b") == (
        "app.main:<module>",
        "app.tree:_loop_a",
        "app.tree:_loop_b",
    )


def test_a_deep_chain_of_nested_loops_stays_finite() -> None:
    """Hostile input: 400 functions, each calling the next four times inside four nested
    loops (past MAX_CHAIN_LEVELS the loops stop multiplying, the four calls do not)."""
    loops = " for a in x:\n  for b in x:\n   for c in x:\n    for d in x:\n"
    calls = "".join("     f{}(x)\n" for _ in range(4))
    code = "".join(f"def f{i}(x):\n{loops}{calls.format(*[i + 1] * 4)}" for i in range(400))
    est = hotpath.estimate(project({"deep.py": code + "def f400(x):\n    return x\n"}))
    assert all(math.isfinite(v) for v in est.frequencies.values())
    assert max(est.frequencies.values()) == hotpath.FREQ_CAP
    assert sum(est.module_shares.values()) == pytest.approx(1.0)


def test_loop_levels_along_a_chain_count_up_to_the_cap() -> None:
    """A loop nest spread over helpers multiplies its trips up to MAX_CHAIN_LEVELS levels
    from the entry point, however long the chain: three loops in f0, three in f1, three in
    f2 put f3 at the cap, not 9 levels deep."""
    loops = " for a in x:\n  for b in x:\n   for c in x:\n"
    code = (
        f"def f0(x):\n{loops}    _f1(x)\n"
        f"def _f1(x):\n{loops}    _f2(x)\n"
        f"def _f2(x):\n{loops}    _f3(x)\n"
        "def _f3(x):\n    return x\n"
    )
    est = hotpath.estimate(project({"deep.py": code}))
    trips = hotpath.LOOP_TRIPS
    assert 6 <= hotpath.MAX_CHAIN_LEVELS < 9
    assert est.frequencies["deep:f0"] == pytest.approx(1.0)  # the public API: an entry point
    assert est.frequencies["deep:_f1"] == pytest.approx(trips**3)
    assert est.frequencies["deep:_f2"] == pytest.approx(trips**6)
    assert est.frequencies["deep:_f3"] == pytest.approx(trips**hotpath.MAX_CHAIN_LEVELS)
    assert est.chain("deep", "_f3") == ("deep:f0", "deep:_f1", "deep:_f2", "deep:_f3")


def _loops(n: int, indent: int = 1) -> str:
    """``n`` nested for loops, the first at ``indent`` spaces."""
    return "".join(f"{' ' * (indent + i)}for v{i} in x:\n" for i in range(n))


def test_a_capped_function_passes_on_capped_runs() -> None:
    """Past FREQ_CAP the runs are scaled down to it before they flow on: a call under an if
    from a capped function runs half the cap, not half of what overflowed."""
    loops = _loops(4)
    calls = "".join("     f{}(x)\n" for _ in range(4))
    code = "".join(f"def f{i}(x):\n{loops}{calls.format(*[i + 1] * 4)}" for i in range(400))
    code += "def f400(x):\n    if x:\n        _g(x)\ndef _g(x):\n    return x\n"
    est = hotpath.estimate(project({"deep.py": code}))
    assert est.frequencies["deep:f400"] == hotpath.FREQ_CAP
    assert est.frequencies["deep:_g"] == pytest.approx(hotpath.FREQ_CAP * hotpath.BRANCH_TAKEN)


def test_a_call_site_counts_its_own_loop_cap_within_the_chain() -> None:
    """A call five loops deep counts MAX_LOOP_LEVELS (4) levels of the chain, not five."""
    code = (
        f"def f0(x):\n{_loops(5)}      _f1(x)\n"
        f"def _f1(x):\n{_loops(3)}    _f2(x)\n"
        "def _f2(x):\n    return x\n"
    )
    est = hotpath.estimate(project({"deep.py": code}))
    trips = hotpath.LOOP_TRIPS
    assert est.frequencies["deep:_f1"] == pytest.approx(trips**4)
    assert est.frequencies["deep:_f2"] == pytest.approx(trips**6)  # 4 + 3 levels, capped at 6


def test_calls_by_method_name_keep_their_chain_level() -> None:
    """A call by method name passes through a dispatch node without adding a loop level."""
    code = (
        f"def f0(x, o):\n{_loops(3)}    o.meth(x)\n"
        f"class K:\n    def meth(self, x):\n{_loops(3, 8)}           _g(x)\n"
        "def _g(x):\n    return x\n"
    )
    est = hotpath.estimate(project({"deep.py": code}))
    trips = hotpath.LOOP_TRIPS
    # K.meth is public API too: 1 run of its own, whose 3 loops give _g 5**3
    expected = trips**3 + hotpath.NAME_DISPATCH * trips**6
    assert est.frequencies["deep:_g"] == pytest.approx(expected)


def test_recursion_keeps_the_chain_level_it_was_entered_at() -> None:
    """The extra runs of a recursive function stay at the level its callers reached."""
    code = (
        f"def f0(x):\n{_loops(4)}     _r(x)\n"
        f"def _r(x):\n    if x:\n        _r(x)\n{_loops(3, 4)}       _h(x)\n"
        "def _h(x):\n    return x\n"
    )
    est = hotpath.estimate(project({"deep.py": code}))
    trips = hotpath.LOOP_TRIPS
    assert est.frequencies["deep:_r"] == pytest.approx(trips**4 * hotpath.RECURSION_RUNS)
    assert est.frequencies["deep:_h"] == pytest.approx(trips**6 * hotpath.RECURSION_RUNS)


def test_a_hook_starts_its_chains_at_the_loop_levels_its_runs_stand_for() -> None:
    """An interpreter hook's HOOK_RUNS are the innermost loops' trips: what it calls from its
    own loops multiplies only up to MAX_CHAIN_LEVELS from there."""
    code = (
        "import sys\n"
        "def install():\n    sys.settrace(_trace)\n"
        f"def _trace(frame, event, arg):\n{_loops(3, 4)}       _h(x)\n    return _trace\n"
        "def _h(x):\n    return x\n"
    )
    est = hotpath.estimate(project({"hook.py": code}))
    levels = hotpath.MAX_CHAIN_LEVELS - hotpath.HOOK_LEVELS  # 2 of the 3 loops still multiply
    assert est.frequencies["hook:_trace"] == pytest.approx(hotpath.HOOK_RUNS)
    assert est.frequencies["hook:_h"] == pytest.approx(
        hotpath.HOOK_RUNS * hotpath.LOOP_TRIPS**levels
    )


def test_a_request_handler_starts_its_chains_one_loop_level_deep() -> None:
    """A request handler's SERVICE_RUNS are one loop's trips: its chains start one level deep,
    so of six loop levels below it five multiply. It is public API too: the service runs win."""
    code = (
        "from flask import Flask\napp = Flask(__name__)\n"
        f"@app.route('/items')\ndef items(x):\n{_loops(3)}    _f1(x)\n"
        f"def _f1(x):\n{_loops(3)}    _g(x)\n"
        "def _g(x):\n    return x\n"
    )
    est = hotpath.estimate(project({"svc.py": code}))
    trips = hotpath.LOOP_TRIPS
    assert est.entries["svc:items"] == hotpath.SERVICE_RUNS
    assert est.frequencies["svc:_f1"] == pytest.approx(hotpath.SERVICE_RUNS * trips**3)
    levels = hotpath.MAX_CHAIN_LEVELS - hotpath.SERVICE_LEVELS
    assert est.frequencies["svc:_g"] == pytest.approx(hotpath.SERVICE_RUNS * trips**levels)


def test_propagation_clamps_entry_runs_and_levels() -> None:
    """Entry runs outside [0, FREQ_CAP] (nan included) and levels outside [0, the cap] are
    held to their ranges: a level of -1 is level 0, not the last level by wrapping around."""
    from goport.frequencies import MAX_CHAIN_LEVELS, Graph, propagate

    calls: list[tuple[int, int, float]] = [(4, 1, 5.0)]
    graph = Graph(
        [math.nan, -1.0, 0.0, 1.0, 0.0],
        [0, 99, 0, -1, 0],
        [1.0] * 5,
        [[], [], [], calls, []],
        5.0,
    )
    freq, _ = propagate(graph)
    assert freq[:4] == [0.0, 0.0, 0.0, 1.0]
    assert MAX_CHAIN_LEVELS > 1
    assert freq[4] == pytest.approx(5.0)  # one level past level 0: no cap discount


def test_propagation_stays_finite_on_overflowing_input() -> None:
    """The propagation on its own: runs that overflow a float are held at FREQ_CAP."""
    from goport.frequencies import Graph, propagate

    cap = hotpath.FREQ_CAP

    def graph(entry: float, calls: list[tuple[int, int, float]]) -> Graph:
        return Graph([entry, 0.0], [0, 0], [1.0, 1.0], [calls, []], 5.0)

    split = graph(cap, [(1, 0, 1e108), (1, 1, 1e108)])
    one = graph(cap, [(1, 0, 1e109)])
    endless = graph(math.inf, [(1, 0, 1.0)])
    for each in (split, one, endless):
        freq, best = propagate(each)
        assert freq == [cap, cap]
        assert best == [-1, 0]


def test_chain_goes_back_to_the_entry_point() -> None:
    est = hotpath.estimate(
        project(
            {
                "app/__main__.py": """
                    from app.cli import main
                    main()
                    """,
                "app/cli.py": """
                    from app import engine

                    def main():
                        for job in range(3):
                            engine._step(job)
                    """,
                "app/engine.py": """
                    def _step(job):
                        for part in job:
                            _inner(part)

                    def _inner(part):
                        return part * 2
                    """,
            }
        )
    )
    assert est.chain("app.engine", "_inner") == (
        "app.__main__:<module>",
        "app.cli:main",
        "app.engine:_step",
        "app.engine:_inner",
    )
    assert est.entries["app.__main__:<module>"] == hotpath.IMPORT_RUNS
    estimate = est.module("app.engine")
    assert estimate is not None and estimate.rank == 1 and estimate.ranked == 3
    assert [f.qualname for f in estimate.functions] == ["_step", "_inner", "<module>"]
    assert estimate.functions[0].chain[-1] == "app.engine:_step"


def test_instantiation_inheritance_reexports_super_and_dunders() -> None:
    est = hotpath.estimate(
        project(
            {
                "lib/__init__.py": "from lib.rows import Row as Row\n",
                "lib/base.py": """
                    class _Base:
                        def __init__(self, values):
                            self.values = values

                        def _get(self, i):
                            return self.values[i]

                        def __add__(self, other):
                            return self
                    """,
                "lib/rows.py": """
                    from lib.base import _Base

                    class Row(_Base):
                        def __init__(self, values):
                            super().__init__(values)

                        def __getitem__(self, i):
                            return self._get(i)
                    """,
                "app/use.py": """
                    import lib

                    def _total(values):
                        row = lib.Row(values)
                        for i in range(3):
                            row[i]
                            row += row
                    """,
                "app/main.py": """
                    from app.use import _total
                    _total([1, 2, 3])
                    """,
            }
        )
    )
    f = est.frequencies
    assert f["lib.rows:Row.__init__"] == pytest.approx(1 + hotpath.EXPORTED_RUNS)
    assert f["lib.base:_Base.__init__"] == pytest.approx(f["lib.rows:Row.__init__"])
    trips = hotpath.LOOP_TRIPS
    assert f["lib.rows:Row.__getitem__"] == pytest.approx(trips + hotpath.API_RUNS)
    assert f["lib.base:_Base._get"] == pytest.approx(f["lib.rows:Row.__getitem__"])
    assert f["lib.base:_Base.__add__"] == pytest.approx(trips)  # __iadd__ falls back to it


def test_calls_by_method_name_split_between_the_projects_methods() -> None:
    est = hotpath.estimate(
        project(
            {
                "app/nodes.py": """
                    class _A:
                        def visit(self):
                            pass

                    class _B:
                        def visit(self):
                            pass

                    def _run(nodes):
                        for node in nodes:
                            node.visit()

                    _run([])
                    """,
            }
        )
    )
    each = hotpath.LOOP_TRIPS * hotpath.NAME_DISPATCH / 2
    assert est.frequencies["app.nodes:_A.visit"] == pytest.approx(each)
    assert est.frequencies["app.nodes:_B.visit"] == pytest.approx(each)
    assert est.chain("app.nodes", "_A.visit") == (
        "app.nodes:<module>",
        "app.nodes:_run",
        "app.nodes:_A.visit",
    )


def test_entry_points_services_api_and_memoized_functions() -> None:
    est = hotpath.estimate(
        project(
            {
                "svc/app.py": """
                    import functools
                    from flask import Flask
                    app = Flask(__name__)

                    @app.route("/items")
                    def items():
                        return _lookup(1)

                    @functools.lru_cache
                    def _lookup(key):
                        return key

                    def public():
                        pass

                    class Api:
                        def get(self):
                            pass

                        def _hidden(self):
                            pass
                    """,
                "svc/_private.py": "def helper():\n    pass\n",
            }
        )
    )
    assert est.entries["svc.app:items"] == hotpath.SERVICE_RUNS
    assert est.entries["svc.app:public"] == hotpath.API_RUNS
    assert est.entries["svc.app:Api.get"] == hotpath.API_RUNS
    assert "svc.app:Api._hidden" not in est.entries
    assert "svc._private:helper" not in est.entries
    assert est.frequencies["svc.app:_lookup"] == pytest.approx(
        hotpath.SERVICE_RUNS * hotpath.MEMOIZED_RUNS
    )


def test_tests_are_neither_counted_nor_entry_points() -> None:
    est = hotpath.estimate(
        project(
            {
                "app/core.py": "def _work(x):\n    for i in x:\n        pass\n",
                "tests/test_core.py": """
                    from app.core import _work

                    def test_work():
                        for _ in range(10):
                            _work([1])
                    """,
            }
        )
    )
    assert set(est.module_shares) == {"app.core"}
    assert est.frequencies["app.core:_work"] == 0.0
    assert est.module_shares["app.core"] == pytest.approx(1.0)  # its import is the only work


def test_an_empty_project() -> None:
    est = hotpath.estimate([])
    assert est.module_shares == {} and est.module("anything") is None


def test_the_estimate_does_not_import_libcst() -> None:
    """A warm scan never imports libcst; the estimate runs on every scan."""
    import subprocess
    import sys

    code = "import sys, goport.hotpath; assert 'libcst' not in sys.modules, 'libcst imported'"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_an_interpreter_hook_is_called_per_element_by_the_interpreter() -> None:
    tracer = f"""
        import sys

        class Tracer:
            def __init__(self):
                self.lines = {{}}
                self.hook = self._trace

            def _trace(self, frame, event, arg):
                key = (frame.f_code.co_filename, frame.f_lineno)
                self.lines[key] = self.lines.get(key, 0) + 1
                return self.hook

            def start(self):
                sys.settrace(self.hook)

        def report(x):
        {textwrap.indent(BODY, "    ")}
        """
    est = hotpath.estimate(project({"cov/tracer.py": tracer}))
    runs = hotpath.LOOP_TRIPS**hotpath.MAX_LOOP_LEVELS
    assert est.frequencies["cov.tracer:Tracer._trace"] >= runs
    # the interpreter is the caller: the hook counts as called per element, even from its module
    assert est.loop_calls_in["cov.tracer"] == pytest.approx(runs)
    assert share(est, "cov.tracer:Tracer._trace") > 10 * share(est, "cov.tracer:report")


def test_a_hook_runs_per_event_however_rarely_it_is_installed() -> None:
    tracer = """
        import sys

        class Tracer:
            def _trace(self, frame, event, arg):
                return self._trace

            def _start(self, debug):
                if debug:
                    if debug.tracing:  # installed on a path the estimate takes 1/4 of the time
                        sys.settrace(self._trace)
        """
    est = hotpath.estimate(project({"cov/tracer.py": tracer}))
    assert est.frequencies["cov.tracer:Tracer._start"] == 0  # private, nobody calls it
    assert est.frequencies["cov.tracer:Tracer._trace"] == pytest.approx(hotpath.HOOK_RUNS)
    assert hotpath.HOOK_RUNS == hotpath.LOOP_TRIPS**hotpath.MAX_LOOP_LEVELS
    # installed by code that runs: still HOOK_RUNS, not that plus the installer's share
    public = tracer.replace("def _start(", "def start(")
    est = hotpath.estimate(project({"cov/tracer.py": public}))
    assert est.frequencies["cov.tracer:Tracer.start"] == 1
    assert est.frequencies["cov.tracer:Tracer._trace"] == pytest.approx(hotpath.HOOK_RUNS)
    assert est.loop_calls_in["cov.tracer"] > 0  # the interpreter's calls, from outside


def test_a_module_level_alias_resolves_to_the_function_it_names() -> None:
    util = f"""
import os

def _mask_python(mask, data):
{BODY}
if os.environ.get("PLAIN"):
    mask = _mask_python
else:
    try:
        from ._native import mask
    except ImportError:
        mask = _mask_python

class Frame:
    handler = _mask_python  # a class attribute, not a module binding
"""
    frames = """
from app.util import mask

def read_frames(frames):
    for f in frames:
        mask(f, f)
"""
    facts = project({"app/util.py": util, "app/frames.py": frames})
    assert facts[0].aliases == (("mask", "app.util._mask_python"),)  # not Frame.handler
    est = hotpath.estimate(facts)
    assert est.frequencies["app.util:_mask_python"] == pytest.approx(hotpath.LOOP_TRIPS)


def test_a_name_bound_twice_resolves_to_the_binding_the_project_holds() -> None:
    """``try: from ._fast import f`` / ``except ImportError: from ._slow import f``: the first
    module is not in the tree (an optional dependency, a build product), so calls of ``f`` run
    the one that is; a binding to nothing the project holds credits nothing."""
    est = hotpath.estimate(
        project(
            {
                "pkg/codec.py": """
                    try:
                        from pkg._accel import decode
                    except ImportError:
                        from pkg._slow import decode
                    """,
                "pkg/_slow.py": f"def decode(x):\n{BODY}",
                "pkg/reader.py": """
                    from pkg.codec import decode

                    def read_all(chunks):
                        for chunk in chunks:
                            decode(chunk)
                    """,
            }
        )
    )
    assert est.frequencies["pkg._slow:decode"] >= hotpath.LOOP_TRIPS
    assert max(est.module_shares, key=est.module_shares.__getitem__) == "pkg._slow"


def test_a_call_through_a_value_reaches_the_functions_taken_as_values_that_fit_it() -> None:
    """A dispatch table (``HANDLERS[kind](record, out)``), a handler held in a local and a
    ``getattr(self, "_visit_" + kind)`` visitor: each call through a value runs one of the
    functions the project took as values and that accept as many positional arguments."""
    est = hotpath.estimate(
        project(
            {
                "app/handlers.py": "".join(
                    f"def {name}(record{args}):\n{BODY}"
                    for name, args in [
                        ("_on_text", ", out"),
                        ("_on_blob", ", out"),
                        ("_on_other", ""),
                        ("_never_taken", ", out"),
                    ]
                )
                + 'HANDLERS = {"text": _on_text, "blob": _on_blob, "other": _on_other}\n',
                "app/loop.py": """
                    from app.handlers import HANDLERS

                    def run(records, out):
                        for record in records:
                            handler = HANDLERS[record.kind]
                            handler(record, out)
                    """,
                "app/visit.py": """
                    class Walker:
                        def walk(self, nodes):
                            for node in nodes:
                                getattr(self, "_visit_" + node.kind)(node)

                        def _visit_leaf(self, node):
                            return node

                        def _visit_pair(self, node, extra, more):
                            return node
                    """,
            }
        )
    )
    each = hotpath.LOOP_TRIPS * hotpath.INDIRECT_DISPATCH / 2
    assert est.frequencies["app.handlers:_on_text"] == pytest.approx(each)
    assert est.frequencies["app.handlers:_on_blob"] == pytest.approx(each)
    assert est.frequencies["app.handlers:_never_taken"] == 0.0  # never taken as a value
    assert est.chain("app.handlers", "_on_text")[-2:] == ("app.loop:run", "app.handlers:_on_text")
    # bound by getattr: called with one argument besides self, as _on_other is
    walk = est.frequencies["app.visit:Walker.walk"]
    assert est.frequencies["app.visit:Walker._visit_leaf"] == pytest.approx(
        walk * hotpath.LOOP_TRIPS * hotpath.INDIRECT_DISPATCH / 2
    )
    assert est.frequencies["app.visit:Walker._visit_pair"] == 0.0
    # taken by the table, but with one argument it fits the visitor's call, not the table's
    assert est.frequencies["app.handlers:_on_other"] == pytest.approx(
        walk * hotpath.LOOP_TRIPS * hotpath.INDIRECT_DISPATCH / 2
    )


def test_taking_a_function_as_a_value_is_not_a_call() -> None:
    """Storing, passing or returning a function does not run it: without an indirect call
    nothing reaches it, and a local variable, a builtin or an attribute of a name the module
    never binds taken as a value is not a function (nor a call of a method by that name)."""
    facts = project(
        {
            "app/reg.py": f"def _handler(x):\n{BODY}"
            + textwrap.dedent(
                """
                def register(table):
                    table["x"] = _handler
                    table["y"] = len
                    table["z"] = plugins.on_load  # a name the module never binds
                    return [_handler, table]
                """
            ),
        }
    )
    est = hotpath.estimate(facts)
    assert est.frequencies["app.reg:_handler"] == 0.0
    kinds = {(s.target, s.kind.value) for fn in facts[0].functions for s in fn.call_sites}
    assert ("app.reg._handler", "ref") in kinds
    assert not any(target in ("app.reg.len", "app.reg.table", "len") for target, _ in kinds)
    assert not any("on_load" in target for target, _ in kinds)


def test_a_name_bound_twice_is_resolved_in_its_own_module_too() -> None:
    """The module that binds ``f`` twice calls it itself, from a function defined above the
    imports (the walk seeds its aliases with the first binding, ``_accel``): the call follows
    every binding, so it reaches the one the project holds."""
    est = hotpath.estimate(
        project(
            {
                "pkg/__init__.py": """
                    class Text(str):
                        def join(self, seq):
                            for item in seq:
                                self.escape(item)

                        @classmethod
                        def escape(cls, s):
                            return escape(s)

                    try:
                        from pkg._accel import escape
                    except ImportError:
                        from pkg._slow import escape
                    """,
                "pkg/_slow.py": f"def escape(s):\n{BODY}",
            }
        )
    )
    assert est.frequencies["pkg._slow:escape"] >= hotpath.LOOP_TRIPS
    assert est.module_shares["pkg._slow"] > est.module_shares["pkg"]


def test_a_parser_held_in_an_attribute_is_called_per_token() -> None:
    """``self.inline(text)`` per token, the inline parser held in an attribute the constructor
    types: the calls reach ``InlineParser.__call__`` and what it runs, inside the loop."""
    est = hotpath.estimate(
        project(
            {
                "md/inline.py": "class InlineParser:\n"
                "    def __call__(self, text):\n"
                "        return self.parse(text)\n\n"
                f"    def parse(self, x):\n{METHOD_BODY}",
                "md/blocks.py": f"class Headings:\n    def parse(self, x):\n{METHOD_BODY}",
                "md/markdown.py": """
                    from typing import Optional
                    from md.inline import InlineParser

                    class Markdown:
                        def __init__(self, inline: Optional[InlineParser] = None):
                            self.inline = inline or InlineParser()

                        def render(self, tokens):
                            for tok in tokens:
                                self.inline(tok)
                    """,
            }
        )
    )
    assert est.frequencies["md.inline:InlineParser.parse"] >= hotpath.LOOP_TRIPS
    assert est.module_shares["md.inline"] > 2 * est.module_shares["md.blocks"]


def test_a_method_on_what_a_project_function_returned_goes_by_name() -> None:
    """``p = make_parser(); p.feed(chunk)`` per chunk: the returned object's type is not known,
    so ``feed`` goes to the project's methods of that name (discounted), as on any receiver of
    unknown type, instead of nowhere; names of builtin methods (``p.append``) stay unmatched."""
    est = hotpath.estimate(
        project(
            {
                "app/parser.py": "class Parser:\n"
                f"    def feed(self, x):\n{METHOD_BODY}\n"
                f"    def append(self, x):\n{METHOD_BODY}\n"
                "def make_parser():\n    return Parser()\n",
                "app/main.py": """
                    from app.parser import make_parser

                    def run(chunks):
                        p = make_parser()
                        for chunk in chunks:
                            p.feed(chunk)
                            p.append(chunk)
                    """,
            }
        )
    )
    assert est.frequencies["app.parser:Parser.feed"] >= hotpath.LOOP_TRIPS * hotpath.NAME_DISPATCH
    assert est.frequencies["app.parser:Parser.append"] < 2


def test_a_method_on_what_an_annotated_function_returned_runs_the_annotated_class() -> None:
    """``def open_reader() -> Optional["Reader"]``: ``r = open_reader(); r.feed(x)`` runs
    ``Reader.feed`` in full, not every ``feed`` of the project."""
    est = hotpath.estimate(
        project(
            {
                "app/io.py": "from typing import Optional\n"
                "class Reader:\n"
                f"    def feed(self, x):\n{METHOD_BODY}\n"
                "class Writer:\n"
                f"    def feed(self, x):\n{METHOD_BODY}\n"
                'def open_reader() -> Optional["Reader"]:\n    return Reader()\n',
                "app/main.py": """
                    from app.io import open_reader

                    def run(chunks):
                        r = open_reader()
                        for chunk in chunks:
                            r.feed(chunk)
                    """,
            }
        )
    )
    assert est.frequencies["app.io:Reader.feed"] >= hotpath.LOOP_TRIPS
    assert est.frequencies["app.io:Writer.feed"] < 2


def test_a_scanning_while_runs_its_body_per_element_a_flag_loop_a_few_times() -> None:
    names = ("_per_token", "_per_round", "_per_step", "_per_job", "_per_blank", "_per_line")
    helpers = "".join(f"def {name}(x):\n{BODY}\n" for name in names)
    loops = """
def tokenize(src):
    pos = 0
    while pos < len(src):
        pos = _per_token(pos)
        while pos < len(src) and src[pos] == " ":  # goes on with the outer cursor
            pos = _per_blank(pos)

def lines(f):
    while (line := f.readline()):
        _per_line(line)

def drain(queue):
    while queue:
        _per_round(queue)

def step(reader):
    while not reader.at_end():
        _per_step(reader)

def serve(stop):
    while not stop.is_set():  # a worker's main loop: it waits between rounds
        _per_job(stop)
"""
    est = hotpath.estimate(project({"app/scan.py": helpers + loops}))
    runs = est.frequencies
    trips = hotpath.LOOP_TRIPS
    assert runs["app.scan:_per_token"] == pytest.approx(trips**2)
    assert runs["app.scan:_per_line"] == pytest.approx(trips**2)  # through the walrus
    assert runs["app.scan:_per_blank"] == pytest.approx(trips**3)
    assert runs["app.scan:_per_step"] == pytest.approx(trips**2)
    assert runs["app.scan:_per_round"] == pytest.approx(trips)
    assert runs["app.scan:_per_job"] == pytest.approx(trips)
    assert share(est, "app.scan:tokenize") > share(est, "app.scan:drain")


def test_the_right_of_and_or_and_a_filtered_element_run_half_the_time() -> None:
    names = ("_left", "_right", "_filter", "_element", "_either")
    helpers = "".join(f"def {name}(x):\n{BODY}\n" for name in names)
    code = """
def run(xs):
    ok = _left(xs) or _right(xs)
    ys = [_element(x) for x in xs if _filter(x)]
    return _either(ok) if ok else ys
"""
    runs = hotpath.estimate(project({"app/expr.py": helpers + code})).frequencies
    half = hotpath.BRANCH_TAKEN
    assert runs["app.expr:_left"] == pytest.approx(1)
    assert runs["app.expr:_right"] == pytest.approx(half)
    assert runs["app.expr:_filter"] == pytest.approx(hotpath.LOOP_TRIPS)
    assert runs["app.expr:_element"] == pytest.approx(hotpath.LOOP_TRIPS * half)
    assert runs["app.expr:_either"] == pytest.approx(half)


def test_a_loop_of_regular_expression_searches_costs_more_than_plain_calls() -> None:
    code = """
import re

TAG = re.compile(r"<[^>]*>")

def strip_tags(lines):
    out = []
    for line in lines:
        out.append(TAG.sub("", line))
    return out

def strip_blanks(lines):
    out = []
    for line in lines:
        out.append(line.strip(" "))
    return out
"""
    facts = project({"app/text.py": code})
    work = {f.qualname: hotpath.local_work(f.work) for f in facts[0].functions}
    # the same statements, calls and loop; the regex call adds its cost once per trip
    extra = hotpath.REGEX_COST * hotpath.LOOP_TRIPS
    assert work["strip_tags"] == pytest.approx(work["strip_blanks"] + extra)
    est = hotpath.estimate(facts)
    assert est.frequencies["app.text:strip_tags"] == est.frequencies["app.text:strip_blanks"]
    assert share(est, "app.text:strip_tags") > 1.5 * share(est, "app.text:strip_blanks")
    assert share(est, "app.text:strip_tags") == pytest.approx(
        share(est, "app.text:strip_blanks") * work["strip_tags"] / work["strip_blanks"]
    )


def test_an_except_handler_and_a_raise_run_rarely() -> None:
    code = f"""
def _recover(x):
{BODY}
def _check(x):
{BODY}
def _describe(x):
{BODY}
def read(chunks):
    for chunk in chunks:
        try:
            _check(chunk)
        except ValueError:
            _recover(chunk)
        if not chunk:
            raise EOFError(_describe(chunk))
"""
    est = hotpath.estimate(project({"app/io.py": code}))
    trips, taken = hotpath.LOOP_TRIPS, hotpath.BRANCH_TAKEN
    assert est.frequencies["app.io:_check"] == pytest.approx(trips)
    assert est.frequencies["app.io:_recover"] == pytest.approx(trips * taken**3)
    assert est.frequencies["app.io:_describe"] == pytest.approx(trips * taken**4)  # if + raise


def test_a_call_on_self_may_run_a_subclass_override() -> None:
    pens = f"""
class BasePen:
    def line_to(self, pt):
        self._line_to(pt)

    def _line_to(self, pt):
        raise NotImplementedError

class AreaPen(BasePen):
    def _line_to(self, pt):
{METHOD_BODY}
class BoundsPen(BasePen):
    def _line_to(self, pt):
{METHOD_BODY}
"""
    draw = """
from app.pens import AreaPen

def draw(points):
    pen = AreaPen()
    for pt in points:
        pen.line_to(pt)
"""
    outline = """
from app.pens import BasePen

def _outline(pen: BasePen, points):
    for pt in points:
        pen._line_to(pt)
"""
    est = hotpath.estimate(project({"app/pens.py": pens, "app/draw.py": draw, "app/o.py": outline}))
    runs = est.frequencies
    # line_to runs once as API and LOOP_TRIPS times from draw; its self._line_to call is split
    # between the base method and the two overrides
    calls = runs["app.pens:BasePen.line_to"]
    assert calls == pytest.approx(1 + hotpath.LOOP_TRIPS)
    for cls in ("BasePen", "AreaPen", "BoundsPen"):
        assert runs[f"app.pens:{cls}._line_to"] == pytest.approx(calls / 3)
    # draw's loop, and _outline's (0 runs: private, never called) through the override split
    assert est.loop_calls_in["app.pens"] == pytest.approx(2 * hotpath.LOOP_TRIPS)


def test_an_instance_the_function_built_runs_its_own_class_method_only() -> None:
    code = f"""
class Parser:
    def _parse(self, x):
{METHOD_BODY}
class _Strict(Parser):
    def _parse(self, x):
{METHOD_BODY}
def run(items):
    p = Parser()
    for i in items:
        p._parse(i)
"""
    est = hotpath.estimate(project({"app/p.py": code}))
    assert est.frequencies["app.p:Parser._parse"] == pytest.approx(hotpath.LOOP_TRIPS)
    assert est.frequencies["app.p:_Strict._parse"] == 0


def test_overrides_are_collected_up_to_a_cap() -> None:
    subclasses = "".join(
        f"class C{i}(Base):\n    def m(self):\n        return {i}\n" for i in range(100)
    )
    code = f"class Base:\n    def m(self):\n        return 0\n{subclasses}"
    facts = project({"app/h.py": code})
    _, index = hotpath._nodes(facts)
    found = resolve.Resolver(facts, index).overrides("app.h.Base", "m")
    assert len(found) == resolve.MAX_OVERRIDES


def test_a_module_level_name_for_an_instance_is_not_an_alias() -> None:
    code = f"""
class Registry:
    def register(self, x):
{METHOD_BODY}
_default = Registry()
registry = _default

def load(items):
    for i in items:
        registry.register(i)
"""
    facts = project({"app/reg.py": code})
    assert facts[0].aliases == ()
    est = hotpath.estimate(facts)
    # by method name, as on any receiver of unknown type, plus its own run as API
    by_name = hotpath.LOOP_TRIPS * hotpath.NAME_DISPATCH
    assert est.frequencies["app.reg:Registry.register"] == pytest.approx(1 + by_name)


def test_star_reexports_that_lead_nowhere_do_not_explode_a_lookup() -> None:
    # a package __init__ of ``from .x import *`` whose targets are no modules of the project:
    # each failed lookup under ``pkg`` used to try every star again at every hop, a name longer
    # each time (httpx's dozen stars: 12 ** 8 names, gigabytes); four stars make 4 ** 8
    stars = "".join(f"from .ghost{i} import *\n" for i in range(4))
    modules = project(
        {"pkg/__init__.py": stars, "pkg/use.py": "import pkg\n\ndef f():\n    return pkg.a.b.c()\n"}
    )
    resolver = resolve.Resolver(modules, {})
    assert resolver.symbol("pkg.a.b.c") is None
    assert len(resolver.memo) <= 8  # pkg.a.b.c, pkg.a.b, pkg.a: stars outside are not tried
    # and the whole estimate finishes
    assert hotpath.estimate(modules).function_shares


def test_one_lookup_tries_a_bounded_number_of_names(monkeypatch: pytest.MonkeyPatch) -> None:
    # a chain of re-exports longer than the budget resolves to nothing, having tried no more
    chain = {f"p{i}.py": f"from p{i + 1} import f\n" for i in range(6)}
    modules = project({**chain, "p6.py": "def f():\n    return 1\n"})
    index = {"p6.f": 0}
    assert resolve.Resolver(modules, index).symbol("p0.f") == ("function", "p6.f")
    monkeypatch.setattr(resolve, "MAX_LOOKUPS", 3)
    resolver = resolve.Resolver(modules, index)
    tried: list[str] = []
    original = resolver._symbol

    def counting(name: str, hops: int) -> tuple[str, str] | None:
        tried.append(name)
        return original(name, hops)

    monkeypatch.setattr(resolver, "_symbol", counting)
    assert resolver.symbol("p0.f") is None
    assert tried == ["p0.f", "p1.f", "p2.f"]
    # a lookup cut short keeps its own answer (asked again, it would search the same way) but
    # no "not found" for the names on its way (a lookup starting there has a fresh budget) ...
    assert resolver.memo == {"p0.f": None}
    # ... and the budget is per outermost lookup: the next one starts afresh
    assert resolver.symbol("p5.f") == ("function", "p6.f")


def test_a_lookup_cut_short_does_not_hide_what_a_later_one_finds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # top.f tries top, big and big's 7 stars, enters mid and its first two stars: 12 names;
    # mid.f, cut short there, must not be remembered as not found
    monkeypatch.setattr(resolve, "MAX_LOOKUPS", 12)
    files = {f"big{i}.py": "x = 1\n" for i in range(7)}
    files["big.py"] = "".join(f"from big{i} import *\n" for i in range(7))
    files.update({f"mid{i}.py": "y = 1\n" for i in range(2)})
    files["mid2.py"] = "def f():\n    return 1\n"
    files["mid.py"] = "".join(f"from mid{i} import *\n" for i in range(3))
    files["top.py"] = "from big import *\nfrom mid import *\n"
    modules = project(files)
    index = {"mid2.f": 0}
    resolver = resolve.Resolver(modules, index)
    assert resolver.symbol("top.f") is None  # the budget runs out among mid's stars
    assert resolver.symbol("mid.f") == ("function", "mid2.f")


def test_the_class_depth_cap_does_not_hide_a_method_found_from_nearer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(resolve, "MAX_BASE_DEPTH", 10)
    classes = "class C0:\n    def m(self):\n        return 1\n" + "".join(
        f"class C{i}(C{i - 1}):\n    pass\n" for i in range(1, 15)
    )
    resolver = resolve.Resolver(project({"gen.py": classes}), {"gen.C0.m": 0})
    assert resolver.method("gen.C14", "m") is None  # 14 classes up: beyond the cap
    assert resolver.method("gen.C8", "m") == 0


def test_a_generated_class_chain_deeper_than_the_stack_is_looked_up_to_a_bound() -> None:
    def chain(n: int) -> list[ModuleFacts]:
        classes = "class C0:\n    def m(self):\n        return 1\n" + "".join(
            f"class C{i}(C{i - 1}):\n    pass\n" for i in range(1, n)
        )
        use = f"def run(xs):\n    for x in xs:\n        C{n - 1}().m()\n"
        return project({"gen.py": classes + use})

    shallow = hotpath.estimate(chain(50))
    assert share(shallow, "gen:C0.m") > 0  # found 49 classes up
    deep = hotpath.estimate(chain(1500))  # used to raise RecursionError
    assert deep.function_shares["gen:run"] > 0
    resolver = resolve.Resolver(chain(1500), {"gen.C0.m": 0})
    assert resolver.method("gen.C1499", "m") is None  # beyond MAX_BASE_DEPTH
    assert resolver.method(f"gen.C{resolve.MAX_BASE_DEPTH - 1}", "m") == 0


def test_the_alias_hop_cap_does_not_hide_a_name_found_from_nearer() -> None:
    chain = {f"p{i}.py": f"from p{i + 1} import f\n" for i in range(10)}
    modules = project({**chain, "p10.py": "def f():\n    return 1\n"})
    resolver = resolve.Resolver(modules, {"p10.f": 0})
    assert resolver.symbol("p0.f") is None  # ten re-exports: beyond MAX_ALIAS_HOPS
    assert resolver.symbol("p8.f") == ("function", "p10.f")


def test_a_lookup_the_depth_cap_cuts_is_answered_once(monkeypatch: pytest.MonkeyPatch) -> None:
    # every module asks for the __init__ of a class deeper than the cap, each under its own name
    # (``m3.C29``, through its star import): the answer (not found) is final for that class, so
    # the walk up the chain is done once, not once per module
    monkeypatch.setattr(resolve, "MAX_BASE_DEPTH", 20)
    classes = "class C0:\n    pass\n" + "".join(
        f"class C{i}(C{i - 1}):\n    pass\n" for i in range(1, 30)
    )
    user = "from gen import *\n\ndef use(xs):\n    for x in xs:\n        C29()\n"
    modules = project({"gen.py": classes, **{f"m{i}.py": user for i in range(20)}})
    walked = 0
    original = resolve.Resolver.method

    def counting(self: resolve.Resolver, cls: str, name: str, depth: int = 0) -> int | None:
        nonlocal walked
        walked += 1
        return original(self, cls, name, depth)

    monkeypatch.setattr(resolve.Resolver, "method", counting)
    hotpath.estimate(modules)
    assert walked < 100  # one walk of 21 classes, not 20 of them


def test_a_name_met_again_inside_its_own_lookup_is_not_remembered_as_missing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # a star-imports b and c, b star-imports a: looking up a.h meets a.h again under b.h
    modules = project(
        {
            "a.py": "from b import *\nfrom c import *\n",
            "b.py": "from a import *\n",
            "c.py": "def h():\n    return 1\n",
        }
    )
    resolver = resolve.Resolver(modules, {"c.h": 0})
    tried: list[str] = []
    original = resolver._symbol

    def counting(name: str, hops: int) -> tuple[str, str] | None:
        tried.append(name)
        return original(name, hops)

    monkeypatch.setattr(resolver, "_symbol", counting)
    assert resolver.symbol("a.h") == ("function", "c.h")
    assert tried == ["a.h", "b.h", "c.h"]  # the cycle back to a.h is cut at once, not unrolled
    assert resolver.symbol("b.h") == ("function", "c.h")  # was None: the cycle's placeholder


def test_lookups_nested_through_attribute_bases_end_without_recursion_error() -> None:
    # ``class K1(K2.x)``: resolving each base starts a method lookup inside a name lookup; a
    # generated chain of 400 of them must degrade to "not found", not exhaust the stack
    classes = "".join(f"class K{i}(K{i + 1}.x):\n    pass\n" for i in range(400))
    classes += "class K400:\n    def x(self):\n        return 1\n"
    use = "def run(xs):\n    for x in xs:\n        K0().x()\n"
    est = hotpath.estimate(project({"gen.py": classes + use}))
    assert est.function_shares["gen:run"] > 0
