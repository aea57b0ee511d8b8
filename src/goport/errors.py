"""The one GoportError hierarchy. The CLI maps these to exit code 2 (usage or input error)."""

from __future__ import annotations

from goport.text import printable


class GoportError(Exception):
    """Base of every error goport raises on purpose; its message is shown to the user as is."""


class UsageError(GoportError):
    """Wrong flags or arguments."""


class InputError(GoportError):
    """A path, profile or file the user named cannot be used."""


class ConfigError(InputError):
    """``[tool.goport]`` in pyproject.toml is malformed or has unknown keys."""


class ProfileError(InputError):
    """A profile is empty, truncated, corrupt or of an unsupported format."""


class ToolMissingError(GoportError):
    """An external tool goport needs for this command (git, py-spy) is not available."""


def cannot_run(program: str, exc: OSError) -> InputError:
    """The error for a command the user gave that could not be started (``Popen`` failed)."""
    if isinstance(exc, FileNotFoundError):
        why = "no such program"
    elif isinstance(exc, PermissionError):
        why = "permission denied"
    else:
        why = exc.strerror or str(exc)
    return InputError(f"cannot run {printable(program)}: {why}")
