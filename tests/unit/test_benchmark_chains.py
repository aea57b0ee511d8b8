"""benchmarks/chains.py: recorded stacks read as goport names functions, and the agreement of
the estimate's best callers with the callers observed."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import chains
from measured import Spec, Tree


@pytest.mark.parametrize(
    ("recorded", "counted"),
    [
        ("<listcomp>", "<module>"),
        ("parse", "parse"),
        ("Table._render.<locals>.<listcomp>", "Table._render"),
        ("outer.<locals>.inner", "outer.<locals>.inner"),
        ("outer.<locals>.inner.<locals>.<lambda>.<locals>.<genexpr>", "outer.<locals>.inner"),
    ],
)
def test_a_comprehension_or_lambda_frame_is_counted_in_its_function(
    recorded: str, counted: str
) -> None:
    assert chains.function_of(recorded) == counted


def test_agreement_weighs_each_function_by_the_samples_it_has_a_caller_in() -> None:
    observed = chains.observed_calls(
        [
            (["m:a", "m:b", "m:c"], 2.0),
            (["m:a", "m:c"], 1.0),
            (["m:x", "m:b"], 1.0),
            (["m:a", "m:b", "m:a", "m:b"], 1.0),  # recursion: each pair once per sample
        ]
    )
    assert observed.callers["m:c"] == {"m:b": 2.0, "m:a": 1.0}
    assert observed.callers["m:b"] == {"m:a": 3.0, "m:x": 1.0}
    assert observed.weight == {"m:b": 4.0, "m:c": 3.0, "m:a": 1.0}
    # c: its top caller; b: a caller, not the top one; a: none named
    found = chains.agreement(observed, {"m:c": "m:b", "m:b": "m:x"})
    assert found.callees == 3
    assert found.top == pytest.approx(3 / 8)
    assert found.seen == pytest.approx(7 / 8)
    assert found.above == pytest.approx(7 / 8)
    assert found.none == pytest.approx(1 / 8)
    other = chains.agreement(observed, {"m:c": "m:a", "m:b": "m:a", "m:a": "m:b"})
    assert other.top == pytest.approx(5 / 8)  # b's and a's, not c's
    assert other.seen == pytest.approx(1.0)


def test_a_caller_with_a_wrapper_in_between_is_above_not_seen() -> None:
    observed = chains.observed_calls([(["m:a", "m:wrapper", "m:f"], 1.0)])
    found = chains.agreement(observed, {"m:f": "m:a", "m:wrapper": "m:a"})
    assert (found.top, found.seen, found.above) == (0.5, 0.5, 1.0)


def test_recorded_stacks_keep_the_package_frames_as_module_and_qualname(tmp_path: Path) -> None:
    site = "/venv/lib/python3.11/site-packages"
    frames = [
        {"name": "main", "file": "/work/driver.py", "line": 3},
        {"name": "Table.render", "file": f"{site}/pkg/table.py", "line": 10},
        {"name": "Table.render.<locals>.<listcomp>", "file": f"{site}/pkg/table.py", "line": 11},
        {"name": "sub", "file": "/usr/lib/python3.11/re/__init__.py", "line": 200},
        {"name": "_cell", "file": f"{site}/pkg/cells.py", "line": 5},
        {"name": "other", "file": f"{site}/otherpkg/x.py", "line": 1},
    ]
    recording = tmp_path / "B.json"
    recording.write_text(
        json.dumps(
            {
                "shared": {"frames": frames},
                "profiles": [
                    {"samples": [[0, 1, 2, 3, 4], [0, 5], [0, 1]], "weights": [2.0, 1.0, 1.0]}
                ],
            }
        )
    )
    spec = Spec("pkg", "1.0", ("pkg",), "pkg.py", "")
    tree = Tree(tmp_path, "src", ["src/pkg/table.py", "src/pkg/cells.py"])
    modules = {"src/pkg/table.py": "pkg.table", "src/pkg/cells.py": "pkg.cells"}
    stacks = chains.recorded_stacks(recording, spec, tree, modules)
    assert stacks == [
        (["pkg.table:Table.render", "pkg.cells:_cell"], 2.0),
        (["pkg.table:Table.render"], 1.0),
    ]
