"""Every number the score uses is a named calibration field with its reason."""

from __future__ import annotations

import ast
import math
from dataclasses import fields, replace
from pathlib import Path

import pytest

from goport.config import Config
from goport.extract import extract
from goport.model import Boundary, SourceFile
from goport.scoring import CALIBRATION, Calibration, score_module

SCORING = Path(__file__).resolve().parents[2] / "src" / "goport" / "scoring"


def test_every_field_has_a_one_line_reason() -> None:
    for f in fields(Calibration):
        why = f.metadata.get("why", "")
        assert len(why) > 20 and "\n" not in why, f.name
        assert math.isfinite(getattr(CALIBRATION, f.name)), f.name
    assert set(CALIBRATION.reasons()) == {f.name for f in fields(Calibration)}


def test_the_factor_functions_hold_no_bare_weights() -> None:
    """Numbers in the factor code are 0, 1, rounding or formatting; weights come from ``cal``."""
    allowed = {0, 1, 2, 4, 100}
    tree = ast.parse((SCORING / "factors.py").read_text(encoding="utf-8"))
    numbers = {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, (int, float))
        and not isinstance(node.value, bool)
    }
    assert numbers <= allowed, numbers - allowed


KERNEL = """
def mix(data):
    h = 0
    for b in data:
        h = ((h << 5) ^ (h >> 27) ^ b) & 0xFFFFFFFF
    return h
"""


@pytest.mark.parametrize("name", ["w_density", "w_bit_work", "gain_points"])
def test_a_calibration_field_moves_the_score_it_names(name: str) -> None:
    m = extract(SourceFile("m.py", "m.py", "m"), KERNEL.encode())
    boundary = Boundary(0, 0, (), (), (), ())
    config = Config(root=Path("."))
    base = score_module(m, list(m.findings), boundary, config).score
    more = replace(CALIBRATION, **{name: getattr(CALIBRATION, name) * 2})
    assert score_module(m, list(m.findings), boundary, config, cal=more).score > base
