"""GP2xx: threads, locks, queues, asyncio and sockets: the concurrency Go has built in.

Every detector here recognises library calls by their resolved dotted name, so import aliases
work (``import threading as th; th.Lock()``). A cheap check of the call's last name part runs
first; the alias table is consulted only for calls that could match.
"""

from __future__ import annotations

from goport.detectors.base import Detector, rules_in

#: one module per rule, in id order; each defines exactly one rule class
RULES = (
    "gp201_threads",
    "gp202_lock_primitives",
    "gp203_thread_queue",
    "gp204_thread_pool",
    "gp205_asyncio_fan_out",
    "gp206_asyncio_primitives",
    "gp207_async_density",
    "gp208_sockets_and_selectors",
    "gp209_green_threads",
)

DETECTORS: tuple[type[Detector], ...] = rules_in(__name__, RULES)
