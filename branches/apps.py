from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BranchesConfig(AppConfig):
    name = "branches"
    verbose_name = _("Organizations")

    def ready(self):
        from . import signals  # noqa: F401, PLC0415 - receivers connect once the app registry is ready
