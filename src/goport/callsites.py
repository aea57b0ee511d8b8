"""Call sites and the shape of each function's work, collected during extract's one walk.

The project stage (``hotpath``) estimates where run time goes from what is recorded here: for
every function, and for module-level code (the ``<module>`` pseudo-function), each call site with
its absolute target and loop depth, and a few counts of the work its body does per call.

Why hooks on the existing walk and not a visitor of its own: a second traversal of the libcst
tree costs about as much as the first; the walker already dispatches every node type to its
handlers with one dict lookup, so this collector registers ``visit_X`` / ``leave_X`` methods like a
detector (``leave_X`` runs on leaving X) and keeps its own state in plain dicts and counters.

What the walk knows without scope analysis (libcst's scope provider costs ~10x a parse):

- a name is resolved through the module's imports and aliases, through the definitions nested in
  the enclosing functions so far, and otherwise names something of this module (``pkg.mod.f``);
  after the walk, a site whose local name the module never defines (a builtin, a local variable)
  is dropped, unless the module has a star import the project stage can follow;
- the type of a name is known locally from ``x = Foo(...)``, ``x: Foo``, a parameter annotated
  ``Foo`` (``Optional[Foo]``, ``Foo | None``, ``"Foo"`` too) and ``self`` / ``cls`` in a class's
  methods; on such a name the syntax that runs a method is recorded: ``x.m()``, ``x[i]``,
  ``len(x)``, ``for _ in x``, ``x + y``, ``x == y``, ``x in y``, ``with x``, ``x()``, ``d[x]``
  (hash). Attribute access (properties, ``__getattr__``) is out of scope;
- an attribute of ``self`` has the type the class's own assignments give it (``self.p: Parser``,
  ``self.p = Parser()``, ``self.p = p`` of a parameter typed ``Parser``, ``p or Parser()``, a
  class-level ``p: Parser``), unless two disagree: ``self.p.feed()`` runs ``Parser.feed`` and
  ``self.p(x)`` ``Parser.__call__``;
- ``.m()`` on a receiver of unknown type (``self.parser.feed()`` with ``parser`` untyped,
  ``node.visit()``) is kept as a call of ``m`` by name (kind ATTR), for the project stage to
  match against the project's methods; names of str/list/dict methods (``append``, ``get``,
  ``join``) are left out;
- a call through a value (a local, ``table[key](x)``, ``getattr(o, n)(x)``) is kept as an
  INDIRECT site with its number of positional arguments, through a parameter the body never
  binds anew as a PARAM site; a function or bound method taken
  as a value (a dict value, a list, tuple or set item, an argument, an assigned or returned
  value) and ``getattr(obj, "prefix" + name)`` are recorded as REF sites, not calls: the project
  stage matches the first against the second;
- loop depth counts ``for`` and ``while`` bodies and each ``for`` of a comprehension; a ``for``'s
  iterable and ``else`` run once, a ``while``'s test runs every round. A scanning ``while``, whose
  test compares or calls (``while pos < len(src)``), counts ``callscopes.SCAN_LEVELS`` levels: it
  runs per character or token of its input (one level inside another loop of the function).
  Branch depth counts the ``if``/``elif``/``else`` and ``case`` bodies around a call, and an
  ``except`` handler or a ``raise`` as ``callscopes.EXCEPT_LEVELS``: the exceptional path;
- a module-level ``name = function`` (or class) is kept as an alias, a binding of ``name`` that
  calls resolve through like an import's;
- the module's operators are counted as radon's Halstead volume counts them, and apart those
  that build text or run once on import (``goport.calloperators``); text building is not a
  loop's arithmetic either.
"""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from goport import callparams
from goport.builtin_methods import BUILTIN_METHODS
from goport.callbacks import positional
from goport.callregex import RegexCounter
from goport.callscopes import (
    Scope,
    is_main_guard,
    name_left_of,
    name_of,
    parts_of,
)
from goport.model import CallKind

__all__ = ["CallSiteCollector", "Scope", "is_main_guard"]

#: builtins that run a protocol method of their (first) argument
_BUILTIN_DUNDERS: dict[str, tuple[str, ...]] = {
    "len": ("__len__",),
    "hash": ("__hash__",),
    "iter": ("__iter__",),
    "next": ("__next__",),
    "repr": ("__repr__",),
    "str": ("__str__",),
    "bool": ("__bool__",),
    "abs": ("__abs__",),
    "int": ("__int__",),
    "float": ("__float__",),
    "format": ("__format__",),
    "reversed": ("__reversed__",),
    "list": ("__iter__",),
    "tuple": ("__iter__",),
    "sorted": ("__iter__",),
    "sum": ("__iter__",),
}

#: binary operator -> (method on the left operand, reflected method on the right, is a bit op)
_BINARY: dict[type, tuple[str, str, bool]] = {
    cst.Add: ("__add__", "__radd__", False),
    cst.Subtract: ("__sub__", "__rsub__", False),
    cst.Multiply: ("__mul__", "__rmul__", False),
    cst.Divide: ("__truediv__", "__rtruediv__", False),
    cst.FloorDivide: ("__floordiv__", "__rfloordiv__", False),
    cst.Modulo: ("__mod__", "__rmod__", False),
    cst.Power: ("__pow__", "__rpow__", False),
    cst.MatrixMultiply: ("__matmul__", "__rmatmul__", False),
    cst.LeftShift: ("__lshift__", "__rlshift__", True),
    cst.RightShift: ("__rshift__", "__rrshift__", True),
    cst.BitAnd: ("__and__", "__rand__", True),
    cst.BitOr: ("__or__", "__ror__", True),
    cst.BitXor: ("__xor__", "__rxor__", True),
}

#: augmented assignment -> (in-place method, is a bit op); ``hotpath`` falls back to the plain one
_AUGMENTED: dict[type, tuple[str, bool]] = {
    cst.AddAssign: ("__iadd__", False),
    cst.SubtractAssign: ("__isub__", False),
    cst.MultiplyAssign: ("__imul__", False),
    cst.DivideAssign: ("__itruediv__", False),
    cst.FloorDivideAssign: ("__ifloordiv__", False),
    cst.ModuloAssign: ("__imod__", False),
    cst.PowerAssign: ("__ipow__", False),
    cst.MatrixMultiplyAssign: ("__imatmul__", False),
    cst.LeftShiftAssign: ("__ilshift__", True),
    cst.RightShiftAssign: ("__irshift__", True),
    cst.BitAndAssign: ("__iand__", True),
    cst.BitOrAssign: ("__ior__", True),
    cst.BitXorAssign: ("__ixor__", True),
}

#: comparison -> (method on the left operand, reflected method on the right)
_COMPARE: dict[type, tuple[str, str]] = {
    cst.Equal: ("__eq__", "__eq__"),
    cst.NotEqual: ("__ne__", "__ne__"),
    cst.LessThan: ("__lt__", "__gt__"),
    cst.LessThanEqual: ("__le__", "__ge__"),
    cst.GreaterThan: ("__gt__", "__lt__"),
    cst.GreaterThanEqual: ("__ge__", "__le__"),
}

_UNARY: dict[type, tuple[str, bool]] = {
    cst.Minus: ("__neg__", False),
    cst.Plus: ("__pos__", False),
    cst.BitInvert: ("__invert__", True),
}
_LITERALS = (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString, cst.List, cst.Dict)


class CallSiteCollector(RegexCounter):
    """Registered on the walker like a detector: ``visit_X`` on entering, ``leave_X`` on leaving.

    On top of the scopes and depths ``ScopeTracker`` keeps, it records stores, local types and
    every call a statement or an expression makes (``leave_Call``, operators, subscripts), and
    the functions passed to be called back (``goport.callbacks``).
    """

    # -- assignments: stores and local types --------------------------------------------------
    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            if isinstance(target.target, cst.Subscript):
                self.stores[id(target.target)] = "set"
            else:
                self._bind(target.target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if isinstance(node.target, cst.Subscript):
            self.stores[id(node.target)] = "set"
        else:
            self._bind(node.target)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        if isinstance(node.target, cst.Subscript):
            self.stores[id(node.target)] = "aug"
        callparams.rebind(self.scopes[-1], node.target)

    def visit_Del(self, node: cst.Del) -> None:
        if isinstance(node.target, cst.Subscript):
            self.stores[id(node.target)] = "del"

    def leave_Assign(self, node: cst.Assign) -> None:
        scope = self.scopes[-1]
        self._value(scope, node.value)
        if len(node.targets) != 1:
            return
        target = node.targets[0].target
        if isinstance(target, cst.Attribute):
            self._bind_method(scope, target, node.value)
            self._field(scope, target, self._type_of_value(scope, node.value))
        if not isinstance(target, cst.Name):
            return
        name = target.value
        value = node.value
        if scope is self.module and not self.frames:  # module level, not a class body
            self._alias(scope, name, value)
        elif self.frames and self.frames[-1] == "class" and isinstance(value, cst.Name):
            self.method_aliases.append((self.classes[-1], name, value.value))
        cls = self._instance_of(value) if isinstance(value, cst.Call) else None
        if cls is None:
            scope.instances.pop(name, None)
            scope.built.discard(name)
        else:
            scope.instances[name] = cls
            scope.built.add(name)
        scope.classes.pop(name, None)
        if (
            scope.while_depth
            and isinstance(value, cst.BinaryOperation)
            and isinstance(value.operator, (cst.Add, cst.Subtract))
            and name_of(value.left) == name
            and isinstance(value.right, cst.Integer)
        ):
            scope.stepped.add(name)  # i = i + 1

    def _alias(self, scope: Scope, name: str, value: cst.BaseExpression) -> None:
        """``name = other`` at module level, where other names a function or class: a binding
        of ``name`` that calls resolve through (the resolver skips a target it cannot find)."""
        if isinstance(value, (cst.Name, cst.Attribute)):
            ref = self._reference(scope, value)
            # through an import, or to a def, class or alias the module made before: not to an
            # instance (registry = _default), whose .m() calls stay calls by method name
            if ref is not None and not ref[2] and (not ref[1] or ref[1] in self.module_names):
                self.module_aliases.append((name, ref[0]))
                self.module_names.add(name)

    def leave_AnnAssign(self, node: cst.AnnAssign) -> None:
        scope = self.scopes[-1]
        if isinstance(node.target, cst.Attribute):
            if node.value is not None:
                self._bind_method(scope, node.target, node.value)
            found = self._type_of(node.annotation.annotation)
            self._field(scope, node.target, None if found is None else found[0])
        if isinstance(node.target, cst.Name):
            found = self._type_of(node.annotation.annotation)
            if self.frames and self.frames[-1] == "class" and found is not None:
                self._set_field(f"{self.classes[-1]}.{node.target.value}", found[0])
            scope.built.discard(node.target.value)  # annotated: a subclass may be there
            if found is None:
                scope.instances.pop(node.target.value, None)
            else:
                scope.instances[node.target.value] = found[0]

    def leave_AugAssign(self, node: cst.AugAssign) -> None:
        text = isinstance(node.operator, cst.AddAssign) and self._text(node.value)  # out += "<li>"
        self._operators(1, text)
        scope = self.scopes[-1]
        method, is_bit = _AUGMENTED.get(type(node.operator), ("", False))
        if scope.depth and not text:
            if is_bit:
                scope.bitops += 1
            else:
                scope.arith += 1
        target = node.target
        if not isinstance(target, cst.Name):
            return
        cls = scope.instances.get(target.value)
        if cls is not None and method:
            self._add(cls + "." + method, CallKind.DUNDER)
        if (
            scope.while_depth
            and isinstance(node.operator, (cst.AddAssign, cst.SubtractAssign))
            and isinstance(node.value, cst.Integer)
        ):
            scope.stepped.add(target.value)  # i += 1

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        super().leave_FunctionDef(node)
        callparams.settle(self.finished[id(node)])

    # a walrus, ``with ... as``, ``except ... as`` or augmented target may bind a parameter
    # anew (assignments and for targets: ``_bind``)
    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        callparams.rebind(self.scopes[-1], node.target)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        callparams.rebind(self.scopes[-1], node.asname and node.asname.name)

    def visit_ExceptHandler(self, node: cst.CSTNode) -> None:
        if isinstance(node, (cst.ExceptHandler, cst.ExceptStarHandler)):
            callparams.rebind(self.scopes[-1], node.name and node.name.name)
        super().visit_ExceptHandler(node)

    visit_ExceptStarHandler = visit_ExceptHandler

    # -- expressions --------------------------------------------------------------------------
    def leave_Call(self, node: cst.Call) -> None:
        scope = self.scopes[-1]
        func = node.func
        if scope.depth:
            scope.calls += 1
            self._count_regex(scope, func)
        if isinstance(func, cst.Name):
            self._call_name(scope, func.value, node)
        elif isinstance(func, cst.Attribute):
            self._call_attribute(scope, func)
        else:
            self._indirect(node)  # table[key](x), getattr(obj, name)(x), make()(x)
        if node.args:
            self._callbacks(scope, node)
            # len(xs), sorted(xs, key=fn): a builtin hands no parameter on to a project function
            builtin = isinstance(func, cst.Name) and self._is_builtin(func.value)
            for arg in node.args:
                self._value(scope, arg.value)
                passed_on = None if builtin else callparams.own_param(scope, arg.value)
                if passed_on is not None:
                    scope.forwards.add(passed_on)  # a callback it was given may go on

    def _indirect(
        self, node: cst.Call, kind: CallKind = CallKind.INDIRECT, param: str = ""
    ) -> None:
        """A call through a value: by its number of positional arguments ("*": unknown); through
        a parameter, with its name until the function's end tells whether the body rebinds it."""
        unpacked = any(arg.star for arg in node.args)
        self._add("*" if unpacked else str(len(positional(node))), kind, param)

    def _value(self, scope: Scope, value: cst.BaseExpression) -> None:
        """A function or bound method taken as a value (not called here): an indirect call
        elsewhere may run it. Recorded at no loop depth: taking it runs nothing."""
        if not isinstance(value, (cst.Name, cst.Attribute)):
            return
        ref = self._reference(scope, value)
        if ref is None:
            return
        target, local, method = ref
        if method:
            self._add(target, CallKind.REF_METHOD, depth=0)
        else:
            self._add(target, CallKind.REF, local, depth=0)

    def _getattr_prefix(self, node: cst.Call) -> None:
        """``getattr(obj, "visit_" + name)`` / ``getattr(obj, f"parse_{name}")``: a method
        taken by a name built from a literal prefix."""
        if len(node.args) < 2:
            return
        name = node.args[1].value
        prefix = ""
        if isinstance(name, cst.BinaryOperation) and isinstance(name.operator, cst.Add):
            if isinstance(name.left, cst.SimpleString):
                text = name.left.evaluated_value
                prefix = text if isinstance(text, str) else ""
        elif isinstance(name, cst.FormattedString) and name.parts:
            first = name.parts[0]
            if isinstance(first, cst.FormattedStringText) and len(name.parts) > 1:
                prefix = first.value
        if prefix.isidentifier():
            self._add(prefix, CallKind.REF_PREFIX, depth=0)

    def leave_List(self, node: cst.List) -> None:
        self._elements(node.elements)

    def leave_Tuple(self, node: cst.Tuple) -> None:
        self._elements(node.elements)

    def leave_Set(self, node: cst.Set) -> None:
        self._elements(node.elements)

    def _elements(self, elements: Sequence[cst.BaseElement]) -> None:
        scope = self.scopes[-1]
        for element in elements:
            if isinstance(element, cst.Element):
                self._value(scope, element.value)

    def leave_Dict(self, node: cst.Dict) -> None:
        scope = self.scopes[-1]
        for element in node.elements:
            if isinstance(element, cst.DictElement):
                self._value(scope, element.value)

    def leave_DictComp(self, node: cst.DictComp) -> None:
        self._value(self.scopes[-1], node.value)

    def leave_Return(self, node: cst.Return) -> None:
        if node.value is not None:
            self._value(self.scopes[-1], node.value)

    def _call_name(self, scope: Scope, name: str, node: cst.Call) -> None:
        cls = scope.instances.get(name)
        if cls is not None:
            self._add(cls + ".__call__", CallKind.DUNDER)
            return
        cls = scope.classes.get(name)
        if cls is not None:
            self._add(cls, CallKind.CALL)  # cls(...): instantiation
            return
        if name in scope.locals and name not in scope.defs:
            # a parameter or local variable holding a callable
            if name in scope.params:
                self._indirect(node, CallKind.PARAM, name)
            else:
                self._indirect(node)
            return
        if self._is_builtin(name):
            if name == "getattr":
                self._getattr_prefix(node)
            methods = _BUILTIN_DUNDERS.get(name)
            typed = self._typed(node.args[0].value) if methods and node.args else None
            if methods and typed is not None:  # len(rows), len(self.rows)
                prefix, field = typed
                for method in methods:
                    self._add(prefix + method, CallKind.DUNDER, field)
            return
        if name == scope.name and not scope.is_method:
            scope.recursive = True
        found = self._qualify(name)
        if found is not None:
            self._add(found[0], CallKind.CALL, found[1])

    def _call_attribute(self, scope: Scope, func: cst.Attribute) -> None:
        value = func.value
        method = func.attr.value
        if isinstance(value, cst.Name):
            root = value.value
            cls = scope.instances.get(root) or scope.classes.get(root)
            if cls is not None:
                if root == scope.self_name and method == scope.name:
                    scope.recursive = True
                # self.attr(...) may call an attribute holding a callable instance
                kind = CallKind.EXACT if root in scope.built else CallKind.METHOD
                self._add(cls + "." + method, kind, self._self_field(func) or "")
                return
            found = self._qualify(root)
            if found is not None:
                self._add(f"{found[0]}.{method}", CallKind.CALL, found[1])
                return
        elif isinstance(value, cst.Attribute):
            field = self._self_field(value)
            if field is not None:  # self.attr.m(): by the attribute's type, once known
                self._add(method, CallKind.ATTR, field)
                return
            parts = parts_of(value)
            if (
                parts is not None
                and parts[0] not in scope.instances
                and parts[0] not in scope.classes
                and (found := self._qualify(parts[0])) is not None
            ):
                rest = ".".join(parts[1:])
                self._add(f"{found[0]}.{rest}.{method}", CallKind.CALL, found[1])
                return
        in_method = scope.is_method or bool(scope.self_name)
        if isinstance(value, cst.Call) and name_of(value.func) == "super" and in_method:
            self._add(f"{self.classes[-1]}.{method}", CallKind.SUPER)
            return
        if method not in BUILTIN_METHODS and not isinstance(value, _LITERALS):
            self._add(method, CallKind.ATTR)  # self.attr.m(), f().m(), x[i].m(): by name

    def leave_Subscript(self, node: cst.Subscript) -> None:
        scope = self.scopes[-1]
        store = self.stores.pop(id(node), "")
        if scope.depth:
            scope.subscripts += 1
        typed = self._typed(node.value)  # rows[i], self.rows[i]
        if typed is not None:
            prefix, field = typed
            if store in ("", "aug"):
                self._add(prefix + "__getitem__", CallKind.DUNDER, field)
            if store in ("set", "aug"):
                self._add(prefix + "__setitem__", CallKind.DUNDER, field)
            if store == "del":
                self._add(prefix + "__delitem__", CallKind.DUNDER, field)
        if len(node.slice) != 1:
            return
        index = node.slice[0].slice
        if isinstance(index, cst.Index):
            key = name_of(index.value)
            if key:
                cls = scope.instances.get(key)
                if cls is not None:  # d[x]: x is hashed
                    self._add(cls + ".__hash__", CallKind.DUNDER)
            position = key or name_left_of(index.value)
        elif isinstance(index, cst.Slice):
            position = name_of(index.lower) or name_left_of(index.lower)
        else:
            position = ""
        if scope.while_depth and position:
            scope.indexed.add(position)

    def leave_BinaryOperation(self, node: cst.BinaryOperation) -> None:
        text = self._builds_text(node)
        self._operators(1, text)
        scope = self.scopes[-1]
        found = _BINARY.get(type(node.operator))
        if found is None:
            return
        method, reflected, is_bit = found
        if scope.depth and not text:
            if is_bit:
                scope.bitops += 1
            else:
                scope.arith += 1
        self._operands(scope, node.left, node.right, method, reflected)

    def _operands(
        self,
        scope: Scope,
        left: cst.BaseExpression,
        right: cst.BaseExpression,
        method: str,
        reflected: str,
    ) -> None:
        if isinstance(left, cst.Name):
            cls = scope.instances.get(left.value)
            if cls is not None:
                self._add(cls + "." + method, CallKind.DUNDER)
                return
        if isinstance(right, cst.Name):
            cls = scope.instances.get(right.value)
            if cls is not None:
                self._add(cls + "." + reflected, CallKind.DUNDER)

    def leave_UnaryOperation(self, node: cst.UnaryOperation) -> None:
        self._operators(1)
        scope = self.scopes[-1]
        found = _UNARY.get(type(node.operator))
        if found is None:
            return
        method, is_bit = found
        if scope.depth:
            if is_bit:
                scope.bitops += 1
            else:
                scope.arith += 1
        operand = node.expression
        if isinstance(operand, cst.Name):
            cls = scope.instances.get(operand.value)
            if cls is not None:
                self._add(cls + "." + method, CallKind.DUNDER)

    def leave_Comparison(self, node: cst.Comparison) -> None:
        self._operators(len(node.comparisons))
        scope = self.scopes[-1]
        if scope.depth:
            scope.compares += len(node.comparisons)
        if not scope.instances:
            return
        left = node.left
        for link in node.comparisons:
            right = link.comparator
            kind = type(link.operator)
            if kind is cst.In or kind is cst.NotIn:
                typed = self._typed(right)  # x in seen, x in self.seen
                if typed is not None:
                    self._add(typed[0] + "__contains__", CallKind.DUNDER, typed[1])
            else:
                found = _COMPARE.get(kind)
                if found is not None:
                    self._operands(scope, left, right, *found)
            left = right
