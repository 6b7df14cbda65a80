"""``manage.py seed_demo`` at its default size, seeded once for the module and rolled back afterwards."""

import random
import re
from collections import Counter, defaultdict
from datetime import date, timedelta
from decimal import Decimal
from io import StringIO
from itertools import pairwise

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.management import call_command
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from branches.demo import COUNTY_CODE, DEMO_LOGINS, SEED_003_TOWNSHIP
from branches.models import BRANCH_KINDS, Organization, OrganizationField, OrganizationKind, StaffRole
from branches.roles import Role
from members import idnumbers
from members import pipeline_rules as rules
from members.demo import COUNTY_REGION, DEFAULT_MEMBERS, age_on
from members.models import (
    Applicant,
    ApplicantStage,
    ApplicantStatus,
    Cadre,
    CadrePost,
    Gender,
    Member,
    MemberCategory,
    MemberEvent,
    MemberEventKind,
    MemberStatus,
    PoliticalStatus,
    ReserveCadre,
    ReserveSource,
    ReserveStatus,
)
from members.models.cadres import MEMBER_ONLY_POSTS
from members.models.pipeline import STAGE_ORDER
from members.selectors.cadres import TWO_COMMITTEE_POSTS, cross_appointments, village_youth
from members.selectors.pipeline import due_list
from members.services.pipeline import PERSON_FIELDS

pytestmark = pytest.mark.django_db

CHINESE = re.compile(r"^[\u4e00-\u9fff]+$")
RURAL = [OrganizationField.VILLAGE, OrganizationField.COMMUNITY]


@pytest.fixture(scope="module", autouse=True)
def demo_county(django_db_setup, django_db_blocker):
    """One full-size seeding shared by the module; each test still runs in its own savepoint."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)


def run_seed_demo(**options) -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


def seed_003_township() -> Organization:
    return Organization.objects.get(short_name=SEED_003_TOWNSHIP, kind=OrganizationKind.TOWNSHIP_COMMITTEE)


def demo_user(role: str):
    username = next(login.username for login in DEMO_LOGINS if login.role == role)
    return get_user_model().objects.get(username=username)


def test_creates_the_default_number_of_members():
    assert Member.objects.count() == DEFAULT_MEMBERS


def test_county_has_a_dozen_townships_and_about_150_village_and_community_branches():
    county = Organization.objects.get(code=COUNTY_CODE, kind=OrganizationKind.COUNTY_COMMITTEE)
    townships = county.children.filter(
        kind__in=[OrganizationKind.TOWNSHIP_COMMITTEE, OrganizationKind.STREET_COMMITTEE]
    )
    assert townships.count() == 12
    assert {township.kind for township in townships} == {
        OrganizationKind.TOWNSHIP_COMMITTEE,
        OrganizationKind.STREET_COMMITTEE,
    }
    rural = Organization.objects.filter(field__in=[OrganizationField.VILLAGE, OrganizationField.COMMUNITY])
    assert 135 <= rural.count() <= 165
    assert not rural.filter(
        field=OrganizationField.VILLAGE, parent__kind=OrganizationKind.STREET_COMMITTEE
    ).exists()
    assert not rural.filter(
        field=OrganizationField.COMMUNITY, parent__kind=OrganizationKind.TOWNSHIP_COMMITTEE
    ).exists()
    assert Organization.objects.filter(parent=county, field=OrganizationField.INSTITUTION).exists()
    assert Organization.objects.filter(parent__kind=OrganizationKind.GENERAL_BRANCH).exists()


def test_organization_paths_follow_the_parents():
    for organization in Organization.objects.select_related("parent"):
        parent_path = organization.parent.path if organization.parent else "/"
        assert organization.path == f"{parent_path}{organization.pk}/"


def test_organizations_pass_model_validation():
    for organization in Organization.objects.select_related("parent"):
        organization.full_clean()


def test_seed_003_township_has_four_villages_an_organ_a_school_and_a_private_enterprise():
    branches = Organization.objects.filter(parent=seed_003_township())
    assert sorted(branches.values_list("field", flat=True)) == sorted(
        [OrganizationField.VILLAGE] * 4
        + [OrganizationField.INSTITUTION, OrganizationField.SCHOOL, OrganizationField.PRIVATE_ENTERPRISE]
    )
    assert {branch.kind for branch in branches} == {OrganizationKind.BRANCH}


def test_seed_003_township_carries_the_seed_figures():
    township = seed_003_township()
    villages = Organization.objects.filter(parent=township, field=OrganizationField.VILLAGE)
    assert sum(village.population for village in villages) == 4653
    assert sum(village.area_km2 for village in villages) == Decimal("260")
    assert sum(village.cultivated_mu for village in villages) == Decimal("14700")
    members = Member.objects.filter(branch__path__startswith=township.path)
    assert members.count() == 173
    assert members.filter(branch__field=OrganizationField.VILLAGE).count() == 144
    assert members.filter(branch__field=OrganizationField.INSTITUTION).count() == 12
    assert members.filter(branch__field=OrganizationField.SCHOOL).count() == 3
    new_members = members.filter(category=MemberCategory.PROBATIONARY)
    assert new_members.count() == 8
    assert new_members.filter(gender=Gender.FEMALE).count() == 1


def test_village_branches_have_village_statistics():
    villages = Organization.objects.filter(field=OrganizationField.VILLAGE)
    for village in villages:
        assert village.households and village.population and village.natural_villages
        assert village.area_km2 > 0 and village.cultivated_mu > 0 and village.collective_income is not None
        assert village.population > village.households


def test_every_id_number_is_valid_and_matches_birth_date_and_gender():
    for id_number, birth_date, gender in Member.objects.values_list("id_number", "birth_date", "gender"):
        assert idnumbers.parse(id_number) == id_number
        assert idnumbers.birth_date_of(id_number) == birth_date
        assert idnumbers.is_female(id_number) == (gender == Gender.FEMALE)


def test_a_sample_of_members_passes_model_validation():
    pks = list(Member.objects.values_list("pk", flat=True))
    for member in Member.objects.filter(pk__in=random.Random(3).sample(pks, 300)).select_related("branch"):
        member.full_clean()


def test_members_are_mostly_men_older_and_han_with_chinese_names():
    members = Member.objects.all()
    assert 0.6 < members.filter(gender=Gender.MALE).count() / members.count() < 0.8
    assert members.filter(ethnicity="汉族").count() / members.count() > 0.9
    assert members.exclude(ethnicity="汉族").exists()
    names = list(members.values_list("name", flat=True))
    assert all(CHINESE.match(name) and 2 <= len(name) <= 3 for name in names)
    assert len(set(names)) > len(names) / 2


def test_probationary_members_joined_within_the_last_year_and_are_not_confirmed():
    for member in Member.objects.filter(category=MemberCategory.PROBATIONARY):
        assert member.confirmed_on is None
        assert (member.created_at.date() - member.joined_on).days <= 366


def test_full_members_were_confirmed_a_year_after_joining():
    for joined_on, confirmed_on in Member.objects.filter(category=MemberCategory.FULL).values_list(
        "joined_on", "confirmed_on"
    ):
        assert 365 <= (confirmed_on - joined_on).days <= 366


def test_mobile_members_have_a_destination_a_contact_person_and_a_last_contact():
    mobile = Member.objects.filter(is_mobile=True)
    assert mobile.count() > 100
    assert not mobile.filter(mobile_destination="").exists()
    assert not mobile.filter(mobile_contact_person="").exists()
    assert not mobile.filter(mobile_last_contact_on__isnull=True).exists()


def test_phones_are_eleven_digit_mobile_numbers():
    phones = Member.objects.exclude(phone="").values_list("phone", flat=True)
    assert all(re.fullmatch(r"1[358]\d{9}", phone) for phone in phones)


def test_some_members_without_a_job_hold_a_set_post():
    assert Member.objects.exclude(post_duty="").filter(branch__field=OrganizationField.VILLAGE).count() > 100


def test_every_member_has_a_history_row():
    history = Member.history.model.objects
    assert history.filter(history_type="+").count() == Member.objects.count()
    assert not history.filter(history_user__isnull=True).exists()


def test_each_role_has_a_demo_login_with_a_valid_password():
    for login in DEMO_LOGINS:
        user = get_user_model().objects.get(username=login.username)
        assert StaffRole.objects.filter(user=user, role=login.role).count() == 1
        assert user.check_password(login.password)
        validate_password(login.password, user)
        assert not user.is_staff and not user.is_superuser
        assert CHINESE.match(user.first_name)


def test_secretary_sees_only_own_branch():
    secretary = demo_user(Role.BRANCH_SECRETARY)
    visible = Organization.objects.restrict(secretary)
    assert visible.count() == 1
    branch = visible.get()
    assert branch.parent == seed_003_township() and branch.field == OrganizationField.VILLAGE
    assert Member.objects.restrict(secretary).count() == branch.members.count() > 0


def test_township_login_sees_exactly_its_subtree():
    township = seed_003_township()
    visible = set(Organization.objects.restrict(demo_user(Role.TOWNSHIP_STAFF)).values_list("pk", flat=True))
    assert visible == set(Organization.objects.within(township).values_list("pk", flat=True))
    assert len(visible) == 8


def test_county_admin_and_viewer_see_the_whole_county():
    for role in (Role.COUNTY_ADMIN, Role.VIEWER):
        assert Member.objects.restrict(demo_user(role)).count() == DEFAULT_MEMBERS


def test_running_again_changes_nothing_and_prints_the_logins_again():
    counts = (Organization.objects.count(), Member.objects.count(), StaffRole.objects.count())
    output = run_seed_demo(members=600)
    assert (Organization.objects.count(), Member.objects.count(), StaffRole.objects.count()) == counts
    assert COUNTY_CODE in output
    for login in DEMO_LOGINS:
        assert f"{login.username} / {login.password}" in output


# --- development records (members.demo_pipeline) ---------------------------------------------------------


def _pipeline_problems(a: Applicant, mentors: list[Member], sponsors: list[Member], today) -> list[str]:
    """Every date rule of ``members.pipeline_rules`` and ``members.services.pipeline`` a record must meet."""
    problems = []
    stage = STAGE_ORDER.index(a.stage)
    reached = {s: stage >= STAGE_ORDER.index(s) for s in ApplicantStage.values}
    dates = [a.applied_on, a.activist_on, a.political_review_on, a.training_completed_on, a.notice_started_on]
    dates += [a.candidate_on, a.pre_reviewed_on, a.assembly_on, a.approved_on, a.probation_extended_on]
    dates += [a.confirmed_on]
    if any(day is not None and day > today for day in dates):
        problems.append("a date in the future")
    if a.applied_on < rules.adult_from(a.birth_date):
        problems.append("under 18 when applying")
    for person in mentors + sponsors:
        if person.category != MemberCategory.FULL or person.status != MemberStatus.NORMAL:
            problems.append("mentor or sponsor not a full member in good standing")
        if person.branch_id != a.branch_id or person.pk == a.member_id:
            problems.append("mentor or sponsor from another branch, or the person themself")
    if mentors and not rules.MENTORS_MIN <= len(mentors) <= rules.MENTORS_MAX:
        problems.append("mentors")
    if a.status != ApplicantStatus.ACTIVE and reached[ApplicantStage.CANDIDATE]:
        problems.append("a candidate or member record closed")
    if not reached[ApplicantStage.ACTIVIST]:
        if any([a.activist_on, a.candidate_on, a.assembly_on, a.member_id]):
            problems.append("facts of later steps on an applicant")
        return problems
    if not a.activist_on or a.activist_on < a.applied_on or not mentors:
        problems.append("activist date or mentors")
    elif any(m.confirmed_on > a.activist_on for m in mentors):
        problems.append("a mentor confirmed only after the designation")
    for day in (a.political_review_on, a.training_completed_on):
        if day is not None and day < a.activist_on:
            problems.append("review or training before the activist designation")
    if not reached[ApplicantStage.CANDIDATE]:
        if a.candidate_on or a.assembly_on or a.member_id:
            problems.append("facts of later steps on an activist")
        return problems
    c = a.candidate_on
    if not c or c < rules.candidate_from_activist(a.activist_on):
        problems.append("candidate less than a year after becoming an activist")
    if not (a.political_review_on and a.political_review_on <= c):
        problems.append("political review")
    if not (a.training_completed_on and a.training_completed_on <= c):
        problems.append("training date")
    if not rules.training_is_sufficient(a.training_days, a.training_hours) or (a.training_days or 0) < 3:
        problems.append("training length")
    if not a.notice_started_on or rules.notice_over_from(a.notice_started_on) > c:
        problems.append("public notice not over")
    if a.pre_reviewed_on and a.pre_reviewed_on < c:
        problems.append("pre-review before designation")
    if a.assembly_on:
        if not (a.pre_reviewed_on and a.pre_reviewed_on <= a.assembly_on):
            problems.append("assembly without the pre-review before it")
        if len(sponsors) != rules.SPONSORS_REQUIRED or any(s.confirmed_on > c for s in sponsors):
            problems.append("sponsors")
        yes, entitled = a.votes_yes, a.votes_entitled
        if yes is None or entitled is None or yes > entitled or not rules.assembly_passes(yes, entitled):
            problems.append("vote")
    if not reached[ApplicantStage.PROBATIONARY]:
        if a.approved_on or a.member_id:
            problems.append("a candidate already admitted")
        if a.assembly_on and rules.approval_deadline(a.assembly_on) < today:
            problems.append("approval overdue")
        return problems
    if not a.assembly_on or not (a.assembly_on <= a.approved_on <= rules.approval_deadline(a.assembly_on)):
        problems.append("approval not within three months of the assembly")
    if a.probation_extension_months is not None:
        if not rules.EXTENSION_MIN_MONTHS <= a.probation_extension_months <= rules.EXTENSION_MAX_MONTHS:
            problems.append("extension length")
        if not a.assembly_on <= a.probation_extended_on < rules.probation_ends(a.assembly_on, None):
            problems.append("extension decided outside the probation")
    if reached[ApplicantStage.FULL]:
        ends = rules.probation_ends(a.assembly_on, a.probation_extension_months)
        if not a.confirmed_on or a.confirmed_on < ends:
            problems.append("confirmed before the probation ended")
    elif a.confirmed_on:
        problems.append("a probationary member confirmed")
    return problems


def test_every_development_record_satisfies_the_pipeline_rules():
    today = timezone.localdate()
    people = {}
    for name in ("mentors", "sponsors"):
        through = getattr(Applicant, name).through.objects.select_related("member")
        people[name] = defaultdict(list)
        for row in through:
            people[name][row.applicant_id].append(row.member)
    failures = {}
    for applicant in Applicant.objects.all():
        mentors, sponsors = people["mentors"][applicant.pk], people["sponsors"][applicant.pk]
        problems = _pipeline_problems(applicant, mentors, sponsors, today)
        if problems:
            failures[f"{applicant.name} {applicant.stage} {applicant.pk}"] = problems
    assert not failures, list(failures.items())[:5]


def test_development_records_pass_model_validation():
    for applicant in Applicant.objects.filter(pk__in=random.Random(5).sample(_applicant_pks(), 200)):
        applicant.full_clean()


def _applicant_pks():
    return list(Applicant.objects.values_list("pk", flat=True))


def test_every_village_and_community_branch_has_records_at_several_stages():
    stages = defaultdict(set)
    for branch_id, stage in Applicant.objects.filter(
        status=ApplicantStatus.ACTIVE, branch__field__in=RURAL
    ).values_list("branch_id", "stage"):
        stages[branch_id].add(stage)
    rural = Organization.objects.filter(field__in=RURAL)
    assert set(rural.values_list("pk", flat=True)) == set(stages)
    assert all(len(found) >= 2 for found in stages.values())
    counts = Counter(Applicant.objects.values_list("stage", "status"))
    for stage in ApplicantStage.values:
        assert counts[(stage, ApplicantStatus.ACTIVE)] >= 50, stage
    assert counts[(ApplicantStage.APPLICANT, ApplicantStatus.WITHDRAWN)] > 0
    assert counts[(ApplicantStage.ACTIVIST, ApplicantStatus.WITHDRAWN)] > 0
    assert not Applicant.objects.filter(notice_started_on__isnull=False, training_days__lt=3).exists()


def test_admitted_records_have_their_member_and_events():
    admitted = Applicant.objects.filter(stage__in=[ApplicantStage.PROBATIONARY, ApplicantStage.FULL])
    events = {
        (member_id, kind): occurred
        for member_id, kind, occurred in MemberEvent.objects.values_list("member_id", "kind", "occurred_on")
    }
    assert MemberEvent.objects.count() == len(events)  # one event of each kind per member
    for applicant in admitted.select_related("member"):
        member = applicant.member
        assert member is not None and member.branch_id == applicant.branch_id
        assert member.joined_on == applicant.assembly_on
        assert [getattr(member, f) for f in PERSON_FIELDS] == [getattr(applicant, f) for f in PERSON_FIELDS]
        assert events[(member.pk, MemberEventKind.ADMISSION)] == applicant.approved_on
        if applicant.stage == ApplicantStage.FULL:
            assert member.category == MemberCategory.FULL and member.confirmed_on == applicant.confirmed_on
            assert events[(member.pk, MemberEventKind.CONFIRMATION)] == applicant.confirmed_on
        else:
            assert member.category == MemberCategory.PROBATIONARY
            assert (member.pk, MemberEventKind.CONFIRMATION) not in events
    assert not Applicant.objects.filter(member__isnull=False).exclude(pk__in=admitted).exists()


def test_every_probationary_member_of_a_village_or_community_has_the_record_that_admitted_them():
    rural = Member.objects.filter(category=MemberCategory.PROBATIONARY, branch__field__in=RURAL)
    assert rural.count() > 100
    assert not rural.filter(development_record__isnull=True).exists()
    everyone = Member.objects.filter(category=MemberCategory.PROBATIONARY)
    assert everyone.filter(development_record__isnull=False).count() / everyone.count() > 0.9


def test_applicant_id_numbers_are_valid_local_and_never_a_members_but_their_own():
    members = dict(Member.objects.values_list("id_number", "pk"))
    rows = Applicant.objects.values_list("id_number", "birth_date", "gender", "member_id")
    for id_number, birth_date, gender, member_id in rows:
        assert idnumbers.parse(id_number) == id_number
        assert idnumbers.birth_date_of(id_number) == birth_date
        assert idnumbers.is_female(id_number) == (gender == Gender.FEMALE)
        assert members.get(id_number) == member_id
        if member_id is None:
            assert id_number.startswith(COUNTY_REGION)


def test_recent_applicants_are_young():
    today = timezone.localdate()
    recent = Applicant.objects.filter(applied_on__gte=today - timedelta(days=3 * 365))
    ages = [age_on(born, applied) for born, applied in recent.values_list("birth_date", "applied_on")]
    assert len(ages) > 500 and min(ages) >= 18
    assert 0.25 <= sum(age < 25 for age in ages) / len(ages) <= 0.5
    assert sum(age < 35 for age in ages) / len(ages) >= 0.7


def test_the_due_list_has_steps_due_now_and_next_month():
    today = timezone.localdate()
    steps = due_list(user=demo_user(Role.COUNTY_ADMIN), today=today)
    soon = today + timedelta(days=31)
    ready = Counter(step.next_stage for step in steps if step.is_ready(today))
    upcoming = Counter(step.next_stage for step in steps if today < (step.possible_from or date.max) <= soon)
    assert ready[ApplicantStage.ACTIVIST] >= 20 and ready[ApplicantStage.CANDIDATE] >= 10
    assert ready[ApplicantStage.PROBATIONARY] >= 10
    assert upcoming[ApplicantStage.CANDIDATE] >= 20  # activists whose year ends within a month
    assert upcoming[ApplicantStage.FULL] >= 10  # probations ending within a month
    deadlines = [step.deadline for step in steps if step.deadline]
    assert sum(today <= deadline <= today + timedelta(days=14) for deadline in deadlines) >= 5


def test_mentors_and_sponsors_are_in_the_first_history_row():
    history = Applicant.history.model
    assert history.objects.filter(history_type="+").count() == Applicant.objects.count()
    for name in ("mentors", "sponsors"):
        through = getattr(Applicant, name).through.objects
        historical = getattr(history, name).model.objects
        assert set(historical.values_list("applicant_id", "member_id")) == set(
            through.values_list("applicant_id", "member_id")
        )


# --- cadre posts and reserve rosters (members.demo_cadres) ------------------------------------------------


def _same_person(a: Cadre, b: Cadre) -> bool:
    if a.member_id is not None or b.member_id is not None:
        return a.member_id == b.member_id
    return (a.name, a.birth_date) == (b.name, b.birth_date)


def _overlap(a: Cadre, b: Cadre) -> bool:
    return (a.ended_on is None or a.ended_on >= b.started_on) and (
        b.ended_on is None or b.ended_on >= a.started_on
    )


def _serving(today):
    return Cadre.objects.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today), started_on__lte=today)


def test_cadre_rows_pass_model_validation_and_copy_their_member():
    for cadre in Cadre.objects.select_related("member"):
        # Foreign keys point at saved rows and the term constraint is the database's: no query per row.
        cadre.full_clean(exclude=["organization", "member"], validate_constraints=False)
        if cadre.member is not None:
            member = cadre.member
            assert (cadre.name, cadre.gender, cadre.birth_date, cadre.education) == (
                member.name,
                member.gender,
                member.birth_date,
                member.education,
            )
        else:
            assert cadre.post not in MEMBER_ONLY_POSTS and cadre.name and cadre.birth_date
    assert Cadre.history.model.objects.filter(history_type="+").count() == Cadre.objects.count()


def test_every_village_and_community_has_one_serving_holder_of_each_single_post():
    today = timezone.localdate()
    rural = set(Organization.objects.filter(field__in=RURAL).values_list("pk", flat=True))
    for post in (CadrePost.SECRETARY, CadrePost.VILLAGE_DIRECTOR, CadrePost.SUPERVISION_CHAIR):
        holders = Counter(_serving(today).filter(post=post).values_list("organization_id", flat=True))
        assert set(holders) == rural and set(holders.values()) == {1}, post
    secretaries = _serving(today).filter(post=CadrePost.SECRETARY).select_related("member")
    for secretary in secretaries:
        member = secretary.member
        assert member.branch_id == secretary.organization_id
        assert member.category == MemberCategory.FULL and member.status == MemberStatus.NORMAL


def test_single_holder_posts_never_overlap_and_some_terms_have_ended():
    rows = defaultdict(list)
    single = [CadrePost.SECRETARY, CadrePost.VILLAGE_DIRECTOR, CadrePost.SUPERVISION_CHAIR]
    for cadre in Cadre.objects.filter(post__in=[*single, CadrePost.FIRST_SECRETARY]).order_by("started_on"):
        rows[(cadre.organization_id, cadre.post)].append(cadre)
    for terms in rows.values():
        for earlier, later in pairwise(terms):
            assert earlier.ended_on is not None and earlier.ended_on < later.started_on
    ended = Cadre.objects.filter(ended_on__isnull=False)
    assert ended.filter(post=CadrePost.SECRETARY).count() >= 30
    assert ended.filter(post=CadrePost.VILLAGE_DIRECTOR).exists()


def test_the_supervision_chair_holds_no_other_post_in_the_village():
    rows = defaultdict(list)
    for cadre in Cadre.objects.all():
        rows[cadre.organization_id].append(cadre)
    for cadres in rows.values():
        for chair in (c for c in cadres if c.post == CadrePost.SUPERVISION_CHAIR):
            others = [c for c in cadres if c is not chair and _same_person(c, chair) and _overlap(c, chair)]
            assert not others, (chair, others)


def test_about_sixty_percent_of_villages_have_one_shoulder_and_the_teams_are_full():
    today = timezone.localdate()
    villages = Organization.objects.filter(field=OrganizationField.VILLAGE)
    appointments = cross_appointments(organizations=villages, on=today)
    one_shoulder = {a.organization_id for a in appointments if a.is_one_shoulder}
    assert 0.45 <= len(one_shoulder) / villages.count() <= 0.75
    posts = Counter(_serving(today).values_list("post", flat=True))
    for post in (CadrePost.BRANCH_COMMITTEE, CadrePost.VILLAGE_COMMITTEE, CadrePost.GROUP_LEADER):
        assert posts[post] >= villages.count(), post
    assert posts[CadrePost.DEPUTY_SECRETARY] and posts[CadrePost.VILLAGE_DEPUTY_DIRECTOR]
    non_members = _serving(today).filter(member__isnull=True, post__in=TWO_COMMITTEE_POSTS)
    assert non_members.count() > 50
    students = _serving(today).filter(post=CadrePost.STUDENT_OFFICIAL)
    assert students.count() >= 5 and students.filter(member__isnull=True).exists()


def test_a_quarter_of_villages_host_a_first_secretary_from_a_county_unit():
    today = timezone.localdate()
    county = Organization.objects.get(code=COUNTY_CODE)
    villages = Organization.objects.filter(field=OrganizationField.VILLAGE).count()
    serving = _serving(today).filter(post=CadrePost.FIRST_SECRETARY).select_related("member__branch")
    assert 0.15 <= serving.count() / villages <= 0.35
    assert len({c.organization_id for c in serving}) == serving.count()
    for cadre in Cadre.objects.filter(post=CadrePost.FIRST_SECRETARY).select_related("member__branch"):
        branch = cadre.member.branch
        assert branch.parent_id == county.pk and branch.field == OrganizationField.INSTITUTION
        assert cadre.organization.field == OrganizationField.VILLAGE
        assert cadre.sending_unit and branch.name.startswith(cadre.sending_unit)


def test_every_branch_of_a_township_has_an_instructor_from_the_township_organ():
    today = timezone.localdate()
    instructors = {
        c.organization_id: c
        for c in _serving(today).filter(post=CadrePost.INSTRUCTOR).select_related("member__branch")
    }
    committees = Organization.objects.filter(
        kind__in=[OrganizationKind.TOWNSHIP_COMMITTEE, OrganizationKind.STREET_COMMITTEE]
    )
    for committee in committees:
        organ_prefix = f"{committee.short_name}机关"
        branches = (
            Organization.objects.within(committee)
            .filter(kind__in=BRANCH_KINDS)
            .exclude(kind=OrganizationKind.GENERAL_BRANCH)
        )
        for branch in branches:
            if branch.short_name.startswith(organ_prefix):
                continue
            instructor = instructors[branch.pk]
            assert instructor.member.branch.short_name.startswith(organ_prefix)
            assert instructor.member.branch.path.startswith(committee.path)


def test_a_village_has_nobody_aged_35_or_less_in_its_team_while_most_do():
    today = timezone.localdate()
    villages = village_youth(
        organizations=Organization.objects.filter(field=OrganizationField.VILLAGE), on=today
    )
    without_young = [village for village in villages if not village.young_in_team]
    assert without_young, "some village team should have nobody aged 35 or under"
    assert len(without_young) <= len(villages) * 0.1


def test_every_village_keeps_a_mostly_young_reserve_roster():
    today = timezone.localdate()
    roster = defaultdict(list)
    for reserve in ReserveCadre.objects.select_related("member"):
        roster[reserve.organization_id].append(reserve)
    villages = Organization.objects.filter(field=OrganizationField.VILLAGE)
    assert set(roster) == set(villages.values_list("pk", flat=True))
    assert all(2 <= len(entries) <= 5 for entries in roster.values())
    entries = [r for entries in roster.values() for r in entries]
    in_roster = [r for r in entries if r.status == ReserveStatus.IN_ROSTER]
    young = [r for r in in_roster if age_on(r.birth_date, today) <= 35]
    assert len(young) / len(in_roster) >= 0.6
    assert len({r.source for r in entries}) == len(ReserveSource.values)
    youth = village_youth(organizations=villages, on=today)
    assert sum(village.young_reserves == 0 for village in youth) >= 3


def test_reserve_cadres_are_consistent_with_members_activists_and_posts():
    today = timezone.localdate()
    activists = set(
        Applicant.objects.filter(stage=ApplicantStage.ACTIVIST, status=ApplicantStatus.ACTIVE).values_list(
            "branch_id", "name", "birth_date"
        )
    )
    instructors = dict(
        _serving(today).filter(post=CadrePost.INSTRUCTOR).values_list("organization_id", "name")
    )
    posts = set(Cadre.objects.values_list("organization_id", "post", "name", "birth_date", "started_on"))
    statuses = Counter()
    for reserve in ReserveCadre.objects.select_related("member"):
        reserve.full_clean()
        statuses[reserve.status] += 1
        assert reserve.mentor == instructors[reserve.organization_id]
        member = reserve.member
        if member is not None:
            expected = (
                PoliticalStatus.MEMBER
                if member.category == MemberCategory.FULL
                else PoliticalStatus.PROBATIONARY
            )
            assert reserve.political_status == expected and member.branch_id == reserve.organization_id
            assert (reserve.name, reserve.birth_date, reserve.education) == (
                member.name,
                member.birth_date,
                member.education,
            )
        elif reserve.political_status == PoliticalStatus.ACTIVIST:
            assert (reserve.organization_id, reserve.name, reserve.birth_date) in activists
        else:
            assert reserve.political_status in (PoliticalStatus.LEAGUE, PoliticalStatus.MASSES)
        if reserve.status == ReserveStatus.PROMOTED:
            assert reserve.entered_on <= reserve.promoted_on <= today
            key = (
                reserve.organization_id,
                reserve.promoted_post,
                reserve.name,
                reserve.birth_date,
                reserve.promoted_on,
            )
            assert key in posts
        if reserve.status == ReserveStatus.REMOVED:
            assert reserve.entered_on <= reserve.removed_on <= today and reserve.removed_reason
    assert statuses[ReserveStatus.PROMOTED] >= 5 and statuses[ReserveStatus.REMOVED] >= 5
    assert ReserveCadre.history.model.objects.count() == ReserveCadre.objects.count()
