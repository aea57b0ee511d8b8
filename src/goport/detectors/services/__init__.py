"""GP3xx: service code - handlers, consumers, workers, poll loops, stream stages, server starts.

These are the shapes Go is built for: many concurrent connections, long-running loops that wait
on I/O, and pipelines of stages. A module full of them gains a lot from goroutines, channels and
``net/http``. The detectors recognise the common Python frameworks by resolved names (import
aliases applied) and, where a framework object lives in a local variable (``app = Flask(...)``),
by the call that bound it.
"""

from __future__ import annotations

from goport.detectors.base import Detector, rules_in

#: one module per rule, in id order; each defines exactly one rule class
RULES = (
    "gp301_http_handler",
    "gp302_websocket_handler",
    "gp303_grpc_servicer",
    "gp304_message_consumer",
    "gp305_task_queue_worker",
    "gp306_poll_loop",
    "gp307_streaming_pipeline",
    "gp308_server_entrypoint",
)

DETECTORS: tuple[type[Detector], ...] = rules_in(__name__, RULES)
