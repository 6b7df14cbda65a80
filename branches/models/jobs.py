"""What every background job of a user shares (export and import jobs, docs/security.md "Limits"): its
state and progress, who asked and from where, and the rule that a job is its requester's alone."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..scope.querysets import ScopedQuerySet


class JobState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class RequesterJobQuerySet(ScopedQuerySet):
    def restrict(self, user, action: str = "view"):
        """Only the requester's own jobs, and only while the subtree they worked on is still theirs."""
        if user is None or not user.is_authenticated:
            return self.none()
        return super().restrict(user, action).filter(requested_by=user)


class RequesterJob(models.Model):
    """A user's job; subclasses add ``organization`` (the outermost organization of the requester's scope
    when asked), what the job does and what it produced."""

    scope_path_lookup = "organization__path"
    not_personal_fields = {"ip_address": "where the requester asked from, shown to nobody but the requester"}

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.CASCADE, related_name="+"
    )
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=JobState.choices, default=JobState.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    objects = RequesterJobQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    @property
    def active(self) -> bool:
        return self.state in {JobState.QUEUED, JobState.RUNNING}
