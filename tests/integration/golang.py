"""Go's toolchain for the tests that build what ``goport scaffold`` writes."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class GoTool:
    """``go`` and ``gofmt``, offline (no module proxy), every cache in a temporary folder so
    nothing is written under $HOME."""

    go: str
    gofmt: str
    env: Mapping[str, str]

    def run(
        self, *args: str | os.PathLike[str], cwd: Path, timeout: float = 900
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [self.go, *map(str, args)],
            cwd=cwd,
            env=dict(self.env),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def checks(self, module: Path) -> None:
        """gofmt -l empty, then go vet, go build and go test on ./..., each clean."""
        listed = subprocess.run(
            [self.gofmt, "-l", "."], cwd=module, capture_output=True, text=True, check=False
        )
        assert listed.returncode == 0 and listed.stdout == "", listed.stdout + listed.stderr
        for args in (("vet", "./..."), ("build", "./..."), ("test", "./...")):
            done = self.run(*args, cwd=module)
            assert done.returncode == 0, f"go {' '.join(args)}:\n{done.stdout}{done.stderr}"


def find(home: Path) -> GoTool | None:
    """The toolchain with its caches under ``home``, or None where Go is not installed."""
    go, gofmt = shutil.which("go"), shutil.which("gofmt")
    if go is None or gofmt is None:
        return None
    env = {k: v for k, v in os.environ.items() if not k.startswith("GO")}
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / "config"),
        GOCACHE=str(home / "cache"),
        GOPATH=str(home / "path"),
        GOMODCACHE=str(home / "path" / "mod"),
        GOFLAGS="-mod=mod",
        GOPROXY="off",
        GOENV="off",
        GOTOOLCHAIN="local",
        GOTELEMETRY="off",
        CGO_ENABLED="1",
    )
    return GoTool(go, gofmt, env)
