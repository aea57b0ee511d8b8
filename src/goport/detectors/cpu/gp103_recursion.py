"""GP103 recursion: recursion: slow interpreted calls capped by the recursion limit."""

from __future__ import annotations

import libcst as cst

from goport.detectors.base import Context, Detector, FunctionFrame, Match, NoMatch
from goport.model import Category


class Recursion(Detector):
    """A function that calls itself.

    What it detects: a call to the enclosing function by its own name, or for a method through
    ``self.<name>``, ``cls.<name>`` or ``<Class>.<name>``. One finding per function, at the
    first self-call, with the number of self-calls.
    Why it matters for a Go port: Python calls are expensive and recursion stops at the
    recursion limit (1000 frames by default), so recursive code is slow and often capped; Go
    calls are cheap and goroutine stacks grow on demand.
    Go idiom: a recursive Go function (no depth limit), or an explicit slice used as a stack.
    Known limits: mutual recursion (f calls g calls f) and polymorphic recursion through another
    object (``child.visit()``) are not seen; a nested function shadowing the name is taken as
    the function itself.
    """

    ID = "GP103"
    NAME = "recursion"
    CATEGORY = Category.CPU
    WEIGHT = 1.5
    PYTHON = "recursive functions and methods"
    GO_IDIOM = "plain recursive functions (growable stacks) or an explicit stack slice"
    SUMMARY = "recursion: slow interpreted calls capped by the recursion limit"
    MATCHES = (
        Match(
            """
            def fib(n):
                return n if n < 2 else fib(n - 1) + fib(n - 2)
            """,
            line=2,
        ),
        Match(
            """
            class Tree:
                def depth(self, node):
                    if not node.children:
                        return 1
                    return 1 + max(self.depth(c) for c in node.children)
            """,
            line=5,
        ),
        Match(
            """
            class P:
                @classmethod
                def parse(cls, s):
                    return cls.parse(s[1:]) if s else 0
            """,
            line=4,
        ),
    )
    NO_MATCHES = (
        NoMatch(
            """
            import json
            def load(path):
                with open(path) as f:
                    return json.load(f)
            """
        ),
        NoMatch(
            """
            class Node:
                def visit(self, v):
                    return visit(self.child)
            """
        ),
        NoMatch(
            """
            class Wrapper:
                def close(self):
                    self.inner.close()
            """
        ),
        NoMatch(
            """
            class A(B):
                def save(self):
                    super().save()
            """
        ),
    )

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.first: dict[FunctionFrame, cst.Call] = {}  # a function's first call to itself
        self.self_calls: dict[FunctionFrame, int] = {}

    def _is_self_call(self, call: cst.Call, frame: FunctionFrame) -> bool:
        func = call.func
        scopes = self.ctx.scopes
        is_method = len(scopes) >= 3 and scopes[-3] != "<locals>"
        if isinstance(func, cst.Name):
            return not is_method and func.value == frame.name
        if not is_method or not isinstance(func, cst.Attribute) or func.attr.value != frame.name:
            return False
        receiver = func.value
        if not isinstance(receiver, cst.Name):
            return False
        params = frame.node.params.params
        first = params[0].name.value if params else None
        return receiver.value in ("self", "cls", scopes[-3]) or receiver.value == first

    def leave_Call(self, node: cst.Call) -> None:
        frame = self.ctx.function
        if frame is None:
            return
        func = node.func
        name = (
            func.value
            if isinstance(func, cst.Name)
            else (func.attr.value if isinstance(func, cst.Attribute) else None)
        )
        if name != frame.name or not self._is_self_call(node, frame):
            return
        count = self.self_calls.get(frame, 0)
        self.self_calls[frame] = count + 1
        if count == 0:
            self.first[frame] = node

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        frame = self.ctx.function
        if frame is None:
            return
        call = self.first.pop(frame, None)
        count = self.self_calls.pop(frame, 0)
        if call is None or not count:
            return
        if count > 1:
            message = f"{frame.name} calls itself {count} times (tree recursion)"
            self.ctx.report(self, call, message, weight=2.0)
        else:
            self.ctx.report(self, call, f"{frame.name} calls itself (recursion)")
