"""GP401 eval-exec: eval/exec/compile: code built at run time, impossible in a compiled binary."""

from __future__ import annotations

import libcst as cst

from goport.detectors.base import Context, Detector, Match, NoMatch
from goport.detectors.dynamic._shared import _builtin
from goport.detectors.syntax import positional, string_value
from goport.model import Category

_EVAL = frozenset({"eval", "exec", "compile"})


class EvalExec(Detector):
    """``eval``, ``exec`` and ``compile`` builtins.

    What it detects: calls of the builtins ``eval()``, ``exec()`` and ``compile()`` (also as
    ``builtins.eval``). Not ``re.compile``, not ``ast.literal_eval``, not methods such as
    ``model.eval()``, and not a ``compile`` imported from another module.
    Why it matters for a Go port: the program builds and runs Python source at run time; a
    compiled Go binary cannot. Whatever the strings express (formulas, config, plugins) has to
    become a real parser or a fixed set of operations first.
    Go idiom: no Go equivalent: replace with a small expression evaluator (``expr-lang/expr``,
    ``google/cel-go``), a lookup table of functions, or keep the feature behind a Python service.
    Known limits: a function or variable of your own named ``eval``/``exec``/``compile`` defined
    in the module is still reported (module-level shadowing is not tracked).
    """

    ID = "GP401"
    NAME = "eval-exec"
    CATEGORY = Category.BLOCKER
    WEIGHT = 4.0
    PYTHON = "eval() / exec() / compile()"
    GO_IDIOM = "no Go equivalent: an expression engine (expr, cel-go) or a table of functions"
    SUMMARY = "eval/exec/compile: code built at run time, impossible in a compiled binary"
    MATCHES = (
        Match(
            """
            def apply(rule, row):
                return eval(rule, {}, {'row': row})
            """,
            line=2,
        ),
        Match(
            """
            def load(src):
                ns = {}
                exec(compile(src, '<plugin>', 'exec'), ns)
                return ns
            """,
            line=3,
        ),
        Match(
            """
            import builtins

            def run(code):
                builtins.exec(code)
            """,
            line=4,
        ),
    )
    NO_MATCHES = (
        NoMatch(
            r"""
            import re
            WORD = re.compile(r'\w+')
            """
        ),
        NoMatch(
            """
            import ast

            def parse(text):
                return ast.literal_eval(text)
            """
        ),
        NoMatch(
            """
            def predict(model, x):
                model.eval()
                return model(x)
            """
        ),
        NoMatch(
            r"""
            from re import compile
            NUM = compile(r'\d+')
            """
        ),
    )

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self._inner: set[int] = set()  # compile() calls reported with their exec/eval

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Name) and func.value in ("exec", "eval") and node.args:
            arg = node.args[0].value
            if isinstance(arg, cst.Call) and _builtin(self.ctx, arg.func, _EVAL) == "compile":
                self._inner.add(id(arg))

    def leave_Call(self, node: cst.Call) -> None:
        name = _builtin(self.ctx, node.func, _EVAL)
        if name is None:
            return
        if name == "compile":
            if id(node) in self._inner:
                self._inner.discard(id(node))
                return
            self.report(node, "compile() builds a code object at run time")
        else:
            args = positional(node)
            what = (
                "a literal string"
                if args and string_value(args[0]) is not None
                else "code built at run time"
            )
            self.report(node, f"{name}() runs {what}")
