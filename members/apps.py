from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Members")

    def ready(self):
        from . import counted  # noqa: PLC0415 - the models must be loaded

        counted.register()
