"""The validation benchmark's ranking metrics and its ranking fit (benchmarks/rankmetrics.py, fit.py).

The benchmarks are scripts, not a package: they are imported from their folder, as they import
each other when run.
"""

from __future__ import annotations

import itertools
import json
import math
import random
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import fit
import rankmetrics as rm
import validation


def _orders(ranking: Sequence[Sequence[str]]) -> list[list[str]]:
    """Every strict order a tied ranking stands for."""
    per_group = [list(itertools.permutations(g)) for g in ranking]
    return [[m for part in combo for m in part] for combo in itertools.product(*per_group)]


def _precision_at_k(order: Sequence[str], relevant: set[str], k: int) -> float:
    return sum(1 for m in order[:k] if m in relevant) / k


# -- average precision and precision at k -----------------------------------------------------------


def test_ap_of_a_strict_order_follows_the_definition() -> None:
    ranking = [["a"], ["b"], ["c"], ["d"], ["e"]]
    # relevant at positions 2 and 4: (1/2 + 2/4) / 2
    assert rm.expected_ap(ranking, {"b", "d"}) == pytest.approx(0.5)
    assert rm.expected_ap(ranking, {"a"}) == pytest.approx(1.0)
    assert rm.expected_ap(ranking, {"e"}) == pytest.approx(0.2)
    assert rm.plain_ap(["a", "b", "c", "d", "e"], {"b", "d"}) == pytest.approx(0.5)
    assert rm.expected_ap(ranking, set()) is None


def test_precision_at_k_of_a_strict_order() -> None:
    ranking = [["a"], ["b"], ["c"], ["d"]]
    assert rm.expected_precision_at_k(ranking, {"a", "c"}, 2) == pytest.approx(0.5)
    assert rm.expected_precision_at_k(ranking, {"a", "b"}, 2) == pytest.approx(1.0)
    assert rm.expected_precision_at_k(ranking, {"c", "d"}, 2) == pytest.approx(0.0)


def test_a_tie_scores_the_expectation_not_the_alphabetical_order() -> None:
    # one relevant module tied with one other at the top: rank 1 or 2, AP 1 or 1/2
    assert rm.expected_ap([["a", "b"]], {"b"}) == pytest.approx(0.75)
    assert rm.expected_ap([["b", "a"]], {"b"}) == pytest.approx(0.75)
    assert rm.expected_precision_at_k([["a", "b"]], {"b"}, 1) == pytest.approx(0.5)
    # everything tied: one relevant among n scores the mean of 1/j, j = 1..n
    n = 7
    everything = [[f"m{i}" for i in range(n)]]
    harmonic = sum(1 / j for j in range(1, n + 1)) / n
    assert rm.expected_ap(everything, {"m3"}) == pytest.approx(harmonic)


@pytest.mark.parametrize("seed", range(12))
def test_tied_expectations_equal_the_mean_over_every_order(seed: int) -> None:
    rng = random.Random(seed)
    modules = [f"m{i}" for i in range(8)]
    rng.shuffle(modules)
    ranking: list[list[str]] = []
    i = 0
    while i < len(modules):
        size = rng.choice([1, 1, 2, 3, 4])
        ranking.append(modules[i : i + size])
        i += size
    relevant = set(rng.sample(modules, rng.randint(1, 4)))
    orders = _orders(ranking)
    brute_ap = sum(rm.plain_ap(o, relevant) or 0.0 for o in orders) / len(orders)
    assert rm.expected_ap(ranking, relevant) == pytest.approx(brute_ap)
    for k in (1, len(relevant), 5):
        brute_pk = sum(_precision_at_k(o, relevant, k) for o in orders) / len(orders)
        assert rm.expected_precision_at_k(ranking, relevant, k) == pytest.approx(brute_pk)


def test_a_relevant_module_missing_from_the_ranking_is_an_error() -> None:
    with pytest.raises(ValueError, match="not in the ranking"):
        rm.expected_ap([["a"], ["b"]], {"c"})


def test_order_by_ties_equal_values_and_ranks_share_the_mean() -> None:
    ranking = rm.order_by({"a": 3.0, "b": 5.0, "c": 3.0, "d": 1.0})
    assert ranking == [["b"], ["a", "c"], ["d"]]
    assert rm.average_ranks(ranking) == {"b": 1.0, "a": 2.5, "c": 2.5, "d": 4.0}


# -- goport's order as validation.py reads it -------------------------------------------------------


def _candidate(path: str, rank: int, score: float, factors: dict[str, float]) -> dict[str, Any]:
    return {
        "path": path,
        "rank": rank,
        "score": score,
        "factors": [{"name": n, "contribution": c} for n, c in factors.items()],
    }


def test_goport_ties_are_what_its_sort_cannot_tell_apart() -> None:
    candidates = [
        _candidate("p/hot.py", 1, 30.0, {"cpu-bound": 40.0, "size": -10.0}),
        _candidate("p/a.py", 2, 0.0, {"cpu-bound": 2.0, "size": -5.0, "bounds": 3.0}),
        _candidate("p/b.py", 3, 0.0, {"size": -1.0, "bounds": 1.0}),
        _candidate("p/c.py", 4, 0.0, {"size": -1.0, "bounds": 1.0}),
        _candidate("other/x.py", 5, 0.0, {"size": -1.0, "bounds": 1.0}),
    ]
    members = ["p/hot.py", "p/a.py", "p/b.py", "p/c.py", "p/never.py"]
    full = validation.goport_ranking(candidates, members)
    # a.py has some benefit: goport puts it above b and c; b and c differ only by name
    assert full == [["p/hot.py"], ["p/a.py"], ["p/b.py", "p/c.py"], ["p/never.py"]]
    coarse = validation.goport_ranking(candidates, members, score_only=True)
    assert coarse == [["p/hot.py"], ["p/a.py", "p/b.py", "p/c.py"], ["p/never.py"]]


def test_members_leave_out_tests_docs_and_the_excluded() -> None:
    spec = validation.Spec(
        name="x", version="1", scan=".", members=("pkg/",), exclude=("pkg/bench/",),
        count=True, informative="", hot={}, glue={}, hot_complement=None,
    )  # fmt: skip
    assert validation.is_member("pkg/core.py", spec)
    assert validation.is_member("pkg/sub/__init__.py", spec)
    for path in ("pkg/tests/t.py", "pkg/test_core.py", "pkg/conftest.py", "pkg/bench/b.py",
                 "pkg/docs/conf.py", "setup.py", "other/core.py"):  # fmt: skip
        assert not validation.is_member(path, spec), path


# -- the pairwise fit ---------------------------------------------------------------------------------


def _synthetic(packages: int, modules: int, seed: int) -> list[dict[str, Any]]:
    """Packages whose hot modules have a large `signal`; `noise` and `size` carry nothing."""
    rng = random.Random(seed)
    rows = []
    for p in range(packages):
        signal = [rng.lognormvariate(0, 1) for _ in range(modules)]
        noisy = [s * math.exp(rng.gauss(0, 0.05)) for s in signal]
        hot = set(sorted(range(modules), key=lambda i: -noisy[i])[:2])
        for i in range(modules):
            size = rng.randint(5, 900)
            rows.append(
                {
                    "package": f"pkg{p}",
                    "rel_path": f"pkg{p}/m{i}.py",
                    "label": int(i in hot),
                    "counted": True,
                    "sloc": size,
                    "cc": size // 7,
                    "goport_group": i + 1,
                    "features": {"signal": signal[i], "noise": rng.gauss(0, 1)},
                    "factors": {},
                }
            )
    return rows


def test_fit_recovers_a_planted_signal_leave_one_package_out() -> None:
    packages = fit.by_package(_synthetic(packages=6, modules=25, seed=3))
    names = ["signal", "noise", "sloc"]
    held_out = fit.lopo(packages, names, l2=0.01, transform="log1p", use_numpy=False)
    lopo_map = rm.mean(list(held_out.values()))
    assert lopo_map is not None and lopo_map > 0.85
    model = fit.fit(packages, names, l2=0.01, transform="log1p", use_numpy=False)
    w = dict(zip(names, model.weights))
    assert w["signal"] > 1.0
    assert abs(w["noise"]) < w["signal"] / 3 and abs(w["sloc"]) < w["signal"] / 3
    # the size baselines know nothing of the signal
    loc = rm.mean([fit.baselines(rs)["loc"] for rs in packages.values()])
    assert loc is not None and loc < lopo_map - 0.3
    # log1p is applied only where every value is >= 0
    assert model.design.log == (True, False, True)


def test_an_offset_carries_what_the_fit_does_not_set() -> None:
    """With goport's other factors as a fixed part of the score, the fit learns only what they
    leave: a planted cost that pushes the hot modules down is taken as given, and the signal's
    weight grows to rank them first anyway."""
    rows = _synthetic(packages=6, modules=25, seed=5)
    for r in rows:
        cost = -20.0 if r["label"] else 0.0  # the hot modules carry a cost the fit cannot change
        r["factors"] = {"signal-term": 0.0, "cost": cost}
        r["score"] = cost
    packages = fit.by_package(rows)
    names = ["signal", "noise"]
    offsets = fit.Offsets(("signal-term",), scale=15.0)
    assert offsets.of(rows[0]) == rows[0]["score"] / 15.0
    plain = fit.fit(packages, names, l2=0.01, transform="log1p", use_numpy=False)
    around = fit.fit(packages, names, l2=0.01, transform="log1p", use_numpy=False, offsets=offsets)
    assert around.weights[0] > plain.weights[0] > 0
    assert around.score(rows[0]) == pytest.approx(
        offsets.of(rows[0]) + sum(w * z for w, z in zip(around.weights, around.design.row(rows[0])))
    )


def test_numpy_and_plain_python_fits_agree() -> None:
    pytest.importorskip("numpy")
    packages = fit.by_package(_synthetic(packages=4, modules=15, seed=8))
    names = ["signal", "noise", "sloc", "cc"]
    a = fit.fit(packages, names, l2=0.1, transform="log1p", use_numpy=False)
    b = fit.fit(packages, names, l2=0.1, transform="log1p", use_numpy=True)
    assert a.weights == pytest.approx(b.weights, abs=1e-6)
    rows = [r for rs in packages.values() for r in rs]
    for r in rows:
        r["score"] = float(r["label"]) * 3.0
    offsets = fit.Offsets((), scale=15.0)
    c = fit.fit(packages, names, l2=0.1, transform="log1p", use_numpy=False, offsets=offsets)
    d = fit.fit(packages, names, l2=0.1, transform="log1p", use_numpy=True, offsets=offsets)
    assert c.weights == pytest.approx(d.weights, abs=1e-6)


def test_fit_reads_validation_rows_and_writes_coefficients(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "features.jsonl"
    rows = _synthetic(packages=3, modules=10, seed=1)
    rows.append({**rows[0], "package": "informative", "counted": False})
    data.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "coef.json"
    assert fit.main(["--data", str(data), "--features", "signal,sloc", "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "pkg0" in printed and "informative" not in printed
    coef = json.loads(out.read_text(encoding="utf-8"))
    assert coef["features"] == ["signal", "sloc"]
    assert coef["coef_standardised"]["signal"] > 0
    assert set(coef["lopo_ap"]) == {"pkg0", "pkg1", "pkg2"}


def test_default_features_fall_back_to_factors_while_goport_emits_none() -> None:
    rows = [
        {"features": {}, "factors": {"cpu-bound": 3.0, "bounds": 1.0}},
        {"features": {}, "factors": {"size": -2.0}},
    ]
    names, _ = fit.default_features(rows)
    assert names == ["factor:cpu-bound", "factor:size", "sloc", "cc"]
    rows[0]["features"] = {"loops": 4, "label": "x"}
    assert fit.default_features(rows)[0] == ["loops"]
    assert fit.value(rows[1], "factor:cpu-bound") == 0.0


def test_feature_rows_carry_goport_features_and_factors() -> None:
    spec = validation.Spec(
        name="x", version="1", scan=".", members=("p/",), exclude=(), count=True,
        informative="", hot={"p/a.py": "twin"}, glue={}, hot_complement=None,
    )  # fmt: skip
    listed = _candidate("p/a.py", 1, 3.0, {"cpu-bound": 3.0})
    listed["features"] = {"loops": 2, "calls": 1.5}
    members = {
        "p/a.py": validation.Member("p/a.py", 1, False, 10, 3, listed),
        "p/b.py": validation.Member("p/b.py", 0, True, 5, 1, None),  # not a candidate
    }
    result = validation.Result(
        spec, "x-1.tar.gz", Path("."), members, {"goport": [["p/a.py"], ["p/b.py"]]}, 1, [],
        {"p/a.py": "twin"},
    )  # fmt: skip
    a, b = validation.feature_rows(result)
    assert a["label"] == 1 and a["features"] == {"loops": 2, "calls": 1.5}
    assert a["factors"] == {"cpu-bound": 3.0} and a["score"] == 3.0 and a["goport_group"] == 1
    assert b["label"] == 0 and b["glue"] is True and b["features"] == {} and b["score"] is None
    assert b["goport_group"] == 2 and (b["sloc"], b["cc"]) == (5, 1)


def test_balance_weighs_the_measured_set_as_much_as_the_labelled_one() -> None:
    """--balance: two targets of equal standing, whatever the number of packages in each. A
    measured package that says the opposite of the labels pulls the weight further with it."""
    labelled = fit.by_package(_synthetic(packages=6, modules=15, seed=11))
    rows = sorted(
        _synthetic(packages=1, modules=15, seed=12), key=lambda r: r["features"]["signal"]
    )
    # graded truth that runs against the planted signal: the weakest signal is the hottest
    measured_rows = [{**r, "package": "measured", "truth": 0.5 / 3**i} for i, r in enumerate(rows)]
    measured = fit.by_package(measured_rows)
    both = {**labelled, **measured}
    design = fit.Design.fit([r for rs in both.values() for r in rs], ["signal"], "log1p")
    flat = {"flat": [{**r, "package": "flat", "truth": 0.01} for r in measured_rows]}
    groups, flags = fit.pair_differences({**both, **flat}, design)
    assert len(groups) == 7 and flags == [False] * 6 + [True]  # the flat package has no pair
    assert fit.set_weights(flags, balance=False) == [1.0] * 7
    assert fit.set_weights(flags, balance=True) == [1.0] * 6 + [6.0]
    assert fit.set_weights([False] * 6, balance=True) == [1.0] * 6  # nothing to balance
    names = ["signal", "noise"]
    plain = fit.fit(both, names, l2=0.1, transform="log1p", use_numpy=False)
    balanced = fit.fit(both, names, l2=0.1, transform="log1p", use_numpy=False, balance=True)
    assert balanced.weights[0] < plain.weights[0]
