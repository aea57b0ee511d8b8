"""The plan as JSON (``schemas/plan.schema.json``), a Markdown design-review document, or a
terminal view. Every name from the scanned tree is shown escaped (``printable``; Markdown's own
escaping in ``reports.markdown``; rich ``Text``, never markup)."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from goport.reports import Options, dumps
from goport.reports import markdown as md
from goport.reports.terminal import _console, _t
from goport.roadmap.model import Contract, ContractKind, Gain, Risk, Seam, Step
from goport.roadmap.roadmap import Plan
from goport.text import inert_lines, printable

PLAN_SCHEMA_VERSION = 1


def schema() -> dict[str, Any]:
    text = resources.files("goport").joinpath("schemas/plan.schema.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


# -- JSON ----------------------------------------------------------------------------------------


def _contract(c: Contract) -> dict[str, Any]:
    return {
        "kind": c.kind.value,
        "filename": c.filename,
        "names": list(c.names),
        "unknown_types": list(c.unknown_types),
        "chatty": list(c.chatty),
        "text": c.text,
    }


def risk_lines(risks: tuple[Risk, ...], *, go: bool = True) -> list[str]:
    """One line per distinct risk (same file, kind and message), naming every line it is at:
    a scanner that measures ``len(s)`` in seven places is one risk to handle, seen seven times.
    The JSON keeps each occurrence."""
    lines: dict[tuple[str, str, str, str], list[int]] = {}
    for r in risks:
        lines.setdefault((r.rel_path, r.kind, r.message, r.go_note), []).append(r.line)
    out = []
    for (path, kind, message, note), at in lines.items():
        first, *more = sorted(set(at))
        also = (
            f" (also line{'s' if len(more) > 1 else ''} {', '.join(map(str, more))})"
            if more
            else ""
        )
        out.append(f"{path}:{first}{also} [{kind}] {message}" + (f" Go: {note}" if go else ""))
    return out


def _risk(r: Risk) -> dict[str, Any]:
    return {
        "kind": r.kind,
        "path": r.rel_path,
        "line": r.line,
        "message": r.message,
        "go_note": r.go_note,
    }


def _seam(s: Seam) -> dict[str, Any]:
    return {"kind": s.kind, "between": list(s.between), "why": s.why}


def _step(plan: Plan, s: Step) -> dict[str, Any]:
    e = s.effort
    return {
        "number": s.number,
        "wave": s.wave,
        "modules": list(s.modules),
        "strategy": s.strategy.value,
        "why": s.why,
        "gain": {
            "low": s.gain.low,
            "high": s.gain.high,
            "basis": s.gain.basis,
            "assumptions": s.gain.assumptions,
        },
        "effort": None
        if e is None
        else {
            "size": e.size,
            "days_low": e.days_low,
            "days_high": e.days_high,
            "explanation": e.explanation,
        },
        "risks": [_risk(r) for r in s.risks],
        "requires": list(s.requires),
        "contract": None if s.contract is None else _contract(s.contract),
        "contracts": [_contract(c) for n, c in plan.contracts if n == s.number],
        "seams": [_seam(x) for x in s.seams],
        "tests_first": list(s.tests_first),
    }


def _days(plan: Plan) -> tuple[int, int]:
    low = sum(s.effort.days_low for s in plan.steps if s.effort)
    high = sum(s.effort.days_high for s in plan.steps if s.effort)
    return low, high


def document(plan: Plan) -> dict[str, Any]:
    low, high = _days(plan)
    return {
        "schema_version": PLAN_SCHEMA_VERSION,
        "tool_version": plan.tool_version,
        "root": plan.root,
        "time_basis": "measured" if plan.measured else "estimated",
        "summary": {
            "steps": len(plan.steps),
            "waves": plan.waves,
            "modules": sum(len(s.modules) for s in plan.steps),
            "days_low": low,
            "days_high": high,
        },
        "steps": [_step(plan, s) for s in plan.steps],
        "stays_in_python": [{"path": p, "why": why} for p, why in plan.stays],
        "couplings": [
            {"a": c.a, "b": c.b, "shared_commits": c.shared, "degree": c.degree}
            for c in plan.couplings
        ],
        "notes": list(plan.notes),
    }


def render_json(plan: Plan) -> str:
    return dumps(document(plan), indent=2) + "\n"


# -- words shared by Markdown and the terminal ---------------------------------------------------


def _pct(x: float) -> str:
    if x == 0:
        return "0%"
    if x < 0.001:
        return "<0.1%"
    return f"{x:.1%}" if x < 0.1 else f"{x:.0%}"


def gain_text(g: Gain) -> str:
    if g.low is None or g.high is None:
        return "no number"
    return f"{_pct(g.low)}-{_pct(g.high)} of run time ({g.basis})"


def effort_text(s: Step) -> str:
    e = s.effort
    return "-" if e is None else f"{e.size}, {e.days_low}-{e.days_high} days"


def summary_text(plan: Plan) -> str:
    if not plan.steps:
        return "Nothing moves: no module is a Go candidate (goport scan says why for each)."
    low, high = _days(plan)
    modules = sum(len(s.modules) for s in plan.steps)
    basis = (
        "measured with a profile"
        if plan.measured
        else "estimated statically (no profile; goport plan --profile FILE measures them)"
    )
    return (
        f"{len(plan.steps)} step(s) in {plan.waves} wave(s) move {modules} module(s) to Go, "
        f"{low}-{high} person-days in all. Steps of one wave can run in parallel; a step "
        f"starts once the steps it requires are done. Time shares are {basis}."
    )


# -- Markdown ------------------------------------------------------------------------------------


#: the info string of a contract's code block, for syntax highlighting
_LANGUAGE = {
    ContractKind.PROTO: "proto",
    ContractKind.JSON_SCHEMA: "json",
    ContractKind.GO_API: "go",
}


def _fence(text: str, language: str = "") -> str:
    """A fenced code block; tabs (gofmt indents with them) stay, other controls are escaped."""
    longest = max((len(run) for run in md._BACKTICKS.findall(text)), default=0)
    fence = "`" * max(3, longest + 1)
    body = "\n".join(
        "\t".join(printable(part) for part in line.split("\t")) for line in text.splitlines()
    )
    return f"{fence}{language}\n{body}\n{fence}"


def _bullets(items: list[str]) -> list[str]:
    return [f"- {md.text(i)}" for i in items] or ["- none"]


def render_markdown(plan: Plan) -> str:
    out = ["# Go migration plan", "", md.text(summary_text(plan)), ""]
    if plan.steps:
        out += [
            "| Step | Wave | Modules | Strategy | Gain | Effort |",
            "|---:|---:|---|---|---|---|",
        ]
    for s in plan.steps:
        mods = ", ".join(md.code(m, table=True) for m in s.modules)
        out.append(
            f"| {s.number} | {s.wave} | {mods} | {s.strategy.value} | "
            f"{md.text(gain_text(s.gain), table=True)} | {md.text(effort_text(s), table=True)} |"
        )
    if plan.stays:
        out += ["", "Staying in Python, behind a seam:", ""]
        out += [f"- {md.code(p)}: {md.text(why)}" for p, why in plan.stays]
    for s in plan.steps:
        out += [
            "",
            f"## Step {s.number} (wave {s.wave}): " + ", ".join(md.code(m) for m in s.modules),
        ]
        out += ["", f"**Strategy:** {s.strategy.value}. {md.text(s.why)}"]
        out += [
            "",
            f"**Expected gain:** {md.text(gain_text(s.gain))}. {md.text(s.gain.assumptions)}",
        ]
        out += ["", f"**Effort:** {md.text(effort_text(s))}."]
        if s.effort is not None:
            out[-1] += " " + md.text(s.effort.explanation)
        out += ["", "**Requires first:**", "", *_bullets(list(s.requires))]
        if s.seams:
            out += ["", "**Seams:**", ""]
            out += [f"- {s_.kind}: {md.text(s_.why)}" for s_ in s.seams]
        out += ["", "**Tests to write first** (boundary names no test exercises):", ""]
        out += _bullets(list(s.tests_first))
        out += ["", "**Semantic risks:**", ""]
        out += _bullets(risk_lines(s.risks))
        out += ["", "**Boundary contract:**", ""]
        if s.contract is None:
            out.append("- none generated")
        else:
            c = s.contract
            out.append(f"{md.code(c.filename)} ({c.kind.value}), covering {len(c.names)} name(s).")
            if c.unknown_types:
                out += ["", "Types to pin:", "", *_bullets(list(c.unknown_types))]
            if c.chatty:
                out += ["", "Chatty call sites:", "", *_bullets(list(c.chatty))]
            out += ["", _fence(c.text, _LANGUAGE[c.kind])]
    if plan.couplings:
        out += ["", "## Temporal coupling (git history)", ""]
        out += [
            f"- {md.code(c.a)} and {md.code(c.b)}: {c.shared} shared commits, {c.degree:.0%}"
            for c in plan.couplings
        ]
    if plan.notes:
        out += ["", "## Notes", "", *_bullets(list(plan.notes))]
    out += ["", f"<sub>goport {md.text(plan.tool_version)}: `goport plan`</sub>", ""]
    return "\n".join(out)


# -- terminal ------------------------------------------------------------------------------------


def render_terminal(plan: Plan, options: Options) -> str:
    console, buffer = _console(options)
    console.print(_t(("Go migration plan", "bold")))
    console.print(_t(summary_text(plan)))
    table = Table(box=None, pad_edge=False, show_header=True, header_style="bold")
    table.add_column("#", justify="right")
    table.add_column("wave", justify="right")
    longest = max((len(printable(m)) for s in plan.steps for m in s.modules), default=8)
    table.add_column("modules", overflow="fold", min_width=min(longest, 32))
    table.add_column("strategy")
    table.add_column("gain", overflow="fold")
    table.add_column("effort")
    for s in plan.steps:
        table.add_row(
            str(s.number),
            str(s.wave),
            Text("\n").join(_t(m) for m in s.modules),
            s.strategy.value,
            gain_text(s.gain).split(" of run time")[0],
            effort_text(s),
        )
    if plan.steps:
        console.print()
        console.print(table)
    for s in plan.steps:
        _terminal_step(console, s)
    if plan.stays:
        console.print()
        console.print(_t(("Staying in Python, behind a seam", "bold")))
        for p, why in plan.stays:
            console.print(_t("  ", (p, "cyan"), f": {why}"))
    for note in plan.notes:
        console.print(_t(("note: ", "yellow"), note))
    return inert_lines(buffer.getvalue())


def _terminal_step(console: Console, s: Step) -> None:
    console.print()
    console.print(
        _t((f"Step {s.number} (wave {s.wave}): ", "bold"), (", ".join(s.modules), "bold cyan"))
    )
    rows: list[tuple[str, str]] = [
        ("strategy", f"{s.strategy.value}: {s.why}"),
        ("gain", f"{gain_text(s.gain)}. {s.gain.assumptions}"),
        ("effort", effort_text(s)),
    ]
    rows += [("requires", r) for r in s.requires]
    rows += [(f"seam ({x.kind})", x.why) for x in s.seams]
    rows += [("test first", t) for t in s.tests_first]
    rows += [("risk", line) for line in risk_lines(s.risks, go=False)]
    if s.contract is not None:
        rows.append(("contract", f"{s.contract.filename} ({s.contract.kind.value})"))
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True, style="dim")
    grid.add_column(overflow="fold")
    for label, value in rows:
        grid.add_row(_t(f"  {label}"), _t(value))
    console.print(grid)
