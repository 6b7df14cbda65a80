import datetime as dt
import functools

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from branches.models import Organization
from branches.models import OrganizationField
from branches.models import OrganizationKind
from branches.models import StaffRole
from branches.scope.roles import Role
from members import idnumbers
from members.models import Education
from members.models import Gender
from members.models import Member
from members.models import MemberCategory
from members.models import Occupation
from members.pipeline_rules import adult_from
from members.pipeline_rules import probation_ends

PASSWORD = "Secret-pass-1"


@functools.cache
def hashed_password(raw: str) -> str:
    return make_password(raw)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"用户{n}")
    # Stored already hashed: one insert per user, where set_password would save twice and record the
    # password in the history (branches/passwords.py), for every user of every test's world.
    password = factory.LazyFunction(lambda: hashed_password(PASSWORD))


class OrganizationFactory(factory.django.DjangoModelFactory):
    """Builds the materialized path exactly as branches.services.organization_create does."""

    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"第{n}党支部")
    code = factory.Sequence(lambda n: f"ORG{n:05d}")
    kind = OrganizationKind.BRANCH
    field = OrganizationField.VILLAGE
    parent = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        organization = model_class(*args, **kwargs)
        organization.path = f"tmp-{organization.code}"
        organization.save()
        parent_path = organization.parent.path if organization.parent else "/"
        organization.path = f"{parent_path}{organization.pk}/"
        Organization.objects.filter(pk=organization.pk).update(path=organization.path)
        return organization


class StaffRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffRole

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Role.VIEWER


def id_number_for(birth_date: dt.date, sequence: int, region: str = "130123") -> str:
    return idnumbers.build(region, birth_date, sequence % 1000)


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    name = factory.Sequence(lambda n: f"党员{n}")
    birth_date = factory.Sequence(lambda n: dt.date(1960, 1, 1) + dt.timedelta(days=n))
    id_number = factory.LazyAttributeSequence(lambda o, n: id_number_for(o.birth_date, 2 * n + 1))
    gender = factory.LazyAttribute(
        lambda o: Gender.FEMALE if idnumbers.is_female(o.id_number) else Gender.MALE
    )
    education = Education.JUNIOR_HIGH
    category = MemberCategory.FULL
    branch = factory.SubFactory(OrganizationFactory)
    # A consistent record (Member.clean): joined at 18 or older, a full member confirmed when the year of
    # probation ends, a probationary one not yet.
    joined_on = factory.LazyAttribute(lambda o: max(dt.date(2000, 7, 1), adult_from(o.birth_date)))
    confirmed_on = factory.LazyAttribute(
        lambda o: probation_ends(o.joined_on, None) if o.category == MemberCategory.FULL else None
    )
    occupation = Occupation.FARMER
