"""Transfer letters of the demo county (docs/transfers.md): issued letters still valid and one expired
unconfirmed (the alert), delivered and confirmed letters out of the county, and letters received into it.

A dozen letters go through the services (members/services/transfers.py), so each one and the roll follow
every rule. The letters that move the roll do so today, in branches with no meeting today, for members who
hold no post, are no reserve cadre, contact-point leader, mentor or sponsor and attended nothing today: the
meetings, trainings and contact points seeded before keep their attendees and counts consistent with the
roll. The received members join after the appraisals and quota runs were seeded, so no record names them
before they arrive."""

import random
from dataclasses import dataclass
from datetime import date
from datetime import timedelta
from decimal import Decimal

from members import idnumbers
from members.models import Applicant
from members.models import Cadre
from members.models import ContactPoint
from members.models import DuesCategory
from members.models import Education
from members.models import Meeting
from members.models import Member
from members.models import MemberCategory
from members.models import Occupation
from members.models import ReserveCadre
from members.models import Training
from members.services.dues import dues_base_declare
from members.services.transfers import letter_confirm
from members.services.transfers import letter_issue
from members.services.transfers import letter_mark_delivered
from members.services.transfers import letter_receive

from .organizations import DemoTree
from .population import OTHER_REGIONS

DESTINATIONS = (
    "广东省深圳市宝安区福永街道凤凰社区党委",
    "浙江省宁波市鄞州区某工业园区非公企业联合党支部",
    "北京市朝阳区来广营乡党委",
    "江苏省苏州市工业园区某电子公司党支部",
    "天津市滨海新区塘沽街道某社区党支部",
    "河北省石家庄市长安区建北街道党工委",
)
ORIGINS = ("河北省保定市某县某镇某村党支部", "山东省德州市某县某镇党委", "河北省邢台市某区某街道党工委")
RECEIVED_NAMES = ("韩建军", "刘晓燕", "马志刚")


@dataclass(frozen=True)
class DemoLetters:
    issued: int
    expired: int
    delivered: int
    confirmed: int
    received: int


def _movable(tree: DemoTree, today: date, count: int, rng: random.Random) -> list[Member]:
    """Full members who may leave the roll today without contradicting a seeded record."""
    path = tree.county.path
    busy = set(
        Meeting.objects.filter(held_on__gte=today, organization__path__startswith=path).values_list(
            "organization__path", flat=True
        )
    )
    names = set(Cadre.objects.exclude(member=None).values_list("member_id", flat=True))
    names |= set(ReserveCadre.objects.exclude(member=None).values_list("member_id", flat=True))
    names |= set(ContactPoint.objects.values_list("leader_id", flat=True))
    names |= set(Applicant.mentors.through.objects.values_list("member_id", flat=True))
    names |= set(Applicant.sponsors.through.objects.values_list("member_id", flat=True))
    names |= set(
        Meeting.attendees.through.objects.filter(meeting__held_on__gte=today).values_list(
            "member_id", flat=True
        )
    )
    names |= set(
        Training.member_attendees.through.objects.filter(
            training__held_on__gte=today - timedelta(days=30)
        ).values_list("member_id", flat=True)
    )
    candidates = [
        m
        for m in Member.objects.on_roll()
        .filter(branch__path__startswith=path, category=MemberCategory.FULL)
        .select_related("branch")
        .order_by("pk")[:2000]
        if m.pk not in names and not any(m.branch.path.startswith(p) for p in busy)
    ]
    return rng.sample(candidates, min(count, len(candidates)))


def _received_member(rng: random.Random, index: int) -> dict:
    while True:
        born = date(1975 + rng.randrange(20), rng.randrange(1, 13), rng.randrange(1, 29))
        number = idnumbers.build(rng.choice(OTHER_REGIONS), born, rng.randrange(1000))
        if not Member.objects.filter(id_number=number).exists():
            break
    joined = date(born.year + 24, 7, 1)
    return {
        "name": RECEIVED_NAMES[index % len(RECEIVED_NAMES)],
        "id_number": number,
        "education": rng.choice((Education.SENIOR_HIGH, Education.JUNIOR_COLLEGE, Education.BACHELOR)),
        "category": MemberCategory.FULL,
        "joined_on": joined,
        "confirmed_on": date(joined.year + 1, 7, 1),
        "occupation": rng.choice((Occupation.ENTERPRISE, Occupation.MIGRANT_WORKER, Occupation.FARMER)),
        "phone": f"139{rng.randrange(10**8):08d}",
    }


def _declare_dues_base(actor, member: Member, year_of: date) -> None:
    """A received member owes dues here from the month after the letter's "paid up to" (docs/transfers.md,
    "Dues"), so the branch declares this year's base the day they arrive, as for every member on its roll."""
    if member.occupation == Occupation.ENTERPRISE:
        amounts = {"category": DuesCategory.EMPLOYED, "income": Decimal("4200.00")}
    else:
        amounts = {"category": DuesCategory.FARMER, "farmer_amount": Decimal("0.50")}
    dues_base_declare(actor=actor, member=member, year=year_of.year, **amounts)


def _last_month(today: date) -> date:
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


def create_demo_letters_out(*, actor, tree: DemoTree, seed: int, today: date) -> list[Member]:
    """The letters out of the county, before the quota runs (the expired one is an alert). Returns the
    members who got one, whose branches receive the letters in (``create_demo_letters_in``)."""
    rng = random.Random(seed * 31 + 17)
    paid = _last_month(today)
    out = _movable(tree, today, 7, rng)
    if len(out) < 7:
        return []

    def issue(member, days_ago, **data):
        return letter_issue(
            actor=actor,
            member=member,
            to_organization_name=rng.choice(DESTINATIONS),
            issued_on=today - timedelta(days=days_ago),
            dues_paid_up_to=paid,
            **data,
        )

    issue(out[0], 3)
    issue(out[1], 1, within_city=True)
    issue(out[2], 45)  # thirty days, long past: expired unconfirmed, the alert
    letter_mark_delivered(actor=actor, letter=issue(out[3], 6), on=today)
    letter_mark_delivered(actor=actor, letter=issue(out[4], 4, within_city=True), on=today)
    letter_confirm(actor=actor, letter=issue(out[5], 12), on=today)
    letter_confirm(
        actor=actor, letter=letter_mark_delivered(actor=actor, letter=issue(out[6], 20), on=today), on=today
    )
    return out


def create_demo_letters_in(*, actor, out: list[Member], seed: int, today: date) -> DemoLetters:
    """The letters received, after the appraisals and quota runs, which judge the roll on past days: the
    received members join it today."""
    rng = random.Random(seed * 31 + 19)
    paid = _last_month(today)
    received = 0
    for index, branch in enumerate(rng.sample([m.branch for m in out], min(3, len(out)))):
        letter = letter_receive(
            actor=actor,
            to_organization=branch,
            number=f"{today.year}-{rng.randrange(10, 300):03d}",
            from_organization_name=ORIGINS[index],
            issued_on=today - timedelta(days=5 + index),
            accepted_on=today,
            dues_paid_up_to=paid,
            **_received_member(rng, index),
        )
        _declare_dues_base(actor, letter.member, today)
        received += 1
    if not out:
        return DemoLetters(0, 0, 0, 0, received)
    return DemoLetters(issued=2, expired=1, delivered=2, confirmed=2, received=received)
