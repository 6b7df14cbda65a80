import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from branches.scope.querysets import OutOfScope
from members.models import ApplicantStage
from members.models import ApplicantStatus
from members.models import Member
from members.models import MemberCategory
from members.models import MemberEvent
from members.models import MemberEventKind
from members.services.pipeline import applicant_advance
from members.services.pipeline import applicant_close
from members.services.pipeline import applicant_register
from members.services.pipeline import probation_extend
from members.services.roster import member_extend_probation
from tests.utils.factories import MemberFactory
from tests.utils.factories import id_number_for
from tests.utils.factories_pipeline import ApplicantFactory
from tests.utils.factories_pipeline import activist
from tests.utils.factories_pipeline import candidate

pytestmark = pytest.mark.django_db


def _message(error: ValidationError, field: str = "on") -> str:
    return " ".join(error.message_dict[field])


def _full_members(world, count):
    return [MemberFactory(branch=world.branch_a1) for _ in range(count)]


def _person(birth=dt.date(2000, 5, 10), sequence=11):
    return {
        "name": "王小明",
        "gender": "male",
        "id_number": id_number_for(birth, sequence),
        "birth_date": birth,
        "education": "bachelor",
        "occupation": "farmer",
    }


# --- application ---


def test_applicant_must_be_eighteen_on_the_day_of_application(world):
    staff = world.users["staff_a"]
    with pytest.raises(ValidationError) as error:
        applicant_register(actor=staff, branch=world.branch_a1, applied_on=dt.date(2018, 5, 9), **_person())
    assert "2018-05-10" in _message(error.value, "applied_on")
    applicant = applicant_register(
        actor=staff, branch=world.branch_a1, applied_on=dt.date(2018, 5, 10), **_person()
    )
    assert applicant.stage == ApplicantStage.APPLICANT


def test_application_is_made_to_a_branch_in_scope(world):
    with pytest.raises(OutOfScope):
        applicant_register(
            actor=world.users["staff_a"], branch=world.branch_b1, applied_on=dt.date(2024, 1, 1), **_person()
        )


def test_application_date_cannot_be_in_the_future(world):
    with pytest.raises(ValidationError):
        applicant_register(
            actor=world.users["staff_a"], branch=world.branch_a1, applied_on=dt.date(2999, 1, 1), **_person()
        )


def test_an_existing_member_cannot_apply_again(world):
    member = MemberFactory(branch=world.branch_a1)
    person = {**_person(), "id_number": member.id_number, "birth_date": member.birth_date}
    with pytest.raises(ValidationError) as error:
        applicant_register(
            actor=world.users["staff_a"], branch=world.branch_a1, applied_on=dt.date(2024, 1, 1), **person
        )
    assert "id_number" in error.value.message_dict


# --- activist ---


def _to_activist(world, applicant, on, mentors):
    return applicant_advance(
        actor=world.users["secretary_a1"], applicant=applicant, to_stage="activist", on=on, mentors=mentors
    )


@pytest.mark.parametrize(("mentor_count", "allowed"), [(0, False), (1, True), (2, True), (3, False)])
def test_activist_needs_one_or_two_mentors(world, mentor_count, allowed):
    applicant = ApplicantFactory(branch=world.branch_a1)
    mentors = _full_members(world, mentor_count)
    if allowed:
        assert _to_activist(world, applicant, dt.date(2022, 6, 1), mentors).stage == ApplicantStage.ACTIVIST
    else:
        with pytest.raises(ValidationError):
            _to_activist(world, applicant, dt.date(2022, 6, 1), mentors)


def test_mentors_must_be_full_members(world):
    applicant = ApplicantFactory(branch=world.branch_a1)
    probationary = MemberFactory(
        branch=world.branch_a1, category=MemberCategory.PROBATIONARY, confirmed_on=None
    )
    with pytest.raises(ValidationError) as error:
        _to_activist(world, applicant, dt.date(2022, 6, 1), mentors=[probationary])
    assert "mentors" in error.value.message_dict


def test_a_step_cannot_be_skipped(world):
    applicant = ApplicantFactory(branch=world.branch_a1)
    with pytest.raises(ValidationError) as error:
        applicant_advance(
            actor=world.users["staff_a"], applicant=applicant, to_stage="candidate", on=dt.date(2024, 1, 1)
        )
    assert "to_stage" in error.value.message_dict


# --- candidate ---


def _to_candidate(world, applicant, on, **facts):
    defaults = {
        "political_review_on": dt.date(2023, 8, 1),
        "training_completed_on": dt.date(2023, 8, 20),
        "training_days": 3,
        "notice_started_on": dt.date(2023, 8, 21),
    }
    return applicant_advance(
        actor=world.users["secretary_a1"],
        applicant=applicant,
        to_stage="candidate",
        on=on,
        **{**defaults, **facts},
    )


def test_candidate_requires_one_year_as_activist(world):
    applicant = activist(branch=world.branch_a1, activist_on=dt.date(2023, 3, 10))
    with pytest.raises(ValidationError) as error:
        _to_candidate(world, applicant, dt.date(2024, 3, 9))  # 365 days later, but 2024 is a leap year
    assert "2024-03-10" in _message(error.value)
    assert _to_candidate(world, applicant, dt.date(2024, 3, 10)).stage == ApplicantStage.CANDIDATE


def test_candidate_at_364_days_is_refused_and_at_365_allowed(world):
    applicant = activist(branch=world.branch_a1, activist_on=dt.date(2022, 9, 1))
    with pytest.raises(ValidationError):
        _to_candidate(world, applicant, dt.date(2022, 9, 1) + dt.timedelta(days=364))
    applicant.refresh_from_db()
    assert _to_candidate(
        world, applicant, dt.date(2022, 9, 1) + dt.timedelta(days=365)
    ).candidate_on == dt.date(2023, 9, 1)


def test_candidate_requires_political_review(world):
    applicant = activist(branch=world.branch_a1)
    with pytest.raises(ValidationError) as error:
        _to_candidate(world, applicant, dt.date(2023, 9, 1), political_review_on=None)
    assert "political_review_on" in error.value.message_dict


@pytest.mark.parametrize(
    ("days", "hours", "allowed"), [(2, None, False), (None, 23, False), (3, None, True), (None, 24, True)]
)
def test_candidate_requires_three_days_or_24_hours_of_training(world, days, hours, allowed):
    applicant = activist(branch=world.branch_a1)
    facts = {"training_days": days, "training_hours": hours}
    if allowed:
        assert _to_candidate(world, applicant, dt.date(2023, 9, 1), **facts).stage == ApplicantStage.CANDIDATE
    else:
        with pytest.raises(ValidationError) as error:
            _to_candidate(world, applicant, dt.date(2023, 9, 1), **facts)
        assert "training_days" in error.value.message_dict


def test_candidate_waits_for_the_public_notice_to_end(world):
    applicant = activist(branch=world.branch_a1)
    notice = {"notice_started_on": dt.date(2023, 8, 31)}  # Thursday: Thu, Fri, Mon, Tue, Wed
    with pytest.raises(ValidationError) as error:
        _to_candidate(world, applicant, dt.date(2023, 9, 6), **notice)
    assert "2023-09-07" in _message(error.value)
    assert _to_candidate(world, applicant, dt.date(2023, 9, 7), **notice).stage == ApplicantStage.CANDIDATE


@override_settings(PIPELINE_NOTICE_WORKING_DAYS=7)
def test_notice_length_is_configurable(world):
    applicant = activist(branch=world.branch_a1)
    with pytest.raises(ValidationError) as error:
        _to_candidate(world, applicant, dt.date(2023, 9, 7), notice_started_on=dt.date(2023, 8, 31))
    assert "2023-09-09" in _message(error.value)


def test_step_facts_of_another_step_are_refused(world):
    applicant = activist(branch=world.branch_a1)
    with pytest.raises(ValidationError) as error:
        _to_candidate(world, applicant, dt.date(2023, 9, 7), votes_yes=3)
    assert "votes_yes" in error.value.message_dict


# --- admission ---


def _admit(world, applicant, on=dt.date(2023, 12, 1), actor="staff_a", **facts):
    defaults = {
        "pre_reviewed_on": dt.date(2023, 10, 9),
        "assembly_on": dt.date(2023, 10, 20),
        "votes_entitled": 10,
        "votes_yes": 6,
        "sponsors": _full_members(world, 2),
    }
    return applicant_advance(
        actor=world.users[actor], applicant=applicant, to_stage="probationary", on=on, **{**defaults, **facts}
    )


@pytest.mark.parametrize(
    ("entitled", "yes", "allowed"), [(10, 5, False), (10, 6, True), (9, 5, True), (9, 4, False)]
)
def test_admission_needs_more_than_half_of_the_entitled_votes(world, entitled, yes, allowed):
    applicant = candidate(branch=world.branch_a1)
    if allowed:
        assert (
            _admit(world, applicant, votes_entitled=entitled, votes_yes=yes).stage
            == ApplicantStage.PROBATIONARY
        )
    else:
        with pytest.raises(ValidationError) as error:
            _admit(world, applicant, votes_entitled=entitled, votes_yes=yes)
        assert str(entitled // 2 + 1) in _message(error.value, "votes_yes")


def test_votes_in_favour_cannot_exceed_the_entitled(world):
    with pytest.raises(ValidationError):
        _admit(world, candidate(branch=world.branch_a1), votes_entitled=5, votes_yes=6)


@pytest.mark.parametrize("count", [1, 3])
def test_admission_needs_exactly_two_sponsors(world, count):
    with pytest.raises(ValidationError) as error:
        _admit(world, candidate(branch=world.branch_a1), sponsors=_full_members(world, count))
    assert "sponsors" in error.value.message_dict


def test_admission_needs_the_pre_review_before_the_assembly(world):
    with pytest.raises(ValidationError) as error:
        _admit(world, candidate(branch=world.branch_a1), pre_reviewed_on=dt.date(2023, 10, 21))
    assert "pre_reviewed_on" in error.value.message_dict


def test_approval_must_come_within_three_months_of_the_assembly(world):
    applicant = candidate(branch=world.branch_a1)
    with pytest.raises(ValidationError) as error:
        _admit(world, applicant, on=dt.date(2024, 1, 21))
    assert "2024-01-20" in _message(error.value)
    applicant.refresh_from_db()
    assert _admit(world, applicant, on=dt.date(2024, 1, 20)).approved_on == dt.date(2024, 1, 20)


def test_admission_creates_the_probationary_member_from_the_assembly_date(world):
    applicant = _admit(world, candidate(branch=world.branch_a1))
    member = Member.objects.get(pk=applicant.member_id)
    assert (member.category, member.joined_on, member.branch) == (
        MemberCategory.PROBATIONARY,
        dt.date(2023, 10, 20),
        world.branch_a1,
    )
    assert member.id_number == applicant.id_number
    assert MemberEvent.objects.get(member=member).kind == MemberEventKind.ADMISSION
    assert member.history.count() == 1


def test_branch_secretary_cannot_approve_an_admission(world):
    applicant = candidate(branch=world.branch_a1)
    with pytest.raises(OutOfScope):
        _admit(world, applicant, actor="secretary_a1")
    applicant.refresh_from_db()
    assert (
        applicant.stage == ApplicantStage.CANDIDATE
        and not Member.objects.filter(name=applicant.name).exists()
    )


def test_a_refused_admission_changes_nothing(world):
    applicant = candidate(branch=world.branch_a1)
    with pytest.raises(ValidationError):
        _admit(world, applicant, votes_yes=1)
    applicant.refresh_from_db()
    assert applicant.votes_yes is None and applicant.version == 1


# --- probation and confirmation ---


def _probationary(world):
    return _admit(world, candidate(branch=world.branch_a1))


def _confirm(world, applicant, on):
    return applicant_advance(actor=world.users["staff_a"], applicant=applicant, to_stage="full", on=on)


def test_full_membership_one_year_after_the_assembly(world):
    applicant = _probationary(world)
    with pytest.raises(ValidationError) as error:
        _confirm(world, applicant, dt.date(2024, 10, 19))
    assert "2024-10-20" in _message(error.value)
    confirmed = _confirm(world, applicant, dt.date(2024, 10, 20))
    member = Member.objects.get(pk=confirmed.member_id)
    assert (member.category, member.confirmed_on) == (MemberCategory.FULL, dt.date(2024, 10, 20))
    assert member.events.filter(kind=MemberEventKind.CONFIRMATION).exists()


@pytest.mark.parametrize(("months", "allowed"), [(5, False), (6, True), (12, True), (13, False)])
def test_probation_extension_lasts_six_to_twelve_months(world, months, allowed):
    applicant = _probationary(world)
    extend = {
        "actor": world.users["staff_a"],
        "applicant": applicant,
        "months": months,
        "on": dt.date(2024, 10, 1),
    }
    if allowed:
        assert probation_extend(**extend).probation_extension_months == months
    else:
        with pytest.raises(ValidationError):
            probation_extend(**extend)


def test_probation_can_be_extended_only_once(world):
    applicant = probation_extend(
        actor=world.users["staff_a"], applicant=_probationary(world), months=6, on=dt.date(2024, 10, 1)
    )
    with pytest.raises(ValidationError):
        probation_extend(actor=world.users["staff_a"], applicant=applicant, months=6, on=dt.date(2024, 10, 2))


def test_a_probation_extended_on_the_member_is_not_extended_again_on_the_record(world):
    applicant = _probationary(world)
    member_extend_probation(
        actor=world.users["staff_a"],
        member=applicant.member,
        months=6,
        on=dt.date(2024, 10, 1),
        reason="考察",
    )
    applicant.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        probation_extend(actor=world.users["staff_a"], applicant=applicant, months=6, on=dt.date(2024, 10, 2))
    assert list(error.value.message_dict) == ["months"]


def test_an_extended_probation_moves_the_confirmation_date(world):
    applicant = probation_extend(
        actor=world.users["staff_a"], applicant=_probationary(world), months=6, on=dt.date(2024, 10, 1)
    )
    with pytest.raises(ValidationError) as error:
        _confirm(world, applicant, dt.date(2025, 4, 19))
    assert "2025-04-20" in _message(error.value)
    assert _confirm(world, applicant, dt.date(2025, 4, 20)).stage == ApplicantStage.FULL


def test_closing_a_record_needs_a_reason_and_stops_the_pipeline(world):
    applicant = ApplicantFactory(branch=world.branch_a1)
    with pytest.raises(ValidationError):
        applicant_close(
            actor=world.users["secretary_a1"], applicant=applicant, status="withdrawn", reason=" "
        )
    closed = applicant_close(
        actor=world.users["secretary_a1"], applicant=applicant, status="withdrawn", reason="本人撤回"
    )
    assert closed.status == ApplicantStatus.WITHDRAWN
    with pytest.raises(ValidationError):
        _to_activist(world, closed, dt.date(2024, 1, 1), mentors=_full_members(world, 1))


def test_every_step_leaves_history(world):
    applicant = ApplicantFactory(branch=world.branch_a1)
    _to_activist(world, applicant, dt.date(2022, 6, 1), mentors=_full_members(world, 1))
    latest = applicant.history.latest()
    assert latest.stage == ApplicantStage.ACTIVIST and latest.history_user == world.users["secretary_a1"]
