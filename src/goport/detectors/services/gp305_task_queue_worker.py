"""GP305 task-queue-worker: task-queue worker function: background jobs that Go workers can run."""

from __future__ import annotations

import libcst as cst

from goport.detectors.base import Detector
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
        (
            "from celery import Celery\napp = Celery('proj')\n\n@app.task(bind=True, max_retries=3)\n"
            "def send_email(self, to):\n    return to\n"
        ),
        "from celery import shared_task as st\n\n@st\ndef resize(image_id):\n    return image_id\n",
        (
            "import dramatiq\n\n@dramatiq.actor(max_retries=3)\ndef count_words(url):\n"
            "    return len(url)\n"
        ),
        "from .celery_app import app\n\n@app.task\ndef cleanup():\n    pass\n",
    )
    NO_MATCHES = (
        # enqueueing a task is the producer side
        "from .tasks import send_email\n\ndef signup(user):\n    send_email.delay(user.email)\n",
        # invoke's @task is a build task, not a queue worker
        "from invoke import task\n\n@task\ndef build(c):\n    c.run('make')\n",
        # an unrelated .task decorator without a task-queue import
        "from .scheduler import planner\n\n@planner.task('nightly')\ndef plan():\n    pass\n",
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
