from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Assessments")

    def ready(self):
        # Registers the Celery tasks by name, which services start through partybuild/jobs.py; declares what
        # the quota engine counts here, and refreshes the figures of the organizations whose records changed.
        from . import counted  # noqa: F401, PLC0415
        from . import signals  # noqa: F401, PLC0415
        from . import tasks  # noqa: F401, PLC0415

        counted.register()
        self._add_archive_section()

    @staticmethod
    def _add_archive_section():
        # The member archive shows appraisals, which members/ cannot import: this app adds the section.
        from members.selectors.archive import archive_section_register  # noqa: PLC0415

        from .selectors.appraisals import ARCHIVE_SECTION  # noqa: PLC0415

        archive_section_register(ARCHIVE_SECTION)
