"""Calls that run the regular-expression engine, counted for the estimate's local work.

A regex search or substitution runs in C, and a profile charges that time to the Python
function that called it: in a loop, such a call costs more than a statement
(``hotpath.REGEX_COST``). The walk cannot see types, so it counts what is most likely a regex
call: a function of ``re`` or a compiled pattern's method, never a method of a module, of a
project class or instance, or of ``self``/``cls``.
"""

from __future__ import annotations

import libcst as cst

from goport.calloperators import OperatorCounter
from goport.callscopes import Scope
from goport.model import WorkShape

#: functions of ``re`` (and of the ``regex`` package) that run the regex engine over text: a
#: call in a loop costs more than a statement (``hotpath.REGEX_COST``)
_REGEX_MODULES = frozenset({"re", "regex"})
_REGEX_FUNCTIONS = frozenset({"search", "match", "fullmatch", "finditer", "findall", "sub", "subn"})
#: the same as methods of a compiled pattern, on a receiver of unknown type; ``findall`` is left
#: out there, since ElementTree's elements have one too
_REGEX_METHODS = _REGEX_FUNCTIONS - {"findall"}


def _is_pattern(typed: str) -> bool:
    """Whether a name's recorded type (``re.compile``, ``re.Pattern``, ``typing.Pattern``,
    ``pkg.mod.Parser``) is a compiled regular expression."""
    module = typed.partition(".")[0]
    return module in _REGEX_MODULES or typed == "typing.Pattern"


class RegexCounter(OperatorCounter):
    """Counts, per scope, the calls in loops that run the regex engine."""

    def _count_regex(self, scope: Scope, func: cst.BaseExpression) -> None:
        """Count a call in a loop that runs the regex engine: a function of ``re``
        (``re.search(p, s)``, ``search(p, s)`` imported from it), or a pattern's method
        (``WORD.match(s)``, ``self._sc.search(s, pos)``) on a receiver that is no module, no
        project function or class, no instance of a class and not ``self``/``cls``: a compiled
        pattern, as far as the walk can tell. A global receiver named like none of these yet waits
        for the end of the module, which may define it further down (``work_of``)."""
        if isinstance(func, cst.Name):
            module, _, name = self.ctx.aliases.get(func.value, "").rpartition(".")
            if module in _REGEX_MODULES and name in _REGEX_FUNCTIONS:
                scope.regex += 1
            return
        if not isinstance(func, cst.Attribute):
            return
        method, value = func.attr.value, func.value
        if isinstance(value, cst.Name):
            root = value.value
            if root in self.ctx.modules:  # re.search(...), but not operator.sub(a, b)
                imported = self.ctx.aliases.get(root)
                scope.regex += int(imported in _REGEX_MODULES and method in _REGEX_FUNCTIONS)
                return
            if method not in _REGEX_METHODS:
                return
            typed = scope.instances.get(root) or scope.classes.get(root)
            if typed is not None:  # pat = re.compile(...), but not self.match(kind)
                scope.regex += int(_is_pattern(typed))
            elif any(root in outer.defs for outer in self.scopes):
                return  # a function or class of the enclosing function
            elif root in scope.locals:
                scope.regex += 1  # a parameter or local of unknown type
            else:
                scope.regex_roots[root] = scope.regex_roots.get(root, 0) + 1
        elif method in _REGEX_METHODS:
            scope.regex += 1

    def work_of(self, scope: Scope) -> WorkShape:
        """The scope's work counts, once the module's own names are all known: a global that
        is a function, a class or an instance of a class is no pattern."""
        names, instances = self.module_names, self.module.instances
        waiting = sum(
            n
            for root, n in scope.regex_roots.items()
            if root not in names and _is_pattern(instances.get(root, "re.Pattern"))
        )
        return scope.work(regex=waiting)
