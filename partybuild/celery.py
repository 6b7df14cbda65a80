import os
import socket

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partybuild.settings.base")

app = Celery("partybuild")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="partybuild.ping")
def ping():
    """Answers with where it ran, so a smoke test can tell a real worker from eager execution."""
    return {"host": socket.gethostname(), "pid": os.getpid()}
