from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Assessments")

    def ready(self):
        # Registers the Celery tasks by name, which services start through partybuild/jobs.py; declares what
        # the quota engine counts here, and refreshes the figures of the organizations whose records changed.
        from . import counted, signals, tasks  # noqa: F401, PLC0415

        counted.register()
