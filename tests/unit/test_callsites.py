"""Call sites and work shapes collected during the walk: targets, kinds, loop and branch depths."""

from __future__ import annotations

import sysconfig
import textwrap
from pathlib import Path

from goport.extract import extract
from goport.model import CallKind, CallSite, FunctionFacts, ModuleFacts, SourceFile


def facts_of(code: str, define: str = "") -> ModuleFacts:
    """Facts of ``pkg/mod.py``; ``define``: names to define as module-level functions after it
    (a call of a name the module never defines is a builtin's or a local variable's)."""
    code = textwrap.dedent(code)
    code += "".join(f"\ndef {name}(*args): pass\n" for name in define.split())
    return extract(SourceFile("pkg/mod.py", "pkg/mod.py", "pkg.mod"), code.encode())


def function(facts: ModuleFacts, qualname: str) -> FunctionFacts:
    return next(fn for fn in facts.functions if fn.qualname == qualname)


def sites(facts: ModuleFacts, qualname: str) -> set[tuple[str, int, CallKind]]:
    return {(s.target, s.loop_depth, s.kind) for s in function(facts, qualname).call_sites}


def targets(facts: ModuleFacts, qualname: str) -> set[str]:
    return {s.target for s in function(facts, qualname).call_sites}


C, M, D, S, A = CallKind.CALL, CallKind.METHOD, CallKind.DUNDER, CallKind.SUPER, CallKind.ATTR
I = CallKind.INDIRECT


def test_imported_names_resolve_through_aliases_and_relative_imports() -> None:
    facts = facts_of(
        """
        import numpy as np
        import os.path
        from pkg.util import helper as h
        from . import sibling
        from .. import top

        def f(x):
            np.dot(x, x)
            os.path.join("a", "b")
            h(x)
            sibling.run(x)
            top.sub.go()
        """
    )
    assert targets(facts, "f") == {
        "numpy.dot",
        "os.path.join",
        "pkg.util.helper",
        "pkg.sibling.run",
        "top.sub.go",
    }


def test_module_names_nested_defs_builtins_and_unknown_locals() -> None:
    facts = facts_of(
        """
        def outer(items, callback):
            def inner(y):
                return later(y)
            for item in items:
                inner(item)
            callback()          # a parameter: a call through a value, by its arity
            handler = callback.next
            handler(items)      # a local variable: a call through a value too
            print(len(items))   # builtins: dropped
            items.sort()        # a list method by name: dropped
            items.render()      # an unknown receiver: a call of .render() by name
            return Later.build()

        def later(z):
            return z

        class Later:
            @staticmethod
            def build():
                return 1
        """
    )
    assert sites(facts, "outer") == {
        ("pkg.mod.outer.<locals>.inner", 1, C),
        ("0@callback", 0, CallKind.PARAM),
        ("1", 0, I),
        ("render", 0, A),
        ("pkg.mod.Later.build", 0, C),
    }
    assert sites(facts, "outer.<locals>.inner") == {("pkg.mod.later", 0, C)}


def test_self_cls_super_and_instantiation() -> None:
    facts = facts_of(
        """
        from pkg.base import Base

        class Grid(Base):
            def __init__(self, n):
                super().__init__(n)
                self.reset()
                self.cells.clear_all()

            @classmethod
            def make(cls, n):
                cls.check(n)
                return cls(n)

            @staticmethod
            def helper(self):
                self.reset()

        def build():
            return Grid(3), Base()
        """
    )
    assert sites(facts, "Grid.__init__") == {
        ("pkg.mod.Grid.__init__", 0, S),
        ("pkg.mod.Grid.reset", 0, M),
        ("clear_all", 0, A),  # attribute access on self: matched by name only
    }
    assert sites(facts, "Grid.make") == {
        ("pkg.mod.Grid.check", 0, M),
        ("pkg.mod.Grid", 0, C),  # cls(...): instantiation
    }
    assert sites(facts, "Grid.helper") == {("reset", 0, A)}  # a static method has no self
    assert sites(facts, "build") == {("pkg.mod.Grid", 0, C), ("pkg.base.Base", 0, C)}


def test_dunder_protocols_on_locally_typed_names() -> None:
    facts = facts_of(
        """
        from typing import Optional
        from pkg.rows import Row

        def use(p: Row, q: Optional[Row], r: "Row", s: Row | None, n: int):
            x = Row()
            x[0]
            x[1] = 2
            del x[2]
            len(x)
            x + 1
            1 + p
            x == q
            r < 3
            3 in s
            hash(x)
            {}[x]
            with x:
                pass
            x()
            x += 1
            n + 1
            x = 5
            x[3]
        """
    )
    got = sites(facts, "use")
    row = "pkg.rows.Row"
    assert got == {
        (row, 0, C),
        (f"{row}.__getitem__", 0, D),
        (f"{row}.__setitem__", 0, D),
        (f"{row}.__delitem__", 0, D),
        (f"{row}.__len__", 0, D),
        (f"{row}.__add__", 0, D),
        (f"{row}.__radd__", 0, D),
        (f"{row}.__eq__", 0, D),
        (f"{row}.__lt__", 0, D),
        (f"{row}.__contains__", 0, D),
        (f"{row}.__hash__", 0, D),
        (f"{row}.__enter__", 0, D),
        (f"{row}.__exit__", 0, D),
        (f"{row}.__call__", 0, D),
        (f"{row}.__iadd__", 0, D),
    }
    # once x is rebound to a number, x[3] is not a Row's __getitem__ any more
    getitems = [s for s in function(facts, "use").call_sites if s.target.endswith("__getitem__")]
    assert [s.count for s in getitems] == [1]


def test_self_protocols_inside_the_class() -> None:
    facts = facts_of(
        """
        class Vec:
            def __getitem__(self, i):
                return i

            def total(self, other: "Vec"):
                return sum(self[i] for i in range(3)) + len(other)
        """
    )
    assert sites(facts, "Vec.total") == {
        ("pkg.mod.Vec.__getitem__", 1, D),
        ("pkg.mod.Vec.__len__", 0, D),
    }


def test_loop_depths_count_loops_and_comprehension_levels() -> None:
    facts = facts_of(
        """
        def f(grid, n):
            for row in first(grid):          # the iterable runs once
                a(row)
                while more(row):             # its test runs every round (a scan, but
                    b(row)
            else:
                c()
            d([e(x) for r in rows(grid) for x in cells(r) if keep(x)])
            g({k: h(v) for k, v in pairs()})
            for row in grid:
                def nested():
                    return z()
        """,
        define="first a more b c d rows cells keep e g pairs h z",
    )
    assert sites(facts, "f") == {
        ("pkg.mod.first", 0, C),
        ("pkg.mod.a", 1, C),
        ("pkg.mod.more", 2, C),  # inside a loop: one level, not SCAN_LEVELS)
        ("pkg.mod.b", 2, C),
        ("pkg.mod.c", 0, C),
        ("pkg.mod.d", 0, C),
        ("pkg.mod.rows", 0, C),
        ("pkg.mod.cells", 1, C),
        ("pkg.mod.keep", 2, C),
        ("pkg.mod.e", 2, C),
        ("pkg.mod.g", 0, C),
        ("pkg.mod.pairs", 0, C),
        ("pkg.mod.h", 1, C),
    }
    assert sites(facts, "f.<locals>.nested") == {("pkg.mod.z", 0, C)}  # a def resets the depth
    assert function(facts, "f").work.max_loop_depth == 2


def test_for_over_a_typed_name_runs_iter_once_and_next_per_round() -> None:
    facts = facts_of(
        """
        from pkg.rows import Row

        def f(rows: Row):
            for r in rows:
                pass
            return [x for x in rows]
        """
    )
    got = [
        (s.target.rsplit(".", 1)[1], s.loop_depth, s.count) for s in function(facts, "f").call_sites
    ]
    assert got == [("__iter__", 0, 2), ("__next__", 1, 2)]


def test_branch_depths() -> None:
    facts = facts_of(
        """
        def f(x):
            a()
            if x:
                b()
            elif x > 1:
                c()
            else:
                if x < 0:
                    d()
            try:
                e()
            except ValueError:
                g()
        """,
        define="a b c d e g",
    )
    got = {(s.target.rsplit(".", 1)[1], s.branch_depth) for s in function(facts, "f").call_sites}
    assert got == {
        ("a", 0),
        ("b", 1),
        ("c", 2),
        ("d", 3),
        ("e", 0),
        ("g", 3),
    }  # an except handler: EXCEPT_LEVELS


def test_branches_inside_expressions() -> None:
    # Wu & Larus's even split applies to expressions too: each operand of and/or past the first,
    # either value of a conditional expression, and a comprehension's parts past each filter
    facts = facts_of(
        """
        def f(xs):
            ok = a() or b() or c()
            ok = a2() or (b2() or c2())
            y = d() if ok else e()
            if ok and (g() or h()):
                k([m(x, y) for x in r() if n(x) for y in s(x) if p(y)], ok or q())
            return t(x for x in xs)
        """,
        define="a b c a2 b2 c2 d e g h k m n p q r s t",
    )
    got = {
        (s.target.rsplit(".", 1)[1], s.loop_depth, s.branch_depth)
        for s in function(facts, "f").call_sites
    }
    assert got == {
        ("a", 0, 0),
        ("b", 0, 1),
        ("c", 0, 2),  # runs only when neither a nor b decides, as if written a or (b or c)
        ("a2", 0, 0),
        ("b2", 0, 1),
        ("c2", 0, 2),
        ("d", 0, 1),
        ("e", 0, 1),
        ("g", 0, 1),
        ("h", 0, 2),
        # in the if's body (one level): the first iterable always runs, the rest past filters
        ("k", 0, 1),
        ("r", 0, 1),
        ("n", 1, 1),
        ("s", 1, 2),
        ("p", 2, 2),
        ("m", 2, 3),
        ("q", 0, 2),
        ("t", 0, 0),  # back at the function's level after all of them
    }


def test_identical_sites_are_counted_once() -> None:
    facts = facts_of(
        """
        def f():
            g()
            g()
            for _ in range(3):
                g()

        def g():
            pass
        """
    )
    assert function(facts, "f").call_sites == (
        CallSite("pkg.mod.g", 0, C, 0, 2),
        CallSite("pkg.mod.g", 1, C, 0, 1),
    )


def test_module_level_code_is_the_module_pseudo_function() -> None:
    facts = facts_of(
        """
        import sys

        def main():
            pass

        class Config:
            default = build()

        def build():
            return 1

        if __name__ == "__main__":
            for arg in sys.argv:
                main()
        """
    )
    got = {(s.target, s.loop_depth, s.branch_depth) for s in facts.module_call_sites}
    assert got == {("pkg.mod.build", 0, 0), ("pkg.mod.main", 1, 0)}  # the main block always runs
    # import, def, class, the class body's assignment, def, if, for, the call
    assert facts.module_work.statements == 8


def test_work_shape_counts() -> None:
    facts = facts_of(
        """
        def scan(text):
            i = 0
            out = []
            while i < len(text):
                c = text[i]
                if c == "<" and text[i + 1 : i + 2] != "/":
                    out.append(ord(c) << 2 | 1)
                i += 1
            return out

        def walk(node):
            total = node.value * 2
            for child in node.children:
                total += walk(child)
                for leaf in child:
                    total -= leaf
            return total

        class Tree:
            def depth(self):
                return 1 + max(self.depth() for _ in range(2))
        """
    )
    s = function(facts, "scan").work
    # the while scans text (its test compares): it counts two loop levels
    assert (s.statements, s.loop_statements, s.nested_loop_statements) == (8, 4, 4)
    # while test: < ; body: == and !=
    assert s.loop_compares == 3
    assert s.loop_subscripts == 2
    assert s.loop_bitops == 2  # << and |
    assert s.loop_arith == 3  # i + 1, i + 2, i += 1
    assert s.loop_calls == 3  # len, append, ord
    assert s.while_index_scan and not s.recursive and s.max_loop_depth == 2

    w = function(facts, "walk").work
    assert (w.statements, w.loop_statements, w.nested_loop_statements) == (6, 3, 1)
    assert w.recursive and not w.while_index_scan
    assert w.loop_arith == 2 and w.loop_calls == 1 and w.max_loop_depth == 2
    assert function(facts, "Tree.depth").work.recursive


def test_regular_expression_calls_in_loops_are_counted() -> None:
    facts = facts_of(
        """
        import operator
        import re
        from re import search
        from .patterns import TOKEN_RE

        WORD = re.compile(r"\\w+")

        def scan(lines, sep: re.Pattern):
            WORD.search(lines[0])  # outside the loop: a statement like any other
            pat = re.compile("x")
            for line in lines:
                m = WORD.match(line) or re.findall("x", line) or search("y", line)
                for w in WORD.finditer(line):
                    line.split(w.group())
                pat.sub("", line)
                sep.sub(" ", line)  # a parameter annotated as a pattern
                TOKEN_RE.fullmatch(line)
                LATER.search(line)

        def not_regex(items, root):
            for a, b in items:
                operator.sub(a, b)
                Parser.match(a)
                PARSER.match(b)
            for e in root:
                e.findall("item")  # ElementTree's, as likely as a pattern's

        def shadowed(lines, match):
            for line in lines:
                match.search(line)  # the parameter, not the module's function

        def match():
            pass

        class Parser:
            def match(self, kind):
                return kind

            def parse(self, kinds):
                for k in kinds:
                    self.match(k)

        PARSER = Parser()
        LATER = re.compile("y")

        for name in ["a"]:
            WORD.match(name)
            Parser.match(name)  # a class the module defined, even in module-level code
        """
    )
    work = function(facts, "scan").work
    # match, re.findall, search, finditer, pat.sub, sep.sub, TOKEN_RE, LATER; not split, group
    assert work.loop_regex == 8
    assert function(facts, "not_regex").work.loop_regex == 0
    assert function(facts, "Parser.parse").work.loop_regex == 0
    assert function(facts, "shadowed").work.loop_regex == 1
    assert facts.module_work.loop_regex == 1


def test_only_one_operator_makes_a_chain() -> None:
    facts = facts_of(
        """
        def f():
            x = a() and b() or c()  # c runs when either side decides
            y = (d() or e()) and g()
        """,
        define="a b c d e g",
    )
    got = {(s.target.rsplit(".", 1)[1], s.branch_depth) for s in function(facts, "f").call_sites}
    assert got == {("a", 0), ("b", 1), ("c", 1), ("d", 0), ("e", 1), ("g", 1)}


def test_while_without_a_stepped_index_is_not_a_scanner() -> None:
    facts = facts_of(
        """
        def drain(queue, table):
            i = 0
            while queue:
                item = queue.pop()
                table[i] = item
            for j in range(3):
                j += 1
        """
    )
    assert not function(facts, "drain").work.while_index_scan


def test_parameters_and_assigned_names_shadow_the_modules_functions() -> None:
    facts = facts_of(
        """
        def use(render, items):
            render()            # the parameter, not the module's render
            for parser in items:
                parser.feed()   # a loop variable: matched by name
            make = items.pop
            make(1)
        """,
        define="render parser make",
    )
    # the parameter and the local are values of unknown origin: calls through a value (the
    # parameter's, through what the callers may pass)
    assert sites(facts, "use") == {("feed", 1, A), ("0@render", 0, CallKind.PARAM), ("1", 0, I)}


H = CallKind.HOOK


def test_functions_passed_to_per_element_builtins_are_called_one_loop_deeper() -> None:
    facts = facts_of(
        """
        import re
        from functools import reduce
        import heapq as hq

        def run(rows, pattern):
            rows.sort(key=weight)
            top = hq.nlargest(3, rows, key=weight)
            total = reduce(add, map(double, filter(keep, rows)))
            for row in rows:
                text = re.sub("a", replace, row)
                text = pattern.sub(replace, text)
                best = max(row, key=lambda c: weight(c))
            local = weight
            return sorted(rows, key=local), sorted(rows, key=len), sorted(rows)
        """,
        define="weight add double keep replace",
    )
    got = sites(facts, "run")
    assert {
        ("pkg.mod.weight", 1, C),  # rows.sort(key=...) and heapq.nlargest(key=...)
        ("pkg.mod.add", 1, C),
        ("pkg.mod.double", 1, C),
        ("pkg.mod.keep", 1, C),
        ("pkg.mod.replace", 2, C),  # re.sub and a compiled pattern's .sub, inside the loop
    } <= got
    run = function(facts, "run")
    weight_once = [s for s in run.call_sites if s.target == "pkg.mod.weight" and s.loop_depth == 1]
    assert weight_once[0].count == 2  # rows.sort and heapq.nlargest
    # max(row, key=lambda c: weight(c)) inside the loop: the lambda's body runs per element
    assert ("pkg.mod.weight", 2, C) in got
    # a local variable and a builtin passed as the key say nothing about project code
    assert not any(s.target.endswith((".local", ".len")) for s in run.call_sites)


def test_interpreter_hooks_resolve_through_attributes_bound_to_methods() -> None:
    facts = facts_of(
        """
        import sys
        import threading

        class Tracer:
            def __init__(self):
                self.cached: object = self._trace
                self.plain = self._profile

            def _trace(self, frame, event, arg):
                return self.cached

            def _profile(self, frame, event, arg):
                pass

            def start(self):
                sys.settrace(self.cached)
                threading.setprofile(self.plain)
                sys.settrace(None)

        def install():
            sys.setprofile(on_event)
            sys.monitoring.register_callback(3, 1, on_event)
        """,
        define="on_event",
    )
    assert {("pkg.mod.Tracer._trace", 4, H), ("pkg.mod.Tracer._profile", 4, H)} <= sites(
        facts, "Tracer.start"
    )
    assert ("pkg.mod.on_event", 4, H) in sites(facts, "install")
    assert sum(s.count for s in function(facts, "install").call_sites if s.kind is H) == 2


def test_hook_levels_are_the_most_the_estimate_counts() -> None:
    from goport.callbacks import HOOK_LEVELS
    from goport.hotpath import MAX_LOOP_LEVELS

    assert HOOK_LEVELS == MAX_LOOP_LEVELS


def test_a_lambda_passed_to_be_called_back_runs_its_body_one_loop_deeper() -> None:
    facts = facts_of(
        """
        def run(rows):
            first = sorted(rows, key=lambda r: score(r))
            f = lambda r: score(r)
            second = [f(r) for r in rows]
            after = score(rows)
            return first, second, after
        """,
        define="score",
    )
    run = {(s.target, s.loop_depth): s.count for s in function(facts, "run").call_sites}
    # the key lambda per element; the assigned lambda where it is written; depth restored after
    assert run[("pkg.mod.score", 1)] == 1
    assert run[("pkg.mod.score", 0)] == 2


def test_callback_edge_cases_shadowing_defaults_stars_and_lookalikes() -> None:
    facts = facts_of(
        """
        import regex
        import sys

        def shadowed(xs, sorted):
            return sorted(xs, key=weight)

        def defaults(xs):
            return sorted(xs, key=lambda x, n=setup(): weight(x, n))

        def starred(args):
            return regex.sub(*args, repl, "s"), bus.sub(weight)

        def hooked(self):
            sys.settrace(lambda frame, event, arg: on_event(frame))
        """,
        define="weight setup repl on_event bus",
    )
    assert ("pkg.mod.weight", 1, C) not in sites(facts, "shadowed")  # a parameter named sorted
    got = sites(facts, "defaults")
    assert ("pkg.mod.setup", 0, C) in got  # a default runs once, where the lambda is made
    assert ("pkg.mod.weight", 1, C) in got  # the body runs per element
    # after *args positions are unknown; regex.sub is a module's function; bus.sub(f) is no pattern
    assert not any(s[1] for s in sites(facts, "starred"))
    assert ("pkg.mod.on_event", 4, H) in sites(facts, "hooked")  # a hook lambda's calls are HOOK


def test_functions_taken_as_values_and_calls_through_values() -> None:
    facts = facts_of(
        """
        from pkg import codecs

        class Parser:
            def __init__(self, rules):
                self.table = {name: getattr(self, f"parse_{name}") for name in rules}
                self.fallback = self.parse_text
                self.visit = getattr(self, "visit_" + rules[0])
                self.named = getattr(self, rules[1])     # no literal prefix: nothing
                self.codecs = [codecs.utf8, encode]

            def run(self, tokens, *rest):
                for token in tokens:
                    self.table[token.kind](token, self)
                    getattr(self, "visit_x")(*rest)
        """,
        define="encode",
    )
    assert sites(facts, "Parser.__init__") >= {
        ("parse_", 0, CallKind.REF_PREFIX),
        ("visit_", 0, CallKind.REF_PREFIX),
        ("pkg.mod.Parser.parse_text", 0, CallKind.REF_METHOD),
        ("pkg.codecs.utf8", 0, CallKind.REF),
        ("pkg.mod.encode", 0, CallKind.REF),
    }
    assert not any(
        kind is CallKind.REF_PREFIX and t not in ("parse_", "visit_")
        for t, _, kind in sites(facts, "Parser.__init__")
    )
    assert {(t, d) for t, d, k in sites(facts, "Parser.run") if k is I} == {("2", 1), ("*", 1)}


def test_regex_methods_on_unknown_receivers_are_not_project_methods() -> None:
    """``rx.match(text)`` on a pattern from a table is the standard library's; the project's
    own ``Matcher.match`` is reached through a typed receiver, not by the name alone."""
    facts = facts_of(
        """
        class Matcher:
            def match(self, text):
                return text

        def scan(table, text, matcher: Matcher):
            for rx, sub in table:
                if m := rx.match(text):
                    m.group(0)
                    rx.finditer(text)
            matcher.match(text)
            table.start()
        """
    )
    assert sites(facts, "scan") == {("pkg.mod.Matcher.match", 0, M), ("start", 0, A)}


def test_attributes_of_self_are_typed_by_what_the_class_assigns_them() -> None:
    """``self.block.parse()`` and ``self.inline(text)`` run methods of the attribute's type,
    which an assignment in the class gives (an annotation, an instantiation, a typed parameter,
    ``param or Class()``, a class-level annotation); an attribute assigned two types, or none,
    keeps the call by name."""
    facts = facts_of(
        """
        from typing import Optional
        from pkg.blocks import BlockParser
        from pkg.inline import InlineParser

        class Renderer:
            pass

        class Markdown:
            cache: "Renderer"

            def __init__(self, block: Optional[BlockParser] = None, inline=None, out=None):
                self.block: BlockParser = block or BlockParser()
                self.inline = inline or InlineParser()
                self.out = out
                self.either = Renderer()
                self.plain = []

            def swap(self):
                self.either = BlockParser()

            def run(self, tokens):
                self.block.parse(tokens)
                for tok in tokens:
                    self.inline(tok)
                    self.cache.render(tok)
                self.either.render(tokens)
                self.out.write(tokens)
                self.plain.append(tokens)
                self.helper()

            def helper(self):
                pass
        """
    )
    assert sites(facts, "Markdown.run") == {
        ("pkg.blocks.BlockParser.parse", 0, M),
        ("pkg.inline.InlineParser.__call__", 1, D),
        ("pkg.mod.Renderer.render", 1, M),  # the class-level annotation
        ("render", 0, A),  # Renderer, then BlockParser: by name
        ("write", 0, A),  # an untyped parameter: by name
        ("pkg.mod.Markdown.helper", 0, M),  # a method stays a method
    }


def test_protocols_on_typed_attributes_of_self() -> None:
    """``self.rows[i]``, ``len(self.rows)``, ``for r in self.rows``, ``x in self.rows`` run the
    protocol methods of the attribute's type; on an attribute of no known type they run
    nothing of the project (a list, a dict)."""
    facts = facts_of(
        """
        class Table:
            pass

        class Report:
            def __init__(self):
                self.rows = Table()
                self.seen = set()

            def run(self, keys):
                n = len(self.rows)
                for row in self.rows:
                    if row in self.rows and row in self.seen:
                        self.rows[row] = self.seen[row]
        """
    )
    called = {site for site in sites(facts, "Report.run") if site[2] is not CallKind.REF_METHOD}
    assert called == {
        ("pkg.mod.Table.__len__", 0, D),
        ("pkg.mod.Table.__iter__", 0, D),
        ("pkg.mod.Table.__next__", 1, D),
        ("pkg.mod.Table.__contains__", 1, D),
        ("pkg.mod.Table.__setitem__", 1, D),
    }


def test_a_subclass_uses_the_attribute_types_its_base_class_gave() -> None:
    facts = facts_of(
        """
        from pkg.blocks import BlockParser

        class Base:
            def __init__(self):
                self.block = BlockParser()

        class Child(Base):
            def run(self, state):
                self.block.parse(state)

        class Loop(Loop):
            def run(self, state):
                self.block.parse(state)
        """
    )
    assert sites(facts, "Child.run") == {("pkg.blocks.BlockParser.parse", 0, M)}
    assert sites(facts, "Loop.run") == {("parse", 0, A)}  # a cycle of bases: by name


def test_the_search_of_base_classes_for_an_attribute_type_is_bounded() -> None:
    """A generated chain of classes must not cost a walk up the whole chain per call site: the
    type is looked for in the class and its nearest bases only, then the call goes by name."""
    from goport.callfields import MAX_BASES_SEARCHED

    depth = MAX_BASES_SEARCHED + 4
    chain = "".join(f"class C{i}(C{i - 1}):\n    pass\n" for i in range(1, depth))
    code = (
        "from pkg.blocks import BlockParser\n"
        "class C0:\n    def __init__(self):\n        self.block = BlockParser()\n"
        + chain
        + f"class Near(C{MAX_BASES_SEARCHED - 2}):\n    def run(self, s):\n        self.block.parse(s)\n"
        + f"class Far(C{depth - 1}):\n    def run(self, s):\n        self.block.parse(s)\n"
    )
    facts = extract(SourceFile("pkg/mod.py", "pkg/mod.py", "pkg.mod"), code.encode())
    assert sites(facts, "Near.run") == {("pkg.blocks.BlockParser.parse", 0, M)}
    assert sites(facts, "Far.run") == {("parse", 0, A)}


def test_module_level_instances_are_typed_in_the_functions_that_use_them() -> None:
    """``_parser = Parser()`` at module level: ``_parser.parse(s)`` in a function runs
    ``Parser.parse`` and ``_parser(s)`` ``Parser.__call__``; a local of the same name shadows it,
    and a module-level name of no known type stays a call by name."""
    facts = facts_of(
        """
        from pkg.blocks import BlockParser

        def loads(s):
            for line in s:
                _parser.parse(line)
            _parser(s)
            _other.parse(s)

        def shadowed(_parser):
            _parser.parse(1)

        _parser = BlockParser()
        _other = None
        """
    )
    assert sites(facts, "loads") == {
        ("pkg.blocks.BlockParser.parse", 1, M),
        ("pkg.blocks.BlockParser.__call__", 0, D),
        ("parse", 0, A),
    }
    assert sites(facts, "shadowed") == {("parse", 0, A)}


def test_operators_that_build_text_or_run_on_import_are_counted_apart() -> None:
    facts = facts_of(
        """
        def heading(level, text):
            return "<h" + str(level) + ">" + text + "</h%d>" % level

        def rule(width):
            return "-" * width + f"{width}" + ("=" + "")

        def page(items):
            out = ""
            for item in items:
                out += "<li>" + item
                out += item
                out *= 2
            return out

        def mix(a, b):
            if not a and b:
                return -a * b + (a - b) % 7 < a
            return a + b

        def more(a: int | None = 1 + 1, *, b: str = "x" + "y") -> int | None:
            return b"\\0" * a + (b + (a + "x")) + len("a" + b) * 2 + ("%s %s" % (a, b))

        FLAGS = 1 << 3 | 1 << 4
        LABEL = "v" + "1"
        SUPPORTED = FLAGS > 2 and FLAGS < 9 and FLAGS != 5 or 0 < FLAGS <= 3
        OPS = {"+": lambda a, b: a + b, "-": lambda a, b: a - b if a > b else -a}

        class Behaviour:
            new_syntax = (3, 10) <= VERSION
            def check(self, v=1 + 1):
                return v > 2
        """
    )
    metrics = facts.metrics
    # heading: four + and one %; rule: *, + f"", "=" + "" and the + of the two; page:
    # += "<li>" + item (the += and the +), not out += item nor out *= 2, which may be numbers;
    # more: b"\\0" * a, a + "x" and b + (...), "a" + b (not its * 2: len() is a number), the %,
    # and the three + that join the parts; LABEL: text, though outside any function
    assert metrics.text_operators == 5 + 4 + 2 + 8 + 1
    # run once on import: FLAGS' <<, | and <<; SUPPORTED's one "and" chain, its "or", the
    # comparisons >, <, != and the two links of 0 < FLAGS <= 3; the class body's <=. Not a
    # lambda's body (it runs per call), nor a default's + or an annotation's | (radon counts a
    # def's body only), nor a method's operators
    assert metrics.import_operators == 3 + 7 + 1
    # mix: not, and, unary -, *, +, -, %, <, +: nine; page's out += item and out *= 2; more's
    # len(...) * 2; the lambdas' +, -, > and unary -; check's >
    assert (
        metrics.operators == metrics.text_operators + metrics.import_operators + 9 + 2 + 1 + 4 + 1
    )
    work = function(facts, "page").work
    assert work.loop_arith == 2  # out += item and out *= 2: text building is not arithmetic


def test_operators_are_the_ones_radon_counts() -> None:
    """The shares the density leaves out are shares of radon's Halstead operator count (N1)."""
    from radon.metrics import h_visit

    stdlib = Path(sysconfig.get_paths()["stdlib"])
    here = Path(__file__).resolve().parents[2] / "src" / "goport"
    files = [stdlib / name for name in ("argparse.py", "textwrap.py", "json/decoder.py")]
    files += [here / "callsites.py", here / "scoring" / "factors.py"]
    for path in files:
        code = path.read_text(encoding="utf-8")
        facts = extract(SourceFile(path.name, path.name, "m"), code.encode())
        assert facts.metrics.operators == h_visit(code).total.N1, path
