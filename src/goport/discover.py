"""Paths -> SourceFile: which Python files a scan looks at, and what each one is.

Honours .gitignore files (root and nested, plus .git/info/exclude) through pathspec, the user's
exclude patterns, and sensible default excludes (virtualenvs, site-packages, build output,
caches).

The scanned tree is hostile input, so the walk never leaves it: a symbolic link (to a file or a
folder) whose real location is outside the resolved root is reported and not followed; links
inside it are followed once (a folder already seen, by device and inode, is reported as a loop).
Only regular files are taken: a FIFO or device named ``x.py`` is reported, never opened. Ignore
files are read through ``safeio`` (capped, regular files only), matched with re2 so that no
pattern can backtrack, and a line git would skip is skipped rather than aborting the scan. The
walk keeps an explicit stack, so folder depth is bounded by the file system, not by Python's
recursion limit. A file's identity in every report (``rel_path``, module name) shows its name
with control characters and undecodable bytes escaped; ``abs_path`` keeps the real path. What a
file is for (product, test, benchmark, vendored...) is read from its path here (``goport.kinds``).
"""

from __future__ import annotations

import errno
import importlib
import logging
import os
import re
import stat
import warnings
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pathspec

from goport.errors import InputError, UsageError
from goport.kinds import classify
from goport.model import AnalysisError, FileKind, SourceFile
from goport.modnames import module_name, namespace_prefixes, root_package_name
from goport.safeio import UnsafeFileError, is_within, kind, read_bytes
from goport.text import printable

log = logging.getLogger(__name__)

#: directory names never worth scanning (a virtualenv under any other name, such as ``venv``,
#: is recognised by its pyvenv.cfg: the stdlib has a ``venv`` package worth scanning)
DEFAULT_EXCLUDED_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".venv",
        ".tox",
        ".nox",
        "__pycache__",
        "node_modules",
        "site-packages",
        "dist-packages",
        "build",
        "dist",
        ".eggs",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".cache",
        ".direnv",
        ".idea",
        ".vscode",
    }
)

#: git has no cap, but an ignore file this large is not a real one (and re2 could not compile it)
IGNORE_FILE_LIMIT = 1 << 20
#: patterns in one ignore file: real ones hold hundreds; re2 cannot compile some 30,000 together
MAX_IGNORE_PATTERNS = 10_000
#: a file that fails to compile whole is retried a line at a time only up to this many lines
LINE_BY_LINE_LIMIT = 1_000
#: lines pathspec refuses and git skips: a lone ``!`` or ``\``, or one ending in a lone ``\``
_UNUSABLE = re.compile(r"^(?:!|\\|.*[^\\]\\|\\\\\\)$")


class TooManyPatterns(ValueError):
    """An ignore file with more patterns than goport reads."""


LINK_OUT = "symbolic link out of the scanned folder; not followed"

Spec = pathspec.PathSpec[Any]


@dataclass(frozen=True, slots=True)
class Discovery:
    root: Path
    files: tuple[SourceFile, ...]
    errors: tuple[AnalysisError, ...]
    only: frozenset[str] | None  # rel paths the user named; None: report on everything
    folders: tuple[str, ...] = ()  # the folders the user named, whose files ``only`` holds
    root_package: str = ""  # the root's own name when it is a package its code imports as one
    #: outermost package folder -> the namespace its imports name it under (``modnames``)
    prefixes: Mapping[str, str] = field(default_factory=dict)


def is_test_path(rel_parts: tuple[str, ...]) -> bool:
    return classify(rel_parts).kind is FileKind.TEST


def source_file(
    parts: tuple[str, ...],
    abs_path: str,
    package_dirs: frozenset[str],
    root_package: str = "",
    prefixes: Mapping[str, str] | None = None,
) -> SourceFile:
    """The SourceFile of the file at ``parts`` below the root: its module name and its kind."""
    verdict = classify(parts, package_dirs)
    return SourceFile(
        rel_path="/".join(parts),
        abs_path=abs_path,
        module=module_name(parts, package_dirs, root_package, prefixes),
        is_test=verdict.kind is FileKind.TEST,
        kind=verdict.kind,
        kind_reason=verdict.reason,
    )


def shown_name(name: str) -> str:
    """A file or folder name as reports show it: controls and bad bytes escaped, and its own
    backslashes doubled, so that no two names look alike (``a<ESC>.py`` is ``a\\x1b.py``; the
    name ``a\\x1b.py`` typed with a backslash is ``a\\\\x1b.py``)."""
    return printable(name.replace("\\", "\\\\"))


def rel_path_of(parts: Iterable[str]) -> str:
    """The identity of a file in reports: its names as ``shown_name`` shows them."""
    return "/".join(shown_name(p) for p in parts)


def _match_key(name: str) -> str:
    """A name as the matcher sees it: re2 takes UTF-8 only, so undecodable bytes (lone
    surrogates) become U+FFFD, as they do in an ignore file decoded with errors="replace"."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return name


# -- patterns ------------------------------------------------------------------------------------


@cache
def _backend() -> tuple[str | None, tuple[type[Exception], ...]]:
    """(pathspec backend, what compiling a pattern may raise). re2 matches in linear time; the
    default backend is Python's ``re``, which a pattern such as ``*a*a*a*a*b`` makes backtrack."""
    errors: tuple[type[Exception], ...] = (ValueError, re.error)
    try:
        re2 = importlib.import_module("re2")
    except ImportError:
        log.debug("google-re2 is not importable; matching ignore patterns with Python's re")
        return None, errors
    return "re2", (*errors, re2.error)


def _compile(lines: list[str]) -> Spec:
    backend, _ = _backend()
    with warnings.catch_warnings():
        # re warns about sets such as "[[" in a pattern: noise on stderr, not the user's concern
        warnings.simplefilter("ignore")
        return pathspec.GitIgnoreSpec.from_lines(lines, backend=backend)


def _compile_lenient(lines: list[str]) -> tuple[Spec, list[str]]:
    """A spec of the lines that compile and the lines skipped. Git skips a pattern it cannot
    use (a lone ``!`` or ``\\``, a trailing ``\\``); those are dropped first, then the file is
    compiled whole; each line on its own only when that fails and the file is short (a long
    file compiled line by line costs seconds)."""
    _, errors = _backend()
    patterns_lines = [line for line in lines if line.strip() and not line.startswith("#")]
    if len(patterns_lines) > MAX_IGNORE_PATTERNS:
        raise TooManyPatterns(
            f"{len(patterns_lines):,} patterns, more than goport reads in one file "
            f"({MAX_IGNORE_PATTERNS:,})"
        )
    kept = [line for line in lines if not _UNUSABLE.match(line)]
    skipped = [line for line in lines if _UNUSABLE.match(line)]
    try:
        return _compile(kept), skipped
    except errors:
        if len(kept) > LINE_BY_LINE_LIMIT:
            raise
    patterns: list[Any] = []
    for line in kept:
        try:
            patterns.extend(_compile([line]).patterns)
        except errors:
            skipped.append(line)
    backend, _ = _backend()
    # re2 refuses a set too large to compile (tens of thousands of patterns): the caller says so
    return pathspec.GitIgnoreSpec(patterns, backend=backend), skipped


def user_spec(patterns: Iterable[str]) -> Spec | None:
    """The user's exclude patterns; a pattern that cannot be compiled is a usage error."""
    lines = [_match_key(p) for p in patterns]
    if not lines:
        return None
    _, errors = _backend()
    try:
        return _compile(lines)
    except errors as whole:
        for line in lines:
            try:
                _compile([line])
            except errors as exc:
                raise UsageError(
                    f"exclude pattern {printable(line)!r} is not a valid gitignore pattern ({exc})"
                ) from exc
        raise UsageError(f"the exclude patterns cannot be compiled together ({whole})") from whole


class _Ignore:
    """Gitignore rules collected while walking: each spec applies below its directory."""

    def __init__(self, root: Path, user_patterns: Iterable[str], use_gitignore: bool) -> None:
        self.root = root
        self.use_gitignore = use_gitignore
        self.specs: dict[str, Spec] = {}
        self.errors: list[AnalysisError] = []
        self.user = user_spec(user_patterns)
        if use_gitignore:
            info = root / ".git" / "info" / "exclude"
            spec = self._read(info, ".git/info/exclude", follow=True)
            if spec is not None:
                self.specs[""] = spec

    def load_dir(self, rel_dir: str, shown_dir: str, abs_dir: str) -> None:
        if not self.use_gitignore:
            return
        shown = f"{shown_dir}/.gitignore" if shown_dir else ".gitignore"
        spec = self._read(Path(abs_dir, ".gitignore"), shown, follow=False)
        if spec is not None:
            if rel_dir in self.specs:
                spec = self.specs[rel_dir] + spec
            self.specs[rel_dir] = spec

    def _read(self, path: Path, shown: str, *, follow: bool) -> Spec | None:
        """The patterns of one ignore file; a file that cannot be read safely is reported and
        left out, as git would leave out one it cannot read. Like git (2.32+), a .gitignore
        that is a symbolic link is not followed (``follow=False``)."""
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            return None
        except OSError as exc:
            if exc.errno == errno.ENOTDIR:
                return None
            self._error(shown, f"cannot read: {exc.strerror}")
            return None
        if stat.S_ISLNK(st.st_mode) and not follow:
            self._error(shown, "a symbolic link, which git does not follow either")
            return None
        try:
            data = read_bytes(path, limit=IGNORE_FILE_LIMIT, within=self.root)
        except UnsafeFileError as exc:
            self._error(shown, exc.reason)
            return None
        lines = data.decode("utf-8-sig", errors="replace").splitlines()
        if not lines:
            return None
        _, errors = _backend()
        try:
            spec, skipped = _compile_lenient(lines)
        except errors as exc:
            self._error(shown, f"too many or too complex patterns to match ({exc})")
            return None
        if skipped:
            log.debug("%s: skipped patterns git would not use: %r", shown, skipped)
        return spec

    def _error(self, shown: str, reason: str) -> None:
        self.errors.append(AnalysisError(shown, "discover", f"{reason}; its patterns are not used"))

    def ignored(self, rel: str, is_dir: bool) -> bool:
        probe = rel + "/" if is_dir else rel
        if self.user is not None and self.user.match_file(probe):
            return True
        # As git does: deeper .gitignore files override shallower ones, and within one file
        # the last matching pattern (including a negation) decides.
        verdict = False
        parts = rel.split("/")
        # only the folders above ``rel`` can hold its rules: O(depth), however many there are
        for depth in range(len(parts)):
            base = "/".join(parts[:depth])
            spec = self.specs.get(base)
            if spec is None:
                continue
            result = spec.check_file(probe[len(base) + 1 :] if base else probe)
            if result.include is not None:
                verdict = bool(result.include)
        return verdict


# -- the walk ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Dir:
    """A folder being listed: its real path, its names as shown and as matched."""

    abs_path: str
    shown: tuple[str, ...]
    match: tuple[str, ...]
    entries: Iterator[os.DirEntry[str]]


class _Walker:
    """Depth-first over the tree with an explicit stack, in name order (the order of ``files``
    is the order a recursive walk would give)."""

    def __init__(self, root: Path, ignore: _Ignore) -> None:
        self.root = str(root)
        self.ignore = ignore
        self.files: list[tuple[tuple[str, ...], str]] = []
        self.errors: list[AnalysisError] = []
        self.package_dirs: set[str] = set()
        self.seen_dirs: set[tuple[int, int]] = set()
        self.venvs: set[str] = set()  # virtualenvs found and skipped, as shown

    def walk(self) -> None:
        stack: list[_Dir] = []
        first = self._enter(self.root, (), ())
        if first is not None:
            stack.append(first)
        while stack:
            entry = next(stack[-1].entries, None)
            if entry is None:
                stack.pop()
                continue
            child = self._visit(stack[-1], entry)
            if child is not None:
                stack.append(child)

    def _report(self, shown: tuple[str, ...], message: str) -> None:
        self.errors.append(AnalysisError("/".join(shown) or ".", "discover", message))

    def _enter(self, abs_dir: str, shown: tuple[str, ...], match: tuple[str, ...]) -> _Dir | None:
        try:
            st = os.stat(abs_dir)
        except OSError as exc:
            self._report(shown, f"cannot read the folder: {exc.strerror}")
            return None
        key = (st.st_dev, st.st_ino)
        if key in self.seen_dirs:
            self._report(shown, "symbolic link loop (folder already scanned); skipped")
            return None
        self.seen_dirs.add(key)
        try:
            with os.scandir(abs_dir) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError as exc:
            self._report(shown, f"cannot list the folder: {exc.strerror}")
            return None
        names = {e.name for e in entries}
        if shown and "pyvenv.cfg" in names:
            log.debug("skipping virtualenv %s", "/".join(shown))
            self.venvs.add("/".join(shown))
            return None
        if "__init__.py" in names:
            self.package_dirs.add("/".join(shown))
        self.ignore.load_dir("/".join(match), "/".join(shown), abs_dir)
        return _Dir(abs_dir, shown, match, iter(entries))

    def _visit(self, parent: _Dir, entry: os.DirEntry[str]) -> _Dir | None:
        name = entry.name
        shown = (*parent.shown, shown_name(name))
        match = (*parent.match, _match_key(name))
        try:
            is_link = entry.is_symlink()
            is_dir = entry.is_dir()  # follows links; False for a broken one or a loop
        except OSError as exc:
            self._report(shown, f"cannot stat: {exc.strerror}")
            return None
        if is_dir:
            if _never_entered(name):
                return None
            if self.ignore.ignored("/".join(match), True):
                return None
            real = self._inside(entry, parent, shown) if is_link else _join(parent, name)
            return None if real is None else self._enter(real, shown, match)
        if name.endswith(".py") and not self.ignore.ignored("/".join(match), False):
            self._file(parent, entry, shown, is_link)
        return None

    def _file(
        self, parent: _Dir, entry: os.DirEntry[str], shown: tuple[str, ...], is_link: bool
    ) -> None:
        try:
            mode = os.stat(entry.path).st_mode  # follows links: stat never opens a FIFO
        except OSError as exc:
            self._report(shown, _stat_failure(exc, is_link=is_link))
            return
        if not stat.S_ISREG(mode):
            what = f"a symbolic link to {kind(mode)}" if is_link else kind(mode)
            self._report(shown, f"{what}, not a regular file; skipped")
            return
        real = self._inside(entry, parent, shown) if is_link else _join(parent, entry.name)
        if real is None:
            return
        self.files.append((shown, real))

    def _inside(self, entry: os.DirEntry[str], parent: _Dir, shown: tuple[str, ...]) -> str | None:
        """The real path of a link, or None (reported) when it leads out of the root."""
        real = os.path.realpath(entry.path)
        if not is_within(real, self.root):
            self._report(shown, LINK_OUT)
            return None
        return real


def _join(parent: _Dir, name: str) -> str:
    # the parent is a real path and the entry is not a link: the join is a real path too
    return os.path.join(parent.abs_path, name)


def _stat_failure(exc: OSError, *, is_link: bool) -> str:
    if exc.errno == errno.ELOOP:
        return "symbolic link loop; skipped"
    if is_link and exc.errno == errno.ENOENT:
        return "broken symbolic link; skipped"
    return f"cannot stat: {exc.strerror}"


# -- entry point ---------------------------------------------------------------------------------


#: what marks the root folder of a project, looked for upward as ruff and pytest do
ROOT_MARKERS = ("pyproject.toml", "setup.cfg", "setup.py", ".git")


def project_root(start: Path) -> Path:
    """The project a folder or file belongs to: the nearest folder at or above it holding a
    ``ROOT_MARKERS`` entry, else the folder itself. Every command finds it this way, so ``scan``
    from a subfolder and ``explain`` of one of its modules see the same project, its
    ``[tool.goport]`` and its tests. The search starts where the path is, not where a link
    leads (a link out of the project stays out), and stops at a folder a scan never enters (a
    virtualenv, ``site-packages``...): code below one is a project of its own."""
    absolute = Path(os.path.abspath(start))
    folder = absolute if absolute.is_dir() else absolute.parent
    start_dir = folder.resolve()
    for candidate in (start_dir, *start_dir.parents):
        if any(os.path.lexists(candidate / marker) for marker in ROOT_MARKERS):
            return candidate
        if _never_entered(candidate.name) or (candidate / "pyvenv.cfg").is_file():
            break
    return start_dir


def _never_entered(name: str) -> bool:
    return name in DEFAULT_EXCLUDED_DIRS or name.endswith(".egg-info")


def discover(
    target: Path,
    *,
    exclude: Iterable[str] = (),
    respect_gitignore: bool = True,
    named: Iterable[Path] = (),
) -> Discovery:
    """Find the Python files under the directory ``target``; ``named`` (files, or folders below
    ``target``) limits what is reported."""
    shown_target = printable(str(target))
    if not target.exists():
        if target.is_symlink():
            raise InputError(f"{shown_target}: is a broken symbolic link")
        raise InputError(f"{shown_target}: no such file or directory")
    if not target.is_dir():
        raise InputError(f"{shown_target}: not a directory")
    root = target.resolve()

    ignore = _Ignore(root, exclude, respect_gitignore)
    walker = _Walker(root, ignore)
    walker.walk()
    package_dirs = frozenset(walker.package_dirs)
    root_package = root_package_name(root, package_dirs, walker.files)
    prefixes = {} if root_package else namespace_prefixes(root, walker.files, package_dirs)
    out = tuple(
        source_file(parts, abs_path, package_dirs, root_package, prefixes)
        for parts, abs_path in walker.files
    )
    errors = [*ignore.errors, *walker.errors]
    named_paths = _named(root, named) if named else None
    only = None
    folders: tuple[str, ...] = ()
    if named_paths is not None:
        folders = tuple(rel for rel, path in named_paths.items() if os.path.isdir(path))
        for folder in folders:
            _check_scope(folder, ignore, walker)
        inside = {f.rel_path for f in out if f.rel_path.startswith(tuple(f"{d}/" for d in folders))}
        only = frozenset(set(named_paths).difference(folders) | inside)
        known = {f.rel_path for f in out} | {e.rel_path for e in errors} | set(folders)
        for rel in sorted(set(named_paths) - known):
            if os.path.lexists(named_paths[rel]):
                # excluded by config, .gitignore or the default excludes: like ruff's
                # --force-exclude, a hook passing every staged file must not complain about it
                log.debug("%s: named but excluded; skipped", rel)
                continue
            errors.append(AnalysisError(rel, "discover", "named on the command line but not found"))
    return Discovery(
        root=root,
        files=out,
        errors=tuple(errors),
        only=only,
        folders=folders,
        root_package=root_package,
        prefixes=prefixes,
    )


def _check_scope(folder: str, ignore: _Ignore, walker: _Walker) -> None:
    """A folder the user named is reported on; one the scan of its project never enters (an
    exclude, a .gitignore, a virtualenv) would silently report nothing, so say so."""
    parts = folder.split("/")
    for depth in range(1, len(parts) + 1):
        rel = "/".join(parts[:depth])
        if _never_entered(parts[depth - 1]) or ignore.ignored(rel, True) or rel in walker.venvs:
            break
    else:
        return
    raise UsageError(
        f"{folder}: not scanned as part of the project at {printable(str(walker.root))} "
        f"(excluded there, or a virtualenv); give --root {folder} to scan it on its own"
    )


def lexical_path(path: Path) -> Path:
    """``path`` made absolute with its folders resolved but not its last name: a named link
    stays the link (so it is judged where it is, like every other link in the tree)."""
    absolute = Path(os.path.abspath(path))
    return absolute.parent.resolve() / absolute.name


def outside_root(path: Path, root: Path) -> str:
    return (
        f"{printable(str(path))}: outside the project root {printable(str(root))}; "
        "give --root or scan its folder"
    )


def _named(root: Path, paths: Iterable[Path]) -> dict[str, str]:
    """Shown rel path -> path on disk, of each file the user named."""
    out: dict[str, str] = {}
    for p in paths:
        candidate = p if p.is_absolute() or os.path.lexists(p) else root / p
        absolute = lexical_path(candidate)
        if not is_within(absolute, root):
            raise InputError(outside_root(p, root))
        out[rel_path_of(absolute.relative_to(root).parts)] = str(absolute)
    return out
