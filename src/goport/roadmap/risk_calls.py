"""The risk rules that start at a call: builtins (``len``, ``ord``, ``pow``, ``round``,
``format``, ``next(iter(...))``), methods (``re`` functions, ``join`` over a set, ``popitem``,
mutators and emitters), and thread targets. The rules themselves live with their families
(``risk_values``, ``risk_flow``); this mixin routes each call to them."""

from __future__ import annotations

import ast

from goport.roadmap.risk_flow import FlowRules
from goport.roadmap.risk_values import ValueRules
from goport.roadmap.risk_walk import STR_INDEX, dotted, tail

RE_FUNCTIONS = frozenset(
    {"compile", "match", "search", "sub", "subn", "findall", "finditer", "fullmatch", "split"}
)
_MUTATORS = frozenset(
    {
        "append",
        "appendleft",
        "extend",
        "insert",
        "add",
        "update",
        "setdefault",
        "pop",
        "popleft",
        "remove",
        "discard",
        "clear",
    }
)
_EMITTERS = frozenset({"append", "extend", "write", "writerow", "writelines", "insert"})
#: builtins whose result does not depend on the order of their argument
_ORDER_FREE = frozenset({"sorted", "set", "frozenset", "sum", "min", "max", "len", "any", "all"})


class CallRules(ValueRules, FlowRules):
    """``visit_Call`` and the call rules of every family."""

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Name):
            self._builtin_call(func.id, node)
            if func.id in self.re_functions:
                self._regex(node, self.re_functions[func.id])
        elif isinstance(func, ast.Attribute):
            self._method_call(func, node)
        if tail(func) == "Thread":
            for kw in node.keywords:
                if kw.arg == "target":
                    self._thread_target(kw.value, node)
        self.generic_visit(node)

    def _builtin_call(self, name: str, node: ast.Call) -> None:
        args = node.args
        if name in _ORDER_FREE:
            self.explained.update(id(arg) for arg in args)
        if name == "len" and len(args) == 1 and self.type_of(args[0]) == "str":
            self._str_use(args[0], node, "measured with len()")
        elif (
            name in {"ord", "chr"}
            and len(args) == 1
            and not isinstance(args[0], ast.Constant)  # ord("(") is a Go rune literal
            and not self._once(STR_INDEX, name)
        ):
            self.add(
                STR_INDEX,
                node,
                f"{name}() converts between a one-character str and its code point",
                "in Go a string index is a byte: range over the string (or []rune) to get runes, "
                "and use string(rune(n)) for chr()",
            )
        elif name == "pow" and len(args) == 2:
            self._power(node, args[0], args[1])
        elif name == "round" and args:
            self._round(node)
        elif name == "format" and len(args) == 2:
            self._format_spec(args[1], node)
        elif name in {"str", "repr"} and len(args) == 1 and self.type_of(args[0]) == "float":
            self._float_text(node)
        elif name == "next" and args and isinstance(args[0], ast.Call):
            if tail(args[0].func) == "iter" and isinstance(args[0].func, ast.Name):
                self._order_risk(node, "next(iter(...)) takes the 'first' element")
        elif name in {"list", "tuple"} and len(args) == 1 and self._unordered(args[0]) == "set":
            self._order_risk(node, f"{name}() of a set fixes an arbitrary order")
        elif name == "print":
            self._emits()

    def _method_call(self, func: ast.Attribute, node: ast.Call) -> None:
        method, receiver = func.attr, func.value
        if method in RE_FUNCTIONS and dotted(receiver) in self.re_names:
            self._regex(node, method)
        if method == "join" and len(node.args) == 1 and self._unordered(node.args[0]):
            self._order_risk(node, f"join() over a {self._unordered(node.args[0])}")
        elif method == "popitem" and not node.args:
            self._order_risk(node, "popitem() relies on the order items went in")
        elif method == "format" and isinstance(receiver, ast.Constant):
            self._format_template(receiver, node)
        elif node.args and (
            method == "submit" or (method == "map" and dotted(receiver) in self.executors)
        ):
            self._thread_target(node.args[0], node)
        elif method == "acquire" and self.function:
            self.function.acquires = True
        if method in _EMITTERS:
            self._emits(dotted(receiver))
        if method in _MUTATORS:
            self._mutation(receiver, node, f".{method}()")
            if method == "add" and node.args and isinstance(node.args[0], ast.Call):
                self._key_use(node.args[0])
