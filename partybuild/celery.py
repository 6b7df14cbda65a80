import os
import socket
from logging.config import dictConfig

from celery import Celery
from celery.signals import setup_logging
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partybuild.settings.base")

app = Celery("partybuild")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect
def use_django_logging(**kwargs):
    """The worker logs through Django's LOGGING, with the personal-data filter the web processes use
    (docs/security.md); connecting this signal also stops Celery from installing handlers of its own."""
    dictConfig(settings.LOGGING)


@app.task(name="partybuild.ping")
def ping():
    """Answers with where it ran, so a smoke test can tell a real worker from eager execution."""
    return {"host": socket.gethostname(), "pid": os.getpid()}
