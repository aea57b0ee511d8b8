"""Profiles recorded where code really runs: an installed package, a container, a src/ checkout.

``fixtures/measured_pkg`` (textkit) is built into a wheel and pip-installed, non-editable, into a
fresh virtualenv, so the workload runs from site-packages as it does in production images. The
driver script is named ``scanner.py``, like the package's own ``textkit/scanner.py``: a join by
file name would charge every stack's root frame to that module. py-spy records the real run;
goport then scans the fixture's source tree with the recording (see the fixture's README for
what each module does and where it must rank).
"""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "measured_pkg"
HOT, WARM = "src/textkit/scanner.py", "src/textkit/stats.py"
NEVER_RUN = ("src/textkit/render.py", "src/textkit/cli.py")
Goport = Callable[..., subprocess.CompletedProcess[str]]

DRIVER = """\
import sys
import time

from textkit.scanner import checksum, scan
from textkit.stats import frequencies, top

TEXT = "The quick brown fox_2 jumps 1234 times, over the lazy dog; " * 300
end = time.time() + float(sys.argv[1])
while time.time() < end:
    tokens = scan(TEXT)
    checksum(tokens)
    top(frequencies(tokens))
"""


def _wheel(out: Path) -> Path:
    """A pure-Python wheel of textkit, written by hand (no build backend, no network)."""
    dist = "textkit-1.0.dist-info"
    files = {
        f"textkit/{p.name}": p.read_bytes() for p in sorted((FIXTURE / "src/textkit").glob("*.py"))
    }
    files[f"{dist}/METADATA"] = b"Metadata-Version: 2.1\nName: textkit\nVersion: 1.0\n"
    files[f"{dist}/WHEEL"] = (
        b"Wheel-Version: 1.0\nGenerator: goport-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    )
    record = []
    for name, data in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{name},sha256={digest},{len(data)}")
    record.append(f"{dist}/RECORD,,")
    files[f"{dist}/RECORD"] = ("\n".join(record) + "\n").encode()
    wheel = out / "textkit-1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return wheel


def _record(goport: Goport, output: Path, python: str, driver: Path, **env: str) -> Path:
    proc = goport(
        "profile", "--output", output, "--rate", "200", "--",
        python, driver, "2.5", env=env, cwd=driver.parent,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    return output


@pytest.fixture(scope="module")
def installed(
    tmp_path_factory: pytest.TempPathFactory, py_spy: str, goport: Goport
) -> tuple[Path, Path]:
    """(site-packages recording, the driver): textkit installed from a wheel into a new venv."""
    work = tmp_path_factory.mktemp("installed")
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--no-index", "--no-deps",
         str(_wheel(work))],
        check=True, timeout=300,
    )  # fmt: skip
    site = subprocess.run(
        [str(python), "-c", "import textkit, os; print(os.path.dirname(textkit.__file__))"],
        capture_output=True, text=True, check=True, cwd=work,
    ).stdout.strip()  # fmt: skip
    assert "site-packages" in site, site
    driver = work / "workload" / "scanner.py"
    driver.parent.mkdir()
    driver.write_text(DRIVER, encoding="utf-8")
    return _record(goport, work / "prof.json", str(python), driver), driver


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    copy = tmp_path / "measured_pkg"
    shutil.copytree(FIXTURE, copy)
    return copy


def _scan(goport: Goport, tree: Path, cache: Path, *args: str | Path) -> dict[str, Any]:
    proc = goport("scan", tree, "-f", "json", "--no-history", "--cache-dir", cache, *args)
    assert proc.returncode == 0, proc.stderr
    doc: dict[str, Any] = json.loads(proc.stdout)
    return doc


def _assert_measured_ranking(doc: dict[str, Any]) -> None:
    profile = doc["profile"]
    assert profile["match_rate"] >= 0.9, profile
    assert not any("changed since the recording" in w for w in profile["warnings"]), profile[
        "warnings"
    ]
    ranks = {c["path"]: c["rank"] for c in doc["candidates"]}
    assert ranks[HOT] == 1, ranks
    measured = [c for c in doc["candidates"] if c["measured"] is not None]
    assert {HOT, WARM} <= {c["path"] for c in measured}
    for path in NEVER_RUN:
        assert ranks[path] > max(c["rank"] for c in measured), ranks
        factor = next(
            f for c in doc["candidates"] if c["path"] == path for f in c["factors"]
            if f["name"] == "measured-time"
        )  # fmt: skip
        assert "Not run by the profiled workload" in factor["explanation"]


def test_installed_package_profile_ranks_by_measured_time(
    installed: tuple[Path, Path], tree: Path, goport: Goport, cache_dir: Path
) -> None:
    profile, driver = installed
    static = _scan(goport, tree, cache_dir)
    doc = _scan(goport, tree, cache_dir, "--profile", profile)
    _assert_measured_ranking(doc)
    # the static ranking puts a module the workload never runs above measured ones: the
    # profile corrects that
    static_order = [c["path"] for c in static["candidates"]]
    assert any(static_order.index(p) < static_order.index(WARM) for p in NEVER_RUN)
    [matched] = doc["profile"]["profiles"]
    assert any("site-packages/" in prefix for prefix in matched["prefixes"]), matched
    # the driver shares its file name with textkit/scanner.py and never passes for it
    scanner = next(c for c in doc["candidates"] if c["path"] == HOT)
    assert "<module>" not in {f["qualname"] for f in scanner["functions"]}
    assert all(str(driver) not in p for p in matched["prefixes"])


def _rewrite(profile: Path, out: Path, old: str, new: str) -> Path:
    doc = json.loads(profile.read_text(encoding="utf-8"))
    for frame in doc["shared"]["frames"]:
        if frame.get("file", "").startswith(old):
            frame["file"] = new + frame["file"][len(old) :]
    out.write_text(json.dumps(doc), encoding="utf-8")
    return out


def _site_packages(profile: Path) -> str:
    doc = json.loads(profile.read_text(encoding="utf-8"))
    files = [f.get("file", "") for f in doc["shared"]["frames"]]
    hit = next(f for f in files if "/site-packages/textkit/" in f)
    return hit[: hit.index("textkit/")]


def test_container_prefix_profile_matches_by_module_path(
    installed: tuple[Path, Path], tree: Path, tmp_path: Path, goport: Goport, cache_dir: Path
) -> None:
    """Recorded in an image where the package sat in /app: frames are /app/textkit/...."""
    profile, _ = installed
    moved = _rewrite(profile, tmp_path / "app.json", _site_packages(profile), "/app/")
    _assert_measured_ranking(_scan(goport, tree, cache_dir, "--profile", moved))


def test_profile_root_strips_a_prefix_that_stood_for_the_root(
    installed: tuple[Path, Path], tree: Path, tmp_path: Path, goport: Goport, cache_dir: Path
) -> None:
    profile, _ = installed
    moved = _rewrite(profile, tmp_path / "srv.json", _site_packages(profile), "/srv/app/src/")
    doc = _scan(goport, tree, cache_dir, "--profile", moved, "--profile-root", "/srv/app")
    _assert_measured_ranking(doc)
    assert doc["profile"]["profiles"][0]["prefixes"][0] == "/srv/app/"


def test_src_checkout_profile(
    py_spy: str, tree: Path, tmp_path: Path, goport: Goport, cache_dir: Path
) -> None:
    """Recorded from a src/ checkout somewhere else (PYTHONPATH=src), then scanned here."""
    checkout = tmp_path / "ci-checkout"
    shutil.copytree(FIXTURE, checkout)
    driver = tmp_path / "workload" / "scanner.py"
    driver.parent.mkdir()
    driver.write_text(DRIVER, encoding="utf-8")
    profile = _record(
        goport, tmp_path / "src.json", sys.executable, driver, PYTHONPATH=str(checkout / "src")
    )
    _assert_measured_ranking(_scan(goport, tree, cache_dir, "--profile", profile))


def test_staleness_follows_the_source_not_the_line_numbers(
    installed: tuple[Path, Path], tree: Path, goport: Goport, cache_dir: Path
) -> None:
    """goport profile stores each function's source fingerprint: code moved down by an edit
    above it is still fresh; a function edited in place (same lines) is stale."""
    profile, _ = installed
    recorded = json.loads(profile.read_text(encoding="utf-8"))["goport"]["code"]
    assert any(f.endswith("textkit/scanner.py") and "scan" in q for f, q in recorded.items())
    scanner = tree / HOT
    source = scanner.read_text(encoding="utf-8")
    scanner.write_text('"""Moved down."""\n\n\n' + source, encoding="utf-8")
    doc = _scan(goport, tree, cache_dir, "--profile", profile)
    _assert_measured_ranking(doc)
    scanner.write_text(source.replace("h * 31 + ord(c)", "h * 37 + ord(c)"), encoding="utf-8")
    doc = _scan(goport, tree, cache_dir, "--profile", profile)
    stale = [w for w in doc["profile"]["warnings"] if "changed since the recording" in w]
    assert len(stale) == 1 and HOT in stale[0], doc["profile"]["warnings"]
