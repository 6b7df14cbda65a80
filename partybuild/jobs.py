"""Starting a background task by its registered name, so services need not import the tasks that call them."""

from django.conf import settings
from django.db import transaction

from .celery import app


def dispatch(task_name: str, *args, wait_for_commit: bool = True) -> None:
    """Run ``task_name`` on a worker once the current transaction commits, or in-process when there is no
    broker: then at once, unless ``wait_for_commit`` asks for the commit first."""
    task = app.tasks[task_name]
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        transaction.on_commit(lambda: task.delay(*args))
    elif wait_for_commit:
        transaction.on_commit(lambda: task.apply(args=args))
    else:
        task.apply(args=args)
