import datetime as dt

import factory

from members.models import AdmissionCredit
from members.models import Member
from members.models import MemberEvent
from members.models import MemberEventKind

from .factories import MemberFactory


class MemberEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MemberEvent

    member = factory.SubFactory(MemberFactory)
    kind = MemberEventKind.STATUS_CHANGE
    occurred_on = dt.date(2020, 1, 1)
    from_status = "normal"
    to_status = "lost_contact"
    reason = "长期外出未联系"


def mobile_member(branch, **fields):
    """A migrant worker registered as a mobile member (流动党员)."""
    return MemberFactory(
        branch=branch,
        occupation="migrant_worker",
        is_mobile=True,
        mobile_destination="广东省深圳市",
        mobile_contact_person="王支书",
        mobile_last_contact_on=dt.date(2024, 5, 1),
        **fields,
    )


def transfer(member, *, from_branch, to_branch, occurred_on, **fields):
    return MemberEventFactory(
        member=member,
        kind=MemberEventKind.TRANSFER,
        occurred_on=occurred_on,
        from_branch=from_branch,
        to_branch=to_branch,
        from_status="",
        to_status="",
        **fields,
    )


def age_on(birth, day):
    """Full years on ``day``; a 29 February birthday comes on 1 March."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def admission_credits_from_facts() -> dict:
    """What ``AdmissionCredit`` must hold, worked out in Python from the members and their events:
    {member: (branch credited, year joined, age that day, education)}."""
    first_from = {}
    transfers = MemberEvent.objects.filter(kind=MemberEventKind.TRANSFER).order_by("occurred_on", "pk")
    for member, branch in transfers.values_list("member", "from_branch"):
        first_from.setdefault(member, branch)
    rows = Member.objects.values_list("pk", "branch", "joined_on", "birth_date", "education")
    return {
        pk: (first_from.get(pk) or branch, joined.year, age_on(born, joined), education)
        for pk, branch, joined, born, education in rows
    }


def admission_credits_kept() -> dict:
    rows = AdmissionCredit.objects.values_list("member", "organization", "year", "age_joined", "education")
    return {member: (branch, year, age, education) for member, branch, year, age, education in rows}
