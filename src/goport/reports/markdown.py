"""Markdown: a pull-request comment (and the GitHub step summary) with the ranked candidates.

Everything taken from scanned source goes through one of three escapers, chosen by where it lands
(each first folds line breaks and shows the other control characters escaped with ``printable``,
since the same text lands in CI logs that obey ESC sequences):

* ``text`` - markdown prose: backslash-escapes the inline markup characters, turns ``& < >`` into
  entities (raw HTML is live in GitHub markdown), keeps ``@name`` out of plain text (it would ping
  a user or team) by putting it in a code span, and folds line breaks into spaces;
* ``code`` - a code span: a backtick fence longer than any backtick run inside, and inside a table
  ``|`` escaped as ``\\|`` (GitHub's table parser splits cells before it parses code spans);
* ``html`` - text inside the raw HTML of ``<details><summary>``, where markdown is not parsed.

The document is a list of named ``Block``s joined by blank lines. Extension point: a section
that says what a change did to the ranking (a "diff" block) is meant to go right after the
``summary`` block: ``insert_after(blocks(result, options), "summary", Block("diff", text))``.
"""

from __future__ import annotations

import html as _html
import re
from collections.abc import Sequence
from dataclasses import dataclass

from goport.model import Candidate, Category, Finding, RunResult
from goport.reports import GO_STRATEGIES, Options, points, shown_factors
from goport.text import printable

#: a bot can find (and update) its previous comment by this marker
MARKER = "<!-- goport-report -->"
#: rows of the ranked table in a PR comment (the step summary shows all)
TABLE_ROWS = 10
#: candidates that get a <details> block
DETAILS = 5
#: non-blocker findings listed per candidate, heaviest first
TOP_FINDINGS = 3
#: list items per details section before "... and N more"
DETAIL_ITEMS = 8

# -- escaping ------------------------------------------------------------------------------------

_LINE_BREAKS = re.compile(r"\r\n|[\r\n\v\f\x85\u2028\u2029]")
_MENTION = re.compile(r"@[\w.-]+")
# inline markup: emphasis, code, links/images, tables, strikethrough, math, and the escape itself
_MD_SPECIAL = frozenset("\\`*_[]|~$")
_HTML_SPECIAL = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_BACKTICKS = re.compile(r"`+")
_ORDERED = re.compile(r"^(\d+)([.)])")


def one_line(s: str) -> str:
    return _LINE_BREAKS.sub(" ", s)


def _visible(s: str) -> str:
    """One line with every remaining control, bidi or invisible character shown escaped."""
    return printable(one_line(s))


def _escape_plain(s: str) -> str:
    out = []
    for ch in s:
        if ch in _MD_SPECIAL:
            out.append("\\" + ch)
        else:
            out.append(_HTML_SPECIAL.get(ch, ch))
    return "".join(out)


def text(s: str, *, table: bool = False) -> str:
    """Markdown prose that shows ``s`` as written (one line); ``table`` for a table cell."""
    s = _visible(s)
    out: list[str] = []
    pos = 0
    for m in _MENTION.finditer(s):
        out.append(_escape_plain(s[pos : m.start()]))
        out.append(code(m.group(), table=table))
        pos = m.end()
    out.append(_escape_plain(s[pos:]))
    return _block_safe("".join(out))


def _block_safe(s: str) -> str:
    """Escape what would start a heading, list or rule if ``s`` began a block."""
    if s[:1] in ("#", "+", "-", "="):
        return "\\" + s
    return _ORDERED.sub(r"\1\\\2", s, count=1)


def code(s: str, *, table: bool = False) -> str:
    """A code span showing ``s`` (one line); ``table`` for a table cell."""
    s = _visible(s)
    if not s.strip():
        return text(s, table=table)
    if table:
        # "\|" is an escaped pipe for the cell splitter; a backslash right before a pipe must be
        # doubled or it would escape the escape and end the cell
        s = re.sub(r"(\\*)\|", lambda m: m.group(1) * 2 + "\\|", s)
    longest = max((len(run) for run in _BACKTICKS.findall(s)), default=0)
    fence = "`" * (longest + 1)
    pad = s[0] == "`" or s[-1] == "`" or (s[0] == " " and s[-1] == " ")
    inner = f" {s} " if pad else s
    return f"{fence}{inner}{fence}"


def html(s: str) -> str:
    """Text inside raw HTML (``<summary>``); ``@name`` goes into ``<code>`` so it pings nobody."""
    s = _visible(s)
    out: list[str] = []
    pos = 0
    for m in _MENTION.finditer(s):
        out.append(_html.escape(s[pos : m.start()], quote=True))
        out.append(f"<code>{_html.escape(m.group(), quote=True)}</code>")
        pos = m.end()
    out.append(_html.escape(s[pos:], quote=True))
    return "".join(out)


# -- blocks --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Block:
    """One section of the document; ``name`` lets a caller insert or replace sections."""

    name: str
    text: str


def insert_after(blocks: Sequence[Block], name: str, block: Block) -> list[Block]:
    """A copy of ``blocks`` with ``block`` after the one called ``name`` (at the end if none)."""
    out = list(blocks)
    for i, b in enumerate(out):
        if b.name == name:
            out.insert(i + 1, block)
            return out
    out.append(block)
    return out


def join(blocks: Sequence[Block]) -> str:
    return "\n\n".join(b.text for b in blocks if b.text) + "\n"


def blocks(
    result: RunResult,
    options: Options,
    *,
    rows: int | None = TABLE_ROWS,
    details: int = DETAILS,
) -> list[Block]:
    """The document's sections in order; ``rows=None`` puts every candidate in the table."""
    return [
        Block("header", f"{MARKER}\n## goport: Go migration candidates"),
        Block("summary", summary_line(result)),
        Block("gate", gate(result)),
        Block("diff", diff_section(result)),
        Block("table", table(result.candidates, rows)),
        Block("details", details_blocks(result.candidates[: max(0, details)])),
        Block("decided", decided(result)),
        Block("errors", errors(result, options)),
        Block("footer", footer(result)),
    ]


def render(result: RunResult, options: Options) -> str:
    return join(blocks(result, options))


# -- sections ------------------------------------------------------------------------------------


def summary_line(result: RunResult) -> str:
    s = result.summary
    go = sum(1 for c in result.candidates if c.strategy in GO_STRATEGIES)
    parts = [
        (
            f"{s.candidates} modules ranked from {s.files_analysed} of {s.files_discovered} "
            f"Python files ({s.test_files} tests)"
        ),
        f"{go} with a Go strategy",
        f"{s.findings} findings",
    ]
    if s.errors:
        parts.append(f"{s.errors} file(s) not analysed")
    line = "; ".join(parts) + "."
    if result.candidates:
        top = result.candidates[0]
        line += f" Top: {code(top.rel_path)} (score {points(top.score)}, {top.strategy.value})."
    if result.profile is not None:
        p = result.profile
        line += (
            f" Ranked with a profile: {p.samples} samples, {p.match_rate:.0%} matched to this tree."
        )
    return line


def gate(result: RunResult) -> str:
    g = result.gate
    if g is None:
        return ""
    if not g.tripped:
        return "**Gate passed.**"
    lines = ["**Gate tripped:**", ""]
    lines += [f"- {text(reason)}" for reason in g.reasons]
    return "\n".join(lines)


def _score(value: float | None) -> str:
    return "-" if value is None else points(value)


def diff_section(result: RunResult) -> str:
    """What this change did to the ranking (diff mode only)."""
    d = result.diff
    if d is None:
        return ""
    head = (
        f"### What this change did to the ranking\n\nCompared with {code(d.base)} "
        f"(`{d.base_commit[:12]}`): {len(d.changed)} changed Python file(s)."
    )
    moved = [x for x in d.deltas if x.notes or x.rel_path in d.changed]
    if not moved:
        return head + " No module's score moved."
    rows = [
        "| module | before | after | rank | notes |",
        "|---|---:|---:|---|---|",
    ]
    for x in moved[:20]:
        rank = f"{x.rank_before or '-'} -> {x.rank_after or '-'}"
        rows.append(
            f"| {code(x.rel_path, table=True)} | {_score(x.before)} | {_score(x.after)} | {rank} | "
            f"{text(', '.join(x.notes), table=True)} |"
        )
    if len(moved) > 20:
        rows.append(f"\n... and {len(moved) - 20} more.")
    return head + "\n\n" + "\n".join(rows)


def top_reasons(c: Candidate, n: int = 3) -> str:
    """The largest contributions and "other" (the rest), adding up to the score; the hottest
    function."""
    parts = [
        f"{points(value, sign=True)} {text(name, table=True)}"
        for name, value in shown_factors(c.factors, c.score, n)
    ]
    out = ", ".join(parts) or "-"
    if c.functions:
        out += f"; hottest: {code(c.functions[0].qualname, table=True)}"
    return out


def effort(c: Candidate) -> str:
    e = c.effort
    if e is None:
        return "-"
    return f"{text(e.size, table=True)} ({e.days_low}-{e.days_high} d)"


def table(candidates: Sequence[Candidate], rows: int | None = TABLE_ROWS) -> str:
    if not candidates:
        return "No candidate modules matched the filters."
    shown = candidates if rows is None else candidates[: max(0, rows)]
    lines = [
        "| # | module | score | strategy | effort | top reasons |",
        "|---:|---|---:|---|---|---|",
    ]
    for c in shown:
        cells = [
            str(c.rank),
            code(c.rel_path, table=True),
            points(c.score),
            c.strategy.value,
            effort(c),
            top_reasons(c),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    hidden = len(candidates) - len(shown)
    if hidden > 0:
        lines += ["", f"... and {hidden} more candidate(s) in the full report."]
    return "\n".join(lines)


def _bullets(items: Sequence[str], limit: int = DETAIL_ITEMS) -> list[str]:
    out = [f"- {item}" for item in items[:limit]]
    if len(items) > limit:
        out.append(f"- ... and {len(items) - limit} more")
    return out


def _lines(numbers: Sequence[int], limit: int = 8) -> str:
    shown = ", ".join(str(n) for n in numbers[:limit])
    return shown + (", ..." if len(numbers) > limit else "")


def top_findings(c: Candidate, n: int = TOP_FINDINGS) -> list[Finding]:
    """The heaviest findings that are not blockers (those have their own list), by weight."""
    rest = [f for f in c.findings if f.category not in (Category.BLOCKER, Category.ECOSYSTEM)]
    return sorted(rest, key=lambda f: (-f.weight, f.span, f.rule, f.message))[:n]


def details_block(c: Candidate) -> str:
    head = (
        f"<details>\n<summary><b>#{c.rank} <code>{html(c.rel_path)}</code></b>: "
        f"{html(c.strategy.value)}, score {points(c.score)}"
        + (
            ""
            if c.effort is None
            else f", effort {html(c.effort.size)} ({c.effort.days_low}-{c.effort.days_high} d)"
        )
        + "</summary>"
    )
    body: list[str] = [head, "", text(c.strategy_reason)]
    if c.functions:
        items = []
        for fn in c.functions:
            why = ", ".join(fn.reasons) or "complexity and loops"
            item = (
                f"{code(fn.qualname)} (lines {fn.span.line}-{fn.span.end_line}, "
                f"complexity {fn.complexity}): {text(why)}"
            )
            if fn.measured is not None:
                item += f"; measured {fn.measured.self_share:.0%} self"
            if fn.signature:
                item += f"; Go: {code(fn.signature)}"
            items.append(item)
        body += ["", "**Hot functions**", "", *_bullets(items)]
    strongest = top_findings(c)
    if strongest:
        items = []
        for f in strongest:
            where = f" in {code(f.symbol)}" if f.symbol else ""
            items.append(
                f"line {f.span.line}: {text(f.rule)} {text(f.name)}{where}: {text(f.message)}"
            )
        body += ["", "**Strongest findings**", "", *_bullets(items)]
    if c.idioms:
        items = [
            f"{text(i.rule)}: {text(i.python)} -> {text(i.go)} (lines {_lines(i.lines)})"
            for i in c.idioms
        ]
        body += ["", "**Go idioms**", "", *_bullets(items)]
    if c.blockers:
        body += ["", "**Blockers**", "", *_bullets([text(b) for b in c.blockers])]
    if c.python_first:
        body += ["", "**Try in Python first**", "", *_bullets([text(t) for t in c.python_first])]
    body += ["", "</details>"]
    return "\n".join(body)


def details_blocks(candidates: Sequence[Candidate]) -> str:
    return "\n\n".join(details_block(c) for c in candidates)


def decided(result: RunResult) -> str:
    if not result.decided:
        return ""
    items = [f"{code(d.rel_path)}: {text(d.reason)}" for d in result.decided]
    return "\n".join(["**Decided** (marked keep-python):", "", *_bullets(items, limit=20)])


def errors(result: RunResult, options: Options) -> str:
    if not result.errors:
        return ""
    limit = len(result.errors) if options.verbose else 20
    items = [f"{code(e.rel_path)} ({text(e.stage)}): {text(e.message)}" for e in result.errors]
    return "\n".join(
        [
            f"<details>\n<summary>{len(result.errors)} file(s) not analysed</summary>",
            "",
            *_bullets(items, limit=limit),
            "",
            "</details>",
        ]
    )


def footer(result: RunResult) -> str:
    hint = (
        "`goport explain PATH` shows every factor, hot function and Go idiom; "
        "`--profile` ranks by measured time."
    )
    return f"<sub>goport {html(result.tool_version)}: {hint}</sub>"
