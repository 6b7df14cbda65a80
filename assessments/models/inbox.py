"""A user's choice about the inbox's daily digest (docs/inbox.md, "The daily digest")."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class InboxPreference(models.Model):
    """Whether the user receives the daily digest; a user without a row receives it (opted in)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="inbox_preference",
    )
    daily_digest = models.BooleanField(_("daily digest by email"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("inbox preference")
        verbose_name_plural = _("inbox preferences")

    def __str__(self):
        return f"{self.user} {self.daily_digest}"
