import datetime as dt

from django.core.management.base import BaseCommand
from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.models import SecurityEvent

MINIMUM_RETENTION_DAYS = 183


class Command(BaseCommand):
    help = "Delete security events older than the retention period (at least six months)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=365, help="keep this many days (at least 183)")

    def handle(self, *args, days, **options):
        if days < MINIMUM_RETENTION_DAYS:
            raise CommandError(
                _("Security events are kept at least %(days)d days.") % {"days": MINIMUM_RETENTION_DAYS}
            )
        deleted, _rows = SecurityEvent.objects.purge_older_than(timezone.now() - dt.timedelta(days=days))
        self.stdout.write(_("Deleted %(count)d security events.") % {"count": deleted})
