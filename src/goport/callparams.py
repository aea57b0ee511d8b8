"""Calls through a function's own parameters (``CallKind.PARAM``), for the call-site walk.

``parse_list(parse_item, text)`` calling ``parse_item(part)`` runs what its callers pass it: the
walk records such a call with the parameter's name, and the project stage (``callgraph``) looks
for the functions its callers take as values. Two facts decide how far that holds:

- a parameter the body binds anew (an assignment or augmented assignment, a ``for`` target, a
  walrus, ``with ... as``, ``except ... as``; not a ``match`` capture, an import or a nested
  function's ``nonlocal``) may hold what the body put there: its calls are calls through a value like
  a local's (INDIRECT), settled when the function ends;
- a function that passes one of its own parameters on to a call (not to a builtin, and not its
  ``self`` or ``cls``) may be handing a callback further down: ``forwards`` names them, and the
  project stage follows a parameter of that name up through such callers (at most
  ``callgraph.MAX_PASSED_CALLERS``).
"""

from __future__ import annotations

import libcst as cst

from goport.callscopes import Scope, SiteKey
from goport.model import CallKind

__all__ = ["own_param", "rebind", "settle"]


def rebind(scope: Scope, target: cst.CSTNode | None) -> None:
    """A binding target that names one of the function's parameters (or a tuple or list of
    targets that does) binds it anew."""
    if isinstance(target, cst.Name) and target.value in scope.params:
        scope.rebound.add(target.value)
    elif isinstance(target, (cst.Tuple, cst.List)):
        for element in target.elements:
            rebind(scope, element.value)
    elif isinstance(target, cst.StarredElement):
        rebind(scope, target.value)


def own_param(scope: Scope, value: cst.BaseExpression) -> str | None:
    """The name of the function's parameter the value is, if it is one (not ``self``/``cls``)."""
    if not isinstance(value, cst.Name):
        return None
    name = value.value
    if name in scope.params and name != scope.self_name and name not in scope.classes:
        return name
    return None


def settle(scope: Scope) -> None:
    """Calls through a parameter, once the function's end tells which parameters it binds
    anew: through one of those, a call through a value (INDIRECT); through the others, the
    parameter's name (carried in the site key) joins the target, ``1@parse_item``."""
    if not any(kind is CallKind.PARAM for _, _, _, kind, _ in scope.sites):
        return
    settled: dict[SiteKey, int] = {}
    for (target, depth, branch, kind, local), count in scope.sites.items():
        if kind is CallKind.PARAM:
            if local in scope.rebound:
                kind = CallKind.INDIRECT
            else:
                target = f"{target}@{local}"
            local = ""
        key = (target, depth, branch, kind, local)
        settled[key] = settled.get(key, 0) + count
    scope.sites = settled
