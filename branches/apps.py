from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BranchesConfig(AppConfig):
    name = "branches"
    verbose_name = _("Organizations")

    def ready(self):
        # Receivers connect, the system checks and the Celery tasks (started by name through
        # partybuild/jobs.py) register once the app registry is ready.
        from . import checks  # noqa: F401, PLC0415
        from . import counted  # noqa: F401, PLC0415
        from . import signals  # noqa: F401, PLC0415
        from . import tasks  # noqa: F401, PLC0415

        counted.register()
