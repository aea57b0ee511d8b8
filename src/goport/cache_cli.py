"""``goport cache``: where the cache folder is, what it holds, and emptying it.

The folder is the one scans use (``cachedir.resolve_dir``): ``--cache-dir``, else
``GOPORT_CACHE_DIR``, else the user cache folder. What counts as an entry, and why no link in the
folder is followed or removed, is in ``cachedir``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from goport import cachedir
from goport.errors import UsageError
from goport.text import inert, printable

app = typer.Typer(
    name="cache",
    help="Show or empty goport's cache of per-file and per-tree results.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

CacheDirOpt = Annotated[
    Path | None,
    typer.Option(
        "--cache-dir",
        help=f"The cache folder (default: ${cachedir.DIR_ENV}, else the user cache folder).",
    ),
]


def _say(message: str, *, err: bool = False) -> None:
    # a path may come from the scanned tree (a cache folder inside it): shown escaped
    typer.echo(inert(printable(message)), err=err)


def _left_alone(found: cachedir.Listing) -> None:
    for link in found.links:
        _say(f"goport: left alone: {link} is a symbolic link, not a cache entry", err=True)


@app.command("dir")
def dir_cmd(cache_dir: CacheDirOpt = None) -> None:
    """Print the cache folder.

    Example: du -sh "$(goport cache dir)"
    """
    _say(str(cachedir.resolve_dir(cache_dir)))


def info_doc(folder: Path, found: cachedir.Listing, cap: int) -> dict[str, Any]:
    """What ``goport cache info --format json`` prints."""
    versions: dict[str, list[int]] = {}
    for entry in found.entries:
        count = versions.setdefault(entry.version, [0, 0])
        count[0] += 1
        count[1] += entry.size
    return {
        "dir": str(folder),
        "entries": len(found.entries),
        "size_bytes": found.size,
        "max_size_bytes": cap,  # 0: no cap
        "by_version": [
            {"version": name, "entries": n, "size_bytes": size}
            for name, (n, size) in sorted(versions.items())
        ],
        "links_left_alone": list(found.links),
    }


@app.command("info")
def info(
    cache_dir: CacheDirOpt = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
) -> None:
    """How many entries the cache folder holds, their size, and the folder's cap.

    Example: goport cache info --format json
    """
    if fmt not in ("text", "json"):
        raise UsageError(f"--format must be text or json, not {fmt!r}")
    folder = cachedir.resolve_dir(cache_dir)
    cap = cachedir.max_size()
    found = cachedir.listing(folder)
    doc = info_doc(folder, found, cap)
    if fmt == "json":
        from goport.reports import dumps

        typer.echo(dumps(doc, indent=2))
        return
    limit = (
        f"no cap ({cachedir.SIZE_ENV}=0)"
        if cap <= 0
        else f"cap {cachedir.format_size(cap)} (set {cachedir.SIZE_ENV} to change it)"
    )
    _say(f"cache folder: {folder}")
    _say(f"entries: {len(found.entries)}, {cachedir.format_size(found.size)}; {limit}")
    for version in doc["by_version"]:
        size = cachedir.format_size(version["size_bytes"])
        _say(f"  {version['version']}: {version['entries']} entries, {size}")
    _left_alone(found)


@app.command("clean")
def clean(cache_dir: CacheDirOpt = None) -> None:
    """Remove every cache entry (of every goport version) from the cache folder.

    Only entry files are removed: nothing else in the folder, and no symbolic link (or what it
    leads to). The next scan analyses every file again.

    Example: goport cache clean
    """
    folder = cachedir.resolve_dir(cache_dir)
    found = cachedir.listing(folder)
    removed, freed = cachedir.remove(folder, list(found.entries))
    cachedir.remove_empty_folders(folder)
    _left_alone(found)
    _say(f"goport: removed {removed} entries ({cachedir.format_size(freed)}) from {folder}")


# ``goport cache clear`` is what issue reports and other tools' users type; same command
app.command("clear", hidden=True)(clean)
