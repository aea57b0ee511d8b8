"""How the importing modules call a module's boundary: where, how deep in loops, with what.

Read from the callers' source with ``ast`` (never imported). Two uses: literal arguments pin the
type of an unannotated parameter (``tokenize("GET /")`` passes a ``str``), and calls inside
loops are the crossings a port multiplies: each one pays the boundary's per-call cost.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from goport.pytypes import UNKNOWN, PyType, Shape, of_value


@dataclass(frozen=True, slots=True)
class Crossing:
    """One call of a boundary name in an importing module."""

    rel_path: str
    line: int
    name: str  # the boundary name ("tokenize"), or "Class.method" for a method of its class
    loop_depth: int  # enclosing for/while/comprehension levels
    loop_line: int = 0  # line of the innermost loop (0 outside loops)
    loop_over: str = ""  # what the innermost loop iterates, as written (shortened)
    args: tuple[tuple[str, str], ...] = ()  # ("0", "str") positional, ("key", "int") keyword
    #: calls per run of the enclosing code when every enclosing loop has a literal size
    #: (``range(64)``, a literal list); 0 when any size is only known at run time
    crossings: int = 0


def crossings(
    module: str, names: Iterable[str], classes: Iterable[str], callers: Mapping[str, bytes]
) -> list[Crossing]:
    """Every call of ``names`` (functions and classes of ``module``) and of methods of its
    ``classes`` on objects the callers build from them, in ``callers`` (rel path -> source)."""
    wanted, class_names = set(names), set(classes)
    out: list[Crossing] = []
    for rel_path in sorted(callers):
        visitor = _Calls(rel_path, module, wanted | class_names, class_names)
        try:
            visitor.visit(ast.parse(callers[rel_path]))
        except (SyntaxError, ValueError, RecursionError, MemoryError):  # hostile or broken code
            continue
        out.extend(visitor.found)
    return out


def literal_type(node: ast.expr) -> PyType:
    """The type of a literal argument (``"x"``, ``[1, 2]``, ``f"..."``); UNKNOWN otherwise."""
    if isinstance(node, ast.Constant):
        return of_value(node.value)
    if isinstance(node, ast.JoinedStr):
        return PyType(Shape.SCALAR, "str")
    if isinstance(node, (ast.List, ast.Set, ast.Tuple)) and node.elts:
        first = literal_type(node.elts[0])
        shape = Shape.SET if isinstance(node, ast.Set) else Shape.LIST
        return PyType(shape, args=(first,)) if first != UNKNOWN else UNKNOWN
    if isinstance(node, ast.Dict) and node.keys and node.keys[0] is not None:
        key, value = literal_type(node.keys[0]), literal_type(node.values[0])
        return PyType(Shape.DICT, args=(key, value)) if UNKNOWN not in (key, value) else UNKNOWN
    return UNKNOWN


def type_text(t: PyType) -> str:
    """A ``PyType`` of literals back as annotation text (``list[str]``)."""
    if t.shape is Shape.SCALAR:
        return t.name
    if t.shape is Shape.NONE:
        return "None"
    inner = ", ".join(type_text(a) for a in t.args)
    return {Shape.LIST: "list", Shape.SET: "set", Shape.DICT: "dict"}.get(
        t.shape, "object"
    ) + f"[{inner}]"


def _size(node: ast.expr | None) -> int:
    """How many items a loop over ``node`` runs when the code says so: ``range(64)``,
    ``range(1, 9)``, a literal list or tuple; 0 otherwise."""
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return len(node.elts)
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "range"
        and 1 <= len(node.args) <= 2
    ):
        bounds = [a.value for a in node.args if isinstance(a, ast.Constant)]
        if len(bounds) != len(node.args) or not all(type(b) is int for b in bounds):
            return 0
        ints = [b for b in bounds if isinstance(b, int)]
        return max(0, ints[-1] - (ints[0] if len(ints) == 2 else 0))
    return 0


def _short(node: ast.expr) -> str:
    text = ast.unparse(node).replace("\n", " ")
    return text if len(text) <= 40 else text[:37] + "..."


class _Calls(ast.NodeVisitor):
    def __init__(self, rel_path: str, module: str, names: set[str], classes: set[str]) -> None:
        self.rel_path = rel_path
        self.module = module
        self.last = module.rsplit(".", 1)[-1]
        self.names = names
        self.classes = classes
        self.bound: dict[str, str] = {}  # local name -> boundary name
        self.aliases: set[str] = set()  # expressions naming the module itself
        self.instances: dict[str, str] = {}  # "idx", "self.index" -> class name
        self.loops: list[tuple[int, str, int]] = []  # (line, iterable as written, literal size)
        self.found: list[Crossing] = []

    # imports bind the boundary's names
    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        source = (node.module or "").rsplit(".", 1)[-1]
        for alias in node.names:
            local = alias.asname or alias.name
            if source == self.last and alias.name in self.names:
                self.bound[local] = alias.name
            elif alias.name == self.last and (node.level or node.module):
                self.aliases.add(local)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.name == self.module:
                self.aliases.add(alias.asname or alias.name)

    # loops: the iterable of a for and the first comprehension generator are outside the loop
    def _loop(self, line: int, over: ast.expr | None, inside: Iterable[ast.AST]) -> None:
        self.loops.append((line, _short(over) if over else "", _size(over)))
        for node in inside:
            self.visit(node)
        self.loops.pop()

    def visit_For(self, node: ast.For | ast.AsyncFor) -> None:
        self.visit(node.iter)
        self._loop(node.lineno, node.iter, [node.target, *node.body])
        for stmt in node.orelse:
            self.visit(stmt)

    visit_AsyncFor = visit_For

    def visit_While(self, node: ast.While) -> None:
        self._loop(node.lineno, None, [node.test, *node.body])
        for stmt in node.orelse:
            self.visit(stmt)

    def _comprehension(
        self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp
    ) -> None:
        gens = node.generators
        self.visit(gens[0].iter)
        depth = len(self.loops)
        for i, gen in enumerate(gens):
            if i:
                self.visit(gen.iter)
            self.loops.append((node.lineno, _short(gen.iter), _size(gen.iter)))
            for cond in gen.ifs:
                self.visit(cond)
        if isinstance(node, ast.DictComp):
            self.visit(node.key)
            self.visit(node.value)
        else:
            self.visit(node.elt)
        del self.loops[depth:]

    visit_ListComp = visit_SetComp = visit_GeneratorExp = visit_DictComp = _comprehension

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        saved, self.loops = self.loops, []  # a nested body runs when called, not per iteration
        for arg in [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]:
            if arg.annotation is not None:
                cls = self._class_of(arg.annotation)
                if cls:
                    self.instances[arg.arg] = cls
        self.generic_visit(node)
        self.loops = saved

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Lambda(self, node: ast.Lambda) -> None:
        saved, self.loops = self.loops, []
        self.generic_visit(node)
        self.loops = saved

    # instances built from the boundary's classes
    def visit_Assign(self, node: ast.Assign) -> None:
        self.generic_visit(node)
        if isinstance(node.value, ast.Call):
            cls = self._target(node.value.func)
            if cls in self.classes:
                for t in node.targets:
                    if isinstance(t, (ast.Name, ast.Attribute)):
                        self.instances[ast.unparse(t)] = cls

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self.generic_visit(node)
        cls = self._class_of(node.annotation)
        if cls and isinstance(node.target, (ast.Name, ast.Attribute)):
            self.instances[ast.unparse(node.target)] = cls

    def _class_of(self, annotation: ast.expr) -> str:
        """The boundary class an annotation names: ``Index``, ``Index | None``, ``Optional[Index]``
        (a container of them is not an instance)."""
        node = annotation
        if isinstance(node, ast.Subscript) and ast.unparse(node.value).endswith("Optional"):
            node = node.slice
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            node = node.left
        name = self._target(node) if isinstance(node, (ast.Name, ast.Attribute)) else ""
        return name if name in self.classes else ""

    def _target(self, func: ast.expr) -> str:
        if isinstance(func, ast.Name):
            return self.bound.get(func.id, "")
        if isinstance(func, ast.Attribute):
            owner = ast.unparse(func.value)
            if owner in self.aliases and func.attr in self.names:
                return func.attr
            if owner in self.instances:
                return f"{self.instances[owner]}.{func.attr}"
        return ""

    def visit_Call(self, node: ast.Call) -> None:
        name = self._target(node.func)
        if name:
            args = [(str(i), literal_type(a)) for i, a in enumerate(node.args)]
            args += [(k.arg, literal_type(k.value)) for k in node.keywords if k.arg]
            line, over, _n = self.loops[-1] if self.loops else (0, "", 0)
            total = 1
            for _line, _over, size in self.loops:
                total *= size
            self.found.append(
                Crossing(
                    rel_path=self.rel_path,
                    line=node.lineno,
                    name=name,
                    loop_depth=len(self.loops),
                    loop_line=line,
                    loop_over=over,
                    args=tuple((k, type_text(t)) for k, t in args if t != UNKNOWN),
                    crossings=total if self.loops else 0,
                )
            )
        self.generic_visit(node)
