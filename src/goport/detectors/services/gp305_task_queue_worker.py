"""GP305 task-queue-worker: task-queue worker function: background jobs that Go workers can run."""

from __future__ import annotations

import libcst as cst

from goport.detectors.base import Detector, Match, NoMatch
from goport.detectors.services._shared import _decorator_func
from goport.model import Category, Trait

_TASK_FUNCTIONS = {
    "celery.shared_task": "Celery",
    "celery.task": "Celery",
    "dramatiq.actor": "Dramatiq",
    "remoulade.actor": "Remoulade",
    "rq.decorators.job": "RQ",
    "rq.job": "RQ",
    "huey.contrib.djhuey.task": "Huey",
    "huey.contrib.djhuey.periodic_task": "Huey",
    "huey.contrib.djhuey.db_task": "Huey",
}

_TASK_ATTRS = frozenset({"task", "periodic_task", "db_task", "db_periodic_task", "actor"})

_TASK_LIBS = {
    "celery": "Celery",
    "huey": "Huey",
    "dramatiq": "Dramatiq",
    "taskiq": "Taskiq",
}

_TASK_BASES = frozenset({"celery.Task", "celery.app.task.Task"})


class TaskQueueWorker(Detector):
    """Task-queue worker functions: Celery, Dramatiq, RQ, Huey, Taskiq.

    What it detects: functions decorated with ``@app.task`` / ``@celery.task(...)`` /
    ``@shared_task``, ``@dramatiq.actor``, ``@huey.task()`` / ``@huey.periodic_task(...)``,
    ``@broker.task`` (Taskiq) and RQ ``@job(...)``; classes subclassing ``celery.Task``. The
    ``.task`` attribute form counts when the module imports one of those libraries or the
    decorator object comes from a module whose dotted name mentions celery or huey.
    Why it matters for a Go port: a worker is a loop pulling jobs off a broker and running them
    in a process pool; Go runs the same jobs in goroutines with far less memory per worker.
    Go idiom: ``hibiken/asynq`` (Redis) or ``RichardKnop/machinery`` handlers, or a plain
    broker consumer feeding a worker pool; the broker and message format must be shared with
    the Python producers during the migration.
    Known limits: producers (``.delay()``, ``.apply_async()``, ``enqueue``) are not reported;
    RQ jobs enqueued as plain functions (``q.enqueue(fn)``) have no marker on ``fn`` and are
    missed; Celery's pickle/JSON task protocol must be kept by any Go worker.
    """

    ID = "GP305"
    NAME = "task-queue-worker"
    CATEGORY = Category.SERVICE
    WEIGHT = 1.5
    PYTHON = "Celery @app.task / @shared_task, dramatiq @actor, rq/huey tasks"
    GO_IDIOM = "asynq or machinery task handlers; or a broker consumer feeding a worker pool"
    SUMMARY = "task-queue worker function: background jobs that Go workers can run"
    TRAITS = (Trait.NETWORK, Trait.FEEDING)
    MATCHES = (
        Match(
            """
            from celery import Celery
            app = Celery('proj')

            @app.task(bind=True, max_retries=3)
            def send_email(self, to):
                return to
            """,
            line=5,
        ),
        Match(
            """
            from celery import shared_task as st

            @st
            def resize(image_id):
                return image_id
            """,
            line=4,
        ),
        Match(
            """
            import dramatiq

            @dramatiq.actor(max_retries=3)
            def count_words(url):
                return len(url)
            """,
            line=4,
        ),
        Match(
            """
            from .celery_app import app

            @app.task
            def cleanup():
                pass
            """,
            line=4,
        ),
    )
    NO_MATCHES = (
        NoMatch(
            """
            from .tasks import send_email

            def signup(user):
                send_email.delay(user.email)
            """
        ),
        NoMatch(
            """
            from invoke import task

            @task
            def build(c):
                c.run('make')
            """
        ),
        NoMatch(
            """
            from .scheduler import planner

            @planner.task('nightly')
            def plan():
                pass
            """
        ),
    )

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        for decorator in node.decorators:
            lib = self._task_lib(_decorator_func(decorator))
            if lib is not None:
                self.report(node, f"{lib} task {node.name.value}")
                return

    def _task_lib(self, func: cst.BaseExpression) -> str | None:
        ctx = self.ctx
        if isinstance(func, cst.Attribute):
            if func.attr.value not in _TASK_ATTRS:
                return None
            for module, lib in _TASK_LIBS.items():
                if ctx.imports_any(module):
                    return lib
            owner = ctx.resolve(func.value) or ""
            for part in owner.split("."):
                if "celery" in part:
                    return "Celery"
                if "huey" in part:
                    return "Huey"
            return None
        if isinstance(func, cst.Name):
            name = ctx.resolve(func)
            if name is not None:
                return _TASK_FUNCTIONS.get(name)
        return None

    def leave_ClassDef(self, node: cst.ClassDef) -> None:
        for arg in node.bases:
            if self.ctx.resolve(arg.value) in _TASK_BASES:
                self.report(node, f"Celery task class {node.name.value}")
                return
