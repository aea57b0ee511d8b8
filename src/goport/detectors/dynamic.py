"""GP4xx: blockers - dynamic Python that has no static Go equivalent.

eval/exec, computed attribute access, metaclasses, monkeypatching, dynamic imports and pickle
all decide at run time what code runs or what shape data has. A Go port has to replace each with
an explicit design (a registry, an interface, a schema), so they raise the cost of a port.
"""

from __future__ import annotations

import libcst as cst

from goport.detectors.base import Context, Detector
from goport.detectors.syntax import dotted, last_part, positional, string_value
from goport.model import Category, Trait


def _root(expr: cst.BaseExpression) -> cst.Name | None:
    while isinstance(expr, (cst.Attribute, cst.Subscript)):
        expr = expr.value
    return expr if isinstance(expr, cst.Name) else None


def _is_constant(expr: cst.BaseExpression) -> bool:
    if isinstance(expr, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)):
        return True
    if isinstance(expr, (cst.Integer, cst.Float, cst.Imaginary)):
        return True
    if isinstance(expr, cst.Name):
        return expr.value in ("True", "False", "None")
    if isinstance(expr, cst.UnaryOperation):
        return _is_constant(expr.expression)
    return False


def _builtin(ctx: Context, func: cst.BaseExpression, names: frozenset[str]) -> str | None:
    """The builtin called, if ``func`` is one of ``names`` and not shadowed by an import."""
    if isinstance(func, cst.Name):
        target = ctx.aliases.get(func.value)
        if target is None:
            return func.value if func.value in names else None
        leaf = last_part(target)
        return leaf if target == "builtins." + leaf and leaf in names else None
    if isinstance(func, cst.Attribute) and func.attr.value in names:
        name = ctx.resolve(func)
        if name is not None and name == "builtins." + func.attr.value:
            return func.attr.value
    return None


# -- GP401 ----------------------------------------------------------------------------------------

_EVAL = frozenset({"eval", "exec", "compile"})


class EvalExec(Detector):
    """``eval``, ``exec`` and ``compile`` builtins.

    What it detects: calls of the builtins ``eval()``, ``exec()`` and ``compile()`` (also as
    ``builtins.eval``). Not ``re.compile``, not ``ast.literal_eval``, not methods such as
    ``model.eval()``, and not a ``compile`` imported from another module.
    Why it matters for a Go port: the program builds and runs Python source at run time; a
    compiled Go binary cannot. Whatever the strings express (formulas, config, plugins) has to
    become a real parser or a fixed set of operations first.
    Go idiom: no Go equivalent: replace with a small expression evaluator (``expr-lang/expr``,
    ``google/cel-go``), a lookup table of functions, or keep the feature behind a Python service.
    Known limits: a function or variable of your own named ``eval``/``exec``/``compile`` defined
    in the module is still reported (module-level shadowing is not tracked).
    """

    ID = "GP401"
    NAME = "eval-exec"
    CATEGORY = Category.BLOCKER
    WEIGHT = 4.0
    PYTHON = "eval() / exec() / compile()"
    GO_IDIOM = "no Go equivalent: an expression engine (expr, cel-go) or a table of functions"
    SUMMARY = "eval/exec/compile: code built at run time, impossible in a compiled binary"
    MATCHES = (
        "def apply(rule, row):\n    return eval(rule, {}, {'row': row})\n",
        (
            "def load(src):\n    ns = {}\n    exec(compile(src, '<plugin>', 'exec'), ns)\n"
            "    return ns\n"
        ),
        "import builtins\n\ndef run(code):\n    builtins.exec(code)\n",
    )
    NO_MATCHES = (
        "import re\nWORD = re.compile(r'\\w+')\n",
        "import ast\n\ndef parse(text):\n    return ast.literal_eval(text)\n",
        "def predict(model, x):\n    model.eval()\n    return model(x)\n",
        "from re import compile\nNUM = compile(r'\\d+')\n",
    )

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self._inner: set[int] = set()  # compile() calls reported with their exec/eval

    def enter_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Name) and func.value in ("exec", "eval") and node.args:
            arg = node.args[0].value
            if isinstance(arg, cst.Call) and _builtin(self.ctx, arg.func, _EVAL) == "compile":
                self._inner.add(id(arg))

    def visit_Call(self, node: cst.Call) -> None:
        name = _builtin(self.ctx, node.func, _EVAL)
        if name is None:
            return
        if name == "compile":
            if id(node) in self._inner:
                self._inner.discard(id(node))
                return
            self.report(node, "compile() builds a code object at run time")
        else:
            args = positional(node)
            what = "a literal string" if args and (string_value(args[0]) is not None) else "code built at run time"
            self.report(node, f"{name}() runs {what}")


# -- GP402 ----------------------------------------------------------------------------------------

_ATTR_BUILTINS = frozenset({"getattr", "setattr", "delattr", "hasattr"})
_ATTR_HOOKS = frozenset({"__getattr__", "__getattribute__", "__setattr__", "__delattr__"})
_NAMESPACE_WRITES = frozenset({"update", "setdefault", "__setitem__", "pop", "clear"})


class DynamicAttributes(Detector):
    """Attributes chosen at run time: computed getattr/setattr, attribute hooks, ``__dict__`` writes.

    What it detects: ``getattr``/``setattr``/``delattr``/``hasattr`` whose attribute name is not
    a string literal; definitions of ``__getattr__``, ``__getattribute__``, ``__setattr__``,
    ``__delattr__`` (module-level ``__getattr__`` too); writes through ``obj.__dict__``,
    ``vars(obj)`` or ``globals()`` (item assignment, ``.update()``, ``.setdefault()``, replacing
    ``__dict__``).
    Why it matters for a Go port: Go struct fields are fixed at compile time; an object whose
    attributes are named by data has no direct struct equivalent, and every call site must be
    turned into explicit fields, a map or a switch.
    Go idiom: explicit struct fields; a ``map[string]T`` for truly dynamic keys; a
    ``map[string]func(...)`` dispatch table instead of ``getattr(obj, name)()``; ``reflect`` only
    as a last resort.
    Known limits: ``getattr(obj, "name")`` with a literal is static and ignored;
    ``setattr``/``delattr`` on an imported module are monkeypatching (GP404), not reported here;
    reads of ``__dict__`` / ``vars()`` are not reported.
    """

    ID = "GP402"
    NAME = "dynamic-attributes"
    CATEGORY = Category.BLOCKER
    TRAITS = (Trait.RESHAPE,)
    WEIGHT = 2.0
    PYTHON = "getattr(obj, name) / __getattr__ / obj.__dict__ writes"
    GO_IDIOM = "explicit struct fields, a map[string]T, or a map[string]func dispatch table"
    SUMMARY = "attributes named by data at run time: no fixed Go struct shape"
    MATCHES = (
        "def dispatch(handler, event):\n    return getattr(handler, 'on_' + event.kind)(event)\n",
        (
            "class Config:\n    def __init__(self, **kw):\n        for k, v in kw.items():\n"
            "            setattr(self, k, v)\n"
        ),
        "class Proxy:\n    def __getattr__(self, name):\n        return getattr(self._target, name)\n",
        "class Record:\n    def __init__(self, data):\n        self.__dict__.update(data)\n",
        "def define(name, value):\n    globals()[name] = value\n",
    )
    NO_MATCHES = (
        "class Index:\n    def __setstate__(self, state):\n        self.__dict__.update(state)\n",
        "def version(mod):\n    return getattr(mod, '__version__', 'unknown')\n",
        "def has_close(f):\n    return hasattr(f, 'close')\n",
        "import json\n\ndef dump(cfg):\n    return json.dumps(vars(cfg))\n",
        "import json\n\ndef patch(name, fn):\n    setattr(json, name, fn)\n",
    )

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        ctx = self.ctx
        name = _builtin(ctx, func, _ATTR_BUILTINS)
        if name is not None:
            args = positional(node)
            if len(args) < 2 or (string_value(args[1]) is not None):
                return
            if name in ("setattr", "delattr"):
                root = _root(args[0])
                if root is not None and root.value in ctx.aliases:
                    return  # monkeypatching an imported object: GP404
            target = dotted(args[0]) or "obj"
            self.report(node, f"{name}({target}, <computed name>)")
            return
        if isinstance(func, cst.Attribute) and func.attr.value in _NAMESPACE_WRITES:
            frame = self.ctx.function
            if frame is not None and frame.name in _COPY_PROTOCOL:
                return  # restoring state for pickle/copy: mechanical, not dynamic design
            space = self._namespace(func.value)
            if space is not None:
                self.report(node, f"writes attributes through {space}.{func.attr.value}()")

    def _namespace(self, expr: cst.BaseExpression) -> str | None:
        if isinstance(expr, cst.Attribute) and expr.attr.value == "__dict__":
            return dotted(expr) or "__dict__"
        if isinstance(expr, cst.Call):
            name = _builtin(self.ctx, expr.func, frozenset({"vars", "globals"}))
            if name is not None:
                args = positional(expr)
                inner = dotted(args[0]) if args else None
                return f"{name}({inner or ''})"
        return None

    def _check_target(self, target: cst.BaseExpression) -> None:
        if isinstance(target, cst.Subscript):
            space = self._namespace(target.value)
            if space is not None:
                self.report(target, f"writes attributes through {space}[...]")
        elif isinstance(target, cst.Attribute) and target.attr.value == "__dict__":
            self.report(target, f"replaces {dotted(target) or '__dict__'}")

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._check_target(target.target)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._check_target(node.target)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        name = node.name.value
        if name in _ATTR_HOOKS:
            self.report(node, f"defines {name}")


_COPY_PROTOCOL = frozenset(
    {"__setstate__", "__getstate__", "__reduce__", "__reduce_ex__", "__copy__", "__deepcopy__"}
)


# -- GP403 ----------------------------------------------------------------------------------------

_METACLASS_BASES = frozenset({"type", "abc.ABCMeta", "enum.EnumMeta", "enum.EnumType"})
_META_METHODS = ("__new__", "__call__", "__prepare__", "__init__")
_CLASS_HOOKS = frozenset({"__init_subclass__", "__class_getitem__"})


class Metaclass(Detector):
    """Metaclasses and class-creation hooks.

    What it detects: ``class X(metaclass=M)`` (except ``abc.ABCMeta``, which is just an
    interface); metaclass definitions (classes deriving from ``type``, ``ABCMeta``, ``EnumMeta``
    or another metaclass of the module; their ``__new__``/``__call__`` are named in the message,
    not reported again); 3-argument ``type(name, bases, ns)``; ``types.new_class``;
    ``six.with_metaclass``/``six.add_metaclass``; ``__init_subclass__`` and
    ``__class_getitem__`` definitions.
    Why it matters for a Go port: the class itself is computed at run time (registered,
    rewritten, given fields); Go types are fixed at compile time, so the behaviour the metaclass
    adds must be made explicit at every use.
    Go idiom: no Go equivalent: an explicit registry filled in ``init()``, code generation
    (``go generate``), generics for parameterised types, struct embedding for shared behaviour.
    Known limits: a metaclass imported from another module and applied through a base class
    (``class Model(Base)``) is seen only where the metaclass is named; ``__class_getitem__`` is
    usually only typing sugar and weighs the same.
    """

    ID = "GP403"
    NAME = "metaclass"
    CATEGORY = Category.BLOCKER
    WEIGHT = 3.0
    PYTHON = "metaclass=..., type(name, bases, ns), __init_subclass__"
    GO_IDIOM = "no Go equivalent: an explicit registry in init(), go generate, or generics"
    SUMMARY = "classes created or altered at run time: Go types are fixed at compile time"
    MATCHES = (
        (
            "class Registry(type):\n    plugins = {}\n\n    def __new__(mcs, name, bases, ns):\n"
            "        cls = super().__new__(mcs, name, bases, ns)\n        mcs.plugins[name] = cls\n"
            "        return cls\n"
        ),
        "from .meta import ModelMeta\n\nclass Model(metaclass=ModelMeta):\n    pass\n",
        "def make(name, fields):\n    return type(name, (object,), dict(fields))\n",
        (
            "class Plugin:\n    registry = []\n\n    def __init_subclass__(cls, **kw):\n"
            "        super().__init_subclass__(**kw)\n        Plugin.registry.append(cls)\n"
        ),
    )
    NO_MATCHES = (
        (
            "from abc import ABCMeta, abstractmethod\n\nclass Store(metaclass=ABCMeta):\n"
            "    @abstractmethod\n    def get(self, key): ...\n"
        ),
        "def kind(x):\n    return type(x).__name__\n",
        "class Point:\n    def __new__(cls, x, y):\n        return super().__new__(cls)\n",
    )

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self._metaclasses: set[str] = set()

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        ctx = self.ctx
        name = node.name.value
        for keyword in node.keywords:
            if keyword.keyword is not None and keyword.keyword.value == "metaclass":
                meta = ctx.resolve(keyword.value) or "..."
                if meta != "abc.ABCMeta":
                    self.report(node, f"class {name} uses metaclass={last_part(meta)}")
                return
        for arg in node.bases:
            base = arg.value
            if isinstance(base, cst.Name) and base.value in self._metaclasses:
                break
            if ctx.resolve(base) in _METACLASS_BASES:
                break
        else:
            return
        self._metaclasses.add(name)
        body = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
        hooks = [
            s.name.value
            for s in body
            if isinstance(s, cst.FunctionDef) and s.name.value in _META_METHODS
        ]
        detail = f" overriding {', '.join(hooks)}" if hooks else ""
        self.report(node, f"metaclass {name}{detail}")

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        ctx = self.ctx
        if _builtin(ctx, func, frozenset({"type"})) is not None:
            if len(positional(node)) == 3:
                self.report(node, "type(name, bases, ns) creates a class at run time")
            return
        if isinstance(func, (cst.Name, cst.Attribute)):
            name = ctx.callee(node)
            if name in ("types.new_class", "six.with_metaclass", "six.add_metaclass"):
                self.report(node, f"{name}() creates a class at run time")

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        name = node.name.value
        if name in _CLASS_HOOKS and self.ctx.class_depth:
            self.report(node, f"defines {name}")


# -- GP404 ----------------------------------------------------------------------------------------

_CONFIG_PARTS = frozenset({"options", "config", "conf", "settings", "defaults", "rcParams"})
_CTYPES_PROTOTYPE = frozenset({"argtypes", "restype", "errcheck"})  # declarations, not patches


class Monkeypatching(Detector):
    """Replacing attributes of imported modules and classes at run time.

    What it detects: assignments to an attribute of an imported name (``json.dumps = fast``,
    ``socket.socket = SocksSocket``, ``ImportedClass.method = f``), ``setattr``/``delattr`` on
    an imported name, and ``sys.modules[...] = ...``.
    Why it matters for a Go port: the code relies on changing another module's behaviour for
    everyone who imported it; Go packages cannot be patched from outside, so the patched
    behaviour must become an explicit dependency (an interface or a function value) passed in.
    Go idiom: no Go equivalent: dependency injection through interfaces or function fields;
    build tags or wrapper packages for alternative implementations.
    Known limits: assigning a constant (``pd.options.display.max_rows = 50``,
    ``torch.backends.cudnn.benchmark = True``) and anything under ``options``/``config``/
    ``settings`` is configuration and ignored, as are ``sys.stdout``/``sys.argv``/
    ``sys.excepthook`` (settable by design; ``sys.modules[...]`` is reported) and ctypes
    ``argtypes``/``restype`` declarations; a local variable that reuses an imported name
    can be mistaken for the import; gevent/eventlet ``monkey.patch_all()`` is GP209.
    """

    ID = "GP404"
    NAME = "monkeypatching"
    CATEGORY = Category.BLOCKER
    WEIGHT = 3.0
    PYTHON = "module.attr = replacement / setattr(module, ...)"
    GO_IDIOM = "no Go equivalent: inject the behaviour through an interface or a func field"
    SUMMARY = "patches another module at run time: Go packages cannot be patched"
    MATCHES = (
        "import json\nimport orjson\n\njson.dumps = orjson.dumps\n",
        "import socket\nimport socks\n\ndef use_proxy():\n    socket.socket = socks.socksocket\n",
        (
            "from requests import Session as S\n\ndef traced(fn):\n    return fn\n\n"
            "S.request = traced(S.request)\n"
        ),
        "import sys\nfrom . import fake_numpy\n\nsys.modules['numpy'] = fake_numpy\n",
    )
    NO_MATCHES = (
        "from myapp.api import app\n\ndef wire(index):\n    app.state.index = index\n",
        "import pandas as pd\n\npd.options.display.max_rows = 50\n",
        "import os\nos.environ['TZ'] = 'UTC'\n",
        "import io\nimport sys\n\ndef capture():\n    sys.stdout = io.StringIO()\n",
        "class Local:\n    pass\n\nLocal.helper = staticmethod(len)\n",
        "def setup(self, conn):\n    self.conn = conn\n",
        "from gevent import monkey\nmonkey.patch_all()\n",
    )

    def _check(
        self, node: cst.CSTNode, target: cst.BaseExpression, value: cst.BaseExpression
    ) -> None:
        ctx = self.ctx
        if isinstance(target, cst.Attribute):
            root = _root(target)
            if root is None or root.value not in ctx.aliases or _is_constant(value):
                return
            if target.attr.value in _CTYPES_PROTOTYPE:
                return
            if (
                isinstance(target.value, cst.Attribute)
                and ctx.aliases.get(root.value) != root.value
            ):
                # ``app.state.index = ...`` on an object imported by name sets its state;
                # deeper chains count only from a plainly imported module (``os.path.join = f``)
                return
            name = ctx.resolve(target)
            if (
                name is None
                or name.startswith("sys.")
                or _CONFIG_PARTS.intersection(name.split(".")[:-1])
            ):
                return  # sys.stdout/argv/excepthook are settable by design; options are config
            self.report(node, f"monkeypatches {name}")
        elif isinstance(target, cst.Subscript) and ctx.resolve(target.value) == "sys.modules":
            self.report(node, "replaces a module in sys.modules")

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._check(node, target.target, node.value)

    def visit_Call(self, node: cst.Call) -> None:
        name = _builtin(self.ctx, node.func, frozenset({"setattr", "delattr"}))
        if name is None:
            return
        args = positional(node)
        root = _root(args[0]) if args else None
        if root is not None and root.value in self.ctx.aliases:
            target = self.ctx.resolve(args[0]) or root.value
            if target != "sys":
                self.report(node, f"{name}() on imported {target}")


# -- GP405 ----------------------------------------------------------------------------------------

_IMPORT_BY_NAME = frozenset(
    {"importlib.import_module", "__import__", "importlib.__import__", "builtins.__import__"}
)
_DYNAMIC_LOADERS = frozenset(
    {
        "importlib.util.spec_from_file_location",
        "importlib.util.module_from_spec",
        "importlib.machinery.SourceFileLoader",
        "importlib.reload",
        "imp.load_source",
        "imp.load_module",
        "runpy.run_path",
        "runpy.run_module",
        "pkg_resources.iter_entry_points",
        "pkg_resources.load_entry_point",
        "importlib.metadata.entry_points",
        "importlib_metadata.entry_points",
        "pkgutil.iter_modules",
        "pkgutil.walk_packages",
    }
)
_SPEC = "gp405.spec"


class DynamicImport(Detector):
    """Modules imported by a name computed at run time; plugin discovery.

    What it detects: ``importlib.import_module(name)`` and ``__import__(name)`` with a
    non-literal name; ``importlib.util.spec_from_file_location``/``module_from_spec`` (one
    finding per function for the pair), ``SourceFileLoader``, ``importlib.reload``, ``imp``
    loaders, ``runpy``; entry-point discovery (``pkg_resources.iter_entry_points``,
    ``importlib.metadata.entry_points``) and ``pkgutil.iter_modules``/``walk_packages``.
    Why it matters for a Go port: which code runs depends on files or installed packages found
    at run time; a Go binary links everything at build time, so plugins become a compiled-in
    registry, separate processes, or a stable RPC boundary.
    Go idiom: no Go equivalent at run time: a registry filled by blank imports
    (``import _ "x/plugins/y"`` + ``init()``), build tags, or plugins as subprocesses/gRPC
    (``hashicorp/go-plugin``); Go's ``plugin`` package is Linux-only and brittle.
    Known limits: ``import_module("literal")`` is a static import in disguise and is ignored;
    lazy-import helpers of your own that wrap ``import_module`` are reported at their call to
    ``import_module`` only.
    """

    ID = "GP405"
    NAME = "dynamic-import"
    CATEGORY = Category.BLOCKER
    WEIGHT = 2.5
    PYTHON = "importlib.import_module(name) / entry_points() / pkgutil.iter_modules"
    GO_IDIOM = "no Go equivalent: compile-time registry via init(), or plugins as processes"
    SUMMARY = "code chosen by a module name at run time: Go links everything at build time"
    MATCHES = (
        "import importlib\n\ndef load(name):\n    return importlib.import_module(f'plugins.{name}')\n",
        (
            "from importlib.metadata import entry_points as eps\n\n"
            "def discover():\n    return [ep.load() for ep in eps(group='app.plugins')]\n"
        ),
        (
            "import importlib.util\n\ndef from_path(path):\n"
            "    spec = importlib.util.spec_from_file_location('m', path)\n"
            "    mod = importlib.util.module_from_spec(spec)\n    spec.loader.exec_module(mod)\n"
            "    return mod\n"
        ),
        "import pkgutil\nimport plugins\n\nNAMES = [m.name for m in pkgutil.iter_modules(plugins.__path__)]\n",
    )
    NO_MATCHES = (
        (
            "import importlib\n\ntry:\n    ujson = importlib.import_module('ujson')\n"
            "except ImportError:\n    ujson = None\n"
        ),
        "import importlib.util\n\nHAS_NUMPY = importlib.util.find_spec('numpy') is not None\n",
        "from . import plugins\n\ndef names():\n    return list(plugins.REGISTRY)\n",
    )

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not isinstance(func, (cst.Name, cst.Attribute)):
            return
        ctx = self.ctx
        name = ctx.callee(node)
        if name is None:
            return
        if name in _IMPORT_BY_NAME:
            if isinstance(func, cst.Name) and name == "__import__" and "__import__" in ctx.aliases:
                return
            args = positional(node)
            if args and not (string_value(args[0]) is not None):
                self.report(node, f"{last_part(name)}() of a module name computed at run time")
            return
        if name not in _DYNAMIC_LOADERS:
            return
        frame = ctx.function
        if frame is not None and name.endswith(("spec_from_file_location", "module_from_spec")):
            # one file-loading construct: spec_from_file_location + module_from_spec
            if frame.counters.get(_SPEC):
                return
            frame.counters[_SPEC] = 1
        self.report(node, f"{name}() loads code chosen at run time")


# -- GP406 ----------------------------------------------------------------------------------------

_PICKLE_MODULES = ("pickle", "cPickle", "_pickle", "cloudpickle", "dill", "marshal", "joblib")
_PICKLE_FUNCS = frozenset({"dump", "dumps", "load", "loads", "Pickler", "Unpickler"})
_PICKLE_CALLS = frozenset(
    {
        *(f"{m}.{f}" for m in _PICKLE_MODULES for f in _PICKLE_FUNCS),
        "shelve.open",
        "shelve.Shelf",
        "shelve.DbfilenameShelf",
        "pandas.read_pickle",
    }
)
_PICKLE_LEAVES = frozenset({*_PICKLE_FUNCS, "open", "Shelf", "DbfilenameShelf", "read_pickle"})


class PickleSerialisation(Detector):
    """Data stored or exchanged in Python-only formats: pickle, dill, shelve, marshal, joblib.

    What it detects: ``dump``/``dumps``/``load``/``loads``/``Pickler``/``Unpickler`` of
    ``pickle``, ``cPickle``, ``cloudpickle``, ``dill``, ``marshal`` and ``joblib``;
    ``shelve.open``; ``pandas.read_pickle`` and ``.to_pickle(...)``.
    Why it matters for a Go port: the bytes are Python object graphs; Go cannot read or write
    them, so every cache, queue message or file in that format must migrate to a neutral format
    before a Go component can share it.
    Go idiom: ``encoding/json``, protobuf, msgpack (``vmihailenco/msgpack``) or gob for Go-only
    data; a one-off migration script re-encodes existing pickles.
    Known limits: libraries that pickle internally (multiprocessing, Celery's pickle
    serializer, ``torch.save``) are not reported; a module of your own named like one of these
    is mistaken for it.
    """

    ID = "GP406"
    NAME = "pickle-serialisation"
    CATEGORY = Category.BLOCKER
    WEIGHT = 2.5
    PYTHON = "pickle / dill / shelve / marshal / joblib dump and load"
    GO_IDIOM = "encoding/json, protobuf or msgpack; migrate stored pickles once"
    SUMMARY = "Python-only serialisation format: a Go side cannot read or write it"
    MATCHES = (
        (
            "import pickle\n\ndef save(obj, path):\n    with open(path, 'wb') as f:\n"
            "        pickle.dump(obj, f)\n"
        ),
        "from pickle import loads as l\n\ndef decode(blob):\n    return l(blob)\n",
        "import joblib\nmodel = joblib.load('model.joblib')\n",
        "import shelve\n\nwith shelve.open('cache.db') as db:\n    db['k'] = 1\n",
    )
    NO_MATCHES = (
        "import json\n\ndef save(obj, f):\n    json.dump(obj, f)\n",
        "import marshmallow\n\ndef load(schema, data):\n    return schema.load(data)\n",
        "def read(store):\n    return store.load('key')\n",
    )

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute):
            leaf = func.attr.value
            if leaf == "to_pickle":
                self.report(node, f"{dotted(func) or '.to_pickle'}(): pickle file format")
                return
        elif isinstance(func, cst.Name):
            leaf = last_part(self.ctx.aliases.get(func.value, func.value))
        else:
            return
        if leaf not in _PICKLE_LEAVES:
            return
        name = self.ctx.callee(node)
        if name is not None and name in _PICKLE_CALLS:
            self.report(node, f"{name}(): Python-only serialisation format")


DETECTORS: tuple[type[Detector], ...] = (
    EvalExec,
    DynamicAttributes,
    Metaclass,
    Monkeypatching,
    DynamicImport,
    PickleSerialisation,
)
