"""Workload of benchmarks/measured.py for mistune: render a large Markdown document to HTML.

What a static-site generator or a documentation build does with mistune: a long document with
headings, paragraphs full of inline markup (emphasis, code, links, images, autolinks), nested
lists, task lists, block quotes, fenced code, tables and footnotes, rendered to HTML repeatedly
by a parser with the usual plugins, plus one pass to mistune's AST.

Run with the Python of a venv that has mistune installed:  python workloads/mistune.py [SCALE]
"""

import os
import random
import sys

# this file is named like the package: keep its folder off sys.path, so that ``import mistune``
# finds the installed package and not this script
_HERE = os.path.dirname(os.path.realpath(__file__))
sys.path[:] = [p for p in sys.path if os.path.realpath(p or os.curdir) != _HERE]

import mistune

_WORDS = (
    "the quick brown fox jumps over lazy dog parser render token block inline markdown "
    "document heading list table code link image quote footnote plugin html escape"
)
WORDS = _WORDS.split()


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(6, 18))]
    for i in range(len(words)):
        r = rng.random()
        if r < 0.05:
            words[i] = f"**{words[i]}**"
        elif r < 0.10:
            words[i] = f"*{words[i]}*"
        elif r < 0.14:
            words[i] = f"`{words[i]}()`"
        elif r < 0.17:
            words[i] = f'[{words[i]}](https://example.org/{words[i]}?q={i} "{words[i]}")'
        elif r < 0.18:
            words[i] = f"![{words[i]}](/img/{words[i]}.png)"
        elif r < 0.19:
            words[i] = f"~~{words[i]}~~"
        elif r < 0.20:
            words[i] = f"https://www.example.com/{words[i]}"
        elif r < 0.21:
            words[i] = f"{words[i]}[^{rng.randint(1, 9)}]"
        elif r < 0.22:
            words[i] = f"{words[i]} & <{words[i]}>"
    return " ".join(words).capitalize() + "."


def section(rng: random.Random, n: int) -> str:
    out = [f"{'#' * rng.randint(1, 3)} Section {n}: {sentence(rng)}", ""]
    for _ in range(rng.randint(2, 4)):
        out += [" ".join(sentence(rng) for _ in range(rng.randint(2, 6))), ""]
    kind = rng.randrange(6)
    if kind == 0:
        for i in range(rng.randint(3, 8)):
            out.append(f"- {sentence(rng)}")
            if rng.random() < 0.4:
                out += [f"    {j + 1}. {sentence(rng)}" for j in range(rng.randint(1, 3))]
    elif kind == 1:
        out += [f"- [{'x' if rng.random() < 0.5 else ' '}] {sentence(rng)}" for _ in range(5)]
    elif kind == 2:
        out += [f"> {sentence(rng)}" for _ in range(rng.randint(2, 5))]
        out += [">", "> > " + sentence(rng)]
    elif kind == 3:
        out += ["```python", *(f"def f{i}(x):\n    return x * {i}" for i in range(6)), "```"]
    elif kind == 4:
        out += ["| name | value | note |", "| :--- | ---: | :---: |"]
        out += [
            f"| {rng.choice(WORDS)} | {rng.randint(1, 999)} | {sentence(rng)} |" for _ in range(8)
        ]
    else:
        out += ["Term one", "", "---", "", "    indented code block", "    second line"]
    out.append("")
    return "\n".join(out)


def document(seed: int, sections: int) -> str:
    rng = random.Random(seed)
    body = "\n".join(section(rng, n) for n in range(sections))
    notes = "\n".join(f"[^{i}]: {sentence(rng)}" for i in range(1, 10))
    return body + "\n" + notes + "\n"


def main(scale: float) -> None:
    text = document(8, 250)
    md = mistune.create_markdown(
        escape=True, plugins=["table", "strikethrough", "footnotes", "url", "task_lists"]
    )
    size = 0
    for _ in range(int(16 * scale)):
        size += len(md(text))
    ast = mistune.create_markdown(renderer=None, plugins=["table", "footnotes"])
    size += len(ast(text))
    print(f"{len(text)} characters of Markdown, rendered {size}", file=sys.stderr)


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 1.0)
