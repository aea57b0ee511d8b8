"""Per-file analysis: read every file once, look each up in the cache by content hash, and
extract the misses, in worker processes when there are enough of them.

This is the only place that catches per-file failures: a file that cannot be read, parsed or
analysed becomes an ``AnalysisError`` and the run goes on. Files are read and hashed in this
process (cheap); only cache misses go to workers, so a warm run never starts them or imports
libcst. Workers never import from the working folder or the scanned tree (``isolation``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from goport.cache import Cache
from goport.cachedir import resolve_dir
from goport.config import Config
from goport.isolation import clean_sys_path, worker_start
from goport.model import AnalysisError, ModuleFacts, SourceFile

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
        return analyse_cached(sources, digests, config, cache, progress, already_done)
    finally:
        if cache is not None:
            cache.finish()


def analyse_cached(
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
        if cache is not None and cacheable(entry):
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


def cacheable(entry: Entry) -> bool:
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
