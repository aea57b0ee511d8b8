"""Workload of benchmarks/measured.py for rich: render rich output to a terminal.

What command-line tools do with rich: print tables, Markdown, pretty-printed data structures,
trees, panels, progress bars and log lines with markup and highlighting. The console writes to
an in-memory file with a fixed width and true colour, so the whole rendering path runs (styles,
segments, measuring, wrapping, ANSI codes) without a terminal.

Run with the Python of a venv that has rich installed:  python workloads/rich.py [SCALE]
"""

import io
import os
import random
import sys

# this file is named like the package: keep its folder off sys.path, so that ``import rich``
# finds the installed package and not this script
_HERE = os.path.dirname(os.path.realpath(__file__))
sys.path[:] = [p for p in sys.path if os.path.realpath(p or os.curdir) != _HERE]

from rich.console import Console
from rich.markdown import Markdown
from rich.panel import Panel
from rich.pretty import Pretty
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.tree import Tree

_WORDS = "alpha beta gamma delta server client request latency error retry cache queue"
WORDS = _WORDS.split()

MARKDOWN = """
# Release notes

Version **2.4** brings *faster* start-up, a new `--json` flag and [docs](https://example.org).

## Changes

1. The cache is now **shared** between workers.
2. Retries back off exponentially:
   - first retry after `0.1 s`
   - then doubling, up to `30 s`
3. Removed the deprecated `legacy` mode.

> Upgrading from 1.x? Read the *migration guide* first.

| setting | default | meaning |
|---------|---------|---------|
| workers | 4       | processes |
| timeout | 30      | seconds |
"""


def table(rng: random.Random, rows: int) -> Table:
    t = Table(title="Requests", show_lines=False, header_style="bold magenta")
    t.add_column("id", justify="right", style="cyan", no_wrap=True)
    t.add_column("endpoint", style="green")
    t.add_column("status")
    t.add_column("latency", justify="right")
    t.add_column("note", ratio=1)
    for i in range(rows):
        status = rng.choice(["[green]200[/]", "[yellow]304[/]", "[red]500[/]", "[bold red]503[/]"])
        note = " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 12)))
        t.add_row(
            str(i), f"/api/{rng.choice(WORDS)}/{i}", status, f"{rng.uniform(1, 900):.1f} ms", note
        )
    return t


def tree(rng: random.Random) -> Tree:
    root = Tree("[bold]project")
    for i in range(6):
        branch = root.add(f"[blue]{rng.choice(WORDS)}_{i}/")
        for j in range(8):
            branch.add(f"{rng.choice(WORDS)}_{j}.py [dim]({rng.randint(10, 900)} lines)")
    return root


def main(scale: float) -> None:
    rng = random.Random(8)
    out = io.StringIO()
    console = Console(file=out, width=110, force_terminal=True, color_system="truecolor")
    data = {
        w: [rng.randint(0, 99), {"nested": rng.random(), "flag": i % 2 == 0}]
        for i, w in enumerate(WORDS)
    }
    for round_ in range(int(80 * scale)):
        console.print(table(rng, 40))
        console.print(Markdown(MARKDOWN))
        console.print(Pretty(data))
        console.print(tree(rng))
        console.print(
            Panel.fit(f"[bold]round {round_}[/] done: [green]ok[/] :thumbs_up:", title="status")
        )
        for i in range(30):
            console.log(
                f"GET /api/{rng.choice(WORDS)} took {rng.random():.3f}s from 10.0.0.{i}",
                data["alpha"],
            )
        progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TimeRemainingColumn(),
            console=console,
            auto_refresh=False,
        )
        task = progress.add_task("download", total=100)
        for _ in range(20):
            progress.advance(task, 5)
            progress.refresh()
        progress.stop()
    print(f"wrote {len(out.getvalue())} characters", file=sys.stderr)


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 1.0)
