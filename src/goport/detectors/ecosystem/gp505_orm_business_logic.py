"""GP505 orm-business-logic: ORM models and queries: business rules in the ORM's semantics."""

from __future__ import annotations

import libcst as cst

from goport.detectors.base import Context, Detector, FunctionFrame, Match, NoMatch
from goport.detectors.ecosystem._shared import _PackageImports
from goport.detectors.syntax import dotted, last_part, under
from goport.model import Category

_ORM = (
    "sqlalchemy",
    "sqlmodel",
    "flask_sqlalchemy",
    "peewee",
    "playhouse",
    "pony.orm",
    "tortoise",
    "django.db",
)

_ORM_LABELS = {
    "sqlalchemy": "SQLAlchemy",
    "sqlmodel": "SQLModel",
    "flask_sqlalchemy": "Flask-SQLAlchemy",
    "peewee": "peewee",
    "playhouse": "peewee",
    "pony.orm": "Pony",
    "tortoise": "Tortoise",
    "django.db": "Django ORM",
}

_MODEL_BASE_LEAVES = frozenset({"Model", "Entity"})

_DJANGO_QUERIES = frozenset(
    {
        "filter",
        "get",
        "all",
        "exclude",
        "create",
        "get_or_create",
        "update_or_create",
        "annotate",
        "aggregate",
        "values",
        "values_list",
        "order_by",
        "select_related",
        "prefetch_related",
        "bulk_create",
        "bulk_update",
        "count",
        "exists",
        "first",
        "last",
        "in_bulk",
        "raw",
    }
)

_FLASK_SQLA_QUERIES = frozenset({"filter", "filter_by", "get", "get_or_404", "first_or_404", "all"})

_MODEL_VARS = frozenset({"self.model", "cls", "model"})


_QUERY_WEIGHT = 1.0


class OrmBusinessLogic(_PackageImports, Detector):
    """ORM models and queries: SQLAlchemy, SQLModel, Django ORM, peewee, Pony, Tortoise.

    What it detects: each import statement of an ORM package (``sqlalchemy``, ``sqlmodel``,
    ``flask_sqlalchemy``, ``peewee``, ``pony.orm``, ``tortoise``, ``django.db``); each model class
    (a subclass of ``models.Model``/``db.Model``/``db.Entity``/an ORM base of the module, a
    ``table=True`` SQLModel, or a class with ``__tablename__`` or ORM column fields); and the
    first ORM query of each function (``session.query(...)``, ``select(...)`` from SQLAlchemy,
    ``Model.objects.filter(...)``, ``Model.query.filter_by(...)``), reported with weight 1.0.
    Why it matters for a Go port: models carry business rules (relationships, cascades, signals,
    lazy loading, validation) in the ORM's semantics; a Go port must re-express them in SQL or a
    Go ORM, and both sides must agree on the schema while they coexist.
    Go idiom: ``sqlc`` (typed code from SQL), ``jackc/pgx`` with plain SQL, or ``ent``/``gorm``;
    keep one owner of migrations (Alembic/Django) while both languages share the database.
    Known limits: a declarative ``Base`` imported from another module is recognised only
    through ``__tablename__`` or column fields in the model body; peewee/Pony query expressions
    (``User.select()``) are not reported as queries.
    """

    ID = "GP505"
    NAME = "orm-business-logic"
    CATEGORY = Category.ECOSYSTEM
    WEIGHT = 2.5
    PYTHON = "SQLAlchemy / Django ORM / peewee models and session.query"
    GO_IDIOM = "sqlc or pgx with explicit SQL (or ent/gorm); one owner of the schema migrations"
    SUMMARY = "ORM models and queries: business rules in the ORM's semantics"
    PACKAGES = _ORM
    LABEL = "ORM"
    MATCHES = (
        Match(
            """
            from django.db import models

            class Item(models.Model):
                name = models.CharField(max_length=100)
            """,
            line=1,
        ),
        Match(
            """
            import sqlalchemy as sa
            from .db import Base

            class User(Base):
                __tablename__ = 'users'
                id = sa.Column(sa.Integer, primary_key=True)
            """,
            line=1,
        ),
        Match(
            """
            from .models import Item

            def cheap_items():
                return list(Item.objects.filter(price__lt=10))
            """,
            line=4,
        ),
        Match(
            """
            from sqlmodel import SQLModel as SM, Field

            class Hero(SM, table=True):
                id: int = Field(primary_key=True)
            """,
            line=1,
        ),
    )
    NO_MATCHES = (
        NoMatch(
            """
            from pydantic import BaseModel, Field

            class ItemIn(BaseModel):
                name: str = Field(max_length=100)
            """
        ),
        NoMatch(
            """
            def price(items, key, session):
                return session.get(items.get(key))
            """
        ),
        NoMatch(
            """
            def cube(scene):
                return scene.objects.get('Cube')
            """
        ),
        NoMatch(
            """
            class Model:
                pass

            class Net(Model):
                layers = 3
            """
        ),
    )

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.queried: set[FunctionFrame] = set()  # functions whose first query was reported
        self._orm_objects: dict[str, str] = {}  # names bound to ORM objects: db = SQLAlchemy()
        self._orm_classes: set[str] = set()  # ORM bases and models defined in this module

    def _orm_name(self, expr: cst.BaseExpression) -> str | None:
        """The ORM package prefix an expression resolves under, if any."""
        name = self.ctx.resolve(expr)
        if name is None:
            return None
        prefix = under(name, _ORM)
        if prefix is not None:
            return prefix
        return self._orm_objects.get(name.split(".", 1)[0])

    def leave_Assign(self, node: cst.Assign) -> None:
        value = node.value
        if isinstance(value, cst.Call) and len(node.targets) == 1:
            target = node.targets[0].target
            if isinstance(target, cst.Name):
                prefix = self._orm_name(value.func)
                if prefix is not None:
                    self._orm_objects[target.value] = prefix

    def leave_ClassDef(self, node: cst.ClassDef) -> None:
        orm = self._model_orm(node)
        if orm is not None:
            self._orm_classes.add(node.name.value)
            if orm:
                self.report(node, f"ORM model {node.name.value} ({_ORM_LABELS.get(orm, orm)})")

    def _model_orm(self, node: cst.ClassDef) -> str | None:
        """The ORM of a model class; "" for an ORM base class that is not itself a model."""
        ctx = self.ctx
        base_orm: str | None = None
        for arg in node.bases:
            base = arg.value
            if isinstance(base, cst.Name):
                if base.value in self._orm_classes:
                    return self._local_orm()
                if base.value in self._orm_objects:
                    return self._orm_objects[base.value]
            name = ctx.resolve(base) or ""
            prefix = self._orm_name(base)
            if prefix is not None:
                if last_part(name) in _MODEL_BASE_LEAVES:
                    return prefix
                base_orm = prefix
        for keyword in node.keywords:
            if (
                keyword.keyword is not None
                and keyword.keyword.value == "table"
                and isinstance(keyword.value, cst.Name)
                and keyword.value.value == "True"
            ):
                return base_orm or "sqlmodel"
        field_orm = self._field_orm(node)
        if field_orm is not None:
            return field_orm
        return "" if base_orm is not None else None

    def _local_orm(self) -> str:
        for prefix in _ORM:
            if self.ctx.imports_any(prefix):
                return prefix
        return "sqlalchemy"

    def _field_orm(self, node: cst.ClassDef) -> str | None:
        body = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
        for stmt in body:
            if not isinstance(stmt, cst.SimpleStatementLine):
                continue
            for small in stmt.body:
                if isinstance(small, cst.Assign):
                    targets = [t.target for t in small.targets]
                    value: cst.BaseExpression | None = small.value
                elif isinstance(small, cst.AnnAssign):
                    targets, value = [small.target], small.value
                else:
                    continue
                if any(isinstance(t, cst.Name) and t.value == "__tablename__" for t in targets):
                    return self._local_orm()
                if isinstance(value, cst.Call):
                    prefix = self._orm_name(value.func)
                    if prefix is not None:
                        return prefix
        return None

    def leave_Call(self, node: cst.Call) -> None:
        func = node.func
        if not isinstance(func, (cst.Attribute, cst.Name)):
            return
        frame = self.ctx.function
        if frame is not None and frame in self.queried:
            return
        query = self._query(func)
        if query is None:
            return
        if frame is not None:
            self.queried.add(frame)
        self.report(node, f"ORM query {query}", weight=_QUERY_WEIGHT)

    def _query(self, func: cst.Attribute | cst.Name) -> str | None:
        if isinstance(func, cst.Name):
            name = self.ctx.resolve(func)
            if name in ("sqlalchemy.select", "sqlalchemy.future.select", "sqlmodel.select"):
                return f"{name}()"
            return None
        attr = func.attr.value
        owner = func.value
        if attr == "query":
            holder = dotted(owner) or ""
            if "session" in last_part(holder).lower():
                return f"{holder}.query()"
            return None
        if isinstance(owner, cst.Attribute):
            inner = owner.value
            if isinstance(inner, cst.Call):  # get_user_model().objects.filter(...)
                model = f"{dotted(inner.func) or ''}()"
                looks_like_model = dotted(inner.func) is not None
            else:
                model = dotted(inner) or ""
                looks_like_model = last_part(model)[:1].isupper() or model in _MODEL_VARS
            if owner.attr.value == "objects" and attr in _DJANGO_QUERIES and looks_like_model:
                return f"{model}.objects.{attr}()"
            if (
                owner.attr.value == "query"
                and attr in _FLASK_SQLA_QUERIES
                and model[:1].isupper()
                and "." not in model
            ):
                return f"{model}.query.{attr}()"
        return None
