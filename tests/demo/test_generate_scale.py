"""``manage.py generate_scale``: the tiny tier on the test database, generated once for the module and rolled
back afterwards: plausible volumes, valid rows, consistent references, determinism, and the refusal to write
into a database that already holds data."""

import random
from collections import Counter
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError
from django.core.management import call_command
from django.db import connection
from django.db import transaction
from django.db.models import Exists
from django.db.models import F
from django.db.models import OuterRef

from branches.models import ActivityRoom
from branches.models import FinancialDisclosure
from branches.models import Organization
from branches.models import OrganizationKind
from branches.models import ReviewRecord
from branches.models import StandardizedRoomTarget
from demo.scale import ScaleError
from demo.scale import generate
from demo.scale import loader
from demo.scale.tree import GENERATED_PREFIX
from members.models import Applicant
from members.models import Cadre
from members.models import CadrePost
from members.models import ContactPoint
from members.models import Meeting
from members.models import Member
from members.models import MemberEvent
from members.models import ReserveCadre
from members.models import StudyRecord
from members.models import Training
from members.models import TrainingLevel
from members.models import TrainingTally
from members.models import VisitLog
from members.models import VisitTally
from members.selectors.cadres import TWO_COMMITTEE_POSTS
from members.selectors.cadres import village_youth
from members.selectors.roster import roll_on
from members.services.cadre_records import contact_point_check
from members.services.cadres import cadre_check
from tests.utils.factories import OrganizationFactory
from tests.utils.factories_activities import meeting_tallies_from_facts
from tests.utils.factories_activities import meeting_tallies_kept
from tests.utils.factories_activities import training_tallies_from_facts
from tests.utils.factories_activities import training_tallies_kept
from tests.utils.factories_roster import admission_credits_from_facts
from tests.utils.factories_roster import admission_credits_kept
from tests.utils.factories_visits import counted_from_logs
from tests.utils.factories_visits import kept

# One worker runs the whole module, so the tiny tier is generated once (``make test`` runs on pytest-xdist).
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("generate-scale")]

SAMPLED_MODELS = (
    Organization, Member, Applicant, MemberEvent, Cadre, ReserveCadre, VisitLog, StudyRecord, Training,
    Meeting, ReviewRecord, FinancialDisclosure, ActivityRoom, StandardizedRoomTarget, ContactPoint,
)  # fmt: skip
LEVEL_OF_KIND = {
    OrganizationKind.COUNTY_COMMITTEE: TrainingLevel.COUNTY,
    OrganizationKind.TOWNSHIP_COMMITTEE: TrainingLevel.TOWNSHIP,
    OrganizationKind.STREET_COMMITTEE: TrainingLevel.TOWNSHIP,
    OrganizationKind.BRANCH: TrainingLevel.VILLAGE,
    OrganizationKind.JOINT_BRANCH: TrainingLevel.VILLAGE,
}


@pytest.fixture(scope="module")
def tiny(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield generate(tier="tiny", seed=7)
        transaction.set_rollback(True)


def test_volumes_are_those_of_the_tiny_tier(tiny):
    assert Organization.objects.filter(kind=OrganizationKind.COUNTY_COMMITTEE).count() == 1
    assert Organization.objects.filter(kind__in=["township_committee", "street_committee"]).count() == 3
    branches = Organization.objects.filter(kind__in=["branch", "joint_branch", "general_branch"]).count()
    assert branches == 15
    assert Member.objects.count() == 500
    counts = {model: model.objects.count() for model in SAMPLED_MODELS}
    assert all(counts.values()), counts
    assert 60 <= counts[Cadre] <= 160
    assert 2_000 <= counts[VisitLog] <= 8_000
    assert 250 <= counts[Training] <= 350
    assert 450 <= counts[Meeting] <= 750
    assert tiny.rows["members"] == 500 and tiny.rows["visits"] == counts[VisitLog]
    assert tiny.total_seconds < 3, f"the tiny tier should take under 3 s, took {tiny.total_seconds:.1f} s"


def test_every_path_is_the_parents_path_and_the_id(tiny):
    organizations = {org.pk: org for org in Organization.objects.all()}
    for org in organizations.values():
        parent = organizations.get(org.parent_id)
        assert org.path == f"{parent.path if parent else '/'}{org.pk}/"
        assert org.code.startswith(GENERATED_PREFIX)


def test_a_sample_of_every_model_passes_full_clean(tiny):
    rng = random.Random(3)
    for model in SAMPLED_MODELS:
        pks = list(model.objects.values_list("pk", flat=True))
        for obj in model.objects.filter(pk__in=rng.sample(pks, min(25, len(pks)))):
            try:
                obj.full_clean()
            except ValidationError as error:  # pragma: no cover - the message is the point
                pytest.fail(f"{model.__name__} {obj.pk}: {error.message_dict}")


def test_every_post_follows_the_cadre_rules(tiny):
    for cadre in Cadre.objects.select_related("organization", "member__branch"):
        try:
            cadre_check(cadre)
        except ValidationError as error:  # pragma: no cover
            pytest.fail(f"{cadre} ({cadre.pk}): {error.message_dict}")


def test_every_post_holder_had_joined_when_the_term_started(tiny):
    """Beyond the branch posts' roll rule: first secretaries and instructors too were members by then."""
    held = Cadre.objects.filter(member__isnull=False)
    assert held.exists() and not held.filter(member__joined_on__gt=F("started_on")).exists()


def test_every_contact_point_follows_its_rules(tiny):
    points = ContactPoint.objects.select_related("organization", "leader")
    assert points.exists()
    for point in points:
        try:
            contact_point_check(point)
        except ValidationError as error:  # pragma: no cover
            pytest.fail(f"{point} ({point.pk}): {error.message_dict}")


def test_every_trained_member_was_on_the_organizers_roll_on_the_first_day(tiny):
    attendees = Training.member_attendees.through.objects
    on_roll = roll_on(OuterRef("training__organizer__path"), OuterRef("training__held_on"))
    assert attendees.exists()
    assert not attendees.exclude(Exists(on_roll.filter(pk=OuterRef("member_id")))).exists()


def test_references_agree(tiny):
    assert not VisitLog.objects.exclude(organization_id=F("cadre__organization_id")).exists()
    assert not StudyRecord.objects.exclude(organization_id=F("cadre__organization_id")).exists()
    for training in Training.objects.select_related("organizer"):
        assert training.level == LEVEL_OF_KIND[training.organizer.kind], training
    members = Training.member_attendees.through.objects
    assert members.exists()
    assert not members.exclude(member__branch__path__startswith=F("training__organizer__path")).exists()
    cadres = Training.cadre_attendees.through.objects
    assert cadres.exists()
    assert not cadres.exclude(cadre__organization__path__startswith=F("training__organizer__path")).exists()
    for visit in VisitLog.objects.all()[:2000]:
        assert visit.household_key == VisitLog.key_for(visit.village_group, visit.household_name)
    for applicant in Applicant.objects.select_related("member"):
        assert applicant.member.joined_on == applicant.assembly_on
        assert applicant.id_number == applicant.member.id_number
        assert applicant.sponsors.count() == 2
    for point in ContactPoint.objects.select_related("leader__branch", "organization"):
        township_path = "/".join(point.organization.path.split("/")[:3]) + "/"
        assert point.leader.branch.path.startswith(township_path)


def test_every_indicator_has_both_outcomes(tiny):
    """Over the county, the shapes the quota engine needs: branches with and without admissions, cadres above
    and below 50 households, young and old reserve rosters and teams."""
    year = tiny.today.year
    admissions = Counter(Member.objects.filter(joined_on__year=year).values_list("branch_id", flat=True))
    rural = Organization.objects.filter(field__in=["village", "community"])
    assert any(admissions[org.pk] for org in rural)
    households = Counter()
    for cadre_id, key in VisitLog.objects.filter(visited_on__year=year - 1).values_list(
        "cadre_id", "household_key"
    ):
        households[cadre_id, key] += 1
    per_cadre = Counter(cadre_id for cadre_id, _key in households)
    assert max(per_cadre.values()) >= 50
    assert len(per_cadre) >= 20
    youth = list(village_youth(organizations=rural, on=tiny.today))
    assert any(village.young_reserves for village in youth)
    assert any(village.young_in_team for village in youth)
    serving = Cadre.objects.serving_on(tiny.today).filter(
        post__in=TWO_COMMITTEE_POSTS, organization__in=rural
    )
    assert serving.filter(post=CadrePost.SECRETARY).count() == rural.count()


def test_the_same_seed_gives_the_same_digest(tiny):
    again = generate(tier="tiny", seed=7, replace=True)
    assert again.deleted == "delete" or connection.vendor == "postgresql"
    assert again.digest == tiny.digest
    assert again.rows == tiny.rows
    other = generate(tier="tiny", seed=8, replace=True)
    assert other.digest != tiny.digest


def test_refuses_a_database_with_data_unless_replace(tiny):
    with pytest.raises(CommandError, match="--replace"):
        call_command("generate_scale", "--tier", "tiny", stdout=StringIO())
    with pytest.raises(ScaleError):
        generate(tier="tiny")
    own = OrganizationFactory(name="自建县委", code="OWN1", kind=OrganizationKind.COUNTY_COMMITTEE, field="")
    out = StringIO()
    call_command("generate_scale", "--tier", "tiny", "--seed", "7", "--replace", stdout=out)
    assert Organization.objects.filter(pk=own.pk).exists()
    assert "Digest" in out.getvalue() or "摘要" in out.getvalue()
    assert (
        Organization.objects.filter(code__startswith=GENERATED_PREFIX).count() == tiny.rows["organizations"]
    )


def test_refuses_the_demo_county_too(tiny):
    OrganizationFactory(name="坝北县委", code="C01", kind=OrganizationKind.COUNTY_COMMITTEE, field="")
    with pytest.raises(ScaleError, match="--replace"):
        generate(tier="tiny")


def test_the_tallies_equal_a_count_of_the_facts_after_a_bulk_load(tiny, monkeypatch):
    """PostgreSQL's bulk path loads the facts that tallies are kept from with their triggers off and
    counts the tallies afterwards (demo/scale/loader.py), after emptying the previous dataset's facts and
    tallies; SQLite's keeps them row by row."""
    monkeypatch.setattr(loader, "BULK_ROWS", 0)  # every table, the tiny tier too
    generate(tier="tiny", seed=7, replace=True)
    assert VisitTally.objects.exists() and TrainingTally.objects.exists()
    assert kept() == counted_from_logs()
    assert training_tallies_kept() == training_tallies_from_facts()
    assert meeting_tallies_kept() == meeting_tallies_from_facts()
    assert admission_credits_kept() == admission_credits_from_facts()


def test_the_tallies_equal_a_count_of_the_facts_after_replacing_a_dataset(tiny):
    """Replacing empties the previous facts (by TRUNCATE on PostgreSQL, which fires no trigger) and their
    tallies with them; the new facts are then counted as they are written."""
    generate(tier="tiny", seed=7, replace=True)
    assert kept() == counted_from_logs()
    assert training_tallies_kept() == training_tallies_from_facts()
    assert meeting_tallies_kept() == meeting_tallies_from_facts()
    assert admission_credits_kept() == admission_credits_from_facts()
