"""Exports too large to answer at once (docs/security.md, "Limits"): written in the background with
progress, downloaded by the person who asked, deleted after ``EXPORT_FILE_HOURS``."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from .jobs import JobState
from .jobs import RequesterJob
from .tree import Organization

ExportState = JobState


def export_upload_to(instance, filename):
    return f"exports/{instance.pk}/{filename}"


class ExportJob(RequesterJob):
    """One export of a list (the API's ``…/export/`` or a list page's Excel button), run as a job."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # The export's own URL and query: the worker rebuilds the same filtered, scoped list from them.
    source = models.CharField(_("export address"), max_length=300)
    query = models.JSONField(_("filters"), default=dict, blank=True)
    title = models.CharField(_("title"), max_length=200)
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.CASCADE, related_name="export_jobs"
    )
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to=export_upload_to, blank=True, max_length=300)

    class Meta(RequesterJob.Meta):
        verbose_name = _("export job")
        verbose_name_plural = _("export jobs")

    def __str__(self):
        return f"{self.title} ({self.get_state_display()})"
