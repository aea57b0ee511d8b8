"""Risk rules about values: int width, str indexing, RE2 patterns, float rounding and printing."""

from __future__ import annotations

import ast
import re

from goport.roadmap.re2check import unsupported
from goport.roadmap.risk_walk import (
    FLOAT_FORMAT,
    INT_WIDTH,
    RE2,
    STR_INDEX,
    WalkState,
    dotted,
    int_value,
    shows,
    tail,
)

_INT64_MAX = 2**63 - 1
_MASK_WIDTHS = {2**16 - 1: 16, 2**32 - 1: 32, 2**64 - 1: 64}
_WRAP_WIDTHS = {2**16: 16, 2**32: 32, 2**64: 64}
_FLOAT_SPECS = "eEfFgG%"
#: one %-conversion: (spec without the %, conversion letter); "%%" is matched and ignored
_PERCENT = re.compile(r"%((?:\([^)]*\))?[#0\- +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?([a-zA-Z%]))")


def pattern_text(value: str | bytes) -> str:
    return value.decode("latin-1") if isinstance(value, bytes) else value


def _literal(value: int) -> str:
    return f"0x{value:X}" if value.bit_length() <= 128 else f"of {value.bit_length()} bits"


def _percent_specs(template: str) -> list[str]:
    """The float conversions of a %-format string (``%.2f``, ``%g``), in order."""
    return [match.group(1) for match in _PERCENT.finditer(template) if match.group(2) in "eEfFgG"]


class ValueRules(WalkState):
    """``visit_X`` hooks and helpers of the value rules; the walker calls the helpers too."""

    def visit_BinOp(self, node: ast.BinOp) -> None:
        op = node.op
        if isinstance(op, ast.BitAnd):
            self._mask(node, int_value(node.right) or int_value(node.left))
        elif isinstance(op, ast.Mod):
            self._wrap(node)
        elif isinstance(op, ast.Pow):
            self._power(node, node.left, node.right)
        elif isinstance(op, ast.LShift):
            self._shift(node, node.right)
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        value = node.value
        if type(value) is int and value > _INT64_MAX and id(node) not in self.explained:
            fits = "fits uint64" if value < 2**64 else "needs more than 64 bits"
            self.add(
                INT_WIDTH,
                node,
                f"the literal {_literal(value)} is above 2**63-1: it does not fit an int64 "
                f"({fits})",
                "declare it (and the values it combines with) uint64"
                if value < 2**64
                else "use math/big.Int",
            )

    def visit_Subscript(self, node: ast.Subscript) -> None:
        if isinstance(node.ctx, ast.Load) and self.type_of(node.value) == "str":
            sliced = isinstance(node.slice, ast.Slice)
            self._str_use(
                node.value, node, "sliced by position" if sliced else "indexed by position"
            )
        self.generic_visit(node)

    def visit_FormattedValue(self, node: ast.FormattedValue) -> None:
        spec = node.format_spec
        if isinstance(spec, ast.JoinedStr) and len(spec.values) == 1:
            self._format_spec(spec.values[0], node)
        elif spec is None and node.conversion == -1 and self.type_of(node.value) == "float":
            self._float_text(node)
        self.generic_visit(node)

    def _mask(self, node: ast.AST, value: int | None) -> None:
        width = _MASK_WIDTHS.get(value) if value is not None else None
        if width is None:
            return
        self._explain(node)
        self.add(
            INT_WIDTH,
            node,
            f"masks to {width} bits (& 0x{value:X}): Python ints are unbounded, the mask "
            "emulates fixed-width arithmetic",
            f"use uint{width} for this value: Go's uint{width} arithmetic wraps around by itself, "
            "so the mask goes away (keep it only where a wider type is narrowed)",
        )

    def _wrap(self, node: ast.BinOp) -> None:
        if isinstance(node.left, ast.Constant) and isinstance(node.left.value, (str, bytes)):
            self._percent_format(node)
            return
        width = _WRAP_WIDTHS.get(int_value(node.right) or 0)
        if width is None:
            return
        self._explain(node.right)
        self.add(
            INT_WIDTH,
            node,
            f"wraps modulo 2**{width}: Python ints are unbounded, the modulo emulates "
            f"{width}-bit arithmetic",
            f"use uint{width}: Go's unsigned arithmetic wraps around modulo 2**{width} by itself "
            "(a Python % on a negative number is never negative; Go's % can be)",
        )

    def _power(self, node: ast.AST, left: ast.expr, right: ast.expr) -> None:
        """``base ** exponent`` or ``pow(base, exponent)`` with an int literal base."""
        base, exponent = int_value(left), int_value(right)
        if base is None or abs(base) < 2:
            return
        if exponent is None:
            if isinstance(right, ast.Constant):
                return  # a float exponent: float arithmetic
            text = f"{base} ** <variable>"
        elif exponent < 0 or (
            abs(base).bit_length() * exponent <= 128  # never compute a huge power
            and (abs(base) ** exponent).bit_length() <= 63
        ):
            return
        else:
            self.explained.update(id(part) for part in ast.walk(node))
            text = f"{base} ** {exponent}"
        self.add(
            INT_WIDTH,
            node,
            f"{text} can exceed 64 bits: Python ints are unbounded",
            "bound the exponent and use uint64 (or check for overflow), or math/big.Int for "
            "values beyond 64 bits",
        )

    def _shift(self, node: ast.AST, amount: ast.expr) -> None:
        value = int_value(amount)
        if value is not None and value <= 62:
            return
        text = "by a variable amount" if value is None else f"by {value}"
        if value is not None:
            self.explained.update(id(part) for part in ast.walk(node))
        self.add(
            INT_WIDTH,
            node,
            f"left shift {text}: Python ints grow, the result can exceed 63 bits",
            "shift a uint64 (a shift of 63 sets the sign bit of an int64; a shift of 64 or more "
            "gives 0 in Go), or use math/big.Int when the result may need more than 64 bits",
        )

    def _self_product(self, target: ast.expr, value: ast.expr, node: ast.Assign) -> None:
        """``x = x * y`` in a loop (not ``x = (x * y) & MASK``)."""
        if not self.scope.loops or not isinstance(value, ast.BinOp):
            return
        if not isinstance(value.op, ast.Mult):
            return
        name = dotted(target)
        for own, other in ((value.left, value.right), (value.right, value.left)):
            if name is not None and dotted(own) == name:
                self._product(node, target, other)
                return

    def _product(self, node: ast.stmt, target: ast.expr, factor: ast.expr) -> None:
        if self.type_of(target) != "int" or self.type_of(factor) in {"float", "str"}:
            return  # only a product known to start from an int literal
        loop = self.scope.loops[-1]
        if isinstance(factor, ast.Constant) and not loop.is_for:
            return  # x *= 2 in a while loop: bounded by the loop's own test
        self.add(
            INT_WIDTH,
            node,
            f"{shows(dotted(target) or 'a value')} is multiplied on every pass of a loop: a "
            "Python int grows without limit (factorial-style products overflow 64 bits fast)",
            "decide the width: uint64 with wrap-around if that is the intent, an overflow check, "
            "or math/big.Int",
        )

    def _str_use(self, value: ast.expr, node: ast.AST, how: str) -> None:
        name = dotted(value)
        if name is None or self._once(STR_INDEX, name):
            return
        shown = shows(name)
        self.add(
            STR_INDEX,
            node,
            f"the str {shown} is {how}: Python counts code points",
            f"Go strings index and len() by bytes: convert {shown} to []rune for positions "
            "that must match Python's, or keep []byte and check the input is ASCII",
        )

    def _regex(self, node: ast.Call, function: str) -> None:
        if not node.args:
            return
        pattern = node.args[0]
        if isinstance(pattern, ast.Constant) and isinstance(pattern.value, (str, bytes)):
            text = pattern_text(pattern.value)
        elif isinstance(pattern, ast.Name) and pattern.id in self.constants:
            text = self.constants[pattern.id]
        else:
            return
        flags = node.args[2:] if function in {"sub", "subn"} else node.args[1:]
        flag_nodes = [*flags, *(kw.value for kw in node.keywords if kw.arg == "flags")]
        verbose = any(
            tail(part) in {"VERBOSE", "X"}
            for flag in flag_nodes
            for part in ast.walk(flag)
            if isinstance(part, (ast.Attribute, ast.Name))
        )
        found = unsupported(text, verbose)
        if found:
            self.add(
                RE2,
                node,
                f"re.{function}() pattern uses what Go's regexp (RE2) does not support: "
                + "; ".join(shows(item) for item in found),
                "rewrite without it: match a wider pattern and check the context in code "
                "(lookaround), compare captured groups (backreferences), or scan by hand; "
                "RE2 runs in linear time, so there is no backtracking to rely on",
            )

    def _decimal(self, node: ast.stmt) -> None:
        self.add(
            FLOAT_FORMAT,
            node,
            "uses decimal: arbitrary-precision decimal arithmetic with a rounding context",
            "Go's standard library has no decimal type: use a decimal package (e.g. "
            "shopspring/decimal) or math/big, and reproduce the context's precision and "
            "rounding mode (Python's default is ROUND_HALF_EVEN)",
        )

    def _round(self, node: ast.Call) -> None:
        if len(node.args) == 1 and not node.keywords:
            self.add(
                FLOAT_FORMAT,
                node,
                "round(x) rounds half to even (round(2.5) == 2)",
                "use math.RoundToEven, not math.Round (which rounds half away from zero)",
            )
            return
        self.add(
            FLOAT_FORMAT,
            node,
            "round(x, n) rounds the exact binary value to n decimals, half to even",
            "Go has no round-to-n-digits: math.Round(x*10^n)/10^n differs on halves and "
            "representation; format with strconv.FormatFloat(x, 'f', n, 64) (and parse back if "
            "a number is needed), and test values ending in 5",
        )

    def _format_spec(self, spec: ast.expr, node: ast.AST) -> None:
        text = spec.value if isinstance(spec, ast.Constant) else None
        if isinstance(text, str) and text and text[-1] in _FLOAT_SPECS:
            self._float_spec(text, node)

    def _float_spec(self, spec: str, node: ast.AST) -> None:
        general = spec[-1] in "gG"
        self.add(
            FLOAT_FORMAT,
            node,
            f"formats a float with '{shows(spec)}'"
            + (": Python's g keeps 6 significant digits by default" if general else ""),
            "Go's fmt %g without a precision prints the shortest representation: give the "
            "precision explicitly (%.6g) and compare outputs on sample values"
            if general
            else "Go's fmt gives the same digits for the same float64 (both round the exact "
            "binary value); keep the value a float64 all the way and test values ending in 5",
        )

    def _percent_format(self, node: ast.BinOp) -> None:
        template = node.left.value if isinstance(node.left, ast.Constant) else ""
        for spec in _percent_specs(template if isinstance(template, str) else ""):
            self._float_spec(spec, node)
            return

    def _format_template(self, template: ast.Constant, node: ast.Call) -> None:
        if not isinstance(template.value, str):
            return
        for part in template.value.split("{")[1:]:
            field_spec = part.split("}", 1)[0]
            if ":" in field_spec:
                spec = field_spec.split(":", 1)[1]
                if spec and spec[-1] in _FLOAT_SPECS:
                    self._float_spec(spec, node)
                    return

    def _float_text(self, node: ast.AST) -> None:
        self.add(
            FLOAT_FORMAT,
            node,
            "converts a float to text with str()/repr(): Python prints the shortest repr with "
            "'.0' on integral values (1.0) and an exponent from 1e16",
            "Go's fmt prints 1 for 1.0 and switches to an exponent at 1e21: write one helper "
            "that reproduces Python's format (strconv.FormatFloat(x, 'g', -1, 64) plus the "
            "'.0' rule) and test it",
        )
