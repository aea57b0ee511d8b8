"""``--format text``: one plain line per module, for pipes, ``grep``, ``cut`` and ``sort``.

What ``goport scan`` prints when stdout is not a terminal and no format was asked for (as ruff
and pip switch to plain output when piped). Tab-separated fields, always the same five, in rank
order::

    demo_service/tokenizer.py<TAB>1<TAB>114.6<TAB>go-extension<TAB>M 7-13d

path, rank, score (one decimal, as every format shows it), strategy, effort (``-`` when the
module stays in Python). A file goport could not analyse is a line of its own, after them, with
``error`` as its rank, ``-`` as its score, the stage that failed as its strategy and the reason
as its last field, so nothing is lost and the shape holds. No colour,
no header, no legend, no wrapping; names from the scanned tree are escaped (``printable``: a tab
or a line break in a file name cannot add a field or a line) and no line can be read as a CI
workflow command (``inert``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from goport.reports import Options, points
from goport.reports.columns import effort_cell
from goport.text import inert, printable

if TYPE_CHECKING:
    from goport.model import RunResult


def _line(*fields: str) -> str:
    return inert("\t".join(printable(f) for f in fields))


def render(result: RunResult, options: Options) -> str:
    lines = [
        _line(c.rel_path, str(c.rank), points(c.score), c.strategy.value, effort_cell(c))
        for c in result.candidates
    ]
    lines += [_line(e.rel_path, "error", "-", e.stage, e.message) for e in result.errors]
    return "\n".join(lines) + ("\n" if lines else "")
