"""What the quota engine reads from this app: the county's policy (partybuild/changes.py)."""

from partybuild.changes import by
from partybuild.changes import counted
from partybuild.changes import dated

from .models import QuotaPolicy


def register() -> None:
    counted(QuotaPolicy, organizations=by("county"), years=dated("year"))
