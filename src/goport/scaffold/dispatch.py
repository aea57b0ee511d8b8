"""The generated files around ``impl.go``: ``dispatch.go`` (the call protocol: a table of the
package's functions and one typed wrapper each), ``golden_test.go`` (the replay of the golden
cases), ``cmd/<name>/main.go`` (the wiring the strategy needs) and ``go.mod``.

The fixed parts are Go files in ``templates/``; only the tables and wrappers are written here,
and every name or string in them from the scanned tree goes through ``names``.
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib import resources

from goport.model import Strategy
from goport.scaffold.model import Crossing, FuncKind, GoFunc, GoPackage, GoParam, GoType
from goport.scaffold.names import comment, go_string
from goport.scaffold.render import doc

_KINDS = {
    "positional": "goportPositional",
    "keyword-only": "goportKeywordOnly",
    "var-positional": "goportVarPositional",
    "var-keyword": "goportVarKeyword",
}
_ROLES = {
    Strategy.GO_WORKER: "In production the queue stands behind this loop: feed it the broker's messages.",
    Strategy.GO_CLI: "The Python shim keeps one process open and writes a line per call.",
}


def block(rows: Iterable[str]) -> str:
    """The rest of a composite literal after its ``{``: one row a line, or ``}`` when empty."""
    text = "".join(rows)
    return "\n" + text + "}\n" if text else "}\n"


def template(name: str) -> str:
    return (resources.files("goport.scaffold") / "templates" / name).read_text("utf-8")


def go_mod(module_path: str) -> str:
    return f"module {module_path}\n\ngo 1.19\n"


def dispatch_go(pkg: GoPackage) -> str:
    text = template("dispatch.go.tmpl").replace("@@PACKAGE@@", pkg.name)
    rows = [_entry(i, f) for i, f in enumerate(pkg.funcs)]
    table = (
        "\n"
        + doc("goportFunctions is every function of the boundary, as the protocol calls it.")
        + "var goportFunctions = []goportFunction{"
        + block(f"\t{r},\n" for r in rows)
    )
    return text + table + "".join("\n" + _wrapper(i, f) for i, f in enumerate(pkg.funcs))


def _entry(i: int, f: GoFunc) -> str:
    keys = [f"{f.module}.{f.qualname}", f.qualname, f.key, f.plan_name]
    params: list[tuple[str, str, str | None]] = []
    if f.kind in _RECEIVED:
        params.append(("self", "positional", None))
    params += [(p.py_name, p.kind, p.default) for p in f.params]
    cells = ", ".join(
        f"{{{go_string(name)}, {_KINDS.get(kind, 'goportPositional')}, {go_string(d or '')}}}"
        for name, kind, d in params
    )
    return (
        f"{{[]string{{{', '.join(go_string(k) for k in keys)}}}, "
        f"[]goportParam{{{cells}}}, goportCall{i}}}"
    )


_RECEIVED = (FuncKind.METHOD, FuncKind.RECORD_METHOD)


def _wrapper(i: int, f: GoFunc) -> str:
    """``goportCall<i>``: decode the arguments into the Go types, call, encode the result."""
    lines: list[str] = []
    offset = 0
    target = f.name
    if f.kind is FuncKind.METHOD:
        lines += [f"self, err := goportHandle[*{f.owner}](args[0], {go_string('self')})"]
        lines += _check("err")
        target, offset = f"self.{f.name}", 1
    elif f.kind is FuncKind.RECORD_METHOD:
        lines += [f"var self {f.owner}"]
        lines += _decode("args[0]", "self", "&self")
        target, offset = f"self.{f.name}", 1
    for n, p in enumerate(f.params):
        lines += _param(n, n + offset, p)
    call_args = ", ".join((["ctx"] if f.context else []) + [f"a{n}" for n in range(len(f.params))])
    call = f"{target}({call_args})"
    lines += _call(f, call)
    head = doc(f"goportCall{i} calls {comment(f.qualname)} ({comment(f.where)}).")
    body = "".join(f"\t{line}\n" for line in lines)
    return head + (
        f"func goportCall{i}(ctx context.Context, args []json.RawMessage) (any, error) {{\n"
        + body
        + "}\n"
    )


def _check(err: str) -> list[str]:
    return [f"if {err} != nil {{", f"\treturn nil, {err}", "}"]


def _decode(raw: str, name: str, into: str) -> list[str]:
    return [
        f"if err := goportArg({raw}, {go_string(name)}, {into}); err != nil {{",
        "\treturn nil, err",
        "}",
    ]


def _param(n: int, index: int, p: GoParam) -> list[str]:
    if p.type.crossing is Crossing.HANDLE:
        raw = f"args[{index}]"
        return [
            f"a{n}, err := goportHandle[{p.type.text}]({raw}, {go_string(p.py_name)})",
            *_check("err"),
        ]
    return [f"var a{n} {p.type.text}", *_decode(f"args[{index}]", p.py_name, f"&a{n}")]


def _call(f: GoFunc, call: str) -> list[str]:
    if f.stream:
        return ["r0, r1 := " + call, "return goportDrain(r0, r1)"]
    if not f.results:
        return [f"if err := {call}; err != nil {{", "\treturn nil, err", "}", "return nil, nil"]
    names = [f"r{n}" for n in range(len(f.results))]
    out = [_result(name, t) for name, t in zip(names, f.results)]
    value = out[0] if len(out) == 1 else "[]any{" + ", ".join(out) + "}"
    return [f"{', '.join(names)}, err := {call}", *_check("err"), f"return {value}, nil"]


def _result(name: str, t: GoType) -> str:
    if t.crossing is Crossing.HANDLE:
        return f"goportKeep({go_string(t.text.lstrip('*'))}, {name})"
    return name


# -- golden_test.go ------------------------------------------------------------------------------


def golden_test_go(pkg: GoPackage) -> str:
    text = template("golden_test.go.tmpl").replace("@@PACKAGE@@", pkg.name)
    rows = (f"\t{{{go_string(f.module)}, {go_string(f.qualname)}}},\n" for f in pkg.funcs)
    return (
        text
        + "\n"
        + doc("goportGolden lists the boundary functions whose golden cases the test replays.")
        + "var goportGolden = []struct{ module, qualname string }{"
        + block(rows)
    )


# -- cmd/<name>/main.go --------------------------------------------------------------------------


def main_go(pkg: GoPackage, import_path: str, name: str) -> str:
    """The command that serves the package the way its strategy needs."""
    if pkg.strategy is Strategy.GO_SERVICE:
        text = template("cmd_service.go.tmpl")
    elif pkg.strategy is Strategy.GO_EXTENSION:
        text = template("cmd_extension.go.tmpl")
    else:
        text = template("cmd_lines.go.tmpl")
    what = comment(", ".join(rel for _m, rel in pkg.modules))
    return (  # the text from the scanned tree goes in last: nothing replaces inside it
        text.replace("@@NAME@@", name)
        .replace("@@STRATEGY@@", pkg.strategy.value)
        .replace("@@ROLE@@", _ROLES.get(pkg.strategy, ""))
        .replace("@@PATH@@", f"./{pkg.name}/cmd/{name}")
        .replace("@@IMPORT@@", import_path)
        .replace("@@WHAT@@", what)
    )
