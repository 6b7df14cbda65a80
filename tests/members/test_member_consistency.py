"""A member's record cannot contradict itself (docs/records.md, "Member record"): gender and birth date follow
the ID number, members join at 18 or older, full membership comes at the end of the probation (one year plus
any extension), and a probation past its end is an alert. Each rule at its edge through the service, then the
same row through the API, the entry page, the admin and the xlsx/csv import, each getting the same answer."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils import translation

from assessments.models import AlertKind
from assessments.models import QuotaRun
from assessments.quota.engine import run_quota
from assessments.selectors.quotas import published_alerts
from branches.scope.querysets import OutOfScope
from branches.tabular.importing import import_table
from members import idnumbers
from members.models import Member
from members.models import MemberEvent
from members.models import MemberEventKind
from members.models import MemberStatus
from members.pipeline_rules import probation_ends
from members.resources import MemberResource
from members.services import roster as services
from tests.utils.factories import MemberFactory
from tests.utils.factories_entry import MEMBER_ADMIN_EXTRAS
from tests.utils.factories_entry import MEMBER_FORM_BLANKS
from tests.utils.factories_entry import zh
from tests.utils.import_files import MEMBER_HEADERS
from tests.utils.import_files import csv_bytes
from tests.utils.import_files import member_rows
from tests.utils.import_files import upload
from tests.utils.import_files import xlsx_bytes

pytestmark = pytest.mark.django_db

BORN = dt.date(1990, 3, 7)
MAN = idnumbers.build("130123", BORN, 21)  # 17th digit 1: a man
WOMAN = idnumbers.build("130123", BORN, 22)  # 17th digit 2: a woman
LEAP_BORN = dt.date(2000, 2, 29)
LEAP_MAN = idnumbers.build("130123", LEAP_BORN, 31)

GENDER_MESSAGE = "The gender does not match the ID number: its 17th digit is odd for men and even for women."
AGE_MESSAGE = "A member joins the party at 18 or older: with this birth date, on or after %(date)s."
EARLY_MESSAGE = (
    "Full membership comes at the end of the probation, one year after joining plus any extension: "
    "not before %(date)s."
)
PROBATIONARY_DATE_MESSAGE = (
    "A probationary member has no confirmation date: leave it empty until they become a full member."
)


def data(**overrides):
    """A consistent full member: a man born 1990-03-07, joined at 20, confirmed a year later."""
    values = {
        "name": "李明",
        "gender": "male",
        "ethnicity": "汉族",
        "id_number": MAN,
        "birth_date": BORN,
        "education": "bachelor",
        "category": "full",
        "joined_on": dt.date(2010, 7, 1),
        "confirmed_on": dt.date(2011, 7, 1),
        "occupation": "farmer",
    }
    return values | overrides


def create(world, **overrides) -> Member:
    return services.member_create(actor=world.users["staff_a"], branch=world.branch_a1, **data(**overrides))


def refusal(world, **overrides) -> dict:
    with pytest.raises(ValidationError) as refused:
        create(world, **overrides)
    assert not Member.objects.exists()
    return refused.value.message_dict


def probationer(world, joined: dt.date, **fields) -> Member:
    fields.setdefault("branch", world.branch_a1)
    return MemberFactory(category="probationary", joined_on=joined, confirmed_on=None, **fields)


# --- gender and birth date follow the ID number -------------------------------------------------------------


def test_a_gender_contradicting_the_id_numbers_17th_digit_is_refused(world):
    assert refusal(world, gender="female") == {"gender": [zh(GENDER_MESSAGE)]}
    assert refusal(world, id_number=WOMAN, gender="male") == {"gender": [zh(GENDER_MESSAGE)]}


@pytest.mark.parametrize(("number", "gender"), [(MAN, "male"), (WOMAN, "female")])
def test_an_empty_gender_and_birth_date_are_taken_from_the_id_number(world, number, gender):
    member = create(world, id_number=number, gender="", birth_date=None)
    member.refresh_from_db()
    assert (member.gender, member.birth_date) == (gender, BORN)


def test_a_birth_date_a_day_off_the_id_number_is_refused(world):
    assert "birth_date" in refusal(world, birth_date=BORN + dt.timedelta(days=1))


def test_without_an_id_number_nothing_fills_the_gender(world):
    errors = refusal(world, id_number="", gender="", birth_date=None)
    assert {"id_number", "gender", "birth_date"} <= errors.keys()


def test_an_edit_is_held_to_the_id_number_too(world):
    member = create(world)
    with pytest.raises(ValidationError) as refused:
        services.member_update(actor=world.users["staff_a"], member=member, gender="female")
    assert refused.value.message_dict == {"gender": [zh(GENDER_MESSAGE)]}
    member.refresh_from_db()
    assert (member.gender, member.version) == ("male", 1)


# --- joining at 18 ------------------------------------------------------------------------------------------


def test_joining_at_17_years_364_days_is_refused_and_on_the_18th_birthday_accepted(world):
    birthday = dt.date(2008, 3, 7)
    errors = refusal(
        world, joined_on=birthday - dt.timedelta(days=1), confirmed_on=None, category="probationary"
    )
    assert errors == {"joined_on": [zh(AGE_MESSAGE) % {"date": "2008-03-07"}]}
    assert create(world, joined_on=birthday, confirmed_on=dt.date(2009, 3, 7)).joined_on == birthday


def test_someone_born_on_29_february_is_18_on_1_march(world):
    leap = {"id_number": LEAP_MAN, "birth_date": LEAP_BORN, "category": "probationary", "confirmed_on": None}
    errors = refusal(world, joined_on=dt.date(2018, 2, 28), **leap)
    assert errors == {"joined_on": [zh(AGE_MESSAGE) % {"date": "2018-03-01"}]}
    assert create(world, joined_on=dt.date(2018, 3, 1), **leap).joined_on == dt.date(2018, 3, 1)


# --- confirmation at the end of the probation ---------------------------------------------------------------


def test_confirmation_one_day_before_the_end_of_the_probation_is_refused(world):
    errors = refusal(world, confirmed_on=dt.date(2011, 6, 30))
    assert errors == {"confirmed_on": [zh(EARLY_MESSAGE) % {"date": "2011-07-01"}]}


def test_confirmation_three_months_after_joining_is_refused(world):
    assert "confirmed_on" in refusal(world, confirmed_on=dt.date(2010, 10, 1))


@pytest.mark.parametrize("confirmed", [dt.date(2011, 7, 1), dt.date(2011, 7, 2)])
def test_confirmation_on_the_last_day_or_later_is_accepted(world, confirmed):
    # The branch assembly discusses the confirmation once the probation is over: the step's day may come later
    # (docs/members-and-pipeline.md, "→ full"); a late one is the overdue alert's business meanwhile.
    assert create(world, confirmed_on=confirmed).confirmed_on == confirmed


def test_a_joining_date_of_29_february_ends_its_probation_on_1_march(world):
    joined = dt.date(2012, 2, 29)
    assert refusal(world, joined_on=joined, confirmed_on=dt.date(2013, 2, 28))["confirmed_on"] == [
        zh(EARLY_MESSAGE) % {"date": "2013-03-01"}
    ]
    assert create(world, joined_on=joined, confirmed_on=dt.date(2013, 3, 1)).confirmed_on == dt.date(
        2013, 3, 1
    )


def test_a_confirmation_date_in_the_future_is_refused(world):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    joined = probation_start_for(tomorrow)
    errors = refusal(world, joined_on=joined, confirmed_on=tomorrow)
    assert errors == {"confirmed_on": [zh("The confirmation date cannot be in the future.")]}


def test_a_probationary_member_has_no_confirmation_date(world):
    errors = refusal(world, category="probationary")
    assert errors == {"confirmed_on": [zh(PROBATIONARY_DATE_MESSAGE)]}


def test_a_full_member_needs_the_confirmation_date(world):
    assert "confirmed_on" in refusal(world, confirmed_on=None)


# --- extending a probation ----------------------------------------------------------------------------------


def extend(world, member, who="staff_a", **overrides):
    step = {"months": 6, "on": member.joined_on + dt.timedelta(days=300), "reason": "入党动机尚需考察"}
    return services.member_extend_probation(actor=world.users[who], member=member, **(step | overrides))


def test_an_extension_moves_the_end_of_the_probation_and_is_an_event(world):
    member = probationer(world, dt.date(2023, 8, 31))
    extended = extend(world, member, months=6)
    assert extended.probation_extension_months == 6
    assert extended.probation_ends_on == dt.date(2025, 2, 28)  # 31 August + 1 year + 6 months, clamped
    event = MemberEvent.objects.get(member=member)
    assert (event.kind, event.reason, event.recorded_by) == (
        MemberEventKind.EXTENSION,
        "入党动机尚需考察",
        world.users["staff_a"],
    )
    extended.category, extended.confirmed_on = "full", dt.date(2025, 2, 27)
    with pytest.raises(ValidationError) as refused:
        extended.full_clean()
    assert refused.value.message_dict["confirmed_on"] == [zh(EARLY_MESSAGE) % {"date": "2025-02-28"}]
    extended.confirmed_on = dt.date(2025, 2, 28)
    extended.full_clean()


@pytest.mark.parametrize(("months", "accepted"), [(5, False), (6, True), (12, True), (13, False)])
def test_an_extension_lasts_6_to_12_months(world, months, accepted):
    member = probationer(world, dt.date(2024, 1, 10))
    if accepted:
        assert extend(world, member, months=months).probation_extension_months == months
        return
    with pytest.raises(ValidationError) as refused:
        extend(world, member, months=months)
    assert refused.value.message_dict == {"months": [zh("An extension lasts from 6 to 12 months.")]}
    assert not MemberEvent.objects.exists()


def test_a_probation_is_extended_once_during_its_first_year(world):
    member = probationer(world, dt.date(2024, 1, 10))
    last_day = dt.date(2025, 1, 9)
    with pytest.raises(ValidationError) as refused:
        extend(world, member, on=last_day + dt.timedelta(days=1))
    assert list(refused.value.message_dict) == ["on"]
    member = extend(world, member, on=last_day)
    with pytest.raises(ValidationError) as refused:
        extend(world, member, on=last_day)
    assert refused.value.message_dict == {"months": [zh("A probation can be extended only once.")]}


def test_only_a_probationary_member_with_a_reason_is_extended(world):
    full = MemberFactory(
        branch=world.branch_a1, joined_on=dt.date(2024, 1, 10), confirmed_on=dt.date(2025, 1, 10)
    )
    with pytest.raises(ValidationError) as refused:
        extend(world, full, reason=" ")
    assert refused.value.message_dict.keys() == {"months", "reason"}


def test_a_secretary_may_not_extend_and_nothing_changes(world):
    member = probationer(world, dt.date(2024, 1, 10))
    with pytest.raises(OutOfScope):
        extend(world, member, who="secretary_a1")
    member.refresh_from_db()
    assert member.probation_extension_months is None and not MemberEvent.objects.exists()


def test_the_api_extends_a_probation_and_answers_404_out_of_scope(world):
    member = probationer(world, dt.date(2024, 1, 10))
    url = reverse("member-extend-probation", args=[member.pk])
    body = {"months": 9, "on": "2024-11-01", "reason": "需继续考察", "version": member.version}
    assert (
        world.client("county_admin").post(reverse("member-extend-probation", args=[0]), body).status_code
        == 404
    )
    foreign = probationer(world, dt.date(2024, 1, 10), branch=world.branch_b1)
    foreign_url = reverse("member-extend-probation", args=[foreign.pk])
    assert world.client("secretary_a1").post(foreign_url, body, format="json").status_code == 404
    answer = world.client("staff_a").post(url, body, format="json")
    assert answer.status_code == 200, answer.content
    assert answer.json()["probation_extension_months"] == 9
    assert answer.json()["probation_ends_on"] == "2025-10-10"
    refused = world.client("staff_a").post(url, {**body, "version": answer.json()["version"]}, format="json")
    assert refused.status_code == 400 and refused.json()["months"] == [
        zh("A probation can be extended only once.")
    ]


# --- a probation past its end ------------------------------------------------------------------------------


def test_the_api_shows_the_end_of_the_probation_and_whether_it_is_overdue(world):
    today = timezone.localdate()
    due_today = probationer(world, probation_start_for(today))
    overdue = probationer(world, probation_start_for(today - dt.timedelta(days=1)))
    rows = {
        row["id"]: row
        for row in world.client("staff_a").get(reverse("member-list"), {"page_size": 50}).json()["results"]
    }
    assert rows[due_today.pk]["probation_ends_on"] == today.isoformat()
    assert (rows[due_today.pk]["probation_overdue"], rows[overdue.pk]["probation_overdue"]) == (False, True)


def probation_start_for(end: dt.date) -> dt.date:
    """A joining day whose year of probation ends on ``end`` (not 1 March after a 29 February)."""
    joined = (
        end.replace(year=end.year - 1) if (end.month, end.day) != (2, 29) else dt.date(end.year - 1, 2, 28)
    )
    assert probation_ends(joined, None) == end
    return joined


def run(world, today: dt.date):
    run_quota(QuotaRun.objects.create(organization=world.county, year=today.year), today=today)
    return [
        a
        for a in published_alerts(year=today.year, organization=world.county)
        if a.kind == AlertKind.PROBATION_OVERDUE
    ]


def test_probationers_past_their_probation_are_one_alert_per_branch_with_the_figures(world):
    today = dt.date(2026, 6, 15)
    late = probationer(world, dt.date(2025, 6, 10), name="王五")  # ended 2026-06-10: 5 days overdue
    later = probationer(world, dt.date(2025, 6, 1), name="赵六")  # ended 2026-06-01: 14 days overdue
    probationer(world, dt.date(2025, 6, 15))  # ends today: not yet overdue
    probationer(world, dt.date(2025, 6, 1), status=MemberStatus.LEFT)  # off the roll
    extended = probationer(world, dt.date(2025, 1, 10), probation_extension_months=6)  # ends 2026-07-10
    probationer(world, dt.date(2024, 1, 10), branch=world.branch_z1)  # outside the run's scope
    (alert,) = run(world, today)
    assert alert.organization == world.branch_a1
    assert alert.detail == {
        "members": 2,
        "days_overdue": 14,
        "overdue": [  # by member id
            {"id": late.pk, "name": "王五", "ends_on": "2026-06-10", "days": 5},
            {"id": later.pk, "name": "赵六", "ends_on": "2026-06-01", "days": 14},
        ],
    }
    assert extended.pk not in {row["id"] for row in alert.detail["overdue"]}


@pytest.mark.parametrize(
    ("joined", "months"),
    [
        (dt.date(2024, 2, 29), None),  # one year on: 1 March
        (dt.date(2023, 8, 31), 6),  # 31 August + 1 year + 6 months: 28 February
        (dt.date(2023, 2, 28), 12),
        (dt.date(2023, 12, 31), 9),
        (dt.date(2023, 6, 30), 8),
    ],
)
def test_the_alert_ends_each_probation_on_the_day_the_record_does(world, joined, months):
    member = probationer(world, joined, probation_extension_months=months)
    ends = member.probation_ends_on
    assert run(world, ends) == []
    (alert,) = run(world, ends + dt.timedelta(days=1))
    assert alert.detail["overdue"] == [
        {"id": member.pk, "name": member.name, "ends_on": ends.isoformat(), "days": 1}
    ]


def test_confirmed_members_and_those_who_joined_later_raise_no_alert(world):
    MemberFactory(branch=world.branch_a1, joined_on=dt.date(2020, 1, 1), confirmed_on=dt.date(2021, 1, 1))
    assert run(world, dt.date(2026, 6, 15)) == []


# --- the same row on every path: the same field, the same message, nothing written --------------------------

HEADERS = {"gender": "性别", "birth_date": "出生日期", "joined_on": "入党日期", "confirmed_on": "转正日期"}
CHOICE_LABELS = {"male": "男", "female": "女", "full": "正式党员", "probationary": "预备党员"}
BAD_ROWS = {
    "gender against the ID number": ({"gender": "female"}, "gender", GENDER_MESSAGE, {}),
    "joined at 17 years 364 days": (
        {"joined_on": dt.date(2008, 3, 6), "confirmed_on": dt.date(2009, 3, 6)},
        "joined_on",
        AGE_MESSAGE,
        {"date": "2008-03-07"},
    ),
    "confirmed a day early": (
        {"confirmed_on": dt.date(2011, 6, 30)},
        "confirmed_on",
        EARLY_MESSAGE,
        {"date": "2011-07-01"},
    ),
}


def _text(value) -> str:
    return "" if value is None else value.isoformat() if isinstance(value, dt.date) else str(value)


def via_api_post(world, row):
    body = {name: _text(value) for name, value in row.items() if value is not None}
    answer = world.client("staff_a").post(
        reverse("member-list"),
        {**body, "branch": world.branch_a1.pk},
        format="json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    return answer.status_code, (answer.json() if answer.status_code == 400 else {})


def via_api_patch(world, row):
    member = create(world)
    body = {name: _text(value) for name, value in row.items() if value is not None}
    answer = world.client("staff_a").patch(
        reverse("member-detail", args=[member.pk]), body, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    member.refresh_from_db()
    assert member.version == 1  # nothing written
    Member.objects.all().delete()
    return answer.status_code, (answer.json() if answer.status_code == 400 else {})


def _form_data(world, row):
    return {
        **{name: _text(value) for name, value in row.items()},
        "branch": world.branch_a1.pk,
        **MEMBER_FORM_BLANKS,
    }


def via_entry_page(world, row):
    answer = world.page_client("staff_a").post(reverse("members:member-create"), _form_data(world, row))
    if answer.status_code == 302:
        return 201, {}
    return 400, {name: [str(e) for e in errors] for name, errors in answer.context["form"].errors.items()}


def via_admin(world, row):
    answer = world.page_client("staff_a").post(
        reverse("admin:members_member_add"), {**_form_data(world, row), **MEMBER_ADMIN_EXTRAS}
    )
    if answer.status_code == 302:
        return 201, {}
    form = answer.context["adminform"].form
    return 400, {name: [str(e) for e in errors] for name, errors in form.errors.items()}


def _import(world, row, content: bytes, name: str):
    values = {
        header: _text(CHOICE_LABELS.get(row.get(field), row.get(field))) for field, header in HEADERS.items()
    }
    cells = {
        "姓名": row["name"],
        "民族": row["ethnicity"],
        "身份证号": row["id_number"],
        "学历": "本科",
        "党员类别": CHOICE_LABELS[row["category"]],
        "所在支部编码": world.branch_a1.code,
        "职业": "农牧民",
        **values,
    }
    actor = world.users["staff_a"]
    rows = member_rows([cells], headers=MEMBER_HEADERS)
    report = import_table(
        actor=actor, resource=MemberResource(actor=actor), upload=upload(content(rows), name), dry_run=False
    )
    if report.ok:
        return 201, {}
    fields = {header: field for field, header in HEADERS.items()}
    errors = {}
    for error in report.rows_with_errors[0].errors:
        errors.setdefault(fields.get(error["column"], error["column"]), []).append(error["message"])
    return 400, errors


def via_xlsx_import(world, row):
    return _import(world, row, xlsx_bytes, "members.xlsx")


def via_csv_import(world, row):
    return _import(world, row, csv_bytes, "members.csv")


PATHS = [via_api_post, via_api_patch, via_entry_page, via_admin, via_xlsx_import, via_csv_import]


@pytest.mark.parametrize("path", PATHS, ids=lambda path: path.__name__)
@pytest.mark.parametrize("case", BAD_ROWS, ids=str)
def test_the_same_bad_row_gets_the_same_answer_on_every_path(world, path, case):
    overrides, field, message, figures = BAD_ROWS[case]
    with translation.override("zh-hans"):
        status, errors = path(world, data(**overrides))
    assert (status, errors) == (400, {field: [zh(message) % figures if figures else zh(message)]})
    assert not Member.objects.exists()


@pytest.mark.parametrize("path", [p for p in PATHS if p is not via_api_patch], ids=lambda path: path.__name__)
@pytest.mark.parametrize(("number", "gender"), [(MAN, "male"), (WOMAN, "female")])
def test_every_path_takes_an_empty_gender_and_birth_date_from_the_id_number(world, path, number, gender):
    status, errors = path(world, data(id_number=number, gender="", birth_date=None))
    assert (status, errors) == (201, {})
    member = Member.objects.get()
    assert (member.gender, member.birth_date) == (gender, BORN)


def test_the_messages_read_in_chinese():
    with translation.override("zh-hans"):
        translated = [
            translation.gettext(message) for message in (GENDER_MESSAGE, AGE_MESSAGE, EARLY_MESSAGE)
        ]
    assert all(not text.isascii() for text in translated)
