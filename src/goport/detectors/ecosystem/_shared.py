"""Helpers shared by the ecosystem rules: the per-package import reporting (``_PackageImports``)."""

from __future__ import annotations

from typing import ClassVar

import libcst as cst

from goport.detectors.base import Context, Detector
from goport.detectors.syntax import dotted, under


def _type_checking(test: cst.BaseExpression) -> bool:
    if isinstance(test, cst.Name):
        return test.value == "TYPE_CHECKING"
    return isinstance(test, cst.Attribute) and test.attr.value == "TYPE_CHECKING"


class _PackageImports:
    """Mixin: report each import statement naming a package of ``PACKAGES``, once.

    ``PACKAGES`` are dotted prefixes (``django.db`` matches ``from django.db import models`` and
    ``from django import db``). The concrete class also derives from ``Detector``.
    """

    PACKAGES: ClassVar[tuple[str, ...]] = ()
    LABEL: ClassVar[str] = ""
    ctx: Context
    _type_only = 0  # depth of enclosing ``if TYPE_CHECKING:`` bodies
    _else_ids: frozenset[int] = frozenset()  # the else/elif branches of those ifs

    def visit_If(self, node: cst.If) -> None:
        self._leave_type_only(node)
        if _type_checking(node.test):
            self._type_only += 1
            if node.orelse is not None:
                self._else_ids = self._else_ids | {id(node.orelse)}

    def visit_Else(self, node: cst.Else) -> None:
        self._leave_type_only(node)

    def _leave_type_only(self, node: cst.CSTNode) -> None:
        """The else/elif of an ``if TYPE_CHECKING:`` runs for real."""
        if id(node) in self._else_ids:
            self._else_ids = self._else_ids - {id(node)}
            self._type_only -= 1

    def leave_If(self, node: cst.If) -> None:
        if _type_checking(node.test) and node.orelse is None:
            self._type_only -= 1

    def _emit(self, node: cst.CSTNode, found: list[str]) -> None:
        assert isinstance(self, Detector)
        if found and not self._type_only:
            self.report(node, f"imports {', '.join(found)} ({self.LABEL})")

    def leave_Import(self, node: cst.Import) -> None:
        found: list[str] = []
        for alias in node.names:
            prefix = under(dotted(alias.name) or "", self.PACKAGES)
            if prefix is not None and prefix not in found:
                found.append(prefix)
        self._emit(node, found)

    def leave_ImportFrom(self, node: cst.ImportFrom) -> None:
        if node.relative or node.module is None:
            return
        module = dotted(node.module) or ""
        found: list[str] = []
        prefix = under(module, self.PACKAGES)
        if prefix is not None:
            found.append(prefix)
        elif not isinstance(node.names, cst.ImportStar):
            for alias in node.names:
                prefix = under(f"{module}.{dotted(alias.name) or ''}", self.PACKAGES)
                if prefix is not None and prefix not in found:
                    found.append(prefix)
        self._emit(node, found)
