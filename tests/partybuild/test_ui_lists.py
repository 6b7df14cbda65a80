"""The generic list page (branches.scope.lists) through the roster and visit lists: filters, search, sorting,
pages, scope, masking, export to Excel (scoped, filtered, formula cells escaped, logged), query counts."""

import datetime as dt
import re
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from branches.models import SecurityEvent
from branches.models import SecurityEventKind
from branches.scope.columns import Column
from branches.scope.columns import display
from members.selectors.roster import mask_id_number
from tests.utils.factories import MemberFactory
from tests.utils.factories_cadres import CadreFactory
from tests.utils.factories_lists import visits
from tests.utils.factories_pipeline import ApplicantFactory

MEMBERS = reverse("members:member-list")
MEMBER_EXPORT = reverse("members:member-export")
VISITS = reverse("members:visit-list")
VISIT_EXPORT = reverse("members:visit-export")


def page(client, world, who, url=MEMBERS, **query):
    client.force_login(world.users[who])
    response = client.get(url, query)
    assert response.status_code == 200
    return response


def row_pks(response) -> list[int]:
    return [int(pk) for pk in re.findall(r'data-pk="(\d+)"', response.content.decode())]


def names(response) -> list[str]:
    return [row["object"].name for row in response.context["rows"]]


def export_rows(response) -> list[dict]:
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).worksheets[0]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


# --- filters, search, sorting ---------------------------------------------------------------------------


def test_filter_from_the_apis_filterset_narrows_the_list(client, world):
    MemberFactory(branch=world.branch_a1, name="正式党员")
    probationary = MemberFactory(
        branch=world.branch_a1, name="预备党员", category="probationary", confirmed_on=None
    )

    response = page(client, world, "staff_a", category="probationary")

    assert row_pks(response) == [probationary.pk]
    assert 'id="list-filter-fields"' in response.content.decode()


def test_within_filter_keeps_one_branch_of_the_township(client, world):
    a1 = MemberFactory(branch=world.branch_a1)
    MemberFactory(branch=world.branch_a2)

    assert row_pks(page(client, world, "staff_a", within=world.branch_a1.pk)) == [a1.pk]


def test_invalid_filter_value_shows_a_message_and_no_rows(client, world):
    MemberFactory(branch=world.branch_a1)

    response = page(client, world, "staff_a", within="not-a-number")

    assert row_pks(response) == []
    assert 'id="list-filter-errors"' in response.content.decode()


def test_an_invalid_filter_is_named_by_its_label_not_its_parameter(client, world):
    response = page(client, world, "staff_a", within="not-a-number")
    form = response.context["filter_form"]
    [(label, _message)] = response.context["filter_error_lines"]
    assert label == str(form.fields["within"].label)
    body = response.content.decode().split('id="list-filter-errors"', 1)[1]
    assert f"<li>{label}：" in body and "<li>within:" not in body


def test_a_yes_no_filter_offers_all_yes_and_no_and_sends_nothing_for_all(client, world):
    response = page(client, world, "staff_a")
    html = str(response.context["filter_form"]["is_mobile"])
    assert '<option value="" selected>全部</option>' in html and 'value="unknown"' not in html
    assert '<option value="true">是</option>' in html and '<option value="false">否</option>' in html


def test_filter_naming_another_townships_branch_is_refused_not_obeyed(client, world):
    MemberFactory(branch=world.branch_b1)

    response = page(client, world, "staff_a", branch=world.branch_b1.pk)

    assert row_pks(response) == []
    assert response.context["filter_errors"]


def test_search_matches_names_only_in_scope(client, world):
    wang = MemberFactory(branch=world.branch_a1, name="王小明")
    MemberFactory(branch=world.branch_a1, name="李四")
    MemberFactory(branch=world.branch_b1, name="王大明")

    response = page(client, world, "staff_a", search="明")

    assert row_pks(response) == [wang.pk]


def test_search_terms_must_all_match(client, world):
    MemberFactory(branch=world.branch_a1, name="王小明")
    both = MemberFactory(branch=world.branch_a1, name="王小红")

    assert row_pks(page(client, world, "staff_a", search="王 红")) == [both.pk]


def test_sort_by_a_whitelisted_column_both_ways(client, world):
    for name in ["乙", "甲", "丙"]:
        MemberFactory(branch=world.branch_a1, name=name)

    ascending = names(page(client, world, "staff_a", ordering="name"))
    descending = names(page(client, world, "staff_a", ordering="-name"))

    assert ascending == sorted(ascending)
    assert descending == list(reversed(ascending))


def test_sort_header_link_toggles_the_direction(client, world):
    MemberFactory(branch=world.branch_a1)

    headers = page(client, world, "staff_a", ordering="name").context["headers"]

    by_name = next(header for header in headers if header["column"].name == "name")
    assert by_name["direction"] == "ascending"
    assert "ordering=-name" in by_name["href"]
    gender = next(header for header in headers if header["column"].name == "gender")
    assert gender["href"] is None  # not a sortable column


@pytest.mark.parametrize("ordering", ["id_number", "-phone", "password", "branch__path;drop", "__class__"])
def test_unknown_sort_is_ignored_with_a_notice(client, world, ordering):
    for name in ["乙", "甲"]:
        MemberFactory(branch=world.branch_a1, name=name)

    response = page(client, world, "staff_a", ordering=ordering)

    assert names(response) == names(page(client, world, "staff_a"))
    assert 'id="list-sort-ignored"' in response.content.decode()


# --- pages ------------------------------------------------------------------------------------------------


def test_pages_split_the_list_without_overlap(client, world):
    members = MemberFactory.create_batch(30, branch=world.branch_a1, name="同名")

    first = row_pks(page(client, world, "staff_a"))
    second = row_pks(page(client, world, "staff_a", page=2))

    assert len(first) == 25 and len(second) == 5
    assert sorted(first + second) == sorted(member.pk for member in members)


@pytest.mark.parametrize(("asked", "shown"), [("abc", 1), ("-1", 2), ("999", 2)])
def test_an_impossible_page_number_shows_the_nearest_page(client, world, asked, shown):
    MemberFactory.create_batch(26, branch=world.branch_a1)

    response = page(client, world, "staff_a", page=asked)

    assert response.context["page"].number == shown


def test_page_links_keep_the_filters(client, world):
    MemberFactory.create_batch(26, branch=world.branch_a1, category="probationary", confirmed_on=None)

    body = page(client, world, "staff_a", category="probationary").content.decode()

    assert "?category=probationary&amp;page=2" in body


# --- scope and masking ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "visible"), [("secretary_a1", {"a1"}), ("staff_a", {"a1", "a2"})])
def test_rows_of_another_township_never_appear(client, world, who, visible):
    members = {
        "a1": MemberFactory(branch=world.branch_a1),
        "a2": MemberFactory(branch=world.branch_a2),
        "b1": MemberFactory(branch=world.branch_b1),
        "z1": MemberFactory(branch=world.branch_z1),
    }

    shown = set(row_pks(page(client, world, who)))

    assert shown == {members[key].pk for key in visible}


def test_id_numbers_and_phones_are_masked_in_the_list(client, world):
    member = MemberFactory(branch=world.branch_a1, phone="13812345678")

    body = page(client, world, "staff_a").content.decode()

    assert member.id_number not in body and "13812345678" not in body
    assert mask_id_number(member.id_number) in body and "138****5678" in body


def test_choice_columns_show_their_labels(client, world):
    member = MemberFactory(branch=world.branch_a1, status="lost_contact")

    cells = page(client, world, "staff_a").context["rows"][0]["cells"]

    texts = {cell["column"].name: cell["text"] for cell in cells}
    assert texts["status"] == member.get_status_display() != "lost_contact"
    assert texts["gender"] == member.get_gender_display()


# --- export -----------------------------------------------------------------------------------------------


def test_export_holds_only_rows_in_scope_and_follows_filters_and_search(client, world):
    cadre = CadreFactory(organization=world.branch_a1, name="张干部")
    visits(cadre, 1, household_name="本村户")
    visits(cadre, 1, household_name="本村另一户", concerns="修路")
    visits(CadreFactory(organization=world.branch_b1), 1, household_name="外镇户")
    visits(CadreFactory(organization=world.branch_z1), 1, household_name="外县户")
    client.force_login(world.users["staff_a"])

    everything = export_rows(client.get(VISIT_EXPORT))
    searched = export_rows(client.get(VISIT_EXPORT, {"search": "另一"}))
    open_ones = export_rows(client.get(VISIT_EXPORT, {"open": "true"}))

    assert sorted(row["户主姓名"] for row in everything) == ["本村另一户", "本村户"]
    assert [row["户主姓名"] for row in searched] == ["本村另一户"]
    assert [row["户主姓名"] for row in open_ones] == ["本村另一户"]


def test_export_link_carries_the_current_filters(client, world):
    response = page(client, world, "staff_a", url=VISITS, open="true", search="户", page=2)

    assert response.context["export_url"] == f"{VISIT_EXPORT}?open=true&search=%E6%88%B7"


@pytest.mark.parametrize("text", ["=1+2", "+SUM(A1)", "-2+3", "@cmd", "\tx"])
def test_export_escapes_cells_a_spreadsheet_would_run(client, world, text):
    visits(CadreFactory(organization=world.branch_a1), 1, household_name="户", concerns=text)
    client.force_login(world.users["staff_a"])

    rows = export_rows(client.get(VISIT_EXPORT))

    assert rows[0]["反映问题"] == f"'{text}"


def test_export_is_recorded_as_a_security_event(client, world):
    MemberFactory(branch=world.branch_a1)
    MemberFactory(branch=world.branch_a2)
    client.force_login(world.users["staff_a"])

    response = client.get(MEMBER_EXPORT, {"within": world.branch_a1.pk, "page": 3})
    b"".join(response.streaming_content)

    event = SecurityEvent.objects.get(kind=SecurityEventKind.EXPORT)
    assert event.user == world.users["staff_a"]
    assert event.detail["model"] == "members.member"
    assert event.detail["rows"] == 1
    assert event.detail["filters"] == {"within": [str(world.branch_a1.pk)]}


def test_export_masks_id_numbers_for_a_secretary(client, world):
    member = MemberFactory(branch=world.branch_a1)
    client.force_login(world.users["secretary_a1"])

    rows = export_rows(client.get(MEMBER_EXPORT))

    assert rows[0]["身份证号"] == mask_id_number(member.id_number)


def test_export_with_an_invalid_filter_exports_nothing(client, world):
    MemberFactory(branch=world.branch_a1)
    client.force_login(world.users["staff_a"])

    response = client.get(MEMBER_EXPORT, {"within": "x"})

    assert response.status_code == 200
    assert "list-filter-errors" in response.content.decode()
    assert not SecurityEvent.objects.filter(kind=SecurityEventKind.EXPORT).exists()


def test_a_list_without_a_resource_exports_its_own_columns_the_same_safe_way(client, world):
    own = ApplicantFactory(branch=world.branch_a1, name="=HYPERLINK(1)")
    ApplicantFactory(branch=world.branch_b1, name="外镇申请人")
    client.force_login(world.users["staff_a"])

    with translation.override("zh-hans"):
        rows = export_rows(client.get(reverse("members:applicant-export")))
        name, stage, applied = (_(label) for label in ("name", "stage", "application submitted on"))
        stage_label = own.get_stage_display()

    assert [row[name] for row in rows] == ["'=HYPERLINK(1)"]
    assert rows[0][stage] == stage_label != own.stage
    assert rows[0][applied] == dt.datetime(2022, 3, 1)
    event = SecurityEvent.objects.get(kind=SecurityEventKind.EXPORT)
    assert event.detail["model"] == "members.applicant" and event.detail["rows"] == 1


def test_anonymous_export_goes_to_the_login_page(client, db):
    response = client.get(MEMBER_EXPORT)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- queries ----------------------------------------------------------------------------------------------


def _queries(client, url, query) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, query)
        assert response.status_code == 200
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    return len(captured)


@pytest.mark.parametrize(
    ("url", "query"),
    [
        (MEMBERS, {}),
        (MEMBERS, {"ordering": "-joined_on", "search": "党员", "category": "full"}),
        (VISITS, {"open": "false"}),
        (reverse("members:meeting-list"), {}),
        (reverse("members:cadre-list"), {}),
        (reverse("branches:activityroom-list"), {}),
    ],
)
def test_queries_do_not_depend_on_the_number_of_rows(client, world, url, query):
    from tests.utils.factories_activities import MeetingFactory
    from tests.utils.factories_records import ActivityRoomFactory

    client.force_login(world.users["staff_a"])
    cadre = CadreFactory(organization=world.branch_a1)

    def add(count):
        MemberFactory.create_batch(count, branch=world.branch_a1)
        visits(cadre, count, start=dt.date(2024, 1, 1) + dt.timedelta(days=100 * count))
        MeetingFactory.create_batch(count, organization=world.branch_a2)
        CadreFactory.create_batch(count, organization=world.branch_a2)
        ActivityRoomFactory.create_batch(count, organization=world.branch_a1)

    add(2)
    _queries(client, url, query)  # warm the per-process caches (content types, translations)
    small = _queries(client, url, query)
    add(20)
    large = _queries(client, url, query)

    assert large == small


def test_export_queries_do_not_depend_on_the_number_of_rows(client, world):
    client.force_login(world.users["staff_a"])
    cadre = CadreFactory(organization=world.branch_a1)
    visits(cadre, 2)
    _queries(client, VISIT_EXPORT, {})  # warm the per-process caches
    small = _queries(client, VISIT_EXPORT, {})
    visits(cadre, 20, start=dt.date(2024, 6, 1))

    assert _queries(client, VISIT_EXPORT, {}) == small


# --- cells ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [(None, "—"), ("", "—"), (dt.date(2024, 3, 1), "2024-03-01"), ("文本", "文本"), (5, 5)],
)
def test_cells_are_shown_as_plain_text(value, text):
    assert display(value) == text


def test_a_column_reads_a_dotted_path_and_calls_display_methods(world):
    member = MemberFactory(branch=world.branch_a1, gender="female")

    assert Column("branch", "branch", "branch.name").get(member, None) == "东一村党支部"
    assert Column("gender", "gender", "get_gender_display").get(member, None) == member.get_gender_display()
    assert Column("x", "x", "branch.parent.parent.parent.name").get(member, None) is None


def test_no_export_button_while_a_filter_is_invalid(client, world):
    body = page(client, world, "staff_a", within="x").content.decode()

    assert 'id="list-export"' not in body
    assert 'id="list-export"' in page(client, world, "staff_a").content.decode()
