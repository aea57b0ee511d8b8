"""Parallel extraction reports progress as batches finish, and its results do not depend on
the order in which they finish."""

from __future__ import annotations

import concurrent.futures
import itertools
import math
import random
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from pathlib import Path

import pytest

from goport import analysis
from goport import config as config_mod
from goport.analysis import BATCH_FILES, analyse
from goport.config import Config
from goport.discover import discover
from goport.model import AnalysisError, ModuleFacts

FILES = 160
WORKERS = 2


def _project(root: Path) -> Path:
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "__init__.py").write_text("")
    for i in range(FILES):
        loops = "".join(
            "    " * (j + 1) + f"for a{j} in xs:\n" for j in range(i % 4)
        )  # files of different sizes
        body = loops + "    " * (i % 4 + 1) + "pass\n"
        (root / "pkg" / f"m{i}.py").write_text(f"def f(xs):\n{body}    return {i}\n")
    (root / "pkg" / "broken.py").write_text("def f(:\n")
    return root


Run = tuple[list[ModuleFacts], list[AnalysisError], list[tuple[int, int, float]]]


def _analyse(root: Path, jobs: int) -> Run:
    calls: list[tuple[int, int, float]] = []
    files = discover(root).files
    config = Config(root=root, jobs=jobs, use_cache=False, history=False)
    facts, errors, _ = analyse(files, config, lambda *a: calls.append(a), root=root)
    return facts, errors, calls


def _in_order(
    order: Callable[[list[Future[object]]], list[Future[object]]],
) -> Callable[..., Iterator[Future[object]]]:
    """``as_completed`` that waits for every batch, then hands them out in ``order``."""

    def completed(fs: Iterable[Future[object]]) -> Iterator[Future[object]]:
        futures = list(fs)
        concurrent.futures.wait(futures)
        used.append(len(futures))
        yield from order(futures)

    used: list[int] = []
    completed.used = used  # type: ignore[attr-defined]
    return completed


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _project(tmp_path_factory.mktemp("progress"))


@pytest.fixture(scope="module")
def serial(project: Path) -> Run:
    return _analyse(project, jobs=1)


@pytest.fixture
def two_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two worker processes, on a machine with fewer cores too."""
    monkeypatch.setattr(config_mod, "available_cores", lambda: WORKERS)


@pytest.mark.parametrize(
    "order",
    [
        pytest.param(lambda fs: fs[::-1], id="last-sent-first"),
        pytest.param(lambda fs: random.Random(7).sample(fs, len(fs)), id="shuffled"),
    ],
)
def test_results_do_not_depend_on_the_order_batches_finish(
    project: Path,
    serial: Run,
    two_workers: None,
    monkeypatch: pytest.MonkeyPatch,
    order: Callable[[list[Future[object]]], list[Future[object]]],
) -> None:
    completed = _in_order(order)
    monkeypatch.setattr(analysis, "as_completed", completed)
    facts, errors, calls = _analyse(project, jobs=WORKERS)
    assert completed.used, "the work did not go to worker processes"  # type: ignore[attr-defined]
    assert facts == serial[0]
    assert [m.rel_path for m in facts] == sorted(m.rel_path for m in facts)
    assert errors == serial[1]
    assert [e.rel_path for e in errors] == ["pkg/broken.py"]
    assert calls[-1] == (FILES + 2, FILES + 2, 1.0)


def test_progress_moves_with_every_batch(project: Path, serial: Run, two_workers: None) -> None:
    facts, errors, calls = _analyse(project, jobs=WORKERS)
    assert (facts, errors) == (serial[0], serial[1])
    total = FILES + 2
    done = [c[0] for c in calls]
    work = [c[2] for c in calls]
    assert all(c[1] == total for c in calls)
    assert done[0] == 0 and done[-1] == total
    assert all(a < b for a, b in itertools.pairwise(done))  # each batch adds files
    assert all(a <= b for a, b in itertools.pairwise(work)) and work[-1] == 1.0
    # a call per batch of at most BATCH_FILES files: many more than the 16 big batches (one
    # per worker and 8 more) whose results used to come back in the order they were sent
    assert len(calls) >= 1 + math.ceil(total / BATCH_FILES) > 1 + WORKERS * 8


def test_serial_progress_counts_every_file(serial: Run) -> None:
    done = [c[0] for c in serial[2]]
    assert done == list(range(FILES + 3))
