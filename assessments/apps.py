from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Assessments")

    def ready(self):
        # Registers the Celery tasks by name, which services start through partybuild/jobs.py.
        from . import tasks  # noqa: F401, PLC0415
