"""Fixtures of the integration tests that build Go."""

from __future__ import annotations

import pytest
from golang import GoTool, find


@pytest.fixture(scope="session")
def go_tool(tmp_path_factory: pytest.TempPathFactory) -> GoTool:
    """The go tool (Debian's golang-go, which .ci/run installs), or a skip that says why."""
    found = find(tmp_path_factory.mktemp("gohome"))
    if found is None:
        pytest.skip("go and gofmt are not on PATH (Debian: apt-get install golang-go)")
    return found
