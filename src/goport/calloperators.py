"""The operators a module runs, counted as radon's Halstead volume counts them, and which of
them are not computation: those that build text, and those that run once, on import.

Density (Halstead volume per line) is the static model's strongest sign of computation-dense
code, but two kinds of operator inflate it without being work Go would speed up:

- operators that **build text**: ``"<b>" + s``, ``"%s=%r" % kv``, ``"-" * n``, ``out += "..."``
  (an operand is a string or bytes literal, an f-string, or text an inner operator built).
  The concatenation or formatting runs in C either way; a renderer is dense with them;
- operators **outside any function or lambda** (module constants, class bodies: version checks,
  flag tables): they run once, on import.

The count matches radon's operator count (``N1``): each binary, unary and augmented operator,
each link of a comparison, one per chain of the same boolean operator (``a and b and c``, as
Python's ``ast`` has it), and nothing in a ``def``'s decorators, parameters and annotations
(radon visits a function's body only). ``goport.scoring.features`` scales radon's volume by the
share that is neither text nor import-time work.
"""

from __future__ import annotations

import libcst as cst

from goport.callfields import FieldTracker
from goport.detectors.base import Context

__all__ = ["OperatorCounter"]

#: operators that build text when an operand is a literal or built text
TEXT_OPERATORS = (cst.Add, cst.Modulo, cst.Multiply)
TEXT_LITERALS = (cst.SimpleString, cst.FormattedString, cst.ConcatenatedString)


class OperatorCounter(FieldTracker):
    """The call-site collector's part that counts operators; the collector's operator handlers
    (``leave_BinaryOperation`` and the others) report each one through ``_operators``."""

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.operators = 0
        self.text_operators = 0
        self.import_operators = 0  # of those that do not build text
        self.texts: set[int] = set()  # ids of the operations that build text, for the outer ones
        self.headers = 0  # def headers around the walk's position (radon counts bodies only)
        self.bodies: set[int] = set()  # ids of the bodies of the defs whose header is open
        self.lambdas = 0  # lambdas around the walk's position: their bodies run per call

    def _operators(self, count: int, text: bool = False) -> None:
        if self.headers:
            return
        self.operators += count
        if text:
            self.text_operators += count
        elif not self.lambdas and "function" not in self.frames:
            self.import_operators += count

    def _text(self, node: cst.BaseExpression) -> bool:
        """A string or bytes literal, or an operation that already builds text."""
        return isinstance(node, TEXT_LITERALS) or id(node) in self.texts

    def _builds_text(self, node: cst.BinaryOperation) -> bool:
        """Whether a binary operation builds text; remembered for the operations around it."""
        if isinstance(node.operator, TEXT_OPERATORS) and (
            self._text(node.left) or self._text(node.right)
        ):
            self.texts.add(id(node))
            return True
        return False

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        super().visit_FunctionDef(node)
        self.headers += 1
        self.bodies.add(id(node.body))

    def _enter_body(self, node: cst.CSTNode) -> None:
        """A block; a def's body ends its header (decorators, parameters, annotations)."""
        self._enter_block(node)
        if id(node) in self.bodies:
            self.bodies.discard(id(node))
            self.headers -= 1

    visit_IndentedBlock = _enter_body
    visit_SimpleStatementSuite = _enter_body

    def visit_Lambda(self, node: cst.Lambda) -> None:
        super().visit_Lambda(node)
        self.lambdas += 1

    def leave_Lambda(self, node: cst.Lambda) -> None:
        super().leave_Lambda(node)
        self.lambdas -= 1

    def leave_BooleanOperation(self, node: cst.BooleanOperation) -> None:
        super().leave_BooleanOperation(node)
        left = node.left
        if not (
            isinstance(left, cst.BooleanOperation)
            and type(left.operator) is type(node.operator)
            and not left.lpar
        ):
            self._operators(1)  # a and b and c is one operator, as Python's ast has it
