"""What a module's source says about the types at its boundary, read with ``ast`` (never run).

The cached ``ModuleFacts`` carry signatures as written; a contract needs more: which classes are
records (dataclass, attrs, NamedTuple, TypedDict), enums or interfaces (Protocol, ABC) and their
fields, the types docstrings give to unannotated parameters, and what each body does that changes
its Go form (raises, masks to 32 or 64 bits, yields, does I/O). ``surface`` reads all of it in
one parse of the module, when a plan needs it, so the scan's extraction stays as it is.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field, replace

from goport.planning import GoHints
from goport.pytypes import UNKNOWN, ClassKind
from goport.pytypes import parse as parse_type
from goport.roadmap.packwidths import PackWidths, module_formats

_RECORD_BASES = {"NamedTuple", "TypedDict"}
_ENUM_BASES = {"Enum", "IntEnum", "StrEnum", "Flag", "IntFlag", "ReprEnum"}
_INTERFACE_BASES = {"Protocol", "ABC"}
_ERROR_SUFFIXES = ("Error", "Exception", "Warning", "Exit", "Interrupt")
_ATTRS_DECORATORS = {"s", "attrs", "define", "frozen", "mutable"}
_ATTRS_FIELDS = {"ib", "attrib", "field"}
_IO_MODULES = {"socket", "subprocess", "requests", "httpx", "aiohttp", "urllib", "ssl"}
_FILE_MODULES = {"shutil", "tempfile", "gzip", "bz2", "lzma"}
_FILE_METHODS = {"open", "read_text", "read_bytes", "write_text", "write_bytes"}
_WIDTHS = {0xFFFFFFFF: 32, 0xFFFFFFFFFFFFFFFF: 64, 2**32: 32, 2**64: 64}


@dataclass(frozen=True, slots=True)
class FieldInfo:
    name: str
    annotation: str | None
    line: int


@dataclass(frozen=True, slots=True)
class ClassInfo:
    name: str
    kind: ClassKind
    line: int
    fields: tuple[FieldInfo, ...] = ()
    members: tuple[tuple[str, object], ...] = ()  # an enum's (name, literal value or None)
    methods: tuple[str, ...] = ()  # qualnames of the methods defined in the class body
    doc: str = ""  # the docstring's first line
    bases: tuple[str, ...] = ()  # the bases' last names, as written


@dataclass(slots=True)
class Surface:
    classes: dict[str, ClassInfo] = field(default_factory=dict)
    hints: dict[str, GoHints] = field(default_factory=dict)  # by function qualname

    def kinds(self) -> dict[str, ClassKind]:
        return {name: c.kind for name, c in self.classes.items()}


def read(source: bytes) -> Surface:
    """The classes and per-function hints of a module; an empty surface for unparsable code."""
    try:
        tree = ast.parse(source)
        consts = _Module(_constants(tree), module_formats(tree))
        surface = Surface()
        raw: dict[str, _Body] = {}
        _walk(tree.body, "", surface, raw, consts)
    except (SyntaxError, ValueError, RecursionError, MemoryError):  # hostile or broken code
        return Surface()
    _errors(surface)
    _propagate(raw)
    for qualname, body in raw.items():
        surface.hints[qualname] = body.hints()
    return surface


# -- module constants ----------------------------------------------------------------------------


def _constants(tree: ast.Module) -> dict[str, int]:
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


# -- classes and functions -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Module:
    """What the module defines at top level that function bodies read: integer constants
    (masks) and struct formats."""

    ints: dict[str, int]
    formats: dict[str, str]


def _walk(
    body: list[ast.stmt],
    prefix: str,
    surface: Surface,
    raw: dict[str, _Body],
    consts: _Module,
) -> None:
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            qualname = prefix + node.name
            raw[qualname] = _Body(node, qualname, prefix.rstrip("."), consts)
        elif isinstance(node, ast.ClassDef):
            qualname = prefix + node.name
            info = _class(node, qualname)
            if not prefix:
                surface.classes[node.name] = info
            _walk(node.body, qualname + ".", surface, raw, consts)


def _last(node: ast.expr) -> str:
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Subscript):
        node = node.value
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _class(node: ast.ClassDef, qualname: str) -> ClassInfo:
    bases = {_last(b) for b in node.bases}
    decorators = {_last(d) for d in node.decorator_list}
    methods = [n for n in node.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    abstract = any("abstractmethod" in {_last(d) for d in m.decorator_list} for m in methods)
    meta = any(k.arg == "metaclass" and _last(k.value) == "ABCMeta" for k in node.keywords)
    if any(b.endswith(_ERROR_SUFFIXES) for b in bases):
        kind = ClassKind.ERROR
    elif bases & _ENUM_BASES:
        kind = ClassKind.ENUM
    elif bases & _INTERFACE_BASES or meta or abstract:
        kind = ClassKind.INTERFACE
    elif bases & _RECORD_BASES or "dataclass" in decorators or decorators & _ATTRS_DECORATORS:
        kind = ClassKind.RECORD
    else:
        kind = ClassKind.CLASS
    doc = (ast.get_docstring(node) or "").strip().splitlines()
    return ClassInfo(
        name=node.name,
        kind=kind,
        line=node.lineno,
        fields=_fields(node, methods) if kind in (ClassKind.RECORD, ClassKind.CLASS) else (),
        members=_members(node) if kind is ClassKind.ENUM else (),
        methods=tuple(f"{qualname}.{m.name}" for m in methods),
        doc=doc[0] if doc else "",
        bases=tuple(sorted(bases)),
    )


def _errors(surface: Surface) -> None:
    """Classes derived from the module's own exceptions are exceptions too."""
    changed = True
    while changed:
        changed = False
        for name, info in surface.classes.items():
            if info.kind is not ClassKind.ERROR and any(
                surface.classes[b].kind is ClassKind.ERROR
                for b in info.bases
                if b in surface.classes
            ):
                surface.classes[name] = replace(info, kind=ClassKind.ERROR, fields=())
                changed = True


def _fields(
    node: ast.ClassDef, methods: list[ast.FunctionDef | ast.AsyncFunctionDef]
) -> tuple[FieldInfo, ...]:
    out: dict[str, FieldInfo] = {}
    for stmt in node.body:
        if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            text = ast.unparse(stmt.annotation)
            if "ClassVar" not in text:
                out[stmt.target.id] = FieldInfo(stmt.target.id, text, stmt.lineno)
        elif (
            isinstance(stmt, ast.Assign)
            and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], ast.Name)
            and isinstance(stmt.value, ast.Call)
            and _last(stmt.value.func) in _ATTRS_FIELDS
        ):
            kw = {k.arg: k.value for k in stmt.value.keywords}
            typed = ast.unparse(kw["type"]) if "type" in kw else None
            out[stmt.targets[0].id] = FieldInfo(stmt.targets[0].id, typed, stmt.lineno)
    init = next((m for m in methods if m.name == "__init__"), None)
    if init is not None:
        params = {a.arg: a.annotation for a in [*init.args.args, *init.args.kwonlyargs]}
        for sub in ast.walk(init):
            target, annotation, value = _self_assign(sub)
            if target and not target.startswith("_") and target not in out:
                if annotation is None and isinstance(value, ast.Name):
                    annotation = params.get(value.id)
                typed = ast.unparse(annotation) if annotation is not None else None
                out[target] = FieldInfo(target, typed, getattr(sub, "lineno", init.lineno))
    return tuple(out.values())


def _self_assign(node: ast.AST) -> tuple[str, ast.expr | None, ast.expr | None]:
    targets: list[ast.expr]
    if isinstance(node, ast.AnnAssign):
        targets, annotation, value = [node.target], node.annotation, node.value
    elif isinstance(node, ast.Assign):
        targets, annotation, value = node.targets, None, node.value
    else:
        return "", None, None
    for t in targets:
        if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == "self":
            return t.attr, annotation, value
    return "", None, None


def _members(node: ast.ClassDef) -> tuple[tuple[str, object], ...]:
    out: list[tuple[str, object]] = []
    for stmt in node.body:
        if (
            isinstance(stmt, ast.Assign)
            and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], ast.Name)
        ):
            name = stmt.targets[0].id
            if name.startswith("_"):
                continue
            value = stmt.value.value if isinstance(stmt.value, ast.Constant) else None
            out.append((name, value))
    return tuple(out)


# -- function bodies -----------------------------------------------------------------------------


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


class _Body:
    """One function's facts, before the raising and width of its callees are known."""

    def __init__(
        self,
        fn: ast.FunctionDef | ast.AsyncFunctionDef,
        qualname: str,
        owner: str,
        module: _Module,
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


def _propagate(raw: dict[str, _Body]) -> None:
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


# -- docstrings ----------------------------------------------------------------------------------

_SPHINX_PARAM = re.compile(
    r"^\s*:param\s+(?:(?P<type>[^:]+?)\s+)?(?P<name>\w+)\s*:\s*(?P<rest>.*)$"
)
_SPHINX_TYPE = re.compile(r"^\s*:type\s+(?P<name>\w+)\s*:\s*(?P<type>.+?)\s*$")
_SPHINX_RTYPE = re.compile(r"^\s*:rtype\s*:\s*(?P<type>.+?)\s*$")
_GOOGLE_PARAM = re.compile(r"^\s+(?P<name>\w+)\s*\((?P<type>[^)]+)\)\s*:")
_GOOGLE_RETURN = re.compile(r"^\s+(?P<type>[\w\[\], .|]+?)\s*:")
_TYPE_TEXT = re.compile(r"^[\w\[\], .|]+$")


def _type_text(text: str) -> str | None:
    """``text`` when it reads as a type (``int``, ``list[str]``, ``str, optional``)."""
    text = text.strip().rstrip(".")
    optional = text.endswith(", optional")
    if optional:
        text = text[: -len(", optional")].strip()
    if not text or not _TYPE_TEXT.match(text) or parse_type(text) == UNKNOWN:
        return None
    return f"{text} | None" if optional else text


def docstring_types(doc: str) -> tuple[dict[str, str], str | None]:
    """Parameter and return types a docstring states, Sphinx (``:param int x:``, ``:type x:``,
    ``:param x: int``) or Google style (``Args: x (int): ...``, ``Returns: int: ...``)."""
    params: dict[str, str] = {}
    returns: str | None = None
    section = ""
    for line in doc.splitlines():
        stripped = line.strip()
        if stripped in ("Args:", "Arguments:", "Parameters:", "Returns:", "Yields:", "Raises:"):
            section = stripped
            continue
        if m := _SPHINX_PARAM.match(line):
            text = _type_text(m["type"] or "") or _type_text(m["rest"])
            if text:
                params.setdefault(m["name"], text)
        elif m := _SPHINX_TYPE.match(line):
            if text := _type_text(m["type"]):
                params[m["name"]] = text
        elif m := _SPHINX_RTYPE.match(line):
            returns = _type_text(m["type"]) or returns
        elif section in ("Args:", "Arguments:", "Parameters:") and (m := _GOOGLE_PARAM.match(line)):
            if text := _type_text(m["type"]):
                params.setdefault(m["name"], text)
        elif section == "Returns:" and returns is None and (m := _GOOGLE_RETURN.match(line)):
            returns = _type_text(m["type"])
        elif stripped and not line.startswith((" ", "\t")):
            section = ""
    return params, returns
