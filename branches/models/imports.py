"""Imports too large to read during a request (docs/security.md, "Limits"): the uploaded file waits in
the job, the worker runs the import engine as the requester, the result is read by the requester alone."""

import uuid

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from .jobs import RequesterJob
from .tree import Organization


def import_upload_to(instance, filename):
    return f"imports/{instance.pk}/{filename}"


class ImportJob(RequesterJob):
    """One upload of the API's ``…/import/`` or a list page's import, dry run or real, run as a job."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # The import-export resource (dotted path) and the list page it came from (``app.model:basename``).
    resource = models.CharField(_("resource"), max_length=200)
    kind = models.CharField(_("list"), max_length=200, blank=True)
    dry_run = models.BooleanField(_("dry run"), default=True)
    file_name = models.CharField(_("file name"), max_length=200)
    file = models.FileField(_("file"), upload_to=import_upload_to, blank=True, max_length=300)
    # The pending upload a page's dry run keeps for the confirm (branches/scope/uploads.py).
    token = models.CharField(_("upload token"), max_length=64, blank=True)
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.CASCADE, related_name="import_jobs"
    )
    # The answer the request would have given: its HTTP status and body (branches/tabular/api.py).
    status_code = models.PositiveSmallIntegerField(_("answer"), null=True, blank=True)
    result = models.JSONField(_("result"), null=True, blank=True, encoder=DjangoJSONEncoder)

    class Meta(RequesterJob.Meta):
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")

    def __str__(self):
        return f"{self.file_name} ({self.get_state_display()})"
