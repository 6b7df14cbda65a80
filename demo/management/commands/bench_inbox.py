"""``manage.py bench_inbox``: time the to-do inbox of every user at once (docs/inbox.md, "Cost").

Runs against the database DATABASE_URL names (a scale tier from ``manage.py generate_scale``). The tiers
hold no staff, so the benchmark gives every organization its user in one transaction rolled back at the end:
a branch secretary on each branch, township staff on each committee, a county administrator on each county.
The quota engine runs first for every county when no result is published for the year (timed apart), so the
alerts source has its alerts; a handful of ratings and rectifications are made the same way. Then
``inboxes`` — the path the daily digest takes — is timed ``--rounds`` times, its queries counted.
"""

import datetime as dt
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.core.management.base import CommandError
from django.db import connection
from django.db import transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments.inbox.compute import inboxes
from branches.models import BRANCH_KINDS
from branches.models import COMMITTEE_KINDS
from branches.models import Organization
from branches.models import OrganizationKind
from branches.models import StaffRole
from branches.scope.roles import Role

from .bench_rating_proposal import ensure_published_quotas
from .bench_rating_proposal import refresh_statistics

ROLE_OF_KIND = (
    dict.fromkeys(BRANCH_KINDS, Role.BRANCH_SECRETARY)
    | dict.fromkeys(COMMITTEE_KINDS, Role.TOWNSHIP_STAFF)
    | {OrganizationKind.COUNTY_COMMITTEE: Role.COUNTY_ADMIN}
)


def give_everyone_a_user() -> int:
    """One user per organization with the role its kind calls for; the number of users made."""
    organizations = list(
        Organization.objects.filter(kind__in=list(ROLE_OF_KIND)).values_list("pk", "kind").order_by("pk")
    )
    users = [get_user_model()(username=f"bench-inbox-{pk}") for pk, _kind in organizations]
    for user in users:
        user.set_unusable_password()
    users = get_user_model().objects.bulk_create(users)
    StaffRole.objects.bulk_create(
        StaffRole(user=user, organization_id=pk, role=ROLE_OF_KIND[kind])
        for user, (pk, kind) in zip(users, organizations, strict=True)
    )
    return len(users)


def timed(today: dt.date):
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        found = inboxes(today=today)
        seconds = time.perf_counter() - started
    return found, seconds, len(queries)


def benchmark(*, rounds: int, write) -> dict:
    today = timezone.localdate()
    if not Organization.objects.filter(kind__in=BRANCH_KINDS).exists():
        raise CommandError("the database holds no branch: run manage.py generate_scale first")
    ensure_published_quotas(today.year, write)
    refresh_statistics(write)
    figures = {"vendor": connection.vendor, "seconds": []}
    with transaction.atomic():
        figures["users"] = give_everyone_a_user()
        for _ in range(rounds):
            found, seconds, statements = timed(today)
            figures["seconds"].append(seconds)
        figures["statements"] = statements
        figures["users_with_items"] = len(found)
        figures["items"] = sum(len(items) for items in found.values())
        sources = {}
        for items in found.values():
            for item in items:
                sources[item.source] = sources.get(item.source, 0) + 1
        figures["by_source"] = sources
        transaction.set_rollback(True)
    write(
        f"inbox of every user [{figures['vendor']}]: users={figures['users']:,} "
        f"with items={figures['users_with_items']:,} items handed out={figures['items']:,} "
        f"by source={figures['by_source']} statements={figures['statements']} "
        f"seconds={' / '.join(f'{s:.2f}' for s in figures['seconds'])}"
    )
    return figures


class Command(BaseCommand):
    help = "Time the to-do inbox of every user of the database at once (docs/inbox.md)."

    def add_arguments(self, parser):
        parser.add_argument("--rounds", type=int, default=3)

    def handle(self, *args, rounds, **options):
        benchmark(rounds=rounds, write=self.stdout.write)
