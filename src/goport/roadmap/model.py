"""The values a migration plan is made of. Frozen and slotted, like the rest of goport's model."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from goport.model import Effort, Strategy


class ContractKind(str, Enum):
    PROTO = "proto"  # go-service / go-worker: a gRPC service and its messages
    JSON_SCHEMA = "json-schema"  # go-cli: the stdin/stdout documents
    GO_API = "go-api"  # go-extension: the Go package API behind the same Python names


@dataclass(frozen=True, slots=True)
class Contract:
    """A step's boundary, written as a file a team can check in and compile."""

    kind: ContractKind
    filename: str  # e.g. "tokenizer.proto", "tokenizer.schema.json", "tokenizer_api.go"
    text: str
    names: tuple[str, ...]  # the Python names it covers (used by other modules)
    #: types that could not be pinned: "tokenize(line): parameter 'line' has no annotation;
    #: annotate it at tokenizer.py:12 (callers pass str at ingest.py:40)"
    unknown_types: tuple[str, ...] = ()
    #: call sites that cross the boundary inside loops: "ingest.py:88 calls tokenize() per
    #: line (about N crossings per record): batch it"
    chatty: tuple[str, ...] = ()
    rel_path: str = ""  # the module it is the boundary of (a step may move several)


@dataclass(frozen=True, slots=True)
class Risk:
    """A semantic difference between the module's Python and Go that a port must handle."""

    kind: str  # short slug: "int-width", "str-indexing", "re2", "float-format", "dict-order", ...
    rel_path: str
    line: int
    message: str  # what the code does, in one sentence
    go_note: str  # what to do in Go


@dataclass(frozen=True, slots=True)
class Gain:
    """Expected gain, Amdahl-style, as a range with its assumptions; None bounds when no basis."""

    low: float | None  # fraction of end-to-end time saved (0-1), or None
    high: float | None
    basis: str  # "measured" | "estimated" | "none"
    assumptions: str  # the sentence that says how it was computed, or why there is no number


@dataclass(frozen=True, slots=True)
class Seam:
    """An explicit boundary a step needs: a callback interface, a cycle cut, a shared type."""

    kind: str  # "callback" | "cycle" | "co-change" | "shared-type"
    between: tuple[str, ...]  # rel paths
    why: str


@dataclass(frozen=True, slots=True)
class Step:
    number: int  # 1-based, roadmap order
    wave: int  # steps of one wave can run in parallel
    modules: tuple[str, ...]  # repo-relative paths that move together
    strategy: Strategy
    why: str
    gain: Gain
    effort: Effort | None
    risks: tuple[Risk, ...]
    requires: tuple[str, ...]  # what has to exist first: "step 1", "tests for tokenize()", ...
    contract: Contract | None
    seams: tuple[Seam, ...] = ()
    tests_first: tuple[str, ...] = ()  # boundary functions no test exercises, to cover first
