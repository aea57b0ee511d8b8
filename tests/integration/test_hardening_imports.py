"""No module of the scanned tree or of the working folder is ever imported by a goport process.

The tree plants a module under the name of every standard-library module and of goport's
dependencies; each one, if imported, leaves a marker file outside the tree. Scans run with enough
uncached files to start worker processes (forkserver, and spawn in a separate case), from inside
the tree, as pre-commit and CI run goport.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

DEPENDENCIES = (
    "goport", "libcst", "radon", "rich", "typer", "click", "pathspec", "re2", "platformdirs",
    "typing_extensions", "yaml", "mando", "colorama", "shellingham", "markdown_it", "pygments",
    "jinja2", "markupsafe",
    "sitecustomize", "usercustomize",
)  # fmt: skip


def _plant(root: Path, marks: Path) -> list[str]:
    names = sorted(
        n for n in {*sys.stdlib_module_names, *DEPENDENCIES} if n.isidentifier() and n != "this"
    )
    for name in names:
        (root / f"{name}.py").write_text(
            f"open({str(marks / name)!r}, 'w').close()\n", encoding="utf-8"
        )
    for i in range(20):  # real work for the workers
        (root / f"work{i}.py").write_text(
            f"def f{i}(xs):\n    t = 0\n    for x in xs:\n        t += x * {i}\n    return t\n",
            encoding="utf-8",
        )
    return names


def _python_ok(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [sys.executable, *args], cwd=cwd, capture_output=True, text=True, timeout=180, check=False
    )
    assert proc.returncode == 0, proc.stderr
    return proc


@pytest.fixture
def planted(tmp_path: Path) -> tuple[Path, Path]:
    root, marks = tmp_path / "repo", tmp_path / "marks"
    root.mkdir()
    marks.mkdir()
    _plant(root, marks)
    return root, marks


@pytest.mark.parametrize(("fmt", "shows"), [("json", '"files_analysed"'), ("html", "<svg")])
def test_console_script_with_workers_imports_nothing_from_the_tree(
    planted: tuple[Path, Path],
    goport: Callable[..., subprocess.CompletedProcess[str]],
    fmt: str,
    shows: str,
) -> None:
    """The HTML report loads its templates (jinja2) after the scan: from goport, not the tree."""
    root, marks = planted
    proc = goport(
        "scan", ".", "--no-cache", "--jobs", "2", "-f", fmt, cwd=root, console_script=True
    )
    assert proc.returncode == 0, proc.stderr
    assert shows in proc.stdout
    assert sorted(p.name for p in marks.iterdir()) == []


@pytest.mark.skipif(sys.version_info < (3, 11), reason="python -P exists from 3.11")
def test_safe_module_run_imports_nothing_from_the_tree(
    planted: tuple[Path, Path], tmp_path: Path
) -> None:
    root, marks = planted
    _python_ok(["-P", "-m", "goport", "scan", ".", "--no-cache", "-j", "2", "-q"], cwd=root)
    assert sorted(p.name for p in marks.iterdir()) == []


def test_module_run_from_outside_imports_nothing_from_the_scanned_tree(
    planted: tuple[Path, Path], tmp_path: Path
) -> None:
    root, marks = planted
    elsewhere = tmp_path / "clean"
    elsewhere.mkdir()
    _python_ok(["-m", "goport", "scan", str(root), "--no-cache", "-j", "2", "-q"], cwd=elsewhere)
    assert sorted(p.name for p in marks.iterdir()) == []


@pytest.mark.parametrize("method", ["spawn", "forkserver"])
def test_workers_started_from_a_hostile_working_folder_import_nothing_from_it(
    planted: tuple[Path, Path], tmp_path: Path, method: str
) -> None:
    """The worst case for the workers: the parent's own sys.path holds the working folder
    (as after ``python -c``) and that folder is the scanned tree."""
    root, marks = planted
    driver = tmp_path / "driver.py"
    driver.write_text(
        textwrap.dedent(
            f"""
            import os, sys
            from pathlib import Path
            from goport import analysis
            from goport.config import Config
            from goport.discover import discover

            if __name__ == "__main__":
                analysis._methods = lambda: [{method!r}]
                os.chdir({str(root)!r})
                sys.path.insert(0, "")
                found = discover(Path("."))
                config = Config(root=found.root, use_cache=False, jobs=2)
                facts, errors, _ = analysis.analyse(found.files, config)
                print(len(facts), len(errors))
            """
        ),
        encoding="utf-8",
    )
    proc = _python_ok([str(driver)], cwd=tmp_path)
    analysed, failed = map(int, proc.stdout.split())
    assert analysed > 20 and failed == 0
    assert sorted(p.name for p in marks.iterdir()) == []


def test_without_isolation_the_planted_modules_would_run(
    planted: tuple[Path, Path], tmp_path: Path
) -> None:
    """The fixture is live: a plain interpreter started in the tree imports its modules."""
    root, marks = planted
    subprocess.run(
        [sys.executable, "-c", "import socket"],
        cwd=root,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert (marks / "socket").exists()
