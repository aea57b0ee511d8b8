"""Semantic risks of a port: one positive and one negative example per kind, then the demo."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from goport.roadmap.re2check import unsupported
from goport.roadmap.risks import semantic_risks

DEMO = Path(__file__).resolve().parents[2] / "fixtures" / "demo_service" / "demo_service"


def risks(code: str) -> list[tuple[str, int]]:
    found = semantic_risks(textwrap.dedent(code).encode(), "m.py")
    return [(risk.kind, risk.line) for risk in found]


# Each case: (kind, positive code, the line it must name, negative code with no risk of that kind)
CASES = [
    pytest.param(
        "int-width",
        """
        def fnv(data):
            h = 2166136261
            for b in data:
                h = (h ^ b) * 16777619 & 0xFFFFFFFF
            return h
        """,
        5,
        """
        def total(data):
            h = 0
            for b in data:
                h = (h + b) & 0xFF
            return h
        """,
        id="int-width-mask",
    ),
    pytest.param(
        "int-width",
        """
        def factorial(n):
            result = 1
            for i in range(2, n + 1):
                result *= i
            return result
        """,
        5,
        """
        def scale(values):
            factor = 1.0
            for v in values:
                factor *= v
            return factor
        """,
        id="int-width-product",
    ),
    pytest.param(
        "int-width",
        """
        def bit(n):
            return 1 << n
        """,
        3,
        """
        def flags():
            return 1 << 7, 2 ** 10, 0x7FFFFFFFFFFFFFFF
        """,
        id="int-width-shift",
    ),
    pytest.param(
        "int-width",
        """
        SEED = 0xCBF29CE484222325
        """,
        2,
        """
        SEED = 0x811C9DC5
        """,
        id="int-width-literal",
    ),
    pytest.param(
        "int-width",
        """
        def power(n):
            return 10 ** n
        """,
        3,
        """
        def root(x, n):
            return x ** 0.5 + 2 ** 16
        """,
        id="int-width-power",
    ),
    pytest.param(
        "str-index",
        """
        def first(name: str) -> str:
            return name[0]
        """,
        3,
        """
        def first(items: list[str]) -> str:
            prefix = "abc"
            return items[0] + prefix[len(prefix) - 1]
        """,
        id="str-index",
    ),
    pytest.param(
        "str-index",
        """
        def code(ch):
            return ord(ch)
        """,
        3,
        """
        def code(ch):
            return ch.encode(), ord("("), chr(0)
        """,
        id="str-index-ord",
    ),
    pytest.param(
        "re2",
        """
        import re
        WORD = re.compile(r"(?<=\\s)\\w+(?=:)")
        """,
        3,
        """
        import re
        WORD = re.compile(r"[(?=]\\w+(?P<name>x)\\(?!")
        """,
        id="re2-lookaround",
    ),
    pytest.param(
        "re2",
        """
        from re import search
        PATTERN = r"(\\w)\\1"
        def doubled(s):
            return search(PATTERN, s)
        """,
        5,
        """
        from re import search
        def doubled(s, pattern):
            return search(pattern, s)
        """,
        id="re2-backreference-through-name",
    ),
    pytest.param(
        "re2",
        """
        import re
        KEY = re.compile(
            r'''
            (?P<key> \\w+ )   # a key
            (?! \\s )         # not followed by a space
            ''',
            re.VERBOSE,
        )
        \n""",
        3,
        """
        import re
        KEY = re.compile(
            r'''
            (?P<key> \\w+ )   # a key (?! in a comment is not a lookahead)
            ''',
            re.VERBOSE,
        )
        """,
        id="re2-verbose",
    ),
    pytest.param(
        "float-format",
        """
        def price(x):
            return round(x, 2)
        """,
        3,
        """
        def price(x):
            return int(x * 100)
        """,
        id="float-round",
    ),
    pytest.param(
        "float-format",
        """
        def show(ratio: float) -> str:
            return f"{ratio:g} / " + str(ratio)
        """,
        3,
        """
        def show(count: int) -> str:
            return f"{count:d} / " + str(count)
        """,
        id="float-format",
    ),
    pytest.param(
        "float-format",
        """
        from decimal import Decimal
        """,
        2,
        """
        from fractions import Fraction
        """,
        id="float-decimal",
    ),
    pytest.param(
        "iteration-order",
        """
        def names(users):
            seen = set()
            for user in users:
                seen.add(user.name)
            return ", ".join(seen)
        """,
        6,
        """
        def names(users):
            seen = set()
            for user in users:
                seen.add(user.name)
            return ", ".join(sorted(seen))
        """,
        id="iteration-order-set-join",
    ),
    pytest.param(
        "iteration-order",
        """
        def report(counts: dict[str, int]) -> list[str]:
            lines = []
            for key, value in counts.items():
                lines.append(f"{key}={value}")
            return lines
        """,
        4,
        """
        def index(counts: dict[str, int], words: set[str]) -> None:
            for word in words:
                bucket = []
                bucket.append(word)
                counts[word] = len(bucket)
        """,
        id="iteration-order-dict-loop",
    ),
    pytest.param(
        "iteration-order",
        """
        def first(d):
            return next(iter(d))
        """,
        3,
        """
        def first(items):
            return next(items)
        """,
        id="iteration-order-next-iter",
    ),
    pytest.param(
        "exception-flow",
        """
        def parse(lines):
            out = []
            for line in lines:
                try:
                    out.append(int(line))
                except ValueError:
                    continue
            return out
        """,
        5,
        """
        def load(path):
            try:
                return int(open(path).read())
            except ValueError:
                return 0
        """,
        id="exception-flow",
    ),
    pytest.param(
        "exception-flow",
        """
        def gen():
            raise StopIteration
        """,
        3,
        """
        def gen():
            raise RuntimeError("done")
        """,
        id="exception-flow-stopiteration",
    ),
    pytest.param(
        "mutable-default",
        """
        def add(item, into=[]):
            into.append(item)
            return into
        """,
        2,
        """
        def add(item, into=None, size=0, name="x", pair=(1, 2)):
            return [item]
        """,
        id="mutable-default",
    ),
    pytest.param(
        "thread-safety",
        """
        import threading
        COUNTS = {}
        def work(key):
            COUNTS[key] = COUNTS.get(key, 0) + 1
        threading.Thread(target=work, args=("a",)).start()
        """,
        5,
        """
        import threading
        COUNTS = {}
        LOCK = threading.Lock()
        def work(key):
            local = {}
            local[key] = 1
            with LOCK:
                COUNTS[key] = COUNTS.get(key, 0) + 1
        threading.Thread(target=work, args=("a",)).start()
        """,
        id="thread-safety-module",
    ),
    pytest.param(
        "thread-safety",
        """
        from concurrent.futures import ThreadPoolExecutor
        class Stats:
            def __init__(self):
                self.seen = []
            def record(self, item):
                self.seen.append(item)
            def run(self, items):
                with ThreadPoolExecutor() as pool:
                    for item in items:
                        pool.submit(self.record, item)
        """,
        7,
        """
        class Stats:
            def __init__(self):
                self.seen = []
            def record(self, item):
                self.seen.append(item)
        """,
        id="thread-safety-instance",
    ),
    pytest.param(
        "eq-hash",
        """
        class Point:
            def __init__(self, x):
                self.x = x
            def __eq__(self, other):
                return self.x == other.x
        """,
        5,
        """
        class Point:
            def __init__(self, x):
                self.x = x
            def __eq__(self, other):
                return self.x == other.x
            def __hash__(self):
                return hash(self.x)
        """,
        id="eq-hash-unhashable",
    ),
    pytest.param(
        "eq-hash",
        """
        class Key:
            def __init__(self, x):
                self.x = x
            def move(self):
                self.x += 1
            def __eq__(self, other):
                return self.x == other.x
            def __hash__(self):
                return hash(self.x)
        """,
        9,
        """
        from dataclasses import dataclass
        @dataclass(frozen=True)
        class Key:
            x: int
            def __hash__(self):
                return hash(self.x)
        """,
        id="eq-hash-mutable",
    ),
    pytest.param(
        "eq-hash",
        """
        class Node:
            pass
        def index(names):
            return {Node(): name for name in names} | {Node(): 1}
        """,
        5,
        """
        class Node:
            pass
        def index(names):
            return {name: Node() for name in names}
        """,
        id="eq-hash-key",
    ),
]


@pytest.mark.parametrize(("kind", "positive", "line", "negative"), CASES)
def test_each_kind_has_a_positive_and_a_negative_example(
    kind: str, positive: str, line: int, negative: str
) -> None:
    assert (kind, line) in risks(positive)
    assert [found for found in risks(negative) if found[0] == kind] == []


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        pytest.param("def f(h):\n    return (h * 31) % 2**64\n", [("int-width", 2)], id="wrap"),
        pytest.param("def f(n):\n    return pow(2, n)\n", [("int-width", 2)], id="pow"),
        pytest.param("def f(x=0xFFFFFFFFFFFFFFFFF):\n    pass\n", [("int-width", 1)], id="default"),
        pytest.param("x = 2 ** 10**12\n", [("int-width", 1)], id="huge-power-not-computed"),
        pytest.param(
            "def f(xs):\n    return ','.join({x.name for x in xs})\n",
            [("iteration-order", 2)],
            id="join-set-comprehension",
        ),
        pytest.param(
            "import re as rx\nP = rx.compile(r'a (?!b)', rx.I | rx.X)\n", [("re2", 2)], id="re-X"
        ),
        pytest.param(
            """
import threading
class Counter:
    def __init__(self):
        self._lock = threading.Lock()
        self.hits = 0
    def hit(self):
        with self._lock:
            self.hits += 1
    def start(self):
        threading.Thread(target=self.hit).start()
""",
            [],
            id="instance-state-under-its-lock",
        ),
        pytest.param(
            """
import threading
class Counter:
    def __init__(self):
        self.hits = 0
    def hit(self):
        self.hits += 1
class Other:
    def hit(self):
        self.hits += 1
    def start(self):
        threading.Thread(target=self.hit).start()
""",
            [("thread-safety", 10)],
            id="thread-target-is-the-method-of-its-own-class",
        ),
    ],
)
def test_more_cases(code: str, expected: list[tuple[str, int]]) -> None:
    assert risks(code) == expected


def test_a_risk_says_what_to_do_in_go() -> None:
    (risk,) = semantic_risks(b"def f(x):\n    return x & 0xFFFFFFFF\n", "pkg/m.py")
    assert (risk.rel_path, risk.line, risk.kind) == ("pkg/m.py", 2, "int-width")
    assert "uint32" in risk.go_note and "wrap" in risk.go_note


def test_sorted_by_line_and_one_per_kind_and_line() -> None:
    found = risks(
        """
        def f(s: str, t: str, x):
            a = round(x) + round(x, 1)
            return s[0] + t[1]
        """
    )
    assert found == [("float-format", 3), ("str-index", 4)]


@pytest.mark.parametrize(
    "source", [b"def f(:\n", b"\xff\xfe\x00", b"x = 1\x00", b"(" * 1000, b"1" + b"+1" * 200_000]
)
def test_a_file_that_does_not_parse_or_nests_too_deep_has_no_risks(source: bytes) -> None:
    assert semantic_risks(source, "bad.py") == ()


def test_a_pattern_python_rejects_too_is_not_a_port_risk() -> None:
    assert unsupported("[\x1f-\x01]") == ()  # a bad range: broken in Python as well
    assert risks("import re\nre.compile('[\\x1f-\\x01]')\n") == []


@pytest.mark.parametrize(
    ("pattern", "verbose", "expected"),
    [
        (r"a(?=b)", False, ("lookahead (?=...)",)),
        (r"(?<!x)y", False, ("negative lookbehind (?<!...)",)),
        (r"(?P<q>['\"]).*(?P=q)", False, ("named backreference (?P=name)",)),
        (r"a++b", False, ("possessive quantifier ++",)),
        (r"(?>ab)", False, ("atomic group (?>...)",)),
        (r"(a)?(?(1)b|c)", False, ("conditional (?(group)yes|no)",)),
        (r"\++[?=]\(?=", False, ()),
        ("a # (?=b)\n c", True, ()),
        ("(?x) a (?=b)", False, ("lookahead (?=...)",)),
        (r"end\Z", False, ("RE2 rejects it: invalid escape sequence: \\Z",)),
    ],
)
def test_re2_constructs_are_named(pattern: str, verbose: bool, expected: tuple[str, ...]) -> None:
    assert unsupported(pattern, verbose) == expected


# -- the demo ----------------------------------------------------------------------------------------


def demo_risks(name: str) -> list[tuple[str, int]]:
    found = semantic_risks((DEMO / name).read_bytes(), f"demo_service/{name}")
    return [(risk.kind, risk.line) for risk in found]


def test_demo_tokenizer_names_its_hash_widths_and_str_indexing() -> None:
    found = demo_risks("tokenizer.py")
    int_width = [line for kind, line in found if kind == "int-width"]
    # FNV64 offset basis > 2**63; the FNV-1a 32/64 masks; SimHash's 1 << bit; hamming's mask
    assert int_width == [404, 412, 420, 445, 450]
    str_index = {line for kind, line in found if kind == "str-index"}
    # chr() in the class table, ord() in char_class, s indexed/len() in each scanner
    assert {75, 100, 117, 129, 171, 192, 219, 245, 261, 277} <= str_index
    assert {kind for kind, _ in found} == {"int-width", "str-index"}


def test_demo_files_without_such_code_have_no_risks() -> None:
    for name in ("__init__.py", "models.py", "plugins.py", "storage.py"):
        assert demo_risks(name) == [], name


def test_demo_risks_elsewhere() -> None:
    assert ("iteration-order", 83) in demo_risks("ingest.py")  # LRU eviction via popitem
    assert ("float-format", 223) in demo_risks("index.py")  # round(score, 4)
