"""The real CLI on small real projects: flags, outputs, exit codes, and the read-only promise."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from goport import SCHEMA_VERSION, __version__
from goport.reports import json_report

Goport = Callable[..., subprocess.CompletedProcess[str]]

HOT = (
    "import threading\n"
    "\n"
    "\n"
    "def pairs(xs, ys):\n"
    "    total = 0\n"
    "    for a in xs:\n"
    "        for b in ys:\n"
    "            total += a * b\n"
    "    return total\n"
    "\n"
    "\n"
    "def grid(n):\n"
    "    out = []\n"
    "    for i in range(n):\n"
    "        for j in range(n):\n"
    "            out.append(i * j)\n"
    "    return out\n"
    "\n"
    "\n"
    "def spawn(fn):\n"
    "    t = threading.Thread(target=fn)\n"
    "    t.start()\n"
    "    return t\n"
)

PROJECT = {
    "pyproject.toml": '[project]\nname = "demo"\n',
    "demo/__init__.py": "",
    "demo/hot.py": HOT,
    "demo/glue.py": "from demo.hot import pairs\n\n\ndef main():\n    return pairs([1, 2], [3])\n",
    "demo/config.py": "DEBUG = False\nNAME = 'demo'\n",
    "tests/test_hot.py": "from demo.hot import pairs\n\n\ndef test_pairs():\n    assert pairs([1], [2]) == 2\n",
}

ANSI = re.compile(r"\x1b\[")


def _write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A fresh copy of the demo project, for tests that change it."""
    return _write(tmp_path / "proj", PROJECT)


@pytest.fixture(scope="module")
def shared(
    tmp_path_factory: pytest.TempPathFactory, goport: Goport
) -> tuple[Path, Path, dict[str, Any]]:
    """(root, cache, default JSON scan) of one demo project that no test may change."""
    base = tmp_path_factory.mktemp("shared")
    root = _write(base / "proj", PROJECT)
    cache = base / "cache"
    return root, cache, _json_scan(goport, root, cache)


def _ok(result: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert result.returncode == 0, f"exit {result.returncode}\nstderr:\n{result.stderr}"
    assert "Traceback" not in result.stderr
    return result


def _usage(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, (
        f"exit {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    )
    assert "Traceback" not in result.stderr + result.stdout
    return result.stderr


def _json_scan(
    goport: Goport, root: Path, cache: Path, *extra: str, **kwargs: Any
) -> dict[str, Any]:
    result = _ok(
        goport(
            "scan", root, "--format", "json", "--cache-dir", cache, "--no-history", *extra, **kwargs
        )
    )
    doc: dict[str, Any] = json.loads(result.stdout)
    return doc


def _findings(doc: dict[str, Any]) -> list[tuple[str, str, int]]:
    """Every finding of every candidate, both in the module list and under its functions."""
    out = []
    for c in doc["candidates"]:
        out += [(c["path"], f["rule"], f["line"]) for f in c["findings"]]
        for fn in c["functions"]:
            out += [(c["path"], f["rule"], f["line"]) for f in fn["findings"]]
    return sorted(out)


def _gp101_lines(doc: dict[str, Any], path: str) -> list[int]:
    [cand] = [c for c in doc["candidates"] if c["path"] == path]
    return sorted(f["line"] for f in cand["findings"] if f["rule"] == "GP101")


# -- basics --------------------------------------------------------------------------------------

Shared = tuple[Path, Path, dict[str, Any]]


def test_version(goport: Goport) -> None:
    assert _ok(goport("--version")).stdout.strip() == f"goport {__version__}"
    assert _ok(goport("--version", console_script=True)).stdout.strip() == f"goport {__version__}"


@pytest.mark.parametrize(
    "command",
    [
        pytest.param(["--help"], id="goport"),
        pytest.param(["scan", "--help"], id="scan"),
        pytest.param(["explain", "--help"], id="explain"),
        pytest.param(["rules", "--help"], id="rules"),
        pytest.param(["scaffold", "--help"], id="scaffold"),
    ],
)
def test_help_shows_an_example(goport: Goport, command: list[str]) -> None:
    result = _ok(goport(*command))
    assert "Example:" in result.stdout
    assert "goport " in result.stdout.split("Example:", 1)[1]


@pytest.mark.parametrize(
    ("args", "culprit"),
    [
        pytest.param(["scan", "{root}", "--frobnicate"], "--frobnicate", id="unknown-flag"),
        pytest.param(["scna"], "scna", id="unknown-command"),
        pytest.param(["scan", "{root}", "--format", "yaml"], "yaml", id="unknown-format"),
        pytest.param(["scan", "{root}", "--top", "0"], "--top", id="top-zero"),
        pytest.param(["scan", "{root}", "--top", "many"], "--top", id="top-not-a-number"),
        pytest.param(["scan", "{root}", "--min-score", "101"], "--min-score", id="min-score-101"),
        pytest.param(
            ["scan", "{root}", "--min-score", "-1"], "--min-score", id="min-score-negative"
        ),
        pytest.param(["rules", "--format", "xml"], "xml", id="rules-unknown-format"),
    ],
)
def test_usage_errors_exit_2_naming_the_culprit(
    goport: Goport, shared: Shared, args: list[str], culprit: str
) -> None:
    root, cache, _ = shared
    argv = [a.format(root=root) for a in args]
    if argv[0] == "scan":
        argv += ["--cache-dir", str(cache)]
    stderr = _usage(goport(*argv))
    assert culprit in stderr


# -- JSON ----------------------------------------------------------------------------------------


def test_json_output_validates_against_the_shipped_schema(shared: Shared) -> None:
    root, _, doc = shared
    schema = json_report.schema()
    Draft202012Validator.check_schema(schema)

    errors = sorted(Draft202012Validator(schema).iter_errors(doc), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)

    assert doc["schema_version"] == SCHEMA_VERSION
    assert doc["tool"] == {"name": "goport", "version": __version__}
    assert doc["root"] == str(root.resolve())


def test_schema_rejects_a_broken_document(shared: Shared) -> None:
    """The validation above can fail: the schema is strict about what it describes."""
    validator = Draft202012Validator(json_report.schema())
    broken = json.loads(json.dumps(shared[2]))
    broken["candidates"][0]["score"] = "high"
    assert not validator.is_valid(broken)
    broken = json.loads(json.dumps(shared[2]))
    broken["candidates"][0]["surprise"] = True
    assert not validator.is_valid(broken)


def test_candidates_are_ranked_by_descending_score(shared: Shared) -> None:
    doc = shared[2]
    candidates = doc["candidates"]
    paths = [c["path"] for c in candidates]
    assert sorted(paths) == ["demo/__init__.py", "demo/config.py", "demo/glue.py", "demo/hot.py"]
    assert "tests/test_hot.py" not in paths  # test modules are never candidates
    scores = [c["score"] for c in candidates]
    assert scores == sorted(scores, reverse=True)
    assert [c["rank"] for c in candidates] == list(range(1, len(candidates) + 1))
    assert candidates[0]["path"] == "demo/hot.py"
    assert doc["summary"]["candidates"] == doc["summary"]["reported"] == len(candidates)
    assert doc["summary"]["test_files"] == 1


def test_each_score_is_the_sum_of_its_contributions(shared: Shared) -> None:
    for c in shared[2]["candidates"]:
        total = sum(f["contribution"] for f in c["factors"])
        assert c["score"] == pytest.approx(total, abs=0.11), c["path"]


def test_json_is_deterministic_and_the_same_without_cache(goport: Goport, shared: Shared) -> None:
    root, _, doc = shared
    result = _ok(goport("scan", root, "--format", "json", "--no-cache", "--no-history"))
    assert json.loads(result.stdout) == doc
    assert result.stdout == json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n"


def test_top_limits_the_candidates(goport: Goport, shared: Shared) -> None:
    root, cache, full = shared
    doc = _json_scan(goport, root, cache, "--top", "1")
    assert [c["path"] for c in doc["candidates"]] == [full["candidates"][0]["path"]]
    assert doc["candidates"][0]["rank"] == 1
    assert doc["summary"]["reported"] == 1
    assert doc["summary"]["candidates"] == full["summary"]["candidates"]


def test_min_score_filters(goport: Goport, shared: Shared) -> None:
    root, cache, full = shared
    threshold = 50.0
    doc = _json_scan(goport, root, cache, "--min-score", "50")
    kept = [c for c in full["candidates"] if c["score"] >= threshold]
    assert [c["path"] for c in doc["candidates"]] == [c["path"] for c in kept]
    assert [c["rank"] for c in doc["candidates"]] == [c["rank"] for c in kept]  # project-wide ranks
    assert all(c["score"] >= threshold for c in doc["candidates"])
    assert len(doc["candidates"]) < len(full["candidates"])  # the glue modules score ~0


def test_top_from_pyproject_and_the_flag_wins(
    goport: Goport, project: Path, cache_dir: Path
) -> None:
    (project / "pyproject.toml").write_text('[project]\nname = "demo"\n\n[tool.goport]\ntop = 2\n')
    assert len(_json_scan(goport, project, cache_dir)["candidates"]) == 2
    assert len(_json_scan(goport, project, cache_dir, "--top", "3")["candidates"]) == 3


def test_output_file_gets_the_report_and_stdout_stays_empty(
    goport: Goport, shared: Shared, tmp_path: Path
) -> None:
    root, cache, doc = shared
    target = tmp_path / "reports" / "nested" / "goport.json"
    result = _ok(
        goport(
            "scan",
            "--format",
            "terminal",
            root,
            "--format",
            "json",
            "--output",
            target,
            "--cache-dir",
            cache,
            "--no-history",
        )
    )
    assert result.stdout == ""
    assert json.loads(target.read_text(encoding="utf-8")) == doc


def test_output_terminal_format_to_a_file_has_no_ansi(
    goport: Goport, shared: Shared, tmp_path: Path
) -> None:
    root, cache, _ = shared
    target = tmp_path / "report.txt"
    result = _ok(
        goport(
            "scan",
            "--format",
            "terminal",
            root,
            "-o",
            target,
            "--cache-dir",
            cache,
            "--no-history",
            env={"FORCE_COLOR": "1"},
        )
    )
    assert result.stdout == ""
    text = target.read_text(encoding="utf-8")
    assert "demo/hot.py" in text
    assert not ANSI.search(text)


def test_output_to_an_unwritable_place_is_a_usage_error(
    goport: Goport, shared: Shared, tmp_path: Path
) -> None:
    root, cache, _ = shared
    blocker = tmp_path / "file"
    blocker.write_text("")
    stderr = _usage(goport("scan", root, "--cache-dir", cache, "--output", blocker / "out.json"))
    assert "out.json" in stderr


def test_scan_without_a_path_scans_the_current_folder(goport: Goport, shared: Shared) -> None:
    root, cache, doc = shared
    result = _ok(
        goport(
            "scan",
            "--format",
            "json",
            "--cache-dir",
            cache,
            "--no-history",
            cwd=root,
            console_script=True,
        )
    )
    assert json.loads(result.stdout) == doc


def test_exclude_flag_extends_the_project_exclude(
    goport: Goport, project: Path, cache_dir: Path
) -> None:
    (project / "pyproject.toml").write_text(
        '[project]\nname = "demo"\n\n[tool.goport]\nexclude = ["demo/config.py"]\n'
    )
    doc = _json_scan(goport, project, cache_dir, "--exclude", "demo/glue.py")
    assert sorted(c["path"] for c in doc["candidates"]) == ["demo/__init__.py", "demo/hot.py"]


# -- rule selection and suppression --------------------------------------------------------------


def test_select_keeps_only_matching_rules(goport: Goport, shared: Shared) -> None:
    root, cache, full_doc = shared
    full = _findings(full_doc)
    assert any(rule == "GP101" for _, rule, _ in full)
    selected = _findings(_json_scan(goport, root, cache, "--select", "GP1"))
    assert selected == [f for f in full if f[1].startswith("GP1")]
    assert selected and all(rule.startswith("GP1") for _, rule, _ in selected)


def test_select_is_case_insensitive(goport: Goport, shared: Shared) -> None:
    root, cache, full_doc = shared
    lower = _findings(_json_scan(goport, root, cache, "--select", "gp101"))
    assert lower == [f for f in _findings(full_doc) if f[1] == "GP101"]
    assert lower


def test_ignore_removes_a_rule_everywhere(goport: Goport, shared: Shared) -> None:
    root, cache, full_doc = shared
    doc = _json_scan(goport, root, cache, "--ignore", "GP101")
    assert _findings(doc) == [f for f in _findings(full_doc) if f[1] != "GP101"]
    for c in doc["candidates"]:
        assert all(i["rule"] != "GP101" for i in c["go_idioms"]), c["path"]
    assert doc["summary"]["findings"] == len([f for c in doc["candidates"] for f in c["findings"]])


def test_ignore_from_pyproject(goport: Goport, project: Path, cache_dir: Path) -> None:
    (project / "pyproject.toml").write_text(
        '[project]\nname = "demo"\n\n[tool.goport]\nignore = ["GP101"]\n'
    )
    assert all(rule != "GP101" for _, rule, _ in _findings(_json_scan(goport, project, cache_dir)))


@pytest.mark.parametrize(
    ("comment", "suppressed"),
    [
        pytest.param("# goport: ignore[GP101]", True, id="by-id"),
        pytest.param("# goport: ignore[gp1]", True, id="by-prefix-lowercase"),
        pytest.param("# goport: ignore[GP999, GP101]", True, id="in-a-list"),
        pytest.param("# goport: ignore", True, id="every-rule"),
        pytest.param("# goport: ignore[GP999]", False, id="other-rule"),
        pytest.param("# a comment about goport", False, id="not-a-suppression"),
    ],
)
def test_suppression_comment_on_the_line(
    goport: Goport, shared: Shared, project: Path, cache_dir: Path, comment: str, suppressed: bool
) -> None:
    before = _gp101_lines(shared[2], "demo/hot.py")
    assert len(before) == 2, before  # pairs() and grid()
    line = before[0]
    lines = HOT.splitlines()
    assert lines[line - 1].lstrip().startswith("for "), "GP101 should point at a loop"
    lines[line - 1] += "  " + comment
    (project / "demo" / "hot.py").write_text("\n".join(lines) + "\n", encoding="utf-8")

    after = _gp101_lines(_json_scan(goport, project, cache_dir), "demo/hot.py")

    assert after == (before[1:] if suppressed else before)


def test_keep_python_marks_the_module_as_decided(
    goport: Goport, project: Path, cache_dir: Path
) -> None:
    (project / "demo" / "hot.py").write_text(
        "# goport: keep-python[owned by data team]\n" + HOT, encoding="utf-8"
    )
    doc = _json_scan(goport, project, cache_dir)
    assert "demo/hot.py" not in [c["path"] for c in doc["candidates"]]
    assert doc["decided"] == [
        {"path": "demo/hot.py", "module": "demo.hot", "reason": "owned by data team"}
    ]
    assert "demo/hot.py" not in [e["path"] for e in doc["errors"]]

    result = _ok(
        goport("explain", project / "demo" / "hot.py", "--cache-dir", cache_dir, "--no-history")
    )
    assert "owned by data team" in result.stdout


def test_keep_python_inside_a_string_does_not_decide(
    goport: Goport, project: Path, cache_dir: Path
) -> None:
    (project / "demo" / "hot.py").write_text(
        'DOC = "# goport: keep-python[no]"\n' + HOT, encoding="utf-8"
    )
    doc = _json_scan(goport, project, cache_dir)
    assert doc["decided"] == []
    assert "demo/hot.py" in [c["path"] for c in doc["candidates"]]


# -- explain -------------------------------------------------------------------------------------


def _hot(doc: dict[str, Any]) -> dict[str, Any]:
    [hot] = [c for c in doc["candidates"] if c["path"] == "demo/hot.py"]
    return hot


def test_explain_prints_the_factors_and_the_score(goport: Goport, shared: Shared) -> None:
    root, cache, doc = shared
    hot = _hot(doc)
    out = _ok(
        goport("explain", root / "demo" / "hot.py", "--cache-dir", cache, "--no-history")
    ).stdout
    assert "hot.py" in out
    assert f"{hot['score']:g}" in out or f"{hot['score']:.1f}" in out
    for factor in hot["factors"]:
        assert factor["name"] in out
    assert "GP101" in out


def test_explain_json_matches_the_scan(goport: Goport, shared: Shared) -> None:
    root, cache, doc = shared
    result = _ok(
        goport(
            "explain",
            root / "demo" / "hot.py",
            "--format",
            "json",
            "--cache-dir",
            cache,
            "--no-history",
        )
    )
    assert json.loads(result.stdout) == _hot(doc)


def test_explain_a_relative_path_from_inside_the_project(goport: Goport, shared: Shared) -> None:
    root, cache, _ = shared
    result = _ok(
        goport(
            "explain",
            "demo/hot.py",
            "--cache-dir",
            cache,
            "--no-history",
            cwd=root,
            console_script=True,
        )
    )
    assert "GP101" in result.stdout


@pytest.mark.parametrize(
    ("target", "words"),
    [
        pytest.param("tests/test_hot.py", ["tests/test_hot.py", "test module"], id="test-module"),
        pytest.param("demo/missing.py", ["demo/missing.py", "no such"], id="missing-file"),
        pytest.param("demo", ["demo", "no such Python file"], id="a-folder"),
    ],
)
def test_explain_what_is_not_a_candidate_is_a_usage_error(
    goport: Goport, shared: Shared, target: str, words: list[str]
) -> None:
    root, cache, _ = shared
    stderr = _usage(goport("explain", root / target, "--cache-dir", cache, "--no-history"))
    for word in words:
        assert word in stderr


def test_explain_a_broken_module_says_why(goport: Goport, project: Path, cache_dir: Path) -> None:
    (project / "demo" / "broken.py").write_text("def f(:\n", encoding="utf-8")
    stderr = _usage(
        goport("explain", project / "demo" / "broken.py", "--cache-dir", cache_dir, "--no-history")
    )
    assert "demo/broken.py" in stderr
    assert "syntax error" in stderr


# -- rules ---------------------------------------------------------------------------------------


def test_rules_lists_the_catalogue(goport: Goport) -> None:
    result = _ok(goport("rules"))
    assert "GP101" in result.stdout
    assert "nested-loops" in result.stdout
    ids = re.findall(r"\bGP\d{3}\b", result.stdout)
    assert len(ids) == len(set(ids))  # each rule once


def test_rules_markdown(goport: Goport) -> None:
    result = _ok(goport("rules", "--format", "markdown"))
    assert result.stdout.startswith("# goport rules")
    assert "| GP101 | nested-loops |" in result.stdout


# -- colour --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "env",
    [
        pytest.param({"TERM": "xterm-256color", "COLORTERM": "truecolor"}, id="not-a-terminal"),
        pytest.param({"NO_COLOR": "1", "FORCE_COLOR": "1"}, id="NO_COLOR-beats-FORCE_COLOR"),
    ],
)
@pytest.mark.parametrize("command", ["scan", "explain", "rules"])
def test_plain_output_has_no_ansi_escapes(
    goport: Goport, shared: Shared, env: dict[str, str], command: str
) -> None:
    root, cache, _ = shared
    args = {
        "scan": ["scan", root, "--cache-dir", cache, "--no-history"],
        "explain": ["explain", root / "demo" / "hot.py", "--cache-dir", cache, "--no-history"],
        "rules": ["rules"],
    }[command]
    result = _ok(goport(*args, env=env))
    assert result.stdout.strip()
    assert not ANSI.search(result.stdout)
    assert not ANSI.search(result.stderr)


def test_force_color_does_colour_the_terminal_report(goport: Goport, shared: Shared) -> None:
    """The no-ANSI checks above can fail: colour really appears when it is asked for."""
    root, cache, _ = shared
    result = _ok(
        goport(
            "scan",
            "--format",
            "terminal",
            root,
            "--cache-dir",
            cache,
            "--no-history",
            env={"FORCE_COLOR": "1"},
        )
    )
    assert ANSI.search(result.stdout)


# -- the scan reads, never runs or writes --------------------------------------------------------

SIDE_EFFECT = 'open(__file__ + ".ran", "w").close()\n'
MAIN_GUARD = 'if __name__ == "__main__":\n    open(__file__ + ".main", "w").close()\n'

DANGEROUS = {
    "pyproject.toml": '[project]\nname = "trap"\n',
    "setup.py": SIDE_EFFECT + MAIN_GUARD,
    "conftest.py": SIDE_EFFECT,
    "__main__.py": SIDE_EFFECT + MAIN_GUARD,
    "trap/__init__.py": SIDE_EFFECT,
    "trap/__main__.py": SIDE_EFFECT + MAIN_GUARD,
    "trap/worker.py": SIDE_EFFECT + HOT + MAIN_GUARD,
    # names of goport's own dependencies: importing them from the tree would run the trap
    "libcst.py": SIDE_EFFECT,
    "pathspec.py": SIDE_EFFECT,
    "radon.py": SIDE_EFFECT,
    "tests/test_worker.py": SIDE_EFFECT + "from trap.worker import pairs\n",
}


def _snapshot(root: Path) -> dict[str, str]:
    """Every path under root (folders too, symlinks not followed) -> a hash of what it is."""
    out: dict[str, str] = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs:
            out[os.path.relpath(os.path.join(folder, name), root)] = "dir"
        for name in files:
            path = os.path.join(folder, name)
            with open(path, "rb") as handle:
                out[os.path.relpath(path, root)] = hashlib.sha256(handle.read()).hexdigest()
    return out


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)


@pytest.mark.parametrize(
    ("args", "where", "console_script"),
    [
        pytest.param(
            ["scan", "{root}", "--format", "json"], "outside", False, id="module-path-arg"
        ),
        pytest.param(["scan"], "inside", True, id="console-script-cwd"),
        pytest.param(["scan", "."], "inside", False, id="python-m-in-the-project"),
        pytest.param(["explain", "{root}/trap/worker.py"], "outside", True, id="explain"),
        pytest.param(
            ["scan", "{root}/trap/worker.py", "--root", "{root}"], "outside", False, id="file-arg"
        ),
    ],
)
def test_scan_never_runs_or_writes_into_the_tree(
    goport: Goport,
    tmp_path: Path,
    cache_dir: Path,
    args: list[str],
    where: str,
    console_script: bool,
) -> None:
    root = _write(tmp_path / "trap-project", DANGEROUS)
    if shutil.which("git"):
        _git(root, "init", "-q")
        _git(root, "add", ".")
        _git(root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "init")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    before = _snapshot(root)

    argv = [a.format(root=root) for a in args]
    result = goport(
        *argv,
        "--cache-dir",
        cache_dir,
        cwd=root if where == "inside" else outside,
        console_script=console_script,
    )

    after = _snapshot(root)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(set(after) - set(before)) == [], "the scan created files in the scanned tree"
    assert after == before
    assert not [p for p in after if "__pycache__" in p or p.endswith((".ran", ".main"))]
    assert not list(outside.iterdir()), "the scan wrote into the current folder"
    assert cache_dir.is_dir(), "results should have gone to the cache folder instead"


def test_explain_takes_only_its_own_formats(goport: Goport) -> None:
    """``explain`` writes the terminal view or JSON; a report format (html, sarif...) is
    ``goport scan``'s and is refused with the choices, not answered with the terminal view."""
    module = Path(__file__).resolve().parents[2] / "fixtures/demo_service/demo_service/tokenizer.py"
    refused = goport("explain", module, "-f", "html")
    assert refused.returncode == 2
    assert "'terminal', 'json'" in refused.stderr and refused.stdout == ""
