"""The static estimate end to end: a small project, ``pipeline.run``, the JSON report, explain."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from jsonschema import Draft202012Validator

from goport.config import Config
from goport.pipeline import run
from goport.reports import Format, Options, render
from goport.reports.json_report import schema

# Row's __getitem__ is small, but three modules index rows inside loops; the other modules are
# bigger (more statements) and run once per call. Tests run Row too, and must not count.
ROWS = """
    class Row:
        def __init__(self, values):
            self.values = list(values)

        def __getitem__(self, i):
            value = self.values[i]
            return value if value is not None else 0

        def __len__(self):
            return len(self.values)
    """
USERS = {
    "shop/totals.py": """
        from shop.rows import Row

        def total(data):
            row = Row(data)
            s = 0
            for i in range(len(row)):
                s += row[i]
            return s
        """,
    "shop/ranking.py": """
        from shop import rows

        def best(table: rows.Row, width):
            top = None
            for i in range(width):
                for j in range(width):
                    if top is None or table[i] > top:
                        top = table[j]
            return top
        """,
    "shop/report.py": """
        from shop.rows import Row

        def columns(records):
            out = []
            for record in records:
                row = Row(record)
                out.append([row[k] for k in range(3)])
            return out
        """,
}
BIG = "\n".join(f"    setting_{i} = str({i}) + name" for i in range(40))
OTHERS = {f"shop/config{n}.py": f"def load(name):\n{BIG}\n    return name\n" for n in range(4)}
MAIN = """
    import sys

    from shop import config0, ranking, report, totals

    def main(argv):
        config0.load("x")
        print(totals.total(argv), ranking.best(argv, 3), report.columns([argv]))

    if __name__ == "__main__":
        main(sys.argv)
    """
TEST = """
    from shop.rows import Row

    def test_rows():
        for _ in range(1000):
            for i in range(3):
                assert Row([1, 2, 3])[i]
    """


def make_project(root: Path) -> Path:
    files = {"shop/__init__.py": "", "shop/rows.py": ROWS, "shop/__main__.py": MAIN, **USERS}
    files.update(OTHERS)
    files["tests/test_rows.py"] = TEST
    for rel, code in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(code), encoding="utf-8")
    return root


def test_a_row_class_indexed_in_loops_from_three_modules_is_a_top_three_share(
    tmp_path: Path,
) -> None:
    root = make_project(tmp_path / "proj")
    result = run(Config(root=root, cache_dir=tmp_path / "cache", history=False))
    by_path = {c.rel_path: c for c in result.ranking}
    assert "tests/test_rows.py" not in by_path
    estimates = {path: c.estimate for path, c in by_path.items()}
    assert all(e is not None for e in estimates.values())
    rows = estimates["shop/rows.py"]
    assert rows is not None
    assert rows.rank <= 3, {p: e.rank for p, e in estimates.items() if e is not None}
    shares = {path: e.share for path, e in estimates.items() if e is not None}
    assert shares["shop/rows.py"] > max(shares[f"shop/config{n}.py"] for n in range(4))
    assert abs(sum(shares.values()) - 1.0) < 1e-9
    top = rows.functions[0]
    assert top.qualname == "Row.__getitem__"
    # the hottest chain starts at an entry point and runs through a caller that loops
    assert top.chain[-1] == "shop.rows:Row.__getitem__"
    assert top.chain[0] in {"shop.__main__:<module>", "shop.ranking:best"}
    assert len(top.chain) >= 2


def test_json_report_carries_the_estimate(tmp_path: Path) -> None:
    root = make_project(tmp_path / "proj")
    result = run(Config(root=root, cache_dir=tmp_path / "cache", history=False))
    doc = json.loads(render(Format.JSON, result, Options()))
    errors = list(Draft202012Validator(schema()).iter_errors(doc))
    assert not errors, errors[0].message
    rows = next(c for c in doc["candidates"] if c["path"] == "shop/rows.py")
    estimate = rows["estimate"]
    assert estimate["rank"] <= 3 and 0 < estimate["share"] <= 1
    assert estimate["functions"][0]["qualname"] == "Row.__getitem__"
    assert estimate["chain"] == estimate["functions"][0]["chain"]
    assert estimate["chain"][-1] == "shop.rows:Row.__getitem__"
    # hot functions (as planning picks them) carry their estimated share
    shares = [f["estimated_share"] for c in doc["candidates"] for f in c["functions"]]
    assert any(s is not None and s > 0 for s in shares)


def test_explain_shows_the_estimate_and_the_chain(tmp_path: Path) -> None:
    root = make_project(tmp_path / "proj")
    proc = subprocess.run(
        [sys.executable, "-m", "goport", "explain", str(root / "shop" / "rows.py"),
         "--root", str(root), "--no-history", "--cache-dir", str(tmp_path / "cache")],
        capture_output=True, text=True, check=True,
        env={"NO_COLOR": "1", "PATH": "/usr/bin:/bin", "XDG_CACHE_HOME": os.environ["XDG_CACHE_HOME"],
             "COLUMNS": "200"},
    )  # fmt: skip
    out = proc.stdout
    assert "Estimated (static" in out
    assert "hottest call chain:" in out and "shop.rows:Row.__getitem__" in out
    assert "Where the estimate puts this module's time" in out


def test_explain_with_a_profile_puts_estimate_and_measurement_side_by_side(tmp_path: Path) -> None:
    app = Path(__file__).resolve().parents[2] / "fixtures" / "profiled_app"
    profile = app.parent / "profiles" / "profiled_app.speedscope.json"
    proc = subprocess.run(
        [sys.executable, "-m", "goport", "explain", str(app / "profiled_app" / "hot.py"),
         "--root", str(app), "--no-history", "--cache-dir", str(tmp_path), "--profile", str(profile)],
        capture_output=True, text=True, check=True,
        env={"NO_COLOR": "1", "PATH": "/usr/bin:/bin", "XDG_CACHE_HOME": os.environ["XDG_CACHE_HOME"],
             "COLUMNS": "200"},
    )  # fmt: skip
    out = proc.stdout
    assert "Estimated vs measured, as shares of this module's own time" in out
    row = next(line for line in out.splitlines() if line.strip().startswith("Sieve.is_prime"))
    estimated, measured = [cell for cell in row.split() if cell.endswith("%")][:2]
    assert float(measured.rstrip("%")) > 50  # the profile: nearly all of hot.py's own time
    assert float(estimated.rstrip("%")) > 50  # the estimate agrees
    assert "measured:" in out
