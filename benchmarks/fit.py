#!/usr/bin/env python3
"""Fit a linear ranking of module features to the validation labels, and check it per package.

Reads the rows ``validation.py`` writes (``benchmarks/.work/features.jsonl``: one per member
module, with its hot label, radon sloc and cc, goport's score and ``features``/``factors``) and
fits a **pairwise logistic ranking model**: a score w . z per module (z = the module's features,
transformed and standardised), trained so that within a package each hot module outscores each
module that is not hot, log(1 + exp(-(s_hot - s_other))) per pair; every package weighs the same
(its pairs' losses are averaged), plus an L2 penalty l2 * |w|^2. Newton's method (numpy when it
imports, plain Python otherwise; the data is a few thousand rows).

**Leave-one-package-out**: for each package, fit on the others and rank it by the fitted score;
its AP (expected over tied orders, ``rankmetrics.py``) is printed next to goport's, lines of
code's and radon CC's. Then the in-sample MAP (fit on every package) and the coefficients, per
standardised unit and per unit of the (transformed) feature.

Features: ``--features a,b,c`` picks names from the rows' ``features`` object, ``factor:NAME``
(goport's factor contributions) and ``sloc``/``cc``. Default: every numeric name in ``features``;
while goport emits none, every factor contribution plus sloc and cc. A value a row lacks counts
as 0 (goport leaves out a factor that does not apply). ``--transform log1p`` (default) applies
log(1 + x) to features that are never negative in the data (sizes and counts, whose effect
is closer to multiplicative), and leaves signed ones alone; ``--transform none`` fits raw values.

Usage:  python benchmarks/fit.py [--data FILE] [--features a,b] [--l2 X] [--transform log1p|none]
                                 [--all-packages] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rankmetrics import expected_ap, mean, order_by

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE / ".work" / "features.jsonl"
#: measured pairs for --joint: the hotter module has at least this share and this many times the
#: other's (closer shares are within the recordings' noise)
JOINT_MIN = 0.02
JOINT_RATIO = 3.0
DEFAULT_L2 = 0.05  # per standardised coefficient; small next to one package's mean pair loss

Row = dict[str, Any]
Vector = list[float]


# -- data ------------------------------------------------------------------------------------------


def load_rows(path: Path) -> list[Row]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def value(row: Row, name: str) -> float:
    """A feature of a row: ``sloc``/``cc``, ``factor:NAME`` or a name of ``features``; absent: 0."""
    if name in ("sloc", "cc"):
        got = row.get(name)
    elif name.startswith("factor:"):
        got = (row.get("factors") or {}).get(name[len("factor:") :])
    else:
        got = (row.get("features") or {}).get(name)
    return float(got) if isinstance(got, (int, float)) and not isinstance(got, bool) else 0.0


def default_features(rows: Sequence[Row]) -> tuple[list[str], str]:
    names = {
        k
        for r in rows
        for k, v in (r.get("features") or {}).items()
        if isinstance(v, (int, float)) and not isinstance(v, bool)
    }
    if names:
        return sorted(names), "every numeric name of the rows' `features`"
    factors = {
        f"factor:{k}" for r in rows for k in (r.get("factors") or {}) if k != "bounds"
    }  # bounds only clamps the total to 0-100
    return sorted(factors) + ["sloc", "cc"], (
        "no row has `features` (goport does not emit them yet): goport's factor contributions "
        "plus sloc and cc"
    )


def by_package(rows: Iterable[Row]) -> dict[str, list[Row]]:
    out: dict[str, list[Row]] = defaultdict(list)
    for r in rows:
        out[r["package"]].append(r)
    return dict(out)


def rankable(rows: Sequence[Row]) -> bool:
    """A package with at least one hot and one other module: it has pairs, and an AP."""
    labels = {int(r["label"]) for r in rows}
    return labels == {0, 1}


# -- design: transform and standardise ---------------------------------------------------------------


@dataclass(frozen=True)
class Design:
    """How raw feature values become model inputs, fitted on the training rows only."""

    names: tuple[str, ...]
    log: tuple[bool, ...]  # log1p applied
    mean: tuple[float, ...]
    std: tuple[float, ...]  # 0: the feature is constant in the training rows, and ignored

    @classmethod
    def fit(cls, rows: Sequence[Row], names: Sequence[str], transform: str) -> Design:
        cols = [[value(r, n) for r in rows] for n in names]
        log = tuple(transform == "log1p" and min(c, default=0.0) >= 0 for c in cols)
        cols = [[math.log1p(x) for x in c] if lg else c for c, lg in zip(cols, log)]
        means = tuple(sum(c) / len(c) for c in cols)
        stds = tuple(math.sqrt(sum((x - m) ** 2 for x in c) / len(c)) for c, m in zip(cols, means))
        return cls(tuple(names), log, means, tuple(s if s > 1e-12 else 0.0 for s in stds))

    def row(self, r: Row) -> Vector:
        out = []
        for n, lg, m, s in zip(self.names, self.log, self.mean, self.std):
            x = value(r, n)
            if lg:
                x = math.log1p(max(x, 0.0))
            out.append((x - m) / s if s else 0.0)
        return out


# -- the pairwise model ------------------------------------------------------------------------------


def set_weights(measured: Sequence[bool], balance: bool) -> list[float]:
    """Each package's weight in the loss (``measured``: whether each package is a measured one,
    in order): 1 each; with ``balance``, the measured packages together weigh as much as the
    validation packages together (two targets of equal standing, whatever their sizes)."""
    n_measured = sum(measured)
    n_labelled = len(measured) - n_measured
    if not balance or not n_measured or not n_labelled:
        return [1.0] * len(measured)
    return [n_labelled / n_measured if m else 1.0 for m in measured]


def pair_differences(
    packages: Mapping[str, Sequence[Row]],
    design: Design,
    offsets: Mapping[int, float] | None = None,
) -> tuple[list[list[Vector]], list[bool]]:
    """Per package, z_hot - z_other for every (hot, other) pair; with ``offsets`` (by row id),
    the difference of the rows' fixed score parts is appended as a last element. Packages with
    no pair are left out; the second list says which kept package is a measured one."""
    out = []
    kept: list[bool] = []
    for rows in packages.values():
        z = [design.row(r) for r in rows]
        if offsets is not None:
            z = [v + [offsets[id(r)]] for v, r in zip(z, rows)]
        if any("truth" in r for r in rows):  # measured: graded, pairs by share
            t = [float(r.get("truth") or 0.0) for r in rows]
            diffs = [
                [a - b for a, b in zip(z[i], z[j])]
                for i in range(len(rows))
                for j in range(len(rows))
                if t[i] >= JOINT_MIN and t[i] >= JOINT_RATIO * t[j]
            ]
        else:
            hot = [v for v, r in zip(z, rows) if r["label"]]
            other = [v for v, r in zip(z, rows) if not r["label"]]
            diffs = [[a - b for a, b in zip(h, o)] for h in hot for o in other]
        if diffs:
            out.append(diffs)
            kept.append(any("truth" in r for r in rows))
    return out, kept


def _softplus(x: float) -> float:
    return x + math.log1p(math.exp(-x)) if x > 0 else math.log1p(math.exp(x))


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1 / (1 + math.exp(-x))
    e = math.exp(x)
    return e / (1 + e)


def _solve(a: list[Vector], b: Vector) -> Vector:
    """Gaussian elimination with partial pivoting (a is small, symmetric positive definite)."""
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for col in range(n):
        piv = max(range(col, n), key=lambda i: abs(m[i][col]))
        m[col], m[piv] = m[piv], m[col]
        for i in range(col + 1, n):
            f = m[i][col] / m[col][col]
            for j in range(col, n + 1):
                m[i][j] -= f * m[col][j]
    x = [0.0] * n
    for i in range(n - 1, -1, -1):
        x[i] = (m[i][n] - sum(m[i][j] * x[j] for j in range(i + 1, n))) / m[i][i]
    return x


class _Python:
    """Loss, gradient and Hessian in plain Python."""

    def __init__(self, groups: list[list[Vector]], dim: int, weights: Sequence[float]) -> None:
        total = sum(weights)
        self.pairs = [
            (d[:dim], d[dim] if len(d) > dim else 0.0, wg / (total * len(g)))
            for g, wg in zip(groups, weights)
            for d in g
        ]
        self.dim = dim

    def loss(self, w: Vector, l2: float) -> float:
        data = sum(c * _softplus(-(sum(a * b for a, b in zip(w, d)) + o)) for d, o, c in self.pairs)
        return data + l2 * sum(x * x for x in w)

    def newton_step(self, w: Vector, l2: float) -> Vector:
        n = self.dim
        g = [2 * l2 * x for x in w]
        h = [[2 * l2 if i == j else 0.0 for j in range(n)] for i in range(n)]
        for d, o, c in self.pairs:
            p = _sigmoid(-(sum(a * b for a, b in zip(w, d)) + o))  # how wrong the pair is
            for i in range(n):
                g[i] -= c * p * d[i]
                ci = c * p * (1 - p) * d[i]
                if ci:
                    row = h[i]
                    for j in range(n):
                        row[j] += ci * d[j]
        return _solve(h, g)


class _Numpy:
    """The same, vectorised with numpy."""

    def __init__(self, groups: list[list[Vector]], dim: int, weights: Sequence[float]) -> None:
        import numpy as np

        self.np = np
        rows = [d + [0.0] if len(d) == dim else d for g in groups for d in g]
        full = np.array(rows, dtype=float).reshape(-1, dim + 1)
        self.d, self.o = full[:, :dim], full[:, dim]
        total = sum(weights)
        self.c = np.array([wg / (total * len(g)) for g, wg in zip(groups, weights) for _ in g])
        self.dim = dim

    def loss(self, w: Vector, l2: float) -> float:
        np = self.np
        m = self.d @ np.asarray(w) + self.o
        return float(self.c @ np.logaddexp(0.0, -m) + l2 * float(np.dot(w, w)))

    def newton_step(self, w: Vector, l2: float) -> Vector:
        np = self.np
        wv = np.asarray(w)
        p = 1 / (1 + np.exp(np.clip(self.d @ wv + self.o, -700, 700)))
        g = -(self.d.T @ (self.c * p)) + 2 * l2 * wv
        h = (self.d.T * (self.c * p * (1 - p))) @ self.d + 2 * l2 * np.eye(self.dim)
        return [float(x) for x in np.linalg.solve(h, g)]


def fit_pairwise(
    groups: list[list[Vector]],
    dim: int,
    l2: float,
    use_numpy: bool | None = None,
    weights: Sequence[float] | None = None,
) -> Vector:
    """Minimise the package-averaged pairwise logistic loss + l2 |w|^2 (Newton, backtracking)."""
    if l2 <= 0:
        raise ValueError("l2 must be > 0 (separable labels would push the weights to infinity)")
    if use_numpy is None:
        try:
            import numpy  # noqa: F401
        except ImportError:
            use_numpy = False
        else:
            use_numpy = True
    weights = list(weights) if weights is not None else [1.0] * len(groups)
    model = _Numpy(groups, dim, weights) if use_numpy else _Python(groups, dim, weights)
    w = [0.0] * dim
    if not groups:
        return w
    current = model.loss(w, l2)
    for _ in range(100):
        step = model.newton_step(w, l2)
        t = 1.0
        while True:
            trial = [a - t * b for a, b in zip(w, step)]
            new = model.loss(trial, l2)
            if new <= current + 1e-15 or t < 1e-10:
                break
            t /= 2
        w, current = trial, new
        if max((abs(t * s) for s in step), default=0.0) < 1e-10:
            break
    return w


@dataclass(frozen=True)
class Offsets:
    """The fixed part of goport's score, for fitting the gain around the costs it applies."""

    fitted_factors: tuple[str, ...]
    scale: float  # points per model unit (gain_points)

    def of(self, row: Row) -> float:
        """The row's score less the fitted factors' contributions, in model units."""
        score = row.get("score")
        if not isinstance(score, (int, float)):
            return 0.0
        factors = row.get("factors") or {}
        fitted = sum(float(factors.get(f, 0.0)) for f in self.fitted_factors)
        return (float(score) - fitted) / self.scale


@dataclass(frozen=True)
class Fitted:
    design: Design
    weights: tuple[float, ...]
    offsets: Offsets | None = None

    def score(self, row: Row) -> float:
        fixed = self.offsets.of(row) if self.offsets else 0.0
        return fixed + sum(w * z for w, z in zip(self.weights, self.design.row(row)))

    def raw_weights(self) -> tuple[float, ...]:
        """Per unit of the (transformed) feature: the standardised weight over its std."""
        return tuple(w / s if s else 0.0 for w, s in zip(self.weights, self.design.std))


def fit(
    packages: Mapping[str, Sequence[Row]],
    names: Sequence[str],
    l2: float,
    transform: str,
    use_numpy: bool | None = None,
    offsets: Offsets | None = None,
    balance: bool = False,
) -> Fitted:
    rows = [r for rs in packages.values() for r in rs]
    design = Design.fit(rows, names, transform)
    fixed = {id(r): offsets.of(r) for r in rows} if offsets else None
    groups, measured = pair_differences(packages, design, fixed)
    w = fit_pairwise(groups, len(names), l2, use_numpy, set_weights(measured, balance))
    return Fitted(design, tuple(w), offsets)


# -- evaluation ------------------------------------------------------------------------------------


def ap_by(rows: Sequence[Row], key: Mapping[str, float]) -> float | None:
    """AP of the package ranked by ``key`` (descending; ties expected over their orders)."""
    return expected_ap(order_by(key), [r["rel_path"] for r in rows if r["label"]])


def baselines(rows: Sequence[Row]) -> dict[str, float | None]:
    """goport (its tie groups, modules it does not rank last), LOC and CC, as in validation.py."""
    last = max((r.get("goport_group") or 0 for r in rows), default=0) + 1
    goport = {r["rel_path"]: -float(r.get("goport_group") or last) for r in rows}
    return {
        "goport": ap_by(rows, goport),
        "loc": ap_by(rows, {r["rel_path"]: float(r["sloc"]) for r in rows}),
        "cc": ap_by(rows, {r["rel_path"]: float(r["cc"]) for r in rows}),
    }


def model_ap(model: Fitted, rows: Sequence[Row]) -> float | None:
    # rounded so that modules with identical features tie instead of splitting on float noise
    return ap_by(rows, {r["rel_path"]: round(model.score(r), 9) for r in rows})


def lopo(
    packages: Mapping[str, Sequence[Row]],
    names: Sequence[str],
    l2: float,
    transform: str,
    use_numpy: bool | None = None,
    extra: Mapping[str, Sequence[Row]] | None = None,
    offsets: Offsets | None = None,
    balance: bool = False,
) -> dict[str, float | None]:
    """Leave-one-package-out AP of every package: fitted on all the others (and ``extra``)."""
    out: dict[str, float | None] = {}
    for held in packages:
        train = {p: rs for p, rs in packages.items() if p != held} | dict(extra or {})
        model = fit(train, names, l2, transform, use_numpy, offsets, balance)
        out[held] = model_ap(model, packages[held])
    return out


# -- main ------------------------------------------------------------------------------------------


def fmt(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.3f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="validation.py's rows")
    parser.add_argument("--features", default="", help="comma-separated feature names")
    parser.add_argument("--l2", type=float, default=DEFAULT_L2, help="L2 penalty (> 0)")
    parser.add_argument("--transform", choices=("log1p", "none"), default="log1p")
    parser.add_argument(
        "--all-packages", action="store_true", help="also fit on the informative packages"
    )
    parser.add_argument("--json", type=Path, help="write the fitted coefficients here")
    parser.add_argument(
        "--measured",
        type=Path,
        help="measured.py --features rows: also report the fitted model's NDCG@5 against "
        "measured self time there (held out: the model never sees them unless --joint)",
    )
    parser.add_argument(
        "--balance",
        action="store_true",
        help="with --joint: weigh the measured set as much as the validation set in the loss "
        "(by default every package weighs the same, so the larger set dominates)",
    )
    parser.add_argument(
        "--joint",
        action="store_true",
        help="also train on the measured rows: pairs of modules whose measured shares differ "
        f"by {JOINT_RATIO:g}x or more (the hotter one above)",
    )
    parser.add_argument(
        "--offset",
        metavar="FACTORS",
        help="fit the gain around goport's other factors: each row's score less these "
        "comma-separated factor contributions (the fitted ones) is a fixed part of the model "
        "score, in units of --gain-points; the features should be the fitted factors' inputs",
    )
    parser.add_argument(
        "--gain-points", type=float, default=15.0, help="points per model unit (calibration)"
    )
    args = parser.parse_args(argv)

    if not args.data.is_file():
        sys.exit(f"{args.data} not found: run benchmarks/validation.py first")
    rows = load_rows(args.data)
    if not args.all_packages:
        rows = [r for r in rows if r.get("counted", True)]
    packages = {p: rs for p, rs in by_package(rows).items() if rankable(rs)}
    if len(packages) < 2:
        sys.exit("need at least two packages with hot and other modules")
    if args.features:
        names = [n.strip() for n in args.features.split(",") if n.strip()]
        why = "--features"
    else:
        names, why = default_features(rows)
    print(f"pairwise logistic ranking fit: {len(packages)} packages, {len(rows)} modules")
    print(f"features ({why}): {', '.join(names)}")
    print(f"transform {args.transform}, l2 {args.l2:g}")
    print()

    measured = by_package(load_rows(args.measured)) if args.measured else {}
    extra = measured if args.joint else {}
    offsets = (
        Offsets(tuple(f.strip() for f in args.offset.split(",")), args.gain_points)
        if args.offset
        else None
    )
    if offsets:
        print(f"offset: the score less {', '.join(offsets.fitted_factors)}")
    balance = args.balance and bool(extra)
    held_out = lopo(
        packages, names, args.l2, args.transform, extra=extra, offsets=offsets, balance=balance
    )
    model = fit(
        {**packages, **extra}, names, args.l2, args.transform, offsets=offsets, balance=balance
    )
    if balance:
        print("--balance: the measured packages together weigh as much as the labelled ones")
    base = {p: baselines(rs) for p, rs in packages.items()}
    inside = {p: model_ap(model, rs) for p, rs in packages.items()}
    head = f"{'package':<14} {'n':>4} {'k':>3}  {'LOPO':>6} {'in-fit':>6}  {'goport':>6} {'loc':>6} {'cc':>6}"
    print(head)
    print("-" * len(head))
    for p, rs in packages.items():
        k = sum(1 for r in rs if r["label"])
        b = base[p]
        print(
            f"{p:<14} {len(rs):>4} {k:>3}  {fmt(held_out[p]):>6} {fmt(inside[p]):>6}  "
            f"{fmt(b['goport']):>6} {fmt(b['loc']):>6} {fmt(b['cc']):>6}"
        )
    maps = {
        "LOPO": mean(list(held_out.values())),
        "in-sample": mean(list(inside.values())),
        **{k: mean([b[k] for b in base.values()]) for k in ("goport", "loc", "cc")},
    }
    print()
    print("macro MAP  " + " | ".join(f"{k} {fmt(v)}" for k, v in maps.items()))
    beats = sum(1 for p in packages if (held_out[p] or 0) > (base[p]["cc"] or 0) + 1e-9)
    print(f"LOPO AP > cc AP on {beats}/{len(packages)} packages")
    print()
    print(f"coefficients (fit on all {len(packages)} packages), largest first:")
    print(
        f"  {'feature':<32} {'per std':>8} {'per unit':>10} {'transform':>9} {'mean':>9} {'std':>9}"
    )
    raw = model.raw_weights()
    d = model.design
    for i in sorted(range(len(names)), key=lambda i: -abs(model.weights[i])):
        print(
            f"  {names[i]:<32} {model.weights[i]:>+8.3f} {raw[i]:>+10.4g} "
            f"{'log1p' if d.log[i] else '-':>9} {d.mean[i]:>9.4g} {d.std[i]:>9.4g}"
        )
    print(
        "  (per std: per standard deviation of the transformed feature; per unit: per unit of it)"
    )
    if measured:
        from measured import ndcg

        print()
        print(f"measured set ({'in training, --joint' if args.joint else 'held out'}): NDCG@5")
        scores = {}
        for p, rs in measured.items():
            truth = {r["rel_path"]: float(r["truth"]) for r in rs}
            fitted = order_by({r["rel_path"]: round(model.score(r), 9) for r in rs})
            static = order_by({r["rel_path"]: float(r.get("score") or -1e9) for r in rs})
            loc = order_by({r["rel_path"]: float(r["sloc"]) for r in rs})
            scores[p] = (ndcg(fitted, truth), ndcg(static, truth), ndcg(loc, truth))
            print(
                f"  {p:<18} fitted {fmt(scores[p][0])}  goport {fmt(scores[p][1])}  loc {fmt(scores[p][2])}"
            )
        print(
            "  macro              "
            + "  ".join(
                f"{name} {fmt(mean([v[i] for v in scores.values()]))}"
                for i, name in enumerate(("fitted", "goport", "loc"))
            )
        )
    if args.json:
        out = {
            "features": names,
            "transform": {n: "log1p" if lg else "none" for n, lg in zip(names, d.log)},
            "mean": dict(zip(names, d.mean)),
            "std": dict(zip(names, d.std)),
            "coef_standardised": dict(zip(names, model.weights)),
            "coef_raw": dict(zip(names, raw)),
            "l2": args.l2,
            "packages": sorted(packages),
            "lopo_ap": held_out,
            "map": maps,
        }
        args.json.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
        print(f"coefficients -> {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
