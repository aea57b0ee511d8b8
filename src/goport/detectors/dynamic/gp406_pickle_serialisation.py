"""GP406 pickle-serialisation: Python-only serialisation format: a Go side cannot read or write it."""

from __future__ import annotations

import libcst as cst

from goport.detectors.base import Detector, Match, NoMatch
from goport.detectors.syntax import dotted, last_part
from goport.model import Category

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
        Match(
            """
            import pickle

            def save(obj, path):
                with open(path, 'wb') as f:
                    pickle.dump(obj, f)
            """,
            line=5,
        ),
        Match(
            """
            from pickle import loads as l

            def decode(blob):
                return l(blob)
            """,
            line=4,
        ),
        Match(
            """
            import joblib
            model = joblib.load('model.joblib')
            """,
            line=2,
        ),
        Match(
            """
            import shelve

            with shelve.open('cache.db') as db:
                db['k'] = 1
            """,
            line=3,
        ),
    )
    NO_MATCHES = (
        NoMatch(
            """
            import json

            def save(obj, f):
                json.dump(obj, f)
            """
        ),
        NoMatch(
            """
            import marshmallow

            def load(schema, data):
                return schema.load(data)
            """
        ),
        NoMatch(
            """
            def read(store):
                return store.load('key')
            """
        ),
    )

    def leave_Call(self, node: cst.Call) -> None:
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
