"""A transaction that changed counted records refreshes the figures they count for (docs/quotas.md,
"Fresh figures")."""

from django.dispatch import receiver

from partybuild.changes import records_changed

from .services.quotas import quota_runs_refresh


@receiver(records_changed, dispatch_uid="assessments.refresh_quotas")
def refresh_quotas(sender, changes, **kwargs):
    quota_runs_refresh(changes=changes)
