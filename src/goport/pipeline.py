"""Runs the stages, and is the only place that catches per-file failures.

discover -> read + hash -> run cache lookup -> per-file cache lookup -> extract misses in
parallel -> graph -> history -> score -> plan -> RunResult. Files are read in this process
(hashing is cheap); only cache misses go to worker processes, so a warm run never pays for
starting them or importing libcst. When no file and no setting the ranking reads has changed,
the run cache gives the whole tree's ranking at once, and nothing is decoded file by file.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, fields, replace
from multiprocessing import get_context
from pathlib import Path
from typing import TYPE_CHECKING, Any

from goport import SCHEMA_VERSION, __version__
from goport.cache import Cache, RunKey
from goport.cachedir import resolve_dir
from goport.config import Config
from goport.discover import Discovery, discover
from goport.isolation import clean_sys_path, worker_start
from goport.model import (
    AnalysisError,
    Candidate,
    Decided,
    DiffSummary,
    FileHistory,
    FileKind,
    Finding,
    Hotness,
    ModuleFacts,
    ProfileSummary,
    Ranking,
    RunResult,
    SetApart,
    SourceFile,
    Summary,
    TreeRun,
)

if TYPE_CHECKING:  # scoring is imported only to rank: a run cache hit never does
    from goport.scoring import Coverage

log = logging.getLogger(__name__)

#: ``progress(done, total, work)``: files done (cache hits included) of all, and the share of
#: the analysis work done (by bytes of the files to extract, 0.0 to 1.0), which an ETA can trust
#: while the biggest files go first
Progress = Callable[[int, int, float], None]
Entry = ModuleFacts | AnalysisError

#: below this many cache misses, starting worker processes costs more than it saves
PARALLEL_THRESHOLD = 16
#: most files per task sent to a worker: a task's results come back (and count as done)
#: together, so a small one keeps the progress moving; sending one costs well under a file's parse
BATCH_FILES = 8


@dataclass(frozen=True, slots=True)
class _Job:
    source: SourceFile
    data: bytes
    digest: str


def _analyse(job: _Job) -> Entry:
    from goport.extract import ExtractError, extract

    try:
        return extract(job.source, job.data, job.digest)
    except ExtractError as exc:
        return AnalysisError(job.source.rel_path, exc.stage, str(exc))
    except RecursionError:
        return AnalysisError(job.source.rel_path, "extract", "too deeply nested to analyse")
    except Exception as exc:
        log.debug("extraction failed for %s", job.source.rel_path, exc_info=True)
        return AnalysisError(
            job.source.rel_path,
            "extract",
            f"internal error while analysing ({type(exc).__name__}: {exc}); please report it",
        )


def _analyse_batch(jobs: Sequence[_Job]) -> list[Entry]:
    return [_analyse(j) for j in jobs]


def read_sources(
    files: Sequence[SourceFile], config: Config, root: Path | None = None
) -> tuple[list[tuple[SourceFile, bytes]], list[AnalysisError]]:
    """Every file's bytes, read once, and the errors of the files that could not be read. With
    ``root`` (the resolved scanned folder), a file whose real location left it is not read."""
    from goport.sources import ExtractError, read_source

    sources: list[tuple[SourceFile, bytes]] = []
    unreadable: list[AnalysisError] = []
    for source in files:
        try:
            sources.append((source, read_source(source.abs_path, config.max_file_size, root)))
        except ExtractError as exc:
            unreadable.append(AnalysisError(source.rel_path, exc.stage, str(exc)))
    return sources, unreadable


def analyse(
    files: Sequence[SourceFile],
    config: Config,
    progress: Progress | None = None,
    root: Path | None = None,
) -> tuple[list[ModuleFacts], list[AnalysisError], int]:
    """ModuleFacts for every file that could be analysed, the errors of the rest, cache hits."""
    return _analyse_read(*read_sources(files, config, root), config, progress)


def _analyse_read(
    sources: Sequence[tuple[SourceFile, bytes]],
    unreadable: Sequence[AnalysisError],
    config: Config,
    progress: Progress | None,
) -> tuple[list[ModuleFacts], list[AnalysisError], int]:
    facts, errors, hits = analyse_sources(sources, config, progress, already_done=len(unreadable))
    errors = sorted([*errors, *unreadable], key=lambda e: e.rel_path)
    return facts, errors, hits


def open_cache(config: Config) -> Cache | None:
    """This run's cache (None with ``--no-cache``)."""
    if not config.use_cache:
        return None
    return Cache(
        resolve_dir(config.cache_dir), config.extraction_digest(), scanned_root=config.root
    )


def analyse_sources(
    sources: Sequence[tuple[SourceFile, bytes]],
    config: Config,
    progress: Progress | None = None,
    already_done: int = 0,
) -> tuple[list[ModuleFacts], list[AnalysisError], int]:
    """Analyse file contents (from disk or from git): cache lookups, then the misses in parallel."""
    from goport.sources import digest_bytes

    cache = open_cache(config)
    digests = [digest_bytes(data) for _, data in sources]
    try:
        return _analyse_cached(sources, digests, config, cache, progress, already_done)
    finally:
        if cache is not None:
            cache.finish()


def _analyse_cached(
    sources: Sequence[tuple[SourceFile, bytes]],
    digests: Sequence[str],
    config: Config,
    cache: Cache | None,
    progress: Progress | None,
    already_done: int,
) -> tuple[list[ModuleFacts], list[AnalysisError], int]:
    from goport.sources import too_large

    results: dict[str, Entry] = {}
    jobs: list[_Job] = []
    hits = 0
    done = already_done
    for (source, data), digest in zip(sources, digests):
        if len(data) > config.max_file_size:
            results[source.rel_path] = AnalysisError(
                source.rel_path, "read", too_large(config.max_file_size)
            )
            done += 1
            continue
        hit = cache.get(digest, source) if cache else None
        if hit is not None:
            results[source.rel_path] = hit
            hits += 1
            done += 1
        else:
            jobs.append(_Job(source, data, digest))
    tally = _Tally(progress, done, len(sources) + already_done, sum(len(j.data) for j in jobs))
    tally.add(0, 0)

    for job, entry in zip(jobs, _run_jobs(jobs, config, tally)):
        results[job.source.rel_path] = entry
        if cache is not None and _cacheable(entry):
            cache.put(job.digest, job.source, entry)

    facts = [e for e in results.values() if isinstance(e, ModuleFacts)]
    errors = [e for e in results.values() if isinstance(e, AnalysisError)]
    facts.sort(key=lambda m: m.rel_path)
    errors.sort(key=lambda e: e.rel_path)
    return facts, errors, hits


#: what a file gets when its worker process died or failed. Not a fact about the file (the process
#: may have been killed for memory, or interrupted), so it is never cached: the next run tries again
_CRASHED = "crashed the parser (its process died); usually pathological generated code"
_WORKER_FAILED = "worker failed: "


def _cacheable(entry: Entry) -> bool:
    return not isinstance(entry, AnalysisError) or not (
        entry.message == _CRASHED or entry.message.startswith(_WORKER_FAILED)
    )


@dataclass(slots=True)
class _Tally:
    """Files and bytes done, told to ``progress`` as each batch of results comes in."""

    progress: Progress | None
    done: int
    total: int
    work: int  # bytes of the files to extract
    worked: int = 0

    def add(self, files: int, nbytes: int) -> None:
        self.done += files
        self.worked += nbytes
        if self.progress:
            self.progress(self.done, self.total, self.worked / self.work if self.work else 1.0)


def _run_jobs(jobs: Sequence[_Job], config: Config, tally: _Tally) -> Iterable[Entry]:
    workers = min(config.effective_jobs, max(1, len(jobs) // 4))
    if workers <= 1 or len(jobs) < PARALLEL_THRESHOLD:
        for job in jobs:
            entry = _analyse(job)
            tally.add(1, len(job.data))  # before the yield: zip() never resumes after the last
            yield entry
        return
    batches = _batches([len(j.data) for j in jobs], workers)
    out: list[Entry | None] = [None] * len(jobs)
    context = get_context("forkserver" if "forkserver" in _methods() else "spawn")
    crashed: list[int] = []
    with worker_start(), _pool(workers, context) as pool:
        # results are taken as batches finish (not in the order sent), so progress moves with
        # the work; each lands at its file's index, so the output order does not depend on it
        pending = {pool.submit(_analyse_batch, [jobs[i] for i in b]): b for b in batches}
        for future in as_completed(pending):
            batch = pending[future]
            try:
                entries = future.result()
            except BrokenProcessPool:
                # a file crashed its worker (a native parser fault); the pool is gone
                crashed.extend(batch)
                continue
            except Exception as exc:  # noqa: BLE001 - e.g. a result that cannot be pickled
                entries = [
                    AnalysisError(jobs[i].source.rel_path, "extract", f"{_WORKER_FAILED}{exc}")
                    for i in batch
                ]
            for i, entry in zip(batch, entries):
                out[i] = entry
            tally.add(len(batch), sum(len(jobs[i].data) for i in batch))
    if crashed:
        # one file at a time in a fresh one-worker pool, so a second crash names its file
        with worker_start():
            for i, entry in _isolate(jobs, sorted(crashed), context):
                out[i] = entry
                tally.add(1, len(jobs[i].data))
    yield from (e for e in out if e is not None)


def _batches(sizes: Sequence[int], workers: int) -> list[list[int]]:
    """Indices of the files, biggest first, in tasks of at most ``BATCH_FILES`` files (fewer
    when there are few, so every worker gets several) and about 1/32 of a worker's share of
    the bytes: a big file goes alone, and the first results do not wait for the biggest eight."""
    order = sorted(range(len(sizes)), key=lambda i: -sizes[i])
    most = max(1, min(BATCH_FILES, len(sizes) // (workers * 8)))
    budget = max(1, sum(sizes) // (workers * 32))
    batches: list[list[int]] = []
    batch: list[int] = []
    held = 0
    for i in order:
        if batch and (len(batch) == most or held + sizes[i] > budget):
            batches.append(batch)
            batch, held = [], 0
        batch.append(i)
        held += sizes[i]
    if batch:
        batches.append(batch)
    return batches


def _isolate(
    jobs: Sequence[_Job], indices: Sequence[int], context: Any
) -> Iterable[tuple[int, Entry]]:
    pool = _pool(1, context)
    try:
        for i in indices:
            try:
                yield i, pool.submit(_analyse, jobs[i]).result()
            except BrokenProcessPool:
                yield (
                    i,
                    AnalysisError(jobs[i].source.rel_path, "parse", _CRASHED),
                )
                pool.shutdown(wait=True)
                pool = _pool(1, context)
    finally:
        pool.shutdown(wait=True)


def _pool(workers: int, context: Any) -> ProcessPoolExecutor:
    """Worker processes that never import from the working folder or the scanned tree: start
    them inside ``isolation.worker_start()``."""
    return ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=clean_sys_path)


def _methods() -> list[str]:
    import multiprocessing

    return multiprocessing.get_all_start_methods()


# -- whole run -----------------------------------------------------------------------------------


def filtered_findings(facts: ModuleFacts, config: Config) -> list[Finding]:
    if not config.select and not config.ignore:
        return list(facts.findings)
    return [f for f in facts.findings if config.rule_enabled(f.rule)]


def rank(
    facts: Sequence[ModuleFacts],
    config: Config,
    *,
    hotness: dict[str, Hotness] | None = None,
    histories: dict[str, FileHistory] | None = None,
    profiled: bool = False,
) -> Ranking:
    """Score and plan every module of a ranked kind (product code, and the kinds the user
    included; never tests) against the whole project's import graph."""
    from goport import graph as graph_mod
    from goport import hotpath
    from goport.planning import go_form, plan
    from goport.scoring import StaticEvidence, gain_of, score_module

    graph = graph_mod.build(facts, apart={m.rel_path for m in set_apart(facts, config)})
    estimate = hotpath.estimate(facts)  # static time shares; tests are not part of it
    hotness = hotness or {}
    histories = histories or {}
    coverage = _coverage(facts, hotness, profiled)
    candidates: list[tuple[int, Candidate]] = []
    decided: list[Decided] = []
    total_findings = 0
    for m in facts:
        if m.is_test or not config.ranks(m.kind):
            continue
        if m.keep_python is not None:
            decided.append(Decided(m.rel_path, m.module, m.keep_python))
            continue
        findings = filtered_findings(m, config)
        total_findings += len(findings)
        boundary = graph.boundary(m.module)
        heat = hotness.get(m.rel_path)
        history = histories.get(m.rel_path)
        scored = score_module(
            m,
            findings,
            boundary,
            config,
            heat,
            history,
            coverage(m),
            evidence=StaticEvidence(
                share=estimate.module_shares.get(m.module, 0.0),
                kernel_calls=estimate.loop_calls_in.get(m.module, 0.0),
                dunder_calls=estimate.protocol_calls_in.get(m.module, 0.0),
            ),
            form=go_form(m, findings, boundary),
        )
        p = plan(m, findings, scored, boundary, heat)
        candidates.append(
            (
                coverage(m).tier,
                Candidate(
                    rel_path=m.rel_path,
                    module=m.module,
                    score=scored.score,
                    rank=0,
                    strategy=p.strategy,
                    strategy_reason=p.reason,
                    factors=scored.factors,
                    functions=p.functions,
                    findings=tuple(findings),
                    blockers=p.blockers,
                    boundary=boundary,
                    effort=p.effort,
                    idioms=p.idioms,
                    python_first=p.python_first,
                    metrics=m.metrics,
                    hotness=heat,
                    history=history,
                    features=tuple(scored.features.as_dict().items()),
                    estimate=estimate.module(m.module),
                ),
            )
        )
    # with a profile, measured modules come first and those the workload never ran last; the
    # score is continuous, so ties are rare: then what Go would gain there decides
    candidates.sort(key=lambda t: (t[0], -t[1].score, -gain_of(t[1].factors), t[1].rel_path))
    return Ranking(
        candidates=tuple(_with_rank(c, i + 1) for i, (_, c) in enumerate(candidates)),
        decided=tuple(sorted(decided, key=lambda d: d.rel_path)),
        findings=total_findings,
    )


def set_apart(facts: Iterable[ModuleFacts], config: Config) -> tuple[SetApart, ...]:
    """The modules analysed but left out of the ranking for their kind (tests aside: they have
    always been apart, and count as ``test_files``)."""
    return tuple(
        SetApart(m.rel_path, m.kind, m.kind_reason)
        for m in facts
        if not m.is_test and not config.ranks(m.kind)
    )


def _named_kinds_ranked(found: Discovery, config: Config) -> Config:
    """A folder the user names is what they ask about: ``goport scan benchmarks`` ranks the
    benchmarks there, as if with ``--include benchmarks`` (tests stay tests)."""
    if not found.folders:
        return config
    prefixes = tuple(f"{folder}/" for folder in found.folders)
    kinds = {
        f.kind
        for f in found.files
        if f.rel_path.startswith(prefixes) and f.kind not in (FileKind.PRODUCT, FileKind.TEST)
    }
    if kinds <= set(config.include):
        return config
    return replace(config, include=tuple(k for k in FileKind if k in {*config.include, *kinds}))


#: settings a run applies after ranking a tree (filters, gates, the files it reports on), or that
#: say only where and how to work; they are left out of a run entry's key. Every other setting is
#: in it, a new one too, so that a setting the ranking comes to read can never give a stale entry.
#: (``history`` is in the key as the histories read; with ``profiles`` the run cache is not used.)
_AFTER_RANKING = frozenset(
    {
        "root",
        "paths",
        "top",
        "min_score",
        "jobs",
        "cache_dir",
        "use_cache",
        "history",
        "profiles",
        "profile_roots",
        "diff_base",
        "baseline",
        "fail_on",
        "fail_on_new",
        "sources",
    }
)


def ranking_settings(config: Config, histories: dict[str, FileHistory]) -> str:
    """Everything besides the files' facts that a tree's ranking depends on, as text."""
    kept = [(f.name, getattr(config, f.name)) for f in fields(config)]
    settings = [(name, value) for name, value in kept if name not in _AFTER_RANKING]
    return repr((settings, sorted(histories.items())))


@dataclass(frozen=True, slots=True)
class _Analysed:
    tree: TreeRun
    facts: tuple[ModuleFacts, ...]  # () when the tree came whole from the run cache
    hits: int
    profile: ProfileSummary | None = None


def _analyse_tree(
    sources: Sequence[tuple[SourceFile, bytes]],
    config: Config,
    cache: Cache | None,
    *,
    slot: str,
    histories: dict[str, FileHistory],
    progress: Progress | None = None,
    already_done: int = 0,
    profile_root: Path | None = None,
    with_facts: bool = False,
) -> _Analysed:
    """Analyse and rank one tree, or take it whole from the run cache. With ``profile_root``
    and profiles configured, measured time joins the ranking (and the run cache is not used:
    the profiles are not part of its key). ``with_facts``: the per-file facts are wanted too
    (``goport plan`` and ``explain`` read them), so a run-cache hit still decodes them."""
    from goport.sources import digest_bytes

    digests = [digest_bytes(data) for _, data in sources]
    profiled = bool(config.profiles) and profile_root is not None
    run_key: RunKey | None = None
    if cache is not None and not profiled:
        run_key = cache.run_key(
            list(zip(digests, (source for source, _ in sources))),
            slot=slot,
            settings=ranking_settings(config, histories),
        )
        tree = cache.get_run(run_key)
        if tree is not None:
            if progress:
                progress(len(sources) + already_done, len(sources) + already_done, 1.0)
            # every file looked up was a hit when the entry was written
            hits = sum(1 for _, data in sources if len(data) <= config.max_file_size)
            if not with_facts:
                return _Analysed(tree, (), hits)
            facts, _, _ = _analyse_cached(sources, digests, config, cache, None, already_done)
            return _Analysed(tree, tuple(facts), hits)
    facts, errors, hits = _analyse_cached(sources, digests, config, cache, progress, already_done)
    hotness: dict[str, Hotness] = {}
    profile: ProfileSummary | None = None
    if profiled and profile_root is not None:
        from goport.profiles.join import join
        from goport.profiles.readers import read_profiles

        # a profile the user named that cannot be read is an input error (ProfileError)
        joined = join(
            read_profiles(config.profiles), facts, str(profile_root), config.profile_roots
        )
        hotness, profile = joined.hotness, joined.summary
    ranking = rank(
        facts, config, hotness=hotness, histories=histories, profiled=profile is not None
    )
    tree = TreeRun(
        ranking=ranking,
        errors=tuple(errors),
        set_apart=set_apart(facts, config),
        files_analysed=len(facts),
        test_files=sum(1 for m in facts if m.is_test),
    )
    if cache is not None and run_key is not None and all(_cacheable(e) for e in errors):
        cache.put_run(run_key, tree)
    return _Analysed(tree, tuple(facts), hits, profile)


def run(config: Config, progress: Progress | None = None, *, with_facts: bool = False) -> RunResult:
    """Discover, analyse, rank. ``RunResult.modules`` holds the per-file facts only with
    ``with_facts`` (or after a cold run): a warm run answered from the run cache skips them."""
    cache = open_cache(config)
    try:
        return _run(config, cache, progress, with_facts)
    finally:
        if cache is not None:
            cache.finish()


def _run(
    config: Config, cache: Cache | None, progress: Progress | None, with_facts: bool
) -> RunResult:
    from goport import history as history_mod

    found: Discovery = discover(
        config.root,
        exclude=config.exclude,
        respect_gitignore=config.respect_gitignore,
        named=config.paths,
    )
    config = _named_kinds_ranked(found, config)
    sources, unreadable = read_sources(found.files, config, found.root)
    change = None
    if config.diff_base:
        from goport.diff import changes

        # fails early on a bad ref; compares the files just read with the base tree
        contents = {source.rel_path: data for source, data in sources}
        change = changes(found.root, config.diff_base, found.files, contents)
    histories: dict[str, FileHistory] = {}
    if config.history:
        hist = history_mod.read(found.root)
        histories = hist.files
        if hist.note:
            log.info("%s", hist.note)
    analysed = _analyse_tree(
        sources,
        config,
        cache,
        slot=f"{found.root}\0tree",
        histories=histories,
        progress=progress,
        already_done=len(unreadable),
        profile_root=found.root,
        with_facts=with_facts,
    )
    tree, hits, profile = analysed.tree, analysed.hits, analysed.profile
    errors = [*found.errors, *sorted([*tree.errors, *unreadable], key=lambda e: e.rel_path)]

    ranked = tree.ranking.candidates
    shown = ranked
    decided = tree.ranking.decided
    if found.only is not None:
        shown = tuple(c for c in shown if c.rel_path in found.only)
        decided = tuple(d for d in decided if d.rel_path in found.only)
    diff_summary = None
    if change is not None:
        from goport.diff import base_sources
        from goport.gates import deltas

        base = _analyse_tree(
            base_sources(found.root, change, config.exclude),
            config,
            cache,
            slot=f"{found.root}\0base",
            histories=histories,
        ).tree.ranking
        discovered = {f.rel_path for f in found.files}
        changed = {
            p: r
            for p, r in change.changed.items()
            if p in discovered and (found.only is None or p in found.only)
        }
        diff_summary = DiffSummary(
            base=change.base_ref,
            base_commit=change.base_commit,
            changed=tuple(sorted(changed)),
            changed_lines=tuple(sorted(changed.items())),
            deltas=deltas(
                base.candidates, ranked, top=config.top or 10, thresholds=config.thresholds()
            ),
            top=config.top or 10,
        )
        shown = tuple(c for c in shown if c.rel_path in changed)
    baseline_name = None
    baseline = None
    if config.baseline is not None:
        from goport.baseline import load, only_new

        baseline = load(config.baseline)
        shown = only_new(shown, baseline)
        baseline_name = str(config.baseline)
    shown = tuple(c for c in shown if config.min_score is None or c.score >= config.min_score)[
        : config.top if config.top else None
    ]
    apart = tree.set_apart
    if found.only is not None:
        apart = tuple(a for a in apart if a.rel_path in found.only)
    strategies = Counter(c.strategy.value for c in ranked)
    summary = Summary(
        files_discovered=len(found.files),
        files_analysed=tree.files_analysed,
        test_files=tree.test_files,
        candidates=len(ranked),
        errors=len(errors),
        findings=tree.ranking.findings,
        by_strategy=tuple(sorted(strategies.items())),
        cache_hits=hits,
    )
    result = RunResult(
        schema_version=SCHEMA_VERSION,
        tool_version=__version__,
        root=str(found.root),
        candidates=shown,
        decided=decided,
        errors=tuple(sorted(errors, key=lambda e: (e.rel_path, e.stage))),
        summary=summary,
        profile=profile,
        diff=diff_summary,
        baseline=baseline_name,
        set_apart=tuple(sorted(apart, key=lambda a: a.rel_path)),
        ranking=ranked,
        modules=analysed.facts,
    )
    if config.fail_on is not None or config.fail_on_new is not None:
        from goport.gates import evaluate

        result = replace(result, gate=evaluate(result, config, baseline))
    return result


def _coverage(
    facts: Sequence[ModuleFacts], hotness: dict[str, Hotness], profiled: bool
) -> Callable[[ModuleFacts], Coverage]:
    """What the profiles say of each module: run, not run though its package ran, or not
    reached (its top-level package has no sample at all)."""
    from goport.scoring import Coverage

    ran = {m.module.split(".", 1)[0] for m in facts if m.rel_path in hotness}

    def of(m: ModuleFacts) -> Coverage:
        if not profiled:
            return Coverage.NO_PROFILE
        if m.rel_path in hotness:
            return Coverage.RUN
        return Coverage.NOT_RUN if m.module.split(".", 1)[0] in ran else Coverage.NOT_COVERED

    return of


def _with_rank(c: Candidate, position: int) -> Candidate:
    return replace(c, rank=position)
