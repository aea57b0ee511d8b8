"""Profile readers: every committed sample reads, the format comes from the content, and every
unusable file is a ProfileError that names it (never another exception)."""

from __future__ import annotations

import json
import marshal
import os
import pickle
import random
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from goport.errors import ProfileError
from goport.profiles import parse
from goport.profiles.model import CallPath, Frame, Profile, Stack
from goport.profiles.readers import check_profile_path, read_profile, read_profiles

PROFILES = Path(__file__).resolve().parents[2] / "fixtures" / "profiles"
SPEEDSCOPE_SCHEMA = "https://www.speedscope.app/file-format-schema.json"

# file -> (format, unit)
GOOD = {
    "profiled_app.speedscope.json": ("speedscope", "samples"),
    "moved_root.speedscope.json": ("speedscope", "samples"),
    "profiled_app.pyinstrument.speedscope.json": ("speedscope", "seconds"),
    "profiled_app.raw.txt": ("collapsed", "samples"),
    "subprocesses.raw.txt": ("collapsed", "samples"),
    "profiled_app.austin.txt": ("collapsed", "seconds"),
    "profiled_app.pstats": ("pstats", "seconds"),
    "profiled_app.pyinstrument.json": ("pyinstrument", "seconds"),
}

# file -> words the error must contain (besides the file name)
BAD = {
    "empty.json": "empty",
    "truncated.json": "truncated",
    "wrong_shape.json": "samples",
    "not_a_profile.json": "not a supported profile format",
    "garbage.bin": "not a supported profile format",
    "truncated.pstats": "pstats",
    "no_samples.speedscope.json": "no samples",
}


def _write(tmp_path: Path, name: str, content: str | bytes | object) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_text(json.dumps(content), encoding="utf-8")
    return path


def _share(profile: Profile, file_suffix: str) -> float:
    """Share of the weight in stacks with a frame from a file ending in ``file_suffix``."""
    if profile.stacks:
        hit = sum(
            s.weight for s in profile.stacks if any(f.file.endswith(file_suffix) for f in s.frames)
        )
    else:
        hit = sum(e.self_weight for e in profile.flat if e.frame.file.endswith(file_suffix))
    return hit / profile.total_weight


def _names(profile: Profile) -> set[str]:
    if profile.stacks:
        return {f.name for s in profile.stacks for f in s.frames}
    return {e.frame.name for e in profile.flat}


# ---- the committed samples --------------------------------------------------------------------


def test_every_sample_file_is_covered() -> None:
    on_disk = {p.name for p in PROFILES.iterdir() if p.name != "README.md"}
    assert on_disk == set(GOOD) | set(BAD)


@pytest.mark.parametrize("name", sorted(GOOD))
def test_sample_reads(name: str) -> None:
    profile = read_profile(PROFILES / name)
    assert (profile.format, profile.unit) == GOOD[name]
    assert profile.path == str(PROFILES / name)
    assert profile.total_weight > 0


@pytest.mark.parametrize("name", sorted(set(GOOD) - {"subprocesses.raw.txt"}))
def test_hot_module_dominates_every_profiled_app_sample(name: str) -> None:
    profile = read_profile(PROFILES / name)
    hot, cold = _share(profile, "profiled_app/hot.py"), _share(profile, "profiled_app/cold.py")
    assert hot > 0.6
    assert cold < hot / 5


@pytest.mark.parametrize("name", sorted(GOOD))
@pytest.mark.parametrize("disguise", ["renamed.txt", "renamed.json", "noextension"])
def test_format_comes_from_content_not_name(tmp_path: Path, name: str, disguise: str) -> None:
    copy = tmp_path / disguise
    shutil.copyfile(PROFILES / name, copy)
    assert read_profile(copy).format == GOOD[name][0]


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_sample_is_a_profile_error_naming_the_file(name: str) -> None:
    with pytest.raises(ProfileError) as caught:
        read_profile(PROFILES / name)
    message = str(caught.value)
    assert name in message
    assert BAD[name] in message


def test_pyspy_speedscope_keeps_full_paths_qualnames_and_lines() -> None:
    profile = read_profile(PROFILES / "profiled_app.speedscope.json")
    assert {
        "Sieve.is_prime",
        "Sieve.count",
        "count_primes",
        "Sieve.count.<locals>.<genexpr>",
    } <= _names(profile)
    leaves = [s.frames[-1] for s in profile.stacks]
    assert all(f.file.startswith("/") for f in leaves)
    prime = [f for f in leaves if f.name == "Sieve.is_prime"]
    assert prime and all(
        f.file.endswith("profiled_app/hot.py") and 12 < (f.line or 0) < 21 for f in prime
    )
    # root first, leaf last
    assert all(s.frames[0].name == "_run_module_as_main" for s in profile.stacks)
    # one sample is one unit: py-spy writes 1/rate seconds for each
    assert all(float(s.weight).is_integer() for s in profile.stacks)
    assert not any(s.idle for s in profile.stacks)


def test_raw_and_speedscope_recordings_agree_on_frames() -> None:
    raw = read_profile(PROFILES / "profiled_app.raw.txt")
    speedscope = read_profile(PROFILES / "profiled_app.speedscope.json")
    assert _names(raw) == _names(speedscope)
    frame = next(f for s in raw.stacks for f in s.frames if f.name == "run")
    assert frame.file.endswith("fixtures/profiled_app/profiled_app/main.py")
    assert frame.line == 11


def test_moved_root_keeps_the_container_paths() -> None:
    profile = read_profile(PROFILES / "moved_root.speedscope.json")
    files = {f.file for s in profile.stacks for f in s.frames if f.file.endswith(".py")}
    assert files == {"/app/profiled_app/main.py", "/app/profiled_app/hot.py"}


def test_pyspy_subprocess_labels_become_threads_not_frames() -> None:
    profile = read_profile(PROFILES / "subprocesses.raw.txt")
    frames = [f for s in profile.stacks for f in s.frames]
    assert not any(f.name.startswith(("process ", "thread ")) for f in frames)
    threads = {s.thread for s in profile.stacks}
    assert len(threads) == 2 and all(t.startswith("thread (") for t in threads)
    # the child's command line had newlines: its stack still parsed as one sample line
    assert any(s.frames == (Frame("<module>", "<string>", 3),) for s in profile.stacks)
    assert profile.total_weight == 11


def test_pstats_is_flat_self_and_total_seconds() -> None:
    profile = read_profile(PROFILES / "profiled_app.pstats")
    assert not profile.stacks
    top = max(profile.flat, key=lambda e: e.self_weight)
    assert top.frame.name == "is_prime"
    assert top.frame.file.endswith("profiled_app/hot.py")
    assert top.frame.line == 12  # the def line
    assert all(0 <= e.self_weight <= e.total_weight + 1e-9 for e in profile.flat)
    assert any(e.frame.file == "~" and e.frame.line is None for e in profile.flat)  # builtins


def test_pyinstrument_json_uses_class_names_and_self_time() -> None:
    profile = read_profile(PROFILES / "profiled_app.pyinstrument.json")
    assert "Sieve.is_prime" in _names(profile)
    assert "[self]" not in _names(profile)
    root = json.loads((PROFILES / "profiled_app.pyinstrument.json").read_text())["root_frame"]
    assert profile.total_weight == pytest.approx(root["time"], abs=1e-6)


def test_austin_sample_frames_threads_and_microseconds() -> None:
    profile = read_profile(PROFILES / "profiled_app.austin.txt")
    assert {s.thread for s in profile.stacks} == {"P4242;T0:4242"}
    assert profile.stacks[0].frames[0] == Frame("_run_module_as_main", "<frozen runpy>", 198)
    assert "Sieve.is_prime" in _names(profile)
    assert profile.total_weight == pytest.approx(0.110155)  # 11 samples of ~10 ms


def test_read_profiles_reads_several_in_order() -> None:
    names = ["profiled_app.speedscope.json", "profiled_app.pstats", "profiled_app.austin.txt"]
    profiles = read_profiles(PROFILES / n for n in names)
    assert [p.format for p in profiles] == ["speedscope", "pstats", "collapsed"]
    assert [Path(p.path).name for p in profiles] == names


def test_read_profiles_stops_at_the_first_bad_file() -> None:
    with pytest.raises(ProfileError, match="empty.json"):
        read_profiles([PROFILES / "profiled_app.raw.txt", PROFILES / "empty.json"])


# ---- speedscope -------------------------------------------------------------------------------


def _speedscope(
    profiles: list[dict[str, object]], frames: list[dict[str, object]]
) -> dict[str, object]:
    return {"$schema": SPEEDSCOPE_SCHEMA, "shared": {"frames": frames}, "profiles": profiles}


FRAMES = [
    {"name": "main", "file": "/src/app/main.py", "line": 3},
    {"name": "Worker.run", "file": "/src/app/work.py", "line": 10},
    {"name": "helper", "file": "/src/app/work.py"},
    {"name": 'process 7:"python app.py"', "file": "", "line": 0},
    {"name": "thread (7): MainThread", "file": "", "line": 0},
]


def test_speedscope_sampled_uniform_weights_count_samples(tmp_path: Path) -> None:
    doc = _speedscope(
        [
            {
                "type": "sampled",
                "name": 'Thread 7 "MainThread"',
                "unit": "seconds",
                "samples": [[0, 1], [0, 1], [3, 4, 0, 2], [], [0]],
                "weights": [0.01] * 5,
            }
        ],
        FRAMES,
    )
    profile = read_profile(_write(tmp_path, "p.json", doc))
    assert profile.unit == "samples"
    main, run, helper = (
        Frame("main", "/src/app/main.py", 3),
        Frame("Worker.run", "/src/app/work.py", 10),
        Frame("helper", "/src/app/work.py"),
    )
    assert profile.stacks == (
        Stack((main, run), 2.0, thread='Thread 7 "MainThread"'),
        Stack((main, helper), 1.0, thread='Thread 7 "MainThread"'),  # process/thread labels dropped
        Stack((main,), 1.0, thread='Thread 7 "MainThread"'),
    )  # the empty sample is dropped


def test_speedscope_unequal_weights_are_seconds(tmp_path: Path) -> None:
    doc = _speedscope(
        [
            {
                "type": "sampled",
                "name": "a",
                "unit": "milliseconds",
                "samples": [[0, 1], [0]],
                "weights": [30, 10],
            },
            {
                "type": "sampled",
                "name": "b",
                "unit": "microseconds",
                "samples": [[0, 2]],
                "weights": [5000],
            },
        ],
        FRAMES,
    )
    profile = read_profile(_write(tmp_path, "p.json", doc))
    assert profile.unit == "seconds"
    assert [(s.thread, round(s.weight, 6)) for s in profile.stacks] == [
        ("a", 0.03),
        ("a", 0.01),
        ("b", 0.005),
    ]


def test_speedscope_evented_profile(tmp_path: Path) -> None:
    events = [
        {"type": "O", "at": 0, "frame": 0},
        {"type": "O", "at": 1, "frame": 1},
        {"type": "C", "at": 4, "frame": 1},
        {"type": "O", "at": 4, "frame": 2},
        {"type": "C", "at": 6, "frame": 2},
        {"type": "C", "at": 7, "frame": 0},
    ]
    doc = _speedscope(
        [
            {
                "type": "evented",
                "name": "cpu",
                "unit": "milliseconds",
                "startValue": 0,
                "endValue": 7,
                "events": events,
            }
        ],
        FRAMES,
    )
    profile = read_profile(_write(tmp_path, "p.json", doc))
    weights = {tuple(f.name for f in s.frames): round(s.weight, 6) for s in profile.stacks}
    assert weights == {("main",): 0.002, ("main", "Worker.run"): 0.003, ("main", "helper"): 0.002}
    assert profile.unit == "seconds"


@pytest.mark.parametrize(
    ("profiles", "reason"),
    [
        ([{"type": "sampled", "samples": [[9]], "weights": [1]}], "missing frame"),
        ([{"type": "sampled", "samples": [[0]], "weights": [1, 2]}], "differ in length"),
        ([{"type": "sampled", "samples": [[0]], "weights": ["x"]}], "invalid weight"),
        ([{"type": "sampled", "samples": [[0]], "weights": [-1]}], "invalid weight"),
        ([{"type": "sampled", "unit": "bytes", "samples": [[0]], "weights": [1]}], "'bytes'"),
        ([{"type": "flame", "samples": []}], "unsupported speedscope profile type"),
        ([{"type": "evented", "events": [{"type": "C", "at": 0, "frame": 0}]}], "never opened"),
        ([{"type": "evented", "events": [{"type": "X", "at": 0, "frame": 0}]}], "malformed event"),
        ([{"type": "sampled", "samples": [], "weights": []}], "no samples"),
        ([], "no samples"),
        (["nope"], "not an object"),
    ],
)
def test_speedscope_shape_errors(tmp_path: Path, profiles: list[object], reason: str) -> None:
    path = _write(tmp_path, "bad.json", _speedscope(profiles, FRAMES))  # type: ignore[arg-type]
    with pytest.raises(ProfileError, match=reason) as caught:
        read_profile(path)
    assert "bad.json" in str(caught.value)


def test_speedscope_without_frames_table(tmp_path: Path) -> None:
    path = _write(tmp_path, "bad.json", {"$schema": SPEEDSCOPE_SCHEMA, "profiles": []})
    with pytest.raises(ProfileError, match="shared.frames"):
        read_profile(path)


# ---- collapsed stacks -------------------------------------------------------------------------


def test_plain_folded_stacks_with_integer_and_float_counts(tmp_path: Path) -> None:
    text = (
        "main;app/work.py:crunch;inner 3\nmain;util.helper 1.5\n\nmain;app/work.py:crunch;inner 2\n"
    )
    profile = read_profile(_write(tmp_path, "stacks.folded", text))
    assert profile.format == "collapsed"
    assert profile.stacks == (
        Stack((Frame("main", ""), Frame("crunch", "app/work.py"), Frame("inner", "")), 5.0),
        Stack((Frame("main", ""), Frame("util.helper", "")), 1.5),
    )


def test_pyspy_raw_frame_variants(tmp_path: Path) -> None:
    lines = [
        "<module> (app.py:9);Worker.run (pkg/work.py:12) 4",  # default
        "<module> (app.py);Worker.run (pkg/work.py) 2",  # --nolineno
        "0x7f00 (libc.so.6);<module> (C:\\proj\\app.py:9) 1",  # --native, a Windows path
        'process 1:"python app.py";thread (0x7f3a): MainThread;<module> (app.py:9) 1',
        " 1",  # py-spy writes this for a sample without Python frames
    ]
    profile = read_profile(_write(tmp_path, "raw.txt", "\n".join(lines) + "\n"))
    stacks = {s.frames: s for s in profile.stacks}
    assert (Frame("<module>", "app.py", 9), Frame("Worker.run", "pkg/work.py", 12)) in stacks
    assert (Frame("<module>", "app.py"), Frame("Worker.run", "pkg/work.py")) in stacks
    assert (Frame("0x7f00", "libc.so.6"), Frame("<module>", "C:\\proj\\app.py", 9)) in stacks
    assert stacks[(Frame("<module>", "app.py", 9),)].thread == "thread (0x7f3a): MainThread"
    assert profile.total_weight == 8


def test_austin_full_mode_marks_idle_and_drops_markers(tmp_path: Path) -> None:
    text = (
        "# austin: 3.6.0\n# mode: full\n\n"
        "P1;T0:11;/app/a.py:<module>:1;/app/a.py:busy:5 1000,0,-24\n"
        "P1;T0:12;/app/a.py:<module>:1;/app/a.py:wait:9 3000,1,0\n"
        "P1;T0:11;/app/a.py:<module>:1;/app/a.py:busy:5;:GC: 500,0,12\n"
    )
    profile = read_profile(_write(tmp_path, "austin.txt", text))
    assert [(s.frames[-1].name, s.idle, s.weight, s.thread) for s in profile.stacks] == [
        ("busy", False, 0.0015, "P1;T0:11"),
        ("wait", True, 0.003, "P1;T0:12"),
    ]


def test_austin_alternative_format_line_frames(tmp_path: Path) -> None:
    text = "P1;T7;/app/a.py:main;L3;/app/b.py:Job.step;L40 250\n"
    profile = read_profile(_write(tmp_path, "austin.txt", text))
    assert profile.stacks[0].frames == (
        Frame("main", "/app/a.py", 3),
        Frame("Job.step", "/app/b.py", 40),
    )


def test_austin_memory_mode_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "mem.txt", "# mode: memory\nP1;T0:1;/a.py:f:1 -400\n")
    with pytest.raises(ProfileError, match="memory"):
        read_profile(path)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("a;b;c 3\nthis line has no count\na;b 1\n", "line 2"),
        ("a;b;c 3\na;b;c (trunc", "line 2"),
        ("just some prose\nwithout counts\n", "not a supported profile format"),
        ("<?xml version='1.0'?><svg></svg>\n", "flame graph"),
        ("# only comments\n\n", "not a supported profile format"),
        ("a;b 0\n", "no samples"),
        ("P1;T0:1;/a.py:f:1 100\nnot austin\n", "line 2"),
    ],
)
def test_collapsed_errors(tmp_path: Path, text: str, reason: str) -> None:
    path = _write(tmp_path, "stacks.txt", text)
    with pytest.raises(ProfileError, match=reason) as caught:
        read_profile(path)
    assert "stacks.txt" in str(caught.value)


# ---- pstats and pyinstrument ------------------------------------------------------------------


def test_pstats_written_by_hand(tmp_path: Path) -> None:
    stats = {
        ("/app/a.py", 3, "work"): (2, 2, 0.75, 1.0, {}),
        ("/app/a.py", 1, "<module>"): (1, 1, 0.25, 1.25, {}),
    }
    profile = read_profile(_write(tmp_path, "out.prof", marshal.dumps(stats)))
    assert profile.format == "pstats"
    assert profile.total_weight == 1.0
    assert {(e.frame.name, e.self_weight, e.total_weight) for e in profile.flat} == {
        ("work", 0.75, 1.0),
        ("<module>", 0.25, 1.25),
    }


@pytest.mark.parametrize(
    "stats",
    [{("/a.py", 1, "f"): (1, 1, 0.0, 0.0, {})}, {("/a.py", 1, "f"): "nope"}, {"a": 1}],
    ids=["no-time", "bad-value", "bad-key"],
)
def test_pstats_of_the_wrong_shape(tmp_path: Path, stats: dict[object, object]) -> None:
    with pytest.raises(ProfileError, match="out.prof"):
        read_profile(_write(tmp_path, "out.prof", marshal.dumps(stats)))


def _pyi(
    function: str, time: float, children: list[dict[str, object]], **extra: object
) -> dict[str, object]:
    node: dict[str, object] = {
        "function": function,
        "file_path": "/app/m.py",
        "line_no": 1,
        "time": time,
    }
    node.update(extra)
    node["children"] = children
    return node


def test_pyinstrument_self_time_and_synthetic_frames(tmp_path: Path) -> None:
    root = _pyi(
        "<module>",
        0.875,  # all in its children: no self time
        [
            _pyi(
                "run",
                0.75,
                [
                    _pyi("step", 0.5, [], class_name="Job"),
                    {"function": "[self]", "file_path": "", "time": 0.125},
                ],
            ),
            {"function": "[await]", "file_path": "", "file_path_short": "", "time": 0.125},
        ],
    )
    doc = {"start_time": 0, "duration": 1.0, "sample_count": 100, "root_frame": root}
    profile = read_profile(_write(tmp_path, "pyi.json", doc))
    got = {(tuple(f.name for f in s.frames), s.idle): s.weight for s in profile.stacks}
    assert got == {
        (("<module>", "run", "Job.step"), False): 0.5,
        (("<module>", "run"), False): 0.25,  # its own 0.125 plus the [self] node
        (("<module>",), True): 0.125,  # [await]
    }


def test_pyinstrument_without_samples(tmp_path: Path) -> None:
    doc = {"start_time": 0, "duration": 0.0, "sample_count": 0, "root_frame": None}
    with pytest.raises(ProfileError, match="no samples"):
        read_profile(_write(tmp_path, "pyi.json", doc))


def test_pyinstrument_node_of_the_wrong_shape(tmp_path: Path) -> None:
    doc = {"start_time": 0, "duration": 1.0, "root_frame": {"function": "f", "time": "soon"}}
    with pytest.raises(ProfileError, match="pyi.json"):
        read_profile(_write(tmp_path, "pyi.json", doc))


# ---- files that are not profiles --------------------------------------------------------------


def test_utf8_bom_before_json(tmp_path: Path) -> None:
    data = b"\xef\xbb\xbf" + (PROFILES / "profiled_app.speedscope.json").read_bytes()
    assert read_profile(_write(tmp_path, "bom.json", data)).format == "speedscope"


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match="no such file"):
        read_profile(tmp_path / "missing.json")
    with pytest.raises(ProfileError, match="folder"):
        read_profile(tmp_path)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("   \n\n", "empty"),
        ("[1, 2, 3]", "JSON list"),
        ('"text"', "not a supported profile format"),
        ('{"traceEvents": []}', "Chrome trace"),
        ("[" * 100_000, "nested too deeply|not valid JSON"),
        ('{"profiles": [], "shared": {"frames": []}, "x": NaN', "not valid JSON"),
        (b"MOJ\x03\x00\x01", "MOJO"),
        (b"\xfb\x00\x00", "pstats"),
        (b"\x00\x01\x02text", "not a supported profile format"),
    ],
)
def test_not_a_profile(tmp_path: Path, content: str | bytes, reason: str) -> None:
    with pytest.raises(ProfileError, match=reason):
        read_profile(_write(tmp_path, "input", content))


def _mutations(seed: int) -> list[bytes]:
    rng = random.Random(seed)
    out = [rng.randbytes(rng.randint(1, 400)) for _ in range(40)]
    for name in sorted(GOOD):
        data = (PROFILES / name).read_bytes()
        out.append(data[: rng.randint(1, len(data) - 1)])  # truncated
        flipped = bytearray(data)
        for _ in range(8):
            flipped[rng.randrange(len(flipped))] = rng.randrange(256)
        out.append(bytes(flipped))
    return out


@pytest.mark.parametrize("seed", range(5))
def test_random_and_damaged_bytes_never_escape_as_other_errors(tmp_path: Path, seed: int) -> None:
    for index, data in enumerate(_mutations(seed)):
        path = _write(tmp_path, f"case{index}", data)
        try:
            profile = read_profile(path)
        except ProfileError as exc:
            assert path.name in str(exc)
        else:  # a damaged file may still be a readable profile; it must be a whole one
            assert profile.total_weight > 0


# ---- hostile profiles: special files, caps, weights, depth ------------------------------------


def _read_elsewhere(path: Path, timeout: float = 60) -> str:
    """read_profile(path) in a subprocess, so a reader that blocks or spins fails by timeout
    instead of hanging the test run: "error: <message>" or "ok <stacks> <max depth> <total>"."""
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from goport.errors import ProfileError\n"
        "from goport.profiles.readers import read_profile\n"
        "try:\n"
        "    p = read_profile(Path(sys.argv[1]))\n"
        "except ProfileError as exc:\n"
        "    print('error:', exc)\n"
        "else:\n"
        "    depth = max((len(s.frames) for s in p.stacks), default=0)\n"
        "    print('ok', len(p.stacks), depth, p.total_weight)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(path)],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda p: os.mkfifo(p), "FIFO"),
        (lambda p: p.symlink_to("/dev/zero"), "character device"),
        (lambda p: p.mkdir(), "folder"),
    ],
    ids=["fifo", "link-to-dev-zero", "folder"],
)
def test_special_files_are_refused_without_reading(
    tmp_path: Path, make: Callable[[Path], object], words: str
) -> None:
    path = tmp_path / "profile.json"
    make(path)
    out = _read_elsewhere(path, timeout=30)
    assert out.startswith("error:"), out
    assert str(path) in out and words in out


def test_a_profile_over_the_size_cap_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = shutil.copyfile(PROFILES / "profiled_app.raw.txt", tmp_path / "big.txt")
    monkeypatch.setattr(parse, "MAX_PROFILE_BYTES", 100)
    with pytest.raises(ProfileError, match="larger than") as caught:
        read_profile(path)
    assert "big.txt" in str(caught.value)
    assert check_profile_path.__module__ == parse.__name__


_TWO_FRAMES: list[dict[str, object]] = [
    {"name": "f", "file": "/a.py"},
    {"name": "g", "file": "/a.py"},
]


def _sampled(weights: str) -> str:
    """A speedscope profile with two samples (two stacks) whose weights are written as is."""
    profile: dict[str, object] = {"type": "sampled", "unit": "seconds", "weights": "W"}
    profile["samples"] = [[0], [0, 1]]
    return json.dumps(_speedscope([profile], _TWO_FRAMES)).replace('"W"', f"[{weights}]")


def _evented_at(first: str, second: str) -> str:
    """An evented profile that opens a frame at ``first`` and closes it at ``second``."""
    events = [{"type": "O", "at": "A", "frame": 0}, {"type": "C", "at": "B", "frame": 0}]
    profile: dict[str, object] = {"type": "evented", "unit": "seconds", "events": events}
    profile["endValue"] = 0
    text = json.dumps(_speedscope([profile], _TWO_FRAMES))
    return text.replace('"A"', first).replace('"B"', second)


HUGE_INT = "1" + "0" * 5000  # int() takes at most 4,300 digits from text


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (_sampled("NaN, 1"), "invalid weight"),
        (_sampled("Infinity, 1"), "invalid weight"),
        (_sampled("1e400, 1"), "invalid weight"),
        (_sampled("-1, 1"), "invalid weight"),
        (_sampled("1e308, 1.5e308"), "weight of 1e+308, more than any real recording"),
        (_sampled("9e14, 8e14"), "add up to 1.7e+15, more than any real recording"),
        (_sampled(f"{HUGE_INT}, 1"), "4300 digits"),
        (_evented_at("-1e308", "1e308"), "weight of inf"),
        (_evented_at("NaN", "1"), "malformed event"),
        ("a;b 1e400\n", "weight of inf"),
        ("a;b 1e308\na;c 1.7e308\n", "weight of 1e+308"),
        ("a;b 9e14\na;c 9e14\n", "add up to 1.8e+15"),
        (f"a;b {HUGE_INT}\n", "weight of inf"),
        (f"P1;T0:1;/a.py:f:1 {HUGE_INT}\n", "weight of inf"),
        (
            marshal.dumps(
                {("/a.py", 1, "f"): (1, 1, 9e14, 9e14, {})}
                | {("/b.py", 1, "g"): (1, 1, 9e14, 9e14, {})}
            ),
            "add up to",
        ),
        (marshal.dumps({("/a.py", 1, "f"): (1, 1, 1.0, 1e300, {})}), "weight of 1e+300"),
        ('{"duration": 1, "root_frame": {"function": "f", "time": NaN}}', "pyinstrument"),
    ],
    ids=[
        "nan",
        "infinity",
        "1e400",
        "negative",
        "weight-beyond-any-recording",
        "sum-beyond-any-recording",
        "5000-digit-int",
        "event-span-overflows",
        "event-at-nan",
        "collapsed-1e400",
        "collapsed-weight-beyond-any-recording",
        "collapsed-sum-beyond-any-recording",
        "collapsed-5000-digits",
        "austin-5000-digits",
        "pstats-sum-beyond-any-recording",
        "pstats-cumulative-beyond-any-recording",
        "pyinstrument-nan",
    ],
)
def test_weights_that_are_not_finite_are_a_profile_error(
    tmp_path: Path, content: str | bytes, words: str
) -> None:
    """NaN or infinite weights, or a total a float cannot hold, would make every share NaN
    downstream: no ranking and no gate. They are a clear error naming the file instead."""
    with pytest.raises(ProfileError, match=re.escape(words)) as caught:
        read_profile(_write(tmp_path, "weights.prof", content))
    assert "weights.prof" in str(caught.value)


@pytest.mark.parametrize(
    "content",
    [
        '{"a": ' * 100_000,
        "[" * 100_000 + "]" * 100_000,
        '{"shared": {"frames": [' + HUGE_INT + ']}, "profiles": []}',
    ],
    ids=["deep-object", "deep-list-closed", "5000-digit-int"],
)
def test_json_too_deep_or_too_big_for_python_is_a_profile_error(
    tmp_path: Path, content: str
) -> None:
    with pytest.raises(ProfileError, match="deep.json"):
        read_profile(_write(tmp_path, "deep.json", content))


@pytest.mark.parametrize(
    "content",
    [
        json.dumps({f"key\n{i}\x1b[2J": i for i in range(3)}),
        _sampled('"\\n\\u001b]0;title\\u0007", 1'),
        json.dumps(
            {
                "$schema": SPEEDSCOPE_SCHEMA,
                "shared": {"frames": []},
                "profiles": [{"type": "x\ny" * 1000}],
            }
        ),
        json.dumps(
            {
                "$schema": SPEEDSCOPE_SCHEMA,
                "shared": {"frames": [{"name": "f"}]},
                "profiles": [{"type": "sampled", "samples": [[[0] * 10_000]]}],
            }
        ),
        "a;b 1\n\x1b]0;T\x07 \u202e\n",
    ],
    ids=["keys", "weight-string", "type", "frame-index-list", "collapsed-line"],
)
def test_messages_are_one_short_line_without_controls(tmp_path: Path, content: str) -> None:
    with pytest.raises(ProfileError) as caught:
        read_profile(_write(tmp_path, "ctl.json", content))
    message = str(caught.value)
    assert "ctl.json" in message
    assert not any(c in message for c in "\n\r\x1b\x07\u202e"), message
    assert len(message) < 600


def test_call_path_reads_as_the_tuple_of_its_frames() -> None:
    a, b, c = Frame("a", "/a.py", 1), Frame("b", "/b.py", 2), Frame("c", "/c.py", 3)
    path = CallPath(c, CallPath(b, CallPath(a)))
    assert len(path) == 3 and path[-1] == c and path[0] == a and path[1] == b
    assert list(path) == [a, b, c] and list(reversed(path)) == [c, b, a]
    assert path == (a, b, c) and (a, b, c) == path and path != (a, b)
    assert hash(path) == hash((a, b, c)) and path[1:] == (b, c)
    assert Stack(path, 1.0) == Stack((a, b, c), 1.0)
    with pytest.raises(IndexError):
        path[3]
    deep = None
    for _ in range(100_000):  # no recursion anywhere: any depth works
        deep = CallPath(a, deep)
    assert deep is not None and len(deep) == 100_000 and repr(deep)
    assert deep == CallPath(a, deep.caller) and deep != CallPath(b, deep.caller)
    assert pickle.loads(pickle.dumps(deep)) == deep


def _deep_evented(depth: int) -> dict[str, object]:
    """``depth`` nested opens of two alternating functions, one unit apart, then the closes."""
    events = [{"type": "O", "at": i, "frame": i % 2} for i in range(depth)]
    events += [{"type": "C", "at": depth + i, "frame": (depth - 1 - i) % 2} for i in range(depth)]
    return _speedscope(
        [
            {
                "type": "evented",
                "name": "t",
                "unit": "seconds",
                "endValue": 2 * depth,
                "events": events,
            }
        ],
        [{"name": "even", "file": "/app/deep.py"}, {"name": "odd", "file": "/app/deep.py"}],
    )


def test_20000_nested_evented_opens_read_in_linear_time(tmp_path: Path) -> None:
    """Each stack of an evented profile shares its callers (one path per depth): 20,000 nested
    opens used to build 200 million frames (over 3 minutes, 1.6 GB) and now take well under a
    second. A quadratic reader fails this by the subprocess timeout."""
    path = _write(tmp_path, "deep.json", _deep_evented(20_000))
    assert _read_elsewhere(path, timeout=60) == "ok 20000 20000 39999.0"


def test_20000_nested_evented_opens_rank_through_the_cli(tmp_path: Path) -> None:
    """The same profile end to end: reading and joining it to a tree stay linear too."""
    tree = tmp_path / "proj"
    tree.mkdir()
    (tree / "deep.py").write_text("def even():\n    odd()\n\n\ndef odd():\n    even()\n")
    profile = _write(tmp_path, "deep.json", _deep_evented(20_000))
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "goport",
            "scan",
            str(tree),
            "--format",
            "json",
            "--no-cache",
            "--no-history",
            "--profile",
            str(profile),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["profile"]["match_rate"] == 1.0
    measured = doc["candidates"][0]["measured"]
    assert measured["total_share"] == 1.0 and measured["self_share"] == 1.0
    functions = {f["qualname"]: f for f in doc["candidates"][0]["functions"]}
    assert functions


@pytest.mark.parametrize(
    "text",
    [
        'process 1:"python\n' + "main;f 1\n" * 50_000,  # a label never closed
        "main;" + "a (" * 100_000 + "b 1\n",  # backtracking bait for `name (file:line)`
        "main;" + ";".join(["f (/a.py:3)"] * 100_000) + " 1\n",  # one enormous stack
        "P1;T0:1;" + ";".join(["/a.py:f:3"] * 100_000) + " 100\n",
    ],
    ids=["unclosed-process-label", "paren-bomb", "deep-stack", "deep-austin-stack"],
)
def test_collapsed_stacks_read_in_linear_time(tmp_path: Path, text: str) -> None:
    out = _read_elsewhere(_write(tmp_path, "stacks.txt", text), timeout=60)
    assert out.startswith(("ok 1 ", "error:")), out


@pytest.mark.parametrize(
    ("frame", "line"),
    [(f"f (/a.py:{HUGE_INT})", None), ("f (/a.py:\u00b2)", None), ("/a.py:f:0", None)],
    ids=["5000-digit-line", "superscript-digit", "line-zero"],
)
def test_odd_line_numbers_are_dropped_not_fatal(tmp_path: Path, frame: str, line: None) -> None:
    profile = read_profile(_write(tmp_path, "stacks.txt", f"main;{frame} 1\n"))
    assert profile.stacks[0].frames[-1].line is line
