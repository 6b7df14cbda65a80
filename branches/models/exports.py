"""Exports too large to answer at once (docs/security.md, "Limits"): written in the background with
progress, downloaded by the person who asked, deleted after ``EXPORT_FILE_HOURS``."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..scope.querysets import ScopedQuerySet
from .tree import Organization


class ExportState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


def export_upload_to(instance, filename):
    return f"exports/{instance.pk}/{filename}"


class ExportJobQuerySet(ScopedQuerySet):
    def restrict(self, user, action: str = "view"):
        """Only the requester's own jobs, and only while the subtree they exported is still theirs."""
        if user is None or not user.is_authenticated:
            return self.none()
        return super().restrict(user, action).filter(requested_by=user)


class ExportJob(models.Model):
    """One export of a list (the API's ``…/export/`` or a list page's Excel button), run as a job."""

    scope_path_lookup = "organization__path"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # The export's own URL and query: the worker rebuilds the same filtered, scoped list from them.
    source = models.CharField(_("export address"), max_length=300)
    query = models.JSONField(_("filters"), default=dict, blank=True)
    title = models.CharField(_("title"), max_length=200)
    # The outermost organization of the requester's scope when asked: who may see the job at all.
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.CASCADE, related_name="export_jobs"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.CASCADE, related_name="+"
    )
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=ExportState.choices, default=ExportState.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to=export_upload_to, blank=True, max_length=300)
    error = models.TextField(_("error"), blank=True)

    objects = ExportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("export job")
        verbose_name_plural = _("export jobs")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.title} ({self.get_state_display()})"
