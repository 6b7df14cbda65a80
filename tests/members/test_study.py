"""Study records: one per cadre and month, organization from the cadre, months not in the future or outside
the term; the API, admin, import and export."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from branches.scope.querysets import OutOfScope
from members.models import Cadre
from members.models import CadrePost
from members.models import StudyRecord
from members.services import activities as services
from tests.utils.api import post_import_file
from tests.utils.api import result_ids
from tests.utils.api import template_csv
from tests.utils.assertions import assert_admin_pages_open
from tests.utils.factories import MemberFactory
from tests.utils.factories_activities import StudyRecordFactory
from tests.utils.factories_cadres import CadreFactory
from tests.utils.scope_records import CadreRecordScopeSuite

pytestmark = pytest.mark.django_db

D = dt.date
URL = "studyrecord-list"


class TestStudyRecordScope(CadreRecordScopeSuite):
    basename = "studyrecord"
    supports_delete = True
    factory = StudyRecordFactory
    create_fields = {"year": 2024, "month": 3, "sessions": 2, "note_characters": 800}


def record(world, cadre, who="staff_a", **data):
    data = {"year": 2024, "month": 3, "sessions": 1, "note_characters": 400, **data}
    return services.study_record(actor=world.users[who], cadre=cadre, **data)


def freeze_today(monkeypatch, day: dt.date):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)


def test_the_record_belongs_to_the_cadres_organization(world):
    cadre = CadreFactory(organization=world.branch_a2)
    study = record(world, cadre)
    assert study.organization == world.branch_a2
    assert study.history.latest().history_user == world.users["staff_a"]


def test_a_second_record_for_the_same_month_is_refused_clearly(world):
    cadre = CadreFactory(organization=world.branch_a1, name="周书记")
    record(world, cadre)
    with pytest.raises(ValidationError) as refused:
        record(world, cadre, sessions=3)
    message = " ".join(refused.value.message_dict["month"])
    assert "周书记" in message
    assert record(world, cadre, month=4).month == 4


def test_december_of_this_year_is_allowed_in_december_and_next_month_refused(world, monkeypatch):
    freeze_today(monkeypatch, D(2026, 12, 15))
    cadre = CadreFactory(organization=world.branch_a1)
    assert record(world, cadre, year=2026, month=12).pk
    with pytest.raises(ValidationError) as refused:
        record(world, cadre, year=2027, month=1)
    assert "month" in refused.value.message_dict


def test_the_current_month_is_allowed_and_the_next_refused(world):
    today = timezone.localdate()
    following = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    cadre = CadreFactory(organization=world.branch_a1, started_on=D(2020, 1, 1))
    assert record(world, cadre, year=today.year, month=today.month).pk
    with pytest.raises(ValidationError) as refused:
        record(world, cadre, year=following.year, month=following.month)
    assert "month" in refused.value.message_dict


@pytest.mark.parametrize(("month", "ok"), [(0, False), (1, True), (12, True), (13, False)])
def test_month_must_be_a_month(world, month, ok):
    cadre = CadreFactory(organization=world.branch_a1)
    if ok:
        assert record(world, cadre, year=2023, month=month).pk
    else:
        with pytest.raises(ValidationError):
            record(world, cadre, year=2023, month=month)


@pytest.mark.parametrize(
    ("year", "month", "ok"),
    [(2021, 1, True), (2020, 12, False), (2023, 6, True), (2023, 7, False)],
)
def test_a_month_outside_the_cadres_term_is_refused(world, year, month, ok):
    cadre = CadreFactory(organization=world.branch_a1, started_on=D(2021, 1, 31), ended_on=D(2023, 6, 1))
    if ok:
        assert record(world, cadre, year=year, month=month).pk
    else:
        with pytest.raises(ValidationError) as refused:
            record(world, cadre, year=year, month=month)
        assert "month" in refused.value.message_dict


def test_a_secretary_records_only_for_cadres_of_own_branch(world):
    with pytest.raises(OutOfScope):
        record(world, CadreFactory(organization=world.branch_a2), who="secretary_a1")
    assert record(world, CadreFactory(organization=world.branch_a1), who="secretary_a1").pk


def test_changing_the_cadre_moves_the_record_with_it(world):
    study = record(world, CadreFactory(organization=world.branch_a1))
    other = CadreFactory(organization=world.branch_a2)
    updated = services.study_update(actor=world.users["staff_a"], study=study, cadre=other)
    assert updated.organization == world.branch_a2 and updated.version == 2


def test_update_into_a_taken_month_is_refused(world):
    cadre = CadreFactory(organization=world.branch_a1)
    record(world, cadre, month=3)
    april = record(world, cadre, month=4)
    with pytest.raises(ValidationError):
        services.study_update(actor=world.users["staff_a"], study=april, month=3)
    assert services.study_update(actor=world.users["staff_a"], study=april, sessions=5).sessions == 5


# --- API ----------------------------------------------------------------------------------------------


def test_duplicate_month_through_the_api_is_a_400_in_words(world):
    cadre = CadreFactory(organization=world.branch_a1, name="吴委员")
    payload = {"cadre": cadre.pk, "year": 2024, "month": 5}
    client = world.client("secretary_a1")
    created = client.post(reverse(URL), payload, format="json")
    assert created.status_code == 201 and created.json()["organization"] == world.branch_a1.pk
    again = client.post(reverse(URL), payload, format="json")
    assert again.status_code == 400 and "吴委员" in " ".join(again.json()["month"])


def test_study_filters(world):
    a1 = CadreFactory(organization=world.branch_a1)
    a2 = CadreFactory(organization=world.branch_a2)
    rows = {
        "a1_mar": StudyRecordFactory(cadre=a1, year=2024, month=3),
        "a1_2023": StudyRecordFactory(cadre=a1, year=2023, month=3),
        "a2_may": StudyRecordFactory(cadre=a2, year=2024, month=5),
    }
    client = world.client("staff_a")
    cases = [
        ({"cadre": a1.pk}, {"a1_mar", "a1_2023"}),
        ({"year": 2024}, {"a1_mar", "a2_may"}),
        ({"month": 3}, {"a1_mar", "a1_2023"}),
        ({"organization": world.branch_a2.pk}, {"a2_may"}),
        ({"within": world.branch_a1.pk}, {"a1_mar", "a1_2023"}),
        ({"search": a2.name}, {"a2_may"}),
    ]
    for query, expected in cases:
        assert result_ids(client.get(reverse(URL), query)) == {rows[name].pk for name in expected}, query
    ordered = client.get(reverse(URL), {"ordering": "-month", "page_size": 1}).json()
    assert ordered["count"] == 3 and ordered["results"][0]["id"] == rows["a2_may"].pk
    assert client.get(reverse(URL), {"month": "x"}).status_code == 400


def test_admin_add_and_refusal_beside_the_form(world):
    cadre = CadreFactory(organization=world.branch_a1, name="郑委员")
    client = Client()
    client.force_login(world.users["staff_a"])
    payload = {
        "cadre": cadre.pk,
        "year": 2024,
        "month": 2,
        "sessions": 1,
        "note_characters": 300,
        "articles": 0,
    }
    assert client.post(reverse("admin:members_studyrecord_add"), payload).status_code == 302
    record_ = StudyRecord.objects.get()
    assert record_.organization == world.branch_a1
    assert record_.history.latest().history_user == world.users["staff_a"]
    again = client.post(reverse("admin:members_studyrecord_add"), payload)
    assert again.status_code == 200 and "郑委员" in again.content.decode()
    assert_admin_pages_open(client, "members_studyrecord", record_.pk)


def _upload(client, rows, dry_run="false"):
    body = template_csv(client, "studyrecord", rows).encode("utf-8-sig")
    return post_import_file(client, "studyrecord", "study.csv", body, dry_run)


def test_import_finds_cadres_by_organization_name_and_post(world):
    member = MemberFactory(branch=world.branch_a1, name="冯书记")
    CadreFactory(organization=world.branch_a1, post=CadrePost.SECRETARY, member=member)
    director = CadreFactory(organization=world.branch_a1, post=CadrePost.VILLAGE_DIRECTOR, member=member)
    CadreFactory(organization=world.branch_a2, name="冯书记")
    client = world.client("staff_a")
    row = {
        "所在组织编码": world.branch_a1.code,
        "干部姓名": "冯书记",
        "年度": "2024",
        "月份": "3",
        "学习次数": "2",
    }
    ambiguous = _upload(client, [row])
    assert ambiguous.status_code == 400
    assert (
        "职务" not in str(ambiguous.json())
        or ambiguous.json()["errors"][0]["errors"][0]["column"] == "干部姓名"
    )
    rows = [
        {**row, "职务": "村委会主任"},
        {**row, "职务": "村委会主任", "月份": "4"},
        {**row, "所在组织编码": world.branch_a2.code},
    ]
    committed = _upload(client, rows)
    assert committed.status_code == 201, committed.content
    assert set(StudyRecord.objects.values_list("cadre_id", "month")) == {
        (director.pk, 3),
        (director.pk, 4),
        (Cadre.objects.get(organization=world.branch_a2).pk, 3),
    }


def test_import_picks_the_term_that_covers_the_month(world):
    member = MemberFactory(branch=world.branch_a1, name="陈书记")
    old = CadreFactory(
        organization=world.branch_a1, post=CadrePost.SECRETARY, member=member, ended_on=D(2023, 12, 31)
    )
    new = CadreFactory(
        organization=world.branch_a1, post=CadrePost.SECRETARY, member=member, started_on=D(2024, 1, 1)
    )
    row = {"所在组织编码": world.branch_a1.code, "干部姓名": "陈书记", "年度": "2023", "月份": "12"}
    assert _upload(world.client("staff_a"), [row, {**row, "年度": "2024", "月份": "1"}]).status_code == 201
    assert set(StudyRecord.objects.values_list("cadre_id", "year")) == {(old.pk, 2023), (new.pk, 2024)}


def test_import_refuses_duplicates_in_the_file_and_in_the_database(world):
    cadre = CadreFactory(organization=world.branch_a1, name="褚委员")
    StudyRecordFactory(cadre=cadre, year=2024, month=1)
    client = world.client("staff_a")
    row = {"所在组织编码": world.branch_a1.code, "干部姓名": "褚委员", "年度": "2024", "月份": "2"}
    rows = [row, row, {**row, "月份": "1"}, {**row, "干部姓名": "无此人"}, {**row, "月份": "13"}]
    response = _upload(client, rows)
    assert response.status_code == 400
    assert [entry["row"] for entry in response.json()["errors"]] == [3, 4, 5, 6]
    assert StudyRecord.objects.count() == 1


def test_export_is_scoped_and_names_the_post(world):
    from io import BytesIO

    from openpyxl import load_workbook

    StudyRecordFactory(cadre=CadreFactory(organization=world.branch_a1, post=CadrePost.VILLAGE_DIRECTOR))
    StudyRecordFactory(cadre=CadreFactory(organization=world.branch_b1))
    response = world.client("staff_a").get(reverse("studyrecord-export"))
    rows = list(
        load_workbook(BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True)
    )
    assert len(rows) == 2 and rows[1][rows[0].index("职务")] == "村委会主任"
