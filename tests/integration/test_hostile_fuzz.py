"""Hostile input for every reader of a file that comes from the user or the scanned tree.

The config (``[tool.goport]`` in the tree's pyproject.toml), a ``--baseline``, a ``--profile``
and the tree's ``.gitignore`` each get generated hostile content (deterministic seeds):
truncations and byte flips of a valid file, random bytes, invalid UTF-8, deep nesting, huge
numbers, NaN/Infinity, wrong types, strings where lists belong, an empty file; and special
files: a FIFO, a folder, a link to ``/dev/zero``. Each runs the real CLI (``goport scan``) on a
one-module tree. The contract, and all that is asserted:

* the exit code is 0 or 2, nothing else;
* stderr never says "internal error" and never holds a traceback;
* on exit 2, stderr is one line, and it names the file;
* (profiles) on exit 0, the JSON report holds no NaN or Infinity.

Content cases run in this process (``goport.cli.main``, as the console script does, ~30 ms
each); the FIFO and ``/dev/zero`` cases can hang or eat memory when a reader is wrong, so they
run as subprocesses, all at once, each with a memory limit and a shared deadline.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import marshal
import os
import random
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from goport.cli import main

PROFILES = Path(__file__).resolve().parents[2] / "fixtures" / "profiles"
SPEEDSCOPE_SCHEMA = "https://www.speedscope.app/file-format-schema.json"

#: the FIFO and /dev/zero subprocesses: one that still runs this long after the start is killed
SPAWNED_DEADLINE = 20.0
#: address-space limit of those subprocesses: reading /dev/zero fails fast, not the host
SPAWNED_MEMORY = 1 << 30

GOOD_MODULE = "def pairs(xs, ys):\n    return [a * b for a in xs for b in ys]\n"
LONG_NAME = "a" * 40  # a file name for backtracking .gitignore patterns to chew on


@dataclass(frozen=True)
class Case:
    reader: str  # config | baseline | profile | gitignore
    name: str
    content: bytes = b""
    special: str = ""  # "" (write content) | fifo | devzero | folder

    @property
    def id(self) -> str:
        return f"{self.reader}-{self.name}"


# ---- generators -------------------------------------------------------------------------------


def _truncations(data: bytes, seed: int, count: int) -> list[tuple[str, bytes]]:
    rng = random.Random(seed)
    cuts = sorted({rng.randrange(1, len(data)) for _ in range(count)})
    return [(f"truncated-at-{cut}", data[:cut]) for cut in cuts]


def _flips(data: bytes, seed: int, count: int) -> list[tuple[str, bytes]]:
    rng = random.Random(seed)
    out = []
    for index in range(count):
        flipped = bytearray(data)
        for _ in range(rng.randint(1, 8)):
            flipped[rng.randrange(len(flipped))] = rng.randrange(256)
        out.append((f"flipped-{index}", bytes(flipped)))
    return out


def _random(seed: int, count: int) -> list[tuple[str, bytes]]:
    rng = random.Random(seed)
    return [(f"random-bytes-{i}", rng.randbytes(rng.randint(1, 600))) for i in range(count)]


def _json(value: object) -> bytes:
    return json.dumps(value).encode()


def _cases(reader: str, named: list[tuple[str, bytes]]) -> list[Case]:
    return [Case(reader, name, content) for name, content in named] + [
        Case(reader, "fifo", special="fifo"),
        Case(reader, "link-to-dev-zero", special="devzero"),
        Case(reader, "folder", special="folder"),
    ]


HUGE_INT = "1" + "0" * 5000  # more digits than int() takes from text (4,300)

# ---- config: [tool.goport] in the tree's pyproject.toml ---------------------------------------

VALID_CONFIG = (
    b'[tool.goport]\nexclude = ["build/"]\nselect = ["GP1"]\nignore = []\ntop = 10\n'
    b"min-score = 0\nmax-file-size = 1000000\njobs = 1\nhistory = false\n\n"
    b"[tool.goport.weights]\ncpu = 2.0\nsize = 0.5\n"
)


def _config(body: str) -> bytes:
    return f"[tool.goport]\n{body}\n".encode()


CONFIG = _cases(
    "config",
    [
        ("valid", VALID_CONFIG),
        ("empty", b""),
        *_truncations(VALID_CONFIG, 1, 6),
        *_flips(VALID_CONFIG, 2, 4),
        *_random(3, 4),
        ("invalid-utf8-comment", b"[tool.goport]\ntop = 5  # caf\xe9\n"),
        ("invalid-utf8-string", b'[tool.goport]\nexclude = ["\xff\xfe"]\n'),
        ("deep-array", b"[tool.goport]\nexclude = " + b"[" * 50_000 + b"]" * 50_000 + b"\n"),
        (
            "deep-inline-table",
            b"[tool.goport]\nweights = " + b"{a = " * 20_000 + b"1" + b"}" * 20_000,
        ),
        ("max-file-size-2**64", _config(f"max-file-size = {2**64}")),
        ("max-file-size-2**63", _config(f"max-file-size = {2**63}")),
        ("top-2**64", _config(f"top = {2**64}")),
        ("jobs-2**63", _config(f"jobs = {2**63 - 1}")),
        ("top-5000-digits", _config(f"top = {HUGE_INT}")),
        ("min-score-1e400", _config("min-score = 1e400")),
        ("weight-1e400", _config("weights = { cpu = 1e400 }")),
        ("weight-nan", _config("weights = { cpu = nan }")),
        ("weight-inf", _config("weights = { size = inf }")),
        ("min-score-nan", _config("min-score = nan")),
        ("fail-on-inf", _config("fail-on = inf")),
        ("top-string", _config('top = "5"')),
        ("history-number", _config("history = 1")),
        ("weights-list", _config("weights = [1]")),
        ("weights-string", _config('weights = "cpu"')),
        ("exclude-number", _config("exclude = 5")),
        ("exclude-string", _config('exclude = "build/"')),
        ("select-string", _config('select = "GP1"')),
        ("exclude-numbers", _config("exclude = [1, 2]")),
        ("tool-not-a-table", b"tool = 5\n"),
        ("goport-not-a-table", b"[tool]\ngoport = 5\n"),
        ("key-with-newline", _config('"a\\nb" = 1')),
        ("key-with-escape", _config('"\\u001b]0;T\\u0007" = 1')),
    ],
)

# ---- baseline: --baseline FILE ----------------------------------------------------------------

VALID_BASELINE = {
    "format": "goport-baseline",
    "version": 1,
    "tool_version": "0",
    "modules": {"good.py": {"score": 10.0, "strategy": "port", "fingerprints": ["0123abcd"]}},
}


def _baseline(**entry: object) -> bytes:
    doc = json.loads(json.dumps(VALID_BASELINE))
    doc["modules"]["good.py"].update(entry)
    return _json(doc)


def _baseline_raw(score: str) -> bytes:
    """A baseline whose score is written as is (NaN, Infinity, huge literals)."""
    return (
        b'{"format": "goport-baseline", "version": 1, "modules": {"good.py": {"score": '
        + score.encode()
        + b', "fingerprints": []}}}'
    )


BASELINE = _cases(
    "baseline",
    [
        ("valid", _json(VALID_BASELINE)),
        ("empty", b""),
        *_truncations(_json(VALID_BASELINE), 4, 6),
        *_flips(_json(VALID_BASELINE), 5, 4),
        *_random(6, 4),
        ("invalid-utf8", _json(VALID_BASELINE).replace(b"good.py", b"g\xffod.py")),
        ("deep-list", b"[" * 100_000),
        (
            "deep-modules",
            _json(VALID_BASELINE)[:-1].replace(
                b'"modules": {',
                b'"modules": ' + b'{"a": ' * 50_000 + b"1" + b"}" * 50_000 + b', "x": {',
                1,
            )
            + b"}",
        ),
        ("score-1e400", _baseline_raw("1e400")),
        ("score-2**64", _baseline_raw(str(2**64))),
        ("score-5000-digits", _baseline_raw(HUGE_INT)),
        ("score-NaN", _baseline_raw("NaN")),
        ("score-Infinity", _baseline_raw("Infinity")),
        ("score-minus-Infinity", _baseline_raw("-Infinity")),
        ("score-string-nan", _baseline(score="nan")),
        ("score-string-inf", _baseline(score="inf")),
        ("score-null", _baseline(score=None)),
        ("score-list", _baseline(score=[1])),
        ("fingerprints-string", _baseline(fingerprints="0123abcd")),
        ("fingerprints-number", _baseline(fingerprints=5)),
        ("entry-string", _json({**VALID_BASELINE, "modules": {"good.py": "x"}})),
        ("modules-list", _json({**VALID_BASELINE, "modules": ["good.py"]})),
        ("version-1e400", _json(VALID_BASELINE).replace(b'"version": 1', b'"version": 1e400')),
        ("version-string", _json({**VALID_BASELINE, "version": "1"})),
        ("format-number", _json({**VALID_BASELINE, "format": 1})),
        ("top-level-list", b"[]"),
        ("top-level-string", b'"goport-baseline"'),
    ],
)

# ---- profile: --profile FILE ------------------------------------------------------------------


def _speedscope(profile: dict[str, object], frames: object = None) -> bytes:
    if frames is None:
        frames = [{"name": "pairs", "file": "/app/good.py", "line": 2}, {"name": "main"}]
    return _json(
        {"$schema": SPEEDSCOPE_SCHEMA, "shared": {"frames": frames}, "profiles": [profile]}
    )


def _sampled(weights: list[object], samples: object = None) -> bytes:
    return _speedscope(
        {
            "type": "sampled",
            "name": "t",
            "unit": "seconds",
            "samples": [[1, 0]] * len(weights) if samples is None else samples,
            "weights": weights,
        }
    )


def _evented(events: object, end: object = 10) -> bytes:
    return _speedscope(
        {
            "type": "evented",
            "name": "t",
            "unit": "milliseconds",
            "startValue": 0,
            "endValue": end,
            "events": events,
        }
    )


def _raw_weights(weights: str) -> bytes:
    """A sampled speedscope profile whose weights are written as is."""
    return _sampled([0, 0]).replace(b'"weights": [0, 0]', f'"weights": [{weights}]'.encode())


def _profile_samples() -> list[tuple[str, bytes]]:
    out: list[tuple[str, bytes]] = []
    for seed, name in enumerate(
        [
            "profiled_app.speedscope.json",
            "profiled_app.pyinstrument.speedscope.json",
            "profiled_app.raw.txt",
            "profiled_app.austin.txt",
            "profiled_app.pstats",
            "profiled_app.pyinstrument.json",
        ]
    ):
        data = (PROFILES / name).read_bytes()
        stem = name.removeprefix("profiled_app.").replace(".", "-")
        out.append((f"{stem}-valid", data))
        out += [(f"{stem}-{n}", d) for n, d in _truncations(data, 10 + seed, 2)]
        out += [(f"{stem}-{n}", d) for n, d in _flips(data, 20 + seed, 2)]
    return out


def _pstats(self_time: float, total_time: float, count: int = 1) -> bytes:
    return marshal.dumps(
        {(f"/app/m{i}.py", 1, "f"): (1, 1, self_time, total_time, {}) for i in range(count)}
    )


PROFILE = _cases(
    "profile",
    [
        ("empty", b""),
        *_profile_samples(),
        *_random(7, 4),
        ("invalid-utf8-collapsed", b"main;pairs (/app/good.py:2) 3\nmain;f\xff 2\n"),
        ("invalid-utf8-json", _sampled([1, 2]).replace(b'"main"', b'"m\xffin"')),
        ("deep-list", b"[" * 100_000),
        ("deep-object", b'{"a": ' * 100_000),
        ("weight-1e400", _raw_weights("1e400, 1")),
        ("weight-2**64", _raw_weights(f"{2**64}, 1")),
        ("weight-5000-digits", _raw_weights(f"{HUGE_INT}, 1")),
        ("weight-NaN", _raw_weights("NaN, 1")),
        ("weight-Infinity", _raw_weights("Infinity, 1")),
        ("weight-minus-Infinity", _raw_weights("-Infinity, 1")),
        ("weight-negative", _sampled([-1, 2])),
        ("weights-sum-to-infinity", _sampled([1e308, 1.5e308] * 10)),
        ("weights-strings", _sampled(["1", "2"])),
        ("samples-string", _sampled([1], samples="[[1, 0]]")),
        ("sample-float-index", _sampled([1], samples=[[0.5]])),
        ("sample-huge-index", _sampled([1], samples=[[2**64]])),
        ("frames-object", _speedscope({"type": "sampled", "samples": [], "weights": []}, {})),
        ("frame-name-number", _sampled([1], samples=[[0]]).replace(b'"pairs"', b"5")),
        (
            "profiles-object",
            _json({"$schema": SPEEDSCOPE_SCHEMA, "shared": {"frames": []}, "profiles": {}}),
        ),
        (
            "unit-list",
            _speedscope({"type": "sampled", "unit": ["s"], "samples": [[0]], "weights": [1]}),
        ),
        ("events-string", _evented("O 0 0")),
        (
            "event-at-NaN",
            _evented([{"type": "O", "at": 0, "frame": 0}]).replace(b'"at": 0', b'"at": NaN'),
        ),
        (
            "event-at-1e400",
            _evented([{"type": "O", "at": 0, "frame": 0}]).replace(b'"at": 0', b'"at": 1e400'),
        ),
        (
            "event-span-overflows",
            _evented(
                [{"type": "O", "at": -1e308, "frame": 0}, {"type": "C", "at": 1e308, "frame": 0}]
            ),
        ),
        (
            "end-value-Infinity",
            _evented([{"type": "O", "at": 0, "frame": 0}]).replace(
                b'"endValue": 10', b'"endValue": Infinity'
            ),
        ),
        (
            "evented-20000-deep",
            _evented([{"type": "O", "at": i, "frame": i % 2} for i in range(20_000)], end=30_000),
        ),
        ("collapsed-count-1e400", b"main;pairs (/app/good.py:2) 1e400\n"),
        ("collapsed-count-5000-digits", f"main;pairs (/app/good.py:2) {HUGE_INT}\n".encode()),
        ("collapsed-counts-sum-to-infinity", b"main;a 1e308\nmain;b 1.7e308\n"),
        ("collapsed-line-5000-digits", f"main;pairs (/app/good.py:{HUGE_INT}) 1\n".encode()),
        ("collapsed-superscript-line", "main;pairs (/app/good.py:\u00b2) 1\n".encode()),
        ("collapsed-unclosed-process-label", b'process 1:"python\n' + b"main;f 1\n" * 5000),
        ("collapsed-key-with-escape", b"main;\x1b]0;T\x07 1\nmain;\xe2\x80\xae 1\n"),
        ("austin-micros-5000-digits", f"P1;T0:1;/app/good.py:pairs:2 {HUGE_INT}\n".encode()),
        ("pstats-negative", _pstats(-1.0, 1.0)),
        ("pstats-sum-to-infinity", _pstats(1e308, 1e308, 3)),
        ("pstats-list", marshal.dumps([1, 2, 3])),
        (
            "pyinstrument-time-NaN",
            b'{"duration": 1, "root_frame": {"function": "f", "time": NaN, "children": []}}',
        ),
        (
            "pyinstrument-children-string",
            _json({"duration": 1, "root_frame": {"function": "f", "time": 1, "children": "[]"}}),
        ),
        ("json-keys-with-newlines", _json({f"k\n{i}": i for i in range(10)})),
        ("top-level-string", b'"speedscope"'),
    ],
)

# ---- .gitignore in the tree -------------------------------------------------------------------

VALID_GITIGNORE = b"build/\n*.pyc\n!keep.pyc\n# comment\n/dist\n"

GITIGNORE = _cases(
    "gitignore",
    [
        ("valid", VALID_GITIGNORE),
        ("empty", b""),
        *_random(8, 4),
        *_flips(VALID_GITIGNORE, 9, 3),
        ("invalid-utf8", b"build/\n\xff\xfe*.py\n"),
        ("lone-bang", b"!\n"),
        ("lone-backslash", b"\\\n"),
        ("bang-and-backslash", b"build/\n!\n\\\n"),
        ("backtracking", b"*a" * 13 + b"*b\n"),
        ("huge-line", b"a" * 100_000 + b"\n"),
        ("deep-double-star", b"**/" * 10_000 + b"x\n"),
        ("unclosed-bracket", b"[abc\n[\n]\n"),
        ("nul-byte", b"build\x00/\n"),
        ("many-lines", b"".join(b"dir%d/\n" % i for i in range(10_000))),
    ],
)

ALL_CASES = (*CONFIG, *BASELINE, *PROFILE, *GITIGNORE)
#: run as subprocesses: these can hang or eat memory when a reader is wrong
SPAWNED = tuple(c for c in ALL_CASES if c.special in ("fifo", "devzero"))


def _params() -> list[object]:
    """Every case; the spawned ones last, so they run while the others do."""
    in_process = [c for c in ALL_CASES if c not in SPAWNED]
    params: list[object] = []
    for case in (*in_process, *SPAWNED):
        params.append(pytest.param(case, id=case.id))
    return params


# ---- running the CLI --------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    code: int | None  # None: killed at the deadline
    stderr: str
    stdout: str = ""  # of in-process runs


def _setup(case: Case, base: Path) -> tuple[list[str], Path]:
    """Write the tree and the hostile file; the CLI arguments and the path of that file."""
    tree = base / "proj"
    tree.mkdir(parents=True)
    (tree / "good.py").write_text(GOOD_MODULE, encoding="utf-8")
    extra: list[str] = []
    if case.reader == "config":
        target = tree / "pyproject.toml"
    elif case.reader == "gitignore":
        target = tree / ".gitignore"
        (tree / LONG_NAME).write_text("", encoding="utf-8")
    else:
        target = base / ("base.json" if case.reader == "baseline" else "profile.out")
        extra = [f"--{case.reader}", str(target)]
    if case.special == "fifo":
        os.mkfifo(target)
    elif case.special == "devzero":
        target.symlink_to("/dev/zero")
    elif case.special == "folder":
        target.mkdir()
    else:
        target.write_bytes(case.content)
    args = ["scan", str(tree), "--format", "json", "--no-cache", "--no-history", *extra]
    return args, target


def _in_process(args: list[str], monkeypatch: pytest.MonkeyPatch) -> Outcome:
    """``goport ARGS`` through ``goport.cli.main``, the console script's entry point."""
    monkeypatch.setattr(sys, "argv", ["goport", *args])
    # the CLI configures logging on stderr once per process: let each run bind its own stream
    monkeypatch.setattr(logging.root, "handlers", [])
    out, err = io.StringIO(), io.StringIO()
    code: int | None = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1
    return Outcome(code, err.getvalue(), out.getvalue())


#: runs the command after it with its address space capped at SPAWNED_MEMORY
_LIMITED = ("/bin/sh", "-c", f'ulimit -v {SPAWNED_MEMORY >> 10} && exec "$@"', "sh")


class _Spawned:
    """The spawned cases, started together when the module's first test runs and collected
    (under one deadline) when the first of them is checked."""

    def __init__(self, base: Path, cases: list[Case]) -> None:
        env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR")}
        self._running: dict[str, tuple[subprocess.Popen[bytes], Path]] = {}
        for case in cases:
            folder = base / case.id
            args, target = _setup(case, folder)
            process = subprocess.Popen(
                [*_LIMITED, sys.executable, "-m", "goport", *args],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                env=env,
            )
            self._running[case.id] = (process, target)
        self._deadline = time.monotonic() + SPAWNED_DEADLINE
        self._outcomes: dict[str, tuple[Outcome, Path]] = {}

    def outcome(self, case: Case) -> tuple[Outcome, Path]:
        if not self._outcomes:
            for case_id, (process, target) in self._running.items():
                timeout = max(0.1, self._deadline - time.monotonic())
                try:
                    _, stderr = process.communicate(timeout=timeout)
                    code: int | None = process.returncode
                except subprocess.TimeoutExpired:
                    process.kill()
                    _, stderr = process.communicate()
                    code = None
                self._outcomes[case_id] = (Outcome(code, stderr.decode(errors="replace")), target)
        return self._outcomes[case.id]


@pytest.fixture(scope="module", autouse=True)
def spawned(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[_Spawned]:
    selected = {item.name for item in request.session.items}
    cases = [
        c
        for c in SPAWNED
        if f"{test_hostile_input_gets_a_clear_answer.__name__}[{c.id}]" in selected
    ]
    runs = _Spawned(tmp_path_factory.mktemp("spawned"), cases)
    yield runs
    for process, _ in runs._running.values():  # a run -k left unchecked
        if process.poll() is None:
            process.kill()
            process.wait()


def _check(case: Case, target: Path, outcome: Outcome) -> None:
    where = f"{case.id}: exit {outcome.code}, stderr:\n{outcome.stderr}"
    assert outcome.code is not None, f"still running after {SPAWNED_DEADLINE:.0f} s ({where})"
    assert outcome.code in (0, 2), where
    assert "internal error" not in outcome.stderr, where
    assert "Traceback" not in outcome.stderr, where
    if outcome.code == 2:
        lines = outcome.stderr.rstrip("\n").split("\n")
        assert len(lines) == 1, f"not one line: {where}"
        assert target.name in lines[0], f"does not name {target.name}: {where}"
    if case.reader == "profile" and outcome.code == 0 and outcome.stdout:
        # a profile that is read must not turn into NaN or infinite shares downstream
        json.loads(outcome.stdout, parse_constant=_refuse_constant)


def _refuse_constant(name: str) -> object:
    raise AssertionError(f"the JSON report holds {name}")


@pytest.mark.parametrize("case", _params())
def test_hostile_input_gets_a_clear_answer(
    case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, spawned: _Spawned
) -> None:
    if case in SPAWNED:
        outcome, target = spawned.outcome(case)
    else:
        args, target = _setup(case, tmp_path)
        outcome = _in_process(args, monkeypatch)
    _check(case, target, outcome)


def test_every_reader_is_fuzzed() -> None:
    """The cases cover each reader with each kind of hostile input the issue names."""
    for cases in (CONFIG, BASELINE, PROFILE, GITIGNORE):
        names = {c.name for c in cases}
        assert {"empty", "fifo", "link-to-dev-zero", "folder"} <= names
        assert any(n.startswith("random-bytes") for n in names)
        assert any("utf8" in n for n in names)
    for cases in (CONFIG, BASELINE, PROFILE):
        names = {c.name for c in cases}
        assert any(n.startswith("truncated") or "-truncated" in n for n in names)
        assert any("deep" in n for n in names)
        assert any("nan" in n.lower() for n in names)
        assert any("1e400" in n for n in names)
