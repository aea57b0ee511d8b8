"""Module constants that are data (goport.walk.data), the lines that run on import, and the
importers that use only a module's constants (goport.graph)."""

from __future__ import annotations

import textwrap

import libcst as cst
import pytest

from goport.extract import extract
from goport.graph import build
from goport.model import ModuleFacts, SourceFile
from goport.walk.data import is_data


def facts(
    code: str, rel: str = "pkg/mod.py", module: str = "pkg.mod", is_test: bool = False
) -> ModuleFacts:
    return extract(SourceFile(rel, rel, module, is_test), textwrap.dedent(code).encode())


@pytest.mark.parametrize(
    "expr",
    [
        "'text'",
        "-1.5",
        "1 << 3",
        "None",
        "('a', b'b', 3j, f'{1}')",
        "{'Basic Latin': range(0, 128), 'Greek': [range(880, 1024)]}",
        "frozenset({'a', 'b'})",
        "int(10e6)",
        "len(KNOWN)",
        "{'k': KNOWN}",
    ],
)
def test_literal_values_are_data(expr: str) -> None:
    assert is_data(cst.parse_expression(expr), {"KNOWN"})


@pytest.mark.parametrize(
    "expr",
    [
        "{'add': do_add}",  # a dispatch table of functions is code
        "[handler]",
        "re.compile('x+')",  # what a call built: its importers use it
        "Parser()",
        "frozenset(make())",
        "{**BASE, 'k': 1}",
        "[x for x in 'abc']",
        "{'json': JsonCodec()}",
        "lambda: 1",
        "len(UNKNOWN)",
    ],
)
def test_values_that_run_or_hold_code_are_not_data(expr: str) -> None:
    assert not is_data(cst.parse_expression(expr), {"KNOWN"})


def test_a_deeply_nested_generated_table_is_data_without_recursion() -> None:
    node: cst.BaseExpression = cst.Integer("1")
    for _ in range(5000):  # deeper than the default recursion limit
        node = cst.List([cst.Element(node)])
    assert is_data(node)
    assert not is_data(cst.List([cst.Element(node), cst.Element(cst.Name("handler"))]))


def test_data_names_are_module_constants_bound_to_data_only() -> None:
    f = facts(
        """
        import re
        from pkg.other import helper

        LIMIT = 10
        TABLE: dict = {'a': 1, 'b': LIMIT}
        SIZE = len(TABLE)
        PATTERN = re.compile('a+')
        HANDLERS = {'h': helper}
        REBOUND = 1
        REBOUND = helper()
        shadowed = 1

        def shadowed():
            pass

        class Box:
            INNER = 3

        def f():
            local = 4
            return local
        """
    )
    assert f.inert_names == ("LIMIT", "SIZE", "TABLE")


def test_names_filled_rebound_or_unpacked_are_no_data() -> None:
    f = facts(
        """
        from pkg.ops import make_parser

        DISPATCH = {}
        OPS = []
        EXTRA = [1]
        PARSER = None
        A = 1
        TABLE = {'x': 1}
        NAMES = ('a',)
        WIDTH: int
        SEEN = set()


        def add(x, y):
            return x + y


        DISPATCH["add"] = add
        OPS.append(add)
        EXTRA += [add]
        A, B = add, make_parser


        def init():
            global PARSER
            PARSER = make_parser()


        def remember(x):
            SEEN.add(x)
        """
    )
    # each of DISPATCH, OPS, EXTRA, PARSER, A, SEEN is filled or rebound; WIDTH has no value
    assert f.inert_names == ("NAMES", "TABLE")


def test_a_name_bound_to_data_after_code_is_no_data() -> None:
    f = facts("from pkg.x import make\nX = make()\nX = 1\nY = 1\nY = make()\nZ = [X, Y]\n")
    assert f.inert_names == ()


def test_aliases_of_values_that_cannot_change_stay_data() -> None:
    f = facts(
        """
        VERSION = '1.2'
        __version__ = VERSION
        DEFAULT = 10
        LIMIT: int = DEFAULT
        A = B = None
        T = (1, 2)
        for i in range(2):
            ROW = T
        ITEMS = [1]
        MORE = ITEMS  # a list: filled through either name
        ZEROS = [0] * 4
        SAME = ZEROS
        """
    )
    assert f.inert_names == ("A", "B", "DEFAULT", "LIMIT", "ROW", "T", "VERSION", "__version__")


def test_class_bases_are_read_through_imports_and_local_classes() -> None:
    f = facts(
        """
        import enum
        import plugins
        from enum import Enum as E
        from errors import Error as Failure

        try:
            from enum import StrEnum
        except ImportError:

            class StrEnum(str, enum.Enum):
                def __str__(self):
                    return self.value


        class Kind(E):
            A = 1


        class ParseError(Failure):
            pass


        class Color(StrEnum):  # the import wins over the fallback defined here
            RED = 'red'


        class Base(ValueError):
            pass


        class Handler(plugins.Base):  # another module's Base, not this one
            def run(self):
                return 1


        class Flag:
            def parse(self):
                return 1


        class Shade(enum.Flag):  # enum's Flag, not the class above
            DARK = 1


        class Enum:
            def describe(self):
                return 1


        class Level(Enum):  # this module's Enum, which has methods
            LOW = 1


        def later():
            from enum import Enum  # a function's import binds no top-level name


        class Outer(Exception):
            pass


        class Helper(Outer.Helper):  # a name inside Outer, not Outer itself
            pass
        """
    )
    assert f.inert_names == ("Base", "Color", "Kind", "Outer", "ParseError", "Shade")


def test_plain_enumerations_are_inert_names() -> None:
    f = facts(
        """
        import enum


        class Kind(enum.IntEnum):
            A = 1


        class Mode(Kind):
            B = 2


        class Access(enum.Enum):
            READ = 1

            def readable(self):
                return self is Access.READ


        class BaseFlagged(enum.Flag):
            def describe(self):
                return self.name


        class Color(BaseFlagged):  # a base the module defines counts as what it is
            RED = 1


        class Signal(RedFlag):  # no enumeration base: a name ending in Flag is not one
            pass


        class Stop(SystemExit):
            pass


        class Halt(KeyboardInterrupt):
            pass


        class Metric(LocalError):  # LocalError below is code, whatever its name
            pass


        class LocalError:
            def update(self, value):
                return value
        """
    )
    assert f.inert_names == ("Halt", "Kind", "Mode", "Stop")


def test_exception_classes_are_inert_names() -> None:
    f = facts(
        """
        import errors


        class Base(Exception):
            pass


        class ParseError(Base):
            def __init__(self, msg, pos):
                super().__init__(msg)
                self.pos = pos


        class Timeout(errors.TransportError, ValueError):
            pass


        class Mark:
            def __init__(self, line):
                self.line = line


        class Collector:  # collects errors, raises none
            def add(self, error: Exception) -> None:
                pass


        class Checker(Mark):
            pass
        """
    )
    assert f.inert_names == ("Base", "ParseError", "Timeout")


def test_import_lines_leave_out_comments_loops_and_the_main_guard() -> None:
    f = facts(
        """
        TABLE = {
            # Latin
            'a': 1,

            # Greek
            'b': 2,
        }
        for key in list(TABLE):
            TABLE[key.upper()] = TABLE[key]


        def f(x):
            y = x + 1
            return y


        if __name__ == "__main__":
            import sys
            print(f(len(sys.argv)))
        """
    )
    # the table's four lines of code only; the loop's body repeats, the guard is the program
    assert f.metrics.import_lines == 4
    assert f.metrics.sloc == 12


@pytest.mark.parametrize(
    ("code", "lines"),
    [
        # after the guard, the top level runs on import again
        ('if __name__ == "__main__":\n    main()\nX = 1\n', 1),
        # the guard's else and elif run on import
        ('if __name__ == "__main__":\n    main()\nelse:\n    X = 1\n    Y = 2\n', 2),
        ('if __name__ == "__main__":\n    main()\nelif FAST:\n    X = 1\n', 1),
        # != is no guard: its body runs on import
        ('if __name__ != "__main__":\n    X = 1\n', 1),
    ],
)
def test_the_main_guard_body_alone_is_the_program(code: str, lines: int) -> None:
    assert facts(code).metrics.import_lines == lines


def test_a_not_equal_test_is_no_main_guard() -> None:
    assert not facts('if __name__ != "__main__":\n    X = 1\n').has_main_guard
    assert facts('if "__main__" == __name__:\n    main()\n').has_main_guard


def test_names_sharing_or_filled_through_calls_are_no_data() -> None:
    f = facts(
        """
        HANDLERS = OPS = []
        TABLE = {'a': []}
        ALL = TABLE
        SLOTS = {'a': []}
        A, (B, *C) = 1, (2, 3)
        D = 4
        E: dict = {}
        KEPT = (1, 2)


        def add(x):
            return x


        OPS.append(add)
        SLOTS.get('a').append(add)
        E['k']: int = 1
        B2 = 2
        A2, (B2, C2) = 1, (2, 3)
        DEBUG = False
        DEFAULT = None
        """
    )
    # TABLE is filled through ALL as well as ALL through TABLE; B2 rebound by unpacking
    assert f.inert_names == ("D", "DEBUG", "DEFAULT", "KEPT")


def test_import_lines_count_module_level_simple_statements_once() -> None:
    f = facts(
        '''
        """Docstring,
        two lines."""
        import os; import sys
        TABLE = {
            "a": 1,
            "b": 2,
        }

        class Spec:
            PATTERN = (
                "x"
            )

            def run(self):
                value = {
                    "c": 3,
                }
                return value
        '''
    )
    # the docstring (2), the imports' line (1, not 2), the table (4); not the class body's
    # pattern, which configures what its methods do, nor anything in a function
    assert f.metrics.import_lines == 7
    assert f.metrics.sloc == 16


def test_importers_that_use_only_constants_are_counted_apart() -> None:
    table = facts(
        """
        TABLE = {'a': 1}
        LIMIT = 3
        PATTERN = __import__('re').compile('a')

        class LookupFailed(KeyError):
            pass

        def lookup(key):
            return TABLE[key]
        """,
        "pkg/table.py",
        "pkg.table",
    )
    users = [
        facts("from pkg.table import TABLE, LookupFailed\n", "pkg/a.py", "pkg.a"),
        facts("from pkg import table\nX = table.LIMIT\n", "pkg/b.py", "pkg.b"),
        facts("from pkg.table import TABLE, lookup\n", "pkg/c.py", "pkg.c"),
        facts("from pkg.table import PATTERN\n", "pkg/d.py", "pkg.d"),
        facts("import pkg.table\n", "pkg/e.py", "pkg.e"),  # no name seen: may use code
        # pkg.table.lookup() after ``import pkg.table`` is out of sight: a caller, whatever else
        facts("import pkg.table\nfrom pkg.table import TABLE\n", "pkg/f.py", "pkg.f"),
        facts("from pkg.table import *\n", "pkg/g.py", "pkg.g"),
        # a star import's names are out of sight, whatever else it names
        facts("from pkg.table import *\nfrom pkg.table import LIMIT\n", "pkg/h.py", "pkg.h"),
        facts("from pkg.table import LIMIT\n", "tests/test_t.py", "test_t", is_test=True),
    ]
    boundary = build([table, *users]).boundary("pkg.table")
    assert boundary.fan_in == 8
    assert boundary.inert_importers == 2  # pkg.a (a table, an exception class) and pkg.b
