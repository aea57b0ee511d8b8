"""Runs the stages of a scan: discover, read, analyse, rank, then the view the user asked for.

discover -> read + hash -> run cache lookup -> per-file cache lookup -> extract misses in
parallel (``analysis``) -> graph -> history -> score -> plan (``ranking``) -> RunResult. When
no file and no setting the ranking reads has changed, the run cache gives the whole tree's
ranking at once, and nothing is decoded file by file.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING

from goport import SCHEMA_VERSION, __version__
from goport.analysis import Progress, analyse_cached, cacheable, open_cache, read_sources
from goport.cache import Cache, RunKey
from goport.config import Config
from goport.discover import Discovery, discover
from goport.model import (
    AnalysisError,
    Candidate,
    Decided,
    DiffSummary,
    FileHistory,
    FileKind,
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
from goport.ranking import rank, set_apart

if TYPE_CHECKING:
    from goport.baseline import Baseline
    from goport.diff import Change

log = logging.getLogger(__name__)

__all__ = ["Progress", "ranking_settings", "run"]


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
    found = discover(
        config.root,
        exclude=config.exclude,
        respect_gitignore=config.respect_gitignore,
        named=config.paths,
    )
    config = _named_kinds_ranked(found, config)
    sources, unreadable = read_sources(found.files, config, found.root)
    change = _change(config, found, sources)  # before the analysis: fails early on a bad ref
    histories = _histories(config, found.root)
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
    diff = None
    if change is not None:
        base = _analyse_tree(
            _base_sources(found, change, config),
            config,
            cache,
            slot=f"{found.root}\0base",
            histories=histories,
        ).tree.ranking
        diff = _diff(found, change, config, base, analysed.tree.ranking)
    return _result(config, found, analysed, unreadable, diff)


def _change(
    config: Config, found: Discovery, sources: Sequence[tuple[SourceFile, bytes]]
) -> Change | None:
    """With ``--diff-base``: the files just read compared with the base tree."""
    if not config.diff_base:
        return None
    from goport.diff import changes

    contents = {source.rel_path: data for source, data in sources}
    return changes(found.root, config.diff_base, found.files, contents)


def _histories(config: Config, root: Path) -> dict[str, FileHistory]:
    if not config.history:
        return {}
    from goport import history as history_mod

    hist = history_mod.read(root)
    if hist.note:
        log.info("%s", hist.note)
    return hist.files


def _base_sources(
    found: Discovery, change: Change, config: Config
) -> list[tuple[SourceFile, bytes]]:
    from goport.diff import base_sources

    return base_sources(found.root, change, config.exclude, found.root_package, found.prefixes)


def _diff(
    found: Discovery, change: Change, config: Config, base: Ranking, head: Ranking
) -> DiffSummary:
    """What the change did to the ranking: the changed files the scan reports on, and the
    candidates whose score or rank moved."""
    from goport.gates import deltas

    discovered = {f.rel_path for f in found.files}
    changed = {
        p: r
        for p, r in change.changed.items()
        if p in discovered and (found.only is None or p in found.only)
    }
    top = config.top or 10
    return DiffSummary(
        base=change.base_ref,
        base_commit=change.base_commit,
        changed=tuple(sorted(changed)),
        changed_lines=tuple(sorted(changed.items())),
        deltas=deltas(base.candidates, head.candidates, top=top, thresholds=config.thresholds()),
        top=top,
    )


@dataclass(frozen=True, slots=True)
class _View:
    """What the report shows of a tree's ranking: the files named, the change, what the
    baseline does not know, then ``--min-score`` and ``--top``."""

    candidates: tuple[Candidate, ...]
    decided: tuple[Decided, ...]
    set_apart: tuple[SetApart, ...]
    baseline: Baseline | None


def _view(config: Config, found: Discovery, tree: TreeRun, diff: DiffSummary | None) -> _View:
    shown = tree.ranking.candidates
    decided = tree.ranking.decided
    apart = tree.set_apart
    if found.only is not None:
        only = found.only
        shown = tuple(c for c in shown if c.rel_path in only)
        decided = tuple(d for d in decided if d.rel_path in only)
        apart = tuple(a for a in apart if a.rel_path in only)
    if diff is not None:
        shown = tuple(c for c in shown if c.rel_path in diff.changed)
    baseline = None
    if config.baseline is not None:
        from goport.baseline import load, only_new

        baseline = load(config.baseline)
        shown = only_new(shown, baseline)
    shown = tuple(c for c in shown if config.min_score is None or c.score >= config.min_score)
    shown = shown[: config.top if config.top else None]
    return _View(shown, decided, tuple(sorted(apart, key=lambda a: a.rel_path)), baseline)


def _result(
    config: Config,
    found: Discovery,
    analysed: _Analysed,
    unreadable: Sequence[AnalysisError],
    diff: DiffSummary | None,
) -> RunResult:
    tree = analysed.tree
    errors = [*found.errors, *sorted([*tree.errors, *unreadable], key=lambda e: e.rel_path)]
    ranked = tree.ranking.candidates
    view = _view(config, found, tree, diff)
    summary = Summary(
        files_discovered=len(found.files),
        files_analysed=tree.files_analysed,
        test_files=tree.test_files,
        candidates=len(ranked),
        errors=len(errors),
        findings=tree.ranking.findings,
        by_strategy=tuple(sorted(Counter(c.strategy.value for c in ranked).items())),
        cache_hits=analysed.hits,
    )
    result = RunResult(
        schema_version=SCHEMA_VERSION,
        tool_version=__version__,
        root=str(found.root),
        candidates=view.candidates,
        decided=view.decided,
        errors=tuple(sorted(errors, key=lambda e: (e.rel_path, e.stage))),
        summary=summary,
        profile=analysed.profile,
        diff=diff,
        baseline=str(config.baseline) if config.baseline is not None else None,
        set_apart=view.set_apart,
        ranking=ranked,
        modules=analysed.facts,
    )
    if config.fail_on is None and config.fail_on_new is None:
        return result
    from goport.gates import evaluate

    return replace(result, gate=evaluate(result, config, view.baseline))


# -- one tree: analysed and ranked, or whole from the run cache ----------------------------------


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
        keyed = list(zip(digests, (source for source, _ in sources)))
        run_key = cache.run_key(keyed, slot=slot, settings=ranking_settings(config, histories))
        tree = cache.get_run(run_key)
        if tree is not None:
            total = len(sources) + already_done
            if progress:
                progress(total, total, 1.0)
            # every file looked up was a hit when the entry was written
            hits = sum(1 for _, data in sources if len(data) <= config.max_file_size)
            if not with_facts:
                return _Analysed(tree, (), hits)
            facts, _, _ = analyse_cached(sources, digests, config, cache, None, already_done)
            return _Analysed(tree, tuple(facts), hits)
    facts, errors, hits = analyse_cached(sources, digests, config, cache, progress, already_done)
    hotness, profile = _measured(config, facts, profile_root) if profiled else ({}, None)
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
    if cache is not None and run_key is not None and all(cacheable(e) for e in errors):
        cache.put_run(run_key, tree)
    return _Analysed(tree, tuple(facts), hits, profile)


def _measured(
    config: Config, facts: Sequence[ModuleFacts], profile_root: Path | None
) -> tuple[dict[str, Hotness], ProfileSummary | None]:
    """The profiles joined to the modules. A profile the user named that cannot be read is an
    input error (``ProfileError``)."""
    from goport.profiles.join import join
    from goport.profiles.readers import read_profiles

    joined = join(read_profiles(config.profiles), facts, str(profile_root), config.profile_roots)
    return joined.hotness, joined.summary
