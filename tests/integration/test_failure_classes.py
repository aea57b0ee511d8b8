"""The five ways the static ranking used to fail on real packages, each on a project made for it.

1. a small kernel everything calls (a row class indexed per element) scored near 0;
2. binary-protocol code (struct unpacking, bit loops) was barely seen as CPU work;
3. benchmarks, examples and vendored code ranked above the product;
4. generators were read as network streaming;
5. most modules sat at a 0 clamp, unordered, and glue showed an effort;

and two that the measured and validation sets showed next: a renderer's string concatenation,
and version checks and flag constants worked out once on import, counted as dense computation
(Halstead density), above the code the workloads run.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from goport.config import Config
from goport.model import Candidate, Factor, RunResult, Strategy
from goport.pipeline import run
from goport.reports import Format, Options, render


def _project(root: Path, files: dict[str, str]) -> Path:
    for rel, code in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(code), encoding="utf-8")
    return root


def _scan(root: Path) -> RunResult:
    return run(Config(root=root, history=False, use_cache=False))


def _by_path(result: RunResult) -> dict[str, Candidate]:
    return {c.rel_path: c for c in result.ranking}


def _factor(c: Candidate, name: str) -> Factor:
    return next(f for f in c.factors if f.name == name)


# a same-size CLI: argument parsing and printing, no work of its own
CLI = """
import argparse
import sys


def build_parser():
    parser = argparse.ArgumentParser(prog="tool", description="Process records.")
    parser.add_argument("paths", nargs="+", help="input files")
    parser.add_argument("--verbose", action="store_true", help="say more")
    parser.add_argument("--limit", type=int, default=10, help="how many")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--output", default="-", help="where to write")
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    if args.verbose:
        print("reading", len(args.paths), "files", file=sys.stderr)
    out = sys.stdout if args.output == "-" else open(args.output, "w")
    for path in args.paths:
        print(path, file=out)
    if out is not sys.stdout:
        out.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
"""


def test_a_row_class_indexed_in_loops_from_three_modules_ranks_in_the_top_3(
    tmp_path: Path,
) -> None:
    users = {
        f"shop/report_{n}.py": f"""
            from shop.rows import Row


            def total_{n}(records):
                out = 0
                for rec in records:
                    row = Row(rec)
                    out += row[0] + row[1]
                return out


            def describe_{n}(records):
                lines = []
                for rec in records:
                    lines.append(str(rec))
                return "\\n".join(lines)
        """
        for n in range(3)
    }
    root = _project(
        tmp_path / "proj",
        {
            "shop/__init__.py": "",
            "shop/rows.py": """
                class Row:
                    __slots__ = ("_values",)

                    def __init__(self, values):
                        self._values = tuple(values)

                    def __getitem__(self, index):
                        return self._values[index]

                    def __len__(self):
                        return len(self._values)
            """,
            "shop/settings.py": """
                import os

                DEBUG = os.environ.get("DEBUG") == "1"
                NAME = "shop"
            """,
            "shop/cli.py": CLI,
            **users,
        },
    )
    result = _scan(root)
    top3 = [c.rel_path for c in result.ranking[:3]]
    assert "shop/rows.py" in top3, [(c.rel_path, c.score) for c in result.ranking]
    rows = _by_path(result)["shop/rows.py"]
    assert rows.strategy is not Strategy.GO_SERVICE  # an in-process kernel, not a server


RECORDS = """
import struct

HEADER = struct.Struct("<IHH")


def read_varint(buf, pos):
    shift = 0
    value = 0
    while True:
        byte = buf[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, pos
        shift += 7


def decode(buf):
    pos = 0
    out = []
    while pos < len(buf):
        size, kind, flags = HEADER.unpack_from(buf, pos)
        pos += HEADER.size
        key, pos = read_varint(buf, pos)
        body = buf[pos : pos + size]
        pos += size
        crc = 0
        for b in body:
            crc = ((crc << 5) ^ (crc >> 27) ^ b) & 0xFFFFFFFF
        out.append((kind, flags, key, body, crc))
    return out


def encode(records):
    parts = []
    for kind, flags, key, body in records:
        parts.append(HEADER.pack(len(body), kind, flags))
        while key >= 0x80:
            parts.append(struct.pack("B", (key & 0x7F) | 0x80))
            key >>= 7
        parts.append(struct.pack("B", key))
        parts.append(body)
    return b"".join(parts)
"""


def test_a_struct_record_decoder_ranks_above_a_same_size_cli(tmp_path: Path) -> None:
    root = _project(
        tmp_path / "proj",
        {"wire/__init__.py": "", "wire/records.py": RECORDS, "wire/cli.py": CLI},
    )
    ranked = _by_path(_scan(root))
    decoder, cli = ranked["wire/records.py"], ranked["wire/cli.py"]
    assert decoder.rank < cli.rank
    assert decoder.score > cli.score
    assert any(f.rule == "GP109" for f in decoder.findings)  # seen as binary work


def test_benchmarks_examples_and_vendored_code_are_not_ranked(tmp_path: Path) -> None:
    heavy = """
        def run(n):
            total = 0
            for i in range(n):
                for j in range(n):
                    total += (i * j) ^ (i << 3)
            return total
    """
    root = _project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/core.py": "def add(a, b):\n    return a + b\n",
            "benchmarks/bench_core.py": heavy,
            "examples/demo.py": heavy,
            "app/_vendor/six.py": heavy,
            "app/api_pb2.py": heavy,
        },
    )
    result = _scan(root)
    assert {c.rel_path for c in result.ranking} == {"app/core.py", "app/__init__.py"}
    kinds = {s.rel_path: s.kind.value for s in result.set_apart}
    assert kinds == {
        "benchmarks/bench_core.py": "benchmark",
        "examples/demo.py": "example",
        "app/_vendor/six.py": "vendored",
        "app/api_pb2.py": "generated",
    }


def test_a_generator_only_parser_gets_no_concurrency_credit(tmp_path: Path) -> None:
    root = _project(
        tmp_path / "proj",
        {
            "calc/__init__.py": "",
            "calc/parse.py": """
                def tokens(text):
                    i = 0
                    while i < len(text):
                        ch = text[i]
                        if ch.isdigit():
                            j = i
                            while j < len(text) and text[j].isdigit():
                                j += 1
                            yield ("num", text[i:j])
                            i = j
                        elif ch in "+-*/()":
                            yield ("op", ch)
                            i += 1
                        else:
                            i += 1


                def parse(text):
                    stream = tokens(text)
                    for kind, value in stream:
                        yield kind, value


                def lines(path):
                    with open(path) as handle:
                        for line in handle:
                            yield line.rstrip()
            """,
        },
    )
    parser = _by_path(_scan(root))["calc/parse.py"]
    assert not any(f.name == "concurrency" for f in parser.factors)
    assert not any(f.category.value in ("concurrency", "service") for f in parser.findings)
    assert parser.strategy is not Strategy.GO_SERVICE


def test_every_module_has_its_own_position_and_glue_sits_at_the_bottom(tmp_path: Path) -> None:
    root = _project(
        tmp_path / "proj",
        {
            "lib/__init__.py": "from lib.text import wrap\nfrom lib.mathx import dot\n__all__ = ['wrap', 'dot']\n",
            "lib/constants.py": "LIMIT = 10\nNAMES = ('a', 'b')\nTABLE = {'x': 1, 'y': 2}\n",
            "lib/text.py": """
                def wrap(text, width):
                    out, line = [], ""
                    for word in text.split():
                        if len(line) + len(word) + 1 > width:
                            out.append(line)
                            line = word
                        else:
                            line = (line + " " + word).strip()
                    out.append(line)
                    return out
            """,
            "lib/mathx.py": """
                def dot(a, b):
                    total = 0.0
                    for i in range(len(a)):
                        total += a[i] * b[i]
                    return total


                def matmul(a, b):
                    n, m, p = len(a), len(b), len(b[0])
                    out = [[0.0] * p for _ in range(n)]
                    for i in range(n):
                        for k in range(m):
                            aik = a[i][k]
                            for j in range(p):
                                out[i][j] += aik * b[k][j]
                    return out
            """,
            "lib/io.py": """
                import json


                def load(path):
                    with open(path) as handle:
                        return json.load(handle)
            """,
        },
    )
    ranking = _scan(root).ranking
    scores = [c.score for c in ranking if c.features and dict(c.features)["runs_code"]]
    assert len(set(scores)) == len(scores) == 3, scores  # modules with code: a position each
    bottom = {c.rel_path for c in ranking[-2:]}
    assert bottom == {"lib/__init__.py", "lib/constants.py"}
    for c in ranking[-2:]:
        assert c.strategy is Strategy.KEEP and c.effort is None
        assert any(f.name == "nothing-runs" for f in c.factors)
    assert ranking[0].rel_path == "lib/mathx.py"
    for c in ranking:
        assert sum(f.contribution for f in c.factors) == pytest.approx(c.score, abs=0.051)


def test_constant_tables_and_exceptions_imported_everywhere_rank_below_the_code_using_them(
    tmp_path: Path,
) -> None:
    rows = "".join(f"    'name{i}': range({i * 128}, {i * 128 + 128}),\n" for i in range(120))
    table = (
        '"""Unicode blocks by name."""\n\nBLOCKS = {\n' + rows + "}\nSMALL = 32\n\n\n"
        "class Span:\n    def __init__(self, lo, hi):\n        self.lo, self.hi = lo, hi\n"
    )
    user = """
        from app.blocks import BLOCKS, SMALL
        from app.errors import DecodeError


        def {name}(text):
            hits = {{}}
            for ch in text:
                code = ord(ch)
                for block, span in BLOCKS.items():
                    if code in span and len(text) > SMALL:
                        hits[block] = hits.get(block, 0) + 1
            if not hits:
                raise DecodeError(text, 0)
            return hits
    """
    errors = """
        class DecodeError(ValueError):
            def __init__(self, text, position):
                super().__init__(f"cannot decode {text!r} at {position}")
                self.text, self.position = text, position

            def __str__(self):
                return self.text[max(0, self.position - 10) : self.position + 10]
    """
    root = _project(
        tmp_path / "proj",
        {
            "app/__init__.py": "",
            "app/blocks.py": table,
            "app/errors.py": errors,
            **{f"app/{n}.py": user.format(name=n) for n in ("detect", "score", "report")},
        },
    )
    result = _scan(root)
    assert not result.errors
    ranked = [c.rel_path for c in result.ranking]
    assert ranked.index("app/blocks.py") > max(
        ranked.index(f"app/{n}.py") for n in ("detect", "score", "report")
    ), ranked
    blocks = _by_path(result)["app/blocks.py"]
    volume = _factor(blocks, "code-volume")
    assert volume.value < 10, volume  # the table's 120 lines run once, on import
    # its three importers use only its constants: none counts as a caller of its code
    assert not any(f.name == "used-widely" for f in blocks.factors), blocks.factors
    # nor of an exceptions module's: its code runs when something fails
    errors_module = _by_path(result)["app/errors.py"]
    assert not any(f.name == "used-widely" for f in errors_module.factors)
    assert errors_module.boundary.fan_in == 3 and errors_module.boundary.inert_importers == 3
    doc = json.loads(render(Format.JSON, result, Options()))
    boundary = next(c for c in doc["candidates"] if c["path"] == "app/errors.py")["boundary"]
    assert (boundary["fan_in"], boundary["inert_importers"]) == (3, 3)


TRACER = """
import sys


class LineTracer:
    def __init__(self, should_trace):
        self.should_trace = should_trace
        self.data = {}
        self.last_line = 0
        self.cached_trace = self._trace

    def _trace(self, frame, event, arg):
        filename = frame.f_code.co_filename
        if not self.should_trace(filename):
            return None
        if event == "line":
            lines = self.data.setdefault(filename, set())
            lines.add((self.last_line, frame.f_lineno))
            self.last_line = frame.f_lineno
        elif event == "return":
            self.last_line = -frame.f_code.co_firstlineno
        return self.cached_trace

    def start(self):
        sys.settrace(self.cached_trace)

    def stop(self):
        sys.settrace(None)
        return self.data
"""

REPORT = """
def summarise(data):
    rows = []
    for filename, arcs in sorted(data.items()):
        lines = {b for a, b in arcs if b > 0}
        rows.append((filename, len(lines), len(arcs)))
    return rows


def render(rows, width=60):
    out = []
    for name, lines, arcs in rows:
        pad = width - len(name)
        out.append(name + " " * max(pad, 1) + str(lines).rjust(6) + str(arcs).rjust(6))
    total = sum(r[1] for r in rows)
    out.append("TOTAL".ljust(width) + str(total).rjust(6))
    return "\\n".join(out)
"""


def test_a_trace_function_the_interpreter_calls_per_line_ranks_first(tmp_path: Path) -> None:
    root = _project(
        tmp_path / "proj",
        {
            "cov/__init__.py": "",
            "cov/tracer.py": TRACER,
            "cov/report.py": REPORT,
            "cov/cli.py": CLI,
        },
    )
    ranked = _by_path(_scan(root))
    tracer = ranked["cov/tracer.py"]
    assert tracer.rank == 1, {p: (c.rank, c.score) for p, c in ranked.items()}
    per_element = next(f for f in tracer.factors if f.name == "called-per-element")
    assert "trace hooks" in per_element.explanation and per_element.contribution > 10


# a renderer: as many operators per line as a numeric kernel, but they join strings, which
# CPython already does in C
RENDERER = """
def heading(text, level):
    return "<h" + str(level) + ' id="' + slug(text) + '">' + text + "</h" + str(level) + ">\\n"


def link(url, text, title=None):
    if title:
        return '<a href="' + url + '" title="' + title + '">' + text + "</a>"
    return '<a href="' + url + '">' + text + "</a>"


def image(src, alt, width, height):
    return '<img src="%s" alt="%s" width="%d" height="%d" />' % (src, alt, width, height)


def block_code(code, info=None):
    lang = ' class="language-' + info.split()[0] + '"' if info else ""
    return "<pre><code" + lang + ">" + code + "</code></pre>\\n"


def table_cell(text, align=None, head=False):
    tag = "th" if head else "td"
    style = ' style="text-align:' + align + '"' if align else ""
    return "<" + tag + style + ">" + text + "</" + tag + ">\\n"


def rule(width):
    return "<hr />\\n" + "-" * width + "\\n" + "=" * (width // 2) + "\\n"


def slug(text):
    return "h-" + text.lower().replace(" ", "-") + "-" + str(len(text))
"""

# a numeric kernel of the same size, less dense by radon's count (fewer distinct operands), but
# its operators are arithmetic that Go compiles to a few instructions each
GEOMETRY = """
def area(x0, y0, x1, y1, x2, y2):
    return abs((x1 - x0) * (y2 - y0) - (x2 - x0) * (y1 - y0)) / 2.0


def lerp(a, b, t):
    return a + (b - a) * t


def bezier(p0, p1, p2, p3, t):
    u = 1 - t
    return u * u * u * p0 + 3 * u * u * t * p1 + 3 * u * t * t * p2 + t * t * t * p3


def dist2(x0, y0, x1, y1):
    dx = x1 - x0
    dy = y1 - y0
    return dx * dx + dy * dy


def clamp(v, lo, hi):
    return lo if v < lo else hi if v > hi else v


def mix(a, b, w):
    return (a * (255 - w) + b * w + 127) // 255


def scale(v, factor):
    return v * factor
"""


# what the interpreter and platform support, worked out once on import: dense with comparisons
# and bit operators, none of which runs again
COMPAT = """
import os
import platform
import sys

VERSION = sys.version_info[:2] + (int(platform.python_version()[-1] == "+"),)
IMPL = platform.python_implementation().lower()
CPYTHON = IMPL == "cpython" and not hasattr(sys, "pypy_version_info")
PYPY = IMPL == "pypy" or hasattr(sys, "pypy_version_info")
WINDOWS = sys.platform == "win32" or os.name == "nt" and not sys.platform.startswith("cyg")
LINUX = sys.platform.startswith("linux") and not WINDOWS and os.name == "posix"
FLAGS = (1 << 0) * CPYTHON | (1 << 1) * PYPY | (1 << 2) * WINDOWS | (1 << 3) * LINUX


class Behaviour:
    optimized_if = VERSION >= (3, 8) and CPYTHON or VERSION >= (3, 9) and PYPY
    keep_constant = VERSION < (3, 11) or PYPY and VERSION <= (3, 9, 1)
    exit_line = (VERSION >= (3, 10) and not PYPY) or (VERSION[0] > 3)
    lasti_is_yield = VERSION < (3, 12) and CPYTHON and not (VERSION == (3, 11, 0))
    match_case = VERSION >= (3, 10) and (CPYTHON or PYPY) and not WINDOWS
    nested_guards = (FLAGS & 3) != 0 and VERSION > (3, 7) and VERSION < (3, 14)
    trace_jumps = VERSION >= (3, 12) and FLAGS & 1 == 1 or VERSION >= (3, 13)


def describe():
    return {"version": VERSION[0] * 100 + VERSION[1], "flags": FLAGS & 0xFF, "impl": IMPL}
"""


@pytest.mark.parametrize(
    ("source", "left_out"),
    [
        pytest.param(RENDERER, "of operators that build text", id="text-building"),
        pytest.param(COMPAT, "outside functions, which run once on import", id="import-time"),
    ],
)
def test_operators_that_are_not_computation_do_not_count_as_density(
    tmp_path: Path, source: str, left_out: str
) -> None:
    root = _project(
        tmp_path / "proj",
        {"draw/__init__.py": "", "draw/other.py": source, "draw/geometry.py": GEOMETRY},
    )
    ranked = _by_path(_scan(root))
    other, geometry = ranked["draw/other.py"], ranked["draw/geometry.py"]
    assert left_out in _factor(other, "density").explanation
    assert _factor(geometry, "density").contribution > _factor(other, "density").contribution
    assert geometry.rank < other.rank
