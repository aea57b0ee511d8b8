"""What a generated shim runs: the switch, the call protocol to the Go side, and the answers.

A shim (``goport shim``) is the module's import API with each boundary function replaced by
``Router(...)(name, go_name, ...)``: with ``GOPORT_USE_GO=1`` the call goes to the Go side, else
to the original Python function (read at each call, so traffic moves, and moves back, without a
restart). The request is ``{"function": <go name>, "args": [...]}``: the arguments bound to the
original's signature with its defaults applied, positional parameters (and ``*args``) first, then
the keyword-only ones in their order, each encoded by ``codec``; the answer is ``{"result": ...}``
(decoded back with the result's type descriptor: bytes from base64, tuples) or ``{"error":
{"type", "message"}}``, raised as the module's exception of that name, else the built-in one,
else ``GoError``. Transports by strategy: ``go-service`` POSTs to ``http://$GOPORT_GO_ADDR/call``
(default ``127.0.0.1:8089``); ``go-worker`` and ``go-cli`` write JSON lines to one kept-open
process (``$GOPORT_GO_BIN``); ``go-extension`` calls ``GoportCall`` of the c-shared library
``$GOPORT_GO_LIB`` through ``ctypes`` and frees the answer with ``GoportFree``.

Copied beside the shims (``goport_runtime``), it stands alone and stays valid Python 3.9.
"""

from __future__ import annotations

import atexit
import builtins
import ctypes
import functools
import inspect
import json
import os
import subprocess
import threading
import urllib.error
import urllib.request
from collections.abc import Callable
from types import ModuleType
from typing import Any

from . import codec

SWITCH = "GOPORT_USE_GO"
TIMEOUT = float(os.environ.get("GOPORT_GO_TIMEOUT", "30"))


class GoError(RuntimeError):
    """An error the Go side reported under a type name Python does not know."""


class GoSideError(RuntimeError):
    """The Go side could not be reached, or its answer is not the protocol's."""


def switch_on() -> bool:
    return os.environ.get(SWITCH, "") == "1"


def public_names(module: ModuleType) -> list[str]:
    """What ``from module import *`` gives: its ``__all__``, else its names without a ``_``."""
    names = getattr(module, "__all__", None)
    if isinstance(names, (list, tuple)):
        return [str(n) for n in names]
    return [n for n in vars(module) if not n.startswith("_")]


class Router:
    """Makes the switched version of the functions of one module."""

    def __init__(self, module: ModuleType, strategy: str) -> None:
        self.module = module
        self.strategy = strategy
        self._transport: Any = None
        self._lock = threading.Lock()

    def __call__(
        self, name: str, go_name: str, kind: str = "function", result_type: str = "any"
    ) -> Callable[..., Any]:
        original = getattr(self.module, name)
        signature = inspect.signature(original)

        @functools.wraps(original)
        def call(*args: Any, **kwargs: Any) -> Any:
            if not switch_on():
                return original(*args, **kwargs)
            values = request_args(signature, args, kwargs, name)
            answer = self.transport().call({"function": go_name, "args": values})
            result = self.result(answer, result_type)
            return iter(result) if kind == "generator" else result

        return call

    def transport(self) -> Any:
        with self._lock:
            if self._transport is None:
                self._transport = TRANSPORTS[self.strategy]()
            return self._transport

    def result(self, answer: dict[str, Any], result_type: str) -> Any:
        if "error" in answer:
            error = answer["error"] if isinstance(answer["error"], dict) else {}
            raise self.exception(str(error.get("type", "GoError")), str(error.get("message", "")))
        return codec.decode(answer.get("result"), result_type)

    def exception(self, type_name: str, message: str) -> Exception:
        """The module's exception class of that name, else the built-in one, else GoError."""
        for place in (self.module, builtins):
            cls = getattr(place, type_name, None)
            if isinstance(cls, type) and issubclass(cls, Exception):
                try:
                    return cls(message)
                except Exception:  # noqa: BLE001 - a constructor that wants other arguments
                    break
        return GoError(f"{type_name}: {message}")


def request_args(
    signature: inspect.Signature, args: tuple[Any, ...], kwargs: dict[str, Any], name: str
) -> list[Any]:
    """The request's positional arguments, as the golden cases record them."""
    bound = signature.bind(*args, **kwargs)
    bound.apply_defaults()
    values = list(bound.args)
    for param in signature.parameters.values():
        if param.kind is inspect.Parameter.KEYWORD_ONLY:
            values.append(bound.arguments[param.name])
        elif param.kind is inspect.Parameter.VAR_KEYWORD and bound.arguments.get(param.name):
            raise TypeError(f"{name}(): **{param.name} cannot cross to Go (positional only)")
    try:
        return [codec.encode(v, f"{name}() argument {i}") for i, v in enumerate(values)]
    except codec.Unrepresentable as exc:
        raise TypeError(f"{exc}: this call cannot go to the Go side") from None


def _answer(data: bytes, source: str) -> dict[str, Any]:
    try:
        answer = json.loads(data)
    except ValueError:
        raise GoSideError(f"{source} answered {data[:200]!r}, not JSON") from None
    if not isinstance(answer, dict) or not ("result" in answer or "error" in answer):
        raise GoSideError(f"{source} answered {data[:200]!r}: no 'result' nor 'error'")
    return answer


class HttpTransport:
    """``go-service``: ``POST /call`` on the service at ``GOPORT_GO_ADDR``."""

    def __init__(self) -> None:
        self.addr = os.environ.get("GOPORT_GO_ADDR") or "127.0.0.1:8089"

    def call(self, request: dict[str, Any]) -> dict[str, Any]:
        http = urllib.request.Request(
            f"http://{self.addr}/call",
            data=json.dumps(request).encode("utf-8"),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(http, timeout=TIMEOUT) as response:
                data = response.read()
        except urllib.error.HTTPError as exc:  # an error answer still carries the protocol's body
            data = exc.read()
        except OSError as exc:
            reason = getattr(exc, "reason", exc)
            raise GoSideError(
                f"the Go service at {self.addr} did not answer ({reason}); start it, set "
                f"GOPORT_GO_ADDR, or switch back with {SWITCH}=0"
            ) from None
        return _answer(data, f"the Go service at {self.addr}")


class PipeTransport:
    """``go-worker``/``go-cli``: JSON lines to one process kept open (``GOPORT_GO_BIN``)."""

    def __init__(self) -> None:
        binary = os.environ.get("GOPORT_GO_BIN")
        if not binary:
            raise GoSideError(f"set GOPORT_GO_BIN to the Go binary (or {SWITCH}=0)")
        self.binary = binary
        self.process: subprocess.Popen[bytes] | None = None
        self.lock = threading.Lock()
        atexit.register(self.close)

    def call(self, request: dict[str, Any]) -> dict[str, Any]:
        line = json.dumps(request).encode("utf-8") + b"\n"
        with self.lock:
            process = self._process()
            assert process.stdin is not None and process.stdout is not None
            try:
                process.stdin.write(line)
                process.stdin.flush()
                reply = process.stdout.readline()
            except OSError:
                reply = b""
            if not reply:
                status = process.poll()
                self.process = None
                raise GoSideError(f"the Go process {self.binary} stopped (exit status {status})")
        return _answer(reply, f"the Go process {self.binary}")

    def _process(self) -> subprocess.Popen[bytes]:
        if self.process is None or self.process.poll() is not None:
            try:
                self.process = subprocess.Popen(
                    [self.binary], stdin=subprocess.PIPE, stdout=subprocess.PIPE
                )
            except OSError as exc:
                raise GoSideError(f"cannot start {self.binary}: {exc.strerror or exc}") from None
        return self.process

    def close(self) -> None:
        process, self.process = self.process, None
        if process is not None and process.stdin is not None:
            process.stdin.close()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()


class LibraryTransport:
    """``go-extension``: ``GoportCall``/``GoportFree`` of the c-shared library ``GOPORT_GO_LIB``."""

    def __init__(self) -> None:
        path = os.environ.get("GOPORT_GO_LIB")
        if not path:
            raise GoSideError(f"set GOPORT_GO_LIB to the Go c-shared library (or {SWITCH}=0)")
        try:
            library = ctypes.CDLL(path)
        except OSError as exc:
            raise GoSideError(f"cannot load {path}: {exc}") from None
        self.path = path
        self.go_call = library.GoportCall
        self.go_call.argtypes = [ctypes.c_char_p]
        self.go_call.restype = ctypes.c_void_p
        self.go_free = library.GoportFree
        self.go_free.argtypes = [ctypes.c_void_p]
        self.go_free.restype = None

    def call(self, request: dict[str, Any]) -> dict[str, Any]:
        pointer = self.go_call(json.dumps(request).encode("utf-8"))
        if not pointer:
            raise GoSideError(f"GoportCall of {self.path} returned NULL")
        try:
            data = ctypes.string_at(pointer)
        finally:
            self.go_free(pointer)
        return _answer(data, f"GoportCall of {self.path}")


TRANSPORTS: dict[str, Callable[[], Any]] = {
    "go-service": HttpTransport,
    "go-worker": PipeTransport,
    "go-cli": PipeTransport,
    "go-extension": LibraryTransport,
}
