"""Every git call is safe: a hostile repository's config never runs a command, names git would
quote are never dropped from diff mode, and a ref from the user is never taken as an option.

Real git repositories in tmp_path, driven through the real CLI. Each hostile setting points at a
command that creates a marker file outside the repository; the marker must never appear, in
diff mode (``--diff-base``) nor in a plain scan (which reads ``git log`` for churn).
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from goport import diff, history
from goport.discover import discover, rel_path_of
from goport.text import printable

Goport = Callable[..., subprocess.CompletedProcess[str]]

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
#: a module that scores above 50 on its own (pure-Python CPU loops)
HOT = (FIXTURES / "demo_service" / "demo_service" / "tokenizer.py").read_text(encoding="utf-8")
REAL_GIT = shutil.which("git")

pytestmark = pytest.mark.skipif(REAL_GIT is None, reason="needs git")


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def scan(goport: Goport, repo: Path, cache: Path, *args: str, **kw: Any) -> Any:
    return goport("scan", ".", "--cache-dir", cache, *args, cwd=repo, **kw)


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    """main: app/{__init__,util,old}.py; feature: util.py changed in a commit and again in the
    work tree, an untracked new module."""
    repo = tmp_path / "repo"
    (repo / "app").mkdir(parents=True)
    (repo / "app" / "__init__.py").write_text("")
    (repo / "app" / "util.py").write_text("def add(a, b):\n    return a + b\n")
    (repo / "app" / "old.py").write_text("X = 1\n")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "base")
    git(repo, "checkout", "-q", "-b", "feature")
    (repo / "app" / "util.py").write_text("def add(a, b):\n    return a + b\n\n\nY = 2\n")
    git(repo, "commit", "-q", "-am", "util")
    return repo


def dirty(repo: Path) -> None:
    """Work-tree changes git would have to look at (and convert) in a work-tree diff."""
    (repo / "app" / "util.py").write_text("def add(a, b):\n    return a + b + 0\n\n\nY = 2\n")
    (repo / "app" / "new.py").write_text(HOT)


def hostile_script(tmp_path: Path, marker: Path, name: str) -> Path:
    script = tmp_path / name
    script.write_text(f"#!/bin/sh\ntouch {shlex.quote(str(marker))}\ncat >/dev/null\nexit 1\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


def sign_head(repo: Path) -> None:
    """Rewrite HEAD as a commit carrying a (fake) PGP signature: git log verifies it with
    gpg.program when log.showSignature is set; gpg itself is not needed."""
    body = git(repo, "cat-file", "commit", "HEAD")
    head, _, message = body.partition("\n\n")
    signature = (
        "gpgsig -----BEGIN PGP SIGNATURE-----\n \n iQEzBAABCAAdFiEEAAAA\n"
        " -----END PGP SIGNATURE-----"
    )
    signed = f"{head}\n{signature}\n\n{message}"
    commit = subprocess.run(
        ["git", "hash-object", "-t", "commit", "-w", "--stdin"],
        cwd=repo,
        input=signed,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    git(repo, "update-ref", "refs/heads/feature", commit)


def _fsmonitor(repo: Path, cmd: str, script: Path) -> None:
    git(repo, "config", "core.fsmonitor", cmd)


def _diff_external(repo: Path, cmd: str, script: Path) -> None:
    git(repo, "config", "diff.external", cmd)


def _diff_driver(repo: Path, cmd: str, script: Path) -> None:
    (repo / ".gitattributes").write_text("*.py diff=x\n")
    git(repo, "add", ".gitattributes")
    git(repo, "commit", "-q", "-m", "attributes")
    git(repo, "config", "diff.x.command", cmd)


def _textconv(repo: Path, cmd: str, script: Path) -> None:
    (repo / ".gitattributes").write_text("*.py diff=x\n")
    git(repo, "add", ".gitattributes")
    git(repo, "commit", "-q", "-m", "attributes")
    git(repo, "config", "diff.x.textconv", cmd)


def _filters(required: bool, process: bool) -> Callable[[Path, str, Path], None]:
    def setup(repo: Path, cmd: str, script: Path) -> None:
        (repo / ".gitattributes").write_text("*.py filter=x\n")
        git(repo, "add", ".gitattributes")
        git(repo, "commit", "-q", "-m", "attributes")
        # configured after the commits, so that only goport's git calls could run them
        if process:
            git(repo, "config", "filter.x.process", cmd)
        else:
            git(repo, "config", "filter.x.clean", cmd)
            git(repo, "config", "filter.x.smudge", cmd)
        if required:
            git(repo, "config", "filter.x.required", "true")

    return setup


def _signature(repo: Path, cmd: str, script: Path) -> None:
    sign_head(repo)
    git(repo, "config", "log.showSignature", "true")
    git(repo, "config", "gpg.program", str(script))


def _hooks(repo: Path, cmd: str, script: Path) -> None:
    hooks = repo.parent / "hooks"
    hooks.mkdir()
    for name in ("post-index-change", "post-checkout", "pre-commit", "reference-transaction"):
        shutil.copy(script, hooks / name)
    git(repo, "config", "core.hooksPath", str(hooks))


def _pager(repo: Path, cmd: str, script: Path) -> None:
    git(repo, "config", "core.pager", cmd)
    git(repo, "config", "pager.log", cmd)


HOSTILE = {
    "core.fsmonitor": _fsmonitor,
    "diff.external": _diff_external,
    "diff driver command": _diff_driver,
    "textconv driver": _textconv,
    "clean/smudge filter": _filters(required=False, process=False),
    "clean/smudge filter, required": _filters(required=True, process=False),
    "process filter, required": _filters(required=True, process=True),
    "log.showSignature + gpg.program": _signature,
    "core.hooksPath": _hooks,
    "core.pager": _pager,
}


@pytest.mark.parametrize("setting", list(HOSTILE))
def test_repository_config_never_runs_a_command(
    setting: str, repo: Path, tmp_path: Path, goport: Goport, cache_dir: Path
) -> None:
    marker = tmp_path / "MARKER"
    script = hostile_script(tmp_path, marker, "evil.sh")
    command = f"touch {shlex.quote(str(marker))}; false"
    HOSTILE[setting](repo, command, script)
    dirty(repo)
    assert not marker.exists()  # the test's own setup ran nothing

    proc = scan(goport, repo, cache_dir, "--format", "json")  # reads git history
    assert not marker.exists(), f"{setting} ran while reading history"
    assert proc.returncode == 0, proc.stderr
    util = next(c for c in json.loads(proc.stdout)["candidates"] if c["path"] == "app/util.py")
    assert util["history"]["commits"] == 2

    proc = scan(goport, repo, cache_dir, "--diff-base", "main", "--format", "json")
    assert not marker.exists(), f"{setting} ran in diff mode"
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["diff"]["changed"] == ["app/new.py", "app/util.py"]


def test_bare_looking_root_is_not_used_as_a_repository(
    tmp_path: Path, goport: Goport, cache_dir: Path
) -> None:
    """A scanned folder that looks like a bare repository (say, one embedded in a project) is
    not taken as one: its config would otherwise be read."""
    marker = tmp_path / "MARKER"
    script = hostile_script(tmp_path, marker, "evil.sh")
    command = f"touch {shlex.quote(str(marker))}; false"
    source = tmp_path / "src"
    source.mkdir()
    (source / "m.py").write_text("x = 1\n")
    git(source, "init", "-q", "-b", "main")
    git(source, "add", ".")
    git(source, "commit", "-q", "-m", "one")
    (source / "m.py").write_text("x = 2\n")
    git(source, "commit", "-q", "-am", "two")
    bare = tmp_path / "embedded.git"
    git(tmp_path, "clone", "-q", "--bare", str(source), str(bare))
    (bare / "m.py").write_text("y = 1\n")  # something to scan
    (bare / "info").mkdir(exist_ok=True)
    (bare / "info" / "attributes").write_text("*.py diff=x filter=x\n")
    for key, value in {
        "core.fsmonitor": command,
        "core.pager": command,
        "diff.external": command,
        "diff.x.textconv": command,
        "diff.x.command": command,
        "filter.x.clean": command,
        "log.showSignature": "true",
        "gpg.program": str(script),
        "core.hooksPath": str(tmp_path),
    }.items():
        git(bare, "config", key, value)

    proc = scan(goport, bare, cache_dir)
    assert proc.returncode == 0, proc.stderr
    assert "m.py" in proc.stdout
    proc = scan(goport, bare, cache_dir, "--diff-base", "main")
    assert proc.returncode == 2
    assert "git repository" in proc.stderr and "Traceback" not in proc.stderr
    assert not marker.exists()


# -- every call carries the safety options ---------------------------------------------------

REQUIRED_CONFIG = (
    "core.fsmonitor=false",
    "core.hooksPath=/dev/null",
    "diff.external=",
    "log.showSignature=false",
    "safe.bareRepository=explicit",
    "core.pager=cat",
    "core.untrackedCache=false",
)
#: git commands that read objects and refs only: none of them refreshes the index or converts a
#: work-tree file through a filter
READ_ONLY = {"rev-parse", "merge-base", "ls-tree", "cat-file", "log"}


def fake_git(tmp_path: Path, log: Path) -> Path:
    """A ``git`` first on PATH that records its argv, environment and stdin, then runs git."""
    folder = tmp_path / "fakebin"
    folder.mkdir()
    script = folder / "git"
    script.write_text(
        f"#!{sys.executable} -I\n"
        "import json, os, stat, sys\n"
        "st = os.fstat(0)\n"
        "devnull = os.stat(os.devnull)\n"
        "record = {'argv': sys.argv[1:],\n"
        "          'env': {k: os.environ.get(k) for k in ('GIT_CONFIG_NOSYSTEM',\n"
        "                  'GIT_TERMINAL_PROMPT', 'GIT_OPTIONAL_LOCKS', 'GIT_PAGER',\n"
        "                  'GIT_EXTERNAL_DIFF', 'GIT_NO_LAZY_FETCH', 'GIT_ALLOW_PROTOCOL')},\n"
        "          'stdin_devnull': (st.st_dev, st.st_ino) == (devnull.st_dev, devnull.st_ino)}\n"
        f"with open({str(log)!r}, 'a') as f:\n"
        "    f.write(json.dumps(record) + '\\n')\n"
        f"os.execv({REAL_GIT!r}, ['git', *sys.argv[1:]])\n"
    )
    script.chmod(0o755)
    return folder


def test_every_git_call_has_the_safety_options(
    repo: Path, tmp_path: Path, goport: Goport, cache_dir: Path
) -> None:
    dirty(repo)
    log = tmp_path / "git-calls.jsonl"
    env = {
        "PATH": f"{fake_git(tmp_path, log)}{os.pathsep}{os.environ['PATH']}",
        "GIT_EXTERNAL_DIFF": "/bin/false",
    }
    proc = scan(goport, repo, cache_dir, "--diff-base", "main", "--format", "github", env=env)
    assert proc.returncode == 0, proc.stderr
    proc = scan(goport, repo, cache_dir, env=env)  # history
    assert proc.returncode == 0, proc.stderr

    calls = [json.loads(line) for line in log.read_text().splitlines()]
    subcommands = [c["argv"][c["argv"].index("-C") + 2] for c in calls]
    assert {"merge-base", "ls-tree", "cat-file", "log"} <= set(subcommands), subcommands
    assert set(subcommands) <= READ_ONLY, subcommands
    for call, sub in zip(calls, subcommands):
        argv = call["argv"]
        before = argv[: argv.index("-C")]
        assert before[0] == "--no-pager", argv
        configs = {before[i + 1] for i, a in enumerate(before) if a == "-c"}
        assert set(REQUIRED_CONFIG) <= configs, argv
        assert call["env"] == {
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_TERMINAL_PROMPT": "0",
            "GIT_OPTIONAL_LOCKS": "0",
            "GIT_PAGER": "cat",
            "GIT_NO_LAZY_FETCH": "1",
            "GIT_ALLOW_PROTOCOL": "none",
            "GIT_EXTERNAL_DIFF": None,
        }, argv
        assert call["stdin_devnull"] == (sub != "cat-file"), argv
        if sub in ("log", "ls-tree"):
            assert "-z" in argv and "--" in argv, argv
        if sub == "log":
            assert {"--no-ext-diff", "--no-textconv"} <= set(argv), argv
    # the user's ref is validated once, after --end-of-options; only commit ids follow
    with_ref = [c["argv"] for c in calls if any(a.startswith("main") for a in c["argv"])]
    assert len(with_ref) == 1, with_ref
    assert with_ref[0][-2:] == ["--end-of-options", "main^{commit}"], with_ref


# -- names git would quote (item 4) --------------------------------------------------------------

QUOTED_NAMES = ["ünïcode.py", "tab\tname.py", "new\nline.py", 'quo"te.py', "back\\slash.py"]


@pytest.mark.parametrize("name", QUOTED_NAMES, ids=repr)
def test_quoted_names_trip_the_new_module_gate(
    name: str, repo: Path, goport: Goport, cache_dir: Path
) -> None:
    (repo / name).write_text(HOT, encoding="utf-8")
    git(repo, "add", "--", name)
    git(repo, "commit", "-q", "-m", "hot module")
    out = repo.parent / "report.json"
    proc = scan(
        goport,
        repo,
        cache_dir,
        "--diff-base",
        "main",
        "--fail-on-new",
        "50",
        "--format",
        "json",
        "--output",
        str(out),
    )
    assert proc.returncode == 1, proc.stderr
    shown = rel_path_of([name])  # the name every report uses: controls shown escaped
    assert shown in proc.stderr and "gate" in proc.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert shown in doc["diff"]["changed"]
    delta = next(d for d in doc["diff"]["deltas"] if d["path"] == shown)
    assert delta["before"] is None and delta["after"] >= 50

    proc = scan(goport, repo, cache_dir, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    hot = next(c for c in json.loads(proc.stdout)["candidates"] if c["path"] == shown)
    assert hot["history"]["commits"] == 1


def test_non_utf8_names_are_read_from_git_as_the_file_system_names_them(
    repo: Path, tmp_path: Path
) -> None:
    raw = os.fsdecode(b"\xff\xfe.py")
    (repo / raw).write_text(HOT, encoding="utf-8")
    git(repo, "add", "--", raw)
    git(repo, "commit", "-q", "-m", "odd name")
    files = [_source(repo, rel) for rel in ("app/__init__.py", "app/util.py", "app/old.py", raw)]
    change = diff.changes(repo.resolve(), "main", files, _contents(files))
    shown = printable(raw)
    assert set(change.changed) == {shown, "app/util.py"}
    assert change.changed[shown] == diff.WHOLE_FILE
    assert history.read(repo).files[shown].commits == 1


def _contents(files: Any) -> dict[str, bytes]:
    """The files' bytes as the scan reads them (analysis.read_sources), by rel path."""
    from goport.analysis import read_sources
    from goport.config import Config

    sources, _ = read_sources(files, Config(root=Path(".")))
    return {source.rel_path: data for source, data in sources}


def _source(root: Path, rel: str) -> Any:
    from goport.model import SourceFile

    shown = printable(rel)  # as discovery names it
    return SourceFile(rel_path=shown, abs_path=str(root / rel), module=shown[:-3], is_test=False)


# -- what counts as changed ----------------------------------------------------------------------


def test_changes_are_computed_without_a_work_tree_diff(
    repo: Path, goport: Goport, cache_dir: Path
) -> None:
    (repo / "app" / "old.py").write_bytes(b"X = 1\r\n")  # line endings only: unchanged
    (repo / ".gitignore").write_text("ignored.py\n")
    (repo / "ignored.py").write_text(HOT)  # untracked and ignored: not part of the change
    (repo / "app" / "fresh.py").write_text("A = 1\n")  # untracked: new as a whole
    (repo / "app" / "link.py").symlink_to("util.py")
    git(repo, "add", "app/link.py")
    git(repo, "commit", "-q", "-m", "link")  # a tracked link, unchanged since
    (repo / "app" / "util.py").write_text("def add(a, b):\n    return a - b\n\n\nY = 2\n")
    proc = scan(goport, repo, cache_dir, "--diff-base", "main", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["diff"]["changed"] == [
        "app/fresh.py",
        "app/link.py",
        "app/util.py",
    ]
    # committed and unchanged, the link does not count; nor does anything git would not see
    proc = scan(goport, repo, cache_dir, "--diff-base", "feature", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["diff"]["changed"] == ["app/fresh.py", "app/util.py"]

    found = discover(repo)
    against_main = diff.changes(found.root, "main", found.files, _contents(found.files)).changed
    assert against_main["app/util.py"] == ((2, 5),)
    assert against_main["app/fresh.py"] == diff.WHOLE_FILE
    against_feature = diff.changes(
        found.root, "feature", found.files, _contents(found.files)
    ).changed
    assert against_feature["app/util.py"] == ((2, 2),)
    assert git(repo, "status", "--porcelain", "--", "app/util.py").startswith(" M")


def test_linked_folders_and_nested_repositories(repo: Path, tmp_path: Path) -> None:
    """A file behind a linked folder is compared under its real path (a link cannot hide a
    change); one in a nested repository is not part of this repository's change."""
    (repo / "alias").symlink_to("app")
    git(repo, "add", "alias")
    git(repo, "commit", "-q", "-m", "alias")
    (repo / "app" / "util.py").write_text("def add(a, b):\n    return a - b\n\n\nY = 2\n")
    nested = repo / "vendor" / "other"
    nested.mkdir(parents=True)
    (nested / "hot.py").write_text(HOT)
    git(nested, "init", "-q")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "far.py").write_text(HOT)
    (repo / "away").symlink_to(outside)
    files = [
        _source(repo, rel)
        for rel in ("alias/util.py", "alias/old.py", "vendor/other/hot.py", "away/far.py")
    ]
    change = diff.changes(repo.resolve(), "feature", files, _contents(files))
    assert change.changed == {"alias/util.py": ((2, 2),)}


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (b"a\nb\nc\n", b"a\nb\nc\n", ()),
        (b"a\nb\nc\n", b"a\r\nb\r\nc\r\n", ()),
        (b"a\nb\nc\n", b"a\nB\nc\n", ((2, 2),)),
        (b"a\nb\nc\n", b"a\nb\nx\ny\nc\n", ((3, 4),)),
        (b"a\nb\nc\n", b"a\nc\n", ((1, 2),)),  # a deletion marks the lines around it
        (b"a\nb\n", b"b\n", ((1, 1),)),
        (b"", b"a\nb\n", ((1, 2),)),
    ],
)
def test_changed_lines(old: bytes, new: bytes, expected: tuple[tuple[int, int], ...]) -> None:
    assert diff.changed_lines(old, new) == expected


def test_changed_lines_is_bounded_on_adversarial_input() -> None:
    old = b"".join(b"ab"[i % 2 : i % 2 + 1] + b"\n" for i in range(5000))
    new = b"".join(b"ba"[i % 2 : i % 2 + 1] + b"\n" for i in range(5000))
    # too many line pairs to align: the whole differing middle counts as changed
    assert diff.changed_lines(b"h\n" + old + b"t\n", b"h\n" + new + b"t\n") == ((2, 5001),)


# -- refs from the user and a missing git ------------------------------------------------------


@pytest.mark.parametrize("args", [["--diff-base=--independent"], ["--diff-base", "-x"]])
def test_option_looking_ref_is_a_usage_error(
    args: list[str], repo: Path, goport: Goport, cache_dir: Path
) -> None:
    proc = scan(goport, repo, cache_dir, *args)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("goport: error: --diff-base -") and "not a git ref" in lines[0]


def test_unknown_ref_is_an_input_error(repo: Path, goport: Goport, cache_dir: Path) -> None:
    proc = scan(goport, repo, cache_dir, "--diff-base", "no-such-branch")
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "no-such-branch: not a commit in this repository (fetch it first" in lines[0]


def test_missing_git(repo: Path, tmp_path: Path, goport: Goport, cache_dir: Path) -> None:
    empty = tmp_path / "nobin"
    empty.mkdir()
    env = {"PATH": str(empty)}
    proc = scan(goport, repo, cache_dir, "--diff-base", "main", env=env)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "--diff-base needs git, which is not installed" in lines[0]
    proc = scan(goport, repo, cache_dir, "--format", "json", env=env)
    assert proc.returncode == 0, proc.stderr
    assert "app/util.py" in [c["path"] for c in json.loads(proc.stdout)["candidates"]]


# -- partial clones: git must never fetch a missing object by itself --------------------------


def _make_partial_clone(repo: Path, cmd: str) -> None:
    """Configure ``repo`` as a partial clone whose promisor remote runs ``cmd`` when git
    fetches from it, and delete a blob that history needs."""
    old_blob = git(repo, "rev-parse", "main:app/util.py").strip()
    obj = repo / ".git" / "objects" / old_blob[:2] / old_blob[2:]
    assert obj.is_file()  # loose: the fixture never packs
    obj.chmod(0o644)
    obj.unlink()
    git(repo, "config", "core.repositoryformatversion", "1")
    git(repo, "config", "extensions.partialClone", "origin")
    git(repo, "config", "remote.origin.promisor", "true")
    git(repo, "config", "remote.origin.url", str(repo))
    git(repo, "config", "remote.origin.uploadpack", f"{cmd}; git-upload-pack")
    git(repo, "config", "core.sshCommand", cmd)
    git(repo, "config", "protocol.allow", "always")


def test_partial_clone_never_fetches_a_missing_object(
    repo: Path, tmp_path: Path, goport: Goport, cache_dir: Path
) -> None:
    marker = tmp_path / "PWNED"
    _make_partial_clone(repo, f"touch {shlex.quote(str(marker))}")
    # the repository really is armed: a plain git that needs the blob runs the command
    subprocess.run(
        ["git", "log", "--numstat", "-p", "main"], cwd=repo, capture_output=True, check=False
    )
    assert marker.exists()
    marker.unlink()
    for args in ((), ("--diff-base", "main")):
        proc = scan(goport, repo, cache_dir, "-f", "json", *args)
        assert proc.returncode in (0, 2), proc.stderr
        assert "internal error" not in proc.stderr
        assert not marker.exists(), args
