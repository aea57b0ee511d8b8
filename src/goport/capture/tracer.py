"""The tracer ``goport capture`` starts inside every Python process of the user's command.

``goport capture`` copies this module and ``codec`` into a temporary package and puts a
``sitecustomize`` in front of ``PYTHONPATH`` that calls ``install``; the user's tree is never
touched, and child processes (pytest-xdist workers, ``subprocess``) inherit the variable.

Only the boundary functions are traced, recognised by their file and qualified name (before 3.11,
which has no ``co_qualname``: their name and first line). On Python 3.12+ it is a
``sys.monitoring`` tool: ``PY_START`` is on for every function and switched off (``DISABLE``) for
each code object that is not a boundary function the first time it starts, so the rest of the
program runs untraced; ``PY_RETURN``/``PY_YIELD``/``PY_RESUME`` are on for the boundary functions
only, ``PY_UNWIND`` (which cannot be set per function) brings their exceptions. Before 3.12 it is
a ``sys.setprofile`` function (``threading.setprofile`` for new threads) that ignores everything
but the boundary functions' frames; an exception is not visible to a profile function, so while a
boundary function runs, the thread gets a do-nothing ``sys.settrace`` and the frame a local trace
function that notes its exceptions (unless another tracer, coverage or a debugger, holds
``sys.settrace``: then an exception is reported as not seen, never guessed).

What a case is:

- the arguments are read from the frame when the function starts (so defaults are applied and a
  later mutation by the function changes nothing), encoded at once: positional parameters and
  ``*args`` in ``args``, keyword-only parameters and ``**kwargs`` in ``kwargs``;
- the result, the exception (type name and message), or for a generator the list of the items
  it yielded, up to its end (a generator closed early is *incomplete*: not a case);
- a recursive function: only the outermost call is a case (the inner calls are counted as
  *nested*); suspended generators are not on the stack, so each generator is its own case.

Each process appends JSON lines to its own file in the folder the parent merges: a case (the
first time it is seen in the process, up to the cap), the first occurrence of each reason a
call could not be recorded, and at exit the counts (duplicates, over the cap, nested,
incomplete). Once a function has its cap of cases, its further calls are counted as over the
cap without being encoded (duplicates among them are not told apart), so a hot function costs
little more than the events themselves. Like ``codec`` it stands alone and stays valid 3.9.
"""

from __future__ import annotations

import atexit
import dis
import json
import os
import sys
import threading
from collections.abc import Callable
from typing import Any

from . import codec

CO_VARARGS, CO_VARKEYWORDS, CO_GENERATOR = 0x04, 0x08, 0x20
MAX_ITEMS = 10_000  # a generator yielding more is not recorded (a case must stay small)
MAX_PENDING = 1_000  # unfinished generator cases kept at once (3.13 closes some silently)
MAX_REASONS = 10  # distinct reasons written per function and process
_TOOL_IDS = (3, 4, 5, 2)  # sys.monitoring ids no standard tool claims first
_RETURN = dis.opmap.get("RETURN_VALUE", -1)
_YIELD = dis.opmap.get("YIELD_VALUE", -1)
_YIELD_FROM = dis.opmap.get("YIELD_FROM", -1)  # 3.9-3.10: f_lasti sits one instruction before


class Target:
    """One boundary function: what identifies its code, and its counts in this process."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.key: str = spec["key"]
        self.module: str = spec["module"]
        self.qualname: str = spec["qualname"]
        self.file: str = spec["file"]
        self.ranges: list[tuple[int, int]] = [(a, b) for a, b in spec["lines"]]
        self.kind = ""
        self.recorded = 0
        self.seen: set[str] = set()
        self.reasons: set[str] = set()
        self.counts = dict.fromkeys(
            ("calls", "unserialisable", "duplicates", "over_cap", "nested", "incomplete"), 0
        )
        self.running: set[int] = set()  # ids of its frames executing now (any thread)

    def matches(self, code: Any) -> bool:
        qualname = getattr(code, "co_qualname", None)
        if qualname is not None:
            return bool(qualname == self.qualname)
        first = code.co_firstlineno
        name = self.qualname.rsplit(".", 1)[-1]
        return bool(code.co_name == name and any(a <= first <= b for a, b in self.ranges))


class Pending:
    """A call being recorded: its encoded arguments and, for a generator, the items so far."""

    __slots__ = ("args", "items", "items_types", "kwargs", "target", "types")

    def __init__(self, args: list[Any], kwargs: dict[str, Any], types: dict[str, Any]) -> None:
        self.args, self.kwargs, self.types = args, kwargs, types
        self.items: list[Any] | None = None
        self.items_types: list[str] = []
        self.target: Target | None = None


class Recorder:
    """The state of one process: targets, calls in flight, and the file it appends to."""

    def __init__(self, config: dict[str, Any]) -> None:
        self.folder: str = config["parts"]
        self.max_cases: int = config["max_cases"]
        self.targets = [Target(t) for t in config["targets"]]
        self.real_files = {os.path.realpath(t.file) for t in self.targets}
        self.by_file: dict[str, list[Target]] = {}  # co_filename as given -> its targets
        self.codes: dict[Any, Target] = {}  # code objects known to be targets
        self.others: set[Any] = set()  # code objects of target files that are not targets
        self.pending: dict[int, Pending] = {}  # by id(frame)
        self.alive: set[int] = set()  # before 3.12: generator frames started, not finished
        self.exceptions: dict[int, BaseException] = {}  # before 3.12: last exception per frame
        self.lock = threading.Lock()
        self.out: Any = None
        self.pid = os.getpid()
        self.faulted = False
        self.broken = False

    # -- which code is traced --------------------------------------------------------------------

    def lookup(self, code: Any) -> Target | None:
        """The target ``code`` belongs to, or None (decided once per code object)."""
        target = self.codes.get(code)
        if target is not None:
            return target
        found = self.by_file.get(code.co_filename)
        if found is None:
            real = os.path.realpath(code.co_filename) if code.co_filename else ""
            found = [t for t in self.targets if real in self.real_files and t.file == real]
            self.by_file[code.co_filename] = found
        if not found or code in self.others:
            return None
        target = next((t for t in found if t.matches(code)), None)
        if target is None:
            if found:
                self.others.add(code)
            return None
        target.kind = "generator" if code.co_flags & CO_GENERATOR else "function"
        self.codes[code] = target
        return target

    # -- events ----------------------------------------------------------------------------------

    def start(self, target: Target, frame: Any) -> None:
        fid = id(frame)
        counts = target.counts
        counts["calls"] += 1
        if target.running and _nested(target.running, frame):
            counts["nested"] += 1
            target.running.add(fid)
            return
        target.running.add(fid)
        if target.recorded >= self.max_cases:
            counts["over_cap"] += 1
            return
        try:
            pending = _arguments(frame)
        except codec.Unrepresentable as exc:
            self.skip(target, "unserialisable", str(exc))
            return
        pending.target = target
        if target.kind == "generator":
            pending.items = []
            if len(self.pending) >= MAX_PENDING:  # drop the oldest unfinished generator
                self.drop(next(iter(self.pending)))
        self.pending[fid] = pending

    def resume(self, target: Target, frame: Any) -> None:
        target.running.add(id(frame))

    def yielded(self, target: Target, frame: Any, value: Any) -> None:
        fid = id(frame)
        target.running.discard(fid)
        pending = self.pending.get(fid)
        if pending is None or pending.items is None:
            return
        where = f"yielded item {len(pending.items)}"
        try:
            if len(pending.items) >= MAX_ITEMS:
                raise codec.Unrepresentable(f"{where}: more than {MAX_ITEMS} items")
            pending.items.append(codec.encode(value, where))
            pending.items_types.append(codec.describe(value))
        except codec.Unrepresentable as exc:
            del self.pending[fid]
            self.skip(target, "unserialisable", str(exc))

    def returned(self, target: Target, frame: Any, value: Any) -> None:
        fid = id(frame)
        self.finish(target, fid)
        pending = self.pending.pop(fid, None)
        if pending is None:
            return
        if pending.items is not None:
            inner = codec.common(pending.items_types)
            result, result_type = pending.items, f"list[{inner}]" if inner else "list"
        else:
            try:
                result, result_type = codec.encode(value, "result"), codec.describe(value)
            except codec.Unrepresentable as exc:
                self.skip(target, "unserialisable", str(exc))
                return
        pending.types["result"] = result_type
        self.record(target, pending, {"result": result})

    def raised(self, target: Target, frame: Any, exc: BaseException | None) -> None:
        fid = id(frame)
        self.finish(target, fid)
        pending = self.pending.pop(fid, None)
        if pending is None:
            return
        if exc is None:
            self.skip(target, "unserialisable", _HIDDEN)
        elif pending.items is not None and isinstance(exc, GeneratorExit):
            target.counts["incomplete"] += 1
        else:
            self.record(target, pending, {"raises": _exception(exc)})

    def finish(self, target: Target, fid: int) -> None:
        target.running.discard(fid)
        self.alive.discard(fid)

    def drop(self, fid: int) -> None:
        """A generator case that will not end (closed without a trace, or too many kept)."""
        pending = self.pending.pop(fid, None)
        if pending is not None and pending.target is not None:
            pending.target.counts["incomplete"] += 1

    # -- output ----------------------------------------------------------------------------------

    def record(self, target: Target, pending: Pending, outcome: dict[str, Any]) -> None:
        case: dict[str, Any] = {"args": pending.args, "kwargs": pending.kwargs, **outcome}
        text = codec.canonical(case)
        if text in target.seen:
            target.counts["duplicates"] += 1
            return
        if len(text) > codec.MAX_CASE_CHARS:
            self.skip(target, "unserialisable", f"the case is {len(text)} characters of JSON")
            return
        if target.recorded >= self.max_cases:
            target.counts["over_cap"] += 1
            return
        target.seen.add(text)
        target.recorded += 1
        line = {"t": "case", "key": target.key, "kind": target.kind, "case": case}
        self.write(dict(line, types=pending.types))

    def skip(self, target: Target, why: str, reason: str) -> None:
        target.counts[why] += 1
        if reason not in target.reasons and len(target.reasons) < MAX_REASONS:
            target.reasons.add(reason)
            self.write({"t": "skip", "key": target.key, "why": why, "reason": reason})

    def write(self, line: dict[str, Any]) -> None:
        """Append one line to this process's file; an I/O error (the folder is gone: a process
        that outlived the capture) stops the writing, never the user's program."""
        text = json.dumps(line, ensure_ascii=False) + "\n"
        with self.lock:
            if self.broken:
                return
            try:
                if self.out is None or self.pid != os.getpid():
                    self.pid = os.getpid()
                    name = f"{self.pid}-{os.urandom(4).hex()}.jsonl"
                    self.out = open(  # noqa: SIM115 - kept open for the process's life
                        os.path.join(self.folder, name), "a", encoding="utf-8", buffering=1
                    )
                self.out.write(text)
            except OSError:
                self.broken = True

    def forked(self) -> None:
        """In a forked child: its own file and its own counts (the parent reports its own)."""
        self.out = None
        self.broken = False
        for target in self.targets:
            target.counts = dict.fromkeys(target.counts, 0)

    def close(self) -> None:
        """At exit: unfinished generators are incomplete; write every count and where a
        boundary module was imported from when it is not the project's file."""
        for fid in list(self.pending):  # generators never run to their end
            self.drop(fid)
        for target in self.targets:
            if any(target.counts.values()):
                self.write({"t": "counts", "key": target.key, "counts": target.counts})
            module = sys.modules.get(target.module)
            where = getattr(module, "__file__", None)
            if where and os.path.realpath(where) != target.file:
                self.write({"t": "elsewhere", "key": target.key, "file": where})
        if self.out is not None:
            try:
                self.out.close()
            except OSError:
                pass
            self.out = None


_HIDDEN = (
    "raised an exception goport could not see: another tracer (coverage, a debugger) holds "
    "sys.settrace; run the command without it to record exceptions (or use Python 3.12+)"
)


def _nested(running: set[int], frame: Any) -> bool:
    """Whether a frame of the same function is executing below ``frame`` on its stack."""
    caller = frame.f_back
    depth = 0
    while caller is not None and depth < 100_000:
        if id(caller) in running:
            return True
        caller, depth = caller.f_back, depth + 1
    return False


def _arguments(frame: Any) -> Pending:
    """The call's parameters as the frame holds them when it starts."""
    code, local = frame.f_code, frame.f_locals
    names, count, kwonly = code.co_varnames, code.co_argcount, code.co_kwonlyargcount
    values = [(f"arg {i} ({names[i]})", local[names[i]]) for i in range(count)]
    at = count + kwonly
    if code.co_flags & CO_VARARGS:
        extra = local[names[at]]
        values += [(f"arg {count + i} (*{names[at]})", v) for i, v in enumerate(extra)]
        at += 1
    named = [(names[i], local[names[i]]) for i in range(count, count + kwonly)]
    if code.co_flags & CO_VARKEYWORDS:
        named += list(local[names[at]].items())
    args = [codec.encode(v, where) for where, v in values]
    kwargs = {k: codec.encode(v, f"keyword argument {k}") for k, v in named}
    types = {
        "args": [codec.describe(v) for _, v in values],
        "kwargs": {k: codec.describe(v) for k, v in named},
    }
    return Pending(args, kwargs, types)


def _exception(exc: BaseException) -> dict[str, str]:
    try:
        message = str(exc)
        message.encode("utf-8")
    except Exception:  # noqa: BLE001 - a __str__ that fails or returns lone surrogates
        message = f"<{type(exc).__name__}: its message could not be read>"
    return {"type": type(exc).__name__, "message": message}


# -- installing ----------------------------------------------------------------------------------


def install(config_path: str) -> Recorder | None:
    """Start tracing this process as ``config_path`` (JSON) says; None when it cannot."""
    if getattr(sys, "_goport_capture", None) is not None or not config_path:
        return None
    with open(config_path, encoding="utf-8") as handle:
        recorder = Recorder(json.load(handle))
    sys._goport_capture = recorder  # type: ignore[attr-defined]
    recorder.write({"t": "process", "python": sys.version.split()[0]})
    if sys.version_info >= (3, 12):
        stop = _monitor(recorder)
    else:
        stop = _profile(recorder)
    if hasattr(os, "register_at_fork"):
        os.register_at_fork(after_in_child=recorder.forked)

    def close() -> None:
        stop()
        recorder.close()

    atexit.register(close)
    return recorder


def _guard(recorder: Recorder, fn: Callable[..., Any]) -> Callable[..., Any]:
    """``fn`` that never lets a tracer fault break the user's program (the first is noted)."""

    def guarded(*args: Any) -> Any:
        try:
            return fn(*args)
        except Exception as exc:  # noqa: BLE001 - the user's program must go on
            if not recorder.faulted:
                recorder.faulted = True
                recorder.write({"t": "fault", "text": f"{type(exc).__name__}: {exc}"})
            return None

    return guarded


def _monitor(recorder: Recorder) -> Callable[[], None]:
    """Python 3.12+: a ``sys.monitoring`` tool; returns what stops it."""
    mon: Any = getattr(sys, "monitoring")  # noqa: B009 - typeshed of the checker's Python
    events = mon.events
    tool = next(i for i in _TOOL_IDS if mon.get_tool(i) is None)
    mon.use_tool_id(tool, "goport capture")
    local = events.PY_RETURN | events.PY_YIELD | events.PY_RESUME
    frame = sys._getframe

    def on_start(code: Any, offset: int) -> Any:
        target = recorder.codes.get(code)
        if target is None:
            target = recorder.lookup(code)
            if target is None:
                return mon.DISABLE
            mon.set_local_events(tool, code, local)
        recorder.start(target, frame(2))  # 0: this, 1: _guard's wrapper, 2: the function
        return None

    def on_event(method: Callable[..., None]) -> Callable[..., None]:
        def callback(code: Any, offset: int, *value: Any) -> None:
            target = recorder.codes.get(code)
            if target is not None:
                method(target, frame(2), *value)

        return callback

    handlers = {
        events.PY_START: on_start,
        events.PY_RESUME: on_event(recorder.resume),
        events.PY_YIELD: on_event(recorder.yielded),
        events.PY_RETURN: on_event(recorder.returned),
        events.PY_UNWIND: on_event(recorder.raised),
    }
    for event, handler in handlers.items():
        mon.register_callback(tool, event, _guard(recorder, handler))
    mon.set_events(tool, events.PY_START | events.PY_UNWIND)

    def stop() -> None:
        mon.set_events(tool, 0)
        for code in list(recorder.codes):
            mon.set_local_events(tool, code, 0)
        mon.free_tool_id(tool)

    return stop


def _quiet(frame: Any, event: str, arg: Any) -> None:
    """The do-nothing global trace function that lets a target frame's local one run."""


class _Profiled:
    """Before 3.12: what the profile function does with a boundary function's events."""

    def __init__(self, recorder: Recorder) -> None:
        self.recorder = recorder
        self.state = threading.local()  # how many target frames this thread is running

    def watch(self, frame: Any, event: str, arg: Any) -> Any:
        """A target frame's local trace function: notes the exceptions it sees."""
        if event == "exception":
            self.recorder.exceptions[id(frame)] = arg[1]
        return self.watch

    def dispatch(self, target: Target, frame: Any, event: str, arg: Any) -> None:
        if event == "call":
            self.on_call(target, frame)
        else:
            self.on_return(target, frame, arg)

    def on_call(self, target: Target, frame: Any) -> None:
        recorder, state = self.recorder, self.state
        state.depth = getattr(state, "depth", 0) + 1
        tracer = sys.gettrace()
        if tracer is None:
            sys.settrace(_quiet)
        if tracer is None or tracer is _quiet:
            frame.f_trace, frame.f_trace_lines = self.watch, False
        if id(frame) in recorder.alive:
            recorder.resume(target, frame)
            return
        if target.kind == "generator":  # a generator's later 'call' events are resumes
            recorder.alive.add(id(frame))
        recorder.start(target, frame)

    def on_return(self, target: Target, frame: Any, value: Any) -> None:
        """A return, a yield or an exception: told apart by the instruction the frame ended on
        (before 3.11, ``yield from`` leaves ``f_lasti`` one instruction before it)."""
        recorder, state = self.recorder, self.state
        state.depth = getattr(state, "depth", 1) - 1
        if state.depth <= 0 and sys.gettrace() is _quiet:
            sys.settrace(None)
        raw, at = frame.f_code.co_code, frame.f_lasti
        op = raw[at] if 0 <= at < len(raw) else -1
        following = raw[at + 2] if 0 <= at + 2 < len(raw) else -1
        exc = recorder.exceptions.pop(id(frame), None)
        if op == _RETURN:
            recorder.returned(target, frame, value)
        elif op == _YIELD or (following == _YIELD_FROM and op != _YIELD_FROM):
            recorder.yielded(target, frame, value)
        else:
            recorder.raised(target, frame, exc)


def _profile(recorder: Recorder) -> Callable[[], None]:
    """Before 3.12: a profile function (and a frame-local trace for exceptions)."""
    profiled = _Profiled(recorder)
    targets, files = recorder.codes.get, recorder.by_file.get
    handle = _guard(recorder, profiled.dispatch)

    def profile(frame: Any, event: str, arg: Any) -> None:
        # every call and return of the program comes here: the common case (a function that
        # is not a target, in a file that has none) costs two dict lookups
        if event == "call" or event == "return":
            code = frame.f_code
            target = targets(code)
            if target is None:
                if event == "return" or not files(code.co_filename, True):
                    return
                target = recorder.lookup(code)
                if target is None:
                    return
            handle(target, frame, event, arg)

    sys.setprofile(profile)
    threading.setprofile(profile)

    def stop() -> None:
        sys.setprofile(None)
        threading.setprofile(None)

    return stop
