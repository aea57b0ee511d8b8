"""Import graph: fan-in/out, used names and which tests exercise a module."""

from __future__ import annotations

import textwrap

from goport.extract import extract
from goport.graph import build
from goport.model import SourceFile


def m(rel: str, module: str, code: str, is_test: bool = False):
    return extract(SourceFile(rel, rel, module, is_test), textwrap.dedent(code).encode())


def test_boundaries() -> None:
    mods = [
        m("app/__init__.py", "app", ""),
        m(
            "app/tokenizer.py",
            "app.tokenizer",
            "class Tokenizer: ...\ndef tokenize(s): ...\ndef _private(): ...\n",
        ),
        m(
            "app/api.py",
            "app.api",
            "from app.tokenizer import Tokenizer\nfrom . import tokenizer\ndef h():\n    tokenizer.tokenize('x')\n",
        ),
        m(
            "app/ingest.py",
            "app.ingest",
            "import app.tokenizer as tk\nimport json\ndef run():\n    return tk.tokenize('y')\n",
        ),
        m("app/cli.py", "app.cli", "from app import api, ingest\n"),
        m("tests/test_tok.py", "test_tok", "from app.tokenizer import tokenize\n", is_test=True),
    ]
    g = build(mods)
    tok = g.boundary("app.tokenizer")
    assert tok.fan_in == 2
    assert tok.imported_by == ("app.api", "app.ingest")
    assert tok.used_names == ("Tokenizer", "tokenize")
    assert tok.tested_by == ("test_tok",)
    cli = g.boundary("app.cli")
    assert cli.fan_out == 2 and cli.imports == ("app.api", "app.ingest")
    assert g.boundary("app.api").fan_in == 1
    assert g.boundary("nonexistent").fan_in == 0
