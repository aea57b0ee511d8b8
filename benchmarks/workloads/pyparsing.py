"""Workload of benchmarks/measured.py for pyparsing: parse many inputs with real grammars.

What applications do with pyparsing: an arithmetic/boolean expression language built with
``infix_notation`` (packrat memoisation on, as its documentation advises), a SQL SELECT
grammar, and a JSON grammar, each parsing many generated inputs; parse actions build results.

Run with the Python of a venv that has pyparsing installed:  python workloads/pyparsing.py [SCALE]
"""

import os
import random
import sys

# this file is named like the package: keep its folder off sys.path, so that
# ``import pyparsing`` finds the installed package and not this script
_HERE = os.path.dirname(os.path.realpath(__file__))
sys.path[:] = [p for p in sys.path if os.path.realpath(p or os.curdir) != _HERE]

import pyparsing as pp

pp.ParserElement.enable_packrat()


def expression_grammar() -> pp.ParserElement:
    number = pp.pyparsing_common.number
    keyword = pp.CaselessKeyword("not") | pp.CaselessKeyword("and") | pp.CaselessKeyword("or")
    ident = ~keyword + pp.common.identifier
    expr = pp.Forward()
    call = pp.Group(
        ident + pp.Suppress("(") + pp.Optional(pp.delimited_list(expr)) + pp.Suppress(")")
    )
    operand = call | number | ident | pp.QuotedString('"')
    expr <<= pp.infix_notation(
        operand,
        [
            (pp.one_of("- +"), 1, pp.OpAssoc.RIGHT),
            ("**", 2, pp.OpAssoc.RIGHT),
            (pp.one_of("* / %"), 2, pp.OpAssoc.LEFT),
            (pp.one_of("+ -"), 2, pp.OpAssoc.LEFT),
            (pp.one_of("< <= > >= == !="), 2, pp.OpAssoc.LEFT),
            (pp.CaselessKeyword("not"), 1, pp.OpAssoc.RIGHT),
            (pp.CaselessKeyword("and"), 2, pp.OpAssoc.LEFT),
            (pp.CaselessKeyword("or"), 2, pp.OpAssoc.LEFT),
        ],
    )
    return expr


def sql_grammar() -> pp.ParserElement:
    SELECT, FROM, WHERE, AND, OR, IN, AS, ORDER, BY, LIMIT = map(
        pp.CaselessKeyword,
        ["select", "from", "where", "and", "or", "in", "as", "order", "by", "limit"],
    )
    ident = pp.Word(pp.alphas, pp.alphanums + "_$").set_name("identifier")
    column = pp.delimited_list(ident, ".", combine=True)
    columns = pp.Group(pp.delimited_list(column + pp.Optional(AS + ident)) | "*")
    tables = pp.Group(pp.delimited_list(column + pp.Optional(ident)))
    value = pp.pyparsing_common.number | pp.QuotedString("'") | column
    condition = pp.Group(
        column + pp.one_of("= != < > >= <= like", caseless=True) + value
        | column + IN + pp.Group("(" + pp.delimited_list(value) + ")")
    )
    direction = pp.one_of("asc desc", caseless=True)
    where = pp.infix_notation(condition, [(AND, 2, pp.OpAssoc.LEFT), (OR, 2, pp.OpAssoc.LEFT)])
    return (
        SELECT + columns("columns") + FROM + tables("tables")
        + pp.Optional(WHERE + where("where"))
        + pp.Optional(ORDER + BY + pp.Group(pp.delimited_list(column + pp.Optional(direction))))
        + pp.Optional(LIMIT + pp.pyparsing_common.integer)
        + pp.Optional(";")
    )  # fmt: skip


def json_grammar() -> pp.ParserElement:
    TRUE = pp.Keyword("true").set_parse_action(pp.replace_with(True))
    FALSE = pp.Keyword("false").set_parse_action(pp.replace_with(False))
    NULL = pp.Keyword("null").set_parse_action(pp.replace_with(None))
    string = pp.dbl_quoted_string().set_parse_action(pp.remove_quotes)
    number = pp.pyparsing_common.number()
    obj = pp.Forward()
    value = pp.Forward()
    elements = pp.delimited_list(value)
    array = pp.Group(pp.Suppress("[") + pp.Optional(elements) + pp.Suppress("]"), aslist=True)
    value <<= string | number | pp.Group(obj, aslist=False) | array | TRUE | FALSE | NULL
    member = pp.Group(string + pp.Suppress(":") + value, aslist=True)
    obj <<= pp.Dict(pp.Suppress("{") + pp.Optional(pp.delimited_list(member)) + pp.Suppress("}"))
    return value


NAMES = ["price", "qty", "total", "rate", "tax", "discount", "x", "y", "z", "alpha", "beta"]


def random_expr(rng: random.Random, depth: int = 0) -> str:
    if depth > 3 or rng.random() < 0.3:
        return rng.choice(
            [str(rng.randint(0, 999)), f"{rng.uniform(0, 99):.3f}", rng.choice(NAMES), '"txt"']
        )
    r = rng.random()
    if r < 0.15:
        args = f"{random_expr(rng, depth + 1)}, {random_expr(rng, depth + 1)}"
        return f"{rng.choice(['max', 'min', 'round'])}({args})"
    if r < 0.3:
        return f"({random_expr(rng, depth + 1)})"
    if r < 0.35:
        return f"(not {random_expr(rng, depth + 1)})"
    op = rng.choice(["+", "-", "*", "/", "%", "**", "<", ">=", "==", "and", "or"])
    return f"{random_expr(rng, depth + 1)} {op} {random_expr(rng, depth + 1)}"


def random_sql(rng: random.Random) -> str:
    cols = ", ".join(
        rng.sample(["id", "u.name", "email", "o.total", "created_at"], rng.randint(1, 4))
    )
    cond = " and ".join(
        rng.choice(
            [
                f"o.total > {rng.randint(1, 500)}",
                "u.name like 'A%'",
                "status in ('new', 'paid', 3)",
                "id != 7",
            ]
        )
        for _ in range(rng.randint(1, 3))
    )
    limit = rng.randint(1, 99)
    return f"SELECT {cols} FROM users u, orders o WHERE {cond} ORDER BY id desc LIMIT {limit};"


def random_json(rng: random.Random, depth: int = 0) -> str:
    if depth > 3 or rng.random() < 0.3:
        return rng.choice(
            [
                str(rng.randint(-99, 999)),
                f'"{rng.choice(NAMES)}"',
                "true",
                "null",
                f"{rng.random():.5f}",
            ]
        )
    if rng.random() < 0.5:
        return "[" + ", ".join(random_json(rng, depth + 1) for _ in range(rng.randint(0, 5))) + "]"
    return (
        "{"
        + ", ".join(
            f'"{k}": {random_json(rng, depth + 1)}' for k in rng.sample(NAMES, rng.randint(1, 5))
        )
        + "}"
    )


def main(scale: float) -> None:
    rng = random.Random(8)
    expr, sql, js = expression_grammar(), sql_grammar(), json_grammar()
    count = 0
    for _ in range(int(450 * scale)):
        count += len(expr.parse_string(random_expr(rng), parse_all=True))
    for _ in range(int(300 * scale)):
        count += len(sql.parse_string(random_sql(rng), parse_all=True))
    for _ in range(int(10 * scale)):
        count += len(js.parse_string(random_json(rng), parse_all=True))
    doc = "[" + ", ".join(random_json(rng) for _ in range(int(220 * scale))) + "]"
    count += len(js.parse_string(doc, parse_all=True)[0])
    print(f"parsed {count} top-level results", file=sys.stderr)


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 1.0)
