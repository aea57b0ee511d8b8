"""Workload of benchmarks/measured.py for jsonschema: validate API payloads against a schema.

What web services and config loaders do with jsonschema: validate many JSON documents against a
real-world schema (draft 2020-12, ``$defs`` and ``$ref``, ``oneOf``/``anyOf``, patterns,
formats, enums, bounds, ``additionalProperties``): ``is_valid`` on every payload, and
``iter_errors`` with ``best_match`` on the invalid ones to report what is wrong.

Run with the Python of a venv that has jsonschema installed:  python workloads/jsonschema.py [SCALE]
"""

import os
import random
import sys

# this file is named like the package: keep its folder off sys.path, so that
# ``import jsonschema`` finds the installed package and not this script
_HERE = os.path.dirname(os.path.realpath(__file__))
sys.path[:] = [p for p in sys.path if os.path.realpath(p or os.curdir) != _HERE]

import jsonschema
from jsonschema.exceptions import best_match

SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://example.org/order.schema.json",
    "type": "object",
    "required": ["id", "customer", "items", "status", "created"],
    "additionalProperties": False,
    "properties": {
        "id": {"type": "string", "pattern": "^ord_[0-9a-f]{12}$"},
        "status": {"enum": ["new", "paid", "shipped", "cancelled"]},
        "created": {"type": "string", "format": "date-time"},
        "customer": {"$ref": "#/$defs/customer"},
        "items": {
            "type": "array",
            "minItems": 1,
            "maxItems": 50,
            "items": {"$ref": "#/$defs/item"},
        },
        "payment": {
            "oneOf": [
                {"$ref": "#/$defs/card"},
                {
                    "type": "object",
                    "required": ["iban"],
                    "properties": {
                        "iban": {"type": "string", "pattern": "^[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}$"}
                    },
                },
                {"type": "null"},
            ]
        },
        "tags": {
            "type": "array",
            "uniqueItems": True,
            "items": {"type": "string", "maxLength": 20},
        },
        "notes": {"type": ["string", "null"], "maxLength": 500},
    },
    "$defs": {
        "customer": {
            "type": "object",
            "required": ["name", "email", "address"],
            "properties": {
                "name": {"type": "string", "minLength": 1},
                "email": {"type": "string", "format": "email"},
                "phone": {"type": "string", "pattern": "^\\+?[0-9 ]{6,20}$"},
                "address": {"$ref": "#/$defs/address"},
                "vip": {"type": "boolean"},
            },
        },
        "address": {
            "type": "object",
            "required": ["street", "city", "country"],
            "properties": {
                "street": {"type": "string"},
                "city": {"type": "string"},
                "zip": {"type": "string", "pattern": "^[0-9]{4,6}$"},
                "country": {"type": "string", "minLength": 2, "maxLength": 2},
            },
            "additionalProperties": False,
        },
        "item": {
            "type": "object",
            "required": ["sku", "quantity", "price"],
            "properties": {
                "sku": {"type": "string", "pattern": "^[A-Z]{3}-[0-9]{4}$"},
                "quantity": {"type": "integer", "minimum": 1, "maximum": 1000},
                "price": {"type": "number", "exclusiveMinimum": 0},
                "discount": {
                    "anyOf": [{"type": "number", "minimum": 0, "maximum": 1}, {"const": "free"}]
                },
                "options": {
                    "type": "object",
                    "additionalProperties": {"type": ["string", "number", "boolean"]},
                },
            },
        },
        "card": {
            "type": "object",
            "required": ["number", "expiry"],
            "properties": {
                "number": {"type": "string", "pattern": "^[0-9]{16}$"},
                "expiry": {"type": "string", "pattern": "^(0[1-9]|1[0-2])/[0-9]{2}$"},
            },
        },
    },
}

WORDS = ["red", "blue", "green", "small", "large", "gift", "express", "fragile", "bulk", "sale"]


def order(rng: random.Random) -> dict:
    doc = {
        "id": f"ord_{rng.getrandbits(48):012x}",
        "status": rng.choice(["new", "paid", "shipped", "cancelled"]),
        "created": f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T10:30:00Z",
        "customer": {
            "name": rng.choice(WORDS).title(),
            "email": f"{rng.choice(WORDS)}@example.org",
            "phone": f"+33 {rng.randint(100000000, 999999999)}",
            "address": {"street": "1 main st", "city": "Paris", "zip": "75001", "country": "FR"},
            "vip": rng.random() < 0.1,
        },
        "items": [
            {
                "sku": f"ABC-{rng.randint(1000, 9999)}",
                "quantity": rng.randint(1, 20),
                "price": round(rng.uniform(0.5, 300), 2),
                "discount": rng.choice([0.1, 0.25, "free", 0]),
                "options": {w: rng.choice([True, 3, "x"]) for w in rng.sample(WORDS, 2)},
            }
            for _ in range(rng.randint(1, 12))
        ],
        "payment": rng.choice(
            [{"number": "4" * 16, "expiry": "12/27"}, {"iban": "FR7612345678901234567890"}, None]
        ),
        "tags": rng.sample(WORDS, rng.randint(0, 4)),
        "notes": None,
    }
    if rng.random() < 0.25:  # a broken payload
        broken = rng.randrange(5)
        if broken == 0:
            doc["items"][0]["quantity"] = 0
        elif broken == 1:
            doc["customer"]["address"]["country"] = "France"
        elif broken == 2:
            doc["status"] = "lost"
        elif broken == 3:
            doc["payment"] = {"number": "1234"}
        else:
            doc["extra"] = True
    return doc


def main(scale: float) -> None:
    rng = random.Random(8)
    cls = jsonschema.validators.validator_for(SCHEMA)
    validator = cls(SCHEMA, format_checker=cls.FORMAT_CHECKER)
    valid = invalid = 0
    for _ in range(int(7500 * scale)):
        doc = order(rng)
        if validator.is_valid(doc):
            valid += 1
        else:
            invalid += 1
            error = best_match(validator.iter_errors(doc))
            assert error is not None and error.message
    print(f"{valid} valid, {invalid} invalid payloads", file=sys.stderr)


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 1.0)
