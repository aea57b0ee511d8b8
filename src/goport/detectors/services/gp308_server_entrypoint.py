"""GP308 server-entrypoint: server entry point: the process boundary a Go binary can take over."""

from __future__ import annotations

import libcst as cst

from goport.detectors.base import Context, Detector, Match, NoMatch
from goport.detectors.syntax import (
    alias_tail,
    call_path,
    dotted,
    last_part,
)
from goport.model import Category, Trait
from goport.walk.bindings import Bindings

_SERVER_CALLS = frozenset(
    {
        "uvicorn.run",
        "uvicorn.Server",
        "hypercorn.asyncio.serve",
        "hypercorn.trio.serve",
        "waitress.serve",
        "werkzeug.serving.run_simple",
        "wsgiref.simple_server.make_server",
        "aiohttp.web.run_app",
        "bottle.run",
        "bjoern.run",
        "gevent.pywsgi.WSGIServer",
        "gevent.server.StreamServer",
        "cheroot.wsgi.Server",
        "http.server.HTTPServer",
        "http.server.ThreadingHTTPServer",
        "socketserver.TCPServer",
        "socketserver.UDPServer",
        "socketserver.ThreadingTCPServer",
        "socketserver.ThreadingUDPServer",
        "socketserver.ForkingTCPServer",
        "socketserver.ForkingUDPServer",
        "socketserver.UnixStreamServer",
        "socketserver.UnixDatagramServer",
        "socketserver.ThreadingUnixStreamServer",
        "xmlrpc.server.SimpleXMLRPCServer",
        "tornado.httpserver.HTTPServer",
    }
)

_SERVER_ATTRS = frozenset(last_part(n) for n in _SERVER_CALLS)

_APP_CLASSES = frozenset(
    {
        "flask.Flask",
        "quart.Quart",
        "sanic.Sanic",
        "bottle.Bottle",
        "flask_socketio.SocketIO",
        "connexion.App",
        "connexion.FlaskApp",
    }
)

_IOLOOP = frozenset(
    {
        "tornado.ioloop.IOLoop.current().start",
        "tornado.ioloop.IOLoop.instance().start",
    }
)

_GUNICORN_BASES = frozenset({"gunicorn.app.base.BaseApplication", "gunicorn.app.base.Application"})


class ServerEntrypoint(Detector):
    """The call that starts a server: uvicorn.run, app.run, serve_forever, run_app, IOLoop.start.

    What it detects: ``uvicorn.run``/``uvicorn.Server``, hypercorn, waitress, werkzeug
    ``run_simple``, ``wsgiref`` ``make_server``, gevent ``WSGIServer``; ``http.server``
    ``HTTPServer``/``ThreadingHTTPServer`` and ``socketserver`` servers; ``app.run(...)`` of a
    Flask/Quart/Sanic/Bottle app (or an ``app`` in a module importing one); aiohttp
    ``web.run_app``; tornado ``Application.listen()`` or ``IOLoop.current().start()`` (once per
    module); ``.serve_forever()`` on a server not already reported; gunicorn
    ``BaseApplication`` subclasses.
    Why it matters for a Go port: it marks a process boundary. Everything behind it can move to
    a Go binary listening on the same address, and the Python process can be retired or kept as
    an upstream.
    Go idiom: ``http.Server{Addr: ..., Handler: mux}`` with ``ListenAndServe`` and graceful
    ``Shutdown(ctx)`` on SIGTERM; ``net.Listen`` + an accept loop for raw TCP servers.
    Known limits: servers started from a command line (``gunicorn app:app``, a Procfile) are not
    in the source; an ``app`` created by a factory is recognised only through the module's
    framework import.
    """

    USES = (Bindings,)
    ID = "GP308"
    NAME = "server-entrypoint"
    CATEGORY = Category.SERVICE
    WEIGHT = 1.0
    PYTHON = "uvicorn.run / app.run / HTTPServer.serve_forever / web.run_app"
    GO_IDIOM = "http.Server{...}.ListenAndServe() with graceful Shutdown(ctx)"
    SUMMARY = "server entry point: the process boundary a Go binary can take over"
    TRAITS = (Trait.NETWORK, Trait.SERVING)
    MATCHES = (
        Match(
            """
            import uvicorn
            from fastapi import FastAPI
            app = FastAPI()

            if __name__ == '__main__':
                uvicorn.run(app, host='0.0.0.0', port=8000)
            """,
            line=6,
        ),
        Match(
            """
            from flask import Flask
            app = Flask(__name__)

            if __name__ == '__main__':
                app.run(debug=True)
            """,
            line=5,
        ),
        Match(
            """
            from http.server import HTTPServer as HS, BaseHTTPRequestHandler

            class H(BaseHTTPRequestHandler):
                pass

            HS(('', 8000), H).serve_forever()
            """,
            line=6,
        ),
        Match(
            """
            from aiohttp import web
            app = web.Application()
            web.run_app(app, port=8080)
            """,
            line=3,
        ),
        Match(
            """
            import tornado.ioloop

            def main(app):
                app.listen(8888)
                tornado.ioloop.IOLoop.current().start()
            """,
            line=5,
        ),
    )
    NO_MATCHES = (
        NoMatch(
            """
            import asyncio

            async def main():
                pass

            asyncio.run(main())
            """
        ),
        NoMatch(
            """
            import click

            class App:
                def run(self):
                    pass

            app = App()
            app.run()
            """
        ),
        NoMatch(
            """
            import subprocess
            subprocess.run(['ls'])
            """
        ),
    )

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.bound = ctx.fact(Bindings)
        self._tornado = False

    def leave_Call(self, node: cst.Call) -> None:
        func = node.func
        ctx = self.ctx
        attr = alias_tail(ctx, func)
        if attr in _SERVER_ATTRS or attr in ("run", "run_app"):
            name = ctx.callee(node)
            if name is not None and name in _SERVER_CALLS:
                self.report(node, f"server entrypoint {name}")
            elif attr == "run" and isinstance(func, cst.Attribute):
                self._app_run(node, func)
        elif attr == "serve_forever" and isinstance(func, cst.Attribute):
            receiver = func.value
            source = (
                call_path(ctx, receiver)
                if isinstance(receiver, cst.Call)
                else self.bound.of(receiver)
            )
            if source is None or source not in _SERVER_CALLS:
                self.report(
                    node, f"server entrypoint {dotted(receiver) or 'server'}.serve_forever()"
                )
        elif attr == "start" and isinstance(func, cst.Attribute) and not self._tornado:
            name = call_path(ctx, node)
            if name is None or name not in _IOLOOP:
                bound = self.bound.of(func.value)
                name = f"{bound}().start" if bound else None
            if name is not None and name in _IOLOOP:
                self._tornado = True
                self.report(node, "server entrypoint tornado IOLoop.start()")
        elif (
            attr == "listen"
            and isinstance(func, cst.Attribute)
            and not self._tornado
            and self.bound.of(func.value) == "tornado.web.Application"
        ):
            self._tornado = True  # listen + IOLoop.start are one server start
            self.report(node, "server entrypoint tornado Application.listen()")

    def _app_run(self, node: cst.Call, func: cst.Attribute) -> None:
        owner = self.bound.of(func.value)
        if owner is not None and owner in _APP_CLASSES:
            self.report(node, f"server entrypoint {last_part(owner)} app.run()")
            return
        receiver = dotted(func.value)
        if receiver in ("app", "application") and self.ctx.imports_any(
            "flask", "quart", "sanic", "bottle"
        ):
            self.report(node, f"server entrypoint {receiver}.run()")

    def leave_ClassDef(self, node: cst.ClassDef) -> None:
        for arg in node.bases:
            if self.ctx.resolve(arg.value) in _GUNICORN_BASES:
                self.report(node, f"server entrypoint gunicorn application {node.name.value}")
                return
