"""HTML: one self-contained page people would rather look at than a terminal table.

The page works offline and from ``file://``: its charts are SVG drawn from Python
(``charts``, ``graph``), its style and its one small script are inline, and a
Content-Security-Policy forbids every request (``default-src 'none'``) and every script but
that one (allowed by its hash, so the page stays byte-for-byte deterministic).

The scanned tree is hostile input. Everything the templates show goes through Jinja2's
autoescaping, and before that through ``goport.text.printable`` (the environment's
``finalize``), so a name, a path or a source line can neither close a tag nor reorder the text
with bidi controls: they are shown escaped (``\\u202e``). The rows the script reads are JSON with
``<``, ``>``, ``&`` and the line separators escaped, so no string can end the ``<script>``.
"""

from __future__ import annotations

import base64
import hashlib
import re
from importlib import resources
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from goport.reports import Options, dumps
from goport.text import UNSAFE_CHARS, printable

if TYPE_CHECKING:
    from goport.model import RunResult
    from goport.roadmap.roadmap import Plan

#: what a JSON text must not hold inside ``<script>``: a tag's start or end, an entity, and what
#: ``printable`` escapes (controls, bidi controls, the line separators older JavaScript took for
#: line ends); each is written as its JSON escape, the same string to ``JSON.parse``
_SCRIPT_UNSAFE = re.compile(f"[<>&{UNSAFE_CHARS}]")


def script_json(doc: Any) -> str:
    """JSON text of ``doc`` that is safe between ``<script>`` and ``</script>``: the same value
    to ``JSON.parse``, with no ``<``, ``>``, ``&``, control or bidi character in it."""
    return _SCRIPT_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", dumps(doc))


def _shown(value: Any) -> Any:
    """Every value a template prints: text with its control and bidi characters escaped
    (Markup is the report's own, already safe)."""
    if isinstance(value, Markup):
        return value
    if isinstance(value, str):
        return printable(value)
    return value


def _asset(name: str) -> str:
    return resources.files("goport.reports.html").joinpath(f"templates/{name}").read_text("utf-8")


def csp(script: str) -> str:
    """The page's policy: no request of any kind, inline style, and only ``script``."""
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    return (
        "default-src 'none'; "
        f"script-src 'sha256-{digest}'; "
        "style-src 'unsafe-inline'; "
        "base-uri 'none'; form-action 'none'"
    )


def environment() -> Environment:
    return Environment(
        loader=PackageLoader("goport.reports.html", "templates"),
        autoescape=True,
        finalize=_shown,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render(result: RunResult, options: Options, plan: Plan | None = None) -> str:
    """The page; ``plan`` (``goport plan``) adds the roadmap and each candidate's step."""
    from goport.reports.html.view import report

    view = report(result, options, plan)
    script = _asset("report.js")
    page = environment().get_template("report.html.j2")
    return page.render(
        r=view,
        css=Markup(_asset("report.css")),
        script=Markup(script),
        csp=csp(script),
        data=Markup(script_json(view.data)),
    )
