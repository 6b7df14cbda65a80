"""A transaction that saves counted records starts, once it commits, one quota run over the organizations
whose records changed (docs/quotas.md, "Fresh figures"): once per transaction, whatever the number of rows,
and never for a transaction rolled back."""

import datetime as dt
import logging

import pytest
from django.db import transaction
from django.utils import timezone
from django.utils import translation

from assessments.models import QuotaRun
from assessments.models import RunState
from assessments.services import quotas
from assessments.services.quotas import RECORDS_TRIGGER
from assessments.services.quotas import lowest_common_organizations
from assessments.services.quotas import quota_policy_create
from branches.tabular.importing import import_table
from members.models import CadrePost
from members.models import MeetingKind
from members.models import VisitLog
from members.resources import VisitLogResource
from members.services.activities import meeting_record
from members.services.activities import training_record
from members.services.roster import member_transfer
from members.services.visits import visit_delete
from members.services.visits import visit_record
from members.services.visits import visit_update
from partybuild.changes import note
from tests.utils.factories import MemberFactory
from tests.utils.factories_cadres import CadreFactory
from tests.utils.factories_entry import entry_branch
from tests.utils.factories_visits import VisitLogFactory
from tests.utils.import_columns import VISIT_HEADERS
from tests.utils.import_files import upload
from tests.utils.import_files import xlsx_bytes

pytestmark = pytest.mark.django_db


def record_runs():
    return list(QuotaRun.objects.filter(trigger=RECORDS_TRIGGER).order_by("year", "pk"))


def scopes(runs):
    return [(run.organization_id, run.year) for run in runs]


@pytest.fixture
def this_year():
    return timezone.localdate().year


@pytest.fixture
def branch_a1(world):
    return entry_branch(world.branch_a1)


def test_a_visit_saved_through_the_service_runs_its_branch_once_committed(
    world, branch_a1, this_year, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        visit_record(actor=world.users["secretary_a1"], household_name="王五")
        assert record_runs() == []  # nothing before the commit

    (run,) = record_runs()
    assert scopes([run]) == [(world.branch_a1.pk, this_year)]
    assert run.state == RunState.SUCCEEDED and run.requested_by is None  # in-process without a broker


def test_many_saves_in_one_transaction_start_one_run(world, branch_a1, django_capture_on_commit_callbacks):
    secretary = world.users["secretary_a1"]
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for name in ("甲", "乙", "丙"):
            visit_record(actor=secretary, household_name=name)
        meeting_record(actor=secretary, kind=MeetingKind.THEME_DAY, topic="主题党日")

    assert len(record_runs()) == 1


def test_a_rolled_back_transaction_starts_nothing(world, branch_a1, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            visit_record(actor=world.users["secretary_a1"], household_name="王五")
            transaction.set_rollback(True)
        assert VisitLog.objects.count() == 0

    assert record_runs() == []


def test_an_edit_moving_a_visit_runs_both_branches_through_their_township(
    world, branch_a1, this_year, django_capture_on_commit_callbacks
):
    visit = VisitLogFactory(cadre=branch_a1.committee, visited_on=timezone.localdate())
    other = CadreFactory(organization=world.branch_a2, post=CadrePost.VILLAGE_COMMITTEE)
    with django_capture_on_commit_callbacks(execute=True):
        visit_update(actor=world.users["staff_a"], visit=visit, cadre=other)

    assert scopes(record_runs()) == [(world.township_a.pk, this_year)]


def test_a_deleted_visit_runs_its_branch(world, branch_a1, this_year, django_capture_on_commit_callbacks):
    visit = VisitLogFactory(cadre=branch_a1.secretary, visited_on=timezone.localdate())
    with django_capture_on_commit_callbacks(execute=True):
        visit_delete(actor=world.users["secretary_a1"], visit=visit)

    assert scopes(record_runs()) == [(world.branch_a1.pk, this_year)]


def test_a_township_training_runs_the_township_with_the_branches_its_people_came_from(
    world, this_year, django_capture_on_commit_callbacks
):
    people = [MemberFactory(branch=world.branch_a1), MemberFactory(branch=world.branch_a2)]
    with django_capture_on_commit_callbacks(execute=True):
        training_record(
            actor=world.users["staff_a"],
            organizer=world.township_a,
            held_on=timezone.localdate(),
            days=1,
            hours=4,
            topic="党章学习",
            audience="members",
            member_attendees=people,
        )

    assert scopes(record_runs()) == [(world.township_a.pk, this_year)]


def test_a_record_dated_last_year_refreshes_last_year_too(
    world, branch_a1, this_year, django_capture_on_commit_callbacks
):
    last_year = dt.date(this_year - 1, 12, 28)
    branch_a1.secretary.started_on = dt.date(this_year - 5, 1, 1)
    branch_a1.secretary.save()
    with django_capture_on_commit_callbacks(execute=True):
        visit_record(actor=world.users["secretary_a1"], household_name="王五", visited_on=last_year)

    assert scopes(record_runs()) == [(world.branch_a1.pk, this_year - 1), (world.branch_a1.pk, this_year)]


def test_a_transfer_to_another_township_runs_the_county(world, this_year, django_capture_on_commit_callbacks):
    member = MemberFactory(branch=world.branch_a1)
    with django_capture_on_commit_callbacks(execute=True):
        member_transfer(
            actor=world.users["county_admin"],
            member=member,
            to_branch=world.branch_b1,
            on=timezone.localdate(),
        )

    assert scopes(record_runs()) == [(world.county.pk, this_year)]


def test_a_changed_policy_runs_its_county(world, this_year, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        quota_policy_create(
            actor=world.users["county_admin"], county=world.county, year=this_year, meet_lecture=6
        )

    assert scopes(record_runs()) == [(world.county.pk, this_year)]


def visit_rows(cadres, count):
    today = timezone.localdate().isoformat()
    rows = [VISIT_HEADERS]
    for n in range(count):
        cadre = cadres[n % len(cadres)]
        values = {
            "所在组织编码": cadre.organization.code,
            "干部姓名": cadre.name,
            "户主姓名": f"户{n}",
            "村民小组": "一组",
            "走访日期": today,
        }
        rows.append([values.get(header, "") for header in VISIT_HEADERS])
    return rows


def test_an_import_of_many_rows_starts_one_run(
    world, this_year, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(VisitLogResource, "import_chunk_size", 100)  # six chunks, each noted
    cadres = [
        CadreFactory(organization=branch, post=CadrePost.VILLAGE_COMMITTEE, name=f"委员{n}")
        for n, branch in enumerate((world.branch_a1, world.branch_a2))
    ]
    actor = world.users["staff_a"]
    file = upload(xlsx_bytes(visit_rows(cadres, 600)), "v.xlsx")
    with django_capture_on_commit_callbacks(execute=True), translation.override("zh-hans"):
        report = import_table(actor=actor, resource=VisitLogResource(actor=actor), upload=file, dry_run=False)

    assert report.created == 600
    assert scopes(record_runs()) == [(world.township_a.pk, this_year)]


def test_a_dry_run_import_starts_nothing(world, django_capture_on_commit_callbacks):
    cadres = [CadreFactory(organization=world.branch_a1, post=CadrePost.VILLAGE_COMMITTEE, name="委员")]
    actor = world.users["staff_a"]
    file = upload(xlsx_bytes(visit_rows(cadres, 5)), "v.xlsx")
    with django_capture_on_commit_callbacks(execute=True), translation.override("zh-hans"):
        import_table(actor=actor, resource=VisitLogResource(actor=actor), upload=file, dry_run=True)

    assert record_runs() == []


def test_a_queued_run_over_the_branch_is_joined_a_running_one_is_not(
    world, branch_a1, this_year, django_capture_on_commit_callbacks
):
    queued = QuotaRun.objects.create(organization=world.township_a, year=this_year)
    with django_capture_on_commit_callbacks(execute=True):
        visit_record(actor=world.users["secretary_a1"], household_name="王五")
    assert record_runs() == []  # the queued township run has read nothing yet: it will count the visit

    QuotaRun.objects.filter(pk=queued.pk).update(state=RunState.SUCCEEDED)
    QuotaRun.objects.create(organization=world.branch_a1, year=this_year, state=RunState.RUNNING)
    with django_capture_on_commit_callbacks(execute=True):
        visit_record(actor=world.users["secretary_a1"], household_name="赵六")
    assert scopes(record_runs()) == [(world.branch_a1.pk, this_year)]


def test_a_failing_refresh_leaves_the_record_saved(
    world, branch_a1, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    def broken(**kwargs):
        raise RuntimeError("broker down")

    monkeypatch.setattr(quotas, "quota_run_start", broken)
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        visit_record(actor=world.users["secretary_a1"], household_name="王五")

    assert VisitLog.objects.filter(household_name="王五").exists()
    assert "broker down" in caplog.text


def test_records_of_models_not_counted_start_nothing(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        note([world.users["staff_a"]])

    assert record_runs() == []


@pytest.mark.parametrize(
    ("paths", "expected"),
    [
        (["/1/2/3/"], {3}),
        (["/1/2/3/", "/1/2/4/"], {2}),
        (["/1/2/3/", "/1/5/"], {1}),
        (["/1/2/3/", "/1/2/"], {2}),
        (["/1/2/3/", "/9/8/", "/9/8/7/"], {3, 8}),
    ],
)
def test_the_lowest_organization_containing_all_in_each_tree(paths, expected):
    assert lowest_common_organizations(paths) == expected
