"""What a generated parity test runs: every golden case through the original and the shim.

With the switch on (``GOPORT_USE_GO=1``, the Go side running), each case is called on the
original Python function and on the shim, which sends it to Go: the results must be equal, or
both must raise exceptions of the same type. With the switch off, the shim *is* the original, so
the case is checked against what was recorded instead: the Python code still does what the Go
code is held to. Arguments are rebuilt from the case for each call (a function may mutate them),
with the recorded type descriptors (bytes from base64, tuples).

Copied beside the shims (``goport_runtime``), it stands alone and stays valid Python 3.9.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from . import codec, runtime


class Case:
    """One golden case of one function."""

    def __init__(self, document: dict[str, Any], index: int) -> None:
        self.function: str = document["function"]
        self.kind: str = document.get("kind", "function")
        self.index = index
        self.data: dict[str, Any] = document["cases"][index]
        self.arg_types: list[str] = list(document.get("arg_types") or [])
        self.kwarg_types: dict[str, str] = dict(document.get("kwarg_types") or {})

    @property
    def id(self) -> str:
        return f"{self.function}-{self.index}"

    def arguments(self) -> tuple[list[Any], dict[str, Any]]:
        """Fresh Python arguments for one call."""
        types = self.arg_types
        args = [
            codec.decode(v, types[i] if i < len(types) else "any")
            for i, v in enumerate(self.data.get("args") or [])
        ]
        kwargs = {
            k: codec.decode(v, self.kwarg_types.get(k, "any"))
            for k, v in dict(self.data.get("kwargs") or {}).items()
        }
        return args, kwargs


def load(folder: Path, functions: Sequence[str]) -> list[Case]:
    """The cases of ``functions`` in their golden files under ``folder`` (missing: none)."""
    cases: list[Case] = []
    for name in functions:
        path = folder / f"{name}.json"
        if not path.is_file():
            continue
        document = json.loads(path.read_text(encoding="utf-8"))
        cases.extend(Case(document, i) for i in range(len(document.get("cases") or [])))
    return cases


def ids(cases: Sequence[Case]) -> list[str]:
    return [c.id for c in cases] or ["no-golden-cases"]


def outcome(function: Any, case: Case) -> tuple[str, Any]:
    """("result", value) or ("raises", the exception) of one call; a generator is drained."""
    args, kwargs = case.arguments()
    try:
        value = function(*args, **kwargs)
        if case.kind == "generator":
            value = list(value)
    except Exception as exc:  # noqa: BLE001 - the exception is the outcome compared
        return "raises", exc
    return "result", value


def check(case: Case | None, shim: ModuleType) -> None:
    """The parity test of one case (pytest's skip and assert)."""
    import pytest

    if case is None:
        pytest.skip("no golden cases: run goport capture first (see the shim's docstring)")
    original = getattr(shim._goport_original, case.function)
    python = outcome(original, case)
    if runtime.switch_on():
        go = outcome(getattr(shim, case.function), case)
        problem = _differs(python, go, "the Go side")
    else:
        problem = _differs_from_record(python, case)
    if problem:
        pytest.fail(f"{case.id}: {problem}", pytrace=False)


def _say(result: tuple[str, Any]) -> str:
    kind, value = result
    if kind == "raises":
        return f"raised {type(value).__name__}: {value}"
    return f"returned {value!r}"


def _differs(python: tuple[str, Any], other: tuple[str, Any], who: str) -> str:
    if python[0] == other[0] == "result":
        if python[1] == other[1]:
            return ""
    elif python[0] == other[0] == "raises":
        a, b = type(python[1]), type(other[1])
        if a is b or (a.__module__, a.__qualname__) == (b.__module__, b.__qualname__):
            return ""
    return f"Python {_say(python)}; {who} {_say(other)}"


def _differs_from_record(python: tuple[str, Any], case: Case) -> str:
    recorded = case.data
    if "raises" in recorded:
        name = recorded["raises"].get("type")
        if python[0] == "raises" and type(python[1]).__name__ == name:
            return ""
        return f"recorded: raised {name}; now Python {_say(python)} (switch off: {runtime.SWITCH})"
    if python[0] == "result":
        try:
            now = codec.canonical(codec.encode(python[1], "result"))
        except codec.Unrepresentable as exc:
            return f"the result is no longer representable: {exc}"
        if now == codec.canonical(recorded.get("result")):
            return ""
    return f"recorded: returned {recorded.get('result')!r}; now Python {_say(python)}"
