"""What a function's body says beyond its signature (``GoHints``): whether it raises, yields,
returns a value, does I/O or opens files, which widths its values are held to (masks, struct
formats), and the types its docstring gives; read from the stdlib ``ast``, per function, then
propagated through the module's own calls. Module-level integer constants (``MASK64``) and
struct formats are read once for all functions."""

from __future__ import annotations

import ast
from dataclasses import dataclass

from goport.planning import GoHints
from goport.roadmap.doctypes import docstring_types
from goport.roadmap.packwidths import PackWidths

_IO_MODULES = {"socket", "subprocess", "requests", "httpx", "aiohttp", "urllib", "ssl"}
_FILE_MODULES = {"shutil", "tempfile", "gzip", "bz2", "lzma"}
_FILE_METHODS = {"open", "read_text", "read_bytes", "write_text", "write_bytes"}
_WIDTHS = {0xFFFFFFFF: 32, 0xFFFFFFFFFFFFFFFF: 64, 2**32: 32, 2**64: 64}


@dataclass(frozen=True, slots=True)
class ModuleValues:
    """What the module defines at top level that function bodies read: integer constants
    (masks) and struct formats."""

    ints: dict[str, int]
    formats: dict[str, str]


def int_constants(tree: ast.Module) -> dict[str, int]:
    """Integer constants assigned at module level (``MASK64 = (1 << 64) - 1``)."""
    out: dict[str, int] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        else:
            continue
        if isinstance(target, ast.Name):
            number = _int_value(value, out)
            if number is not None:
                out[target.id] = number
    return out


def _int_value(node: ast.expr, consts: dict[str, int]) -> int | None:
    """A small constant integer expression's value, bounded so hostile input stays cheap."""
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    if isinstance(node, ast.Name):
        return consts.get(node.id)
    if isinstance(node, ast.BinOp):
        left, right = _int_value(node.left, consts), _int_value(node.right, consts)
        if left is None or right is None or abs(left) > 2**130 or abs(right) > 2**130:
            return None
        op = node.op
        if isinstance(op, ast.Pow):
            return left**right if 0 <= right <= 128 and abs(left) <= 16 else None
        if isinstance(op, ast.LShift):
            return left << right if 0 <= right <= 128 else None
        ops = {ast.Add: int.__add__, ast.Sub: int.__sub__, ast.Mult: int.__mul__}
        ops |= {ast.BitOr: int.__or__, ast.BitAnd: int.__and__, ast.BitXor: int.__xor__}
        fn = ops.get(type(op))
        return fn(left, right) if fn else None
    return None


def _own_nodes(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.AST]:
    """The nodes of a function's own body: nested functions, lambdas and classes are theirs."""
    out: list[ast.AST] = []
    stack: list[ast.AST] = list(fn.body)
    while stack:
        node = stack.pop()
        out.append(node)
        for child in ast.iter_child_nodes(node):
            if not isinstance(
                child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
            ):
                stack.append(child)
    return out


class Body:
    """One function's facts, before the raising and width of its callees are known."""

    def __init__(
        self,
        fn: ast.FunctionDef | ast.AsyncFunctionDef,
        qualname: str,
        owner: str,
        module: ModuleValues,
    ) -> None:
        self.consts = module.ints
        nodes = _own_nodes(fn)
        params = [a.arg for a in [*fn.args.posonlyargs, *fn.args.args, *fn.args.kwonlyargs]]
        self.params = set(params)
        self.raises = any(isinstance(n, ast.Raise) for n in nodes)
        self.generator = any(isinstance(n, (ast.Yield, ast.YieldFrom)) for n in nodes)
        returns = [n for n in nodes if isinstance(n, ast.Return) and n.value is not None]
        self.returns_value = any(
            not (isinstance(r.value, ast.Constant) and r.value.value is None) for r in returns
        )
        self.callees: set[str] = set()
        self.io = False
        self.files = False
        uses: dict[str, str] = {}
        for n in nodes:
            if not isinstance(n, ast.Call):
                continue
            func = n.func
            if isinstance(func, ast.Name):
                self.callees.add(func.id)
                self.files |= func.id == "open"
            elif isinstance(func, ast.Attribute):
                self.files |= func.attr in _FILE_METHODS and not (
                    isinstance(func.value, ast.Name) and func.value.id in ("self", "cls")
                )
            if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
                base = func.value.id
                if base in ("self", "cls") and owner:
                    self.callees.add(f"{owner}.{func.attr}")
                self.io |= base in _IO_MODULES
                self.files |= base in _FILE_MODULES
                if base in self.params and func.attr in ("decode", "encode"):
                    uses.setdefault(base, "bytes" if func.attr == "decode" else "str")
        self.uses = uses
        self.widths: dict[str, int] = {}  # local names holding masked values
        self.masked_params: dict[str, int] = {}
        for n in nodes:
            self._masks(n)
        packed = PackWidths(nodes, self.params, module.formats)
        for name, width in packed.params.items():
            self.masked_params[name] = max(width, self.masked_params.get(name, 0))
        self.widths.update(packed.locals)
        self.return_exprs = [r.value for r in returns if r.value is not None]
        self.returns_width = 0
        self.callee_widths: dict[str, int] = {}
        doc_params, doc_returns = docstring_types(ast.get_docstring(fn) or "")
        self.doc_params = {k: v for k, v in doc_params.items() if k in self.params}
        self.doc_returns = doc_returns

    def _width(self, node: ast.expr) -> int:
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.BitAnd, ast.Mod)):
            right = _int_value(node.right, self.consts)
            left = _int_value(node.left, self.consts) if isinstance(node.op, ast.BitAnd) else None
            return _WIDTHS.get(right or 0) or _WIDTHS.get(left or 0) or 0
        return 0

    def _masks(self, node: ast.AST) -> None:
        width = 0
        if isinstance(node, ast.expr):
            width = self._width(node)
            if width:
                for sub in ast.walk(node):
                    if isinstance(sub, ast.Name) and sub.id in self.params:
                        self.masked_params[sub.id] = max(width, self.masked_params.get(sub.id, 0))
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
        ):
            width = self._width(node.value)
            if width:
                self.widths[node.targets[0].id] = width
        elif (
            isinstance(node, ast.AugAssign)
            and isinstance(node.target, ast.Name)
            and isinstance(node.op, (ast.BitAnd, ast.Mod))
        ):
            width = _WIDTHS.get(_int_value(node.value, self.consts) or 0, 0)
            if width:
                self.widths[node.target.id] = width
                if node.target.id in self.params:
                    self.masked_params[node.target.id] = width

    def return_width(self, widths: dict[str, int]) -> int:
        """The width every value-carrying ``return`` agrees on (0 when any is unmasked)."""
        found = set()
        for expr in self.return_exprs:
            w = self._width(expr)
            if not w and isinstance(expr, ast.Name):
                w = self.widths.get(expr.id, 0)
            if not w and isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name):
                w = widths.get(expr.func.id, 0)
            found.add(w)
        return found.pop() if len(found) == 1 else 0

    def hints(self) -> GoHints:
        pinned = dict(self.uses)
        pinned.update(self.doc_params)
        return GoHints(
            raises=self.raises,
            returns_width=self.returns_width,
            masked_params=tuple(sorted(self.masked_params.items())),
            generator=self.generator,
            returns_value=self.returns_value,
            io=self.io,
            files=self.files,
            param_types=tuple(sorted(pinned.items())),
            returns=self.doc_returns,
            tuple_widths=self._tuple_widths(),
        )

    def _tuple_widths(self) -> tuple[int, ...]:
        """Per item, the width every returned tuple agrees on (``return rid, score`` after an
        unpack with ``Q``); () when no item has one or the returns disagree."""
        found: set[tuple[int, ...]] = set()
        for expr in self.return_exprs:
            if not isinstance(expr, ast.Tuple):
                return ()
            found.add(
                tuple(self.widths.get(e.id, 0) if isinstance(e, ast.Name) else 0 for e in expr.elts)
            )
        widths = found.pop() if len(found) == 1 else ()
        return widths if any(widths) else ()


def propagate(raw: dict[str, Body]) -> None:
    """A function raises if a function of the module it calls raises; it returns a fixed width
    if it returns a call to one that does (``fingerprint`` returns ``fnv1a_32(...)``)."""
    for _ in range(len(raw) + 1):
        changed = False
        widths = {q: b.returns_width for q, b in raw.items() if b.returns_width}
        for body in raw.values():
            if not body.raises and any(raw[c].raises for c in body.callees if c in raw):
                body.raises = changed = True
            width = body.return_width(widths)
            if width != body.returns_width:
                body.returns_width, changed = width, True
        if not changed:
            return
