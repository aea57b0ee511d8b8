"""What a new user meets first, through the real CLI: the suggested next command, the project
root found from any folder, selectors and weight names, the rule pages, shell completion."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

Goport = Callable[..., subprocess.CompletedProcess[str]]
GOPORT = str(Path(sys.executable).with_name("goport"))


def _ok(result: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert result.returncode == 0, f"exit {result.returncode}\nstderr:\n{result.stderr}"
    assert "Traceback" not in result.stderr
    return result


def _usage(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, f"exit {result.returncode}\nstderr:\n{result.stderr}"
    assert "Traceback" not in result.stderr + result.stdout
    return result.stderr


# -- shell completion ----------------------------------------------------------------------------


def _in_shell(shell: str, command: str) -> subprocess.CompletedProcess[str]:
    """``command`` run by ``shell`` as a child (``; true`` keeps the shell from exec'ing it),
    so that completion finds the shell it runs under, as it does for a user."""
    env = {**os.environ, "PATH": f"{Path(GOPORT).parent}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run(
        [shell, "-c", f"{command}; true"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("shell", "expected"),
    [
        pytest.param("bash", "complete -o default -F _goport_completion goport", id="bash"),
        pytest.param("zsh", "compdef _goport_completion goport", id="zsh"),
        pytest.param("fish", "complete --command goport", id="fish"),
    ],
)
def test_show_completion_prints_the_script_for_the_users_shell(shell: str, expected: str) -> None:
    if shutil.which(shell) is None:
        pytest.skip(f"{shell} is not installed here")
    result = _in_shell(shell, "goport --show-completion")
    assert result.returncode == 0, result.stderr
    assert expected in result.stdout


def test_completion_completes_commands_and_options() -> None:
    """The script only calls back into goport: check what goport answers it."""

    def complete(words: str) -> list[str]:
        env = {
            **os.environ,
            "_GOPORT_COMPLETE": "complete_bash",
            "COMP_WORDS": words,
            "COMP_CWORD": str(len(words.split()) - 1),
        }
        result = subprocess.run(
            [GOPORT], env=env, capture_output=True, text=True, timeout=60, check=False
        )
        assert result.returncode == 0, result.stderr
        return result.stdout.split()

    assert sorted(complete("goport sc")) == ["scaffold", "scan"]
    assert complete("goport scan") == ["scan"]
    assert "--format" in complete("goport scan --for")
    assert complete("goport scan --format sa") == ["sarif"]


# -- selectors, weights and rule pages -----------------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "fixtures" / "demo_service"


@pytest.mark.parametrize("flag", ["--select", "--ignore"])
@pytest.mark.parametrize("selector", ["GP9", "GP999", "XYZ", "gp6"])
def test_a_selector_that_matches_no_rule_is_a_usage_error(
    goport: Goport, cache_dir: Path, flag: str, selector: str
) -> None:
    stderr = _usage(goport("scan", DEMO, flag, selector, "--cache-dir", cache_dir))
    assert repr(selector) in stderr or repr(selector.upper()) in stderr
    assert "valid prefixes: GP (every rule), GP1 (cpu), GP2 (concurrency)" in stderr


def test_a_selector_in_the_project_that_matches_no_rule_is_an_error(
    goport: Goport, make_tree: Callable[..., Path], cache_dir: Path
) -> None:
    root = make_tree({"pyproject.toml": '[tool.goport]\nselect = ["GP9"]\n', "pkg/__init__.py": ""})
    stderr = _usage(goport("scan", root, "--cache-dir", cache_dir))
    assert "[tool.goport] select" in stderr
    assert "valid prefixes" in stderr


def test_every_family_prefix_is_a_real_one() -> None:
    from goport.detectors import FAMILIES
    from goport.detectors.registry import REGISTRY

    by_prefix = {p: {d.CATEGORY.value for d in REGISTRY if d.ID.startswith(p)} for p, _ in FAMILIES}
    assert by_prefix == {p: {category} for p, category in FAMILIES}
    assert all(any(d.ID.startswith(p) for p, _ in FAMILIES) for d in REGISTRY)


def _factors(doc: dict[str, Any], path: str) -> dict[str, float]:
    [cand] = [c for c in doc["candidates"] if c["path"] == path]
    return {f["name"]: f["contribution"] for f in cand["factors"]}


def test_weights_use_the_factor_names_the_report_prints(goport: Goport, cache_dir: Path) -> None:
    base = ["scan", DEMO, "--format", "json", "--no-history", "--cache-dir", cache_dir]
    plain = json.loads(_ok(goport(*base)).stdout)
    printed = {f["name"] for c in plain["candidates"] for f in c["factors"]}
    assert {"cpu-bound", "python-ecosystem", "size"} <= printed
    weights = [f"--weight={name}=0" for name in sorted(printed - {"nothing-runs", "cost-cap"})]
    zeroed = json.loads(_ok(goport(*base, *weights)).stdout)
    for cand in zeroed["candidates"]:
        for factor in cand["factors"]:
            if factor["name"] not in ("nothing-runs", "cost-cap"):
                assert factor["contribution"] == 0, (cand["path"], factor)
    doubled = json.loads(_ok(goport(*base, "-w", "cpu-bound=2")).stdout)
    path = "demo_service/tokenizer.py"
    # contributions are rounded to 0.1: twice a rounded value is off by up to 0.1, and the
    # doubled contribution's own rounding by 0.05
    assert _factors(doubled, path)["cpu-bound"] == pytest.approx(
        2 * _factors(plain, path)["cpu-bound"], abs=0.16
    )


def test_old_weight_names_warn_and_still_apply(
    goport: Goport, make_tree: Callable[..., Path], cache_dir: Path
) -> None:
    demo = make_tree({}, under="demo")
    shutil.copytree(DEMO, demo, dirs_exist_ok=True)
    pyproject = demo / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text(encoding="utf-8") + "\n[tool.goport.weights]\necosystem = 0\n",
        encoding="utf-8",
    )
    result = _ok(goport("scan", demo, "--format", "json", "--no-history", "--cache-dir", cache_dir))
    assert "weight 'ecosystem' is deprecated" in result.stderr
    assert "python-ecosystem" in result.stderr
    doc = json.loads(result.stdout)
    assert _factors(doc, "demo_service/analytics.py")["python-ecosystem"] == 0


def test_an_unknown_weight_suggests_the_factor_name(goport: Goport, cache_dir: Path) -> None:
    stderr = _usage(goport("scan", DEMO, "--weight", "ecosytem=2", "--cache-dir", cache_dir))
    assert "did you mean" in stderr
    assert "python-ecosystem" in stderr


def test_rules_with_an_id_prints_that_rules_page(goport: Goport) -> None:
    from goport.detectors.registry import REGISTRY

    [nested] = [d for d in REGISTRY if d.ID == "GP101"]
    page = _ok(goport("rules", "GP101", env={"COLUMNS": "80"})).stdout
    assert page.startswith("GP101 nested-loops")
    for title in ("What it detects", "Why it matters for a Go port", "Go idiom", "Known limits"):
        assert f"\n{title}\n" in page
    assert nested.PYTHON_FIRST and nested.PYTHON_FIRST in page.replace("\n  ", " ")
    assert "    " + nested.MATCHES[0].code.splitlines()[1] in page  # an example, indented as code
    assert "# goport: ignore[GP101]" in page
    assert max(len(line) for line in page.splitlines()) <= 80
    assert _ok(goport("rules", "nested-loops", env={"COLUMNS": "80"})).stdout == page


def test_rules_with_a_prefix_lists_that_family(goport: Goport) -> None:
    out = _ok(goport("rules", "GP2")).stdout
    assert "GP201" in out
    assert "GP101" not in out


def test_rules_with_an_unknown_id_is_a_usage_error(goport: Goport) -> None:
    stderr = _usage(goport("rules", "GP999"))
    assert "'GP999'" in stderr
    assert "valid prefixes" in stderr


def test_rules_json_validates_against_its_schema(goport: Goport) -> None:
    from importlib import resources

    from jsonschema import Draft202012Validator

    from goport.detectors.registry import REGISTRY

    schema = json.loads(
        resources.files("goport").joinpath("schemas/rules.schema.json").read_text("utf-8")
    )
    Draft202012Validator.check_schema(schema)
    doc = json.loads(_ok(goport("rules", "--format", "json")).stdout)
    Draft202012Validator(schema).validate(doc)
    assert [r["id"] for r in doc["rules"]] == [d.ID for d in REGISTRY]
    one = json.loads(_ok(goport("rules", "GP107", "-f", "json")).stdout)
    Draft202012Validator(schema).validate(one)
    assert [r["id"] for r in one["rules"]] == ["GP107"]
    assert one["rules"][0]["python_first"].startswith("compile regular expressions")


@pytest.mark.parametrize("columns", [60, 100, 200])
def test_rules_table_fits_the_terminal_width(goport: Goport, columns: int) -> None:
    lines = _ok(goport("rules", env={"COLUMNS": str(columns)})).stdout.splitlines()
    widest = max(len(line.rstrip()) for line in lines)
    assert widest <= columns
    assert widest > columns - 20  # and uses it: no fixed width


# -- the project root, from any folder -----------------------------------------------------------

HOT = (
    "def pairs(xs, ys):\n"
    "    total = 0\n"
    "    out = ''\n"
    "    for a in xs:\n"
    "        for b in ys:\n"
    "            total += a * b\n"
    "            out += str(a)\n"
    "    return total, out\n"
)

LAYERED = {
    "pyproject.toml": '[project]\nname = "layered"\n\n[tool.goport]\nignore = ["GP104"]\n',
    "app/__init__.py": "",
    "app/core/__init__.py": "",
    "app/core/hot.py": HOT,
    "app/core/util.py": "def double(x):\n    return [v * 2 for v in x]\n",
    "app/glue.py": "from app.core.hot import pairs\n\n\ndef main():\n    return pairs([1], [2])\n",
    "tests/test_hot.py": "from app.core.hot import pairs\n\n\ndef test_pairs():\n    assert pairs([1], [2])\n",
}


def _scan_json(goport: Goport, *args: str | Path, cwd: Path, cache: Path) -> dict[str, Any]:
    result = _ok(
        goport(
            "scan", *args, "-f", "json", "--no-history", "--cache-dir", cache, cwd=cwd,
            console_script=True,
        )
    )  # fmt: skip
    doc: dict[str, Any] = json.loads(result.stdout)
    return doc


@pytest.mark.parametrize(
    ("cwd", "args"),
    [
        pytest.param("app/core", (), id="started-inside-a-subpackage"),
        pytest.param(".", ("app/core",), id="given-a-subfolder"),
        pytest.param("tests", ("../app/core",), id="given-a-subfolder-from-elsewhere"),
    ],
)
def test_scan_of_a_subfolder_analyses_its_project(
    goport: Goport,
    make_tree: Callable[..., Path],
    cache_dir: Path,
    cwd: str,
    args: tuple[str, ...],
) -> None:
    root = make_tree(LAYERED)
    doc = _scan_json(goport, *args, cwd=root / cwd, cache=cache_dir)
    assert Path(doc["root"]) == root.resolve()
    assert sorted(c["path"] for c in doc["candidates"]) == [
        "app/core/__init__.py",
        "app/core/hot.py",
        "app/core/util.py",
    ]
    [hot] = [c for c in doc["candidates"] if c["path"] == "app/core/hot.py"]
    rules = {f["rule"] for f in hot["findings"]} | {
        f["rule"] for fn in hot["functions"] for f in fn["findings"]
    }
    assert "GP101" in rules
    assert "GP104" not in rules  # the project's [tool.goport] applies
    assert hot["boundary"]["tested_by"] == ["test_hot"]  # its tests are found
    assert hot["boundary"]["fan_in"] >= 1  # and who imports it, outside the subfolder
    explained = _ok(
        goport(
            "explain", root / "app" / "core" / "hot.py", "-f", "json", "--no-history",
            "--cache-dir", cache_dir,
        )
    )  # fmt: skip
    assert json.loads(explained.stdout) == hot  # scan and explain agree on the module


def test_a_named_folder_the_project_excludes_is_an_error_that_says_what_to_do(
    goport: Goport, make_tree: Callable[..., Path], cache_dir: Path
) -> None:
    root = make_tree({**LAYERED, ".gitignore": "generated/\n", "generated/gen.py": HOT})
    stderr = _usage(goport("scan", "generated", "--cache-dir", cache_dir, cwd=root))
    assert "generated" in stderr
    assert "--root generated" in stderr
    doc = _scan_json(goport, "generated", "--root", "generated", cwd=root, cache=cache_dir)
    assert [c["path"] for c in doc["candidates"]] == ["gen.py"]


def test_code_below_a_virtualenv_is_its_own_project(
    goport: Goport, make_tree: Callable[..., Path], cache_dir: Path
) -> None:
    """A package installed in a project's .venv is scanned as itself, not as the project."""
    root = make_tree(LAYERED)
    lib = root / ".venv" / "lib" / "python3.11" / "site-packages" / "lib"
    lib.mkdir(parents=True)
    (root / ".venv" / "pyvenv.cfg").write_text("home = /usr/bin\n", encoding="utf-8")
    (lib / "__init__.py").write_text("", encoding="utf-8")
    (lib / "kernel.py").write_text(HOT, encoding="utf-8")
    doc = _scan_json(goport, lib, cwd=root, cache=cache_dir)
    assert Path(doc["root"]) == lib.resolve()
    assert sorted(c["path"] for c in doc["candidates"]) == ["__init__.py", "kernel.py"]


# -- the suggested next command runs as printed --------------------------------------------------


def _next_command(stdout: str) -> list[str]:
    """The ``goport explain ...`` command of the terminal report's "Next:" line."""
    [line] = [line for line in stdout.splitlines() if line.startswith("Next: ")]
    command = line.removeprefix("Next: ").split(" for every factor", 1)[0]
    words = shlex.split(command)
    assert words[:2] == ["goport", "explain"], line
    return words


@pytest.mark.parametrize(
    ("cwd", "target"),
    [
        pytest.param("..", "demo_service", id="above-the-project"),
        pytest.param(".", ".", id="at-the-root"),
        pytest.param("demo_service", None, id="inside-a-subpackage"),
        pytest.param("tests", "..", id="in-a-sibling-folder"),
        pytest.param("/", "{root}", id="elsewhere-with-an-absolute-path"),
    ],
)
def test_the_next_hint_runs_as_printed_from_the_users_folder(
    goport: Goport, tmp_path: Path, cache_dir: Path, cwd: str, target: str | None
) -> None:
    root = tmp_path / "demo_service"
    shutil.copytree(DEMO, root)
    where = Path(cwd) if cwd.startswith("/") else root / cwd
    args = [] if target is None else [target.format(root=root)]
    scan = _ok(
        goport(
            "scan",
            "--format",
            "terminal",
            *args,
            "--no-history",
            "--cache-dir",
            cache_dir,
            cwd=where,
        )
    )
    words = _next_command(scan.stdout)
    assert words[2].endswith("demo_service/tokenizer.py") or words[2] == "tokenizer.py"
    explained = _ok(goport(*words[1:], "--no-history", "--cache-dir", cache_dir, cwd=where))
    assert "demo_service/tokenizer.py" in explained.stdout


def test_the_next_hint_names_the_root_when_explain_would_find_another(
    goport: Goport, make_tree: Callable[..., Path], cache_dir: Path
) -> None:
    """The top module lives in a nested project: explain needs --root to see the same one."""
    outer = make_tree(
        {
            "pyproject.toml": '[project]\nname = "outer"\n',
            "lib/__init__.py": "",
            "lib/glue.py": "X = 1\n",
            "nested/pyproject.toml": '[project]\nname = "nested"\n',
            "nested/kernel.py": HOT,
        }
    )
    scan = _ok(
        goport("scan", "--format", "terminal", "--no-history", "--cache-dir", cache_dir, cwd=outer)
    )
    words = _next_command(scan.stdout)
    assert words[2:] == ["nested/kernel.py", "--root", "."]
    explained = _ok(
        goport(*words[1:], "-f", "json", "--no-history", "--cache-dir", cache_dir, cwd=outer)
    )
    scanned = _scan_json(goport, cwd=outer, cache=cache_dir)
    assert json.loads(explained.stdout) == scanned["candidates"][0]


# -- startup -------------------------------------------------------------------------------------


@pytest.mark.parametrize("args", [["--version"], ["--help"]], ids=["version", "help"])
def test_starting_loads_neither_the_analysis_nor_pydantic(args: list[str]) -> None:
    """``goport --version`` and ``--help`` load typer and goport's CLI choices only: not the
    model's dataclasses, libcst, or pydantic (which typer >= 0.29 loads to coerce an option's
    value, so a subcommand with options does load it)."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "goport", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    imported = {line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines()}
    assert "goport.cli" in imported
    assert not imported & {"goport.model", "goport.config", "libcst", "pydantic", "rich"}
