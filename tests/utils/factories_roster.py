import datetime as dt

import factory

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
