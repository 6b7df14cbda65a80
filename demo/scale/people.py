"""Members, their admission records, cadre posts and reserve rosters, township by township; the posts and
rosters are in ``demo.scale.posts``, the state and draws they share in ``demo.scale.persons``.

``member_chunks`` drives everything: it yields the members table township by township and, as each township is
done, plans its admission records, posts, instructors, contact leaders and reserve rosters into buffers that
are loaded after the members (their lines are small; a province holds a few hundred thousand of them).
Member ids are consecutive within a branch, so later stages pick members of a branch as an id range.
"""

from datetime import date

from branches.models import OrganizationField as Field
from members import pipeline_rules as rules
from members.models import MemberEventKind
from members.models import MemberStatus
from members.models import Occupation

from ..population import MALE_SHARE
from ..population import WITHOUT_JOB
from . import pools
from .persons import AGES
from .persons import BIRTH
from .persons import EDU
from .persons import EDUCATION_BY_AGE
from .persons import FEMALE
from .persons import FULL
from .persons import GENDER
from .persons import ID
from .persons import MALE
from .persons import NAME
from .persons import OCCUPATION_BY_AGE
from .persons import PHONE
from .persons import YEAR
from .posts import Posts
from .tree import Org

# Relative branch sizes before scaling to the tier's member total; a village's follows its population.
SIZE = {
    Field.COMMUNITY: 45,
    Field.INSTITUTION: 16,
    Field.SCHOOL: 12,
    Field.PUBLIC_ENTERPRISE: 25,
    Field.PRIVATE_ENTERPRISE: 7,
    Field.COOPERATIVE: 7,
    Field.SOCIAL_ORG: 6,
}
VILLAGE_SIZE_PER_PERSON = 0.03
MIN_SIZE, MIN_ORGAN_SIZE, MIN_VILLAGE_SIZE = 3, 12, 8
# Admissions a branch makes in a year: rural branches are asked for at least one (QuotaPolicy.dev_branch_min).
RURAL_ADMISSIONS = pools.Draw({0: 12, 1: 38, 2: 30, 3: 14, 4: 6})
OTHER_ADMISSIONS = pools.Draw({0: 55, 1: 35, 2: 10})
NONE_TWO_YEARS_SHARE = 0.06  # of rural branches: no admission in either year (the two-years alert)
NEW_MEMBER_AGE = pools.Draw({(21, 24): 33, (25, 34): 39, (35, 45): 20, (46, 55): 8})
MOBILE_SHARE, LOST_CONTACT_SHARE, SET_POST_SHARE = 0.8, 0.03, 0.35


class BranchContext:
    """What every member of one branch shares, looked up once."""

    def __init__(self, people: "People", org: Org, parent: Org):
        self.org = org
        self.parent = parent
        key = org.field if org.field in AGES else None
        self.ages = AGES[key].table
        self.education = EDUCATION_BY_AGE.get(org.field, EDUCATION_BY_AGE[None])
        self.occupation = OCCUPATION_BY_AGE.get(org.field, OCCUPATION_BY_AGE[None])
        self.male_share = MALE_SHARE.get(org.field, MALE_SHARE[None])
        self.rural = org.is_rural
        self.village = org.field == Field.VILLAGE
        self.place = f"{org.county.short}{parent.short if parent is not org.county else ''}"
        self.groups = (org.natural_villages or 4) + 2

    def address(self, rnd) -> str:
        if self.village:
            return f"{self.place}{self.org.short}{int(rnd() * self.groups) + 1}组{int(rnd() * 120) + 1}号"
        building, unit = int(rnd() * 24) + 1, int(rnd() * 4) + 1
        return f"{self.place}{building}号楼{unit}单元{int(rnd() * 6) + 1}0{int(rnd() * 4) + 1}室"


class People(Posts):
    """Members and their admission records, township by township; the posts are planned as each is done."""

    # --- sizes ------------------------------------------------------------------------------------

    def size_branches(self) -> None:
        rnd = self.rnd
        holders = [org for org in self.tree.branches if org.holds_members]
        weights = {}
        for org in holders:
            if org.field == Field.VILLAGE:
                weight = org.population * VILLAGE_SIZE_PER_PERSON
            else:
                weight = SIZE.get(org.field, 8) * (0.7 + 0.6 * rnd())
            weights[org.id] = weight
        minimums = {org.id: self.minimum(org) for org in holders}
        rest = self.tier.members * len(self.tree.counties) // self.tier.counties - sum(minimums.values())
        scale = max(rest, 0) / sum(weights.values())
        shares = {key: weight * scale for key, weight in weights.items()}
        sizes = {key: minimums[key] + int(share) for key, share in shares.items()}
        leftover = self.tier.members - sum(sizes.values())
        for key in sorted(shares, key=lambda key: int(shares[key]) - shares[key])[: max(leftover, 0)]:
            sizes[key] += 1
        for org in holders:
            org.size = sizes[org.id]

    @staticmethod
    def minimum(org: Org) -> int:
        if org.township is not None and org.township.organ is org:
            return MIN_ORGAN_SIZE
        return MIN_VILLAGE_SIZE if org.field == Field.VILLAGE else MIN_SIZE

    # --- members ----------------------------------------------------------------------------------

    def member_chunks(self):
        """The members table, township by township (county units first); plans the rest as it goes."""
        self.size_branches()
        table = "members_member"
        groups: list[list[Org]] = []
        for org in self.tree.branches:
            key = org.township or org.county
            if not groups or (groups[-1][0].township or groups[-1][0].county) is not key:
                groups.append([])
            groups[-1].append(org)
        for group in groups:
            parent = group[0].township or group[0].county
            if parent.region != self.region:
                self.region, self.issued = parent.region, set()
            lines, rosters = [], {}
            for org in group:
                if not org.holds_members:
                    continue
                org.first_member = self.ids[table]
                roster = rosters[org.id] = []
                for line in self.branch_members(org, parent, roster):
                    lines.append(line)
                org.members = len(roster)
            yield "".join(lines)
            self.plan_group(group, parent, rosters)

    def branch_members(self, org: Org, parent: Org, roster: list):
        """The branch's members: newly admitted ones in the two years (with their records), the rest older."""
        rnd, T = self.rnd, self.T
        rural = org.is_rural
        new = []
        if rural and rnd() < NONE_TWO_YEARS_SHARE:
            counts = (0, 0)
        else:
            draw = RURAL_ADMISSIONS if rural else OTHER_ADMISSIONS
            counts = (draw(rnd), draw(rnd))
        for year, count in zip((self.year - 1, self.year), counts, strict=True):
            first = date(year, 1, 1).toordinal()
            last = min(date(year, 12, 31).toordinal(), T - 10)
            if last < first:
                continue
            for _ in range(count):
                new.append(self.between(first, last))
        new = new[: max(0, org.size - 3)]
        context = BranchContext(self, org, parent)
        lines = [self.member(context, roster, None) for _ in range(org.size - len(new))]
        full_ids = [m[ID] for m in roster if m[FULL]]
        org.admitted = sorted(new)
        lines += [self.member(context, roster, joined, full_ids) for joined in org.admitted]
        org.on_roll = len(roster)  # every generated member is normal or lost contact: on the roll
        return lines

    def member(self, context: "BranchContext", roster: list, joined: int | None, full_ids=None) -> str:
        """One member's line; ``joined`` is None for a member who joined before the two years."""
        rnd, T, isos, base = self.rnd, self.T, self.days._iso, self.days.first
        member_id = self.ids["members_member"]
        self.ids["members_member"] = member_id + 1
        gender = MALE if rnd() < context.male_share else FEMALE
        if joined is None:
            low, high = context.ages[int(rnd() * pools.TABLE_SIZE)]
            age = low + int(rnd() * (high - low + 1))
            birth = T - int(age * YEAR) - int(rnd() * 365)
            join_age = 18 + int(rnd() * max(1, min(27, age - 20)))
            joined = min(birth + int(join_age * YEAR) + int(rnd() * 365), self.window - 1)
            joined = max(joined, birth + int(18 * YEAR) + 2)
            full, confirmed = True, rules.years_after(date.fromordinal(joined), 1).toordinal()
            education = context.education[min(age, 120)][int(rnd() * pools.TABLE_SIZE)]
        else:
            low, high = NEW_MEMBER_AGE(rnd)
            join_age = low + int(rnd() * (high - low + 1))
            birth = joined - int(join_age * YEAR) - int(rnd() * 365)
            age = int((T - birth) / YEAR)
            confirmed = rules.years_after(date.fromordinal(joined), 1).toordinal()
            full = confirmed <= T
            if not full:
                confirmed = None
            education = (pools.NEW_EDUCATION_YOUNG if join_age < 35 else pools.NEW_EDUCATION_OLDER)(rnd)
        occupation = context.occupation[min(age, 120)][int(rnd() * pools.TABLE_SIZE)]
        if context.village and full and 28 <= age <= 62 and rnd() < 0.12:
            occupation = Occupation.VILLAGE_CADRE
        name = self.names.draw(rnd, gender, self.year - age)
        id_number = self.id_number(context.parent, birth, gender)
        phone = "" if age >= 80 and rnd() < 0.4 else pools.phone(rnd)
        status, mobile, destination, contact, last_contact, duty = MemberStatus.NORMAL, "f", "", "", "\\N", ""
        if occupation == Occupation.MIGRANT_WORKER and rnd() < MOBILE_SHARE:
            mobile = "t"
            destination = pools.DESTINATION(rnd)
            contact = self.names.draw(rnd, MALE, 1965)
            if rnd() < LOST_CONTACT_SHARE:
                status = MemberStatus.LOST_CONTACT
                last_contact = isos[T - 200 - int(rnd() * 501) - base]
            else:
                last_contact = isos[T - 1 - int(rnd() * 90) - base]
        elif context.rural and full and occupation in WITHOUT_JOB and age <= 75 and rnd() < SET_POST_SHARE:
            duty = pools.POST_DUTY(rnd)
        record = (
            member_id,
            name,
            gender,
            birth,
            education,
            phone,
            full,
            full and mobile == "f" and status == "normal",
            joined,
        )
        roster.append(record)
        ethnicity, address = pools.ETHNICITY(rnd), context.address(rnd)
        if full_ids is not None:
            person = (id_number, ethnicity, occupation, address)
            self.admission(context.org, record, person, joined, confirmed, full_ids)
        return (
            f"{member_id}\t1\t{self.now}\t{self.now}\t{name}\t{gender}\t{ethnicity}\t{id_number}\t"
            f"{isos[birth - base]}\t{education}\t{'full' if full else 'probationary'}\t{context.org.id}\t"
            f"{isos[joined - base]}\t{self.iso(confirmed)}\t{occupation}\t{phone}\t{address}\t"
            f"{mobile}\t{destination}\t{contact}\t{last_contact}\t{duty}\t{status}\n"
        )

    def id_number(self, parent: Org, birth: int, gender: str) -> str:
        rnd = self.rnd
        parity = 1 if gender == MALE else 0
        while True:
            sequence = int(rnd() * 499) * 2 + parity + (2 if parity == 0 else 0)  # 001-999, never 000
            key = birth * 1000 + sequence
            if key not in self.issued:
                self.issued.add(key)
                return self.days.id_number(parent.region, parent.region_sum, birth, sequence)

    # --- admission records ------------------------------------------------------------------------

    def admission(self, org: Org, member: tuple, person: tuple, joined: int, confirmed, full_ids: list[int]):
        """The development record that admitted a new member (assembly on the day they joined), its mentors
        and sponsors, and the admission (and confirmation) events."""
        between, iso, now = self.between, self.days.iso, self.now
        pre_reviewed = joined - between(2, 20)
        candidate = pre_reviewed - between(5, 40)
        notice = candidate - between(10, 21)
        political = notice - between(1, 30)
        trained = notice - between(1, 60)
        activist = rules.years_after(date.fromordinal(candidate), -1).toordinal() - between(1, 150)
        activist = min(activist, trained - 1, political - 1)
        applied = activist - between(20, 300)
        approved = joined + between(5, min(80, self.T - joined))
        training_days = (3, 3, 3, 4, 5)[int(self.rnd() * 5)]
        entitled = max(len(full_ids), 1)
        yes = max(entitled // 2 + 1, entitled - between(0, 3))
        applicant_id = self.next_id("members_applicant")
        stage = "full" if confirmed else "probationary"
        id_number, ethnicity, occupation, address = person
        self.applicants.append(
            f"{applicant_id}\t1\t{now}\t{now}\t{org.id}\t{member[NAME]}\t{member[GENDER]}\t{ethnicity}\t"
            f"{id_number}\t{iso(member[BIRTH])}\t{member[EDU]}\t{occupation}\t{member[PHONE]}\t{address}\t{stage}\tactive\t{iso(applied)}\t{iso(activist)}\t{iso(political)}\t"
            f"{iso(trained)}\t{training_days}\t{training_days * 8}\t{iso(notice)}\t{iso(candidate)}\t"
            f"{iso(pre_reviewed)}\t{iso(joined)}\t{entitled}\t{yes}\t{iso(approved)}\t\\N\t\\N\t"
            f"{self.iso(confirmed)}\t{member[ID]}\t\n"
        )
        sample = self.rng.sample
        for mentor in sample(full_ids, min(len(full_ids), 1 + (self.rnd() < 0.4))):
            self.mentors.append(f"{self.next_id('members_applicant_mentors')}\t{applicant_id}\t{mentor}\n")
        for sponsor in sample(full_ids, min(len(full_ids), rules.SPONSORS_REQUIRED)):
            self.sponsors.append(f"{self.next_id('members_applicant_sponsors')}\t{applicant_id}\t{sponsor}\n")
        event = self.next_id("members_memberevent")
        self.events.append(
            f"{event}\t{member[ID]}\t{MemberEventKind.ADMISSION}\t{iso(approved)}\t\\N\t{org.id}\t\t\t\t\\N\t{now}\n"
        )
        if confirmed:
            event = self.next_id("members_memberevent")
            self.events.append(
                f"{event}\t{member[ID]}\t{MemberEventKind.CONFIRMATION}\t{iso(confirmed)}\t\\N\t\\N\t\t\t\t\\N\t"
                f"{now}\n"
            )
