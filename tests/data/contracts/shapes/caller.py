"""Calls shapes' boundary, some of it in loops (test fixture; not run)."""

from . import shapes
from .shapes import Counter, checked, hash64, scale


def run(lines: list[str]) -> int:
    counter = Counter(10)
    total = 0
    for line in lines:
        total += hash64(line.encode())
        counter.add(line)
        for word in line.split():
            total += checked(len(word))
    scale([], 2.5, {}, 1)
    sizes = [shapes.uses_checked(n) for n in range(3)]
    return total + len(counter) + sum(sizes)
