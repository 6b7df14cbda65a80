"""Members working away in the demo county (docs/mobile-members.md): an open spell for every mobile member
the roster marked, with the branch's contacts every one to three months up to the roster's last contact
(those lost contact with, silent for more than six months), some spells already over, and one village where
more than half the members work away. Bulk-created, with their history."""

import random
from dataclasses import dataclass
from datetime import date
from datetime import timedelta

from simple_history.utils import bulk_create_with_history

from branches.models import RURAL_FIELDS
from members.models import ON_ROLL
from members.models import AwayContact
from members.models import AwayRecord
from members.models import ContactWay
from members.models import Member

from .members import BATCH_SIZE
from .members import DESTINATIONS
from .organizations import DemoTree

AWAY_VILLAGE_SHARE = 0.6  # "one reported 60% of 38 members away"
RETURNED_SHARE = 0.15  # mobile members who came back once before leaving again
WAYS = [ContactWay.PHONE] * 5 + [ContactWay.MESSAGE] * 4 + [ContactWay.VISIT, ContactWay.LETTER]
NOTES = ("电话问候，工作稳定", "微信视频，参加流入地组织生活", "春节返乡座谈", "寄送学习资料", "了解务工情况")
UNITS = ("电子厂", "建筑工地", "物流公司", "餐饮店", "服装厂", "家政服务公司")


@dataclass
class DemoMobile:
    spells: int
    contacts: int
    village: str


def _away_village(tree: DemoTree, members: list[Member]):
    """The village branch with the most members away already: it becomes the one with most of them away."""
    by_branch = {}
    for member in members:
        by_branch.setdefault(member.branch_id, []).append(member)
    villages = [
        b for b in tree.member_branches if b.field in RURAL_FIELDS and len(by_branch.get(b.pk, ())) >= 20
    ]
    village = max(villages, key=lambda b: (sum(m.is_mobile for m in by_branch[b.pk]), -b.pk))
    return village, by_branch[village.pk]


def create_demo_mobile(*, actor, tree: DemoTree, seed: int, today: date) -> DemoMobile:
    rng = random.Random(seed * 31 + 17)
    members = list(
        Member.objects.filter(branch__path__startswith=tree.county.path, status__in=ON_ROLL).order_by("pk")
    )
    village, roster = _away_village(tree, members)
    wanted = int(len(roster) * AWAY_VILLAGE_SHARE) + 1
    for member in rng.sample(
        [m for m in roster if not m.is_mobile], max(0, wanted - sum(m.is_mobile for m in roster))
    ):
        member.is_mobile = True
        member.mobile_destination = rng.choice(DESTINATIONS)
        member.mobile_last_contact_on = today - timedelta(days=rng.randint(1, 90))
    mobile = [m for m in members if m.is_mobile]
    contact_people = [m.name for m in roster if not m.is_mobile] or ["王建国"]
    spells, contacts = [], []
    for member in mobile:
        member.mobile_contact_person = member.mobile_contact_person or rng.choice(contact_people)
        last = member.mobile_last_contact_on or today - timedelta(days=rng.randint(1, 90))
        left_on = max(member.joined_on, last - timedelta(days=rng.randint(60, 1500)))
        last = max(last, left_on)  # joined after the roster's last contact: first contacted the day they left
        if rng.random() < RETURNED_SHARE and (left_on - member.joined_on).days > 800:
            before = left_on - timedelta(days=rng.randint(400, 700))
            spells.append(_spell(rng, member, before, left_on - timedelta(days=rng.randint(30, 90)), actor))
        spell = _spell(rng, member, left_on, None, actor)
        spells.append(spell)
        member.mobile_last_contact_on = day = last
        while day >= left_on:
            contacts.append((spell, day))
            day -= timedelta(days=rng.randint(30, 95))
    Member.objects.bulk_update(
        mobile,
        ["is_mobile", "mobile_destination", "mobile_contact_person", "mobile_last_contact_on"],
        BATCH_SIZE,
    )
    bulk_create_with_history(spells, AwayRecord, batch_size=BATCH_SIZE, default_user=actor)
    rows = [
        AwayContact(
            away=spell, contacted_on=day, way=rng.choice(WAYS), note=rng.choice(NOTES), recorded_by=actor
        )
        for spell, day in contacts
    ]
    bulk_create_with_history(rows, AwayContact, batch_size=BATCH_SIZE, default_user=actor)
    return DemoMobile(spells=len(spells), contacts=len(rows), village=village.name)


def _spell(rng, member: Member, left_on: date, back_on, actor) -> AwayRecord:
    city = member.mobile_destination or rng.choice(DESTINATIONS)
    return AwayRecord(
        member=member,
        destination=city,
        work_unit=f"{city[-3:]}{rng.choice(UNITS)}",
        contact_name=member.mobile_contact_person,
        contact_phone=f"139{rng.randint(10000000, 99999999)}",
        host_organization=f"{city}流动党员党支部" if rng.random() < 0.7 else "",
        left_on=left_on,
        back_on=back_on,
        recorded_by=actor,
    )
