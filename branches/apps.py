from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BranchesConfig(AppConfig):
    name = "branches"
    verbose_name = _("Organizations")

    def ready(self):
        from . import checks, signals  # noqa: F401
