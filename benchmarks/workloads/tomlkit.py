"""Workload of benchmarks/measured.py for tomlkit: read, edit and write lock and config files.

What a package manager (poetry) or a config tool does with tomlkit: parse a ~100 kB lock file
(an array of 200 ``[[package]]`` tables with inline-table arrays and sub-tables), read every
value out of it, build a new lock file through tomlkit's document API and write it, and edit a
commented configuration file (dotted keys, dates, inline tables, multi-line strings) in place,
keeping its formatting.

Run with the Python of a venv that has tomlkit installed:  python workloads/tomlkit.py [SCALE]
"""

import os
import random
import sys

# this file is named like the package: keep its folder off sys.path, so that ``import tomlkit``
# finds the installed package and not this script
_HERE = os.path.dirname(os.path.realpath(__file__))
sys.path[:] = [p for p in sys.path if os.path.realpath(p or os.curdir) != _HERE]

import tomlkit

_NAMES = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu"
NAMES = _NAMES.split()


def package(rng: random.Random, i: int) -> str:
    name = f"{rng.choice(NAMES)}-{i}"
    files = ",\n".join(
        f'    {{file = "{name}-{v}.tar.gz", hash = "sha256:{rng.getrandbits(256):064x}"}}'
        for v in range(rng.randint(1, 4))
    )
    deps = "\n".join(
        f'{rng.choice(NAMES)}{j} = ">={rng.randint(1, 9)}.{rng.randint(0, 20)}"'
        for j in range(rng.randint(0, 4))
    )
    return f"""
[[package]]
name = "{name}"
version = "{rng.randint(0, 9)}.{rng.randint(0, 30)}.{rng.randint(0, 9)}"
description = "{rng.choice(NAMES)} tools for {rng.choice(NAMES)}"
optional = {str(rng.random() < 0.2).lower()}
python-versions = ">=3.{rng.randint(7, 10)}"
files = [
{files},
]

[package.dependencies]
{deps}
"""


def lock_file(seed: int, packages: int) -> str:
    rng = random.Random(seed)
    body = "".join(package(rng, i) for i in range(packages))
    return body + '\n[metadata]\nlock-version = "2.0"\npython-versions = "^3.10"\n'


def config_file(seed: int, services: int) -> str:
    rng = random.Random(seed)
    out = ['# generated configuration\ntitle = "fleet"\n\n[owner]\nname = "Ops"\n']
    for i in range(services):
        name = f"{rng.choice(NAMES)}_{i}"
        out.append(
            f"""
# service {i}
[services.{name}]
enabled = {str(rng.random() < 0.8).lower()}
replicas = {rng.randint(1, 12)}
ratio = {rng.random():.4f}
owner.team = "{rng.choice(NAMES)}"   # dotted key
started = 2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:30:00Z
window = {{ start = {rng.randint(0, 12):02d}:00:00, end = {rng.randint(13, 23):02d}:00:00 }}
ports = [
    {rng.randint(1000, 9000)},
    {rng.randint(1000, 9000)},  # admin
]
hex = 0x{rng.randint(0, 0xFFFF):04x}
description = \"\"\"
{name} handles {rng.choice(NAMES)} requests.\"\"\"
"""
        )
    return "".join(out)


def rewrite_lock(text: str) -> str:
    """Read every package out of a lock file and write a new one through the document API."""
    doc = tomlkit.parse(text)
    packages = doc["package"].unwrap()
    new = tomlkit.document()
    new.add(tomlkit.comment("regenerated lock file"))
    aot = tomlkit.aot()
    for pkg in sorted(packages, key=lambda p: p["name"]):
        table = tomlkit.table()
        for key in ("name", "version", "description", "optional", "python-versions"):
            table.add(key, pkg[key])
        files = tomlkit.array()
        for f in pkg["files"]:
            inline = tomlkit.inline_table()
            inline.update(f)
            files.append(inline)
        table.add("files", files.multiline(True))
        if pkg.get("dependencies"):
            table.add("dependencies", pkg["dependencies"])
        aot.append(table)
    new.add("package", aot)
    new.add("metadata", doc["metadata"])
    return tomlkit.dumps(new)


def edit_config(text: str, round_: int) -> str:
    doc = tomlkit.parse(text)
    for name, table in list(doc["services"].items())[::3]:
        table["replicas"] = table["replicas"] + round_
        table["tags"] = tomlkit.array(["edited", name])
    doc["owner"]["name"] = f"Ops {round_}"
    return tomlkit.dumps(doc)


def main(scale: float) -> None:
    lock = lock_file(8, 200)
    config = config_file(8, 12)
    size = 0
    for round_ in range(int(10 * scale)):
        size += len(rewrite_lock(lock))
        size += len(edit_config(config, round_))
    print(f"{len(lock)} + {len(config)} characters of TOML, wrote {size}", file=sys.stderr)


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 1.0)
