"""Terminal output with rich: the ranked table, and ``goport explain`` for one module.

Every string taken from the scanned tree (paths, module and function names, messages, reasons) is
hostile: it goes through ``printable`` so that an ESC, OSC or bidi sequence in it is shown
escaped instead of driving the terminal, and it reaches rich as a ``Text`` (``_t``), never as
markup, so square brackets in it are shown rather than read as styles. Markup strings are used
only for goport's own words.

The output is also a CI log, where a line starting with ``::`` or holding ``##[`` is a workflow
command to the GitHub Actions runner. The finished text is made ``inert`` line by line, after rich
has laid it out: a long name folded over two lines could otherwise start a line with ``::``, and
rich's colour codes neither contain ``##[`` nor hide a leading ``::`` from ``inert``.
"""

from __future__ import annotations

import io
import os
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from goport.model import (
    Candidate,
    DiffSummary,
    FileKind,
    FunctionEstimate,
    FunctionHotness,
    HotFunction,
    Hotness,
    ModuleEstimate,
    ProfileSummary,
    RunResult,
)
from goport.reports import Options, points
from goport.reports.columns import STYLE, Row, bar, layout, lines
from goport.reports.verdict import legend, tests_note, verdict
from goport.text import inert_lines, printable

#: the width when neither COLUMNS nor a terminal says (a CI log: lines are cheap there)
DEFAULT_WIDTH = 120
#: narrower than this, the table's required columns overflow anyway
MIN_WIDTH = 40


def terminal_width(environ: Mapping[str, str] | None = None) -> int:
    """The width to lay the report out for, as rich and pytest find it: ``COLUMNS`` when set
    (piped output too), else the terminal on stdout, stderr or stdin, else ``DEFAULT_WIDTH``."""
    columns = (os.environ if environ is None else environ).get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    for fd in (1, 2, 0):
        try:
            size = os.get_terminal_size(fd).columns
        except (OSError, ValueError):
            continue
        if size > 0:
            return size
    return DEFAULT_WIDTH


def _t(*parts: str | tuple[str, str]) -> Text:
    """A rich ``Text`` of ``parts`` (plain strings or ``(string, style)``), each made printable
    and never read as markup."""
    out = Text()
    for part in parts:
        if isinstance(part, tuple):
            out.append(printable(part[0]), style=part[1])
        else:
            out.append(printable(part))
    return out


class _Console(Console):
    """A Console whose lines of text break at spaces only: a word longer than the line (a deep
    path in "Next: goport explain ...") runs past the edge whole, where rich would fold it, so
    it reads and copies as one word. Tables and other renderables print as rich lays them out."""

    def print(self, *objects: Any, **kwargs: Any) -> None:
        if len(objects) != 1 or not isinstance(objects[0], (str, Text)) or kwargs.get("soft_wrap"):
            super().print(*objects, **kwargs)
            return
        text = objects[0]
        text = self.render_str(text) if isinstance(text, str) else text.copy()
        style = kwargs.pop("style", None)
        if style:
            text.stylize(style)
        for line in text.split("\n", allow_blank=True):
            for part in line.divide(word_breaks(line.plain, self.width)):
                part.rstrip()
                super().print(part, soft_wrap=True, **kwargs)


_WORD = re.compile(r"\S+\s*")


def word_breaks(text: str, width: int) -> list[int]:
    """Where to break ``text`` into lines of at most ``width`` cells, at spaces only."""
    breaks: list[int] = []
    used = len(text) - len(text.lstrip())
    for m in _WORD.finditer(text):
        word = cell_len(m.group().rstrip())
        if used and used + word > width and m.start() > (breaks[-1] if breaks else 0):
            breaks.append(m.start())
            used = 0
        used += cell_len(m.group())
    return breaks


def _console(options: Options) -> tuple[Console, io.StringIO]:
    buffer = io.StringIO()
    console = _Console(
        file=buffer,
        force_terminal=options.color,
        no_color=not options.color,
        color_system="standard" if options.color else None,
        width=max(options.width or DEFAULT_WIDTH, MIN_WIDTH),
        highlight=False,
        emoji=False,
    )
    return console, buffer


def set_apart_line(result: RunResult) -> str:
    """One line on the modules left out of the ranking, by kind in a fixed order."""
    counts = Counter(a.kind for a in result.set_apart)
    kinds = ", ".join(f"{counts[k]} {k.value}" for k in FileKind if counts[k])
    return f"Left out of the ranking: {kinds} (--include KIND to rank them, --verbose to list them)"


def _table(console: Console, result: RunResult, options: Options) -> None:
    """The ranked table, one line per candidate (``columns``), what did not fit, the legend."""
    rows = [Row.of(c) for c in result.candidates]
    lay = layout(rows, console.width)
    for row in lines(rows, lay):
        console.print(row, soft_wrap=True)  # laid out to fit: never folded
    if lay.hidden:
        console.print(
            _t(
                f"({', '.join(lay.hidden)}: no room at {console.width} columns; "
                "see goport explain PATH)"
            ),
            style="dim",
        )
    if options.legend:
        console.print()
        for note in legend(result, result.candidates, lay.names):
            console.print(_t(note), style="dim")


def render(result: RunResult, options: Options) -> str:
    console, buffer = _console(options)
    said = verdict(result, console.width)  # the answer first, then what it is made of
    if said:
        console.print(_t((said, "bold")))
    _header(console, result)
    if result.candidates:
        console.print()
        _table(console, result, options)
    else:
        console.print("No candidate modules matched the filters.")
    _left_out(console, result, options)
    if result.gate is not None:
        if result.gate.tripped:
            console.print("[bold red]gate tripped[/bold red]:")
            for reason in result.gate.reasons:
                console.print(_t(f"  {reason}"))
        else:
            console.print("gate passed")
    if result.candidates:
        _next(console, result, options)
    return inert_lines(buffer.getvalue())


def _header(console: Console, result: RunResult) -> None:
    """What was analysed, the profiles joined, the change compared, the baseline."""
    console.print(_t(("goport", "bold"), f" {result.tool_version}: {analysed_line(result)}"))
    if result.profile is not None:
        _profile(console, result.profile)
    if result.diff is not None:
        _diff(console, result.diff)
    if result.baseline is not None:
        console.print(_t(f"baseline {result.baseline}: reporting only what it does not know"))


def _profile(console: Console, p: ProfileSummary) -> None:
    console.print(
        f"profile: {p.samples} samples from {len(p.files)} file(s), "
        f"{p.match_rate:.0%} matched to this tree"
    )
    for m in p.profiles if len(p.profiles) > 1 or any(m.prefixes for m in p.profiles) else ():
        where = f"; frames found below {', '.join(m.prefixes[:2])}" if m.prefixes else ""
        console.print(_t(f"  {m.path}: {m.match_rate:.0%} of {m.samples} samples matched{where}"))
    for w in p.warnings:
        console.print(_t(("warning:", "yellow"), f" {w}"))


def _diff(console: Console, d: DiffSummary) -> None:
    console.print(
        _t(
            f"diff against {d.base} ({d.base_commit[:12]}): {len(d.changed)} changed "
            "Python file(s); reporting only those"
        )
    )
    for x in d.deltas:
        if not (x.notes or x.rel_path in d.changed):
            continue
        before = "-" if x.before is None else points(x.before)
        after = "-" if x.after is None else points(x.after)
        notes = f" ({', '.join(x.notes)})" if x.notes else ""
        console.print(_t(f"  {x.rel_path}: {before} -> {after}{notes}"))


def _left_out(console: Console, result: RunResult, options: Options) -> None:
    """What is not in the table: set apart, decided in Python, not analysed."""
    if result.set_apart:
        console.print(_t(set_apart_line(result)), soft_wrap=True)  # one line, however long
        for a in result.set_apart if options.verbose else ():
            console.print(_t(f"  {a.rel_path} ({a.kind.value}): {a.reason}"))
    if result.decided:
        console.print("[bold]Decided[/bold] (marked keep-python):")
        for decided in result.decided:
            console.print(_t(f"  {decided.rel_path}: {decided.reason}"))
    if result.errors:
        console.print(f"[bold yellow]{len(result.errors)} file(s) not analysed[/bold yellow]:")
        for e in result.errors[: 20 if not options.verbose else None]:
            console.print(_t(f"  {e.rel_path} ({e.stage}): {e.message}"))
        if len(result.errors) > 20 and not options.verbose:
            console.print(f"  ... and {len(result.errors) - 20} more (--verbose lists all)")


def _next(console: Console, result: RunResult, options: Options) -> None:
    first = result.candidates[0].rel_path
    console.print()
    console.print(
        _t(
            "Next: ",
            (options.explain_command or f"goport explain {first}", "bold"),
            " for every factor, hot function and Go idiom; add ",
            ("--profile prof.json", "bold"),
            " (see goport profile) to rank by measured time.",
        ),
        soft_wrap=True,  # a command to copy: never broken across lines by rich
    )


def analysed_line(result: RunResult) -> str:
    """What was analysed and ranked: "17 Python files analysed (4 tests), 13 ranked, ..."."""
    s = result.summary
    analysed = (
        f"{s.files_analysed}"
        if s.files_analysed == s.files_discovered
        else f"{s.files_analysed} of {s.files_discovered}"
    )
    return (
        f"{analysed} Python files analysed ({tests_note(s.test_files)}), "
        f"{s.candidates} ranked, {s.findings} findings"
    )


def measured_line(h: Hotness) -> str:
    return (
        f"Measured: {h.total_share:.0%} of samples, {h.self_share:.0%} self in Python, "
        f"{h.library_share:.0%} in libraries called from here ({h.samples} samples)."
    )


def estimated_line(e: ModuleEstimate) -> str:
    """Without the full stop: explain adds what was measured."""
    return (
        f"Estimated (static, no profile needed): {_pct(e.share)} of the project's estimated "
        f"run time, rank {e.rank} of {e.ranked} modules"
    )


def function_why(fn: HotFunction) -> str:
    """Why a function is hot: what was measured, and the rules that found work there."""
    why = ", ".join(fn.reasons) or "complexity and loops"
    m = fn.measured
    return why if m is None else f"{m.self_share:.0%} self, {m.total_share:.0%} total; {why}"


def render_explain(c: Candidate, options: Options) -> str:
    console, buffer = _console(options)
    console.print(
        _t(
            (c.rel_path, "bold"),
            f" ({c.module}) - rank {c.rank}, score ",
            (points(c.score), "bold"),
            f" {bar(c.score)}",
        )
    )
    console.print(
        _t("strategy: ", (c.strategy.value, STYLE[c.strategy]), f" - {c.strategy_reason}")
    )
    _factors(console, c)
    if c.hotness is not None:
        console.print(measured_line(c.hotness))
    if c.functions:
        _hot_functions(console, c)
    _estimate(console, c)
    if c.idioms:
        _idioms(console, c)
    _boundary(console, c)
    _move(console, c)
    if c.findings:
        _findings(console, c, options)
    return inert_lines(buffer.getvalue())


def _factors(console: Console, c: Candidate) -> None:
    table = Table(title="Why this score (the contributions add up to it)", box=box.SIMPLE_HEAD)
    table.add_column("factor")
    table.add_column("value", justify="right")
    table.add_column("points", justify="right")
    table.add_column("explanation", overflow="fold")
    for f in c.factors:
        table.add_row(
            _t(f.name), f"{f.value:g}", points(f.contribution, sign=True), _t(f.explanation)
        )
    table.add_row("[bold]score[/bold]", "", f"[bold]{points(c.score)}[/bold]", "")
    console.print(table)


def _hot_functions(console: Console, c: Candidate) -> None:
    ft = Table(title="Hot functions", box=box.SIMPLE_HEAD)
    ft.add_column("function")
    ft.add_column("lines", no_wrap=True)
    ft.add_column("cc", justify="right")
    ft.add_column("heat", justify="right")
    ft.add_column("why / Go sketch", overflow="fold")
    for fn in c.functions:
        ft.add_row(
            _t(fn.qualname),
            f"{fn.span.line}-{fn.span.end_line}",
            str(fn.complexity),
            f"{fn.heat:.2f}",
            _t(function_why(fn)) + "\n" + _t(fn.signature),  # our line break, between escaped parts
        )
    console.print(ft)


def _idioms(console: Console, c: Candidate) -> None:
    it = Table(title="Python construct -> Go idiom", box=box.SIMPLE_HEAD)
    it.add_column("rule")
    it.add_column("python")
    it.add_column("go", overflow="fold")
    it.add_column("lines", overflow="fold")
    for i in c.idioms:
        it.add_row(_t(i.rule), _t(i.python), _t(i.go), ", ".join(map(str, i.lines[:8])))
    console.print(it)


def _boundary(console: Console, c: Candidate) -> None:
    b = c.boundary
    console.print("[bold]Boundary[/bold]")
    for line in (
        f"  imported by {b.fan_in} module(s): {', '.join(b.imported_by) or '-'}",
        f"  names used from outside: {', '.join(b.used_names) or '-'}",
        f"  imports {b.fan_out} project module(s): {', '.join(b.imports) or '-'}",
        f"  tested by: {', '.join(b.tested_by) or 'no test module found'}",
    ):
        console.print(_t(line))


def _move(console: Console, c: Candidate) -> None:
    """What stands in the way, what to try in Python first, and the effort."""
    if c.blockers:
        console.print("[bold]Blockers[/bold]")
        for blocker in c.blockers:
            console.print(_t(f"  - {blocker}"))
    if c.python_first:
        console.print("[bold]Try in Python first[/bold]")
        for tip in c.python_first:
            console.print(_t(f"  - {tip}"))
    e = c.effort
    if e is None:
        console.print(_t(("Effort", "bold"), ": none, it stays in Python."))
    else:
        console.print(
            _t(
                ("Effort", "bold"),
                f": {e.size}, about {e.days_low}-{e.days_high} days ({e.explanation})",
            )
        )


def _findings(console: Console, c: Candidate, options: Options) -> None:
    console.print(f"[bold]Findings[/bold] ({len(c.findings)})")
    for finding in c.findings[: 40 if not options.verbose else None]:
        where = f" in {finding.symbol}" if finding.symbol else ""
        head = f"  {finding.span.line:>5}  {finding.rule} {finding.name}"
        console.print(_t(f"{head}{where}: {finding.message}"))
    if len(c.findings) > 40 and not options.verbose:
        console.print(f"  ... and {len(c.findings) - 40} more (--verbose lists all)")


#: functions in the estimate table of ``goport explain``
ESTIMATE_ROWS = 8
#: an estimate this many times off the measured share (either way) is called out
ESTIMATE_OFF = 3.0


def _pct(x: float | None) -> str:
    if x is None:
        return "-"
    if x <= 0:
        return "0%"
    return "<0.1%" if x < 0.001 else f"{x:.1%}"


def _estimate(console: Console, c: Candidate) -> None:
    """The static estimate of where time goes; beside the measured shares when profiled."""
    e = c.estimate
    if e is None:
        return
    line = estimated_line(e)
    if c.hotness is not None:
        h = c.hotness
        line += f"; measured: {_pct(h.self_share)} of samples in its own code"
    console.print(_t(line + "."))
    if e.functions and len(e.functions[0].chain) > 1:
        console.print(_t("  hottest call chain: ", " -> ".join(e.functions[0].chain)))
    if c.hotness is not None:
        _estimate_vs_measured(console, c, e.functions, c.hotness.by_function)
        return
    table = Table(title="Where the estimate puts this module's time", box=box.SIMPLE_HEAD)
    table.add_column("function")
    table.add_column("share", justify="right")
    table.add_column("runs", justify="right")
    table.add_column("from (hottest chain)", overflow="fold")
    for fn in e.functions[:ESTIMATE_ROWS]:
        table.add_row(
            _t(fn.qualname),
            _pct(fn.share),
            f"{fn.frequency:.3g}",
            _t(" -> ".join(fn.chain[:-1]) or "entry point"),
        )
    console.print(table)


def _estimate_vs_measured(
    console: Console,
    c: Candidate,
    estimated: tuple[FunctionEstimate, ...],
    measured: tuple[FunctionHotness, ...],
) -> None:
    """Per function, the share of this module's time the estimate gives and the profile shows."""
    title = "Estimated vs measured, as shares of this module's own time"
    # as wide as its title, which rich would otherwise wrap over a narrow table
    table = Table(title=title, box=box.SIMPLE_HEAD, min_width=len(title))
    table.add_column("function")
    table.add_column("estimated", justify="right")
    table.add_column("measured", justify="right")
    table.add_column("the estimate", overflow="fold")
    for name, est, meas in compared_shares(estimated, measured):
        table.add_row(_t(name), _pct(est), _pct(meas), estimate_verdict(est, meas))
    console.print(table)


def compared_shares(
    estimated: Sequence[FunctionEstimate], measured: Sequence[FunctionHotness]
) -> list[tuple[str, float | None, float | None]]:
    """(function, estimated, measured share of the module's own time), the most measured
    first: the functions the profile or the estimate put first, at most ESTIMATE_ROWS + 4."""
    est_total = sum(f.share for f in estimated)
    measured_total = sum(f.self_share for f in measured)
    est = {f.qualname: f.share / est_total for f in estimated} if est_total > 0 else {}
    meas = {f.qualname: f.self_share / measured_total for f in measured} if measured_total else {}
    names = [f.qualname for f in measured[:ESTIMATE_ROWS]]
    names += [f.qualname for f in estimated[:ESTIMATE_ROWS] if f.qualname not in names]
    names.sort(key=lambda q: (-meas.get(q, 0.0), -est.get(q, 0.0), q))
    return [(name, est.get(name), meas.get(name)) for name in names[: ESTIMATE_ROWS + 4]]


def estimate_verdict(estimated: float | None, measured: float | None) -> str:
    est, meas = estimated or 0.0, measured or 0.0
    if meas <= 0:
        return "not in the profile" if est >= 0.05 else ""
    if est <= 0:
        return "missed: no static path reaches it"
    ratio = est / meas
    if ratio >= ESTIMATE_OFF:
        return f"{ratio:.0f}x too high"
    if ratio <= 1 / ESTIMATE_OFF:
        return f"{1 / ratio:.0f}x too low"
    return "close"
