"""Terminal output with rich: the ranked table, and ``goport explain`` for one module.

Everything taken from scanned source goes through ``escape`` so that square brackets in a
name or message are shown, not read as rich markup.
"""

from __future__ import annotations

import io

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from goport.model import Candidate, RunResult, Strategy
from goport.reports import Options

STYLE = {
    Strategy.GO_SERVICE: "bold green",
    Strategy.GO_WORKER: "bold green",
    Strategy.GO_CLI: "bold green",
    Strategy.OPTIMISE_FIRST: "yellow",
    Strategy.KEEP: "dim",
}


def _console(options: Options) -> tuple[Console, io.StringIO]:
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        force_terminal=options.color,
        no_color=not options.color,
        color_system="standard" if options.color else None,
        width=options.width or 120,
        highlight=False,
        emoji=False,
    )
    return console, buffer


def bar(score: float, width: int = 10) -> str:
    filled = round(score / 100 * width)
    return "█" * filled + "░" * (width - filled)


def top_reasons(c: Candidate, n: int = 2) -> str:
    shown = [f for f in c.factors if f.name != "bounds"]
    positive = sorted((f for f in shown if f.contribution > 0), key=lambda f: -f.contribution)
    negative = sorted((f for f in shown if f.contribution < 0), key=lambda f: f.contribution)
    parts = [f"+{f.contribution:g} {f.name}" for f in positive[:n]]
    parts += [f"{f.contribution:g} {f.name}" for f in negative[:1]]
    text = ", ".join(parts)
    if c.hotness is not None:
        text = (
            f"{c.hotness.total_share:.0%} of samples, {c.hotness.self_share:.0%} self in Python; "
            + text
        )
    if c.functions:
        hottest = c.functions[0]
        text += f"; hottest: {hottest.qualname} at line {hottest.span.line}"
    return text


def render(result: RunResult, options: Options) -> str:
    console, buffer = _console(options)
    s = result.summary
    console.print(
        f"[bold]goport[/bold] {escape(result.tool_version)} - {s.files_analysed} of "
        f"{s.files_discovered} Python files analysed ({s.test_files} tests), "
        f"{s.candidates} candidate modules, {s.findings} findings"
    )
    if result.profile is not None:
        p = result.profile
        console.print(
            f"profile: {p.samples} samples from {len(p.files)} file(s), "
            f"{p.match_rate:.0%} matched to this tree"
        )
        for w in p.warnings:
            console.print(f"[yellow]warning:[/yellow] {escape(w)}")
    if result.diff is not None:
        d = result.diff
        console.print(
            f"diff against {escape(d.base)} ({d.base_commit[:12]}): {len(d.changed)} changed "
            "Python file(s); reporting only those"
        )
        for x in d.deltas:
            if not (x.notes or x.rel_path in d.changed):
                continue
            before = "-" if x.before is None else f"{x.before:g}"
            after = "-" if x.after is None else f"{x.after:g}"
            notes = f" ({escape(', '.join(x.notes))})" if x.notes else ""
            console.print(f"  {escape(x.rel_path)}: {before} -> {after}{notes}")
    if result.baseline is not None:
        console.print(f"baseline {escape(result.baseline)}: reporting only what it does not know")
    if result.candidates:
        table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
        table.add_column("#", justify="right")
        table.add_column("score", justify="right")
        table.add_column("", no_wrap=True)
        table.add_column("module", overflow="fold")
        table.add_column("strategy", no_wrap=True)
        table.add_column("effort", justify="right", no_wrap=True)
        table.add_column("why", overflow="fold")
        for c in result.candidates:
            table.add_row(
                str(c.rank),
                f"{c.score:.0f}",
                bar(c.score),
                escape(c.rel_path),
                Text(c.strategy.value, style=STYLE[c.strategy]),
                f"{c.effort.size} {c.effort.days_low}-{c.effort.days_high}d",
                escape(top_reasons(c)),
            )
        console.print(table)
    else:
        console.print("No candidate modules matched the filters.")
    if result.decided:
        console.print("[bold]Decided[/bold] (marked keep-python):")
        for decided in result.decided:
            console.print(f"  {escape(decided.rel_path)}: {escape(decided.reason)}")
    if result.errors:
        console.print(f"[bold yellow]{len(result.errors)} file(s) not analysed[/bold yellow]:")
        for e in result.errors[: 20 if not options.verbose else None]:
            console.print(f"  {escape(e.rel_path)} ({e.stage}): {escape(e.message)}")
        if len(result.errors) > 20 and not options.verbose:
            console.print(f"  ... and {len(result.errors) - 20} more (--verbose lists all)")
    if result.gate is not None:
        if result.gate.tripped:
            console.print("[bold red]gate tripped[/bold red]:")
            for reason in result.gate.reasons:
                console.print(f"  {escape(reason)}")
        else:
            console.print("gate passed")
    if result.candidates:
        first = result.candidates[0].rel_path
        console.print(
            f"\nNext: [bold]goport explain {escape(first)}[/bold] for every factor, hot function "
            "and Go idiom; add [bold]--profile prof.json[/bold] (see goport profile) to rank by "
            "measured time."
        )
    return buffer.getvalue()


def render_explain(c: Candidate, options: Options) -> str:
    console, buffer = _console(options)
    console.print(
        f"[bold]{escape(c.rel_path)}[/bold] ({escape(c.module)}) - rank {c.rank}, "
        f"score [bold]{c.score:g}[/bold] {bar(c.score)}"
    )
    console.print(
        Text.assemble("strategy: ", (c.strategy.value, STYLE[c.strategy]), f" - {c.strategy_reason}")
    )
    table = Table(title="Why this score (the contributions add up to it)", box=box.SIMPLE_HEAD)
    table.add_column("factor")
    table.add_column("value", justify="right")
    table.add_column("points", justify="right")
    table.add_column("explanation", overflow="fold")
    for f in c.factors:
        table.add_row(f.name, f"{f.value:g}", f"{f.contribution:+g}", escape(f.explanation))
    table.add_row("[bold]score[/bold]", "", f"[bold]{c.score:g}[/bold]", "")
    console.print(table)
    if c.hotness is not None:
        h = c.hotness
        console.print(
            f"Measured: {h.total_share:.0%} of samples, {h.self_share:.0%} self in Python, "
            f"{h.library_share:.0%} in libraries called from here ({h.samples} samples)."
        )
    if c.functions:
        ft = Table(title="Hot functions", box=box.SIMPLE_HEAD)
        ft.add_column("function")
        ft.add_column("lines", no_wrap=True)
        ft.add_column("cc", justify="right")
        ft.add_column("heat", justify="right")
        ft.add_column("why / Go sketch", overflow="fold")
        for fn in c.functions:
            why = ", ".join(fn.reasons) or "complexity and loops"
            if fn.measured is not None:
                why = f"{fn.measured.self_share:.0%} self, {fn.measured.total_share:.0%} total; " + why
            ft.add_row(
                escape(fn.qualname),
                f"{fn.span.line}-{fn.span.end_line}",
                str(fn.complexity),
                f"{fn.heat:.2f}",
                escape(why) + "\n" + escape(fn.signature),
            )
        console.print(ft)
    if c.idioms:
        it = Table(title="Python construct -> Go idiom", box=box.SIMPLE_HEAD)
        it.add_column("rule")
        it.add_column("python")
        it.add_column("go", overflow="fold")
        it.add_column("lines", overflow="fold")
        for i in c.idioms:
            it.add_row(i.rule, escape(i.python), escape(i.go), ", ".join(map(str, i.lines[:8])))
        console.print(it)
    b = c.boundary
    console.print("[bold]Boundary[/bold]")
    console.print(
        f"  imported by {b.fan_in} module(s): {escape(', '.join(b.imported_by)) or '-'}\n"
        f"  names used from outside: {escape(', '.join(b.used_names)) or '-'}\n"
        f"  imports {b.fan_out} project module(s): {escape(', '.join(b.imports)) or '-'}\n"
        f"  tested by: {escape(', '.join(b.tested_by)) or 'no test module found'}"
    )
    if c.blockers:
        console.print("[bold]Blockers[/bold]")
        for blocker in c.blockers:
            console.print(f"  - {escape(blocker)}")
    if c.python_first:
        console.print("[bold]Try in Python first[/bold]")
        for tip in c.python_first:
            console.print(f"  - {escape(tip)}")
    e = c.effort
    console.print(f"[bold]Effort[/bold]: {e.size}, about {e.days_low}-{e.days_high} days ({escape(e.explanation)})")
    if c.findings:
        console.print(f"[bold]Findings[/bold] ({len(c.findings)})")
        for finding in c.findings[: 40 if not options.verbose else None]:
            where = f" in {finding.symbol}" if finding.symbol else ""
            console.print(
                f"  {finding.span.line:>5}  {finding.rule} {finding.name}{escape(where)}: "
                f"{escape(finding.message)}"
            )
        if len(c.findings) > 40 and not options.verbose:
            console.print(f"  ... and {len(c.findings) - 40} more (--verbose lists all)")
    return buffer.getvalue()
