"""Report files built in the background (xlsx, PDF), with progress, downloaded when done."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from branches.models.bases import ScopedModel
from branches.models.bases import organization_field
from branches.models.bases import user_stamp_field
from branches.models.bases import year_field

from .quotas import RunState


class ReportKind(models.TextChoices):
    JOINT_EVALUATION = "joint_evaluation", _("Joint evaluation report")


class ReportFormat(models.TextChoices):
    XLSX = "xlsx", _("Excel workbook")
    PDF = "pdf", _("PDF")


def report_upload_to(instance, filename):
    return f"reports/{instance.pk}/{filename}"


class ReportJob(ScopedModel):
    """One requested report file for an organization's subtree and a year."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("report"), max_length=24, choices=ReportKind.choices)
    format = models.CharField(_("format"), max_length=6, choices=ReportFormat.choices)
    organization = organization_field(_("organization"), "report_jobs", on_delete=models.CASCADE)
    year = year_field()
    state = models.CharField(_("state"), max_length=10, choices=RunState.choices, default=RunState.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    requested_by = user_stamp_field(_("requested by"))
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to=report_upload_to, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("report job")
        verbose_name_plural = _("report jobs")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.organization} {self.year} ({self.format})"
