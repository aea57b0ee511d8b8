"""What the contract writers share: one boundary call with its types (``Call``), the
boundary as the writers read it (``Surfaced``), and identifiers every format accepts."""

from __future__ import annotations

import re
from dataclasses import dataclass

from goport.model import FunctionFacts, ModuleFacts
from goport.planning import GoHints
from goport.pytypes import ClassKind, PyType, Shape
from goport.roadmap import surface as surface_mod
from goport.text import printable


@dataclass(frozen=True, slots=True)
class Call:
    """One callable of the boundary with the types the contract uses."""

    name: str  # Python qualname: "tokenize_line", "Index.add", "Index.__init__"
    fn: FunctionFacts
    params: tuple[tuple[str, PyType, bool], ...]  # (name, type, required)
    returns: PyType  # NONE when it returns nothing
    stream: bool  # a generator: a server stream / JSON Lines / a channel
    hints: GoHints

    @property
    def method_of(self) -> str:
        parts = self.name.split(".")
        return parts[-2] if len(parts) >= 2 else ""


@dataclass(slots=True)
class Surfaced:
    facts: ModuleFacts
    surface: surface_mod.Surface
    calls: list[Call]
    records: list[str]  # the module's classes the contract carries as data, in first-use order
    others: list[str]  # used names that are neither functions nor classes (constants)
    unknown: list[str]


def errors_of(b: Surfaced) -> list[str]:
    return [n for n in b.records if b.surface.classes[n].kind is ClassKind.ERROR]


HANDLE = ("handle", PyType(Shape.SCALAR, "str"), True)


def with_receiver(b: Surfaced, call: Call) -> list[tuple[str, PyType, bool]]:
    """A method's parameters behind its receiver: the record itself (``self``) for a method of a
    record, the handle ``New<Class>`` returned for a stateful class; other calls as they are."""
    owner = b.surface.classes.get(call.method_of)
    params = list(call.params)
    if owner is None or call.name.endswith(".__init__"):
        return params
    if owner.kind is ClassKind.RECORD:
        return [("self", PyType(Shape.NAMED, owner.name), True), *params]
    return [HANDLE, *params]


# -- identifiers ---------------------------------------------------------------------------------


def ident(name: str) -> str:
    """An ASCII identifier for any Python name (Python allows non-ASCII ones)."""
    out = re.sub(r"[^A-Za-z0-9_]", lambda m: f"U{ord(m.group()):04X}", name)
    return out if out and not out[0].isdigit() else "N" + out


def dotted_ident(name: str) -> str:
    return ".".join(ident(part) for part in name.split("."))


def camel(name: str) -> str:
    return "".join(p[:1].upper() + p[1:] for p in ident(name).split("_") if p) or "X"


def upper_snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", ident(name)).upper()


def rpc_name(call: Call) -> str:
    owner = call.method_of
    last = call.name.rsplit(".", 1)[-1]
    if owner and last == "__init__":
        return "New" + camel(owner)
    return camel(owner) + camel(last.strip("_")) if owner else camel(last)


def signature_text(call: Call) -> str:
    """The Python signature of a call as written (annotations kept), printable."""
    params = ", ".join(
        p.name + (f": {p.annotation}" if p.annotation else "")
        for p in call.fn.params
        if p.name not in ("self", "cls")
    )
    ret = f" -> {call.fn.returns}" if call.fn.returns else ""
    return printable(f"{call.name}({params}){ret}")
