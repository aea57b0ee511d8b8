"""GP303 grpc-servicer: gRPC service: the .proto contract makes a Go server a drop-in replacement."""

from __future__ import annotations

import libcst as cst

from goport.detectors.base import Detector, Match, NoMatch
from goport.detectors.syntax import (
    alias_tail,
)
from goport.model import Category, Trait


class GrpcServicer(Detector):
    """gRPC services: servicer classes, ``grpc.server`` and ``add_*Servicer_to_server``.

    What it detects: classes subclassing a ``*Servicer`` imported from a ``*_pb2_grpc`` module,
    ``grpc.server(...)`` / ``grpc.aio.server(...)`` calls and ``add_<Name>Servicer_to_server``
    registrations.
    Why it matters for a Go port: the contract is already a ``.proto`` file, so a Go server can be
    generated from it and swapped in behind the same port with no client change; gRPC-Go is the
    reference implementation and handles streams and concurrency natively.
    Go idiom: ``protoc --go_out --go-grpc_out``; a struct embedding
    ``pb.Unimplemented<Name>Server``; ``grpc.NewServer()`` + ``pb.Register<Name>Server``.
    Known limits: servicers imported under a module name that does not end in ``_pb2_grpc``
    (renamed generated code) are missed; a servicer, its server and its registration in one file
    give three findings, by design (three pieces to port).
    """

    ID = "GP303"
    NAME = "grpc-servicer"
    CATEGORY = Category.SERVICE
    WEIGHT = 2.5
    PYTHON = "grpc servicer class / grpc.server()"
    GO_IDIOM = "grpc-go server generated from the same .proto (Register<Name>Server)"
    SUMMARY = "gRPC service: the .proto contract makes a Go server a drop-in replacement"
    TRAITS = (Trait.NETWORK, Trait.SERVING)
    MATCHES = (
        Match(
            """
            import greeter_pb2_grpc

            class Greeter(greeter_pb2_grpc.GreeterServicer):
                def SayHello(self, request, context):
                    return None
            """,
            line=3,
        ),
        Match(
            """
            import grpc
            from concurrent import futures

            server = grpc.server(futures.ThreadPoolExecutor(max_workers=10))
            """,
            line=4,
        ),
        Match(
            """
            from protos import orders_pb2_grpc as pbg

            def register(server, svc):
                pbg.add_OrdersServicer_to_server(svc, server)
            """,
            line=4,
        ),
    )
    NO_MATCHES = (
        NoMatch(
            """
            import grpc
            import greeter_pb2_grpc

            channel = grpc.insecure_channel('localhost:50051')
            stub = greeter_pb2_grpc.GreeterStub(channel)
            """
        ),
        NoMatch(
            """
            from .base import Servicer

            class CarServicer(Servicer):
                pass
            """
        ),
    )

    def leave_ClassDef(self, node: cst.ClassDef) -> None:
        for arg in node.bases:
            name = self.ctx.resolve(arg.value)
            if name is None or "." not in name:
                continue
            module, base = name.rsplit(".", 1)
            if base.endswith("Servicer") and module.endswith("_pb2_grpc"):
                self.report(node, f"gRPC servicer {node.name.value} ({base})")
                return

    def leave_Call(self, node: cst.Call) -> None:
        attr = alias_tail(self.ctx, node.func)
        if attr == "server":
            name = self.ctx.callee(node)
            if name in ("grpc.server", "grpc.aio.server"):
                self.report(node, f"gRPC server {name}()")
        elif attr.startswith("add_") and attr.endswith("Servicer_to_server"):
            self.report(node, f"gRPC registration {attr}")
