"""Imports every public name of shapes, so that all of them are its boundary (test fixture)."""

from .shapes import (
    Box,
    Color,
    Counter,
    LimitError,
    Options,
    Point,
    Sink,
    Span,
    Store,
    apply,
    decode,
    fetch,
    größe,
    pairs,
    points,
    scale,
    spans,
)

__all__ = [
    "Box", "Color", "Counter", "LimitError", "Options", "Point", "Sink", "Span", "Store",
    "apply", "decode", "fetch", "größe", "pairs", "points", "scale", "spans",
]  # fmt: skip
