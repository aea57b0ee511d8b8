"""The static estimate's call graph where the callee is not named at the call: calls through a
parameter, class-body method aliases, template-method hooks; and its determinism."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from goport import hotpath
from goport.model import CallKind
from goport.resolve import Resolver
from tests.unit.test_hotpath import BODY, METHOD_BODY, project


def test_a_call_through_a_parameter_reaches_what_the_callers_pass() -> None:
    """``parse_list(parse_item, text)`` calls ``parse_item`` per element: it runs the functions
    parse_list's callers take as values (and pass it), not every function the project takes
    as a value, such as the unrelated handler in a dispatch table."""
    facts = project(
        {
            "app/headers.py": textwrap.dedent(
                """
                def parse_list(parse_item, text, merge=None):
                    out = []
                    for part in text.split(","):
                        out.append(parse_item(part))
                    return out

                def parse_tokens(text):
                    return parse_list(_token, text, merge=_pair)

                def parse_numbers(text):
                    return parse_list(_number, text)
                """
            )
            + f"def _token(x):\n{BODY}def _number(x):\n{BODY}def _on_close(x):\n{BODY}"
            + f"def _pair(x, y):\n{BODY}"
            + 'HANDLERS = {"close": _on_close}\n',
            "app/loop.py": """
                from app.headers import HANDLERS

                def dispatch(events):
                    for event in events:
                        handler = HANDLERS[event.kind]
                        handler(event)
                """,
        }
    )
    kinds = {s.kind for fn in facts[0].functions for s in fn.call_sites}
    assert CallKind.PARAM in kinds
    est = hotpath.estimate(facts)
    runs = est.frequencies
    # parse_list runs once per run of each caller (2 API runs) and once as API itself
    calls = runs["app.headers:parse_list"] * hotpath.LOOP_TRIPS * hotpath.PARAM_DISPATCH
    # dispatch's call through a local may run any function taken as a value with one parameter
    anywhere = hotpath.LOOP_TRIPS * hotpath.INDIRECT_DISPATCH / 3
    assert runs["app.headers:_token"] == pytest.approx(calls / 2 + anywhere)
    assert runs["app.headers:_number"] == pytest.approx(calls / 2 + anywhere)
    assert est.chain("app.headers", "_token")[-2:] == (
        "app.headers:parse_list",
        "app.headers:_token",
    )
    # the dispatch table's handler is reached from dispatch's loop only, not from parse_list
    assert runs["app.headers:_on_close"] == pytest.approx(anywhere)
    # passed too, but parse_item(part) passes one argument: _pair takes two
    assert runs["app.headers:_pair"] == 0.0


def test_a_call_through_a_parameter_no_caller_fills_reaches_any_taken_value() -> None:
    """With no caller in the project passing it a function (a library's callback parameter),
    a call through a parameter falls back to the functions the project takes as values."""
    est = hotpath.estimate(
        project(
            {
                "app/api.py": f"def each(callback, items):\n    for item in items:\n"
                f"        callback(item)\n\ndef _printer(x):\n{BODY}"
                "DEFAULT = _printer\n",
            }
        )
    )
    runs = est.frequencies
    assert runs["app.api:_printer"] == pytest.approx(
        runs["app.api:each"] * hotpath.LOOP_TRIPS * hotpath.INDIRECT_DISPATCH
    )


def test_a_class_body_alias_runs_the_method_it_names() -> None:
    """``_parse = _parse_plain`` and ``__radd__ = __add__`` in a class body: ``self._parse()``
    and ``1 + v`` run the named methods; the alias is also found by method name."""
    code = f"""
class Vec:
    def __add__(self, other):
{METHOD_BODY}
    __radd__ = __add__

    def _parse_plain(self, x):
{METHOD_BODY}
    _parse = _parse_plain

    def parse_all(self, items):
        for item in items:
            self._parse(item)

def total(v: Vec, items):
    for item in items:
        item._parse(v)

def shift(v: Vec, xs):
    return [x + v for x in xs]
"""
    est = hotpath.estimate(project({"app/vec.py": code}))
    runs = est.frequencies
    parse_all = runs["app.vec:Vec.parse_all"]
    by_name = runs["app.vec:total"] * hotpath.LOOP_TRIPS * hotpath.NAME_DISPATCH
    assert runs["app.vec:Vec._parse_plain"] == pytest.approx(
        parse_all * hotpath.LOOP_TRIPS + by_name
    )
    assert est.chain("app.vec", "Vec._parse_plain")[-2:] == (
        "app.vec:Vec.parse_all",
        "app.vec:Vec._parse_plain",
    )
    assert est.chain("app.vec", "Vec.__add__")[-2:] == ("app.vec:shift", "app.vec:Vec.__add__")


def test_a_subclass_alias_shadows_the_base_method() -> None:
    code = f"""
class Base:
    def run(self, items):
        for item in items:
            self.step(item)

    def step(self, x):
{METHOD_BODY}

class Fast(Base):
    def _quick(self, x):
{METHOD_BODY}
    step = _quick

def go(items):
    Fast().run(items)
"""
    facts = project({"app/k.py": code})
    _, index = hotpath._nodes(facts)
    resolver = Resolver(facts, index)
    assert resolver.method("app.k.Fast", "step") == index["app.k.Fast._quick"]
    assert resolver.method("app.k.Base", "step") == index["app.k.Base.step"]
    # Base.run's self.step() may run the base's step or the subclass's alias of _quick
    runs = hotpath.estimate(facts).frequencies
    assert runs["app.k:Fast._quick"] == pytest.approx(
        runs["app.k:Base.run"] * hotpath.LOOP_TRIPS / 2
    )


def test_an_override_of_a_method_its_base_calls_on_self_is_not_an_entry_point() -> None:
    """A parser combinator's ``parse_impl`` overrides, called through the base's
    ``self.parse_impl()``, have public names but are the base's protocol: their runs come
    through that call (so their chain leads back through it), while a public method the base
    never calls on self (``describe``) stays an entry point of the library's API."""
    code = f"""
class Element:
    def parse(self, text):
        for _ in text:
            self.parse_impl(text)

    def parse_impl(self, text):
{METHOD_BODY}
    def describe(self):
{METHOD_BODY}

class Group(Element):
    pass

class And(Group):
    def parse_impl(self, text):
{METHOD_BODY}
    def describe(self):
{METHOD_BODY}

class Or(And):
    def parse_impl(self, text):
{METHOD_BODY}
"""
    est = hotpath.estimate(project({"app/core.py": code}))
    assert "app.core:And.parse_impl" not in est.entries
    assert "app.core:Or.parse_impl" not in est.entries  # the hook is two classes up
    assert "app.core:Element.parse_impl" in est.entries  # the base's own method: its API
    assert "app.core:And.describe" in est.entries
    assert est.chain("app.core", "And.parse_impl")[-2:] == (
        "app.core:Element.parse",
        "app.core:And.parse_impl",
    )


def test_an_override_no_call_dispatches_to_stays_an_entry_point() -> None:
    """Only the overrides a call on ``self`` or a typed receiver may run lose their entry: not
    a sibling's (``A.show`` calls ``self.render()``, which can run A's or its subclasses' render,
    never B's), and not one reached by method name on an unknown receiver only."""
    code = f"""
class Base:
    def render(self):
{METHOD_BODY}
    def close(self):
{METHOD_BODY}

class A(Base):
    def show(self):
        self.render()

class B(Base):
    def render(self):
{METHOD_BODY}
    def close(self):
{METHOD_BODY}

def shutdown(things):
    for thing in things:
        thing.close()
"""
    est = hotpath.estimate(project({"app/s.py": code}))
    assert "app.s:B.render" in est.entries
    assert "app.s:B.close" in est.entries


_TIES = (
    "class Visitor:\n"
    "    def visit(self, node):\n"
    '        getattr(self, "visit_" + node.kind)(node)\n'
    + "".join(
        f"    def visit_{c}(self, node):\n        _helper(node)\n" for c in "abcdefghijklmnop"
    )
    + f"def _helper(x):\n{BODY}"
)


def test_the_estimate_does_not_depend_on_string_hashing(tmp_path: Path) -> None:
    """Sixteen visitor methods reached through one ``getattr`` dispatch each call ``_helper``
    equally often: its best caller is a tie, broken by the order of the graph, which must not
    come from hashing (PYTHONHASHSEED differs between runs)."""
    script = tmp_path / "estimate.py"
    script.write_text(
        textwrap.dedent(
            f"""
            import json
            from goport import hotpath
            from tests.unit.test_hotpath import project
            est = hotpath.estimate(project({{"app/v.py": {_TIES!r}}}))
            print(json.dumps([est.best_caller, est.frequencies], sort_keys=True))
            """
        )
    )
    root = Path(__file__).resolve().parents[2]
    outputs = set()
    for seed in ("1", "2", "3", "4"):
        path = os.pathsep.join([str(root / "src"), str(root), os.environ.get("PYTHONPATH", "")])
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": path}
        done = subprocess.run(
            [sys.executable, str(script)], capture_output=True, text=True, env=env, check=True
        )
        outputs.add(done.stdout)
    assert len(outputs) == 1
    best, _ = json.loads(outputs.pop())
    assert best["app.v:_helper"].startswith("app.v:Visitor.visit_")


def test_each_call_through_a_parameter_goes_by_its_own_arguments() -> None:
    """``apply(f, g, x)`` calls ``f(x)`` and ``g(x, x)``: each reaches the passed function
    that fits it; and where the callers pass none that fits, the call goes to any function the
    project takes as a value, as a call through a local does."""
    code = f"""
def apply(f, g, x):
    f(x)
    g(x, x)

def run(x):
    apply(_one, _two, x)

def solo(fn, x):
    fn(x)

def use(x):
    solo(_two, x)

def _one(a):
{BODY}
def _two(a, b):
{BODY}
def _three(a):
{BODY}
TABLE = [_three]
"""
    runs = hotpath.estimate(project({"app/a.py": code})).frequencies
    # solo's fn(x): the caller passes _two (two parameters); any taken one-parameter function
    anywhere = runs["app.a:solo"] * hotpath.INDIRECT_DISPATCH / 2  # _one or _three
    assert runs["app.a:_three"] == pytest.approx(anywhere)
    per_run = runs["app.a:apply"] * hotpath.PARAM_DISPATCH
    assert runs["app.a:_one"] == pytest.approx(per_run + anywhere)
    assert runs["app.a:_two"] == pytest.approx(per_run)


def test_a_parameter_passed_on_reaches_what_the_first_caller_passed() -> None:
    """``api -> outer(_cb, xs) -> inner(fn, xs) -> fn(x)``: outer passes its own parameter on,
    so inner's call may run what outer's callers pass as well as what outer takes itself."""
    code = f"""
_REG = []

def api(xs):
    outer(_cb, xs)

def outer(fn, xs):
    _REG.append(_cleanup)
    inner(fn, xs)

def inner(fn, xs):
    for x in xs:
        fn(x)

def _cb(x):
{BODY}
def _cleanup(x):
{BODY}
"""
    est = hotpath.estimate(project({"app/w.py": code}))
    runs = est.frequencies
    each = runs["app.w:inner"] * hotpath.LOOP_TRIPS * hotpath.PARAM_DISPATCH / 2
    assert runs["app.w:_cb"] == pytest.approx(each)
    assert runs["app.w:_cleanup"] == pytest.approx(each)
    assert est.chain("app.w", "_cb")[-2:] == ("app.w:inner", "app.w:_cb")


def test_a_parameter_the_body_assigns_anew_is_a_call_through_a_value() -> None:
    """``if key is None: key = _identity`` then ``key(item)``: the call may run the default the
    body put there, which no caller passes."""
    code = f"""
def each(items, key=None):
    if key is None:
        key = _identity
    for item in items:
        key(item)

def _identity(x):
{BODY}
"""
    facts = project({"app/e.py": code})
    kinds = {s.kind for fn in facts[0].functions for s in fn.call_sites if s.target == "1"}
    assert kinds == {CallKind.INDIRECT}
    runs = hotpath.estimate(facts).frequencies
    assert runs["app.e:_identity"] == pytest.approx(
        runs["app.e:each"] * hotpath.LOOP_TRIPS * hotpath.INDIRECT_DISPATCH
    )


def test_a_method_called_through_overrides_counts_its_caller_for_its_parameters() -> None:
    """``self.run(_cb, items)`` may run the base's run or the subclass's: both count the caller,
    so their calls through ``fn`` reach _cb, not every function taken as a value."""
    code = f"""
class Base:
    def go(self, items):
        self.run(_cb, items)

    def run(self, fn, items):
        for item in items:
            fn(item)

class Sub(Base):
    def run(self, fn, items):
        for item in items:
            fn(item)

def _cb(x):
{BODY}
def _other(x):
{BODY}
HANDLERS = [_other]
"""
    runs = hotpath.estimate(project({"app/o.py": code})).frequencies
    assert runs["app.o:_other"] == 0.0
    assert runs["app.o:_cb"] > 0.0


@pytest.mark.parametrize(
    "rebinding",
    [
        "key = key or _identity",  # in a method whose other sites go through self's fields
        "(key := key or _identity)",
        "with _identity() as key: pass",
        "try:\n            pass\n        except ValueError as key:\n            pass",
        "try:\n            pass\n        except* ValueError as key:\n            pass",
        "with _identity() as (key, other): pass",
        "key += _identity",
    ],
)
def test_every_way_of_binding_a_parameter_anew_makes_it_a_plain_value(rebinding: str) -> None:
    code = f"""
class Sink:
    def put(self, x):
        return x

class Pipe:
    def __init__(self):
        self.sink = Sink()

    def each(self, items, key=None):
        {rebinding}
        for item in items:
            self.sink.put(key(item))
"""
    facts = project({"app/p.py": code})
    each = next(fn for fn in facts[0].functions if fn.qualname == "Pipe.each")
    assert {s.kind for s in each.call_sites if s.target == "1"} == {CallKind.INDIRECT}


def test_only_a_call_that_may_run_a_callback_passes_a_parameter_on() -> None:
    """``mid`` hands its own ``fn`` to ``callable`` only (a builtin runs no callback it is
    given): api's value does not flow to inner, whose callback is the one mid passes."""
    code = f"""
def api(xs):
    mid(_unrelated, xs)

def mid(fn, xs):
    if callable(fn) and len(xs):
        inner(_cb, xs)

def inner(fn, xs):
    for x in xs:
        fn(x)

def _cb(x):
{BODY}
def _unrelated(x):
{BODY}
"""
    runs = hotpath.estimate(project({"app/m.py": code})).frequencies
    assert runs["app.m:_unrelated"] == 0.0
    assert runs["app.m:_cb"] == pytest.approx(
        runs["app.m:inner"] * hotpath.LOOP_TRIPS * hotpath.PARAM_DISPATCH
    )


def test_a_call_by_method_name_does_not_make_its_caller_pass_values() -> None:
    """``thread.run()`` on an unknown receiver may reach Runner.run by name, but the function
    making it passes no callback to it: what it takes (a sort key) stays out of run's pool."""
    code = f"""
class Runner:
    def run(self, fn, items):
        for item in items:
            fn(item)

def go(items):
    r = Runner()
    r.run(_cb, items)

def other(thread, rows):
    rows.sort(key=_key)
    thread.run()

def _cb(x):
{BODY}
def _key(x):
{BODY}
"""
    runs = hotpath.estimate(project({"app/r.py": code})).frequencies
    assert runs["app.r:_cb"] == pytest.approx(
        runs["app.r:Runner.run"] * hotpath.LOOP_TRIPS * hotpath.PARAM_DISPATCH
    )
