"""Config: the settings of one run, from ``[tool.goport]`` in the scanned project and CLI flags.

Keys mirror the CLI flags in kebab-case. Unknown keys and wrongly typed values are errors that
name the key (and suggest the closest known one), so a typo never silently does nothing.
"""

from __future__ import annotations

import difflib
import hashlib
import logging
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from goport.choices import MAX_FILE_SIZE_LIMIT
from goport.detectors import FAMILIES, RULE_IDS
from goport.errors import ConfigError, InputError
from goport.kinds import INCLUDE_CHOICES, included_kinds
from goport.model import FileKind
from goport.safeio import read_text

log = logging.getLogger(__name__)

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

DEFAULT_MAX_FILE_SIZE = 1_000_000
#: a factor weight multiplies that factor's contribution; past this a weight is a typo
MAX_WEIGHT = 100.0
#: pyproject.toml larger than this is not a real project file
PYPROJECT_LIMIT = 4 * 1024 * 1024

#: the factors of the static estimate (the fitted model in goport.scoring)
STATIC_FACTORS = (
    "density",
    "used-widely",
    "code-volume",
    "cpu-bound",
    "scanner",
    "bit-work",
    "loop-work",
    "called-per-element",
    "estimated-time",
)
#: factor weights a project may tune, by the factor names reports print; each multiplies that
#: factor's contribution (``nothing-runs`` and ``cost-cap`` follow from the others)
WEIGHT_NAMES = (
    "measured-time",
    *STATIC_FACTORS,
    "concurrency",
    "tests",
    "size",
    "coupling",
    "blockers",
    "python-ecosystem",
    "churn",
)
#: weight names of earlier releases -> the factors they set; accepted with a warning
DEPRECATED_WEIGHTS: dict[str, tuple[str, ...]] = {
    "cpu": STATIC_FACTORS,
    "ecosystem": ("python-ecosystem",),
    "profile": ("measured-time",),
}


@dataclass(frozen=True, slots=True)
class Config:
    root: Path
    paths: tuple[Path, ...] = ()  # files named on the command line (report only on these)
    exclude: tuple[str, ...] = ()
    select: tuple[str, ...] = ()  # rule ids or prefixes; empty: all
    ignore: tuple[str, ...] = ()
    weights: tuple[tuple[str, float], ...] = ()
    top: int | None = None
    min_score: float | None = None  # scores are not clamped: None shows every candidate
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    jobs: int = 0  # 0: all cores
    cache_dir: Path | None = None
    use_cache: bool = True
    history: bool = True
    respect_gitignore: bool = True
    profiles: tuple[Path, ...] = ()
    profile_roots: tuple[
        str, ...
    ] = ()  # folders that stood for the root when profiles were recorded
    diff_base: str | None = None
    baseline: Path | None = None
    fail_on: float | None = None
    fail_on_new: float | None = None
    include: tuple[FileKind, ...] = ()  # kinds ranked with the product code (goport.kinds)
    sources: tuple[str, ...] = field(default=(), compare=False)  # where settings came from

    def weight(self, name: str) -> float:
        for key, value in self.weights:
            if key == name:
                return value
        return 1.0

    def ranks(self, kind: FileKind) -> bool:
        """Whether modules of ``kind`` are ranked: product code, and the kinds included."""
        return kind is FileKind.PRODUCT or kind in self.include

    def rule_enabled(self, rule: str) -> bool:
        if self.select and not any(rule.startswith(p) for p in self.select):
            return False
        return not any(rule.startswith(p) for p in self.ignore)

    @property
    def effective_jobs(self) -> int:
        """Worker processes: what was asked, never more than the cores this process may use."""
        cores = available_cores()
        return min(self.jobs, cores) if self.jobs > 0 else cores

    def thresholds(self) -> tuple[float, ...]:
        """The gate scores a change can cross, for diff reports."""
        return tuple(sorted({t for t in (self.fail_on, self.fail_on_new) if t is not None}))

    def extraction_digest(self) -> str:
        """What changes a file's cached ModuleFacts besides its content and goport's code."""
        return hashlib.blake2b(str(self.max_file_size).encode(), digest_size=8).hexdigest()


def available_cores() -> int:
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


# key in [tool.goport] -> (Config field, expected python type(s), description)
_KEYS: dict[str, tuple[str, tuple[type, ...], str]] = {
    "exclude": ("exclude", (list,), "list of gitignore-style patterns"),
    "select": ("select", (list,), "list of rule ids or prefixes"),
    "profile-root": (
        "profile_roots",
        (list,),
        "list of folders that stood for the project root where profiles were recorded",
    ),
    "ignore": ("ignore", (list,), "list of rule ids or prefixes"),
    "include": (
        "include",
        (list,),
        f"list of kinds to rank with the product code ({INCLUDE_CHOICES})",
    ),
    "weights": ("weights", (dict,), f"table of factor weights ({', '.join(WEIGHT_NAMES)})"),
    "top": ("top", (int,), "a whole number"),
    "min-score": ("min_score", (int, float), "a number from 0 to 100"),
    "max-file-size": ("max_file_size", (int,), "a number of bytes"),
    "jobs": ("jobs", (int,), "a whole number"),
    "fail-on": ("fail_on", (int, float), "a score from 0 to 100"),
    "fail-on-new": ("fail_on_new", (int, float), "a score from 0 to 100"),
    "history": ("history", (bool,), "true or false"),
    "respect-gitignore": ("respect_gitignore", (bool,), "true or false"),
}


def find_pyproject(root: Path) -> Path | None:
    candidate = root / "pyproject.toml"
    # lexists: a FIFO or a dangling link is reported by load_table, not silently skipped
    return candidate if os.path.lexists(candidate) else None


def load_table(pyproject: Path, root: Path | None = None) -> dict[str, Any]:
    """The ``[tool.goport]`` table of ``pyproject`` (read only from inside ``root`` when given)."""
    hint = "fix the file or pass --no-config"
    try:
        text = read_text(pyproject, limit=PYPROJECT_LIMIT, within=root)
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{pyproject}: not valid TOML ({exc}); {hint}") from exc
    except RecursionError as exc:
        raise ConfigError(f"{pyproject}: nested too deeply to read; {hint}") from exc
    except ValueError as exc:  # an integer longer than Python converts (4,300 digits)
        raise ConfigError(f"{pyproject}: not valid TOML ({exc}); {hint}") from exc
    except InputError as exc:
        raise ConfigError(f"{exc}; {hint}") from exc
    tool = data.get("tool", {})
    table = tool.get("goport", {}) if isinstance(tool, dict) else {}
    if not isinstance(table, dict):
        raise ConfigError(f"{pyproject}: [tool.goport] must be a table")
    return table


def apply_table(config: Config, table: Mapping[str, Any], origin: str) -> Config:
    """Config with the values of a ``[tool.goport]`` table applied, validating every key."""
    changes: dict[str, Any] = {}
    for key, value in table.items():
        if key not in _KEYS:
            close = difflib.get_close_matches(key, list(_KEYS), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            known = ", ".join(sorted(_KEYS))
            raise ConfigError(
                f"{origin}: unknown key '{key}' in [tool.goport]{hint}. Known keys: {known}"
            )
        name, types, description = _KEYS[key]
        if isinstance(value, bool) and bool not in types:
            raise ConfigError(f"{origin}: [tool.goport] {key} must be {description}, not {value!r}")
        if not isinstance(value, types):
            raise ConfigError(f"{origin}: [tool.goport] {key} must be {description}, not {value!r}")
        if isinstance(value, list):
            if not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{origin}: [tool.goport] {key} must be {description} (strings)")
            value = tuple(v.upper() if key in ("select", "ignore") else v for v in value)
        if key == "weights":
            value = _weights(value, origin)
        if key == "include":
            value = kinds(value, f"{origin}: [tool.goport] include")
        if key in ("select", "ignore"):
            check_rules(value, f"{origin}: [tool.goport] {key}")
        if key in ("min-score", "fail-on", "fail-on-new") and not 0 <= value <= 100:
            raise ConfigError(f"{origin}: [tool.goport] {key} must be from 0 to 100, not {value}")
        if key in ("top", "max-file-size") and value <= 0:
            raise ConfigError(f"{origin}: [tool.goport] {key} must be positive, not {value}")
        if key == "max-file-size" and value > MAX_FILE_SIZE_LIMIT:
            raise ConfigError(
                f"{origin}: [tool.goport] max-file-size must be at most {MAX_FILE_SIZE_LIMIT:,}"
                f" bytes, not {value:,}"
            )
        if key == "jobs" and value < 0:
            raise ConfigError(f"{origin}: [tool.goport] jobs must be 0 (all cores) or more")
        changes[name] = value
    return replace(config, sources=(*config.sources, origin), **changes)


def _weights(
    table: Mapping[str, Any], origin: str, where: str = " in [tool.goport.weights]"
) -> tuple[tuple[str, float], ...]:
    """Validated weights by factor name. An old name sets the factors it stood for, with a
    warning; a factor named as well keeps its own weight, whatever the order."""
    out: dict[str, float] = {}
    for name, value in sorted(table.items(), key=lambda item: item[0] not in DEPRECATED_WEIGHTS):
        if name not in WEIGHT_NAMES and name not in DEPRECATED_WEIGHTS:
            close = difflib.get_close_matches(name, [*WEIGHT_NAMES, *DEPRECATED_WEIGHTS], n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise ConfigError(
                f"{origin}: unknown weight '{name}'{where}{hint}. "
                f"Known weights (the factor names): {', '.join(WEIGHT_NAMES)}"
            )
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or not 0 <= value <= MAX_WEIGHT  # also refuses nan; inf is above the maximum
        ):
            raise ConfigError(
                f"{origin}: weight '{name}' must be a number from 0 to {MAX_WEIGHT:g}, "
                f"not {value!r}"
            )
        if name in DEPRECATED_WEIGHTS:
            factors = DEPRECATED_WEIGHTS[name]
            log.warning(
                "%s: weight '%s' is deprecated; use the factor name%s it stands for: %s",
                origin,
                name,
                "s" if len(factors) > 1 else "",
                ", ".join(factors),
            )
            out.update(dict.fromkeys(factors, float(value)))
        else:
            out[name] = float(value)
    return tuple(sorted(out.items()))


def weight_flags(flags: tuple[str, ...]) -> dict[str, Any]:
    """``--weight NAME=VALUE`` flags as a weights table (validated by ``_weights``)."""
    table: dict[str, Any] = {}
    for flag in flags:
        name, sep, value = flag.partition("=")
        try:
            number = float(value) if sep else None
        except ValueError:
            number = None
        if number is None:
            raise ConfigError(f"--weight: {flag!r} is not NAME=NUMBER (e.g. cpu-bound=1.5)")
        table[name.strip()] = number
    return table


def kinds(names: tuple[str, ...], where: str) -> tuple[FileKind, ...]:
    """The file kinds ``names`` bring back into the ranking; an unknown name is an error that
    lists the valid ones."""
    try:
        return included_kinds(names)
    except ValueError as exc:
        close = difflib.get_close_matches(str(exc), INCLUDE_CHOICES.split(", "), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ConfigError(
            f"{where}: unknown kind {str(exc)!r}{hint}; valid kinds: {INCLUDE_CHOICES}"
        ) from None


def check_rules(selectors: tuple[str, ...], where: str) -> None:
    """Every selector must be a rule id or the prefix of one (a family's or a rule's): like ruff, a
    selector that matches no rule is a usage error, not a run that silently reports nothing."""
    for selector in selectors:
        if not any(rule.startswith(selector) for rule in RULE_IDS) or not selector:
            raise ConfigError(f"{where}: {unknown_rule(selector)}")


def unknown_rule(selector: str) -> str:
    """Why ``selector`` names no rule: the closest ids, and every valid prefix."""
    close = difflib.get_close_matches(selector.upper(), RULE_IDS, n=3)
    hint = f" (did you mean {', '.join(close)}?)" if close else ""
    families = ", ".join(f"{prefix} ({category})" for prefix, category in FAMILIES)
    return (
        f"unknown rule id or prefix {selector!r}{hint}; valid prefixes: GP (every rule), "
        f"{families}, or a rule id such as {RULE_IDS[0]} (`goport rules` lists them)"
    )


def load(root: Path, overrides: Mapping[str, Any], *, read_pyproject: bool = True) -> Config:
    """Config for ``root``: defaults, then the project's [tool.goport], then CLI overrides.

    ``overrides`` maps Config field names to values the user gave on the command line; list
    values (exclude, select, ignore) extend the project's rather than replace them.
    """
    config = Config(root=root)
    if read_pyproject:
        pyproject = find_pyproject(root)
        if pyproject is not None:
            config = apply_table(config, load_table(pyproject, root.resolve()), str(pyproject))
    valid = {f.name for f in fields(Config)}
    changes: dict[str, Any] = {}
    for name, value in overrides.items():
        if name not in valid:
            raise ConfigError(f"internal: unknown setting {name}")
        if value is None:
            continue
        if name in ("select", "ignore"):
            check_rules(value, f"--{name}")
        if name == "weights":
            given = _weights(weight_flags(value), "--weight", "")
            value = tuple(sorted({**dict(config.weights), **dict(given)}.items()))
        if name == "include":
            value = tuple(k for k in FileKind if k in {*config.include, *kinds(value, "--include")})
        if name in ("exclude", "select", "ignore", "profile_roots"):
            value = (*getattr(config, name), *value)
        changes[name] = value
    return replace(config, **changes)
