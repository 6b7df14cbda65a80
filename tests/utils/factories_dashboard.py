"""A small hand-built township for the dashboard tests: every number the dashboard shows is known."""

import datetime as dt

from assessments.models import Alert
from assessments.models import AlertKind
from assessments.models import QuotaPublication
from assessments.models import QuotaResult
from assessments.models import QuotaRun
from assessments.models import RunState
from branches.models import OrganizationField
from branches.models import OrganizationKind
from branches.models import StandardizedRoomTarget
from members.models import Education
from members.models import Gender
from members.models import MemberCategory

from .factories import MemberFactory
from .factories import OrganizationFactory
from .factories_cadres import ReserveCadreFactory
from .factories_ratings import StarRatingFactory
from .factories_records import ActivityRoomFactory
from .fixtures import build_world

YEAR = 2024
TODAY = dt.date(2025, 3, 1)  # the reference day of 2024 is then 31 December 2024


def publish(scope, rows, *, year=YEAR, alerts=()):
    """One succeeded run over ``scope`` holding ``rows`` (organization, code, target, actual, met), published
    for ``scope`` and every organization a row names, with ``alerts`` (organization, kind). As the engine
    leaves them: those organizations' results of the year are the run's rows, and only those."""
    run = QuotaRun.objects.create(organization=scope, year=year, state=RunState.SUCCEEDED, progress=100)
    organizations = {scope, *(row[0] for row in rows), *(alert[0] for alert in alerts)}
    QuotaResult.objects.filter(organization__in=organizations, year=year).delete()
    QuotaResult.objects.bulk_create(
        QuotaResult(
            run=run, organization=organization, year=year, code=code, target=target, actual=actual, met=met
        )
        for organization, code, target, actual, met in rows
    )
    Alert.objects.bulk_create(
        Alert(run=run, organization=organization, year=year, kind=kind) for organization, kind in alerts
    )
    for organization in organizations:
        QuotaPublication.objects.update_or_create(organization=organization, year=year, defaults={"run": run})
    return run


def village(township, name, *, households=None, population=None, field=OrganizationField.VILLAGE):
    return OrganizationFactory(
        name=name, parent=township, kind=OrganizationKind.BRANCH, field=field,
        households=households, population=population,
    )  # fmt: skip


def member(branch, *, born, **fields):
    values = {
        "branch": branch,
        "birth_date": born,
        "gender": Gender.MALE,
        "education": Education.JUNIOR_HIGH,
        "category": MemberCategory.FULL,
        "joined_on": dt.date(2000, 7, 1),
        "confirmed_on": dt.date(2001, 7, 1),
        **fields,
    }
    return MemberFactory(**values)


def populate_township(township, branches, *, year=YEAR):
    """``branches`` (village branches of ``township``) each get two members, a rating, a young reserve cadre
    on every other one, a standardized room on the first, and three published results: one green, one amber
    and one red. Used by the query-count tests at two sizes."""
    rows = []
    for index, branch in enumerate(branches):
        member(branch, born=dt.date(1990, 1, 1))
        member(branch, born=dt.date(1960, 1, 1), gender=Gender.FEMALE)
        StarRatingFactory(organization=branch, year=year, stars=3 + index % 3)
        if index % 2 == 0:
            ReserveCadreFactory(organization=branch, birth_date=dt.date(1995, 1, 1))
        rows += [
            (branch, "meet.assembly", 4, 4, True),
            (branch, "meet.committee", 12, 6, False),
            (branch, "meet.group", 12, 2, False),
        ]
    if branches:
        ActivityRoomFactory(organization=branches[0], standardized_on=dt.date(year, 5, 1))
    StandardizedRoomTarget.objects.update_or_create(organization=township, year=year, defaults={"target": 3})
    return publish(township, rows, year=year, alerts=[(b, AlertKind.MEETINGS_OVERDUE) for b in branches])


def dashboard_world():
    """The two-county world with township A's two branches populated, then township A and branch A1 published
    anew from a run that holds only A1's party group meetings (12 due, 2 held), for the browser tests."""
    world = build_world()
    populate_township(world.township_a, [world.branch_a1, world.branch_a2])
    publish(world.township_a, [(world.branch_a1, "meet.group", 12, 2, False)])
    return world
