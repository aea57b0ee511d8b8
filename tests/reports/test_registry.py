"""The Format enum and the reporter mapping agree; every reporter renders a real result."""

from __future__ import annotations

import pytest

from goport.config import Config
from goport.pipeline import run
from goport.reports import REPORTERS, Format, Options, render


def test_enum_and_mapping_agree() -> None:
    assert set(REPORTERS) == set(Format)


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("proj")
    (root / "pkg").mkdir()
    (root / "pkg" / "__init__.py").write_text("")
    (root / "pkg" / "kernel.py").write_text(
        "def grid(rows):\n    t = 0\n    for r in rows:\n        for c in r:\n            t += (c * c) ^ (c << 3)\n    return t\n"
    )
    # a name with rich-markup and markdown characters must come out as written
    (root / "pkg" / "weird[name].py").write_text(
        "def f(xs):\n    t = 0\n    for a in xs:\n        for b in a:\n            t = (t * 31 + b) & 0xFFFF\n    return t\n"
    )
    cache = tmp_path_factory.mktemp("cache")
    return run(Config(root=root, cache_dir=cache, history=False))


@pytest.mark.parametrize("fmt", list(Format), ids=lambda f: f.value)
def test_every_format_renders_and_is_deterministic(fmt: Format, result) -> None:
    first = render(fmt, result, Options())
    assert first == render(fmt, result, Options())
    assert "pkg/kernel.py" in first
    assert "weird[name].py" in first


def test_terminal_plain_has_no_escape_codes(result) -> None:
    text = render(Format.TERMINAL, result, Options(color=False))
    assert "\x1b[" not in text
    colored = render(Format.TERMINAL, result, Options(color=True))
    assert "\x1b[" in colored
