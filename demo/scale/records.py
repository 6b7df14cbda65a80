"""The records the quota engine reads, for the previous year and the current year up to the generation day:
visit logs, study records, trainings and their attendees, meetings, reports and reviews, financial
disclosures, activity rooms and their township targets, contact points.

Volumes follow the tier (design §9); shapes follow the indicators of design §5 so that each has organizations
that meet it and organizations that fall short.
"""

import bisect
import random
from datetime import date

from members.models import MeetingKind, TrainingAudience, TrainingLevel

from . import pools
from .people import People
from .tree import Org, Tree

CHUNK_LINES = 20000
# Visit logs: how many distinct households a two-committee person visits in a full year (≥50 asked, seed 000).
VISIT_PROFILES = pools.Draw({(50, 66): 78, (25, 49): 17, (0, 12): 5})
BASE_REPEAT = 1.08  # visits per distinct household when the tier does not fix the volume
# Meetings: how fully a branch keeps its "three meetings and one lecture": the complete ones hold every
# meeting, the others a share of them (scaled to the tier's volume).
MEETING_PROFILES = pools.Draw({(1.0, 1.0): 30, (0.35, 0.8): 30, (0.05, 0.3): 40})
MONTHLY = (MeetingKind.COMMITTEE, MeetingKind.GROUP, MeetingKind.THEME_DAY)
QUARTERLY = (MeetingKind.ASSEMBLY, MeetingKind.LECTURE)
YEARLY = (MeetingKind.LIFE_MEETING, MeetingKind.APPRAISAL)
SECRETARY_TRAININGS = pools.Draw({0: 12, 1: 55, 2: 33})  # centralized trainings a secretary attends in a year
MEMBER_ATTENDEES_PER_BRANCH = 40  # training attendance rows per branch over the two years (M2M kept sane)
Audience = TrainingAudience


class Chunks:
    """Lines gathered into strings of CHUNK_LINES lines: cheap to keep in memory, ready for the loader."""

    def __init__(self):
        self.chunks: list[str] = []
        self.lines: list[str] = []
        self.flushed = 0

    @property
    def count(self) -> int:
        return self.flushed + len(self.lines)

    def add(self, line: str) -> None:
        self.lines.append(line)
        if len(self.lines) >= CHUNK_LINES:
            self.flush()

    def flush(self) -> None:
        if self.lines:
            self.chunks.append("".join(self.lines))
            self.flushed += len(self.lines)
            self.lines = []

    def __iter__(self):
        self.flush()
        yield from self.chunks


class Records:
    def __init__(self, *, tree: Tree, people: People, tier, rng: random.Random, names: pools.Names):
        self.tree = tree
        self.people = people
        self.tier = tier
        self.rng = rng
        self.rnd = rng.random
        self.names = names
        self.days = people.days
        self.now = people.now
        self.T = people.T
        year = people.year
        self.years = [
            (year - 1, date(year - 1, 1, 1).toordinal(), date(year - 1, 12, 31).toordinal()),
            (year, date(year, 1, 1).toordinal(), self.T),
        ]
        self.ids = people.ids
        self.between = people.between
        self.rural = [org for org in tree.branches if org.is_rural]
        self.notes: dict[str, str] = {}
        self.rotation: dict[int, int] = {}  # branch id -> the next member to call to a training

    def next_id(self, table: str) -> int:
        value = self.ids[table]
        self.ids[table] = value + 1
        return value

    def day(self, first: int, last: int) -> str:
        return self.days.iso(self.between(first, last))

    # --- visit logs -------------------------------------------------------------------------------

    def visit_plan(self):
        """(org, post id, [(year start, year end, distinct households)]) for every two-committee person, and
        the number of visits per distinct household that brings the total to the tier's volume."""
        rnd = self.rnd
        plan, expected = [], 0.0
        for org in self.rural:
            for post_id, started, ended, _birth in org.persons:
                low, high = VISIT_PROFILES(rnd)
                target = self.between(low, high)
                spans = []
                for _year, first, last in self.years:
                    start, end = max(first, started), min(last, ended if ended is not None else last)
                    if end < start:
                        continue
                    share = (end - start + 1) / 365
                    spans.append((start, end, target * share))
                    expected += target * share
                plan.append((org, post_id, spans))
        volume = self.tier.visits
        if volume is None or expected == 0:
            return plan, 1.0, BASE_REPEAT
        ratio = volume / expected
        if ratio >= 1.02:
            return plan, 1.0, ratio
        return plan, ratio / 1.02, 1.02

    def visit_chunks(self):
        """Each person's visits for each year they served: ``distinct`` households of their village drawn
        without repetition, then repeat visits to some of them; a quarter raise a concern, half of those
        resolved. The hot loop of the whole generation: keep it lean."""
        plan, scale, repeat = self.visit_plan()
        self.notes["visits"] = f"{scale:.3f} of the base households, {repeat:.3f} visits per household"
        rnd, now, T = self.rnd, self.now, self.T
        isos, base = self.days._iso, self.days.first
        heads = self.names.households
        concerns, follow_ups = pools.CONCERNS, pools.FOLLOW_UPS
        next_id = self.ids["members_visitlog"]
        sample = self.rng.sample
        lines = []
        append = lines.append
        current = None
        for org, post_id, spans in plan:
            if org is not current:
                current = org
                size = min(org.households or 500, len(heads))
                groups = (org.natural_villages or 6) + 2
                label = "组" if org.field == "village" else "网格"
                cache = {}
                salt = int(rnd() * len(heads))
            prefix = f"\t1\t{now}\t{now}\t{post_id}\t{org.id}\t"
            for start, end, distinct in spans:
                count = min(size, round(distinct * scale))
                if count <= 0:
                    continue
                chosen = sample(range(size), count)
                extra = round(count * repeat) - count
                if extra > 0:
                    chosen += [chosen[int(rnd() * count)] for _ in range(extra)]
                texts = []
                for household in chosen:
                    text = cache.get(household)
                    if text is None:
                        head = heads[(household * 7919 + salt) % len(heads)]
                        group = f"{household % groups + 1}{label}"
                        text = cache[household] = f"{head}\t{group}\t{group}|{head}\t"
                    texts.append(text)
                span_days = isos[start - base : end - base + 1]
                span = len(span_days)
                for text in texts:
                    offset = int(rnd() * span)
                    if rnd() < 0.25:
                        concern = concerns[int(rnd() * len(concerns))]
                        follow = follow_ups[int(rnd() * len(follow_ups))] if rnd() < 0.8 else ""
                        resolved = start + offset + 1 + int(rnd() * 60)
                        resolved = isos[resolved - base] if resolved <= T and rnd() < 0.55 else "\\N"
                        append(
                            f"{next_id}{prefix}{text}{span_days[offset]}\t{concern}\t{follow}\t{resolved}\t\\N\n"
                        )
                    else:
                        append(f"{next_id}{prefix}{text}{span_days[offset]}\t\t\t\\N\t\\N\n")
                    next_id += 1
            if len(lines) >= CHUNK_LINES:
                yield "".join(lines)
                lines = []
                append = lines.append
        yield "".join(lines)
        self.ids["members_visitlog"] = next_id

    # --- study records ----------------------------------------------------------------------------

    def study_chunks(self):
        """Monthly study of the village secretaries and of the township instructors (seeds 000, 003)."""
        now = self.now
        months = [(y, m) for y, first, last in self.years for m in range(1, date.fromordinal(last).month + 1)]
        month_days = [(y, m, date(y, m, 1).toordinal()) for y, m in months]
        lines = []
        village = [
            (post_id, org.id, started, ended)
            for org in self.rural
            for post_id, started, ended, _ in org.secretaries
        ]
        township = [(post_id, org_id, started, None) for post_id, org_id, started in self.people.instructors]
        for people, notes, article in ((village, (380, 650), 0.12), (township, (800, 1200), 0.3)):
            for post_id, org_id, started, ended in people:
                diligent = self.rnd() < 0.75
                present = 0.95 if diligent else 0.6
                low, high = notes if diligent else (notes[0] // 2, notes[0] + 50)
                share = article if diligent else article / 3
                for y, m, first in month_days:
                    if first + 27 < started or (ended is not None and first > ended) or self.rnd() > present:
                        continue
                    sessions = 2 if self.rnd() < 0.2 else 1
                    articles = 1 if self.rnd() < share else 0
                    record = self.next_id("members_studyrecord")
                    lines.append(
                        f"{record}\t1\t{now}\t{now}\t{post_id}\t{org_id}\t{y}\t{m}\t{sessions}\t"
                        f"{self.between(low, high)}\t{articles}\n"
                    )
                if len(lines) >= CHUNK_LINES:
                    yield "".join(lines)
                    lines = []
        yield "".join(lines)

    # --- trainings --------------------------------------------------------------------------------

    def trainings(self):
        """Training lines and the member and cadre attendee lines, as three chunk lists."""
        trainings, members, cadres = Chunks(), Chunks(), Chunks()
        holders = [org for org in self.tree.branches if org.holds_members]
        committees_by_county: dict[int, list[Org]] = {}
        for committee in self.tree.committees:
            committees_by_county.setdefault(committee.county.id, []).append(committee)
        rural_by_township: dict[int, list[Org]] = {}
        branches_by_parent: dict[int, list[Org]] = {}
        for org in self.tree.branches:
            key = (org.township or org.county).id
            branches_by_parent.setdefault(key, []).append(org)
            if org.is_rural:
                rural_by_township.setdefault(key, []).append(org)
        centralized = 0
        plan = []  # (county, [(year, first, last, county trainings, {township id: trainings})])
        for county in self.tree.counties:
            years = []
            for year, first, last in self.years:
                county_trainings = self.county_trainings(county, first, last)
                townships = {
                    c.id: self.township_trainings(c, first, last) for c in committees_by_county[county.id]
                }
                centralized += len(county_trainings) + sum(len(t) for t in townships.values())
                years.append((year, first, last, county_trainings, townships))
            plan.append((county, years))
        fractions = sum((last - first + 1) / 365 for _y, first, last in self.years)
        village_budget = max(
            0, self.tier.trainings * len(self.tree.counties) // self.tier.counties - centralized
        )
        rate = (village_budget / (len(holders) * fractions) - 0.04) / 0.92 if holders else 0
        member_share = min(0.6, MEMBER_ATTENDEES_PER_BRANCH / max(1.0, rate * fractions * 8.5))
        self.notes["trainings"] = (
            f"{rate:.1f} village trainings per branch-year, {member_share:.2f} with members"
        )
        for county, years in plan:
            for _year, first, last, county_trainings, townships in years:
                county_sessions = []
                for organizer, level, audience, day, days in county_trainings:
                    training_id = self.training(trainings, organizer, level, audience, day, days)
                    if audience == Audience.SECRETARIES:
                        county_sessions.append((day, training_id))
                township_sessions = {}
                for committee_id, items in townships.items():
                    sessions = township_sessions[committee_id] = []
                    for organizer, level, audience, day, days in items:
                        training_id = self.training(trainings, organizer, level, audience, day, days)
                        if audience == Audience.SECRETARIES:
                            sessions.append((day, training_id))
                        elif audience == Audience.TWO_COMMITTEES:
                            villages = rural_by_township.get(committee_id, [])
                            self.two_committee_attendees(cadres, training_id, day, villages)
                groups = [(county.id, [])] + list(township_sessions.items())
                for parent_id, own in groups:
                    branches = branches_by_parent.get(parent_id, [])
                    self.secretary_attendees(cadres, first, last, sorted(county_sessions + own), branches)
        for org in holders:
            for _year, first, last in self.years:
                self.village_trainings(trainings, members, org, first, last, rate, member_share)
        return trainings, members, cadres

    def county_trainings(self, county: Org, first: int, last: int) -> list[tuple]:
        """Secretaries twice (spring and autumn, 3-5 days: the centralized training), the two committees, the
        reserve and members once or twice; now and then a county that held only one."""
        rnd = self.rnd
        year = date.fromordinal(first).year
        items = [
            (Audience.SECRETARIES, (date(year, 3, 10), date(year, 5, 20)), (3, 5)),
            (Audience.SECRETARIES, (date(year, 9, 5), date(year, 10, 30)), (3, 5)),
            (Audience.TWO_COMMITTEES, (date(year, 4, 1), date(year, 11, 30)), (2, 3)),
            (Audience.RESERVE, (date(year, 6, 1), date(year, 8, 31)), (2, 5)),
            (Audience.MEMBERS, (date(year, 1, 5), date(year, 12, 20)), (1, 3)),
        ]
        if rnd() < 0.5:
            items.append((Audience.MEMBERS, (date(year, 1, 5), date(year, 12, 20)), (1, 2)))
        if rnd() < 0.05:
            items = items[:1]
        return self.dated(county, TrainingLevel.COUNTY, items, last)

    def township_trainings(self, committee: Org, first: int, last: int) -> list[tuple]:
        rnd = self.rnd
        year = date.fromordinal(first).year
        whole = (date(year, 1, 5), date(year, 12, 20))
        items = []
        if rnd() < 0.5:
            items.append((Audience.SECRETARIES, (date(year, 2, 20), date(year, 11, 30)), (2, 3)))
        if rnd() < 0.85:
            items.append((Audience.TWO_COMMITTEES, whole, (1, 2)))
        items += [(Audience.MEMBERS, whole, (1, 2)) for _ in range(self.between(1, 2))]
        items += [(Audience.VILLAGERS, whole, (1, 1)) for _ in range(self.between(1, 2))]
        if rnd() < 0.4:
            items.append((Audience.RESERVE, whole, (1, 3)))
        if rnd() < 0.08:
            items = items[: self.between(0, 1)]
        return self.dated(committee, TrainingLevel.TOWNSHIP, items, last)

    def dated(self, organizer, level, items, last) -> list[tuple]:
        dated = []
        for audience, (low, high), (fewest, most) in items:
            first_day, last_day = low.toordinal(), min(high.toordinal(), last)
            if last_day >= first_day:
                dated.append(
                    (
                        organizer,
                        level,
                        audience,
                        self.between(first_day, last_day),
                        self.between(fewest, most),
                    )
                )
        return dated

    def training(self, chunks: Chunks, organizer: Org, level, audience, day: int, days, villagers=0) -> int:
        training_id = self.next_id("members_training")
        topics = pools.TRAINING_TOPICS[audience]
        topic = topics[int(self.rnd() * len(topics))]
        if isinstance(days, int):
            days_text, hours = f"{days}.0", days * 8
        else:
            days_text, hours = days
        chunks.add(
            f"{training_id}\t1\t{self.now}\t{self.now}\t{organizer.id}\t{level}\t{audience}\t{self.days.iso(day)}\t"
            f"{days_text}\t{hours}\t{organizer.short}{topic}\t{villagers}\n"
        )
        return training_id

    def secretary_attendees(self, cadres: Chunks, first: int, last: int, sessions: list, branches: list[Org]):
        """Each secretary serving that year goes to none, one or two of the centralized trainings for
        secretaries held by the county or by their township while they served."""
        for org in branches:
            for post_id, started, ended, _member in org.secretaries:
                start, end = max(first, started), min(last, ended if ended is not None else last)
                low = bisect.bisect_left(sessions, (start, 0))
                high = bisect.bisect_right(sessions, (end, 1 << 62))
                available = sessions[low:high]
                wanted = SECRETARY_TRAININGS(self.rnd)
                for _day, training_id in self.rng.sample(available, min(wanted, len(available))):
                    cadres.add(
                        f"{self.next_id('members_training_cadre_attendees')}\t{training_id}\t{post_id}\n"
                    )

    def two_committee_attendees(
        self, cadres: Chunks, training_id: int, day: int, villages: list[Org]
    ) -> None:
        for org in villages:
            serving = [p for p in org.persons if p[1] <= day and (p[2] is None or p[2] >= day)]
            for post_id, *_rest in self.rng.sample(serving, min(len(serving), self.between(1, 2))):
                cadres.add(f"{self.next_id('members_training_cadre_attendees')}\t{training_id}\t{post_id}\n")

    def village_trainings(
        self, trainings, members, org: Org, first: int, last: int, rate: float, share: float
    ):
        rnd = self.rnd
        fraction = (last - first + 1) / 365
        if rnd() < 0.08:
            count = int(rnd() * 2 * min(1.0, fraction * 1.5))
        else:
            count = round((0.5 + rnd()) * rate * fraction)
        for _ in range(count):
            day = self.between(first, last)
            if rnd() < share and org.members:
                training_id = self.training(
                    trainings, org, TrainingLevel.VILLAGE, Audience.MEMBERS, day, ("0.5", 4)
                )
                # Members take turns (rotation training): each session calls the next few on the roll.
                start = self.rotation.get(org.id)
                if start is None:
                    start = int(rnd() * org.members)
                count = min(org.members, self.between(5, 12))
                for number in range(start, start + count):
                    members.add(
                        f"{self.next_id('members_training_member_attendees')}\t{training_id}\t"
                        f"{org.first_member + number % org.members}\n"
                    )
                self.rotation[org.id] = (start + count) % org.members
            else:
                audience = (
                    Audience.VILLAGERS
                    if rnd() < 0.8
                    else (Audience.TWO_COMMITTEES, Audience.RESERVE)[rnd() < 0.5]
                )
                villagers = self.between(15, 80) if audience == Audience.VILLAGERS else 0
                self.training(trainings, org, TrainingLevel.VILLAGE, audience, day, ("1.0", 6), villagers)

    # --- meetings ---------------------------------------------------------------------------------

    def meeting_chunks(self):
        """Every branch's meetings by kind, around the targets for the diligent and short for the others;
        attendance is kept as the two counters (no attendee rows at scale)."""
        rnd = self.rnd
        branches = self.tree.branches
        for org in branches:
            low, high = MEETING_PROFILES(rnd)
            org.diligence = low + (high - low) * rnd()
        factor = self.meeting_factor(branches)
        self.notes["meetings"] = f"diligence × {factor:.2f}"
        now, isos, base = self.now, self.days._iso, self.days.first
        expected_by_org = {org.id: org.on_roll for org in branches}
        for org in branches:
            if org.kind == "general_branch":
                expected_by_org[org.id] = 0
        for org in branches:
            if org.parent is not None and org.parent.kind == "general_branch":
                expected_by_org[org.parent.id] += org.on_roll
        slots = self.meeting_slots()
        next_id = self.ids["members_meeting"]
        lines = []
        append = lines.append
        for org in branches:
            share = self.meeting_share(org, factor)
            shares = (share, min(1.0, share + 0.35))
            expected = expected_by_org[org.id]
            sizes = (expected, expected // 3 + 1)
            prefix = f"\t1\t{now}\t{now}\t{org.id}\t"
            for kind, start, span, yearly, group, topics, speaker in slots:
                if rnd() < shares[yearly]:
                    size = sizes[group]
                    day = isos[start + int(rnd() * span) - base]
                    topic = topics[int(rnd() * len(topics))]
                    present = round(size * (0.7 + 0.28 * rnd()))
                    append(f"{next_id}{prefix}{kind}\t{day}\t{topic}\t{speaker}\t{size}\t{present}\t\n")
                    next_id += 1
            if len(lines) >= CHUNK_LINES:
                yield "".join(lines)
                lines = []
                append = lines.append
        yield "".join(lines)
        self.ids["members_meeting"] = next_id

    def meeting_slots(self) -> list[tuple]:
        """(kind, first day, days, yearly, group, topics, speaker) for each meeting a branch may hold over the
        two years: one slot per month, quarter or year of its kind; a branch keeps each with its share
        (yearly ones more often)."""
        slots = []
        for year, first, last in self.years:
            bounds = []
            for month in range(1, date.fromordinal(last).month + 1):
                start = date(year, month, 1).toordinal()
                end = (date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)).toordinal() - 1
                bounds += [(kind, start, min(end, last), False) for kind in MONTHLY]
            for quarter in range(4):
                start = date(year, quarter * 3 + 1, 1).toordinal()
                if start > last:
                    break
                end = (
                    date(year + 1, 1, 1) if quarter == 3 else date(year, quarter * 3 + 4, 1)
                ).toordinal() - 1
                bounds += [(kind, start, min(end, last), False) for kind in QUARTERLY]
            early = min(last, date(year, 3, 31).toordinal())
            bounds += [(kind, first, early, True) for kind in YEARLY]
            for kind, start, end, yearly in bounds:
                speaker = "支部书记" if kind == MeetingKind.LECTURE else ""
                group = kind == MeetingKind.GROUP
                slots.append(
                    (kind, start, end - start + 1, yearly, group, pools.MEETING_TOPICS[kind], speaker)
                )
        return slots

    @staticmethod
    def meeting_share(org: Org, factor: float) -> float:
        return 1.0 if org.diligence >= 1.0 else min(0.95, org.diligence * factor)

    def meeting_factor(self, branches) -> float:
        """The factor on each branch's diligence that brings the expected number of meetings to the tier's."""
        target = self.tier.meetings * len(self.tree.counties) / self.tier.counties
        slots = sum(
            (date.fromordinal(last).month) * len(MONTHLY)
            + ((date.fromordinal(last).month + 2) // 3) * len(QUARTERLY)
            for _y, _f, last in self.years
        )

        complete = sum(1 for org in branches if org.diligence >= 1.0)
        partial = [org.diligence for org in branches if org.diligence < 1.0]
        yearly = len(self.years) * len(YEARLY)

        def expected(factor):
            total = complete * (slots + yearly)
            for diligence in partial:
                share = min(0.95, diligence * factor)
                total += slots * share + yearly * min(1.0, share + 0.35)
            return total

        low, high = 0.05, 4.0
        for _ in range(30):
            middle = (low + high) / 2
            if expected(middle) < target:
                low = middle
            else:
                high = middle
        return (low + high) / 2

    # --- reports, reviews, disclosures ------------------------------------------------------------

    def review_chunks(self):
        """Two reports to the branch, two to the members and the two democratic reviews a year (seed 000),
        mid-year and in December; a few branches skip some."""
        rnd, now, iso = self.rnd, self.now, self.days.iso
        lines = []
        for org in self.rural:
            for year, _first, last in self.years:
                mid = (date(year, 6, 20).toordinal(), date(year, 7, 31).toordinal())
                end = (date(year, 12, 10).toordinal(), date(year, 12, 31).toordinal())
                slots = [
                    ("committee_report", mid, 0), ("committee_report", end, 1),
                    ("branch_report", mid, 0), ("branch_report", end, 1),
                    ("member_review", end, 2), ("representative_review", end, 2),
                ]  # fmt: skip
                complete = rnd() < 0.85
                for kind, (low, high), topic in slots:
                    if low > last or (not complete and rnd() < 0.4):
                        continue
                    day = self.between(low, min(high, last))
                    topics = pools.REVIEW_TOPICS[kind]
                    if kind == "representative_review":
                        participants = self.between(20, 45)
                    elif kind == "committee_report":
                        participants = self.between(5, 9)
                    else:
                        participants = max(3, round(org.on_roll * (0.7 + 0.25 * rnd())))
                    satisfied = "\\N"
                    if kind.endswith("review"):
                        rate = 0.45 + 0.2 * rnd() if rnd() < 0.08 else 0.75 + 0.25 * rnd()
                        satisfied = min(participants, round(participants * rate))
                    record = self.next_id("branches_reviewrecord")
                    lines.append(
                        f"{record}\t1\t{now}\t{now}\t{org.id}\t{kind}\t{iso(day)}\t"
                        f"{topics[min(topic, len(topics) - 1)]}\t{participants}\t{satisfied}\t\n"
                    )
            if len(lines) >= CHUNK_LINES:
                yield "".join(lines)
                lines = []
        yield "".join(lines)

    def disclosure_chunks(self):
        """Village finances made public every half year: in July, and in January for the second half."""
        rnd, now, iso = self.rnd, self.now, self.days.iso
        lines = []
        for org in self.rural:
            for year, _first, _last in self.years:
                halves = (
                    (1, date(year, 7, 1), date(year, 7, 15)),
                    (2, date(year + 1, 1, 5), date(year + 1, 1, 20)),
                )
                for period, low, high in halves:
                    first_day, last_day = low.toordinal(), min(high.toordinal(), self.T)
                    if last_day < first_day or rnd() > 0.9:
                        continue
                    income = self.between(20, 800) * 1000
                    spent = round(income * (0.6 + 0.5 * rnd()))
                    record = self.next_id("branches_financialdisclosure")
                    lines.append(
                        f"{record}\t1\t{now}\t{now}\t{org.id}\t{year}\t{period}\t"
                        f"{iso(self.between(first_day, last_day))}\t{income}.00\t{spent}.00\t\n"
                    )
            if len(lines) >= CHUNK_LINES:
                yield "".join(lines)
                lines = []
        yield "".join(lines)

    # --- rooms and targets ------------------------------------------------------------------------

    def room_chunks(self):
        rnd, now = self.rnd, self.now
        year = self.people.year
        lines = []
        rate = {}
        for org in self.tree.branches:
            if not org.holds_members or rnd() > (0.95 if org.is_rural else 0.4):
                continue
            township = org.township or org.county
            if township.id not in rate:
                rate[township.id] = 0.45 + 0.5 * rnd()
            built = self.between(1985, year - 1)
            renovated = self.between(built + 1, year) if rnd() < 0.4 and built < year else "\\N"
            standardized = rnd() < rate[township.id]
            when = "\\N"
            if standardized:
                chance = rnd()
                if chance < 0.7:
                    when = self.day(date(2015, 1, 1).toordinal(), date(year - 2, 12, 31).toordinal())
                elif chance < 0.85:
                    when = self.day(*self.years[0][1:])
                else:
                    when = self.day(*self.years[1][1:])
            facilities = "\t".join("t" if rnd() < (0.9 if standardized else 0.5) else "f" for _ in range(6))
            name = pools.ROOM_NAMES[int(rnd() * len(pools.ROOM_NAMES))]
            room = self.next_id("branches_activityroom")
            lines.append(
                f"{room}\t1\t{now}\t{now}\t{org.id}\t{org.short}{name}\t{org.short}\t"
                f"{self.between(60, 300)}.0\t{built}\t{renovated}\t{'t' if standardized else 'f'}\t{when}\t"
                f"{facilities}\n"
            )
        yield "".join(lines)

    def target_chunks(self):
        """Each township's target of standardized rooms for the two years (seed 000: 15)."""
        lines = []
        rural = {}
        for org in self.rural:
            rural[org.township.id] = rural.get(org.township.id, 0) + 1
        for committee in self.tree.committees:
            current = max(1, round(rural.get(committee.id, 0) * (0.55 + 0.35 * self.rnd())))
            for year, target in (
                (self.people.year - 1, max(1, current - self.between(0, 2))),
                (self.people.year, current),
            ):
                target_id = self.next_id("branches_standardizedroomtarget")
                lines.append(f"{target_id}\t1\t{self.now}\t{self.now}\t{committee.id}\t{year}\t{target}\n")
        yield "".join(lines)

    # --- contact points ---------------------------------------------------------------------------

    def contact_chunks(self):
        """Each township leader's contact village for each year: one lecture, one check, one activity and the
        days spent there (≥90 asked, seed 000)."""
        rnd, now, iso = self.rnd, self.now, self.days.iso
        lines = []
        for _township, villages, leaders in self.people.contacts:
            for _year, first, last in self.years:
                chosen = self.rng.sample(villages, min(len(villages), len(leaders)))
                fraction = (last - first + 1) / 365
                for (leader_id, _name), village in zip(leaders, chosen, strict=False):
                    dates = [iso(self.between(first, last)) if rnd() < 0.9 else "\\N" for _ in range(3)]
                    days_spent = round(self.between(60, 140) * fraction)
                    point = self.next_id("members_contactpoint")
                    lines.append(
                        f"{point}\t1\t{now}\t{now}\t{leader_id}\t{village.id}\t{date.fromordinal(first).year}\t"
                        f"{dates[0]}\t{dates[1]}\t{dates[2]}\t{days_spent}\t\n"
                    )
        yield "".join(lines)
