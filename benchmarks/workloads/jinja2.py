"""Workload of benchmarks/measured.py for jinja2: compile templates and render them.

What a web application does with jinja2: a page layout, a child template that extends it with
blocks, a macro library and an include; compiled in a fresh Environment each round (a process
start, a reload, or an app creating environments per tenant), then rendered many times with
loops, conditionals, filters and autoescape on.

Run with the Python of a venv that has jinja2 installed:  python workloads/jinja2.py [SCALE]
"""

import os
import random
import sys

# this file is named like the package: keep its folder off sys.path, so that ``import jinja2``
# finds the installed package and not this script
_HERE = os.path.dirname(os.path.realpath(__file__))
sys.path[:] = [p for p in sys.path if os.path.realpath(p or os.curdir) != _HERE]

import jinja2

TEMPLATES = {
    "base.html": """<!doctype html>
<html lang="{{ lang|default('en') }}">
<head><title>{% block title %}{{ site.name|title }}{% endblock %}</title>
{% for css in site.stylesheets %}<link rel="stylesheet" href="{{ css|urlencode }}">{% endfor %}
</head>
<body class="{{ body_class|default('page')|lower }}">
<nav>{% for item in site.menu %}<a href="{{ item.url }}"{% if item.active %} class="active"{% endif %}>{{ item.label|e }}</a>{% if not loop.last %} | {% endif %}{% endfor %}</nav>
<main>{% block content %}{% endblock %}</main>
<footer>{% include "footer.html" %}</footer>
</body></html>""",
    "footer.html": """<p>&copy; {{ site.year }} {{ site.name }} - {{ site.links|map(attribute='label')|join(', ') }}</p>
{% for link in site.links|sort(attribute='label') %}<a href="{{ link.url }}">{{ link.label|upper }}</a>{% endfor %}""",
    "macros.html": """{% macro price(value, currency='EUR') -%}
{{ '%.2f'|format(value) }} {{ currency }}
{%- endmacro %}
{% macro badge(tags) -%}
{% for tag in tags|unique|sort %}<span class="tag tag-{{ loop.index }}">{{ tag|capitalize }}</span>{% endfor %}
{%- endmacro %}
{% macro row(product, odd) -%}
<tr class="{{ 'odd' if odd else 'even' }}{% if product.stock == 0 %} sold-out{% endif %}">
<td>{{ product.id }}</td><td>{{ product.name|truncate(30)|e }}</td>
<td>{{ price(product.price) }}</td><td>{{ badge(product.tags) }}</td>
<td>{{ product.description|wordcount }} words</td>
<td>{% if product.rating >= 4 %}&#9733;{% elif product.rating >= 2 %}&#9734;{% else %}-{% endif %}</td>
</tr>
{%- endmacro %}""",
    "catalog.html": """{% extends "base.html" %}
{% import "macros.html" as m %}
{% block title %}{{ category.name }} - {{ super() }}{% endblock %}
{% block content %}
<h1>{{ category.name|title }} <small>({{ products|length }} products)</small></h1>
{% set total = products|sum(attribute='price') %}
<p>Average price: {{ m.price(total / (products|length or 1)) }}</p>
<table>
{% for product in products if product.visible %}
{{ m.row(product, loop.cycle(True, False)) }}
{% else %}<tr><td colspan="6">Nothing here.</td></tr>
{% endfor %}
</table>
{% for group, items in products|groupby('brand') %}
<h2>{{ group }}</h2><ul>{% for p in items|sort(attribute='price', reverse=True) %}<li>{{ p.name }}: {{ m.price(p.price) }}</li>{% endfor %}</ul>
{% endfor %}
<p>{{ "<script>alert(1)</script>" }} {{ notes|safe }}</p>
{% endblock %}""",
}

_WORDS = "alpha beta gamma delta lamp chair table sofa desk shelf mirror rug clock vase"
WORDS = _WORDS.split()


def make_context(rng: random.Random, n: int) -> dict:
    products = [
        {
            "id": i,
            "name": " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 6))),
            "price": round(rng.uniform(3, 900), 2),
            "tags": [rng.choice(WORDS) for _ in range(rng.randint(0, 5))],
            "description": " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 40))),
            "rating": rng.randint(0, 5),
            "stock": rng.randint(0, 3),
            "brand": rng.choice(["Acme", "Globex", "Initech", "Umbrella"]),
            "visible": rng.random() > 0.1,
        }
        for i in range(n)
    ]
    return {
        "site": {
            "name": "the furniture store",
            "year": 2024,
            "stylesheets": ["/static/main.css", "/static/print css.css"],
            "menu": [{"url": f"/c/{w}", "label": w, "active": w == "desk"} for w in WORDS[:8]],
            "links": [{"url": f"/p/{w}", "label": w} for w in WORDS[8:]],
        },
        "category": {"name": "desks and tables"},
        "products": products,
        "notes": "<em>prices include VAT</em>",
    }


def main(scale: float) -> None:
    rng = random.Random(8)
    context = make_context(rng, 60)
    size = 0
    for _ in range(int(110 * scale)):
        env = jinja2.Environment(
            loader=jinja2.DictLoader(TEMPLATES), autoescape=True, trim_blocks=True
        )
        template = env.get_template("catalog.html")
        for _ in range(12):
            size += len(template.render(context))
    print(f"rendered {size} characters", file=sys.stderr)


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 1.0)
