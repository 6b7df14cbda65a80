"""``manage.py seed_demo`` at its default size, seeded once for the module and rolled back afterwards."""

import random
import re
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.management import call_command
from django.db import transaction

from branches.demo import COUNTY_CODE, DEMO_LOGINS, SEED_003_TOWNSHIP
from branches.models import Organization, OrganizationField, OrganizationKind, StaffRole
from branches.roles import Role
from members import idnumbers
from members.demo import DEFAULT_MEMBERS
from members.models import Gender, Member, MemberCategory

pytestmark = pytest.mark.django_db

CHINESE = re.compile(r"^[\u4e00-\u9fff]+$")


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
