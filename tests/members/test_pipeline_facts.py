"""Pipeline facts change only through their step or a recorded correction; an applicant's identity agrees with
the ID number; every date is a real one (docs/members-and-pipeline.md, "Pipeline facts and corrections")."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from members import idnumbers
from members.models import Applicant
from members.models import ApplicantStage
from members.models import Member
from members.services.pipeline import applicant_advance
from tests.utils.factories import MemberFactory
from tests.utils.factories import id_number_for
from tests.utils.factories_entry import field_errors
from tests.utils.factories_pipeline import ApplicantFactory
from tests.utils.factories_pipeline import activist
from tests.utils.factories_pipeline import admitted
from tests.utils.factories_pipeline import candidate
from tests.utils.factories_pipeline import registration

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}

# A new value for every fact a step records, each different from what admitted() holds.
NEW_FACTS = {
    "applied_on": "2022-10-01",
    "activist_on": "2022-09-02",
    "political_review_on": "2023-08-02",
    "training_completed_on": "2023-08-21",
    "training_days": 5,
    "training_hours": 30,
    "notice_started_on": "2023-09-05",
    "candidate_on": "2023-09-21",
    "pre_reviewed_on": "2023-10-10",
    "assembly_on": "2023-10-19",
    "votes_entitled": 31,
    "votes_yes": 1,
    "approved_on": "2023-12-02",
    "probation_extension_months": 6,
    "probation_extended_on": "2024-01-05",
    "confirmed_on": "2024-10-21",
}
STEP_OF = {
    "applied_on": "application",
    "activist_on": "Activist",
    "candidate_on": "Candidate for development",
    "votes_yes": "Probationary member",
    "confirmed_on": "Full member",
    "probation_extension_months": "probation extension",
}


def detail(applicant):
    return reverse("applicant-detail", args=[applicant.pk])


def corrections(applicant):
    return reverse("applicant-corrections", args=[applicant.pk])


def snapshot(applicant):
    row = Applicant.objects.filter(pk=applicant.pk).values().get()
    row["people"] = (
        sorted(applicant.mentors.values_list("pk", flat=True)),
        sorted(applicant.sponsors.values_list("pk", flat=True)),
    )
    return row


# --- an update never changes a fact ---------------------------------------------------------------------


@pytest.mark.parametrize("fact", [*NEW_FACTS, "mentors", "sponsors", "stage", "status"])
def test_patching_a_fact_is_refused_and_changes_nothing(world, fact):
    applicant = admitted(branch=world.branch_a1, stage=ApplicantStage.FULL)
    value = (
        NEW_FACTS.get(fact)
        or {
            "mentors": [MemberFactory(branch=world.branch_a1).pk],
            "sponsors": [MemberFactory(branch=world.branch_a1).pk],
            "stage": "candidate",
            "status": "withdrawn",
        }[fact]
    )
    before = snapshot(applicant)
    response = world.client("staff_a").patch(detail(applicant), {fact: value}, format="json", **EN)
    assert response.status_code == 400, response.content
    message = " ".join(response.json()[fact])
    assert ("correction" in message) == (fact in NEW_FACTS or fact in ("mentors", "sponsors"))
    if fact in STEP_OF:
        assert STEP_OF[fact] in message
    assert snapshot(applicant) == before


def test_the_testers_patch_of_votes_and_application_date_is_refused(world):
    applicant = admitted(branch=world.branch_a1, stage=ApplicantStage.FULL)
    before = snapshot(applicant)
    response = world.client("secretary_a1").patch(
        detail(applicant), {"votes_yes": 1, "applied_on": "2022-10-01"}, format="json"
    )
    assert response.status_code == 400 and {"votes_yes", "applied_on"} <= set(response.json())
    assert snapshot(applicant) == before


def test_identity_stays_editable_and_a_full_put_sends_the_facts_back_unchanged(world):
    applicant = admitted(branch=world.branch_a1)
    client = world.client("secretary_a1")
    assert client.patch(detail(applicant), {"address": "新村 3 号"}, format="json").status_code == 200
    body = world.client("root").get(detail(applicant)).json()
    response = client.put(detail(applicant), {**body, "name": "改名"}, format="json")
    assert response.status_code == 200, response.content
    applicant.refresh_from_db()
    assert (applicant.name, applicant.address, applicant.votes_yes) == ("改名", "新村 3 号", 16)


def test_facts_of_later_steps_are_refused_on_registration(world):
    birth = dt.date(1999, 1, 1)
    payload = {
        "branch": world.branch_a1.pk,
        "name": "李华",
        "id_number": id_number_for(birth, 23),
        "education": "bachelor",
        "occupation": "farmer",
        "applied_on": "2024-01-05",
        "votes_yes": 5,
    }
    response = world.client("secretary_a1").post(reverse("applicant-list"), payload, format="json")
    assert response.status_code == 400 and "votes_yes" in response.json()
    assert not Applicant.objects.exists()


# --- corrections -------------------------------------------------------------------------------------------


def test_a_correction_is_accepted_and_recorded_with_from_to_and_reason(world):
    applicant = admitted(branch=world.branch_a1, stage=ApplicantStage.FULL)
    rows = applicant.history.count()
    response = world.client("staff_a").post(
        corrections(applicant), {"votes_yes": 20, "reason": "计票抄错"}, format="json", **EN
    )
    assert response.status_code == 200, response.content
    applicant.refresh_from_db()
    assert (applicant.votes_yes, applicant.version) == (20, 2)
    row = applicant.history.latest("history_id")
    assert "16 → 20" in row.history_change_reason and "计票抄错" in row.history_change_reason
    assert row.history_user == world.users["staff_a"]
    assert applicant.history.count() == rows + 1  # one row for the whole correction


def test_a_secretary_corrects_the_application_date(world):
    applicant = activist(branch=world.branch_a1)
    MemberFactory(branch=world.branch_a1)
    applicant.mentors.set([MemberFactory(branch=world.branch_a1)])
    response = world.client("secretary_a1").post(
        corrections(applicant), {"applied_on": "2022-04-01", "reason": "申请书日期录错"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert Applicant.objects.get(pk=applicant.pk).applied_on == dt.date(2022, 4, 1)


@pytest.mark.parametrize(
    ("facts", "field", "words"),
    [
        ({"votes_yes": 15}, "votes_yes", "16"),  # 15 of 30 is not more than half
        ({"votes_yes": 31}, "votes_yes", "more votes"),
        ({"applied_on": "2022-09-02"}, "activist_on", "2022-09-02"),  # after the activist date
        ({"activist_on": "2022-09-21"}, "candidate_on", "2023-09-21"),  # candidate less than a year after
        ({"pre_reviewed_on": "2023-10-21"}, "pre_reviewed_on", "pre-review"),  # after the assembly
        ({"approved_on": "2024-01-21"}, "approved_on", "2024-01-20"),  # over three months
        ({"assembly_on": "2023-12-02"}, "approved_on", "2023-12-02"),  # after the approval
        ({"confirmed_on": "2024-10-19"}, "confirmed_on", "2024-10-20"),  # probation not over
        ({"applied_on": "2013-04-11"}, "applied_on", "2013-04-12"),  # 17 years 364 days old
    ],
)
def test_a_correction_breaking_a_rule_is_refused_with_the_rule(world, facts, field, words):
    applicant = admitted(branch=world.branch_a1, stage=ApplicantStage.FULL)
    before = snapshot(applicant)
    response = world.client("staff_a").post(
        corrections(applicant), {**facts, "reason": "更正"}, format="json", **EN
    )
    assert response.status_code == 400, response.content
    assert words in " ".join(response.json()[field])
    assert snapshot(applicant) == before


def test_correcting_the_assembly_moves_the_members_joining_date(world):
    applicant = candidate(branch=world.branch_a1)
    applicant = applicant_advance(
        actor=world.users["staff_a"],
        applicant=applicant,
        to_stage="probationary",
        on=dt.date(2023, 12, 1),
        pre_reviewed_on=dt.date(2023, 10, 9),
        assembly_on=dt.date(2023, 10, 20),
        votes_entitled=10,
        votes_yes=6,
        sponsors=[MemberFactory(branch=world.branch_a1) for _ in range(2)],
    )
    response = world.client("staff_a").post(
        corrections(applicant), {"assembly_on": "2023-10-18", "reason": "会议记录为18日"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert Member.objects.get(pk=applicant.member_id).joined_on == dt.date(2023, 10, 18)


@pytest.mark.parametrize("fact", ["votes_yes", "pre_reviewed_on", "approved_on", "confirmed_on"])
def test_a_branch_secretary_cannot_correct_a_review_fact(world, fact):
    applicant = admitted(branch=world.branch_a1, stage=ApplicantStage.FULL)
    before = snapshot(applicant)
    value = {"votes_yes": 20}.get(fact, "2023-10-15" if fact == "pre_reviewed_on" else None)
    value = value or {"approved_on": "2023-12-05", "confirmed_on": "2024-10-25"}[fact]
    response = world.client("secretary_a1").post(
        corrections(applicant), {fact: value, "reason": "更正"}, format="json"
    )
    assert response.status_code == 403
    assert snapshot(applicant) == before


def test_a_correction_out_of_scope_answers_404_like_a_missing_record(world):
    applicant = admitted(branch=world.branch_a1)
    before = snapshot(applicant)
    client = world.client("staff_b")
    response = client.post(corrections(applicant), {"votes_yes": 20, "reason": "更正"}, format="json")
    assert response.status_code == 404
    missing = reverse("applicant-corrections", args=[10**9])
    assert client.post(missing, {"votes_yes": 20, "reason": "更正"}, format="json").status_code == 404
    assert snapshot(applicant) == before


@pytest.mark.parametrize(("who", "status"), [(None, {401, 403}), ("viewer_a", {403})])
def test_anonymous_and_viewers_cannot_correct(world, who, status):
    applicant = activist(branch=world.branch_a1)
    response = world.client(who).post(
        corrections(applicant), {"applied_on": "2022-04-01", "reason": "更正"}, format="json"
    )
    assert response.status_code in status


def test_a_correction_needs_a_reason_a_taken_step_and_a_change(world):
    applicant = activist(branch=world.branch_a1)
    client = world.client("staff_a")
    no_reason = client.post(
        corrections(applicant), {"applied_on": "2022-04-01", "reason": " "}, format="json"
    )
    assert no_reason.status_code == 400 and "reason" in no_reason.json()
    not_taken = client.post(corrections(applicant), {"votes_yes": 5, "reason": "更正"}, format="json", **EN)
    assert not_taken.status_code == 400 and "not been taken" in " ".join(not_taken.json()["votes_yes"])
    same = client.post(corrections(applicant), {"applied_on": "2022-03-01", "reason": "更正"}, format="json")
    assert same.status_code == 400
    assert Applicant.objects.get(pk=applicant.pk).version == 1


# --- identity and the ID number ------------------------------------------------------------------------


def test_gender_and_birth_date_are_read_from_the_id_number_when_left_out(world):
    response = world.client("secretary_a1").post(reverse("applicant-list"), registration(world.branch_a1))
    assert response.status_code == 201, response.content
    applicant = Applicant.objects.get()
    assert (applicant.birth_date, applicant.gender) == (dt.date(1999, 1, 1), "female")


@pytest.mark.parametrize(
    ("extra", "field"), [({"birth_date": "1999-01-02"}, "birth_date"), ({"gender": "male"}, "gender")]
)
def test_identity_contradicting_the_id_number_is_refused(world, extra, field):
    client = world.client("secretary_a1")
    response = client.post(reverse("applicant-list"), registration(world.branch_a1, **extra))
    assert response.status_code == 400 and field in response.json()
    applicant = ApplicantFactory(branch=world.branch_a1)
    patched = client.patch(detail(applicant), extra if field == "birth_date" else {"gender": "female"})
    assert patched.status_code == 400 and field in patched.json()


def test_a_new_id_number_brings_its_birth_date_and_gender(world):
    applicant = ApplicantFactory(branch=world.branch_a1)
    number = idnumbers.build("130123", dt.date(1990, 6, 1), 24)
    response = world.client("secretary_a1").patch(detail(applicant), {"id_number": number}, format="json")
    assert response.status_code == 200, response.content
    applicant.refresh_from_db()
    assert (applicant.birth_date, applicant.gender) == (dt.date(1990, 6, 1), "female")


@pytest.mark.parametrize(("days_short", "allowed"), [(1, False), (0, True)])
def test_an_applicant_is_eighteen_on_applying_on_every_path(world, days_short, allowed):
    applied = dt.date(2024, 1, 5)
    birth = dt.date(2006, 1, 5) + dt.timedelta(days=days_short)  # 17 years 364 days, or 18 years
    client = world.client("secretary_a1")
    created = client.post(reverse("applicant-list"), registration(world.branch_a1, birth=birth))
    assert (created.status_code == 201) == allowed, created.content
    applicant = ApplicantFactory(branch=world.branch_a1, applied_on=applied)
    number = id_number_for(birth, 25)
    patched = client.patch(detail(applicant), {"id_number": number}, format="json")
    assert (patched.status_code == 200) == allowed, patched.content


# --- real dates only: never a 500 ------------------------------------------------------------------------

STRANGE_DAYS = ["0092-01-01", "9551-01-01", "0001-01-01", "9999-12-31"]
DATE_FIELDS = [
    "birth_date",
    "applied_on",
    "activist_on",
    "political_review_on",
    "training_completed_on",
    "notice_started_on",
    "candidate_on",
    "pre_reviewed_on",
    "assembly_on",
    "approved_on",
    "probation_extended_on",
    "confirmed_on",
]


@pytest.mark.parametrize("day", STRANGE_DAYS)
@pytest.mark.parametrize("field", DATE_FIELDS)
def test_a_form_encoded_create_with_a_strange_year_answers_400(world, field, day):
    payload = registration(world.branch_a1, birth=dt.date(1999, 1, 1), **{field: day})
    response = world.client("secretary_a1").post(reverse("applicant-list"), payload)
    assert response.status_code == 400, response.content
    assert response.json()[field]
    assert not Applicant.objects.exists()


@pytest.mark.parametrize("day", STRANGE_DAYS)
@pytest.mark.parametrize(
    "field", [name for name in DATE_FIELDS if name not in ("birth_date", "probation_extended_on")]
)
def test_a_correction_with_a_strange_year_answers_400(world, field, day):
    applicant = admitted(branch=world.branch_a1, stage=ApplicantStage.FULL)
    response = world.client("staff_a").post(corrections(applicant), {field: day, "reason": "更正"})
    assert response.status_code == 400, response.content
    assert Applicant.objects.get(pk=applicant.pk).version == 1


@pytest.mark.parametrize("day", STRANGE_DAYS)
def test_a_step_or_a_birth_date_with_a_strange_year_answers_400(world, day):
    applicant = activist(branch=world.branch_a1, activist_on=dt.date(2022, 1, 3))
    data = {
        "to_stage": "candidate",
        "on": "2024-03-11",
        "political_review_on": day,
        "training_completed_on": day,
        "training_days": 3,
        "notice_started_on": day,
    }
    client = world.client("secretary_a1")
    assert client.post(reverse("applicant-advance", args=[applicant.pk]), data).status_code == 400
    assert client.patch(detail(applicant), {"birth_date": day}).status_code == 400
    assert Applicant.objects.get(pk=applicant.pk).version == 1


# --- the pages and the admin ---------------------------------------------------------------------------


def test_the_correction_page_corrects_and_shows_the_rule_beside_the_field(secretary, world):
    applicant = activist(branch=world.branch_a1)
    applicant.mentors.set([MemberFactory(branch=world.branch_a1)])
    url = reverse("members:applicant-correct", args=[applicant.pk])
    page = secretary.get(url)
    assert page.status_code == 200 and "votes_yes" not in page.context["form"].fields
    mentors = [str(pk) for pk in applicant.mentors.values_list("pk", flat=True)]
    refused = secretary.post(
        url,
        {
            "applied_on": "2022-09-02",
            "activist_on": "2022-09-01",
            "mentors": mentors,
            "reason": "更正",
            "version": 1,
        },
    )
    assert refused.status_code == 200 and field_errors(refused, "activist_on")
    saved = secretary.post(
        url,
        {
            "applied_on": "2022-04-01",
            "activist_on": "2022-09-01",
            "mentors": mentors,
            "reason": "录错",
            "version": 1,
        },
    )
    assert saved.status_code == 302
    assert Applicant.objects.get(pk=applicant.pk).applied_on == dt.date(2022, 4, 1)
    assert "录错" in secretary.get(url).content.decode()


def test_the_admin_shows_the_facts_read_only(world):
    applicant = admitted(branch=world.branch_a1)
    page = world.page_client("root").get(reverse("admin:members_applicant_change", args=[applicant.pk]))
    assert page.status_code == 200
    form = page.context["adminform"].form
    assert "votes_yes" not in form.fields and "applied_on" not in form.fields and "address" in form.fields


def test_registration_still_takes_today(world):
    payload = registration(world.branch_a1, applied_on=timezone.localdate().isoformat())
    assert world.client("secretary_a1").post(reverse("applicant-list"), payload).status_code == 201
