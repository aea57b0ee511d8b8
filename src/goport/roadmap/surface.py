"""What a module's source says about the types at its boundary, read with ``ast`` (never run).

The cached ``ModuleFacts`` carry signatures as written; a contract needs more: which classes are
records (dataclass, attrs, NamedTuple, TypedDict), enums or interfaces (Protocol, ABC) and their
fields, the types docstrings give to unannotated parameters, and what each body does that changes
its Go form (raises, masks to 32 or 64 bits, yields, does I/O). ``surface`` reads all of it in
one parse of the module, when a plan needs it, so the scan's extraction stays as it is.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field, replace

from goport.planning import GoHints
from goport.pytypes import ClassKind
from goport.roadmap.bodies import Body, ModuleValues, int_constants, propagate
from goport.roadmap.packwidths import module_formats

_RECORD_BASES = {"NamedTuple", "TypedDict"}
_ENUM_BASES = {"Enum", "IntEnum", "StrEnum", "Flag", "IntFlag", "ReprEnum"}
_INTERFACE_BASES = {"Protocol", "ABC"}
_ERROR_SUFFIXES = ("Error", "Exception", "Warning", "Exit", "Interrupt")
_ATTRS_DECORATORS = {"s", "attrs", "define", "frozen", "mutable"}
_ATTRS_FIELDS = {"ib", "attrib", "field"}


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
        consts = ModuleValues(int_constants(tree), module_formats(tree))
        surface = Surface()
        raw: dict[str, Body] = {}
        _walk(tree.body, "", surface, raw, consts)
    except (SyntaxError, ValueError, RecursionError, MemoryError):  # hostile or broken code
        return Surface()
    _errors(surface)
    propagate(raw)
    for qualname, body in raw.items():
        surface.hints[qualname] = body.hints()
    return surface


# -- classes and functions -----------------------------------------------------------------------


def _walk(
    body: list[ast.stmt],
    prefix: str,
    surface: Surface,
    raw: dict[str, Body],
    consts: ModuleValues,
) -> None:
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            qualname = prefix + node.name
            raw[qualname] = Body(node, qualname, prefix.rstrip("."), consts)
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
