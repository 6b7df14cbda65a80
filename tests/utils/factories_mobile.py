"""Members working away and the branch's contacts with them, for the mobile-member tests
(docs/mobile-members.md)."""

import datetime as dt

from members.models import ContactWay
from members.services.mobile import away_contact_record
from members.services.mobile import away_record_start

from .factories import MemberFactory


def send_away(
    actor, member=None, *, branch=None, left_on=dt.date(2025, 3, 1), destination="江苏省苏州市", **data
):
    member = member or MemberFactory(branch=branch, joined_on=dt.date(2010, 1, 1))
    data.setdefault("work_unit", "苏州某电子厂")
    data.setdefault("contact_name", "王芳")
    data.setdefault("contact_phone", "13800001234")
    data.setdefault("host_organization", "苏州工业园区流动党员党支部")
    return away_record_start(actor=actor, member=member, destination=destination, left_on=left_on, **data)


def contact(actor, away, contacted_on, way=ContactWay.PHONE, note="问候近况"):
    return away_contact_record(actor=actor, away=away, contacted_on=contacted_on, way=way, note=note)
