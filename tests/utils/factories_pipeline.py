import datetime as dt

import factory

from members import idnumbers
from members.models import Applicant
from members.models import ApplicantStage
from members.models import Education
from members.models import Gender
from members.models import Occupation

from .factories import MemberFactory
from .factories import OrganizationFactory
from .factories import id_number_for


class ApplicantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Applicant

    branch = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"申请人{n}")
    birth_date = dt.date(1995, 4, 12)
    id_number = factory.LazyAttributeSequence(
        lambda o, n: idnumbers.build("130124", o.birth_date, (2 * n + 1) % 1000)
    )
    gender = Gender.MALE
    education = Education.SENIOR_HIGH
    occupation = Occupation.FARMER
    stage = ApplicantStage.APPLICANT
    applied_on = dt.date(2022, 3, 1)


def registration(branch, *, birth=dt.date(1999, 1, 1), sequence=22, **data) -> dict:
    """An application to join ``branch`` as the API takes it: 李华, a farmer with a bachelor's degree,
    applied on 5 January 2024, the ID number of ``birth`` and ``sequence`` (an even one: a woman's); ``data``
    overrides or adds. Gender and birth date left out are read from the ID number."""
    return {
        "branch": branch.pk,
        "name": "李华",
        "id_number": id_number_for(birth, sequence),
        "education": "bachelor",
        "occupation": "farmer",
        "applied_on": "2024-01-05",
        **data,
    }


def activist(**kwargs):
    defaults = {"stage": ApplicantStage.ACTIVIST, "activist_on": dt.date(2022, 9, 1)}
    return ApplicantFactory(**{**defaults, **kwargs})


def candidate(**kwargs):
    defaults = {
        "stage": ApplicantStage.CANDIDATE,
        "activist_on": dt.date(2022, 9, 1),
        "political_review_on": dt.date(2023, 8, 1),
        "training_completed_on": dt.date(2023, 8, 20),
        "training_days": 3,
        "notice_started_on": dt.date(2023, 9, 4),
        "candidate_on": dt.date(2023, 9, 20),
    }
    return ApplicantFactory(**{**defaults, **kwargs})


def admitted(stage=ApplicantStage.PROBATIONARY, **kwargs):
    """A record past admission (and, with ``stage=FULL``, confirmation) holding every fact its steps record,
    as the steps would have checked them: 16 of 30 votes, one mentor, two sponsors."""
    defaults = {
        "pre_reviewed_on": dt.date(2023, 10, 9),
        "assembly_on": dt.date(2023, 10, 20),
        "votes_entitled": 30,
        "votes_yes": 16,
        "approved_on": dt.date(2023, 12, 1),
        **({"confirmed_on": dt.date(2024, 10, 20)} if stage == ApplicantStage.FULL else {}),
    }
    applicant = candidate(**{**defaults, **kwargs, "stage": stage})
    applicant.mentors.set([MemberFactory(branch=applicant.branch)])
    applicant.sponsors.set([MemberFactory(branch=applicant.branch) for _ in range(2)])
    return applicant
