"""The scaffold on disk: ``go.mod`` and, per package, its files, under the folder the user gave.

Nothing is written anywhere else. ``impl.go`` is the file users edit, so a scaffold that would
replace an existing one is refused unless the user says ``--force``; the generated files
beside it are rewritten. An existing ``go.mod`` is kept as it is (its module path, and what the
user added to it), so packages scaffolded one at a time into one folder share one module.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path

from goport.errors import InputError
from goport.safeio import read_bytes, write_atomic
from goport.scaffold.dispatch import dispatch_go, go_mod, golden_test_go, main_go
from goport.scaffold.model import GoPackage
from goport.scaffold.render import impl_go, types_go
from goport.text import printable

_MODULE_LINE = re.compile(rb"^module\s+([A-Za-z0-9._~/-]{1,200})\s*$", re.MULTILINE)


def module_path(out: Path, project: str) -> str:
    """The Go module path: the one an existing ``go.mod`` in ``out`` declares, else
    ``goport.local/<project>``."""
    try:
        found = _MODULE_LINE.search(read_bytes(out / "go.mod", limit=1 << 16))
    except InputError:
        found = None
    if found:
        return found.group(1).decode("ascii")
    name = re.sub(r"[^a-z0-9]+", "-", project.lower()).strip("-") or "project"
    return f"goport.local/{name}"


def files(pkg: GoPackage, module: str) -> dict[str, str]:
    """Relative path -> text of one package's files."""
    name = pkg.name
    texts = {
        f"{name}/impl.go": impl_go(pkg),
        f"{name}/types.go": types_go(pkg),
        f"{name}/dispatch.go": dispatch_go(pkg),
        f"{name}/golden_test.go": golden_test_go(pkg),
        f"{name}/cmd/{name}/main.go": main_go(pkg, f"{module}/{name}", name),
    }
    return {rel: text.rstrip("\n") + "\n" for rel, text in texts.items()}  # as gofmt ends them


def write(
    out: Path, packages: Sequence[GoPackage], project: str, *, root: Path, force: bool
) -> list[Path]:
    """Write the scaffold under ``out``; ``root``: the scanned tree (a folder on the way that
    is a link out of it is refused). Returns the files written."""
    if os.path.islink(out):
        raise InputError(f"{printable(str(out))}: a symbolic link; give a real folder for --out")
    if os.path.lexists(out) and not out.is_dir():
        raise InputError(f"{printable(str(out))}: not a folder")
    edited = [
        out / p.name / "impl.go" for p in packages if os.path.lexists(out / p.name / "impl.go")
    ]
    if edited and not force:
        shown = ", ".join(printable(str(e)) for e in edited)
        raise InputError(
            f"{shown}: already there (impl.go is the file you edit); not overwritten. "
            "Give --force to replace it, or another --out"
        )
    module = module_path(out, project)
    # a go.mod already there is the user's (requirements, a newer go line): kept as it is
    texts = {} if os.path.lexists(out / "go.mod") else {"go.mod": go_mod(module)}
    for pkg in packages:
        texts.update(files(pkg, module))
    written = []
    for rel, text in texts.items():
        target = out / rel
        write_atomic(target, text.encode("utf-8"), root=root)
        written.append(target)
    return written
