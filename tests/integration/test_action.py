"""goport's GitHub Action (action.yml) and the CI examples of the README.

- action.yml, the example workflows and the GitLab job are validated with check-jsonschema's
  vendored schemas (offline), the pre-commit examples with ``pre-commit validate-config``;
- every flag the action and the examples pass to ``goport scan`` is one its ``--help`` lists;
- the composite action's steps are run for real, the way the runner runs them (each ``run`` with
  ``bash --noprofile --norc -eo pipefail``, ``${{ }}`` expressions of env/if/outputs evaluated,
  GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files), on git repositories shaped like a pull request
  checkout; only the ``uses:`` steps (setup-python, upload-sarif) are recorded, not run.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
ACTION = ROOT / "action.yml"

SNAPSHOT_IGNORE = shutil.ignore_patterns(
    ".git", ".venv", "venv", ".tox", ".nox", "__pycache__", "*.pyc", ".pytest_cache",
    ".mypy_cache", ".ruff_cache", "*.egg-info", "build", "dist", ".work", "node_modules",
)  # fmt: skip


def docs_texts() -> list[tuple[str, str]]:
    """The README, which carries the CI section (and docs/ci.md if one is added again)."""
    out = []
    for name in ("docs/ci.md", "README.md"):
        path = ROOT / name
        if path.is_file():
            out.append((name, path.read_text(encoding="utf-8")))
    return out


def code_blocks(lang: str) -> list[tuple[str, str]]:
    blocks = []
    for name, text in docs_texts():
        for m in re.finditer(rf"^```{lang}[^\n]*\n(.*?)^```", text, re.MULTILINE | re.DOTALL):
            blocks.append((name, m.group(1)))
    return blocks


def yaml_examples() -> dict[str, list[tuple[str, str]]]:
    """The yaml blocks of the docs by kind: github-workflow, gitlab-ci, pre-commit."""
    kinds: dict[str, list[tuple[str, str]]] = {
        "github-workflow": [],
        "gitlab-ci": [],
        "pre-commit": [],
    }
    for name, text in code_blocks("yaml"):
        doc = yaml.safe_load(text)
        assert isinstance(doc, dict), f"{name}: a yaml example that is not a whole file:\n{text}"
        if "repos" in doc:
            kinds["pre-commit"].append((name, text))
        elif "jobs" in doc:
            kinds["github-workflow"].append((name, text))
        elif any(isinstance(v, dict) and "script" in v for v in doc.values()):
            kinds["gitlab-ci"].append((name, text))
        else:
            raise AssertionError(f"{name}: a yaml example of unknown kind:\n{text}")
    return kinds


def check_jsonschema(schema: str, path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, str(path)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def load_action() -> dict[str, Any]:
    return yaml.safe_load(ACTION.read_text(encoding="utf-8"))


# -- schemas ---------------------------------------------------------------------------------------


def test_action_yml_matches_the_github_actions_schema() -> None:
    proc = check_jsonschema("vendor.github-actions", ACTION)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_action_is_composite_and_installs_from_its_own_path() -> None:
    action = load_action()
    assert action["runs"]["using"] == "composite"
    install = next(s for s in action["runs"]["steps"] if s.get("id") == "install")
    assert "${{ github.action_path }}" in install["env"].values()
    upload = next(s for s in action["runs"]["steps"] if "upload-sarif" in s.get("uses", ""))
    assert upload["if"] == "inputs.upload-sarif == 'true'"
    assert action["inputs"]["upload-sarif"]["default"] == "false"
    for name in ("fail-on", "fail-on-new", "top", "profile", "path", "python-version", "diff-base"):
        assert name in action["inputs"], name
    assert "sarif-file" in action["outputs"]


@pytest.mark.parametrize(
    ("kind", "schema"),
    [("github-workflow", "vendor.github-workflows"), ("gitlab-ci", "vendor.gitlab-ci")],
)
def test_docs_ci_examples_match_their_schemas(kind: str, schema: str, tmp_path: Path) -> None:
    examples = yaml_examples()[kind]
    assert examples, f"no {kind} example in the README"
    for i, (name, text) in enumerate(examples):
        path = tmp_path / f"example-{i}.yml"
        path.write_text(text, encoding="utf-8")
        proc = check_jsonschema(schema, path)
        assert proc.returncode == 0, (
            f"{name}, {kind} example #{i + 1}:\n{text}\n{proc.stdout}{proc.stderr}"
        )


def test_docs_workflows_fetch_the_history_and_use_the_action() -> None:
    workflows = [yaml.safe_load(text) for _, text in yaml_examples()["github-workflow"]]
    steps = [s for w in workflows for job in w["jobs"].values() for s in job["steps"]]
    checkouts = [s for s in steps if s.get("uses", "").startswith("actions/checkout@")]
    assert checkouts and all(s["with"]["fetch-depth"] == 0 for s in checkouts)
    ours = [s for s in steps if re.match(r"^[\w.-]+/goport@", s.get("uses", ""))]
    assert ours, "no workflow example uses the action"
    assert all(set(s.get("with", {})) <= set(load_action()["inputs"]) for s in ours)
    assert any("fail-on-new" in s.get("with", {}) for s in ours)


def test_docs_pre_commit_examples_are_valid_configs(tmp_path: Path) -> None:
    examples = yaml_examples()["pre-commit"]
    assert examples
    hook_ids = {
        h["id"]
        for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    }
    for i, (name, text) in enumerate(examples):
        path = tmp_path / f"pre-commit-{i}.yaml"
        path.write_text(text, encoding="utf-8")
        proc = subprocess.run(
            [sys.executable, "-m", "pre_commit", "validate-config", str(path)],
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert proc.returncode == 0, f"{name}:\n{text}\n{proc.stdout}{proc.stderr}"
        for repo in yaml.safe_load(text)["repos"]:
            assert {h["id"] for h in repo["hooks"]} <= hook_ids


# -- flags -----------------------------------------------------------------------------------------

FLAG = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]*")


def help_flags(*command: str) -> set[str]:
    proc = subprocess.run(
        [sys.executable, "-m", "goport", *command, "--help"],
        capture_output=True, text=True, timeout=60, check=False,
        env={**os.environ, "COLUMNS": "200"},
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    flags: set[str] = set()
    in_options = False
    for line in proc.stdout.splitlines():
        if re.match(r"^\S", line):  # a section heading: Usage, Arguments, Options, Commands
            in_options = line.startswith("Options")
            continue
        stripped = line.strip()
        if in_options and stripped.startswith("-"):  # an option's names, then its description
            flags |= set(FLAG.findall(re.split(r"\s{2,}", stripped)[0]))
    assert "--help" in flags, proc.stdout
    return flags


def test_action_passes_only_flags_goport_scan_knows() -> None:
    known = help_flags("scan")
    scan_steps = [s for s in load_action()["runs"]["steps"] if "args=(scan" in s.get("run", "")]
    assert len(scan_steps) == 2  # annotations + job summary, and SARIF
    used: set[str] = set()
    for step in scan_steps:
        # every --flag in these steps goes to goport (no other command there takes flags)
        flags = set(FLAG.findall(step["run"]))
        assert flags <= known, f"{step['name']}: {sorted(flags - known)} not in goport scan --help"
        used |= flags
    assert {
        "--format",
        "--diff-base",
        "--fail-on",
        "--fail-on-new",
        "--top",
        "--profile",
        "--output",
    } <= used
    version_step = next(s for s in load_action()["runs"]["steps"] if s.get("id") == "install")
    assert '"$goport" --version' in version_step["run"]
    # inside the checkout goport runs as its console script: `python -m goport` would import
    # what the pull request planted in the workspace
    for step in load_action()["runs"]["steps"]:
        assert "-m goport" not in step.get("run", ""), step["name"]
    install = version_step["run"]
    assert install.index('cd "$temp"') < install.index(" -m venv ") < install.index(" -m pip ")
    assert "--version" in help_flags()


def test_docs_commands_use_only_flags_goport_knows() -> None:
    known = {"scan": help_flags("scan"), "baseline write": help_flags("baseline", "write")}
    texts = [text for _, text in code_blocks("yaml") + code_blocks("sh")]
    found = 0
    for text in texts:
        for m in re.finditer(r"goport (scan|baseline write)\b([^\n#\]]*)", text):
            flags = set(FLAG.findall(m.group(2)))
            assert flags <= known[m.group(1)], f"{m.group(0)}: {sorted(flags - known[m.group(1)])}"
            found += 1
    assert found >= 5


# -- the composite action, run the way the runner runs it ------------------------------------

EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
COND = re.compile(r"^([\w.-]+)\s*(==|!=)\s*'([^']*)'$")


@dataclass
class Run:
    """One run of the action: what each step printed, its outputs, and the files it wrote."""

    outputs: dict[str, str]
    steps: dict[str, dict[str, str]]
    logs: dict[str, str] = field(default_factory=dict)
    uses: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    failed: str | None = None  # the step that failed the action
    exit_code: int = 0
    summary: str = ""

    def log(self, step_id: str) -> str:
        return self.logs.get(step_id, "")


def pip_cache() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "pip"


class Runner:
    """The parts of the Actions runner a composite action of ``run`` steps uses."""

    def __init__(
        self, workspace: Path, temp: Path, inputs: Mapping[str, str], github: Mapping[str, str]
    ) -> None:
        action = load_action()
        self.action = action
        self.workspace = workspace
        self.temp = temp
        self.inputs = {k: str(v.get("default", "")) for k, v in action["inputs"].items()}
        unknown = set(inputs) - set(self.inputs)
        assert not unknown, f"not inputs of the action: {unknown}"
        self.inputs.update(inputs)
        self.github = dict(github)
        self.steps: dict[str, dict[str, str]] = {}

    def value(self, expression: str) -> str:
        head, _, rest = expression.partition(".")
        if head == "inputs":
            return self.inputs[rest]
        if head == "github":
            return self.github[rest]
        if head == "steps":
            step_id, kind, name = rest.split(".")
            assert kind == "outputs"
            return self.steps.get(step_id, {}).get(name, "")
        raise AssertionError(f"expression not supported by this test's runner: {expression}")

    def expand(self, text: str) -> str:
        return EXPR.sub(lambda m: self.value(m.group(1)), text)

    def condition(self, text: str) -> bool:
        terms = [t.strip() for t in EXPR.sub(lambda m: m.group(1), text).split("||")]
        out = False
        for term in terms:
            m = COND.match(term)
            assert m, f"condition not supported by this test's runner: {text}"
            left, op, right = m.groups()
            out = out or ((self.value(left) == right) == (op == "=="))
        return out

    def run(self, *, preset: Mapping[str, Mapping[str, str]] | None = None) -> Run:
        """Run the steps in order; a step in ``preset`` is not run, its outputs are as given."""
        result = Run(outputs={}, steps=self.steps)
        summary = self.temp / "step_summary.md"
        summary.write_text("", encoding="utf-8")
        for n, step in enumerate(self.action["runs"]["steps"]):
            step_id = step.get("id", f"step{n}")
            if preset and step_id in preset:
                self.steps[step_id] = dict(preset[step_id])
                continue
            if "if" in step and not self.condition(step["if"]):
                continue
            if "uses" in step:
                result.uses.append(
                    (
                        step["uses"],
                        {k: self.expand(str(v)) for k, v in step.get("with", {}).items()},
                    )
                )
                continue
            assert step["shell"] == "bash"
            assert "${{" not in step["run"], "expressions belong in env:, never in a script"
            out_file = self.temp / f"output-{step_id}"
            out_file.write_text("", encoding="utf-8")
            script = self.temp / f"{step_id}.sh"
            script.write_text(step["run"], encoding="utf-8")
            env = {
                k: v
                for k, v in os.environ.items()
                if not k.startswith(("GITHUB_", "RUNNER_", "INPUT_"))
            }
            env.update(
                GITHUB_OUTPUT=str(out_file),
                GITHUB_STEP_SUMMARY=str(summary),
                GITHUB_WORKSPACE=str(self.workspace),
                GITHUB_ACTION_PATH=self.github["action_path"],
                GITHUB_BASE_REF=self.github["base_ref"],
                GITHUB_ACTIONS="true",
                RUNNER_TEMP=str(self.temp),
                NO_COLOR="1",
                # goport's default cache folder: here, never the user's; pip keeps its own cache
                XDG_CACHE_HOME=str(self.temp / "xdg-cache"),
                PIP_CACHE_DIR=os.environ.get("PIP_CACHE_DIR") or str(pip_cache()),
            )
            env.update({k: self.expand(str(v)) for k, v in step.get("env", {}).items()})
            proc = subprocess.run(
                ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
                cwd=self.workspace, env=env, capture_output=True, text=True, timeout=600,
                check=False,
            )  # fmt: skip
            result.logs[step_id] = proc.stdout + proc.stderr
            self.steps[step_id] = dict(
                line.split("=", 1)
                for line in out_file.read_text(encoding="utf-8").splitlines()
                if "=" in line
            )
            if proc.returncode != 0:
                result.failed, result.exit_code = step_id, proc.returncode
                break
        result.outputs = {k: self.expand(v["value"]) for k, v in self.action["outputs"].items()}
        result.summary = summary.read_text(encoding="utf-8")
        return result


KERNEL = """def checksum(data):
    h = 2166136261
    for b in data:
        h ^= b
        h = (h * 16777619) & 0xFFFFFFFF
    return h


def grid(rows, cols):
    out = []
    for r in range(rows):
        for c in range(cols):
            for k in range(8):
                out.append((r * c + k) ^ (r << 2))
    return out
"""

HOT_UTIL = """

def crc(data):
    h = 0
    for b in data:
        for k in range(8):
            h = (h * 31 + b * k) & 0xFFFF
    return h
"""


def git(repo: Path, *args: str) -> str:
    proc = subprocess.run(
        ["git", "-c", "user.name=goport tests", "-c", "user.email=tests@goport.invalid",
         "-c", "commit.gpgsign=false", *args],
        cwd=repo, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, f"git {' '.join(args)}: {proc.stderr}"
    return proc.stdout


@pytest.fixture(scope="module")
def origin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 'GitHub' repository: main with a hot kernel, and a pull-request branch that makes the
    cold util module hot."""
    repo = tmp_path_factory.mktemp("origin")
    (repo / "app").mkdir()
    (repo / "app" / "__init__.py").write_text("")
    (repo / "app" / "kernel.py").write_text(KERNEL)
    (repo / "app" / "util.py").write_text("def add(a, b):\n    return a + b\n")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    git(repo, "checkout", "-q", "-b", "feature")
    with (repo / "app" / "util.py").open("a") as handle:
        handle.write(HOT_UTIL)
    git(repo, "commit", "-q", "-am", "make util hot")
    git(repo, "checkout", "-q", "main")
    return repo


def checkout(origin: Path, dest: Path, *, shallow: bool = False) -> Path:
    """What actions/checkout leaves: the pull request's head, with fetch-depth 0 or 1."""
    depth = ["--depth", "1"] if shallow else []
    git(origin.parent, "clone", "-q", *depth, "--branch", "feature", origin.as_uri(), str(dest))
    return dest


@pytest.fixture(scope="module")
def action_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of this checkout: pip builds in the source tree, and this checkout stays untouched."""
    dest = tmp_path_factory.mktemp("action") / "goport"
    shutil.copytree(ROOT, dest, ignore=SNAPSHOT_IGNORE)
    return dest


def runner(workspace: Path, temp: Path, action_path: Path, base_ref: str, **inputs: str) -> Runner:
    temp.mkdir(parents=True, exist_ok=True)
    # python-version "" skips actions/setup-python: the runner's python (this one) is used
    inputs.setdefault("python-version", "")
    return Runner(workspace, temp, inputs, {"action_path": str(action_path), "base_ref": base_ref})


@dataclass
class Installed:
    result: Run  # the first run, on a pull request
    workspace: Path
    install: dict[str, str]  # the install step's outputs, which the other runs reuse


@pytest.fixture(scope="module")
def installed(
    origin: Path, action_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> Installed:
    """A full run on a pull request, the install step included (a real pip install of goport
    into a virtualenv in RUNNER_TEMP)."""
    work = tmp_path_factory.mktemp("pr")
    ws = checkout(origin, work / "ws")
    result = runner(ws, work / "runner-temp", action_path, "main", sarif="true").run()
    assert result.failed is None, result.logs
    return Installed(result, ws, result.steps["install"])


def annotations(log: str) -> list[str]:
    return [
        line for line in log.splitlines() if line.startswith(("::warning", "::notice", "::error"))
    ]


@pytest.mark.slow
def test_action_on_a_pull_request(
    installed: Installed, tmp_path_factory: pytest.TempPathFactory
) -> None:
    result = installed.result
    python = Path(installed.install["python"])
    assert python.is_file() and str(python).startswith(str(tmp_path_factory.getbasetemp()))
    assert re.search(r"^goport \d", result.log("install"), re.MULTILINE), result.log("install")
    assert result.outputs["exit-code"] == "0"
    assert result.outputs["diff-base"] == "origin/main"
    # annotations on the changed file only
    found = annotations(result.log("scan"))
    assert found and all("file=app/util.py," in line for line in found), found
    # the job summary: goport's markdown report of the change
    assert "app/util.py" in result.summary and "origin/main" in result.summary
    # SARIF of the whole project was written (sarif: true) but not uploaded (upload-sarif: false)
    assert result.outputs["sarif-file"] == "goport.sarif"
    sarif = json.loads((installed.workspace / "goport.sarif").read_text(encoding="utf-8"))
    assert sarif["version"] == "2.1.0"
    assert not result.uses
    # nothing was left in the checkout but the SARIF report
    status = git(installed.workspace, "status", "--porcelain", "--untracked-files=all")
    assert status.splitlines() == ["?? goport.sarif"], status


@pytest.mark.slow
def test_action_gate_fails_after_the_sarif_upload(
    installed: Installed, origin: Path, action_path: Path, tmp_path: Path
) -> None:
    ws = checkout(origin, tmp_path / "ws")
    result = runner(
        ws,
        tmp_path / "runner-temp",
        action_path,
        "main",
        **{"fail-on-new": "20", "upload-sarif": "true"},
    ).run(preset={"install": installed.install})
    assert result.failed == "gate" and result.exit_code == 1, result.logs
    assert "::error" in result.log("gate")
    assert result.outputs["exit-code"] == "1"
    assert "gate" in result.log("scan") and "app/util.py" in result.log("scan")
    # the SARIF report was written and handed to upload-sarif before the job failed
    sarif = json.loads((ws / "goport.sarif").read_text(encoding="utf-8"))
    assert sarif["version"] == "2.1.0"
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in sarif["runs"][0]["results"]
    }
    assert {"app/kernel.py", "app/util.py"} <= uris  # a full scan, not only the change
    assert result.uses == [
        (
            "github/codeql-action/upload-sarif@v4",
            {"sarif_file": "goport.sarif", "category": "goport"},
        )
    ]


@pytest.mark.slow
def test_action_on_a_push_scans_everything(
    installed: Installed, origin: Path, action_path: Path, tmp_path: Path
) -> None:
    ws = checkout(origin, tmp_path / "ws")
    result = runner(
        ws, tmp_path / "runner-temp", action_path, "", **{"fail-on-new": "1", "top": "5"}
    ).run(preset={"install": installed.install})
    assert result.failed is None, result.logs
    assert result.outputs["diff-base"] == ""
    assert "fail-on-new is ignored" in result.log("scan")
    files = {m.group(1) for m in re.finditer(r"file=([^,]+),", result.log("scan"))}
    assert "::notice title=goport::fail-on-new" in result.log("scan")
    assert {"app/kernel.py", "app/util.py"} <= files
    assert result.outputs["sarif-file"] == ""


@pytest.mark.slow
def test_action_on_a_shallow_checkout_fetches_the_base(
    installed: Installed, origin: Path, action_path: Path, tmp_path: Path
) -> None:
    ws = checkout(origin, tmp_path / "ws", shallow=True)
    assert "origin/main" not in git(ws, "branch", "-r")
    result = runner(ws, tmp_path / "runner-temp", action_path, "main").run(
        preset={"install": installed.install}
    )
    assert result.failed is None, result.logs
    assert "Shallow clone" in result.log("base")
    assert "origin/main" in git(ws, "branch", "-r")
    assert result.outputs["diff-base"] == "origin/main"
    found = annotations(result.log("scan"))
    assert found and all("file=app/util.py," in line for line in found), result.log("scan")


@pytest.mark.slow
def test_action_usage_error_fails_the_scan_step(
    installed: Installed, origin: Path, action_path: Path, tmp_path: Path
) -> None:
    ws = checkout(origin, tmp_path / "ws")
    result = runner(
        ws, tmp_path / "runner-temp", action_path, "main", **{"diff-base": "origin/no-such-branch"}
    ).run(preset={"install": installed.install})
    assert result.failed == "scan" and result.exit_code == 2
    assert "no-such-branch" in result.log("scan")
