"""Every value that crosses a stage boundary: frozen, slotted dataclasses and enums.

Nothing here knows about libcst, radon, git or py-spy; adapters convert their objects into these
types at the edge. ModuleFacts and AnalysisError are what the per-file cache stores, TreeRun what
the run cache stores, as JSON (``serial.py``): everything reachable from them must be a frozen,
slotted dataclass, an enum, a tuple, ``str``, ``int``, ``float``, ``bool`` or ``X | None`` of
these, so that it round-trips.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from goport.pickling import fast_pickle


class Category(str, Enum):
    """The family a finding belongs to; the hundreds digit of a rule id says the same."""

    CPU = "cpu"
    CONCURRENCY = "concurrency"
    SERVICE = "service"
    BLOCKER = "blocker"
    ECOSYSTEM = "ecosystem"


class FileKind(str, Enum):
    """What a file is for. Product code is ranked; every other kind is still analysed (its
    imports are part of the project) but set apart from the ranking (rules: ``goport.kinds``)."""

    PRODUCT = "product"
    TEST = "test"
    BENCHMARK = "benchmark"
    EXAMPLE = "example"
    DOCS = "docs"
    SCRIPT = "script"
    BUILD = "build"
    VENDORED = "vendored"
    GENERATED = "generated"


class Trait(str, Enum):
    """What a rule's findings say about the module beyond their category.

    Declared on the detector class (``Detector.TRAITS``) and carried by every finding, so that
    scoring and planning test properties of the work (``Trait.NETWORK in f.traits``), never
    lists of rule ids, and need no detector import. Each member's value is what the cache and
    reports store; its ``reason`` is the one line the rules page shows.
    """

    reason: str

    def __new__(cls, value: str, reason: str) -> Trait:  # noqa: PYI034 - makes a member
        member = str.__new__(cls, value)
        member._value_ = value
        member.reason = reason
        return member

    NETWORK = ("network", "network or streaming I/O: the concurrency Go serves best")
    SERVING = ("serving", "accepts requests or connections: a Go service behind HTTP/gRPC")
    FEEDING = ("feeding", "feeds work to pools, queues or consumers: a Go worker fits")
    ORCHESTRATION = (
        "orchestration",
        "runs process pools or executors: the functions they run are the work, not the caller",
    )
    NATIVE_NUMERIC = (
        "native-numeric",
        "the heavy work is already in numpy-style native libraries: Go gains little",
    )
    CHEAP_FIX = ("cheap-fix", "a small Python-side fix removes most of the cost: try it first")
    RESHAPE = (
        "reshape",
        "made explicit site by site (struct fields, a map, a dispatch table), not redesigned",
    )


class Strategy(str, Enum):
    """What to do with a candidate."""

    GO_SERVICE = "go-service"
    GO_WORKER = "go-worker"
    GO_CLI = "go-cli"
    GO_EXTENSION = "go-extension"  # in-process: a Go package built as a CPython extension
    OPTIMISE_FIRST = "optimise-in-python-first"
    KEEP = "keep-in-python"


@fast_pickle
@dataclass(frozen=True, slots=True)
class SourceFile:
    """A Python file found under the scanned root."""

    rel_path: str  # posix, relative to the root
    abs_path: str
    module: str  # dotted module name, e.g. "app.tokenizer"
    is_test: bool = False  # kind is FileKind.TEST
    kind: FileKind = FileKind.PRODUCT  # from the path relative to the root (goport.kinds)
    kind_reason: str = ""  # why it is not product code, in a few words


@fast_pickle
@dataclass(frozen=True, slots=True, order=True)
class Span:
    line: int
    end_line: int
    col: int = 0
    end_col: int = 0


@fast_pickle
@dataclass(frozen=True, slots=True)
class Finding:
    rule: str  # the rule's ID, as goport.detectors.RULE_IDS spells it
    name: str  # "nested-loops"
    category: Category
    span: Span
    symbol: str  # enclosing qualname, "" at module level
    message: str
    weight: float
    go_idiom: str
    construct: str = ""  # the Python construct as users name it (the detector's PYTHON)
    traits: tuple[Trait, ...] = ()  # the detector's TRAITS, so ranking needs no detector import
    python_first: str = ""  # the detector's PYTHON_FIRST advice, for the same reason


@fast_pickle
@dataclass(frozen=True, slots=True)
class Param:
    name: str
    annotation: str | None = None
    default: str | None = None
    kind: str = "positional"  # positional | keyword-only | var-positional | var-keyword


#: the qualname of a module's top-level code (class bodies included) as a pseudo-function
MODULE_SCOPE = "<module>"


class CallKind(str, Enum):
    """How a call site names what it runs; the project stage resolves each kind its own way."""

    CALL = "call"  # a function, class (instantiation) or static method, by absolute dotted name
    #: ``Type.m`` called on a known instance or class object (self, cls, a typed name): the
    #: object may be of a subclass, so the subclasses' overrides may run instead
    METHOD = "method"
    #: ``Type.m`` called on an instance the function built itself (``x = T()``): exactly T's
    EXACT = "exact"
    SUPER = "super"  # ``Class.m`` through ``super()``: resolved from Class's bases
    DUNDER = "dunder"  # ``Type.__m__`` that syntax runs on a known instance (x[i], len(x), x + y)
    ATTR = "attr"  # ``.m()`` on a receiver of unknown type: the target is the method name only
    #: a function handed to the interpreter as a trace or profile hook (``sys.settrace(f)``): it
    #: runs on every line or call of the traced program, whoever the caller; resolved as CALL
    HOOK = "hook"
    #: a call through a value (``handler(m, state)`` on a local, ``table[key](x)``,
    #: ``getattr(obj, name)(x)``): the target is the number of positional arguments, "*" with
    #: ``*args``; the project stage matches it against the functions taken as values (below)
    INDIRECT = "indirect"
    #: a call through one of the function's own parameters (``parse_item(text, pos)``): the
    #: target as INDIRECT's and the parameter's name, ``2@parse_item``; the project stage
    #: matches it first against the functions its callers take as values, the ones they may pass
    PARAM = "param"
    #: not a call: a function taken as a value (stored in a dict or list, passed, assigned,
    #: returned), so an indirect call may run it; the target is resolved as CALL
    REF = "ref"
    #: a method taken as a bound value (``self.on_data``): resolved as METHOD, called without self
    REF_METHOD = "ref-method"
    #: bound methods taken by a name built from a prefix (``getattr(self, "visit_" + kind)``):
    #: the target is the prefix, every project method named with it may be the one
    REF_PREFIX = "ref-prefix"


@fast_pickle
@dataclass(frozen=True, slots=True, order=True)
class CallSite:
    """What a function runs at one or more places of its body, and how deep in loops.

    ``target`` is absolute: imported names through their imports and aliases
    (``pkg.util.helper``), names of the module with the module (``pkg.mod.helper``, nested
    definitions as ``pkg.mod.outer.<locals>.helper``), methods with their class. Identical sites
    (same target, depth and kind) are one entry with a ``count``.
    """

    target: str
    loop_depth: int  # enclosing loops and comprehension levels inside the function (0: none)
    kind: CallKind = CallKind.CALL
    branch_depth: int = 0  # enclosing branches inside the function (callscopes.Scope.branch)
    count: int = 1


@fast_pickle
@dataclass(frozen=True, slots=True)
class WorkShape:
    """Cheap counts of what a function body does, per call, gathered during the one walk.

    Nested functions and classes are their own; their ``def``/``class`` statement counts here.
    Loop levels are ``for``, ``while`` and each ``for`` of a comprehension; a ``for``'s iterable
    and ``else`` are outside its loop, a ``while``'s test inside. A scanning ``while`` (its test
    compares or calls: ``while pos < len(src)``) that no other loop of the function encloses
    counts ``callscopes.SCAN_LEVELS`` levels, as its call sites do: it runs per element of its
    input.
    """

    statements: int = 0  # statements of the body, simple and compound
    loop_statements: int = 0  # of which inside at least one loop level
    nested_loop_statements: int = 0  # of which inside two or more loop levels
    loop_arith: int = 0  # arithmetic in loops: + - * / // % ** @, unary -, augmented; not "<b>" + s
    loop_bitops: int = 0  # bit operators in loops: << >> & | ^ ~, augmented too
    loop_compares: int = 0  # comparison operators in loops (each link of a chain: a < b < c is 2)
    loop_subscripts: int = 0  # subscripts and slices in loops (x[i], x[i:j], d[k] = v)
    loop_calls: int = 0  # calls in loops, of anything (builtins and methods included)
    max_loop_depth: int = 0  # deepest loop nesting, comprehension levels included
    while_index_scan: bool = False  # a while loop indexes (x[i]) by a name it steps by +=/-=
    recursive: bool = False  # calls itself directly (its own name, or self.<name> in a method)
    loop_regex: int = 0  # regular-expression searches in loops (.search, .finditer, .sub...)
    forwards: tuple[str, ...] = ()  # parameters passed on to non-builtin calls (callparams)


@fast_pickle
@dataclass(frozen=True, slots=True)
class FunctionFacts:
    qualname: str
    span: Span
    complexity: int
    loop_depth: int
    is_async: bool
    params: tuple[Param, ...]
    returns: str | None
    calls: tuple[str, ...]  # resolved dotted names of what it calls, sorted, unique
    findings: tuple[Finding, ...]
    sloc: int = 0
    decorators: tuple[str, ...] = ()
    body_hash: str = ""  # fingerprint of its source (codehash), to tell a profile is stale
    call_sites: tuple[CallSite, ...] = ()  # sorted by target, depth, kind
    work: WorkShape = WorkShape()


@fast_pickle
@dataclass(frozen=True, slots=True)
class ClassFacts:
    qualname: str
    span: Span
    bases: tuple[str, ...]
    methods: tuple[str, ...]


@fast_pickle
@dataclass(frozen=True, slots=True)
class Import:
    """One imported binding. ``target`` is the absolute dotted name it refers to."""

    target: str  # "numpy" or "concurrent.futures.ThreadPoolExecutor"
    alias: str  # the local name: "np", "TPE"
    line: int
    is_from: bool = False


@fast_pickle
@dataclass(frozen=True, slots=True)
class Metrics:
    loc: int
    sloc: int
    lloc: int
    comments: int
    blank: int
    complexity_total: int
    complexity_max: int
    halstead_volume: float
    maintainability: float | None  # radon's MI, 0-100; None when radon could not read the file
    #: the operators Halstead counts (binary, unary, boolean, augmented, comparison links); of
    #: them those that build text ("<b>" + s, "%s" % x, "-" * n, out += "..."), and of the rest
    #: those outside any function (module and class bodies: run once, on import)
    operators: int = 0
    text_operators: int = 0
    import_operators: int = 0
    import_lines: int = 0  # lines of top-level constants, docstrings, imports: run on import


@fast_pickle
@dataclass(frozen=True, slots=True)
class Suppression:
    line: int
    rules: tuple[str, ...]  # ids or prefixes; empty means every rule


@fast_pickle
@dataclass(frozen=True, slots=True)
class ModuleFacts:
    rel_path: str
    module: str
    digest: str
    metrics: Metrics
    imports: tuple[Import, ...]
    functions: tuple[FunctionFacts, ...]
    classes: tuple[ClassFacts, ...]
    findings: tuple[Finding, ...]  # every finding, module-level and inside functions, by line
    suppressions: tuple[Suppression, ...]
    keep_python: str | None = None  # reason given by ``# goport: keep-python[reason]``
    names_used: tuple[tuple[str, str], ...] = ()  # (imported module, attribute) pairs used
    is_test: bool = False
    has_main_guard: bool = False
    notes: tuple[str, ...] = ()  # non-fatal remarks, e.g. "radon could not parse this file"
    kind: FileKind = FileKind.PRODUCT  # the path's kind, or GENERATED from the file's header
    kind_reason: str = ""
    # module-level code (class bodies included): the ``<module>`` pseudo-function, run on import
    module_call_sites: tuple[CallSite, ...] = ()
    module_work: WorkShape = WorkShape()
    #: module-level names bound to a function or class by assignment (``_mask = _mask_python``):
    #: (name, absolute target), a binding for calls to resolve through, like an import's
    aliases: tuple[tuple[str, str], ...] = ()
    #: class-body ``alias = name`` (``__radd__ = __add__``): (absolute class, alias, name)
    method_aliases: tuple[tuple[str, str, str], ...] = ()
    #: names whose use runs none of its code: literal constants, exceptions, plain enumerations
    inert_names: tuple[str, ...] = ()


@fast_pickle
@dataclass(frozen=True, slots=True)
class AnalysisError:
    rel_path: str
    stage: str  # discover | read | parse | extract | profile | history | config
    message: str


@dataclass(frozen=True, slots=True)
class FunctionHotness:
    qualname: str
    self_share: float
    total_share: float
    library_share: float  # time in code outside the repo called from here
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Hotness:
    """Measured time of one module, as shares of all samples of the merged profiles."""

    samples: int
    self_share: float
    total_share: float
    library_share: float
    by_function: tuple[FunctionHotness, ...] = ()


@dataclass(frozen=True, slots=True)
class FileHistory:
    commits: int
    churn: int  # lines added + deleted in the window
    authors: int
    last_change: str | None  # ISO date
    window_days: int = 365


@dataclass(frozen=True, slots=True)
class Factor:
    """One named term of a score: the score is the sum of the contributions."""

    name: str
    value: float  # the measured quantity the factor is computed from
    contribution: float
    explanation: str


@dataclass(frozen=True, slots=True)
class Boundary:
    """What the rest of the project uses of a module."""

    fan_in: int
    fan_out: int
    imported_by: tuple[str, ...]
    imports: tuple[str, ...]
    used_names: tuple[str, ...]  # public names other modules reference
    tested_by: tuple[str, ...]
    inert_importers: int = 0  # importers that use only its ``inert_names``

    @property
    def callers(self) -> int:  # importers that use its code
        return self.fan_in - self.inert_importers


@dataclass(frozen=True, slots=True)
class Effort:
    size: str  # S | M | L | XL
    days_low: int
    days_high: int
    explanation: str


@dataclass(frozen=True, slots=True)
class GoIdiom:
    python: str  # "asyncio.gather"
    go: str  # "goroutines + errgroup.Group"
    rule: str
    lines: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class HotFunction:
    qualname: str
    span: Span
    complexity: int
    heat: float  # 0-1 static or measured heat, relative within the module
    reasons: tuple[str, ...]
    measured: FunctionHotness | None = None
    signature: str = ""  # Go signature sketch


@dataclass(frozen=True, slots=True)
class FunctionEstimate:
    """A function's statically estimated share of the project's run time (``hotpath``)."""

    qualname: str  # within its module; "<module>" is the module-level code
    share: float  # of the estimated time of all non-test modules, 0-1
    frequency: float  # estimated runs per run of the entry points (bounded)
    chain: tuple[str, ...] = ()  # hottest call chain from an entry point to here, "module:qualname"


@dataclass(frozen=True, slots=True)
class ModuleEstimate:
    """A module's statically estimated share of the project's run time: its functions' sum."""

    share: float  # 0-1
    rank: int  # by share among the project's non-test modules, 1 = the largest
    ranked: int  # how many modules were ranked
    functions: tuple[FunctionEstimate, ...]  # largest share first; chains for the first few


@dataclass(frozen=True, slots=True)
class Candidate:
    rel_path: str
    module: str
    score: float
    rank: int
    strategy: Strategy
    strategy_reason: str
    factors: tuple[Factor, ...]
    functions: tuple[HotFunction, ...]
    findings: tuple[Finding, ...]
    blockers: tuple[str, ...]
    boundary: Boundary
    effort: Effort | None  # None: the module stays in Python, there is nothing to port
    idioms: tuple[GoIdiom, ...]
    python_first: tuple[str, ...]  # cheaper Python-side fixes worth trying first
    metrics: Metrics
    hotness: Hotness | None = None
    history: FileHistory | None = None
    features: tuple[tuple[str, float], ...] = ()  # the static model's named inputs (scoring)
    estimate: ModuleEstimate | None = None  # static time share (hotpath), a scoring input


@dataclass(frozen=True, slots=True)
class Decided:
    """A module the team marked ``# goport: keep-python[reason]``."""

    rel_path: str
    module: str
    reason: str


@dataclass(frozen=True, slots=True)
class SetApart:
    """A module analysed but left out of the ranking for what it is (``--include KIND`` ranks it)."""

    rel_path: str
    kind: FileKind
    reason: str


@dataclass(frozen=True, slots=True)
class Ranking:
    """Every candidate of one tree, ranked, and the modules its team keeps in Python."""

    candidates: tuple[Candidate, ...]  # every candidate, best first, ranked
    decided: tuple[Decided, ...]
    findings: int


@dataclass(frozen=True, slots=True)
class TreeRun:
    """What a run takes from analysing and ranking one tree, before its filters (top, baseline,
    named files, gates). The run cache (``cache.py``) stores it whole, so an unchanged tree is
    neither decoded file by file nor ranked again; it round-trips through ``serial.py``."""

    ranking: Ranking
    errors: tuple[AnalysisError, ...]  # files read but not analysed (parse errors, too large)
    set_apart: tuple[SetApart, ...]
    files_analysed: int
    test_files: int


@dataclass(frozen=True, slots=True)
class ProfileMatch:
    """How one profile's frames were matched to the tree."""

    path: str
    samples: int
    matched_samples: int
    match_rate: float
    prefixes: tuple[str, ...]  # folders left out of frame paths to find the files, most used first
    unmatched: tuple[str, ...]  # files of the stacks that ran no code of the tree, most time first


@dataclass(frozen=True, slots=True)
class ProfileSummary:
    files: tuple[str, ...]
    samples: int
    matched_samples: int
    match_rate: float
    warnings: tuple[str, ...] = ()
    profiles: tuple[ProfileMatch, ...] = ()


@dataclass(frozen=True, slots=True)
class Summary:
    files_discovered: int
    files_analysed: int
    test_files: int
    candidates: int
    errors: int
    findings: int
    by_strategy: tuple[tuple[str, int], ...] = ()
    cache_hits: int = 0


@dataclass(frozen=True, slots=True)
class ScoreDelta:
    """How one module's score and rank moved between the diff base and this tree."""

    rel_path: str
    before: float | None  # None: the module is new
    after: float | None  # None: the module was removed
    rank_before: int | None
    rank_after: int | None
    notes: tuple[str, ...] = ()  # "entered the top 10", "crossed 70"


@dataclass(frozen=True, slots=True)
class DiffSummary:
    base: str  # the ref the user gave
    base_commit: str
    changed: tuple[str, ...]  # changed Python files, relative to the scanned root
    changed_lines: tuple[tuple[str, tuple[tuple[int, int], ...]], ...]  # path -> line ranges
    deltas: tuple[ScoreDelta, ...]  # changed scores only, largest move first
    top: int

    def lines_of(self, rel_path: str) -> tuple[tuple[int, int], ...] | None:
        for path, ranges in self.changed_lines:
            if path == rel_path:
                return ranges
        return None

    def touches(self, rel_path: str, line: int, end_line: int) -> bool:
        """True when a span overlaps a changed line of the file (new files: every line)."""
        ranges = self.lines_of(rel_path)
        if ranges is None:
            return False
        return any(start <= end_line and line <= end for start, end in ranges)


@dataclass(frozen=True, slots=True)
class GateOutcome:
    tripped: bool
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RunResult:
    schema_version: int
    tool_version: str
    root: str
    candidates: tuple[Candidate, ...]
    decided: tuple[Decided, ...]
    errors: tuple[AnalysisError, ...]
    summary: Summary
    profile: ProfileSummary | None = None
    diff: DiffSummary | None = None
    gate: GateOutcome | None = None
    baseline: str | None = None  # the baseline file whose known findings were left out
    set_apart: tuple[SetApart, ...] = ()  # benchmarks, examples, vendored code..., by path
    ranking: tuple[Candidate, ...] = field(default=(), compare=False, repr=False)  # all, ranked
    # the facts analysed; () when the whole tree came from the run cache (cache.py)
    modules: tuple[ModuleFacts, ...] = field(default=(), compare=False, repr=False)
